/**
 * Workspaces: GET, PUT (a new workspace is a long-running create: 201 `Creating` +
 * `Azure-AsyncOperation`; it gets its default datastores when the operation completes), list by
 * resource group and by subscription. Host-dependent properties (`mlFlowTrackingUri`,
 * `discoveryUrl`) are computed on every read from the address the client used.
 */
import { randomUUID } from 'node:crypto';
import { MLS_NAMESPACE } from '../config.js';
import type { ArmResource, EmulatorRequest, EmulatorResponse, RequestContext, Route } from '../types.js';
import { ArmErrors } from './errors.js';
import { requireResourceGroup, requireSubscription, type ArmDeps } from './deps.js';
import { ensureDefaultDatastores } from './datastores.js';
import { guidFrom, resourceGroupId, TYPES, workspaceId, workspacesCollectionId, type WorkspaceScope } from './ids.js';
import { page } from './paging.js';
import { createdSystemData, modifiedSystemData } from './system-data.js';
import { isObj } from '../obj.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/;

/** Properties only the service sets; a PUT cannot change them. */
const SERVER_OWNED = [
  'workspaceId',
  'provisioningState',
  'mlFlowTrackingUri',
  'discoveryUrl',
  'serviceProvisionedResourceGroup',
  'privateLinkCount',
  'tenantId',
  'storageHnsEnabled',
  'notebookInfo',
  'privateEndpointConnections',
];

