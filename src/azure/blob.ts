/**
 * Blob data of a workspace datastore (code snapshots, local job inputs, model files).
 *
 * {@link createBlobStore} finds the datastore (the named one, else the workspace default), reads
 * its secrets (`listSecrets`), and opens a `ContainerClient` on it (in emulator mode the blob
 * endpoint is Azurite's, from `/.emulator/info`). Account keys and SAS tokens are masked with
 * `core.setSecret`. Uploads run several files at once and split large files into blocks uploaded
 * in parallel.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as core from '@actions/core';
import type { TokenCredential } from '@azure/identity';
import type { ContainerClient, StoragePipelineOptions } from '@azure/storage-blob';
import { ConfigurationError } from '../core/errors.js';
import { armPath, type ArmClient } from './arm.js';
import type { AzureCloud } from './cloud.js';
import { mapWithConcurrency } from './concurrency.js';
import type { EmulatorInfo } from './context.js';
import { withAzureOperation } from './errors.js';
import type { AbortSignalLike, RetryOptions } from './retry.js';

/** The conventional name of a workspace's default blob datastore. */
export const DEFAULT_DATASTORE_NAME = 'workspaceblobstore';

export interface DatastoreInfo {
  name: string;
  accountName: string;
  containerName: string;
  /** The container URL (no SAS). */
  containerUrl: string;
  credentialsType: string;
}

export interface UploadedFile {
  /** Path relative to the uploaded folder, with `/` separators. */
  path: string;
  blobName: string;
  size: number;
}

export interface UploadFileOptions {
  /** Block size for files above `maxSingleShotSizeInBytes`. Default 8 MiB. */
  blockSizeInBytes?: number;
  /** Blocks of one file in flight. Default 4. */
  blockConcurrency?: number;
  /** Files up to this size go in one request. Default 8 MiB. */
  maxSingleShotSizeInBytes?: number;
  contentType?: string;
  metadata?: Record<string, string>;
  abortSignal?: AbortSignalLike;
}

export interface UploadFolderOptions extends UploadFileOptions {
  /** Files in flight. Default 8 (at most 32). */
  concurrency?: number;
  /** Keep a file (relative `/` path)? Default: all files. */
  filter?: (relativePath: string) => boolean;
  /** Called after each file. */
  onFileUploaded?: (file: UploadedFile, done: number, total: number) => void;
}

export interface UploadFolderResult {
  files: UploadedFile[];
  totalBytes: number;
}

export interface DownloadOptions {
  /** Files in flight. Default 8. */
  concurrency?: number;
  abortSignal?: AbortSignalLike;
}

export interface DownloadResult {
  files: Array<{ blobName: string; path: string; size: number }>;
  totalBytes: number;
}

export interface BlobStore {
  readonly datastore: DatastoreInfo;
  readonly container: ContainerClient;
  /** `azureml://datastores/<name>/paths/<path>`. */
  datastoreUri(path: string): string;
  uploadFile(localPath: string, blobName: string, options?: UploadFileOptions): Promise<UploadedFile>;
  /** Uploads every file under `localDir` to `<prefix>/<relative path>`. */
  uploadFolder(localDir: string, prefix: string, options?: UploadFolderOptions): Promise<UploadFolderResult>;
  /** True when a blob is named `prefix` or any blob lies under `prefix/`. */
  exists(prefix: string, options?: { abortSignal?: AbortSignalLike }): Promise<boolean>;
  /** Downloads the blob named `prefix`, or every blob under `prefix/`, keeping relative paths. */
  downloadToFolder(prefix: string, localDir: string, options?: DownloadOptions): Promise<DownloadResult>;
}

/** What {@link createBlobStore} needs from an AzureContext. */
export interface BlobStoreContext {
  arm: ArmClient;
  cloud: AzureCloud;
  credential: TokenCredential;
  emulator?: EmulatorInfo;
  retry?: RetryOptions;
  userAgent?: string;
}

export interface CreateBlobStoreOptions {
  /** Default: the workspace's default datastore. */
  datastoreName?: string;
  /** Default core.setSecret. */
  setSecret?: (secret: string) => void;
  abortSignal?: AbortSignalLike;
}

interface DatastoreResource {
  name: string;
  properties?: {
    datastoreType?: string;
    accountName?: string;
    containerName?: string;
    endpoint?: string;
    protocol?: string;
    isDefault?: boolean;
    credentials?: { credentialsType?: string; tenantId?: string; clientId?: string; authorityUrl?: string };
  };
}

interface DatastoreSecrets {
  secretsType?: string;
  key?: string;
  sasToken?: string;
  clientSecret?: string;
}

