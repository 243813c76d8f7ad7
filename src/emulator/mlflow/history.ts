/**
 * The run-history service (`/history/v1.0/.../workspaces/{ws}/runs/{runId}[/details|/children]`)
 * as Microsoft's azure-ai-ml reads it in `_job_ops_helper.py`: `RunDetails` with `status`, times,
 * `error`, `warnings`, `properties` and `logFiles` (log name → SAS URL into Azurite).
 */
import { BlobIO } from '../data/blob-io.js';
import { lastSegment, pickString, stringMap, workspaceRef, type JobResource, type WorkspaceRef } from '../data/resources.js';
import { DataResolver, ARTIFACT_DATASTORE, runArtifactsLocation } from '../data/uris.js';
import type { EmulatorRequest, EmulatorResponse, JobHost } from '../types.js';
import type { RunStatus, StoredRun, TrackingStore } from './tracking.js';
import { workspaceScope } from './tracking.js';
import { asObj } from '../obj.js';

/** A run's parent: set by the executor, or the MLflow tag a client set. */
function parentOf(run: StoredRun): string | undefined {
  return run.history.parentRunId ?? run.tags['mlflow.parentRunId'];
}

function historyStatusOf(status: RunStatus): string {
  switch (status) {
    case 'RUNNING':
      return 'Running';
    case 'SCHEDULED':
      return 'NotStarted';
    case 'FINISHED':
      return 'Completed';
    case 'FAILED':
      return 'Failed';
    case 'KILLED':
      return 'Canceled';
  }
}

function notFound(req: EmulatorRequest, runId: string, ws: WorkspaceRef): EmulatorResponse {
  return {
    status: 404,
    body: {
      error: {
        code: 'UserError',
        message: `Run ${runId} was not found in workspace ${ws.workspace}`,
        innerError: { code: 'NotFoundError' },
      },
      correlation: { operation: req.ctx.correlationId ?? req.ctx.requestId, request: req.ctx.requestId },
      environment: 'local',
      time: req.ctx.now.toISOString(),
    },
  };
}

export class RunHistory {
  private readonly blob: BlobIO;

  constructor(
    private readonly host: JobHost,
    private readonly tracking: TrackingStore,
  ) {
    this.blob = new BlobIO(host.blob);
  }

  private wsOf(req: EmulatorRequest): WorkspaceRef {
    return workspaceRef(req.params.subscriptionId, req.params.resourceGroupName, req.params.workspaceName);
  }

  private async load(ws: WorkspaceRef, runId: string): Promise<{ run?: StoredRun; job?: JobResource }> {
    const scope = workspaceScope(ws.subscriptionId, ws.resourceGroup, ws.workspace);
    const run = await this.tracking.findRun(scope, runId);
    const job = await this.host.store.get<JobResource>(`${ws.id}/jobs/${runId}`);
    return { run, job: job ?? undefined };
  }

  private async rootOf(ws: WorkspaceRef, run: StoredRun | undefined, runId: string): Promise<string> {
    const scope = workspaceScope(ws.subscriptionId, ws.resourceGroup, ws.workspace);
    let current = run;
    let id = runId;
    for (let i = 0; i < 10 && current && parentOf(current); i++) {
      id = parentOf(current)!;
      current = await this.tracking.findRun(scope, id);
    }
    return id;
  }

