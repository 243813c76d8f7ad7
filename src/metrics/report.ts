/**
 * What a gate reports: the JSON report (every rule with its values and verdict, the settings, the
 * full metric snapshot of the run and of the baseline), the `metrics` output (name → last value)
 * and the verdict table for the job summary.
 *
 * Pure functions: data in, text out. Every string from outside (rule text, labels, metric names,
 * descriptions, reasons) is escaped for HTML and Markdown before it reaches the summary, by the
 * same escaper as the PR comment (src/core/escape.ts).
 */
import { escapeText } from '../core/escape.js';
import type { BoolExpr, CompareOp, Rule } from './rules.js';
import type { ComparisonResult, MetricSet, RuleResult, Verdict } from './evaluate.js';

export interface MetricSummary {
  /** Value at the highest step (the value `last()` reads); absent when there are no values. */
  last?: number;
  /** Step of `last`. */
  lastStep?: number;
  min?: number;
  max?: number;
  /** Number of values. */
  count: number;
}

/** last / min / max / count of every metric. NaN values make min and max NaN (like the gate). */
export function summarizeMetrics(metrics: MetricSet): Record<string, MetricSummary> {
  const out: Record<string, MetricSummary> = {};
  for (const name of [...metrics.keys()].sort()) {
    const h = metrics.get(name) ?? [];
    if (h.length === 0) {
      out[name] = { count: 0 };
      continue;
    }
    let min = Infinity;
    let max = -Infinity;
    let nan = false;
    for (const p of h) {
      if (Number.isNaN(p.value)) nan = true;
      else {
        if (p.value < min) min = p.value;
        if (p.value > max) max = p.value;
      }
    }
    const last = h[h.length - 1];
    out[name] = { last: last.value, lastStep: last.step, min: nan ? NaN : min, max: nan ? NaN : max, count: h.length };
  }
  return out;
}

/** name → last value (NaN and infinities as MLflow writes them: "NaN", "Infinity"). */
export function lastValues(metrics: MetricSet): Record<string, number | string | null> {
  const out: Record<string, number | string | null> = {};
  for (const name of [...metrics.keys()].sort()) {
    const h = metrics.get(name) ?? [];
    out[name] = h.length === 0 ? null : jsonNumber(h[h.length - 1].value);
  }
  return out;
}

function jsonNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

export interface GateRuleReport {
  rule: string;
  label?: string;
  line: number;
  verdict: Verdict;
  left?: number;
  right?: number;
  op?: CompareOp;
  reason?: string;
  comparisons: Array<ComparisonResult & { op?: CompareOp }>;
}

export interface GateReport {
  /** Format version of this report. */
  version: 1;
  passed: boolean;
  /** False when `fail-on-violation` is false and a rule failed (the step passed anyway). */
  enforced: boolean;
  counts: { passed: number; failed: number; skipped: number };
  source: { kind: string; description: string; details?: unknown };
  baseline?: { spec: string; found: boolean; description?: string; reason?: string; metrics?: Record<string, MetricSummary> };
  settings: { missingMetric: 'fail' | 'skip'; requireBaseline: boolean; failOnViolation: boolean };
  rules: GateRuleReport[];
  /** Every metric of the run. */
  metrics: Record<string, MetricSummary>;
  /** What was read. */
  reads?: { requests: number; histories: number; points: number; durationMs: number };
}

/** The comparisons of an expression in evaluation order (left to right, as `evaluateRule` records them). */
export function comparisonsOf(e: BoolExpr): Array<Extract<BoolExpr, { type: 'compare' }>> {
  return e.type === 'compare' ? [e] : [...comparisonsOf(e.left), ...comparisonsOf(e.right)];
}

export interface BuildReportInput {
  rules: Rule[];
  results: RuleResult[];
  metrics: MetricSet;
  source: GateReport['source'];
  baseline?: { spec: string; found: boolean; description?: string; reason?: string; metrics?: MetricSet };
  settings: GateReport['settings'];
  reads?: GateReport['reads'];
}

export function buildGateReport(input: BuildReportInput): GateReport {
  const rules: GateRuleReport[] = input.results.map((r, i) => {
    const compares = comparisonsOf(input.rules[i].expr);
    const comparisons = r.comparisons.map((c, j) => ({ ...c, op: compares[j]?.op }));
    return {
      rule: r.rule,
      ...(r.label !== undefined ? { label: r.label } : {}),
      line: r.line,
      verdict: r.verdict,
      left: r.left,
      right: r.right,
      op: comparisons[0]?.op,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      comparisons,
    };
  });
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const r of rules) counts[r.verdict]++;
  const passed = counts.failed === 0;
  return {
    version: 1,
    passed,
    enforced: passed || input.settings.failOnViolation,
    counts,
    source: input.source,
    ...(input.baseline
      ? {
          baseline: {
            spec: input.baseline.spec,
            found: input.baseline.found,
            ...(input.baseline.description ? { description: input.baseline.description } : {}),
            ...(input.baseline.reason ? { reason: input.baseline.reason } : {}),
            ...(input.baseline.metrics ? { metrics: summarizeMetrics(input.baseline.metrics) } : {}),
          },
        }
      : {}),
    settings: input.settings,
    rules,
    metrics: summarizeMetrics(input.metrics),
    ...(input.reads ? { reads: input.reads } : {}),
  };
}

