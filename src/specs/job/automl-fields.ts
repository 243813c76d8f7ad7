/**
 * The field tables of `type: automl` jobs: each YAML section (limits, training, featurization,
 * forecasting, training_parameters, sweep) is a list of fields, each with its YAML name, its
 * 2024-10-01 wire name and its kind. One reader turns a section into both shapes azure-ai-ml
 * sends: the camelCase REST of a standalone AutoMLJob (`rest`), and the snake_case YAML dump of
 * an AutoML node in a pipeline's `jobs` (`yaml`, enum values in their snake spelling).
 *
 * YAML names: azure-ai-ml _schema/automl/* (AutoMLTableLimitsSchema, TrainingSettingsSchema,
 * TableFeaturizationSettingsSchema, ForecastingSettingsSchema, image_vertical/*, nlp_vertical/*).
 * Wire names and enum values: mfe.json 2024-10-01 (TableVerticalLimitSettings, TrainingSettings, ...).
 */
import type { SpecPath } from '../document.js';
import { isObj, type Obj } from '../../core/obj.js';
import type { PlanContext } from '../plan.js';
import { DISTRIBUTIONS } from './sweep.js';

/** azure-ai-ml _utils/utils.py camel_to_snake: how it matches YAML spellings to enum values. */
export function camelToSnake(s: string): string {
  return s
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** `max_concurrent_trials` → `maxConcurrentTrials`. */
export function snakeToCamel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Minutes → ISO 8601 duration, as azure-ai-ml's to_iso_duration_format_mins sends them
 * (isodate.duration_isoformat of a timedelta: 180 → PT3H, 20 → PT20M, 1500 → P1DT1H).
 */
export function isoMinutes(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}`;
  const iso = `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
  return iso === 'P' ? 'P0D' : iso;
}

/** `${{parent.inputs.x}}`: in a pipeline step any AutoML field but task and type may bind. */
export function isBinding(v: unknown): v is string {
  return typeof v === 'string' && /^\s*\$\{\{.*\}\}\s*$/.test(v);
}

// Enum values of mfe.json 2024-10-01, sent in the swagger's spelling (azure-ai-ml sends a few as its YAML
// spelling, e.g. featurization mode 'custom'; the strict 2024-10-01 schema wants 'Custom').
export const E = {
  logVerbosity: ['NotSet', 'Debug', 'Info', 'Warning', 'Error', 'Critical'],
  classificationMetrics: ['AUCWeighted', 'Accuracy', 'NormMacroRecall', 'AveragePrecisionScoreWeighted', 'PrecisionScoreWeighted'],
  multilabelMetrics: ['AUCWeighted', 'Accuracy', 'NormMacroRecall', 'AveragePrecisionScoreWeighted', 'PrecisionScoreWeighted', 'IOU'],
  detectionMetrics: ['MeanAveragePrecision'],
  regressionMetrics: ['SpearmanCorrelation', 'NormalizedRootMeanSquaredError', 'R2Score', 'NormalizedMeanAbsoluteError'],
  classificationModels: [
    'LogisticRegression',
    'SGD',
    'MultinomialNaiveBayes',
    'BernoulliNaiveBayes',
    'SVM',
    'LinearSVM',
    'KNN',
    'DecisionTree',
    'RandomForest',
    'ExtremeRandomTrees',
    'LightGBM',
    'GradientBoosting',
    'XGBoostClassifier',
  ],
  regressionModels: [
    'ElasticNet',
    'GradientBoosting',
    'DecisionTree',
    'KNN',
    'LassoLars',
    'SGD',
    'RandomForest',
    'ExtremeRandomTrees',
    'LightGBM',
    'XGBoostRegressor',
  ],
  forecastingModels: [
    'AutoArima',
    'Prophet',
    'Naive',
    'SeasonalNaive',
    'Average',
    'SeasonalAverage',
    'ExponentialSmoothing',
    'Arimax',
    'TCNForecaster',
    'ElasticNet',
    'GradientBoosting',
    'DecisionTree',
    'KNN',
    'LassoLars',
    'SGD',
    'RandomForest',
    'ExtremeRandomTrees',
    'LightGBM',
    'XGBoostRegressor',
  ],
  blockedTransformers: [
    'TextTargetEncoder',
    'OneHotEncoder',
    'CatTargetEncoder',
    'TfIdf',
    'WoETargetEncoder',
    'LabelEncoder',
    'WordEmbedding',
    'NaiveBayes',
    'CountVectorizer',
    'HashOneHotEncoder',
  ],
  featurizationMode: ['Auto', 'Custom', 'Off'],
  // azure-ai-ml constants/_job/automl.py AutoMLTransformerParameterKeys (transformerParams keys)
  transformerKeys: ['Imputer', 'TfIdf', 'HashOneHotEncoder'],
  stackMetaLearner: [
    'None',
    'LogisticRegression',
    'LogisticRegressionCV',
    'LightGBMClassifier',
    'ElasticNet',
    'ElasticNetCV',
    'LightGBMRegressor',
    'LinearRegression',
  ],
  featureLags: ['None', 'Auto'],
  shortSeries: ['None', 'Auto', 'Pad', 'Drop'],
  aggregation: ['None', 'Sum', 'Max', 'Min', 'Mean'],
  useStl: ['None', 'Season', 'SeasonTrend'],
  lrScheduler: ['None', 'WarmupCosine', 'Step'],
  optimizer: ['None', 'Sgd', 'Adam', 'Adamw'],
  modelSize: ['None', 'Small', 'Medium', 'Large', 'ExtraLarge'],
  validationMetric: ['None', 'Coco', 'Voc', 'CocoVoc'],
  sampling: ['Grid', 'Random', 'Bayesian'],
} as const;

