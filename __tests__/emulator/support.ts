/**
 * Test support for the emulator core: a fast emulator, a real `@azure/arm-machinelearning`
 * client pointed at it (credential that fetches tokens from the emulator's token endpoint, bearer
 * policy replaced because the SDK refuses bearer tokens over http://), raw ARM calls, the request
 * log, and key-set comparison of JSON documents.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import type { RequestLogEntry } from '../../src/emulator/http/request-log.js';

export const FAST = { lroMs: 60, retryAfterSeconds: 0, jobStepMs: 20 } as const;

export const examplesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'fixtures', 'azure-rest-api-specs', 'examples');

export function readExample<T = Record<string, unknown>>(rel: string): T {
  return JSON.parse(readFileSync(join(examplesDir, rel), 'utf8')) as T;
}

export function startFastEmulator(o: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ ...o, timings: { ...FAST, ...(o.timings ?? {}) } });
}

export function wsPath(em: RunningEmulator, workspace = em.defaults.workspaceName): string {
  const d = em.defaults;
  return `/subscriptions/${d.subscriptionId}/resourceGroups/${d.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${workspace}`;
}

/** A TokenCredential that gets client-credential tokens from the emulator's token endpoint over HTTP. */
export function emulatorCredential(em: RunningEmulator, clientId = 'test-client', clientSecret = 'test-secret'): TokenCredential & { calls: number } {
  const cred = {
    calls: 0,
    async getToken(scopes: string | string[]): Promise<AccessToken> {
      cred.calls++;
      const scope = Array.isArray(scopes) ? scopes[0]! : scopes;
      const res = await fetch(`${em.baseUrl}/${em.defaults.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope }),
      });
      const body = (await res.json()) as { access_token?: string; expires_in?: number; error_description?: string };
      if (!res.ok || !body.access_token) throw new Error(`token endpoint: ${res.status} ${body.error_description ?? ''}`);
      return { token: body.access_token, expiresOnTimestamp: Date.now() + (body.expires_in ?? 0) * 1000 };
    },
  };
  return cred;
}

export interface SdkClientOptions {
  apiVersion?: string;
  maxRetries?: number;
  retryDelayInMs?: number;
  credential?: TokenCredential;
}

/** The real SDK client against the emulator. */
export function sdkClient(em: RunningEmulator, o: SdkClientOptions = {}): AzureMachineLearningWorkspaces {
  const credential = o.credential ?? emulatorCredential(em);
  const client = new AzureMachineLearningWorkspaces(credential, em.defaults.subscriptionId, {
    endpoint: em.baseUrl,
    allowInsecureConnection: true,
    retryOptions: { maxRetries: o.maxRetries ?? 3, retryDelayInMs: o.retryDelayInMs ?? 20, maxRetryDelayInMs: 200 },
    ...(o.apiVersion ? { apiVersion: o.apiVersion } : {}),
  });
  client.pipeline.removePolicy({ name: 'bearerTokenAuthenticationPolicy' });
  let cached: AccessToken | undefined;
  const bearer: PipelinePolicy = {
    name: 'emulatorBearerPolicy',
    async sendRequest(request, next) {
      if (!cached || cached.expiresOnTimestamp < Date.now() + 60_000) {
        const t = await credential.getToken('https://management.azure.com/.default');
        if (!t) throw new Error('no token');
        cached = t;
      }
      request.headers.set('authorization', `Bearer ${cached.token}`);
      return next(request);
    },
  };
  client.pipeline.addPolicy(bearer, { phase: 'Sign' });
  return client;
}

export interface RawResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** A raw ARM call with a valid token (unless `token` is given, '' for none). */
export async function arm<T = Record<string, unknown>>(
  em: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
  o: { apiVersion?: string | null; token?: string; query?: Record<string, string> } = {},
): Promise<RawResponse<T>> {
  const url = new URL(em.baseUrl + path);
  if (o.apiVersion !== null) url.searchParams.set('api-version', o.apiVersion ?? '2024-10-01');
  for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  const token = o.token ?? em.issueToken();
  if (token !== '') headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function requestLog(em: RunningEmulator): Promise<RequestLogEntry[]> {
  const res = await fetch(`${em.baseUrl}/.emulator/requests`);
  return ((await res.json()) as { requests: RequestLogEntry[] }).requests;
}

export async function clearRequestLog(em: RunningEmulator): Promise<void> {
  await fetch(`${em.baseUrl}/.emulator/requests`, { method: 'DELETE' });
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * Key paths of `expected` that `actual` lacks, recursively (arrays element by element, as far
 * as both have elements). Values are not compared.
 */
export function missingKeys(expected: unknown, actual: unknown, path = ''): string[] {
  const out: string[] = [];
  if (isObj(expected)) {
    if (!isObj(actual)) {
      if (Object.keys(expected).length > 0) out.push(`${path || '/'} (object expected, got ${JSON.stringify(actual)})`);
      return out;
    }
    for (const [k, v] of Object.entries(expected)) {
      if (!(k in actual)) out.push(`${path}/${k}`);
      else out.push(...missingKeys(v, actual[k], `${path}/${k}`));
    }
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) out.push(...missingKeys(expected[i], actual[i], `${path}[${i}]`));
  }
  return out;
}

/** Leaves of `expected` whose value differs in `actual` (JSON comparison; Dates as ISO strings). */
export function differentValues(expected: unknown, actual: unknown, path = ''): string[] {
  const norm = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
  if (isObj(expected)) {
    if (!isObj(actual)) return [`${path || '/'}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([k, v]) => differentValues(v, actual[k], `${path}/${k}`));
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
    return expected.flatMap((v, i) => differentValues(v, actual[i], `${path}[${i}]`));
  }
  return JSON.stringify(norm(expected)) === JSON.stringify(norm(actual))
    ? []
    : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(norm(actual))}`];
}

/** A copy without the listed top-level-or-nested paths (`a/b/c`). */
export function without<T>(value: T, ...paths: string[]): T {
  const copy = structuredClone(value) as unknown;
  for (const p of paths) {
    const parts = p.split('/');
    let node = copy as Record<string, unknown> | undefined;
    for (const part of parts.slice(0, -1)) node = isObj(node?.[part]) ? (node![part] as Record<string, unknown>) : undefined;
    if (node) delete node[parts[parts.length - 1]!];
  }
  return copy as T;
}
