/**
 * An MLflow REST client (the calls a gate needs: `runs/get`, `runs/search`,
 * `metrics/get-history`) and the metric source of one MLflow run.
 *
 * - Requests go through a core-rest-pipeline pipeline with the suite's one retry policy
 *   (src/azure/retry.ts: 429 and 5xx retried, `Retry-After` honoured, stalled tries abandoned);
 *   an unreachable server on first contact is not retried and says so.
 * - Auth: a bearer token (a static token or a provider such as an Azure credential) or HTTP basic.
 * - Histories are read page by page (`max_results` / `page_token`), several metrics at a time.
 * - Errors name the server, the call and what to fix; those the user can fix (wrong URI, unknown
 *   run, refused credentials) are {@link ConfigurationError}s naming the input at fault.
 */
import {
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  isRestError,
  type HttpClient,
  type Pipeline,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { mapWithConcurrency } from '../azure/concurrency.js';
import { createRetryPolicy, getRetryInfo, type RetryPolicyOptions } from '../azure/retry.js';
import { ConfigurationError, errorMessage } from '../core/errors.js';
import type { MetricPoint, MetricSet } from './evaluate.js';
import { databricksOAuthToken } from './mlflow-databricks.js';
import { sortHistory, type MetricSource, type SourceStats } from './source.js';

/** MLflow's largest `max_results` for `metrics/get-history`. */
export const MAX_HISTORY_PAGE_SIZE = 25_000;
export const DEFAULT_HISTORY_PAGE_SIZE = MAX_HISTORY_PAGE_SIZE;
export const DEFAULT_CONCURRENCY = 8;
const SEARCH_PAGE_SIZE = 1000;

/**
 * How requests are authenticated. `platform` (Databricks, SageMaker) names the service in errors and
 * says what to set when it refuses the credential. The Databricks OAuth and SigV4 kinds are
 * implemented in mlflow-platforms.ts / mlflow-sigv4.ts (the latter, with the AWS SDK, loaded on use).
 */
export type MlflowAuth = (
  | { kind: 'none' }
  | { kind: 'bearer'; token: string | (() => Promise<string>) }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'databricks-oauth'; host: string; clientId: string; clientSecret: string; mask?: (secret: string) => void }
  | { kind: 'sigv4'; arn: string; region: string; endpoint: string }
) & { platform?: MlflowPlatform };

export interface MlflowPlatform {
  id: 'databricks' | 'sagemaker';
  /** e.g. `the Databricks workspace https://adb-1.2.azuredatabricks.net`. */
  serverName: string;
  /** What to set when the server refuses the credential. */
  refusedHint: string;
}

export interface MlflowClientOptions {
  /** The tracking URI (`http(s)://host[/prefix]`); REST calls go to `<uri>/api/2.0/mlflow/...`. */
  trackingUri: string;
  auth?: MlflowAuth;
  /** Histories read at once. Default 8. */
  concurrency?: number;
  /** `max_results` of each `metrics/get-history` page. Default 25000 (MLflow's maximum). */
  historyPageSize?: number;
  /** Retry settings (and test hooks: sleep, onRetry). */
  retry?: RetryPolicyOptions;
  userAgent?: string;
  /** The action input the tracking URI came from: user-fixable errors name it. */
  input?: string;
  /** Says what the server is in messages, e.g. `the tracking service of job x`. Default: the URI. */
  serverName?: string;
  httpClient?: HttpClient;
  abortSignal?: AbortSignal;
}

export interface MlflowMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface MlflowRun {
  info: {
    run_id: string;
    run_name?: string;
    experiment_id: string;
    status?: string;
    lifecycle_stage?: string;
    start_time?: number;
    end_time?: number;
  };
  /** Latest value of each metric. */
  metrics: MlflowMetric[];
  params: Record<string, string>;
  tags: Record<string, string>;
}

export interface SearchRunsOptions {
  filter?: string;
  orderBy?: string[];
  /** Default ACTIVE_ONLY. */
  runViewType?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
  /** Read only the first page, of at most this many runs (default: every page). */
  maxResults?: number;
}