  /** The run-history `Run` (and with `details`, the `RunDetails` fields such as `logFiles`). */
  private async view(req: EmulatorRequest, ws: WorkspaceRef, runId: string, details: boolean): Promise<Record<string, unknown> | undefined> {
    const { run, job } = await this.load(ws, runId);
    if (!run && !job) return undefined;
    const props = asObj(job?.properties) ?? {};
    const h = run?.history;
    const status = pickString(props, 'status') ?? (run ? historyStatusOf(run.info.status) : 'NotStarted');
    const computeId = pickString(props, 'computeId');
    const body: Record<string, unknown> = {
      runId,
      runUuid: run?.info.run_uuid ?? runId,
      parentRunId: (run && parentOf(run)) ?? null,
      rootRunId: await this.rootOf(ws, run, runId),
      experimentId: run?.info.experiment_id ?? null,
      name: runId,
      displayName: pickString(props, 'displayName') ?? run?.info.run_name ?? runId,
      description: pickString(props, 'description') ?? null,
      status,
      target: computeId ? lastSegment(computeId) : 'local',
      createdTimeUtc: pickString(asObj(job?.systemData), 'createdAt') ?? h?.createdTimeUtc ?? null,
      startTimeUtc: h?.startTimeUtc ?? null,
      endTimeUtc: h?.endTimeUtc ?? null,
      error: h?.error ?? null,
      warnings: h?.warnings ?? null,
      tags: { ...stringMap(props.tags), ...(run?.tags ?? {}) },
      properties: { ...stringMap(props.properties), ...(h?.properties ?? {}) },
      runType: pickString(props, 'jobType') ?? null,
    };
    if (h?.startTimeUtc && h.endTimeUtc) {
      body.duration = msToTimeSpan(Date.parse(h.endTimeUtc) - Date.parse(h.startTimeUtc));
    }
    if (details) {
      const logFiles: Record<string, string> = {};
      if (h && h.logFiles.length > 0) {
        const container = await new DataResolver(this.host.store, ws, this.host.blob).datastoreContainer(ARTIFACT_DATASTORE).catch(() => 'azureml');
        for (const f of h.logFiles) {
          logFiles[f] = this.blob.sasUrl({ container, path: runArtifactsLocation(runId).path + f }, req.ctx.now);
        }
      }
      body.logFiles = logFiles;
      body.revision = 1;
    }
    return body;
  }

  async details(req: EmulatorRequest): Promise<EmulatorResponse> {
    const ws = this.wsOf(req);
    const runId = req.params.runId;
    const body = await this.view(req, ws, runId, true);
    return body ? { status: 200, body } : notFound(req, runId, ws);
  }

  async get(req: EmulatorRequest): Promise<EmulatorResponse> {
    const ws = this.wsOf(req);
    const runId = req.params.runId;
    const body = await this.view(req, ws, runId, false);
    return body ? { status: 200, body } : notFound(req, runId, ws);
  }

  /**
   * `POST …/rundata` with `{ runId, selectRunMetadata, … }` → `GetRunDataResult`
   * `{ runMetadata: Run, runDefinition, jobSpecification }`, what azure-ai-ml's `jobs.download`
   * reads (azure/ai/ml/operations/_run_operations.py get_run_data;
   * _restclient/runhistory/models/_models_py3.py GetRunDataRequest / GetRunDataResult).
   * `runMetadata.outputs` (named outputs as data-asset references) is empty: the emulator does
   * not register job outputs as data assets, so the SDK falls back to the job's `outputs`.
   */
  async runData(req: EmulatorRequest): Promise<EmulatorResponse> {
    const ws = this.wsOf(req);
    const runId = pickString(asObj(req.body) ?? {}, 'runId');
    if (!runId) {
      return { status: 400, body: { error: { code: 'UserError', message: 'runId is required.', innerError: { code: 'BadArgument' } } } };
    }
    const run = await this.view(req, ws, runId, false);
    if (!run) return notFound(req, runId, ws);
    return { status: 200, body: { runMetadata: { ...run, outputs: {} }, runDefinition: null, jobSpecification: null } };
  }

  async children(req: EmulatorRequest): Promise<EmulatorResponse> {
    const ws = this.wsOf(req);
    const runId = req.params.runId;
    const { run, job } = await this.load(ws, runId);
    if (!run && !job) return notFound(req, runId, ws);
    const scope = workspaceScope(ws.subscriptionId, ws.resourceGroup, ws.workspace);
    const value: unknown[] = [];
    for (const child of await this.tracking.childRuns(scope, runId)) {
      const v = await this.view(req, ws, child.info.run_id, false);
      if (v) value.push(v);
    }
    return { status: 200, body: { value, nextLink: null } };
  }
}

/** .NET TimeSpan text (`00:01:02.5000000`), as run history writes durations. */
function msToTimeSpan(ms: number): string {
  const total = Math.max(0, ms);
  const h = Math.floor(total / 3600_000);
  const m = Math.floor((total % 3600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const frac = String(Math.round((total % 1000) * 10_000)).padStart(7, '0');
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${frac}`;
}
