/**
 * `az ml batch-endpoint` and `az ml batch-deployment` YAML → the ARM BatchEndpoint and
 * BatchDeployment bodies of api-version 2024-10-01 (mfe.json: BatchEndpointTrackedResource,
 * BatchDeploymentTrackedResource), with the uploads and assets (model, code, environment,
 * pipeline component) they need. As for online files, every field is translated or refused by
 * name with file and line; fields of online endpoints and deployments are refused as such.
 */
import type { SpecDocument, SpecPath } from './document.js';
import { FieldReader } from './fields.js';
import { isObj, type Obj } from '../core/obj.js';
import { environmentId } from './job/assets.js';
import { computeId } from './job/common.js';
import { componentRef } from './job/components.js';
import { pipelineComponentFile } from './job/pipeline-steps.js';
import { PlanContext, type PlannedAsset, type PlannedUpload, type PlanOptions } from './plan.js';
import { checkDeploymentName, checkEndpointName, codeConfiguration, deploymentModel } from './deployment.js';
import { BATCH_RUN_SETTINGS } from './batch-fields.js';

export type EndpointKind = 'batch' | 'online';

/**
 * The kind of an endpoint or deployment file, from its `$schema` (az ml's schema names:
 * batchEndpoint, batchDeployment, modelBatchDeployment, pipelineComponentBatchDeployment;
 * managedOnline*, kubernetesOnline*); undefined when the file names no such schema.
 */
export function endpointKindOf(spec: unknown): EndpointKind | undefined {
  if (!isObj(spec) || typeof spec.$schema !== 'string') return undefined;
  const file = spec.$schema.split('/').pop()?.toLowerCase() ?? '';
  if (/^(batchendpoint|batchdeployment|modelbatchdeployment|pipelinecomponentbatchdeployment)\.schema\.json$/.test(file)) return 'batch';
  if (/^(managed|kubernetes)online(endpoint|deployment)\.schema\.json$/.test(file)) return 'online';
  return undefined;
}

/** Fields only online endpoints / deployments have (azure-ai-ml _schema/_endpoint/online, _deployment/online). */
const ONLINE_ENDPOINT_FIELDS = ['traffic', 'mirror_traffic', 'public_network_access', 'compute'];
const ONLINE_DEPLOYMENT_FIELDS = [
  'instance_type',
  'instance_count',
  'request_settings',
  'liveness_probe',
  'readiness_probe',
  'scale_settings',
  'app_insights_enabled',
  'data_collector',
  'egress_public_network_access',
  'model_mount_path',
];

function refuseOnline(t: FieldReader, spec: Obj, fields: readonly string[], what: string, hint: string): void {
  if (endpointKindOf(spec) === 'online')
    t.fail(
      ['$schema'],
      `names the schema of an online ${what}, not of a batch ${what}`,
      `give a batch ${what} file ($schema: .../batch${what === 'endpoint' ? 'Endpoint' : 'Deployment'}.schema.json)`,
    );
  for (const k of fields) {
    if (spec[k] !== undefined) t.fail([k], `is a field of online ${what}s; a batch ${what} has no '${k}'`, hint);
  }
}

export interface BatchEndpointPlan {
  name: string;
  body: { identity?: Obj; tags?: Record<string, string>; properties: Obj };
}

// Batch endpoints take Microsoft Entra tokens only: "Batch endpoints support Microsoft Entra
// authentication, or aad_token" (learn.microsoft.com/azure/machine-learning/how-to-authenticate-batch-endpoint).
const BATCH_AUTH_MODES: Record<string, string> = { aad_token: 'AADToken' };
const IDENTITY_TYPES: Record<string, string> = { system_assigned: 'SystemAssigned', user_assigned: 'UserAssigned', none: 'None' };

