/**
 * Faults of online endpoints, driven from outside the actions (`/.emulator/endpoints/faults`),
 * a closed set of kinds chosen by endpoint and deployment name:
 *
 * | kind | when it fires | what happens |
 * |---|---|---|
 * | `provisioningFailure` | a create/update of the deployment | the operation fails (`code`, `message`; default `ResourceNotReady`), the deployment is `Failed`, the StorageInitializer log says why |
 * | `modelError` | a scoring request to the deployment | the scoring process raises `RuntimeError(message)` instead of calling `run()`: a real 500 from the container (424 at a managed endpoint) and a traceback in the log |
 * | `slow` | a scoring request | the scoring process sleeps `ms` before `run()` (latency metrics; 408 past `requestTimeout`) |
 * | `crash` | a scoring request | the scoring process exits (status 137) while answering: 502 for that request, 503 until it is restarted |
 * | `gatewayError` | a scoring request | the endpoint answers `status` (default 503) without calling the model |
 * | `stuckUpdating` | `when: "now"` (default): at once; `"nextOperation"`: the next PUT/PATCH of the endpoint | the endpoint stays `Updating` for `ms`; writes meanwhile get 409 |
 * | `updateFailure` | a PUT of the endpoint | its operation ends `Failed` (`code`, `message`; default `InternalServerError`): an update is not applied (the endpoint keeps its previous traffic and settings and is `Succeeded` again), a creation leaves the endpoint `Failed` |
 * | `deleteFailure` | a DELETE of the deployment | its operation ends `Failed`; the deployment stays (`Succeeded`, still serving) |
 *
 * `after` lets the first N matching events through; `count` limits how often the rule fires
 * (absent = every time). Names are matched case-insensitively; an absent name matches any.
 */
import { randomUUID } from 'node:crypto';

export const ENDPOINT_FAULT_KINDS = ['provisioningFailure', 'modelError', 'slow', 'crash', 'gatewayError', 'stuckUpdating', 'updateFailure', 'deleteFailure'] as const;
export type EndpointFaultKind = (typeof ENDPOINT_FAULT_KINDS)[number];
/** The kinds that act on scoring requests. */
export const REQUEST_FAULT_KINDS: readonly EndpointFaultKind[] = ['modelError', 'slow', 'crash', 'gatewayError'];

export interface EndpointFaultRule {
  id?: string;
  kind: EndpointFaultKind;
  /** Endpoint name (any when absent). */
  endpoint?: string;
  /** Deployment name (any when absent; not used by `stuckUpdating`). */
  deployment?: string;
  /** Let the first N matching events through before firing. */
  after?: number;
  /** How many times the rule fires; absent = every time. */
  count?: number;
  /** `slow`: added latency; `stuckUpdating`: how long the endpoint stays Updating. */
  ms?: number;
  /** `modelError`: the exception message; `provisioningFailure`, `updateFailure`, `deleteFailure`: the operation's error message. */
  message?: string;
  /** `provisioningFailure`, `updateFailure`, `deleteFailure`: the operation's error code. */
  code?: string;
  /** `gatewayError`: HTTP status (default 503). */
  status?: number;
  /** `stuckUpdating`: `now` (default) or `nextOperation`. */
  when?: 'now' | 'nextOperation';
}

export interface EndpointFaultState extends EndpointFaultRule {
  id: string;
  matched: number;
  hits: number;
}

const FIELDS: Record<EndpointFaultKind, string[]> = {
  provisioningFailure: ['message', 'code'],
  modelError: ['message'],
  slow: ['ms'],
  crash: [],
  gatewayError: ['status', 'message'],
  stuckUpdating: ['ms', 'when'],
  updateFailure: ['message', 'code'],
  deleteFailure: ['message', 'code'],
};
const COMMON = ['id', 'kind', 'endpoint', 'deployment', 'after', 'count'];

