/**
 * The run ledger: every action appends what it did to one JSON-lines file under RUNNER_TEMP,
 * so that pr-summary (and the root action) can report every earlier step of the same job
 * without wiring outputs by hand. Entries are small and never hold a secret.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isObj } from './obj.js';

export interface JobEntry {
  kind: 'job';
  jobName: string;
  jobType: string;
  status: string;
  studioUrl?: string;
  experimentName?: string;
  jobFile?: string;
  reattached?: boolean;
  dryRun?: boolean;
  error?: string;
  /** AutoML jobs: how many child runs (iterations) ran, the best one and the primary metric it won by. */
  children?: number;
  bestChild?: string;
  primaryMetric?: string;
}

/**
 * Metric histories for the PR chart: metric name → `[step, value]` pairs in step order, already
 * thinned to a few dozen points (see `compactHistories` in src/report/chart.ts). A NaN value is
 * written as null by JSON.
 */
export type MetricHistories = Record<string, Array<[number, number | null]>>;

export interface GateEntry {
  kind: 'gate';
  passed: boolean;
  source: string;
  baseline?: string;
  report: unknown;
  /** Histories of the run's metrics (optional: the chart is skipped without them). */
  histories?: MetricHistories;
}

export interface ModelEntry {
  kind: 'model';
  name: string;
  version: string;
  id: string;
  created: boolean;
  studioUrl?: string;
}

export interface RolloutEntry {
  kind: 'rollout';
  endpoint: string;
  deployment: string;
  status: string;
  timeline: unknown;
  /** A batch endpoint's rollout (no traffic stages: test batch, shadow comparison, default switched). */
  batch?: BatchRolloutRecord;
}

/** One stage of a batch rollout: create, test batch, comparison, promote, cleanup, rollback. */
export interface BatchStageRecord {
  name: string;
  result: 'passed' | 'failed' | 'skipped' | 'aborted';
  detail?: string;
  ms?: number;
}

/** What a batch rollout did and measured (all names, no secret). */
export interface BatchRolloutRecord {
  /** The default deployment before the rollout (the rollback point); absent for a first deployment. */
  priorDefault?: string;
  /** The endpoint's default deployment at the end, as read back. */
  defaultDeployment?: string;
  testJob?: string;
  testOutput?: string;
  /** Output rows of the test batch and the rows its input should give. */
  rows?: number;
  expectedRows?: number;
  /** The shadow comparison with the prior default: figures and rule verdicts. */
  comparison?: {
    job?: string;
    rows: number;
    baselineRows: number;
    matched: number;
    agreement?: number;
    mad?: number;
    maxDiff?: number;
    passed: boolean;
    rules: Array<{ rule: string; verdict: string; value?: number }>;
  };
  stages: BatchStageRecord[];
  reason?: string;
}

/** A monitor schedule deploy created or pointed at the deployment it promoted. */
export interface MonitorEntry {
  kind: 'monitor';
  /** The schedule's name. */
  name: string;
  endpoint: string;
  deployment: string;
  /** The deployment it monitored before (an update that retargeted it). */
  previousDeployment?: string;
  created: boolean;
  /** Signal names. */
  signals: string[];
}

/** A schedule submit-job created, updated or found unchanged (or would create: a dry run). */
export interface ScheduleEntry {
  kind: 'schedule';
  name: string;
  /** The scheduled job's type (`command`, `pipeline`, …). */
  jobType?: string;
  status: 'created' | 'updated' | 'unchanged' | 'dry-run';
  enabled: boolean;
  /** The trigger in words (`cron 0 2 * * * (UTC)`). */
  trigger?: string;
  /** ISO times of the next runs (none when disabled). */
  nextRuns: string[];
  jobFile?: string;
}

export type LedgerEntry = (JobEntry | GateEntry | ModelEntry | RolloutEntry | MonitorEntry | ScheduleEntry) & { action?: string; at?: string };

export function ledgerPath(env: Record<string, string | undefined> = process.env): string | undefined {
  const dir = env.RUNNER_TEMP;
  return dir ? join(dir, 'azureml-actions', 'ledger.jsonl') : undefined;
}

export function appendLedger(entry: LedgerEntry, env: Record<string, string | undefined> = process.env, now: () => Date = () => new Date()): void {
  const path = ledgerPath(env);
  if (!path) return;
  mkdirSync(join(path, '..'), { recursive: true });
  appendFileSync(path, JSON.stringify({ ...entry, at: entry.at ?? now().toISOString() }) + '\n');
}

export function readLedger(env: Record<string, string | undefined> = process.env): LedgerEntry[] {
  const path = ledgerPath(env);
  if (!path || !existsSync(path)) return [];
  const out: LedgerEntry[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      // a line cut by a killed process: skip it
      continue;
    }
    // Anything but a record with a kind is not ours (a hand-edited or foreign file): skip it.
    if (isObj(entry) && typeof entry.kind === 'string') out.push(entry as unknown as LedgerEntry);
  }
  return out;
}
