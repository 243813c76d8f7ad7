/**
 * The staged rollout as a state machine (Flagger's shape): a closed set of phases, a small
 * JSON-serialisable status record, and a pure {@link decide} that turns (status, observation,
 * plan, now) into the next status and the actions to run. Doing the actions is `apply`
 * (providers.ts); driving ticks and persisting the status is `run.ts`.
 *
 *   Initializing → Provisioning → SmokeTesting → [Mirroring] → Progressing (stage i, baking)
 *     → Promoting → Succeeded
 *   any active phase → RollingBack → RolledBack | Failed
 *
 * Rules the machine never breaks:
 * - The rollback point is the traffic and mirror read in Initializing, before anything changes.
 * - Every write names the states it may replace (what the machine last wrote or recorded, or a
 *   write it issued but never saw confirmed); finding anything else on the endpoint stops the
 *   rollout with "changed by someone else" and nothing is written.
 * - There is one rollback path: restore the exact recorded traffic and mirror, confirm it by
 *   reading it back, then delete the new deployment (unless keep-failed).
 * - Live traffic is always computed from the recorded prior traffic (traffic.ts), never from the
 *   previous stage.
 *
 * A tick is re-entrant: given a persisted status and no observation (a new process, the post
 * step), {@link decide} re-issues what the phase needs (the pending write, the next check, …).
 */
import { formatDuration } from '../core/inputs.js';
import { countCheck, judgeHealth, type CheckVerdict, type Signals } from './health.js';

/** Checks run this often (at most) while the probe driver reports answers: probes are judged at once. */
export const PROBE_CHECK_INTERVAL_MS = 2000;
import type { RolloutPlan } from './strategy.js';
import {
  copyTrafficState,
  formatTrafficState,
  nextTraffic,
  trafficPercent,
  trafficProblems,
  trafficStateEquals,
  trafficTotal,
  type TrafficState,
} from './traffic.js';
import { isObj } from '../core/obj.js';

export const PHASES = [
  'Initializing',
  'Provisioning',
  'SmokeTesting',
  'Mirroring',
  'Progressing',
  'Promoting',
  'Succeeded',
  'RollingBack',
  'RolledBack',
  'Failed',
] as const;
export type Phase = (typeof PHASES)[number];

export const TERMINAL_PHASES: readonly Phase[] = ['Succeeded', 'RolledBack', 'Failed'];

/** The action output `status`. */
export type Outcome = 'promoted' | 'rolled-back' | 'failed';

export function isTerminal(phase: Phase): boolean {
  return TERMINAL_PHASES.includes(phase);
}

// ---------------------------------------------------------------------------------------------
// Status record

export type EventKind =
  'phase' | 'plan' | 'traffic' | 'provision' | 'smoke' | 'check' | 'probe' | 'promote' | 'cleanup' | 'rollback' | 'conflict' | 'warning' | 'error';

export interface TimelineEvent {
  /** Milliseconds since the epoch (the injected clock). */
  at: number;
  phase: Phase;
  kind: EventKind;
  message: string;
}

/** A compact rule result, as kept in the status. */
export interface RuleOutcome {
  rule: string;
  verdict: 'passed' | 'failed' | 'skipped';
  left?: number;
  right?: number;
  reason?: string;
}

export interface CheckRecord {
  /** When the result was judged. */
  at: number;
  windowStart: number;
  windowEnd: number;
  verdict: CheckVerdict | 'query-error';
  healthy: boolean;
  signals?: Signals;
  baseline?: Signals;
  rules?: RuleOutcome[];
  reason?: string;
  /** Counters after this check. */
  failedChecks: number;
  consecutiveErrors: number;
}

export type StageResult = 'pending' | 'baking' | 'passed' | 'failed' | 'aborted';

export interface StageRecord {
  kind: 'mirror' | 'traffic';
  /** Position in `status.stages`; -1 for the mirror stage. */
  index: number;
  /** Live weight of the new deployment. */
  weight: number;
  /** Percent mirrored to the new deployment. */
  mirrorPercent: number;
  /** What the machine writes for this stage. */
  target: TrafficState;
  startedAt: number;
  /** When the target was read back from the endpoint: the bake starts here. */
  trafficSetAt?: number;
  bakeEndsAt?: number;
  nextCheckAt?: number;
  /** End of the last judged check window (the next window starts here). */
  lastWindowEnd?: number;
  /** Azure Monitor has reported this stage's minutes up to here (the bake passes once this reaches its end). */
  coveredUntil?: number;
  /** When Azure Monitor is expected to report the next minute (it is not asked before). */
  nextMonitorAt?: number;
  /** Verdict of the last check that judged reported minutes. */
  monitorHealthy?: boolean;
  /** End of the last probe window. */
  lastProbeEnd?: number;
  /** Checks that had nothing to judge yet (no minute reported, no probe answered). */
  pendingChecks?: number;
  endedAt?: number;
  checks: CheckRecord[];
  result: StageResult;
}

export interface RollbackRecord {
  reason: string;
  /** Phase the rollback started from. */
  from: Phase;
  at: number;
  attempts: number;
  nextAttemptAt?: number;
  restored: boolean;
  restoredAt?: number;
  deleteIssued: boolean;
}

export interface PromotionRecord {
  confirmedAt: number;
  detail: string;
  /** Old deployments and what is done with them. */
  cleanup: Array<{ name: string; action: 'delete' | 'scale' | 'keep'; instances?: number }>;
}

