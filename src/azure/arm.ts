/**
 * `ArmClient`: any ARM request through the SAME pipeline as the SDK client (credential, retries,
 * user agent), for calls the 2022-10-01 SDK models cannot make (api-version 2024-10-01:
 * `mirrorTraffic`, registries, fields the SDK would drop on a GET → PUT round trip).
 *
 * - Paths are relative to the workspace (`jobs/x`), absolute ARM paths (`/subscriptions/...`) or
 *   full URLs (`nextLink`, polling URLs). Build relative paths with {@link armPath} so names are
 *   encoded.
 * - `list` is an async iterator following `nextLink`, with `byPage()`.
 * - `begin*` return a poller for ARM long-running operations (`Azure-AsyncOperation`, `Location`,
 *   or the resource's `provisioningState`), honouring `Retry-After` over the poll interval. A
 *   poller serialises with `toString()` and resumes with `resumePoller` (e.g. in a post step).
 *   Stopping a poller never cancels the operation in Azure.
 * - A response outside 2xx throws a `RestError` (statusCode, ARM `code`, request, response);
 *   wrap calls with `withAzureOperation` for a user-facing message.
 */
import { RestError, createHttpHeaders, createPipelineRequest, type HttpMethods, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { ArmOperationError, parseArmError } from './errors.js';
import { abortableSleep, type AbortSignalLike } from './retry.js';

export const DEFAULT_API_VERSION = '2024-10-01';
export const DEFAULT_POLL_INTERVAL_IN_MS = 2000;

export interface ArmClientOptions {
  /** ARM endpoint, e.g. `https://management.azure.com`. */
  endpoint: string;
  /** The workspace's ARM id; relative paths resolve under it. */
  workspaceId: string;
  /** Sends a request through the shared pipeline (e.g. `sdk.sendRequest.bind(sdk)`). */
  sendRequest: (request: PipelineRequest) => Promise<PipelineResponse>;
  /** Default api-version. Default {@link DEFAULT_API_VERSION}. */
  apiVersion?: string;
  /** Needed for http endpoints (the emulator). */
  allowInsecureConnection?: boolean;
  /** Poll interval of LROs when the service sends no Retry-After. Default 2000. */
  pollIntervalInMs?: number;
  /** Waits between polls. Default: a timer. */
  sleep?: (ms: number, abortSignal?: AbortSignalLike) => Promise<void>;
  /** Clock for poller timestamps. Default Date.now. */
  now?: () => number;
}

export interface ArmRequestOptions {
  /** Overrides the client's api-version (not added when the URL already has one). */
  apiVersion?: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  abortSignal?: AbortSignalLike;
}

export interface ArmResponse<T = unknown> {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON, the raw text when not JSON, or undefined when empty. */
  body: T;
  url: string;
  requestId?: string;
}

export interface PageSettings {
  continuationToken?: string;
}

export type Page<T> = T[] & { continuationToken?: string };

/** An async iterator of items with `byPage()` (the Azure SDK's `PagedAsyncIterableIterator`). */
export interface PagedAsyncIterableIterator<T> extends AsyncIterableIterator<T> {
  byPage(settings?: PageSettings): AsyncIterableIterator<Page<T>>;
}

export type ArmOperationStatus = 'running' | 'succeeded' | 'failed' | 'canceled';

/** Serialisable state of a long-running operation. */
export interface ArmOperationState<T> {
  status: ArmOperationStatus;
  /** The service's own status word (InProgress, Updating, Succeeded, ...). */
  serviceStatus?: string;
  method: HttpMethods;
  /** URL of the resource the operation acts on. */
  resourceUrl: string;
  /** How completion is detected. */
  mode: 'async-operation' | 'location' | 'resource' | 'none';
  /** URL polled next (Azure-AsyncOperation or Location). */
  pollUrl?: string;
  /** Location header of the initial response (final result of POST operations). */
  locationUrl?: string;
  apiVersion: string;
  startedAt: number;
  polls: number;
  /** Wait asked by the last response (Retry-After), in ms. */
  retryAfterInMs?: number;
  result?: T;
  error?: { code?: string; message?: string; target?: string };
}

export interface PollOptions {
  abortSignal?: AbortSignalLike;
}

export interface ArmPoller<T> {
  getOperationState(): ArmOperationState<T>;
  getResult(): T | undefined;
  isDone(): boolean;
  /** Polls once (no wait). */
  poll(options?: PollOptions): Promise<void>;
  /** Polls until the operation ends; resolves with the result or throws {@link ArmOperationError}. */
  pollUntilDone(options?: PollOptions): Promise<T>;
  /** Called after each poll; returns a function that unsubscribes. */
  onProgress(callback: (state: ArmOperationState<T>) => void): () => void;
  /** Stops `pollUntilDone` after the current poll. The operation in Azure goes on. */
  stopPolling(): void;
  isStopped(): boolean;
  /** The state as a string for {@link ArmClient.resumePoller}. */
  toString(): string;
}

export interface BeginOptions extends ArmRequestOptions {
  /** Poll interval when no Retry-After is sent. Default: the client's. */
  updateIntervalInMs?: number;
}

export interface ArmClient {
  readonly endpoint: string;
  readonly workspaceId: string;
  readonly apiVersion: string;
  /** The full URL of a path (with api-version). */
  url(path: string, options?: ArmRequestOptions): string;
  /** Sends any request; throws a RestError outside 2xx. */
  request<T = unknown>(method: HttpMethods, path: string, options?: ArmRequestOptions & { body?: unknown }): Promise<ArmResponse<T>>;
  get<T = unknown>(path: string, options?: ArmRequestOptions): Promise<T>;
  /** Like get, but undefined on 404. */
  tryGet<T = unknown>(path: string, options?: ArmRequestOptions): Promise<T | undefined>;
  put<T = unknown>(path: string, body: unknown, options?: ArmRequestOptions): Promise<T>;
  patch<T = unknown>(path: string, body: unknown, options?: ArmRequestOptions): Promise<T>;
  post<T = unknown>(path: string, body?: unknown, options?: ArmRequestOptions): Promise<T>;
  /** Deletes; a resource already gone (404) is not an error. Does not wait for an LRO (see beginDelete). */
  delete(path: string, options?: ArmRequestOptions): Promise<void>;
  list<T = unknown>(path: string, options?: ArmRequestOptions): PagedAsyncIterableIterator<T>;
  beginPut<T = unknown>(path: string, body: unknown, options?: BeginOptions): Promise<ArmPoller<T>>;
  beginPatch<T = unknown>(path: string, body: unknown, options?: BeginOptions): Promise<ArmPoller<T>>;
  beginPost<T = unknown>(path: string, body?: unknown, options?: BeginOptions): Promise<ArmPoller<T>>;
  beginDelete(path: string, options?: BeginOptions): Promise<ArmPoller<void>>;
  resumePoller<T = unknown>(serializedState: string, options?: BeginOptions): ArmPoller<T>;
}

/**
 * A path template that encodes each interpolated value as one path segment:
 * ``armPath`onlineEndpoints/${name}/deployments/${d}` ``.
 */
export function armPath(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(String(values[i])) : ''), '');
}

