/**
 * Submitting a planned job: register what it needs (code uploaded under its content hash and
 * reused when the hash exists, anonymous environments and components), then create the job —
 * or reattach to the job that a first try of the same run attempt already created, or that a
 * job file with a fixed name created with the same content in an earlier run.
 */
import { ConfigurationError } from '../core/errors.js';
import type { ActionLog } from '../core/io.js';
import type { JobPlan, PlannedAsset } from '../specs/job/index.js';
import type { ArmObject, SnapshotUploader, WorkspaceApi } from '../azure/workspace-api.js';
import { AZURE_IMMUTABLE_JOB, jobContentDifference } from './same-job.js';

/** The lines a submission prints: a slice of the one seam, {@link ActionLog}. */
export type SubmitLog = Pick<ActionLog, 'info' | 'debug'>;

export interface SubmitResult {
  job: ArmObject;
  name: string;
  /** True when the job already existed (for this run attempt, or with this content) and was not submitted again. */
  reattached: boolean;
  /** Set when the job was created by another workflow run (a fixed `name:`): who created it. */
  createdBy?: string;
  uploadedFiles: number;
  uploadedBytes: number;
  reusedUploads: number;
}

/** Tags that tie a job to the workflow run attempt that submitted it. */
export const RUN_TAGS = { runId: 'github.run_id', runAttempt: 'github.run_attempt', repository: 'github.repository' } as const;

function tagsOf(job: ArmObject): Record<string, string> {
  return (job.properties?.tags as Record<string, string> | undefined) ?? {};
}

function sameRun(job: ArmObject, tags: Record<string, string>): boolean {
  const t = tagsOf(job);
  return (
    t[RUN_TAGS.runId] === tags[RUN_TAGS.runId] && t[RUN_TAGS.runAttempt] === tags[RUN_TAGS.runAttempt] && t[RUN_TAGS.repository] === tags[RUN_TAGS.repository]
  );
}

export async function ensureAsset(
  api: WorkspaceApi,
  uploader: SnapshotUploader,
  asset: PlannedAsset,
  log: SubmitLog,
  stats: { files: number; bytes: number; reused: number },
): Promise<void> {
  const existing = await api.getAssetVersion(asset.kind, asset.name, asset.version);
  if (existing) {
    if (asset.upload) stats.reused++;
    log.debug(`${asset.kind} ${asset.name}:${asset.version} exists: reused`);
    return;
  }
  const body = structuredClone(asset.body);
  if (asset.upload && asset.kind === 'codes' && api.startCodeUpload && uploader.uploadWithSas) {
    // Preferred: a SAS the service issues for this code version — no account key on the runner and
    // no storage role needed (CodeVersions_CreateOrGetStartPendingUpload, api-version 2024-10-01).
    // Content-hash reuse stays: the version's name is the content hash, found above when it exists.
    const pending = await api.startCodeUpload(asset.name, asset.version);
    if (pending.upload) {
      const snap = asset.upload.snapshot;
      log.info(
        `Uploading ${asset.upload.purpose}: ${snap.files.length} files, ${formatBytes(snap.bytes)} (content hash ${snap.hash.slice(0, 12)}) to a service-issued upload location`,
      );
      const r = await uploader.uploadWithSas(pending.upload.sasUri, snap);
      stats.files += r.files - r.skipped;
      stats.bytes += r.bytes;
      body.properties.codeUri = `${pending.upload.blobUri.replace(/\/+$/, '')}/${snap.name.split('/').map(encodeURIComponent).join('/')}`;
      await putOrReuse(api, asset, body, log, stats);
      return;
    }
    log.info(`The workspace did not issue an upload location for the code (${pending.refused}); uploading with the datastore's credentials instead`);
  }
  if (asset.upload) {
    const ds = await uploader.datastore();
    const snap = asset.upload.snapshot;
    if (!(await uploader.hasSnapshot(asset.upload.datastorePath, snap))) {
      log.info(`Uploading ${asset.upload.purpose}: ${snap.files.length} files, ${formatBytes(snap.bytes)} (content hash ${snap.hash.slice(0, 12)})`);
      const r = await uploader.upload(asset.upload.datastorePath, snap);
      stats.files += r.files - r.skipped;
      stats.bytes += r.bytes;
    } else {
      stats.reused++;
    }
    // Code versions point at the blob URL; models keep their azureml://datastores/ URI.
    if (asset.kind === 'codes') body.properties.codeUri = ds.blobUrl(asset.upload.datastorePath);
  }
  await putOrReuse(api, asset, body, log, stats);
}

/**
 * Registers the asset version. Versions named by their content hash can be registered by a
 * concurrent step between our read and our PUT — with another upload location, since each
 * startPendingUpload issues its own — and Azure ML versions are immutable, so that PUT is refused
 * with 409 Conflict: the version that won holds the same content, so it is reused.
 */
