const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { existsSync } = require("node:fs");
const { homedir } = require("node:os");
const { delimiter, join } = require("node:path");
import {
  DEFAULT_RETRY_OPTIONS,
  abortableSleep,
  createArmClient,
  createRetryPolicy,
  getRetryInfo,
  mapWithConcurrency,
  translateAzureError,
  useRetryPolicy,
  withAzureOperation,
  workspaceResourceId
} from "./azure.js";
import {
  getIDToken,
  info,
  isObj,
  setSecret
} from "./actions.js";
import {
  ConfigurationError,
  errorMessage
} from "./core.errors.js";
import {
  ServiceClient,
  authorizeRequestOnClaimChallenge
} from "./azure-core.serializer.js";
import {
  bearerTokenAuthenticationPolicy,
  bearerTokenAuthenticationPolicyName,
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  isRestError
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

// src/core/text.ts
function closest(word, options) {
  let best;
  let bestD = 4;
  for (const o of options) {
    const d = editDistance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return best;
}
function editDistance(a, b) {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

// src/metrics/source.ts
function sortHistory(points) {
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (a.step > b.step || a.step === b.step && (a.timestamp ?? 0) > (b.timestamp ?? 0)) {
      return points.sort((x, y) => x.step - y.step || (x.timestamp ?? 0) - (y.timestamp ?? 0));
    }
  }
  return points;
}
function closestNames(word, options, max = 3) {
  const squash = (s) => s.toLowerCase().replace(/[\s_\-./]+/g, "");
  const out = [];
  for (const o of options) if (o !== word && squash(o) === squash(word) && out.length < max) out.push(o);
  let rest = options.filter((o) => o !== word && !out.includes(o));
  while (out.length < max) {
    const next = closest(word, rest);
    if (next === void 0) break;
    out.push(next);
    rest = rest.filter((o) => o !== next);
  }
  const leaf = word.includes(".") ? word.slice(word.lastIndexOf(".") + 1) : word;
  const lower = word.toLowerCase();
  const related = (o) => {
    const l = o.toLowerCase();
    return o.endsWith(`.${leaf}`) || o === leaf || l.split(/[\s_\-./]+/).includes(lower) || lower.length >= 3 && l.startsWith(lower);
  };
  for (const o of options) {
    if (out.length >= max) break;
    if (!out.includes(o) && o !== word && related(o)) out.push(o);
  }
  return out;
}
function quoteList(names, conjunction = "or") {
  const q = names.map((n) => `'${n}'`);
  if (q.length <= 1) return q.join("");
  return `${q.slice(0, -1).join(", ")} ${conjunction} ${q[q.length - 1]}`;
}
function nameListForMessage(names, max = 15) {
  const sorted = [...names].sort();
  if (sorted.length === 0) return "none";
  return sorted.length <= max ? sorted.join(", ") : `${sorted.slice(0, max).join(", ")} (and ${sorted.length - max} more)`;
}
function createStaticSource(kind, description, metrics) {
  const stats = { requests: 0, points: 0, histories: 0 };
  return {
    kind,
    description,
    async names() {
      return [...metrics.keys()];
    },
    async fetch(names) {
      const out = /* @__PURE__ */ new Map();
      for (const name of names ?? metrics.keys()) {
        const h = metrics.get(name);
        if (h !== void 0) {
          out.set(name, h);
          stats.histories++;
          stats.points += h.length;
        }
      }
      return out;
    },
    stats: () => ({ ...stats })
  };
}

// src/metrics/mlflow-databricks.ts
var EARLY_MS = 6e4;
function databricksOAuthToken(s, httpClient, now = Date.now) {
  let current;
  let pending;
  const fix = "Set DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET to the OAuth secret of a service principal of this workspace (or give mlflow-token, a personal access token).";
  async function fetchToken() {
    const url = `${s.host.replace(/\/+$/, "")}/oidc/v1/token`;
    const request = createPipelineRequest({
      url,
      method: "POST",
      headers: createHttpHeaders({
        authorization: `Basic ${Buffer.from(`${s.clientId}:${s.clientSecret}`, "utf8").toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json"
      }),
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "all-apis" }).toString(),
      allowInsecureConnection: url.startsWith("http:")
    });
    let status;
    let text;
    try {
      const response = await httpClient.sendRequest(request);
      status = response.status;
      text = response.bodyAsText ?? "";
    } catch (error) {
      throw new ConfigurationError(`The Databricks workspace ${s.host} does not answer at ${url} (${errorMessage(error)}).`, {
        hint: "Check DATABRICKS_HOST / mlflow-tracking-uri: the workspace address, e.g. https://adb-<id>.<n>.azuredatabricks.net.",
        cause: error
      });
    }
    let body = {};
    try {
      body = JSON.parse(text);
    } catch {
    }
    if (status < 200 || status >= 300 || typeof body.access_token !== "string") {
      const said = typeof body.error_description === "string" ? `: ${body.error_description}` : typeof body.error === "string" ? `: ${body.error}` : "";
      throw new ConfigurationError(
        `The Databricks workspace ${s.host} refused the OAuth client credentials of DATABRICKS_CLIENT_ID '${s.clientId}' (HTTP ${status}${said}).`,
        { hint: fix }
      );
    }
    const seconds = typeof body.expires_in === "number" ? body.expires_in : Number(body.expires_in ?? 3600);
    s.mask?.(body.access_token);
    const lifetimeMs = (Number.isFinite(seconds) && seconds > 0 ? seconds : 3600) * 1e3;
    current = { token: body.access_token, renewAt: now() + lifetimeMs - Math.min(EARLY_MS, lifetimeMs / 2) };
    return current.token;
  }
  return async () => {
    if (current && now() < current.renewAt) return current.token;
    pending ??= fetchToken().finally(() => {
      pending = void 0;
    });
    return pending;
  };
}

// src/metrics/mlflow.ts
var MAX_HISTORY_PAGE_SIZE = 25e3;
var DEFAULT_HISTORY_PAGE_SIZE = MAX_HISTORY_PAGE_SIZE;
var DEFAULT_CONCURRENCY = 8;
var SEARCH_PAGE_SIZE = 1e3;
var MlflowRequestError = class extends Error {
  constructor(message, statusCode, errorCode, options) {
    super(message, options);
    this.statusCode = statusCode;
    this.errorCode = errorCode;
  }
  statusCode;
  errorCode;
  name = "MlflowRequestError";
};
function normalizeTrackingUri(uri, input) {
  const trimmed = uri.trim().replace(/\/+$/, "").replace(/\/api\/2\.0\/mlflow$/i, "");
  let parsed;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new ConfigurationError(`'${uri}' is not a valid MLflow tracking URI.`, {
      input,
      hint: "Give the http(s) address of the MLflow tracking server, e.g. https://mlflow.example.com."
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    const hint = parsed.protocol === "databricks:" ? "Write databricks (with DATABRICKS_HOST set) or the workspace address, e.g. https://<workspace>.cloud.databricks.com; Databricks CLI profiles (databricks://<profile>) are not read." : parsed.protocol === "file:" ? "For a local mlruns folder, give the run folder (or its metrics/ folder) as metrics-file." : "Give an http(s) address; an Azure ML workspace tracking URI (azureml://...) also works with the workspace connection inputs.";
    throw new ConfigurationError(`The MLflow tracking URI '${uri}' has the scheme ${parsed.protocol} that this action cannot read over REST.`, { input, hint });
  }
  if (parsed.username || parsed.password) {
    throw new ConfigurationError("Put MLflow credentials in mlflow-username / mlflow-password (secrets), not in the tracking URI.", { input });
  }
  return trimmed;
}
function decodeMetricValue(v) {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const t = v.trim();
    if (/^nan$/i.test(t)) return NaN;
    if (/^\+?(inf|infinity)$/i.test(t)) return Infinity;
    if (/^-(inf|infinity)$/i.test(t)) return -Infinity;
    if (t !== "" && Number.isFinite(Number(t))) return Number(t);
  }
  return void 0;
}
function keyValues(list) {
  const out = {};
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    const kv = item;
    if (typeof kv?.key === "string") out[kv.key] = typeof kv.value === "string" ? kv.value : String(kv.value ?? "");
  }
  return out;
}
function toMetric(raw) {
  const m = raw;
  if (typeof m?.key !== "string") return void 0;
  const value = decodeMetricValue(m.value);
  return {
    key: m.key,
    value: value ?? NaN,
    timestamp: Number(m.timestamp ?? 0),
    step: Number(m.step ?? 0)
  };
}
function parseRun(raw) {
  const r = raw;
  const info2 = r?.info ?? {};
  const runId = String(info2.run_id ?? info2.run_uuid ?? "");
  return {
    info: {
      run_id: runId,
      run_name: typeof info2.run_name === "string" ? info2.run_name : void 0,
      experiment_id: String(info2.experiment_id ?? ""),
      status: typeof info2.status === "string" ? info2.status : void 0,
      lifecycle_stage: typeof info2.lifecycle_stage === "string" ? info2.lifecycle_stage : void 0,
      start_time: info2.start_time === void 0 ? void 0 : Number(info2.start_time),
      end_time: info2.end_time === void 0 ? void 0 : Number(info2.end_time)
    },
    metrics: (Array.isArray(r?.data?.metrics) ? r.data.metrics : []).map(toMetric).filter((m) => m !== void 0),
    params: keyValues(r?.data?.params),
    tags: keyValues(r?.data?.tags)
  };
}
function mlflowErrorOf(text) {
  if (!text) return void 0;
  try {
    const body = JSON.parse(text);
    if (typeof body.error_code === "string" || typeof body.message === "string") {
      return { code: typeof body.error_code === "string" ? body.error_code : void 0, message: typeof body.message === "string" ? body.message : void 0 };
    }
    if (body.error && (typeof body.error.code === "string" || typeof body.error.message === "string")) {
      return {
        code: typeof body.error.code === "string" ? body.error.code : void 0,
        message: typeof body.error.message === "string" ? body.error.message : void 0
      };
    }
  } catch {
  }
  return void 0;
}
var UNREACHABLE_CODES = /* @__PURE__ */ new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "ETIMEDOUT",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID"
]);
function createMlflowClient(options) {
  const auth = options.auth ?? { kind: "none" };
  const trackingUri = auth.kind === "sigv4" ? options.trackingUri.trim() : normalizeTrackingUri(options.trackingUri, options.input);
  const apiBase = `${auth.kind === "sigv4" ? auth.endpoint.replace(/\/+$/, "") : trackingUri}/api/2.0/mlflow`;
  const server = options.serverName ?? auth.platform?.serverName ?? `the MLflow tracking server at ${trackingUri}`;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const pageSize = options.historyPageSize ?? DEFAULT_HISTORY_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_HISTORY_PAGE_SIZE) {
    throw new RangeError(`historyPageSize must be an integer from 1 to ${MAX_HISTORY_PAGE_SIZE}, got ${pageSize}`);
  }
  const stats = { requests: 0, points: 0, histories: 0 };
  const httpClient = options.httpClient ?? createDefaultHttpClient();
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(createRetryPolicy(options.retry ?? {}), { phase: "Retry" });
  pipeline.addPolicy(
    signPolicy(auth, options.userAgent, httpClient, () => stats.requests++),
    { phase: "Sign" }
  );
  const userError = (message, hint, cause) => new ConfigurationError(message, { input: options.input, hint, cause });
  async function send(method, path, what, params = {}, body) {
    const url = new URL(`${apiBase}/${path}`);
    if (method === "GET") {
      for (const [k, v] of Object.entries(params)) if (v !== void 0) url.searchParams.set(k, String(v));
    }
    const request = createPipelineRequest({
      url: url.toString(),
      method,
      headers: createHttpHeaders({ accept: "application/json", ...body !== void 0 ? { "content-type": "application/json" } : {} }),
      body: body === void 0 ? void 0 : JSON.stringify(body),
      allowInsecureConnection: url.protocol === "http:",
      abortSignal: options.abortSignal
    });
    let response;
    try {
      response = await pipeline.sendRequest(httpClient, request);
    } catch (error) {
      if (options.abortSignal?.aborted) throw error;
      if (error instanceof ConfigurationError) throw error;
      const code = isRestError(error) ? error.code : error.code;
      const retries2 = getRetryInfo(request)?.retries ?? 0;
      const after2 = retries2 > 0 ? ` after ${retries2} ${retries2 === 1 ? "retry" : "retries"}` : "";
      if (code && UNREACHABLE_CODES.has(code)) {
        throw userError(
          `${capitalize(server)} does not answer (${code}${after2}) while ${what}.`,
          options.input ? `Check ${options.input} and that the server is running and reachable from the runner.` : "Check that the server is running and reachable from the runner.",
          error
        );
      }
      throw new MlflowRequestError(`MLflow ${path} to ${trackingUri} failed${after2}: ${errorMessage(error)}`, void 0, code, { cause: error });
    }
    const text = response.bodyAsText ?? "";
    if (response.status >= 200 && response.status < 300) {
      try {
        return { response, json: text.trim() === "" ? {} : JSON.parse(text) };
      } catch {
        throw userError(
          `${capitalize(server)} answered ${path} with something that is not JSON (${describeBody(response)}).`,
          "Check that the URI points at an MLflow tracking server (REST API under /api/2.0/mlflow)."
        );
      }
    }
    const detail = mlflowErrorOf(text);
    const retries = getRetryInfo(request)?.retries ?? 0;
    const after = retries > 0 ? ` after ${retries} ${retries === 1 ? "retry" : "retries"}` : "";
    const said = detail?.message ? `: ${detail.message}` : text.trim() && !/^\s*</.test(text) ? `: ${text.trim().slice(0, 300)}` : "";
    if (response.status === 401 || response.status === 403) {
      throw userError(
        `${capitalize(server)} refused the request ${what} (HTTP ${response.status}${detail?.code ? ` ${detail.code}` : ""})${said.replace(/\.$/, "")}.`,
        auth.platform ? auth.platform.refusedHint : auth.kind === "none" ? "Give mlflow-token, or mlflow-username and mlflow-password (or set MLFLOW_TRACKING_TOKEN / MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD)." : "Check that the token or user name and password are valid for this server and may read the run."
      );
    }
    if (response.status === 404 && !detail) {
      throw userError(
        `${capitalize(server)} has no MLflow REST API at ${apiBase} (HTTP 404 for ${path}).`,
        "Give the tracking URI itself (the address MLflow clients use as MLFLOW_TRACKING_URI), without /api/2.0/mlflow."
      );
    }
    throw new MlflowRequestError(
      `MLflow ${path} ${what ? `(${what}) ` : ""}returned HTTP ${response.status}${detail?.code ? ` ${detail.code}` : ""}${after}${said}`,
      response.status,
      detail?.code
    );
  }
  const client = {
    apiBase,
    trackingUri,
    async getRun(runId) {
      try {
        const { json } = await send("GET", "runs/get", `reading run '${runId}'`, { run_id: runId });
        const run = parseRun(json.run);
        if (!run.info.run_id) throw new MlflowRequestError(`MLflow runs/get for '${runId}' returned no run`);
        return run;
      } catch (error) {
        if (error instanceof MlflowRequestError && (error.statusCode === 404 || error.errorCode === "RESOURCE_DOES_NOT_EXIST")) {
          throw userError(
            `Run '${runId}' was not found on ${server}.`,
            options.input === "mlflow-tracking-uri" ? "Check run-id: it is the MLflow run id (32 hex characters for a plain MLflow server)." : void 0,
            error
          );
        }
        throw error;
      }
    },
    async searchRuns(experimentIds, o = {}) {
      const runs = [];
      let pageToken;
      const seen = /* @__PURE__ */ new Set();
      do {
        const { json } = await send(
          "POST",
          "runs/search",
          "searching runs",
          {},
          {
            experiment_ids: experimentIds,
            filter: o.filter ?? "",
            run_view_type: o.runViewType ?? "ACTIVE_ONLY",
            max_results: o.maxResults ?? SEARCH_PAGE_SIZE,
            ...o.orderBy ? { order_by: o.orderBy } : {},
            ...pageToken ? { page_token: pageToken } : {}
          }
        );
        const page = json;
        for (const r of page.runs ?? []) runs.push(parseRun(r));
        pageToken = typeof page.next_page_token === "string" && page.next_page_token !== "" ? page.next_page_token : void 0;
        if (o.maxResults !== void 0) break;
        if (pageToken) {
          if (seen.has(pageToken)) throw new MlflowRequestError(`MLflow runs/search returned the page token '${pageToken}' twice`);
          seen.add(pageToken);
        }
      } while (pageToken);
      return runs;
    },
    async getMetricHistory(runId, key) {
      const points = [];
      let pageToken;
      const seen = /* @__PURE__ */ new Set();
      do {
        const { json } = await send("GET", "metrics/get-history", `reading the history of '${key}'`, {
          run_id: runId,
          metric_key: key,
          max_results: pageSize,
          page_token: pageToken
        });
        const page = json;
        for (const raw of page.metrics ?? []) {
          const m = raw;
          const value = decodeMetricValue(m.value);
          points.push({ step: Number(m.step ?? 0), value: value ?? NaN, timestamp: Number(m.timestamp ?? 0) });
        }
        pageToken = typeof page.next_page_token === "string" && page.next_page_token !== "" ? page.next_page_token : void 0;
        if (pageToken) {
          if (seen.has(pageToken)) throw new MlflowRequestError(`MLflow metrics/get-history returned the page token '${pageToken}' twice for '${key}'`);
          seen.add(pageToken);
        }
      } while (pageToken);
      stats.points += points.length;
      stats.histories++;
      return sortHistory(points);
    },
    async getMetricHistories(runId, keys) {
      const histories = await mapWithConcurrency(keys, concurrency, (key) => client.getMetricHistory(runId, key), options.abortSignal);
      return new Map(keys.map((k, i) => [k, histories[i]]));
    },
    async getModelVersion(name, selector, lookup = {}) {
      const uc = lookup.unityCatalog ? "unity-catalog/" : "";
      const what = "alias" in selector ? `reading the version of model '${name}' holding @${selector.alias}` : `reading model '${name}' version ${selector.version}`;
      try {
        const { json } = "alias" in selector ? await send("GET", `${uc}registered-models/alias`, what, { name, alias: selector.alias }) : await send("GET", `${uc}model-versions/get`, what, { name, version: selector.version });
        const mv = json.model_version ?? {};
        if (mv.version === void 0)
          throw new MlflowRequestError(
            `MLflow ${"alias" in selector ? "registered-models/alias" : "model-versions/get"} for '${name}' returned no model version`
          );
        return {
          found: true,
          version: {
            name: typeof mv.name === "string" ? mv.name : name,
            version: String(mv.version),
            runId: typeof mv.run_id === "string" && mv.run_id !== "" ? mv.run_id : void 0,
            aliases: Array.isArray(mv.aliases) ? mv.aliases.filter((a) => typeof a === "string") : [],
            status: typeof mv.status === "string" ? mv.status : void 0
          }
        };
      } catch (error) {
        if (!(error instanceof MlflowRequestError) || !(error.statusCode === 404 || error.errorCode === "RESOURCE_DOES_NOT_EXIST")) throw error;
        let modelExists = true;
        try {
          await send("GET", `${uc}registered-models/get`, `reading model '${name}'`, { name });
        } catch (e) {
          if (e instanceof MlflowRequestError && (e.statusCode === 404 || e.errorCode === "RESOURCE_DOES_NOT_EXIST")) modelExists = false;
          else throw e;
        }
        return { found: false, modelExists, message: error.message };
      }
    },
    stats: () => ({ ...stats })
  };
  return client;
}
function signPolicy(auth, userAgent, httpClient, count) {
  let cached;
  let oauth;
  let sigv4;
  return {
    name: "mlflowAuthPolicy",
    async sendRequest(request, next) {
      count();
      if (userAgent) request.headers.set("user-agent", userAgent);
      if (auth.kind === "databricks-oauth") {
        oauth ??= databricksOAuthToken(auth, httpClient);
        request.headers.set("authorization", `Bearer ${await oauth()}`);
      } else if (auth.kind === "sigv4") {
        sigv4 ??= import("./mlflow-sigv4.js").then((m) => m.createSigV4Signer(auth));
        await (await sigv4)(request);
      } else if (auth.kind === "bearer") {
        const token = typeof auth.token === "string" ? auth.token : await auth.token();
        request.headers.set("authorization", `Bearer ${token}`);
      } else if (auth.kind === "basic") {
        cached ??= Buffer.from(`${auth.username}:${auth.password}`, "utf8").toString("base64");
        request.headers.set("authorization", `Basic ${cached}`);
      }
      return next(request);
    }
  };
}
function describeBody(response) {
  const type = response.headers.get("content-type") ?? "no content type";
  return `HTTP ${response.status}, ${type}`;
}
function capitalize(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
function createMlflowRunSource(client, runId, options = {}) {
  let run = options.run ? Promise.resolve(options.run) : void 0;
  const getRun = () => run ??= client.getRun(runId);
  return {
    kind: options.kind ?? "mlflow",
    description: options.description ?? `MLflow run ${runId} at ${client.trackingUri}`,
    run: getRun,
    async names() {
      return (await getRun()).metrics.map((m) => m.key);
    },
    async fetch(names) {
      const r = await getRun();
      const known = new Set(r.metrics.map((m) => m.key));
      const keys = (names ? [...new Set(names)] : [...known]).filter((k) => known.has(k));
      return client.getMetricHistories(r.info.run_id || runId, keys);
    },
    stats: () => client.stats()
  };
}
function resolveMlflowAuth(inputs, env) {
  const given = (v) => v !== void 0 && v !== "" ? v : void 0;
  const fromInputs = [inputs.token, inputs.username, inputs.password].some((v) => given(v) !== void 0);
  const username = given(fromInputs ? inputs.username : env.MLFLOW_TRACKING_USERNAME);
  const password = given(fromInputs ? inputs.password : env.MLFLOW_TRACKING_PASSWORD);
  const token = given(fromInputs ? inputs.token : env.MLFLOW_TRACKING_TOKEN);
  if (username === void 0 !== (password === void 0)) {
    const where = fromInputs ? "the inputs mlflow-username and mlflow-password" : "MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD";
    throw new ConfigurationError(`MLflow basic auth needs both a user name and a password; only one of ${where} is set.`, {
      input: fromInputs ? username === void 0 ? "mlflow-username" : "mlflow-password" : void 0
    });
  }
  if (username !== void 0 && password !== void 0) return { kind: "basic", username, password };
  if (token !== void 0) return { kind: "bearer", token };
  return { kind: "none" };
}

// src/metrics/azureml.ts
var TERMINAL_OK = "Completed";
var TERMINAL = ["Completed", "Failed", "Canceled", "NotResponding", "Paused"];
function trackingHttpUri(endpoint, insecure) {
  const clean = endpoint.trim().replace(/\?.*$/, "").replace(/\/+$/, "");
  const m = /^(azureml|https?):\/\/(.+)$/i.exec(clean);
  if (!m) throw new Error(`The tracking endpoint '${endpoint}' is not an azureml:// or http(s):// address`);
  if (m[1].toLowerCase() !== "azureml") return clean;
  return `${insecure ? "http" : "https"}://${m[2]}`;
}
function armTokenProvider(credential, scope) {
  let cached;
  let pending;
  return () => {
    if (cached && cached.expiresOnTimestamp - Date.now() > 12e4) return Promise.resolve(cached.token);
    pending ??= (async () => {
      try {
        const t = await credential.getToken(scope);
        if (!t) throw new Error(`The credential returned no token for ${scope}`);
        cached = { token: t.token, expiresOnTimestamp: t.expiresOnTimestamp };
        return t.token;
      } finally {
        pending = void 0;
      }
    })();
    return pending;
  };
}
function createWorkspaceMlflowClient(conn, trackingUri, options = {}) {
  return createMlflowClient({
    ...options,
    trackingUri: trackingHttpUri(trackingUri, conn.insecure),
    auth: { kind: "bearer", token: armTokenProvider(conn.credential, conn.armScope) },
    userAgent: conn.userAgent
  });
}
function str(v) {
  return typeof v === "string" && v !== "" ? v : void 0;
}
function record(v) {
  return isObj(v) ? v : void 0;
}
function trackingEndpointOf(job) {
  const services = record(job.properties?.services);
  const tracking = record(services?.Tracking) ?? Object.values(services ?? {}).map(record).find((s) => s?.jobServiceType === "Tracking");
  return str(tracking?.endpoint);
}
function childAliases(run) {
  const names = [run.info.run_name, run.tags["mlflow.runName"], run.tags["azureml.nodeid"], run.tags["azureml.moduleName"], run.info.run_id];
  return [...new Set(names.filter((n) => typeof n === "string" && n !== ""))];
}
function stepLabel(run) {
  return childAliases(run)[0] ?? run.info.run_id;
}
function findChild(children, wanted) {
  const exact = children.filter((c) => childAliases(c).includes(wanted));
  if (exact.length >= 1) return exact[0];
  const lower = wanted.toLowerCase();
  return children.find((c) => childAliases(c).some((a) => a.toLowerCase() === lower));
}
async function getJob(conn, name, input, role) {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(name)) {
    throw new ConfigurationError(`'${name}' is not a valid Azure ML job name.`, {
      input,
      hint: "Job names are letters, digits, - and _, starting with a letter or digit."
    });
  }
  const job = await withAzureOperation(`reading job '${name}'`, () => conn.arm.tryGet(`jobs/${encodeURIComponent(name)}`));
  if (!job) {
    const ws = conn.arm.workspaceId.split("/").pop();
    throw new ConfigurationError(`The ${role ? `${role} ` : ""}job '${name}' was not found in workspace '${ws}'.`, {
      input,
      hint: "Give the job name (the submit-job output job-name, or the name shown in studio), not its display name."
    });
  }
  return job;
}
async function trackingUriOf(conn, job) {
  const endpoint = trackingEndpointOf(job);
  if (endpoint) return endpoint;
  const ws = await withAzureOperation("reading the workspace", () => conn.arm.get(conn.arm.workspaceId));
  const uri = str(ws.properties?.mlFlowTrackingUri);
  if (!uri)
    throw new Error(
      `Job '${job.name}' has no Tracking service and the workspace has no mlFlowTrackingUri: there is no MLflow endpoint to read its metrics from`
    );
  return uri;
}
var AUTOML_METRICS = {
  aucweighted: "AUC_weighted",
  accuracy: "accuracy",
  normmacrorecall: "norm_macro_recall",
  averageprecisionscoreweighted: "average_precision_score_weighted",
  precisionscoreweighted: "precision_score_weighted",
  spearmancorrelation: "spearman_correlation",
  normalizedrootmeansquarederror: "normalized_root_mean_squared_error",
  r2score: "r2_score",
  normalizedmeanabsoluteerror: "normalized_mean_absolute_error",
  iou: "iou",
  meanaverageprecision: "mean_average_precision"
};
var AUTOML_DEFAULT_METRIC = {
  classification: "AUC_weighted",
  regression: "normalized_root_mean_squared_error",
  forecasting: "normalized_root_mean_squared_error",
  textclassification: "accuracy",
  imageclassification: "accuracy"
};
function automlObjectiveOf(job) {
  const task = record(job.properties?.taskDetails);
  const raw = str(task?.primaryMetric);
  const squashed = (raw ?? "").toLowerCase().replace(/[^a-z0-9]/g, "");
  const primaryMetric = raw ? AUTOML_METRICS[squashed] ?? raw : AUTOML_DEFAULT_METRIC[(str(task?.taskType) ?? "").toLowerCase()];
  if (!primaryMetric) return void 0;
  return { primaryMetric, goal: /error|log_loss/i.test(primaryMetric) ? "minimize" : "maximize" };
}
function objectiveOf(job) {
  const o = record(job.properties?.objective);
  const primaryMetric = str(o?.primaryMetric) ?? str(o?.primary_metric);
  const goal = str(o?.goal)?.toLowerCase();
  if (!primaryMetric || goal !== "maximize" && goal !== "minimize") return void 0;
  return { primaryMetric, goal };
}
async function createAzureMlJobSource(o) {
  const input = o.input ?? "job-name";
  const info2 = o.info ?? (() => void 0);
  const warning = o.warning ?? info2;
  const job = await getJob(o, o.jobName, input, o.role);
  const props = job.properties ?? {};
  const jobType = str(props.jobType) ?? "Command";
  const status = str(props.status);
  const services = record(props.services);
  const studioUrl2 = str(record(services?.Studio)?.endpoint);
  const trackingUri = await trackingUriOf(o, job);
  const client = createWorkspaceMlflowClient(o, trackingUri, {
    ...o.mlflow,
    input: void 0,
    serverName: `the tracking service of job '${o.jobName}' (${trackingHttpUri(trackingUri, o.insecure)})`
  });
  if (status && status !== TERMINAL_OK) {
    warning(
      TERMINAL.includes(status) ? `Job ${o.jobName} ended ${status}: its metrics are those it logged before it stopped.` : `Job ${o.jobName} is ${status}, not finished: its metrics may still change.`
    );
  }
  let parent;
  try {
    parent = await client.getRun(o.jobName);
  } catch (error) {
    if (error.name === "ConfigurationError" && /was not found/.test(error.message)) {
      throw new Error(
        `Job '${o.jobName}' (${status ?? "status unknown"}) has no MLflow run on its tracking service yet: it has not started, so it has no metrics.`,
        { cause: error }
      );
    }
    throw error;
  }
  const details = {
    jobName: o.jobName,
    jobType,
    status,
    experimentName: str(props.experimentName),
    studioUrl: studioUrl2,
    trackingUri,
    runId: parent.info.run_id
  };
  const isPipeline = jobType.toLowerCase() === "pipeline";
  const isSweep = jobType.toLowerCase() === "sweep";
  const isAutoML = jobType.toLowerCase() === "automl";
  const child = o.childIfApplicable && !isPipeline ? void 0 : o.child;
  if (child !== void 0 && !isPipeline && !isSweep && !isAutoML) {
    throw new ConfigurationError(
      `Input 'child' selects a step of a pipeline job, a trial of a sweep job or a child run of an AutoML job, but job '${o.jobName}' is a ${jobType} job.`,
      {
        input: "child",
        hint: "Remove child, or give the name of a pipeline, sweep or AutoML job."
      }
    );
  }
  const single = (run, description) => {
    const source2 = createMlflowRunSource(client, run.info.run_id, { description, kind: "azureml", run });
    return Object.assign(source2, { details });
  };
  if (!isPipeline && !isSweep && !isAutoML) return single(parent, `Azure ML ${jobType.toLowerCase()} job ${o.jobName}`);
  const children = await client.searchRuns([parent.info.experiment_id], { filter: `tags.mlflow.parentRunId = '${o.jobName}'` });
  const childKind = isPipeline ? "step" : isSweep ? "trial" : "child run";
  if (child !== void 0) {
    const chosen = findChild(children, child) ?? (isAutoML && /^\d+$/.test(child) ? findChild(children, `${o.jobName}_${child}`) : void 0);
    if (!chosen) {
      const all = children.flatMap((c) => childAliases(c).slice(0, 1));
      const near = closestNames(child, children.flatMap(childAliases));
      throw new ConfigurationError(
        `${o.role ? `The ${o.role} job` : "Job"} '${o.jobName}' has no ${childKind} named '${child}'${near.length ? `; did you mean ${quoteList(near)}?` : "."}`,
        {
          input: o.role ? input : "child",
          hint: children.length ? `Its ${childKind}s: ${nameListForMessage(all)}.` : `The ${jobType.toLowerCase()} job has no ${childKind}s yet.`
        }
      );
    }
    details.selected = { runId: chosen.info.run_id, name: stepLabel(chosen), reason: `child: ${child}` };
    details.runId = chosen.info.run_id;
    return single(chosen, `Azure ML ${jobType.toLowerCase()} job ${o.jobName}, ${childKind} ${stepLabel(chosen)} (run ${chosen.info.run_id})`);
  }
  if (isSweep || isAutoML) {
    const what = isSweep ? "sweep" : "AutoML";
    const recorder = isSweep ? "sweep" : "AutoML job";
    const objective = isSweep ? objectiveOf(job) : automlObjectiveOf(job);
    if (objective) details.objective = objective;
    const finished = children.filter((c) => (c.info.status ?? "FINISHED") === "FINISHED");
    const recorded = isSweep ? [
      [str(record(props.properties)?.best_child_run_id), "the job's properties.best_child_run_id"],
      [parent.tags.best_child_run_id, "the sweep run's MLflow tag best_child_run_id"]
    ] : [
      [parent.tags.automl_best_child_run_id, "the AutoML run's MLflow tag automl_best_child_run_id"],
      [str(record(props.tags)?.automl_best_child_run_id), "the job's tag automl_best_child_run_id"]
    ];
    for (const [recordedId, where] of recorded) {
      if (!recordedId) continue;
      const run = children.find((c) => c.info.run_id === recordedId);
      if (!run) {
        info2(
          `The ${recorder} records ${recordedId} as its best ${childKind} (${where}), but it is not one of its ${childKind}s on the tracking service; looking further.`
        );
        continue;
      }
      const value = objective ? run.metrics.find((m) => m.key === objective.primaryMetric)?.value : void 0;
      details.selected = { runId: run.info.run_id, name: stepLabel(run), reason: `best ${childKind} as the ${recorder} records it (${where})` };
      details.runId = run.info.run_id;
      const shown = objective && value !== void 0 ? ` (${objective.primaryMetric} = ${value}, ${objective.goal})` : "";
      return single(run, `Azure ML ${what} job ${o.jobName}, best ${childKind} ${run.info.run_id}${shown}`);
    }
    if (!objective)
      throw new Error(
        `${isSweep ? "Sweep" : "AutoML"} job '${o.jobName}' records no best ${childKind} and has no ${isSweep ? "objective (primaryMetric and goal)" : "primary metric"}: the best ${childKind} cannot be chosen; give child: <${childKind} run id> instead`
      );
    const best = bestTrial(finished, objective);
    if (!best) {
      throw new Error(
        `${isSweep ? "Sweep" : "AutoML"} job '${o.jobName}' has no finished ${childKind} that logged its primary metric '${objective.primaryMetric}' (${children.length} ${childKind}(s), ${finished.length} finished): there is no best ${childKind} to gate`
      );
    }
    const tie = best.ties > 1 ? ` (${best.ties} ${childKind}s tie; the earliest)` : "";
    const reason = `best of ${finished.length} finished ${childKind}(s) by ${objective.goal} ${objective.primaryMetric} = ${best.value}${tie}; the ${recorder} records none`;
    details.selected = { runId: best.run.info.run_id, name: stepLabel(best.run), reason };
    details.runId = best.run.info.run_id;
    return single(
      best.run,
      `Azure ML ${what} job ${o.jobName}, best ${childKind} ${best.run.info.run_id} (${objective.primaryMetric} = ${best.value}, ${objective.goal})`
    );
  }
  if (children.length === 0) warning(`Pipeline job ${o.jobName} has no step runs yet: only its own metrics are read.`);
  const labels = /* @__PURE__ */ new Map();
  const counts = /* @__PURE__ */ new Map();
  for (const c of children) counts.set(stepLabel(c), (counts.get(stepLabel(c)) ?? 0) + 1);
  for (const c of children) {
    const label = (counts.get(stepLabel(c)) ?? 0) > 1 ? c.info.run_id : stepLabel(c);
    labels.set(label, c);
  }
  details.steps = Object.fromEntries([...labels].map(([l, r]) => [l, r.info.run_id]));
  const source = createPipelineSource(
    client,
    parent,
    labels,
    `Azure ML pipeline job ${o.jobName} (${labels.size} step(s))`,
    o.mlflow?.concurrency ?? DEFAULT_CONCURRENCY,
    o.mlflow?.abortSignal
  );
  return Object.assign(source, { details });
}
function bestTrial(trials, objective, recorded) {
  const scored = trials.map((run) => ({ run, value: run.metrics.find((m) => m.key === objective.primaryMetric)?.value })).filter((t) => t.value !== void 0 && !Number.isNaN(t.value));
  if (scored.length === 0) return void 0;
  const target = objective.goal === "maximize" ? Math.max(...scored.map((t) => t.value)) : Math.min(...scored.map((t) => t.value));
  const tied = scored.filter((t) => t.value === target).sort((a, b) => (a.run.info.start_time ?? 0) - (b.run.info.start_time ?? 0) || a.run.info.run_id.localeCompare(b.run.info.run_id));
  const pick = tied.find((t) => t.run.info.run_id === recorded) ?? tied[0];
  return { ...pick, ties: tied.length };
}
function createPipelineSource(client, parent, steps, description, concurrency, abortSignal) {
  const index = /* @__PURE__ */ new Map();
  for (const m of parent.metrics) index.set(m.key, { runId: parent.info.run_id, key: m.key });
  for (const [label, run] of steps) for (const m of run.metrics) index.set(`${label}.${m.key}`, { runId: run.info.run_id, key: m.key });
  return {
    kind: "azureml",
    description,
    async names() {
      return [...index.keys()];
    },
    async fetch(names) {
      const wanted = (names ? [...new Set(names)] : [...index.keys()]).filter((n) => index.has(n));
      const histories = await mapWithConcurrency(wanted, concurrency, (n) => client.getMetricHistory(index.get(n).runId, index.get(n).key), abortSignal);
      const out = /* @__PURE__ */ new Map();
      wanted.forEach((n, i) => out.set(n, histories[i]));
      return out;
    },
    stats: () => client.stats()
  };
}

export {
  readAzureInputs,
  createAzureContext,
  closest,
  sortHistory,
  closestNames,
  quoteList,
  nameListForMessage,
  createStaticSource,
  DEFAULT_CONCURRENCY,
  decodeMetricValue,
  createMlflowClient,
  createMlflowRunSource,
  resolveMlflowAuth,
  createWorkspaceMlflowClient,
  trackingUriOf,
  createAzureMlJobSource
};
