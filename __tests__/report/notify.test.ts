/**
 * The Slack and Teams notifications built from realistic report data (the fixtures of the PR
 * comment's tests: a gate evaluated by the real rule language, a model, a rollout run by the
 * real machine), checked by the same validators the local webhook receivers apply.
 */
import { describe, expect, it } from 'vitest';
import { collectReportData, type ReportData } from '../../src/report/data.js';
import type { LedgerEntry } from '../../src/core/ledger.js';
import { buildNotice, cardEscape, SLACK_LIMITS, slackEscape, slackMessage, teamsMessage, TEAMS_MAX_BYTES, type Notice } from '../../src/report/notify.js';
import { slackProblems, teamsProblems } from '../helpers/webhook-receivers.js';
import { gateEntry, jobEntry, modelEntry, realisticLedger, rolloutEntry, RUN, throughJson } from './fixtures.js';

const notice = (data: ReportData, title = 'Azure ML report', commentUrl?: string): Notice => buildNotice({ data, title, run: RUN, commentUrl });

/** Every text of a Slack message (fallback, header, sections, fields, context). */
function slackTexts(m: ReturnType<typeof slackMessage>): string[] {
  const out = [m.text];
  for (const b of m.blocks) {
    if (b.type === 'header' || b.type === 'section') if (b.text) out.push(b.text.text);
    if (b.type === 'section') for (const f of b.fields ?? []) out.push(f.text);
    if (b.type === 'context') for (const e of b.elements) out.push(e.text);
  }
  return out;
}

describe('the notice of a realistic run', () => {
  it('Slack: header, overview, the gate with its rules, model and rollout fields, the run link', async () => {
    const n = notice(collectReportData(await realisticLedger()), 'Azure ML report', 'https://github.com/octo-org/ml-repo/pull/7#issuecomment-1');
    expect(n.outcome).toBe('passed');
    const m = slackMessage(n);
    expect(slackProblems(m)).toEqual([]);
    expect(m.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'context']);
    expect(m.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '✅ Azure ML report', emoji: true } });
    const all = slackTexts(m).join('\n');
    expect(m.text).toBe('Azure ML report: Gate ✅ passed (4/4 rules passed) · Model iris-classifier:4 · Rollout ✅ promoted');
    expect(all).toContain('*Metric gate* ✅ passed: 4/4 rules passed');
    // `>` and `<` as entities (Slack shows them as typed)
    expect(all).toContain('✅ `accuracy &gt;= 0.9` (quality bar): 0.95137 &gt;= 0.9');
    expect(all).toContain('✅ `f1_macro &gt;= baseline.f1_macro - 0.01` (no regression): 0.948651 &gt;= 0.9355');
    expect(all).toContain('✅ `loss &lt;= baseline.loss * 1.02`: 0.118725 &lt;= 0.13362');
    expect(all).toContain('*Model*\n📦 <https://ml.azure.com/model/iris-classifier:4/details?wsid=');
    expect(all).toContain('|iris-classifier:4> (registered)');
    expect(all).toContain('*Rollout*\n✅ promoted: `green` on `iris-endpoint`');
    expect(all).toContain('<https://github.com/octo-org/ml-repo/actions/runs/2718281828|Workflow run>');
    expect(all).toContain('<https://github.com/octo-org/ml-repo/pull/7#issuecomment-1|PR comment>');
    expect(all).toContain('octo-org/ml-repo @ `8f2a1c9`');
  });

  it('Teams: a message envelope with an Adaptive Card 1.4: title, overview, rules as facts, model and rollout, the run link', async () => {
    const m = teamsMessage(notice(collectReportData(await realisticLedger())));
    expect(teamsProblems(m)).toEqual([]);
    expect(m.type).toBe('message');
    expect(m.attachments).toHaveLength(1);
    const card = m.attachments[0].content;
    expect(card).toMatchObject({
      type: 'AdaptiveCard',
      version: '1.4',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      msteams: { width: 'Full' },
    });
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', text: '✅ Azure ML report', size: 'Large', weight: 'Bolder', wrap: true });
    expect(card.body[1].text).toBe('Gate ✅ passed (4/4 rules passed) · Model iris-classifier:4 · Rollout ✅ promoted');
    const facts = card.body.filter((e) => e.type === 'FactSet').flatMap((e) => e.facts as Array<{ title: string; value: string }>);
    expect(facts.map((f) => f.title)).toEqual([
      '✅ accuracy \\>= 0.9',
      '✅ f1\\_macro \\>= baseline.f1\\_macro - 0.01',
      '✅ loss \\<= baseline.loss \\* 1.02',
      '✅ max(accuracy) \\>= mean(accuracy)',
      'Model',
      'Rollout',
      'Job',
    ]);
    expect(facts.find((f) => f.title === 'Model')!.value).toMatch(
      /^📦 \[iris-classifier:4\]\(https:\/\/ml\.azure\.com\/model\/iris-classifier:4\/details\?wsid=.*\) \(registered\)$/,
    );
    expect(facts.find((f) => f.title === 'Rollout')!.value).toBe('✅ promoted: green on iris-endpoint');
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Workflow run', url: 'https://github.com/octo-org/ml-repo/actions/runs/2718281828' }]);
  });

  it('a failed gate: failed rules first with their values, the model not registered, outcome failed', () => {
    const failing = gateEntry(['accuracy >= 0.99  # bar', 'loss <= 1', 'f1_macro >= 0.999'].join('\n'));
    const n = notice(collectReportData(throughJson([jobEntry(), failing])));
    expect(n.outcome).toBe('failed');
    expect(n.notRegistered).toBe(true);
    expect(n.gates[0].rules.map((r) => [r.verdict, r.rule])).toEqual([
      ['failed', 'accuracy >= 0.99'],
      ['failed', 'f1_macro >= 0.999'],
      ['passed', 'loss <= 1'],
    ]);
    const s = slackMessage(n);
    expect(slackProblems(s)).toEqual([]);
    const all = slackTexts(s).join('\n');
    expect(all).toContain('*Metric gate* ❌ failed: 2 of 3 rules failed');
    expect(all).toContain('❌ `accuracy &gt;= 0.99` (bar): 0.95137 is not &gt;= 0.99');
    expect(all).toContain('*Model*\n⛔ not registered: the gate failed');
    expect(s.blocks[0]).toMatchObject({ text: { text: '❌ Azure ML report' } });
    const t = teamsMessage(n);
    expect(teamsProblems(t)).toEqual([]);
    expect(t.attachments[0].content.body[2]).toMatchObject({ color: 'Attention' });
  });

  it('a rolled-back rollout says so, with the reason', async () => {
    const n = notice(collectReportData(throughJson([gateEntry(), modelEntry(), await rolloutEntry({ failAt: 60_000 })])));
    expect(n.outcome).toBe('failed');
    expect(n.rollouts[0].status).toBe('rolled-back');
    const s = slackMessage(n);
    expect(slackProblems(s)).toEqual([]);
    expect(slackTexts(s).join('\n')).toMatch(/\*Rollout\*\n↩️ rolled back: `green` on `iris-endpoint`\n\S/);
    expect(teamsProblems(teamsMessage(n))).toEqual([]);
  });

  it('no data at all: a neutral message that still validates', () => {
    const n = notice({ jobs: [], gates: [], models: [], rollouts: [] });
    expect(n.outcome).toBe('neutral');
    expect(slackProblems(slackMessage(n))).toEqual([]);
    expect(teamsProblems(teamsMessage(n))).toEqual([]);
  });
});

