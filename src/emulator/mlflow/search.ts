/**
 * The MLflow search grammar: `filter` strings of `runs/search` and `experiments/search`
 * (`metrics.acc > 0.9 and tags.mlflow.parentRunId = 'abc' and attributes.status = 'FINISHED'`),
 * `order_by` clauses and page tokens. Pure functions; values are read through an accessor so the
 * same code serves runs and experiments.
 */
import { MlflowError } from './errors.js';

export type EntityType = 'metric' | 'param' | 'tag' | 'attribute';

export interface Entity {
  type: EntityType;
  key: string;
}

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN' | 'IS NULL' | 'IS NOT NULL';

export interface Comparison {
  entity: Entity;
  op: Operator;
  /** A number (metrics, numeric attributes), a string, a list (`IN`), or null (`IS [NOT] NULL`). */
  value: number | string | string[] | null;
}

export interface OrderBy {
  entity: Entity;
  ascending: boolean;
}

/** What a value of an entity is made of; `undefined` = the run has no such key. */
export type Accessor = (entity: Entity) => number | string | undefined;

/** Which attributes exist and whether they compare as numbers. */
export interface AttributeSchema {
  strings: readonly string[];
  numbers: readonly string[];
  /** Alternative spellings (`created` → `start_time`). */
  aliases?: Record<string, string>;
}

export const RUN_ATTRIBUTES: AttributeSchema = {
  strings: ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'lifecycle_stage', 'experiment_id'],
  numbers: ['start_time', 'end_time'],
  aliases: { created: 'start_time', run_uuid: 'run_id', 'mlflow.runname': 'run_name' },
};

export const EXPERIMENT_ATTRIBUTES: AttributeSchema = {
  strings: ['name', 'experiment_id', 'lifecycle_stage', 'artifact_location'],
  numbers: ['creation_time', 'last_update_time'],
};

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'string'; text: string; quote: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'op'; text: string };

function bad(filter: string, why: string): MlflowError {
  return MlflowError.invalid(`Invalid filter '${filter}': ${why}`);
}

function readQuoted(s: string, i: number, quote: string, filter: string): { text: string; end: number } {
  let out = '';
  let j = i + 1;
  for (; j < s.length; j++) {
    const c = s[j];
    if (c === '\\' && j + 1 < s.length) {
      out += s[j + 1];
      j++;
      continue;
    }
    if (c === quote) {
      if (s[j + 1] === quote && quote !== '`') {
        out += quote;
        j++;
        continue;
      }
      return { text: out, end: j + 1 };
    }
    out += c;
  }
  throw bad(filter, `unterminated ${quote} quote`);
}

function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const q = readQuoted(s, i, c, s);
      tokens.push({ kind: 'string', text: q.text, quote: c });
      i = q.end;
      continue;
    }
    if (c === '`') {
      const q = readQuoted(s, i, '`', s);
      tokens.push({ kind: 'word', text: q.text });
      i = q.end;
      continue;
    }
    const two = s.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=' || two === '<>') {
      tokens.push({ kind: 'op', text: two === '<>' ? '!=' : two });
      i += 2;
      continue;
    }
    if ('=<>(),'.includes(c)) {
      tokens.push({ kind: 'op', text: c });
      i++;
      continue;
    }
    const num = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(s.slice(i));
    if (num && (tokens.length === 0 || tokens[tokens.length - 1].kind === 'op' || /^(in|like|ilike)$/i.test(lastWord(tokens)))) {
      tokens.push({ kind: 'number', value: Number(num[0]), text: num[0] });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z0-9_.\-/:]+/.exec(s.slice(i));
    if (word) {
      let text = word[0];
      i += text.length;
      // `metrics.`quoted key`` / `tags."quoted key"`: a prefix glued to a quoted key.
      if (text.endsWith('.') && (s[i] === '`' || s[i] === '"')) {
        const q = readQuoted(s, i, s[i], s);
        text += q.text;
        i = q.end;
        tokens.push({ kind: 'word', text: `\u0000${text}` });
        continue;
      }
      tokens.push({ kind: 'word', text });
      continue;
    }
    throw bad(s, `unexpected character '${c}' at position ${i}`);
  }
  return tokens;
}

