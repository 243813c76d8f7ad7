/**
 * Computes (`…/workspaces/{ws}/computes/{name}`): GET and list; PUT of AmlCompute clusters (`az ml
 * compute create --type amlcompute`: created 201 + `Azure-AsyncOperation`, Creating → Succeeded;
 * updated 200) and of Kubernetes computes (`az ml compute attach --type Kubernetes`: an AKS or Arc
 * cluster attached with its namespace and instance types, where Kubernetes online deployments run);
 * PATCH of a cluster's scale settings; DELETE (Delete or Detach). The emulator runs jobs and scoring
 * processes on the local machine, whatever the cluster: a compute exists so that `computeId`
 * references resolve and are checked like in a real workspace. The seeded clusters `cpu-cluster`
 * and `gpu-cluster` exist from the start; Microsoft's samples create their own (`batch-cluster`).
 */
import { MLS_NAMESPACE } from '../config.js';
import type { ArmResource, EmulatorRequest, EmulatorResponse, Route } from '../types.js';
import { ArmErrors } from './errors.js';
import { beginInWorkspace, propertiesOf, requireWorkspace, type ArmDeps } from './deps.js';
import { childId, parseWorkspaceChildId, sameScope, scopeFromParams, TYPES, type WorkspaceScope } from './ids.js';
import { page } from './paging.js';
import { createdSystemData, modifiedSystemData } from './system-data.js';
import { isTerminal } from '../data/resources.js';
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

/** The writable settings of an AmlCompute cluster (swagger 2024-10-01 machineLearningServices.json, AmlComputeProperties). */
export interface AmlSettings {
  osType: string;
  vmSize: string;
  vmPriority: string;
  virtualMachineImage: Obj | null;
  isolatedNetwork: boolean;
  scaleSettings: ScaleSettings;
  userAccountCredentials: Obj | null;
  subnet: Obj | null;
  remoteLoginPortPublicAccess: string;
  enableNodePublicIp: boolean;
  propertyBag: Obj | null;
}

/** swagger ScaleSettings: maxNodeCount (required), minNodeCount (default 0), nodeIdleTimeBeforeScaleDown (format duration). */
export interface ScaleSettings {
  maxNodeCount: number;
  minNodeCount: number;
  nodeIdleTimeBeforeScaleDown: string;
}

/** The idle time of a cluster created without one: azure-ai-ml's AmlCompute `idle_time_before_scale_down` defaults to 120 s (learn.microsoft.com/python/api/azure-ai-ml/azure.ai.ml.entities.amlcompute). */
const DEFAULT_IDLE_TIME = 'PT120S';

function seedSettings(seed: ClusterSeed): AmlSettings {
  return {
    osType: 'Linux',
    vmSize: seed.vmSize,
    vmPriority: 'Dedicated',
    virtualMachineImage: null,
    isolatedNetwork: false,
    scaleSettings: { maxNodeCount: seed.maxNodeCount, minNodeCount: 0, nodeIdleTimeBeforeScaleDown: DEFAULT_IDLE_TIME },
    userAccountCredentials: null,
    subnet: null,
    remoteLoginPortPublicAccess: 'NotSpecified',
    enableNodePublicIp: true,
    propertyBag: null,
  };
}

/**
 * The `properties.properties` of a stored cluster: its settings plus the read-only node state of an
 * idle cluster scaled to zero (keys of a recorded AmlCompute, jobs/pipeline-job-create-update.json
 * entry 1; swagger example Compute/get/AmlCompute.json).
 */
