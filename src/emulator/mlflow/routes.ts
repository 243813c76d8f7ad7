/**
 * MLflow REST (the subset Azure ML's tracking service answers) and run history, as routes of the
 * emulator. The MLflow handlers are mounted twice:
 *   /mlflow/v1.0/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}/api/2.0/mlflow/...
 *     (a workspace's tracking service: ARM token or a job's token)
 *   /api/2.0/mlflow/...   (a "generic MLflow server", anonymous, its own experiments and runs)
 * JSON shapes and errors follow MLflow's REST API reference: `{ "error_code": ..., "message": ... }`.
 */
import { workspaceRef } from '../data/resources.js';
import type { EmulatorRequest, EmulatorResponse, Handler, JobHost, Route, RouteModule } from '../types.js';
import { isMlflowError, MlflowError } from './errors.js';
import { RunHistory } from './history.js';
import {
  encodeNumber,
  GENERIC_SCOPE,
  getTrackingStore,
  parseKeyValues,
  workspaceScope,
  type Experiment,
  type Metric,
  type StoredRun,
  type TrackingStore,
} from './tracking.js';

const WS_PATH = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}';
export const WORKSPACE_MLFLOW_PREFIX = `/mlflow/v1.0${WS_PATH}/api/2.0/mlflow`;
export const GENERIC_MLFLOW_PREFIX = '/api/2.0/mlflow';
export const HISTORY_PREFIX = `/history/v1.0${WS_PATH}`;

type Params = Record<string, unknown>;

/** Request parameters: the query string for GET, the JSON body otherwise. */
function paramsOf(req: EmulatorRequest): Params {
  if (req.method === 'GET' || req.method === 'HEAD') {
    const out: Params = {};
    for (const [k, v] of req.query) {
      const prev = out[k];
      if (prev === undefined) out[k] = v;
      else out[k] = Array.isArray(prev) ? [...(prev as unknown[]), v] : [prev, v];
    }
    return out;
  }
  if (req.body === undefined) {
    if (req.rawBody.length > 0 && req.rawBody.toString('utf8').trim() !== '') {
      throw new MlflowError('BAD_REQUEST', 'The request body is not valid JSON');
    }
    return {};
  }
  if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
    throw new MlflowError('BAD_REQUEST', 'The request body must be a JSON object');
  }
  return req.body as Params;
}

function str(p: Params, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = p[k];
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

function required(p: Params, key: string, ...alternatives: string[]): string {
  const v = str(p, key, ...alternatives);
  if (v === undefined || v === '') {
    throw MlflowError.invalid(`Missing value for required parameter '${key}'. See the API docs for more information about request parameters.`);
  }
  return v;
}

function int(p: Params, key: string): number | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n)) throw MlflowError.invalid(`Invalid value ${JSON.stringify(v)} for parameter '${key}': expected an integer`);
  return n;
}

function list(p: Params, key: string): string[] | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map(String);
  return [String(v)];
}

export function metricJson(m: Metric): Record<string, unknown> {
  return { key: m.key, value: encodeNumber(m.value), timestamp: m.timestamp, step: m.step };
}

export function runJson(run: StoredRun): Record<string, unknown> {
  const { end_time, ...info } = run.info;
  return {
    info: end_time === undefined ? info : { ...info, end_time },
    data: {
      metrics: Object.values(run.latest).map(metricJson),
      params: Object.entries(run.params).map(([key, value]) => ({ key, value })),
      tags: Object.entries(run.tags).map(([key, value]) => ({ key, value })),
    },
    inputs: {},
  };
}

export function experimentJson(e: Experiment): Record<string, unknown> {
  return {
    experiment_id: e.experiment_id,
    name: e.name,
    artifact_location: e.artifact_location,
    lifecycle_stage: e.lifecycle_stage,
    last_update_time: e.last_update_time,
    creation_time: e.creation_time,
    tags: Object.entries(e.tags).map(([key, value]) => ({ key, value })),
  };
}

type ScopedHandler = (scope: string, p: Params, req: EmulatorRequest) => Promise<unknown>;

interface Endpoint {
  method: 'GET' | 'POST';
  path: string;
  operation: string;
  handle: ScopedHandler;
}

