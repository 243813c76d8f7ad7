/**
 * When will this job end? From the durations of earlier runs of the same job file.
 *
 * A fixed poll loop trades reads for detection delay: every 15 s costs 20 reads over a 5-minute
 * job and sees the end 7.5 s late on average. Training jobs of one job file tend to take about
 * as long as their last runs, and Azure ML's MLflow API already holds those durations (each job is
 * an MLflow run whose `start_time` is its creation and `end_time` its end). So submit-job tags
 * every job with its job file, asks MLflow once for the last runs with that tag (keeping the
 * finished ones), and
 * polls sparsely until shortly before the expected end, then fast around it. Without history, or
 * when a job overruns its window, the plain adaptive schedule applies (see status.ts).
 */
import type { EndEstimate } from './status.js';

/** The tag that names the job file a job came from (`<owner>/<repo>:<path>`). */
export const JOB_FILE_TAG = 'azureml-actions.job_file';

/** How many finished runs of the same job file are looked at. */
export const HISTORY_RUNS = 5;

export interface DurationEstimate {
  /** Median duration (creation → end) of the runs looked at. */
  medianMs: number;
  /** Largest distance of a run from the median. */
  spreadMs: number;
  samples: number;
}

/** Median and spread of durations; undefined without a usable one. */
export function estimateFromDurations(durations: readonly number[]): DurationEstimate | undefined {
  const ok = durations.filter((d) => Number.isFinite(d) && d > 0).sort((a, b) => a - b);
  if (ok.length === 0) return undefined;
  const mid = ok.length >> 1;
  const medianMs = ok.length % 2 === 1 ? ok[mid] : (ok[mid - 1] + ok[mid]) / 2;
  const spreadMs = Math.max(...ok.map((d) => Math.abs(d - medianMs)));
  return { medianMs, spreadMs, samples: ok.length };
}

export interface EstimateTuning {
  /** Smallest half-width of the fast window. Default 3 s. */
  minWindowMs: number;
  /** Largest half-width of the fast window. Default 60 s. */
  maxWindowMs: number;
  /** Delay inside the window. Default 1.5 s. */
  nearMs: number;
  /** The sparse phase's cap is the expected duration divided by this (bounded below by `floorMs`). */
  capDivisor: number;
  /** Lowest cap of the sparse phase. Default 15 s (the plain schedule's cap). */
  floorMs: number;
  /** Highest cap of the sparse phase: how late a job that fails early can be seen. Default 60 s. */
  ceilingMs: number;
}

export const DEFAULT_ESTIMATE_TUNING: EstimateTuning = {
  minWindowMs: 3000,
  maxWindowMs: 60_000,
  nearMs: 1500,
  capDivisor: 6,
  floorMs: 15_000,
  ceilingMs: 60_000,
};

/**
 * The poll window of a job created at `createdAt`: the expected end ± the spread of the earlier
 * runs (at least `minWindowMs`, and 2 % of the duration for clock skew and queueing noise).
 */
export function endEstimate(createdAt: number, d: DurationEstimate, t: EstimateTuning = DEFAULT_ESTIMATE_TUNING): EndEstimate {
  const windowMs = Math.min(t.maxWindowMs, Math.max(t.minWindowMs, d.spreadMs * 1.5, d.medianMs * 0.02));
  const maxMs = Math.min(t.ceilingMs, Math.max(t.floorMs, d.medianMs / t.capDivisor));
  return { endAt: createdAt + d.medianMs, windowMs, maxMs, nearMs: t.nearMs };
}

/** An MLflow run's creation and end (ms since the epoch) and its status (`FINISHED`, `RUNNING`, …). */
export interface PastRun {
  start_time?: number;
  end_time?: number;
  status?: string;
}

/**
 * Durations of finished runs, most recent first. A run whose status is given counts only when it
 * is `FINISHED` (failed or killed runs end early; running ones have no end yet).
 */
export function durationsOf(runs: readonly PastRun[]): number[] {
  return runs
    .filter((r) => r.status === undefined || r.status === 'FINISHED')
    .filter((r) => typeof r.start_time === 'number' && typeof r.end_time === 'number')
    .sort((a, b) => b.start_time! - a.start_time!)
    .map((r) => r.end_time! - r.start_time!);
}

/** MLflow's filter quoting: a string literal in single quotes with `\'` escapes. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The `runs/search` filter for the runs of a job file. It names the tag only: Azure ML's MLflow
 * does not support `attributes.status` in `filter_string` ("Expressions containing
 * `attributes.status` in the parameter `filter_string` are not support at the moment",
 * https://learn.microsoft.com/azure/machine-learning/how-to-track-experiments-mlflow#filter-runs-by-status),
 * so finished runs are picked from the answer by their `info.status`.
 */
export function pastRunsFilter(jobFileKey: string): string {
  return `tags.\`${JOB_FILE_TAG}\` = ${literal(jobFileKey)}`;
}

/** How many runs of the job file are asked for: enough that a few running or failed ones leave {@link HISTORY_RUNS} finished. */
export const SEARCHED_RUNS = 4 * HISTORY_RUNS;

/** What estimation needs of an MLflow client (see src/metrics/mlflow.ts). */
export interface RunHistoryReader {
  getRun(runId: string): Promise<{ info: { experiment_id: string } }>;
  searchRuns(
    experimentIds: string[],
    options: { filter: string; orderBy: string[]; maxResults: number },
  ): Promise<Array<{ info: PastRun & { run_id: string } }>>;
}

/**
 * The expected end of job `jobName` (an MLflow run of the same name) from the last finished runs
 * of `jobFileKey` in its experiment (filtered by status here, see {@link pastRunsFilter}): two
 * reads. Undefined when there is no history.
 */
export async function estimateJobEnd(
  reader: RunHistoryReader,
  jobName: string,
  jobFileKey: string,
  createdAt: number,
  tuning?: EstimateTuning,
): Promise<{ estimate: EndEstimate; basis: DurationEstimate } | undefined> {
  const run = await reader.getRun(jobName);
  const past = await reader.searchRuns([run.info.experiment_id], {
    filter: pastRunsFilter(jobFileKey),
    // `start_time` as a run field: the ordering the support matrix lists as supported on Azure ML.
    orderBy: ['start_time DESC'],
    maxResults: SEARCHED_RUNS,
  });
  const basis = estimateFromDurations(durationsOf(past.filter((r) => r.info.run_id !== jobName).map((r) => r.info)).slice(0, HISTORY_RUNS));
  if (!basis) return undefined;
  return { estimate: endEstimate(createdAt, basis, tuning), basis };
}
