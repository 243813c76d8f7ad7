/**
 * The steps of a pipeline (a pipeline job's or a pipeline component's `jobs`) → the REST nodes of
 * PipelineJob.jobs / a pipeline componentSpec's jobs. One function per step type, listed in
 * {@link STEP_TYPES}; a step type another module translates is one line there.
 *
 * Node shapes follow azure-ai-ml: BaseNode._to_rest_object (entities/_builders/base_node.py:
 * name, type, display_name, tags, computeId, inputs, outputs, properties, _source) plus each
 * builder's own fields (command.py, sweep.py, pipeline.py). Run settings of a node are the REST
 * models' attribute dicts, snake_case (_utils/utils.py get_rest_dict_for_node_attrs reads
 * `model.__dict__`), unlike the camelCase of a standalone job body.
 */
import { isAbsolute, resolve } from 'node:path';
import type { SpecPath } from '../document.js';
import { didYouMean } from '../fields.js';
import { isObj, type Obj } from '../../core/obj.js';
import type { PlanContext } from '../plan.js';
import { codeId, environmentId } from './assets.js';
import { commandLimits, computeId, distribution, identity, resources, services } from './common.js';
import { ANON_COMPONENT_NAME, COMMAND_COMPONENT_SCHEMA, componentPorts, componentRef, registerComponent, registerFileComponent } from './components.js';
import { checkCommandRefs, INPUT_TYPES, LITERAL_TYPES, scopeOf } from './io.js';
import { automlStep } from './automl.js';
import { parallelStep } from './parallel.js';
import { sparkStep } from './spark.js';
import { sweepSettings } from './sweep.js';
import { bindingValue, stepInputs, stepOutputs, type Bound, type StepScope } from './step-io.js';

export type { StepScope } from './step-io.js';

/**
 * A step type → its REST node. `at` is where the step sits in its file (`['jobs', '<step>']`).
 * Translators of other modules take (ctx, node, at) and ignore the scope.
 */
export type StepTranslator = (ctx: PlanContext, node: Obj, at: SpecPath, scope: StepScope) => Promise<Obj>;

/** Step types whose translators are written elsewhere and not wired in yet: refused by name. */
const NOT_YET = ['import', 'data_transfer'];

/** Step types: `type:` of a step → its translator. */
export const STEP_TYPES: Record<string, StepTranslator> = {
  command: commandStep,
  sweep: sweepStep,
  pipeline: pipelineStep,
  automl: foreign(automlStep),
  // spark.ts and parallel.ts check their steps' bindings themselves.
  spark: sparkStep,
  parallel: parallelStep,
};

/**
 * A step type whose translator lives in its own module (it takes (ctx, node, at)): the bindings in
 * its fields (but its outputs, which bind ${{parent.outputs.x}}) are checked against this pipeline
 * here, as for the steps translated in this file.
 */
function foreign(translate: (ctx: PlanContext, node: Obj, at: SpecPath) => Promise<Obj>): StepTranslator {
  return async (ctx, node, at, scope) => {
    const self = String(at[at.length - 1]);
    const check = (v: unknown, path: SpecPath): void => {
      if (typeof v === 'string' && v.includes('${{')) bindingValue(ctx, v, path, scope, self);
      else if (Array.isArray(v)) v.forEach((x, i) => check(x, [...path, i]));
      else if (isObj(v)) for (const [k, x] of Object.entries(v)) check(x, [...path, k]);
    };
    for (const [k, v] of Object.entries(node)) if (k !== 'outputs') check(v, [...at, k]);
    return translate(ctx, node, at);
  };
}

