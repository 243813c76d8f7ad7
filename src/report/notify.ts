/**
 * The short notification of a report, for a Slack incoming webhook (Block Kit) and a Microsoft
 * Teams workflow webhook (an Adaptive Card in a message envelope): the gate verdicts with their
 * rules, the model registered, the rollout's outcome and a link to the workflow run. Built from
 * the same {@link ReportData} as the PR comment (the ledger and the JSON inputs).
 *
 * Pure: data in, JSON bodies out. Every string from outside is escaped for the format it lands
 * in (Slack mrkdwn: `&`, `<`, `>`; Adaptive Card TextBlock Markdown: backslash escapes) and cut
 * so that the message stays within each service's documented limits.
 */
import { explainRule } from '../metrics/report.js';
import type { ReportData, ReportGate, ReportRollout } from './data.js';
import type { ReportRun } from './comment.js';
import { cleanText, safeUrl, truncateText } from '../core/escape.js';

// ---------------------------------------------------------------------------------------------
// What the message says, independent of the format

export type Verdict = 'passed' | 'failed' | 'skipped';

export interface NoticeRule {
  verdict: Verdict;
  rule: string;
  label?: string;
  /** `0.91 is not >= 0.95`, or the reason. */
  why: string;
}

export interface NoticeGate {
  /** `passed`, `failed`, or `failed-not-enforced` (the step passed anyway). */
  status: 'passed' | 'failed' | 'failed-not-enforced';
  counts: { passed: number; failed: number; skipped: number };
  source?: string;
  baseline?: string;
  /** Failed rules first, then the others, in report order. */
  rules: NoticeRule[];
}

export interface NoticeModel {
  name: string;
  version: string;
  created?: boolean;
  url?: string;
}

export interface NoticeRollout {
  status: string;
  endpoint?: string;
  deployment: string;
  reason?: string;
}

export interface NoticeSchedule {
  name: string;
  status: string;
  enabled: boolean;
  trigger?: string;
  /** The next run (ISO), when enabled. */
  next?: string;
}

export interface NoticeJob {
  name: string;
  status: string;
  url?: string;
}

export interface Notice {
  title: string;
  /** `failed` when a gate failed (enforced), a rollout did not promote or a job failed. */
  outcome: 'passed' | 'failed' | 'neutral';
  gates: NoticeGate[];
  models: NoticeModel[];
  /** True when a gate failed and no model was registered (the flow stopped there). */
  notRegistered: boolean;
  rollouts: NoticeRollout[];
  jobs: NoticeJob[];
  /** Schedules submit-job created or updated (absent from notices built before they were reported). */
  schedules?: NoticeSchedule[];
  runUrl?: string;
  repository?: string;
  sha?: string;
  commentUrl?: string;
}

export interface NoticeInput {
  data: ReportData;
  title: string;
  run: ReportRun;
  /** The PR comment just written, when there is one. */
  commentUrl?: string;
}

const FAILED_JOB = new Set(['Failed', 'Canceled', 'NotResponding']);
const PROMOTED = new Set(['promoted', 'succeeded']);

function gateStatus(g: ReportGate): NoticeGate['status'] {
  return g.passed ? 'passed' : g.report.enforced ? 'failed' : 'failed-not-enforced';
}

function noticeGate(g: ReportGate): NoticeGate {
  const r = g.report;
  const rules = r.rules.map((x) => ({
    verdict: x.verdict,
    rule: x.rule,
    ...(x.label ? { label: x.label } : {}),
    why: explainRule(x) || x.reason || (x.verdict === 'failed' ? 'false' : x.verdict === 'passed' ? 'true' : 'skipped'),
  }));
  const order = (v: Verdict) => (v === 'failed' ? 0 : v === 'passed' ? 1 : 2);
  const baseline = r.baseline
    ? r.baseline.found
      ? (r.baseline.description ?? r.baseline.spec)
      : `none yet (${r.baseline.reason ?? r.baseline.spec})`
    : g.baseline;
  return {
    status: gateStatus(g),
    counts: { ...r.counts },
    ...(g.source || r.source.description ? { source: g.source ?? r.source.description } : {}),
    ...(baseline ? { baseline } : {}),
    rules: rules
      .map((x, i) => ({ x, i }))
      .sort((a, b) => order(a.x.verdict) - order(b.x.verdict) || a.i - b.i)
      .map(({ x }) => x),
  };
}

