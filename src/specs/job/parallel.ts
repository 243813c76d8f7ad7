/**
 * `type: parallel` steps of a pipeline → the REST node azure-ai-ml sends for them
 * (entities/_builders/parallel.py `Parallel._to_rest_object`, with the fields it picks from the
 * node's dump, _schema/job/parameterized_parallel.py), bound to a parallel component version: an
 * anonymous one made of the step (entities/_builders/parallel_func.py `parallel_run_function`), a
 * `type: parallel` component file, or a reference.
 */
import type { SpecPath } from '../document.js';
import { type Obj } from '../../core/obj.js';
import type { PlanContext } from '../plan.js';
import { codeId, environmentId } from './assets.js';
import { computeId, identity, resources } from './common.js';
import { ANON_COMPONENT_NAME, componentPorts, componentRef, registerComponent, registerFileComponent } from './components.js';
import { checkCommandRefs, scopeOf } from './io.js';
import { stepInputs, stepName, stepOutputs, type StepScope } from './step-io.js';

export const PARALLEL_COMPONENT_SCHEMA = 'https://azuremlschemas.azureedge.net/latest/parallelComponent.schema.json';
/** The run settings a parallel step and a parallel component share (ParameterizedParallelSchema). */
const SETTING_KEYS = [
  'task',
  'input_data',
  'mini_batch_size',
  'partition_keys',
  'mini_batch_error_threshold',
  'error_threshold',
  'max_concurrency_per_instance',
  'retry_settings',
  'logging_level',
  'resources',
  'environment_variables',
];
const STEP_KEYS = [
  'type',
  'name',
  'display_name',
  'description',
  'tags',
  'properties',
  'component',
  'compute',
  'identity',
  'inputs',
  'outputs',
  'is_deterministic',
  ...SETTING_KEYS,
];
const COMPONENT_KEYS = ['$schema', 'name', 'version', 'display_name', 'description', 'type', 'tags', 'is_deterministic', 'inputs', 'outputs', ...SETTING_KEYS];
// _schema/job/parameterized_parallel.py: logging_level is one of constants LoggingLevel.
const LOGGING_LEVELS = ['DEBUG', 'INFO', 'WARNING'];
const BINDING = /^\s*\$\{\{.*\}\}\s*$/;

/** The settings of a step or component, in the names azure-ai-ml's dump uses. */
interface Settings {
  task?: Obj;
  input_data?: string;
  mini_batch_size?: number | string;
  partition_keys?: string[];
  mini_batch_error_threshold?: number;
  error_threshold?: number;
  max_concurrency_per_instance?: number;
  retry_settings?: Obj;
  logging_level?: string;
  resources?: Obj;
  environment_variables?: Record<string, string>;
}

/**
 * `mini_batch_size`: a count ("5": files per mini-batch for a file input) or a size with kb/mb/gb
 * ("10kb": bytes per mini-batch for tabular input) → an integer, as Parallel.__init__ converts it
 * (regex ^\d+([kKmMgG][bB])*$, units of 1024). A binding is kept as written.
 */
export function miniBatchSize(ctx: PlanContext, v: unknown, path: SpecPath): number | string {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  const s = ctx.str(String(v), path).trim();
  if (BINDING.test(s)) return s;
  const m = /^(\d+)([kKmMgG][bB])?$/.exec(s);
  if (!m) return ctx.fail(path, `'${s}' is not a mini-batch size`, 'a number of files (5) or a size with kb, mb or gb (10kb, 1mb)');
  const unit = { '': 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? '').toLowerCase()]!;
  const n = Number(m[1]) * unit;
  if (n <= 0) ctx.fail(path, 'must be above 0');
  return n;
}

function intOrDefault(ctx: PlanContext, v: unknown, path: SpecPath, min: number): number {
  return ctx.int(typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v, path, min);
}