function lastWord(tokens: Token[]): string {
  const t = tokens[tokens.length - 1];
  return t && t.kind === 'word' ? t.text : '';
}

const PREFIXES: Record<string, EntityType> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
};

/** `metrics.acc` → { metric, acc }; `status` → { attribute, status }. */
export function parseIdentifier(raw: string, schema: AttributeSchema, context: string): Entity {
  const glued = raw.startsWith('\u0000');
  const text = glued ? raw.slice(1) : raw;
  const dot = text.indexOf('.');
  let type: EntityType = 'attribute';
  let key = text;
  if (dot > 0) {
    const prefix = text.slice(0, dot).toLowerCase();
    const mapped = PREFIXES[prefix];
    if (mapped) {
      type = mapped;
      key = text.slice(dot + 1);
    } else if (prefix === 'dataset' || prefix === 'datasets') {
      throw MlflowError.invalid(`Invalid ${context} '${raw}': dataset filters are not supported by the emulator`);
    } else if (!glued) {
      throw MlflowError.invalid(`Invalid ${context} '${text}': the entity type must be one of metrics, params, tags or attributes (e.g. 'metrics.${text}')`);
    }
  }
  if (key.length === 0) throw MlflowError.invalid(`Invalid ${context} '${text}': the key is empty`);
  if (type === 'attribute') {
    const lower = key.toLowerCase();
    const canonical = schema.aliases?.[lower] ?? lower;
    if (!schema.strings.includes(canonical) && !schema.numbers.includes(canonical)) {
      throw MlflowError.invalid(`Invalid attribute key '${key}' in ${context}; valid attributes: ${[...schema.strings, ...schema.numbers].join(', ')}`);
    }
    key = canonical;
  }
  return { type, key };
}

function isNumeric(entity: Entity, schema: AttributeSchema): boolean {
  return entity.type === 'metric' || (entity.type === 'attribute' && schema.numbers.includes(entity.key));
}

/**
 * What Azure ML's MLflow refuses in a `runs/search` filter that open-source MLflow takes, as a
 * sentence (undefined when the filter is fine). Source: Microsoft's "Query & compare experiments
 * and runs with MLflow", https://learn.microsoft.com/azure/machine-learning/how-to-track-experiments-mlflow
 * — section "Filter runs by status" ("Expressions containing `attributes.status` in the parameter
 * `filter_string` are not support at the moment") and the support matrix (no `LIKE`/`ILIKE`,
 * no `!=` on tags). The wording of the error is ours: the docs do not quote Azure's message.
 */
export function azureMlUnsupportedFilter(comparisons: readonly Comparison[]): string | undefined {
  for (const c of comparisons) {
    if (c.entity.type === 'attribute' && c.entity.key === 'status') {
      return "filtering runs by 'attributes.status' is not supported by Azure Machine Learning; search without it and filter the runs by their status";
    }
    if (c.op === 'LIKE' || c.op === 'ILIKE') return `the comparator '${c.op}' is not supported by Azure Machine Learning`;
    if (c.entity.type === 'tag' && c.op === '!=') return "the comparator '!=' is not supported for tags by Azure Machine Learning";
  }
  return undefined;
}

