/**
 * Helpers of the online-endpoint tests: upload a folder into the workspace's default datastore
 * (Azurite), register model / code / environment versions, run ARM long-running operations to
 * their end over raw HTTP (api-version 2024-10-01, which has `mirrorTraffic`), score, read the
 * emulator's endpoint overview and add endpoint faults.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { arm, type RawResponse, wsPath } from './support.js';

type Json = Record<string, unknown>;

export const API = '2024-10-01';

/** Write files (path → content) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, ...rel.split('/'));
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

async function blobstoreContainer(em: RunningEmulator): Promise<string> {
  const ds = await arm<Json>(em, 'GET', `${wsPath(em)}/datastores/workspaceblobstore`);
  return String((ds.body.properties as Json).containerName);
}

/** Uploads a local folder to `workspaceblobstore/<prefix>/…`; returns the datastore URI of the folder. */
export async function uploadFolder(em: RunningEmulator, local: string, prefix: string): Promise<string> {
  const service = new BlobServiceClient(em.blob.url, new StorageSharedKeyCredential(em.blob.accountName, em.blob.accountKey));
  const container = service.getContainerClient(await blobstoreContainer(em));
  await container.createIfNotExists();
  const walk = async (d: string): Promise<string[]> => {
    const out: string[] = [];
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) out.push(...(await walk(p)));
      else out.push(p);
    }
    return out;
  };
  const files = (await stat(local)).isDirectory() ? await walk(local) : [local];
  for (const f of files) {
    const rel = relative(local, f).split(sep).join('/') || f.split(sep).pop()!;
    await container.getBlockBlobClient(`${prefix}/${rel}`).uploadFile(f);
  }
  return `azureml://datastores/workspaceblobstore/paths/${prefix}/`;
}

export async function putOk(em: RunningEmulator, path: string, body: unknown): Promise<Json> {
  const r = await arm<Json>(em, 'PUT', path, body, { apiVersion: API });
  if (r.status !== 200 && r.status !== 201) throw new Error(`PUT ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function registerModel(em: RunningEmulator, name: string, version: string, modelUri: string, modelType = 'custom_model'): Promise<string> {
  const path = `${wsPath(em)}/models/${name}/versions/${version}`;
  const body = await putOk(em, path, { properties: { modelUri, modelType } });
  return String(body.id);
}

export async function registerCode(em: RunningEmulator, name: string, version: string, codeUri: string): Promise<string> {
  const body = await putOk(em, `${wsPath(em)}/codes/${name}/versions/${version}`, { properties: { codeUri } });
  return String(body.id);
}

export async function registerEnvironment(em: RunningEmulator, name: string): Promise<string> {
  const body = await putOk(em, `${wsPath(em)}/environments/${name}/versions/1`, {
    properties: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest' },
  });
  return String(body.id);
}

export interface OperationOutcome {
  status: string;
  error?: { code: string; message: string };
}

/** Follows the `Azure-AsyncOperation` (else `Location`) of a 201/202 answer until the operation ends. */
export async function waitOperation(em: RunningEmulator, r: RawResponse<unknown>, timeoutMs = 30_000): Promise<OperationOutcome> {
  const asyncUrl = r.headers.get('azure-asyncoperation');
  const location = r.headers.get('location');
  const deadline = Date.now() + timeoutMs;
  const auth = { authorization: `Bearer ${em.issueToken()}` };
  while (Date.now() < deadline) {
    if (asyncUrl) {
      const s = (await (await fetch(asyncUrl, { headers: auth })).json()) as OperationOutcome;
      // Endpoint operations report `Updating` while they run, as Azure's do (recordings README observation 2).
      if (!['InProgress', 'Updating', 'Creating'].includes(s.status)) return s;
    } else if (location) {
      const res = await fetch(location, { headers: auth });
      if (res.status !== 202) {
        const text = await res.text();
        const body = text ? (JSON.parse(text) as { error?: OperationOutcome['error'] }) : {};
        return res.status < 300 ? { status: 'Succeeded' } : { status: 'Failed', ...(body.error ? { error: body.error } : {}) };
      }
    } else {
      return { status: 'Succeeded' };
    }
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error('operation did not finish in time');
}

/** PUT (or other write) and wait for its operation; throws when the request itself is refused. */
export async function armWait(em: RunningEmulator, method: string, path: string, body?: unknown): Promise<OperationOutcome & { response: RawResponse<Json> }> {
  const r = await arm<Json>(em, method, path, body, { apiVersion: API });
  if (r.status >= 300) throw new Error(`${method} ${path}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return { ...(await waitOperation(em, r)), response: r };
}

export function endpointPath(em: RunningEmulator, endpoint: string): string {
  return `${wsPath(em)}/onlineEndpoints/${endpoint}`;
}

export function deploymentPath(em: RunningEmulator, endpoint: string, deployment: string): string {
  return `${endpointPath(em, endpoint)}/deployments/${deployment}`;
}

export async function setTraffic(
  em: RunningEmulator,
  endpoint: string,
  traffic: Record<string, number>,
  mirrorTraffic?: Record<string, number>,
): Promise<OperationOutcome> {
  const current = await arm<Json>(em, 'GET', endpointPath(em, endpoint), undefined, { apiVersion: API });
  const props: Json = { ...(current.body.properties as Json), traffic, ...(mirrorTraffic ? { mirrorTraffic } : {}) };
  delete props.scoringUri;
  delete props.swaggerUri;
  delete props.provisioningState;
  return armWait(em, 'PUT', endpointPath(em, endpoint), { location: current.body.location, properties: props });
}

export interface ScoreAnswer {
  status: number;
  deployment: string | null;
  body: unknown;
  headers: Headers;
}

export async function score(uri: string, key: string | undefined, payload: unknown, deployment?: string): Promise<ScoreAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== undefined) headers.authorization = `Bearer ${key}`;
  if (deployment) headers['azureml-model-deployment'] = deployment;
  const res = await fetch(uri, { method: 'POST', headers, body: typeof payload === 'string' ? payload : JSON.stringify(payload) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, deployment: res.headers.get('azureml-model-deployment'), body, headers: res.headers };
}

