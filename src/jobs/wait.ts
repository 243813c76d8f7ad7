/**
 * Waiting for a job: adaptive polling (see status.ts), one line per status change, a timeout,
 * and an abort signal for a cancelled workflow.
 */
import { DEFAULT_POLL_SCHEDULE, isTerminal, nextPollDelay, type EndEstimate, type PollSchedule } from './status.js';
import type { ArmObject } from '../azure/workspace-api.js';

export interface WaitOptions {
  timeoutMs?: number;
  schedule?: PollSchedule;
  /** When the job is expected to end (from earlier runs): sparse polling before, fast around it. */
  estimate?: EndEstimate;
  abortSignal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onStatus?: (status: string, job: ArmObject, elapsedMs: number) => void;
}

export interface WaitResult {
  job: ArmObject;
  status: string;
  timedOut: boolean;
  polls: number;
  elapsedMs: number;
}

/** Why a signal aborted, as an Error (AbortSignal.reason may be any value). */
function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error(reason === undefined ? 'aborted' : String(reason));
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortReason(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function jobStatus(job: ArmObject): string {
  return String(job.properties?.status ?? 'Unknown');
}

export async function waitForJob(get: () => Promise<ArmObject>, first: ArmObject, o: WaitOptions = {}): Promise<WaitResult> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? defaultSleep;
  const schedule = o.schedule ?? DEFAULT_POLL_SCHEDULE;
  const start = now();
  let job = first;
  let status = jobStatus(job);
  let polls = 0;
  let sinceChange = 0;
  o.onStatus?.(status, job, 0);
  while (!isTerminal(status)) {
    const elapsed = now() - start;
    if (o.timeoutMs !== undefined && elapsed >= o.timeoutMs) return { job, status, timedOut: true, polls, elapsedMs: elapsed };
    let delay = nextPollDelay({ status, pollsSinceChange: sinceChange, now: now(), estimate: o.estimate }, schedule);
    if (o.timeoutMs !== undefined) delay = Math.min(delay, Math.max(0, o.timeoutMs - elapsed));
    await sleep(delay, o.abortSignal);
    job = await get();
    polls++;
    const next = jobStatus(job);
    if (next !== status) {
      status = next;
      sinceChange = 0;
      o.onStatus?.(status, job, now() - start);
    } else {
      sinceChange++;
    }
  }
  return { job, status, timedOut: false, polls, elapsedMs: now() - start };
}
