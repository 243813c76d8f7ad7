/**
 * A command job, really run: download the code version into a working folder, fetch the inputs,
 * bind the outputs to local folders, substitute `${{inputs.x}}` / `${{outputs.y}}` in the command,
 * run it with `bash -c` (own process group) while the log streams to Azurite, then upload the
 * outputs to the default datastore (`azureml/<job>/<output>/`), the `./outputs` and `./logs`
 * folders to the run's artifacts, and record where each output went on the job resource.
 *
 * Status: NotStarted → Starting → Preparing → Queued → Running → Finalizing → Completed / Failed
 * (CancelRequested → Canceled on cancel), as the swagger's JobStatus lists them.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { lastSegment, parseDurationMs, parseJobId, pick, pickString, stringMap, type JobResource, type WorkspaceRef } from '../data/resources.js';
import { BindingError, substituteCommand } from './bindings.js';
import { joinBlobPath, type BlobLocation } from '../data/blob-io.js';
import { LogShipper, STD_LOG, tailLines } from './logs.js';
import { baseEnvironment, killGroup, signalGroup, startProcess } from './process.js';
import type { ActiveJob, Outcome, ParentLink, Runtime } from './runtime.js';
import { errorOf } from './status.js';
import { ARTIFACT_DATASTORE, DataResolutionError, datastoreUri, parseDatastoreUri, runArtifactsLocation, runArtifactsUri } from '../data/uris.js';
import { asObj } from '../obj.js';

/** A failure the user can act on: becomes the job's error (code UserError). */
export class JobFailure extends Error {
  override readonly name = 'JobFailure';
  constructor(
    message: string,
    readonly innerCode: string,
    readonly code: 'UserError' | 'SystemError' = 'UserError',
  ) {
    super(message);
  }
}

const DATA_INPUT_TYPES = ['uri_file', 'uri_folder', 'mltable', 'custom_model', 'mlflow_model', 'triton_model'];
const MODEL_TYPES = ['custom_model', 'mlflow_model', 'triton_model'];
/** Outputs that are the run's artifact folder rather than a datastore folder. */
const ARTIFACT_OUTPUTS = ['default', 'artifacts'];

export function inputTypeOf(spec: Record<string, unknown> | undefined): string | undefined {
  return pickString(spec, 'jobInputType', 'job_input_type', 'type')?.toLowerCase();
}

export function outputTypeOf(spec: Record<string, unknown> | undefined): string {
  return (pickString(spec, 'jobOutputType', 'job_output_type', 'type') ?? 'uri_folder').toLowerCase();
}

interface BoundOutput {
  name: string;
  type: string;
  local: string;
  /** URI recorded on the job (`azureml://datastores/...`). */
  uri: string;
  target: BlobLocation;
}

interface Prepared {
  cwd: string;
  command: string;
  env: Record<string, string>;
  outputs: BoundOutput[];
  timeoutMs?: number;
}

function expandOutputPath(uri: string, jobName: string, output: string): string {
  return uri.replace(/\$\{\{\s*name\s*\}\}/g, jobName).replace(/\$\{\{\s*output_name\s*\}\}/g, output);
}

function envName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Add what Azure adds on creation: the `default` output, the run's artifact folder (command and sweep jobs: recordings jobs/command-job-serverless-create-get.json, jobs/sweep-job-create-get.json). */
export async function addDefaultOutput(rt: Runtime, jobId: string, name: string): Promise<void> {
  await rt.recorder.patch(jobId, (job) => {
    const props = job.properties;
    const outputs = asObj(props.outputs) ?? {};
    if (outputs.default) return false;
    outputs.default = {
      jobOutputType: 'uri_folder',
      mode: 'ReadWriteMount',
      // Azure's form, no /paths/ (recordings jobs/*: outputs.default.uri); see runArtifactsUri.
      uri: runArtifactsUri(name),
    };
    props.outputs = outputs;
  });
}

