/**
 * The rollout inputs, parsed and validated into a {@link RolloutPlan} before anything changes.
 *
 * Strategies (SageMaker's names):
 * - `canary`: `canary-percent` (default 10), then 100.
 * - `linear`: steps of `step-percent` (default 20): 20, 40, 60, 80, 100 (30 gives 30, 60, 90, 100).
 * - `blue-green`: 100 at once (after the smoke test and the optional mirror stage).
 * - `stages`: an explicit list, e.g. `stages: 10,50,100` (strictly increasing, each 1..100, last
 *   100). Giving `stages` with no `strategy` selects it.
 *
 * Every stage, including the last one at 100 %, bakes for `bake-time` with health checks every
 * `check-interval`, so a bad deployment can still be rolled back after it took all traffic and
 * before the old deployments are removed (SageMaker's final baking period). `mirror-percent`
 * (at most 50) adds a shadow stage before live traffic moves. `max-duration` bounds the whole
 * rollout; past it, the rollout rolls back.
 *
 * Defaults: `bake-time` 5m; `check-interval` a fifth of the bake, at least 10 s, at most the bake;
 * `max-duration` twice the planned bakes plus 30 minutes; `metrics-delay` 60 s.
 *
 * `metrics-delay`: how long after a minute ends Azure Monitor has reported it. Platform metrics
 * come in one-minute buckets and reach the metrics API typically one to three minutes late
 * (https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/data-platform-metrics): the
 * health checks read only whole minutes older than this, read the two minutes after them again
 * while they may still fill in, and a stage passes once reported minutes cover its whole bake —
 * so each stage takes about `metrics-delay` plus up to a minute longer than its bake. Probe
 * signals (`probe-rps`) do not wait.
 */
import { ConfigurationError } from '../core/errors.js';
import { formatDuration, parseDuration, type InputReader } from '../core/inputs.js';
import { createHealthPolicy, readHealthPolicy, type HealthPolicy, type HealthPolicySpec } from './health.js';
import { MAX_MIRROR_PERCENT } from './traffic.js';

export const STRATEGIES = ['canary', 'linear', 'blue-green', 'stages'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** What happens to the deployments that served traffic before, once the new one is promoted. */
export type OldDeploymentsPolicy = { mode: 'delete' } | { mode: 'keep' } | { mode: 'scale-to'; instances: number };

export interface RolloutPlan {
  strategy: StrategyName;
  /** The new deployment's live weight at each stage: strictly increasing, last 100. */
  stages: number[];
  /** Percent mirrored to the new deployment in a shadow stage before live traffic moves; 0 = none. */
  mirrorPercent: number;
  bakeTimeInMs: number;
  checkIntervalInMs: number;
  maxDurationInMs: number;
  health: HealthPolicy;
  /** Synthetic requests per second sent during bakes (0 = none). */
  probeRps: number;
  rollback: 'auto' | 'none';
  /** Keep the new deployment after a failure (for debugging) instead of deleting it. */
  keepFailed: boolean;
  oldDeployments: OldDeploymentsPolicy;
  /** Attempts to restore traffic before giving up (each retried with backoff). */
  rollbackAttempts: number;
  /** First retry delay of a failed restore; doubles, at most 30 s. */
  rollbackRetryDelayInMs: number;
  /** How long after a minute ends Azure Monitor has reported it (the checks read only older minutes). */
  metricsDelayInMs: number;
}

/** Input names, spelled once. */
export const RolloutInputs = {
  strategy: 'strategy',
  canaryPercent: 'canary-percent',
  stepPercent: 'step-percent',
  stages: 'stages',
  mirrorPercent: 'mirror-percent',
  bakeTime: 'bake-time',
  checkInterval: 'check-interval',
  maxDuration: 'max-duration',
  probeRps: 'probe-rps',
  rollback: 'rollback',
  keepFailed: 'keep-failed',
  oldDeployments: 'old-deployments',
  metricsDelay: 'metrics-delay',
} as const;

export const DEFAULT_BAKE_TIME_MS = 5 * 60_000;
export const DEFAULT_CANARY_PERCENT = 10;
export const DEFAULT_STEP_PERCENT = 20;
/** Smallest default check interval (an explicit `check-interval` may go lower). */
export const MIN_DEFAULT_CHECK_INTERVAL_MS = 10_000;
export const MAX_PROBE_RPS = 100;
/** Azure Monitor's typical ingestion delay of platform metrics (one to three minutes; see above). */
export const DEFAULT_METRICS_DELAY_MS = 60_000;

/** Typed plan options; strings are parsed the same way as the action's inputs. */
export interface RolloutPlanSpec {
  strategy?: StrategyName;
  canaryPercent?: number;
  stepPercent?: number;
  /** A list of weights, or the input's text (`10,50,100`). */
  stages?: number[] | string;
  mirrorPercent?: number;
  /** Milliseconds, or a duration string (`10m`). */
  bakeTime?: number | string;
  checkInterval?: number | string;
  maxDuration?: number | string;
  health?: HealthPolicy | HealthPolicySpec;
  probeRps?: number;
  rollback?: 'auto' | 'none';
  keepFailed?: boolean;
  /** `delete`, `keep`, `scale-to: N`, or the parsed policy. */
  oldDeployments?: OldDeploymentsPolicy | string;
  rollbackAttempts?: number;
  rollbackRetryDelayInMs?: number;
  /** Milliseconds, or a duration string (`90s`). */
  metricsDelay?: number | string;
}

function fail(input: string, message: string, hint?: string): never {
  throw new ConfigurationError(`Input '${input}' ${message}`, { input, hint });
}

function percent(input: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) fail(input, `must be a whole percent from ${min} to ${max}, got ${value}.`);
  return value;
}

