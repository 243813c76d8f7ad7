/**
 * The narrow interfaces the rollout talks to (Flagger's router / workload / metrics providers),
 * and {@link apply}, which runs the machine's actions against them and reports what happened.
 *
 * Nothing here knows Azure. The deploy action wires implementations over ARM and Azure Monitor;
 * tests use object literals that keep real state.
 */
import { errorMessage } from '../core/errors.js';
import type { SignalSource, Signals } from './health.js';
import type { Action, ActionResult, Observation } from './machine.js';
import { copyTrafficState, isTrafficConflict, trafficStateEquals, type TrafficState } from './traffic.js';

/** The endpoint's traffic as read, with the version tag of the read when the service gives one. */
export interface TrafficSnapshot extends TrafficState {
  etag?: string;
}

export interface TrafficRouter {
  /** Reads the endpoint's live and mirror traffic. */
  getTraffic(): Promise<TrafficSnapshot>;
  /**
   * Writes live and mirror traffic. `expectedCurrent` is the snapshot the caller just read; an
   * implementation must not overwrite anything else: it re-reads (or sends `If-Match` with the
   * etag) and throws a `TrafficConflictError` when the endpoint no longer holds
   * `expectedCurrent`. It waits for the endpoint to be ready and retries `Updating` /
   * `OperationCanceled` conflicts itself; it resolves once the write is accepted.
   */
  setTraffic(target: TrafficState, expectedCurrent: TrafficSnapshot): Promise<void>;
}

export interface ProvisionOptions {
  abortSignal?: AbortSignal;
  /** Give up by then (the rollout's max-duration). */
  deadline: Date;
}

export type ProvisionResult = { ok: true; summary?: string } | { ok: false; reason: string; logs?: string };

/** Creates the new deployment with no traffic and waits until it is provisioned. */
export interface Provisioner {
  provision(deployment: string, options: ProvisionOptions): Promise<ProvisionResult>;
}

export interface SmokeResult {
  passed: boolean;
  /** One line: what was sent, what came back. */
  summary: string;
}

/** Sends the smoke requests to the new deployment only. */
export interface SmokeTester {
  run(deployment: string, options?: { abortSignal?: AbortSignal }): Promise<SmokeResult>;
}

export interface DeploymentOps {
  /** Deletes a deployment; a deployment that is already gone is not an error. */
  delete(name: string): Promise<void>;
  scale(name: string, instances: number): Promise<void>;
  /** Checks that requests without the deployment header are answered by `name`. */
  confirmServes(name: string): Promise<{ ok: boolean; detail: string }>;
}

/** The probe signals of one deployment over a window (`probe.requests`, `probe.error_rate`, …). */
export type ProbeSignals = Pick<Signals, 'probe.requests' | 'probe.error_rate' | 'probe.latency_p95' | 'probe.latency_p99'>;

/** Synthetic requests during bakes, for endpoints with little real traffic. Both calls are idempotent. */
export interface ProbeDriver {
  start(rps: number, deployment: string): Promise<void> | void;
  stop(): Promise<void> | void;
  /**
   * What the probes found: the answers `deployment` gave that arrived in the window, judged at
   * once (no Azure Monitor delay). Undefined when the driver does not measure (or never started).
   */
  signals?(deployment: string, windowStart: Date, windowEnd: Date): ProbeSignals | undefined;
}

export interface RolloutProviders {
  router: TrafficRouter;
  signals: SignalSource;
  deployments: DeploymentOps;
  /** Absent: the caller provisioned the deployment already. */
  provisioner?: Provisioner;
  /** Absent: no smoke requests configured. */
  smoke?: SmokeTester;
  /** Absent: probe-rps is ignored. */
  probe?: ProbeDriver;
}

/** Time, injected so tests run on a fake clock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or early (without error) when `abortSignal` fires. */
  sleep(ms: number, abortSignal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, abortSignal) =>
    new Promise<void>((resolve) => {
      if (abortSignal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        abortSignal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      abortSignal?.addEventListener('abort', done, { once: true });
    }),
};

export interface ApplyContext {
  clock: Clock;
  /** Cancels waits and the cancellable calls (provisioning, smoke test, metrics); never traffic writes or deletes. */
  abortSignal?: AbortSignal;
  /** The rollout's deadline (max-duration), ms since the epoch. */
  deadline: number;
}

function snapshotState(s: TrafficSnapshot): TrafficState {
  return { traffic: { ...(s.traffic ?? {}) }, mirror: { ...(s.mirror ?? {}) } };
}

async function writeTraffic(action: Extract<Action, { type: 'setTraffic' | 'restoreTraffic' }>, router: TrafficRouter): Promise<ActionResult> {
  const type = action.type;
  const target = copyTrafficState(action.target);
  let current: TrafficSnapshot;
  try {
    current = await router.getTraffic();
  } catch (e) {
    return { type, ok: false, target, error: `could not read the endpoint's traffic before writing: ${errorMessage(e)}` };
  }
  const found = snapshotState(current);
  if (trafficStateEquals(found, target)) return { type, ok: true, target, readBack: found, wrote: false };
  if (!action.accept.some((a) => trafficStateEquals(a, found))) {
    return { type, ok: false, target, error: 'the endpoint holds traffic this rollout did not write', conflict: { current: found } };
  }
  try {
    await router.setTraffic(target, current);
  } catch (e) {
    if (isTrafficConflict(e))
      return { type, ok: false, target, error: errorMessage(e), conflict: { current: e.current ? snapshotState(e.current) : undefined } };
    return { type, ok: false, target, error: errorMessage(e) };
  }
  try {
    const readBack = snapshotState(await router.getTraffic());
    return { type, ok: true, target, readBack, wrote: true };
  } catch (e) {
    return { type, ok: false, target, error: `traffic was written but could not be read back: ${errorMessage(e)}` };
  }
}

