/**
 * AutoML jobs really run in the emulator: an ARM AutoMLJob body (built by hand after the
 * 2024-10-01 swagger) over the azureml-examples hello-automl MLTable folders (bank marketing,
 * a few hundred rows of each CSV) trains candidates as child jobs `<job>_<i>` whose metrics land
 * in MLflow under Azure AutoML's names; the best is recorded as `automl_best_child_run_id` and the
 * `best_model` output is a servable MLflow model folder. Plus a regression job, a forecasting job,
 * limits, and the tasks the emulator refuses.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTrackingStore, workspaceScope } from '../../src/emulator/mlflow/tracking.js';
import { metricGoal, metricName, planAutoML } from '../../src/emulator/jobs/automl.js';
import { globRegex } from '../../src/emulator/jobs/mltable.js';
import { haveSharedFixtures, validatorFor, describeErrors } from '../helpers/swagger.js';
import { BLOBSTORE_CONTAINER, createTestEnv, getJob, listBlobs, putJob, readBlob, RG, SUB, uploadFolder, WS, type TestEnv } from './jobs-harness.js';

const HELLO = join(__dirname, '..', 'fixtures', 'azureml-examples', 'jobs', 'basics', 'hello-automl');
const DS = 'azureml://datastores/workspaceblobstore/paths';
const scope = workspaceScope(SUB, RG, WS);

let env: TestEnv;

/** An AutoMLJob body as az ml / azure-ai-ml send it (swagger AutoMLJob, Classification). */
export function classificationBody(extra: { limitSettings?: Record<string, unknown>; outputs?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    jobType: 'AutoML',
    experimentName: 'dpv2-cli-automl-classifier-experiment',
    description: 'A Classification job using bank marketing',
    outputs: extra.outputs ?? {},
    taskDetails: {
      taskType: 'Classification',
      targetColumnName: 'y',
      primaryMetric: 'Accuracy',
      trainingData: { jobInputType: 'mltable', uri: `${DS}/LocalUpload/hello-automl/training-mltable-folder/` },
      validationData: { jobInputType: 'mltable', uri: `${DS}/LocalUpload/hello-automl/validation-mltable-folder/` },
      limitSettings: { maxTrials: 3, maxConcurrentTrials: 2, timeout: 'PT10M', trialTimeout: 'PT5M', enableEarlyTermination: true, ...extra.limitSettings },
      featurizationSettings: { mode: 'Auto' },
    },
  };
}

type Job = Record<string, unknown> & { properties: Record<string, any>; error?: string };

/** Run a job to its end; `error` is the message of its error when it failed. */
async function run(name: string, properties: Record<string, unknown>): Promise<Job> {
  const id = await putJob(env.store, name, properties);
  env.executor.start(id);
  const outcome = await env.executor.whenDone(id);
  await env.executor.flush();
  return { ...(await getJob(env.store, name)), error: outcome?.error?.error.message };
}