function duration(input: string, value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) fail(input, `must be a duration of 0 or more, got ${value}.`);
    return value;
  }
  if (value.trim() === '') return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) {
    fail(input, `is not a valid duration: '${value}'.`, 'Use a number of seconds (e.g. 90) or amounts with units ms, s, m, h, d (e.g. 90s, 10m, 1h30m).');
  }
  return ms;
}

/** Parses `10,50,100` (commas, spaces or newlines): strictly increasing whole percents 1..100, last 100. */
export function parseStages(value: number[] | string, input: string = RolloutInputs.stages): number[] {
  const hint = "List the new deployment's weight at each stage, strictly increasing and ending at 100, e.g. '10,50,100'.";
  let stages: number[];
  if (typeof value === 'string') {
    const items = value.split(/[\s,]+/).filter((s) => s !== '');
    stages = items.map((item) => {
      const m = /^(\d+)%?$/.exec(item);
      if (!m) fail(input, `has '${item}', which is not a whole percent.`, hint);
      return Number(m[1]);
    });
  } else stages = [...value];
  if (stages.length === 0) fail(input, 'is empty.', hint);
  stages.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 1 || s > 100) fail(input, `has ${s} at position ${i + 1}; each stage is a whole percent from 1 to 100.`, hint);
    if (i > 0 && s <= stages[i - 1]) fail(input, `is not strictly increasing: ${stages[i - 1]} then ${s}.`, hint);
  });
  if (stages[stages.length - 1] !== 100) fail(input, `must end at 100 (the new deployment takes all traffic), got ${stages.join(',')}.`, hint);
  return stages;
}

/** The stages of a strategy. */
export function strategyStages(strategy: Exclude<StrategyName, 'stages'>, options: { canaryPercent?: number; stepPercent?: number } = {}): number[] {
  switch (strategy) {
    case 'canary':
      return [percent(RolloutInputs.canaryPercent, options.canaryPercent ?? DEFAULT_CANARY_PERCENT, 1, 99), 100];
    case 'linear': {
      const step = percent(RolloutInputs.stepPercent, options.stepPercent ?? DEFAULT_STEP_PERCENT, 1, 99);
      const stages: number[] = [];
      for (let w = step; w < 100; w += step) stages.push(w);
      stages.push(100);
      return stages;
    }
    case 'blue-green':
      return [100];
  }
}

/** Parses `delete`, `keep` or `scale-to: N` (also `scale-to=N`, `scale-to N`). */
export function parseOldDeployments(value: string, input: string = RolloutInputs.oldDeployments): OldDeploymentsPolicy {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'delete') return { mode: 'delete' };
  if (v === 'keep') return { mode: 'keep' };
  const m = /^scale-to\s*[:= ]?\s*(\d+)$/.exec(v);
  if (m) return { mode: 'scale-to', instances: Number(m[1]) };
  return fail(
    input,
    `must be delete, keep or scale-to: N, got '${value}'.`,
    "e.g. 'old-deployments: scale-to: 1' keeps the old deployment warm with one instance.",
  );
}

