/**
 * `type: automl` jobs → AutoMLJob (api-version 2024-10-01): `taskDetails` with its `taskType`
 * discriminator for the ten tasks (tabular, image, NLP), standalone; and {@link automlStep}, the
 * node of an AutoML step in a pipeline's `jobs`.
 *
 * The YAML → REST mapping follows azure-ai-ml: the YAML fields of _schema/automl/* and the
 * `_to_rest_object` of entities/_job/automl/* (tabular/classification_job.py, forecasting_job.py,
 * image/image_classification_job.py, nlp/text_classification_job.py, ...); the wire names and
 * enum values are those of mfe.json 2024-10-01. Field tables: ./automl-fields.ts.
 */
import type { SpecPath } from '../document.js';
import { didYouMean } from '../fields.js';
import { isObj, type Obj } from '../../core/obj.js';
import type { PlanContext } from '../plan.js';
import {
  type Both,
  camelToSnake,
  distributionString,
  E,
  EARLY_TERMINATION,
  enumValue,
  type Field,
  FORECASTING,
  IMAGE_LIMITS,
  imageSearchFields,
  imageSettingsFields,
  isBinding,
  NLP_FEATURIZATION,
  NLP_LIMITS,
  POLICY_COMMON,
  readField,
  readSection,
  type Reader,
  refuseField,
  STACK_ENSEMBLE,
  TABLE_FEATURIZATION,
  TABLE_LIMITS,
  trainingFields,
} from './automl-fields.js';
import { commonProperties, COMMON_KEYS, resources } from './common.js';
import { jobInput, jobOutput, jobOutputs } from './io.js';
import type { JobTypeTranslator } from './types.js';

type Family = 'tabular' | 'image' | 'nlp';

interface Task {
  taskType: string;
  family: Family;
  metrics: readonly string[];
  /** The primary metric azure-ai-ml sends when the YAML names none (each job class's _DEFAULT_PRIMARY_METRIC). */
  defaultMetric: string;
  models?: readonly string[];
  /** Image tasks with boxes (object detection, instance segmentation). */
  detection?: boolean;
  targetRequired: boolean;
}

/** YAML `task` → TaskType of mfe.json (azure-ai-ml constants TaskType / AutoMLVertical subclasses). */
const TASKS: Record<string, Task> = {
  classification: {
    taskType: 'Classification',
    family: 'tabular',
    metrics: E.classificationMetrics,
    defaultMetric: 'Accuracy',
    models: E.classificationModels,
    targetRequired: true,
  },
  regression: {
    taskType: 'Regression',
    family: 'tabular',
    metrics: E.regressionMetrics,
    defaultMetric: 'NormalizedRootMeanSquaredError',
    models: E.regressionModels,
    targetRequired: true,
  },
  forecasting: {
    taskType: 'Forecasting',
    family: 'tabular',
    metrics: E.regressionMetrics,
    defaultMetric: 'NormalizedRootMeanSquaredError',
    models: E.forecastingModels,
    targetRequired: true,
  },
  image_classification: { taskType: 'ImageClassification', family: 'image', metrics: E.classificationMetrics, defaultMetric: 'Accuracy', targetRequired: true },
  image_classification_multilabel: {
    taskType: 'ImageClassificationMultilabel',
    family: 'image',
    metrics: E.multilabelMetrics,
    defaultMetric: 'IOU',
    targetRequired: true,
  },
  image_object_detection: {
    taskType: 'ImageObjectDetection',
    family: 'image',
    metrics: E.detectionMetrics,
    defaultMetric: 'MeanAveragePrecision',
    detection: true,
    targetRequired: true,
  },
  image_instance_segmentation: {
    taskType: 'ImageInstanceSegmentation',
    family: 'image',
    metrics: E.detectionMetrics,
    defaultMetric: 'MeanAveragePrecision',
    detection: true,
    targetRequired: true,
  },
  text_classification: { taskType: 'TextClassification', family: 'nlp', metrics: E.classificationMetrics, defaultMetric: 'Accuracy', targetRequired: true },
  text_classification_multilabel: {
    taskType: 'TextClassificationMultilabel',
    family: 'nlp',
    metrics: E.multilabelMetrics,
    defaultMetric: 'Accuracy',
    targetRequired: true,
  },
  // azure-ai-ml TextNerSchema: the label column is fixed by the CoNLL format, no target column
  text_ner: { taskType: 'TextNER', family: 'nlp', metrics: E.classificationMetrics, defaultMetric: 'Accuracy', targetRequired: false },
};

