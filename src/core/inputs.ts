/**
 * The one typed reader of action inputs (checkout's `input-helper.ts`, codeql's typed wrappers).
 *
 * Every action reads its inputs through an {@link InputReader} built over an {@link InputSource}
 * (by default `@actions/core`'s `getInput`). Every parse error is a {@link ConfigurationError} that
 * names the input and says what would be valid. Resolved values are debug-logged, except those read
 * with {@link InputReader.secret}, which are masked instead.
 */
import * as core from '@actions/core';
import { ConfigurationError } from './errors.js';

/** Returns the raw value of an input, or '' when it is not set. */
export type InputSource = (name: string) => string;

/** `@actions/core`'s `getInput` (reads `INPUT_<NAME>`, trims). */
export const actionsInputSource: InputSource = (name) => core.getInput(name);

/** A source over a plain record, for tests and for the root action that forwards inputs. */
export function recordInputSource(values: Record<string, string | undefined>): InputSource {
  return (name) => values[name] ?? '';
}

export interface IntOptions {
  min?: number;
  max?: number;
  default?: number;
}
export type NumberOptions = IntOptions;

export interface DurationOptions {
  /** Default, in milliseconds or as a duration string (`'30m'`). */
  default?: number | string;
  /** Smallest allowed value in milliseconds. */
  minInMs?: number;
  /** Largest allowed value in milliseconds. */
  maxInMs?: number;
}

export interface InputReader {
  /** A non-empty string; an empty input is an error naming it. */
  required(name: string): string;
  /** The trimmed string, or undefined when empty. */
  optional(name: string): string | undefined;
  /** Like {@link optional}, but the value is masked in the log and never debug-printed. */
  secret(name: string): string | undefined;
  /** YAML 1.2 core schema booleans: true | True | TRUE | false | False | FALSE. */
  boolean(name: string, defaultValue: boolean): boolean;
  int(name: string, options: IntOptions & { default: number }): number;
  int(name: string, options?: IntOptions): number | undefined;
  number(name: string, options: NumberOptions & { default: number }): number;
  number(name: string, options?: NumberOptions): number | undefined;
  /** Items separated by newlines or commas, trimmed, empty items dropped. */
  list(name: string): string[];
  /** `90s`, `10m`, `1h30m`, `500ms`, `2d`, or plain seconds → milliseconds. */
  duration(name: string, options: DurationOptions & { default: number | string }): number;
  duration(name: string, options?: DurationOptions): number | undefined;
  /** One of `values` (matched case-insensitively, returned as spelled in `values`). */
  choice<T extends string>(name: string, values: readonly T[], defaultValue: T): T;
  choice<T extends string>(name: string, values: readonly T[]): T | undefined;
  /** Parsed JSON, or undefined when empty. */
  json<T = unknown>(name: string): T | undefined;
  /** Multi-line `key=value` pairs; blank lines and `#` comments skipped. */
  keyValues(name: string): Record<string, string>;
}

export interface InputReaderOptions {
  /** Where resolved values are logged. Default: `core.debug`. */
  debug?: (message: string) => void;
  /** How secrets are masked. Default: `core.setSecret`. */
  setSecret?: (secret: string) => void;
}

