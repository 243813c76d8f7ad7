/**
 * Computes (`…/workspaces/{ws}/computes/{name}`): GET and list. The emulator runs jobs on the
 * local machine; the seeded AmlCompute clusters `cpu-cluster` and `gpu-cluster` exist so that
 * `computeId` references resolve like in a real workspace.
 */
import { MLS_NAMESPACE } from '../config.js';
import type { ArmResource, EmulatorRequest, EmulatorResponse, Route } from '../types.js';
import { ArmErrors } from './errors.js';
import { requireWorkspace, type ArmDeps } from './deps.js';
import { childId, parseWorkspaceChildId, sameScope, scopeFromParams, TYPES, type WorkspaceScope } from './ids.js';
import { page } from './paging.js';
import { createdSystemData } from './system-data.js';

export interface ClusterSeed {
  name: string;
  vmSize: string;
  maxNodeCount: number;
  description: string;
}

export const SEEDED_CLUSTERS: ClusterSeed[] = [
  { name: 'cpu-cluster', vmSize: 'STANDARD_DS3_V2', maxNodeCount: 4, description: 'CPU cluster (runs jobs as local processes in the emulator).' },
  { name: 'gpu-cluster', vmSize: 'STANDARD_NC6S_V3', maxNodeCount: 2, description: 'GPU cluster (runs jobs as local processes in the emulator).' },
];

export function amlCompute(scope: WorkspaceScope, location: string, seed: ClusterSeed, now: Date): ArmResource {
  const t = now.toISOString();
  return {
    id: childId(scope, 'computes', seed.name),
    name: seed.name,
    type: TYPES.compute,
    location,
    tags: {},
    systemData: createdSystemData(undefined, now),
    properties: {
      computeType: 'AmlCompute',
      computeLocation: location,
      provisioningState: 'Succeeded',
      description: seed.description,
      createdOn: t,
      modifiedOn: t,
      provisioningErrors: null,
      // Keys of a recorded AmlCompute (jobs/pipeline-job-create-update.json entry 1).
      resourceId: null,
      isAttachedCompute: false,
      disableLocalAuth: true,
      properties: {
        osType: 'Linux',
        vmSize: seed.vmSize,
        vmPriority: 'Dedicated',
        isolatedNetwork: false,
        scaleSettings: { maxNodeCount: seed.maxNodeCount, minNodeCount: 0, nodeIdleTimeBeforeScaleDown: 'PT120S' },
        remoteLoginPortPublicAccess: 'NotSpecified',
        allocationState: 'Steady',
        allocationStateTransitionTime: t,
        errors: null,
        currentNodeCount: 0,
        targetNodeCount: 0,
        nodeStateCounts: { idleNodeCount: 0, runningNodeCount: 0, preparingNodeCount: 0, unusableNodeCount: 0, leavingNodeCount: 0, preemptedNodeCount: 0 },
        enableNodePublicIp: true,
        subnet: null,
        virtualMachineImage: null,
        enableBatchPrivateLink: false,
        propertyBag: null,
      },
    },
  };
}

/**
 * Resolves a job's `computeId` (an ARM id, `azureml:<name>` or a bare name) to the compute's ARM
 * id in the workspace; 400 when the compute does not exist.
 */
export async function resolveComputeId(deps: ArmDeps, scope: WorkspaceScope, computeId: string, target: string): Promise<string> {
  let name: string;
  if (computeId.startsWith('/')) {
    const parsed = parseWorkspaceChildId(computeId);
    if (!parsed || parsed.path.length !== 1 || parsed.path[0].type.toLowerCase() !== 'computes') {
      throw ArmErrors.validation(target, `'${computeId}' is not a compute id: expected /subscriptions/…/workspaces/<ws>/computes/<name>.`);
    }
    if (!sameScope(parsed.scope, scope)) {
      throw ArmErrors.validation(target, `The compute '${computeId}' belongs to another workspace than '${scope.workspaceName}'.`);
    }
    name = parsed.path[0].name;
  } else {
    name = computeId.replace(/^azureml:/i, '');
  }
  const compute = await deps.store.get(childId(scope, 'computes', name));
  if (!compute) {
    throw ArmErrors.validation(target, `Compute '${name}' was not found in workspace '${scope.workspaceName}'. Create it first or use an existing compute.`);
  }
  return compute.id;
}

export function computeRoutes(deps: ArmDeps): Route[] {
  const base = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/workspaces/{workspaceName}/computes`;
  const get = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    const c = await deps.store.get(childId(scope, 'computes', req.params.computeName));
    if (!c) throw ArmErrors.notFound('compute', req.params.computeName, scope.workspaceName);
    return { status: 200, body: c };
  };
  const list = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    const items = await deps.store.list(childId(scope, 'computes'));
    items.sort((a, b) => a.name.localeCompare(b.name));
    return { status: 200, body: page(items, req, { pageSize: deps.pageSize }) };
  };
  return [
    { method: 'GET', pattern: base, operation: 'Compute_List', handler: list },
    { method: 'GET', pattern: `${base}/{computeName}`, operation: 'Compute_Get', handler: get },
  ];
}