export interface MlflowClient {
  /** The REST root, `<uri>/api/2.0/mlflow`. */
  readonly apiBase: string;
  readonly trackingUri: string;
  /** A run; a {@link ConfigurationError} when the server does not know it. */
  getRun(runId: string): Promise<MlflowRun>;
  /** Every run matching the search (all pages). */
  searchRuns(experimentIds: string[], options?: SearchRunsOptions): Promise<MlflowRun[]>;
  /** The whole history of one metric, every page. */
  getMetricHistory(runId: string, key: string): Promise<MetricPoint[]>;
  /** Histories of several metrics, `concurrency` at a time. */
  getMetricHistories(runId: string, keys: readonly string[]): Promise<MetricSet>;
  /**
   * A registered model version, by alias (`registered-models/alias`) or number (`model-versions/get`);
   * `found: false` with the server's message when there is none, saying whether the model exists.
   */
  getModelVersion(name: string, selector: { alias: string } | { version: string }, options?: { unityCatalog?: boolean }): Promise<ModelVersionLookup>;
  stats(): SourceStats;
}

export interface MlflowModelVersion {
  name: string;
  version: string;
  /** The run that produced it (empty when registered from elsewhere than a run). */
  runId?: string;
  aliases: string[];
  status?: string;
}

export type ModelVersionLookup = { found: true; version: MlflowModelVersion } | { found: false; modelExists: boolean; message: string };

/** `MLflow runs/get returned HTTP 500 INTERNAL_ERROR: ...` — a failure of the server or ours. */
export class MlflowRequestError extends Error {
  override readonly name = 'MlflowRequestError';
  constructor(
    message: string,
    readonly statusCode?: number,
    readonly errorCode?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Removes `/api/2.0/mlflow` and trailing slashes; checks the scheme. */
export function normalizeTrackingUri(uri: string, input?: string): string {
  const trimmed = uri
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/api\/2\.0\/mlflow$/i, '');
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new ConfigurationError(`'${uri}' is not a valid MLflow tracking URI.`, {
      input,
      hint: 'Give the http(s) address of the MLflow tracking server, e.g. https://mlflow.example.com.',
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    const hint =
      parsed.protocol === 'databricks:'
        ? 'Write databricks (with DATABRICKS_HOST set) or the workspace address, e.g. https://<workspace>.cloud.databricks.com; Databricks CLI profiles (databricks://<profile>) are not read.'
        : parsed.protocol === 'file:'
          ? 'For a local mlruns folder, give the run folder (or its metrics/ folder) as metrics-file.'
          : 'Give an http(s) address; an Azure ML workspace tracking URI (azureml://...) also works with the workspace connection inputs.';
    throw new ConfigurationError(`The MLflow tracking URI '${uri}' has the scheme ${parsed.protocol} that this action cannot read over REST.`, { input, hint });
  }
  if (parsed.username || parsed.password) {
    throw new ConfigurationError('Put MLflow credentials in mlflow-username / mlflow-password (secrets), not in the tracking URI.', { input });
  }
  return trimmed;
}

/** MLflow writes NaN and infinities as strings. */
export function decodeMetricValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^nan$/i.test(t)) return NaN;
    if (/^\+?(inf|infinity)$/i.test(t)) return Infinity;
    if (/^-(inf|infinity)$/i.test(t)) return -Infinity;
    if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  }
  return undefined;
}

function keyValues(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    const kv = item as { key?: unknown; value?: unknown };
    if (typeof kv?.key === 'string') out[kv.key] = typeof kv.value === 'string' ? kv.value : String(kv.value ?? '');
  }
  return out;
}

function toMetric(raw: unknown): MlflowMetric | undefined {
  const m = raw as { key?: unknown; value?: unknown; timestamp?: unknown; step?: unknown };
  if (typeof m?.key !== 'string') return undefined;
  const value = decodeMetricValue(m.value);
  return {
    key: m.key,
    value: value ?? NaN,
    timestamp: Number(m.timestamp ?? 0),
    step: Number(m.step ?? 0),
  };
}

