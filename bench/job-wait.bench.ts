/**
 * Job waiting: status reads and completion-detection delay of submit-job's adaptive polling
 * against the fixed 15 s loop of today's bash workflows, both watching the same jobs in the same
 * run on the emulator (default timings). Detection delay = when the watcher saw the terminal
 * status − when the job ended (run history's endTimeUtc).
 */
import { it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { waitForJob, type WaitOptions } from '../src/jobs/wait.js';
import { isTerminal } from '../src/jobs/status.js';
import type { ArmObject } from '../src/jobs/api.js';
import { quick, report, stat, type Row } from './lib.js';

async function arm(em: RunningEmulator, method: string, path: string, body?: unknown): Promise<ArmObject> {
  const d = em.defaults;
  const ws = `/subscriptions/${d.subscriptionId}/resourceGroups/${d.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${d.workspaceName}`;
  const res = await fetch(`${em.baseUrl}${ws}/${path}?api-version=2024-10-01`, {
    method,
    headers: { authorization: `Bearer ${em.issueToken()}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as ArmObject;
}

async function endTime(em: RunningEmulator, name: string): Promise<number> {
  const d = em.defaults;
  const ws = `/subscriptions/${d.subscriptionId}/resourceGroups/${d.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${d.workspaceName}`;
  const res = await fetch(`${em.baseUrl}/history/v1.0${ws}/runs/${name}/details`, { headers: { authorization: `Bearer ${em.issueToken()}` } });
  const details = (await res.json()) as { endTimeUtc?: string };
  return Date.parse(details.endTimeUtc ?? '');
}

interface Watch {
  reads: number;
  seenAt: number;
}

async function adaptive(em: RunningEmulator, name: string, first: ArmObject): Promise<Watch> {
  const w: Watch = { reads: 0, seenAt: 0 };
  const o: WaitOptions = {};
  await waitForJob(async () => {
    w.reads++;
    return arm(em, 'GET', `jobs/${name}`);
  }, first, o);
  w.seenAt = Date.now();
  return w;
}

async function fixedLoop(em: RunningEmulator, name: string, intervalMs: number): Promise<Watch> {
  const w: Watch = { reads: 0, seenAt: 0 };
  for (;;) {
    await new Promise((r) => setTimeout(r, intervalMs));
    w.reads++;
    const job = await arm(em, 'GET', `jobs/${name}`);
    if (isTerminal(String(job.properties?.status))) break;
  }
  w.seenAt = Date.now();
  return w;
}

it('job waiting: adaptive polling vs a fixed 15 s loop', async () => {
  const em = await startEmulator();
  try {
    const env = await arm(em, 'GET', 'environments/AzureML-sklearn-1.5');
    const envId = `${String(env.id)}/versions/${String(env.properties?.latestVersion)}`;
    const durations = process.env.BENCH_JOB_SECONDS ? process.env.BENCH_JOB_SECONDS.split(',').map(Number) : quick ? [8] : [30, 60, 300];
    const jobsPerDuration = quick ? 2 : 3;
    const rows: Row[] = [];
    for (const seconds of durations) {
      const runs = await Promise.all(
        Array.from({ length: jobsPerDuration }, async (_, i) => {
          const name = `bench-wait-${seconds}s-${i}-${Date.now()}`;
          const first = await arm(em, 'PUT', `jobs/${name}`, { properties: { jobType: 'Command', command: `sleep ${seconds}`, environmentId: envId, computeId: 'azureml:cpu-cluster' } });
          const [a, f] = await Promise.all([adaptive(em, name, first), fixedLoop(em, name, 15_000)]);
          const ended = await endTime(em, name);
          return { a, f, ended };
        }),
      );
      const label = seconds >= 60 ? `${seconds / 60} min` : `${seconds} s`;
      rows.push({
        figure: `${label} job: detection delay`,
        unit: 's',
        value: stat(runs.map((r) => (r.a.seenAt - r.ended) / 1000)),
        baseline: { name: 'fixed 15 s loop', value: stat(runs.map((r) => (r.f.seenAt - r.ended) / 1000)) },
        target: seconds === 300 ? '≤ 3 s' : undefined,
        met: seconds === 300 ? stat(runs.map((r) => (r.a.seenAt - r.ended) / 1000)).median <= 3 : undefined,
      });
      rows.push({
        figure: `${label} job: status reads`,
        unit: '',
        value: stat(runs.map((r) => r.a.reads)),
        baseline: { name: 'fixed 15 s loop', value: stat(runs.map((r) => r.f.reads)) },
        target: seconds === 300 ? '≤ the 15 s loop' : undefined,
        met: seconds === 300 ? stat(runs.map((r) => r.a.reads)).median <= stat(runs.map((r) => r.f.reads)).median : undefined,
      });
    }
    report('Job waiting (emulator, default timings)', rows);
  } finally {
    await em.close();
  }
});
