/**
 * The multi-cloud show (issue 16), step by step as `.github/workflows/example-multi-cloud.yml`
 * runs it, each step the built bundle in its own process sharing the run's RUNNER_TEMP (ledger)
 * and workspace:
 *
 *   a model folder and its metrics in S3 (s3rver, started here)
 *     → metric-gate: the candidate's metrics file in S3, gated against the production champion
 *       whose metrics live on a second MLflow server (a SageMaker-shaped tracking server that
 *       verifies every SigV4 signature; `baseline: mlflow-model:churn@production`)
 *     → register-model: streamed from S3 into the emulator's datastore, lineage tags (source URI,
 *       object ETags, the gate's verdict and metrics)
 *     → deploy: a no-code MLflow deployment on a new endpoint, smoke-tested and promoted
 *     → the same bytes left in Google Cloud Storage (../helpers/gcs-server.ts, reached by name
 *       with workload identity federation) registered again: the same version, nothing uploaded
 *     → pr-summary: the job summary and a Slack message with the verdict, model and rollout.
 *
 * One AWS identity (the keys s3rver knows) serves both S3 and the SageMaker tracking server, as a
 * role left by aws-actions/configure-aws-credentials would.
 *
 * Needs `npm run build`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runAction, type RunResult } from '../harness/index.js';
import { startGcs, type RunningGcs } from '../helpers/gcs-server.js';
import { startS3, S3RVER_KEY, type RunningS3 } from '../helpers/s3-server.js';
import { slackProblems, startSlackReceiver, type Receiver } from '../helpers/webhook-receivers.js';
import { startPlatformServer, type PlatformServer } from '../metrics/mlflow-platform-server.js';
import { endpointState, METRICS_DELAY_MS, nonZero, primaryKey, startDeployEmulator } from './deploy-support.js';
import { versionsOf } from './register-model-support.js';
import { emulatorEnv } from './support.js';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/prod';
const CHAMPION_RUN = 'c'.repeat(32);
const ENDPOINT = 'churn-endpoint';

/** A churn model as an MLflow model folder: a logistic score, served by its python_function loader (standard library). */
const CHURN_MODEL: Record<string, string> = {
  MLmodel: [
    'artifact_path: model',
    'flavors:',
    '  python_function:',
    '    loader_module: churn_model',
    '    code: code',
    '    data: weights.json',
    '    python_version: 3.11.4',
    'model_uuid: 5f0c2a4e9b7d4e21a8c3d6f1b2e4a7c9',
    'signature:',
    `  inputs: '[{"type": "double", "name": "tenure_months"}, {"type": "double", "name": "monthly_charges"}]'`,
    `  outputs: '[{"type": "long"}]'`,
    '  params: null',
    '',
  ].join('\n'),
  'weights.json': JSON.stringify({ bias: -1.5, coef: { tenure_months: -0.08, monthly_charges: 0.035 } }),
  'code/churn_model.py': [
    '"""Churn: a logistic score over tenure and monthly charges; 1 = the customer is likely to leave."""',
    'import json',
    'import math',
    'import os',
    '',
    '',
    'class Churn:',
    '    def __init__(self, weights):',
    '        self.bias = weights["bias"]',
    '        self.coef = weights["coef"]',
    '',
    '    def _rows(self, data):',
    '        if isinstance(data, dict) and "columns" in data:',
    '            return [dict(zip(data["columns"], row)) for row in data["data"]]',
    '        return data',
    '',
    '    def predict(self, data, params=None):',
    '        out = []',
    '        for row in self._rows(data):',
    '            z = self.bias + sum(c * float(row[k]) for k, c in self.coef.items())',
    '            out.append(1 if 1.0 / (1.0 + math.exp(-z)) >= 0.5 else 0)',
    '        return out',
    '',
    '',
    'def _load_pyfunc(path):',
    '    if os.path.isdir(path):',
    '        path = os.path.join(path, "weights.json")',
    '    with open(path) as f:',
    '        return Churn(json.load(f))',
    '',
  ].join('\n'),
  'conda.yaml': 'name: churn\ndependencies:\n- python=3.11\n',
};

