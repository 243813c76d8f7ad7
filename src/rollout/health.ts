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
 * | `probe.requests`, `probe.error_rate`, `probe.latency_p95`, `probe.latency_p99` | the same over the  |
 * |               | probe requests this action sent that the new deployment answered (see below) |  |
 *
 * Two sources, two speeds. Azure Monitor (the plain names) counts all real traffic but reports
 * each minute one to three minutes after it ends: a check reads only whole minutes older than
 * `metrics-delay`, a window with no such minute yet is *pending* (neither healthy nor a failed
 * check), and a stage passes only once reported minutes cover its whole bake. The probe signals
 * are measured by the action itself on the answers to its probe requests (`probe-rps`), so they
 * are judged at once: a canary that fails them is rolled back within seconds, while Monitor
 * confirms the bake. A rule is judged when the signals it names have data: Monitor rules when
 * minutes were reported, probe rules when probes were answered by the new deployment, a rule
 * naming both when both have. An error is a 5xx, a 424 (the model failed: its `modelStatusCode`)
 * and also a 408 (slower than `request_timeout_ms`) or 429 (more pending requests than
 * `max_concurrent_requests_per_instance` allows): the new deployment's failures, not the caller's.
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
 * (one second) on Monitor, and the same on the probes (`probe.error_rate < 1%`,
 * `probe.latency_p99 < 1000`; skipped without `probe-rps`). Counting (Flagger's `threshold`,
 * Argo Rollouts' `consecutiveErrorLimit`):
 * - a check whose reported minutes hold fewer than `min-requests` requests has no data: it fails,
 *   unless `allow-no-traffic` is true, in which case a window with no request at all is judged by
 *   what the stage's earlier reported minutes said (it passes when they had no request, or passed
 *   the rules: never when they reported errors above the rules) and a window with a few requests
 *   is still judged on them;
 * - a pending check (no minute reported yet, no probe answered) counts nothing;
 * - each failed check adds to `failedChecks` (over the whole rollout, as in Flagger); at
 *   `failure-threshold` the rollout rolls back;
 * - a query that fails (the metrics service, not the deployment) adds to `consecutiveErrors`
 *   instead, reset by any query that succeeds; at `consecutive-error-limit` the rollout rolls back.
 */
import { ConfigurationError } from '../core/errors.js';
import type { InputReader } from '../core/inputs.js';
import { evaluateRules, type MetricSet, type RuleResult } from '../metrics/evaluate.js';
import { metricsOf, parseRules, RuleSyntaxError, type BoolExpr, type NumExpr, type Rule } from '../metrics/rules.js';

export const MONITOR_SIGNAL_NAMES = ['requests', 'error_rate', 'latency_p95', 'latency_p99', 'cpu', 'memory'] as const;
export const PROBE_SIGNAL_NAMES = ['probe.requests', 'probe.error_rate', 'probe.latency_p95', 'probe.latency_p99'] as const;
export const SIGNAL_NAMES = [...MONITOR_SIGNAL_NAMES, ...PROBE_SIGNAL_NAMES] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

/** Signals that are fractions from 0 to 1. */
const FRACTION_SIGNALS: ReadonlySet<string> = new Set(['error_rate', 'cpu', 'memory', 'probe.error_rate']);

const isProbeSignal = (name: string) => name.startsWith('probe.');

/**
 * Which part of a window Azure Monitor has reported (ms since the epoch): the answer covers the
 * whole minutes from `from` to `until`; minutes before `final` will not change any more (those
 * after may still fill in and are read again); the next minute is expected at `nextAt`.
 */
export interface ReportedWindow {
  from: number;
  until: number;
  final: number;
  nextAt?: number;
  /** Length of a bucket (Azure: one minute). */
  grainMs?: number;
}

/** What a {@link SignalSource} returns for one deployment and window. Absent = not measured. */
export interface Signals {
  requests: number;
  error_rate?: number;
  latency_p95?: number;
  latency_p99?: number;
  cpu?: number;
  memory?: number;
  'probe.requests'?: number;
  'probe.error_rate'?: number;
  'probe.latency_p95'?: number;
  'probe.latency_p99'?: number;
  /** No minute of the window is reported yet: `requests` means nothing (not "no traffic"). */
  pending?: boolean;
  /** A delayed source (Azure Monitor): what the answer covers. Absent: the whole window, at once. */
  reported?: ReportedWindow;
}

export interface SignalQueryOptions {
  abortSignal?: AbortSignal;
}

