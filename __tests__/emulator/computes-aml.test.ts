/**
 * AmlCompute clusters in the emulator, over raw ARM: created as `az ml compute create -n
 * batch-cluster --type amlcompute --min-instances 0 --max-instances 5` does (azureml-examples
 * cli/endpoints/batch/*\/deploy-and-run.sh; the body azure-ai-ml's AmlCompute._to_rest_object
 * sends), got, listed, updated by PUT and scaled by PATCH (swagger 2024-10-01 examples
 * Compute/createOrUpdate/{BasicAmlCompute,AmlCompute}.json, Compute/patch.json), used by a command
 * job that really runs, refused with the field named when the body is wrong, and deleted.
 */
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { arm, sdkClient, startFastEmulator, wsPath } from './support.js';
import { waitOperation } from './endpoints-support.js';

type Json = Record<string, unknown>;

let em: RunningEmulator;
let client: AzureMachineLearningWorkspaces;
const url = (name: string) => `${wsPath(em)}/computes/${name}`;

/** What `az ml compute create -n <name> --type amlcompute --min-instances 0 --max-instances 5` sends (azure-ai-ml entities/_compute/aml_compute.py _to_rest_object: default size STANDARD_DS3_V2). */
function cliBody(extra: Json = {}, scale: Json = { maxNodeCount: 5, minNodeCount: 0 }): Json {
  return {
    properties: {
      computeType: 'AmlCompute',
      properties: { vmSize: 'STANDARD_DS3_V2', scaleSettings: scale, remoteLoginPortPublicAccess: 'NotSpecified', enableNodePublicIp: true, ...extra },
    },
  };
}

async function refusal(method: string, path: string, body: unknown): Promise<{ status: number; target?: string; message: string }> {
  const r = await arm<{ error?: { message: string; target?: string } }>(em, method, path, body);
  return { status: r.status, message: r.body?.error?.message ?? '', ...(r.body?.error?.target ? { target: r.body.error.target } : {}) };
}

async function props(name: string): Promise<Json> {
  const r = await arm<Json>(em, 'GET', url(name));
  expect(r.status).toBe(200);
  return r.body.properties as Json;
}

