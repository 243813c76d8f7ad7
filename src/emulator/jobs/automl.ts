/**
 * An AutoML job (ARM `AutoMLJob`, `taskDetails.taskType` Classification, Regression or
 * Forecasting), really run: the MLTable inputs are read (mltable.ts), then candidate models are
 * trained by automl_trainer.py (Python standard library), each as a child job `<job>_<i>` (a
 * command job of its own, as Azure names AutoML's child runs: `automl_best_child_run_id`
 * `mslearn-bike-automl_2` in a real parent run's tags) that logs Azure AutoML's metric names to
 * MLflow and writes its model to its artifacts' `outputs/mlflow-model` (azureml-examples
 * sdk/python/jobs/automl-standalone-jobs/automl-classification-task-bankmarketing: the best run's
 * artifacts `outputs/mlflow-model`). Limits: `maxTrials`, `maxConcurrentTrials`, `timeout` (the
 * experiment stops launching trials and ends with the best so far), `trialTimeout`,
 * `enableEarlyTermination` (no improvement in 20 iterations: `early_stopping_n_iters` in a real
 * parent run's AMLSettingsJsonString) and `exitScore`.
 *
 * The best child by the primary metric is recorded where Azure records it: the parent run's tag
 * `automl_best_child_run_id` (azureml-examples notebook above: `mlflow_parent_run.data.tags
 * ["automl_best_child_run_id"]`; also the job resource's tags), the parent's properties
 * `primary_metric`, `num_iterations`, `runTemplate: AutoML`, and the per-iteration tags
 * `iteration_000`, `run_algorithm_000`, `score_000` (a real parent run's run-history JSON); the job's
 * output `best_model` (mlflow_model, as Azure's AutoML jobs output `best_model` of type
 * MLFlowModel: cli/jobs/pipelines/automl/*.yml `outputs.best_model: type: mlflow_model`) is the best
 * child's MLflow model folder.
 *
 * Image and NLP tasks fail with a message that says the emulator cannot train them.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDurationMs, parseJobId, pick, pickString, stringMap, type JobResource } from '../data/resources.js';
import { createChildJob, ParentLog, queueThenRun, runChild } from './children.js';
import { addDefaultOutput, fail, finishStopped, inputTypeOf, JobFailure } from './command.js';
import { readMLTable, type TableSpec } from './mltable.js';
import type { ActiveJob, Outcome, ParentLink, Runtime } from './runtime.js';
import { errorOf } from './status.js';
import { ARTIFACT_DATASTORE, DataResolutionError, datastoreUri, parseDatastoreUri } from '../data/uris.js';
import { asObj } from '../obj.js';
import { findPythonScript } from '../python-scripts.js';

export type AutoMLTask = 'classification' | 'regression' | 'forecasting';

export interface Candidate {
  algorithm: string;
  params: Record<string, number>;
}

/** The candidates the emulator tries, in order (Azure's algorithm names: ClassificationModels, RegressionModels, ForecastingModels in the 2024-10-01 swagger). */
export const CANDIDATES: Record<AutoMLTask, Candidate[]> = {
  classification: [
    { algorithm: 'LogisticRegression', params: { C: 1 } },
    { algorithm: 'DecisionTree', params: { max_depth: 6, min_samples_leaf: 5 } },
    { algorithm: 'BernoulliNaiveBayes', params: { alpha: 1 } },
    { algorithm: 'SGD', params: { C: 1 } },
    { algorithm: 'KNN', params: { k: 15 } },
    { algorithm: 'LogisticRegression', params: { C: 0.1 } },
    { algorithm: 'DecisionTree', params: { max_depth: 10, min_samples_leaf: 2 } },
    { algorithm: 'KNN', params: { k: 5 } },
  ],
  regression: [
    { algorithm: 'ElasticNet', params: { alpha: 0.001, l1_ratio: 0.5 } },
    { algorithm: 'DecisionTree', params: { max_depth: 6, min_samples_leaf: 5 } },
    { algorithm: 'KNN', params: { k: 10 } },
    { algorithm: 'SGD', params: {} },
    { algorithm: 'DecisionTree', params: { max_depth: 10, min_samples_leaf: 2 } },
    { algorithm: 'ElasticNet', params: { alpha: 0.01, l1_ratio: 0.1 } },
  ],
  forecasting: [
    { algorithm: 'Naive', params: {} },
    { algorithm: 'SeasonalNaive', params: {} },
    { algorithm: 'Average', params: {} },
    { algorithm: 'ExponentialSmoothing', params: { alpha: 0.5 } },
    { algorithm: 'SeasonalAverage', params: {} },
    { algorithm: 'DecisionTree', params: { max_depth: 6, min_samples_leaf: 5 } },
    { algorithm: 'ElasticNet', params: { alpha: 0.001, l1_ratio: 0.5 } },
  ],
};

