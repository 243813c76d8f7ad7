/**
 * The workspace views of src/azure/workspace-api.ts, implemented over the ARM client and the
 * datastore's blob container — and a recorder with the same shape for dry runs, which sends
 * nothing and lists what would have been sent.
 */
import * as core from '@actions/core';
import type { ArmClient } from './arm.js';
import { withAzureOperation } from './errors.js';
import { createBlobStoreOnContainer, type BlobStore } from './blob.js';
import type { ArmObject, AssetKind, DatastoreInfo, PendingUpload, RecordedRequest, SnapshotUploader, UploadResult, WorkspaceApi } from './workspace-api.js';
import type { Snapshot } from '../core/hash.js';

const enc = encodeURIComponent;

/** `environments` → `environment`. */
function singular(kind: AssetKind): string {
  return kind.replace(/s$/, '');
}

function assetPath(kind: AssetKind, name: string, version?: string): string {
  return `${kind}/${enc(name)}${version !== undefined ? `/versions/${enc(version)}` : ''}`;
}

interface PendingUploadResponse {
  blobReferenceForConsumption?: { blobUri?: string; storageAccountArmId?: string; credential?: { credentialType?: string; sasUri?: string } };
  pendingUploadId?: string;
  pendingUploadType?: string;
}

/** Masks a SAS in the log: the whole query and its signature. */
function setSecretOf(sasUri: string): void {
  const q = sasUri.split('?')[1];
  if (!q) return;
  core.setSecret(q);
  const sig = new URLSearchParams(q).get('sig');
  if (sig) core.setSecret(sig);
}

/** Workspace jobs and assets over ARM (api-version 2024-10-01). */
export function createWorkspaceApi(arm: ArmClient): WorkspaceApi {
  return {
    workspaceId: arm.workspaceId,
    getJob: (name) => withAzureOperation(`reading job '${name}'`, () => arm.tryGet<ArmObject>(`jobs/${enc(name)}`)),
    createJob: (name, body) => withAzureOperation(`creating job '${name}'`, () => arm.put<ArmObject>(`jobs/${enc(name)}`, body)),
    async cancelJob(name) {
      await withAzureOperation(`cancelling job '${name}'`, async () => {
        try {
          const poller = await arm.beginPost(`jobs/${enc(name)}/cancel`);
          await poller.pollUntilDone();
        } catch (err) {
          // The job ended between our read and the cancel: Azure answers 400 "… is in terminal
          // status, it can't be canceled." (recording jobs/pipeline-job-serverless-cancel-400.json). Nothing to cancel.
          const e = err as { statusCode?: number; message?: string };
          if (e.statusCode === 400 && /terminal status/i.test(String(e.message ?? ''))) return;
          throw err;
        }
      });
    },
    getAssetVersion: (kind, name, version) =>
      withAzureOperation(`reading ${singular(kind)} ${name}:${version}`, () => arm.tryGet<ArmObject>(assetPath(kind, name, version))),
    putAssetVersion: (kind, name, version, body) =>
      withAzureOperation(`creating ${singular(kind)} ${name}:${version}`, () => arm.put<ArmObject>(assetPath(kind, name, version), body)),
    async startCodeUpload(name, version) {
      // POST codes/{name}/versions/{version}/startPendingUpload (CodeVersions_CreateOrGetStartPendingUpload,
      // api-version 2024-10-01; response PendingUploadResponseDto as in the swagger example
      // createOrGetStartPendingUpload.json: blobReferenceForConsumption.{blobUri, credential.sasUri}).
      try {
        const res = await arm.post<PendingUploadResponse>(
          `${assetPath('codes', name, version)}/startPendingUpload`,
          { pendingUploadType: 'TemporaryBlobReference' },
          { apiVersion: '2024-10-01' },
        );
        const ref = res?.blobReferenceForConsumption;
        const sasUri = ref?.credential?.sasUri;
        if (!ref?.blobUri || !sasUri) return { refused: 'the answer had no blobUri and SAS URI' };
        setSecretOf(sasUri);
        return { upload: { blobUri: ref.blobUri.split('?')[0], sasUri } satisfies PendingUpload };
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        // Refused (no permission, unknown operation or api-version, a policy): fall back to the datastore.
        if (status === 400 || status === 403 || status === 404 || status === 405 || status === 409 || status === 501) {
          const code = (err as { code?: string }).code;
          return { refused: `HTTP ${status}${code ? ` ${code}` : ''}` };
        }
        throw err;
      }
    },
    async resolveLabel(kind, name, label) {
      if (label !== 'latest') throw new Error(`only the label 'latest' can be resolved for workspace ${kind} (got '${label}')`);
      const found = await withAzureOperation(`resolving azureml:${name}@${label}`, async () => {
        const container = await arm.tryGet<ArmObject>(assetPath(kind, name));
        const latest = container?.properties?.latestVersion;
        if (typeof latest === 'string' && latest) return latest;
        // Containers without latestVersion: take the newest version by creation time.
        for await (const v of arm.list<ArmObject>(`${assetPath(kind, name)}/versions`, { query: { $orderBy: 'createdtime desc', $top: 1 } })) {
          if (v.name) return v.name;
        }
        return undefined;
      });
      if (found) return found;
      throw new Error(`no ${singular(kind)} named '${name}' exists in the workspace`);
    },
  };
}

function joinBlob(...parts: string[]): string {
  return parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/');
}

/** Name of the marker written after every file of a snapshot is uploaded. */
function markerName(prefix: string): string {
  const parent = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : prefix;
  return `${parent}/.azureml-actions-snapshot.json`;
}