/** Fields of every AutoML job (azure-ai-ml AutoMLJobSchema, AutoMLVerticalSchema). */
const AUTOML_KEYS = [
  ...COMMON_KEYS,
  'task',
  'log_verbosity',
  'training_data',
  'validation_data',
  'target_column_name',
  'primary_metric',
  'limits',
  'outputs',
  'resources',
  'environment_id',
  'environment_variables',
];
const FAMILY_KEYS: Record<Family, string[]> = {
  tabular: [
    'test_data',
    'validation_data_size',
    'test_data_size',
    'cv_split_column_names',
    'n_cross_validations',
    'weight_column_name',
    'featurization',
    'training',
  ],
  image: ['validation_data_size', 'training_parameters', 'sweep', 'search_space'],
  // training_parameters / sweep / search_space of NLP jobs exist in newer API versions only: refused by name below
  nlp: ['featurization', 'training_parameters', 'sweep', 'search_space'],
};

function keysOf(taskName: string, task: Task): string[] {
  const keys = [...AUTOML_KEYS, ...FAMILY_KEYS[task.family]];
  if (taskName === 'classification') keys.push('positive_label');
  if (taskName === 'forecasting') keys.push('forecasting');
  return keys;
}

function taskOf(ctx: PlanContext, spec: Obj, at: SpecPath): [string, Task] {
  if (spec.task === undefined || spec.task === null) ctx.fail(at, "an automl job needs 'task'", `valid: ${Object.keys(TASKS).join(', ')}`);
  const name = ctx.str(spec.task, [...at, 'task']);
  const key = name.trim().toLowerCase();
  if (!Object.hasOwn(TASKS, key)) {
    const valid = Object.keys(TASKS);
    ctx.fail([...at, 'task'], `'${name}' is not an AutoML task${didYouMean(key, valid)}`, `valid: ${valid.join(', ')}`);
  }
  return [key, TASKS[key]];
}

/**
 * An MLTable data input (training_data, validation_data, test_data, AutoMLVertical's
 * MLTableJobInput): a local MLTable folder is uploaded like any input. In a step a
 * `${{parent...}}` binding stays a string (azure-ai-ml AutoML*NodeSchema: `UnionField([Str, MLTableInput])`).
 */
async function dataInput(r: Reader, v: unknown, path: SpecPath): Promise<{ rest?: Obj; yaml: unknown }> {
  if (isBinding(v) && r.step) return { yaml: v.trim() };
  if (!isObj(v)) return r.ctx.fail(path, 'must be a map with type: mltable and path');
  const input = await jobInput(r.ctx, { type: 'mltable', ...v }, path, false);
  if (input.jobInputType !== 'mltable')
    r.ctx.fail([...path, 'type'], `'${String(input.jobInputType)}' is not an AutoML data input`, 'AutoML reads MLTable data: type: mltable');
  const yaml: Obj = { type: 'mltable', path: input.uri };
  if (v.mode !== undefined) yaml.mode = v.mode;
  if (input.description !== undefined) yaml.description = input.description;
  return { rest: input, yaml };
}