function noticeRollout(r: ReportRollout): NoticeRollout {
  const reason = r.timeline?.rollback?.reason ?? r.timeline?.reason;
  return { status: r.status, ...(r.endpoint ? { endpoint: r.endpoint } : {}), deployment: r.deployment, ...(reason ? { reason } : {}) };
}

/** The message's content from the report's data (the same data the PR comment shows). */
export function buildNotice(input: NoticeInput): Notice {
  const { data, run } = input;
  const gates = data.gates.map(noticeGate);
  const rollouts = data.rollouts.map(noticeRollout);
  const failed =
    gates.some((g) => g.status === 'failed') || rollouts.some((r) => !PROMOTED.has(r.status.toLowerCase())) || data.jobs.some((j) => FAILED_JOB.has(j.status));
  const empty = gates.length + rollouts.length + data.models.length + data.jobs.length + (data.schedules?.length ?? 0) === 0;
  return {
    title: input.title,
    outcome: failed ? 'failed' : empty ? 'neutral' : 'passed',
    gates,
    models: data.models.map((m) => ({
      name: m.name,
      version: m.version,
      ...(m.created !== undefined ? { created: m.created } : {}),
      ...(m.studioUrl ? { url: m.studioUrl } : {}),
    })),
    notRegistered: data.models.length === 0 && gates.some((g) => g.status !== 'passed'),
    rollouts,
    jobs: data.jobs.map((j) => ({ name: j.name, status: j.status, ...(j.studioUrl ? { url: j.studioUrl } : {}) })),
    schedules: (data.schedules ?? []).map((sc) => ({
      name: sc.name,
      status: sc.status,
      enabled: sc.enabled,
      ...(sc.trigger ? { trigger: sc.trigger } : {}),
      ...(sc.enabled && sc.nextRuns[0] ? { next: sc.nextRuns[0] } : {}),
    })),
    ...(run.runUrl ? { runUrl: run.runUrl } : {}),
    ...(run.repository ? { repository: run.repository } : {}),
    ...(run.sha ? { sha: run.sha } : {}),
    ...(input.commentUrl ? { commentUrl: input.commentUrl } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Words and marks shared by both formats (plain text, not yet escaped)

const OUTCOME_MARK: Record<Notice['outcome'], string> = { passed: '✅', failed: '❌', neutral: 'ℹ️' };
const VERDICT_MARK: Record<Verdict, string> = { passed: '✅', failed: '❌', skipped: '⏭️' };
const GATE_LABEL: Record<NoticeGate['status'], string> = { passed: '✅ passed', failed: '❌ failed', 'failed-not-enforced': '⚠️ failed (not enforced)' };
const ROLLOUT_LABEL: Record<string, string> = {
  promoted: '✅ promoted',
  succeeded: '✅ promoted',
  'rolled-back': '↩️ rolled back',
  rolledback: '↩️ rolled back',
  failed: '❌ failed',
};
const JOB_MARK: Record<string, string> = { Completed: '✅', Failed: '❌', Canceled: '⛔', CancelRequested: '⛔', NotResponding: '⚠️', DryRun: '📝' };

/** One line of text from outside: control and bidi characters gone, cut to `max` code points. */
const clip = (s: unknown, max: number): string => truncateText(cleanText(s).trim(), max);

function rolloutLabel(status: string): string {
  return ROLLOUT_LABEL[status.toLowerCase()] ?? `⏳ ${clip(status, 40)}`;
}

function countsText(g: NoticeGate): string {
  const c = g.counts;
  const total = c.passed + c.failed + c.skipped;
  return c.failed > 0 ? `${c.failed} of ${total} rules failed` : `${c.passed}/${total} rules passed${c.skipped ? `, ${c.skipped} skipped` : ''}`;
}

/** The one-line overview (plain text): gate(s), model(s), rollout(s). Also the Slack fallback text. */
export function headline(n: Notice): string {
  const items: string[] = [];
  for (const g of n.gates) items.push(`Gate ${GATE_LABEL[g.status]} (${countsText(g)})`);
  for (const m of n.models) items.push(`Model ${clip(m.name, 100)}:${clip(m.version, 20)}${m.created === false ? ' (existing version)' : ''}`);
  if (n.notRegistered) items.push('Model not registered');
  for (const r of n.rollouts) items.push(`Rollout ${rolloutLabel(r.status)}`);
  if (n.gates.length === 0) for (const j of n.jobs.slice(0, 3)) items.push(`Job ${clip(j.name, 80)} ${clip(j.status, 30)}`);
  for (const sc of (n.schedules ?? []).slice(0, 3)) items.push(`Schedule ${clip(sc.name, 80)} ${scheduleText(sc)}`);
  return items.length > 0 ? items.join(' · ') : 'Nothing was recorded by the earlier steps.';
}

/** `created · cron 0 2 * * * (UTC) · next 2026-12-08 02:00Z`, or `updated · disabled` (plain text). */
function scheduleText(sc: NoticeSchedule): string {
  const next = sc.next && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(sc.next) ? `next ${sc.next.slice(0, 10)} ${sc.next.slice(11, 16)}Z` : '';
  return [clip(sc.status, 20), sc.enabled ? clip(sc.trigger ?? '', 120) : 'disabled', sc.enabled ? next : ''].filter(Boolean).join(' · ');
}

const shortSha = (sha: string | undefined) => (sha && /^[0-9a-f]{7,40}$/i.test(sha) ? sha.slice(0, 7) : undefined);

// ---------------------------------------------------------------------------------------------
// Slack Block Kit

/**
 * Limits of Slack's Block Kit, in characters (counted here as UTF-16 code units, which is never
 * fewer than Slack's count):
 * - 50 blocks in a message: https://docs.slack.dev/reference/block-kit/blocks
 * - header text 150: https://docs.slack.dev/reference/block-kit/blocks/header-block
 * - section text 1–3000; fields at most 10, 2000 each: https://docs.slack.dev/reference/block-kit/blocks/section-block
 * - context elements at most 10: https://docs.slack.dev/reference/block-kit/blocks/context-block
 */
export const SLACK_LIMITS = { blocks: 50, headerText: 150, sectionText: 3000, fields: 10, fieldText: 2000, contextElements: 10 } as const;
/** Longest fallback `text` this builder writes (Slack truncates a message's text at 40,000 characters). */
const SLACK_FALLBACK_MAX = 3000;

export interface SlackText {
  type: 'mrkdwn' | 'plain_text';
  text: string;
  emoji?: boolean;
}
export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'divider' };
export interface SlackMessage {
  /** The notification and fallback text (mrkdwn). */
  text: string;
  blocks: SlackBlock[];
}

/**
 * Text for Slack mrkdwn: `&`, `<` and `>` become entities (Slack's control characters,
 * https://docs.slack.dev/messaging/formatting-message-text#escaping), so that no `<!channel>`,
 * `<@U…>` mention or `<url|label>` link can come from a metric name or a job's error.
 */
export function slackEscape(text: unknown, max = 300): string {
  return clip(text, max).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** An identifier in backticks (a backtick inside would end the code span: it becomes `ˋ`). */
function slackCode(text: unknown, max = 200): string {
  return `\`${slackEscape(String(text ?? '').replace(/`/g, 'ˋ'), max)}\``;
}

