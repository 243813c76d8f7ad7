/**
 * Invoking a batch endpoint: `POST <scoringUri>` (`/inference/{endpoint}/jobs` here) with a
 * Microsoft Entra token (authMode AADToken) or a key (authMode Key), the optional header
 * `azureml-model-deployment: <deployment>` (else the endpoint's default deployment) and the body
 * azure-ai-ml sends (`{"properties": {"inputData": {"<name>": {"uri", "jobInputType"}}}}`:
 * azure-recordings batch-endpoints/batch-endpoint-deployment-invoke.json entries 21 and 24;
 * azure-ai-ml operations/_batch_endpoint_operations.py `invoke`).
 *
 * Azure answers 201 with a BatchJob resource (`…/batchEndpoints/{e}/deployments/{d}/jobs/batchjob-<guid>`,
 * status `Preparing`, tags `azureml.batchrun`, `azureml.deploymentname`, `azureml.jobtype`,
 * properties `azureml.runsource: azureml.PipelineRun`, `azureml.parameters` with the deployment's
 * settings: same entries) and runs a pipeline job of that name in the workspace. The emulator
 * submits that job as a PipelineJob whose single step is a parallel node built from the
 * deployment's settings (the recorded `azureml.parameters`: run_max_try ← retrySettings.maxRetries,
 * run_invocation_timeout ← retrySettings.timeout, mini_batch_size, error_threshold, logging_level,
 * process_count_per_node ← maxConcurrencyPerInstance, NodeCount ← resources.instanceCount,
 * append_row_file_name ← outputFileName), so the pipeline runner and the parallel driver
 * (jobs/parallel.ts, parallel_driver.py) run init() / run(mini_batch) over the input files. The
 * results go to the job's output `score` (the output name of a model deployment's job:
 * https://learn.microsoft.com/azure/machine-learning/how-to-use-batch-model-deployments,
 * `ml_client.jobs.download(name=job.name, output_name="score")`), the file `<outputFileName>` under
 * `azureml/<job>/score/` of the workspace's default datastore.
 *
 * A pipeline-component deployment (deploymentConfiguration PipelineComponent) takes its inputs by the
 * component's input names, data and literal, and optional named outputs (outputData): the job is a
 * PipelineJob whose steps are the component's own, run by the pipeline runner (jobs/pipeline.ts) with
 * the deployment's settings (default_compute, continue_on_step_failure): {@link componentPipelineJob}.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { ArmError } from '../arm/errors.js';
import { applyJobDefaults, jobDefinitionDigest, jobRequestDigest, jobRequestRecordId, validateJob } from '../arm/jobs.js';
import { childId, parseWorkspaceChildId, TYPES } from '../arm/ids.js';
import { createdSystemData } from '../arm/system-data.js';
import { MLS_NAMESPACE } from '../config.js';
import type { ArmResource, EmulatorRequest, EmulatorResponse, Route } from '../types.js';
import { AAD_TOKEN_AUDIENCE } from './ids.js';
import type { EndpointService } from './service.js';
import { durationMs } from './validate.js';
import { isObj, type Obj } from '../obj.js';

const DEPLOYMENT_HEADER = 'azureml-model-deployment';
export const BATCH_JOB_TYPE = `${MLS_NAMESPACE}/workspaces/batchEndpoints/deployments/jobs`;

/** jobInputType as the SDK sends it (`UriFolder`, entry 21) → the job's input type. */
const INPUT_TYPES: Record<string, string> = {
  urifolder: 'uri_folder',
  uri_folder: 'uri_folder',
  urifile: 'uri_file',
  uri_file: 'uri_file',
  mltable: 'mltable',
};

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return b !== '' && x.length === y.length && timingSafeEqual(x, y);
}

/** A data-plane error: `{ error: { code, message } }` (the shape is not recorded for batch; unsourced). */
function dataPlaneError(status: number, code: string, message: string): ArmError {
  return new ArmError(status, code, message);
}

/**
 * The body's field names, whatever their case: azure-ai-ml sends camelCase (`inputData`, `jobInputType`,
 * `uri`: entry 21), Microsoft's REST examples PascalCase (`InputData`, `JobInputType`, `Uri`, `Value`,
 * `OutputData`, `JobOutputType`: how-to-access-data-batch-endpoints-jobs; azureml-examples cli/batch-score-rest.sh).
 */