beforeAll(async () => {
  env = await createTestEnv();
  await uploadFolder(env.service, join(HELLO, 'training-mltable-folder'), BLOBSTORE_CONTAINER, 'LocalUpload/hello-automl/training-mltable-folder');
  await uploadFolder(env.service, join(HELLO, 'validation-mltable-folder'), BLOBSTORE_CONTAINER, 'LocalUpload/hello-automl/validation-mltable-folder');
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('the AutoML body', () => {
  it.skipIf(!haveSharedFixtures)('is a valid 2024-10-01 AutoMLJob', () => {
    const v = validatorFor('JobBaseResource', 'AutoMLJob');
    expect(v({ properties: classificationBody() }), describeErrors(v)).toBe(true);
  });

  it('reads primary metrics as the swagger spells them and as AutoML logs them', () => {
    expect(metricName('classification', 'AUCWeighted')).toBe('AUC_weighted');
    expect(metricName('classification', 'norm_macro_recall')).toBe('norm_macro_recall');
    expect(metricName('regression', 'NormalizedRootMeanSquaredError')).toBe('normalized_root_mean_squared_error');
    expect(metricGoal('normalized_root_mean_squared_error')).toBe('minimize');
    expect(metricGoal('AUC_weighted')).toBe('maximize');
    const plan = planAutoML(classificationBody({ limitSettings: { maxTrials: 2 } }), 1);
    expect(plan.candidates.map((c) => c.algorithm)).toEqual(['LogisticRegression', 'DecisionTree']);
    expect(plan.trialTimeout).toBe('PT5M');
  });

  it('matches MLTable patterns', () => {
    expect(globRegex('./data/*.csv').test('data/a.csv')).toBe(true);
    expect(globRegex('**/*.csv').test('x/y/a.csv')).toBe(true);
    expect(globRegex('**/*.csv').test('a.csv')).toBe(true);
    expect(globRegex('data/*.csv').test('data/x/a.csv')).toBe(false);
  });
});

describe('an AutoML classification job over hello-automl', () => {
  let job: Job;
  beforeAll(async () => {
    job = await run('automl-bank', classificationBody({ outputs: { best_model: { jobOutputType: 'mlflow_model' } } }));
  }, 120_000);

  it('completes with one child per candidate, each with its metrics in MLflow', async () => {
    expect(job.properties.status, job.error).toBe('Completed');
    const tracking = getTrackingStore(env.host);
    for (const i of [0, 1, 2]) {
      const child = await getJob(env.store, `automl-bank_${i}`);
      expect(child.properties.status).toBe('Completed');
      const run = await tracking.findRun(scope, `automl-bank_${i}`);
      expect(run?.tags['mlflow.parentRunId']).toBe('automl-bank');
      for (const m of ['accuracy', 'AUC_weighted', 'precision_score_weighted', 'recall_score_weighted', 'f1_score_weighted', 'norm_macro_recall', 'log_loss']) {
        expect(run?.latest[m]?.value, `${m} of child ${i}`).toBeTypeOf('number');
      }
      expect(run!.latest.accuracy!.value).toBeGreaterThan(0.5);
      expect(run!.latest.accuracy!.value).toBeLessThanOrEqual(1);
    }
    expect(await getJob(env.store, 'automl-bank_3').catch(() => undefined)).toBeUndefined();
  });

  it('records the best child by accuracy where Azure does, and best_model as its MLflow model', async () => {
    const tracking = getTrackingStore(env.host);
    const scores = await Promise.all([0, 1, 2].map(async (i) => (await tracking.findRun(scope, `automl-bank_${i}`))!.latest.accuracy!.value));
    const bestIndex = scores.indexOf(Math.max(...scores));
    const parent = await tracking.findRun(scope, 'automl-bank');
    expect(parent?.tags.automl_best_child_run_id).toBe(`automl-bank_${bestIndex}`);
    expect(parent?.tags.score_000.split(';').map(Number)).toEqual(scores);
    expect(job.properties.tags.automl_best_child_run_id).toBe(`automl-bank_${bestIndex}`);
    expect(job.properties.properties).toMatchObject({ primary_metric: 'accuracy', num_iterations: '3', runTemplate: 'AutoML' });
    expect(job.properties.outputs.best_model).toMatchObject({
      jobOutputType: 'mlflow_model',
      uri: `azureml://datastores/workspaceartifactstore/paths/ExperimentRun/dcid.automl-bank_${bestIndex}/outputs/mlflow-model/`,
    });
    const files = await listBlobs(env.service, 'azureml', `ExperimentRun/dcid.automl-bank_${bestIndex}/outputs/mlflow-model/`);
    expect(files.map((f) => f.split('/mlflow-model/')[1])).toEqual(['MLmodel', 'code/automl_model.py', 'conda.yaml', 'model.json']);
    const mlmodel = await readBlob(env.service, 'azureml', `ExperimentRun/dcid.automl-bank_${bestIndex}/outputs/mlflow-model/MLmodel`);
    expect(mlmodel).toContain('loader_module: automl_model');
    expect(mlmodel).toContain('"name": "duration"');
    const log = await readBlob(env.service, 'azureml', 'ExperimentRun/dcid.automl-bank/user_logs/std_log.txt');
    expect(log).toContain(`best iteration: automl-bank_${bestIndex}`);
  });

  it('the best model predicts through its python_function loader, as the scoring server loads it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'automl-model-'));
    const best = job.properties.tags.automl_best_child_run_id as string;
    for (const f of ['MLmodel', 'model.json', 'code/automl_model.py']) {
      await mkdir(join(dir, 'code'), { recursive: true });
      await writeFile(join(dir, f), await readBlob(env.service, 'azureml', `ExperimentRun/dcid.${best}/outputs/mlflow-model/${f}`));
    }
    const rows = (await readFile(join(HELLO, 'validation-mltable-folder', 'bank_marketing_validation_data.csv'), 'utf8')).trim().split('\n');
    const header = rows[0].split(',');
    const records = rows.slice(1, 6).map((r) => Object.fromEntries(r.split(',').map((v, i) => [header[i], v])));
    const script = `import sys, json; sys.path.insert(0, sys.argv[1] + '/code'); import automl_model
m = automl_model._load_pyfunc(sys.argv[1] + '/model.json'); print(json.dumps(m.predict(json.loads(sys.argv[2]))))`;
    const out = JSON.parse(
      execFileSync('python3', ['-c', script, dir, JSON.stringify({ columns: header, data: rows.slice(1, 6).map((r) => r.split(',')) })], { encoding: 'utf8' }),
    );
    expect(out).toHaveLength(5);
    for (const p of out) expect(['yes', 'no']).toContain(p);
    expect(records[0].y).toMatch(/yes|no/);
  });
});

describe('an AutoML regression job', () => {
  it('minimizes normalized_root_mean_squared_error over the children and records the best', async () => {
    const job = await run('automl-reg', {
      jobType: 'AutoML',
      experimentName: 'automl-regression',
      taskDetails: {
        taskType: 'Regression',
        targetColumnName: 'duration',
        primaryMetric: 'NormalizedRootMeanSquaredError',
        trainingData: { jobInputType: 'mltable', uri: `${DS}/LocalUpload/hello-automl/training-mltable-folder/` },
        validationDataSize: 0.25,
        limitSettings: { maxTrials: 3, maxConcurrentTrials: 3 },
        trainingSettings: { blockedTrainingAlgorithms: ['KNN'] },
      },
    });
    expect(job.properties.status, job.error).toBe('Completed');
    const tracking = getTrackingStore(env.host);
    const runs = await Promise.all([0, 1, 2].map((i) => tracking.findRun(scope, `automl-reg_${i}`)));
    const algos = await Promise.all(
      [0, 1, 2].map(async (i) => ((await getJob(env.store, `automl-reg_${i}`)).properties.properties as Record<string, string>).run_algorithm),
    );
    expect(algos).toEqual(['ElasticNet', 'DecisionTree', 'SGD']);
    for (const r of runs)
      for (const m of ['r2_score', 'normalized_root_mean_squared_error', 'spearman_correlation', 'mean_absolute_error'])
        expect(r?.latest[m]?.value).toBeTypeOf('number');
    const scores = runs.map((r) => r!.latest.normalized_root_mean_squared_error!.value);
    const best = scores.indexOf(Math.min(...scores));
    expect((await tracking.findRun(scope, 'automl-reg'))?.tags.automl_best_child_run_id).toBe(`automl-reg_${best}`);
  }, 120_000);
});

describe('AutoML limits and refusals', () => {
  it('stops at exitScore', async () => {
    const job = await run('automl-exit', classificationBody({ limitSettings: { maxTrials: 5, maxConcurrentTrials: 1, exitScore: 0.1 } }));
    expect(job.properties.status).toBe('Completed');
    expect(job.properties.properties.num_iterations).toBe('1');
    expect(job.properties.tags.automl_best_child_run_id).toBe('automl-exit_0');
  }, 60_000);

  it('copies the best model where the job asks for best_model', async () => {
    const job = await run(
      'automl-out',
      classificationBody({
        limitSettings: { maxTrials: 1 },
        outputs: { best_model: { jobOutputType: 'mlflow_model', uri: `${DS}/automl-models/\${{name}}/` } },
      }),
    );
    expect(job.properties.status, job.error).toBe('Completed');
    expect(job.properties.outputs.best_model.uri).toBe(`${DS}/automl-models/automl-out/`);
    expect(await listBlobs(env.service, BLOBSTORE_CONTAINER, 'automl-models/automl-out/')).toEqual(
      ['MLmodel', 'code/automl_model.py', 'conda.yaml', 'model.json'].map((f) => `automl-models/automl-out/${f}`),
    );
  }, 60_000);

  it('trialTimeout cancels an iteration that runs too long; with none left the job fails', async () => {
    const job = await run('automl-trial-timeout', classificationBody({ limitSettings: { maxTrials: 2, trialTimeout: 'PT0.05S' } }));
    expect(job.properties.status).toBe('Failed');
    expect(job.error).toMatch(/None of the 2 AutoML iteration\(s\) completed with a value of the primary metric 'accuracy'/);
    expect((await getJob(env.store, 'automl-trial-timeout_0')).properties.status).toBe('Canceled');
  }, 60_000);

  it('the experiment timeout stops launching iterations and keeps the best so far', async () => {
    const job = await run('automl-timeout', classificationBody({ limitSettings: { maxTrials: 8, maxConcurrentTrials: 1, timeout: 'PT4S' } }));
    expect(job.properties.status, job.error).toBe('Completed');
    expect(Number(job.properties.properties.num_iterations)).toBeLessThan(8);
    const log = await readBlob(env.service, 'azureml', 'ExperimentRun/dcid.automl-timeout/user_logs/std_log.txt');
    expect(log).toMatch(/stopped after \d+ iteration\(s\): the experiment timeout \(limits.timeout\) was reached/);
    expect(job.properties.tags.automl_best_child_run_id).toMatch(/^automl-timeout_\d$/);
  }, 60_000);

  it('fails an image task with a message that says the emulator cannot train it', async () => {
    const body = classificationBody();
    (body.taskDetails as Record<string, unknown>).taskType = 'ImageClassification';
    const job = await run('automl-image', body);
    expect(job.properties.status).toBe('Failed');
    expect(job.error).toMatch(/cannot train ImageClassification models/);
  });

  it('fails when the training data is not an MLTable folder', async () => {
    const body = classificationBody();
    (body.taskDetails as any).trainingData.uri = `${DS}/LocalUpload/hello-automl/training-mltable-folder/bank_marketing_train_data.csv`;
    const job = await run('automl-nomltable', body);
    expect(job.properties.status).toBe('Failed');
    expect(job.error).toMatch(/not an MLTable folder/);
  });

  it('forecasts a series with the seasonal and naive candidates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'series-'));
    const lines = ['date,store,sales'];
    for (let d = 0; d < 60; d++) {
      const day = new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10);
      for (const s of ['a', 'b']) lines.push(`${day},${s},${(s === 'a' ? 100 : 50) + (d % 7) * 10 + d}`);
    }
    await writeFile(join(dir, 'sales.csv'), lines.join('\n') + '\n');
    await writeFile(join(dir, 'MLTable'), "paths:\n  - pattern: ./*.csv\ntransformations:\n  - read_delimited:\n      delimiter: ','\n      encoding: utf8\n");
    await uploadFolder(env.service, dir, BLOBSTORE_CONTAINER, 'LocalUpload/sales');
    const job = await run('automl-fc', {
      jobType: 'AutoML',
      taskDetails: {
        taskType: 'Forecasting',
        targetColumnName: 'sales',
        primaryMetric: 'NormalizedRootMeanSquaredError',
        trainingData: { jobInputType: 'mltable', uri: `${DS}/LocalUpload/sales/` },
        forecastingSettings: {
          timeColumnName: 'date',
          timeSeriesIdColumnNames: ['store'],
          forecastHorizon: { mode: 'Custom', value: 7 },
          seasonality: { mode: 'Custom', value: 7 },
        },
        limitSettings: { maxTrials: 3, maxConcurrentTrials: 3 },
      },
    });
    expect(job.properties.status, job.error).toBe('Completed');
    const tracking = getTrackingStore(env.host);
    const scores = await Promise.all(
      [0, 1, 2].map(async (i) => (await tracking.findRun(scope, `automl-fc_${i}`))!.latest.normalized_root_mean_squared_error!.value),
    );
    // A weekly pattern: seasonal naive (iteration 1) beats naive and the average.
    expect(scores[1]).toBeLessThan(scores[0]);
    expect(job.properties.tags.automl_best_child_run_id).toBe('automl-fc_1');
  }, 60_000);
});
