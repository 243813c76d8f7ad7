/**
 * `az ml online-endpoint` and `az ml online-deployment` YAML → ARM bodies (2024-10-01), with the
 * uploads and anonymous assets (model, code, environment) they need. Fields are translated or
 * refused by name with file and line, as for jobs.
 */
import { SpecDocument, type SpecPath } from './document.js';
import { FieldReader } from './fields.js';
import { isObj, type Obj } from '../core/obj.js';
import { codeId, environmentId } from './job/assets.js';
import { PlanContext, versionHash, type PlannedAsset, type PlannedUpload, type PlanOptions } from './plan.js';
import { assetId } from './references.js';
import { dataCollector } from './data-collector.js';
import { formatTrafficState, trafficEquals, trafficProblems, trafficStateEquals, type TrafficState } from '../azure/traffic.js';
import { BATCH_ONLY_FIELDS } from './batch-fields.js';

export interface EndpointPlan {
  name: string;
  /**
   * The Kubernetes compute the endpoint runs on (`compute: azureml:<name>`): a Kubernetes online
   * endpoint. `body.properties.compute` holds its ARM id once the workspace is known
   * ({@link setEndpointCompute}).
   */
  compute?: string;
  /** `properties` and `tags` of the endpoint body; `location` comes from the workspace. */
  body: { kind?: string; identity?: Obj; tags?: Record<string, string>; properties: Obj };
  /**
   * `traffic` / `mirror_traffic` of the file (arithmetic checked). The rollout moves traffic
   * itself, so they can only state what the endpoint holds now: {@link checkDeclaredTraffic}.
   */
  declaredTraffic?: TrafficState;
}

export interface DeploymentPlan {
  name?: string;
  endpointName?: string;
  body: { kind?: string; tags?: Record<string, string>; sku?: Obj; properties: Obj };
  uploads: PlannedUpload[];
  assets: PlannedAsset[];
  /** Local paths of the scoring code and model, for manifest checks and logs. */
  modelId: string;
}

const ENDPOINT_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/;
const DEPLOYMENT_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/;

export function checkEndpointName(name: string): string | undefined {
  return ENDPOINT_NAME.test(name) && !name.includes('--')
    ? undefined
    : 'an endpoint name has 3 to 32 letters, digits and -, starts with a letter and ends with a letter or digit';
}
export function checkDeploymentName(name: string): string | undefined {
  return DEPLOYMENT_NAME.test(name) ? undefined : 'a deployment name has 3 to 32 letters, digits and -, starts with a letter and ends with a letter or digit';
}

const AUTH_MODES: Record<string, string> = { key: 'Key', aml_token: 'AMLToken', aad_token: 'AADToken' };

/** The ARM id of a compute of the workspace (swagger OnlineEndpoint.compute: "ARM resource ID of the compute"). */
export function computeArmId(workspaceId: string, name: string): string {
  return `${workspaceId}/computes/${name}`;
}

/** Puts the ARM id of the endpoint's Kubernetes compute in its body, once the workspace is known. */
export function setEndpointCompute(plan: EndpointPlan, workspaceId: string): void {
  if (plan.compute) plan.body.properties.compute = computeArmId(workspaceId, plan.compute);
}

/**
 * `compute` of a Kubernetes online endpoint YAML: `azureml:<name>`, a name, or a compute's ARM id
 * (azure-ai-ml _schema/_endpoint/online/online_endpoint.py KubernetesOnlineEndpointSchema:
 * `compute = ArmStr(azureml_type=COMPUTE)`).
 */
function endpointCompute(t: FieldReader, doc: SpecDocument, v: unknown): string {
  const raw = t.str(v, ['compute']).trim();
  const arm = /\/workspaces\/[^/]+\/computes\/([^/]+)$/i.exec(raw);
  const name = raw.startsWith('/') ? arm?.[1] : raw.replace(/^azureml:/i, '');
  if (!name || !/^[a-zA-Z0-9][a-zA-Z0-9_-]*$/.test(name))
    throw doc.error(['compute'], `'${raw}' is not a compute reference`, 'azureml:<name of the Kubernetes compute attached to the workspace>');
  return name;
}

/** Fields of a managed online endpoint YAML (azure-ai-ml ManagedOnlineEndpointSchema) that a Kubernetes one lacks. */
const MANAGED_ENDPOINT_ONLY = ['public_network_access'];

