/**
 * Shared set-up of the deploy action tests: an emulator with fast endpoint timings, a workspace
 * laid out like azureml-examples' cli/endpoints/online (the managed/sample YAMLs copied from
 * ../shared, model-1/model-2 folders next to them), a standard-library score.py whose behaviour
 * changes after some requests (raises, gets slow) through environment variables, endpoints with a
 * prior traffic split set up over raw ARM, runs of dist/deploy through the harness, and reads of
 * the endpoint state and of the emulator's request log.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { RequestLogEntry } from '../../src/emulator/http/request-log.js';
import type { RolloutTimeline } from '../../src/rollout/timeline.js';
import { repoRoot, runAction, type RunResult } from '../harness/index.js';
import { expect } from 'vitest';
import { arm, requestLog, wsPath } from '../emulator/support.js';
import {
  API,
  armWait,
  deploymentPath,
  endpointPath,
  registerCode,
  registerEnvironment,
  registerModel,
  setTraffic,
  uploadFolder,
} from '../emulator/endpoints-support.js';
import { emulatorEnv, FAST_TIMINGS } from './support.js';

export type Json = Record<string, unknown>;

export const sampleDir = join(repoRoot, '..', 'shared', 'fixtures', 'azureml-examples', 'endpoints', 'online', 'managed', 'sample');
export const onlineDir = join(sampleDir, '..', '..');
export const sampleRequest = JSON.parse(readFileSync(join(sampleDir, 'sample-request.json'), 'utf8')) as { data: number[][] };

/**
 * Azure Monitor in these tests plays Azure's timing on a shorter clock: one-minute buckets
 * shortened to {@link METRICS_MINUTE_MS}, each reported one (shortened) minute after it ends — the
 * typical ingestion delay — so `QUICK` rollouts read it with a matching `metrics-delay`.
 */
export const METRICS_MINUTE_MS = 500;
export const METRICS_DELAY_MS = 500;

export async function startDeployEmulator(o: { metricsMinuteMs?: number; metricsDelay?: number } = {}): Promise<RunningEmulator> {
  return startEmulator({
    timings: FAST_TIMINGS,
    metricsDelay: o.metricsDelay ?? METRICS_DELAY_MS,
    endpoints: { readinessPollMs: 20, sampleIntervalMs: 1000, restartDelayMs: 200, stopGraceMs: 500, metricsMinuteMs: o.metricsMinuteMs ?? METRICS_MINUTE_MS },
  });
}

/**
 * The sample's model-1/model-2 are scikit-learn pickles and scikit-learn is not on this machine,
 * so each model folder also holds weights.json for this score.py, which answers the sample's
 * request shape (`{"data": [[10 numbers], …]}` → one number per row) with the standard library.
 * A model "goes bad" after some requests through environment variables of the deployment:
 * MODEL_FAIL_AFTER=N → run() raises from request N+1 on; MODEL_SLOW_AFTER=N with MODEL_SLOW_MS
 * → run() sleeps from request N+1 on; MODEL_INIT_FAIL=message → init() raises.
 */
export const SCORE_PY = `import json, logging, os, threading, time

model = None
calls = 0
lock = threading.Lock()


def _int(name):
    value = os.environ.get(name, "")
    return int(value) if value else 0


def init():
    global model
    logging.basicConfig(level=logging.INFO)
    if os.environ.get("MODEL_INIT_FAIL"):
        raise RuntimeError(os.environ["MODEL_INIT_FAIL"])
    path = os.path.join(os.environ["AZUREML_MODEL_DIR"], "model", "weights.json")
    with open(path) as f:
        model = json.load(f)
    print("Init complete: model %s loaded from %s" % (model["name"], path), flush=True)


def run(raw_data):
    global calls
    with lock:
        calls += 1
        n = calls
    fail_after = _int("MODEL_FAIL_AFTER")
    if fail_after and n > fail_after:
        raise ValueError("feature scaler is stale: request %d after %d good ones" % (n, fail_after))
    slow_after = _int("MODEL_SLOW_AFTER")
    if slow_after and n > slow_after:
        time.sleep(_int("MODEL_SLOW_MS") / 1000.0)
    data = json.loads(raw_data)["data"]
    return [sum(w * x for w, x in zip(model["weights"], row)) + model["bias"] for row in data]
`;

