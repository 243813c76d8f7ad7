/**
 * Computes (`…/workspaces/{ws}/computes/{name}`): GET and list; PUT and DELETE of Kubernetes
 * computes (`az ml compute attach --type Kubernetes`: an AKS or Arc cluster attached with its
 * namespace and instance types, where Kubernetes online deployments run). The emulator runs jobs
 * and scoring processes on the local machine; the seeded AmlCompute clusters `cpu-cluster` and
 * `gpu-cluster` exist so that `computeId` references resolve like in a real workspace.
 */
import { MLS_NAMESPACE } from '../config.js';
import type { ArmResource, EmulatorRequest, EmulatorResponse, Route } from '../types.js';
import { ArmErrors } from './errors.js';
import { beginInWorkspace, propertiesOf, requireWorkspace, type ArmDeps } from './deps.js';
import { childId, parseWorkspaceChildId, sameScope, scopeFromParams, TYPES, type WorkspaceScope } from './ids.js';
import { page } from './paging.js';
import { createdSystemData, modifiedSystemData } from './system-data.js';
import { isObj, type Obj } from '../obj.js';

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

// --- Kubernetes computes ---------------------------------------------------------------------------

/**
 * The instance type a Kubernetes compute has when it is attached without any: `defaultinstancetype`,
 * no nodeSelector, requests 100m CPU / 2Gi, limits 2 CPU / 2Gi (MicrosoftDocs/azure-docs
 * articles/machine-learning/how-to-manage-kubernetes-instance-types.md at 05cfb1e0, "Default
 * instance type"; another stored version of that page says 0.6 CPU / 1536Mi). A deployment without
 * `instanceType` runs on it ("If there's no instance_type property specified, the system will use
 * defaultinstancetype", same page).
 */