export function planEndpoint(doc: SpecDocument, o: { workspaceId?: string } = {}): EndpointPlan {
  const spec = doc.value;
  if (!isObj(spec)) throw doc.error([], 'an endpoint file must be a YAML map');
  const t = new FieldReader(doc);
  const kubernetes = spec.compute !== undefined;
  if (kubernetes) {
    for (const k of MANAGED_ENDPOINT_ONLY)
      if (spec[k] !== undefined)
        t.fail(
          [k],
          `is a field of managed online endpoints; a Kubernetes online endpoint (compute) has no '${k}'`,
          'remove it, or remove compute for a managed endpoint',
        );
  }
  t.checkKeys(
    spec,
    ['$schema', 'name', 'auth_mode', 'description', 'tags', 'identity', 'public_network_access', 'traffic', 'mirror_traffic', 'kind', 'properties', 'compute'],
    [],
    kubernetes ? 'Kubernetes online endpoint' : 'online endpoint',
  );
  if (typeof spec.name !== 'string') throw doc.error([], "an endpoint needs 'name'");
  const bad = checkEndpointName(spec.name);
  if (bad) throw doc.error(['name'], `'${spec.name}' is not a valid endpoint name`, bad);
  const props: Obj = {};
  const mode = spec.auth_mode === undefined ? 'key' : t.str(spec.auth_mode, ['auth_mode']).toLowerCase();
  if (!AUTH_MODES[mode]) throw doc.error(['auth_mode'], `'${mode}' is not an auth mode`, 'valid: key, aml_token, aad_token');
  props.authMode = AUTH_MODES[mode];
  if (spec.description !== undefined) props.description = t.str(spec.description, ['description']);
  if (spec.public_network_access !== undefined) {
    const v = t.str(spec.public_network_access, ['public_network_access']).toLowerCase();
    if (v !== 'enabled' && v !== 'disabled') throw doc.error(['public_network_access'], "must be 'enabled' or 'disabled'");
    props.publicNetworkAccess = v === 'enabled' ? 'Enabled' : 'Disabled';
  }
  if (spec.properties !== undefined) props.properties = t.stringMap(spec.properties, ['properties']);
  let declaredTraffic: TrafficState | undefined;
  if (spec.traffic !== undefined || spec.mirror_traffic !== undefined) {
    const traffic = percentMap(doc, spec.traffic, 'traffic');
    const mirror = percentMap(doc, spec.mirror_traffic, 'mirror_traffic');
    const live = trafficProblems({ traffic, mirror: {} });
    if (live.length > 0) throw doc.error(['traffic'], live.join('; '), 'live traffic is whole percents of deployments summing to 0 or 100');
    const mirrored = trafficProblems({ traffic, mirror });
    if (mirrored.length > 0)
      throw doc.error(['mirror_traffic'], mirrored.join('; '), 'mirror_traffic is at most 50 percent, to one deployment that takes no live traffic');
    declaredTraffic = { traffic, mirror };
  }
  const body: EndpointPlan['body'] = { properties: props };
  if (spec.kind !== undefined) body.kind = t.str(spec.kind, ['kind']);
  if (spec.tags !== undefined) body.tags = t.stringMap(spec.tags, ['tags']);
  if (spec.identity !== undefined) {
    if (!isObj(spec.identity)) throw doc.error(['identity'], 'must be a map with a type');
    const type = t.str(spec.identity.type, ['identity', 'type']).toLowerCase();
    const map: Record<string, string> = { system_assigned: 'SystemAssigned', user_assigned: 'UserAssigned', none: 'None' };
    if (!map[type]) throw doc.error(['identity', 'type'], `'${type}' is not an identity type`, 'valid: system_assigned, user_assigned, none');
    body.identity = { type: map[type] };
  }
  const plan: EndpointPlan = { name: spec.name, body, ...(declaredTraffic ? { declaredTraffic } : {}) };
  if (kubernetes) {
    plan.compute = endpointCompute(t, doc, spec.compute);
    if (o.workspaceId) setEndpointCompute(plan, o.workspaceId);
  }
  return plan;
}

