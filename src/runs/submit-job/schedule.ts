/**
 * submit-job with a schedule YAML (`az ml schedule create -f`): uploads and registers what the
 * scheduled job needs, then creates or updates the schedule — idempotently: when the schedule in
 * Azure already is what the YAML asks for, nothing is sent and the step reports `unchanged`.
 * Does not wait for any job (the schedule starts them later); outputs the schedule's name and its
 * next run times.
 *
 * Idempotency: the body sent carries, in the schedule's `properties`, a digest of itself
 * (`azureml-actions.spec_sha256`); a schedule whose stored digest is the same and whose answer
 * still holds every value sent (someone may have changed it in the studio since) is unchanged.
 */
import { createHash } from 'node:crypto';
import { createArmClient, workspaceResourceId } from '../../azure/arm.js';
import { createBlobStore } from '../../azure/blob.js';
import { createAzureContext, type AzureSettings } from '../../azure/context.js';
import { createSchedulesApi } from '../../azure/schedules.js';
import { createDryRun, createSnapshotUploader, createWorkspaceApi } from '../../azure/workspace.js';
import type { ArmObject, SnapshotUploader, WorkspaceApi } from '../../azure/workspace-api.js';
import { ConfigurationError } from '../../core/errors.js';
import { escapeText } from '../../core/escape.js';
import type { ActionIO } from '../../core/io.js';
import { isObj, type Obj } from '../../core/obj.js';
import type { WorkflowRun } from '../../core/workflow-run.js';
import { JOB_FILE_TAG } from '../../jobs/estimate.js';
import { formatBytes, prepareJob } from '../../jobs/submit.js';
import type { SpecDocument } from '../../specs/document.js';
import { applyOverrides, parseOverrides } from '../../specs/overrides.js';
import { stableJson } from '../../specs/plan.js';
import { planSchedule, type SchedulePlan } from '../../specs/schedule.js';
import { describeTrigger, nextRunTimes, type WireTrigger } from '../../specs/schedule-times.js';
import { appendLedger, type ScheduleEntry } from '../../core/ledger.js';
import type { SubmitJobSettings } from '../inputs/submit-job.js';

/** The schedule property holding the digest of the body azureml-actions sent. */
export const SPEC_DIGEST_PROPERTY = 'azureml-actions.spec_sha256';
const NEXT_RUNS = 5;

export interface ScheduleStep {
  settings: SubmitJobSettings;
  azure: AzureSettings;
  run: WorkflowRun;
  io: ActionIO;
  doc: SpecDocument;
}

/** Inputs that only apply to a job file are refused by name, not dropped. */
function refuseJobInputs(s: SubmitJobSettings): void {
  const jobOnly: Array<[string, unknown]> = [
    ['experiment-name', s.experimentName],
    ['display-name', s.displayName],
  ];
  for (const [input, value] of jobOnly) {
    if (value !== undefined) {
      throw new ConfigurationError(`Input '${input}' applies to a job file; ${s.jobFileDisplay} is a schedule`, {
        input,
        hint: "set it in the schedule YAML instead (create_job's experiment_name, the schedule's display_name), or with the set input",
      });
    }
  }
}

async function plan(step: ScheduleStep, workspaceId: string, api: WorkspaceApi): Promise<{ name: string; plan: SchedulePlan; body: { properties: Obj } }> {
  const { settings, run, doc } = step;
  refuseJobInputs(settings);
  const spec = applyOverrides(doc.value, parseOverrides(settings.set));
  const p = await planSchedule(doc, settings.jobFile, spec, { workspaceId, resolver: api });
  for (const w of p.warnings) step.io.warning(w);
  const name = settings.name ?? p.yamlName;
  if (!name) {
    throw new ConfigurationError(`${settings.jobFileDisplay}: a schedule needs a name (the YAML 'name' or the name input)`, {
      input: 'job-file',
      hint: 'a schedule keeps its name across runs: that is how a second run finds and updates it',
    });
  }
  const props = structuredClone(p.body.properties);
  props.isEnabled = settings.scheduleEnabled ?? props.isEnabled ?? true;
  props.tags = { ...(props.tags as Obj), ...settings.tags };
  const def = (props.action as Obj).jobDefinition as Obj;
  // Jobs the schedule starts say which repository and file they come from (stable across runs, unlike the run's lineage tags).
  if (typeof def.sourceJobId !== 'string') def.tags = { ...(isObj(def.tags) ? def.tags : {}), [JOB_FILE_TAG]: `${run.repository}:${settings.jobFileDisplay}` };
  const digest = createHash('sha256').update(stableJson(props)).digest('hex');
  props.properties = { ...(props.properties as Obj), [SPEC_DIGEST_PROPERTY]: digest };
  return { name, plan: p, body: { properties: props } };
}

/** True when `actual` holds every value of `wanted` (a `null` wanted is an absent or null actual). */
export function holds(actual: unknown, wanted: unknown): boolean {
  if (wanted === null || wanted === undefined) return actual === null || actual === undefined;
  if (Array.isArray(wanted)) return Array.isArray(actual) && actual.length === wanted.length && wanted.every((w, i) => holds(actual[i], w));
  if (isObj(wanted)) return isObj(actual) && Object.entries(wanted).every(([k, w]) => holds(actual[k], w));
  return actual === wanted;
}

function unchanged(existing: ArmObject | undefined, body: { properties: Obj }): boolean {
  if (!existing?.properties) return false;
  const stored = existing.properties.properties as Obj | undefined;
  return stored?.[SPEC_DIGEST_PROPERTY] === (body.properties.properties as Obj)[SPEC_DIGEST_PROPERTY] && holds(existing.properties, body.properties);
}

