/**
 * The metrics of an Azure ML job, read the way Azure ML serves them: GET the job over ARM, take
 * its Tracking service endpoint (`azureml://<host>/mlflow/v1.0/<workspace id>` → https, or http
 * against the local emulator) and read the job's MLflow run (run id = job name) with an ARM token.
 *
 * - Pipeline jobs: the steps are child runs (`tags.mlflow.parentRunId = '<job>'`). `child`
 *   selects one step by its run name (the step's display name, which defaults to its node name),
 *   its `azureml.nodeid` tag or its run id; without `child` every step's metrics are read,
 *   named `<step>.<metric>` (the pipeline run's own metrics keep their plain names).
 * - Sweep jobs: the trials are child runs; the best trial by the sweep's `objective`
 *   (primaryMetric, goal) among the finished trials is read. `child` picks a trial instead.
 * - AutoML jobs: read like a sweep; the child runs `<job>_<i>` are its iterations, the best is the
 *   one Azure records as `automl_best_child_run_id`, else the best by the task's primary metric.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { ArmClient } from '../azure/arm.js';
import { mapWithConcurrency } from '../azure/concurrency.js';
import { withAzureOperation } from '../azure/errors.js';
import { ConfigurationError } from '../core/errors.js';
import type { MetricSet } from './evaluate.js';
import { createMlflowClient, createMlflowRunSource, DEFAULT_CONCURRENCY, type MlflowClient, type MlflowClientOptions, type MlflowRun } from './mlflow.js';
import { closestNames, nameListForMessage, quoteList, type MetricSource } from './source.js';
import { isObj } from '../core/obj.js';
import type { ArmObject } from '../azure/workspace-api.js';

export interface AzureMlConnection {
  arm: Pick<ArmClient, 'tryGet' | 'get' | 'list' | 'workspaceId'>;
  credential: TokenCredential;
  /** The ARM token scope (`https://management.azure.com/.default`). */
  armScope: string;
  /** True against the local emulator: its tracking service is plain http. */
  insecure: boolean;
  userAgent?: string;
}

export interface AzureMlJobSourceOptions extends AzureMlConnection {
  jobName: string;
  /** A pipeline step or a sweep trial to read instead of the whole job. */
  child?: string;
  /** The input that named the job (errors name it). Default `job-name`. */
  input?: string;
  /** Apply `child` only when the job is a pipeline (a baseline job read like the gated one). */
  childIfApplicable?: boolean;
  /** What the job is to the gate, for messages: `baseline` for a baseline job. */
  role?: string;
  /** Client settings for the tracking service (page size, concurrency, retries). */
  mlflow?: Pick<MlflowClientOptions, 'concurrency' | 'historyPageSize' | 'retry' | 'abortSignal'>;
  info?: (message: string) => void;
  warning?: (message: string) => void;
}

/** What was resolved: shown in the log and the report. */
export interface AzureMlJobDetails {
  jobName: string;
  jobType: string;
  status?: string;
  experimentName?: string;
  studioUrl?: string;
  trackingUri: string;
  /** The run whose metrics are read (the job's, a step's or the best trial's). */
  runId: string;
  /** Set when a step or trial was chosen. */
  selected?: { runId: string; name: string; reason: string };
  /** Steps read (pipeline without `child`), as `<step>` → run id. */
  steps?: Record<string, string>;
  objective?: { primaryMetric: string; goal: 'maximize' | 'minimize' };
}

export interface AzureMlJobSource extends MetricSource {
  readonly details: AzureMlJobDetails;
}

const TERMINAL_OK = 'Completed';
const TERMINAL = ['Completed', 'Failed', 'Canceled', 'NotResponding', 'Paused'];

/**
 * `azureml://<host>/mlflow/v1.0/<workspace id>` (the Tracking service or the workspace's
 * `mlFlowTrackingUri`) → `https://<host>/mlflow/v1.0/<workspace id>` (http for the emulator).
 */
export function trackingHttpUri(endpoint: string, insecure: boolean): string {
  const clean = endpoint.trim().replace(/\?.*$/, '').replace(/\/+$/, '');
  const m = /^(azureml|https?):\/\/(.+)$/i.exec(clean);
  if (!m) throw new Error(`The tracking endpoint '${endpoint}' is not an azureml:// or http(s):// address`);
  if (m[1].toLowerCase() !== 'azureml') return clean;
  return `${insecure ? 'http' : 'https'}://${m[2]}`;
}