/** Builds the reader. Without a source it reads the action's inputs through `@actions/core`. */
export function createInputReader(source: InputSource = actionsInputSource, options: InputReaderOptions = {}): InputReader {
  const debug = options.debug ?? ((m: string) => core.debug(m));
  const setSecret = options.setSecret ?? ((s: string) => core.setSecret(s));

  const raw = (name: string): string => (source(name) ?? '').trim();
  const log = (name: string, value: unknown) => debug(`input ${name} = ${JSON.stringify(value)}`);
  const fail = (name: string, message: string, hint?: string): never => {
    throw new ConfigurationError(message, { input: name, hint });
  };

  function optional(name: string): string | undefined {
    const value = raw(name);
    log(name, value === '' ? undefined : value);
    return value === '' ? undefined : value;
  }

  function required(name: string): string {
    const value = raw(name);
    if (value === '') fail(name, `Input '${name}' is required but was not given.`);
    log(name, value);
    return value;
  }

  function secret(name: string): string | undefined {
    const value = raw(name);
    if (value === '') return undefined;
    setSecret(value);
    debug(`input ${name} = *** (secret)`);
    return value;
  }

  function boolean(name: string, defaultValue: boolean): boolean {
    const value = raw(name);
    let result: boolean;
    if (value === '') result = defaultValue;
    else {
      const parsed = parseBoolean(value);
      if (parsed === undefined) {
        return fail(name, `Input '${name}' must be a boolean, got '${value}'.`, `Valid values: ${BOOLEAN_SPELLINGS.join(', ')}.`);
      }
      result = parsed;
    }
    log(name, result);
    return result;
  }

  function numeric(name: string, options: IntOptions, integer: boolean): number | undefined {
    const value = raw(name);
    const kind = integer ? 'an integer' : 'a number';
    let result: number | undefined;
    if (value === '') result = options.default;
    else {
      const pattern = integer ? /^[+-]?\d+$/ : /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
      if (!pattern.test(value)) fail(name, `Input '${name}' must be ${kind}, got '${value}'.`, rangeHint(options));
      result = Number(value);
      if (!Number.isFinite(result) || (integer && !Number.isSafeInteger(result))) {
        fail(name, `Input '${name}' is out of range: '${value}'.`, rangeHint(options));
      }
      if (options.min !== undefined && result < options.min) {
        fail(name, `Input '${name}' must be at least ${options.min}, got ${value}.`, rangeHint(options));
      }
      if (options.max !== undefined && result > options.max) {
        fail(name, `Input '${name}' must be at most ${options.max}, got ${value}.`, rangeHint(options));
      }
    }
    log(name, result);
    return result;
  }

  function int(name: string, options: IntOptions & { default: number }): number;
  function int(name: string, options?: IntOptions): number | undefined;
  function int(name: string, options: IntOptions = {}): number | undefined {
    return numeric(name, options, true);
  }

  function number(name: string, options: NumberOptions & { default: number }): number;
  function number(name: string, options?: NumberOptions): number | undefined;
  function number(name: string, options: NumberOptions = {}): number | undefined {
    return numeric(name, options, false);
  }

  function list(name: string): string[] {
    const result = splitList(raw(name));
    log(name, result);
    return result;
  }

  function duration(name: string, options: DurationOptions & { default: number | string }): number;
  function duration(name: string, options?: DurationOptions): number | undefined;
  function duration(name: string, options: DurationOptions = {}): number | undefined {
    const value = raw(name);
    let result: number | undefined;
    if (value === '') {
      result = typeof options.default === 'string' ? parseDuration(options.default) : options.default;
    } else {
      result = parseDuration(value);
      if (result === undefined) {
        fail(
          name,
          `Input '${name}' is not a valid duration: '${value}'.`,
          'Use a number of seconds (e.g. 90) or amounts with units ms, s, m, h, d (e.g. 500ms, 90s, 10m, 1h30m).',
        );
      }
      const n = result as number;
      if (options.minInMs !== undefined && n < options.minInMs) {
        fail(name, `Input '${name}' must be at least ${formatDuration(options.minInMs)}, got '${value}'.`);
      }
      if (options.maxInMs !== undefined && n > options.maxInMs) {
        fail(name, `Input '${name}' must be at most ${formatDuration(options.maxInMs)}, got '${value}'.`);
      }
    }
    log(name, result);
    return result;
  }

  function choice<T extends string>(name: string, values: readonly T[], defaultValue: T): T;
  function choice<T extends string>(name: string, values: readonly T[]): T | undefined;
  function choice<T extends string>(name: string, values: readonly T[], defaultValue?: T): T | undefined {
    const value = raw(name);
    let result: T | undefined;
    if (value === '') result = defaultValue;
    else {
      result = values.find((v) => v === value) ?? values.find((v) => v.toLowerCase() === value.toLowerCase());
      if (result === undefined) {
        fail(name, `Input '${name}' must be one of ${values.join(', ')}; got '${value}'.`, `Valid values: ${values.join(', ')}.`);
      }
    }
    log(name, result);
    return result;
  }

  function json<T = unknown>(name: string): T | undefined {
    const value = raw(name);
    if (value === '') {
      log(name, undefined);
      return undefined;
    }
    try {
      const parsed = JSON.parse(value) as T;
      debug(`input ${name} = ${value.length > 500 ? `${value.slice(0, 500)}…` : value}`);
      return parsed;
    } catch (e) {
      return fail(name, `Input '${name}' is not valid JSON: ${(e as Error).message}.`, undefined);
    }
  }

  function keyValues(name: string): Record<string, string> {
    const result: Record<string, string> = {};
    const lines = raw(name).split(/\r?\n/);
    lines.forEach((line, index) => {
      const text = line.trim();
      if (text === '' || text.startsWith('#')) return;
      const eq = text.indexOf('=');
      const key = eq < 0 ? '' : text.slice(0, eq).trim();
      if (eq < 0 || key === '') {
        fail(name, `Input '${name}' line ${index + 1} is not a key=value pair: '${text}'.`, 'Write one key=value per line, e.g. learning_rate=0.01.');
      }
      if (Object.prototype.hasOwnProperty.call(result, key)) {
        fail(name, `Input '${name}' sets '${key}' twice (line ${index + 1}).`);
      }
      result[key] = text.slice(eq + 1).trim();
    });
    log(name, result);
    return result;
  }

  return { required, optional, secret, boolean, int, number, list, duration, choice, json, keyValues };
}

