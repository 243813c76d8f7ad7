/**
 * A model in another cloud's object store (`s3://bucket/key`, `gs://bucket/object`, a file or a
 * folder), registered like a local one: the same content hash as the same files on disk, the same
 * upload place (`LocalUpload/<hash>/<name>` of the datastore) and completion marker, so the same
 * bytes from S3, GCS or the repository give one model version.
 *
 * Two streamed reads, nothing staged on disk or held whole in memory:
 *  1. the hash pass reads every object (pinned to its S3 VersionId / GCS generation, else its ETag)
 *     and computes the snapshot hash of src/core/hash.ts (relative path, size, sha256 of each file,
 *     after the same ignore rules);
 *  2. only when that content is not in the datastore yet (a new model), the upload pass reads them
 *     again, pinned to the same versions, and streams them into blobs, checking each object's
 *     sha256 before its blob is committed.
 * Why not hash and upload in one pass to a staging path: the flow decides everything (the content
 * hash, an existing version with it, a `version` taken by other files, the model type's checks)
 * before it writes anything, and the content-addressed path is known only once every byte was
 * hashed; Azure Blob has no rename, so a staging path would cost a server-side copy of every blob
 * (as much data again, inside Azure) or leave the model where local uploads of the same files do
 * not find it. The price is a second read of a new model (twice the egress for the first
 * registration); a re-run — the common case in CI — reads once and writes nothing.
 */
import { createHash } from 'node:crypto';
import { cloudError, readAll, type CloudListing, type CloudObject, type CloudStore } from '../clouds/objects.js';
import { openCloudStore } from '../clouds/open.js';
import { cloudName } from '../clouds/uri.js';
import { mapWithConcurrency } from '../azure/concurrency.js';
import { ConfigurationError } from '../core/errors.js';
import { combine, ignoredBy, localUploadPath, type Snapshot, type SnapshotFile } from '../core/hash.js';
import { formatBytes } from '../jobs/submit.js';
import type { ModelSourceSpec, ResolvedModel, SourceDeps } from './resolved.js';
import { ContentChangedError, createBufferPool, uploadStream, type BufferPool } from './stream-upload.js';
import { containerTarget, snapshotMarkerName, type BlobTarget } from './upload.js';

type CloudSpec = Extract<ModelSourceSpec, { kind: 'cloud' }>;

/** The lineage tag holding each object's path, ETag and version (S3 VersionId / GCS generation). */
export const SOURCE_OBJECTS_TAG = 'azureml-actions.source_objects';
/** The longest value written in {@link SOURCE_OBJECTS_TAG}; a longer list is cut and says how many were left out. */
export const MAX_OBJECTS_TAG_CHARS = 5000;
/** Objects read at once (each stream holds one pooled buffer while it fills the next; see stream-upload.ts). */
const FILES_IN_FLIGHT = 4;

/** `[[path, etag, version], …]` as compact JSON, cut to fit {@link MAX_OBJECTS_TAG_CHARS}. */
export function objectsTag(objects: readonly CloudObject[]): string {
  const rows = objects.map((o) => [o.path, o.etag ?? '', o.version ?? '']);
  let text = JSON.stringify(rows);
  let kept = rows.length;
  while (text.length > MAX_OBJECTS_TAG_CHARS && kept > 0) {
    kept = Math.min(kept - 1, Math.floor((kept * MAX_OBJECTS_TAG_CHARS) / text.length));
    text = JSON.stringify([...rows.slice(0, kept), [`… ${rows.length - kept} more`]]);
  }
  return text;
}

/** Reads the folder's `.amlignore` (else `.gitignore`), as the local snapshot does, and drops what it excludes. */
async function applyIgnore(store: CloudStore, listing: CloudListing): Promise<CloudObject[]> {
  if (listing.isFile) return listing.objects;
  const rulesFile = listing.objects.find((o) => o.path === '.amlignore') ?? listing.objects.find((o) => o.path === '.gitignore');
  const rules = rulesFile ? (await readAll(await store.open(listing.uri, rulesFile), 1024 * 1024, rulesFile.key)).toString('utf8') : undefined;
  const ignored = ignoredBy(rules);
  return listing.objects.filter((o) => !ignored(o.path));
}

