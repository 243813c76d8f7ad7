/**
 * Pipelines with pipeline steps and sweep steps, written as YAML, translated by the spec translator
 * and really run on the executor: a pipeline component's steps run as children of its step (the
 * grandchildren of the pipeline), data binds through the nested level and its outputs bubble up;
 * a sweep step runs as a Sweep child job whose best trial's output feeds the next step.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobIO } from '../../src/emulator/data/blob-io.js';
import { SpecDocument } from '../../src/specs/document.js';
import { planJob } from '../../src/specs/job/index.js';
import { BLOBSTORE_CONTAINER, createTestEnv, getJob, httpJson, putJob, readBlob, REPO_ROOT, RG, SUB, WS, WS_ID, type TestEnv } from './jobs-harness.js';

const HISTORY = `/history/v1.0/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
const ENV = 'azureml:AzureML-sklearn-1.5:1';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});

afterAll(async () => {
  await env?.close();
});

/** Writes the files of a spec folder and returns it. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'aml-nested-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** Translates `pipeline.yml` of `dir` as submit-job does, stores what it plans, and runs the job. */
async function submit(dir: string, name: string): Promise<{ id: string; body: Record<string, unknown> }> {
  const file = join(dir, 'pipeline.yml');
  const doc = SpecDocument.load(file, 'pipeline.yml');
  const plan = await planJob(doc, file, doc.value, { workspaceId: WS_ID, resolver: { resolveLabel: async () => '1' } });
  const blob = new BlobIO(env.blob);
  for (const up of plan.uploads) await blob.uploadFolder(up.snapshot.root, { container: BLOBSTORE_CONTAINER, path: up.datastorePath });
  for (const asset of plan.assets) {
    const body = structuredClone(asset.body);
    if (asset.upload) body.properties.codeUri = `azureml://datastores/workspaceblobstore/paths/${asset.upload.datastorePath}/`;
    await env.store.put(asset.id, { id: asset.id, name: asset.version, type: 'x', ...body });
  }
  const id = await putJob(env.store, name, plan.body.properties);
  env.executor.start(id);
  return { id, body: plan.body.properties };
}

const log = (job: string) => readBlob(env.service, 'azureml', `ExperimentRun/dcid.${job}/user_logs/std_log.txt`);