export interface RolloutStatus {
  version: 1;
  /** The new deployment. */
  deployment: string;
  /** Kubernetes endpoints refuse mirror traffic. */
  kubernetes: boolean;
  phase: Phase;
  startedAt: number;
  updatedAt: number;
  endedAt?: number;
  /** Effective stages (the plan's, or [100] on an endpoint without live traffic). */
  stages: number[];
  mirrorStage: boolean;
  /** The endpoint had no live traffic before (a new endpoint). */
  firstDeployment: boolean;
  /** Index in `stages` of the current stage; -1 before Progressing. */
  stageIndex: number;
  /** The new deployment's live weight as last written and confirmed. */
  weight: number;
  /** Percent mirrored to the new deployment as last written and confirmed. */
  mirrorPercent: number;
  failedChecks: number;
  consecutiveErrors: number;
  /** Failed attempts to confirm the promotion. */
  promotionAttempts: number;
  /** The rollback point: traffic and mirror before anything changed. */
  prior?: TrafficState;
  /**
   * What the endpoint should hold now: the last state written and read back, or recorded; after
   * someone else changed it, what was found (the result's `traffic`, so it never reports a state
   * the endpoint no longer holds).
   */
  expected?: TrafficState;
  /** A write issued but not yet confirmed (a crash may have left it applied or not). */
  pendingWrite?: TrafficState;
  /** The machine changed the endpoint's traffic at least once. */
  written: boolean;
  /** Probe traffic was started and not stopped. */
  probing: boolean;
  /** The probe driver measures its answers (probe signals): checks run at the probe cadence. */
  probeMeasures?: boolean;
  records: StageRecord[];
  promotion?: PromotionRecord;
  rollback?: RollbackRecord;
  outcome?: Outcome;
  /** Why the rollout failed or rolled back. */
  reason?: string;
  /** Tail of the provisioning logs when provisioning failed. */
  provisionLogs?: string;
  timeline: TimelineEvent[];
}

export function createRolloutStatus(deployment: string, now: number, options: { kubernetes?: boolean } = {}): RolloutStatus {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(deployment)) throw new RangeError(`Not a deployment name: '${deployment}'.`);
  return {
    version: 1,
    deployment,
    kubernetes: options.kubernetes ?? false,
    phase: 'Initializing',
    startedAt: now,
    updatedAt: now,
    stages: [],
    mirrorStage: false,
    firstDeployment: false,
    stageIndex: -1,
    weight: 0,
    mirrorPercent: 0,
    failedChecks: 0,
    consecutiveErrors: 0,
    promotionAttempts: 0,
    written: false,
    probing: false,
    records: [],
    timeline: [{ at: now, phase: 'Initializing', kind: 'phase', message: `rollout of '${deployment}' started` }],
  };
}

const isTrafficMap = (v: unknown) => isObj(v) && Object.values(v).every((n) => typeof n === 'number');
const isTrafficState = (v: unknown) => v === undefined || (isObj(v) && isTrafficMap(v.traffic) && isTrafficMap(v.mirror));

/** Shape check for a status read back from storage. */
export function isRolloutStatus(v: unknown): v is RolloutStatus {
  return (
    isObj(v) &&
    v.version === 1 &&
    typeof v.deployment === 'string' &&
    typeof v.phase === 'string' &&
    (PHASES as readonly string[]).includes(v.phase) &&
    typeof v.startedAt === 'number' &&
    Array.isArray(v.stages) &&
    Array.isArray(v.records) &&
    Array.isArray(v.timeline) &&
    typeof v.written === 'boolean' &&
    isTrafficState(v.prior) &&
    isTrafficState(v.expected) &&
    isTrafficState(v.pendingWrite)
  );
}

/** The action output `status` of a terminal phase. */
export function outcomeOf(phase: Phase): Outcome | undefined {
  return phase === 'Succeeded' ? 'promoted' : phase === 'RolledBack' ? 'rolled-back' : phase === 'Failed' ? 'failed' : undefined;
}

/** Cancelling makes sense until the promotion is confirmed (then the old deployments go). */
export function isCancellable(status: RolloutStatus): boolean {
  return !isTerminal(status.phase) && status.phase !== 'RollingBack' && !(status.phase === 'Promoting' && status.promotion);
}

// ---------------------------------------------------------------------------------------------
// Actions and observations

export type Action =
  | { type: 'readTraffic' }
  | { type: 'provision'; deployment: string }
  | { type: 'runSmokeTest'; deployment: string }
  /** Write `target` if the endpoint holds one of `accept` (or already `target`); read it back. */
  | { type: 'setTraffic'; target: TrafficState; accept: TrafficState[] }
  /** The rollback write: same contract as setTraffic, target = the rollback point. */
  | { type: 'restoreTraffic'; target: TrafficState; accept: TrafficState[] }
  /**
   * `monitor` false: do not query Azure Monitor (no new minute can be reported yet); the probe
   * answers since `probeFrom` are judged all the same.
   */
  | { type: 'checkHealth'; deployment: string; windowStart: number; windowEnd: number; baseline?: string; monitor?: boolean; probeFrom?: number }
  | { type: 'wait'; ms: number; reason: string }
  | { type: 'startProbe'; rps: number; deployment: string }
  | { type: 'stopProbe' }
  | { type: 'confirmServing'; deployment: string }
  | { type: 'deleteDeployment'; name: string }
  | { type: 'scaleOld'; name: string; instances: number }
  | { type: 'fail'; reason: string };

export type ActionType = Action['type'];

type TrafficWriteResult =
  | { ok: true; target: TrafficState; readBack: TrafficState; wrote: boolean }
  | { ok: false; target: TrafficState; error: string; conflict?: { current?: TrafficState } };

export type ActionResult =
  | ({ type: 'readTraffic' } & ({ ok: true; state: TrafficState } | { ok: false; error: string }))
  | { type: 'provision'; ok: boolean; skipped?: boolean; summary?: string; error?: string; logs?: string }
  | { type: 'runSmokeTest'; ok: boolean; skipped?: boolean; summary: string }
  | ({ type: 'setTraffic' } & TrafficWriteResult)
  | ({ type: 'restoreTraffic' } & TrafficWriteResult)
  | ({ type: 'checkHealth'; windowStart: number; windowEnd: number; monitor?: boolean } & (
      { ok: true; signals: Signals; baseline?: Signals } | { ok: false; error: string }
    ))
  | { type: 'confirmServing'; ok: boolean; detail: string }
  | { type: 'deleteDeployment'; name: string; ok: boolean; error?: string }
  | { type: 'scaleOld'; name: string; instances: number; ok: boolean; error?: string }
  | { type: 'startProbe'; ok: boolean; error?: string; measures?: boolean }
  | { type: 'stopProbe' | 'wait' | 'fail'; ok: boolean; error?: string };

