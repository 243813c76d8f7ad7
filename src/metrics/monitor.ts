/**
 * A gate's metrics from a model monitor (`source: monitor:<name>`): the signal results of the
 * monitor's latest run, read where Azure's monitoring components record them.
 *
 * - The monitor is a schedule with a CreateMonitor action; each run is a job the schedule
 *   created, listed by `GET …/jobs?scheduleId=<monitor>` (what azure-ai-ml sends for
 *   `jobs.list(schedule_name=…)`); the latest is the one with the greatest
 *   `inputs.monitor_current_time` (the input every `*_signal_monitor` component takes,
 *   Azure/azureml-assets assets/model_monitoring/components).
 * - Each signal's results are MLflow runs in the job's experiment, one per signal, feature and
 *   metric, tagged azureml.monitor_name / signal_name / feature_name / metric_name, with metrics
 *   `value` and `threshold` (data quality: `target_value`, `baseline_value`, `threshold`) logged
 *   at step = the run time in epoch seconds (azureml-assets src/shared_utilities/run_metrics_utils.py,
 *   model_monitor_output_metrics). The runs are reused by every monitor run: a metric's history is
 *   its value run after run.
 * - Pass or fail per metric as azureml-assets' evaluate step decides
 *   (model_monitor_evaluate_metrics_threshold/evaluate_metrics_threshold.py): the p-value tests
 *   (TwoSampleKolmogorovSmirnovTest, PearsonsChiSquaredTest) are breached below their threshold,
 *   every other metric above it; a data quality threshold is already the baseline plus the
 *   signal's threshold.
 *
 * Metric names, for the gate's rules: `<signal>.<feature>.<metric>` (metric in snake case as the
 * monitor YAML writes it: `data_drift.age.normalized_wasserstein_distance`), with `.threshold`,
 * `.baseline` (data quality) and `.passed` (1 or 0); `<signal>.passed` (1 when none of its
 * metrics is breached) and `passed` (every signal passed).
 */
import type { ArmObject } from '../azure/workspace-api.js';
import { withAzureOperation } from '../azure/errors.js';
import { mapWithConcurrency } from '../azure/concurrency.js';
import { ConfigurationError } from '../core/errors.js';
import { isObj } from '../core/obj.js';
import { createWorkspaceMlflowClient, trackingUriOf, type AzureMlConnection } from './azureml.js';
import type { MetricPoint, MetricSet } from './evaluate.js';
import { DEFAULT_CONCURRENCY, type MlflowClientOptions, type MlflowRun } from './mlflow.js';
import { createStaticSource, type MetricSource } from './source.js';

export interface MonitorSourceOptions extends AzureMlConnection {
  monitor: string;
  /** The input that named the monitor (errors name it). Default `source`. */
  input?: string;
  mlflow?: Pick<MlflowClientOptions, 'concurrency' | 'historyPageSize' | 'retry' | 'abortSignal'>;
  info?: (message: string) => void;
  warning?: (message: string) => void;
}

/** One signal of the latest run, judged. */
export interface MonitorSignalResult {
  name: string;
  type?: string;
  passed: boolean;
  /** `<feature>.<metric>` of each breached metric. */
  breached: string[];
  metrics: number;
}

/** What was read: shown in the log and the report. */
export interface MonitorRunDetails {
  monitor: string;
  /** The monitored deployment's ARM id, when the monitor has one. */
  target?: string;
  jobName: string;
  status: string;
  /** `monitor_current_time` of the run (ISO). */
  runTime: string;
  signals: MonitorSignalResult[];
  /** Newer runs not read (still running), as `name (status)`. */
  skipped?: string[];
}

/** One recorded metric of a signal: the MLflow run's histories. */
export interface RecordedMetric {
  signal: string;
  feature: string;
  /** As tagged (`NormalizedWassersteinDistance`). */
  metric: string;
  histories: MetricSet;
}

const RUNNING = ['NotStarted', 'Queued', 'Preparing', 'Provisioning', 'Starting', 'Running', 'Finalizing', 'CancelRequested'];
/** Tests whose metric is a p-value: a small value is the drift (evaluate_metrics_threshold.py). */
const P_VALUE_METRICS = new Set(['twosamplekolmogorovsmirnovtest', 'pearsonschisquaredtest']);

