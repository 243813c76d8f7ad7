/**
 * The scoring client of online endpoints: the credential by the endpoint's auth mode (key, AML
 * token, Microsoft Entra token), cached and fetched again when due or refused, one scoring
 * request, and the same with a per-try timeout and a few tries again on gateway answers.
 */
import type { TokenCredential } from '@azure/identity';
import type { OnlineEndpoints } from './endpoints.js';
import { withAzureOperation } from './errors.js';
import { abortableSleep } from './retry.js';
import type { Obj } from '../core/obj.js';

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
export function cachedScoringAuth(
  fetchSecret: () => Promise<ScoringSecret | undefined>,
  setSecret: (s: string) => void,
  now: () => number = Date.now,
): ScoringAuth {
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
export function scoringAuth(
  eps: Pick<OnlineEndpoints, 'keys' | 'token'>,
  endpoint: string,
  authMode: string,
  setSecret: (s: string) => void,
  o: ScoringAuthOptions = {},
): ScoringAuth {
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
        return {
          secret: t.token,
          obtainedAt,
          expiresOn: t.expiresOnTimestamp,
          ...(t.refreshAfterTimestamp !== undefined ? { refreshAfter: t.refreshAfterTimestamp } : {}),
        };
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
      ...(Number.isInteger(Number(res.headers.get('ms-azureml-model-error-statuscode') ?? 'x'))
        ? { modelStatusCode: Number(res.headers.get('ms-azureml-model-error-statuscode')) }
        : {}),
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
export async function scoreWithRetry(
  scoringUri: string,
  auth: ScoringAuth,
  payload: string,
  deployment: string | undefined,
  signal: AbortSignal | undefined,
  o: ScoringOptions = {},
): Promise<ScoreResult> {
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
