/**
 * The tracking store behind the MLflow REST routes and the run-history routes: experiments, runs
 * (info, params, tags, latest metrics, run-history extras) and metric histories, per scope (one
 * scope per workspace, plus the scope of the plain `/api/2.0/mlflow` "generic MLflow server").
 *
 * Everything lives in memory and is written behind to a folder, so it survives a restart:
 *   <root>/<scope>/experiments.json                 every experiment of the scope
 *   <root>/<scope>/runs/<run>.json                  run info, params, tags, latest metrics, history
 *   <root>/<scope>/runs/<run>.metrics.jsonl         every metric point, one `[key,value,ts,step]` a line
 * Metric histories are kept as per-run, per-key parallel number arrays (not one object per point),
 * loaded from disk only when a run's history is first touched after a restart.
 *
 * One store per {@link JobHost} ({@link getTrackingStore}), shared by the executor (which creates a
 * job's run and records status, errors and log files) and the MLflow / run-history routes.
 */
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobHost } from '../types.js';
import { readJsonFile } from '../json-file.js';
import { MlflowError } from './errors.js';
import { WriteBehind } from './persist.js';
import {
  compareBy,
  decodePageToken,
  encodePageToken,
  EXPERIMENT_ATTRIBUTES,
  matches,
  azureMlUnsupportedFilter,
  parseFilter,
  parseOrderBy,
  RUN_ATTRIBUTES,
  type Accessor,
  type Entity,
} from './search.js';

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
export type LifecycleStage = 'active' | 'deleted';
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number;
  last_update_time: number;
  tags: Record<string, string>;
}

export interface RunInfo {
  run_id: string;
  run_uuid: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: LifecycleStage;
}

/** The run-history view of an error (`ErrorResponse` of the run-history service). */
export interface RunError {
  error: {
    code: string;
    message: string;
    target?: string;
    details?: unknown[];
    innerError?: { code: string };
    messageFormat?: string;
    messageParameters?: Record<string, string>;
  };
  time?: string;
}

export interface RunWarning {
  source: string;
  message: string;
}

/** What run history shows beyond MLflow: times, error, warnings, properties, parent, log files. */
export interface RunHistory {
  createdTimeUtc: string;
  startTimeUtc?: string;
  endTimeUtc?: string;
  error?: RunError;
  warnings?: RunWarning[];
  properties: Record<string, string>;
  parentRunId?: string;
  /** Log file names under the run's artifact folder (`user_logs/std_log.txt`). */
  logFiles: string[];
}

export interface StoredRun {
  info: RunInfo;
  params: Record<string, string>;
  tags: Record<string, string>;
  latest: Record<string, Metric>;
  history: RunHistory;
}

/** MLflow's limits (mlflow/utils/validation.py). */
export const LIMITS = {
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchTotal: 1000,
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  maxRunsPerPage: 50000,
  defaultRunsPerPage: 1000,
  maxHistoryPerPage: 25000,
  maxExperimentsPerPage: 50000,
  defaultExperimentsPerPage: 1000,
} as const;

export const DEFAULT_EXPERIMENT_NAME = 'Default';
/** Scope key of the plain `/api/2.0/mlflow` routes. */
export const GENERIC_SCOPE = 'generic';

/** True for the scope of a workspace's tracking service (not the generic MLflow server). */
export function isWorkspaceScope(scopeKey: string): boolean {
  return scopeKey.startsWith('ws:');
}

/** Scope key of a workspace (lower case, like ARM ids). */
export function workspaceScope(subscriptionId: string, resourceGroup: string, workspace: string): string {
  return `ws:${subscriptionId}/${resourceGroup}/${workspace}`.toLowerCase();
}

class Series {
  values: number[] = [];
  timestamps: number[] = [];
  steps: number[] = [];
  sorted = true;

  push(value: number, timestamp: number, step: number): void {
    const n = this.values.length;
    if (n > 0 && cmpPoint(this.timestamps[n - 1], this.steps[n - 1], this.values[n - 1], timestamp, step, value) > 0) {
      this.sorted = false;
    }
    this.values.push(value);
    this.timestamps.push(timestamp);
    this.steps.push(step);
  }

