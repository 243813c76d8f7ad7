/**
 * Blob data for jobs, in Azurite: download a folder or a file to disk, upload a folder or a file,
 * read SAS URLs. Every storage account a job names (`<account>.blob.core.windows.net`, an Azurite
 * URL) maps onto the one Azurite account of the emulator.
 */
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, posix, relative, sep } from 'node:path';
import { BlobSASPermissions, BlobServiceClient, generateBlobSASQueryParameters, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import type { BlobEndpoint } from '../types.js';

/** A place in blob storage: a container and a path inside it (no leading slash; '' = the root). */
export interface BlobLocation {
  container: string;
  path: string;
}

export function formatLocation(loc: BlobLocation): string {
  return `${loc.container}/${loc.path}`;
}

/** Join path parts with single slashes; keeps a trailing slash of the last part. */
export function joinBlobPath(...parts: string[]): string {
  const joined = parts
    .filter((p) => p.length > 0)
    .join('/')
    .replace(/\/{2,}/g, '/');
  return joined.replace(/^\//, '');
}

/**
 * `https://<account>.blob.core.windows.net/<container>/<path>`, `wasbs://<container>@<account>.../<path>`
 * or an Azurite (path-style) URL `http://127.0.0.1:10000/<account>/<container>/<path>` → location.
 * Returns undefined when the URL is none of these.
 */
export function locationFromUrl(uri: string, endpoint?: BlobEndpoint): BlobLocation | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  if (url.protocol === 'wasbs:' || url.protocol === 'wasb:') {
    const container = decode(url.username);
    if (!container) return undefined;
    return { container, path: decode(url.pathname.replace(/^\/+/, '')) };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const segments = url.pathname.replace(/^\/+/, '').split('/');
  const host = url.hostname.toLowerCase();
  const isAzureHost = /\.blob\./.test(host) || host.endsWith('.dfs.core.windows.net');
  let rest: string[];
  if (isAzureHost) {
    rest = segments;
  } else {
    // Path-style (Azurite): the first segment is the account.
    const base = endpoint ? new URL(endpoint.url) : undefined;
    const sameHost = base && base.host.toLowerCase() === url.host.toLowerCase();
    const loopback = host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
    if (!sameHost && !loopback) return undefined;
    rest = segments.slice(1);
  }
  const container = rest[0];
  if (!container) return undefined;
  // A trailing slash survives as an empty last segment: 'a/b/' stays a folder.
  const path = rest.slice(1).map(decode).join('/');
  return { container: decode(container), path };
}

export interface TransferOptions {
  abortSignal?: AbortSignal;
}

export class BlobIO {
  private readonly service: BlobServiceClient;
  private readonly credential: StorageSharedKeyCredential;
  private readonly ensured = new Set<string>();

  constructor(readonly endpoint: BlobEndpoint) {
    this.credential = new StorageSharedKeyCredential(endpoint.accountName, endpoint.accountKey);
    this.service = new BlobServiceClient(endpoint.url.replace(/\/+$/, ''), this.credential, {
      retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 1000 },
    });
  }

  private container(name: string): ContainerClient {
    return this.service.getContainerClient(name);
  }

  /** The URL of a blob (or a folder prefix) in Azurite. */
  url(loc: BlobLocation): string {
    return `${this.container(loc.container).url}/${loc.path.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** A read-only SAS URL for one blob. */
  sasUrl(loc: BlobLocation, now: Date, validForMs = 24 * 3600_000): string {
    const sas = generateBlobSASQueryParameters(
      {
        containerName: loc.container,
        blobName: loc.path,
        permissions: BlobSASPermissions.parse('r'),
        startsOn: new Date(now.getTime() - 5 * 60_000),
        expiresOn: new Date(now.getTime() + validForMs),
      },
      this.credential,
    ).toString();
    return `${this.container(loc.container).getBlobClient(loc.path).url}?${sas}`;
  }

  async exists(loc: BlobLocation): Promise<boolean> {
    if (loc.path === '' || loc.path.endsWith('/')) return false;
    return this.container(loc.container).getBlobClient(loc.path).exists();
  }

  /** Names of the blobs under a folder prefix (relative to it). */
  async list(loc: BlobLocation, options: TransferOptions = {}): Promise<string[]> {
    const prefix = loc.path === '' || loc.path.endsWith('/') ? loc.path : `${loc.path}/`;
    const names: string[] = [];
    const client = this.container(loc.container);
    if (!(await client.exists({ abortSignal: options.abortSignal }))) return names;
    for await (const item of client.listBlobsFlat({ prefix, abortSignal: options.abortSignal })) {
      const rel = item.name.slice(prefix.length);
      // Skip folder markers some tools write (`dir/` zero-length blobs, hdi_isfolder).
      if (rel === '' || rel.endsWith('/') || item.metadata?.hdi_isfolder === 'true') continue;
      names.push(rel);
    }
    return names;
  }

  /**
   * Download what is at `loc` under `dest`: a single blob is written to `dest/<its base name>` and
   * that file path is returned as `file`; a folder prefix is mirrored into `dest` (`file` undefined).
   * `count` is the number of files written (0: nothing there).
   */
  async download(loc: BlobLocation, dest: string, options: TransferOptions = {}): Promise<{ count: number; file?: string }> {
    await mkdir(dest, { recursive: true });
    if (await this.exists(loc)) {
      const file = join(dest, posix.basename(loc.path));
      await this.container(loc.container).getBlobClient(loc.path).downloadToFile(file, 0, undefined, { abortSignal: options.abortSignal });
      return { count: 1, file };
    }
    const names = await this.list(loc, options);
    const prefix = loc.path === '' || loc.path.endsWith('/') ? loc.path : `${loc.path}/`;
    await runLimited(names, 4, async (rel) => {
      const target = join(dest, ...rel.split('/'));
      if (!target.startsWith(dest + sep) && target !== dest) throw new Error(`refusing to write outside ${dest}: ${rel}`);
      await mkdir(dirname(target), { recursive: true });
      await this.container(loc.container)
        .getBlobClient(prefix + rel)
        .downloadToFile(target, 0, undefined, { abortSignal: options.abortSignal });
    });
    return { count: names.length };
  }

  async ensureContainer(name: string): Promise<void> {
    if (this.ensured.has(name)) return;
    await this.container(name).createIfNotExists();
    this.ensured.add(name);
  }

  async uploadFile(localPath: string, loc: BlobLocation, options: TransferOptions & { contentType?: string } = {}): Promise<void> {
    await this.ensureContainer(loc.container);
    await this.container(loc.container)
      .getBlockBlobClient(loc.path)
      .uploadFile(localPath, {
        abortSignal: options.abortSignal,
        blobHTTPHeaders: options.contentType ? { blobContentType: options.contentType } : undefined,
      });
  }

  /** Upload what a file holds right now (for files another process is still appending to). */
  async uploadSnapshot(localPath: string, loc: BlobLocation, contentType?: string): Promise<void> {
    const body = await readFile(localPath);
    await this.ensureContainer(loc.container);
    await this.container(loc.container)
      .getBlockBlobClient(loc.path)
      .upload(body, body.length, contentType ? { blobHTTPHeaders: { blobContentType: contentType } } : {});
  }

  async uploadText(text: string, loc: BlobLocation): Promise<void> {
    await this.ensureContainer(loc.container);
    const body = Buffer.from(text, 'utf8');
    await this.container(loc.container)
      .getBlockBlobClient(loc.path)
      .upload(body, body.length, { blobHTTPHeaders: { blobContentType: 'text/plain; charset=utf-8' } });
  }

  /** Upload every file under `localDir` below the folder `loc`; returns the number of files. */
  async uploadFolder(localDir: string, loc: BlobLocation, options: TransferOptions = {}): Promise<number> {
    const files = await listFiles(localDir);
    const prefix = loc.path === '' || loc.path.endsWith('/') ? loc.path : `${loc.path}/`;
    await runLimited(files, 4, async (file) => {
      const rel = relative(localDir, file).split(sep).join('/');
      await this.uploadFile(file, { container: loc.container, path: prefix + rel }, options);
    });
    return files.length;
  }
}

/** Every regular file below `dir` (none when it does not exist). */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw err;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
      else if (e.isSymbolicLink()) {
        const st = await stat(p).catch(() => undefined);
        if (st?.isFile()) out.push(p);
      }
    }
  }
  await walk(dir);
  return out;
}

async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  });
  await Promise.all(workers);
}
