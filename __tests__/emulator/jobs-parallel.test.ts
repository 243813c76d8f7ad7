/**
 * Parallel steps and Spark jobs in the emulator, really run: the parallel driver over folders of
 * iris-like CSV files and an MLTable (mini-batches, workers, retries, error thresholds, append_row
 * output), Spark jobs with and without a spark-submit on PATH, and parallel / spark steps of a
 * pipeline YAML translated with planJob as submit-job does.
 */
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobIO } from '../../src/emulator/data/blob-io.js';
import { parallelStepRun } from '../../src/emulator/jobs/parallel.js';
import { findSparkSubmit } from '../../src/emulator/jobs/spark.js';
import { SpecDocument } from '../../src/specs/document.js';
import { planJob } from '../../src/specs/job/index.js';
import {
  BLOBSTORE_CONTAINER,
  createTestEnv,
  getJob,
  jobIdOf,
  putCodeVersion,
  putJob,
  readBlob,
  uploadFolder,
  uploadText,
  WS_ID,
  type TestEnv,
} from './jobs-harness.js';

let env: TestEnv;
let codeId: string;
const SPECIES = ['setosa', 'versicolor', 'virginica'];

/** An iris-like CSV: a header and `n` rows. */
function irisCsv(seed: number, n: number): string {
  const rows = ['sepal_length,sepal_width,petal_length,petal_width,species'];
  for (let i = 0; i < n; i++) rows.push(`${(4.5 + ((seed + i) % 30) / 10).toFixed(1)},3.1,1.4,0.2,${SPECIES[(seed + i) % 3]}`);
  return rows.join('\n') + '\n';
}

// The entry script: init() reads its program arguments as a parallel job's entry script does
// (argparse, parse_known_args); run() gets file paths (file input) or rows (tabular input).
const SCORE_PY = `
import argparse, csv, os, time

def init():
    global tag
    p = argparse.ArgumentParser()
    p.add_argument("--tag", default="none")
    args, _ = p.parse_known_args()
    tag = args.tag
    print("init done, tag", tag, flush=True)

def run(mini_batch):
    out = []
    if isinstance(mini_batch, list) and mini_batch and isinstance(mini_batch[0], dict):
        for row in mini_batch:
            out.append(f"{row['species']} {float(row['petal_length']) > 2}")
        return out
    for path in mini_batch:
        name = os.path.basename(path)
        if name.startswith("bad"):
            raise ValueError("cannot score " + name)
        if name.startswith("slow"):
            time.sleep(30)
        with open(path) as fh:
            rows = list(csv.DictReader(fh))
        out.append(f"{name} {tag} {len(rows)}")
    return out
`;