/** Translates every step of `jobs` (at `at`, normally ['jobs']). */
export async function pipelineSteps(ctx: PlanContext, jobs: unknown, at: SpecPath, scope: Omit<StepScope, 'steps' | 'jobs'>): Promise<Obj> {
  if (!isObj(jobs) || Object.keys(jobs).length === 0) return ctx.fail(at.length ? at.slice(0, -1) : at, 'a pipeline needs at least one step under jobs');
  const full: StepScope = { ...scope, steps: Object.keys(jobs), jobs };
  const nodes: Obj = {};
  for (const [stepName, node] of Object.entries(jobs)) {
    const path: SpecPath = [...at, stepName];
    // Node names as azure-ai-ml checks them (entities/_validation: a valid Python identifier-like name).
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(stepName)) ctx.fail(path, 'a step name starts with a letter or _ and has letters, digits and _ only');
    if (!isObj(node)) ctx.fail(path, 'must be a step (a map with a type and a component, or an inline command)');
    const type = node.type === undefined ? 'command' : ctx.str(node.type, [...path, 'type']);
    const translate = Object.hasOwn(STEP_TYPES, type) ? STEP_TYPES[type] : undefined;
    if (!translate) {
      const valid = Object.keys(STEP_TYPES).join(', ');
      if (NOT_YET.includes(type)) ctx.fail([...path, 'type'], `steps of type '${type}' are not supported yet`, `supported step types: ${valid}`);
      ctx.fail([...path, 'type'], `'${type}' is not a step type${didYouMean(type, Object.keys(STEP_TYPES))}`, `valid: ${valid}`);
    }
    if (node.name !== undefined && ctx.str(node.name, [...path, 'name']) !== stepName)
      ctx.fail([...path, 'name'], `a step's name is its key under jobs ('${stepName}')`, `remove name: or write name: ${stepName}`);
    nodes[stepName] = await translate(ctx, node, path, full);
  }
  return nodes;
}

// ---------------------------------------------------------------------------------------------
// Fields every node has (base_node.py _to_rest_object)

const BASE_KEYS = ['type', 'name', 'display_name', 'description', 'tags', 'properties', 'compute', 'inputs', 'outputs', 'comment'];

async function baseNode(ctx: PlanContext, type: string, node: Obj, at: SpecPath, scope: StepScope): Promise<{ rest: Obj; inputs: Bound; outputs: Bound }> {
  const stepName = String(at[at.length - 1]);
  if (node.inputs !== undefined && node.inputs !== null && !isObj(node.inputs)) ctx.fail([...at, 'inputs'], 'must be a map');
  if (node.outputs !== undefined && node.outputs !== null && !isObj(node.outputs)) ctx.fail([...at, 'outputs'], 'must be a map');
  const inputs = await stepInputs(ctx, node.inputs, [...at, 'inputs'], scope, stepName);
  const outputs = stepOutputs(ctx, node.outputs, [...at, 'outputs'], scope);
  const rest: Obj = { name: stepName, type };
  const s = (k: string) => ctx.optStr(node, k, at);
  if (s('display_name') !== undefined) rest.display_name = s('display_name');
  // description is not part of base_node.py's REST node; it is kept (the jobs map is free-form).
  if (s('description') !== undefined) rest.description = s('description');
  if (s('comment') !== undefined) rest.comment = s('comment');
  const tags = ctx.stringMap(node.tags, [...at, 'tags']);
  if (tags) rest.tags = tags;
  const props = ctx.stringMap(node.properties, [...at, 'properties']);
  if (props) rest.properties = props;
  if (node.compute !== undefined && node.compute !== null) {
    const raw = ctx.str(node.compute, [...at, 'compute']);
    // A binding (`compute: ${{parent.inputs.c}}`) is sent as written (get_rest_dict_for_node_attrs allows expressions).
    if (raw.includes('${{')) rest.computeId = bindingValue(ctx, raw, [...at, 'compute'], scope, stepName, false);
    else {
      const c = computeId(ctx, raw, [...at, 'compute']);
      if (c) rest.computeId = c;
    }
  }
  if (Object.keys(inputs.rest).length) rest.inputs = inputs.rest;
  if (Object.keys(outputs.rest).length) rest.outputs = outputs.rest;
  rest._source = 'YAML.JOB';
  return { rest, inputs, outputs };
}

