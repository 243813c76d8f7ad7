import {
  metricsOf,
  parseRule
} from "./metrics.rules.js";
import {
  code,
  escapeText,
  mermaidLabel
} from "./core.escape.js";

// src/metrics/report.ts
function summarizeMetrics(metrics) {
  const out = {};
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
function lastValues(metrics) {
  const out = {};
  for (const name of [...metrics.keys()].sort()) {
    const h = metrics.get(name) ?? [];
    out[name] = h.length === 0 ? null : jsonNumber(h[h.length - 1].value);
  }
  return out;
}
function jsonNumber(v) {
  return Number.isFinite(v) ? v : String(v);
}
function comparisonsOf(e) {
  return e.type === "compare" ? [e] : [...comparisonsOf(e.left), ...comparisonsOf(e.right)];
}
function buildGateReport(input) {
  const rules = input.results.map((r, i) => {
    const compares = comparisonsOf(input.rules[i].expr);
    const comparisons = r.comparisons.map((c, j) => ({ ...c, op: compares[j]?.op }));
    return {
      rule: r.rule,
      ...r.label !== void 0 ? { label: r.label } : {},
      line: r.line,
      verdict: r.verdict,
      left: r.left,
      right: r.right,
      op: comparisons[0]?.op,
      ...r.reason !== void 0 ? { reason: r.reason } : {},
      comparisons
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
    ...input.baseline ? {
      baseline: {
        spec: input.baseline.spec,
        found: input.baseline.found,
        ...input.baseline.description ? { description: input.baseline.description } : {},
        ...input.baseline.reason ? { reason: input.baseline.reason } : {},
        ...input.baseline.metrics ? { metrics: summarizeMetrics(input.baseline.metrics) } : {}
      }
    } : {},
    settings: input.settings,
    rules,
    metrics: summarizeMetrics(input.metrics),
    ...input.reads ? { reads: input.reads } : {}
  };
}
function toJson(value, indent) {
  return JSON.stringify(value, (_k, v) => typeof v === "number" && !Number.isFinite(v) ? String(v) : v, indent);
}
function formatValue(v) {
  if (v === void 0) return "\u2014";
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "\u221E" : "\u2212\u221E";
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return v.toExponential(4).replace(/\.?0+e/, "e");
  return String(Number(v.toPrecision(6)));
}
var VERDICT_LABEL = { passed: "\u2705 passed", failed: "\u274C failed", skipped: "\u23ED\uFE0F skipped" };
function explainRule(r) {
  const parts = [];
  const prefix = (c) => r.comparisons.length === 1 ? "" : `${c.text}: `;
  for (const c of r.comparisons) {
    if (c.reason) parts.push(`${prefix(c)}${c.reason}`);
    else if (c.left !== void 0 && c.right !== void 0) {
      const holds = c.verdict === "passed";
      parts.push(`${prefix(c)}${formatValue(c.left)} ${holds ? c.op ?? "vs" : `is not ${c.op ?? "vs"}`} ${formatValue(c.right)}`);
    }
  }
  return parts.join("; ");
}
function renderGateSummary(report, options = {}) {
  const h = Math.min(6, Math.max(1, options.headingLevel ?? 3));
  const maxRows = options.maxMetricRows ?? 100;
  const { counts } = report;
  const status = report.passed ? "\u2705 passed" : report.enforced ? "\u274C failed" : "\u26A0\uFE0F failed (not enforced)";
  const lines = [];
  lines.push(`<h${h}>Metric gate ${status}</h${h}>`);
  const about = [`<b>Source</b>: ${escapeText(report.source.description)}`];
  if (report.baseline) {
    about.push(
      report.baseline.found ? `<b>Baseline</b>: ${escapeText(report.baseline.description ?? report.baseline.spec)}` : `<b>Baseline</b>: none yet (${escapeText(report.baseline.reason ?? report.baseline.spec)})`
    );
  }
  about.push(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  lines.push(`<p>${about.join(" \xB7 ")}</p>`);
  lines.push("<table>");
  lines.push("<thead><tr><th>Rule</th><th>Value</th><th>Threshold</th><th>Verdict</th><th>Label</th></tr></thead>");
  lines.push("<tbody>");
  for (const r of report.rules) {
    const reason = r.reason ? `<br><sub>${escapeText(r.reason)}</sub>` : "";
    lines.push(
      `<tr><td><code>${escapeText(r.rule)}</code></td><td>${escapeText(formatValue(r.left))}</td><td>${escapeText(formatValue(r.right))}</td><td>${VERDICT_LABEL[r.verdict]}${reason}</td><td>${r.label ? escapeText(r.label) : ""}</td></tr>`
    );
  }
  lines.push("</tbody>");
  lines.push("</table>");
  const names = Object.keys(report.metrics);
  if (names.length > 0) {
    const base = report.baseline?.metrics ?? {};
    const hasBase = Object.keys(base).length > 0;
    lines.push(`<details><summary>Metrics of the run (${names.length})</summary>`);
    lines.push("<table>");
    lines.push(`<thead><tr><th>Metric</th><th>Last</th><th>Min</th><th>Max</th><th>Values</th>${hasBase ? "<th>Baseline</th>" : ""}</tr></thead>`);
    lines.push("<tbody>");
    for (const name of names.slice(0, maxRows)) {
      const m = report.metrics[name];
      const b = base[name];
      lines.push(
        `<tr><td><code>${escapeText(name)}</code></td><td>${escapeText(formatValue(m.last))}</td><td>${escapeText(formatValue(m.min))}</td><td>${escapeText(formatValue(m.max))}</td><td>${m.count}</td>${hasBase ? `<td>${escapeText(formatValue(b?.last))}</td>` : ""}</tr>`
      );
    }
    lines.push("</tbody>");
    lines.push("</table>");
    if (names.length > maxRows) lines.push(`<p>${names.length - maxRows} more metric(s) are in the <code>report</code> output.</p>`);
    lines.push("</details>");
  }
  return lines.join("\n") + "\n";
}

// src/report/metrics-table.ts
var LOWER_WORDS = /* @__PURE__ */ new Set([
  "loss",
  "error",
  "err",
  "errors",
  "mse",
  "rmse",
  "mae",
  "mape",
  "smape",
  "msle",
  "rmsle",
  "nll",
  "perplexity",
  "ppl",
  "wer",
  "cer",
  "latency",
  "duration",
  "time",
  "seconds",
  "ms",
  "cost",
  "brier",
  "logloss",
  "fpr",
  "fnr",
  "far",
  "frr",
  "eer",
  "distance",
  "regret",
  "bpd",
  "bpc",
  "fid",
  "miss",
  "misses",
  "failures",
  "failure",
  "timeouts",
  "memory",
  "size",
  "p50",
  "p90",
  "p95",
  "p99"
]);
var HIGHER_WORDS = /* @__PURE__ */ new Set([
  "acc",
  "accuracy",
  "auc",
  "roc",
  "auroc",
  "auprc",
  "ap",
  "map",
  "f1",
  "f2",
  "fbeta",
  "precision",
  "recall",
  "sensitivity",
  "specificity",
  "r2",
  "iou",
  "miou",
  "dice",
  "bleu",
  "rouge",
  "rouge1",
  "rouge2",
  "rougel",
  "meteor",
  "ndcg",
  "mrr",
  "hit",
  "hits",
  "tpr",
  "tnr",
  "kappa",
  "mcc",
  "throughput",
  "qps",
  "rps",
  "score",
  "reward",
  "return",
  "success",
  "coverage",
  "spearman",
  "pearson",
  "correlation",
  "psnr",
  "ssim"
]);
function directionFromName(name) {
  const parts = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  for (const part of [...parts].reverse()) {
    if (LOWER_WORDS.has(part) || /loss$|error$/.test(part)) return "lower";
    if (HIGHER_WORDS.has(part) || /^(f1|auc)/.test(part)) return "higher";
  }
  return "unknown";
}
function polarities(expr, sign, out) {
  switch (expr.type) {
    case "number":
      return;
    case "metric":
      if (!expr.baseline && !out.has(expr.name)) out.set(expr.name, sign);
      return;
    case "neg":
      polarities(expr.operand, -sign, out);
      return;
    case "arith":
      polarities(expr.left, sign, out);
      polarities(expr.right, expr.op === "-" || expr.op === "/" ? -sign : sign, out);
      return;
  }
}
function compareDirections(e, out) {
  if (e.type === "logic") {
    compareDirections(e.left, out);
    compareDirections(e.right, out);
    return;
  }
  const sense = e.op === ">=" || e.op === ">" ? 1 : e.op === "<=" || e.op === "<" ? -1 : 0;
  if (sense === 0) return;
  const pol = /* @__PURE__ */ new Map();
  polarities(e.left, 1, pol);
  const right = /* @__PURE__ */ new Map();
  polarities(e.right, -1, right);
  for (const [k, v] of right) if (!pol.has(k)) pol.set(k, v);
  for (const [name, p] of pol) if (!out.has(name)) out.set(name, sense * p > 0 ? "higher" : "lower");
}
function directionsFromRules(rules) {
  const out = /* @__PURE__ */ new Map();
  for (const r of rules) {
    try {
      compareDirections(parseRule(r.rule).expr, out);
    } catch {
    }
  }
  return out;
}
function ruleMetrics(rule) {
  try {
    return [
      ...new Set(
        metricsOf(parseRule(rule).expr).filter((m) => !m.baseline).map((m) => m.name)
      )
    ];
  } catch {
    return [];
  }
}
var WORSE = { skipped: 0, passed: 1, failed: 2 };
function metricRows(gate, options = {}) {
  const maxRows = options.maxRows ?? 25;
  const report = gate.report;
  const base = report.baseline?.metrics ?? {};
  const fromRules = directionsFromRules(report.rules);
  const verdicts = /* @__PURE__ */ new Map();
  const order = [];
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
  const withBaseline = runNames.filter((n) => !order.includes(n) && base[n] !== void 0).sort();
  const rest = runNames.filter((n) => !order.includes(n) && base[n] === void 0).sort();
  const all = [...order, ...withBaseline, ...rest];
  const rows = all.slice(0, maxRows).map((name) => {
    const value = report.metrics[name]?.last;
    const baseline = base[name]?.last;
    const row = {
      name,
      value,
      baseline,
      direction: fromRules.get(name) ?? directionFromName(name),
      verdict: verdicts.get(name)?.verdict,
      ruleLines: verdicts.get(name)?.lines ?? []
    };
    if (value !== void 0 && baseline !== void 0 && Number.isFinite(value) && Number.isFinite(baseline)) {
      row.delta = value - baseline;
      if (baseline !== 0) row.relative = row.delta / Math.abs(baseline);
    }
    return row;
  });
  return { rows, omitted: Math.max(0, all.length - rows.length) };
}
function formatDelta(d) {
  if (d === 0) return "0";
  const abs = Math.abs(d);
  return `${d > 0 ? "+" : "\u2212"}${formatValue(abs >= 1e-4 && abs < 1e9 ? Number(abs.toPrecision(3)) : abs)}`;
}
function formatPercent(r) {
  const p = r * 100;
  const abs = Math.abs(p);
  const text = abs >= 10 ? abs.toFixed(0) : abs >= 1 ? abs.toFixed(1) : Number(abs.toPrecision(2)).toString();
  return `${p > 0 ? "+" : p < 0 ? "\u2212" : ""}${text}%`;
}
function deltaCell(row) {
  if (row.delta === void 0) return "\u2014";
  if (row.delta === 0) return "\uFF1D 0";
  const up = row.delta > 0;
  const arrow = up ? "\u25B2" : "\u25BC";
  const better = row.direction === "unknown" ? void 0 : row.direction === "higher" === up;
  const mark = better === void 0 ? "" : better ? "\u{1F7E2} " : "\u{1F534} ";
  const rel = row.relative !== void 0 ? ` (${formatPercent(row.relative)})` : "";
  return `${mark}${arrow} ${formatDelta(row.delta)}${rel}`;
}
var VERDICT_CELL = { passed: "\u2705 passed", failed: "\u274C failed", skipped: "\u23ED\uFE0F skipped" };
function renderMetricTable(gate, options = {}) {
  const { rows, omitted } = metricRows(gate, options);
  if (rows.length === 0) return "_No metrics were read._";
  const hasBaseline = rows.some((r) => r.baseline !== void 0);
  const hasRules = rows.some((r) => r.verdict !== void 0);
  const head = ["Metric", "This run", ...hasBaseline ? ["Baseline", "\u0394"] : [], ...hasRules ? ["Gate"] : []];
  const align = [":--", "--:", ...hasBaseline ? ["--:", ":--"] : [], ...hasRules ? [":--"] : []];
  const lines = [`| ${head.join(" | ")} |`, `| ${align.join(" | ")} |`];
  for (const r of rows) {
    const cells = [
      code(r.name),
      escapeText(formatValue(r.value)),
      ...hasBaseline ? [escapeText(formatValue(r.baseline)), deltaCell(r)] : [],
      ...hasRules ? [r.verdict ? VERDICT_CELL[r.verdict] : "\u2014"] : []
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  if (omitted > 0) lines.push("", `<sub>${omitted} more metric${omitted === 1 ? "" : "s"} in the full report below.</sub>`);
  const legend = rows.some((r) => r.delta !== void 0 && r.delta !== 0 && r.direction !== "unknown") ? "\n\n<sub>\u{1F7E2} better \xB7 \u{1F534} worse than the baseline (which way is better: from the rules, else from the metric name).</sub>" : "";
  return lines.join("\n") + legend;
}

// src/report/chart.ts
var MAX_CHART_POINTS = 50;
var CHART_INIT = '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#0969da, #bf8700"}}}}%%';
function evenlySpaced(points) {
  if (points.length < 3) return true;
  const span = points[points.length - 1].step - points[0].step;
  const gap = span / (points.length - 1);
  return points.every((p, i) => Math.abs(p.step - (points[0].step + i * gap)) <= Math.max(1e-9, Math.abs(gap) * 1e-6));
}
function resampleHistory(history, max = MAX_CHART_POINTS) {
  const pts = history.filter((p) => Number.isFinite(p.step) && Number.isFinite(p.value)).sort((a, b) => a.step - b.step);
  const byStep = [];
  for (const p of pts) {
    if (byStep.length > 0 && byStep[byStep.length - 1].step === p.step) byStep[byStep.length - 1] = p;
    else byStep.push(p);
  }
  if (byStep.length <= 1) return byStep;
  if (byStep.length <= max && evenlySpaced(byStep)) return byStep;
  const n = Math.max(2, max);
  const first = byStep[0].step;
  const last = byStep[byStep.length - 1].step;
  const gap = (last - first) / (n - 1);
  const sums = new Array(n).fill(0);
  const counts = new Array(n).fill(0);
  for (const p of byStep) {
    const i = Math.min(n - 1, Math.max(0, Math.round((p.step - first) / gap)));
    sums[i] += p.value;
    counts[i] += 1;
  }
  const out = [];
  let j = 0;
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
function compactHistories(metrics, options = {}) {
  const maxPoints = options.maxPoints ?? MAX_CHART_POINTS;
  const maxMetrics = options.maxMetrics ?? 20;
  const prefer = (options.prefer ?? []).filter((n) => metrics.has(n));
  const names = [.../* @__PURE__ */ new Set([...prefer, ...[...metrics.keys()].sort()])].slice(0, maxMetrics);
  const out = {};
  for (const name of names) {
    const h = metrics.get(name) ?? [];
    const r = resampleHistory(h, maxPoints);
    if (r.length >= 2) out[name] = r.map((p) => [round(p.step), round(p.value)]);
  }
  return out;
}
function round(v) {
  return Number(v.toPrecision(8));
}
function mermaidNumber(v) {
  if (v === 0 || !Number.isFinite(v)) return "0";
  const r = Number(v.toPrecision(6));
  let s = String(r);
  if (/e/i.test(s)) {
    const digits = Math.min(20, Math.max(0, 5 - Math.floor(Math.log10(Math.abs(r)))));
    s = r.toFixed(digits).replace(/\.?0+$/, "");
  }
  return s;
}
function renderHistoryChart(name, history, options = {}) {
  const points = resampleHistory(history, options.maxPoints ?? MAX_CHART_POINTS);
  if (points.length < 2) return void 0;
  const first = points[0].step;
  const last = points[points.length - 1].step;
  const values = points.map((p) => p.value);
  const baseline = options.baseline !== void 0 && Number.isFinite(options.baseline) ? options.baseline : void 0;
  const all = baseline !== void 0 ? [...values, baseline] : values;
  if (all.some((v) => Math.abs(v) >= 1e15) || Math.abs(first) >= 1e15 || Math.abs(last) >= 1e15) return void 0;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  const pad = hi > lo ? (hi - lo) * 0.05 : Math.abs(hi) * 0.05 || 1;
  lo -= pad;
  hi += pad;
  const lines = [
    CHART_INIT,
    "xychart-beta",
    `    title "${mermaidLabel(name)}"`,
    `    x-axis "step" ${mermaidNumber(first)} --> ${mermaidNumber(last)}`,
    `    y-axis "${mermaidLabel(name, 30)}" ${mermaidNumber(lo)} --> ${mermaidNumber(hi)}`,
    `    line [${values.map(mermaidNumber).join(", ")}]`
  ];
  if (baseline !== void 0) lines.push(`    line [${values.map(() => mermaidNumber(baseline)).join(", ")}]`);
  return "```mermaid\n" + lines.join("\n") + "\n```";
}
function renderGateCharts(gate, options = {}) {
  const histories = gate.histories;
  if (!histories) return "";
  const maxCharts = options.maxCharts ?? 4;
  const ruleNames = [...directionsFromRules(gate.report.rules).keys()];
  const names = [.../* @__PURE__ */ new Set([...ruleNames.filter((n) => histories[n]), ...Object.keys(histories).sort()])];
  const blocks = [];
  for (const name of names) {
    if (blocks.length >= maxCharts) break;
    const history = histories[name];
    const baseline = gate.report.baseline?.metrics?.[name]?.last;
    const chart = renderHistoryChart(name, history, { baseline, maxPoints: options.maxPoints });
    if (!chart) continue;
    const logged = Math.max(history.filter((p) => Number.isFinite(p.value)).length, gate.report.metrics[name]?.count ?? 0);
    const shown = resampleHistory(history, options.maxPoints ?? MAX_CHART_POINTS).length;
    const caption = [
      `${code(name)}: ${shown < logged ? `${logged} values, drawn as ${shown} points` : `${logged} values`}`,
      ...baseline !== void 0 && Number.isFinite(baseline) ? [`flat line: baseline ${escapeText(formatValue(baseline))}`] : []
    ].join(" \xB7 ");
    blocks.push(`${chart}
<sub>${caption}</sub>`);
  }
  return blocks.join("\n\n");
}

export {
  lastValues,
  buildGateReport,
  toJson,
  formatValue,
  explainRule,
  renderGateSummary,
  directionsFromRules,
  VERDICT_CELL,
  renderMetricTable,
  compactHistories,
  renderGateCharts
};