beforeAll(async () => {
  env = await createTestEnv();
  const src = await mkdtemp(join(tmpdir(), 'par-code-'));
  await writeFile(join(src, 'score.py'), SCORE_PY);
  // A partitioned training script in the manner of azureml-examples 1a_oj_sales_prediction:
  // run(mini_batch, mini_batch_context) gets one partition and writes a file per key value.
  await writeFile(
    join(src, 'train.py'),
    [
      'import argparse, os',
      'def init():',
      '    global out',
      '    p = argparse.ArgumentParser(); p.add_argument("--model_folder"); a, _ = p.parse_known_args(); out = a.model_folder',
      'def run(mini_batch, mini_batch_context):',
      '    key = mini_batch_context.partition_key_value',
      '    folder = os.path.join(out, key["Store"], key["Brand"])',
      '    os.makedirs(folder, exist_ok=True)',
      '    total = sum(int(r["Quantity"]) for r in mini_batch)',
      '    open(os.path.join(folder, "model.txt"), "w").write(f"rows={len(mini_batch)} quantity={total}\\n")',
      '    return []',
      '',
    ].join('\n'),
  );
  await writeFile(join(src, 'wrangle.py'), 'import sys\nprint("spark entry args:", " ".join(sys.argv[1:]))\n');
  await uploadFolder(env.service, src, BLOBSTORE_CONTAINER, 'LocalUpload/par/src');
  codeId = await putCodeVersion(env.store, 'par-code', '1', BLOBSTORE_CONTAINER, 'LocalUpload/par/src');
  for (let i = 1; i <= 7; i++) await uploadText(env.service, BLOBSTORE_CONTAINER, `iris-files/iris_${i}.csv`, irisCsv(i, 3 + i));
  for (let i = 1; i <= 4; i++) await uploadText(env.service, BLOBSTORE_CONTAINER, `iris-mixed/iris_${i}.csv`, irisCsv(i, 4));
  await uploadText(env.service, BLOBSTORE_CONTAINER, 'iris-mixed/bad_1.csv', irisCsv(9, 2));
  await uploadText(env.service, BLOBSTORE_CONTAINER, 'iris-mixed/slow_1.csv', irisCsv(9, 2));
  await uploadText(
    env.service,
    BLOBSTORE_CONTAINER,
    'iris-table/MLTable',
    'paths:\n  - file: ./iris.csv\ntransformations:\n  - read_delimited:\n      delimiter: ","\n      header: all_files_same_headers\n',
  );
  await uploadText(env.service, BLOBSTORE_CONTAINER, 'iris-table/iris.csv', irisCsv(0, 30));
  const sales = ['WeekStarting,Store,Brand,Quantity'];
  for (let w = 0; w < 5; w++)
    for (const store of ['1000', '1001']) for (const brand of ['dominicks', 'tropicana']) sales.push(`1990-06-${10 + w},${store},${brand},${100 + w}`);
  await uploadText(
    env.service,
    BLOBSTORE_CONTAINER,
    'oj-sales/MLTable',
    'paths:\n  - file: ./sales.csv\ntransformations:\n  - read_delimited:\n      delimiter: ","\n',
  );
  await uploadText(env.service, BLOBSTORE_CONTAINER, 'oj-sales/sales.csv', sales.join('\n') + '\n');
});

afterAll(async () => {
  await env?.close();
});

/** A parallel step's REST node, as the translator (src/specs/job/parallel.ts) sends it. */
function node(overrides: Record<string, unknown> = {}, task: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'score',
    type: 'parallel',
    _source: 'YAML.JOB',
    componentId: `${WS_ID}/components/azureml_anonymous/versions/1`,
    task: {
      type: 'run_function',
      code: `azureml:${codeId}`,
      entry_script: 'score.py',
      program_arguments: '--tag ${{inputs.tag}}',
      append_row_to: '${{outputs.scores}}',
      environment: `azureml:${WS_ID}/environments/prs-env/versions/1`,
      ...task,
    },
    input_data: '${{inputs.data}}',
    mini_batch_size: 2,
    resources: { instance_count: 2 },
    max_concurrency_per_instance: 2,
    retry_settings: { max_retries: 1, timeout: 20 },
    error_threshold: -1,
    mini_batch_error_threshold: -1,
    logging_level: 'INFO',
    ...overrides,
  };
}

const folderInput = (path: string) => ({ jobInputType: 'uri_folder', uri: `azureml://datastores/workspaceblobstore/paths/${path}/`, mode: 'Direct' });

/** Stores the step's child job as the pipeline runner would and runs it through the executor. */
async function runStep(jobName: string, n: Record<string, unknown>, inputs: Record<string, unknown>, outputs: Record<string, unknown>) {
  const run = parallelStepRun(n, undefined, inputs);
  const id = await putJob(env.store, jobName, {
    jobType: 'Command',
    command: run.command,
    codeId: run.codeId,
    environmentId: run.environmentId,
    environmentVariables: run.environmentVariables,
    inputs: run.inputs,
    outputs,
  });
  env.executor.start(id);
  const outcome = await env.executor.whenDone(id);
  const log = await readBlob(env.service, 'azureml', `ExperimentRun/dcid.${jobName}/user_logs/std_log.txt`);
  return { id, outcome, log, run };
}

