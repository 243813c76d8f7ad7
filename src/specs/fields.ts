/**
 * The typed field reader every spec translator uses: reads the field at a YAML path as a given
 * type, or refuses it with the file, line and column of the field and, where the set of right
 * answers is closed, what would be valid.
 */
import { closest } from '../core/text.js';
import type { SpecDocument, SpecPath } from './document.js';
import { parseReference, ReferenceError, type Reference } from './references.js';

import { isObj, type Obj } from '../core/obj.js';

/** ` (did you mean 'x'?)` when one of `options` is close to `word`, else nothing. */
export function didYouMean(word: string, options: readonly string[]): string {
  const near = closest(word, options);
  return near ? ` (did you mean '${near}'?)` : '';
}

export class FieldReader {
  constructor(readonly doc: SpecDocument) {}

  /** Throws a ConfigurationError positioned at `path`. */
  fail(path: SpecPath, message: string, hint?: string): never {
    throw this.doc.error(path, message, hint);
  }

  /** Refuses the first key of `obj` that is not in `allowed`, with the closest allowed one. */
  checkKeys(obj: Obj, allowed: readonly string[], path: SpecPath, what: string): void {
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k)) {
        this.fail(
          [...path, k],
          `is not a field of a ${what} that azureml-actions can translate${didYouMean(k, allowed)}`,
          `supported fields: ${allowed.filter((a) => a !== '$schema').join(', ')}`,
        );
      }
    }
  }

  /** A string; numbers and booleans are taken as their text (YAML reads `1.0` as a number). */
  str(v: unknown, path: SpecPath, what = 'a string'): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.fail(path, `must be ${what}`);
  }

  /** `obj[key]` as a string, or undefined when it is absent or null. */
  optStr(obj: Obj, key: string, path: SpecPath): string | undefined {
    return obj[key] === undefined || obj[key] === null ? undefined : this.str(obj[key], [...path, key]);
  }

  /** A map of names to scalar values, as strings (null → ''); undefined when absent. */
  stringMap(v: unknown, path: SpecPath): Record<string, string> | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) this.fail(path, 'must be a map of names to values');
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v)) {
      if (isObj(val) || Array.isArray(val)) this.fail([...path, k], 'must be a string, number or boolean');
      out[k] = val === null ? '' : String(val);
    }
    return out;
  }

  /** A whole number ≥ `min` (digits in a string are taken). */
  int(v: unknown, path: SpecPath, min = 0): number {
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min) this.fail(path, `must be a whole number ≥ ${min}`);
    return n;
  }

  /** A finite number. */
  num(v: unknown, path: SpecPath): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, 'must be a number');
    return v;
  }

  /** A map (`message` says what kind when it is not one). */
  map(v: unknown, path: SpecPath, message = 'must be a map'): Obj {
    if (!isObj(v)) this.fail(path, message);
    return v;
  }

  /**
   * `raw` looked up in `table` (YAML spelling → wire value); anything else is refused as
   * "'raw' is not <what>" with the valid spellings (the table's keys unless `valid` is given).
   */
  oneOf<T>(raw: string, path: SpecPath, table: Readonly<Record<string, T>>, what: string, valid = Object.keys(table).join(', ')): T {
    if (!Object.hasOwn(table, raw)) this.fail(path, `'${raw}' is not ${what}`, `valid: ${valid}`);
    return table[raw];
  }

  /** An asset, file or URL reference (`azureml:x:1`, `./data`, ...). */
  ref(raw: string, path: SpecPath): Reference {
    // Microsoft's examples ship placeholders (`azureml:<your-compute>`); no Azure name holds < or >.
    const placeholder = /<[^<>]*>/.exec(raw);
    if (placeholder) {
      this.fail(path, `'${raw}' holds the placeholder '${placeholder[0]}'`, `replace ${placeholder[0]} with the name it stands for (as in your workspace)`);
    }
    try {
      return parseReference(raw);
    } catch (err) {
      if (err instanceof ReferenceError) this.fail(path, err.message);
      throw err;
    }
  }
}
