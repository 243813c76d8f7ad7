/**
 * Job status as Azure shows it: written to the stored ARM resource (`properties.status`), mirrored
 * into the job's MLflow run (status, end time) and its run-history record (start/end times,
 * error). Terminal states are written to tracking first, then to ARM, so a client that sees
 * `Failed` on the job can already read the error from run history.
 */
import type { JobHost } from '../types.js';
import type { RunError, RunStatus, TrackingStore } from '../mlflow/tracking.js';
import { workspaceScope } from '../mlflow/tracking.js';
import { isTerminal, parseJobId, type JobResource, type JobStatus } from '../data/resources.js';
import { asObj } from '../obj.js';

export function mlflowStatusOf(status: JobStatus): RunStatus {
  switch (status) {
    case 'Running':
    case 'Finalizing':
    case 'CancelRequested':
      return 'RUNNING';
    case 'Completed':
      return 'FINISHED';
    case 'Failed':
    case 'NotResponding':
      return 'FAILED';
    case 'Canceled':
      return 'KILLED';
    default:
      return 'SCHEDULED';
  }
}

export function errorOf(code: string, message: string, innerCode: string | undefined, at: Date): RunError {
  return {
    error: { code, message, ...(innerCode ? { innerError: { code: innerCode } } : {}), details: [] },
    time: at.toISOString(),
  };
}

/** The non-terminal lifecycle, in order. */
const ORDER: JobStatus[] = ['NotStarted', 'Starting', 'Provisioning', 'Preparing', 'Queued', 'Running', 'Finalizing'];

export type StatusListener = (jobId: string, status: JobStatus) => void;

export class StatusRecorder {
  constructor(
    private readonly host: JobHost,
    private readonly tracking: TrackingStore,
    private readonly listener?: StatusListener,
  ) {}

  scopeOf(jobId: string): { scope: string; name: string } {
    const { ws, name } = parseJobId(jobId);
    return { scope: workspaceScope(ws.subscriptionId, ws.resourceGroup, ws.workspace), name };
  }

  /** Read-modify-write the job resource under its lock; `fn` returns false to skip the write. */
  async patch(jobId: string, fn: (job: JobResource) => boolean | void): Promise<JobResource | undefined> {
    return this.host.store.withLock(jobId, async () => {
      const job = await this.host.store.get<JobResource>(jobId);
      if (!job) return undefined;
      job.properties = asObj(job.properties) ?? {};
      if (fn(job) === false) return job;
      await this.host.store.put(jobId, job);
      return job;
    });
  }

  async currentStatus(jobId: string): Promise<JobStatus | undefined> {
    const job = await this.host.store.get<JobResource>(jobId);
    return job ? (asObj(job.properties)?.status as JobStatus | undefined) : undefined;
  }

  /** When the ARM status is terminal, make the MLflow run and run history agree (status, end time). */
  async syncTracking(jobId: string): Promise<void> {
    const status = await this.currentStatus(jobId);
    if (!isTerminal(status)) return;
    const { scope, name } = this.scopeOf(jobId);
    const run = await this.tracking.findRun(scope, name);
    if (!run) return;
    const at = this.host.now();
    const want = mlflowStatusOf(status!);
    if (run.info.status !== want) await this.tracking.setRunStatus(scope, name, want, at);
    if (!run.history.endTimeUtc) await this.tracking.updateHistory(scope, name, { endTimeUtc: at.toISOString() });
  }

  /**
   * Move a job to `status`. A terminal job never changes again; a job in CancelRequested only
   * moves to a terminal state. Returns whether the status was written.
   */
  async transition(jobId: string, status: JobStatus, extra: { error?: RunError } = {}): Promise<boolean> {
    const at = this.host.now();
    const { scope, name } = this.scopeOf(jobId);
    const before = await this.currentStatus(jobId);
    if (before === undefined || isTerminal(before)) return false;
    if (before === 'CancelRequested' && !isTerminal(status)) return false;
    if (before === status) return false;
    // Statuses only move forward: a job answered `Running` on create (sweeps, recordings README
    // observation 14) does not go back to `Starting` when the executor catches up.
    if (ORDER.indexOf(status) >= 0 && ORDER.indexOf(before) > ORDER.indexOf(status)) return false;

    // Tracking first for terminal states (see the file comment), after for the others.
    const track = async (): Promise<void> => {
      const run = await this.tracking.findRun(scope, name);
      if (!run) return;
      const patch: Parameters<TrackingStore['updateHistory']>[2] = {};
      if (status === 'Running' && !run.history.startTimeUtc) patch.startTimeUtc = at.toISOString();
      if (isTerminal(status)) {
        patch.endTimeUtc = at.toISOString();
        if (!run.history.startTimeUtc) patch.startTimeUtc = at.toISOString();
      }
      if (extra.error) patch.error = extra.error;
      if (Object.keys(patch).length > 0) await this.tracking.updateHistory(scope, name, patch);
      await this.tracking.setRunStatus(scope, name, mlflowStatusOf(status), at);
      if (extra.error) await this.tracking.setTags(scope, name, { 'azureml.error': extra.error.error.message.slice(0, 5000) });
    };
    if (isTerminal(status)) await track();
    let written = false;
    await this.patch(jobId, (job) => {
      const current = job.properties.status;
      if (isTerminal(current) || (current === 'CancelRequested' && !isTerminal(status))) return false;
      job.properties.status = status;
      written = true;
    });
    if (!written) return false;
    if (!isTerminal(status)) await track();
    this.listener?.(jobId, status);
    return true;
  }
}
