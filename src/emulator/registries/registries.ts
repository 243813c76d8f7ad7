/**
 * Registries (registries.json of 2024-10-01): GET, PUT (a new registry is a long-running create:
 * 201 + `Azure-AsyncOperation`; its storage container is made when the operation completes),
 * PATCH (tags), DELETE (202 + `Location`; removes its models), list by resource group and by
 * subscription. Host-dependent properties (`discoveryUrl`, `mlFlowRegistryUri`) are computed on
 * every read from the address the client used, like workspaces.
 */
import { MLS_NAMESPACE } from '../config.js';
import { ArmErrors } from '../arm/errors.js';
import { requireResourceGroup, requireSubscription, type ArmDeps } from '../arm/deps.js';
import { guidFrom, resourceGroupId, subscriptionId } from '../arm/ids.js';
import { page } from '../arm/paging.js';
import { createdSystemData, modifiedSystemData } from '../arm/system-data.js';
import { hostOf } from '../arm/workspaces.js';
import type { ArmResource, EmulatorRequest, EmulatorResponse, RequestContext, Route } from '../types.js';
import {
  REGISTRY_NAME_RE,
  REGISTRY_TYPES,
  registriesCollectionId,
  registryContainerName,
  registryId,
  registryScopeFromParams,
  type RegistryScope,
} from './ids.js';
import { isObj } from '../obj.js';

/** Properties only the service sets; a PUT cannot change them. */
const SERVER_OWNED = ['discoveryUrl', 'mlFlowRegistryUri', 'managedResourceGroup', 'registryPrivateEndpointConnections'];

/** The registry of a `.../registries/{registryName}/...` route, or the ARM 404 for the missing level. */
export async function requireRegistry(deps: ArmDeps, scope: RegistryScope): Promise<ArmResource> {
  await requireResourceGroup(deps, scope.subscriptionId, scope.resourceGroup);
  const r = await deps.store.get(registryId(scope));
  if (!r) throw ArmErrors.armResourceNotFound(REGISTRY_TYPES.registry, scope.registryName, scope.resourceGroup);
  return r;
}

export function checkRegistryName(name: string): void {
  if (!REGISTRY_NAME_RE.test(name)) {
    throw ArmErrors.validation(
      'registryName',
      `Registry name '${name}' is invalid: 3 to 33 characters, starting with a letter or digit; letters, digits, '-' and '_' only.`,
    );
  }
}

/** Builds a registry from a PUT body (or the seed), keeping the server-owned values of `existing`. */
export function buildRegistry(
  scope: RegistryScope,
  body: Record<string, unknown>,
  deps: ArmDeps,
  ctx: RequestContext | undefined,
  now: Date,
  existing?: ArmResource,
): ArmResource {
  const id = existing?.id ?? registryId(scope);
  const old = (existing?.properties ?? {}) as Record<string, unknown>;
  const input = isObj(body.properties) ? structuredClone(body.properties) : {};
  for (const k of SERVER_OWNED) delete input[k];
  const location = (existing?.location as string | undefined) ?? String(body.location);
  const guid = guidFrom(`registry:${id.toLowerCase()}`);
  const short = guid.replace(/-/g, '').slice(0, 12);
  const managedRg = `azureml-rg-${scope.registryName}_${guid}`;
  const managedRgId = resourceGroupId(scope.subscriptionId, managedRg);
  const region = {
    location,
    acrDetails: [
      {
        systemCreatedAcrAccount: {
          acrAccountName: `acr${short}`,
          acrAccountSku: 'Premium',
          armResourceId: { resourceId: `${managedRgId}/providers/Microsoft.ContainerRegistry/registries/acr${short}` },
        },
      },
    ],
    storageAccountDetails: [
      {
        systemCreatedStorageAccount: {
          storageAccountName: deps.blob.endpoint.accountName,
          storageAccountType: 'Standard_LRS',
          allowBlobPublicAccess: false,
          storageAccountHnsEnabled: false,
          armResourceId: { resourceId: `${managedRgId}/providers/Microsoft.Storage/storageAccounts/${deps.blob.endpoint.accountName}` },
        },
      },
    ],
  };
  const properties: Record<string, unknown> = {
    intellectualPropertyPublisher: null,
    publicNetworkAccess: 'Enabled',
    regionDetails: [region],
    ...Object.fromEntries(Object.entries(old).filter(([k]) => !SERVER_OWNED.includes(k))),
    ...input,
    managedResourceGroup: { resourceId: managedRgId },
    registryPrivateEndpointConnections: old.registryPrivateEndpointConnections ?? [],
  };
  return {
    id,
    name: existing?.name ?? scope.registryName,
    type: REGISTRY_TYPES.registry,
    location,
    tags: isObj(body.tags) ? body.tags : (existing?.tags ?? {}),
    kind: typeof body.kind === 'string' ? body.kind : (existing?.kind ?? ''),
    sku: isObj(body.sku) ? body.sku : (existing?.sku ?? { name: 'P3', tier: 'Standard' }),
    identity: {
      type: 'SystemAssigned',
      principalId: guidFrom(`registry-principal:${id.toLowerCase()}`),
      tenantId: deps.defaults.tenantId,
    },
    properties,
    systemData: existing ? modifiedSystemData(existing.systemData, ctx, now) : createdSystemData(ctx, now),
  };
}

