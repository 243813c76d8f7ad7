/**
 * deploy on endpoints whose scoring URI wants a token, run as the runner runs it (dist bundle)
 * against an emulator whose scoring tokens live 4 s:
 *
 * - an `aad_token` endpoint (Microsoft Entra token for https://ml.azure.com, as azure-ai-ml's
 *   invoke gets it; the endpoint `token` operation serves AMLToken endpoints only) created from
 *   its YAML and rolled out end to end — smoke test, probes, health checks, promotion — with an
 *   OIDC federated credential, with a client secret, and through the real credential chain (MSAL
 *   against the emulator's https listener as `arm-endpoint` / `authority-host`);
 * - rollouts longer than the token lifetime, on that endpoint and on an `aml_token` endpoint
 *   (refreshed after the `token` operation's refreshAfterTimeUtc): they succeed, and the scoring
 *   URI never had to refuse a request;
 * - the emulator itself: `token` refused on an aad_token endpoint, expired or foreign tokens
 *   answered 401, Azure's 24 h AML token lifetime by default.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AML_TOKEN_LIFETIME_SECONDS, TokenService } from '../../src/emulator/auth/tokens.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { RequestLogEntry } from '../../src/emulator/http/request-log.js';
import { runAction, type RunResult } from '../harness/index.js';
import { arm, requestLog } from '../emulator/support.js';
import { API, armWait, endpointPath, registerCode, registerEnvironment, registerModel, score, uploadFolder } from '../emulator/endpoints-support.js';
import { startOidcIssuer, type OidcIssuer } from '../security/oidc-issuer.js';
import { findLeaks, stepTexts } from '../security/support.js';
import { createTestCa, type TestCa } from '../security/tls.js';
import {
  BLUE,
  endpointState,
  GREEN,
  logMark,
  logs,
  METRICS_DELAY_MS,
  METRICS_MINUTE_MS,
  nonZero,
  predictions,
  QUICK,
  sampleRequest,
  sampleWorkspace,
  timelineOf,
  writeDeploymentYaml,
} from './deploy-support.js';
import { emulatorEnv, FAST_TIMINGS } from './support.js';

/** Lifetime of scoring tokens (AML tokens and Entra tokens for https://ml.azure.com) in this file. */
const LIFETIME_S = 4;
const OIDC_CLIENT = '3a9d5c2e-7b41-4f0e-9c6a-1d2e3f4a5b6c';
const SECRET_CLIENT = '8e2f6a1b-4c3d-4e5f-a6b7-c8d9e0f1a2b3';
const CLIENT_SECRET = 'Vh3~sN8.qR2_zT5-wK7yB4cD9eF0gH1jL6mP';
const ML = 'https://ml.azure.com';

let ca: TestCa;
let issuer: OidcIssuer;
let em: RunningEmulator;
let ws: string;
/** Every access token the emulator's token endpoint handed out, in order, with its audience. */
const issued: Array<{ token: string; clientId: string; aud: string; at: number }> = [];

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

beforeAll(async () => {
  ca = createTestCa();
  issuer = await startOidcIssuer(ca);
  em = await startEmulator({
    timings: FAST_TIMINGS,
    tls: { cert: ca.cert, key: ca.key },
    // Azure Monitor on the shorter clock of the other deploy tests (QUICK reads it with a matching metrics-delay)
    metricsDelay: METRICS_DELAY_MS,
    endpoints: { readinessPollMs: 20, sampleIntervalMs: 1000, restartDelayMs: 200, stopGraceMs: 500, metricsMinuteMs: METRICS_MINUTE_MS },
    auth: {
      clientSecrets: { [SECRET_CLIENT]: CLIENT_SECRET },
      federatedCredentials: [{ clientId: OIDC_CLIENT, issuer: issuer.issuer, subject: issuer.subject }],
      trustedCa: ca.caPem,
      scoringTokenLifetimeSeconds: LIFETIME_S,
      onTokenIssued: (token, clientId) => issued.push({ token, clientId, aud: String(claimsOf(token).aud), at: Date.now() }),
    },
  });
  ws = sampleWorkspace();
  mkdirSync(join(ws, 'deploy'), { recursive: true });
  const endpointYaml = (name: string, mode: string) =>
    ['$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json', `name: ${name}`, `auth_mode: ${mode}`, ''].join('\n');
  writeFileSync(join(ws, 'deploy', 'aad-endpoint.yml'), endpointYaml('aad-ep', 'aad_token'));
  writeFileSync(join(ws, 'deploy', 'aml-endpoint.yml'), endpointYaml('aml-ep', 'aml_token'));
});