function amlInner(s: AmlSettings, t: string): Obj {
  return {
    osType: s.osType,
    vmSize: s.vmSize,
    vmPriority: s.vmPriority,
    isolatedNetwork: s.isolatedNetwork,
    scaleSettings: { ...s.scaleSettings },
    remoteLoginPortPublicAccess: s.remoteLoginPortPublicAccess,
    allocationState: 'Steady',
    allocationStateTransitionTime: t,
    errors: null,
    currentNodeCount: 0,
    targetNodeCount: 0,
    nodeStateCounts: { idleNodeCount: 0, runningNodeCount: 0, preparingNodeCount: 0, unusableNodeCount: 0, leavingNodeCount: 0, preemptedNodeCount: 0 },
    enableNodePublicIp: s.enableNodePublicIp,
    subnet: s.subnet,
    virtualMachineImage: s.virtualMachineImage,
    enableBatchPrivateLink: false,
    propertyBag: s.propertyBag,
    ...(s.userAccountCredentials ? { userAccountCredentials: s.userAccountCredentials } : {}),
  };
}

/** The settings of a stored cluster (the inverse of amlInner). */
function storedSettings(inner: Obj): AmlSettings {
  const sc = isObj(inner.scaleSettings) ? inner.scaleSettings : {};
  return {
    osType: String(inner.osType ?? 'Linux'),
    vmSize: String(inner.vmSize ?? ''),
    vmPriority: String(inner.vmPriority ?? 'Dedicated'),
    virtualMachineImage: isObj(inner.virtualMachineImage) ? inner.virtualMachineImage : null,
    isolatedNetwork: inner.isolatedNetwork === true,
    scaleSettings: {
      maxNodeCount: Number(sc.maxNodeCount ?? 0),
      minNodeCount: Number(sc.minNodeCount ?? 0),
      nodeIdleTimeBeforeScaleDown: typeof sc.nodeIdleTimeBeforeScaleDown === 'string' ? sc.nodeIdleTimeBeforeScaleDown : DEFAULT_IDLE_TIME,
    },
    userAccountCredentials: isObj(inner.userAccountCredentials) ? inner.userAccountCredentials : null,
    subnet: isObj(inner.subnet) ? inner.subnet : null,
    remoteLoginPortPublicAccess: String(inner.remoteLoginPortPublicAccess ?? 'NotSpecified'),
    enableNodePublicIp: inner.enableNodePublicIp !== false,
    propertyBag: isObj(inner.propertyBag) ? inner.propertyBag : null,
  };
}

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
      properties: amlInner(seedSettings(seed), t),
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

// --- AmlCompute clusters -----------------------------------------------------------------------------

/** ISO 8601 duration (swagger ScaleSettings.nodeIdleTimeBeforeScaleDown: `format: duration`), e.g. PT5M, PT120S, P1DT2H. */
const DURATION_RE = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

/** Refuses, by name, a key the swagger definition does not have (read-only keys, which a GET-then-PUT sends back, are ignored). */
function checkKeys(o: Obj, at: string, keys: readonly string[], readOnly: readonly string[] = []): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k) && !readOnly.includes(k))
      throw ArmErrors.validation(`${at}.${k}`, `'${k}' is not a property of '${at}'; expected ${keys.join(', ')}.`);
  }
}

function oneOf(v: unknown, at: string, values: readonly string[], dflt: string): string {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string' || !values.includes(v))
    throw ArmErrors.validation(at, `'${String(v)}' is not a valid value of '${at}'; expected ${values.join(' or ')}.`);
  return v;
}

function bool(v: unknown, at: string, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw ArmErrors.validation(at, `'${at}' must be true or false.`);
  return v;
}

function nodeCount(v: unknown, at: string): number {
  // int32 (swagger ScaleSettings); a negative count of nodes means nothing (unsourced: the service's own message is not known).
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1)
    throw ArmErrors.validation(at, `'${at}' must be a whole number of nodes (0 or more), got ${JSON.stringify(v)}.`);
  return v;
}

/** A `{ id }` object (swagger ResourceId for `subnet`, VirtualMachineImage for `virtualMachineImage`: `id` required). */
function idObject(v: unknown, at: string): Obj | null {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) throw ArmErrors.validation(at, `'${at}' must be an object with 'id'.`);
  checkKeys(v, at, ['id']);
  if (typeof v.id !== 'string' || v.id === '') throw ArmErrors.validation(`${at}.id`, `'${at}.id' is required: a resource id.`);
  return { id: v.id };
}

