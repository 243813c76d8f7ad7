/**
 * Managed online endpoints over ARM (api-version 2024-10-01, which has `mirrorTraffic`), and the
 * rollout's providers on top of them: the traffic router (GET → PUT of the whole endpoint, never
 * PATCH, which drops traffic), provisioning with logs, smoke tests, health signals from Azure
 * Monitor, deployment operations and probe traffic.
 */
import type { TokenCredential } from '@azure/identity';
import { armPath, type ArmClient } from './arm.js';
import { ArmOperationError, translateAzureError, withAzureOperation } from './errors.js';
import { abortableSleep } from './retry.js';
import { errorMessage } from '../core/errors.js';
import type { Signals, SignalSource } from '../rollout/health.js';
import type { DeploymentOps, ProbeDriver, ProbeSignals, Provisioner, SmokeResult, SmokeTester, TrafficRouter, TrafficSnapshot } from '../rollout/providers.js';
import { normalizeTraffic, TrafficConflictError, trafficStateEquals, type TrafficState } from '../rollout/traffic.js';

export type Obj = Record<string, unknown>;
export interface ArmResource {
  id?: string;
  name?: string;
  location?: string;
  tags?: Record<string, string>;
  sku?: Obj;
  kind?: string;
  identity?: Obj;
  properties?: Obj;
  systemData?: Obj;
}

const MONITOR_API_VERSION = '2023-10-01';
/** How long an endpoint may stay Creating/Updating before a write gives up (deploy bounds it by max-duration). */
export const DEFAULT_READY_TIMEOUT_IN_MS = 20 * 60_000;

export interface EndpointsOptions {
  /** Waits between readiness polls and conflict retries. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** How long to wait for an endpoint to leave Updating before writing. */
  readyTimeoutInMs?: number;
  /** First delay of a conflict retry (doubles). */
  conflictDelayInMs?: number;
  log?: (message: string) => void;
}

export class OnlineEndpoints {
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  constructor(
    readonly arm: ArmClient,
    private readonly o: EndpointsOptions = {},
  ) {
    this.sleep = o.sleep ?? ((ms, signal) => abortableSleep(ms, signal));
  }

  /** First wait after a conflict (doubles). */
  get conflictDelayInMs(): number {
    return this.o.conflictDelayInMs ?? 2000;
  }

  log(message: string): void {
    this.o.log?.(message);
  }

  endpointPath(endpoint: string): string {
    return armPath`onlineEndpoints/${endpoint}`;
  }
  deploymentPath(endpoint: string, deployment: string): string {
    return armPath`onlineEndpoints/${endpoint}/deployments/${deployment}`;
  }

  getEndpoint(endpoint: string): Promise<ArmResource | undefined> {
    return withAzureOperation(`reading endpoint '${endpoint}'`, () => this.arm.tryGet<ArmResource>(this.endpointPath(endpoint)));
  }

  async createEndpoint(endpoint: string, body: ArmResource): Promise<ArmResource> {
    await withAzureOperation(`creating endpoint '${endpoint}'`, async () => {
      const poller = await this.arm.beginPut<ArmResource>(this.endpointPath(endpoint), body);
      await poller.pollUntilDone();
    });
    return (await this.getEndpoint(endpoint)) as ArmResource;
  }

  getDeployment(endpoint: string, deployment: string): Promise<ArmResource | undefined> {
    return withAzureOperation(`reading deployment '${deployment}' of endpoint '${endpoint}'`, () => this.arm.tryGet<ArmResource>(this.deploymentPath(endpoint, deployment)));
  }

  async listDeployments(endpoint: string): Promise<ArmResource[]> {
    const out: ArmResource[] = [];
    await withAzureOperation(`listing the deployments of endpoint '${endpoint}'`, async () => {
      for await (const d of this.arm.list<ArmResource>(`${this.endpointPath(endpoint)}/deployments`)) out.push(d);
    });
    return out;
  }

  async getLogs(endpoint: string, deployment: string, containerType: 'InferenceServer' | 'StorageInitializer', tail = 60): Promise<string> {
    const r = await withAzureOperation(`reading the ${containerType} logs of deployment '${deployment}'`, () =>
      this.arm.post<{ content?: string }>(`${this.deploymentPath(endpoint, deployment)}/getLogs`, { containerType, tail }),
    );
    return r?.content ?? '';
  }

  async keys(endpoint: string): Promise<{ primaryKey?: string; secondaryKey?: string }> {
    return (
      (await withAzureOperation(`reading the keys of endpoint '${endpoint}'`, () => this.arm.post<{ primaryKey?: string; secondaryKey?: string }>(`${this.endpointPath(endpoint)}/listKeys`))) ?? {}
    );
  }