async function sha256Of(store: CloudStore, listing: CloudListing, o: CloudObject, input: string): Promise<SnapshotFile> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of await store.open(listing.uri, o)) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  if (size !== o.size) throw cloudError(listing.uri, input, { kind: 'changed', detail: `${o.key} was listed with ${o.size} bytes but ${size} were read` });
  return { path: o.path, size, sha256: h.digest('hex') };
}

/** Lists, filters and hashes the objects; nothing is written. */
export async function resolveCloudModel(spec: CloudSpec, deps: SourceDeps): Promise<ResolvedModel> {
  const { uri } = spec;
  const store = await openCloudStore(uri, {
    env: deps.cloud?.env ?? process.env,
    setSecret: (secret) => deps.cloud?.setSecret(secret),
    input: spec.input,
    info: (m) => deps.info(m),
    ...(deps.abortSignal ? { abortSignal: deps.abortSignal as AbortSignal } : {}),
  });
  const listing = await store.list(uri);
  const objects = await applyIgnore(store, listing);
  if (objects.length === 0) {
    throw new ConfigurationError(`Input '${spec.input}': ${uri.uri} holds no files (after .amlignore/.gitignore), so there is no model to register.`, {
      input: spec.input,
    });
  }
  const byPath = new Map(objects.map((o) => [o.path, o]));
  const bytes = objects.reduce((n, o) => n + o.size, 0);
  deps.info(
    `${cloudName(uri.cloud)}: ${uri.uri} is ${listing.isFile ? 'one object' : `${objects.length} object(s)`}, ${formatBytes(bytes)}; hashing (streamed)`,
  );
  const started = Date.now();
  const files = await mapWithConcurrency(objects, FILES_IN_FLIGHT, (o) => sha256Of(store, listing, o, spec.input), deps.abortSignal);
  const seconds = Math.max(0.001, (Date.now() - started) / 1000);
  deps.info(`Hashed ${files.length} object(s), ${formatBytes(bytes)} in ${seconds.toFixed(1)} s (${formatBytes(bytes / seconds)}/s)`);
  const hash = combine(files);
  const snap: Snapshot = { root: uri.uri, name: listing.name, isFile: listing.isFile, files, bytes, hash };
  const prefix = localUploadPath(snap);
  const ds = await deps.uploader.datastore();
  const blobOf = (base: string, o: CloudObject) => (listing.isFile ? base : `${base}/${o.path}`);
  const shaOf = new Map(files.map((f) => [f.path, f]));

  const stream = async (target: BlobTarget, base: string, pool: BufferPool): Promise<{ files: number; bytes: number }> => {
    await mapWithConcurrency(
      objects,
      FILES_IN_FLIGHT,
      async (o) => {
        const f = shaOf.get(o.path)!;
        try {
          await uploadStream(target, blobOf(base, o), await store.open(uri, o), pool, {
            expected: { size: f.size, sha256: f.sha256 },
            abortSignal: deps.abortSignal,
          });
        } catch (e) {
          if (e instanceof ContentChangedError) throw cloudError(uri, spec.input, { kind: 'changed', detail: `${o.key}: ${e.message}` }, e);
          throw e;
        }
      },
      deps.abortSignal,
    );
    return { files: objects.length, bytes };
  };

  return {
    spec,
    display: spec.display,
    modelUri: `azureml://datastores/${ds.name}/paths/${prefix}${listing.isFile ? '' : '/'}`,
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
      const store = await deps.blobStore(ds.name);
      const r = await stream(containerTarget(store.container), prefix, createBufferPool());
      const marker = JSON.stringify({ hash, files: files.length, bytes, name: listing.name });
      await store.container
        .getBlockBlobClient(snapshotMarkerName(prefix))
        .upload(marker, Buffer.byteLength(marker), { blobHTTPHeaders: { blobContentType: 'application/json' }, abortSignal: deps.abortSignal });
      const s = Math.max(0.001, (Date.now() - t0) / 1000);
      deps.info(`Uploaded ${r.files} file(s), ${formatBytes(r.bytes)} in ${s.toFixed(1)} s (${formatBytes(r.bytes / s)}/s)`);
      return { uploaded: true, files: r.files, bytes: r.bytes };
    },
    copyTo: (target, prefixTo) =>
      stream(target, listing.isFile ? `${prefixTo.replace(/\/+$/, '')}/${listing.name}` : prefixTo.replace(/\/+$/, ''), createBufferPool()),
    lineage: { [SOURCE_OBJECTS_TAG]: objectsTag(objects) },
  };
}
