/**
 * pr-summary's notifications through the built bundle (dist/pr-summary, Node 24 as the runner
 * runs it): the comment goes to the loopback fake of GitHub's API, the notifications to local
 * Slack and Teams webhook receivers (real HTTP servers on 127.0.0.1) that check the payload as
 * the services do (__tests__/helpers/webhook-receivers.ts) and answer as they do.
 *
 * Needs `npm run build` (dist is not committed by helpers; npm test checks it is fresh).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendLedger, type LedgerEntry } from '../../src/core/ledger.js';
import { runAction, type RunResult } from '../harness/index.js';
import { startGitHubFake, type GitHubFake } from '../helpers/github-fake.js';
import { startSlackReceiver, startTeamsReceiver, type Receiver } from '../helpers/webhook-receivers.js';
import { gateEntry, jobEntry, modelEntry, rolloutEntry } from '../report/fixtures.js';

const OWNER = 'octo-org';
const REPO = 'ml-repo';
let fake: GitHubFake;
let slack: Receiver;
let teams: Receiver;
let ledger: LedgerEntry[];

function runnerTempWith(entries: LedgerEntry[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'prs-notify-'));
  for (const e of entries) appendLedger(e, { RUNNER_TEMP: dir });
  return dir;
}

function prEvent(number: number) {
  return {
    action: 'synchronize',
    number,
    pull_request: { number, head: { ref: 'feature', sha: 'f'.repeat(40), repo: { full_name: `${OWNER}/${REPO}` } }, base: { ref: 'main' } },
    repository: { full_name: `${OWNER}/${REPO}` },
  };
}

function run(o: { pr?: number; inputs?: Record<string, string>; entries?: LedgerEntry[] }): Promise<RunResult> {
  return runAction({
    action: 'pr-summary',
    inputs: { 'github-token': 'ghs_actions', ...o.inputs },
    env: { GITHUB_API_URL: fake.baseUrl, GITHUB_GRAPHQL_URL: `${fake.baseUrl}/graphql` },
    eventName: o.pr !== undefined ? 'pull_request' : 'push',
    event: o.pr !== undefined ? prEvent(o.pr) : { ref: 'refs/heads/main' },
    runnerTemp: runnerTempWith(o.entries ?? ledger),
    repository: `${OWNER}/${REPO}`,
    runId: '2718281828',
    timeoutMs: 90_000,
  });
}

const both = () => ({ 'notify-slack-webhook': slack.url, 'notify-teams-webhook': teams.url });
const warnings = (r: RunResult) => r.main.annotations.filter((a) => a.level === 'warning');

/** The URLs were masked, and appear nowhere in what the step printed, wrote or set (but the mask commands). */
function noWebhookUrl(r: RunResult): void {
  expect(r.main.secretsMasked).toEqual(expect.arrayContaining([slack.url, teams.url]));
  const printed = r.main.log
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  for (const text of [printed, r.summary, JSON.stringify(r.outputs), JSON.stringify(r.main.annotations)]) {
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain(slack.url);
    expect(text).not.toContain(teams.url);
    expect(text).not.toContain(new URL(slack.url).pathname);
  }
}

beforeAll(async () => {
  fake = await startGitHubFake();
  slack = await startSlackReceiver();
  teams = await startTeamsReceiver();
  ledger = [jobEntry(), gateEntry(), modelEntry(), await rolloutEntry()];
});
afterAll(async () => {
  await fake?.close();
  await slack?.close();
  await teams?.close();
});
afterEach(() => {
  const violations = [...fake.violations];
  fake.resetLog();
  expect(violations).toEqual([]);
  slack.received.length = 0;
  teams.received.length = 0;
});

