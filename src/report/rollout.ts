/**
 * The rollout part of the PR report: one table row per stage (live and mirrored traffic, bake
 * time, checks, the health values of the last check, result), the traffic before and after, the
 * time accounting and, when it happened, the rollback. Pure; every name is escaped.
 */
import { formatDuration } from '../core/inputs.js';
import type { TimelineCheck, TimelineStage } from '../rollout/timeline.js';
import type { ReportRollout } from './data.js';
import { code, escapeText } from '../core/escape.js';
import { isObj } from '../core/obj.js';

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

const STATUS: Record<string, string> = {
  promoted: '✅ promoted',
  succeeded: '✅ promoted',
  'rolled-back': '↩️ rolled back',
  rolledback: '↩️ rolled back',
  failed: '❌ failed',
};

export function rolloutStatusLabel(status: string): string {
  return STATUS[status.toLowerCase()] ?? `⏳ ${escapeText(status, 40)}`;
}

const STAGE_RESULT: Record<string, string> = {
  passed: '✅ passed',
  skipped: '⏭️ skipped',
  failed: '❌ failed',
  aborted: '⛔ aborted',
  baking: '⏳ baking',
  pending: '⏸️ pending',
};

/** `blue 90 · green 10` (names escaped, deployments at 0 left out; `—` when empty). */
export function trafficCell(map: unknown, suffix = ''): string {
  if (!isObj(map)) return '—';
  const parts = Object.entries(map)
    .filter(([, v]) => typeof v === 'number' && v !== 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${code(k, 60)} ${String(v)}${suffix}`);
  return parts.length > 0 ? parts.join(' · ') : '—';
}

function pct(v: number): string {
  const p = v * 100;
  return `${p === 0 ? '0' : p < 0.1 ? p.toPrecision(1) : Number(p.toFixed(p < 10 ? 2 : 1))}%`;
}

/** The health values of one check: requests, error rate, p95 and p99 latency (what was measured). */
export function healthValues(check: TimelineCheck | undefined): string {
  if (!check) return '—';
  const s = isObj(check.signals) ? check.signals : undefined;
  const parts: string[] = [];
  if (s) {
    const requests = num(s.requests);
    if (requests !== undefined) parts.push(`${requests.toLocaleString('en-US')} req`);
    const err = num(s.error_rate);
    if (err !== undefined) parts.push(`errors ${pct(err)}`);
    const p95 = num(s.latency_p95);
    if (p95 !== undefined) parts.push(`p95 ${Math.round(p95)} ms`);
    const p99 = num(s.latency_p99);
    if (p99 !== undefined) parts.push(`p99 ${Math.round(p99)} ms`);
  }
  const text = parts.length > 0 ? parts.join(' · ') : 'no values';
  return check.healthy ? text : `${text} ⚠️`;
}

function checksCell(stage: TimelineStage): string {
  const checks = stage.checks ?? [];
  if (checks.length === 0) return '—';
  const healthy = checks.filter((c) => c.healthy).length;
  return `${healthy}/${checks.length} healthy`;
}

function bakeCell(stage: TimelineStage): string {
  const ms = num(stage.bakeMs);
  return ms === undefined ? '—' : formatDuration(ms);
}

/** Reasons of the unhealthy checks of a stage (first few), escaped. */
function unhealthyReasons(stage: TimelineStage, max = 2): string[] {
  return (stage.checks ?? [])
    .filter((c) => !c.healthy && typeof c.reason === 'string')
    .slice(-max)
    .map((c) => escapeText(c.reason, 200));
}

export interface RolloutRenderOptions {
  /** Heading level of the section (default 3). */
  headingLevel?: number;
  /** Stage rows at most (default 20; the rest are counted). */
  maxStages?: number;
}

const pctOf = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? `${Number((v * 100).toFixed(1))}%` : '—');

/**
 * A batch endpoint's rollout: its stages (create, test batch, comparison, promote, cleanup,
 * rollback) with their results, the test batch's job and rows, the shadow comparison's figures
 * and rule verdicts, and the default deployment before → after.
 */
export function renderBatchRollout(r: ReportRollout, options: RolloutRenderOptions = {}): string {
  const h = '#'.repeat(Math.min(6, Math.max(1, options.headingLevel ?? 3)));
  const b = r.batch!;
  const where = r.endpoint ? ` on batch endpoint ${code(r.endpoint, 80)}` : '';
  const lines: string[] = [`${h} 🚀 Rollout of ${code(r.deployment, 80)}${where}: ${rolloutStatusLabel(r.status)}`];
  if (typeof b.reason === 'string' && b.reason && r.status !== 'promoted') lines.push('', `> ${escapeText(b.reason, 500)}`);
  const stages = b.stages.slice(0, options.maxStages ?? 20);
  if (stages.length > 0) {
    lines.push('', '| Stage | Result | Detail |', '| :-- | :-- | :-- |');
    for (const s of stages)
      lines.push(`| ${escapeText(s.name, 40)} | ${STAGE_RESULT[s.result] ?? escapeText(s.result, 20)} | ${escapeText(s.detail ?? '', 300) || '—'} |`);
  }
  const facts: string[] = [
    `Default deployment: ${b.priorDefault ? code(b.priorDefault, 60) : '—'} → ${b.defaultDeployment ? code(b.defaultDeployment, 60) : '—'}`,
  ];
  if (b.testJob) {
    const rows = num(b.rows) !== undefined ? `, ${String(b.rows)}${num(b.expectedRows) !== undefined ? `/${String(b.expectedRows)}` : ''} rows` : '';
    facts.push(`test batch ${code(b.testJob, 80)}${rows}`);
  }
  lines.push('', facts.join(' · '));
  const c = b.comparison;
  if (c) {
    const verdicts = c.rules.map((x) => `${escapeText(x.rule, 80)} ${x.verdict === 'passed' ? '✅' : x.verdict === 'failed' ? '❌' : '⏭️'}`).join(' · ');
    lines.push(
      '',
      `Shadow comparison with the prior default: ${String(c.matched)}/${String(Math.max(c.rows, c.baselineRows))} rows matched, agreement ${pctOf(c.agreement)}, mean abs. difference ${num(c.mad) !== undefined ? String(Number((c.mad as number).toPrecision(4))) : '—'}${verdicts ? ` · ${verdicts}` : ''}`,
    );
  }
  return lines.join('\n');
}

/** The rollout section (heading, stage table, traffic before → after, time, rollback). */
export function renderRollout(r: ReportRollout, options: RolloutRenderOptions = {}): string {
  if (r.batch) return renderBatchRollout(r, options);
  const h = '#'.repeat(Math.min(6, Math.max(1, options.headingLevel ?? 3)));
  const t = r.timeline;
  const where = r.endpoint ? ` on ${code(r.endpoint, 80)}` : '';
  const lines: string[] = [`${h} 🚀 Rollout of ${code(r.deployment, 80)}${where}: ${rolloutStatusLabel(r.status)}`];
  if (!t) {
    lines.push('', '<sub>No timeline was recorded for this rollout.</sub>');
    return lines.join('\n');
  }
  if (typeof t.reason === 'string' && t.reason && r.status !== 'promoted') lines.push('', `> ${escapeText(t.reason, 500)}`);
  const maxStages = options.maxStages ?? 20;
  if (t.stages.length > 0) {
    lines.push('', '| Stage | Live traffic | Mirror | Bake | Checks | Health (last check) | Result |', '| :-- | :-- | :-- | --: | :-- | :-- | :-- |');
    for (const s of t.stages.slice(0, maxStages)) {
      const last = s.checks?.[s.checks.length - 1];
      lines.push(
        `| ${escapeText(s.name, 40)} | ${trafficCell(s.traffic)} | ${trafficCell(s.mirror, '%')} | ${bakeCell(s)} | ${checksCell(s)} | ${healthValues(last)} | ${STAGE_RESULT[s.result] ?? escapeText(s.result, 20)} |`,
      );
    }
    if (t.stages.length > maxStages) lines.push('', `<sub>${t.stages.length - maxStages} more stage(s) in the full report.</sub>`);
    const reasons = t.stages.flatMap((s) => unhealthyReasons(s).map((why) => `${escapeText(s.name, 40)}: ${why}`));
    if (reasons.length > 0) lines.push('', ...reasons.slice(0, 5).map((x) => `- ⚠️ ${x}`));
  } else {
    lines.push('', `<sub>No traffic stage was reached (phase ${escapeText(t.phase, 30)}).</sub>`);
  }
  const facts: string[] = [];
  if (t.prior || t.final) facts.push(`Traffic: ${trafficCell(t.prior?.traffic)} → ${trafficCell(t.final?.traffic)}`);
  const total = num(t.totalMs);
  if (total !== undefined) {
    const bake = num(t.bakeMs) ?? 0;
    const overhead = num(t.overheadMs) ?? 0;
    facts.push(`took ${formatDuration(total)} (bakes ${formatDuration(bake)}, overhead ${formatDuration(overhead)})`);
  }
  if (facts.length > 0) lines.push('', facts.join(' · '));
  if (r.monitor) {
    const m = r.monitor;
    const how = m.created ? 'created' : m.previousDeployment ? `moved from ${code(m.previousDeployment, 80)}` : 'updated';
    lines.push('', `📈 Monitored by ${code(m.name, 80)} (${how})${m.signals.length ? `: ${m.signals.map((x) => code(x, 60)).join(', ')}` : ''}`);
  }
  if (isObj(t.rollback)) {
    const rb = t.rollback;
    const restored = num(rb.restoreMs) !== undefined ? `; traffic restored in ${formatDuration(rb.restoreMs as number)}` : '; traffic not confirmed restored';
    lines.push('', `↩️ **Rolled back** from ${escapeText(rb.from, 30)}: ${escapeText(rb.reason, 300)}${restored}.`);
  }
  return lines.join('\n');
}

/** The events of a rollout as a list, for the full report (at most `max`, the last ones). */
export function renderRolloutEvents(r: ReportRollout, max = 100): string {
  const events = r.timeline?.events ?? [];
  if (events.length === 0) return '';
  const shown = events.slice(-max);
  const lines = [`Events of ${code(r.deployment, 80)}${events.length > shown.length ? ` (last ${shown.length} of ${events.length})` : ''}:`, ''];
  for (const e of shown) {
    const at = typeof e.at === 'string' ? e.at.replace(/\.\d+Z$/, 'Z') : '';
    lines.push(`- ${escapeText(at, 30)} ${escapeText(e.kind, 20)}: ${escapeText(e.message, 300)}`);
  }
  return lines.join('\n');
}
