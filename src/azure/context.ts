/**
 * The connection every action shares: inputs → settings → an {@link AzureContext} holding the
 * credential, the cloud, the workspace ids, and our {@link ArmClient} on ONE authenticated pipeline
 * (credential, retry policy, user agent). Another client built with the context's credential gets
 * the same policies from {@link AzureContext.configurePipeline}.
 */
import * as core from '@actions/core';
import { authorizeRequestOnClaimChallenge, ServiceClient } from '@azure/core-client';
import { bearerTokenAuthenticationPolicy, bearerTokenAuthenticationPolicyName, type Pipeline, type PipelinePolicy } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { ConfigurationError } from '../core/errors.js';
import type { InputReader } from '../core/inputs.js';
import { createArmClient, workspaceResourceId, type ArmClient } from './arm.js';
import { resolveCloud, studioUrl, type AzureCloud } from './cloud.js';
import { chooseCredential, type CredentialDeps, type CredentialKind } from './credentials.js';
import { DEFAULT_RETRY_OPTIONS, useRetryPolicy, type AbortSignalLike, type RetryOptions, type RetryPolicyOptions } from './retry.js';
import { PRODUCT, VERSION } from './version.js';

/** What the emulator tells about itself at `GET /.emulator/info` (anonymous). */
export interface EmulatorInfo {
  /** e.g. `http://127.0.0.1:10000/devstoreaccount1` (Azurite). */
  blobEndpoint: string;
  tenantId: string;
  defaults: { subscriptionId: string; resourceGroup: string; workspaceName: string };
}

export interface WorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
}

/** The resolved connection inputs. */
export interface AzureSettings extends WorkspaceRef {
  cloud: AzureCloud;
  clientId?: string;
  tenantId?: string;
  clientSecret?: string;
  /** Set in emulator mode. */
  emulator?: EmulatorInfo;
}