export type Kind =
  | 'int'
  | 'num'
  | 'bool'
  | 'str'
  | 'minutes'
  | 'strList'
  | 'strOrList'
  | 'strMap'
  | 'anyMap'
  | { enum: readonly string[] }
  | { enumList: readonly string[] }
  /** `auto` → {mode: 'Auto'}; a number → {mode: 'Custom', value}; with `list`, {mode: 'Custom', values}. */
  | { autoOr: 'value' | 'values' }
  /** A field of newer azure-ai-ml that the 2024-10-01 API has no place for. */
  | { refused: string };

export interface Field {
  yaml: string;
  kind: Kind;
  /** Wire name when it is not the camelCase of `yaml`. */
  rest?: string;
  /** Least value of an int. */
  min?: number;
}

export interface Both {
  rest: Obj;
  yaml: Obj;
}

/** Where and how fields are read: `step` lets fields bind pipeline inputs. */
export interface Reader {
  ctx: PlanContext;
  step: boolean;
}

const NOT_IN_API = 'the Azure ML API version azureml-actions sends (2024-10-01) has no such AutoML setting';

/** Refuses a field by name: it exists in newer azure-ai-ml but not in api-version 2024-10-01. */
export function refuseField(r: Reader, path: SpecPath, why = NOT_IN_API): never {
  return r.ctx.fail(path, 'cannot be translated', why);
}

/** A YAML spelling (any casing azure-ai-ml accepts) → the enum's wire value and its YAML dump. */
export function enumValue(r: Reader, v: unknown, path: SpecPath, values: readonly string[], what: string): { rest: string; yaml: string } {
  const raw = r.ctx.str(v, path);
  const key = camelToSnake(raw.trim());
  const hit = values.find((x) => camelToSnake(x) === key);
  if (!hit) r.ctx.fail(path, `'${raw}' is not ${what}`, `valid: ${values.map(camelToSnake).join(', ')}`);
  return { rest: hit, yaml: camelToSnake(hit) };
}

function strList(r: Reader, v: unknown, path: SpecPath): string[] {
  if (!Array.isArray(v)) return r.ctx.fail(path, 'must be a list of strings');
  return v.map((x, i) => r.ctx.str(x, [...path, i]));
}

