/**
 * Endpoints and deployments that are busy: the service refuses a write while another operation
 * runs on the resource (409 Conflict, or an operation that ends OperationCanceled), and a
 * resource stays Creating / Updating for a while after a write. Shared by the online
 * (endpoints.ts) and batch (batch-endpoints.ts) endpoint clients:
 *
 * - {@link retryWhileBusy}: an idempotent write tried again with doubling back-off, within a
 *   number of tries and an optional deadline;
 * - {@link waitProvisioned}: polls a resource until its provisioningState is terminal.
 *
 * Which answers mean "busy" (409 / `Conflict`, an operation ended `OperationCanceled`) follows ARM's
 * general conventions; no recording here shows a busy endpoint, so the codes are our reading.
 */
import { abortableSleep } from './retry.js';
import { errorMessage } from '../core/errors.js';
import type { Obj } from '../core/obj.js';

/** A write refused because another operation runs on the endpoint or deployment (try again later). */
export function isConflict(err: unknown): boolean {
  const status = (err as { statusCode?: number }).statusCode;
  const code = String((err as { code?: string }).code ?? '');
  return status === 409 || /^(Conflict|OperationCanceled)$/i.test(code);
}

export interface BusyRetryOptions {
  /** Names what is tried in the log line, e.g. `Deleting deployment blue`. */
  label: string;
  /** Tries in all (the first included). */
  tries: number;
  /** The first wait; each next one doubles, up to maxDelayInMs. */
  delayInMs: number;
  maxDelayInMs?: number;
  /** Epoch ms: no wait that would end after it. */
  deadline?: number;
  /** Which errors are worth another try (default {@link isConflict}). */
  retriable?: (err: unknown) => boolean;
  /** The log line before a wait (default `<label>: <first line of the error>; trying again in N s`). */
  describe?: (err: unknown, delayInMs: number) => string;
  log?: (message: string) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  abortSignal?: AbortSignal;
}

/**
 * Runs `op` (attempt 1, 2, …) until it returns; an error that is not retriable, the last try's
 * error, or one whose next wait would pass the deadline is thrown as it is (the caller words it).
 */
export async function retryWhileBusy<T>(op: (attempt: number) => Promise<T>, o: BusyRetryOptions): Promise<T> {
  let delay = o.delayInMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (err) {
      if (o.abortSignal?.aborted) throw err;
      const outOfTime = o.deadline !== undefined && Date.now() + delay > o.deadline;
      if (attempt >= o.tries || outOfTime || !(o.retriable ?? isConflict)(err)) throw err;
      o.log?.(o.describe?.(err, delay) ?? `${o.label}: ${errorMessage(err).split('\n')[0]}; trying again in ${Math.round(delay / 1000)} s`);
      await (o.sleep ?? abortableSleep)(delay, o.abortSignal);
      delay = Math.min(delay * 2, o.maxDelayInMs ?? Number.POSITIVE_INFINITY);
    }
  }
}

export interface ProvisionedWait {
  /** The resource as errors name it, e.g. `endpoint 'churn'` or `batch endpoint 'mnist'`. */
  what: string;
  timeoutInMs: number;
  /** The first wait between reads; doubles up to 10 s. */
  firstDelayInMs: number;
  /** Called once, at the first read that finds the resource busy. */
  onBusy?: (state: string) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  abortSignal?: AbortSignal;
}

/**
 * Reads the resource until its provisioningState is Succeeded (returned); Failed or Canceled, a
 * resource that is gone, or one still busy after the timeout is an error.
 */
export async function waitProvisioned<R extends { properties?: Obj }>(read: () => Promise<R | undefined>, o: ProvisionedWait): Promise<R> {
  const deadline = Date.now() + o.timeoutInMs;
  let delay = o.firstDelayInMs;
  let told = false;
  for (;;) {
    const resource = await read();
    if (!resource) throw new Error(`${o.what} does not exist`);
    const state = String(resource.properties?.provisioningState ?? 'Succeeded');
    if (state === 'Succeeded') return resource;
    if (state === 'Failed' || state === 'Canceled') throw new Error(`${o.what} is ${state}`);
    if (Date.now() > deadline) throw new Error(`${o.what} stayed ${state} for more than ${Math.round(o.timeoutInMs / 1000)} s`);
    if (!told) {
      o.onBusy?.(state);
      told = true;
    }
    await (o.sleep ?? abortableSleep)(delay, o.abortSignal);
    delay = Math.min(delay * 2, 10_000);
  }
}
