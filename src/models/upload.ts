/**
 * The model uploader: local model files into blob storage, fast and with bounded memory.
 *
 * Why not `BlockBlobClient.uploadFile` per file: a model folder is often many small files plus
 * one or two large ones. Small files go in one request each (Put Blob), several at once; large
 * files are cut into blocks read into a fixed pool of buffers, each staged with its
 * `Content-MD5` (the service checks it — and Azurite, which otherwise computes a CRC64 of every
 * block in JavaScript, runs about twice as fast), several blocks at once, then committed.
 * Every request — small file or block — takes one slot of a shared pool, so `concurrency` bounds
 * both the requests in flight and the memory (`concurrency × blockSizeInBytes`).
 *
 * {@link createModelUploader} wraps this as the suite's {@link SnapshotUploader}: uploads go
 * under the content hash and finish with the same completion marker as src/azure/workspace.ts,
 * so an unchanged folder is found there and never uploaded twice.
 */
import { createHash, randomUUID } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlockBlobClient, ContainerClient, StoragePipelineOptions } from '@azure/storage-blob';
import type { BlobStore } from '../azure/blob.js';
import type { AbortSignalLike } from '../azure/retry.js';
import { createSnapshotUploader } from '../azure/workspace.js';
import type { SnapshotUploader, UploadResult } from '../azure/workspace-api.js';
import type { Snapshot } from '../core/hash.js';

export interface UploadSettings {
  /** Requests in flight in total (small files and blocks). Default 8. */
  concurrency: number;
  /** Size of the blocks of large files, and of each pooled buffer. Default 8 MiB. */
  blockSizeInBytes: number;
  /** Blocks of one file in flight (at most `concurrency`). Default 8. */
  blockConcurrency: number;
  /** Files up to this size go in one request. Default and maximum: `blockSizeInBytes`. */
  maxSingleShotSizeInBytes: number;
}

export const DEFAULT_UPLOAD_SETTINGS: UploadSettings = {
  concurrency: 8,
  blockSizeInBytes: 8 * 1024 * 1024,
  blockConcurrency: 8,
  maxSingleShotSizeInBytes: 8 * 1024 * 1024,
};

/** The largest block the service takes (Put Block: 4000 MiB); we keep buffers far smaller. */
const MAX_BLOCK_BYTES = 256 * 1024 * 1024;
const MAX_BLOCKS = 50_000;

export function resolveUploadSettings(partial: Partial<UploadSettings> = {}): UploadSettings {
  const s = { ...DEFAULT_UPLOAD_SETTINGS, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) };
  const int = (name: keyof UploadSettings, min: number, max: number) => {
    const v = s[name];
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`upload setting ${name} must be an integer from ${min} to ${max}, got ${v}`);
  };
  int('concurrency', 1, 64);
  int('blockSizeInBytes', 64 * 1024, MAX_BLOCK_BYTES);
  int('blockConcurrency', 1, 64);
  int('maxSingleShotSizeInBytes', 0, MAX_BLOCK_BYTES);
  s.blockConcurrency = Math.min(s.blockConcurrency, s.concurrency);
  s.maxSingleShotSizeInBytes = Math.min(s.maxSingleShotSizeInBytes, s.blockSizeInBytes);
  return s;
}

/** Where blobs are written: a container, or a SAS location (a registry's pending upload). */
export interface BlobTarget {
  blockBlob(name: string): BlockBlobClient;
}

export function containerTarget(container: ContainerClient): BlobTarget {
  return { blockBlob: (name) => container.getBlockBlobClient(name) };
}

/**
 * Blobs under a SAS URL such as `https://acct.blob.core.windows.net/container/path?sv=…&sig=…`
 * (a container SAS): `blockBlob('a/b')` is `…/container/path/a/b?<sas>`.
 */
export async function sasTarget(sasUrl: string, pipelineOptions: StoragePipelineOptions = {}): Promise<BlobTarget> {
  const url = new URL(sasUrl);
  const query = url.search;
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  // Loaded on use: the storage SDK is large and most steps upload nothing.
  const { AnonymousCredential, BlockBlobClient, newPipeline } = await import('@azure/storage-blob');
  const pipeline = newPipeline(new AnonymousCredential(), pipelineOptions);
  return {
    blockBlob: (name) => new BlockBlobClient(`${base}/${name.split('/').map(encodeURIComponent).join('/')}${query}`, pipeline),
  };
}

