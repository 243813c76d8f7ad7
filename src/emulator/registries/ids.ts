/** ARM ids, types and names of Azure ML registries and their model assets. */
import { createHash } from 'node:crypto';
import { MLS_NAMESPACE } from '../config.js';
import { resourceGroupId } from '../arm/ids.js';

export const REGISTRY_TYPES = {
  registry: `${MLS_NAMESPACE}/registries`,
  modelContainer: `${MLS_NAMESPACE}/registries/models`,
  modelVersion: `${MLS_NAMESPACE}/registries/models/versions`,
} as const;

/** The registry seeded at start (with the default resource group). */
export const SEEDED_REGISTRY = 'shared-registry';

/** `RegistryNameParameter` of registries.json. */
export const REGISTRY_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{2,32}$/;
/** Model names and versions, as in workspaces. */
export const MODEL_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_.]{0,254}$/;
export const MODEL_VERSION_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_.]{0,29}$/;

export interface RegistryScope {
  subscriptionId: string;
  resourceGroup: string;
  registryName: string;
}

export function registriesCollectionId(sub: string, rg: string): string {
  return `${resourceGroupId(sub, rg)}/providers/${MLS_NAMESPACE}/registries`;
}

export function registryId(s: RegistryScope): string {
  return `${registriesCollectionId(s.subscriptionId, s.resourceGroup)}/${s.registryName}`;
}

export function registryModelId(s: RegistryScope, model: string, version?: string): string {
  return `${registryId(s)}/models/${model}${version !== undefined ? `/versions/${version}` : ''}`;
}

export function registryScopeFromParams(params: Record<string, string>): RegistryScope {
  return { subscriptionId: params.subscriptionId, resourceGroup: params.resourceGroupName, registryName: params.registryName };
}

/**
 * The Azurite container holding a registry's files (a registry has its own storage account in
 * Azure; here every registry gets a container of the one Azurite account). Deterministic, valid
 * as a container name (3–63 lower-case letters, digits and single hyphens).
 */
export function registryContainerName(s: RegistryScope): string {
  const slug = s.registryName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32);
  const hash = createHash('sha256').update(registryId(s).toLowerCase()).digest('hex').slice(0, 6);
  return `azureml-registry-${slug ? `${slug}-` : ''}${hash}`;
}