export function validateEndpointFault(input: unknown, where = 'endpoint fault'): EndpointFaultRule {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError(`${where}: expected an object like {"kind":"modelError","deployment":"green","after":5}, got ${JSON.stringify(input)}`);
  }
  const r = input as Record<string, unknown>;
  const kind = r.kind;
  if (typeof kind !== 'string' || !(ENDPOINT_FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new TypeError(`${where}: 'kind' must be one of ${ENDPOINT_FAULT_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  }
  const allowed = new Set([...COMMON, ...FIELDS[kind as EndpointFaultKind]]);
  for (const key of Object.keys(r)) {
    if (!allowed.has(key)) throw new TypeError(`${where}: field '${key}' does not apply to kind '${kind}' (fields: ${[...allowed].join(', ')})`);
  }
  for (const k of ['id', 'endpoint', 'deployment', 'message', 'code']) {
    if (r[k] !== undefined && (typeof r[k] !== 'string' || (r[k] as string).length === 0)) throw new TypeError(`${where}: '${k}' must be a non-empty string`);
  }
  const int = (k: string, min: number, max: number) => {
    const v = r[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)) {
      throw new RangeError(`${where}: '${k}' must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
    }
  };
  int('after', 0, Number.MAX_SAFE_INTEGER);
  int('count', 1, Number.MAX_SAFE_INTEGER);
  int('ms', 0, 3_600_000);
  int('status', 400, 599);
  if ((kind === 'slow' || kind === 'stuckUpdating') && r.ms === undefined) throw new TypeError(`${where}: kind '${kind}' needs 'ms'`);
  if (kind === 'stuckUpdating') {
    if (r.endpoint === undefined) throw new TypeError(`${where}: kind 'stuckUpdating' needs 'endpoint'`);
    if (r.when !== undefined && r.when !== 'now' && r.when !== 'nextOperation') throw new TypeError(`${where}: 'when' must be 'now' or 'nextOperation'`);
  }
  return { ...(r as unknown as EndpointFaultRule) };
}

export function validateEndpointFaults(input: unknown): EndpointFaultRule[] {
  const list = Array.isArray(input)
    ? input
    : typeof input === 'object' && input !== null && Array.isArray((input as { rules?: unknown }).rules)
      ? (input as { rules: unknown[] }).rules
      : [input];
  return list.map((r, i) => validateEndpointFault(r, `rules[${i}]`));
}

const same = (rule: string | undefined, actual: string | undefined) => rule === undefined || (actual !== undefined && rule.toLowerCase() === actual.toLowerCase());

export class EndpointFaults {
  private rules: EndpointFaultState[] = [];

  add(rule: EndpointFaultRule): EndpointFaultState {
    const valid = validateEndpointFault(rule);
    const id = valid.id ?? randomUUID();
    if (this.rules.some((r) => r.id === id)) throw new TypeError(`endpoint fault rule '${id}' already exists`);
    const state: EndpointFaultState = { ...valid, id, matched: 0, hits: 0 };
    this.rules.push(state);
    return { ...state };
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): number {
    const n = this.rules.length;
    this.rules = [];
    return n;
  }

  list(): EndpointFaultState[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Marks a rule as fired outside `take` (stuckUpdating "now"). */
  markFired(id: string): void {
    const r = this.rules.find((x) => x.id === id);
    if (r) {
      r.matched++;
      r.hits++;
    }
  }

  /** The first rule of `kinds` that fires for this event (counters updated), if any. */
  take(kinds: readonly EndpointFaultKind[], endpoint: string, deployment?: string): EndpointFaultState | undefined {
    for (const rule of this.rules) {
      if (!kinds.includes(rule.kind)) continue;
      if (rule.kind === 'stuckUpdating' && rule.when !== 'nextOperation') continue;
      if (!same(rule.endpoint, endpoint) || (rule.kind !== 'stuckUpdating' && !same(rule.deployment, deployment))) continue;
      if (rule.count !== undefined && rule.hits >= rule.count) continue;
      rule.matched++;
      if (rule.matched <= (rule.after ?? 0)) continue;
      rule.hits++;
      return { ...rule };
    }
    return undefined;
  }
}