const FIELD_NAMES = ['properties', 'inputData', 'outputData', 'experimentName', 'jobInputType', 'jobOutputType', 'uri', 'value', 'mode', 'description'];
function camelFields(v: unknown): unknown {
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) out[FIELD_NAMES.find((n) => n.toLowerCase() === k.toLowerCase()) ?? k] = x;
  return out;
}
/** The body with its known field names in camelCase (input and output names kept as sent). */
function normalizeBody(body: unknown): unknown {
  const b = camelFields(body);
  if (!isObj(b) || !isObj(b.properties)) return b;
  const props = camelFields(b.properties) as Obj;
  for (const k of ['inputData', 'outputData'])
    if (isObj(props[k])) props[k] = Object.fromEntries(Object.entries(props[k]).map(([n, x]) => [n, camelFields(x)]));
  return { ...b, properties: props };
}

/** The request body: `properties.inputData` with exactly one input (a model deployment takes one input). */
function parseInvokeBody(request: unknown): { inputName: string; input: Obj; sent: Obj; experiment?: string } {
  const body = normalizeBody(request);
  const props = isObj(body) && isObj(body.properties) ? body.properties : undefined;
  if (!props) throw dataPlaneError(400, 'BadArgument', 'The request body must be {"properties": {"inputData": {"<name>": {"uri", "jobInputType"}}}}.');
  for (const k of Object.keys(props))
    // azure-ai-ml invoke sends inputData, and properties.experimentName when given experiment_name
    // (operations/_batch_endpoint_operations.py invoke); outputData / a job name are not emulated.
    if (!['inputData', 'outputData', 'experimentName'].includes(k) || (k === 'outputData' && props[k] !== null && props[k] !== undefined))
      throw dataPlaneError(400, 'BadArgument', `properties.${k} is not supported by the emulator's batch endpoints (inputData only).`);
  const inputs = isObj(props.inputData) ? Object.entries(props.inputData) : [];
  if (inputs.length !== 1)
    throw dataPlaneError(400, 'BadArgument', `properties.inputData must name exactly one input for a model deployment, got ${inputs.length}.`);
  const [inputName, raw] = inputs[0];
  if (!isObj(raw) || typeof raw.uri !== 'string' || raw.uri === '')
    throw dataPlaneError(400, 'BadArgument', `properties.inputData.${inputName} must be an object with 'uri' and 'jobInputType'.`);
  const type = INPUT_TYPES[String(raw.jobInputType ?? '').toLowerCase()];
  if (!type)
    throw dataPlaneError(
      400,
      'BadArgument',
      `properties.inputData.${inputName}.jobInputType '${String(raw.jobInputType)}' is not one of UriFolder, UriFile, MLTable.`,
    );
  const experiment = props.experimentName;
  if (experiment !== undefined && experiment !== null && (typeof experiment !== 'string' || experiment === ''))
    throw dataPlaneError(400, 'BadArgument', 'properties.experimentName must be a non-empty string.');
  return { inputName, input: { ...raw, jobInputType: type }, sent: raw, ...(typeof experiment === 'string' ? { experiment } : {}) };
}

/** The tags of the job an invocation runs, as Azure answers them (batch-endpoint-deployment-invoke.json entry 21). */
function batchJobTags(deployment: ArmResource): Obj {
  return {
    outputType: 'output_data',
    inputType: 'input_data',
    'azureml.batchrun': 'true',
    'azureml.deploymentname': deployment.name,
    'azureml.jobtype': 'azureml.batchjob',
  };
}

/** The properties of the job an invocation runs (entry 21), but `azureml.parameters`. */
function batchJobProperties(endpoint: ArmResource, continueOnStepFailure: boolean): Obj {
  return {
    'azureml.runsource': 'azureml.PipelineRun',
    runType: 'HTTP',
    'azureml.continue_on_step_failure': continueOnStepFailure ? 'True' : 'False',
    'azureml.pipelineComponent': 'pipelinerun',
    'azureml.batchendpoint': endpoint.name,
  };
}

