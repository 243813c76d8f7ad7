/**
 * Fault injection (status with Retry-After, reset, delay, stall, afterHandler), the request log,
 * the admin routes, authentication (Azure's 401 bodies), the token endpoint and ARM's request
 * checks (api-version, unknown types, missing scope levels).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { arm, clearRequestLog, emulatorCredential, requestLog, sdkClient, startFastEmulator, wsPath } from './support.js';

type Json = Record<string, unknown>;
type ErrorBody = { error: { code: string; message: string; target?: string } };

let em: RunningEmulator;
let rg: string;
let ws: string;

beforeAll(async () => {
  em = await startFastEmulator();
  rg = em.defaults.resourceGroup;
  ws = em.defaults.workspaceName;
});

afterAll(async () => {
  await em?.close();
});

async function addFault(rule: Json): Promise<{ id: string }> {
  const res = await fetch(`${em.baseUrl}/.emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { rules: { id: string }[] }).rules[0]!;
}

async function faultRules(): Promise<(Json & { id: string; hits: number; matched: number })[]> {
  return ((await (await fetch(`${em.baseUrl}/.emulator/faults`)).json()) as { rules: (Json & { id: string; hits: number; matched: number })[] }).rules;
}

function decodeClaims(token: string): Json {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Json;
}

describe('faults', () => {
  test('429 with Retry-After: 1, once → the SDK waits and succeeds; the log shows both calls', async () => {
    const client = sdkClient(em);
    await clearRequestLog(em);
    const rule = await addFault({ operation: 'Workspaces_Get', kind: 'status', status: 429, retryAfter: 1, count: 1 });
    const t0 = Date.now();
    const w = await client.workspaces.get(rg, ws);
    expect(w.name).toBe(ws);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    const calls = (await requestLog(em)).filter((e) => e.operation === 'Workspaces_Get');
    expect(calls.map((e) => [e.status, e.fault ?? null])).toEqual([
      [429, 'status'],
      [200, null],
    ]);
    expect(calls[0]!.errorCode).toBe('TooManyRequests');
    expect(calls[0]!.faultRule).toBe(rule.id);
    const state = (await faultRules()).find((r) => r.id === rule.id)!;
    expect(state).toMatchObject({ hits: 1, matched: 1 });
    await fetch(`${em.baseUrl}/.emulator/faults`, { method: 'DELETE' });
  });

  test('a reset once → the SDK retries and succeeds', async () => {
    const client = sdkClient(em);
    await clearRequestLog(em);
    await addFault({ operation: 'Datastores_Get', kind: 'reset', count: 1 });
    const d = await client.datastores.get(rg, ws, 'workspaceblobstore');
    expect(d.name).toBe('workspaceblobstore');
    const calls = (await requestLog(em)).filter((e) => e.operation === 'Datastores_Get');
    expect(calls.map((e) => [e.status ?? null, e.fault ?? null])).toEqual([
      [null, 'reset'],
      [200, null],
    ]);
    em.faults.clear();
  });

  test('a persistent 500 → the SDK gives up with the ARM error after its retries', async () => {
    const client = sdkClient(em, { maxRetries: 2 });
    await clearRequestLog(em);
    em.faults.add({ operation: 'Compute_Get', kind: 'status', status: 500 });
    await expect(client.computeOperations.get(rg, ws, 'cpu-cluster')).rejects.toMatchObject({ statusCode: 500, code: 'InternalServerError' });
    const calls = (await requestLog(em)).filter((e) => e.operation === 'Compute_Get');
    expect(calls).toHaveLength(3);
    expect(calls.every((e) => e.status === 500 && e.fault === 'status')).toBe(true);
    expect(em.faults.list()[0]!.hits).toBe(3);
    em.faults.clear();
  });

  test('after: N lets N matching requests through; pathContains and method select', async () => {
    em.faults.add({
      method: 'get',
      pathContains: '/computes/gpu-cluster',
      kind: 'status',
      status: 503,
      code: 'ServiceBusy',
      message: 'busy',
      after: 1,
      count: 1,
    });
    expect((await arm(em, 'GET', `${wsPath(em)}/computes/cpu-cluster`)).status).toBe(200);
    expect((await arm(em, 'GET', `${wsPath(em)}/computes/gpu-cluster`)).status).toBe(200);
    const third = await arm<ErrorBody>(em, 'GET', `${wsPath(em)}/computes/gpu-cluster`);
    expect(third.status).toBe(503);
    expect(third.body.error).toEqual({ code: 'ServiceBusy', message: 'busy' });
    expect((await arm(em, 'GET', `${wsPath(em)}/computes/gpu-cluster`)).status).toBe(200);
    em.faults.clear();
  });

  test('delay and stall', async () => {
    em.faults.add({ operation: 'Compute_List', kind: 'delay', ms: 300, count: 1 });
    let t0 = Date.now();
    expect((await arm(em, 'GET', `${wsPath(em)}/computes`)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    em.faults.add({ operation: 'Compute_List', kind: 'stall', ms: 300, count: 1 });
    t0 = Date.now();
    await expect(arm(em, 'GET', `${wsPath(em)}/computes`)).rejects.toThrow();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    em.faults.clear();
  });

  test('afterHandler: the job is created but the answer is lost; the SDK retry gets the same job (200)', async () => {
    const client = sdkClient(em);
    await clearRequestLog(em);
    em.faults.add({ operation: 'Jobs_CreateOrUpdate', kind: 'status', status: 500, count: 1, position: 'afterHandler' });
    const job = await client.jobs.createOrUpdate(rg, ws, 'lost-answer', {
      properties: { jobType: 'Command', command: 'echo hi', environmentId: 'azureml:AzureML-sklearn-1.5:1' },
    } as never);
    expect(job.name).toBe('lost-answer');
    const puts = (await requestLog(em)).filter((e) => e.operation === 'Jobs_CreateOrUpdate');
    expect(puts.map((e) => e.status)).toEqual([500, 200]);
    em.faults.clear();
  });

  test('admin route: invalid rules are refused with a clear message; DELETE by id', async () => {
    const bad = await fetch(`${em.baseUrl}/.emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'status' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.message).toMatch(/kind 'status' needs 'status'/);
    const unknown = await fetch(`${em.baseUrl}/.emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ kind: 'reset', colour: 'red' }]),
    });
    expect(((await unknown.json()) as ErrorBody).error.message).toMatch(/unknown field 'colour'/);
    const rule = await addFault({ id: 'my-rule', kind: 'delay', ms: 1, operation: 'Nope_Get' });
    expect(rule.id).toBe('my-rule');
    expect((await fetch(`${em.baseUrl}/.emulator/faults/my-rule`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${em.baseUrl}/.emulator/faults/my-rule`, { method: 'DELETE' })).status).toBe(404);
    expect(await faultRules()).toEqual([]);
  });

  test('the request log records method, path, operation, status; admin calls are not logged', async () => {
    await clearRequestLog(em);
    await arm(em, 'GET', `${wsPath(em)}/jobs`, undefined, { query: { jobType: 'Command' } });
    await fetch(`${em.baseUrl}/.emulator/info`);
    const log = await requestLog(em);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ method: 'GET', path: `${wsPath(em)}/jobs`, operation: 'Jobs_List', status: 200 });
    expect(log[0]!.query).toContain('jobType=Command');
  });
});

describe('authentication', () => {
  const path = () => wsPath(em);

  test('missing Authorization → 401 AuthenticationFailed with WWW-Authenticate', async () => {
    const res = await arm<ErrorBody>(em, 'GET', path(), undefined, { token: '' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." } });
    expect(res.headers.get('www-authenticate')).toMatch(
      /^Bearer authorization_uri="http:\/\/127\.0\.0\.1:\d+\/00000000-0000-0000-0000-0000000000aa", error="invalid_token"/,
    );
  });

  test('not a bearer / not a JWT / bad signature → 401', async () => {
    const basic = await fetch(`${em.baseUrl}${path()}?api-version=2024-10-01`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(401);
    expect(((await basic.json()) as ErrorBody).error.code).toBe('AuthenticationFailed');
    const garbage = await arm<ErrorBody>(em, 'GET', path(), undefined, { token: 'not-a-jwt' });
    expect(garbage.status).toBe(401);
    expect(garbage.body.error).toEqual({ code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' });
    const t = em.issueToken();
    const tampered = t.slice(0, t.lastIndexOf('.') + 1) + Buffer.from('x'.repeat(32)).toString('base64url');
    const sig = await arm<ErrorBody>(em, 'GET', path(), undefined, { token: tampered });
    expect(sig.status).toBe(401);
    expect(sig.body.error.code).toBe('InvalidAuthenticationToken');
    expect(sig.headers.get('www-authenticate')).toContain('error_description=');
  });

  test("wrong audience → 401 InvalidAuthenticationTokenAudience naming it (ARM's code)", async () => {
    const res = await arm<ErrorBody>(em, 'GET', path(), undefined, { token: em.issueToken('https://vault.azure.net') });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('InvalidAuthenticationTokenAudience');
    expect(res.body.error.message).toMatch(
      /^The access token has been obtained for wrong audience or resource 'https:\/\/vault\.azure\.net'\. It should exactly match with one of the allowed audiences /,
    );
    // Every accepted audience works.
    for (const aud of ['https://management.azure.com/', 'https://management.core.windows.net', 'https://ml.azure.com', 'https://storage.azure.com']) {
      expect((await arm(em, 'GET', path(), undefined, { token: em.issueToken(aud) })).status, aud).toBe(200);
    }
  });

  test('expired token → 401 with Azure’s expiry message; a token of another emulator → 401', async () => {
    const other = await startFastEmulator({ blob: em.blob, auth: { tokenLifetimeSeconds: 1 } });
    try {
      const short = other.issueToken();
      await new Promise((r) => setTimeout(r, 1100));
      const expired = await arm<ErrorBody>(other, 'GET', wsPath(other), undefined, { token: short });
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('ExpiredAuthenticationToken');
      expect(expired.body.error.message).toMatch(
        /^The access token expiry UTC time '\d+\/\d+\/\d{4} \d+:\d{2}:\d{2} [AP]M' is earlier than current UTC time '.*'\.$/,
      );
      const foreign = await arm<ErrorBody>(em, 'GET', path(), undefined, { token: other.issueToken() });
      expect(foreign.status).toBe(401);
      expect(foreign.body.error.code).toBe('InvalidAuthenticationToken');
    } finally {
      await other.close();
    }
  });

  test('anonymous routes: token endpoint, /.emulator/info, /discovery', async () => {
    const info = (await (await fetch(`${em.baseUrl}/.emulator/info`)).json()) as Json;
    expect(info).toMatchObject({ blobEndpoint: em.blob.url, tenantId: em.defaults.tenantId, defaults: { workspaceName: ws } });
    expect(info.version).toBeTruthy();
    const discovery = (await (await fetch(`${em.baseUrl}/discovery`)).json()) as Json;
    expect(discovery.api).toBe(em.baseUrl);
  });
});

describe('token endpoint', () => {
  const tokenUrl = () => `${em.baseUrl}/${em.defaults.tenantId}/oauth2/v2.0/token`;
  const post = (form: Record<string, string>, url = tokenUrl()) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });

  test('client_credentials with a secret → Bearer token with aud, iss, tid, oid, exp', async () => {
    const res = await post({ grant_type: 'client_credentials', client_id: 'app-1', client_secret: 's3cret', scope: 'https://management.azure.com/.default' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'ext_expires_in', 'token_type']);
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBeGreaterThan(3000);
    const claims = decodeClaims(String(body.access_token));
    expect(claims).toMatchObject({
      aud: 'https://management.azure.com',
      iss: `https://sts.windows.net/${em.defaults.tenantId}/`,
      tid: em.defaults.tenantId,
      appid: 'app-1',
    });
    expect(claims.oid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(claims.exp)).toBeGreaterThan(Date.now() / 1000);
    // …and it works on ARM.
    expect((await arm(em, 'GET', wsPath(em), undefined, { token: String(body.access_token) })).status).toBe(200);
  });

  test('client_assertion (federated, e.g. GitHub OIDC) → token; an expired assertion → invalid_client', async () => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = (exp: number) =>
      [
        { alg: 'RS256', typ: 'JWT' },
        { iss: 'https://token.actions.githubusercontent.com', aud: 'api://AzureADTokenExchange', exp },
      ]
        .map((p) => Buffer.from(JSON.stringify(p)).toString('base64url'))
        .join('.') + '.c2ln';
    const form = (assertion: string) => ({
      grant_type: 'client_credentials',
      client_id: 'app-oidc',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope: 'https://ml.azure.com/.default',
    });
    const ok = await post(form(jwt(now + 300)));
    expect(ok.status).toBe(200);
    expect(decodeClaims(String(((await ok.json()) as Json).access_token)).aud).toBe('https://ml.azure.com');
    const expired = await post(form(jwt(now - 10)));
    expect(expired.status).toBe(401);
    const body = (await expired.json()) as Json;
    expect(body.error).toBe('invalid_client');
    expect(String(body.error_description)).toMatch(/^AADSTS700024: Client assertion is not within its valid time range\./);
  });

  test('Entra-style errors: missing parameters, bad scope, unknown tenant, wrong content type', async () => {
    const missing = await post({ client_id: 'a', client_secret: 'b', scope: 'https://management.azure.com/.default' });
    expect(missing.status).toBe(400);
    const mBody = (await missing.json()) as Json;
    expect(mBody).toMatchObject({ error: 'invalid_request', error_codes: [900144] });
    expect(String(mBody.error_description)).toMatch(/^AADSTS900144: The request body must contain the following parameter: 'grant_type'\.\r\nTrace ID: /);
    expect(mBody.trace_id).toBeTruthy();
    const noSecret = await post({ grant_type: 'client_credentials', client_id: 'a', scope: 'https://management.azure.com/.default' });
    expect(((await noSecret.json()) as Json).error).toBe('invalid_client');
    const scope = await post({ grant_type: 'client_credentials', client_id: 'a', client_secret: 'b', scope: 'https://management.azure.com' });
    expect(((await scope.json()) as Json).error).toBe('invalid_scope');
    const tenant = await post(
      { grant_type: 'client_credentials', client_id: 'a', client_secret: 'b', scope: 'https://management.azure.com/.default' },
      `${em.baseUrl}/11111111-1111-1111-1111-111111111111/oauth2/v2.0/token`,
    );
    expect(tenant.status).toBe(400);
    expect(String(((await tenant.json()) as Json).error_description)).toMatch(/^AADSTS90002: Tenant '11111111-1111-1111-1111-111111111111' not found/);
    const json = await fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(400);
  });

  test('with configured client secrets, a wrong secret is invalid_client (AADSTS7000215)', async () => {
    const strict = await startFastEmulator({ blob: em.blob, auth: { clientSecrets: { 'app-1': 'right' } } });
    try {
      const form = (secret: string, id = 'app-1') => ({
        grant_type: 'client_credentials',
        client_id: id,
        client_secret: secret,
        scope: 'https://management.azure.com/.default',
      });
      const url = `${strict.baseUrl}/${strict.defaults.tenantId}/oauth2/v2.0/token`;
      expect((await post(form('right'), url)).status).toBe(200);
      const wrong = await post(form('wrong'), url);
      expect(wrong.status).toBe(401);
      expect(String(((await wrong.json()) as Json).error_description)).toMatch(/^AADSTS7000215: Invalid client secret provided/);
      const unknown = await post(form('right', 'someone-else'), url);
      expect(((await unknown.json()) as Json).error).toBe('unauthorized_client');
      // The SDK credential gets tokens from it like from Entra ID.
      const client = sdkClient(strict, { credential: emulatorCredential(strict, 'app-1', 'right') });
      expect((await client.workspaces.get(strict.defaults.resourceGroup, strict.defaults.workspaceName)).name).toBe(strict.defaults.workspaceName);
    } finally {
      await strict.close();
    }
  });
});

describe('ARM request checks', () => {
  test('api-version: missing → 400 MissingApiVersionParameter; unsupported → 400 NoRegisteredProviderFound', async () => {
    const missing = await arm<ErrorBody>(em, 'GET', wsPath(em), undefined, { apiVersion: null });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toEqual({
      code: 'MissingApiVersionParameter',
      message: 'The api-version query parameter (?api-version=) is required for all requests.',
    });
    // 2022-01-01-preview has workspaces but no jobs (its readme tag has no mfe.json).
    const old = await arm<ErrorBody>(em, 'GET', `${wsPath(em)}/jobs`, undefined, { apiVersion: '2022-01-01-preview' });
    expect(old.status).toBe(400);
    expect(old.body.error.code).toBe('NoRegisteredProviderFound');
    expect(old.body.error.message).toMatch(
      /API version '2022-01-01-preview' for type 'workspaces\/jobs'.*'2021-03-01-preview, 2022-02-01-preview, .*, 2024-10-01, /,
    );
    expect((await arm(em, 'GET', wsPath(em), undefined, { apiVersion: '2022-01-01-preview' })).status).toBe(200);
    for (const v of ['2022-02-01-preview', '2022-05-01', '2022-10-01-preview', '2023-04-01-preview', '2022-10-01', '2024-10-01', '2025-01-01-preview']) {
      expect((await arm(em, 'GET', `${wsPath(em)}/jobs`, undefined, { apiVersion: v })).status, v).toBe(200);
    }
  });

  test('unknown resource type → 404 InvalidResourceType; wrong method → 405', async () => {
    const type = await arm<ErrorBody>(em, 'GET', `${wsPath(em)}/featuresets`);
    expect(type.status).toBe(404);
    expect(type.body.error.code).toBe('InvalidResourceType');
    expect(type.body.error.message).toContain("'workspaces/featuresets'");
    const method = await arm<ErrorBody>(em, 'PATCH', `${wsPath(em)}/jobs/x`, {});
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toContain('PUT');
  });

  test('missing scope levels → SubscriptionNotFound, ResourceGroupNotFound, ResourceNotFound', async () => {
    const sub = await arm<ErrorBody>(em, 'GET', wsPath(em).replace(em.defaults.subscriptionId, '99999999-9999-9999-9999-999999999999'));
    expect(sub.status).toBe(404);
    expect(sub.body.error.code).toBe('SubscriptionNotFound');
    const group = await arm<ErrorBody>(em, 'GET', wsPath(em).replace(rg, 'rg-missing'));
    expect(group.body.error).toEqual({ code: 'ResourceGroupNotFound', message: "Resource group 'rg-missing' could not be found." });
    const workspace = await arm<ErrorBody>(em, 'GET', `${wsPath(em, 'ws-missing')}/jobs`);
    expect(workspace.status).toBe(404);
    expect(workspace.body.error.code).toBe('ResourceNotFound');
    expect(workspace.body.error.message).toContain("'Microsoft.MachineLearningServices/workspaces/ws-missing' under resource group 'rg-azureml-emulator'");
  });

  test('invalid JSON → 400 InvalidRequestContent; correlation id is echoed', async () => {
    const res = await fetch(`${em.baseUrl}${wsPath(em)}/jobs/x?api-version=2024-10-01`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${em.issueToken()}`, 'content-type': 'application/json', 'x-ms-correlation-request-id': 'corr-123' },
      body: '{"properties": ',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.code).toBe('InvalidRequestContent');
    expect(res.headers.get('x-ms-correlation-request-id')).toBe('corr-123');
  });

  test('resource groups: PUT creates one that workspaces can live in', async () => {
    const sub = `/subscriptions/${em.defaults.subscriptionId}`;
    const put = await arm(em, 'PUT', `${sub}/resourcegroups/rg-second`, { location: 'westeurope' }, { apiVersion: '2021-04-01' });
    expect(put.status).toBe(201);
    const wsPut = await arm<Json>(em, 'PUT', `${sub}/resourceGroups/rg-second/providers/Microsoft.MachineLearningServices/workspaces/ws-second`, {
      location: 'westeurope',
    });
    expect(wsPut.status).toBe(201);
    expect((wsPut.body.properties as Json).provisioningState).toBe('Creating');
    expect(wsPut.headers.get('azure-asyncoperation')).toMatch(/\/locations\/westeurope\/mfeOperationsStatus\//);
  });
});
