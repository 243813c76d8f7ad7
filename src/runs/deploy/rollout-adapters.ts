/**
 * The rollout's providers (src/rollout/providers.ts, src/rollout/health.ts) over the Azure
 * clients: the traffic router (src/azure/endpoints.ts), provisioning with logs, deployment
 * operations, smoke tests and probe traffic (src/azure/scoring.ts), health signals from Azure
 * Monitor (src/azure/monitor.ts). Here the rollout's types meet plain ARM data.
 */
import { trafficOf, type ArmResource, type OnlineEndpoints } from '../../azure/endpoints.js';
import { combinePoints, isFailedAnswer, isoDurationMs, isServerError, pointsOf, queryMetrics } from '../../azure/monitor.js';
import { jsonSubset, score, scoreWithRetry, unwrapJson, type ScoreResult, type ScoringAuth, type ScoringOptions } from '../../azure/scoring.js';
import { errorMessage } from '../../core/errors.js';
import type { Signals, SignalSource } from '../../rollout/health.js';
import type {
  DeploymentOps,
  ProbeDriver,
  ProbeSignals,
  Provisioner,
  SmokeResult,
  SmokeTester,
  TrafficRouter,
  TrafficSnapshot,
} from '../../rollout/providers.js';
import { normalizeTraffic, TrafficConflictError, trafficStateEquals, type TrafficState } from '../../rollout/traffic.js';

/**
 * Writes `target` on the endpoint (GET → PUT of the whole endpoint, once it is ready; conflicts
 * tried again: {@link OnlineEndpoints.updateTraffic}); refuses when the endpoint no longer holds
 * `expected` (someone else changed it).
 */
export function writeTraffic(
  eps: OnlineEndpoints,
  endpoint: string,
  target: TrafficState,
  expected: TrafficState | undefined,
  abortSignal?: AbortSignal,
): Promise<void> {
  return eps.updateTraffic(
    endpoint,
    (current, attempt) => {
      // An earlier try of this write landed although its answer was lost: done.
      if (attempt > 1 && trafficStateEquals(current, target)) return undefined;
      if (expected && !trafficStateEquals(current, expected)) {
        throw new TrafficConflictError(`endpoint '${endpoint}' traffic changed outside this rollout`, current);
      }
      // Zero entries are left out (absent is 0): a deployment deleted since the rollback point was
      // recorded may still be named at 0 there, and a write naming it would be refused.
      return { traffic: normalizeTraffic(target.traffic), mirror: normalizeTraffic(target.mirror ?? {}) };
    },
    abortSignal,
  );
}

export function createTrafficRouter(eps: OnlineEndpoints, endpoint: string, abortSignal?: AbortSignal): TrafficRouter {
  return {
    async getTraffic(): Promise<TrafficSnapshot> {
      const ep = await eps.getEndpoint(endpoint);
      if (!ep) throw new Error(`endpoint '${endpoint}' does not exist`);
      return trafficOf(ep);
    },
    async setTraffic(target, expectedCurrent) {
      await writeTraffic(eps, endpoint, target, { traffic: expectedCurrent.traffic, mirror: expectedCurrent.mirror ?? {} }, abortSignal);
    },
  };
}

/** Creates the deployment (no traffic) and follows its provisioning ({@link OnlineEndpoints.provisionDeployment}); on failure shows the logs. */
export function createProvisioner(eps: OnlineEndpoints, endpoint: string, body: ArmResource, log: (m: string) => void): Provisioner {
  return {
    async provision(deployment, options) {
      const r = await eps.provisionDeployment(endpoint, deployment, body, { deadline: options.deadline.getTime(), abortSignal: options.abortSignal, log });
      return r.ok ? { ok: true, summary: `deployment ${deployment} provisioned` } : r;
    },
  };
}

export interface SmokeSpec {
  requests: Array<{ name: string; body: string }>;
  expect?: unknown;
  maxLatencyMs?: number;
}