/** Uploads the snapshot's files (or its one file) under `prefix`; returns the bytes sent. */
async function uploadSnapshotFiles(
  store: BlobStore,
  prefix: string,
  snap: Snapshot,
  concurrency: number | undefined,
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  if (snap.isFile) return (await store.uploadFile(snap.root, prefix)).size;
  const wanted = new Set(snap.files.map((f) => f.path));
  const r = await store.uploadFolder(snap.root, prefix, {
    concurrency,
    filter: (rel) => wanted.has(rel),
    onFileUploaded: (_f, done, total) => onProgress?.(done, total),
  });
  return r.totalBytes;
}

/**
 * Uploads snapshots into the datastore container. A snapshot counts as present when its marker
 * exists and names the same content hash: a half-finished upload (killed runner) is redone.
 */
export function createSnapshotUploader(store: () => Promise<BlobStore>, options: { concurrency?: number } = {}): SnapshotUploader {
  let cached: Promise<BlobStore> | undefined;
  const get = () => (cached ??= store());
  return {
    async datastore(): Promise<DatastoreInfo> {
      const s = await get();
      return {
        name: s.datastore.name,
        accountName: s.datastore.accountName,
        containerName: s.datastore.containerName,
        blobUrl: (path) => `${s.datastore.containerUrl.replace(/\/$/, '')}/${path.split('/').map(enc).join('/')}`,
      };
    },
    async hasSnapshot(prefix: string, snap: Snapshot): Promise<boolean> {
      const s = await get();
      const blob = s.container.getBlockBlobClient(markerName(prefix));
      try {
        const buf = await blob.downloadToBuffer();
        const marker = JSON.parse(buf.toString('utf8')) as { hash?: string };
        return marker.hash === snap.hash;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return false;
        throw err;
      }
    },
    async uploadWithSas(sasUri: string, snap: Snapshot, onProgress?: (done: number, total: number) => void): Promise<UploadResult> {
      // `https://<account>/<container>/<path>?<sas>`: the container with the SAS, files under <path>/<name>.
      const u = new URL(sasUri);
      const [container, ...rest] = u.pathname.replace(/^\/+/, '').split('/');
      const base = joinBlob(...rest.map(decodeURIComponent), snap.name);
      const { AnonymousCredential, ContainerClient } = await import('@azure/storage-blob');
      const client = new ContainerClient(`${u.origin}/${container}${u.search}`, new AnonymousCredential(), {
        retryOptions: { maxTries: 6, retryDelayInMs: 1000, maxRetryDelayInMs: 60_000, tryTimeoutInMs: 300_000 },
      });
      const store = createBlobStoreOnContainer(client, {
        name: 'pending-upload',
        accountName: u.hostname.split('.')[0] ?? '',
        containerName: container ?? '',
        containerUrl: `${u.origin}/${container}`,
        credentialsType: 'Sas',
      });
      const bytes = await uploadSnapshotFiles(store, base, snap, options.concurrency, onProgress);
      return { files: snap.files.length, bytes, skipped: 0 };
    },
    async upload(prefix: string, snap: Snapshot, onProgress?: (done: number, total: number) => void): Promise<UploadResult> {
      const s = await get();
      const bytes = await uploadSnapshotFiles(s, prefix, snap, options.concurrency, onProgress);
      const marker = JSON.stringify({ hash: snap.hash, files: snap.files.length, bytes: snap.bytes, name: snap.name });
      await s.container
        .getBlockBlobClient(markerName(prefix))
        .upload(marker, Buffer.byteLength(marker), { blobHTTPHeaders: { blobContentType: 'application/json' } });
      return { files: snap.files.length, bytes, skipped: 0 };
    },
  };
}

/**
 * A dry run: the same workspace and uploader interfaces, recording every request instead of
 * sending it. Reads answer "not there" so that the whole submission is listed; labels resolve to
 * the literal label (the real run resolves them).
 */
export function createDryRun(
  arm: Pick<ArmClient, 'url' | 'workspaceId'>,
  datastoreName = 'workspaceblobstore',
): { api: WorkspaceApi; uploader: SnapshotUploader; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const record = (method: string, path: string, body: unknown = null) => requests.push({ method, url: arm.url(path), body });
  const api: WorkspaceApi = {
    workspaceId: arm.workspaceId,
    async getJob(name) {
      record('GET', `jobs/${enc(name)}`);
      return undefined;
    },
    async createJob(name, body) {
      record('PUT', `jobs/${enc(name)}`, body);
      return { name, id: `${arm.workspaceId}/jobs/${name}`, properties: { ...body.properties, status: 'NotStarted' } };
    },
    async cancelJob(name) {
      record('POST', `jobs/${enc(name)}/cancel`);
    },
    async getAssetVersion(kind, name, version) {
      record('GET', assetPath(kind, name, version));
      return undefined;
    },
    async putAssetVersion(kind, name, version, body) {
      record('PUT', assetPath(kind, name, version), body);
      return { name: version, properties: body.properties };
    },
    async resolveLabel(kind, name, label) {
      record('GET', assetPath(kind, name));
      return label;
    },
  };
  const uploader: SnapshotUploader = {
    async datastore() {
      return { name: datastoreName, accountName: '', containerName: '', blobUrl: (path) => `azureml://datastores/${datastoreName}/paths/${path}` };
    },
    async hasSnapshot() {
      return false;
    },
    async upload(prefix, snap) {
      requests.push({ upload: `azureml://datastores/${datastoreName}/paths/${prefix}`, bytes: snap.bytes, sha256: snap.hash, files: snap.files.length });
      return { files: snap.files.length, bytes: snap.bytes, skipped: 0 };
    },
  };
  return { api, uploader, requests };
}
