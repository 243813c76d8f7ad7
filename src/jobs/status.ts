/**
 * Job statuses (the `JobStatus` enum of the 2024-10-01 API) and how often to look at them.
 */

export const TERMINAL_STATUSES = ['Completed', 'Failed', 'Canceled', 'NotResponding', 'Paused'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

export function isTerminal(status: string | undefined): boolean {
  return status !== undefined && (TERMINAL_STATUSES as readonly string[]).includes(status);
}

/** Statuses that come right before the end: worth polling fast. */
const ALMOST_DONE = new Set(['Finalizing', 'CancelRequested']);

export interface PollSchedule {
  /** First delay after submission. */
  initialMs: number;
  /** Upper bound while the job runs. */
  maxMs: number;
  /** Growth factor per poll without a change. */
  factor: number;
  /** Delay while the job is Finalizing / CancelRequested. */
  finalizingMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = { initialMs: 2000, maxMs: 15_000, factor: 1.5, finalizingMs: 1000 };

/**
 * The next delay: fast at first and after every status change, growing by `factor` to `maxMs`
 * while nothing changes, fast again when the job is about to end. A `Retry-After` from the
 * service wins when it asks for more.
 */
export function nextPollDelay(
  s: { status: string; pollsSinceChange: number; retryAfterMs?: number },
  schedule: PollSchedule = DEFAULT_POLL_SCHEDULE,
): number {
  let delay = ALMOST_DONE.has(s.status) ? schedule.finalizingMs : Math.min(schedule.maxMs, schedule.initialMs * schedule.factor ** s.pollsSinceChange);
  if (s.retryAfterMs !== undefined && s.retryAfterMs > delay) delay = s.retryAfterMs;
  return Math.round(delay);
}