/** What the last actions found. `cancel` asks for the rollback path (the results then only update traffic records). */
export interface Observation {
  results: ActionResult[];
  cancel?: string;
}

export interface Decision {
  status: RolloutStatus;
  actions: Action[];
}

// ---------------------------------------------------------------------------------------------
// decide

/**
 * The next status and the actions to run. Pure: the inputs are not modified, time comes from
 * `now`. With no observation it re-issues what the current phase needs (resume).
 */
export function decide(status: RolloutStatus, observation: Observation | undefined, plan: RolloutPlan, now: number): Decision {
  const d = new Decider(structuredClone(status), observation, plan, now);
  d.run();
  return { status: d.s, actions: d.actions };
}

/** A status whose next tick takes the rollback path (or the same status when not cancellable). Pure. */
export function cancelRollout(status: RolloutStatus, reason: string, plan: RolloutPlan, now: number): Decision {
  return decide(status, { results: [], cancel: reason }, plan, now);
}

type ResultOf<T extends ActionType> = Extract<ActionResult, { type: T }>;

class Decider {
  readonly actions: Action[] = [];
  private readonly results: ActionResult[];

  constructor(
    readonly s: RolloutStatus,
    private readonly obs: Observation | undefined,
    private readonly plan: RolloutPlan,
    private readonly now: number,
  ) {
    this.results = obs?.results ?? [];
  }

  private get resumed(): boolean {
    return this.obs === undefined;
  }

  private result<T extends ActionType>(type: T): ResultOf<T> | undefined {
    const all = this.results.filter((r) => r.type === type) as ResultOf<T>[];
    return all[all.length - 1];
  }

  private resultsOf<T extends ActionType>(type: T): ResultOf<T>[] {
    return this.results.filter((r) => r.type === type) as ResultOf<T>[];
  }

  private emit(...actions: Action[]): void {
    this.actions.push(...actions);
  }

  private event(kind: EventKind, message: string): void {
    this.s.timeline.push({ at: this.now, phase: this.s.phase, kind, message });
  }

  private enter(phase: Phase, message?: string): void {
    this.s.phase = phase;
    this.event('phase', message ?? phase);
  }

  private get deadline(): number {
    return this.s.startedAt + this.plan.maxDurationInMs;
  }

  private get current(): StageRecord | undefined {
    const rec = this.s.records[this.s.records.length - 1];
    return rec && (rec.result === 'pending' || rec.result === 'baking') ? rec : undefined;
  }

  run(): void {
    const s = this.s;
    s.updatedAt = this.now;
    if (isTerminal(s.phase)) return;
    this.absorbWrites();
    if (this.obs?.cancel !== undefined && isCancellable(s)) {
      this.cancel(this.obs.cancel);
      return;
    }
    if (s.phase !== 'Promoting' && s.phase !== 'RollingBack' && this.now >= this.deadline) {
      const rec = this.current;
      const waiting =
        rec?.bakeEndsAt !== undefined && this.now >= rec.bakeEndsAt && this.plan.health.usesMonitor && (rec.coveredUntil ?? -Infinity) < rec.bakeEndsAt;
      this.startRollback(
        `max-duration ${formatDuration(this.plan.maxDurationInMs)} exceeded in ${s.phase}` +
          (waiting
            ? ` while waiting for Azure Monitor to report the end of the bake: ${rec?.coveredUntil !== undefined && rec.coveredUntil > (rec.trafficSetAt as number) ? `minutes reported until ${new Date(rec.coveredUntil).toISOString()}` : 'no minute of it reported yet'}, the bake ended ${new Date(rec.bakeEndsAt!).toISOString()} (metrics-delay ${formatDuration(this.plan.metricsDelayInMs)}; raise max-duration, or metrics-delay if Azure reports later)`
            : ''),
      );
      return;
    }
    switch (s.phase) {
      case 'Initializing':
        return this.initializing();
      case 'Provisioning':
        return this.provisioning();
      case 'SmokeTesting':
        return this.smokeTesting();
      case 'Mirroring':
      case 'Progressing':
        return this.baking();
      case 'Promoting':
        return this.promoting();
      case 'RollingBack':
        return this.rollingBack();
      case 'Succeeded':
      case 'Failed':
      case 'RolledBack':
        return; // terminal: nothing to step
    }
  }

  /** Keeps `expected` / `written` in step with every confirmed write, whatever the phase does next. */
  private absorbWrites(): void {
    const s = this.s;
    for (const r of [...this.resultsOf('setTraffic'), ...this.resultsOf('restoreTraffic')]) {
      if (r.ok && trafficStateEquals(r.readBack, r.target)) {
        s.expected = copyTrafficState(r.target);
        s.pendingWrite = undefined;
        // Our target is on the endpoint (written now, or by an earlier process that died before confirming).
        if (s.prior && !trafficStateEquals(r.target, s.prior)) s.written = true;
        s.weight = trafficPercent(r.target.traffic, s.deployment);
        s.mirrorPercent = trafficPercent(r.target.mirror, s.deployment);
      }
    }
  }

  private cancel(reason: string): void {
    const s = this.s;
    if (!s.prior) {
      this.event('rollback', `cancelled before anything changed: ${reason}`);
      this.finish('Failed', `cancelled before anything changed: ${reason}`);
      return;
    }
    this.startRollback(`cancelled: ${reason}`, 'aborted');
  }

  // --- Initializing ------------------------------------------------------------------------