  /** MLflow orders a history by timestamp, then step, then value. */
  ensureSorted(): void {
    if (this.sorted) return;
    const idx = this.values.map((_, i) => i);
    idx.sort((a, b) => cmpPoint(this.timestamps[a], this.steps[a], this.values[a], this.timestamps[b], this.steps[b], this.values[b]));
    this.values = idx.map((i) => this.values[i]);
    this.timestamps = idx.map((i) => this.timestamps[i]);
    this.steps = idx.map((i) => this.steps[i]);
    this.sorted = true;
  }

  get length(): number {
    return this.values.length;
  }
}

function cmpPoint(t1: number, s1: number, v1: number, t2: number, s2: number, v2: number): number {
  if (t1 !== t2) return t1 < t2 ? -1 : 1;
  if (s1 !== s2) return s1 < s2 ? -1 : 1;
  if (v1 === v2 || (Number.isNaN(v1) && Number.isNaN(v2))) return 0;
  if (Number.isNaN(v1)) return 1;
  if (Number.isNaN(v2)) return -1;
  return v1 < v2 ? -1 : 1;
}

/** MLflow's "latest" metric: the greatest (step, timestamp, value). */
function isNewer(candidate: Metric, current: Metric | undefined): boolean {
  if (!current) return true;
  if (candidate.step !== current.step) return candidate.step > current.step;
  if (candidate.timestamp !== current.timestamp) return candidate.timestamp > current.timestamp;
  if (Number.isNaN(current.value)) return !Number.isNaN(candidate.value);
  return candidate.value > current.value;
}

interface Scope {
  key: string;
  dir: string;
  experiments: Map<string, Experiment>;
  runs: Map<string, StoredRun>;
  /** Loaded metric histories; a run missing here has its history on disk only (or none). */
  metrics: Map<string, Map<string, Series>>;
  metricLoads: Map<string, Promise<Map<string, Series>>>;
}

/** JSON numbers cannot hold NaN or infinities; MLflow writes them as strings. */
export function encodeNumber(v: number): number | string {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? 'Infinity' : '-Infinity';
}

export function decodeNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === 'NaN' || t === 'nan') return NaN;
    if (t === 'Infinity' || t === 'inf' || t === '+Infinity') return Infinity;
    if (t === '-Infinity' || t === '-inf') return -Infinity;
    if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  }
  return undefined;
}

function safeFileName(s: string): string {
  return encodeURIComponent(s).replace(/\*/g, '%2A').replace(/^\./, '%2E');
}

function scopeDirName(key: string): string {
  if (key === GENERIC_SCOPE) return 'generic';
  return join('workspaces', ...key.replace(/^ws:/, '').split('/').map(safeFileName));
}

const KEY_PATTERN = /^[A-Za-z0-9_\-. /]+$/;

function validateKey(kind: string, key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw MlflowError.invalid(`Missing value for required parameter 'key' of ${kind}`);
  }
  if (key.length > LIMITS.keyLength) {
    throw MlflowError.invalid(`${kind} key '${key.slice(0, 40)}...' had length ${key.length}, which exceeded length limit of ${LIMITS.keyLength}`);
  }
  if (!KEY_PATTERN.test(key) || key.split('/').some((part) => part === '..')) {
    throw MlflowError.invalid(
      `Invalid ${kind} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).`,
    );
  }
  return key;
}

export interface CreateRunInput {
  runId?: string;
  experimentId?: string;
  runName?: string;
  userId?: string;
  startTime?: number;
  tags?: KeyValue[];
}

export interface BatchInput {
  metrics?: unknown[];
  params?: unknown[];
  tags?: unknown[];
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

export class TrackingStore {
  private readonly scopes = new Map<string, Promise<Scope>>();
  private readonly writer = new WriteBehind();