/** camelCase keys of a REST body part → the snake_case attribute names of its REST model. */
function snake(o: Obj | undefined, keepInner: string[] = []): Obj | undefined {
  if (!o) return undefined;
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    const key = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    out[key] = isObj(v) && !keepInner.includes(k) ? snake(v) : v;
  }
  return out;
}

function snakeServices(o: Obj | undefined): Obj | undefined {
  if (!o) return undefined;
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, snake(v as Obj, ['properties'])]));
}

// ---------------------------------------------------------------------------------------------
// command steps (entities/_builders/command.py _to_rest_object)

const COMMAND_STEP_KEYS = [
  ...BASE_KEYS,
  'component',
  'command',
  'code',
  'environment',
  'environment_variables',
  'resources',
  'distribution',
  'limits',
  'identity',
  'services',
  'queue_settings',
];

async function commandStep(ctx: PlanContext, node: Obj, at: SpecPath, scope: StepScope): Promise<Obj> {
  ctx.checkKeys(node, COMMAND_STEP_KEYS, at, 'command step');
  const { rest, inputs, outputs } = await baseNode(ctx, 'command', node, at, scope);
  // command.py: componentId, distribution, limits, resources, services, identity, queue_settings
  // (get_rest_dict_for_node_attrs), environment_variables picked from the YAML dict.
  if (node.environment_variables !== undefined) rest.environment_variables = ctx.stringMap(node.environment_variables, [...at, 'environment_variables']);
  Object.assign(rest, runSettings(ctx, node, at));
  const lim = snake(commandLimits(ctx, node.limits, [...at, 'limits']));
  if (lim) rest.limits = lim;
  const dist = snake(distribution(ctx, node.distribution, [...at, 'distribution']));
  if (dist) rest.distribution = dist;
  const svc = snakeServices(services(ctx, node.services, [...at, 'services']));
  if (svc) rest.services = svc;
  if (node.component !== undefined) {
    if (node.command !== undefined || node.code !== undefined || node.environment !== undefined)
      ctx.fail(at, 'a step has either a component or command/code/environment, not both');
    rest.componentId = await componentRef(ctx, node.component, [...at, 'component']);
  } else {
    rest.componentId = await inlineComponent(ctx, node, at, inputs.ports, outputs.ports, scope);
  }
  return rest;
}

/** resources, identity and queue_settings: shared by command and sweep nodes. */
function runSettings(ctx: PlanContext, node: Obj, at: SpecPath): Obj {
  const out: Obj = {};
  const res = snake(resources(ctx, node.resources, [...at, 'resources']), ['properties']);
  if (res) out.resources = res;
  const id = snake(identity(ctx, node.identity, [...at, 'identity']));
  if (id) out.identity = id;
  if (node.queue_settings !== undefined && node.queue_settings !== null) {
    const qp: SpecPath = [...at, 'queue_settings'];
    const qs = ctx.map(node.queue_settings, qp);
    ctx.checkKeys(qs, ['job_tier'], qp, 'queue settings');
    const tiers = ['null', 'spot', 'basic', 'standard', 'premium'];
    const tier = ctx.str(qs.job_tier, [...qp, 'job_tier']).toLowerCase();
    if (!tiers.includes(tier)) ctx.fail([...qp, 'job_tier'], `'${tier}' is not a job tier`, `valid: ${tiers.join(', ')}`);
    out.queue_settings = { job_tier: tier[0].toUpperCase() + tier.slice(1) };
  }
  return out;
}

