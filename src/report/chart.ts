/**
 * Charts of metric histories as Mermaid `xychart-beta` blocks: GitHub draws them from the comment
 * text, so no image is made or uploaded anywhere. Pure.
 *
 * A history is drawn on a numeric step axis; Mermaid spaces a line's values evenly along it, so a
 * history longer than {@link MAX_CHART_POINTS} (or with uneven steps) is resampled onto an even
 * grid of steps: each grid point takes the mean of the values nearest to it (a smoothed curve for
 * noisy per-batch metrics), or the line between its neighbours when no value falls there.
 */
import type { MetricSet } from '../metrics/evaluate.js';
import { formatValue } from '../metrics/report.js';
import type { ReportGate } from './data.js';
import { code, escapeText, mermaidLabel } from '../core/escape.js';
import type { MetricHistories } from '../core/ledger.js';
import { directionsFromRules } from './metrics-table.js';

export const MAX_CHART_POINTS = 50;

/**
 * The first line of every chart: Mermaid's default theme draws the first line of an xychart in a
 * pale lavender that is hardly visible on white (seen in the rendered docs/pr-comment.png), so the
 * run's line is GitHub's blue and the baseline's amber, readable in light and dark mode.
 */
export const CHART_INIT = '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#0969da, #bf8700"}}}}%%';

export interface Point {
  step: number;
  value: number;
}

function evenlySpaced(points: Point[]): boolean {
  if (points.length < 3) return true;
  const span = points[points.length - 1].step - points[0].step;
  const gap = span / (points.length - 1);
  return points.every((p, i) => Math.abs(p.step - (points[0].step + i * gap)) <= Math.max(1e-9, Math.abs(gap) * 1e-6));
}

/**
 * At most `max` points on an even grid of steps from the first step to the last. Non-finite values
 * are left out. Histories already short and evenly spaced come back unchanged (finite values only).
 */
export function resampleHistory(history: ReadonlyArray<Point>, max = MAX_CHART_POINTS): Point[] {
  const pts = history.filter((p) => Number.isFinite(p.step) && Number.isFinite(p.value)).sort((a, b) => a.step - b.step);
  // several values at one step (a restarted run): keep the last one logged
  const byStep: Point[] = [];
  for (const p of pts) {
    if (byStep.length > 0 && byStep[byStep.length - 1].step === p.step) byStep[byStep.length - 1] = p;
    else byStep.push(p);
  }
  if (byStep.length <= 1) return byStep;
  if (byStep.length <= max && evenlySpaced(byStep)) return byStep;
  // uneven steps (e.g. evaluations at 1, 2, 5, 10, 100) get the full grid, so the line between them is drawn faithfully
  const n = Math.max(2, max);
  const first = byStep[0].step;
  const last = byStep[byStep.length - 1].step;
  const gap = (last - first) / (n - 1);
  const sums = new Array<number>(n).fill(0);
  const counts = new Array<number>(n).fill(0);
  for (const p of byStep) {
    const i = Math.min(n - 1, Math.max(0, Math.round((p.step - first) / gap)));
    sums[i] += p.value;
    counts[i] += 1;
  }
  const out: Point[] = [];
  let j = 0; // index into byStep for interpolation
  for (let i = 0; i < n; i++) {
    const step = first + i * gap;
    if (counts[i] > 0) {
      out.push({ step, value: sums[i] / counts[i] });
      continue;
    }
    while (j < byStep.length - 2 && byStep[j + 1].step < step) j++;
    const a = byStep[j];
    const b = byStep[j + 1];
    const t = b.step === a.step ? 0 : (step - a.step) / (b.step - a.step);
    out.push({ step, value: a.value + (b.value - a.value) * Math.min(1, Math.max(0, t)) });
  }
  return out;
}

/**
 * Histories small enough for the run ledger: each metric resampled to at most `maxPoints`; at most
 * `maxMetrics` metrics, those in `prefer` (the gate's rule metrics) first. For metric-gate to store
 * with its ledger entry so that pr-summary can chart them.
 */