function percentMap(doc: SpecDocument, v: unknown, key: string): Record<string, number> {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw doc.error([key], 'must be a map of deployment name to percent');
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(v)) {
    if (typeof n !== 'number' || !Number.isInteger(n)) throw doc.error([key, name], `must be a whole percent, got ${JSON.stringify(n)}`);
    out[name] = n;
  }
  return out;
}

/**
 * The endpoint file's `traffic` / `mirror_traffic` against the endpoint before the rollout: every
 * name must be a deployment of the endpoint (or the new one), and the maps must be what the
 * endpoint holds now — the deploy action moves traffic itself, in stages, and never to a split
 * written in a file. Throws a ConfigurationError at the field's file and line.
 */
export function checkDeclaredTraffic(
  doc: SpecDocument,
  plan: EndpointPlan,
  current: TrafficState,
  deployments: readonly string[],
  newDeployment: string,
): void {
  const declared = plan.declaredTraffic;
  if (!declared) return;
  const known = new Set([...deployments, newDeployment]);
  const listed = deployments.length > 0 ? deployments.join(', ') : 'none yet';
  for (const [key, map] of [
    ['traffic', declared.traffic],
    ['mirror_traffic', declared.mirror],
  ] as const) {
    for (const name of Object.keys(map)) {
      if (!known.has(name))
        throw doc.error(
          [key, name],
          `'${name}' is not a deployment of endpoint ${plan.name} (deployments: ${listed})`,
          `name a deployment of the endpoint or '${newDeployment}', the new one`,
        );
    }
  }
  if (!trafficStateEquals(declared, current)) {
    const key = trafficEquals(declared.traffic, current.traffic) ? 'mirror_traffic' : 'traffic';
    throw doc.error(
      [key],
      `says ${formatTrafficState(declared)}, but endpoint ${plan.name} holds ${formatTrafficState(current)}: the deploy action moves traffic itself, in stages, and rolls back to what the endpoint holds now`,
      'remove traffic and mirror_traffic from the endpoint file, or make them match the endpoint',
    );
  }
}

function seconds(t: FieldReader, v: unknown, path: SpecPath): string {
  return `PT${t.int(v, path)}S`;
}

const MANAGED_DEPLOYMENT_KEYS = [
  '$schema',
  'name',
  'endpoint_name',
  'type',
  'description',
  'tags',
  'model',
  'code_configuration',
  'environment',
  'environment_variables',
  'instance_type',
  'instance_count',
  'app_insights_enabled',
  'request_settings',
  'liveness_probe',
  'readiness_probe',
  'scale_settings',
  'egress_public_network_access',
  'model_mount_path',
  'properties',
  'data_collector',
];

/**
 * Fields of `az ml online-deployment` YAML with `type: kubernetes` (azure-ai-ml
 * _schema/_deployment/online/online_deployment.py KubernetesOnlineDeploymentSchema: the online
 * deployment fields and `resources`; `egress_public_network_access` is a managed field).
 */
const KUBERNETES_DEPLOYMENT_KEYS = [...MANAGED_DEPLOYMENT_KEYS.filter((k) => k !== 'egress_public_network_access'), 'resources'];