const bakeCountOf = (stages: readonly number[], mirrorPercent: number): number => stages.length + (mirrorPercent > 0 ? 1 : 0);

/**
 * Refuses a `max-duration` that cannot hold the planned bakes (one per stage, and the mirror's).
 * Only online rollouts bake: a batch endpoint's rollout (one test batch, a switch of the default)
 * is bounded by max-duration alone, so the deploy flow checks this once it knows the endpoint is
 * online.
 */
export function assertRoomForBakes(plan: Pick<RolloutPlan, 'stages' | 'mirrorPercent' | 'bakeTimeInMs' | 'maxDurationInMs'>): void {
  const bakeCount = bakeCountOf(plan.stages, plan.mirrorPercent);
  const plannedBakes = bakeCount * plan.bakeTimeInMs;
  if (plan.maxDurationInMs <= plannedBakes) {
    fail(
      RolloutInputs.maxDuration,
      `(${formatDuration(plan.maxDurationInMs)}) does not leave room for the planned bakes: ${bakeCount} × ${formatDuration(plan.bakeTimeInMs)} = ${formatDuration(plannedBakes)}.`,
      'Raise max-duration, shorten bake-time or use fewer stages.',
    );
  }
}

export interface PlanOptions {
  /** Check that max-duration leaves room for the bakes (default true; see {@link assertRoomForBakes}). */
  checkBakeRoom?: boolean;
}

/** Builds and validates a plan. Errors are ConfigurationErrors naming the input. */
export function createRolloutPlan(spec: RolloutPlanSpec = {}, options: PlanOptions = {}): RolloutPlan {
  const strategy: StrategyName = spec.strategy ?? (spec.stages !== undefined && spec.stages !== '' ? 'stages' : 'canary');
  if (!(STRATEGIES as readonly string[]).includes(strategy)) {
    fail(RolloutInputs.strategy, `must be one of ${STRATEGIES.join(', ')}, got '${strategy}'.`);
  }
  const stagesGiven = spec.stages !== undefined && !(typeof spec.stages === 'string' && spec.stages.trim() === '');
  if (stagesGiven && strategy !== 'stages') {
    fail(
      RolloutInputs.stages,
      `is given together with strategy '${strategy}'.`,
      "Use either 'strategy' (canary, linear, blue-green) or 'stages' (alone or with 'strategy: stages').",
    );
  }
  let stages: number[];
  if (strategy === 'stages') {
    if (!stagesGiven) fail(RolloutInputs.stages, "is required with 'strategy: stages'.", "e.g. 'stages: 10,50,100'.");
    stages = parseStages(spec.stages as number[] | string);
  } else {
    stages = strategyStages(strategy, { canaryPercent: spec.canaryPercent, stepPercent: spec.stepPercent });
  }

  const mirrorPercent = percent(RolloutInputs.mirrorPercent, spec.mirrorPercent ?? 0, 0, MAX_MIRROR_PERCENT);
  const bakeTimeInMs = duration(RolloutInputs.bakeTime, spec.bakeTime) ?? DEFAULT_BAKE_TIME_MS;

  const explicitInterval = duration(RolloutInputs.checkInterval, spec.checkInterval);
  let checkIntervalInMs: number;
  if (explicitInterval !== undefined) {
    if (explicitInterval < 1000) fail(RolloutInputs.checkInterval, `must be at least 1s, got ${formatDuration(explicitInterval)}.`);
    if (bakeTimeInMs > 0 && explicitInterval > bakeTimeInMs) {
      fail(
        RolloutInputs.checkInterval,
        `(${formatDuration(explicitInterval)}) is longer than bake-time (${formatDuration(bakeTimeInMs)}).`,
        'Checks run during each bake; use an interval of at most the bake time.',
      );
    }
    checkIntervalInMs = explicitInterval;
  } else {
    checkIntervalInMs = Math.min(bakeTimeInMs, Math.max(MIN_DEFAULT_CHECK_INTERVAL_MS, Math.round(bakeTimeInMs / 5)));
  }

  const plannedBakes = bakeCountOf(stages, mirrorPercent) * bakeTimeInMs;
  const maxDurationInMs = duration(RolloutInputs.maxDuration, spec.maxDuration) ?? 2 * plannedBakes + 30 * 60_000;
  if (options.checkBakeRoom !== false) assertRoomForBakes({ stages, mirrorPercent, bakeTimeInMs, maxDurationInMs });

  const probeRps = spec.probeRps ?? 0;
  if (!Number.isFinite(probeRps) || probeRps < 0 || probeRps > MAX_PROBE_RPS)
    fail(RolloutInputs.probeRps, `must be from 0 to ${MAX_PROBE_RPS} requests per second, got ${probeRps}.`);

  const rollback = spec.rollback ?? 'auto';
  if (rollback !== 'auto' && rollback !== 'none') fail(RolloutInputs.rollback, `must be auto or none, got '${String(rollback)}'.`);

  const oldDeployments =
    typeof spec.oldDeployments === 'string' || spec.oldDeployments === undefined ? parseOldDeployments(spec.oldDeployments ?? 'delete') : spec.oldDeployments;
  if (oldDeployments.mode === 'scale-to' && (!Number.isSafeInteger(oldDeployments.instances) || oldDeployments.instances < 0)) {
    fail(RolloutInputs.oldDeployments, `scale-to needs a whole number of instances of 0 or more, got ${oldDeployments.instances}.`);
  }

  const health =
    spec.health && 'rules' in spec.health && Array.isArray(spec.health.rules)
      ? (spec.health as HealthPolicy)
      : createHealthPolicy(spec.health as HealthPolicySpec | undefined);
  if (!health.usesMonitor && probeRps === 0) {
    fail(
      'health-rules',
      'names only probe signals (probe.*), but probe-rps is 0: nothing would be judged.',
      'Set probe-rps, or add Azure Monitor rules such as error_rate < 1%.',
    );
  }
  const metricsDelayInMs = duration(RolloutInputs.metricsDelay, spec.metricsDelay) ?? DEFAULT_METRICS_DELAY_MS;
  if (metricsDelayInMs > 30 * 60_000)
    fail(RolloutInputs.metricsDelay, `(${formatDuration(metricsDelayInMs)}) is longer than 30m; Azure Monitor reports minutes within a few minutes.`);

  return {
    strategy,
    stages,
    mirrorPercent,
    bakeTimeInMs,
    checkIntervalInMs,
    maxDurationInMs,
    health,
    probeRps,
    rollback,
    keepFailed: spec.keepFailed ?? false,
    oldDeployments,
    rollbackAttempts: spec.rollbackAttempts ?? 5,
    rollbackRetryDelayInMs: spec.rollbackRetryDelayInMs ?? 1000,
    metricsDelayInMs,
  };
}