export async function createBlobStore(ctx: BlobStoreContext, options: CreateBlobStoreOptions = {}): Promise<BlobStore> {
  const setSecret = options.setSecret ?? ((s: string) => core.setSecret(s));
  const abortSignal = options.abortSignal;
  const datastore = await withAzureOperation(options.datastoreName ? `reading datastore '${options.datastoreName}'` : 'finding the default datastore', () =>
    findDatastore(ctx.arm, options.datastoreName, abortSignal),
  );
  const p = datastore.properties ?? {};
  if (p.datastoreType !== 'AzureBlob') {
    throw new ConfigurationError(`Datastore '${datastore.name}' is of type ${p.datastoreType ?? 'unknown'}; only AzureBlob datastores can hold uploads.`, {
      hint: 'Name an Azure Blob datastore (e.g. workspaceblobstore).',
    });
  }
  if (!p.accountName || !p.containerName) {
    throw new Error(`Datastore '${datastore.name}' has no accountName or containerName.`);
  }

  const accountUrl = ctx.emulator
    ? ctx.emulator.blobEndpoint.replace(/\/+$/, '')
    : `${p.protocol || 'https'}://${p.accountName}.blob.${p.endpoint || ctx.cloud.storageSuffix}`;
  const containerUrl = `${accountUrl}/${encodeURIComponent(p.containerName)}`;
  const credentialsType = p.credentials?.credentialsType ?? 'None';

  const secrets = async (): Promise<DatastoreSecrets> =>
    withAzureOperation(`reading the secrets of datastore '${datastore.name}'`, () =>
      ctx.arm.post<DatastoreSecrets>(armPath`datastores/${datastore.name}/listSecrets`, undefined, { abortSignal }),
    );

  const pipelineOptions: StoragePipelineOptions = {
    retryOptions: {
      maxTries: (ctx.retry?.maxRetries ?? 5) + 1,
      retryDelayInMs: ctx.retry?.retryDelayInMs ?? 1000,
      maxRetryDelayInMs: ctx.retry?.maxRetryDelayInMs ?? 60_000,
      // a block of several MiB needs longer than an ARM call
      tryTimeoutInMs: Math.max(ctx.retry?.tryTimeoutInMs ?? 0, 300_000),
    },
    userAgentOptions: ctx.userAgent ? { userAgentPrefix: ctx.userAgent } : undefined,
  };

  // Loaded here, not with the module: a step that uploads nothing does not parse the storage SDK.
  const { AnonymousCredential, ContainerClient, StorageSharedKeyCredential } = await import('@azure/storage-blob');
  let container: ContainerClient;
  switch (credentialsType) {
    case 'AccountKey': {
      const { key } = await secrets();
      if (!key) throw new Error(`Datastore '${datastore.name}' returned no account key.`);
      setSecret(key);
      container = new ContainerClient(containerUrl, new StorageSharedKeyCredential(p.accountName, key), pipelineOptions);
      break;
    }
    case 'Sas': {
      const { sasToken } = await secrets();
      if (!sasToken) throw new Error(`Datastore '${datastore.name}' returned no SAS token.`);
      const sas = sasToken.replace(/^\?/, '');
      setSecret(sas);
      const sig = new URLSearchParams(sas).get('sig');
      if (sig) setSecret(sig);
      container = new ContainerClient(`${containerUrl}?${sas}`, new AnonymousCredential(), pipelineOptions);
      break;
    }
    case 'ServicePrincipal': {
      const { clientSecret } = await secrets();
      const c = p.credentials ?? {};
      if (!clientSecret || !c.tenantId || !c.clientId) {
        throw new Error(`Datastore '${datastore.name}' has incomplete service principal credentials.`);
      }
      setSecret(clientSecret);
      const authorityHost = c.authorityUrl || ctx.cloud.authorityHost;
      const { ClientSecretCredential } = await import('@azure/identity');
      container = new ContainerClient(containerUrl, new ClientSecretCredential(c.tenantId, c.clientId, clientSecret, { authorityHost }), pipelineOptions);
      break;
    }
    case 'None':
      // identity-based access: the action's own identity needs 'Storage Blob Data Contributor'
      container = new ContainerClient(containerUrl, ctx.credential, pipelineOptions);
      break;
    default:
      throw new ConfigurationError(`Datastore '${datastore.name}' uses ${credentialsType} credentials, which this action cannot use for uploads.`, {
        hint: 'Use a datastore with account key, SAS, service principal or identity-based access.',
      });
  }

  return createBlobStoreOnContainer(container, {
    name: datastore.name,
    accountName: p.accountName,
    containerName: p.containerName,
    containerUrl,
    credentialsType,
  });
}

async function findDatastore(arm: ArmClient, name: string | undefined, abortSignal?: AbortSignalLike): Promise<DatastoreResource> {
  if (name) return arm.get<DatastoreResource>(armPath`datastores/${name}`, { abortSignal });
  for await (const ds of arm.list<DatastoreResource>('datastores', { query: { isDefault: true }, abortSignal })) {
    if (ds.properties?.isDefault !== false) return ds;
  }
  return arm.get<DatastoreResource>(armPath`datastores/${DEFAULT_DATASTORE_NAME}`, { abortSignal });
}