export function createSmokeTester(
  scoringUri: () => Promise<string>,
  auth: ScoringAuth,
  spec: SmokeSpec,
  log: (m: string) => void,
  scoring: ScoringOptions = {},
): SmokeTester {
  return {
    async run(deployment, options) {
      const lines: string[] = [];
      for (const req of spec.requests) {
        let r: ScoreResult;
        try {
          r = await scoreWithRetry(await scoringUri(), auth, req.body, deployment, options?.abortSignal, scoring);
        } catch (err) {
          return { passed: false, summary: `${req.name}: request failed: ${errorMessage(err)}` };
        }
        const where = `${req.name} → HTTP ${r.status}${r.modelStatusCode !== undefined ? ` (model ${r.modelStatusCode})` : ''} in ${Math.round(r.latencyMs)} ms`;
        if (r.deployment && r.deployment !== deployment) return { passed: false, summary: `${where}: answered by ${r.deployment}, not ${deployment}` };
        if (r.status < 200 || r.status >= 300) return { passed: false, summary: `${where}: ${r.body.slice(0, 300)}` };
        if (spec.maxLatencyMs !== undefined && r.latencyMs > spec.maxLatencyMs)
          return { passed: false, summary: `${where}: slower than ${spec.maxLatencyMs} ms` };
        if (spec.expect !== undefined) {
          let got: unknown;
          try {
            got = unwrapJson(r.body);
          } catch {
            return { passed: false, summary: `${where}: the response is not JSON: ${r.body.slice(0, 200)}` };
          }
          if (!jsonSubset(spec.expect, got))
            return { passed: false, summary: `${where}: ${JSON.stringify(got).slice(0, 300)} does not contain ${JSON.stringify(spec.expect).slice(0, 200)}` };
        }
        lines.push(where);
      }
      const summary = lines.join('; ') || 'no smoke requests';
      log(`Smoke test of ${deployment}: ${summary}`);
      return { passed: true, summary } satisfies SmokeResult;
    },
  };
}

/** Minutes read once more after they were first reported, while they may still fill in (Azure: one to three minutes late). */
const REFILL_BUCKETS = 2;

export interface MonitorSignalsOptions {
  /** How long after a minute ends Azure Monitor has reported it (the `metrics-delay` input). */
  delayMs: number;
}

/**
 * Health signals of one deployment from Azure Monitor: requests and failures, latency
 * percentiles — over whole minutes only, and only those that ended `delayMs` ago or earlier
 * (Azure reports a minute one to three minutes after it ends; a newer minute is missing or
 * partial). The answer says what it covers (`reported`); a window with no such minute yet is
 * `pending`. The bucket length is the answer's `interval` (PT1M on Azure).
 */
export function createMonitorSignals(eps: OnlineEndpoints, endpointId: string, o: MonitorSignalsOptions = { delayMs: 60_000 }): SignalSource {
  return {
    async query(deployment, start, end, options): Promise<Signals> {
      void options;
      const now = end.getTime();
      // The query starts at the whole minute holding `start`: the minute's data is a whole.
      const queryStart = new Date(Math.floor(start.getTime() / 60_000) * 60_000);
      // Split by every status dimension: a model error is a 424 (class 4xx) with modelStatusCode
      // 500 on a managed endpoint, which a split by statusCodeClass alone cannot tell apart from
      // the caller's 4xx; dimensions left out of the filter are absent from the series metadata.
      const filter = `deployment eq '${deployment.replace(/'/g, "''")}' and statusCodeClass eq '*' and statusCode eq '*' and modelStatusCode eq '*'`;
      const [reqs, lat] = await Promise.all([
        queryMetrics(eps.arm, endpointId, { names: ['RequestsPerMinute'], start: queryStart, end, aggregation: 'Total', filter, top: 100 }),
        queryMetrics(eps.arm, endpointId, {
          names: ['RequestLatency_P95', 'RequestLatency_P99'],
          start: queryStart,
          end,
          aggregation: 'Average',
          filter: `deployment eq '${deployment.replace(/'/g, "''")}'`,
        }),
      ]);
      const grain = isoDurationMs(reqs.interval) ?? 60_000;
      const from = Math.floor(start.getTime() / grain) * grain;
      // The last whole bucket that ended delayMs ago or earlier.
      const until = Math.max(from, Math.floor((now - o.delayMs) / grain) * grain);
      const final = Math.max(from, until - REFILL_BUCKETS * grain);
      const reported = { from, until, final, nextAt: until + grain + o.delayMs, grainMs: grain };
      if (until <= from) return { requests: 0, pending: true, reported };
      const inWindow = <T extends { at: number }>(xs: T[]) => xs.filter((x) => x.at >= from && x.at + grain <= until);
      const requests = combinePoints(inWindow(pointsOf(reqs, 'RequestsPerMinute')), 'total') ?? 0;
      const errors = combinePoints(inWindow(pointsOf(reqs, 'RequestsPerMinute', isServerError)), 'total') ?? 0;
      const signals: Signals = { requests, reported };
      if (requests > 0) signals.error_rate = errors / requests;
      for (const [metric, key] of [
        ['RequestLatency_P95', 'latency_p95'],
        ['RequestLatency_P99', 'latency_p99'],
      ] as const) {
        // Each minute's percentile (the PT1M average of a per-minute metric); the worst minute counts.
        const values = inWindow(pointsOf(lat, metric))
          .map(({ p }) => p.average ?? p.maximum)
          .filter((v): v is number => typeof v === 'number');
        if (values.length > 0) signals[key] = Math.max(...values);
      }
      return signals;
    },
  };
}

