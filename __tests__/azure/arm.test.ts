import { afterEach, describe, expect, it } from 'vitest';
import { armPath, type ArmOperationState } from '../../src/azure/arm.js';
import { ArmOperationError, translateAzureError } from '../../src/azure/errors.js';
import { json } from './loopback.js';
import { WORKSPACE_ID, startFakeEmulator, type FakeEmulator } from './fake-emulator.js';

let emulator: FakeEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** Method + path (+ api-version) of the ARM requests the server saw. */
function trace(e: FakeEmulator): string[] {
  return e.armRequests().map((r) => `${r.method} ${r.path.replace(WORKSPACE_ID, '~')}`);
}

describe('requests', () => {
  it('resolves relative, absolute and full-URL paths and adds api-version 2024-10-01 once', async () => {
    emulator = await startFakeEmulator((req, res) => json(res, 200, { path: req.path, api: req.query.getAll('api-version') }));
    const ctx = await emulator.context();
    expect(await ctx.arm.get(armPath`onlineEndpoints/${'my ep'}`)).toEqual({
      path: `${WORKSPACE_ID}/onlineEndpoints/my%20ep`,
      api: ['2024-10-01'],
    });
    expect(await ctx.arm.get('/subscriptions/s/providers/Microsoft.MachineLearningServices/registries', { apiVersion: '2024-04-01' })).toEqual({
      path: '/subscriptions/s/providers/Microsoft.MachineLearningServices/registries',
      api: ['2024-04-01'],
    });
    expect(await ctx.arm.get(`${emulator.url}${WORKSPACE_ID}/jobs?api-version=2023-01-01`)).toMatchObject({ api: ['2023-01-01'] });
    expect(ctx.workspaceId).toBe(WORKSPACE_ID);
  });

  it('sends JSON bodies and reads JSON responses; a failure is a RestError with the ARM code', async () => {
    emulator = await startFakeEmulator((req, res) => {
      if (req.method === 'PUT') return json(res, 201, { echoed: JSON.parse(req.body), contentType: req.headers['content-type'] });
      if (req.path.endsWith('/missing')) {
        return json(res, 404, { error: { code: 'ResourceNotFound', message: 'Not here.' } }, { 'x-ms-request-id': 'r1' });
      }
      if (req.method === 'DELETE') return json(res, 404, { error: { code: 'ResourceNotFound', message: 'Already gone.' } });
      json(res, 200, {});
    });
    const ctx = await emulator.context();
    expect(await ctx.arm.put('environments/e/versions/1', { properties: { image: 'python:3.11' } })).toEqual({
      echoed: { properties: { image: 'python:3.11' } },
      contentType: 'application/json',
    });
    expect(await ctx.arm.tryGet('jobs/missing')).toBeUndefined();
    await expect(ctx.arm.delete('jobs/missing-too')).resolves.toBeUndefined();
    const error = await ctx.arm.get('jobs/missing').catch((e) => e);
    expect(error).toMatchObject({ name: 'RestError', statusCode: 404, code: 'ResourceNotFound' });
    expect(translateAzureError(error, "reading job 'missing'").message).toBe(
      "Reading job 'missing' failed: HTTP 404 ResourceNotFound: Not here (request id: r1).",
    );
  });
});

describe('list', () => {
  it('follows nextLink across pages; byPage exposes continuation tokens and resumes from one', async () => {
    emulator = await startFakeEmulator((req, res, self) => {
      const token = req.query.get('$skipToken');
      const base = `${self.url}${WORKSPACE_ID}/datastores`;
      if (!token) return json(res, 200, { value: [{ name: 'a' }, { name: 'b' }], nextLink: `${base}?api-version=2024-10-01&$skipToken=p2` });
      if (token === 'p2') return json(res, 200, { value: [{ name: 'c' }], nextLink: `${base}?api-version=2024-10-01&$skipToken=p3` });
      json(res, 200, { value: [{ name: 'd' }] });
    });
    const ctx = await emulator.context();
    const names: string[] = [];
    for await (const ds of ctx.arm.list<{ name: string }>('datastores', { query: { isDefault: true } })) names.push(ds.name);
    expect(names).toEqual(['a', 'b', 'c', 'd']);
    const first = emulator.armRequests()[0];
    expect(first.query.get('isDefault')).toBe('true');
    expect(emulator.armRequests()[1].query.get('isDefault')).toBeNull(); // nextLink is used as given

    const pages: Array<{ n: string[]; token?: string }> = [];
    for await (const page of ctx.arm.list<{ name: string }>('datastores').byPage()) {
      pages.push({ n: page.map((d) => d.name), token: page.continuationToken });
    }
    expect(pages.map((p) => p.n)).toEqual([['a', 'b'], ['c'], ['d']]);
    expect(pages[2].token).toBeUndefined();

    const resumed: string[] = [];
    for await (const page of ctx.arm.list<{ name: string }>('datastores').byPage({ continuationToken: pages[0].token })) {
      resumed.push(...page.map((d) => d.name));
    }
    expect(resumed).toEqual(['c', 'd']);
  });

  it('an empty list is empty', async () => {
    emulator = await startFakeEmulator((req, res) => json(res, 200, { value: [] }));
    const ctx = await emulator.context();
    const items: unknown[] = [];
    for await (const x of ctx.arm.list('jobs')) items.push(x);
    expect(items).toEqual([]);
  });
});

