import {
  mapWithConcurrency
} from "./azure.concurrency.js";
import {
  createRetryPolicy,
  getRetryInfo,
  withAzureOperation
} from "./azure.errors.js";
import {
  isObj
} from "./core.obj.js";
import {
  ConfigurationError,
  errorMessage
} from "./core.errors.js";
import {
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  isRestError
} from "./azure-core.nodeHttpClient.js";

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
  const info = r?.info ?? {};
  const runId = String(info.run_id ?? info.run_uuid ?? "");
  return {
    info: {
      run_id: runId,
      run_name: typeof info.run_name === "string" ? info.run_name : void 0,
      experiment_id: String(info.experiment_id ?? ""),
      status: typeof info.status === "string" ? info.status : void 0,
      lifecycle_stage: typeof info.lifecycle_stage === "string" ? info.lifecycle_stage : void 0,
      start_time: info.start_time === void 0 ? void 0 : Number(info.start_time),
      end_time: info.end_time === void 0 ? void 0 : Number(info.end_time)
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
  const info = o.info ?? (() => void 0);
  const warning = o.warning ?? info;
  const job = await getJob(o, o.jobName, input, o.role);
  const props = job.properties ?? {};
  const jobType = str(props.jobType) ?? "Command";
  const status = str(props.status);
  const services = record(props.services);
  const studioUrl = str(record(services?.Studio)?.endpoint);
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
    studioUrl,
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
        info(
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