describe('pr-summary notifications', () => {
  it('posts the report to Slack (Block Kit) and Teams (Adaptive Card) after the comment', async () => {
    fake.addIssue(OWNER, REPO, 31);
    const r = await run({ pr: 31, inputs: both() });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(warnings(r)).toEqual([]);
    const [comment] = fake.commentsOf(OWNER, REPO, 31);
    expect(comment).toBeDefined();

    expect(slack.received.map((x) => [x.status, x.problems])).toEqual([[200, []]]);
    const s = slack.accepted()[0] as {
      text: string;
      blocks: Array<{ type: string; text?: { text: string }; fields?: Array<{ text: string }>; elements?: Array<{ text: string }> }>;
    };
    expect(s.text).toBe('Azure ML report: Gate ✅ passed (4/4 rules passed) · Model iris-classifier:4 · Rollout ✅ promoted');
    expect(s.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'context']);
    expect(s.blocks[2].text!.text).toContain('✅ `accuracy &gt;= 0.9` (quality bar): 0.95137 &gt;= 0.9');
    expect(s.blocks[3].fields!.map((f) => f.text.split('\n')[0])).toEqual(['*Model*', '*Rollout*']);
    const context = s.blocks[4].elements!.map((e) => e.text);
    expect(context[0]).toBe(`<https://github.com/${OWNER}/${REPO}/actions/runs/2718281828|Workflow run>`);
    expect(context[1]).toBe(`<${r.outputs['comment-url']}|PR comment>`);
    expect(r.outputs['comment-url']).toBe(`https://github.com/${OWNER}/${REPO}/pull/31#issuecomment-${comment.id}`);

    expect(teams.received.map((x) => [x.status, x.problems])).toEqual([[202, []]]);
    const t = teams.accepted()[0] as { attachments: Array<{ content: { version: string; body: Array<{ text?: string }>; actions: Array<{ url: string }> } }> };
    expect(t.attachments[0].content.version).toBe('1.4');
    expect(t.attachments[0].content.body[1].text).toBe('Gate ✅ passed (4/4 rules passed) · Model iris-classifier:4 · Rollout ✅ promoted');
    expect(t.attachments[0].content.actions.map((a) => a.url)).toEqual([
      `https://github.com/${OWNER}/${REPO}/actions/runs/2718281828`,
      expect.stringMatching(new RegExp(`^https://github\\.com/${OWNER}/${REPO}/pull/31#issuecomment-\\d+$`)),
    ]);

    expect(r.main.log).toContain('Slack webhook: notification posted (HTTP 200).');
    expect(r.main.log).toContain('Teams webhook: notification posted (HTTP 202).');
    noWebhookUrl(r);
  });

  it('Slack answers 500, then 200: retried, posted once, the step passes', async () => {
    fake.addIssue(OWNER, REPO, 32);
    slack.fault({ status: 500, body: 'rollup_error' });
    const r = await run({ pr: 32, inputs: both() });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(warnings(r)).toEqual([]);
    expect(slack.received.map((x) => x.status)).toEqual([500, 200]);
    expect(slack.accepted()).toHaveLength(1);
    expect(r.main.log).toMatch(/Slack webhook: HTTP 500: rollup_error; retry 1 in \d\.\d s\./);
    expect(r.main.log).toContain('Slack webhook: notification posted (HTTP 200, after 2 tries).');
    expect(teams.accepted()).toHaveLength(1);
    noWebhookUrl(r);
  });

  it('a webhook that refuses (400) is a warning naming it, never its URL; the other is posted and the step passes', async () => {
    fake.addIssue(OWNER, REPO, 33);
    teams.fault({ status: 400, body: '{"error":{"code":"TriggerInputSchemaMismatch","message":"The input body for trigger manual does not match"}}' });
    const r = await run({ pr: 33, inputs: both() });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs['mode-used']).toBe('create');
    expect(teams.received.map((x) => x.status)).toEqual([400]);
    expect(slack.accepted()).toHaveLength(1);
    expect(warnings(r)).toHaveLength(1);
    expect(warnings(r)[0]).toMatchObject({ properties: { title: 'pr-summary: Teams webhook' } });
    expect(warnings(r)[0].message).toMatch(
      /^The Teams notification was not posted: HTTP 400: \{"error":\{"code":"TriggerInputSchemaMismatch".*\. The report is in the job summary and the PR comment\.$/,
    );
    noWebhookUrl(r);
  });

  it('without a pull request (a push): the job summary, and the notifications all the same', async () => {
    const r = await run({ inputs: both() });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs['mode-used']).toBe('summary-only');
    expect(slack.accepted()).toHaveLength(1);
    expect(teams.accepted()).toHaveLength(1);
    // no comment to link to: only the run
    const s = slack.accepted()[0] as { blocks: Array<{ type: string; elements?: Array<{ text: string }> }> };
    expect(
      s.blocks
        .at(-1)!
        .elements!.map((e) => e.text)
        .filter((t) => t.includes('PR comment')),
    ).toEqual([]);
    noWebhookUrl(r);
  });

  it('a failed gate: the message says failed, with the failing rule and no model (Slack only: Teams not given, not called)', async () => {
    fake.addIssue(OWNER, REPO, 34);
    const r = await run({ pr: 34, inputs: { 'notify-slack-webhook': slack.url }, entries: [jobEntry(), gateEntry('accuracy >= 0.99 # bar')] });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(teams.received).toEqual([]);
    const s = slack.accepted()[0] as { text: string; blocks: Array<{ text?: { text: string } }> };
    expect(s.text).toBe('Azure ML report: Gate ❌ failed (1 of 1 rules failed) · Model not registered');
    expect(s.blocks[0].text!.text).toBe('❌ Azure ML report');
    expect(s.blocks[2].text!.text).toContain('❌ `accuracy &gt;= 0.99` (bar): 0.95137 is not &gt;= 0.99');
  });
});