/** Validates scale settings (swagger ScaleSettings); `old` gives the idle time an update leaves out. */
export function scaleSettings(v: unknown, at: string, old?: ScaleSettings): ScaleSettings {
  if (!isObj(v)) throw ArmErrors.validation(at, `'${at}' is required: an object with maxNodeCount, minNodeCount, nodeIdleTimeBeforeScaleDown.`);
  checkKeys(v, at, ['maxNodeCount', 'minNodeCount', 'nodeIdleTimeBeforeScaleDown']);
  // maxNodeCount is required (swagger ScaleSettings `required: [maxNodeCount]`).
  if (v.maxNodeCount === undefined || v.maxNodeCount === null) throw ArmErrors.validation(`${at}.maxNodeCount`, `'${at}.maxNodeCount' is required.`);
  const max = nodeCount(v.maxNodeCount, `${at}.maxNodeCount`);
  // minNodeCount defaults to 0 (swagger ScaleSettings `default: 0`).
  const min = v.minNodeCount === undefined || v.minNodeCount === null ? 0 : nodeCount(v.minNodeCount, `${at}.minNodeCount`);
  // A cluster cannot keep more nodes than it may have (unsourced: the service's check is not documented).
  if (min > max) throw ArmErrors.validation(`${at}.minNodeCount`, `minNodeCount (${min}) is more than maxNodeCount (${max}).`);
  let idle = old?.nodeIdleTimeBeforeScaleDown ?? DEFAULT_IDLE_TIME;
  if (v.nodeIdleTimeBeforeScaleDown !== undefined && v.nodeIdleTimeBeforeScaleDown !== null) {
    if (typeof v.nodeIdleTimeBeforeScaleDown !== 'string' || !DURATION_RE.test(v.nodeIdleTimeBeforeScaleDown))
      throw ArmErrors.validation(
        `${at}.nodeIdleTimeBeforeScaleDown`,
        `'${String(v.nodeIdleTimeBeforeScaleDown)}' is not an ISO 8601 duration (e.g. PT120S, PT5M).`,
      );
    idle = v.nodeIdleTimeBeforeScaleDown;
  }
  return { maxNodeCount: max, minNodeCount: min, nodeIdleTimeBeforeScaleDown: idle };
}

/** swagger AmlComputeProperties: the writable keys, then the read-only ones (plus enableBatchPrivateLink, which the service returns: recording jobs/pipeline-job-create-update.json). */
const AML_KEYS = [
  'osType',
  'vmSize',
  'vmPriority',
  'virtualMachineImage',
  'isolatedNetwork',
  'scaleSettings',
  'userAccountCredentials',
  'subnet',
  'remoteLoginPortPublicAccess',
  'enableNodePublicIp',
  'propertyBag',
] as const;
const AML_READ_ONLY = [
  'allocationState',
  'allocationStateTransitionTime',
  'errors',
  'currentNodeCount',
  'targetNodeCount',
  'nodeStateCounts',
  'enableBatchPrivateLink',
];

/**
 * What an update may not change: Azure's update surface for a cluster is its scale settings
 * (Compute_Update / ClusterUpdateParameters; `Update-AzMLWorkspaceCompute` takes MaxNodeCount,
 * MinNodeCount, NodeIdleTimeBeforeScaleDown), so a PUT that changes the VM (size, priority, OS) of
 * an existing cluster is refused (the service's own answer is unsourced).
 */
const AML_IMMUTABLE = ['vmSize', 'vmPriority', 'osType'] as const;

