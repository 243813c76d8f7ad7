import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveCloud } from '../../src/azure/cloud.js';
import {
  EmulatorCredential,
  OIDC_AUDIENCE,
  azureCliSessionAvailable,
  chooseCredential,
  oidcAssertionProvider,
  type CredentialDeps,
} from '../../src/azure/credentials.js';
import { AzureConfigurationError, translateAzureError } from '../../src/azure/errors.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { captureStdout, fakeJwt, json, startLoopback, type Loopback } from './loopback.js';

const publicCloud = resolveCloud({ env: {} });

function deps(env: Record<string, string | undefined>, extra: Partial<CredentialDeps> = {}) {
  const logged: string[] = [];
  const masked: string[] = [];
  const d: CredentialDeps = {
    env,
    info: (m) => logged.push(m),
    setSecret: (s) => masked.push(s),
    azureCliAvailable: () => false,
    getIDToken: async () => {
      throw new Error('no OIDC in this test');
    },
    ...extra,
  };
  return { d, logged, masked };
}

describe('credential order', () => {
  const ids = { clientId: '11111111-2222-3333-4444-555555555555', tenantId: 'tenant-guid' };
  const oidcEnv = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/token?x=1', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' };

  it('OIDC first when client-id + tenant-id and the runner offers ID tokens', () => {
    const { d, logged } = deps(oidcEnv);
    const choice = chooseCredential(ids, publicCloud, d);
    expect(choice.kind).toBe('oidc');
    expect(logged.join('\n')).toMatch(/OIDC/);
    expect(logged.join('\n')).not.toContain(ids.clientId);
  });

  it('OIDC wins over a client secret, which is still masked', () => {
    const { d, masked, logged } = deps(oidcEnv);
    const choice = chooseCredential({ ...ids, clientSecret: 'the-secret' }, publicCloud, d);
    expect(choice.kind).toBe('oidc');
    expect(masked).toContain('the-secret');
    expect(logged.join('\n')).not.toContain('the-secret');
  });

  it('client secret without OIDC', () => {
    const { d, masked } = deps({});
    expect(chooseCredential({ ...ids, clientSecret: 'the-secret' }, publicCloud, d).kind).toBe('client-secret');
    expect(masked).toEqual(['the-secret']);
  });

  it('client-id + tenant-id with neither OIDC nor secret is a configuration error', () => {
    const { d } = deps({});
    expect(() => chooseCredential(ids, publicCloud, d)).toThrow(ConfigurationError);
    try {
      chooseCredential(ids, publicCloud, d);
    } catch (e) {
      expect((e as ConfigurationError).hint).toMatch(/id-token: write/);
    }
  });

  it('half a service principal names the missing input', () => {
    const { d } = deps({});
    try {
      chooseCredential({ clientId: 'x' }, publicCloud, d);
      expect.unreachable();
    } catch (e) {
      expect((e as ConfigurationError).input).toBe('tenant-id');
    }
    expect(() => chooseCredential({ clientSecret: 's' }, publicCloud, d)).toThrow(/client-secret/);
  });

  it('then the azure/login CLI session, then the AZURE_* environment', () => {
    const env = { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' };
    expect(chooseCredential({}, publicCloud, deps(env, { azureCliAvailable: () => true }).d).kind).toBe('azure-cli');
    expect(chooseCredential({}, publicCloud, deps(env).d).kind).toBe('environment');
    expect(chooseKindOrError({ AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_USERNAME: 'u', AZURE_PASSWORD: 'p' })).toBe('environment');
  });

  it('nothing at all: a configuration error listing every way to sign in', () => {
    try {
      chooseCredential({}, publicCloud, deps({}).d);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigurationError);
      expect((e as ConfigurationError).hint).toMatch(/id-token: write.*client-secret.*azure\/login.*AZURE_CLIENT_SECRET/);
    }
  });

  it('detects an azure/login session from az on PATH and its profile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'azcli-'));
    try {
      const bin = join(dir, 'bin');
      const config = join(dir, 'config');
      mkdirSync(bin);
      mkdirSync(config);
      writeFileSync(join(bin, 'az'), '#!/bin/sh\nexit 0\n');
      chmodSync(join(bin, 'az'), 0o755);
      const env = { PATH: bin, AZURE_CONFIG_DIR: config };
      expect(azureCliSessionAvailable(env)).toBe(false); // no profile yet: not signed in
      writeFileSync(join(config, 'azureProfile.json'), '{"subscriptions":[]}');
      expect(azureCliSessionAvailable(env)).toBe(true);
      expect(azureCliSessionAvailable({ ...env, PATH: join(dir, 'nothing') })).toBe(false);
      expect(chooseCredential({}, publicCloud, { ...deps(env).d, azureCliAvailable: undefined }).kind).toBe('azure-cli');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function chooseKindOrError(env: Record<string, string>): string {
  try {
    return chooseCredential({}, publicCloud, deps(env).d).kind;
  } catch (e) {
    return (e as Error).name;
  }
}

it('an incomplete AZURE_* environment is not a credential', () => {
  expect(chooseKindOrError({ AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c' })).toBe('ConfigurationError');
});

describe('OIDC ID token from the runner', () => {
  let idServer: Loopback;
  const jwt = fakeJwt({ iss: 'https://token.actions.githubusercontent.com', aud: OIDC_AUDIENCE, sub: 'repo:o/r:ref:refs/heads/main' });
  const saved = { url: process.env.ACTIONS_ID_TOKEN_REQUEST_URL, token: process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN };

  beforeAll(async () => {
    idServer = await startLoopback((req, res) => {
      if (req.headers.authorization !== 'Bearer runtime-request-token') return json(res, 401, { message: 'bad token' });
      json(res, 200, { value: jwt, count: 1 });
    });
  });
  afterAll(() => idServer.close());
  afterEach(() => {
    for (const [k, v] of [
      ['ACTIONS_ID_TOKEN_REQUEST_URL', saved.url],
      ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', saved.token],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('the assertion callback fetches the ID token for api://AzureADTokenExchange (and core masks it)', async () => {
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = `${idServer.url}/_apis/idtoken?api-version=2.0`;
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'runtime-request-token';
    const getAssertion = oidcAssertionProvider((aud) => core.getIDToken(aud));
    const { result, output } = await captureStdout(() => getAssertion());
    expect(result).toBe(jwt);
    const last = idServer.requests.at(-1)!;
    expect(last.query.get('audience')).toBe(OIDC_AUDIENCE);
    expect(last.query.get('api-version')).toBe('2.0');
    expect(output).toContain(`::add-mask::${jwt}`);
  });

  it('without id-token permission the error says what to add', async () => {
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = `${idServer.url}/_apis/idtoken?api-version=2.0`;
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    const getAssertion = oidcAssertionProvider((aud) => core.getIDToken(aud));
    await expect(getAssertion()).rejects.toMatchObject({
      name: 'ConfigurationError',
      hint: expect.stringMatching(/id-token: write/),
    });
  });

  it('in emulator mode the ID token is sent to the emulator token endpoint as client_assertion', async () => {
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = `${idServer.url}/_apis/idtoken?api-version=2.0`;
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'runtime-request-token';
    const tokenServer = await startLoopback((req, res) =>
      json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: 'emu-access-token-1' }),
    );
    try {
      const cloud = resolveCloud({ env: { AZUREML_EMULATOR_HOST: `127.0.0.1:${tokenServer.port}` } });
      const choice = chooseCredential({ clientId: 'app-id', tenantId: 'tenant-x' }, cloud, {
        env: process.env,
        info: () => {},
        setSecret: () => {},
        getIDToken: (aud) => core.getIDToken(aud),
      });
      expect(choice.kind).toBe('emulator');
      const { result: token } = await captureStdout(() => choice.credential.getToken('https://management.azure.com/.default'));
      expect(token?.token).toBe('emu-access-token-1');
      const sent = tokenServer.requests[0];
      expect(sent.path).toBe('/tenant-x/oauth2/v2.0/token');
      const form = new URLSearchParams(sent.body);
      expect(form.get('grant_type')).toBe('client_credentials');
      expect(form.get('client_id')).toBe('app-id');
      expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      expect(form.get('client_assertion')).toBe(jwt);
      expect(form.get('client_secret')).toBeNull();
    } finally {
      await tokenServer.close();
    }
  });
});

describe('EmulatorCredential', () => {
  it('gets a token with a client secret, caches it until near expiry, and masks it', async () => {
    let issued = 0;
    const server = await startLoopback((req, res) => {
      issued += 1;
      json(res, 200, { token_type: 'Bearer', expires_in: 600, access_token: `tok-${issued}` });
    });
    try {
      let now = 1_000_000;
      const cloud = resolveCloud({ env: { AZUREML_EMULATOR_HOST: `127.0.0.1:${server.port}` } });
      const choice = chooseCredential({}, cloud, {
        env: {},
        info: () => {},
        emulatorTenantId: 'emu-tenant',
      });
      // the same kind of credential with a test clock, to check caching
      const credential = new EmulatorCredential({
        baseUrl: cloud.emulator!.baseUrl,
        tenantId: 'emu-tenant',
        clientId: 'azureml-actions',
        clientSecret: 'emulator',
        now: () => now,
      });
      const scope = 'https://management.azure.com/.default';
      const [a, b] = await Promise.all([credential.getToken(scope), credential.getToken(scope)]);
      expect(a.token).toBe('tok-1');
      expect(b.token).toBe('tok-1');
      expect(server.requests).toHaveLength(1);
      now += 4 * 60_000; // 6 minutes left: still fresh
      expect((await credential.getToken(scope)).token).toBe('tok-1');
      now += 2 * 60_000; // 4 minutes left: refresh
      expect((await credential.getToken(scope)).token).toBe('tok-2');
      expect(new URLSearchParams(server.requests[0].body).get('client_secret')).toBe('emulator');
      expect(server.requests[0].path).toBe('/emu-tenant/oauth2/v2.0/token');

      // the chosen credential masks every new token it hands out
      const { output } = await captureStdout(() => choice.credential.getToken(scope));
      expect(output).toContain('::add-mask::tok-3');
    } finally {
      await server.close();
    }
  });

  it('a refused secret becomes a user error with the Entra hint', async () => {
    const server = await startLoopback((req, res) =>
      json(res, 401, {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret provided.\r\nTrace ID: abc\r\nTimestamp: 2024-01-01',
        error_codes: [7000215],
      }),
    );
    try {
      const credential = new EmulatorCredential({ baseUrl: server.url, tenantId: 't', clientId: 'c', clientSecret: 'wrong' });
      const error = await credential.getToken('https://management.azure.com/.default').catch((e) => e);
      expect(error.name).toBe('AuthenticationError');
      const translated = translateAzureError(error, 'reading workspace ws');
      expect(translated).toBeInstanceOf(AzureConfigurationError);
      expect(translated.message).toBe('Reading workspace ws failed: authentication failed (HTTP 401): AADSTS7000215: Invalid client secret provided.');
      expect((translated as AzureConfigurationError).hint).toMatch(/client secret is wrong/);
      // a failure is not cached: the next call asks again
      await credential.getToken('https://management.azure.com/.default').catch(() => undefined);
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});
