/**
 * Fault injection: a closed set of kinds, chosen by rule (route operation, method, path), applied
 * at a named position of the pipeline. Rules come from a JSON file, the admin route
 * `/.emulator/faults` or `faults.add(rule)`; each rule counts its hits.
 *
 * Kinds:
 * - `status`: answer with `status` (any code), an ARM error body (`code`/`message` or defaults) and
 *   optional `Retry-After` (`retryAfter` seconds).
 * - `reset`: destroy the socket without answering.
 * - `delay`: wait `ms`, then handle the request normally.
 * - `stall`: hold the request without answering for `ms`, then destroy the socket.
 *
 * Positions: `beforeHandler` (default: the request never reaches the handler, nothing changes) or
 * `afterHandler` (the handler ran and its change is kept, but the client sees the fault instead
 * of the answer — how a lost response looks to a client that then retries).
 *
 * The rule book (order, ids, `after` / `count` counters) is the shared engine in `fault-rules.ts`.
 */
import { readFile } from 'node:fs/promises';
import { intField, nonEmptyStrings, RuleBook, ruleKind, ruleList, ruleObject } from './fault-rules.js';

export type FaultKind = 'status' | 'reset' | 'delay' | 'stall';
export type FaultPosition = 'beforeHandler' | 'afterHandler';

export interface FaultRule {
  /** Given or generated; used to remove one rule. */
  id?: string;
  /**
   * Operation id as in the route table / swagger, e.g. `Jobs_CreateOrUpdate` (case-insensitive);
   * a trailing `*` matches a prefix (`BlockBlob_*`).
   */
  operation?: string;
  /** HTTP method (case-insensitive). */
  method?: string;
  /** Substring of the request path (case-insensitive; query excluded). */
  pathContains?: string;
  /** How many times the rule fires; absent = every time (persistent). */
  count?: number;
  /** Let the first N matching requests through before firing. */
  after?: number;
  position?: FaultPosition;
  kind: FaultKind;
  /** `status`: the HTTP status to answer. */
  status?: number;
  /** `status`: `Retry-After` header in seconds. */
  retryAfter?: number;
  /** `status`: error code and message of the ARM error body (defaults by status). */
  code?: string;
  message?: string;
  /** `delay`/`stall`: milliseconds. */
  ms?: number;
}

export interface FaultRuleState extends FaultRule {
  id: string;
  position: FaultPosition;
  /** Requests that matched the rule's filters (fired or not). */
  matched: number;
  /** Times the rule fired. */
  hits: number;
}

export interface FaultTarget {
  operation: string;
  method: string;
  path: string;
}

export interface FaultInjector {
  add(rule: FaultRule): FaultRuleState;
  remove(id: string): boolean;
  clear(): void;
  list(): FaultRuleState[];
  /**
   * The rule that fires for this request at this position, if any (its counters updated).
   * Rules are tried in the order they were added; the first that fires wins.
   */
  take(target: FaultTarget, position: FaultPosition): FaultRuleState | undefined;
}

const KINDS: readonly FaultKind[] = ['status', 'reset', 'delay', 'stall'];
const POSITIONS: readonly FaultPosition[] = ['beforeHandler', 'afterHandler'];
const FIELDS = new Set(['id', 'operation', 'method', 'pathContains', 'count', 'after', 'position', 'kind', 'status', 'retryAfter', 'code', 'message', 'ms']);

/** Checks one rule from JSON; throws a TypeError/RangeError naming the field and what is valid. */
export function validateFaultRule(input: unknown, where = 'fault rule'): FaultRule {
  const r = ruleObject(input, where, '{"kind":"status","status":503}');
  for (const key of Object.keys(r)) {
    if (!FIELDS.has(key)) throw new TypeError(`${where}: unknown field '${key}' (known: ${[...FIELDS].join(', ')})`);
  }
  const kind = ruleKind(r, where, KINDS);
  nonEmptyStrings(r, where, ['id', 'operation', 'method', 'pathContains', 'code', 'message']);
  intField(r, where, 'count', 1);
  intField(r, where, 'after', 0);
  intField(r, where, 'retryAfter', 0, 86_400);
  intField(r, where, 'ms', 0, 3_600_000);
  intField(r, where, 'status', 100, 599);
  if (r.position !== undefined && !POSITIONS.includes(r.position as FaultPosition)) {
    throw new TypeError(`${where}: 'position' must be one of ${POSITIONS.join(', ')}, got ${JSON.stringify(r.position)}`);
  }
  if (kind === 'status' && r.status === undefined) throw new TypeError(`${where}: kind 'status' needs 'status' (e.g. 429, 500, 503)`);
  if ((kind === 'delay' || kind === 'stall') && r.ms === undefined) throw new TypeError(`${where}: kind '${kind}' needs 'ms'`);
  if (kind !== 'status') {
    for (const k of ['status', 'retryAfter', 'code', 'message']) {
      if (r[k] !== undefined) throw new TypeError(`${where}: '${k}' only applies to kind 'status'`);
    }
  }
  if (kind !== 'delay' && kind !== 'stall' && r.ms !== undefined) throw new TypeError(`${where}: 'ms' only applies to kinds delay and stall`);
  return { ...(r as unknown as FaultRule) };
}

/** Accepts a rule, an array of rules or `{ "rules": [...] }`. */
export function validateFaultRules(input: unknown, where = 'faults'): FaultRule[] {
  return ruleList(input).map((r, i) => validateFaultRule(r, `${where}[${i}]`));
}

export async function loadFaultsFile(path: string): Promise<FaultRule[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`faults file '${path}' cannot be read: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`faults file '${path}' is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return validateFaultRules(json, `faults file '${path}'`);
}

export function createFaultInjector(initial: FaultRule[] = []): FaultInjector {
  const book = new RuleBook<FaultRule, FaultRuleState>({
    label: 'fault rule',
    validate: (rule) => validateFaultRule(rule),
    state: (valid, id) => ({ ...valid, id, position: valid.position ?? 'beforeHandler', matched: 0, hits: 0 }),
  });
  const injector: FaultInjector = {
    add: (rule) => book.add(rule),
    remove: (id) => book.remove(id),
    clear: () => void book.clear(),
    list: () => book.list(),
    take: (target, position) => book.take((rule) => rule.position === position && matches(rule, target)),
  };
  for (const r of initial) injector.add(r);
  return injector;
}

function matches(rule: FaultRule, t: FaultTarget): boolean {
  if (rule.operation !== undefined) {
    const want = rule.operation.toLowerCase();
    const op = t.operation.toLowerCase();
    if (want.endsWith('*') ? !op.startsWith(want.slice(0, -1)) : want !== op) return false;
  }
  if (rule.method !== undefined && rule.method.toUpperCase() !== t.method.toUpperCase()) return false;
  if (rule.pathContains !== undefined && !t.path.toLowerCase().includes(rule.pathContains.toLowerCase())) return false;
  return true;
}
