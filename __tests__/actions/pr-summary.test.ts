/**
 * pr-summary through its built bundle (dist/pr-summary, run by Node 24 as the runner does) against
 * the loopback fake of GitHub's API (GITHUB_API_URL points at it). The run ledger is written
 * under RUNNER_TEMP by the real `appendLedger`, as the earlier steps of a job would.
 *
 * Needs `node scripts/build.mjs pr-summary` (npm test checks dist is fresh).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendLedger, type LedgerEntry } from '../../src/core/ledger.js';
import { runAction, type RunResult } from '../harness/index.js';
import { ACTIONS_BOT, OTHER_USER, SECONDARY_RATE_LIMIT, startGitHubFake, type GitHubFake } from '../helpers/github-fake.js';
import { gateEntry, jobEntry, modelEntry, rolloutEntry } from '../report/fixtures.js';
import { inertProblems } from '../report/inert.js';

const OWNER = 'octo-org';
const REPO = 'ml-repo';
let fake: GitHubFake;
let ledger: LedgerEntry[];

function runnerTempWith(entries: LedgerEntry[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'prs-runner-'));
  for (const e of entries) appendLedger(e, { RUNNER_TEMP: dir });
  return dir;
}

function prEvent(number: number, headRepo = `${OWNER}/${REPO}`) {
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      head: { ref: 'feature', sha: 'f'.repeat(40), repo: { full_name: headRepo } },
      base: { ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
    },
    repository: { full_name: `${OWNER}/${REPO}` },
  };
}

interface Run {
  inputs?: Record<string, string>;
  eventName?: string;
  event?: unknown;
  runnerTemp?: string;
  token?: string;
}

function run(o: Run): Promise<RunResult> {
  return runAction({
    action: 'pr-summary',
    inputs: { 'github-token': o.token ?? 'ghs_actions', ...o.inputs },
    env: { GITHUB_API_URL: fake.baseUrl, GITHUB_GRAPHQL_URL: `${fake.baseUrl}/graphql` },
    eventName: o.eventName ?? 'pull_request',
    event: o.event,
    runnerTemp: o.runnerTemp ?? runnerTempWith(ledger),
    repository: `${OWNER}/${REPO}`,
    runId: '2718281828',
    timeoutMs: 60_000,
  });
}

const notices = (r: RunResult) => r.main.annotations.filter((a) => a.level === 'notice');
const errors = (r: RunResult) => r.main.annotations.filter((a) => a.level === 'error');

beforeAll(async () => {
  fake = await startGitHubFake();
  ledger = [jobEntry(), gateEntry(), modelEntry(), await rolloutEntry()];
});
afterAll(async () => {
  await fake?.close();
});
afterEach(() => {
  const violations = [...fake.violations];
  fake.resetLog();
  expect(violations).toEqual([]);
});

describe('pr-summary on a pull request', () => {
  it('first run creates the comment, the second updates the same one; the job summary has the report', async () => {
    fake.addIssue(OWNER, REPO, 7);
    const temp = runnerTempWith(ledger);
    const first = await run({ event: prEvent(7), runnerTemp: temp });
    expect(first.main.exitCode, first.main.log).toBe(0);
    expect(first.outputs['mode-used']).toBe('create');
    const [comment] = fake.commentsOf(OWNER, REPO, 7);
    expect(first.outputs['comment-id']).toBe(String(comment.id));
    expect(first.outputs['comment-url']).toBe(`https://github.com/${OWNER}/${REPO}/pull/7#issuecomment-${comment.id}`);
    expect(comment.user.login).toBe('github-actions[bot]');
    expect(comment.body).toBe(first.outputs.body);
    expect(comment.body.split('\n')[0]).toBe('<!-- azureml-actions:pr-summary:mlops/train -->');
    expect(comment.body).toContain('**Gate** ✅ passed (4/4 rules passed)');
    expect(comment.body).toMatch(/```mermaid\n%%\{init: .*\}%%\nxychart-beta\n/);
    expect(comment.body).toContain('### 🚀 Rollout of <code>green</code> on <code>iris-endpoint</code>: ✅ promoted');
    expect(readFileSync(first.outputs['body-path'], 'utf8')).toBe(comment.body);
    expect(first.summary).toContain('## Azure ML report');
    expect(first.summary).not.toContain('azureml-actions:pr-summary:');
    expect(first.main.secretsMasked).toContain('ghs_actions');
    expect(inertProblems(comment.body)).toEqual([]);

    const second = await run({ event: prEvent(7), runnerTemp: temp, inputs: { title: 'Model report' } });
    expect(second.main.exitCode, second.main.log).toBe(0);
    expect(second.outputs['mode-used']).toBe('update');
    expect(second.outputs['comment-id']).toBe(String(comment.id));
    const after = fake.commentsOf(OWNER, REPO, 7);
    expect(after).toHaveLength(1);
    expect(after[0].body).toContain('## Model report');
    expect(second.main.log).toContain('1 earlier report(s) by github-actions[bot]');
  });

  it('leaves alone a comment with the marker written by another user', async () => {
    const planted = fake.seedComment(OWNER, REPO, 8, OTHER_USER, '<!-- azureml-actions:pr-summary:mlops/train -->\nfake report');
    const r = await run({ event: prEvent(8) });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs['mode-used']).toBe('create');
    const comments = fake.commentsOf(OWNER, REPO, 8);
    expect(comments).toHaveLength(2);
    expect(comments.find((c) => c.id === planted.id)!.body).toBe('<!-- azureml-actions:pr-summary:mlops/train -->\nfake report');
    expect(r.main.log).toContain(`Comment ${planted.id} carries the marker but was written by mallory, not github-actions[bot]: left alone.`);
  });

  it('pages through 250 existing comments to find its own', async () => {
    for (let i = 0; i < 249; i++) fake.seedComment(OWNER, REPO, 9, OTHER_USER, `review comment ${i}`);
    const ours = fake.seedComment(OWNER, REPO, 9, ACTIONS_BOT, '<!-- azureml-actions:pr-summary:mlops/train -->\nold');
    const r = await run({ event: prEvent(9) });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs).toMatchObject({ 'mode-used': 'update', 'comment-id': String(ours.id) });
    expect(r.main.log).toContain('PR #9: 250 comment(s) read in 3 page(s)');
    expect(fake.commentsOf(OWNER, REPO, 9)).toHaveLength(250);
  });

  it('hide-previous posts anew and minimizes the old report', async () => {
    const old = fake.seedComment(OWNER, REPO, 10, ACTIONS_BOT, '<!-- azureml-actions:pr-summary:ci -->\nold');
    const r = await run({ event: prEvent(10), inputs: { mode: 'hide-previous', header: 'ci' } });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs['mode-used']).toBe('hide-previous');
    const comments = fake.commentsOf(OWNER, REPO, 10);
    expect(comments.find((c) => c.id === old.id)!.minimized).toBe('OUTDATED');
    expect(comments.find((c) => String(c.id) === r.outputs['comment-id'])!.body.startsWith('<!-- azureml-actions:pr-summary:ci -->')).toBe(true);
  });

  it('retries a secondary rate limit', async () => {
    fake.addIssue(OWNER, REPO, 11);
    fake.fault({ method: 'POST', path: /\/issues\/11\/comments$/, ...SECONDARY_RATE_LIMIT });
    const r = await run({ event: prEvent(11) });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.main.log).toMatch(/GitHub rate limit on POST \/repos\/\{owner\}\/\{repo\}\/issues\/\{issue_number\}\/comments: retry 1 in 1\.0 s/);
    expect(fake.commentsOf(OWNER, REPO, 11)).toHaveLength(1);
  });

  it('from a fork (read-only token, 403): job summary only, a notice, no failure', async () => {
    fake.addIssue(OWNER, REPO, 12);
    const r = await run({ event: prEvent(12, 'forker/ml-repo'), token: 'ghs_fork_readonly' });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(errors(r)).toEqual([]);
    expect(r.outputs['mode-used']).toBe('summary-only');
    expect(r.outputs['comment-id'] ?? '').toBe('');
    expect(notices(r)[0].message).toMatch(
      /Could not comment on #12: GitHub refused to create a comment .*403 Resource not accessible by integration.*comes from a fork.*The report is in the job summary\./,
    );
    expect(r.summary).toContain('**Gate** ✅ passed');
    expect(fake.commentsOf(OWNER, REPO, 12)).toHaveLength(0);
  });
});

describe('pr-summary outside a pull request', () => {
  it('on a push: job summary only, a notice', async () => {
    const r = await run({ eventName: 'push', event: { ref: 'refs/heads/main' } });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs['mode-used']).toBe('summary-only');
    expect(notices(r)[0].message).toMatch(/No pull request to comment on \(event 'push'\)/);
    expect(r.summary).toContain('### 📏 Metric gate: ✅ passed');
    expect(fake.requests).toEqual([]);
  });

  it('workflow_run: the PR from pull_requests[0], or for a fork from its head branch', async () => {
    fake.addIssue(OWNER, REPO, 13);
    const same = await run({ eventName: 'workflow_run', event: { workflow_run: { pull_requests: [{ number: 13 }], head_branch: 'feature' } } });
    expect(same.main.exitCode, same.main.log).toBe(0);
    expect(fake.commentsOf(OWNER, REPO, 13)).toHaveLength(1);

    fake.addPull({ owner: OWNER, repo: REPO, number: 14, headOwner: 'forker', headRepo: REPO, branch: 'patch-1', sha: 'c'.repeat(40) });
    const fork = await run({
      eventName: 'workflow_run',
      event: {
        workflow_run: {
          pull_requests: [],
          head_branch: 'patch-1',
          head_sha: 'c'.repeat(40),
          head_repository: { full_name: 'forker/ml-repo', owner: { login: 'forker' } },
        },
      },
    });
    expect(fork.main.exitCode, fork.main.log).toBe(0);
    expect(fork.main.log).toContain('workflow_run of forker:patch-1: its open pull request is #14.');
    expect(fake.commentsOf(OWNER, REPO, 14)).toHaveLength(1);
  });

  it('pr-number and the JSON outputs of other jobs, with an empty ledger', async () => {
    fake.addIssue(OWNER, REPO, 15);
    const report = (gateEntry() as { report: unknown }).report;
    const r = await run({
      eventName: 'push',
      runnerTemp: runnerTempWith([]),
      inputs: {
        'pr-number': '15',
        // what `${{ needs.gate.outputs.report }}` gives: the report's JSON text
        'gate-reports': JSON.stringify(report),
        jobs: JSON.stringify({ 'job-name': 'train-in-other-job', status: 'Completed', 'studio-url': 'https://ml.azure.com/runs/train-in-other-job' }),
      },
    });
    expect(r.main.exitCode, r.main.log).toBe(0);
    const [comment] = fake.commentsOf(OWNER, REPO, 15);
    expect(comment.body).toContain('<a href="https://ml.azure.com/runs/train-in-other-job"><code>train-in-other-job</code></a>');
    expect(comment.body).toContain('| <code>accuracy</code> | 0.95137 | 0.9467 |');
  });

  it('a bad JSON input fails the step with the input named, after nothing was posted', async () => {
    fake.addIssue(OWNER, REPO, 16);
    const r = await run({ event: prEvent(16), inputs: { models: '[{"nope": 1}]' } });
    expect(r.main.exitCode).toBe(1);
    expect(errors(r)[0]).toMatchObject({ properties: { title: 'pr-summary: configuration error' } });
    expect(errors(r)[0].message).toMatch(/Input 'models' item 1 is not a model this action can read\. Expected register-model's outputs/);
    expect(fake.commentsOf(OWNER, REPO, 16)).toHaveLength(0);
  });
});

describe('injection attempts in metric names', () => {
  it('come out inert in the posted comment', async () => {
    fake.addIssue(OWNER, REPO, 17);
    const names = ['<img src=x onerror=alert(1)>', '[x](javascript:alert(1))', '@org/team', '`tick`', 'a|b', 'acc"] --> X; click X call alert(1)'];
    const metrics = new Map(
      names.map((n, i) => [
        n,
        [
          { step: 1, value: i },
          { step: 2, value: i + 1 },
        ],
      ]),
    );
    const evil = gateEntry('`a|b` >= 0 # @team <b>x</b>', metrics, undefined);
    const r = await run({ event: prEvent(17), runnerTemp: runnerTempWith([evil]) });
    expect(r.main.exitCode, r.main.log).toBe(0);
    const [comment] = fake.commentsOf(OWNER, REPO, 17);
    expect(inertProblems(comment.body)).toEqual([]);
    expect(comment.body).toContain('<code>&lt;img src=x onerror=alert&#40;1&#41;&gt;</code>');
    expect(comment.body).toContain('<code>&#64;&#8203;org/team</code>');
  });
});