describe('long-running operations', () => {
  const endpointPath = `${WORKSPACE_ID}/onlineEndpoints/ep`;

  it('PUT with Azure-AsyncOperation: Retry-After wins over the interval; the result is the final GET', async () => {
    let polls = 0;
    emulator = await startFakeEmulator((req, res, self) => {
      const op = `${self.url}/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/westus/mfeOperationsStatus/op1?api-version=2024-10-01`;
      if (req.method === 'PUT') {
        return json(res, 201, { name: 'ep', properties: { provisioningState: 'Creating' } }, { 'azure-asyncoperation': op, 'retry-after': '3' });
      }
      if (req.path.includes('mfeOperationsStatus')) {
        polls += 1;
        if (polls === 1) return json(res, 200, { status: 'InProgress' }, { 'retry-after': '1' });
        if (polls === 2) return json(res, 200, { status: 'InProgress' });
        return json(res, 200, { status: 'Succeeded' });
      }
      json(res, 200, { name: 'ep', properties: { provisioningState: 'Succeeded', traffic: { blue: 100 } } });
    });
    const { waits, sleep } = recordingSleep();
    const ctx = await emulator.context({ sleep, pollIntervalInMs: 50 });
    const poller = await ctx.arm.beginPut<{ properties: { traffic: Record<string, number> } }>('onlineEndpoints/ep', {
      location: 'westus',
      properties: { authMode: 'Key' },
    });
    expect(poller.isDone()).toBe(false);
    const progress: string[] = [];
    poller.onProgress((s) => progress.push(`${s.status}/${s.serviceStatus}`));
    const result = await poller.pollUntilDone();
    expect(result.properties.traffic).toEqual({ blue: 100 });
    expect(waits).toEqual([3000, 1000, 50]);
    expect(progress).toEqual(['running/InProgress', 'running/InProgress', 'succeeded/Succeeded']);
    expect(trace(emulator)).toEqual([
      'PUT ~/onlineEndpoints/ep',
      'GET /subscriptions/s/providers/Microsoft.MachineLearningServices/locations/westus/mfeOperationsStatus/op1',
      'GET /subscriptions/s/providers/Microsoft.MachineLearningServices/locations/westus/mfeOperationsStatus/op1',
      'GET /subscriptions/s/providers/Microsoft.MachineLearningServices/locations/westus/mfeOperationsStatus/op1',
      'GET ~/onlineEndpoints/ep',
    ]);
  });

  it('POST with 202 + Location: polls the Location until it answers with the result', async () => {
    let polls = 0;
    emulator = await startFakeEmulator((req, res, self) => {
      if (req.method === 'POST') return json(res, 202, undefined, { location: `${self.url}/operationResults/r1?api-version=2024-10-01` });
      polls += 1;
      if (polls < 3) return json(res, 202, undefined, { 'retry-after': '0' });
      json(res, 200, { primaryKey: 'k1' });
    });
    const { waits, sleep } = recordingSleep();
    const ctx = await emulator.context({ sleep, pollIntervalInMs: 10 });
    const poller = await ctx.arm.beginPost<{ primaryKey: string }>('onlineEndpoints/ep/regenerateKeys', { keyType: 'Primary' });
    expect(await poller.pollUntilDone()).toEqual({ primaryKey: 'k1' });
    expect(waits).toEqual([10, 0, 0]);
  });

  it('PUT without headers: watches provisioningState of the resource', async () => {
    let gets = 0;
    emulator = await startFakeEmulator((req, res) => {
      if (req.method === 'PUT') return json(res, 200, { properties: { provisioningState: 'Creating' } });
      gets += 1;
      json(res, 200, { properties: { provisioningState: gets < 2 ? 'Updating' : 'Succeeded', n: gets } });
    });
    const { sleep } = recordingSleep();
    const ctx = await emulator.context({ sleep });
    const poller = await ctx.arm.beginPut('onlineEndpoints/ep/deployments/green', {});
    expect(await poller.pollUntilDone()).toEqual({ properties: { provisioningState: 'Succeeded', n: 2 } });
  });

  it('a PUT that completes at once needs no polling', async () => {
    emulator = await startFakeEmulator((req, res) => json(res, 200, { properties: { provisioningState: 'Succeeded' } }));
    const ctx = await emulator.context();
    const poller = await ctx.arm.beginPut('computes/c', {});
    expect(poller.isDone()).toBe(true);
    expect(await poller.pollUntilDone()).toEqual({ properties: { provisioningState: 'Succeeded' } });
    expect(emulator.armRequests()).toHaveLength(1);
  });

  it('DELETE with 202 + Location: done when the Location answers 204 (or 404)', async () => {
    let polls = 0;
    emulator = await startFakeEmulator((req, res, self) => {
      if (req.method === 'DELETE') return json(res, 202, undefined, { location: `${self.url}/deleteStatus/d1` });
      polls += 1;
      if (polls === 1) return json(res, 202, undefined);
      res.writeHead(204).end();
    });
    const { sleep } = recordingSleep();
    const ctx = await emulator.context({ sleep });
    const poller = await ctx.arm.beginDelete('onlineEndpoints/ep/deployments/blue');
    await expect(poller.pollUntilDone()).resolves.toBeUndefined();
    expect(poller.getOperationState().status).toBe('succeeded');
  });

  it('an operation that fails ends in ArmOperationError with the service error', async () => {
    emulator = await startFakeEmulator((req, res, self) => {
      if (req.method === 'PUT') return json(res, 201, {}, { 'azure-asyncoperation': `${self.url}/ops/o2` });
      json(res, 200, { status: 'Failed', error: { code: 'ResourceNotReady', message: 'User container has crashed or terminated.' } });
    });
    const { sleep } = recordingSleep();
    const ctx = await emulator.context({ sleep });
    const poller = await ctx.arm.beginPut('onlineEndpoints/ep/deployments/green', {});
    const error = await poller.pollUntilDone().catch((e) => e);
    expect(error).toBeInstanceOf(ArmOperationError);
    expect(error).toMatchObject({ status: 'failed', code: 'ResourceNotReady' });
    expect(translateAzureError(error, "creating deployment 'green'").message).toBe(
      "Creating deployment 'green' failed: the operation ended Failed: ResourceNotReady: User container has crashed or terminated.",
    );
  });

  it('serialises its state and resumes elsewhere (e.g. in the post step)', async () => {
    let polls = 0;
    emulator = await startFakeEmulator((req, res, self) => {
      if (req.method === 'PUT') return json(res, 201, {}, { 'azure-asyncoperation': `${self.url}/ops/o3` });
      if (req.path === '/ops/o3') return json(res, 200, { status: ++polls < 3 ? 'InProgress' : 'Succeeded' });
      json(res, 200, { name: 'ep', properties: { provisioningState: 'Succeeded' } });
    });
    const { sleep } = recordingSleep();
    const main = await emulator.context({ sleep });
    const poller = await main.arm.beginPut('onlineEndpoints/ep', {});
    await poller.poll();
    const saved = poller.toString();
    poller.stopPolling();
    expect(poller.isStopped()).toBe(true);

    const post = await emulator.context({ sleep });
    const resumed = post.arm.resumePoller<{ name: string }>(saved);
    expect((JSON.parse(saved) as ArmOperationState<unknown>).polls).toBe(1);
    expect((await resumed.pollUntilDone()).name).toBe('ep');
    expect(() => post.arm.resumePoller('{}')).toThrow(TypeError);
  });

  it('an abort stops polling without cancelling the operation', async () => {
    emulator = await startFakeEmulator((req, res, self) => {
      if (req.method === 'PUT') return json(res, 201, {}, { 'azure-asyncoperation': `${self.url}/ops/o4` });
      json(res, 200, { status: 'InProgress' });
    });
    const controller = new AbortController();
    let waitsSeen = 0;
    const ctx = await emulator.context({
      sleep: async (_ms, signal) => {
        waitsSeen += 1;
        if (waitsSeen === 3) controller.abort();
        if (signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      },
    });
    const poller = await ctx.arm.beginPut('onlineEndpoints/ep', {});
    await expect(poller.pollUntilDone({ abortSignal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(poller.isDone()).toBe(false);
    expect(emulator.armRequests().filter((r) => r.method !== 'GET' && r.method !== 'PUT')).toEqual([]);
  });
});
