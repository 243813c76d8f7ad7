/**
 * An AutoML step inside a pipeline really runs: a command step writes an MLTable folder (the bank
 * marketing CSV of azureml-examples plus its MLTable file), the automl classification step
 * (written as azureml-examples cli/jobs/pipelines/automl/cli-automl-classification-task-bankmarketing-pipeline
 * writes it) trains on it as the child AutoML job `<pipeline>_<step>` whose iterations are the
 * pipeline's grandchildren, and the next command step reads its `best_model` output.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobIO } from '../../src/emulator/data/blob-io.js';
import { SpecDocument } from '../../src/specs/document.js';
import { planJob } from '../../src/specs/job/index.js';
import { getTrackingStore, workspaceScope } from '../../src/emulator/mlflow/tracking.js';
import { automlNodeInputs, automlNodeProperties } from '../../src/emulator/jobs/automl-node.js';
import { haveSharedFixtures, validatorFor, describeErrors } from '../helpers/swagger.js';
import { BLOBSTORE_CONTAINER, createTestEnv, getJob, httpJson, putJob, readBlob, REPO_ROOT, RG, SUB, WS, WS_ID, type TestEnv } from './jobs-harness.js';

const HISTORY = `/history/v1.0/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
const ENV = 'azureml:AzureML-sklearn-1.5:1';
const BANK = join(REPO_ROOT, '__tests__', 'fixtures', 'azureml-examples', 'jobs', 'automl-standalone-jobs', 'cli-automl-classification-task-bankmarketing');

const scope = workspaceScope(SUB, RG, WS);

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});

afterAll(async () => {
  await env?.close();
});

/** Translates `pipeline.yml` of `dir` as submit-job does, stores what it plans, and runs the job. */
async function submit(dir: string, name: string): Promise<{ id: string; body: Record<string, any> }> {
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

const MLTABLE = `paths:\\n  - file: ./train.csv\\ntransformations:\\n  - read_delimited:\\n      delimiter: ','\\n      encoding: 'ascii'\\n`;

function pipelineFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aml-automl-step-'));
  mkdirSync(join(dir, 'raw'));
  cpSync(join(BANK, 'training-mltable-folder', 'bank_marketing_train_data.csv'), join(dir, 'raw', 'bank.csv'));
  cpSync(join(BANK, 'validation-mltable-folder'), join(dir, 'validation-mltable-folder'), { recursive: true });
  writeFileSync(
    join(dir, 'pipeline.yml'),
    `
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
display_name: pipeline-with-automl-classification
experiment_name: pipeline-with-automl
inputs:
  raw_data:
    type: uri_folder
    path: ./raw
  classification_validate_data:
    type: mltable
    path: ./validation-mltable-folder
outputs:
  checked:
settings:
  default_compute: azureml:cpu-cluster
jobs:
  preprocessing_node:
    type: command
    environment: ${ENV}
    inputs:
      raw: \${{parent.inputs.raw_data}}
    outputs:
      preprocessed_train_data:
        type: mltable
    command: |
      cp \${{inputs.raw}}/bank.csv \${{outputs.preprocessed_train_data}}/train.csv
      printf "${MLTABLE}" > \${{outputs.preprocessed_train_data}}/MLTable
  classification_node:
    type: automl
    task: classification
    primary_metric: accuracy
    limits:
      max_trials: 2
      max_concurrent_trials: 1
      timeout_minutes: 10
    target_column_name: "y"
    training_data: \${{parent.jobs.preprocessing_node.outputs.preprocessed_train_data}}
    validation_data: \${{parent.inputs.classification_validate_data}}
    featurization:
      mode: "auto"
    training:
      enable_stack_ensemble: false
      enable_vote_ensemble: false
    outputs:
      best_model:
        type: mlflow_model
  check_model_node:
    type: command
    environment: ${ENV}
    inputs:
      model_input_path: \${{parent.jobs.classification_node.outputs.best_model}}
    outputs:
      out: \${{parent.outputs.checked}}
    command: test -f \${{inputs.model_input_path}}/MLmodel && grep loader_module \${{inputs.model_input_path}}/MLmodel | tee \${{outputs.out}}/check.txt
`,
  );
  return dir;
}

type Job = { properties: Record<string, any> };