/** The metrics the trainer logs (Azure AutoML's names: learn.microsoft.com/azure/machine-learning/how-to-understand-automated-ml). */
const METRICS: Record<AutoMLTask, string[]> = {
  classification: [
    'accuracy',
    'balanced_accuracy',
    'AUC_weighted',
    'AUC_macro',
    'average_precision_score_weighted',
    'average_precision_score_macro',
    'precision_score_weighted',
    'precision_score_macro',
    'precision_score_micro',
    'recall_score_weighted',
    'recall_score_macro',
    'recall_score_micro',
    'f1_score_weighted',
    'f1_score_macro',
    'f1_score_micro',
    'norm_macro_recall',
    'log_loss',
    'matthews_correlation',
  ],
  regression: [
    'r2_score',
    'explained_variance',
    'mean_absolute_error',
    'median_absolute_error',
    'root_mean_squared_error',
    'normalized_mean_absolute_error',
    'normalized_median_absolute_error',
    'normalized_root_mean_squared_error',
    'spearman_correlation',
    'root_mean_squared_log_error',
    'normalized_root_mean_squared_log_error',
    'mean_absolute_percentage_error',
  ],
  forecasting: [],
};
METRICS.forecasting = METRICS.regression;

/** Swagger's primary metric defaults (Classification: AUCWeighted; Regression, Forecasting: NormalizedRootMeanSquaredError). */
const DEFAULT_PRIMARY: Record<AutoMLTask, string> = {
  classification: 'AUCWeighted',
  regression: 'NormalizedRootMeanSquaredError',
  forecasting: 'NormalizedRootMeanSquaredError',
};

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A primary metric as the swagger spells it (`AUCWeighted`) or as logged (`AUC_weighted`) → the logged name. */
export function metricName(task: AutoMLTask, primary: string): string | undefined {
  return METRICS[task].find((m) => squash(m) === squash(primary));
}

/** Errors and losses are minimized, every other AutoML metric maximized. */
export function metricGoal(metric: string): 'maximize' | 'minimize' {
  return /error|log_loss/i.test(metric) ? 'minimize' : 'maximize';
}

/** Azure's early stopping window: no better score in this many iterations (`early_stopping_n_iters: 20`). */
const EARLY_STOPPING_ITERATIONS = 20;

export interface AutoMLPlan {
  task: AutoMLTask;
  target: string;
  primaryMetric: string;
  goal: 'maximize' | 'minimize';
  candidates: Candidate[];
  maxConcurrent: number;
  timeoutMs?: number;
  trialTimeout?: string;
  earlyTermination: boolean;
  exitScore?: number;
  inputs: { training: string; validation?: string; test?: string };
  trainerPlan: Record<string, unknown>;
  notes: string[];
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
}

function mltableUri(spec: unknown, what: string, required: boolean): string | undefined {
  const o = asObj(spec);
  if (!o) {
    if (required) throw new JobFailure(`The AutoML job has no ${what} (taskDetails.${what}: an mltable input)`, 'InvalidAutoML');
    return undefined;
  }
  const type = inputTypeOf(o);
  if (type && type !== 'mltable') throw new JobFailure(`taskDetails.${what} must be an mltable input, not ${type}`, 'InvalidAutoML');
  const uri = pickString(o, 'uri', 'path');
  if (!uri) throw new JobFailure(`taskDetails.${what} has no uri`, 'InvalidAutoML');
  return uri;
}