  constructor(
    readonly root: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  // ------------------------------------------------------------------ scopes and persistence

  private scope(key: string): Promise<Scope> {
    let p = this.scopes.get(key);
    if (!p) {
      p = this.loadScope(key);
      this.scopes.set(key, p);
      p.catch(() => this.scopes.delete(key));
    }
    return p;
  }

  private async loadScope(key: string): Promise<Scope> {
    const dir = join(this.root, scopeDirName(key));
    const scope: Scope = { key, dir, experiments: new Map(), runs: new Map(), metrics: new Map(), metricLoads: new Map() };
    const experiments = await readJson<Experiment[]>(join(dir, 'experiments.json'));
    for (const e of experiments ?? []) scope.experiments.set(e.experiment_id, e);
    let names: string[] = [];
    try {
      names = await readdir(join(dir, 'runs'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const run = await readJson<StoredRun>(join(dir, 'runs', name));
      if (run?.info?.run_id) scope.runs.set(run.info.run_id, run);
    }
    return scope;
  }

  private saveExperiments(scope: Scope): void {
    this.writer.writeJson(join(scope.dir, 'experiments.json'), () => [...scope.experiments.values()]);
  }

  private saveRun(scope: Scope, run: StoredRun): void {
    this.writer.writeJson(join(scope.dir, 'runs', `${safeFileName(run.info.run_id)}.json`), () => run);
  }

  private metricsFile(scope: Scope, runId: string): string {
    return join(scope.dir, 'runs', `${safeFileName(runId)}.metrics.jsonl`);
  }

  private async seriesOf(scope: Scope, runId: string): Promise<Map<string, Series>> {
    const loaded = scope.metrics.get(runId);
    if (loaded) return loaded;
    let p = scope.metricLoads.get(runId);
    if (!p) {
      p = (async () => {
        const map = new Map<string, Series>();
        let text = '';
        try {
          text = await readFile(this.metricsFile(scope, runId), 'utf8');
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
        for (const line of text.split('\n')) {
          if (line.length === 0) continue;
          let rec: unknown;
          try {
            rec = JSON.parse(line);
          } catch {
            continue; // a torn last line after a crash
          }
          if (!Array.isArray(rec) || rec.length < 4) continue;
          const value = decodeNumber(rec[1]);
          if (typeof rec[0] !== 'string' || value === undefined) continue;
          let s = map.get(rec[0]);
          if (!s) {
            s = new Series();
            map.set(rec[0], s);
          }
          s.push(value, Number(rec[2]), Number(rec[3]));
        }
        scope.metrics.set(runId, map);
        scope.metricLoads.delete(runId);
        return map;
      })();
      scope.metricLoads.set(runId, p);
    }
    return p;
  }

  /** Resolves when all state written so far is on disk. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  private nowMs(): number {
    return this.clock().getTime();
  }

  // ------------------------------------------------------------------ experiments

  private artifactLocation(scope: Scope, experimentId: string): string {
    return scope.key === GENERIC_SCOPE ? `mlflow-artifacts:/${experimentId}` : `azureml://datastores/workspaceartifactstore/paths/ExperimentRun`;
  }

  private newExperimentId(scope: Scope): string {
    if (scope.key !== GENERIC_SCOPE) return randomUUID();
    let max = -1;
    for (const id of scope.experiments.keys()) {
      const n = Number(id);
      if (Number.isInteger(n) && n > max) max = n;
    }
    return String(max + 1);
  }

  async createExperiment(scopeKey: string, input: { name?: unknown; artifactLocation?: unknown; tags?: unknown }): Promise<Experiment> {
    const scope = await this.scope(scopeKey);
    const name = input.name;
    if (typeof name !== 'string' || name.trim() === '') {
      throw MlflowError.invalid(`Missing value for required parameter 'name'. See the API docs for more information about request parameters.`);
    }
    if (this.findByName(scope, name)) {
      throw MlflowError.exists(`Experiment '${name}' already exists.`);
    }
    return this.addExperiment(scope, name, input.artifactLocation, parseKeyValues(input.tags, 'tags'));
  }

  private addExperiment(scope: Scope, name: string, artifactLocation: unknown, tags: KeyValue[]): Experiment {
    const now = this.nowMs();
    // A generic MLflow server's first experiment is the built-in "Default" with id "0".
    const id = scope.key === GENERIC_SCOPE && name === DEFAULT_EXPERIMENT_NAME && !scope.experiments.has('0') ? '0' : this.newExperimentId(scope);
    const exp: Experiment = {
      experiment_id: id,
      name,
      artifact_location: typeof artifactLocation === 'string' && artifactLocation !== '' ? artifactLocation : this.artifactLocation(scope, id),
      lifecycle_stage: 'active',
      creation_time: now,
      last_update_time: now,
      tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
    };
    scope.experiments.set(id, exp);
    this.saveExperiments(scope);
    return exp;
  }

  private findByName(scope: Scope, name: string): Experiment | undefined {
    for (const e of scope.experiments.values()) if (e.name === name) return e;
    return undefined;
  }

  async getExperiment(scopeKey: string, experimentId: string): Promise<Experiment> {
    const scope = await this.scope(scopeKey);
    const e = scope.experiments.get(experimentId);
    if (!e) throw MlflowError.notFound(`Could not find experiment with ID ${experimentId}`);
    return e;
  }

  async getExperimentByName(scopeKey: string, name: string): Promise<Experiment> {
    const scope = await this.scope(scopeKey);
    const e = this.findByName(scope, name);
    if (!e) throw MlflowError.notFound(`Could not find experiment with name '${name}'`);
    return e;
  }

  /** The experiment called `name`, created when missing (a job's experiment). */
  async ensureExperiment(scopeKey: string, name: string): Promise<Experiment> {
    const scope = await this.scope(scopeKey);
    return this.findByName(scope, name) ?? this.addExperiment(scope, name, undefined, []);
  }

  async setExperimentTag(scopeKey: string, experimentId: string, key: unknown, value: unknown): Promise<void> {
    const scope = await this.scope(scopeKey);
    const e = scope.experiments.get(experimentId);
    if (!e) throw MlflowError.notFound(`Could not find experiment with ID ${experimentId}`);
    e.tags[validateKey('Tag', key)] = stringValue(value, 'value');
    e.last_update_time = this.nowMs();
    this.saveExperiments(scope);
  }

  async searchExperiments(
    scopeKey: string,
    opts: { filter?: string; maxResults?: number; pageToken?: string; orderBy?: string[]; viewType?: string },
  ): Promise<Page<Experiment>> {
    const scope = await this.scope(scopeKey);
    const maxResults = opts.maxResults ?? LIMITS.defaultExperimentsPerPage;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > LIMITS.maxExperimentsPerPage) {
      throw MlflowError.invalid(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be between 1 and ${LIMITS.maxExperimentsPerPage}.`);
    }
    const view = parseViewType(opts.viewType);
    const comparisons = parseFilter(opts.filter, EXPERIMENT_ATTRIBUTES);
    const orderBy = (opts.orderBy ?? []).map((o) => parseOrderBy(o, EXPERIMENT_ATTRIBUTES));
    const accessor =
      (e: Experiment): Accessor =>
      (entity: Entity) => {
        if (entity.type === 'tag') return e.tags[entity.key];
        if (entity.type === 'attribute') return (e as unknown as Record<string, number | string | undefined>)[entity.key];
        return undefined;
      };
    const list = [...scope.experiments.values()]
      .filter((e) => stageVisible(e.lifecycle_stage, view))
      .filter((e) => matches(comparisons, accessor(e)))
      .sort((a, b) => {
        const c = compareBy(orderBy, accessor(a), accessor(b));
        if (c !== 0) return c;
        // MLflow's default: most recently created first, then by id.
        if (a.creation_time !== b.creation_time) return b.creation_time - a.creation_time;
        return a.experiment_id < b.experiment_id ? -1 : a.experiment_id > b.experiment_id ? 1 : 0;
      });
    return paginate(list, decodePageToken(opts.pageToken), maxResults);
  }

  // ------------------------------------------------------------------ runs

  async createRun(scopeKey: string, input: CreateRunInput): Promise<StoredRun> {
    const scope = await this.scope(scopeKey);
    let experimentId = input.experimentId;
    if (experimentId === undefined || experimentId === '') {
      experimentId = (this.findByName(scope, DEFAULT_EXPERIMENT_NAME) ?? this.addExperiment(scope, DEFAULT_EXPERIMENT_NAME, undefined, [])).experiment_id;
    }
    const exp = scope.experiments.get(experimentId);
    if (!exp) throw MlflowError.notFound(`Could not find experiment with ID ${experimentId}`);
    if (exp.lifecycle_stage !== 'active') {
      throw new MlflowError('INVALID_STATE', `The experiment ${experimentId} must be in the 'active' state. Current state is ${exp.lifecycle_stage}.`);
    }
    const runId = input.runId ?? randomUUID().replace(/-/g, '');
    if (scope.runs.has(runId)) throw MlflowError.exists(`Run '${runId}' already exists.`);
    const tags: Record<string, string> = {};
    for (const t of input.tags ?? []) tags[validateKey('Tag', t.key)] = t.value;
    const runName = input.runName ?? tags['mlflow.runName'] ?? runId;
    tags['mlflow.runName'] = runName;
    if (input.userId) tags['mlflow.user'] ??= input.userId;
    const start = input.startTime ?? this.nowMs();
    const run: StoredRun = {
      info: {
        run_id: runId,
        run_uuid: runId,
        run_name: runName,
        experiment_id: experimentId,
        user_id: input.userId ?? '',
        status: 'RUNNING',
        start_time: start,
        artifact_uri:
          scope.key === GENERIC_SCOPE
            ? `mlflow-artifacts:/${experimentId}/${runId}/artifacts`
            : `azureml://datastores/workspaceartifactstore/paths/ExperimentRun/dcid.${runId}/`,
        lifecycle_stage: 'active',
      },
      params: {},
      tags,
      latest: {},
      history: { createdTimeUtc: new Date(start).toISOString(), properties: {}, logFiles: [] },
    };
    scope.runs.set(runId, run);
    scope.metrics.set(runId, new Map());
    this.saveRun(scope, run);
    return run;
  }

  /**
   * The run with this id, created (status SCHEDULED) when missing: a job's run, whose id is the
   * job name. Experiment and tags apply on creation only; `tags` are merged when it exists.
   */
  async ensureRun(
    scopeKey: string,
    runId: string,
    opts: { experimentName: string; runName?: string; tags?: Record<string, string>; userId?: string },
  ): Promise<StoredRun> {
    const scope = await this.scope(scopeKey);
    const existing = scope.runs.get(runId);
    if (existing) {
      if (opts.tags) Object.assign(existing.tags, opts.tags);
      this.saveRun(scope, existing);
      return existing;
    }
    const exp = await this.ensureExperiment(scopeKey, opts.experimentName);
    const run = await this.createRun(scopeKey, {
      runId,
      experimentId: exp.experiment_id,
      runName: opts.runName ?? runId,
      userId: opts.userId,
      tags: Object.entries(opts.tags ?? {}).map(([key, value]) => ({ key, value })),
    });
    run.info.status = 'SCHEDULED';
    this.saveRun(scope, run);
    return run;
  }

  async findRun(scopeKey: string, runId: string): Promise<StoredRun | undefined> {
    const scope = await this.scope(scopeKey);
    return scope.runs.get(runId);
  }

  async getRun(scopeKey: string, runId: unknown): Promise<StoredRun> {
    if (typeof runId !== 'string' || runId === '') {
      throw MlflowError.invalid(`Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.`);
    }
    const run = await this.findRun(scopeKey, runId);
    if (!run) throw MlflowError.notFound(`Run '${runId}' not found`);
    return run;
  }

  private async activeRun(scopeKey: string, runId: unknown): Promise<{ scope: Scope; run: StoredRun }> {
    const run = await this.getRun(scopeKey, runId);
    if (run.info.lifecycle_stage !== 'active') {
      throw new MlflowError('INVALID_STATE', `The run ${run.info.run_id} must be in the 'active' state. Current state is ${run.info.lifecycle_stage}.`);
    }
    return { scope: await this.scope(scopeKey), run };
  }

  async updateRun(scopeKey: string, runId: unknown, patch: { status?: unknown; endTime?: unknown; runName?: unknown }): Promise<StoredRun> {
    const { scope, run } = await this.activeRun(scopeKey, runId);
    if (patch.status !== undefined) {
      if (typeof patch.status !== 'string' || !RUN_STATUSES.includes(patch.status as RunStatus)) {
        throw MlflowError.invalid(`Invalid value ${JSON.stringify(patch.status)} for parameter 'status'; expected one of ${RUN_STATUSES.join(', ')}`);
      }
      run.info.status = patch.status as RunStatus;
    }
    if (patch.endTime !== undefined && patch.endTime !== null) {
      const end = decodeNumber(patch.endTime);
      if (end === undefined || !Number.isFinite(end)) throw MlflowError.invalid(`Invalid value ${JSON.stringify(patch.endTime)} for parameter 'end_time'`);
      run.info.end_time = end;
    }
    if (typeof patch.runName === 'string' && patch.runName !== '') {
      run.info.run_name = patch.runName;
      run.tags['mlflow.runName'] = patch.runName;
    }
    this.saveRun(scope, run);
    return run;
  }

  async setLifecycle(scopeKey: string, runId: unknown, stage: LifecycleStage): Promise<void> {
    const run = await this.getRun(scopeKey, runId);
    run.info.lifecycle_stage = stage;
    this.saveRun(await this.scope(scopeKey), run);
  }

  /** `runs/log-batch` (and the single-item routes): validates everything before changing anything. */
  async logBatch(scopeKey: string, runId: unknown, batch: BatchInput): Promise<void> {
    const metrics = asArray(batch.metrics, 'metrics');
    const params = asArray(batch.params, 'params');
    const tags = asArray(batch.tags, 'tags');
    if (metrics.length > LIMITS.batchMetrics) {
      throw MlflowError.invalid(`A batch logging request can contain at most ${LIMITS.batchMetrics} metrics. Got ${metrics.length} metrics.`);
    }
    if (params.length > LIMITS.batchParams) {
      throw MlflowError.invalid(`A batch logging request can contain at most ${LIMITS.batchParams} params. Got ${params.length} params.`);
    }
    if (tags.length > LIMITS.batchTags) {
      throw MlflowError.invalid(`A batch logging request can contain at most ${LIMITS.batchTags} tags. Got ${tags.length} tags.`);
    }
    if (metrics.length + params.length + tags.length > LIMITS.batchTotal) {
      throw MlflowError.invalid(
        `A batch logging request can contain at most ${LIMITS.batchTotal} total metrics, params and tags. Got ${metrics.length + params.length + tags.length}.`,
      );
    }
    const parsedMetrics = metrics.map(parseMetric);
    const parsedParams = params.map((p) => parseKeyValue(p, 'Param', LIMITS.paramValueLength));
    const parsedTags = tags.map((t) => parseKeyValue(t, 'Tag', LIMITS.tagValueLength));
    const { scope, run } = await this.activeRun(scopeKey, runId);
    const seen = new Map<string, string>();
    for (const p of parsedParams) {
      const before = run.params[p.key] ?? seen.get(p.key);
      if (before !== undefined && before !== p.value) {
        throw MlflowError.invalid(
          `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${before}' for run ID='${run.info.run_id}'. Attempted logging new value '${p.value}'.`,
        );
      }
      seen.set(p.key, p.value);
    }
    for (const p of parsedParams) run.params[p.key] = p.value;
    for (const t of parsedTags) {
      run.tags[t.key] = t.value;
      if (t.key === 'mlflow.runName') run.info.run_name = t.value;
    }
    if (parsedMetrics.length > 0) {
      const series = await this.seriesOf(scope, run.info.run_id);
      let lines = '';
      for (const m of parsedMetrics) {
        let s = series.get(m.key);
        if (!s) {
          s = new Series();
          series.set(m.key, s);
        }
        s.push(m.value, m.timestamp, m.step);
        if (isNewer(m, run.latest[m.key])) run.latest[m.key] = m;
        lines += JSON.stringify([m.key, encodeNumber(m.value), m.timestamp, m.step]) + '\n';
      }
      this.writer.append(this.metricsFile(scope, run.info.run_id), lines);
    }
    this.saveRun(scope, run);
  }

  async deleteTag(scopeKey: string, runId: unknown, key: unknown): Promise<void> {
    const { scope, run } = await this.activeRun(scopeKey, runId);
    if (typeof key !== 'string' || !(key in run.tags)) {
      throw MlflowError.invalid(`No tag with name: ${String(key)} in run with id ${run.info.run_id}`);
    }
    delete run.tags[key];
    this.saveRun(scope, run);
  }

  async getMetricHistory(scopeKey: string, runId: unknown, key: unknown, opts: { maxResults?: number; pageToken?: string }): Promise<Page<Metric>> {
    const run = await this.getRun(scopeKey, runId);
    if (typeof key !== 'string' || key === '') {
      throw MlflowError.invalid(`Missing value for required parameter 'metric_key'. See the API docs for more information about request parameters.`);
    }
    const scope = await this.scope(scopeKey);
    const s = (await this.seriesOf(scope, run.info.run_id)).get(key);
    const paged = opts.maxResults !== undefined || (opts.pageToken !== undefined && opts.pageToken !== '');
    const maxResults = opts.maxResults ?? LIMITS.maxHistoryPerPage;
    if (paged && (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > LIMITS.maxHistoryPerPage)) {
      throw MlflowError.invalid(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be between 1 and ${LIMITS.maxHistoryPerPage}.`);
    }
    const offset = decodePageToken(opts.pageToken);
    if (!s) return { items: [] };
    s.ensureSorted();
    const end = paged ? Math.min(s.length, offset + maxResults) : s.length;
    const items: Metric[] = [];
    for (let i = offset; i < end; i++) items.push({ key, value: s.values[i], timestamp: s.timestamps[i], step: s.steps[i] });
    return end < s.length ? { items, nextPageToken: encodePageToken(end) } : { items };
  }

  async searchRuns(
    scopeKey: string,
    opts: { experimentIds?: unknown; filter?: string; runViewType?: string; maxResults?: number; orderBy?: string[]; pageToken?: string },
  ): Promise<Page<StoredRun>> {
    const scope = await this.scope(scopeKey);
    const ids = opts.experimentIds;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string' || typeof x === 'number')) {
      throw MlflowError.invalid(`runs/search needs 'experiment_ids': a non-empty list of experiment ids to search in`);
    }
    const experimentIds = new Set(ids.map(String));
    const maxResults = opts.maxResults ?? LIMITS.defaultRunsPerPage;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > LIMITS.maxRunsPerPage) {
      throw MlflowError.invalid(
        `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${LIMITS.maxRunsPerPage}, but got value ${maxResults}`,
      );
    }
    const view = parseViewType(opts.runViewType);
    const comparisons = parseFilter(opts.filter, RUN_ATTRIBUTES);
    // A workspace's tracking service answers as Azure ML's MLflow does (see azureMlUnsupportedFilter);
    // the generic MLflow server scope keeps open-source MLflow's grammar.
    const refused = isWorkspaceScope(scopeKey) ? azureMlUnsupportedFilter(comparisons) : undefined;
    if (refused) throw MlflowError.invalid(`Invalid filter '${opts.filter}': ${refused}`);
    const orderBy = (opts.orderBy ?? []).map((o) => parseOrderBy(o, RUN_ATTRIBUTES));
    const list = [...scope.runs.values()]
      .filter((r) => experimentIds.has(r.info.experiment_id))
      .filter((r) => stageVisible(r.info.lifecycle_stage, view))
      .filter((r) => matches(comparisons, runAccessor(r)))
      .sort((a, b) => {
        const c = compareBy(orderBy, runAccessor(a), runAccessor(b));
        if (c !== 0) return c;
        if (a.info.start_time !== b.info.start_time) return b.info.start_time - a.info.start_time;
        return a.info.run_id < b.info.run_id ? -1 : a.info.run_id > b.info.run_id ? 1 : 0;
      });
    return paginate(list, decodePageToken(opts.pageToken), maxResults);
  }

  /** Every run in the scope whose `mlflow.parentRunId` tag is `parentRunId` (oldest first). */
  async childRuns(scopeKey: string, parentRunId: string): Promise<StoredRun[]> {
    const scope = await this.scope(scopeKey);
    return [...scope.runs.values()]
      .filter((r) => r.tags['mlflow.parentRunId'] === parentRunId && r.info.lifecycle_stage === 'active')
      .sort((a, b) => a.info.start_time - b.info.start_time || (a.info.run_id < b.info.run_id ? -1 : 1));
  }

  // ------------------------------------------------------------------ run history

  /** Change a run's run-history record (the executor: times, error, properties, log files). */
  async updateHistory(scopeKey: string, runId: string, patch: Partial<RunHistory>): Promise<StoredRun> {
    const scope = await this.scope(scopeKey);
    const run = scope.runs.get(runId);
    if (!run) throw MlflowError.notFound(`Run '${runId}' not found`);
    const { properties, logFiles, warnings, ...rest } = patch;
    Object.assign(run.history, rest);
    if (properties) Object.assign(run.history.properties, properties);
    if (warnings) run.history.warnings = [...(run.history.warnings ?? []), ...warnings];
    if (logFiles) for (const f of logFiles) if (!run.history.logFiles.includes(f)) run.history.logFiles.push(f);
    this.saveRun(scope, run);
    return run;
  }

  /** Set status (and end time for terminal ones) from the executor. */
  async setRunStatus(scopeKey: string, runId: string, status: RunStatus, at: Date): Promise<void> {
    const scope = await this.scope(scopeKey);
    const run = scope.runs.get(runId);
    if (!run) return;
    run.info.status = status;
    if (status === 'FINISHED' || status === 'FAILED' || status === 'KILLED') run.info.end_time = at.getTime();
    this.saveRun(scope, run);
  }

  async setTags(scopeKey: string, runId: string, tags: Record<string, string>): Promise<void> {
    const scope = await this.scope(scopeKey);
    const run = scope.runs.get(runId);
    if (!run) return;
    Object.assign(run.tags, tags);
    this.saveRun(scope, run);
  }
}

export function runAccessor(r: StoredRun): Accessor {
  return (entity: Entity) => {
    switch (entity.type) {
      case 'metric':
        return r.latest[entity.key]?.value;
      case 'param':
        return r.params[entity.key];
      case 'tag':
        return r.tags[entity.key];
      case 'attribute':
        return (r.info as unknown as Record<string, number | string | undefined>)[entity.key];
    }
  };
}

function paginate<T>(list: T[], offset: number, max: number): Page<T> {
  const items = list.slice(offset, offset + max);
  const end = offset + items.length;
  return end < list.length ? { items, nextPageToken: encodePageToken(end) } : { items };
}

function parseViewType(v: string | undefined): ViewType {
  if (v === undefined || v === '') return 'ACTIVE_ONLY';
  const u = v.toUpperCase();
  if (u === 'ACTIVE_ONLY' || u === 'DELETED_ONLY' || u === 'ALL') return u;
  throw MlflowError.invalid(`Invalid view type '${v}'; expected ACTIVE_ONLY, DELETED_ONLY or ALL`);
}

function stageVisible(stage: LifecycleStage, view: ViewType): boolean {
  return view === 'ALL' || (view === 'ACTIVE_ONLY' ? stage === 'active' : stage === 'deleted');
}

function asArray(v: unknown, name: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw MlflowError.invalid(`Invalid value for parameter '${name}': expected a list`);
  return v;
}

function stringValue(v: unknown, name: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw MlflowError.invalid(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
}

function parseKeyValue(item: unknown, kind: 'Param' | 'Tag', maxLength: number): KeyValue {
  const o = (item ?? {}) as Record<string, unknown>;
  const key = validateKey(kind, o.key);
  const value = o.value === undefined || o.value === null ? (kind === 'Tag' ? '' : undefined) : stringValue(o.value, 'value');
  if (value === undefined) throw MlflowError.invalid(`Missing value for required parameter 'value' of param '${key}'`);
  if (value.length > maxLength) {
    throw MlflowError.invalid(`${kind} value '${value.slice(0, 40)}...' had length ${value.length}, which exceeded length limit of ${maxLength}`);
  }
  return { key, value };
}

export function parseKeyValues(v: unknown, name: string): KeyValue[] {
  return asArray(v, name).map((t) => parseKeyValue(t, 'Tag', LIMITS.tagValueLength));
}

function parseMetric(item: unknown): Metric {
  const o = (item ?? {}) as Record<string, unknown>;
  const key = validateKey('Metric', o.key);
  const value = decodeNumber(o.value);
  if (value === undefined) {
    throw MlflowError.invalid(
      `Got invalid value ${JSON.stringify(o.value)} for metric '${key}' (timestamp=${String(o.timestamp)}). Please specify value as a valid double (64-bit floating point)`,
    );
  }
  const timestamp = decodeNumber(o.timestamp);
  if (timestamp === undefined || !Number.isInteger(timestamp)) {
    throw MlflowError.invalid(`Missing or invalid value for required parameter 'timestamp' of metric '${key}': expected milliseconds since the epoch`);
  }
  const stepRaw = o.step === undefined || o.step === null ? 0 : decodeNumber(o.step);
  if (stepRaw === undefined || !Number.isInteger(stepRaw)) {
    throw MlflowError.invalid(`Invalid value ${JSON.stringify(o.step)} for parameter 'step' of metric '${key}': expected an integer`);
  }
  return { key, value, timestamp, step: stepRaw };
}

function readJson<T>(file: string): Promise<T | undefined> {
  return readJsonFile<T>(file, 'tracking store');
}

// ------------------------------------------------------------------ one store per host

const stores = new WeakMap<JobHost, TrackingStore>();

/** Where a host keeps its tracking state. */
export function trackingRoot(host: JobHost): string {
  return host.stateDir ? join(host.stateDir, 'tracking') : join(host.workDir, '.tracking');
}

/** The tracking store of this host (the executor and the routes share it). */
export function getTrackingStore(host: JobHost): TrackingStore {
  let s = stores.get(host);
  if (!s) {
    s = new TrackingStore(trackingRoot(host), () => host.now());
    stores.set(host, s);
  }
  return s;
}