/** The wire shape of a run (`{ info, data: { metrics, params, tags } }`; empty lists may be left out). */
export function parseRun(raw: unknown): MlflowRun {
  const r = raw as { info?: Record<string, unknown>; data?: Record<string, unknown> };
  const info = r?.info ?? {};
  const runId = String(info.run_id ?? info.run_uuid ?? '');
  return {
    info: {
      run_id: runId,
      run_name: typeof info.run_name === 'string' ? info.run_name : undefined,
      experiment_id: String(info.experiment_id ?? ''),
      status: typeof info.status === 'string' ? info.status : undefined,
      lifecycle_stage: typeof info.lifecycle_stage === 'string' ? info.lifecycle_stage : undefined,
      start_time: info.start_time === undefined ? undefined : Number(info.start_time),
      end_time: info.end_time === undefined ? undefined : Number(info.end_time),
    },
    metrics: (Array.isArray(r?.data?.metrics) ? r.data.metrics : []).map(toMetric).filter((m): m is MlflowMetric => m !== undefined),
    params: keyValues(r?.data?.params),
    tags: keyValues(r?.data?.tags),
  };
}

function mlflowErrorOf(text: string | undefined): { code?: string; message?: string } | undefined {
  if (!text) return undefined;
  try {
    const body = JSON.parse(text) as { error_code?: unknown; message?: unknown; error?: { code?: unknown; message?: unknown } };
    if (typeof body.error_code === 'string' || typeof body.message === 'string') {
      return { code: typeof body.error_code === 'string' ? body.error_code : undefined, message: typeof body.message === 'string' ? body.message : undefined };
    }
    if (body.error && (typeof body.error.code === 'string' || typeof body.error.message === 'string')) {
      return {
        code: typeof body.error.code === 'string' ? body.error.code : undefined,
        message: typeof body.error.message === 'string' ? body.error.message : undefined,
      };
    }
  } catch {
    // not JSON
  }
  return undefined;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'ETIMEDOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function createMlflowClient(options: MlflowClientOptions): MlflowClient {
  const auth = options.auth ?? { kind: 'none' };
  // SageMaker: the tracking URI is the server's ARN; REST calls go to the regional endpoint.
  const trackingUri = auth.kind === 'sigv4' ? options.trackingUri.trim() : normalizeTrackingUri(options.trackingUri, options.input);
  const apiBase = `${auth.kind === 'sigv4' ? auth.endpoint.replace(/\/+$/, '') : trackingUri}/api/2.0/mlflow`;
  const server = options.serverName ?? auth.platform?.serverName ?? `the MLflow tracking server at ${trackingUri}`;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const pageSize = options.historyPageSize ?? DEFAULT_HISTORY_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_HISTORY_PAGE_SIZE) {
    throw new RangeError(`historyPageSize must be an integer from 1 to ${MAX_HISTORY_PAGE_SIZE}, got ${pageSize}`);
  }
  const stats: SourceStats = { requests: 0, points: 0, histories: 0 };
  const httpClient = options.httpClient ?? createDefaultHttpClient();
  const pipeline: Pipeline = createEmptyPipeline();
  pipeline.addPolicy(createRetryPolicy(options.retry ?? {}), { phase: 'Retry' });
  pipeline.addPolicy(
    signPolicy(auth, options.userAgent, httpClient, () => stats.requests++),
    { phase: 'Sign' },
  );

  const userError = (message: string, hint?: string, cause?: unknown) => new ConfigurationError(message, { input: options.input, hint, cause });

  async function send(
    method: 'GET' | 'POST',
    path: string,
    what: string,
    params: Record<string, string | number | undefined> = {},
    body?: unknown,
  ): Promise<{ response: PipelineResponse; json: unknown }> {
    const url = new URL(`${apiBase}/${path}`);
    if (method === 'GET') for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
    const request = createPipelineRequest({
      url: url.toString(),
      method,
      headers: createHttpHeaders({ accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }),
      body: body === undefined ? undefined : JSON.stringify(body),
      allowInsecureConnection: url.protocol === 'http:',
      abortSignal: options.abortSignal,
    });
    let response: PipelineResponse;
    try {
      response = await pipeline.sendRequest(httpClient, request);
    } catch (error) {
      if (options.abortSignal?.aborted) throw error;
      if (error instanceof ConfigurationError) throw error; // a refused OAuth secret, no AWS credentials
      const code = isRestError(error) ? error.code : (error as { code?: string }).code;
      const retries = getRetryInfo(request)?.retries ?? 0;
      const after = retries > 0 ? ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : '';
      if (code && UNREACHABLE_CODES.has(code)) {
        throw userError(
          `${capitalize(server)} does not answer (${code}${after}) while ${what}.`,
          options.input
            ? `Check ${options.input} and that the server is running and reachable from the runner.`
            : 'Check that the server is running and reachable from the runner.',
          error,
        );
      }
      throw new MlflowRequestError(`MLflow ${path} to ${trackingUri} failed${after}: ${errorMessage(error)}`, undefined, code, { cause: error });
    }
    const text = response.bodyAsText ?? '';
    if (response.status >= 200 && response.status < 300) {
      try {
        return { response, json: text.trim() === '' ? {} : JSON.parse(text) };
      } catch {
        throw userError(
          `${capitalize(server)} answered ${path} with something that is not JSON (${describeBody(response)}).`,
          'Check that the URI points at an MLflow tracking server (REST API under /api/2.0/mlflow).',
        );
      }
    }
    const detail = mlflowErrorOf(text);
    const retries = getRetryInfo(request)?.retries ?? 0;
    const after = retries > 0 ? ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : '';
    const said = detail?.message ? `: ${detail.message}` : text.trim() && !/^\s*</.test(text) ? `: ${text.trim().slice(0, 300)}` : '';
    if (response.status === 401 || response.status === 403) {
      throw userError(
        `${capitalize(server)} refused the request ${what} (HTTP ${response.status}${detail?.code ? ` ${detail.code}` : ''})${said.replace(/\.$/, '')}.`,
        auth.platform
          ? auth.platform.refusedHint
          : auth.kind === 'none'
            ? 'Give mlflow-token, or mlflow-username and mlflow-password (or set MLFLOW_TRACKING_TOKEN / MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD).'
            : 'Check that the token or user name and password are valid for this server and may read the run.',
      );
    }
    if (response.status === 404 && !detail) {
      throw userError(
        `${capitalize(server)} has no MLflow REST API at ${apiBase} (HTTP 404 for ${path}).`,
        'Give the tracking URI itself (the address MLflow clients use as MLFLOW_TRACKING_URI), without /api/2.0/mlflow.',
      );
    }
    throw new MlflowRequestError(
      `MLflow ${path} ${what ? `(${what}) ` : ''}returned HTTP ${response.status}${detail?.code ? ` ${detail.code}` : ''}${after}${said}`,
      response.status,
      detail?.code,
    );
  }

  const client: MlflowClient = {
    apiBase,
    trackingUri,
    async getRun(runId) {
      try {
        const { json } = await send('GET', 'runs/get', `reading run '${runId}'`, { run_id: runId });
        const run = parseRun((json as { run?: unknown }).run);
        if (!run.info.run_id) throw new MlflowRequestError(`MLflow runs/get for '${runId}' returned no run`);
        return run;
      } catch (error) {
        if (error instanceof MlflowRequestError && (error.statusCode === 404 || error.errorCode === 'RESOURCE_DOES_NOT_EXIST')) {
          throw userError(
            `Run '${runId}' was not found on ${server}.`,
            options.input === 'mlflow-tracking-uri' ? 'Check run-id: it is the MLflow run id (32 hex characters for a plain MLflow server).' : undefined,
            error,
          );
        }
        throw error;
      }
    },
    async searchRuns(experimentIds, o = {}) {
      const runs: MlflowRun[] = [];
      let pageToken: string | undefined;
      const seen = new Set<string>();
      do {
        const { json } = await send(
          'POST',
          'runs/search',
          'searching runs',
          {},
          {
            experiment_ids: experimentIds,
            filter: o.filter ?? '',
            run_view_type: o.runViewType ?? 'ACTIVE_ONLY',
            max_results: o.maxResults ?? SEARCH_PAGE_SIZE,
            ...(o.orderBy ? { order_by: o.orderBy } : {}),
            ...(pageToken ? { page_token: pageToken } : {}),
          },
        );
        const page = json as { runs?: unknown[]; next_page_token?: unknown };
        for (const r of page.runs ?? []) runs.push(parseRun(r));
        pageToken = typeof page.next_page_token === 'string' && page.next_page_token !== '' ? page.next_page_token : undefined;
        if (o.maxResults !== undefined) break;
        if (pageToken) {
          if (seen.has(pageToken)) throw new MlflowRequestError(`MLflow runs/search returned the page token '${pageToken}' twice`);
          seen.add(pageToken);
        }
      } while (pageToken);
      return runs;
    },
    async getMetricHistory(runId, key) {
      const points: MetricPoint[] = [];
      let pageToken: string | undefined;
      const seen = new Set<string>();
      do {
        const { json } = await send('GET', 'metrics/get-history', `reading the history of '${key}'`, {
          run_id: runId,
          metric_key: key,
          max_results: pageSize,
          page_token: pageToken,
        });
        const page = json as { metrics?: unknown[]; next_page_token?: unknown };
        for (const raw of page.metrics ?? []) {
          const m = raw as { value?: unknown; timestamp?: unknown; step?: unknown };
          const value = decodeMetricValue(m.value);
          points.push({ step: Number(m.step ?? 0), value: value ?? NaN, timestamp: Number(m.timestamp ?? 0) });
        }
        pageToken = typeof page.next_page_token === 'string' && page.next_page_token !== '' ? page.next_page_token : undefined;
        if (pageToken) {
          if (seen.has(pageToken)) throw new MlflowRequestError(`MLflow metrics/get-history returned the page token '${pageToken}' twice for '${key}'`);
          seen.add(pageToken);
        }
      } while (pageToken);
      stats.points += points.length;
      stats.histories++;
      return sortHistory(points);
    },
    async getMetricHistories(runId, keys) {
      const histories = await mapWithConcurrency(keys, concurrency, (key) => client.getMetricHistory(runId, key), options.abortSignal);
      return new Map(keys.map((k, i) => [k, histories[i]]));
    },
    async getModelVersion(name, selector, lookup = {}) {
      // Databricks Unity Catalog models (<catalog>.<schema>.<model>) are under mlflow/unity-catalog/
      // (the MLflow client's databricks-uc registry; seen as GET /api/2.0/mlflow/unity-catalog/model-versions/get
      // and registered-models/alias in public Databricks scripts — no Databricks reference page found).
      const uc = lookup.unityCatalog ? 'unity-catalog/' : '';
      // MLflow REST: GET registered-models/alias {name, alias} and GET model-versions/get {name, version},
      // both answering { model_version: { name, version, run_id, aliases, ... } }
      // (https://mlflow.org/docs/latest/api_reference/rest-api.html#get-model-version-by-alias, #get-modelversion).
      const what =
        'alias' in selector ? `reading the version of model '${name}' holding @${selector.alias}` : `reading model '${name}' version ${selector.version}`;
      try {
        const { json } =
          'alias' in selector
            ? await send('GET', `${uc}registered-models/alias`, what, { name, alias: selector.alias })
            : await send('GET', `${uc}model-versions/get`, what, { name, version: selector.version });
        const mv = (json as { model_version?: Record<string, unknown> }).model_version ?? {};
        if (mv.version === undefined)
          throw new MlflowRequestError(
            `MLflow ${'alias' in selector ? 'registered-models/alias' : 'model-versions/get'} for '${name}' returned no model version`,
          );
        return {
          found: true,
          version: {
            name: typeof mv.name === 'string' ? mv.name : name,
            version: String(mv.version),
            runId: typeof mv.run_id === 'string' && mv.run_id !== '' ? mv.run_id : undefined,
            aliases: Array.isArray(mv.aliases) ? mv.aliases.filter((a): a is string => typeof a === 'string') : [],
            status: typeof mv.status === 'string' ? mv.status : undefined,
          },
        };
      } catch (error) {
        if (!(error instanceof MlflowRequestError) || !(error.statusCode === 404 || error.errorCode === 'RESOURCE_DOES_NOT_EXIST')) throw error;
        // Is it the model or the version that is missing? (GET registered-models/get {name})
        let modelExists = true;
        try {
          await send('GET', `${uc}registered-models/get`, `reading model '${name}'`, { name });
        } catch (e) {
          if (e instanceof MlflowRequestError && (e.statusCode === 404 || e.errorCode === 'RESOURCE_DOES_NOT_EXIST')) modelExists = false;
          else throw e;
        }
        return { found: false, modelExists, message: error.message };
      }
    },
    stats: () => ({ ...stats }),
  };
  return client;
}

