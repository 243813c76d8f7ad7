/**
 * The parts every job type shares: the top-level fields (name, tags, compute, identity, services,
 * queue settings) and the run settings a command, a sweep trial and a pipeline step share
 * (resources, distribution, command limits).
 */
import type { SpecPath } from '../document.js';
import { type Obj } from '../../core/obj.js';
import type { PlanContext } from '../plan.js';
import type { Reference } from '../references.js';

/** Fields every job type takes. */
export const COMMON_KEYS = [
  '$schema',
  'type',
  'name',
  'display_name',
  'experiment_name',
  'description',
  'tags',
  'properties',
  'compute',
  'identity',
  'services',
  'queue_settings',
];

/**
 * The common top-level fields → the start of `properties`. `at` is where `spec` sits in the file:
 * `[]` for a job file, `['jobs', '<step>']` for a pipeline step (error positions follow it).
 */
export function commonProperties(ctx: PlanContext, spec: Obj, jobType: string, at: SpecPath = []): Obj {
  const p: Obj = { jobType };
  const s = (k: string) => ctx.optStr(spec, k, at);
  if (s('display_name') !== undefined) p.displayName = s('display_name');
  if (s('experiment_name') !== undefined) p.experimentName = s('experiment_name');
  if (s('description') !== undefined) p.description = s('description');
  const tags = ctx.stringMap(spec.tags, [...at, 'tags']);
  if (tags) p.tags = tags;
  const props = ctx.stringMap(spec.properties, [...at, 'properties']);
  if (props) p.properties = props;
  const compute = computeId(ctx, spec.compute, [...at, 'compute']);
  if (compute) p.computeId = compute;
  const id = identity(ctx, spec.identity, [...at, 'identity']);
  if (id) p.identity = id;
  const svc = services(ctx, spec.services, [...at, 'services']);
  if (svc) p.services = svc;
  if (spec.queue_settings !== undefined) p.queueSettings = queueSettings(ctx, spec.queue_settings, [...at, 'queue_settings']);
  return p;
}

function queueSettings(ctx: PlanContext, v: unknown, path: SpecPath): Obj {
  const qs = ctx.map(v, path);
  ctx.checkKeys(qs, ['job_tier'], path, 'queue settings');
  const tiers = ['null', 'spot', 'basic', 'standard', 'premium'];
  const tier = ctx.str(qs.job_tier, [...path, 'job_tier']).toLowerCase();
  if (!tiers.includes(tier)) ctx.fail([...path, 'job_tier'], `'${tier}' is not a job tier`, `valid: ${tiers.join(', ')}`);
  return { jobTier: tier[0].toUpperCase() + tier.slice(1) };
}

/** `azureml:<compute>` or a compute ARM id → its ARM id; serverless → undefined. */
export function computeId(ctx: PlanContext, v: unknown, path: SpecPath): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = ctx.str(v, path);
  if (s === 'serverless' || s === 'azureml:serverless') return undefined;
  const r = ctx.ref(s.startsWith('azureml:') ? s : `azureml:${s}`, path);
  if (r.kind === 'arm-id') return r.id;
  if (r.kind === 'asset' && !r.version && !r.label) return `${ctx.o.workspaceId}/computes/${r.name}`;
  return ctx.fail(path, `'${s}' is not a compute reference`, 'write azureml:<compute-name> or a compute ARM id');
}