afterAll(async () => {
  await em?.close();
  await issuer?.close();
});

const secretInputs = (): Record<string, string> => ({ 'client-id': SECRET_CLIENT, 'tenant-id': em.defaults.tenantId, 'client-secret': CLIENT_SECRET });

/** dist/deploy through the harness in emulator mode, with extra environment (OIDC). */
function deploy(inputs: Record<string, string>, env: Record<string, string> = {}, runId?: string): Promise<RunResult> {
  return runAction({ action: 'deploy', inputs, env: { ...emulatorEnv(em), ...env }, workspace: ws, timeoutMs: 120_000, ...(runId ? { runId } : {}) });
}

async function since(mark: number): Promise<RequestLogEntry[]> {
  return (await requestLog(em)).filter((e) => e.seq > mark);
}

const scoringOf = (entries: RequestLogEntry[], endpoint: string) =>
  entries.filter((e) => e.operation === 'OnlineEndpoint_Score' && e.path.includes(`/${endpoint}/`));
const tokenOpsOf = (entries: RequestLogEntry[], endpoint: string) =>
  entries.filter((e) => e.operation === 'OnlineEndpoints_GetToken' && e.path.endsWith(`/onlineEndpoints/${endpoint}/token`));
const keyOpsOf = (entries: RequestLogEntry[], endpoint: string) =>
  entries.filter((e) => e.operation === 'OnlineEndpoints_ListKeys' && e.path.includes(`/onlineEndpoints/${endpoint}/`));

