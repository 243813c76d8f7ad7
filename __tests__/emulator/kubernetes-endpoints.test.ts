/**
 * Kubernetes computes and Kubernetes online endpoints in the emulator: a cluster attached as
 * `az ml compute attach --type Kubernetes` does (PUT `computes/<name>` with `computeType:
 * Kubernetes`, through the REAL `@azure/arm-machinelearning` client, with the body of the swagger
 * example Compute/createOrUpdate/KubernetesCompute.json), an endpoint naming it in `compute`, a
 * KubernetesOnlineDeployment validated against the compute's instance types and served by a real
 * scoring process (model errors answer 502), Azure Monitor without request metrics for it, and
 * the refusals: unknown or non-Kubernetes compute, deployment kinds that do not fit the endpoint,
 * unknown instance types, requests above limits, detaching a compute that endpoints run on.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { describeErrors, haveSharedFixtures, validatorFor } from '../helpers/swagger.js';
import { arm, sdkClient, startFastEmulator, wsPath } from './support.js';
import {
  API,
  armWait,
  deploymentPath,
  endpointPath,
  modelFiles,
  registerCode,
  registerEnvironment,
  registerModel,
  score,
  setTraffic,
  uploadFolder,
  writeFiles,
} from './endpoints-support.js';

type Json = Record<string, unknown>;

/** The request body of the swagger example Compute/createOrUpdate/KubernetesCompute.json (2024-10-01), with this emulator's subscription. */
function attachBody(sub: string, cluster = 'compute123-56826-c9b00420020b2'): Json {
  return {
    location: 'eastus',
    properties: {
      description: 'some compute',
      resourceId: `/subscriptions/${sub}/resourcegroups/testrg123/providers/Microsoft.ContainerService/managedClusters/${cluster}`,
      computeType: 'Kubernetes',
      properties: {
        namespace: 'default',
        defaultInstanceType: 'defaultInstanceType',
        instanceTypes: {
          defaultInstanceType: {
            nodeSelector: null,
            resources: { requests: { cpu: '1', memory: '4Gi', 'nvidia.com/gpu': null }, limits: { cpu: '1', memory: '4Gi', 'nvidia.com/gpu': null } },
          },
          gpularge: {
            nodeSelector: { accelerator: 'nvidia' },
            resources: { requests: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' }, limits: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' } },
          },
        },
      },
    },
  };
}

const SCORE_OR_FAIL = `import json, os

model = None


def init():
    global model
    with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "model", "weights.json")) as f:
        model = json.load(f)


def run(raw_data):
    data = json.loads(raw_data)["data"]
    if os.environ.get("MODEL_FAIL"):
        raise ValueError("the model fails on purpose")
    return [sum(w * x for w, x in zip(model["weights"], row)) + model["bias"] for row in data]
`;

let em: RunningEmulator;
let client: AzureMachineLearningWorkspaces;
let computePath: string;
let modelId: string;
let codeId: string;
let envId: string;

const computeUrl = (name: string) => `${wsPath(em)}/computes/${name}`;

function deploymentBody(extra: Json = {}, env: Record<string, string> = {}): Json {
  return {
    location: 'eastus',
    sku: { name: 'Default', capacity: 1 },
    properties: {
      endpointComputeType: 'Kubernetes',
      model: modelId,
      codeConfiguration: { codeId, scoringScript: 'score.py' },
      environmentId: envId,
      environmentVariables: env,
      ...extra,
    },
  };
}

async function refusal(method: string, path: string, body: unknown): Promise<{ status: number; message: string; target?: string }> {
  const r = await arm<{ error: { message: string; target?: string } }>(em, method, path, body, { apiVersion: API });
  return { status: r.status, message: r.body?.error?.message ?? '', ...(r.body?.error?.target ? { target: r.body.error.target } : {}) };
}

