import { describe, expect, it } from 'vitest';
import { waitForJob } from '../../src/jobs/wait.js';
import { DEFAULT_POLL_SCHEDULE, nextPollDelay, type EndEstimate } from '../../src/jobs/status.js';
import { durationsOf, endEstimate, estimateFromDurations, estimateJobEnd, pastRunsFilter } from '../../src/jobs/estimate.js';

/** Runs waitForJob on a simulated clock against a job that ends `durationMs` after t=0. */
async function simulate(durationMs: number, estimate?: EndEstimate) {
  let t = 0;
  let reads = 0;
  const result = await waitForJob(
    async () => {
      reads++;
      return { properties: { status: t >= durationMs ? 'Completed' : 'Running' } };
    },
    { properties: { status: 'Running' } },
    { now: () => t, sleep: async (ms) => void (t += ms), estimate },
  );
  return { reads, detectionMs: t - durationMs, status: result.status };
}

function fixedLoop(durationMs: number, everyMs: number) {
  const reads = Math.ceil(durationMs / everyMs);
  return { reads, detectionMs: reads * everyMs - durationMs };
}

describe('polling with an expected end', () => {
  const fiveMinutes = 300_000;

  it('sees a 5-minute job end within 1.5 s, in fewer reads than a fixed 15 s loop', async () => {
    for (const jitter of [-2000, -500, 0, 700, 2500]) {
      const est = endEstimate(0, { medianMs: fiveMinutes, spreadMs: 2000, samples: 3 });
      const r = await simulate(fiveMinutes + jitter, est);
      const loop = fixedLoop(fiveMinutes + jitter, 15_000);
      expect(r.status).toBe('Completed');
      expect(r.detectionMs).toBeLessThanOrEqual(1500);
      expect(r.reads).toBeLessThanOrEqual(loop.reads);
    }
  });

  it('without an estimate, keeps the plain schedule (capped at 15 s)', async () => {
    const r = await simulate(fiveMinutes);
    expect(r.detectionMs).toBeLessThan(DEFAULT_POLL_SCHEDULE.maxMs);
  });

  it('falls back to the plain schedule when the job overruns its window', async () => {
    const est = endEstimate(0, { medianMs: 60_000, spreadMs: 0, samples: 1 });
    const r = await simulate(fiveMinutes, est);
    expect(r.status).toBe('Completed');
    expect(r.detectionMs).toBeLessThanOrEqual(DEFAULT_POLL_SCHEDULE.maxMs);
  });

  it('sees a job that ends early within the sparse cap', async () => {
    const est = endEstimate(0, { medianMs: 3_600_000, spreadMs: 0, samples: 1 });
    const r = await simulate(100_000, est);
    expect(r.detectionMs).toBeLessThanOrEqual(est.maxMs);
    expect(est.maxMs).toBe(60_000);
  });

  it('lands the first fast poll on the opening of the window and honours Retry-After', () => {
    const est: EndEstimate = { endAt: 100_000, windowMs: 3000, maxMs: 30_000, nearMs: 1500 };
    expect(nextPollDelay({ status: 'Running', pollsSinceChange: 20, now: 90_000, estimate: est })).toBe(7000);
    expect(nextPollDelay({ status: 'Running', pollsSinceChange: 20, now: 98_000, estimate: est })).toBe(1500);
    expect(nextPollDelay({ status: 'Running', pollsSinceChange: 20, now: 98_000, estimate: est, retryAfterMs: 5000 })).toBe(5000);
    expect(nextPollDelay({ status: 'Finalizing', pollsSinceChange: 0, now: 10_000, estimate: est })).toBe(DEFAULT_POLL_SCHEDULE.finalizingMs);
    expect(nextPollDelay({ status: 'Running', pollsSinceChange: 20, now: 110_000, estimate: est })).toBe(DEFAULT_POLL_SCHEDULE.maxMs);
  });
});

describe('durations of earlier runs', () => {
  it('median and spread, ignoring unfinished and nonsense runs', () => {
    expect(estimateFromDurations([])).toBeUndefined();
    expect(estimateFromDurations([NaN, -1, 0])).toBeUndefined();
    expect(estimateFromDurations([10, 30, 20])).toEqual({ medianMs: 20, spreadMs: 10, samples: 3 });
    expect(estimateFromDurations([10, 20])).toEqual({ medianMs: 15, spreadMs: 5, samples: 2 });
    expect(durationsOf([{ start_time: 5, end_time: 9 }, { start_time: 10, end_time: 30 }, { start_time: 1 }])).toEqual([20, 4]);
  });

  it('quotes the job file in the MLflow filter', () => {
    // no attributes.status: Azure ML's MLflow refuses it in filters (issue 12 defect 7)
    expect(pastRunsFilter("o/r:jobs/it's.yml")).toBe("tags.`azureml-actions.job_file` = 'o/r:jobs/it\\'s.yml'");
  });

  it('reads the experiment of the job, then its finished siblings, leaving the job itself out', async () => {
    const calls: unknown[] = [];
    const found = await estimateJobEnd(
      {
        async getRun(id) {
          calls.push(['getRun', id]);
          return { info: { experiment_id: '7' } };
        },
        async searchRuns(ids, o) {
          calls.push(['searchRuns', ids, o.maxResults]);
          return [
            { info: { run_id: 'me', start_time: 0, end_time: 1 } },
            { info: { run_id: 'a', start_time: 100, end_time: 60_100 } },
            { info: { run_id: 'b', start_time: 50, end_time: 62_050 } },
          ];
        },
      },
      'me',
      'o/r:job.yml',
      1_000_000,
    );
    expect(calls).toEqual([
      ['getRun', 'me'],
      ['searchRuns', ['7'], 20],
    ]);
    expect(found?.basis).toEqual({ medianMs: 61_000, spreadMs: 1000, samples: 2 });
    expect(found?.estimate.endAt).toBe(1_061_000);
  });
});
