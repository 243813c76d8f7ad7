/**
 * Invoking a batch endpoint against a running emulator: POST <scoringUri> with an Entra token and
 * `azureml-model-deployment`, the body azure-ai-ml sends (batch-endpoint-deployment-invoke.json
 * entry 21) → 201 + a BatchJob; the workspace job of that name (a PipelineJob with one parallel
 * step) runs the deployment's scoring script's init() / run(mini_batch) over the input files and
 * appends the rows to `<outputFileName>`; error_threshold 0 with a failing file fails the job; an
 * unknown deployment → 404.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { API, armWait, registerCode, registerEnvironment, registerModel, uploadFolder, waitJobEnd, writeFiles } from './endpoints-support.js';
import { arm, startFastEmulator, wsPath } from './support.js';

type Json = Record<string, unknown>;

let em: RunningEmulator;
let codeId: string;
let envId: string;
let modelId: string;
let dataUri: string;

// init() sets a global (read from the deployment's model); run() returns one line per file and raises on files named bad_*.
const SCORE_PY = `import os

def init():
    global prefix
    # the model's prefix.txt, under AZUREML_MODEL_DIR as on Azure
    for root, _, files in os.walk(os.environ["AZUREML_MODEL_DIR"]):
        if "prefix.txt" in files:
            prefix = open(os.path.join(root, "prefix.txt")).read().strip()
    print("init done", flush=True)

def run(mini_batch):
    out = []
    for path in mini_batch:
        name = os.path.basename(path)
        if name.startswith("bad"):
            raise ValueError("cannot score " + name)
        with open(path) as fh:
            n = len(fh.read().split())
        out.append(f"{prefix},{name},{n}")
    return out
`;

const epPath = (name: string) => `${wsPath(em)}/batchEndpoints/${name}`;

/** A blob of the workspace's default datastore (or of `container`). */
async function readBlob(path: string, container?: string): Promise<string> {
  const ds = container ? undefined : await arm<Json>(em, 'GET', `${wsPath(em)}/datastores/workspaceblobstore`);
  container ??= String((ds!.body.properties as Json).containerName);
  const service = new BlobServiceClient(em.blob.url, new StorageSharedKeyCredential(em.blob.accountName, em.blob.accountKey));
  return (await service.getContainerClient(container).getBlobClient(path).downloadToBuffer()).toString('utf8');
}

async function createDeployment(endpoint: string, name: string, o: Json = {}): Promise<void> {
  const r = await armWait(em, 'PUT', `${epPath(endpoint)}/deployments/${name}`, {
    location: 'eastus',
    properties: {
      codeConfiguration: { codeId, scoringScript: 'score.py' },
      model: { referenceType: 'Id', assetId: modelId },
      environmentId: envId,
      compute: `${wsPath(em)}/computes/cpu-cluster`,
      miniBatchSize: 2,
      maxConcurrencyPerInstance: 2,
      retrySettings: { maxRetries: 1, timeout: 'PT30S' },
      outputAction: 'AppendRow',
      ...o,
    },
  });
  expect(r.status, JSON.stringify(r)).toBe('Succeeded');
}

async function invoke(endpoint: string, deployment: string | undefined, input: string): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { authorization: `Bearer ${em.issueToken('https://ml.azure.com')}`, 'content-type': 'application/json' };
  if (deployment) headers['azureml-model-deployment'] = deployment;
  const res = await fetch(`${em.baseUrl}/inference/${endpoint}/jobs`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ properties: { inputData: { input1: { uri: input, jobInputType: 'UriFolder' } } } }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
}

const waitJob = (name: string): Promise<Json> => waitJobEnd(em, name) as Promise<Json>;

beforeAll(async () => {
  em = await startFastEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'batch-inv-'));
  writeFiles(join(dir, 'code'), { 'score.py': SCORE_PY });
  const files: Record<string, string> = {};
  for (let i = 1; i <= 5; i++) files[`file_${i}.txt`] = Array.from({ length: i }, (_, k) => `w${k}`).join(' ') + '\n';
  writeFiles(join(dir, 'data'), files);
  writeFiles(join(dir, 'mixed'), { 'ok_1.txt': 'a b\n', 'bad_1.txt': 'x\n', 'ok_2.txt': 'c\n' });
  codeId = await registerCode(em, 'batch-score', '1', await uploadFolder(em, join(dir, 'code'), 'LocalUpload/batch-score'));
  envId = await registerEnvironment(em, 'batch-env');
  writeFiles(join(dir, 'model'), { 'prefix.txt': 'scored\n' });
  modelId = await registerModel(em, 'batch-model', '1', await uploadFolder(em, join(dir, 'model'), 'LocalUpload/batch-model/model'));
  dataUri = await uploadFolder(em, join(dir, 'data'), 'batch-input/five');
  await uploadFolder(em, join(dir, 'mixed'), 'batch-input/mixed');
  const ep = await armWait(em, 'PUT', epPath('scorer'), { location: 'eastus', properties: { authMode: 'AADToken' } });
  expect(ep.status).toBe('Succeeded');
  await createDeployment('scorer', 'blue');
  await createDeployment('scorer', 'strict', { errorThreshold: 0, miniBatchSize: 1, outputFileName: 'strict.csv' });
}, 120_000);

afterAll(async () => {
  await em?.close();
});

