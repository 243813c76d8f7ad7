/**
 * Test support for metric-gate against the local emulator: ARM calls with an emulator token,
 * jobs whose command logs given metrics over MLflow REST (as a training script does, with the
 * job's MLFLOW_* variables), runs on the emulator's plain MLflow API, and waiting for jobs.
 */
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

export const FAST_TIMINGS = { lroMs: 40, retryAfterSeconds: 0, jobStepMs: 10 } as const;

export function startGateEmulator(): Promise<RunningEmulator> {
  return startEmulator({ timings: FAST_TIMINGS });
}

export function workspacePath(emu: RunningEmulator): string {
  const d = emu.defaults;
  return `/subscriptions/${d.subscriptionId}/resourceGroups/${d.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${d.workspaceName}`;
}

export async function arm(emu: RunningEmulator, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const full = path.startsWith('/subscriptions') ? path : `${workspacePath(emu)}/${path}`;
  const res = await fetch(`${emu.baseUrl}${full}${full.includes('?') ? '&' : '?'}api-version=2024-10-01`, {
    method,
    headers: { authorization: `Bearer ${emu.issueToken()}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * A bash command that logs metrics through MLflow REST `runs/log-batch`, like a training script.
 * `metrics`: name → values (step = index). With `lrVariable`, the command reads a learning rate
 * from that shell variable and logs accuracy = 1 - |lr - 0.1| (for sweeps).
 */
export function loggingCommand(metrics: Record<string, Array<number | string>>, prefix = ''): string {
  const script = [
    'import json, os, time, urllib.request',
    `spec = json.loads(${JSON.stringify(JSON.stringify(metrics))})`,
    'lr = os.environ.get("GATE_LR")',
    'if lr:',
    '    lr = float(lr)',
    '    spec = {"accuracy": [0.5, round(1 - abs(lr - 0.1), 6)], "loss": [1.0, round(abs(lr - 0.1), 6)], "lr": [lr]}',
    'now = int(time.time() * 1000)',
    'items = [{"key": k, "value": (v if isinstance(v, (int, float)) else str(v)), "timestamp": now + i, "step": i} for k, vs in spec.items() for i, v in enumerate(vs)]',
    'base = os.environ["MLFLOW_TRACKING_URI"].rstrip("/") + "/api/2.0/mlflow/runs/log-batch"',
    'for start in range(0, len(items), 1000):',
    '    body = json.dumps({"run_id": os.environ["MLFLOW_RUN_ID"], "metrics": items[start:start + 1000]}).encode()',
    '    req = urllib.request.Request(base, data=body, method="POST", headers={"Content-Type": "application/json", "Authorization": "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"]})',
    '    urllib.request.urlopen(req).read()',
    'print("logged", len(items), "metric values")',
  ].join('\n');
  return `${prefix}python3 - <<'PY'\n${script}\nPY`;
}

export const ENVIRONMENT = 'azureml:AzureML-sklearn-1.5:1';

export async function putJob(emu: RunningEmulator, name: string, properties: Record<string, unknown>): Promise<any> {
  const res = await arm(emu, 'PUT', `jobs/${name}`, { properties });
  if (res.status >= 300) throw new Error(`PUT job ${name}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function commandJob(
  emu: RunningEmulator,
  name: string,
  metrics: Record<string, Array<number | string>>,
  extra: Record<string, unknown> = {},
): Promise<any> {
  return putJob(emu, name, { jobType: 'Command', command: loggingCommand(metrics), environmentId: ENVIRONMENT, experimentName: 'gate-tests', ...extra });
}

export async function waitForJob(emu: RunningEmulator, name: string, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await arm(emu, 'GET', `jobs/${name}`);
    const status = res.body?.properties?.status;
    if (['Completed', 'Failed', 'Canceled'].includes(status)) {
      if (status !== 'Completed') throw new Error(`job ${name} ended ${status}: ${JSON.stringify(res.body?.properties?.error ?? res.body)}`);
      return res.body;
    }
    if (Date.now() > deadline) throw new Error(`job ${name} is still ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A run on the emulator's plain MLflow API (a "generic MLflow server"), with logged metrics. */
export async function genericRun(emu: RunningEmulator, metrics: Record<string, Array<number | string>>, runName = 'generic-run'): Promise<string> {
  const call = async (path: string, body: unknown) => {
    const res = await fetch(`${emu.baseUrl}/api/2.0/mlflow/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as any;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  let experimentId: string;
  try {
    experimentId = (await call('experiments/create', { name: 'gate-generic' })).experiment_id;
  } catch {
    const res = await fetch(`${emu.baseUrl}/api/2.0/mlflow/experiments/get-by-name?experiment_name=gate-generic`);
    experimentId = ((await res.json()) as any).experiment.experiment_id;
  }
  const run = await call('runs/create', { experiment_id: experimentId, run_name: runName, start_time: Date.now() });
  const runId: string = run.run.info.run_id;
  const items = Object.entries(metrics).flatMap(([key, values]) => values.map((v, step) => ({ key, value: v, timestamp: 1_700_000_000_000 + step, step })));
  for (let i = 0; i < items.length; i += 1000) await call('runs/log-batch', { run_id: runId, metrics: items.slice(i, i + 1000) });
  await call('runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
  return runId;
}