export function createDeploymentOps(
  eps: OnlineEndpoints,
  endpoint: string,
  scoringUri: () => Promise<string>,
  auth: ScoringAuth,
  probeBody?: string,
  scoring: ScoringOptions = {},
): DeploymentOps {
  return {
    /** Deletes; a conflict or a delete operation that ends Failed is tried again (three tries). */
    delete: (name) => eps.deleteDeployment(endpoint, name),
    scale: (name, instances) => eps.scaleDeployment(endpoint, name, instances),
    async confirmServes(name) {
      const answers: Record<string, number> = {};
      for (let i = 0; i < 5; i++) {
        const r = await scoreWithRetry(await scoringUri(), auth, probeBody ?? '{}', undefined, undefined, scoring);
        const who = r.deployment ?? '(unknown)';
        answers[who] = (answers[who] ?? 0) + 1;
        if (r.status >= 500 || r.status === 424) return { ok: false, detail: `a request without the deployment header got HTTP ${r.status}` };
      }
      const ok = Object.keys(answers).length === 1 && answers[name] === 5;
      return {
        ok,
        detail: `requests without the deployment header were answered by ${Object.entries(answers)
          .map(([k, v]) => `${k}×${v}`)
          .join(', ')}`,
      };
    },
  };
}

function nearestRank(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

/**
 * Synthetic scoring requests at a steady rate, spread over the endpoint's traffic split. Every
 * answer is kept (when it arrived, who answered — `azureml-model-deployment` —, its status and
 * latency) for {@link ProbeDriver.signals}: the probe signals of a deployment, judged at once.
 * A failure is a 5xx, 424 (the model failed), 408 (slower than its request timeout) or 429 (too
 * many pending requests).
 */
export function createProbeDriver(scoringUri: () => Promise<string>, auth: ScoringAuth, body: string, now: () => number = Date.now): ProbeDriver {
  let timer: NodeJS.Timeout | undefined;
  const answers: Array<{ at: number; deployment: string; failed: boolean; latencyMs: number }> = [];
  let started = false;
  return {
    start(rps) {
      if (timer || rps <= 0) return;
      started = true;
      timer = setInterval(
        () => {
          void scoringUri()
            .then((uri) => score(uri, auth, body, undefined, AbortSignal.timeout(20_000)))
            .then((r) => {
              if (!r.deployment) return; // refused before routing (401, 404): not a deployment's answer
              answers.push({ at: now(), deployment: r.deployment.toLowerCase(), failed: isFailedAnswer(r.status), latencyMs: r.latencyMs });
              // Keep 15 minutes of answers.
              while (answers.length > 0 && answers[0].at < now() - 15 * 60_000) answers.shift();
            })
            .catch(() => undefined);
        },
        Math.max(10, Math.round(1000 / rps)),
      );
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    signals(deployment, windowStart, windowEnd): ProbeSignals | undefined {
      if (!started) return undefined;
      const name = deployment.toLowerCase();
      const a = windowStart.getTime();
      const b = windowEnd.getTime();
      const mine = answers.filter((x) => x.deployment === name && x.at >= a && x.at < b);
      const out: ProbeSignals = { 'probe.requests': mine.length };
      if (mine.length > 0) {
        out['probe.error_rate'] = mine.filter((x) => x.failed).length / mine.length;
        const sorted = mine.map((x) => x.latencyMs).sort((x, y) => x - y);
        out['probe.latency_p95'] = nearestRank(sorted, 95);
        out['probe.latency_p99'] = nearestRank(sorted, 99);
      }
      return out;
    },
  };
}
