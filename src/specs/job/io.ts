/**
 * `inputs` and `outputs` of jobs and steps → ARM JobInput / JobOutput maps (local data uploaded,
 * asset references resolved), and the check that a command only refers to what is defined.
 */
import { existsSync, statSync } from 'node:fs';
import type { SpecPath } from '../document.js';
import { closest } from '../../core/text.js';
import { isObj, type Obj } from '../../core/obj.js';
import type { PlanContext } from '../plan.js';
import type { AssetKind } from '../references.js';
import { latestOnly } from './common.js';

export const INPUT_TYPES = ['uri_file', 'uri_folder', 'mltable', 'custom_model', 'mlflow_model', 'triton_model'];
export const LITERAL_TYPES = ['string', 'number', 'integer', 'boolean'];
// `mount` is az ml's short form: read-only for inputs, read-write for outputs (azure-ai-ml
// entities/_job/_input_output_helpers.py, INPUT_MOUNT_MAPPING_TO_REST / OUTPUT_MOUNT_MAPPING_TO_REST).
const INPUT_MODES: Record<string, string> = {
  mount: 'ReadOnlyMount',
  ro_mount: 'ReadOnlyMount',
  download: 'Download',
  direct: 'Direct',
  eval_mount: 'EvalMount',
  eval_download: 'EvalDownload',
};
// The eval modes belong to mltable inputs only (azure-ai-ml _schema/job/input_output_entry.py:
// MLTableInputSchema lists them, DataInputSchema and ModelInputSchema do not).
const EVAL_MODES = ['eval_mount', 'eval_download'];
const OUTPUT_MODES: Record<string, string> = { mount: 'ReadWriteMount', rw_mount: 'ReadWriteMount', upload: 'Upload', direct: 'Direct' };
/**
 * The legacy type `path` (v1 pipelines): azure-ai-ml maps v1 IO types other than AnyFile to
 * uri_folder (_internal/entities/_input_outputs.py, _map_v1_io_type); a local file stays a file.
 */
const LEGACY_PATH_TYPE = 'path';
const URL_SCHEMES = ['https', 'http', 'wasbs', 'wasb', 'abfss', 'abfs', 'adl', 'azureml'];

/** The URI of a data or model input: a local path is uploaded, an asset resolved. */
export async function assetUri(ctx: PlanContext, raw: string, type: string, path: SpecPath, purpose: string): Promise<string> {
  const r = ctx.ref(raw, path);
  switch (r.kind) {
    case 'local': {
      const upload = await ctx.snapshotOf(r.path, path, purpose);
      if (type === 'uri_file' && !upload.snapshot.isFile) ctx.fail(path, `'${raw}' is a folder but the input type is uri_file`, 'use type: uri_folder');
      return ctx.datastoreUri(upload.datastorePath, !upload.snapshot.isFile);
    }
    case 'asset': {
      latestOnly(ctx, r, path);
      const kind: AssetKind = type.endsWith('_model') ? 'models' : 'data';
      return ctx.assetVersionId(kind, r, path);
    }
    case 'arm-id':
      return r.id;
    case 'registry':
    case 'datastore':
    case 'job-output':
    case 'mlflow-run':
      return r.uri;
    case 'url':
      if (!URL_SCHEMES.includes(r.scheme)) ctx.fail(path, `'${raw}' uses the unsupported scheme ${r.scheme}://`);
      return r.uri;
    case 'git':
      return ctx.fail(path, `'${raw}' is a git reference, not data`);
  }
}

/**
 * One input: a literal value, or a map with type and path. `${{...}}` bindings are kept as they
 * are where a pipeline resolves them (`bindingsAllowed`), refused elsewhere.
 */