/** The PipelineJob a batch deployment runs for one invocation: one parallel step over the input. */
export function batchPipelineJob(endpoint: ArmResource, deployment: ArmResource, jobName: string, input: Obj, experiment?: string): Obj {
  const d = deployment.properties as Obj;
  const code = isObj(d.codeConfiguration) ? d.codeConfiguration : {};
  const retry = isObj(d.retrySettings) ? d.retrySettings : {};
  const timeoutS = typeof retry.timeout === 'string' ? Math.max(1, Math.round(durationMs(retry.timeout, 'retrySettings.timeout') / 1000)) : 30;
  const instanceCount = isObj(d.resources) && typeof d.resources.instanceCount === 'number' ? d.resources.instanceCount : 1;
  const outputFile = typeof d.outputFileName === 'string' && d.outputFileName !== '' ? d.outputFileName : 'predictions.csv';
  const appendRow = d.outputAction !== 'SummaryOnly';
  const modelId = isObj(d.model) && d.model.referenceType === 'Id' && typeof d.model.assetId === 'string' ? d.model.assetId : undefined;
  if (typeof code.scoringScript !== 'string' || !code.codeId)
    throw dataPlaneError(
      400,
      'BadArgument',
      `Batch deployment '${deployment.name}' has no codeConfiguration (codeId and scoringScript): the emulator runs only deployments with a scoring script.`,
    );
  const node: Obj = {
    name: 'score',
    type: 'parallel',
    task: {
      type: 'run_function',
      code: code.codeId,
      entry_script: code.scoringScript,
      ...(typeof d.environmentId === 'string' ? { environment: d.environmentId } : {}),
      ...(appendRow ? { append_row_to: '${{outputs.score}}' } : {}),
    },
    input_data: '${{inputs.input_data}}',
    inputs: {
      input_data: { jobInputType: 'literal', value: '${{parent.inputs.input_data}}' },
      ...(modelId ? { azureml_model_dir: { jobInputType: 'literal', value: '${{parent.inputs.azureml_model_dir}}' } } : {}),
    },
    outputs: { score: { jobOutputType: 'literal', value: '${{parent.outputs.score}}' } },
    mini_batch_size: d.miniBatchSize ?? 10,
    max_concurrency_per_instance: d.maxConcurrencyPerInstance ?? 1,
    resources: { instance_count: instanceCount },
    retry_settings: { max_retries: retry.maxRetries ?? 3, timeout: timeoutS },
    error_threshold: d.errorThreshold ?? -1,
    logging_level: String(d.loggingLevel ?? 'Info').toUpperCase(),
    environment_variables: isObj(d.environmentVariables) ? d.environmentVariables : {},
  };
  const parameters = {
    run_max_try: String(retry.maxRetries ?? 3),
    run_invocation_timeout: String(timeoutS),
    mini_batch_size: String(d.miniBatchSize ?? 10),
    error_threshold: String(d.errorThreshold ?? -1),
    logging_level: String(d.loggingLevel ?? 'Info').toUpperCase(),
    process_count_per_node: String(d.maxConcurrencyPerInstance ?? 1),
    NodeCount: String(instanceCount),
    append_row_file_name: outputFile,
  };
  return {
    jobType: 'Pipeline',
    // The caller's experiment (azure-ai-ml invoke: experiment_name → properties.experimentName),
    // else one named after the endpoint (not recorded: unsourced beyond the lead's brief).
    experimentName: experiment ?? endpoint.name,
    displayName: jobName,
    ...(typeof d.compute === 'string' ? { computeId: d.compute } : {}),
    tags: batchJobTags(deployment),
    properties: { ...batchJobProperties(endpoint, false), 'azureml.parameters': JSON.stringify(parameters) },
    inputs: {
      input_data: { ...input, mode: 'ReadOnlyMount' },
      // The deployment's model, downloaded; the driver points AZUREML_MODEL_DIR at it (parallel_driver.py main).
      ...(modelId ? { azureml_model_dir: { jobInputType: 'custom_model', uri: modelId, mode: 'Download' } } : {}),
    },
    outputs: {
      score: appendRow
        ? { jobOutputType: 'uri_file', uri: `azureml://datastores/workspaceblobstore/paths/azureml/${jobName}/score/${outputFile}`, mode: 'ReadWriteMount' }
        : { jobOutputType: 'uri_folder', uri: `azureml://datastores/workspaceblobstore/paths/azureml/${jobName}/score/`, mode: 'ReadWriteMount' },
    },
    jobs: { score: node },
    settings: {},
  };
}

