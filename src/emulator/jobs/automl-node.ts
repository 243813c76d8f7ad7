/**
 * An AutoML step of a pipeline job → the AutoMLJob its child runs. The step's node is the
 * snake_case YAML dump azure-ai-ml sends inside `properties.jobs` (azure-ai-ml
 * entities/_job/pipeline/pipeline_job.py `_to_rest_object`: an AutoMLJob node is
 * `json.loads(json.dumps(job._to_dict(inside_pipeline=True)))`, e.g. `{type: automl, task:
 * classification, training_data: '${{parent.jobs.prep.outputs.x}}', limits: {max_trials: 1}, ...}`);
 * the job it describes is the one azure-ai-ml loads from it (entities/_job/pipeline/_load_component.py
 * `_automl_from_rest_object`: `AutoMLJob._load_from_dict(node, inside_pipeline=True)`) and sends as
 * a job (entities/_job/automl/tabular/classification_job.py, regression_job.py,
 * forecasting_job.py `_to_rest_object`). This module does that conversion:
 *
 * - `task` → `taskDetails.taskType` (azure-ai-ml constants/_job/automl.py TaskType / mfe.json TaskType)
 * - `training_data` / `validation_data` / `test_data` → `trainingData` / `validationData` / `testData`
 *   (MLTableJobInput), after the pipeline bound them (they are the step's inputs, {@link automlNodeInputs})
 * - the sections `limits` → `limitSettings` (tabular/limit_settings.py), `featurization` →
 *   `featurizationSettings` (featurization_settings.py), `training` → `trainingSettings`
 *   (training_settings.py), `forecasting` → `forecastingSettings` (forecasting_settings.py)
 * - `*_minutes` fields → ISO 8601 durations without the suffix (`timeout_minutes: 10` → `timeout: PT10M`:
 *   limit_settings.py `to_iso_duration_format_mins`)
 * - `auto` or a number for n_cross_validations, forecast_horizon, seasonality, target_lags,
 *   target_rolling_window_size → `{mode: Auto}` / `{mode: Custom, value(s)}` (forecasting_settings.py
 *   `_to_rest_object`: AutoForecastHorizon / CustomForecastHorizon, ...)
 * - enum values (primary_metric, featurization mode, algorithms, ...) from their snake_case dump
 *   (azure-ai-ml _utils/utils.py `camel_to_snake`; the schemas' StringTransformedEnum maps them back)
 *   to the mfe.json enum value: PascalCase, or, for the values with acronyms, the value itself
 *   ({@link IRREGULAR}: `auc_weighted` → `AUCWeighted`, `light_gbm` → `LightGBM`).
 * - every other key: snake_case → camelCase, except the keys of maps whose keys are user data
 *   (column_name_and_types, stack_meta_learner_kwargs, transformer_params items).
 */
import { pickString } from '../data/resources.js';
import { JobFailure } from './command.js';
import { asObj } from '../obj.js';

/** The data fields of an AutoML node: the step's inputs (mfe.json AutoMLVertical trainingData, ...). */
export const AUTOML_DATA_FIELDS: Record<string, string> = { training_data: 'trainingData', validation_data: 'validationData', test_data: 'testData' };

/** YAML task → TaskType (azure-ai-ml constants/_job/automl.py TaskType; mfe.json TaskType enum). */
const TASK_TYPES: Record<string, string> = {
  classification: 'Classification',
  regression: 'Regression',
  forecasting: 'Forecasting',
  image_classification: 'ImageClassification',
  image_classification_multilabel: 'ImageClassificationMultilabel',
  image_object_detection: 'ImageObjectDetection',
  image_instance_segmentation: 'ImageInstanceSegmentation',
  text_classification: 'TextClassification',
  text_classification_multilabel: 'TextClassificationMultilabel',
  text_ner: 'TextNER',
};