describe('parallel steps', () => {
  it('builds the driver command from the REST node (input_data downloaded, settings passed)', () => {
    const run = parallelStepRun(node({ partition_keys: '["Store", "Brand"]', mini_batch_size: undefined }), undefined, {
      data: { jobInputType: 'mltable', uri: 'azureml://datastores/workspaceblobstore/paths/t/', mode: 'Direct' },
      tag: { jobInputType: 'literal', value: 'x' },
    });
    expect(run.codeId).toBe(codeId);
    expect((run.inputs.data as { mode: string }).mode).toBe('Download');
    expect(run.command).toContain("--entry-script 'score.py' --input-data ${{inputs.data}} --input-type 'mltable'");
    expect(run.command).toContain("--partition-keys 'Store,Brand' --instance-count 2 --max-concurrency-per-instance 2 --max-retries 1 --timeout 20");
    expect(run.command).toMatch(/--append-row-to \$\{\{outputs\.scores\}\} --logging-level 'INFO' -- --tag \$\{\{inputs\.tag\}\}$/);
    expect(() => parallelStepRun(node({ input_data: '${{inputs.other}}' }), undefined, { data: {} })).toThrow(/input_data names the input 'other'/);
  });

  it('runs init() and run() over mini-batches of files with 4 workers and appends the rows', async () => {
    const { outcome, log } = await runStep(
      'par-files',
      node(),
      { data: folderInput('iris-files'), tag: { jobInputType: 'literal', value: 'v1' } },
      { scores: { jobOutputType: 'uri_folder', mode: 'ReadWriteMount' } },
    );
    expect(outcome?.status, JSON.stringify(outcome?.error)).toBe('Completed');
    expect(log).toContain('4 mini-batches of files');
    expect(log).toContain('4 worker(s) (2 instance(s) x 2)');
    expect(log.match(/init done, tag v1/g)?.length).toBe(4);
    const rows = (await readBlob(env.service, BLOBSTORE_CONTAINER, 'azureml/par-files/scores/parallel_run_step.txt')).trim().split('\n');
    expect(rows.sort()).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `iris_${i}.csv v1 ${3 + i}`).sort());
  });

  it('splits tabular input (MLTable) by bytes and passes rows; append_row to a uri_file output', async () => {
    const { outcome, log } = await runStep(
      'par-table',
      node({ mini_batch_size: 200, resources: { instance_count: 1 } }, { program_arguments: undefined }),
      { data: { jobInputType: 'mltable', uri: 'azureml://datastores/workspaceblobstore/paths/iris-table/', mode: 'Direct' } },
      { scores: { jobOutputType: 'uri_file', uri: 'azureml://datastores/workspaceblobstore/paths/results/${{name}}/predictions.txt', mode: 'ReadWriteMount' } },
    );
    expect(outcome?.status, JSON.stringify(outcome?.error)).toBe('Completed');
    // 30 rows of ~20 bytes, at most 200 bytes a mini-batch
    const batches = Number(/(\d+) mini-batches of tabular rows/.exec(log)?.[1]);
    expect(batches).toBeGreaterThanOrEqual(3);
    expect(batches).toBeLessThanOrEqual(5);
    const rows = (await readBlob(env.service, BLOBSTORE_CONTAINER, 'results/par-table/predictions.txt')).trim().split('\n');
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((r) => r.split(' ')[0]))).toEqual(new Set(SPECIES));
  });

  it('retries a failing run(), then fails the step when mini_batch_error_threshold is exceeded', async () => {
    const { id, outcome, log } = await runStep(
      'par-threshold',
      node({ mini_batch_size: 1, mini_batch_error_threshold: 0, retry_settings: { max_retries: 1, timeout: 20 } }),
      { data: folderInput('iris-mixed'), tag: { jobInputType: 'literal', value: 'v2' } },
      { scores: { jobOutputType: 'uri_folder', mode: 'ReadWriteMount' } },
    );
    expect(outcome?.status).toBe('Failed');
    expect(outcome?.error?.error.message).toMatch(/1 mini-batches failed, more than mini_batch_error_threshold 0/);
    expect(log).toMatch(/attempt 1 failed \(ValueError: cannot score bad_1\.csv\); retrying/);
    expect(log).toContain('failed after 2 attempt(s)');
    expect((await getJob(env.store, 'par-threshold')).properties.status).toBe('Failed');
    expect(id).toBe(jobIdOf('par-threshold'));
  }, 60_000);

  it('under the threshold, failed and timed-out mini-batches are counted and the step completes', async () => {
    const { outcome, log } = await runStep(
      'par-tolerant',
      node({ mini_batch_size: 1, mini_batch_error_threshold: 2, retry_settings: { max_retries: 0, timeout: 2 } }),
      { data: folderInput('iris-mixed'), tag: { jobInputType: 'literal', value: 'v3' } },
      { scores: { jobOutputType: 'uri_folder', mode: 'ReadWriteMount' } },
    );
    expect(outcome?.status, JSON.stringify(outcome?.error)).toBe('Completed');
    expect(log).toMatch(/run\(\) timed out after 2 s/);
    expect(log).toContain('4 mini-batch(es) succeeded, 2 failed; 2 item(s) failed; 4 row(s) appended');
    const rows = (await readBlob(env.service, BLOBSTORE_CONTAINER, 'azureml/par-tolerant/scores/parallel_run_step.txt')).trim().split('\n');
    expect(rows.sort()).toEqual([1, 2, 3, 4].map((i) => `iris_${i}.csv v3 4`));
  }, 60_000);

  it('partition_keys: one mini-batch per key value, run(mini_batch, mini_batch_context) as in 1a_oj_sales_prediction', async () => {
    const { outcome, log } = await runStep(
      'par-partition',
      node(
        { partition_keys: '["Store", "Brand"]', mini_batch_size: undefined, mini_batch_error_threshold: 0 },
        { entry_script: 'train.py', program_arguments: '--model_folder ${{outputs.model_folder}}', append_row_to: undefined },
      ),
      { data: { jobInputType: 'mltable', uri: 'azureml://datastores/workspaceblobstore/paths/oj-sales/', mode: 'Direct' } },
      { model_folder: { jobOutputType: 'uri_folder', mode: 'ReadWriteMount' } },
    );
    expect(outcome?.status, JSON.stringify(outcome?.error)).toBe('Completed');
    expect(log).toContain('4 mini-batches of tabular rows');
    expect(log).toContain('4 mini-batch(es) succeeded, 0 failed');
    for (const store of ['1000', '1001'])
      for (const brand of ['dominicks', 'tropicana'])
        expect(await readBlob(env.service, BLOBSTORE_CONTAINER, `azureml/par-partition/model_folder/${store}/${brand}/model.txt`)).toBe(
          'rows=5 quantity=510\n',
        );
  });
});

