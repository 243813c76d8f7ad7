/**
 * `promote-to-registry`: copies a registered workspace version into an Azure ML registry with the
 * registry model-version API of 2024-10-01 and its pending-upload flow:
 *
 *   1. find the registry (its resource group, unless given: listed in the subscription);
 *   2. a registry version with the same content hash (and type)? → done, nothing copied;
 *   3. `POST …/registries/{r}/models/{m}/versions/{v}/startPendingUpload` → a SAS URI into the
 *      registry's storage; the files are copied there (from disk for local models, streamed from
 *      the datastore otherwise);
 *   4. `PUT …/versions/{v}` (a long-running operation) with `modelUri` = the upload's blob URI
 *      and the same tags and properties (aliases stay in the workspace). The version number is
 *      the workspace's when free, else the registry's next one (a 409 moves on, as in the
 *      workspace).
 */
import * as core from '@actions/core';
import { armPath, type ArmClient } from '../azure/arm.js';
import { withAzureOperation } from '../azure/errors.js';
import type { AbortSignalLike } from '../azure/retry.js';
import { ConfigurationError } from '../core/errors.js';
import { MODEL_ALIAS_TAG_PREFIX } from '../metrics/baseline.js';
import type { ResolvedModel } from './source.js';
import { commitVersion, findByContent, PROMOTED_FROM_PROPERTY, propsOf, registryModelStore, tagsOf, type ModelStore, type ModelVersion } from './versions.js';
import { sasTarget } from './upload.js';

export interface PromoteDeps {
  arm: ArmClient;
  subscriptionId: string;
  info(message: string): void;
  setSecret?(secret: string): void;
  abortSignal?: AbortSignalLike;
}

export interface PromoteInput {
  registry: string;
  /** Resource group of the registry; found by listing the subscription when absent. */
  resourceGroup?: string;
  name: string;
  /** The workspace version being promoted. */
  version: ModelVersion;
  source: ResolvedModel;
  contentHash: string;
  modelType: string;
  /** The registry, when already looked up (register-model does it before registering anything). */
  found?: RegistryResource;
}

export interface PromoteResult {
  registry: string;
  registryId: string;
  version: ModelVersion;
  created: boolean;
  /** `azureml://registries/<r>/models/<name>/versions/<v>`. */
  uri: string;
  copied?: { files: number; bytes: number };
}

export type RegistryResource = { id: string; name: string; location?: string };

/** The registry's ARM id (a ConfigurationError when there is no such registry). */
export async function findRegistry(deps: PromoteDeps, name: string, resourceGroup?: string): Promise<RegistryResource> {
  const ns = 'Microsoft.MachineLearningServices';
  if (resourceGroup) {
    const r = await withAzureOperation(`reading registry '${name}'`, () =>
      deps.arm.tryGet<RegistryResource>(armPath`/subscriptions/${deps.subscriptionId}/resourceGroups/${resourceGroup}/providers/${ns}/registries/${name}`),
    );
    if (!r)
      throw new ConfigurationError(`Input 'promote-to-registry': registry '${name}' does not exist in resource group '${resourceGroup}'.`, {
        input: 'promote-to-registry',
      });
    return r;
  }
  const seen: string[] = [];
  const found = await withAzureOperation('listing the registries of the subscription', async () => {
    for await (const r of deps.arm.list<RegistryResource>(armPath`/subscriptions/${deps.subscriptionId}/providers/${ns}/registries`)) {
      seen.push(r.name);
      if (r.name.toLowerCase() === name.toLowerCase()) return r;
    }
    return undefined;
  });
  if (!found) {
    throw new ConfigurationError(
      `Input 'promote-to-registry': no registry named '${name}' in subscription ${deps.subscriptionId}${seen.length ? ` (registries: ${seen.join(', ')})` : ''}.`,
      {
        input: 'promote-to-registry',
        hint: 'Give the name of an Azure ML registry this identity can write to (and registry-resource-group when it is in another resource group you cannot list).',
      },
    );
  }
  return found;
}

