/**
 * Jobs (`…/workspaces/{ws}/jobs/{id}`): PUT (201, status NotStarted, `services.Studio` and
 * `services.Tracking` filled like Azure; then `executor.start(jobId)`), GET, list (paging,
 * `jobType`, `tag`, `properties`, `listViewType`), DELETE (long-running) and `cancel` (202 +
 * `Location` + `Retry-After`; the operation calls `executor.cancel(jobId)`).
 *
 * A PUT of an existing job with the same body returns the job (200); with a different body it is
 * a 409: jobs cannot be changed once submitted. Bodies are checked against the `jobType`
 * discriminator (Command / Sweep / Pipeline) with 400 `UserError` messages naming the property;
 * `computeId`, `environmentId` and `codeId` must resolve in the workspace.
 */
import { createHash } from 'node:crypto';
import { MLS_NAMESPACE } from '../config.js';
import type { ArmResource, EmulatorRequest, EmulatorResponse, RequestContext, Route } from '../types.js';
import { resolveAssetReference } from './assets.js';
import { resolveComputeId } from './computes.js';
import { ArmErrors } from './errors.js';
import { beginInWorkspace, canonicalJson, propertiesOf, requireWorkspace, type ArmDeps } from './deps.js';
import { resourceUrl } from './lro.js';
import { childId, scopeFromParams, TYPES, type WorkspaceScope } from './ids.js';
import { matchesKeyValueFilter, page } from './paging.js';
import { filterScheduledJobs } from './schedule-marks.js';
import { createdSystemData, modifiedSystemData } from './system-data.js';
import { trackingUri } from './workspaces.js';
import { isObj } from '../obj.js';

export const JOB_STATUSES = [
  'NotStarted',
  'Starting',
  'Provisioning',
  'Preparing',
  'Queued',
  'Running',
  'Finalizing',
  'CancelRequested',
  'Completed',
  'Failed',
  'Canceled',
  'NotResponding',
  'Paused',
  'Unknown',
] as const;
export const TERMINAL_JOB_STATUSES = ['Completed', 'Failed', 'Canceled'];

const SUPPORTED_JOB_TYPES = ['Command', 'Sweep', 'Pipeline', 'Spark', 'AutoML'];
const ALL_JOB_TYPES = ['AutoML', 'Command', 'Sweep', 'Pipeline', 'Spark'];
const JOB_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;
const INPUT_TYPES = ['literal', 'uri_file', 'uri_folder', 'mltable', 'custom_model', 'mlflow_model', 'triton_model'];
const OUTPUT_TYPES = ['uri_file', 'uri_folder', 'mltable', 'custom_model', 'mlflow_model', 'triton_model'];
const INPUT_MODES = ['ReadOnlyMount', 'ReadWriteMount', 'Download', 'Direct', 'EvalMount', 'EvalDownload'];
const OUTPUT_MODES = ['ReadWriteMount', 'Upload', 'Direct'];
const DISTRIBUTION_TYPES = ['PyTorch', 'TensorFlow', 'Mpi'];
const IDENTITY_TYPES = ['Managed', 'AMLToken', 'UserIdentity'];
const SAMPLING_TYPES = ['Grid', 'Random', 'Bayesian'];
const POLICY_TYPES = ['Bandit', 'MedianStopping', 'TruncationSelection'];
const GOALS = ['Minimize', 'Maximize'];
/** Properties only the service sets. */
const READ_ONLY = ['status', 'parameters'];
/** Service entries the service adds to every job. */
const SERVICE_KEYS = ['Studio', 'Tracking'];
const ISO_DURATION_RE = /^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;

/** The sidecar record holding the digest of the body a job was created with. */
export function jobRequestRecordId(jobId: string): string {
  return `${jobId}/.emulator-request`;
}

export function isTerminalJobStatus(status: unknown): boolean {
  return typeof status === 'string' && TERMINAL_JOB_STATUSES.includes(status);
}

export function studioUrl(baseUrl: string, jobName: string, wsId: string, tenantId: string): string {
  return `${baseUrl}/studio/runs/${encodeURIComponent(jobName)}?wsid=${encodeURIComponent(wsId)}&tid=${encodeURIComponent(tenantId)}`;
}

