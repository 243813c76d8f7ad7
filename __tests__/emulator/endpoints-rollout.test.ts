/**
 * The safe-rollout flow of azureml-examples (cli/endpoints/online/managed/sample: endpoint.yml,
 * blue-deployment.yml, green-deployment.yml, sample-request.json) against the emulator, with
 * real scoring processes: blue takes all traffic, green is tested through the deployment
 * header, then mirrored, then gets 10 %, then all of it, and blue is deleted — which Azure
 * refuses while blue still has traffic. The sample's model-1/model-2 are scikit-learn pickles and
 * scikit-learn is not installed here, so each deployment gets a stdlib score.py with the same
 * request shape (`{"data": [[10 numbers], …]}` → one number per row).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { arm, startFastEmulator } from './support.js';
import {
  API,
  armWait,
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
  writeFiles,
} from './endpoints-support.js';

type Json = Record<string, unknown>;

const sampleDir = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'shared',
  'fixtures',
  'azureml-examples',
  'endpoints',
  'online',
  'managed',
  'sample',
);
const yaml = (f: string) => parseYaml(readFileSync(join(sampleDir, f), 'utf8')) as Json;
const sampleRequest = JSON.parse(readFileSync(join(sampleDir, 'sample-request.json'), 'utf8')) as { data: number[][] };

let em: RunningEmulator;
let dir: string;

beforeAll(async () => {
  // Metrics are read right after the requests: no ingestion delay (the delay has its own tests).
  em = await startFastEmulator({ metricsDelay: 0, endpoints: { sampleIntervalMs: 200 } });
  dir = await mkdtemp(join(tmpdir(), 'endpoints-rollout-'));
});

afterAll(async () => {
  await em?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The ARM body of a deployment YAML of the sample, with its model and code registered in the workspace. */
async function deploymentBody(file: string, model: { weights: number[]; bias: number }, extra: Json = {}): Promise<{ name: string; body: Json }> {
  const spec = yaml(file);
  const name = String(spec.name);
  const modelDir = writeFiles(join(dir, name, 'model'), modelFiles(`model-${name}`, model.weights, model.bias));
  const codeDir = writeFiles(join(dir, name, 'onlinescoring'), { 'score.py': SCORE_PY });
  const modelUri = await uploadFolder(em, modelDir, `LocalUpload/${name}/model`);
  const codeUri = await uploadFolder(em, codeDir, `LocalUpload/${name}/onlinescoring`);
  const modelId = await registerModel(em, `model-${name}`, '1', modelUri);
  const codeId = await registerCode(em, `code-${name}`, '1', codeUri);
  const envId = await registerEnvironment(em, `env-${name}`);
  const cc = spec.code_configuration as Json;
  return {
    name,
    body: {
      location: 'eastus',
      sku: { name: 'Default', capacity: Number(spec.instance_count) },
      properties: {
        endpointComputeType: 'Managed',
        model: modelId,
        codeConfiguration: { codeId, scoringScript: String(cc.scoring_script) },
        environmentId: envId,
        instanceType: String(spec.instance_type),
        ...extra,
      },
    },
  };
}

const expected = (w: number[], b: number) => sampleRequest.data.map((row) => row.reduce((s, x, i) => s + x * w[i]!, 0) + b);

