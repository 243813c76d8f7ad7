/**
 * Rollout on the emulator (real scoring processes, the built dist/deploy through the harness):
 *
 * (a) Overhead: a 3-stage rollout (10 → 50 → 100) with 20 s bakes (quick: 2 s), probe traffic,
 *     health checks from the emulator's Azure Monitor: the step's wall time (process start to
 *     exit, everything included: Node start, preflight, upload, provisioning, smoke test, traffic
 *     writes, checks, promotion, deleting the old deployment) against the sum of the planned
 *     bakes. Overhead = (wall − bakes) / bakes. Each run rolls a new deployment over the one the
 *     run before promoted. Measured with the fast emulator timings of the tests (operations take
 *     50 ms: what the action itself adds) and with the emulator's default timings (1.5 s per
 *     operation, Retry-After 1 s: a service that takes its time).
 * (b) Fault to restore: the same rollout with 2 s health checks; once stage 2 (50 %) bakes, a
 *     modelError fault makes the new deployment's run() raise on every request. Time from
 *     adding the fault to the rollout seeing its rollback point read back (the timeline's
 *     `restoredAt`), and to the test reading the prior traffic on the endpoint itself.
 * (c) The emulator's scoring path: requests per second through the endpoint router (key auth,
 *     routing, metrics) against the deployment's scoring server called directly, 8 clients each
 *     (in a worker thread, off the emulator's event loop), interleaved in the same run (issue 8:
 *     the router must not be the bottleneck of probe traffic).
 * (a) and (b) run with an Azure Monitor that answers at once (no ingestion delay, 1 s buckets:
 *     the conditions these figures were first measured in); (d) plays Azure's delay.
 * (d) Azure Monitor one minute late (issue 12), real one-minute buckets and a 60 s delay (quick:
 *     2 s buckets, 2 s delay): users' traffic at 10 requests/s from a client of the endpoint;
 *     a modelError fault starts one second after the canary (10 %) takes traffic. Time from the
 *     fault to the prior traffic restored (timeline `restoredAt`) with `probe-rps` (probes are
 *     judged at once) and without (Azure Monitor only: the failing minutes must be reported).
 *     And the overhead the delay adds to a healthy rollout (10 → 100, 2 min bakes; quick 6 s):
 *     each stage passes once reported minutes cover its whole bake.
 */
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { it } from 'vitest';
import type { RunningEmulator } from '../src/emulator/index.js';
import { startEmulator } from '../src/emulator/index.js';
import { addEndpointFault, armWait, deploymentPath, score } from '../__tests__/emulator/endpoints-support.js';
import {
  BLUE,
  deploy,
  endpointState,
  logs,
  primaryKey,
  sampleRequest,
  sampleWorkspace,
  setupEndpoint,
  timelineOf,
  writeDeploymentYaml,
} from '../__tests__/actions/deploy-support.js';
import { FAST_TIMINGS } from '../__tests__/actions/support.js';
import { quick, report, stat, type Row } from './lib.js';

const ENDPOINT_OPTIONS = { readinessPollMs: 20, sampleIntervalMs: 5000, restartDelayMs: 200, stopGraceMs: 500 };
const STAGES = '10,50,100';
const BAKE_S = quick ? 2 : 20;

function rolloutInputs(endpoint: string, file: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    endpoint,
    'deployment-file': file,
    stages: STAGES,
    'bake-time': `${BAKE_S}s`,
    'probe-rps': '10',
    'min-requests': '3',
    'smoke-request': 'endpoints/online/managed/sample/sample-request.json',
    'metrics-delay': '0',
    ...extra,
  };
}

/** (a), (b), (c): Azure Monitor answering at once, 1 s buckets; (d) passes Azure's delay. */
const MONITOR_AT_ONCE = { metricsDelay: 0, minuteMs: 1000 };

async function withEmulator<T>(
  timings: Record<string, number> | undefined,
  fn: (em: RunningEmulator) => Promise<T>,
  monitor: { metricsDelay: number; minuteMs: number } = MONITOR_AT_ONCE,
): Promise<T> {
  const em = await startEmulator({
    ...(timings ? { timings } : {}),
    metricsDelay: monitor.metricsDelay,
    endpoints: { ...ENDPOINT_OPTIONS, metricsMinuteMs: monitor.minuteMs },
  });
  try {
    return await fn(em);
  } finally {
    await em.close();
  }
}