// az ml's identity types (azure-ai-ml _schema/job/identity.py: managed | managed_identity,
// aml_token, user_identity) → the wire's identityType (2024-10-01 IdentityConfigurationType).
const IDENTITY_TYPES: Record<string, string> = { managed: 'Managed', managed_identity: 'Managed', aml_token: 'AMLToken', user_identity: 'UserIdentity' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Refuses a value Microsoft's examples leave to fill in (`<CLIENT_ID>`); no Azure id holds < or >. */
export function placeholderFree(ctx: PlanContext, s: string, path: SpecPath): string {
  const p = /<[^<>]*>/.exec(s);
  if (p) ctx.fail(path, `'${s}' holds the placeholder '${p[0]}'`, `replace ${p[0]} with the value it stands for`);
  return s;
}

/** client_id and object_id are GUIDs (ManagedIdentity.clientId / objectId: format uuid). */
function uuid(ctx: PlanContext, v: unknown, path: SpecPath): string {
  const s = placeholderFree(ctx, ctx.str(v, path), path);
  if (!UUID.test(s)) ctx.fail(path, `'${s}' is not a GUID`, 'the client or object id of a user-assigned identity (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)');
  return s;
}

export function identity(ctx: PlanContext, v: unknown, path: SpecPath): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  const m = ctx.map(v, path, 'must be a map with a type');
  ctx.checkKeys(m, ['type', 'client_id', 'object_id', 'msi_resource_id'], path, 'job identity');
  const type = ctx.str(m.type, [...path, 'type']);
  const identityType = Object.hasOwn(IDENTITY_TYPES, type.toLowerCase())
    ? IDENTITY_TYPES[type.toLowerCase()]
    : ctx.fail([...path, 'type'], `'${type}' is not an identity type`, 'valid: managed, aml_token, user_identity');
  const out: Obj = { identityType };
  if (m.client_id !== undefined) out.clientId = uuid(ctx, m.client_id, [...path, 'client_id']);
  if (m.object_id !== undefined) out.objectId = uuid(ctx, m.object_id, [...path, 'object_id']);
  if (m.msi_resource_id !== undefined)
    out.resourceId = placeholderFree(ctx, ctx.str(m.msi_resource_id, [...path, 'msi_resource_id']), [...path, 'msi_resource_id']);
  if (
    typeof out.resourceId === 'string' &&
    !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i.test(out.resourceId)
  )
    ctx.fail(
      [...path, 'msi_resource_id'],
      `'${out.resourceId}' is not the ARM id of a user-assigned identity`,
      'write /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>',
    );
  if (identityType !== 'Managed' && Object.keys(out).length > 1) ctx.fail(path, 'client_id, object_id and msi_resource_id apply to a managed identity only');
  return out;
}

/**
 * Interactive services: az ml's type names → the wire's jobServiceType (azure-ai-ml
 * constants/_job/job.py JobServiceTypeNames.ENTITY_TO_REST); tensor_board's log_dir and ssh's
 * ssh_public_keys go into properties as logDir / sshPublicKeys (entities/_job/job_service.py).
 */
const SERVICE_TYPES: Record<string, string> = { vs_code: 'VSCode', jupyter_lab: 'JupyterLab', tensor_board: 'TensorBoard', ssh: 'SSH', custom: 'Custom' };
/** The fields of each service type (azure-ai-ml _schema/job/services.py). */
const SERVICE_KEYS: Record<string, string[]> = { tensor_board: ['log_dir'], ssh: ['ssh_public_keys'] };

export function services(ctx: PlanContext, v: unknown, path: SpecPath): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  const m = ctx.map(v, path, 'must be a map of service names to services');
  const out: Obj = {};
  for (const [name, svc] of Object.entries(m)) out[name] = service(ctx, svc, [...path, name]);
  return out;
}

function service(ctx: PlanContext, v: unknown, p: SpecPath): Obj {
  const svc = ctx.map(v, p, 'must be a map with a type');
  const type = ctx.oneOf(ctx.str(svc.type, [...p, 'type']), [...p, 'type'], SERVICE_TYPES, 'a job service type');
  const own = SERVICE_KEYS[svc.type as string] ?? [];
  ctx.checkKeys(svc, ['type', 'nodes', 'port', 'properties', ...own], p, `${String(svc.type)} job service`);
  const s: Obj = { jobServiceType: type };
  const props: Record<string, string> = { ...ctx.stringMap(svc.properties, [...p, 'properties']) };
  if (svc.log_dir !== undefined) props.logDir = ctx.str(svc.log_dir, [...p, 'log_dir']);
  if (svc.ssh_public_keys !== undefined)
    props.sshPublicKeys = placeholderFree(ctx, ctx.str(svc.ssh_public_keys, [...p, 'ssh_public_keys']), [...p, 'ssh_public_keys']);
  if (Object.keys(props).length) s.properties = props;
  if (svc.port !== undefined) s.port = ctx.int(svc.port, [...p, 'port'], 1);
  if (svc.nodes !== undefined && svc.nodes !== null) {
    if (svc.nodes !== 'all') ctx.fail([...p, 'nodes'], "must be 'all' (the service then runs on every node; without it, on the head node only)");
    s.nodes = { nodesValueType: 'All' };
  }
  return s;
}

