const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { createHash, randomUUID } = require("node:crypto");
const { open } = require("node:fs/promises");
const { join } = require("node:path");
import {
  createSnapshotUploader
} from "./ignore+azure+jobs.js";

// src/models/upload.ts
var DEFAULT_UPLOAD_SETTINGS = {
  concurrency: 8,
  blockSizeInBytes: 8 * 1024 * 1024,
  blockConcurrency: 8,
  maxSingleShotSizeInBytes: 8 * 1024 * 1024
};
var MAX_BLOCK_BYTES = 256 * 1024 * 1024;
var MAX_BLOCKS = 5e4;
function resolveUploadSettings(partial = {}) {
  const s = { ...DEFAULT_UPLOAD_SETTINGS, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== void 0)) };
  const int = (name, min, max) => {
    const v = s[name];
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`upload setting ${name} must be an integer from ${min} to ${max}, got ${v}`);
  };
  int("concurrency", 1, 64);
  int("blockSizeInBytes", 64 * 1024, MAX_BLOCK_BYTES);
  int("blockConcurrency", 1, 64);
  int("maxSingleShotSizeInBytes", 0, MAX_BLOCK_BYTES);
  s.blockConcurrency = Math.min(s.blockConcurrency, s.concurrency);
  s.maxSingleShotSizeInBytes = Math.min(s.maxSingleShotSizeInBytes, s.blockSizeInBytes);
  return s;
}
function containerTarget(container) {
  return { blockBlob: (name) => container.getBlockBlobClient(name) };
}
async function sasTarget(sasUrl, pipelineOptions = {}) {
  const url = new URL(sasUrl);
  const query = url.search;
  const base = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  const { AnonymousCredential, BlockBlobClient, newPipeline } = await import("./azure-storage-blob.js");
  const pipeline = newPipeline(new AnonymousCredential(), pipelineOptions);
  return {
    blockBlob: (name) => new BlockBlobClient(`${base}/${name.split("/").map(encodeURIComponent).join("/")}${query}`, pipeline)
  };
}
var SlotPool = class {
  constructor(size, bufferBytes) {
    this.size = size;
    this.bufferBytes = bufferBytes;
  }
  size;
  bufferBytes;
  free = [];
  waiting = [];
  created = 0;
  acquire() {
    const slot = this.free.pop();
    if (slot) return Promise.resolve(slot);
    if (this.created < this.size) {
      this.created++;
      return Promise.resolve({ buffer: Buffer.allocUnsafeSlow(this.bufferBytes) });
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  release(slot) {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.free.push(slot);
  }
};
var Limiter = class {
  constructor(limit) {
    this.limit = limit;
  }
  limit;
  active = 0;
  waiting = [];
  async acquire() {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise((resolve) => this.waiting.push(resolve));
  }
  release() {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
};
function abortError() {
  const e = new Error("The upload was aborted.");
  e.name = "AbortError";
  return e;
}
async function readFully(fh, buffer, length, position, path) {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`${path} ended after ${position + done} bytes while being uploaded (was it changed during the upload?)`);
    done += bytesRead;
  }
}
function uploadLocalFiles(target, root, files, prefix, options = {}) {
  const base = prefix.replace(/^\/+|\/+$/g, "");
  return uploadEntries(
    target,
    files.map((f) => ({ local: join(root, ...f.path.split("/")), blob: base ? `${base}/${f.path}` : f.path, size: f.size })),
    options
  );
}
function uploadLocalFile(target, localPath, blobName, size, options = {}) {
  return uploadEntries(target, [{ local: localPath, blob: blobName, size }], options);
}
async function uploadEntries(target, entries, options) {
  const s = resolveUploadSettings(options);
  const pool = new SlotPool(s.concurrency, s.blockSizeInBytes);
  const result = { files: 0, bytes: 0, blockFiles: 0, blocks: 0 };
  let failure;
  const signal = options.abortSignal;
  const check = () => {
    if (failure) throw failure.error;
    if (signal?.aborted) throw abortError();
  };
  const done = (f) => {
    result.files++;
    result.bytes += f.size;
    options.onProgress?.(result.bytes, result.files, entries.length);
  };
  const small = async (f) => {
    const slot = await pool.acquire();
    try {
      check();
      const fh = await open(f.local, "r");
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
  const large = async (f) => {
    const blob = target.blockBlob(f.blob);
    const blockSize = s.blockSizeInBytes;
    const count = Math.ceil(f.size / blockSize);
    if (count > MAX_BLOCKS) throw new RangeError(`${f.local} (${f.size} bytes) needs more than ${MAX_BLOCKS} blocks of ${blockSize} bytes`);
    const idPrefix = randomUUID();
    const ids = Array.from({ length: count }, (_, i) => Buffer.from(`${idPrefix}-${String(i).padStart(6, "0")}`).toString("base64"));
    const limiter = new Limiter(s.blockConcurrency);
    const running = /* @__PURE__ */ new Set();
    let fileError;
    const whole = createHash("md5");
    const fh = await open(f.local, "r");
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
          const md5 = createHash("md5").update(body).digest();
          const p = blob.stageBlock(ids[i], body, length, { transactionalContentMD5: md5, abortSignal: signal }).then(
            () => {
              result.blocks++;
            },
            (error) => {
              fileError ??= { error };
            }
          ).finally(() => {
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
  const order = [...entries].sort((a, b) => b.size - a.size);
  let next = 0;
  const worker = async () => {
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
function snapshotMarkerName(prefix) {
  const parent = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : prefix;
  return `${parent}/.azureml-actions-snapshot.json`;
}
function createModelUploader(store, options = {}) {
  let cached;
  const get = () => cached ??= store();
  const plain = createSnapshotUploader(get);
  return {
    datastore: () => plain.datastore(),
    hasSnapshot: (prefix, snap) => plain.hasSnapshot(prefix, snap),
    async upload(prefix, snap, onProgress) {
      const s = await get();
      const target = containerTarget(s.container);
      const progress = { ...options, onProgress: (_b, n, t) => onProgress?.(n, t) };
      const r = snap.isFile ? await uploadLocalFile(target, snap.root, prefix, snap.bytes, progress) : await uploadLocalFiles(target, snap.root, snap.files, prefix, progress);
      const marker = JSON.stringify({ hash: snap.hash, files: snap.files.length, bytes: snap.bytes, name: snap.name });
      await s.container.getBlockBlobClient(snapshotMarkerName(prefix)).upload(marker, Buffer.byteLength(marker), { blobHTTPHeaders: { blobContentType: "application/json" }, abortSignal: options.abortSignal });
      return { files: r.files, bytes: r.bytes, skipped: 0 };
    }
  };
}

export {
  resolveUploadSettings,
  containerTarget,
  sasTarget,
  uploadLocalFiles,
  uploadLocalFile,
  snapshotMarkerName,
  createModelUploader
};
