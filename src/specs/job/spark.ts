/**
 * `type: spark` jobs → SparkJob (ARM 2024-10-01), and `type: spark` steps of a pipeline → the
 * REST node azure-ai-ml sends for them (entities/_builders/spark.py `_to_rest_object`), bound to
 * a spark component version (a component file, a reference, or an anonymous one for an inline step).
 */
import type { SpecPath } from '../document.js';
import { isObj, type Obj } from '../../core/obj.js';
import type { PlanContext } from '../plan.js';
import { codeId, environmentId } from './assets.js';
import { commonProperties, COMMON_KEYS, computeId, identity } from './common.js';
import { ANON_COMPONENT_NAME, componentPorts, componentRef, registerComponent, registerFileComponent } from './components.js';
import { checkCommandRefs, jobInputs, jobOutputs, LITERAL_TYPES, scopeOf } from './io.js';
import { stepInputs, stepName, stepOutputs, type StepScope } from './step-io.js';
import type { JobTypeTranslator } from './types.js';

export const SPARK_COMPONENT_SCHEMA = 'https://azuremlschemas.azureedge.net/latest/sparkComponent.schema.json';
/** What a spark job, component and inline step share (azure-ai-ml _schema/job/parameterized_spark.py). */
const SPARK_RUN_KEYS = ['code', 'entry', 'py_files', 'jars', 'files', 'archives', 'conf', 'environment', 'args'];
const SPARK_JOB_KEYS = [...COMMON_KEYS, ...SPARK_RUN_KEYS, 'inputs', 'outputs', 'resources'];
const SPARK_STEP_KEYS = [
  'type',
  'name',
  'display_name',
  'description',
  'tags',
  'properties',
  'component',
  'compute',
  'resources',
  'identity',
  'inputs',
  'outputs',
  ...SPARK_RUN_KEYS,
];
const SPARK_COMPONENT_KEYS = [
  '$schema',
  'name',
  'version',
  'display_name',
  'description',
  'type',
  'tags',
  'is_deterministic',
  'inputs',
  'outputs',
  ...SPARK_RUN_KEYS,
];

// The conf keys azure-ai-ml promotes to SparkJob attributes (entities/_job/spark_job.py
// `_to_rest_object`, constants SparkConfKey) and checks (entities/_job/spark_helpers.py
// `_validate_spark_configurations`).
const DRIVER_CORES = 'spark.driver.cores';
const DRIVER_MEMORY = 'spark.driver.memory';
const EXECUTOR_CORES = 'spark.executor.cores';
const EXECUTOR_MEMORY = 'spark.executor.memory';
const EXECUTOR_INSTANCES = 'spark.executor.instances';
const DYN_ENABLED = 'spark.dynamicAllocation.enabled';
const DYN_MIN = 'spark.dynamicAllocation.minExecutors';
const DYN_MAX = 'spark.dynamicAllocation.maxExecutors';

/** `entry: {file}` or `entry: {class_name}` → SparkJobPythonEntry / SparkJobScalaEntry. */
function entry(ctx: PlanContext, v: unknown, path: SpecPath): Obj {
  if (v === undefined || v === null) return ctx.fail(path, 'a spark job needs an entry', 'entry: {file: <script.py>} or entry: {class_name: <class>}');
  const e = ctx.map(v, path, 'must be a map with file or class_name');
  ctx.checkKeys(e, ['file', 'class_name'], path, 'spark entry');
  if ((e.file === undefined) === (e.class_name === undefined)) ctx.fail(path, 'a spark entry has either file or class_name');
  if (e.file !== undefined) return { sparkJobEntryType: 'SparkJobPythonEntry', file: ctx.str(e.file, [...path, 'file']) };
  return { sparkJobEntryType: 'SparkJobScalaEntry', className: ctx.str(e.class_name, [...path, 'class_name']) };
}

