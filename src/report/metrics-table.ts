/**
 * The metric table of the PR report: metric, this run, baseline, delta (▲/▼ with a green or red
 * mark by whether higher is better), and the gate's verdict on the metric. Pure.
 *
 * Which way is better comes from the rules first (`accuracy >= 0.9`: higher is better;
 * `loss < baseline.loss`: lower is better), then from the name (`loss`, `error`, `latency`, …:
 * lower; `accuracy`, `auc`, `f1`, …: higher). Without either, the delta has no colour.
 */
import { formatValue, type GateRuleReport } from '../metrics/report.js';
import { metricsOf, parseRule, type BoolExpr, type NumExpr } from '../metrics/rules.js';
import type { ReportGate } from './data.js';
import { code, escapeText } from '../core/escape.js';

export type Direction = 'higher' | 'lower' | 'unknown';
export type MetricVerdict = 'passed' | 'failed' | 'skipped';

/** Name parts that mean "lower is better". */
const LOWER_WORDS = new Set([
  'loss',
  'error',
  'err',
  'errors',
  'mse',
  'rmse',
  'mae',
  'mape',
  'smape',
  'msle',
  'rmsle',
  'nll',
  'perplexity',
  'ppl',
  'wer',
  'cer',
  'latency',
  'duration',
  'time',
  'seconds',
  'ms',
  'cost',
  'brier',
  'logloss',
  'fpr',
  'fnr',
  'far',
  'frr',
  'eer',
  'distance',
  'regret',
  'bpd',
  'bpc',
  'fid',
  'miss',
  'misses',
  'failures',
  'failure',
  'timeouts',
  'memory',
  'size',
  'p50',
  'p90',
  'p95',
  'p99',
]);
/** Name parts that mean "higher is better". */
const HIGHER_WORDS = new Set([
  'acc',
  'accuracy',
  'auc',
  'roc',
  'auroc',
  'auprc',
  'ap',
  'map',
  'f1',
  'f2',
  'fbeta',
  'precision',
  'recall',
  'sensitivity',
  'specificity',
  'r2',
  'iou',
  'miou',
  'dice',
  'bleu',
  'rouge',
  'rouge1',
  'rouge2',
  'rougel',
  'meteor',
  'ndcg',
  'mrr',
  'hit',
  'hits',
  'tpr',
  'tnr',
  'kappa',
  'mcc',
  'throughput',
  'qps',
  'rps',
  'score',
  'reward',
  'return',
  'success',
  'coverage',
  'spearman',
  'pearson',
  'correlation',
  'psnr',
  'ssim',
]);

/** Direction from the name alone: its parts split on punctuation and camelCase. */
export function directionFromName(name: string): Direction {
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  // the last part says most (`train.accuracy`, `val_loss`, `latency_p95`)
  for (const part of [...parts].reverse()) {
    if (LOWER_WORDS.has(part) || /loss$|error$/.test(part)) return 'lower';
    if (HIGHER_WORDS.has(part) || /^(f1|auc)/.test(part)) return 'higher';
  }
  return 'unknown';
}

/** +1 / −1: how the value of `expr` moves when each metric (not baseline) in it grows. */
function polarities(expr: NumExpr, sign: number, out: Map<string, number>): void {
  switch (expr.type) {
    case 'number':
      return;
    case 'metric':
      if (!expr.baseline && !out.has(expr.name)) out.set(expr.name, sign);
      return;
    case 'neg':
      polarities(expr.operand, -sign, out);
      return;
    case 'arith':
      polarities(expr.left, sign, out);
      // a − m and a / m fall when m grows (values assumed positive, as metrics mostly are)
      polarities(expr.right, expr.op === '-' || expr.op === '/' ? -sign : sign, out);
      return;
  }
}

function compareDirections(e: BoolExpr, out: Map<string, Direction>): void {
  if (e.type === 'logic') {
    compareDirections(e.left, out);
    compareDirections(e.right, out);
    return;
  }
  const sense = e.op === '>=' || e.op === '>' ? 1 : e.op === '<=' || e.op === '<' ? -1 : 0;
  if (sense === 0) return;
  const pol = new Map<string, number>();
  polarities(e.left, 1, pol);
  const right = new Map<string, number>();
  polarities(e.right, -1, right);
  for (const [k, v] of right) if (!pol.has(k)) pol.set(k, v);
  for (const [name, p] of pol) if (!out.has(name)) out.set(name, sense * p > 0 ? 'higher' : 'lower');
}

/** Direction of each metric that a rule bounds (`>=`/`>` from below: higher is better). */
export function directionsFromRules(rules: Array<Pick<GateRuleReport, 'rule'>>): Map<string, Direction> {
  const out = new Map<string, Direction>();
  for (const r of rules) {
    try {
      compareDirections(parseRule(r.rule).expr, out);
    } catch {
      // a rule this version cannot parse: no direction from it
    }
  }
  return out;
}

/** Metrics each rule reads (not the baseline's), in rule order. */
function ruleMetrics(rule: string): string[] {
  try {
    return [
      ...new Set(
        metricsOf(parseRule(rule).expr)
          .filter((m) => !m.baseline)
          .map((m) => m.name),
      ),
    ];
  } catch {
    return [];
  }
}

export interface MetricRow {
  name: string;
  value?: number;
  baseline?: number;
  /** value − baseline, when both are finite. */
  delta?: number;
  /** delta / |baseline|, when the baseline is finite and not 0. */
  relative?: number;
  direction: Direction;
  /** Worst verdict of the rules that read the metric; undefined when no rule does. */
  verdict?: MetricVerdict;
  /** Lines of those rules. */
  ruleLines: number[];
}

