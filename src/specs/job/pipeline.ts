/**
 * `type: pipeline` jobs → PipelineJob. Steps become node entries that bind a component version:
 * a referenced one, one from a component file, or an anonymous one made of an inline step.
 */
import type { SpecPath } from '../document.js';
import { didYouMean } from '../fields.js';
import { isObj, type Obj } from '../../core/obj.js';
import type { PlanContext } from '../plan.js';
import { codeId, environmentId } from './assets.js';
import { commandLimits, commonProperties, COMMON_KEYS, computeId, distribution, resources } from './common.js';
import { ANON_COMPONENT_NAME, COMMAND_COMPONENT_SCHEMA, componentRef, registerComponent } from './components.js';
import { checkCommandRefs, jobInput, jobInputs, jobOutput, jobOutputs, scopeOf } from './io.js';
import type { JobTypeTranslator } from './types.js';

const PIPELINE_KEYS = [...COMMON_KEYS, 'inputs', 'outputs', 'settings', 'jobs'];
const SETTINGS_KEYS = ['default_compute', 'default_datastore', 'continue_on_step_failure', 'force_rerun', 'default_environment'];
const NODE_KEYS = [
  'type',
  'component',
  'command',
  'code',
  'environment',
  'environment_variables',
  'inputs',
  'outputs',
  'compute',
  'resources',
  'distribution',
  'limits',
  'display_name',
  'description',
  'tags',
  'identity',
  'services',
  'name',
];
const BINDING = /^\s*\$\{\{.*\}\}\s*$/;

/** What a step may bind: the pipeline's inputs and outputs and the other steps. */
interface Parent {
  inputs: string[];
  outputs: string[];
  steps: string[];
  jobs: Obj;
}

async function translate(ctx: PlanContext, spec: Obj): Promise<Obj> {
  ctx.checkKeys(spec, PIPELINE_KEYS, [], 'pipeline job');
  const p = commonProperties(ctx, spec, 'Pipeline');
  const inputs = await jobInputs(ctx, spec.inputs, ['inputs']);
  if (inputs) p.inputs = inputs;
  const outputs = jobOutputs(ctx, spec.outputs, ['outputs']);
  if (outputs) p.outputs = outputs;
  p.settings = await settings(ctx, spec.settings);
  if (!isObj(spec.jobs) || Object.keys(spec.jobs).length === 0) ctx.fail(['jobs'], 'a pipeline job needs at least one step under jobs');
  const jobs = spec.jobs;
  const parent: Parent = { inputs: Object.keys(inputs ?? {}), outputs: Object.keys(outputs ?? {}), steps: Object.keys(jobs), jobs };
  const nodes: Obj = {};
  for (const [stepName, node] of Object.entries(jobs)) {
    const path: SpecPath = ['jobs', stepName];
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(stepName)) ctx.fail(path, 'a step name starts with a letter or _ and has letters, digits and _ only');
    if (!isObj(node)) ctx.fail(path, 'must be a step (a map with a command or a component)');
    nodes[stepName] = await pipelineNode(ctx, stepName, node, path, parent);
  }
  p.jobs = nodes;
  return p;
}

async function settings(ctx: PlanContext, v: unknown): Promise<Obj> {
  const out: Obj = {};
  if (v !== undefined && v !== null) {
    const st = ctx.map(v, ['settings']);
    ctx.checkKeys(st, SETTINGS_KEYS, ['settings'], 'pipeline settings section');
    if (st.default_compute !== undefined) out.default_compute = computeId(ctx, st.default_compute, ['settings', 'default_compute']);
    if (st.default_datastore !== undefined) {
      const ds = ctx.str(st.default_datastore, ['settings', 'default_datastore']).replace(/^azureml:/, '');
      out.default_datastore = `${ctx.o.workspaceId}/datastores/${ds}`;
    }
    if (st.continue_on_step_failure !== undefined) out.continue_on_step_failure = Boolean(st.continue_on_step_failure);
    if (st.force_rerun !== undefined) out.force_rerun = Boolean(st.force_rerun);
    if (st.default_environment !== undefined) out.default_environment = await environmentId(ctx, st.default_environment, ['settings', 'default_environment']);
  }
  out._source = 'YAML.JOB';
  return out;
}

