/**
 * Pure parts of the online-endpoint emulation: the Azure Monitor `$filter` grammar, timespans,
 * query parsing and evaluation over recorded samples, weighted routing and mirroring, Azure's
 * traffic rules, the endpoint fault rules and log tails.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ArmError } from '../../src/emulator/arm/errors.js';
import { EndpointFaults, validateEndpointFault } from '../../src/emulator/endpoints/faults.js';
import { readLog } from '../../src/emulator/endpoints/logs.js';
import { evaluateMetrics, MetricsStore, parseMetricsQuery, parseTimespan } from '../../src/emulator/endpoints/metrics.js';
import { filterDimensions, matchesFilter, parseFilter } from '../../src/emulator/endpoints/monitor-filter.js';
import { findScoringServer } from '../../src/emulator/endpoints/process.js';
import { readinessBudgetMs } from '../../src/emulator/endpoints/provision.js';
import { EndpointRuntime } from '../../src/emulator/endpoints/runtime.js';
import { durationMs, validateTraffic } from '../../src/emulator/endpoints/validate.js';
import { isAlive } from './endpoints-support.js';

const NS = 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints';

describe('Azure Monitor $filter', () => {
  test('conditions, and/or, parentheses, quotes', () => {
    const f = parseFilter("deployment eq 'blue' and (statusCodeClass eq '5xx' or statusCode eq '429')");
    expect(filterDimensions(f)).toEqual(['deployment', 'statuscodeclass', 'statuscode']);
    expect(matchesFilter(f, { deployment: 'blue', statuscodeclass: '5xx', statuscode: '503' })).toBe(true);
    expect(matchesFilter(f, { deployment: 'blue', statuscodeclass: '4xx', statuscode: '429' })).toBe(true);
    expect(matchesFilter(f, { deployment: 'Blue', statuscodeclass: '4xx', statuscode: '401' })).toBe(false);
    expect(matchesFilter(parseFilter("deployment eq '*'"), { deployment: 'x' })).toBe(true);
    expect(matchesFilter(parseFilter("deployment ne 'blue'"), { deployment: 'green' })).toBe(true);
    expect(matchesFilter(parseFilter("deployment sw 'gr'"), { deployment: 'green' })).toBe(true);
    expect(matchesFilter(parseFilter("deployment eq 'o''brien'"), { deployment: "o'brien" })).toBe(true);
    expect(() => parseFilter("deployment = 'x'")).toThrow(/unexpected '='/);
    expect(() => parseFilter("deployment is 'x'")).toThrow(/expected eq, ne or sw after 'deployment'/);
    expect(() => parseFilter("deployment eq 'x")).toThrow(/unterminated/);
    expect(() => parseFilter("(deployment eq 'x'")).toThrow(/missing '\)'/);
    expect(() => parseFilter("deployment eq 'x' and")).toThrow(/ends where a condition was expected/);
  });
});

describe('metrics queries', () => {
  const now = Date.parse('2024-05-01T10:30:30Z');

  test('timespans: start/end, start/duration, duration/end, duration; errors', () => {
    expect(parseTimespan('2024-05-01T10:00:00Z/2024-05-01T11:00:00Z', now)).toEqual({
      start: Date.parse('2024-05-01T10:00:00Z'),
      end: Date.parse('2024-05-01T11:00:00Z'),
    });
    expect(parseTimespan('2024-05-01T10:00:00Z/PT30M', now)).toEqual({ start: Date.parse('2024-05-01T10:00:00Z'), end: Date.parse('2024-05-01T10:30:00Z') });
    expect(parseTimespan('PT1H/2024-05-01T11:00:00Z', now)).toEqual({ start: Date.parse('2024-05-01T10:00:00Z'), end: Date.parse('2024-05-01T11:00:00Z') });
    expect(parseTimespan('PT15M', now)).toEqual({ start: now - 15 * 60_000, end: now });
    expect(parseTimespan(null, now)).toEqual({ start: now - 3600_000, end: now });
    expect(() => parseTimespan('yesterday', now)).toThrow(ArmError);
    expect(() => parseTimespan('2024-05-01T11:00:00Z/2024-05-01T10:00:00Z', now)).toThrow(/earlier than the end/);
  });

  test('evaluation: per-minute counts, coarser grains, FULL, splitting, percentiles, nulls', () => {
    const store = new MetricsStore();
    const id = '/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e';
    const at = (m: number, s = 5) => Date.parse(`2024-05-01T10:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}Z`);
    for (let i = 0; i < 10; i++)
      store.recordRequest(id, { time: at(1, i), deployment: 'blue', statusCode: 200, modelStatusCode: 200, latencyMs: 10 * (i + 1), bytes: 100 });
    for (let i = 0; i < 3; i++)
      store.recordRequest(id, { time: at(2, i), deployment: 'green', statusCode: 424, modelStatusCode: 500, latencyMs: 5, bytes: 50 });
    store.recordRequest(id, { time: at(7), deployment: '', statusCode: 401, latencyMs: 1, bytes: 10 });
    const q = (params: Record<string, string>) =>
      evaluateMetrics(
        store,
        { id, namespace: NS, location: 'eastus' },
        parseMetricsQuery(new URLSearchParams({ timespan: '2024-05-01T10:00:00Z/2024-05-01T10:10:00Z', ...params }), 'endpoint', NS, now),
      );
    type Series = { metadatavalues: Array<{ name: { value: string }; value: string }>; data: Array<Record<string, unknown>> };
    const seriesOf = (body: Record<string, unknown>) => (body.value as Array<{ timeseries: Series[] }>)[0]!.timeseries;

    const perMinute = seriesOf(q({ metricnames: 'RequestsPerMinute', aggregation: 'Total,Count,Maximum' }));
    expect(perMinute).toHaveLength(1);
    expect(perMinute[0]!.data).toHaveLength(10);
    expect(perMinute[0]!.data[0]).toEqual({ timeStamp: '2024-05-01T10:00:00Z' });
    expect(perMinute[0]!.data[1]).toEqual({ timeStamp: '2024-05-01T10:01:00Z', total: 10, count: 1, maximum: 10 });
    expect(perMinute[0]!.data[2]).toMatchObject({ total: 3 });

    const fiveMin = q({ metricnames: 'RequestsPerMinute', interval: 'PT5M', aggregation: 'total,average,count' });
    expect(fiveMin.interval).toBe('PT5M');
    expect(seriesOf(fiveMin)[0]!.data).toEqual([
      { timeStamp: '2024-05-01T10:00:00Z', total: 13, average: 6.5, count: 2 },
      { timeStamp: '2024-05-01T10:05:00Z', total: 1, average: 1, count: 1 },
    ]);
    const full = q({ metricnames: 'RequestsPerMinute', interval: 'FULL', aggregation: 'total' });
    expect(full.interval).toBe('PT10M');
    expect(seriesOf(full)[0]!.data).toEqual([{ timeStamp: '2024-05-01T10:00:00Z', total: 14 }]);

    const split = seriesOf(
      q({ metricnames: 'RequestsPerMinute', aggregation: 'total', $filter: "deployment eq '*' and statusCodeClass eq '*'", interval: 'FULL' }),
    );
    const flat = split.map((s) => [...s.metadatavalues.map((m) => `${m.name.value}=${m.value}`), s.data[0]!.total].join(' '));
    expect(flat.sort()).toEqual(['deployment= statuscodeclass=4xx 1', 'deployment=blue statuscodeclass=2xx 10', 'deployment=green statuscodeclass=4xx 3']);
    expect(seriesOf(q({ metricnames: 'RequestsPerMinute', $filter: "statusCodeClass eq '5xx'" }))).toEqual([]);
    const model = seriesOf(q({ metricnames: 'RequestsPerMinute', aggregation: 'total', interval: 'FULL', $filter: "modelStatusCode eq '500'" }));
    expect(model[0]!.data[0]!.total).toBe(3);
    // top: at most N series, largest first.
    const top1 = seriesOf(q({ metricnames: 'RequestsPerMinute', aggregation: 'total', interval: 'FULL', $filter: "deployment eq '*'", top: '1' }));
    expect(top1.map((s) => s.metadatavalues[0]!.value)).toEqual(['blue']);

    const p95 = seriesOf(q({ metricnames: 'RequestLatency_P95', aggregation: 'Average', $filter: "deployment eq 'blue'" }));
    expect(p95[0]!.data[1]!.average).toBe(100);
    const p50 = seriesOf(q({ metricnames: 'RequestLatency_P50', aggregation: 'Average', $filter: "deployment eq 'blue'" }));
    expect(p50[0]!.data[1]!.average).toBe(50);
    const lat = seriesOf(q({ metricnames: 'RequestLatency', aggregation: 'average,count,minimum,maximum', interval: 'FULL', $filter: "deployment eq 'blue'" }));
    expect(lat[0]!.data[0]).toMatchObject({ average: 55, count: 10, minimum: 10, maximum: 100 });
    const meta = seriesOf(q({ metricnames: 'RequestsPerMinute', resultType: 'Metadata', $filter: "deployment eq '*'" }));
    expect(meta.every((s) => !('data' in s))).toBe(true);
  });

  test('ingestion delay: a minute is answered only once it is older than the delay, and fills in gradually', () => {
    const store = new MetricsStore({ delayMs: 60_000 });
    const id = '/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e';
    const t0 = Date.parse('2024-05-01T10:01:00Z');
    // 60 requests over minute 10:01, one a second; 6 of them failed.
    for (let i = 0; i < 60; i++)
      store.recordRequest(id, {
        time: t0 + i * 1000,
        deployment: 'green',
        statusCode: i % 10 === 0 ? 424 : 200,
        modelStatusCode: i % 10 === 0 ? 500 : 200,
        latencyMs: 10,
        bytes: 1,
      });
    const totalAt = (asOf: number) => {
      const body = evaluateMetrics(
        store,
        { id, namespace: NS, location: 'eastus' },
        parseMetricsQuery(
          new URLSearchParams({ timespan: '2024-05-01T10:00:00Z/2024-05-01T10:05:00Z', metricnames: 'RequestsPerMinute', aggregation: 'Total' }),
          'endpoint',
          NS,
          asOf,
        ),
      );
      const series = (body.value as Array<{ timeseries: Array<{ data: Array<{ timeStamp: string; total?: number }> }> }>)[0]!.timeseries;
      return series[0]?.data.find((p) => p.timeStamp === '2024-05-01T10:01:00Z')?.total;
    };
    expect(totalAt(t0 + 59_000)).toBeUndefined(); // the minute is not over: nothing yet
    expect(totalAt(t0 + 60_000)).toBeUndefined(); // over, but not ingested
    expect(totalAt(t0 + 90_000)).toBe(30); // half of it
    expect(totalAt(t0 + 115_000)).toBe(55);
    expect(totalAt(t0 + 120_000)).toBe(60); // whole one delay after its end
    expect(new MetricsStore().delayMs).toBe(60_000);
    // A shorter minute (a test timing): the grains scale and the answer names the real length.
    const fast = new MetricsStore({ delayMs: 2000, minuteMs: 2000 });
    for (let i = 0; i < 4; i++) fast.recordRequest(id, { time: t0 + i * 500, deployment: 'green', statusCode: 200, latencyMs: 1, bytes: 1 });
    const q = parseMetricsQuery(
      new URLSearchParams({ timespan: '2024-05-01T10:01:00Z/2024-05-01T10:01:06Z', metricnames: 'RequestsPerMinute', aggregation: 'Total', interval: 'PT1M' }),
      'endpoint',
      NS,
      t0 + 4000,
      2000,
    );
    const body = evaluateMetrics(fast, { id, namespace: NS, location: 'eastus' }, q);
    expect(body.interval).toBe('PT2S');
    const data = (body.value as Array<{ timeseries: Array<{ data: Array<{ timeStamp: string; total?: number }> }> }>)[0]!.timeseries[0]!.data;
    expect(data.map((p) => p.total)).toEqual([4, undefined, undefined]);
  });

  test('query errors are 400 BadRequest with Azure Monitor messages', () => {
    const parse = (p: Record<string, string>) => () => parseMetricsQuery(new URLSearchParams(p), 'endpoint', NS, now);
    expect(parse({ metricnames: 'Nope' })).toThrow(
      /Failed to find metric configuration for provider: Microsoft.MachineLearningServices, resource Type: workspaces\/onlineEndpoints, metric: Nope/,
    );
    expect(parse({ interval: 'PT30S' })).toThrow(/the finest is PT1M/);
    expect(parse({ interval: 'PT7M' })).toThrow(/supported time grains are PT1M, PT5M/);
    expect(parseMetricsQuery(new URLSearchParams({ interval: 'PT7M', autoadjusttimegrain: 'true' }), 'endpoint', NS, now).grainIso).toBe('PT15M');
    expect(parse({ aggregation: 'median' })).toThrow(/Invalid aggregation 'median'/);
    expect(parse({ metricnamespace: 'Microsoft.Storage/storageAccounts' })).toThrow(/Metric namespace/);
    expect(parse({ metricnames: 'NetworkBytes', $filter: "deployment eq 'x'" })).toThrow(/supported ones are: \(none\)/);
    expect(
      parseMetricsQuery(new URLSearchParams({ metricnames: 'NetworkBytes', $filter: "deployment eq 'x'", ValidateDimensions: 'false' }), 'endpoint', NS, now)
        .splitDims,
    ).toEqual(['deployment']);
    expect(parse({ timespan: 'P40D', interval: 'PT1M' })).toThrow(/limit is 50000/);
    expect(parse({ orderby: 'sideways' })).toThrow(/Invalid orderby/);
  });
});

describe('routing', () => {
  test('smooth weighted round-robin gives exact shares, interleaved', () => {
    const ep = new EndpointRuntime('id', 'e');
    ep.setTraffic({ blue: 90, green: 10 }, {});
    const picks = Array.from({ length: 100 }, () => ep.pick());
    expect(picks.filter((p) => p === 'green')).toHaveLength(10);
    // never two greens in a row at 90/10
    expect(picks.some((p, i) => p === 'green' && picks[i + 1] === 'green')).toBe(false);
    ep.setTraffic({ a: 50, b: 30, c: 20 }, {});
    const all = Array.from({ length: 100 }, () => ep.pick());
    expect(['a', 'b', 'c'].map((n) => all.filter((p) => p === n).length)).toEqual([50, 30, 20]);
    ep.setTraffic({ a: 0, b: 0 }, {});
    expect(ep.pick()).toBeUndefined();
  });

  test('mirroring copies exactly `percent` of every 100 requests', () => {
    const ep = new EndpointRuntime('id', 'e');
    ep.setTraffic({ blue: 100 }, { green: 20 });
    const mirrored = Array.from({ length: 100 }, () => ep.mirrorThis()).filter((m) => m === 'green');
    expect(mirrored).toHaveLength(20);
    ep.setTraffic({ blue: 100 }, { green: 0 });
    expect(ep.mirrorThis()).toBeUndefined();
  });
});

describe('traffic rules', () => {
  const deps = [
    { name: 'blue', canServe: true, state: 'Succeeded' },
    { name: 'green', canServe: true, state: 'Succeeded' },
    { name: 'new', canServe: false, state: 'Creating' },
  ];
  const check =
    (t: Record<string, number>, m: Record<string, number> = {}) =>
    () =>
      validateTraffic('e', t, m, deps);

  test('valid splits', () => {
    expect(check({})).not.toThrow();
    expect(check({ blue: 0, green: 0, new: 0 })).not.toThrow();
    expect(check({ BLUE: 70, green: 30 })).not.toThrow();
    expect(check({ blue: 100 }, { green: 50 })).not.toThrow();
  });

  test('refused splits', () => {
    expect(check({ blue: 50 })).toThrow(/sum to 0 or 100; they sum to 50/);
    expect(check({ purple: 100 })).toThrow(/no such deployment/);
    expect(check({ blue: 50, new: 50 })).toThrow(/while its provisioning state is 'Creating'/);
    expect(check({ blue: 100 }, { green: 51 })).toThrow(/at most 50 percent/);
    expect(check({ blue: 100 }, { green: 10, new: 10 })).toThrow(/only one deployment/);
    expect(check({ blue: 100 }, { blue: 10 })).toThrow(/both live traffic/);
    expect(check({ blue: 100 }, { new: 10 })).toThrow(/cannot be mirrored to deployment 'new'/);
  });

  test('durations and readiness budgets', () => {
    expect(durationMs('PT0.5S', 'x')).toBe(500);
    expect(durationMs('PT1M30S', 'x')).toBe(90_000);
    expect(durationMs('P1DT1H', 'x')).toBe(25 * 3600_000);
    expect(() => durationMs('5s', 'x')).toThrow(/ISO 8601/);
    expect(readinessBudgetMs({}, 1e9)).toBe(10_000 + 30 * 10_000);
    expect(readinessBudgetMs({ readinessProbe: { initialDelay: 'PT1S', period: 'PT2S', failureThreshold: 3 } }, 1e9)).toBe(7000);
    expect(readinessBudgetMs({}, 60_000)).toBe(60_000);
  });
});

describe('endpoint fault rules', () => {
  test('validation names the field and kind', () => {
    expect(() => validateEndpointFault({ kind: 'explode' })).toThrow(/'kind' must be one of provisioningFailure, modelError/);
    expect(() => validateEndpointFault({ kind: 'slow' })).toThrow(/needs 'ms'/);
    expect(() => validateEndpointFault({ kind: 'crash', ms: 5 })).toThrow(/field 'ms' does not apply to kind 'crash'/);
    expect(() => validateEndpointFault({ kind: 'stuckUpdating', ms: 5 })).toThrow(/needs 'endpoint'/);
    expect(() => validateEndpointFault({ kind: 'gatewayError', status: 200 })).toThrow(/'status' must be an integer from 400/);
  });

  test('after, count, names and kinds', () => {
    const f = new EndpointFaults();
    f.add({ kind: 'modelError', deployment: 'green', after: 2, count: 2 });
    f.add({ kind: 'gatewayError', endpoint: 'other' });
    const fired = Array.from({ length: 6 }, () => f.take(['modelError', 'gatewayError'], 'e', 'GREEN')?.kind ?? '-');
    expect(fired).toEqual(['-', '-', 'modelError', 'modelError', '-', '-']);
    expect(f.take(['modelError', 'gatewayError'], 'e', 'blue')).toBeUndefined();
    expect(f.take(['modelError', 'gatewayError'], 'Other', 'blue')?.kind).toBe('gatewayError');
    expect(f.take(['provisioningFailure'], 'other', 'blue')).toBeUndefined();
    expect(f.list().map((r) => [r.kind, r.matched, r.hits])).toEqual([
      ['modelError', 4, 2],
      ['gatewayError', 1, 1],
    ]);
    expect(f.clear()).toBe(2);
  });
});

describe('files', () => {
  test('readLog tails lines; a missing log is empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'endpoints-units-'));
    try {
      const file = join(dir, 'log.txt');
      await writeFile(file, 'one\ntwo\nthree\n');
      expect(await readLog(file, 2)).toBe('two\nthree\n');
      expect(await readLog(file, 0)).toBe('one\ntwo\nthree\n');
      expect(await readLog(file)).toBe('one\ntwo\nthree\n');
      expect(await readLog(join(dir, 'none.txt'), 5)).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a scoring server whose emulator died without stopping it exits by itself', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'endpoints-orphan-'));
    try {
      await writeFile(join(dir, 'score.py'), 'def init():\n    pass\n\ndef run(raw):\n    return raw\n');
      // bash stands in for the emulator: it starts the server with its own pid as parent, then exits.
      const script = `python3 -u "$1" --port-file "$2/port" --script "$2/score.py" --parent-pid $$ > "$2/log" 2>&1 & echo $!; sleep 0.3`;
      const pid = Number(execFileSync('bash', ['-c', script, 'bash', findScoringServer(), dir], { encoding: 'utf8' }).trim());
      const alive = () => isAlive(pid);
      const deadline = Date.now() + 5000;
      while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(alive()).toBe(false);
      expect(await readFile(join(dir, 'log'), 'utf8')).toContain('is gone: shutting down');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('scoring_server.py is found from the source tree', () => {
    const path = findScoringServer();
    expect(path.endsWith(join('src', 'emulator', 'endpoints', 'scoring_server.py'))).toBe(true);
    expect(existsSync(path)).toBe(true);
  });
});