/** `task: {type: run_function, code, entry_script, program_arguments, append_row_to, environment}`. */
async function task(ctx: PlanContext, v: unknown, path: SpecPath, scope: { inputs: Obj; outputs: Obj }): Promise<Obj> {
  const t = ctx.map(v, path, 'must be a map with type, code, entry_script and environment');
  ctx.checkKeys(t, ['type', 'code', 'entry_script', 'program_arguments', 'append_row_to', 'environment', 'model'], path, 'parallel task');
  const type = t.type === undefined ? ctx.fail(path, "a parallel task needs 'type: run_function'") : ctx.str(t.type, [...path, 'type']);
  if (type !== 'run_function')
    ctx.fail(
      [...path, 'type'],
      `parallel tasks of type '${type}' are not supported`,
      'supported: run_function (init() and run(mini_batch) of an entry script)',
    );
  if (t.model !== undefined) ctx.fail([...path, 'model'], "'model' belongs to tasks of type model, not run_function");
  const out: Obj = { type };
  if (t.code === undefined) ctx.fail(path, "a run_function task needs 'code' (the folder of its entry script)");
  out.code = `azureml:${(await codeId(ctx, t.code, [...path, 'code']))!}`;
  if (t.entry_script === undefined) ctx.fail(path, "a run_function task needs 'entry_script'");
  out.entry_script = ctx.str(t.entry_script, [...path, 'entry_script']);
  const commandScope = scopeOf(scope.inputs, scope.outputs);
  if (t.program_arguments !== undefined) {
    out.program_arguments = ctx.str(t.program_arguments, [...path, 'program_arguments']).trim();
    checkCommandRefs(ctx, out.program_arguments as string, [...path, 'program_arguments'], commandScope);
  }
  if (t.append_row_to !== undefined) {
    const a = ctx.str(t.append_row_to, [...path, 'append_row_to']).trim();
    const m = /^\$\{\{\s*outputs\.([A-Za-z0-9_]+)\s*\}\}$/.exec(a);
    if (!m) ctx.fail([...path, 'append_row_to'], `'${a}' must name an output: \${{outputs.<name>}}`);
    checkCommandRefs(ctx, a, [...path, 'append_row_to'], commandScope);
    out.append_row_to = a;
  }
  if (t.environment === undefined) ctx.fail(path, "a run_function task needs 'environment'");
  out.environment = `azureml:${await environmentId(ctx, t.environment, [...path, 'environment'])}`;
  return out;
}

/** The run settings of a step or a component file (`at` its position), checked. */
async function settings(ctx: PlanContext, s: Obj, at: SpecPath, scope: { inputs: Obj; outputs: Obj }): Promise<Settings> {
  const out: Settings = {};
  const p = (k: string): SpecPath => [...at, k];
  if (s.task !== undefined) out.task = await task(ctx, s.task, p('task'), scope);
  if (s.input_data !== undefined) {
    const d = ctx.str(s.input_data, p('input_data')).trim();
    const m = /^\$\{\{\s*inputs\.([A-Za-z0-9_]+)\s*\}\}$/.exec(d);
    if (!m) ctx.fail(p('input_data'), `'${d}' must name an input of the step: \${{inputs.<name>}}`);
    checkCommandRefs(ctx, d, p('input_data'), scopeOf(scope.inputs, {}));
    out.input_data = d;
  }
  if (s.mini_batch_size !== undefined) out.mini_batch_size = miniBatchSize(ctx, s.mini_batch_size, p('mini_batch_size'));
  if (s.partition_keys !== undefined) {
    if (!Array.isArray(s.partition_keys) || s.partition_keys.length === 0) ctx.fail(p('partition_keys'), 'must be a list of column names');
    out.partition_keys = (s.partition_keys as unknown[]).map((k, i) => ctx.str(k, [...p('partition_keys'), i]));
  }
  for (const k of ['mini_batch_error_threshold', 'error_threshold'] as const) if (s[k] !== undefined) out[k] = intOrDefault(ctx, s[k], p(k), -1);
  if (s.max_concurrency_per_instance !== undefined)
    out.max_concurrency_per_instance = intOrDefault(ctx, s.max_concurrency_per_instance, p('max_concurrency_per_instance'), 1);
  if (s.retry_settings !== undefined) {
    const r = ctx.map(s.retry_settings, p('retry_settings'));
    ctx.checkKeys(r, ['max_retries', 'timeout'], p('retry_settings'), 'retry settings');
    const rs: Obj = {};
    if (r.max_retries !== undefined) rs.max_retries = intOrDefault(ctx, r.max_retries, [...p('retry_settings'), 'max_retries'], 0);
    if (r.timeout !== undefined) rs.timeout = intOrDefault(ctx, r.timeout, [...p('retry_settings'), 'timeout'], 1);
    out.retry_settings = rs;
  }
  if (s.logging_level !== undefined) {
    const l = ctx.str(s.logging_level, p('logging_level')).toUpperCase();
    if (!LOGGING_LEVELS.includes(l)) ctx.fail(p('logging_level'), `'${l}' is not a logging level`, `valid: ${LOGGING_LEVELS.join(', ')}`);
    out.logging_level = l;
  }
  if (s.resources !== undefined) {
    const r = resources(ctx, s.resources, p('resources'))!;
    // JobResourceConfiguration's REST object as a node dict (msrest attribute names).
    const snake: Obj = {};
    if (r.instanceCount !== undefined) snake.instance_count = r.instanceCount;
    if (r.instanceType !== undefined) snake.instance_type = r.instanceType;
    if (r.shmSize !== undefined) snake.shm_size = r.shmSize;
    if (r.dockerArgs !== undefined) snake.docker_args = r.dockerArgs;
    if (r.properties !== undefined) snake.properties = r.properties;
    out.resources = snake;
  }
  if (s.environment_variables !== undefined) out.environment_variables = ctx.stringMap(s.environment_variables, p('environment_variables'));
  return out;
}

