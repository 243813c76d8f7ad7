/**
 * Health of the new deployment during a bake, judged with the metric-gate rule grammar
 * (`src/metrics/rules.ts`) over live signals. Pure apart from the {@link SignalSource} interface.
 *
 * Signals (one value per check window):
 *
 * | name          | meaning                                               | unit            |
 * |---------------|-------------------------------------------------------|-----------------|
 * | `requests`    | requests the deployment answered in the window        | count           |
 * | `error_rate`  | 5xx / all requests                                    | fraction (0..1) |
 * | `latency_p95` | 95th percentile request latency                       | milliseconds    |
 * | `latency_p99` | 99th percentile request latency                       | milliseconds    |
 * | `cpu`         | CPU utilisation of the deployment's instances         | fraction (0..1) |
 * | `memory`      | memory utilisation of the deployment's instances      | fraction (0..1) |
 *
 * Fractions read naturally with the grammar's `%` (`1%` is 0.01): `error_rate < 1%`, `cpu < 80%`.
 * Comparing a fraction with a bare number above 1 (`error_rate < 5`) is refused as a likely
 * mistake. Aggregations run over the checks of the current stage (`mean(latency_p99)`,
 * `max(error_rate)`); a bare name is the latest check. `baseline.<signal>` is the same signal of
 * the deployment that served most of the prior traffic, over the same window (a canary
 * comparison, e.g. `latency_p99 <= baseline.latency_p99 * 1.2`); with no such deployment (a new
 * endpoint) those rules are skipped.
 *
 * Default rules ({@link DEFAULT_HEALTH_RULES}): `error_rate < 1%` and `latency_p99 < 1000`
 * (one second). Counting (Flagger's `threshold`, Argo Rollouts' `consecutiveErrorLimit`):
 * - a check with fewer than `min-requests` requests has no data: it fails, unless
 *   `allow-no-traffic` is true, in which case a window with no request at all passes and a window
 *   with a few requests is still judged on them;
 * - each failed check adds to `failedChecks` (over the whole rollout, as in Flagger); at
 *   `failure-threshold` the rollout rolls back;
 * - a query that fails (the metrics service, not the deployment) adds to `consecutiveErrors`
 *   instead, reset by any query that succeeds; at `consecutive-error-limit` the rollout rolls back.
 */
import { ConfigurationError } from '../inputs/errors.js';
import type { InputReader } from '../inputs/reader.js';
import { evaluateRules, type MetricSet, type RuleResult } from '../metrics/evaluate.js';
import { metricsOf, parseRules, RuleSyntaxError, type BoolExpr, type NumExpr, type Rule } from '../metrics/rules.js';

export const SIGNAL_NAMES = ['requests', 'error_rate', 'latency_p95', 'latency_p99', 'cpu', 'memory'] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

/** Signals that are fractions from 0 to 1. */
const FRACTION_SIGNALS: ReadonlySet<string> = new Set(['error_rate', 'cpu', 'memory']);

/** What a {@link SignalSource} returns for one deployment and window. Absent = not measured. */
export interface Signals {
  requests: number;
  error_rate?: number;
  latency_p95?: number;
  latency_p99?: number;
  cpu?: number;
  memory?: number;
}

export interface SignalQueryOptions {
  abortSignal?: AbortSignal;
}

/** Live signals of a deployment (Azure Monitor in production, the emulator's metrics in tests). */
export interface SignalSource {
  /** Signals of `deployment` between the two instants. Throws when the query itself fails. */
  query(deployment: string, windowStart: Date, windowEnd: Date, options?: SignalQueryOptions): Promise<Signals>;
}

export const DEFAULT_HEALTH_RULES = 'error_rate < 1%\nlatency_p99 < 1000';
export const DEFAULT_MIN_REQUESTS = 5;
export const DEFAULT_FAILURE_THRESHOLD = 2;
export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

export interface HealthPolicy {
  /** The rules as written (one per line). */
  rulesText: string;
  rules: Rule[];
  /** Fewest requests a check window needs to be judged. */
  minRequests: number;
  /** A window without requests passes instead of failing. */
  allowNoTraffic: boolean;
  /** Failed checks (over the rollout) that trigger a rollback. */
  failureThreshold: number;
  /** Failed queries in a row that trigger a rollback. */
  consecutiveErrorLimit: number;
  /** Some rule reads `baseline.*`: the prior main deployment is queried too. */
  usesBaseline: boolean;
}

export interface HealthPolicySpec {
  rules?: string;
  minRequests?: number;
  allowNoTraffic?: boolean;
  failureThreshold?: number;
  consecutiveErrorLimit?: number;
}

/** Input names, for error messages and the action's metadata. */
export const HealthInputs = {
  rules: 'health-rules',
  minRequests: 'min-requests',
  allowNoTraffic: 'allow-no-traffic',
  failureThreshold: 'failure-threshold',
  consecutiveErrorLimit: 'consecutive-error-limit',
} as const;

