/**
 * Jobs through the whole emulator (`startEmulator`): ARM PUT of a code version and a job, the job
 * logs a metric over MLflow REST with the token the executor gave it, the client polls the job,
 * reads metrics and run history (log via its SAS URL), and cancels another job through the
 * cancel LRO. A second emulator over the same state folder marks a job it lost as Failed.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { BlobIO } from '../../src/emulator/data/blob-io.js';

const API = 'api-version=2024-10-01';
let emu: RunningEmulator;
let token: string;
let ws: string;
let blobstoreContainer: string;

async function arm(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${emu.baseUrl}${path}${path.includes('?') ? '&' : '?'}${API}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function mlflow(method: 'GET' | 'POST', path: string, payload?: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const q = method === 'GET' && payload ? `?${new URLSearchParams(Object.entries(payload).map(([k, v]): [string, string] => [k, String(v)]))}` : '';
  const res = await fetch(`${emu.baseUrl}/mlflow/v1.0${ws}/api/2.0/mlflow/${path}${q}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: method === 'POST' ? JSON.stringify(payload ?? {}) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

async function waitForStatus(name: string, want: (s: string) => boolean, timeoutMs = 30_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await arm('GET', `${ws}/jobs/${name}`);
    if (want(res.body?.properties?.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`job ${name} stayed ${res.body?.properties?.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let stateDir: string;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'emu-state-'));
  emu = await startEmulator({ stateDir, timings: { lroMs: 50, retryAfterSeconds: 0, jobStepMs: 20 } });
  token = emu.issueToken();
  const d = emu.defaults;
  ws = `/subscriptions/${d.subscriptionId}/resourceGroups/${d.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${d.workspaceName}`;
  const ds = await arm('GET', `${ws}/datastores/workspaceblobstore`);
  blobstoreContainer = ds.body.properties.containerName;
  // The code a job runs: a script that logs a metric through MLflow REST with the job's token.
  const src = await mkdtemp(join(tmpdir(), 'e2e-code-'));
  await writeFile(
    join(src, 'log_metric.py'),
    [
      'import json, os, sys, time, urllib.request',
      'body = json.dumps({"run_id": os.environ["MLFLOW_RUN_ID"], "metrics": [{"key": "accuracy", "value": float(sys.argv[1]), "timestamp": int(time.time() * 1000), "step": 0}]}).encode()',
      'req = urllib.request.Request(os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/runs/log-batch", data=body, method="POST",',
      '    headers={"Content-Type": "application/json", "Authorization": "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"]})',
      'print(urllib.request.urlopen(req).status, "logged", sys.argv[1])',
    ].join('\n') + '\n',
  );
  await mkdir(join(src, 'empty'), { recursive: true });
  await new BlobIO(emu.blob).uploadFolder(src, { container: blobstoreContainer, path: 'LocalUpload/e2e/src/' });
  await rm(src, { recursive: true, force: true });
  const code = await arm('PUT', `${ws}/codes/e2e-code/versions/1`, {
    properties: { codeUri: `azureml://datastores/workspaceblobstore/paths/LocalUpload/e2e/src/` },
  });
  expect(code.status, JSON.stringify(code.body)).toBeLessThan(300);
});

afterAll(async () => {
  await emu?.close();
  await rm(stateDir, { recursive: true, force: true });
});

describe('jobs through the emulator', () => {
  it('a command job runs, logs a metric with its own token, and shows in run history', async () => {
    const put = await arm('PUT', `${ws}/jobs/e2e-metric`, {
      properties: {
        jobType: 'Command',
        experimentName: 'e2e',
        command: 'python3 log_metric.py ${{inputs.value}}',
        codeId: `${ws}/codes/e2e-code/versions/1`,
        environmentId: 'azureml:AzureML-sklearn-1.5@latest',
        computeId: 'cpu-cluster',
        inputs: { value: { jobInputType: 'literal', value: '0.91' } },
      },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    const job = await waitForStatus('e2e-metric', (s) => ['Completed', 'Failed', 'Canceled'].includes(s));
    const run = await mlflow('GET', 'runs/get', { run_id: 'e2e-metric' });
    expect(job.properties.status, JSON.stringify(run.body.run?.data?.tags)).toBe('Completed');
    expect(run.body.run.info.status).toBe('FINISHED');
    expect(run.body.run.data.metrics).toEqual([expect.objectContaining({ key: 'accuracy', value: 0.91 })]);
    const hist = await mlflow('GET', 'metrics/get-history', { run_id: 'e2e-metric', metric_key: 'accuracy' });
    expect(hist.body.metrics).toHaveLength(1);

    const details = await fetch(`${emu.baseUrl}/history/v1.0${ws}/runs/e2e-metric/details`, { headers: { authorization: `Bearer ${token}` } }).then(
      (r) => r.json() as Promise<any>,
    );
    expect(details).toMatchObject({ runId: 'e2e-metric', status: 'Completed', target: 'cpu-cluster' });
    const log = await fetch(details.logFiles['user_logs/std_log.txt']).then((r) => r.text());
    expect(log).toContain('200 logged 0.91');
    expect(job.properties.outputs.default.uri).toBe('azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.e2e-metric');
  });

  it('cancels a running job through the cancel operation', async () => {
    const put = await arm('PUT', `${ws}/jobs/e2e-cancel`, {
      properties: { jobType: 'Command', command: 'echo waiting; sleep 60', environmentId: 'azureml:AzureML-sklearn-1.5@latest' },
    });
    expect(put.status).toBe(201);
    await waitForStatus('e2e-cancel', (s) => s === 'Running');
    const cancel = await arm('POST', `${ws}/jobs/e2e-cancel/cancel`);
    expect(cancel.status).toBe(202);
    const job = await waitForStatus('e2e-cancel', (s) => s === 'Canceled', 15_000);
    expect(job.properties.status).toBe('Canceled');
    const run = await mlflow('GET', 'runs/get', { run_id: 'e2e-cancel' });
    await expect.poll(async () => (await mlflow('GET', 'runs/get', { run_id: 'e2e-cancel' })).body.run.info.status).toBe('KILLED');
    expect(run.status).toBe(200);
  });

  it('after a restart over the same state, a job that was running is Failed and its metrics remain', async () => {
    const put = await arm('PUT', `${ws}/jobs/e2e-lost`, {
      properties: { jobType: 'Command', command: 'sleep 60', environmentId: 'azureml:AzureML-sklearn-1.5@latest' },
    });
    expect(put.status).toBe(201);
    await waitForStatus('e2e-lost', (s) => s === 'Running');
    // Simulate a crash of the emulator process: the executor's record of jobs in flight stays on disk.
    const before = (await arm('GET', `${ws}/jobs/e2e-metric`)).body.properties.status;
    await emu.close();
    emu = await startEmulator({ stateDir, timings: { lroMs: 50, retryAfterSeconds: 0, jobStepMs: 20 } });
    token = emu.issueToken();
    const lost = await waitForStatus('e2e-lost', (s) => s === 'Failed', 10_000);
    expect(lost.properties.status).toBe('Failed');
    const details = await fetch(`${emu.baseUrl}/history/v1.0${ws}/runs/e2e-lost/details`, { headers: { authorization: `Bearer ${token}` } }).then(
      (r) => r.json() as Promise<any>,
    );
    expect(details.error.error.message).toMatch(/shut down|restarted/);
    // Metrics of the first run survived.
    expect(before).toBe('Completed');
    const hist = await mlflow('GET', 'metrics/get-history', { run_id: 'e2e-metric', metric_key: 'accuracy' });
    expect(hist.body.metrics).toEqual([expect.objectContaining({ value: 0.91 })]);
  });
});
