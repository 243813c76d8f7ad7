/**
 * The executor runs command jobs for real: code and data from Azurite, status steps on the ARM
 * resource, the log streamed to the artifact store, outputs uploaded to the default datastore,
 * failures with Azure's error text, cancel that kills the whole process tree, and recovery of
 * jobs an earlier emulator process left running.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobExecutor } from '../../src/emulator/jobs/executor.js';
import { getTrackingStore, workspaceScope } from '../../src/emulator/mlflow/tracking.js';
import {
  BLOBSTORE_CONTAINER,
  createTestEnv,
  getJob,
  httpJson,
  isAlive,
  jobIdOf,
  listBlobs,
  putCodeVersion,
  putJob,
  RG,
  readBlob,
  SUB,
  uploadFolder,
  uploadText,
  waitFor,
  WS,
  type TestEnv,
} from './jobs-harness.js';

const HISTORY = `/history/v1.0/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
const MLFLOW = `/mlflow/v1.0/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}/api/2.0/mlflow`;

let env: TestEnv;
let codeId: string;

beforeAll(async () => {
  env = await createTestEnv();
  // A code folder with a script that reads a folder input and a file input and writes an output.
  const src = await mkdtemp(join(tmpdir(), 'code-'));
  await mkdir(join(src, 'lib'), { recursive: true });
  await writeFile(
    join(src, 'run.sh'),
    [
      'set -e',
      'echo "run id: $MLFLOW_RUN_ID experiment: $MLFLOW_EXPERIMENT_NAME"',
      'echo "tracking: $MLFLOW_TRACKING_URI"',
      'echo "greeting: $1"',
      'echo "lines in folder: $(find "$2" -name "*.txt" | sort | xargs cat | wc -l)"',
      'echo "file says: $(cat "$3")"',
      'mkdir -p "$4" outputs',
      'find "$2" -name "*.txt" | sort | xargs cat > "$4/combined.txt"; cat "$3" >> "$4/combined.txt"',
      'echo "$1" > outputs/greeting.txt',
      'echo "custom env: $MY_SETTING"',
      'bash lib/helper.sh',
    ].join('\n') + '\n',
  );
  await writeFile(join(src, 'lib', 'helper.sh'), 'echo "helper ran in $(basename "$PWD")"\n');
  await uploadFolder(env.service, src, BLOBSTORE_CONTAINER, 'LocalUpload/abc123/src');
  codeId = await putCodeVersion(env.store, 'code-1', '1', BLOBSTORE_CONTAINER, 'LocalUpload/abc123/src');
  await uploadText(env.service, BLOBSTORE_CONTAINER, 'example-data/a.txt', 'alpha\nbeta\n');
  await uploadText(env.service, BLOBSTORE_CONTAINER, 'example-data/sub/b.txt', 'gamma\n');
  await uploadText(env.service, 'datasets', 'single/note.txt', 'from another account\n');
});

afterAll(async () => {
  await env?.close();
});

describe('command jobs', () => {
  it('runs code with data inputs, streams the log and uploads outputs', async () => {
    const id = await putJob(env.store, 'job-ok', {
      jobType: 'Command',
      experimentName: 'exp-one',
      displayName: 'the ok job',
      tags: { team: 'ml' },
      codeId,
      environmentId: 'azureml:AzureML-sklearn-1.5@latest',
      command: 'bash run.sh ${{inputs.greeting}} ${{inputs.folder}} ${{inputs.file}} ${{outputs.result}}',
      environmentVariables: { MY_SETTING: 'on' },
      inputs: {
        greeting: { jobInputType: 'literal', value: 'hello' },
        folder: { jobInputType: 'uri_folder', uri: 'azureml://datastores/workspaceblobstore/paths/example-data/' },
        file: { jobInputType: 'uri_file', uri: 'https://someaccount.blob.core.windows.net/datasets/single/note.txt' },
      },
      outputs: { result: { jobOutputType: 'uri_folder', mode: 'ReadWriteMount' } },
    });
    env.executor.start(id);
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status, JSON.stringify(outcome?.error)).toBe('Completed');
    expect(env.store.history(id)).toEqual(['NotStarted', 'Starting', 'Preparing', 'Queued', 'Running', 'Finalizing', 'Completed']);

    const job = await getJob(env.store, 'job-ok');
    const outputs = job.properties.outputs as Record<string, { uri: string }>;
    expect(outputs.result!.uri).toBe('azureml://datastores/workspaceblobstore/paths/azureml/job-ok/result/');
    expect(outputs.default!.uri).toBe('azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.job-ok');
    expect(await readBlob(env.service, BLOBSTORE_CONTAINER, 'azureml/job-ok/result/combined.txt')).toBe('alpha\nbeta\ngamma\nfrom another account\n');
    expect(await readBlob(env.service, 'azureml', 'ExperimentRun/dcid.job-ok/outputs/greeting.txt')).toBe('hello\n');

    const log = await readBlob(env.service, 'azureml', 'ExperimentRun/dcid.job-ok/user_logs/std_log.txt');
    expect(log).toContain('run id: job-ok experiment: exp-one');
    expect(log).toContain(`tracking: ${env.baseUrl}/mlflow/v1.0/subscriptions/${SUB}/`);
    expect(log).toContain('lines in folder: 3');
    expect(log).toContain('file says: from another account');
    expect(log).toContain('custom env: on');
    expect(log).toContain('helper ran in code');

    // Run history: times, status and a SAS URL that really serves the log.
    const details = await httpJson(`${env.baseUrl}${HISTORY}/runs/job-ok/details`);
    expect(details.status).toBe(200);
    expect(details.body).toMatchObject({ runId: 'job-ok', status: 'Completed', displayName: 'the ok job', error: null });
    expect(Date.parse(details.body.endTimeUtc)).toBeGreaterThanOrEqual(Date.parse(details.body.startTimeUtc));
    const sas = details.body.logFiles['user_logs/std_log.txt'] as string;
    expect(sas).toMatch(/\/azureml\/ExperimentRun\/dcid\.job-ok\/user_logs\/std_log\.txt\?.*sig=/);
    const fetched = await fetch(sas);
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toContain('greeting: hello');

    // MLflow: the job's run, in its experiment, finished, with the job's tags.
    const run = await httpJson(`${env.baseUrl}${MLFLOW}/runs/get?run_id=job-ok`);
    expect(run.body.run.info).toMatchObject({ run_id: 'job-ok', run_name: 'the ok job', status: 'FINISHED', lifecycle_stage: 'active' });
    const tags = Object.fromEntries((run.body.run.data.tags as { key: string; value: string }[]).map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({ team: 'ml', 'mlflow.user': 'tester@example.com' });
    const exp = await httpJson(`${env.baseUrl}${MLFLOW}/experiments/get-by-name?experiment_name=exp-one`);
    expect(exp.body.experiment.experiment_id).toBe(run.body.run.info.experiment_id);
  });

  it('fails with the exit code and the last log lines when the command fails', async () => {
    const id = await putJob(env.store, 'job-fails', {
      jobType: 'Command',
      environmentId: 'env',
      command: 'echo "about to fail"; echo "boom: bad things" >&2; exit 3',
    });
    env.executor.start(id);
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status).toBe('Failed');
    expect(env.store.history(id)).toEqual(['NotStarted', 'Starting', 'Preparing', 'Queued', 'Running', 'Finalizing', 'Failed']);
    const details = await httpJson(`${env.baseUrl}${HISTORY}/runs/job-fails/details`);
    expect(details.body.status).toBe('Failed');
    expect(details.body.error.error.code).toBe('UserError');
    expect(details.body.error.error.message).toContain('exited with status code 3');
    expect(details.body.error.error.message).toContain('boom: bad things');
    expect(Object.keys(details.body.logFiles)).toEqual(['user_logs/std_log.txt']);
    const run = await httpJson(`${env.baseUrl}${MLFLOW}/runs/get?run_id=job-fails`);
    expect(run.body.run.info.status).toBe('FAILED');
    expect(run.body.run.info.end_time).toBeGreaterThan(0);
  });

  it('fails before running when the command names an unknown input', async () => {
    const id = await putJob(env.store, 'job-badref', {
      jobType: 'Command',
      environmentId: 'env',
      command: 'echo ${{inputs.nope}}',
      inputs: { real: { jobInputType: 'literal', value: '1' } },
    });
    env.executor.start(id);
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status).toBe('Failed');
    expect(env.store.history(id)).toEqual(['NotStarted', 'Starting', 'Preparing', 'Failed']);
    expect(outcome?.error?.error.message).toBe(
      "Invalid command: the command references ${{inputs.nope}}, but there is no input named 'nope' (known inputs: real)",
    );
  });

  it('fails clearly when an input has no data', async () => {
    const id = await putJob(env.store, 'job-nodata', {
      jobType: 'Command',
      environmentId: 'env',
      command: 'cat ${{inputs.f}}',
      inputs: { f: { jobInputType: 'uri_file', uri: 'azureml://datastores/workspaceblobstore/paths/missing/file.csv' } },
    });
    env.executor.start(id);
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status).toBe('Failed');
    expect(outcome?.error?.error.message).toMatch(/Input 'f' \(uri_file\): no file at 'azureml:\/\/datastores\/workspaceblobstore\/paths\/missing\/file\.csv'/);
  });

  it('cancels: the whole process tree goes, the status ends Canceled', async () => {
    const id = await putJob(env.store, 'job-cancel', {
      jobType: 'Command',
      environmentId: 'env',
      command: 'sleep 30 & echo "$! $$" > pids.txt; echo started; sleep 30; wait',
    });
    env.executor.start(id);
    const pidsFile = join(env.host.workDir, 'job-cancel', 'code', 'pids.txt');
    const pids = await waitFor('the job to start', async () => {
      try {
        const text = (await import('node:fs/promises')).readFile(pidsFile, 'utf8');
        const parts = (await text).trim().split(/\s+/).map(Number);
        return parts.length === 2 && parts.every((p) => p > 0) ? parts : undefined;
      } catch {
        return undefined;
      }
    });
    expect(pids.every(isAlive)).toBe(true);
    const started = Date.now();
    await env.executor.cancel(id);
    expect((await getJob(env.store, 'job-cancel')).properties.status).toBe('Canceled');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(env.store.history(id).slice(-2)).toEqual(['CancelRequested', 'Canceled']);
    await waitFor('the processes to go', async () => pids.every((p) => !isAlive(p)), 3000);
    const run = await httpJson(`${env.baseUrl}${MLFLOW}/runs/get?run_id=job-cancel`);
    expect(run.body.run.info.status).toBe('KILLED');
    expect(await listBlobs(env.service, 'azureml', 'ExperimentRun/dcid.job-cancel/')).toContain('ExperimentRun/dcid.job-cancel/user_logs/std_log.txt');
  });

  it('cancels by limits.timeout', async () => {
    const id = await putJob(env.store, 'job-timeout', {
      jobType: 'Command',
      environmentId: 'env',
      command: 'sleep 20',
      limits: { jobLimitsType: 'Command', timeout: 'PT0.5S' },
    });
    env.executor.start(id);
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status).toBe('Canceled');
    expect(outcome?.error?.error.message).toContain('time limit');
  });

  it('marks jobs an earlier emulator left running as Failed (process lost)', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'state-'));
    const id = await putJob(env.store, 'job-lost', { jobType: 'Command', environmentId: 'env', command: 'true', status: 'Running' });
    await mkdir(join(stateDir, 'executor'), { recursive: true });
    await writeFile(join(stateDir, 'executor', 'active.json'), JSON.stringify([{ jobId: id }]));
    const host = { ...env.host, stateDir };
    const scope = workspaceScope(SUB, RG, WS);
    await getTrackingStore(host).ensureRun(scope, 'job-lost', { experimentName: 'Default' });
    const executor = createJobExecutor(host, { stepDelayInMs: 5 });
    expect(await executor.recovered).toEqual([id]);
    const job = await getJob(env.store, 'job-lost');
    expect(job.properties.status).toBe('Failed');
    const run = await getTrackingStore(host).getRun(scope, 'job-lost');
    expect(run.history.error?.error.message).toContain('restarted while the job was Running');
    expect(run.info.status).toBe('FAILED');
    await executor.close();
    expect(jobIdOf('job-lost')).toBe(id);
  });
});
