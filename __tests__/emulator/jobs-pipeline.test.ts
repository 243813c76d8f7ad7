/**
 * Pipeline jobs on the executor: steps (inline, and a component version) run as child jobs in
 * the order their bindings imply, data flows from one step's output to the next, pipeline inputs
 * and outputs bind through, step failures stop or skip as `continue_on_step_failure` says, and an
 * azureml-examples pipeline translated by the spec translator runs as written.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobIO } from '../../src/emulator/data/blob-io.js';
import { SpecDocument } from '../../src/specs/document.js';
import { planJob } from '../../src/specs/job/index.js';
import {
  BLOBSTORE_CONTAINER,
  createTestEnv,
  getJob,
  httpJson,
  jobIdOf,
  putJob,
  readBlob,
  REPO_ROOT,
  RG,
  SUB,
  waitFor,
  WS,
  WS_ID,
  type TestEnv,
} from './jobs-harness.js';

const HISTORY = `/history/v1.0/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;

let env: TestEnv;
const started = new Map<string, number>();
const finished = new Map<string, number>();

beforeAll(async () => {
  env = await createTestEnv({
    onStatusChange: (jobId, status) => {
      const name = jobId.split('/').pop()!;
      if (status === 'Running') started.set(name, performance.now());
      if (status === 'Completed' || status === 'Failed' || status === 'Canceled') finished.set(name, performance.now());
    },
  });
  // A component version as `az ml component create` registers it.
  const componentId = `${WS_ID}/components/summer/versions/3`;
  await env.store.put(componentId, {
    id: componentId,
    name: '3',
    type: 'Microsoft.MachineLearningServices/workspaces/components/versions',
    properties: {
      componentSpec: {
        name: 'summer',
        version: '3',
        type: 'command',
        command:
          'total=0; for n in $(cat ${{inputs.numbers}}/numbers.txt); do total=$((total + n * ${{inputs.factor}})); done; echo "$total" > ${{outputs.result}}/sum.txt; echo "sum is $total"',
        environment: 'azureml:AzureML-sklearn-1.5:1',
        inputs: { numbers: { type: 'uri_folder' }, factor: { type: 'integer', default: 1 } },
        outputs: { result: { type: 'uri_folder' } },
      },
    },
  });
});

afterAll(async () => {
  await env?.close();
});

describe('pipeline jobs', () => {
  it('runs two steps in order, passing data and binding pipeline inputs and outputs', async () => {
    const id = await putJob(env.store, 'pipe-ok', {
      jobType: 'Pipeline',
      experimentName: 'pipes',
      inputs: { factor: { jobInputType: 'literal', value: '2' } },
      outputs: { total: { jobOutputType: 'uri_folder', mode: 'ReadWriteMount' } },
      settings: { default_compute: `${WS_ID}/computes/cpu-cluster` },
      jobs: {
        // Listed consumer-first: the order comes from the bindings, not the map.
        sum: {
          type: 'command',
          name: 'sum',
          componentId: 'azureml:summer:3',
          inputs: {
            numbers: { job_input_type: 'literal', value: '${{parent.jobs.prep.outputs.data}}' },
            factor: { job_input_type: 'literal', value: '${{parent.inputs.factor}}' },
          },
          outputs: { result: { type: 'literal', value: '${{parent.outputs.total}}' } },
        },
        prep: {
          type: 'command',
          name: 'prep',
          command: 'sleep 0.2; seq 1 5 > ${{outputs.data}}/numbers.txt; echo prepared',
          environmentId: 'azureml:AzureML-sklearn-1.5:1',
          outputs: { data: { job_output_type: 'uri_folder' } },
        },
      },
    });
    env.executor.start(id);
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status, JSON.stringify(outcome?.error)).toBe('Completed');
    expect(env.store.history(id)).toEqual(['NotStarted', 'Starting', 'Preparing', 'Queued', 'Running', 'Finalizing', 'Completed']);

    for (const child of ['pipe-ok_prep', 'pipe-ok_sum']) {
      const job = await getJob(env.store, child);
      expect(job.properties.status).toBe('Completed');
      expect(job.properties.properties).toMatchObject({ 'azureml.pipelinerunid': 'pipe-ok' });
      expect(job.properties.computeId).toBe(`${WS_ID}/computes/cpu-cluster`);
    }
    expect(started.get('pipe-ok_sum')!).toBeGreaterThan(finished.get('pipe-ok_prep')!);

    const sum = await getJob(env.store, 'pipe-ok_sum');
    expect((sum.properties.inputs as Record<string, { uri?: string }>).numbers!.uri).toBe('azureml://jobs/pipe-ok_prep/outputs/data');
    const pipeline = await getJob(env.store, 'pipe-ok');
    const totalUri = (pipeline.properties.outputs as Record<string, { uri: string }>).total!.uri;
    expect(totalUri).toBe('azureml://datastores/workspaceblobstore/paths/azureml/pipe-ok_sum/result/');
    expect(await readBlob(env.service, BLOBSTORE_CONTAINER, 'azureml/pipe-ok_sum/result/sum.txt')).toBe('30\n');

    const children = await httpJson(`${env.baseUrl}${HISTORY}/runs/pipe-ok/children`);
    expect(children.body.value.map((r: { runId: string }) => r.runId).sort()).toEqual(['pipe-ok_prep', 'pipe-ok_sum']);
    const details = await httpJson(`${env.baseUrl}${HISTORY}/runs/pipe-ok_sum/details`);
    expect(details.body).toMatchObject({ parentRunId: 'pipe-ok', rootRunId: 'pipe-ok', status: 'Completed' });
    const log = await fetch(details.body.logFiles['user_logs/std_log.txt']).then((r) => r.text());
    expect(log).toContain('sum is 30');
  });

  it('stops at the first failed step', async () => {
    const id = await putJob(env.store, 'pipe-fail', {
      jobType: 'Pipeline',
      jobs: {
        a: { type: 'command', command: 'echo broken >&2; exit 1', environmentId: 'env', outputs: { o: { job_output_type: 'uri_folder' } } },
        b: {
          type: 'command',
          command: 'ls ${{inputs.i}}',
          environmentId: 'env',
          inputs: { i: { job_input_type: 'literal', value: '${{parent.jobs.a.outputs.o}}' } },
        },
      },
    });
    env.executor.start(id);
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status).toBe('Failed');
    expect(outcome?.error?.error.message).toContain('Pipeline step(s) failed: a. Not run: b.');
    expect(outcome?.error?.error.message).toContain('broken');
    expect(await env.store.get(jobIdOf('pipe-fail_b'))).toBeUndefined();
  });

  it('with continue_on_step_failure, runs independent steps and skips dependents', async () => {
    const id = await putJob(env.store, 'pipe-cont', {
      jobType: 'Pipeline',
      settings: { continue_on_step_failure: true },
      jobs: {
        a: { type: 'command', command: 'exit 2', environmentId: 'env', outputs: { o: { job_output_type: 'uri_folder' } } },
        b: {
          type: 'command',
          command: 'ls ${{inputs.i}}',
          environmentId: 'env',
          inputs: { i: { job_input_type: 'literal', value: '${{parent.jobs.a.outputs.o}}' } },
        },
        c: { type: 'command', command: 'sleep 0.3; echo independent', environmentId: 'env' },
      },
    });
    env.executor.start(id);
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status).toBe('Failed');
    expect((await getJob(env.store, 'pipe-cont_c')).properties.status).toBe('Completed');
    expect(await env.store.get(jobIdOf('pipe-cont_b'))).toBeUndefined();
  });

  it('cancel reaches the running steps: pipeline and step end Canceled', async () => {
    const id = await putJob(env.store, 'pipe-cancel', {
      jobType: 'Pipeline',
      jobs: { slow: { type: 'command', command: 'echo slow; sleep 30', environmentId: 'env' } },
    });
    env.executor.start(id);
    await waitFor(
      'the step to run',
      async () => (await env.store.get<{ properties: { status: string } }>(jobIdOf('pipe-cancel_slow')))?.properties.status === 'Running',
    );
    await env.executor.cancel(id);
    expect((await getJob(env.store, 'pipe-cancel')).properties.status).toBe('Canceled');
    expect((await getJob(env.store, 'pipe-cancel_slow')).properties.status).toBe('Canceled');
    expect(env.store.history(id).slice(-2)).toEqual(['CancelRequested', 'Canceled']);
  });

  it('refuses a binding to a step that does not exist, before running anything', async () => {
    const id = await putJob(env.store, 'pipe-bad', {
      jobType: 'Pipeline',
      jobs: {
        b: {
          type: 'command',
          command: 'ls ${{inputs.i}}',
          environmentId: 'env',
          inputs: { i: { job_input_type: 'literal', value: '${{parent.jobs.ghost.outputs.o}}' } },
        },
      },
    });
    env.executor.start(id);
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status).toBe('Failed');
    expect(outcome?.error?.error.message).toBe(
      "Pipeline step 'b' input 'i' binds ${{parent.jobs.ghost.outputs.o}}, but the pipeline has no step 'ghost' (steps: b)",
    );
  });

  it('runs azureml-examples hello-pipeline-abc.yml as the spec translator writes it', async () => {
    const file = join(REPO_ROOT, '..', 'shared', 'fixtures', 'azureml-examples', 'jobs', 'basics', 'hello-pipeline-abc.yml');
    const doc = SpecDocument.load(file, 'hello-pipeline-abc.yml');
    const plan = await planJob(doc, file, doc.value, { workspaceId: WS_ID, resolver: { resolveLabel: async () => '1' } });
    const blob = new BlobIO(env.blob);
    for (const up of plan.uploads) await blob.uploadFolder(up.snapshot.root, { container: BLOBSTORE_CONTAINER, path: up.datastorePath });
    for (const asset of plan.assets) await env.store.put(asset.id, { id: asset.id, name: asset.version, type: 'x', ...asset.body });
    const id = await putJob(env.store, 'pipe-abc', plan.body.properties);
    env.executor.start(id);
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status, JSON.stringify(outcome?.error)).toBe('Completed');
    const aLog = await readBlob(env.service, 'azureml', 'ExperimentRun/dcid.pipe-abc_a/user_logs/std_log.txt');
    expect(aLog).toContain('hello hello world');
    const cLog = await readBlob(env.service, 'azureml', 'ExperimentRun/dcid.pipe-abc_c/user_logs/std_log.txt');
    expect(cLog).toMatch(/\/inputs\/world_input\/world\.txt/);
    expect(await readBlob(env.service, BLOBSTORE_CONTAINER, 'azureml/pipe-abc_b/world_output/world.txt')).toBe('world\n');
  });
});
