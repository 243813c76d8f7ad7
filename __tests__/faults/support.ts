/**
 * Shared parts of the fault matrix and the kill-anywhere runs: one Azurite per test file and one
 * emulator per scenario (isolated fault rules and resources, cheap to start), faults injected
 * from outside the actions through the emulator's admin API (`POST /.emulator/faults`,
 * `/.emulator/endpoints/faults`), resources counted through ARM lists, and a small pool that
 * runs scenarios side by side (most of a fault scenario is waiting on back-off).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzurite, startEmulator, type RunningAzurite, type RunningEmulator } from '../../src/emulator/index.js';
import { repoRoot } from '../harness/index.js';
import { armWait, deploymentPath, endpointPath, setTraffic, uploadFolder, API } from '../emulator/endpoints-support.js';
import { arm, wsPath } from '../emulator/support.js';

export type Json = Record<string, unknown>;

/** Emulator timings: LROs of a second (a retried write can meet its own operation still running), no Retry-After on polls, quick job steps. */
export const TIMINGS = { lroMs: 1000, retryAfterSeconds: 0, jobStepMs: 20 } as const;

/** `FAULTS_QUICK=1`: fewer cells and kill runs (a smoke run of the suite). */
export const QUICK = process.env.FAULTS_QUICK === '1';

let azurite: Promise<RunningAzurite> | undefined;

/** One Azurite per test file, shared by every scenario emulator (each has its own containers). */
export function sharedAzurite(): Promise<RunningAzurite> {
  azurite ??= startAzurite({ dir: mkdtempSync(join(tmpdir(), 'faults-azurite-')), startTimeoutMs: 120_000 });
  return azurite;
}

export async function closeSharedAzurite(): Promise<void> {
  const a = azurite;
  azurite = undefined;
  await (await a?.catch(() => undefined))?.close();
}

/** An emulator of its own for one scenario, its blob traffic behind the fault proxy. */
export async function scenarioEmulator(): Promise<RunningEmulator> {
  const az = await sharedAzurite();
  // Azure Monitor's one-minute delay on a shorter clock (500 ms minutes); deploy scenarios read it with a matching metrics-delay.
  return startEmulator({ blob: az.blob, blobFaults: true, timings: TIMINGS, metricsDelay: 500, endpoints: { metricsMinuteMs: 500 } });
}

// ---------------------------------------------------------------------------------------------
// Faults, from outside the actions

export interface CoreFault {
  operation?: string;
  method?: string;
  pathContains?: string;
  count?: number;
  after?: number;
  position?: 'beforeHandler' | 'afterHandler';
  kind: 'status' | 'reset' | 'delay' | 'stall';
  status?: number;
  retryAfter?: number;
  code?: string;
  message?: string;
  ms?: number;
}

async function postJson(url: string, body: unknown): Promise<Json> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const out = (await res.json()) as Json;
  if (res.status !== 201) throw new Error(`POST ${url}: HTTP ${res.status} ${JSON.stringify(out)}`);
  return out;
}

export async function injectFault(em: RunningEmulator, rule: CoreFault): Promise<string> {
  const out = (await postJson(`${em.baseUrl}/.emulator/faults`, rule)) as { rules: Array<{ id: string }> };
  return out.rules[0]!.id;
}

export async function injectEndpointFault(em: RunningEmulator, rule: Json): Promise<string> {
  const out = (await postJson(`${em.baseUrl}/.emulator/endpoints/faults`, rule)) as { rules?: Array<{ id: string }>; id?: string };
  return out.rules?.[0]?.id ?? String(out.id);
}

/** How often the injected rules fired (core and endpoint rules). */
export async function faultHits(em: RunningEmulator): Promise<number> {
  const core = (await (await fetch(`${em.baseUrl}/.emulator/faults`)).json()) as { rules: Array<{ hits: number }> };
  const eps = (await (await fetch(`${em.baseUrl}/.emulator/endpoints/faults`)).json()) as { rules: Array<{ hits: number }> };
  return [...core.rules, ...eps.rules].reduce((n, r) => n + r.hits, 0);
}

export async function clearFaults(em: RunningEmulator): Promise<void> {
  await fetch(`${em.baseUrl}/.emulator/faults`, { method: 'DELETE' });
  await fetch(`${em.baseUrl}/.emulator/endpoints/faults`, { method: 'DELETE' });
}

// ---------------------------------------------------------------------------------------------
// Resources, counted through ARM

export async function armList(em: RunningEmulator, path: string, apiVersion = API): Promise<Json[]> {
  const out: Json[] = [];
  let next: string | undefined = `${em.baseUrl}${path}?api-version=${apiVersion}`;
  while (next) {
    const res = await fetch(next, { headers: { authorization: `Bearer ${em.issueToken()}` } });
    if (res.status === 404) return out;
    const page = (await res.json()) as { value?: Json[]; nextLink?: string };
    out.push(...(page.value ?? []));
    next = page.nextLink || undefined;
  }
  return out;
}

/** Jobs whose tags say they were submitted by this run. */
export async function jobsOfRun(em: RunningEmulator, runId: string): Promise<Json[]> {
  const jobs = await armList(em, `${wsPath(em)}/jobs`);
  return jobs.filter((j) => ((j.properties as Json).tags as Record<string, string> | undefined)?.['github.run_id'] === runId);
}