/**
 * Reads the rollout inputs (see {@link RolloutInputs} and `HealthInputs`) into a plan. Leave
 * `strategy` without a default in action.yml: `stages` alone selects the `stages` strategy.
 */
export function readRolloutPlan(reader: InputReader, options: PlanOptions = {}): RolloutPlan {
  const strategy = reader.choice(RolloutInputs.strategy, STRATEGIES);
  return createRolloutPlan(
    {
      strategy,
      canaryPercent: reader.int(RolloutInputs.canaryPercent, { min: 1, max: 99 }),
      stepPercent: reader.int(RolloutInputs.stepPercent, { min: 1, max: 99 }),
      stages: reader.optional(RolloutInputs.stages),
      mirrorPercent: reader.int(RolloutInputs.mirrorPercent, { min: 0, max: MAX_MIRROR_PERCENT }),
      bakeTime: reader.duration(RolloutInputs.bakeTime),
      checkInterval: reader.duration(RolloutInputs.checkInterval),
      maxDuration: reader.duration(RolloutInputs.maxDuration),
      probeRps: reader.number(RolloutInputs.probeRps, { min: 0, max: MAX_PROBE_RPS }),
      rollback: reader.choice(RolloutInputs.rollback, ['auto', 'none'] as const, 'auto'),
      keepFailed: reader.boolean(RolloutInputs.keepFailed, false),
      oldDeployments: reader.optional(RolloutInputs.oldDeployments),
      health: readHealthPolicy(reader),
      metricsDelay: reader.duration(RolloutInputs.metricsDelay),
    },
    options,
  );
}

/** `canary 10 → 100, bake 5m each, mirror 10% first` */
export function describePlan(plan: RolloutPlan): string {
  const mirror = plan.mirrorPercent > 0 ? `mirror ${plan.mirrorPercent}% first, ` : '';
  return `${plan.strategy}: ${mirror}${plan.stages.join(' → ')}, bake ${formatDuration(plan.bakeTimeInMs)} per stage, checks every ${formatDuration(plan.checkIntervalInMs)}, max ${formatDuration(plan.maxDurationInMs)}`;
}