/** The AutoML job's settings, checked; a {@link JobFailure} says what is wrong. */
export function planAutoML(props: Record<string, unknown>, seed: number): AutoMLPlan {
  const details = asObj(props.taskDetails);
  if (!details) throw new JobFailure('The AutoML job has no taskDetails', 'InvalidAutoML');
  const taskType = pickString(details, 'taskType') ?? '';
  const task = (['classification', 'regression', 'forecasting'] as const).find((t) => t === taskType.toLowerCase());
  if (!task) {
    const known = /^(image|text)/i.test(taskType);
    throw new JobFailure(
      known
        ? `The local Azure ML emulator cannot train ${taskType} models: image and NLP AutoML tasks need deep-learning packages it does not have. It trains Classification, Regression and Forecasting jobs; run this job on Azure ML.`
        : `AutoML task type '${taskType || '(none)'}' is not one the emulator knows (it trains Classification, Regression and Forecasting)`,
      'UnsupportedAutoMLTask',
    );
  }
  const target = pickString(details, 'targetColumnName');
  if (!target) throw new JobFailure(`The ${taskType} job has no targetColumnName`, 'InvalidAutoML');
  const primaryRaw = pickString(details, 'primaryMetric') ?? DEFAULT_PRIMARY[task];
  const primaryMetric = metricName(task, primaryRaw);
  if (!primaryMetric)
    throw new JobFailure(`Primary metric '${primaryRaw}' is not a ${taskType} metric the emulator computes (${METRICS[task].join(', ')})`, 'InvalidAutoML');
  const notes: string[] = [];

  const training = asObj(details.trainingSettings) ?? {};
  const allowed = (Array.isArray(training.allowedTrainingAlgorithms) ? training.allowedTrainingAlgorithms : []).map(String);
  const blocked = (Array.isArray(training.blockedTrainingAlgorithms) ? training.blockedTrainingAlgorithms : []).map(String);
  let candidates = CANDIDATES[task].filter(
    (c) => (allowed.length === 0 || allowed.some((a) => squash(a) === squash(c.algorithm))) && !blocked.some((b) => squash(b) === squash(c.algorithm)),
  );
  if (candidates.length === 0) {
    const trains = [...new Set(CANDIDATES[task].map((c) => c.algorithm))].join(', ');
    throw new JobFailure(
      `No algorithm left to train: the emulator trains ${trains} for ${taskType}` +
        (allowed.length ? `, and allowedTrainingAlgorithms lists ${allowed.join(', ')}` : '') +
        (blocked.length ? `; blockedTrainingAlgorithms: ${blocked.join(', ')}` : ''),
      'NoAlgorithms',
    );
  }
  if (training.enableVoteEnsemble !== false || training.enableStackEnsemble !== false) {
    notes.push('Vote and stack ensembles are not built by the local emulator.');
  }

  const limits = asObj(details.limitSettings) ?? {};
  const maxTrials = num(limits.maxTrials) ?? 1000;
  if (maxTrials < candidates.length) candidates = candidates.slice(0, Math.max(1, Math.floor(maxTrials)));
  const featurization = asObj(details.featurizationSettings) ?? {};
  const mode = (pickString(featurization, 'mode') ?? 'Auto').toLowerCase();
  const blockedTransformers = Array.isArray(featurization.blockedTransformers) ? featurization.blockedTransformers : [];
  if (blockedTransformers.length > 0)
    notes.push(`blockedTransformers (${blockedTransformers.join(', ')}) do not apply: the emulator's featurization is one-hot and scaling only.`);
  const forecasting = asObj(details.forecastingSettings) ?? {};
  const horizon = asObj(forecasting.forecastHorizon);
  const season = asObj(forecasting.seasonality);
  const nCv = asObj(details.nCrossValidations);
  const inputs = {
    training: mltableUri(details.trainingData, 'trainingData', true)!,
    validation: mltableUri(details.validationData, 'validationData', false),
    test: mltableUri(details.testData, 'testData', false),
  };
  if (inputs.test) notes.push('testData is read by Azure for a test run of the best model; the local emulator does not run it.');
  const trainerPlan: Record<string, unknown> = {
    task,
    target,
    primary_metric: primaryMetric,
    seed,
    weight_column: pickString(details, 'weightColumnName'),
    positive_label: pickString(details, 'positiveLabel'),
    validation_size: num(details.validationDataSize),
    n_cross_validations: squash(pickString(nCv, 'mode') ?? '') === 'custom' ? num(nCv?.value) : undefined,
    featurization: { mode: mode === 'off' ? 'off' : 'auto', column_types: asObj(featurization.columnNameAndTypes) ?? {} },
    ...(task === 'forecasting'
      ? {
          forecasting: {
            time_column: pickString(forecasting, 'timeColumnName'),
            series_columns: Array.isArray(forecasting.timeSeriesIdColumnNames) ? forecasting.timeSeriesIdColumnNames.map(String) : [],
            horizon: squash(pickString(horizon, 'mode') ?? '') === 'custom' ? num(horizon?.value) : 1,
            seasonality: squash(pickString(season, 'mode') ?? '') === 'custom' ? num(season?.value) : 'auto',
          },
        }
      : {}),
  };
  if (task === 'forecasting' && !pickString(forecasting, 'timeColumnName')) {
    throw new JobFailure('A Forecasting job needs forecastingSettings.timeColumnName', 'InvalidAutoML');
  }
  return {
    task,
    target,
    primaryMetric,
    goal: metricGoal(primaryMetric),
    candidates,
    maxConcurrent: Math.max(1, Math.floor(num(limits.maxConcurrentTrials) ?? 1)),
    timeoutMs: parseDurationMs(limits.timeout ?? 'PT6H'),
    trialTimeout: pickString(limits, 'trialTimeout') ?? 'PT30M',
    earlyTermination: limits.enableEarlyTermination !== false,
    exitScore: num(limits.exitScore),
    inputs,
    trainerPlan,
    notes,
  };
}

