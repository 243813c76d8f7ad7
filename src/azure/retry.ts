/**
 * The one retry policy of every ARM call (SDK operations and our ArmClient share the pipeline).
 *
 * Retried: HTTP 429, 500, 502, 503, 504; connection resets, timeouts and `socket hang up`;
 * `ECONNREFUSED` once the same origin has answered before (a restart, not a wrong endpoint); and a
 * try that got no response within `tryTimeoutInMs` (a stalled connection is abandoned). The wait
 * honours `retry-after-ms`, `x-ms-retry-after-ms` and `Retry-After` (seconds or HTTP date), and is
 * otherwise exponential with jitter; every wait is capped at `maxRetryDelayInMs`.
 *
 * It replaces core-rest-pipeline's `defaultRetryPolicy`, which leaves a 429 without `Retry-After`
 * unretried, does not cap `Retry-After`, and has no per-try timeout.
 */
import { RestError, isRestError, type Pipeline, type PipelinePolicy, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';

/** The abort signal type of the pipeline (an `AbortSignal` fits). */
export type AbortSignalLike = NonNullable<PipelineRequest['abortSignal']>;

export interface RetryOptions {
  /** Retries after the first try. Default 5. */
  maxRetries?: number;
  /** Base of the exponential back-off. Default 1000. */
  retryDelayInMs?: number;
  /** Cap of any single wait, `Retry-After` included. Default 60000. */
  maxRetryDelayInMs?: number;
  /**
   * A try without a response after this long is abandoned and retried. 0 disables. Default 20000:
   * ARM and the data-plane calls answer in seconds, so a stalled connection is cut well before it
   * costs minutes (blob block uploads use their own, longer limit).
   */
  tryTimeoutInMs?: number;
}

export interface RetryEvent {
  /** 1 for the first retry. */
  retry: number;
  maxRetries: number;
  delayInMs: number;
  /** e.g. `HTTP 429`, `ECONNRESET`, `no response within 60s`. */
  reason: string;
  method: string;
  /** The URL without its query string. */
  url: string;
}

export interface RetryPolicyOptions extends RetryOptions {
  /** Waits `ms`; rejects when `abortSignal` aborts. Default: a timer. */
  sleep?: (ms: number, abortSignal?: AbortSignalLike) => Promise<void>;
  /** Jitter source in [0, 1). Default Math.random. */
  random?: () => number;
  /** Called before each wait (for logging). */
  onRetry?: (event: RetryEvent) => void;
}

/** What happened to one request across its tries. */
export interface RetryInfo {
  retries: number;
  reasons: string[];
}

export const retryPolicyName = 'azuremlActionsRetryPolicy';
export const DEFAULT_RETRY_OPTIONS: Required<RetryOptions> = {
  maxRetries: 5,
  retryDelayInMs: 1000,
  maxRetryDelayInMs: 60_000,
  tryTimeoutInMs: 20_000,
};

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

const retryInfoByRequest = new WeakMap<PipelineRequest, RetryInfo>();

/** Retry information of a request, or of the request behind an error or a response. */
export function getRetryInfo(target: unknown): RetryInfo | undefined {
  if (typeof target !== 'object' || target === null) return undefined;
  const t = target as { request?: unknown; response?: { request?: unknown } };
  for (const candidate of [target, t.request, t.response?.request]) {
    if (typeof candidate === 'object' && candidate !== null) {
      const info = retryInfoByRequest.get(candidate as PipelineRequest);
      if (info) return info;
    }
  }
  return undefined;
}

/** The wait a response asks for, in milliseconds, or undefined when it asks for none. */
export function retryAfterInMs(response: PipelineResponse, now: () => number = Date.now): number | undefined {
  for (const header of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = response.headers.get(header);
    if (value !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  }
  const value = response.headers.get('retry-after');
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now()) : undefined;
}

export function createRetryPolicy(options: RetryPolicyOptions = {}): PipelinePolicy {
  const maxRetries = options.maxRetries ?? DEFAULT_RETRY_OPTIONS.maxRetries;
  const baseDelay = options.retryDelayInMs ?? DEFAULT_RETRY_OPTIONS.retryDelayInMs;
  const maxDelay = options.maxRetryDelayInMs ?? DEFAULT_RETRY_OPTIONS.maxRetryDelayInMs;
  const tryTimeout = options.tryTimeoutInMs ?? DEFAULT_RETRY_OPTIONS.tryTimeoutInMs;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const reachedOrigins = new Set<string>();

  const backoff = (retryIndex: number): number => {
    const exponential = Math.min(maxDelay, baseDelay * 2 ** retryIndex);
    return Math.round(exponential / 2 + (random() * exponential) / 2);
  };

  return {
    name: retryPolicyName,
    async sendRequest(request, next) {
      const outerSignal = request.abortSignal;
      const info: RetryInfo = { retries: 0, reasons: [] };
      retryInfoByRequest.set(request, info);
      const origin = originOf(request.url);

      for (let tryIndex = 0; ; tryIndex++) {
        const attempt = await sendOnce(request, next, outerSignal, tryTimeout);
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the pipeline's own error, rethrown as it came
        if (outerSignal?.aborted) throw attempt.error ?? abortError();

        let reason: string | undefined;
        let requestedWait: number | undefined;
        if (attempt.response) {
          reachedOrigins.add(origin);
          if (!RETRYABLE_STATUS.has(attempt.response.status)) return attempt.response;
          reason = `HTTP ${attempt.response.status}`;
          requestedWait = retryAfterInMs(attempt.response);
        } else {
          const error = attempt.error;
          const code = errorCode(error);
          if (attempt.timedOut) reason = `no response within ${tryTimeout} ms`;
          else if (code === 'ECONNREFUSED' && reachedOrigins.has(origin)) reason = code;
          else if (code && RETRYABLE_CODES.has(code)) reason = code;
          else if (/socket hang up/i.test(errorMessageOf(error))) reason = 'socket hang up';
          else throw error;
        }

        if (tryIndex >= maxRetries) {
          if (attempt.response) return attempt.response;
          throw attempt.error;
        }

        const delayInMs = Math.min(maxDelay, Math.max(0, requestedWait ?? backoff(tryIndex)));
        info.retries = tryIndex + 1;
        info.reasons.push(reason);
        options.onRetry?.({
          retry: tryIndex + 1,
          maxRetries,
          delayInMs,
          reason,
          method: request.method,
          url: request.url.split('?')[0],
        });
        discardBody(attempt.response);
        await sleep(delayInMs, outerSignal);
      }
    },
  };
}

interface Attempt {
  response?: PipelineResponse;
  error?: unknown;
  timedOut: boolean;
}

async function sendOnce(
  request: PipelineRequest,
  next: (request: PipelineRequest) => Promise<PipelineResponse>,
  outerSignal: AbortSignalLike | undefined,
  tryTimeout: number,
): Promise<Attempt> {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort();
  outerSignal?.addEventListener('abort', onOuterAbort);
  let timedOut = false;
  const timer =
    tryTimeout > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, tryTimeout)
      : undefined;
  request.abortSignal = controller.signal;
  try {
    const response = await next(request);
    // A response that arrived although the timer fired in between still counts as a response.
    return { response, timedOut: false };
  } catch (error) {
    if (timedOut && !outerSignal?.aborted) {
      return {
        timedOut: true,
        error: new RestError(`No response from ${request.url.split('?')[0]} within ${tryTimeout} ms.`, {
          code: 'ETIMEDOUT',
          request,
        }),
      };
    }
    if (isRestError(error) && error.response) return { response: error.response, error, timedOut: false };
    return { error, timedOut: false };
  } finally {
    if (timer) clearTimeout(timer);
    outerSignal?.removeEventListener('abort', onOuterAbort);
    request.abortSignal = outerSignal;
  }
}