/** An inline step (command, code, environment) → an anonymous command component version. */
async function inlineComponent(ctx: PlanContext, node: Obj, at: SpecPath, inputs: Obj, outputs: Obj, scope: StepScope): Promise<string> {
  if (node.command === undefined) ctx.fail(at, 'a step needs a command (inline) or a component');
  const command = ctx.str(node.command, [...at, 'command']).trim();
  checkCommandRefs(ctx, command, [...at, 'command'], scopeOf(inputs, outputs));
  const componentSpec: Obj = { $schema: COMMAND_COMPONENT_SCHEMA, name: ANON_COMPONENT_NAME, type: 'command', command, is_deterministic: true };
  const code = await codeId(ctx, node.code, [...at, 'code']);
  if (code) componentSpec.code = `azureml:${code}`;
  if (node.environment === undefined && !scope.defaultEnvironment) ctx.fail(at, 'a step needs an environment (or the pipeline settings.default_environment)');
  if (node.environment !== undefined) componentSpec.environment = `azureml:${await environmentId(ctx, node.environment, [...at, 'environment'])}`;
  if (Object.keys(inputs).length) componentSpec.inputs = inputs;
  if (Object.keys(outputs).length) componentSpec.outputs = outputs;
  return registerComponent(ctx, componentSpec);
}

// ---------------------------------------------------------------------------------------------
// sweep steps (entities/_builders/sweep.py _to_rest_object)

const SWEEP_STEP_KEYS = [
  ...BASE_KEYS,
  'trial',
  'search_space',
  'sampling_algorithm',
  'objective',
  'early_termination',
  'limits',
  'resources',
  'identity',
  'queue_settings',
];

async function sweepStep(ctx: PlanContext, node: Obj, at: SpecPath, scope: StepScope): Promise<Obj> {
  ctx.checkKeys(node, SWEEP_STEP_KEYS, at, 'sweep step');
  const { rest } = await baseNode(ctx, 'sweep', node, at, scope);
  const settings = sweepSettings(ctx, node, at);
  // sweep.py picks limits, sampling_algorithm, objective, search_space from the node's YAML dict
  // (_picked_fields_from_dict_to_rest_object): they go as written, checked above.
  rest.search_space = node.search_space;
  rest.sampling_algorithm = node.sampling_algorithm;
  rest.objective = { goal: (settings.objective.goal as string).toLowerCase(), primary_metric: settings.objective.primaryMetric };
  if (settings.limits) {
    const l = node.limits as Obj;
    rest.limits = Object.fromEntries(
      ['max_total_trials', 'max_concurrent_trials', 'timeout', 'trial_timeout'].filter((k) => l[k] !== undefined).map((k) => [k, l[k]]),
    );
  }
  // early_termination is the REST policy's attribute dict (sweep.py: as_attribute_dict(_to_rest_object())).
  if (settings.earlyTermination) rest.early_termination = snake(settings.earlyTermination);
  Object.assign(rest, runSettings(ctx, node, at));
  // trial: {componentId} (sweep.py _get_trial_component_rest_obj); a sweep trial is a command component.
  if (node.trial === undefined) ctx.fail(at, 'a sweep step needs a trial: a command component (a file or a reference)');
  if (isObj(node.trial)) ctx.fail([...at, 'trial'], 'an inline trial is not supported in a pipeline step; give the command component file or reference');
  rest.trial = { componentId: await componentRef(ctx, node.trial, [...at, 'trial']) };
  const inputs = isObj(node.inputs) ? Object.keys(node.inputs) : [];
  for (const name of Object.keys(settings.searchSpace)) {
    if (inputs.includes(name)) ctx.fail([...at, 'inputs', name], `'${name}' is a search space parameter; a sweep step gives it no input value`);
  }
  return rest;
}

// ---------------------------------------------------------------------------------------------
// pipeline steps (entities/_builders/pipeline.py _to_rest_object: base node + componentId)

const PIPELINE_STEP_KEYS = [...BASE_KEYS, 'component'];

async function pipelineStep(ctx: PlanContext, node: Obj, at: SpecPath, scope: StepScope): Promise<Obj> {
  if (node.settings !== undefined) ctx.fail([...at, 'settings'], 'settings apply to a pipeline job, not to a pipeline step', 'set them on the pipeline job');
  ctx.checkKeys(node, PIPELINE_STEP_KEYS, at, 'pipeline step');
  const { rest } = await baseNode(ctx, 'pipeline', node, at, scope);
  if (node.component === undefined) ctx.fail(at, 'a pipeline step needs a component: a pipeline component file or reference');
  rest.componentId = await pipelineComponentRef(ctx, node.component, [...at, 'component']);
  return rest;
}