const REQUEST = {
  input_data: {
    columns: ['tenure_months', 'monthly_charges'],
    index: [0, 1],
    data: [
      [2, 95.0],
      [60, 20.0],
    ],
  },
};

let em: RunningEmulator;
let s3: RunningS3;
let sagemaker: PlatformServer;
let slack: Receiver;
let gcs: RunningGcs;
let workspace: string;
let runnerTemp: string;

beforeAll(async () => {
  [em, s3, slack, gcs] = await Promise.all([startDeployEmulator(), startS3(['ml-models']), startSlackReceiver(), startGcs()]);
  sagemaker = await startPlatformServer(
    {
      runs: [{ id: CHAMPION_RUN, history: { auc: [{ value: 0.83, step: 0 }], log_loss: [{ value: 0.41, step: 0 }] } }],
      models: [{ name: 'churn', version: '7', runId: CHAMPION_RUN, aliases: ['production'] }],
    },
    { kind: 'sigv4', accessKeyId: S3RVER_KEY, secretAccessKey: 'S3RVER', region: 'us-east-1', arn: ARN },
  );
  await s3.put('ml-models', 'churn/run-42/model', CHURN_MODEL);
  await s3.put('ml-models', 'churn/run-42', { 'metrics.json': JSON.stringify({ auc: 0.842, log_loss: 0.38 }) });
  workspace = mkdtempSync(join(tmpdir(), 'multi-cloud-ws-'));
  runnerTemp = mkdtempSync(join(tmpdir(), 'multi-cloud-runner-'));
  mkdirSync(join(workspace, 'tests'));
  writeFileSync(join(workspace, 'tests', 'churn-request.json'), JSON.stringify(REQUEST));
  mkdirSync(join(workspace, 'deploy'));
  writeFileSync(
    join(workspace, 'deploy', 'churn-endpoint.yml'),
    `$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\nname: ${ENDPOINT}\nauth_mode: key\n`,
  );
}, 120_000);
afterAll(async () => {
  await Promise.all([em?.close(), s3?.close(), sagemaker?.close(), slack?.close(), gcs?.close()]);
});

