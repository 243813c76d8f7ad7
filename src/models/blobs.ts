/**
 * Model files that already live in blob storage (a job output, a datastore path, a run's
 * artifacts): list them with their sizes and MD5s, hash the listing, read one file, hash every
 * file with sha256 (streamed, never held in memory whole), and copy them to another place.
 */
import { createHash } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import { mapWithConcurrency } from '../azure/concurrency.js';
import type { AbortSignalLike } from '../azure/retry.js';
import type { BlobTarget } from './upload.js';

export interface BlobModelFile {
  /** Path relative to the model folder (the file name for a single-file model). */
  path: string;
  blobName: string;
  size: number;
  /** Content-MD5 as hex, when the blob has one. */
  md5?: string;
  etag?: string;
}

export interface BlobListing {
  /** The blob path of the model (no trailing slash). */
  path: string;
  /** True when `path` names one blob (a single-file model). */
  isFile: boolean;
  files: BlobModelFile[];
  bytes: number;
}

/** Marker files the suite writes next to uploads; never part of a model. */
const IGNORED = /(^|\/)\.azureml-actions-snapshot\.json$/;

/** Lists the model at `path`: the blob of that name, else every blob under `path/`. */
export async function listModelBlobs(container: ContainerClient, path: string, abortSignal?: AbortSignalLike): Promise<BlobListing> {
  const name = path.replace(/^\/+/, '').replace(/\/+$/, '');
  const toFile = (blobName: string, rel: string, props: { contentLength?: number; contentMD5?: Uint8Array; etag?: string }): BlobModelFile => ({
    path: rel,
    blobName,
    size: props.contentLength ?? 0,
    ...(props.contentMD5 && props.contentMD5.length > 0 ? { md5: Buffer.from(props.contentMD5).toString('hex') } : {}),
    ...(props.etag ? { etag: props.etag.replace(/"/g, '') } : {}),
  });
  if (name !== '') {
    const single = container.getBlobClient(name);
    const props = await single.getProperties({ abortSignal }).catch((e: { statusCode?: number }) => {
      if (e.statusCode === 404) return undefined;
      throw e;
    });
    if (props) {
      const file = toFile(name, name.split('/').pop()!, props);
      return { path: name, isFile: true, files: [file], bytes: file.size };
    }
  }
  const prefix = name === '' ? '' : `${name}/`;
  const files: BlobModelFile[] = [];
  for await (const item of container.listBlobsFlat({ prefix, abortSignal })) {
    const rel = item.name.slice(prefix.length);
    if (rel === '' || IGNORED.test(rel)) continue;
    files.push(toFile(item.name, rel, item.properties));
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { path: name, isFile: false, files, bytes: files.reduce((n, f) => n + f.size, 0) };
}

/**
 * The content hash of a blob listing: sha256 over the sorted (relative path, size, MD5) of every
 * file — the etag stands in for blobs without an MD5 (large blobs written in blocks). Equal
 * files give equal hashes wherever they are stored.
 */
export function blobListingHash(files: readonly BlobModelFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    h.update(`${f.path}\0${f.size}\0${f.md5 ?? `etag:${f.etag ?? ''}`}\n`);
  }
  return h.digest('hex');
}

/** Reads a whole blob (refuses blobs above `maxBytes`). */
export async function readBlob(container: ContainerClient, blobName: string, maxBytes = 16 * 1024 * 1024, abortSignal?: AbortSignalLike): Promise<Buffer> {
  const client = container.getBlobClient(blobName);
  const props = await client.getProperties({ abortSignal });
  if ((props.contentLength ?? 0) > maxBytes) throw new Error(`${blobName} has ${props.contentLength} bytes; at most ${maxBytes} are read`);
  return client.downloadToBuffer(0, undefined, { abortSignal });
}

/** sha256 (hex) of every file, streamed, `concurrency` at once. */
export async function sha256Blobs(
  container: ContainerClient,
  files: readonly BlobModelFile[],
  options: { concurrency?: number; abortSignal?: AbortSignalLike } = {},
): Promise<string[]> {
  return mapWithConcurrency(
    files,
    Math.max(1, options.concurrency ?? 8),
    async (f) => {
      const h = createHash('sha256');
      const response = await container.getBlobClient(f.blobName).download(0, undefined, { abortSignal: options.abortSignal });
      const body = response.readableStreamBody;
      if (body) for await (const chunk of body) h.update(chunk as Buffer);
      return h.digest('hex');
    },
    options.abortSignal,
  );
}

/**
 * Copies blobs to `<prefix>/<path>` of a target, streaming each one (bounded memory: about
 * `concurrency × 2 × 4 MiB`).
 */
export async function copyBlobs(
  container: ContainerClient,
  files: readonly BlobModelFile[],
  target: BlobTarget,
  prefix: string,
  options: { concurrency?: number; abortSignal?: AbortSignalLike } = {},
): Promise<{ files: number; bytes: number }> {
  const base = prefix.replace(/^\/+|\/+$/g, '');
  await mapWithConcurrency(
    files,
    Math.max(1, options.concurrency ?? 8),
    async (f) => {
      const response = await container.getBlobClient(f.blobName).download(0, undefined, { abortSignal: options.abortSignal });
      const dest = target.blockBlob(base ? `${base}/${f.path}` : f.path);
      const body = response.readableStreamBody;
      if (!body || f.size === 0) await dest.upload(Buffer.alloc(0), 0, { abortSignal: options.abortSignal });
      else await dest.uploadStream(body as NodeJS.ReadableStream as import('node:stream').Readable, 4 * 1024 * 1024, 2, { abortSignal: options.abortSignal });
    },
    options.abortSignal,
  );
  return { files: files.length, bytes: files.reduce((n, f) => n + f.size, 0) };
}