export interface LocalFile {
  /** Relative `/` path under the root (also the blob name under the prefix). */
  path: string;
  size: number;
}

export interface UploadFilesOptions extends Partial<UploadSettings> {
  abortSignal?: AbortSignalLike;
  /** After each file: bytes and files done so far. */
  onProgress?: (bytes: number, files: number, totalFiles: number) => void;
}

export interface UploadFilesResult {
  files: number;
  bytes: number;
  /** Files sent as blocks. */
  blockFiles: number;
  blocks: number;
}

interface Slot {
  buffer: Buffer;
}

/** A fixed pool of request slots, each owning one reusable buffer. FIFO, so no task starves. */
class SlotPool {
  private readonly free: Slot[] = [];
  private readonly waiting: Array<(s: Slot) => void> = [];
  private created = 0;

  constructor(
    private readonly size: number,
    private readonly bufferBytes: number,
  ) {}

  acquire(): Promise<Slot> {
    const slot = this.free.pop();
    if (slot) return Promise.resolve(slot);
    if (this.created < this.size) {
      this.created++;
      return Promise.resolve({ buffer: Buffer.allocUnsafeSlow(this.bufferBytes) });
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.free.push(slot);
  }
}

/** A counting limiter (blocks of one file in flight). */
class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

function abortError(): Error {
  const e = new Error('The upload was aborted.');
  e.name = 'AbortError';
  return e;
}

async function readFully(fh: FileHandle, buffer: Buffer, length: number, position: number, path: string): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`${path} ended after ${position + done} bytes while being uploaded (was it changed during the upload?)`);
    done += bytesRead;
  }
}

/**
 * Uploads `files` (relative to `root`) to `<prefix>/<path>`. Resolves when every file is
 * committed; the first failure stops new requests and is rethrown once the running ones settle.
 */
export function uploadLocalFiles(
  target: BlobTarget,
  root: string,
  files: readonly LocalFile[],
  prefix: string,
  options: UploadFilesOptions = {},
): Promise<UploadFilesResult> {
  const base = prefix.replace(/^\/+|\/+$/g, '');
  return uploadEntries(
    target,
    files.map((f) => ({ local: join(root, ...f.path.split('/')), blob: base ? `${base}/${f.path}` : f.path, size: f.size })),
    options,
  );
}

/** Uploads one local file to the blob `blobName`. */
export function uploadLocalFile(
  target: BlobTarget,
  localPath: string,
  blobName: string,
  size: number,
  options: UploadFilesOptions = {},
): Promise<UploadFilesResult> {
  return uploadEntries(target, [{ local: localPath, blob: blobName, size }], options);
}

interface Entry {
  local: string;
  blob: string;
  size: number;
}

