/**
 * A monitor run: the pipeline job a `CreateMonitor` schedule creates at each trigger time
 * (arm/schedules.ts). Azure runs it as a pipeline of the `*_signal_monitor` Spark components
 * (Azure/azureml-assets assets/model_monitoring/components); the emulator computes the same
 * signals itself (signals.ts) and records them where those components do:
 * - MLflow (src/shared_utilities/run_metrics_utils.py, model_monitor_output_metrics): in the job's
 *   experiment a run `<monitor> - Metrics` (tags azureml.monitor_name, azureml.metric_name =
 *   azureml.metrics) and under it one run per signal, feature and metric, named
 *   `<signal>_<metric>`, tagged azureml.monitor_name / signal_name / feature_name / metric_name,
 *   found again by those tags on the next run; metrics `value` and `threshold` (DataQuality:
 *   `target_value`, `baseline_value`, `threshold`) at step = the run time in epoch seconds;
 * - files (model_monitor_output_metrics run.py, model_monitor_create_manifest run.py): the job's
 *   output `model_monitor_metrics_output` holds `signals/<signal>.json` and `manifest.json`;
 * - a breach (model_monitor_evaluate_metrics_threshold): tag `azureml_modelmonitor_threshold_breached`
 *   with the violations, on the monitor job's run (Azure sets it on the evaluate step's run; the
 *   emulator runs no steps). A breach does not fail the job.
 * The job fails when a signal cannot be computed (no production data in the window, no common
 * columns, unreadable data), with a message naming the signal. E-mail alerts are not sent.
 */
import { join } from 'node:path';
import { scheduleMarkId, type ScheduleMark } from '../arm/schedule-marks.js';
import { joinBlobPath } from '../data/blob-io.js';
import { parseJobId, pickString, type WorkspaceRef } from '../data/resources.js';
import { DataResolutionError } from '../data/uris.js';
import { fail, finishStopped, JobFailure } from '../jobs/command.js';
import { ParentLog } from '../jobs/children.js';
import type { ActiveJob, Outcome, Runtime } from '../jobs/runtime.js';
import { isObj, type Obj } from '../obj.js';
import type { StoredRun } from '../mlflow/tracking.js';
import { checkMonitorDefinition, type Monitor } from './definition.js';
import { MonitorDataError, readMonitorInput } from './data.js';
import { computeSignal, signalFile, type SignalResult } from './signals.js';

/** The output folder of a monitor run (the create-manifest component's output). */
export const MONITOR_OUTPUT = 'model_monitor_metrics_output';
export const BREACH_TAG = 'azureml_modelmonitor_threshold_breached';

/** The schedule that created a job, when it is a CreateMonitor schedule. */
async function monitorScheduleOf(rt: Runtime, jobId: string): Promise<{ name: string; definition: unknown } | undefined> {
  const mark = await rt.host.store.get<ScheduleMark>(scheduleMarkId(jobId));
  if (!mark) return undefined;
  const schedule = await rt.host.store.get(mark.scheduleId);
  const action = isObj(schedule?.properties) && isObj(schedule.properties.action) ? schedule.properties.action : undefined;
  if (!action || action.actionType !== 'CreateMonitor') return undefined;
  return { name: mark.scheduleName, definition: action.monitorDefinition };
}

/** Whether a pipeline job is a monitor run (created by a CreateMonitor schedule). */
export async function isMonitorRun(rt: Runtime, jobId: string): Promise<boolean> {
  return (await monitorScheduleOf(rt, jobId)) !== undefined;
}

/** MLflow runs of the monitor's metrics, found by their tags or created (run_metrics_utils.get_or_create_run_id). */
class MetricRuns {
  private parent: string | undefined;

  constructor(
    private readonly rt: Runtime,
    private readonly scope: string,
    private readonly experimentId: string,
    private readonly monitor: string,
  ) {}

  private async find(filter: string, match: (r: StoredRun) => boolean): Promise<StoredRun | undefined> {
    let token: string | undefined;
    const found: StoredRun[] = [];
    do {
      const page = await this.rt.tracking.searchRuns(this.scope, {
        experimentIds: [this.experimentId],
        filter,
        maxResults: 1000,
        ...(token ? { pageToken: token } : {}),
      });
      found.push(...page.items.filter(match));
      token = page.nextPageToken;
    } while (token);
    return found.sort((a, b) => a.info.start_time - b.info.start_time)[0]; // order_by start_time, the first
  }

