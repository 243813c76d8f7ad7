/**
 * A stream (an object read from another cloud) into one block blob, with bounded memory and the
 * same blob shape as the local uploader (upload.ts): up to one block in a single Put Blob, larger
 * streams cut into blocks each staged with its Content-MD5, committed with the whole MD5 as the
 * blob's Content-MD5. The bytes are hashed (sha256) on the way, and compared with the hash an
 * earlier read gave before anything is committed, so a blob never holds other bytes than the ones
 * its content hash names.
 *
 * Buffers come from a pool shared by every stream of an upload: memory is
 * `blocks in flight × blockSizeInBytes`, whatever the model's size.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { AbortSignalLike } from '../azure/retry.js';
import type { BlobTarget } from './upload.js';

export interface StreamUploadSettings {
  /** Block size, and the largest stream sent in one request. Default 8 MiB. */
  blockSizeInBytes: number;
  /** Blocks in flight over all streams of the pool (each holds one buffer). Default 8. */
  blocksInFlight: number;
}

export const DEFAULT_STREAM_UPLOAD: StreamUploadSettings = { blockSizeInBytes: 8 * 1024 * 1024, blocksInFlight: 8 };

/** A fixed set of reusable buffers, FIFO. */
export class BufferPool {
  private readonly free: Buffer[] = [];
  private readonly waiting: Array<(b: Buffer) => void> = [];
  private created = 0;

  constructor(
    readonly size: number,
    readonly bufferBytes: number,
  ) {}

  acquire(): Promise<Buffer> {
    const b = this.free.pop();
    if (b) return Promise.resolve(b);
    if (this.created < this.size) {
      this.created++;
      return Promise.resolve(Buffer.allocUnsafeSlow(this.bufferBytes));
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(b: Buffer): void {
    const next = this.waiting.shift();
    if (next) next(b);
    else this.free.push(b);
  }
}

export function createBufferPool(settings: Partial<StreamUploadSettings> = {}): BufferPool {
  const s = { ...DEFAULT_STREAM_UPLOAD, ...settings };
  return new BufferPool(Math.max(1, s.blocksInFlight), s.blockSizeInBytes);
}

export interface StreamUploadResult {
  bytes: number;
  sha256: string;
  blocks: number;
}

/** Thrown when the bytes read differ from the expected size or sha256 (nothing was committed). */
export class ContentChangedError extends Error {
  override readonly name = 'ContentChangedError';
}

/**
 * Uploads `stream` to `blobName`. With `expected`, the size and sha256 are checked before the
 * blob is written (single shot) or committed (blocks).
 */
export async function uploadStream(
  target: BlobTarget,
  blobName: string,
  stream: Readable,
  pool: BufferPool,
  options: { expected?: { size: number; sha256: string }; abortSignal?: AbortSignalLike } = {},
): Promise<StreamUploadResult> {
  const blob = target.blockBlob(blobName);
  const blockSize = pool.bufferBytes;
  const sha = createHash('sha256');
  const whole = createHash('md5');
  const idPrefix = randomUUID();
  const ids: string[] = [];
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let buffer = await pool.acquire();
  let filled = 0;
  let bytes = 0;
  const signal = options.abortSignal;

  const stage = (body: Buffer, owned: Buffer) => {
    const id = Buffer.from(`${idPrefix}-${String(ids.length).padStart(6, '0')}`).toString('base64');
    ids.push(id);
    const md5 = createHash('md5').update(body).digest();
    const p: Promise<void> = blob
      .stageBlock(id, body, body.length, { transactionalContentMD5: md5, abortSignal: signal })
      .then(
        () => undefined,
        (error: unknown) => {
          failure ??= { error };
        },
      )
      .finally(() => {
        pool.release(owned);
        running.delete(p);
      });
    running.add(p);
  };

  try {
    for await (const chunk of stream) {
      if (failure) throw failure.error;
      let data = chunk as Buffer;
      sha.update(data);
      whole.update(data);
      bytes += data.length;
      while (data.length > 0) {
        const n = Math.min(data.length, blockSize - filled);
        data.copy(buffer, filled, 0, n);
        filled += n;
        data = data.subarray(n);
        if (filled === blockSize) {
          const full = buffer;
          stage(full.subarray(0, filled), full);
          filled = 0;
          buffer = await pool.acquire();
        }
      }
    }
  } catch (error) {
    pool.release(buffer);
    await Promise.allSettled([...running]);
    throw error;
  }
  const sha256 = sha.digest('hex');
  const mismatch =
    options.expected && (options.expected.size !== bytes || options.expected.sha256 !== sha256)
      ? `read ${bytes} bytes with sha256 ${sha256.slice(0, 12)}…, expected ${options.expected.size} bytes with sha256 ${options.expected.sha256.slice(0, 12)}…`
      : undefined;
  try {
    if (ids.length === 0) {
      if (mismatch) throw new ContentChangedError(mismatch);
      await blob.upload(buffer.subarray(0, filled), filled, { abortSignal: signal });
      return { bytes, sha256, blocks: 0 };
    }
    if (filled > 0) {
      const last = buffer;
      stage(last.subarray(0, filled), last);
    } else pool.release(buffer);
    buffer = undefined as unknown as Buffer;
    await Promise.all([...running]);
    if (failure) throw failure.error;
    if (mismatch) throw new ContentChangedError(mismatch);
    await blob.commitBlockList(ids, { blobHTTPHeaders: { blobContentMD5: whole.digest() }, abortSignal: signal });
    return { bytes, sha256, blocks: ids.length };
  } finally {
    if (buffer) pool.release(buffer);
    await Promise.allSettled([...running]);
  }
}
