import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/core/ledger.js';
import { renderReport, renderSchedules } from '../../src/report/comment.js';
import { collectReportData, isEmptyReport } from '../../src/report/data.js';
import { describeTrigger } from '../../src/specs/schedule-times.js';

describe('schedules in the report', () => {
  it('describes cron and recurrence triggers in a few words', () => {
    expect(describeTrigger({ triggerType: 'Cron', expression: '0 2 * * 1-5', timeZone: 'Pacific Standard Time' })).toBe(
      'cron 0 2 * * 1-5 (Pacific Standard Time)',
    );
    expect(describeTrigger({ triggerType: 'Recurrence', frequency: 'Minute', interval: 15 })).toBe('every 15 minutes (UTC)');
    expect(
      describeTrigger({
        triggerType: 'Recurrence',
        frequency: 'Week',
        interval: 2,
        schedule: { hours: [6, 18], minutes: [30], weekDays: ['Monday', 'Friday'] },
        timeZone: 'UTC',
      }),
    ).toBe('every 2 weeks on Monday, Friday at 06:30, 18:30 (UTC)');
    expect(describeTrigger({ triggerType: 'Recurrence', frequency: 'Month', interval: 1, schedule: { hours: [1], minutes: [0], monthDays: [1, 15] } })).toBe(
      'every month on day 1, 15 at 01:00 (UTC)',
    );
  });

  it('a schedule alone is a report; the later entry of the same schedule wins; bad entries are dropped', () => {
    const at = '2026-12-07T10:00:00.000Z';
    const ledger = [
      {
        kind: 'schedule',
        name: 'nightly',
        jobType: 'Pipeline',
        status: 'created',
        enabled: true,
        trigger: 'cron 0 2 * * * (UTC)',
        nextRuns: ['2026-12-08T02:00:00.000Z'],
        at,
      },
      { kind: 'schedule', name: 'nightly', jobType: 'Pipeline', status: 'updated', enabled: false, trigger: 'cron 0 2 * * * (UTC)', nextRuns: [], at },
      { kind: 'schedule', status: 'created', at },
    ] as unknown as LedgerEntry[];
    const data = collectReportData(ledger);
    expect(isEmptyReport(data)).toBe(false);
    expect(data.schedules).toEqual([
      { name: 'nightly', jobType: 'Pipeline', status: 'updated', enabled: false, trigger: 'cron 0 2 * * * (UTC)', nextRuns: [] },
    ]);
    const { body } = renderReport(data);
    expect(body).toContain('**Schedule** ⏸️ <code>nightly</code>');
    expect(body).toContain('| <code>nightly</code> | Pipeline | cron 0 2 &#42; &#42; &#42; &#40;UTC&#41; | ⏸️ disabled | ✏️ updated |');
  });

  it('at most three next runs and ten schedules are listed', () => {
    const nextRuns = ['2026-12-08T02:00:00.000Z', '2026-12-09T02:00:00.000Z', '2026-12-10T02:00:00.000Z', '2026-12-11T02:00:00.000Z'];
    const many = Array.from({ length: 12 }, (_, i) => ({ name: `s${i}`, status: 'created', enabled: true, nextRuns }));
    const text = renderSchedules(many);
    expect(text).toContain('2026-12-08 02:00Z<br>2026-12-09 02:00Z<br>2026-12-10 02:00Z<br>…');
    expect(text.split('\n').filter((l) => l.startsWith('| <code>s'))).toHaveLength(10);
    expect(text).toContain('2 more schedule(s).');
  });
});
