/**
 * The ARM levels above the workspace: subscriptions (the seeded one only) and resource groups
 * (GET / PUT / list), enough for clients that check or create their resource group.
 */
import type { ArmResource, EmulatorRequest, EmulatorResponse, Route } from '../types.js';
import { ArmErrors } from './errors.js';
import { requireResourceGroup, requireSubscription, type ArmDeps } from './deps.js';
import { resourceGroupId, subscriptionId, TYPES } from './ids.js';
import { page } from './paging.js';

export function subscriptionResource(sub: string, tenantId: string): ArmResource {
  return {
    id: subscriptionId(sub),
    name: sub,
    type: 'Microsoft.Resources/subscriptions',
    subscriptionId: sub,
    tenantId,
    displayName: 'Azure ML emulator subscription',
    state: 'Enabled',
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    authorizationSource: 'RoleBased',
  };
}

export function resourceGroupResource(sub: string, rg: string, location: string, tags?: Record<string, string>): ArmResource {
  return {
    id: resourceGroupId(sub, rg),
    name: rg,
    type: TYPES.resourceGroup,
    location,
    ...(tags ? { tags } : {}),
    properties: { provisioningState: 'Succeeded' },
  };
}

export function resourceGroupRoutes(deps: ArmDeps): Route[] {
  const get = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const s = await requireSubscription(deps, req.params.subscriptionId);
    return { status: 200, body: s };
  };
  const getGroup = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const g = await requireResourceGroup(deps, req.params.subscriptionId, req.params.resourceGroupName);
    return { status: 200, body: g };
  };
  const putGroup = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const sub = req.params.subscriptionId;
    const rg = req.params.resourceGroupName;
    await requireSubscription(deps, sub);
    if (!/^[-\w._()]{1,90}$/.test(rg) || rg.endsWith('.')) {
      throw ArmErrors.badRequest(
        `Resource group name '${rg}' is invalid: use 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'.`,
        'resourceGroupName',
      );
    }
    const body = (req.body ?? {}) as { location?: unknown; tags?: Record<string, string> };
    if (typeof body.location !== 'string' || body.location === '') throw ArmErrors.locationRequired();
    const id = resourceGroupId(sub, rg);
    return deps.store.withLock(id, async () => {
      const existing = await deps.store.get(id);
      const next = resourceGroupResource(sub, existing?.name ?? rg, (existing?.location as string | undefined) ?? (body.location as string), body.tags);
      await deps.store.put(id, next);
      return { status: existing ? 200 : 201, body: next };
    });
  };
  const listGroups = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    await requireSubscription(deps, req.params.subscriptionId);
    const groups = await deps.store.list(`${subscriptionId(req.params.subscriptionId)}/resourceGroups`);
    groups.sort((a, b) => a.name.localeCompare(b.name));
    return { status: 200, body: page(groups, req, { pageSize: deps.pageSize }) };
  };
  return [
    { method: 'GET', pattern: '/subscriptions/{subscriptionId}', operation: 'Subscriptions_Get', handler: get },
    { method: 'GET', pattern: '/subscriptions/{subscriptionId}/resourcegroups', operation: 'ResourceGroups_List', handler: listGroups },
    { method: 'GET', pattern: '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}', operation: 'ResourceGroups_Get', handler: getGroup },
    {
      method: 'PUT',
      pattern: '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}',
      operation: 'ResourceGroups_CreateOrUpdate',
      handler: putGroup,
    },
  ];
}