describe('batch endpoint invoke', () => {
  test('POST <scoringUri> → 201 BatchJob; the pipeline job runs init()/run() over 5 files into predictions.csv', async () => {
    const r = await invoke('scorer', 'blue', dataUri);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const name = String(r.body.name);
    expect(name).toMatch(/^batchjob-[0-9a-f-]{36}$/);
    expect(r.body.type).toBe('Microsoft.MachineLearningServices/workspaces/batchEndpoints/deployments/jobs');
    expect(r.body.id).toBe(`${epPath('scorer')}/deployments/blue/jobs/${name}`);
    const p = r.body.properties as Json;
    expect(p.status).toBe('Preparing');
    expect(p.tags).toMatchObject({ 'azureml.batchrun': 'true', 'azureml.deploymentname': 'blue', 'azureml.jobtype': 'azureml.batchjob' });
    expect(JSON.parse(String((p.properties as Json)['azureml.parameters']))).toMatchObject({
      mini_batch_size: '2',
      process_count_per_node: '2',
      run_max_try: '1',
      run_invocation_timeout: '30',
      append_row_file_name: 'predictions.csv',
    });

    const job = await waitJob(name);
    expect(job.status, JSON.stringify(job)).toBe('Completed');
    expect(job.jobType).toBe('Pipeline');
    expect(job.experimentName).toBe('scorer');
    const rows = (await readBlob(`azureml/${name}/score/predictions.csv`)).trim().split('\n');
    expect(rows).toHaveLength(5);
    expect(rows.sort()).toEqual([1, 2, 3, 4, 5].map((i) => `scored,file_${i}.txt,${i}`));
  }, 120_000);

  test('the default deployment is used without the header; error_threshold 0 and a failing file → Failed', async () => {
    const ep = await arm<Json>(em, 'GET', epPath('scorer'), undefined, { apiVersion: API });
    const body = ep.body;
    (body.properties as Json).defaults = { deploymentName: 'strict' };
    expect((await armWait(em, 'PUT', epPath('scorer'), body)).status).toBe('Succeeded');
    const r = await invoke('scorer', undefined, 'azureml://datastores/workspaceblobstore/paths/batch-input/mixed/');
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((r.body.properties as Json).tags).toMatchObject({ 'azureml.deploymentname': 'strict' });
    const job = await waitJob(String(r.body.name));
    expect(job.status).toBe('Failed');
    // The step (child job `<job>_score`) failed on the threshold, after the retry (run_max_try).
    const log = await readBlob(`ExperimentRun/dcid.${String(r.body.name)}_score/user_logs/std_log.txt`, 'azureml');
    expect(log).toContain('cannot score bad_1.txt');
    expect(log).toMatch(/1 items failed, more than error_threshold 0/);
  }, 120_000);

  test('authMode Key: the endpoint key opens it; properties.experimentName names the experiment', async () => {
    expect((await armWait(em, 'PUT', epPath('keyed'), { location: 'eastus', properties: { authMode: 'Key' } })).status).toBe('Succeeded');
    await createDeployment('keyed', 'only', { miniBatchSize: 5, outputFileName: 'out.csv' });
    const keys = await arm<Json>(em, 'POST', `${epPath('keyed')}/listkeys`, undefined, { apiVersion: API });
    const post = (key: string) =>
      fetch(`${em.baseUrl}/inference/keyed/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'azureml-model-deployment': 'only' },
        body: JSON.stringify({ properties: { inputData: { UriFolder: { uri: dataUri, jobInputType: 'UriFolder' } }, experimentName: 'nightly' } }),
      });
    expect((await post('not-the-key')).status).toBe(401);
    const res = await post(String(keys.body.primaryKey));
    const body = (await res.json()) as Json;
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect((body.properties as Json).inputData).toMatchObject({ UriFolder: { uri: dataUri, jobInputType: 'UriFolder', mode: 'ReadOnlyMount' } });
    const job = await waitJob(String(body.name));
    expect(job.status, JSON.stringify(job)).toBe('Completed');
    expect(job.experimentName).toBe('nightly');
    expect((await readBlob(`azureml/${String(body.name)}/score/out.csv`)).trim().split('\n')).toHaveLength(5);
  }, 120_000);

  test('an unknown deployment → 404; a bad token → 401; an unknown endpoint → 404', async () => {
    const r = await invoke('scorer', 'nope', dataUri);
    expect(r.status).toBe(404);
    expect(JSON.stringify(r.body)).toContain("Deployment 'nope' was not found");
    const bad = await fetch(`${em.baseUrl}/inference/scorer/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${em.issueToken('https://management.azure.com')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { inputData: { input1: { uri: dataUri, jobInputType: 'UriFolder' } } } }),
    });
    expect(bad.status).toBe(401);
    expect((await invoke('no-such-endpoint', 'blue', dataUri)).status).toBe(404);
    // No header and no default deployment → 400; a body without inputData → 400 (both unsourced).
    expect((await armWait(em, 'PUT', epPath('empty'), { location: 'eastus', properties: { authMode: 'AADToken' } })).status).toBe('Succeeded');
    const none = await invoke('empty', undefined, dataUri);
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toContain('has no default deployment');
    const noInput = await fetch(`${em.baseUrl}/inference/scorer/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${em.issueToken('https://ml.azure.com')}`, 'content-type': 'application/json', 'azureml-model-deployment': 'blue' },
      body: JSON.stringify({ properties: {} }),
    });
    expect(noInput.status).toBe(400);
  });
});
