/** Pure parts of the emulator core: router, fault rules, paging tokens, versions, tokens, api-versions. */
import { describe, expect, test } from 'vitest';
import { checkApiVersion } from '../../src/emulator/arm/api-version.js';
import { compareVersions } from '../../src/emulator/arm/assets.js';
import { ArmError, armTime } from '../../src/emulator/arm/errors.js';
import { LroManager } from '../../src/emulator/arm/lro.js';
import { decodeSkipToken, encodeSkipToken, matchesKeyValueFilter } from '../../src/emulator/arm/paging.js';
import { resourceFromScope, TokenService } from '../../src/emulator/auth/tokens.js';
import { createFaultInjector, validateFaultRule } from '../../src/emulator/faults.js';
import { Router } from '../../src/emulator/http/router.js';
import type { Route } from '../../src/emulator/types.js';

const route = (method: Route['method'], pattern: string, operation: string): Route => ({ method, pattern, operation, handler: () => ({ status: 200 }) });

describe('Router', () => {
  const r = new Router([
    route('GET', '/ws/{ws}/{kind}/{name}', 'Generic_Get'),
    route('GET', '/ws/{ws}/jobs/{id}', 'Jobs_Get'),
    route('PUT', '/ws/{ws}/jobs/{id}', 'Jobs_Put'),
    route('POST', '/ws/{ws}/jobs/{id}/cancel', 'Jobs_Cancel'),
    route('GET', '/files/{*rest}', 'Files_Get'),
  ]);
  test('literal segments win, case-insensitively; params are decoded', () => {
    const m = r.dispatch('GET', '/WS/a%20b/JOBS/x%2Fy');
    expect(m).toMatchObject({ kind: 'match', match: { route: { operation: 'Jobs_Get' }, params: { ws: 'a b', id: 'x/y' } } });
    expect(r.dispatch('GET', '/ws/w/models/m')).toMatchObject({ kind: 'match', match: { route: { operation: 'Generic_Get' } } });
    expect(r.dispatch('get', '/ws/w/jobs/j/')).toMatchObject({ kind: 'match' });
    expect(r.dispatch('HEAD', '/ws/w/jobs/j')).toMatchObject({ kind: 'match', match: { route: { operation: 'Jobs_Get' } } });
  });
  test('rest captures the remainder; unknown → not-found; wrong method → allowed list', () => {
    expect(r.dispatch('GET', '/files/a/b/c.txt')).toMatchObject({ match: { params: { rest: 'a/b/c.txt' } } });
    expect(r.dispatch('GET', '/nothing')).toEqual({ kind: 'not-found' });
    expect(r.dispatch('DELETE', '/ws/w/jobs/j/cancel')).toEqual({ kind: 'method-not-allowed', allowed: ['POST'] });
    expect(r.dispatch('GET', '/ws/%E0%A4%A/jobs/j')).toEqual({ kind: 'not-found' });
  });
  test('bad patterns are refused', () => {
    expect(() => new Router([route('GET', '/a/{*rest}/b', 'X')])).toThrow(/must be the last segment/);
    expect(() => new Router([route('GET', '/a/x{y}', 'X')])).toThrow(/bad segment/);
  });
});

describe('fault rules', () => {
  test('validation names the field and what is valid', () => {
    expect(() => validateFaultRule({ kind: 'delay' })).toThrow(/kind 'delay' needs 'ms'/);
    expect(() => validateFaultRule({ kind: 'reset', status: 500 })).toThrow(/'status' only applies to kind 'status'/);
    expect(() => validateFaultRule({ kind: 'status', status: 700 })).toThrow(/'status' must be an integer from 100 to 599/);
    expect(() => validateFaultRule({ kind: 'status', status: 500, count: 0 })).toThrow(/'count' must be an integer from 1/);
    expect(() => validateFaultRule({ kind: 'status', status: 500, position: 'later' })).toThrow(/'position' must be one of beforeHandler, afterHandler/);
    expect(() => validateFaultRule('x')).toThrow(/expected an object/);
  });
  test('count, after, position and first-match order', () => {
    const f = createFaultInjector([
      { id: 'a', operation: 'Jobs_Get', kind: 'status', status: 500, after: 1, count: 2 },
      { id: 'b', operation: 'jobs_get', kind: 'reset' },
      { id: 'c', operation: 'Jobs_Get', kind: 'delay', ms: 5, position: 'afterHandler' },
    ]);
    const t = { operation: 'Jobs_Get', method: 'GET', path: '/x' };
    const fired = [1, 2, 3, 4, 5].map(() => f.take(t, 'beforeHandler')?.id);
    // a lets the first through (b fires then), then fires twice, then b again (persistent).
    expect(fired).toEqual(['b', 'a', 'a', 'b', 'b']);
    expect(f.take(t, 'afterHandler')?.id).toBe('c');
    expect(f.list().map((r) => [r.id, r.hits])).toEqual([
      ['a', 2],
      ['b', 3],
      ['c', 1],
    ]);
    expect(f.take({ ...t, operation: 'Jobs_List' }, 'beforeHandler')).toBeUndefined();
    expect(() => f.add({ id: 'a', kind: 'reset' })).toThrow(/already exists/);
    expect(f.remove('a')).toBe(true);
    f.clear();
    expect(f.list()).toEqual([]);
  });
});

