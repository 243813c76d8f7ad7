/**
 * The sticky comment through the real Octokit client (with the retry hook) against the loopback
 * fake of GitHub's API: every request the client makes is checked against the routes and fields
 * of the REST documentation (fake.violations).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client.js';
import { createCommentsApi, isCommentWriteForbidden, type CommentsApi } from '../../src/github/comments.js';
import { retryDecision } from '../../src/github/retry.js';
import { APPEND_SEPARATOR, appendBody, postStickyComment } from '../../src/github/sticky.js';
import { commentMarker } from '../../src/report/comment.js';
import { ACTIONS_BOT, OTHER_USER, OWNER_USER, SECONDARY_RATE_LIMIT, startGitHubFake, type GitHubFake } from '../helpers/github-fake.js';

let fake: GitHubFake;
const OWNER = 'octo-org';
const REPO = 'ml-repo';
const marker = commentMarker('mlops/train');
let pr = 100;
let delays: number[] = [];

async function api(token = 'ghs_actions'): Promise<CommentsApi> {
  const octokit = await createGitHubClient({ token, baseUrl: fake.baseUrl, retry: { sleep: async (ms) => void delays.push(ms), random: () => 0.5 } });
  return createCommentsApi(octokit, { owner: OWNER, repo: REPO });
}

const body = (n: number) => `${marker}\n## Azure ML report\n\nrun ${n}\n`;

function newPr(): number {
  pr += 1;
  fake.addIssue(OWNER, REPO, pr);
  return pr;
}

beforeAll(async () => {
  fake = await startGitHubFake();
});
afterAll(async () => {
  await fake?.close();
});
afterEach(() => {
  const violations = [...fake.violations];
  fake.resetLog();
  delays = [];
  expect(violations).toEqual([]);
});

describe('identity', () => {
  it('is the user of a personal access token (GET /user)', async () => {
    expect(await (await api('ghp_octocat')).identity()).toEqual({ login: 'octocat', source: 'user' });
  });

  it('is the bot of an installation token: GET /user answers 403, GraphQL viewer answers', async () => {
    expect(await (await api('ghs_actions')).identity()).toEqual({ login: 'github-actions[bot]', source: 'viewer' });
    expect(fake.calls()).toEqual(['GET /user', 'POST /graphql']);
  });

  it('a refused token is a configuration error on github-token', async () => {
    await expect((await api('ghp_revoked')).identity()).rejects.toMatchObject({ name: 'ConfigurationError', input: 'github-token' });
  });
});

describe('sticky comment', () => {
  it('creates on the first run and updates the same comment on the second', async () => {
    const n = newPr();
    const first = await postStickyComment(await api(), { issueNumber: n, marker, body: body(1) });
    expect(first.modeUsed).toBe('create');
    expect(first.comment.htmlUrl).toBe(`https://github.com/${OWNER}/${REPO}/pull/${n}#issuecomment-${first.comment.id}`);
    const second = await postStickyComment(await api(), { issueNumber: n, marker, body: body(2) });
    expect(second.modeUsed).toBe('update');
    expect(second.comment.id).toBe(first.comment.id);
    const all = fake.commentsOf(OWNER, REPO, n);
    expect(all).toHaveLength(1);
    expect(all[0].body).toBe(body(2));
    expect(fake.calls().filter((c) => c.startsWith('PATCH'))).toEqual([`PATCH /repos/${OWNER}/${REPO}/issues/comments/${first.comment.id}`]);
  });

  it('leaves alone a comment with the marker written by someone else', async () => {
    const n = newPr();
    const planted = fake.seedComment(OWNER, REPO, n, OTHER_USER, `${body(0)}\n[click me](https://evil.example)`);
    const r = await postStickyComment(await api(), { issueNumber: n, marker, body: body(1) });
    expect(r.modeUsed).toBe('create');
    expect(r.ignored.map((c) => c.id)).toEqual([planted.id]);
    expect(fake.commentsOf(OWNER, REPO, n).find((c) => c.id === planted.id)!.body).toContain('evil.example');
    // the same with a personal access token: octocat's own comment is found, mallory's is not
    const mine = fake.seedComment(OWNER, REPO, n, OWNER_USER, body(5));
    const asOctocat = await postStickyComment(await api('ghp_octocat'), { issueNumber: n, marker, body: body(6) });
    expect(asOctocat.comment.id).toBe(mine.id);
    expect(fake.commentsOf(OWNER, REPO, n).find((c) => c.id === planted.id)!.body).toContain('evil.example');
  });

  it('reads all 250 comments, 100 per page, and finds ours on the last page', async () => {
    const n = newPr();
    for (let i = 0; i < 249; i++) fake.seedComment(OWNER, REPO, n, i % 2 ? OWNER_USER : OTHER_USER, `comment ${i} ${i === 7 ? marker : ''}`);
    const ours = fake.seedComment(OWNER, REPO, n, ACTIONS_BOT, body(0));
    const r = await postStickyComment(await api(), { issueNumber: n, marker, body: body(1) });
    expect(r).toMatchObject({ modeUsed: 'update', scanned: 250 });
    expect(r.comment.id).toBe(ours.id);
    const pages = fake.requests.filter((q) => q.method === 'GET' && q.path.endsWith(`/issues/${n}/comments`));
    expect(pages.map((q) => q.query)).toEqual([{ per_page: '100' }, { per_page: '100', page: '2' }, { per_page: '100', page: '3' }]);
  });

  it('recreate: posts a new comment, then deletes the old one', async () => {
    const n = newPr();
    const old = (await postStickyComment(await api(), { issueNumber: n, marker, body: body(1) })).comment;
    const r = await postStickyComment(await api(), { issueNumber: n, marker, body: body(2), mode: 'recreate' });
    expect(r.modeUsed).toBe('recreate');
    expect(r.comment.id).not.toBe(old.id);
    expect(fake.commentsOf(OWNER, REPO, n).map((c) => c.id)).toEqual([r.comment.id]);
    expect(
      fake
        .calls()
        .slice(-2)
        .map((c) => c.split(' ')[0]),
    ).toEqual(['POST', 'DELETE']);
  });

  it('append: keeps the earlier reports in the same comment, oldest dropped to fit', async () => {
    const n = newPr();
    await postStickyComment(await api(), { issueNumber: n, marker, body: body(1), mode: 'append' });
    const r = await postStickyComment(await api(), { issueNumber: n, marker, body: body(2), mode: 'append' });
    expect(r.modeUsed).toBe('append');
    const text = fake.commentsOf(OWNER, REPO, n)[0].body;
    expect(text.startsWith(marker)).toBe(true);
    expect(text.split(APPEND_SEPARATOR).map((s) => /run (\d)/.exec(s)?.[1])).toEqual(['1', '2']);
    const long = appendBody(`${marker}\n${'a'.repeat(600)}${APPEND_SEPARATOR}${'b'.repeat(300)}`, `${marker}\n${'c'.repeat(300)}`, marker, 800);
    expect(long.length).toBeLessThanOrEqual(800);
    expect(long).toContain('b'.repeat(300));
    expect(long).not.toContain('a'.repeat(600));
  });

  it('hide-previous: posts a new comment and minimizes the old one as outdated', async () => {
    const n = newPr();
    const old = (await postStickyComment(await api(), { issueNumber: n, marker, body: body(1) })).comment;
    const r = await postStickyComment(await api(), { issueNumber: n, marker, body: body(2), mode: 'hide-previous' });
    expect(r.modeUsed).toBe('hide-previous');
    const comments = fake.commentsOf(OWNER, REPO, n);
    expect(comments).toHaveLength(2);
    expect(comments.find((c) => c.id === old.id)!.minimized).toBe('OUTDATED');
    expect(comments.find((c) => c.id === r.comment.id)!.minimized).toBeUndefined();
  });

  it('a read-only token (fork PR) gets CommentWriteForbiddenError, and nothing changes', async () => {
    const n = newPr();
    const error = await postStickyComment(await api('ghs_fork_readonly'), { issueNumber: n, marker, body: body(1) }).catch((e: unknown) => e);
    expect(isCommentWriteForbidden(error)).toBe(true);
    expect((error as Error).message).toMatch(/GitHub refused to create a comment on #\d+ in octo-org\/ml-repo \(403 Resource not accessible by integration\)/);
    expect(fake.commentsOf(OWNER, REPO, n)).toHaveLength(0);
  });

  it('a PR that does not exist is a configuration error on pr-number', async () => {
    await expect(postStickyComment(await api(), { issueNumber: 99_999, marker, body: body(1) })).rejects.toMatchObject({
      name: 'ConfigurationError',
      input: 'pr-number',
    });
  });
});

describe('retries', () => {
  it('waits out a secondary rate limit (retry-after) and retries the write', async () => {
    const n = newPr();
    fake.fault({ method: 'POST', path: /\/issues\/\d+\/comments$/, ...SECONDARY_RATE_LIMIT });
    const r = await postStickyComment(await api(), { issueNumber: n, marker, body: body(1) });
    expect(r.modeUsed).toBe('create');
    expect(delays).toEqual([1000]);
    expect(fake.commentsOf(OWNER, REPO, n)).toHaveLength(1);
    expect(fake.requests.filter((q) => q.method === 'POST' && q.path.includes('/issues/')).map((q) => q.status)).toEqual([403, 201]);
  });

  it('a rate limit that outlasts the retries is a failure, not mistaken for a read-only token', async () => {
    const n = newPr();
    fake.fault({ method: 'POST', path: /\/issues\/\d+\/comments$/, ...SECONDARY_RATE_LIMIT, times: 4 });
    const error = await postStickyComment(await api(), { issueNumber: n, marker, body: body(1) }).catch((e: unknown) => e);
    expect(delays).toEqual([1000, 1000, 1000]);
    expect(isCommentWriteForbidden(error)).toBe(false);
    expect((error as Error).message).toMatch(
      /^Could not create a comment on #\d+ in octo-org\/ml-repo: GitHub's rate limit still refused it after the retries \(403 You have exceeded a secondary rate limit/,
    );
  });

  it('retries 5xx on reads with backoff, but never re-posts a comment after a 5xx', async () => {
    const n = newPr();
    fake.fault({ method: 'GET', path: /\/comments$/, status: 502, body: { message: 'Server Error' }, times: 2 });
    fake.fault({ method: 'POST', path: /\/comments$/, status: 502, body: { message: 'Server Error' } });
    const error = await postStickyComment(await api(), { issueNumber: n, marker, body: body(1) }).catch((e: unknown) => e);
    expect(delays).toEqual([750, 1500]);
    expect((error as { status?: number }).status).toBe(502);
    expect(fake.requests.filter((q) => q.method === 'POST' && q.path.includes('/issues/'))).toHaveLength(1);
  });

  it('decides by status, headers and method', () => {
    const err = (status: number, headers: Record<string, string> = {}, message = '') => ({ status, message, response: { headers, data: { message } } });
    const get = { method: 'GET', url: '/x' };
    const post = { method: 'POST', url: '/repos/{owner}/{repo}/issues/{issue_number}/comments' };
    expect(retryDecision(err(403, { 'retry-after': '30' }), 0, post)).toEqual({ retry: true, delayInMs: 30_000, reason: 'secondary-rate-limit' });
    expect(retryDecision(err(403, {}, 'You have exceeded a secondary rate limit'), 0, post)).toEqual({
      retry: true,
      delayInMs: 60_000,
      reason: 'secondary-rate-limit',
    });
    expect(retryDecision(err(429), 0, get)).toMatchObject({ retry: true, reason: 'secondary-rate-limit' });
    expect(retryDecision(err(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1010' }), 0, get, { now: () => 1_000_000 })).toEqual({
      retry: true,
      delayInMs: 11_000,
      reason: 'rate-limit',
    });
    const tooLong = retryDecision(err(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '99999' }), 0, get, { now: () => 0 });
    expect(tooLong.retry).toBe(false);
    expect((tooLong as { error?: Error }).error?.message).toMatch(/rate limit for this token is used up/);
    expect(retryDecision(err(403, {}, 'Resource not accessible by integration'), 0, post)).toEqual({ retry: false });
    expect(retryDecision(err(500), 0, post)).toEqual({ retry: false });
    expect(retryDecision(err(500), 0, { method: 'POST', url: '/graphql' }, { random: () => 0 })).toEqual({
      retry: true,
      delayInMs: 500,
      reason: 'server-error',
    });
    expect(retryDecision(err(503), 3, get)).toEqual({ retry: false });
    expect(retryDecision(err(404), 0, get)).toEqual({ retry: false });
  });
});

describe('pull request of a branch (workflow_run from a fork)', () => {
  it('finds the open PR of owner:branch at the head commit', async () => {
    fake.addPull({ owner: OWNER, repo: REPO, number: 42, headOwner: 'forker', headRepo: REPO, branch: 'feature', sha: 'abc' });
    expect(await (await api()).findOpenPullRequest('forker', 'feature', 'abc')).toBe(42);
    expect(await (await api()).findOpenPullRequest('forker', 'feature', 'other-sha')).toBeUndefined();
    expect(await (await api()).findOpenPullRequest('someone', 'feature')).toBeUndefined();
  });
});
