/**
 * Which Azure credential an action uses, chosen in this order:
 *
 * 1. OIDC — `client-id` + `tenant-id` and the runner offers ID tokens
 *    (`ACTIONS_ID_TOKEN_REQUEST_URL`, i.e. the job has `permissions: id-token: write`): a
 *    `ClientAssertionCredential` whose assertion is `core.getIDToken('api://AzureADTokenExchange')`.
 * 2. Client secret — `client-id` + `tenant-id` + `client-secret`: `ClientSecretCredential`.
 * 3. The Azure CLI session left by `azure/login`: `AzureCliCredential`.
 * 4. The standard `AZURE_*` environment: `EnvironmentCredential`.
 *
 * In emulator mode an {@link EmulatorCredential} asks the emulator's token endpoint (client
 * credentials with a secret or an OIDC assertion); MSAL refuses an http authority.
 *
 * Every token obtained and every client secret is masked with `core.setSecret`. The log says which
 * kind was chosen, never a value.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import * as core from '@actions/core';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { ConfigurationError } from '../core/errors.js';
import type { AzureCloud } from './cloud.js';
import { translateAzureError } from './errors.js';
import { abortableSleep } from './retry.js';

export type CredentialKind = 'oidc' | 'client-secret' | 'azure-cli' | 'environment' | 'emulator';

/** The audience GitHub's ID token must have for Entra workload identity federation. */
export const OIDC_AUDIENCE = 'api://AzureADTokenExchange';

export interface CredentialInputs {
  clientId?: string;
  tenantId?: string;
  clientSecret?: string;
}

export interface CredentialChoice {
  kind: CredentialKind;
  credential: TokenCredential;
  /** One line for the log, e.g. `OIDC federated credential (client-id + tenant-id)`; no values. */
  description: string;
}

export interface CredentialDeps {
  /** Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Default `core.getIDToken`. */
  getIDToken?: (audience: string) => Promise<string>;
  /** Default `core.setSecret`. */
  setSecret?: (secret: string) => void;
  /** Default `core.info`. */
  info?: (message: string) => void;
  /** Whether an Azure CLI session exists. Default {@link azureCliSessionAvailable}. */
  azureCliAvailable?: (env: Record<string, string | undefined>) => boolean;
  /** Emulator mode: the tenant from `/.emulator/info`, used when `tenant-id` is not given. */
  emulatorTenantId?: string;
  /** Emulator mode: the HTTP client. Default global fetch. */
  fetch?: typeof fetch;
}

/** Chooses the credential (see the module comment for the order). Throws a ConfigurationError when none fits. */
export function chooseCredential(inputs: CredentialInputs, cloud: AzureCloud, deps: CredentialDeps = {}): CredentialChoice {
  const env = deps.env ?? process.env;
  const setSecret = deps.setSecret ?? ((s: string) => core.setSecret(s));
  const info = deps.info ?? ((m: string) => core.info(m));
  const getIDToken = deps.getIDToken ?? ((aud: string) => core.getIDToken(aud));
  const clientId = inputs.clientId?.trim() || undefined;
  const tenantId = inputs.tenantId?.trim() || undefined;
  const clientSecret = inputs.clientSecret || undefined;
  if (clientSecret) setSecret(clientSecret);
  const oidcOffered = Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL);

  const choose = (kind: CredentialKind, credential: TokenCredential, description: string): CredentialChoice => {
    info(`Azure credential: ${description}.`);
    return { kind, credential: maskTokens(credential, setSecret), description };
  };

  if (cloud.emulator) {
    const useAssertion = oidcOffered && clientId !== undefined && clientSecret === undefined;
    const credential = new EmulatorCredential({
      baseUrl: cloud.emulator.baseUrl,
      tenantId: tenantId ?? deps.emulatorTenantId ?? 'emulator',
      clientId: clientId ?? 'azureml-actions',
      ...(useAssertion ? { getAssertion: oidcAssertionProvider(getIDToken) } : { clientSecret: clientSecret ?? env.AZURE_CLIENT_SECRET ?? 'emulator' }),
      fetch: deps.fetch,
    });
    return choose('emulator', credential, `emulator token endpoint at ${cloud.emulator.baseUrl} (${useAssertion ? 'OIDC assertion' : 'client secret'})`);
  }

  if ((clientId === undefined) !== (tenantId === undefined)) {
    const missing = clientId === undefined ? 'client-id' : 'tenant-id';
    throw new ConfigurationError(`Input '${missing}' is required when '${missing === 'client-id' ? 'tenant-id' : 'client-id'}' is given.`, {
      input: missing,
      hint: 'Give both client-id and tenant-id (OIDC or client secret), or neither to use the azure/login session.',
    });
  }
  if (clientSecret && clientId === undefined) {
    throw new ConfigurationError(`Input 'client-secret' needs 'client-id' and 'tenant-id'.`, { input: 'client-id' });
  }

  if (clientId && tenantId) {
    const authority = authorityOptions(cloud);
    if (oidcOffered) {
      if (clientSecret) info('Both OIDC and client-secret are available; using OIDC (client-secret is ignored).');
      return choose(
        'oidc',
        lazyCredential((id) => new id.ClientAssertionCredential(tenantId, clientId, oidcAssertionProvider(getIDToken), authority)),
        'OIDC federated credential (client-id, tenant-id and the workflow ID token)',
      );
    }
    if (clientSecret) {
      return choose(
        'client-secret',
        lazyCredential((id) => new id.ClientSecretCredential(tenantId, clientId, clientSecret, authority)),
        'service principal with client secret (client-id, tenant-id, client-secret)',
      );
    }
    throw new ConfigurationError('client-id and tenant-id are given, but neither OIDC nor a client secret is available.', {
      input: 'client-id',
      hint: 'For OIDC add `permissions: id-token: write` to the job; otherwise pass client-secret.',
    });
  }

  if ((deps.azureCliAvailable ?? azureCliSessionAvailable)(env)) {
    return choose(
      'azure-cli',
      lazyCredential((id) => new id.AzureCliCredential()),
      'Azure CLI session (from azure/login)',
    );
  }
  if (environmentCredentialAvailable(env)) {
    return choose(
      'environment',
      lazyCredential((id) => new id.EnvironmentCredential(authorityOptions(cloud))),
      'environment variables (AZURE_TENANT_ID, AZURE_CLIENT_ID, ...)',
    );
  }
  throw new ConfigurationError('No Azure credential is available.', {
    input: 'client-id',
    hint: 'Give client-id and tenant-id with `permissions: id-token: write` (OIDC), or add client-secret, or run azure/login before this step, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET.',
  });
}