export interface DeploymentOverview {
  name: string;
  provisioningState: string;
  ready: boolean;
  pid: number | null;
  port: number | null;
  served: number;
  mirrored: number;
  inflight: number;
  restarts: number;
}

export async function overview(em: RunningEmulator, endpoint: string): Promise<{ traffic: Record<string, number>; deployments: DeploymentOverview[] }> {
  const res = (await (await fetch(`${em.baseUrl}/.emulator/endpoints`)).json()) as {
    endpoints: Array<{ name: string; traffic: Record<string, number>; deployments: DeploymentOverview[] }>;
  };
  const ep = res.endpoints.find((e) => e.name === endpoint);
  if (!ep) throw new Error(`no endpoint ${endpoint} in the overview`);
  return ep;
}

export async function addEndpointFault(em: RunningEmulator, rule: Json): Promise<Json> {
  const res = await fetch(`${em.baseUrl}/.emulator/endpoints/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rule),
  });
  const body = (await res.json()) as Json;
  if (res.status !== 201) throw new Error(`add fault: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

export async function clearEndpointFaults(em: RunningEmulator): Promise<void> {
  await fetch(`${em.baseUrl}/.emulator/endpoints/faults`, { method: 'DELETE' });
}

export async function getLogs(em: RunningEmulator, endpoint: string, deployment: string, containerType = 'InferenceServer', tail?: number): Promise<string> {
  const r = await arm<{ content: string }>(
    em,
    'POST',
    `${deploymentPath(em, endpoint, deployment)}/getLogs`,
    { containerType, ...(tail !== undefined ? { tail } : {}) },
    { apiVersion: API },
  );
  if (r.status !== 200) throw new Error(`getLogs: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.content;
}

export async function until<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Whether a process runs (a zombie waiting to be reaped does not count). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * A scoring script with the request shape of azureml-examples' managed/sample (`{"data": [[10
 * numbers], …]}` → one number per row), standard library only: init() reads the model's
 * weights.json (the sample's sklearn .pkl needs scikit-learn, which this machine does not have).
 */
export const SCORE_PY = `import json, logging, os

model = None


def init():
    global model
    root = os.environ["AZUREML_MODEL_DIR"]
    path = os.path.join(root, "model", "weights.json")
    with open(path) as f:
        model = json.load(f)
    logging.basicConfig(level=logging.INFO)
    print("Init complete: model %s loaded from %s" % (model["name"], path), flush=True)


def run(raw_data):
    data = json.loads(raw_data)["data"]
    result = [sum(w * x for w, x in zip(model["weights"], row)) + model["bias"] for row in data]
    return result
`;

export function modelFiles(name: string, weights: number[], bias: number): Record<string, string> {
  return { 'weights.json': JSON.stringify({ name, weights, bias }) };
}

/** Waits until a workspace job ends (Completed, Failed or Canceled); its properties. */
export async function waitJobEnd(em: RunningEmulator, name: string, timeoutMs = 90_000): Promise<Record<string, unknown>> {
  return until(
    async () => {
      const r = await arm<{ properties: Record<string, unknown> }>(em, 'GET', `${wsPath(em)}/jobs/${name}`);
      const p = r.body.properties;
      return ['Completed', 'Failed', 'Canceled'].includes(String(p.status)) ? p : undefined;
    },
    timeoutMs,
    `job ${name} to end`,
  );
}

/**
 * Creates the AmlCompute cluster Microsoft's batch samples create first (deploy-and-run.sh:
 * `az ml compute create -n batch-cluster --type amlcompute --min-instances 0 --max-instances 5`),
 * with the body azure-ai-ml sends for it (its default size STANDARD_DS3_V2), and waits for it.
 */
export async function createBatchCluster(em: RunningEmulator, name = 'batch-cluster'): Promise<void> {
  const cluster = await arm(em, 'PUT', `${wsPath(em)}/computes/${name}`, {
    properties: {
      computeType: 'AmlCompute',
      properties: {
        vmSize: 'STANDARD_DS3_V2',
        scaleSettings: { maxNodeCount: 5, minNodeCount: 0 },
        remoteLoginPortPublicAccess: 'NotSpecified',
        enableNodePublicIp: true,
      },
    },
  });
  if (cluster.status !== 201) throw new Error(`creating ${name}: HTTP ${cluster.status} ${JSON.stringify(cluster.body)}`);
  const done = await waitOperation(em, cluster);
  if (done.status !== 'Succeeded') throw new Error(`creating ${name}: ${JSON.stringify(done)}`);
}
