/**
 * The workspace views job submission needs (src/jobs/api.ts), implemented over the ARM client
 * and the datastore's blob container — and a recorder with the same shape for dry runs, which
 * sends nothing and lists what would have been sent.
 */
import type { ArmClient } from './arm.js';
import { withAzureOperation } from './errors.js';
import type { BlobStore } from './blob.js';
import type { ArmObject, DatastoreInfo, RecordedRequest, SnapshotUploader, UploadResult, WorkspaceApi } from '../jobs/api.js';
import type { AssetKind } from '../specs/references.js';
import type { Snapshot } from '../specs/snapshot.js';

const enc = encodeURIComponent;

/** `environments` → `environment`. */
function singular(kind: AssetKind): string {
  return kind.replace(/s$/, '');
}

function assetPath(kind: AssetKind, name: string, version?: string): string {
  return `${kind}/${enc(name)}${version !== undefined ? `/versions/${enc(version)}` : ''}`;
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
    getAssetVersion: (kind, name, version) => withAzureOperation(`reading ${singular(kind)} ${name}:${version}`, () => arm.tryGet<ArmObject>(assetPath(kind, name, version))),
    putAssetVersion: (kind, name, version, body) => withAzureOperation(`creating ${singular(kind)} ${name}:${version}`, () => arm.put<ArmObject>(assetPath(kind, name, version), body)),
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

/** Name of the marker written after every file of a snapshot is uploaded. */
function markerName(prefix: string): string {
  const parent = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : prefix;
  return `${parent}/.azureml-actions-snapshot.json`;
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
    async upload(prefix: string, snap: Snapshot, onProgress?: (done: number, total: number) => void): Promise<UploadResult> {
      const s = await get();
      let bytes = 0;
      if (snap.isFile) {
        const f = await s.uploadFile(snap.root, `${prefix}`);
        bytes = f.size;
      } else {
        const wanted = new Set(snap.files.map((f) => f.path));
        const r = await s.uploadFolder(snap.root, prefix, {
          concurrency: options.concurrency,
          filter: (rel) => wanted.has(rel),
          onFileUploaded: (_f, done, total) => onProgress?.(done, total),
        });
        bytes = r.totalBytes;
      }
      const marker = JSON.stringify({ hash: snap.hash, files: snap.files.length, bytes: snap.bytes, name: snap.name });
      await s.container.getBlockBlobClient(markerName(prefix)).upload(marker, Buffer.byteLength(marker), { blobHTTPHeaders: { blobContentType: 'application/json' } });
      return { files: snap.files.length, bytes, skipped: 0 };
    },
  };
}

/**
 * A dry run: the same workspace and uploader interfaces, recording every request instead of
 * sending it. Reads answer "not there" so that the whole submission is listed; labels resolve to
 * the literal label (the real run resolves them).
 */
export function createDryRun(arm: Pick<ArmClient, 'url' | 'workspaceId'>, datastoreName = 'workspaceblobstore'): { api: WorkspaceApi; uploader: SnapshotUploader; requests: RecordedRequest[] } {
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