describe('an aad_token endpoint rolled out end to end', () => {
  it('created from its YAML, blue rolled out with an OIDC credential: smoke-tested and promoted with an Entra token for https://ml.azure.com, never the token operation', async () => {
    const mark = await logMark(em);
    const before = issued.length;
    const file = writeDeploymentYaml(ws, 'aad-blue.yml', { name: 'blue', endpoint: 'aad-ep', model: 'endpoints/online/model-1/model' });
    const r = await deploy(
      {
        ...QUICK,
        endpoint: 'deploy/aad-endpoint.yml',
        'deployment-file': file,
        'smoke-expect': JSON.stringify(predictions(BLUE)),
        'client-id': OIDC_CLIENT,
        'tenant-id': em.defaults.tenantId,
      },
      { ...issuer.env, NODE_EXTRA_CA_CERTS: ca.caFile },
      '8101',
    );
    expect(r.main.exitCode, logs(r)).toBe(0);
    expect(r.outputs.status).toBe('promoted');
    expect(r.main.log).toContain('Azure credential: emulator token endpoint');
    expect(r.main.log).toContain('(OIDC assertion)');
    expect(r.main.log).toContain('Creating endpoint aad-ep (auth AADToken)');
    expect(r.main.log).toMatch(/Smoke test of blue: .*HTTP 200/);

    const log = await since(mark);
    // Scored, never refused; no key or AML token was asked for.
    const scoring = scoringOf(log, 'aad-ep');
    expect(scoring.length).toBeGreaterThan(0);
    expect(scoring.filter((e) => e.status === 401)).toEqual([]);
    expect(tokenOpsOf(log, 'aad-ep')).toEqual([]);
    expect(keyOpsOf(log, 'aad-ep')).toEqual([]);
    // The federated application got Entra tokens for https://ml.azure.com; each one masked, none printed.
    const mlTokens = issued.slice(before).filter((t) => t.aud === ML);
    expect(mlTokens.length).toBeGreaterThan(0);
    expect(mlTokens.every((t) => t.clientId === OIDC_CLIENT)).toBe(true);
    for (const t of mlTokens) expect(r.main.secretsMasked).toContain(t.token);
    const secrets = Object.fromEntries(mlTokens.map((t, i) => [`scoring token ${i}`, t.token]));
    expect(findLeaks(secrets, { ...stepTexts('main', r.main), ...stepTexts('post', r.post) })).toEqual([]);

    const state = await endpointState(em, 'aad-ep');
    expect(state.traffic).toEqual({ blue: 100 });
    const answer = await score(state.scoringUri!, em.issueToken(ML), sampleRequest);
    expect(answer.status).toBe(200);
    expect(answer.deployment).toBe('blue');
    expect(answer.body).toEqual(predictions(BLUE));
  });

  it('green staged 10 → 50 → 100 with a client secret, the rollout outlasting the 4 s token: refreshed before expiry, no request refused, promoted', async () => {
    const mark = await logMark(em);
    const before = issued.length;
    const file = writeDeploymentYaml(ws, 'aad-green.yml', { name: 'green', endpoint: 'aad-ep' });
    const started = Date.now();
    const r = await deploy(
      { ...QUICK, ...secretInputs(), endpoint: 'aad-ep', 'deployment-file': file, stages: '10,50,100', 'smoke-expect': JSON.stringify(predictions(GREEN)) },
      {},
      '8102',
    );
    const elapsedMs = Date.now() - started;
    expect(r.main.exitCode, logs(r)).toBe(0);
    expect(r.outputs.status).toBe('promoted');
    expect(r.main.log).toContain('(client secret)');
    expect(timelineOf(r).stages.map((s) => [s.weight, s.result])).toEqual([
      [10, 'passed'],
      [50, 'passed'],
      [100, 'passed'],
    ]);
    expect(elapsedMs).toBeGreaterThan(2 * LIFETIME_S * 1000);

    const log = await since(mark);
    const scoring = scoringOf(log, 'aad-ep');
    // Smoke, probes at 20 rps through every bake, and the final "serves" check.
    expect(scoring.length).toBeGreaterThan(50);
    expect(scoring.filter((e) => e.status === 401)).toEqual([]);
    expect(tokenOpsOf(log, 'aad-ep')).toEqual([]);
    const mlTokens = issued.slice(before).filter((t) => t.aud === ML && t.clientId === SECRET_CLIENT);
    // More than one token: the first expired long before the rollout ended.
    expect(mlTokens.length).toBeGreaterThanOrEqual(2);
    for (const t of mlTokens) expect(r.main.secretsMasked).toContain(t.token);
    console.info(
      `aad_token rollout 10→50→100: ${(elapsedMs / 1000).toFixed(1)} s with ${LIFETIME_S} s scoring tokens; ${mlTokens.length} Entra tokens for ${ML} fetched, ${scoring.length} scoring requests, 0 refused`,
    );

    const state = await endpointState(em, 'aad-ep');
    expect(nonZero(state.traffic)).toEqual({ green: 100 });
    expect(state.deployments.map((d) => d.name)).toEqual(['green']);
  });
});

describe('an aad_token endpoint through the real credential chain', () => {
  it('MSAL client secret against the https listener (arm-endpoint, authority-host; no emulator mode): teal rolled out with registered assets, scored with an MSAL token for https://ml.azure.com', async () => {
    // Registered assets only: outside emulator mode nothing is uploaded to the (unreachable) storage account.
    const envId = await registerEnvironment(em, 'aad-msal-env');
    const modelUri = await uploadFolder(em, join(ws, 'endpoints/online/model-1/model'), 'msal/teal/model');
    const codeUri = await uploadFolder(em, join(ws, 'endpoints/online/model-2/onlinescoring'), 'msal/teal/code');
    await registerModel(em, 'aad-teal-model', '1', modelUri);
    await registerCode(em, 'aad-teal-code', '1', codeUri);
    const yaml = [
      '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json',
      'name: teal',
      'endpoint_name: aad-ep',
      'model: azureml:aad-teal-model:1',
      'code_configuration:',
      '  code: azureml:aad-teal-code:1',
      '  scoring_script: score.py',
      `environment: azureml:${envId.split('/environments/')[1]!.replace('/versions/', ':')}`,
      'instance_type: Standard_DS3_v2',
      'instance_count: 1',
      '',
    ].join('\n');
    writeFileSync(join(ws, 'deploy', 'aad-teal.yml'), yaml);
    const mark = await logMark(em);
    const before = issued.length;
    const https = em.https!.baseUrl;
    const d = em.defaults;
    const r = await runAction({
      action: 'deploy',
      workspace: ws,
      runId: '8103',
      timeoutMs: 120_000,
      env: { NODE_EXTRA_CA_CERTS: ca.caFile },
      inputs: {
        ...QUICK,
        ...secretInputs(),
        'subscription-id': d.subscriptionId,
        'resource-group': d.resourceGroup,
        'workspace-name': d.workspaceName,
        'arm-endpoint': https,
        'authority-host': https,
        endpoint: 'aad-ep',
        'deployment-file': 'deploy/aad-teal.yml',
        stages: '50,100',
        'smoke-expect': JSON.stringify(predictions(BLUE)),
      },
    });
    expect(r.main.exitCode, logs(r)).toBe(0);
    expect(r.outputs.status).toBe('promoted');
    expect(r.main.log).toContain('Azure credential: service principal with client secret');
    const log = await since(mark);
    expect(log.some((e) => e.operation === 'OAuth2_TokenV2' && e.status === 200)).toBe(true);
    const scoring = scoringOf(log, 'aad-ep');
    expect(scoring.length).toBeGreaterThan(20);
    expect(scoring.filter((e) => e.status === 401)).toEqual([]);
    const mlTokens = issued.slice(before).filter((t) => t.aud === ML);
    expect(mlTokens.length).toBeGreaterThanOrEqual(1);
    expect(mlTokens.every((t) => t.clientId === SECRET_CLIENT)).toBe(true);
    for (const t of mlTokens) expect(r.main.secretsMasked).toContain(t.token);
    expect(nonZero((await endpointState(em, 'aad-ep')).traffic)).toEqual({ teal: 100 });
  });
});