/** The ARM id of a workspace. */
export function workspaceResourceId(subscriptionId: string, resourceGroup: string, workspaceName: string): string {
  return armPath`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${workspaceName}`;
}

/** Sends one ARM request; `accept` says which statuses are not errors (default: 2xx). */
type Send = <T>(
  method: HttpMethods,
  path: string,
  o?: ArmRequestOptions & { body?: unknown },
  accept?: (status: number, response: ArmResponse<T>) => boolean,
) => Promise<ArmResponse<T>>;

/** What the operation pollers of one client share. */
interface PollContext {
  send: Send;
  url: (path: string, o?: ArmRequestOptions) => string;
  apiVersion: string;
  now: () => number;
  sleep: NonNullable<ArmClientOptions['sleep']>;
  defaultInterval: number;
}

export function createArmClient(options: ArmClientOptions): ArmClient {
  const endpoint = options.endpoint.replace(/\/+$/, '');
  const workspaceId = options.workspaceId.replace(/\/+$/, '');
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  const url = (path: string, o: ArmRequestOptions = {}) => resolveUrl(endpoint, workspaceId, apiVersion, path, o);
  const send: Send = async (method, path, o = {}, accept = (s) => s >= 200 && s < 300) => {
    const target = url(path, o);
    const request = armRequest(method, target, o, options.allowInsecureConnection);
    const response = await options.sendRequest(request);
    const result = toArmResponse<never>(response, target);
    if (!accept(response.status, result)) throw restErrorFor(method, target, response, request);
    return result;
  };
  const ctx: PollContext = {
    send,
    url,
    apiVersion,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? abortableSleep,
    defaultInterval: options.pollIntervalInMs ?? DEFAULT_POLL_INTERVAL_IN_MS,
  };
  return {
    endpoint,
    workspaceId,
    apiVersion,
    url,
    request: (method, path, o) => send(method, path, o),
    get: async (path, o) => (await send<never>('GET', path, o)).body,
    async tryGet<T>(path: string, o?: ArmRequestOptions) {
      // A 404 because a parent is missing (the workspace, its resource group) is an error, not "absent".
      const response = await send<T>('GET', path, o, (s, r) => (s >= 200 && s < 300) || (s === 404 && !missingParent(r.url, r.body)));
      return response.status === 404 ? undefined : response.body;
    },
    put: async (path, body, o) => (await send<never>('PUT', path, { ...o, body })).body,
    patch: async (path, body, o) => (await send<never>('PATCH', path, { ...o, body })).body,
    post: async (path, body, o) => (await send<never>('POST', path, { ...o, body })).body,
    async delete(path, o) {
      await send('DELETE', path, o, (s) => (s >= 200 && s < 300) || s === 404);
    },
    list: (path, o) => listPages(send, path, o),
    beginPut: (path, body, o) => beginOperation(ctx, 'PUT', path, body, o),
    beginPatch: (path, body, o) => beginOperation(ctx, 'PATCH', path, body, o),
    beginPost: (path, body, o) => beginOperation(ctx, 'POST', path, body, o),
    beginDelete: (path, o) => beginOperation<void>(ctx, 'DELETE', path, undefined, o),
    resumePoller: (serializedState, o) => createPoller(ctx, parseOperationState(serializedState), o ?? {}),
  };
}

