/** ARM ids and resource types of the emulated provider. */
import { createHash } from 'node:crypto';
import { MLS_NAMESPACE } from '../config.js';

export const TYPES = {
  resourceGroup: 'Microsoft.Resources/resourceGroups',
  workspace: `${MLS_NAMESPACE}/workspaces`,
  datastore: `${MLS_NAMESPACE}/workspaces/datastores`,
  compute: `${MLS_NAMESPACE}/workspaces/computes`,
  job: `${MLS_NAMESPACE}/workspaces/jobs`,
} as const;

export interface WorkspaceScope {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
}

export function subscriptionId(sub: string): string {
  return `/subscriptions/${sub}`;
}

export function resourceGroupId(sub: string, rg: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}`;
}

export function workspacesCollectionId(sub: string, rg: string): string {
  return `${resourceGroupId(sub, rg)}/providers/${MLS_NAMESPACE}/workspaces`;
}

export function workspaceId(s: WorkspaceScope): string {
  return `${workspacesCollectionId(s.subscriptionId, s.resourceGroup)}/${s.workspaceName}`;
}

/** Id of a child of the workspace: `childId(s, 'jobs', 'x')`, `childId(s, 'models', 'm', 'versions', '1')`. */
export function childId(s: WorkspaceScope, ...segments: string[]): string {
  return `${workspaceId(s)}/${segments.join('/')}`;
}

export function scopeFromParams(params: Record<string, string>): WorkspaceScope {
  return {
    subscriptionId: params.subscriptionId,
    resourceGroup: params.resourceGroupName,
    workspaceName: params.workspaceName,
  };
}

/**
 * Parses `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}/{type}/{name}[/{type}/{name}…]`
 * (case-insensitive). Returns undefined for anything else.
 */
export function parseWorkspaceChildId(id: string): { scope: WorkspaceScope; path: { type: string; name: string }[] } | undefined {
  const parts = id.split('/').filter((p) => p.length > 0);
  if (parts.length < 8) return undefined;
  const [s, sub, r, rg, p, ns, w, ws, ...rest] = parts;
  if (s.toLowerCase() !== 'subscriptions' || r.toLowerCase() !== 'resourcegroups' || p.toLowerCase() !== 'providers') return undefined;
  if (ns.toLowerCase() !== MLS_NAMESPACE.toLowerCase() || w.toLowerCase() !== 'workspaces') return undefined;
  if (rest.length % 2 !== 0) return undefined;
  const path: { type: string; name: string }[] = [];
  for (let i = 0; i < rest.length; i += 2) path.push({ type: rest[i], name: decodeURIComponent(rest[i + 1]) });
  return { scope: { subscriptionId: sub, resourceGroup: rg, workspaceName: ws }, path };
}

export function sameScope(a: WorkspaceScope, b: WorkspaceScope): boolean {
  return (
    a.subscriptionId.toLowerCase() === b.subscriptionId.toLowerCase() &&
    a.resourceGroup.toLowerCase() === b.resourceGroup.toLowerCase() &&
    a.workspaceName.toLowerCase() === b.workspaceName.toLowerCase()
  );
}

/** Resource type written in messages for an unknown route below the provider, e.g. `workspaces/foo`. */
export function resourceTypeFromPath(path: string): string | undefined {
  const parts = path.split('/').filter((p) => p.length > 0);
  const i = parts.findIndex((p, idx) => p.toLowerCase() === 'providers' && parts[idx + 1]?.toLowerCase() === MLS_NAMESPACE.toLowerCase());
  if (i < 0) return undefined;
  const rest = parts.slice(i + 2);
  const types: string[] = [];
  for (let k = 0; k < rest.length; k += 2) types.push(rest[k]);
  return types.join('/');
}

/** A GUID-shaped id derived from a string (stable object ids per client id). */
export function guidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
