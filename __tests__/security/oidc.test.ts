/**
 * Sign-in end to end, with nothing faked inside the action: the bundle's real @azure/identity
 * credentials (MSAL underneath) against the emulator acting as Entra ID and ARM over https (a test
 * CA trusted through NODE_EXTRA_CA_CERTS), with `arm-endpoint` and `authority-host` pointing at it
 * and no AZUREML_EMULATOR_HOST.
 *
 * - OIDC: a loopback GitHub OIDC provider hands `core.getIDToken('api://AzureADTokenExchange')` an
 *   RS256 JWT; `ClientAssertionCredential` sends it to the emulator's token endpoint, which checks
 *   it like Entra's workload identity federation (issuer metadata and JWKS, signature, time,
 *   subject, audience) and issues an ARM token. Each kind of bad assertion → a clear AADSTS error.
 * - azure/login: `AzureCliCredential` with a fake `az` on PATH; an expired or wrong-audience token
 *   → ARM's 401 body (InvalidAuthenticationToken) in the error.
 * - A client secret (`ClientSecretCredential`); a wrong one → AADSTS7000215.
 * - ARM itself rejects a missing, expired or wrong-audience bearer with Azure's 401 body and
 *   WWW-Authenticate.
 * No secret (ID token, access token, client secret) appears anywhere but in `::add-mask::`.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { FAST_TIMINGS, listJobs } from '../actions/support.js';
import { runAction, type RunResult } from '../harness/index.js';
import { startOidcIssuer, type Misbehaviour, type OidcIssuer } from './oidc-issuer.js';
import { azTokenJson, createFakeAz, findLeaks, httpsRequest, requestLog, stackTraceLines, stepTexts, type FakeAz } from './support.js';
import { createTestCa, type TestCa } from './tls.js';

const OIDC_CLIENT = '6f1c2b9e-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const SECRET_CLIENT = '0d7e4a61-93c5-4b0e-9f1d-52a8c6e3b7d4';
const CLIENT_SECRET = 'Xq8~kP2.wR5_nT7-vL9zA3bC6dE1fG4hJ0mN';

let ca: TestCa;
let issuer: OidcIssuer;
let em: RunningEmulator;
let az: FakeAz;
let workspace: string;
let https: string;

beforeAll(async () => {
  ca = createTestCa();
  issuer = await startOidcIssuer(ca);
  em = await startEmulator({
    timings: FAST_TIMINGS,
    tls: { cert: ca.cert, key: ca.key },
    auth: {
      clientSecrets: { [SECRET_CLIENT]: CLIENT_SECRET },
      federatedCredentials: [{ clientId: OIDC_CLIENT, issuer: issuer.issuer, subject: issuer.subject }],
      trustedCa: ca.caPem,
    },
  });
  https = em.https!.baseUrl;
  az = createFakeAz();
  workspace = mkdtempSync(join(tmpdir(), 'aml-oidc-ws-'));
  mkdirSync(join(workspace, 'jobs'));
  writeFileSync(
    join(workspace, 'jobs', 'hello.yml'),
    [
      '$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json',
      'command: echo signed in',
      'environment: azureml:AzureML-sklearn-1.5@latest',
      'compute: azureml:cpu-cluster',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await em?.close();
  await issuer?.close();
});

/** submit-job through the real credential chain: arm-endpoint and authority-host at the emulator's https listener. */
function submit(inputs: Record<string, string>, env: Record<string, string>, runId: string): Promise<RunResult> {
  const d = em.defaults;
  return runAction({
    action: 'submit-job',
    workspace,
    runId,
    timeoutMs: 90_000,
    inputs: {
      'job-file': 'jobs/hello.yml',
      'subscription-id': d.subscriptionId,
      'resource-group': d.resourceGroup,
      'workspace-name': d.workspaceName,
      'arm-endpoint': https,
      'authority-host': https,
      ...inputs,
    },
    env: { NODE_EXTRA_CA_CERTS: ca.caFile, ...env },
  });
}

