/**
 * Resource stores (memory and folder) behind the same interface, `withLock`, and the folder store
 * surviving an emulator restart (resources, Azurite blobs, token signing key).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { FolderResourceStore, KeyedLock, MemoryResourceStore } from '../../src/emulator/store/index.js';
import type { ResourceStore } from '../../src/emulator/types.js';
import { arm, FAST, sdkClient, wsPath } from './support.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'emulator-store-test-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const stores: [string, () => Promise<ResourceStore>][] = [
  ['memory', async () => new MemoryResourceStore()],
  ['folder', async () => new FolderResourceStore(await tempDir())],
];

describe.each(stores)('%s store', (_name, make) => {
  const ws = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';

  test('get / put / delete, case-insensitive ids, copies in and out', async () => {
    const store = await make();
    const value = { id: `${ws}/jobs/Job1`, name: 'Job1', type: 't', properties: { n: 1 } };
    await store.put(value.id, value);
    value.properties.n = 2;
    const got = await store.get<typeof value>(`${ws.toUpperCase()}/JOBS/job1`);
    expect(got).toEqual({ ...value, properties: { n: 1 } });
    got!.properties.n = 3;
    expect((await store.get<typeof value>(value.id))!.properties.n).toBe(1);
    expect(await store.delete(`${ws}/jobs/JOB1`)).toBe(true);
    expect(await store.delete(`${ws}/jobs/JOB1`)).toBe(false);
    expect(await store.get(value.id)).toBeUndefined();
  });

  test('list returns the direct children of a collection only', async () => {
    const store = await make();
    await store.put(`${ws}/models/m`, { id: `${ws}/models/m`, name: 'm', type: 'c' });
    await store.put(`${ws}/models/m/versions/1`, { id: `${ws}/models/m/versions/1`, name: '1', type: 'v' });
    await store.put(`${ws}/models/m/versions/2`, { id: `${ws}/models/m/versions/2`, name: '2', type: 'v' });
    await store.put(`${ws}/models/other`, { id: `${ws}/models/other`, name: 'other', type: 'c' });
    expect((await store.list(`${ws}/models`)).map((r) => r.name).sort()).toEqual(['m', 'other']);
    expect((await store.list(`${ws}/Models/M/Versions/`)).map((r) => r.name).sort()).toEqual(['1', '2']);
    expect(await store.list(`${ws}/nothing`)).toEqual([]);
  });

  test('odd names stay inside the store and round-trip', async () => {
    const store = await make();
    for (const name of ['..', '.hidden', 'a b', 'x.json', 'ümlaut', 'v1.0']) {
      const id = `${ws}/data/${encodeURIComponent(name)}`;
      await store.put(id, { id, name, type: 'd' });
      expect((await store.get<{ name: string }>(id))!.name).toBe(name);
    }
    expect(await store.list(`${ws}/data`)).toHaveLength(6);
  });

  test('withLock serialises per id and releases after a throw', async () => {
    const store = await make();
    const order: string[] = [];
    const slow = store.withLock('/a', async () => {
      order.push('a1 start');
      await new Promise((r) => setTimeout(r, 30));
      order.push('a1 end');
    });
    const second = store.withLock('/A', async () => {
      order.push('a2');
    });
    const other = store.withLock('/b', async () => {
      order.push('b');
    });
    await Promise.all([slow, second, other]);
    expect(order.indexOf('a2')).toBeGreaterThan(order.indexOf('a1 end'));
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('a1 end'));
    await expect(store.withLock('/c', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await store.withLock('/c', async () => 'free again')).toBe('free again');
  });
});

test('KeyedLock forgets keys nobody waits for', async () => {
  const lock = new KeyedLock();
  await Promise.all([lock.withLock('k', async () => 1), lock.withLock('k', async () => 2)]);
  expect(lock.size).toBe(0);
});

test('the folder store writes one readable JSON file per resource, laid out like the id', async () => {
  const dir = await tempDir();
  const store = new FolderResourceStore(dir);
  const id = '/subscriptions/S/resourceGroups/RG/providers/Microsoft.MachineLearningServices/workspaces/WS/jobs/J';
  await store.put(id, { id, name: 'J', type: 'job' });
  const file = join(dir, 'subscriptions', 's', 'resourcegroups', 'rg', 'providers', 'microsoft.machinelearningservices', 'workspaces', 'ws', 'jobs', 'j.json');
  expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ id, name: 'J', type: 'job' });
  expect((await readdir(join(file, '..'))).filter((f) => f.includes('.tmp-'))).toEqual([]);
});

test('a folder-backed emulator keeps resources, blobs and its signing key across a restart', async () => {
  const stateDir = await tempDir();
  const first = await startEmulator({ stateDir, timings: FAST });
  let token: string;
  let workspaceGuid: string;
  let sas: string;
  try {
    const client = sdkClient(first);
    const { resourceGroup: rg, workspaceName: ws } = first.defaults;
    await client.modelVersions.createOrUpdate(rg, ws, 'persisted-model', '1', { properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/m/' } });
    await client.jobs.createOrUpdate(rg, ws, 'persisted-job', {
      properties: { jobType: 'Command', command: 'echo persisted', environmentId: 'azureml:AzureML-sklearn-1.5@latest' },
    } as never);
    workspaceGuid = String((await client.workspaces.get(rg, ws)).workspaceId);
    const upload = await arm<{ blobReferenceForConsumption: { credential: { sasUri: string } } }>(
      first,
      'POST',
      `${wsPath(first)}/codes/persisted-code/versions/1/startPendingUpload`,
      {},
    );
    sas = upload.body.blobReferenceForConsumption.credential.sasUri;
    const [base, query] = sas.split('?');
    const put = await fetch(`${base}/hello.txt?${query}`, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'kept' });
    expect(put.status).toBe(201);
    token = first.issueToken();
  } finally {
    await first.close();
  }

  const second = await startEmulator({ stateDir, timings: FAST });
  try {
    const client = sdkClient(second);
    const { resourceGroup: rg, workspaceName: ws } = second.defaults;
    expect((await client.modelVersions.get(rg, ws, 'persisted-model', '1')).properties.modelUri).toBe('azureml://datastores/workspaceblobstore/paths/m/');
    expect((await client.modelContainers.get(rg, ws, 'persisted-model')).properties.nextVersion).toBe('2');
    const job = await client.jobs.get(rg, ws, 'persisted-job');
    expect(job.properties.services!.Tracking!.endpoint).toBe(`azureml://${second.host}/mlflow/v1.0${wsPath(second)}`);
    const w = await client.workspaces.get(rg, ws);
    expect(w.workspaceId).toBe(workspaceGuid);
    expect(w.mlFlowTrackingUri).toContain(second.host);
    // The first run's token is still valid (same signing key).
    expect((await arm(second, 'GET', wsPath(second), undefined, { token })).status).toBe(200);
    // Azurite kept the blob.
    const blobBase = sas.split('?')[0]!.replace(/^http:\/\/[^/]+/, second.blob.url.replace(/\/devstoreaccount1$/, ''));
    const got = await fetch(`${blobBase}/hello.txt?${sas.split('?')[1]}`);
    expect(await got.text()).toBe('kept');
  } finally {
    await second.close();
  }
});
