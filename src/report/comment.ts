/**
 * The PR report: one Markdown body for the sticky comment and for the job summary.
 *
 *   <!-- azureml-actions:pr-summary:<header> -->       (comment only: what the sticky search finds)
 *   ## title
 *   overview line (gate, model, rollout)
 *   ### metric gate: table (metric, this run, baseline, Δ, verdict), failed rules
 *   📈 metric histories (Mermaid xychart-beta)
 *   ### links: jobs and models (studio URLs)
 *   ### rollout: stages, weights, health values, result
 *   <details> full report: every rule, the metric snapshot, rollout events, the raw JSON
 *   footer: commit and run link
 *
 * The body is kept within `maxLength` (GitHub refuses comments over 65,536 characters) by
 * shortening in a fixed order: the raw JSON, then the long lists of the full report, then the
 * whole full report, then the charts, then the main tables' rows; a last resort cuts the text.
 * Pure: data and options in, text out.
 */
import { formatValue } from '../metrics/report.js';
import { explainRule } from '../metrics/report.js';
import { renderGateCharts } from './chart.js';
import { isEmptyReport, type ReportData, type ReportGate, type ReportJob, type ReportModel, type ReportSchedule } from './data.js';
import { code, escapeText, fencedBlock, link, safeUrl } from '../core/escape.js';
import { renderMetricTable, VERDICT_CELL } from './metrics-table.js';
import { renderRollout, renderRolloutEvents, rolloutStatusLabel } from './rollout.js';

/** GitHub's limit on a comment body (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** What the renderer aims for by default: under the limit with room to spare. */
export const DEFAULT_MAX_LENGTH = 65_000;
/** GitHub's limit on one step's job summary (1 MiB). */
export const JOB_SUMMARY_LIMIT = 1_048_576;

const MARKER_PREFIX = 'azureml-actions:pr-summary:';

/** A header names one sticky comment: letters, digits and `. _ - / :` (no `--`), 1–100 characters. */
export function isValidHeader(header: string): boolean {
  return /^[A-Za-z0-9._/:-]{1,100}$/.test(header) && !header.includes('--');
}

/** The hidden first line of the comment: `<!-- azureml-actions:pr-summary:<header> -->`. */
export function commentMarker(header: string): string {
  if (!isValidHeader(header)) throw new RangeError(`invalid comment header '${header}'`);
  return `<!-- ${MARKER_PREFIX}${header} -->`;
}

/** The run the report comes from (the footer's links). */
export interface ReportRun {
  serverUrl?: string;
  repository?: string;
  sha?: string;
  runId?: string;
  runAttempt?: string;
  runUrl?: string;
  workflow?: string;
  job?: string;
}

export interface RenderOptions {
  /** Heading of the report (default `Azure ML report`). Escaped. */
  title?: string;
  /** With a header, the body starts with the sticky marker. */
  header?: string;
  run?: ReportRun;
  /** Longest body in UTF-16 code units (default {@link DEFAULT_MAX_LENGTH}). */
  maxLength?: number;
  /** Where the untruncated report can be read, said in the truncation note. */
  fullReportNote?: string;
  now?: () => Date;
}

export interface RenderedReport {
  body: string;
  /** True when something was left out to fit `maxLength`. */
  truncated: boolean;
  /** The shortening level used (0 = nothing left out). */
  level: number;
}

/** How much of each part a level keeps. */
interface Budget {
  json: boolean;
  details: 'all' | 'rules-only' | 'none';
  snapshotRows: number;
  events: number;
  charts: boolean;
  metricRows: number;
  stages: number;
}

const LEVELS: Budget[] = [
  { json: true, details: 'all', snapshotRows: 200, events: 100, charts: true, metricRows: 25, stages: 20 },
  { json: false, details: 'all', snapshotRows: 200, events: 100, charts: true, metricRows: 25, stages: 20 },
  { json: false, details: 'all', snapshotRows: 50, events: 30, charts: true, metricRows: 25, stages: 20 },
  { json: false, details: 'all', snapshotRows: 20, events: 0, charts: true, metricRows: 25, stages: 20 },
  { json: false, details: 'rules-only', snapshotRows: 0, events: 0, charts: true, metricRows: 25, stages: 20 },
  { json: false, details: 'none', snapshotRows: 0, events: 0, charts: true, metricRows: 25, stages: 20 },
  { json: false, details: 'none', snapshotRows: 0, events: 0, charts: false, metricRows: 25, stages: 20 },
  { json: false, details: 'none', snapshotRows: 0, events: 0, charts: false, metricRows: 10, stages: 5 },
];