function errorOf(r: RunResult): string {
  return r.main.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n');
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The access tokens the action masked (JWTs the emulator issued for its https address). */
function maskedAccessTokens(r: RunResult): string[] {
  return r.main.secretsMasked.filter((s) => s.split('.').length === 3 && claimsOf(s).iss === `https://sts.windows.net/${em.defaults.tenantId}/`);
}

describe('OIDC: ClientAssertionCredential with a GitHub ID token, federated on the emulator', () => {
  it('signs in, submits and waits for the job; the ID token and the access token are masked and never printed', async () => {
    const before = issuer.requests.length;
    const r = await submit({ 'client-id': OIDC_CLIENT, 'tenant-id': em.defaults.tenantId }, issuer.env, '7101');
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs.status).toBe('Completed');
    expect(r.main.log).toContain('Azure credential: OIDC federated credential');
    // the runner's ID token endpoint was asked for the Entra audience, with the request bearer
    const asked = issuer.requests.slice(before);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((q) => q.audience === 'api://AzureADTokenExchange' && q.authorized)).toBe(true);
    // MSAL read the authority's metadata, then exchanged the assertion at the token endpoint
    const log = await requestLog(em);
    expect(log.some((e) => e.operation === 'OAuth2_OpenIdConfiguration' && e.status === 200)).toBe(true);
    expect(log.some((e) => e.operation === 'OAuth2_TokenV2' && e.status === 200)).toBe(true);
    expect(log.some((e) => e.operation === 'OAuth2_InstanceDiscovery')).toBe(false);
    // the job was created by the federated application
    const job = (await listJobs(em)).find((j) => j.name === r.outputs['job-name']);
    expect((job as unknown as { systemData?: { createdBy?: string } })?.systemData?.createdBy).toBe(OIDC_CLIENT);
    // both tokens masked, neither printed in any form
    const idTokens = issuer.issued.filter((t) => r.main.secretsMasked.includes(t));
    expect(idTokens.length).toBeGreaterThan(0);
    const access = maskedAccessTokens(r);
    expect(access.length).toBeGreaterThan(0);
    expect(claimsOf(access[0]!).aud).toBe(https);
    const secrets = Object.fromEntries([...idTokens, ...access].map((t, i) => [`token ${i}`, t]));
    expect(findLeaks(secrets, { ...stepTexts('main', r.main), ...stepTexts('post', r.post) })).toEqual([]);
  });
});

describe('OIDC: bad assertions are refused by the token endpoint with a clear error and nothing created', () => {
  const cases: Array<[Misbehaviour, RegExp, RegExp]> = [
    ['expired', /AADSTS700024: Client assertion is not within its valid time range/, /assertion expired/],
    [
      'wrong-audience',
      /AADSTS700212: No matching federated identity record found for presented assertion audience 'https:\/\/github\.com\/octo-org'/,
      /api:\/\/AzureADTokenExchange/,
    ],
    [
      'wrong-subject',
      /AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:evil-fork\/ml-repo:ref:refs\/heads\/main'/,
      /check the subject/,
    ],
    [
      'wrong-issuer',
      /AADSTS700211: No matching federated identity record found for presented assertion issuer 'https:\/\/token\.actions\.example\.invalid'/,
      /token\.actions\.githubusercontent\.com/,
    ],
    ['foreign-key', /AADSTS700027: Client assertion failed signature validation/, /issuer's keys/],
  ];
  it.concurrent.each(cases)('%s assertion → %s', async (misbehave, message, hint) => {
    const jobsBefore = (await listJobs(em)).length;
    const r = await submit({ 'client-id': OIDC_CLIENT, 'tenant-id': em.defaults.tenantId }, issuer.envFor(misbehave), `72${misbehave.length}`);
    expect(r.main.exitCode).toBe(1);
    const error = errorOf(r);
    expect(error).toMatch(message);
    // one annotation, user-fixable, naming what to check; no stack trace
    expect(r.main.annotations.filter((a) => a.level === 'error')).toHaveLength(1);
    expect(r.main.annotations.find((a) => a.level === 'error')?.properties.title).toBe('submit-job: configuration error');
    expect(error).toMatch(/^Signing in to Azure failed: authentication failed( \(HTTP 40\d\))?: AADSTS\d+: /);
    expect(error).toMatch(hint);
    expect(error).not.toContain('hello.yml');
    expect(stackTraceLines(r.main.log)).toEqual([]);
    expect((await listJobs(em)).length).toBe(jobsBefore);
    // the bad ID token was masked and is nowhere in the output
    const idTokens = issuer.issued.filter((t) => r.main.secretsMasked.includes(t));
    expect(idTokens.length).toBeGreaterThan(0);
    expect(findLeaks(Object.fromEntries(idTokens.map((t, i) => [`id token ${i}`, t])), stepTexts('main', r.main))).toEqual([]);
  });

  it('client-id and tenant-id without id-token permission or a secret → a configuration error naming client-id', async () => {
    const r = await submit({ 'client-id': OIDC_CLIENT, 'tenant-id': em.defaults.tenantId }, {}, '7301');
    expect(r.main.exitCode).toBe(1);
    expect(errorOf(r)).toMatch(/client-id and tenant-id are given, but neither OIDC nor a client secret is available.*id-token: write/s);
    expect(stackTraceLines(r.main.log)).toEqual([]);
  });
});

describe('client secret: ClientSecretCredential against the emulator token endpoint', () => {
  it('signs in with the secret; the secret and the token are masked and never printed', async () => {
    const r = await submit({ 'client-id': SECRET_CLIENT, 'tenant-id': em.defaults.tenantId, 'client-secret': CLIENT_SECRET }, {}, '7401');
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs.status).toBe('Completed');
    expect(r.main.log).toContain('Azure credential: service principal with client secret');
    expect(r.main.secretsMasked).toContain(CLIENT_SECRET);
    const access = maskedAccessTokens(r);
    expect(access.length).toBeGreaterThan(0);
    expect(claimsOf(access[0]!).appid).toBe(SECRET_CLIENT);
    expect(
      findLeaks(
        { secret: CLIENT_SECRET, ...Object.fromEntries(access.map((t, i) => [`token ${i}`, t])) },
        { ...stepTexts('main', r.main), ...stepTexts('post', r.post) },
      ),
    ).toEqual([]);
  });

  it('a wrong secret → AADSTS7000215, neither secret printed', async () => {
    const wrong = 'Wr0ng~secret.value_that-must-not-leak';
    const r = await submit({ 'client-id': SECRET_CLIENT, 'tenant-id': em.defaults.tenantId, 'client-secret': wrong }, {}, '7402');
    expect(r.main.exitCode).toBe(1);
    expect(errorOf(r)).toMatch(/AADSTS7000215: Invalid client secret provided/);
    expect(stackTraceLines(r.main.log)).toEqual([]);
    expect(findLeaks({ wrong, right: CLIENT_SECRET }, stepTexts('main', r.main))).toEqual([]);
  });
});