describe('spark jobs', () => {
  const sparkProps = () => ({
    jobType: 'Spark',
    codeId,
    entry: { sparkJobEntryType: 'SparkJobPythonEntry', file: 'wrangle.py' },
    pyFiles: ['utils.zip'],
    conf: { 'spark.driver.cores': '1', 'spark.executor.instances': '2' },
    args: '--titanic_data ${{inputs.titanic}} --out ${{outputs.wrangled}}',
    inputs: { titanic: { jobInputType: 'uri_file', uri: 'azureml://datastores/workspaceblobstore/paths/iris-files/iris_1.csv', mode: 'Direct' } },
    outputs: { wrangled: { jobOutputType: 'uri_folder', mode: 'Direct' } },
    resources: { instanceType: 'standard_e4s_v3', runtimeVersion: '3.4' },
  });

  it('fails with a message saying the emulator has no Spark when spark-submit is not on PATH', async () => {
    const saved = process.env.PATH;
    process.env.PATH = (saved ?? '')
      .split(':')
      .filter((d) => !findSparkSubmit(d))
      .join(':');
    try {
      const id = await putJob(env.store, 'spark-none', sparkProps());
      env.executor.start(id);
      const outcome = await env.executor.whenDone(id);
      expect(outcome?.status).toBe('Failed');
      expect(outcome?.error?.error.message).toMatch(/The local Azure ML emulator has no Spark: spark-submit was not found on its PATH/);
      const job = await getJob(env.store, 'spark-none');
      expect(job.properties.status).toBe('Failed');
    } finally {
      process.env.PATH = saved;
    }
  });

  it('runs the entry with the spark-submit on PATH (py_files, conf, args passed; direct inputs local)', async () => {
    // A stand-in spark-submit: prints its arguments, then runs the entry file with python3.
    const bin = await mkdtemp(join(tmpdir(), 'spark-bin-'));
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'spark-submit'), '#!/bin/bash\necho "spark-submit $*"\nwhile [[ "$1" == --* ]]; do shift 2; done\nexec python3 "$@"\n');
    await chmod(join(bin, 'spark-submit'), 0o755);
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved ?? ''}`;
    try {
      const id = await putJob(env.store, 'spark-local', sparkProps());
      env.executor.start(id);
      const outcome = await env.executor.whenDone(id);
      expect(outcome?.status, JSON.stringify(outcome?.error)).toBe('Completed');
      const log = await readBlob(env.service, 'azureml', 'ExperimentRun/dcid.spark-local/user_logs/std_log.txt');
      expect(log).toContain(
        '--master local[*] --name spark-local --py-files utils.zip --conf spark.driver.cores=1 --conf spark.executor.instances=2 wrangle.py',
      );
      expect(log).toMatch(/spark entry args: --titanic_data \/\S+\/inputs\/titanic\/iris_1\.csv --out \/\S+\/outputs\/wrangled/);
      const job = await getJob(env.store, 'spark-local');
      expect(job.properties).not.toHaveProperty('command');
    } finally {
      process.env.PATH = saved;
    }
  });
});

/** Translates `pipeline.yml` of `dir` as submit-job does, stores what it plans, and runs the job (as jobs-pipeline-automl.test.ts does). */
async function submitPipeline(dir: string, name: string): Promise<string> {
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
  return id;
}

describe('parallel and spark steps of a submitted pipeline', () => {
  it('runs a parallel step over a uri_folder of CSV files as a child job appending one row per input row', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'par-pipe-'));
    await mkdir(join(dir, 'src'));
    await mkdir(join(dir, 'data'));
    // run() gets file paths (a uri_folder input_data) and returns one row per CSV row.
    await writeFile(
      join(dir, 'src', 'score.py'),
      [
        'import csv, os',
        'def init():',
        '    print("init done", flush=True)',
        'def run(mini_batch):',
        '    out = []',
        '    for path in mini_batch:',
        '        with open(path) as fh:',
        '            for i, row in enumerate(csv.DictReader(fh)):',
        '                out.append(f"{os.path.basename(path)} {i} {row[\'species\']}")',
        '    return out',
        '',
      ].join('\n'),
    );
    for (let i = 1; i <= 3; i++) await writeFile(join(dir, 'data', `iris_${i}.csv`), irisCsv(i, 3 + i));
    // The layout of azureml-examples cli/jobs/parallel/2a_iris_batch_prediction/pipeline.yml, over a folder of files.
    await writeFile(
      join(dir, 'pipeline.yml'),
      `
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
experiment_name: par-pipe-exp
settings:
  default_compute: azureml:cpu-cluster
jobs:
  score:
    type: parallel
    inputs:
      data:
        type: uri_folder
        path: ./data
        mode: direct
    outputs:
      scores:
        type: uri_file
        path: azureml://datastores/\${{default_datastore}}/paths/\${{name}}/aggregated_returns.csv
        mode: rw_mount
    input_data: \${{inputs.data}}
    mini_batch_size: "2"
    resources:
      instance_count: 1
    max_concurrency_per_instance: 2
    error_threshold: 0
    mini_batch_error_threshold: 0
    retry_settings:
      max_retries: 1
      timeout: 60
    task:
      type: run_function
      code: ./src
      entry_script: score.py
      environment: azureml:AzureML-sklearn-1.5:1
      append_row_to: \${{outputs.scores}}
`,
    );
    const id = await submitPipeline(dir, 'pipe-par');
    const outcome = await env.executor.whenDone(id);
    await env.executor.flush();
    expect(outcome?.status, JSON.stringify(outcome?.error)).toBe('Completed');
    expect((await getJob(env.store, 'pipe-par')).properties.status).toBe('Completed');
    const child = await getJob(env.store, 'pipe-par_score');
    expect(child.properties).toMatchObject({ jobType: 'Command', status: 'Completed' });
    expect((child.properties.outputs as Record<string, { uri: string }>).scores.uri).toBe(
      'azureml://datastores/workspaceblobstore/paths/pipe-par_score/aggregated_returns.csv',
    );
    const log = await readBlob(env.service, 'azureml', 'ExperimentRun/dcid.pipe-par_score/user_logs/std_log.txt');
    expect(log).toContain('2 mini-batches of files');
    const rows = (await readBlob(env.service, BLOBSTORE_CONTAINER, 'pipe-par_score/aggregated_returns.csv')).trim().split('\n');
    const expected = [1, 2, 3].flatMap((f) => Array.from({ length: 3 + f }, (_, i) => `iris_${f}.csv ${i} ${SPECIES[(f + i) % 3]}`));
    expect(rows.sort()).toEqual(expected.sort());
  }, 60_000);

  it('fails a pipeline with a spark step, with the child message that the emulator has no Spark (no spark-submit on PATH)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spark-pipe-'));
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src', 'wrangle.py'), 'import sys\nprint("spark entry args:", " ".join(sys.argv[1:]))\n');
    await writeFile(join(dir, 'titanic.csv'), irisCsv(0, 3));
    // An inline spark step in the manner of azureml-examples cli/jobs/spark/serverless-spark-pipeline-default-identity.yml.
    await writeFile(
      join(dir, 'pipeline.yml'),
      `
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
experiment_name: spark-pipe-exp
jobs:
  spark_job:
    type: spark
    code: ./src
    entry:
      file: wrangle.py
    inputs:
      titanic_data:
        type: uri_file
        path: ./titanic.csv
        mode: direct
    args: --titanic_data \${{inputs.titanic_data}}
    conf:
      spark.driver.cores: 1
      spark.driver.memory: 2g
      spark.executor.cores: 2
      spark.executor.memory: 2g
      spark.dynamicAllocation.enabled: True
      spark.dynamicAllocation.minExecutors: 1
      spark.dynamicAllocation.maxExecutors: 4
    resources:
      instance_type: standard_e8s_v3
      runtime_version: "3.4"
`,
    );
    const saved = process.env.PATH;
    process.env.PATH = (saved ?? '')
      .split(':')
      .filter((d) => !findSparkSubmit(d))
      .join(':');
    try {
      const id = await submitPipeline(dir, 'pipe-spark');
      const outcome = await env.executor.whenDone(id);
      await env.executor.flush();
      expect(outcome?.status).toBe('Failed');
      expect(outcome?.error?.error.message).toMatch(
        /Pipeline step\(s\) failed: spark_job\..*The local Azure ML emulator has no Spark: spark-submit was not found on its PATH/,
      );
      expect((await getJob(env.store, 'pipe-spark')).properties.status).toBe('Failed');
      const child = await getJob(env.store, 'pipe-spark_spark_job');
      expect(child.properties).toMatchObject({
        jobType: 'Spark',
        status: 'Failed',
        entry: { sparkJobEntryType: 'SparkJobPythonEntry', file: 'wrangle.py' },
        resources: { instanceType: 'standard_e8s_v3', runtimeVersion: '3.4' },
      });
    } finally {
      process.env.PATH = saved;
    }
  });
});