async function putOrReuse(api: WorkspaceApi, asset: PlannedAsset, body: PlannedAsset['body'], log: SubmitLog, stats: { reused: number }): Promise<void> {
  try {
    await api.putAssetVersion(asset.kind, asset.name, asset.version, body);
    log.debug(`registered ${asset.kind} ${asset.name}:${asset.version}`);
  } catch (err) {
    if (!asset.upload || !isConflict(err) || !(await api.getAssetVersion(asset.kind, asset.name, asset.version))) throw err;
    stats.reused++;
    log.debug(`${asset.kind} ${asset.name}:${asset.version} was registered meanwhile by another step: reused`);
  }
}

function isConflict(err: unknown): boolean {
  for (let e: unknown = err; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) {
    if ((e as { statusCode?: number }).statusCode === 409) return true;
  }
  return false;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/**
 * Uploads what a planned job needs (local inputs and build contexts, reused when their content
 * hash is there) and registers its code, environment and component versions — everything but the
 * job itself (submit-job's schedules put the job body into the schedule instead).
 */
export async function prepareJob(
  api: WorkspaceApi,
  uploader: SnapshotUploader,
  plan: Pick<JobPlan, 'uploads' | 'assets'>,
  log: SubmitLog,
): Promise<{ files: number; bytes: number; reused: number }> {
  const stats = { files: 0, bytes: 0, reused: 0 };
  // Local uploads that are not code (inputs, build contexts) go first; then the assets.
  const assetUploads = new Set(plan.assets.map((a) => a.upload).filter(Boolean));
  for (const up of plan.uploads) {
    if (assetUploads.has(up)) continue;
    if (await uploader.hasSnapshot(up.datastorePath, up.snapshot)) {
      stats.reused++;
      log.info(`${up.purpose}: unchanged since an earlier upload (content hash ${up.snapshot.hash.slice(0, 12)}), reused`);
      continue;
    }
    log.info(`Uploading ${up.purpose}: ${up.snapshot.files.length} files, ${formatBytes(up.snapshot.bytes)}`);
    const r = await uploader.upload(up.datastorePath, up.snapshot);
    stats.files += r.files - r.skipped;
    stats.bytes += r.bytes;
  }
  // Code and environments before the components and the job that point at them.
  const order = { codes: 0, environments: 1, models: 1, components: 2 } as const;
  for (const asset of [...plan.assets].sort((a, b) => order[a.kind] - order[b.kind])) {
    await ensureAsset(api, uploader, asset, log, stats);
  }
  return stats;
}

export async function submitPlannedJob(
  api: WorkspaceApi,
  uploader: SnapshotUploader,
  plan: JobPlan,
  name: string,
  tags: Record<string, string>,
  log: SubmitLog,
): Promise<SubmitResult> {
  const existing = await api.getJob(name);
  if (existing) {
    if (sameRun(existing, tags)) {
      log.info(`Job ${name} was already submitted by this run attempt: reattaching instead of submitting again`);
      return { job: existing, name, reattached: true, uploadedFiles: 0, uploadedBytes: 0, reusedUploads: 0 };
    }
    const t = tagsOf(existing);
    const by = t[RUN_TAGS.runId] ? `run ${t[RUN_TAGS.runId]} attempt ${t[RUN_TAGS.runAttempt]}` : 'outside this workflow';
    // The same content again (a re-run of a job file with a fixed name): follow that job, as
    // Azure would not create a second one; other content: refused as Azure refuses it (same-job.ts).
    const changed = jobContentDifference(existing, plan.body);
    if (changed === undefined) {
      log.info(`Job ${name} already exists with this content (submitted by ${by}): reattaching to it instead of submitting again`);
      return { job: existing, name, reattached: true, createdBy: by, uploadedFiles: 0, uploadedBytes: 0, reusedUploads: 0 };
    }
    throw new ConfigurationError(
      `a job named '${name}' already exists (submitted by ${by}) with another ${changed}: Azure ML refuses it, as ${AZURE_IMMUTABLE_JOB}`,
      {
        input: 'name',
        hint: 'job names are unique in a workspace: give the job file another name:, or leave the name input and the YAML name unset to get a name per run attempt',
      },
    );
  }
  const stats = await prepareJob(api, uploader, plan, log);
  const body = structuredClone(plan.body);
  body.properties.tags = { ...(body.properties.tags ?? {}), ...tags };
  let job: ArmObject;
  try {
    job = await api.createJob(name, body);
  } catch (err) {
    // Two tries of the same attempt racing: the other one won; use its job.
    if ((err as { statusCode?: number }).statusCode === 409) {
      const again = await api.getJob(name);
      if (again && sameRun(again, tags)) {
        return { job: again, name, reattached: true, uploadedFiles: stats.files, uploadedBytes: stats.bytes, reusedUploads: stats.reused };
      }
    }
    throw err;
  }
  return { job, name, reattached: false, uploadedFiles: stats.files, uploadedBytes: stats.bytes, reusedUploads: stats.reused };
}