  /**
   * The endpoint's AML token (`token` operation, AMLToken endpoints only) with its expiry and
   * refresh times, epoch seconds on the wire (online-deployment-e2e 141st entry; swagger
   * example Workspace/OnlineEndpoint/getToken.json) and epoch ms here.
   */
  async token(endpoint: string): Promise<{ secret: string; expiresOn?: number; refreshAfter?: number } | undefined> {
    const r = await withAzureOperation(`getting a scoring token of endpoint '${endpoint}'`, () =>
      this.arm.post<{ accessToken?: string; expiryTimeUtc?: unknown; refreshAfterTimeUtc?: unknown }>(`${this.endpointPath(endpoint)}/token`),
    );
    if (!r?.accessToken) return undefined;
    const ms = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v * 1000 : undefined);
    const expiresOn = ms(r.expiryTimeUtc);
    const refreshAfter = ms(r.refreshAfterTimeUtc);
    return { secret: r.accessToken, ...(expiresOn !== undefined ? { expiresOn } : {}), ...(refreshAfter !== undefined ? { refreshAfter } : {}) };
  }

  /** Polls an endpoint operation to its end, for at most the ready timeout. */
  private async finish(endpoint: string, poller: { pollUntilDone(o?: { abortSignal?: AbortSignal }): Promise<unknown> }, abortSignal?: AbortSignal): Promise<void> {
    const ms = this.o.readyTimeoutInMs ?? DEFAULT_READY_TIMEOUT_IN_MS;
    const timeout = AbortSignal.timeout(ms);
    try {
      await poller.pollUntilDone({ abortSignal: abortSignal ? AbortSignal.any([abortSignal, timeout]) : timeout });
    } catch (err) {
      if (timeout.aborted && !abortSignal?.aborted) throw new Error(`the update of endpoint '${endpoint}' did not finish within ${Math.round(ms / 1000)} s`);
      throw err;
    }
  }

  /** Waits until the endpoint's provisioningState is terminal; Failed is an error. */
  async waitReady(endpoint: string, abortSignal?: AbortSignal): Promise<ArmResource> {
    const deadline = Date.now() + (this.o.readyTimeoutInMs ?? DEFAULT_READY_TIMEOUT_IN_MS);
    let delay = 500;
    let said = false;
    for (;;) {
      const ep = await this.getEndpoint(endpoint);
      if (!ep) throw new Error(`endpoint '${endpoint}' does not exist`);
      const state = String(ep.properties?.provisioningState ?? 'Succeeded');
      if (state === 'Succeeded') return ep;
      if (state === 'Failed' || state === 'Canceled') throw new Error(`endpoint '${endpoint}' is ${state}`);
      if (Date.now() > deadline) throw new Error(`endpoint '${endpoint}' stayed ${state} for more than ${Math.round((this.o.readyTimeoutInMs ?? DEFAULT_READY_TIMEOUT_IN_MS) / 1000)} s`);
      if (!said) {
        this.o.log?.(`Endpoint ${endpoint} is ${state}: waiting for it to be Succeeded before writing`);
        said = true;
      }
      await this.sleep(delay, abortSignal);
      delay = Math.min(delay * 2, 10_000);
    }
  }

  /**
   * Writes traffic by GET → PUT of the whole endpoint (no field dropped), once the endpoint is
   * ready; refuses when the endpoint no longer holds `expected` (someone else changed it), and
   * retries the service's Conflict / OperationCanceled answers with backoff.
   */
  async writeTraffic(endpoint: string, target: TrafficState, expected: TrafficState | undefined, abortSignal?: AbortSignal): Promise<void> {
    let delay = this.o.conflictDelayInMs ?? 2000;
    for (let attempt = 1; ; attempt++) {
      const ep = await this.waitReady(endpoint, abortSignal);
      const current = trafficOf(ep);
      // An earlier try of this write landed although its answer was lost: done.
      if (attempt > 1 && trafficStateEquals(current, target)) return;
      if (expected && !trafficStateEquals(current, expected)) {
        throw new TrafficConflictError(`endpoint '${endpoint}' traffic changed outside this rollout`, current);
      }
      // Zero entries are left out (absent is 0): a deployment deleted since the rollback point was
      // recorded may still be named at 0 there, and a write naming it would be refused.
      const body: ArmResource = { ...ep, properties: { ...(ep.properties ?? {}), traffic: normalizeTraffic(target.traffic), mirrorTraffic: normalizeTraffic(target.mirror ?? {}) } };
      for (const k of ['id', 'name', 'type', 'systemData'] as const) delete (body as Obj)[k];
      if (body.properties) {
        delete body.properties.provisioningState;
        delete body.properties.scoringUri;
        delete body.properties.swaggerUri;
      }
      try {
        const poller = await this.arm.beginPut<ArmResource>(this.endpointPath(endpoint), body);
        await this.finish(endpoint, poller, abortSignal);
        return;
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        const code = String((err as { code?: string }).code ?? '');
        // A conflict, or an update operation that ended Failed/Canceled in Azure: the write is
        // idempotent (the next try checks the endpoint again), so it is tried again.
        const failedOperation = err instanceof ArmOperationError;
        const retriable = failedOperation || status === 409 || /Conflict|OperationCanceled|Updating/i.test(code) || /OperationCanceled|being updated|Updating/i.test(errorMessage(err));
        if (!retriable || attempt >= 6) throw translateAzureError(err, `writing the traffic of endpoint '${endpoint}'`);
        this.o.log?.(`Traffic write on ${endpoint} ${failedOperation ? `ended ${(err as ArmOperationError).serviceStatus ?? 'Failed'}` : 'met a conflict'} (${code || status || 'no code'}); retrying in ${Math.round(delay / 1000)} s`);
        await this.sleep(delay, abortSignal);
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  /** Azure Monitor metrics of the endpoint, split and filtered by dimensions. */
  async metrics(endpointId: string, q: { names: string[]; start: Date; end: Date; aggregation: string; filter?: string; interval?: string; top?: number }): Promise<MonitorResponse> {
    const query: Record<string, string> = {
      metricnames: q.names.join(','),
      timespan: `${q.start.toISOString()}/${q.end.toISOString()}`,
      interval: q.interval ?? 'PT1M',
      aggregation: q.aggregation,
    };
    if (q.filter) query.$filter = q.filter;
    // Azure Monitor returns the 10 largest series unless told otherwise.
    if (q.top !== undefined) query.top = String(q.top);
    return withAzureOperation(`querying the Azure Monitor metrics ${q.names.join(', ')}`, () =>
      this.arm.get<MonitorResponse>(`${endpointId}/providers/Microsoft.Insights/metrics`, { apiVersion: MONITOR_API_VERSION, query }),
    );
  }
}

export interface MonitorResponse {
  /** The grain of the answer's data points, e.g. `PT1M`. */
  interval?: string;
  value?: Array<{ name?: { value?: string }; timeseries?: Array<{ metadatavalues?: Array<{ name?: { value?: string }; value?: string }>; data?: Array<{ timeStamp: string; total?: number; average?: number; maximum?: number; count?: number }> }> }>;
}

export function trafficOf(ep: ArmResource): TrafficState {
  const num = (m: unknown): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries((m as Record<string, unknown>) ?? {})) if (typeof v === 'number') out[k] = v;
    return out;
  };
  return { traffic: num(ep.properties?.traffic), mirror: num(ep.properties?.mirrorTraffic) };
}