/** Where automl_trainer.py is (or $AZUREML_EMULATOR_AUTOML_TRAINER). */
export function findTrainer(): string {
  return findPythonScript(join('src', 'emulator', 'jobs', 'automl_trainer.py'), 'AZUREML_EMULATOR_AUTOML_TRAINER');
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

interface Trial {
  name: string;
  candidate: Candidate;
  outcome?: Outcome;
  score?: number;
}

/** What the iterations share: the parent job, its plan and log, the trainer and its plan file. */
interface AutoMLRun {
  rt: Runtime;
  jobId: string;
  name: string;
  job: JobResource;
  active: ActiveJob;
  plan: AutoMLPlan;
  log: ParentLog;
  planFile: string;
  trainer: string;
}

/** Read the MLTable inputs once and write the trainer's plan (the files and settings every iteration reads). */
async function prepareData(rt: Runtime, jobId: string, plan: AutoMLPlan, log: ParentLog, signal: AbortSignal): Promise<string> {
  const { ws, name } = parseJobId(jobId);
  const dir = rt.workDirOf(name);
  const tables: Record<string, TableSpec> = {};
  for (const [key, uri] of Object.entries(plan.inputs)) {
    if (!uri || key === 'test') continue;
    tables[key] = await readMLTable(rt, ws, uri, join(dir, 'inputs', `${key}_data`), `${key} data`, signal);
    await log.write(`${key} data: ${uri} (${tables[key].files.length} file(s))`);
  }
  const planFile = join(dir, 'automl_plan.json');
  await writeFile(planFile, JSON.stringify({ ...plan.trainerPlan, training: tables.training, validation: tables.validation }, null, 2));
  return planFile;
}

/** One iteration: the child job `<job>_<i>` running the trainer on one candidate; its score is its primary metric in MLflow. */
async function runIteration(r: AutoMLRun, t: Trial, i: number): Promise<void> {
  const { rt, job, plan } = r;
  const props = job.properties;
  const experimentName = pickString(props, 'experimentName') ?? 'Default';
  const command = [
    'python3 -u',
    quote(r.trainer),
    '--plan',
    quote(r.planFile),
    '--algorithm',
    t.candidate.algorithm,
    '--params',
    quote(JSON.stringify(t.candidate.params)),
    '--iteration',
    String(i),
    '--output outputs',
  ].join(' ');
  const childId = await createChildJob(rt, job, r.jobId, t.name, {
    displayName: t.name,
    experimentName,
    command,
    computeId: pick(props, 'computeId'),
    environmentVariables: stringMap(pick(props, 'environmentVariables')),
    inputs: {},
    outputs: {},
    ...(plan.trialTimeout ? { limits: { jobLimitsType: 'Command', timeout: plan.trialTimeout } } : {}),
    tags: {},
    properties: { 'azureml.parentrunid': r.name, runTemplate: 'automl_child', iteration: String(i), run_algorithm: t.candidate.algorithm },
  });
  await r.log.write(`iteration ${i}: ${t.name} ${t.candidate.algorithm} ${JSON.stringify(t.candidate.params)}`);
  t.outcome = await runChild(rt, r.active, childId, { name: r.name, kind: 'automl', experimentName });
  const v = (await rt.tracking.findRun(rt.scopeOf(parseJobId(r.jobId).ws), t.name))?.latest[plan.primaryMetric]?.value;
  if (t.outcome.status === 'Completed' && v !== undefined && !Number.isNaN(v)) t.score = v;
  await r.log.write(
    `iteration ${i}: ${t.name} ${t.outcome.status}` +
      (t.score !== undefined ? `: ${plan.primaryMetric} = ${t.score}` : '') +
      (t.outcome.error ? ` (${t.outcome.error.error.message.split('\n')[0]})` : ''),
  );
}

/**
 * The iterations, at most maxConcurrentTrials at once, until the candidates run out or a limit
 * stops the experiment (timeout, exitScore, early termination): then running children are stopped
 * and no new one starts.
 */
async function runIterations(r: AutoMLRun): Promise<{ trials: Trial[]; best?: Trial; stopReason?: string }> {
  const { rt, plan, active } = r;
  let stopReason: string | undefined;
  const stop = (why: string) => {
    if (stopReason) return;
    stopReason = why;
    for (const c of active.children) rt.requestStop(c, 'timeout');
  };
  let timer: NodeJS.Timeout | undefined;
  if (plan.timeoutMs !== undefined) {
    timer = setTimeout(() => stop(`the experiment timeout (limits.timeout) was reached`), plan.timeoutMs);
    timer.unref();
  }
  const trials: Trial[] = plan.candidates.map((candidate, i) => ({ name: `${r.name}_${i}`, candidate }));
  const better = (a: number, b: number | undefined) => b === undefined || (plan.goal === 'maximize' ? a > b : a < b);
  let best: Trial | undefined;
  let sinceImprovement = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < trials.length && !active.signal.aborted && !stopReason) {
      const i = next++;
      const t = trials[i];
      await runIteration(r, t, i);
      if (t.score !== undefined && better(t.score, best?.score)) {
        best = t;
        sinceImprovement = 0;
      } else sinceImprovement++;
      if (
        plan.exitScore !== undefined &&
        best?.score !== undefined &&
        (plan.goal === 'maximize' ? best.score >= plan.exitScore : best.score <= plan.exitScore)
      ) {
        stop(`the best score ${best.score} reached exitScore ${plan.exitScore}`);
      } else if (plan.earlyTermination && sinceImprovement >= EARLY_STOPPING_ITERATIONS) {
        stop(`early termination: no better ${plan.primaryMetric} in ${EARLY_STOPPING_ITERATIONS} iterations`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(plan.maxConcurrent, trials.length) }, worker));
  if (timer) clearTimeout(timer);
  return { trials: trials.filter((t) => t.outcome), best, stopReason };
}