/** The task settings shared by the standalone job and the pipeline step: `taskDetails` and its YAML dump. */
async function taskDetails(r: Reader, spec: Obj, at: SpecPath, taskName: string, task: Task): Promise<Both> {
  const { ctx } = r;
  const out: Both = { rest: { taskType: task.taskType }, yaml: { task: taskName } };
  // log_verbosity: azure-ai-ml AutoMLVerticalSchema load_default=info
  if (spec.log_verbosity !== undefined && spec.log_verbosity !== null) {
    readField(r, spec, at, { yaml: 'log_verbosity', kind: { enum: E.logVerbosity } }, out);
  } else {
    out.yaml.log_verbosity = 'info';
  }
  for (const key of ['training_data', 'validation_data', 'test_data']) {
    if (spec[key] === undefined || spec[key] === null) continue;
    const d = await dataInput(r, spec[key], [...at, key]);
    out.yaml[key] = d.yaml;
    if (d.rest) out.rest[key.replace(/_data$/, 'Data')] = d.rest;
  }
  if (spec.training_data === undefined || spec.training_data === null) ctx.fail(at, "an automl job needs 'training_data' (an MLTable input)");
  if (task.targetRequired && (spec.target_column_name === undefined || spec.target_column_name === null))
    ctx.fail(at, `a ${taskName} job needs 'target_column_name' (the column to predict)`);
  readField(r, spec, at, { yaml: 'target_column_name', kind: 'str' }, out);
  if (spec.primary_metric !== undefined && spec.primary_metric !== null) {
    readField(r, spec, at, { yaml: 'primary_metric', kind: { enum: task.metrics } }, out);
  } else {
    out.rest.primaryMetric = task.defaultMetric;
    out.yaml.primary_metric = camelToSnake(task.defaultMetric);
  }
  if (task.family === 'tabular') await tabular(r, spec, at, taskName, task, out);
  else if (task.family === 'image') await image(r, spec, at, task, out);
  else nlp(r, spec, at, out);
  return out;
}

function section(r: Reader, spec: Obj, at: SpecPath, key: string, rest: string, fields: readonly Field[], what: string, out: Both): Both | undefined {
  if (spec[key] === undefined || spec[key] === null) return undefined;
  const s = readSection(r, spec[key], [...at, key], fields, what);
  out.rest[rest] = s.rest;
  out.yaml[key] = s.yaml;
  return s;
}

/** Classification, Regression, Forecasting (TableVertical). */
async function tabular(r: Reader, spec: Obj, at: SpecPath, taskName: string, task: Task, out: Both): Promise<void> {
  const { ctx } = r;
  readField(r, spec, at, { yaml: 'validation_data_size', kind: 'num' }, out);
  readField(r, spec, at, { yaml: 'test_data_size', kind: 'num' }, out);
  readField(r, spec, at, { yaml: 'cv_split_column_names', kind: 'strList' }, out);
  readField(r, spec, at, { yaml: 'n_cross_validations', kind: { autoOr: 'value' }, rest: 'nCrossValidations' }, out);
  readField(r, spec, at, { yaml: 'weight_column_name', kind: 'str' }, out);
  if (taskName === 'classification') readField(r, spec, at, { yaml: 'positive_label', kind: 'str' }, out);
  section(r, spec, at, 'limits', 'limitSettings', TABLE_LIMITS, 'tabular AutoML limits section', out);
  if (spec.featurization !== undefined && spec.featurization !== null) {
    const path = [...at, 'featurization'];
    const f = ctx.map(spec.featurization, path, 'must be a map (the featurization section)');
    const { transformer_params: tp, ...others } = f;
    const s = readSection(r, others, path, TABLE_FEATURIZATION, 'tabular featurization section');
    if (tp !== undefined && tp !== null) {
      const t = transformerParams(r, tp, [...path, 'transformer_params']);
      s.rest.transformerParams = t.rest;
      s.yaml.transformer_params = t.yaml;
    }
    out.rest.featurizationSettings = s.rest;
    out.yaml.featurization = s.yaml;
  }
  if (spec.training !== undefined && spec.training !== null) {
    const path = [...at, 'training'];
    const t = ctx.map(spec.training, path, 'must be a map (the training section)');
    const { stack_ensemble_settings: se, ...others } = t;
    const s = readSection(r, others, path, trainingFields(task.models ?? []), `${taskName} training section`);
    if (se !== undefined && se !== null) {
      const st = readSection(r, se, [...path, 'stack_ensemble_settings'], STACK_ENSEMBLE, 'stack ensemble settings');
      s.rest.stackEnsembleSettings = st.rest;
      s.yaml.stack_ensemble_settings = st.yaml;
    }
    out.rest.trainingSettings = s.rest;
    out.yaml.training = s.yaml;
  }
  if (taskName === 'forecasting') section(r, spec, at, 'forecasting', 'forecastingSettings', FORECASTING, 'forecasting section', out);
}