/** Parse a filter string into comparisons joined by AND (MLflow has no OR). */
export function parseFilter(filter: string | undefined, schema: AttributeSchema = RUN_ATTRIBUTES): Comparison[] {
  if (filter === undefined || filter.trim() === '') return [];
  const tokens = tokenize(filter);
  const out: Comparison[] = [];
  let i = 0;
  const peekWord = (k = 0): string | undefined => {
    const t = tokens[i + k];
    return t && t.kind === 'word' ? t.text.toUpperCase() : undefined;
  };
  while (i < tokens.length) {
    const idTok = tokens[i++];
    let idText: string;
    if (idTok.kind === 'word') idText = idTok.text;
    else if (idTok.kind === 'string' && idTok.quote === '"') idText = idTok.text;
    else throw bad(filter, `expected an identifier such as metrics.accuracy, got '${'text' in idTok ? idTok.text : ''}'`);
    const entity = parseIdentifier(idText, schema, 'filter');
    // operator
    let op: Operator;
    const t = tokens[i];
    if (!t) throw bad(filter, `missing comparison after '${idText}'`);
    if (t.kind === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      op = t.text as Operator;
      i++;
    } else if (peekWord() === 'LIKE' || peekWord() === 'ILIKE' || peekWord() === 'IN') {
      op = peekWord() as Operator;
      i++;
    } else if (peekWord() === 'NOT' && peekWord(1) === 'IN') {
      op = 'NOT IN';
      i += 2;
    } else if (peekWord() === 'IS' && peekWord(1) === 'NULL') {
      op = 'IS NULL';
      i += 2;
    } else if (peekWord() === 'IS' && peekWord(1) === 'NOT' && peekWord(2) === 'NULL') {
      op = 'IS NOT NULL';
      i += 3;
    } else {
      throw bad(filter, `unsupported comparison '${'text' in t ? t.text : ''}' after '${idText}'`);
    }
    const numeric = isNumeric(entity, schema);
    let value: Comparison['value'] = null;
    if (op === 'IN' || op === 'NOT IN') {
      if (numeric) throw bad(filter, `'${op}' is only supported for string keys, not '${idText}'`);
      const open = tokens[i++];
      if (!open || open.kind !== 'op' || open.text !== '(') throw bad(filter, `expected '(' after ${op}`);
      const list: string[] = [];
      for (;;) {
        const v = tokens[i++];
        if (!v || v.kind !== 'string') throw bad(filter, `expected a quoted string in the ${op} list`);
        list.push(v.text);
        const sep = tokens[i++];
        if (sep && sep.kind === 'op' && sep.text === ',') continue;
        if (sep && sep.kind === 'op' && sep.text === ')') break;
        throw bad(filter, `expected ',' or ')' in the ${op} list`);
      }
      value = list;
    } else if (op !== 'IS NULL' && op !== 'IS NOT NULL') {
      const v = tokens[i++];
      if (!v) throw bad(filter, `missing value after '${idText} ${op}'`);
      if (numeric) {
        if (op === 'LIKE' || op === 'ILIKE') throw bad(filter, `'${op}' is not supported for numeric key '${idText}'`);
        if (v.kind === 'number') value = v.value;
        else if (v.kind === 'string' && v.text.trim() !== '' && Number.isFinite(Number(v.text)) && entity.type === 'attribute') value = Number(v.text);
        else throw bad(filter, `expected a number after '${idText} ${op}'`);
      } else {
        if (v.kind !== 'string') throw bad(filter, `expected a quoted string after '${idText} ${op}' (e.g. '${idText} ${op} "value"')`);
        if (['<', '<=', '>', '>='].includes(op) && entity.type !== 'attribute') {
          throw bad(filter, `'${op}' is not supported for string key '${idText}'; use =, !=, LIKE or ILIKE`);
        }
        value = v.text;
      }
    } else if (entity.type === 'metric' || entity.type === 'attribute') {
      throw bad(filter, `'${op}' is only supported for params and tags`);
    }
    out.push({ entity, op, value });
    if (i < tokens.length) {
      const w = peekWord();
      if (w === 'AND') {
        i++;
        if (i >= tokens.length) throw bad(filter, `dangling AND`);
        continue;
      }
      if (w === 'OR') throw bad(filter, `OR is not supported; MLflow filters only join comparisons with AND`);
      throw bad(filter, `expected AND after a comparison`);
    }
  }
  return out;
}