async function uploadEntries(target: BlobTarget, entries: readonly Entry[], options: UploadFilesOptions): Promise<UploadFilesResult> {
  const s = resolveUploadSettings(options);
  const pool = new SlotPool(s.concurrency, s.blockSizeInBytes);
  const result: UploadFilesResult = { files: 0, bytes: 0, blockFiles: 0, blocks: 0 };
  let failure: { error: unknown } | undefined;
  const signal = options.abortSignal;
  const check = () => {
    if (failure) throw failure.error;
    if (signal?.aborted) throw abortError();
  };
  const done = (f: Entry) => {
    result.files++;
    result.bytes += f.size;
    options.onProgress?.(result.bytes, result.files, entries.length);
  };

  const small = async (f: Entry): Promise<void> => {
    const slot = await pool.acquire();
    try {
      check();
      const fh = await open(f.local, 'r');
      try {
        await readFully(fh, slot.buffer, f.size, 0, f.local);
      } finally {
        await fh.close();
      }
      await target.blockBlob(f.blob).upload(slot.buffer.subarray(0, f.size), f.size, { abortSignal: signal });
      done(f);
    } finally {
      pool.release(slot);
    }
  };

  const large = async (f: Entry): Promise<void> => {
    const blob = target.blockBlob(f.blob);
    const blockSize = s.blockSizeInBytes;
    const count = Math.ceil(f.size / blockSize);
    if (count > MAX_BLOCKS) throw new RangeError(`${f.local} (${f.size} bytes) needs more than ${MAX_BLOCKS} blocks of ${blockSize} bytes`);
    const idPrefix = randomUUID();
    const ids = Array.from({ length: count }, (_, i) => Buffer.from(`${idPrefix}-${String(i).padStart(6, '0')}`).toString('base64'));
    const limiter = new Limiter(s.blockConcurrency);
    const running = new Set<Promise<void>>();
    let fileError: { error: unknown } | undefined;
    // Blocks are read in order, so the whole file's MD5 comes almost for free: it is stored as
    // the blob's Content-MD5 (Put Block List does not compute one), which keeps blob listings of
    // equal files equal (blobs.ts) and lets anyone check the blob later.
    const whole = createHash('md5');
    const fh = await open(f.local, 'r');
    try {
      for (let i = 0; i < count && !fileError; i++) {
        await limiter.acquire();
        if (fileError) {
          limiter.release();
          break;
        }
        const slot = await pool.acquire();
        try {
          check();
          const start = i * blockSize;
          const length = Math.min(blockSize, f.size - start);
          await readFully(fh, slot.buffer, length, start, f.local);
          const body = slot.buffer.subarray(0, length);
          whole.update(body);
          const md5 = createHash('md5').update(body).digest();
          const p: Promise<void> = blob
            .stageBlock(ids[i], body, length, { transactionalContentMD5: md5, abortSignal: signal })
            .then(
              () => {
                result.blocks++;
              },
              (error: unknown) => {
                fileError ??= { error };
              },
            )
            .finally(() => {
              pool.release(slot);
              limiter.release();
              running.delete(p);
            });
          running.add(p);
        } catch (error) {
          pool.release(slot);
          limiter.release();
          throw error;
        }
      }
      await Promise.all([...running]);
    } finally {
      await Promise.allSettled([...running]);
      await fh.close();
    }
    if (fileError) throw fileError.error;
    check();
    await blob.commitBlockList(ids, { blobHTTPHeaders: { blobContentMD5: whole.digest() }, abortSignal: signal });
    result.blockFiles++;
    done(f);
  };

  // Large files first: their blocks start early and small files fill the remaining slots.
  const order = [...entries].sort((a, b) => b.size - a.size);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!failure && next < order.length) {
      const f = order[next++];
      try {
        if (signal?.aborted) throw abortError();
        await (f.size > s.maxSingleShotSizeInBytes ? large(f) : small(f));
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(s.concurrency, Math.max(1, order.length)) }, () => worker()));
  if (failure) throw failure.error;
  return result;
}

/** Name of the marker written after every file of a snapshot is uploaded (as src/azure/workspace.ts writes it). */
export function snapshotMarkerName(prefix: string): string {
  const parent = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : prefix;
  return `${parent}/.azureml-actions-snapshot.json`;
}

export interface ModelUploaderOptions extends Partial<UploadSettings> {
  abortSignal?: AbortSignalLike;
}

/**
 * A {@link SnapshotUploader} that uploads with {@link uploadLocalFiles}: `hasSnapshot` and
 * `datastore` are the suite's own (src/azure/workspace.ts); `upload` writes the same completion
 * marker after the last file, so both uploaders recognise each other's uploads.
 */
export function createModelUploader(store: () => Promise<BlobStore>, options: ModelUploaderOptions = {}): SnapshotUploader {
  let cached: Promise<BlobStore> | undefined;
  const get = () => (cached ??= store());
  const plain = createSnapshotUploader(get);
  return {
    datastore: () => plain.datastore(),
    hasSnapshot: (prefix, snap) => plain.hasSnapshot(prefix, snap),
    async upload(prefix: string, snap: Snapshot, onProgress?: (done: number, total: number) => void): Promise<UploadResult> {
      const s = await get();
      const target = containerTarget(s.container);
      const progress = { ...options, onProgress: (_b: number, n: number, t: number) => onProgress?.(n, t) };
      const r = snap.isFile
        ? await uploadLocalFile(target, snap.root, prefix, snap.bytes, progress)
        : await uploadLocalFiles(target, snap.root, snap.files, prefix, progress);
      const marker = JSON.stringify({ hash: snap.hash, files: snap.files.length, bytes: snap.bytes, name: snap.name });
      await s.container
        .getBlockBlobClient(snapshotMarkerName(prefix))
        .upload(marker, Buffer.byteLength(marker), { blobHTTPHeaders: { blobContentType: 'application/json' }, abortSignal: options.abortSignal });
      return { files: r.files, bytes: r.bytes, skipped: 0 };
    },
  };
}
