/**
 * Driving the machine: each tick decides (pure), persists the status, then applies the actions.
 * The status is saved before the actions run, so a process killed in the middle of an action
 * leaves a record of what it was doing (`pendingWrite` for a traffic write); the next process
 * (a re-run, or the post step after a cancellation) resumes from it.
 */
import { renameSync, writeFileSync, readFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  decide,
  isCancellable,
  isRolloutStatus,
  isTerminal,
  createRolloutStatus,
  type Observation,
  type Outcome,
  type Phase,
  type RolloutStatus,
  type TimelineEvent,
} from './machine.js';
import { apply, systemClock, type Clock, type RolloutProviders } from './providers.js';
import type { RolloutPlan } from './strategy.js';
import { buildTimeline, type RolloutTimeline } from './timeline.js';
import type { TrafficState } from './traffic.js';

/** Where the status record lives between ticks and between the main and post steps. */
export interface StatusStore {
  load(): Promise<RolloutStatus | undefined> | RolloutStatus | undefined;
  save(status: RolloutStatus): Promise<void> | void;
}

/** Keeps the status in memory (tests, or main and post in one process). */
export function memoryStatusStore(initial?: RolloutStatus): StatusStore & { current: RolloutStatus | undefined; saves: number } {
  const store = {
    current: initial ? structuredClone(initial) : undefined,
    saves: 0,
    load: () => (store.current ? structuredClone(store.current) : undefined),
    save: (status: RolloutStatus) => {
      store.current = structuredClone(status);
      store.saves += 1;
    },
  };
  return store;
}

/**
 * A store over any text slot (e.g. `core.saveState` / `core.getState`). Text that is empty,
 * unreadable or of another shape loads as undefined.
 */
export function textStatusStore(io: { read(): string | undefined; write(text: string): void }): StatusStore {
  return {
    load: () => {
      const text = io.read();
      if (!text) return undefined;
      try {
        const value: unknown = JSON.parse(text);
        return isRolloutStatus(value) ? value : undefined;
      } catch {
        return undefined;
      }
    },
    save: (status) => io.write(JSON.stringify(status)),
  };
}

/** A JSON file, replaced atomically (write to a temporary file, then rename). */
export function fileStatusStore(path: string): StatusStore {
  return textStatusStore({
    read: () => (existsSync(path) ? readFileSync(path, 'utf8') : undefined),
    write: (text) => {
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, path);
    },
  });
}

export interface RolloutOptions {
  /** The new deployment. */
  deployment: string;
  kubernetes?: boolean;
  clock?: Clock;
  /** Default: in memory only. */
  store?: StatusStore;
  /** Cancels the rollout: the machine takes the rollback path (waits and cancellable calls end early). */
  abortSignal?: AbortSignal;
  /** Called for every timeline event as it happens (e.g. to log it). */
  onEvent?: (event: TimelineEvent) => void;
  /** Resume a stored, unfinished status of the same deployment (default true). */
  resume?: boolean;
  /** Safety net against a loop that never settles (default 100 000). */
  maxTicks?: number;
}

export interface RolloutResult {
  outcome: Outcome;
  phase: Phase;
  deployment: string;
  reason?: string;
  /** The rollback point. */
  prior?: TrafficState;
  /** What the endpoint holds at the end, as last written or read back. */
  traffic?: TrafficState;
  timeline: RolloutTimeline;
  status: RolloutStatus;
}

export interface Rollout {
  readonly status: RolloutStatus;
  /** The status is terminal and its last actions ran. */
  readonly done: boolean;
  /** One decide → save → apply round. */
  tick(): Promise<RolloutStatus>;
  /** Asks for the rollback path at the next tick (and ends the current wait). */
  cancel(reason?: string): void;
  /** Ticks until done. */
  run(): Promise<RolloutResult>;
  /** The result of a finished rollout. */
  result(): RolloutResult;
}

const DEFAULT_CANCEL_REASON = 'the workflow was cancelled';

function reasonOf(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (typeof r === 'string' && r !== '') return r;
  if (r instanceof Error && r.name !== 'AbortError' && r.message) return r.message;
  return DEFAULT_CANCEL_REASON;
}

