/**
 * `type: pipeline` jobs → PipelineJob (azure-ai-ml entities/_job/pipeline/pipeline_job.py
 * _to_rest_object): the job's inputs, outputs and settings, and its steps as REST nodes
 * (pipeline-steps.ts: command, sweep and pipeline steps; one table for every step type).
 */
import type { SpecPath } from '../document.js';
import { isObj, type Obj } from '../../core/obj.js';
import type { PlanContext } from '../plan.js';
import { environmentId } from './assets.js';
import { commonProperties, COMMON_KEYS, computeId } from './common.js';
import { jobInputs, jobOutputs, LITERAL_TYPES } from './io.js';
import { pipelineSteps } from './pipeline-steps.js';
import type { JobTypeTranslator } from './types.js';

const PIPELINE_KEYS = [...COMMON_KEYS, 'inputs', 'outputs', 'settings', 'jobs'];

async function translate(ctx: PlanContext, spec: Obj, at: SpecPath = []): Promise<Obj> {
  ctx.checkKeys(spec, PIPELINE_KEYS, at, 'pipeline job');
  const p = commonProperties(ctx, spec, 'Pipeline', at);
  const declared = isObj(spec.inputs) ? Object.keys(spec.inputs) : [];
  const inputs = await jobInputs(ctx, withValues(spec.inputs), [...at, 'inputs']);
  if (inputs && Object.keys(inputs).length) p.inputs = inputs;
  const outputs = jobOutputs(ctx, spec.outputs, [...at, 'outputs']);
  if (outputs) p.outputs = outputs;
  p.settings = await settings(ctx, spec.settings, [...at, 'settings']);
  if (spec.jobs === undefined) ctx.fail(at, 'a pipeline job needs at least one step under jobs');
  p.jobs = await pipelineSteps(ctx, spec.jobs, [...at, 'jobs'], {
    inputs: declared,
    outputs: Object.keys(outputs ?? {}),
    defaultEnvironment: isObj(spec.settings) && Boolean(spec.settings.default_environment),
  });
  return p;
}

/**
 * The pipeline inputs that have a value. An input declared without one (`x: {type: integer}`)
 * is not sent, but steps may still bind it: "MFE not support pass None or empty input value.
 * Remove the empty inputs in pipeline job." (pipeline_job.py _to_rest_object).
 */
function withValues(v: unknown): unknown {
  if (!isObj(v)) return v;
  return Object.fromEntries(
    Object.entries(v).filter(([, x]) => {
      if (x === null || x === '') return false;
      if (!isObj(x)) return true;
      const type = typeof x.type === 'string' ? x.type : 'uri_folder';
      return LITERAL_TYPES.includes(type) ? (x.value ?? x.default) !== undefined : x.path !== undefined;
    }),
  );
}

const SETTINGS_KEYS = ['default_compute', 'default_datastore', 'continue_on_step_failure', 'force_rerun', 'default_environment'];

/**
 * `settings` → PipelineJob.settings with `_source` (pipeline_job.py `settings_dict.update({"_source": ...})`).
 * Fields the suite does not know pass through as written, as az ml sends them
 * (_schema/pipeline/settings.py PipelineJobSettingsSchema: `unknown = INCLUDE`).
 */
async function settings(ctx: PlanContext, v: unknown, path: SpecPath): Promise<Obj> {
  const out: Obj = {};
  if (v !== undefined && v !== null) {
    const st = ctx.map(v, path);
    for (const [k, x] of Object.entries(st)) {
      if (SETTINGS_KEYS.includes(k)) continue;
      if (isObj(x) || Array.isArray(x)) ctx.fail([...path, k], `'${k}' is not a pipeline setting azureml-actions knows, and its value is not a plain value`);
      out[k] = x;
    }
    if (st.default_compute !== undefined) {
      const c = computeId(ctx, st.default_compute, [...path, 'default_compute']);
      if (c) out.default_compute = c;
    }
    if (st.default_datastore !== undefined) {
      const ds = ctx.str(st.default_datastore, [...path, 'default_datastore']).replace(/^azureml:/, '');
      out.default_datastore = ds.startsWith('/subscriptions/') ? ds : `${ctx.o.workspaceId}/datastores/${ds}`;
    }
    if (st.continue_on_step_failure !== undefined) out.continue_on_step_failure = Boolean(st.continue_on_step_failure);
    if (st.force_rerun !== undefined) out.force_rerun = Boolean(st.force_rerun);
    if (st.default_environment !== undefined) out.default_environment = await environmentId(ctx, st.default_environment, [...path, 'default_environment']);
  }
  out._source = 'YAML.JOB';
  return out;
}

export const pipelineJob: JobTypeTranslator = { type: 'pipeline', jobType: 'Pipeline', translate };