/** `NormalizedWassersteinDistance` → `normalized_wasserstein_distance` (snake case stays). */
export function snakeMetric(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** True when `value` breaches `threshold` for `metric` (evaluate_metrics_threshold.py calculate_metrics_breach). */
export function breaches(metric: string, value: number, threshold: number): boolean {
  const m = metric.replace(/[_\s]/g, '').toLowerCase();
  return P_VALUE_METRICS.has(m) ? value < threshold : value > threshold;
}

function at(h: MetricPoint[] | undefined, step: number): number | undefined {
  return h?.find((p) => p.step === step)?.value;
}

/**
 * The gate's metric set of one monitor run (`step`: its time in epoch seconds) from the recorded
 * metrics, and each signal judged. A metric the run did not compute (no value at its step) is
 * left out; histories reach up to the run.
 */
export function monitorMetricSet(
  recorded: readonly RecordedMetric[],
  step: number,
  signalTypes: Record<string, string | undefined> = {},
): { metrics: MetricSet; signals: MonitorSignalResult[] } {
  const metrics: MetricSet = new Map();
  const bySignal = new Map<string, MonitorSignalResult>();
  for (const name of Object.keys(signalTypes)) bySignal.set(name, { name, type: signalTypes[name], passed: true, breached: [], metrics: 0 });
  const upTo = (h: MetricPoint[] | undefined) => (h ?? []).filter((p) => p.step <= step);
  for (const r of recorded) {
    const quality = signalTypes[r.signal] === 'DataQuality' || (signalTypes[r.signal] === undefined && r.histories.has('target_value'));
    const valueKey = quality ? 'target_value' : 'value';
    const value = at(r.histories.get(valueKey), step);
    if (value === undefined) continue;
    const s = bySignal.get(r.signal) ?? { name: r.signal, type: signalTypes[r.signal], passed: true, breached: [], metrics: 0 };
    bySignal.set(r.signal, s);
    s.metrics++;
    const base = `${r.signal}.${r.feature}.${snakeMetric(r.metric)}`;
    metrics.set(base, upTo(r.histories.get(valueKey)));
    const threshold = at(r.histories.get('threshold'), step);
    if (threshold !== undefined) {
      metrics.set(`${base}.threshold`, upTo(r.histories.get('threshold')));
      const bad = breaches(r.metric, value, threshold);
      metrics.set(`${base}.passed`, [{ step, value: bad ? 0 : 1 }]);
      if (bad) {
        s.passed = false;
        s.breached.push(`${r.feature}.${snakeMetric(r.metric)}`);
      }
    }
    if (quality && r.histories.has('baseline_value')) metrics.set(`${base}.baseline`, upTo(r.histories.get('baseline_value')));
  }
  const signals = [...bySignal.values()];
  for (const s of signals) if (s.metrics > 0) metrics.set(`${s.name}.passed`, [{ step, value: s.passed ? 1 : 0 }]);
  const judged = signals.filter((s) => s.metrics > 0);
  if (judged.length > 0) metrics.set('passed', [{ step, value: judged.every((s) => s.passed) ? 1 : 0 }]);
  return { metrics, signals };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The run time of a monitor job: its `monitor_current_time` input (ms), else its creation time. */
function runTimeOf(job: ArmObject): number {
  const inputs = isObj(job.properties?.inputs) ? job.properties.inputs : {};
  const t = isObj(inputs.monitor_current_time) ? Date.parse(String(inputs.monitor_current_time.value)) : NaN;
  if (Number.isFinite(t)) return t;
  const created = isObj(job.systemData) ? Date.parse(String(job.systemData.createdAt)) : NaN;
  return Number.isFinite(created) ? created : 0;
}

/** Reads the monitor, its latest finished run and that run's signal results. */
export async function createMonitorSource(o: MonitorSourceOptions): Promise<MetricSource & { details: MonitorRunDetails }> {
  const input = o.input ?? 'source';
  let armRequests = 0;
  const schedule = await withAzureOperation(`reading monitor '${o.monitor}'`, () => {
    armRequests++;
    return o.arm.tryGet<ArmObject>(`schedules/${encodeURIComponent(o.monitor)}`);
  });
  if (!schedule)
    throw new ConfigurationError(`Input '${input}': monitor '${o.monitor}' does not exist in the workspace`, {
      input,
      hint: 'name a schedule with create_monitor (az ml schedule create -f)',
    });
  const action = isObj(schedule.properties?.action) ? schedule.properties.action : {};
  if (String(action.actionType).toLowerCase() !== 'createmonitor')
    throw new ConfigurationError(`Input '${input}': schedule '${o.monitor}' is not a monitor (its action is ${String(action.actionType)})`, { input });
  const def = isObj(action.monitorDefinition) ? action.monitorDefinition : {};
  const signalTypes: Record<string, string | undefined> = {};
  for (const [name, s] of Object.entries(isObj(def.signals) ? def.signals : {})) signalTypes[name] = isObj(s) ? str(s.signalType) : undefined;
  const target = isObj(def.monitoringTarget) ? str(def.monitoringTarget.deploymentId) : undefined;

  const jobs: ArmObject[] = [];
  await withAzureOperation(`listing the runs of monitor '${o.monitor}'`, async () => {
    armRequests++;
    for await (const j of o.arm.list<ArmObject>('jobs', { query: { scheduleId: o.monitor } })) jobs.push(j);
  });
  jobs.sort((a, b) => runTimeOf(b) - runTimeOf(a));
  const skipped: string[] = [];
  let job: ArmObject | undefined;
  for (const j of jobs) {
    const status = String(j.properties?.status ?? 'Unknown');
    if (RUNNING.includes(status)) {
      skipped.push(`${String(j.name)} (${status})`);
      continue;
    }
    job = j;
    break;
  }
  if (!job) {
    throw new Error(
      jobs.length === 0
        ? `Monitor '${o.monitor}' has not run yet: it has no run to read (its schedule creates one at each trigger time)`
        : `Monitor '${o.monitor}' has no finished run yet (${skipped.join(', ')})`,
    );
  }
  const jobName = String(job.name);
  const status = String(job.properties?.status ?? 'Unknown');
  if (skipped.length > 0) o.warning?.(`Monitor ${o.monitor}: newer runs are not finished (${skipped.join(', ')}); reading ${jobName}`);
  if (status !== 'Completed') {
    const error = isObj(job.properties?.error) ? str((job.properties.error as Record<string, unknown>).message) : undefined;
    throw new Error(`The latest run of monitor '${o.monitor}', ${jobName}, ended ${status}${error ? `: ${error}` : ''}: it has no signal results to gate on`);
  }
  const runTime = runTimeOf(job);
  const step = Math.floor(runTime / 1000);

  const client = createWorkspaceMlflowClient(o, await trackingUriOf(o, job), { ...o.mlflow });
  // The job's MLflow run (run id = job name) names the experiment the signal runs are in.
  const run = await client.getRun(jobName);
  const runs: MlflowRun[] = await client.searchRuns([run.info.experiment_id], { filter: `tags.azureml.monitor_name = '${o.monitor.replace(/'/g, "\\'")}'` });
  const metricRuns = runs.filter(
    (r) =>
      r.tags['azureml.signal_name'] &&
      r.tags['azureml.feature_name'] !== undefined &&
      r.tags['azureml.metric_name'] &&
      r.tags['azureml.metric_name'] !== 'azureml.metrics',
  );
  const recorded = await mapWithConcurrency(metricRuns, o.mlflow?.concurrency ?? DEFAULT_CONCURRENCY, async (r) => ({
    signal: r.tags['azureml.signal_name'],
    feature: r.tags['azureml.feature_name'],
    metric: r.tags['azureml.metric_name'],
    histories: await client.getMetricHistories(
      r.info.run_id,
      r.metrics.map((m) => m.key),
    ),
  }));
  const { metrics, signals } = monitorMetricSet(recorded, step, signalTypes);
  const details: MonitorRunDetails = {
    monitor: o.monitor,
    ...(target ? { target } : {}),
    jobName,
    status,
    runTime: new Date(runTime).toISOString(),
    signals,
    ...(skipped.length > 0 ? { skipped } : {}),
  };
  const source = createStaticSource('monitor', `monitor ${o.monitor} (run ${jobName})`, metrics);
  return {
    ...source,
    details,
    stats: () => ({ ...source.stats(), requests: armRequests + client.stats().requests }),
  };
}