async function jobStatus(name: string, until: (s: string) => boolean, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = String(((await arm<Json>(em, 'GET', `${wsPath(em)}/jobs/${name}`)).body.properties as Json).status);
    if (until(s) || Date.now() > deadline) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const commandJob = (command: string, computeId: string): Json => ({
  properties: { jobType: 'Command', command, environmentId: 'azureml:AzureML-sklearn-1.5@latest', computeId, experimentName: 'computes-aml' },
});

beforeAll(async () => {
  em = await startFastEmulator();
  client = sdkClient(em);
});

afterAll(async () => {
  await em?.close();
});

describe('AmlCompute clusters', () => {
  test('create as az ml compute create does: 201 Creating + Azure-AsyncOperation, then Succeeded, shaped as the seeded clusters', async () => {
    const created = await arm<Json>(em, 'PUT', url('batch-cluster'), cliBody());
    expect(created.status).toBe(201);
    expect(created.headers.get('azure-asyncoperation')).toBeTruthy();
    expect(created.body.properties).toMatchObject({ computeType: 'AmlCompute', provisioningState: 'Creating' });
    expect(await waitOperation(em, created)).toMatchObject({ status: 'Succeeded' });

    const p = await props('batch-cluster');
    const seeded = await props('cpu-cluster');
    expect(Object.keys(p).sort()).toEqual(Object.keys(seeded).sort());
    expect(Object.keys(p.properties as Json).sort()).toEqual(Object.keys(seeded.properties as Json).sort());
    expect(p).toMatchObject({ computeType: 'AmlCompute', provisioningState: 'Succeeded', isAttachedCompute: false, resourceId: null });
    expect(p.properties).toMatchObject({
      vmSize: 'STANDARD_DS3_V2',
      vmPriority: 'Dedicated',
      osType: 'Linux',
      scaleSettings: { maxNodeCount: 5, minNodeCount: 0, nodeIdleTimeBeforeScaleDown: 'PT120S' },
      allocationState: 'Steady',
      currentNodeCount: 0,
    });
  });

  test("the swagger example BasicAmlCompute.json's body: Windows, an image, PT5M; the SDK gets and lists it", async () => {
    const body = {
      location: 'eastus',
      properties: {
        computeType: 'AmlCompute',
        properties: {
          vmSize: 'STANDARD_NC6',
          vmPriority: 'Dedicated',
          osType: 'Windows',
          virtualMachineImage: {
            id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroup/providers/Microsoft.Compute/galleries/myImageGallery/images/myImageDefinition/versions/0.0.1',
          },
          isolatedNetwork: false,
          scaleSettings: { maxNodeCount: 1, minNodeCount: 0, nodeIdleTimeBeforeScaleDown: 'PT5M' },
          remoteLoginPortPublicAccess: 'NotSpecified',
          enableNodePublicIp: true,
        },
      },
    };
    const r = await arm<Json>(em, 'PUT', url('compute123'), body);
    expect(r.status).toBe(201);
    expect((await waitOperation(em, r)).status).toBe('Succeeded');
    const got = await client.computeOperations.get(em.defaults.resourceGroup, em.defaults.workspaceName, 'compute123');
    expect(got.properties).toMatchObject({ computeType: 'AmlCompute', provisioningState: 'Succeeded' });
    expect((got.properties as { properties?: Json }).properties).toMatchObject({ osType: 'Windows', vmSize: 'STANDARD_NC6' });
    const names: string[] = [];
    for await (const c of client.computeOperations.list(em.defaults.resourceGroup, em.defaults.workspaceName)) names.push(String(c.name));
    expect(names.sort()).toEqual(['batch-cluster', 'compute123', 'cpu-cluster', 'gpu-cluster']);
  });

  test("update by PUT (AmlCompute.json's body: description and scale settings only): 200 Updating, the VM size kept", async () => {
    const r = await arm<Json>(em, 'PUT', url('compute123'), {
      location: 'eastus',
      properties: {
        computeType: 'AmlCompute',
        description: 'some compute',
        properties: { scaleSettings: { maxNodeCount: 4, minNodeCount: 4, nodeIdleTimeBeforeScaleDown: 'PT5M' } },
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.properties).toMatchObject({ description: 'some compute', computeType: 'AmlCompute', provisioningState: 'Updating' });
    expect((await waitOperation(em, r)).status).toBe('Succeeded');
    const p = await props('compute123');
    expect(p.properties).toMatchObject({
      vmSize: 'STANDARD_NC6',
      osType: 'Windows',
      scaleSettings: { maxNodeCount: 4, minNodeCount: 4, nodeIdleTimeBeforeScaleDown: 'PT5M' },
    });
  });

  test("PATCH scales a cluster (patch.json's body): 200 Updating + Azure-AsyncOperation; the SDK's beginUpdateAndWait too", async () => {
    const r = await arm<Json>(em, 'PATCH', url('batch-cluster'), {
      properties: { properties: { scaleSettings: { maxNodeCount: 4, minNodeCount: 4, nodeIdleTimeBeforeScaleDown: 'PT5M' } } },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('azure-asyncoperation')).toBeTruthy();
    expect(r.body.properties).toMatchObject({ computeType: 'AmlCompute', provisioningState: 'Updating' });
    expect((await waitOperation(em, r)).status).toBe('Succeeded');
    expect(((await props('batch-cluster')).properties as Json).scaleSettings).toEqual({
      maxNodeCount: 4,
      minNodeCount: 4,
      nodeIdleTimeBeforeScaleDown: 'PT5M',
    });

    const done = await client.computeOperations.beginUpdateAndWait(em.defaults.resourceGroup, em.defaults.workspaceName, 'batch-cluster', {
      properties: { scaleSettings: { maxNodeCount: 5, minNodeCount: 0 } },
    });
    expect(done.properties?.computeType).toBe('AmlCompute');
    const p = await props('batch-cluster');
    expect(p.provisioningState).toBe('Succeeded');
    // minNodeCount takes its swagger default; the idle time the cluster had stays.
    expect((p.properties as Json).scaleSettings).toEqual({ maxNodeCount: 5, minNodeCount: 0, nodeIdleTimeBeforeScaleDown: 'PT5M' });
  });

  test('a command job on the new cluster runs to Completed', async () => {
    const r = await arm<Json>(em, 'PUT', `${wsPath(em)}/jobs/on-batch-cluster`, commandJob('echo on batch-cluster', 'azureml:batch-cluster'));
    expect(r.status).toBe(201);
    expect((r.body.properties as Json).computeId).toBe(url('batch-cluster'));
    expect(await jobStatus('on-batch-cluster', (s) => ['Completed', 'Failed', 'Canceled'].includes(s))).toBe('Completed');
  });

  test('bad bodies are refused with 400 naming the field', async () => {
    const cases: [Json, string, RegExp][] = [
      [
        { properties: { computeType: 'AmlCompute', properties: { vmSize: 'STANDARD_DS3_V2' } } },
        'properties.properties.scaleSettings',
        /is required to create a cluster/,
      ],
      [{ properties: { computeType: 'AmlCompute', properties: { scaleSettings: { maxNodeCount: 1 } } } }, 'properties.properties.vmSize', /is required/],
      [cliBody({}, { minNodeCount: 0 }), 'properties.properties.scaleSettings.maxNodeCount', /is required/],
      [
        cliBody({}, { maxNodeCount: 2, minNodeCount: 3 }),
        'properties.properties.scaleSettings.minNodeCount',
        /minNodeCount \(3\) is more than maxNodeCount \(2\)/,
      ],
      [cliBody({}, { maxNodeCount: 2.5 }), 'properties.properties.scaleSettings.maxNodeCount', /whole number/],
      [
        cliBody({}, { maxNodeCount: 2, nodeIdleTimeBeforeScaleDown: '5 minutes' }),
        'properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown',
        /ISO 8601 duration/,
      ],
      [cliBody({}, { maxNodeCount: 2, idleSeconds: 60 }), 'properties.properties.scaleSettings.idleSeconds', /'idleSeconds' is not a property/],
      [cliBody({ vmPriority: 'Spot' }), 'properties.properties.vmPriority', /expected Dedicated or LowPriority/],
      [cliBody({ osType: 'MacOS' }), 'properties.properties.osType', /expected Linux or Windows/],
      [cliBody({ remoteLoginPortPublicAccess: 'Open' }), 'properties.properties.remoteLoginPortPublicAccess', /Enabled or Disabled or NotSpecified/],
      [cliBody({ nodeCount: 3 }), 'properties.properties.nodeCount', /'nodeCount' is not a property of 'properties.properties'/],
      [cliBody({ userAccountCredentials: { adminUserPassword: 'x' } }), 'properties.properties.userAccountCredentials.adminUserName', /is required/],
      [cliBody({ subnet: { name: 'default' } }), 'properties.properties.subnet.name', /'name' is not a property/],
      [{ properties: { ...(cliBody().properties as Json), maxNodes: 3 } }, 'properties.maxNodes', /'maxNodes' is not a property of 'properties'/],
      [{ properties: { ...(cliBody().properties as Json), computeType: 'ComputeInstance' } }, 'properties.computeType', /cannot be created in the emulator/],
    ];
    for (const [body, target, message] of cases) {
      const r = await refusal('PUT', url('bad-cluster'), body);
      expect(r, target).toMatchObject({ status: 400, target });
      expect(r.message, target).toMatch(message);
    }
    expect((await arm(em, 'GET', url('bad-cluster'))).status).toBe(404);

    // An existing cluster keeps its VM size and its type.
    expect(await refusal('PUT', url('batch-cluster'), cliBody({ vmSize: 'STANDARD_NC6' }))).toMatchObject({
      status: 400,
      target: 'properties.properties.vmSize',
    });
    const attach = {
      properties: {
        computeType: 'Kubernetes',
        resourceId: `/subscriptions/${em.defaults.subscriptionId}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks`,
        properties: {},
      },
    };
    expect(await refusal('PUT', url('batch-cluster'), attach)).toMatchObject({ status: 409, target: 'properties.computeType' });

    // PATCH: scale settings only, on a cluster that exists.
    const patchVm = await refusal('PATCH', url('batch-cluster'), { properties: { properties: { vmSize: 'STANDARD_NC6' } } });
    expect(patchVm).toMatchObject({ status: 400, target: 'properties.properties.vmSize' });
    const patchMin = await refusal('PATCH', url('batch-cluster'), { properties: { properties: { scaleSettings: { maxNodeCount: 1, minNodeCount: 2 } } } });
    expect(patchMin).toMatchObject({ status: 400, target: 'properties.properties.scaleSettings.minNodeCount' });
    expect((await refusal('PATCH', url('no-such-cluster'), { properties: { properties: { scaleSettings: { maxNodeCount: 1 } } } })).status).toBe(404);
    expect(((await props('batch-cluster')).properties as Json).scaleSettings).toMatchObject({ maxNodeCount: 5, minNodeCount: 0 });
  });

  test('delete: refused while a job runs on the cluster, then 202 + operation, and the cluster is gone', async () => {
    const r = await arm<Json>(em, 'PUT', `${wsPath(em)}/jobs/long-on-compute123`, commandJob('sleep 30', 'azureml:compute123'));
    expect(r.status).toBe(201);
    const busy = await refusal('DELETE', url('compute123') + '?underlyingResourceAction=Delete', undefined);
    expect(busy.status).toBe(409);
    expect(busy.message).toMatch(/job\(s\) 'long-on-compute123' run on it/);
    expect((await arm(em, 'POST', `${wsPath(em)}/jobs/long-on-compute123/cancel`)).status).toBeLessThan(300);
    expect(await jobStatus('long-on-compute123', (s) => s === 'Canceled')).toBe('Canceled');

    const del = await arm(em, 'DELETE', url('compute123'), undefined, { query: { underlyingResourceAction: 'Delete' } });
    expect(del.status).toBe(202);
    expect((await waitOperation(em, del)).status).toBe('Succeeded');
    expect((await arm(em, 'GET', url('compute123'))).status).toBe(404);
    // A job can no longer name it.
    const orphan = await refusal('PUT', `${wsPath(em)}/jobs/after-delete`, commandJob('echo x', 'azureml:compute123'));
    expect(orphan).toMatchObject({ status: 400, target: 'properties.computeId' });
  });
});