describe('escaping', () => {
  const evil = [
    '<!channel> <@U123> <https://evil.example|click> & a>b',
    '{{DATE(2017-02-14T06:08:39Z,SHORT)}} **bold** [x](https://evil.example) `tick` _i_ ~s~',
  ];

  it('Slack mrkdwn: & < > become entities, so no mention, command or link comes from a name', () => {
    expect(slackEscape(evil[0])).toBe('&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp; a&gt;b');
    const metrics = new Map(evil.map((name, i) => [name, [{ step: 1, value: i }]]));
    const gate = gateEntry(`\`${evil[0]}\` >= 0 # ${evil[1]}`, metrics, undefined);
    const data = collectReportData(throughJson([gate, { ...jobEntry(), jobName: evil[0] }]));
    const m = slackMessage(notice(data, `title ${evil[0]}`));
    expect(slackProblems(m)).toEqual([]);
    // the header is plain text (no mentions, no links): left out here
    const all = slackTexts(m)
      .filter((t) => t !== (m.blocks[0] as { text: { text: string } }).text.text)
      .join('\n');
    expect(all).not.toMatch(/<[!@]/);
    expect(all).not.toContain('<https://evil.example');
    // the header is plain text: shown as typed
    expect(m.blocks[0]).toMatchObject({ text: { type: 'plain_text', text: `✅ title ${evil[0]}`.slice(0, 150) } });
  });

  it('Adaptive Card markdown: markup characters get a backslash, no {{DATE()}} function is formed, a leading list marker is escaped', () => {
    expect(cardEscape(evil[1])).toBe('\\{\\{DATE(2017-02-14T06:08:39Z,SHORT)\\}\\} \\*\\*bold\\*\\* \\[x\\](https://evil.example) \\`tick\\` \\_i\\_ \\~s\\~');
    expect(cardEscape('- item')).toBe('\\- item');
    expect(cardEscape('# heading')).toBe('\\# heading');
    expect(cardEscape('1. first')).toBe('1\\. first');
    expect(cardEscape('a\nb\u202Ec')).toBe('a bc');
    const metrics = new Map(evil.map((name, i) => [name, [{ step: 1, value: i }]]));
    const data = collectReportData(throughJson([gateEntry(`\`${evil[0]}\` >= 0 # ${evil[1]}`, metrics, undefined)]));
    const m = teamsMessage(notice(data, evil[1]));
    expect(teamsProblems(m)).toEqual([]);
    expect(JSON.stringify(m)).not.toMatch(/[^\\]\{\{DATE/);
  });
});

describe('limits', () => {
  /** A gate of `rules` rules on metrics with long names, from run `run` (gates are told apart by their source). */
  const longGate = (rules: number, length: number, run: number) => {
    const lines = Array.from({ length: rules }, (_, i) => `m${i}_${'x'.repeat(length)} >= 0`);
    const metrics = new Map(Array.from({ length: rules }, (_, i) => [`m${i}_${'x'.repeat(length)}`, [{ step: 1, value: 1 }]]));
    const g = gateEntry(lines.join('\n'), metrics, undefined) as { report: { source: object } };
    return { ...g, source: `run ${run}`, report: { ...g.report, source: { kind: 'file', description: `run ${run}` } } } as unknown as LedgerEntry;
  };

  it('long rules and names are cut; a section stays within 3000 characters, and the message within 50 blocks', () => {
    const entries = Array.from({ length: 60 }, (_, i) => longGate(30, 400, i));
    const models = Array.from({ length: 14 }, (_, i) => ({ ...modelEntry(), version: String(i + 1), name: 'n'.repeat(500) }));
    const data = collectReportData(throughJson([...entries, ...models]));
    expect(data.gates.length).toBeGreaterThan(50);
    const m = slackMessage(notice(data, 'T'.repeat(400)));
    expect(slackProblems(m)).toEqual([]);
    expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(m.blocks[0]).toMatchObject({ type: 'header' });
    expect((m.blocks[0] as { text: { text: string } }).text.text).toHaveLength(150);
    expect(slackTexts(m).join('\n')).toMatch(/… and \d+ more gates in the job summary/);
    const gateSection = m.blocks[2] as { text: { text: string } };
    expect(gateSection.text.text.length).toBeLessThanOrEqual(3000);
    expect(gateSection.text.text).toMatch(/… and 15 more rules|… and \d+ more lines/);
    expect(gateSection.text.text).toContain('…`');
    // 14 model fields: two section blocks of at most 10 fields
    const fieldBlocks = m.blocks.filter((b) => b.type === 'section' && b.fields);
    expect(fieldBlocks.map((b) => (b as { fields: unknown[] }).fields.length)).toEqual([10, 4]);
  });

  it('a title of emoji is cut to 150 UTF-16 units without splitting a surrogate pair', () => {
    const m = slackMessage(notice({ jobs: [], gates: [], models: [], rollouts: [] }, '📦'.repeat(200)));
    const header = (m.blocks[0] as { text: { text: string } }).text.text;
    expect(header.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    expect(header).toMatch(/^ℹ️ (📦)+…$/u);
    expect(slackProblems(m)).toEqual([]);
  });

  it('Teams: the card is shortened (rules, then gates) to stay under 28 KB', () => {
    const entries = Array.from({ length: 30 }, (_, i) => longGate(30, 150, i));
    const n = notice(collectReportData(throughJson(entries)));
    const m = teamsMessage(n);
    expect(teamsProblems(m)).toEqual([]);
    const bytes = Buffer.byteLength(JSON.stringify(m));
    expect(bytes).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    const full = teamsMessage(n, { maxBytes: 10_000_000 });
    expect(Buffer.byteLength(JSON.stringify(full))).toBeGreaterThan(TEAMS_MAX_BYTES);
    expect(JSON.stringify(m)).toMatch(/and \d+ more (rules|gates)/);
  });
});

describe('schedules in the notifications', () => {
  const scheduleLedger = [
    {
      kind: 'schedule',
      name: 'nightly_retrain',
      jobType: 'Pipeline',
      status: 'created',
      enabled: true,
      trigger: 'cron 0 2 * * * (UTC)',
      nextRuns: ['2026-12-08T02:00:00.000Z'],
    },
    { kind: 'schedule', name: 'weekly_eval', status: 'updated', enabled: false, nextRuns: [] },
  ] as unknown as LedgerEntry[];

  it('Slack: a field per schedule with its trigger and next run; a schedule alone is not an empty report', () => {
    const n = notice(collectReportData(scheduleLedger));
    expect(n.outcome).toBe('passed');
    const m = slackMessage(n);
    expect(slackProblems(m)).toEqual([]);
    const all = slackTexts(m).join('\n');
    expect(all).toContain('*Schedule*\n⏰ `nightly_retrain`: created · cron 0 2 \\* \\* \\* (UTC) · next 2026-12-08 02:00Z'.replace(/\\\*/g, '*'));
    expect(all).toContain('⏸️ `weekly_eval`: updated · disabled');
    expect(m.text).toContain('Schedule nightly_retrain created');
  });

  it('Teams: a fact per schedule', () => {
    const t = teamsMessage(notice(collectReportData(scheduleLedger)));
    expect(teamsProblems(t)).toEqual([]);
    const facts = JSON.stringify(t);
    expect(facts).toContain('"title":"Schedule"');
    // Teams markdown escapes the underscore (cardEscape).
    expect(facts).toContain('nightly\\\\_retrain');
    expect(facts).toContain('next 2026-12-08 02:00Z');
  });
});