function endpoints(tracking: TrackingStore): Endpoint[] {
  const ok = {};
  return [
    {
      method: 'POST',
      path: 'experiments/create',
      operation: 'CreateExperiment',
      handle: async (scope, p) => {
        const e = await tracking.createExperiment(scope, { name: p.name, artifactLocation: p.artifact_location, tags: p.tags });
        return { experiment_id: e.experiment_id };
      },
    },
    {
      method: 'GET',
      path: 'experiments/get',
      operation: 'GetExperiment',
      handle: async (scope, p) => ({ experiment: experimentJson(await tracking.getExperiment(scope, required(p, 'experiment_id'))) }),
    },
    {
      method: 'GET',
      path: 'experiments/get-by-name',
      operation: 'GetExperimentByName',
      handle: async (scope, p) => ({ experiment: experimentJson(await tracking.getExperimentByName(scope, required(p, 'experiment_name'))) }),
    },
    ...(['POST', 'GET'] as const).map((method): Endpoint => ({
      method,
      path: 'experiments/search',
      operation: 'SearchExperiments',
      handle: async (scope, p) => {
        const page = await tracking.searchExperiments(scope, {
          filter: str(p, 'filter'),
          maxResults: int(p, 'max_results'),
          pageToken: str(p, 'page_token'),
          orderBy: list(p, 'order_by'),
          viewType: str(p, 'view_type'),
        });
        return { experiments: page.items.map(experimentJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
      },
    })),
    {
      method: 'POST',
      path: 'experiments/set-experiment-tag',
      operation: 'SetExperimentTag',
      handle: async (scope, p) => {
        await tracking.setExperimentTag(scope, required(p, 'experiment_id'), p.key, p.value);
        return ok;
      },
    },
    {
      method: 'POST',
      path: 'runs/create',
      operation: 'CreateRun',
      handle: async (scope, p) => {
        const start = int(p, 'start_time');
        const run = await tracking.createRun(scope, {
          experimentId: str(p, 'experiment_id'),
          runName: str(p, 'run_name'),
          userId: str(p, 'user_id'),
          startTime: start,
          tags: parseKeyValues(p.tags, 'tags'),
        });
        return { run: runJson(run) };
      },
    },
    {
      method: 'POST',
      path: 'runs/update',
      operation: 'UpdateRun',
      handle: async (scope, p) => {
        const run = await tracking.updateRun(scope, required(p, 'run_id', 'run_uuid'), { status: p.status, endTime: p.end_time, runName: p.run_name });
        return { run_info: runJson(run).info };
      },
    },
    {
      method: 'POST',
      path: 'runs/delete',
      operation: 'DeleteRun',
      handle: async (scope, p) => {
        await tracking.setLifecycle(scope, required(p, 'run_id'), 'deleted');
        return ok;
      },
    },
    {
      method: 'POST',
      path: 'runs/restore',
      operation: 'RestoreRun',
      handle: async (scope, p) => {
        await tracking.setLifecycle(scope, required(p, 'run_id'), 'active');
        return ok;
      },
    },
    {
      method: 'GET',
      path: 'runs/get',
      operation: 'GetRun',
      handle: async (scope, p) => ({ run: runJson(await tracking.getRun(scope, required(p, 'run_id', 'run_uuid'))) }),
    },
    {
      method: 'POST',
      path: 'runs/search',
      operation: 'SearchRuns',
      handle: async (scope, p) => {
        const page = await tracking.searchRuns(scope, {
          experimentIds: p.experiment_ids,
          filter: str(p, 'filter'),
          runViewType: str(p, 'run_view_type'),
          maxResults: int(p, 'max_results'),
          orderBy: list(p, 'order_by'),
          pageToken: str(p, 'page_token'),
        });
        return { runs: page.items.map(runJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
      },
    },
    {
      method: 'POST',
      path: 'runs/log-metric',
      operation: 'LogMetric',
      handle: async (scope, p) => {
        await tracking.logBatch(scope, required(p, 'run_id', 'run_uuid'), {
          metrics: [{ key: p.key, value: p.value, timestamp: p.timestamp, step: p.step }],
        });
        return ok;
      },
    },
    {
      method: 'POST',
      path: 'runs/log-batch',
      operation: 'LogBatch',
      handle: async (scope, p) => {
        await tracking.logBatch(scope, required(p, 'run_id'), { metrics: p.metrics as unknown[], params: p.params as unknown[], tags: p.tags as unknown[] });
        return ok;
      },
    },
    {
      method: 'POST',
      path: 'runs/log-parameter',
      operation: 'LogParam',
      handle: async (scope, p) => {
        await tracking.logBatch(scope, required(p, 'run_id', 'run_uuid'), { params: [{ key: p.key, value: p.value }] });
        return ok;
      },
    },
    {
      method: 'POST',
      path: 'runs/set-tag',
      operation: 'SetTag',
      handle: async (scope, p) => {
        await tracking.logBatch(scope, required(p, 'run_id', 'run_uuid'), { tags: [{ key: p.key, value: p.value }] });
        return ok;
      },
    },
    {
      method: 'POST',
      path: 'runs/delete-tag',
      operation: 'DeleteTag',
      handle: async (scope, p) => {
        await tracking.deleteTag(scope, required(p, 'run_id'), p.key);
        return ok;
      },
    },
    {
      method: 'GET',
      path: 'metrics/get-history',
      operation: 'GetMetricHistory',
      handle: async (scope, p) => {
        const page = await tracking.getMetricHistory(scope, required(p, 'run_id', 'run_uuid'), p.metric_key, {
          maxResults: int(p, 'max_results'),
          pageToken: str(p, 'page_token'),
        });
        return { metrics: page.items.map(metricJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
      },
    },
  ];
}

function errorResponse(err: unknown): EmulatorResponse {
  if (isMlflowError(err)) return { status: err.status, body: err.toBody() };
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, body: { error_code: 'INTERNAL_ERROR', message: `The local MLflow service failed: ${message}` } };
}

export function createMlflowModule(host: JobHost): RouteModule {
  const tracking = getTrackingStore(host);
  const history = new RunHistory(host, tracking);

  const workspaceHandler =
    (e: Endpoint): Handler =>
    async (req) => {
      try {
        const ws = workspaceRef(req.params.subscriptionId, req.params.resourceGroupName, req.params.workspaceName);
        if (!(await host.store.get(ws.id))) {
          throw MlflowError.notFound(
            `Workspace '${ws.workspace}' was not found in resource group '${ws.resourceGroup}' of subscription '${ws.subscriptionId}'`,
          );
        }
        const body = await e.handle(workspaceScope(ws.subscriptionId, ws.resourceGroup, ws.workspace), paramsOf(req), req);
        return { status: 200, body };
      } catch (err) {
        return errorResponse(err);
      }
    };

  const genericHandler =
    (e: Endpoint): Handler =>
    async (req) => {
      try {
        return { status: 200, body: await e.handle(GENERIC_SCOPE, paramsOf(req), req) };
      } catch (err) {
        return errorResponse(err);
      }
    };

  const historyRoute = (path: string, operation: string, fn: (req: EmulatorRequest) => Promise<EmulatorResponse>, method: Route['method'] = 'GET'): Route => ({
    method,
    pattern: `${HISTORY_PREFIX}${path}`,
    operation,
    auth: 'mlflow',
    handler: async (req) => {
      const ws = workspaceRef(req.params.subscriptionId, req.params.resourceGroupName, req.params.workspaceName);
      if (!(await host.store.get(ws.id))) {
        return {
          status: 404,
          body: { error: { code: 'UserError', message: `Workspace '${ws.workspace}' was not found`, innerError: { code: 'NotFoundError' } } },
        };
      }
      return fn(req);
    },
  });

  return {
    routes(): Route[] {
      const list = endpoints(tracking);
      return [
        ...list.map((e): Route => ({
          method: e.method,
          pattern: `${WORKSPACE_MLFLOW_PREFIX}/${e.path}`,
          operation: `MLflow_${e.operation}`,
          auth: 'mlflow',
          handler: workspaceHandler(e),
        })),
        ...list.map((e): Route => ({
          method: e.method,
          pattern: `${GENERIC_MLFLOW_PREFIX}/${e.path}`,
          operation: `MLflowGeneric_${e.operation}`,
          auth: 'none',
          handler: genericHandler(e),
        })),
        historyRoute('/runs/{runId}/details', 'RunHistory_GetRunDetails', (req) => history.details(req)),
        historyRoute('/runs/{runId}', 'RunHistory_GetRun', (req) => history.get(req)),
        historyRoute('/runs/{runId}/children', 'RunHistory_GetChildRuns', (req) => history.children(req)),
        // azure-ai-ml jobs.download: _restclient/runhistory/operations/_runs_operations.py get_run_data
        historyRoute('/rundata', 'RunHistory_GetRunData', (req) => history.runData(req), 'POST'),
      ];
    },
  };
}