/** Validates and completes the `properties.properties` of an AmlCompute PUT (swagger AmlComputeProperties); `old` is the cluster being updated. */
export function amlSettings(input: unknown, old?: AmlSettings): AmlSettings {
  const at = 'properties.properties';
  // A new cluster needs its properties: azure-ai-ml always sends vmSize and scaleSettings ("Scale settings is required when creating an AzureML compute cluster", entities/_compute/aml_compute.py _to_rest_object).
  const p = input === undefined || input === null ? {} : input;
  if (!isObj(p)) throw ArmErrors.validation(at, `'${at}' must be an object (${AML_KEYS.join(', ')}).`);
  checkKeys(p, at, AML_KEYS, AML_READ_ONLY);
  let vmSize = old?.vmSize;
  if (p.vmSize !== undefined && p.vmSize !== null) {
    if (typeof p.vmSize !== 'string' || !/^[A-Za-z0-9_]+$/.test(p.vmSize))
      throw ArmErrors.validation(`${at}.vmSize`, `'${String(p.vmSize)}' is not a VM size (e.g. STANDARD_DS3_V2).`);
    vmSize = p.vmSize;
  }
  // Required on create (unsourced: the service cannot provision without a size; azure-ai-ml sends STANDARD_DS3_V2 when none is given, ComputeDefaults.VMSIZE).
  if (!vmSize) throw ArmErrors.validation(`${at}.vmSize`, `'${at}.vmSize' is required to create a cluster (e.g. STANDARD_DS3_V2).`);
  if (p.scaleSettings === undefined && !old)
    throw ArmErrors.validation(`${at}.scaleSettings`, `'${at}.scaleSettings' is required to create a cluster (maxNodeCount at least).`);
  const s: AmlSettings = {
    // Defaults: osType Linux and remoteLoginPortPublicAccess NotSpecified (swagger `default`), vmPriority Dedicated (azure-ai-ml ComputeDefaults.PRIORITY), enableNodePublicIp true (swagger `default`).
    osType: oneOf(p.osType, `${at}.osType`, ['Linux', 'Windows'], old?.osType ?? 'Linux'),
    vmSize,
    vmPriority: oneOf(p.vmPriority, `${at}.vmPriority`, ['Dedicated', 'LowPriority'], old?.vmPriority ?? 'Dedicated'),
    virtualMachineImage:
      p.virtualMachineImage === undefined ? (old?.virtualMachineImage ?? null) : idObject(p.virtualMachineImage, `${at}.virtualMachineImage`),
    isolatedNetwork: bool(p.isolatedNetwork, `${at}.isolatedNetwork`, old?.isolatedNetwork ?? false),
    scaleSettings: p.scaleSettings === undefined && old ? old.scaleSettings : scaleSettings(p.scaleSettings, `${at}.scaleSettings`, old?.scaleSettings),
    userAccountCredentials:
      p.userAccountCredentials === undefined ? (old?.userAccountCredentials ?? null) : credentials(p.userAccountCredentials, `${at}.userAccountCredentials`),
    subnet: p.subnet === undefined ? (old?.subnet ?? null) : idObject(p.subnet, `${at}.subnet`),
    remoteLoginPortPublicAccess: oneOf(
      p.remoteLoginPortPublicAccess,
      `${at}.remoteLoginPortPublicAccess`,
      ['Enabled', 'Disabled', 'NotSpecified'],
      old?.remoteLoginPortPublicAccess ?? 'NotSpecified',
    ),
    enableNodePublicIp: bool(p.enableNodePublicIp, `${at}.enableNodePublicIp`, old?.enableNodePublicIp ?? true),
    propertyBag: p.propertyBag === undefined ? (old?.propertyBag ?? null) : objOrNull(p.propertyBag, `${at}.propertyBag`),
  };
  if (old) {
    for (const k of AML_IMMUTABLE) {
      if (s[k].toLowerCase() !== old[k].toLowerCase())
        throw ArmErrors.validation(
          `${at}.${k}`,
          `The ${k} of an existing cluster cannot change (${old[k]} → ${s[k]}): delete the cluster and create it again, or create another one.`,
        );
    }
  }
  return s;
}

function objOrNull(v: unknown, at: string): Obj | null {
  if (v === null) return null;
  if (!isObj(v)) throw ArmErrors.validation(at, `'${at}' must be an object.`);
  return v;
}

