/**
 * The sample training job end to end on the executor: examples/iris/job.yml and sweep.yml are
 * translated by the project's spec translator (as submit-job does), their local folders uploaded
 * to Azurite, and run. The trainer logs through MLflow REST; the model it writes is a real
 * MLflow model that examples/iris/score.py serves.
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
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
  listBlobs,
  putJob,
  readBlob,
  REPO_ROOT,
  RG,
  SUB,
  WS,
  WS_ID,
  type TestEnv,
} from './jobs-harness.js';

const run = promisify(execFile);
const MLFLOW = `/mlflow/v1.0/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}/api/2.0/mlflow`;
const EXAMPLE = join(REPO_ROOT, 'examples', 'iris');

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});

afterAll(async () => {
  await env?.close();
});

/** What submit-job does before the PUT: translate, upload local folders, register anonymous assets. */
async function submitYaml(file: string, name: string, overrides: (p: Record<string, unknown>) => void = () => {}): Promise<string> {
  const doc = SpecDocument.load(file, file);
  const plan = await planJob(doc, file, doc.value, { workspaceId: WS_ID, resolver: { resolveLabel: async () => '1' } });
  const blob = new BlobIO(env.blob);
  for (const up of plan.uploads) {
    const target = { container: BLOBSTORE_CONTAINER, path: up.datastorePath };
    if (up.snapshot.isFile) await blob.uploadFile(up.snapshot.root, target);
    else await blob.uploadFolder(up.snapshot.root, target);
  }
  for (const asset of plan.assets) {
    await env.store.put(asset.id, {
      id: asset.id,
      name: asset.version,
      type: `Microsoft.MachineLearningServices/workspaces/${asset.kind}/versions`,
      ...asset.body,
    });
  }
  const props = structuredClone(plan.body.properties);
  overrides(props);
  const id = await putJob(env.store, name, props);
  env.executor.start(id);
  return id;
}

async function history(runId: string, key: string): Promise<{ step: number; value: number }[]> {
  const res = await httpJson(`${env.baseUrl}${MLFLOW}/metrics/get-history?run_id=${runId}&metric_key=${key}`);
  return res.body.metrics;
}