/**
 * `transformer_params: {imputer: [{fields: [...], parameters: {...}}]}` → transformerParams keyed by
 * AutoMLTransformerParameterKeys (Imputer, TfIdf, HashOneHotEncoder), as azure-ai-ml's
 * TabularFeaturizationSettings.transformer_params setter keys them.
 */
function transformerParams(r: Reader, v: unknown, path: SpecPath): Both {
  const { ctx } = r;
  const m = ctx.map(v, path, 'must be a map of transformer names (imputer, tf_idf, hash_one_hot_encoder) to lists');
  const out: Both = { rest: {}, yaml: {} };
  for (const [name, list] of Object.entries(m)) {
    const key = enumValue(r, name, [...path, name], E.transformerKeys, 'a transformer with parameters');
    const entries: unknown[] = Array.isArray(list) ? list : ctx.fail([...path, name], 'must be a list of {fields, parameters}');
    const items = entries.map((item, i) => {
      const p = [...path, name, i];
      const t = ctx.map(item, p, 'must be a map with fields and parameters');
      ctx.checkKeys(t, ['fields', 'parameters'], p, 'column transformer');
      const rest: Obj = {};
      if (t.fields !== undefined) {
        const fields: unknown[] = Array.isArray(t.fields) ? t.fields : ctx.fail([...p, 'fields'], 'must be a list of column names');
        rest.fields = fields.map((f, j) => ctx.str(f, [...p, 'fields', j]));
      }
      if (t.parameters !== undefined) {
        const params = ctx.map(t.parameters, [...p, 'parameters']);
        for (const [k, x] of Object.entries(params)) {
          if (isObj(x) || Array.isArray(x)) ctx.fail([...p, 'parameters', k], 'must be a number or a string');
        }
        rest.parameters = params;
      }
      return rest;
    });
    out.rest[key.rest] = items;
    out.yaml[key.yaml] = items;
  }
  return out;
}

/** ImageClassification(Multilabel), ImageObjectDetection, ImageInstanceSegmentation (ImageVertical). */
async function image(r: Reader, spec: Obj, at: SpecPath, task: Task, out: Both): Promise<void> {
  const { ctx } = r;
  readField(r, spec, at, { yaml: 'validation_data_size', kind: 'num' }, out);
  // limitSettings is required by ImageVertical; without a limits section the service defaults apply to an empty one
  if (!section(r, spec, at, 'limits', 'limitSettings', IMAGE_LIMITS, 'limits section of an image AutoML job', out)) out.rest.limitSettings = {};
  const detection = task.detection === true;
  if (spec.training_parameters !== undefined && spec.training_parameters !== null) {
    const path = [...at, 'training_parameters'];
    const tp = ctx.map(spec.training_parameters, path, 'must be a map (the training parameters)');
    const { checkpoint_model: cm, ...others } = tp;
    const s = readSection(
      r,
      others,
      path,
      imageSettingsFields(detection),
      `training parameters of an ${detection ? 'object detection' : 'image classification'} job`,
    );
    if (cm !== undefined && cm !== null) {
      const input = await jobInput(ctx, isObj(cm) ? { type: 'mlflow_model', ...cm } : cm, [...path, 'checkpoint_model'], false);
      if (input.jobInputType !== 'mlflow_model') ctx.fail([...path, 'checkpoint_model', 'type'], 'must be an mlflow_model input');
      s.rest.checkpointModel = input;
      s.yaml.checkpoint_model = { type: 'mlflow_model', path: input.uri };
    }
    out.rest.modelSettings = s.rest;
    out.yaml.training_parameters = s.yaml;
  }
  if (spec.sweep !== undefined && spec.sweep !== null) {
    const s = sweepSettings(r, spec.sweep, [...at, 'sweep']);
    out.rest.sweepSettings = s.rest;
    out.yaml.sweep = s.yaml;
  }
  if (spec.search_space !== undefined && spec.search_space !== null) {
    const path = [...at, 'search_space'];
    if (!Array.isArray(spec.search_space) || spec.search_space.length === 0) ctx.fail(path, 'must be a list of maps of parameters to distributions');
    const fields = imageSearchFields(detection);
    const what = `search space of an ${detection ? 'object detection' : 'image classification'} job`;
    out.rest.searchSpace = (spec.search_space as unknown[]).map((entry, i) => {
      const m = ctx.map(entry, [...path, i], 'must be a map of parameters to distributions');
      ctx.checkKeys(
        m,
        fields.map((f) => f.yaml),
        [...path, i],
        what,
      );
      const rest: Obj = {};
      for (const f of fields) if (m[f.yaml] !== undefined) rest[f.rest ?? f.yaml] = distributionString(r, m[f.yaml], [...path, i, f.yaml]);
      return rest;
    });
    out.yaml.search_space = spec.search_space;
  }
}

