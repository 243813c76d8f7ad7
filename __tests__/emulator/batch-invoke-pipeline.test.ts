/**
 * Invoking a pipeline-component batch deployment against a running emulator: POST <scoringUri>
 * with the inputs named as the component names them (a data input and a literal input,
 * how-to-access-data-batch-endpoints-jobs) → 201 + a BatchJob; the workspace job of that name is a
 * PipelineJob that runs the component's steps with the deployment's settings (default_compute,
 * continue_on_step_failure) and writes the component's output; a failing step fails the job; an
 * input the component does not have, or a required input missing → 400.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { armWait, putOk, registerEnvironment, uploadFolder, waitJobEnd, writeFiles } from './endpoints-support.js';
import { arm, startFastEmulator, wsPath } from './support.js';

type Json = Record<string, unknown>;

let em: RunningEmulator;
let envId: string;
let dataUri: string;

const epPath = (name: string) => `${wsPath(em)}/batchEndpoints/${name}`;

async function readBlob(path: string): Promise<string> {
  const ds = await arm<Json>(em, 'GET', `${wsPath(em)}/datastores/workspaceblobstore`);
  const container = String((ds.body.properties as Json).containerName);
  const service = new BlobServiceClient(em.blob.url, new StorageSharedKeyCredential(em.blob.accountName, em.blob.accountKey));
  return (await service.getContainerClient(container).getBlobClient(path).downloadToBuffer()).toString('utf8');
}

/** A pipeline component of two steps: `prepare` counts the words of each file, `score` writes them with the score mode. */
function pipelineSpec(failScore: boolean): Json {
  return {
    name: 'prep_score',
    version: '1',
    type: 'pipeline',
    inputs: { input_data: { type: 'uri_folder' }, score_mode: { type: 'string', default: 'append' } },
    outputs: { scores: { type: 'uri_folder', mode: 'upload' } },
    jobs: {
      prepare: {
        type: 'command',
        command: 'for f in ${{inputs.data}}/*; do echo "$(basename $f),$(wc -w < $f)"; done > ${{outputs.prepared}}/rows.csv',
        environmentId: envId,
        inputs: { data: { jobInputType: 'literal', value: '${{parent.inputs.input_data}}' } },
        outputs: { prepared: { jobOutputType: 'uri_folder' } },
      },
      score: {
        type: 'command',
        command: failScore ? 'echo "cannot score" >&2; exit 3' : 'sed "s/$/,${{inputs.mode}}/" ${{inputs.prepared}}/rows.csv > ${{outputs.scores}}/scores.csv',
        environmentId: envId,
        inputs: {
          prepared: { jobInputType: 'literal', value: '${{parent.jobs.prepare.outputs.prepared}}' },
          mode: { jobInputType: 'literal', value: '${{parent.inputs.score_mode}}' },
        },
        outputs: { scores: { jobOutputType: 'literal', value: '${{parent.outputs.scores}}' } },
      },
    },
  };
}

async function createDeployment(endpoint: string, name: string, component: string): Promise<void> {
  const r = await armWait(em, 'PUT', `${epPath(endpoint)}/deployments/${name}`, {
    location: 'eastus',
    properties: {
      deploymentConfiguration: {
        deploymentConfigurationType: 'PipelineComponent',
        componentId: { referenceType: 'Id', assetId: component },
        settings: { default_compute: 'cpu-cluster', continue_on_step_failure: 'False' },
      },
    },
  });
  expect(r.status, JSON.stringify(r)).toBe('Succeeded');
}

async function invoke(endpoint: string, deployment: string, properties: Json): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${em.baseUrl}/inference/${endpoint}/jobs`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${em.issueToken('https://ml.azure.com')}`,
      'content-type': 'application/json',
      'azureml-model-deployment': deployment,
    },
    body: JSON.stringify({ properties }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
}

const waitJob = (name: string): Promise<Json> => waitJobEnd(em, name) as Promise<Json>;

beforeAll(async () => {
  em = await startFastEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'batch-pipe-'));
  writeFiles(join(dir, 'data'), { 'a.txt': 'one two three\n', 'b.txt': 'four\n' });
  envId = await registerEnvironment(em, 'batch-pipe-env');
  dataUri = await uploadFolder(em, join(dir, 'data'), 'batch-input/two');
  const ok = await putOk(em, `${wsPath(em)}/components/prep_score/versions/1`, { properties: { componentSpec: pipelineSpec(false) } });
  const broken = await putOk(em, `${wsPath(em)}/components/prep_score/versions/2`, { properties: { componentSpec: pipelineSpec(true) } });
  expect((await armWait(em, 'PUT', epPath('pipes'), { location: 'eastus', properties: { authMode: 'AADToken' } })).status).toBe('Succeeded');
  await createDeployment('pipes', 'good', String(ok.id));
  await createDeployment('pipes', 'broken', String(broken.id));
}, 120_000);

