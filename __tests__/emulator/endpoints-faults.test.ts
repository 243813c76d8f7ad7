/**
 * What goes wrong with online deployments, for real: provisioning failures (missing scoring
 * script, init() raising, an injected failure) with getLogs telling why; faults of a serving
 * model (errors after N requests, slowness, a crashing container that is restarted, gateway
 * errors, request timeouts, too many pending requests) and what Azure Monitor metrics then show;
 * an endpoint stuck Updating (409 conflicts); keys, key regeneration and AML tokens.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { arm, startFastEmulator } from './support.js';
import {
  addEndpointFault,
  API,
  armWait,
  clearEndpointFaults,
  deploymentPath,
  endpointPath,
  getLogs,
  isAlive,
  modelFiles,
  overview,
  registerCode,
  registerEnvironment,
  registerModel,
  score,
  SCORE_PY,
  setTraffic,
  until,
  uploadFolder,
  waitOperation,
  writeFiles,
} from './endpoints-support.js';

type Json = Record<string, unknown>;
type Series = { metadatavalues: Array<{ name: { value: string }; value: string }>; data: Array<Record<string, number | string>> };

let em: RunningEmulator;
let dir: string;
let modelId: string;
let envId: string;
const codes: Record<string, string> = {};
const request = { data: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]] };

async function code(name: string, files: Record<string, string>): Promise<string> {
  const local = writeFiles(join(dir, 'code', name), files);
  codes[name] = await registerCode(em, name, '1', await uploadFolder(em, local, `LocalUpload/code-${name}`));
  return codes[name]!;
}

function deploymentBody(codeId: string, extra: Json = {}): Json {
  return {
    location: 'eastus',
    sku: { name: 'Default', capacity: 1 },
    properties: { endpointComputeType: 'Managed', model: modelId, codeConfiguration: { codeId, scoringScript: 'score.py' }, environmentId: envId, ...extra },
  };
}

async function metric(endpoint: string, q: Record<string, string>): Promise<Series[]> {
  const now = Date.now();
  const res = await arm<{ value: Array<{ timeseries: Series[] }> }>(
    em,
    'GET',
    `${endpointPath(em, endpoint)}/providers/Microsoft.Insights/metrics`,
    undefined,
    {
      apiVersion: '2023-10-01',
      query: { timespan: `${new Date(now - 10 * 60_000).toISOString()}/${new Date(now + 60_000).toISOString()}`, interval: 'PT1M', ...q },
    },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.value[0]!.timeseries;
}

const sum = (series: Series[], agg: string, where: Record<string, string> = {}) =>
  series
    .filter((s) => Object.entries(where).every(([k, v]) => s.metadatavalues.find((m) => m.name.value === k)?.value === v))
    .reduce((t, s) => t + s.data.reduce((a, p) => a + (typeof p[agg] === 'number' ? (p[agg] as number) : 0), 0), 0);

beforeAll(async () => {
  // Metrics are read right after the requests: no ingestion delay (the delay has its own tests).
  em = await startFastEmulator({ metricsDelay: 0, endpoints: { restartDelayMs: 400, sampleIntervalMs: 100 } });
  dir = await mkdtemp(join(tmpdir(), 'endpoints-faults-'));
  const modelDir = writeFiles(join(dir, 'model'), modelFiles('m', [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 0));
  modelId = await registerModel(em, 'faults-model', '1', await uploadFolder(em, modelDir, 'LocalUpload/faults-model/model'));
  envId = await registerEnvironment(em, 'faults-env');
  await code('good', { 'score.py': SCORE_PY });
  await code('bad-init', {
    'score.py': 'def init():\n    print("loading the model", flush=True)\n    raise RuntimeError("no weights here")\n\ndef run(raw):\n    return 1\n',
  });
  expect((await armWait(em, 'PUT', endpointPath(em, 'faulty'), { location: 'eastus', properties: { authMode: 'Key' } })).status).toBe('Succeeded');
});

afterAll(async () => {
  await em?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('provisioning failures', () => {
  test('a scoring script missing from the code: Failed (BadArgument), the StorageInitializer log lists the files', async () => {
    const body = deploymentBody(codes.good!);
    (body.properties as Json).codeConfiguration = { codeId: codes.good, scoringScript: 'onlinescoring/score.py' };
    const r = await armWait(em, 'PUT', deploymentPath(em, 'faulty', 'nofile'), body);
    expect(r.status).toBe('Failed');
    expect(r.error?.code).toBe('BadArgument');
    expect(r.error?.message).toContain("The scoring script 'onlinescoring/score.py'");
    expect(r.error?.message).toContain('files: score.py');
    const got = await arm<Json>(em, 'GET', deploymentPath(em, 'faulty', 'nofile'), undefined, { apiVersion: API });
    expect((got.body.properties as Json).provisioningState).toBe('Failed');
    const log = await getLogs(em, 'faulty', 'nofile', 'StorageInitializer');
    expect(log).toContain('Model faults-model:1');
    expect(log).toContain("ERROR: The scoring script 'onlinescoring/score.py'");
    // A deployment that never served cannot take traffic.
    const t = await arm<Json>(
      em,
      'PUT',
      endpointPath(em, 'faulty'),
      { location: 'eastus', properties: { authMode: 'Key', traffic: { nofile: 100 } } },
      { apiVersion: API },
    );
    expect(t.status).toBe(400);
    expect(JSON.stringify(t.body)).toContain("while its provisioning state is 'Failed'");
  });

  test('init() raising: Failed (ResourceNotReady) with the exception, the traceback in the InferenceServer log', async () => {
    const r = await armWait(em, 'PUT', deploymentPath(em, 'faulty', 'badinit'), deploymentBody(codes['bad-init']!));
    expect(r.status).toBe('Failed');
    expect(r.error?.code).toBe('ResourceNotReady');
    expect(r.error?.message).toContain('init() raised RuntimeError: no weights here');
    const log = await getLogs(em, 'faulty', 'badinit');
    expect(log).toContain('loading the model');
    expect(log).toContain('Traceback (most recent call last)');
    expect(log).toContain('RuntimeError: no weights here');
    const tail = await getLogs(em, 'faulty', 'badinit', 'InferenceServer', 2);
    expect(tail.trim().split('\n')).toHaveLength(2);
  });

  test('an injected provisioning failure fails once; the retry provisions', async () => {
    await addEndpointFault(em, {
      kind: 'provisioningFailure',
      endpoint: 'faulty',
      deployment: 'blue',
      count: 1,
      code: 'OutOfQuota',
      message: 'Not enough quota for Standard_DS3_v2.',
    });
    const first = await armWait(em, 'PUT', deploymentPath(em, 'faulty', 'blue'), deploymentBody(codes.good!));
    expect(first.status).toBe('Failed');
    expect(first.error).toEqual({ code: 'OutOfQuota', message: 'Not enough quota for Standard_DS3_v2.' });
    expect(await getLogs(em, 'faulty', 'blue')).toContain('ERROR: Not enough quota');
    const second = await armWait(em, 'PUT', deploymentPath(em, 'faulty', 'blue'), deploymentBody(codes.good!));
    expect(second.response.status).toBe(200);
    expect(second.status).toBe('Succeeded');
    expect((await setTraffic(em, 'faulty', { blue: 100 })).status).toBe('Succeeded');
    await clearEndpointFaults(em);
  });
});

describe('a serving model that misbehaves', () => {
  let uri: string;
  let key: string;

  beforeAll(async () => {
    uri = `${em.baseUrl}/inference/faulty/score`;
    const keys = await arm<{ primaryKey: string }>(em, 'POST', `${endpointPath(em, 'faulty')}/listKeys`, undefined, { apiVersion: API });
    key = keys.body.primaryKey;
    expect((await score(uri, key, request)).status).toBe(200);
  });

  test('run() raising after N requests: 424 with the model error headers; metrics show 4xx and modelStatusCode 500', async () => {
    await addEndpointFault(em, { kind: 'modelError', deployment: 'blue', after: 2, count: 3, message: 'feature 7 is NaN' });
    const statuses: number[] = [];
    let errorAnswer;
    for (let i = 0; i < 6; i++) {
      const a = await score(uri, key, request);
      statuses.push(a.status);
      if (a.status === 424) errorAnswer = a;
    }
    expect(statuses).toEqual([200, 200, 424, 424, 424, 200]);
    expect(errorAnswer!.deployment).toBe('blue');
    expect(errorAnswer!.headers.get('ms-azureml-model-error-statuscode')).toBe('500');
    expect(errorAnswer!.headers.get('ms-azureml-model-error-reason')).toContain('RuntimeError: feature 7 is NaN');
    expect(await getLogs(em, 'faulty', 'blue')).toContain('RuntimeError: feature 7 is NaN');
    const series = await metric('faulty', {
      metricnames: 'RequestsPerMinute',
      aggregation: 'Total',
      $filter: "deployment eq 'blue' and statusCode eq '*' and modelStatusCode eq '*'",
    });
    expect(sum(series, 'total', { statuscode: '424', modelstatuscode: '500' })).toBe(3);
    const byClass = await metric('faulty', {
      metricnames: 'RequestsPerMinute',
      aggregation: 'Total',
      $filter: "deployment eq 'blue' and statusCodeClass eq '4xx'",
    });
    expect(byClass).toHaveLength(1);
    expect(sum(byClass, 'total')).toBe(3);
    await clearEndpointFaults(em);
  });

  test('gateway errors are 5xx in the metrics; a filter with no data gives no series', async () => {
    expect(
      await metric('faulty', { metricnames: 'RequestsPerMinute', aggregation: 'Total', $filter: "deployment eq 'blue' and statusCodeClass eq '5xx'" }),
    ).toEqual([]);
    await addEndpointFault(em, { kind: 'gatewayError', endpoint: 'faulty', status: 503, count: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await score(uri, key, request)).status);
    expect(statuses).toEqual([503, 503, 200]);
    const series = await metric('faulty', {
      metricnames: 'RequestsPerMinute',
      aggregation: 'Total,Count',
      $filter: "deployment eq 'blue' and statusCodeClass eq '5xx'",
    });
    expect(series).toHaveLength(1);
    expect(series[0]!.metadatavalues.map((m) => [m.name.value, m.value])).toEqual([
      ['deployment', 'blue'],
      ['statuscodeclass', '5xx'],
    ]);
    expect(sum(series, 'total')).toBe(2);
    await clearEndpointFaults(em);
  });

  test('a slow model: real latency in RequestLatency_P95; past requestTimeout the answer is 408', async () => {
    await addEndpointFault(em, { kind: 'slow', deployment: 'blue', ms: 300, count: 2 });
    for (let i = 0; i < 2; i++) expect((await score(uri, key, request)).status).toBe(200);
    const p95 = await metric('faulty', { metricnames: 'RequestLatency_P95', aggregation: 'Maximum', $filter: "deployment eq 'blue'" });
    const max = Math.max(...p95.flatMap((s) => s.data.map((p) => (typeof p.maximum === 'number' ? p.maximum : 0))));
    expect(max).toBeGreaterThanOrEqual(300);
    // Settings-only update (request timeout): same process, new timeout.
    const pid = (await overview(em, 'faulty')).deployments.find((d) => d.name === 'blue')!.pid;
    const upd = await armWait(em, 'PUT', deploymentPath(em, 'faulty', 'blue'), deploymentBody(codes.good!, { requestSettings: { requestTimeout: 'PT0.2S' } }));
    expect(upd.status).toBe('Succeeded');
    expect((await overview(em, 'faulty')).deployments.find((d) => d.name === 'blue')!.pid).toBe(pid);
    await addEndpointFault(em, { kind: 'slow', deployment: 'blue', ms: 600, count: 1 });
    const slow = await score(uri, key, request);
    expect(slow.status).toBe(408);
    expect(JSON.stringify(slow.body)).toContain('request timeout of 200 ms');
    await clearEndpointFaults(em);
    // The scoring process is single-worker: wait until it has finished the slow request.
    await new Promise((r) => setTimeout(r, 500));
    expect((await score(uri, key, request)).status).toBe(200);
  });

  test('too many pending requests: 429 beyond 2 × maxConcurrentRequestsPerInstance × instances', async () => {
    await armWait(em, 'PUT', deploymentPath(em, 'faulty', 'blue'), deploymentBody(codes.good!, { requestSettings: { requestTimeout: 'PT5S' } }));
    await addEndpointFault(em, { kind: 'slow', deployment: 'blue', ms: 300 });
    const answers = await Promise.all([0, 1, 2].map(() => score(uri, key, request)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 429]);
    await clearEndpointFaults(em);
  });

  test('a container that crashes: 502 for that request, 503 until it is restarted, then 200', async () => {
    const before = (await overview(em, 'faulty')).deployments.find((d) => d.name === 'blue')!;
    await addEndpointFault(em, { kind: 'crash', deployment: 'blue', count: 1 });
    const crashed = await score(uri, key, request);
    expect(crashed.status).toBe(502);
    expect(crashed.deployment).toBe('blue');
    await until(async () => !isAlive(before.pid!), 3000, 'the process to exit');
    await until(
      async () => ((await overview(em, 'faulty')).deployments.find((d) => d.name === 'blue')!.ready ? undefined : true),
      3000,
      'the emulator to see the exit',
    );
    const during = await score(uri, key, request);
    expect(during.status).toBe(503);
    expect(JSON.stringify(during.body)).toContain('no healthy upstream');
    await until(async () => ((await score(uri, key, request)).status === 200 ? true : undefined), 10_000, 'the restart');
    const after = (await overview(em, 'faulty')).deployments.find((d) => d.name === 'blue')!;
    expect(after.restarts).toBe(before.restarts + 1);
    expect(after.pid).not.toBe(before.pid);
    const log = await getLogs(em, 'faulty', 'blue');
    expect(log).toContain('Container crash (fault injected by the emulator)');
    expect(log).toContain('the container crashed. Restarting it');
    // Deployment metrics: samples of the (new) process.
    await until(
      async () => {
        const now = Date.now();
        const res = await arm<{ value: Array<{ timeseries: Series[] }> }>(
          em,
          'GET',
          `${deploymentPath(em, 'faulty', 'blue')}/providers/Microsoft.Insights/metrics`,
          undefined,
          {
            apiVersion: '2023-10-01',
            query: {
              metricnames: 'CpuMemoryUtilizationPercentage',
              aggregation: 'Average',
              timespan: `${new Date(now - 120_000).toISOString()}/${new Date(now + 60_000).toISOString()}`,
            },
          },
        );
        const points = res.body.value[0]!.timeseries[0]!.data.filter((p) => typeof p.average === 'number');
        return points.length > 0 && (points[0]!.average as number) > 0 ? true : undefined;
      },
      5000,
      'memory samples',
    );
  });
  test('a failed update leaves the previous process serving; the same PUT again retries it', async () => {
    const before = (await overview(em, 'faulty')).deployments.find((d) => d.name === 'blue')!.pid;
    await addEndpointFault(em, { kind: 'provisioningFailure', deployment: 'blue', count: 1 });
    const update = deploymentBody(codes.good!, { environmentVariables: { REVISION: '2' } });
    const failed = await armWait(em, 'PUT', deploymentPath(em, 'faulty', 'blue'), update);
    expect(failed.status).toBe('Failed');
    const got = await arm<Json>(em, 'GET', deploymentPath(em, 'faulty', 'blue'), undefined, { apiVersion: API });
    expect((got.body.properties as Json).provisioningState).toBe('Failed');
    expect((await score(uri, key, request)).status).toBe(200);
    expect((await overview(em, 'faulty')).deployments.find((d) => d.name === 'blue')!.pid).toBe(before);
    const retried = await armWait(em, 'PUT', deploymentPath(em, 'faulty', 'blue'), update);
    expect(retried.status).toBe('Succeeded');
    expect((await overview(em, 'faulty')).deployments.find((d) => d.name === 'blue')!.pid).not.toBe(before);
    expect((await score(uri, key, request)).status).toBe(200);
  });
});

describe('endpoint operations', () => {
  test('an endpoint stuck Updating: writes get 409 Conflict until it is done', async () => {
    await addEndpointFault(em, { kind: 'stuckUpdating', endpoint: 'faulty', ms: 1000 });
    const got = await arm<Json>(em, 'GET', endpointPath(em, 'faulty'), undefined, { apiVersion: API });
    expect((got.body.properties as Json).provisioningState).toBe('Updating');
    const put = await arm<Json>(
      em,
      'PUT',
      endpointPath(em, 'faulty'),
      { location: 'eastus', properties: { authMode: 'Key', traffic: { blue: 100 } } },
      { apiVersion: API },
    );
    expect(put.status).toBe(409);
    expect((put.body.error as Json).code).toBe('Conflict');
    const dep = await arm<Json>(em, 'PUT', deploymentPath(em, 'faulty', 'green'), deploymentBody(codes.good!), { apiVersion: API });
    expect(dep.status).toBe(409);
    expect((dep.body.error as Json).message as string).toBe('Cannot create a deployment in endpoint faulty because it is in Updating provisioning state.');
    // Scoring goes on meanwhile.
    expect(
      (
        await score(
          `${em.baseUrl}/inference/faulty/score`,
          (await arm<{ primaryKey: string }>(em, 'POST', `${endpointPath(em, 'faulty')}/listKeys`, undefined, { apiVersion: API })).body.primaryKey,
          request,
        )
      ).status,
    ).toBe(200);
    await until(
      async () => {
        const g = await arm<Json>(em, 'GET', endpointPath(em, 'faulty'), undefined, { apiVersion: API });
        return (g.body.properties as Json).provisioningState === 'Succeeded' ? true : undefined;
      },
      5000,
      'Succeeded',
    );
    expect((await setTraffic(em, 'faulty', { blue: 100 })).status).toBe('Succeeded');
  });

  test('a stuck traffic update: the operation stays InProgress and the old split serves until it completes', async () => {
    expect((await armWait(em, 'PUT', deploymentPath(em, 'faulty', 'green'), deploymentBody(codes.good!))).status).toBe('Succeeded');
    await addEndpointFault(em, { kind: 'stuckUpdating', endpoint: 'faulty', ms: 500, when: 'nextOperation' });
    const current = await arm<Json>(em, 'GET', endpointPath(em, 'faulty'), undefined, { apiVersion: API });
    const started = Date.now();
    const put = await arm<Json>(
      em,
      'PUT',
      endpointPath(em, 'faulty'),
      { location: 'eastus', properties: { ...(current.body.properties as Json), traffic: { blue: 0, green: 100 } } },
      { apiVersion: API },
    );
    expect(put.status).toBe(201); // an endpoint update PUT is 201 (recording online-deployment-e2e.json entry 133)
    expect((put.body.properties as Json).provisioningState).toBe('Updating');
    const key = (await arm<{ primaryKey: string }>(em, 'POST', `${endpointPath(em, 'faulty')}/listKeys`, undefined, { apiVersion: API })).body.primaryKey;
    expect((await score(`${em.baseUrl}/inference/faulty/score`, key, request)).deployment).toBe('blue');
    const outcome = await waitOperation(em, put);
    expect(outcome.status).toBe('Succeeded');
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect((await score(`${em.baseUrl}/inference/faulty/score`, key, request)).deployment).toBe('green');
  });

  test('regenerateKeys replaces a key: the old one is refused', async () => {
    const path = endpointPath(em, 'faulty');
    const before = (await arm<{ primaryKey: string; secondaryKey: string }>(em, 'POST', `${path}/listKeys`, undefined, { apiVersion: API })).body;
    const r = await armWait(em, 'POST', `${path}/regenerateKeys`, { keyType: 'Primary' });
    expect(r.response.status).toBe(202);
    expect(r.status).toBe('Succeeded');
    const after = (await arm<{ primaryKey: string; secondaryKey: string }>(em, 'POST', `${path}/listKeys`, undefined, { apiVersion: API })).body;
    expect(after.primaryKey).not.toBe(before.primaryKey);
    expect(after.secondaryKey).toBe(before.secondaryKey);
    const uri = `${em.baseUrl}/inference/faulty/score`;
    expect((await score(uri, before.primaryKey, request)).status).toBe(401);
    expect((await score(uri, after.primaryKey, request)).status).toBe(200);
    const bad = await arm<Json>(em, 'POST', `${path}/regenerateKeys`, { keyType: 'Tertiary' }, { apiVersion: API });
    expect(bad.status).toBe(400);
  });

  test('AMLToken endpoints: the token operation gives a bearer token the scoring URI accepts; ARM tokens and keys are refused', async () => {
    expect((await armWait(em, 'PUT', endpointPath(em, 'tokened'), { location: 'eastus', properties: { authMode: 'AMLToken' } })).status).toBe('Succeeded');
    expect((await armWait(em, 'PUT', deploymentPath(em, 'tokened', 'only'), deploymentBody(codes.good!))).status).toBe('Succeeded');
    expect((await setTraffic(em, 'tokened', { only: 100 })).status).toBe('Succeeded');
    const tok = await arm<{ accessToken: string; tokenType: string; expiryTimeUtc: number; refreshAfterTimeUtc: number }>(
      em,
      'POST',
      `${endpointPath(em, 'tokened')}/token`,
      undefined,
      { apiVersion: API },
    );
    expect(tok.status).toBe(200);
    expect(tok.body.tokenType).toBe('Bearer');
    expect(tok.body.expiryTimeUtc).toBeGreaterThan(Date.now() / 1000);
    expect(tok.body.refreshAfterTimeUtc).toBeLessThan(tok.body.expiryTimeUtc);
    const uri = `${em.baseUrl}/inference/tokened/score`;
    const ok = await score(uri, tok.body.accessToken, request);
    expect(ok.status).toBe(200);
    expect(ok.deployment).toBe('only');
    expect((await score(uri, em.issueToken(), request)).status).toBe(401);
    const keys = await arm<Json>(em, 'POST', `${endpointPath(em, 'tokened')}/listKeys`, undefined, { apiVersion: API });
    expect(keys.status).toBe(400);
    // The token of one endpoint does not open another.
    const faultyKeyless = await score(`${em.baseUrl}/inference/faulty/score`, tok.body.accessToken, request);
    expect(faultyKeyless.status).toBe(401);
    expect((await arm<Json>(em, 'POST', `${endpointPath(em, 'faulty')}/token`, undefined, { apiVersion: API })).status).toBe(400);
  });
});