describe('azure/login: AzureCliCredential with a fake az on PATH', () => {
  const d = () => em.defaults;

  it('uses the CLI session: az is asked for a token for the arm-endpoint resource', async () => {
    const token = em.issueToken(https);
    const r = await submit({}, az.env(azTokenJson(token, new Date(Date.now() + 3600_000), d().tenantId, d().subscriptionId)), '7501');
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs.status).toBe('Completed');
    expect(r.main.log).toContain('Azure credential: Azure CLI session (from azure/login)');
    expect(readFileSync(az.argsLog, 'utf8')).toContain(`account get-access-token --output json --resource ${https}`);
    expect(r.main.secretsMasked).toContain(token);
    expect(findLeaks({ token }, stepTexts('main', r.main))).toEqual([]);
  });

  it.concurrent.each([
    [
      'expired',
      () => em.issueToken(https, { now: new Date(Date.now() - 7200_000), lifetimeSeconds: 3600 }),
      /401 ExpiredAuthenticationToken.*The access token expiry UTC time '[^']+' is earlier than current UTC time/s,
      /re-run azure\/login/,
    ],
    [
      'for another audience',
      () => em.issueToken('https://vault.azure.net'),
      /401 InvalidAuthenticationTokenAudience.*wrong audience or resource 'https:\/\/vault\.azure\.net'/s,
      /cloud and arm-endpoint/,
    ],
  ] as const)('a token %s → ARM 401 in a clear error with what to check; the token is not printed', async (_label, make, message, hint) => {
    const token = make();
    // az says the token is good for another hour: only ARM can tell it is not
    const r = await submit({}, az.env(azTokenJson(token, new Date(Date.now() + 3600_000), d().tenantId, d().subscriptionId)), '7502');
    expect(r.main.exitCode).toBe(1);
    const error = errorOf(r);
    expect(error).toMatch(message);
    expect(error).toMatch(hint);
    expect(error).not.toContain('hello.yml');
    expect(stackTraceLines(r.main.log)).toEqual([]);
    expect(findLeaks({ token }, stepTexts('main', r.main))).toEqual([]);
  });
});

describe("ARM's front door over https", () => {
  const ws = () =>
    `/subscriptions/${em.defaults.subscriptionId}/resourceGroups/${em.defaults.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${em.defaults.workspaceName}?api-version=2024-10-01`;

  it.each([
    ['no Authorization header', undefined, 'AuthenticationFailed', /'Authorization' header is missing/],
    ['a malformed header', 'Basic abc', 'AuthenticationFailed', /invalid format/],
    [
      'an expired bearer',
      () => `Bearer ${em.issueToken(https, { now: new Date(Date.now() - 7200_000), lifetimeSeconds: 600 })}`,
      'ExpiredAuthenticationToken',
      /expiry UTC time/,
    ],
    [
      'a wrong-audience bearer',
      () => `Bearer ${em.issueToken('https://graph.microsoft.com')}`,
      'InvalidAuthenticationTokenAudience',
      /wrong audience or resource 'https:\/\/graph\.microsoft\.com'/,
    ],
    [
      'a bearer signed by someone else',
      () => `Bearer ${issuer.issued[0] ?? 'e30.e30.c2ln'}`,
      'InvalidAuthenticationToken',
      /signature could not be verified|access token is invalid/,
    ],
  ] as const)("%s → 401 with ARM's code and WWW-Authenticate", async (_label, auth, code, message) => {
    const authorization = typeof auth === 'function' ? auth() : auth;
    const res = await httpsRequest(`${https}${ws()}`, ca.caPem, { headers: authorization ? { authorization } : {} });
    expect(res.status).toBe(401);
    const body = JSON.parse(res.body) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
    expect(String(res.headers['www-authenticate'])).toMatch(new RegExp(`^Bearer authorization_uri="${https}/${em.defaults.tenantId}", error="invalid_token"`));
  });

  it('a token for the emulator address is accepted (arm-endpoint = the emulator)', async () => {
    const res = await httpsRequest(`${https}${ws()}`, ca.caPem, { headers: { authorization: `Bearer ${em.issueToken(https)}` } });
    expect(res.status).toBe(200);
  });
});