describe('nested pipelines', () => {
  it('runs a pipeline component as the children of its step, binding through the nested level', async () => {
    const dir = folder({
      'pipeline.yml': `
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
experiment_name: nested
inputs:
  factor: 3
  not_given:
    type: number
outputs:
  final:
settings:
  default_compute: azureml:cpu-cluster
jobs:
  make:
    command: seq 1 4 > \${{outputs.numbers}}/numbers.txt
    environment: ${ENV}
    outputs:
      numbers:
  inner:
    type: pipeline
    component: ./components/sum_pipeline.yml
    inputs:
      numbers: \${{parent.jobs.make.outputs.numbers}}
      factor: \${{parent.inputs.factor}}
      label: 'run-\${{ parent.inputs.factor }}-x\${{parent.inputs.factor}}'
  report:
    command: echo "report $(cat \${{inputs.total}}/sum.txt)" | tee \${{outputs.out}}/report.txt
    environment: ${ENV}
    inputs:
      total: \${{parent.jobs.inner.outputs.total}}
    outputs:
      out: \${{parent.outputs.final}}
`,
      'components/sum_pipeline.yml': `
$schema: https://azuremlschemas.azureedge.net/latest/pipelineComponent.schema.json
type: pipeline
name: sum_pipeline
version: "1"
inputs:
  numbers:
    type: uri_folder
  factor:
    type: integer
  label:
    type: string
    default: none
outputs:
  total:
    type: uri_folder
jobs:
  scale:
    type: command
    component: ./scale.yml
    inputs:
      numbers: \${{parent.inputs.numbers}}
      factor: \${{parent.inputs.factor}}
  add:
    type: command
    component: ./add.yml
    inputs:
      scaled: \${{parent.jobs.scale.outputs.scaled}}
      label: \${{parent.inputs.label}}
    outputs:
      total: \${{parent.outputs.total}}
`,
      'components/scale.yml': `
type: command
name: scale
version: "1"
inputs:
  numbers: {type: uri_folder}
  factor: {type: integer}
outputs:
  scaled: {type: uri_folder}
environment: ${ENV}
command: for n in $(cat \${{inputs.numbers}}/numbers.txt); do echo $((n * \${{inputs.factor}})); done > \${{outputs.scaled}}/scaled.txt
`,
      'components/add.yml': `
type: command
name: add
version: "1"
inputs:
  scaled: {type: uri_folder}
  label: {type: string}
outputs:
  total: {type: uri_folder}
environment: ${ENV}
command: total=0; for n in $(cat \${{inputs.scaled}}/scaled.txt); do total=$((total + n)); done; echo $total > \${{outputs.total}}/sum.txt; echo "\${{inputs.label}} total $total"
`,
    });
    const { id, body } = await submit(dir, 'pipe-nested');
    // An input declared without a value is not sent (pipeline_job.py _to_rest_object).
    expect(Object.keys(body.inputs as object)).toEqual(['factor']);
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status, JSON.stringify(outcome?.error)).toBe('Completed');

    const inner = await getJob(env.store, 'pipe-nested_inner');
    expect(inner.properties).toMatchObject({ jobType: 'Pipeline', status: 'Completed' });
    for (const grandchild of ['pipe-nested_inner_scale', 'pipe-nested_inner_add']) {
      const job = await getJob(env.store, grandchild);
      expect(job.properties).toMatchObject({ jobType: 'Command', status: 'Completed', computeId: `${WS_ID}/computes/cpu-cluster` });
      expect(job.properties.properties).toMatchObject({ 'azureml.pipelinerunid': 'pipe-nested_inner' });
    }
    // Interpolated text with spaces inside the braces, resolved at the nested level.
    expect(await log('pipe-nested_inner_add')).toContain('run-3-x3 total 30');
    // The nested pipeline's output is where its inner step wrote, and feeds the next step.
    const innerTotal = (inner.properties.outputs as Record<string, { uri?: string }>).total?.uri;
    expect(innerTotal).toMatch(/pipe-nested_inner_add/);
    expect(await log('pipe-nested_report')).toContain('report 30');
    const final = ((await getJob(env.store, 'pipe-nested')).properties.outputs as Record<string, { uri?: string }>).final?.uri;
    expect(final).toMatch(/pipe-nested_report/);

    const children = await httpJson(`${env.baseUrl}${HISTORY}/runs/pipe-nested/children`);
    expect(children.body.value.map((r: { runId: string }) => r.runId).sort()).toEqual(['pipe-nested_inner', 'pipe-nested_make', 'pipe-nested_report']);
    const grand = await httpJson(`${env.baseUrl}${HISTORY}/runs/pipe-nested_inner/children`);
    expect(grand.body.value.map((r: { runId: string }) => r.runId).sort()).toEqual(['pipe-nested_inner_add', 'pipe-nested_inner_scale']);
  });
});