describe('an automl node as the AutoML job it runs as', () => {
  it.skipIf(!haveSharedFixtures)('is a valid 2024-10-01 AutoMLJob, with the wire names of its settings', async () => {
    const dir = pipelineFolder();
    const file = join(dir, 'pipeline.yml');
    const doc = SpecDocument.load(file, 'pipeline.yml');
    const plan = await planJob(doc, file, doc.value, { workspaceId: WS_ID, resolver: { resolveLabel: async () => '1' } });
    const node = (plan.body.properties.jobs as Record<string, Record<string, unknown>>).classification_node;
    const inputs = automlNodeInputs(node);
    expect(inputs).toEqual({
      training_data: { jobInputType: 'mltable', uri: '${{parent.jobs.preprocessing_node.outputs.preprocessed_train_data}}' },
      validation_data: { jobInputType: 'mltable', uri: '${{parent.inputs.classification_validate_data}}' },
    });
    const bound = {
      training_data: { jobInputType: 'mltable', uri: 'azureml://jobs/p_preprocessing_node/outputs/preprocessed_train_data' },
      validation_data: { jobInputType: 'mltable', uri: 'azureml://datastores/workspaceblobstore/paths/v/' },
    };
    const props = automlNodeProperties(node, bound);
    expect(props).toEqual({
      jobType: 'AutoML',
      taskDetails: {
        taskType: 'Classification',
        logVerbosity: 'Info',
        trainingData: bound.training_data,
        validationData: bound.validation_data,
        targetColumnName: 'y',
        primaryMetric: 'Accuracy',
        limitSettings: { maxConcurrentTrials: 1, maxTrials: 2, timeout: 'PT10M' },
        featurizationSettings: { mode: 'Auto' },
        trainingSettings: { enableStackEnsemble: false, enableVoteEnsemble: false },
      },
    });
    const v = validatorFor('JobBaseResource', 'AutoMLJob');
    expect(
      v({ properties: { ...props, computeId: `${WS_ID}/computes/cpu-cluster`, outputs: { best_model: { jobOutputType: 'mlflow_model' } } } }),
      describeErrors(v),
    ).toBe(true);
  });

  it('converts minutes, auto-or-value settings and user-keyed maps as azure-ai-ml does', () => {
    const props = automlNodeProperties(
      {
        type: 'automl',
        task: 'forecasting',
        training_data: '${{parent.inputs.t}}',
        n_cross_validations: 'auto',
        limits: { trial_timeout_minutes: 90, timeout_minutes: 1440 },
        featurization: { column_name_and_types: { Some_Col: 'Categorical' } },
        forecasting: { time_column_name: 'date', forecast_horizon: 14, target_lags: 'auto', time_series_id_column_names: 'store', seasonality: 'auto' },
        training: {
          allowed_training_algorithms: ['elastic_net', 'decision_tree', 'light_gbm', 'xg_boost_regressor', 'KNN'],
          ensemble_model_download_timeout_minutes: 5,
          stack_ensemble_settings: { stack_meta_learner_type: 'elastic_net_cv', stack_meta_learner_kwargs: { max_iter: 10 } },
        },
      },
      { training_data: { jobInputType: 'mltable', uri: 'azureml://datastores/d/paths/t/' } },
    );
    expect(props.taskDetails).toEqual({
      taskType: 'Forecasting',
      trainingData: { jobInputType: 'mltable', uri: 'azureml://datastores/d/paths/t/' },
      nCrossValidations: { mode: 'Auto' },
      limitSettings: { trialTimeout: 'PT1H30M', timeout: 'P1D' },
      featurizationSettings: { columnNameAndTypes: { Some_Col: 'Categorical' } },
      forecastingSettings: {
        timeColumnName: 'date',
        forecastHorizon: { mode: 'Custom', value: 14 },
        targetLags: { mode: 'Auto' },
        timeSeriesIdColumnNames: ['store'],
        seasonality: { mode: 'Auto' },
      },
      trainingSettings: {
        allowedTrainingAlgorithms: ['ElasticNet', 'DecisionTree', 'LightGBM', 'XGBoostRegressor', 'KNN'],
        ensembleModelDownloadTimeout: 'PT5M',
        stackEnsembleSettings: { stackMetaLearnerType: 'ElasticNetCV', stackMetaLearnerKWargs: { max_iter: 10 } },
      },
    });
    if (haveSharedFixtures) {
      const v = validatorFor('JobBaseResource', 'AutoMLJob');
      expect(v({ properties: props }), describeErrors(v)).toBe(true);
    }
    const metric = (m: string) =>
      (automlNodeProperties({ task: 'classification', primary_metric: m }, {}).taskDetails as { primaryMetric: string }).primaryMetric;
    expect(['auc_weighted', 'norm_macro_recall', 'average_precision_score_weighted', 'AUCWeighted'].map(metric)).toEqual([
      'AUCWeighted',
      'NormMacroRecall',
      'AveragePrecisionScoreWeighted',
      'AUCWeighted',
    ]);
    expect(() => automlNodeProperties({ type: 'automl' }, {})).toThrow(/needs a 'task'/);
    expect(() => automlNodeProperties({ type: 'automl', task: 'clustering' }, {})).toThrow(/not an AutoML task/);
  });
});

