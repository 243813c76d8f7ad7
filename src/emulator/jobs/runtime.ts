/**
 * What the job runners share: the host, Azurite access, the tracking store, the status recorder,
 * timings, and the table of jobs in flight (with their process groups and child jobs) that cancel
 * and shutdown walk.
 */
import { join } from 'node:path';
import type { JobHost } from '../types.js';
import { getTrackingStore, type RunError, type TrackingStore, workspaceScope } from '../mlflow/tracking.js';
import { parseJobId, pickString, stringMap, type JobResource, type WorkspaceRef } from '../data/resources.js';
import { BlobIO } from '../data/blob-io.js';
import { StatusRecorder, type StatusListener } from './status.js';
import { DataResolver } from '../data/uris.js';
import { asObj } from '../obj.js';
import { abortableSleep } from './process.js';

export interface ExecutorOptions {
  /** Pause between two status steps; default `host.timings.jobStepMs`, else 300 ms. */
  stepDelayInMs?: number;
  /** How often a running job's log is uploaded when it grew; default 2000 ms. */
  logUploadIntervalInMs?: number;
  /** Between SIGTERM and SIGKILL when a job is cancelled; default 3000 ms. */
  cancelGraceInMs?: number;
  /** Called after every status the executor writes (tests, logging). */
  onStatusChange?: StatusListener;
}

export interface ResolvedOptions {
  stepDelayInMs: number;
  logUploadIntervalInMs: number;
  cancelGraceInMs: number;
}

export type StopReason = 'cancel' | 'timeout' | 'shutdown';

export interface Outcome {
  status: 'Completed' | 'Failed' | 'Canceled';
  error?: RunError;
}

/** The parent of a child job (a sweep trial, a pipeline step or an AutoML iteration). */
export interface ParentLink {
  name: string;
  kind: 'sweep' | 'pipeline' | 'automl';
  experimentName: string;
}

export class ActiveJob {
  readonly controller = new AbortController();
  reason: StopReason | undefined;
  pid: number | undefined;
  readonly children = new Set<string>();
  /** Resolves when the job's runner has finished and left the table of jobs in flight. */
  readonly settled: Promise<void>;
  private resolveSettled!: () => void;

  constructor(readonly jobId: string) {
    this.settled = new Promise((resolve) => (this.resolveSettled = resolve));
  }

  markSettled(): void {
    this.resolveSettled();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }
}

export class Runtime {
  readonly blob: BlobIO;
  readonly tracking: TrackingStore;
  readonly recorder: StatusRecorder;
  readonly options: ResolvedOptions;
  private readonly active = new Map<string, ActiveJob>();
  private readonly changeListeners: Array<() => void> = [];

  constructor(
    readonly host: JobHost,
    options: ExecutorOptions = {},
  ) {
    this.blob = new BlobIO(host.blob);
    this.tracking = getTrackingStore(host);
    this.recorder = new StatusRecorder(host, this.tracking, options.onStatusChange);
    this.options = {
      stepDelayInMs: options.stepDelayInMs ?? host.timings?.jobStepMs ?? 300,
      logUploadIntervalInMs: options.logUploadIntervalInMs ?? 2000,
      cancelGraceInMs: options.cancelGraceInMs ?? 3000,
    };
  }

  static key(jobId: string): string {
    return jobId.toLowerCase().replace(/\/+$/, '');
  }

  register(jobId: string): ActiveJob {
    const a = new ActiveJob(jobId);
    this.active.set(Runtime.key(jobId), a);
    this.changed();
    return a;
  }

  unregister(jobId: string): void {
    const a = this.active.get(Runtime.key(jobId));
    this.active.delete(Runtime.key(jobId));
    a?.markSettled();
    this.changed();
  }

  get(jobId: string): ActiveJob | undefined {
    return this.active.get(Runtime.key(jobId));
  }

  all(): ActiveJob[] {
    return [...this.active.values()];
  }

  /** Called whenever the set of jobs in flight (or a pid) changes. */
  onChange(fn: () => void): void {
    this.changeListeners.push(fn);
  }

  changed(): void {
    for (const fn of this.changeListeners) fn();
  }

  /** Ask a job in flight (and its children) to stop; false when it is not running here. */
  requestStop(jobId: string, reason: StopReason): boolean {
    const a = this.get(jobId);
    if (!a) return false;
    a.reason ??= reason;
    a.controller.abort();
    for (const child of a.children) this.requestStop(child, reason);
    return true;
  }

  /** Wait `ms`, or less when the signal fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return abortableSleep(ms, signal);
  }

  step(signal?: AbortSignal): Promise<void> {
    return this.sleep(this.options.stepDelayInMs, signal);
  }

  resolver(ws: WorkspaceRef): DataResolver {
    return new DataResolver(this.host.store, ws, this.host.blob);
  }

  scopeOf(ws: WorkspaceRef): string {
    return workspaceScope(ws.subscriptionId, ws.resourceGroup, ws.workspace);
  }

  workDirOf(name: string): string {
    return join(this.host.workDir, name);
  }

  /** MLflow tracking URI a job process uses (plain http(s), the workspace-scoped REST root). */
  trackingUri(ws: WorkspaceRef): string {
    return `${this.host.baseUrl().replace(/\/+$/, '')}/mlflow/v1.0${ws.id}`;
  }

  async loadJob(jobId: string): Promise<JobResource | undefined> {
    const job = await this.host.store.get<JobResource>(jobId);
    if (job) job.properties = asObj(job.properties) ?? {};
    return job;
  }

  /**
   * Create the job's MLflow run (run id = job name) in its experiment, with Azure-like system
   * tags, the job's tags, and the parent link for children.
   */
  async ensureRun(jobId: string, job: JobResource, parent?: ParentLink): Promise<void> {
    const { ws, name } = parseJobId(jobId);
    const props = job.properties;
    const experimentName = pickString(props, 'experimentName') ?? parent?.experimentName ?? 'Default';
    const createdBy = pickString(asObj(job.systemData), 'createdBy') ?? 'azureml-emulator';
    const tags: Record<string, string> = {
      ...stringMap(props.tags),
      'mlflow.user': createdBy,
      'mlflow.source.type': 'JOB',
      'mlflow.source.name': name,
    };
    if (parent) tags['mlflow.parentRunId'] = parent.name;
    const scope = this.scopeOf(ws);
    await this.tracking.ensureRun(scope, name, {
      experimentName,
      runName: pickString(props, 'displayName') ?? name,
      tags,
      userId: createdBy,
    });
    const created = pickString(asObj(job.systemData), 'createdAt');
    await this.tracking.updateHistory(scope, name, {
      ...(parent ? { parentRunId: parent.name } : {}),
      ...(created ? { createdTimeUtc: created } : {}),
      properties: stringMap(props.properties),
    });
  }
}
