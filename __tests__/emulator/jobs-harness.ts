/**
 * A small JobHost for the executor's tests: a memory resource store, a real Azurite, and a
 * loopback HTTP server that serves only the MLflow / run-history routes (so a job's Python can
 * log metrics over HTTP). Plus helpers to seed a workspace, upload folders and wait for jobs.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { startAzurite, type RunningAzurite } from '../../src/emulator/azurite.js';
import { Router } from '../../src/emulator/http/router.js';
import { createJobExecutor, type ExecutorOptions, type LocalJobExecutor } from '../../src/emulator/jobs/executor.js';
import { createMlflowModule } from '../../src/emulator/mlflow/routes.js';
import { MemoryResourceStore } from '../../src/emulator/store/memory.js';
import type { ArmResource, BlobEndpoint, EmulatorRequest, JobHost, ResourceStore } from '../../src/emulator/types.js';

export const SUB = '00000000-1111-2222-3333-444444444444';
export const RG = 'rg-test';
export const WS = 'ws-test';
export const WS_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
export const BLOBSTORE_CONTAINER = 'azureml-blobstore-test';

export function jobIdOf(name: string): string {
  return `${WS_ID}/jobs/${name}`;
}

/** A memory store that also records every status it sees written for each job. */
export class RecordingStore extends MemoryResourceStore {
  readonly statuses = new Map<string, string[]>();

  override async put<T>(id: string, value: T): Promise<void> {
    const status = ((value as ArmResource | undefined)?.properties as Record<string, unknown> | undefined)?.status;
    if (typeof status === 'string' && /\/jobs\/[^/]+$/i.test(id)) {
      const key = id.toLowerCase();
      const list = this.statuses.get(key) ?? [];
      if (list[list.length - 1] !== status) list.push(status);
      this.statuses.set(key, list);
    }
    return super.put(id, value);
  }

  history(jobId: string): string[] {
    return this.statuses.get(jobId.toLowerCase()) ?? [];
  }
}

export interface TestEnv {
  dir: string;
  azurite: RunningAzurite;
  blob: BlobEndpoint;
  store: RecordingStore;
  host: JobHost;
  executor: LocalJobExecutor;
  baseUrl: string;
  service: BlobServiceClient;
  close(): Promise<void>;
}

/** Serve the MLflow and run-history routes of `host` (no auth: a test double of the server). */
async function serveRoutes(host: JobHost): Promise<{ server: Server; url: string }> {
  const router = new Router(createMlflowModule(host).routes());
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const found = router.dispatch(req.method ?? 'GET', url.pathname);
        if (found.kind !== 'match') {
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'NotFound', message: url.pathname } }));
          return;
        }
        const raw = Buffer.concat(chunks);
        let body: unknown;
        try {
          body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
        } catch {
          body = undefined;
        }
        const request: EmulatorRequest = {
          method: req.method ?? 'GET',
          params: found.match.params,
          query: url.searchParams,
          headers: req.headers as Record<string, string | undefined>,
          body,
          rawBody: raw,
          ctx: { requestId: 'test', now: new Date(), baseUrl: host.baseUrl(), operation: found.match.route.operation },
        };
        try {
          const out = await found.match.route.handler(request);
          res.writeHead(out.status, { 'content-type': 'application/json', ...(out.headers ?? {}) });
          res.end(out.raw ?? (out.body === undefined ? '' : JSON.stringify(out.body)));
        } catch (err) {
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: (err as Error).message }));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { server, url: `http://127.0.0.1:${address.port}` };
}

export async function seedWorkspace(store: ResourceStore): Promise<void> {
  await store.put(WS_ID, {
    id: WS_ID,
    name: WS,
    type: 'Microsoft.MachineLearningServices/workspaces',
    location: 'eastus',
    properties: { workspaceId: 'test' },
  });
  const ds = (name: string, container: string, isDefault: boolean): ArmResource => ({
    id: `${WS_ID}/datastores/${name}`,
    name,
    type: 'Microsoft.MachineLearningServices/workspaces/datastores',
    properties: { datastoreType: 'AzureBlob', accountName: 'devstoreaccount1', containerName: container, isDefault },
  });
  await store.put(`${WS_ID}/datastores/workspaceblobstore`, ds('workspaceblobstore', BLOBSTORE_CONTAINER, true));
  await store.put(`${WS_ID}/datastores/workspaceartifactstore`, ds('workspaceartifactstore', 'azureml', false));
}