/**
 * Puts our retry policy in the Retry phase of `pipeline`, removing core-rest-pipeline's retry
 * policies so there is exactly one retry loop.
 */
export function useRetryPolicy(pipeline: Pipeline, options: RetryPolicyOptions = {}): void {
  for (const name of ['defaultRetryPolicy', 'exponentialRetryPolicy', 'throttlingRetryPolicy', 'systemErrorRetryPolicy', 'retryPolicy', retryPolicyName]) {
    pipeline.removePolicy({ name });
  }
  pipeline.addPolicy(createRetryPolicy(options), { phase: 'Retry' });
}

/** Sleeps `ms`; rejects with an AbortError when the signal aborts. */
export function abortableSleep(ms: number, abortSignal?: AbortSignalLike): Promise<void> {
  return new Promise((resolve, reject) => {
    if (abortSignal?.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      abortSignal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    abortSignal?.addEventListener('abort', onAbort);
  });
}

function abortError(): Error {
  const error = new Error('The operation was aborted.');
  error.name = 'AbortError';
  return error;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e.code === 'string') return e.code;
  if (typeof e.cause?.code === 'string') return e.cause.code;
  return undefined;
}

function errorMessageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function discardBody(response: PipelineResponse | undefined): void {
  const stream = response?.readableStreamBody as { destroy?: () => void } | undefined;
  stream?.destroy?.();
}