/** A pipeline-component deployment's configuration (mfe.json BatchPipelineComponentDeploymentConfiguration), else undefined. */
function pipelineConfigOf(deployment: ArmResource): { componentId: string; settings: Record<string, string> } | undefined {
  const c = (deployment.properties as Obj).deploymentConfiguration;
  if (!isObj(c) || String(c.deploymentConfigurationType) !== 'PipelineComponent') return undefined;
  const id = isObj(c.componentId) && typeof c.componentId.assetId === 'string' ? c.componentId.assetId : '';
  const settings: Record<string, string> = {};
  if (isObj(c.settings)) for (const [k, v] of Object.entries(c.settings)) if (v !== null && v !== undefined) settings[k] = String(v);
  return { componentId: id, settings };
}

/** Component input types that are literal values (azure-ai-ml InputTypes: NUMBER, BOOLEAN, INTEGER, STRING). */
const LITERAL_TYPES = ['string', 'integer', 'number', 'boolean'];
/** jobOutputType as sent for an output (how-to-access-data-batch-endpoints-jobs: `UriFolder` / `UriFile`). */
const OUTPUT_TYPES: Record<string, string> = { urifolder: 'uri_folder', uri_folder: 'uri_folder', urifile: 'uri_file', uri_file: 'uri_file' };

interface PipelineInvokeBody {
  /** Data inputs by name: the job input (type, uri). */
  data: Record<string, Obj>;
  /** Literal inputs by name. */
  literals: Record<string, string>;
  /** Outputs by name: where they go. */
  outputs: Record<string, { type: string; uri: string }>;
  sentInputs: Obj;
  experiment?: string;
}

/**
 * The body for a pipeline-component deployment: `properties.inputData` keyed by the component's
 * input names (azure-ai-ml invoke: `inputs={name: Input(...)}` goes as `input_data` as given; entry 21
 * shows a named data input `{uri, jobInputType}`), literal inputs as `{jobInputType: "Literal", value}`
 * (https://learn.microsoft.com/azure/machine-learning/how-to-access-data-batch-endpoints-jobs, literal
 * inputs) and `properties.outputData` keyed by output name `{uri, jobOutputType}` (same page, "data
 * outputs"; azureml-examples cli/batch-score-rest.sh).
 */
function parsePipelineInvokeBody(request: unknown): PipelineInvokeBody {
  const body = normalizeBody(request);
  const props = isObj(body) && isObj(body.properties) ? body.properties : undefined;
  if (!props) throw dataPlaneError(400, 'BadArgument', 'The request body must be {"properties": {"inputData": {"<input>": {...}}}}.');
  for (const k of Object.keys(props))
    if (!['inputData', 'outputData', 'experimentName'].includes(k))
      throw dataPlaneError(400, 'BadArgument', `properties.${k} is not supported by the emulator's batch endpoints (inputData, outputData, experimentName).`);
  const out: PipelineInvokeBody = { data: {}, literals: {}, outputs: {}, sentInputs: {} };
  if (props.inputData !== undefined && props.inputData !== null && !isObj(props.inputData))
    throw dataPlaneError(400, 'BadArgument', 'properties.inputData must be an object of named inputs.');
  for (const [name, raw] of Object.entries(isObj(props.inputData) ? props.inputData : {})) {
    if (!isObj(raw)) throw dataPlaneError(400, 'BadArgument', `properties.inputData.${name} must be an object with 'jobInputType'.`);
    const kind = String(raw.jobInputType ?? '').toLowerCase();
    if (kind === 'literal') {
      if (raw.value === undefined || raw.value === null || isObj(raw.value))
        throw dataPlaneError(400, 'BadArgument', `properties.inputData.${name}: a Literal input needs a 'value'.`);
      out.literals[name] = String(raw.value);
    } else {
      const type = INPUT_TYPES[kind];
      if (!type)
        throw dataPlaneError(
          400,
          'BadArgument',
          `properties.inputData.${name}.jobInputType '${String(raw.jobInputType)}' is not one of UriFolder, UriFile, MLTable, Literal.`,
        );
      if (typeof raw.uri !== 'string' || raw.uri === '') throw dataPlaneError(400, 'BadArgument', `properties.inputData.${name} must have a 'uri'.`);
      out.data[name] = { jobInputType: type, uri: raw.uri };
    }
    out.sentInputs[name] = { description: null, ...raw, ...(kind === 'literal' ? {} : { mode: 'ReadOnlyMount' }) };
  }
  if (props.outputData !== undefined && props.outputData !== null && !isObj(props.outputData))
    throw dataPlaneError(400, 'BadArgument', 'properties.outputData must be an object of named outputs.');
  for (const [name, raw] of Object.entries(isObj(props.outputData) ? props.outputData : {})) {
    const type = isObj(raw) ? OUTPUT_TYPES[String(raw.jobOutputType ?? '').toLowerCase()] : undefined;
    if (!isObj(raw) || !type || typeof raw.uri !== 'string' || raw.uri === '')
      throw dataPlaneError(400, 'BadArgument', `properties.outputData.${name} must be {"uri", "jobOutputType": "UriFolder" | "UriFile"}.`);
    out.outputs[name] = { type, uri: raw.uri };
  }
  const experiment = props.experimentName;
  if (experiment !== undefined && experiment !== null && (typeof experiment !== 'string' || experiment === ''))
    throw dataPlaneError(400, 'BadArgument', 'properties.experimentName must be a non-empty string.');
  if (typeof experiment === 'string') out.experiment = experiment;
  return out;
}