function walk(e: BoolExpr, visit: (c: Extract<BoolExpr, { type: 'compare' }>) => void): void {
  if (e.type === 'compare') visit(e);
  else {
    walk(e.left, visit);
    walk(e.right, visit);
  }
}

function plainFractionMetric(e: NumExpr): string | undefined {
  return e.type === 'metric' && FRACTION_SIGNALS.has(e.name) ? e.name : undefined;
}

/**
 * Parses health rules and checks them against the signal names. Throws a ConfigurationError
 * naming `input`, the line and what is valid.
 */
export function parseHealthRules(text: string, input: string = HealthInputs.rules): Rule[] {
  let rules: Rule[];
  try {
    rules = parseRules(text);
  } catch (err) {
    if (err instanceof RuleSyntaxError) {
      throw new ConfigurationError(`Input '${input}' line ${err.line}, column ${err.column}: ${err.message}.`, {
        input,
        hint: `Write one rule per line over ${SIGNAL_NAMES.join(', ')}, e.g. 'error_rate < 1% and latency_p99 < 500'.`,
        cause: err,
      });
    }
    throw err;
  }
  if (rules.length === 0) {
    throw new ConfigurationError(`Input '${input}' has no rule.`, { input, hint: `Leave it empty for the defaults (${DEFAULT_HEALTH_RULES.replace('\n', ' and ')}).` });
  }
  for (const rule of rules) {
    for (const { name } of metricsOf(rule.expr)) {
      if (!(SIGNAL_NAMES as readonly string[]).includes(name)) {
        throw new ConfigurationError(`Input '${input}' line ${rule.line}: '${name}' is not a health signal.`, {
          input,
          hint: `Health rules can use ${SIGNAL_NAMES.join(', ')} (and baseline.<signal>).`,
        });
      }
    }
    walk(rule.expr, (c) => {
      const pairs: Array<[NumExpr, NumExpr]> = [
        [c.left, c.right],
        [c.right, c.left],
      ];
      for (const [a, b] of pairs) {
        const name = plainFractionMetric(a);
        if (name && b.type === 'number' && b.value > 1) {
          throw new ConfigurationError(`Input '${input}' line ${rule.line}: '${c.text}' compares ${name}, a fraction from 0 to 1, with ${b.text}.`, {
            input,
            hint: `Write a percent, e.g. '${name} ${c.op} ${b.text}%', or a fraction such as ${b.value / 100}.`,
          });
        }
      }
    });
  }
  return rules;
}

function nonNegativeInt(value: number | undefined, fallback: number, input: string, min: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < min) {
    throw new ConfigurationError(`Input '${input}' must be a whole number of at least ${min}, got ${v}.`, { input });
  }
  return v;
}

/** Builds and validates a policy; defaults for everything left out. */
export function createHealthPolicy(spec: HealthPolicySpec = {}): HealthPolicy {
  const rulesText = spec.rules === undefined || spec.rules.trim() === '' ? DEFAULT_HEALTH_RULES : spec.rules;
  const rules = parseHealthRules(rulesText);
  return {
    rulesText,
    rules,
    minRequests: nonNegativeInt(spec.minRequests, DEFAULT_MIN_REQUESTS, HealthInputs.minRequests, 0),
    allowNoTraffic: spec.allowNoTraffic ?? false,
    failureThreshold: nonNegativeInt(spec.failureThreshold, DEFAULT_FAILURE_THRESHOLD, HealthInputs.failureThreshold, 1),
    consecutiveErrorLimit: nonNegativeInt(spec.consecutiveErrorLimit, DEFAULT_CONSECUTIVE_ERROR_LIMIT, HealthInputs.consecutiveErrorLimit, 1),
    usesBaseline: rules.some((r) => metricsOf(r.expr).some((m) => m.baseline)),
  };
}

/** Reads `health-rules`, `min-requests`, `allow-no-traffic`, `failure-threshold`, `consecutive-error-limit`. */
export function readHealthPolicy(reader: InputReader): HealthPolicy {
  return createHealthPolicy({
    rules: reader.optional(HealthInputs.rules),
    minRequests: reader.int(HealthInputs.minRequests, { min: 0, default: DEFAULT_MIN_REQUESTS }),
    allowNoTraffic: reader.boolean(HealthInputs.allowNoTraffic, false),
    failureThreshold: reader.int(HealthInputs.failureThreshold, { min: 1, default: DEFAULT_FAILURE_THRESHOLD }),
    consecutiveErrorLimit: reader.int(HealthInputs.consecutiveErrorLimit, { min: 1, default: DEFAULT_CONSECUTIVE_ERROR_LIMIT }),
  });
}