/** A BlobStore over an already-open container (also what tests use against Azurite). */
export function createBlobStoreOnContainer(container: ContainerClient, datastore: DatastoreInfo): BlobStore {
  async function uploadFile(localPath: string, blobName: string, options: UploadFileOptions = {}): Promise<UploadedFile> {
    const { size } = await stat(localPath);
    const maxSingleShot = options.maxSingleShotSizeInBytes ?? 8 * 1024 * 1024;
    await container.getBlockBlobClient(blobName).uploadFile(localPath, {
      blockSize: options.blockSizeInBytes ?? 8 * 1024 * 1024,
      concurrency: options.blockConcurrency ?? 4,
      maxSingleShotSize: maxSingleShot,
      blobHTTPHeaders: options.contentType ? { blobContentType: options.contentType } : undefined,
      metadata: options.metadata,
      abortSignal: options.abortSignal,
    });
    return { path: blobName, blobName, size };
  }

  return {
    datastore,
    container,
    datastoreUri: (path) => `azureml://datastores/${datastore.name}/paths/${path.replace(/^\/+/, '')}`,
    uploadFile,

    async uploadFolder(localDir, prefix, options = {}) {
      const root = resolve(localDir);
      const all = await listFiles(root);
      const files = options.filter ? all.filter((f) => options.filter!(f)) : all;
      const base = prefix.replace(/^\/+|\/+$/g, '');
      const limit = Math.min(Math.max(1, options.concurrency ?? 8), 32);
      let done = 0;
      const uploaded = await mapWithConcurrency(
        files,
        limit,
        async (rel) => {
          const blobName = base ? `${base}/${rel}` : rel;
          const result = await uploadFile(join(root, ...rel.split('/')), blobName, options);
          const file = { ...result, path: rel };
          done += 1;
          options.onFileUploaded?.(file, done, files.length);
          return file;
        },
        options.abortSignal,
      );
      return { files: uploaded, totalBytes: uploaded.reduce((n, f) => n + f.size, 0) };
    },

    async exists(prefix, options = {}) {
      const name = prefix.replace(/^\/+/, '');
      if (!name.endsWith('/') && name !== '' && (await container.getBlobClient(name).exists({ abortSignal: options.abortSignal }))) {
        return true;
      }
      const under = name === '' || name.endsWith('/') ? name : `${name}/`;
      const page = await container.listBlobsFlat({ prefix: under, abortSignal: options.abortSignal }).byPage({ maxPageSize: 1 }).next();
      return !page.done && page.value.segment.blobItems.length > 0;
    },

    async downloadToFolder(prefix, localDir, options = {}) {
      const root = resolve(localDir);
      const name = prefix.replace(/^\/+/, '');
      const targets: Array<{ blobName: string; rel: string }> = [];
      if (name !== '' && !name.endsWith('/') && (await container.getBlobClient(name).exists({ abortSignal: options.abortSignal }))) {
        targets.push({ blobName: name, rel: name.split('/').pop()! });
      } else {
        const under = name === '' || name.endsWith('/') ? name : `${name}/`;
        for await (const item of container.listBlobsFlat({ prefix: under, abortSignal: options.abortSignal })) {
          targets.push({ blobName: item.name, rel: item.name.slice(under.length) });
        }
      }
      const files = await mapWithConcurrency(
        targets,
        Math.max(1, options.concurrency ?? 8),
        async ({ blobName, rel }) => {
          const path = safeJoin(root, rel, blobName);
          await mkdir(dirname(path), { recursive: true });
          const response = await container.getBlobClient(blobName).downloadToFile(path, 0, undefined, {
            abortSignal: options.abortSignal,
          });
          return { blobName, path, size: response.contentLength ?? (await stat(path)).size };
        },
        options.abortSignal,
      );
      return { files, totalBytes: files.reduce((n, f) => n + f.size, 0) };
    },
  };
}

/** Every regular file under `root` (symlinks to files included), as sorted `/` relative paths. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) out.push(relative(root, full).split(sep).join('/'));
      else if (entry.isSymbolicLink()) {
        const target = await stat(full).catch(() => undefined);
        if (target?.isFile()) out.push(relative(root, full).split(sep).join('/'));
      }
    }
  }
  const rootStat = await stat(root).catch(() => undefined);
  if (!rootStat?.isDirectory()) throw new ConfigurationError(`'${root}' is not a folder.`);
  await walk(root);
  return out.sort();
}

/** sha256 of a file's content (hex). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function safeJoin(root: string, rel: string, blobName: string): string {
  const path = resolve(root, ...rel.split('/').filter((s) => s !== ''));
  if (path !== root && !path.startsWith(root + sep)) {
    throw new Error(`Blob '${blobName}' would be written outside ${root}; refusing to download it.`);
  }
  return path;
}