/** The REST node form of an entry (msrest attribute names: azure-ai-ml _utils `get_rest_dict_for_node_attrs`). */
function nodeEntry(wire: Obj): Obj {
  return wire.file !== undefined
    ? { spark_job_entry_type: wire.sparkJobEntryType, file: wire.file }
    : { spark_job_entry_type: wire.sparkJobEntryType, class_name: wire.className };
}

function strList(ctx: PlanContext, v: unknown, path: SpecPath): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) return ctx.fail(path, 'must be a list of file paths');
  return v.map((x, i) => ctx.str(x, [...path, i]));
}

function scalar(ctx: PlanContext, v: unknown, path: SpecPath): string | number | boolean {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return ctx.fail(path, 'must be a value (a string, a number or true/false)');
}

const isTrue = (v: unknown) => v === true || v === 'true' || v === 'True';

/**
 * `conf` checked as azure-ai-ml checks it (`_validate_spark_configurations`): driver and executor
 * cores and memory are required, plus `spark.executor.instances` without dynamic allocation, or
 * min/max executors with it. Returns the map as written (scalars).
 */
function sparkConf(ctx: PlanContext, v: unknown, path: SpecPath, required: boolean): Obj | undefined {
  if (v === undefined || v === null) {
    if (required)
      ctx.fail(
        path.slice(0, -1),
        `a spark job needs conf with ${DRIVER_CORES}, ${DRIVER_MEMORY}, ${EXECUTOR_CORES}, ${EXECUTOR_MEMORY} and ${EXECUTOR_INSTANCES}`,
      );
    return undefined;
  }
  const m = ctx.map(v, path, 'must be a map of spark configuration keys to values');
  const conf: Obj = {};
  for (const [k, x] of Object.entries(m)) conf[k] = scalar(ctx, x, [...path, k]);
  const num = (k: string) => (conf[k] === undefined ? undefined : ctx.int(conf[k], [...path, k]));
  const missing = (keys: string[]) => keys.filter((k) => conf[k] === undefined);
  const base = [DRIVER_CORES, DRIVER_MEMORY, EXECUTOR_CORES, EXECUTOR_MEMORY];
  if (isTrue(conf[DYN_ENABLED])) {
    const lack = missing([...base, DYN_MIN, DYN_MAX]);
    if (lack.length) ctx.fail(path, `with ${DYN_ENABLED}, conf needs ${lack.join(', ')}`);
    const [min, max, inst] = [num(DYN_MIN)!, num(DYN_MAX)!, num(EXECUTOR_INSTANCES)];
    if (!(min > 0 && min <= max)) ctx.fail([...path, DYN_MIN], 'min executors must be above 0 and at most max executors');
    if (inst !== undefined && (inst < min || inst > max)) ctx.fail([...path, EXECUTOR_INSTANCES], `must be between ${DYN_MIN} and ${DYN_MAX}`);
  } else {
    const lack = missing([...base, EXECUTOR_INSTANCES]);
    if (lack.length) ctx.fail(path, `conf needs ${lack.join(', ')}`);
    for (const k of [DYN_MIN, DYN_MAX])
      if (conf[k] !== undefined) ctx.fail([...path, k], 'min and max executors apply only with spark.dynamicAllocation.enabled: true');
  }
  for (const k of [DRIVER_CORES, EXECUTOR_CORES]) num(k);
  return conf;
}

/**
 * conf → the SparkJob wire map (string values). As SparkJob._to_rest_object: with dynamic
 * allocation, `spark.executor.instances` defaults to the min executors; msrest serializes the
 * values as Python's str() does (True → "True").
 */
function wireConf(conf: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(conf)) out[k] = typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
  if (isTrue(conf[DYN_ENABLED])) {
    out[DYN_ENABLED] = 'True';
    if (out[EXECUTOR_INSTANCES] === undefined) out[EXECUTOR_INSTANCES] = out[DYN_MIN];
  }
  return out;
}