export async function planDeployment(doc: SpecDocument, fileOnDisk: string, o: PlanOptions & { endpointName?: string }): Promise<DeploymentPlan> {
  const spec = doc.value;
  if (!isObj(spec)) throw doc.error([], 'a deployment file must be a YAML map');
  const t = new PlanContext(doc, fileOnDisk, o);
  for (const k of BATCH_ONLY_FIELDS)
    if (spec[k] !== undefined)
      t.fail([k], `is a field of batch deployments; a managed online deployment has no '${k}'`, 'deploy a batch deployment YAML to a batch endpoint');
  const type = spec.type === undefined ? 'managed' : t.str(spec.type, ['type']).toLowerCase();
  if (type !== 'managed' && type !== 'kubernetes')
    throw doc.error(['type'], `'${String(spec.type)}' is not an online deployment type`, 'valid: managed, kubernetes');
  const kubernetes = type === 'kubernetes';
  if (!kubernetes && spec.resources !== undefined)
    t.fail(
      ['resources'],
      "is a field of Kubernetes online deployments; a managed deployment's resources come from its instance_type",
      "add 'type: kubernetes' for a Kubernetes online endpoint",
    );
  if (kubernetes && spec.egress_public_network_access !== undefined)
    t.fail(['egress_public_network_access'], 'is a field of managed online deployments; a Kubernetes online deployment has none', 'remove it');
  t.checkKeys(
    spec,
    kubernetes ? KUBERNETES_DEPLOYMENT_KEYS : MANAGED_DEPLOYMENT_KEYS,
    [],
    kubernetes ? 'Kubernetes online deployment' : 'managed online deployment',
  );
  const { name, endpointName } = deploymentNames(t, spec, o.endpointName);
  const props: Obj = { endpointComputeType: kubernetes ? 'Kubernetes' : 'Managed' };
  if (spec.description !== undefined) props.description = t.str(spec.description, ['description']);
  const modelId = await deploymentModel(t, spec.model);
  props.model = modelId;
  if (spec.code_configuration !== undefined) props.codeConfiguration = await codeConfiguration(t, spec.code_configuration);
  if (spec.environment !== undefined) props.environmentId = await environmentId(t, spec.environment, ['environment']);
  else if (spec.code_configuration !== undefined) throw doc.error([], 'a deployment with scoring code needs an environment');
  const env = t.stringMap(spec.environment_variables, ['environment_variables']);
  if (env) props.environmentVariables = env;
  if (spec.instance_type !== undefined) props.instanceType = t.str(spec.instance_type, ['instance_type']);
  if (spec.app_insights_enabled !== undefined) props.appInsightsEnabled = Boolean(spec.app_insights_enabled);
  if (spec.model_mount_path !== undefined) props.modelMountPath = t.str(spec.model_mount_path, ['model_mount_path']);
  if (spec.properties !== undefined) props.properties = t.stringMap(spec.properties, ['properties']);
  if (spec.egress_public_network_access !== undefined) {
    const v = t.str(spec.egress_public_network_access, ['egress_public_network_access']).toLowerCase();
    if (v !== 'enabled' && v !== 'disabled') throw doc.error(['egress_public_network_access'], "must be 'enabled' or 'disabled'");
    props.egressPublicNetworkAccess = v === 'enabled' ? 'Enabled' : 'Disabled';
  }
  if (spec.request_settings !== undefined) props.requestSettings = requestSettings(t, spec.request_settings);
  for (const [key, wire] of [
    ['liveness_probe', 'livenessProbe'],
    ['readiness_probe', 'readinessProbe'],
  ] as const) {
    if (spec[key] !== undefined) props[wire] = probe(t, spec[key], key);
  }
  if (spec.scale_settings !== undefined) props.scaleSettings = scaleSettings(t, spec.scale_settings);
  if (spec.resources !== undefined) props.containerResourceRequirements = containerResources(t, spec.resources);
  if (spec.data_collector !== undefined) props.dataCollector = dataCollector(t, spec.data_collector, ['data_collector']);
  const body: DeploymentPlan['body'] = { properties: props };
  body.sku = { name: 'Default', capacity: spec.instance_count === undefined ? 1 : t.int(spec.instance_count, ['instance_count'], 1) };
  if (spec.tags !== undefined) body.tags = t.stringMap(spec.tags, ['tags']);
  return { name, endpointName, body, uploads: t.uploads, assets: t.assets, modelId };
}

/** `name` (checked) and `endpoint_name` (which must be the endpoint this step deploys to). */
function deploymentNames(t: PlanContext, spec: Obj, endpointInput: string | undefined): { name?: string; endpointName?: string } {
  let name: string | undefined;
  if (spec.name !== undefined) {
    name = t.str(spec.name, ['name']);
    const bad = checkDeploymentName(name);
    if (bad) throw t.doc.error(['name'], `'${name}' is not a valid deployment name`, bad);
  }
  const endpointName = spec.endpoint_name === undefined ? undefined : t.str(spec.endpoint_name, ['endpoint_name']);
  if (endpointName !== undefined && endpointInput !== undefined && endpointName !== endpointInput) {
    throw t.doc.error(
      ['endpoint_name'],
      `names endpoint '${endpointName}', but this step deploys to endpoint '${endpointInput}'`,
      'make endpoint_name match the endpoint input, or remove it',
    );
  }
  return { name, endpointName };
}