beforeAll(async () => {
  em = await startFastEmulator();
  client = sdkClient(em);
  computePath = computeUrl('k8s-compute');
  const dir = await mkdtemp(join(tmpdir(), 'k8s-endpoints-'));
  modelId = await registerModel(
    em,
    'k8s-model',
    '1',
    await uploadFolder(em, writeFiles(join(dir, 'model'), modelFiles('k8s', [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 0)), 'LocalUpload/k8s-model/model'),
  );
  codeId = await registerCode(
    em,
    'k8s-code',
    '1',
    await uploadFolder(em, writeFiles(join(dir, 'code'), { 'score.py': SCORE_OR_FAIL }), 'LocalUpload/k8s-code'),
  );
  envId = await registerEnvironment(em, 'k8s-env');
});

afterAll(async () => {
  await em?.close();
});

describe('Kubernetes computes', () => {
  test('attach through the Azure SDK: Creating, then Succeeded and attached, as the swagger examples show', async () => {
    const first = await arm<Json>(em, 'PUT', computePath, attachBody(em.defaults.subscriptionId), { apiVersion: API });
    expect(first.status).toBe(201);
    expect(first.headers.get('azure-asyncoperation')).toBeTruthy();
    const p = first.body.properties as Json;
    expect(p.provisioningState).toBe('Creating');
    expect(p.computeType).toBe('Kubernetes');
    expect(Object.keys(p.properties as Json).sort()).toEqual(
      [
        'defaultInstanceType',
        'extensionInstanceReleaseTrain',
        'extensionPrincipalId',
        'instanceTypes',
        'namespace',
        'relayConnectionString',
        'serviceBusConnectionString',
        'vcName',
      ].sort(),
    );
    // The SDK attaches (here: updates) and follows the operation to its end.
    const done = await client.computeOperations.beginCreateOrUpdateAndWait(
      em.defaults.resourceGroup,
      em.defaults.workspaceName,
      'k8s-compute',
      attachBody(em.defaults.subscriptionId) as never,
    );
    expect(done.properties?.computeType).toBe('Kubernetes');
    const got = await client.computeOperations.get(em.defaults.resourceGroup, em.defaults.workspaceName, 'k8s-compute');
    expect(got.properties?.provisioningState).toBe('Succeeded');
    expect(got.properties?.isAttachedCompute).toBe(true);
    const k8s = got.properties as { properties?: { namespace?: string; defaultInstanceType?: string; instanceTypes?: Record<string, unknown> } };
    expect(k8s.properties?.namespace).toBe('default');
    expect(Object.keys(k8s.properties?.instanceTypes ?? {})).toEqual(['defaultInstanceType', 'gpularge']);
    const names: string[] = [];
    for await (const c of client.computeOperations.list(em.defaults.resourceGroup, em.defaults.workspaceName)) names.push(String(c.name));
    expect(names).toEqual(expect.arrayContaining(['cpu-cluster', 'gpu-cluster', 'k8s-compute']));
  });

  test('a compute attached without instance types gets defaultinstancetype', async () => {
    const body = attachBody(em.defaults.subscriptionId, 'plain-cluster');
    (body.properties as Json).properties = { namespace: 'azureml' };
    const r = await armWait(em, 'PUT', computeUrl('plain-k8s'), body);
    expect(r.status).toBe('Succeeded');
    const got = await arm<Json>(em, 'GET', computeUrl('plain-k8s'), undefined, { apiVersion: API });
    const inner = (got.body.properties as Json).properties as Json;
    expect(inner.defaultInstanceType).toBe('defaultinstancetype');
    expect(Object.keys(inner.instanceTypes as Json)).toEqual(['defaultinstancetype']);
    expect(inner.namespace).toBe('azureml');
  });

  test('bad attach requests are refused with 400 naming the field', async () => {
    const sub = em.defaults.subscriptionId;
    const vm = attachBody(sub);
    (vm.properties as Json).computeType = 'VirtualMachine';
    expect(await refusal('PUT', computeUrl('bad-1'), vm)).toMatchObject({ status: 400, target: 'properties.computeType' });
    const noCluster = attachBody(sub);
    delete (noCluster.properties as Json).resourceId;
    expect(await refusal('PUT', computeUrl('bad-2'), noCluster)).toMatchObject({ status: 400, target: 'properties.resourceId' });
    const quantity = attachBody(sub);
    (((((quantity.properties as Json).properties as Json).instanceTypes as Json).gpularge as Json).resources as Json).requests = { cpu: 'two' };
    const q = await refusal('PUT', computeUrl('bad-3'), quantity);
    expect(q.status).toBe(400);
    expect(q.message).toMatch(/'two' is not a Kubernetes quantity for cpu/);
    const above = attachBody(sub);
    (((((above.properties as Json).properties as Json).instanceTypes as Json).gpularge as Json).resources as Json).requests = { memory: '32Gi' };
    expect((await refusal('PUT', computeUrl('bad-4'), above)).message).toMatch(/request of memory \(32Gi\) is more than its limit \(16Gi\)/);
    const def = attachBody(sub);
    ((def.properties as Json).properties as Json).defaultInstanceType = 'nope';
    expect(await refusal('PUT', computeUrl('bad-5'), def)).toMatchObject({ status: 400, target: 'properties.properties.defaultInstanceType' });
    const ns = attachBody(sub);
    ((ns.properties as Json).properties as Json).namespace = 'Not_A_Namespace';
    expect(await refusal('PUT', computeUrl('bad-6'), ns)).toMatchObject({ status: 400, target: 'properties.properties.namespace' });
    expect((await refusal('DELETE', computeUrl('plain-k8s'), undefined)).status).toBe(400); // underlyingResourceAction is required
    for (const n of ['bad-1', 'bad-2', 'bad-3', 'bad-4', 'bad-5', 'bad-6']) {
      expect((await arm(em, 'GET', computeUrl(n), undefined, { apiVersion: API })).status).toBe(404);
    }
  });
});

describe('Kubernetes online endpoints', () => {
  const endpoint = 'k8s-endpoint';

  test('an endpoint naming an unknown compute, or an AmlCompute cluster, is refused with 400; nothing is created', async () => {
    const unknown = await refusal('PUT', endpointPath(em, 'k8s-missing'), {
      location: 'eastus',
      properties: { authMode: 'Key', compute: `${wsPath(em)}/computes/inferencecompute` },
    });
    expect(unknown).toMatchObject({ status: 400, target: 'properties.compute' });
    expect(unknown.message).toMatch(/Compute 'inferencecompute' was not found/);
    const aml = await refusal('PUT', endpointPath(em, 'k8s-missing'), { location: 'eastus', properties: { authMode: 'Key', compute: 'cpu-cluster' } });
    expect(aml.message).toMatch(/'cpu-cluster' is a AmlCompute compute; online endpoints run on Kubernetes computes only/);
    expect((await arm(em, 'GET', endpointPath(em, 'k8s-missing'), undefined, { apiVersion: API })).status).toBe(404);
  });

  test('endpoint and deployment on the Kubernetes compute: provisioned, scored by a real process, default instance type', async () => {
    const ep = await armWait(em, 'PUT', endpointPath(em, endpoint), { location: 'eastus', properties: { authMode: 'Key', compute: 'azureml:k8s-compute' } });
    expect(ep.status).toBe('Succeeded');
    const got = await arm<Json>(em, 'GET', endpointPath(em, endpoint), undefined, { apiVersion: API });
    expect((got.body.properties as Json).compute).toBe(`${wsPath(em)}/computes/k8s-compute`);
    const blue = deploymentBody({
      containerResourceRequirements: { containerResourceRequests: { cpu: '0.1', memory: '0.1Gi' }, containerResourceLimits: { cpu: '0.2', memory: '200Mi' } },
      scaleSettings: { scaleType: 'TargetUtilization', minInstances: 1, maxInstances: 3, pollingInterval: 'PT10S', targetUtilizationPercentage: 70 },
    });
    const d = await armWait(em, 'PUT', deploymentPath(em, endpoint, 'blue'), blue);
    expect(d.status).toBe('Succeeded');
    const dep = await arm<Json>(em, 'GET', deploymentPath(em, endpoint, 'blue'), undefined, { apiVersion: API });
    const props = dep.body.properties as Json;
    expect(props.instanceType).toBe('defaultInstanceType');
    expect(props.endpointComputeType).toBe('Kubernetes');
    expect(props.containerResourceRequirements).toEqual(blue.properties && (blue.properties as Json).containerResourceRequirements);
    if (haveSharedFixtures) {
      const v = validatorFor('resource', 'KubernetesOnlineDeployment');
      expect(v({ properties: JSON.parse(JSON.stringify(props)) as Json }), describeErrors(v)).toBe(true);
    }
    expect((await setTraffic(em, endpoint, { blue: 100 })).status).toBe('Succeeded');
    const keys = await arm<{ primaryKey: string }>(em, 'POST', `${endpointPath(em, endpoint)}/listKeys`, undefined, { apiVersion: API });
    const uri = String(((await arm<Json>(em, 'GET', endpointPath(em, endpoint), undefined, { apiVersion: API })).body.properties as Json).scoringUri);
    const ok = await score(uri, keys.body.primaryKey, { data: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]] });
    expect(ok).toMatchObject({ status: 200, deployment: 'blue', body: [55] });
  });

  test('deployments that do not fit the endpoint or its compute are refused with 400', async () => {
    const managed = deploymentBody({ endpointComputeType: 'Managed', instanceType: 'Standard_DS3_v2' });
    expect((await refusal('PUT', deploymentPath(em, endpoint, 'green'), managed)).message).toMatch(/takes Kubernetes deployments only/);
    const unknownType = await refusal('PUT', deploymentPath(em, endpoint, 'green'), deploymentBody({ instanceType: 'Standard_NC6' }));
    expect(unknownType).toMatchObject({ status: 400, target: 'properties.instanceType' });
    expect(unknownType.message).toMatch(/instance types are defaultInstanceType, gpularge/);
    const above = deploymentBody({ containerResourceRequirements: { containerResourceRequests: { cpu: '2' }, containerResourceLimits: { cpu: '500m' } } });
    expect((await refusal('PUT', deploymentPath(em, endpoint, 'green'), above)).message).toMatch(/request of cpu \(2\) is more than its limit \(500m\)/);
    const badKey = deploymentBody({ containerResourceRequirements: { containerResourceRequests: { 'nvidia.com/gpu': '1' } } });
    expect((await refusal('PUT', deploymentPath(em, endpoint, 'green'), badKey)).status).toBe(400);
    expect((await arm(em, 'GET', deploymentPath(em, endpoint, 'green'), undefined, { apiVersion: API })).status).toBe(404);
    // A managed endpoint takes no Kubernetes deployment.
    expect((await armWait(em, 'PUT', endpointPath(em, 'managed-ep'), { location: 'eastus', properties: { authMode: 'Key' } })).status).toBe('Succeeded');
    expect((await refusal('PUT', deploymentPath(em, 'managed-ep', 'blue'), deploymentBody())).message).toMatch(/managed online endpoint \(no compute\)/);
    // The compute of an endpoint cannot change.
    const change = await refusal('PUT', endpointPath(em, endpoint), { location: 'eastus', properties: { authMode: 'Key', compute: 'plain-k8s' } });
    expect(change).toMatchObject({ status: 400, target: 'properties.compute' });
  });

  test('a named instance type of the compute is taken; a model error answers 502', async () => {
    const green = await armWait(em, 'PUT', deploymentPath(em, endpoint, 'green'), deploymentBody({ instanceType: 'gpularge' }, { MODEL_FAIL: '1' }));
    expect(green.status).toBe('Succeeded');
    const keys = await arm<{ primaryKey: string }>(em, 'POST', `${endpointPath(em, endpoint)}/listKeys`, undefined, { apiVersion: API });
    const uri = String(((await arm<Json>(em, 'GET', endpointPath(em, endpoint), undefined, { apiVersion: API })).body.properties as Json).scoringUri);
    const bad = await score(uri, keys.body.primaryKey, { data: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]] }, 'green');
    expect(bad.status).toBe(502);
    expect(bad.deployment).toBe('green');
    // No mirrored traffic on a Kubernetes endpoint.
    const mirror = await refusal('PUT', endpointPath(em, endpoint), {
      location: 'eastus',
      properties: { authMode: 'Key', traffic: { blue: 100 }, mirrorTraffic: { green: 10 } },
    });
    expect(mirror).toMatchObject({ status: 400, target: 'properties.mirrorTraffic' });
    expect(mirror.message).toMatch(/is a Kubernetes online endpoint: mirror traffic is not supported there/);
  });

  test('Azure Monitor has no request metrics for a Kubernetes endpoint', async () => {
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
    expect((res.body.value as Json[])[0]!.timeseries).toEqual([]);
  });

  test('a compute that an endpoint runs on cannot be detached; once the endpoint is gone it can', async () => {
    const refused = await refusal('DELETE', `${computePath}?underlyingResourceAction=Detach`, undefined);
    expect(refused.status).toBe(409);
    expect(refused.message).toMatch(/online endpoint\(s\) 'k8s-endpoint' run on it/);
    expect((await setTraffic(em, endpoint, {})).status).toBe('Succeeded');
    expect((await armWait(em, 'DELETE', endpointPath(em, endpoint))).status).toBe('Succeeded');
    await client.computeOperations.beginDeleteAndWait(em.defaults.resourceGroup, em.defaults.workspaceName, 'k8s-compute', 'Detach');
    expect((await arm(em, 'GET', computePath, undefined, { apiVersion: API })).status).toBe(404);
  });
});