function signPolicy(auth: MlflowAuth, userAgent: string | undefined, httpClient: HttpClient, count: () => void): PipelinePolicy {
  let cached: string | undefined;
  let oauth: (() => Promise<string>) | undefined;
  let sigv4: Promise<(request: PipelineRequest) => Promise<void>> | undefined;
  return {
    name: 'mlflowAuthPolicy',
    async sendRequest(request, next) {
      count();
      if (userAgent) request.headers.set('user-agent', userAgent);
      if (auth.kind === 'databricks-oauth') {
        oauth ??= databricksOAuthToken(auth, httpClient);
        request.headers.set('authorization', `Bearer ${await oauth()}`);
      } else if (auth.kind === 'sigv4') {
        // The AWS SDK's signer and credential chain are loaded here, on first use only.
        sigv4 ??= import('./mlflow-sigv4.js').then((m) => m.createSigV4Signer(auth));
        await (
          await sigv4
        )(request);
      } else if (auth.kind === 'bearer') {
        const token = typeof auth.token === 'string' ? auth.token : await auth.token();
        request.headers.set('authorization', `Bearer ${token}`);
      } else if (auth.kind === 'basic') {
        cached ??= Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
        request.headers.set('authorization', `Basic ${cached}`);
      }
      return next(request);
    },
  };
}