/**
 * Record the best iteration where Azure does: the parent run's tags (automl_best_child_run_id and
 * the per-iteration summary), the job's tags and properties, and the best_model output (the best
 * child's outputs/mlflow-model, copied where the job asked for best_model).
 */
async function recordBest(r: AutoMLRun, ran: Trial[], winner: Trial, runProperties: Record<string, string>): Promise<void> {
  const { rt, jobId, name, plan } = r;
  const { ws } = parseJobId(jobId);
  const props = r.job.properties;
  let bestModelUri = datastoreUri(ARTIFACT_DATASTORE, `ExperimentRun/dcid.${winner.name}/outputs/mlflow-model/`);
  const asked = asObj(asObj(props.outputs)?.best_model);
  const askedUri = pickString(asked, 'uri')?.replace(/\$\{\{\s*name\s*\}\}/g, name);
  if (askedUri) {
    if (!parseDatastoreUri(askedUri)) throw new JobFailure(`Output 'best_model': '${askedUri}' is not a datastore path`, 'InvalidOutput');
    const loc = await rt.resolver(ws).resolve(askedUri);
    await rt.blob.uploadFolder(join(rt.workDirOf(winner.name), 'code', 'outputs', 'mlflow-model'), {
      container: loc.container,
      path: loc.path === '' || loc.path.endsWith('/') ? loc.path : `${loc.path}/`,
    });
    bestModelUri = askedUri;
  }
  await rt.tracking.setTags(rt.scopeOf(ws), name, { ...iterationTags(name, ran), automl_best_child_run_id: winner.name });
  await rt.recorder.patch(jobId, (j: JobResource) => {
    j.properties.properties = { ...stringMap(j.properties.properties), ...runProperties };
    j.properties.tags = { ...stringMap(j.properties.tags), automl_best_child_run_id: winner.name };
    const outputs = asObj(j.properties.outputs) ?? {};
    outputs.best_model = {
      ...(asObj(outputs.best_model) ?? {}),
      jobOutputType: 'mlflow_model',
      mode: pickString(asked, 'mode') ?? 'ReadWriteMount',
      uri: bestModelUri,
    };
    j.properties.outputs = outputs;
  });
  await r.log.write(
    `best iteration: ${winner.name} ${winner.candidate.algorithm} (${plan.primaryMetric} = ${winner.score}, ${plan.goal}); best_model: ${bestModelUri}`,
  );
}