export function createTrafficRouter(eps: OnlineEndpoints, endpoint: string, abortSignal?: AbortSignal): TrafficRouter {
  return {
    async getTraffic(): Promise<TrafficSnapshot> {
      const ep = await eps.getEndpoint(endpoint);
      if (!ep) throw new Error(`endpoint '${endpoint}' does not exist`);
      return trafficOf(ep);
    },
    async setTraffic(target, expectedCurrent) {
      await eps.writeTraffic(endpoint, target, { traffic: expectedCurrent.traffic, mirror: expectedCurrent.mirror ?? {} }, abortSignal);
    },
  };
}

/** Creates the deployment (no traffic) and follows its provisioning; on failure shows the logs. */
/** A write refused because another operation runs on the endpoint or deployment (try again later). */
export function isConflict(err: unknown): boolean {
  const status = (err as { statusCode?: number }).statusCode;
  const code = String((err as { code?: string }).code ?? '');
  return status === 409 || /^(Conflict|OperationCanceled)$/i.test(code);
}

/** Operation error codes of the service itself (not of the model, the image or the quota): worth another try. */
const SERVICE_FAILURE = /^(InternalServerError|InternalError|ServiceError|ServiceUnavailable|ServerBusy|OperationCanceled|Conflict|RequestTimeout|GatewayTimeout|TooManyRequests)$/i;

/**
 * Creates the deployment (no traffic) and follows its provisioning; on failure shows the logs.
 * A create refused with a conflict (the endpoint or deployment is busy, e.g. a re-run finds the
 * first try's creation still running) is tried again with back-off; a provisioning operation
 * that ends Failed with an error of the service itself is tried again twice. Failures of the
 * deployment (the container, the model, the quota) are not.
 */