/** `<url|label>` when the URL is safe to link to (https), else the label alone; `&` in the URL escaped too. */
function slackLink(label: string, url: string | undefined): string {
  const href = safeUrl(url);
  return href ? `<${href.replace(/&/g, '&amp;')}|${label}>` : label;
}

/** Whole lines while they fit in `max` (UTF-16 units), then a `… and N more` line. */
function fitLines(lines: string[], max: number, more: (n: number) => string): string {
  const out: string[] = [];
  let length = 0;
  for (let i = 0; i < lines.length; i++) {
    const tail = i < lines.length - 1 ? more(lines.length - i - 1).length + 1 : 0;
    const add = lines[i].length + (out.length > 0 ? 1 : 0);
    if (length + add + tail > max) {
      const rest = lines.length - i;
      const note = more(rest);
      if (out.length === 0) return cut(lines[i], max);
      out.push(note);
      return out.join('\n');
    }
    out.push(lines[i]);
    length += add;
  }
  return out.join('\n');
}

/** Cuts text to `max` UTF-16 units without splitting a surrogate pair, nor (`escaped`) an entity. */
function cut(text: string, max: number, escaped = true): string {
  if (text.length <= max) return text;
  let s = text.slice(0, Math.max(0, max - 1)).replace(/[\uD800-\uDBFF]$/, '');
  if (escaped) s = s.replace(/&[a-z#0-9]*$/i, '');
  return `${s}…`;
}

function slackGate(g: NoticeGate, index: number | undefined, maxRules: number): SlackBlock {
  const head = `*Metric gate${index !== undefined ? ` ${index}` : ''}* ${GATE_LABEL[g.status]}: ${countsText(g)}`;
  const about = [g.source ? `_Run_: ${slackEscape(g.source, 200)}` : '', g.baseline ? `_Baseline_: ${slackEscape(g.baseline, 200)}` : '']
    .filter(Boolean)
    .join(' · ');
  const rules = g.rules
    .slice(0, maxRules)
    .map((r) => `${VERDICT_MARK[r.verdict]} ${slackCode(r.rule, 200)}${r.label ? ` (${slackEscape(r.label, 80)})` : ''}: ${slackEscape(r.why, 200)}`);
  const hidden = g.rules.length - rules.length;
  const lines = [head, ...(about ? [about] : []), ...rules, ...(hidden > 0 ? [`… and ${hidden} more rule${hidden === 1 ? '' : 's'}`] : [])];
  return { type: 'section', text: { type: 'mrkdwn', text: fitLines(lines, SLACK_LIMITS.sectionText, (n) => `… and ${n} more line${n === 1 ? '' : 's'}`) } };
}

function slackModelField(m: NoticeModel): SlackText {
  const label = `${slackEscape(m.name, 120)}:${slackEscape(m.version, 20)}`;
  const state = m.created === false ? 'existing version reused' : m.created === true ? 'registered' : '';
  return { type: 'mrkdwn', text: cut(`*Model*\n📦 ${slackLink(label, m.url)}${state ? ` (${state})` : ''}`, SLACK_LIMITS.fieldText) };
}

function slackRolloutField(r: NoticeRollout): SlackText {
  const where = `${slackCode(r.deployment, 80)}${r.endpoint ? ` on ${slackCode(r.endpoint, 80)}` : ''}`;
  const why = r.reason && !PROMOTED.has(r.status.toLowerCase()) ? `\n${slackEscape(r.reason, 300)}` : '';
  return { type: 'mrkdwn', text: cut(`*Rollout*\n${rolloutLabel(r.status)}: ${where}${why}`, SLACK_LIMITS.fieldText) };
}

function slackScheduleField(sc: NoticeSchedule): SlackText {
  return {
    type: 'mrkdwn',
    text: cut(`*Schedule*\n${sc.enabled ? '⏰' : '⏸️'} ${slackCode(sc.name, 80)}: ${slackEscape(scheduleText(sc), 300)}`, SLACK_LIMITS.fieldText),
  };
}

function slackContext(n: Notice): SlackBlock | undefined {
  const elements: SlackText[] = [];
  if (n.runUrl && safeUrl(n.runUrl)) elements.push({ type: 'mrkdwn', text: slackLink('Workflow run', n.runUrl) });
  if (n.commentUrl && safeUrl(n.commentUrl)) elements.push({ type: 'mrkdwn', text: slackLink('PR comment', n.commentUrl) });
  const where = [n.repository ? slackEscape(n.repository, 140) : '', shortSha(n.sha) ? slackCode(shortSha(n.sha)) : ''].filter(Boolean).join(' @ ');
  if (where) elements.push({ type: 'mrkdwn', text: where });
  const jobs = n.jobs.slice(0, SLACK_LIMITS.contextElements - elements.length - 1);
  for (const j of jobs)
    elements.push({ type: 'mrkdwn', text: `${JOB_MARK[j.status] ?? '⏳'} ${slackLink(slackEscape(j.name, 100), j.url)} ${slackEscape(j.status, 30)}` });
  if (n.jobs.length > jobs.length) elements.push({ type: 'mrkdwn', text: `… and ${n.jobs.length - jobs.length} more jobs` });
  return elements.length > 0 ? { type: 'context', elements: elements.slice(0, SLACK_LIMITS.contextElements) } : undefined;
}

export interface SlackOptions {
  /** Rules listed per gate (default 15; failed rules come first). */
  maxRules?: number;
}

/** The Block Kit message: header, overview, one section per gate, model and rollout fields, context (run link). */
export function slackMessage(n: Notice, options: SlackOptions = {}): SlackMessage {
  const maxRules = options.maxRules ?? 15;
  const title = cut(`${OUTCOME_MARK[n.outcome]} ${clip(n.title, 200) || 'Azure ML report'}`, SLACK_LIMITS.headerText, false);
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: title, emoji: true } }];
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(slackEscape(headline(n), 2000), SLACK_LIMITS.sectionText) } });

  const fields = [...n.models.map(slackModelField), ...n.rollouts.map(slackRolloutField), ...(n.schedules ?? []).slice(0, 5).map(slackScheduleField)];
  if (n.notRegistered) fields.unshift({ type: 'mrkdwn', text: '*Model*\n⛔ not registered: the gate failed' });
  const fieldBlocks = Math.ceil(fields.length / SLACK_LIMITS.fields);
  const context = slackContext(n);
  // header + overview + field sections + context + the "more gates" note leave the rest to gates
  const room = SLACK_LIMITS.blocks - 2 - fieldBlocks - (context ? 1 : 0) - 1;
  const shown = n.gates.slice(0, Math.max(0, room));
  shown.forEach((g, i) => blocks.push(slackGate(g, n.gates.length > 1 ? i + 1 : undefined, maxRules)));
  if (n.gates.length > shown.length)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `… and ${n.gates.length - shown.length} more gates in the job summary` }] });
  for (let i = 0; i < fields.length; i += SLACK_LIMITS.fields) blocks.push({ type: 'section', fields: fields.slice(i, i + SLACK_LIMITS.fields) });
  if (context) blocks.push(context);

  const text = cut(slackEscape(`${clip(n.title, 200) || 'Azure ML report'}: ${headline(n)}`, SLACK_FALLBACK_MAX), SLACK_FALLBACK_MAX);
  return { text, blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

// ---------------------------------------------------------------------------------------------
// Microsoft Teams: an Adaptive Card in the envelope a Teams workflow webhook reads

/**
 * Teams renders Adaptive Cards up to schema 1.5 (https://learn.microsoft.com/en-us/microsoft-copilot-studio/guidance/adaptive-cards-overview,
 * "Teams is also limited to version 1.5"); 1.4 has everything used here (TextBlock, FactSet,
 * Action.OpenUrl) and renders on every Teams client.
 */
export const ADAPTIVE_CARD_VERSION = '1.4';
/**
 * A Teams message is limited to about 28 KB (https://learn.microsoft.com/en-us/connectors/teams/,
 * "Message size limit"; https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook):
 * the card is shortened to stay under this many bytes of JSON.
 */
export const TEAMS_MAX_BYTES = 27_000;

export interface AdaptiveElement {
  type: 'TextBlock' | 'FactSet';
  [key: string]: unknown;
}
export interface AdaptiveCard {
  $schema: string;
  type: 'AdaptiveCard';
  version: string;
  body: AdaptiveElement[];
  actions?: Array<{ type: 'Action.OpenUrl'; title: string; url: string }>;
  msteams?: { width: 'Full' };
}
/**
 * The body a Teams workflow ("Post to a channel when a webhook request is received") reads: a
 * message whose attachments hold the card
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook).
 */
export interface TeamsMessage {
  type: 'message';
  attachments: Array<{ contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: AdaptiveCard }>;
}

/**
 * Text for an Adaptive Card TextBlock or Fact, which render a CommonMark subset (bold, italic,
 * lists, links: https://learn.microsoft.com/en-us/adaptive-cards/authoring-cards/text-features):
 * the characters that start such markup get a backslash (CommonMark escapes any ASCII
 * punctuation), `{` too so that no `{{DATE(…)}}` function of the card is formed, and a leading
 * list or heading marker is escaped.
 */
export function cardEscape(text: unknown, max = 300): string {
  return clip(text, max)
    .replace(/[\\`*_[\]<>~{}]/g, (c) => `\\${c}`)
    .replace(/^([-+#]|\d+(?=[.)]))/, (m) => (/^\d/.test(m) ? `${m}\\` : `\\${m}`));
}

function cardLink(label: string, url: string | undefined): string {
  const href = safeUrl(url);
  return href ? `[${label}](${href})` : label;
}

function text(t: string, extra: Record<string, unknown> = {}): AdaptiveElement {
  return { type: 'TextBlock', text: t, wrap: true, ...extra };
}

function cardGate(g: NoticeGate, index: number | undefined, maxRules: number): AdaptiveElement[] {
  const out: AdaptiveElement[] = [
    text(`**Metric gate${index !== undefined ? ` ${index}` : ''}** ${GATE_LABEL[g.status]}: ${countsText(g)}`, {
      spacing: 'Medium',
      color: g.status === 'passed' ? 'Good' : g.status === 'failed' ? 'Attention' : 'Warning',
    }),
  ];
  const about = [g.source ? `Run: ${cardEscape(g.source, 200)}` : '', g.baseline ? `Baseline: ${cardEscape(g.baseline, 200)}` : ''].filter(Boolean).join(' · ');
  if (about) out.push(text(about, { isSubtle: true, size: 'Small', spacing: 'None' }));
  const rules = g.rules.slice(0, maxRules);
  if (rules.length > 0) {
    const facts = rules.map((r) => ({
      title: `${VERDICT_MARK[r.verdict]} ${cardEscape(r.rule, 120)}`,
      value: `${cardEscape(r.why, 200)}${r.label ? ` (${cardEscape(r.label, 80)})` : ''}`,
    }));
    if (g.rules.length > rules.length) facts.push({ title: '…', value: `and ${g.rules.length - rules.length} more rules` });
    out.push({ type: 'FactSet', facts });
  }
  return out;
}

function cardFacts(n: Notice): AdaptiveElement | undefined {
  const facts: Array<{ title: string; value: string }> = [];
  for (const m of n.models) {
    const state = m.created === false ? ' (existing version reused)' : m.created === true ? ' (registered)' : '';
    facts.push({ title: 'Model', value: `📦 ${cardLink(`${cardEscape(m.name, 120)}:${cardEscape(m.version, 20)}`, m.url)}${state}` });
  }
  if (n.notRegistered) facts.push({ title: 'Model', value: '⛔ not registered: the gate failed' });
  for (const r of n.rollouts) {
    const why = r.reason && !PROMOTED.has(r.status.toLowerCase()) ? ` (${cardEscape(r.reason, 200)})` : '';
    facts.push({
      title: 'Rollout',
      value: `${rolloutLabel(r.status)}: ${cardEscape(r.deployment, 80)}${r.endpoint ? ` on ${cardEscape(r.endpoint, 80)}` : ''}${why}`,
    });
  }
  for (const sc of (n.schedules ?? []).slice(0, 5))
    facts.push({ title: 'Schedule', value: `${sc.enabled ? '⏰' : '⏸️'} ${cardEscape(sc.name, 80)}: ${cardEscape(scheduleText(sc), 300)}` });
  for (const j of n.jobs.slice(0, 5))
    facts.push({ title: 'Job', value: `${JOB_MARK[j.status] ?? '⏳'} ${cardLink(cardEscape(j.name, 100), j.url)} ${cardEscape(j.status, 30)}` });
  if (n.jobs.length > 5) facts.push({ title: 'Job', value: `and ${n.jobs.length - 5} more` });
  return facts.length > 0 ? { type: 'FactSet', facts, spacing: 'Medium' } : undefined;
}

function card(n: Notice, maxRules: number, maxGates: number): AdaptiveCard {
  const body: AdaptiveElement[] = [
    text(`${OUTCOME_MARK[n.outcome]} ${cardEscape(n.title, 200) || 'Azure ML report'}`, { size: 'Large', weight: 'Bolder' }),
    text(cardEscape(headline(n), 2000), { spacing: 'Small' }),
  ];
  const gates = n.gates.slice(0, maxGates);
  gates.forEach((g, i) => body.push(...cardGate(g, n.gates.length > 1 ? i + 1 : undefined, maxRules)));
  if (n.gates.length > gates.length) body.push(text(`… and ${n.gates.length - gates.length} more gates in the job summary`, { isSubtle: true }));
  const facts = cardFacts(n);
  if (facts) body.push(facts);
  const where = [n.repository ? cardEscape(n.repository, 140) : '', shortSha(n.sha) ?? ''].filter(Boolean).join(' @ ');
  if (where) body.push(text(where, { isSubtle: true, size: 'Small' }));
  const actions: NonNullable<AdaptiveCard['actions']> = [];
  const runUrl = safeUrl(n.runUrl);
  if (runUrl) actions.push({ type: 'Action.OpenUrl', title: 'Workflow run', url: runUrl });
  const commentUrl = safeUrl(n.commentUrl);
  if (commentUrl) actions.push({ type: 'Action.OpenUrl', title: 'PR comment', url: commentUrl });
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: ADAPTIVE_CARD_VERSION,
    body,
    ...(actions.length > 0 ? { actions } : {}),
    // Teams: use the channel's full width (https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-format#full-width-adaptive-card)
    msteams: { width: 'Full' },
  };
}

export interface TeamsOptions {
  maxRules?: number;
  /** Longest body in bytes of JSON (default {@link TEAMS_MAX_BYTES}). */
  maxBytes?: number;
}

const envelope = (content: AdaptiveCard): TeamsMessage => ({
  type: 'message',
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }],
});

/** The Teams workflow message; rules, then gates are left out until the JSON fits `maxBytes`. */
export function teamsMessage(n: Notice, options: TeamsOptions = {}): TeamsMessage {
  const maxBytes = options.maxBytes ?? TEAMS_MAX_BYTES;
  const fits = (m: TeamsMessage) => Buffer.byteLength(JSON.stringify(m), 'utf8') <= maxBytes;
  const firstRules = options.maxRules ?? 15;
  for (const maxGates of [20, 5, 1, 0]) {
    for (const maxRules of [firstRules, 5, 1, 0]) {
      if (maxRules > firstRules) continue;
      const m = envelope(card(n, maxRules, maxGates));
      if (fits(m)) return m;
    }
  }
  // only the title, the overview and the links (each already cut) remain
  const bare = card({ ...n, gates: [], models: n.models.slice(0, 3), rollouts: n.rollouts.slice(0, 3), jobs: [], schedules: n.schedules?.slice(0, 3) }, 0, 0);
  return envelope(bare);
}