export function compactHistories(metrics: MetricSet, options: { maxPoints?: number; maxMetrics?: number; prefer?: string[] } = {}): MetricHistories {
  const maxPoints = options.maxPoints ?? MAX_CHART_POINTS;
  const maxMetrics = options.maxMetrics ?? 20;
  const prefer = (options.prefer ?? []).filter((n) => metrics.has(n));
  const names = [...new Set([...prefer, ...[...metrics.keys()].sort()])].slice(0, maxMetrics);
  const out: MetricHistories = {};
  for (const name of names) {
    const h = metrics.get(name) ?? [];
    const r = resampleHistory(h, maxPoints);
    if (r.length >= 2) out[name] = r.map((p) => [round(p.step), round(p.value)]);
  }
  return out;
}

function round(v: number): number {
  return Number(v.toPrecision(8));
}

/** A number as Mermaid's grammar reads it: plain decimal, no exponent. */
export function mermaidNumber(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return '0';
  const r = Number(v.toPrecision(6));
  let s = String(r);
  if (/e/i.test(s)) {
    const digits = Math.min(20, Math.max(0, 5 - Math.floor(Math.log10(Math.abs(r)))));
    s = r.toFixed(digits).replace(/\.?0+$/, '');
  }
  return s;
}

export interface ChartOptions {
  /** The baseline's value, drawn as a flat second line. */
  baseline?: number;
  maxPoints?: number;
}

/** One chart, or undefined when the history has fewer than two finite points on distinct steps. */
export function renderHistoryChart(name: string, history: ReadonlyArray<Point>, options: ChartOptions = {}): string | undefined {
  const points = resampleHistory(history, options.maxPoints ?? MAX_CHART_POINTS);
  if (points.length < 2) return undefined;
  const first = points[0].step;
  const last = points[points.length - 1].step;
  const values = points.map((p) => p.value);
  const baseline = options.baseline !== undefined && Number.isFinite(options.baseline) ? options.baseline : undefined;
  const all = baseline !== undefined ? [...values, baseline] : values;
  if (all.some((v) => Math.abs(v) >= 1e15) || Math.abs(first) >= 1e15 || Math.abs(last) >= 1e15) return undefined;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  const pad = hi > lo ? (hi - lo) * 0.05 : Math.abs(hi) * 0.05 || 1;
  lo -= pad;
  hi += pad;
  const lines = [
    CHART_INIT,
    'xychart-beta',
    `    title "${mermaidLabel(name)}"`,
    `    x-axis "step" ${mermaidNumber(first)} --> ${mermaidNumber(last)}`,
    `    y-axis "${mermaidLabel(name, 30)}" ${mermaidNumber(lo)} --> ${mermaidNumber(hi)}`,
    `    line [${values.map(mermaidNumber).join(', ')}]`,
  ];
  if (baseline !== undefined) lines.push(`    line [${values.map(() => mermaidNumber(baseline)).join(', ')}]`);
  // Mermaid text inside a fenced block: nothing here can close the fence (no backticks survive)
  return '```mermaid\n' + lines.join('\n') + '\n```';
}

export interface ChartsOptions {
  /** Charts at most (default 4): the rules' metrics first. */
  maxCharts?: number;
  maxPoints?: number;
}

/** The charts of a gate's histories with a caption each; empty when there is no history to draw. */
export function renderGateCharts(gate: ReportGate, options: ChartsOptions = {}): string {
  const histories = gate.histories;
  if (!histories) return '';
  const maxCharts = options.maxCharts ?? 4;
  const ruleNames = [...directionsFromRules(gate.report.rules).keys()];
  const names = [...new Set([...ruleNames.filter((n) => histories[n]), ...Object.keys(histories).sort()])];
  const blocks: string[] = [];
  for (const name of names) {
    if (blocks.length >= maxCharts) break;
    const history = histories[name];
    const baseline = gate.report.baseline?.metrics?.[name]?.last;
    const chart = renderHistoryChart(name, history, { baseline, maxPoints: options.maxPoints });
    if (!chart) continue;
    // the ledger keeps a thinned history: the report knows how many values the run logged
    const logged = Math.max(history.filter((p) => Number.isFinite(p.value)).length, gate.report.metrics[name]?.count ?? 0);
    const shown = resampleHistory(history, options.maxPoints ?? MAX_CHART_POINTS).length;
    const caption = [
      `${code(name)}: ${shown < logged ? `${logged} values, drawn as ${shown} points` : `${logged} values`}`,
      ...(baseline !== undefined && Number.isFinite(baseline) ? [`flat line: baseline ${escapeText(formatValue(baseline))}`] : []),
    ].join(' · ');
    blocks.push(`${chart}\n<sub>${caption}</sub>`);
  }
  return blocks.join('\n\n');
}