/** Live signals of a deployment (Azure Monitor in production, the emulator's metrics in tests). */
export interface SignalSource {
  /** Signals of `deployment` between the two instants. Throws when the query itself fails. */
  query(deployment: string, windowStart: Date, windowEnd: Date, options?: SignalQueryOptions): Promise<Signals>;
}

export const DEFAULT_HEALTH_RULES = 'error_rate < 1%\nlatency_p99 < 1000\nprobe.error_rate < 1%\nprobe.latency_p99 < 1000';
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
  /** Some rule reads an Azure Monitor signal: stages wait for reported minutes to cover their bake. */
  usesMonitor: boolean;
  /** Some rule reads a `probe.*` signal. */
  usesProbe: boolean;
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
    throw new ConfigurationError(`Input '${input}' has no rule.`, {
      input,
      hint: `Leave it empty for the defaults (${DEFAULT_HEALTH_RULES.split('\n').join(', ')}).`,
    });
  }
  for (const rule of rules) {
    for (const { name } of metricsOf(rule.expr)) {
      if (!(SIGNAL_NAMES as readonly string[]).includes(name)) {
        throw new ConfigurationError(`Input '${input}' line ${rule.line}: '${name}' is not a health signal.`, {
          input,
          hint: `Health rules can use ${SIGNAL_NAMES.join(', ')} (and baseline.<signal> of the Azure Monitor ones).`,
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
    usesMonitor: rules.some((r) => ruleKind(r) !== 'probe'),
    usesProbe: rules.some((r) => ruleKind(r) !== 'monitor'),
  };
}

/**
 * The default rules of a Kubernetes online endpoint: the probe rules only. Azure Monitor publishes
 * no request metrics for Kubernetes online endpoints (issue 15), so only the probe requests the
 * rollout sends itself (and its smoke test) tell how the new deployment serves.
 */
export const KUBERNETES_HEALTH_RULES = 'probe.error_rate < 1%\nprobe.latency_p99 < 1000';

/**
 * The policy of a rollout on a Kubernetes online endpoint: the default rules become the probe
 * rules; rules of the user's that read Azure Monitor signals are refused (they could never be
 * judged). Throws a ConfigurationError naming `health-rules`.
 */
export function kubernetesHealthPolicy(policy: HealthPolicy): HealthPolicy {
  if (policy.rulesText === DEFAULT_HEALTH_RULES) {
    return createHealthPolicy({
      rules: KUBERNETES_HEALTH_RULES,
      minRequests: policy.minRequests,
      allowNoTraffic: policy.allowNoTraffic,
      failureThreshold: policy.failureThreshold,
      consecutiveErrorLimit: policy.consecutiveErrorLimit,
    });
  }
  const monitor = policy.rules.filter((r) => ruleKind(r) !== 'probe');
  if (monitor.length > 0) {
    throw new ConfigurationError(
      `Input '${HealthInputs.rules}' line ${monitor[0].line}: '${monitor[0].text}' reads Azure Monitor signals, which Azure Monitor does not publish for Kubernetes online endpoints.`,
      {
        input: HealthInputs.rules,
        hint: `On Kubernetes endpoints write rules over the probe signals (${PROBE_SIGNAL_NAMES.join(', ')}), e.g. '${KUBERNETES_HEALTH_RULES.split('\n')[0]}'.`,
      },
    );
  }
  return policy;
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

/** Which source a rule reads: Azure Monitor only, the probes only, or both. */
export function ruleKind(rule: Rule): 'monitor' | 'probe' | 'mixed' {
  const names = metricsOf(rule.expr);
  const probe = names.filter((m) => isProbeSignal(m.name)).length;
  return probe === 0 ? 'monitor' : probe === names.length ? 'probe' : 'mixed';
}

export type CheckVerdict =
  /** Neither source had anything to judge yet (Monitor has not reported a minute, no probe answered). */
  | 'pending'
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
    set.set(
      name,
      [...earlier, value].map((v, step) => ({ step, value: v })),
    );
  }
  return set;
}

export interface JudgeContext {
  /** Signals of the earlier checks of the current stage, oldest first. */
  history?: readonly Signals[];
  /** Signals of the prior main deployment over the same window. */
  baseline?: Signals;
}

/** Totals of a stage's reported windows (requests-weighted error rate, worst latency): what a quiet window is judged by. */
function cumulative(history: readonly Signals[]): Signals | undefined {
  let requests = 0;
  let errors = 0;
  const out: Signals = { requests: 0 };
  for (const h of history) {
    if (h.pending || !Number.isFinite(h.requests) || h.requests <= 0) continue;
    requests += h.requests;
    errors += (h.error_rate ?? 0) * h.requests;
    for (const k of ['latency_p95', 'latency_p99'] as const) if (typeof h[k] === 'number') out[k] = Math.max(out[k] ?? 0, h[k]);
  }
  if (requests === 0) return undefined;
  out.requests = requests;
  out.error_rate = errors / requests;
  return out;
}

/** Judges one check. Pure. */
export function judgeHealth(signals: Signals, policy: HealthPolicy, context: JudgeContext = {}): HealthJudgement {
  const probeData = (signals['probe.requests'] ?? 0) > 0;
  const requests = Number.isFinite(signals.requests) ? signals.requests : 0;
  // What the Azure Monitor part of the window allows: judge it, or say why not.
  let monitor: 'judge' | 'pending' | 'no-data' | 'no-traffic-allowed' = 'judge';
  let monitorSignals: Signals = signals;
  let quietReason: string | undefined;
  if (signals.pending) monitor = 'pending';
  else if (requests < policy.minRequests) {
    if (!policy.allowNoTraffic) monitor = 'no-data';
    else if (requests === 0) {
      // A quiet window says nothing new: the stage's reported minutes so far decide.
      const before = cumulative(context.history ?? []);
      if (before) {
        monitorSignals = { ...before, ...pick(signals, PROBE_SIGNAL_NAMES) };
        quietReason = `no request in the window; judged on the stage's ${before.requests} reported request(s) so far`;
      } else monitor = 'no-traffic-allowed';
    }
  }
  const usable = (r: Rule) => {
    const kind = ruleKind(r);
    const m = monitor === 'judge';
    return kind === 'monitor' ? m : kind === 'probe' ? probeData : m && probeData;
  };
  const rules = policy.rules.filter(usable);
  if (monitor === 'no-data') {
    return {
      verdict: 'no-data',
      healthy: false,
      reason: `${requests} request(s) in the window, fewer than min-requests ${policy.minRequests}: no data is not healthy (set allow-no-traffic or probe-rps for low-traffic endpoints)`,
      results: [],
    };
  }
  if (rules.length === 0) {
    if (monitor === 'no-traffic-allowed')
      return { verdict: 'no-traffic-allowed', healthy: true, reason: 'no request in the window (allow-no-traffic is true)', results: [] };
    return { verdict: 'pending', healthy: false, reason: 'Azure Monitor has not reported a minute of the window yet and no probe was answered', results: [] };
  }
  const merged: Signals = monitorSignals === signals ? signals : { ...signals, ...monitorSignals };
  const metrics = signalsToMetricSet(merged, context.history);
  const baseline = context.baseline ? signalsToMetricSet(context.baseline) : undefined;
  const { passed, results } = evaluateRules(rules, metrics, { baseline, missingMetric: 'fail', requireBaseline: false });
  if (passed) return { verdict: 'healthy', healthy: true, results, ...(quietReason ? { reason: quietReason } : {}) };
  const failed = results.filter((r) => r.verdict === 'failed');
  const reason = failed
    .map((r) => {
      const values = r.comparisons
        .filter((c) => c.verdict === 'failed')
        .map((c) => (c.reason ? `${c.text}: ${c.reason}` : `${c.text} with ${formatValue(c.left)} vs ${formatValue(c.right)}`));
      return values.length ? values.join(', ') : r.rule;
    })
    .join('; ');
  return { verdict: 'unhealthy', healthy: false, reason: `failed: ${reason}${quietReason ? ` (${quietReason})` : ''}`, results };
}

function pick(s: Signals, names: readonly string[]): Partial<Signals> {
  const out: Record<string, number> = {};
  for (const n of names) {
    const v = (s as unknown as Record<string, unknown>)[n];
    if (typeof v === 'number') out[n] = v;
  }
  return out;
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

/** One check's outcome: judged (healthy or not), pending (nothing to judge yet: counts nothing) or the query failed. */
export type CheckOutcome = { kind: 'judged'; healthy: boolean } | { kind: 'pending' } | { kind: 'error' };

/** Counts a check; `rollback` is set (with the reason) when a limit is reached. Pure. */
export function countCheck(counters: CheckCounters, outcome: CheckOutcome, policy: HealthPolicy): { counters: CheckCounters; rollback?: string } {
  if (outcome.kind === 'pending') return { counters: { ...counters } };
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
