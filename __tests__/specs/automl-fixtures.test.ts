/**
 * The 19 AutoML job specs of Azure/azureml-examples `cli/jobs/automl-standalone-jobs` translate to
 * AutoMLJob bodies valid against the strict 2024-10-01 schema, or are refused by name with the
 * reason; bad input names the field and its line; an AutoML pipeline step becomes the snake_case
 * node azure-ai-ml sends.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecDocument } from '../../src/specs/document.js';
import { planJob, type AssetResolver } from '../../src/specs/job/index.js';
import { automlStep } from '../../src/specs/job/automl.js';
import { isoMinutes, camelToSnake } from '../../src/specs/job/automl-fields.js';
import { PlanContext } from '../../src/specs/plan.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { repoRoot } from '../harness/index.js';
import { describeErrors, haveSharedFixtures, validatorFor } from '../helpers/swagger.js';

const WS = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const resolver: AssetResolver = { resolveLabel: async () => '7' };
const FIXTURES = join(repoRoot, '__tests__', 'fixtures', 'azureml-examples', 'jobs', 'automl-standalone-jobs');

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out.sort();
}

/** Specs that must be refused, with the reason the error has to name. */
const REFUSED: Record<string, RegExp> = {
  // `resources:` holds the text `instance_type="Standard_E4s_v3" instance_count=5` (key=value, not YAML keys)
  'cli-automl-classification-task-bankmarketing/cli-automl-classification-task-bankmarketing-serverless.yml': /:\d+:\d+: 'resources' must be a map/,
  // NlpVertical of 2024-10-01 has no sweep settings nor search space (nor its limits a maxNodes)
  'cli-automl-text-ner-conll-distributed-sweeping/cli-automl-text-ner-conll2003-distributed-sweeping.yml': /:29:1: 'sweep' cannot be translated/,
};

async function plan(file: string, rel: string) {
  const doc = SpecDocument.load(file, rel, 'job-file');
  return planJob(doc, file, doc.value, { workspaceId: WS, resolver });
}

async function refusal(p: Promise<unknown>): Promise<ConfigurationError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConfigurationError);
  return e as ConfigurationError;
}