export function createProvisioner(eps: OnlineEndpoints, endpoint: string, body: ArmResource, log: (m: string) => void): Provisioner {
  return {
    async provision(deployment, options) {
      let last = '';
      const deadline = options.deadline.getTime();
      let conflictDelay = eps.conflictDelayInMs;
      let serviceFailures = 0;
      try {
        for (let attempt = 1; ; attempt++) {
          let poller;
          try {
            poller = await eps.arm.beginPut<ArmResource>(eps.deploymentPath(endpoint, deployment), body);
          } catch (err) {
            if (!isConflict(err) || attempt >= 8 || Date.now() + conflictDelay > deadline) throw err;
            log(`Deployment ${deployment}: ${errorMessage(err).split('\n')[0]}; trying again in ${Math.round(conflictDelay / 1000)} s`);
            await abortableSleep(conflictDelay, options.abortSignal);
            conflictDelay = Math.min(conflictDelay * 2, 30_000);
            continue;
          }
          poller.onProgress((s) => {
            const state = s.serviceStatus ?? s.status;
            if (state !== last) {
              last = state;
              log(`Deployment ${deployment}: ${state}`);
            }
          });
          while (!poller.isDone()) {
            if (options.abortSignal?.aborted) return { ok: false, reason: 'cancelled while provisioning' };
            if (Date.now() > deadline) return { ok: false, reason: 'provisioning did not finish before max-duration' };
            await poller.poll({ abortSignal: options.abortSignal });
            if (!poller.isDone()) await abortableSleep(Math.max(200, poller.getOperationState().retryAfterInMs ?? 2000), options.abortSignal).catch(() => undefined);
          }
          const state = poller.getOperationState();
          if (state.status === 'succeeded') break;
          if (SERVICE_FAILURE.test(state.error?.code ?? '') && ++serviceFailures <= 2 && Date.now() < deadline) {
            log(`Deployment ${deployment}: provisioning ended ${state.serviceStatus ?? state.status} with a service error (${state.error?.code}: ${state.error?.message ?? ''}); trying again`);
            last = '';
            continue;
          }
          throw new Error(state.error?.message ?? `provisioning ended ${state.serviceStatus ?? state.status}`);
        }
        const d = await eps.getDeployment(endpoint, deployment);
        const ps = String(d?.properties?.provisioningState ?? 'Succeeded');
        if (ps !== 'Succeeded') throw new Error(`provisioning ended ${ps}`);
        return { ok: true, summary: `deployment ${deployment} provisioned` };
      } catch (err) {
        const logs: string[] = [];
        for (const c of ['StorageInitializer', 'InferenceServer'] as const) {
          const text = await eps.getLogs(endpoint, deployment, c, 40).catch(() => '');
          if (text.trim()) logs.push(`--- ${c} ---\n${text.trimEnd()}`);
        }
        // Our own plain errors say what ended how; HTTP and transport errors get the call named.
        const reason = Object.getPrototypeOf(err) === Error.prototype ? errorMessage(err) : errorMessage(translateAzureError(err, `creating deployment '${deployment}'`));
        return { ok: false, reason, logs: logs.join('\n') || undefined };
      }
    },
  };
}

/**
 * The credential of scoring requests. `header()` is the `Authorization` value (cached, fetched
 * again when due); `invalidate(header)` drops that value after the scoring URI refused it (401),
 * so the next `header()` fetches a fresh one.
 */
export interface ScoringAuth {
  header(): Promise<string | undefined>;
  invalidate?(header: string): void;
}

/** A key or token for a scoring URI and when it runs out (epoch ms; absent for keys). */
export interface ScoringSecret {
  secret: string;
  /** When it was obtained (this machine's clock). */
  obtainedAt: number;
  /** When the service stops taking it. */
  expiresOn?: number;
  /** When the service asks for a new one (the endpoint token's `refreshAfterTimeUtc`, an Entra token's `refreshAfterTimestamp`). */
  refreshAfter?: number;
}

/** How long before expiry a token without a refresh time is fetched again (at most; half its lifetime when shorter). */
export const TOKEN_REFRESH_MARGIN_IN_MS = 2 * 60_000;

/**
 * When a cached scoring secret is to be fetched again (epoch ms), or undefined for one that does
 * not expire (a key). The service's refresh time when it gave one, but never later than
 * {@link TOKEN_REFRESH_MARGIN_IN_MS} before expiry — or than halfway to it, for short-lived tokens.
 */
export function refreshDueAt(s: ScoringSecret): number | undefined {
  if (s.expiresOn === undefined) return s.refreshAfter;
  const lifetime = Math.max(0, s.expiresOn - s.obtainedAt);
  const latest = s.expiresOn - Math.min(TOKEN_REFRESH_MARGIN_IN_MS, lifetime / 2);
  return s.refreshAfter !== undefined ? Math.min(s.refreshAfter, latest) : latest;
}

/**
 * A {@link ScoringAuth} over `fetchSecret`: the secret is cached until {@link refreshDueAt} (or a
 * 401), concurrent callers share one fetch, and a failed refresh falls back to the cached secret
 * while it has not expired (the next call tries again).
 */
export function cachedScoringAuth(fetchSecret: () => Promise<ScoringSecret | undefined>, setSecret: (s: string) => void, now: () => number = Date.now): ScoringAuth {
  let cached: ScoringSecret | undefined;
  let stale = false;
  let pending: Promise<ScoringSecret | undefined> | undefined;
  const headerOf = (s: ScoringSecret | undefined) => (s ? `Bearer ${s.secret}` : undefined);
  const usable = (s: ScoringSecret | undefined): s is ScoringSecret => s !== undefined && (s.expiresOn === undefined || now() < s.expiresOn);
  return {
    async header() {
      if (cached && !stale) {
        const due = refreshDueAt(cached);
        if (due === undefined || now() < due) return headerOf(cached);
      }
      pending ??= (async () => {
        try {
          const fresh = await fetchSecret();
          if (fresh?.secret) {
            setSecret(fresh.secret);
            cached = fresh;
            stale = false;
          }
          return cached;
        } catch (err) {
          // A refresh that fails before the old token expires leaves the old one in use.
          if (!stale && usable(cached)) return cached;
          throw err;
        } finally {
          pending = undefined;
        }
      })();
      return headerOf(await pending);
    },
    invalidate(header) {
      if (cached && headerOf(cached) === header) stale = true;
    },
  };
}