export interface MetricRowsOptions {
  /** Rows shown at most (default 25): rule metrics first, then those with a baseline, then the rest. */
  maxRows?: number;
}

const WORSE: Record<MetricVerdict, number> = { skipped: 0, passed: 1, failed: 2 };

/** The rows of a gate's metric table, and how many metrics were left out. */
export function metricRows(gate: ReportGate, options: MetricRowsOptions = {}): { rows: MetricRow[]; omitted: number } {
  const maxRows = options.maxRows ?? 25;
  const report = gate.report;
  const base = report.baseline?.metrics ?? {};
  const fromRules = directionsFromRules(report.rules);
  const verdicts = new Map<string, { verdict: MetricVerdict; lines: number[] }>();
  const order: string[] = [];
  for (const r of report.rules) {
    for (const name of ruleMetrics(r.rule)) {
      if (!order.includes(name)) order.push(name);
      const v = verdicts.get(name);
      if (!v) verdicts.set(name, { verdict: r.verdict, lines: [r.line] });
      else {
        if (WORSE[r.verdict] > WORSE[v.verdict]) v.verdict = r.verdict;
        v.lines.push(r.line);
      }
    }
  }
  const runNames = Object.keys(report.metrics);
  const withBaseline = runNames.filter((n) => !order.includes(n) && base[n] !== undefined).sort();
  const rest = runNames.filter((n) => !order.includes(n) && base[n] === undefined).sort();
  const all = [...order, ...withBaseline, ...rest];
  const rows = all.slice(0, maxRows).map((name): MetricRow => {
    const value = report.metrics[name]?.last;
    const baseline = base[name]?.last;
    const row: MetricRow = {
      name,
      value,
      baseline,
      direction: fromRules.get(name) ?? directionFromName(name),
      verdict: verdicts.get(name)?.verdict,
      ruleLines: verdicts.get(name)?.lines ?? [],
    };
    if (value !== undefined && baseline !== undefined && Number.isFinite(value) && Number.isFinite(baseline)) {
      row.delta = value - baseline;
      if (baseline !== 0) row.relative = row.delta / Math.abs(baseline);
    }
    return row;
  });
  return { rows, omitted: Math.max(0, all.length - rows.length) };
}

/** `+0.00467`, `−0.5` (a true minus sign), `0`: three significant digits, enough to compare. */
export function formatDelta(d: number): string {
  if (d === 0) return '0';
  const abs = Math.abs(d);
  return `${d > 0 ? '+' : '−'}${formatValue(abs >= 1e-4 && abs < 1e9 ? Number(abs.toPrecision(3)) : abs)}`;
}

/** `+1.3%`; two significant digits under 10 %. */
export function formatPercent(r: number): string {
  const p = r * 100;
  const abs = Math.abs(p);
  const text = abs >= 10 ? abs.toFixed(0) : abs >= 1 ? abs.toFixed(1) : Number(abs.toPrecision(2)).toString();
  return `${p > 0 ? '+' : p < 0 ? '−' : ''}${text}%`;
}

/** The delta cell: mark (🟢 better, 🔴 worse, none when the direction is unknown), arrow, amount. */
export function deltaCell(row: MetricRow): string {
  if (row.delta === undefined) return '—';
  if (row.delta === 0) return '＝ 0';
  const up = row.delta > 0;
  const arrow = up ? '▲' : '▼';
  const better = row.direction === 'unknown' ? undefined : (row.direction === 'higher') === up;
  const mark = better === undefined ? '' : better ? '🟢 ' : '🔴 ';
  const rel = row.relative !== undefined ? ` (${formatPercent(row.relative)})` : '';
  return `${mark}${arrow} ${formatDelta(row.delta)}${rel}`;
}

export const VERDICT_CELL: Record<MetricVerdict, string> = { passed: '✅ passed', failed: '❌ failed', skipped: '⏭️ skipped' };

/** The table as GitHub-flavoured Markdown (one line per row; every name escaped inside `<code>`). */
export function renderMetricTable(gate: ReportGate, options: MetricRowsOptions = {}): string {
  const { rows, omitted } = metricRows(gate, options);
  if (rows.length === 0) return '_No metrics were read._';
  const hasBaseline = rows.some((r) => r.baseline !== undefined);
  const hasRules = rows.some((r) => r.verdict !== undefined);
  const head = ['Metric', 'This run', ...(hasBaseline ? ['Baseline', 'Δ'] : []), ...(hasRules ? ['Gate'] : [])];
  const align = [':--', '--:', ...(hasBaseline ? ['--:', ':--'] : []), ...(hasRules ? [':--'] : [])];
  const lines = [`| ${head.join(' | ')} |`, `| ${align.join(' | ')} |`];
  for (const r of rows) {
    const cells = [
      code(r.name),
      escapeText(formatValue(r.value)),
      ...(hasBaseline ? [escapeText(formatValue(r.baseline)), deltaCell(r)] : []),
      ...(hasRules ? [r.verdict ? VERDICT_CELL[r.verdict] : '—'] : []),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  if (omitted > 0) lines.push('', `<sub>${omitted} more metric${omitted === 1 ? '' : 's'} in the full report below.</sub>`);
  const legend = rows.some((r) => r.delta !== undefined && r.delta !== 0 && r.direction !== 'unknown')
    ? '\n\n<sub>🟢 better · 🔴 worse than the baseline (which way is better: from the rules, else from the metric name).</sub>'
    : '';
  return lines.join('\n') + legend;
}