test('paging tokens and key=value filters', () => {
  expect(decodeSkipToken(encodeSkipToken(42))).toBe(42);
  expect(decodeSkipToken(null)).toBe(0);
  expect(() => decodeSkipToken('bogus')).toThrow(ArmError);
  expect(matchesKeyValueFilter('a,b=2', { a: 'x', b: '2' })).toBe(true);
  expect(matchesKeyValueFilter('b=3', { b: '2' })).toBe(false);
  expect(matchesKeyValueFilter('c', { a: 1 })).toBe(false);
  expect(matchesKeyValueFilter(null, undefined)).toBe(true);
});

test('version ordering is numeric-aware', () => {
  expect(['10', '2', 'beta', '1', 'alpha'].sort(compareVersions)).toEqual(['1', '2', '10', 'alpha', 'beta']);
});

describe('tokens', () => {
  const tokens = new TokenService({ tenantId: 't-1', secret: Buffer.alloc(32, 7), armAudiences: ['https://management.azure.com'], lifetimeSeconds: 60 });
  const now = new Date('2026-01-02T03:04:05Z');
  test('issue → verify gives the principal; audience with a trailing slash is the same', () => {
    const t = tokens.issue({ audience: 'https://management.azure.com/', clientId: 'app', now });
    const check = tokens.verify(t.token, now);
    expect(check).toMatchObject({ ok: true, principal: { appId: 'app', type: 'Application', name: 'app', tenantId: 't-1' } });
    const user = tokens.issue({ audience: 'https://management.azure.com', user: 'ada@example.com', now });
    expect(tokens.verify(user.token, now)).toMatchObject({ ok: true, principal: { type: 'User', name: 'ada@example.com' } });
  });
  test('expiry, audience and issuer are checked', () => {
    const t = tokens.issue({ audience: 'https://management.azure.com', now });
    const later = new Date(now.getTime() + 61_000);
    const expired = tokens.verify(t.token, later);
    expect(expired.ok).toBe(false);
    if (!expired.ok)
      expect(expired.error.message).toBe("The access token expiry UTC time '1/2/2026 3:05:05 AM' is earlier than current UTC time '1/2/2026 3:05:06 AM'.");
    const vault = tokens.issue({ audience: 'https://vault.azure.net', now });
    expect(tokens.verify(vault.token, now).ok).toBe(false);
    expect(tokens.verify(vault.token, now, 'any').ok).toBe(true);
    const other = new TokenService({ ...tokens.options, tenantId: 't-2' }).issue({ audience: 'https://management.azure.com', now });
    const wrongTenant = tokens.verify(other.token, now);
    expect(!wrongTenant.ok && wrongTenant.error.code).toBe('InvalidAuthenticationTokenTenant');
  });
  test('scopes map to resources', () => {
    expect(resourceFromScope('https://management.azure.com/.default')).toBe('https://management.azure.com');
    expect(resourceFromScope('https://ml.azure.com/.default offline_access')).toBe('https://ml.azure.com');
    expect(resourceFromScope('https://management.azure.com/user_impersonation')).toBeUndefined();
    expect(resourceFromScope('a/.default b/.default')).toBeUndefined();
  });
  test('ARM time format', () => {
    expect(armTime(new Date('2020-02-11T22:24:50Z'))).toBe('2/11/2020 10:24:50 PM');
    expect(armTime(new Date('2020-02-11T00:05:00Z'))).toBe('2/11/2020 12:05:00 AM');
  });
});

