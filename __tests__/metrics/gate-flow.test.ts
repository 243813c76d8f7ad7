/**
 * The gate's flow in process (inputs → source → baseline → verdict → outputs, annotations,
 * summary, ledger) with a recording log instead of @actions/core. The bundle is exercised
 * end to end in __tests__/actions/metric-gate.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createInputReader, recordInputSource } from '../../src/core/inputs.js';
import { memoryIO } from '../../src/core/io.js';
import { metricGateMain } from '../../src/runs/metric-gate.js';
import { readLedger } from '../../src/core/ledger.js';

/** What the flow printed and set, read back from an in-memory ActionIO. */
function recorder() {
  const io = memoryIO();
  const out = {
    get info() {
      return io.messages('info');
    },
    get warnings() {
      return io.lines.filter((l) => l.level === 'warning').map((l): [string, string | undefined] => [l.message, l.title]);
    },
    get errors() {
      return io.lines.filter((l) => l.level === 'error').map((l): [string, string | undefined] => [l.message, l.title]);
    },
    outputs: io.outputs,
    get summary() {
      return io.summary;
    },
  };
  return { out, io };
}

function setup(files: Record<string, string>) {
  const workspace = mkdtempSync(join(tmpdir(), 'mg-flow-ws-'));
  const runnerTemp = mkdtempSync(join(tmpdir(), 'mg-flow-rt-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(workspace, name), text);
  return { workspace, env: { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: runnerTemp } };
}

async function run(inputs: Record<string, string>, files: Record<string, string>) {
  const { env } = setup(files);
  const { out, io } = recorder();
  const reader = createInputReader(recordInputSource(inputs), { debug: () => undefined, setSecret: () => undefined });
  let error: unknown;
  let outcome;
  try {
    outcome = await metricGateMain({ reader, env, io });
  } catch (e) {
    error = e;
  }
  return { out, outcome, error, ledger: readLedger(env) };
}

const METRICS = { 'metrics.json': '{"accuracy": [0.7, 0.92], "loss": [0.5, 0.2]}' };

describe('metric-gate flow', () => {
  it('passes: outputs, log lines, summary and a gate ledger entry', async () => {
    const { out, outcome, error, ledger } = await run({ 'metrics-file': 'metrics.json', rules: 'accuracy >= 0.9 # bar\nloss < 0.3' }, METRICS);
    expect(error).toBeUndefined();
    expect(outcome?.passed).toBe(true);
    expect(out.outputs.passed).toBe('true');
    expect(JSON.parse(out.outputs.metrics)).toEqual({ accuracy: 0.92, loss: 0.2 });
    expect(out.info).toContain('✅ passed  line 1: accuracy >= 0.9 # bar — 0.92 >= 0.9');
    expect(out.info.at(-1)).toBe('Metric gate passed (2 passed, 0 failed, 0 skipped).');
    expect(out.summary).toContain('Metric gate ✅ passed');
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ kind: 'gate', action: 'metric-gate', passed: true, source: 'JSON file metrics.json', report: { counts: { passed: 2 } } });
  });

  it('missing-metric: skip skips (with a hint) instead of failing', async () => {
    const { out, outcome, error } = await run(
      { 'metrics-file': 'metrics.json', rules: 'accuracy >= 0.9\nprecision >= 0.8', 'missing-metric': 'skip' },
      METRICS,
    );
    expect(error).toBeUndefined();
    expect(outcome?.report.rules[1]).toMatchObject({ verdict: 'skipped', reason: "this run has no metric 'precision'; its metrics: accuracy, loss" });
    expect(out.errors).toEqual([]);
  });

  it('fails: one error per failed rule titled by its label, then the step fails', async () => {
    const { out, error, ledger } = await run({ 'metrics-file': 'metrics.json', rules: 'accuracy >= 0.95 # quality bar\nloss < 0.1\naccuracy > 0' }, METRICS);
    expect(error).toMatchObject({ name: 'GateFailedError', message: 'The metric gate failed: 2 of 3 rule(s) failed (quality bar; loss < 0.1).' });
    expect(out.errors).toEqual([
      ['Gate rule failed: accuracy >= 0.95 — 0.92 is not >= 0.95', 'quality bar'],
      ['Gate rule failed: loss < 0.1 — 0.2 is not < 0.1', 'loss < 0.1'],
    ]);
    expect(out.outputs.passed).toBe('false');
    expect(ledger[0]).toMatchObject({ kind: 'gate', passed: false });
  });

  it('fail-on-violation: false reports with warnings and does not throw', async () => {
    const { out, outcome, error } = await run({ 'metrics-file': 'metrics.json', rules: 'accuracy >= 0.95', 'fail-on-violation': 'false' }, METRICS);
    expect(error).toBeUndefined();
    expect(outcome?.passed).toBe(false);
    expect(outcome?.report.enforced).toBe(false);
    expect(out.errors).toEqual([]);
    expect(out.warnings.map(([m]) => m)).toEqual([
      'Gate rule failed: accuracy >= 0.95 — 0.92 is not >= 0.95',
      'The metric gate failed (0 passed, 1 failed, 0 skipped), but fail-on-violation is false: the step passes.',
    ]);
    expect(out.summary).toContain('⚠️ failed (not enforced)');
  });

  it('a file baseline: baseline values and suggestions for baseline names', async () => {
    const files = { ...METRICS, 'champion.csv': 'name,value\naccuracy,0.9\nloss,0.25\n' };
    const { outcome, error } = await run(
      { 'metrics-file': 'metrics.json', baseline: 'file:champion.csv', rules: 'accuracy >= baseline.accuracy + 1%\nloss <= baseline.los' },
      files,
    );
    expect(error).toMatchObject({ name: 'GateFailedError' });
    expect(outcome).toBeUndefined();
    const { outcome: ok } = await run({ 'metrics-file': 'metrics.json', baseline: 'file:champion.csv', rules: 'accuracy >= baseline.accuracy + 1%' }, files);
    expect(ok?.report.baseline).toMatchObject({
      spec: 'file:champion.csv',
      found: true,
      description: 'file champion.csv',
      metrics: { accuracy: { last: 0.9 } },
    });
    expect(ok?.report.rules[0]).toMatchObject({ left: 0.92, right: 0.91, verdict: 'passed' });
  });

  it("the baseline hint names the baseline's metrics", async () => {
    const files = { ...METRICS, 'champion.json': '{"accuracy": 0.9, "loss": 0.25}' };
    const reader = createInputReader(
      recordInputSource({ 'metrics-file': 'metrics.json', baseline: 'file:champion.json', rules: 'loss <= baseline.los', 'fail-on-violation': 'false' }),
      { debug: () => undefined },
    );
    const { env } = setup(files);
    const { io } = recorder();
    const outcome = await metricGateMain({ reader, env, io });
    expect(outcome.report.rules[0].reason).toBe("the baseline has no metric 'los'; did you mean 'loss'?");
  });
});