/** A token provider over a credential, refreshing a few minutes before expiry. */
export function armTokenProvider(credential: TokenCredential, scope: string): () => Promise<string> {
  let cached: { token: string; expiresOnTimestamp: number } | undefined;
  let pending: Promise<string> | undefined;
  return () => {
    if (cached && cached.expiresOnTimestamp - Date.now() > 120_000) return Promise.resolve(cached.token);
    pending ??= (async () => {
      try {
        const t = await credential.getToken(scope);
        if (!t) throw new Error(`The credential returned no token for ${scope}`);
        cached = { token: t.token, expiresOnTimestamp: t.expiresOnTimestamp };
        return t.token;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
}

/** An MLflow client for a workspace tracking URI (`azureml://` or http(s)) with the ARM token. */
export function createWorkspaceMlflowClient(conn: AzureMlConnection, trackingUri: string, options: Partial<MlflowClientOptions> = {}): MlflowClient {
  return createMlflowClient({
    ...options,
    trackingUri: trackingHttpUri(trackingUri, conn.insecure),
    auth: { kind: 'bearer', token: armTokenProvider(conn.credential, conn.armScope) },
    userAgent: conn.userAgent,
  });
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return isObj(v) ? v : undefined;
}

/** The Tracking service endpoint of a job, when Azure gave one. */
export function trackingEndpointOf(job: ArmObject): string | undefined {
  const services = record(job.properties?.services);
  const tracking =
    record(services?.Tracking) ??
    Object.values(services ?? {})
      .map(record)
      .find((s) => s?.jobServiceType === 'Tracking');
  return str(tracking?.endpoint);
}

/** The names a child run answers to, most specific first. */
export function childAliases(run: MlflowRun): string[] {
  const names = [run.info.run_name, run.tags['mlflow.runName'], run.tags['azureml.nodeid'], run.tags['azureml.moduleName'], run.info.run_id];
  return [...new Set(names.filter((n): n is string => typeof n === 'string' && n !== ''))];
}

/** The label of a pipeline step in qualified names: its run name, else node id, else run id. */
export function stepLabel(run: MlflowRun): string {
  return childAliases(run)[0] ?? run.info.run_id;
}

function findChild(children: MlflowRun[], wanted: string): MlflowRun | undefined {
  const exact = children.filter((c) => childAliases(c).includes(wanted));
  if (exact.length >= 1) return exact[0];
  const lower = wanted.toLowerCase();
  return children.find((c) => childAliases(c).some((a) => a.toLowerCase() === lower));
}

async function getJob(conn: AzureMlConnection, name: string, input: string, role?: string): Promise<ArmObject> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(name)) {
    throw new ConfigurationError(`'${name}' is not a valid Azure ML job name.`, {
      input,
      hint: 'Job names are letters, digits, - and _, starting with a letter or digit.',
    });
  }
  const job = await withAzureOperation(`reading job '${name}'`, () => conn.arm.tryGet<ArmObject>(`jobs/${encodeURIComponent(name)}`));
  if (!job) {
    const ws = conn.arm.workspaceId.split('/').pop();
    throw new ConfigurationError(`The ${role ? `${role} ` : ''}job '${name}' was not found in workspace '${ws}'.`, {
      input,
      hint: 'Give the job name (the submit-job output job-name, or the name shown in studio), not its display name.',
    });
  }
  return job;
}

/** The MLflow tracking URI that serves a job: its Tracking service, else the workspace's. */
export async function trackingUriOf(conn: AzureMlConnection, job: ArmObject): Promise<string> {
  const endpoint = trackingEndpointOf(job);
  if (endpoint) return endpoint;
  // Jobs created by older clients may carry no services: the workspace's tracking URI serves them too.
  const ws = await withAzureOperation('reading the workspace', () => conn.arm.get<ArmObject>(conn.arm.workspaceId));
  const uri = str(ws.properties?.mlFlowTrackingUri);
  if (!uri)
    throw new Error(
      `Job '${job.name}' has no Tracking service and the workspace has no mlFlowTrackingUri: there is no MLflow endpoint to read its metrics from`,
    );
  return uri;
}

/**
 * AutoML's primary metrics as the 2024-10-01 swagger spells them (ClassificationPrimaryMetrics,
 * RegressionPrimaryMetrics, ForecastingPrimaryMetrics, …) → the names AutoML logs them under
 * (learn.microsoft.com/azure/machine-learning/how-to-understand-automated-ml).
 */
const AUTOML_METRICS: Record<string, string> = {
  aucweighted: 'AUC_weighted',
  accuracy: 'accuracy',
  normmacrorecall: 'norm_macro_recall',
  averageprecisionscoreweighted: 'average_precision_score_weighted',
  precisionscoreweighted: 'precision_score_weighted',
  spearmancorrelation: 'spearman_correlation',
  normalizedrootmeansquarederror: 'normalized_root_mean_squared_error',
  r2score: 'r2_score',
  normalizedmeanabsoluteerror: 'normalized_mean_absolute_error',
  iou: 'iou',
  meanaverageprecision: 'mean_average_precision',
};

/** The swagger's default primary metric of each AutoML task (ClassificationPrimaryMetrics default AUCWeighted, …). */
const AUTOML_DEFAULT_METRIC: Record<string, string> = {
  classification: 'AUC_weighted',
  regression: 'normalized_root_mean_squared_error',
  forecasting: 'normalized_root_mean_squared_error',
  textclassification: 'accuracy',
  imageclassification: 'accuracy',
};

/** An AutoML job's objective: `taskDetails.primaryMetric` (or its task's default); errors are minimized. */
export function automlObjectiveOf(job: ArmObject): { primaryMetric: string; goal: 'maximize' | 'minimize' } | undefined {
  const task = record(job.properties?.taskDetails);
  const raw = str(task?.primaryMetric);
  const squashed = (raw ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
  const primaryMetric = raw ? (AUTOML_METRICS[squashed] ?? raw) : AUTOML_DEFAULT_METRIC[(str(task?.taskType) ?? '').toLowerCase()];
  if (!primaryMetric) return undefined;
  return { primaryMetric, goal: /error|log_loss/i.test(primaryMetric) ? 'minimize' : 'maximize' };
}

function objectiveOf(job: ArmObject): { primaryMetric: string; goal: 'maximize' | 'minimize' } | undefined {
  const o = record(job.properties?.objective);
  const primaryMetric = str(o?.primaryMetric) ?? str(o?.primary_metric);
  const goal = str(o?.goal)?.toLowerCase();
  if (!primaryMetric || (goal !== 'maximize' && goal !== 'minimize')) return undefined;
  return { primaryMetric, goal };
}

export async function createAzureMlJobSource(o: AzureMlJobSourceOptions): Promise<AzureMlJobSource> {
  const input = o.input ?? 'job-name';
  const info = o.info ?? (() => undefined);
  const warning = o.warning ?? info;
  const job = await getJob(o, o.jobName, input, o.role);
  const props = job.properties ?? {};
  const jobType = str(props.jobType) ?? 'Command';
  const status = str(props.status);
  const services = record(props.services);
  const studioUrl = str(record(services?.Studio)?.endpoint);
  const trackingUri = await trackingUriOf(o, job);
  const client = createWorkspaceMlflowClient(o, trackingUri, {
    ...o.mlflow,
    input: undefined,
    serverName: `the tracking service of job '${o.jobName}' (${trackingHttpUri(trackingUri, o.insecure)})`,
  });

  if (status && status !== TERMINAL_OK) {
    warning(
      TERMINAL.includes(status)
        ? `Job ${o.jobName} ended ${status}: its metrics are those it logged before it stopped.`
        : `Job ${o.jobName} is ${status}, not finished: its metrics may still change.`,
    );
  }

  let parent: MlflowRun;
  try {
    parent = await client.getRun(o.jobName);
  } catch (error) {
    if ((error as { name?: string }).name === 'ConfigurationError' && /was not found/.test((error as Error).message)) {
      throw new Error(
        `Job '${o.jobName}' (${status ?? 'status unknown'}) has no MLflow run on its tracking service yet: it has not started, so it has no metrics.`,
        { cause: error },
      );
    }
    throw error;
  }

  const details: AzureMlJobDetails = {
    jobName: o.jobName,
    jobType,
    status,
    experimentName: str(props.experimentName),
    studioUrl,
    trackingUri,
    runId: parent.info.run_id,
  };
  const isPipeline = jobType.toLowerCase() === 'pipeline';
  const isSweep = jobType.toLowerCase() === 'sweep';
  const isAutoML = jobType.toLowerCase() === 'automl';

  const child = o.childIfApplicable && !isPipeline ? undefined : o.child;
  if (child !== undefined && !isPipeline && !isSweep && !isAutoML) {
    throw new ConfigurationError(
      `Input 'child' selects a step of a pipeline job, a trial of a sweep job or a child run of an AutoML job, but job '${o.jobName}' is a ${jobType} job.`,
      {
        input: 'child',
        hint: 'Remove child, or give the name of a pipeline, sweep or AutoML job.',
      },
    );
  }

  const single = (run: MlflowRun, description: string): AzureMlJobSource => {
    const source = createMlflowRunSource(client, run.info.run_id, { description, kind: 'azureml', run });
    return Object.assign(source, { details });
  };

  if (!isPipeline && !isSweep && !isAutoML) return single(parent, `Azure ML ${jobType.toLowerCase()} job ${o.jobName}`);

  const children = await client.searchRuns([parent.info.experiment_id], { filter: `tags.mlflow.parentRunId = '${o.jobName}'` });
  const childKind = isPipeline ? 'step' : isSweep ? 'trial' : 'child run';

  if (child !== undefined) {
    // An AutoML child is also named by its iteration: child: 2 is <job>_2.
    const chosen = findChild(children, child) ?? (isAutoML && /^\d+$/.test(child) ? findChild(children, `${o.jobName}_${child}`) : undefined);
    if (!chosen) {
      const all = children.flatMap((c) => childAliases(c).slice(0, 1));
      const near = closestNames(child, children.flatMap(childAliases));
      throw new ConfigurationError(
        `${o.role ? `The ${o.role} job` : 'Job'} '${o.jobName}' has no ${childKind} named '${child}'${near.length ? `; did you mean ${quoteList(near)}?` : '.'}`,
        {
          input: o.role ? input : 'child',
          hint: children.length ? `Its ${childKind}s: ${nameListForMessage(all)}.` : `The ${jobType.toLowerCase()} job has no ${childKind}s yet.`,
        },
      );
    }
    details.selected = { runId: chosen.info.run_id, name: stepLabel(chosen), reason: `child: ${child}` };
    details.runId = chosen.info.run_id;
    return single(chosen, `Azure ML ${jobType.toLowerCase()} job ${o.jobName}, ${childKind} ${stepLabel(chosen)} (run ${chosen.info.run_id})`);
  }

  if (isSweep || isAutoML) {
    const what = isSweep ? 'sweep' : 'AutoML';
    const recorder = isSweep ? 'sweep' : 'AutoML job';
    const objective = isSweep ? objectiveOf(job) : automlObjectiveOf(job);
    if (objective) details.objective = objective;
    const finished = children.filter((c) => (c.info.status ?? 'FINISHED') === 'FINISHED');
    // Where Azure ML records the best child, most authoritative first. A sweep: the job resource's
    // `properties.properties.best_child_run_id` (what azure-ai-ml reads, SWEEP_JOB_BEST_CHILD_RUN_ID_PROPERTY_NAME
    // in azure/ai/ml/constants/_common.py, used by JobOperations.download), then the parent run's MLflow tag.
    // AutoML: the parent run's tag `automl_best_child_run_id` (azureml-examples sdk/python/jobs/automl-standalone-jobs/
    // automl-classification-task-bankmarketing: mlflow_parent_run.data.tags["automl_best_child_run_id"]), also on the job's tags.
    const recorded: Array<readonly [string | undefined, string]> = isSweep
      ? [
          [str(record(props.properties)?.best_child_run_id), "the job's properties.best_child_run_id"],
          [parent.tags.best_child_run_id, "the sweep run's MLflow tag best_child_run_id"],
        ]
      : [
          [parent.tags.automl_best_child_run_id, "the AutoML run's MLflow tag automl_best_child_run_id"],
          [str(record(props.tags)?.automl_best_child_run_id), "the job's tag automl_best_child_run_id"],
        ];
    for (const [recordedId, where] of recorded) {
      if (!recordedId) continue;
      const run = children.find((c) => c.info.run_id === recordedId);
      if (!run) {
        info(
          `The ${recorder} records ${recordedId} as its best ${childKind} (${where}), but it is not one of its ${childKind}s on the tracking service; looking further.`,
        );
        continue;
      }
      const value = objective ? run.metrics.find((m) => m.key === objective.primaryMetric)?.value : undefined;
      details.selected = { runId: run.info.run_id, name: stepLabel(run), reason: `best ${childKind} as the ${recorder} records it (${where})` };
      details.runId = run.info.run_id;
      const shown = objective && value !== undefined ? ` (${objective.primaryMetric} = ${value}, ${objective.goal})` : '';
      return single(run, `Azure ML ${what} job ${o.jobName}, best ${childKind} ${run.info.run_id}${shown}`);
    }
    if (!objective)
      throw new Error(
        `${isSweep ? 'Sweep' : 'AutoML'} job '${o.jobName}' records no best ${childKind} and has no ${isSweep ? 'objective (primaryMetric and goal)' : 'primary metric'}: the best ${childKind} cannot be chosen; give child: <${childKind} run id> instead`,
      );
    const best = bestTrial(finished, objective);
    if (!best) {
      throw new Error(
        `${isSweep ? 'Sweep' : 'AutoML'} job '${o.jobName}' has no finished ${childKind} that logged its primary metric '${objective.primaryMetric}' ` +
          `(${children.length} ${childKind}(s), ${finished.length} finished): there is no best ${childKind} to gate`,
      );
    }
    const tie = best.ties > 1 ? ` (${best.ties} ${childKind}s tie; the earliest)` : '';
    const reason = `best of ${finished.length} finished ${childKind}(s) by ${objective.goal} ${objective.primaryMetric} = ${best.value}${tie}; the ${recorder} records none`;
    details.selected = { runId: best.run.info.run_id, name: stepLabel(best.run), reason };
    details.runId = best.run.info.run_id;
    return single(
      best.run,
      `Azure ML ${what} job ${o.jobName}, best ${childKind} ${best.run.info.run_id} (${objective.primaryMetric} = ${best.value}, ${objective.goal})`,
    );
  }

  // Pipeline without `child`: the pipeline run's own metrics plus every step's, qualified.
  if (children.length === 0) warning(`Pipeline job ${o.jobName} has no step runs yet: only its own metrics are read.`);
  const labels = new Map<string, MlflowRun>();
  const counts = new Map<string, number>();
  for (const c of children) counts.set(stepLabel(c), (counts.get(stepLabel(c)) ?? 0) + 1);
  for (const c of children) {
    const label = (counts.get(stepLabel(c)) ?? 0) > 1 ? c.info.run_id : stepLabel(c);
    labels.set(label, c);
  }
  details.steps = Object.fromEntries([...labels].map(([l, r]) => [l, r.info.run_id]));
  const source = createPipelineSource(
    client,
    parent,
    labels,
    `Azure ML pipeline job ${o.jobName} (${labels.size} step(s))`,
    o.mlflow?.concurrency ?? DEFAULT_CONCURRENCY,
    o.mlflow?.abortSignal,
  );
  return Object.assign(source, { details });
}

/**
 * The best trial by the objective's latest value (NaN ignored). Among trials that tie, the one the
 * sweep records as `best_child_run_id` when it is one of them, else the earliest started.
 */
export function bestTrial(
  trials: MlflowRun[],
  objective: { primaryMetric: string; goal: 'maximize' | 'minimize' },
  recorded?: string,
): { run: MlflowRun; value: number; ties: number } | undefined {
  const scored = trials
    .map((run) => ({ run, value: run.metrics.find((m) => m.key === objective.primaryMetric)?.value }))
    .filter((t): t is { run: MlflowRun; value: number } => t.value !== undefined && !Number.isNaN(t.value));
  if (scored.length === 0) return undefined;
  const target = objective.goal === 'maximize' ? Math.max(...scored.map((t) => t.value)) : Math.min(...scored.map((t) => t.value));
  const tied = scored
    .filter((t) => t.value === target)
    .sort((a, b) => (a.run.info.start_time ?? 0) - (b.run.info.start_time ?? 0) || a.run.info.run_id.localeCompare(b.run.info.run_id));
  const pick = tied.find((t) => t.run.info.run_id === recorded) ?? tied[0];
  return { ...pick, ties: tied.length };
}

/** A pipeline's metrics: its own (plain names) and each step's as `<step>.<metric>`. */
function createPipelineSource(
  client: MlflowClient,
  parent: MlflowRun,
  steps: Map<string, MlflowRun>,
  description: string,
  concurrency: number,
  abortSignal?: AbortSignal,
): MetricSource {
  // Every (run, metric) the pipeline has, under its qualified name.
  const index = new Map<string, { runId: string; key: string }>();
  for (const m of parent.metrics) index.set(m.key, { runId: parent.info.run_id, key: m.key });
  for (const [label, run] of steps) for (const m of run.metrics) index.set(`${label}.${m.key}`, { runId: run.info.run_id, key: m.key });
  return {
    kind: 'azureml',
    description,
    async names() {
      return [...index.keys()];
    },
    async fetch(names) {
      const wanted = (names ? [...new Set(names)] : [...index.keys()]).filter((n) => index.has(n));
      const histories = await mapWithConcurrency(wanted, concurrency, (n) => client.getMetricHistory(index.get(n)!.runId, index.get(n)!.key), abortSignal);
      const out: MetricSet = new Map();
      wanted.forEach((n, i) => out.set(n, histories[i]));
      return out;
    },
    stats: () => client.stats(),
  };
}