/** The full URL of a path: absolute as given, `/…` under the endpoint, else under the workspace; with api-version and the query. */
function resolveUrl(endpoint: string, workspaceId: string, apiVersion: string, path: string, o: ArmRequestOptions): string {
  let full: URL;
  if (/^https?:\/\//i.test(path)) full = new URL(path);
  else if (path.startsWith('/')) full = new URL(endpoint + path);
  else full = new URL(`${endpoint}${workspaceId}/${path}`);
  if (!full.searchParams.has('api-version')) full.searchParams.set('api-version', o.apiVersion ?? apiVersion);
  for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) full.searchParams.set(k, String(v));
  return full.toString();
}

function armRequest(method: HttpMethods, url: string, o: ArmRequestOptions & { body?: unknown }, allowInsecureConnection: boolean | undefined) {
  const headers = createHttpHeaders({ accept: 'application/json', ...(o.headers ?? {}) });
  let body: string | undefined;
  if (o.body !== undefined) {
    body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  return createPipelineRequest({ url, method, headers, body, abortSignal: o.abortSignal, allowInsecureConnection });
}

/** A list, page by page (`nextLink`), as the SDK's PagedAsyncIterableIterator. */
function listPages<T>(send: Send, path: string, o: ArmRequestOptions = {}): PagedAsyncIterableIterator<T> {
  async function* pages(settings: PageSettings = {}): AsyncIterableIterator<Page<T>> {
    let next: string | undefined = settings.continuationToken ?? path;
    while (next) {
      const isFirst = next === path;
      const response: ArmResponse<{ value?: T[]; nextLink?: string | null }> = await send('GET', next, {
        ...o,
        query: isFirst ? o.query : undefined,
      });
      const page = (Array.isArray(response.body?.value) ? response.body.value : []) as Page<T>;
      const nextLink = response.body?.nextLink || undefined;
      page.continuationToken = nextLink;
      yield page;
      next = nextLink;
    }
  }
  async function* items(): AsyncIterableIterator<T> {
    for await (const page of pages()) yield* page;
  }
  const iterator = items();
  return {
    next: () => iterator.next(),
    [Symbol.asyncIterator]() {
      return this;
    },
    byPage: (settings?: PageSettings) => pages(settings),
  };
}

function parseOperationState<T>(serializedState: string): ArmOperationState<T> {
  let state: ArmOperationState<T>;
  try {
    state = JSON.parse(serializedState) as ArmOperationState<T>;
  } catch {
    throw new TypeError('resumePoller: the serialized state is not JSON.');
  }
  if (!state || typeof state.resourceUrl !== 'string' || typeof state.mode !== 'string') {
    throw new TypeError('resumePoller: the serialized state is not an ARM operation state.');
  }
  return state;
}

/** Sends the request that starts an operation and reads from its answer how to follow it. */
async function beginOperation<T>(ctx: PollContext, method: HttpMethods, path: string, body: unknown, o: BeginOptions = {}): Promise<ArmPoller<T>> {
  const resourceUrl = ctx.url(path, o);
  const response = await ctx.send<unknown>(method, path, { ...o, body });
  const asyncOperation = response.headers['azure-asyncoperation'];
  const location = response.headers['location'];
  const state: ArmOperationState<T> = {
    status: 'running',
    method,
    resourceUrl,
    mode: 'none',
    locationUrl: location ? absolute(location, resourceUrl) : undefined,
    apiVersion: o.apiVersion ?? ctx.apiVersion,
    startedAt: ctx.now(),
    polls: 0,
    retryAfterInMs: retryAfter(response.headers),
  };
  const provisioning = provisioningStateOf(response.body);
  if (asyncOperation) {
    state.mode = 'async-operation';
    state.pollUrl = absolute(asyncOperation, resourceUrl);
  } else if (location && (response.status === 202 || (response.status === 201 && method === 'POST'))) {
    state.mode = 'location';
    state.pollUrl = state.locationUrl;
  } else if (response.status === 202 && method === 'DELETE') {
    state.mode = 'resource';
  } else if ((method === 'PUT' || method === 'PATCH') && provisioning && classify(provisioning) === 'running') {
    state.mode = 'resource';
    state.serviceStatus = provisioning;
  } else {
    finish(state, provisioning ?? 'Succeeded', method === 'DELETE' ? undefined : (response.body as T), response.body);
  }
  return createPoller(ctx, state, o);
}

/** One poll of the Azure-AsyncOperation URL: `{ status }`; on success, the final resource. */
async function pollAsyncOperation<T>(ctx: PollContext, state: ArmOperationState<T>, signal: AbortSignalLike | undefined): Promise<void> {
  const r = await ctx.send<{ status?: string; error?: unknown }>('GET', state.pollUrl!, { abortSignal: signal });
  state.retryAfterInMs = retryAfter(r.headers);
  const word = typeof r.body?.status === 'string' ? r.body.status : undefined;
  state.serviceStatus = word;
  const status = word ? classify(word) : 'running';
  if (status === 'succeeded') await completeAfterSuccess(ctx, state, signal);
  else if (status !== 'running') finish(state, word ?? 'Failed', undefined, r.body);
}

/** One poll of the Location URL: 202 while running; then the resource (PUT/PATCH) or the answer. */
async function pollLocation<T>(ctx: PollContext, state: ArmOperationState<T>, signal: AbortSignalLike | undefined): Promise<void> {
  const pollUrl = state.pollUrl!;
  const r = await ctx.send<unknown>('GET', pollUrl, { abortSignal: signal }, (s) => (s >= 200 && s < 300) || (s === 404 && state.method === 'DELETE'));
  state.retryAfterInMs = retryAfter(r.headers);
  if (r.status === 202) {
    if (r.headers['location']) state.pollUrl = absolute(r.headers['location'], pollUrl);
    state.serviceStatus = 'Accepted';
  } else if (state.method === 'PUT' || state.method === 'PATCH') {
    const resource = await ctx.send<unknown>('GET', state.resourceUrl, { abortSignal: signal });
    finish(state, 'Succeeded', resource.body as T, resource.body);
  } else {
    finish(state, 'Succeeded', state.method === 'DELETE' ? undefined : (r.body as T), r.body);
  }
}

/** One poll of the resource itself: its provisioningState, or 404 once a delete is done. */
async function pollResource<T>(ctx: PollContext, state: ArmOperationState<T>, signal: AbortSignalLike | undefined): Promise<void> {
  const r = await ctx.send<unknown>(
    'GET',
    state.resourceUrl,
    { abortSignal: signal },
    (s) => (s >= 200 && s < 300) || (s === 404 && state.method === 'DELETE'),
  );
  state.retryAfterInMs = retryAfter(r.headers);
  if (state.method === 'DELETE') {
    if (r.status === 404) finish(state, 'Succeeded', undefined, undefined);
    else state.serviceStatus = provisioningStateOf(r.body) ?? 'Deleting';
  } else {
    const word = provisioningStateOf(r.body) ?? 'Succeeded';
    state.serviceStatus = word;
    if (classify(word) !== 'running') finish(state, word, r.body as T, r.body);
  }
}

async function completeAfterSuccess<T>(ctx: PollContext, state: ArmOperationState<T>, signal: AbortSignalLike | undefined): Promise<void> {
  if (state.method === 'PUT' || state.method === 'PATCH') {
    const resource = await ctx.send<unknown>('GET', state.resourceUrl, { abortSignal: signal });
    finish(state, 'Succeeded', resource.body as T, resource.body);
  } else if (state.method === 'POST' && state.locationUrl) {
    const final = await ctx.send<unknown>('GET', state.locationUrl, { abortSignal: signal }, (s) => s >= 200 && s < 300);
    finish(state, 'Succeeded', final.body as T, final.body);
  } else {
    finish(state, 'Succeeded', undefined, undefined);
  }
}

function createPoller<T>(ctx: PollContext, state: ArmOperationState<T>, o: BeginOptions): ArmPoller<T> {
  const listeners = new Set<(s: ArmOperationState<T>) => void>();
  let stopped = false;
  const interval = o.updateIntervalInMs ?? ctx.defaultInterval;

  async function pollOnce(p: PollOptions = {}): Promise<void> {
    if (state.status !== 'running') return;
    const signal = p.abortSignal ?? o.abortSignal;
    state.polls += 1;
    if (state.mode === 'async-operation' && state.pollUrl) await pollAsyncOperation(ctx, state, signal);
    else if (state.mode === 'location' && state.pollUrl) await pollLocation(ctx, state, signal);
    else await pollResource(ctx, state, signal);
    for (const listener of listeners) listener(state);
  }

  return {
    getOperationState: () => state,
    getResult: () => state.result,
    isDone: () => state.status !== 'running',
    poll: pollOnce,
    async pollUntilDone(p: PollOptions = {}) {
      const signal = p.abortSignal ?? o.abortSignal;
      while (state.status === 'running' && !stopped) {
        // Retry-After wins over the poll interval.
        await ctx.sleep(state.retryAfterInMs ?? interval, signal);
        await pollOnce({ abortSignal: signal });
      }
      if (state.status === 'failed' || state.status === 'canceled') {
        throw new ArmOperationError(state.status, state.serviceStatus, state.error, state.resourceUrl);
      }
      if (state.status === 'running') {
        const error = new Error('Polling was stopped before the operation finished.');
        error.name = 'AbortError';
        throw error;
      }
      return state.result as T;
    },
    onProgress(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    stopPolling: () => {
      stopped = true;
    },
    isStopped: () => stopped,
    toString: () => JSON.stringify(state),
  };
}

function finish<T>(state: ArmOperationState<T>, word: string, result: T | undefined, body: unknown): void {
  const status = classify(word);
  state.serviceStatus = word;
  state.status = status === 'running' ? 'succeeded' : status;
  if (state.status === 'succeeded') {
    state.result = result;
    state.error = undefined;
  } else {
    const detail = parseArmError(body) ?? parseArmError((body as { properties?: unknown } | undefined)?.properties);
    state.error = detail ? { code: detail.code, message: detail.message, target: detail.target } : undefined;
  }
}

function classify(word: string): ArmOperationStatus {
  switch (word.toLowerCase()) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'canceled':
    case 'cancelled':
      return 'canceled';
    default:
      return 'running';
  }
}

function provisioningStateOf(body: unknown): string | undefined {
  const p = (body as { properties?: { provisioningState?: unknown } } | undefined)?.properties?.provisioningState;
  return typeof p === 'string' ? p : undefined;
}

function retryAfter(headers: Record<string, string>): number | undefined {
  for (const h of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    if (headers[h] && /^\d+(\.\d+)?$/.test(headers[h].trim())) return Number(headers[h]);
  }
  const value = headers['retry-after'];
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function absolute(link: string, base: string): string {
  return new URL(link, base).toString();
}

function toArmResponse<T>(response: PipelineResponse, url: string): ArmResponse<T> {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) headers[name.toLowerCase()] = value;
  const text = response.bodyAsText ?? '';
  let body: unknown;
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, headers, body: body as T, url, requestId: headers['x-ms-request-id'] };
}