/** The REST node of a step and the matching ports of the component it becomes (inline steps). */
interface Bound {
  rest: Obj;
  ports: Obj;
}

async function pipelineNode(ctx: PlanContext, stepName: string, node: Obj, path: SpecPath, parent: Parent): Promise<Obj> {
  ctx.checkKeys(node, NODE_KEYS, path, 'pipeline step');
  const type = node.type === undefined ? 'command' : ctx.str(node.type, [...path, 'type']);
  if (type !== 'command')
    ctx.fail([...path, 'type'], `steps of type '${type}' are not supported`, 'supported: command steps (inline, or a component: file or reference)');
  const inputs = await stepInputs(ctx, node.inputs, [...path, 'inputs'], parent, stepName);
  if (node.inputs !== undefined && node.inputs !== null && !isObj(node.inputs)) ctx.fail([...path, 'inputs'], 'must be a map');
  const outputs = stepOutputs(ctx, node.outputs, [...path, 'outputs'], parent);
  const out: Obj = { name: stepName, type: 'command', _source: 'YAML.JOB' };
  if (node.display_name !== undefined) out.display_name = ctx.str(node.display_name, [...path, 'display_name']);
  if (node.compute !== undefined) out.computeId = computeId(ctx, node.compute, [...path, 'compute']);
  if (node.environment_variables !== undefined) out.environment_variables = ctx.stringMap(node.environment_variables, [...path, 'environment_variables']);
  if (node.resources !== undefined) out.resources = resources(ctx, node.resources, [...path, 'resources']);
  if (node.distribution !== undefined) out.distribution = distribution(ctx, node.distribution, [...path, 'distribution']);
  if (node.limits !== undefined) out.limits = commandLimits(ctx, node.limits, [...path, 'limits']);
  if (node.tags !== undefined) out.tags = ctx.stringMap(node.tags, [...path, 'tags']);
  if (Object.keys(inputs.rest).length) out.inputs = inputs.rest;
  if (Object.keys(outputs.rest).length) out.outputs = outputs.rest;
  if (node.component !== undefined) {
    if (node.command !== undefined || node.code !== undefined || node.environment !== undefined)
      ctx.fail(path, 'a step has either a component or command/code/environment, not both');
    out.componentId = await componentRef(ctx, node.component, [...path, 'component']);
  } else {
    out.componentId = await inlineComponent(ctx, node, path, inputs.ports, outputs.ports);
  }
  return out;
}

/** A step's inputs: pipeline bindings (checked) and values or data of its own. */
async function stepInputs(ctx: PlanContext, v: unknown, path: SpecPath, parent: Parent, stepName: string): Promise<Bound> {
  const bound: Bound = { rest: {}, ports: {} };
  for (const [name, x] of Object.entries(isObj(v) ? v : {})) {
    const ip: SpecPath = [...path, name];
    if (typeof x === 'string' && BINDING.test(x)) {
      checkPipelineBinding(ctx, x, ip, parent, stepName);
      bound.rest[name] = { job_input_type: 'literal', value: x.trim() };
      bound.ports[name] = { type: /outputs\./.test(x) ? 'uri_folder' : 'string' };
    } else {
      const { jobInputType, ...others } = await jobInput(ctx, x, ip, true);
      bound.rest[name] = { job_input_type: jobInputType, ...others };
      bound.ports[name] = { type: jobInputType === 'literal' ? literalType(x) : jobInputType };
    }
  }
  return bound;
}

/** A step's outputs: bindings to pipeline outputs, or outputs of its own. */
function stepOutputs(ctx: PlanContext, v: unknown, path: SpecPath, parent: Parent): Bound {
  const bound: Bound = { rest: {}, ports: {} };
  for (const [name, x] of Object.entries(isObj(v) ? v : {})) {
    const op: SpecPath = [...path, name];
    if (typeof x === 'string' && BINDING.test(x)) {
      const m = /^\s*\$\{\{\s*parent\.outputs\.([A-Za-z0-9_]+)\s*\}\}\s*$/.exec(x);
      if (!m || !parent.outputs.includes(m[1]))
        ctx.fail(
          op,
          `'${x}' must bind a pipeline output: \${{parent.outputs.<name>}}`,
          parent.outputs.length ? `pipeline outputs: ${parent.outputs.join(', ')}` : 'this pipeline defines no outputs',
        );
      bound.rest[name] = { type: 'literal', value: x.trim() };
      bound.ports[name] = { type: 'uri_folder' };
    } else {
      const { jobOutputType, ...others } = jobOutput(ctx, x, op);
      bound.rest[name] = { job_output_type: jobOutputType, ...others };
      bound.ports[name] = { type: jobOutputType };
    }
  }
  return bound;
}