/** A settings object → the part of a componentSpec it fills (ParallelComponentSchema dump). */
function componentSettings(st: Settings): Obj {
  const out: Obj = { ...st };
  if (st.mini_batch_size !== undefined) out.mini_batch_size = String(st.mini_batch_size);
  return out;
}

/** The component version a parallel component file becomes, and its settings (the node inherits them). */
interface ParallelComponent {
  id: string;
  settings: Settings;
}

/** A `type: parallel` component YAML file → a component version (named when it has a name). */
async function parallelComponentFile(ctx: PlanContext): Promise<ParallelComponent> {
  const c = ctx.map(ctx.doc.value, [], 'a component file must be a YAML map');
  ctx.checkKeys(c, COMPONENT_KEYS, [], 'parallel component');
  if (c.type !== 'parallel') ctx.fail(['type'], `a parallel step's component file must be of type parallel, not '${String(c.type)}'`);
  const inputs = componentPorts(ctx, c.inputs, 'inputs');
  const outputs = componentPorts(ctx, c.outputs, 'outputs');
  const st = await settings(ctx, c, [], { inputs, outputs });
  if (!st.task) ctx.fail([], "a parallel component needs a 'task'");
  const out: Obj = { $schema: PARALLEL_COMPONENT_SCHEMA, type: 'parallel' };
  for (const k of ['name', 'version', 'display_name', 'description']) if (c[k] !== undefined) out[k] = String(c[k]);
  if (Object.keys(inputs).length) out.inputs = inputs;
  if (Object.keys(outputs).length) out.outputs = outputs;
  Object.assign(out, componentSettings(st));
  if (c.tags !== undefined) out.tags = ctx.stringMap(c.tags, ['tags']);
  out.is_deterministic = c.is_deterministic === undefined ? true : Boolean(c.is_deterministic);
  return { id: registerFileComponent(ctx, out), settings: st };
}

/** Python's json.dumps of a list of strings (the separators azure-ai-ml's partition_keys carry). */
function pyJsonList(keys: string[]): string {
  return `[${keys.map((k) => JSON.stringify(k)).join(', ')}]`;
}

/**
 * A `type: parallel` pipeline step (`at` = `['jobs', '<step>']`) → its REST node: base node fields
 * (name, type, display_name, tags, computeId, inputs, outputs, properties, _source), the fields
 * Parallel picks from its dump (resources, error_threshold, mini_batch_error_threshold,
 * environment_variables, max_concurrency_per_instance, task, input_data; the dump's defaults are
 * -1, -1 and 1), then componentId, retry_settings, logging_level, mini_batch_size (an integer),
 * partition_keys (a JSON string), identity and resources. A step with a component takes the
 * component's settings where it sets none (Parallel.__init__).
 */
