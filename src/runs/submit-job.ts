/**
 * submit-job: main and post steps. Reads inputs, translates the YAML, submits (or reattaches),
 * waits with status lines and a log tail, and cancels the Azure job when the workflow is
 * cancelled or the timeout is reached.
 */
import { createArmClient } from '../azure/arm.js';
import { createBlobStore } from '../azure/blob.js';
import { createAzureContext, readAzureInputs, type AzureContext, type AzureSettings } from '../azure/context.js';
import { workspaceResourceId } from '../azure/arm.js';
import { createDryRun, createSnapshotUploader, createWorkspaceApi } from '../azure/workspace.js';
import { ConfigurationError } from '../core/errors.js';
import { lineageTags, readWorkflowRun, type WorkflowRun } from '../core/workflow-run.js';
import type { InputReader } from '../core/inputs.js';
import { escapeText, link } from '../core/escape.js';
import type { ActionIO, ActionLog } from '../core/io.js';
import { readSubmitJobInputs, type SubmitJobSettings } from './inputs/submit-job.js';
import { appendLedger } from '../core/ledger.js';
import { printUntrusted } from '../core/untrusted-log.js';
import { SpecDocument } from '../specs/document.js';
import { planJob, type JobPlan } from '../specs/job/index.js';
import { isScheduleSpec } from '../specs/schedule.js';
import { submitSchedule } from './submit-job/schedule.js';
import { deterministicJobName } from '../specs/names.js';
import { applyOverrides, parseOverrides } from '../specs/overrides.js';
import type { ArmObject, WorkspaceApi } from '../azure/workspace-api.js';
import { fetchLogTail, fetchRunDetails, runErrorMessage } from '../jobs/logs.js';
import { isTerminal, type EndEstimate } from '../jobs/status.js';
import { estimateJobEnd, JOB_FILE_TAG } from '../jobs/estimate.js';
import { createWorkspaceMlflowClient, trackingUriOf } from '../metrics/azureml.js';
import { formatBytes, submitPlannedJob } from '../jobs/submit.js';
import { defaultSleep, jobStatus, waitForJob } from '../jobs/wait.js';

export interface SubmitJobDeps {
  reader: InputReader;
  io: ActionIO;
  env?: Record<string, string | undefined>;
  /** Aborted when the runner cancels the step (SIGINT/SIGTERM). */
  abortSignal?: AbortSignal;
  /** Refuse a schedule file (the root flow follows one job through gate, registration and rollout). */
  jobsOnly?: boolean;
}

export interface SubmitJobOutcome {
  jobName: string;
  status: string;
  studioUrl?: string;
  reattached: boolean;
}

function applyInputsToSpec(spec: unknown, s: SubmitJobSettings): unknown {
  // Not a map (a list, a scalar): left as it is for the translator to refuse with the file's line.
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return spec;
  const out = { ...(spec as Record<string, unknown>) };
  if (s.experimentName) out.experiment_name = s.experimentName;
  if (s.displayName) out.display_name = s.displayName;
  return out;
}

async function loadPlan(doc: SpecDocument, settings: SubmitJobSettings, workspaceId: string, api: WorkspaceApi): Promise<JobPlan> {
  const spec = applyInputsToSpec(applyOverrides(doc.value, parseOverrides(settings.set)), settings);
  return planJob(doc, settings.jobFile, spec, { workspaceId, resolver: api });
}

function studioUrlOf(job: ArmObject, ctx: Pick<AzureContext, 'studioUrl'> | undefined, name: string): string | undefined {
  const services = job.properties?.services as Record<string, { endpoint?: string }> | undefined;
  return services?.Studio?.endpoint ?? ctx?.studioUrl(`runs/${name}`);
}

function jobName(settings: SubmitJobSettings, plan: JobPlan, run: WorkflowRun): string {
  return settings.name ?? plan.yamlName ?? deterministicJobName(run, settings.jobFileDisplay);
}

/** Dry run: translate and list every request; nothing is sent to Azure. */
async function dryRun(doc: SpecDocument, settings: SubmitJobSettings, azure: AzureSettings, run: WorkflowRun, io: ActionIO): Promise<void> {
  const workspaceId = workspaceResourceId(azure.subscriptionId, azure.resourceGroup, azure.workspaceName);
  const arm = createArmClient({
    endpoint: azure.cloud.armEndpoint,
    workspaceId,
    sendRequest: () => Promise.reject(new Error('a dry run sends nothing')),
  });
  const recorder = createDryRun(arm);
  const plan = await loadPlan(doc, settings, workspaceId, recorder.api);
  const name = jobName(settings, plan, run);
  await submitPlannedJob(recorder.api, recorder.uploader, plan, name, { ...lineageTags(run), ...settings.tags }, io);
  io.info(`Dry run: ${plan.jobType} job ${name}, ${recorder.requests.length} requests (nothing sent)`);
  await io.group('Requests the job would make', async () => {
    for (const r of recorder.requests) io.info('upload' in r ? `UPLOAD ${r.upload} (${r.files} files, ${formatBytes(r.bytes)})` : `${r.method} ${r.url}`);
  });
  io.setOutput('job-name', name);
  io.setOutput('run-id', name);
  io.setOutput('status', 'DryRun');
  io.setOutput('requests', JSON.stringify(recorder.requests));
  appendLedger({ kind: 'job', action: 'submit-job', jobName: name, jobType: plan.jobType, status: 'DryRun', jobFile: settings.jobFileDisplay, dryRun: true });
}

