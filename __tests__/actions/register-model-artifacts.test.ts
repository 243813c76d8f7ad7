/**
 * register-model from a job's default artifacts, named as Azure names them (issue 12, defect 2):
 * on Azure a job's `outputs.default.uri` is `azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.<job>`
 * — no `/paths/` (recordings jobs/command-job-serverless-create-get.json, jobs/sweep-job-create-get.json).
 * The emulator writes that form, the files really sit there (container `azureml`, prefix
 * `ExperimentRun/dcid.<job>/`), and register-model reads every form that names them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runAction } from '../harness/index.js';
import { emulatorEnv, startTestEmulator } from './support.js';
import { armCall, blobService, mlflowModelFiles, register, versionsOf, writeTree } from './register-model-support.js';

let em: RunningEmulator;
let ws: string;
let jobName: string;

beforeAll(async () => {
  em = await startTestEmulator();
  ws = mkdtempSync(join(tmpdir(), 'rm-artifacts-'));
  writeTree(join(ws, 'trained', 'model'), mlflowModelFiles());
  writeTree(join(ws, 'jobs'), {
    // The script leaves its MLflow model in ./outputs, which Azure ML keeps in the run's artifacts.
    'train.yml': [
      'command: mkdir -p outputs && cp -r model outputs/model',
      'code: ../trained',
      'environment: azureml:AzureML-sklearn-1.5@latest',
      'compute: azureml:cpu-cluster',
      '',
    ].join('\n'),
  });
  const job = await runAction({
    action: 'submit-job',
    inputs: { 'job-file': 'jobs/train.yml' },
    env: emulatorEnv(em),
    workspace: ws,
    runId: '8800',
    timeoutMs: 90_000,
  });
  if (job.main.exitCode !== 0) throw new Error(job.main.log);
  jobName = job.outputs['job-name']!;
}, 120_000);
afterAll(async () => {
  await em?.close();
});

describe("register-model from a job's default artifacts (Azure's URI form)", () => {
  it('the job names its artifacts as Azure does, and the files are where the URI says', async () => {
    const job = await armCall<{ properties: { outputs: Record<string, { uri: string; jobOutputType: string; mode: string }> } }>(em, 'GET', `jobs/${jobName}`);
    expect(job.body.properties.outputs.default).toMatchObject({
      uri: `azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.${jobName}`,
      jobOutputType: 'uri_folder',
      mode: 'ReadWriteMount',
    });
    const container = blobService(em).getContainerClient('azureml');
    const names: string[] = [];
    for await (const b of container.listBlobsFlat({ prefix: `ExperimentRun/dcid.${jobName}/outputs/model/` })) names.push(b.name);
    expect(names.map((n) => n.slice(`ExperimentRun/dcid.${jobName}/outputs/model/`.length)).sort()).toEqual([
      'MLmodel',
      'code/iris_softmax.py',
      'conda.yaml',
      'weights.json',
    ]);
  });

  it('registers from the default output, from the Azure datastore URI and from azureml://jobs/…/outputs/default: one version', async () => {
    const ctx = { em, workspace: ws };
    // job-name + output: the default output's URI (Azure's form, no /paths/) plus the sub-path
    const first = await register(ctx, { name: 'art', 'job-name': jobName, output: 'artifacts/paths/outputs/model', type: 'mlflow_model' }, { runId: '8801' });
    expect(first.main.exitCode, first.main.log).toBe(0);
    expect(first.outputs).toMatchObject({ 'model-version': '1', created: 'true' });
    // the very URI Azure writes, extended to the model folder, as `path`
    const byDatastore = await register(
      ctx,
      { name: 'art', path: `azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.${jobName}/outputs/model`, type: 'mlflow_model' },
      { runId: '8802' },
    );
    expect(byDatastore.main.exitCode, byDatastore.main.log).toBe(0);
    expect(byDatastore.outputs).toMatchObject({ 'model-version': '1', created: 'false', 'content-hash': first.outputs['content-hash'] });
    const byJobUri = await register(
      ctx,
      { name: 'art', path: `azureml://jobs/${jobName}/outputs/default/paths/outputs/model`, type: 'mlflow_model' },
      { runId: '8803' },
    );
    expect(byJobUri.main.exitCode, byJobUri.main.log).toBe(0);
    expect(byJobUri.outputs).toMatchObject({ 'model-version': '1', created: 'false' });

    const [v1] = await versionsOf(em, 'art');
    expect(v1!.properties.jobName).toBe(jobName);
    expect(Object.keys(v1!.properties.flavors ?? {})).toEqual(['python_function']);
    expect(v1!.properties.modelUri).toMatch(/^azureml:\/\/datastores\/workspace(artifact|blob)store\/paths\/.+\/$/);
  });
});