/**
 * The PipelineJob a pipeline-component deployment runs for one invocation: the component's steps
 * as the job's own (`${{parent.inputs.x}}` / `${{parent.outputs.y}}` bind to the invocation's named
 * inputs and outputs), with the deployment's settings (default_compute, continue_on_step_failure:
 * https://learn.microsoft.com/azure/machine-learning/how-to-use-batch-pipeline-deployments,
 * entities/_deployment/pipeline_component_batch_deployment.py `settings`). An input the component does
 * not declare, a data input given a literal (or the reverse), or a required input missing → 400.
 */
export function componentPipelineJob(
  endpoint: ArmResource,
  deployment: ArmResource,
  jobName: string,
  spec: Obj,
  settings: Record<string, string>,
  body: PipelineInvokeBody,
): Obj {
  const declared = isObj(spec.inputs) ? spec.inputs : {};
  const declaredOut = isObj(spec.outputs) ? spec.outputs : {};
  const names = Object.keys(declared);
  const list = names.length > 0 ? names.join(', ') : 'none';
  const inputs: Obj = {};
  for (const name of [...Object.keys(body.data), ...Object.keys(body.literals)])
    if (!(name in declared))
      throw dataPlaneError(400, 'BadArgument', `Input '${name}' is not an input of the deployment's pipeline component (its inputs: ${list}).`);
  for (const [name, raw] of Object.entries(declared)) {
    const d = isObj(raw) ? raw : {};
    const type = String(d.type ?? '').toLowerCase();
    const literal = LITERAL_TYPES.includes(type);
    if (name in body.data) {
      if (literal) throw dataPlaneError(400, 'BadArgument', `Input '${name}' is a ${type}: send it as {"jobInputType": "Literal", "value"}.`);
      // The job input takes the component's data type (a model input stays a model); mode as entry 21 answers.
      const given = body.data[name];
      inputs[name] = {
        jobInputType: type === '' || type === 'uri_folder' || type === 'uri_file' ? given.jobInputType : type,
        uri: given.uri,
        mode: 'ReadOnlyMount',
      };
    } else if (name in body.literals) {
      if (!literal && type !== '') throw dataPlaneError(400, 'BadArgument', `Input '${name}' is a ${type} data input: send it as {"uri", "jobInputType"}.`);
      inputs[name] = { jobInputType: 'literal', value: body.literals[name] };
    } else if (d.default !== undefined && d.default !== null) {
      inputs[name] = literal ? { jobInputType: 'literal', value: String(d.default) } : { jobInputType: type, uri: String(d.default), mode: 'ReadOnlyMount' };
    } else if (d.optional !== true && d.optional !== 'true') {
      throw dataPlaneError(400, 'BadArgument', `Input '${name}' of the deployment's pipeline component is required and was not given (its inputs: ${list}).`);
    }
  }
  for (const name of Object.keys(body.outputs))
    if (!(name in declaredOut))
      throw dataPlaneError(
        400,
        'BadArgument',
        `Output '${name}' is not an output of the deployment's pipeline component (its outputs: ${Object.keys(declaredOut).join(', ') || 'none'}).`,
      );
  const outputs: Obj = {};
  for (const [name, raw] of Object.entries(declaredOut)) {
    const d = isObj(raw) ? raw : {};
    const given = body.outputs[name];
    const type = given?.type ?? (String(d.type ?? 'uri_folder').toLowerCase() === 'uri_file' ? 'uri_file' : 'uri_folder');
    // Not sent: under azureml/<job>/<output>/ of the default datastore, as a model deployment's `score`.
    const uri = given?.uri ?? `azureml://datastores/workspaceblobstore/paths/azureml/${jobName}/${name}/${type === 'uri_folder' ? '' : name}`;
    outputs[name] = { jobOutputType: type, uri, mode: String(d.mode ?? '').toLowerCase() === 'upload' ? 'Upload' : 'ReadWriteMount' };
  }
  const continueOnFailure = /^true$/i.test(settings.continue_on_step_failure ?? '');
  const jobSettings: Obj = { continue_on_step_failure: continueOnFailure };
  for (const k of ['default_datastore', 'force_rerun']) if (settings[k] !== undefined) jobSettings[k] = settings[k];
  return {
    jobType: 'Pipeline',
    experimentName: body.experiment ?? endpoint.name,
    displayName: jobName,
    // default_compute names the cluster every step runs on unless it names its own (validateJob resolves the name).
    ...(settings.default_compute ? { computeId: settings.default_compute } : {}),
    // As for a model deployment, but no parallel run settings, so no azureml.parameters (unsourced).
    tags: batchJobTags(deployment),
    properties: batchJobProperties(endpoint, continueOnFailure),
    inputs,
    outputs,
    jobs: structuredClone(isObj(spec.jobs) ? spec.jobs : {}),
    settings: jobSettings,
  };
}