/** `resources` of a serverless spark job: instance_type and runtime_version. */
function sparkResources(ctx: PlanContext, v: unknown, path: SpecPath): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  const m = ctx.map(v, path);
  ctx.checkKeys(m, ['instance_type', 'runtime_version'], path, 'spark resources section');
  const out: Obj = {};
  if (m.instance_type !== undefined) out.instanceType = ctx.str(m.instance_type, [...path, 'instance_type']);
  if (m.runtime_version !== undefined) out.runtimeVersion = String(scalar(ctx, m.runtime_version, [...path, 'runtime_version']));
  return out;
}

/** Spark jobs read and write data in place: only `mode: direct` (spark_helpers `_validate_input_output_mode`). */
function checkDirect(ctx: PlanContext, ports: Obj | undefined, path: SpecPath, kind: 'input' | 'output', modeKey = 'mode'): void {
  for (const [name, p] of Object.entries(ports ?? {})) {
    if (!isObj(p)) continue;
    const t = (p.jobInputType ?? p.jobOutputType ?? p.job_input_type ?? p.job_output_type ?? p.type) as string | undefined;
    if (t === 'literal' || (t !== undefined && LITERAL_TYPES.includes(t))) continue;
    if (typeof p.value === 'string') continue; // a binding: its mode is the bound port's
    if (typeof p.uri === 'string' && /\$\{\{/.test(p.uri)) continue;
    const mode = p[modeKey];
    if (mode !== 'Direct' && mode !== 'direct')
      ctx.fail([...path, name], `${kind} '${name}' uses ${mode === undefined ? 'no' : `'${String(mode)}'`} mode; spark jobs take only mode: direct`);
  }
}

function checkComputeOrResources(ctx: PlanContext, compute: unknown, resources: unknown, at: SpecPath, defaultCompute = false): void {
  const hasCompute = compute !== undefined && compute !== null;
  const hasResources = resources !== undefined && resources !== null;
  if (hasCompute && hasResources) ctx.fail(at, 'a spark job has either compute (an attached Synapse pool) or resources (serverless), not both');
  if (!hasCompute && !hasResources && !defaultCompute)
    ctx.fail(at, 'a spark job needs compute (an attached Synapse pool) or resources (serverless: instance_type, runtime_version)');
}

async function translate(ctx: PlanContext, spec: Obj, at: SpecPath = []): Promise<Obj> {
  ctx.checkKeys(spec, SPARK_JOB_KEYS, at, 'spark job');
  checkComputeOrResources(ctx, spec.compute, spec.resources, at);
  const p = commonProperties(ctx, spec, 'Spark', at);
  if (spec.code === undefined) ctx.fail(at, "a spark job needs 'code' (the folder of its entry file)");
  p.codeId = (await codeId(ctx, spec.code, [...at, 'code']))!;
  p.entry = entry(ctx, spec.entry, [...at, 'entry']);
  for (const [k, wire] of [
    ['py_files', 'pyFiles'],
    ['jars', 'jars'],
    ['files', 'files'],
    ['archives', 'archives'],
  ] as const) {
    const l = strList(ctx, spec[k], [...at, k]);
    if (l) p[wire] = l;
  }
  p.conf = wireConf(sparkConf(ctx, spec.conf, [...at, 'conf'], true)!);
  if (spec.environment !== undefined) p.environmentId = await environmentId(ctx, spec.environment, [...at, 'environment']);
  const inputs = await jobInputs(ctx, spec.inputs, [...at, 'inputs']);
  if (inputs) p.inputs = inputs;
  const outputs = jobOutputs(ctx, spec.outputs, [...at, 'outputs']);
  if (outputs) p.outputs = outputs;
  checkDirect(ctx, inputs, [...at, 'inputs'], 'input');
  checkDirect(ctx, outputs, [...at, 'outputs'], 'output');
  if (spec.args !== undefined) {
    p.args = ctx.str(spec.args, [...at, 'args']).trim();
    checkCommandRefs(ctx, p.args as string, [...at, 'args'], scopeOf(inputs, outputs));
  }
  const res = sparkResources(ctx, spec.resources, [...at, 'resources']);
  if (res) p.resources = res;
  return p;
}

export const sparkJob: JobTypeTranslator = { type: 'spark', jobType: 'Spark', translate };

/** The parts of a spark component spec (component file or inline step), as SparkComponentSchema dumps them. */
async function sparkRunSpec(ctx: PlanContext, c: Obj, at: SpecPath, ports: { inputs?: Obj; outputs?: Obj }, confRequired: boolean): Promise<Obj> {
  const out: Obj = {};
  if (c.code === undefined) ctx.fail(at, "a spark component needs 'code' (the folder of its entry file)");
  out.code = `azureml:${(await codeId(ctx, c.code, [...at, 'code']))!}`;
  out.entry = isObj(c.entry) ? { ...c.entry } : c.entry;
  entry(ctx, c.entry, [...at, 'entry']);
  for (const k of ['py_files', 'jars', 'files', 'archives']) {
    const l = strList(ctx, c[k], [...at, k]);
    if (l) out[k] = l;
  }
  const conf = sparkConf(ctx, c.conf, [...at, 'conf'], confRequired);
  if (conf) out.conf = conf;
  if (c.environment !== undefined) out.environment = `azureml:${await environmentId(ctx, c.environment, [...at, 'environment'])}`;
  if (ports.inputs && Object.keys(ports.inputs).length) out.inputs = ports.inputs;
  if (ports.outputs && Object.keys(ports.outputs).length) out.outputs = ports.outputs;
  if (c.args !== undefined) {
    out.args = ctx.str(c.args, [...at, 'args']).trim();
    checkCommandRefs(ctx, out.args as string, [...at, 'args'], scopeOf(ports.inputs, ports.outputs));
  }
  return out;
}

/** The component version a spark component file becomes, and its spec (the node copies parts of it). */
interface SparkComponent {
  id: string;
  spec: Obj;
}

/** A `type: spark` component YAML file → a component version (named when it has a name). */
async function sparkComponentFile(ctx: PlanContext): Promise<SparkComponent> {
  const c = ctx.map(ctx.doc.value, [], 'a component file must be a YAML map');
  ctx.checkKeys(c, SPARK_COMPONENT_KEYS, [], 'spark component');
  const ports: { inputs?: Obj; outputs?: Obj } = {};
  for (const section of ['inputs', 'outputs'] as const)
    if (c[section] !== undefined && c[section] !== null) ports[section] = componentPorts(ctx, c[section], section);
  const out: Obj = { $schema: SPARK_COMPONENT_SCHEMA, type: 'spark' };
  for (const k of ['name', 'version', 'display_name', 'description']) if (c[k] !== undefined) out[k] = String(scalar(ctx, c[k], [k]));
  Object.assign(out, await sparkRunSpec(ctx, c, [], ports, false));
  if (c.tags !== undefined) out.tags = ctx.stringMap(c.tags, ['tags']);
  out.is_deterministic = c.is_deterministic === undefined ? true : Boolean(c.is_deterministic);
  return { id: registerFileComponent(ctx, out), spec: out };
}

/** A job identity → the REST node dict azure-ai-ml sends (`_to_job_rest_object`, msrest attribute names). */
function nodeIdentity(wire: Obj): Obj {
  const out: Obj = { identity_type: wire.identityType };
  if (wire.clientId !== undefined) out.client_id = wire.clientId;
  if (wire.objectId !== undefined) out.object_id = wire.objectId;
  if (wire.resourceId !== undefined) out.resource_id = wire.resourceId;
  return out;
}

function hasDefaultCompute(ctx: PlanContext): boolean {
  const p = ctx.doc.value;
  return isObj(p) && isObj(p.settings) && p.settings.default_compute !== undefined && p.settings.default_compute !== null;
}

/**
 * A `type: spark` pipeline step (`at` = `['jobs', '<step>']`) → its REST node, as azure-ai-ml's
 * Spark node `_to_rest_object` sends it: base node fields (name, type, display_name, tags,
 * computeId, inputs, outputs, properties, _source), the fields picked from its dump (resources,
 * py_files, jars, files, archives, identity, conf, args) and componentId, identity, resources and
 * entry as REST dicts. Without an identity the node takes the SDK's default (Spark.identity):
 * managed on an attached pool, the user's identity on serverless.
 */
export async function sparkStep(ctx: PlanContext, node: Obj, at: SpecPath, scope: StepScope): Promise<Obj> {
  ctx.checkKeys(node, SPARK_STEP_KEYS, at, 'spark step');
  checkComputeOrResources(ctx, node.compute, node.resources, at, hasDefaultCompute(ctx));
  const inputs = await stepInputs(ctx, node.inputs, [...at, 'inputs'], scope, stepName(at), { portModes: true });
  const outputs = stepOutputs(ctx, node.outputs, [...at, 'outputs'], scope, { portModes: true });
  checkDirect(ctx, inputs.rest, [...at, 'inputs'], 'input');
  checkDirect(ctx, outputs.rest, [...at, 'outputs'], 'output');
  const out: Obj = { name: stepName(at), type: 'spark', _source: 'YAML.JOB' };
  if (node.display_name !== undefined) out.display_name = ctx.str(node.display_name, [...at, 'display_name']);
  if (node.description !== undefined) out.description = ctx.str(node.description, [...at, 'description']);
  if (node.tags !== undefined) out.tags = ctx.stringMap(node.tags, [...at, 'tags']);
  if (node.properties !== undefined) out.properties = ctx.stringMap(node.properties, [...at, 'properties']);
  const compute = computeId(ctx, node.compute, [...at, 'compute']);
  if (compute) out.computeId = compute;
  if (Object.keys(inputs.rest).length) out.inputs = inputs.rest;
  if (Object.keys(outputs.rest).length) out.outputs = outputs.rest;
  const nodeConf = sparkConf(ctx, node.conf, [...at, 'conf'], false);

  // Spark node __init__ takes entry, py_files, jars, files, archives and args from a component it
  // knows (a file or an inline step), and conf when the node sets none.
  let spec: Obj | undefined;
  if (node.component !== undefined) {
    const inline = SPARK_RUN_KEYS.filter((k) => k !== 'conf' && node[k] !== undefined);
    if (inline.length) ctx.fail([...at, inline[0]], `a step with a component takes ${inline.join(', ')} from the component, not from the step`);
    const raw = node.component;
    const r = typeof raw === 'string' ? ctx.ref(raw, [...at, 'component']) : undefined;
    if (r?.kind === 'local') {
      const c = await ctx.planFile(r.path, [...at, 'component'], 'component', sparkComponentFile);
      out.componentId = c.id;
      spec = c.spec;
    } else {
      out.componentId = await componentRef(ctx, raw, [...at, 'component']);
    }
  } else {
    spec = await sparkRunSpec(ctx, node, at, { inputs: inputs.ports, outputs: outputs.ports }, true);
    out.componentId = registerComponent(ctx, { $schema: SPARK_COMPONENT_SCHEMA, name: ANON_COMPONENT_NAME, type: 'spark', ...spec, is_deterministic: true });
  }
  if (spec) {
    out.entry = nodeEntry(entryWire(spec.entry as Obj));
    for (const k of ['py_files', 'jars', 'files', 'archives', 'args']) if (spec[k] !== undefined) out[k] = spec[k];
  }
  const conf = nodeConf ?? (spec?.conf as Obj | undefined);
  if (conf) out.conf = conf;
  const res = sparkResources(ctx, node.resources, [...at, 'resources']);
  if (res) out.resources = { instance_type: res.instanceType, runtime_version: res.runtimeVersion };
  const id = identity(ctx, node.identity, [...at, 'identity']);
  out.identity = id ? nodeIdentity(id) : { identity_type: node.compute !== undefined && node.compute !== null ? 'Managed' : 'UserIdentity' };
  return out;
}

/** An entry already checked ({file} or {class_name}) → its wire form. */
function entryWire(e: Obj): Obj {
  return e.file !== undefined
    ? { sparkJobEntryType: 'SparkJobPythonEntry', file: e.file }
    : { sparkJobEntryType: 'SparkJobScalaEntry', className: e.class_name };
}