/** `adapt` (Spark jobs) turns the stored properties into those of the command to run. */
export async function runCommandJob(
  rt: Runtime,
  jobId: string,
  active: ActiveJob,
  parent?: ParentLink,
  adapt?: (props: Record<string, unknown>) => Record<string, unknown>,
): Promise<Outcome> {
  const { ws, name } = parseJobId(jobId);
  const signal = active.signal;
  let job = await rt.loadJob(jobId);
  if (!job) return { status: 'Failed' };
  const initial = job.properties.status;
  if (initial === 'Completed' || initial === 'Failed' || initial === 'Canceled') return { status: initial };
  await rt.ensureRun(jobId, job, parent);
  await addDefaultOutput(rt, jobId, name);
  const scope = rt.scopeOf(ws);

  if (!(await stepTo(rt, jobId, 'Starting', active))) return finishStopped(rt, jobId, active);
  await rt.step(signal);
  if (!(await stepTo(rt, jobId, 'Preparing', active))) return finishStopped(rt, jobId, active);

  const dir = rt.workDirOf(name);
  const logFile = join(dir, STD_LOG);
  let prepared: Prepared;
  try {
    job = (await rt.loadJob(jobId)) ?? job;
    prepared = await prepare(rt, ws, name, adapt ? { ...job, properties: adapt(job.properties) } : job, dir, signal);
  } catch (err) {
    if (signal.aborted) return finishStopped(rt, jobId, active);
    return fail(rt, jobId, err);
  }
  await rt.step(signal);
  if (!(await stepTo(rt, jobId, 'Queued', active))) return finishStopped(rt, jobId, active);
  await rt.step(signal);
  if (!(await stepTo(rt, jobId, 'Running', active))) return finishStopped(rt, jobId, active);

  const artifactContainer = await rt.resolver(ws).datastoreContainer(ARTIFACT_DATASTORE);
  const artifacts = { container: artifactContainer, path: runArtifactsLocation(name).path };
  const shipper = new LogShipper(
    rt.blob,
    logFile,
    { container: artifacts.container, path: artifacts.path + STD_LOG },
    async () => {
      await rt.tracking.updateHistory(scope, name, { logFiles: [STD_LOG] });
    },
    (err) => process.stderr.write(`azureml emulator: log upload of job ${name} failed: ${describeError(err)}\n`),
  );

  const proc = startProcess(prepared.command, { cwd: prepared.cwd, env: prepared.env, logFile });
  active.pid = proc.pid;
  rt.changed();
  shipper.start(rt.options.logUploadIntervalInMs);
  await shipper.ship(true);

  let timeout: NodeJS.Timeout | undefined;
  if (prepared.timeoutMs !== undefined) {
    timeout = setTimeout(() => rt.requestStop(jobId, 'timeout'), prepared.timeoutMs);
    timeout.unref();
  }
  const onAbort = (): void => void killGroup(proc.pid, active.reason === 'shutdown' ? Math.min(rt.options.cancelGraceInMs, 1000) : rt.options.cancelGraceInMs);
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort(); // stopped between the status step and the spawn
  const exit = await proc.exited;
  signal.removeEventListener('abort', onAbort);
  if (timeout) clearTimeout(timeout);
  // The container is gone once the main process ends: nothing it left behind survives.
  signalGroup(proc.pid, 'SIGKILL');
  active.pid = undefined;
  rt.changed();

  if (signal.aborted) {
    await shipper.finish();
    await uploadArtifactFolders(rt, prepared.cwd, artifacts).catch(() => undefined);
    return finishStopped(rt, jobId, active);
  }

  if (!(await stepTo(rt, jobId, 'Finalizing', active))) {
    await shipper.finish();
    return finishStopped(rt, jobId, active);
  }
  await shipper.finish();
  try {
    await uploadArtifactFolders(rt, prepared.cwd, artifacts);
  } catch (err) {
    return fail(
      rt,
      jobId,
      new JobFailure(`Uploading the run's ./outputs and ./logs folders failed: ${(err as Error).message}`, 'ArtifactUploadFailed', 'SystemError'),
    );
  }

  if (exit.code !== 0) {
    const tail = await tailLines(logFile, 20);
    const how = exit.signal ? `was terminated by signal ${exit.signal}` : `exited with status code ${exit.code}`;
    const message =
      `Execution failed. User process 'bash' ${how}. Please check log file '${STD_LOG}' for error details.` +
      (tail.length > 0 ? ` Error: ${tail.join('\n')}` : '');
    return fail(rt, jobId, new JobFailure(message, 'UserProcessFailed'));
  }

  try {
    for (const out of prepared.outputs) {
      if (out.type === 'uri_file') {
        if (!(await stat(out.local).catch(() => undefined))?.isFile()) {
          throw new JobFailure(`Output '${out.name}' (uri_file) was not written: the command did not create ${out.local}`, 'OutputNotWritten');
        }
        await rt.blob.uploadFile(out.local, out.target);
      } else {
        await mkdir(out.local, { recursive: true });
        await rt.blob.uploadFolder(out.local, out.target);
      }
    }
  } catch (err) {
    return fail(
      rt,
      jobId,
      err instanceof JobFailure ? err : new JobFailure(`Uploading outputs failed: ${(err as Error).message}`, 'OutputUploadFailed', 'SystemError'),
    );
  }
  await rt.recorder.patch(jobId, (j) => {
    const outputs = asObj(j.properties.outputs) ?? {};
    for (const out of prepared.outputs) {
      const spec = asObj(outputs[out.name]) ?? { jobOutputType: out.type, mode: 'ReadWriteMount' };
      spec.uri = out.uri;
      outputs[out.name] = spec;
    }
    j.properties.outputs = outputs;
  });
  await rt.step(signal);
  await rt.recorder.transition(jobId, 'Completed');
  return { status: 'Completed' };
}