function workspaceIdOfJob(jobId: string): string {
  return jobId.replace(/\/jobs\/[^/]+$/i, '');
}

/** The wire shape of a stored job: Studio and Tracking endpoints for the address the client used. */
export function presentJob(job: ArmResource, ctx: RequestContext, tenantId: string): ArmResource {
  const out = structuredClone(job);
  const props = (out.properties ?? {}) as Record<string, unknown>;
  const wsId = workspaceIdOfJob(job.id);
  const services = isObj(props.services) ? props.services : {};
  services.Tracking = { ...(isObj(services.Tracking) ? services.Tracking : {}), jobServiceType: 'Tracking', endpoint: trackingUri(ctx.baseUrl, wsId) };
  services.Studio = {
    ...(isObj(services.Studio) ? services.Studio : {}),
    jobServiceType: 'Studio',
    endpoint: studioUrl(ctx.baseUrl, job.name, wsId, tenantId),
  };
  for (const s of Object.values(services)) {
    if (!isObj(s)) continue;
    s.port ??= null;
    s.status ??= null;
    s.errorMessage ??= null;
    s.properties ??= null;
    s.nodes ??= null; // jobs/pipeline-job-serverless-cancel-400.json entry 1
  }
  props.services = services;
  out.properties = props;
  return out;
}

/** Digest of what the client asked for: the body without read-only and service-added parts. */
export function jobRequestDigest(props: Record<string, unknown>): string {
  const copy = structuredClone(props);
  for (const k of READ_ONLY) delete copy[k];
  if (isObj(copy.services)) {
    for (const k of Object.keys(copy.services)) if (SERVICE_KEYS.includes(k)) delete copy.services[k];
    if (Object.keys(copy.services).length === 0) delete copy.services;
  }
  return createHash('sha256').update(canonicalJson(copy)).digest('hex');
}

// --- validation ------------------------------------------------------------------------------

function fail(target: string, message: string): never {
  throw ArmErrors.validation(target, message);
}

function requireStr(o: Record<string, unknown>, key: string, at: string, why: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') fail(`${at}.${key}`, `The property '${key}' is required ${why} and must be a non-empty string.`);
  return v;
}

/**
 * Checks `o[key]` against an enum and writes back Azure's spelling: the service takes enum values
 * in any case and answers with its own (sweep `goal: "maximize"` → `"Maximize"`, recording
 * jobs/sweep-job-create-get.json entry 2; batch `authMode: "aadToken"` → `"AADToken"`, README observation 13).
 */
function checkEnum(o: Record<string, unknown>, key: string, allowed: readonly string[], target: string, what: string): void {
  const v = o[key];
  const canonical = typeof v === 'string' ? allowed.find((a) => a.toLowerCase() === v.toLowerCase()) : undefined;
  if (canonical === undefined) {
    fail(target, `${what} '${String(v)}' is not valid; expected one of ${allowed.join(', ')}.`);
  }
  o[key] = canonical;
}

function checkInputs(inputs: unknown, at: string): void {
  if (inputs === undefined || inputs === null) return;
  if (!isObj(inputs)) fail(at, `'${at}' must be an object of named inputs.`);
  for (const [name, input] of Object.entries(inputs)) {
    const t = `${at}.${name}`;
    if (!isObj(input)) fail(t, `Input '${name}' must be an object with 'jobInputType'.`);
    checkEnum(input, 'jobInputType', INPUT_TYPES, `${t}.jobInputType`, `Input '${name}': jobInputType`);
    if (input.jobInputType === 'literal') {
      if (typeof input.value !== 'string') fail(`${t}.value`, `Literal input '${name}' needs a string 'value'.`);
    } else {
      if (typeof input.uri !== 'string' || input.uri === '') fail(`${t}.uri`, `Input '${name}' of type '${String(input.jobInputType)}' needs 'uri'.`);
      if (input.mode !== undefined && input.mode !== null) checkEnum(input, 'mode', INPUT_MODES, `${t}.mode`, `Input '${name}': mode`);
    }
  }
}

