/**
 * `set` overrides, as `az ml job create --set path=value`: one `path=value` per line, the path
 * dotted (`inputs.epochs=20`, `jobs.train.compute=azureml:gpu`, `search_space.lr.values[1]=0.1`),
 * the value read as a YAML scalar or flow collection (`20` is a number, `[1,2]` a list).
 */
import { parse as parseYaml } from 'yaml';
import { ConfigurationError } from '../core/errors.js';
import { closest } from '../core/text.js';

export interface Override {
  path: Array<string | number>;
  value: unknown;
  /** 1-based line of the `set` input it came from. */
  line: number;
  text: string;
}

/** Maps whose keys users may add with `set` (they are free-form in the YAML too). */
const OPEN_MAPS = new Set(['tags', 'properties', 'environment_variables', 'inputs', 'outputs', 'settings']);

export function parseOverrides(text: string, input = 'set'): Override[] {
  const out: Override[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      throw new ConfigurationError(`input '${input}' line ${i + 1}: '${line}' is not path=value`, {
        input,
        hint: 'one override per line, e.g. inputs.epochs=20',
      });
    }
    const pathText = line.slice(0, eq).trim();
    const path: Array<string | number> = [];
    for (const seg of pathText.split('.')) {
      const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(seg);
      if (!m)
        throw new ConfigurationError(`input '${input}' line ${i + 1}: '${pathText}' is not a valid path`, {
          input,
          hint: 'dotted keys with optional [index], e.g. jobs.train.inputs.lr or search_space.lr.values[0]',
        });
      path.push(m[1]);
      for (const idx of m[2].matchAll(/\[(\d+)\]/g)) path.push(Number(idx[1]));
    }
    let value: unknown;
    const valueText = line.slice(eq + 1).trim();
    try {
      value = valueText === '' ? '' : parseYaml(valueText);
    } catch {
      value = valueText;
    }
    out.push({ path, value, line: i + 1, text: line });
  });
  return out;
}

/** Applies overrides to a copy of `spec`; a path whose parent does not exist is an error. */
export function applyOverrides(spec: unknown, overrides: Override[], input = 'set'): unknown {
  const root = structuredClone(spec) as Record<string, unknown>;
  for (const o of overrides) {
    let node: unknown = root;
    for (let i = 0; i < o.path.length - 1; i++) {
      const seg = o.path[i];
      const next = (node as Record<string | number, unknown> | undefined)?.[seg];
      if (typeof next !== 'object' || next === null) {
        throw notFound(o, i, node, input);
      }
      node = next;
    }
    const last = o.path[o.path.length - 1];
    const parentKey = o.path[o.path.length - 2];
    if (Array.isArray(node)) {
      if (typeof last !== 'number' || last >= node.length) throw notFound(o, o.path.length - 1, node, input);
      node[last] = o.value;
      continue;
    }
    const obj = node as Record<string, unknown>;
    if (!(String(last) in obj) && !(typeof parentKey === 'string' && OPEN_MAPS.has(parentKey))) {
      throw notFound(o, o.path.length - 1, node, input);
    }
    obj[String(last)] = o.value;
  }
  return root;
}

function notFound(o: Override, depth: number, node: unknown, input: string): ConfigurationError {
  const shown = o.path
    .slice(0, depth + 1)
    .map((p) => (typeof p === 'number' ? `[${p}]` : p))
    .join('.')
    .replace(/\.\[/g, '[');
  const keys = typeof node === 'object' && node !== null && !Array.isArray(node) ? Object.keys(node) : [];
  const near = typeof o.path[depth] === 'string' ? closest(String(o.path[depth]), keys) : undefined;
  return new ConfigurationError(`input '${input}' line ${o.line}: '${shown}' does not exist in the job file${near ? ` (did you mean '${near}'?)` : ''}`, {
    input,
    hint: keys.length
      ? `keys there: ${keys.join(', ')}`
      : 'set can change existing fields and add entries to tags, properties, environment_variables, inputs and outputs',
  });
}
