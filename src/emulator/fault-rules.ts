/**
 * The one fault-rule engine of the emulator. Both rule families use it: the ARM / data-plane /
 * blob faults (`faults.ts`: kinds `status`, `reset`, `delay`, `stall`, matched by operation,
 * method and path) and the online-endpoint faults (`endpoints/faults.ts`: kinds matched by endpoint
 * and deployment name). A family brings its own validator (the JSON it accepts) and its own match
 * predicate; the engine keeps the rules in order, gives ids, counts `matched` / `hits` and applies
 * `after` (let the first N matching events through) and `count` (fire at most N times).
 */
import { randomUUID } from 'node:crypto';
import { isObj } from './obj.js';

/** What every rule of every family may carry. */
export interface RuleBase {
  /** Given or generated; used to remove one rule. */
  id?: string;
  /** How many times the rule fires; absent = every time (persistent). */
  count?: number;
  /** Let the first N matching requests / events through before firing. */
  after?: number;
}

/** A rule as kept: its id and counters. */
export type RuleState<R extends RuleBase> = R & {
  id: string;
  /** Events that matched the rule's filters (fired or not). */
  matched: number;
  /** Times the rule fired. */
  hits: number;
};

export interface RuleBookOptions<R extends RuleBase, S extends RuleState<R>> {
  /** How a rule is named in messages (`fault rule`, `endpoint fault rule`). */
  label: string;
  /** Checks one rule (throws TypeError/RangeError naming the field). */
  validate: (input: unknown) => R;
  /** The kept state of a valid rule (defaults filled in); default: the rule with id and zero counters. */
  state?: (valid: R, id: string) => S;
}

/** An ordered set of rules with counters. */
export class RuleBook<R extends RuleBase, S extends RuleState<R> = RuleState<R>> {
  private rules: S[] = [];

  constructor(private readonly opts: RuleBookOptions<R, S>) {}

  add(rule: R): S {
    const valid = this.opts.validate(rule);
    const id = valid.id ?? randomUUID();
    if (this.rules.some((r) => r.id === id)) throw new TypeError(`${this.opts.label} '${id}' already exists`);
    const state = this.opts.state ? this.opts.state(valid, id) : ({ ...valid, id, matched: 0, hits: 0 } as S);
    this.rules.push(state);
    return { ...state };
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  /** Removes every rule; answers how many there were. */
  clear(): number {
    const n = this.rules.length;
    this.rules = [];
    return n;
  }

  list(): S[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Marks a rule as fired outside `take` (e.g. a rule applied at once when added). */
  markFired(id: string): void {
    const r = this.rules.find((x) => x.id === id);
    if (r) {
      r.matched++;
      r.hits++;
    }
  }

  /**
   * The first rule (in the order added) that `applies` and fires for this event, with its counters
   * updated; a rule that applies but is still within `after` counts as matched and lets the event through.
   */
  take(applies: (rule: S) => boolean): S | undefined {
    for (const rule of this.rules) {
      if (!applies(rule)) continue;
      if (rule.count !== undefined && rule.hits >= rule.count) continue;
      rule.matched++;
      if (rule.matched <= (rule.after ?? 0)) continue;
      rule.hits++;
      return { ...rule };
    }
    return undefined;
  }
}

// ---- validation pieces shared by the families ----

/** The input as a record, or a TypeError `${where}: expected an object like ${example}, got …`. */
export function ruleObject(input: unknown, where: string, example: string): Record<string, unknown> {
  if (!isObj(input)) {
    throw new TypeError(`${where}: expected an object like ${example}, got ${JSON.stringify(input)}`);
  }
  return input;
}

/** `kind` must be one of `kinds`. */
export function ruleKind<K extends string>(r: Record<string, unknown>, where: string, kinds: readonly K[]): K {
  const kind = r.kind;
  if (typeof kind !== 'string' || !(kinds as readonly string[]).includes(kind)) {
    throw new TypeError(`${where}: 'kind' must be one of ${kinds.join(', ')}, got ${JSON.stringify(kind)}`);
  }
  return kind as K;
}

/** Each of `keys`, when present, must be a non-empty string. */
export function nonEmptyStrings(r: Record<string, unknown>, where: string, keys: readonly string[]): void {
  for (const k of keys) {
    if (r[k] !== undefined && (typeof r[k] !== 'string' || r[k].length === 0)) throw new TypeError(`${where}: '${k}' must be a non-empty string`);
  }
}

/** `key`, when present, must be an integer from `min` to `max`. */
export function intField(r: Record<string, unknown>, where: string, key: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  const v = r[key];
  if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)) {
    throw new RangeError(`${where}: '${key}' must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
}

/** Accepts a rule, an array of rules or `{ "rules": [...] }`; answers the list of (unchecked) rules. */
export function ruleList(input: unknown): unknown[] {
  return Array.isArray(input)
    ? input
    : typeof input === 'object' && input !== null && Array.isArray((input as { rules?: unknown }).rules)
      ? (input as { rules: unknown[] }).rules
      : [input];
}
