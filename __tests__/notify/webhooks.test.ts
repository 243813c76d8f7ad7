/**
 * The webhook client against the local Slack and Teams receivers (real HTTP servers on
 * 127.0.0.1): success codes, retries on 429 / 5xx with Retry-After, timeouts, final 4xx, an
 * unknown host, the bound on the total time, and that no result ever holds the URL.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook, retryAfterMs, webhookUrlProblem, type WebhookResult } from '../../src/notify/webhooks.js';
import { startSlackReceiver, startTeamsReceiver, type Receiver } from '../helpers/webhook-receivers.js';

let slack: Receiver;
let teams: Receiver;
const waits: number[] = [];
/** Real waits, shortened 20× (the delays asked are what is checked). */
const fast = { sleep: (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms / 20)), random: () => 0.5 };
const retries: Array<{ attempt: number; delayInMs: number; reason: string }> = [];
const onRetry = (i: { attempt: number; delayInMs: number; reason: string }) => {
  retries.push(i);
  waits.push(i.delayInMs);
};

const SLACK_BODY = { text: 'hello', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }] };
const TEAMS_BODY = {
  type: 'message',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.4',
        body: [{ type: 'TextBlock', text: 'hello' }],
      },
    },
  ],
};

function noUrl(r: WebhookResult, url: string): void {
  const text = JSON.stringify(r);
  expect(text).not.toContain(url);
  expect(text).not.toContain(new URL(url).pathname);
  expect(text).not.toMatch(/s3cr3t/);
}

beforeAll(async () => {
  slack = await startSlackReceiver();
  teams = await startTeamsReceiver();
});
afterAll(async () => {
  await slack?.close();
  await teams?.close();
});
afterEach(() => {
  retries.length = 0;
  waits.length = 0;
});

