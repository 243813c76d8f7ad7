import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createArmClient } from '../../src/azure/arm.js';
import { AzureRequestError, withAzureOperation } from '../../src/azure/errors.js';
import { getRetryInfo, retryAfterInMs, useRetryPolicy, type RetryEvent } from '../../src/azure/retry.js';
import { createEmptyPipeline, createDefaultHttpClient, createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { json } from './loopback.js';
import { WORKSPACE_ID, startFakeEmulator, type FakeEmulator } from './fake-emulator.js';
import { sdkClient } from './sdk-client.js';

const commandJob = JSON.parse(readFileSync(new URL('../../../shared/fixtures/azure-rest-api-specs/examples/Job/CommandJob/get.json', import.meta.url), 'utf8'))
  .responses['200'].body;

let emulator: FakeEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** Records every wait instead of sleeping. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('retries on the shared pipeline', () => {
  it('429 with retry-after-ms is retried after the wait the service asked for (real clock)', async () => {
    let calls = 0;
    emulator = await startFakeEmulator((req, res) => {
      calls += 1;
      if (calls === 1) return json(res, 429, { error: { code: 'TooManyRequests', message: 'slow down' } }, { 'retry-after-ms': '300' });
      json(res, 200, { id: `${WORKSPACE_ID}/jobs/x`, name: 'x' });
    });
    const ctx = await emulator.context({ retry: { retryDelayInMs: 10, maxRetryDelayInMs: 5000 } });
    const job = await ctx.arm.get<{ name: string }>('jobs/x');
    expect(job.name).toBe('x');
    const [first, second] = emulator.armRequests();
    expect(second.at - first.at).toBeGreaterThanOrEqual(280);
  });

  it('Retry-After in seconds and as a date are honoured; without one the back-off is exponential with jitter; all capped', async () => {
    const statuses = [
      [429, { 'retry-after': '2' }],
      [503, { 'retry-after': new Date(Date.now() + 30_000).toUTCString() }],
      [429, { 'retry-after': '3600' }],
      [429, {}],
      [502, {}],
    ] as const;
    let calls = 0;
    emulator = await startFakeEmulator((req, res) => {
      const s = statuses[calls++];
      if (s) return json(res, s[0], { error: { code: 'Busy', message: 'busy' } }, s[1]);
      json(res, 200, { ok: true });
    });
    const { waits, sleep } = recordingSleep();
    const events: RetryEvent[] = [];
    const ctx = await emulator.context({
      retry: { sleep, retryDelayInMs: 1000, maxRetryDelayInMs: 60_000, random: () => 0.5, onRetry: (e) => events.push(e) },
    });
    expect(await ctx.arm.get('jobs/x')).toEqual({ ok: true });
    expect(waits[0]).toBe(2000);
    expect(waits[1]).toBeGreaterThan(25_000);
    expect(waits[1]).toBeLessThanOrEqual(30_000);
    expect(waits[2]).toBe(60_000); // an hour asked, capped
    expect(waits[3]).toBe(6000); // 1000 * 2^3 = 8000 → jitter 0.5 → 4000 + 2000
    expect(waits[4]).toBe(12_000); // 16000 → 8000 + 4000
    expect(events.map((e) => e.reason)).toEqual(['HTTP 429', 'HTTP 503', 'HTTP 429', 'HTTP 429', 'HTTP 502']);
    expect(events[0].url).toBe(`${emulator.url}${WORKSPACE_ID}/jobs/x`);
  });

  it('SDK operations use the same policy: 503 then success, token and user agent on every try', async () => {
    let calls = 0;
    emulator = await startFakeEmulator((req, res) => {
      calls += 1;
      if (calls === 1) return json(res, 503, { error: { code: 'ServiceUnavailable', message: 'later' } }, { 'retry-after': '1' });
      json(res, 200, { ...commandJob, id: `${WORKSPACE_ID}/jobs/x`, name: 'x' });
    });
    const { waits, sleep } = recordingSleep();
    const ctx = await emulator.context({ retry: { sleep } });
    const job = await sdkClient(ctx).jobs.get(ctx.workspace.resourceGroup, ctx.workspace.workspaceName, 'x');
    expect(job.name).toBe('x');
    expect(job.properties.jobType).toBe('Command');
    expect(waits).toEqual([1000]);
    const requests = emulator.armRequests();
    expect(requests).toHaveLength(2);
    for (const r of requests) {
      expect(r.query.get('api-version')).toBe('2022-10-01');
      expect(r.headers.authorization).toBe('Bearer emulator-token-1');
      expect(r.headers['user-agent']).toMatch(/^azureml-actions\/0\.1\.0 \(test-action\) azsdk-js-arm-machinelearning\/2\.1\.1/);
    }
  });

  it('a reset connection is retried (ArmClient and SDK)', async () => {
    let calls = 0;
    emulator = await startFakeEmulator((req, res) => {
      calls += 1;
      if (calls % 2 === 1) {
        // first try of each call: drop the connection without answering
        res.socket?.destroy();
        return;
      }
      json(res, 200, { ...commandJob, name: 'x' });
    });
    const { sleep } = recordingSleep();
    const events: RetryEvent[] = [];
    const ctx = await emulator.context({ retry: { sleep, onRetry: (e) => events.push(e) } });
    expect(((await ctx.arm.get('jobs/x')) as { name: string }).name).toBe('x');
    expect((await sdkClient(ctx).jobs.get('test-rg', 'my-aml-workspace', 'x')).name).toBe('x');
    expect(events.map((e) => e.reason)).toEqual(['ECONNRESET', 'ECONNRESET']);
  });

  it('a stalled try is abandoned after tryTimeoutInMs and retried', async () => {
    let calls = 0;
    emulator = await startFakeEmulator((req, res) => {
      calls += 1;
      if (calls === 1) return; // never answer
      json(res, 200, { name: 'x' });
    });
    const events: RetryEvent[] = [];
    const ctx = await emulator.context({ retry: { tryTimeoutInMs: 200, retryDelayInMs: 10, onRetry: (e) => events.push(e) } });
    const started = Date.now();
    expect(await ctx.arm.get('jobs/x')).toEqual({ name: 'x' });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(events[0].reason).toBe('no response within 200 ms');
  });

  it('a persistent 500 ends in one clear error naming the operation and the retries', async () => {
    emulator = await startFakeEmulator((req, res) =>
      json(res, 500, { error: { code: 'InternalServerError', message: 'Something went wrong.' } }, { 'x-ms-request-id': 'rid-9' }),
    );
    const { sleep } = recordingSleep();
    const ctx = await emulator.context({ retry: { sleep, maxRetries: 3 } });
    const error = (await withAzureOperation("reading job 'x'", () => ctx.arm.get('jobs/x')).catch((e: unknown) => e)) as AzureRequestError;
    expect(error).toBeInstanceOf(AzureRequestError);
    expect(error.message).toBe("Reading job 'x' failed after 3 retries: HTTP 500 InternalServerError: Something went wrong (request id: rid-9).");
    expect(error.retries).toBe(3);
    expect(emulator.armRequests()).toHaveLength(4);

    // the SDK's own error goes through the same translation
    const sdkError = (await withAzureOperation("reading job 'x'", async () => sdkClient(ctx).jobs.get('test-rg', 'my-aml-workspace', 'x')).catch(
      (e: unknown) => e,
    )) as AzureRequestError;
    expect(sdkError.message).toBe("Reading job 'x' failed after 3 retries: HTTP 500 InternalServerError: Something went wrong (request id: rid-9).");
  });

  it('4xx and 501 are not retried', async () => {
    emulator = await startFakeEmulator((req, res) =>
      req.path.endsWith('/a')
        ? json(res, 400, { error: { code: 'UserError', message: 'bad' } })
        : json(res, 501, { error: { code: 'NotImplemented', message: 'no' } }),
    );
    const ctx = await emulator.context({ retry: { retryDelayInMs: 1 } });
    await expect(ctx.arm.get('jobs/a')).rejects.toMatchObject({ statusCode: 400, code: 'UserError' });
    await expect(ctx.arm.get('jobs/b')).rejects.toMatchObject({ statusCode: 501 });
    expect(emulator.armRequests()).toHaveLength(2);
  });
});

describe('connection refused', () => {
  function listen(server: Server, port = 0): Promise<number> {
    return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  }

  function client(port: number, sleep: (ms: number) => Promise<void>) {
    const pipeline = createEmptyPipeline();
    const events: RetryEvent[] = [];
    useRetryPolicy(pipeline, { sleep, onRetry: (e) => events.push(e), maxRetries: 3 });
    const httpClient = createDefaultHttpClient();
    const arm = createArmClient({
      endpoint: `http://127.0.0.1:${port}`,
      workspaceId: WORKSPACE_ID,
      allowInsecureConnection: true,
      sendRequest: (request) => pipeline.sendRequest(httpClient, request),
    });
    return { arm, events };
  }

  it('fails fast when the endpoint never answered (wrong endpoint, not a blip)', async () => {
    const probe = createServer();
    const port = await listen(probe);
    await new Promise((r) => probe.close(r));
    const { arm, events } = client(port, async () => {});
    const error = (await withAzureOperation('reading workspace', () => arm.get('')).catch((e: unknown) => e)) as AzureRequestError;
    expect(events).toEqual([]);
    expect(error.message).toMatch(new RegExp(`^Reading workspace failed: could not reach http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED`));
  });

  it('is retried once the same endpoint has answered before (a restart)', async () => {
    const handler = (_req: unknown, res: import('node:http').ServerResponse) => json(res, 200, { up: true });
    let server = createServer(handler);
    const port = await listen(server);
    const { arm, events } = client(port, async () => {
      // the service comes back while we wait
      server = createServer(handler);
      await listen(server, port);
    });
    // no pooled keep-alive socket, so the next call really opens a new connection
    expect(await arm.get('jobs/a', { headers: { connection: 'close' } })).toEqual({ up: true });
    await new Promise((r) => server.close(r));
    expect(await arm.get('jobs/b')).toEqual({ up: true });
    expect(events.map((e) => e.reason)).toEqual(['ECONNREFUSED']);
    await new Promise((r) => server.close(r));
  });
});

describe('helpers', () => {
  it('retryAfterInMs reads the three headers', () => {
    const response = (headers: Record<string, string>) => ({
      status: 429,
      headers: createHttpHeaders(headers),
      request: createPipelineRequest({ url: 'http://x' }),
    });
    expect(retryAfterInMs(response({ 'retry-after-ms': '150' }))).toBe(150);
    expect(retryAfterInMs(response({ 'x-ms-retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterInMs(response({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterInMs(response({ 'retry-after': 'Thu, 01 Jan 1970 00:00:10 GMT' }), () => 4000)).toBe(6000);
    expect(retryAfterInMs(response({}))).toBeUndefined();
  });

  it('getRetryInfo is empty for requests that were not retried', () => {
    expect(getRetryInfo(createPipelineRequest({ url: 'http://x' }))).toBeUndefined();
    expect(getRetryInfo(undefined)).toBeUndefined();
  });
});
