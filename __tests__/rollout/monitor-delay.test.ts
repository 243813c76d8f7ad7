/**
 * The rollout against an Azure Monitor that reports each minute `delay` after it ends (as Azure
 * does, one to three minutes late), on a fake clock: pending windows count nothing, stages pass
 * only once reported minutes cover the bake, a failing model is caught once its minutes are
 * reported — or within seconds by the probes —, and allow-no-traffic never promotes a deployment
 * whose minutes reported errors.
 */
import { describe, expect, it } from 'vitest';
import { createRollout, memoryStatusStore } from '../../src/rollout/run.js';
import { createRolloutPlan, type RolloutPlanSpec } from '../../src/rollout/strategy.js';
import type { SignalSource, Signals } from '../../src/rollout/health.js';
import type { ProbeDriver, RolloutProviders } from '../../src/rollout/providers.js';
import type { TrafficMap } from '../../src/rollout/traffic.js';
import { FakeEndpoint, fakeClock, type FakeClock } from './fakes.js';

const MINUTE = 60_000;

interface World {
  clock: FakeClock;
  ep: FakeEndpoint;
  /** Live requests per second of real traffic, at a time. */
  rps: (t: number) => number;
  /** Error rate of a deployment at a time. */
  errorRate: (deployment: string, t: number) => number;
  /** Traffic over time (each write with its time). */
  history: Array<{ at: number; traffic: TrafficMap }>;
  probing: number;
}

function shareAt(w: World, deployment: string, t: number): number {
  let traffic = w.history[0]!.traffic;
  for (const h of w.history) if (h.at <= t) traffic = h.traffic;
  return (traffic[deployment] ?? 0) / 100;
}

/** Azure Monitor as Azure serves it: whole minutes, each reported `delayMs` after it ends. */
function delayedMonitor(w: World, delayMs: number, o: { never?: boolean; errorsLate?: boolean } = {}): SignalSource & { queries: number } {
  const src = {
    queries: 0,
    async query(deployment: string, start: Date, end: Date): Promise<Signals> {
      src.queries++;
      const now = end.getTime();
      const from = Math.floor(start.getTime() / MINUTE) * MINUTE;
      const until = o.never ? from : Math.max(from, Math.floor((now - delayMs) / MINUTE) * MINUTE);
      const reported = { from, until, final: Math.max(from, until - 2 * MINUTE), nextAt: until + MINUTE + delayMs, grainMs: MINUTE };
      if (until <= from) return { requests: 0, pending: true, reported };
      let requests = 0;
      let errors = 0;
      for (let m = from; m < until; m += MINUTE) {
        // errorsLate: a minute's failed requests reach the metrics API a minute after its other ones (the minute fills in).
        const young = o.errorsLate && now < m + MINUTE + delayMs + MINUTE;
        for (let t = m; t < m + MINUTE; t += 1000) {
          const r = w.rps(t) * shareAt(w, deployment, t);
          const e = r * w.errorRate(deployment, t);
          requests += young ? r - e : r;
          errors += young ? 0 : e;
        }
      }
      requests = Math.round(requests);
      const s: Signals = { requests, reported };
      if (requests > 0) Object.assign(s, { error_rate: errors / requests, latency_p95: 120, latency_p99: 180 });
      return s;
    },
  };
  return src;
}

/** Probes judged at once: the answers of the deployment in the window. */
function probes(w: World): ProbeDriver {
  let started = false;
  return {
    start: (rps) => {
      started = true;
      w.probing = rps;
    },
    stop: () => {
      w.probing = 0;
    },
    signals: (deployment, a, b) => {
      if (!started) return undefined;
      let n = 0;
      let failed = 0;
      for (let t = a.getTime(); t < b.getTime(); t += 100) {
        const r = (w.probing * shareAt(w, deployment, t)) / 10;
        n += r;
        failed += r * w.errorRate(deployment, t);
      }
      const requests = Math.floor(n);
      return requests > 0 ? { 'probe.requests': requests, 'probe.error_rate': failed / n, 'probe.latency_p99': 150 } : { 'probe.requests': 0 };
    },
  };
}

function setup(o: { plan: RolloutPlanSpec; delayMs?: number; rps?: World['rps']; errorRate?: World['errorRate']; never?: boolean; errorsLate?: boolean }) {
  const clock = fakeClock();
  const ep = new FakeEndpoint(clock, { traffic: { blue: 100 }, writeMs: 1000, provisionMs: 20_000 });
  const w: World = { clock, ep, rps: o.rps ?? (() => 10), errorRate: o.errorRate ?? (() => 0), history: [{ at: 0, traffic: { blue: 100 } }], probing: 0 };
  const set = ep.router.setTraffic.bind(ep.router);
  ep.router.setTraffic = async (target, expected) => {
    await set(target, expected);
    w.history.push({ at: clock.now(), traffic: { ...target.traffic } });
  };
  const monitor = delayedMonitor(w, o.delayMs ?? MINUTE, { never: o.never, errorsLate: o.errorsLate });
  const plan = createRolloutPlan({ metricsDelay: o.delayMs ?? MINUTE, ...o.plan });
  const providers: RolloutProviders = { ...ep.providers(), signals: monitor, probe: probes(w) };
  const run = async () => (await createRollout(plan, providers, { deployment: 'green', clock, store: memoryStatusStore() })).run();
  return { w, clock, ep, monitor, plan, run };
}