/** `az ml batch-endpoint` YAML (azure-ai-ml _schema/_endpoint/batch/batch_endpoint.py) → BatchEndpoint. */
export function planBatchEndpoint(doc: SpecDocument): BatchEndpointPlan {
  const spec = doc.value;
  if (!isObj(spec)) throw doc.error([], 'an endpoint file must be a YAML map');
  const t: FieldReader = new FieldReader(doc);
  refuseOnline(
    t,
    spec,
    ONLINE_ENDPOINT_FIELDS,
    'endpoint',
    "a batch endpoint's default deployment is set by defaults.deployment_name; it runs on the compute its deployments name",
  );
  t.checkKeys(spec, ['$schema', 'name', 'description', 'tags', 'properties', 'auth_mode', 'identity', 'defaults'], [], 'batch endpoint');
  if (typeof spec.name !== 'string') t.fail([], "a batch endpoint needs 'name'");
  const bad = checkEndpointName(spec.name);
  if (bad) t.fail(['name'], `'${spec.name}' is not a valid endpoint name`, bad);
  const props: Obj = {};
  const mode = spec.auth_mode === undefined ? 'aad_token' : t.str(spec.auth_mode, ['auth_mode']).toLowerCase();
  props.authMode = t.oneOf(mode, ['auth_mode'], BATCH_AUTH_MODES, 'an auth mode of batch endpoints (they take Microsoft Entra tokens only)');
  if (spec.description !== undefined) props.description = t.str(spec.description, ['description']);
  if (spec.properties !== undefined) props.properties = t.stringMap(spec.properties, ['properties']);
  if (spec.defaults !== undefined && spec.defaults !== null) {
    const d = t.map(spec.defaults, ['defaults']);
    t.checkKeys(d, ['deployment_name'], ['defaults'], 'batch endpoint defaults');
    if (d.deployment_name !== undefined) props.defaults = { deploymentName: t.str(d.deployment_name, ['defaults', 'deployment_name']) };
  }
  const body: BatchEndpointPlan['body'] = { properties: props };
  if (spec.tags !== undefined) body.tags = t.stringMap(spec.tags, ['tags']);
  if (spec.identity !== undefined) {
    const id = t.map(spec.identity, ['identity'], 'must be a map with a type');
    t.checkKeys(id, ['type'], ['identity'], 'batch endpoint identity');
    body.identity = { type: t.oneOf(t.str(id.type, ['identity', 'type']).toLowerCase(), ['identity', 'type'], IDENTITY_TYPES, 'an identity type') };
  }
  return { name: spec.name, body };
}

export interface BatchDeploymentPlan {
  name: string;
  endpointName?: string;
  /** `model` or `pipeline` (az ml's BatchDeploymentType). */
  type: 'model' | 'pipeline';
  body: { tags?: Record<string, string>; properties: Obj };
  uploads: PlannedUpload[];
  assets: PlannedAsset[];
  /** The model's id (model deployments) or the pipeline component's id. */
  targetId: string;
}

const COMMON_KEYS = ['$schema', 'name', 'endpoint_name', 'type', 'description', 'tags', 'properties'];
// ModelBatchDeploymentSchema (batch-fields.ts) and DeploymentSchema's model, code, environment.
const RUN_SETTINGS: readonly string[] = BATCH_RUN_SETTINGS;
const MODEL_KEYS = [...COMMON_KEYS, 'model', 'code_configuration', 'environment', 'compute', 'resources', 'settings', ...RUN_SETTINGS];
// ModelBatchDeploymentSettingsSchema (model_batch_deployment_settings.py): the `settings:` nesting.
const SETTINGS_KEYS = [...RUN_SETTINGS, 'instance_count'];
// PipelineComponentBatchDeploymentSchema (pipeline_component_batch_deployment_schema.py).
const PIPELINE_KEYS = [...COMMON_KEYS, 'component', 'settings', 'job_definition'];

const OUTPUT_ACTIONS: Record<string, string> = { append_row: 'AppendRow', summary_only: 'SummaryOnly' };
const LOGGING_LEVELS: Record<string, string> = { info: 'Info', warning: 'Warning', debug: 'Debug' };

/** `az ml batch-deployment` YAML → BatchDeployment (model or pipeline component deployment). */
export async function planBatchDeployment(doc: SpecDocument, fileOnDisk: string, o: PlanOptions & { endpointName?: string }): Promise<BatchDeploymentPlan> {
  const spec = doc.value;
  if (!isObj(spec)) throw doc.error([], 'a deployment file must be a YAML map');
  const t: PlanContext = new PlanContext(doc, fileOnDisk, o);
  refuseOnline(
    t,
    spec,
    ONLINE_DEPLOYMENT_FIELDS,
    'deployment',
    'a batch deployment runs on a compute cluster: compute, resources.instance_count, and settings (mini_batch_size, max_concurrency_per_instance, retry_settings, ...)',
  );
  const written = spec.type === undefined ? 'model' : t.str(spec.type, ['type']).toLowerCase();
  if (written !== 'model' && written !== 'pipeline') t.fail(['type'], `'${written}' is not a batch deployment type`, 'valid: model, pipeline');
  const type: 'model' | 'pipeline' = written;
  t.checkKeys(spec, type === 'model' ? MODEL_KEYS : PIPELINE_KEYS, [], `${type} batch deployment`);
  if (spec.name === undefined) t.fail([], "a batch deployment needs 'name'");
  const name = t.str(spec.name, ['name']);
  const bad = checkDeploymentName(name);
  if (bad) t.fail(['name'], `'${name}' is not a valid deployment name`, bad);
  const endpointName = spec.endpoint_name === undefined ? undefined : t.str(spec.endpoint_name, ['endpoint_name']);
  if (endpointName !== undefined && o.endpointName !== undefined && endpointName !== o.endpointName)
    t.fail(
      ['endpoint_name'],
      `names endpoint '${endpointName}', but this step deploys to endpoint '${o.endpointName}'`,
      'make endpoint_name match the endpoint input, or remove it',
    );
  const props: Obj = {};
  if (spec.description !== undefined) props.description = t.str(spec.description, ['description']);
  if (spec.properties !== undefined) props.properties = t.stringMap(spec.properties, ['properties']);
  const targetId = type === 'model' ? await modelDeployment(t, spec, props) : await pipelineDeployment(t, spec, props);
  const body: BatchDeploymentPlan['body'] = { properties: props };
  if (spec.tags !== undefined) body.tags = t.stringMap(spec.tags, ['tags']);
  return { name, ...(endpointName !== undefined ? { endpointName } : {}), type, body, uploads: t.uploads, assets: t.assets, targetId };
}

