/**
 * metric-gate: 100 metrics × 10,000 steps logged on the emulator's MLflow API, read with
 * pagination and gated — in process (1,000-value pages, 8 histories at a time) and through the
 * built bundle as the runner runs it (MLflow's largest page, 25,000). The baseline is the
 * naive reader: one history at a time, same pages.
 */
import { it } from 'vitest';
import { benchGate } from '../__tests__/perf/gate-perf.js';
import { quick, report, stat, type Row } from './lib.js';

it('metric-gate: paged reads and rules over large histories', async () => {
  const metrics = quick ? 10 : 100;
  const steps = quick ? 1000 : 10_000;
  const runs = quick ? 1 : 3;
  const fast: Awaited<ReturnType<typeof benchGate>>[] = [];
  const serial: Awaited<ReturnType<typeof benchGate>>[] = [];
  for (let i = 0; i < runs; i++) {
    fast.push(await benchGate({ metrics, steps, pageSize: 1000, concurrency: 8, bundle: true }));
    serial.push(await benchGate({ metrics, steps, pageSize: 1000, concurrency: 1, bundle: false }));
  }
  const label = `${metrics} metrics × ${steps.toLocaleString('en-US')} steps`;
  const rows: Row[] = [
    {
      figure: `${label}: read + gate, in process`,
      unit: 's',
      value: stat(fast.map((r) => (r.inProcess.readMs + r.inProcess.evaluateMs) / 1000)),
      baseline: { name: 'one history at a time', value: stat(serial.map((r) => (r.inProcess.readMs + r.inProcess.evaluateMs) / 1000)) },
      note: `${fast[0]!.inProcess.requests} reads of ${fast[0]!.inProcess.pageSize}-value pages, ${fast[0]!.inProcess.points.toLocaleString('en-US')} values`,
    },
    {
      figure: `${label}: the metric-gate step (bundle)`,
      unit: 's',
      value: stat(fast.map((r) => (r.bundle?.stepMs ?? NaN) / 1000)),
      note: `${fast[0]!.bundle?.requests ?? '?'} reads (25,000-value pages)`,
    },
    {
      figure: `${label}: peak RSS of the step`,
      unit: 'MiB',
      value: stat(fast.map((r) => r.bundle?.peakRssMiB ?? NaN)),
    },
  ];
  report('metric-gate', rows);
});