/** Sections of a node and their wire names (azure-ai-ml AutoMLTableVerticalSchema / tabular job `_to_rest_object`). */
const SECTIONS: Record<string, string> = {
  limits: 'limitSettings',
  featurization: 'featurizationSettings',
  training: 'trainingSettings',
  forecasting: 'forecastingSettings',
  training_parameters: 'modelSettings',
  sweep: 'sweepSettings',
};

/** Enum-valued fields (mfe.json enums; azure-ai-ml dumps them with camel_to_snake). */
const ENUM_FIELDS = new Set([
  'primary_metric',
  'log_verbosity',
  'mode',
  'blocked_transformers',
  'allowed_training_algorithms',
  'blocked_training_algorithms',
  'stack_meta_learner_type',
  'feature_lags',
  'short_series_handling_config',
  'use_stl',
  'target_aggregate_function',
]);

/** `auto` or a value: ForecastHorizon, Seasonality, NCrossValidations, TargetRollingWindowSize (value) and TargetLags (values). */
const AUTO_OR_VALUE = new Set(['n_cross_validations', 'forecast_horizon', 'seasonality', 'target_rolling_window_size']);

/** Maps whose keys are the user's (column names, meta learner kwargs): copied as they are. */
const USER_KEYED = new Set(['column_name_and_types', 'stack_meta_learner_kwargs']);

/** Node keys that are not AutoMLJob fields (the pipeline handles them) or are read elsewhere. */
const NOT_TASK_DETAILS = new Set([
  'type',
  'name',
  'display_name',
  'experiment_name',
  'description',
  'tags',
  'properties',
  'compute',
  'computeId',
  'outputs',
  'inputs',
  'identity',
  'services',
  'queue_settings',
  'resources',
  'environment_id',
  'environment_variables',
  '_source',
]);

/**
 * The mfe.json 2024-10-01 enum values that PascalCase does not restore from their snake_case dump
 * (ClassificationPrimaryMetrics, Classification/Regression/ForecastingModels, StackMetaLearnerType),
 * keyed by that dump.
 */
const IRREGULAR = new Map(
  [
    'AUCWeighted',
    'SGD',
    'SVM',
    'LinearSVM',
    'KNN',
    'LightGBM',
    'XGBoostClassifier',
    'XGBoostRegressor',
    'TCNForecaster',
    'LogisticRegressionCV',
    'LightGBMClassifier',
    'ElasticNetCV',
    'LightGBMRegressor',
  ].map((v) => [camelToSnake(v), v]),
);

/** azure-ai-ml's camel_to_snake: `AUCWeighted` → `auc_weighted`, `LightGBM` → `light_gbm`. */
export function camelToSnake(v: string): string {
  return v
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (v: string) => v.replace(/(^|_)([a-z0-9])/g, (_, _u: string, c: string) => c.toUpperCase());

/** `timeout_minutes: 90` → `PT1H30M` (azure-ai-ml _utils/utils.py to_iso_duration_format_mins). */
export function isoMinutes(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const time = `${h ? `${h}H` : ''}${m || (!d && !h) ? `${m}M` : ''}`;
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
}

function enumValue(v: unknown): unknown {
  if (typeof v === 'string') {
    const key = camelToSnake(v.trim());
    return IRREGULAR.get(key) ?? pascal(key);
  }
  if (Array.isArray(v)) return v.map(enumValue);
  return v;
}

function autoOr(key: string, v: unknown): unknown {
  if (typeof v === 'string' && v.trim().toLowerCase() === 'auto') return { mode: 'Auto' };
  if (asObj(v)) return v; // already {mode, value}
  if (key === 'target_lags') return { mode: 'Custom', values: Array.isArray(v) ? v : [v] };
  return { mode: 'Custom', value: typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v };
}

/** One field of a node or of one of its sections → [wire key, wire value]. */
function field(key: string, v: unknown): [string, unknown] {
  if (key.endsWith('_minutes')) {
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) throw new JobFailure(`AutoML step: '${key}' must be a number of minutes, not ${JSON.stringify(v)}`, 'InvalidAutoML');
    return [camel(key.slice(0, -'_minutes'.length)), isoMinutes(n)];
  }
  if (ENUM_FIELDS.has(key)) return [camel(key), enumValue(v)];
  if (AUTO_OR_VALUE.has(key) || key === 'target_lags') return [camel(key), autoOr(key, v)];
  if (key === 'time_series_id_column_names') return [camel(key), Array.isArray(v) ? v : [v]];
  // mfe.json StackEnsembleSettings spells it stackMetaLearnerKWargs
  if (key === 'stack_meta_learner_kwargs') return ['stackMetaLearnerKWargs', v];
  if (USER_KEYED.has(key)) return [camel(key), v];
  // transformer_params: {imputer: [{fields, parameters}]} → {Imputer: [...]} (AutoMLTransformerParameterKeys)
  if (key === 'transformer_params') {
    return [camel(key), Object.fromEntries(Object.entries(asObj(v) ?? {}).map(([k, items]) => [pascal(k), items]))];
  }
  const o = asObj(v);
  if (o && !Array.isArray(v)) return [camel(key), Object.fromEntries(Object.entries(o).map(([k, x]) => field(k, x)))];
  return [camel(key), v];
}