describe('examples/iris', () => {
  it('job.yml trains, logs per-epoch metrics and writes a model that score.py serves', async () => {
    const id = await submitYaml(join(EXAMPLE, 'job.yml'), 'iris-train', (p) => {
      (p.inputs as Record<string, { value: string }>).epochs!.value = '120';
    });
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status, JSON.stringify(outcome?.error)).toBe('Completed');

    const runRes = await httpJson(`${env.baseUrl}${MLFLOW}/runs/get?run_id=iris-train`);
    const info = runRes.body.run.info;
    expect(info.status).toBe('FINISHED');
    const exp = await httpJson(`${env.baseUrl}${MLFLOW}/experiments/get?experiment_id=${info.experiment_id}`);
    expect(exp.body.experiment.name).toBe('iris-classification');
    const params = Object.fromEntries(runRes.body.run.data.params.map((p: { key: string; value: string }) => [p.key, p.value]));
    expect(params).toMatchObject({ epochs: '120', lr: '0.5', n_train: '120', n_test: '30' });

    const acc = await history('iris-train', 'accuracy');
    const loss = await history('iris-train', 'loss');
    expect(acc.map((m) => m.step)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(acc[acc.length - 1]!.value).toBeGreaterThanOrEqual(0.9);
    expect(loss[loss.length - 1]!.value).toBeLessThan(loss[0]!.value);
    expect((await history('iris-train', 'f1_macro')).length).toBe(120);

    const job = await getJob(env.store, 'iris-train');
    const modelUri = (job.properties.outputs as Record<string, { uri: string }>).model!.uri;
    expect(modelUri).toBe('azureml://datastores/workspaceblobstore/paths/azureml/iris-train/model/');
    const files = await listBlobs(env.service, BLOBSTORE_CONTAINER, 'azureml/iris-train/model/');
    expect(files.map((f) => f.replace('azureml/iris-train/model/', ''))).toEqual(
      expect.arrayContaining(['MLmodel', 'weights.json', 'code/iris_softmax.py', 'conda.yaml', 'python_env.yaml', 'requirements.txt']),
    );
    const mlmodel = await readBlob(env.service, BLOBSTORE_CONTAINER, 'azureml/iris-train/model/MLmodel');
    expect(mlmodel).toContain('loader_module: iris_softmax');
    expect(mlmodel).toContain('run_id: iris-train');
    expect(mlmodel).toMatch(/signature:\n {2}inputs: '\[\{"type": "double", "name": "sepal_length"/);
    const log = await readBlob(env.service, 'azureml', 'ExperimentRun/dcid.iris-train/user_logs/std_log.txt');
    expect(log).toContain('final: accuracy 0.9333');

    // Serve it: download the model folder and call score.py's init()/run().
    const modelDir = await mkdtemp(join(tmpdir(), 'model-'));
    await new BlobIO(env.blob).download({ container: BLOBSTORE_CONTAINER, path: 'azureml/iris-train/model/' }, join(modelDir, 'model'));
    const script = [
      'import json, score',
      'score.init()',
      'print(json.dumps(score.run(json.dumps({"input_data": {"columns": ["sepal_length","sepal_width","petal_length","petal_width"], "data": [[5.1,3.5,1.4,0.2],[6.7,3.0,5.2,2.3]]}}))))',
    ].join('\n');
    const { stdout } = await run('python3', ['-c', script], {
      cwd: EXAMPLE,
      env: { ...process.env, AZUREML_MODEL_DIR: modelDir, PYTHONDONTWRITEBYTECODE: '1' },
    });
    const answer = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(answer.predictions).toEqual(['Iris-setosa', 'Iris-virginica']);
    expect(answer.probabilities[0][0]).toBeGreaterThan(0.9);
  });

  it('sweep.yml runs its grid as child trials and records the best one', async () => {
    const id = await submitYaml(join(EXAMPLE, 'sweep.yml'), 'iris-sweep', (p) => {
      (p.inputs as Record<string, { value: string }>).epochs!.value = '40';
      // Two trials keep the test short: the learning rates only.
      (p.searchSpace as Record<string, unknown>).l2 = ['choice', [[0.0]]];
      (p.limits as Record<string, unknown>).maxTotalTrials = 2;
    });
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status, JSON.stringify(outcome?.error)).toBe('Completed');
    expect(env.store.history(id)).toEqual(['NotStarted', 'Starting', 'Preparing', 'Queued', 'Running', 'Finalizing', 'Completed']);

    for (const trial of ['iris-sweep_0', 'iris-sweep_1']) {
      const t = await getJob(env.store, trial);
      expect(t.properties.status).toBe('Completed');
      expect(t.properties.jobType).toBe('Command');
      expect(env.store.history(jobIdOf(trial))).toEqual(['NotStarted', 'Starting', 'Preparing', 'Queued', 'Running', 'Finalizing', 'Completed']);
    }
    const lrOf = async (trial: string) =>
      JSON.parse(((await getJob(env.store, trial)).properties.properties as Record<string, string>).hyperparameters!).learning_rate;
    const best = (await lrOf('iris-sweep_0')) === '0.5' ? 'iris-sweep_0' : 'iris-sweep_1';

    const expId = (await httpJson(`${env.baseUrl}${MLFLOW}/runs/get?run_id=iris-sweep`)).body.run.info.experiment_id;
    const children = await httpJson(`${env.baseUrl}${MLFLOW}/runs/search`, {
      method: 'POST',
      body: JSON.stringify({ experiment_ids: [expId], filter: "tags.mlflow.parentRunId = 'iris-sweep'", order_by: ['metrics.accuracy DESC'] }),
    });
    expect(children.body.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([
      best,
      best === 'iris-sweep_0' ? 'iris-sweep_1' : 'iris-sweep_0',
    ]);

    const sweep = await getJob(env.store, 'iris-sweep');
    expect(sweep.properties.properties).toMatchObject({ best_child_run_id: best, best_metric_status: 'Succeeded' });
    expect((sweep.properties.outputs as Record<string, { uri: string }>).model!.uri).toBe(
      `azureml://datastores/workspaceblobstore/paths/azureml/${best}/model/`,
    );
    const parentRun = (await httpJson(`${env.baseUrl}${MLFLOW}/runs/get?run_id=iris-sweep`)).body.run;
    expect(parentRun.data.tags).toEqual(expect.arrayContaining([{ key: 'best_child_run_id', value: best }]));
    const sweepLog = await readBlob(env.service, 'azureml', 'ExperimentRun/dcid.iris-sweep/user_logs/std_log.txt');
    expect(sweepLog).toContain(`best trial: ${best} (accuracy = `);
  });
});
