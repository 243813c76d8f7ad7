/** Which answers of a managed online endpoint are the deployment's failures (pure). */
import { describe, expect, it } from 'vitest';
import { combinePoints, isFailedAnswer, isoDurationMs, isServerError, pointsOf, type MonitorResponse } from '../../src/azure/monitor.js';

describe('the deployment failed the request', () => {
  it("5xx, 424 (model error), 408 (request timeout) and 429 (too many pending requests); not the caller's 4xx", () => {
    const dims = (statuscode: string, modelstatuscode = '') => ({ statuscode, statuscodeclass: `${statuscode[0]}xx`, modelstatuscode });
    expect(isServerError(dims('503'))).toBe(true);
    expect(isServerError(dims('424', '500'))).toBe(true);
    expect(isServerError(dims('408'))).toBe(true);
    expect(isServerError(dims('429'))).toBe(true);
    for (const code of ['200', '400', '401', '404']) expect(isServerError(dims(code))).toBe(false);
    for (const code of [500, 502, 503, 424, 408, 429]) expect(isFailedAnswer(code)).toBe(true);
    for (const code of [200, 201, 400, 401, 404]) expect(isFailedAnswer(code)).toBe(false);
  });

  it("reads the answer's grain", () => {
    expect(isoDurationMs('PT1M')).toBe(60_000);
    expect(isoDurationMs('PT0.5S')).toBe(500);
    expect(isoDurationMs('PT1H')).toBe(3_600_000);
    expect(isoDurationMs('P1D')).toBeUndefined();
    expect(isoDurationMs(undefined)).toBeUndefined();
  });
});

describe('the points of an Azure Monitor answer', () => {
  // RequestsPerMinute split by status code as Azure answers it: dimension names in any case, one series per value.
  const series = (code: string, data: Array<{ timeStamp: string; total?: number }>) => ({
    metadatavalues: [
      { name: { value: 'statusCodeClass' }, value: `${code[0]}xx` },
      { name: { value: 'StatusCode' }, value: code },
    ],
    data,
  });
  const resp: MonitorResponse = {
    interval: 'PT1M',
    value: [
      {
        name: { value: 'RequestsPerMinute' },
        timeseries: [
          series('200', [
            { timeStamp: '2026-01-01T00:00:00Z', total: 90 },
            { timeStamp: '2026-01-01T00:01:00Z', total: 80 },
            { timeStamp: 'not a time', total: 5 },
          ]),
          series('503', [{ timeStamp: '2026-01-01T00:00:00Z', total: 10 }, { timeStamp: '2026-01-01T00:01:00Z' }]),
        ],
      },
      { name: { value: 'RequestLatency_P95' }, timeseries: [{ data: [{ timeStamp: '2026-01-01T00:00:00Z', total: 1 }] }] },
    ],
  };

  it('keeps the points of one metric with a time, of the series whose (lower-cased) dimensions pass the filter', () => {
    expect(pointsOf(resp, 'RequestsPerMinute').map((x) => x.at)).toEqual([
      Date.parse('2026-01-01T00:00:00Z'),
      Date.parse('2026-01-01T00:01:00Z'),
      Date.parse('2026-01-01T00:00:00Z'),
      Date.parse('2026-01-01T00:01:00Z'),
    ]);
    expect(pointsOf(resp, 'RequestsPerMinute', isServerError).map((x) => x.p.total)).toEqual([10, undefined]);
    expect(pointsOf(resp, 'Missing')).toEqual([]);
  });

  it('adds, averages or takes the largest, skipping points without the aggregation', () => {
    const points = pointsOf(resp, 'RequestsPerMinute');
    expect(combinePoints(points, 'total')).toBe(180);
    expect(combinePoints(points, 'average')).toBeUndefined();
    expect(
      combinePoints(
        points.map(({ p }) => ({ p: { ...p, maximum: p.total } })),
        'maximum',
      ),
    ).toBe(90);
    expect(
      combinePoints(
        points.map(({ p }) => ({ p: { ...p, average: p.total } })),
        'average',
      ),
    ).toBe(60);
    expect(combinePoints([], 'total')).toBeUndefined();
  });
});
