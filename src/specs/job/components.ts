/**
 * Components of pipeline steps: a reference, or a `type: command` component YAML file (planned as
 * a component version, named when the file names it), and the anonymous components that inline
 * steps become.
 */
import type { SpecPath } from '../document.js';
import { isObj, type Obj } from '../../core/obj.js';
import { stableJson, versionHash, type PlanContext } from '../plan.js';
import { assetId } from '../references.js';
import { codeId, environmentId } from './assets.js';
import { checkCommandRefs, INPUT_TYPES, LITERAL_TYPES, scopeOf } from './io.js';

export const ANON_COMPONENT_NAME = 'azureml_anonymous';
export const COMMAND_COMPONENT_SCHEMA = 'https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json';
const COMPONENT_KEYS = [
  '$schema',
  'name',
  'version',
  'display_name',
  'description',
  'type',
  'command',
  'code',
  'environment',
  'inputs',
  'outputs',
  'tags',
  'is_deterministic',
  'resources',
  'distribution',
  'environment_variables',
];
const PORT_KEYS = ['type', 'description', 'default', 'optional', 'min', 'max', 'enum', 'mode'];

/** Plans an anonymous component version named by its content; returns its id. */
export function registerComponent(ctx: PlanContext, componentSpec: Obj): string {
  const version = versionHash(stableJson(componentSpec));
  const spec = { ...componentSpec, version };
  const id = assetId(ctx.o.workspaceId, 'components', ANON_COMPONENT_NAME, version);
  return ctx.addAsset({ kind: 'components', name: ANON_COMPONENT_NAME, version, id, body: { properties: { componentSpec: spec, isAnonymous: true } } });
}

/**
 * The component version a component file becomes: its own `name` and `version` (the version a
 * content hash when the file names none), or an anonymous version when it has no name.
 */
export function registerFileComponent(ctx: PlanContext, out: Obj): string {
  if (out.name === undefined) return registerComponent(ctx, out);
  const name = out.name as string;
  const version = (out.version as string | undefined) ?? versionHash(stableJson(out)).slice(0, 12);
  out.version = version;
  const id = assetId(ctx.o.workspaceId, 'components', name, version);
  return ctx.addAsset({ kind: 'components', name, version, id, body: { properties: { componentSpec: out, isAnonymous: false } } });
}

/** `component:` of a step → the id of a component version. */
export async function componentRef(ctx: PlanContext, v: unknown, path: SpecPath): Promise<string> {
  if (isObj(v)) return ctx.fail(path, 'inline component definitions are not supported; put the component in its own YAML file and give its path');
  const raw = ctx.str(v, path);
  const r = ctx.ref(raw, path);
  if (r.kind === 'asset') return ctx.assetVersionId('components', r, path);
  if (r.kind === 'arm-id') return r.id;
  if (r.kind === 'registry') return r.uri;
  if (r.kind !== 'local')
    ctx.fail(path, `'${raw}' is not a component reference`, 'a local component YAML file, azureml:<name>:<version> or azureml:<name>@latest');
  return ctx.planFile(r.path, path, 'component', componentFile);
}

/** A `type: command` component YAML file → a component version (named when it has a name). */
export async function componentFile(ctx: PlanContext): Promise<string> {
  const c = ctx.map(ctx.doc.value, [], 'a component file must be a YAML map');
  ctx.checkKeys(c, COMPONENT_KEYS, [], 'command component');
  if (c.type !== undefined && c.type !== 'command')
    ctx.fail(['type'], `components of type '${String(c.type)}' are not supported`, 'supported: command components');
  if (c.command === undefined) ctx.fail([], "a command component needs 'command'");
  const out: Obj = { $schema: COMMAND_COMPONENT_SCHEMA, type: 'command' };
  for (const k of ['name', 'version', 'display_name', 'description']) if (c[k] !== undefined) out[k] = ctx.str(c[k], [k]);
  out.command = ctx.str(c.command, ['command']).trim();
  const code = await codeId(ctx, c.code, ['code']);
  if (code) out.code = `azureml:${code}`;
  out.environment = `azureml:${await environmentId(ctx, c.environment, ['environment'])}`;
  for (const section of ['inputs', 'outputs'] as const) {
    if (c[section] === undefined || c[section] === null) continue;
    out[section] = componentPorts(ctx, c[section], section);
  }
  checkCommandRefs(ctx, out.command as string, ['command'], scopeOf(out.inputs as Obj | undefined, out.outputs as Obj | undefined));
  if (c.tags !== undefined) out.tags = ctx.stringMap(c.tags, ['tags']);
  out.is_deterministic = c.is_deterministic === undefined ? true : Boolean(c.is_deterministic);
  return registerFileComponent(ctx, out);
}

/** The `inputs` or `outputs` of a component file: each a map with a known type, kept as written. */
export function componentPorts(ctx: PlanContext, v: unknown, section: 'inputs' | 'outputs'): Obj {
  const what = section.slice(0, -1);
  const typeNames = [...INPUT_TYPES, ...LITERAL_TYPES];
  const m: Obj = {};
  if (v === undefined || v === null) return m;
  for (const [name, d] of Object.entries(ctx.map(v, [section]))) {
    const dp: SpecPath = [section, name];
    const port = ctx.map(d, dp, 'must be a map with a type');
    ctx.checkKeys(port, PORT_KEYS, dp, `component ${what}`);
    const t = port.type === undefined ? 'uri_folder' : ctx.str(port.type, [...dp, 'type']);
    if (!typeNames.includes(t)) ctx.fail([...dp, 'type'], `'${t}' is not a component ${what} type`, `valid: ${typeNames.join(', ')}`);
    m[name] = port;
  }
  return m;
}