export interface ModelSpec {
  weights: number[];
  bias: number;
}

export const BLUE: ModelSpec = { weights: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], bias: 0 };
export const GREEN: ModelSpec = { weights: [1, 0, 0, 0, 0, 0, 0, 0, 0, 2], bias: 100 };

export function predictions(m: ModelSpec, data = sampleRequest.data): number[] {
  return data.map((row) => row.reduce((s, x, i) => s + x * m.weights[i]!, 0) + m.bias);
}

function write(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Copies a fixture folder file by file (the fixtures are read-only; the copies are not). */
function copyFolder(from: string, to: string): void {
  for (const e of readdirSync(from, { withFileTypes: true })) {
    if (e.isDirectory()) copyFolder(join(from, e.name), join(to, e.name));
    else write(join(to, e.name), readFileSync(join(from, e.name)));
  }
}

/**
 * A GITHUB_WORKSPACE with `endpoints/online/managed/sample/*` (copied from ../shared as they are)
 * and `endpoints/online/model-{1,2}/{model,environment,onlinescoring}` — the sample's pickles and
 * conda files plus weights.json and the score.py above.
 */
export function sampleWorkspace(): string {
  const ws = mkdtempSync(join(tmpdir(), 'aml-deploy-ws-'));
  const online = join(ws, 'endpoints', 'online');
  copyFolder(sampleDir, join(online, 'managed', 'sample'));
  for (const [n, m] of [
    ['model-1', BLUE],
    ['model-2', GREEN],
  ] as const) {
    copyFolder(join(onlineDir, n, 'model'), join(online, n, 'model'));
    copyFolder(join(onlineDir, n, 'environment'), join(online, n, 'environment'));
    write(join(online, n, 'model', 'weights.json'), JSON.stringify({ name: n, weights: m.weights, bias: m.bias }));
    write(join(online, n, 'onlinescoring', 'score.py'), SCORE_PY);
  }
  return ws;
}

export interface DeploymentYaml {
  name: string;
  endpoint: string;
  /** Model folder under the workspace (default endpoints/online/model-2/model). */
  model?: string;
  env?: Record<string, string>;
  /** Extra YAML lines. */
  extra?: string[];
  /** `request_settings` (default max_concurrent_requests_per_instance: 8). */
  requestSettings?: Record<string, number>;
}

/** Writes an `az ml online-deployment` YAML like the sample's green-deployment.yml; returns its workspace path. */
export function writeDeploymentYaml(ws: string, file: string, d: DeploymentYaml): string {
  const lines = [
    '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json',
    `name: ${d.name}`,
    `endpoint_name: ${d.endpoint}`,
    'model:',
    `  path: ../${d.model ?? 'endpoints/online/model-2/model'}/`,
    'code_configuration:',
    '  code: ../endpoints/online/model-2/onlinescoring/',
    '  scoring_script: score.py',
    'environment:',
    '  conda_file: ../endpoints/online/model-2/environment/conda.yaml',
    '  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest',
    'instance_type: Standard_DS3_v2',
    'instance_count: 1',
    'request_settings:',
    ...Object.entries(d.requestSettings ?? { max_concurrent_requests_per_instance: 8 }).map(([k, v]) => `  ${k}: ${v}`),
  ];
  if (d.env && Object.keys(d.env).length > 0) lines.push('environment_variables:', ...Object.entries(d.env).map(([k, v]) => `  ${k}: "${v}"`));
  lines.push(...(d.extra ?? []));
  write(join(ws, 'deploy', file), `${lines.join('\n')}\n`);
  return `deploy/${file}`;
}

/** Creates an endpoint (key auth) over raw ARM with the given deployments, traffic and mirror. */
export async function setupEndpoint(
  em: RunningEmulator,
  ws: string,
  endpoint: string,
  deployments: Array<{ name: string; model: ModelSpec }>,
  traffic: Record<string, number>,
  mirror: Record<string, number> = {},
): Promise<void> {
  const created = await armWait(em, 'PUT', endpointPath(em, endpoint), { location: 'eastus', properties: { authMode: 'Key' } });
  if (created.status !== 'Succeeded') throw new Error(`endpoint ${endpoint}: ${JSON.stringify(created)}`);
  const envId = await registerEnvironment(em, 'deploy-test-env');
  for (const d of deployments) {
    const dir = join(ws, 'prior', endpoint, d.name);
    write(join(dir, 'model', 'weights.json'), JSON.stringify({ name: d.name, weights: d.model.weights, bias: d.model.bias }));
    write(join(dir, 'code', 'score.py'), SCORE_PY);
    const modelUri = await uploadFolder(em, join(dir, 'model'), `prior/${endpoint}/${d.name}/model`);
    const codeUri = await uploadFolder(em, join(dir, 'code'), `prior/${endpoint}/${d.name}/code`);
    const modelId = await registerModel(em, `${endpoint}-${d.name}`, '1', modelUri);
    const codeId = await registerCode(em, `${endpoint}-${d.name}-code`, '1', codeUri);
    const put = await armWait(em, 'PUT', deploymentPath(em, endpoint, d.name), {
      location: 'eastus',
      sku: { name: 'Default', capacity: 1 },
      properties: {
        endpointComputeType: 'Managed',
        model: modelId,
        codeConfiguration: { codeId, scoringScript: 'score.py' },
        environmentId: envId,
        instanceType: 'Standard_DS3_v2',
        requestSettings: { maxConcurrentRequestsPerInstance: 8 },
      },
    });
    if (put.status !== 'Succeeded') throw new Error(`deployment ${d.name}: ${JSON.stringify(put)}`);
  }
  const set = await setTraffic(em, endpoint, traffic, mirror);
  if (set.status !== 'Succeeded') throw new Error(`traffic of ${endpoint}: ${JSON.stringify(set)}`);
}

export interface EndpointState {
  exists: boolean;
  provisioningState?: string;
  traffic: Record<string, number>;
  mirror: Record<string, number>;
  deployments: Array<{ name: string; provisioningState: string }>;
  scoringUri?: string;
}

/** The endpoint as ARM reads it back now, with its deployments. */
export async function endpointState(em: RunningEmulator, endpoint: string): Promise<EndpointState> {
  const ep = await arm<Json>(em, 'GET', endpointPath(em, endpoint), undefined, { apiVersion: API });
  if (ep.status === 404) return { exists: false, traffic: {}, mirror: {}, deployments: [] };
  const p = ep.body.properties as Json;
  const list = await arm<{ value: Json[] }>(em, 'GET', `${endpointPath(em, endpoint)}/deployments`, undefined, { apiVersion: API });
  return {
    exists: true,
    provisioningState: String(p.provisioningState),
    traffic: (p.traffic as Record<string, number>) ?? {},
    mirror: (p.mirrorTraffic as Record<string, number>) ?? {},
    deployments: list.body.value
      .map((d) => ({ name: String(d.name), provisioningState: String((d.properties as Json).provisioningState) }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
    scoringUri: String(p.scoringUri),
  };
}

/** Live traffic without zero entries (Azure keeps `green: 0` after a restore; equal for routing). */
export function nonZero(map: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(map).filter(([, v]) => v !== 0));
}

export async function primaryKey(em: RunningEmulator, endpoint: string): Promise<string> {
  const r = await arm<{ primaryKey: string }>(em, 'POST', `${endpointPath(em, endpoint)}/listKeys`, undefined, { apiVersion: API });
  return r.body.primaryKey;
}

/** The highest request sequence number so far: log entries after it belong to what comes next. */
export async function logMark(em: RunningEmulator): Promise<number> {
  const all = await requestLog(em);
  return all.length ? all[all.length - 1]!.seq : 0;
}

/** ARM requests after `mark` (scoring, token and admin requests left out). */
export async function armRequestsSince(em: RunningEmulator, mark: number): Promise<RequestLogEntry[]> {
  return (await requestLog(em)).filter((e) => e.seq > mark && e.path.startsWith('/subscriptions/'));
}

const ARM_MUTATIONS = new Set(['PUT', 'PATCH', 'DELETE', 'POST']);
/** POSTs that change nothing: reading keys, tokens and logs. */
const READ_ONLY_POST = /\/(listKeys|token|getLogs|listSecrets)$/i;

/** Requests that could change anything in the workspace (reads of keys, tokens and logs excepted). */
export function mutations(entries: RequestLogEntry[]): RequestLogEntry[] {
  return entries.filter((e) => ARM_MUTATIONS.has(e.method) && !(e.method === 'POST' && READ_ONLY_POST.test(e.path)));
}

/** PUTs of the endpoint itself (traffic writes) among the entries. */
export function endpointWrites(entries: RequestLogEntry[], endpoint: string): RequestLogEntry[] {
  const tail = `/onlineEndpoints/${endpoint}`.toLowerCase();
  return entries.filter((e) => (e.method === 'PUT' || e.method === 'PATCH') && e.path.toLowerCase().endsWith(tail));
}

/** Fast rollout settings: short bakes, checks every second, probe traffic so each check has data, Azure Monitor read as late as the emulator reports it. */
export const QUICK: Record<string, string> = {
  'bake-time': '2s',
  'check-interval': '1s',
  'metrics-delay': `${METRICS_DELAY_MS}ms`,
  'probe-rps': '10',
  'min-requests': '1',
  'smoke-request': 'endpoints/online/managed/sample/sample-request.json',
};

export interface DeployContext {
  em: RunningEmulator;
  workspace: string;
  runnerTemp?: string;
}

export interface DeployRun {
  signal?: { pattern: RegExp; signal: NodeJS.Signals };
  runId?: string;
  timeoutMs?: number;
  post?: boolean;
}

/** Runs dist/deploy (main, then post) through the harness. */
export function deploy(ctx: DeployContext, inputs: Record<string, string>, run: DeployRun = {}): Promise<RunResult> {
  return runAction({
    action: 'deploy',
    inputs,
    env: emulatorEnv(ctx.em),
    workspace: ctx.workspace,
    ...(ctx.runnerTemp ? { runnerTemp: ctx.runnerTemp } : {}),
    ...(run.runId ? { runId: run.runId } : {}),
    ...(run.signal ? { signal: run.signal } : {}),
    ...(run.post !== undefined ? { post: run.post } : {}),
    timeoutMs: run.timeoutMs ?? 60_000,
  });
}

/** The timeline output, parsed. */
export function timelineOf(r: RunResult): RolloutTimeline {
  return JSON.parse(r.outputs.timeline ?? '{"stages":[],"events":[]}') as RolloutTimeline;
}

/** main and post logs together, for failure messages. */
export function logs(r: RunResult): string {
  return `--- main (exit ${r.main.exitCode}, signal ${r.main.signal}) ---\n${r.main.log}\n--- post (exit ${r.post?.exitCode}) ---\n${r.post?.log ?? '(none)'}`;
}

/** A batch endpoint as ARM reads it back: its default deployment and its deployments. */
export interface BatchState {
  defaultDeployment?: string;
  deployments: string[];
}

export async function batchState(em: RunningEmulator, endpoint: string): Promise<BatchState> {
  const ep = await arm<Json>(em, 'GET', `${wsPath(em)}/batchEndpoints/${endpoint}`, undefined, { apiVersion: API });
  if (ep.status === 404) return { deployments: [] };
  const d = ((ep.body.properties as Json).defaults as Json | undefined)?.deploymentName;
  const list = await arm<{ value: Json[] }>(em, 'GET', `${wsPath(em)}/batchEndpoints/${endpoint}/deployments`, undefined, { apiVersion: API });
  return { ...(typeof d === 'string' ? { defaultDeployment: d } : {}), deployments: list.body.value.map((x) => String(x.name)).sort() };
}

/**
 * A batch rollout refused before anything changed: the step failed with one ::error, sent no
 * mutating ARM request, and the endpoint reads back as before. Returns the error.
 */
export async function expectBatchRefused(
  em: RunningEmulator,
  endpoint: string,
  run: () => Promise<RunResult>,
): Promise<{ message: string; properties: Record<string, string> }> {
  const before = await batchState(em, endpoint);
  const mark = await logMark(em);
  const r = await run();
  expect(r.main.exitCode, logs(r)).toBe(1);
  const errors = r.main.annotations.filter((a) => a.level === 'error');
  expect(errors, logs(r)).toHaveLength(1);
  expect(mutations(await armRequestsSince(em, mark)), 'no mutating ARM request').toEqual([]);
  expect(await batchState(em, endpoint)).toEqual(before);
  return errors[0]! as unknown as { message: string; properties: Record<string, string> };
}
