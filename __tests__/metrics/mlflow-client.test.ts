/**
 * The MLflow REST client against a loopback server speaking MLflow's wire shapes: pagination of
 * get-history and runs/search, bounded parallel reads, bearer and basic auth, retries honouring
 * Retry-After, and clear errors (unreachable server, unknown run, refused credentials, not an
 * MLflow server).
 */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMlflowClient,
  createMlflowRunSource,
  decodeMetricValue,
  normalizeTrackingUri,
  resolveMlflowAuth,
  type MlflowClientOptions,
} from '../../src/metrics/mlflow.js';
import { json, startLoopback, type Loopback, type RecordedRequest } from '../azure/loopback.js';

interface FakeRun {
  id: string;
  experiment: string;
  name: string;
  status?: string;
  tags?: Record<string, string>;
  history: Record<string, Array<{ value: number | string; step: number; timestamp: number }>>;
}

/** A small MLflow tracking server: runs/get, runs/search (parentRunId filter), metrics/get-history. */
function mlflowServer(runs: FakeRun[], o: { auth?: string; inFlight?: { now: number; max: number }; delayMs?: number; pageCap?: number } = {}) {
  const runJson = (r: FakeRun) => ({
    info: {
      run_id: r.id,
      run_uuid: r.id,
      run_name: r.name,
      experiment_id: r.experiment,
      status: r.status ?? 'FINISHED',
      lifecycle_stage: 'active',
      start_time: 1,
    },
    data: {
      metrics: Object.entries(r.history).map(([key, h]) => ({ key, ...h[h.length - 1] })),
      tags: Object.entries({ 'mlflow.runName': r.name, ...r.tags }).map(([key, value]) => ({ key, value })),
    },
  });
  return async (req: RecordedRequest, res: ServerResponse) => {
    if (o.auth && req.headers.authorization !== o.auth) return json(res, 401, { error_code: 'UNAUTHENTICATED', message: 'Credentials were not supplied' });
    if (o.inFlight) {
      o.inFlight.now++;
      o.inFlight.max = Math.max(o.inFlight.max, o.inFlight.now);
    }
    try {
      if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
      if (req.path === '/api/2.0/mlflow/runs/get') {
        const run = runs.find((r) => r.id === req.query.get('run_id'));
        return run
          ? json(res, 200, { run: runJson(run) })
          : json(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run '${req.query.get('run_id')}' not found` });
      }
      if (req.path === '/api/2.0/mlflow/runs/search' && req.method === 'POST') {
        const body = JSON.parse(req.body) as { experiment_ids: string[]; filter: string; max_results: number; page_token?: string };
        const parent = /tags\.mlflow\.parentRunId = '([^']+)'/.exec(body.filter)?.[1];
        const found = runs.filter((r) => body.experiment_ids.includes(r.experiment) && (!parent || r.tags?.['mlflow.parentRunId'] === parent));
        const offset = Number(body.page_token ?? 0);
        const size = Math.min(body.max_results, 2); // small pages to exercise paging
        const page = found.slice(offset, offset + size);
        return json(res, 200, { runs: page.map(runJson), ...(offset + size < found.length ? { next_page_token: String(offset + size) } : {}) });
      }
      if (req.path === '/api/2.0/mlflow/metrics/get-history') {
        const run = runs.find((r) => r.id === req.query.get('run_id'));
        if (!run) return json(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run not found' });
        const h = run.history[req.query.get('metric_key') ?? ''] ?? [];
        const max = Math.min(Number(req.query.get('max_results') ?? 25000), o.pageCap ?? 25000);
        const offset = Number(req.query.get('page_token') ?? 0);
        const page = h.slice(offset, offset + max);
        const key = req.query.get('metric_key');
        return json(res, 200, { metrics: page.map((p) => ({ key, ...p })), ...(offset + max < h.length ? { next_page_token: String(offset + max) } : {}) });
      }
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>Not Found</html>');
    } finally {
      if (o.inFlight) o.inFlight.now--;
    }
  };
}

const series = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => ({ value: f(i), step: i, timestamp: 1000 + i }));

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fastRetry: MlflowClientOptions['retry'] = { maxRetries: 3, retryDelayInMs: 1, maxRetryDelayInMs: 50, sleep: async () => undefined };

describe('MLflow client', () => {
  it('reads histories page by page, several at a time, bounded', async () => {
    const inFlight = { now: 0, max: 0 };
    const history: FakeRun['history'] = {};
    for (let m = 0; m < 12; m++) history[`m${m}`] = series(25, (i) => m + i / 100);
    server = await startLoopback(mlflowServer([{ id: 'r1', experiment: '1', name: 'run', history }], { inFlight, delayMs: 5 }));
    const client = createMlflowClient({ trackingUri: server.url, historyPageSize: 10, concurrency: 3 });
    const source = createMlflowRunSource(client, 'r1');
    const metrics = await source.fetch();
    expect(metrics.size).toBe(12);
    expect(metrics.get('m3')?.length).toBe(25);
    expect(metrics.get('m3')?.[24]).toEqual({ step: 24, value: 3.24, timestamp: 1024 });
    // 1 runs/get + 12 metrics × 3 pages (10 + 10 + 5)
    expect(source.stats()).toEqual({ requests: 37, histories: 12, points: 300 });
    const pages = server.requests.filter((r) => r.path.endsWith('get-history') && r.query.get('metric_key') === 'm0');
    expect(pages.map((r) => [r.query.get('max_results'), r.query.get('page_token')])).toEqual([
      ['10', null],
      ['10', '10'],
      ['10', '20'],
    ]);
    expect(inFlight.max).toBeLessThanOrEqual(3);
    expect(inFlight.max).toBeGreaterThan(1);
  });

  it('fetches only the names asked for, and leaves out the ones the run does not have', async () => {
    server = await startLoopback(mlflowServer([{ id: 'r1', experiment: '1', name: 'run', history: { a: series(3, (i) => i), b: series(2, (i) => i) } }]));
    const source = createMlflowRunSource(createMlflowClient({ trackingUri: `${server.url}/` }), 'r1');
    const m = await source.fetch(['b', 'zzz']);
    expect([...m.keys()]).toEqual(['b']);
    expect(server.requests.filter((r) => r.path.endsWith('get-history')).map((r) => r.query.get('metric_key'))).toEqual(['b']);
    expect(await source.names()).toEqual(['a', 'b']);
  });

  it('decodes NaN and infinities as MLflow writes them, and sorts by step', async () => {
    server = await startLoopback(
      mlflowServer([
        {
          id: 'r1',
          experiment: '1',
          name: 'run',
          history: {
            loss: [
              { value: 'NaN', step: 2, timestamp: 3 },
              { value: 0.5, step: 0, timestamp: 1 },
              { value: 'Infinity', step: 1, timestamp: 2 },
            ],
          },
        },
      ]),
    );
    const m = await createMlflowRunSource(createMlflowClient({ trackingUri: server.url }), 'r1').fetch();
    const h = m.get('loss')!;
    expect(h.map((p) => p.step)).toEqual([0, 1, 2]);
    expect(h[1].value).toBe(Infinity);
    expect(Number.isNaN(h[2].value)).toBe(true);
  });

  it('searches child runs across pages', async () => {
    const runs: FakeRun[] = [{ id: 'p', experiment: '7', name: 'pipe', history: {} }];
    for (let i = 0; i < 5; i++) runs.push({ id: `c${i}`, experiment: '7', name: `step${i}`, tags: { 'mlflow.parentRunId': 'p' }, history: {} });
    runs.push({ id: 'other', experiment: '7', name: 'x', history: {} });
    server = await startLoopback(mlflowServer(runs));
    const children = await createMlflowClient({ trackingUri: server.url }).searchRuns(['7'], { filter: "tags.mlflow.parentRunId = 'p'" });
    expect(children.map((c) => c.info.run_id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    expect(children[2].tags['mlflow.runName']).toBe('step2');
    expect(server.requests.filter((r) => r.path.endsWith('runs/search')).length).toBe(3);
  });

  it('sends a bearer token or basic credentials', async () => {
    server = await startLoopback(mlflowServer([{ id: 'r1', experiment: '1', name: 'run', history: { a: series(1, () => 1) } }], { auth: 'Bearer tok-123' }));
    let calls = 0;
    const provider = async () => {
      calls++;
      return 'tok-123';
    };
    await createMlflowRunSource(createMlflowClient({ trackingUri: server.url, auth: { kind: 'bearer', token: provider } }), 'r1').fetch();
    expect(calls).toBe(2);
    await server.close();

    const basic = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
    server = await startLoopback(mlflowServer([{ id: 'r1', experiment: '1', name: 'run', history: { a: series(1, () => 1) } }], { auth: basic }));
    const m = await createMlflowRunSource(
      createMlflowClient({ trackingUri: server.url, auth: { kind: 'basic', username: 'alice', password: 's3cret' } }),
      'r1',
    ).fetch();
    expect(m.get('a')?.[0].value).toBe(1);
  });

  it('refused credentials are a configuration error that says what to give', async () => {
    server = await startLoopback(mlflowServer([], { auth: 'Bearer right' }));
    const client = createMlflowClient({ trackingUri: server.url, input: 'mlflow-tracking-uri' });
    await expect(client.getRun('r1')).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringContaining("refused the request reading run 'r1' (HTTP 401 UNAUTHENTICATED): Credentials were not supplied"),
      hint: expect.stringContaining('mlflow-token'),
    });
  });

  it('retries 429 and 5xx, honouring Retry-After', async () => {
    let n = 0;
    const route = mlflowServer([{ id: 'r1', experiment: '1', name: 'run', history: { a: series(2, (i) => i) } }]);
    server = await startLoopback((req, res) => {
      n++;
      if (n === 1) return json(res, 429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }, { 'retry-after': '7' });
      if (n === 2) return json(res, 503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' });
      return route(req, res);
    });
    const waits: number[] = [];
    const client = createMlflowClient({
      trackingUri: server.url,
      retry: { ...fastRetry, maxRetryDelayInMs: 60_000, random: () => 0, sleep: async (ms) => void waits.push(ms) },
    });
    const run = await client.getRun('r1');
    expect(run.info.run_id).toBe('r1');
    expect(waits[0]).toBe(7000);
    expect(waits.length).toBe(2);
    expect(client.stats().requests).toBe(3);
  });

  it('a server that keeps failing: the error names the call, the status and the retries', async () => {
    server = await startLoopback((_req, res) => json(res, 500, { error_code: 'INTERNAL_ERROR', message: 'database is down' }));
    const client = createMlflowClient({ trackingUri: server.url, retry: fastRetry });
    await expect(client.getMetricHistory('r1', 'acc')).rejects.toMatchObject({
      name: 'MlflowRequestError',
      message: "MLflow metrics/get-history (reading the history of 'acc') returned HTTP 500 INTERNAL_ERROR after 3 retries: database is down",
    });
  });

  it('an unknown run is a configuration error', async () => {
    server = await startLoopback(mlflowServer([]));
    await expect(createMlflowClient({ trackingUri: server.url, input: 'mlflow-tracking-uri' }).getRun('abc')).rejects.toMatchObject({
      name: 'ConfigurationError',
      input: 'mlflow-tracking-uri',
      message: `Run 'abc' was not found on the MLflow tracking server at ${server.url}.`,
    });
  });

  it('an unreachable server is a configuration error at once (no retries)', async () => {
    server = await startLoopback(() => undefined);
    const url = server.url;
    await server.close();
    server = undefined;
    const started = Date.now();
    const client = createMlflowClient({ trackingUri: url, input: 'mlflow-tracking-uri', retry: { maxRetries: 5, retryDelayInMs: 1000 } });
    await expect(client.getRun('r1')).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: `The MLflow tracking server at ${url} does not answer (ECONNREFUSED) while reading run 'r1'.`,
      hint: expect.stringContaining('Check mlflow-tracking-uri'),
    });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('a server that is not MLflow: clear 404 and non-JSON errors', async () => {
    server = await startLoopback((req, res) => {
      if (req.path.startsWith('/prefix')) {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>login</html>');
        return;
      }
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>nope</html>');
    });
    await expect(createMlflowClient({ trackingUri: server.url, input: 'mlflow-tracking-uri' }).getRun('r1')).rejects.toMatchObject({
      message: expect.stringContaining(`has no MLflow REST API at ${server.url}/api/2.0/mlflow (HTTP 404 for runs/get)`),
    });
    await expect(createMlflowClient({ trackingUri: `${server.url}/prefix` }).getRun('r1')).rejects.toMatchObject({
      message: expect.stringContaining('answered runs/get with something that is not JSON (HTTP 200, text/html)'),
    });
  });

  it('a server that returns the same page token twice does not loop forever', async () => {
    server = await startLoopback((req, res) => {
      if (req.path.endsWith('get-history')) return json(res, 200, { metrics: [{ key: 'a', value: 1, step: 0, timestamp: 0 }], next_page_token: 'same' });
      json(res, 404, {});
    });
    await expect(createMlflowClient({ trackingUri: server.url }).getMetricHistory('r', 'a')).rejects.toThrow(/page token 'same' twice/);
  });
});

describe('tracking URIs, values and credentials', () => {
  it('normalises the URI and refuses other schemes with a hint', () => {
    expect(normalizeTrackingUri('https://mlflow.example.com/api/2.0/mlflow/')).toBe('https://mlflow.example.com');
    expect(normalizeTrackingUri(' http://h:5000/prefix/ ')).toBe('http://h:5000/prefix');
    expect(() => normalizeTrackingUri('databricks', 'mlflow-tracking-uri')).toThrow(/not a valid MLflow tracking URI/);
    expect(() => normalizeTrackingUri('databricks://profile')).toThrow(expect.objectContaining({ hint: expect.stringContaining('Databricks') }));
    expect(() => normalizeTrackingUri('file:///tmp/mlruns')).toThrow(expect.objectContaining({ hint: expect.stringContaining('metrics-file') }));
    expect(() => normalizeTrackingUri('https://u:p@host')).toThrow(/not in the tracking URI/);
  });

  it('decodes values', () => {
    expect(decodeMetricValue(0.5)).toBe(0.5);
    expect(decodeMetricValue('0.25')).toBe(0.25);
    expect(decodeMetricValue('-inf')).toBe(-Infinity);
    expect(decodeMetricValue('nan')).toBeNaN();
    expect(decodeMetricValue('abc')).toBeUndefined();
    expect(decodeMetricValue('')).toBeUndefined();
  });

  it('picks credentials as MLflow does; inputs replace the variables', () => {
    const env = { MLFLOW_TRACKING_TOKEN: 'env-tok', MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' };
    expect(resolveMlflowAuth({}, env)).toEqual({ kind: 'basic', username: 'u', password: 'p' });
    expect(resolveMlflowAuth({}, { MLFLOW_TRACKING_TOKEN: 'env-tok' })).toEqual({ kind: 'bearer', token: 'env-tok' });
    expect(resolveMlflowAuth({ token: 'in-tok' }, env)).toEqual({ kind: 'bearer', token: 'in-tok' });
    expect(resolveMlflowAuth({}, {})).toEqual({ kind: 'none' });
    expect(() => resolveMlflowAuth({ username: 'x' }, {})).toThrow(expect.objectContaining({ input: 'mlflow-password' }));
    expect(() => resolveMlflowAuth({}, { MLFLOW_TRACKING_USERNAME: 'x' })).toThrow(/MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD/);
  });
});