/**
 * Whether a 404 says that a parent of the requested resource is missing: ARM's
 * `ResourceGroupNotFound` / `SubscriptionNotFound`, or `ResourceNotFound` naming a resource above
 * the one asked for ("The Resource 'Microsoft.MachineLearningServices/workspaces/x' … was not found"
 * for a GET of `…/workspaces/x/models/m`).
 */
export function missingParent(url: string, body: unknown): boolean {
  const detail = parseArmError(body);
  if (!detail) return false;
  if (detail.code === 'ResourceGroupNotFound' || detail.code === 'SubscriptionNotFound') return true;
  if (detail.code !== 'ResourceNotFound') return false;
  const named = /The Resource '([^']+)'/i.exec(detail.message ?? '')?.[1]?.toLowerCase();
  if (!named) return false;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname).toLowerCase().replace(/\/+$/, '');
  } catch {
    return false;
  }
  const at = path.indexOf(`/providers/${named}`);
  return at >= 0 && path.length > at + `/providers/${named}`.length;
}

function restErrorFor(method: string, url: string, response: PipelineResponse, request: PipelineRequest): RestError {
  const detail = parseArmError(response.bodyAsText);
  const path = url.split('?')[0];
  const text = detail?.message ?? (response.bodyAsText?.trim() || 'no error body');
  const error = new RestError(`${method} ${path} returned HTTP ${response.status}${detail?.code ? ` ${detail.code}` : ''}: ${text}`, {
    statusCode: response.status,
    code: detail?.code,
    request,
    response,
  });
  error.details = detail;
  return error;
}