export async function jobInput(ctx: PlanContext, v: unknown, path: SpecPath, bindingsAllowed: boolean): Promise<Obj> {
  if (v === null || v === undefined) return ctx.fail(path, 'has no value');
  if (!isObj(v)) {
    if (Array.isArray(v)) return ctx.fail(path, 'must be a value or a map with type and path');
    const value = String(v);
    if (!bindingsAllowed && /\$\{\{/.test(value)) refuseBinding(ctx, value, path);
    return { jobInputType: 'literal', value };
  }
  ctx.checkKeys(v, ['type', 'path', 'mode', 'value', 'default', 'description', 'optional'], path, 'job input');
  const written = v.type === undefined ? 'uri_folder' : ctx.str(v.type, [...path, 'type']);
  const type = written === LEGACY_PATH_TYPE ? legacyPathType(ctx, v.path, [...path, 'path']) : written;
  const out: Obj = {};
  if (v.description !== undefined) out.description = ctx.str(v.description, [...path, 'description']);
  if (LITERAL_TYPES.includes(type)) {
    const val = v.value ?? v.default;
    if (val === undefined) ctx.fail(path, `a ${type} input needs a value`);
    return { ...out, jobInputType: 'literal', value: String(val) };
  }
  if (!INPUT_TYPES.includes(type)) ctx.fail([...path, 'type'], `'${type}' is not an input type`, `valid: ${INPUT_TYPES.join(', ')}, or a literal value`);
  if (v.path === undefined) ctx.fail(path, `a ${type} input needs a path`);
  const rawPath = ctx.str(v.path, [...path, 'path']);
  out.jobInputType = type;
  out.uri =
    /\$\{\{/.test(rawPath) && bindingsAllowed ? rawPath : await assetUri(ctx, rawPath, type, [...path, 'path'], `inputs.${String(path[path.length - 1])}`);
  if (v.mode !== undefined) out.mode = inputMode(ctx, ctx.str(v.mode, [...path, 'mode']), type, [...path, 'mode']);
  return out;
}

/** `type: path` → uri_file for a local file, else uri_folder. */
function legacyPathType(ctx: PlanContext, v: unknown, path: SpecPath): string {
  if (typeof v !== 'string' || /\$\{\{/.test(v)) return 'uri_folder';
  const r = ctx.ref(v, path);
  if (r.kind !== 'local') return 'uri_folder';
  const abs = ctx.localPath(r.path);
  return existsSync(abs) && statSync(abs).isFile() ? 'uri_file' : 'uri_folder';
}

/** An input's delivery mode, among those its type takes. */
function inputMode(ctx: PlanContext, mode: string, type: string, path: SpecPath): string {
  if (mode === 'rw_mount' || mode === 'upload') {
    ctx.fail(
      path,
      `'${mode}' is an output mode`,
      `an input is read: ${Object.keys(INPUT_MODES)
        .filter((m) => !EVAL_MODES.includes(m))
        .join(', ')}`,
    );
  }
  if (EVAL_MODES.includes(mode) && type !== 'mltable') ctx.fail(path, `'${mode}' applies to mltable inputs only, not to a ${type} input`);
  return ctx.oneOf(mode, path, INPUT_MODES, 'an input mode');
}

export async function jobInputs(ctx: PlanContext, v: unknown, path: SpecPath, bindingsAllowed = false): Promise<Obj | undefined> {
  if (v === undefined || v === null) return undefined;
  const m = ctx.map(v, path, 'must be a map of input names to inputs');
  const out: Obj = {};
  for (const [k, val] of Object.entries(m)) out[k] = await jobInput(ctx, val, [...path, k], bindingsAllowed);
  return out;
}

/** One output: empty (a uri_folder the service places), or a map with type, path and mode. */
export function jobOutput(ctx: PlanContext, v: unknown, path: SpecPath): Obj {
  if (v === null || v === undefined) return { jobOutputType: 'uri_folder' };
  const m = ctx.map(v, path, 'must be empty or a map with type, path and mode');
  ctx.checkKeys(m, ['type', 'path', 'mode', 'description'], path, 'job output');
  const written = m.type === undefined ? 'uri_folder' : ctx.str(m.type, [...path, 'type']);
  const type = written === LEGACY_PATH_TYPE ? 'uri_folder' : written;
  if (!INPUT_TYPES.includes(type)) ctx.fail([...path, 'type'], `'${type}' is not an output type`, `valid: ${INPUT_TYPES.join(', ')}`);
  const out: Obj = { jobOutputType: type };
  if (m.description !== undefined) out.description = ctx.str(m.description, [...path, 'description']);
  if (m.path !== undefined) out.uri = outputUri(ctx, m.path, [...path, 'path']);
  if (m.mode !== undefined) out.mode = ctx.oneOf(ctx.str(m.mode, [...path, 'mode']), [...path, 'mode'], OUTPUT_MODES, 'an output mode');
  return out;
}

function outputUri(ctx: PlanContext, v: unknown, path: SpecPath): string {
  const raw = ctx.str(v, path);
  const r = ctx.ref(raw.replace(/\$\{\{name\}\}/g, 'x'), path);
  if (r.kind !== 'datastore' && r.kind !== 'url')
    ctx.fail(path, `an output path must be a datastore path (azureml://datastores/<ds>/paths/<p>) or a storage URL, not '${raw}'`);
  return raw;
}

export function jobOutputs(ctx: PlanContext, v: unknown, path: SpecPath): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  const m = ctx.map(v, path, 'must be a map of output names to outputs');
  const out: Obj = {};
  for (const [k, val] of Object.entries(m)) out[k] = jobOutput(ctx, val, [...path, k]);
  return out;
}

/** What a command may refer to: `${{inputs.x}}`, `${{outputs.y}}`, `${{search_space.z}}`. */
export interface CommandScope {
  inputs: string[];
  outputs: string[];
  searchSpace?: string[];
}

/** The scope of a command with these inputs and outputs (`outputs.artifacts` always exists). */
export function scopeOf(inputs: Obj | undefined, outputs: Obj | undefined, searchSpace?: Obj): CommandScope {
  const scope: CommandScope = { inputs: Object.keys(inputs ?? {}), outputs: [...Object.keys(outputs ?? {}), 'artifacts'] };
  if (searchSpace) scope.searchSpace = Object.keys(searchSpace);
  return scope;
}

/** Refuses the first `${{...}}` of a command that refers to nothing defined. */
export function checkCommandRefs(ctx: PlanContext, command: string, path: SpecPath, scope: CommandScope): void {
  for (const m of command.matchAll(/\$\{\{\s*([^}]*?)\s*\}\}/g)) {
    const expr = m[1];
    const parts = expr.split('.');
    const [head, name] = parts;
    const known =
      (head === 'inputs' && scope.inputs.includes(name)) ||
      (head === 'outputs' && scope.outputs.includes(name)) ||
      (head === 'search_space' && scope.searchSpace?.includes(name)) ||
      (head === 'name' && parts.length === 1);
    if (parts.length === 2 && known) continue;
    if (parts.length === 1 && head === 'name') continue;
    const pool = head === 'inputs' ? scope.inputs : head === 'outputs' ? scope.outputs : head === 'search_space' ? (scope.searchSpace ?? []) : [];
    const near = name ? closest(name, pool) : undefined;
    const valid = [
      ...scope.inputs.map((i) => `inputs.${i}`),
      ...scope.outputs.map((o) => `outputs.${o}`),
      ...(scope.searchSpace ?? []).map((s) => `search_space.${s}`),
    ];
    ctx.fail(
      path,
      `refers to \${{${expr}}}, which is not defined${near ? ` (did you mean ${head}.${near}?)` : ''}`,
      valid.length ? `defined: ${valid.join(', ')}` : 'this job defines no inputs or outputs',
    );
  }
}

function refuseBinding(ctx: PlanContext, value: string, path: SpecPath): never {
  return ctx.fail(path, `uses the binding '${value}', which only a pipeline step can use`);
}