interface PendingUpload {
  blobReferenceForConsumption?: { blobUri?: string; credential?: { credentialType?: string; sasUri?: string } };
  pendingUploadId?: string;
}

async function chooseVersion(store: ModelStore, name: string, wanted: string): Promise<string | undefined> {
  const existing = await store.getVersion(name, wanted);
  return existing ? undefined : wanted;
}

export async function promoteToRegistry(p: PromoteInput, deps: PromoteDeps): Promise<PromoteResult> {
  const registry = p.found ?? (await findRegistry(deps, p.registry, p.resourceGroup));
  const store = registryModelStore(deps.arm, registry.id, registry.name);
  const existing = await findByContent(store, p.name, p.contentHash, p.modelType);
  if (existing) {
    deps.info(`Registry ${registry.name} already holds this model as ${p.name}:${existing.name}: nothing copied.`);
    return { registry: registry.name, registryId: registry.id, version: existing, created: false, uri: store.uri(p.name, existing.name) };
  }
  // The workspace's version number when the registry does not have it yet; else the registry's next.
  const version = (await chooseVersion(store, p.name, p.version.name)) ?? String(await store.nextVersion(p.name));
  const pending = await withAzureOperation(`starting an upload to registry '${registry.name}'`, () =>
    deps.arm.post<PendingUpload>(`${registry.id}/models/${encodeURIComponent(p.name)}/versions/${encodeURIComponent(version)}/startPendingUpload`, {
      pendingUploadType: 'TemporaryBlobReference',
    }),
  );
  const ref = pending.blobReferenceForConsumption;
  const sasUri = ref?.credential?.sasUri;
  const blobUri = ref?.blobUri;
  if (!sasUri || !blobUri)
    throw new Error(`Registry '${registry.name}' returned no upload location (startPendingUpload gave ${JSON.stringify(Object.keys(pending))}).`);
  const sas = new URL(sasUri).search.replace(/^\?/, '');
  (deps.setSecret ?? ((s: string) => core.setSecret(s)))(sas);
  const sig = new URLSearchParams(sas).get('sig');
  if (sig) (deps.setSecret ?? ((s: string) => core.setSecret(s)))(sig);

  deps.info(`Copying ${p.source.files.length} file(s) of ${p.name}:${p.version.name} to registry ${registry.name}`);
  const copied = await p.source.copyTo(await sasTarget(sasUri), '');
  const fileName = p.source.isFile ? p.source.files[0].path : undefined;
  const modelUri = fileName ? `${blobUri.replace(/\/+$/, '')}/${encodeURIComponent(fileName)}` : blobUri;

  const src = p.version.properties;
  const tags = Object.fromEntries(Object.entries(tagsOf(p.version)).filter(([k]) => !k.startsWith(MODEL_ALIAS_TAG_PREFIX)));
  const body = {
    properties: {
      description: src.description ?? null,
      tags,
      properties: { ...propsOf(p.version), [PROMOTED_FROM_PROPERTY]: p.version.id },
      modelType: src.modelType ?? p.modelType,
      modelUri,
      ...(src.flavors ? { flavors: src.flavors } : {}),
      isAnonymous: false,
    },
  };
  const committed = await commitVersion(store, p.name, body, {
    version,
    contentHash: p.contentHash,
    modelType: p.modelType,
    info: (m) => deps.info(m),
    versionInput: 'promote-to-registry',
  }).catch(async (e: unknown) => {
    // The chosen number was taken meanwhile by other content: take the registry's next one.
    if ((e as { input?: string }).input === 'promote-to-registry') {
      return commitVersion(store, p.name, body, { contentHash: p.contentHash, modelType: p.modelType, info: (m) => deps.info(m) });
    }
    throw e;
  });
  return {
    registry: registry.name,
    registryId: registry.id,
    version: committed.version,
    created: committed.created,
    uri: store.uri(p.name, committed.version.name),
    copied,
  };
}