  private initializing(): void {
    const s = this.s;
    const r = this.result('readTraffic');
    if (!r) return this.emit({ type: 'readTraffic' });
    if (!r.ok) return this.finish('Failed', `could not read the endpoint's traffic before starting: ${r.error}. Nothing was changed.`);

    const current = copyTrafficState(r.state);
    const problems = trafficProblems(current, { kubernetes: s.kubernetes });
    if (problems.length > 0) {
      return this.finish('Failed', `the endpoint's current traffic is not valid (${problems.join('; ')}); fix it first. Nothing was changed.`);
    }
    const own = trafficPercent(current.traffic, s.deployment);
    if (own > 0) {
      return this.finish(
        'Failed',
        `deployment '${s.deployment}' already takes ${own}% of the live traffic (${formatTrafficState(current)}); roll out under a new deployment name. Nothing was changed.`,
      );
    }
    const othersMirrored = Object.entries(current.mirror).filter(([n, v]) => v > 0 && n !== s.deployment);
    if (this.plan.mirrorPercent > 0 && s.kubernetes) {
      return this.finish('Failed', 'mirror-percent is set but mirror traffic is not supported on Kubernetes online endpoints. Nothing was changed.');
    }
    if (this.plan.mirrorPercent > 0 && othersMirrored.length > 0) {
      return this.finish(
        'Failed',
        `the endpoint already mirrors traffic to '${othersMirrored[0][0]}' (${othersMirrored[0][1]}%) and Azure ML mirrors to one deployment only; remove that mirror or set mirror-percent to 0. Nothing was changed.`,
      );
    }
    s.prior = current;
    s.expected = copyTrafficState(current);
    s.firstDeployment = trafficTotal(current.traffic) - own === 0;
    s.stages = s.firstDeployment ? [100] : [...this.plan.stages];
    s.mirrorStage = !s.firstDeployment && this.plan.mirrorPercent > 0;
    this.event('plan', `rollback point recorded: ${formatTrafficState(current)}`);
    if (s.firstDeployment) this.event('plan', 'no deployment takes live traffic: straight to 100 after the smoke test');
    this.event('plan', `stages: ${s.mirrorStage ? `mirror ${this.plan.mirrorPercent}%, ` : ''}${s.stages.join(' → ')}`);
    if (s.kubernetes) {
      this.event(
        'plan',
        `Kubernetes online endpoint: Azure Monitor publishes no request metrics for it, so health is judged only on the probe and smoke requests this rollout sends (${this.plan.probeRps > 0 ? `probes at ${this.plan.probeRps}/s` : 'no probes: allow-no-traffic'})`,
      );
    }
    this.enter('Provisioning');
    this.emit({ type: 'provision', deployment: s.deployment });
  }

  // --- Provisioning and smoke test ---------------------------------------------------------

  private provisioning(): void {
    const s = this.s;
    const r = this.result('provision');
    if (!r) return this.emit({ type: 'provision', deployment: s.deployment });
    if (!r.ok) {
      if (r.logs) s.provisionLogs = r.logs;
      this.event('provision', `provisioning failed: ${r.error ?? 'unknown error'}`);
      return this.startRollback(`provisioning of '${s.deployment}' failed: ${r.error ?? 'unknown error'}`);
    }
    this.event('provision', r.skipped ? 'provisioning skipped (deployment provisioned by the caller)' : (r.summary ?? `'${s.deployment}' provisioned`));
    this.enter('SmokeTesting');
    this.emit({ type: 'runSmokeTest', deployment: s.deployment });
  }

  private smokeTesting(): void {
    const r = this.result('runSmokeTest');
    if (!r) return this.emit({ type: 'runSmokeTest', deployment: this.s.deployment });
    if (!r.ok) {
      this.event('smoke', `smoke test failed: ${r.summary}`);
      return this.startRollback(`smoke test failed: ${r.summary}`);
    }
    this.event('smoke', r.skipped ? `smoke test skipped: ${r.summary}` : `smoke test passed: ${r.summary}`);
    if (this.s.mirrorStage) this.enterMirror();
    else this.enterStage(0);
  }

  // --- Stages ------------------------------------------------------------------------------

  private write(target: TrafficState): void {
    const s = this.s;
    const accept = [s.expected, s.pendingWrite].filter((x): x is TrafficState => x !== undefined).map(copyTrafficState);
    s.pendingWrite = copyTrafficState(target);
    this.emit({ type: 'setTraffic', target: copyTrafficState(target), accept });
  }

  private enterMirror(): void {
    const s = this.s;
    const prior = s.prior as TrafficState;
    const target: TrafficState = { traffic: { ...prior.traffic }, mirror: { [s.deployment]: this.plan.mirrorPercent } };
    s.records.push({
      kind: 'mirror',
      index: -1,
      weight: 0,
      mirrorPercent: this.plan.mirrorPercent,
      target,
      startedAt: this.now,
      checks: [],
      result: 'pending',
    });
    this.enter('Mirroring', `mirror ${this.plan.mirrorPercent}% of live traffic to '${s.deployment}'`);
    this.write(target);
  }

  private stageMirror(): Record<string, number> {
    // A mirror that was there before stays, unless it targets the new deployment (which now takes live traffic).
    const prior = this.s.prior as TrafficState;
    const mirror: Record<string, number> = {};
    for (const [name, v] of Object.entries(prior.mirror)) if (name !== this.s.deployment && v > 0) mirror[name] = v;
    return mirror;
  }

  private enterStage(index: number): void {
    const s = this.s;
    const prior = s.prior as TrafficState;
    const weight = s.stages[index];
    const target: TrafficState = { traffic: nextTraffic(prior.traffic, s.deployment, weight), mirror: this.stageMirror() };
    s.stageIndex = index;
    s.records.push({ kind: 'traffic', index, weight, mirrorPercent: 0, target, startedAt: this.now, checks: [], result: 'pending' });
    this.enter('Progressing', `stage ${index + 1}/${s.stages.length}: '${s.deployment}' to ${weight}%`);
    this.write(target);
  }

  private baking(): void {
    const s = this.s;
    const rec = this.current;
    if (!rec) return this.finish('Failed', `internal error: ${s.phase} without a running stage`);
    if (rec.trafficSetAt === undefined) return this.awaitStageTraffic(rec);

    const started = this.result('startProbe');
    if (started?.ok && started.measures && !s.probeMeasures) {
      // Probe answers are judged at once: check at the probe cadence from now on.
      s.probeMeasures = true;
      rec.nextCheckAt = Math.min(rec.nextCheckAt ?? Infinity, rec.trafficSetAt + Math.min(this.plan.checkIntervalInMs, PROBE_CHECK_INTERVAL_MS));
    }
    const check = this.result('checkHealth');
    if (check) return this.processCheck(rec, check);
    if (this.resumed && s.probing && this.plan.probeRps > 0) this.emit({ type: 'startProbe', rps: this.plan.probeRps, deployment: s.deployment });
    this.schedule(rec);
  }

