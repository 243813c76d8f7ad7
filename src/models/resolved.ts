/**
 * What a model source resolves to, wherever its files are (src/models/source.ts resolves the
 * Azure and local forms, src/models/cloud-source.ts the s3:// and gs:// ones).
 */
import type { ArmClient } from '../azure/arm.js';
import type { BlobStore } from '../azure/blob.js';
import type { AbortSignalLike } from '../azure/retry.js';
import type { SnapshotUploader } from '../azure/workspace-api.js';
import type { CloudUri } from '../clouds/uri.js';
import type { BlobTarget, UploadSettings } from './upload.js';

export type ModelSourceSpec =
  | {
      kind: 'job-output';
      job: string;
      output: string;
      sub?: string;
      /** False when `output` took its default (then a job output named `model` is accepted too). */
      outputGiven: boolean;
      display: string;
      input: string;
    }
  | { kind: 'datastore'; datastore: string; path: string; display: string; input: string }
  | { kind: 'run'; runId: string; path: string; display: string; input: string }
  | { kind: 'local'; path: string; display: string; input: string }
  /** `s3://bucket/key` or `gs://bucket/object` (a file or a folder). */
  | { kind: 'cloud'; uri: CloudUri; display: string; input: string };

export interface ModelFile {
  path: string;
  size: number;
}

export interface HashedFile extends ModelFile {
  sha256: string;
}

/** A model's files, wherever they are. */
export interface ResolvedModel {
  spec: ModelSourceSpec;
  /** e.g. `azureml://jobs/x/outputs/model` or `models/iris`. */
  display: string;
  /** The version's `modelUri` (`azureml://datastores/<ds>/paths/<p>`). */
  modelUri: string;
  /** The job that produced the files (job outputs and runs). */
  jobName?: string;
  isFile: boolean;
  files: ModelFile[];
  bytes: number;
  /** `sha256:<hex>` (local) or `blobs:<hex>` (storage). */
  contentHash: string;
  /** Reads one file (relative path). */
  read(path: string): Promise<Buffer>;
  /** Every file with its sha256 (computed once; streamed for files in storage). */
  hashedFiles(): Promise<HashedFile[]>;
  /** Puts the files at `modelUri` (local: upload under the content hash unless already there). */
  materialize(): Promise<{ uploaded: boolean; files: number; bytes: number }>;
  /** Copies the files under `prefix` of another place (registry promotion). */
  copyTo(target: BlobTarget, prefix: string): Promise<{ files: number; bytes: number }>;
  /** Lineage tags of the source itself (another cloud's object versions and ETags). */
  lineage?: Record<string, string>;
}

export interface SourceDeps {
  arm: ArmClient;
  /** The blob store of a datastore (the workspace default when no name is given); cached by the caller. */
  blobStore(datastore?: string): Promise<BlobStore>;
  uploader: SnapshotUploader;
  uploadSettings?: Partial<UploadSettings>;
  workspaceName: string;
  info(message: string): void;
  abortSignal?: AbortSignalLike;
  /** The environment (other clouds' credential chains and endpoints) and the log's masking. */
  cloud?: { env: Record<string, string | undefined>; setSecret(secret: string): void };
}