export function batchInvokeRoutes(svc: EndpointService): Route[] {
  const deps = svc.deps.arm;

  /** The batch endpoint of that name, in whichever workspace holds it (the scoring host names no workspace). */
  const findEndpoint = async (name: string): Promise<ArmResource | undefined> => {
    for (const sub of await deps.store.list('/subscriptions'))
      for (const rg of await deps.store.list(`${sub.id}/resourceGroups`))
        for (const ws of await deps.store.list(`${rg.id}/providers/${MLS_NAMESPACE}/workspaces`)) {
          const hit = await deps.store.get(`${ws.id}/batchEndpoints/${name}`);
          if (hit) return hit;
        }
    return undefined;
  };

  const authorize = async (endpoint: ArmResource, header: string | undefined, now: Date): Promise<string | undefined> => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!m) return 'The request has no Bearer credential: send Authorization: Bearer <Microsoft Entra token>.';
    const mode = String((endpoint.properties as Obj).authMode);
    if (mode === 'Key') {
      const keys = await svc.keysOf(endpoint.id);
      return sameSecret(m[1], keys.primaryKey) || sameSecret(m[1], keys.secondaryKey) ? undefined : 'The key is not valid for this endpoint.';
    }
    // AADToken: a token for https://ml.azure.com (azure-ai-ml _batch_endpoint_operations.py invoke:
    // `self._credentials.get_token(*_resource_to_scopes(_get_aml_resource_id_from_metadata()))`).
    const check = svc.deps.tokens.verify(m[1], now, [AAD_TOKEN_AUDIENCE]);
    return check.ok ? undefined : `The Microsoft Entra token is not valid for this endpoint: ${check.error.message}`;
  };

  const invoke = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const endpoint = await findEndpoint(req.params.endpointName);
    if (!endpoint) throw dataPlaneError(404, 'NotFound', `Batch endpoint '${req.params.endpointName}' was not found.`);
    const denied = await authorize(endpoint, req.headers.authorization, req.ctx.now);
    if (denied) return { status: 401, headers: { 'WWW-Authenticate': 'Bearer' }, body: { error: { code: 'Unauthorized', message: denied } } };
    const ep = endpoint.properties as Obj;
    const wanted =
      req.headers[DEPLOYMENT_HEADER]?.trim() || (isObj(ep.defaults) && typeof ep.defaults.deploymentName === 'string' ? ep.defaults.deploymentName : '');
    // No deployment named and no default: 400 (unsourced: Azure's answer is not recorded).
    if (!wanted)
      throw dataPlaneError(400, 'BadArgument', `Batch endpoint '${endpoint.name}' has no default deployment; name one with the header ${DEPLOYMENT_HEADER}.`);
    const deployment = await deps.store.get(`${endpoint.id}/deployments/${wanted}`);
    // An unknown deployment: 404. Azure's answer is not recorded (azure-ai-ml checks the name before
    // it posts: _validate_deployment_name, "Deployment name … not found for this endpoint"); the
    // online scoring route answers 404 too. Unsourced.
    if (!deployment) throw dataPlaneError(404, 'NotFound', `Deployment '${wanted}' was not found in batch endpoint '${endpoint.name}'.`);
    const parsed = parseWorkspaceChildId(endpoint.id);
    if (!parsed) throw new Error(`not a workspace child: ${endpoint.id}`);
    const scope = parsed.scope;
    const jobName = `batchjob-${randomUUID()}`; // entry 21: name `batchjob-<guid>`
    const config = pipelineConfigOf(deployment);
    let input0: Obj;
    let inputData: Obj;
    if (config) {
      const body = parsePipelineInvokeBody(req.body);
      const component = await deps.store.get(config.componentId);
      const spec = component && isObj(component.properties) && isObj(component.properties.componentSpec) ? component.properties.componentSpec : undefined;
      if (!spec)
        throw dataPlaneError(400, 'BadArgument', `Batch deployment '${deployment.name}' names component '${config.componentId}', which does not exist.`);
      input0 = componentPipelineJob(endpoint, deployment, jobName, spec, config.settings, body);
      inputData = body.sentInputs;
    } else {
      const { inputName, input, sent, experiment } = parseInvokeBody(req.body);
      input0 = batchPipelineJob(endpoint, deployment, jobName, input, experiment);
      inputData = { [inputName]: { description: null, ...sent, mode: 'ReadOnlyMount' } };
    }
    const digest = jobRequestDigest(input0);
    const definition = jobDefinitionDigest(input0);
    const props = await validateJob(deps, scope, structuredClone(input0));
    // The steps' default compute: the cluster default_compute named, as resolved for the job.
    if (config && typeof props.computeId === 'string' && isObj(props.settings)) props.settings.default_compute = props.computeId;
    applyJobDefaults(props, jobName);
    const jobId = childId(scope, 'jobs', jobName);
    const job: ArmResource = { id: jobId, name: jobName, type: TYPES.job, properties: props, systemData: createdSystemData(req.ctx, req.ctx.now) };
    await deps.store.put(jobId, job);
    await deps.store.put(jobRequestRecordId(jobId), { digest, definition, createdAt: req.ctx.now.toISOString() });
    deps.executor.start(jobId);

    // 201 + the BatchJob resource (entry 21).
    const d = deployment.properties as Obj;
    return {
      status: 201,
      body: {
        id: `${deployment.id}/jobs/${jobName}`,
        name: jobName,
        type: BATCH_JOB_TYPE,
        properties: {
          provisioningState: 'Succeeded',
          inputData,
          compute: {
            target: typeof d.compute === 'string' ? d.compute : null,
            instanceCount: null,
            isLocal: false,
            location: null,
            instanceType: null,
            properties: null,
          },
          output: { datastoreId: null, path: null },
          retrySettings: d.retrySettings ?? { maxRetries: 3, timeout: 'PT30S' },
          status: 'Preparing',
          tags: props.tags,
          properties: props.properties,
          name: jobName,
        },
        systemData: job.systemData,
      },
    };
  };

  return [{ method: 'POST', pattern: '/inference/{endpointName}/jobs', operation: 'BatchEndpoint_Invoke', auth: 'none', handler: invoke }];
}
