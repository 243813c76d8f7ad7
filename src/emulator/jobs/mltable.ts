/**
 * An MLTable input, read as Azure ML's `mltable` package reads it: the folder's `MLTable` YAML
 * lists `paths` (`file`, `folder` or `pattern`, relative to the folder or a URI) and
 * `transformations` (`read_delimited`, `read_json_lines`, `take`, `skip`, `drop_columns`,
 * `keep_columns`, `take_random_sample`), as https://learn.microsoft.com/azure/machine-learning/reference-yaml-mltable
 * describes them. The files are downloaded here; the plan handed to the Python trainer names the
 * local files and the reading options. Parquet and Delta tables need packages the emulator does not
 * have: such a table is refused with a message that says so.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { WorkspaceRef } from '../data/resources.js';
import { DataResolutionError } from '../data/uris.js';
import { JobFailure } from './command.js';
import type { Runtime } from './runtime.js';
import { asObj } from '../obj.js';

export interface TableFile {
  path: string;
  format: 'delimited' | 'json_lines';
  delimiter?: string;
  header?: string;
  encoding?: string;
  empty_as_string?: boolean;
  include_path_column?: boolean;
}

export interface TableSpec {
  files: TableFile[];
  transforms: Array<Record<string, unknown>>;
}

/** MLTable encodings (reference-yaml-mltable: read_delimited.encoding) → Python codec names. */
const ENCODINGS: Record<string, string> = {
  utf8: 'utf-8',
  'utf-8': 'utf-8',
  ascii: 'ascii',
  latin1: 'latin-1',
  iso88591: 'latin-1',
  utf8bom: 'utf-8-sig',
  windows1252: 'cp1252',
  utf16: 'utf-16',
  utf32: 'utf-32',
};
const HEADERS = ['all_files_same_headers', 'from_first_file', 'all_files_different_headers', 'no_header'];

