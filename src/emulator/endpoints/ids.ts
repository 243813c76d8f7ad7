/** ARM ids, resource types and provisioning states of online endpoints and their deployments. */
import { MLS_NAMESPACE } from '../config.js';
import { childId, type WorkspaceScope } from '../arm/ids.js';

export const ENDPOINT_TYPE = `${MLS_NAMESPACE}/workspaces/onlineEndpoints`;
export const DEPLOYMENT_TYPE = `${MLS_NAMESPACE}/workspaces/onlineEndpoints/deployments`;
/** Azure Monitor namespaces of the two resource types. */
export const ENDPOINT_METRICS_NAMESPACE = ENDPOINT_TYPE;
export const DEPLOYMENT_METRICS_NAMESPACE = DEPLOYMENT_TYPE;

export type EndpointState = 'Creating' | 'Deleting' | 'Succeeded' | 'Failed' | 'Updating' | 'Canceled';
export type DeploymentState = 'Creating' | 'Deleting' | 'Scaling' | 'Updating' | 'Succeeded' | 'Failed' | 'Canceled';

/** States in which an operation is running on the resource: a second write conflicts. */
export const BUSY_ENDPOINT_STATES: readonly string[] = ['Creating', 'Updating', 'Deleting'];
export const BUSY_DEPLOYMENT_STATES: readonly string[] = ['Creating', 'Updating', 'Scaling', 'Deleting'];

export const AUTH_MODES = ['Key', 'AMLToken', 'AADToken'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export const COMPUTE_TYPES = ['Managed', 'Kubernetes', 'AzureMLCompute'] as const;

export function endpointsCollectionId(scope: WorkspaceScope): string {
  return childId(scope, 'onlineEndpoints');
}

export function endpointIdOf(scope: WorkspaceScope, name: string): string {
  return childId(scope, 'onlineEndpoints', name);
}

export function deploymentIdOf(scope: WorkspaceScope, endpoint: string, deployment: string): string {
  return childId(scope, 'onlineEndpoints', endpoint, 'deployments', deployment);
}

/** The sidecar record holding an endpoint's keys (never part of the resource). */
export function keysRecordId(endpointId: string): string {
  return `${endpointId}/.emulator-keys`;
}

/** `…/onlineEndpoints/e/deployments/d` → `…/onlineEndpoints/e`. */
export function endpointIdOfDeployment(deploymentId: string): string {
  return deploymentId.replace(/\/deployments\/[^/]+\/?$/i, '');
}

/** `…/workspaces/ws/onlineEndpoints/e` → `…/workspaces/ws`. */
export function workspaceIdOfEndpoint(endpointId: string): string {
  return endpointId.replace(/\/onlineEndpoints\/[^/]+\/?$/i, '');
}

/** Case-insensitive map key of an id or name. */
export function keyOf(s: string): string {
  return s.toLowerCase().replace(/\/+$/, '');
}

/** The audience of the AML tokens an endpoint hands out (`token` operation) and accepts. */
export function amlTokenAudience(endpointId: string): string {
  return `https://ml.azure.com/onlineEndpoints/${keyOf(endpointId).split('/').slice(1).join('/')}`;
}

/** Audience of Microsoft Entra tokens accepted by `AADToken` endpoints. */
export const AAD_TOKEN_AUDIENCE = 'https://ml.azure.com';
