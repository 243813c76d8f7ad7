/**
 * Blob uploads against a real Azurite (spawned on a free loopback port) with the datastore and
 * its secrets served by the fake emulator's ARM routes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContainerClient, ContainerSASPermissions, StorageSharedKeyCredential, generateBlobSASQueryParameters } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlobStore, listFiles, sha256File } from '../../src/azure/blob.js';
import { mapWithConcurrency } from '../../src/azure/concurrency.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { captureStdout, json } from './loopback.js';
import { startFakeEmulator, type FakeEmulator } from './fake-emulator.js';

// Azurite's published development account (https://learn.microsoft.com/azure/storage/common/storage-use-azurite)
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

let azurite: ChildProcess;
let blobEndpoint: string;
let emulator: FakeEmulator;
let work: string;
const datastores: Record<string, unknown> = {};
const secrets: Record<string, unknown> = {};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  work = mkdtempSync(join(tmpdir(), 'blob-test-'));
  azurite = spawn(
    process.execPath,
    [
      fileURLToPath(new URL('../../node_modules/azurite/dist/src/blob/main.js', import.meta.url)),
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(port),
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--loose',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: work },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`Azurite did not start: ${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('successfully listens')) {
        clearTimeout(timer);
        resolve();
      }
    };
    azurite.stdout!.on('data', onData);
    azurite.stderr!.on('data', onData);
    azurite.on('exit', (code) => reject(new Error(`Azurite exited with ${code}: ${out}`)));
  });
  blobEndpoint = `http://127.0.0.1:${port}/${ACCOUNT}`;

  emulator = await startFakeEmulator(
    (req, res) => {
      const m = /\/datastores(?:\/([^/]+))?(\/listSecrets)?$/.exec(req.path);
      if (!m) return json(res, 404, { error: { code: 'ResourceNotFound', message: req.path } });
      const [, name, listSecrets] = m;
      if (!name && req.method === 'GET') {
        const value = Object.values(datastores).filter(
          (d) => req.query.get('isDefault') !== 'true' || (d as { properties: { isDefault?: boolean } }).properties.isDefault,
        );
        return json(res, 200, { value });
      }
      if (listSecrets && req.method === 'POST') return json(res, 200, secrets[decodeURIComponent(name)]);
      const ds = datastores[decodeURIComponent(name)];
      return ds ? json(res, 200, ds) : json(res, 404, { error: { code: 'ResourceNotFound', message: `No datastore ${name}` } });
    },
    { blobEndpoint: 'set below' },
  );
  emulator.blobEndpoint = blobEndpoint;

  const datastore = (name: string, containerName: string, credentialsType: string, isDefault = false) => ({
    id: `/datastores/${name}`,
    name,
    type: 'Microsoft.MachineLearningServices/workspaces/datastores',
    properties: {
      datastoreType: 'AzureBlob',
      accountName: ACCOUNT,
      containerName,
      endpoint: 'core.windows.net',
      protocol: 'https',
      isDefault,
      credentials: { credentialsType },
    },
  });
  datastores.workspaceblobstore = datastore('workspaceblobstore', 'azureml-blobstore-test', 'AccountKey', true);
  secrets.workspaceblobstore = { secretsType: 'AccountKey', key: ACCOUNT_KEY };

  const sas = generateBlobSASQueryParameters(
    {
      containerName: 'sas-container',
      permissions: ContainerSASPermissions.parse('racwdl'),
      expiresOn: new Date(Date.now() + 3600_000),
    },
    new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY),
  ).toString();
  datastores.sasstore = datastore('sasstore', 'sas-container', 'Sas');
  secrets.sasstore = { secretsType: 'Sas', sasToken: `?${sas}` };
  datastores.files = { ...datastore('files', 'x', 'AccountKey'), properties: { datastoreType: 'AzureFile', credentials: {} } };
}, 30_000);

afterAll(async () => {
  azurite?.kill();
  await emulator?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('BlobStore on the default datastore (account key)', () => {
  it('uploads a folder in parallel, large files in blocks; exists; downloads back identical', async () => {
    const ctx = await emulator.context({ retry: { retryDelayInMs: 10 } });
    const { result: store, output } = await captureStdout(() => createBlobStore(ctx));
    expect(output).toContain(`::add-mask::${ACCOUNT_KEY}`);
    expect(store.datastore).toMatchObject({ name: 'workspaceblobstore', containerName: 'azureml-blobstore-test', credentialsType: 'AccountKey' });
    await store.container.createIfNotExists();

    const src = join(work, 'src');
    for (let i = 0; i < 30; i++) {
      mkdirSync(join(src, `dir${i % 4}`, 'sub'), { recursive: true });
      writeFileSync(join(src, `dir${i % 4}`, 'sub', `file-${i}.txt`), `content ${i}\n`.repeat(i + 1));
    }
    writeFileSync(join(src, 'model.bin'), randomBytes(3 * 1024 * 1024 + 123));
    const files = await listFiles(src);
    expect(files).toHaveLength(31);
    expect(files).toContain('dir1/sub/file-5.txt');

    const seen: number[] = [];
    const result = await store.uploadFolder(src, '/LocalUpload/abc123/', {
      concurrency: 8,
      blockSizeInBytes: 1024 * 1024,
      maxSingleShotSizeInBytes: 1024 * 1024,
      onFileUploaded: (_f, done) => seen.push(done),
    });
    expect(result.files).toHaveLength(31);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    expect(result.totalBytes).toBe(files.reduce((n, f) => n + readFileSync(join(src, f)).length, 0));
    expect(result.files.find((f) => f.path === 'model.bin')?.blobName).toBe('LocalUpload/abc123/model.bin');

    // the large file really went up as 4 parallel blocks (3 MiB + 123 bytes at 1 MiB)
    const blocks = await store.container.getBlockBlobClient('LocalUpload/abc123/model.bin').getBlockList('committed');
    expect(blocks.committedBlocks).toHaveLength(4);

    expect(await store.exists('LocalUpload/abc123')).toBe(true);
    expect(await store.exists('LocalUpload/abc123/model.bin')).toBe(true);
    expect(await store.exists('LocalUpload/abc12')).toBe(false); // a prefix of a name is not a folder
    expect(await store.exists('LocalUpload/other')).toBe(false);
    expect(store.datastoreUri('LocalUpload/abc123')).toBe('azureml://datastores/workspaceblobstore/paths/LocalUpload/abc123');

    const out = join(work, 'out');
    const downloaded = await store.downloadToFolder('LocalUpload/abc123', out, { concurrency: 6 });
    expect(downloaded.files).toHaveLength(31);
    for (const f of files) expect(await sha256File(join(out, f))).toBe(await sha256File(join(src, f)));

    const single = join(work, 'single');
    const one = await store.downloadToFolder('LocalUpload/abc123/dir2/sub/file-6.txt', single);
    expect(one.files.map((f) => f.path)).toEqual([join(single, 'file-6.txt')]);
  }, 60_000);

  it('filters files and refuses a path that is not a folder', async () => {
    const ctx = await emulator.context();
    const store = await createBlobStore(ctx, { setSecret: () => {} });
    const src = join(work, 'filtered');
    mkdirSync(join(src, '.git'), { recursive: true });
    writeFileSync(join(src, '.git', 'HEAD'), 'ref');
    writeFileSync(join(src, 'train.py'), 'print(1)');
    const result = await store.uploadFolder(src, 'code/x', { filter: (p) => !p.startsWith('.git/') });
    expect(result.files.map((f) => f.blobName)).toEqual(['code/x/train.py']);
    await expect(store.uploadFolder(join(src, 'train.py'), 'code/y')).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe('other datastores', () => {
  it('a SAS datastore works and its signature is masked', async () => {
    const ctx = await emulator.context();
    const { result: store, output } = await captureStdout(() => createBlobStore(ctx, { datastoreName: 'sasstore' }));
    const sig = new URLSearchParams((secrets.sasstore as { sasToken: string }).sasToken.slice(1)).get('sig')!;
    expect(output).toContain(`::add-mask::${sig}`);
    // create the container with the account key, then use the SAS store
    await new ContainerClient(`${blobEndpoint}/sas-container`, new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY)).createIfNotExists();
    const file = join(work, 'one.txt');
    writeFileSync(file, 'hello');
    await store.uploadFile(file, 'a/one.txt');
    expect(await store.exists('a')).toBe(true);
  });

  it('refuses a non-blob datastore and reports a missing one clearly', async () => {
    const ctx = await emulator.context();
    await expect(createBlobStore(ctx, { datastoreName: 'files', setSecret: () => {} })).rejects.toThrow(/type AzureFile; only AzureBlob/);
    await expect(createBlobStore(ctx, { datastoreName: 'nope', setSecret: () => {} })).rejects.toThrow(
      "Reading datastore 'nope' failed: HTTP 404 ResourceNotFound: No datastore nope.",
    );
  });
});

describe('mapWithConcurrency', () => {
  it('keeps at most `limit` calls in flight and the results in order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapWithConcurrency(
      Array.from({ length: 25 }, (_, i) => i),
      4,
      async (n) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 2 + (n % 3)));
        inFlight -= 1;
        return n * 2;
      },
    );
    expect(results).toEqual(Array.from({ length: 25 }, (_, i) => i * 2));
    expect(peak).toBe(4);
  });

  it('stops starting new calls after a failure and rethrows it', async () => {
    const started: number[] = [];
    await expect(
      mapWithConcurrency([0, 1, 2, 3, 4, 5, 6, 7], 2, async (n) => {
        started.push(n);
        await new Promise((r) => setTimeout(r, 1));
        if (n === 1) throw new Error('boom');
        return n;
      }),
    ).rejects.toThrow('boom');
    expect(started.length).toBeLessThan(8);
  });
});