describe('an aml_token endpoint: a rollout longer than the token lifetime', () => {
  it('blue onto a new endpoint, then green staged: the endpoint token is fetched again after refreshAfterTimeUtc, no request refused', async () => {
    const blue = writeDeploymentYaml(ws, 'aml-blue.yml', { name: 'blue', endpoint: 'aml-ep', model: 'endpoints/online/model-1/model' });
    const first = await deploy(
      { ...QUICK, ...secretInputs(), endpoint: 'deploy/aml-endpoint.yml', 'deployment-file': blue, 'smoke-expect': JSON.stringify(predictions(BLUE)) },
      {},
      '8201',
    );
    expect(first.main.exitCode, logs(first)).toBe(0);
    expect(first.main.log).toContain('Creating endpoint aml-ep (auth AMLToken)');

    const mark = await logMark(em);
    const green = writeDeploymentYaml(ws, 'aml-green.yml', { name: 'green', endpoint: 'aml-ep' });
    const started = Date.now();
    const r = await deploy(
      { ...QUICK, ...secretInputs(), endpoint: 'aml-ep', 'deployment-file': green, stages: '10,50,100', 'smoke-expect': JSON.stringify(predictions(GREEN)) },
      {},
      '8202',
    );
    const elapsedMs = Date.now() - started;
    expect(r.main.exitCode, logs(r)).toBe(0);
    expect(r.outputs.status).toBe('promoted');
    expect(elapsedMs).toBeGreaterThan(2 * LIFETIME_S * 1000);

    const log = await since(mark);
    const tokenOps = tokenOpsOf(log, 'aml-ep');
    expect(tokenOps.length).toBeGreaterThanOrEqual(2);
    expect(tokenOps.every((e) => e.status === 200)).toBe(true);
    const scoring = scoringOf(log, 'aml-ep');
    expect(scoring.length).toBeGreaterThan(50);
    expect(scoring.filter((e) => e.status === 401)).toEqual([]);
    console.info(
      `aml_token rollout 10→50→100: ${(elapsedMs / 1000).toFixed(1)} s with ${LIFETIME_S} s endpoint tokens; ${tokenOps.length} token operations, ${scoring.length} scoring requests, 0 refused`,
    );
    expect(nonZero((await endpointState(em, 'aml-ep')).traffic)).toEqual({ green: 100 });
  });
});