test('api-version rules', () => {
  const q = (v?: string) => new URLSearchParams(v ? { 'api-version': v } : {});
  const p = '/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/jobs';
  expect(checkApiVersion(p, q('2022-10-01'))).toBe('2022-10-01');
  expect(checkApiVersion(p, q('2022-06-01-preview'))).toBe('2022-06-01-preview');
  expect(checkApiVersion(p, q('2025-04-01'))).toBe('2025-04-01');
  expect(() => checkApiVersion(p, q())).toThrow(/api-version query parameter/);
  // Versions Azure never had (not in azure-rest-api-specs' readme tags).
  expect(() => checkApiVersion(p, q('2023-01-01'))).toThrow(/No registered resource provider found/);
  expect(() => checkApiVersion(p, q('2025-06-01'))).toThrow(/No registered resource provider found/);
  expect(() => checkApiVersion(p, q('latest'))).toThrow(/is invalid/);
  // Other providers (resource groups) take any well-formed version.
  expect(checkApiVersion('/subscriptions/s/resourcegroups/r', q('2021-04-01'))).toBe('2021-04-01');
});

describe('LroManager', () => {
  const ctx = { requestId: 'r', now: new Date(), baseUrl: 'http://127.0.0.1:1', operation: 'X' };
  const reqFor = (route: Route, id: string) => ({
    method: 'GET',
    params: { subscriptionId: 'sub', location: 'eastus', operationId: id },
    query: new URLSearchParams({ 'api-version': '2024-10-01' }),
    headers: {},
    body: undefined,
    rawBody: Buffer.alloc(0),
    ctx: { ...ctx, operation: route.operation },
  });

  test('InProgress → Succeeded (status route) and 202 → final answer (result route)', async () => {
    const lro = new LroManager({ lroMs: 30, retryAfterSeconds: 2, jobStepMs: 0 });
    const [status, result] = lro.routes();
    const op = lro.begin({
      subscriptionId: 'sub',
      location: 'eastus',
      operation: 'Test',
      resourceId: '/r',
      ctx,
      work: async () => ({ status: 200, body: { done: true } }),
    });
    const headers = lro.acceptedHeaders(op, ctx, { asyncOperation: true, location: true, apiVersion: '2024-10-01' });
    expect(headers['Retry-After']).toBe('2');
    expect(headers['Azure-AsyncOperation']).toBe(
      `http://127.0.0.1:1/subscriptions/sub/providers/Microsoft.MachineLearningServices/locations/eastus/mfeOperationsStatus/${op.id}?api-version=2024-10-01&type=async`,
    );
    expect(await status!.handler(reqFor(status!, op.id))).toMatchObject({
      status: 200,
      body: { status: 'InProgress', name: op.id },
      headers: { 'Retry-After': '2' },
    });
    expect(await result!.handler(reqFor(result!, op.id))).toMatchObject({ status: 202, headers: { 'Retry-After': '2' } });
    await lro.settled();
    expect(await status!.handler(reqFor(status!, op.id))).toMatchObject({ status: 200, body: { status: 'Succeeded', percentComplete: 100 } });
    expect(await result!.handler(reqFor(result!, op.id))).toEqual({ status: 200, body: { done: true } });
  });

  test('a failing work → Failed with its error; the result route answers the error', async () => {
    const lro = new LroManager({ lroMs: 0, retryAfterSeconds: 0, jobStepMs: 0 });
    const [status, result] = lro.routes();
    const op = lro.begin({
      subscriptionId: 'sub',
      location: 'eastus',
      operation: 'Test',
      resourceId: '/r',
      ctx,
      work: async () => {
        throw new ArmError(409, 'Conflict', 'cannot do that now');
      },
    });
    await lro.settled();
    expect(await status!.handler(reqFor(status!, op.id))).toMatchObject({
      body: { status: 'Failed', error: { code: 'Conflict', message: 'cannot do that now' } },
    });
    expect(await result!.handler(reqFor(result!, op.id))).toEqual({ status: 409, body: { error: { code: 'Conflict', message: 'cannot do that now' } } });
    const crash = lro.begin({
      subscriptionId: 'sub',
      location: 'eastus',
      operation: 'Test',
      resourceId: '/r',
      ctx,
      work: async () => Promise.reject(new Error('disk full')),
    });
    await lro.settled();
    expect(lro.get(crash.id)).toMatchObject({ status: 'Failed', error: { code: 'InternalServerError' }, errorStatus: 500 });
  });

  test('close ends pending waits and refuses new operations', async () => {
    const lro = new LroManager({ lroMs: 60_000, retryAfterSeconds: 0, jobStepMs: 0 });
    const op = lro.begin({ subscriptionId: 'sub', location: 'eastus', operation: 'Test', resourceId: '/r', ctx, work: async () => undefined });
    lro.close();
    await lro.settled();
    expect(lro.get(op.id)!.status).toBe('Succeeded');
    expect(() => lro.begin({ subscriptionId: 'sub', location: 'eastus', operation: 'Test', resourceId: '/r', ctx, work: async () => undefined })).toThrow(
      /shutting down/,
    );
  });
});