type Identity = typeof import('@azure/identity');
let identity: Promise<Identity> | undefined;

/**
 * `@azure/identity` (with MSAL, the largest package of the bundle), loaded on the first token
 * request rather than with this module: emulator mode never loads it, and a step that fails on
 * its inputs exits before it is parsed.
 */
function loadIdentity(): Promise<Identity> {
  return (identity ??= import('@azure/identity'));
}

/** A credential of `@azure/identity` built on its first `getToken` (see {@link loadIdentity}). */
function lazyCredential(build: (identity: Identity) => TokenCredential): TokenCredential {
  let credential: Promise<TokenCredential> | undefined;
  return {
    async getToken(scopes, options) {
      credential ??= loadIdentity().then(build);
      return (await credential).getToken(scopes, options);
    },
  };
}

/** `@azure/identity`'s AuthenticationError (what errors.ts translates), for the emulator's token endpoint. */
async function authenticationError(status: number, body: ConstructorParameters<Identity['AuthenticationError']>[1]): Promise<Error> {
  const { AuthenticationError } = await loadIdentity();
  return new AuthenticationError(status, body);
}

/** Entra ID hosts MSAL knows; any other `authority-host` is a private authority. */
const PUBLIC_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  'login.chinacloudapi.cn',
  'login.microsoftonline.us',
]);

/**
 * Options of the MSAL-based credentials. For an authority host MSAL does not know (an
 * `authority-host` override: Azure Stack, a private cloud, the emulator over https), instance
 * discovery is turned off: MSAL would otherwise ask login.microsoftonline.com to vouch for the
 * host, which a private network cannot reach and which would leak the host name to the public cloud.
 */
export function authorityOptions(cloud: Pick<AzureCloud, 'authorityHost'>): { authorityHost: string; disableInstanceDiscovery?: boolean } {
  let host = '';
  try {
    host = new URL(cloud.authorityHost).host.toLowerCase();
  } catch {
    // resolveCloud validated it; keep discovery off for anything unexpected
  }
  return PUBLIC_AUTHORITY_HOSTS.has(host) ? { authorityHost: cloud.authorityHost } : { authorityHost: cloud.authorityHost, disableInstanceDiscovery: true };
}

/** The assertion callback of OIDC: the workflow's ID token for the Entra token exchange audience. */
export function oidcAssertionProvider(getIDToken: (audience: string) => Promise<string>): () => Promise<string> {
  return async () => {
    try {
      return await getIDToken(OIDC_AUDIENCE);
    } catch (error) {
      throw new ConfigurationError(`Could not get the workflow's OIDC ID token: ${error instanceof Error ? error.message.trim() : String(error)}`, {
        hint: 'Add `permissions: id-token: write` to the job (pull requests from forks get no ID token).',
        cause: error,
      });
    }
  };
}

/** True when `az` is on PATH and it has a profile (what `azure/login` leaves behind). */
export function azureCliSessionAvailable(env: Record<string, string | undefined> = process.env): boolean {
  const configDir = env.AZURE_CONFIG_DIR || join(env.HOME || homedir(), '.azure');
  if (!existsSync(join(configDir, 'azureProfile.json'))) return false;
  const names = process.platform === 'win32' ? ['az.cmd', 'az.exe', 'az'] : ['az'];
  return (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => names.some((n) => existsSync(join(dir, n))));
}