/** The value of the job-file tag: which repository and file a job came from. */
function jobFileKey(run: WorkflowRun, settings: SubmitJobSettings): string {
  return `${run.repository}:${settings.jobFileDisplay}`;
}

/**
 * When the job should end, from the last finished runs of the same job file (two MLflow reads);
 * undefined without history. Never fails the step: waiting works without it.
 */
async function expectedEnd(ctx: AzureContext, job: ArmObject, name: string, key: string, log: ActionLog): Promise<EndEstimate | undefined> {
  try {
    const conn = { arm: ctx.arm, credential: ctx.credential, armScope: ctx.cloud.armScope, insecure: Boolean(ctx.cloud.emulator), userAgent: ctx.userAgent };
    const client = createWorkspaceMlflowClient(conn, await trackingUriOf(conn, job), { retry: { maxRetries: 1 } });
    const systemData = job.systemData as { createdAt?: string } | undefined;
    const createdAt = Date.parse(systemData?.createdAt ?? '');
    const found = await estimateJobEnd(client, name, key, Number.isFinite(createdAt) ? createdAt : Date.now());
    if (!found) {
      log.debug(`No finished run of ${key} yet: polling on the plain schedule.`);
      return undefined;
    }
    const { basis, estimate } = found;
    log.info(
      `Earlier runs of this job file took ${formatElapsed(basis.medianMs)} (median of ${basis.samples}): ` +
        `polling sparsely until about ${formatElapsed(Math.max(0, estimate.endAt - estimate.windowMs - Date.now()))} from now, then every ${(estimate.nearMs / 1000).toFixed(1)} s`,
    );
    return estimate;
  } catch (err) {
    log.debug(`Could not read earlier runs of ${key}: ${(err as Error).message}`);
    return undefined;
  }
}

/** What the phases of one submission share. */
interface Submission {
  io: ActionIO;
  settings: SubmitJobSettings;
  ctx: AzureContext;
  api: WorkspaceApi;
  name: string;
  workspace: { subscriptionId: string; resourceGroup: string; workspaceName: string };
  studioUrl?: string;
  ledger: Omit<Extract<Parameters<typeof appendLedger>[0], { kind: 'job' }>, 'status'>;
}

export async function submitJobMain(deps: SubmitJobDeps): Promise<SubmitJobOutcome | undefined> {
  const env = deps.env ?? process.env;
  const { io } = deps;
  const run = readWorkflowRun(env);
  const settings = readSubmitJobInputs(deps.reader, run.workspace);
  const azure = await readAzureInputs(deps.reader, { env });
  // Read once: a schedule YAML (az ml schedule create -f) creates or updates the schedule (no job to wait for); a job YAML is planned.
  const doc = SpecDocument.load(settings.jobFile, settings.jobFileDisplay, 'job-file');
  if (isScheduleSpec(doc.value)) {
    if (deps.jobsOnly) {
      throw new ConfigurationError(`${settings.jobFileDisplay} is a schedule (az ml schedule create -f), and this flow submits one job and follows it`, {
        input: 'job-file',
        hint: 'create the schedule with the submit-job action; give the flow the job file the schedule names',
      });
    }
    await submitSchedule({ settings, azure, run, io, doc });
    return undefined;
  }
  if (settings.dryRun) {
    await dryRun(doc, settings, azure, run, io);
    return undefined;
  }
  const ctx = await createAzureContext(azure, { actionName: 'submit-job', info: (m) => io.info(m) });
  const api = createWorkspaceApi(ctx.arm);
  const plan = await loadPlan(doc, settings, ctx.workspaceId, api);
  const name = jobName(settings, plan, run);
  const workspace = { subscriptionId: azure.subscriptionId, resourceGroup: azure.resourceGroup, workspaceName: azure.workspaceName };
  // Saved before anything is created: a cancelled or killed step leaves the post step a name to cancel.
  io.state.saveSubmittedJob({ workspace, jobName: name, settled: false });
  io.setOutput('job-name', name);
  io.setOutput('run-id', name);
  const submitted = await submit(io, ctx, api, plan, name, run, settings, azure.workspaceName);
  // A job another run created (a fixed name:) is followed, not owned: the post step leaves it running.
  if (submitted.createdBy) io.state.saveSubmittedJob({ workspace, jobName: name, settled: true });
  const studioUrl = studioUrlOf(submitted.job, ctx, name);
  if (studioUrl) {
    io.setOutput('studio-url', studioUrl);
    io.info(`Studio: ${studioUrl}`);
  }
  const ledger = {
    kind: 'job' as const,
    action: 'submit-job',
    jobName: name,
    jobType: plan.jobType,
    studioUrl,
    experimentName: submitted.job.properties?.experimentName as string | undefined,
    jobFile: settings.jobFileDisplay,
    reattached: submitted.reattached,
  };
  const s: Submission = { io, settings, ctx, api, name, workspace, studioUrl, ledger };
  if (!settings.wait) {
    const status = jobStatus(submitted.job);
    settle(s);
    io.setOutput('status', status);
    appendLedger({ ...ledger, status });
    return { jobName: name, status, studioUrl, reattached: submitted.reattached };
  }
  const started = Date.now();
  const result = await waitFor(s, submitted.job, jobFileKey(run, settings), deps.abortSignal);
  io.setOutput('status', result.status);
  if (result.timedOut) return timedOut(s, result.status);
  settle(s);
  await reportEnd(s, result, started);
  return { jobName: name, status: result.status, studioUrl, reattached: submitted.reattached };
}