/** The YAML 1.2 core schema spellings, as listed in error messages. */
export const BOOLEAN_SPELLINGS = ['true', 'True', 'TRUE', 'false', 'False', 'FALSE'] as const;

/** YAML 1.2 core schema boolean, or undefined when the text is not one. */
export function parseBoolean(text: string): boolean | undefined {
  switch (text.trim()) {
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
    default:
      return undefined;
  }
}

/** Splits on newlines and commas, trims, drops empty items. */
export function splitList(text: string): string[] {
  return text
    .split(/[\r\n,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const UNIT_ORDER = ['d', 'h', 'm', 's', 'ms'];

/**
 * Parses a duration into milliseconds: a plain number is seconds (`90`, `1.5`); otherwise one or
 * more `<amount><unit>` parts with units d, h, m, s, ms in decreasing order, each at most once
 * (`1h30m`, `90s`, `500ms`, `1.5h`, `1h 30m`). Returns undefined for anything else (negative
 * values included).
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase();
  if (value === '') return undefined;
  if (/^(\d+(\.\d*)?|\.\d+)$/.test(value)) return Math.round(Number(value) * 1000);
  const part = /(\d+(?:\.\d*)?|\.\d+)\s*(ms|d|h|m|s)\s*/y;
  let total = 0;
  let lastUnit = -1;
  let index = 0;
  while (index < value.length) {
    part.lastIndex = index;
    const match = part.exec(value);
    if (!match) return undefined;
    const unitIndex = UNIT_ORDER.indexOf(match[2]);
    if (unitIndex <= lastUnit) return undefined;
    lastUnit = unitIndex;
    total += Number(match[1]) * UNIT_MS[match[2]];
    index = part.lastIndex;
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** `5400000` → `1h30m`; `1500` → `1.5s`; `250` → `250ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  let rest = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}

function rangeHint(options: IntOptions): string | undefined {
  if (options.min !== undefined && options.max !== undefined) return `Use a value from ${options.min} to ${options.max}.`;
  if (options.min !== undefined) return `Use a value of at least ${options.min}.`;
  if (options.max !== undefined) return `Use a value of at most ${options.max}.`;
  return undefined;
}
