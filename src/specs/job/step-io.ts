/**
 * Inputs and outputs of a pipeline step, of every step type: the REST node entries
 * (`job_input_type` / `job_output_type`, snake case, as azure-ai-ml's pipeline serialization sends
 * them: entities/_job/pipeline/_io/base.py `_to_job_input` / `_to_job_output`), the ports of the
 * anonymous component an inline step becomes, and the check that each binding names what its
 * pipeline level defines ({@link StepScope}).
 */
import type { SpecPath } from '../document.js';
import { didYouMean } from '../fields.js';
import { isObj, type Obj } from '../../core/obj.js';
import type { PlanContext } from '../plan.js';
import { jobInput, jobOutput } from './io.js';

/** What the steps of one pipeline level may bind: its inputs and outputs and its steps. */
export interface StepScope {
  inputs: string[];
  outputs: string[];
  steps: string[];
  jobs: Obj;
  /** The pipeline's `settings.default_environment` is set (inline steps may then leave out environment). */
  defaultEnvironment?: boolean;
}

/** The REST entries of a step's inputs or outputs and the component ports they imply. */
export interface Bound {
  rest: Obj;
  ports: Obj;
}

/** How a step type writes its ports: spark and parallel components keep each port's mode. */
export interface PortOptions {
  portModes?: boolean;
}

/** The step's name: the last element of `at` (`['jobs', '<step>']`). */
export function stepName(at: SpecPath): string {
  return String(at[at.length - 1] ?? 'step');
}