export const DEFAULT_INSTANCE_TYPE = 'defaultinstancetype';
const DEFAULT_INSTANCE_TYPE_SPEC: Obj = {
  nodeSelector: null,
  resources: { requests: { cpu: '100m', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi', 'nvidia.com/gpu': null } },
};

/** A Kubernetes resource quantity (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/): `0.1`, `100m`, `2Gi`, `200Mi`, `1e3`. */
const QUANTITY_RE = /^[+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
/** A Kubernetes namespace is a DNS label (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names). */
const NAMESPACE_RE = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
/** The clusters `az ml compute attach --type Kubernetes` attaches: AKS or Arc-enabled Kubernetes (swagger example Compute/createOrUpdate/KubernetesCompute.json: a managedClusters id). */
const CLUSTER_ID_RE =
  /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/(Microsoft\.ContainerService\/managedClusters|Microsoft\.Kubernetes\/connectedClusters)\/[^/]+$/i;

/** A quantity in base units (cores, bytes, cards), for comparing requests with limits. */
export function quantityValue(q: string): number {
  const m = /^[+]?((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(q);
  if (!m) return NaN;
  const mult: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
  };
  return Number(m[1]) * (m[2] ? mult[m[2]] : 1);
}

/** Resource keys of a Kubernetes instance type and of a container's requests/limits (`nvidia.com/gpu` on the compute; `gpu` on a deployment: swagger ContainerResourceSettings). */
export function checkResourceSettings(v: unknown, at: string, keys: readonly string[]): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw ArmErrors.validation(at, `'${at}' must be an object (${keys.join(', ')}).`);
  const out: Record<string, string> = {};
  for (const [k, q] of Object.entries(v)) {
    if (!keys.includes(k)) throw ArmErrors.validation(`${at}.${k}`, `'${k}' is not a resource of '${at}'; expected ${keys.join(', ')}.`);
    if (q === null || q === undefined) continue;
    if (typeof q !== 'string' || !QUANTITY_RE.test(q)) {
      throw ArmErrors.validation(`${at}.${k}`, `'${String(q)}' is not a Kubernetes quantity for ${k} (e.g. "0.5", "500m", "2Gi", "1").`);
    }
    out[k] = q;
  }
  return out;
}

/** Requests never above limits (Kubernetes refuses such a pod: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/). */
export function checkRequestsWithinLimits(requests: Record<string, string>, limits: Record<string, string>, at: string): void {
  for (const [k, req] of Object.entries(requests)) {
    const lim = limits[k];
    if (lim !== undefined && quantityValue(req) > quantityValue(lim)) {
      throw ArmErrors.validation(`${at}.${k}`, `The request of ${k} (${req}) is more than its limit (${lim}).`);
    }
  }
}

/** Validates and completes the `properties.properties` of a Kubernetes compute (swagger KubernetesProperties). */
function kubernetesProperties(input: unknown): Obj {
  const at = 'properties.properties';
  const p = input === undefined || input === null ? {} : input;
  if (!isObj(p)) throw ArmErrors.validation(at, `'${at}' must be an object (namespace, defaultInstanceType, instanceTypes).`);
  const namespace = p.namespace === undefined || p.namespace === null ? 'default' : p.namespace;
  if (typeof namespace !== 'string' || !NAMESPACE_RE.test(namespace)) {
    throw ArmErrors.validation(
      `${at}.namespace`,
      `'${String(namespace)}' is not a Kubernetes namespace: lower-case letters, digits and '-', at most 63 characters.`,
    );
  }
  let types: Obj;
  if (p.instanceTypes === undefined || p.instanceTypes === null || (isObj(p.instanceTypes) && Object.keys(p.instanceTypes).length === 0)) {
    types = { [DEFAULT_INSTANCE_TYPE]: structuredClone(DEFAULT_INSTANCE_TYPE_SPEC) };
  } else {
    if (!isObj(p.instanceTypes))
      throw ArmErrors.validation(`${at}.instanceTypes`, "'instanceTypes' must be an object of instance type names to their nodeSelector and resources.");
    types = {};
    for (const [name, t] of Object.entries(p.instanceTypes)) {
      const tat = `${at}.instanceTypes.${name}`;
      if (!isObj(t)) throw ArmErrors.validation(tat, `Instance type '${name}' must be an object (nodeSelector, resources).`);
      if (t.nodeSelector !== undefined && t.nodeSelector !== null) {
        if (!isObj(t.nodeSelector) || Object.values(t.nodeSelector).some((x) => typeof x !== 'string'))
          throw ArmErrors.validation(`${tat}.nodeSelector`, "'nodeSelector' must be an object of node labels to strings.");
      }
      const r = t.resources === undefined || t.resources === null ? {} : t.resources;
      if (!isObj(r)) throw ArmErrors.validation(`${tat}.resources`, "'resources' must be an object (requests, limits).");
      const keys = ['cpu', 'memory', 'nvidia.com/gpu'];
      const requests = checkResourceSettings(r.requests, `${tat}.resources.requests`, keys);
      const limits = checkResourceSettings(r.limits, `${tat}.resources.limits`, keys);
      checkRequestsWithinLimits(requests, limits, `${tat}.resources.requests`);
      types[name] = { nodeSelector: t.nodeSelector ?? null, resources: { requests: r.requests ?? {}, limits: r.limits ?? {} } };
    }
  }
  const def = p.defaultInstanceType === undefined || p.defaultInstanceType === null ? Object.keys(types)[0] : p.defaultInstanceType;
  if (typeof def !== 'string' || !Object.hasOwn(types, def)) {
    throw ArmErrors.validation(
      `${at}.defaultInstanceType`,
      `defaultInstanceType '${String(def)}' is not one of the compute's instance types (${Object.keys(types).join(', ')}).`,
    );
  }
  // The keys Azure answers with (swagger example Compute/createOrUpdate/KubernetesCompute.json).
  return {
    relayConnectionString: null,
    serviceBusConnectionString: null,
    extensionPrincipalId: null,
    extensionInstanceReleaseTrain: typeof p.extensionInstanceReleaseTrain === 'string' ? p.extensionInstanceReleaseTrain : 'stable',
    vcName: null,
    namespace,
    defaultInstanceType: def,
    instanceTypes: types,
  };
}

/** The instance types of a Kubernetes compute resource (names as Azure keeps them). */
export function instanceTypesOf(compute: ArmResource): { names: string[]; defaultType: string; types: Obj } {
  const inner = ((compute.properties as Obj | undefined)?.properties ?? {}) as Obj;
  const types = isObj(inner.instanceTypes) ? inner.instanceTypes : {};
  return { names: Object.keys(types), defaultType: typeof inner.defaultInstanceType === 'string' ? inner.defaultInstanceType : DEFAULT_INSTANCE_TYPE, types };
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
  /**
   * Attaches (or updates) a Kubernetes compute: 201 + `Azure-AsyncOperation` with
   * `provisioningState: Creating` for an attach, 200 for an update; the compute is `Succeeded` and
   * `isAttachedCompute: true` once the operation ends (swagger examples
   * Compute/createOrUpdate/KubernetesCompute.json, Compute/get/KubernetesCompute.json).
   */
  const put = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    const ws = await requireWorkspace(deps, scope);
    const name = req.params.computeName;
    const body = req.body as Obj;
    const input = propertiesOf(body, 'compute');
    if (input.computeType !== 'Kubernetes') {
      throw ArmErrors.validation(
        'properties.computeType',
        `computeType '${String(input.computeType)}' cannot be created in the emulator: it attaches Kubernetes computes (computeType 'Kubernetes'); AmlCompute clusters cpu-cluster and gpu-cluster exist already.`,
      );
    }
    if (typeof input.resourceId !== 'string' || !CLUSTER_ID_RE.test(input.resourceId)) {
      throw ArmErrors.validation(
        'properties.resourceId',
        `A Kubernetes compute needs the ARM id of its cluster in 'resourceId' (…/providers/Microsoft.ContainerService/managedClusters/<name> or …/providers/Microsoft.Kubernetes/connectedClusters/<name>), got ${JSON.stringify(input.resourceId ?? null)}.`,
      );
    }
    if (input.description !== undefined && input.description !== null && typeof input.description !== 'string')
      throw ArmErrors.validation('properties.description', "'description' must be a string.");
    const inner = kubernetesProperties(input.properties);
    const id = childId(scope, 'computes', name);
    const location = String(body.location ?? ws.location ?? deps.defaults.location);
    return deps.store.withLock(id, async () => {
      const existing = await deps.store.get(id);
      const old = (existing?.properties ?? {}) as Obj;
      if (existing && old.computeType !== 'Kubernetes') {
        throw ArmErrors.conflict(
          `Compute '${name}' exists already as a ${String(old.computeType)} compute; it cannot become a Kubernetes compute.`,
          'properties.computeType',
        );
      }
      if (existing && typeof old.resourceId === 'string' && old.resourceId.toLowerCase() !== input.resourceId!.toString().toLowerCase()) {
        throw ArmErrors.validation(
          'properties.resourceId',
          `Compute '${name}' is attached to ${old.resourceId}; detach it before attaching another cluster under this name.`,
        );
      }
      const t = req.ctx.now.toISOString();
      const resource: ArmResource = {
        id: existing?.id ?? id,
        name: existing?.name ?? name,
        type: TYPES.compute,
        location: existing?.location ?? location,
        tags: isObj(body.tags) ? body.tags : (existing?.tags ?? {}),
        ...(isObj(body.identity) ? { identity: body.identity } : existing?.identity ? { identity: existing.identity } : {}),
        systemData: existing ? modifiedSystemData(existing.systemData, req.ctx, req.ctx.now) : createdSystemData(req.ctx, req.ctx.now),
        properties: {
          description: typeof input.description === 'string' ? input.description : ((old.description as string | undefined) ?? null),
          resourceId: input.resourceId,
          computeType: 'Kubernetes',
          computeLocation: location,
          provisioningState: existing ? 'Updating' : 'Creating',
          createdOn: (old.createdOn as string | undefined) ?? t,
          modifiedOn: t,
          provisioningErrors: null,
          isAttachedCompute: true,
          disableLocalAuth: input.disableLocalAuth === true,
          properties: inner,
        },
      };
      await deps.store.put(id, resource);
      const op = beginInWorkspace(deps, req, scope, ws, {
        operation: 'Compute_CreateOrUpdate',
        resourceId: id,
        work: async () => {
          await deps.store.withLock(id, async () => {
            const cur = await deps.store.get(id);
            if (!cur) return;
            (cur.properties as Obj).provisioningState = 'Succeeded';
            await deps.store.put(id, cur);
          });
        },
      });
      return deps.lro.accepted(op, req, { status: existing ? 200 : 201, body: resource, poll: 'async' });
    });
  };

  /**
   * Detaches (`underlyingResourceAction=Detach`) or deletes a compute: 202 + `Azure-AsyncOperation`
   * and `Location`, 204 when it is not there (swagger example Compute/delete.json; the query
   * parameter is required). A Kubernetes compute that online endpoints still name is refused.
   */
  const del = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    const ws = await requireWorkspace(deps, scope);
    const action = req.query.get('underlyingResourceAction');
    if (action !== 'Delete' && action !== 'Detach') {
      throw ArmErrors.validation(
        'underlyingResourceAction',
        `The query parameter 'underlyingResourceAction' is required: Delete or Detach, got ${JSON.stringify(action)}.`,
      );
    }
    const id = childId(scope, 'computes', req.params.computeName);
    const c = await deps.store.get(id);
    if (!c) return { status: 204 };
    const users = (await deps.store.list(childId(scope, 'onlineEndpoints'))).filter((e) => {
      const compute = (e.properties as Obj | undefined)?.compute;
      return typeof compute === 'string' && compute.toLowerCase() === id.toLowerCase();
    });
    if (users.length > 0) {
      throw ArmErrors.conflict(
        `Compute '${c.name}' cannot be ${action === 'Detach' ? 'detached' : 'deleted'}: online endpoint(s) ${users.map((e) => `'${e.name}'`).join(', ')} run on it. Delete them first.`,
        'computeName',
      );
    }
    (c.properties as Obj).provisioningState = 'Deleting';
    await deps.store.put(id, c);
    const op = beginInWorkspace(deps, req, scope, ws, {
      operation: 'Compute_Delete',
      resourceId: id,
      work: async () => {
        await deps.store.delete(id);
      },
    });
    return deps.lro.accepted(op, req, { status: 202, poll: 'both' });
  };

  return [
    { method: 'GET', pattern: base, operation: 'Compute_List', handler: list },
    { method: 'GET', pattern: `${base}/{computeName}`, operation: 'Compute_Get', handler: get },
    { method: 'PUT', pattern: `${base}/{computeName}`, operation: 'Compute_CreateOrUpdate', handler: put },
    { method: 'DELETE', pattern: `${base}/{computeName}`, operation: 'Compute_Delete', handler: del },
  ];
}