export async function createTestEnv(options: ExecutorOptions & { stateDir?: string } = {}): Promise<TestEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'jobs-test-'));
  const azurite = await startAzurite({ dir: join(dir, 'azurite') });
  const store = new RecordingStore();
  await seedWorkspace(store);
  let baseUrl = '';
  const host: JobHost = {
    store,
    blob: azurite.blob,
    baseUrl: () => baseUrl,
    issueToken: () => 'test-token',
    workDir: join(dir, 'work'),
    stateDir: options.stateDir ?? join(dir, 'state'),
    now: () => new Date(),
  };
  const served = await serveRoutes(host);
  baseUrl = served.url;
  const executor = createJobExecutor(host, { stepDelayInMs: 10, logUploadIntervalInMs: 100, cancelGraceInMs: 500, ...options });
  const service = new BlobServiceClient(azurite.blob.url, new StorageSharedKeyCredential(azurite.blob.accountName, azurite.blob.accountKey));
  return {
    dir,
    azurite,
    blob: azurite.blob,
    store,
    host,
    executor,
    baseUrl,
    service,
    async close() {
      await executor.close();
      await new Promise<void>((resolve) => served.server.close(() => resolve()));
      await azurite.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Upload a local folder to `container/prefix/…`; returns the number of files. */
export async function uploadFolder(service: BlobServiceClient, local: string, container: string, prefix: string): Promise<number> {
  const c = service.getContainerClient(container);
  await c.createIfNotExists();
  let n = 0;
  async function walk(d: string): Promise<void> {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        const rel = relative(local, p).split(sep).join('/');
        await c.getBlockBlobClient(`${prefix.replace(/\/+$/, '')}/${rel}`).uploadFile(p);
        n++;
      }
    }
  }
  if ((await stat(local)).isFile()) {
    await c.getBlockBlobClient(prefix).uploadFile(local);
    return 1;
  }
  await walk(local);
  return n;
}

export async function uploadText(service: BlobServiceClient, container: string, path: string, text: string): Promise<void> {
  const c = service.getContainerClient(container);
  await c.createIfNotExists();
  await c.getBlockBlobClient(path).upload(text, Buffer.byteLength(text));
}

export async function readBlob(service: BlobServiceClient, container: string, path: string): Promise<string> {
  const buf = await service.getContainerClient(container).getBlobClient(path).downloadToBuffer();
  return buf.toString('utf8');
}

export async function listBlobs(service: BlobServiceClient, container: string, prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const b of service.getContainerClient(container).listBlobsFlat({ prefix })) names.push(b.name);
  return names.sort();
}

/** Register a code version whose codeUri points at `container/prefix` (Azure-style https URL). */
export async function putCodeVersion(store: ResourceStore, name: string, version: string, container: string, prefix: string): Promise<string> {
  const id = `${WS_ID}/codes/${name}/versions/${version}`;
  await store.put(id, {
    id,
    name: version,
    type: 'Microsoft.MachineLearningServices/workspaces/codes/versions',
    properties: { codeUri: `https://devstoreaccount1.blob.core.windows.net/${container}/${prefix}` },
  });
  return id;
}

export async function putJob(store: ResourceStore, name: string, properties: Record<string, unknown>): Promise<string> {
  const id = jobIdOf(name);
  await store.put(id, {
    id,
    name,
    type: 'Microsoft.MachineLearningServices/workspaces/jobs',
    properties: { status: 'NotStarted', ...properties },
    systemData: { createdAt: new Date().toISOString(), createdBy: 'tester@example.com', createdByType: 'User' },
  });
  return id;
}

export async function getJob(store: ResourceStore, name: string): Promise<Record<string, unknown> & { properties: Record<string, unknown> }> {
  const job = await store.get<Record<string, unknown> & { properties: Record<string, unknown> }>(jobIdOf(name));
  if (!job) throw new Error(`job ${name} not found`);
  return job;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function httpJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Whether a process runs (a zombie waiting to be reaped does not). */
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

export async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