const REF = /\$\{\{([^}]*)\}\}/g;
/** A path that is a binding (`${{parent...}}`), not a path with `${{name}}` in it. */
const PARENT_BINDING = /^\s*\$\{\{\s*parent\./;

/**
 * A value with `${{...}}` in it: each binding checked, the value normalized (no spaces inside the
 * braces). A value that is exactly one binding may bind a step output; text around bindings
 * (`'${{parent.inputs.a}}-${{parent.inputs.b}}'`) may embed pipeline inputs only.
 */
export function bindingValue(ctx: PlanContext, raw: string, path: SpecPath, scope: StepScope, self: string, outputsAllowed = true): string {
  const value = raw.trim();
  const matches = [...value.matchAll(REF)];
  const whole = matches.length === 1 && matches[0][0] === value;
  let normalized = value;
  for (const m of matches) {
    const expr = m[1].trim();
    checkBinding(ctx, expr, path, scope, self, whole && outputsAllowed);
    normalized = normalized.replace(m[0], `\${{${expr}}}`);
  }
  if (/\$\{\{/.test(normalized.replace(REF, ''))) ctx.fail(path, `'${raw}' has an unclosed \${{`);
  return normalized;
}

/** `parent.inputs.x` / `parent.jobs.<step>.outputs.y` must name what exists. */
function checkBinding(ctx: PlanContext, expr: string, path: SpecPath, scope: StepScope, self: string, outputsAllowed: boolean): void {
  const m = /^parent\.(inputs\.([A-Za-z0-9_]+)|jobs\.([A-Za-z0-9_]+)\.outputs\.([A-Za-z0-9_]+))$/.exec(expr);
  if (!m) return ctx.fail(path, `'\${{${expr}}}' is not a pipeline binding`, 'write ${{parent.inputs.<name>}} or ${{parent.jobs.<step>.outputs.<name>}}');
  if (m[2] !== undefined) {
    if (!scope.inputs.includes(m[2])) {
      ctx.fail(
        path,
        `binds the pipeline input '${m[2]}', which is not defined${didYouMean(m[2], scope.inputs)}`,
        scope.inputs.length ? `pipeline inputs: ${scope.inputs.join(', ')}` : 'this pipeline defines no inputs',
      );
    }
    return;
  }
  if (!outputsAllowed)
    ctx.fail(path, `'\${{${expr}}}' binds a step output, which cannot be part of a text or a compute`, 'bind it as the whole value of an input');
  const [step, output] = [m[3], m[4]];
  if (!scope.steps.includes(step))
    ctx.fail(path, `binds the step '${step}', which is not in this pipeline${didYouMean(step, scope.steps)}`, `steps: ${scope.steps.join(', ')}`);
  if (step === self) ctx.fail(path, `a step cannot bind its own output (${step})`);
  const other = scope.jobs[step];
  const declared = isObj(other) && isObj(other.outputs) ? Object.keys(other.outputs) : [];
  const inline = isObj(other) && other.component === undefined && other.trial === undefined && (other.type === undefined || other.type === 'command');
  if (output !== 'artifacts' && inline && !declared.includes(output)) {
    ctx.fail(
      path,
      `binds output '${output}' of step '${step}', which that step does not declare${didYouMean(output, declared)}`,
      declared.length ? `outputs of ${step}: ${declared.join(', ')}` : `step ${step} declares no outputs`,
    );
  }
}

/** The port of an input or output: its type, and its mode where the step type keeps it. */
function port(type: string, x: unknown, o: PortOptions): Obj {
  return { type, ...(o.portModes && isObj(x) && x.mode !== undefined ? { mode: String(x.mode) } : {}) };
}

/** A step's inputs: bindings (checked) and values or data of its own (uploaded / resolved). */
export async function stepInputs(ctx: PlanContext, v: unknown, path: SpecPath, scope: StepScope, self: string, o: PortOptions = {}): Promise<Bound> {
  const bound: Bound = { rest: {}, ports: {} };
  if (v === undefined || v === null) return bound;
  const inputs = ctx.map(v, path, 'must be a map of input names to inputs');
  for (const [name, x] of Object.entries(inputs)) {
    const ip: SpecPath = [...path, name];
    if (typeof x === 'string' && x.includes('${{')) {
      const value = bindingValue(ctx, x, ip, scope, self);
      bound.rest[name] = { job_input_type: 'literal', value };
      bound.ports[name] = { type: /^\$\{\{parent\.jobs\./.test(value) ? 'uri_folder' : 'string' };
    } else if (isObj(x) && typeof x.path === 'string' && PARENT_BINDING.test(x.path)) {
      // {type, path: ${{parent...}}, mode}: a binding with a mode; sent as a literal with its mode
      // (_job/pipeline/_io/mixin.py NodeIOMixin._to_rest_inputs: InputLiteral(value=binding) + mode).
      ctx.checkKeys(x, ['type', 'path', 'mode', 'description', 'optional'], ip, 'step input');
      const { jobInputType, mode } = await jobInput(ctx, { ...x, path: 'azureml://datastores/x/paths/x' }, ip, true);
      bound.rest[name] = { job_input_type: 'literal', value: bindingValue(ctx, x.path, [...ip, 'path'], scope, self), ...(mode ? { mode } : {}) };
      bound.ports[name] = port(String(jobInputType), x, o);
    } else {
      const { jobInputType, ...others } = await jobInput(ctx, x, ip, true);
      bound.rest[name] = { job_input_type: jobInputType, ...others };
      bound.ports[name] = port(jobInputType === 'literal' ? literalType(x) : String(jobInputType), x, o);
    }
  }
  return bound;
}

/**
 * A step's outputs: bindings to pipeline outputs, or outputs of its own (type, mode, path, name,
 * version). A path may use the service's placeholders `${{name}}` and `${{default_datastore}}`
 * (azureml-examples cli/jobs/parallel/2a_iris_batch_prediction/pipeline.yml); they are kept as written.
 */
export function stepOutputs(ctx: PlanContext, v: unknown, path: SpecPath, scope: StepScope, o: PortOptions = {}): Bound {
  const bound: Bound = { rest: {}, ports: {} };
  if (v === undefined || v === null) return bound;
  const outputs = ctx.map(v, path, 'must be a map of output names to outputs');
  for (const [name, x] of Object.entries(outputs)) {
    const op: SpecPath = [...path, name];
    const binding = typeof x === 'string' ? x : isObj(x) && typeof x.path === 'string' && PARENT_BINDING.test(x.path) ? x.path : undefined;
    if (binding !== undefined && binding.includes('${{')) {
      const bp: SpecPath = typeof x === 'string' ? op : [...op, 'path'];
      const m = /^\s*\$\{\{\s*parent\.outputs\.([A-Za-z0-9_]+)\s*\}\}\s*$/.exec(binding);
      if (!m || !scope.outputs.includes(m[1]))
        ctx.fail(
          bp,
          `'${binding}' must bind a pipeline output: \${{parent.outputs.<name>}}`,
          scope.outputs.length ? `pipeline outputs: ${scope.outputs.join(', ')}` : 'this pipeline defines no outputs',
        );
      // An output binding is {value, type: literal} with the mode, name and version it sets
      // (_job/pipeline/_io/mixin.py NodeIOMixin._to_rest_outputs).
      const rest: Obj = { value: `\${{parent.outputs.${m[1]}}}`, type: 'literal' };
      let type = 'uri_folder';
      if (isObj(x)) {
        ctx.checkKeys(x, ['type', 'path', 'mode', 'name', 'version', 'description'], op, 'step output');
        const { jobOutputType, mode } = jobOutput(ctx, { type: x.type, mode: x.mode }, op);
        type = jobOutputType as string;
        if (mode) rest.mode = mode;
        Object.assign(rest, assetOf(ctx, x, op));
      }
      bound.rest[name] = rest;
      bound.ports[name] = port(type, x, o);
    } else {
      let spec = x;
      let asset: Obj = {};
      if (isObj(x) && (x.name !== undefined || x.version !== undefined)) {
        asset = assetOf(ctx, x, op);
        const { name: _n, version: _v, ...rest } = x;
        spec = rest;
      }
      const raw = isObj(spec) && typeof spec.path === 'string' ? spec.path : undefined;
      if (raw !== undefined && isObj(spec)) spec = { ...spec, path: raw.replace(/\$\{\{\s*default_datastore\s*\}\}/g, 'workspaceblobstore') };
      const { jobOutputType, ...others } = jobOutput(ctx, spec, op);
      if (raw !== undefined) others.uri = raw;
      bound.rest[name] = { job_output_type: jobOutputType, ...others, ...asset };
      bound.ports[name] = port(String(jobOutputType), x, o);
    }
  }
  return bound;
}

/**
 * `name` / `version` of a step output (registering it as a data asset): sent as `name` and
 * `version` (mixin.py _to_rest_outputs renames the REST output's asset_name / asset_version).
 */
function assetOf(ctx: PlanContext, x: Obj, op: SpecPath): Obj {
  const out: Obj = {};
  if (x.name !== undefined) out.name = ctx.str(x.name, [...op, 'name']);
  if (x.version !== undefined) {
    if (x.name === undefined) ctx.fail([...op, 'version'], 'an output version needs a name');
    out.version = String(x.version);
  }
  return out;
}

function literalType(v: unknown): string {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return 'string';
}