describe('the emulator holds scoring credentials to their endpoint and their lifetime', () => {
  const request = sampleRequest;

  it('the token operation of an aad_token endpoint is refused (AMLToken endpoints only), as are its keys', async () => {
    const tok = await arm<{ error?: { code?: string; message?: string } }>(em, 'POST', `${endpointPath(em, 'aad-ep')}/token`, undefined, { apiVersion: API });
    expect(tok.status).toBe(400);
    expect(tok.body.error?.message).toMatch(/authMode 'AADToken'.*https:\/\/ml\.azure\.com/);
    expect((await arm(em, 'POST', `${endpointPath(em, 'aad-ep')}/listKeys`, undefined, { apiVersion: API })).status).toBe(400);
  });

  it('an aad_token endpoint takes an Entra token for https://ml.azure.com only while it is valid; ARM tokens and AML tokens are 401', async () => {
    const uri = `${em.baseUrl}/inference/aad-ep/score`;
    expect((await score(uri, em.issueToken(ML), request)).status).toBe(200);
    const expired = em.issueToken(ML, { now: new Date(Date.now() - 120_000), lifetimeSeconds: 60 });
    const refused = await score(uri, expired, request);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect(JSON.stringify(refused.body)).toMatch(/expir/i);
    expect((await score(uri, em.issueToken(), request)).status).toBe(401);
    const aml = await arm<{ accessToken: string }>(em, 'POST', `${endpointPath(em, 'aml-ep')}/token`, undefined, { apiVersion: API });
    expect((await score(uri, aml.body.accessToken, request)).status).toBe(401);
  });

  it('an Entra token for https://ml.azure.com does not open aml_token or key endpoints', async () => {
    expect((await score(`${em.baseUrl}/inference/aml-ep/score`, em.issueToken(ML), request)).status).toBe(401);
    expect((await armWait(em, 'PUT', endpointPath(em, 'key-ep'), { location: 'eastus', properties: { authMode: 'Key' } })).status).toBe('Succeeded');
    // 401 before routing: with a valid key the empty endpoint would answer 404.
    expect((await score(`${em.baseUrl}/inference/key-ep/score`, em.issueToken(ML), request)).status).toBe(401);
  });

  it('an AML token answers expiryTimeUtc / refreshAfterTimeUtc (epoch seconds) and is refused once expired', async () => {
    const t0 = Date.now() / 1000;
    const tok = await arm<{ accessToken: string; tokenType: string; expiryTimeUtc: number; refreshAfterTimeUtc: number }>(
      em,
      'POST',
      `${endpointPath(em, 'aml-ep')}/token`,
      undefined,
      { apiVersion: API },
    );
    expect(tok.status).toBe(200);
    expect(Object.keys(tok.body).sort()).toEqual(['accessToken', 'expiryTimeUtc', 'refreshAfterTimeUtc', 'tokenType']);
    expect(Number.isInteger(tok.body.expiryTimeUtc)).toBe(true);
    expect(tok.body.expiryTimeUtc).toBeGreaterThan(t0);
    expect(tok.body.expiryTimeUtc).toBeLessThanOrEqual(Math.ceil(t0) + LIFETIME_S);
    expect(tok.body.expiryTimeUtc - tok.body.refreshAfterTimeUtc).toBe(LIFETIME_S / 2);
    const uri = `${em.baseUrl}/inference/aml-ep/score`;
    expect((await score(uri, tok.body.accessToken, request)).status).toBe(200);
    await new Promise((r) => setTimeout(r, Math.max(0, tok.body.expiryTimeUtc * 1000 - Date.now()) + 200));
    const late = await score(uri, tok.body.accessToken, request);
    expect(late.status).toBe(401);
    expect(JSON.stringify(late.body)).toMatch(/expir/i);
  });

  it("by default AML tokens live 24 h with a refresh after 12 h, as Azure's (online-deployment-e2e 141st entry)", () => {
    const tokens = new TokenService({ tenantId: 't', secret: Buffer.alloc(32), armAudiences: [], lifetimeSeconds: 3599 });
    expect(tokens.amlTokenLifetimeSeconds).toBe(86_400);
    expect(AML_TOKEN_LIFETIME_SECONDS).toBe(1667071623 - 1667028423 + 43_200);
    expect(tokens.lifetimeFor(ML)).toBe(3599);
    const short = new TokenService({ tenantId: 't', secret: Buffer.alloc(32), armAudiences: [], lifetimeSeconds: 3599, scoringLifetimeSeconds: 5 });
    expect(short.lifetimeFor(`${ML}/`)).toBe(5);
    expect(short.lifetimeFor('https://management.azure.com')).toBe(3599);
  });
});
