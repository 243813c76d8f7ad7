/**
 * The model uploader and the blob helpers against a real Azurite: contents arrive intact (small
 * files in one request, large ones in MD5-checked blocks), uploads are recognised by the suite's
 * snapshot uploader and vice versa, failures and aborts commit nothing, SAS targets work, and
 * listings hash equal content equally.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, ContainerSASPermissions, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlobStoreOnContainer } from '../../src/azure/blob.js';
import { createSnapshotUploader } from '../../src/azure/workspace.js';
import { startAzurite, type RunningAzurite } from '../../src/emulator/azurite.js';
import { snapshot } from '../../src/core/hash.js';
import { blobListingHash, copyBlobs, listModelBlobs, sha256Blobs } from '../../src/models/blobs.js';
import { containerTarget, createModelUploader, resolveUploadSettings, sasTarget, uploadLocalFiles, type BlobTarget } from '../../src/models/upload.js';

let az: RunningAzurite;
let container: ContainerClient;
let root: string;

const KB = 1024;
const settings = { concurrency: 4, blockSizeInBytes: 64 * KB, blockConcurrency: 3, maxSingleShotSizeInBytes: 64 * KB };

function sha(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

beforeAll(async () => {
  az = await startAzurite({ dir: mkdtempSync(join(tmpdir(), 'rm-azurite-')) });
  const svc = new BlobServiceClient(az.blob.url, new StorageSharedKeyCredential(az.blob.accountName, az.blob.accountKey));
  container = svc.getContainerClient('models');
  await container.createIfNotExists();
  root = mkdtempSync(join(tmpdir(), 'rm-upload-'));
  mkdirSync(join(root, 'sub', 'deep'), { recursive: true });
  writeFileSync(join(root, 'empty.txt'), '');
  writeFileSync(join(root, 'small.json'), '{"a": 1}');
  writeFileSync(join(root, 'sub', 'exact.bin'), Buffer.alloc(64 * KB, 3)); // exactly one shot
  writeFileSync(join(root, 'sub', 'deep', 'large.bin'), Buffer.from(Array.from({ length: 300 * KB + 5 }, (_, i) => (i * 31) % 251)));
  writeFileSync(join(root, 'large2.bin'), Buffer.alloc(129 * KB, 9));
});
afterAll(async () => {
  await az?.close();
});

async function contents(prefix: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const b of container.listBlobsFlat({ prefix: `${prefix}/` }))
    out[b.name.slice(prefix.length + 1)] = sha(await container.getBlobClient(b.name).downloadToBuffer());
  return out;
}

describe('uploadLocalFiles', () => {
  it('uploads every file intact: small ones in one request, large ones in blocks', async () => {
    const snap = await snapshot(root);
    const r = await uploadLocalFiles(containerTarget(container), root, snap.files, 'up1', settings);
    expect(r.files).toBe(5);
    expect(r.bytes).toBe(snap.bytes);
    expect(r.blockFiles).toBe(2);
    expect(r.blocks).toBe(5 + 3);
    expect(await contents('up1')).toEqual(Object.fromEntries(snap.files.map((f) => [f.path, f.sha256])));
    const blocks = await container.getBlockBlobClient('up1/sub/deep/large.bin').getBlockList('committed');
    expect(blocks.committedBlocks?.map((b) => b.size)).toEqual([65536, 65536, 65536, 65536, 45061]);
  });

  it('reports progress and refuses bad settings', async () => {
    const seen: number[] = [];
    const snap = await snapshot(root);
    await uploadLocalFiles(containerTarget(container), root, snap.files, 'up2', { ...settings, onProgress: (_b, n) => seen.push(n) });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(() => resolveUploadSettings({ concurrency: 0 })).toThrowError(/concurrency must be an integer from 1 to 64/);
    expect(resolveUploadSettings({ blockSizeInBytes: 1024 * 1024, maxSingleShotSizeInBytes: 64 * 1024 * 1024, blockConcurrency: 50, concurrency: 4 })).toEqual({
      concurrency: 4,
      blockSizeInBytes: 1024 * 1024,
      blockConcurrency: 4,
      maxSingleShotSizeInBytes: 1024 * 1024,
    });
  });

  it('a failing block fails the upload and commits nothing; an abort stops it', async () => {
    let calls = 0;
    const failing: BlobTarget = {
      blockBlob(name) {
        const real = container.getBlockBlobClient(name);
        return new Proxy(real, {
          get(target, prop, receiver) {
            if (prop === 'stageBlock') {
              return async (...args: Parameters<typeof real.stageBlock>) => {
                if (++calls === 3) throw new Error('block 3 lost');
                return target.stageBlock(...args);
              };
            }
            return Reflect.get(target, prop, receiver) as unknown;
          },
        });
      },
    };
    const snap = await snapshot(root);
    await expect(uploadLocalFiles(failing, root, snap.files, 'up3', settings)).rejects.toThrowError('block 3 lost');
    expect(await container.getBlobClient('up3/sub/deep/large.bin').exists()).toBe(false);

    const abort = new AbortController();
    abort.abort();
    await expect(uploadLocalFiles(containerTarget(container), root, snap.files, 'up4', { ...settings, abortSignal: abort.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('uploads through a container SAS (a registry pending upload)', async () => {
    const sas = await container.generateSasUrl({ permissions: ContainerSASPermissions.parse('racwl'), expiresOn: new Date(Date.now() + 600_000) });
    const url = new URL(sas);
    const target = await sasTarget(`${url.origin}${url.pathname}/pending/abc${url.search}`);
    const snap = await snapshot(root);
    await uploadLocalFiles(target, root, snap.files, 'files', settings);
    expect(Object.keys(await contents('pending/abc/files')).sort()).toEqual(snap.files.map((f) => f.path).sort());
  });
});

describe('createModelUploader', () => {
  it('writes the completion marker the snapshot uploader reads, and reads its markers', async () => {
    const store = createBlobStoreOnContainer(container, {
      name: 'workspaceblobstore',
      accountName: az.blob.accountName,
      containerName: 'models',
      containerUrl: container.url,
      credentialsType: 'AccountKey',
    });
    const ours = createModelUploader(async () => store, settings);
    const theirs = createSnapshotUploader(async () => store);
    const snap = await snapshot(root);
    const prefix = `LocalUpload/${snap.hash.slice(0, 32)}/${snap.name}`;
    expect(await ours.hasSnapshot(prefix, snap)).toBe(false);
    const r = await ours.upload(prefix, snap);
    expect(r).toEqual({ files: 5, bytes: snap.bytes, skipped: 0 });
    expect(await theirs.hasSnapshot(prefix, snap)).toBe(true);
    expect(await ours.hasSnapshot(prefix, snap)).toBe(true);

    const single = await snapshot(join(root, 'large2.bin'));
    const singlePrefix = `LocalUpload/${single.hash.slice(0, 32)}/${single.name}`;
    await theirs.upload(singlePrefix, single);
    expect(await ours.hasSnapshot(singlePrefix, single)).toBe(true);
    const other = `LocalUpload/x/${single.name}`;
    await ours.upload(other, single);
    expect(sha(await container.getBlobClient(other).downloadToBuffer())).toBe(single.files[0]!.sha256);
  });
});

describe('blob listings', () => {
  it('lists a folder (without markers) or a single blob, hashes equal content equally, and hashes and copies files', async () => {
    const a = await listModelBlobs(container, `LocalUpload/${(await snapshot(root)).hash.slice(0, 32)}/${(await snapshot(root)).name}`);
    const b = await listModelBlobs(container, 'up1/');
    expect(a.isFile).toBe(false);
    expect(a.files.map((f) => f.path)).toEqual(['empty.txt', 'large2.bin', 'small.json', 'sub/deep/large.bin', 'sub/exact.bin']);
    expect(blobListingHash(a.files)).toBe(blobListingHash(b.files));
    expect(a.files.find((f) => f.path === 'small.json')?.md5).toMatch(/^[0-9a-f]{32}$/);
    // block blobs carry the whole file's MD5 too (set at commit)
    expect(a.files.find((f) => f.path === 'sub/deep/large.bin')?.md5).toBe(
      createHash('md5')
        .update(readFileSync(join(root, 'sub', 'deep', 'large.bin')))
        .digest('hex'),
    );
    const one = await listModelBlobs(container, 'up1/small.json');
    expect(one).toMatchObject({ isFile: true, path: 'up1/small.json', bytes: 8 });
    expect(one.files.map((f) => f.path)).toEqual(['small.json']);
    expect((await listModelBlobs(container, 'nothing-here')).files).toEqual([]);
    const c = await listModelBlobs(container, 'up2');
    expect(blobListingHash(c.files.filter((f) => f.path !== 'small.json'))).not.toBe(blobListingHash(a.files));

    const snap = await snapshot(root);
    expect(await sha256Blobs(container, b.files, { concurrency: 2 })).toEqual(b.files.map((f) => snap.files.find((s) => s.path === f.path)!.sha256));
    await copyBlobs(container, b.files, containerTarget(container), 'copied');
    expect(await contents('copied')).toEqual(await contents('up1'));
  });
});