/** Every file under `dir`, sorted (none when it does not exist). */
export async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/** A glob (`*`, `**`, `?`) as a regular expression over `/`-separated relative paths. */
export function globRegex(pattern: string): RegExp {
  let re = '';
  const p = pattern.replace(/^\.\//, '');
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '*' && p[i + 1] === '*') {
      re += p[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += p[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function isUri(p: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || /^azureml:/i.test(p);
}

/** Download an MLTable input (`uri`) under `dest` and read its MLTable file into a {@link TableSpec}. */
export async function readMLTable(rt: Runtime, ws: WorkspaceRef, uri: string, dest: string, label: string, signal: AbortSignal): Promise<TableSpec> {
  const resolver = rt.resolver(ws);
  const fetch = async (u: string, into: string) => {
    try {
      return await rt.blob.download(await resolver.resolve(u), into, { abortSignal: signal });
    } catch (err) {
      if (err instanceof DataResolutionError) throw new JobFailure(`${label}: ${err.message}`, 'DataNotFound');
      throw err;
    }
  };
  const got = await fetch(uri, dest);
  if (got.count === 0) throw new JobFailure(`${label}: nothing found at '${uri}'`, 'DataNotFound');
  const file = got.file && /(^|[\\/])MLTable$/.test(got.file) ? got.file : join(dest, 'MLTable');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new JobFailure(
      `${label}: '${uri}' is not an MLTable folder (no MLTable file at its root). AutoML jobs read their data as MLTable: a folder with an MLTable file whose paths name the data files.`,
      'InvalidMLTable',
    );
  }
  let doc: Record<string, unknown> | undefined;
  try {
    doc = asObj(parseYaml(text));
  } catch (err) {
    throw new JobFailure(`${label}: the MLTable file is not valid YAML: ${(err as Error).message.split('\n')[0]}`, 'InvalidMLTable');
  }
  const paths = Array.isArray(doc?.paths) ? doc.paths : [];
  if (paths.length === 0) throw new JobFailure(`${label}: the MLTable file lists no paths`, 'InvalidMLTable');
  const root = resolve(dest);
  const inside = (p: string) => {
    const abs = resolve(root, p);
    if (abs !== root && !abs.startsWith(root + sep))
      throw new JobFailure(`${label}: the MLTable path '${p}' points outside the MLTable folder`, 'InvalidMLTable');
    return abs;
  };
  const files: string[] = [];
  for (const [i, raw] of paths.entries()) {
    const entry = asObj(raw) ?? {};
    const kind = ['file', 'folder', 'pattern'].find((k) => typeof entry[k] === 'string');
    if (!kind) throw new JobFailure(`${label}: MLTable paths[${i}] needs one of file, folder or pattern`, 'InvalidMLTable');
    const value = String(entry[kind]);
    if (kind === 'pattern') {
      const wild = value.search(/[*?]/);
      const prefix = wild < 0 ? value : value.slice(0, value.lastIndexOf('/', wild) + 1);
      let base = root;
      let rest = value;
      if (isUri(value)) {
        base = join(root, '_paths', String(i));
        await fetch(prefix, base);
        rest = value.slice(prefix.length);
      }
      const re = globRegex(rest);
      const matched = (await walk(base)).filter((f) => re.test(relative(base, f).split(sep).join('/')) && !f.endsWith(`${sep}MLTable`));
      if (matched.length === 0) throw new JobFailure(`${label}: the MLTable pattern '${value}' matches no file`, 'DataNotFound');
      files.push(...matched);
    } else if (isUri(value)) {
      const into = join(root, '_paths', String(i));
      const r = await fetch(value, into);
      if (r.count === 0) throw new JobFailure(`${label}: nothing found at the MLTable path '${value}'`, 'DataNotFound');
      files.push(...(r.file ? [r.file] : await walk(into)));
    } else {
      const abs = inside(value);
      const st = await stat(abs).catch(() => undefined);
      if (!st) throw new JobFailure(`${label}: the MLTable ${kind} '${value}' is not in the MLTable folder`, 'DataNotFound');
      files.push(...(st.isDirectory() ? (await walk(abs)).filter((f) => !f.endsWith(`${sep}MLTable`)) : [abs]));
    }
  }

  const transforms: Array<Record<string, unknown>> = [];
  let format: Omit<TableFile, 'path'> | undefined;
  const list = Array.isArray(doc?.transformations) ? doc.transformations : [];
  for (const t of list) {
    const [name, arg] = typeof t === 'string' ? [t, {}] : (Object.entries(asObj(t) ?? {})[0] ?? ['', {}]);
    const o = asObj(arg) ?? {};
    switch (name) {
      case 'read_delimited': {
        const enc = typeof o.encoding === 'string' ? o.encoding.toLowerCase() : 'utf8';
        const header = typeof o.header === 'string' ? o.header : 'all_files_same_headers';
        if (!ENCODINGS[enc]) throw new JobFailure(`${label}: read_delimited encoding '${String(o.encoding)}' is not one MLTable knows`, 'InvalidMLTable');
        if (!HEADERS.includes(header))
          throw new JobFailure(`${label}: read_delimited header '${header}' is not one of ${HEADERS.join(', ')}`, 'InvalidMLTable');
        format = {
          format: 'delimited',
          delimiter: typeof o.delimiter === 'string' ? o.delimiter : ',',
          header,
          encoding: ENCODINGS[enc],
          empty_as_string: o.empty_as_string === true,
          include_path_column: o.include_path_column === true,
        };
        break;
      }
      case 'read_json_lines':
        format = {
          format: 'json_lines',
          encoding: ENCODINGS[typeof o.encoding === 'string' ? o.encoding.toLowerCase() : 'utf8'] ?? 'utf-8',
          include_path_column: o.include_path_column === true,
        };
        break;
      case 'read_parquet':
      case 'read_delta_lake':
        throw new JobFailure(
          `${label}: the MLTable uses ${name}; the local emulator reads delimited and JSON lines tables only (Parquet and Delta need packages it does not have)`,
          'UnsupportedMLTable',
        );
      case 'take':
      case 'skip':
        transforms.push({ [name]: Number(arg) });
        break;
      case 'drop_columns':
      case 'keep_columns':
        transforms.push({ [name]: Array.isArray(arg) ? arg.map(String) : [String(arg)] });
        break;
      case 'take_random_sample':
        transforms.push({ take_random_sample: Number(o.probability ?? 1), seed: Number(o.seed ?? 0) });
        break;
      default:
        throw new JobFailure(`${label}: the MLTable transformation '${String(name)}' is not supported by the local emulator`, 'UnsupportedMLTable');
    }
  }
  // Without a read_* transformation the files are read as comma-separated text with a header.
  const fmt = format ?? { format: 'delimited' as const, delimiter: ',', header: 'all_files_same_headers', encoding: 'utf-8' };
  return { files: files.map((path) => ({ path, ...fmt })), transforms };
}
