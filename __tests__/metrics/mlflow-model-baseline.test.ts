/**
 * `baseline: mlflow-model:<name>@<alias>` / `<name>/<version>`: the model version on an MLflow
 * server (here a Databricks-shaped one behind OAuth M2M; Unity Catalog and workspace model names) → its run → that run's metrics; the
 * inputs that say which server; clear errors for an unknown model, version or alias.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseBaselineSpec, resolveBaseline } from '../../src/metrics/baseline.js';
import { readMetricGateInputs } from '../../src/runs/inputs/metric-gate.js';
import { createInputReader } from '../../src/core/inputs.js';
import { startPlatformServer, type PlatformRun, type PlatformServer } from './mlflow-platform-server.js';

const CHAMP = 'c'.repeat(32);
const OLD = 'd'.repeat(32);
const runs: PlatformRun[] = [
  { id: CHAMP, history: { accuracy: [{ value: 0.93, step: 0 }], loss: [{ value: 0.15, step: 0 }] } },
  { id: OLD, history: { accuracy: [{ value: 0.8, step: 0 }] } },
];
const models = [
  { name: 'main.ml.churn', version: '1', runId: OLD },
  { name: 'main.ml.churn', version: '2', runId: CHAMP, aliases: ['champion'] },
  { name: 'orphan', version: '1', runId: '' },
];

let server: PlatformServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('parseBaselineSpec mlflow-model:', () => {
  it('splits at the last @ or /', () => {
    expect(parseBaselineSpec('mlflow-model:main.ml.churn@champion')).toMatchObject({
      kind: 'mlflow-model',
      name: 'main.ml.churn',
      selector: { alias: 'champion' },
    });
    expect(parseBaselineSpec('mlflow-model:churn model/12')).toMatchObject({ name: 'churn model', selector: { version: '12' } });
    expect(() => parseBaselineSpec('mlflow-model:churn')).toThrow(/names no alias or version/);
    expect(() => parseBaselineSpec('mlflow-model:churn/latest')).toThrow(/not an MLflow model version/);
  });
});

function inputs(values: Record<string, string>, env: Record<string, string | undefined>) {
  const masked: string[] = [];
  const reader = createInputReader((name) => values[name], { debug: () => undefined, setSecret: (s) => masked.push(s) });
  return { settings: readMetricGateInputs(reader, { env, setSecret: (s) => masked.push(s) }), masked };
}

describe('resolveBaseline mlflow-model: on a Databricks workspace (OAuth M2M)', () => {
  const start = async () => {
    server = await startPlatformServer({ runs, models }, { kind: 'databricks', pats: [], clients: [{ id: 'sp', secret: 'dose' }] });
    return { DATABRICKS_HOST: server.url, DATABRICKS_CLIENT_ID: 'sp', DATABRICKS_CLIENT_SECRET: 'dose' };
  };
  const resolve = async (baseline: string, env: Record<string, string>) => {
    const { settings } = inputs({ 'metrics-file': 'm.json', rules: 'accuracy >= baseline.accuracy', baseline, 'baseline-tracking-uri': 'databricks' }, env);
    return resolveBaseline(settings.baseline!, { workspace: '/tmp', mlflow: { retry: { maxRetries: 0 } } });
  };

  it('an alias → its version → its run → the run metrics', async () => {
    const env = await start();
    const r = await resolve('mlflow-model:main.ml.churn@champion', env);
    expect(r).toMatchObject({ found: true, modelVersion: '2', description: `MLflow model main.ml.churn@champion (version 2, run ${CHAMP}) at ${server!.url}` });
    if (!r.found) throw new Error('unreachable');
    const metrics = await r.source.fetch(['accuracy', 'loss']);
    expect(metrics.get('accuracy')?.[0].value).toBe(0.93);
    expect(server!.issued).toHaveLength(1);
    // A Unity Catalog name (<catalog>.<schema>.<model>) is read through the unity-catalog registry API.
    expect(server!.requests.map((q) => q.path)).toContain('/api/2.0/mlflow/unity-catalog/registered-models/alias');
    const byVersion = await resolve('mlflow-model:main.ml.churn/1', env);
    expect(byVersion.found && (await byVersion.source.fetch(['accuracy'])).get('accuracy')?.[0].value).toBe(0.8);
  });

  it('unknown model and unknown version are errors; an alias nobody holds is "no baseline yet" with the reason', async () => {
    const env = await start();
    await expect(resolve('mlflow-model:main.ml.chrun@champion', env)).rejects.toThrow(
      `The baseline model 'main.ml.chrun' is not registered on ${server!.url}.`,
    );
    await expect(resolve('mlflow-model:main.ml.churn/7', env)).rejects.toThrow(`The baseline model 'main.ml.churn' has no version 7 on ${server!.url}.`);
    await expect(resolve('mlflow-model:orphan/1', env)).rejects.toThrow(/names no run/);
    expect(await resolve('mlflow-model:main.ml.churn@production', env)).toMatchObject({
      found: false,
      reason: expect.stringContaining("no version of MLflow model 'main.ml.churn' on " + server!.url + ' holds @production'),
    });
  });

  it('a wrong baseline token is one clear error naming Databricks', async () => {
    server = await startPlatformServer({ runs, models }, { kind: 'databricks', pats: ['dapi-ok'], clients: [] });
    const { settings, masked } = inputs(
      {
        'metrics-file': 'm.json',
        rules: 'accuracy >= baseline.accuracy',
        baseline: 'mlflow-model:main.ml.churn@champion',
        'baseline-tracking-uri': 'databricks',
        'baseline-mlflow-token': 'dapi-bad',
      },
      { DATABRICKS_HOST: server.url },
    );
    expect(masked).toContain('dapi-bad');
    await expect(resolveBaseline(settings.baseline!, { workspace: '/tmp', mlflow: { retry: { maxRetries: 0 } } })).rejects.toMatchObject({
      message: expect.stringMatching(
        /^The Databricks workspace .* refused the request reading the version of model 'main.ml.churn' holding @champion \(HTTP 401/,
      ),
      hint: expect.stringContaining('baseline-mlflow-token'),
    });
  });
});

describe('which server an mlflow-model: baseline is read from', () => {
  it('the gated run’s server and credentials when there is no baseline-tracking-uri; an error when there is no server at all', () => {
    const { settings } = inputs(
      { 'mlflow-tracking-uri': 'https://mlflow.example.com', 'run-id': 'r1', 'mlflow-token': 't0k', rules: 'a > baseline.a', baseline: 'mlflow-model:m@prod' },
      {},
    );
    expect(settings.baseline).toMatchObject({
      server: { trackingUri: 'https://mlflow.example.com', auth: { kind: 'bearer', token: 't0k' }, input: 'mlflow-tracking-uri' },
    });
    expect(() => inputs({ 'metrics-file': 'm.json', rules: 'a > baseline.a', baseline: 'mlflow-model:m@prod' }, {})).toThrow(
      /needs the MLflow server its model is registered on/,
    );
    expect(() => inputs({ 'metrics-file': 'm.json', rules: 'a > 1', 'baseline-tracking-uri': 'databricks' }, {})).toThrow(/is for an mlflow-model: baseline/);
  });
});