function nextRuns(props: Obj, createdAt: Date, justCreated: boolean): string[] {
  if (props.isEnabled === false) return [];
  // A schedule without a start time runs its first job at creation (reference-yaml-schedule).
  const after = justCreated ? new Date(createdAt.getTime() - 1) : new Date();
  return nextRunTimes(props.trigger as WireTrigger, { after, createdAt, count: NEXT_RUNS }).map((d) => d.toISOString());
}

async function upload(api: WorkspaceApi, uploader: SnapshotUploader, p: SchedulePlan, io: ActionIO): Promise<void> {
  const stats = await prepareJob(api, uploader, p.job, io);
  if (stats.files > 0 || stats.reused > 0)
    io.info(`Job files: uploaded ${stats.files} files (${formatBytes(stats.bytes)}), reused ${stats.reused} unchanged upload(s)`);
}

/** The outputs, and the ledger entry pr-summary reports the schedule from. */
function publish(io: ActionIO, step: ScheduleStep, s: { name: string; status: ScheduleEntry['status']; runs: string[]; props: Obj; jobType: string }): void {
  io.setOutput('schedule-name', s.name);
  io.setOutput('schedule-next-runs', JSON.stringify(s.runs));
  io.setOutput('schedule-status', s.status);
  appendLedger({
    kind: 'schedule',
    action: 'submit-job',
    name: s.name,
    // As the YAML names it (`type: command`), not the wire's `Command`.
    jobType: s.jobType.toLowerCase(),
    status: s.status,
    enabled: s.props.isEnabled !== false,
    ...(s.props.trigger ? { trigger: describeTrigger(s.props.trigger as WireTrigger) } : {}),
    nextRuns: s.runs,
    jobFile: step.settings.jobFileDisplay,
  });
}

/** Dry run: every request the schedule would make, nothing sent. */
async function dryRun(step: ScheduleStep): Promise<void> {
  const { azure, io } = step;
  const workspaceId = workspaceResourceId(azure.subscriptionId, azure.resourceGroup, azure.workspaceName);
  const arm = createArmClient({ endpoint: azure.cloud.armEndpoint, workspaceId, sendRequest: () => Promise.reject(new Error('a dry run sends nothing')) });
  const recorder = createDryRun(arm);
  const { name, plan: p, body } = await plan(step, workspaceId, recorder.api);
  await upload(recorder.api, recorder.uploader, p, io);
  recorder.requests.push({ method: 'GET', url: arm.url(`schedules/${encodeURIComponent(name)}`), body: null });
  recorder.requests.push({ method: 'PUT', url: arm.url(`schedules/${encodeURIComponent(name)}`), body });
  io.info(`Dry run: schedule ${name} (${p.job.jobType} job), ${recorder.requests.length} requests (nothing sent)`);
  await io.group('Requests the schedule would make', async () => {
    for (const r of recorder.requests) io.info('upload' in r ? `UPLOAD ${r.upload} (${r.files} files, ${formatBytes(r.bytes)})` : `${r.method} ${r.url}`);
    io.info(JSON.stringify(body, null, 2));
  });
  publish(io, step, { name, status: 'dry-run', runs: nextRuns(body.properties, new Date(), true), props: body.properties, jobType: p.job.jobType });
  io.setOutput('status', 'DryRun');
  io.setOutput('requests', JSON.stringify(recorder.requests));
}

export async function submitSchedule(step: ScheduleStep): Promise<void> {
  if (step.settings.dryRun) return dryRun(step);
  const { io, azure } = step;
  const ctx = await createAzureContext(azure, { actionName: 'submit-job', info: (m) => io.info(m) });
  const api = createWorkspaceApi(ctx.arm);
  const schedules = createSchedulesApi(ctx.arm);
  const { name, plan: p, body } = await plan(step, ctx.workspaceId, api);
  const existing = await schedules.getSchedule(name);
  let status: 'created' | 'updated' | 'unchanged';
  let result: ArmObject;
  if (unchanged(existing, body)) {
    status = 'unchanged';
    result = existing!;
    io.info(`Schedule ${name} is already as ${step.settings.jobFileDisplay} describes it: unchanged, nothing sent`);
  } else {
    await upload(
      api,
      createSnapshotUploader(() => createBlobStore(ctx)),
      p,
      io,
    );
    io.info(`${existing ? 'Updating' : 'Creating'} schedule ${name} (${p.job.jobType} job) in workspace ${azure.workspaceName}`);
    result = await schedules.putSchedule(name, body);
    status = existing ? 'updated' : 'created';
    io.info(`Schedule ${name} ${status} (${String(result.properties?.provisioningState ?? 'Succeeded')})`);
  }
  const createdAt = new Date(String((result.systemData as { createdAt?: string } | undefined)?.createdAt ?? new Date().toISOString()));
  const runs = nextRuns(result.properties ?? body.properties, createdAt, status === 'created');
  io.info(runs.length ? `Next runs: ${runs.join(', ')}` : `Schedule ${name} is disabled: no runs`);
  publish(io, step, { name, status, runs, props: result.properties ?? body.properties, jobType: p.job.jobType });
  io.setOutput('status', result.properties?.isEnabled === false ? 'ScheduleDisabled' : 'Scheduled');
  await io
    .appendSummary(
      `<h3>Azure ML schedule ${escapeText(name)}</h3>\n${escapeText(status)}${runs.length ? `; next runs: ${runs.map(escapeText).join(', ')}` : '; disabled'}\n`,
    )
    .catch(() => undefined);
}