/** True when the environment holds what `EnvironmentCredential` needs. */
export function environmentCredentialAvailable(env: Record<string, string | undefined> = process.env): boolean {
  if (!env.AZURE_TENANT_ID || !env.AZURE_CLIENT_ID) return false;
  return Boolean(env.AZURE_CLIENT_SECRET || env.AZURE_CLIENT_CERTIFICATE_PATH || (env.AZURE_USERNAME && env.AZURE_PASSWORD));
}

/**
 * Wraps a credential so that each token it returns is masked in the log, and a failure to get one
 * becomes one clear error (the Entra/AADSTS reason and what to check), whichever call asked first.
 */
export function maskTokens(credential: TokenCredential, setSecret: (secret: string) => void): TokenCredential {
  // The tokens masked lately (one per scope in use: ARM, storage, ml.azure.com for scoring), so
  // that alternating scopes do not mask the same token again on every request.
  const masked = new Set<string>();
  return {
    async getToken(scopes, options) {
      let token: AccessToken | null;
      try {
        token = await credential.getToken(scopes, options);
      } catch (error) {
        throw translateAzureError(error, 'signing in to Azure');
      }
      if (token && !masked.has(token.token)) {
        setSecret(token.token);
        if (masked.size >= 16) masked.clear();
        masked.add(token.token);
      }
      return token;
    },
  };
}

export interface EmulatorCredentialOptions {
  /** e.g. `http://127.0.0.1:8090`. */
  baseUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  /** OIDC: returns a client assertion (used when no clientSecret is given). */
  getAssertion?: () => Promise<string>;
  fetch?: typeof fetch;
  /** Refresh this long before expiry. Default 5 minutes. */
  refreshBeforeExpiryInMs?: number;
  now?: () => number;
}

/**
 * Client credentials against the emulator's Entra-shaped token endpoint
 * (`POST {baseUrl}/{tenantId}/oauth2/v2.0/token`). Tokens are cached per scope set until shortly
 * before they expire (`refreshAfterTimestamp`: the margin before expiry, or halfway for short-lived
 * tokens); concurrent callers share one request.
 */
const TOKEN_RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

export class EmulatorCredential implements TokenCredential {
  private readonly cache = new Map<string, Promise<AccessToken>>();
  private readonly options: EmulatorCredentialOptions;

  constructor(options: EmulatorCredentialOptions) {
    if (!options.clientSecret && !options.getAssertion) {
      throw new TypeError('EmulatorCredential needs a clientSecret or a getAssertion callback.');
    }
    this.options = { ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') };
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const scope = (Array.isArray(scopes) ? scopes : [scopes]).join(' ');
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(scope);
    if (cached) {
      try {
        const token = await cached;
        if (now < (token.refreshAfterTimestamp ?? token.expiresOnTimestamp)) return token;
      } catch {
        // a failed request is not cached; fall through and try again
      }
    }
    const pending = this.requestToken(scope, options);
    this.cache.set(scope, pending);
    pending.catch(() => {
      if (this.cache.get(scope) === pending) this.cache.delete(scope);
    });
    return pending;
  }

  private async requestToken(scope: string, options?: GetTokenOptions): Promise<AccessToken> {
    const { baseUrl, tenantId, clientId, clientSecret, getAssertion } = this.options;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, scope });
    if (clientSecret) form.set('client_secret', clientSecret);
    else if (getAssertion) {
      form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      form.set('client_assertion', await getAssertion());
    }
    const url = `${baseUrl}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
    const doFetch = this.options.fetch ?? fetch;
    const signal = options?.abortSignal as AbortSignal | undefined;
    // Like @azure/identity's own client (three retries): throttling, 5xx and broken connections are tried again.
    let response: Response | undefined;
    for (let attempt = 0; ; attempt++) {
      let wait = 1000 * 2 ** attempt;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: form.toString(),
          signal,
        });
        if (!TOKEN_RETRY_STATUS.has(response.status) || attempt >= 3) break;
        const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
        if (Number.isFinite(retryAfter)) wait = retryAfter * 1000;
        await response.body?.cancel();
      } catch (err) {
        if (signal?.aborted || attempt >= 3) throw err;
      }
      await abortableSleep(Math.min(wait, 10_000), signal);
    }
    const text = await response.text();
    if (!response.ok) throw await authenticationError(response.status, text);
    let body: { access_token?: unknown; expires_in?: unknown; token_type?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw await authenticationError(response.status, { error: 'invalid_response', error_description: `The token endpoint at ${url} did not return JSON.` });
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw await authenticationError(response.status, {
        error: 'invalid_response',
        error_description: `The token endpoint at ${url} returned no access_token.`,
      });
    }
    const expiresIn = Number(body.expires_in);
    const now = (this.options.now ?? Date.now)();
    const lifetime = (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000;
    const margin = this.options.refreshBeforeExpiryInMs ?? 5 * 60_000;
    return {
      token: body.access_token,
      expiresOnTimestamp: now + lifetime,
      // Refreshed `margin` before expiry, or halfway for tokens shorter than twice the margin.
      refreshAfterTimestamp: now + Math.max(lifetime - margin, lifetime / 2),
      tokenType: 'Bearer',
    };
  }
}