function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let src = '';
  for (const ch of pattern) {
    if (ch === '%') src += '.*';
    else if (ch === '_') src += '.';
    else src += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`, caseInsensitive ? 'si' : 's');
}

export function matches(comparisons: Comparison[], get: Accessor): boolean {
  for (const c of comparisons) {
    const actual = get(c.entity);
    if (c.op === 'IS NULL') {
      if (actual !== undefined) return false;
      continue;
    }
    if (c.op === 'IS NOT NULL') {
      if (actual === undefined) return false;
      continue;
    }
    if (actual === undefined) return false;
    if (typeof c.value === 'number') {
      const a = typeof actual === 'number' ? actual : Number(actual);
      if (!compareNumbers(a, c.op, c.value)) return false;
      continue;
    }
    const a = String(actual);
    switch (c.op) {
      case '=':
        if (a !== c.value) return false;
        break;
      case '!=':
        if (a === c.value) return false;
        break;
      case 'LIKE':
        if (!likeToRegExp(String(c.value), false).test(a)) return false;
        break;
      case 'ILIKE':
        if (!likeToRegExp(String(c.value), true).test(a)) return false;
        break;
      case 'IN':
        if (!(c.value as string[]).includes(a)) return false;
        break;
      case 'NOT IN':
        if ((c.value as string[]).includes(a)) return false;
        break;
      case '<':
        if (!(a < String(c.value))) return false;
        break;
      case '<=':
        if (!(a <= String(c.value))) return false;
        break;
      case '>':
        if (!(a > String(c.value))) return false;
        break;
      case '>=':
        if (!(a >= String(c.value))) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function compareNumbers(a: number, op: Operator, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return false;
  }
}

/** `metrics.acc DESC` → { entity, ascending: false }. */
export function parseOrderBy(clause: string, schema: AttributeSchema = RUN_ATTRIBUTES): OrderBy {
  const m = /^\s*(.+?)(?:\s+(ASC|DESC))?\s*$/i.exec(clause);
  if (!m) throw MlflowError.invalid(`Invalid order_by clause '${clause}'`);
  let ident = m[1].trim();
  // `metrics.`my key`` and `tags."x y"`
  const quoted = /^([A-Za-z]+)\.[`"](.*)[`"]$/.exec(ident);
  if (quoted) ident = `\u0000${quoted[1]}.${quoted[2]}`;
  else if (/\s/.test(ident)) throw MlflowError.invalid(`Invalid order_by clause '${clause}': expected '<key> [ASC|DESC]'`);
  return { entity: parseIdentifier(ident, schema, 'order_by clause'), ascending: (m[2] ?? 'ASC').toUpperCase() === 'ASC' };
}

/**
 * Compare two items by the order_by clauses; missing values sort last in either direction, as
 * MLflow's SQL store does. Returns 0 when all clauses tie (the caller adds its own tie-breakers).
 */
export function compareBy(orderBy: OrderBy[], a: Accessor, b: Accessor): number {
  for (const o of orderBy) {
    const va = a(o.entity);
    const vb = b(o.entity);
    if (va === undefined && vb === undefined) continue;
    if (va === undefined) return 1;
    if (vb === undefined) return -1;
    let c: number;
    if (typeof va === 'number' && typeof vb === 'number') {
      if (Number.isNaN(va) || Number.isNaN(vb)) c = Number.isNaN(va) ? (Number.isNaN(vb) ? 0 : 1) : -1;
      else c = va < vb ? -1 : va > vb ? 1 : 0;
    } else {
      const sa = String(va);
      const sb = String(vb);
      c = sa < sb ? -1 : sa > sb ? 1 : 0;
    }
    if (c !== 0) return o.ascending ? c : -c;
  }
  return 0;
}

/** Opaque page tokens: base64 of `{"offset":n}`. */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');
}

export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    if (typeof parsed.offset === 'number' && Number.isInteger(parsed.offset) && parsed.offset >= 0) return parsed.offset;
  } catch {
    // fall through
  }
  throw MlflowError.invalid(`Invalid page token '${token}'`);
}