/** An inline step (command, code, environment) → an anonymous command component version. */
async function inlineComponent(ctx: PlanContext, node: Obj, path: SpecPath, inputs: Obj, outputs: Obj): Promise<string> {
  if (node.command === undefined) ctx.fail(path, 'a step needs a command (inline) or a component');
  const command = ctx.str(node.command, [...path, 'command']).trim();
  checkCommandRefs(ctx, command, [...path, 'command'], scopeOf(inputs, outputs));
  const componentSpec: Obj = { $schema: COMMAND_COMPONENT_SCHEMA, name: ANON_COMPONENT_NAME, type: 'command', command, is_deterministic: true };
  const code = await codeId(ctx, node.code, [...path, 'code']);
  if (code) componentSpec.code = `azureml:${code}`;
  if (node.environment === undefined && !hasDefaultEnvironment(ctx.doc.value))
    ctx.fail(path, 'a step needs an environment (or the pipeline settings.default_environment)');
  if (node.environment !== undefined) componentSpec.environment = `azureml:${await environmentId(ctx, node.environment, [...path, 'environment'])}`;
  if (Object.keys(inputs).length) componentSpec.inputs = inputs;
  if (Object.keys(outputs).length) componentSpec.outputs = outputs;
  return registerComponent(ctx, componentSpec);
}

function hasDefaultEnvironment(spec: unknown): boolean {
  return isObj(spec) && isObj(spec.settings) && Boolean(spec.settings.default_environment);
}

/** `${{parent.inputs.x}}` / `${{parent.jobs.<step>.outputs.y}}` must name what exists. */
function checkPipelineBinding(ctx: PlanContext, v: string, path: SpecPath, parent: Parent, self: string): void {
  const m = /^\s*\$\{\{\s*parent\.(inputs\.([A-Za-z0-9_]+)|jobs\.([A-Za-z0-9_]+)\.outputs\.([A-Za-z0-9_]+))\s*\}\}\s*$/.exec(v);
  if (!m) return ctx.fail(path, `'${v}' is not a pipeline binding`, 'write ${{parent.inputs.<name>}} or ${{parent.jobs.<step>.outputs.<name>}}');
  if (m[2] !== undefined) {
    if (!parent.inputs.includes(m[2])) {
      ctx.fail(
        path,
        `binds the pipeline input '${m[2]}', which is not defined${didYouMean(m[2], parent.inputs)}`,
        parent.inputs.length ? `pipeline inputs: ${parent.inputs.join(', ')}` : 'this pipeline defines no inputs',
      );
    }
    return;
  }
  const [step, output] = [m[3], m[4]];
  if (!parent.steps.includes(step))
    ctx.fail(path, `binds the step '${step}', which is not in this pipeline${didYouMean(step, parent.steps)}`, `steps: ${parent.steps.join(', ')}`);
  if (step === self) ctx.fail(path, `a step cannot bind its own output (${step})`);
  const other = parent.jobs[step];
  const declared = isObj(other) && isObj(other.outputs) ? Object.keys(other.outputs) : [];
  if (output !== 'artifacts' && isObj(other) && other.component === undefined && !declared.includes(output)) {
    ctx.fail(
      path,
      `binds output '${output}' of step '${step}', which that step does not declare${didYouMean(output, declared)}`,
      declared.length ? `outputs of ${step}: ${declared.join(', ')}` : `step ${step} declares no outputs`,
    );
  }
}

function literalType(v: unknown): string {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return 'string';
}

export const pipelineJob: JobTypeTranslator = { type: 'pipeline', jobType: 'Pipeline', translate };