  private awaitStageTraffic(rec: StageRecord): void {
    const s = this.s;
    const r = this.result('setTraffic');
    if (!r) {
      // Resumed, or the write was never confirmed: issue it again (it is idempotent).
      return this.write(rec.target);
    }
    if (!r.ok) {
      if (r.conflict) return this.conflictStop(r.conflict.current, `before writing ${formatTrafficState(rec.target)}`);
      return this.startRollback(`could not set traffic to ${formatTrafficState(rec.target)}: ${r.error}`);
    }
    if (!trafficStateEquals(r.readBack, rec.target)) {
      return this.conflictStop(r.readBack, `reading back ${formatTrafficState(rec.target)}`);
    }
    rec.trafficSetAt = this.now;
    rec.result = 'baking';
    rec.bakeEndsAt = this.now + this.plan.bakeTimeInMs;
    this.event('traffic', `traffic ${formatTrafficState(rec.target)}${r.wrote ? '' : ' (already set)'}`);
    if (this.plan.bakeTimeInMs === 0) return this.stagePassed(rec);
    rec.nextCheckAt = this.now + Math.min(this.plan.checkIntervalInMs, this.plan.bakeTimeInMs, s.probeMeasures ? PROBE_CHECK_INTERVAL_MS : Infinity);
    if (this.plan.probeRps > 0 && !s.probing) {
      s.probing = true;
      this.event('probe', `probe traffic started: ${this.plan.probeRps} request(s)/s`);
      // The checks are scheduled once the driver said whether it measures its answers.
      return this.emit({ type: 'startProbe', rps: this.plan.probeRps, deployment: s.deployment });
    }
    this.schedule(rec);
  }

  private baselineDeployment(): string | undefined {
    if (!this.plan.health.usesBaseline) return undefined;
    const prior = (this.s.prior as TrafficState).traffic;
    const names = Object.keys(prior)
      .filter((n) => n !== this.s.deployment && prior[n] > 0)
      .sort((a, b) => prior[b] - prior[a] || (a < b ? -1 : 1));
    return names[0];
  }

  private schedule(rec: StageRecord): void {
    const next = rec.nextCheckAt as number;
    if (this.now >= next) {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- needed: set before any check is scheduled, which the type does not say
      const windowStart = rec.lastWindowEnd ?? (rec.trafficSetAt as number);
      const baseline = this.baselineDeployment();
      // Azure Monitor is asked when a new minute may have been reported; the probes at every check.
      const monitor = rec.nextMonitorAt === undefined || this.now >= rec.nextMonitorAt;
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- needed: set before any check is scheduled, which the type does not say
      const probeFrom = rec.lastProbeEnd ?? (rec.trafficSetAt as number);
      if (monitor || !this.s.probeMeasures) this.emit({ type: 'readTraffic' });
      this.emit({
        type: 'checkHealth',
        deployment: this.s.deployment,
        windowStart,
        windowEnd: this.now,
        ...(baseline ? { baseline } : {}),
        ...(monitor ? {} : { monitor: false }),
        probeFrom,
      });
      return;
    }
    const until = Math.min(next, this.deadline);
    this.emit({ type: 'wait', ms: Math.max(1, until - this.now), reason: until === next ? 'next health check' : 'max-duration' });
  }