export interface ReadAzureInputsDeps {
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

/**
 * Reads the shared connection inputs: `subscription-id`, `resource-group`, `workspace-name`,
 * `client-id`, `tenant-id`, `client-secret`, `cloud`, `arm-endpoint`, `authority-host`. In emulator
 * mode the workspace inputs default to the emulator's defaults.
 */
export async function readAzureInputs(reader: InputReader, deps: ReadAzureInputsDeps = {}): Promise<AzureSettings> {
  const cloud = resolveCloud({
    cloud: reader.optional('cloud'),
    armEndpoint: reader.optional('arm-endpoint'),
    authorityHost: reader.optional('authority-host'),
    env: deps.env,
  });
  const emulator = cloud.emulator ? await fetchEmulatorInfo(cloud.emulator.baseUrl, deps.fetch) : undefined;

  const workspaceInput = (name: string, fallback: string | undefined): string => {
    const value = reader.optional(name) ?? fallback;
    if (!value) {
      throw new ConfigurationError(`Input '${name}' is required.`, {
        input: name,
        hint: 'Give subscription-id, resource-group and workspace-name of the Azure ML workspace.',
      });
    }
    if (/[/?#]/.test(value)) {
      throw new ConfigurationError(`Input '${name}' must be a plain name, got '${value}'.`, { input: name });
    }
    return value;
  };

  return {
    cloud,
    subscriptionId: workspaceInput('subscription-id', emulator?.defaults.subscriptionId),
    resourceGroup: workspaceInput('resource-group', emulator?.defaults.resourceGroup),
    workspaceName: workspaceInput('workspace-name', emulator?.defaults.workspaceName),
    clientId: reader.optional('client-id'),
    tenantId: reader.optional('tenant-id'),
    clientSecret: reader.secret('client-secret'),
    emulator,
  };
}

/** Reads `/.emulator/info`; a clear error when the emulator does not answer. */
export async function fetchEmulatorInfo(baseUrl: string, fetchImpl: typeof fetch = fetch): Promise<EmulatorInfo> {
  const url = `${baseUrl.replace(/\/+$/, '')}/.emulator/info`;
  let response: Response;
  try {
    response = await fetchImpl(url, { headers: { accept: 'application/json' } });
  } catch (error) {
    throw new ConfigurationError(`The Azure ML emulator at ${baseUrl} does not answer (${(error as Error).message}).`, {
      hint: 'Start it (npm run emulator) or unset AZUREML_EMULATOR_HOST.',
      cause: error,
    });
  }
  if (!response.ok) {
    throw new ConfigurationError(`${url} returned HTTP ${response.status}; is AZUREML_EMULATOR_HOST pointing at the emulator?`);
  }
  const info = (await response.json()) as Partial<EmulatorInfo>;
  const d = info.defaults;
  if (
    typeof info.blobEndpoint !== 'string' ||
    typeof info.tenantId !== 'string' ||
    !d ||
    typeof d.subscriptionId !== 'string' ||
    typeof d.resourceGroup !== 'string' ||
    typeof d.workspaceName !== 'string'
  ) {
    throw new Error(`${url} returned an unexpected body: ${JSON.stringify(info).slice(0, 300)}`);
  }
  return info as EmulatorInfo;
}

export interface AzureContext {
  cloud: AzureCloud;
  credential: TokenCredential;
  credentialKind: CredentialKind;
  workspace: WorkspaceRef;
  /** `/subscriptions/.../workspaces/<name>`. */
  workspaceId: string;
  /** Tenant, when known (input or emulator). */
  tenantId?: string;
  /** The pipeline every ARM request goes through: credential, retry policy, user agent. */
  client: ServiceClient;
  /**
   * Puts {@link client}'s retry policy (and, over http, its bearer policy) on the pipeline of
   * another ARM client built with {@link credential}.
   */
  configurePipeline(pipeline: Pipeline): void;
  /** Any ARM request (api-version 2024-10-01 by default) on {@link client}'s pipeline. */
  arm: ArmClient;
  emulator?: EmulatorInfo;
  userAgent: string;
  /** The retry settings in force, for other clients (storage). */
  retry: Required<RetryOptions>;
  /** A studio link for a path such as `runs/<job>`. */
  studioUrl(path: string): string;
}

export interface AzureContextDeps {
  /** Shown in the user agent. Default: `GITHUB_ACTION` or `azureml-actions`. */
  actionName?: string;
  version?: string;
  /** Retry settings (and test hooks: sleep, random, onRetry). */
  retry?: RetryPolicyOptions;
  /** Use this credential instead of choosing one. */
  credential?: TokenCredential;
  credentialKind?: CredentialKind;
  credentialDeps?: CredentialDeps;
  /** LRO poll interval when no Retry-After is sent. */
  pollIntervalInMs?: number;
  sleep?: (ms: number, abortSignal?: AbortSignalLike) => Promise<void>;
  now?: () => number;
  fetch?: typeof fetch;
  /** Default core.info. */
  info?: (message: string) => void;
}

export async function createAzureContext(settings: AzureSettings, deps: AzureContextDeps = {}): Promise<AzureContext> {
  const { cloud } = settings;
  const info = deps.info ?? ((m: string) => core.info(m));
  const emulator = settings.emulator ?? (cloud.emulator ? await fetchEmulatorInfo(cloud.emulator.baseUrl, deps.fetch) : undefined);
  const workspace: WorkspaceRef = {
    subscriptionId: settings.subscriptionId,
    resourceGroup: settings.resourceGroup,
    workspaceName: settings.workspaceName,
  };
  const workspaceId = workspaceResourceId(workspace.subscriptionId, workspace.resourceGroup, workspace.workspaceName);

  let credential: TokenCredential;
  let credentialKind: CredentialKind;
  if (deps.credential) {
    credential = deps.credential;
    credentialKind = deps.credentialKind ?? (cloud.emulator ? 'emulator' : 'environment');
  } else {
    const choice = chooseCredential(settings, cloud, {
      info,
      emulatorTenantId: emulator?.tenantId,
      fetch: deps.fetch,
      ...deps.credentialDeps,
    });
    credential = choice.credential;
    credentialKind = choice.kind;
  }

  const actionName = deps.actionName ?? (process.env.GITHUB_ACTION || PRODUCT);
  const userAgent = `${PRODUCT}/${deps.version ?? VERSION} (${actionName})`;
  const insecure = cloud.armEndpoint.startsWith('http://');
  const retry: Required<RetryOptions> = {
    maxRetries: deps.retry?.maxRetries ?? DEFAULT_RETRY_OPTIONS.maxRetries,
    retryDelayInMs: deps.retry?.retryDelayInMs ?? DEFAULT_RETRY_OPTIONS.retryDelayInMs,
    maxRetryDelayInMs: deps.retry?.maxRetryDelayInMs ?? DEFAULT_RETRY_OPTIONS.maxRetryDelayInMs,
    tryTimeoutInMs: deps.retry?.tryTimeoutInMs ?? DEFAULT_RETRY_OPTIONS.tryTimeoutInMs,
  };
  /** Our retry policy, and the bearer policy for http (the emulator), on a client's pipeline. */
  const configure = (pipeline: Pipeline): void => {
    useRetryPolicy(pipeline, {
      ...deps.retry,
      ...retry,
      onRetry:
        deps.retry?.onRetry ?? ((e) => info(`${e.method} ${e.url}: ${e.reason}; retry ${e.retry} of ${e.maxRetries} in ${(e.delayInMs / 1000).toFixed(1)} s.`)),
    });
    if (insecure) {
      // core-rest-pipeline's bearer policy refuses plain http; the emulator (loopback) is http.
      pipeline.removePolicy({ name: bearerTokenAuthenticationPolicyName });
      pipeline.addPolicy(plainBearerTokenPolicy(credential, [cloud.armScope]), { phase: 'Sign' });
    }
  };
  // What the SDK client's constructor sets up, without its operations: JSON content type, our
  // user agent, and a bearer policy that answers claims challenges (CAE).
  const client = new ServiceClient({
    endpoint: cloud.armEndpoint,
    credentialScopes: [cloud.armScope],
    allowInsecureConnection: insecure,
    credential,
    requestContentType: 'application/json; charset=utf-8',
    userAgentOptions: { userAgentPrefix: userAgent },
  });
  client.pipeline.removePolicy({ name: bearerTokenAuthenticationPolicyName });
  client.pipeline.addPolicy(
    bearerTokenAuthenticationPolicy({
      credential,
      scopes: [cloud.armScope],
      challengeCallbacks: { authorizeRequestOnChallenge: authorizeRequestOnClaimChallenge },
    }),
  );
  configure(client.pipeline);

  const arm = createArmClient({
    endpoint: cloud.armEndpoint,
    workspaceId,
    sendRequest: (request) => client.sendRequest(request),
    allowInsecureConnection: insecure,
    pollIntervalInMs: deps.pollIntervalInMs,
    sleep: deps.sleep,
    now: deps.now,
  });

  const tenantId = settings.tenantId ?? emulator?.tenantId;
  return {
    cloud,
    credential,
    credentialKind,
    workspace,
    workspaceId,
    tenantId,
    arm,
    emulator,
    userAgent,
    retry,
    client,
    configurePipeline: configure,
    studioUrl: (path) => studioUrl(cloud, workspaceId, path, tenantId),
  };
}

export const plainBearerTokenPolicyName = 'azuremlActionsPlainBearerTokenPolicy';

/**
 * Sets `Authorization: Bearer <token>` from the credential on every request, over http too. Used
 * only for the loopback emulator; https endpoints keep core-rest-pipeline's own policy.
 */
export function plainBearerTokenPolicy(credential: TokenCredential, scopes: string[]): PipelinePolicy {
  return {
    name: plainBearerTokenPolicyName,
    async sendRequest(request, next) {
      const token = await credential.getToken(scopes, { abortSignal: request.abortSignal });
      if (!token) throw new Error(`The credential returned no token for ${scopes.join(' ')}.`);
      request.headers.set('authorization', `Bearer ${token.token}`);
      return next(request);
    },
  };
}