describe('postWebhook', () => {
  it('Slack answers 200 ok, Teams 202 Accepted: both are success at the first try', async () => {
    const s = await postWebhook({ name: 'Slack', url: slack.url, body: SLACK_BODY });
    expect(s).toEqual({ ok: true, name: 'Slack', status: 200, attempts: 1 });
    const t = await postWebhook({ name: 'Teams', url: teams.url, body: TEAMS_BODY });
    expect(t).toEqual({ ok: true, name: 'Teams', status: 202, attempts: 1 });
    expect(slack.received.at(-1)!.contentType).toBe('application/json; charset=utf-8');
    expect(slack.received.at(-1)!.body).toEqual(SLACK_BODY);
  });

  it('a 500 then a 503 are retried with backoff; the third try posts', async () => {
    slack.fault({ status: 500, body: 'rollup_error' });
    slack.fault({ status: 503, body: 'unavailable' });
    const r = await postWebhook({ name: 'Slack', url: slack.url, body: SLACK_BODY }, { ...fast, onRetry });
    expect(r).toEqual({ ok: true, name: 'Slack', status: 200, attempts: 3 });
    expect(retries.map((x) => x.reason)).toEqual(['HTTP 500: rollup_error', 'HTTP 503: unavailable']);
    // 1 s × 2^attempt × (0.5 + 0.5/2)
    expect(waits).toEqual([750, 1500]);
  });

  it('a 429 waits what Retry-After says (seconds or an HTTP date)', async () => {
    teams.fault({ status: 429, body: 'slow down', headers: { 'retry-after': '7' } });
    const r = await postWebhook({ name: 'Teams', url: teams.url, body: TEAMS_BODY }, { ...fast, onRetry });
    expect(r).toMatchObject({ ok: true, status: 202, attempts: 2 });
    expect(waits).toEqual([7000]);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
  });

  it('a Retry-After longer than the time left ends the tries at once', async () => {
    slack.fault({ status: 429, body: 'rate_limited', headers: { 'retry-after': '120' } });
    const before = slack.received.length;
    const r = await postWebhook({ name: 'Slack', url: slack.url, body: SLACK_BODY }, { ...fast, onRetry, totalTimeoutInMs: 30_000 });
    expect(r).toMatchObject({ ok: false, status: 429, attempts: 1 });
    expect(r.ok ? '' : r.reason).toBe('HTTP 429: rate_limited; asked to retry in 120 s, after the 30 s allowed');
    expect(slack.received.length - before).toBe(1);
  });

  it('a 400 is final: no retry, the answer in the reason', async () => {
    const r = await postWebhook({ name: 'Slack', url: slack.url, body: { blocks: [{ type: 'nope' }] } }, { ...fast, onRetry });
    expect(r).toEqual({ ok: false, name: 'Slack', status: 400, attempts: 1, reason: 'HTTP 400: invalid_blocks' });
    expect(retries).toEqual([]);
    noUrl(r, slack.url);
  });

  it('every try times out: retried, then given up within the total time', async () => {
    for (let i = 0; i < 4; i++) slack.fault({ status: 200, body: 'ok', delayMs: 1500 });
    const started = Date.now();
    const r = await postWebhook(
      { name: 'Slack', url: slack.url, body: SLACK_BODY },
      { ...fast, onRetry, tryTimeoutInMs: 300, retries: 3, totalTimeoutInMs: 5_000 },
    );
    expect(r).toMatchObject({ ok: false, attempts: 4, reason: 'no answer within 0.3 s' });
    expect(Date.now() - started).toBeLessThan(5_000);
    noUrl(r, slack.url);
  });

  it('the total time bounds the tries: a slow answer is cut at the deadline', async () => {
    slack.fault({ status: 200, body: 'ok', delayMs: 3000 });
    const started = Date.now();
    const r = await postWebhook({ name: 'Slack', url: slack.url, body: SLACK_BODY }, { ...fast, tryTimeoutInMs: 10_000, totalTimeoutInMs: 800 });
    expect(r).toMatchObject({ ok: false, attempts: 1, reason: 'no answer within 0.8 s; no time left to retry within the 0.8 s allowed' });
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('a refused connection is retried; an unknown host is not; neither names the URL', async () => {
    const closed = await startSlackReceiver();
    const url = closed.url;
    await closed.close();
    const refused = await postWebhook({ name: 'Slack', url, body: SLACK_BODY }, { ...fast, onRetry, retries: 2 });
    expect(refused).toMatchObject({ ok: false, attempts: 3, reason: 'the connection was refused (ECONNREFUSED)' });
    noUrl(refused, url);
    retries.length = 0;
    const dns = await postWebhook({ name: 'Teams', url: 'https://no-such-host.invalid/workflows/s3cr3t', body: TEAMS_BODY }, { ...fast, onRetry });
    expect(dns).toMatchObject({ ok: false, attempts: 1, reason: 'the host name does not resolve (DNS: ENOTFOUND)' });
    expect(retries).toEqual([]);
    expect(JSON.stringify(dns)).not.toContain('no-such-host');
  });

  it('a URL that is not https (other than loopback) is refused before anything is sent', async () => {
    expect(webhookUrlProblem('http://hooks.slack.com/services/x')).toBe('is not an https URL (scheme http)');
    expect(webhookUrlProblem('not a url')).toBe('is not a URL');
    expect(webhookUrlProblem('https://hooks.slack.com/services/x')).toBeUndefined();
    const r = await postWebhook({ name: 'Slack', url: 'http://hooks.slack.example/services/s3cr3t', body: SLACK_BODY });
    expect(r).toEqual({ ok: false, name: 'Slack', attempts: 0, reason: 'the webhook is not an https URL (scheme http)' });
  });

  it('an answer that echoes the URL has it taken out of the reason', async () => {
    slack.fault({ status: 404, body: `no_service for ${slack.url}` });
    const r = await postWebhook({ name: 'Slack', url: slack.url, body: SLACK_BODY });
    expect(r).toMatchObject({ ok: false, status: 404, reason: 'HTTP 404: no_service for ***' });
    noUrl(r, slack.url);
  });

  it('a cancelled step stops the retries', async () => {
    const own = await startSlackReceiver();
    own.fault({ status: 500 });
    own.fault({ status: 500 });
    const controller = new AbortController();
    const started = Date.now();
    const r = await postWebhook(
      { name: 'Slack', url: own.url, body: SLACK_BODY },
      { signal: controller.signal, onRetry: () => controller.abort(), retryDelayInMs: 60_000, totalTimeoutInMs: 120_000 },
    );
    expect(r).toMatchObject({ ok: false, attempts: 1, reason: 'the step was cancelled' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(own.received).toHaveLength(1);
    await own.close();
  });
});
