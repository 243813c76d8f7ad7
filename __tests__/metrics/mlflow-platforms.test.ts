/**
 * Databricks (personal access token, OAuth M2M) and SageMaker managed MLflow (SigV4) as MLflow
 * sources, against a real loopback server checking the auth as those services do
 * (mlflow-platform-server.ts): the token endpoint, token expiry, and a SigV4 signature recomputed
 * by the server from the request and the secret.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMlflowClient, createMlflowRunSource } from '../../src/metrics/mlflow.js';
import { databricksHostOf, resolveMlflowServer } from '../../src/metrics/mlflow-platforms.js';
import { createInputReader } from '../../src/core/inputs.js';
import { readMetricGateInputs } from '../../src/runs/inputs/metric-gate.js';
import { startPlatformServer, type PlatformServer } from './mlflow-platform-server.js';

const RUN = 'a'.repeat(32);
const runs = [
  {
    id: RUN,
    history: {
      accuracy: [
        { value: 0.91, step: 0 },
        { value: 0.95, step: 1 },
      ],
      loss: [{ value: 0.2, step: 0 }],
    },
  },
];
const noRetry = { retry: { maxRetries: 0 } };

let server: PlatformServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('resolveMlflowServer', () => {
  it('recognises Databricks workspaces by address or by the databricks URI', () => {
    expect(databricksHostOf('https://adb-123.4.azuredatabricks.net/', {})).toBe('https://adb-123.4.azuredatabricks.net');
    expect(databricksHostOf('https://acme.cloud.databricks.com', {})).toBe('https://acme.cloud.databricks.com');
    expect(databricksHostOf('https://mlflow.example.com', {})).toBeUndefined();
    expect(databricksHostOf('databricks', { DATABRICKS_HOST: 'acme.cloud.databricks.com' })).toBe('https://acme.cloud.databricks.com');
    expect(() => databricksHostOf('databricks', {}, 'mlflow-tracking-uri')).toThrow(/DATABRICKS_HOST/);
    expect(() => databricksHostOf('databricks://prod', {})).toThrow(/profile/);
  });

  it('picks mlflow-token, then DATABRICKS_TOKEN, then the OAuth client; says what to set when none is there', () => {
    const host = 'https://acme.cloud.databricks.com';
    expect(resolveMlflowServer(host, { token: 'dapi1' }, { DATABRICKS_TOKEN: 'dapi2' })).toMatchObject({
      auth: { kind: 'bearer', token: 'dapi1' },
      secrets: ['dapi1'],
    });
    expect(resolveMlflowServer(host, {}, { DATABRICKS_TOKEN: 'dapi2' })).toMatchObject({ auth: { kind: 'bearer', token: 'dapi2' } });
    const oauth = resolveMlflowServer('databricks', {}, { DATABRICKS_HOST: host, DATABRICKS_CLIENT_ID: 'sp', DATABRICKS_CLIENT_SECRET: 'dose' });
    expect(oauth).toMatchObject({ trackingUri: host, auth: { kind: 'databricks-oauth', host, clientId: 'sp' }, secrets: ['dose'] });
    expect(() => resolveMlflowServer(host, {}, { DATABRICKS_CLIENT_ID: 'sp' })).toThrow(
      expect.objectContaining({ message: expect.stringContaining(`Databricks workspace ${host}`), hint: expect.stringContaining('DATABRICKS_CLIENT_SECRET') }),
    );
    expect(() => resolveMlflowServer(host, { username: 'u', password: 'p' }, {})).toThrow(/user name and password/);
  });

  it('reads a SageMaker ARN: region endpoint (or SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT), no token inputs', () => {
    const arn = 'arn:aws:sagemaker:eu-west-1:123456789012:mlflow-tracking-server/prod';
    expect(resolveMlflowServer(arn, {}, {}).auth).toMatchObject({
      kind: 'sigv4',
      region: 'eu-west-1',
      endpoint: 'https://eu-west-1.experiments.sagemaker.aws',
    });
    expect(resolveMlflowServer(arn, {}, { SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT: 'http://127.0.0.1:9' }).auth).toMatchObject({ endpoint: 'http://127.0.0.1:9' });
    expect(() => resolveMlflowServer('arn:aws:sagemaker:eu-west-1:1:model/x', {}, {})).toThrow(/not the ARN of a SageMaker MLflow tracking server/);
    expect(() => resolveMlflowServer(arn, { token: 't' }, {})).toThrow(/AWS credentials/);
  });
});

describe('metric-gate inputs', () => {
  const read = (values: Record<string, string>, env: Record<string, string>) => {
    const masked: string[] = [];
    const reader = createInputReader((name) => values[name], { debug: () => undefined, setSecret: (v) => masked.push(v) });
    return { settings: readMetricGateInputs(reader, { env, setSecret: (v) => masked.push(v) }), masked };
  };
  it('mlflow-tracking-uri databricks: the host from DATABRICKS_HOST, DATABRICKS_TOKEN / the client secret masked', () => {
    const pat = read(
      { 'mlflow-tracking-uri': 'databricks', 'run-id': RUN, rules: 'a > 1' },
      { DATABRICKS_HOST: 'https://acme.cloud.databricks.com', DATABRICKS_TOKEN: 'dapi-env' },
    );
    expect(pat.settings.source).toMatchObject({
      kind: 'mlflow',
      trackingUri: 'https://acme.cloud.databricks.com',
      auth: { kind: 'bearer', token: 'dapi-env' },
    });
    expect(pat.masked).toContain('dapi-env');
    const m2m = read(
      { 'run-id': RUN, rules: 'a > 1' },
      { MLFLOW_TRACKING_URI: 'databricks', DATABRICKS_HOST: 'adb-1.2.azuredatabricks.net', DATABRICKS_CLIENT_ID: 'sp', DATABRICKS_CLIENT_SECRET: 'dose-x' },
    );
    expect(m2m.settings.source).toMatchObject({ trackingUri: 'https://adb-1.2.azuredatabricks.net', auth: { kind: 'databricks-oauth', clientId: 'sp' } });
    expect(m2m.masked).toContain('dose-x');
  });
});

describe('Databricks', () => {
  it('reads a run with a personal access token; a wrong token is one clear error naming Databricks and what to set', async () => {
    server = await startPlatformServer({ runs }, { kind: 'databricks', pats: ['dapi-good'], clients: [] });
    const env = { DATABRICKS_HOST: server.url };
    const good = resolveMlflowServer('databricks', { token: 'dapi-good' }, env);
    const source = createMlflowRunSource(createMlflowClient({ ...noRetry, trackingUri: good.trackingUri, auth: good.auth }), RUN);
    const metrics = await source.fetch(['accuracy', 'loss']);
    expect(metrics.get('accuracy')?.map((p) => p.value)).toEqual([0.91, 0.95]);
    expect(server.requests.every((r) => r.headers.authorization === 'Bearer dapi-good')).toBe(true);

    const bad = resolveMlflowServer('databricks', {}, { ...env, DATABRICKS_TOKEN: 'dapi-wrong' });
    const err = await createMlflowClient({ ...noRetry, trackingUri: bad.trackingUri, auth: bad.auth, input: 'mlflow-tracking-uri' })
      .getRun(RUN)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringMatching(new RegExp(`^The Databricks workspace ${server.url} refused .*HTTP 401 UNAUTHENTICATED.*Invalid access token`)),
      hint: expect.stringContaining('DATABRICKS_TOKEN'),
    });
  });

  it('OAuth M2M: gets a token from /oidc/v1/token, reuses it, renews it when it expires, masks it', async () => {
    server = await startPlatformServer({ runs }, { kind: 'databricks', pats: [], clients: [{ id: 'sp-1', secret: 'dose-1' }], tokenLifetimeS: 1 });
    const masked: string[] = [];
    const r = resolveMlflowServer(
      'databricks',
      {},
      { DATABRICKS_HOST: server.url, DATABRICKS_CLIENT_ID: 'sp-1', DATABRICKS_CLIENT_SECRET: 'dose-1' },
      { mask: (s) => masked.push(s) },
    );
    const client = createMlflowClient({ ...noRetry, trackingUri: r.trackingUri, auth: r.auth });
    await client.getRun(RUN);
    await client.getMetricHistory(RUN, 'accuracy');
    expect(server.issued).toHaveLength(1); // 1 s token, renewed half its lifetime early: still valid here
    await new Promise((res) => setTimeout(res, 1100));
    expect((await client.getMetricHistory(RUN, 'loss')).map((p) => p.value)).toEqual([0.2]);
    expect(server.issued).toHaveLength(2);
    expect(masked).toEqual(server.issued);
    expect(server.refused).toEqual([]);
  });

  it('a refused client secret is one clear error naming the workspace and the variables', async () => {
    server = await startPlatformServer({ runs }, { kind: 'databricks', pats: [], clients: [{ id: 'sp-1', secret: 'dose-1' }] });
    const r = resolveMlflowServer('databricks', {}, { DATABRICKS_HOST: server.url, DATABRICKS_CLIENT_ID: 'sp-1', DATABRICKS_CLIENT_SECRET: 'nope' });
    const err = await createMlflowClient({ ...noRetry, trackingUri: r.trackingUri, auth: r.auth })
      .getRun(RUN)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'ConfigurationError',
      message: `The Databricks workspace ${server.url} refused the OAuth client credentials of DATABRICKS_CLIENT_ID 'sp-1' (HTTP 401: Client authentication failed).`,
      hint: expect.stringContaining('DATABRICKS_CLIENT_SECRET'),
    });
    expect(server.requests.filter((q) => q.path.startsWith('/api/'))).toHaveLength(0);
  });
});

describe('SageMaker managed MLflow (SigV4)', () => {
  const arn = 'arn:aws:sagemaker:eu-west-1:123456789012:mlflow-tracking-server/prod';
  const saved = { ...process.env };
  beforeEach(() => {
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
  });
  afterEach(() => {
    process.env = { ...saved };
  });
  const sigv4Server = (now?: () => number) =>
    startPlatformServer({ runs }, { kind: 'sigv4', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'right-secret', region: 'eu-west-1', arn, now });

  it('signs with the credentials of the standard chain; the server recomputes and accepts the signature', async () => {
    server = await sigv4Server();
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'right-secret';
    const r = resolveMlflowServer(arn, {}, { SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT: server.url });
    const client = createMlflowClient({ ...noRetry, trackingUri: r.trackingUri, auth: r.auth, historyPageSize: 1 });
    expect(client.trackingUri).toBe(arn);
    const metrics = await createMlflowRunSource(client, RUN).fetch(['accuracy']);
    expect(metrics.get('accuracy')?.map((p) => p.value)).toEqual([0.91, 0.95]);
    expect(server.refused).toEqual([]);
    expect(server.requests.length).toBe(3); // runs/get + 2 pages
    expect(server.requests[0].headers['x-mlflow-sm-tracking-server-arn']).toBe(arn);
  });

  it('a wrong secret, and a signature outside the 5-minute window, are refused: one clear error naming SageMaker and what to set', async () => {
    server = await sigv4Server();
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wrong-secret';
    const r = resolveMlflowServer(arn, {}, { SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT: server.url });
    const err = await createMlflowClient({ ...noRetry, trackingUri: r.trackingUri, auth: r.auth })
      .getRun(RUN)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringMatching(
        /^The SageMaker MLflow tracking server 'prod' .* refused .*HTTP 403 PERMISSION_DENIED.*signature we calculated does not match/,
      ),
      hint: expect.stringContaining('aws-actions/configure-aws-credentials'),
    });
    await server.close();

    server = await sigv4Server(() => Date.now() + 10 * 60_000);
    process.env.AWS_SECRET_ACCESS_KEY = 'right-secret';
    const late = resolveMlflowServer(arn, {}, { SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT: server.url });
    const expired = await createMlflowClient({ ...noRetry, trackingUri: late.trackingUri, auth: late.auth })
      .getRun(RUN)
      .catch((e: unknown) => e);
    expect(expired).toMatchObject({ name: 'ConfigurationError', message: expect.stringContaining('Signature expired') });
  });

  it('a model name with a space: the query is signed as SageMaker reads it (%20, not +)', async () => {
    server = await startPlatformServer(
      { runs, models: [{ name: 'churn model', version: '3', runId: RUN, aliases: ['champion'] }] },
      { kind: 'sigv4', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'right-secret', region: 'eu-west-1', arn },
    );
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'right-secret';
    const r = resolveMlflowServer(arn, {}, { SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT: server.url });
    const found = await createMlflowClient({ ...noRetry, trackingUri: r.trackingUri, auth: r.auth }).getModelVersion('churn model', { alias: 'champion' });
    expect(found).toMatchObject({ found: true, version: { version: '3', runId: RUN } });
    expect(server.refused).toEqual([]);
    expect(server.requests[0].url).toContain('name=churn%20model');
  });

  it('temporary credentials (as from a web identity): the session token is sent and signed', async () => {
    server = await sigv4Server();
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'right-secret';
    process.env.AWS_SESSION_TOKEN = 'session-token-1';
    const r = resolveMlflowServer(arn, {}, { SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT: server.url });
    await createMlflowClient({ ...noRetry, trackingUri: r.trackingUri, auth: r.auth }).getRun(RUN);
    expect(server.refused).toEqual([]);
    expect(server.requests[0].headers['x-amz-security-token']).toBe('session-token-1');
    expect(String(server.requests[0].headers.authorization)).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
  });

  it('no AWS credentials at all: one clear error before any request', async () => {
    server = await sigv4Server();
    process.env.AWS_CONFIG_FILE = '/nonexistent/config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
    const r = resolveMlflowServer(arn, {}, { SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT: server.url });
    const err = await createMlflowClient({ ...noRetry, trackingUri: r.trackingUri, auth: r.auth })
      .getRun(RUN)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringContaining(`No AWS credentials to sign requests to the SageMaker MLflow tracking server ${arn}`),
    });
    expect(server.requests).toHaveLength(0);
  });
});
