/**
 * Model monitoring end to end, through the built bundles against the emulator: deploy rolls out
 * a credit-default model whose YAML collects its inputs and outputs, and with `monitor-file`
 * creates the monitor of the deployment it promoted; the deployment serves traffic like the
 * training data, the monitor runs (the emulator's schedule clock moved to its trigger time), and
 * metric-gate with `source: monitor:<name>` passes; then the traffic shifts, the monitor runs
 * again, and the same gate fails on the drifted feature only — what a workflow gates retraining on.
 *
 * Needs `npm run build` (dist/deploy, dist/metric-gate).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../helpers/prng.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runAction, type RunResult } from '../harness/index.js';
import { arm, wsPath } from '../emulator/support.js';
import { API, score, until, uploadFolder, writeFiles } from '../emulator/endpoints-support.js';
import { emulatorEnv, FAST_TIMINGS } from './support.js';
import { deploy, logs, METRICS_DELAY_MS, METRICS_MINUTE_MS, primaryKey, QUICK, type Json } from './deploy-support.js';

const HOUR = 3_600_000;
const EP = 'ep-credit';
const MONITOR = 'credit_monitor';
let em: RunningEmulator;
let ws: string;
/** How far the emulator's schedule clock runs ahead of the real one. */
let offset = 0;

interface Row {
  AGE: number;
  LIMIT_BAL: number;
  EDUCATION: string;
}

/** Customers; `shifted`: lower credit limits (the model's only input that moves). */
function customers(n: number, seed: number, shifted = false): Row[] {
  const r = prng(seed);
  return Array.from({ length: n }, () => {
    const u = r();
    return {
      AGE: 21 + Math.floor(r() * 45),
      LIMIT_BAL: Math.round((shifted ? 0.3 : 1) * (20_000 + r() * 180_000) * 100) / 100,
      EDUCATION: u < 0.5 ? 'graduate' : u < 0.8 ? 'university' : 'high_school',
    };
  });
}
const label = (row: Row) => (row.LIMIT_BAL < 50_000 ? 1 : 0);

/** Records in, `{"DEFAULT_NEXT_MONTH": [...]}` out, like azureml-examples cli/monitoring/azureml-e2e-model-monitoring/code/score.py. */
const SCORE_PY = `import json

def init():
    print("ready", flush=True)

def run(raw):
    rows = json.loads(raw)["data"]
    return {"DEFAULT_NEXT_MONTH": [1 if r["LIMIT_BAL"] < 50000 else 0 for r in rows]}
`;