/**
 * The Entra resource of `AADToken` endpoints' scoring URIs per cloud (azure-ai-ml 1.4.0
 * azure/ai/ml/_azure_environments.py, AML_RESOURCE_ID of each cloud; the SDK's invoke asks its
 * credential for it: operations/_online_endpoint_operations.py `_get_online_credentials`).
 */
const SCORING_RESOURCES: Record<string, string> = {
  AzureCloud: 'https://ml.azure.com',
  AzureChinaCloud: 'https://ml.azure.cn',
  AzureUSGovernment: 'https://ml.azure.us',
  Emulator: 'https://ml.azure.com',
};

/** `https://ml.azure.com/.default` (or the cloud's own): the scope of Entra tokens for scoring. */
export function scoringScope(cloudName: string): string {
  return `${SCORING_RESOURCES[cloudName] ?? SCORING_RESOURCES.AzureCloud}/.default`;
}

export interface ScoringAuthOptions {
  /** The workflow's credential: `AADToken` endpoints are scored with its token for {@link scope}. */
  credential?: TokenCredential;
  /** Default `https://ml.azure.com/.default`. */
  scope?: string;
  now?: () => number;
}

/**
 * The scoring credential by the endpoint's auth mode, as azure-ai-ml's invoke chooses it
 * (`_get_online_credentials`): Key → `listKeys` (primary key); AMLToken → the endpoint's `token`
 * operation (refreshed after its `refreshAfterTimeUtc`); AADToken → the workflow's own Entra
 * token for https://ml.azure.com (refreshed before it expires). Modes compare case-insensitively.
 */
export function scoringAuth(eps: OnlineEndpoints, endpoint: string, authMode: string, setSecret: (s: string) => void, o: ScoringAuthOptions = {}): ScoringAuth {
  const now = o.now ?? Date.now;
  const mode = authMode.toLowerCase();
  return cachedScoringAuth(
    async () => {
      const obtainedAt = now();
      if (mode === 'key') {
        const key = (await eps.keys(endpoint)).primaryKey;
        return key ? { secret: key, obtainedAt } : undefined;
      }
      if (mode === 'aadtoken') {
        if (!o.credential) throw new Error(`endpoint '${endpoint}' uses Microsoft Entra token auth (aad_token) and no credential is available to score it`);
        const scope = o.scope ?? scoringScope('AzureCloud');
        const t = await withAzureOperation(`getting a Microsoft Entra token for ${scope} to score endpoint '${endpoint}'`, () => o.credential!.getToken(scope));
        if (!t?.token) throw new Error(`the credential returned no token for ${scope}`);
        return { secret: t.token, obtainedAt, expiresOn: t.expiresOnTimestamp, ...(t.refreshAfterTimestamp !== undefined ? { refreshAfter: t.refreshAfterTimestamp } : {}) };
      }
      const t = await eps.token(endpoint);
      return t ? { ...t, obtainedAt } : undefined;
    },
    setSecret,
    now,
  );
}

export interface ScoreResult {
  status: number;
  body: string;
  latencyMs: number;
  deployment?: string;
  /** The answer's Retry-After, when it had one. */
  retryAfterMs?: number;
  /** A managed endpoint's 424: the status the model's container answered (`ms-azureml-model-error-statuscode`). */
  modelStatusCode?: number;
}

/**
 * One scoring request. A 401 (the key was regenerated, the token expired or was revoked early)
 * drops the credential and sends the request once more with a fresh one.
 */
export async function score(scoringUri: string, auth: ScoringAuth, payload: string, deployment?: string, signal?: AbortSignal): Promise<ScoreResult> {
  const send = async (a: string | undefined): Promise<ScoreResult> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (a) headers.authorization = a;
    if (deployment) headers['azureml-model-deployment'] = deployment;
    const started = performance.now();
    const res = await fetch(scoringUri, { method: 'POST', headers, body: payload, signal });
    const body = await res.text();
    const retryAfter = Number(res.headers.get('retry-after'));
    return {
      status: res.status,
      body,
      latencyMs: performance.now() - started,
      deployment: res.headers.get('azureml-model-deployment') ?? undefined,
      ...(Number.isInteger(Number(res.headers.get('ms-azureml-model-error-statuscode') ?? 'x')) ? { modelStatusCode: Number(res.headers.get('ms-azureml-model-error-statuscode')) } : {}),
      ...(Number.isFinite(retryAfter) && retryAfter >= 0 && res.headers.get('retry-after') !== null ? { retryAfterMs: retryAfter * 1000 } : {}),
    };
  };
  const first = await auth.header();
  const r = await send(first);
  if (r.status !== 401 || !first || !auth.invalidate) return r;
  auth.invalidate(first);
  const again = await auth.header();
  return again && again !== first ? send(again) : r;
}

export interface ScoringOptions {
  /** A try without an answer after this long is abandoned and tried again. Default 20 s. */
  tryTimeoutInMs?: number;
  /** Tries after the first. Default 3. */
  retries?: number;
  /** First wait between tries (doubles; a Retry-After up to 10 s wins). Default 1000. */
  retryDelayInMs?: number;
}

/** Answers of the endpoint's gateway (not of the model, which a managed endpoint reports as 424). */
const GATEWAY_RETRY = new Set([429, 500, 502, 503, 504]);