describe('azureml-examples pipeline_with_train_eval_pipeline_component', () => {
  it('runs as written: two nested train-score-eval pipelines, then the comparison of their outputs', async () => {
    const example = join(
      REPO_ROOT,
      '__tests__',
      'fixtures',
      'azureml-examples',
      'jobs',
      'pipelines-with-components',
      'pipeline_with_pipeline_component',
      'pipeline_with_train_eval_pipeline_component',
    );
    const dir = mkdtempSync(join(tmpdir(), 'aml-train-eval-'));
    cpSync(example, dir, { recursive: true });
    // Small stand-ins for the example's scripts (not copied): the arguments its components pass.
    const scripts: Record<string, string[]> = {
      'components/train/train.py': [
        'import argparse, os',
        'p = argparse.ArgumentParser()',
        'for a in ["--training_data", "--max_epochs", "--learning_rate", "--learning_rate_schedule", "--model_output"]: p.add_argument(a)',
        'a = p.parse_args()',
        'rows = sum(len(open(os.path.join(a.training_data, f)).readlines()) for f in os.listdir(a.training_data))',
        'open(os.path.join(a.model_output, "model.txt"), "w").write(f"{a.learning_rate} {a.max_epochs} {a.learning_rate_schedule} {rows}\\n")',
        'print("trained with learning rate", a.learning_rate, "on", rows, "rows")',
      ],
      'components/score/score.py': [
        'import argparse, os',
        'p = argparse.ArgumentParser()',
        'for a in ["--model_input", "--test_data", "--score_output"]: p.add_argument(a)',
        'a = p.parse_args()',
        'lr = float(open(os.path.join(a.model_input, "model.txt")).read().split()[0])',
        'open(os.path.join(a.score_output, "score.txt"), "w").write(str(round(1 - abs(lr - 0.02), 4)))',
      ],
      'components/eval/eval.py': [
        'import argparse, os',
        'p = argparse.ArgumentParser()',
        'for a in ["--scoring_result", "--eval_output"]: p.add_argument(a)',
        'a = p.parse_args()',
        'open(os.path.join(a.eval_output, "eval.txt"), "w").write(open(os.path.join(a.scoring_result, "score.txt")).read())',
      ],
      'components/compare2/compare2.py': [
        'import argparse, os, shutil',
        'p = argparse.ArgumentParser()',
        'for a in ["--model1", "--eval_result1", "--model2", "--eval_result2", "--best_model", "--best_result"]: p.add_argument(a)',
        'a = p.parse_args()',
        'scores = [float(open(os.path.join(e, "eval.txt")).read()) for e in (a.eval_result1, a.eval_result2)]',
        'best = 1 if scores[0] >= scores[1] else 2',
        'shutil.copy(os.path.join(a.model1 if best == 1 else a.model2, "model.txt"), os.path.join(a.best_model, "model.txt"))',
        'open(os.path.join(a.best_result, "best.txt"), "w").write(f"model{best} {scores[best - 1]}\\n")',
      ],
    };
    for (const [rel, lines] of Object.entries(scripts)) writeFileSync(join(dir, rel), lines.join('\n') + '\n');
    const { id } = await submit(dir, 'pipe-ms');
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status, JSON.stringify(outcome?.error)).toBe('Completed');
    for (const model of ['train_and_evaluate_model1', 'train_and_evaluate_model2']) {
      expect((await getJob(env.store, `pipe-ms_${model}`)).properties).toMatchObject({ jobType: 'Pipeline', status: 'Completed' });
      for (const step of ['train_job', 'score_job', 'evaluate_job']) {
        expect((await getJob(env.store, `pipe-ms_${model}_${step}`)).properties.status).toBe('Completed');
      }
    }
    // Inputs bind through the nested level: each nested train step got its pipeline's learning rate.
    expect(await log('pipe-ms_train_and_evaluate_model1_train_job')).toContain('trained with learning rate 0.1 on');
    expect(await log('pipe-ms_train_and_evaluate_model2_train_job')).toContain('trained with learning rate 0.01 on');
    const outputs = (await getJob(env.store, 'pipe-ms')).properties.outputs as Record<string, { uri?: string }>;
    const bestResult = outputs.pipeline_job_best_result?.uri ?? '';
    const path = /paths\/(.*)$/.exec(bestResult)?.[1] ?? '';
    expect(await readBlob(env.service, BLOBSTORE_CONTAINER, `${path}best.txt`)).toBe('model2 0.99\n');
  }, 60_000);
});

