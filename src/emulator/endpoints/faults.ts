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
import { intField, nonEmptyStrings, RuleBook, ruleKind, ruleList, ruleObject, type RuleState } from '../fault-rules.js';

export const ENDPOINT_FAULT_KINDS = [
  'provisioningFailure',
  'modelError',
  'slow',
  'crash',
  'gatewayError',
  'stuckUpdating',
  'updateFailure',
  'deleteFailure',
] as const;
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

export type EndpointFaultState = RuleState<EndpointFaultRule>;

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
  const r = ruleObject(input, where, '{"kind":"modelError","deployment":"green","after":5}');
  const kind = ruleKind(r, where, ENDPOINT_FAULT_KINDS);
  const allowed = new Set([...COMMON, ...FIELDS[kind]]);
  for (const key of Object.keys(r)) {
    if (!allowed.has(key)) throw new TypeError(`${where}: field '${key}' does not apply to kind '${kind}' (fields: ${[...allowed].join(', ')})`);
  }
  nonEmptyStrings(r, where, ['id', 'endpoint', 'deployment', 'message', 'code']);
  intField(r, where, 'after', 0);
  intField(r, where, 'count', 1);
  intField(r, where, 'ms', 0, 3_600_000);
  intField(r, where, 'status', 400, 599);
  if ((kind === 'slow' || kind === 'stuckUpdating') && r.ms === undefined) throw new TypeError(`${where}: kind '${kind}' needs 'ms'`);
  if (kind === 'stuckUpdating') {
    if (r.endpoint === undefined) throw new TypeError(`${where}: kind 'stuckUpdating' needs 'endpoint'`);
    if (r.when !== undefined && r.when !== 'now' && r.when !== 'nextOperation') throw new TypeError(`${where}: 'when' must be 'now' or 'nextOperation'`);
  }
  return { ...(r as unknown as EndpointFaultRule) };
}

export function validateEndpointFaults(input: unknown): EndpointFaultRule[] {
  return ruleList(input).map((r, i) => validateEndpointFault(r, `rules[${i}]`));
}

const same = (rule: string | undefined, actual: string | undefined) =>
  rule === undefined || (actual !== undefined && rule.toLowerCase() === actual.toLowerCase());

/** The endpoint fault rules, kept by the shared engine (`../fault-rules.ts`). */
export class EndpointFaults {
  private readonly book = new RuleBook<EndpointFaultRule, EndpointFaultState>({
    label: 'endpoint fault rule',
    validate: (rule) => validateEndpointFault(rule),
  });

  add(rule: EndpointFaultRule): EndpointFaultState {
    return this.book.add(rule);
  }

  remove(id: string): boolean {
    return this.book.remove(id);
  }

  clear(): number {
    return this.book.clear();
  }

  list(): EndpointFaultState[] {
    return this.book.list();
  }

  /** Marks a rule as fired outside `take` (stuckUpdating "now"). */
  markFired(id: string): void {
    this.book.markFired(id);
  }

  /** The first rule of `kinds` that fires for this event (counters updated), if any. */
  take(kinds: readonly EndpointFaultKind[], endpoint: string, deployment?: string): EndpointFaultState | undefined {
    return this.book.take((rule) => {
      if (!kinds.includes(rule.kind)) return false;
      if (rule.kind === 'stuckUpdating' && rule.when !== 'nextOperation') return false;
      return same(rule.endpoint, endpoint) && (rule.kind === 'stuckUpdating' || same(rule.deployment, deployment));
    });
  }
}
