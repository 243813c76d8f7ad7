/**
 * metric-gate through its built bundle (dist/metric-gate) with MLflow servers that need more
 * than a bearer token, started in the test (__tests__/metrics/mlflow-platform-server.ts): the run
 * on a Databricks-shaped workspace reached with OAuth M2M (its /oidc/v1/token issues the tokens),
 * gated against a champion registered on a SageMaker-shaped tracking server that recomputes each
 * request's SigV4 signature. Bad input: a wrong AWS secret, a wrong personal access token, an
 * alias nobody holds with require-baseline.
 *
 * Needs `node scripts/build.mjs metric-gate`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, type RunResult } from '../harness/index.js';
import { startPlatformServer, type PlatformServer } from '../metrics/mlflow-platform-server.js';

const CANDIDATE = '1'.repeat(32);
const CHAMPION = '2'.repeat(32);
const ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:mlflow-tracking-server/prod';
const runnerTemp = mkdtempSync(join(tmpdir(), 'mg-plat-runner-'));
let databricks: PlatformServer;
let sagemaker: PlatformServer;
let env: Record<string, string>;

beforeAll(async () => {
  databricks = await startPlatformServer(
    {
      runs: [
        {
          id: CANDIDATE,
          history: {
            accuracy: [
              { value: 0.9, step: 0 },
              { value: 0.95, step: 1 },
            ],
            loss: [{ value: 0.12, step: 1 }],
          },
        },
      ],
    },
    { kind: 'databricks', pats: ['dapi-right'], clients: [{ id: 'sp-ci', secret: 'dose-ci-secret' }] },
  );
  sagemaker = await startPlatformServer(
    {
      runs: [{ id: CHAMPION, history: { accuracy: [{ value: 0.93, step: 0 }], loss: [{ value: 0.15, step: 0 }] } }],
      models: [{ name: 'churn', version: '4', runId: CHAMPION, aliases: ['champion'] }],
    },
    { kind: 'sigv4', accessKeyId: 'AKIDCI', secretAccessKey: 'aws-right-secret', region: 'eu-west-1', arn: ARN },
  );
  env = {
    DATABRICKS_HOST: databricks.url,
    DATABRICKS_CLIENT_ID: 'sp-ci',
    DATABRICKS_CLIENT_SECRET: 'dose-ci-secret',
    AWS_ACCESS_KEY_ID: 'AKIDCI',
    AWS_SECRET_ACCESS_KEY: 'aws-right-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(runnerTemp, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(runnerTemp, 'no-aws-credentials'),
    SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT: sagemaker.url,
  };
});
afterAll(async () => {
  await databricks?.close();
  await sagemaker?.close();
});

function gate(inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<RunResult> {
  return runAction({ action: 'metric-gate', inputs, env: { ...env, ...extraEnv }, runnerTemp, timeoutMs: 60_000 });
}
const errors = (r: RunResult) => r.main.annotations.filter((a) => a.level === 'error');

describe('metric-gate with Databricks and SageMaker MLflow', () => {
  it('a Databricks run (OAuth M2M) gated against the SageMaker champion (SigV4): passes, secrets and tokens masked', async () => {
    const r = await gate({
      'mlflow-tracking-uri': 'databricks',
      'run-id': CANDIDATE,
      rules: 'accuracy >= baseline.accuracy\nloss <= baseline.loss',
      baseline: 'mlflow-model:churn@champion',
      'baseline-tracking-uri': ARN,
    });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs.passed).toBe('true');
    const report = JSON.parse(r.outputs.report);
    expect(report.source).toEqual({ kind: 'mlflow', description: `MLflow run ${CANDIDATE} at ${databricks.url}` });
    expect(r.main.log).toContain(`Baseline: MLflow model churn@champion (version 4, run ${CHAMPION}) at ${ARN}`);
    expect(databricks.issued.length).toBeGreaterThanOrEqual(1);
    expect(r.main.secretsMasked).toEqual(expect.arrayContaining(['dose-ci-secret', ...databricks.issued]));
    expect(databricks.refused).toEqual([]);
    expect(sagemaker.refused).toEqual([]);
    expect(sagemaker.requests.map((q) => q.path)).toEqual(
      expect.arrayContaining(['/api/2.0/mlflow/registered-models/alias', '/api/2.0/mlflow/runs/get', '/api/2.0/mlflow/metrics/get-history']),
    );
  });

  it('a wrong AWS secret: one error naming the SageMaker tracking server and what to set', async () => {
    const r = await gate(
      {
        'mlflow-tracking-uri': 'databricks',
        'run-id': CANDIDATE,
        rules: 'accuracy >= baseline.accuracy',
        baseline: 'mlflow-model:churn@champion',
        'baseline-tracking-uri': ARN,
      },
      { AWS_SECRET_ACCESS_KEY: 'aws-wrong-secret' },
    );
    expect(r.main.exitCode).toBe(1);
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0].message).toMatch(
      /^Input 'baseline-tracking-uri': The SageMaker MLflow tracking server 'prod' .* refused the request .*HTTP 403 PERMISSION_DENIED/,
    );
    expect(errors(r)[0].message).toContain('aws-actions/configure-aws-credentials');
  });

  it('a wrong personal access token; an alias nobody holds with require-baseline', async () => {
    const wrong = await gate({ 'mlflow-tracking-uri': 'databricks', 'run-id': CANDIDATE, 'mlflow-token': 'dapi-wrong', rules: 'accuracy > 0.9' });
    expect(wrong.main.exitCode).toBe(1);
    expect(wrong.main.secretsMasked).toContain('dapi-wrong');
    expect(errors(wrong)[0].message).toMatch(
      new RegExp(
        `^Input 'mlflow-tracking-uri': The Databricks workspace ${databricks.url} refused the request reading run '${CANDIDATE}' \\(HTTP 401 UNAUTHENTICATED\\): Invalid access token`,
      ),
    );
    expect(errors(wrong)[0].message).toContain('mlflow-token');

    const none = await gate({
      'mlflow-tracking-uri': 'databricks',
      'run-id': CANDIDATE,
      rules: 'accuracy >= baseline.accuracy',
      baseline: 'mlflow-model:churn@production',
      'baseline-tracking-uri': ARN,
      'require-baseline': 'true',
    });
    expect(none.main.exitCode).toBe(1);
    expect(none.main.log).toContain("No baseline yet: no version of MLflow model 'churn' on " + ARN + ' holds @production');
  });
});