describe('azureml-examples jobs/automl-standalone-jobs → ARM AutoMLJob (2024-10-01 schema)', () => {
  const files = yamlFiles(FIXTURES);

  it('finds the 19 specs (the 20th AutoML spec of azureml-examples, hello-automl, is in job-fixtures.test.ts)', () => {
    expect(files).toHaveLength(19);
  });

  for (const file of files) {
    const rel = relative(FIXTURES, file);
    it(rel, async () => {
      if (REFUSED[rel]) {
        const err = await refusal(plan(file, rel));
        expect(err.message).toMatch(REFUSED[rel]);
        expect(err.line).toBeGreaterThan(0);
        return;
      }
      const p = await plan(file, rel);
      expect(p.jobType).toBe('AutoML');
      expect(p.body.properties.jobType).toBe('AutoML');
      // every MLTable folder is uploaded
      expect(p.uploads.length).toBeGreaterThan(0);
      if (haveSharedFixtures) {
        const v = validatorFor('JobBaseResource', 'AutoMLJob');
        expect(v(p.body), describeErrors(v)).toBe(true);
      }
    });
  }

  it('translates the bank marketing classification field by field', async () => {
    const rel = 'cli-automl-classification-task-bankmarketing/cli-automl-classification-task-bankmarketing.yml';
    const p = await plan(join(FIXTURES, rel), rel);
    const t = p.body.properties.taskDetails as Record<string, unknown>;
    expect(p.body.properties.computeId).toBe(`${WS}/computes/cpu-cluster`);
    expect(t).toMatchObject({
      taskType: 'Classification',
      logVerbosity: 'Debug',
      primaryMetric: 'Accuracy',
      targetColumnName: 'y',
      limitSettings: { timeout: 'PT3H', maxTrials: 40, trialTimeout: 'PT20M', enableEarlyTermination: true, exitScore: 0.92 },
      featurizationSettings: {
        mode: 'Custom',
        transformerParams: { Imputer: [{ fields: ['job'], parameters: { strategy: 'most_frequent' } }] },
        blockedTransformers: ['WordEmbedding'],
      },
      trainingSettings: { enableModelExplainability: true, allowedTrainingAlgorithms: ['GradientBoosting', 'LogisticRegression'] },
    });
    expect(t.trainingData).toMatchObject({
      jobInputType: 'mltable',
      uri: expect.stringMatching(/^azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\/.*\/training-mltable-folder\/$/),
    });
    expect(t.testData).toMatchObject({ jobInputType: 'mltable' });
  });

  it('translates forecasting settings, auto modes and image search spaces', async () => {
    const oj = 'cli-automl-forecasting-orange-juice-sales/cli-automl-forecasting-orange-juice-sales.yml';
    const f = (await plan(join(FIXTURES, oj), oj)).body.properties.taskDetails as Record<string, unknown>;
    expect(f).toMatchObject({
      nCrossValidations: { mode: 'Auto' },
      limitSettings: { maxCoresPerTrial: -1, timeout: 'PT15M' },
      forecastingSettings: {
        timeColumnName: 'WeekStarting',
        timeSeriesIdColumnNames: ['Store', 'Brand'],
        forecastHorizon: { mode: 'Custom', value: 20 },
        frequency: 'W-THU',
      },
      featurizationSettings: { columnNameAndTypes: { CPWVOL5: 'Numeric' } },
      trainingSettings: { blockedTrainingAlgorithms: [] },
    });
    const bike = 'cli-automl-forecasting-bike-share/cli-automl-forecasting-task-bike-share.yml';
    const b = (await plan(join(FIXTURES, bike), bike)).body.properties.taskDetails as Record<string, unknown>;
    expect(b).toMatchObject({
      nCrossValidations: { mode: 'Custom', value: 3 },
      forecastingSettings: { targetLags: { mode: 'Auto' }, countryOrRegionForHolidays: 'US' },
    });
    const od = 'cli-automl-image-object-detection-task-fridge-items/cli-automl-img-od-task-fridge-items.yml';
    const o = (await plan(join(FIXTURES, od), od)).body.properties.taskDetails as Record<string, unknown>;
    expect(o).toMatchObject({
      taskType: 'ImageObjectDetection',
      primaryMetric: 'MeanAveragePrecision',
      limitSettings: { timeout: 'PT1H', maxTrials: 10, maxConcurrentTrials: 2 },
      modelSettings: { earlyStopping: true, evaluationFrequency: 1 },
      sweepSettings: { samplingAlgorithm: 'Random', earlyTermination: { policyType: 'Bandit', evaluationInterval: 2, slackFactor: 0.2, delayEvaluation: 6 } },
      searchSpace: [
        { modelName: "choice('yolov5')", learningRate: 'uniform(0.0001,0.01)', modelSize: "choice('small','medium')" },
        {
          modelName: "choice('fasterrcnn_resnet50_fpn')",
          learningRate: 'uniform(0.0001,0.001)',
          optimizer: "choice('sgd','adam','adamw')",
          minSize: 'choice(600,800)',
        },
      ],
    });
  });
});

describe('AutoML helpers follow azure-ai-ml', () => {
  it('minutes become ISO 8601 durations as isodate writes a timedelta', () => {
    expect([20, 60, 90, 180, 1440, 1500].map(isoMinutes)).toEqual(['PT20M', 'PT1H', 'PT1H30M', 'PT3H', 'P1D', 'P1DT1H']);
  });
  it('camel_to_snake matches YAML spellings to enum values', () => {
    expect(['XGBoostClassifier', 'LightGBM', 'TCNForecaster', 'AUCWeighted', 'R2Score', 'IOU'].map(camelToSnake)).toEqual([
      'xg_boost_classifier',
      'light_gbm',
      'tcn_forecaster',
      'auc_weighted',
      'r2_score',
      'iou',
    ]);
  });
});