async function modelDeployment(t: PlanContext, spec: Obj, props: Obj): Promise<string> {
  const modelId = await deploymentModel(t, spec.model);
  // model_batch_deployment.py _to_rest_object: model=IdAssetReference(asset_id=...).
  props.model = { referenceType: 'Id', assetId: modelId };
  if (spec.code_configuration !== undefined && spec.environment === undefined) t.fail([], 'a batch deployment with a scoring script needs an environment');
  if (spec.code_configuration !== undefined) props.codeConfiguration = await codeConfiguration(t, spec.code_configuration);
  if (spec.environment !== undefined) props.environmentId = await environmentId(t, spec.environment, ['environment']);
  // compute is required (ModelBatchDeploymentSchema: ComputeField(required=True)); az ml sends
  // its ARM id (_utils/_endpoint_utils.py upload_dependencies: get_asset_arm_id(deployment.compute, COMPUTE)).
  if (spec.compute === undefined) t.fail([], "a model batch deployment needs 'compute' (azureml:<compute cluster>)");
  const compute = computeId(t, spec.compute, ['compute']);
  if (!compute) t.fail(['compute'], 'batch deployments run on a compute cluster, not serverless', 'write azureml:<compute-cluster-name>');
  props.compute = compute;
  const resources: Obj = {};
  if (spec.resources !== undefined && spec.resources !== null) {
    const r = t.map(spec.resources, ['resources']);
    t.checkKeys(r, ['instance_count', 'instance_type', 'properties'], ['resources'], 'batch deployment resources');
    if (r.instance_count !== undefined) resources.instanceCount = t.int(r.instance_count, ['resources', 'instance_count'], 1);
    if (r.instance_type !== undefined) resources.instanceType = t.str(r.instance_type, ['resources', 'instance_type']);
    if (r.properties !== undefined) resources.properties = t.map(r.properties, ['resources', 'properties']);
  }
  // The run settings are top-level fields (batchDeployment.schema.json) or nested under
  // `settings:` (modelBatchDeployment.schema.json); a field given both ways is ambiguous.
  const settings = spec.settings === undefined || spec.settings === null ? {} : t.map(spec.settings, ['settings']);
  t.checkKeys(settings, SETTINGS_KEYS, ['settings'], 'model batch deployment settings');
  const field = (k: string): { v: unknown; path: SpecPath } | undefined => {
    if (spec[k] !== undefined && settings[k] !== undefined) t.fail(['settings', k], `'${k}' is given both at the top level and under settings`, 'keep one');
    if (settings[k] !== undefined) return { v: settings[k], path: ['settings', k] };
    if (spec[k] !== undefined) return { v: spec[k], path: [k] };
    return undefined;
  };
  const ic = field('instance_count');
  if (ic) {
    // az ml keeps resources.instance_count when both are given (entities/_deployment/model_batch_deployment.py
    // __init__); two different counts are refused rather than one silently dropped.
    const n = t.int(ic.v, ic.path, 1);
    if (resources.instanceCount !== undefined && resources.instanceCount !== n)
      t.fail(ic.path, `instance_count ${n} differs from resources.instance_count ${String(resources.instanceCount)} (az ml would use the latter)`, 'keep one');
    resources.instanceCount = n;
  }
  if (Object.keys(resources).length > 0) props.resources = resources;
  const mbs = field('mini_batch_size');
  if (mbs) props.miniBatchSize = t.int(mbs.v, mbs.path, 1);
  const mc = field('max_concurrency_per_instance');
  if (mc) props.maxConcurrencyPerInstance = t.int(mc.v, mc.path, 1);
  // BatchDeployment._yaml_output_action_to_rest_output_action: append_row → AppendRow, summary_only → SummaryOnly.
  const oa = field('output_action');
  if (oa) props.outputAction = t.oneOf(t.str(oa.v, oa.path).toLowerCase(), oa.path, OUTPUT_ACTIONS, 'an output action');
  const ofn = field('output_file_name');
  if (ofn) {
    // model_batch_deployment.py _validate_output_action: "When output_action is set to summary_only,
    // the output_file_name need not to be specified." (a ValidationException)
    if (props.outputAction === 'SummaryOnly')
      t.fail(
        ofn.path,
        'names an output file, but output_action is summary_only (no predictions file is written)',
        'use output_action: append_row, or remove output_file_name',
      );
    props.outputFileName = t.str(ofn.v, ofn.path);
  }
  const et = field('error_threshold');
  if (et) {
    const n = typeof et.v === 'string' && /^-?\d+$/.test(et.v) ? Number(et.v) : et.v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < -1) t.fail(et.path, 'must be a whole number ≥ -1 (-1 ignores every failure)');
    props.errorThreshold = n;
  }
  // az ml sends logging_level as written (model_batch_deployment.py _to_rest_object); the wire enum
  // BatchLoggingLevel is Info / Warning / Debug, sent here in that spelling.
  const ll = field('logging_level');
  if (ll) props.loggingLevel = t.oneOf(t.str(ll.v, ll.path).toLowerCase(), ll.path, LOGGING_LEVELS, 'a logging level');
  const rs = field('retry_settings');
  if (rs) {
    const m = t.map(rs.v, rs.path);
    t.checkKeys(m, ['max_retries', 'timeout'], rs.path, 'retry settings');
    const out: Obj = {};
    if (m.max_retries !== undefined) out.maxRetries = t.int(m.max_retries, [...rs.path, 'max_retries']);
    // timeout is in seconds (BatchRetrySettingsSchema: fields.Int); the wire takes an ISO 8601 duration
    // (entities/_deployment/deployment_settings.py BatchRetrySettings._to_rest_object: to_iso_duration_format).
    if (m.timeout !== undefined) out.timeout = `PT${t.int(m.timeout, [...rs.path, 'timeout'], 1)}S`;
    props.retrySettings = out;
  }
  const ev = field('environment_variables');
  if (ev) props.environmentVariables = t.stringMap(ev.v, ev.path);
  return modelId;
}