/** Move to a non-terminal status unless the job is being stopped. */
async function stepTo(rt: Runtime, jobId: string, status: 'Starting' | 'Preparing' | 'Queued' | 'Running' | 'Finalizing', active: ActiveJob): Promise<boolean> {
  if (active.signal.aborted) return false;
  await rt.recorder.transition(jobId, status);
  const now = await rt.recorder.currentStatus(jobId);
  return now === status && !active.signal.aborted;
}

/** The job was asked to stop (cancel, timeout, shutdown) or changed under us: settle its final status. */
export async function finishStopped(rt: Runtime, jobId: string, active: ActiveJob): Promise<Outcome> {
  const at = rt.host.now();
  const current = await rt.recorder.currentStatus(jobId);
  if (current === 'Completed' || current === 'Failed' || current === 'Canceled') {
    // Someone else settled it (e.g. the cancel operation): keep MLflow and run history in step.
    await rt.recorder.syncTracking(jobId);
    return { status: current };
  }
  if (active.reason === 'shutdown') {
    const error = errorOf(
      'SystemError',
      'The local Azure ML emulator was shut down while the job was running; its process was stopped.',
      'EmulatorShutdown',
      at,
    );
    await rt.recorder.transition(jobId, 'Failed', { error });
    return { status: 'Failed', error };
  }
  if (active.reason === 'timeout') {
    const error = errorOf('UserError', 'The job exceeded its time limit (limits.timeout) and was canceled.', 'JobTimeout', at);
    await rt.recorder.transition(jobId, 'CancelRequested');
    await rt.recorder.transition(jobId, 'Canceled', { error });
    return { status: 'Canceled', error };
  }
  await rt.recorder.transition(jobId, 'CancelRequested');
  await rt.recorder.transition(jobId, 'Canceled');
  return { status: 'Canceled' };
}

export async function fail(rt: Runtime, jobId: string, err: unknown): Promise<Outcome> {
  const at = rt.host.now();
  let error;
  if (err instanceof JobFailure) error = errorOf(err.code, err.message, err.innerCode, at);
  else if (err instanceof BindingError) error = errorOf('UserError', `Invalid command: ${err.message}`, 'InvalidCommand', at);
  else if (err instanceof DataResolutionError) error = errorOf('UserError', err.message, 'DataNotFound', at);
  else error = errorOf('SystemError', `The local emulator could not run the job: ${err instanceof Error ? err.message : String(err)}`, 'EmulatorError', at);
  await rt.recorder.transition(jobId, 'Failed', { error });
  return { status: 'Failed', error };
}