function checkOutputs(outputs: unknown, at: string): void {
  if (outputs === undefined || outputs === null) return;
  if (!isObj(outputs)) fail(at, `'${at}' must be an object of named outputs.`);
  for (const [name, output] of Object.entries(outputs)) {
    const t = `${at}.${name}`;
    if (!isObj(output)) fail(t, `Output '${name}' must be an object with 'jobOutputType'.`);
    checkEnum(output, 'jobOutputType', OUTPUT_TYPES, `${t}.jobOutputType`, `Output '${name}': jobOutputType`);
    if (output.mode !== undefined && output.mode !== null) checkEnum(output, 'mode', OUTPUT_MODES, `${t}.mode`, `Output '${name}': mode`);
  }
}

function checkDistribution(d: unknown, at: string): void {
  if (d === undefined || d === null) return;
  if (!isObj(d)) fail(at, `'${at}' must be an object with 'distributionType'.`);
  checkEnum(d, 'distributionType', DISTRIBUTION_TYPES, `${at}.distributionType`, 'distributionType');
}

function checkResources(r: unknown, at: string): void {
  if (r === undefined || r === null) return;
  if (!isObj(r)) fail(at, `'${at}' must be an object.`);
  if (r.instanceCount !== undefined && (typeof r.instanceCount !== 'number' || !Number.isInteger(r.instanceCount) || r.instanceCount < 1)) {
    fail(`${at}.instanceCount`, `'instanceCount' must be an integer >= 1, got ${JSON.stringify(r.instanceCount)}.`);
  }
}

function checkDuration(v: unknown, target: string): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'string' || !ISO_DURATION_RE.test(v)) fail(target, `'${String(v)}' is not an ISO 8601 duration (e.g. PT30M).`);
}

async function checkTrial(deps: ArmDeps, scope: WorkspaceScope, trial: Record<string, unknown>, at: string, why: string): Promise<void> {
  requireStr(trial, 'command', at, why);
  const env = requireStr(trial, 'environmentId', at, why);
  trial.environmentId = await resolveAssetReference(deps, scope, 'environments', env, `${at}.environmentId`);
  if (trial.codeId !== undefined && trial.codeId !== null) {
    if (typeof trial.codeId !== 'string') fail(`${at}.codeId`, "'codeId' must be a string.");
    trial.codeId = await resolveAssetReference(deps, scope, 'codes', trial.codeId, `${at}.codeId`);
  }
  checkDistribution(trial.distribution, `${at}.distribution`);
  checkResources(trial.resources, `${at}.resources`);
  if (trial.environmentVariables !== undefined && trial.environmentVariables !== null && !isObj(trial.environmentVariables)) {
    fail(`${at}.environmentVariables`, "'environmentVariables' must be an object of strings.");
  }
}

/**
 * Checks a job body against its `jobType` and normalises references (compute, environment,
 * code) to ARM ids. Returns the properties to store.
 */