afterAll(async () => {
  await em?.close();
});

describe('batch endpoint invoke: pipeline-component deployments', () => {
  test('named data and literal inputs → 201 BatchJob; the job runs the component steps on default_compute and writes its output', async () => {
    const r = await invoke('pipes', 'good', {
      inputData: {
        input_data: { uri: dataUri, jobInputType: 'UriFolder' },
        // As Microsoft's REST example writes a literal input (how-to-access-data-batch-endpoints-jobs).
        score_mode: { JobInputType: 'Literal', Value: 'replace' },
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const name = String(r.body.name);
    expect(name).toMatch(/^batchjob-[0-9a-f-]{36}$/);
    const props = r.body.properties as Json;
    expect(props.status).toBe('Preparing');
    expect(Object.keys(props.inputData as Json).sort()).toEqual(['input_data', 'score_mode']);
    expect(props.tags).toMatchObject({ 'azureml.batchrun': 'true', 'azureml.deploymentname': 'good', 'azureml.jobtype': 'azureml.batchjob' });

    const job = await waitJob(name);
    expect(job.status, JSON.stringify(job.error ?? job)).toBe('Completed');
    expect(job.jobType).toBe('Pipeline');
    expect(job.properties).toMatchObject({ 'azureml.runsource': 'azureml.PipelineRun', 'azureml.continue_on_step_failure': 'False' });
    for (const step of ['prepare', 'score']) {
      const child = await arm<Json>(em, 'GET', `${wsPath(em)}/jobs/${name}_${step}`);
      const cp = child.body.properties as Json;
      expect(cp.status).toBe('Completed');
      expect(String(cp.computeId)).toMatch(/\/computes\/cpu-cluster$/);
    }
    const rows = (await readBlob(`azureml/${name}/scores/scores.csv`)).trim().split('\n').sort();
    expect(rows).toEqual(['a.txt,3,replace', 'b.txt,1,replace']);
  }, 120_000);

  test('outputData names where an output goes (the REST example: OutputData {JobOutputType, Uri})', async () => {
    const r = await invoke('pipes', 'good', {
      InputData: { input_data: { JobInputType: 'UriFolder', Uri: dataUri } },
      OutputData: { scores: { JobOutputType: 'UriFolder', Uri: 'azureml://datastores/workspaceblobstore/paths/custom/scores/' } },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const job = await waitJob(String(r.body.name));
    expect(job.status).toBe('Completed');
    expect((await readBlob('custom/scores/scores.csv')).trim().split('\n').sort()).toEqual(['a.txt,3,append', 'b.txt,1,append']);
  }, 120_000);

  test('a literal input left out takes the component default; a failing step fails the job', async () => {
    const r = await invoke('pipes', 'broken', { inputData: { input_data: { uri: dataUri, jobInputType: 'UriFolder' } } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const job = await waitJob(String(r.body.name));
    expect(job.status).toBe('Failed');
    expect((job.inputs as Json).score_mode).toMatchObject({ jobInputType: 'literal', value: 'append' });
  }, 120_000);

  test('an input the component does not have, a required input missing, a literal for a data input → 400; no job', async () => {
    const before = (await arm<{ value: unknown[] }>(em, 'GET', `${wsPath(em)}/jobs`)).body.value.length;
    const unknown = await invoke('pipes', 'good', {
      inputData: { input_data: { uri: dataUri, jobInputType: 'UriFolder' }, threshold: { jobInputType: 'Literal', value: '3' } },
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toMatch(/Input 'threshold' is not an input .*input_data, score_mode/);
    const missing = await invoke('pipes', 'good', { inputData: { score_mode: { jobInputType: 'Literal', value: 'x' } } });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toMatch(/'input_data' .* required/);
    const wrong = await invoke('pipes', 'good', { inputData: { input_data: { jobInputType: 'Literal', value: 'x' } } });
    expect(wrong.status).toBe(400);
    expect((unknown.body.error as Json).code).toBe('BadArgument');
    expect((await arm<{ value: unknown[] }>(em, 'GET', `${wsPath(em)}/jobs`)).body.value.length).toBe(before);
  });
});