/** `component:` of a pipeline step → the id of a pipeline component version. */
async function pipelineComponentRef(ctx: PlanContext, v: unknown, path: SpecPath): Promise<string> {
  if (isObj(v)) return ctx.fail(path, 'inline component definitions are not supported; put the pipeline component in its own YAML file and give its path');
  const raw = ctx.str(v, path);
  const r = ctx.ref(raw, path);
  if (r.kind !== 'local') return componentRef(ctx, raw, path);
  const file = isAbsolute(r.path) ? r.path : resolve(ctx.baseDir, r.path);
  const stack = nesting(ctx);
  if (stack.includes(file)) {
    const chain = [...stack.slice(stack.indexOf(file)), file].map((f) => f.split('/').slice(-2).join('/'));
    ctx.fail(
      path,
      `pipeline component '${r.path}' contains itself: ${chain.join(' → ')}`,
      'a pipeline component cannot run itself, directly or through other pipeline components',
    );
  }
  stack.push(file);
  try {
    return await ctx.planFile(r.path, path, 'pipeline component', pipelineComponentFile);
  } finally {
    stack.pop();
  }
}

/** The pipeline component files being planned, outermost first (per plan: PlanOptions is shared by its files). */
const NESTING = new WeakMap<object, string[]>();
function nesting(ctx: PlanContext): string[] {
  let s = NESTING.get(ctx.o);
  if (!s) NESTING.set(ctx.o, (s = []));
  return s;
}

const PIPELINE_COMPONENT_KEYS = ['$schema', 'type', 'name', 'version', 'display_name', 'description', 'tags', 'inputs', 'outputs', 'jobs', 'is_deterministic'];
export const PIPELINE_COMPONENT_SCHEMA = 'https://azuremlschemas.azureedge.net/latest/pipelineComponent.schema.json';

/**
 * A `type: pipeline` component file → a component version whose componentSpec is the YAML's
 * fields plus `jobs` as REST nodes and `_source` (entities/_component/pipeline_component.py
 * _to_rest_object: `component["_source"]`, `component["jobs"] = _build_rest_component_jobs()`).
 */
export async function pipelineComponentFile(ctx: PlanContext): Promise<string> {
  const c = ctx.map(ctx.doc.value, [], 'a component file must be a YAML map');
  if (c.type !== 'pipeline')
    ctx.fail(
      c.type === undefined ? [] : ['type'],
      `a pipeline step needs a pipeline component (type: pipeline), not ${c.type === undefined ? 'a component without type' : `a '${String(c.type)}' component`}`,
    );
  ctx.checkKeys(c, PIPELINE_COMPONENT_KEYS, [], 'pipeline component');
  const out: Obj = { $schema: PIPELINE_COMPONENT_SCHEMA, type: 'pipeline' };
  for (const k of ['name', 'version', 'display_name', 'description']) if (c[k] !== undefined) out[k] = ctx.str(c[k], [k]);
  if (c.tags !== undefined) out.tags = ctx.stringMap(c.tags, ['tags']);
  if (c.is_deterministic !== undefined) out.is_deterministic = Boolean(c.is_deterministic);
  for (const section of ['inputs', 'outputs'] as const) {
    if (c[section] === undefined || c[section] === null) continue;
    out[section] = componentPorts(ctx, c[section], section);
  }
  if (c.jobs === undefined) ctx.fail([], 'a pipeline component needs jobs');
  out.jobs = await pipelineSteps(ctx, c.jobs, ['jobs'], {
    inputs: Object.keys((out.inputs as Obj | undefined) ?? {}),
    outputs: Object.keys((out.outputs as Obj | undefined) ?? {}),
  });
  out._source = 'YAML.COMPONENT';
  return registerFileComponent(ctx, out);
}

/** Input types a pipeline or component may declare (data and literal). */
export const PORT_TYPES = [...INPUT_TYPES, ...LITERAL_TYPES];