export async function validateJob(deps: ArmDeps, scope: WorkspaceScope, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const p = structuredClone(input);
  if (p.jobType === undefined || p.jobType === null) {
    fail('properties.jobType', `The property 'jobType' is required: one of ${SUPPORTED_JOB_TYPES.join(', ')}.`);
  }
  checkEnum(p, 'jobType', ALL_JOB_TYPES, 'properties.jobType', 'jobType');
  const jobType = p.jobType;
  if (!SUPPORTED_JOB_TYPES.includes(jobType as string)) {
    fail('properties.jobType', `jobType '${String(jobType)}' is not supported by the Azure ML emulator; it runs ${SUPPORTED_JOB_TYPES.join(', ')} jobs.`);
  }
  if (p.computeId !== undefined && p.computeId !== null) {
    if (typeof p.computeId !== 'string') fail('properties.computeId', "'computeId' must be a string.");
    p.computeId = await resolveComputeId(deps, scope, p.computeId, 'properties.computeId');
  }
  if (p.experimentName !== undefined && p.experimentName !== null) {
    if (typeof p.experimentName !== 'string' || !/^[a-zA-Z0-9][\w\-.]{0,254}$/.test(p.experimentName)) {
      fail('properties.experimentName', `experimentName '${String(p.experimentName)}' is invalid: use letters, digits, '-', '_' and '.'.`);
    }
  }
  if (p.identity !== undefined && p.identity !== null) {
    if (!isObj(p.identity)) fail('properties.identity', "'identity' must be an object with 'identityType'.");
    checkEnum(p.identity, 'identityType', IDENTITY_TYPES, 'properties.identity.identityType', 'identityType');
  }
  for (const k of ['tags', 'properties', 'services', 'environmentVariables']) {
    if (p[k] !== undefined && p[k] !== null && !isObj(p[k])) fail(`properties.${k}`, `'${k}' must be an object.`);
  }
  const why = `for jobType '${String(jobType)}'`;
  switch (jobType) {
    case 'Command': {
      await checkTrial(deps, scope, p, 'properties', why);
      checkInputs(p.inputs, 'properties.inputs');
      checkOutputs(p.outputs, 'properties.outputs');
      if (p.limits !== undefined && p.limits !== null) {
        if (!isObj(p.limits)) fail('properties.limits', "'limits' must be an object.");
        if (p.limits.jobLimitsType !== 'Command') fail('properties.limits.jobLimitsType', "Command job limits need jobLimitsType 'Command'.");
        checkDuration(p.limits.timeout, 'properties.limits.timeout');
      }
      break;
    }
    case 'Sweep': {
      const objective = p.objective;
      if (!isObj(objective)) fail('properties.objective', `The property 'objective' is required ${why}.`);
      checkEnum(objective, 'goal', GOALS, 'properties.objective.goal', 'objective.goal');
      requireStr(objective, 'primaryMetric', 'properties.objective', why);
      const sampling = p.samplingAlgorithm;
      if (!isObj(sampling)) fail('properties.samplingAlgorithm', `The property 'samplingAlgorithm' is required ${why}.`);
      checkEnum(sampling, 'samplingAlgorithmType', SAMPLING_TYPES, 'properties.samplingAlgorithm.samplingAlgorithmType', 'samplingAlgorithmType');
      if (!isObj(p.searchSpace)) fail('properties.searchSpace', `The property 'searchSpace' is required ${why} and must be an object.`);
      if (!isObj(p.trial)) fail('properties.trial', `The property 'trial' is required ${why}.`);
      await checkTrial(deps, scope, p.trial, 'properties.trial', why);
      checkInputs(p.inputs, 'properties.inputs');
      checkOutputs(p.outputs, 'properties.outputs');
      if (p.limits !== undefined && p.limits !== null) {
        if (!isObj(p.limits)) fail('properties.limits', "'limits' must be an object.");
        if (p.limits.jobLimitsType !== 'Sweep') fail('properties.limits.jobLimitsType', "Sweep job limits need jobLimitsType 'Sweep'.");
        checkDuration(p.limits.timeout, 'properties.limits.timeout');
        checkDuration(p.limits.trialTimeout, 'properties.limits.trialTimeout');
      }
      if (p.earlyTermination !== undefined && p.earlyTermination !== null) {
        if (!isObj(p.earlyTermination)) fail('properties.earlyTermination', "'earlyTermination' must be an object.");
        checkEnum(p.earlyTermination, 'policyType', POLICY_TYPES, 'properties.earlyTermination.policyType', 'policyType');
      }
      break;
    }
    case 'Pipeline': {
      checkInputs(p.inputs, 'properties.inputs');
      checkOutputs(p.outputs, 'properties.outputs');
      if (p.jobs !== undefined && p.jobs !== null) {
        if (!isObj(p.jobs)) fail('properties.jobs', "'jobs' must be an object of named child jobs.");
        for (const [name, child] of Object.entries(p.jobs)) {
          if (!isObj(child)) fail(`properties.jobs.${name}`, `Pipeline child job '${name}' must be an object.`);
        }
      }
      if (p.settings !== undefined && p.settings !== null && !isObj(p.settings)) fail('properties.settings', "'settings' must be an object.");
      break;
    }
    case 'Spark': {
      // mfe.json 2024-10-01 SparkJob: codeId and entry are required; entry is SparkJobPythonEntry (file) or SparkJobScalaEntry (className).
      requireStr(p, 'codeId', 'properties', why);
      if (!isObj(p.entry)) fail('properties.entry', `The property 'entry' is required ${why}.`);
      checkEnum(p.entry, 'sparkJobEntryType', ['SparkJobPythonEntry', 'SparkJobScalaEntry'], 'properties.entry.sparkJobEntryType', 'sparkJobEntryType');
      requireStr(p.entry, p.entry.sparkJobEntryType === 'SparkJobPythonEntry' ? 'file' : 'className', 'properties.entry', why);
      if (p.conf !== undefined && p.conf !== null && !isObj(p.conf)) fail('properties.conf', "'conf' must be an object.");
      checkInputs(p.inputs, 'properties.inputs');
      checkOutputs(p.outputs, 'properties.outputs');
      break;
    }
    case 'AutoML': {
      // Swagger AutoMLJob: taskDetails required; AutoMLVertical requires taskType and trainingData (an MLTableJobInput).
      const task = p.taskDetails;
      if (!isObj(task)) fail('properties.taskDetails', `The property 'taskDetails' is required ${why}.`);
      requireStr(task, 'taskType', 'properties.taskDetails', why);
      if (!isObj(task.trainingData)) fail('properties.taskDetails.trainingData', `The property 'trainingData' is required ${why}.`);
      checkInputs({ trainingData: task.trainingData }, 'properties.taskDetails');
      checkOutputs(p.outputs, 'properties.outputs');
      break;
    }
  }
  return p;
}

