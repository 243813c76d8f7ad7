/**
 * The emulator's job executor: after a job PUT the server calls `start(jobId)`; the job then runs
 * for real as local processes (command, sweep, pipeline) and its ARM status moves as Azure's does.
 * `cancel(jobId)` stops it (SIGTERM to the process group, SIGKILL after a grace period; status
 * CancelRequested → Canceled); `close()` stops everything on shutdown.
 *
 * Jobs in flight are listed in `<stateDir>/executor/active.json`; when the executor starts again
 * over a folder store, jobs that were still running are marked Failed (their process was lost).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobExecutor, JobHost } from '../types.js';
import { WriteBehind } from '../mlflow/persist.js';
import { isTerminal, parseJobId, pickString } from '../data/resources.js';
import { fail, runCommandJob } from './command.js';
import { runPipelineJob } from './pipeline.js';
import { runSparkJob } from './spark.js';
import { isJobProcess, killGroup, signalGroup } from './process.js';
import { Runtime, type ActiveJob, type ExecutorOptions, type Outcome } from './runtime.js';
import { errorOf } from './status.js';
import { runSweepJob } from './sweep.js';
import { runAutoMLJob } from './automl.js';
import { isMonitorRun, runMonitorJob } from '../monitoring/run.js';
import { asObj } from '../obj.js';

export type { ExecutorOptions, Outcome } from './runtime.js';

/** The executor, plus what tests and the server may want beyond {@link JobExecutor}. */
export interface LocalJobExecutor extends JobExecutor {
  /** Resolves when jobs left running by an earlier emulator process have been marked Failed. */
  readonly recovered: Promise<string[]>;
  /** Resolves when the job (started here) has finished; undefined when it is not running here. */
  whenDone(jobId: string): Promise<Outcome> | undefined;
  /** Wait until tracking state (MLflow runs, metrics) is on disk. */
  flush(): Promise<void>;
}

interface ActiveRecord {
  jobId: string;
  pid?: number;
}

export function createJobExecutor(host: JobHost, options: ExecutorOptions = {}): LocalJobExecutor {
  const rt = new Runtime(host, options);
  const done = new Map<string, Promise<Outcome>>();
  const stateFile = host.stateDir ? join(host.stateDir, 'executor', 'active.json') : join(host.workDir, '.executor', 'active.json');
  const writer = new WriteBehind();
  let closed = false;

  const persistActive = (): void => {
    writer.writeJson(stateFile, (): ActiveRecord[] => rt.all().map((a) => ({ jobId: a.jobId, ...(a.pid ? { pid: a.pid } : {}) })));
  };
  rt.onChange(persistActive);

  async function run(jobId: string, active: ActiveJob): Promise<Outcome> {
    const job = await rt.loadJob(jobId);
    if (!job) return { status: 'Failed' };
    const type = (pickString(job.properties, 'jobType') ?? '').toLowerCase();
    switch (type) {
      case 'command':
        return runCommandJob(rt, jobId, active);
      case 'sweep':
        return runSweepJob(rt, jobId, active);
      case 'pipeline':
        // A CreateMonitor schedule's run is a pipeline job the emulator computes itself (monitoring/run.ts).
        return (await isMonitorRun(rt, jobId)) ? runMonitorJob(rt, jobId, active) : runPipelineJob(rt, jobId, active);
      case 'spark':
        return runSparkJob(rt, jobId, active);
      case 'automl':
        return runAutoMLJob(rt, jobId, active);
      default: {
        const error = errorOf(
          'UserError',
          `Job type '${pickString(job.properties, 'jobType') ?? '(none)'}' is not supported by the local Azure ML emulator (it runs Command, Sweep, Pipeline, Spark and AutoML jobs).`,
          'UnsupportedJobType',
          host.now(),
        );
        await rt.recorder.transition(jobId, 'Failed', { error });
        return { status: 'Failed', error };
      }
    }
  }

  async function recover(): Promise<string[]> {
    let records: ActiveRecord[];
    try {
      records = JSON.parse(await readFile(stateFile, 'utf8')) as ActiveRecord[];
    } catch {
      return [];
    }
    const failed: string[] = [];
    for (const r of Array.isArray(records) ? records : []) {
      if (!r || typeof r.jobId !== 'string' || rt.get(r.jobId)) continue;
      let name: string;
      try {
        name = parseJobId(r.jobId).name;
      } catch {
        continue;
      }
      if (typeof r.pid === 'number' && (await isJobProcess(r.pid, name))) signalGroup(r.pid, 'SIGKILL');
      const job = await rt.loadJob(r.jobId);
      const status = asObj(job?.properties)?.status;
      if (!job || isTerminal(status)) continue;
      const error = errorOf(
        'SystemError',
        `The local Azure ML emulator restarted while the job was ${String(status ?? 'NotStarted')}; its process was lost.`,
        'ProcessLost',
        host.now(),
      );
      await rt.recorder.transition(r.jobId, 'Failed', { error });
      failed.push(r.jobId);
    }
    persistActive();
    return failed;
  }

  const recovered = recover().catch((err: unknown) => {
    process.stderr.write(`azureml emulator: could not recover jobs of an earlier run: ${(err as Error).message}\n`);
    return [] as string[];
  });

  return {
    recovered,

    start(jobId: string): void {
      if (closed) throw new Error('the job executor is closed');
      if (rt.get(jobId)) return;
      parseJobId(jobId); // throws a TypeError naming the bad id
      const active = rt.register(jobId);
      const p = (async () => {
        await recovered;
        try {
          return await run(jobId, active);
        } catch (err) {
          return fail(rt, jobId, err);
        }
      })().finally(() => {
        rt.unregister(jobId);
        done.delete(jobId.toLowerCase());
      });
      done.set(jobId.toLowerCase(), p);
    },

    async cancel(jobId: string): Promise<void> {
      const status = await rt.recorder.currentStatus(jobId);
      if (status === undefined || isTerminal(status)) return;
      await rt.recorder.transition(jobId, 'CancelRequested');
      const active = rt.get(jobId);
      if (!active || !rt.requestStop(jobId, 'cancel')) {
        // Not running here (never started, or lost): nothing to stop.
        await rt.recorder.transition(jobId, 'Canceled');
        return;
      }
      // The cancel operation ends when the job has: processes gone, status Canceled.
      const limit = rt.options.cancelGraceInMs + 10_000;
      await Promise.race([active.settled, new Promise((r) => setTimeout(r, limit).unref())]);
    },

    whenDone(jobId: string): Promise<Outcome> | undefined {
      return done.get(jobId.toLowerCase());
    },

    async flush(): Promise<void> {
      await rt.tracking.flush();
      await writer.flush();
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      const all = rt.all();
      for (const a of all) rt.requestStop(a.jobId, 'shutdown');
      // Processes first (fast), then let the runners settle their statuses.
      await Promise.all(all.filter((a) => a.pid).map((a) => killGroup(a.pid!, Math.min(rt.options.cancelGraceInMs, 1000))));
      const pending = [...done.values()];
      await Promise.race([Promise.allSettled(pending), new Promise((r) => setTimeout(r, 10_000).unref())]);
      await rt.tracking.flush();
      persistActive();
      await writer.flush();
    },
  };
}