/** One field's value → its wire value (undefined: nothing to send). */
function convert(r: Reader, f: Field, v: unknown, path: SpecPath): { rest: unknown; yaml: unknown } {
  const { ctx } = r;
  const k = f.kind;
  if (k === 'int') {
    const n = ctx.int(v, path, f.min ?? 0);
    return { rest: n, yaml: n };
  }
  if (k === 'num') return { rest: ctx.num(v, path), yaml: v };
  if (k === 'bool') {
    if (typeof v !== 'boolean') ctx.fail(path, 'must be true or false');
    return { rest: v, yaml: v };
  }
  if (k === 'str') return { rest: ctx.str(v, path), yaml: ctx.str(v, path) };
  if (k === 'minutes') {
    const n = ctx.int(v, path, 1);
    return { rest: isoMinutes(n), yaml: n };
  }
  if (k === 'strList') return { rest: strList(r, v, path), yaml: v };
  if (k === 'strOrList') {
    const list = Array.isArray(v) ? strList(r, v, path) : [ctx.str(v, path)];
    return { rest: list, yaml: v };
  }
  if (k === 'strMap') {
    const m = ctx.stringMap(v, path);
    return { rest: m, yaml: m };
  }
  if (k === 'anyMap') return { rest: ctx.map(v, path), yaml: v };
  if ('enum' in k) return enumValue(r, v, path, k.enum, `a valid ${f.yaml.replace(/_/g, ' ')}`);
  if ('enumList' in k) {
    if (!Array.isArray(v)) return ctx.fail(path, 'must be a list');
    const items = v.map((x, i) => enumValue(r, x, [...path, i], k.enumList, `a valid ${f.yaml.replace(/_/g, ' ').replace(/s$/, '')}`));
    return { rest: items.map((x) => x.rest), yaml: items.map((x) => x.yaml) };
  }
  if ('autoOr' in k) {
    if (typeof v === 'string' && v.trim().toLowerCase() === 'auto') return { rest: { mode: 'Auto' }, yaml: 'auto' };
    if (k.autoOr === 'values') {
      const list = Array.isArray(v) ? v.map((x, i) => ctx.int(x, [...path, i], 1)) : [ctx.int(v, path, 1)];
      return { rest: { mode: 'Custom', values: list }, yaml: v };
    }
    const n = typeof v === 'number' || /^\d+$/.test(String(v)) ? ctx.int(v, path, 1) : ctx.fail(path, "must be 'auto' or a whole number");
    return { rest: { mode: 'Custom', value: n }, yaml: n };
  }
  return refuseField(r, path, k.refused);
}

/**
 * A section (a map) read by its field table: every key translated or refused by name. In a
 * pipeline step a `${{...}}` binding is kept as it is in the YAML dump (it has no REST form).
 */
export function readSection(r: Reader, v: unknown, path: SpecPath, fields: readonly Field[], what: string): Both {
  const m = r.ctx.map(v, path, `must be a map (the ${what})`);
  r.ctx.checkKeys(
    m,
    fields.map((f) => f.yaml),
    path,
    what,
  );
  const out: Both = { rest: {}, yaml: {} };
  for (const f of fields) readField(r, m, path, f, out);
  return out;
}

/** Reads one top-level field of the job (or step) by the same rules as a section field. */
export function readField(r: Reader, spec: Obj, at: SpecPath, f: Field, into: Both): void {
  const val = spec[f.yaml];
  if (val === undefined || val === null) return;
  const p = [...at, f.yaml];
  if (isBinding(val)) {
    if (!r.step) r.ctx.fail(p, `uses the binding '${val}', which only a pipeline step can use`);
    into.yaml[f.yaml] = val.trim();
    return;
  }
  const c = convert(r, f, val, p);
  into.rest[f.rest ?? snakeToCamel(f.yaml)] = c.rest;
  into.yaml[f.yaml] = c.yaml;
}

// --- tabular (classification, regression, forecasting) ---

/** azure-ai-ml AutoMLTableLimitsSchema → TableVerticalLimitSettings. */
export const TABLE_LIMITS: Field[] = [
  { yaml: 'enable_early_termination', kind: 'bool' },
  { yaml: 'exit_score', kind: 'num' },
  { yaml: 'max_concurrent_trials', kind: 'int', min: 1 },
  // -1: every core (azure-ai-ml TabularLimitSettings docstring)
  { yaml: 'max_cores_per_trial', kind: 'int', min: -1 },
  { yaml: 'max_trials', kind: 'int', min: 1 },
  { yaml: 'timeout_minutes', kind: 'minutes', rest: 'timeout' },
  { yaml: 'trial_timeout_minutes', kind: 'minutes', rest: 'trialTimeout' },
  { yaml: 'max_nodes', kind: { refused: NOT_IN_API } },
  { yaml: 'sweep_concurrent_trials', kind: { refused: NOT_IN_API } },
  { yaml: 'max_concurrent_iterations', kind: { refused: NOT_IN_API } },
];

/** azure-ai-ml TrainingSettingsSchema (+ allowed / blocked algorithms of the task) → TrainingSettings. */
export function trainingFields(models: readonly string[]): Field[] {
  return [
    { yaml: 'enable_dnn_training', kind: 'bool' },
    { yaml: 'enable_model_explainability', kind: 'bool' },
    { yaml: 'enable_onnx_compatible_models', kind: 'bool' },
    { yaml: 'enable_stack_ensemble', kind: 'bool' },
    { yaml: 'enable_vote_ensemble', kind: 'bool' },
    { yaml: 'ensemble_model_download_timeout_minutes', kind: 'minutes', rest: 'ensembleModelDownloadTimeout' },
    { yaml: 'allowed_training_algorithms', kind: { enumList: models } },
    { yaml: 'blocked_training_algorithms', kind: { enumList: models } },
    { yaml: 'training_mode', kind: { refused: NOT_IN_API } },
  ];
}