export async function modelVersions(em: RunningEmulator, name: string): Promise<Json[]> {
  return armList(em, `${wsPath(em)}/models/${name}/versions`);
}

export const REGISTRY_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-azureml-emulator/providers/Microsoft.MachineLearningServices/registries/shared-registry';

export async function registryVersions(em: RunningEmulator, name: string): Promise<Json[]> {
  return armList(em, `${REGISTRY_ID}/models/${name}/versions`);
}

export async function deploymentsOf(em: RunningEmulator, endpoint: string): Promise<Json[]> {
  return armList(em, `${endpointPath(em, endpoint)}/deployments`);
}

export async function endpointOf(em: RunningEmulator, endpoint: string): Promise<Json | undefined> {
  const r = await arm<Json>(em, 'GET', endpointPath(em, endpoint), undefined, { apiVersion: API });
  return r.status === 200 ? r.body : undefined;
}

export function trafficOf(ep: Json | undefined): Record<string, number> {
  const t = ((ep?.properties as Json | undefined)?.traffic ?? {}) as Record<string, number>;
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v > 0));
}

export function stateOf(r: Json): string {
  return String((r.properties as Json | undefined)?.provisioningState ?? '');
}

/**
 * Deployments that take live or mirrored traffic while not Succeeded (a half-made deployment
 * serving): must always be empty.
 */
export async function trafficOnHalfMade(em: RunningEmulator, endpoint: string): Promise<string[]> {
  const ep = await endpointOf(em, endpoint);
  if (!ep) return [];
  const props = ep.properties as Json;
  const takes = new Set(
    [...Object.entries((props.traffic ?? {}) as Record<string, number>), ...Object.entries((props.mirrorTraffic ?? {}) as Record<string, number>)]
      .filter(([, v]) => v > 0)
      .map(([k]) => k),
  );
  const deps = await deploymentsOf(em, endpoint);
  return [...takes].filter((name) => {
    const d = deps.find((x) => String(x.name) === name);
    return !d || stateOf(d) !== 'Succeeded';
  });
}

// ---------------------------------------------------------------------------------------------
// Fixtures: workspace folders, the iris model, an endpoint that serves

/** A fresh checkout: examples/ plus the given files. */
export function checkout(files: Record<string, string> = {}): string {
  const ws = mkdtempSync(join(tmpdir(), 'faults-ws-'));
  cpSync(join(repoRoot, 'examples'), join(ws, 'examples'), { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const p = join(ws, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
  }
  return ws;
}

let irisModelDir: string | undefined;

/** The iris MLflow model, trained once per process with the example's own trainer. */
export function irisModel(): string {
  if (irisModelDir) return irisModelDir;
  const dir = mkdtempSync(join(tmpdir(), 'faults-iris-'));
  const out = join(dir, 'model');
  const r = spawnSync(
    'python3',
    [join(repoRoot, 'examples/iris/src/train.py'), '--data', join(repoRoot, 'examples/iris/data/iris.csv'), '--epochs', '30', '--model', out],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`training the iris model failed: ${r.stderr}`);
  irisModelDir = out;
  return out;
}

export const SMOKE_REQUEST = '{"input_data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}';

/** Registers `<name>:1` from the iris model (uploaded to the workspace's default datastore); returns its ARM id. */
export async function registerIris(em: RunningEmulator, name = 'iris'): Promise<string> {
  const uri = await uploadFolder(em, irisModel(), `fixtures/${name}-model`);
  const r = await arm<Json>(
    em,
    'PUT',
    `${wsPath(em)}/models/${name}/versions/1`,
    { properties: { modelUri: uri, modelType: 'mlflow_model' } },
    { apiVersion: API },
  );
  if (r.status >= 300) throw new Error(`registering ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return String(r.body.id);
}

/** Endpoint `endpoint` (key auth) with deployment `blue` of iris:1 taking 100 % of the traffic. */
export async function servingEndpoint(em: RunningEmulator, endpoint: string, modelId?: string): Promise<void> {
  const model = modelId ?? (await registerIris(em));
  const location = 'eastus';
  const e = await armWait(em, 'PUT', endpointPath(em, endpoint), { location, properties: { authMode: 'Key' } });
  if (e.status !== 'Succeeded') throw new Error(`endpoint ${endpoint}: ${JSON.stringify(e)}`);
  const d = await armWait(em, 'PUT', deploymentPath(em, endpoint, 'blue'), {
    location,
    sku: { name: 'Default', capacity: 1 },
    properties: { endpointComputeType: 'Managed', model, instanceType: 'Standard_DS3_v2' },
  });
  if (d.status !== 'Succeeded') throw new Error(`deployment blue: ${JSON.stringify(d)}`);
  const t = await setTraffic(em, endpoint, { blue: 100 });
  if (t.status !== 'Succeeded') throw new Error(`traffic: ${JSON.stringify(t)}`);
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Running things side by side

/** Runs `tasks` with at most `limit` at once; results in input order. */
export async function pool<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export { prng } from '../helpers/prng.js';

/** Where the suite writes its reports (the matrix, the kill-anywhere figures). */
export function reportDir(): string {
  const dir = process.env.FAULTS_REPORT_DIR ?? join(repoRoot, '.tmp', 'faults');
  mkdirSync(dir, { recursive: true });
  return dir;
}