/** Uploads what the job needs (content-addressed, reused when unchanged) and creates the job — or finds the one this run attempt created. */
async function submit(
  io: ActionIO,
  ctx: AzureContext,
  api: WorkspaceApi,
  plan: JobPlan,
  name: string,
  run: WorkflowRun,
  settings: SubmitJobSettings,
  workspaceName: string,
) {
  const uploader = createSnapshotUploader(() => createBlobStore(ctx));
  io.info(`Submitting ${plan.jobType.toLowerCase()} job ${name} from ${settings.jobFileDisplay} to workspace ${workspaceName}`);
  const submitted = await submitPlannedJob(api, uploader, plan, name, { ...lineageTags(run), [JOB_FILE_TAG]: jobFileKey(run, settings), ...settings.tags }, io);
  if (!submitted.reattached) {
    const upl = submitted.uploadedFiles > 0 ? `; uploaded ${submitted.uploadedFiles} files (${formatBytes(submitted.uploadedBytes)})` : '';
    const reuse = submitted.reusedUploads > 0 ? `; reused ${submitted.reusedUploads} unchanged upload(s)` : '';
    io.info(`Submitted job ${name}${upl}${reuse}`);
  }
  return submitted;
}

/** Main saw the job settle (or chose not to wait): the post step has nothing to cancel. */
function settle(s: Submission): void {
  s.io.state.saveSubmittedJob({ workspace: s.workspace, jobName: s.name, settled: true });
}

/** Polls the job to its end (sparsely while earlier runs say it is far off); a cancelled workflow leaves it to the post step. */
async function waitFor(s: Submission, job: ArmObject, key: string, abortSignal: AbortSignal | undefined) {
  const { io, name } = s;
  const estimate = await expectedEnd(s.ctx, job, name, key, io);
  try {
    return await waitForJob(async () => (await s.api.getJob(name)) ?? job, job, {
      timeoutMs: s.settings.timeoutMs,
      estimate,
      abortSignal,
      sleep: defaultSleep,
      onStatus: (status, _job, ms) => io.info(`[${formatElapsed(ms)}] ${name}: ${status}`),
    });
  } catch (err) {
    if (abortSignal?.aborted) {
      io.warning(`The workflow was cancelled while job ${name} runs: the post step cancels it.`);
      throw new Error(`cancelled while waiting for job ${name}`, { cause: err });
    }
    throw err;
  }
}

/** The timeout passed: cancel the job (cancel-on-timeout) or leave it running; the step fails either way. */
async function timedOut(s: Submission, status: string): Promise<never> {
  const { io, name, studioUrl } = s;
  const limit = formatElapsed(s.settings.timeoutMs ?? 0);
  if (s.settings.cancelOnTimeout) {
    io.info(`Timeout of ${limit} reached: cancelling job ${name}`);
    await s.api.cancelJob(name);
    settle(s);
    io.setOutput('status', 'Canceled');
    appendLedger({ ...s.ledger, status: 'Canceled', error: `timed out after ${limit}` });
    throw new ConfigurationError(`job ${name} did not finish within the timeout of ${limit} and was cancelled${studioUrl ? ` (${studioUrl})` : ''}`, {
      input: 'timeout',
    });
  }
  settle(s);
  appendLedger({ ...s.ledger, status });
  throw new ConfigurationError(
    `job ${name} did not finish within the timeout of ${limit}; it goes on running (cancel-on-timeout is false)${studioUrl ? `: ${studioUrl}` : ''}`,
    { input: 'timeout' },
  );
}