/**
 * {@link score} with what the ARM calls have: a per-try timeout, and a few tries again on a
 * gateway answer (429, 500, 502, 503, 504), a broken connection or a timeout. A model that
 * keeps failing still fails; one lost request does not fail a smoke test.
 */
export async function scoreWithRetry(scoringUri: string, auth: ScoringAuth, payload: string, deployment: string | undefined, signal: AbortSignal | undefined, o: ScoringOptions = {}): Promise<ScoreResult> {
  const retries = o.retries ?? 3;
  const tryTimeout = o.tryTimeoutInMs ?? 20_000;
  let delay = o.retryDelayInMs ?? 1000;
  // The credential first (listKeys / token / Entra, with their own retries): a failure to get one
  // is reported as it is, not retried as a scoring failure. Later tries reuse it until it is due.
  await auth.header();
  for (let attempt = 0; ; attempt++) {
    const timeout = AbortSignal.timeout(tryTimeout);
    let result: ScoreResult | undefined;
    let error: unknown;
    try {
      result = await score(scoringUri, auth, payload, deployment, signal ? AbortSignal.any([signal, timeout]) : timeout);
    } catch (err) {
      if (signal?.aborted) throw err;
      error = timeout.aborted ? new Error(`no answer from ${scoringUri} within ${Math.round(tryTimeout / 1000)} s`) : err;
    }
    if (result && !GATEWAY_RETRY.has(result.status)) return result;
    if (attempt >= retries) {
      if (result) return result;
      throw error;
    }
    await abortableSleep(Math.min(result?.retryAfterMs ?? delay, 10_000), signal);
    delay *= 2;
  }
}

/** A response that is a JSON string holding JSON (what many score.py return) is unwrapped once. */
export function unwrapJson(text: string): unknown {
  let v: unknown = JSON.parse(text);
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      // a plain string answer
    }
  }
  return v;
}

/** True when `actual` contains everything in `expected` (objects by key, arrays by position). */
export function jsonSubset(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.length <= actual.length && expected.every((e, i) => jsonSubset(e, actual[i]));
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, v]) => jsonSubset(v, (actual as Obj)[k]));
  }
  return expected === actual;
}

export interface SmokeSpec {
  requests: Array<{ name: string; body: string }>;
  expect?: unknown;
  maxLatencyMs?: number;
}

export function createSmokeTester(scoringUri: () => Promise<string>, auth: ScoringAuth, spec: SmokeSpec, log: (m: string) => void, scoring: ScoringOptions = {}): SmokeTester {
  return {
    async run(deployment, options) {
      const lines: string[] = [];
      for (const req of spec.requests) {
        let r: ScoreResult;
        try {
          r = await scoreWithRetry(await scoringUri(), auth, req.body, deployment, options?.abortSignal, scoring);
        } catch (err) {
          return { passed: false, summary: `${req.name}: request failed: ${errorMessage(err)}` };
        }
        const where = `${req.name} → HTTP ${r.status}${r.modelStatusCode !== undefined ? ` (model ${r.modelStatusCode})` : ''} in ${Math.round(r.latencyMs)} ms`;
        if (r.deployment && r.deployment !== deployment) return { passed: false, summary: `${where}: answered by ${r.deployment}, not ${deployment}` };
        if (r.status < 200 || r.status >= 300) return { passed: false, summary: `${where}: ${r.body.slice(0, 300)}` };
        if (spec.maxLatencyMs !== undefined && r.latencyMs > spec.maxLatencyMs) return { passed: false, summary: `${where}: slower than ${spec.maxLatencyMs} ms` };
        if (spec.expect !== undefined) {
          let got: unknown;
          try {
            got = unwrapJson(r.body);
          } catch {
            return { passed: false, summary: `${where}: the response is not JSON: ${r.body.slice(0, 200)}` };
          }
          if (!jsonSubset(spec.expect, got)) return { passed: false, summary: `${where}: ${JSON.stringify(got).slice(0, 300)} does not contain ${JSON.stringify(spec.expect).slice(0, 200)}` };
        }
        lines.push(where);
      }
      const summary = lines.join('; ') || 'no smoke requests';
      log(`Smoke test of ${deployment}: ${summary}`);
      return { passed: true, summary } satisfies SmokeResult;
    },
  };
}

/** `PT1M`, `PT5M`, `PT1H`, `PT0.5S` … in ms; undefined when not a day-less ISO 8601 duration. */
export function isoDurationMs(iso: string | undefined): number | undefined {
  const m = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(iso ?? '');
  if (!m || (!m[1] && !m[2] && !m[3])) return undefined;
  const ms = ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
  return ms > 0 ? ms : undefined;
}

type Point = { timeStamp: string; total?: number; average?: number; maximum?: number; count?: number };