describe('bad AutoML input names the field and its line', () => {
  async function planText(yaml: string): Promise<Awaited<ReturnType<typeof planJob>>> {
    const dir = mkdtempSync(join(tmpdir(), 'aml-automl-'));
    cpSync(join(FIXTURES, 'cli-automl-regression-task-hardware-perf', 'training-mltable-folder'), join(dir, 'train'), { recursive: true });
    writeFileSync(join(dir, 'job.yml'), yaml);
    const doc = SpecDocument.load(join(dir, 'job.yml'), 'jobs/job.yml', 'job-file');
    return planJob(doc, join(dir, 'job.yml'), doc.value, { workspaceId: WS, resolver });
  }
  const base = 'type: automl\ncompute: azureml:cpu\ntraining_data:\n  type: mltable\n  path: ./train\n';

  it('(a good one) without primary_metric, the task default azure-ai-ml sends', async () => {
    const p = await planText(`${base}task: regression\ntarget_column_name: ERP\n`);
    expect(p.body.properties.taskDetails).toMatchObject({ taskType: 'Regression', primaryMetric: 'NormalizedRootMeanSquaredError', targetColumnName: 'ERP' });
    expect(p.body.properties.computeId).toBe(`${WS}/computes/cpu`);
  });

  it('an unknown task', async () => {
    const e = await refusal(planText(`${base}task: clasification\ntarget_column_name: ERP\n`));
    expect(e.message).toMatch(/^jobs\/job\.yml:6:1: 'task' 'clasification' is not an AutoML task \(did you mean 'classification'\?\)/);
    expect(e.line).toBe(6);
  });

  it('a misspelt field, with the closest one', async () => {
    const e = await refusal(planText(`${base}task: regression\ntarget_column_name: ERP\nlimits:\n  max_trial: 3\n`));
    expect(e.message).toMatch(/^jobs\/job\.yml:9:3: 'limits\.max_trial' is not a field .*\(did you mean 'max_trials'\?\)/);
    const top = await refusal(planText(`${base}task: regression\ntarget_column_name: ERP\nprimary_metrc: r2_score\n`));
    expect(top.message).toMatch(/^jobs\/job\.yml:8:1: 'primary_metrc' is not a field .*\(did you mean 'primary_metric'\?\)/);
  });

  it('a tabular task without target_column_name', async () => {
    const e = await refusal(planText(`${base}task: regression\nprimary_metric: r2_score\n`));
    expect(e.message).toMatch(/a regression job needs 'target_column_name'/);
    expect(e.line).toBe(1);
  });

  it('a wrong enum value lists the valid ones; a binding outside a pipeline is refused', async () => {
    const e = await refusal(planText(`${base}task: regression\ntarget_column_name: ERP\nprimary_metric: accuracy\n`));
    expect(e.message).toMatch(/:8:1: 'primary_metric' 'accuracy' is not a valid primary metric/);
    expect(e.hint).toMatch(/r2_score/);
    const b = await refusal(planText(`${base}task: regression\ntarget_column_name: ERP\nlimits:\n  max_trials: \${{parent.inputs.n}}\n`));
    expect(b.message).toMatch(/:9:3: 'limits\.max_trials' uses the binding/);
    const a = await refusal(
      planText(`${base}task: classification\ntarget_column_name: ERP\ntraining:\n  allowed_training_algorithms: [light_gbm, xg_boost_regressor]\n`),
    );
    expect(a.message).toMatch(/:9:44: 'training\.allowed_training_algorithms\[1\]' 'xg_boost_regressor' is not a valid allowed training algorithm/);
  });

  it('a transformer without parameters support, and a search space parameter of another task', async () => {
    const t = await refusal(planText(`${base}task: regression\ntarget_column_name: ERP\nfeaturization:\n  transformer_params:\n    scaler: []\n`));
    expect(t.message).toMatch(/:10:5: 'featurization\.transformer_params\.scaler' 'scaler' is not a transformer with parameters/);
    expect(t.hint).toBe('valid: imputer, tf_idf, hash_one_hot_encoder');
    const s = await refusal(
      planText(
        `${base}task: image_classification\ntarget_column_name: label\nlimits: {max_trials: 2}\nsearch_space:\n  - model_name: {type: choice, values: [yolov5]}\n    model_size: {type: choice, values: [small]}\n`,
      ),
    );
    expect(s.message).toMatch(/:11:5: 'search_space\[0\]\.model_size' is not a field of a search space of an image classification job/);
  });

  it('NLP sweeps and a data input that is not an MLTable are refused by name', async () => {
    const s = await refusal(planText(`${base}task: text_ner\nsweep:\n  sampling_algorithm: random\n`));
    expect(s.message).toMatch(/:7:1: 'sweep' cannot be translated/);
    const d = await refusal(planText(`type: automl\ntask: regression\ntarget_column_name: ERP\ntraining_data:\n  type: uri_folder\n  path: ./train\n`));
    expect(d.message).toMatch(/:5:3: 'training_data\.type' 'uri_folder' is not an AutoML data input/);
  });
});