describe('sweep steps', () => {
  it('runs a sweep step as a Sweep child job whose best trial feeds the next step', async () => {
    const dir = folder({
      'pipeline.yml': `
type: pipeline
settings:
  default_compute: azureml:cpu-cluster
jobs:
  tune:
    type: sweep
    trial: ./trial.yml
    inputs:
      offset: 10
    outputs:
      model:
    search_space:
      x:
        type: choice
        values: [1, 3, 2]
    sampling_algorithm: grid
    objective:
      goal: maximize
      primary_metric: score
    limits:
      max_total_trials: 3
      max_concurrent_trials: 2
  use:
    command: echo "best $(cat \${{inputs.model}}/model.txt)"
    environment: ${ENV}
    inputs:
      model: \${{parent.jobs.tune.outputs.model}}
`,
      'trial.yml': `
type: command
name: trial
version: "1"
code: ./src
inputs:
  x: {type: integer, default: 0}
  offset: {type: integer}
outputs:
  model: {type: uri_folder}
environment: ${ENV}
command: python3 log_metric.py $((\${{inputs.x}} + \${{inputs.offset}})) && echo "x=\${{inputs.x}}" > \${{outputs.model}}/model.txt
`,
      'src/log_metric.py': [
        'import json, os, sys, time, urllib.request',
        'body = json.dumps({"run_id": os.environ["MLFLOW_RUN_ID"], "metrics": [{"key": "score", "value": float(sys.argv[1]), "timestamp": int(time.time() * 1000), "step": 0}]}).encode()',
        'req = urllib.request.Request(os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/runs/log-batch", data=body, method="POST",',
        '    headers={"Content-Type": "application/json", "Authorization": "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"]})',
        'print(urllib.request.urlopen(req).status, "logged", sys.argv[1])',
      ].join('\n'),
    });
    const { id, body } = await submit(dir, 'pipe-sweep');
    expect((body.jobs as Record<string, Record<string, unknown>>).tune).toMatchObject({
      type: 'sweep',
      trial: { componentId: `${WS_ID}/components/trial/versions/1` },
      objective: { goal: 'maximize', primary_metric: 'score' },
    });
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status, JSON.stringify(outcome?.error)).toBe('Completed');

    const tune = await getJob(env.store, 'pipe-sweep_tune');
    expect(tune.properties).toMatchObject({ jobType: 'Sweep', status: 'Completed' });
    const trials = ['pipe-sweep_tune_0', 'pipe-sweep_tune_1', 'pipe-sweep_tune_2'];
    const xs: Record<string, string> = {};
    for (const t of trials) {
      const job = await getJob(env.store, t);
      expect(job.properties.status).toBe('Completed');
      xs[t] = String(JSON.parse((job.properties.properties as Record<string, string>).hyperparameters!).x);
    }
    expect(Object.values(xs).sort()).toEqual(['1', '2', '3']);
    const best = trials.find((t) => xs[t] === '3');
    expect(tune.properties.properties).toMatchObject({ best_child_run_id: best, score: '13' });
    expect(await log('pipe-sweep_use')).toContain('best x=3');

    const details = await httpJson(`${env.baseUrl}${HISTORY}/runs/pipe-sweep_tune/details`);
    expect(details.body).toMatchObject({ parentRunId: 'pipe-sweep', status: 'Completed' });
  });

  it('fails a step of a type the emulator does not run yet, by name', async () => {
    // azure-ai-ml's `import` node (entities/_builders/import_node.py)
    const id = await putJob(env.store, 'pipe-import', {
      jobType: 'Pipeline',
      jobs: { load: { type: 'import', source: { type: 'database', query: 'select 1' } } },
    });
    env.executor.start(id);
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status).toBe('Failed');
    expect(outcome?.error?.error.message).toMatch(/'load' is a 'import' step, which is not supported by the emulator yet/);
  });
});

describe('nested pipelines: failure and cancel', () => {
  const component = (command: string) => `
type: pipeline
jobs:
  deep:
    command: ${command}
    environment: ${ENV}
`;
  const outer = `
type: pipeline
jobs:
  inner:
    type: pipeline
    component: ./inner.yml
`;

  it('a failed inner step fails the nested pipeline and the pipeline, naming it', async () => {
    const { id } = await submit(folder({ 'pipeline.yml': outer, 'inner.yml': component('echo deep trouble >&2; exit 3') }), 'pipe-nfail');
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status).toBe('Failed');
    expect(outcome?.error?.error.message).toMatch(/Pipeline step\(s\) failed: inner\..*First failure \(inner\): Pipeline step\(s\) failed: deep\./);
    expect((await getJob(env.store, 'pipe-nfail_inner_deep')).properties.status).toBe('Failed');
  });

  it('cancel reaches the steps of a nested pipeline', async () => {
    const { id } = await submit(folder({ 'pipeline.yml': outer, 'inner.yml': component('echo slow; sleep 30') }), 'pipe-ncancel');
    const running = async () =>
      (await env.store.get<{ properties: { status: string } }>(`${WS_ID}/jobs/pipe-ncancel_inner_deep`))?.properties.status === 'Running';
    for (let i = 0; i < 200 && !(await running()); i++) await new Promise((r) => setTimeout(r, 50));
    await env.executor.cancel(id);
    for (const job of ['pipe-ncancel', 'pipe-ncancel_inner', 'pipe-ncancel_inner_deep'])
      expect((await getJob(env.store, job)).properties.status).toBe('Canceled');
  });
});