/**
 * `type: pipeline`: a pipeline component (file → component version, or reference) →
 * deploymentConfiguration BatchPipelineComponentDeploymentConfiguration (componentId, settings).
 */
async function pipelineDeployment(t: PlanContext, spec: Obj, props: Obj): Promise<string> {
  // az ml deploys a pipeline job by first creating a component from it (PipelineComponent(source_job_id=...)
  // sent with api 2023-02-01-preview: operations/_batch_deployment_operations.py _validate_component);
  // the 2024-10-01 ComponentVersion has componentSpec only, so there is no body for it here.
  if (spec.job_definition !== undefined)
    t.fail(
      ['job_definition'],
      'a deployment from a pipeline job has no place in the 2024-10-01 BatchDeployment body: az ml first makes a component from the job (sourceJobId), which the 2024-10-01 ComponentVersion does not have',
      'deploy the pipeline as a component: component: <pipeline component file or azureml:<name>@latest>',
    );
  if (spec.component === undefined) t.fail([], "a pipeline batch deployment needs 'component': a pipeline component file or reference");
  let componentId: string;
  if (isObj(spec.component)) t.fail(['component'], 'inline components are not supported; put the pipeline component in its own YAML file and give its path');
  const raw = t.str(spec.component, ['component']);
  const r = t.ref(raw, ['component']);
  if (r.kind === 'local') componentId = await t.planFile(r.path, ['component'], 'pipeline component', pipelineComponentFile);
  else componentId = await componentRef(t, raw, ['component']);
  // entities/_deployment/pipeline_component_batch_deployment.py _to_rest_object: a component file's
  // tags and description go with it; a reference goes alone.
  const config: Obj = { deploymentConfigurationType: 'PipelineComponent', componentId: { referenceType: 'Id', assetId: componentId } };
  if (r.kind === 'local') {
    const planned = t.assets.find((a) => a.id === componentId)?.body.properties.componentSpec;
    if (isObj(planned) && planned.description !== undefined) config.description = planned.description;
    if (isObj(planned) && planned.tags !== undefined) config.tags = planned.tags;
  }
  if (spec.settings !== undefined && spec.settings !== null) {
    // settings: a map of strings on the wire (BatchPipelineComponentDeploymentConfiguration.settings);
    // booleans go as Python writes them: az ml passes the YAML dict as it is (pipeline_component_batch_deployment.py
    // _to_rest_object: settings=self.settings) and msrest serializes a {str} value with str() (serialize_unicode).
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(t.map(spec.settings, ['settings']))) {
      if (isObj(v) || Array.isArray(v)) t.fail(['settings', k], 'must be a string, number or boolean');
      out[k] = typeof v === 'boolean' ? (v ? 'True' : 'False') : v === null ? '' : String(v);
    }
    config.settings = out;
  }
  props.deploymentConfiguration = config;
  return componentId;
}