describe('an AutoML step of a pipeline', () => {
  it('is the snake_case node azure-ai-ml sends, bindings kept, local data uploaded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aml-automl-step-'));
    mkdirSync(join(dir, 'data'));
    cpSync(join(FIXTURES, 'cli-automl-regression-task-hardware-perf', 'training-mltable-folder'), join(dir, 'data', 'valid'), { recursive: true });
    const yaml = [
      'type: pipeline',
      'inputs:',
      '  train: {type: mltable, path: azureml:bank:1}',
      '  trials: 3',
      'outputs:',
      '  best: {type: mlflow_model}',
      'jobs:',
      '  fit:',
      '    type: automl',
      '    task: classification',
      '    compute: azureml:cpu-cluster',
      '    primary_metric: AUCWeighted',
      '    target_column_name: y',
      '    training_data: ${{parent.inputs.train}}',
      '    validation_data: {type: mltable, path: ./data/valid}',
      '    limits:',
      '      max_trials: ${{parent.inputs.trials}}',
      '      timeout_minutes: 60',
      '    featurization: {mode: off}',
      '    training: {allowed_training_algorithms: [LightGBM]}',
      '    outputs:',
      '      best_model: ${{parent.outputs.best}}',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'pipeline.yml'), yaml);
    const doc = SpecDocument.load(join(dir, 'pipeline.yml'), 'pipeline.yml', 'job-file');
    const ctx = new PlanContext(doc, join(dir, 'pipeline.yml'), { workspaceId: WS, resolver });
    const spec = doc.value as { jobs: { fit: Record<string, unknown> } };
    const node = await automlStep(ctx, spec.jobs.fit, ['jobs', 'fit']);
    expect(node).toEqual({
      type: 'automl',
      name: 'fit',
      task: 'classification',
      tags: {},
      compute: `${WS}/computes/cpu-cluster`,
      log_verbosity: 'info',
      training_data: '${{parent.inputs.train}}',
      validation_data: { type: 'mltable', path: expect.stringMatching(/^azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\/.*\/valid\/$/) },
      target_column_name: 'y',
      primary_metric: 'auc_weighted',
      limits: { max_trials: '${{parent.inputs.trials}}', timeout_minutes: 60 },
      featurization: { mode: 'off' },
      training: { allowed_training_algorithms: ['light_gbm'] },
      outputs: { best_model: { type: 'literal', value: '${{parent.outputs.best}}' } },
    });
    expect(ctx.uploads).toHaveLength(1);

    spec.jobs.fit.limits = { max_trail: 3 };
    const e = await refusal(automlStep(ctx, spec.jobs.fit, ['jobs', 'fit']));
    expect(e.message).toMatch(/^pipeline\.yml:17:7: 'jobs\.fit\.limits\.max_trail' is not a field .*\(did you mean 'max_trials'\?\)/);
  });
});