/** Every data point of `metric` (optionally of the series whose dimensions pass `by`), with its bucket start. */
function pointsOf(resp: MonitorResponse, metric: string, by?: (meta: Record<string, string>) => boolean): Array<{ at: number; p: Point }> {
  const out: Array<{ at: number; p: Point }> = [];
  for (const m of resp.value ?? []) {
    if (m.name?.value !== metric) continue;
    for (const ts of m.timeseries ?? []) {
      const meta: Record<string, string> = {};
      for (const md of ts.metadatavalues ?? []) if (md.name?.value) meta[md.name.value.toLowerCase()] = String(md.value ?? '');
      if (by && !by(meta)) continue;
      for (const p of ts.data ?? []) {
        const at = Date.parse(p.timeStamp);
        if (Number.isFinite(at)) out.push({ at, p });
      }
    }
  }
  return out;
}

function combine(points: Array<{ p: Point }>, agg: 'total' | 'average' | 'maximum'): number | undefined {
  let total = 0;
  let n = 0;
  for (const { p } of points) {
    const v = p[agg];
    if (typeof v !== 'number') continue;
    if (agg === 'maximum') total = n === 0 ? v : Math.max(total, v);
    else total += v;
    n++;
  }
  if (n === 0) return undefined;
  return agg === 'average' ? total / n : total;
}

/**
 * A request the deployment failed: a 5xx from the endpoint; a 424 (a managed endpoint's answer
 * when the model's `run()` raised or returned non-2xx; `modelStatusCode` holds the container's own
 * status); a 408 (the model took longer than `request_timeout_ms`) or a 429 "too many pending
 * requests" (more than 2 × `max_concurrent_requests_per_instance` × `instance_count` in flight: it
 * cannot keep up) — https://learn.microsoft.com/en-us/azure/machine-learning/how-to-troubleshoot-online-endpoints#http-status-codes.
 * A 429 of the endpoint's own rate limit is answered before any deployment is chosen, so it has no
 * deployment dimension and is not counted here. Other 4xx (400, 401, 404 …) are the caller's.
 */
export function isServerError(dims: Record<string, string>): boolean {
  if (dims.statuscodeclass === '5xx') return true;
  if (dims.statuscode === '424' || dims.statuscode === '408' || dims.statuscode === '429') return true;
  return /^5\d\d$/.test(dims.modelstatuscode ?? '');
}

/** Status codes of an answer the deployment failed (the same rule as {@link isServerError}, for one response). */
export function isFailedAnswer(status: number): boolean {
  return status >= 500 || status === 424 || status === 408 || status === 429;
}

/** Minutes read once more after they were first reported, while they may still fill in (Azure: one to three minutes late). */
const REFILL_BUCKETS = 2;

export interface MonitorSignalsOptions {
  /** How long after a minute ends Azure Monitor has reported it (the `metrics-delay` input). */
  delayMs: number;
}

/**
 * Health signals of one deployment from Azure Monitor: requests and failures, latency
 * percentiles — over whole minutes only, and only those that ended `delayMs` ago or earlier
 * (Azure reports a minute one to three minutes after it ends; a newer minute is missing or
 * partial). The answer says what it covers (`reported`); a window with no such minute yet is
 * `pending`. The bucket length is the answer's `interval` (PT1M on Azure).
 */
export function createMonitorSignals(eps: OnlineEndpoints, endpointId: string, o: MonitorSignalsOptions = { delayMs: 60_000 }): SignalSource {
  return {
    async query(deployment, start, end, options): Promise<Signals> {
      void options;
      const now = end.getTime();
      // The query starts at the whole minute holding `start`: the minute's data is a whole.
      const queryStart = new Date(Math.floor(start.getTime() / 60_000) * 60_000);
      // Split by every status dimension: a model error is a 424 (class 4xx) with modelStatusCode
      // 500 on a managed endpoint, which a split by statusCodeClass alone cannot tell apart from
      // the caller's 4xx; dimensions left out of the filter are absent from the series metadata.
      const filter = `deployment eq '${deployment.replace(/'/g, "''")}' and statusCodeClass eq '*' and statusCode eq '*' and modelStatusCode eq '*'`;
      const [reqs, lat] = await Promise.all([
        eps.metrics(endpointId, { names: ['RequestsPerMinute'], start: queryStart, end, aggregation: 'Total', filter, top: 100 }),
        eps.metrics(endpointId, { names: ['RequestLatency_P95', 'RequestLatency_P99'], start: queryStart, end, aggregation: 'Average', filter: `deployment eq '${deployment.replace(/'/g, "''")}'` }),
      ]);
      const grain = isoDurationMs(reqs.interval) ?? 60_000;
      const from = Math.floor(start.getTime() / grain) * grain;
      // The last whole bucket that ended delayMs ago or earlier.
      const until = Math.max(from, Math.floor((now - o.delayMs) / grain) * grain);
      const final = Math.max(from, until - REFILL_BUCKETS * grain);
      const reported = { from, until, final, nextAt: until + grain + o.delayMs, grainMs: grain };
      if (until <= from) return { requests: 0, pending: true, reported };
      const inWindow = <T extends { at: number }>(xs: T[]) => xs.filter((x) => x.at >= from && x.at + grain <= until);
      const requests = combine(inWindow(pointsOf(reqs, 'RequestsPerMinute')), 'total') ?? 0;
      const errors = combine(inWindow(pointsOf(reqs, 'RequestsPerMinute', isServerError)), 'total') ?? 0;
      const signals: Signals = { requests, reported };
      if (requests > 0) signals.error_rate = errors / requests;
      for (const [metric, key] of [
        ['RequestLatency_P95', 'latency_p95'],
        ['RequestLatency_P99', 'latency_p99'],
      ] as const) {
        // Each minute's percentile (the PT1M average of a per-minute metric); the worst minute counts.
        const values = inWindow(pointsOf(lat, metric)).map(({ p }) => p.average ?? p.maximum).filter((v): v is number => typeof v === 'number');
        if (values.length > 0) signals[key] = Math.max(...values);
      }
      return signals;
    },
  };
}

