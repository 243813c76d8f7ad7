/**
 * Posting a JSON body to a chat webhook (a Slack incoming webhook, a Microsoft Teams workflow),
 * with retries on what is worth retrying and a bound on the total time.
 *
 * - 2xx is success (Slack answers 200 `ok`; a Teams workflow answers 202 Accepted, as the HTTP
 *   request trigger of Power Automate / Logic Apps does without a Response action:
 *   https://learn.microsoft.com/en-us/azure/connectors/connectors-native-reqres).
 * - 429 and 5xx are retried: Retry-After (seconds or an HTTP date) is honoured when it fits in the
 *   time left, else exponential backoff with jitter. Slack rate-limits incoming webhooks with 429
 *   and Retry-After (https://docs.slack.dev/apis/web-api/rate-limits); Teams throttles more than
 *   four requests a second (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook).
 * - a try without an answer after `tryTimeoutInMs`, or a broken connection, is retried too (a
 *   lost answer may then post the message twice: for a notification, better than none); an
 *   unknown host (DNS) is not.
 * - other 4xx are final (Slack: 400 `invalid_payload` / `invalid_blocks`, 403, 404
 *   `channel_not_found`, 410 `channel_is_archived`:
 *   https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks).
 *
 * The URL of a webhook is a secret (whoever has it can post): it never appears in a result, a
 * reason or a log line; network errors are described by their code only.
 *
 * Behind a proxy (a self-hosted runner with `https_proxy` / `HTTPS_PROXY`, `no_proxy`), the
 * request goes through it as `@actions/http-client` decides (its `getProxyUrl`), with undici's
 * ProxyAgent (in the bundle, undici is read from its own file on first use: src/bundle/undici.ts).
 */
import { getProxyUrl } from '@actions/http-client/lib/proxy';
import { ProxyAgent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';

export interface WebhookRequest {
  /** `Slack`, `Teams`: what the warnings call it. */
  name: string;
  url: string;
  body: unknown;
}

export interface WebhookOptions {
  /** Tries after the first (default 3). */
  retries?: number;
  /** One try is abandoned after this long (default 10 s). */
  tryTimeoutInMs?: number;
  /** Everything, waits included, ends within this long (default 30 s). */
  totalTimeoutInMs?: number;
  /** First backoff (doubles each try; default 1000). */
  retryDelayInMs?: number;
  signal?: AbortSignal;
  /** Test hooks. */
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** Called before each wait. */
  onRetry?: (info: { name: string; attempt: number; delayInMs: number; reason: string }) => void;
}

export type WebhookResult =
  { ok: true; name: string; status: number; attempts: number } | { ok: false; name: string; status?: number; attempts: number; reason: string };

const DEFAULTS = { retries: 3, tryTimeoutInMs: 10_000, totalTimeoutInMs: 30_000, retryDelayInMs: 1000 };

/** The URL when it may carry a secret body: https, or http to a loopback host (tests, a local relay). */
export function webhookUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL';
  }
  const loopback = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) return `is not an https URL (scheme ${u.protocol.replace(/:$/, '')})`;
  return undefined;
}