describe('a pipeline with an automl step', () => {
  let pipeline: Job;
  beforeAll(async () => {
    const { id } = await submit(pipelineFolder(), 'pipe-automl');
    const outcome = await env.executor.whenDone(id);
    await env.executor.flush();
    pipeline = await getJob(env.store, 'pipe-automl');
    expect(outcome?.status, JSON.stringify(outcome?.error)).toBe('Completed');
  }, 240_000);

  it('runs preprocessing → AutoML → the model check as child jobs, all Completed', async () => {
    expect(pipeline.properties.status).toBe('Completed');
    const children = await httpJson(`${env.baseUrl}${HISTORY}/runs/pipe-automl/children`);
    expect(children.body.value.map((r: { runId: string }) => r.runId).sort()).toEqual([
      'pipe-automl_check_model_node',
      'pipe-automl_classification_node',
      'pipe-automl_preprocessing_node',
    ]);
    const prep = await getJob(env.store, 'pipe-automl_preprocessing_node');
    expect(prep.properties).toMatchObject({ jobType: 'Command', status: 'Completed' });
    const automl = (await getJob(env.store, 'pipe-automl_classification_node')) as Job;
    expect(automl.properties).toMatchObject({
      jobType: 'AutoML',
      status: 'Completed',
      computeId: `${WS_ID}/computes/cpu-cluster`,
      experimentName: 'pipeline-with-automl',
      taskDetails: {
        taskType: 'Classification',
        primaryMetric: 'Accuracy',
        targetColumnName: 'y',
        // the training data bound to the preprocessing step's output, the validation data to the pipeline's input
        trainingData: { jobInputType: 'mltable', uri: 'azureml://jobs/pipe-automl_preprocessing_node/outputs/preprocessed_train_data' },
        validationData: { jobInputType: 'mltable', uri: (pipeline.properties.inputs as any).classification_validate_data.uri },
        limitSettings: { maxTrials: 2, maxConcurrentTrials: 1, timeout: 'PT10M' },
      },
    });
    expect(automl.properties.properties).toMatchObject({ 'azureml.pipelinerunid': 'pipe-automl', runTemplate: 'AutoML', num_iterations: '2' });
    const check = (await getJob(env.store, 'pipe-automl_check_model_node')) as Job;
    expect(check.properties).toMatchObject({ jobType: 'Command', status: 'Completed' });
  });

  it('trains the AutoML iterations as grandchildren of the pipeline, over the MLTable the first step wrote', async () => {
    const grand = await httpJson(`${env.baseUrl}${HISTORY}/runs/pipe-automl_classification_node/children`);
    expect(grand.body.value.map((r: { runId: string }) => r.runId).sort()).toEqual(['pipe-automl_classification_node_0', 'pipe-automl_classification_node_1']);
    const tracking = getTrackingStore(env.host);
    const scores: number[] = [];
    for (const i of [0, 1]) {
      const child = await getJob(env.store, `pipe-automl_classification_node_${i}`);
      expect(child.properties.status).toBe('Completed');
      const run = await tracking.findRun(scope, `pipe-automl_classification_node_${i}`);
      expect(run?.tags['mlflow.parentRunId']).toBe('pipe-automl_classification_node');
      expect(run!.latest.accuracy!.value).toBeGreaterThan(0.5);
      scores.push(run!.latest.accuracy!.value);
    }
    const automlRun = await tracking.findRun(scope, 'pipe-automl_classification_node');
    expect(automlRun?.tags['mlflow.parentRunId']).toBe('pipe-automl');
    const best = `pipe-automl_classification_node_${scores.indexOf(Math.max(...scores))}`;
    expect(automlRun?.tags.automl_best_child_run_id).toBe(best);
    const automlLog = await log('pipe-automl_classification_node');
    expect(automlLog).toMatch(/training data: azureml:\/\/jobs\/pipe-automl_preprocessing_node\/outputs\/preprocessed_train_data \(1 file\(s\)\)/);
    expect(automlLog).toContain(`best iteration: ${best}`);
  });

  it('hands best_model to the next step, which finds the MLmodel file, and the pipeline output is its result', async () => {
    const automl = (await getJob(env.store, 'pipe-automl_classification_node')) as Job;
    const best = automl.properties.tags.automl_best_child_run_id;
    expect(automl.properties.outputs.best_model).toMatchObject({
      jobOutputType: 'mlflow_model',
      uri: `azureml://datastores/workspaceartifactstore/paths/ExperimentRun/dcid.${best}/outputs/mlflow-model/`,
    });
    const check = (await getJob(env.store, 'pipe-automl_check_model_node')) as Job;
    expect(check.properties.inputs.model_input_path).toMatchObject({ uri: 'azureml://jobs/pipe-automl_classification_node/outputs/best_model' });
    expect(await log('pipe-automl_check_model_node')).toContain('loader_module: automl_model');
    const checked = (pipeline.properties.outputs as Record<string, { uri?: string }>).checked?.uri;
    expect(checked).toMatch(/pipe-automl_check_model_node/);
    const pipelineLog = await log('pipe-automl');
    expect(pipelineLog).toContain('preprocessing_node → classification_node → check_model_node');
    expect(pipelineLog).toContain('step classification_node started as automl job pipe-automl_classification_node');
  });
});