/** `sweep: {sampling_algorithm, early_termination}` → ImageSweepSettings (azure-ai-ml ImageSweepSettingsSchema). */
function sweepSettings(r: Reader, v: unknown, path: SpecPath): Both {
  const { ctx } = r;
  const m = ctx.map(v, path, 'must be a map with sampling_algorithm and early_termination');
  ctx.checkKeys(m, ['sampling_algorithm', 'early_termination'], path, 'AutoML sweep section');
  if (m.sampling_algorithm === undefined) ctx.fail(path, "the sweep section needs 'sampling_algorithm' (random, grid or bayesian)");
  const algo = enumValue(r, m.sampling_algorithm, [...path, 'sampling_algorithm'], E.sampling, 'a sampling algorithm');
  const out: Both = { rest: { samplingAlgorithm: algo.rest }, yaml: { sampling_algorithm: algo.yaml } };
  if (m.early_termination !== undefined && m.early_termination !== null) {
    const p = [...path, 'early_termination'];
    const et = ctx.map(m.early_termination, p, 'must be a map with a type');
    const type = ctx.str(et.type, [...p, 'type']).toLowerCase();
    const policy = ctx.oneOf(type, [...p, 'type'], EARLY_TERMINATION, 'an early termination policy');
    const { type: _t, ...others } = et;
    const s = readSection(r, others, p, [...POLICY_COMMON, ...policy.fields], `${type} policy`);
    out.rest.earlyTermination = { policyType: policy.policyType, ...s.rest };
    out.yaml.early_termination = { type, ...s.yaml };
  }
  return out;
}

/** TextClassification(Multilabel), TextNER (NlpVertical of 2024-10-01: featurization and limits only). */
function nlp(r: Reader, spec: Obj, at: SpecPath, out: Both): void {
  for (const key of ['training_parameters', 'sweep', 'search_space']) {
    if (spec[key] !== undefined && spec[key] !== null)
      refuseField(r, [...at, key], 'NLP sweeps and fixed parameters are newer than the Azure ML API version azureml-actions sends (2024-10-01)');
  }
  section(r, spec, at, 'featurization', 'featurizationSettings', NLP_FEATURIZATION, 'featurization section of an NLP AutoML job', out);
  section(r, spec, at, 'limits', 'limitSettings', NLP_LIMITS, 'limits section of an NLP AutoML job', out);
}

async function translate(ctx: PlanContext, spec: Obj, at: SpecPath = []): Promise<Obj> {
  const [taskName, task] = taskOf(ctx, spec, at);
  ctx.checkKeys(spec, keysOf(taskName, task), at, `AutoML ${taskName} job`);
  const p = commonProperties(ctx, spec, 'AutoML', at);
  const env = ctx.optStr(spec, 'environment_id', at);
  if (env !== undefined) p.environmentId = env;
  const vars = ctx.stringMap(spec.environment_variables, [...at, 'environment_variables']);
  if (vars) p.environmentVariables = vars;
  const outputs = jobOutputs(ctx, spec.outputs, [...at, 'outputs']);
  if (outputs) p.outputs = outputs;
  const res = resources(ctx, spec.resources, [...at, 'resources']);
  if (res) p.resources = res;
  p.taskDetails = (await taskDetails({ ctx, step: false }, spec, at, taskName, task)).rest;
  return p;
}

export const automlJob: JobTypeTranslator = { type: 'automl', jobType: 'AutoML', translate };

