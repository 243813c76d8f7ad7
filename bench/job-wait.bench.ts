/**
 * Job waiting: status reads and completion-detection delay of submit-job's polling against the
 * fixed 15 s loop of today's bash workflows, both watching the same jobs in the same run on the
 * emulator (default timings). Detection delay = when the watcher saw the terminal status − when
 * the job ended (run history's endTimeUtc).
 *
 * For each duration, a first job runs without history (the plain adaptive schedule); then
 * several jobs of the same job file run with it: submit-job reads the durations of the earlier
 * runs over MLflow (two reads, counted in its reads) and polls sparsely until shortly before the
 * expected end.
 */
import { it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { waitForJob, type WaitOptions } from '../src/jobs/wait.js';
import { isTerminal, type EndEstimate } from '../src/jobs/status.js';
import { estimateJobEnd, JOB_FILE_TAG } from '../src/jobs/estimate.js';
import { createMlflowClient, type MlflowClient } from '../src/metrics/mlflow.js';
import { trackingHttpUri } from '../src/metrics/azureml.js';
import type { ArmObject } from '../src/azure/workspace-api.js';
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

async function adaptive(em: RunningEmulator, name: string, first: ArmObject, history?: { client: MlflowClient; key: string }): Promise<Watch> {
  const w: Watch = { reads: 0, seenAt: 0 };
  let estimate: EndEstimate | undefined;
  if (history) {
    const createdAt = Date.parse(String((first.systemData as { createdAt?: string } | undefined)?.createdAt ?? ''));
    estimate = (await estimateJobEnd(history.client, name, history.key, Number.isFinite(createdAt) ? createdAt : Date.now()))?.estimate;
    w.reads += 2;
  }
  const o: WaitOptions = { estimate };
  await waitForJob(
    async () => {
      w.reads++;
      return arm(em, 'GET', `jobs/${name}`);
    },
    first,
    o,
  );
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
    const ws = await arm(em, 'GET', '');
    const client = createMlflowClient({
      trackingUri: trackingHttpUri(String(ws.properties?.mlFlowTrackingUri), true),
      auth: { kind: 'bearer', token: em.issueToken() },
    });
    const rows: Row[] = [];
    for (const seconds of durations) {
      const key = `bench/repo:jobs/sleep-${seconds}.yml`;
      const watch = async (i: number, withHistory: boolean) => {
        const name = `bench-wait-${seconds}s-${i}-${Date.now()}`;
        const first = await arm(em, 'PUT', `jobs/${name}`, {
          properties: {
            jobType: 'Command',
            command: `sleep ${seconds}`,
            environmentId: envId,
            computeId: 'azureml:cpu-cluster',
            experimentName: 'bench-wait',
            tags: { [JOB_FILE_TAG]: key },
          },
        });
        const [a, f] = await Promise.all([adaptive(em, name, first, withHistory ? { client, key } : undefined), fixedLoop(em, name, 15_000)]);
        const ended = await endTime(em, name);
        return { a, f, ended };
      };
      const cold = [await watch(0, false)];
      const runs = await Promise.all(Array.from({ length: jobsPerDuration }, (_, i) => watch(i + 1, true)));
      const label = seconds >= 60 ? `${seconds / 60} min` : `${seconds} s`;
      const delay = (xs: typeof runs, pick: 'a' | 'f') => stat(xs.map((r) => (r[pick].seenAt - r.ended) / 1000));
      const reads = (xs: typeof runs, pick: 'a' | 'f') => stat(xs.map((r) => r[pick].reads));
      const long = seconds >= 300;
      rows.push({
        figure: `${label} job: detection delay`,
        unit: 's',
        value: delay(runs, 'a'),
        baseline: { name: 'fixed 15 s loop', value: delay(runs, 'f') },
        target: long ? '≤ 3 s' : undefined,
        met: long ? delay(runs, 'a').median <= 3 : undefined,
      });
      rows.push({
        figure: `${label} job: reads (status + 2 history)`,
        unit: '',
        value: reads(runs, 'a'),
        baseline: { name: 'fixed 15 s loop', value: reads(runs, 'f') },
        target: long ? '≤ the 15 s loop' : undefined,
        met: long ? reads(runs, 'a').median <= reads(runs, 'f').median : undefined,
      });
      rows.push({
        figure: `${label} job, first run (no history): detection delay`,
        unit: 's',
        value: delay(cold, 'a'),
        baseline: { name: 'fixed 15 s loop', value: delay(cold, 'f') },
        note: `reads ${cold[0]!.a.reads} vs ${cold[0]!.f.reads}`,
      });
    }
    report('Job waiting (emulator, default timings)', rows);
  } finally {
    await em.close();
  }
});