/** The per-iteration summary tags of a real AutoML parent run: iteration_000, run_algorithm_000, score_000. */
function iterationTags(name: string, ran: Trial[]): Record<string, string> {
  return {
    iteration_000: ran.map((t) => t.name.slice(name.length + 1)).join(';'),
    run_algorithm_000: ran.map((t) => t.candidate.algorithm).join(';'),
    score_000: ran.map((t) => (t.score === undefined ? 'nan' : String(t.score))).join(';'),
  };
}

/** Runs an AutoML job; `link` when it is the child of a pipeline's automl step. */
export async function runAutoMLJob(rt: Runtime, jobId: string, active: ActiveJob, link?: ParentLink): Promise<Outcome> {
  const { ws, name } = parseJobId(jobId);
  const signal = active.signal;
  const job = await rt.loadJob(jobId);
  if (!job) return { status: 'Failed' };
  await rt.ensureRun(jobId, job, link);
  await addDefaultOutput(rt, jobId, name);
  const scope = rt.scopeOf(ws);

  await rt.recorder.transition(jobId, 'Starting');
  await rt.step(signal);
  if (signal.aborted) return finishStopped(rt, jobId, active);
  await rt.recorder.transition(jobId, 'Preparing');
  let plan: AutoMLPlan;
  try {
    plan = planAutoML(job.properties, [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % 100_000);
  } catch (err) {
    return fail(rt, jobId, err);
  }
  const log = new ParentLog(rt, jobId);
  await log.open();
  const runProperties = { runTemplate: 'AutoML', 'azureml.runsource': 'automl', primary_metric: plan.primaryMetric };
  await rt.tracking.updateHistory(scope, name, { properties: runProperties });
  await log.write(
    `AutoML ${plan.task} job ${name}: target '${plan.target}', primary metric ${plan.primaryMetric} (${plan.goal}), ` +
      `${plan.candidates.length} candidate(s) (${plan.candidates.map((c) => c.algorithm).join(', ')}), at most ${plan.maxConcurrent} at once`,
  );
  for (const n of plan.notes) await log.write(`note: ${n}`);
  if (!(await queueThenRun(rt, jobId, signal, log))) return finishStopped(rt, jobId, active);

  let planFile: string;
  try {
    planFile = await prepareData(rt, jobId, plan, log, signal);
  } catch (err) {
    if (signal.aborted) return finishStopped(rt, jobId, active);
    await log.close();
    return fail(rt, jobId, err instanceof DataResolutionError ? new JobFailure(err.message, 'DataNotFound') : err);
  }
  const r: AutoMLRun = { rt, jobId, name, job, active, plan, log, planFile, trainer: findTrainer() };
  const { trials: ran, best, stopReason } = await runIterations(r);

  if (signal.aborted) {
    await log.write(`AutoML stopped (${active.reason ?? 'cancel'}); ${ran.length} iteration(s) ran`);
    await log.close();
    return finishStopped(rt, jobId, active);
  }
  if (stopReason) await log.write(`stopped after ${ran.length} iteration(s): ${stopReason}`);
  await rt.recorder.transition(jobId, 'Finalizing');
  const finalProperties = { ...runProperties, num_iterations: String(ran.length) };
  await rt.tracking.updateHistory(scope, name, { properties: finalProperties });

  if (!best) {
    const first = ran.find((t) => t.outcome?.error);
    await rt.tracking.setTags(scope, name, iterationTags(name, ran));
    await log.write(`no iteration produced a value of ${plan.primaryMetric}`);
    await log.close();
    const error = errorOf(
      'UserError',
      `None of the ${ran.length} AutoML iteration(s) completed with a value of the primary metric '${plan.primaryMetric}'.` +
        (first ? ` First failure (${first.name}): ${first.outcome!.error!.error.message}` : ''),
      'AllIterationsFailed',
      rt.host.now(),
    );
    await rt.recorder.transition(jobId, 'Failed', { error });
    return { status: 'Failed', error };
  }
  try {
    await recordBest(r, ran, best, finalProperties);
  } catch (err) {
    await log.close();
    return fail(rt, jobId, err);
  }
  await log.close();
  await rt.step(signal);
  await rt.recorder.transition(jobId, 'Completed');
  return { status: 'Completed' };
}