function write(rel: string, text: string): string {
  const p = join(ws, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  return rel;
}

beforeAll(async () => {
  em = await startEmulator({
    timings: FAST_TIMINGS,
    metricsDelay: METRICS_DELAY_MS,
    endpoints: { readinessPollMs: 20, sampleIntervalMs: 1000, restartDelayMs: 200, stopGraceMs: 500, metricsMinuteMs: METRICS_MINUTE_MS },
    schedules: { clock: { now: () => new Date(Date.now() + offset) }, tickMs: 25 },
  });
  ws = mkdtempSync(join(tmpdir(), 'aml-monitor-gate-'));
  // The training data, registered as azureml-examples' credit-reference: a CSV with the label the model learnt.
  const reference = customers(400, 7);
  const csv = ['AGE,LIMIT_BAL,EDUCATION,DEFAULT_NEXT_MONTH', ...reference.map((r) => `${r.AGE},${r.LIMIT_BAL},${r.EDUCATION},${label(r)}`)].join('\n');
  const refUri = await uploadFolder(em, writeFiles(join(ws, 'training'), { 'credit.csv': csv }), 'LocalUpload/credit/reference');
  const put = await arm(
    em,
    'PUT',
    `${wsPath(em)}/data/credit-reference/versions/1`,
    { properties: { dataType: 'uri_file', dataUri: `${refUri}credit.csv` } },
    { apiVersion: API },
  );
  expect(put.status).toBeLessThan(300);
  write('credit/model/model.txt', 'rule: LIMIT_BAL < 50000\n');
  write('credit/code/score.py', SCORE_PY);
  write('credit/environment/conda.yaml', 'name: score\ndependencies:\n  - python=3.10\n');
  write('credit/endpoint.yaml', `name: ${EP}\nauth_mode: key\n`);
  write(
    'credit/deployment.yaml',
    [
      '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json',
      'name: main',
      `endpoint_name: ${EP}`,
      'model:',
      '  path: ./model/',
      'code_configuration:',
      '  code: ./code/',
      '  scoring_script: score.py',
      'environment:',
      '  conda_file: ./environment/conda.yaml',
      '  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest',
      'instance_type: Standard_F2s_v2',
      'instance_count: 1',
      'data_collector:',
      '  collections:',
      '    model_inputs:',
      '      enabled: "true"',
      '    model_outputs:',
      '      enabled: "true"',
      '',
    ].join('\n'),
  );
  write(
    'credit/monitor.yaml',
    [
      `name: ${MONITOR}`,
      'trigger:',
      '  type: cron',
      '  expression: "30 * * * *"',
      '  start_time: "2020-01-01T00:00:00"',
      'create_monitor:',
      '  compute:',
      '    instance_type: standard_e4s_v3',
      '    runtime_version: "3.4"',
      '  monitoring_target:',
      '    ml_task: classification',
      `    endpoint_deployment_id: azureml:${EP}:main`,
      '  monitoring_signals:',
      '    data_drift:',
      '      type: data_drift',
      '      reference_data:',
      '        input_data:',
      '          path: azureml:credit-reference:1',
      '          type: uri_file',
      '        data_context: training',
      '        data_column_names:',
      '          target_column: DEFAULT_NEXT_MONTH',
      '      features: [AGE, LIMIT_BAL, EDUCATION]',
      '      alert_enabled: true',
      '      metric_thresholds:',
      '        numerical:',
      '          normalized_wasserstein_distance: 0.3',
      '        categorical:',
      '          jensen_shannon_distance: 0.2',
      '  alert_notification:',
      '    emails: [mlops@example.com]',
      '',
    ].join('\n'),
  );
  write('credit/request.json', JSON.stringify({ data: customers(20, 3) }));
}, 60_000);
afterAll(async () => {
  await em?.close();
});

/** Moves the schedule clock just past the next hh:30 (the monitor's cron time); returns that time. */
function advanceToNextHalfHour(): number {
  const now = Date.now() + offset;
  let t = Math.floor(now / HOUR) * HOUR + HOUR / 2;
  if (t <= now) t += HOUR;
  offset += t - now + 1000;
  return t;
}

/** Waits for the monitor's run of trigger time `t` to end; returns it. */
async function monitorRun(t: number): Promise<Json> {
  return until(
    async () => {
      const r = await arm<{ value: Json[] }>(em, 'GET', `${wsPath(em)}/jobs`, undefined, { query: { scheduleId: MONITOR } });
      const job = r.body.value.find(
        (j) =>
          Date.parse(
            String(
              ((j.properties as Json).inputs as Json).monitor_current_time && (((j.properties as Json).inputs as Json).monitor_current_time as Json).value,
            ),
          ) === t,
      );
      const status = job ? String((job.properties as Json).status) : '';
      return ['Completed', 'Failed', 'Canceled'].includes(status) ? job : undefined;
    },
    60_000,
    `the monitor run of ${new Date(t).toISOString()}`,
  );
}

const RULES = [
  'data_drift.LIMIT_BAL.normalized_wasserstein_distance < 0.3 # credit limits as in training',
  'data_drift.AGE.normalized_wasserstein_distance < 0.3 # ages as in training',
  'data_drift.passed == 1 # the monitor saw no drift',
].join('\n');

function gate(): Promise<RunResult> {
  return runAction({
    action: 'metric-gate',
    inputs: { source: `monitor:${MONITOR}`, rules: RULES, 'fail-on-violation': 'false' },
    env: emulatorEnv(em),
    workspace: ws,
    timeoutMs: 60_000,
  });
}

interface GateReport {
  rules: Array<{ label?: string; verdict: string; left?: number }>;
  source: { kind: string; details: { jobName: string; signals: Array<{ name: string; passed: boolean; breached: string[] }> } };
}

describe('a monitor created after promotion, run, and its drift read by metric-gate', () => {
  let uri: string;
  let key: string;

  it('deploy promotes main and creates the monitor of main', async () => {
    const run = await deploy(
      { em, workspace: ws },
      {
        ...QUICK,
        endpoint: 'credit/endpoint.yaml',
        'deployment-file': 'credit/deployment.yaml',
        'monitor-file': 'credit/monitor.yaml',
        'smoke-request': 'credit/request.json',
        // Only the smoke request and the traffic below reach the deployment: what it collects is known.
        'probe-rps': '0',
        'allow-no-traffic': 'true',
      },
      { timeoutMs: 120_000 },
    );
    expect(run.main.exitCode, logs(run)).toBe(0);
    expect(run.outputs['monitor-name']).toBe(MONITOR);
    uri = run.outputs['scoring-uri'];
    key = await primaryKey(em, EP);
  }, 150_000);

  it('traffic like the training data: the monitor runs, the gate passes', async () => {
    for (let i = 0; i < 19; i++) expect((await score(uri, key, { data: customers(20, 100 + i) })).status).toBe(200);
    const t = advanceToNextHalfHour();
    const job = await monitorRun(t);
    expect((job.properties as Json).status, JSON.stringify(job.properties)).toBe('Completed');
    const g = await gate();
    expect(g.main.exitCode, g.main.log).toBe(0);
    const report = JSON.parse(g.outputs.report) as GateReport;
    expect(g.outputs.passed, g.main.log).toBe('true');
    expect(report.source.kind).toBe('monitor');
    expect(report.source.details.jobName).toBe(String(job.name));
    expect(report.rules.map((r) => r.verdict)).toEqual(['passed', 'passed', 'passed']);
  }, 120_000);

  it('the traffic shifts: the next run sees the drift, the gate fails on credit limits only', async () => {
    for (let i = 0; i < 80; i++) expect((await score(uri, key, { data: customers(20, 500 + i, true) })).status).toBe(200);
    const t = advanceToNextHalfHour();
    const job = await monitorRun(t);
    expect((job.properties as Json).status, JSON.stringify(job.properties)).toBe('Completed');
    const g = await gate();
    expect(g.main.exitCode, g.main.log).toBe(0);
    expect(g.outputs.passed).toBe('false');
    const report = JSON.parse(g.outputs.report) as GateReport;
    expect(report.source.details.jobName).toBe(String(job.name));
    expect(report.rules.map((r) => [r.label, r.verdict])).toEqual([
      ['credit limits as in training', 'failed'],
      ['ages as in training', 'passed'],
      ['the monitor saw no drift', 'failed'],
    ]);
    expect(report.source.details.signals).toEqual([
      expect.objectContaining({ name: 'data_drift', passed: false, breached: ['LIMIT_BAL.normalized_wasserstein_distance'] }),
    ]);
    expect(g.main.log).toMatch(/Signal data_drift \(DataDrift\): 3 metric\(s\), breached: LIMIT_BAL\.normalized_wasserstein_distance/);
  }, 120_000);
});