/** The end: the log tail, the job summary, the ledger entry; a job that did not complete fails the step. */
async function reportEnd(s: Submission, result: { job: ArmObject; status: string; polls: number }, started: number): Promise<void> {
  const { io, name, studioUrl, ctx } = s;
  const { status } = result;
  const logDeps = { credential: ctx.credential, scope: ctx.cloud.armScope, insecure: Boolean(ctx.cloud.emulator) };
  const details = await fetchRunDetails(result.job, logDeps).catch(() => undefined);
  const tail = await fetchLogTail(details, logDeps).catch(() => undefined);
  if (tail) await printUntrusted(io, `${tail.name}${tail.truncated ? ' (last lines)' : ''}`, tail.text);
  io.info(`Job ${name} ended ${status} after ${formatElapsed(Date.now() - started)} (${result.polls} status reads)`);
  await io
    .appendSummary(
      `<h3>Azure ML job ${escapeText(name)}</h3>\nStatus: <b>${escapeText(status)}</b>${studioUrl ? ` · ${link('open in studio', studioUrl)}` : ''}\n`,
    )
    .catch(() => undefined);
  const error = status === 'Completed' ? undefined : (runErrorMessage(details) ?? `the job ended ${status}`);
  appendLedger({ ...s.ledger, status, error, ...automlFacts(result.job) });
  if (status !== 'Completed') {
    throw new Error(`job ${name} ${status === 'Canceled' ? 'was canceled' : `ended ${status}`}: ${error}${studioUrl ? `\nStudio: ${studioUrl}` : ''}`);
  }
}

/**
 * What pr-summary shows of an AutoML job: the best child as Azure records it (tag
 * automl_best_child_run_id), the primary metric and the number of iterations (run properties
 * primary_metric, num_iterations, as a real AutoML parent run's properties hold them).
 */
export function automlFacts(job: ArmObject): { children?: number; bestChild?: string; primaryMetric?: string } {
  const p = job.properties ?? {};
  if (typeof p.jobType !== 'string' || p.jobType.toLowerCase() !== 'automl') return {};
  const tags = (p.tags ?? {}) as Record<string, unknown>;
  const props = (p.properties ?? {}) as Record<string, unknown>;
  const task = (p.taskDetails ?? {}) as Record<string, unknown>;
  const n = Number(props.num_iterations);
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const bestChild = str(tags.automl_best_child_run_id);
  const primaryMetric = str(props.primary_metric) ?? str(task.primaryMetric);
  return {
    ...(Number.isInteger(n) && n >= 0 && props.num_iterations !== undefined ? { children: n } : {}),
    ...(bestChild ? { bestChild } : {}),
    ...(primaryMetric ? { primaryMetric } : {}),
  };
}

/** Post step: cancel the job when main did not see it settle (cancelled workflow, timeout, kill). */
export async function submitJobPost(deps: SubmitJobDeps): Promise<void> {
  const { io } = deps;
  const saved = io.state.loadSubmittedJob();
  if (!saved || saved.settled) return;
  const env = deps.env ?? process.env;
  const azure = await readAzureInputs(deps.reader, { env });
  const settings: AzureSettings = { ...azure, ...saved.workspace };
  const ctx = await createAzureContext(settings, { actionName: 'submit-job', info: (m) => io.info(m) });
  const api = createWorkspaceApi(ctx.arm);
  let job: Awaited<ReturnType<typeof api.getJob>>;
  try {
    job = await api.getJob(saved.jobName);
  } catch (err) {
    // The workspace (or its resource group) is not there: main failed before creating anything.
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    io.info(`Job ${saved.jobName} was never created (${(err as Error).message.split('. ')[0]}): nothing to cancel.`);
    return;
  }
  if (!job) {
    io.info(`Job ${saved.jobName} was never created: nothing to cancel.`);
    return;
  }
  const status = jobStatus(job);
  if (isTerminal(status)) {
    io.info(`Job ${saved.jobName} already ended ${status}.`);
    return;
  }
  io.info(`The workflow stopped while job ${saved.jobName} was ${status}: cancelling it in Azure ML.`);
  await api.cancelJob(saved.jobName);
  const final = await waitForJob(async () => (await api.getJob(saved.jobName)) ?? job, job, { timeoutMs: 120_000 });
  io.info(`Job ${saved.jobName} is ${final.status}.`);
  appendLedger({
    kind: 'job',
    action: 'submit-job',
    jobName: saved.jobName,
    jobType: String(job.properties?.jobType ?? ''),
    status: final.status,
    error: 'cancelled with the workflow',
  });
}

export function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 ? `${String(s % 60).padStart(2, '0')}s` : ''}`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
