/**
 * The narrow views of the workspace that job submission and model registration need (checkout's
 * small interfaces): implemented over ARM in src/azure/workspace.ts, and by a recorder for dry runs.
 */
import type { Snapshot } from '../core/hash.js';

/** The versioned asset collections of a workspace (ARM path segment). */
export type AssetKind = 'codes' | 'environments' | 'data' | 'models' | 'components';

export type ArmObject = Record<string, unknown> & { id?: string; name?: string; properties?: Record<string, unknown> };

export interface JobsApi {
  getJob(name: string): Promise<ArmObject | undefined>;
  /** PUT; resolves with the created job. A 409 because it already exists surfaces as an error with `statusCode`. */
  createJob(name: string, body: { properties: Record<string, unknown> }): Promise<ArmObject>;
  /** POST cancel and wait for the operation to be accepted. */
  cancelJob(name: string): Promise<void>;
}

export interface AssetsApi {
  getAssetVersion(kind: AssetKind, name: string, version: string): Promise<ArmObject | undefined>;
  putAssetVersion(kind: AssetKind, name: string, version: string, body: { properties: Record<string, unknown> }): Promise<ArmObject>;
  /** The version a label points at (`latest`: the container's latestVersion). */
  resolveLabel(kind: AssetKind, name: string, label: string): Promise<string>;
}

export interface DatastoreInfo {
  name: string;
  accountName: string;
  containerName: string;
  /** https URL of a path inside the container (Azurite's in emulator mode). */
  blobUrl(path: string): string;
}

export interface UploadResult {
  files: number;
  bytes: number;
  /** Files that were already there with the same content and were skipped. */
  skipped: number;
}

/** Uploads snapshots into a datastore container. */
export interface SnapshotUploader {
  datastore(): Promise<DatastoreInfo>;
  /** True when `<prefix>/` already holds the snapshot (its marker blob exists). */
  hasSnapshot(prefix: string, snap: Snapshot): Promise<boolean>;
  upload(prefix: string, snap: Snapshot, onProgress?: (done: number, total: number) => void): Promise<UploadResult>;
  /** Uploads a snapshot under `<sasUri's path>/<snapshot name>` with that SAS (no datastore credentials). */
  uploadWithSas?(sasUri: string, snap: Snapshot, onProgress?: (done: number, total: number) => void): Promise<UploadResult>;
}

/** A service-issued upload location for a code version (`startPendingUpload`). */
export interface PendingUpload {
  /** The blob folder the files go under (no credentials): becomes the code version's `codeUri`. */
  blobUri: string;
  /** The same location with a SAS that allows writing (a secret). */
  sasUri: string;
}

export interface WorkspaceApi extends JobsApi, AssetsApi {
  readonly workspaceId: string;
  /**
   * Asks the workspace for an upload location of a code version with a service-issued SAS
   * (CodeVersions_CreateOrGetStartPendingUpload). Undefined when the service refuses it (older
   * api-versions, policies): the caller falls back to the datastore's credentials.
   */
  startCodeUpload?(name: string, version: string): Promise<{ upload?: PendingUpload; refused?: string }>;
}

/** One request that a dry run would have sent. */
export type RecordedRequest = { method: string; url: string; body: unknown } | { upload: string; bytes: number; sha256: string; files: number };
