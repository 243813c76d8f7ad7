import {
  ArmOperationError,
  abortableSleep,
  parseArmError
} from "./azure.errors.js";
import {
  RestError,
  createHttpHeaders,
  createPipelineRequest
} from "./azure-core.nodeHttpClient.js";

// src/azure/arm.ts
var DEFAULT_API_VERSION = "2024-10-01";
var DEFAULT_POLL_INTERVAL_IN_MS = 2e3;
function armPath(strings, ...values) {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(String(values[i])) : ""), "");
}
function workspaceResourceId(subscriptionId, resourceGroup, workspaceName) {
  return armPath`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${workspaceName}`;
}
function createArmClient(options) {
  const endpoint = options.endpoint.replace(/\/+$/, "");
  const workspaceId = options.workspaceId.replace(/\/+$/, "");
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  const url = (path, o = {}) => resolveUrl(endpoint, workspaceId, apiVersion, path, o);
  const send = async (method, path, o = {}, accept = (s) => s >= 200 && s < 300) => {
    const target = url(path, o);
    const request = armRequest(method, target, o, options.allowInsecureConnection);
    const response = await options.sendRequest(request);
    const result = toArmResponse(response, target);
    if (!accept(response.status, result)) throw restErrorFor(method, target, response, request);
    return result;
  };
  const ctx = {
    send,
    url,
    apiVersion,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? abortableSleep,
    defaultInterval: options.pollIntervalInMs ?? DEFAULT_POLL_INTERVAL_IN_MS
  };
  return {
    endpoint,
    workspaceId,
    apiVersion,
    url,
    request: (method, path, o) => send(method, path, o),
    get: async (path, o) => (await send("GET", path, o)).body,
    async tryGet(path, o) {
      const response = await send("GET", path, o, (s, r) => s >= 200 && s < 300 || s === 404 && !missingParent(r.url, r.body));
      return response.status === 404 ? void 0 : response.body;
    },
    put: async (path, body, o) => (await send("PUT", path, { ...o, body })).body,
    patch: async (path, body, o) => (await send("PATCH", path, { ...o, body })).body,
    post: async (path, body, o) => (await send("POST", path, { ...o, body })).body,
    async delete(path, o) {
      await send("DELETE", path, o, (s) => s >= 200 && s < 300 || s === 404);
    },
    list: (path, o) => listPages(send, path, o),
    beginPut: (path, body, o) => beginOperation(ctx, "PUT", path, body, o),
    beginPatch: (path, body, o) => beginOperation(ctx, "PATCH", path, body, o),
    beginPost: (path, body, o) => beginOperation(ctx, "POST", path, body, o),
    beginDelete: (path, o) => beginOperation(ctx, "DELETE", path, void 0, o),
    resumePoller: (serializedState, o) => createPoller(ctx, parseOperationState(serializedState), o ?? {})
  };
}
function resolveUrl(endpoint, workspaceId, apiVersion, path, o) {
  let full;
  if (/^https?:\/\//i.test(path)) full = new URL(path);
  else if (path.startsWith("/")) full = new URL(endpoint + path);
  else full = new URL(`${endpoint}${workspaceId}/${path}`);
  if (!full.searchParams.has("api-version")) full.searchParams.set("api-version", o.apiVersion ?? apiVersion);
  for (const [k, v] of Object.entries(o.query ?? {})) if (v !== void 0) full.searchParams.set(k, String(v));
  return full.toString();
}
function armRequest(method, url, o, allowInsecureConnection) {
  const headers = createHttpHeaders({ accept: "application/json", ...o.headers ?? {} });
  let body;
  if (o.body !== void 0) {
    body = typeof o.body === "string" ? o.body : JSON.stringify(o.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  return createPipelineRequest({ url, method, headers, body, abortSignal: o.abortSignal, allowInsecureConnection });
}
function listPages(send, path, o = {}) {
  async function* pages(settings = {}) {
    let next = settings.continuationToken ?? path;
    while (next) {
      const isFirst = next === path;
      const response = await send("GET", next, {
        ...o,
        query: isFirst ? o.query : void 0
      });
      const page = Array.isArray(response.body?.value) ? response.body.value : [];
      const nextLink = response.body?.nextLink || void 0;
      page.continuationToken = nextLink;
      yield page;
      next = nextLink;
    }
  }
  async function* items() {
    for await (const page of pages()) yield* page;
  }
  const iterator = items();
  return {
    next: () => iterator.next(),
    [Symbol.asyncIterator]() {
      return this;
    },
    byPage: (settings) => pages(settings)
  };
}
function parseOperationState(serializedState) {
  let state;
  try {
    state = JSON.parse(serializedState);
  } catch {
    throw new TypeError("resumePoller: the serialized state is not JSON.");
  }
  if (!state || typeof state.resourceUrl !== "string" || typeof state.mode !== "string") {
    throw new TypeError("resumePoller: the serialized state is not an ARM operation state.");
  }
  return state;
}
async function beginOperation(ctx, method, path, body, o = {}) {
  const resourceUrl = ctx.url(path, o);
  const response = await ctx.send(method, path, { ...o, body });
  const asyncOperation = response.headers["azure-asyncoperation"];
  const location = response.headers["location"];
  const state = {
    status: "running",
    method,
    resourceUrl,
    mode: "none",
    locationUrl: location ? absolute(location, resourceUrl) : void 0,
    apiVersion: o.apiVersion ?? ctx.apiVersion,
    startedAt: ctx.now(),
    polls: 0,
    retryAfterInMs: retryAfter(response.headers)
  };
  const provisioning = provisioningStateOf(response.body);
  if (asyncOperation) {
    state.mode = "async-operation";
    state.pollUrl = absolute(asyncOperation, resourceUrl);
  } else if (location && (response.status === 202 || response.status === 201 && method === "POST")) {
    state.mode = "location";
    state.pollUrl = state.locationUrl;
  } else if (response.status === 202 && method === "DELETE") {
    state.mode = "resource";
  } else if ((method === "PUT" || method === "PATCH") && provisioning && classify(provisioning) === "running") {
    state.mode = "resource";
    state.serviceStatus = provisioning;
  } else {
    finish(state, provisioning ?? "Succeeded", method === "DELETE" ? void 0 : response.body, response.body);
  }
  return createPoller(ctx, state, o);
}
async function pollAsyncOperation(ctx, state, signal) {
  const r = await ctx.send("GET", state.pollUrl, { abortSignal: signal });
  state.retryAfterInMs = retryAfter(r.headers);
  const word = typeof r.body?.status === "string" ? r.body.status : void 0;
  state.serviceStatus = word;
  const status = word ? classify(word) : "running";
  if (status === "succeeded") await completeAfterSuccess(ctx, state, signal);
  else if (status !== "running") finish(state, word ?? "Failed", void 0, r.body);
}
async function pollLocation(ctx, state, signal) {
  const pollUrl = state.pollUrl;
  const r = await ctx.send("GET", pollUrl, { abortSignal: signal }, (s) => s >= 200 && s < 300 || s === 404 && state.method === "DELETE");
  state.retryAfterInMs = retryAfter(r.headers);
  if (r.status === 202) {
    if (r.headers["location"]) state.pollUrl = absolute(r.headers["location"], pollUrl);
    state.serviceStatus = "Accepted";
  } else if (state.method === "PUT" || state.method === "PATCH") {
    const resource = await ctx.send("GET", state.resourceUrl, { abortSignal: signal });
    finish(state, "Succeeded", resource.body, resource.body);
  } else {
    finish(state, "Succeeded", state.method === "DELETE" ? void 0 : r.body, r.body);
  }
}
async function pollResource(ctx, state, signal) {
  const r = await ctx.send(
    "GET",
    state.resourceUrl,
    { abortSignal: signal },
    (s) => s >= 200 && s < 300 || s === 404 && state.method === "DELETE"
  );
  state.retryAfterInMs = retryAfter(r.headers);
  if (state.method === "DELETE") {
    if (r.status === 404) finish(state, "Succeeded", void 0, void 0);
    else state.serviceStatus = provisioningStateOf(r.body) ?? "Deleting";
  } else {
    const word = provisioningStateOf(r.body) ?? "Succeeded";
    state.serviceStatus = word;
    if (classify(word) !== "running") finish(state, word, r.body, r.body);
  }
}
async function completeAfterSuccess(ctx, state, signal) {
  if (state.method === "PUT" || state.method === "PATCH") {
    const resource = await ctx.send("GET", state.resourceUrl, { abortSignal: signal });
    finish(state, "Succeeded", resource.body, resource.body);
  } else if (state.method === "POST" && state.locationUrl) {
    const final = await ctx.send("GET", state.locationUrl, { abortSignal: signal }, (s) => s >= 200 && s < 300);
    finish(state, "Succeeded", final.body, final.body);
  } else {
    finish(state, "Succeeded", void 0, void 0);
  }
}
function createPoller(ctx, state, o) {
  const listeners = /* @__PURE__ */ new Set();
  let stopped = false;
  const interval = o.updateIntervalInMs ?? ctx.defaultInterval;
  async function pollOnce(p = {}) {
    if (state.status !== "running") return;
    const signal = p.abortSignal ?? o.abortSignal;
    state.polls += 1;
    if (state.mode === "async-operation" && state.pollUrl) await pollAsyncOperation(ctx, state, signal);
    else if (state.mode === "location" && state.pollUrl) await pollLocation(ctx, state, signal);
    else await pollResource(ctx, state, signal);
    for (const listener of listeners) listener(state);
  }
  return {
    getOperationState: () => state,
    getResult: () => state.result,
    isDone: () => state.status !== "running",
    poll: pollOnce,
    async pollUntilDone(p = {}) {
      const signal = p.abortSignal ?? o.abortSignal;
      while (state.status === "running" && !stopped) {
        await ctx.sleep(state.retryAfterInMs ?? interval, signal);
        await pollOnce({ abortSignal: signal });
      }
      if (state.status === "failed" || state.status === "canceled") {
        throw new ArmOperationError(state.status, state.serviceStatus, state.error, state.resourceUrl);
      }
      if (state.status === "running") {
        const error = new Error("Polling was stopped before the operation finished.");
        error.name = "AbortError";
        throw error;
      }
      return state.result;
    },
    onProgress(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    stopPolling: () => {
      stopped = true;
    },
    isStopped: () => stopped,
    toString: () => JSON.stringify(state)
  };
}
function finish(state, word, result, body) {
  const status = classify(word);
  state.serviceStatus = word;
  state.status = status === "running" ? "succeeded" : status;
  if (state.status === "succeeded") {
    state.result = result;
    state.error = void 0;
  } else {
    const detail = parseArmError(body) ?? parseArmError(body?.properties);
    state.error = detail ? { code: detail.code, message: detail.message, target: detail.target } : void 0;
  }
}
function classify(word) {
  switch (word.toLowerCase()) {
    case "succeeded":
      return "succeeded";
    case "failed":
      return "failed";
    case "canceled":
    case "cancelled":
      return "canceled";
    default:
      return "running";
  }
}
function provisioningStateOf(body) {
  const p = body?.properties?.provisioningState;
  return typeof p === "string" ? p : void 0;
}
function retryAfter(headers) {
  for (const h of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    if (headers[h] && /^\d+(\.\d+)?$/.test(headers[h].trim())) return Number(headers[h]);
  }
  const value = headers["retry-after"];
  if (!value) return void 0;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1e3;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : void 0;
}
function absolute(link, base) {
  return new URL(link, base).toString();
}
function toArmResponse(response, url) {
  const headers = {};
  for (const [name, value] of response.headers) headers[name.toLowerCase()] = value;
  const text = response.bodyAsText ?? "";
  let body;
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, headers, body, url, requestId: headers["x-ms-request-id"] };
}
function missingParent(url, body) {
  const detail = parseArmError(body);
  if (!detail) return false;
  if (detail.code === "ResourceGroupNotFound" || detail.code === "SubscriptionNotFound") return true;
  if (detail.code !== "ResourceNotFound") return false;
  const named = /The Resource '([^']+)'/i.exec(detail.message ?? "")?.[1]?.toLowerCase();
  if (!named) return false;
  let path;
  try {
    path = decodeURIComponent(new URL(url).pathname).toLowerCase().replace(/\/+$/, "");
  } catch {
    return false;
  }
  const at = path.indexOf(`/providers/${named}`);
  return at >= 0 && path.length > at + `/providers/${named}`.length;
}
function restErrorFor(method, url, response, request) {
  const detail = parseArmError(response.bodyAsText);
  const path = url.split("?")[0];
  const text = detail?.message ?? (response.bodyAsText?.trim() || "no error body");
  const error = new RestError(`${method} ${path} returned HTTP ${response.status}${detail?.code ? ` ${detail.code}` : ""}: ${text}`, {
    statusCode: response.status,
    code: detail?.code,
    request,
    response
  });
  error.details = detail;
  return error;
}

export {
  armPath,
  workspaceResourceId,
  createArmClient
};