  private processCheck(rec: StageRecord, check: ResultOf<'checkHealth'>): void {
    const s = this.s;
    const traffic = this.result('readTraffic');
    if (traffic && traffic.ok && s.expected && !trafficStateEquals(traffic.state, s.expected)) {
      return this.conflictStop(traffic.state, 'during the bake');
    }
    if (traffic && !traffic.ok) this.event('warning', `could not read the endpoint's traffic during the check: ${traffic.error}`);

    const policy = this.plan.health;
    const counters = { failedChecks: s.failedChecks, consecutiveErrors: s.consecutiveErrors };
    let rollback: string | undefined;
    let passed = false;
    if (!check.ok) {
      const counted = countCheck(counters, { kind: 'error' }, policy);
      Object.assign(s, counted.counters);
      rollback = counted.rollback;
      rec.checks.push({
        at: this.now,
        windowStart: check.windowStart,
        windowEnd: check.windowEnd,
        verdict: 'query-error',
        healthy: false,
        reason: check.error,
        ...counted.counters,
      });
      this.event('check', `metrics query failed (${s.consecutiveErrors}/${policy.consecutiveErrorLimit} in a row): ${check.error}`);
    } else {
      const signals = check.signals;
      const queried = check.monitor !== false;
      const reported = queried ? signals.reported : undefined;
      let windowStart = check.windowStart;
      let windowEnd = check.windowEnd;
      if (queried) {
        if (reported) {
          // Whole minutes reported by now; the youngest of them are read again while they may still fill in.
          rec.coveredUntil = Math.max(rec.coveredUntil ?? -Infinity, reported.until);
          rec.lastWindowEnd = Math.max(check.windowStart, Math.min(reported.final, reported.until));
          rec.nextMonitorAt = reported.nextAt;
          windowStart = reported.from;
          windowEnd = reported.until;
        } else if (!signals.pending) {
          rec.coveredUntil = check.windowEnd;
          rec.lastWindowEnd = check.windowEnd;
        }
      }
      if (signals['probe.requests'] !== undefined) rec.lastProbeEnd = check.windowEnd;
      // The minute of the traffic shift is partial: until a whole minute after the shift is reported,
      // too few requests there are not "no data" yet.
      const grain = reported?.grainMs ?? 0;
      const thin = reported !== undefined && reported.until < Math.ceil((rec.trafficSetAt as number) / grain) * grain + grain;
      const monitorPending = !queried || (thin && !signals.pending && signals.requests < policy.minRequests);
      const history = rec.checks.filter((c) => c.signals && c.verdict !== 'query-error').map((c) => c.signals as Signals);
      const judged = judgeHealth(monitorPending ? { ...signals, pending: true } : signals, policy, { history, baseline: check.baseline });
      if (judged.verdict === 'pending') {
        // Nothing to judge yet: neither healthy nor a failed check.
        rec.pendingChecks = (rec.pendingChecks ?? 0) + 1;
        if (rec.pendingChecks === 1) {
          this.event(
            'check',
            `waiting for Azure Monitor: minutes are reported about ${formatDuration(this.plan.metricsDelayInMs)} after they end (metrics-delay)${
              reported?.nextAt !== undefined ? `; the first is expected at ${new Date(reported.nextAt).toISOString()}` : ''
            }${this.plan.probeRps > 0 ? '; probe answers are judged at once' : ''}`,
          );
        }
        const canPass = policy.usesMonitor && rec.monitorHealthy === true && (rec.coveredUntil ?? -Infinity) >= (rec.bakeEndsAt as number);
        if (canPass && check.windowEnd >= (rec.bakeEndsAt as number)) return this.stagePassed(rec);
        return this.nextCheck(rec, check);
      }
      const counted = countCheck(counters, { kind: 'judged', healthy: judged.healthy }, policy);
      Object.assign(s, counted.counters);
      rollback = counted.rollback;
      passed = judged.healthy;
      if (!monitorPending && !signals.pending) rec.monitorHealthy = judged.healthy;
      rec.checks.push({
        at: this.now,
        windowStart,
        windowEnd,
        verdict: judged.verdict,
        healthy: judged.healthy,
        signals: check.signals,
        ...(check.baseline ? { baseline: check.baseline } : {}),
        rules: judged.results.map((r) => ({ rule: r.rule, verdict: r.verdict, left: r.left, right: r.right, ...(r.reason ? { reason: r.reason } : {}) })),
        ...(judged.reason ? { reason: judged.reason } : {}),
        ...counted.counters,
      });
      const values = describeSignals(check.signals);
      this.event(
        'check',
        judged.healthy
          ? `healthy (${values})${judged.verdict === 'no-traffic-allowed' ? ' — no traffic, allowed' : ''}`
          : `not healthy (${values}): ${judged.reason} — failed checks ${s.failedChecks}/${policy.failureThreshold}`,
      );
    }
    if (rollback) return this.startRollback(`health: ${rollback}${passed ? '' : rec.checks.at(-1)?.reason ? `; last: ${rec.checks.at(-1)?.reason}` : ''}`);

    const bakeEndsAt = rec.bakeEndsAt as number;
    // A stage passes once its bake time is over, reported minutes cover the whole bake and the
    // last reported minutes were healthy (rules on Azure Monitor signals only; probe-only rules do not wait).
    const covered = !policy.usesMonitor || ((rec.coveredUntil ?? -Infinity) >= bakeEndsAt && rec.monitorHealthy === true);
    if (passed && check.windowEnd >= bakeEndsAt && covered) return this.stagePassed(rec);
    this.nextCheck(rec, check);
  }

  private nextCheck(rec: StageRecord, check: ResultOf<'checkHealth'>): void {
    const bakeEndsAt = rec.bakeEndsAt as number;
    const interval = this.s.probeMeasures ? Math.min(this.plan.checkIntervalInMs, PROBE_CHECK_INTERVAL_MS) : this.plan.checkIntervalInMs;
    // Checks keep their cadence and the last one lands on the end of the bake; after a failed
    // last check the bake is extended by one interval (Flagger does not advance on a failed check).
    rec.nextCheckAt = check.windowEnd < bakeEndsAt ? Math.min(check.windowEnd + interval, bakeEndsAt) : this.now + interval;
    const due = rec.nextMonitorAt;
    if (this.plan.health.usesMonitor && due !== undefined && due > this.now) {
      // Without probes there is nothing to judge before Azure Monitor can report the next minute;
      // once the bake time is over the stage waits only for that minute: check as soon as it is due.
      if (!this.s.probeMeasures && due > rec.nextCheckAt) rec.nextCheckAt = due;
      else if (check.windowEnd >= bakeEndsAt) rec.nextCheckAt = Math.min(rec.nextCheckAt, due);
    }
    if (!check.ok) rec.nextCheckAt = Math.max(rec.nextCheckAt, this.now + Math.min(interval, 1000));
    this.schedule(rec);
  }

  private stagePassed(rec: StageRecord): void {
    const s = this.s;
    rec.result = 'passed';
    rec.endedAt = this.now;
    const label = rec.kind === 'mirror' ? `mirror stage (${rec.mirrorPercent}%)` : `stage ${rec.index + 1}/${s.stages.length} (${rec.weight}%)`;
    this.event('check', `${label} passed after ${formatDuration(this.now - (rec.trafficSetAt as number))}`);
    if (rec.kind === 'mirror') return this.enterStage(0);
    if (rec.index + 1 < s.stages.length) return this.enterStage(rec.index + 1);
    this.enterPromoting();
  }

  // --- Promotion ---------------------------------------------------------------------------

  private stopProbe(): void {
    if (!this.s.probing) return;
    this.s.probing = false;
    this.event('probe', 'probe traffic stopped');
    this.emit({ type: 'stopProbe' });
  }

  private enterPromoting(): void {
    this.enter('Promoting', `confirming that '${this.s.deployment}' serves all traffic`);
    this.stopProbe();
    this.emit({ type: 'readTraffic' }, { type: 'confirmServing', deployment: this.s.deployment });
  }