function step(action: string, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<RunResult> {
  return runAction({
    action,
    inputs,
    env: { ...emulatorEnv(em), ...s3.env(), SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT: sagemaker.url, ...env },
    workspace,
    runnerTemp,
    eventName: 'workflow_dispatch',
    event: { inputs: { 'model-uri': 's3://ml-models/churn/run-42/model/' } },
    runId: '1600',
    timeoutMs: 180_000,
  });
}

describe('a model in S3, gated against a champion on SageMaker MLflow, registered and deployed on Azure ML', () => {
  let gate: RunResult;
  let model: RunResult;

  it('metric-gate: the metrics file in S3 against mlflow-model:churn@production', async () => {
    gate = await step('metric-gate', {
      'metrics-file': 's3://ml-models/churn/run-42/metrics.json',
      baseline: 'mlflow-model:churn@production',
      'baseline-tracking-uri': ARN,
      rules: 'auc >= 0.80\nauc >= baseline.auc - 0.005\nlog_loss <= baseline.log_loss',
    });
    expect(gate.main.exitCode, gate.main.log).toBe(0);
    expect(gate.outputs.passed).toBe('true');
    expect(gate.main.log).toContain(`Baseline: MLflow model churn@production (version 7, run ${CHAMPION_RUN}) at ${ARN}`);
    expect(JSON.parse(gate.outputs.metrics)).toMatchObject({ auc: 0.842, log_loss: 0.38 });
    // Every request to the tracking server carried a valid SigV4 signature.
    expect(sagemaker.refused).toEqual([]);
    expect(sagemaker.requests.length).toBeGreaterThan(0);
  });

  it('register-model: streamed from S3 with its lineage and the verdict of the gate', async () => {
    model = await step('register-model', { name: 'churn', path: 's3://ml-models/churn/run-42/model/', type: 'mlflow_model' });
    expect(model.main.exitCode, model.main.log).toBe(0);
    expect(model.outputs).toMatchObject({ 'model-name': 'churn', 'model-version': '1', created: 'true', 'model-uri': 'azureml:churn:1' });
    const [v] = await versionsOf(em, 'churn');
    const tags = v!.properties.tags;
    expect(tags['azureml-actions.source']).toBe('s3://ml-models/churn/run-42/model/');
    const objects = JSON.parse(tags['azureml-actions.source_objects']!) as string[][];
    expect(objects.map((o) => o[0])).toEqual(['MLmodel', 'code/churn_model.py', 'conda.yaml', 'weights.json']);
    expect(objects.every((o) => /^[0-9a-f]{32}$/.test(o[1]!))).toBe(true);
    expect(tags['azureml-actions.gate']).toBe('passed');
    expect(tags['metric.auc']).toBe('0.842');
    expect(v!.properties.flavors).toHaveProperty('python_function');
  });

  it('deploy: a no-code MLflow deployment on a new endpoint, smoke-tested and promoted', async () => {
    const r = await step('deploy', {
      endpoint: 'deploy/churn-endpoint.yml',
      model: model.outputs['model-uri']!,
      'smoke-request': 'tests/churn-request.json',
      'smoke-expect': '[1, 0]',
      'probe-rps': '4',
      'bake-time': '2s',
      'check-interval': '1s',
      'min-requests': '1',
      'metrics-delay': `${METRICS_DELAY_MS}ms`,
    });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs.status).toBe('promoted');
    const deployment = r.outputs['deployment-name']!;
    expect(deployment).toMatch(/^churn-v1/);
    const state = await endpointState(em, ENDPOINT);
    expect(nonZero(state.traffic)).toEqual({ [deployment]: 100 });
    // The promoted deployment answers a scoring request as the model predicts.
    const scored = await fetch(state.scoringUri!, {
      method: 'POST',
      headers: { authorization: `Bearer ${await primaryKey(em, ENDPOINT)}`, 'content-type': 'application/json' },
      body: JSON.stringify(REQUEST),
    });
    expect(await scored.json()).toEqual([1, 0]);
  });

  it('the same model trained again and left in Google Cloud Storage: the same bytes reuse version 1 (content hash), with GCS credentials from workload identity federation', async () => {
    const sa = 'model-reader@ml-project.iam.gserviceaccount.com';
    gcs.createBucket('ml-models-gcp');
    gcs.serviceAccount(sa, [gcs.repositoryPrincipal]);
    gcs.grant('ml-models-gcp', `serviceAccount:${sa}`);
    gcs.put('ml-models-gcp', 'churn/run-43/model', CHURN_MODEL);
    const r = await step(
      'register-model',
      { name: 'churn', path: 'gs://ml-models-gcp/churn/run-43/model/', type: 'mlflow_model' },
      gcs.env(gcs.externalAccountFile(sa)),
    );
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs).toMatchObject({ 'model-version': '1', created: 'false', 'content-hash': model.outputs['content-hash'] });
    expect(r.main.log).toContain('already holds these files');
    expect(await versionsOf(em, 'churn')).toHaveLength(1);
  });

  it('pr-summary: the job summary and a Slack message carry the verdict, the model and the rollout', async () => {
    const r = await step('pr-summary', { 'github-token': '', 'notify-slack-webhook': slack.url });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.summary).toContain('churn');
    expect(r.summary).toContain(ENDPOINT);
    const [message] = slack.accepted();
    expect(message).toBeDefined();
    expect(slackProblems(message)).toEqual([]);
    const text = JSON.stringify(message);
    expect(text).toContain('churn');
    expect(text).toContain(ENDPOINT);
  });
});