/** swagger UserAccountCredentials: adminUserName (required), adminUserSshPublicKey, adminUserPassword; the password is not stored nor returned (unsourced: a secret). */
function credentials(v: unknown, at: string): Obj | null {
  if (v === null) return null;
  if (!isObj(v)) throw ArmErrors.validation(at, `'${at}' must be an object (adminUserName, adminUserSshPublicKey, adminUserPassword).`);
  checkKeys(v, at, ['adminUserName', 'adminUserSshPublicKey', 'adminUserPassword']);
  if (typeof v.adminUserName !== 'string' || v.adminUserName === '') throw ArmErrors.validation(`${at}.adminUserName`, `'${at}.adminUserName' is required.`);
  for (const k of ['adminUserSshPublicKey', 'adminUserPassword'])
    if (v[k] !== undefined && v[k] !== null && typeof v[k] !== 'string') throw ArmErrors.validation(`${at}.${k}`, `'${at}.${k}' must be a string.`);
  return {
    adminUserName: v.adminUserName,
    adminUserSshPublicKey: typeof v.adminUserSshPublicKey === 'string' ? v.adminUserSshPublicKey : null,
    adminUserPassword: null,
  };
}

/** The settings of a stored AmlCompute cluster. */
export function amlSettingsOf(compute: ArmResource): AmlSettings {
  return storedSettings(((compute.properties as Obj | undefined)?.properties ?? {}) as Obj);
}

/** The keys of swagger Compute (the discriminated base of every compute's `properties`), writable then read-only. */
const COMPUTE_KEYS = ['computeType', 'computeLocation', 'description', 'resourceId', 'disableLocalAuth', 'properties'];
const COMPUTE_READ_ONLY = ['provisioningState', 'createdOn', 'modifiedOn', 'provisioningErrors', 'isAttachedCompute'];

/** What a PUT of one compute type adds to the shared create-or-update. */
interface ComputeKind {
  /** Refuses an update of `existing` this body may not make. */
  checkUpdate(existing: ArmResource): void;
  /** The `resourceId`, `isAttachedCompute` and inner `properties` of the stored compute. */
  own(existing: ArmResource | undefined, t: string): { resourceId: string | null; isAttachedCompute: boolean; properties: Obj };
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
  /** A Kubernetes compute: attached to the cluster `resourceId` names, which an update cannot change. */
  const kubernetes = (input: Obj, name: string): ComputeKind => {
    if (typeof input.resourceId !== 'string' || !CLUSTER_ID_RE.test(input.resourceId)) {
      throw ArmErrors.validation(
        'properties.resourceId',
        `A Kubernetes compute needs the ARM id of its cluster in 'resourceId' (…/providers/Microsoft.ContainerService/managedClusters/<name> or …/providers/Microsoft.Kubernetes/connectedClusters/<name>), got ${JSON.stringify(input.resourceId ?? null)}.`,
      );
    }
    const resourceId = input.resourceId;
    const inner = kubernetesProperties(input.properties);
    return {
      checkUpdate(existing) {
        const old = (existing.properties ?? {}) as Obj;
        if (typeof old.resourceId === 'string' && old.resourceId.toLowerCase() !== resourceId.toLowerCase()) {
          throw ArmErrors.validation(
            'properties.resourceId',
            `Compute '${name}' is attached to ${old.resourceId}; detach it before attaching another cluster under this name.`,
          );
        }
      },
      own: () => ({ resourceId, isAttachedCompute: true, properties: inner }),
    };
  };

  /** An AmlCompute cluster: created by the service (`isAttachedCompute: false`, no `resourceId`: swagger example Compute/get/AmlCompute.json). */
  const amlCluster = (input: Obj): ComputeKind => {
    // A cluster the service provisions has no underlying resource to name (unsourced: the examples never send one).
    if (input.resourceId !== undefined && input.resourceId !== null)
      throw ArmErrors.validation(
        'properties.resourceId',
        "An AmlCompute cluster is created by the service: 'resourceId' names the cluster of an attached compute only.",
      );
    let settings: AmlSettings | undefined;
    return {
      checkUpdate(existing) {
        settings = amlSettings(input.properties, amlSettingsOf(existing));
      },
      own(existing, t) {
        settings ??= amlSettings(input.properties);
        return {
          resourceId: null,
          isAttachedCompute: false,
          properties: amlInner(
            settings,
            existing ? String(((existing.properties as Obj).properties as Obj | undefined)?.allocationStateTransitionTime ?? t) : t,
          ),
        };
      },
    };
  };