  private promoting(): void {
    const s = this.s;
    if (!s.promotion) {
      const t = this.result('readTraffic');
      const c = this.result('confirmServing');
      if (!t || !c) return this.emit({ type: 'readTraffic' }, { type: 'confirmServing', deployment: s.deployment });
      if (t.ok && s.expected && !trafficStateEquals(t.state, s.expected)) return this.conflictStop(t.state, 'before promotion');
      const problem = !t.ok
        ? `could not read the endpoint's traffic: ${t.error}`
        : trafficPercent(t.state.traffic, s.deployment) !== 100
          ? `'${s.deployment}' reads back ${trafficPercent(t.state.traffic, s.deployment)}%, not 100%`
          : !c.ok
            ? `'${s.deployment}' does not answer requests sent without the deployment header: ${c.detail}`
            : undefined;
      if (problem) {
        s.promotionAttempts += 1;
        if (s.promotionAttempts >= 3) return this.startRollback(`promotion could not be confirmed: ${problem}`);
        const delay = Math.min(this.plan.checkIntervalInMs || 1000, 10_000);
        this.event('warning', `promotion not confirmed yet (attempt ${s.promotionAttempts}/3): ${problem}`);
        return this.emit({ type: 'wait', ms: delay, reason: 'retry promotion check' });
      }
      const prior = (s.prior as TrafficState).traffic;
      const old = Object.keys(prior)
        .filter((n) => n !== s.deployment && prior[n] > 0)
        .sort();
      const policy = this.plan.oldDeployments;
      s.promotion = {
        confirmedAt: this.now,
        detail: c.detail,
        cleanup: old.map((name) =>
          policy.mode === 'delete'
            ? { name, action: 'delete' as const }
            : policy.mode === 'scale-to'
              ? { name, action: 'scale' as const, instances: policy.instances }
              : { name, action: 'keep' as const },
        ),
      };
      this.event('promote', `'${s.deployment}' serves 100%: ${c.detail}`);
      return this.cleanup(false);
    }
    this.cleanup(true);
  }

  private cleanup(afterIssue: boolean): void {
    const s = this.s;
    const items = (s.promotion as PromotionRecord).cleanup.filter((c) => c.action !== 'keep');
    const deletes = this.resultsOf('deleteDeployment');
    const scales = this.resultsOf('scaleOld');
    if (items.length === 0) {
      for (const c of (s.promotion as PromotionRecord).cleanup) this.event('cleanup', `kept old deployment '${c.name}' (old-deployments: keep)`);
      return this.succeed();
    }
    if (!afterIssue || (deletes.length === 0 && scales.length === 0)) {
      for (const c of items) {
        this.emit(c.action === 'delete' ? { type: 'deleteDeployment', name: c.name } : { type: 'scaleOld', name: c.name, instances: c.instances ?? 0 });
      }
      return;
    }
    for (const r of deletes)
      this.event(r.ok ? 'cleanup' : 'warning', r.ok ? `deleted old deployment '${r.name}'` : `could not delete old deployment '${r.name}': ${r.error}`);
    for (const r of scales)
      this.event(
        r.ok ? 'cleanup' : 'warning',
        r.ok ? `scaled old deployment '${r.name}' to ${r.instances}` : `could not scale old deployment '${r.name}': ${r.error}`,
      );
    this.succeed();
  }

  private succeed(): void {
    this.finish('Succeeded');
  }

  // --- Stop, rollback, finish --------------------------------------------------------------

  private endStage(result: StageResult): void {
    const rec = this.current;
    if (rec) {
      rec.result = result;
      rec.endedAt = this.now;
    }
  }

  /** Someone else changed the traffic: stop, write nothing, delete nothing. */
  private conflictStop(found: TrafficState | undefined, when: string): void {
    const s = this.s;
    this.endStage('aborted');
    this.stopProbe();
    const message =
      `traffic on the endpoint was changed by someone else (${when}): expected ${s.expected ? formatTrafficState(s.expected) : 'unknown'}, ` +
      `found ${found ? formatTrafficState(found) : 'a different state'}. Stopped without writing anything; ` +
      `the rollback point was ${s.prior ? formatTrafficState(s.prior) : 'not recorded'} and deployment '${s.deployment}' was left in place.`;
    this.event('conflict', message);
    if (found) s.expected = copyTrafficState(found);
    this.finish('Failed', message);
  }

  private startRollback(reason: string, stageResult: StageResult = 'failed'): void {
    const s = this.s;
    this.endStage(stageResult);
    s.reason = reason;
    if (!s.prior) return this.finish('Failed', `${reason}. Nothing was changed.`);
    if (this.plan.rollback === 'none') {
      this.stopProbe();
      const where = s.expected ? formatTrafficState(s.expected) : 'unchanged';
      return this.finish('Failed', `${reason}; rollback is none, so traffic was left at ${where} and '${s.deployment}' was kept`);
    }
    s.rollback = { reason, from: s.phase, at: this.now, attempts: 0, restored: false, deleteIssued: false };
    this.enter('RollingBack', `rolling back: ${reason}`);
    this.rollingBack(true);
  }

  private rollingBack(fresh = false): void {
    const s = this.s;
    const rb = s.rollback as RollbackRecord;
    const prior = s.prior as TrafficState;
    this.stopProbe();
    if (!rb.restored) {
      if (rb.nextAttemptAt !== undefined && this.now < rb.nextAttemptAt && !fresh && !this.hasRestoreResult()) {
        return this.emit({ type: 'wait', ms: rb.nextAttemptAt - this.now, reason: 'retry restoring traffic' });
      }
      // A restore already issued is judged by restore(): its confirmed write cleared pendingWrite.
      if (s.written || s.pendingWrite || (!fresh && this.result('restoreTraffic'))) this.restore(rb, prior, fresh);
      else this.confirmUnchanged(rb, prior, fresh);
      if (!rb.restored) return;
    }
    if (this.plan.keepFailed) {
      this.event('rollback', `kept '${s.deployment}' (keep-failed)`);
      return this.finishRollback();
    }
    const del = this.result('deleteDeployment');
    if (!rb.deleteIssued || !del) {
      rb.deleteIssued = true;
      return this.emit({ type: 'deleteDeployment', name: s.deployment });
    }
    this.event(del.ok ? 'rollback' : 'warning', del.ok ? `deleted '${s.deployment}'` : `could not delete '${s.deployment}': ${del.error}`);
    this.finishRollback();
  }

  private hasRestoreResult(): boolean {
    return this.result('restoreTraffic') !== undefined || this.result('readTraffic') !== undefined;
  }

