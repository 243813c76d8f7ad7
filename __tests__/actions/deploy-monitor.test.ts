/**
 * deploy against an Azure Monitor that reports each minute one minute after it ends (Azure's
 * typical ingestion delay), on a 30× shorter clock: the emulator's metrics minute is 2 s and its
 * delay 2 s (a minute), and deploy reads it with `metrics-delay: 2s`. Before, every check read
 * the window ending now: on Azure it saw no data, rolled a healthy deployment back ("no data") and,
 * with allow-no-traffic, promoted a broken one unseen.
 *
 * Real traffic comes from a client of the endpoint (no deployment header), as users send it;
 * probes are the action's own. 408 (slower than request_timeout_ms) and 429 (too many pending
 * requests) are the new deployment's failures and count as errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { RolloutTimeline } from '../../src/rollout/timeline.js';
import { endpointPath, score } from '../emulator/endpoints-support.js';
import { arm } from '../emulator/support.js';
import {
  BLUE,
  deploy,
  endpointState,
  logs,
  primaryKey,
  sampleRequest,
  sampleWorkspace,
  setupEndpoint,
  startDeployEmulator,
  timelineOf,
  writeDeploymentYaml,
} from './deploy-support.js';

/** One Azure Monitor minute on this clock, and the delay: one minute. */
const MINUTE_MS = 2000;
const DELAY_MS = 2000;

let em: RunningEmulator;
let ws: string;

beforeAll(async () => {
  em = await startDeployEmulator({ metricsMinuteMs: MINUTE_MS, metricsDelay: DELAY_MS });
  ws = sampleWorkspace();
});
afterAll(async () => {
  await em?.close();
});

/** Users' requests to the endpoint (routed by its traffic split), `rps` a second until stopped. */
function realTraffic(uri: string, key: string, rps: number, until?: () => boolean): { stop(): void; sent: number } {
  const state = { sent: 0, stop: () => clearInterval(timer) };
  const timer = setInterval(
    () => {
      if (until?.()) return;
      state.sent++;
      void score(uri, key, sampleRequest).catch(() => undefined);
    },
    Math.round(1000 / rps),
  );
  return state;
}

const BASE = {
  'metrics-delay': `${DELAY_MS}ms`,
  'smoke-request': 'endpoints/online/managed/sample/sample-request.json',
  'check-interval': '1s',
};

function stageShift(t: RolloutTimeline, i = 0): number {
  return Date.parse(t.stages[i]!.trafficSetAt!);
}

async function fresh(endpoint: string): Promise<{ uri: string; key: string }> {
  await setupEndpoint(em, ws, endpoint, [{ name: 'blue', model: BLUE }], { blue: 100 });
  const state = await endpointState(em, endpoint);
  return { uri: state.scoringUri!, key: await primaryKey(em, endpoint) };
}