async function checkHealth(action: Extract<Action, { type: 'checkHealth' }>, providers: RolloutProviders, ctx: ApplyContext): Promise<ActionResult> {
  const { windowStart, windowEnd } = action;
  const start = new Date(windowStart);
  const end = new Date(windowEnd);
  const options = { abortSignal: ctx.abortSignal };
  const monitor = action.monitor !== false;
  const flag = monitor ? {} : { monitor: false };
  // The probe answers up to now: judged at once, whatever Azure Monitor says.
  let probe: ProbeSignals | undefined;
  try {
    probe = providers.probe?.signals?.(action.deployment, new Date(action.probeFrom ?? windowStart), end);
  } catch {
    probe = undefined;
  }
  try {
    const [signals, baseline] = monitor
      ? await Promise.all([
          providers.signals.query(action.deployment, start, end, options),
          action.baseline ? providers.signals.query(action.baseline, start, end, options) : Promise.resolve(undefined),
        ])
      : [{ requests: 0, pending: true } satisfies Signals, undefined];
    const problem = signalsProblem(signals) ?? (baseline ? signalsProblem(baseline) : undefined);
    if (problem) return { type: 'checkHealth', windowStart, windowEnd, ...flag, ok: false, error: problem };
    return {
      type: 'checkHealth',
      windowStart,
      windowEnd,
      ...flag,
      ok: true,
      signals: { ...signals, ...(probe ?? {}) },
      ...(baseline ? { baseline: { ...baseline } } : {}),
    };
  } catch (e) {
    return { type: 'checkHealth', windowStart, windowEnd, ...flag, ok: false, error: errorMessage(e) };
  }
}

function signalsProblem(s: Signals): string | undefined {
  if (typeof s !== 'object' || s === null) return 'the signal source returned no signals';
  if (typeof s.requests !== 'number' || !Number.isFinite(s.requests) || s.requests < 0)
    return `the signal source returned an invalid request count: ${JSON.stringify(s.requests)}`;
  return undefined;
}

async function attempt(type: 'startProbe' | 'stopProbe' | 'fail' | 'wait', fn: () => unknown): Promise<ActionResult> {
  try {
    await fn();
    return { type, ok: true };
  } catch (e) {
    return { type, ok: false, error: errorMessage(e) };
  }
}

/** Runs one action. Never throws: failures come back as results for {@link decide} to judge. */
export async function applyAction(action: Action, providers: RolloutProviders, ctx: ApplyContext): Promise<ActionResult> {
  switch (action.type) {
    case 'readTraffic':
      try {
        return { type: 'readTraffic', ok: true, state: snapshotState(await providers.router.getTraffic()) };
      } catch (e) {
        return { type: 'readTraffic', ok: false, error: errorMessage(e) };
      }
    case 'provision': {
      if (!providers.provisioner) return { type: 'provision', ok: true, skipped: true };
      try {
        const r = await providers.provisioner.provision(action.deployment, { abortSignal: ctx.abortSignal, deadline: new Date(ctx.deadline) });
        return r.ok ? { type: 'provision', ok: true, summary: r.summary } : { type: 'provision', ok: false, error: r.reason, logs: r.logs };
      } catch (e) {
        return { type: 'provision', ok: false, error: errorMessage(e) };
      }
    }
    case 'runSmokeTest': {
      if (!providers.smoke) return { type: 'runSmokeTest', ok: true, skipped: true, summary: 'no smoke requests configured' };
      try {
        const r = await providers.smoke.run(action.deployment, { abortSignal: ctx.abortSignal });
        return { type: 'runSmokeTest', ok: r.passed, summary: r.summary };
      } catch (e) {
        return { type: 'runSmokeTest', ok: false, summary: `the smoke test could not run: ${errorMessage(e)}` };
      }
    }
    case 'setTraffic':
    case 'restoreTraffic':
      return writeTraffic(action, providers.router);
    case 'checkHealth':
      return checkHealth(action, providers, ctx);
    case 'wait':
      return attempt('wait', () => ctx.clock.sleep(action.ms, ctx.abortSignal));
    case 'startProbe': {
      const r = await attempt('startProbe', () => providers.probe?.start(action.rps, action.deployment));
      return { ...r, type: 'startProbe', measures: typeof providers.probe?.signals === 'function' };
    }
    case 'stopProbe':
      return attempt('stopProbe', () => providers.probe?.stop());
    case 'confirmServing':
      try {
        const r = await providers.deployments.confirmServes(action.deployment);
        return { type: 'confirmServing', ok: r.ok, detail: r.detail };
      } catch (e) {
        return { type: 'confirmServing', ok: false, detail: errorMessage(e) };
      }
    case 'deleteDeployment':
      try {
        await providers.deployments.delete(action.name);
        return { type: 'deleteDeployment', name: action.name, ok: true };
      } catch (e) {
        return { type: 'deleteDeployment', name: action.name, ok: false, error: errorMessage(e) };
      }
    case 'scaleOld':
      try {
        await providers.deployments.scale(action.name, action.instances);
        return { type: 'scaleOld', name: action.name, instances: action.instances, ok: true };
      } catch (e) {
        return { type: 'scaleOld', name: action.name, instances: action.instances, ok: false, error: errorMessage(e) };
      }
    case 'fail':
      return { type: 'fail', ok: true };
  }
}

/** Runs the actions in order (each one whatever the others did) and collects their results. */
export async function apply(actions: readonly Action[], providers: RolloutProviders, ctx: ApplyContext): Promise<Observation> {
  const results: ActionResult[] = [];
  for (const action of actions) results.push(await applyAction(action, providers, ctx));
  return { results };
}