async function uploadArtifactFolders(rt: Runtime, cwd: string, artifacts: BlobLocation): Promise<void> {
  for (const folder of ['outputs', 'logs']) {
    await rt.blob.uploadFolder(join(cwd, folder), { container: artifacts.container, path: joinBlobPath(artifacts.path, `${folder}/`) });
  }
}

async function prepare(rt: Runtime, ws: WorkspaceRef, name: string, job: JobResource, dir: string, signal: AbortSignal): Promise<Prepared> {
  const props = job.properties;
  const command = pickString(props, 'command');
  if (!command || command.trim() === '') throw new JobFailure(`The job has no command to run (properties.command is empty)`, 'InvalidCommand');
  const resolver = rt.resolver(ws);

  await rm(dir, { recursive: true, force: true });
  const cwd = join(dir, 'code');
  await mkdir(cwd, { recursive: true });
  await mkdir(join(dir, 'user_logs'), { recursive: true });

  // Code snapshot.
  const codeId = pickString(props, 'codeId', 'code');
  if (codeId) {
    let loc: BlobLocation;
    try {
      loc = codeId.startsWith('http') || codeId.startsWith('azureml://') ? await resolver.resolve(codeId) : await resolver.codeLocation(codeId);
    } catch (err) {
      if (err instanceof DataResolutionError) throw new JobFailure(`Code '${codeId}' could not be found: ${err.message}`, 'CodeNotFound');
      throw err;
    }
    const got = await rt.blob.download(loc, cwd, { abortSignal: signal });
    if (got.count === 0) {
      throw new JobFailure(`Code '${codeId}' has no files at ${rt.blob.url(loc)}; upload the code folder before creating the job`, 'CodeNotFound');
    }
  }

  // Inputs.
  const inputValues: Record<string, string> = {};
  const env: Record<string, string> = {};
  const inputs = asObj(props.inputs) ?? {};
  for (const [inputName, raw] of Object.entries(inputs)) {
    if (raw === null || raw === undefined) continue;
    if (typeof raw !== 'object') {
      inputValues[inputName] = String(raw);
      continue;
    }
    const spec = asObj(raw)!;
    const type = inputTypeOf(spec);
    if (type === 'literal' || (type === undefined && spec.value !== undefined)) {
      const v = pick(spec, 'value');
      inputValues[inputName] = typeof v === 'string' ? v : JSON.stringify(v ?? '');
      continue;
    }
    if (!type || !DATA_INPUT_TYPES.includes(type)) {
      throw new JobFailure(
        `Input '${inputName}' has unsupported type '${type ?? '(none)'}' (supported: literal, ${DATA_INPUT_TYPES.join(', ')})`,
        'InvalidInput',
      );
    }
    const uri = pickString(spec, 'uri', 'path');
    if (!uri) throw new JobFailure(`Input '${inputName}' (${type}) has no uri`, 'InvalidInput');
    let loc: BlobLocation;
    try {
      loc = await resolver.resolve(uri, MODEL_TYPES.includes(type) ? 'models' : 'data');
    } catch (err) {
      if (err instanceof DataResolutionError) throw new JobFailure(`Input '${inputName}': ${err.message}`, 'DataNotFound');
      throw err;
    }
    const mode = (pickString(spec, 'mode') ?? '').toLowerCase();
    if (mode === 'direct') {
      inputValues[inputName] = rt.blob.url(loc);
    } else {
      const target = join(dir, 'inputs', inputName);
      const got = await rt.blob.download(loc, target, { abortSignal: signal });
      const fromJob = /^azureml:\/\/jobs\//i.test(uri);
      if (type === 'uri_file') {
        if (!got.file) {
          throw new JobFailure(
            got.count === 0
              ? `Input '${inputName}' (uri_file): no file at '${uri}' (${rt.blob.url(loc)})`
              : `Input '${inputName}' is a uri_file, but '${uri}' is a folder; use type uri_folder`,
            'DataNotFound',
          );
        }
        inputValues[inputName] = got.file;
      } else {
        if (got.count === 0 && !fromJob) {
          throw new JobFailure(`Input '${inputName}' (${type}): nothing found at '${uri}' (${rt.blob.url(loc)})`, 'DataNotFound');
        }
        inputValues[inputName] = target;
      }
    }
    env[`AZURE_ML_INPUT_${envName(inputName)}`] = inputValues[inputName]!;
  }

  // Outputs.
  const outputValues: Record<string, string> = {};
  const bound: BoundOutput[] = [];
  const outputs = asObj(props.outputs) ?? {};
  let defaultDs: string | undefined;
  for (const [outputName, raw] of Object.entries(outputs)) {
    if (ARTIFACT_OUTPUTS.includes(outputName)) {
      outputValues[outputName] = join(cwd, 'outputs');
      continue;
    }
    const spec = asObj(raw) ?? {};
    const type = outputTypeOf(spec);
    const given = pickString(spec, 'uri', 'path');
    let uri: string;
    if (given) {
      uri = expandOutputPath(given, name, outputName);
    } else {
      defaultDs ??= await resolver.defaultDatastore();
      uri = datastoreUri(defaultDs, type === 'uri_file' ? `azureml/${name}/${outputName}/${outputName}` : `azureml/${name}/${outputName}/`);
    }
    let target: BlobLocation;
    try {
      target = await resolver.resolve(uri);
    } catch (err) {
      if (err instanceof DataResolutionError) throw new JobFailure(`Output '${outputName}': ${err.message}`, 'InvalidOutput');
      throw err;
    }
    if (!parseDatastoreUri(uri) && !/^https?:\/\//i.test(uri)) {
      throw new JobFailure(
        `Output '${outputName}': '${uri}' is not a place outputs can be written to (use azureml://datastores/<name>/paths/<path>)`,
        'InvalidOutput',
      );
    }
    const folder = join(dir, 'outputs', outputName);
    await mkdir(folder, { recursive: true });
    const local = type === 'uri_file' ? join(folder, basename(target.path.replace(/\/+$/, '')) || outputName) : folder;
    if (type !== 'uri_file' && target.path !== '' && !target.path.endsWith('/')) target = { ...target, path: `${target.path}/` };
    outputValues[outputName] = local;
    env[`AZURE_ML_OUTPUT_${envName(outputName)}`] = local;
    bound.push({ name: outputName, type, local, uri, target });
  }

  let substituted: string;
  try {
    substituted = substituteCommand(command, { inputs: inputValues, outputs: outputValues });
  } catch (err) {
    if (err instanceof BindingError) throw new JobFailure(`Invalid command: ${err.message}`, 'InvalidCommand');
    throw err;
  }

  const jobEnv = stringMap(pick(props, 'environmentVariables', 'environment_variables'));
  const experiment = pickString(props, 'experimentName') ?? 'Default';
  const run = await rt.tracking.findRun(rt.scopeOf(ws), name);
  const computeId = pickString(props, 'computeId');
  const fullEnv: Record<string, string> = {
    ...baseEnvironment(),
    PYTHONUNBUFFERED: '1',
    ...jobEnv,
    ...env,
    MLFLOW_TRACKING_URI: rt.trackingUri(ws),
    MLFLOW_RUN_ID: name,
    MLFLOW_TRACKING_TOKEN: rt.host.issueToken('https://management.azure.com'),
    MLFLOW_EXPERIMENT_NAME: experiment,
    ...(run ? { MLFLOW_EXPERIMENT_ID: run.info.experiment_id } : {}),
    AZUREML_RUN_ID: name,
    AZUREML_ARM_SUBSCRIPTION: ws.subscriptionId,
    AZUREML_ARM_RESOURCEGROUP: ws.resourceGroup,
    AZUREML_ARM_WORKSPACE_NAME: ws.workspace,
    AZUREML_ARM_PROJECT_NAME: experiment,
    AZUREML_EXPERIMENT_NAME: experiment,
    ...(computeId ? { AZUREML_COMPUTE_NAME: lastSegment(computeId) } : {}),
  };
  const limits = asObj(props.limits);
  return { cwd, command: substituted, env: fullEnv, outputs: bound, timeoutMs: parseDurationMs(pick(limits, 'timeout')) };
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { code?: string; statusCode?: number };
  return [e.name, e.code, e.statusCode, e.message].filter((x) => x !== undefined && x !== '').join(' ');
}