export const STACK_ENSEMBLE: Field[] = [
  { yaml: 'stack_meta_learner_kwargs', kind: 'anyMap', rest: 'stackMetaLearnerKWargs' },
  { yaml: 'stack_meta_learner_train_percentage', kind: 'num' },
  { yaml: 'stack_meta_learner_type', kind: { enum: E.stackMetaLearner } },
];

/** azure-ai-ml TableFeaturizationSettingsSchema → TableVerticalFeaturizationSettings (transformer_params apart). */
export const TABLE_FEATURIZATION: Field[] = [
  { yaml: 'mode', kind: { enum: E.featurizationMode } },
  { yaml: 'blocked_transformers', kind: { enumList: E.blockedTransformers } },
  { yaml: 'column_name_and_types', kind: 'strMap' },
  { yaml: 'enable_dnn_featurization', kind: 'bool' },
  { yaml: 'dataset_language', kind: 'str' },
];

/** azure-ai-ml ForecastingSettingsSchema → ForecastingSettings. */
export const FORECASTING: Field[] = [
  { yaml: 'country_or_region_for_holidays', kind: 'str' },
  { yaml: 'cv_step_size', kind: 'int', min: 1 },
  { yaml: 'forecast_horizon', kind: { autoOr: 'value' } },
  { yaml: 'target_lags', kind: { autoOr: 'values' } },
  { yaml: 'target_rolling_window_size', kind: { autoOr: 'value' } },
  { yaml: 'time_column_name', kind: 'str' },
  { yaml: 'time_series_id_column_names', kind: 'strOrList' },
  { yaml: 'frequency', kind: 'str' },
  { yaml: 'feature_lags', kind: { enum: E.featureLags } },
  { yaml: 'seasonality', kind: { autoOr: 'value' } },
  { yaml: 'short_series_handling_config', kind: { enum: E.shortSeries } },
  { yaml: 'use_stl', kind: { enum: E.useStl } },
  { yaml: 'target_aggregate_function', kind: { enum: E.aggregation } },
  { yaml: 'features_unknown_at_forecast_time', kind: { refused: NOT_IN_API } },
];

// --- image ---

/** azure-ai-ml ImageLimitsSchema → ImageLimitSettings. */
export const IMAGE_LIMITS: Field[] = [
  { yaml: 'max_concurrent_trials', kind: 'int', min: 1 },
  { yaml: 'max_trials', kind: 'int', min: 1 },
  { yaml: 'timeout_minutes', kind: 'minutes', rest: 'timeout' },
];

/** NlpLimitsSchema → NlpVerticalLimitSettings (max_nodes and trial timeouts are newer than 2024-10-01). */
export const NLP_LIMITS: Field[] = [
  { yaml: 'max_concurrent_trials', kind: 'int', min: 1 },
  { yaml: 'max_trials', kind: 'int', min: 1 },
  { yaml: 'timeout_minutes', kind: 'minutes', rest: 'timeout' },
  { yaml: 'max_nodes', kind: { refused: NOT_IN_API } },
  { yaml: 'trial_timeout_minutes', kind: { refused: NOT_IN_API } },
];

export const NLP_FEATURIZATION: Field[] = [{ yaml: 'dataset_language', kind: 'str' }];

/**
 * ImageModelSettings (+ Classification / ObjectDetection) of mfe.json: the wire names; the YAML
 * names of azure-ai-ml ImageModelSettingsSchema are their snake_case (`step_lr_gamma` → stepLRGamma).
 */
const IMAGE_SETTINGS_COMMON: Record<string, Kind> = {
  advancedSettings: 'str',
  amsGradient: 'bool',
  augmentations: 'str',
  beta1: 'num',
  beta2: 'num',
  checkpointFrequency: 'int',
  checkpointRunId: 'str',
  distributed: 'bool',
  earlyStopping: 'bool',
  earlyStoppingDelay: 'int',
  earlyStoppingPatience: 'int',
  enableOnnxNormalization: 'bool',
  evaluationFrequency: 'int',
  gradientAccumulationStep: 'int',
  layersToFreeze: 'int',
  learningRate: 'num',
  learningRateScheduler: { enum: E.lrScheduler },
  modelName: 'str',
  momentum: 'num',
  nesterov: 'bool',
  numberOfEpochs: 'int',
  numberOfWorkers: 'int',
  optimizer: { enum: E.optimizer },
  randomSeed: 'int',
  stepLRGamma: 'num',
  stepLRStepSize: 'int',
  trainingBatchSize: 'int',
  validationBatchSize: 'int',
  warmupCosineLRCycles: 'num',
  warmupCosineLRWarmupEpochs: 'int',
  weightDecay: 'num',
};
const IMAGE_SETTINGS_CLASSIFICATION: Record<string, Kind> = {
  trainingCropSize: 'int',
  validationCropSize: 'int',
  validationResizeSize: 'int',
  weightedLoss: 'int',
};
const IMAGE_SETTINGS_DETECTION: Record<string, Kind> = {
  boxDetectionsPerImage: 'int',
  boxScoreThreshold: 'num',
  imageSize: 'int',
  maxSize: 'int',
  minSize: 'int',
  modelSize: { enum: E.modelSize },
  multiScale: 'bool',
  nmsIouThreshold: 'num',
  tileGridSize: 'str',
  tileOverlapRatio: 'num',
  tilePredictionsNmsThreshold: 'num',
  validationIouThreshold: 'num',
  validationMetricType: { enum: E.validationMetric },
};