/** `model`: a model reference, or an inline model with a local path (planned as a model version). */
export async function deploymentModel(t: PlanContext, v: unknown): Promise<string> {
  if (v === undefined) throw t.doc.error([], "a deployment needs 'model'");
  if (typeof v === 'string') {
    const r = t.ref(v, ['model']);
    if (r.kind === 'asset') return t.assetVersionId('models', r, ['model']);
    if (r.kind === 'arm-id') return r.id;
    if (r.kind === 'registry' && r.assetType === 'models') return r.uri;
    throw t.doc.error(
      ['model'],
      `'${v}' is not a model reference`,
      'azureml:<name>:<version>, azureml:<name>@latest, a registry model, or an inline model with a path',
    );
  }
  if (!isObj(v)) throw t.doc.error(['model'], 'must be a model reference or an inline model with a path');
  return inlineModel(t, v);
}

const MODEL_TYPES: Record<string, string> = { custom_model: 'custom_model', mlflow_model: 'mlflow_model', triton_model: 'triton_model' };

async function inlineModel(t: PlanContext, m: Obj): Promise<string> {
  t.checkKeys(m, ['$schema', 'name', 'version', 'path', 'type', 'description', 'tags'], ['model'], 'inline model');
  if (m.path === undefined) throw t.doc.error(['model'], 'an inline model needs a path');
  const upload = await t.snapshotOf(t.str(m.path, ['model', 'path']), ['model', 'path'], 'model');
  const type = m.type === undefined ? 'custom_model' : lookup(MODEL_TYPES, t.str(m.type, ['model', 'type']));
  if (!type) throw t.doc.error(['model', 'type'], `'${String(m.type)}' is not a model type`, 'valid: custom_model, mlflow_model, triton_model');
  const name = m.name !== undefined ? t.str(m.name, ['model', 'name']) : 'azureml_anonymous';
  const version = m.version !== undefined ? t.str(m.version, ['model', 'version']) : versionHash(upload.snapshot.hash);
  const id = assetId(t.o.workspaceId, 'models', name, version);
  const props: Obj = {
    modelType: type,
    modelUri: t.datastoreUri(upload.datastorePath, !upload.snapshot.isFile),
    isAnonymous: m.name === undefined,
    properties: { contentHash: upload.snapshot.hash },
  };
  if (m.description !== undefined) props.description = t.str(m.description, ['model', 'description']);
  if (m.tags !== undefined) props.tags = t.stringMap(m.tags, ['model', 'tags']);
  return t.addAsset({ kind: 'models', name, version, id, body: { properties: props }, upload });
}

function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export async function codeConfiguration(t: PlanContext, v: unknown): Promise<Obj> {
  if (!isObj(v)) throw t.doc.error(['code_configuration'], 'must be a map with code and scoring_script');
  t.checkKeys(v, ['code', 'scoring_script'], ['code_configuration'], 'code configuration');
  if (v.scoring_script === undefined) throw t.doc.error(['code_configuration'], "needs 'scoring_script'");
  return {
    codeId: await codeId(t, v.code, ['code_configuration', 'code']),
    scoringScript: t.str(v.scoring_script, ['code_configuration', 'scoring_script']),
  };
}

function requestSettings(t: PlanContext, v: unknown): Obj {
  const path = ['request_settings'];
  const rs = t.map(v, path);
  t.checkKeys(rs, ['request_timeout_ms', 'max_concurrent_requests_per_instance', 'max_queue_wait_ms'], path, 'request settings');
  const out: Obj = {};
  if (rs.request_timeout_ms !== undefined) out.requestTimeout = `PT${t.int(rs.request_timeout_ms, [...path, 'request_timeout_ms'], 1) / 1000}S`;
  if (rs.max_queue_wait_ms !== undefined) out.maxQueueWait = `PT${t.int(rs.max_queue_wait_ms, [...path, 'max_queue_wait_ms']) / 1000}S`;
  if (rs.max_concurrent_requests_per_instance !== undefined)
    out.maxConcurrentRequestsPerInstance = t.int(rs.max_concurrent_requests_per_instance, [...path, 'max_concurrent_requests_per_instance'], 1);
  return out;
}