/**
 * The node of a `type: automl` step in a pipeline's `jobs`, as azure-ai-ml sends it: not the
 * camelCase AutoMLJob but the snake_case YAML dump of the AutoML node schema
 * (PipelineJob._to_rest_object → `job._to_dict(inside_pipeline=True)`, azure-ai-ml
 * entities/_job/pipeline/pipeline_job.py and _schema/pipeline/automl_node.py), e.g.
 *
 *   { type: 'automl', task: 'classification', log_verbosity: 'info', primary_metric: 'accuracy',
 *     target_column_name: 'y', training_data: '${{parent.inputs.train}}',
 *     limits: { max_trials: 1 }, featurization: { mode: 'auto' }, outputs: {}, tags: {} }
 *
 * (the expected dicts of azure-ai-ml tests/pipeline_job/*: test_automl_node_in_pipeline_*).
 * Enum values are dumped in their snake spelling (StringTransformedEnum with camel_to_snake), data
 * inputs are `${{...}}` bindings or `{type: mltable, path: <uploaded or resolved URI>}`, any other
 * field may be a `${{parent.inputs.x}}` binding, `compute` is the compute's ARM id, and `outputs`
 * are REST output dicts (`{job_output_type, ...}`, or `{type: 'literal', value: '${{parent.outputs.x}}'}`)
 * as BaseNode._to_rest_outputs writes them. The fields are checked as for a standalone job.
 */
export async function automlStep(ctx: PlanContext, node: Obj, at: SpecPath): Promise<Obj> {
  const [taskName, task] = taskOf(ctx, node, at);
  ctx.checkKeys(node, keysOf(taskName, task), at, `AutoML ${taskName} step`);
  const r: Reader = { ctx, step: true };
  // The node's name is its key under jobs: azure-ai-ml sets it on every loaded step
  // (_schema/pipeline/pipeline_component.py _post_load_pipeline_jobs: `job_instance.name = key`) and
  // AutoMLJob._to_dict(inside_pipeline=True) sends it (tests/dsl: "name": "automl_classif_job").
  const out: Obj = { type: 'automl', name: String(at[at.length - 1]) };
  // display_name, ... as the YAML gives them (checked by the same rules as a job's)
  const checked = commonProperties(ctx, node, 'AutoML', at);
  for (const k of ['display_name', 'experiment_name', 'description', 'properties', 'identity', 'services', 'queue_settings']) {
    if (node[k] !== undefined && node[k] !== null) out[k] = node[k];
  }
  out.tags = ctx.stringMap(node.tags, [...at, 'tags']) ?? {};
  if (checked.computeId !== undefined) out.compute = checked.computeId;
  const details = await taskDetails(r, node, at, taskName, task);
  Object.assign(out, details.yaml);
  if (node.environment_id !== undefined) out.environment_id = ctx.str(node.environment_id, [...at, 'environment_id']);
  const vars = ctx.stringMap(node.environment_variables, [...at, 'environment_variables']);
  if (vars) out.environment_variables = vars;
  if (node.resources !== undefined && node.resources !== null) {
    resources(ctx, node.resources, [...at, 'resources']);
    out.resources = node.resources;
  }
  out.outputs = stepOutputs(ctx, node.outputs, [...at, 'outputs']);
  return out;
}

/** A step's outputs as BaseNode._to_rest_outputs writes them (binding → literal; else a REST output dict). */
function stepOutputs(ctx: PlanContext, v: unknown, path: SpecPath): Obj {
  if (v === undefined || v === null) return {};
  const m = ctx.map(v, path, 'must be a map of output names to outputs');
  const out: Obj = {};
  for (const [name, x] of Object.entries(m)) {
    if (typeof x === 'string') {
      if (!/^\s*\$\{\{\s*parent\.outputs\.[A-Za-z0-9_]+\s*\}\}\s*$/.test(x))
        ctx.fail([...path, name], `'${x}' must bind a pipeline output: \${{parent.outputs.<name>}}`);
      out[name] = { type: 'literal', value: x.trim() };
      continue;
    }
    const { jobOutputType, ...others } = jobOutput(ctx, x, [...path, name]);
    out[name] = { job_output_type: jobOutputType, ...others };
  }
  return out;
}