  private async create(name: string, tags: Record<string, string>): Promise<string> {
    const run = await this.rt.tracking.createRun(this.scope, {
      experimentId: this.experimentId,
      runName: name,
      userId: 'azureml-emulator',
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    });
    await this.rt.tracking.setRunStatus(this.scope, run.info.run_id, 'FINISHED', this.rt.host.now());
    return run.info.run_id;
  }

  private async parentRun(): Promise<string> {
    this.parent ??=
      (await this.find(`tags.azureml.monitor_name = '${this.monitor}' and tags.azureml.metric_name = 'azureml.metrics'`, () => true))?.info.run_id ??
      (await this.create(`${this.monitor} - Metrics`, { 'azureml.monitor_name': this.monitor, 'azureml.metric_name': 'azureml.metrics' }));
    return this.parent;
  }

  async runFor(signal: string, feature: string, metric: string): Promise<string> {
    const existing = await this.find(
      `tags.azureml.monitor_name = '${this.monitor}' and tags.azureml.signal_name = '${signal}' and tags.azureml.metric_name = '${metric}'`,
      (r) => r.tags['azureml.feature_name'] === feature,
    );
    if (existing) return existing.info.run_id;
    const parent = await this.parentRun();
    return this.create(`${signal}_${metric}`, {
      'azureml.monitor_name': this.monitor,
      'azureml.signal_name': signal,
      'azureml.feature_name': feature,
      'azureml.metric_name': metric,
      'mlflow.parentRunId': parent,
    });
  }

  async log(runId: string, metrics: Record<string, number | undefined>, step: number): Promise<void> {
    const timestamp = this.rt.host.now().getTime();
    const list = Object.entries(metrics)
      .filter((e): e is [string, number] => e[1] !== undefined)
      .map(([key, value]) => ({ key, value, timestamp, step }));
    await this.rt.tracking.logBatch(this.scope, runId, { metrics: list });
  }
}

function breachMessage(r: SignalResult): string | undefined {
  const bad = r.metrics.filter((m) => m.breached);
  if (bad.length === 0) return undefined;
  const rows = bad.map((m) => JSON.stringify({ metric_value: m.value, metric_name: m.metric, threshold_value: m.threshold, group: m.feature }));
  return (
    `The signal '${r.signal.name}' has failed due to one or more features violating metric thresholds.\n` +
    `The feature names and their corresponding computed metric values violating the threshold are \n[${rows.join(', ')}]\n`
  );
}

async function computeAll(
  rt: Runtime,
  ws: WorkspaceRef,
  name: string,
  monitor: Monitor,
  runTime: number,
  log: ParentLog,
  signal: AbortSignal,
): Promise<SignalResult[]> {
  const results: SignalResult[] = [];
  for (const s of monitor.signals) {
    const dir = join(rt.workDirOf(name), 'monitor-data', s.name);
    const production = await readMonitorInput(rt, ws, s.production, runTime, join(dir, 'production'), `signal '${s.name}' productionData`, signal);
    const reference = await readMonitorInput(rt, ws, s.reference, runTime, join(dir, 'reference'), `signal '${s.name}' referenceData`, signal);
    const r = computeSignal(s, reference.rows, production.rows);
    const bad = r.metrics.filter((m) => m.breached).length;
    await log.write(
      `signal ${s.name} (${s.type}): ${reference.rows.length} reference row(s), ${production.rows.length} production row(s), ${r.metrics.length} metric(s), ${bad} over threshold`,
    );
    results.push(r);
  }
  return results;
}