  /** Ends a compute's create/update operation: `provisioningState` Succeeded (swagger examples Compute/createOrUpdate/*.json then Compute/get/*.json). */
  const finish = (req: EmulatorRequest, scope: WorkspaceScope, ws: ArmResource, id: string, operation: string) =>
    beginInWorkspace(deps, req, scope, ws, {
      operation,
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

  /**
   * Creates or updates a compute: 201 + `Azure-AsyncOperation` with `provisioningState: Creating`
   * for a new one, 200 for an update (swagger examples Compute/createOrUpdate/BasicAmlCompute.json,
   * AmlCompute.json, KubernetesCompute.json); `Succeeded` once the operation ends (Compute/get/*.json).
   * AmlCompute clusters are created (`az ml compute create --type amlcompute`), Kubernetes computes
   * attached (`az ml compute attach --type Kubernetes`); other compute types are refused (unsourced
   * choice: the emulator has nothing to run them with).
   */
  const put = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    const ws = await requireWorkspace(deps, scope);
    const name = req.params.computeName;
    const body = req.body as Obj;
    const input = propertiesOf(body, 'compute');
    checkKeys(input, 'properties', COMPUTE_KEYS, COMPUTE_READ_ONLY);
    const computeType = input.computeType;
    let kind: ComputeKind;
    if (computeType === 'Kubernetes') kind = kubernetes(input, name);
    else if (computeType === 'AmlCompute') kind = amlCluster(input);
    else
      throw ArmErrors.validation(
        'properties.computeType',
        `computeType '${String(computeType)}' cannot be created in the emulator: it creates AmlCompute clusters (computeType 'AmlCompute') and attaches Kubernetes computes (computeType 'Kubernetes').`,
      );
    if (input.description !== undefined && input.description !== null && typeof input.description !== 'string')
      throw ArmErrors.validation('properties.description', "'description' must be a string.");
    if (input.disableLocalAuth !== undefined && input.disableLocalAuth !== null && typeof input.disableLocalAuth !== 'boolean')
      throw ArmErrors.validation('properties.disableLocalAuth', "'disableLocalAuth' must be true or false.");
    const id = childId(scope, 'computes', name);
    const location = String(body.location ?? ws.location ?? deps.defaults.location);
    return deps.store.withLock(id, async () => {
      const existing = await deps.store.get(id);
      const old = (existing?.properties ?? {}) as Obj;
      // A compute keeps its type (unsourced: Compute is discriminated by computeType; the service's answer to a change is not known).
      if (existing && old.computeType !== computeType) {
        throw ArmErrors.conflict(
          `Compute '${name}' exists already as a ${String(old.computeType)} compute; it cannot become a ${String(computeType)} compute.`,
          'properties.computeType',
        );
      }
      if (existing) kind.checkUpdate(existing);
      const t = req.ctx.now.toISOString();
      const own = kind.own(existing, t);
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
          resourceId: own.resourceId,
          computeType,
          // computeLocation and disableLocalAuth are set on create only (swagger Compute: x-ms-mutability read, create).
          computeLocation: (old.computeLocation as string | undefined) ?? (typeof input.computeLocation === 'string' ? input.computeLocation : location),
          provisioningState: existing ? 'Updating' : 'Creating',
          createdOn: (old.createdOn as string | undefined) ?? t,
          modifiedOn: t,
          provisioningErrors: null,
          isAttachedCompute: own.isAttachedCompute,
          disableLocalAuth: existing ? old.disableLocalAuth === true : input.disableLocalAuth === true,
          properties: own.properties,
        },
      };
      await deps.store.put(id, resource);
      const op = finish(req, scope, ws, id, 'Compute_CreateOrUpdate');
      return deps.lro.accepted(op, req, { status: existing ? 200 : 201, body: resource, poll: 'async' });
    });
  };

  /**
   * Updates the scale settings of a cluster (ClusterUpdateParameters: `properties.properties.scaleSettings`
   * only): 200 + `Azure-AsyncOperation`, `provisioningState: Updating` (swagger example Compute/patch.json).
   */
  const patch = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    const ws = await requireWorkspace(deps, scope);
    const name = req.params.computeName;
    const body = req.body;
    if (!isObj(body)) throw ArmErrors.badRequest("The request body of a compute update must be a JSON object with 'properties'.", 'body');
    checkKeys(body, 'body', ['properties']);
    const outer = body.properties === undefined || body.properties === null ? {} : body.properties;
    if (!isObj(outer)) throw ArmErrors.validation('properties', "'properties' must be an object with 'properties'.");
    checkKeys(outer, 'properties', ['properties']);
    const inner = outer.properties === undefined || outer.properties === null ? {} : outer.properties;
    if (!isObj(inner)) throw ArmErrors.validation('properties.properties', "'properties.properties' must be an object with 'scaleSettings'.");
    // ScaleSettingsInformation has scaleSettings only.
    checkKeys(inner, 'properties.properties', ['scaleSettings']);
    const id = childId(scope, 'computes', name);
    return deps.store.withLock(id, async () => {
      const existing = await deps.store.get(id);
      if (!existing) throw ArmErrors.notFound('compute', name, scope.workspaceName);
      const props = existing.properties as Obj;
      // Only clusters scale (unsourced: ClusterUpdateParameters is AmlCompute's ScaleSettings; the service's answer for another type is not known).
      if (props.computeType !== 'AmlCompute')
        throw ArmErrors.validation(
          'properties.properties.scaleSettings',
          `Compute '${name}' is a ${String(props.computeType)} compute: only AmlCompute clusters have scale settings.`,
        );
      const settings = amlSettingsOf(existing);
      if (inner.scaleSettings !== undefined && inner.scaleSettings !== null)
        settings.scaleSettings = scaleSettings(inner.scaleSettings, 'properties.properties.scaleSettings', settings.scaleSettings);
      const t = req.ctx.now.toISOString();
      const oldInner = (props.properties ?? {}) as Obj;
      props.properties = amlInner(settings, String(oldInner.allocationStateTransitionTime ?? t));
      props.modifiedOn = t;
      props.provisioningState = 'Updating';
      existing.systemData = modifiedSystemData(existing.systemData, req.ctx, req.ctx.now);
      await deps.store.put(id, existing);
      const op = finish(req, scope, ws, id, 'Compute_Update');
      return deps.lro.accepted(op, req, { status: 200, body: existing, poll: 'async' });
    });
  };

  /**
   * Detaches (`underlyingResourceAction=Detach`) or deletes a compute: 202 + `Azure-AsyncOperation`
   * and `Location`, 204 when it is not there (swagger example Compute/delete.json; the query
   * parameter is required). A compute that unfinished jobs run on, or (Kubernetes) that online
   * endpoints still name, is refused with 409 (both unsourced choices).
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
    // A cluster that jobs still run on is kept (unsourced choice: the service's behaviour is not documented; the emulator runs the job locally and refuses rather than leave it pointing at nothing).
    const running = (await deps.store.list(childId(scope, 'jobs'))).filter((j) => {
      const p = (j.properties ?? {}) as Obj;
      return typeof p.computeId === 'string' && p.computeId.toLowerCase() === id.toLowerCase() && !isTerminal(p.status);
    });
    if (running.length > 0) {
      throw ArmErrors.conflict(
        `Compute '${c.name}' cannot be ${action === 'Detach' ? 'detached' : 'deleted'}: job(s) ${running.map((j) => `'${j.name}'`).join(', ')} run on it. Cancel them or wait until they end.`,
        'computeName',
      );
    }
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
    { method: 'PATCH', pattern: `${base}/{computeName}`, operation: 'Compute_Update', handler: patch },
    { method: 'DELETE', pattern: `${base}/{computeName}`, operation: 'Compute_Delete', handler: del },
  ];
}