interface OverheadRun {
  wallMs: number;
  timelineMs: number;
  provisionMs: number;
}

/** `runs` promoted rollouts in a row on one endpoint. */
async function overheadRuns(timings: Record<string, number> | undefined, runs: number, label: string): Promise<OverheadRun[]> {
  return withEmulator(timings, async (em) => {
    const ws = sampleWorkspace();
    const endpoint = 'bench-rollout';
    await setupEndpoint(em, ws, endpoint, [{ name: 'blue', model: BLUE }], { blue: 100 });
    const out: OverheadRun[] = [];
    for (let i = 1; i <= runs; i++) {
      const file = writeDeploymentYaml(ws, `${label}-${i}.yml`, { name: `${label}-${i}`, endpoint });
      const r = await deploy({ em, workspace: ws }, rolloutInputs(endpoint, file), { timeoutMs: 10 * 60_000, post: false });
      if (r.main.exitCode !== 0 || r.outputs.status !== 'promoted') throw new Error(`rollout ${i} did not promote:\n${logs(r)}`);
      const t = timelineOf(r);
      const at = (m: RegExp) => Date.parse(t.events.find((e) => m.test(e.message))?.at ?? '');
      out.push({ wallMs: r.main.durationMs, timelineMs: t.totalMs, provisionMs: at(/provisioned$/) - at(/^Provisioning$/) });
    }
    return out;
  });
}

function overheadRows(runs: OverheadRun[], what: string): Row[] {
  const bakes = 3 * BAKE_S * 1000;
  const pct = (ms: number) => ((ms - bakes) / bakes) * 100;
  return [
    {
      figure: `${what}: step wall time, 3 stages × ${BAKE_S} s bakes`,
      unit: 's',
      value: stat(runs.map((r) => r.wallMs / 1000)),
      baseline: { name: 'sum of bakes', value: stat([bakes / 1000]) },
    },
    {
      figure: `${what}: overhead above the bakes`,
      unit: '%',
      value: stat(runs.map((r) => pct(r.wallMs))),
      target: '< 10 %',
      met: stat(runs.map((r) => pct(r.wallMs))).median < 10,
      note: `of which provisioning (scoring process start) median ${(stat(runs.map((r) => r.provisionMs)).median / 1000).toFixed(1)} s; rollout machine alone (timeline total) median ${((stat(runs.map((r) => r.timelineMs)).median - bakes) / 1000).toFixed(1)} s above the bakes`,
    },
  ];
}

interface FaultRun {
  toRestoredMs: number;
  toSeenMs: number;
  toDetectedMs: number;
}

async function faultRuns(runs: number): Promise<FaultRun[]> {
  return withEmulator(FAST_TIMINGS, async (em) => {
    const ws = sampleWorkspace();
    const endpoint = 'bench-fault';
    const prior = { blue: 80, teal: 20 };
    await setupEndpoint(
      em,
      ws,
      endpoint,
      [
        { name: 'blue', model: BLUE },
        { name: 'teal', model: BLUE },
      ],
      prior,
    );
    const out: FaultRun[] = [];
    for (let i = 1; i <= runs; i++) {
      const name = `faulty-${i}`;
      const file = writeDeploymentYaml(ws, `${name}.yml`, { name, endpoint });
      const running = deploy({ em, workspace: ws }, rolloutInputs(endpoint, file, { 'bake-time': quick ? '6s' : '20s', 'check-interval': '2s' }), {
        timeoutMs: 5 * 60_000,
        post: false,
      });
      let ended = false;
      void running.finally(() => (ended = true));
      // Stage 2 bakes: the new deployment takes 50 %; one second into the bake, the fault starts.
      while ((await endpointState(em, endpoint)).traffic[name] !== 50) {
        if (ended) throw new Error(`rollout ${name} ended before stage 2:\n${logs(await running)}`);
        await new Promise((res) => setTimeout(res, 50));
      }
      await new Promise((res) => setTimeout(res, 1000));
      const faultAt = Date.now();
      await addEndpointFault(em, { kind: 'modelError', endpoint, deployment: name, message: 'bench: the model broke' });
      let seenAt = 0;
      while (!seenAt) {
        const s = await endpointState(em, endpoint);
        if (s.traffic.blue === prior.blue && s.traffic.teal === prior.teal && !s.traffic[name]) seenAt = Date.now();
        else await new Promise((res) => setTimeout(res, 20));
      }
      const r = await running;
      if (r.outputs.status !== 'rolled-back') throw new Error(`rollout ${name} was not rolled back:\n${logs(r)}`);
      const rb = timelineOf(r).rollback;
      if (!rb?.restoredAt) throw new Error(`no restore time in the timeline of ${name}`);
      out.push({ toRestoredMs: Date.parse(rb.restoredAt) - faultAt, toSeenMs: seenAt - faultAt, toDetectedMs: Date.parse(rb.startedAt) - faultAt });
    }
    return out;
  });
}