export async function parallelStep(ctx: PlanContext, node: Obj, at: SpecPath, scope: StepScope): Promise<Obj> {
  ctx.checkKeys(node, STEP_KEYS, at, 'parallel step');
  const inputs = await stepInputs(ctx, node.inputs, [...at, 'inputs'], scope, stepName(at), { portModes: true });
  const outputs = stepOutputs(ctx, node.outputs, [...at, 'outputs'], scope, { portModes: true });
  const own = await settings(ctx, node, at, { inputs: inputs.rest, outputs: outputs.rest });
  const out: Obj = { name: stepName(at), type: 'parallel', _source: 'YAML.JOB' };
  if (node.display_name !== undefined) out.display_name = ctx.str(node.display_name, [...at, 'display_name']);
  if (node.description !== undefined) out.description = ctx.str(node.description, [...at, 'description']);
  if (node.tags !== undefined) out.tags = ctx.stringMap(node.tags, [...at, 'tags']);
  if (node.properties !== undefined) out.properties = ctx.stringMap(node.properties, [...at, 'properties']);
  const compute = computeId(ctx, node.compute, [...at, 'compute']);
  if (compute) out.computeId = compute;
  if (Object.keys(inputs.rest).length) out.inputs = inputs.rest;
  if (Object.keys(outputs.rest).length) out.outputs = outputs.rest;

  let st: Settings = own;
  if (node.component !== undefined) {
    const raw = node.component;
    const r = typeof raw === 'string' ? ctx.ref(raw, [...at, 'component']) : undefined;
    if (r?.kind === 'local') {
      const c = await ctx.planFile(r.path, [...at, 'component'], 'component', parallelComponentFile);
      out.componentId = c.id;
      st = { ...c.settings, ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)) };
    } else {
      out.componentId = await componentRef(ctx, raw, [...at, 'component']);
    }
  } else {
    if (!own.task) ctx.fail(at, "a parallel step needs a 'task' (inline) or a component");
    if (!own.input_data) ctx.fail(at, "a parallel step needs 'input_data' (${{inputs.<name>}}: the data split into mini-batches)");
    const spec: Obj = { $schema: PARALLEL_COMPONENT_SCHEMA, name: ANON_COMPONENT_NAME, type: 'parallel' };
    if (Object.keys(inputs.ports).length) spec.inputs = inputs.ports;
    if (Object.keys(outputs.ports).length) spec.outputs = outputs.ports;
    const { environment_variables: _env, resources: _res, ...componentSide } = own;
    Object.assign(spec, componentSettings(componentSide), { is_deterministic: node.is_deterministic === undefined ? true : Boolean(node.is_deterministic) });
    out.componentId = registerComponent(ctx, spec);
  }
  if (st.resources) out.resources = st.resources;
  out.error_threshold = st.error_threshold ?? -1;
  out.mini_batch_error_threshold = st.mini_batch_error_threshold ?? -1;
  if (st.environment_variables) out.environment_variables = st.environment_variables;
  out.max_concurrency_per_instance = st.max_concurrency_per_instance ?? 1;
  if (st.task) out.task = st.task;
  if (st.input_data) out.input_data = st.input_data;
  if (st.retry_settings) out.retry_settings = st.retry_settings;
  if (st.logging_level) out.logging_level = st.logging_level;
  if (st.mini_batch_size !== undefined) out.mini_batch_size = st.mini_batch_size;
  if (st.partition_keys) out.partition_keys = pyJsonList(st.partition_keys);
  const id = identity(ctx, node.identity, [...at, 'identity']);
  if (id) {
    const snake: Obj = { identity_type: id.identityType };
    if (id.clientId !== undefined) snake.client_id = id.clientId;
    if (id.objectId !== undefined) snake.object_id = id.objectId;
    if (id.resourceId !== undefined) snake.resource_id = id.resourceId;
    out.identity = snake;
  }
  return out;
}
