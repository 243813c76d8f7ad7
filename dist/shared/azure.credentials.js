const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { existsSync } = require("node:fs");
const { homedir } = require("node:os");
const { delimiter, join } = require("node:path");
import {
  createArmClient,
  workspaceResourceId
} from "./azure.arm.js";
import {
  DEFAULT_RETRY_OPTIONS,
  abortableSleep,
  translateAzureError,
  useRetryPolicy
} from "./azure.errors.js";
import {
  getIDToken,
  info,
  setSecret
} from "./actions.js";
import {
  ConfigurationError
} from "./core.errors.js";
import {
  ServiceClient,
  authorizeRequestOnClaimChallenge
} from "./azure-core.serializer.js";
import {
  bearerTokenAuthenticationPolicy,
  bearerTokenAuthenticationPolicyName
} from "./azure-core.nodeHttpClient.js";

// src/azure/cloud.ts
var AZURE_CLOUD_NAMES = ["AzureCloud", "AzureChinaCloud", "AzureUSGovernment"];
var EMULATOR_HOST_ENV = "AZUREML_EMULATOR_HOST";
var KNOWN = {
  AzureCloud: {
    armEndpoint: "https://management.azure.com",
    authorityHost: "https://login.microsoftonline.com",
    storageSuffix: "core.windows.net",
    storageScope: "https://storage.azure.com/.default",
    studioUrl: "https://ml.azure.com"
  },
  AzureChinaCloud: {
    armEndpoint: "https://management.chinacloudapi.cn",
    authorityHost: "https://login.chinacloudapi.cn",
    storageSuffix: "core.chinacloudapi.cn",
    storageScope: "https://storage.azure.com/.default",
    studioUrl: "https://studio.ml.azure.cn"
  },
  AzureUSGovernment: {
    armEndpoint: "https://management.usgovcloudapi.net",
    authorityHost: "https://login.microsoftonline.us",
    storageSuffix: "core.usgovcloudapi.net",
    storageScope: "https://storage.azure.com/.default",
    studioUrl: "https://ml.azure.us"
  }
};
function emulatorHost(env = process.env) {
  const raw = env[EMULATOR_HOST_ENV]?.trim();
  if (!raw) return void 0;
  const withoutScheme = raw.replace(/^https?:\/\//i, "").replace(/\/+$/, "");
  const match = /^(\[[0-9a-f:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/i.exec(withoutScheme);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
    throw new ConfigurationError(`${EMULATOR_HOST_ENV} must be host:port (e.g. 127.0.0.1:8090), got '${raw}'.`);
  }
  return withoutScheme;
}
function resolveCloud(options = {}) {
  const env = options.env ?? process.env;
  const host = emulatorHost(env);
  if (host) {
    const baseUrl = `http://${host}`;
    return {
      name: "Emulator",
      armEndpoint: baseUrl,
      authorityHost: baseUrl,
      // The emulator plays the public cloud: tokens are for the real ARM audience.
      armScope: "https://management.azure.com/.default",
      storageSuffix: KNOWN.AzureCloud.storageSuffix,
      storageScope: KNOWN.AzureCloud.storageScope,
      studioUrl: `${baseUrl}/studio`,
      emulator: { host, baseUrl }
    };
  }
  const name = parseCloudName(options.cloud);
  const known = KNOWN[name];
  const armEndpoint = options.armEndpoint ? endpointOverride("arm-endpoint", options.armEndpoint) : known.armEndpoint;
  const authorityHost = options.authorityHost ? endpointOverride("authority-host", options.authorityHost) : known.authorityHost;
  return { name, ...known, armEndpoint, authorityHost, armScope: `${armEndpoint}/.default` };
}
function parseCloudName(value) {
  if (!value || value.trim() === "") return "AzureCloud";
  const wanted = value.trim().toLowerCase();
  const found = AZURE_CLOUD_NAMES.find((n) => n.toLowerCase() === wanted);
  if (!found) {
    throw new ConfigurationError(`Input 'cloud' must be one of ${AZURE_CLOUD_NAMES.join(", ")}; got '${value}'.`, {
      input: "cloud",
      hint: `Valid values: ${AZURE_CLOUD_NAMES.join(", ")}.`
    });
  }
  return found;
}
var LOOPBACK = /* @__PURE__ */ new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
function endpointOverride(input, value) {
  let url;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigurationError(`Input '${input}' is not a URL: '${value}'.`, {
      input,
      hint: "Give an absolute URL such as https://management.azure.com."
    });
  }
  const insecureAllowed = url.protocol === "http:" && LOOPBACK.has(url.hostname);
  if (url.protocol !== "https:" && !insecureAllowed) {
    throw new ConfigurationError(`Input '${input}' must be an https URL, got '${value}'.`, {
      input,
      hint: "Plain http is accepted only for loopback hosts (127.0.0.1, localhost)."
    });
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigurationError(`Input '${input}' must not have a query, fragment or user info: '${value}'.`, {
      input
    });
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}
function studioUrl(cloud, workspaceId, path, tenantId) {
  const url = new URL(`${cloud.studioUrl}/${path.replace(/^\/+/, "")}`);
  url.searchParams.set("wsid", workspaceId);
  if (tenantId) url.searchParams.set("tid", tenantId);
  return url.toString();
}

// src/azure/credentials.ts
var OIDC_AUDIENCE = "api://AzureADTokenExchange";
function chooseCredential(inputs, cloud, deps = {}) {
  const env = deps.env ?? process.env;
  const setSecret2 = deps.setSecret ?? ((s) => setSecret(s));
  const info2 = deps.info ?? ((m) => info(m));
  const getIDToken2 = deps.getIDToken ?? ((aud) => getIDToken(aud));
  const clientId = inputs.clientId?.trim() || void 0;
  const tenantId = inputs.tenantId?.trim() || void 0;
  const clientSecret = inputs.clientSecret || void 0;
  if (clientSecret) setSecret2(clientSecret);
  const oidcOffered = Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL);
  const choose = (kind, credential, description) => {
    info2(`Azure credential: ${description}.`);
    return { kind, credential: maskTokens(credential, setSecret2), description };
  };
  if (cloud.emulator) {
    const useAssertion = oidcOffered && clientId !== void 0 && clientSecret === void 0;
    const credential = new EmulatorCredential({
      baseUrl: cloud.emulator.baseUrl,
      tenantId: tenantId ?? deps.emulatorTenantId ?? "emulator",
      clientId: clientId ?? "azureml-actions",
      ...useAssertion ? { getAssertion: oidcAssertionProvider(getIDToken2) } : { clientSecret: clientSecret ?? env.AZURE_CLIENT_SECRET ?? "emulator" },
      fetch: deps.fetch
    });
    return choose("emulator", credential, `emulator token endpoint at ${cloud.emulator.baseUrl} (${useAssertion ? "OIDC assertion" : "client secret"})`);
  }
  if (clientId === void 0 !== (tenantId === void 0)) {
    const missing = clientId === void 0 ? "client-id" : "tenant-id";
    throw new ConfigurationError(`Input '${missing}' is required when '${missing === "client-id" ? "tenant-id" : "client-id"}' is given.`, {
      input: missing,
      hint: "Give both client-id and tenant-id (OIDC or client secret), or neither to use the azure/login session."
    });
  }
  if (clientSecret && clientId === void 0) {
    throw new ConfigurationError(`Input 'client-secret' needs 'client-id' and 'tenant-id'.`, { input: "client-id" });
  }
  if (clientId && tenantId) {
    const authority = authorityOptions(cloud);
    if (oidcOffered) {
      if (clientSecret) info2("Both OIDC and client-secret are available; using OIDC (client-secret is ignored).");
      return choose(
        "oidc",
        lazyCredential((id) => new id.ClientAssertionCredential(tenantId, clientId, oidcAssertionProvider(getIDToken2), authority)),
        "OIDC federated credential (client-id, tenant-id and the workflow ID token)"
      );
    }
    if (clientSecret) {
      return choose(
        "client-secret",
        lazyCredential((id) => new id.ClientSecretCredential(tenantId, clientId, clientSecret, authority)),
        "service principal with client secret (client-id, tenant-id, client-secret)"
      );
    }
    throw new ConfigurationError("client-id and tenant-id are given, but neither OIDC nor a client secret is available.", {
      input: "client-id",
      hint: "For OIDC add `permissions: id-token: write` to the job; otherwise pass client-secret."
    });
  }
  if ((deps.azureCliAvailable ?? azureCliSessionAvailable)(env)) {
    return choose(
      "azure-cli",
      lazyCredential((id) => new id.AzureCliCredential()),
      "Azure CLI session (from azure/login)"
    );
  }
  if (environmentCredentialAvailable(env)) {
    return choose(
      "environment",
      lazyCredential((id) => new id.EnvironmentCredential(authorityOptions(cloud))),
      "environment variables (AZURE_TENANT_ID, AZURE_CLIENT_ID, ...)"
    );
  }
  throw new ConfigurationError("No Azure credential is available.", {
    input: "client-id",
    hint: "Give client-id and tenant-id with `permissions: id-token: write` (OIDC), or add client-secret, or run azure/login before this step, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET."
  });
}
var identity;
function loadIdentity() {
  return identity ??= import("./azure-identity.js");
}
function lazyCredential(build) {
  let credential;
  return {
    async getToken(scopes, options) {
      credential ??= loadIdentity().then(build);
      return (await credential).getToken(scopes, options);
    }
  };
}
async function authenticationError(status, body) {
  const { AuthenticationError } = await loadIdentity();
  return new AuthenticationError(status, body);
}
var PUBLIC_AUTHORITY_HOSTS = /* @__PURE__ */ new Set([
  "login.microsoftonline.com",
  "login.microsoft.com",
  "login.windows.net",
  "login.chinacloudapi.cn",
  "login.microsoftonline.us"
]);
function authorityOptions(cloud) {
  let host = "";
  try {
    host = new URL(cloud.authorityHost).host.toLowerCase();
  } catch {
  }
  return PUBLIC_AUTHORITY_HOSTS.has(host) ? { authorityHost: cloud.authorityHost } : { authorityHost: cloud.authorityHost, disableInstanceDiscovery: true };
}
function oidcAssertionProvider(getIDToken2) {
  return async () => {
    try {
      return await getIDToken2(OIDC_AUDIENCE);
    } catch (error) {
      throw new ConfigurationError(`Could not get the workflow's OIDC ID token: ${error instanceof Error ? error.message.trim() : String(error)}`, {
        hint: "Add `permissions: id-token: write` to the job (pull requests from forks get no ID token).",
        cause: error
      });
    }
  };
}
function azureCliSessionAvailable(env = process.env) {
  const configDir = env.AZURE_CONFIG_DIR || join(env.HOME || homedir(), ".azure");
  if (!existsSync(join(configDir, "azureProfile.json"))) return false;
  const names = process.platform === "win32" ? ["az.cmd", "az.exe", "az"] : ["az"];
  return (env.PATH ?? "").split(delimiter).filter(Boolean).some((dir) => names.some((n) => existsSync(join(dir, n))));
}
function environmentCredentialAvailable(env = process.env) {
  if (!env.AZURE_TENANT_ID || !env.AZURE_CLIENT_ID) return false;
  return Boolean(env.AZURE_CLIENT_SECRET || env.AZURE_CLIENT_CERTIFICATE_PATH || env.AZURE_USERNAME && env.AZURE_PASSWORD);
}
function maskTokens(credential, setSecret2) {
  const masked = /* @__PURE__ */ new Set();
  return {
    async getToken(scopes, options) {
      let token;
      try {
        token = await credential.getToken(scopes, options);
      } catch (error) {
        throw translateAzureError(error, "signing in to Azure");
      }
      if (token && !masked.has(token.token)) {
        setSecret2(token.token);
        if (masked.size >= 16) masked.clear();
        masked.add(token.token);
      }
      return token;
    }
  };
}
var TOKEN_RETRY_STATUS = /* @__PURE__ */ new Set([429, 500, 502, 503, 504]);
var EmulatorCredential = class {
  cache = /* @__PURE__ */ new Map();
  options;
  constructor(options) {
    if (!options.clientSecret && !options.getAssertion) {
      throw new TypeError("EmulatorCredential needs a clientSecret or a getAssertion callback.");
    }
    this.options = { ...options, baseUrl: options.baseUrl.replace(/\/+$/, "") };
  }
  async getToken(scopes, options) {
    const scope = (Array.isArray(scopes) ? scopes : [scopes]).join(" ");
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(scope);
    if (cached) {
      try {
        const token = await cached;
        if (now < (token.refreshAfterTimestamp ?? token.expiresOnTimestamp)) return token;
      } catch {
      }
    }
    const pending = this.requestToken(scope, options);
    this.cache.set(scope, pending);
    pending.catch(() => {
      if (this.cache.get(scope) === pending) this.cache.delete(scope);
    });
    return pending;
  }
  async requestToken(scope, options) {
    const { baseUrl, tenantId, clientId, clientSecret, getAssertion } = this.options;
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, scope });
    if (clientSecret) form.set("client_secret", clientSecret);
    else if (getAssertion) {
      form.set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
      form.set("client_assertion", await getAssertion());
    }
    const url = `${baseUrl}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
    const doFetch = this.options.fetch ?? fetch;
    const signal = options?.abortSignal;
    let response;
    for (let attempt = 0; ; attempt++) {
      let wait = 1e3 * 2 ** attempt;
      try {
        response = await doFetch(url, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body: form.toString(),
          signal
        });
        if (!TOKEN_RETRY_STATUS.has(response.status) || attempt >= 3) break;
        const retryAfter = Number(response.headers.get("retry-after") ?? NaN);
        if (Number.isFinite(retryAfter)) wait = retryAfter * 1e3;
        await response.body?.cancel();
      } catch (err) {
        if (signal?.aborted || attempt >= 3) throw err;
      }
      await abortableSleep(Math.min(wait, 1e4), signal);
    }
    const text = await response.text();
    if (!response.ok) throw await authenticationError(response.status, text);
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      throw await authenticationError(response.status, { error: "invalid_response", error_description: `The token endpoint at ${url} did not return JSON.` });
    }
    if (typeof body.access_token !== "string" || body.access_token === "") {
      throw await authenticationError(response.status, {
        error: "invalid_response",
        error_description: `The token endpoint at ${url} returned no access_token.`
      });
    }
    const expiresIn = Number(body.expires_in);
    const now = (this.options.now ?? Date.now)();
    const lifetime = (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1e3;
    const margin = this.options.refreshBeforeExpiryInMs ?? 5 * 6e4;
    return {
      token: body.access_token,
      expiresOnTimestamp: now + lifetime,
      // Refreshed `margin` before expiry, or halfway for tokens shorter than twice the margin.
      refreshAfterTimestamp: now + Math.max(lifetime - margin, lifetime / 2),
      tokenType: "Bearer"
    };
  }
};

// src/azure/version.ts
var VERSION = "0.1.0";
var PRODUCT = "azureml-actions";

// src/azure/context.ts
async function readAzureInputs(reader, deps = {}) {
  const cloud = resolveCloud({
    cloud: reader.optional("cloud"),
    armEndpoint: reader.optional("arm-endpoint"),
    authorityHost: reader.optional("authority-host"),
    env: deps.env
  });
  const emulator = cloud.emulator ? await fetchEmulatorInfo(cloud.emulator.baseUrl, deps.fetch) : void 0;
  const workspaceInput = (name, fallback) => {
    const value = reader.optional(name) ?? fallback;
    if (!value) {
      throw new ConfigurationError(`Input '${name}' is required.`, {
        input: name,
        hint: "Give subscription-id, resource-group and workspace-name of the Azure ML workspace."
      });
    }
    if (/[/?#]/.test(value)) {
      throw new ConfigurationError(`Input '${name}' must be a plain name, got '${value}'.`, { input: name });
    }
    return value;
  };
  return {
    cloud,
    subscriptionId: workspaceInput("subscription-id", emulator?.defaults.subscriptionId),
    resourceGroup: workspaceInput("resource-group", emulator?.defaults.resourceGroup),
    workspaceName: workspaceInput("workspace-name", emulator?.defaults.workspaceName),
    clientId: reader.optional("client-id"),
    tenantId: reader.optional("tenant-id"),
    clientSecret: reader.secret("client-secret"),
    emulator
  };
}
async function fetchEmulatorInfo(baseUrl, fetchImpl = fetch) {
  const url = `${baseUrl.replace(/\/+$/, "")}/.emulator/info`;
  let response;
  try {
    response = await fetchImpl(url, { headers: { accept: "application/json" } });
  } catch (error) {
    throw new ConfigurationError(`The Azure ML emulator at ${baseUrl} does not answer (${error.message}).`, {
      hint: "Start it (npm run emulator) or unset AZUREML_EMULATOR_HOST.",
      cause: error
    });
  }
  if (!response.ok) {
    throw new ConfigurationError(`${url} returned HTTP ${response.status}; is AZUREML_EMULATOR_HOST pointing at the emulator?`);
  }
  const info2 = await response.json();
  const d = info2.defaults;
  if (typeof info2.blobEndpoint !== "string" || typeof info2.tenantId !== "string" || !d || typeof d.subscriptionId !== "string" || typeof d.resourceGroup !== "string" || typeof d.workspaceName !== "string") {
    throw new Error(`${url} returned an unexpected body: ${JSON.stringify(info2).slice(0, 300)}`);
  }
  return info2;
}
async function createAzureContext(settings, deps = {}) {
  const { cloud } = settings;
  const info2 = deps.info ?? ((m) => info(m));
  const emulator = settings.emulator ?? (cloud.emulator ? await fetchEmulatorInfo(cloud.emulator.baseUrl, deps.fetch) : void 0);
  const workspace = {
    subscriptionId: settings.subscriptionId,
    resourceGroup: settings.resourceGroup,
    workspaceName: settings.workspaceName
  };
  const workspaceId = workspaceResourceId(workspace.subscriptionId, workspace.resourceGroup, workspace.workspaceName);
  let credential;
  let credentialKind;
  if (deps.credential) {
    credential = deps.credential;
    credentialKind = deps.credentialKind ?? (cloud.emulator ? "emulator" : "environment");
  } else {
    const choice = chooseCredential(settings, cloud, {
      info: info2,
      emulatorTenantId: emulator?.tenantId,
      fetch: deps.fetch,
      ...deps.credentialDeps
    });
    credential = choice.credential;
    credentialKind = choice.kind;
  }
  const actionName = deps.actionName ?? (process.env.GITHUB_ACTION || PRODUCT);
  const userAgent = `${PRODUCT}/${deps.version ?? VERSION} (${actionName})`;
  const insecure = cloud.armEndpoint.startsWith("http://");
  const retry = {
    maxRetries: deps.retry?.maxRetries ?? DEFAULT_RETRY_OPTIONS.maxRetries,
    retryDelayInMs: deps.retry?.retryDelayInMs ?? DEFAULT_RETRY_OPTIONS.retryDelayInMs,
    maxRetryDelayInMs: deps.retry?.maxRetryDelayInMs ?? DEFAULT_RETRY_OPTIONS.maxRetryDelayInMs,
    tryTimeoutInMs: deps.retry?.tryTimeoutInMs ?? DEFAULT_RETRY_OPTIONS.tryTimeoutInMs
  };
  const configure = (pipeline) => {
    useRetryPolicy(pipeline, {
      ...deps.retry,
      ...retry,
      onRetry: deps.retry?.onRetry ?? ((e) => info2(`${e.method} ${e.url}: ${e.reason}; retry ${e.retry} of ${e.maxRetries} in ${(e.delayInMs / 1e3).toFixed(1)} s.`))
    });
    if (insecure) {
      pipeline.removePolicy({ name: bearerTokenAuthenticationPolicyName });
      pipeline.addPolicy(plainBearerTokenPolicy(credential, [cloud.armScope]), { phase: "Sign" });
    }
  };
  const client = new ServiceClient({
    endpoint: cloud.armEndpoint,
    credentialScopes: [cloud.armScope],
    allowInsecureConnection: insecure,
    credential,
    requestContentType: "application/json; charset=utf-8",
    userAgentOptions: { userAgentPrefix: userAgent }
  });
  client.pipeline.removePolicy({ name: bearerTokenAuthenticationPolicyName });
  client.pipeline.addPolicy(
    bearerTokenAuthenticationPolicy({
      credential,
      scopes: [cloud.armScope],
      challengeCallbacks: { authorizeRequestOnChallenge: authorizeRequestOnClaimChallenge }
    })
  );
  configure(client.pipeline);
  const arm = createArmClient({
    endpoint: cloud.armEndpoint,
    workspaceId,
    sendRequest: (request) => client.sendRequest(request),
    allowInsecureConnection: insecure,
    pollIntervalInMs: deps.pollIntervalInMs,
    sleep: deps.sleep,
    now: deps.now
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
    studioUrl: (path) => studioUrl(cloud, workspaceId, path, tenantId)
  };
}
var plainBearerTokenPolicyName = "azuremlActionsPlainBearerTokenPolicy";
function plainBearerTokenPolicy(credential, scopes) {
  return {
    name: plainBearerTokenPolicyName,
    async sendRequest(request, next) {
      const token = await credential.getToken(scopes, { abortSignal: request.abortSignal });
      if (!token) throw new Error(`The credential returned no token for ${scopes.join(" ")}.`);
      request.headers.set("authorization", `Bearer ${token.token}`);
      return next(request);
    }
  };
}

export {
  readAzureInputs,
  fetchEmulatorInfo,
  createAzureContext,
  plainBearerTokenPolicyName,
  plainBearerTokenPolicy
};