// The shared memory size as the 2024-10-01 schema takes it (JobResourceConfiguration.shmSize:
// "(number)(unit)", unit b, k, m or g).
const SHM_SIZE = /^[1-9]\d*[bBkKmMgG]$/;

export function resources(ctx: PlanContext, v: unknown, path: SpecPath): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  const m = ctx.map(v, path);
  ctx.checkKeys(m, ['instance_count', 'instance_type', 'shm_size', 'docker_args', 'properties'], path, 'resources section');
  const out: Obj = {};
  if (m.instance_count !== undefined) out.instanceCount = ctx.int(m.instance_count, [...path, 'instance_count'], 1);
  if (m.instance_type !== undefined) out.instanceType = placeholderFree(ctx, ctx.str(m.instance_type, [...path, 'instance_type']), [...path, 'instance_type']);
  if (m.shm_size !== undefined) {
    out.shmSize = ctx.str(m.shm_size, [...path, 'shm_size']);
    if (!SHM_SIZE.test(out.shmSize as string))
      ctx.fail([...path, 'shm_size'], `'${String(out.shmSize)}' is not a size`, 'write a number and a unit: b, k, m or g (e.g. 16g)');
  }
  if (m.docker_args !== undefined) out.dockerArgs = ctx.str(m.docker_args, [...path, 'docker_args']);
  if (m.properties !== undefined) out.properties = ctx.map(m.properties, [...path, 'properties']);
  return out;
}

export function distribution(ctx: PlanContext, v: unknown, path: SpecPath): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  const m = ctx.map(v, path, 'must be a map with a type');
  const type = ctx.str(m.type, [...path, 'type']).toLowerCase();
  if (type === 'pytorch' || type === 'mpi') {
    ctx.checkKeys(m, ['type', 'process_count_per_instance'], path, `${type} distribution`);
    const out: Obj = { distributionType: type === 'pytorch' ? 'PyTorch' : 'Mpi' };
    if (m.process_count_per_instance !== undefined)
      out.processCountPerInstance = ctx.int(m.process_count_per_instance, [...path, 'process_count_per_instance'], 1);
    return out;
  }
  if (type === 'tensorflow') {
    ctx.checkKeys(m, ['type', 'worker_count', 'parameter_server_count'], path, 'tensorflow distribution');
    const out: Obj = { distributionType: 'TensorFlow' };
    if (m.worker_count !== undefined) out.workerCount = ctx.int(m.worker_count, [...path, 'worker_count'], 1);
    if (m.parameter_server_count !== undefined) out.parameterServerCount = ctx.int(m.parameter_server_count, [...path, 'parameter_server_count']);
    return out;
  }
  return ctx.fail([...path, 'type'], `'${String(m.type)}' is not a distribution type`, 'valid: pytorch, mpi, tensorflow');
}

/** `limits` of a command job or a pipeline step. */
export function commandLimits(ctx: PlanContext, v: unknown, path: SpecPath): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  const m = ctx.map(v, path);
  ctx.checkKeys(m, ['timeout'], path, 'command job limits section');
  const out: Obj = { jobLimitsType: 'Command' };
  if (m.timeout !== undefined) out.timeout = `PT${ctx.int(m.timeout, [...path, 'timeout'], 1)}S`;
  return out;
}

/**
 * `azureml:<name>@<label>` of a workspace asset: az ml resolves the label `latest` only (every
 * asset operation's _managed_label_resolver = {"latest": ...}; another label: "Asset <name> with
 * version label <label> does not exist in workspace", azure-ai-ml _utils/_asset_utils.py
 * _resolve_label_to_asset). Refused here so that a dry run says what a real run would.
 */
export function latestOnly(ctx: PlanContext, r: Extract<Reference, { kind: 'asset' }>, path: SpecPath): void {
  if (r.label !== undefined && r.label !== 'latest')
    ctx.fail(
      path,
      `'azureml:${r.name}@${r.label}' names the label '${r.label}': az ml resolves only the label 'latest' of a workspace asset`,
      `write azureml:${r.name}:<version> or azureml:${r.name}@latest`,
    );
}
