/**
 * The MLflow REST subset and run history, through the route table (no HTTP): shapes and errors as
 * MLflow documents them, metric history pagination, search by parent and status, the separate
 * "generic MLflow server" scope, persistence across a restart, and 100 metrics x 10,000 steps.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../../src/emulator/http/router.js';
import { createMlflowModule } from '../../src/emulator/mlflow/routes.js';
import { TrackingStore } from '../../src/emulator/mlflow/tracking.js';
import { MemoryResourceStore } from '../../src/emulator/store/memory.js';
import type { EmulatorRequest, JobHost } from '../../src/emulator/types.js';
import { RG, seedWorkspace, SUB, WS } from './jobs-harness.js';

const WS_PREFIX = `/mlflow/v1.0/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}/api/2.0/mlflow`;
const GENERIC = '/api/2.0/mlflow';
const HISTORY = `/history/v1.0/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;

let dir: string;
let host: JobHost;
let router: Router;

async function call(method: 'GET' | 'POST', path: string, payload?: Record<string, unknown>): Promise<{ status: number; body: any }> {
  let url = path;
  if (method === 'GET' && payload) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(payload)) q.append(k, String(v));
    url += `?${q}`;
  }
  const u = new URL(url, 'http://127.0.0.1');
  const found = router.dispatch(method, u.pathname);
  if (found.kind !== 'match') throw new Error(`no route for ${method} ${u.pathname}: ${found.kind}`);
  const raw = Buffer.from(method === 'POST' && payload ? JSON.stringify(payload) : '');
  const req: EmulatorRequest = {
    method,
    params: found.match.params,
    query: u.searchParams,
    headers: {},
    body: method === 'POST' && payload ? JSON.parse(raw.toString()) : undefined,
    rawBody: raw,
    ctx: { requestId: 'r1', now: new Date(), baseUrl: 'http://127.0.0.1:1', operation: found.match.route.operation },
  };
  const res = await found.match.route.handler(req);
  return { status: res.status, body: res.body };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlflow-test-'));
  const store = new MemoryResourceStore();
  await seedWorkspace(store);
  host = {
    store,
    blob: { url: 'http://127.0.0.1:10000/devstoreaccount1', accountName: 'devstoreaccount1', accountKey: Buffer.from('k'.repeat(32)).toString('base64') },
    baseUrl: () => 'http://127.0.0.1:1',
    issueToken: () => 't',
    workDir: join(dir, 'work'),
    stateDir: join(dir, 'state'),
    now: () => new Date(),
  };
  router = new Router(createMlflowModule(host).routes());
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('experiments', () => {
  it('create, get by name and id, search, and refuse duplicates', async () => {
    const created = await call('POST', `${WS_PREFIX}/experiments/create`, { name: 'exp-a', tags: [{ key: 'team', value: 'ml' }] });
    expect(created.status).toBe(200);
    const id = created.body.experiment_id as string;
    const byName = await call('GET', `${WS_PREFIX}/experiments/get-by-name`, { experiment_name: 'exp-a' });
    expect(byName.body.experiment).toMatchObject({ experiment_id: id, name: 'exp-a', lifecycle_stage: 'active', tags: [{ key: 'team', value: 'ml' }] });
    expect((await call('GET', `${WS_PREFIX}/experiments/get`, { experiment_id: id })).body.experiment.name).toBe('exp-a');
    const dup = await call('POST', `${WS_PREFIX}/experiments/create`, { name: 'exp-a' });
    expect(dup).toEqual({ status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: "Experiment 'exp-a' already exists." } });
    const missing = await call('GET', `${WS_PREFIX}/experiments/get-by-name`, { experiment_name: 'nope' });
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    await call('POST', `${WS_PREFIX}/experiments/create`, { name: 'other' });
    const found = await call('POST', `${WS_PREFIX}/experiments/search`, { filter: "name LIKE 'exp-%'", max_results: 10 });
    expect(found.body.experiments.map((e: { name: string }) => e.name)).toEqual(['exp-a']);
  });

  it('keeps a generic MLflow server apart, with Default as experiment 0', async () => {
    const run = await call('POST', `${GENERIC}/runs/create`, { start_time: 1, tags: [] });
    expect(run.status).toBe(200);
    expect(run.body.run.info.experiment_id).toBe('0');
    const def = await call('GET', `${GENERIC}/experiments/get-by-name`, { experiment_name: 'Default' });
    expect(def.body.experiment.experiment_id).toBe('0');
    const notInWs = await call('GET', `${WS_PREFIX}/runs/get`, { run_id: run.body.run.info.run_id });
    expect(notInWs.status).toBe(404);
  });

  it('answers 404 for a workspace that does not exist', async () => {
    const res = await call('GET', WS_PREFIX.replace(`/workspaces/${WS}`, '/workspaces/nope') + '/experiments/get-by-name', { experiment_name: 'x' });
    expect(res.status).toBe(404);
    expect(res.body.message).toContain("Workspace 'nope'");
  });
});

describe('runs', () => {
  let expId: string;
  let runId: string;

  beforeAll(async () => {
    expId = (await call('POST', `${WS_PREFIX}/experiments/create`, { name: 'runs-exp' })).body.experiment_id;
  });

  it('create, log (metric, batch, param, tag), get with latest metrics, update', async () => {
    const created = await call('POST', `${WS_PREFIX}/runs/create`, {
      experiment_id: expId,
      run_name: 'first',
      start_time: 1000,
      tags: [{ key: 'source', value: 'test' }],
    });
    expect(created.status).toBe(200);
    runId = created.body.run.info.run_id;
    expect(created.body.run.info).toMatchObject({
      run_uuid: runId,
      run_name: 'first',
      experiment_id: expId,
      status: 'RUNNING',
      start_time: 1000,
      lifecycle_stage: 'active',
    });
    expect(await call('POST', `${WS_PREFIX}/runs/log-metric`, { run_id: runId, key: 'loss', value: 0.9, timestamp: 1, step: 0 })).toEqual({
      status: 200,
      body: {},
    });
    const batch = await call('POST', `${WS_PREFIX}/runs/log-batch`, {
      run_id: runId,
      metrics: [
        { key: 'loss', value: 0.5, timestamp: 2, step: 1 },
        { key: 'loss', value: 0.7, timestamp: 3, step: 0 },
        { key: 'accuracy', value: 0.93, timestamp: 2, step: 1 },
        { key: 'weird', value: 'NaN', timestamp: 2, step: 0 },
      ],
      params: [{ key: 'lr', value: '0.1' }],
      tags: [{ key: 'stage', value: 'dev' }],
    });
    expect(batch.status).toBe(200);
    await call('POST', `${WS_PREFIX}/runs/log-parameter`, { run_id: runId, key: 'epochs', value: '5' });
    await call('POST', `${WS_PREFIX}/runs/set-tag`, { run_id: runId, key: 'note', value: 'hi' });
    const got = await call('GET', `${WS_PREFIX}/runs/get`, { run_id: runId });
    const metrics = Object.fromEntries(got.body.run.data.metrics.map((m: { key: string }) => [m.key, m]));
    // Latest = greatest step, then timestamp.
    expect(metrics.loss).toEqual({ key: 'loss', value: 0.5, timestamp: 2, step: 1 });
    expect(metrics.accuracy.value).toBe(0.93);
    expect(metrics.weird.value).toBe('NaN');
    expect(got.body.run.data.params).toEqual(
      expect.arrayContaining([
        { key: 'lr', value: '0.1' },
        { key: 'epochs', value: '5' },
      ]),
    );
    expect(got.body.run.data.tags).toEqual(
      expect.arrayContaining([
        { key: 'note', value: 'hi' },
        { key: 'mlflow.runName', value: 'first' },
      ]),
    );
    const updated = await call('POST', `${WS_PREFIX}/runs/update`, { run_id: runId, status: 'FINISHED', end_time: 5000 });
    expect(updated.body.run_info).toMatchObject({ status: 'FINISHED', end_time: 5000 });
  });

  it('refuses what MLflow refuses', async () => {
    const changed = await call('POST', `${WS_PREFIX}/runs/log-parameter`, { run_id: runId, key: 'lr', value: '0.2' });
    expect(changed.status).toBe(400);
    expect(changed.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(changed.body.message).toContain("Changing param values is not allowed. Param with key='lr' was already logged with value='0.1'");
    const noRun = await call('GET', `${WS_PREFIX}/runs/get`, { run_id: 'does-not-exist' });
    expect(noRun).toEqual({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Run 'does-not-exist' not found" } });
    const noTs = await call('POST', `${WS_PREFIX}/runs/log-metric`, { run_id: runId, key: 'x', value: 1 });
    expect(noTs.status).toBe(400);
    const badKey = await call('POST', `${WS_PREFIX}/runs/log-metric`, { run_id: runId, key: 'a;b', value: 1, timestamp: 1 });
    expect(badKey.body.message).toContain('Invalid Metric name');
    const tooMany = await call('POST', `${WS_PREFIX}/runs/log-batch`, {
      run_id: runId,
      metrics: Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i })),
    });
    expect(tooMany.body.message).toContain('at most 1000 metrics');
    const badStatus = await call('POST', `${WS_PREFIX}/runs/update`, { run_id: runId, status: 'DONE' });
    expect(badStatus.status).toBe(400);
  });

  it('pages metric history with max_results and page_token', async () => {
    const run = (await call('POST', `${WS_PREFIX}/runs/create`, { experiment_id: expId, start_time: 2000 })).body.run.info.run_id;
    for (let chunk = 0; chunk < 3; chunk++) {
      const metrics = Array.from({ length: 1000 }, (_, i) => {
        const step = chunk * 1000 + i;
        return { key: 'acc', value: step / 3000, timestamp: 10_000 + step, step };
      }).filter((m) => m.step < 2500);
      if (metrics.length) await call('POST', `${WS_PREFIX}/runs/log-batch`, { run_id: run, metrics });
    }
    const steps: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await call('GET', `${WS_PREFIX}/metrics/get-history`, {
        run_id: run,
        metric_key: 'acc',
        max_results: 1000,
        ...(token ? { page_token: token } : {}),
      });
      expect(page.status).toBe(200);
      steps.push(...page.body.metrics.map((m: { step: number }) => m.step));
      token = page.body.next_page_token;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(steps).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    const all = await call('GET', `${WS_PREFIX}/metrics/get-history`, { run_id: run, metric_key: 'acc' });
    expect(all.body.metrics).toHaveLength(2500);
    expect(all.body.next_page_token).toBeUndefined();
    const none = await call('GET', `${WS_PREFIX}/metrics/get-history`, { run_id: run, metric_key: 'nothing' });
    expect(none.body.metrics).toEqual([]);
    const tooBig = await call('GET', `${WS_PREFIX}/metrics/get-history`, { run_id: run, metric_key: 'acc', max_results: 25001 });
    expect(tooBig.status).toBe(400);
  });

  it('searches by parent, status and metrics, ordered and paged', async () => {
    const parent = (await call('POST', `${WS_PREFIX}/runs/create`, { experiment_id: expId, run_name: 'parent', start_time: 3000 })).body.run.info.run_id;
    const children: string[] = [];
    for (let i = 0; i < 5; i++) {
      const child = (
        await call('POST', `${WS_PREFIX}/runs/create`, {
          experiment_id: expId,
          run_name: `child-${i}`,
          start_time: 3001 + i,
          tags: [{ key: 'mlflow.parentRunId', value: parent }],
        })
      ).body.run.info.run_id;
      children.push(child);
      await call('POST', `${WS_PREFIX}/runs/log-metric`, { run_id: child, key: 'accuracy', value: [0.7, 0.95, 0.8, 0.9, 0.6][i], timestamp: 1, step: 0 });
      if (i % 2 === 0) await call('POST', `${WS_PREFIX}/runs/update`, { run_id: child, status: 'FINISHED', end_time: 4000 });
    }
    const byParent = await call('POST', `${WS_PREFIX}/runs/search`, {
      experiment_ids: [expId],
      filter: `tags.mlflow.parentRunId = '${parent}'`,
      order_by: ['metrics.accuracy DESC'],
    });
    expect(byParent.body.runs.map((r: { info: { run_name: string } }) => r.info.run_name)).toEqual(['child-1', 'child-3', 'child-2', 'child-0', 'child-4']);
    // Azure ML's MLflow refuses `attributes.status` in filters (learn.microsoft.com how-to-track-experiments-mlflow,
    // "Filter runs by status"), so the workspace service does too; runs are filtered by their status instead.
    const byStatus = await call('POST', `${WS_PREFIX}/runs/search`, {
      experiment_ids: [expId],
      filter: `tags."mlflow.parentRunId" = '${parent}' and attributes.status = 'FINISHED' and metrics.accuracy >= 0.7`,
    });
    expect(byStatus.status).toBe(400);
    expect(byStatus.body).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining("'attributes.status' is not supported by Azure Machine Learning"),
    });
    for (const f of [`status = 'FINISHED'`, `tags.mlflow.parentRunId LIKE 'x%'`, `tags.mlflow.parentRunId != 'x'`]) {
      expect((await call('POST', `${WS_PREFIX}/runs/search`, { experiment_ids: [expId], filter: f })).status, f).toBe(400);
    }
    const finished = await call('POST', `${WS_PREFIX}/runs/search`, {
      experiment_ids: [expId],
      filter: `tags."mlflow.parentRunId" = '${parent}' and metrics.accuracy >= 0.7`,
    });
    // Default order: newest start first.
    expect(
      finished.body.runs.filter((r: { info: { status: string } }) => r.info.status === 'FINISHED').map((r: { info: { run_name: string } }) => r.info.run_name),
    ).toEqual(['child-2', 'child-0']);
    const page1 = await call('POST', `${WS_PREFIX}/runs/search`, { experiment_ids: [expId], filter: `tags.mlflow.parentRunId = '${parent}'`, max_results: 2 });
    expect(page1.body.runs).toHaveLength(2);
    const page2 = await call('POST', `${WS_PREFIX}/runs/search`, {
      experiment_ids: [expId],
      filter: `tags.mlflow.parentRunId = '${parent}'`,
      max_results: 2,
      page_token: page1.body.next_page_token,
    });
    expect(page2.body.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([children[2], children[1]]);
    const bad = await call('POST', `${WS_PREFIX}/runs/search`, { experiment_ids: [expId], filter: 'metrics.a > 1 OR metrics.b > 2' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('OR is not supported');
    const badEntity = await call('POST', `${WS_PREFIX}/runs/search`, { experiment_ids: [expId], filter: "foo.bar = 'x'" });
    expect(badEntity.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const noExp = await call('POST', `${WS_PREFIX}/runs/search`, { filter: '' });
    expect(noExp.status).toBe(400);

    // Run history lists the same children.
    const kids = await call('GET', `${HISTORY}/runs/${parent}/children`);
    expect(kids.body.value.map((r: { runId: string }) => r.runId)).toEqual(children);
    const details = await call('GET', `${HISTORY}/runs/${children[0]}/details`);
    expect(details.body).toMatchObject({ runId: children[0], parentRunId: parent, rootRunId: parent, status: 'Completed', logFiles: {} });
    expect((await call('GET', `${HISTORY}/runs/nope/details`)).status).toBe(404);
  });

  it('survives a restart: experiments, runs, params and metric history are read back', async () => {
    const tracking = new TrackingStore(join(dir, 'state', 'tracking'));
    // The routes' store writes behind; a second store on the same folder must see everything.
    const { getTrackingStore } = await import('../../src/emulator/mlflow/tracking.js');
    await getTrackingStore(host).flush();
    const scope = `ws:${SUB}/${RG}/${WS}`.toLowerCase();
    const run = await tracking.getRun(scope, runId);
    expect(run.params.lr).toBe('0.1');
    expect(run.info.status).toBe('FINISHED');
    const history = await tracking.getMetricHistory(scope, runId, 'loss', {});
    // MLflow orders a history by timestamp, then step.
    expect(history.items.map((m) => m.value)).toEqual([0.9, 0.5, 0.7]);
    expect((await tracking.getExperimentByName(scope, 'runs-exp')).experiment_id).toBe(expId);
  });
});

describe('scale', () => {
  it('takes 100 metrics x 10,000 steps through log-batch, pages one back, and reloads it from disk', async () => {
    const expId = (await call('POST', `${WS_PREFIX}/experiments/create`, { name: 'scale' })).body.experiment_id;
    const run = (await call('POST', `${WS_PREFIX}/runs/create`, { experiment_id: expId, start_time: 1 })).body.run.info.run_id;
    const keys = Array.from({ length: 100 }, (_, i) => `metric_${i}`);
    const started = performance.now();
    for (let step0 = 0; step0 < 10_000; step0 += 10) {
      const metrics = [];
      for (let s = step0; s < step0 + 10; s++) for (const key of keys) metrics.push({ key, value: s * 0.001, timestamp: 1_700_000_000_000 + s, step: s });
      const res = await call('POST', `${WS_PREFIX}/runs/log-batch`, { run_id: run, metrics });
      if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    }
    const logged = performance.now() - started;
    const readStart = performance.now();
    let count = 0;
    let token: string | undefined;
    do {
      const page = await call('GET', `${WS_PREFIX}/metrics/get-history`, {
        run_id: run,
        metric_key: 'metric_42',
        max_results: 2500,
        ...(token ? { page_token: token } : {}),
      });
      count += page.body.metrics.length;
      token = page.body.next_page_token;
    } while (token);
    const read = performance.now() - readStart;
    expect(count).toBe(10_000);
    const got = await call('GET', `${WS_PREFIX}/runs/get`, { run_id: run });
    expect(got.body.run.data.metrics).toHaveLength(100);
    expect(got.body.run.data.metrics[0]).toMatchObject({ step: 9999 });
    // Speed is the benchmarks' business (npm run bench); this only says what it saw.
    console.log(`logged 1,000,000 values in ${(logged / 1000).toFixed(1)} s, paged one history back in ${read.toFixed(0)} ms`);
    await (await import('../../src/emulator/mlflow/tracking.js')).getTrackingStore(host).flush();
    const reloaded = new TrackingStore(join(dir, 'state', 'tracking'));
    const history = await reloaded.getMetricHistory(`ws:${SUB}/${RG}/${WS}`.toLowerCase(), run, 'metric_99', {});
    expect(history.items).toHaveLength(10_000);
  });
});
