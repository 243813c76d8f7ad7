/**
 * The `manifest` input of deploy: the package manifest register-model wrote. Before anything
 * changes, every file of the model about to be deployed is hashed (sha256) and compared with it:
 * a local model folder of the deployment file as it will be uploaded, or a registered model
 * version's files in its datastore.
 */
import { relative } from 'node:path';
import { createBlobStore } from '../../azure/blob.js';
import type { AzureContext } from '../../azure/context.js';
import { ConfigurationError, errorMessage } from '../../core/errors.js';
import { listModelBlobs, sha256Blobs } from '../../models/blobs.js';
import { parseManifest, verifyManifest, type ManifestVerification } from '../../models/manifest.js';
import { parseDatastoreUri } from '../../models/source.js';
import type { DeploymentPlan } from '../../specs/deployment.js';

const INPUT = 'manifest';

function refuse(message: string, hint?: string): never {
  throw new ConfigurationError(`Input '${INPUT}': ${message}`, { input: INPUT, ...(hint ? { hint } : {}) });
}

/** Verifies the files of the planned deployment's model against the manifest; returns the log line. */
export async function verifyDeploymentManifest(ctx: AzureContext, value: unknown, plan: DeploymentPlan, abortSignal?: AbortSignal): Promise<string> {
  let manifest;
  try {
    manifest = parseManifest(value);
  } catch (err) {
    refuse(errorMessage(err));
  }
  let verification: ManifestVerification;
  let what: string;
  const local = plan.assets.find((a) => a.kind === 'models' && a.id === plan.modelId && a.upload);
  if (local?.upload) {
    // An inline model of the deployment file: the files as they will be uploaded.
    const rel = relative(process.cwd(), local.upload.snapshot.root);
    what = `${rel && !rel.startsWith('..') ? rel : local.upload.snapshot.root} (as it will be uploaded)`;
    verification = verifyManifest(manifest, local.upload.snapshot.files);
  } else {
    if (!plan.modelId.startsWith('/subscriptions/'))
      refuse(
        `the model ${plan.modelId} is not in the workspace, so its files cannot be checked against the manifest`,
        'deploy a workspace model version, or leave manifest out',
      );
    const version = await ctx.arm.tryGet<{ properties?: { modelUri?: string } }>(plan.modelId);
    const uri = version?.properties?.modelUri;
    if (!uri) refuse(`model version ${plan.modelId} was not found or has no modelUri`);
    const loc = parseDatastoreUri(uri);
    if (!loc) refuse(`the files of model version ${plan.modelId} are at ${uri}, not in a datastore, so they cannot be checked against the manifest`);
    const store = await createBlobStore(ctx, { datastoreName: loc.datastore, abortSignal });
    const listing = await listModelBlobs(store.container, loc.path, abortSignal);
    const hashes = await sha256Blobs(store.container, listing.files, { abortSignal });
    what = uri;
    verification = verifyManifest(
      manifest,
      listing.files.map((f, i) => ({ path: f.path, size: f.size, sha256: hashes[i] })),
    );
  }
  if (!verification.ok) {
    const first = verification.mismatched[0];
    const detail = first ? ` (${first.path}: sha256 ${first.actual.sha256 ?? '?'} where the manifest has ${first.expected.sha256})` : '';
    refuse(
      `the model to deploy, ${what}, is not the packaged one: ${verification.summary}${detail}. Nothing was changed.`,
      'deploy the model version the manifest was made for, or package it again with register-model',
    );
  }
  return `Manifest of ${manifest.model.name}: ${verification.summary} (${what})`;
}