/** Renders the report, shortened as needed to fit `maxLength`. */
export function renderReport(data: ReportData, options: RenderOptions = {}): RenderedReport {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  for (let level = 0; level < LEVELS.length; level++) {
    const body = compose(data, options, LEVELS[level], level > 0);
    if (body.length <= maxLength) return { body, truncated: level > 0, level };
  }
  // Last resort: cut the smallest version at a line break and say so.
  const smallest = compose(data, options, LEVELS[LEVELS.length - 1], true);
  const note = `\n\n…\n\n<sub>✂️ Cut to fit GitHub's comment size limit.${options.fullReportNote ? ` ${escapeText(options.fullReportNote)}` : ''}</sub>\n`;
  const room = Math.max(0, maxLength - note.length);
  let cut = smallest.slice(0, room);
  const nl = cut.lastIndexOf('\n');
  if (nl > room / 2) cut = cut.slice(0, nl);
  // never end inside an entity or a surrogate pair
  cut = cut.replace(/&[#a-zA-Z0-9]*$/, '').replace(/[\ud800-\udbff]$/, '');
  return { body: (cut + note).slice(0, maxLength), truncated: true, level: LEVELS.length };
}

function compose(data: ReportData, options: RenderOptions, budget: Budget, shortened: boolean): string {
  const parts: string[] = [];
  if (options.header !== undefined) parts.push(commentMarker(options.header));
  parts.push(`## ${escapeText(options.title ?? 'Azure ML report', 200)}`);
  if (isEmptyReport(data)) {
    parts.push(
      'Nothing to report yet: no earlier step of this job recorded a result (submit-job, metric-gate, register-model, deploy write to the run ledger), and no `jobs`, `gate-reports`, `models` or `rollouts` input was given.',
    );
    parts.push(renderFooter(options));
    return parts.join('\n\n') + '\n';
  }
  parts.push(renderOverview(data));
  data.gates.forEach((gate, i) => {
    parts.push(renderGate(gate, data.gates.length > 1 ? i + 1 : undefined, budget));
    if (budget.charts) {
      const charts = renderGateCharts(gate);
      if (charts) parts.push(`<details open>\n<summary>📈 Metric histories</summary>\n\n${charts}\n\n</details>`);
    }
  });
  const links = renderLinks(data.jobs, data.models, data.gates);
  if (links) parts.push(links);
  for (const r of data.rollouts) parts.push(renderRollout(r, { maxStages: budget.stages }));
  const schedules = renderSchedules(data.schedules ?? []);
  if (schedules) parts.push(schedules);
  const details = renderDetails(data, budget);
  if (details || shortened) {
    const note = shortened
      ? `<sub>✂️ Shortened to fit GitHub's comment size limit.${options.fullReportNote ? ` ${escapeText(options.fullReportNote)}` : ''}</sub>`
      : '';
    if (budget.details === 'none') parts.push(note);
    else parts.push(`<details>\n<summary>📄 Full report</summary>\n\n${[details, note].filter(Boolean).join('\n\n')}\n\n</details>`);
  }
  parts.push(renderFooter(options));
  return parts.filter((p) => p !== '').join('\n\n') + '\n';
}

function gateStatus(g: ReportGate): string {
  return g.passed ? '✅ passed' : g.report.enforced ? '❌ failed' : '⚠️ failed (not enforced)';
}

/** One line: the gate(s), the model(s), the rollout(s), the job(s) at a glance. */
export function renderOverview(data: ReportData): string {
  const items: string[] = [];
  for (const g of data.gates) {
    const c = g.report.counts;
    const total = c.passed + c.failed + c.skipped;
    items.push(
      `**Gate** ${gateStatus(g)} (${c.failed > 0 ? `${c.failed} of ${total} rules failed` : `${c.passed}/${total} rules passed${c.skipped ? `, ${c.skipped} skipped` : ''}`})`,
    );
  }
  for (const m of data.models) items.push(`**Model** 📦 ${code(`${m.name}:${m.version}`, 120)}${m.created === false ? ' (existing version reused)' : ''}`);
  const gateFailed = data.gates.some((g) => !g.passed);
  if (data.models.length === 0 && gateFailed) items.push('**Model** ⛔ not registered: the gate failed');
  for (const r of data.rollouts) items.push(`**Rollout** ${rolloutStatusLabel(r.status)}`);
  if (data.rollouts.length === 0 && gateFailed && data.models.length === 0) items.push('**Rollout** ⛔ not deployed');
  if (data.gates.length === 0) {
    for (const j of data.jobs.slice(0, 3)) items.push(`**Job** ${jobStatusLabel(j)}`);
  }
  for (const sc of (data.schedules ?? []).slice(0, 3)) items.push(`**Schedule** ${scheduleLabel(sc)} ${code(sc.name, 120)}`);
  return items.join(' · ');
}

const SCHEDULE_STATUS: Record<string, string> = { created: '🆕 created', updated: '✏️ updated', unchanged: '✅ unchanged', 'dry-run': '📝 dry run' };

function scheduleLabel(sc: ReportSchedule): string {
  return sc.enabled ? '⏰' : '⏸️';
}

/** Schedules submit-job created or updated: trigger, next runs, what changed. Empty when there are none. */
export function renderSchedules(schedules: ReportSchedule[]): string {
  if (schedules.length === 0) return '';
  const lines = ['### ⏰ Schedules', '', '| Schedule | Job | Trigger | Next runs | Change |', '| :-- | :-- | :-- | :-- | :-- |'];
  for (const sc of schedules.slice(0, 10)) {
    const runs = sc.enabled
      ? sc.nextRuns.length > 0
        ? sc.nextRuns
            .slice(0, 3)
            .map((t) => escapeText(/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(t) ? `${t.slice(0, 10)} ${t.slice(11, 16)}Z` : t, 40))
            .join('<br>') + (sc.nextRuns.length > 3 ? '<br>…' : '')
        : '—'
      : '⏸️ disabled';
    const job = [sc.jobType ? escapeText(sc.jobType, 40) : '', sc.jobFile ? `<br><sub>${code(sc.jobFile, 120)}</sub>` : ''].join('') || '—';
    lines.push(
      `| ${code(sc.name, 120)} | ${job} | ${sc.trigger ? escapeText(sc.trigger, 120) : '—'} | ${runs} | ${escapeText(SCHEDULE_STATUS[sc.status] ?? sc.status, 40)} |`,
    );
  }
  if (schedules.length > 10) lines.push('', `<sub>${schedules.length - 10} more schedule(s).</sub>`);
  return lines.join('\n');
}

function renderGate(g: ReportGate, index: number | undefined, budget: Budget): string {
  const r = g.report;
  const lines = [`### 📏 Metric gate${index !== undefined ? ` ${index}` : ''}: ${gateStatus(g)}`];
  const about: string[] = [];
  const source = g.source ?? r.source.description;
  if (source) about.push(`Run: ${escapeText(source, 300)}`);
  if (r.baseline) {
    about.push(
      r.baseline.found
        ? `Baseline: ${escapeText(r.baseline.description ?? r.baseline.spec, 300)}`
        : `Baseline: none yet (${escapeText(r.baseline.reason ?? r.baseline.spec, 300)}); rules on it were ${r.settings.requireBaseline ? 'failed' : 'skipped'}`,
    );
  } else if (g.baseline) about.push(`Baseline: ${escapeText(g.baseline, 300)}`);
  if (about.length > 0) lines.push('', `<sub>${about.join(' · ')}</sub>`);
  lines.push('', renderMetricTable(g, { maxRows: budget.metricRows }));
  const failed = r.rules.filter((x) => x.verdict === 'failed');
  if (failed.length > 0) {
    lines.push('', `**Failed rule${failed.length === 1 ? '' : 's'}:**`, '');
    for (const x of failed.slice(0, 10)) {
      const why = explainRule(x) || x.reason || 'false';
      lines.push(`- ❌ ${code(x.rule, 300)}${x.label ? ` (${escapeText(x.label, 100)})` : ''}: ${escapeText(why, 300)}`);
    }
    if (failed.length > 10) lines.push(`- … and ${failed.length - 10} more in the full report`);
  }
  return lines.join('\n');
}

const JOB_STATUS: Record<string, string> = {
  Completed: '✅',
  Failed: '❌',
  Canceled: '⛔',
  CancelRequested: '⛔',
  NotResponding: '⚠️',
  DryRun: '📝',
};

function jobStatusLabel(j: ReportJob): string {
  const mark = JOB_STATUS[j.status] ?? '⏳';
  return `${mark} ${escapeText(j.status, 40)}`;
}

/** An AutoML job's children, best child and primary metric, under its type. */
function childrenNote(j: ReportJob): string {
  const parts = [
    j.children !== undefined ? `${j.children} child run${j.children === 1 ? '' : 's'}` : '',
    j.bestChild ? `best ${code(j.bestChild, 120)}` : '',
    j.primaryMetric ? `by ${code(j.primaryMetric, 80)}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? `<br><sub>${parts.join(' · ')}</sub>` : '';
}

/** Jobs and models with their studio links. Empty when there are none. */
export function renderLinks(jobs: ReportJob[], models: ReportModel[], gates: ReportGate[] = []): string {
  const lines: string[] = [];
  if (jobs.length > 0 || models.length > 0) lines.push('### 🔗 Azure ML');
  if (jobs.length > 0) {
    lines.push('', '| Job | Type | Status | Experiment |', '| :-- | :-- | :-- | :-- |');
    for (const j of jobs.slice(0, 20)) {
      const name = link(code(j.name, 120), j.studioUrl);
      const extra = [j.reattached ? 're-attached' : '', j.dryRun ? 'dry run' : ''].filter(Boolean).join(', ');
      lines.push(
        `| ${name}${extra ? ` <sub>(${extra})</sub>` : ''} | ${escapeText(j.type ?? '—', 40)}${childrenNote(j)} | ${jobStatusLabel(j)} | ${j.experiment ? code(j.experiment, 80) : '—'} |`,
      );
    }
    if (jobs.length > 20) lines.push('', `<sub>${jobs.length - 20} more job(s).</sub>`);
    const errors = jobs.filter((j) => j.error);
    if (errors.length > 0) {
      lines.push('');
      for (const j of errors.slice(0, 5)) lines.push(`- ❌ ${code(j.name, 120)}: ${escapeText(j.error, 500)}`);
    }
  }
  if (models.length > 0) {
    lines.push('', '| Model | Version | Registered |', '| :-- | --: | :-- |');
    for (const m of models.slice(0, 20)) {
      const registered = m.created === undefined ? '—' : m.created ? '🆕 new version' : '♻️ same content, existing version';
      lines.push(`| ${link(code(m.name, 120), m.studioUrl)} | ${escapeText(m.version, 40)} | ${registered} |`);
    }
  } else if (gates.some((g) => !g.passed) && lines.length > 0) {
    lines.push('', '<sub>No model was registered: the metric gate failed.</sub>');
  }
  return lines.join('\n');
}

function renderRulesTable(g: ReportGate): string {
  const lines = ['| Line | Rule | Value | Threshold | Verdict | Why |', '| --: | :-- | --: | --: | :-- | :-- |'];
  for (const r of g.report.rules) {
    const why = explainRule(r) || r.reason || '';
    lines.push(
      `| ${r.line} | ${code(r.rule, 300)}${r.label ? `<br><sub>${escapeText(r.label, 100)}</sub>` : ''} | ${escapeText(formatValue(r.left))} | ${escapeText(formatValue(r.right))} | ${VERDICT_CELL[r.verdict]} | ${escapeText(why, 300)} |`,
    );
  }
  return lines.join('\n');
}

function renderSnapshot(g: ReportGate, maxRows: number): string {
  const names = Object.keys(g.report.metrics).sort();
  if (names.length === 0 || maxRows <= 0) return '';
  const base = g.report.baseline?.metrics ?? {};
  const hasBase = Object.keys(base).length > 0;
  const lines = [`| Metric | Last | Min | Max | Values |${hasBase ? ' Baseline |' : ''}`, `| :-- | --: | --: | --: | --: |${hasBase ? ' --: |' : ''}`];
  for (const name of names.slice(0, maxRows)) {
    const m = g.report.metrics[name];
    lines.push(
      `| ${code(name)} | ${escapeText(formatValue(m.last))} | ${escapeText(formatValue(m.min))} | ${escapeText(formatValue(m.max))} | ${m.count} |${hasBase ? ` ${escapeText(formatValue(base[name]?.last))} |` : ''}`,
    );
  }
  if (names.length > maxRows) lines.push('', `<sub>${names.length - maxRows} more metric(s) in the gate's \`report\` output.</sub>`);
  return lines.join('\n');
}

function renderDetails(data: ReportData, budget: Budget): string {
  if (budget.details === 'none') return '';
  const parts: string[] = [];
  data.gates.forEach((g, i) => {
    const n = data.gates.length > 1 ? ` ${i + 1}` : '';
    parts.push(`**Gate rules${n}**\n\n${renderRulesTable(g)}`);
    if (budget.details === 'all') {
      const snapshot = renderSnapshot(g, budget.snapshotRows);
      if (snapshot) parts.push(`**Metrics of the run${n}** (${Object.keys(g.report.metrics).length})\n\n${snapshot}`);
      const s = g.report.settings;
      parts.push(`<sub>missing-metric: ${s.missingMetric} · require-baseline: ${s.requireBaseline} · fail-on-violation: ${s.failOnViolation}</sub>`);
    }
  });
  if (budget.details === 'all' && budget.events > 0) {
    for (const r of data.rollouts) {
      const events = renderRolloutEvents(r, budget.events);
      if (events) parts.push(events);
    }
  }
  if (budget.json && (data.gates.length > 0 || data.rollouts.length > 0)) {
    const raw = JSON.stringify(
      { gates: data.gates.map((g) => g.report), rollouts: data.rollouts.map((r) => r.timeline ?? r.batch ?? null) },
      (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
    );
    parts.push(`<details>\n<summary>JSON</summary>\n\n${fencedBlock(raw, 'json')}\n\n</details>`);
  }
  return parts.join('\n\n');
}

/** The footer: commit link, run link, workflow and job, time of this update. */
export function renderFooter(options: RenderOptions): string {
  const run = options.run ?? {};
  const items: string[] = ['azureml-actions pr-summary'];
  const server = safeUrl(run.serverUrl ?? 'https://github.com');
  const repo = run.repository && /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(run.repository) ? run.repository : undefined;
  if (run.sha && /^[0-9a-f]{7,64}$/i.test(run.sha)) {
    const short = code(run.sha.slice(0, 7));
    items.push(`commit ${server && repo ? link(short, `${server.replace(/\/$/, '')}/${repo}/commit/${run.sha}`) : short}`);
  }
  if (run.runId) {
    const attempt = run.runAttempt && run.runAttempt !== '1' ? ` (attempt ${escapeText(run.runAttempt, 10)})` : '';
    items.push(link(`run ${escapeText(run.runId, 30)}${attempt}`, run.runUrl));
  }
  if (run.workflow || run.job)
    items.push([run.workflow ? `workflow ${code(run.workflow, 80)}` : '', run.job ? `job ${code(run.job, 80)}` : ''].filter(Boolean).join(' '));
  const now = (options.now ?? (() => new Date()))();
  items.push(
    `updated ${now
      .toISOString()
      .replace(/:\d\d\.\d+Z$/, 'Z')
      .replace('T', ' ')}`,
  );
  return `<sub>${items.join(' · ')}</sub>`;
}