  private retryLater(rb: RollbackRecord, what: string, error: string): boolean {
    rb.attempts += 1;
    if (rb.attempts >= this.plan.rollbackAttempts) return false;
    const delay = Math.min(this.plan.rollbackRetryDelayInMs * 2 ** (rb.attempts - 1), 30_000);
    rb.nextAttemptAt = this.now + delay;
    this.event('warning', `${what} failed (attempt ${rb.attempts}/${this.plan.rollbackAttempts}), retrying in ${formatDuration(delay)}: ${error}`);
    this.emit({ type: 'wait', ms: delay, reason: `retry ${what}` });
    return true;
  }

  private restore(rb: RollbackRecord, prior: TrafficState, fresh: boolean): void {
    const s = this.s;
    const r = fresh ? undefined : this.result('restoreTraffic');
    if (!r) {
      const accept = [s.expected, s.pendingWrite].filter((x): x is TrafficState => x !== undefined).map(copyTrafficState);
      return this.emit({ type: 'restoreTraffic', target: copyTrafficState(prior), accept });
    }
    if (!r.ok) {
      if (r.conflict) {
        const message =
          `traffic on the endpoint was changed by someone else during the rollback: expected ${s.expected ? formatTrafficState(s.expected) : 'unknown'}, ` +
          `found ${r.conflict.current ? formatTrafficState(r.conflict.current) : 'a different state'}; not restoring over it. ` +
          `The rollback point was ${formatTrafficState(prior)}; '${s.deployment}' was left in place.`;
        this.event('conflict', message);
        if (r.conflict.current) s.expected = copyTrafficState(r.conflict.current);
        return this.finish('Failed', `${rb.reason}; ${message}`);
      }
      if (this.retryLater(rb, 'restoring traffic', r.error)) return;
      return this.finish(
        'Failed',
        `${rb.reason}; restoring traffic failed after ${rb.attempts} attempt(s): ${r.error}. ` +
          `The endpoint should hold ${s.expected ? formatTrafficState(s.expected) : 'unknown'}; restore the rollback point by hand: ${formatTrafficState(prior)}.`,
      );
    }
    if (!trafficStateEquals(r.readBack, prior)) {
      const message = `after restoring, the endpoint reads back ${formatTrafficState(r.readBack)} instead of ${formatTrafficState(prior)}; someone else may be changing it. '${s.deployment}' was left in place.`;
      this.event('conflict', message);
      s.expected = copyTrafficState(r.readBack);
      return this.finish('Failed', `${rb.reason}; ${message}`);
    }
    rb.restored = true;
    rb.restoredAt = this.now;
    s.expected = copyTrafficState(prior);
    s.pendingWrite = undefined;
    // The restore had something to undo: a write of ours had landed, though this process never
    // saw it confirmed (the one before it was killed right after writing).
    if (r.wrote) s.written = true;
    this.event('rollback', `traffic restored and read back: ${formatTrafficState(prior)}`);
  }

  private confirmUnchanged(rb: RollbackRecord, prior: TrafficState, fresh: boolean): void {
    const s = this.s;
    const r = fresh ? undefined : this.result('readTraffic');
    if (!r) return this.emit({ type: 'readTraffic' });
    if (!r.ok) {
      if (this.retryLater(rb, 'reading the traffic back', r.error)) return;
      this.event('warning', `could not read the traffic back (${r.error}); the rollout never changed it`);
    } else if (!trafficStateEquals(r.state, prior)) {
      const message = `traffic on the endpoint was changed by someone else: recorded ${formatTrafficState(prior)}, found ${formatTrafficState(r.state)}. The rollout never wrote traffic; '${s.deployment}' was left in place.`;
      this.event('conflict', message);
      s.expected = copyTrafficState(r.state);
      return this.finish('Failed', `${rb.reason}; ${message}`);
    } else {
      this.event('rollback', `traffic unchanged, read back: ${formatTrafficState(prior)}`);
    }
    rb.restored = true;
    rb.restoredAt = this.now;
  }

  private finishRollback(): void {
    const s = this.s;
    const reason = (s.rollback as RollbackRecord).reason;
    this.finish(s.written ? 'RolledBack' : 'Failed', reason);
  }

  private finish(phase: 'Succeeded' | 'RolledBack' | 'Failed', reason?: string): void {
    const s = this.s;
    this.stopProbe();
    if (reason !== undefined) s.reason = reason;
    s.phase = phase;
    s.outcome = outcomeOf(phase);
    s.endedAt = this.now;
    const message = phase === 'Succeeded' ? `'${s.deployment}' promoted` : phase === 'RolledBack' ? `rolled back: ${s.reason}` : `failed: ${s.reason}`;
    this.event('phase', message);
    if (phase !== 'Succeeded') this.emit({ type: 'fail', reason: s.reason ?? phase });
  }
}

/** `requests=120 error_rate=0.8% latency_p99=412ms` */
export function describeSignals(signals: Signals): string {
  const parts: string[] = [`requests=${signals.requests}`];
  if (signals.error_rate !== undefined) parts.push(`error_rate=${round(signals.error_rate * 100)}%`);
  if (signals.latency_p95 !== undefined) parts.push(`latency_p95=${round(signals.latency_p95)}ms`);
  if (signals.latency_p99 !== undefined) parts.push(`latency_p99=${round(signals.latency_p99)}ms`);
  if (signals.cpu !== undefined) parts.push(`cpu=${round(signals.cpu * 100)}%`);
  if (signals.memory !== undefined) parts.push(`memory=${round(signals.memory * 100)}%`);
  if (signals.pending) parts[0] = 'Azure Monitor: nothing reported yet';
  if (signals['probe.requests'] !== undefined) {
    parts.push(`probe.requests=${signals['probe.requests']}`);
    if (signals['probe.error_rate'] !== undefined) parts.push(`probe.error_rate=${round(signals['probe.error_rate'] * 100)}%`);
    if (signals['probe.latency_p99'] !== undefined) parts.push(`probe.latency_p99=${round(signals['probe.latency_p99'])}ms`);
  }
  return parts.join(' ');
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