describe('Azure Monitor one minute late', () => {
  it('a healthy deployment with real traffic only (no probes) is promoted, never rolled back for "no data"', async () => {
    const { uri, key } = await fresh('ep-late-ok');
    const traffic = realTraffic(uri, key, 25);
    try {
      const file = writeDeploymentYaml(ws, 'late-ok.yml', { name: 'green', endpoint: 'ep-late-ok' });
      const r = await deploy({ em, workspace: ws }, { ...BASE, endpoint: 'ep-late-ok', 'deployment-file': file, 'bake-time': '6s' }, { timeoutMs: 120_000 });
      expect(r.main.exitCode, logs(r)).toBe(0);
      expect(r.outputs.status).toBe('promoted');
      const t = timelineOf(r);
      const checks = t.stages.flatMap((s) => s.checks);
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.map((c) => c.verdict)).not.toContain('no-data');
      expect(checks.every((c) => c.healthy)).toBe(true);
      // Only reported minutes were judged, and each stage waited until they covered its bake.
      for (const s of t.stages) {
        for (const c of s.checks) expect(Date.parse(c.windowEnd)).toBeLessThanOrEqual(Date.parse(c.at) - DELAY_MS);
        expect(Date.parse(s.reportedUntil!)).toBeGreaterThanOrEqual(Date.parse(s.bakeEndsAt!));
        expect(Date.parse(s.endedAt!)).toBeGreaterThanOrEqual(Date.parse(s.bakeEndsAt!) + DELAY_MS);
      }
      expect(r.main.log).toContain('waiting for Azure Monitor: minutes are reported about 2s after they end (metrics-delay)');
      expect(t.stages.map((s) => [s.weight, s.result])).toEqual([
        [10, 'passed'],
        [100, 'passed'],
      ]);
    } finally {
      traffic.stop();
    }
  });

  it('run() starts raising, with probe-rps: rolled back within seconds of the traffic shift, on the probes, before Azure Monitor reports a minute', async () => {
    const { uri, key } = await fresh('ep-late-probe');
    const file = writeDeploymentYaml(ws, 'late-probe.yml', { name: 'green', endpoint: 'ep-late-probe', env: { MODEL_FAIL_AFTER: '1' } });
    const r = await deploy(
      { em, workspace: ws },
      { ...BASE, endpoint: 'ep-late-probe', 'deployment-file': file, 'bake-time': '20s', 'probe-rps': '20' },
      { timeoutMs: 120_000 },
    );
    expect(r.main.exitCode, logs(r)).toBe(1);
    expect(r.outputs.status).toBe('rolled-back');
    expect(r.main.log).toMatch(/rolling back: health: 2 failed health check\(s\).*probe\.error_rate < 1% with 1 vs 0\.01/);
    const t = timelineOf(r);
    const stage = t.stages[0]!;
    expect(stage.result).toBe('failed');
    // Judged on the probes alone: Azure Monitor had not reported a whole minute after the shift.
    for (const c of stage.checks) expect(c.rules!.map((x) => x.rule)).toEqual(['probe.error_rate < 1%', 'probe.latency_p99 < 1000']);
    const restored = Date.parse(t.rollback!.restoredAt!) - stageShift(t);
    expect(restored).toBeLessThan(MINUTE_MS + DELAY_MS);
    expect((await endpointState(em, 'ep-late-probe')).traffic).toEqual({ blue: 100 });
    void uri;
    void key;
  });

  it('run() starts raising, without probes: rolled back once the delayed minutes report it', async () => {
    const { uri, key } = await fresh('ep-late-monitor');
    const traffic = realTraffic(uri, key, 25);
    try {
      const file = writeDeploymentYaml(ws, 'late-monitor.yml', { name: 'green', endpoint: 'ep-late-monitor', env: { MODEL_FAIL_AFTER: '1' } });
      const r = await deploy(
        { em, workspace: ws },
        { ...BASE, endpoint: 'ep-late-monitor', 'deployment-file': file, 'bake-time': '20s' },
        { timeoutMs: 120_000 },
      );
      expect(r.main.exitCode, logs(r)).toBe(1);
      expect(r.outputs.status).toBe('rolled-back');
      expect(r.main.log).toMatch(/rolling back: health: 2 failed health check\(s\).*error_rate < 1% with (1|0\.9\d*) vs 0\.01/);
      const t = timelineOf(r);
      const failed = t.stages[0]!.checks.filter((c) => !c.healthy);
      expect(failed.length).toBe(2);
      for (const c of failed) {
        expect(c.signals!.error_rate).toBeGreaterThan(0.5);
        // Judged on reported minutes only.
        expect(Date.parse(c.windowEnd)).toBeLessThanOrEqual(Date.parse(c.at) - DELAY_MS);
      }
      // Not before the first failing minute was reported, and soon after.
      const restored = Date.parse(t.rollback!.restoredAt!) - stageShift(t);
      expect(restored).toBeGreaterThanOrEqual(DELAY_MS);
      expect(restored).toBeLessThan(4 * MINUTE_MS + DELAY_MS);
      expect((await endpointState(em, 'ep-late-monitor')).traffic).toEqual({ blue: 100 });
    } finally {
      traffic.stop();
    }
  });

  it('allow-no-traffic never promotes a deployment whose minutes reported errors', async () => {
    const { uri, key } = await fresh('ep-late-quiet');
    // Users send requests for the first seconds of the canary, then stop: the new deployment's minutes report errors, then nothing.
    let quietAfter = Infinity;
    const traffic = realTraffic(uri, key, 25, () => Date.now() > quietAfter);
    const watcher = setInterval(() => {
      void arm<{ properties: { traffic: Record<string, number> } }>(em, 'GET', endpointPath(em, 'ep-late-quiet'), undefined, { apiVersion: '2024-10-01' }).then(
        (ep) => {
          if ((ep.body.properties?.traffic?.green ?? 0) > 0 && quietAfter === Infinity) quietAfter = Date.now() + 2500;
        },
      );
    }, 200);
    try {
      const file = writeDeploymentYaml(ws, 'late-quiet.yml', { name: 'green', endpoint: 'ep-late-quiet', env: { MODEL_FAIL_AFTER: '1' } });
      const r = await deploy(
        { em, workspace: ws },
        { ...BASE, endpoint: 'ep-late-quiet', 'deployment-file': file, 'bake-time': '12s', 'allow-no-traffic': 'true', 'failure-threshold': '3' },
        { timeoutMs: 120_000 },
      );
      expect(r.outputs.status, logs(r)).toBe('rolled-back');
      const t = timelineOf(r);
      expect(t.stages.every((s) => s.result !== 'passed' || s.checks.every((c) => (c.signals?.error_rate ?? 0) === 0))).toBe(true);
      expect(t.stages[0]!.checks.some((c) => !c.healthy && (c.signals?.error_rate ?? 0) > 0)).toBe(true);
      expect((await endpointState(em, 'ep-late-quiet')).traffic).toEqual({ blue: 100 });
    } finally {
      clearInterval(watcher);
      traffic.stop();
    }
  });
});

