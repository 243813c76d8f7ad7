/**
 * Child jobs of sweeps and pipelines: stored as job resources of their own (command jobs, or the
 * sweep and pipeline jobs of sweep and pipeline steps) (so
 * `jobs.get(<child>)` works), run under the parent's cancellation, linked to it in MLflow
 * (`mlflow.parentRunId`) and run history (`parentRunId`). A parent's own log is a short summary
 * written to its `user_logs/std_log.txt`.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ArmResource } from '../types.js';
import { jobId as makeJobId, parseJobId, type JobResource } from '../data/resources.js';
import { fail, runCommandJob } from './command.js';
import { LogShipper, STD_LOG } from './logs.js';
import type { ActiveJob, Outcome, ParentLink, Runtime } from './runtime.js';
import { ARTIFACT_DATASTORE, runArtifactsLocation } from '../data/uris.js';
import { asObj } from '../obj.js';

export const JOB_TYPE = 'Microsoft.MachineLearningServices/workspaces/jobs';

/** Store a child command job next to its parent (same workspace), status NotStarted. */
export async function createChildJob(
  rt: Runtime,
  parent: JobResource,
  parentId: string,
  childName: string,
  properties: Record<string, unknown>,
): Promise<string> {
  const { ws } = parseJobId(parentId);
  const id = makeJobId(ws, childName);
  const resource: ArmResource = {
    id,
    name: childName,
    type: parent.type || JOB_TYPE,
    properties: { jobType: 'Command', isArchived: false, ...properties, status: 'NotStarted' },
    ...(asObj(parent.systemData) ? { systemData: structuredClone(parent.systemData) } : {}),
  };
  await rt.host.store.put(id, resource);
  return id;
}

/** Runs one stored job (a command, sweep or pipeline job), linked to its parent. */
export type JobRunner = (rt: Runtime, jobId: string, active: ActiveJob, link: ParentLink) => Promise<Outcome>;

/** Run a stored child job (a command job unless `runner` says otherwise) under `parent`; never throws. */
export async function runChild(rt: Runtime, parent: ActiveJob, childId: string, link: ParentLink, runner: JobRunner = runCommandJob): Promise<Outcome> {
  const child = rt.register(childId);
  parent.children.add(childId);
  if (parent.signal.aborted) {
    child.reason = parent.reason;
    child.controller.abort();
  }
  try {
    return await runner(rt, childId, child, link);
  } catch (err) {
    return fail(rt, childId, err);
  } finally {
    parent.children.delete(childId);
    rt.unregister(childId);
  }
}

/** The summary log of a sweep or pipeline, uploaded to the parent run's artifacts as it grows. */
/** A parent's Queued → Running steps; false (its log closed) when it is being stopped meanwhile. */
export async function queueThenRun(rt: Runtime, jobId: string, signal: AbortSignal, log: ParentLog): Promise<boolean> {
  await rt.step(signal);
  await rt.recorder.transition(jobId, 'Queued');
  await rt.step(signal);
  if (signal.aborted) {
    await log.close();
    return false;
  }
  await rt.recorder.transition(jobId, 'Running');
  return true;
}

export class ParentLog {
  private readonly file: string;
  private shipper: LogShipper | undefined;

  constructor(
    private readonly rt: Runtime,
    private readonly jobId: string,
  ) {
    this.file = join(rt.workDirOf(parseJobId(jobId).name), STD_LOG);
  }

  async open(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, '');
    const { ws, name } = parseJobId(this.jobId);
    const container = await this.rt.resolver(ws).datastoreContainer(ARTIFACT_DATASTORE);
    this.shipper = new LogShipper(
      this.rt.blob,
      this.file,
      { container, path: runArtifactsLocation(name).path + STD_LOG },
      async () => {
        await this.rt.tracking.updateHistory(this.rt.scopeOf(ws), name, { logFiles: [STD_LOG] });
      },
      () => undefined,
    );
  }

  async write(line: string): Promise<void> {
    const stamp = this.rt.host.now().toISOString();
    await appendFile(this.file, `${stamp} ${line}\n`);
    await this.shipper?.ship(false);
  }

  async close(): Promise<void> {
    await this.shipper?.finish();
  }
}
