/**
 * Inputs and outputs of the spark and parallel steps of a pipeline: the REST node entries
 * (`job_input_type` / `job_output_type`, snake case, as azure-ai-ml's pipeline serialization sends
 * them: entities/_job/pipeline/_io/base.py `_to_job_input` / `_to_job_output`), the ports of the
 * anonymous component an inline step becomes, and the check that a binding names what the pipeline
 * defines (the pipeline is `ctx.doc.value`: a step sits at `['jobs', '<step>']` of it).
 */
import type { SpecPath } from '../document.js';
import { didYouMean } from '../fields.js';
import { isObj, type Obj } from '../../core/obj.js';
import type { PlanContext } from '../plan.js';
import { jobInput, jobOutput } from './io.js';

const BINDING = /^\s*\$\{\{.*\}\}\s*$/;

/** The REST entries of a step's inputs or outputs and the component ports they imply. */
export interface StepPorts {
  rest: Obj;
  ports: Obj;
}

/** The step's name: the last element of `at` (`['jobs', '<step>']`). */
export function stepName(at: SpecPath): string {
  return String(at[at.length - 1] ?? 'step');
}

/** `${{parent.inputs.x}}`, `${{parent.jobs.<step>.outputs.y}}`, `${{parent.outputs.z}}` must name what exists. */
export function checkBinding(ctx: PlanContext, v: string, path: SpecPath, at: SpecPath, outputs = false): void {
  const pipeline = isObj(ctx.doc.value) ? ctx.doc.value : {};
  const names = (o: unknown) => (isObj(o) ? Object.keys(o) : []);
  const self = stepName(at);
  if (outputs) {
    const m = /^\s*\$\{\{\s*parent\.outputs\.([A-Za-z0-9_]+)\s*\}\}\s*$/.exec(v);
    const defined = names(pipeline.outputs);
    if (!m || !defined.includes(m[1]))
      ctx.fail(
        path,
        `'${v}' must bind a pipeline output: \${{parent.outputs.<name>}}`,
        defined.length ? `pipeline outputs: ${defined.join(', ')}` : 'this pipeline defines no outputs',
      );
    return;
  }
  const m = /^\s*\$\{\{\s*parent\.(inputs\.([A-Za-z0-9_]+)|jobs\.([A-Za-z0-9_]+)\.outputs\.([A-Za-z0-9_]+))\s*\}\}\s*$/.exec(v);
  if (!m) return ctx.fail(path, `'${v}' is not a pipeline binding`, 'write ${{parent.inputs.<name>}} or ${{parent.jobs.<step>.outputs.<name>}}');
  if (m[2] !== undefined) {
    const defined = names(pipeline.inputs);
    if (!defined.includes(m[2]))
      ctx.fail(
        path,
        `binds the pipeline input '${m[2]}', which is not defined${didYouMean(m[2], defined)}`,
        defined.length ? `pipeline inputs: ${defined.join(', ')}` : 'this pipeline defines no inputs',
      );
    return;
  }
  const steps = names(pipeline.jobs);
  if (!steps.includes(m[3])) ctx.fail(path, `binds the step '${m[3]}', which is not in this pipeline${didYouMean(m[3], steps)}`, `steps: ${steps.join(', ')}`);
  if (m[3] === self) ctx.fail(path, `a step cannot bind its own output (${self})`);
}

function literalType(v: unknown): string {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return 'string';
}

/** A step's inputs: bindings (checked), literal values, data of its own (uploaded / resolved). */
export async function stepInputs(ctx: PlanContext, v: unknown, path: SpecPath, at: SpecPath): Promise<StepPorts> {
  const out: StepPorts = { rest: {}, ports: {} };
  if (v === undefined || v === null) return out;
  const m = ctx.map(v, path, 'must be a map of input names to inputs');
  for (const [name, x] of Object.entries(m)) {
    const ip: SpecPath = [...path, name];
    if (typeof x === 'string' && BINDING.test(x)) {
      checkBinding(ctx, x, ip, at);
      out.rest[name] = { job_input_type: 'literal', value: x.trim() };
      out.ports[name] = { type: /outputs\./.test(x) ? 'uri_folder' : 'string' };
      continue;
    }
    if (isObj(x) && typeof x.path === 'string' && BINDING.test(x.path)) {
      // {type, path: ${{parent...}}, mode}: a binding with a mode, sent as a literal with its mode
      // (entities/_job/pipeline/_pipeline_job_helpers.py process_sdk_component_job_io, which every
      // node's _to_rest_inputs uses: {value: binding, mode}), as pipeline-steps.ts sends it.
      checkBinding(ctx, x.path, [...ip, 'path'], at);
      const { jobInputType, mode } = await jobInput(ctx, { ...x, path: 'azureml://datastores/x/paths/x' }, ip, true);
      out.rest[name] = { job_input_type: 'literal', value: x.path.trim(), ...(mode ? { mode } : {}) };
      out.ports[name] = { type: jobInputType, ...(x.mode !== undefined ? { mode: String(x.mode) } : {}) };
      continue;
    }
    const { jobInputType, ...others } = await jobInput(ctx, x, ip, true);
    out.rest[name] = { job_input_type: jobInputType, ...others };
    const port: Obj = { type: jobInputType === 'literal' ? literalType(x) : jobInputType };
    if (typeof others.mode === 'string' && isObj(x)) port.mode = String(x.mode);
    out.ports[name] = port;
  }
  return out;
}

/**
 * A step's outputs: a binding to a pipeline output, or an output of its own. A path may use the
 * service's placeholders `${{name}}` and `${{default_datastore}}` (azureml-examples
 * cli/jobs/parallel/2a_iris_batch_prediction/pipeline.yml); they are kept as written.
 */
export function stepOutputs(ctx: PlanContext, v: unknown, path: SpecPath, at: SpecPath): StepPorts {
  const out: StepPorts = { rest: {}, ports: {} };
  if (v === undefined || v === null) return out;
  const m = ctx.map(v, path, 'must be a map of output names to outputs');
  for (const [name, x] of Object.entries(m)) {
    const op: SpecPath = [...path, name];
    if (typeof x === 'string' && BINDING.test(x)) {
      checkBinding(ctx, x, op, at, true);
      out.rest[name] = { type: 'literal', value: x.trim() };
      out.ports[name] = { type: 'uri_folder' };
      continue;
    }
    if (isObj(x) && typeof x.path === 'string' && BINDING.test(x.path)) {
      // {type, path: ${{parent.outputs.z}}, mode}: the binding with its mode (process_sdk_component_job_io)
      checkBinding(ctx, x.path, [...op, 'path'], at, true);
      const { path: _bound, ...described } = x;
      const { jobOutputType, mode } = jobOutput(ctx, described, op);
      out.rest[name] = { type: 'literal', value: x.path.trim(), ...(mode ? { mode } : {}) };
      out.ports[name] = { type: jobOutputType, ...(x.mode !== undefined ? { mode: String(x.mode) } : {}) };
      continue;
    }
    const raw = isObj(x) && typeof x.path === 'string' ? x.path : undefined;
    const checked = raw !== undefined && isObj(x) ? { ...x, path: raw.replace(/\$\{\{\s*default_datastore\s*\}\}/g, 'workspaceblobstore') } : x;
    const { jobOutputType, ...others } = jobOutput(ctx, checked, op);
    if (raw !== undefined) others.uri = raw;
    out.rest[name] = { job_output_type: jobOutputType, ...others };
    const port: Obj = { type: jobOutputType };
    if (isObj(x) && x.mode !== undefined) port.mode = String(x.mode);
    out.ports[name] = port;
  }
  return out;
}