/**
 * The node's data fields as the step's inputs, for the pipeline to bind and to order steps by
 * (a binding string or `{type: mltable, path}` → an mltable job input).
 */
export function automlNodeInputs(node: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(AUTOML_DATA_FIELDS)) {
    const v = node[key];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') {
      out[key] = { jobInputType: 'mltable', uri: v.trim() };
      continue;
    }
    const o = asObj(v);
    if (!o) throw new JobFailure(`AutoML step: '${key}' must be a binding or an mltable input`, 'InvalidAutoML');
    const uri = pickString(o, 'uri', 'path');
    if (!uri) throw new JobFailure(`AutoML step: '${key}' has no path`, 'InvalidAutoML');
    const mode = pickString(o, 'mode');
    out[key] = { jobInputType: pickString(o, 'jobInputType', 'job_input_type', 'type') ?? 'mltable', uri, ...(mode ? { mode } : {}) };
  }
  return out;
}

/**
 * An AutoML node and its bound data inputs → the AutoMLJob properties (besides displayName,
 * experimentName, computeId and outputs, which the pipeline sets for every step's child).
 */
export function automlNodeProperties(node: Record<string, unknown>, inputs: Record<string, unknown>): Record<string, unknown> {
  const task = pickString(node, 'task')?.trim();
  if (!task) throw new JobFailure(`An AutoML step needs a 'task' (classification, regression, forecasting, ...)`, 'InvalidAutoML');
  const taskType = TASK_TYPES[task.toLowerCase()] ?? (Object.values(TASK_TYPES).includes(task) ? task : undefined);
  if (!taskType) throw new JobFailure(`AutoML step: task '${task}' is not an AutoML task (${Object.keys(TASK_TYPES).join(', ')})`, 'InvalidAutoML');
  const taskDetails: Record<string, unknown> = { taskType };
  for (const [key, v] of Object.entries(node)) {
    if (v === undefined || v === null || key === 'task' || NOT_TASK_DETAILS.has(key)) continue;
    if (key in AUTOML_DATA_FIELDS) {
      if (inputs[key] !== undefined) taskDetails[AUTOML_DATA_FIELDS[key]] = inputs[key];
      continue;
    }
    const [k, x] = field(key, v);
    taskDetails[key in SECTIONS ? SECTIONS[key] : k] = x;
  }
  const props: Record<string, unknown> = { jobType: 'AutoML', taskDetails };
  const env = pickString(node, 'environment_id', 'environmentId');
  if (env) props.environmentId = env;
  // resources: JobResourceConfiguration (instance_count → instanceCount, ...); identity, services and
  // queue_settings have no effect on the emulator's run and are not carried over.
  const resources = asObj(node.resources);
  if (resources) props.resources = Object.fromEntries(Object.entries(resources).map(([k, x]) => [camel(k), x]));
  return props;
}