export function hostOf(baseUrl: string): string {
  return baseUrl.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

/** `azureml://<host>/mlflow/v1.0/subscriptions/…/workspaces/<ws>`, like Azure's tracking URI. */
export function trackingUri(baseUrl: string, wsId: string): string {
  return `azureml://${hostOf(baseUrl)}/mlflow/v1.0${wsId}`;
}

/**
 * Keys every recorded workspace body has (../shared/fixtures/azure-recordings: workspace GETs at
 * 2022-05-01, 2022-10-01-preview, 2022-12-01-preview, e.g. online-endpoints/online-deployment-e2e.json
 * entry 0): top-level `etag: null` (README observation 26) and these properties.
 */
function recordedWorkspaceDefaults(ws: ArmResource): Record<string, unknown> {
  return {
    imageBuildCompute: null,
    softDeleteEnabled: false,
    linkedModelInventoryArmId: null,
    sdkTelemetryAppInsightsKey: guidFrom(`appinsights-key:${ws.id.toLowerCase()}`),
    sasGetterUri: '',
    enableDataIsolation: false,
    creationTime: (ws.systemData as { createdAt?: string } | undefined)?.createdAt ?? null,
  };
}

export function presentWorkspace(ws: ArmResource, ctx: RequestContext): ArmResource {
  const out = structuredClone(ws);
  if (!('etag' in out)) out.etag = null;
  const props = { ...recordedWorkspaceDefaults(ws), ...((out.properties ?? {}) as Record<string, unknown>) };
  props.mlFlowTrackingUri = trackingUri(ctx.baseUrl, ws.id);
  props.discoveryUrl = `${ctx.baseUrl}/discovery`;
  out.properties = props;
  return out;
}

function resourceIds(scope: WorkspaceScope, short: string) {
  const rg = resourceGroupId(scope.subscriptionId, scope.resourceGroup);
  return {
    storageAccount: `${rg}/providers/Microsoft.Storage/storageAccounts/devstoreaccount1`,
    keyVault: `${rg}/providers/Microsoft.KeyVault/vaults/kv${short}`,
    applicationInsights: `${rg}/providers/Microsoft.insights/components/ai${short}`,
    containerRegistry: `${rg}/providers/Microsoft.ContainerRegistry/registries/cr${short}`,
  };
}

function identityOf(input: unknown, tenantId: string, wsKey: string): Record<string, unknown> {
  const requested = isObj(input) && typeof input.type === 'string' ? input.type : 'SystemAssigned';
  const out: Record<string, unknown> = { type: requested };
  if (/SystemAssigned/i.test(requested)) {
    out.principalId = guidFrom(`principal:${wsKey}`);
    out.tenantId = tenantId;
  }
  const uai = isObj(input) && isObj(input.userAssignedIdentities) ? input.userAssignedIdentities : undefined;
  if (uai && /UserAssigned/i.test(requested)) {
    out.userAssignedIdentities = Object.fromEntries(
      Object.keys(uai).map((id) => [id, { principalId: guidFrom(`uai-principal:${id}`), clientId: guidFrom(`uai-client:${id}`) }]),
    );
  }
  return out;
}

/**
 * Builds a workspace resource from a PUT body (or the seed). `existing` keeps the server-owned
 * values (workspace GUID, …) of an update.
 */
export function buildWorkspace(
  scope: WorkspaceScope,
  body: Record<string, unknown>,
  deps: ArmDeps,
  ctx: RequestContext | undefined,
  now: Date,
  existing?: ArmResource,
  provisioningState = 'Succeeded',
): ArmResource {
  const id = existing?.id ?? workspaceId(scope);
  const oldProps = (existing?.properties ?? {}) as Record<string, unknown>;
  const inProps = isObj(body.properties) ? structuredClone(body.properties) : {};
  for (const k of SERVER_OWNED) delete inProps[k];
  const guid = (oldProps.workspaceId as string | undefined) ?? randomUUID();
  const short = guid.replace(/-/g, '').slice(0, 12);
  const properties: Record<string, unknown> = {
    friendlyName: scope.workspaceName,
    description: '',
    ...resourceIds(scope, short),
    hbiWorkspace: false,
    allowPublicAccessWhenBehindVnet: false,
    publicNetworkAccess: 'Enabled',
    v1LegacyMode: false,
    sharedPrivateLinkResources: [],
    ...stripServerOwned(oldProps),
    ...inProps,
    workspaceId: guid,
    provisioningState,
    serviceProvisionedResourceGroup: `${scope.workspaceName}_${short}`,
    privateLinkCount: 0,
    privateEndpointConnections: oldProps.privateEndpointConnections ?? [],
    tenantId: deps.defaults.tenantId,
    storageHnsEnabled: false,
    notebookInfo: oldProps.notebookInfo ?? {
      resourceId: guid.replace(/-/g, ''),
      fqdn: `ml-${scope.workspaceName.toLowerCase()}-${short}.notebooks.emulator`,
    },
  };
  return {
    id,
    name: existing?.name ?? scope.workspaceName,
    type: TYPES.workspace,
    location: existing?.location ?? String(body.location),
    tags: isObj(body.tags) ? body.tags : (existing?.tags ?? {}),
    kind: typeof body.kind === 'string' ? body.kind : (existing?.kind ?? 'Default'),
    sku: isObj(body.sku) ? body.sku : (existing?.sku ?? { name: 'Basic', tier: 'Basic' }),
    identity: identityOf(body.identity ?? existing?.identity, deps.defaults.tenantId, id.toLowerCase()),
    properties,
    systemData: existing ? modifiedSystemData(existing.systemData, ctx, now) : createdSystemData(ctx, now),
  };
}

function stripServerOwned(props: Record<string, unknown>): Record<string, unknown> {
  const out = { ...props };
  for (const k of SERVER_OWNED) delete out[k];
  return out;
}

export function workspaceRoutes(deps: ArmDeps): Route[] {
  const base = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/workspaces`;

  const scopeOf = (req: EmulatorRequest): WorkspaceScope => ({
    subscriptionId: req.params.subscriptionId,
    resourceGroup: req.params.resourceGroupName,
    workspaceName: req.params.workspaceName,
  });

  const get = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeOf(req);
    await requireResourceGroup(deps, scope.subscriptionId, scope.resourceGroup);
    const ws = await deps.store.get(workspaceId(scope));
    if (!ws) throw ArmErrors.armResourceNotFound(TYPES.workspace, scope.workspaceName, scope.resourceGroup);
    return { status: 200, body: presentWorkspace(ws, req.ctx) };
  };

  const put = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeOf(req);
    await requireResourceGroup(deps, scope.subscriptionId, scope.resourceGroup);
    if (!NAME_RE.test(scope.workspaceName)) {
      throw ArmErrors.validation(
        'name',
        `Workspace name '${scope.workspaceName}' is invalid: use 3-33 letters, digits, '-' or '_', starting with a letter or digit.`,
      );
    }
    if (!isObj(req.body)) throw ArmErrors.badRequest('The request body of a workspace must be a JSON object.', 'body');
    const body = req.body;
    const id = workspaceId(scope);
    return deps.store.withLock(id, async () => {
      const existing = await deps.store.get(id);
      if (!existing && (typeof body.location !== 'string' || body.location === '')) throw ArmErrors.locationRequired();
      if (existing && typeof body.location === 'string' && body.location.toLowerCase() !== String(existing.location).toLowerCase()) {
        throw ArmErrors.invalidResourceLocation(existing.name, String(existing.location), scope.resourceGroup, body.location);
      }
      if (existing) {
        const next = buildWorkspace(
          scope,
          body,
          deps,
          req.ctx,
          req.ctx.now,
          existing,
          String((existing.properties as Record<string, unknown>).provisioningState ?? 'Succeeded'),
        );
        await deps.store.put(id, next);
        return { status: 200, body: presentWorkspace(next, req.ctx) };
      }
      const creating = buildWorkspace(scope, body, deps, req.ctx, req.ctx.now, undefined, 'Creating');
      await deps.store.put(id, creating);
      const guid = (creating.properties as { workspaceId: string }).workspaceId;
      const op = deps.lro.begin({
        subscriptionId: scope.subscriptionId,
        location: String(creating.location),
        operation: 'Workspaces_CreateOrUpdate',
        resourceId: id,
        ctx: req.ctx,
        work: async () => {
          await ensureDefaultDatastores(deps, scope, guid, req.ctx.now);
          await deps.store.withLock(id, async () => {
            const current = await deps.store.get(id);
            if (!current) return;
            (current.properties as Record<string, unknown>).provisioningState = 'Succeeded';
            await deps.store.put(id, current);
          });
        },
      });
      return deps.lro.accepted(op, req, { status: 201, body: presentWorkspace(creating, req.ctx), poll: 'async' });
    });
  };

  /** A page of workspaces, by name, as both lists answer. */
  const listAnswer = (items: ArmResource[], req: EmulatorRequest): EmulatorResponse => ({
    status: 200,
    body: page(
      items.map((w) => presentWorkspace(w, req.ctx)),
      req,
      { pageSize: deps.pageSize },
    ),
  });

  const listByGroup = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const sub = req.params.subscriptionId;
    const rg = req.params.resourceGroupName;
    await requireResourceGroup(deps, sub, rg);
    const items = await deps.store.list(workspacesCollectionId(sub, rg));
    items.sort((a, b) => a.name.localeCompare(b.name));
    return listAnswer(items, req);
  };

  const listBySubscription = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const sub = req.params.subscriptionId;
    await requireSubscription(deps, sub);
    const groups = await deps.store.list(`/subscriptions/${sub}/resourceGroups`);
    const items: ArmResource[] = [];
    for (const g of groups) items.push(...(await deps.store.list(workspacesCollectionId(sub, g.name))));
    items.sort((a, b) => a.name.localeCompare(b.name));
    return listAnswer(items, req);
  };

  return [
    { method: 'GET', pattern: base, operation: 'Workspaces_ListByResourceGroup', handler: listByGroup },
    { method: 'GET', pattern: `${base}/{workspaceName}`, operation: 'Workspaces_Get', handler: get },
    { method: 'PUT', pattern: `${base}/{workspaceName}`, operation: 'Workspaces_CreateOrUpdate', handler: put },
    {
      method: 'GET',
      pattern: `/subscriptions/{subscriptionId}/providers/${MLS_NAMESPACE}/workspaces`,
      operation: 'Workspaces_ListBySubscription',
      handler: listBySubscription,
    },
  ];
}