describe('an automl step whose best_model is the pipeline output', () => {
  it('writes the best model where the default datastore puts step outputs, and records it as the pipeline output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aml-automl-out-'));
    cpSync(join(BANK, 'training-mltable-folder'), join(dir, 'training-mltable-folder'), { recursive: true });
    writeFileSync(
      join(dir, 'pipeline.yml'),
      `
type: pipeline
experiment_name: pipeline-with-automl
inputs:
  train:
    type: mltable
    path: ./training-mltable-folder
outputs:
  trained:
    type: mlflow_model
settings:
  default_compute: azureml:cpu-cluster
  default_datastore: azureml:workspaceblobstore
jobs:
  train_node:
    type: automl
    task: classification
    target_column_name: y
    training_data: \${{parent.inputs.train}}
    validation_data_size: 0.2
    limits:
      max_trials: 1
    outputs:
      best_model: \${{parent.outputs.trained}}
`,
    );
    const { id } = await submit(dir, 'pipe-automl-out');
    const outcome = await env.executor.whenDone(id);
    await env.executor.flush();
    expect(outcome?.status, JSON.stringify(outcome?.error)).toBe('Completed');
    const step = (await getJob(env.store, 'pipe-automl-out_train_node')) as Job;
    // primary_metric not given: azure-ai-ml's default for classification (accuracy)
    expect(step.properties.taskDetails).toMatchObject({ primaryMetric: 'Accuracy', validationDataSize: 0.2 });
    const uri = 'azureml://datastores/workspaceblobstore/paths/azureml/pipe-automl-out_train_node/best_model/';
    expect(step.properties.outputs.best_model).toMatchObject({ jobOutputType: 'mlflow_model', uri });
    const pipeline = (await getJob(env.store, 'pipe-automl-out')) as Job;
    expect(pipeline.properties.outputs.trained.uri).toBe(uri);
    expect(await readBlob(env.service, BLOBSTORE_CONTAINER, 'azureml/pipe-automl-out_train_node/best_model/MLmodel')).toContain('loader_module: automl_model');
  });
});

describe('an automl step the emulator refuses', () => {
  it('fails the pipeline naming the step when it has no training data', async () => {
    const id = await putJob(env.store, 'pipe-automl-nodata', {
      jobType: 'Pipeline',
      jobs: { train: { type: 'automl', task: 'classification', target_column_name: 'y' } },
    });
    env.executor.start(id);
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status).toBe('Failed');
    expect(outcome?.error?.error.message).toMatch(/AutoML step 'train' has no training_data/);
  });

  it('fails the AutoML child, and so the pipeline, for a task the emulator cannot train', async () => {
    const id = await putJob(env.store, 'pipe-automl-image', {
      jobType: 'Pipeline',
      inputs: { images: { jobInputType: 'mltable', uri: 'azureml://datastores/workspaceblobstore/paths/nowhere/' } },
      jobs: { train: { type: 'automl', task: 'image_classification', target_column_name: 'label', training_data: '${{parent.inputs.images}}' } },
    });
    env.executor.start(id);
    const outcome = await env.executor.whenDone(id);
    expect(outcome?.status).toBe('Failed');
    expect(outcome?.error?.error.message).toMatch(/Pipeline step\(s\) failed: train\..*cannot train ImageClassification models/);
    const child = (await getJob(env.store, 'pipe-automl-image_train')) as Job;
    expect(child.properties).toMatchObject({ jobType: 'AutoML', status: 'Failed', taskDetails: { taskType: 'ImageClassification' } });
  });
});
