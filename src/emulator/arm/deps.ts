/** What every ARM handler is given, and the scope checks they share. */
import type { BlobAdmin } from '../blob.js';
import type { ArmResource, EmulatorRequest, EmulatorTimings, JobExecutor, ResourceStore } from '../types.js';
import { ArmErrors } from './errors.js';
import { resourceGroupId, subscriptionId, TYPES, workspaceId, type WorkspaceScope } from './ids.js';
import type { BeginOptions, LroManager, OperationRecord } from './lro.js';
import { isObj } from '../obj.js';

export interface EmulatorDefaults {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  tenantId: string;
  location: string;
}

export interface ArmDeps {
  store: ResourceStore;
  lro: LroManager;
  timings: EmulatorTimings;
  executor: JobExecutor;
  blob: BlobAdmin;
  defaults: EmulatorDefaults;
  pageSize: number;
}

export { apiVersionOf } from './api-version.js';

/** Begins a long-running operation of a request on a workspace's resource (the workspace's subscription and location). */
export function beginInWorkspace(
  deps: ArmDeps,
  req: EmulatorRequest,
  scope: WorkspaceScope,
  ws: ArmResource,
  o: Omit<BeginOptions, 'subscriptionId' | 'location' | 'ctx'>,
): OperationRecord {
  return deps.lro.begin({ subscriptionId: scope.subscriptionId, location: String(ws.location ?? deps.defaults.location), ctx: req.ctx, ...o });
}

export async function requireSubscription(deps: ArmDeps, sub: string): Promise<ArmResource> {
  const s = await deps.store.get(subscriptionId(sub));
  if (!s) throw ArmErrors.subscriptionNotFound(sub);
  return s;
}

export async function requireResourceGroup(deps: ArmDeps, sub: string, rg: string): Promise<ArmResource> {
  await requireSubscription(deps, sub);
  const g = await deps.store.get(resourceGroupId(sub, rg));
  if (!g) throw ArmErrors.resourceGroupNotFound(rg);
  return g;
}

/** The workspace of a `.../workspaces/{workspaceName}/...` route, or the ARM 404 for the missing level. */
export async function requireWorkspace(deps: ArmDeps, scope: WorkspaceScope): Promise<ArmResource> {
  await requireResourceGroup(deps, scope.subscriptionId, scope.resourceGroup);
  const ws = await deps.store.get(workspaceId(scope));
  if (!ws) throw ArmErrors.armResourceNotFound(TYPES.workspace, scope.workspaceName, scope.resourceGroup);
  return ws;
}

/** The body's `properties` object, or a 400 naming what is wrong. */
export function propertiesOf(body: unknown, what: string): Record<string, unknown> {
  if (!isObj(body)) {
    throw ArmErrors.badRequest(`The request body of a ${what} must be a JSON object with 'properties'.`, 'body');
  }
  const props = (body as Record<string, unknown>).properties;
  if (!isObj(props)) {
    throw ArmErrors.validation('properties', `The ${what} body must contain the object 'properties'.`);
  }
  return props;
}

/** Deep equality of JSON values where `null` and a missing key count as the same. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null) return b === undefined || b === null;
  if (b === undefined || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObj(a)) {
    if (!isObj(b)) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!jsonEqual(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}

/** Canonical JSON (sorted keys, nulls dropped): equal documents give equal strings. */
export function canonicalJson(v: unknown): string {
  const norm = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(norm);
    if (isObj(x)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) if (x[k] !== null && x[k] !== undefined) out[k] = norm(x[k]);
      return out;
    }
    return x;
  };
  return JSON.stringify(norm(v));
}
