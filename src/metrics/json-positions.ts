/**
 * A JSON reader that keeps the line and column of every value, so a metrics file's errors can
 * point at the exact place. It also reads the bare `NaN`, `Infinity` and `-Infinity` that
 * Python's `json.dump` writes by default (a NaN metric must reach the gate as NaN and fail it,
 * not break the parse).
 */

export interface JsonPosition {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export type JsonNode =
  | { type: 'object'; entries: Array<{ key: string; keyAt: JsonPosition; value: JsonNode }>; at: JsonPosition }
  | { type: 'array'; items: JsonNode[]; at: JsonPosition }
  | { type: 'number'; value: number; at: JsonPosition }
  | { type: 'string'; value: string; at: JsonPosition }
  | { type: 'boolean'; value: boolean; at: JsonPosition }
  | { type: 'null'; at: JsonPosition };

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 256;

export function parseJsonWithPositions(text: string): JsonNode {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  // A byte-order mark is not part of the document.
  if (text.charCodeAt(0) === 0xfeff) i = 1;

  const at = (): JsonPosition => ({ line, column: i - lineStart + 1 });
  const fail = (message: string, pos: JsonPosition = at()): never => {
    throw new JsonSyntaxError(message, pos.line, pos.column);
  };
  const describe = (): string => {
    if (i >= text.length) return 'the end of the file';
    const c = text[i];
    return /\s/.test(c) ? 'a space' : `'${c}'`;
  };

  function skip(): void {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        i++;
        line++;
        lineStart = i;
      } else if (c === 32 || c === 9 || c === 13) i++;
      else break;
    }
  }

  function literal(word: string): boolean {
    if (text.startsWith(word, i)) {
      const after = text.charCodeAt(i + word.length);
      // a word must end there (`nullx` is not null)
      if (!(after >= 65 && after <= 90) && !(after >= 97 && after <= 122) && !(after >= 48 && after <= 57) && after !== 95) {
        i += word.length;
        return true;
      }
    }
    return false;
  }

  function value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) fail(`the document nests deeper than ${MAX_DEPTH} levels`);
    skip();
    const pos = at();
    const c = text[i];
    if (c === '{') return object(depth, pos);
    if (c === '[') return array(depth, pos);
    if (c === '"') return { type: 'string', value: string(), at: pos };
    if (c === '-' || (c >= '0' && c <= '9')) {
      if (c === '-' && text.startsWith('-Infinity', i)) {
        i += 9;
        return { type: 'number', value: -Infinity, at: pos };
      }
      return { type: 'number', value: number(), at: pos };
    }
    if (literal('true')) return { type: 'boolean', value: true, at: pos };
    if (literal('false')) return { type: 'boolean', value: false, at: pos };
    if (literal('null')) return { type: 'null', at: pos };
    if (literal('NaN')) return { type: 'number', value: NaN, at: pos };
    if (literal('Infinity')) return { type: 'number', value: Infinity, at: pos };
    if (c === "'") return fail('strings must use double quotes ("), not single quotes');
    return fail(`expected a value, found ${describe()}`);
  }

  function object(depth: number, pos: JsonPosition): JsonNode {
    i++; // {
    const entries: Array<{ key: string; keyAt: JsonPosition; value: JsonNode }> = [];
    skip();
    if (text[i] === '}') {
      i++;
      return { type: 'object', entries, at: pos };
    }
    for (;;) {
      skip();
      const keyAt = at();
      if (text[i] !== '"') {
        fail(
          text[i] === '}'
            ? 'a comma before } is not allowed in JSON'
            : text[i] === "'"
              ? 'keys must use double quotes ("), not single quotes'
              : `expected a quoted key, found ${describe()}`,
        );
      }
      const key = string();
      skip();
      if (text[i] !== ':') fail(`expected ':' after the key "${key}", found ${describe()}`);
      i++;
      const v = value(depth + 1);
      entries.push({ key, keyAt, value: v });
      skip();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return { type: 'object', entries, at: pos };
      }
      fail(`expected ',' or '}' after the value of "${key}", found ${describe()}`);
    }
  }

  function array(depth: number, pos: JsonPosition): JsonNode {
    i++; // [
    const items: JsonNode[] = [];
    skip();
    if (text[i] === ']') {
      i++;
      return { type: 'array', items, at: pos };
    }
    for (;;) {
      skip();
      if (text[i] === ']') fail('a comma before ] is not allowed in JSON');
      items.push(value(depth + 1));
      skip();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return { type: 'array', items, at: pos };
      }
      fail(`expected ',' or ']' in the list, found ${describe()}`);
    }
  }

  function number(): number {
    const start = i;
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (text[i] >= '1' && text[i] <= '9') while (text[i] >= '0' && text[i] <= '9') i++;
    else fail(`expected a digit, found ${describe()}`);
    if (text[i] === '.') {
      i++;
      if (!(text[i] >= '0' && text[i] <= '9')) fail(`expected a digit after '.', found ${describe()}`);
      while (text[i] >= '0' && text[i] <= '9') i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!(text[i] >= '0' && text[i] <= '9')) fail(`expected a digit in the exponent, found ${describe()}`);
      while (text[i] >= '0' && text[i] <= '9') i++;
    }
    return Number(text.slice(start, i));
  }

  function string(): string {
    const open = at();
    i++; // "
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= text.length) fail('this string is never closed', open);
      const c = text.charCodeAt(i);
      if (c === 34) {
        out += text.slice(chunk, i);
        i++;
        return out;
      }
      if (c === 10 || c === 13) fail('a string cannot span lines (write \\n)', open);
      if (c === 92) {
        out += text.slice(chunk, i);
        const e = text[i + 1];
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e in map) {
          out += map[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          fail(`invalid escape '\\${e ?? ''}' in a string`);
        }
        chunk = i;
        continue;
      }
      i++;
    }
  }

  const root = value(0);
  skip();
  if (i < text.length) fail(`unexpected ${describe()} after the end of the document`);
  return root;
}