export type CheckVerdict =
  /** Enough requests and every rule passed (or was skipped). */
  | 'healthy'
  /** A rule failed. */
  | 'unhealthy'
  /** Fewer than min-requests requests: not healthy. */
  | 'no-data'
  /** No request at all, and allow-no-traffic is true. */
  | 'no-traffic-allowed';

export interface HealthJudgement {
  verdict: CheckVerdict;
  healthy: boolean;
  /** Why it is not healthy (or why it passed without data). */
  reason?: string;
  results: RuleResult[];
}

function measured(signals: Signals): Array<[SignalName, number]> {
  const out: Array<[SignalName, number]> = [];
  for (const name of SIGNAL_NAMES) {
    const v = signals[name];
    if (typeof v === 'number' && !Number.isNaN(v)) out.push([name, v]);
  }
  return out;
}

/**
 * The rule grammar's metric set: each signal measured now, with the same signal of the earlier
 * checks of this stage before it (so min/max/mean work over the stage). A signal not measured now
 * is absent, never a stale earlier value.
 */
export function signalsToMetricSet(current: Signals, history: readonly Signals[] = []): MetricSet {
  const set: MetricSet = new Map();
  for (const [name, value] of measured(current)) {
    const earlier = history.map((h) => h[name]).filter((v): v is number => typeof v === 'number' && !Number.isNaN(v));
    set.set(name, [...earlier, value].map((v, step) => ({ step, value: v })));
  }
  return set;
}

export interface JudgeContext {
  /** Signals of the earlier checks of the current stage, oldest first. */
  history?: readonly Signals[];
  /** Signals of the prior main deployment over the same window. */
  baseline?: Signals;
}

/** Judges one check. Pure. */
export function judgeHealth(signals: Signals, policy: HealthPolicy, context: JudgeContext = {}): HealthJudgement {
  const requests = Number.isFinite(signals.requests) ? signals.requests : 0;
  if (requests < policy.minRequests) {
    if (!policy.allowNoTraffic) {
      return {
        verdict: 'no-data',
        healthy: false,
        reason: `${requests} request(s) in the window, fewer than min-requests ${policy.minRequests}: no data is not healthy (set allow-no-traffic or probe-rps for low-traffic endpoints)`,
        results: [],
      };
    }
    if (requests === 0) {
      return { verdict: 'no-traffic-allowed', healthy: true, reason: 'no request in the window (allow-no-traffic is true)', results: [] };
    }
  }
  const metrics = signalsToMetricSet(signals, context.history);
  const baseline = context.baseline ? signalsToMetricSet(context.baseline) : undefined;
  const { passed, results } = evaluateRules(policy.rules, metrics, { baseline, missingMetric: 'fail', requireBaseline: false });
  if (passed) return { verdict: 'healthy', healthy: true, results };
  const failed = results.filter((r) => r.verdict === 'failed');
  const reason = failed
    .map((r) => {
      const values = r.comparisons
        .filter((c) => c.verdict === 'failed')
        .map((c) => (c.reason ? `${c.text}: ${c.reason}` : `${c.text} with ${formatValue(c.left)} vs ${formatValue(c.right)}`));
      return values.length ? values.join(', ') : r.rule;
    })
    .join('; ');
  return { verdict: 'unhealthy', healthy: false, reason: `failed: ${reason}`, results };
}

function formatValue(v: number | undefined): string {
  if (v === undefined) return '?';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

/** Running counts of a rollout's checks. */
export interface CheckCounters {
  failedChecks: number;
  consecutiveErrors: number;
}

/** One check's outcome: judged (healthy or not) or the query failed. */
export type CheckOutcome = { kind: 'judged'; healthy: boolean } | { kind: 'error' };

/** Counts a check; `rollback` is set (with the reason) when a limit is reached. Pure. */
export function countCheck(counters: CheckCounters, outcome: CheckOutcome, policy: HealthPolicy): { counters: CheckCounters; rollback?: string } {
  if (outcome.kind === 'error') {
    const consecutiveErrors = counters.consecutiveErrors + 1;
    const next = { failedChecks: counters.failedChecks, consecutiveErrors };
    return consecutiveErrors >= policy.consecutiveErrorLimit
      ? { counters: next, rollback: `${consecutiveErrors} metrics queries in a row failed (consecutive-error-limit ${policy.consecutiveErrorLimit})` }
      : { counters: next };
  }
  if (outcome.healthy) return { counters: { failedChecks: counters.failedChecks, consecutiveErrors: 0 } };
  const failedChecks = counters.failedChecks + 1;
  const next = { failedChecks, consecutiveErrors: 0 };
  return failedChecks >= policy.failureThreshold
    ? { counters: next, rollback: `${failedChecks} failed health check(s) (failure-threshold ${policy.failureThreshold})` }
    : { counters: next };
}