describe('408 and 429 are the new deployment failing', () => {
  const ERRORS_ONLY = 'error_rate < 1%\nprobe.error_rate < 1%';

  it('a model slower than request_timeout_ms: its 408s count as errors (Monitor and probes)', async () => {
    await fresh('ep-timeout');
    const file = writeDeploymentYaml(ws, 'slow-408.yml', {
      name: 'green',
      endpoint: 'ep-timeout',
      env: { MODEL_SLOW_AFTER: '1', MODEL_SLOW_MS: '1500' },
      requestSettings: { request_timeout_ms: 500, max_concurrent_requests_per_instance: 8 },
    });
    const r = await deploy(
      { em, workspace: ws },
      { ...BASE, endpoint: 'ep-timeout', 'deployment-file': file, 'bake-time': '20s', 'probe-rps': '20', 'health-rules': ERRORS_ONLY },
      { timeoutMs: 120_000 },
    );
    expect(r.outputs.status, logs(r)).toBe('rolled-back');
    expect(r.main.log).toMatch(/probe\.error_rate < 1% with (1|0\.\d+) vs 0\.01/);
    // What the endpoint answered: 408s from green, in Azure Monitor.
    const codes = await statusCodes('ep-timeout', 'green');
    expect(codes['408']).toBeGreaterThan(0);
  });

  it('more pending requests than max_concurrent_requests_per_instance allows: its 429s count as errors', async () => {
    await fresh('ep-overload');
    const file = writeDeploymentYaml(ws, 'busy-429.yml', {
      name: 'green',
      endpoint: 'ep-overload',
      env: { MODEL_SLOW_AFTER: '1', MODEL_SLOW_MS: '400' },
      requestSettings: { max_concurrent_requests_per_instance: 1 },
    });
    const r = await deploy(
      { em, workspace: ws },
      { ...BASE, endpoint: 'ep-overload', 'deployment-file': file, 'bake-time': '20s', 'probe-rps': '40', stages: '50,100', 'health-rules': ERRORS_ONLY },
      { timeoutMs: 120_000 },
    );
    expect(r.outputs.status, logs(r)).toBe('rolled-back');
    expect(r.main.log).toMatch(/probe\.error_rate < 1% with 0\.\d+ vs 0\.01/);
    const codes = await statusCodes('ep-overload', 'green');
    expect(codes['429']).toBeGreaterThan(0);
    expect(codes['200']).toBeGreaterThan(0);
  });
});

/** Requests per status code of one deployment, as Azure Monitor shows them once reported. */
async function statusCodes(endpoint: string, deployment: string): Promise<Record<string, number>> {
  await new Promise((r) => setTimeout(r, MINUTE_MS + DELAY_MS));
  const res = await arm<{
    value: Array<{ timeseries: Array<{ metadatavalues: Array<{ name: { value: string }; value: string }>; data: Array<{ total?: number }> }> }>;
  }>(em, 'GET', `${endpointPath(em, endpoint)}/providers/Microsoft.Insights/metrics`, undefined, {
    apiVersion: '2023-10-01',
    query: { metricnames: 'RequestsPerMinute', aggregation: 'Total', timespan: 'PT10M', $filter: `deployment eq '${deployment}' and statusCode eq '*'` },
  });
  const out: Record<string, number> = {};
  for (const ts of res.body.value[0]!.timeseries) {
    const code = ts.metadatavalues.find((m) => m.name.value === 'statuscode')!.value;
    out[code] = ts.data.reduce((s, p) => s + (p.total ?? 0), 0);
  }
  return out;
}