export function createDeploymentOps(eps: OnlineEndpoints, endpoint: string, scoringUri: () => Promise<string>, auth: ScoringAuth, probeBody?: string, scoring: ScoringOptions = {}): DeploymentOps {
  return {
    /** Deletes; a conflict or a delete operation that ends Failed is tried again (three tries). */
    async delete(name) {
      let delay = eps.conflictDelayInMs;
      for (let attempt = 1; ; attempt++) {
        try {
          const poller = await eps.arm.beginDelete(eps.deploymentPath(endpoint, name));
          await poller.pollUntilDone();
          return;
        } catch (err) {
          if (attempt >= 3 || !(isConflict(err) || err instanceof ArmOperationError)) throw translateAzureError(err, `deleting deployment '${name}'`);
          eps.log(`Deleting deployment ${name}: ${errorMessage(err).split('\n')[0]}; trying again in ${Math.round(delay / 1000)} s`);
          await abortableSleep(delay);
          delay *= 2;
        }
      }
    },
    async scale(name, instances) {
      const d = await eps.getDeployment(endpoint, name);
      if (!d) return;
      const body: ArmResource = { ...d, sku: { ...(d.sku ?? { name: 'Default' }), capacity: instances } };
      for (const k of ['id', 'name', 'type', 'systemData'] as const) delete (body as Obj)[k];
      if (body.properties) delete body.properties.provisioningState;
      const poller = await eps.arm.beginPut(eps.deploymentPath(endpoint, name), body);
      await poller.pollUntilDone();
    },
    async confirmServes(name) {
      const answers: Record<string, number> = {};
      for (let i = 0; i < 5; i++) {
        const r = await scoreWithRetry(await scoringUri(), auth, probeBody ?? '{}', undefined, undefined, scoring);
        const who = r.deployment ?? '(unknown)';
        answers[who] = (answers[who] ?? 0) + 1;
        if (r.status >= 500 || r.status === 424) return { ok: false, detail: `a request without the deployment header got HTTP ${r.status}` };
      }
      const ok = Object.keys(answers).length === 1 && answers[name] === 5;
      return { ok, detail: `requests without the deployment header were answered by ${Object.entries(answers).map(([k, v]) => `${k}×${v}`).join(', ')}` };
    },
  };
}

function nearestRank(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

/**
 * Synthetic scoring requests at a steady rate, spread over the endpoint's traffic split. Every
 * answer is kept (when it arrived, who answered — `azureml-model-deployment` —, its status and
 * latency) for {@link ProbeDriver.signals}: the probe signals of a deployment, judged at once.
 * A failure is a 5xx, 424 (the model failed), 408 (slower than its request timeout) or 429 (too
 * many pending requests).
 */
export function createProbeDriver(scoringUri: () => Promise<string>, auth: ScoringAuth, body: string, now: () => number = Date.now): ProbeDriver {
  let timer: NodeJS.Timeout | undefined;
  const answers: Array<{ at: number; deployment: string; failed: boolean; latencyMs: number }> = [];
  let started = false;
  return {
    start(rps) {
      if (timer || rps <= 0) return;
      started = true;
      timer = setInterval(() => {
        void scoringUri()
          .then((uri) => score(uri, auth, body, undefined, AbortSignal.timeout(20_000)))
          .then((r) => {
            if (!r.deployment) return; // refused before routing (401, 404): not a deployment's answer
            answers.push({ at: now(), deployment: r.deployment.toLowerCase(), failed: isFailedAnswer(r.status), latencyMs: r.latencyMs });
            // Keep 15 minutes of answers.
            while (answers.length > 0 && answers[0]!.at < now() - 15 * 60_000) answers.shift();
          })
          .catch(() => undefined);
      }, Math.max(10, Math.round(1000 / rps)));
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    signals(deployment, windowStart, windowEnd): ProbeSignals | undefined {
      if (!started) return undefined;
      const name = deployment.toLowerCase();
      const a = windowStart.getTime();
      const b = windowEnd.getTime();
      const mine = answers.filter((x) => x.deployment === name && x.at >= a && x.at < b);
      const out: ProbeSignals = { 'probe.requests': mine.length };
      if (mine.length > 0) {
        out['probe.error_rate'] = mine.filter((x) => x.failed).length / mine.length;
        const sorted = mine.map((x) => x.latencyMs).sort((x, y) => x - y);
        out['probe.latency_p95'] = nearestRank(sorted, 95);
        out['probe.latency_p99'] = nearestRank(sorted, 99);
      }
      return out;
    },
  };
}