/** JSON text of a report or output: NaN and infinities become the strings MLflow uses. */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), indent);
}

/** A number for people: up to 6 significant digits, no exponent for usual magnitudes. */
export function formatValue(v: number | undefined): string {
  if (v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return v.toExponential(4).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(6)));
}

const VERDICT_LABEL: Record<Verdict, string> = { passed: '✅ passed', failed: '❌ failed', skipped: '⏭️ skipped' };

/** A one-line explanation of a rule's outcome, e.g. `0.91 < 0.95` or the reason. */
export function explainRule(r: GateRuleReport): string {
  const parts: string[] = [];
  // A rule of one comparison needs no "which comparison" prefix.
  const prefix = (c: { text: string }) => (r.comparisons.length === 1 ? '' : `${c.text}: `);
  for (const c of r.comparisons) {
    if (c.reason) parts.push(`${prefix(c)}${c.reason}`);
    else if (c.left !== undefined && c.right !== undefined) {
      const holds = c.verdict === 'passed';
      parts.push(`${prefix(c)}${formatValue(c.left)} ${holds ? (c.op ?? 'vs') : `is not ${c.op ?? 'vs'}`} ${formatValue(c.right)}`);
    }
  }
  return parts.join('; ');
}

export interface SummaryOptions {
  /** Heading level (default 3). */
  headingLevel?: number;
  /** Rows of the metric snapshot shown (default 100; the JSON report has them all). */
  maxMetricRows?: number;
}

/** The verdict table (and the metric snapshot, folded) as HTML for the job summary. */
export function renderGateSummary(report: GateReport, options: SummaryOptions = {}): string {
  const h = Math.min(6, Math.max(1, options.headingLevel ?? 3));
  const maxRows = options.maxMetricRows ?? 100;
  const { counts } = report;
  const status = report.passed ? '✅ passed' : report.enforced ? '❌ failed' : '⚠️ failed (not enforced)';
  const lines: string[] = [];
  lines.push(`<h${h}>Metric gate ${status}</h${h}>`);
  const about = [`<b>Source</b>: ${escapeText(report.source.description)}`];
  if (report.baseline) {
    about.push(
      report.baseline.found
        ? `<b>Baseline</b>: ${escapeText(report.baseline.description ?? report.baseline.spec)}`
        : `<b>Baseline</b>: none yet (${escapeText(report.baseline.reason ?? report.baseline.spec)})`,
    );
  }
  about.push(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  lines.push(`<p>${about.join(' · ')}</p>`);
  lines.push('<table>');
  lines.push('<thead><tr><th>Rule</th><th>Value</th><th>Threshold</th><th>Verdict</th><th>Label</th></tr></thead>');
  lines.push('<tbody>');
  for (const r of report.rules) {
    const reason = r.reason ? `<br><sub>${escapeText(r.reason)}</sub>` : '';
    lines.push(
      `<tr><td><code>${escapeText(r.rule)}</code></td><td>${escapeText(formatValue(r.left))}</td><td>${escapeText(formatValue(r.right))}</td>` +
        `<td>${VERDICT_LABEL[r.verdict]}${reason}</td><td>${r.label ? escapeText(r.label) : ''}</td></tr>`,
    );
  }
  lines.push('</tbody>');
  lines.push('</table>');

  const names = Object.keys(report.metrics);
  if (names.length > 0) {
    const base = report.baseline?.metrics ?? {};
    const hasBase = Object.keys(base).length > 0;
    lines.push(`<details><summary>Metrics of the run (${names.length})</summary>`);
    lines.push('<table>');
    lines.push(`<thead><tr><th>Metric</th><th>Last</th><th>Min</th><th>Max</th><th>Values</th>${hasBase ? '<th>Baseline</th>' : ''}</tr></thead>`);
    lines.push('<tbody>');
    for (const name of names.slice(0, maxRows)) {
      const m = report.metrics[name];
      const b = base[name];
      lines.push(
        `<tr><td><code>${escapeText(name)}</code></td><td>${escapeText(formatValue(m.last))}</td><td>${escapeText(formatValue(m.min))}</td>` +
          `<td>${escapeText(formatValue(m.max))}</td><td>${m.count}</td>${hasBase ? `<td>${escapeText(formatValue(b?.last))}</td>` : ''}</tr>`,
      );
    }
    lines.push('</tbody>');
    lines.push('</table>');
    if (names.length > maxRows) lines.push(`<p>${names.length - maxRows} more metric(s) are in the <code>report</code> output.</p>`);
    lines.push('</details>');
  }
  return lines.join('\n') + '\n';
}
