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
 * When the job is expected to end, from the durations of earlier runs of the same job file
 * (see estimate.ts): polling is sparse until the window opens and fast inside it.
 */
export interface EndEstimate {
  /** Expected end, in ms since the epoch. */
  endAt: number;
  /** Half-width of the window around `endAt` in which to poll fast. */
  windowMs: number;
  /** Upper bound of the delay before the window (instead of `maxMs`). */
  maxMs: number;
  /** Delay inside the window. */
  nearMs: number;
}

/**
 * The next delay: fast at first and after every status change, growing by `factor` to `maxMs`
 * while nothing changes, fast again when the job is about to end. A `Retry-After` from the
 * service wins when it asks for more.
 */
export function nextPollDelay(
  s: { status: string; pollsSinceChange: number; retryAfterMs?: number; now?: number; estimate?: EndEstimate },
  schedule: PollSchedule = DEFAULT_POLL_SCHEDULE,
): number {
  const backoff = (cap: number) => Math.min(cap, schedule.initialMs * schedule.factor ** s.pollsSinceChange);
  let delay: number;
  if (ALMOST_DONE.has(s.status)) {
    delay = schedule.finalizingMs;
  } else if (s.estimate && s.now !== undefined && s.now <= s.estimate.endAt + s.estimate.windowMs) {
    // With an expected end: back off further while the job is far from it, land on the opening
    // of the window, then poll fast until the window closes. Past the window the estimate was
    // wrong and the plain schedule takes over.
    const opens = s.estimate.endAt - s.estimate.windowMs;
    delay = s.now >= opens ? s.estimate.nearMs : Math.max(Math.min(backoff(s.estimate.maxMs), opens - s.now), 250);
  } else {
    delay = backoff(schedule.maxMs);
  }
  if (s.retryAfterMs !== undefined && s.retryAfterMs > delay) delay = s.retryAfterMs;
  return Math.round(delay);
}
