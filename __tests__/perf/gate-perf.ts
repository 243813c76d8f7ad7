/**
 * Benchmark of metric-gate: `metrics` × `steps` histories on the emulator's MLflow API (a real
 * loopback HTTP server with MLflow's paging), read with pagination and gated.
 *
 * Two measurements:
 *   1. in process: the MLflow source with a small page size (many pages per history), bounded
 *      parallel reads, then every rule evaluated — reads, wall time, heap;
 *   2. the built bundle as the runner runs it (default page size), in its own process — wall
 *      time of the step and the gate process's own peak RSS (it logs it as a debug line).
 *
 * `benchGate()` returns the numbers; the vitest file __tests__/metrics/gate-perf.test.ts runs it
 * small by default and at full size with AZUREML_ACTIONS_BENCH=full.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { evaluateRules } from '../../src/metrics/evaluate.js';
import { createMlflowClient, createMlflowRunSource } from '../../src/metrics/mlflow.js';
import { parseRules } from '../../src/metrics/rules.js';
import { repoRoot, runAction } from '../harness/index.js';
import { startGateEmulator } from '../metrics/gate-emulator.js';

export interface BenchOptions {
  metrics?: number;
  steps?: number;
  /** get-history page size of the in-process read. Default 1000. */
  pageSize?: number;
  /** Histories read at once. Default 8. */
  concurrency?: number;
  /** Also run the built bundle (default: when dist/metric-gate exists). */
  bundle?: boolean;
  log?: (line: string) => void;
}

export interface BenchResult {
  metrics: number;
  steps: number;
  points: number;
  setupMs: number;
  inProcess: {
    pageSize: number;
    requests: number;
    histories: number;
    points: number;
    readMs: number;
    evaluateMs: number;
    rules: number;
    passed: boolean;
    heapUsedMiB: number;
  };
  bundle?: { exitCode: number | null; stepMs: number; requests: number; readSeconds: number; peakRssMiB?: number; passed: string };
}

async function post(emu: RunningEmulator, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${emu.baseUrl}/api/2.0/mlflow/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Logs `metrics` × `steps` points into a new run on the emulator's plain MLflow API. */
async function seed(emu: RunningEmulator, metrics: number, steps: number): Promise<string> {
  const exp = await post(emu, 'experiments/create', { name: `bench-${Date.now()}` });
  const run = await post(emu, 'runs/create', { experiment_id: exp.experiment_id, run_name: 'bench', start_time: Date.now() });
  const runId: string = run.run.info.run_id;
  const batch: unknown[] = [];
  const flush = async () => {
    if (batch.length) await post(emu, 'runs/log-batch', { run_id: runId, metrics: batch.splice(0, batch.length) });
  };
  for (let step = 0; step < steps; step++) {
    for (let m = 0; m < metrics; m++) {
      // metric m rises towards 0.5 + m/(2·metrics): a smooth curve with a little noise
      const value = (0.5 + m / (2 * metrics)) * (1 - Math.exp(-step / (steps / 5))) + ((step * 7919 + m * 104729) % 1000) / 1e6;
      batch.push({ key: `metric_${String(m).padStart(3, '0')}`, value, timestamp: 1_700_000_000_000 + step, step });
      if (batch.length === 1000) await flush();
    }
  }
  await flush();
  await post(emu, 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
  return runId;
}

/** One rule per metric, with aggregations, plus arithmetic. */
function benchRules(metrics: number): string {
  const lines: string[] = [];
  for (let m = 0; m < metrics; m++) {
    const name = `metric_${String(m).padStart(3, '0')}`;
    const kind = m % 4;
    lines.push(
      kind === 0
        ? `${name} >= 0.4`
        : kind === 1
          ? `max(${name}) >= mean(${name})`
          : kind === 2
            ? `min(${name}) < last(${name}) # rises`
            : `at(${name}, 0) < ${name} * 1.5`,
    );
  }
  return lines.join('\n');
}

export async function benchGate(o: BenchOptions = {}): Promise<BenchResult> {
  const metrics = o.metrics ?? 100;
  const steps = o.steps ?? 10_000;
  const pageSize = o.pageSize ?? 1000;
  const log = o.log ?? ((line: string) => console.log(line));
  const emu = await startGateEmulator();
  try {
    const t0 = Date.now();
    const runId = await seed(emu, metrics, steps);
    const setupMs = Date.now() - t0;
    log(`seeded ${metrics} metrics × ${steps} steps (${(metrics * steps).toLocaleString('en-US')} points) in ${(setupMs / 1000).toFixed(1)} s`);

    // 1. in process, small pages
    const rulesText = benchRules(metrics);
    const rules = parseRules(rulesText);
    const client = createMlflowClient({ trackingUri: emu.baseUrl, historyPageSize: pageSize, concurrency: o.concurrency ?? 8 });
    const source = createMlflowRunSource(client, runId);
    const r0 = Date.now();
    const set = await source.fetch();
    const readMs = Date.now() - r0;
    const e0 = Date.now();
    const verdict = evaluateRules(rules, set, { missingMetric: 'fail', requireBaseline: false });
    const evaluateMs = Date.now() - e0;
    const stats = source.stats();
    const inProcess = {
      pageSize,
      requests: stats.requests,
      histories: stats.histories,
      points: stats.points,
      readMs,
      evaluateMs,
      rules: rules.length,
      passed: verdict.passed,
      heapUsedMiB: Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10,
    };
    log(
      `in process: ${stats.histories} histories, ${stats.points.toLocaleString('en-US')} points, ${stats.requests} requests (pages of ${pageSize}) in ${(readMs / 1000).toFixed(2)} s; ` +
        `${rules.length} rules evaluated in ${evaluateMs} ms (${verdict.passed ? 'passed' : 'failed'})`,
    );

    // 2. the built bundle, in its own process
    let bundle: BenchResult['bundle'];
    const wantBundle = o.bundle ?? existsSync(join(repoRoot, 'dist', 'metric-gate', 'index.js'));
    if (wantBundle) {
      const r = await runAction({
        action: 'metric-gate',
        inputs: { 'mlflow-tracking-uri': emu.baseUrl, 'run-id': runId, rules: rulesText },
        timeoutMs: 300_000,
      });
      const read = /with (\d+) requests? in ([\d.]+) s/.exec(r.main.log);
      const rss = /peak RSS ([\d.]+) MiB/.exec(r.main.log);
      bundle = {
        exitCode: r.main.exitCode,
        stepMs: r.main.durationMs,
        requests: read ? Number(read[1]) : -1,
        readSeconds: read ? Number(read[2]) : -1,
        peakRssMiB: rss ? Number(rss[1]) : undefined,
        passed: r.outputs.passed,
      };
      log(
        `bundle (node24, default page size): step ${(r.main.durationMs / 1000).toFixed(2)} s, read ${bundle.requests} requests in ${bundle.readSeconds} s, ` +
          `peak RSS of the gate process ${bundle.peakRssMiB ?? '?'} MiB, passed=${bundle.passed}`,
      );
      if (r.main.exitCode !== 0) log(r.main.log.slice(-3000));
    }
    return { metrics, steps, points: metrics * steps, setupMs, inProcess, bundle };
  } finally {
    await emu.close();
  }
}