/** The load generator, in a worker thread: the emulator (and its router) runs on this thread's event loop. */
const DRIVER = `
const { parentPort, workerData: w } = require('node:worker_threads');
(async () => {
  const end = Date.now() + w.ms;
  let ok = 0, errors = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: w.clients }, async () => {
    while (Date.now() < end) {
      const res = await fetch(w.url, { method: 'POST', headers: w.headers, body: w.body });
      await res.arrayBuffer();
      if (res.status === 200) ok++; else errors++;
    }
  }));
  parentPort.postMessage({ rps: ok / ((performance.now() - started) / 1000), errors });
})();
`;

/** Requests per second from `clients` concurrent loops (in a worker thread) sending `body` to `url` for `ms`. */
function drive(url: string, headers: Record<string, string>, body: string, clients: number, ms: number): Promise<{ rps: number; errors: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(DRIVER, { eval: true, workerData: { url, headers, body, clients, ms } });
    worker.once('message', (m: { rps: number; errors: number }) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

async function scoringRows(rounds: number, ms: number): Promise<Row[]> {
  return withEmulator(FAST_TIMINGS, async (em) => {
    const ws = sampleWorkspace();
    const endpoint = 'bench-scoring';
    await setupEndpoint(em, ws, endpoint, [{ name: 'blue', model: BLUE }], { blue: 100 });
    // No 429 from the router's concurrency limit: 8 clients, 64 allowed in flight.
    const d = (await (
      await fetch(`${em.baseUrl}${deploymentPath(em, endpoint, 'blue')}?api-version=2024-10-01`, { headers: { authorization: `Bearer ${em.issueToken()}` } })
    ).json()) as Record<string, unknown>;
    const props = d.properties as Record<string, unknown>;
    await armWait(em, 'PUT', deploymentPath(em, endpoint, 'blue'), {
      location: d.location,
      sku: d.sku,
      properties: { ...props, provisioningState: undefined, requestSettings: { ...(props.requestSettings as object), maxConcurrentRequestsPerInstance: 32 } },
    });
    const state = await endpointState(em, endpoint);
    const key = await primaryKey(em, endpoint);
    const overview = (await (await fetch(`${em.baseUrl}/.emulator/endpoints`)).json()) as {
      endpoints: Array<{ name: string; deployments: Array<{ name: string; port: number }> }>;
    };
    const port = overview.endpoints.find((e) => e.name === endpoint)!.deployments.find((x) => x.name === 'blue')!.port;
    const body = JSON.stringify(sampleRequest);
    const viaRouter: number[] = [];
    const direct: number[] = [];
    let routerErrors = 0;
    for (let i = 0; i < rounds; i++) {
      const a = await drive(state.scoringUri!, { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body, 8, ms);
      const b = await drive(`http://127.0.0.1:${port}/score`, { 'content-type': 'application/json' }, body, 8, ms);
      viaRouter.push(a.rps);
      direct.push(b.rps);
      routerErrors += a.errors;
    }
    const r = stat(viaRouter);
    const s = stat(direct);
    return [
      {
        figure: 'scoring through the endpoint router (8 clients)',
        unit: 'req/s',
        value: r,
        baseline: { name: 'scoring server alone', value: s },
        target: 'router ≥ 0.8 × server alone',
        met: r.median >= 0.8 * s.median,
        note: `${rounds} rounds of ${ms / 1000} s each, interleaved; ${routerErrors} non-200 answers through the router`,
      },
    ];
  });
}

/** Azure Monitor of (d): one-minute buckets reported a minute late (quick: 2 s and 2 s). */
const LATE = quick ? { metricsDelay: 2000, minuteMs: 2000 } : { metricsDelay: 60_000, minuteMs: 60_000 };

/** Users' requests to the endpoint (routed by its traffic split), `rps` a second until stopped. */
function usersTraffic(uri: string, key: string, rps: number): () => void {
  const timer = setInterval(() => void score(uri, key, sampleRequest).catch(() => undefined), Math.round(1000 / rps));
  return () => clearInterval(timer);
}

interface LateRun {
  toRestoredMs: number;
  toDetectedMs: number;
  reason: string;
}

/** (d) A fault during the canary with Azure Monitor late; `probes`: probe-rps 10, else Azure Monitor only. */
async function lateFaultRun(probes: boolean): Promise<LateRun> {
  return withEmulator(
    FAST_TIMINGS,
    async (em) => {
      const ws = sampleWorkspace();
      const endpoint = probes ? 'late-probes' : 'late-monitor';
      await setupEndpoint(em, ws, endpoint, [{ name: 'blue', model: BLUE }], { blue: 100 });
      const state = await endpointState(em, endpoint);
      const stop = usersTraffic(state.scoringUri!, await primaryKey(em, endpoint), 10);
      try {
        const name = 'green';
        const file = writeDeploymentYaml(ws, `${endpoint}.yml`, { name, endpoint });
        const inputs: Record<string, string> = {
          endpoint,
          'deployment-file': file,
          'bake-time': quick ? '30s' : '10m',
          'check-interval': quick ? '1s' : '10s',
          'metrics-delay': `${LATE.metricsDelay}ms`,
          'smoke-request': 'endpoints/online/managed/sample/sample-request.json',
          ...(probes ? { 'probe-rps': '10' } : {}),
        };
        const running = deploy({ em, workspace: ws }, inputs, { timeoutMs: 30 * 60_000, post: false });
        let ended = false;
        void running.finally(() => (ended = true));
        while (((await endpointState(em, endpoint)).traffic[name] ?? 0) === 0) {
          if (ended) throw new Error(`rollout on ${endpoint} ended before the canary:\n${logs(await running)}`);
          await new Promise((res) => setTimeout(res, 50));
        }
        await new Promise((res) => setTimeout(res, 1000));
        const faultAt = Date.now();
        await addEndpointFault(em, { kind: 'modelError', endpoint, deployment: name, message: 'bench: the model broke' });
        const r = await running;
        if (r.outputs.status !== 'rolled-back') throw new Error(`rollout on ${endpoint} was not rolled back:\n${logs(r)}`);
        const rb = timelineOf(r).rollback!;
        return { toRestoredMs: Date.parse(rb.restoredAt!) - faultAt, toDetectedMs: Date.parse(rb.startedAt) - faultAt, reason: rb.reason };
      } finally {
        stop();
      }
    },
    LATE,
  );
}

/** (d) A healthy rollout 10 → 100 with Azure Monitor late and users' traffic only. */
async function lateOverheadRun(): Promise<{ wallMs: number; timelineMs: number; bakesMs: number; waitsMs: number[] }> {
  return withEmulator(
    FAST_TIMINGS,
    async (em) => {
      const ws = sampleWorkspace();
      const endpoint = 'late-healthy';
      await setupEndpoint(em, ws, endpoint, [{ name: 'blue', model: BLUE }], { blue: 100 });
      const state = await endpointState(em, endpoint);
      const stop = usersTraffic(state.scoringUri!, await primaryKey(em, endpoint), 10);
      try {
        const bake = quick ? 6000 : 120_000;
        const file = writeDeploymentYaml(ws, 'late-healthy.yml', { name: 'green', endpoint });
        const r = await deploy(
          { em, workspace: ws },
          {
            endpoint,
            'deployment-file': file,
            'bake-time': `${bake}ms`,
            'check-interval': quick ? '1s' : '20s',
            'metrics-delay': `${LATE.metricsDelay}ms`,
            'smoke-request': 'endpoints/online/managed/sample/sample-request.json',
          },
          { timeoutMs: 30 * 60_000, post: false },
        );
        if (r.outputs.status !== 'promoted') throw new Error(`the healthy rollout did not promote:\n${logs(r)}`);
        const t = timelineOf(r);
        return {
          wallMs: r.main.durationMs,
          timelineMs: t.totalMs,
          bakesMs: 2 * bake,
          waitsMs: t.stages.map((s) => Date.parse(s.endedAt!) - Date.parse(s.bakeEndsAt!)),
        };
      } finally {
        stop();
      }
    },
    LATE,
  );
}

async function lateRows(): Promise<Row[]> {
  const withProbes = [await lateFaultRun(true)];
  const monitorOnly = [await lateFaultRun(false)];
  const healthy = await lateOverheadRun();
  const delay = `${LATE.metricsDelay / 1000} s`;
  const p = stat(withProbes.map((f) => f.toRestoredMs / 1000));
  const m = stat(monitorOnly.map((f) => f.toRestoredMs / 1000));
  return [
    {
      figure: `Azure Monitor ${delay} late: modelError starts → prior traffic restored, with probe-rps 10`,
      unit: 's',
      value: p,
      baseline: { name: 'Azure Monitor only', value: m },
      note: `rollback decided ${(withProbes[0]!.toDetectedMs / 1000).toFixed(1)} s after the fault: ${withProbes[0]!.reason.slice(0, 140)}`,
    },
    {
      figure: `Azure Monitor ${delay} late: modelError starts → prior traffic restored, Azure Monitor only (users' traffic 10/s)`,
      unit: 's',
      value: m,
      note: `rollback decided ${(monitorOnly[0]!.toDetectedMs / 1000).toFixed(1)} s after the fault (the failing minute ends, is reported ${delay} later, a second reported minute confirms: failure-threshold 2): ${monitorOnly[0]!.reason.slice(0, 120)}`,
    },
    {
      figure: `Azure Monitor ${delay} late: healthy rollout 10 → 100, 2 × ${healthy.bakesMs / 2000} s bakes, step wall time`,
      unit: 's',
      value: stat([healthy.wallMs / 1000]),
      baseline: { name: 'sum of bakes', value: stat([healthy.bakesMs / 1000]) },
      note: `each stage waited ${healthy.waitsMs.map((w) => `${(w / 1000).toFixed(1)} s`).join(' and ')} past its bake for reported minutes to cover it; rollout machine alone ${((healthy.timelineMs - healthy.bakesMs) / 1000).toFixed(1)} s above the bakes`,
    },
  ];
}

/** BENCH_ROLLOUT_PARTS=a,b,c,d picks the parts (default all). */
const parts = new Set((process.env.BENCH_ROLLOUT_PARTS ?? 'a,b,c,d').split(',').map((p) => p.trim()));

it('rollout: overhead above the bakes, fault to restore, scoring path, Azure Monitor late', async () => {
  const load = loadavg()[0]!.toFixed(1);
  const rows: Row[] = [];
  if (parts.has('a')) {
    rows.push(...overheadRows(await overheadRuns(FAST_TIMINGS, quick ? 2 : 3, 'fast'), 'fast emulator timings'));
    rows.push(...overheadRows(await overheadRuns(undefined, quick ? 1 : 2, 'slow'), 'default emulator timings'));
  }
  if (parts.has('b')) {
    const faults = await faultRuns(quick ? 1 : 3);
    rows.push(
      {
        figure: 'modelError starts → rollback decided',
        unit: 's',
        value: stat(faults.map((f) => f.toDetectedMs / 1000)),
        note: 'health checks every 2 s, failure-threshold 2 (default), Azure Monitor answering at once (1 s buckets)',
      },
      { figure: 'modelError starts → prior traffic restored and read back (timeline)', unit: 's', value: stat(faults.map((f) => f.toRestoredMs / 1000)) },
      { figure: 'modelError starts → prior traffic seen on the endpoint (external GET)', unit: 's', value: stat(faults.map((f) => f.toSeenMs / 1000)) },
    );
  }
  if (parts.has('c')) rows.push(...(await scoringRows(quick ? 1 : 3, quick ? 1000 : 5000)));
  if (parts.has('d')) rows.push(...(await lateRows()));
  if (rows.length > 0)
    rows[rows.length - 1]!.note = `${rows[rows.length - 1]!.note ?? ''}${rows[rows.length - 1]!.note ? '; ' : ''}load average at start ${load}`;
  report(parts.size === 4 ? 'Rollout on the emulator' : `Rollout on the emulator (parts ${[...parts].join(',')})`, rows);
});