/** The registry as returned: host-dependent URLs computed from the address the client used. */
export function presentRegistry(r: ArmResource, ctx: RequestContext): ArmResource {
  const out = structuredClone(r);
  const props = (out.properties ?? {}) as Record<string, unknown>;
  props.discoveryUrl = `${ctx.baseUrl}/discovery`;
  props.mlFlowRegistryUri = `azureml://${hostOf(ctx.baseUrl)}/mlflow/v1.0${r.id}`;
  out.properties = props;
  return out;
}

/** Puts the seeded registry (idempotent) and makes its storage container. */
export async function seedRegistry(deps: ArmDeps, scope: RegistryScope, now: Date): Promise<void> {
  const id = registryId(scope);
  await deps.store.withLock(id, async () => {
    if (!(await deps.store.get(id))) {
      const body = { location: deps.defaults.location, tags: { purpose: 'models shared across workspaces' } };
      await deps.store.put(id, buildRegistry(scope, body, deps, undefined, now));
    }
  });
  await deps.blob.ensureContainer(registryContainerName(scope));
}

export function registryRoutes(deps: ArmDeps): Route[] {
  const base = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/registries`;

  const get = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const r = await requireRegistry(deps, registryScopeFromParams(req.params));
    return { status: 200, body: presentRegistry(r, req.ctx) };
  };

  /** A page of registries, as both lists answer. */
  const listAnswer = (items: ArmResource[], req: EmulatorRequest): EmulatorResponse => ({
    status: 200,
    body: page(
      items.map((r) => presentRegistry(r, req.ctx)),
      req,
      { pageSize: deps.pageSize },
    ),
  });

  const listByGroup = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { subscriptionId: sub, resourceGroupName: rg } = req.params as { subscriptionId: string; resourceGroupName: string };
    await requireResourceGroup(deps, sub, rg);
    const items = (await deps.store.list(registriesCollectionId(sub, rg))).sort((a, b) => a.name.localeCompare(b.name));
    return listAnswer(items, req);
  };

  const listBySubscription = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const sub = req.params.subscriptionId;
    await requireSubscription(deps, sub);
    const items: ArmResource[] = [];
    for (const g of await deps.store.list(`${subscriptionId(sub)}/resourceGroups`)) {
      items.push(...(await deps.store.list(registriesCollectionId(sub, g.name))));
    }
    items.sort((a, b) => a.id.localeCompare(b.id));
    return listAnswer(items, req);
  };

  const put = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = registryScopeFromParams(req.params);
    await requireResourceGroup(deps, scope.subscriptionId, scope.resourceGroup);
    checkRegistryName(scope.registryName);
    const body = req.body;
    if (!isObj(body)) throw ArmErrors.badRequest('The request body of a registry must be a JSON object.', 'body');
    const id = registryId(scope);
    return deps.store.withLock(id, async () => {
      const existing = await deps.store.get(id);
      if (existing) {
        if (typeof body.location === 'string' && body.location.toLowerCase() !== String(existing.location).toLowerCase()) {
          throw ArmErrors.invalidResourceLocation(scope.registryName, String(existing.location), scope.resourceGroup, body.location);
        }
        const next = buildRegistry(scope, body, deps, req.ctx, req.ctx.now, existing);
        await deps.store.put(id, next);
        return { status: 200, body: presentRegistry(next, req.ctx) };
      }
      if (typeof body.location !== 'string' || body.location.trim() === '') throw ArmErrors.locationRequired();
      const created = buildRegistry(scope, body, deps, req.ctx, req.ctx.now);
      await deps.store.put(id, created);
      const op = deps.lro.begin({
        subscriptionId: scope.subscriptionId,
        location: created.location as string,
        operation: 'Registries_CreateOrUpdate',
        resourceId: id,
        ctx: req.ctx,
        work: async () => {
          await deps.blob.ensureContainer(registryContainerName(scope));
        },
      });
      return deps.lro.accepted(op, req, { status: 201, body: presentRegistry(created, req.ctx), poll: 'async' });
    });
  };

  const patch = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = registryScopeFromParams(req.params);
    const id = registryId(scope);
    await requireRegistry(deps, scope);
    const body = req.body;
    if (!isObj(body)) throw ArmErrors.badRequest('The request body of a registry update must be a JSON object.', 'body');
    return deps.store.withLock(id, async () => {
      const existing = (await deps.store.get(id))!;
      const next: ArmResource = {
        ...existing,
        ...(isObj(body.tags) ? { tags: body.tags } : {}),
        ...(isObj(body.sku) ? { sku: { ...(existing.sku as Record<string, unknown>), ...body.sku } } : {}),
        systemData: modifiedSystemData(existing.systemData, req.ctx, req.ctx.now),
      };
      await deps.store.put(id, next);
      return { status: 200, body: presentRegistry(next, req.ctx) };
    });
  };

  const del = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = registryScopeFromParams(req.params);
    await requireResourceGroup(deps, scope.subscriptionId, scope.resourceGroup);
    const id = registryId(scope);
    const existing = await deps.store.get(id);
    if (!existing) return { status: 204 };
    const op = deps.lro.begin({
      subscriptionId: scope.subscriptionId,
      location: String(existing.location),
      operation: 'Registries_Delete',
      resourceId: id,
      ctx: req.ctx,
      resultStatus: 200,
      work: async () => {
        await deps.store.withLock(id, async () => {
          for (const m of await deps.store.list(`${id}/models`)) {
            for (const v of await deps.store.list(`${m.id}/versions`)) await deps.store.delete(v.id);
            await deps.store.delete(m.id);
          }
          await deps.store.delete(id);
        });
      },
    });
    return deps.lro.accepted(op, req, { status: 202, poll: 'location' });
  };

  return [
    {
      method: 'GET',
      pattern: `/subscriptions/{subscriptionId}/providers/${MLS_NAMESPACE}/registries`,
      operation: 'Registries_ListBySubscription',
      handler: listBySubscription,
    },
    { method: 'GET', pattern: base, operation: 'Registries_List', handler: listByGroup },
    { method: 'GET', pattern: `${base}/{registryName}`, operation: 'Registries_Get', handler: get },
    { method: 'PUT', pattern: `${base}/{registryName}`, operation: 'Registries_CreateOrUpdate', handler: put },
    { method: 'PATCH', pattern: `${base}/{registryName}`, operation: 'Registries_Update', handler: patch },
    { method: 'DELETE', pattern: `${base}/{registryName}`, operation: 'Registries_Delete', handler: del },
  ];
}
