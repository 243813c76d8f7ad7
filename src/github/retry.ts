/**
 * Retries of GitHub API calls, as an Octokit `request` hook.
 *
 * `@octokit/plugin-retry` and `@octokit/plugin-throttling` are not among this project's
 * dependencies (and are not installed), so this small hook does what the suite needs from them,
 * following GitHub's REST documentation on rate limits:
 * - a secondary rate limit (403 or 429 whose message says so, or any 403/429 with `retry-after`):
 *   wait `retry-after` seconds, else at least one minute, then retry — whatever the method, since
 *   GitHub refused the request without doing it;
 * - the primary rate limit (403/429 with `x-ratelimit-remaining: 0`): wait until
 *   `x-ratelimit-reset` when that is within `maxRetryDelayInMs`, else give up with a clear error;
 * - 5xx and network failures: exponential backoff with jitter, only for requests that are safe to
 *   repeat (GET, HEAD, PATCH, PUT, DELETE and GraphQL mutations the suite sends are idempotent;
 *   a POST that creates a comment is not retried, so a lost response never posts twice).
 */

export interface GitHubRetryOptions {
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** Base of the exponential backoff for server errors (default 1000). */
  retryDelayInMs?: number;
  /** Longest wait accepted for one retry (default 120000); a longer rate-limit wait fails at once. */
  maxRetryDelayInMs?: number;
  /** Test hook. */
  sleep?: (ms: number) => Promise<void>;
  /** Test hook, in [0, 1). */
  random?: () => number;
  /** Test hook (epoch ms), for `x-ratelimit-reset`. */
  now?: () => number;
  /** Called before each wait. */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  attempt: number;
  delayInMs: number;
  reason: 'secondary-rate-limit' | 'rate-limit' | 'server-error';
  status?: number;
  method: string;
  url: string;
}

/** What is needed of a request's options (Octokit's `RequestOptions`, endpoint form). */
export interface RequestLike {
  method?: string;
  url?: string;
  [key: string]: unknown;
}

/** What is needed of an error thrown by `@octokit/request` (a `RequestError`). */
interface ErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

export type RetryDecision = { retry: false; error?: Error } | { retry: true; delayInMs: number; reason: RetryInfo['reason'] };

const DEFAULTS = { maxRetries: 3, retryDelayInMs: 1000, maxRetryDelayInMs: 120_000 };

function header(e: ErrorLike, name: string): string | undefined {
  const v = e.response?.headers?.[name];
  return v === undefined ? undefined : String(v);
}

function responseMessage(e: ErrorLike): string {
  const data = e.response?.data as { message?: unknown } | undefined;
  return `${typeof data?.message === 'string' ? data.message : ''} ${e.message ?? ''}`;
}

function isIdempotent(request: RequestLike): boolean {
  const method = (request.method ?? 'GET').toUpperCase();
  if (method !== 'POST') return true;
  // the GraphQL calls of the suite are a query (viewer) and minimizeComment: both safe to repeat
  return /\/graphql$/.test(String(request.url ?? ''));
}

/** Whether and when to retry `error` after attempt number `attempt` (0 = the first try). Pure. */
export function retryDecision(error: unknown, attempt: number, request: RequestLike, options: GitHubRetryOptions = {}): RetryDecision {
  const o = { ...DEFAULTS, ...options };
  if (attempt >= o.maxRetries || typeof error !== 'object' || error === null) return { retry: false };
  const e = error as ErrorLike;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const retryAfter = header(e, 'retry-after');
  const remaining = header(e, 'x-ratelimit-remaining');
  const message = responseMessage(e);

  if (status === 403 || status === 429) {
    const secondary = /secondary rate limit|abuse detection/i.test(message) || (retryAfter !== undefined && remaining !== '0');
    if (secondary || (status === 429 && remaining !== '0')) {
      const seconds = retryAfter !== undefined && /^\d+(\.\d+)?$/.test(retryAfter.trim()) ? Number(retryAfter) : 60;
      const delayInMs = Math.max(0, seconds * 1000);
      if (delayInMs > o.maxRetryDelayInMs) {
        return {
          retry: false,
          error: new Error(`GitHub's secondary rate limit asks to wait ${seconds} s, longer than the ${o.maxRetryDelayInMs / 1000} s this step waits.`),
        };
      }
      return { retry: true, delayInMs, reason: 'secondary-rate-limit' };
    }
    if (remaining === '0') {
      const reset = Number(header(e, 'x-ratelimit-reset'));
      const now = (o.now ?? Date.now)();
      const delayInMs = Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) + 1000 : Infinity;
      if (delayInMs > o.maxRetryDelayInMs) {
        const when = Number.isFinite(reset) ? ` It resets at ${new Date(reset * 1000).toISOString()}.` : '';
        return { retry: false, error: new Error(`GitHub's API rate limit for this token is used up.${when}`) };
      }
      return { retry: true, delayInMs, reason: 'rate-limit' };
    }
    return { retry: false };
  }
  const serverError = status === undefined || status >= 500;
  if (serverError && isIdempotent(request)) {
    const jitter = 0.5 + (o.random ?? Math.random)() / 2;
    const delayInMs = Math.min(o.maxRetryDelayInMs, o.retryDelayInMs * 2 ** attempt * jitter);
    return { retry: true, delayInMs, reason: 'server-error' };
  }
  return { retry: false };
}

/** True for GitHub's rate-limit answers (primary or secondary), which are not permission errors. */
export function isRateLimitError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as ErrorLike;
  if (e.status !== 403 && e.status !== 429) return false;
  return (
    e.status === 429 ||
    header(e, 'retry-after') !== undefined ||
    header(e, 'x-ratelimit-remaining') === '0' ||
    /rate limit|abuse detection/i.test(responseMessage(e))
  );
}

type RequestFn = (options: RequestLike) => Promise<unknown>;

/** The slice of an Octokit instance the hook needs. */
export interface HookTarget {
  hook: { wrap(name: 'request', hook: (request: RequestFn, options: RequestLike) => Promise<unknown>): void };
}

/** Wraps every request of `octokit` (REST and GraphQL) with {@link retryDecision}. */
export function installRetry(octokit: HookTarget, options: GitHubRetryOptions = {}): void {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  octokit.hook.wrap('request', async (request, requestOptions) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(requestOptions);
      } catch (error) {
        const d = retryDecision(error, attempt, requestOptions, options);
        if (!d.retry) {
          if (d.error) {
            (d.error as Error & { cause?: unknown }).cause = error;
            throw d.error;
          }
          throw error;
        }
        options.onRetry?.({
          attempt: attempt + 1,
          delayInMs: d.delayInMs,
          reason: d.reason,
          status: (error as ErrorLike).status,
          method: String(requestOptions.method ?? 'GET'),
          url: String(requestOptions.url ?? ''),
        });
        await sleep(d.delayInMs);
      }
    }
  });
}