/** Builds a rollout, resuming the stored status of the same deployment when there is an unfinished one. */
export async function createRollout(plan: RolloutPlan, providers: RolloutProviders, options: RolloutOptions): Promise<Rollout> {
  const clock = options.clock ?? systemClock;
  const store = options.store;
  const maxTicks = options.maxTicks ?? 100_000;
  const stored = store ? await store.load() : undefined;
  let status: RolloutStatus =
    stored && options.resume !== false && stored.deployment === options.deployment && !isTerminal(stored.phase)
      ? stored
      : createRolloutStatus(options.deployment, clock.now(), { kubernetes: options.kubernetes });
  let observation: Observation | undefined;
  let done = isTerminal(status.phase);
  let ticks = 0;
  let cancelReason: string | undefined;
  const internal = new AbortController();
  const signal = options.abortSignal ? AbortSignal.any([options.abortSignal, internal.signal]) : internal.signal;

  const requestedCancel = (): string | undefined => cancelReason ?? (options.abortSignal?.aborted ? reasonOf(options.abortSignal) : undefined);

  const result = (): RolloutResult => {
    if (!isTerminal(status.phase)) throw new Error(`The rollout of '${status.deployment}' has not finished (phase ${status.phase}).`);
    return {
      outcome: status.outcome as Outcome,
      phase: status.phase,
      deployment: status.deployment,
      ...(status.reason ? { reason: status.reason } : {}),
      ...(status.prior ? { prior: status.prior } : {}),
      ...(status.expected ? { traffic: status.expected } : {}),
      timeline: buildTimeline(status),
      status,
    };
  };

  const tick = async (): Promise<RolloutStatus> => {
    if (done) return status;
    if (++ticks > maxTicks) throw new Error(`The rollout of '${status.deployment}' did not settle after ${maxTicks} ticks (phase ${status.phase}).`);
    const cancel = requestedCancel();
    const obs: Observation | undefined = cancel !== undefined && isCancellable(status) ? { results: observation?.results ?? [], cancel } : observation;
    const decision = decide(status, obs, plan, clock.now());
    if (decision.actions.length === 0 && !isTerminal(decision.status.phase)) {
      throw new Error(`Internal error: the rollout decided nothing to do in phase ${decision.status.phase}.`);
    }
    const before = status.timeline.length;
    status = decision.status;
    if (options.onEvent) for (const e of status.timeline.slice(before)) options.onEvent(e);
    if (store) await store.save(status);
    // Once rolling back (or finished), nothing may cut the restore short.
    const cancellable = !isTerminal(status.phase) && status.phase !== 'RollingBack';
    observation = await apply(decision.actions, providers, {
      clock,
      abortSignal: cancellable ? signal : undefined,
      deadline: status.startedAt + plan.maxDurationInMs,
    });
    if (isTerminal(status.phase)) done = true;
    return status;
  };

  return {
    get status() {
      return status;
    },
    get done() {
      return done;
    },
    tick,
    cancel: (reason = DEFAULT_CANCEL_REASON) => {
      cancelReason ??= reason;
      internal.abort(reason);
    },
    run: async () => {
      while (!done) await tick();
      return result();
    },
    result,
  };
}

/** Runs a rollout to the end (or resumes a stored one). */
export async function runRollout(plan: RolloutPlan, providers: RolloutProviders, options: RolloutOptions): Promise<RolloutResult> {
  const rollout = await createRollout(plan, providers, options);
  return rollout.run();
}

/**
 * For the post step: when the stored rollout did not finish (the workflow was cancelled or the
 * main step died), take the rollback path from where it stopped and drive it to the end.
 * Returns undefined when there is nothing to do (no status, or a finished one). A rollout whose
 * promotion was already confirmed finishes its promotion instead.
 */
export async function rollbackOnCancel(
  plan: RolloutPlan,
  providers: RolloutProviders,
  options: Omit<RolloutOptions, 'deployment' | 'resume' | 'abortSignal'> & { store: StatusStore; reason?: string },
): Promise<RolloutResult | undefined> {
  const stored = await options.store.load();
  if (!stored || isTerminal(stored.phase)) return undefined;
  const rollout = await createRollout(plan, providers, { ...options, deployment: stored.deployment, resume: true });
  rollout.cancel(options.reason ?? DEFAULT_CANCEL_REASON);
  return rollout.run();
}