describe('Azure Monitor reports minutes late', () => {
  it('a healthy deployment with real traffic only is promoted, never rolled back for "no data"; each stage waits for its bake to be reported', async () => {
    const { run, monitor } = setup({ plan: { bakeTime: '2m', checkInterval: '20s' } });
    const r = await run();
    expect(r.outcome, r.reason).toBe('promoted');
    const checks = r.timeline.stages.flatMap((s) => s.checks);
    expect(checks.map((c) => c.verdict)).not.toContain('no-data');
    expect(checks.every((c) => c.healthy)).toBe(true);
    for (const s of r.timeline.stages) {
      expect(Date.parse(s.reportedUntil!)).toBeGreaterThanOrEqual(Date.parse(s.bakeEndsAt!));
      // The stage ended once the minute holding the end of its bake was reported: up to a minute + the delay later.
      const waited = Date.parse(s.endedAt!) - Date.parse(s.bakeEndsAt!);
      expect(waited).toBeGreaterThanOrEqual(MINUTE);
      expect(waited).toBeLessThanOrEqual(2 * MINUTE + 20_000);
    }
    expect(r.timeline.events.filter((e) => e.message.startsWith('waiting for Azure Monitor')).length).toBe(2);
    // Monitor is asked when a minute can be new, not at every check.
    expect(monitor.queries).toBeLessThan(20);
  });

  it('a model that starts failing is rolled back once its minutes are reported (not before)', async () => {
    let shiftAt = 0;
    const { run, w } = setup({ plan: { bakeTime: '5m', checkInterval: '30s' }, errorRate: (d, t) => (d === 'green' && shiftAt && t >= shiftAt ? 0.3 : 0) });
    const set = w.ep.router.setTraffic;
    w.ep.router.setTraffic = async (target, expected) => {
      await set(target, expected);
      if ((target.traffic.green ?? 0) > 0 && !shiftAt) shiftAt = w.clock.now();
    };
    const r = await run();
    expect(r.outcome).toBe('rolled-back');
    expect(r.reason).toMatch(/health: 2 failed health check\(s\).*error_rate/);
    const restoredAfter = Date.parse(r.timeline.rollback!.restoredAt!) - shiftAt;
    // Not before the first failing minute is reported (its end + the delay)…
    expect(restoredAfter).toBeGreaterThan(MINUTE);
    // …and within a few minutes (two failed checks of reported minutes).
    expect(restoredAfter).toBeLessThan(5 * MINUTE);
  });

  it('minutes that were still filling are read again: errors that arrive late are not missed', async () => {
    let shiftAt = 0;
    const { run, w } = setup({
      plan: { bakeTime: '3m', checkInterval: '30s' },
      errorsLate: true,
      errorRate: (d, t) => (d === 'green' && shiftAt && t >= shiftAt ? 0.3 : 0),
    });
    const set = w.ep.router.setTraffic;
    w.ep.router.setTraffic = async (target, expected) => {
      await set(target, expected);
      if ((target.traffic.green ?? 0) > 0 && !shiftAt) shiftAt = w.clock.now();
    };
    const r = await run();
    expect(r.outcome).toBe('rolled-back');
    const checks = r.timeline.stages[0]!.checks;
    // The first reads of each minute showed no error; reading them again did.
    expect(checks[0]!.healthy).toBe(true);
    expect(checks.some((c) => !c.healthy && (c.signals?.error_rate ?? 0) > 0.1)).toBe(true);
    // Windows overlap: a minute read before is read again.
    expect(Date.parse(checks[1]!.windowStart)).toBeLessThan(Date.parse(checks[0]!.windowEnd));
  });

  it('with probe-rps a broken canary is rolled back within seconds of the traffic shift', async () => {
    let shiftAt = 0;
    const { run, w } = setup({ plan: { bakeTime: '5m', checkInterval: '30s', probeRps: 20 }, errorRate: (d) => (d === 'green' ? 0.5 : 0) });
    const set = w.ep.router.setTraffic;
    w.ep.router.setTraffic = async (target, expected) => {
      await set(target, expected);
      if ((target.traffic.green ?? 0) > 0 && !shiftAt) shiftAt = w.clock.now();
    };
    const r = await run();
    expect(r.outcome).toBe('rolled-back');
    expect(r.reason).toMatch(/probe\.error_rate/);
    const restoredAfter = Date.parse(r.timeline.rollback!.restoredAt!) - shiftAt;
    expect(restoredAfter).toBeLessThan(10_000);
  });

  it('allow-no-traffic never promotes a deployment whose minutes reported errors', async () => {
    // A few requests in the first minutes of the canary, all failing; then silence.
    let stop = 0;
    const { run, w } = setup({
      plan: { bakeTime: '4m', checkInterval: '30s', health: { allowNoTraffic: true, failureThreshold: 3, minRequests: 5 } },
      rps: (t) => (stop && t > stop ? 0 : 0.5),
      errorRate: (d) => (d === 'green' ? 1 : 0),
    });
    const set = w.ep.router.setTraffic;
    w.ep.router.setTraffic = async (target, expected) => {
      await set(target, expected);
      if ((target.traffic.green ?? 0) > 0 && !stop) stop = w.clock.now() + 90_000;
    };
    const r = await run();
    expect(r.outcome).not.toBe('promoted');
    expect(r.timeline.stages[0]!.checks.some((c) => !c.healthy && /error_rate/.test(c.reason ?? ''))).toBe(true);
  });

  it('minutes that never get reported: rolled back at max-duration, saying so', async () => {
    const { run } = setup({ plan: { bakeTime: '1m', checkInterval: '20s', maxDuration: '10m' }, never: true });
    const r = await run();
    expect(r.outcome).toBe('rolled-back');
    expect(r.reason).toMatch(
      /max-duration 10m exceeded in Progressing while waiting for Azure Monitor to report the end of the bake: no minute of it reported yet, the bake ended /,
    );
  });
});