/** The wire name's snake_case, as azure-ai-ml names the YAML field (stepLRGamma → step_lr_gamma). */
function yamlNameOf(wire: string): string {
  return wire
    .replace(/LR/g, 'Lr')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

function table(kinds: Record<string, Kind>): Field[] {
  return Object.entries(kinds).map(([rest, kind]) => ({ yaml: yamlNameOf(rest), rest, kind }));
}

/** `training_parameters` of an image task → modelSettings fields (checkpoint_model apart: an input). */
export function imageSettingsFields(detection: boolean): Field[] {
  return table({ ...IMAGE_SETTINGS_COMMON, ...(detection ? IMAGE_SETTINGS_DETECTION : IMAGE_SETTINGS_CLASSIFICATION) });
}

/** The parameters a `search_space` entry may sweep (ImageModelDistributionSettings*: no checkpoints). */
export function imageSearchFields(detection: boolean): Field[] {
  return imageSettingsFields(detection).filter((f) => !f.yaml.startsWith('checkpoint_') && f.yaml !== 'advanced_settings');
}

export const EARLY_TERMINATION: Record<string, { policyType: string; fields: Field[] }> = {
  bandit: {
    policyType: 'Bandit',
    fields: [
      { yaml: 'slack_factor', kind: 'num' },
      { yaml: 'slack_amount', kind: 'num' },
    ],
  },
  median_stopping: { policyType: 'MedianStopping', fields: [] },
  truncation_selection: { policyType: 'TruncationSelection', fields: [{ yaml: 'truncation_percentage', kind: 'int' }] },
};
export const POLICY_COMMON: Field[] = [
  { yaml: 'evaluation_interval', kind: 'int' },
  { yaml: 'delay_evaluation', kind: 'int' },
];

/** Python's float_to_str / str() of a search-space argument (no exponent; booleans True / False). */
function pyStr(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    const s = String(v);
    if (!/e/i.test(s)) return s;
    return v.toFixed(20).replace(/0+$/, '').replace(/\.$/, '.0');
  }
  return String(v);
}

/**
 * One parameter of an AutoML search space → its wire string, as azure-ai-ml's
 * automl/search_space_utils.py _convert_to_rest_object writes it: `choice('a','b')`,
 * `uniform(0.001,0.01)`, a plain value as its text.
 */
export function distributionString(r: Reader, v: unknown, path: SpecPath): string {
  const { ctx } = r;
  if (!isObj(v)) {
    if (Array.isArray(v) || v === null) return ctx.fail(path, 'must be a value or a distribution (a map with type: choice, uniform, ...)');
    return pyStr(v);
  }
  const type = ctx.str(v.type, [...path, 'type']).toLowerCase();
  const args = ctx.oneOf(type, [...path, 'type'], DISTRIBUTIONS, 'a search space distribution');
  ctx.checkKeys(v, ['type', ...args], path, `${type} distribution`);
  if (type === 'choice') {
    if (!Array.isArray(v.values) || v.values.length === 0) ctx.fail([...path, 'values'], 'must be a non-empty list');
    const items = (v.values as unknown[]).map((x, i) => {
      if (isObj(x) || Array.isArray(x) || x === null) ctx.fail([...path, 'values', i], 'must be a plain value');
      return typeof x === 'string' ? `'${x}'` : pyStr(x);
    });
    return `choice(${items.join(',')})`;
  }
  if (type === 'randint') return `randint(${ctx.int(v.upper, [...path, 'upper'], 1)})`;
  const nums = args.map((a) => ctx.num(v[a], [...path, a]));
  if (type.includes('uniform') && nums[0] >= nums[1]) ctx.fail([...path, 'max_value'], 'must be greater than min_value');
  return `${type}(${nums.map(pyStr).join(',')})`;
}