export function applyJobDefaults(p: Record<string, unknown>, name: string): void {
  p.description ??= null;
  p.tags ??= {};
  p.properties ??= {};
  p.displayName ??= name;
  p.experimentName ??= 'Default';
  p.isArchived ??= false;
  p.services = isObj(p.services) ? p.services : {};
  if (p.jobType === 'Command') {
    p.resources ??= { instanceCount: 1, shmSize: '2g' };
    p.parameters = {};
    p.environmentVariables ??= {};
    p.inputs ??= {};
    p.outputs ??= {};
  }
  if (p.jobType === 'Sweep') {
    p.inputs ??= {};
    p.outputs ??= {};
  }
  if (p.jobType === 'Spark') {
    p.inputs ??= {};
    p.outputs ??= {};
  }
  if (p.jobType === 'AutoML') p.outputs ??= {};
  if (p.jobType === 'Pipeline') {
    p.inputs ??= {};
    p.outputs ??= {};
    p.jobs ??= {};
    p.settings ??= {};
  }
  // Keys Azure always answers, `null` when not set (recorded job bodies: jobs/*.json, 2022-06 … 2023-04).
  for (const k of JOB_NULL_KEYS[String(p.jobType)] ?? []) if (p[k] === undefined) p[k] = null;
  p.status = initialJobStatus(p);
}

/** Keys present (often `null`) in every recorded job body, per job type. */
const JOB_NULL_KEYS: Record<string, string[]> = {
  // jobs/command-job-register-output.json entry 0, jobs/command-job-serverless-create-get.json entry 4
  Command: [
    'computeId',
    'identity',
    'componentId',
    'codeId',
    'distribution',
    'limits',
    'autologgerSettings',
    'notificationSetting',
    'secretsConfiguration',
    'queueSettings',
  ],
  // jobs/sweep-job-create-get.json entry 2
  Sweep: ['computeId', 'identity', 'componentId', 'notificationSetting', 'secretsConfiguration', 'earlyTermination', 'limits', 'queueSettings'],
  // jobs/pipeline-job-create-update.json entry 8, jobs/pipeline-job-serverless-cancel-400.json entry 1
  Pipeline: ['computeId', 'identity', 'componentId', 'sourceJobId', 'notificationSetting', 'secretsConfiguration'],
};

/**
 * The status a new job is answered with (recordings README observation 14): command jobs
 * `Starting` (jobs/command-job-register-output.json entry 0), sweeps `Running`
 * (jobs/sweep-job-create-get.json entry 2), pipelines `Preparing` on a compute
 * (jobs/pipeline-job-create-update.json entry 8) and `NotStarted` serverless
 * (jobs/pipeline-job-serverless-cancel-400.json entry 1).
 */
function initialJobStatus(p: Record<string, unknown>): string {
  switch (p.jobType) {
    case 'Command':
      return 'Starting';
    case 'Sweep':
      return 'Running';
    case 'Pipeline':
      return typeof p.computeId === 'string' ? 'Preparing' : 'NotStarted';
    default:
      return 'NotStarted';
  }
}

/** What a re-PUT of a job may change: the rest is the job's definition (a change there is a 409). */
const MUTABLE_JOB_KEYS = ['tags', 'description', 'displayName', 'properties', 'isArchived', 'services'];

