const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { createHash: createHash2 } = require("node:crypto");
const { createHash, randomUUID } = require("node:crypto");
import {
  openCloudStore
} from "./clouds.open.js";
import {
  cloudError,
  readAll
} from "./clouds.objects.js";
import {
  containerTarget,
  snapshotMarkerName
} from "./models.upload.js";
import {
  cloudName
} from "./clouds.uri.js";
import {
  combine,
  formatBytes,
  ignoredBy,
  localUploadPath
} from "./ignore+azure+jobs.js";
import {
  mapWithConcurrency
} from "./azure.concurrency.js";
import "./azure.arm.js";
import "./azure.errors.js";
import "./core.obj.js";
import "./actions.js";
import "./tunnel.js";
import {
  ConfigurationError
} from "./core.errors.js";
import "./azure-core.nodeHttpClient.js";
import "./debug+https-proxy-agent+agent-base.js";
import "./esbuild-runtime.js";

// src/models/cloud-source.ts

// src/models/stream-upload.ts
var DEFAULT_STREAM_UPLOAD = { blockSizeInBytes: 8 * 1024 * 1024, blocksInFlight: 8 };
var BufferPool = class {
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
    const b = this.free.pop();
    if (b) return Promise.resolve(b);
    if (this.created < this.size) {
      this.created++;
      return Promise.resolve(Buffer.allocUnsafeSlow(this.bufferBytes));
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  release(b) {
    const next = this.waiting.shift();
    if (next) next(b);
    else this.free.push(b);
  }
};
function createBufferPool(settings = {}) {
  const s = { ...DEFAULT_STREAM_UPLOAD, ...settings };
  return new BufferPool(Math.max(1, s.blocksInFlight), s.blockSizeInBytes);
}
var ContentChangedError = class extends Error {
  name = "ContentChangedError";
};
async function uploadStream(target, blobName, stream, pool, options = {}) {
  const blob = target.blockBlob(blobName);
  const blockSize = pool.bufferBytes;
  const sha = createHash("sha256");
  const whole = createHash("md5");
  const idPrefix = randomUUID();
  const ids = [];
  const running = /* @__PURE__ */ new Set();
  let failure;
  let buffer = await pool.acquire();
  let filled = 0;
  let bytes = 0;
  const signal = options.abortSignal;
  const stage = (body, owned) => {
    const id = Buffer.from(`${idPrefix}-${String(ids.length).padStart(6, "0")}`).toString("base64");
    ids.push(id);
    const md5 = createHash("md5").update(body).digest();
    const p = blob.stageBlock(id, body, body.length, { transactionalContentMD5: md5, abortSignal: signal }).then(
      () => void 0,
      (error) => {
        failure ??= { error };
      }
    ).finally(() => {
      pool.release(owned);
      running.delete(p);
    });
    running.add(p);
  };
  try {
    for await (const chunk of stream) {
      if (failure) throw failure.error;
      let data = chunk;
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
  const sha256 = sha.digest("hex");
  const mismatch = options.expected && (options.expected.size !== bytes || options.expected.sha256 !== sha256) ? `read ${bytes} bytes with sha256 ${sha256.slice(0, 12)}\u2026, expected ${options.expected.size} bytes with sha256 ${options.expected.sha256.slice(0, 12)}\u2026` : void 0;
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
    buffer = void 0;
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

// src/models/cloud-source.ts
var SOURCE_OBJECTS_TAG = "azureml-actions.source_objects";
var MAX_OBJECTS_TAG_CHARS = 5e3;
var FILES_IN_FLIGHT = 4;
function objectsTag(objects) {
  const rows = objects.map((o) => [o.path, o.etag ?? "", o.version ?? ""]);
  let text = JSON.stringify(rows);
  let kept = rows.length;
  while (text.length > MAX_OBJECTS_TAG_CHARS && kept > 0) {
    kept = Math.min(kept - 1, Math.floor(kept * MAX_OBJECTS_TAG_CHARS / text.length));
    text = JSON.stringify([...rows.slice(0, kept), [`\u2026 ${rows.length - kept} more`]]);
  }
  return text;
}
async function applyIgnore(store, listing) {
  if (listing.isFile) return listing.objects;
  const rulesFile = listing.objects.find((o) => o.path === ".amlignore") ?? listing.objects.find((o) => o.path === ".gitignore");
  const rules = rulesFile ? (await readAll(await store.open(listing.uri, rulesFile), 1024 * 1024, rulesFile.key)).toString("utf8") : void 0;
  const ignored = ignoredBy(rules);
  return listing.objects.filter((o) => !ignored(o.path));
}
async function sha256Of(store, listing, o, input) {
  const h = createHash2("sha256");
  let size = 0;
  for await (const chunk of await store.open(listing.uri, o)) {
    h.update(chunk);
    size += chunk.length;
  }
  if (size !== o.size) throw cloudError(listing.uri, input, { kind: "changed", detail: `${o.key} was listed with ${o.size} bytes but ${size} were read` });
  return { path: o.path, size, sha256: h.digest("hex") };
}
async function resolveCloudModel(spec, deps) {
  const { uri } = spec;
  const store = await openCloudStore(uri, {
    env: deps.cloud?.env ?? process.env,
    setSecret: (secret) => deps.cloud?.setSecret(secret),
    input: spec.input,
    info: (m) => deps.info(m),
    ...deps.abortSignal ? { abortSignal: deps.abortSignal } : {}
  });
  const listing = await store.list(uri);
  const objects = await applyIgnore(store, listing);
  if (objects.length === 0) {
    throw new ConfigurationError(`Input '${spec.input}': ${uri.uri} holds no files (after .amlignore/.gitignore), so there is no model to register.`, {
      input: spec.input
    });
  }
  const byPath = new Map(objects.map((o) => [o.path, o]));
  const bytes = objects.reduce((n, o) => n + o.size, 0);
  deps.info(
    `${cloudName(uri.cloud)}: ${uri.uri} is ${listing.isFile ? "one object" : `${objects.length} object(s)`}, ${formatBytes(bytes)}; hashing (streamed)`
  );
  const started = Date.now();
  const files = await mapWithConcurrency(objects, FILES_IN_FLIGHT, (o) => sha256Of(store, listing, o, spec.input), deps.abortSignal);
  const seconds = Math.max(1e-3, (Date.now() - started) / 1e3);
  deps.info(`Hashed ${files.length} object(s), ${formatBytes(bytes)} in ${seconds.toFixed(1)} s (${formatBytes(bytes / seconds)}/s)`);
  const hash = combine(files);
  const snap = { root: uri.uri, name: listing.name, isFile: listing.isFile, files, bytes, hash };
  const prefix = localUploadPath(snap);
  const ds = await deps.uploader.datastore();
  const blobOf = (base, o) => listing.isFile ? base : `${base}/${o.path}`;
  const shaOf = new Map(files.map((f) => [f.path, f]));
  const stream = async (target, base, pool) => {
    await mapWithConcurrency(
      objects,
      FILES_IN_FLIGHT,
      async (o) => {
        const f = shaOf.get(o.path);
        try {
          await uploadStream(target, blobOf(base, o), await store.open(uri, o), pool, {
            expected: { size: f.size, sha256: f.sha256 },
            abortSignal: deps.abortSignal
          });
        } catch (e) {
          if (e instanceof ContentChangedError) throw cloudError(uri, spec.input, { kind: "changed", detail: `${o.key}: ${e.message}` }, e);
          throw e;
        }
      },
      deps.abortSignal
    );
    return { files: objects.length, bytes };
  };
  return {
    spec,
    display: spec.display,
    modelUri: `azureml://datastores/${ds.name}/paths/${prefix}${listing.isFile ? "" : "/"}`,
    isFile: listing.isFile,
    files: files.map((f) => ({ path: f.path, size: f.size })),
    bytes,
    contentHash: `sha256:${hash}`,
    read: async (path) => {
      const o = byPath.get(path);
      if (!o) throw new Error(`${uri.uri} has no file ${path}`);
      return readAll(await store.open(uri, o), 16 * 1024 * 1024, o.key);
    },
    hashedFiles: () => Promise.resolve(files.map((f) => ({ ...f }))),
    async materialize() {
      if (await deps.uploader.hasSnapshot(prefix, snap)) {
        deps.info(`${spec.display}: already in the datastore (content hash ${hash.slice(0, 12)}), reused`);
        return { uploaded: false, files: 0, bytes: 0 };
      }
      deps.info(`Streaming ${spec.display} into datastore ${ds.name}: ${files.length} file(s), ${formatBytes(bytes)}`);
      const t0 = Date.now();
      const store2 = await deps.blobStore(ds.name);
      const r = await stream(containerTarget(store2.container), prefix, createBufferPool());
      const marker = JSON.stringify({ hash, files: files.length, bytes, name: listing.name });
      await store2.container.getBlockBlobClient(snapshotMarkerName(prefix)).upload(marker, Buffer.byteLength(marker), { blobHTTPHeaders: { blobContentType: "application/json" }, abortSignal: deps.abortSignal });
      const s = Math.max(1e-3, (Date.now() - t0) / 1e3);
      deps.info(`Uploaded ${r.files} file(s), ${formatBytes(r.bytes)} in ${s.toFixed(1)} s (${formatBytes(r.bytes / s)}/s)`);
      return { uploaded: true, files: r.files, bytes: r.bytes };
    },
    copyTo: (target, prefixTo) => stream(target, listing.isFile ? `${prefixTo.replace(/\/+$/, "")}/${listing.name}` : prefixTo.replace(/\/+$/, ""), createBufferPool()),
    lineage: { [SOURCE_OBJECTS_TAG]: objectsTag(objects) }
  };
}
export {
  MAX_OBJECTS_TAG_CHARS,
  SOURCE_OBJECTS_TAG,
  objectsTag,
  resolveCloudModel
};