describe('safe rollout of the azureml-examples sample', () => {
  const blueModel = { weights: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], bias: 0 };
  const greenModel = { weights: [1, 0, 0, 0, 0, 0, 0, 0, 0, 2], bias: 100 };
  let endpoint: string;
  let uri: string;
  let key: string;

  test('endpoint.yml: create the endpoint (key auth), read its keys and scoring URI', async () => {
    const spec = yaml('endpoint.yml');
    endpoint = String(spec.name);
    const created = await armWait(em, 'PUT', endpointPath(em, endpoint), {
      location: 'eastus',
      properties: { authMode: spec.auth_mode === 'key' ? 'Key' : 'AMLToken' },
    });
    expect(created.response.status).toBe(201);
    expect((created.response.body.properties as Json).provisioningState).toBe('Creating');
    expect(created.status).toBe('Succeeded');
    const got = await arm<Json>(em, 'GET', endpointPath(em, endpoint), undefined, { apiVersion: API });
    const props = got.body.properties as Json;
    expect(props.provisioningState).toBe('Succeeded');
    expect(props.authMode).toBe('Key');
    expect(props.traffic).toEqual({});
    uri = String(props.scoringUri);
    expect(uri).toBe(`${em.baseUrl}/inference/${endpoint}/score`);
    expect(props.swaggerUri).toBe(`${em.baseUrl}/inference/${endpoint}/swagger.json`);
    const keys = await arm<{ primaryKey: string; secondaryKey: string }>(em, 'POST', `${endpointPath(em, endpoint)}/listKeys`, undefined, { apiVersion: API });
    expect(keys.status).toBe(200);
    expect(keys.body.primaryKey).toMatch(/^[\w-]{20,}$/);
    expect(keys.body.secondaryKey).not.toBe(keys.body.primaryKey);
    key = keys.body.primaryKey;
    // No deployment has traffic yet.
    const none = await score(uri, key, sampleRequest);
    expect(none.status).toBe(404);
    expect(JSON.stringify(none.body)).toContain('No valid deployments to route to');
  });

  test('blue-deployment.yml: a real scoring process serves blue; traffic blue=100', async () => {
    const { name, body } = await deploymentBody('blue-deployment.yml', blueModel);
    const put = await armWait(em, 'PUT', deploymentPath(em, endpoint, name), body);
    expect(put.response.status).toBe(201);
    expect((put.response.body.properties as Json).provisioningState).toBe('Updating'); // a new deployment is Updating (recordings README observation 7)
    expect(put.status).toBe('Succeeded');
    const got = await arm<Json>(em, 'GET', deploymentPath(em, endpoint, name), undefined, { apiVersion: API });
    const props = got.body.properties as Json;
    expect(props.provisioningState).toBe('Succeeded');
    expect(props.requestSettings).toEqual({ maxConcurrentRequestsPerInstance: 1, requestTimeout: 'PT5S', maxQueueWait: 'PT0.5S' });
    expect(got.body.sku).toEqual({ name: 'Default', capacity: 1 });
    const ov = await overview(em, endpoint);
    const blue = ov.deployments.find((d) => d.name === 'blue')!;
    expect(blue.ready).toBe(true);
    expect(isAlive(blue.pid!)).toBe(true);

    expect((await setTraffic(em, endpoint, { blue: 100 })).status).toBe('Succeeded');
    const answer = await score(uri, key, sampleRequest);
    expect(answer.status).toBe(200);
    expect(answer.deployment).toBe('blue');
    expect(answer.body).toEqual(expected(blueModel.weights, blueModel.bias));
    // The other key works too; a wrong one does not.
    const keys = await arm<{ secondaryKey: string }>(em, 'POST', `${endpointPath(em, endpoint)}/listKeys`, undefined, { apiVersion: API });
    expect((await score(uri, keys.body.secondaryKey, sampleRequest)).status).toBe(200);
    expect((await score(uri, 'wrong-key', sampleRequest)).status).toBe(401);
    expect((await score(uri, undefined, sampleRequest)).status).toBe(401);
  });

  test('green-deployment.yml: green at 0 % answers only through the deployment header', async () => {
    // Mirrored copies are fire-and-forget: on a busy machine a slow green could have two in flight
    // when the next one comes, and the router would rightly answer it 429 (2 × 1 × 1 pending at
    // most). Some headroom keeps the count exact.
    const { name, body } = await deploymentBody('green-deployment.yml', greenModel, { requestSettings: { maxConcurrentRequestsPerInstance: 4 } });
    expect((await armWait(em, 'PUT', deploymentPath(em, endpoint, name), body)).status).toBe('Succeeded');
    const viaHeader = await score(uri, key, sampleRequest, 'green');
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.deployment).toBe('green');
    expect(viaHeader.body).toEqual(expected(greenModel.weights, greenModel.bias));
    for (let i = 0; i < 5; i++) expect((await score(uri, key, sampleRequest)).deployment).toBe('blue');
    const unknown = await score(uri, key, sampleRequest, 'purple');
    expect(unknown.status).toBe(404);
  });

  test('mirror 20 % of the live traffic to green: clients only see blue, green gets exactly 1 in 5', async () => {
    expect((await setTraffic(em, endpoint, { blue: 100, green: 0 }, { green: 20 })).status).toBe('Succeeded');
    const got = await arm<Json>(em, 'GET', endpointPath(em, endpoint), undefined, { apiVersion: API });
    expect((got.body.properties as Json).mirrorTraffic).toEqual({ green: 20 });
    const before = (await overview(em, endpoint)).deployments.find((d) => d.name === 'green')!.mirrored;
    for (let i = 0; i < 20; i++) {
      const a = await score(uri, key, sampleRequest);
      expect(a.status).toBe(200);
      expect(a.deployment).toBe('blue');
    }
    // Requests with the deployment header are not mirrored.
    await score(uri, key, sampleRequest, 'blue');
    await until(
      async () => ((await overview(em, endpoint)).deployments.find((d) => d.name === 'green')!.mirrored - before >= 4 ? true : undefined),
      5000,
      'four mirrored requests',
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(await overview(em, endpoint))}\n${await getLogs(em, endpoint, 'green', 'InferenceServer', 30)}`);
    });
    await new Promise((r) => setTimeout(r, 100));
    expect((await overview(em, endpoint)).deployments.find((d) => d.name === 'green')!.mirrored - before).toBe(4);
  });

  test('traffic blue=90 green=10 splits requests exactly; blue cannot be deleted while it has traffic', async () => {
    expect((await setTraffic(em, endpoint, { blue: 90, green: 10 }, {})).status).toBe('Succeeded');
    const counts: Record<string, number> = {};
    for (let i = 0; i < 20; i++) {
      const a = await score(uri, key, sampleRequest);
      expect(a.status).toBe(200);
      counts[a.deployment!] = (counts[a.deployment!] ?? 0) + 1;
    }
    expect(counts).toEqual({ blue: 18, green: 2 });
    const refused = await arm<Json>(em, 'DELETE', deploymentPath(em, endpoint, 'blue'), undefined, { apiVersion: API });
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain("Deployment 'blue' cannot be deleted");
  });

  test('green=100, then blue is deleted: its process stops, the endpoint keeps serving green', async () => {
    expect((await setTraffic(em, endpoint, { blue: 0, green: 100 })).status).toBe('Succeeded');
    for (let i = 0; i < 3; i++) expect((await score(uri, key, sampleRequest)).deployment).toBe('green');
    const bluePid = (await overview(em, endpoint)).deployments.find((d) => d.name === 'blue')!.pid!;
    const del = await armWait(em, 'DELETE', deploymentPath(em, endpoint, 'blue'));
    expect(del.response.status).toBe(202);
    expect(del.status).toBe('Succeeded');
    expect((await arm(em, 'GET', deploymentPath(em, endpoint, 'blue'), undefined, { apiVersion: API })).status).toBe(404);
    await until(async () => !isAlive(bluePid), 5000, 'blue to stop');
    expect((await score(uri, key, sampleRequest)).deployment).toBe('green');
    const list = await arm<{ value: Json[] }>(em, 'GET', `${endpointPath(em, endpoint)}/deployments`, undefined, { apiVersion: API });
    expect(list.body.value.map((d) => d.name)).toEqual(['green']);
  });

  test('Azure Monitor metrics count what the router served, per deployment', async () => {
    const now = Date.now();
    const res = await arm<Json>(em, 'GET', `${endpointPath(em, endpoint)}/providers/Microsoft.Insights/metrics`, undefined, {
      apiVersion: '2023-10-01',
      query: {
        metricnames: 'RequestsPerMinute',
        timespan: `${new Date(now - 10 * 60_000).toISOString()}/${new Date(now + 60_000).toISOString()}`,
        interval: 'PT1M',
        aggregation: 'Total',
        $filter: "deployment eq '*' and statusCodeClass eq '*'",
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.interval).toBe('PT1M');
    expect(res.body.namespace).toBe('Microsoft.MachineLearningServices/workspaces/onlineEndpoints');
    const metric = (res.body.value as Json[])[0]!;
    expect(metric.name).toEqual({ value: 'RequestsPerMinute', localizedValue: 'Requests Per Minute' });
    expect(metric.unit).toBe('Count');
    const totals: Record<string, number> = {};
    for (const ts of metric.timeseries as Array<{ metadatavalues: Array<{ name: { value: string }; value: string }>; data: Array<{ total?: number }> }>) {
      const meta = Object.fromEntries(ts.metadatavalues.map((m) => [m.name.value, m.value]));
      const key = `${meta.deployment || '(none)'}:${meta.statuscodeclass}`;
      totals[key] = (totals[key] ?? 0) + ts.data.reduce((s, p) => s + (p.total ?? 0), 0);
    }
    // blue: 2 (both keys) + 5 + 20 + 1 (header) + 18 = 46 answered 200; green: header 1 + 4 mirrored + 2 + 3 + 1 = 11;
    // rejected before routing: 404 (no traffic) 1, 401 × 2, 404 unknown deployment 1.
    expect(totals['blue:2xx']).toBe(46);
    expect(totals['green:2xx']).toBe(11);
    expect(totals['(none):4xx']).toBe(4);
  });

  test('deleting the endpoint deletes green and stops its process', async () => {
    const greenPid = (await overview(em, endpoint)).deployments.find((d) => d.name === 'green')!.pid!;
    const del = await armWait(em, 'DELETE', endpointPath(em, endpoint));
    expect(del.status).toBe('Succeeded');
    expect((await arm(em, 'GET', endpointPath(em, endpoint), undefined, { apiVersion: API })).status).toBe(404);
    expect((await arm(em, 'GET', deploymentPath(em, endpoint, 'green'), undefined, { apiVersion: API })).status).toBe(404);
    await until(async () => !isAlive(greenPid), 5000, 'green to stop');
    expect((await score(uri, key, sampleRequest)).status).toBe(404);
  });
});
