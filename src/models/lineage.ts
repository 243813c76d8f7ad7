/**
 * Lineage written on a model version, so any version can be traced back to the commit, workflow
 * run, pull request and job that made it, and compared later:
 *
 *   github.repository, github.commit, github.ref, github.run_id, github.run_attempt,
 *   github.run_url, github.workflow, github.pr      (src/core/workflow-run.ts `lineageTags`)
 *   azureml.source_job                              the job that produced the files
 *   azureml-actions.source                          the `path` it was registered from
 *   azureml-actions.gate                            passed | failed (the metric-gate verdict)
 *   azureml-actions.gate_counts                     e.g. `3 passed, 0 failed, 0 skipped`
 *   metric.<name>                                   the gated metrics (last values)
 *
 * The metric tags use metric-gate's own names (src/metrics/baseline.ts), so that a later gate
 * can use this version as its baseline (`baseline: model:<name>:@champion`).
 */
import { lineageTags, type WorkflowRun } from '../core/workflow-run.js';
import { ConfigurationError } from '../core/errors.js';
import { MODEL_SOURCE_JOB_TAG, modelMetricTags } from '../metrics/baseline.js';
import type { GateEntry, LedgerEntry } from '../core/ledger.js';
import { isObj } from '../core/obj.js';

export const SOURCE_TAG = 'azureml-actions.source';
export const GATE_TAG = 'azureml-actions.gate';
export const GATE_COUNTS_TAG = 'azureml-actions.gate_counts';
/** At most this many metric tags are written (the first ones by name). */
export const MAX_METRIC_TAGS = 50;

/** What register-model takes from the metric-gate entry of the run ledger. */
export interface GateLineage {
  passed: boolean;
  counts?: string;
  /** The gated run's metrics: name → last value. */
  metrics: Record<string, number>;
  /** The job the gate read, when its source was an Azure ML job. */
  jobName?: string;
  /** e.g. `job iris-123` (the entry's `source`). */
  source: string;
}

/** A metric value as the gate report and MLflow write them (numbers, "NaN", "Infinity"). */
function metricNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    if (/^nan$/i.test(t)) return NaN;
    if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  }
  return undefined;
}

/** The last metric-gate entry of the ledger, read defensively (the report is `unknown` there). */
export function gateFromLedger(entries: readonly LedgerEntry[]): GateLineage | undefined {
  const gate = [...entries].reverse().find((e): e is GateEntry & { action?: string } => e.kind === 'gate');
  if (!gate) return undefined;
  const report = isObj(gate.report) ? gate.report : {};
  const metrics: Record<string, number> = {};
  if (isObj(report.metrics)) {
    for (const [name, summary] of Object.entries(report.metrics)) {
      const last = isObj(summary) ? metricNumber(summary.last) : metricNumber(summary);
      if (last !== undefined) metrics[name] = last;
    }
  }
  const c = isObj(report.counts) ? report.counts : undefined;
  const counts =
    c && ['passed', 'failed', 'skipped'].every((k) => typeof c[k] === 'number')
      ? `${String(c.passed)} passed, ${String(c.failed)} failed, ${String(c.skipped)} skipped`
      : undefined;
  const details = isObj(report.source) && isObj(report.source.details) ? report.source.details : undefined;
  const jobName = typeof details?.jobName === 'string' ? details.jobName : undefined;
  return { passed: Boolean(gate.passed), ...(counts ? { counts } : {}), metrics, ...(jobName ? { jobName } : {}), source: String(gate.source ?? '') };
}

/**
 * The `metrics` input: a JSON object `{ "accuracy": 0.93, "loss": "NaN" }` (metric-gate's
 * `metrics` output has this shape; null values are skipped).
 */
export function parseMetricsInput(value: unknown, input = 'metrics'): Record<string, number> {
  if (!isObj(value)) {
    throw new ConfigurationError(`Input '${input}' must be a JSON object of metric name → number, e.g. {"accuracy": 0.93}.`, { input });
  }
  const out: Record<string, number> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (raw === null) continue;
    const n = metricNumber(raw);
    if (n === undefined || name.trim() === '') {
      throw new ConfigurationError(`Input '${input}': the value of '${name}' is ${JSON.stringify(raw)}, not a number.`, {
        input,
        hint: 'Give numbers (or "NaN", "Infinity"), e.g. {"accuracy": 0.93}.',
      });
    }
    out[name] = n;
  }
  return out;
}

export interface LineageInput {
  run: WorkflowRun;
  /** The job that produced the files, when known. */
  sourceJob?: string;
  /** The `path` as the user wrote it (or `job-name` + `output`). */
  source: string;
  gate?: GateLineage;
  /** The `metrics` input: wins over the gate's metrics. */
  metrics?: Record<string, number>;
}

export interface Lineage {
  tags: Record<string, string>;
  /** Metrics left out because of {@link MAX_METRIC_TAGS}. */
  droppedMetrics: string[];
}

/** The lineage tags of a registration (the user's `tags` input is applied on top by the caller). */
export function buildLineage(i: LineageInput): Lineage {
  const tags: Record<string, string> = { ...lineageTags(i.run), [SOURCE_TAG]: i.source };
  const job = i.sourceJob ?? i.gate?.jobName;
  if (job) tags[MODEL_SOURCE_JOB_TAG] = job;
  if (i.gate) {
    tags[GATE_TAG] = i.gate.passed ? 'passed' : 'failed';
    if (i.gate.counts) tags[GATE_COUNTS_TAG] = i.gate.counts;
  }
  const metrics = i.metrics ?? i.gate?.metrics ?? {};
  const names = Object.keys(metrics).sort();
  const kept = names.slice(0, MAX_METRIC_TAGS);
  Object.assign(tags, modelMetricTags(Object.fromEntries(kept.map((n) => [n, metrics[n]]))));
  return { tags, droppedMetrics: names.slice(MAX_METRIC_TAGS) };
}