function describeBody(response: PipelineResponse): string {
  const type = response.headers.get('content-type') ?? 'no content type';
  return `HTTP ${response.status}, ${type}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export interface MlflowRunSourceOptions {
  /** Shown in the log and the report. Default `MLflow run <id> at <uri>`. */
  description?: string;
  kind?: MetricSource['kind'];
  /** The run when it was already read (saves a `runs/get`). */
  run?: MlflowRun;
}

/** The metrics of one MLflow run. */
export function createMlflowRunSource(client: MlflowClient, runId: string, options: MlflowRunSourceOptions = {}): MetricSource & { run(): Promise<MlflowRun> } {
  let run: Promise<MlflowRun> | undefined = options.run ? Promise.resolve(options.run) : undefined;
  const getRun = () => (run ??= client.getRun(runId));
  return {
    kind: options.kind ?? 'mlflow',
    description: options.description ?? `MLflow run ${runId} at ${client.trackingUri}`,
    run: getRun,
    async names() {
      return (await getRun()).metrics.map((m) => m.key);
    },
    async fetch(names) {
      const r = await getRun();
      const known = new Set(r.metrics.map((m) => m.key));
      const keys = (names ? [...new Set(names)] : [...known]).filter((k) => known.has(k));
      return client.getMetricHistories(r.info.run_id || runId, keys);
    },
    stats: () => client.stats(),
  };
}

export interface MlflowCredentialInputs {
  token?: string;
  username?: string;
  password?: string;
}

/**
 * The auth of a plain MLflow server, as MLflow's own client picks it: user name and password
 * (basic) first, then a token (bearer). Inputs win over the MLFLOW_TRACKING_* variables.
 */
export function resolveMlflowAuth(inputs: MlflowCredentialInputs, env: Record<string, string | undefined>): MlflowAuth {
  const given = (v: string | undefined) => (v !== undefined && v !== '' ? v : undefined);
  // Any credential input replaces the variables entirely (no mixing of the two).
  const fromInputs = [inputs.token, inputs.username, inputs.password].some((v) => given(v) !== undefined);
  const username = given(fromInputs ? inputs.username : env.MLFLOW_TRACKING_USERNAME);
  const password = given(fromInputs ? inputs.password : env.MLFLOW_TRACKING_PASSWORD);
  const token = given(fromInputs ? inputs.token : env.MLFLOW_TRACKING_TOKEN);
  if ((username === undefined) !== (password === undefined)) {
    const where = fromInputs ? 'the inputs mlflow-username and mlflow-password' : 'MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD';
    throw new ConfigurationError(`MLflow basic auth needs both a user name and a password; only one of ${where} is set.`, {
      input: fromInputs ? (username === undefined ? 'mlflow-username' : 'mlflow-password') : undefined,
    });
  }
  if (username !== undefined && password !== undefined) return { kind: 'basic', username, password };
  if (token !== undefined) return { kind: 'bearer', token };
  return { kind: 'none' };
}
