/**
 * Online endpoints and deployments at the ARM level: the azure-rest-api-specs example payloads
 * (OnlineEndpoint createOrUpdate/get/update/listKeys/getToken, ManagedOnlineDeployment
 * createOrUpdate/get/update, getLogs) go in and come back through the REAL
 * `@azure/arm-machinelearning` client without loss and valid against the 2024-10-01 swagger;
 * Azure's validation errors (traffic, mirror, names, references); Azure Monitor query errors;
 * and the Iris MLflow model of examples/iris served without scoring code and with its score.py.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { describeErrors, haveSharedFixtures, validatorFor } from '../helpers/swagger.js';
import { arm, differentValues, missingKeys, readExample, sdkClient, startFastEmulator, without, wsPath } from './support.js';
import {
  API,
  armWait,
  deploymentPath,
  endpointPath,
  getLogs,
  modelFiles,
  registerCode,
  registerEnvironment,
  registerModel,
  score,
  SCORE_PY,
  setTraffic,
  uploadFolder,
  writeFiles,
} from './endpoints-support.js';

type Json = Record<string, unknown>;
interface Example {
  parameters: Json & { body?: Json };
  responses: Record<string, { body?: Json }>;
}

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let em: RunningEmulator;
let client: AzureMachineLearningWorkspaces;
let rg: string;
let ws: string;
let dir: string;
let modelId: string;
let codeId: string;
let envId: string;

const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function expectNoMissing(expected: unknown, actual: unknown, ignore: string[] = []): void {
  const missing = missingKeys(expected, actual).filter((p) => !ignore.some((i) => p.startsWith(i)));
  expect(missing, `missing keys:\n${missing.join('\n')}`).toEqual([]);
}

function expectSwaggerValid(definition: string, body: Json): void {
  if (!haveSharedFixtures) return;
  const v = validatorFor('resource', definition);
  expect(v({ properties: plain(body.properties) }), `${definition}:\n${describeErrors(v)}`).toBe(true);
}

beforeAll(async () => {
  em = await startFastEmulator({ pageSize: 1 });
  client = sdkClient(em);
  rg = em.defaults.resourceGroup;
  ws = em.defaults.workspaceName;
  dir = await mkdtemp(join(tmpdir(), 'endpoints-arm-'));
  modelId = await registerModel(
    em,
    'arm-model',
    '1',
    await uploadFolder(em, writeFiles(join(dir, 'model'), modelFiles('m', [1, 0, 0, 0, 0, 0, 0, 0, 0, 0], 1)), 'LocalUpload/arm-model/model'),
  );
  codeId = await registerCode(em, 'arm-code', '1', await uploadFolder(em, writeFiles(join(dir, 'code'), { 'score.py': SCORE_PY }), 'LocalUpload/arm-code'));
  envId = await registerEnvironment(em, 'arm-env');
});

afterAll(async () => {
  await em?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.runIf(haveSharedFixtures)('azure-rest-api-specs examples through the real SDK', () => {
  test('OnlineEndpoint createOrUpdate.json, get.json, update.json, getToken.json', async () => {
    const ex = readExample<Example>('Workspace/OnlineEndpoint/createOrUpdate.json');
    const name = String(ex.parameters.endpointName);
    // The example's traffic names a deployment that does not exist yet ("string": 1 would be refused, as Azure does).
    const body = structuredClone(ex.parameters.body!);
    (body.properties as Json).traffic = {};
    // Its compute "string" names no compute: an endpoint with a compute runs on that Kubernetes compute,
    // which must exist (kubernetes-endpoints.test.ts); this one is a managed endpoint.
    (body.properties as Json).compute = null;
    const created = await client.onlineEndpoints.beginCreateOrUpdateAndWait(rg, ws, name, body as never, { updateIntervalInMs: 10 });
    expect(created.properties.provisioningState).toBe('Succeeded');
    const raw = await arm<Json>(em, 'GET', endpointPath(em, name), undefined, { apiVersion: API });
    const getEx = readExample<Example>('Workspace/OnlineEndpoint/get.json').responses['200']!.body!;
    // (Identity type SystemAssigned: Azure returns no user-assigned identities; traffic is empty, see above.)
    const ignored = ['/identity/userAssignedIdentities', '/properties/traffic/string'];
    expectNoMissing(getEx, raw.body, ignored);
    expectSwaggerValid('OnlineEndpoint', raw.body);
    expect(differentValues(without(body.properties as Json, 'traffic'), raw.body.properties)).toEqual([]);
    expect(differentValues({ location: body.location, kind: body.kind, sku: body.sku, tags: body.tags }, raw.body)).toEqual([]);
    const sdk = plain(await client.onlineEndpoints.get(rg, ws, name));
    expectNoMissing(getEx, sdk, ignored);
    // The SDK (api-version 2022-10-01) keeps every field it knows; it has no mirrorTraffic.
    expectNoMissing(raw.body, sdk, ['/properties/mirrorTraffic']);

    // update.json: PATCH tags and identity (a long-running operation with a Location header).
    const upd = readExample<Example>('Workspace/OnlineEndpoint/update.json');
    const updated = await client.onlineEndpoints.beginUpdateAndWait(rg, ws, name, { ...(upd.parameters.body as Json), tags: { stage: 'canary' } } as never, {
      updateIntervalInMs: 10,
    });
    expect(updated.tags).toEqual({ stage: 'canary' });
    expectNoMissing(upd.responses['200']!.body, plain(updated), ignored);

    // getToken.json (the example endpoint uses AMLToken); listKeys is refused for it.
    const tokenEx = readExample<Example>('Workspace/OnlineEndpoint/getToken.json').responses['200']!.body!;
    const token = plain(await client.onlineEndpoints.getToken(rg, ws, name));
    expectNoMissing(tokenEx, token);
    expect(token.accessToken?.split('.')).toHaveLength(3);
    await expect(client.onlineEndpoints.listKeys(rg, ws, name)).rejects.toMatchObject({ statusCode: 400 });
  });

  test('OnlineEndpoint listKeys.json and regenerateKeys on a Key endpoint', async () => {
    const keysEx = readExample<Example>('Workspace/OnlineEndpoint/listKeys.json').responses['200']!.body!;
    await client.onlineEndpoints.beginCreateOrUpdateAndWait(rg, ws, 'keyed-endpoint', { location: 'eastus', properties: { authMode: 'Key' } } as never, {
      updateIntervalInMs: 10,
    });
    const keys = plain(await client.onlineEndpoints.listKeys(rg, ws, 'keyed-endpoint'));
    expectNoMissing(keysEx, keys);
    await client.onlineEndpoints.beginRegenerateKeysAndWait(
      rg,
      ws,
      'keyed-endpoint',
      { keyType: 'Secondary', keyValue: 'my-own-secondary-key' },
      { updateIntervalInMs: 10 },
    );
    const after = await client.onlineEndpoints.listKeys(rg, ws, 'keyed-endpoint');
    expect(after).toEqual({ primaryKey: keys.primaryKey, secondaryKey: 'my-own-secondary-key' });
  });

  test('ManagedOnlineDeployment createOrUpdate.json, get.json, update.json, getLogs.json, skus', async () => {
    const ex = readExample<Example>('OnlineDeployment/ManagedOnlineDeployment/createOrUpdate.json');
    const endpoint = String(ex.parameters.endpointName);
    const name = String(ex.parameters.deploymentName);
    // Real references instead of the example's "string"s; Azure caps requestTimeout at 180 s (the example says PT5M).
    const body = structuredClone(ex.parameters.body!);
    const props = body.properties as Json;
    props.model = modelId;
    props.codeConfiguration = { codeId, scoringScript: 'score.py' };
    props.environmentId = envId;
    (props.requestSettings as Json).requestTimeout = 'PT1M';
    const created = await client.onlineDeployments.beginCreateOrUpdateAndWait(rg, ws, endpoint, name, body as never, { updateIntervalInMs: 10 });
    expect(created.properties.provisioningState).toBe('Succeeded');
    const raw = await arm<Json>(em, 'GET', deploymentPath(em, endpoint, name), undefined, { apiVersion: API });
    const getEx = readExample<Example>('OnlineDeployment/ManagedOnlineDeployment/get.json').responses['200']!.body!;
    expectNoMissing(getEx, raw.body, ['/identity/userAssignedIdentities']);
    expectSwaggerValid('ManagedOnlineDeployment', raw.body);
    // The SDK (2022-10-01) does not send startupProbe; everything else the client sent is kept.
    expect(differentValues(without(props, 'startupProbe'), raw.body.properties)).toEqual([]);
    const sdk = plain(await client.onlineDeployments.get(rg, ws, endpoint, name));
    expectNoMissing(getEx, sdk, ['/identity/userAssignedIdentities']);
    expectNoMissing(raw.body, sdk);

    // With api-version 2024-10-01 the whole example (startupProbe too) comes back.
    const raw2 = await armWait(em, 'PUT', deploymentPath(em, endpoint, 'second'), body);
    expect(raw2.status).toBe('Succeeded');
    expectNoMissing(ex.responses['201']!.body, raw2.response.body, ['/identity/userAssignedIdentities']);
    expectSwaggerValid('ManagedOnlineDeployment', raw2.response.body);

    // update.json: PATCH tags and sku (capacity) — the deployment is Scaling, then Succeeded.
    const upd = readExample<Example>('OnlineDeployment/ManagedOnlineDeployment/update.json');
    const updBody = structuredClone(upd.parameters.body!);
    (updBody.sku as Json).capacity = 3;
    const updated = await client.onlineDeployments.beginUpdateAndWait(rg, ws, endpoint, name, updBody as never, { updateIntervalInMs: 10 });
    expect(updated.sku?.capacity).toBe(3);
    expect(updated.properties.provisioningState).toBe('Succeeded');
    expectNoMissing(upd.responses['200']!.body, plain(updated), ['/identity/userAssignedIdentities', '/properties/startupProbe']);

    // getLogs.json
    const logsEx = readExample<Example>('OnlineDeployment/getLogs.json');
    const logs = await client.onlineDeployments.getLogs(rg, ws, endpoint, name, logsEx.parameters.body as never);
    expectNoMissing(logsEx.responses['200']!.body, plain(logs));
    expect(logs.content).toContain('Storage initializer completed.');
    const skus = [];
    for await (const s of client.onlineDeployments.listSkus(rg, ws, endpoint, name)) skus.push(s);
    expect(skus).toEqual([
      {
        resourceType: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments',
        sku: { name: 'Default', tier: 'Standard' },
        capacity: { minimum: 1, maximum: 20, default: 1, scaleType: 'Manual' },
      },
    ]);
    // Lists walk nextLink pages (page size 1 in this emulator).
    const names = [];
    for await (const d of client.onlineDeployments.list(rg, ws, endpoint)) names.push(d.name);
    expect(names.sort()).toEqual(['second', name].sort());
    const endpoints = [];
    for await (const e of client.onlineEndpoints.list(rg, ws)) endpoints.push(e.name);
    expect(endpoints).toContain(endpoint);
    expect(endpoints).toContain('keyed-endpoint');
  });
});

describe('validation as Azure does it', () => {
  const put = (path: string, body: unknown) => arm<{ error: { code: string; message: string } }>(em, 'PUT', path, body, { apiVersion: API });

  test('endpoints: name, location, authMode, traffic and mirror rules', async () => {
    expect((await put(endpointPath(em, '1bad'), { location: 'eastus', properties: { authMode: 'Key' } })).status).toBe(400);
    const noLocation = await put(endpointPath(em, 'val-endpoint'), { properties: { authMode: 'Key' } });
    expect(noLocation.status).toBe(400);
    expect(noLocation.body.error.code).toBe('LocationRequired');
    const noAuth = await put(endpointPath(em, 'val-endpoint'), { location: 'eastus', properties: {} });
    expect(noAuth.status).toBe(400);
    expect(noAuth.body.error.message).toContain("'authMode' is required");
    // any case is taken and answered in Azure's spelling (recorded for batch endpoints: aadToken → AADToken)
    const lower = await put(endpointPath(em, 'case-endpoint'), { location: 'eastus', properties: { authMode: 'aadToken' } });
    expect(lower.status).toBe(201);
    expect((lower.body as unknown as { properties: { authMode: string } }).properties.authMode).toBe('AADToken');
    expect((await put(endpointPath(em, 'case-endpoint-2'), { location: 'eastus', properties: { authMode: 'token' } })).status).toBe(400);
    const unknown = await put(endpointPath(em, 'val-endpoint'), { location: 'eastus', properties: { authMode: 'Key', traffic: { blue: 100 } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain(
      "Traffic cannot be allocated to 'blue': no such deployment in endpoint 'val-endpoint' (it has no deployments yet)",
    );
    expect((await armWait(em, 'PUT', endpointPath(em, 'val-endpoint'), { location: 'eastus', properties: { authMode: 'Key' } })).status).toBe('Succeeded');
    const dep = (n: string) =>
      armWait(em, 'PUT', deploymentPath(em, 'val-endpoint', n), {
        location: 'eastus',
        properties: { endpointComputeType: 'Managed', model: modelId, codeConfiguration: { codeId, scoringScript: 'score.py' }, environmentId: envId },
      });
    expect((await dep('blue')).status).toBe('Succeeded');
    expect((await dep('green')).status).toBe('Succeeded');
    const base = { location: 'eastus', properties: { authMode: 'Key' } };
    const cases: Array<[Json, string]> = [
      [{ traffic: { blue: 60, green: 30 } }, 'must sum to 0 or 100; they sum to 90 (blue=60, green=30)'],
      [{ traffic: { blue: 101 } }, 'must be an integer percentage from 0 to 100'],
      [{ traffic: { blue: 99.5, green: 0.5 } }, 'must be an integer percentage from 0 to 100'],
      [{ traffic: { blue: 100 }, mirrorTraffic: { green: 60 } }, 'can be at most 50 percent; it is 60'],
      [{ traffic: { blue: 100 }, mirrorTraffic: { green: 10, blue: 10 } }, 'Mirror traffic can go to only one deployment'],
      [
        { traffic: { blue: 50, green: 50 }, mirrorTraffic: { green: 10 } },
        "Deployment 'green' of endpoint 'val-endpoint' cannot receive both live traffic (50%) and mirrored traffic (10%)",
      ],
      [{ traffic: { blue: 100 }, mirrorTraffic: { red: 10 } }, "Mirror traffic cannot be allocated to 'red'"],
    ];
    for (const [p, message] of cases) {
      const r = await put(endpointPath(em, 'val-endpoint'), { ...base, properties: { ...base.properties, ...p } });
      expect(r.status, JSON.stringify(p)).toBe(400);
      expect(r.body.error.code).toBe('UserError');
      expect(r.body.error.message).toContain(message);
    }
    // Valid: all to blue with 50 % mirrored to green; 0 everywhere is valid too.
    expect((await setTraffic(em, 'val-endpoint', { blue: 100, green: 0 }, { green: 50 })).status).toBe('Succeeded');
    expect((await setTraffic(em, 'val-endpoint', { blue: 0, green: 0 }, {})).status).toBe('Succeeded');
    // A PUT without traffic keeps it (a GET → PUT through an older api-version does not clear mirrorTraffic).
    expect((await setTraffic(em, 'val-endpoint', { blue: 100 }, { green: 20 })).status).toBe('Succeeded');
    expect((await armWait(em, 'PUT', endpointPath(em, 'val-endpoint'), base)).status).toBe('Succeeded');
    const kept = await arm<Json>(em, 'GET', endpointPath(em, 'val-endpoint'), undefined, { apiVersion: API });
    expect((kept.body.properties as Json).traffic).toEqual({ blue: 100 });
    expect((kept.body.properties as Json).mirrorTraffic).toEqual({ green: 20 });
    // Mirrored traffic also blocks deleting green.
    const del = await arm<Json>(em, 'DELETE', deploymentPath(em, 'val-endpoint', 'green'), undefined, { apiVersion: API });
    expect(del.status).toBe(409);
    expect(JSON.stringify(del.body)).toContain('20% mirrored traffic');
  });

  test('endpoint names are unique in the region, across workspaces', async () => {
    const ws2 = wsPath(em, 'second-ws');
    const created = await arm<Json>(em, 'PUT', ws2, { location: 'eastus', properties: {} }, { apiVersion: API });
    expect([200, 201]).toContain(created.status);
    const { waitOperation } = await import('./endpoints-support.js');
    await waitOperation(em, created);
    const dup = await arm<{ error: { message: string } }>(
      em,
      'PUT',
      `${ws2}/onlineEndpoints/val-endpoint`,
      { location: 'eastus', properties: { authMode: 'Key' } },
      { apiVersion: API },
    );
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toContain('Endpoint name needs to be unique within a region');
  });

  test('deployments: compute type, references, request settings, immutable fields, missing endpoint', async () => {
    const path = deploymentPath(em, 'val-endpoint', 'checks');
    const good = { endpointComputeType: 'Managed', model: modelId, codeConfiguration: { codeId, scoringScript: 'score.py' }, environmentId: envId };
    const cases: Array<[Json, string]> = [
      [{ ...good, endpointComputeType: undefined }, "'endpointComputeType' is required"],
      [{ ...good, model: 'azureml:nope:1' }, "Model version 'nope:1' was not found"],
      [{ ...good, environmentId: undefined }, 'needs an environment (environmentId)'],
      [{ ...good, requestSettings: { requestTimeout: 'PT5M' } }, 'at most 180 seconds'],
      [{ ...good, requestSettings: { requestTimeout: 'five seconds' } }, 'is not an ISO 8601 duration'],
      [{ ...good, livenessProbe: { failureThreshold: 0 } }, "'failureThreshold' must be an integer from 1"],
      [{ endpointComputeType: 'Managed' }, "needs a model ('model') or scoring code"],
    ];
    for (const [p, message] of cases) {
      const r = await put(path, { location: 'eastus', properties: p });
      expect(r.status, JSON.stringify(p)).toBe(400);
      expect(r.body.error.message).toContain(message);
    }
    expect((await armWait(em, 'PUT', path, { location: 'eastus', properties: { ...good, instanceType: 'Standard_DS3_v2' } })).status).toBe('Succeeded');
    const changed = await put(path, { location: 'eastus', properties: { ...good, instanceType: 'Standard_DS4_v2' } });
    expect(changed.status).toBe(400);
    expect(changed.body.error.message).toContain("instanceType of deployment 'checks' is 'Standard_DS3_v2' and cannot be changed");
    const missing = await put(deploymentPath(em, 'no-such-endpoint', 'x1x'), { location: 'eastus', properties: good });
    expect(missing.status).toBe(404);
    const get404 = await arm<{ error: { code: string; message: string } }>(em, 'GET', deploymentPath(em, 'val-endpoint', 'nothere'), undefined, {
      apiVersion: API,
    });
    expect(get404.status).toBe(404);
    expect(get404.body.error.message).toContain("Deployment 'nothere' was not found in endpoint 'val-endpoint'");
  });

  test('Azure Monitor queries: metric names, grains, dimensions, filters, definitions', async () => {
    const metrics = (q: Record<string, string>) =>
      arm<Json>(em, 'GET', `${endpointPath(em, 'val-endpoint')}/providers/Microsoft.Insights/metrics`, undefined, { apiVersion: '2023-10-01', query: q });
    const unknown = await metrics({ metricnames: 'RequestsPerHour' });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('Valid metrics: RequestsPerMinute,RequestLatency,RequestLatency_P50');
    const fine = await metrics({ metricnames: 'RequestsPerMinute', interval: 'PT10S' });
    expect(fine.status).toBe(400);
    expect(JSON.stringify(fine.body)).toContain('the finest is PT1M');
    const adjusted = await metrics({ metricnames: 'RequestsPerMinute', interval: 'PT10S', AutoAdjustTimegrain: 'true', timespan: 'PT10M' });
    expect(adjusted.status).toBe(200);
    expect(adjusted.body.interval).toBe('PT1M');
    // No traffic yet: one series without dimensions whose points carry only a timestamp.
    const series = ((adjusted.body.value as Json[])[0]!.timeseries as Array<{ metadatavalues: unknown[]; data: Json[] }>)[0]!;
    expect(series.metadatavalues).toEqual([]);
    expect(series.data.length).toBeGreaterThanOrEqual(10);
    expect(series.data.every((p) => Object.keys(p).join() === 'timeStamp')).toBe(true);
    const dim = await metrics({ metricnames: 'RequestLatency_P95', $filter: "statusCodeClass eq '5xx'" });
    expect(dim.status).toBe(400);
    expect(JSON.stringify(dim.body)).toContain('does not support requested dimension combination: statuscodeclass, supported ones are: deployment');
    const syntax = await metrics({ metricnames: 'RequestsPerMinute', $filter: "deployment = 'blue'" });
    expect(syntax.status).toBe(400);
    const full = await metrics({ metricnames: 'RequestsPerMinute', interval: 'FULL', timespan: 'PT2H', aggregation: 'total' });
    expect(full.status).toBe(200);
    expect((((full.body.value as Json[])[0]!.timeseries as Json[])[0]!.data as Json[]).length).toBe(1);
    const defs = await arm<{ value: Array<{ name: { value: string }; dimensions: Array<{ value: string }> }> }>(
      em,
      'GET',
      `${endpointPath(em, 'val-endpoint')}/providers/Microsoft.Insights/metricDefinitions`,
      undefined,
      { apiVersion: '2018-01-01' },
    );
    expect(defs.status).toBe(200);
    expect(defs.body.value.find((d) => d.name.value === 'RequestsPerMinute')!.dimensions.map((d) => d.value)).toEqual([
      'deployment',
      'statusCode',
      'statusCodeClass',
      'modelStatusCode',
    ]);
    const dmetrics = await arm<Json>(em, 'GET', `${deploymentPath(em, 'val-endpoint', 'blue')}/providers/Microsoft.Insights/metrics`, undefined, {
      apiVersion: '2023-10-01',
      query: { metricnames: 'CpuUtilizationPercentage,DeploymentCapacity' },
    });
    expect(dmetrics.status).toBe(200);
    expect(dmetrics.body.namespace).toBe('Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments');
  });
});

describe('the Iris MLflow model of examples/iris', () => {
  let irisModel: string;

  beforeAll(async () => {
    const modelDir = join(dir, 'iris-out', 'model');
    execFileSync(
      'python3',
      [join(repo, 'examples', 'iris', 'src', 'train.py'), '--data', join(repo, 'examples', 'iris', 'data', 'iris.csv'), '--model', modelDir, '--epochs', '60'],
      { stdio: 'ignore' },
    );
    irisModel = await registerModel(em, 'iris', '1', await uploadFolder(em, modelDir, 'azureml/iris-job/model'), 'mlflow_model');
    expect((await armWait(em, 'PUT', endpointPath(em, 'iris-endpoint'), { location: 'eastus', properties: { authMode: 'Key' } })).status).toBe('Succeeded');
  });

  test('no scoring code: served through its python_function flavor (MLflow request formats)', async () => {
    const r = await armWait(em, 'PUT', deploymentPath(em, 'iris-endpoint', 'nocode'), {
      location: 'eastus',
      properties: { endpointComputeType: 'Managed', model: irisModel },
    });
    expect(r.status).toBe('Succeeded');
    expect(await getLogs(em, 'iris-endpoint', 'nocode', 'StorageInitializer')).toContain('loader_module iris_softmax');
    expect((await setTraffic(em, 'iris-endpoint', { nocode: 100 })).status).toBe('Succeeded');
    const key = (await arm<{ primaryKey: string }>(em, 'POST', `${endpointPath(em, 'iris-endpoint')}/listKeys`, undefined, { apiVersion: API })).body
      .primaryKey;
    const uri = `${em.baseUrl}/inference/iris-endpoint/score`;
    const columns = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
    const rows = [
      [5.1, 3.5, 1.4, 0.2],
      [6.7, 3.0, 5.2, 2.3],
    ];
    const split = await score(uri, key, { input_data: { columns, index: [0, 1], data: rows } });
    expect(split.status).toBe(200);
    expect(split.body).toEqual(['Iris-setosa', 'Iris-virginica']);
    const records = await score(uri, key, { dataframe_records: rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]]))) });
    expect(records.body).toEqual(['Iris-setosa', 'Iris-virginica']);
    const bad = await score(uri, key, { input_data: [[1, 2]] });
    expect(bad.status).toBe(424);
    expect(bad.headers.get('ms-azureml-model-error-reason')).toContain('has 2 values; expected 4');
  });

  test('with examples/iris/score.py as scoring code', async () => {
    const code = await registerCode(em, 'iris-score', '1', await uploadFolder(em, join(repo, 'examples', 'iris', 'score.py'), 'LocalUpload/iris-score'));
    const r = await armWait(em, 'PUT', deploymentPath(em, 'iris-endpoint', 'scored'), {
      location: 'eastus',
      properties: {
        endpointComputeType: 'Managed',
        model: irisModel,
        codeConfiguration: { codeId: code, scoringScript: 'score.py' },
        environmentId: 'azureml://registries/azureml/environments/sklearn-1.5/labels/latest',
      },
    });
    expect(r.status).toBe('Succeeded');
    const key = (await arm<{ primaryKey: string }>(em, 'POST', `${endpointPath(em, 'iris-endpoint')}/listKeys`, undefined, { apiVersion: API })).body
      .primaryKey;
    const a = await score(`${em.baseUrl}/inference/iris-endpoint/score`, key, { data: [[5.1, 3.5, 1.4, 0.2]] }, 'scored');
    expect(a.status).toBe(200);
    expect(a.deployment).toBe('scored');
    const body = a.body as { predictions: string[]; probabilities: number[][]; classes: string[] };
    expect(body.predictions).toEqual(['Iris-setosa']);
    expect(body.classes).toEqual(['Iris-setosa', 'Iris-versicolor', 'Iris-virginica']);
  });

  test('a model without MLmodel and without scoring code is refused with a clear provisioning error', async () => {
    const r = await armWait(em, 'PUT', deploymentPath(em, 'iris-endpoint', 'plain'), {
      location: 'eastus',
      properties: { endpointComputeType: 'Managed', model: modelId },
    });
    expect(r.status).toBe('Failed');
    expect(r.error?.code).toBe('BadArgument');
    expect(r.error?.message).toContain('has no scoring script (codeConfiguration) and its model is not an MLflow model');
  });
});