async function record(rt: Runtime, ws: WorkspaceRef, name: string, job: Obj, monitorName: string, results: SignalResult[], runTime: number): Promise<void> {
  const scope = rt.scopeOf(ws);
  const experimentName = pickString(job, 'experimentName') ?? monitorName;
  const experiment = await rt.tracking.ensureExperiment(scope, experimentName);
  const runs = new MetricRuns(rt, scope, experiment.experiment_id, monitorName);
  const step = Math.floor(runTime / 1000);
  const outputs = isObj(job.outputs) ? job.outputs : {};
  const outUri = isObj(outputs[MONITOR_OUTPUT]) ? pickString(outputs[MONITOR_OUTPUT], 'uri') : undefined;
  const out = outUri ? await rt.resolver(ws).resolve(outUri) : undefined;
  const manifest: Obj = { version: '1.0.0', metricsFiles: {} };
  for (const r of results) {
    const ids = new Map<string, string>();
    for (const m of r.metrics) {
      const runId = await runs.runFor(r.signal.name, m.feature, m.metric);
      ids.set(`${m.feature}|${m.metric}`, runId);
      await runs.log(
        runId,
        r.signal.type === 'DataQuality'
          ? { target_value: m.value, baseline_value: m.baselineValue, threshold: m.threshold }
          : { value: m.value, threshold: m.threshold },
        step,
      );
    }
    if (out) {
      await rt.blob.uploadText(JSON.stringify(signalFile(r, ids), null, 4), {
        container: out.container,
        path: joinBlobPath(out.path, 'signals', `${r.signal.name}.json`),
      });
      (manifest.metricsFiles as Obj)[r.signal.name] = `signals/${r.signal.name}.json`;
    }
  }
  if (out) await rt.blob.uploadText(JSON.stringify(manifest, null, 4), { container: out.container, path: joinBlobPath(out.path, 'manifest.json') });
  const breaches = results.map(breachMessage).filter((m): m is string => m !== undefined);
  if (breaches.length > 0) await rt.tracking.setTags(scope, name, { [BREACH_TAG]: breaches.join('\n').slice(0, 5000) });
}

/** Runs a monitor job to its end; never throws. */
export async function runMonitorJob(rt: Runtime, jobId: string, active: ActiveJob): Promise<Outcome> {
  const { ws, name } = parseJobId(jobId);
  const signal = active.signal;
  const job = await rt.loadJob(jobId);
  if (!job) return { status: 'Failed' };
  await rt.ensureRun(jobId, job);
  const schedule = await monitorScheduleOf(rt, jobId);
  if (!schedule) return fail(rt, jobId, new JobFailure('The monitor schedule that created this job is gone.', 'ScheduleNotFound'));
  await rt.recorder.transition(jobId, 'Starting');
  await rt.step(signal);
  if (signal.aborted) return finishStopped(rt, jobId, active);
  const inputs = isObj(job.properties.inputs) ? job.properties.inputs : {};
  const when = isObj(inputs.monitor_current_time) ? Date.parse(String(inputs.monitor_current_time.value)) : NaN;
  const runTime = Number.isFinite(when) ? when : rt.host.now().getTime();
  let monitor: Monitor;
  try {
    const scope = { subscriptionId: ws.subscriptionId, resourceGroup: ws.resourceGroup, workspaceName: ws.workspace };
    monitor = await checkMonitorDefinition({ store: rt.host.store, blobEndpoint: rt.host.blob }, scope, schedule.definition);
  } catch (err) {
    return fail(
      rt,
      jobId,
      new JobFailure(`The monitor definition of schedule '${schedule.name}' is no longer valid: ${(err as Error).message}`, 'InvalidMonitor'),
    );
  }
  const log = new ParentLog(rt, jobId);
  await log.open();
  await log.write(`monitor ${schedule.name}: run for ${new Date(runTime).toISOString()}, ${monitor.signals.length} signal(s)`);
  await rt.recorder.transition(jobId, 'Running');
  try {
    const results = await computeAll(rt, ws, name, monitor, runTime, log, signal);
    if (signal.aborted) {
      await log.close();
      return finishStopped(rt, jobId, active);
    }
    await record(rt, ws, name, job.properties, schedule.name, results, runTime);
    if (monitor.emails.length > 0 && results.some((r) => r.metrics.some((m) => m.breached))) {
      await log.write(`alert for ${monitor.emails.join(', ')}: not sent (the emulator sends no e-mail)`);
    }
    await log.close();
  } catch (err) {
    await log.write(`monitor failed: ${(err as Error).message}`);
    await log.close();
    if (err instanceof MonitorDataError) {
      if (Object.keys(err.tags).length > 0) await rt.tracking.setTags(rt.scopeOf(ws), name, err.tags);
      return fail(rt, jobId, new JobFailure(err.message, 'MonitorDataError'));
    }
    if (err instanceof DataResolutionError || err instanceof JobFailure) return fail(rt, jobId, err);
    return fail(rt, jobId, err);
  }
  await rt.recorder.transition(jobId, 'Completed');
  return { status: 'Completed' };
}