/** Digest of a job body without the keys a re-PUT may change. */
export function jobDefinitionDigest(props: Record<string, unknown>): string {
  const copy = structuredClone(props);
  for (const k of [...READ_ONLY, ...MUTABLE_JOB_KEYS]) delete copy[k];
  return createHash('sha256').update(canonicalJson(copy)).digest('hex');
}

// --- routes ----------------------------------------------------------------------------------

export function jobRoutes(deps: ArmDeps): Route[] {
  const base = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/workspaces/{workspaceName}/jobs`;
  const tenant = deps.defaults.tenantId;

  const load = async (req: EmulatorRequest): Promise<{ scope: WorkspaceScope; ws: ArmResource; job: ArmResource }> => {
    const scope = scopeFromParams(req.params);
    const ws = await requireWorkspace(deps, scope);
    const job = await deps.store.get(childId(scope, 'jobs', req.params.id));
    if (!job) throw ArmErrors.jobNotFound(req.params.id);
    return { scope, ws, job };
  };

  const get = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { job } = await load(req);
    return { status: 200, body: presentJob(job, req.ctx, tenant) };
  };

  const list = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    let jobs = await deps.store.list(childId(scope, 'jobs'));
    const jobType = req.query.get('jobType');
    if (jobType) jobs = jobs.filter((j) => String((j.properties as Record<string, unknown>).jobType).toLowerCase() === jobType.toLowerCase());
    const tag = req.query.get('tag');
    if (tag) jobs = jobs.filter((j) => matchesKeyValueFilter(tag, (j.properties as Record<string, unknown>).tags as Record<string, unknown>));
    const properties = req.query.get('properties');
    if (properties) {
      jobs = jobs.filter((j) => matchesKeyValueFilter(properties, (j.properties as Record<string, unknown>).properties as Record<string, unknown>));
    }
    if (req.query.get('scheduleId') !== null || req.query.get('scheduled') !== null) {
      jobs = await filterScheduledJobs(deps.store, jobs, req.query.get('scheduleId'), req.query.get('scheduled'));
    }
    const view = (req.query.get('listViewType') ?? 'ActiveOnly').toLowerCase();
    if (!['activeonly', 'archivedonly', 'all'].includes(view)) {
      throw ArmErrors.badRequest(`listViewType '${req.query.get('listViewType')}' is not valid; expected ActiveOnly, ArchivedOnly or All.`, 'listViewType');
    }
    if (view !== 'all') jobs = jobs.filter((j) => Boolean((j.properties as Record<string, unknown>).isArchived) === (view === 'archivedonly'));
    const created = (j: ArmResource) => String((j.systemData as { createdAt?: string } | undefined)?.createdAt ?? '');
    jobs.sort((a, b) => created(b).localeCompare(created(a)) || a.name.localeCompare(b.name));
    return {
      status: 200,
      body: page(
        jobs.map((j) => presentJob(j, req.ctx, tenant)),
        req,
        { pageSize: deps.pageSize },
      ),
    };
  };

  const put = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    const name = req.params.id;
    if (!JOB_NAME_RE.test(name)) {
      fail('name', `Job name '${name}' is invalid: start with a letter or digit; use letters, digits, '-' and '_' (at most 255).`);
    }
    const input = propertiesOf(req.body, 'job');
    const digest = jobRequestDigest(input);
    const definition = jobDefinitionDigest(input);
    const id = childId(scope, 'jobs', name);
    const result = await deps.store.withLock(id, async () => {
      const existing = await deps.store.get(id);
      if (existing) {
        const record = await deps.store.get<{ digest: string; definition?: string }>(jobRequestRecordId(existing.id));
        if (record?.digest === digest) return { status: 200, job: existing, created: false };
        if (record?.definition !== undefined && record.definition === definition) {
          // A re-PUT that changes tags (or other mutable fields) is an update: 200 with the job
          // (jobs/pipeline-job-create-update.json entry 12). Tags and properties are merged.
          const props = existing.properties as Record<string, unknown>;
          if (isObj(input.tags)) props.tags = input.tags;
          if (isObj(input.properties)) props.properties = { ...(isObj(props.properties) ? props.properties : {}), ...input.properties };
          for (const k of ['description', 'displayName', 'isArchived'] as const) if (input[k] !== undefined) props[k] = input[k];
          existing.systemData = modifiedSystemData(existing.systemData, req.ctx, req.ctx.now);
          await deps.store.put(id, existing);
          await deps.store.put(jobRequestRecordId(id), { ...record, digest });
          return { status: 200, job: existing, created: false };
        }
        throw ArmErrors.conflict(
          `Job '${name}' already exists in workspace '${scope.workspaceName}' with a different definition. A submitted job cannot be changed: submit it under a new name.`,
          'properties',
        );
      }
      const props = await validateJob(deps, scope, input);
      applyJobDefaults(props, name);
      const job: ArmResource = {
        id,
        name,
        type: TYPES.job,
        properties: props,
        systemData: createdSystemData(req.ctx, req.ctx.now),
      };
      await deps.store.put(id, job);
      await deps.store.put(jobRequestRecordId(id), { digest, definition, createdAt: req.ctx.now.toISOString() });
      return { status: 201, job, created: true };
    });
    if (result.created) deps.executor.start(result.job.id);
    return {
      status: result.status,
      body: presentJob(result.job, req.ctx, tenant),
      // 201 with `Location` = the job's URL, no LRO headers (recordings README observation 14).
      ...(result.created ? { headers: { Location: resourceUrl(req, result.job.id) } } : {}),
    };
  };

  /** Asks the executor to cancel, then makes sure the job ended (a job the executor does not know stays put otherwise). */
  const cancelJob = async (jobId: string): Promise<void> => {
    const before = await deps.store.get(jobId);
    if (!before || isTerminalJobStatus((before.properties as Record<string, unknown>).status)) return;
    await deps.executor.cancel(jobId);
    await deps.store.withLock(jobId, async () => {
      const after = await deps.store.get(jobId);
      if (!after) return;
      const props = after.properties as Record<string, unknown>;
      if (isTerminalJobStatus(props.status)) return;
      props.status = 'Canceled';
      await deps.store.put(jobId, after);
    });
  };

  const cancel = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { scope, ws, job } = await load(req);
    const jp = job.properties as Record<string, unknown>;
    // A job that has ended cannot be canceled: 400 (jobs/pipeline-job-serverless-cancel-400.json entry 2).
    if (isTerminalJobStatus(jp.status)) throw ArmErrors.cancelTerminalJob(job.name, String(jp.jobType));
    const op = beginInWorkspace(deps, req, scope, ws, {
      operation: 'Jobs_Cancel',
      resourceId: job.id,
      work: () => cancelJob(job.id),
      resultStatus: 200,
    });
    // 202 + Location + Retry-After (swagger 2024-10-01 Jobs_Cancel; no recording of a successful cancel).
    return deps.lro.accepted(op, req, { status: 202, poll: 'location' });
  };

  const del = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    const ws = await requireWorkspace(deps, scope);
    const id = childId(scope, 'jobs', req.params.id);
    const job = await deps.store.get(id);
    if (!job) return { status: 204 };
    const op = beginInWorkspace(deps, req, scope, ws, {
      operation: 'Jobs_Delete',
      resourceId: job.id,
      work: async () => {
        await cancelJob(job.id);
        await deps.store.withLock(job.id, async () => {
          await deps.store.delete(job.id);
          await deps.store.delete(jobRequestRecordId(job.id));
        });
      },
      resultStatus: 200,
    });
    // 202 + Location + x-ms-async-operation-timeout (swagger 2024-10-01 Jobs_Delete) and Azure-AsyncOperation,
    // which Azure adds on its deletes although the swagger omits it (online-deployment-e2e.json entry 142).
    return deps.lro.accepted(op, req, { status: 202, poll: 'both', timeout: 'PT1H' });
  };

  return [
    { method: 'GET', pattern: base, operation: 'Jobs_List', handler: list },
    { method: 'GET', pattern: `${base}/{id}`, operation: 'Jobs_Get', handler: get },
    { method: 'PUT', pattern: `${base}/{id}`, operation: 'Jobs_CreateOrUpdate', handler: put },
    { method: 'DELETE', pattern: `${base}/{id}`, operation: 'Jobs_Delete', handler: del },
    { method: 'POST', pattern: `${base}/{id}/cancel`, operation: 'Jobs_Cancel', handler: cancel },
  ];
}