function probe(t: PlanContext, v: unknown, key: string): Obj {
  const pr = t.map(v, [key]);
  t.checkKeys(pr, ['initial_delay', 'period', 'timeout', 'success_threshold', 'failure_threshold'], [key], 'probe');
  const out: Obj = {};
  if (pr.initial_delay !== undefined) out.initialDelay = seconds(t, pr.initial_delay, [key, 'initial_delay']);
  if (pr.period !== undefined) out.period = seconds(t, pr.period, [key, 'period']);
  if (pr.timeout !== undefined) out.timeout = seconds(t, pr.timeout, [key, 'timeout']);
  if (pr.success_threshold !== undefined) out.successThreshold = t.int(pr.success_threshold, [key, 'success_threshold'], 1);
  if (pr.failure_threshold !== undefined) out.failureThreshold = t.int(pr.failure_threshold, [key, 'failure_threshold'], 1);
  return out;
}

/** A Kubernetes resource quantity (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/): `0.1`, `100m`, `2Gi`, `200Mi`. */
const QUANTITY = /^[+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/**
 * `resources: { requests, limits }` of a Kubernetes deployment → `containerResourceRequirements`
 * (azure-ai-ml _schema/_deployment/online/resource_requirements_schema.py and
 * resource_settings_schema.py: cpu, memory, gpu, with `nvidia.com/gpu` read as gpu; swagger
 * ContainerResourceRequirements / ContainerResourceSettings). Quantities are strings on the wire.
 */
function containerResources(t: PlanContext, v: unknown): Obj {
  const path = ['resources'];
  const r = t.map(v, path, 'must be a map with requests and limits');
  t.checkKeys(r, ['requests', 'limits'], path, 'resources');
  const out: Obj = {};
  for (const [key, wire] of [
    ['requests', 'containerResourceRequests'],
    ['limits', 'containerResourceLimits'],
  ] as const) {
    if (r[key] === undefined || r[key] === null) continue;
    const at = [...path, key];
    const settings = t.map(r[key], at, 'must be a map of cpu, memory, nvidia.com/gpu');
    t.checkKeys(settings, ['cpu', 'memory', 'gpu', 'nvidia.com/gpu'], at, `resource ${key}`);
    if (settings.gpu !== undefined && settings['nvidia.com/gpu'] !== undefined) t.fail([...at, 'gpu'], "is given twice, as 'gpu' and as 'nvidia.com/gpu'");
    const one: Obj = {};
    for (const [yamlKey, wireKey] of [
      ['cpu', 'cpu'],
      ['memory', 'memory'],
      ['gpu', 'gpu'],
      ['nvidia.com/gpu', 'gpu'],
    ] as const) {
      const q = settings[yamlKey];
      if (q === undefined || q === null) continue;
      const text = typeof q === 'number' ? String(q) : t.str(q, [...at, yamlKey]);
      if (!QUANTITY.test(text))
        t.fail([...at, yamlKey], `'${text}' is not a Kubernetes quantity`, 'e.g. "0.5" or "500m" CPU, "512Mi" or "2Gi" memory, "1" GPU');
      one[wireKey] = text;
    }
    out[wire] = one;
  }
  return out;
}

function scaleSettings(t: PlanContext, v: unknown): Obj {
  const path = ['scale_settings'];
  const ss = t.map(v, path, 'must be a map with a type');
  const type = ss.type === undefined ? 'default' : t.str(ss.type, [...path, 'type']).toLowerCase();
  if (type === 'default') {
    t.checkKeys(ss, ['type'], path, 'default scale settings');
    return { scaleType: 'Default' };
  }
  if (type !== 'target_utilization') throw t.doc.error([...path, 'type'], `'${type}' is not a scale type`, 'valid: default, target_utilization');
  t.checkKeys(ss, ['type', 'min_instances', 'max_instances', 'polling_interval', 'target_utilization_percentage'], path, 'target utilization scale settings');
  const out: Obj = { scaleType: 'TargetUtilization' };
  if (ss.min_instances !== undefined) out.minInstances = t.int(ss.min_instances, [...path, 'min_instances'], 1);
  if (ss.max_instances !== undefined) out.maxInstances = t.int(ss.max_instances, [...path, 'max_instances'], 1);
  if (ss.polling_interval !== undefined) out.pollingInterval = seconds(t, ss.polling_interval, [...path, 'polling_interval']);
  if (ss.target_utilization_percentage !== undefined)
    out.targetUtilizationPercentage = t.int(ss.target_utilization_percentage, [...path, 'target_utilization_percentage'], 1);
  return out;
}