/** Seconds, or an HTTP date, as milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** A network failure by its code, never by its message (which may name the host or the URL). */
function networkReason(error: unknown): { reason: string; retry: boolean } {
  const cause = (error as { cause?: { code?: unknown; name?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code === 'ENOTFOUND') return { reason: 'the host name does not resolve (DNS: ENOTFOUND)', retry: false };
  if (code === 'EAI_AGAIN') return { reason: 'the host name could not be resolved now (DNS: EAI_AGAIN)', retry: true };
  if (code === 'ECONNREFUSED') return { reason: 'the connection was refused (ECONNREFUSED)', retry: true };
  if (code && /^(ERR_TLS|CERT_|UNABLE_TO|SELF_SIGNED|DEPTH_ZERO)/.test(code)) return { reason: `TLS failed (${code})`, retry: false };
  return { reason: `the request failed${code ? ` (${code})` : ''}`, retry: true };
}

/** A short, one-line excerpt of an answer, with the URL (and its path) taken out should it be echoed. */
function excerpt(text: string, url: string): string {
  let path = '';
  try {
    path = new URL(url).pathname;
  } catch {
    // not a URL: nothing more to take out
  }
  let s = text.split(url).join('***');
  if (path.length > 8) s = s.split(path).join('***');
  s = s.replace(/\s+/g, ' ').trim();
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}

const seconds = (ms: number) => (ms < 10_000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(0));

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Node's fetch, or undici's through a ProxyAgent when the runner's proxy variables name one for this URL. */
function fetchFor(url: string): typeof fetch {
  const proxy = getProxyUrl(new URL(url));
  if (!proxy) return fetch;
  const dispatcher = new ProxyAgent(proxy.href);
  return ((input: string, init?: RequestInit) => undiciFetch(input, { ...(init as UndiciRequestInit), dispatcher })) as unknown as typeof fetch;
}

/** Posts `body` as JSON; never throws (the result says what happened). */
export async function postWebhook(request: WebhookRequest, options: WebhookOptions = {}): Promise<WebhookResult> {
  const o = { ...DEFAULTS, ...options };
  const { name, url } = request;
  const now = o.now ?? Date.now;
  let doFetch = o.fetch;
  const sleep = o.sleep ?? defaultSleep;
  const random = o.random ?? Math.random;
  const deadline = now() + o.totalTimeoutInMs;
  const problem = webhookUrlProblem(url);
  if (problem) return { ok: false, name, attempts: 0, reason: `the webhook ${problem}` };
  try {
    doFetch ??= fetchFor(url);
  } catch {
    return { ok: false, name, attempts: 0, reason: 'the proxy settings (https_proxy, no_proxy) could not be used' };
  }
  const payload = JSON.stringify(request.body);

  let last: { status?: number; reason: string } = { reason: 'no try was made' };
  let tries = 0;
  for (let attempt = 0; attempt <= o.retries; attempt++) {
    const left = deadline - now();
    if (left <= 0) break;
    tries = attempt + 1;
    const tryTimeout = Math.min(o.tryTimeoutInMs, left);
    const signals = [AbortSignal.timeout(tryTimeout), ...(o.signal ? [o.signal] : [])];
    let retryAfter: number | undefined;
    let retry: boolean;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'azureml-actions/pr-summary' },
        body: payload,
        signal: AbortSignal.any(signals),
        redirect: 'error',
      });
      const answer = await res.text().catch(() => '');
      if (res.status >= 200 && res.status < 300) return { ok: true, name, status: res.status, attempts: attempt + 1 };
      const said = excerpt(answer, url);
      last = { status: res.status, reason: `HTTP ${res.status}${said ? `: ${said}` : ''}` };
      retry = res.status === 429 || res.status >= 500;
      retryAfter = retryAfterMs(res.headers.get('retry-after'), now());
    } catch (error) {
      if (o.signal?.aborted) return { ok: false, name, attempts: attempt + 1, reason: 'the step was cancelled' };
      const timedOut = (error as { name?: string } | undefined)?.name === 'TimeoutError';
      const n = timedOut ? { reason: `no answer within ${seconds(tryTimeout)} s`, retry: true } : networkReason(error);
      last = { reason: n.reason };
      retry = n.retry;
    }
    if (!retry || attempt === o.retries) break;
    const backoff = o.retryDelayInMs * 2 ** attempt * (0.5 + random() / 2);
    const delay = retryAfter ?? backoff;
    const remaining = deadline - now();
    if (delay >= remaining) {
      const allowed = `${seconds(o.totalTimeoutInMs)} s allowed`;
      last = {
        ...last,
        reason: `${last.reason}; ${retryAfter !== undefined ? `asked to retry in ${seconds(retryAfter)} s, after the ${allowed}` : `no time left to retry within the ${allowed}`}`,
      };
      break;
    }
    o.onRetry?.({ name, attempt: attempt + 1, delayInMs: delay, reason: last.reason });
    await sleep(delay, o.signal);
    if (o.signal?.aborted) return { ok: false, name, attempts: attempt + 1, reason: 'the step was cancelled' };
  }
  return { ok: false, name, ...(last.status !== undefined ? { status: last.status } : {}), attempts: tries, reason: last.reason };
}
