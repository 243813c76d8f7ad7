const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { join } = require("node:path");
const { existsSync, readFileSync, statSync } = require("node:fs");
const { isAbsolute, relative, resolve } = require("node:path");
const { renameSync, writeFileSync, readFileSync: readFileSync2, mkdirSync, existsSync: existsSync2 } = require("node:fs");
const { dirname } = require("node:path");
const { relative: relative2 } = require("node:path");
const { existsSync: existsSync3, statSync: statSync2 } = require("node:fs");
const { dirname: dirname2, isAbsolute: isAbsolute2, resolve: resolve2 } = require("node:path");
import {
  evaluateRules
} from "./metrics.evaluate.js";
import {
  RuleSyntaxError,
  metricsOf,
  parseRules
} from "./metrics.rules.js";
import {
  listModelBlobs,
  parseDatastoreUri,
  parseManifest,
  sha256Blobs,
  verifyManifest
} from "./models.source.js";
import {
  MODEL_ALIAS_TAG_PREFIX
} from "./metrics.file.js";
import {
  FieldReader,
  PlanContext,
  SpecDocument,
  assetUri,
  codeId,
  componentRef,
  computeId,
  createSchedulesApi,
  didYouMean,
  environmentId,
  pipelineComponentFile,
  printUntrusted,
  scheduleCommon,
  versionHash
} from "./specs.js";
import {
  assetId,
  parseReference
} from "./yaml.js";
import {
  createBlobStore,
  createSnapshotUploader,
  createWorkspaceApi,
  ensureAsset,
  localUploadPath,
  snapshot
} from "./ignore+azure+jobs.js";
import {
  createAzureContext,
  readAzureInputs
} from "./azure.credentials.js";
import {
  armPath
} from "./azure.arm.js";
import {
  ArmOperationError,
  abortableSleep,
  translateAzureError,
  withAzureOperation
} from "./azure.errors.js";
import {
  appendLedger,
  escapeText,
  htmlTable
} from "./core.escape.js";
import {
  formatDuration,
  parseDuration
} from "./core.inputs.js";
import {
  readWorkflowRun
} from "./core.workflow-run.js";
import {
  isObj
} from "./core.obj.js";
import {
  ConfigurationError,
  errorMessage
} from "./core.errors.js";

// src/runs/deploy.ts

// src/azure/busy.ts
function isConflict(err) {
  const status = err.statusCode;
  const code = String(err.code ?? "");
  return status === 409 || /^(Conflict|OperationCanceled)$/i.test(code);
}
async function retryWhileBusy(op, o) {
  let delay = o.delayInMs;
  for (let attempt2 = 1; ; attempt2++) {
    try {
      return await op(attempt2);
    } catch (err) {
      if (o.abortSignal?.aborted) throw err;
      const outOfTime = o.deadline !== void 0 && Date.now() + delay > o.deadline;
      if (attempt2 >= o.tries || outOfTime || !(o.retriable ?? isConflict)(err)) throw err;
      o.log?.(o.describe?.(err, delay) ?? `${o.label}: ${errorMessage(err).split("\n")[0]}; trying again in ${Math.round(delay / 1e3)} s`);
      await (o.sleep ?? abortableSleep)(delay, o.abortSignal);
      delay = Math.min(delay * 2, o.maxDelayInMs ?? Number.POSITIVE_INFINITY);
    }
  }
}
async function waitProvisioned(read, o) {
  const deadline = Date.now() + o.timeoutInMs;
  let delay = o.firstDelayInMs;
  let told = false;
  for (; ; ) {
    const resource = await read();
    if (!resource) throw new Error(`${o.what} does not exist`);
    const state = String(resource.properties?.provisioningState ?? "Succeeded");
    if (state === "Succeeded") return resource;
    if (state === "Failed" || state === "Canceled") throw new Error(`${o.what} is ${state}`);
    if (Date.now() > deadline) throw new Error(`${o.what} stayed ${state} for more than ${Math.round(o.timeoutInMs / 1e3)} s`);
    if (!told) {
      o.onBusy?.(state);
      told = true;
    }
    await (o.sleep ?? abortableSleep)(delay, o.abortSignal);
    delay = Math.min(delay * 2, 1e4);
  }
}

// src/azure/endpoints.ts
var DEFAULT_READY_TIMEOUT_IN_MS = 20 * 6e4;
var SERVICE_FAILURE = /^(InternalServerError|InternalError|ServiceError|ServiceUnavailable|ServerBusy|OperationCanceled|Conflict|RequestTimeout|GatewayTimeout|TooManyRequests)$/i;
function trafficOf(ep) {
  const num = (m) => {
    const out = {};
    for (const [k, v] of Object.entries(m ?? {})) if (typeof v === "number") out[k] = v;
    return out;
  };
  return { traffic: num(ep.properties?.traffic), mirror: num(ep.properties?.mirrorTraffic) };
}
var OnlineEndpoints = class {
  constructor(arm, o = {}) {
    this.arm = arm;
    this.o = o;
    this.sleep = o.sleep ?? ((ms, signal) => abortableSleep(ms, signal));
  }
  arm;
  o;
  sleep;
  /** First wait after a conflict (doubles). */
  get conflictDelayInMs() {
    return this.o.conflictDelayInMs ?? 2e3;
  }
  log(message) {
    this.o.log?.(message);
  }
  endpointPath(endpoint) {
    return armPath`onlineEndpoints/${endpoint}`;
  }
  deploymentPath(endpoint, deployment) {
    return armPath`onlineEndpoints/${endpoint}/deployments/${deployment}`;
  }
  getEndpoint(endpoint) {
    return withAzureOperation(`reading endpoint '${endpoint}'`, () => this.arm.tryGet(this.endpointPath(endpoint)));
  }
  async createEndpoint(endpoint, body) {
    await withAzureOperation(`creating endpoint '${endpoint}'`, async () => {
      const poller = await this.arm.beginPut(this.endpointPath(endpoint), body);
      await poller.pollUntilDone();
    });
    return await this.getEndpoint(endpoint);
  }
  getDeployment(endpoint, deployment) {
    return withAzureOperation(
      `reading deployment '${deployment}' of endpoint '${endpoint}'`,
      () => this.arm.tryGet(this.deploymentPath(endpoint, deployment))
    );
  }
  async listDeployments(endpoint) {
    const out = [];
    await withAzureOperation(`listing the deployments of endpoint '${endpoint}'`, async () => {
      for await (const d of this.arm.list(`${this.endpointPath(endpoint)}/deployments`)) out.push(d);
    });
    return out;
  }
  async getLogs(endpoint, deployment, containerType, tail = 60) {
    const r = await withAzureOperation(
      `reading the ${containerType} logs of deployment '${deployment}'`,
      () => this.arm.post(`${this.deploymentPath(endpoint, deployment)}/getLogs`, { containerType, tail })
    );
    return r?.content ?? "";
  }
  async keys(endpoint) {
    return await withAzureOperation(
      `reading the keys of endpoint '${endpoint}'`,
      () => this.arm.post(`${this.endpointPath(endpoint)}/listKeys`)
    ) ?? {};
  }
  /**
   * The endpoint's AML token (`token` operation, AMLToken endpoints only) with its expiry and
   * refresh times, epoch seconds on the wire (online-deployment-e2e 141st entry; swagger
   * example Workspace/OnlineEndpoint/getToken.json) and epoch ms here.
   */
  async token(endpoint) {
    const r = await withAzureOperation(
      `getting a scoring token of endpoint '${endpoint}'`,
      () => this.arm.post(`${this.endpointPath(endpoint)}/token`)
    );
    if (!r?.accessToken) return void 0;
    const ms = (v) => typeof v === "number" && Number.isFinite(v) && v > 0 ? v * 1e3 : void 0;
    const expiresOn = ms(r.expiryTimeUtc);
    const refreshAfter = ms(r.refreshAfterTimeUtc);
    return { secret: r.accessToken, ...expiresOn !== void 0 ? { expiresOn } : {}, ...refreshAfter !== void 0 ? { refreshAfter } : {} };
  }
  /** Polls an endpoint operation to its end, for at most the ready timeout. */
  async finish(endpoint, poller, abortSignal) {
    const ms = this.o.readyTimeoutInMs ?? DEFAULT_READY_TIMEOUT_IN_MS;
    const timeout = AbortSignal.timeout(ms);
    try {
      await poller.pollUntilDone({ abortSignal: abortSignal ? AbortSignal.any([abortSignal, timeout]) : timeout });
    } catch (err) {
      if (timeout.aborted && !abortSignal?.aborted)
        throw new Error(`the update of endpoint '${endpoint}' did not finish within ${Math.round(ms / 1e3)} s`, { cause: err });
      throw err;
    }
  }
  /** Waits until the endpoint's provisioningState is terminal; Failed is an error. */
  waitReady(endpoint, abortSignal) {
    return waitProvisioned(() => this.getEndpoint(endpoint), {
      what: `endpoint '${endpoint}'`,
      timeoutInMs: this.o.readyTimeoutInMs ?? DEFAULT_READY_TIMEOUT_IN_MS,
      firstDelayInMs: 500,
      onBusy: (state) => this.o.log?.(`Endpoint ${endpoint} is ${state}: waiting for it to be Succeeded before writing`),
      sleep: this.sleep,
      abortSignal
    });
  }
  /**
   * Writes traffic by GET \u{2192} PUT of the whole endpoint (no field dropped), once the endpoint is
   * ready: `update` gets the traffic the endpoint holds and says what to write (nothing: done; a
   * throw: refused). Retries the service's Conflict / OperationCanceled answers with backoff.
   */
  async updateTraffic(endpoint, update, abortSignal) {
    const code = (err) => String(err.code ?? "");
    const status = (err) => err.statusCode;
    try {
      await retryWhileBusy(
        async (attempt2) => {
          const ep = await this.waitReady(endpoint, abortSignal);
          const target = update(trafficOf(ep), attempt2);
          if (!target) return;
          const body = { ...ep, properties: { ...ep.properties ?? {}, traffic: target.traffic, mirrorTraffic: target.mirror } };
          for (const k of ["id", "name", "type", "systemData"]) delete body[k];
          if (body.properties) {
            delete body.properties.provisioningState;
            delete body.properties.scoringUri;
            delete body.properties.swaggerUri;
          }
          const poller = await this.arm.beginPut(this.endpointPath(endpoint), body);
          await this.finish(endpoint, poller, abortSignal);
        },
        {
          label: `Traffic write on ${endpoint}`,
          tries: 6,
          delayInMs: this.conflictDelayInMs,
          maxDelayInMs: 3e4,
          // A conflict, or an update operation that ended Failed/Canceled in Azure: the write is
          // idempotent (the next try checks the endpoint again), so it is tried again.
          retriable: (err) => err instanceof ArmOperationError || status(err) === 409 || /Conflict|OperationCanceled|Updating/i.test(code(err)) || /OperationCanceled|being updated|Updating/i.test(errorMessage(err)),
          describe: (err, delay) => `Traffic write on ${endpoint} ${err instanceof ArmOperationError ? `ended ${err.serviceStatus ?? "Failed"}` : "met a conflict"} (${code(err) || status(err) || "no code"}); retrying in ${Math.round(delay / 1e3)} s`,
          log: this.o.log,
          sleep: this.sleep,
          abortSignal
        }
      );
    } catch (err) {
      throw translateAzureError(err, `writing the traffic of endpoint '${endpoint}'`);
    }
  }
  /**
   * Creates the deployment (no traffic) and follows its provisioning; on failure reads the logs.
   * A create refused with a conflict (the endpoint or deployment is busy, e.g. a re-run finds the
   * first try's creation still running) is tried again with back-off; a provisioning operation
   * that ends Failed with an error of the service itself is tried again twice. Failures of the
   * deployment (the container, the model, the quota) are not.
   */
  async provisionDeployment(endpoint, deployment, body, o) {
    const { deadline, log } = o;
    let last = "";
    let serviceFailures = 0;
    try {
      for (; ; ) {
        const poller = await retryWhileBusy(() => this.arm.beginPut(this.deploymentPath(endpoint, deployment), body), {
          label: `Deployment ${deployment}`,
          tries: 8,
          delayInMs: this.conflictDelayInMs,
          maxDelayInMs: 3e4,
          deadline,
          log,
          abortSignal: o.abortSignal
        });
        poller.onProgress((s) => {
          const state2 = s.serviceStatus ?? s.status;
          if (state2 !== last) {
            last = state2;
            log(`Deployment ${deployment}: ${state2}`);
          }
        });
        const stopped = await pollProvisioning(poller, o);
        if (stopped) return { ok: false, reason: stopped };
        const state = poller.getOperationState();
        if (state.status === "succeeded") break;
        if (SERVICE_FAILURE.test(state.error?.code ?? "") && ++serviceFailures <= 2 && Date.now() < deadline) {
          log(
            `Deployment ${deployment}: provisioning ended ${state.serviceStatus ?? state.status} with a service error (${state.error?.code}: ${state.error?.message ?? ""}); trying again`
          );
          last = "";
          continue;
        }
        throw new Error(state.error?.message ?? `provisioning ended ${state.serviceStatus ?? state.status}`);
      }
      const d = await this.getDeployment(endpoint, deployment);
      const ps = String(d?.properties?.provisioningState ?? "Succeeded");
      if (ps !== "Succeeded") throw new Error(`provisioning ended ${ps}`);
      return { ok: true };
    } catch (err) {
      const logs = await this.containerLogs(endpoint, deployment);
      const reason = Object.getPrototypeOf(err) === Error.prototype ? errorMessage(err) : errorMessage(translateAzureError(err, `creating deployment '${deployment}'`));
      return { ok: false, reason, logs };
    }
  }
  /** The last lines of both containers' logs of a deployment (those that have any), or undefined. */
  async containerLogs(endpoint, deployment) {
    const logs = [];
    for (const c of ["StorageInitializer", "InferenceServer"]) {
      const text = await this.getLogs(endpoint, deployment, c, 40).catch(() => "");
      if (text.trim()) logs.push(`--- ${c} ---
${text.trimEnd()}`);
    }
    return logs.join("\n") || void 0;
  }
  /** Deletes; a conflict or a delete operation that ends Failed is tried again (three tries). */
  async deleteDeployment(endpoint, name) {
    try {
      await retryWhileBusy(
        async () => {
          const poller = await this.arm.beginDelete(this.deploymentPath(endpoint, name));
          await poller.pollUntilDone();
        },
        {
          label: `Deleting deployment ${name}`,
          tries: 3,
          delayInMs: this.conflictDelayInMs,
          retriable: (err) => isConflict(err) || err instanceof ArmOperationError,
          log: this.o.log
        }
      );
    } catch (err) {
      throw translateAzureError(err, `deleting deployment '${name}'`);
    }
  }
  /** Sets the deployment's instance count (PUT of the whole deployment); a deployment that is gone is left alone. */
  async scaleDeployment(endpoint, name, instances) {
    const d = await this.getDeployment(endpoint, name);
    if (!d) return;
    const body = { ...d, sku: { ...d.sku ?? { name: "Default" }, capacity: instances } };
    for (const k of ["id", "name", "type", "systemData"]) delete body[k];
    if (body.properties) delete body.properties.provisioningState;
    const poller = await this.arm.beginPut(this.deploymentPath(endpoint, name), body);
    await poller.pollUntilDone();
  }
};
async function pollProvisioning(poller, o) {
  while (!poller.isDone()) {
    if (o.abortSignal?.aborted) return "cancelled while provisioning";
    if (Date.now() > o.deadline) return "provisioning did not finish before max-duration";
    await poller.poll({ abortSignal: o.abortSignal });
    if (!poller.isDone()) await abortableSleep(Math.max(200, poller.getOperationState().retryAfterInMs ?? 2e3), o.abortSignal).catch(() => void 0);
  }
  return void 0;
}

// src/azure/scoring.ts
var TOKEN_REFRESH_MARGIN_IN_MS = 2 * 6e4;
function refreshDueAt(s) {
  if (s.expiresOn === void 0) return s.refreshAfter;
  const lifetime = Math.max(0, s.expiresOn - s.obtainedAt);
  const latest = s.expiresOn - Math.min(TOKEN_REFRESH_MARGIN_IN_MS, lifetime / 2);
  return s.refreshAfter !== void 0 ? Math.min(s.refreshAfter, latest) : latest;
}
function cachedScoringAuth(fetchSecret, setSecret, now = Date.now) {
  let cached;
  let stale = false;
  let pending;
  const headerOf = (s) => s ? `Bearer ${s.secret}` : void 0;
  const usable = (s) => s !== void 0 && (s.expiresOn === void 0 || now() < s.expiresOn);
  return {
    async header() {
      if (cached && !stale) {
        const due = refreshDueAt(cached);
        if (due === void 0 || now() < due) return headerOf(cached);
      }
      pending ??= (async () => {
        try {
          const fresh = await fetchSecret();
          if (fresh?.secret) {
            setSecret(fresh.secret);
            cached = fresh;
            stale = false;
          }
          return cached;
        } catch (err) {
          if (!stale && usable(cached)) return cached;
          throw err;
        } finally {
          pending = void 0;
        }
      })();
      return headerOf(await pending);
    },
    invalidate(header) {
      if (cached && headerOf(cached) === header) stale = true;
    }
  };
}
var SCORING_RESOURCES = {
  AzureCloud: "https://ml.azure.com",
  AzureChinaCloud: "https://ml.azure.cn",
  AzureUSGovernment: "https://ml.azure.us",
  Emulator: "https://ml.azure.com"
};
function scoringScope(cloudName) {
  return `${SCORING_RESOURCES[cloudName] ?? SCORING_RESOURCES.AzureCloud}/.default`;
}
function scoringAuth(eps, endpoint, authMode, setSecret, o = {}) {
  const now = o.now ?? Date.now;
  const mode = authMode.toLowerCase();
  return cachedScoringAuth(
    async () => {
      const obtainedAt = now();
      if (mode === "key") {
        const key = (await eps.keys(endpoint)).primaryKey;
        return key ? { secret: key, obtainedAt } : void 0;
      }
      if (mode === "aadtoken") {
        if (!o.credential) throw new Error(`endpoint '${endpoint}' uses Microsoft Entra token auth (aad_token) and no credential is available to score it`);
        const scope = o.scope ?? scoringScope("AzureCloud");
        const t2 = await withAzureOperation(`getting a Microsoft Entra token for ${scope} to score endpoint '${endpoint}'`, () => o.credential.getToken(scope));
        if (!t2?.token) throw new Error(`the credential returned no token for ${scope}`);
        return {
          secret: t2.token,
          obtainedAt,
          expiresOn: t2.expiresOnTimestamp,
          ...t2.refreshAfterTimestamp !== void 0 ? { refreshAfter: t2.refreshAfterTimestamp } : {}
        };
      }
      const t = await eps.token(endpoint);
      return t ? { ...t, obtainedAt } : void 0;
    },
    setSecret,
    now
  );
}
async function score(scoringUri, auth, payload, deployment, signal) {
  const send = async (a) => {
    const headers = { "content-type": "application/json" };
    if (a) headers.authorization = a;
    if (deployment) headers["azureml-model-deployment"] = deployment;
    const started = performance.now();
    const res = await fetch(scoringUri, { method: "POST", headers, body: payload, signal });
    const body = await res.text();
    const retryAfter = Number(res.headers.get("retry-after"));
    return {
      status: res.status,
      body,
      latencyMs: performance.now() - started,
      deployment: res.headers.get("azureml-model-deployment") ?? void 0,
      ...Number.isInteger(Number(res.headers.get("ms-azureml-model-error-statuscode") ?? "x")) ? { modelStatusCode: Number(res.headers.get("ms-azureml-model-error-statuscode")) } : {},
      ...Number.isFinite(retryAfter) && retryAfter >= 0 && res.headers.get("retry-after") !== null ? { retryAfterMs: retryAfter * 1e3 } : {}
    };
  };
  const first = await auth.header();
  const r = await send(first);
  if (r.status !== 401 || !first || !auth.invalidate) return r;
  auth.invalidate(first);
  const again = await auth.header();
  return again && again !== first ? send(again) : r;
}
var GATEWAY_RETRY = /* @__PURE__ */ new Set([429, 500, 502, 503, 504]);
async function scoreWithRetry(scoringUri, auth, payload, deployment, signal, o = {}) {
  const retries = o.retries ?? 3;
  const tryTimeout = o.tryTimeoutInMs ?? 2e4;
  let delay = o.retryDelayInMs ?? 1e3;
  await auth.header();
  for (let attempt2 = 0; ; attempt2++) {
    const timeout = AbortSignal.timeout(tryTimeout);
    let result;
    let error;
    try {
      result = await score(scoringUri, auth, payload, deployment, signal ? AbortSignal.any([signal, timeout]) : timeout);
    } catch (err) {
      if (signal?.aborted) throw err;
      error = timeout.aborted ? new Error(`no answer from ${scoringUri} within ${Math.round(tryTimeout / 1e3)} s`) : err;
    }
    if (result && !GATEWAY_RETRY.has(result.status)) return result;
    if (attempt2 >= retries) {
      if (result) return result;
      throw error;
    }
    await abortableSleep(Math.min(result?.retryAfterMs ?? delay, 1e4), signal);
    delay *= 2;
  }
}
function unwrapJson(text) {
  let v = JSON.parse(text);
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
    }
  }
  return v;
}
function jsonSubset(expected, actual) {
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.length <= actual.length && expected.every((e, i) => jsonSubset(e, actual[i]));
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, v]) => jsonSubset(v, actual[k]));
  }
  return expected === actual;
}

// src/runs/inputs/deploy.ts

// src/rollout/batch-compare.ts
var COMPARE_METRICS = ["agreement", "mad", "max_diff", "rows", "baseline_rows", "matched", "coverage"];
function parseOutputRows(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const commas = lines.length > 0 && lines.every((l) => l.includes(","));
  return lines.map((l) => commas ? l.split(",").map((v) => v.trim()) : l.trim().split(/\s+/));
}
var NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
var INTEGER = /^[+-]?\d+$/;
function pair(current, baseline) {
  const unique = (rows) => new Set(rows.map((r) => r[0] ?? "")).size === rows.length;
  if (current.length > 0 && unique(current) && unique(baseline)) {
    const prior = new Map(baseline.map((r) => [r[0] ?? "", r]));
    const pairs = [];
    for (const r of current) {
      const b2 = prior.get(r[0] ?? "");
      if (b2) pairs.push([r, b2]);
    }
    return { pairs, by: "key" };
  }
  const order = (rows) => [...rows].sort((a2, b2) => a2.join("\0").localeCompare(b2.join("\0")));
  const a = order(current);
  const b = order(baseline);
  return { pairs: a.slice(0, Math.min(a.length, b.length)).map((r, i) => [r, b[i]]), by: "position" };
}
function compareOutputs(current, baseline) {
  const { pairs, by } = pair(current, baseline);
  const width = pairs.reduce((w, [a, b]) => Math.max(w, a.length, b.length), 0);
  const columns = [];
  const rowAgrees = pairs.map(() => true);
  let hasLabels = false;
  let diffSum = 0;
  let diffCount = 0;
  let maxDiff = 0;
  for (let c = 1; c < width; c++) {
    const values = pairs.flatMap(([a, b]) => [a[c], b[c]]);
    const numeric = values.every((v) => v !== void 0 && NUMBER.test(v));
    const kind = numeric && !values.every((v) => INTEGER.test(v)) ? "number" : "label";
    if (kind === "label") {
      hasLabels = true;
      let same = 0;
      pairs.forEach(([a, b], i) => {
        const eq = numeric ? Number(a[c]) === Number(b[c]) : a[c] === b[c];
        if (eq) same++;
        else rowAgrees[i] = false;
      });
      columns.push({ column: c, kind, agreement: pairs.length ? same / pairs.length : 0 });
    } else {
      let sum = 0;
      let max = 0;
      for (const [a, b] of pairs) {
        const d = Math.abs(Number(a[c]) - Number(b[c]));
        sum += d;
        max = Math.max(max, d);
      }
      diffSum += sum;
      diffCount += pairs.length;
      maxDiff = Math.max(maxDiff, max);
      columns.push({ column: c, kind, mad: pairs.length ? sum / pairs.length : 0, maxDiff: max });
    }
  }
  const differences = pairs.filter(([a, b]) => a.slice(1).join(" ") !== b.slice(1).join(" ")).slice(0, 5).map(([a, b]) => ({ key: a[0] ?? "", current: a.slice(1), baseline: b.slice(1) }));
  const most = Math.max(current.length, baseline.length);
  return {
    rows: current.length,
    baselineRows: baseline.length,
    matched: pairs.length,
    pairedBy: by,
    coverage: most === 0 ? 1 : pairs.length / most,
    ...hasLabels ? { agreement: pairs.length ? rowAgrees.filter(Boolean).length / pairs.length : 0 } : {},
    ...diffCount > 0 ? { mad: diffSum / diffCount, maxDiff } : {},
    columns,
    differences
  };
}
function comparisonMetrics(c) {
  const set = /* @__PURE__ */ new Map();
  const put = (name, v) => {
    if (v !== void 0) set.set(name, [{ step: 0, value: v }]);
  };
  put("agreement", c.agreement);
  put("mad", c.mad);
  put("max_diff", c.maxDiff);
  put("rows", c.rows);
  put("baseline_rows", c.baselineRows);
  put("matched", c.matched);
  put("coverage", c.coverage);
  return set;
}
function parseCompareRules(text, input = "compare-rules") {
  let rules;
  try {
    rules = parseRules(text);
  } catch (err) {
    if (err instanceof RuleSyntaxError)
      throw new ConfigurationError(`Input '${input}' line ${err.line}, column ${err.column}: ${err.message}.`, {
        input,
        hint: `Write one rule per line over ${COMPARE_METRICS.join(", ")}, e.g. 'agreement >= 95%'.`,
        cause: err
      });
    throw err;
  }
  if (rules.length === 0) throw new ConfigurationError(`Input '${input}' has no rule.`, { input, hint: "e.g. 'agreement >= 95%' and 'mad <= 0.05'" });
  for (const rule of rules)
    for (const m of metricsOf(rule.expr)) {
      if (m.baseline || !COMPARE_METRICS.includes(m.name))
        throw new ConfigurationError(`Input '${input}' line ${rule.line}: '${m.baseline ? "baseline." : ""}${m.name}' is not a comparison figure.`, {
          input,
          hint: `Comparison rules can use ${COMPARE_METRICS.join(", ")} (agreement and coverage are fractions: write 95%).`
        });
    }
  return rules;
}
function judgeComparison(rules, c) {
  return evaluateRules(rules, comparisonMetrics(c), {
    missingMetric: "fail",
    requireBaseline: false,
    missingHint: (name) => name === "agreement" ? "the outputs have no label column" : name === "mad" || name === "max_diff" ? "the outputs have no number column" : void 0
  });
}
function formatRuleResults(results) {
  return results.map((r) => `${r.rule}: ${r.verdict}${r.left !== void 0 ? ` (${Number(r.left.toPrecision(6))})` : ""}${r.reason ? ` \u2014 ${r.reason}` : ""}`);
}
function checkExpectedRows(rows, expect) {
  if (!isObj(expect)) return 'smoke-expect for a batch endpoint must be a JSON object: {"<row key>": [<values after the key>], \u2026}';
  const byKey = new Map(rows.map((r) => [r[0] ?? "", r.slice(1)]));
  for (const [key, want] of Object.entries(expect)) {
    const got = byKey.get(key);
    if (!got) return `no output row for '${key}'`;
    const wanted = Array.isArray(want) ? want : [want];
    for (let i = 0; i < wanted.length; i++) {
      const w = wanted[i];
      const g = got[i];
      const same = g !== void 0 && (typeof w === "number" ? NUMBER.test(g) && Number(g) === w : typeof w === "string" ? g === w : typeof w === "boolean" ? g.toLowerCase() === String(w) : false);
      if (!same) return `row '${key}': value ${i + 1} after the key is ${g === void 0 ? "missing" : `'${g}'`}, expected ${JSON.stringify(w)}`;
    }
  }
  return void 0;
}

// src/rollout/health.ts
var MONITOR_SIGNAL_NAMES = ["requests", "error_rate", "latency_p95", "latency_p99", "cpu", "memory"];
var PROBE_SIGNAL_NAMES = ["probe.requests", "probe.error_rate", "probe.latency_p95", "probe.latency_p99"];
var SIGNAL_NAMES = [...MONITOR_SIGNAL_NAMES, ...PROBE_SIGNAL_NAMES];
var FRACTION_SIGNALS = /* @__PURE__ */ new Set(["error_rate", "cpu", "memory", "probe.error_rate"]);
var isProbeSignal = (name) => name.startsWith("probe.");
var DEFAULT_HEALTH_RULES = "error_rate < 1%\nlatency_p99 < 1000\nprobe.error_rate < 1%\nprobe.latency_p99 < 1000";
var DEFAULT_MIN_REQUESTS = 5;
var DEFAULT_FAILURE_THRESHOLD = 2;
var DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;
var HealthInputs = {
  rules: "health-rules",
  minRequests: "min-requests",
  allowNoTraffic: "allow-no-traffic",
  failureThreshold: "failure-threshold",
  consecutiveErrorLimit: "consecutive-error-limit"
};
function walk(e, visit) {
  if (e.type === "compare") visit(e);
  else {
    walk(e.left, visit);
    walk(e.right, visit);
  }
}
function plainFractionMetric(e) {
  return e.type === "metric" && FRACTION_SIGNALS.has(e.name) ? e.name : void 0;
}
function parseHealthRules(text, input = HealthInputs.rules) {
  let rules;
  try {
    rules = parseRules(text);
  } catch (err) {
    if (err instanceof RuleSyntaxError) {
      throw new ConfigurationError(`Input '${input}' line ${err.line}, column ${err.column}: ${err.message}.`, {
        input,
        hint: `Write one rule per line over ${SIGNAL_NAMES.join(", ")}, e.g. 'error_rate < 1% and latency_p99 < 500'.`,
        cause: err
      });
    }
    throw err;
  }
  if (rules.length === 0) {
    throw new ConfigurationError(`Input '${input}' has no rule.`, {
      input,
      hint: `Leave it empty for the defaults (${DEFAULT_HEALTH_RULES.split("\n").join(", ")}).`
    });
  }
  for (const rule of rules) {
    for (const { name } of metricsOf(rule.expr)) {
      if (!SIGNAL_NAMES.includes(name)) {
        throw new ConfigurationError(`Input '${input}' line ${rule.line}: '${name}' is not a health signal.`, {
          input,
          hint: `Health rules can use ${SIGNAL_NAMES.join(", ")} (and baseline.<signal> of the Azure Monitor ones).`
        });
      }
    }
    walk(rule.expr, (c) => {
      const pairs = [
        [c.left, c.right],
        [c.right, c.left]
      ];
      for (const [a, b] of pairs) {
        const name = plainFractionMetric(a);
        if (name && b.type === "number" && b.value > 1) {
          throw new ConfigurationError(`Input '${input}' line ${rule.line}: '${c.text}' compares ${name}, a fraction from 0 to 1, with ${b.text}.`, {
            input,
            hint: `Write a percent, e.g. '${name} ${c.op} ${b.text}%', or a fraction such as ${b.value / 100}.`
          });
        }
      }
    });
  }
  return rules;
}
function nonNegativeInt(value, fallback, input, min) {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < min) {
    throw new ConfigurationError(`Input '${input}' must be a whole number of at least ${min}, got ${v}.`, { input });
  }
  return v;
}
function createHealthPolicy(spec = {}) {
  const rulesText = spec.rules === void 0 || spec.rules.trim() === "" ? DEFAULT_HEALTH_RULES : spec.rules;
  const rules = parseHealthRules(rulesText);
  return {
    rulesText,
    rules,
    minRequests: nonNegativeInt(spec.minRequests, DEFAULT_MIN_REQUESTS, HealthInputs.minRequests, 0),
    allowNoTraffic: spec.allowNoTraffic ?? false,
    failureThreshold: nonNegativeInt(spec.failureThreshold, DEFAULT_FAILURE_THRESHOLD, HealthInputs.failureThreshold, 1),
    consecutiveErrorLimit: nonNegativeInt(spec.consecutiveErrorLimit, DEFAULT_CONSECUTIVE_ERROR_LIMIT, HealthInputs.consecutiveErrorLimit, 1),
    usesBaseline: rules.some((r) => metricsOf(r.expr).some((m) => m.baseline)),
    usesMonitor: rules.some((r) => ruleKind(r) !== "probe"),
    usesProbe: rules.some((r) => ruleKind(r) !== "monitor")
  };
}
var KUBERNETES_HEALTH_RULES = "probe.error_rate < 1%\nprobe.latency_p99 < 1000";
function kubernetesHealthPolicy(policy) {
  if (policy.rulesText === DEFAULT_HEALTH_RULES) {
    return createHealthPolicy({
      rules: KUBERNETES_HEALTH_RULES,
      minRequests: policy.minRequests,
      allowNoTraffic: policy.allowNoTraffic,
      failureThreshold: policy.failureThreshold,
      consecutiveErrorLimit: policy.consecutiveErrorLimit
    });
  }
  const monitor = policy.rules.filter((r) => ruleKind(r) !== "probe");
  if (monitor.length > 0) {
    throw new ConfigurationError(
      `Input '${HealthInputs.rules}' line ${monitor[0].line}: '${monitor[0].text}' reads Azure Monitor signals, which Azure Monitor does not publish for Kubernetes online endpoints.`,
      {
        input: HealthInputs.rules,
        hint: `On Kubernetes endpoints write rules over the probe signals (${PROBE_SIGNAL_NAMES.join(", ")}), e.g. '${KUBERNETES_HEALTH_RULES.split("\n")[0]}'.`
      }
    );
  }
  return policy;
}
function readHealthPolicy(reader) {
  return createHealthPolicy({
    rules: reader.optional(HealthInputs.rules),
    minRequests: reader.int(HealthInputs.minRequests, { min: 0, default: DEFAULT_MIN_REQUESTS }),
    allowNoTraffic: reader.boolean(HealthInputs.allowNoTraffic, false),
    failureThreshold: reader.int(HealthInputs.failureThreshold, { min: 1, default: DEFAULT_FAILURE_THRESHOLD }),
    consecutiveErrorLimit: reader.int(HealthInputs.consecutiveErrorLimit, { min: 1, default: DEFAULT_CONSECUTIVE_ERROR_LIMIT })
  });
}
function ruleKind(rule) {
  const names = metricsOf(rule.expr);
  const probe2 = names.filter((m) => isProbeSignal(m.name)).length;
  return probe2 === 0 ? "monitor" : probe2 === names.length ? "probe" : "mixed";
}
function measured(signals) {
  const out = [];
  for (const name of SIGNAL_NAMES) {
    const v = signals[name];
    if (typeof v === "number" && !Number.isNaN(v)) out.push([name, v]);
  }
  return out;
}
function signalsToMetricSet(current, history = []) {
  const set = /* @__PURE__ */ new Map();
  for (const [name, value] of measured(current)) {
    const earlier = history.map((h) => h[name]).filter((v) => typeof v === "number" && !Number.isNaN(v));
    set.set(
      name,
      [...earlier, value].map((v, step) => ({ step, value: v }))
    );
  }
  return set;
}
function cumulative(history) {
  let requests = 0;
  let errors = 0;
  const out = { requests: 0 };
  for (const h of history) {
    if (h.pending || !Number.isFinite(h.requests) || h.requests <= 0) continue;
    requests += h.requests;
    errors += (h.error_rate ?? 0) * h.requests;
    for (const k of ["latency_p95", "latency_p99"]) if (typeof h[k] === "number") out[k] = Math.max(out[k] ?? 0, h[k]);
  }
  if (requests === 0) return void 0;
  out.requests = requests;
  out.error_rate = errors / requests;
  return out;
}
function judgeHealth(signals, policy, context = {}) {
  const probeData = (signals["probe.requests"] ?? 0) > 0;
  const requests = Number.isFinite(signals.requests) ? signals.requests : 0;
  let monitor = "judge";
  let monitorSignals = signals;
  let quietReason;
  if (signals.pending) monitor = "pending";
  else if (requests < policy.minRequests) {
    if (!policy.allowNoTraffic) monitor = "no-data";
    else if (requests === 0) {
      const before = cumulative(context.history ?? []);
      if (before) {
        monitorSignals = { ...before, ...pick(signals, PROBE_SIGNAL_NAMES) };
        quietReason = `no request in the window; judged on the stage's ${before.requests} reported request(s) so far`;
      } else monitor = "no-traffic-allowed";
    }
  }
  const usable = (r) => {
    const kind = ruleKind(r);
    const m = monitor === "judge";
    return kind === "monitor" ? m : kind === "probe" ? probeData : m && probeData;
  };
  const rules = policy.rules.filter(usable);
  if (monitor === "no-data") {
    return {
      verdict: "no-data",
      healthy: false,
      reason: `${requests} request(s) in the window, fewer than min-requests ${policy.minRequests}: no data is not healthy (set allow-no-traffic or probe-rps for low-traffic endpoints)`,
      results: []
    };
  }
  if (rules.length === 0) {
    if (monitor === "no-traffic-allowed")
      return { verdict: "no-traffic-allowed", healthy: true, reason: "no request in the window (allow-no-traffic is true)", results: [] };
    return { verdict: "pending", healthy: false, reason: "Azure Monitor has not reported a minute of the window yet and no probe was answered", results: [] };
  }
  const merged = monitorSignals === signals ? signals : { ...signals, ...monitorSignals };
  const metrics = signalsToMetricSet(merged, context.history);
  const baseline = context.baseline ? signalsToMetricSet(context.baseline) : void 0;
  const { passed, results } = evaluateRules(rules, metrics, { baseline, missingMetric: "fail", requireBaseline: false });
  if (passed) return { verdict: "healthy", healthy: true, results, ...quietReason ? { reason: quietReason } : {} };
  const failed = results.filter((r) => r.verdict === "failed");
  const reason = failed.map((r) => {
    const values = r.comparisons.filter((c) => c.verdict === "failed").map((c) => c.reason ? `${c.text}: ${c.reason}` : `${c.text} with ${formatValue(c.left)} vs ${formatValue(c.right)}`);
    return values.length ? values.join(", ") : r.rule;
  }).join("; ");
  return { verdict: "unhealthy", healthy: false, reason: `failed: ${reason}${quietReason ? ` (${quietReason})` : ""}`, results };
}
function pick(s, names) {
  const out = {};
  for (const n of names) {
    const v = s[n];
    if (typeof v === "number") out[n] = v;
  }
  return out;
}
function formatValue(v) {
  if (v === void 0) return "?";
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}
function countCheck(counters, outcome, policy) {
  if (outcome.kind === "pending") return { counters: { ...counters } };
  if (outcome.kind === "error") {
    const consecutiveErrors = counters.consecutiveErrors + 1;
    const next2 = { failedChecks: counters.failedChecks, consecutiveErrors };
    return consecutiveErrors >= policy.consecutiveErrorLimit ? { counters: next2, rollback: `${consecutiveErrors} metrics queries in a row failed (consecutive-error-limit ${policy.consecutiveErrorLimit})` } : { counters: next2 };
  }
  if (outcome.healthy) return { counters: { failedChecks: counters.failedChecks, consecutiveErrors: 0 } };
  const failedChecks = counters.failedChecks + 1;
  const next = { failedChecks, consecutiveErrors: 0 };
  return failedChecks >= policy.failureThreshold ? { counters: next, rollback: `${failedChecks} failed health check(s) (failure-threshold ${policy.failureThreshold})` } : { counters: next };
}

// src/azure/traffic.ts
var MAX_MIRROR_PERCENT = 50;
function trafficTotal(map) {
  return Object.values(map).reduce((sum, v) => sum + v, 0);
}
function normalizeTraffic(map) {
  const out = {};
  for (const name of Object.keys(map).sort()) if (map[name] !== 0) out[name] = map[name];
  return out;
}
function foldTrafficCase(map) {
  const out = {};
  for (const [name, value] of Object.entries(map)) {
    const key = name.toLowerCase();
    out[key] = (out[key] ?? 0) + value;
  }
  return normalizeTraffic(out);
}
function trafficPercent(map, deployment) {
  return foldTrafficCase(map)[deployment.toLowerCase()] ?? 0;
}
function trafficEquals(a, b) {
  const x = foldTrafficCase(a);
  const y = foldTrafficCase(b);
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => x[k] === y[k]);
}
function trafficStateEquals(a, b) {
  return trafficEquals(a.traffic, b.traffic) && trafficEquals(a.mirror, b.mirror);
}
function copyTrafficState(state) {
  return { traffic: { ...state.traffic }, mirror: { ...state.mirror } };
}
function formatTraffic(map) {
  const names = Object.keys(map).sort();
  return names.length === 0 ? "none" : names.map((n) => `${n}=${map[n]}`).join(" ");
}
function formatTrafficState(state) {
  const mirror = normalizeTraffic(state.mirror);
  const live = formatTraffic(state.traffic);
  return Object.keys(mirror).length === 0 ? live : `${live}, mirror ${formatTraffic(mirror)}`;
}
function percentProblem(kind, name, value, max) {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) {
    return `${kind} for '${name}' is ${JSON.stringify(value)}; use a whole percent from 0 to ${max}`;
  }
  return void 0;
}
function liveTrafficProblems(traffic) {
  const problems = [];
  for (const [name, value] of Object.entries(traffic)) {
    const p = percentProblem("traffic", name, value, 100);
    if (p) problems.push(p);
  }
  if (problems.length === 0) {
    const total = trafficTotal(traffic);
    if (total !== 0 && total !== 100) problems.push(`traffic sums to ${total} (${formatTraffic(traffic)}); it must sum to 0 or 100`);
  }
  return problems;
}
function trafficProblems(state, options = {}) {
  const problems = liveTrafficProblems(state.traffic);
  const known = options.deployments ? new Set(options.deployments) : void 0;
  const listed = options.deployments && options.deployments.length > 0 ? options.deployments.join(", ") : "none";
  if (known) {
    for (const name of Object.keys(state.traffic)) {
      if (!known.has(name)) problems.push(`'${name}' is not a deployment of this endpoint (deployments: ${listed})`);
    }
  }
  const mirrored = Object.entries(state.mirror).filter(([, v]) => v !== 0);
  for (const [name, value] of Object.entries(state.mirror)) {
    const p = percentProblem("mirror traffic", name, value, MAX_MIRROR_PERCENT);
    if (p) problems.push(p);
  }
  if (mirrored.length > 1) {
    problems.push(`mirror traffic can go to one deployment only, got ${formatTraffic(Object.fromEntries(mirrored))}`);
  }
  for (const [name] of mirrored) {
    if (known && !known.has(name)) problems.push(`mirror target '${name}' is not a deployment of this endpoint (deployments: ${listed})`);
    if ((state.traffic[name] ?? 0) > 0) {
      problems.push(`'${name}' takes ${state.traffic[name]}% live traffic and so cannot also receive mirrored traffic`);
    }
  }
  if (options.kubernetes && mirrored.length > 0) problems.push("mirror traffic is not supported on Kubernetes online endpoints");
  return problems;
}

// src/rollout/traffic.ts
var TrafficConflictError = class extends Error {
  constructor(message, current) {
    super(message);
    this.current = current;
  }
  current;
  name = "TrafficConflictError";
};
function isTrafficConflict(error) {
  return error instanceof TrafficConflictError || typeof error === "object" && error !== null && error.name === "TrafficConflictError";
}
function nextTraffic(prior, deployment, weight) {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
    throw new RangeError(`The weight of '${deployment}' must be a whole percent from 0 to 100, got ${weight}.`);
  }
  const problems = trafficProblems({ traffic: prior, mirror: {} });
  if (problems.length > 0) throw new RangeError(`The prior traffic is not valid: ${problems.join("; ")}.`);
  const others = Object.keys(prior).filter((n) => n !== deployment);
  const othersTotal = others.reduce((sum, n) => sum + prior[n], 0);
  const result = {};
  if (othersTotal === 0) {
    if (weight !== 0 && weight !== 100) {
      throw new RangeError(`No other deployment takes traffic, so '${deployment}' can only get 0 or 100 (traffic must sum to 0 or 100), not ${weight}.`);
    }
    for (const n of others) result[n] = 0;
    result[deployment] = weight;
    return result;
  }
  const remaining = 100 - weight;
  const shares = others.map((name) => {
    const numerator = prior[name] * remaining;
    return { name, prior: prior[name], floor: Math.floor(numerator / othersTotal), remainder: numerator % othersTotal };
  });
  let leftover = remaining - shares.reduce((sum, s) => sum + s.floor, 0);
  const order = [...shares].sort((a, b) => b.remainder - a.remainder || b.prior - a.prior || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const share of order) {
    if (leftover === 0) break;
    if (share.remainder === 0) continue;
    share.floor += 1;
    leftover -= 1;
  }
  for (const s of shares) result[s.name] = s.floor;
  result[deployment] = weight;
  return result;
}
function assertValidTraffic(state, options = {}) {
  const problems = trafficProblems(state, options);
  if (problems.length === 0) return;
  const where = options.input ? `Input '${options.input}': ` : "";
  throw new ConfigurationError(`${where}${problems.join("; ")}.`, {
    input: options.input,
    hint: "Live traffic is whole percents summing to 0 or 100; mirror traffic is at most 50% to one deployment that takes no live traffic."
  });
}

// src/rollout/strategy.ts
var STRATEGIES = ["canary", "linear", "blue-green", "stages"];
var RolloutInputs = {
  strategy: "strategy",
  canaryPercent: "canary-percent",
  stepPercent: "step-percent",
  stages: "stages",
  mirrorPercent: "mirror-percent",
  bakeTime: "bake-time",
  checkInterval: "check-interval",
  maxDuration: "max-duration",
  probeRps: "probe-rps",
  rollback: "rollback",
  keepFailed: "keep-failed",
  oldDeployments: "old-deployments",
  metricsDelay: "metrics-delay"
};
var DEFAULT_BAKE_TIME_MS = 5 * 6e4;
var DEFAULT_CANARY_PERCENT = 10;
var DEFAULT_STEP_PERCENT = 20;
var MIN_DEFAULT_CHECK_INTERVAL_MS = 1e4;
var MAX_PROBE_RPS = 100;
var DEFAULT_METRICS_DELAY_MS = 6e4;
function fail(input, message, hint) {
  throw new ConfigurationError(`Input '${input}' ${message}`, { input, hint });
}
function percent(input, value, min, max) {
  if (!Number.isInteger(value) || value < min || value > max) fail(input, `must be a whole percent from ${min} to ${max}, got ${value}.`);
  return value;
}
function duration(input, value) {
  if (value === void 0) return void 0;
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) fail(input, `must be a duration of 0 or more, got ${value}.`);
    return value;
  }
  if (value.trim() === "") return void 0;
  const ms = parseDuration(value);
  if (ms === void 0) {
    fail(input, `is not a valid duration: '${value}'.`, "Use a number of seconds (e.g. 90) or amounts with units ms, s, m, h, d (e.g. 90s, 10m, 1h30m).");
  }
  return ms;
}
function parseStages(value, input = RolloutInputs.stages) {
  const hint = "List the new deployment's weight at each stage, strictly increasing and ending at 100, e.g. '10,50,100'.";
  let stages;
  if (typeof value === "string") {
    const items = value.split(/[\s,]+/).filter((s) => s !== "");
    stages = items.map((item) => {
      const m = /^(\d+)%?$/.exec(item);
      if (!m) fail(input, `has '${item}', which is not a whole percent.`, hint);
      return Number(m[1]);
    });
  } else stages = [...value];
  if (stages.length === 0) fail(input, "is empty.", hint);
  stages.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 1 || s > 100) fail(input, `has ${s} at position ${i + 1}; each stage is a whole percent from 1 to 100.`, hint);
    if (i > 0 && s <= stages[i - 1]) fail(input, `is not strictly increasing: ${stages[i - 1]} then ${s}.`, hint);
  });
  if (stages[stages.length - 1] !== 100) fail(input, `must end at 100 (the new deployment takes all traffic), got ${stages.join(",")}.`, hint);
  return stages;
}
function strategyStages(strategy, options = {}) {
  switch (strategy) {
    case "canary":
      return [percent(RolloutInputs.canaryPercent, options.canaryPercent ?? DEFAULT_CANARY_PERCENT, 1, 99), 100];
    case "linear": {
      const step = percent(RolloutInputs.stepPercent, options.stepPercent ?? DEFAULT_STEP_PERCENT, 1, 99);
      const stages = [];
      for (let w = step; w < 100; w += step) stages.push(w);
      stages.push(100);
      return stages;
    }
    case "blue-green":
      return [100];
  }
}
function parseOldDeployments(value, input = RolloutInputs.oldDeployments) {
  const v = value.trim().toLowerCase();
  if (v === "" || v === "delete") return { mode: "delete" };
  if (v === "keep") return { mode: "keep" };
  const m = /^scale-to\s*[:= ]?\s*(\d+)$/.exec(v);
  if (m) return { mode: "scale-to", instances: Number(m[1]) };
  return fail(
    input,
    `must be delete, keep or scale-to: N, got '${value}'.`,
    "e.g. 'old-deployments: scale-to: 1' keeps the old deployment warm with one instance."
  );
}
var bakeCountOf = (stages, mirrorPercent) => stages.length + (mirrorPercent > 0 ? 1 : 0);
function assertRoomForBakes(plan) {
  const bakeCount = bakeCountOf(plan.stages, plan.mirrorPercent);
  const plannedBakes = bakeCount * plan.bakeTimeInMs;
  if (plan.maxDurationInMs <= plannedBakes) {
    fail(
      RolloutInputs.maxDuration,
      `(${formatDuration(plan.maxDurationInMs)}) does not leave room for the planned bakes: ${bakeCount} \xD7 ${formatDuration(plan.bakeTimeInMs)} = ${formatDuration(plannedBakes)}.`,
      "Raise max-duration, shorten bake-time or use fewer stages."
    );
  }
}
function createRolloutPlan(spec = {}, options = {}) {
  const strategy = spec.strategy ?? (spec.stages !== void 0 && spec.stages !== "" ? "stages" : "canary");
  if (!STRATEGIES.includes(strategy)) {
    fail(RolloutInputs.strategy, `must be one of ${STRATEGIES.join(", ")}, got '${strategy}'.`);
  }
  const stagesGiven = spec.stages !== void 0 && !(typeof spec.stages === "string" && spec.stages.trim() === "");
  if (stagesGiven && strategy !== "stages") {
    fail(
      RolloutInputs.stages,
      `is given together with strategy '${strategy}'.`,
      "Use either 'strategy' (canary, linear, blue-green) or 'stages' (alone or with 'strategy: stages')."
    );
  }
  let stages;
  if (strategy === "stages") {
    if (!stagesGiven) fail(RolloutInputs.stages, "is required with 'strategy: stages'.", "e.g. 'stages: 10,50,100'.");
    stages = parseStages(spec.stages);
  } else {
    stages = strategyStages(strategy, { canaryPercent: spec.canaryPercent, stepPercent: spec.stepPercent });
  }
  const mirrorPercent = percent(RolloutInputs.mirrorPercent, spec.mirrorPercent ?? 0, 0, MAX_MIRROR_PERCENT);
  const bakeTimeInMs = duration(RolloutInputs.bakeTime, spec.bakeTime) ?? DEFAULT_BAKE_TIME_MS;
  const explicitInterval = duration(RolloutInputs.checkInterval, spec.checkInterval);
  let checkIntervalInMs;
  if (explicitInterval !== void 0) {
    if (explicitInterval < 1e3) fail(RolloutInputs.checkInterval, `must be at least 1s, got ${formatDuration(explicitInterval)}.`);
    if (bakeTimeInMs > 0 && explicitInterval > bakeTimeInMs) {
      fail(
        RolloutInputs.checkInterval,
        `(${formatDuration(explicitInterval)}) is longer than bake-time (${formatDuration(bakeTimeInMs)}).`,
        "Checks run during each bake; use an interval of at most the bake time."
      );
    }
    checkIntervalInMs = explicitInterval;
  } else {
    checkIntervalInMs = Math.min(bakeTimeInMs, Math.max(MIN_DEFAULT_CHECK_INTERVAL_MS, Math.round(bakeTimeInMs / 5)));
  }
  const plannedBakes = bakeCountOf(stages, mirrorPercent) * bakeTimeInMs;
  const maxDurationInMs = duration(RolloutInputs.maxDuration, spec.maxDuration) ?? 2 * plannedBakes + 30 * 6e4;
  if (options.checkBakeRoom !== false) assertRoomForBakes({ stages, mirrorPercent, bakeTimeInMs, maxDurationInMs });
  const probeRps = spec.probeRps ?? 0;
  if (!Number.isFinite(probeRps) || probeRps < 0 || probeRps > MAX_PROBE_RPS)
    fail(RolloutInputs.probeRps, `must be from 0 to ${MAX_PROBE_RPS} requests per second, got ${probeRps}.`);
  const rollback = spec.rollback ?? "auto";
  if (rollback !== "auto" && rollback !== "none") fail(RolloutInputs.rollback, `must be auto or none, got '${String(rollback)}'.`);
  const oldDeployments = typeof spec.oldDeployments === "string" || spec.oldDeployments === void 0 ? parseOldDeployments(spec.oldDeployments ?? "delete") : spec.oldDeployments;
  if (oldDeployments.mode === "scale-to" && (!Number.isSafeInteger(oldDeployments.instances) || oldDeployments.instances < 0)) {
    fail(RolloutInputs.oldDeployments, `scale-to needs a whole number of instances of 0 or more, got ${oldDeployments.instances}.`);
  }
  const health = spec.health && "rules" in spec.health && Array.isArray(spec.health.rules) ? spec.health : createHealthPolicy(spec.health);
  if (!health.usesMonitor && probeRps === 0) {
    fail(
      "health-rules",
      "names only probe signals (probe.*), but probe-rps is 0: nothing would be judged.",
      "Set probe-rps, or add Azure Monitor rules such as error_rate < 1%."
    );
  }
  const metricsDelayInMs = duration(RolloutInputs.metricsDelay, spec.metricsDelay) ?? DEFAULT_METRICS_DELAY_MS;
  if (metricsDelayInMs > 30 * 6e4)
    fail(RolloutInputs.metricsDelay, `(${formatDuration(metricsDelayInMs)}) is longer than 30m; Azure Monitor reports minutes within a few minutes.`);
  return {
    strategy,
    stages,
    mirrorPercent,
    bakeTimeInMs,
    checkIntervalInMs,
    maxDurationInMs,
    health,
    probeRps,
    rollback,
    keepFailed: spec.keepFailed ?? false,
    oldDeployments,
    rollbackAttempts: spec.rollbackAttempts ?? 5,
    rollbackRetryDelayInMs: spec.rollbackRetryDelayInMs ?? 1e3,
    metricsDelayInMs
  };
}
function readRolloutPlan(reader, options = {}) {
  const strategy = reader.choice(RolloutInputs.strategy, STRATEGIES);
  return createRolloutPlan(
    {
      strategy,
      canaryPercent: reader.int(RolloutInputs.canaryPercent, { min: 1, max: 99 }),
      stepPercent: reader.int(RolloutInputs.stepPercent, { min: 1, max: 99 }),
      stages: reader.optional(RolloutInputs.stages),
      mirrorPercent: reader.int(RolloutInputs.mirrorPercent, { min: 0, max: MAX_MIRROR_PERCENT }),
      bakeTime: reader.duration(RolloutInputs.bakeTime),
      checkInterval: reader.duration(RolloutInputs.checkInterval),
      maxDuration: reader.duration(RolloutInputs.maxDuration),
      probeRps: reader.number(RolloutInputs.probeRps, { min: 0, max: MAX_PROBE_RPS }),
      rollback: reader.choice(RolloutInputs.rollback, ["auto", "none"], "auto"),
      keepFailed: reader.boolean(RolloutInputs.keepFailed, false),
      oldDeployments: reader.optional(RolloutInputs.oldDeployments),
      health: readHealthPolicy(reader),
      metricsDelay: reader.duration(RolloutInputs.metricsDelay)
    },
    options
  );
}

// src/specs/data-collector.ts
var DEFAULT_MDC_PATH = "azureml://datastores/workspaceblobstore/paths/modelDataCollector";
var ROLLING_RATES = { minute: "Minute", hour: "Hour", day: "Day" };
var declaredData = /* @__PURE__ */ new WeakMap();
function dataCollector(t, v, path) {
  const d = t.map(v, path, "must be a map with collections");
  t.checkKeys(d, ["collections", "rolling_rate", "sampling_rate", "request_logging"], path, "data collector");
  if (d.collections === void 0 || d.collections === null) t.fail(path, "needs 'collections' (model_inputs, model_outputs, \u2026)");
  const cp = [...path, "collections"];
  const cs = t.map(d.collections, cp, "must be a map of collection names to { enabled }");
  if (Object.keys(cs).length === 0) t.fail(cp, "lists no collection");
  let samplingRate;
  if (d.sampling_rate !== void 0 && d.sampling_rate !== null) {
    samplingRate = t.num(d.sampling_rate, [...path, "sampling_rate"]);
    if (samplingRate < 0 || samplingRate > 1)
      t.fail([...path, "sampling_rate"], `${samplingRate} is not a sampling rate`, "a number from 0.0 to 1.0 (1.0: every request)");
  }
  const collections = {};
  for (const name of Object.keys(cs)) collections[name] = collection(t, cs[name], [...cp, name], samplingRate);
  const out = { collections };
  if (d.rolling_rate !== void 0 && d.rolling_rate !== null)
    out.rollingRate = t.oneOf(t.str(d.rolling_rate, [...path, "rolling_rate"]).toLowerCase(), [...path, "rolling_rate"], ROLLING_RATES, "a rolling rate");
  if (d.request_logging !== void 0 && d.request_logging !== null) {
    const rp = [...path, "request_logging"];
    const r = t.map(d.request_logging, rp, "must be a map with capture_headers");
    t.checkKeys(r, ["capture_headers"], rp, "request logging");
    const headers = r.capture_headers;
    if (headers !== void 0 && headers !== null) {
      if (!Array.isArray(headers)) t.fail([...rp, "capture_headers"], "must be a list of header names");
      out.requestLogging = { captureHeaders: headers.map((h, i) => t.str(h, [...rp, "capture_headers", i])) };
    } else out.requestLogging = {};
  }
  return out;
}
function collection(t, v, path, samplingRate) {
  const c = t.map(v, path, "must be a map with enabled: 'true' or 'false'");
  t.checkKeys(c, ["enabled", "data", "client_id"], path, "data collection");
  if (c.enabled === void 0 || c.enabled === null) t.fail(path, "needs 'enabled': 'true' or 'false'");
  const enabled = t.str(c.enabled, [...path, "enabled"]).toLowerCase();
  if (enabled !== "true" && enabled !== "false") t.fail([...path, "enabled"], `'${String(c.enabled)}' is not 'true' or 'false'`);
  const out = { dataCollectionMode: enabled === "true" ? "Enabled" : "Disabled" };
  if (samplingRate !== void 0) out.samplingRate = samplingRate;
  if (c.client_id !== void 0 && c.client_id !== null) out.clientId = t.str(c.client_id, [...path, "client_id"]);
  if (c.data !== void 0 && c.data !== null) {
    const dp = [...path, "data"];
    const data = t.map(c.data, dp, "must be a map (name, version, path)");
    t.checkKeys(data, ["name", "version", "path"], dp, "collection data asset");
    const declared = {};
    if (data.name !== void 0) {
      declared.name = t.str(data.name, [...dp, "name"]);
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/.test(declared.name)) t.fail([...dp, "name"], `'${declared.name}' is not a data asset name`);
    }
    if (data.version !== void 0) declared.version = t.str(data.version, [...dp, "version"]);
    if (data.path !== void 0) {
      declared.path = t.str(data.path, [...dp, "path"]);
      if (!declared.path.startsWith("azureml://"))
        t.fail([...dp, "path"], `'${declared.path}' is not a datastore path`, "write azureml://datastores/<datastore>/paths/<folder>");
    }
    declaredData.set(out, declared);
  }
  return out;
}
function collectionDataAssets(body, workspaceId, endpoint, deployment) {
  const collections = isObj(body.collections) ? body.collections : {};
  const out = [];
  for (const [collection2, c] of Object.entries(collections)) {
    if (!isObj(c)) continue;
    const declared = declaredData.get(c);
    const name = declared?.name ?? `${endpoint}-${deployment}-${collection2}`;
    const version = declared?.version ?? "1";
    const id = assetId(workspaceId, "data", name, version);
    c.dataId = id;
    out.push({ collection: collection2, name, version, path: declared?.path ?? `${DEFAULT_MDC_PATH}/${endpoint}/${deployment}/${collection2}`, id });
  }
  return out;
}

// src/specs/batch-fields.ts
var BATCH_RUN_SETTINGS = [
  "mini_batch_size",
  "max_concurrency_per_instance",
  "output_action",
  "output_file_name",
  "retry_settings",
  "error_threshold",
  "logging_level",
  "environment_variables"
];
var BATCH_ONLY_FIELDS = [
  "compute",
  "settings",
  ...BATCH_RUN_SETTINGS.filter((k) => k !== "environment_variables"),
  "component",
  "job_definition"
];

// src/specs/deployment.ts
var ENDPOINT_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/;
var DEPLOYMENT_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/;
function checkEndpointName(name) {
  return ENDPOINT_NAME.test(name) && !name.includes("--") ? void 0 : "an endpoint name has 3 to 32 letters, digits and -, starts with a letter and ends with a letter or digit";
}
function checkDeploymentName(name) {
  return DEPLOYMENT_NAME.test(name) ? void 0 : "a deployment name has 3 to 32 letters, digits and -, starts with a letter and ends with a letter or digit";
}
var AUTH_MODES = { key: "Key", aml_token: "AMLToken", aad_token: "AADToken" };
function computeArmId(workspaceId, name) {
  return `${workspaceId}/computes/${name}`;
}
function setEndpointCompute(plan, workspaceId) {
  if (plan.compute) plan.body.properties.compute = computeArmId(workspaceId, plan.compute);
}
function endpointCompute(t, doc, v) {
  const raw = t.str(v, ["compute"]).trim();
  const arm = /\/workspaces\/[^/]+\/computes\/([^/]+)$/i.exec(raw);
  const name = raw.startsWith("/") ? arm?.[1] : raw.replace(/^azureml:/i, "");
  if (!name || !/^[a-zA-Z0-9][a-zA-Z0-9_-]*$/.test(name))
    throw doc.error(["compute"], `'${raw}' is not a compute reference`, "azureml:<name of the Kubernetes compute attached to the workspace>");
  return name;
}
var MANAGED_ENDPOINT_ONLY = ["public_network_access"];
function planEndpoint(doc, o = {}) {
  const spec = doc.value;
  if (!isObj(spec)) throw doc.error([], "an endpoint file must be a YAML map");
  const t = new FieldReader(doc);
  const kubernetes = spec.compute !== void 0;
  if (kubernetes) {
    for (const k of MANAGED_ENDPOINT_ONLY)
      if (spec[k] !== void 0)
        t.fail(
          [k],
          `is a field of managed online endpoints; a Kubernetes online endpoint (compute) has no '${k}'`,
          "remove it, or remove compute for a managed endpoint"
        );
  }
  t.checkKeys(
    spec,
    ["$schema", "name", "auth_mode", "description", "tags", "identity", "public_network_access", "traffic", "mirror_traffic", "kind", "properties", "compute"],
    [],
    kubernetes ? "Kubernetes online endpoint" : "online endpoint"
  );
  if (typeof spec.name !== "string") throw doc.error([], "an endpoint needs 'name'");
  const bad = checkEndpointName(spec.name);
  if (bad) throw doc.error(["name"], `'${spec.name}' is not a valid endpoint name`, bad);
  const props = {};
  const mode = spec.auth_mode === void 0 ? "key" : t.str(spec.auth_mode, ["auth_mode"]).toLowerCase();
  if (!AUTH_MODES[mode]) throw doc.error(["auth_mode"], `'${mode}' is not an auth mode`, "valid: key, aml_token, aad_token");
  props.authMode = AUTH_MODES[mode];
  if (spec.description !== void 0) props.description = t.str(spec.description, ["description"]);
  if (spec.public_network_access !== void 0) {
    const v = t.str(spec.public_network_access, ["public_network_access"]).toLowerCase();
    if (v !== "enabled" && v !== "disabled") throw doc.error(["public_network_access"], "must be 'enabled' or 'disabled'");
    props.publicNetworkAccess = v === "enabled" ? "Enabled" : "Disabled";
  }
  if (spec.properties !== void 0) props.properties = t.stringMap(spec.properties, ["properties"]);
  let declaredTraffic;
  if (spec.traffic !== void 0 || spec.mirror_traffic !== void 0) {
    const traffic = percentMap(doc, spec.traffic, "traffic");
    const mirror = percentMap(doc, spec.mirror_traffic, "mirror_traffic");
    const live = trafficProblems({ traffic, mirror: {} });
    if (live.length > 0) throw doc.error(["traffic"], live.join("; "), "live traffic is whole percents of deployments summing to 0 or 100");
    const mirrored = trafficProblems({ traffic, mirror });
    if (mirrored.length > 0)
      throw doc.error(["mirror_traffic"], mirrored.join("; "), "mirror_traffic is at most 50 percent, to one deployment that takes no live traffic");
    declaredTraffic = { traffic, mirror };
  }
  const body = { properties: props };
  if (spec.kind !== void 0) body.kind = t.str(spec.kind, ["kind"]);
  if (spec.tags !== void 0) body.tags = t.stringMap(spec.tags, ["tags"]);
  if (spec.identity !== void 0) {
    if (!isObj(spec.identity)) throw doc.error(["identity"], "must be a map with a type");
    const type = t.str(spec.identity.type, ["identity", "type"]).toLowerCase();
    const map = { system_assigned: "SystemAssigned", user_assigned: "UserAssigned", none: "None" };
    if (!map[type]) throw doc.error(["identity", "type"], `'${type}' is not an identity type`, "valid: system_assigned, user_assigned, none");
    body.identity = { type: map[type] };
  }
  const plan = { name: spec.name, body, ...declaredTraffic ? { declaredTraffic } : {} };
  if (kubernetes) {
    plan.compute = endpointCompute(t, doc, spec.compute);
    if (o.workspaceId) setEndpointCompute(plan, o.workspaceId);
  }
  return plan;
}
function percentMap(doc, v, key) {
  if (v === void 0 || v === null) return {};
  if (!isObj(v)) throw doc.error([key], "must be a map of deployment name to percent");
  const out = {};
  for (const [name, n] of Object.entries(v)) {
    if (typeof n !== "number" || !Number.isInteger(n)) throw doc.error([key, name], `must be a whole percent, got ${JSON.stringify(n)}`);
    out[name] = n;
  }
  return out;
}
function checkDeclaredTraffic(doc, plan, current, deployments, newDeployment) {
  const declared = plan.declaredTraffic;
  if (!declared) return;
  const known = /* @__PURE__ */ new Set([...deployments, newDeployment]);
  const listed = deployments.length > 0 ? deployments.join(", ") : "none yet";
  for (const [key, map] of [
    ["traffic", declared.traffic],
    ["mirror_traffic", declared.mirror]
  ]) {
    for (const name of Object.keys(map)) {
      if (!known.has(name))
        throw doc.error(
          [key, name],
          `'${name}' is not a deployment of endpoint ${plan.name} (deployments: ${listed})`,
          `name a deployment of the endpoint or '${newDeployment}', the new one`
        );
    }
  }
  if (!trafficStateEquals(declared, current)) {
    const key = trafficEquals(declared.traffic, current.traffic) ? "mirror_traffic" : "traffic";
    throw doc.error(
      [key],
      `says ${formatTrafficState(declared)}, but endpoint ${plan.name} holds ${formatTrafficState(current)}: the deploy action moves traffic itself, in stages, and rolls back to what the endpoint holds now`,
      "remove traffic and mirror_traffic from the endpoint file, or make them match the endpoint"
    );
  }
}
function seconds(t, v, path) {
  return `PT${t.int(v, path)}S`;
}
var MANAGED_DEPLOYMENT_KEYS = [
  "$schema",
  "name",
  "endpoint_name",
  "type",
  "description",
  "tags",
  "model",
  "code_configuration",
  "environment",
  "environment_variables",
  "instance_type",
  "instance_count",
  "app_insights_enabled",
  "request_settings",
  "liveness_probe",
  "readiness_probe",
  "scale_settings",
  "egress_public_network_access",
  "model_mount_path",
  "properties",
  "data_collector"
];
var KUBERNETES_DEPLOYMENT_KEYS = [...MANAGED_DEPLOYMENT_KEYS.filter((k) => k !== "egress_public_network_access"), "resources"];
async function planDeployment(doc, fileOnDisk, o) {
  const spec = doc.value;
  if (!isObj(spec)) throw doc.error([], "a deployment file must be a YAML map");
  const t = new PlanContext(doc, fileOnDisk, o);
  for (const k of BATCH_ONLY_FIELDS)
    if (spec[k] !== void 0)
      t.fail([k], `is a field of batch deployments; a managed online deployment has no '${k}'`, "deploy a batch deployment YAML to a batch endpoint");
  const type = spec.type === void 0 ? "managed" : t.str(spec.type, ["type"]).toLowerCase();
  if (type !== "managed" && type !== "kubernetes")
    throw doc.error(["type"], `'${String(spec.type)}' is not an online deployment type`, "valid: managed, kubernetes");
  const kubernetes = type === "kubernetes";
  if (!kubernetes && spec.resources !== void 0)
    t.fail(
      ["resources"],
      "is a field of Kubernetes online deployments; a managed deployment's resources come from its instance_type",
      "add 'type: kubernetes' for a Kubernetes online endpoint"
    );
  if (kubernetes && spec.egress_public_network_access !== void 0)
    t.fail(["egress_public_network_access"], "is a field of managed online deployments; a Kubernetes online deployment has none", "remove it");
  t.checkKeys(
    spec,
    kubernetes ? KUBERNETES_DEPLOYMENT_KEYS : MANAGED_DEPLOYMENT_KEYS,
    [],
    kubernetes ? "Kubernetes online deployment" : "managed online deployment"
  );
  const { name, endpointName } = deploymentNames(t, spec, o.endpointName);
  const props = { endpointComputeType: kubernetes ? "Kubernetes" : "Managed" };
  if (spec.description !== void 0) props.description = t.str(spec.description, ["description"]);
  const modelId = await deploymentModel(t, spec.model);
  props.model = modelId;
  if (spec.code_configuration !== void 0) props.codeConfiguration = await codeConfiguration(t, spec.code_configuration);
  if (spec.environment !== void 0) props.environmentId = await environmentId(t, spec.environment, ["environment"]);
  else if (spec.code_configuration !== void 0) throw doc.error([], "a deployment with scoring code needs an environment");
  const env = t.stringMap(spec.environment_variables, ["environment_variables"]);
  if (env) props.environmentVariables = env;
  if (spec.instance_type !== void 0) props.instanceType = t.str(spec.instance_type, ["instance_type"]);
  if (spec.app_insights_enabled !== void 0) props.appInsightsEnabled = Boolean(spec.app_insights_enabled);
  if (spec.model_mount_path !== void 0) props.modelMountPath = t.str(spec.model_mount_path, ["model_mount_path"]);
  if (spec.properties !== void 0) props.properties = t.stringMap(spec.properties, ["properties"]);
  if (spec.egress_public_network_access !== void 0) {
    const v = t.str(spec.egress_public_network_access, ["egress_public_network_access"]).toLowerCase();
    if (v !== "enabled" && v !== "disabled") throw doc.error(["egress_public_network_access"], "must be 'enabled' or 'disabled'");
    props.egressPublicNetworkAccess = v === "enabled" ? "Enabled" : "Disabled";
  }
  if (spec.request_settings !== void 0) props.requestSettings = requestSettings(t, spec.request_settings);
  for (const [key, wire] of [
    ["liveness_probe", "livenessProbe"],
    ["readiness_probe", "readinessProbe"]
  ]) {
    if (spec[key] !== void 0) props[wire] = probe(t, spec[key], key);
  }
  if (spec.scale_settings !== void 0) props.scaleSettings = scaleSettings(t, spec.scale_settings);
  if (spec.resources !== void 0) props.containerResourceRequirements = containerResources(t, spec.resources);
  if (spec.data_collector !== void 0) props.dataCollector = dataCollector(t, spec.data_collector, ["data_collector"]);
  const body = { properties: props };
  body.sku = { name: "Default", capacity: spec.instance_count === void 0 ? 1 : t.int(spec.instance_count, ["instance_count"], 1) };
  if (spec.tags !== void 0) body.tags = t.stringMap(spec.tags, ["tags"]);
  return { name, endpointName, body, uploads: t.uploads, assets: t.assets, modelId };
}
function deploymentNames(t, spec, endpointInput) {
  let name;
  if (spec.name !== void 0) {
    name = t.str(spec.name, ["name"]);
    const bad = checkDeploymentName(name);
    if (bad) throw t.doc.error(["name"], `'${name}' is not a valid deployment name`, bad);
  }
  const endpointName = spec.endpoint_name === void 0 ? void 0 : t.str(spec.endpoint_name, ["endpoint_name"]);
  if (endpointName !== void 0 && endpointInput !== void 0 && endpointName !== endpointInput) {
    throw t.doc.error(
      ["endpoint_name"],
      `names endpoint '${endpointName}', but this step deploys to endpoint '${endpointInput}'`,
      "make endpoint_name match the endpoint input, or remove it"
    );
  }
  return { name, endpointName };
}
async function deploymentModel(t, v) {
  if (v === void 0) throw t.doc.error([], "a deployment needs 'model'");
  if (typeof v === "string") {
    const r = t.ref(v, ["model"]);
    if (r.kind === "asset") return t.assetVersionId("models", r, ["model"]);
    if (r.kind === "arm-id") return r.id;
    if (r.kind === "registry" && r.assetType === "models") return r.uri;
    throw t.doc.error(
      ["model"],
      `'${v}' is not a model reference`,
      "azureml:<name>:<version>, azureml:<name>@latest, a registry model, or an inline model with a path"
    );
  }
  if (!isObj(v)) throw t.doc.error(["model"], "must be a model reference or an inline model with a path");
  return inlineModel(t, v);
}
var MODEL_TYPES = { custom_model: "custom_model", mlflow_model: "mlflow_model", triton_model: "triton_model" };
async function inlineModel(t, m) {
  t.checkKeys(m, ["$schema", "name", "version", "path", "type", "description", "tags"], ["model"], "inline model");
  if (m.path === void 0) throw t.doc.error(["model"], "an inline model needs a path");
  const upload = await t.snapshotOf(t.str(m.path, ["model", "path"]), ["model", "path"], "model");
  const type = m.type === void 0 ? "custom_model" : lookup(MODEL_TYPES, t.str(m.type, ["model", "type"]));
  if (!type) throw t.doc.error(["model", "type"], `'${String(m.type)}' is not a model type`, "valid: custom_model, mlflow_model, triton_model");
  const name = m.name !== void 0 ? t.str(m.name, ["model", "name"]) : "azureml_anonymous";
  const version = m.version !== void 0 ? t.str(m.version, ["model", "version"]) : versionHash(upload.snapshot.hash);
  const id = assetId(t.o.workspaceId, "models", name, version);
  const props = {
    modelType: type,
    modelUri: t.datastoreUri(upload.datastorePath, !upload.snapshot.isFile),
    isAnonymous: m.name === void 0,
    properties: { contentHash: upload.snapshot.hash }
  };
  if (m.description !== void 0) props.description = t.str(m.description, ["model", "description"]);
  if (m.tags !== void 0) props.tags = t.stringMap(m.tags, ["model", "tags"]);
  return t.addAsset({ kind: "models", name, version, id, body: { properties: props }, upload });
}
function lookup(table, key) {
  return Object.hasOwn(table, key) ? table[key] : void 0;
}
async function codeConfiguration(t, v) {
  if (!isObj(v)) throw t.doc.error(["code_configuration"], "must be a map with code and scoring_script");
  t.checkKeys(v, ["code", "scoring_script"], ["code_configuration"], "code configuration");
  if (v.scoring_script === void 0) throw t.doc.error(["code_configuration"], "needs 'scoring_script'");
  return {
    codeId: await codeId(t, v.code, ["code_configuration", "code"]),
    scoringScript: t.str(v.scoring_script, ["code_configuration", "scoring_script"])
  };
}
function requestSettings(t, v) {
  const path = ["request_settings"];
  const rs = t.map(v, path);
  t.checkKeys(rs, ["request_timeout_ms", "max_concurrent_requests_per_instance", "max_queue_wait_ms"], path, "request settings");
  const out = {};
  if (rs.request_timeout_ms !== void 0) out.requestTimeout = `PT${t.int(rs.request_timeout_ms, [...path, "request_timeout_ms"], 1) / 1e3}S`;
  if (rs.max_queue_wait_ms !== void 0) out.maxQueueWait = `PT${t.int(rs.max_queue_wait_ms, [...path, "max_queue_wait_ms"]) / 1e3}S`;
  if (rs.max_concurrent_requests_per_instance !== void 0)
    out.maxConcurrentRequestsPerInstance = t.int(rs.max_concurrent_requests_per_instance, [...path, "max_concurrent_requests_per_instance"], 1);
  return out;
}
function probe(t, v, key) {
  const pr = t.map(v, [key]);
  t.checkKeys(pr, ["initial_delay", "period", "timeout", "success_threshold", "failure_threshold"], [key], "probe");
  const out = {};
  if (pr.initial_delay !== void 0) out.initialDelay = seconds(t, pr.initial_delay, [key, "initial_delay"]);
  if (pr.period !== void 0) out.period = seconds(t, pr.period, [key, "period"]);
  if (pr.timeout !== void 0) out.timeout = seconds(t, pr.timeout, [key, "timeout"]);
  if (pr.success_threshold !== void 0) out.successThreshold = t.int(pr.success_threshold, [key, "success_threshold"], 1);
  if (pr.failure_threshold !== void 0) out.failureThreshold = t.int(pr.failure_threshold, [key, "failure_threshold"], 1);
  return out;
}
var QUANTITY = /^[+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
function containerResources(t, v) {
  const path = ["resources"];
  const r = t.map(v, path, "must be a map with requests and limits");
  t.checkKeys(r, ["requests", "limits"], path, "resources");
  const out = {};
  for (const [key, wire] of [
    ["requests", "containerResourceRequests"],
    ["limits", "containerResourceLimits"]
  ]) {
    if (r[key] === void 0 || r[key] === null) continue;
    const at = [...path, key];
    const settings = t.map(r[key], at, "must be a map of cpu, memory, nvidia.com/gpu");
    t.checkKeys(settings, ["cpu", "memory", "gpu", "nvidia.com/gpu"], at, `resource ${key}`);
    if (settings.gpu !== void 0 && settings["nvidia.com/gpu"] !== void 0) t.fail([...at, "gpu"], "is given twice, as 'gpu' and as 'nvidia.com/gpu'");
    const one = {};
    for (const [yamlKey, wireKey] of [
      ["cpu", "cpu"],
      ["memory", "memory"],
      ["gpu", "gpu"],
      ["nvidia.com/gpu", "gpu"]
    ]) {
      const q = settings[yamlKey];
      if (q === void 0 || q === null) continue;
      const text = typeof q === "number" ? String(q) : t.str(q, [...at, yamlKey]);
      if (!QUANTITY.test(text))
        t.fail([...at, yamlKey], `'${text}' is not a Kubernetes quantity`, 'e.g. "0.5" or "500m" CPU, "512Mi" or "2Gi" memory, "1" GPU');
      one[wireKey] = text;
    }
    out[wire] = one;
  }
  return out;
}
function scaleSettings(t, v) {
  const path = ["scale_settings"];
  const ss = t.map(v, path, "must be a map with a type");
  const type = ss.type === void 0 ? "default" : t.str(ss.type, [...path, "type"]).toLowerCase();
  if (type === "default") {
    t.checkKeys(ss, ["type"], path, "default scale settings");
    return { scaleType: "Default" };
  }
  if (type !== "target_utilization") throw t.doc.error([...path, "type"], `'${type}' is not a scale type`, "valid: default, target_utilization");
  t.checkKeys(ss, ["type", "min_instances", "max_instances", "polling_interval", "target_utilization_percentage"], path, "target utilization scale settings");
  const out = { scaleType: "TargetUtilization" };
  if (ss.min_instances !== void 0) out.minInstances = t.int(ss.min_instances, [...path, "min_instances"], 1);
  if (ss.max_instances !== void 0) out.maxInstances = t.int(ss.max_instances, [...path, "max_instances"], 1);
  if (ss.polling_interval !== void 0) out.pollingInterval = seconds(t, ss.polling_interval, [...path, "polling_interval"]);
  if (ss.target_utilization_percentage !== void 0)
    out.targetUtilizationPercentage = t.int(ss.target_utilization_percentage, [...path, "target_utilization_percentage"], 1);
  return out;
}

// src/runs/inputs/deploy.ts
function file(workspace, p) {
  const path = isAbsolute(p) ? p : resolve(workspace, p);
  const rel = relative(workspace, path);
  return { path, display: rel.startsWith("..") ? p : rel };
}
function jsonOrFile(reader, input, text, workspace, what) {
  const t = text.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return { name: "inline JSON", body: JSON.stringify(JSON.parse(t)) };
    } catch (err) {
      throw new ConfigurationError(`Input '${input}': the inline ${what} is not valid JSON: ${err.message}`, { input });
    }
  }
  const f = file(workspace, t);
  if (!existsSync(f.path) || !statSync(f.path).isFile()) {
    throw new ConfigurationError(`Input '${input}': ${f.display} does not exist`, { input, hint: `give inline JSON or the path of a JSON file (${what})` });
  }
  const body = readFileSync(f.path, "utf8");
  try {
    JSON.parse(body);
  } catch (err) {
    throw new ConfigurationError(`Input '${input}': ${f.display} is not valid JSON: ${err.message}`, { input, file: f.display });
  }
  void reader;
  return { name: f.display, body };
}
function readDeployInputs(reader, workspace) {
  const endpoint = reader.required("endpoint");
  const s = {};
  if (/\.ya?ml$/i.test(endpoint)) {
    s.endpointFile = file(workspace, endpoint);
    if (!existsSync(s.endpointFile.path))
      throw new ConfigurationError(`Input 'endpoint': ${s.endpointFile.display} does not exist`, {
        input: "endpoint",
        hint: "an endpoint name, or the path of an az ml online-endpoint YAML"
      });
  } else {
    const bad = checkEndpointName(endpoint);
    if (bad) throw new ConfigurationError(`Input 'endpoint': '${endpoint}' is not a valid endpoint name`, { input: "endpoint", hint: bad });
    s.endpointName = endpoint;
  }
  const deploymentFile = reader.optional("deployment-file");
  const model = reader.optional("model");
  if (!deploymentFile && !model) {
    throw new ConfigurationError("Give the new deployment: 'deployment-file', 'model', or both (the model then replaces the file's)", {
      input: "deployment-file"
    });
  }
  if (deploymentFile) {
    s.deploymentFile = file(workspace, deploymentFile);
    if (!existsSync(s.deploymentFile.path))
      throw new ConfigurationError(`Input 'deployment-file': ${s.deploymentFile.display} does not exist`, { input: "deployment-file" });
  }
  if (model && !/^azureml:/.test(model))
    throw new ConfigurationError(`Input 'model': '${model}' is not a model reference`, {
      input: "model",
      hint: "azureml:<name>:<version> or azureml:<name>@<alias>"
    });
  s.model = model;
  s.instanceType = reader.optional("instance-type") ?? "Standard_DS3_v2";
  s.instanceCount = reader.int("instance-count", { min: 1, max: 100, default: 1 });
  const name = reader.optional("deployment-name");
  if (name) {
    const bad = checkDeploymentName(name);
    if (bad) throw new ConfigurationError(`Input 'deployment-name': '${name}' is not a valid deployment name`, { input: "deployment-name", hint: bad });
  }
  s.deploymentName = name;
  const manifest = reader.optional("manifest");
  if (manifest) s.manifest = JSON.parse(jsonOrFile(reader, "manifest", manifest, workspace, "manifest").body);
  const smoke = reader.optional("smoke-request");
  s.smokeRequests = smoke ? smoke.split(/\r?\n/).filter((l) => l.trim() !== "").map((l) => jsonOrFile(reader, "smoke-request", l, workspace, "request")) : [];
  const expect = reader.optional("smoke-expect");
  if (expect) s.smokeExpect = JSON.parse(jsonOrFile(reader, "smoke-expect", expect, workspace, "expected response").body);
  s.smokeMaxLatencyMs = reader.duration("smoke-max-latency");
  const monitor = reader.optional("monitor-file");
  if (monitor) {
    s.monitorFile = file(workspace, monitor);
    if (!existsSync(s.monitorFile.path) || !statSync(s.monitorFile.path).isFile())
      throw new ConfigurationError(`Input 'monitor-file': ${s.monitorFile.display} does not exist`, {
        input: "monitor-file",
        hint: "the path of an az ml schedule YAML with create_monitor, relative to the repository root"
      });
  }
  s.plan = readRolloutPlan(reader, { checkBakeRoom: false });
  s.testInput = reader.optional("test-input");
  s.testRows = reader.int("test-rows", { min: 1, max: 1e8 });
  const compare = reader.optional("compare-rules");
  if (compare) {
    parseCompareRules(compare);
    s.compareRules = compare;
  }
  if (s.plan.probeRps > 0 && s.smokeRequests.length === 0) {
    throw new ConfigurationError("Input 'probe-rps': probe traffic is made from the smoke requests, and 'smoke-request' is empty", { input: "probe-rps" });
  }
  return s;
}

// src/rollout/run.ts

// src/rollout/machine.ts
var PROBE_CHECK_INTERVAL_MS = 2e3;
var PHASES = [
  "Initializing",
  "Provisioning",
  "SmokeTesting",
  "Mirroring",
  "Progressing",
  "Promoting",
  "Succeeded",
  "RollingBack",
  "RolledBack",
  "Failed"
];
var TERMINAL_PHASES = ["Succeeded", "RolledBack", "Failed"];
function isTerminal(phase) {
  return TERMINAL_PHASES.includes(phase);
}
function createRolloutStatus(deployment, now, options = {}) {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(deployment)) throw new RangeError(`Not a deployment name: '${deployment}'.`);
  return {
    version: 1,
    deployment,
    kubernetes: options.kubernetes ?? false,
    phase: "Initializing",
    startedAt: now,
    updatedAt: now,
    stages: [],
    mirrorStage: false,
    firstDeployment: false,
    stageIndex: -1,
    weight: 0,
    mirrorPercent: 0,
    failedChecks: 0,
    consecutiveErrors: 0,
    promotionAttempts: 0,
    written: false,
    probing: false,
    records: [],
    timeline: [{ at: now, phase: "Initializing", kind: "phase", message: `rollout of '${deployment}' started` }]
  };
}
var isTrafficMap = (v) => isObj(v) && Object.values(v).every((n) => typeof n === "number");
var isTrafficState = (v) => v === void 0 || isObj(v) && isTrafficMap(v.traffic) && isTrafficMap(v.mirror);
function isRolloutStatus(v) {
  return isObj(v) && v.version === 1 && typeof v.deployment === "string" && typeof v.phase === "string" && PHASES.includes(v.phase) && typeof v.startedAt === "number" && Array.isArray(v.stages) && Array.isArray(v.records) && Array.isArray(v.timeline) && typeof v.written === "boolean" && isTrafficState(v.prior) && isTrafficState(v.expected) && isTrafficState(v.pendingWrite);
}
function outcomeOf(phase) {
  return phase === "Succeeded" ? "promoted" : phase === "RolledBack" ? "rolled-back" : phase === "Failed" ? "failed" : void 0;
}
function isCancellable(status) {
  return !isTerminal(status.phase) && status.phase !== "RollingBack" && !(status.phase === "Promoting" && status.promotion);
}
function decide(status, observation, plan, now) {
  const d = new Decider(structuredClone(status), observation, plan, now);
  d.run();
  return { status: d.s, actions: d.actions };
}
var Decider = class {
  constructor(s, obs, plan, now) {
    this.s = s;
    this.obs = obs;
    this.plan = plan;
    this.now = now;
    this.results = obs?.results ?? [];
  }
  s;
  obs;
  plan;
  now;
  actions = [];
  results;
  get resumed() {
    return this.obs === void 0;
  }
  result(type) {
    const all = this.results.filter((r) => r.type === type);
    return all[all.length - 1];
  }
  resultsOf(type) {
    return this.results.filter((r) => r.type === type);
  }
  emit(...actions) {
    this.actions.push(...actions);
  }
  event(kind, message) {
    this.s.timeline.push({ at: this.now, phase: this.s.phase, kind, message });
  }
  enter(phase, message) {
    this.s.phase = phase;
    this.event("phase", message ?? phase);
  }
  get deadline() {
    return this.s.startedAt + this.plan.maxDurationInMs;
  }
  get current() {
    const rec = this.s.records[this.s.records.length - 1];
    return rec && (rec.result === "pending" || rec.result === "baking") ? rec : void 0;
  }
  run() {
    const s = this.s;
    s.updatedAt = this.now;
    if (isTerminal(s.phase)) return;
    this.absorbWrites();
    if (this.obs?.cancel !== void 0 && isCancellable(s)) {
      this.cancel(this.obs.cancel);
      return;
    }
    if (s.phase !== "Promoting" && s.phase !== "RollingBack" && this.now >= this.deadline) {
      const rec = this.current;
      const waiting = rec?.bakeEndsAt !== void 0 && this.now >= rec.bakeEndsAt && this.plan.health.usesMonitor && (rec.coveredUntil ?? -Infinity) < rec.bakeEndsAt;
      this.startRollback(
        `max-duration ${formatDuration(this.plan.maxDurationInMs)} exceeded in ${s.phase}` + (waiting ? ` while waiting for Azure Monitor to report the end of the bake: ${rec?.coveredUntil !== void 0 && rec.coveredUntil > rec.trafficSetAt ? `minutes reported until ${new Date(rec.coveredUntil).toISOString()}` : "no minute of it reported yet"}, the bake ended ${new Date(rec.bakeEndsAt).toISOString()} (metrics-delay ${formatDuration(this.plan.metricsDelayInMs)}; raise max-duration, or metrics-delay if Azure reports later)` : "")
      );
      return;
    }
    switch (s.phase) {
      case "Initializing":
        return this.initializing();
      case "Provisioning":
        return this.provisioning();
      case "SmokeTesting":
        return this.smokeTesting();
      case "Mirroring":
      case "Progressing":
        return this.baking();
      case "Promoting":
        return this.promoting();
      case "RollingBack":
        return this.rollingBack();
      case "Succeeded":
      case "Failed":
      case "RolledBack":
        return;
    }
  }
  /** Keeps `expected` / `written` in step with every confirmed write, whatever the phase does next. */
  absorbWrites() {
    const s = this.s;
    for (const r of [...this.resultsOf("setTraffic"), ...this.resultsOf("restoreTraffic")]) {
      if (r.ok && trafficStateEquals(r.readBack, r.target)) {
        s.expected = copyTrafficState(r.target);
        s.pendingWrite = void 0;
        if (s.prior && !trafficStateEquals(r.target, s.prior)) s.written = true;
        s.weight = trafficPercent(r.target.traffic, s.deployment);
        s.mirrorPercent = trafficPercent(r.target.mirror, s.deployment);
      }
    }
  }
  cancel(reason) {
    const s = this.s;
    if (!s.prior) {
      this.event("rollback", `cancelled before anything changed: ${reason}`);
      this.finish("Failed", `cancelled before anything changed: ${reason}`);
      return;
    }
    this.startRollback(`cancelled: ${reason}`, "aborted");
  }
  // --- Initializing ------------------------------------------------------------------------
  initializing() {
    const s = this.s;
    const r = this.result("readTraffic");
    if (!r) return this.emit({ type: "readTraffic" });
    if (!r.ok) return this.finish("Failed", `could not read the endpoint's traffic before starting: ${r.error}. Nothing was changed.`);
    const current = copyTrafficState(r.state);
    const problems = trafficProblems(current, { kubernetes: s.kubernetes });
    if (problems.length > 0) {
      return this.finish("Failed", `the endpoint's current traffic is not valid (${problems.join("; ")}); fix it first. Nothing was changed.`);
    }
    const own = trafficPercent(current.traffic, s.deployment);
    if (own > 0) {
      return this.finish(
        "Failed",
        `deployment '${s.deployment}' already takes ${own}% of the live traffic (${formatTrafficState(current)}); roll out under a new deployment name. Nothing was changed.`
      );
    }
    const othersMirrored = Object.entries(current.mirror).filter(([n, v]) => v > 0 && n !== s.deployment);
    if (this.plan.mirrorPercent > 0 && s.kubernetes) {
      return this.finish("Failed", "mirror-percent is set but mirror traffic is not supported on Kubernetes online endpoints. Nothing was changed.");
    }
    if (this.plan.mirrorPercent > 0 && othersMirrored.length > 0) {
      return this.finish(
        "Failed",
        `the endpoint already mirrors traffic to '${othersMirrored[0][0]}' (${othersMirrored[0][1]}%) and Azure ML mirrors to one deployment only; remove that mirror or set mirror-percent to 0. Nothing was changed.`
      );
    }
    s.prior = current;
    s.expected = copyTrafficState(current);
    s.firstDeployment = trafficTotal(current.traffic) - own === 0;
    s.stages = s.firstDeployment ? [100] : [...this.plan.stages];
    s.mirrorStage = !s.firstDeployment && this.plan.mirrorPercent > 0;
    this.event("plan", `rollback point recorded: ${formatTrafficState(current)}`);
    if (s.firstDeployment) this.event("plan", "no deployment takes live traffic: straight to 100 after the smoke test");
    this.event("plan", `stages: ${s.mirrorStage ? `mirror ${this.plan.mirrorPercent}%, ` : ""}${s.stages.join(" \u2192 ")}`);
    if (s.kubernetes) {
      this.event(
        "plan",
        `Kubernetes online endpoint: Azure Monitor publishes no request metrics for it, so health is judged only on the probe and smoke requests this rollout sends (${this.plan.probeRps > 0 ? `probes at ${this.plan.probeRps}/s` : "no probes: allow-no-traffic"})`
      );
    }
    this.enter("Provisioning");
    this.emit({ type: "provision", deployment: s.deployment });
  }
  // --- Provisioning and smoke test ---------------------------------------------------------
  provisioning() {
    const s = this.s;
    const r = this.result("provision");
    if (!r) return this.emit({ type: "provision", deployment: s.deployment });
    if (!r.ok) {
      if (r.logs) s.provisionLogs = r.logs;
      this.event("provision", `provisioning failed: ${r.error ?? "unknown error"}`);
      return this.startRollback(`provisioning of '${s.deployment}' failed: ${r.error ?? "unknown error"}`);
    }
    this.event("provision", r.skipped ? "provisioning skipped (deployment provisioned by the caller)" : r.summary ?? `'${s.deployment}' provisioned`);
    this.enter("SmokeTesting");
    this.emit({ type: "runSmokeTest", deployment: s.deployment });
  }
  smokeTesting() {
    const r = this.result("runSmokeTest");
    if (!r) return this.emit({ type: "runSmokeTest", deployment: this.s.deployment });
    if (!r.ok) {
      this.event("smoke", `smoke test failed: ${r.summary}`);
      return this.startRollback(`smoke test failed: ${r.summary}`);
    }
    this.event("smoke", r.skipped ? `smoke test skipped: ${r.summary}` : `smoke test passed: ${r.summary}`);
    if (this.s.mirrorStage) this.enterMirror();
    else this.enterStage(0);
  }
  // --- Stages ------------------------------------------------------------------------------
  write(target) {
    const s = this.s;
    const accept = [s.expected, s.pendingWrite].filter((x) => x !== void 0).map(copyTrafficState);
    s.pendingWrite = copyTrafficState(target);
    this.emit({ type: "setTraffic", target: copyTrafficState(target), accept });
  }
  enterMirror() {
    const s = this.s;
    const prior = s.prior;
    const target = { traffic: { ...prior.traffic }, mirror: { [s.deployment]: this.plan.mirrorPercent } };
    s.records.push({
      kind: "mirror",
      index: -1,
      weight: 0,
      mirrorPercent: this.plan.mirrorPercent,
      target,
      startedAt: this.now,
      checks: [],
      result: "pending"
    });
    this.enter("Mirroring", `mirror ${this.plan.mirrorPercent}% of live traffic to '${s.deployment}'`);
    this.write(target);
  }
  stageMirror() {
    const prior = this.s.prior;
    const mirror = {};
    for (const [name, v] of Object.entries(prior.mirror)) if (name !== this.s.deployment && v > 0) mirror[name] = v;
    return mirror;
  }
  enterStage(index) {
    const s = this.s;
    const prior = s.prior;
    const weight = s.stages[index];
    const target = { traffic: nextTraffic(prior.traffic, s.deployment, weight), mirror: this.stageMirror() };
    s.stageIndex = index;
    s.records.push({ kind: "traffic", index, weight, mirrorPercent: 0, target, startedAt: this.now, checks: [], result: "pending" });
    this.enter("Progressing", `stage ${index + 1}/${s.stages.length}: '${s.deployment}' to ${weight}%`);
    this.write(target);
  }
  baking() {
    const s = this.s;
    const rec = this.current;
    if (!rec) return this.finish("Failed", `internal error: ${s.phase} without a running stage`);
    if (rec.trafficSetAt === void 0) return this.awaitStageTraffic(rec);
    const started = this.result("startProbe");
    if (started?.ok && started.measures && !s.probeMeasures) {
      s.probeMeasures = true;
      rec.nextCheckAt = Math.min(rec.nextCheckAt ?? Infinity, rec.trafficSetAt + Math.min(this.plan.checkIntervalInMs, PROBE_CHECK_INTERVAL_MS));
    }
    const check = this.result("checkHealth");
    if (check) return this.processCheck(rec, check);
    if (this.resumed && s.probing && this.plan.probeRps > 0) this.emit({ type: "startProbe", rps: this.plan.probeRps, deployment: s.deployment });
    this.schedule(rec);
  }
  awaitStageTraffic(rec) {
    const s = this.s;
    const r = this.result("setTraffic");
    if (!r) {
      return this.write(rec.target);
    }
    if (!r.ok) {
      if (r.conflict) return this.conflictStop(r.conflict.current, `before writing ${formatTrafficState(rec.target)}`);
      return this.startRollback(`could not set traffic to ${formatTrafficState(rec.target)}: ${r.error}`);
    }
    if (!trafficStateEquals(r.readBack, rec.target)) {
      return this.conflictStop(r.readBack, `reading back ${formatTrafficState(rec.target)}`);
    }
    rec.trafficSetAt = this.now;
    rec.result = "baking";
    rec.bakeEndsAt = this.now + this.plan.bakeTimeInMs;
    this.event("traffic", `traffic ${formatTrafficState(rec.target)}${r.wrote ? "" : " (already set)"}`);
    if (this.plan.bakeTimeInMs === 0) return this.stagePassed(rec);
    rec.nextCheckAt = this.now + Math.min(this.plan.checkIntervalInMs, this.plan.bakeTimeInMs, s.probeMeasures ? PROBE_CHECK_INTERVAL_MS : Infinity);
    if (this.plan.probeRps > 0 && !s.probing) {
      s.probing = true;
      this.event("probe", `probe traffic started: ${this.plan.probeRps} request(s)/s`);
      return this.emit({ type: "startProbe", rps: this.plan.probeRps, deployment: s.deployment });
    }
    this.schedule(rec);
  }
  baselineDeployment() {
    if (!this.plan.health.usesBaseline) return void 0;
    const prior = this.s.prior.traffic;
    const names = Object.keys(prior).filter((n) => n !== this.s.deployment && prior[n] > 0).sort((a, b) => prior[b] - prior[a] || (a < b ? -1 : 1));
    return names[0];
  }
  schedule(rec) {
    const next = rec.nextCheckAt;
    if (this.now >= next) {
      const windowStart = rec.lastWindowEnd ?? rec.trafficSetAt;
      const baseline = this.baselineDeployment();
      const monitor = rec.nextMonitorAt === void 0 || this.now >= rec.nextMonitorAt;
      const probeFrom = rec.lastProbeEnd ?? rec.trafficSetAt;
      if (monitor || !this.s.probeMeasures) this.emit({ type: "readTraffic" });
      this.emit({
        type: "checkHealth",
        deployment: this.s.deployment,
        windowStart,
        windowEnd: this.now,
        ...baseline ? { baseline } : {},
        ...monitor ? {} : { monitor: false },
        probeFrom
      });
      return;
    }
    const until = Math.min(next, this.deadline);
    this.emit({ type: "wait", ms: Math.max(1, until - this.now), reason: until === next ? "next health check" : "max-duration" });
  }
  processCheck(rec, check) {
    const s = this.s;
    const traffic = this.result("readTraffic");
    if (traffic && traffic.ok && s.expected && !trafficStateEquals(traffic.state, s.expected)) {
      return this.conflictStop(traffic.state, "during the bake");
    }
    if (traffic && !traffic.ok) this.event("warning", `could not read the endpoint's traffic during the check: ${traffic.error}`);
    const policy = this.plan.health;
    const counters = { failedChecks: s.failedChecks, consecutiveErrors: s.consecutiveErrors };
    let rollback;
    let passed = false;
    if (!check.ok) {
      const counted = countCheck(counters, { kind: "error" }, policy);
      Object.assign(s, counted.counters);
      rollback = counted.rollback;
      rec.checks.push({
        at: this.now,
        windowStart: check.windowStart,
        windowEnd: check.windowEnd,
        verdict: "query-error",
        healthy: false,
        reason: check.error,
        ...counted.counters
      });
      this.event("check", `metrics query failed (${s.consecutiveErrors}/${policy.consecutiveErrorLimit} in a row): ${check.error}`);
    } else {
      const signals = check.signals;
      const queried = check.monitor !== false;
      const reported = queried ? signals.reported : void 0;
      let windowStart = check.windowStart;
      let windowEnd = check.windowEnd;
      if (queried) {
        if (reported) {
          rec.coveredUntil = Math.max(rec.coveredUntil ?? -Infinity, reported.until);
          rec.lastWindowEnd = Math.max(check.windowStart, Math.min(reported.final, reported.until));
          rec.nextMonitorAt = reported.nextAt;
          windowStart = reported.from;
          windowEnd = reported.until;
        } else if (!signals.pending) {
          rec.coveredUntil = check.windowEnd;
          rec.lastWindowEnd = check.windowEnd;
        }
      }
      if (signals["probe.requests"] !== void 0) rec.lastProbeEnd = check.windowEnd;
      const grain = reported?.grainMs ?? 0;
      const thin = reported !== void 0 && reported.until < Math.ceil(rec.trafficSetAt / grain) * grain + grain;
      const monitorPending = !queried || thin && !signals.pending && signals.requests < policy.minRequests;
      const history = rec.checks.filter((c) => c.signals && c.verdict !== "query-error").map((c) => c.signals);
      const judged = judgeHealth(monitorPending ? { ...signals, pending: true } : signals, policy, { history, baseline: check.baseline });
      if (judged.verdict === "pending") {
        rec.pendingChecks = (rec.pendingChecks ?? 0) + 1;
        if (rec.pendingChecks === 1) {
          this.event(
            "check",
            `waiting for Azure Monitor: minutes are reported about ${formatDuration(this.plan.metricsDelayInMs)} after they end (metrics-delay)${reported?.nextAt !== void 0 ? `; the first is expected at ${new Date(reported.nextAt).toISOString()}` : ""}${this.plan.probeRps > 0 ? "; probe answers are judged at once" : ""}`
          );
        }
        const canPass = policy.usesMonitor && rec.monitorHealthy === true && (rec.coveredUntil ?? -Infinity) >= rec.bakeEndsAt;
        if (canPass && check.windowEnd >= rec.bakeEndsAt) return this.stagePassed(rec);
        return this.nextCheck(rec, check);
      }
      const counted = countCheck(counters, { kind: "judged", healthy: judged.healthy }, policy);
      Object.assign(s, counted.counters);
      rollback = counted.rollback;
      passed = judged.healthy;
      if (!monitorPending && !signals.pending) rec.monitorHealthy = judged.healthy;
      rec.checks.push({
        at: this.now,
        windowStart,
        windowEnd,
        verdict: judged.verdict,
        healthy: judged.healthy,
        signals: check.signals,
        ...check.baseline ? { baseline: check.baseline } : {},
        rules: judged.results.map((r) => ({ rule: r.rule, verdict: r.verdict, left: r.left, right: r.right, ...r.reason ? { reason: r.reason } : {} })),
        ...judged.reason ? { reason: judged.reason } : {},
        ...counted.counters
      });
      const values = describeSignals(check.signals);
      this.event(
        "check",
        judged.healthy ? `healthy (${values})${judged.verdict === "no-traffic-allowed" ? " \u2014 no traffic, allowed" : ""}` : `not healthy (${values}): ${judged.reason} \u2014 failed checks ${s.failedChecks}/${policy.failureThreshold}`
      );
    }
    if (rollback) return this.startRollback(`health: ${rollback}${passed ? "" : rec.checks.at(-1)?.reason ? `; last: ${rec.checks.at(-1)?.reason}` : ""}`);
    const bakeEndsAt = rec.bakeEndsAt;
    const covered = !policy.usesMonitor || (rec.coveredUntil ?? -Infinity) >= bakeEndsAt && rec.monitorHealthy === true;
    if (passed && check.windowEnd >= bakeEndsAt && covered) return this.stagePassed(rec);
    this.nextCheck(rec, check);
  }
  nextCheck(rec, check) {
    const bakeEndsAt = rec.bakeEndsAt;
    const interval = this.s.probeMeasures ? Math.min(this.plan.checkIntervalInMs, PROBE_CHECK_INTERVAL_MS) : this.plan.checkIntervalInMs;
    rec.nextCheckAt = check.windowEnd < bakeEndsAt ? Math.min(check.windowEnd + interval, bakeEndsAt) : this.now + interval;
    const due = rec.nextMonitorAt;
    if (this.plan.health.usesMonitor && due !== void 0 && due > this.now) {
      if (!this.s.probeMeasures && due > rec.nextCheckAt) rec.nextCheckAt = due;
      else if (check.windowEnd >= bakeEndsAt) rec.nextCheckAt = Math.min(rec.nextCheckAt, due);
    }
    if (!check.ok) rec.nextCheckAt = Math.max(rec.nextCheckAt, this.now + Math.min(interval, 1e3));
    this.schedule(rec);
  }
  stagePassed(rec) {
    const s = this.s;
    rec.result = "passed";
    rec.endedAt = this.now;
    const label = rec.kind === "mirror" ? `mirror stage (${rec.mirrorPercent}%)` : `stage ${rec.index + 1}/${s.stages.length} (${rec.weight}%)`;
    this.event("check", `${label} passed after ${formatDuration(this.now - rec.trafficSetAt)}`);
    if (rec.kind === "mirror") return this.enterStage(0);
    if (rec.index + 1 < s.stages.length) return this.enterStage(rec.index + 1);
    this.enterPromoting();
  }
  // --- Promotion ---------------------------------------------------------------------------
  stopProbe() {
    if (!this.s.probing) return;
    this.s.probing = false;
    this.event("probe", "probe traffic stopped");
    this.emit({ type: "stopProbe" });
  }
  enterPromoting() {
    this.enter("Promoting", `confirming that '${this.s.deployment}' serves all traffic`);
    this.stopProbe();
    this.emit({ type: "readTraffic" }, { type: "confirmServing", deployment: this.s.deployment });
  }
  promoting() {
    const s = this.s;
    if (!s.promotion) {
      const t = this.result("readTraffic");
      const c = this.result("confirmServing");
      if (!t || !c) return this.emit({ type: "readTraffic" }, { type: "confirmServing", deployment: s.deployment });
      if (t.ok && s.expected && !trafficStateEquals(t.state, s.expected)) return this.conflictStop(t.state, "before promotion");
      const problem = !t.ok ? `could not read the endpoint's traffic: ${t.error}` : trafficPercent(t.state.traffic, s.deployment) !== 100 ? `'${s.deployment}' reads back ${trafficPercent(t.state.traffic, s.deployment)}%, not 100%` : !c.ok ? `'${s.deployment}' does not answer requests sent without the deployment header: ${c.detail}` : void 0;
      if (problem) {
        s.promotionAttempts += 1;
        if (s.promotionAttempts >= 3) return this.startRollback(`promotion could not be confirmed: ${problem}`);
        const delay = Math.min(this.plan.checkIntervalInMs || 1e3, 1e4);
        this.event("warning", `promotion not confirmed yet (attempt ${s.promotionAttempts}/3): ${problem}`);
        return this.emit({ type: "wait", ms: delay, reason: "retry promotion check" });
      }
      const prior = s.prior.traffic;
      const old = Object.keys(prior).filter((n) => n !== s.deployment && prior[n] > 0).sort();
      const policy = this.plan.oldDeployments;
      s.promotion = {
        confirmedAt: this.now,
        detail: c.detail,
        cleanup: old.map(
          (name) => policy.mode === "delete" ? { name, action: "delete" } : policy.mode === "scale-to" ? { name, action: "scale", instances: policy.instances } : { name, action: "keep" }
        )
      };
      this.event("promote", `'${s.deployment}' serves 100%: ${c.detail}`);
      return this.cleanup(false);
    }
    this.cleanup(true);
  }
  cleanup(afterIssue) {
    const s = this.s;
    const items = s.promotion.cleanup.filter((c) => c.action !== "keep");
    const deletes = this.resultsOf("deleteDeployment");
    const scales = this.resultsOf("scaleOld");
    if (items.length === 0) {
      for (const c of s.promotion.cleanup) this.event("cleanup", `kept old deployment '${c.name}' (old-deployments: keep)`);
      return this.succeed();
    }
    if (!afterIssue || deletes.length === 0 && scales.length === 0) {
      for (const c of items) {
        this.emit(c.action === "delete" ? { type: "deleteDeployment", name: c.name } : { type: "scaleOld", name: c.name, instances: c.instances ?? 0 });
      }
      return;
    }
    for (const r of deletes)
      this.event(r.ok ? "cleanup" : "warning", r.ok ? `deleted old deployment '${r.name}'` : `could not delete old deployment '${r.name}': ${r.error}`);
    for (const r of scales)
      this.event(
        r.ok ? "cleanup" : "warning",
        r.ok ? `scaled old deployment '${r.name}' to ${r.instances}` : `could not scale old deployment '${r.name}': ${r.error}`
      );
    this.succeed();
  }
  succeed() {
    this.finish("Succeeded");
  }
  // --- Stop, rollback, finish --------------------------------------------------------------
  endStage(result) {
    const rec = this.current;
    if (rec) {
      rec.result = result;
      rec.endedAt = this.now;
    }
  }
  /** Someone else changed the traffic: stop, write nothing, delete nothing. */
  conflictStop(found, when) {
    const s = this.s;
    this.endStage("aborted");
    this.stopProbe();
    const message = `traffic on the endpoint was changed by someone else (${when}): expected ${s.expected ? formatTrafficState(s.expected) : "unknown"}, found ${found ? formatTrafficState(found) : "a different state"}. Stopped without writing anything; the rollback point was ${s.prior ? formatTrafficState(s.prior) : "not recorded"} and deployment '${s.deployment}' was left in place.`;
    this.event("conflict", message);
    if (found) s.expected = copyTrafficState(found);
    this.finish("Failed", message);
  }
  startRollback(reason, stageResult = "failed") {
    const s = this.s;
    this.endStage(stageResult);
    s.reason = reason;
    if (!s.prior) return this.finish("Failed", `${reason}. Nothing was changed.`);
    if (this.plan.rollback === "none") {
      this.stopProbe();
      const where = s.expected ? formatTrafficState(s.expected) : "unchanged";
      return this.finish("Failed", `${reason}; rollback is none, so traffic was left at ${where} and '${s.deployment}' was kept`);
    }
    s.rollback = { reason, from: s.phase, at: this.now, attempts: 0, restored: false, deleteIssued: false };
    this.enter("RollingBack", `rolling back: ${reason}`);
    this.rollingBack(true);
  }
  rollingBack(fresh = false) {
    const s = this.s;
    const rb = s.rollback;
    const prior = s.prior;
    this.stopProbe();
    if (!rb.restored) {
      if (rb.nextAttemptAt !== void 0 && this.now < rb.nextAttemptAt && !fresh && !this.hasRestoreResult()) {
        return this.emit({ type: "wait", ms: rb.nextAttemptAt - this.now, reason: "retry restoring traffic" });
      }
      if (s.written || s.pendingWrite || !fresh && this.result("restoreTraffic")) this.restore(rb, prior, fresh);
      else this.confirmUnchanged(rb, prior, fresh);
      if (!rb.restored) return;
    }
    if (this.plan.keepFailed) {
      this.event("rollback", `kept '${s.deployment}' (keep-failed)`);
      return this.finishRollback();
    }
    const del = this.result("deleteDeployment");
    if (!rb.deleteIssued || !del) {
      rb.deleteIssued = true;
      return this.emit({ type: "deleteDeployment", name: s.deployment });
    }
    this.event(del.ok ? "rollback" : "warning", del.ok ? `deleted '${s.deployment}'` : `could not delete '${s.deployment}': ${del.error}`);
    this.finishRollback();
  }
  hasRestoreResult() {
    return this.result("restoreTraffic") !== void 0 || this.result("readTraffic") !== void 0;
  }
  retryLater(rb, what, error) {
    rb.attempts += 1;
    if (rb.attempts >= this.plan.rollbackAttempts) return false;
    const delay = Math.min(this.plan.rollbackRetryDelayInMs * 2 ** (rb.attempts - 1), 3e4);
    rb.nextAttemptAt = this.now + delay;
    this.event("warning", `${what} failed (attempt ${rb.attempts}/${this.plan.rollbackAttempts}), retrying in ${formatDuration(delay)}: ${error}`);
    this.emit({ type: "wait", ms: delay, reason: `retry ${what}` });
    return true;
  }
  restore(rb, prior, fresh) {
    const s = this.s;
    const r = fresh ? void 0 : this.result("restoreTraffic");
    if (!r) {
      const accept = [s.expected, s.pendingWrite].filter((x) => x !== void 0).map(copyTrafficState);
      return this.emit({ type: "restoreTraffic", target: copyTrafficState(prior), accept });
    }
    if (!r.ok) {
      if (r.conflict) {
        const message = `traffic on the endpoint was changed by someone else during the rollback: expected ${s.expected ? formatTrafficState(s.expected) : "unknown"}, found ${r.conflict.current ? formatTrafficState(r.conflict.current) : "a different state"}; not restoring over it. The rollback point was ${formatTrafficState(prior)}; '${s.deployment}' was left in place.`;
        this.event("conflict", message);
        if (r.conflict.current) s.expected = copyTrafficState(r.conflict.current);
        return this.finish("Failed", `${rb.reason}; ${message}`);
      }
      if (this.retryLater(rb, "restoring traffic", r.error)) return;
      return this.finish(
        "Failed",
        `${rb.reason}; restoring traffic failed after ${rb.attempts} attempt(s): ${r.error}. The endpoint should hold ${s.expected ? formatTrafficState(s.expected) : "unknown"}; restore the rollback point by hand: ${formatTrafficState(prior)}.`
      );
    }
    if (!trafficStateEquals(r.readBack, prior)) {
      const message = `after restoring, the endpoint reads back ${formatTrafficState(r.readBack)} instead of ${formatTrafficState(prior)}; someone else may be changing it. '${s.deployment}' was left in place.`;
      this.event("conflict", message);
      s.expected = copyTrafficState(r.readBack);
      return this.finish("Failed", `${rb.reason}; ${message}`);
    }
    rb.restored = true;
    rb.restoredAt = this.now;
    s.expected = copyTrafficState(prior);
    s.pendingWrite = void 0;
    if (r.wrote) s.written = true;
    this.event("rollback", `traffic restored and read back: ${formatTrafficState(prior)}`);
  }
  confirmUnchanged(rb, prior, fresh) {
    const s = this.s;
    const r = fresh ? void 0 : this.result("readTraffic");
    if (!r) return this.emit({ type: "readTraffic" });
    if (!r.ok) {
      if (this.retryLater(rb, "reading the traffic back", r.error)) return;
      this.event("warning", `could not read the traffic back (${r.error}); the rollout never changed it`);
    } else if (!trafficStateEquals(r.state, prior)) {
      const message = `traffic on the endpoint was changed by someone else: recorded ${formatTrafficState(prior)}, found ${formatTrafficState(r.state)}. The rollout never wrote traffic; '${s.deployment}' was left in place.`;
      this.event("conflict", message);
      s.expected = copyTrafficState(r.state);
      return this.finish("Failed", `${rb.reason}; ${message}`);
    } else {
      this.event("rollback", `traffic unchanged, read back: ${formatTrafficState(prior)}`);
    }
    rb.restored = true;
    rb.restoredAt = this.now;
  }
  finishRollback() {
    const s = this.s;
    const reason = s.rollback.reason;
    this.finish(s.written ? "RolledBack" : "Failed", reason);
  }
  finish(phase, reason) {
    const s = this.s;
    this.stopProbe();
    if (reason !== void 0) s.reason = reason;
    s.phase = phase;
    s.outcome = outcomeOf(phase);
    s.endedAt = this.now;
    const message = phase === "Succeeded" ? `'${s.deployment}' promoted` : phase === "RolledBack" ? `rolled back: ${s.reason}` : `failed: ${s.reason}`;
    this.event("phase", message);
    if (phase !== "Succeeded") this.emit({ type: "fail", reason: s.reason ?? phase });
  }
};
function describeSignals(signals) {
  const parts = [`requests=${signals.requests}`];
  if (signals.error_rate !== void 0) parts.push(`error_rate=${round(signals.error_rate * 100)}%`);
  if (signals.latency_p95 !== void 0) parts.push(`latency_p95=${round(signals.latency_p95)}ms`);
  if (signals.latency_p99 !== void 0) parts.push(`latency_p99=${round(signals.latency_p99)}ms`);
  if (signals.cpu !== void 0) parts.push(`cpu=${round(signals.cpu * 100)}%`);
  if (signals.memory !== void 0) parts.push(`memory=${round(signals.memory * 100)}%`);
  if (signals.pending) parts[0] = "Azure Monitor: nothing reported yet";
  if (signals["probe.requests"] !== void 0) {
    parts.push(`probe.requests=${signals["probe.requests"]}`);
    if (signals["probe.error_rate"] !== void 0) parts.push(`probe.error_rate=${round(signals["probe.error_rate"] * 100)}%`);
    if (signals["probe.latency_p99"] !== void 0) parts.push(`probe.latency_p99=${round(signals["probe.latency_p99"])}ms`);
  }
  return parts.join(" ");
}
function round(v) {
  return Math.round(v * 100) / 100;
}

// src/rollout/providers.ts
var systemClock = {
  now: () => Date.now(),
  sleep: (ms, abortSignal) => new Promise((resolve3) => {
    if (abortSignal?.aborted) return resolve3();
    const done = () => {
      clearTimeout(timer);
      abortSignal?.removeEventListener("abort", done);
      resolve3();
    };
    const timer = setTimeout(done, ms);
    abortSignal?.addEventListener("abort", done, { once: true });
  })
};
function snapshotState(s) {
  return { traffic: { ...s.traffic ?? {} }, mirror: { ...s.mirror ?? {} } };
}
async function writeTraffic(action, router) {
  const type = action.type;
  const target = copyTrafficState(action.target);
  let current;
  try {
    current = await router.getTraffic();
  } catch (e) {
    return { type, ok: false, target, error: `could not read the endpoint's traffic before writing: ${errorMessage(e)}` };
  }
  const found = snapshotState(current);
  if (trafficStateEquals(found, target)) return { type, ok: true, target, readBack: found, wrote: false };
  if (!action.accept.some((a) => trafficStateEquals(a, found))) {
    return { type, ok: false, target, error: "the endpoint holds traffic this rollout did not write", conflict: { current: found } };
  }
  try {
    await router.setTraffic(target, current);
  } catch (e) {
    if (isTrafficConflict(e))
      return { type, ok: false, target, error: errorMessage(e), conflict: { current: e.current ? snapshotState(e.current) : void 0 } };
    return { type, ok: false, target, error: errorMessage(e) };
  }
  try {
    const readBack = snapshotState(await router.getTraffic());
    return { type, ok: true, target, readBack, wrote: true };
  } catch (e) {
    return { type, ok: false, target, error: `traffic was written but could not be read back: ${errorMessage(e)}` };
  }
}
async function checkHealth(action, providers, ctx) {
  const { windowStart, windowEnd } = action;
  const start = new Date(windowStart);
  const end = new Date(windowEnd);
  const options = { abortSignal: ctx.abortSignal };
  const monitor = action.monitor !== false;
  const flag = monitor ? {} : { monitor: false };
  let probe2;
  try {
    probe2 = providers.probe?.signals?.(action.deployment, new Date(action.probeFrom ?? windowStart), end);
  } catch {
    probe2 = void 0;
  }
  try {
    const [signals, baseline] = monitor ? await Promise.all([
      providers.signals.query(action.deployment, start, end, options),
      action.baseline ? providers.signals.query(action.baseline, start, end, options) : Promise.resolve(void 0)
    ]) : [{ requests: 0, pending: true }, void 0];
    const problem = signalsProblem(signals) ?? (baseline ? signalsProblem(baseline) : void 0);
    if (problem) return { type: "checkHealth", windowStart, windowEnd, ...flag, ok: false, error: problem };
    return {
      type: "checkHealth",
      windowStart,
      windowEnd,
      ...flag,
      ok: true,
      signals: { ...signals, ...probe2 ?? {} },
      ...baseline ? { baseline: { ...baseline } } : {}
    };
  } catch (e) {
    return { type: "checkHealth", windowStart, windowEnd, ...flag, ok: false, error: errorMessage(e) };
  }
}
function signalsProblem(s) {
  if (typeof s !== "object" || s === null) return "the signal source returned no signals";
  if (typeof s.requests !== "number" || !Number.isFinite(s.requests) || s.requests < 0)
    return `the signal source returned an invalid request count: ${JSON.stringify(s.requests)}`;
  return void 0;
}
async function attempt(type, fn) {
  try {
    await fn();
    return { type, ok: true };
  } catch (e) {
    return { type, ok: false, error: errorMessage(e) };
  }
}
async function applyAction(action, providers, ctx) {
  switch (action.type) {
    case "readTraffic":
      try {
        return { type: "readTraffic", ok: true, state: snapshotState(await providers.router.getTraffic()) };
      } catch (e) {
        return { type: "readTraffic", ok: false, error: errorMessage(e) };
      }
    case "provision": {
      if (!providers.provisioner) return { type: "provision", ok: true, skipped: true };
      try {
        const r = await providers.provisioner.provision(action.deployment, { abortSignal: ctx.abortSignal, deadline: new Date(ctx.deadline) });
        return r.ok ? { type: "provision", ok: true, summary: r.summary } : { type: "provision", ok: false, error: r.reason, logs: r.logs };
      } catch (e) {
        return { type: "provision", ok: false, error: errorMessage(e) };
      }
    }
    case "runSmokeTest": {
      if (!providers.smoke) return { type: "runSmokeTest", ok: true, skipped: true, summary: "no smoke requests configured" };
      try {
        const r = await providers.smoke.run(action.deployment, { abortSignal: ctx.abortSignal });
        return { type: "runSmokeTest", ok: r.passed, summary: r.summary };
      } catch (e) {
        return { type: "runSmokeTest", ok: false, summary: `the smoke test could not run: ${errorMessage(e)}` };
      }
    }
    case "setTraffic":
    case "restoreTraffic":
      return writeTraffic(action, providers.router);
    case "checkHealth":
      return checkHealth(action, providers, ctx);
    case "wait":
      return attempt("wait", () => ctx.clock.sleep(action.ms, ctx.abortSignal));
    case "startProbe": {
      const r = await attempt("startProbe", () => providers.probe?.start(action.rps, action.deployment));
      return { ...r, type: "startProbe", measures: typeof providers.probe?.signals === "function" };
    }
    case "stopProbe":
      return attempt("stopProbe", () => providers.probe?.stop());
    case "confirmServing":
      try {
        const r = await providers.deployments.confirmServes(action.deployment);
        return { type: "confirmServing", ok: r.ok, detail: r.detail };
      } catch (e) {
        return { type: "confirmServing", ok: false, detail: errorMessage(e) };
      }
    case "deleteDeployment":
      try {
        await providers.deployments.delete(action.name);
        return { type: "deleteDeployment", name: action.name, ok: true };
      } catch (e) {
        return { type: "deleteDeployment", name: action.name, ok: false, error: errorMessage(e) };
      }
    case "scaleOld":
      try {
        await providers.deployments.scale(action.name, action.instances);
        return { type: "scaleOld", name: action.name, instances: action.instances, ok: true };
      } catch (e) {
        return { type: "scaleOld", name: action.name, instances: action.instances, ok: false, error: errorMessage(e) };
      }
    case "fail":
      return { type: "fail", ok: true };
  }
}
async function apply(actions, providers, ctx) {
  const results = [];
  for (const action of actions) results.push(await applyAction(action, providers, ctx));
  return { results };
}

// src/rollout/timeline.ts
var iso = (ms) => new Date(ms).toISOString();
function buildTimeline(status, now = status.endedAt ?? status.updatedAt) {
  const end = status.endedAt ?? now;
  const stages = status.records.map((r) => {
    const stop = r.endedAt ?? end;
    return {
      name: r.kind === "mirror" ? `mirror ${r.mirrorPercent}%` : `stage ${r.index + 1}/${status.stages.length}`,
      kind: r.kind,
      weight: r.weight,
      mirrorPercent: r.mirrorPercent,
      traffic: { ...r.target.traffic },
      mirror: { ...r.target.mirror },
      startedAt: iso(r.startedAt),
      ...r.trafficSetAt !== void 0 ? { trafficSetAt: iso(r.trafficSetAt) } : {},
      ...r.endedAt !== void 0 ? { endedAt: iso(r.endedAt) } : {},
      bakeMs: r.trafficSetAt !== void 0 ? Math.max(0, stop - r.trafficSetAt) : 0,
      ...r.bakeEndsAt !== void 0 ? { bakeEndsAt: iso(r.bakeEndsAt) } : {},
      ...r.coveredUntil !== void 0 && Number.isFinite(r.coveredUntil) ? { reportedUntil: iso(r.coveredUntil) } : {},
      result: r.result,
      checks: r.checks.map((c) => ({
        at: iso(c.at),
        windowStart: iso(c.windowStart),
        windowEnd: iso(c.windowEnd),
        verdict: c.verdict,
        healthy: c.healthy,
        ...c.signals ? { signals: c.signals } : {},
        ...c.baseline ? { baseline: c.baseline } : {},
        ...c.rules ? { rules: c.rules } : {},
        ...c.reason ? { reason: c.reason } : {}
      }))
    };
  });
  const totalMs = Math.max(0, end - status.startedAt);
  const bakeMs = stages.reduce((sum, s) => sum + s.bakeMs, 0);
  const overheadMs = Math.max(0, totalMs - bakeMs);
  const rb = status.rollback;
  return {
    deployment: status.deployment,
    phase: status.phase,
    ...status.outcome ? { outcome: status.outcome } : {},
    ...status.reason ? { reason: status.reason } : {},
    startedAt: iso(status.startedAt),
    ...status.endedAt !== void 0 ? { endedAt: iso(status.endedAt) } : {},
    totalMs,
    bakeMs,
    overheadMs,
    overheadPercent: totalMs === 0 ? 0 : Math.round(overheadMs / totalMs * 1e3) / 10,
    ...status.prior ? { prior: status.prior } : {},
    ...status.expected ? { final: status.expected } : {},
    failedChecks: status.failedChecks,
    consecutiveErrors: status.consecutiveErrors,
    ...rb ? {
      rollback: {
        reason: rb.reason,
        from: rb.from,
        startedAt: iso(rb.at),
        ...rb.restoredAt !== void 0 ? { restoredAt: iso(rb.restoredAt), restoreMs: rb.restoredAt - rb.at } : {}
      }
    } : {},
    stages,
    events: status.timeline.map((e) => ({ at: iso(e.at), phase: e.phase, kind: e.kind, message: e.message }))
  };
}
function formatTimeline(t) {
  const lines = [];
  for (const s of t.stages) {
    const checks = s.checks.length === 0 ? "no checks" : `${s.checks.filter((c) => c.healthy).length}/${s.checks.length} checks healthy`;
    const last = s.checks.at(-1);
    const values = last?.signals ? `; last ${describeSignals(last.signals)}` : "";
    lines.push(
      `${s.name}: ${formatTrafficState({ traffic: s.traffic, mirror: s.mirror })} \u2014 ${s.result}, baked ${formatDuration(s.bakeMs)}, ${checks}${values}`
    );
  }
  lines.push(
    `total ${formatDuration(t.totalMs)}: bakes ${formatDuration(t.bakeMs)}, overhead ${formatDuration(t.overheadMs)} (${t.overheadPercent}%)` + (t.rollback?.restoreMs !== void 0 ? `; traffic restored ${formatDuration(t.rollback.restoreMs)} after the rollback started` : "")
  );
  return lines;
}

// src/rollout/run.ts
function textStatusStore(io) {
  return {
    load: () => {
      const text = io.read();
      if (!text) return void 0;
      try {
        const value = JSON.parse(text);
        return isRolloutStatus(value) ? value : void 0;
      } catch {
        return void 0;
      }
    },
    save: (status) => io.write(JSON.stringify(status))
  };
}
function fileStatusStore(path) {
  return textStatusStore({
    read: () => existsSync2(path) ? readFileSync2(path, "utf8") : void 0,
    write: (text) => {
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, path);
    }
  });
}
var DEFAULT_CANCEL_REASON = "the workflow was cancelled";
function reasonOf(signal) {
  const r = signal.reason;
  if (typeof r === "string" && r !== "") return r;
  if (r instanceof Error && r.name !== "AbortError" && r.message) return r.message;
  return DEFAULT_CANCEL_REASON;
}
async function createRollout(plan, providers, options) {
  const clock = options.clock ?? systemClock;
  const store = options.store;
  const maxTicks = options.maxTicks ?? 1e5;
  const stored = store ? await store.load() : void 0;
  let status = stored && options.resume !== false && stored.deployment === options.deployment && !isTerminal(stored.phase) ? stored : createRolloutStatus(options.deployment, clock.now(), { kubernetes: options.kubernetes });
  let observation;
  let done = isTerminal(status.phase);
  let ticks = 0;
  let cancelReason;
  const internal = new AbortController();
  const signal = options.abortSignal ? AbortSignal.any([options.abortSignal, internal.signal]) : internal.signal;
  const requestedCancel = () => cancelReason ?? (options.abortSignal?.aborted ? reasonOf(options.abortSignal) : void 0);
  const result = () => {
    if (!isTerminal(status.phase)) throw new Error(`The rollout of '${status.deployment}' has not finished (phase ${status.phase}).`);
    return {
      outcome: status.outcome,
      phase: status.phase,
      deployment: status.deployment,
      ...status.reason ? { reason: status.reason } : {},
      ...status.prior ? { prior: status.prior } : {},
      ...status.expected ? { traffic: status.expected } : {},
      timeline: buildTimeline(status),
      status
    };
  };
  const tick = async () => {
    if (done) return status;
    if (++ticks > maxTicks) throw new Error(`The rollout of '${status.deployment}' did not settle after ${maxTicks} ticks (phase ${status.phase}).`);
    const cancel = requestedCancel();
    const obs = cancel !== void 0 && isCancellable(status) ? { results: observation?.results ?? [], cancel } : observation;
    const decision = decide(status, obs, plan, clock.now());
    if (decision.actions.length === 0 && !isTerminal(decision.status.phase)) {
      throw new Error(`Internal error: the rollout decided nothing to do in phase ${decision.status.phase}.`);
    }
    const before = status.timeline.length;
    status = decision.status;
    if (options.onEvent) for (const e of status.timeline.slice(before)) options.onEvent(e);
    if (store) await store.save(status);
    const cancellable = !isTerminal(status.phase) && status.phase !== "RollingBack";
    observation = await apply(decision.actions, providers, {
      clock,
      abortSignal: cancellable ? signal : void 0,
      deadline: status.startedAt + plan.maxDurationInMs
    });
    if (isTerminal(status.phase)) done = true;
    return status;
  };
  return {
    get status() {
      return status;
    },
    get done() {
      return done;
    },
    tick,
    cancel: (reason = DEFAULT_CANCEL_REASON) => {
      cancelReason ??= reason;
      internal.abort(reason);
    },
    run: async () => {
      while (!done) await tick();
      return result();
    },
    result
  };
}
async function runRollout(plan, providers, options) {
  const rollout = await createRollout(plan, providers, options);
  return rollout.run();
}
async function rollbackOnCancel(plan, providers, options) {
  const stored = await options.store.load();
  if (!stored || isTerminal(stored.phase)) return void 0;
  const rollout = await createRollout(plan, providers, { ...options, deployment: stored.deployment, resume: true });
  rollout.cancel(options.reason ?? DEFAULT_CANCEL_REASON);
  return rollout.run();
}

// src/azure/monitor.ts
var MONITOR_API_VERSION = "2023-10-01";
function queryMetrics(arm, resourceId, q) {
  const query = {
    metricnames: q.names.join(","),
    timespan: `${q.start.toISOString()}/${q.end.toISOString()}`,
    interval: q.interval ?? "PT1M",
    aggregation: q.aggregation
  };
  if (q.filter) query.$filter = q.filter;
  if (q.top !== void 0) query.top = String(q.top);
  return withAzureOperation(
    `querying the Azure Monitor metrics ${q.names.join(", ")}`,
    () => arm.get(`${resourceId}/providers/Microsoft.Insights/metrics`, { apiVersion: MONITOR_API_VERSION, query })
  );
}
function isoDurationMs(iso2) {
  const m = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(iso2 ?? "");
  if (!m || !m[1] && !m[2] && !m[3]) return void 0;
  const ms = ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1e3;
  return ms > 0 ? ms : void 0;
}
function pointsOf(resp, metric, by) {
  const out = [];
  for (const m of resp.value ?? []) {
    if (m.name?.value !== metric) continue;
    for (const ts of m.timeseries ?? []) {
      const meta = {};
      for (const md of ts.metadatavalues ?? []) if (md.name?.value) meta[md.name.value.toLowerCase()] = String(md.value ?? "");
      if (by && !by(meta)) continue;
      for (const p of ts.data ?? []) {
        const at = Date.parse(p.timeStamp);
        if (Number.isFinite(at)) out.push({ at, p });
      }
    }
  }
  return out;
}
function combinePoints(points, agg) {
  let total = 0;
  let n = 0;
  for (const { p } of points) {
    const v = p[agg];
    if (typeof v !== "number") continue;
    if (agg === "maximum") total = n === 0 ? v : Math.max(total, v);
    else total += v;
    n++;
  }
  if (n === 0) return void 0;
  return agg === "average" ? total / n : total;
}
function isServerError(dims) {
  if (dims.statuscodeclass === "5xx") return true;
  if (dims.statuscode === "424" || dims.statuscode === "408" || dims.statuscode === "429") return true;
  return /^5\d\d$/.test(dims.modelstatuscode ?? "");
}
function isFailedAnswer(status) {
  return status >= 500 || status === 424 || status === 408 || status === 429;
}

// src/runs/deploy/rollout-adapters.ts
function writeTraffic2(eps, endpoint, target, expected, abortSignal) {
  return eps.updateTraffic(
    endpoint,
    (current, attempt2) => {
      if (attempt2 > 1 && trafficStateEquals(current, target)) return void 0;
      if (expected && !trafficStateEquals(current, expected)) {
        throw new TrafficConflictError(`endpoint '${endpoint}' traffic changed outside this rollout`, current);
      }
      return { traffic: normalizeTraffic(target.traffic), mirror: normalizeTraffic(target.mirror ?? {}) };
    },
    abortSignal
  );
}
function createTrafficRouter(eps, endpoint, abortSignal) {
  return {
    async getTraffic() {
      const ep = await eps.getEndpoint(endpoint);
      if (!ep) throw new Error(`endpoint '${endpoint}' does not exist`);
      return trafficOf(ep);
    },
    async setTraffic(target, expectedCurrent) {
      await writeTraffic2(eps, endpoint, target, { traffic: expectedCurrent.traffic, mirror: expectedCurrent.mirror ?? {} }, abortSignal);
    }
  };
}
function createProvisioner(eps, endpoint, body, log) {
  return {
    async provision(deployment, options) {
      const r = await eps.provisionDeployment(endpoint, deployment, body, { deadline: options.deadline.getTime(), abortSignal: options.abortSignal, log });
      return r.ok ? { ok: true, summary: `deployment ${deployment} provisioned` } : r;
    }
  };
}
function createSmokeTester(scoringUri, auth, spec, log, scoring = {}) {
  return {
    async run(deployment, options) {
      const lines = [];
      for (const req of spec.requests) {
        let r;
        try {
          r = await scoreWithRetry(await scoringUri(), auth, req.body, deployment, options?.abortSignal, scoring);
        } catch (err) {
          return { passed: false, summary: `${req.name}: request failed: ${errorMessage(err)}` };
        }
        const where = `${req.name} \u2192 HTTP ${r.status}${r.modelStatusCode !== void 0 ? ` (model ${r.modelStatusCode})` : ""} in ${Math.round(r.latencyMs)} ms`;
        if (r.deployment && r.deployment !== deployment) return { passed: false, summary: `${where}: answered by ${r.deployment}, not ${deployment}` };
        if (r.status < 200 || r.status >= 300) return { passed: false, summary: `${where}: ${r.body.slice(0, 300)}` };
        if (spec.maxLatencyMs !== void 0 && r.latencyMs > spec.maxLatencyMs)
          return { passed: false, summary: `${where}: slower than ${spec.maxLatencyMs} ms` };
        if (spec.expect !== void 0) {
          let got;
          try {
            got = unwrapJson(r.body);
          } catch {
            return { passed: false, summary: `${where}: the response is not JSON: ${r.body.slice(0, 200)}` };
          }
          if (!jsonSubset(spec.expect, got))
            return { passed: false, summary: `${where}: ${JSON.stringify(got).slice(0, 300)} does not contain ${JSON.stringify(spec.expect).slice(0, 200)}` };
        }
        lines.push(where);
      }
      const summary = lines.join("; ") || "no smoke requests";
      log(`Smoke test of ${deployment}: ${summary}`);
      return { passed: true, summary };
    }
  };
}
var REFILL_BUCKETS = 2;
function createMonitorSignals(eps, endpointId, o = { delayMs: 6e4 }) {
  return {
    async query(deployment, start, end, options) {
      void options;
      const now = end.getTime();
      const queryStart = new Date(Math.floor(start.getTime() / 6e4) * 6e4);
      const filter = `deployment eq '${deployment.replace(/'/g, "''")}' and statusCodeClass eq '*' and statusCode eq '*' and modelStatusCode eq '*'`;
      const [reqs, lat] = await Promise.all([
        queryMetrics(eps.arm, endpointId, { names: ["RequestsPerMinute"], start: queryStart, end, aggregation: "Total", filter, top: 100 }),
        queryMetrics(eps.arm, endpointId, {
          names: ["RequestLatency_P95", "RequestLatency_P99"],
          start: queryStart,
          end,
          aggregation: "Average",
          filter: `deployment eq '${deployment.replace(/'/g, "''")}'`
        })
      ]);
      const grain = isoDurationMs(reqs.interval) ?? 6e4;
      const from = Math.floor(start.getTime() / grain) * grain;
      const until = Math.max(from, Math.floor((now - o.delayMs) / grain) * grain);
      const final = Math.max(from, until - REFILL_BUCKETS * grain);
      const reported = { from, until, final, nextAt: until + grain + o.delayMs, grainMs: grain };
      if (until <= from) return { requests: 0, pending: true, reported };
      const inWindow = (xs) => xs.filter((x) => x.at >= from && x.at + grain <= until);
      const requests = combinePoints(inWindow(pointsOf(reqs, "RequestsPerMinute")), "total") ?? 0;
      const errors = combinePoints(inWindow(pointsOf(reqs, "RequestsPerMinute", isServerError)), "total") ?? 0;
      const signals = { requests, reported };
      if (requests > 0) signals.error_rate = errors / requests;
      for (const [metric, key] of [
        ["RequestLatency_P95", "latency_p95"],
        ["RequestLatency_P99", "latency_p99"]
      ]) {
        const values = inWindow(pointsOf(lat, metric)).map(({ p }) => p.average ?? p.maximum).filter((v) => typeof v === "number");
        if (values.length > 0) signals[key] = Math.max(...values);
      }
      return signals;
    }
  };
}
function createDeploymentOps(eps, endpoint, scoringUri, auth, probeBody, scoring = {}) {
  return {
    /** Deletes; a conflict or a delete operation that ends Failed is tried again (three tries). */
    delete: (name) => eps.deleteDeployment(endpoint, name),
    scale: (name, instances) => eps.scaleDeployment(endpoint, name, instances),
    async confirmServes(name) {
      const answers = {};
      for (let i = 0; i < 5; i++) {
        const r = await scoreWithRetry(await scoringUri(), auth, probeBody ?? "{}", void 0, void 0, scoring);
        const who = r.deployment ?? "(unknown)";
        answers[who] = (answers[who] ?? 0) + 1;
        if (r.status >= 500 || r.status === 424) return { ok: false, detail: `a request without the deployment header got HTTP ${r.status}` };
      }
      const ok = Object.keys(answers).length === 1 && answers[name] === 5;
      return {
        ok,
        detail: `requests without the deployment header were answered by ${Object.entries(answers).map(([k, v]) => `${k}\xD7${v}`).join(", ")}`
      };
    }
  };
}
function nearestRank(sorted, p) {
  return sorted[Math.max(1, Math.ceil(p / 100 * sorted.length)) - 1];
}
function createProbeDriver(scoringUri, auth, body, now = Date.now) {
  let timer;
  const answers = [];
  let started = false;
  return {
    start(rps) {
      if (timer || rps <= 0) return;
      started = true;
      timer = setInterval(
        () => {
          void scoringUri().then((uri) => score(uri, auth, body, void 0, AbortSignal.timeout(2e4))).then((r) => {
            if (!r.deployment) return;
            answers.push({ at: now(), deployment: r.deployment.toLowerCase(), failed: isFailedAnswer(r.status), latencyMs: r.latencyMs });
            while (answers.length > 0 && answers[0].at < now() - 15 * 6e4) answers.shift();
          }).catch(() => void 0);
        },
        Math.max(10, Math.round(1e3 / rps))
      );
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = void 0;
    },
    signals(deployment, windowStart, windowEnd) {
      if (!started) return void 0;
      const name = deployment.toLowerCase();
      const a = windowStart.getTime();
      const b = windowEnd.getTime();
      const mine = answers.filter((x) => x.deployment === name && x.at >= a && x.at < b);
      const out = { "probe.requests": mine.length };
      if (mine.length > 0) {
        out["probe.error_rate"] = mine.filter((x) => x.failed).length / mine.length;
        const sorted = mine.map((x) => x.latencyMs).sort((x, y) => x - y);
        out["probe.latency_p95"] = nearestRank(sorted, 95);
        out["probe.latency_p99"] = nearestRank(sorted, 99);
      }
      return out;
    }
  };
}

// src/runs/deploy/resume.ts
var ROLLBACK_POINT_TAG = "azureml-actions.rollback-point";
var RUN_ID_TAG = "github.run_id";
var REPOSITORY_TAG = "github.repository";
var RUN_ATTEMPT_TAG = "github.run_attempt";
var MAX_TAG_VALUE = 256;
function rolloutTags(run, prior) {
  const tags = { [REPOSITORY_TAG]: run.repository, [RUN_ID_TAG]: run.runId, [RUN_ATTEMPT_TAG]: run.runAttempt };
  const point = JSON.stringify({ traffic: prior.traffic, mirror: prior.mirror ?? {} });
  if (point.length <= MAX_TAG_VALUE) tags[ROLLBACK_POINT_TAG] = point;
  return tags;
}
function parseRollbackPoint(text) {
  if (!text) return void 0;
  try {
    const v = JSON.parse(text);
    const map = (m) => typeof m === "object" && m !== null && !Array.isArray(m) && Object.values(m).every((x) => typeof x === "number") ? m : void 0;
    const traffic = map(v.traffic);
    const mirror = map(v.mirror ?? {});
    return traffic && mirror ? { traffic, mirror } : void 0;
  } catch {
    return void 0;
  }
}
async function recoverInterruptedRollout(eps, endpoint, deployment, run, current, log) {
  const d = await eps.getDeployment(endpoint, deployment);
  const tags = d?.tags ?? {};
  if (tags[REPOSITORY_TAG] !== run.repository || tags[RUN_ID_TAG] !== run.runId) return void 0;
  const point = parseRollbackPoint(tags[ROLLBACK_POINT_TAG]);
  if (!point) return void 0;
  const names = new Set((await eps.listDeployments(endpoint)).map((x) => String(x.name)));
  const needed = [...Object.entries(point.traffic), ...Object.entries(point.mirror)].filter(([, v]) => v > 0).map(([n]) => n);
  const gone = needed.filter((n) => !names.has(n));
  const who = `run ${run.runId} (attempt ${tags[RUN_ATTEMPT_TAG] ?? "?"})`;
  if (gone.length === 0) {
    log(
      `Deployment ${deployment} takes traffic (${formatTrafficState(current)}) from an interrupted rollout of ${who}: restoring its rollback point ${formatTrafficState(point)} and starting again.`
    );
    if (!trafficStateEquals(current, point)) await writeTraffic2(eps, endpoint, point, current);
    const back = trafficOf(await eps.getEndpoint(endpoint) ?? {});
    if (!trafficStateEquals(back, point)) {
      throw new Error(
        `restoring the rollback point ${formatTrafficState(point)} of the interrupted rollout of ${deployment}: the endpoint reads back ${formatTrafficState(back)}`
      );
    }
    return { kind: "restored", prior: point };
  }
  if (trafficPercent(current.traffic, deployment) === 100) {
    const leftovers = Object.keys(point.traffic).filter((n) => n !== deployment && names.has(n));
    log(`Deployment ${deployment} already serves 100 %: an interrupted rollout of ${who} promoted it and removed ${gone.join(", ")}.`);
    return { kind: "promoted", prior: point, traffic: current, leftovers };
  }
  return void 0;
}

// src/runs/deploy/manifest.ts
var INPUT = "manifest";
function refuse(message, hint) {
  throw new ConfigurationError(`Input '${INPUT}': ${message}`, { input: INPUT, ...hint ? { hint } : {} });
}
async function verifyDeploymentManifest(ctx, value, plan, abortSignal) {
  let manifest;
  try {
    manifest = parseManifest(value);
  } catch (err) {
    refuse(errorMessage(err));
  }
  let verification;
  let what;
  const local = plan.assets.find((a) => a.kind === "models" && a.id === plan.modelId && a.upload);
  if (local?.upload) {
    const rel = relative2(process.cwd(), local.upload.snapshot.root);
    what = `${rel && !rel.startsWith("..") ? rel : local.upload.snapshot.root} (as it will be uploaded)`;
    verification = verifyManifest(manifest, local.upload.snapshot.files);
  } else {
    if (!plan.modelId.startsWith("/subscriptions/"))
      refuse(
        `the model ${plan.modelId} is not in the workspace, so its files cannot be checked against the manifest`,
        "deploy a workspace model version, or leave manifest out"
      );
    const version = await ctx.arm.tryGet(plan.modelId);
    const uri = version?.properties?.modelUri;
    if (!uri) refuse(`model version ${plan.modelId} was not found or has no modelUri`);
    const loc = parseDatastoreUri(uri);
    if (!loc) refuse(`the files of model version ${plan.modelId} are at ${uri}, not in a datastore, so they cannot be checked against the manifest`);
    const store = await createBlobStore(ctx, { datastoreName: loc.datastore, abortSignal });
    const listing = await listModelBlobs(store.container, loc.path, abortSignal);
    const hashes = await sha256Blobs(store.container, listing.files, { abortSignal });
    what = uri;
    verification = verifyManifest(
      manifest,
      listing.files.map((f, i) => ({ path: f.path, size: f.size, sha256: hashes[i] }))
    );
  }
  if (!verification.ok) {
    const first = verification.mismatched[0];
    const detail = first ? ` (${first.path}: sha256 ${first.actual.sha256 ?? "?"} where the manifest has ${first.expected.sha256})` : "";
    refuse(
      `the model to deploy, ${what}, is not the packaged one: ${verification.summary}${detail}. Nothing was changed.`,
      "deploy the model version the manifest was made for, or package it again with register-model"
    );
  }
  return `Manifest of ${manifest.model.name}: ${verification.summary} (${what})`;
}

// src/azure/batch-endpoints.ts
var TERMINAL_JOB_STATUSES = /* @__PURE__ */ new Set(["Completed", "Failed", "Canceled", "NotResponding"]);
function invokeBody(input) {
  if (!("inputs" in input)) return JSON.stringify({ properties: { inputData: { [input.type]: { uri: input.uri, jobInputType: input.type } } } });
  const inputData = {};
  for (const [name, v] of Object.entries(input.inputs))
    inputData[name] = "literal" in v ? { jobInputType: "Literal", value: v.literal } : { uri: v.uri, jobInputType: v.type };
  const outputs = Object.entries(input.outputs ?? {});
  const outputData = Object.fromEntries(outputs.map(([name, o]) => [name, { uri: o.uri, jobOutputType: o.type }]));
  return JSON.stringify({ properties: { inputData, ...outputs.length > 0 ? { outputData } : {} } });
}
function parseDatastoreUri2(uri) {
  const m = /^azureml:\/\/(?:subscriptions\/[^/]+\/resource[gG]roups\/[^/]+\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/[^/]+\/)?datastores\/([^/]+)\/paths\/(.*)$/.exec(
    uri
  );
  return m ? { datastore: decodeURIComponent(m[1]), path: m[2].split("/").map(decodeURIComponent).join("/") } : void 0;
}
var BatchEndpoints = class _BatchEndpoints {
  constructor(arm, o = {}) {
    this.arm = arm;
    this.o = o;
  }
  arm;
  o;
  log(m) {
    this.o.log?.(m);
  }
  endpointPath(endpoint) {
    return armPath`batchEndpoints/${endpoint}`;
  }
  deploymentPath(endpoint, deployment) {
    return armPath`batchEndpoints/${endpoint}/deployments/${deployment}`;
  }
  getEndpoint(endpoint) {
    return withAzureOperation(`reading batch endpoint '${endpoint}'`, () => this.arm.tryGet(this.endpointPath(endpoint)));
  }
  getDeployment(endpoint, deployment) {
    return withAzureOperation(
      `reading deployment '${deployment}' of batch endpoint '${endpoint}'`,
      () => this.arm.tryGet(this.deploymentPath(endpoint, deployment))
    );
  }
  async listDeployments(endpoint) {
    const out = [];
    await withAzureOperation(`listing the deployments of batch endpoint '${endpoint}'`, async () => {
      for await (const d of this.arm.list(`${this.endpointPath(endpoint)}/deployments`)) out.push(d);
    });
    return out;
  }
  async createEndpoint(endpoint, body, abortSignal) {
    await this.write(`creating batch endpoint '${endpoint}'`, this.endpointPath(endpoint), body, abortSignal);
    return this.waitReady(endpoint, abortSignal);
  }
  /** The endpoint's keys (authMode Key only: BatchEndpoints_ListKeys). */
  async keys(endpoint) {
    return await withAzureOperation(
      `reading the keys of batch endpoint '${endpoint}'`,
      () => this.arm.post(`${this.endpointPath(endpoint)}/listkeys`)
    ) ?? {};
  }
  /** Waits until the endpoint's provisioningState is terminal; Failed is an error. */
  waitReady(endpoint, abortSignal) {
    return waitProvisioned(() => this.getEndpoint(endpoint), {
      what: `batch endpoint '${endpoint}'`,
      timeoutInMs: this.o.readyTimeoutInMs ?? 20 * 6e4,
      firstDelayInMs: 250,
      abortSignal
    });
  }
  /**
   * A long-running PUT polled to its end; a conflict (the endpoint or deployment is busy with
   * another operation) is tried again with back-off. The PUT is idempotent: a re-run writes the
   * same resource again, never a second one.
   */
  async write(what, path, body, abortSignal) {
    try {
      await retryWhileBusy(
        async () => {
          const poller = await this.arm.beginPut(path, body, { abortSignal });
          await poller.pollUntilDone({ abortSignal });
        },
        {
          label: what,
          tries: 8,
          delayInMs: this.o.conflictDelayInMs ?? 2e3,
          maxDelayInMs: 3e4,
          deadline: Date.now() + (this.o.readyTimeoutInMs ?? 20 * 6e4),
          log: (m) => this.log(m),
          abortSignal
        }
      );
    } catch (err) {
      if (abortSignal?.aborted) throw err;
      if (err instanceof ArmOperationError) throw new Error(`${what} failed: ${err.message}`, { cause: err });
      throw translateAzureError(err, what);
    }
  }
  /** Creates (or updates) a deployment and waits until it is Succeeded; it takes no invocation until named. */
  async createDeployment(endpoint, deployment, body, abortSignal) {
    await this.write(`creating deployment '${deployment}' of batch endpoint '${endpoint}'`, this.deploymentPath(endpoint, deployment), body, abortSignal);
    const d = await this.getDeployment(endpoint, deployment);
    const state = String(d?.properties?.provisioningState ?? "missing");
    if (!d || state !== "Succeeded") throw new Error(`deployment '${deployment}' of batch endpoint '${endpoint}' ended ${state}`);
    return d;
  }
  /** The endpoint's default deployment (`properties.defaults.deploymentName`), or undefined. */
  static defaultOf(ep) {
    const d = ep?.properties?.defaults ?? {};
    return typeof d.deploymentName === "string" && d.deploymentName !== "" ? d.deploymentName : void 0;
  }
  /**
   * Sets the default deployment by GET \u{2192} PUT of the whole endpoint (no field dropped; read-only
   * fields left out), then reads it back: the name the endpoint holds afterwards. `undefined`
   * writes `deploymentName: null`.
   */
  async setDefault(endpoint, deployment, abortSignal) {
    const ep = await this.waitReady(endpoint, abortSignal);
    if (_BatchEndpoints.defaultOf(ep) === deployment) return deployment;
    const body = { ...ep, properties: { ...ep.properties ?? {}, defaults: { deploymentName: deployment ?? null } } };
    for (const k of ["id", "name", "type", "systemData"]) delete body[k];
    if (body.properties) for (const k of ["provisioningState", "scoringUri", "swaggerUri"]) delete body.properties[k];
    await this.write(`setting the default deployment of batch endpoint '${endpoint}'`, this.endpointPath(endpoint), body, abortSignal);
    return _BatchEndpoints.defaultOf(await this.waitReady(endpoint, abortSignal));
  }
  /** Deletes a deployment and waits; one already gone is not an error; conflicts are tried again. */
  async deleteDeployment(endpoint, deployment) {
    try {
      await retryWhileBusy(
        async () => {
          const poller = await this.arm.beginDelete(this.deploymentPath(endpoint, deployment));
          await poller.pollUntilDone();
        },
        {
          label: `Deleting deployment ${deployment}`,
          tries: 4,
          delayInMs: this.o.conflictDelayInMs ?? 2e3,
          retriable: (err) => isConflict(err) || err instanceof ArmOperationError,
          log: (m) => this.log(m)
        }
      );
    } catch (err) {
      if (err.statusCode === 404) return;
      throw translateAzureError(err, `deleting deployment '${deployment}'`);
    }
  }
  /** Sets a deployment's `resources.instanceCount` (PUT of the whole deployment); one that is gone is left alone. */
  async scaleDeployment(endpoint, deployment, instances) {
    const d = await this.getDeployment(endpoint, deployment);
    if (!d) return;
    const props = { ...d.properties ?? {} };
    delete props.provisioningState;
    const body = {
      ...d,
      properties: { ...props, resources: { ...props.resources ?? {}, instanceCount: instances } }
    };
    for (const k of ["id", "name", "type", "systemData"]) delete body[k];
    await this.write(`scaling deployment '${deployment}'`, this.deploymentPath(endpoint, deployment), body);
  }
  /**
   * Invokes a deployment (POST <scoringUri>, the deployment header, the body of {@link invokeBody})
   * \u{2192} the batch job it started. Gateway answers and lost connections are tried
   * again twice (a lost 201 can leave one extra job behind).
   */
  async invoke(scoringUri, auth, deployment, input, abortSignal) {
    const payload = invokeBody(input);
    const r = await scoreWithRetry(scoringUri, auth, payload, deployment, abortSignal, { retries: 2, tryTimeoutInMs: 6e4 });
    let body;
    try {
      body = JSON.parse(r.body);
    } catch {
      body = void 0;
    }
    if (r.status !== 200 && r.status !== 201) {
      const msg = body?.error;
      throw new Error(
        `invoking deployment '${deployment}' (POST ${scoringUri}) answered HTTP ${r.status}${msg ? `: ${msg.code ?? ""} ${msg.message ?? ""}`.trimEnd() : ""}`
      );
    }
    if (typeof body?.name !== "string" || body.name === "") throw new Error(`invoking deployment '${deployment}' answered no job name`);
    return { name: body.name, ...typeof body.id === "string" ? { id: body.id } : {}, status: String(body.properties?.status ?? "") };
  }
  /** The batch job (a workspace job) as it is now. */
  async getJob(name) {
    const job = await withAzureOperation(`reading batch job '${name}'`, () => this.arm.tryGet(armPath`jobs/${name}`));
    if (!job) return void 0;
    const p = job.properties ?? {};
    const outputs = p.outputs ?? {};
    const uri = outputs.score?.uri;
    const services = p.services ?? {};
    const err = isObj(p.error) ? p.error : void 0;
    const message = typeof err?.message === "string" ? err.message : typeof err?.error?.message === "string" ? err.error.message : void 0;
    return {
      name,
      status: String(p.status ?? "Unknown"),
      ...typeof uri === "string" ? { outputUri: uri } : {},
      ...message ? { error: message } : {},
      ...typeof services.Studio?.endpoint === "string" ? { studioUrl: services.Studio.endpoint } : {}
    };
  }
  /** Polls the job until it ends (Completed, Failed, Canceled, NotResponding). */
  async waitJob(name, o) {
    let last = "";
    let delay = o.pollMs ?? 1e3;
    for (; ; ) {
      const job = await this.getJob(name);
      if (!job) throw new Error(`batch job '${name}' does not exist`);
      if (job.status !== last) {
        last = job.status;
        o.onStatus?.(job.status);
      }
      if (TERMINAL_JOB_STATUSES.has(job.status)) return job;
      if (Date.now() > o.deadline) throw new Error(`batch job '${name}' did not end before max-duration (status ${job.status})`);
      await abortableSleep(delay, o.abortSignal);
      delay = Math.min(Math.round(delay * 1.5), 1e4);
    }
  }
  /** Asks the service to cancel a job (POST jobs/<name>/cancel); a job already ended or gone is left alone. */
  async cancelJob(name) {
    await this.arm.post(armPath`jobs/${name}/cancel`).catch((err) => {
      const status = err.statusCode;
      if (status !== 404 && status !== 409 && status !== 400) throw translateAzureError(err, `cancelling batch job '${name}'`);
    });
  }
};
async function readDatastoreOutput(ctx, uri, setSecret) {
  const parsed = parseDatastoreUri2(uri);
  if (!parsed) throw new Error(`'${uri}' is not an azureml://datastores/<name>/paths/<path> URI`);
  const store = await createBlobStore(ctx, { datastoreName: parsed.datastore, ...setSecret ? { setSecret } : {} });
  if (parsed.path.endsWith("/") || parsed.path === "") {
    const files = [];
    for await (const item of store.container.listBlobsFlat({ prefix: parsed.path })) files.push(item.name);
    return { files };
  }
  const blob = store.container.getBlobClient(parsed.path);
  if (!await blob.exists()) return { files: [] };
  return { text: (await blob.downloadToBuffer()).toString("utf8"), files: [parsed.path] };
}
async function countDatastoreFiles(ctx, uri, setSecret) {
  const parsed = parseDatastoreUri2(uri);
  if (!parsed) throw new Error(`'${uri}' is not an azureml://datastores/<name>/paths/<path> URI`);
  const store = await createBlobStore(ctx, { datastoreName: parsed.datastore, ...setSecret ? { setSecret } : {} });
  const name = parsed.path.replace(/^\/+/, "");
  if (name !== "" && !name.endsWith("/") && await store.container.getBlobClient(name).exists()) return 1;
  const under = name === "" || name.endsWith("/") ? name : `${name}/`;
  let n = 0;
  for await (const _ of store.container.listBlobsFlat({ prefix: under })) n++;
  return n;
}

// src/specs/batch.ts
function endpointKindOf(spec) {
  if (!isObj(spec) || typeof spec.$schema !== "string") return void 0;
  const file2 = spec.$schema.split("/").pop()?.toLowerCase() ?? "";
  if (/^(batchendpoint|batchdeployment|modelbatchdeployment|pipelinecomponentbatchdeployment)\.schema\.json$/.test(file2)) return "batch";
  if (/^(managed|kubernetes)online(endpoint|deployment)\.schema\.json$/.test(file2)) return "online";
  return void 0;
}
var ONLINE_ENDPOINT_FIELDS = ["traffic", "mirror_traffic", "public_network_access", "compute"];
var ONLINE_DEPLOYMENT_FIELDS = [
  "instance_type",
  "instance_count",
  "request_settings",
  "liveness_probe",
  "readiness_probe",
  "scale_settings",
  "app_insights_enabled",
  "data_collector",
  "egress_public_network_access",
  "model_mount_path"
];
function refuseOnline(t, spec, fields, what, hint) {
  if (endpointKindOf(spec) === "online")
    t.fail(
      ["$schema"],
      `names the schema of an online ${what}, not of a batch ${what}`,
      `give a batch ${what} file ($schema: .../batch${what === "endpoint" ? "Endpoint" : "Deployment"}.schema.json)`
    );
  for (const k of fields) {
    if (spec[k] !== void 0) t.fail([k], `is a field of online ${what}s; a batch ${what} has no '${k}'`, hint);
  }
}
var BATCH_AUTH_MODES = { aad_token: "AADToken" };
var IDENTITY_TYPES = { system_assigned: "SystemAssigned", user_assigned: "UserAssigned", none: "None" };
function planBatchEndpoint(doc) {
  const spec = doc.value;
  if (!isObj(spec)) throw doc.error([], "an endpoint file must be a YAML map");
  const t = new FieldReader(doc);
  refuseOnline(
    t,
    spec,
    ONLINE_ENDPOINT_FIELDS,
    "endpoint",
    "a batch endpoint's default deployment is set by defaults.deployment_name; it runs on the compute its deployments name"
  );
  t.checkKeys(spec, ["$schema", "name", "description", "tags", "properties", "auth_mode", "identity", "defaults"], [], "batch endpoint");
  if (typeof spec.name !== "string") t.fail([], "a batch endpoint needs 'name'");
  const bad = checkEndpointName(spec.name);
  if (bad) t.fail(["name"], `'${spec.name}' is not a valid endpoint name`, bad);
  const props = {};
  const mode = spec.auth_mode === void 0 ? "aad_token" : t.str(spec.auth_mode, ["auth_mode"]).toLowerCase();
  props.authMode = t.oneOf(mode, ["auth_mode"], BATCH_AUTH_MODES, "an auth mode of batch endpoints (they take Microsoft Entra tokens only)");
  if (spec.description !== void 0) props.description = t.str(spec.description, ["description"]);
  if (spec.properties !== void 0) props.properties = t.stringMap(spec.properties, ["properties"]);
  if (spec.defaults !== void 0 && spec.defaults !== null) {
    const d = t.map(spec.defaults, ["defaults"]);
    t.checkKeys(d, ["deployment_name"], ["defaults"], "batch endpoint defaults");
    if (d.deployment_name !== void 0) props.defaults = { deploymentName: t.str(d.deployment_name, ["defaults", "deployment_name"]) };
  }
  const body = { properties: props };
  if (spec.tags !== void 0) body.tags = t.stringMap(spec.tags, ["tags"]);
  if (spec.identity !== void 0) {
    const id = t.map(spec.identity, ["identity"], "must be a map with a type");
    t.checkKeys(id, ["type"], ["identity"], "batch endpoint identity");
    body.identity = { type: t.oneOf(t.str(id.type, ["identity", "type"]).toLowerCase(), ["identity", "type"], IDENTITY_TYPES, "an identity type") };
  }
  return { name: spec.name, body };
}
var COMMON_KEYS = ["$schema", "name", "endpoint_name", "type", "description", "tags", "properties"];
var RUN_SETTINGS = BATCH_RUN_SETTINGS;
var MODEL_KEYS = [...COMMON_KEYS, "model", "code_configuration", "environment", "compute", "resources", "settings", ...RUN_SETTINGS];
var SETTINGS_KEYS = [...RUN_SETTINGS, "instance_count"];
var PIPELINE_KEYS = [...COMMON_KEYS, "component", "settings", "job_definition"];
var OUTPUT_ACTIONS = { append_row: "AppendRow", summary_only: "SummaryOnly" };
var LOGGING_LEVELS = { info: "Info", warning: "Warning", debug: "Debug" };
async function planBatchDeployment(doc, fileOnDisk, o) {
  const spec = doc.value;
  if (!isObj(spec)) throw doc.error([], "a deployment file must be a YAML map");
  const t = new PlanContext(doc, fileOnDisk, o);
  refuseOnline(
    t,
    spec,
    ONLINE_DEPLOYMENT_FIELDS,
    "deployment",
    "a batch deployment runs on a compute cluster: compute, resources.instance_count, and settings (mini_batch_size, max_concurrency_per_instance, retry_settings, ...)"
  );
  const written = spec.type === void 0 ? "model" : t.str(spec.type, ["type"]).toLowerCase();
  if (written !== "model" && written !== "pipeline") t.fail(["type"], `'${written}' is not a batch deployment type`, "valid: model, pipeline");
  const type = written;
  t.checkKeys(spec, type === "model" ? MODEL_KEYS : PIPELINE_KEYS, [], `${type} batch deployment`);
  if (spec.name === void 0) t.fail([], "a batch deployment needs 'name'");
  const name = t.str(spec.name, ["name"]);
  const bad = checkDeploymentName(name);
  if (bad) t.fail(["name"], `'${name}' is not a valid deployment name`, bad);
  const endpointName = spec.endpoint_name === void 0 ? void 0 : t.str(spec.endpoint_name, ["endpoint_name"]);
  if (endpointName !== void 0 && o.endpointName !== void 0 && endpointName !== o.endpointName)
    t.fail(
      ["endpoint_name"],
      `names endpoint '${endpointName}', but this step deploys to endpoint '${o.endpointName}'`,
      "make endpoint_name match the endpoint input, or remove it"
    );
  const props = {};
  if (spec.description !== void 0) props.description = t.str(spec.description, ["description"]);
  if (spec.properties !== void 0) props.properties = t.stringMap(spec.properties, ["properties"]);
  const targetId = type === "model" ? await modelDeployment(t, spec, props) : await pipelineDeployment(t, spec, props);
  const body = { properties: props };
  if (spec.tags !== void 0) body.tags = t.stringMap(spec.tags, ["tags"]);
  return { name, ...endpointName !== void 0 ? { endpointName } : {}, type, body, uploads: t.uploads, assets: t.assets, targetId };
}
async function modelDeployment(t, spec, props) {
  const modelId = await deploymentModel(t, spec.model);
  props.model = { referenceType: "Id", assetId: modelId };
  if (spec.code_configuration !== void 0 && spec.environment === void 0) t.fail([], "a batch deployment with a scoring script needs an environment");
  if (spec.code_configuration !== void 0) props.codeConfiguration = await codeConfiguration(t, spec.code_configuration);
  if (spec.environment !== void 0) props.environmentId = await environmentId(t, spec.environment, ["environment"]);
  if (spec.compute === void 0) t.fail([], "a model batch deployment needs 'compute' (azureml:<compute cluster>)");
  const compute = computeId(t, spec.compute, ["compute"]);
  if (!compute) t.fail(["compute"], "batch deployments run on a compute cluster, not serverless", "write azureml:<compute-cluster-name>");
  props.compute = compute;
  const resources = {};
  if (spec.resources !== void 0 && spec.resources !== null) {
    const r = t.map(spec.resources, ["resources"]);
    t.checkKeys(r, ["instance_count", "instance_type", "properties"], ["resources"], "batch deployment resources");
    if (r.instance_count !== void 0) resources.instanceCount = t.int(r.instance_count, ["resources", "instance_count"], 1);
    if (r.instance_type !== void 0) resources.instanceType = t.str(r.instance_type, ["resources", "instance_type"]);
    if (r.properties !== void 0) resources.properties = t.map(r.properties, ["resources", "properties"]);
  }
  const settings = spec.settings === void 0 || spec.settings === null ? {} : t.map(spec.settings, ["settings"]);
  t.checkKeys(settings, SETTINGS_KEYS, ["settings"], "model batch deployment settings");
  const field = (k) => {
    if (spec[k] !== void 0 && settings[k] !== void 0) t.fail(["settings", k], `'${k}' is given both at the top level and under settings`, "keep one");
    if (settings[k] !== void 0) return { v: settings[k], path: ["settings", k] };
    if (spec[k] !== void 0) return { v: spec[k], path: [k] };
    return void 0;
  };
  const ic = field("instance_count");
  if (ic) {
    const n = t.int(ic.v, ic.path, 1);
    if (resources.instanceCount !== void 0 && resources.instanceCount !== n)
      t.fail(ic.path, `instance_count ${n} differs from resources.instance_count ${String(resources.instanceCount)} (az ml would use the latter)`, "keep one");
    resources.instanceCount = n;
  }
  if (Object.keys(resources).length > 0) props.resources = resources;
  const mbs = field("mini_batch_size");
  if (mbs) props.miniBatchSize = t.int(mbs.v, mbs.path, 1);
  const mc = field("max_concurrency_per_instance");
  if (mc) props.maxConcurrencyPerInstance = t.int(mc.v, mc.path, 1);
  const oa = field("output_action");
  if (oa) props.outputAction = t.oneOf(t.str(oa.v, oa.path).toLowerCase(), oa.path, OUTPUT_ACTIONS, "an output action");
  const ofn = field("output_file_name");
  if (ofn) {
    if (props.outputAction === "SummaryOnly")
      t.fail(
        ofn.path,
        "names an output file, but output_action is summary_only (no predictions file is written)",
        "use output_action: append_row, or remove output_file_name"
      );
    props.outputFileName = t.str(ofn.v, ofn.path);
  }
  const et = field("error_threshold");
  if (et) {
    const n = typeof et.v === "string" && /^-?\d+$/.test(et.v) ? Number(et.v) : et.v;
    if (typeof n !== "number" || !Number.isInteger(n) || n < -1) t.fail(et.path, "must be a whole number \u2265 -1 (-1 ignores every failure)");
    props.errorThreshold = n;
  }
  const ll = field("logging_level");
  if (ll) props.loggingLevel = t.oneOf(t.str(ll.v, ll.path).toLowerCase(), ll.path, LOGGING_LEVELS, "a logging level");
  const rs = field("retry_settings");
  if (rs) {
    const m = t.map(rs.v, rs.path);
    t.checkKeys(m, ["max_retries", "timeout"], rs.path, "retry settings");
    const out = {};
    if (m.max_retries !== void 0) out.maxRetries = t.int(m.max_retries, [...rs.path, "max_retries"]);
    if (m.timeout !== void 0) out.timeout = `PT${t.int(m.timeout, [...rs.path, "timeout"], 1)}S`;
    props.retrySettings = out;
  }
  const ev = field("environment_variables");
  if (ev) props.environmentVariables = t.stringMap(ev.v, ev.path);
  return modelId;
}
async function pipelineDeployment(t, spec, props) {
  if (spec.job_definition !== void 0)
    t.fail(
      ["job_definition"],
      "a deployment from a pipeline job has no place in the 2024-10-01 BatchDeployment body: az ml first makes a component from the job (sourceJobId), which the 2024-10-01 ComponentVersion does not have",
      "deploy the pipeline as a component: component: <pipeline component file or azureml:<name>@latest>"
    );
  if (spec.component === void 0) t.fail([], "a pipeline batch deployment needs 'component': a pipeline component file or reference");
  let componentId;
  if (isObj(spec.component)) t.fail(["component"], "inline components are not supported; put the pipeline component in its own YAML file and give its path");
  const raw = t.str(spec.component, ["component"]);
  const r = t.ref(raw, ["component"]);
  if (r.kind === "local") componentId = await t.planFile(r.path, ["component"], "pipeline component", pipelineComponentFile);
  else componentId = await componentRef(t, raw, ["component"]);
  const config = { deploymentConfigurationType: "PipelineComponent", componentId: { referenceType: "Id", assetId: componentId } };
  if (r.kind === "local") {
    const planned = t.assets.find((a) => a.id === componentId)?.body.properties.componentSpec;
    if (isObj(planned) && planned.description !== void 0) config.description = planned.description;
    if (isObj(planned) && planned.tags !== void 0) config.tags = planned.tags;
  }
  if (spec.settings !== void 0 && spec.settings !== null) {
    const out = {};
    for (const [k, v] of Object.entries(t.map(spec.settings, ["settings"]))) {
      if (isObj(v) || Array.isArray(v)) t.fail(["settings", k], "must be a string, number or boolean");
      out[k] = typeof v === "boolean" ? v ? "True" : "False" : v === null ? "" : String(v);
    }
    config.settings = out;
  }
  props.deploymentConfiguration = config;
  return componentId;
}

// src/runs/deploy/batch.ts

// src/specs/batch-inputs.ts
var LITERAL_TYPES = ["string", "integer", "number", "boolean"];
var DATA_TYPES = { uri_folder: "UriFolder", uri_file: "UriFile" };
var OUTPUT_MODES = ["upload", "rw_mount", "mount", "direct"];
function componentPorts(spec, fallbackName) {
  const s = isObj(spec) ? spec : {};
  const inputs = {};
  for (const [name, raw] of Object.entries(isObj(s.inputs) ? s.inputs : {})) {
    const d = isObj(raw) ? raw : {};
    const type = String(d.type ?? "").toLowerCase();
    const optional = d.optional === true || d.optional === "true";
    const hasDefault = d.default !== void 0 && d.default !== null;
    inputs[name] = { type, literal: LITERAL_TYPES.includes(type), required: !optional && !hasDefault };
  }
  return { name: typeof s.name === "string" ? s.name : fallbackName, inputs, outputs: Object.keys(isObj(s.outputs) ? s.outputs : {}) };
}
var list = (names) => names.length > 0 ? names.join(", ") : "none";
var dataInputs = (ports) => Object.keys(ports.inputs).filter((n) => !ports.inputs[n].literal);
function singleDataInput(text, ports) {
  const data = dataInputs(ports);
  if (data.length !== 1)
    throw new ConfigurationError(
      `Input 'test-input': pipeline component '${ports.name}' has ${data.length === 0 ? "no data input" : `${data.length} data inputs (${data.join(", ")})`}; one data location binds to a single data input`,
      {
        input: "test-input",
        hint: `give the path of an inputs YAML (inputs: <name>: {type, path} \u2026, as az ml batch-endpoint invoke --file takes); the component's inputs: ${list(Object.keys(ports.inputs))}`
      }
    );
  const out = { display: `${text} \u2192 ${data[0]}`, data: { [data[0]]: { text } }, literals: {}, outputs: {} };
  checkRequired(
    out,
    ports,
    (names) => new ConfigurationError(`Input 'test-input': pipeline component '${ports.name}' also requires ${names}`, {
      input: "test-input",
      hint: "give them in an inputs YAML (inputs: <name>: <value>)"
    })
  );
  return out;
}
function checkRequired(t, ports, fail2) {
  const missing = Object.entries(ports.inputs).filter(([n, d]) => d.required && !(n in t.data) && !(n in t.literals)).map(([n]) => n);
  if (missing.length > 0) throw fail2(missing.join(", "));
}
function literalText(v) {
  return typeof v === "boolean" ? v ? "True" : "False" : String(v);
}
function readInputsFile(doc, ports, base) {
  const spec = doc.value;
  if (!isObj(spec)) throw doc.error([], "an inputs file must be a YAML map with inputs (and outputs)");
  for (const k of Object.keys(spec))
    if (k !== "inputs" && k !== "outputs" && k !== "$schema")
      throw doc.error([k], `is not a field of an inputs file`, "an inputs file has inputs and outputs (az ml batch-endpoint invoke --file)");
  const out = { display: doc.file, data: {}, literals: {}, outputs: {} };
  const inputs = spec.inputs === void 0 || spec.inputs === null ? {} : spec.inputs;
  if (!isObj(inputs)) throw doc.error(["inputs"], "must be a map of input names");
  const names = list(Object.keys(ports.inputs));
  for (const [name, raw] of Object.entries(inputs)) {
    const at = ["inputs", name];
    const port = ports.inputs[name];
    if (!port) throw doc.error(at, `is not an input of pipeline component '${ports.name}' (its inputs: ${names})`, "name the inputs as the component does");
    if (port.literal) {
      let v = raw;
      if (isObj(raw)) {
        for (const k of Object.keys(raw))
          if (!["type", "default", "description", "optional"].includes(k)) throw doc.error([...at, k], "is not a field of a literal input");
        if (raw.type !== void 0 && String(raw.type).toLowerCase() !== port.type)
          throw doc.error([...at, "type"], `is '${String(raw.type)}', but the component's input '${name}' is a ${port.type}`);
        v = raw.default;
      }
      if (v === void 0 || v === null || isObj(v) || Array.isArray(v))
        throw doc.error(at, `needs a ${port.type} value`, `${name}: <value>, or {type: ${port.type}, default: <value>}`);
      out.literals[name] = literalText(v);
      continue;
    }
    const fail2 = (message, hint) => doc.error(at, message, hint);
    if (typeof raw === "string") {
      out.data[name] = { text: raw, base, fail: fail2 };
      continue;
    }
    if (!isObj(raw)) throw doc.error(at, `is a ${port.type || "data"} input: give {type, path}`);
    for (const k of Object.keys(raw))
      if (!["type", "path", "description"].includes(k))
        throw doc.error(
          [...at, k],
          "is not a field of a batch invocation data input",
          "a data input has type and path (the invocation sends its uri and type)"
        );
    const type = raw.type === void 0 ? void 0 : DATA_TYPES[String(raw.type).toLowerCase()];
    if (raw.type !== void 0 && !type) throw doc.error([...at, "type"], `'${String(raw.type)}' is not a batch input type`, "valid: uri_folder, uri_file");
    if (typeof raw.path !== "string" || raw.path === "") throw doc.error([...at, "path"], "is required: the data location");
    out.data[name] = { text: raw.path, base, ...type ? { type } : {}, fail: fail2 };
  }
  const outputs = spec.outputs === void 0 || spec.outputs === null ? {} : spec.outputs;
  if (!isObj(outputs)) throw doc.error(["outputs"], "must be a map of output names");
  for (const [name, raw] of Object.entries(outputs)) {
    const at = ["outputs", name];
    if (!ports.outputs.includes(name))
      throw doc.error(
        at,
        `is not an output of pipeline component '${ports.name}' (its outputs: ${list(ports.outputs)})`,
        "name the outputs as the component does"
      );
    if (raw === null || raw === void 0) continue;
    if (!isObj(raw)) throw doc.error(at, "must be a map with type, path, mode");
    for (const k of Object.keys(raw)) if (!["type", "path", "mode", "description"].includes(k)) throw doc.error([...at, k], "is not a field of an output");
    const type = raw.type === void 0 ? "UriFolder" : DATA_TYPES[String(raw.type).toLowerCase()];
    if (!type) throw doc.error([...at, "type"], `'${String(raw.type)}' is not a batch output type`, "valid: uri_folder, uri_file");
    if (raw.mode !== void 0 && !OUTPUT_MODES.includes(String(raw.mode)))
      throw doc.error([...at, "mode"], `'${String(raw.mode)}' is not an output mode`, `valid: ${OUTPUT_MODES.join(", ")}`);
    if (raw.path === void 0 || raw.path === null) continue;
    if (typeof raw.path !== "string" || !raw.path.startsWith("azureml://"))
      throw doc.error([...at, "path"], "must be an azureml://datastores/<name>/paths/<path> URI", "leave path out to write where the deployment writes");
    out.outputs[name] = { uri: raw.path, type };
  }
  checkRequired(out, ports, (missing) => doc.error(["inputs"], `leaves out ${missing}, required by pipeline component '${ports.name}' (its inputs: ${names})`));
  return out;
}

// src/runs/deploy/batch.ts
function batchMachineOf(saved) {
  const m = saved.machine;
  return isObj(m) && m.kind === "batch" ? m : void 0;
}
var REPOSITORY_TAG2 = "github.repository";
var RUN_ID_TAG2 = "github.run_id";
var RUN_ATTEMPT_TAG2 = "github.run_attempt";
var PRIOR_DEFAULT_TAG = "azureml-actions.prior-default";
async function isBatchEndpointName(ctx, name) {
  const online = await withAzureOperation(`reading endpoint '${name}'`, () => ctx.arm.tryGet(armPath`onlineEndpoints/${name}`));
  if (online) return false;
  return await new BatchEndpoints(ctx.arm).getEndpoint(name) !== void 0;
}
var BatchFlow = class {
  constructor(ctx, io, s, run, abortSignal) {
    this.ctx = ctx;
    this.io = io;
    this.s = s;
    this.run = run;
    this.abortSignal = abortSignal;
    this.bat = new BatchEndpoints(ctx.arm, { log: (m) => io.info(m), readyTimeoutInMs: Math.min(20 * 6e4, s.plan.maxDurationInMs) });
    this.deadline = Date.now() + s.plan.maxDurationInMs;
  }
  ctx;
  io;
  s;
  run;
  abortSignal;
  record = { stages: [] };
  bat;
  /** Test jobs started (cancelled on rollback when still running). */
  jobs = [];
  /** The stage running now (what a cancellation or an error interrupted). */
  current = "create";
  saved;
  deadline;
  stage(name, result, started, detail) {
    this.record.stages.push({ name, result, ms: Date.now() - started, ...detail ? { detail } : {} });
    this.io.info(`[${name}] ${result}${detail ? `: ${detail}` : ""}`);
  }
  /** The stage running now ended by an error or a cancellation. */
  interrupted(result, reason) {
    this.record.stages.push({ name: this.current, result, detail: reason });
    this.io.info(`[${this.current}] ${result}: ${reason}`);
  }
  saveState(workspace, p, settled, promoted = false) {
    const machine = { kind: "batch", priorDefault: p.priorDefault ?? null, jobs: [...this.jobs], ...promoted ? { promoted } : {} };
    this.saved = { workspace, endpointName: p.endpoint, priorTraffic: {}, deploymentName: p.deployment, settled, machine };
    this.io.state.saveRollout(this.saved);
  }
  updateJobs() {
    if (!this.saved) return;
    this.saved = { ...this.saved, machine: { ...this.saved.machine, jobs: [...this.jobs] } };
    this.io.state.saveRollout(this.saved);
  }
  /**
   * `model` without a deployment file: the new deployment is the endpoint's current default with
   * the model replaced (its compute, resources, run settings and scoring code kept), as `model`
   * alone reuses the defaults of an online deployment.
   */
  async planFromDefault(endpoint, ref, hooks) {
    const ep = await this.bat.getEndpoint(endpoint);
    const current = BatchEndpoints.defaultOf(ep);
    const template = current ? await this.bat.getDeployment(endpoint, current) : void 0;
    if (!template)
      throw new ConfigurationError(
        `endpoint '${endpoint}' is a batch endpoint ${ep ? "without a default deployment" : "that does not exist yet"}: 'model' alone takes the compute and run settings of its default deployment`,
        { input: "deployment-file", hint: "give the new deployment as an az ml batch-deployment YAML (deployment-file)" }
      );
    const props = { ...template.properties ?? {} };
    if (props.deploymentConfiguration !== void 0 && props.deploymentConfiguration !== null)
      throw new ConfigurationError(`the default deployment '${current}' of '${endpoint}' deploys a pipeline component: it has no model to replace`, {
        input: "model",
        hint: "give the new deployment as an az ml batch-deployment YAML (deployment-file)"
      });
    const m = await hooks.resolveModel(this.ctx, ref);
    delete props.provisioningState;
    props.model = { referenceType: "Id", assetId: m.id };
    this.io.info(`New deployment from model ${m.name}:${m.version} with the settings of the default deployment '${current}'`);
    return { name: hooks.derivedName(m.name, m.version), type: "model", body: { properties: props }, uploads: [], assets: [], targetId: m.id };
  }
  /** Inputs of the online rollout's traffic stages have no meaning for a batch endpoint: refused rather than ignored. */
  refuseOnlineInputs(endpoint) {
    const { s } = this;
    const online = [
      [s.plan.mirrorPercent > 0, "mirror-percent"],
      [s.plan.probeRps > 0, "probe-rps"],
      [s.smokeRequests.length > 0, "smoke-request"],
      // Model monitoring watches the data an online deployment collects (how-to-monitor-model-performance).
      [s.monitorFile !== void 0, "monitor-file"]
    ];
    for (const [given, input] of online)
      if (given)
        throw new ConfigurationError(`Input '${input}' applies to online endpoints; '${endpoint}' is a batch endpoint`, {
          input,
          hint: "a batch rollout is tested with test-input (and smoke-expect over its output rows), and compared with compare-rules"
        });
  }
  // --- preflight -------------------------------------------------------------------------------
  async preflight(endpointDoc, endpointName, hooks) {
    const { s, io } = this;
    const endpointPlan = endpointDoc ? planBatchEndpoint(endpointDoc) : void 0;
    const endpoint = endpointPlan?.name ?? endpointName;
    if (endpoint === void 0) throw new ConfigurationError("no endpoint given", { input: "endpoint" });
    this.refuseOnlineInputs(endpoint);
    let planned;
    let doc;
    if (s.deploymentFile) {
      doc = SpecDocument.load(s.deploymentFile.path, s.deploymentFile.display, "deployment-file");
      const m = s.model ? await hooks.resolveModel(this.ctx, s.model) : void 0;
      const value = m && isObj(doc.value) ? { ...doc.value, model: `azureml:${m.id}` } : doc.value;
      planned = await planBatchDeployment(doc.withValue(value), s.deploymentFile.path, {
        workspaceId: this.ctx.workspaceId,
        resolver: createWorkspaceApi(this.ctx.arm),
        endpointName: endpoint
      });
    } else {
      planned = await this.planFromDefault(endpoint, s.model, hooks);
    }
    const compute = planned.body.properties.compute;
    if (typeof compute === "string" && !await withAzureOperation(`reading compute ${compute}`, () => this.ctx.arm.tryGet(compute))) {
      const what = `names compute '${compute.split("/").pop() ?? compute}', which does not exist in workspace ${this.ctx.workspace.workspaceName}`;
      const hint = "create the compute cluster first (az ml compute create --type amlcompute), or name an existing one";
      throw doc ? doc.error(["compute"], what, hint) : new ConfigurationError(`the default deployment ${what}`, { input: "model", hint });
    }
    const deployment = s.deploymentName ?? planned.name;
    const bad = checkDeploymentName(deployment);
    if (bad) throw new ConfigurationError(`deployment name '${deployment}' is not valid`, { input: "deployment-name", hint: bad });
    const existing = await this.bat.getEndpoint(endpoint);
    if (!existing && !endpointPlan)
      throw new ConfigurationError(`batch endpoint '${endpoint}' does not exist in workspace ${this.ctx.workspace.workspaceName}`, {
        input: "endpoint",
        hint: "give the path of an az ml batch-endpoint YAML to create it, or the name of an existing endpoint"
      });
    const priorDefault = BatchEndpoints.defaultOf(existing);
    const declared = endpointPlan?.body.properties.defaults;
    if (endpointDoc && declared?.deploymentName !== void 0 && declared.deploymentName !== priorDefault && declared.deploymentName !== deployment)
      throw endpointDoc.error(
        ["defaults", "deployment_name"],
        `names '${declared.deploymentName}', but the endpoint's default is ${priorDefault ? `'${priorDefault}'` : "not set"} and the new deployment is '${deployment}'`,
        "the rollout decides the default deployment: leave defaults out, or state the default the endpoint has now"
      );
    const plan = { endpoint, endpointPlan, existing, planned, deployment, ...priorDefault ? { priorDefault } : {} };
    if (priorDefault === deployment) {
      const current = await this.bat.getDeployment(endpoint, deployment);
      const tags = current?.tags ?? {};
      if (this.run && tags[REPOSITORY_TAG2] === this.run.repository && tags[RUN_ID_TAG2] === this.run.runId) {
        io.info(`Deployment ${deployment} is the default of ${endpoint} already: an earlier try of this workflow run promoted it.`);
        const earlier = tags[PRIOR_DEFAULT_TAG];
        return { ...plan, promotedEarlier: true, ...earlier ? { priorDefault: earlier } : {} };
      }
      throw new ConfigurationError(
        `deployment '${deployment}' is the default deployment of batch endpoint ${endpoint}: a rollout never replaces the deployment that serves`,
        { input: s.deploymentName ? "deployment-name" : "deployment-file", hint: "give the new deployment another name (deployment-name)" }
      );
    }
    if (!s.testInput)
      throw new ConfigurationError(`a batch rollout tests the new deployment with a test batch before it becomes the default: 'test-input' is required`, {
        input: "test-input",
        hint: "a local folder or file (uploaded), an azureml://datastores/<name>/paths/<path> URI, or azureml:<data>:<version>"
      });
    if (planned.type === "pipeline") {
      const rowInputs = [
        [s.compareRules !== void 0, "compare-rules"],
        [s.smokeExpect !== void 0, "smoke-expect"],
        [s.testRows !== void 0, "test-rows"]
      ];
      for (const [given, input] of rowInputs)
        if (given)
          throw new ConfigurationError(
            `Input '${input}' checks the output rows of a model deployment; '${deployment}' deploys a pipeline component, whose test batch passes when its job ends Completed`,
            { input, hint: `leave '${input}' out for a pipeline deployment` }
          );
    }
    if (s.smokeExpect !== void 0 && !isObj(s.smokeExpect))
      throw new ConfigurationError(`Input 'smoke-expect': for a batch endpoint, a JSON object of row keys and the values that follow them`, {
        input: "smoke-expect",
        hint: '{"0.png": [7]} expects a row "0.png 7 \u2026"'
      });
    if (planned.body.properties.outputAction === "SummaryOnly" && (s.compareRules || s.smokeExpect !== void 0))
      throw new ConfigurationError("the deployment's output_action is summary_only: its test batch writes no rows to check or compare", {
        input: s.compareRules ? "compare-rules" : "smoke-expect",
        hint: "use output_action: append_row, or leave the row checks out"
      });
    plan.test = planned.type === "pipeline" ? await this.findPipelineTestInput(planned, s.testInput) : await this.findTestInput(s.testInput);
    if (s.compareRules && !priorDefault) io.warning(`compare-rules: endpoint ${endpoint} has no default deployment to compare with; the comparison is skipped`);
    io.info(
      `Batch endpoint ${endpoint}: ${existing ? `default deployment ${priorDefault ? `'${priorDefault}'` : "not set"} (the rollback point)` : "not there yet: it will be created"}`
    );
    io.info(`New deployment ${deployment}: ${planned.type === "model" ? "model" : "pipeline component"} ${planned.targetId}`);
    io.info(`Test batch: ${plan.test.display}${plan.test.expectedRows !== void 0 ? ` (${plan.test.expectedRows} row(s) expected)` : ""}`);
    return plan;
  }
  /** The test input: a local path (counted now, uploaded later), a datastore URI (counted), a data asset, or an https URI (needs test-rows). */
  async findTestInput(text, at = {}) {
    const { s } = this;
    const rows = s.testRows;
    const bad = (message) => at.fail ? at.fail(message) : new ConfigurationError(`Input 'test-input': ${message}`, { input: "test-input" });
    if (text.startsWith("azureml://")) {
      if (!parseDatastoreUri2(text)) throw bad(`'${text}' is not an azureml://datastores/<name>/paths/<path> URI`);
      const files = await countDatastoreFiles(this.ctx, text, (x) => this.io.setSecret(x));
      if (files === 0) throw bad(`nothing is stored at ${text}`);
      const type = at.type ?? (text.endsWith("/") || files > 1 ? "UriFolder" : "UriFile");
      return { display: text, input: { uri: text, type }, expectedRows: rows ?? files };
    }
    if (/^https?:\/\//i.test(text)) {
      if (at.fail) return { display: text, input: { uri: text, type: at.type ?? (text.endsWith("/") ? "UriFolder" : "UriFile") } };
      if (rows === void 0)
        throw new ConfigurationError(`Input 'test-input': the files behind ${text} cannot be counted: give 'test-rows', the rows its output should have`, {
          input: "test-rows"
        });
      return { display: text, input: { uri: text, type: text.endsWith("/") ? "UriFolder" : "UriFile" }, expectedRows: rows };
    }
    if (text.startsWith("azureml:")) {
      const m = /^azureml:([^:@/]+)[:@]([^:@/]+)$/.exec(text);
      if (!m) throw bad(`'${text}' is not azureml:<data>:<version>`);
      const v = await withAzureOperation(`reading data ${m[1]}:${m[2]}`, () => this.ctx.arm.tryGet(armPath`data/${m[1]}/versions/${m[2]}`));
      const uri = String(v?.properties?.dataUri ?? "");
      if (!v || !uri) throw bad(`data ${m[1]}:${m[2]} does not exist`);
      const type = String(v.properties?.dataType ?? "").toLowerCase() === "uri_file" ? "UriFile" : "UriFolder";
      const files = rows ?? (parseDatastoreUri2(uri) ? await countDatastoreFiles(this.ctx, uri, (x) => this.io.setSecret(x)) : void 0);
      return { display: text, input: { uri, type }, ...files !== void 0 ? { expectedRows: files } : {} };
    }
    const path = isAbsolute2(text) ? text : resolve2(at.base ?? this.run?.workspace ?? process.cwd(), text);
    if (!existsSync3(path)) throw bad(`${text} does not exist`);
    if (at.type && statSync2(path).isDirectory() !== (at.type === "UriFolder"))
      throw bad(`${text} is not a ${at.type === "UriFolder" ? "folder" : "file"}, as its type ${at.type === "UriFolder" ? "uri_folder" : "uri_file"} says`);
    const snap = await snapshot(path);
    if (snap.files.length === 0) throw bad(`${text} holds no file`);
    return { display: text, local: snap, expectedRows: rows ?? snap.files.length };
  }
  /** The pipeline component a deployment plan names: its inputs and outputs (the planned file, or the registered version). */
  async portsOf(planned) {
    const id = planned.targetId;
    const local = planned.assets.find((a) => a.id === id)?.body.properties.componentSpec;
    if (local === void 0 && !id.startsWith("/subscriptions/"))
      throw new ConfigurationError(`the test batch checks its inputs against the pipeline component, and ${id} is not in the workspace`, {
        input: "deployment-file",
        hint: "deploy a component of the workspace (a component file, or azureml:<name>:<version>)"
      });
    const spec = local ?? (await withAzureOperation(`reading component ${id}`, () => this.ctx.arm.tryGet(id)))?.properties?.componentSpec;
    if (!isObj(spec)) throw new ConfigurationError(`the deployment's pipeline component ${id} was not found`, { input: "deployment-file" });
    return componentPorts(spec, id.split("/").slice(-3, -2)[0] ?? id);
  }
  /**
   * `test-input` of a pipeline-component deployment: an inputs YAML (a .yml / .yaml file that is a
   * map with `inputs`), else one data location bound to the component's single data input.
   */
  async findPipelineTestInput(planned, text) {
    const ports = await this.portsOf(planned);
    const path = isAbsolute2(text) ? text : resolve2(this.run?.workspace ?? process.cwd(), text);
    let spec;
    if (/\.ya?ml$/i.test(text) && existsSync3(path) && statSync2(path).isFile()) {
      const doc = SpecDocument.load(path, text, "test-input");
      if (isObj(doc.value) && ("inputs" in doc.value || "outputs" in doc.value)) spec = readInputsFile(doc, ports, dirname2(path));
    }
    spec ??= singleDataInput(text, ports);
    const data = {};
    for (const [name, loc] of Object.entries(spec.data)) data[name] = await this.findTestInput(loc.text, loc);
    const literals = Object.entries(spec.literals).map(([k, v]) => `${k}=${v}`);
    const display = `${spec.display} (${[...Object.keys(data), ...literals].join(", ") || "no inputs"}${Object.keys(spec.outputs).length ? `; outputs ${Object.keys(spec.outputs).join(", ")}` : ""})`;
    return { display, pipeline: { spec, data } };
  }
  /** The invocation of a pipeline test batch: local data uploaded, every input by name. */
  async pipelineInvocation(t) {
    const p = t.pipeline;
    if (p.invocation) return p.invocation;
    const inputs = {};
    for (const [name, d] of Object.entries(p.data)) inputs[name] = await this.uploadTestInput(d);
    for (const [name, v] of Object.entries(p.spec.literals)) inputs[name] = { literal: v };
    p.invocation = { inputs, ...Object.keys(p.spec.outputs).length > 0 ? { outputs: p.spec.outputs } : {} };
    return p.invocation;
  }
  /** A local test input uploaded once per content (LocalUpload/<hash>/<name>, as code and job inputs are). */
  async uploadTestInput(t) {
    if (t.input) return t.input;
    const snap = t.local;
    const store = await createBlobStore(this.ctx, { setSecret: (x) => this.io.setSecret(x) });
    const uploader = createSnapshotUploader(async () => store);
    const prefix = localUploadPath(snap);
    if (!await uploader.hasSnapshot(prefix, snap)) {
      const r = await uploader.upload(prefix, snap);
      this.io.info(`Uploaded the test input ${t.display}: ${r.files} file(s), ${r.bytes} bytes`);
    }
    t.input = { uri: store.datastoreUri(snap.isFile ? prefix : `${prefix}/`), type: snap.isFile ? "UriFile" : "UriFolder" };
    return t.input;
  }
  // --- stages ----------------------------------------------------------------------------------
  async ensureEndpoint(p) {
    if (!p.existing) {
      const ws = await this.ctx.arm.get("");
      const body = structuredClone(p.endpointPlan.body);
      if (body.properties) delete body.properties.defaults;
      this.io.info(`Creating batch endpoint ${p.endpoint}`);
      return this.bat.createEndpoint(p.endpoint, { location: ws.location, ...body }, this.abortSignal);
    }
    return this.bat.waitReady(p.endpoint, this.abortSignal);
  }
  async createDeployment(p, ep) {
    const started = Date.now();
    this.current = "create";
    const run = this.run;
    const tags = {
      ...p.planned.body.tags ?? {},
      ...run ? { [REPOSITORY_TAG2]: run.repository, [RUN_ID_TAG2]: run.runId, [RUN_ATTEMPT_TAG2]: run.runAttempt } : {},
      ...p.priorDefault ? { [PRIOR_DEFAULT_TAG]: p.priorDefault } : {}
    };
    await this.bat.createDeployment(p.endpoint, p.deployment, { location: ep.location, ...p.planned.body, tags }, this.abortSignal);
    this.stage("create", "passed", started, `deployment ${p.deployment} created (not the default)`);
  }
  auth(ep, endpoint) {
    const keys = { keys: () => this.bat.keys(endpoint), token: () => Promise.resolve(void 0) };
    return scoringAuth(keys, endpoint, String(ep.properties?.authMode ?? "AADToken"), (x) => this.io.setSecret(x), {
      credential: this.ctx.credential,
      scope: scoringScope(this.ctx.cloud.name)
    });
  }
  /** Invokes one deployment with the test input and waits for its job; the job's rows (or why there are none). */
  async score(ep, p, deployment, input) {
    const uri = String(ep.properties?.scoringUri ?? "");
    if (!uri) throw new Error(`batch endpoint '${p.endpoint}' has no scoring URI`);
    const invoked = await this.bat.invoke(uri, this.auth(ep, p.endpoint), deployment, input, this.abortSignal);
    this.jobs.push(invoked.name);
    this.updateJobs();
    this.io.info(`Deployment ${deployment}: batch job ${invoked.name} (${this.ctx.studioUrl(`runs/${invoked.name}`)})`);
    const job = await this.bat.waitJob(invoked.name, {
      abortSignal: this.abortSignal,
      deadline: this.deadline,
      onStatus: (st) => this.io.info(`Batch job ${invoked.name}: ${st}`)
    });
    if (job.status !== "Completed") return { job, files: [] };
    if ("inputs" in input || !job.outputUri) return { job, files: [] };
    const out = await readDatastoreOutput(this.ctx, job.outputUri, (x) => this.io.setSecret(x));
    return { job, files: out.files, ...out.text !== void 0 ? { rows: parseOutputRows(out.text) } : {} };
  }
  async testBatch(p, ep) {
    const started = Date.now();
    this.current = "test batch";
    const input = p.test.pipeline ? await this.pipelineInvocation(p.test) : await this.uploadTestInput(p.test);
    const r = await this.score(ep, p, p.deployment, input);
    this.record.testJob = r.job.name;
    if (r.job.outputUri) this.record.testOutput = r.job.outputUri;
    const fail2 = (why) => {
      this.stage("test batch", "failed", started, why);
      return why;
    };
    if (r.job.status !== "Completed") return fail2(`batch job ${r.job.name} ended ${r.job.status}${r.job.error ? `: ${r.job.error}` : ""}`);
    if (p.test.pipeline) {
      this.stage("test batch", "passed", started, `job ${r.job.name} Completed (pipeline component: the job's status is the test)`);
      return { input };
    }
    if (r.files.length === 0) return fail2(`batch job ${r.job.name} completed without its output (${r.job.outputUri ?? "no score output"})`);
    if (r.rows) {
      this.record.rows = r.rows.length;
      const expected = p.test.expectedRows;
      if (expected !== void 0) {
        this.record.expectedRows = expected;
        if (r.rows.length !== expected) return fail2(`the output has ${r.rows.length} row(s), the input ${expected} (${p.test.display})`);
      }
      if (this.s.smokeExpect !== void 0) {
        const wrong = checkExpectedRows(r.rows, this.s.smokeExpect);
        if (wrong) return fail2(`smoke-expect: ${wrong}`);
      }
    }
    this.stage(
      "test batch",
      "passed",
      started,
      `job ${r.job.name} Completed${r.rows ? `, ${r.rows.length} row(s)` : ""}${this.s.smokeExpect !== void 0 ? ", smoke-expect met" : ""}`
    );
    return { input, ...r.rows ? { rows: r.rows } : {} };
  }
  /** The shadow comparison: the same input on the prior default, judged by compare-rules. Undefined when it passed or was skipped. */
  async compare(p, ep, input, rows) {
    if (!this.s.compareRules) return void 0;
    const started = Date.now();
    this.current = "comparison";
    if (!p.priorDefault || !rows) {
      this.stage("comparison", "skipped", started, p.priorDefault ? "the test batch wrote no rows" : "no default deployment to compare with");
      return void 0;
    }
    const rules = parseCompareRules(this.s.compareRules);
    const prior = await this.score(ep, p, p.priorDefault, input);
    if (prior.job.status !== "Completed" || !prior.rows) {
      const why = `the default deployment ${p.priorDefault} did not score the test input (job ${prior.job.name} ${prior.job.status}${prior.rows ? "" : ", no rows"})`;
      this.stage("comparison", "failed", started, why);
      return why;
    }
    const c = compareOutputs(rows, prior.rows);
    const j = judgeComparison(rules, c);
    this.record.comparison = {
      job: prior.job.name,
      rows: c.rows,
      baselineRows: c.baselineRows,
      matched: c.matched,
      ...c.agreement !== void 0 ? { agreement: c.agreement } : {},
      ...c.mad !== void 0 ? { mad: c.mad, maxDiff: c.maxDiff } : {},
      passed: j.passed,
      rules: j.results.map((r) => ({ rule: r.rule, verdict: r.verdict, ...r.left !== void 0 ? { value: r.left } : {} }))
    };
    for (const line of formatRuleResults(j.results)) this.io.info(`  ${line}`);
    for (const d of c.differences) this.io.info(`  differs: ${d.key}: ${d.current.join(" ")} (new) vs ${d.baseline.join(" ")} (${p.priorDefault})`);
    const figures = `${c.matched}/${Math.max(c.rows, c.baselineRows)} rows matched${c.agreement !== void 0 ? `, agreement ${(c.agreement * 100).toFixed(1)}%` : ""}${c.mad !== void 0 ? `, mad ${Number(c.mad.toPrecision(4))}` : ""}`;
    if (!j.passed) {
      const failed = j.results.filter((r) => r.verdict === "failed").map((r) => r.rule);
      const why = `the comparison with ${p.priorDefault} failed ${failed.join("; ")} (${figures})`;
      this.stage("comparison", "failed", started, why);
      return why;
    }
    this.stage("comparison", "passed", started, `with ${p.priorDefault}: ${figures}`);
    return void 0;
  }
  async promote(p, workspace) {
    const started = Date.now();
    this.current = "promote";
    const now = await this.bat.setDefault(p.endpoint, p.deployment, this.abortSignal);
    if (now !== p.deployment) throw new Error(`the default deployment of ${p.endpoint} reads back as ${now ?? "none"}, not ${p.deployment}`);
    this.saveState(workspace, p, false, true);
    this.record.defaultDeployment = now;
    this.stage("promote", "passed", started, `default deployment ${p.priorDefault ?? "none"} \u2192 ${p.deployment} (read back)`);
  }
  async cleanup(p) {
    const old = p.priorDefault;
    const policy = this.s.plan.oldDeployments;
    if (!old || old === p.deployment || policy.mode === "keep") return;
    const started = Date.now();
    this.current = "cleanup";
    if (!await this.bat.getDeployment(p.endpoint, old)) return;
    try {
      if (policy.mode === "delete") {
        await this.bat.deleteDeployment(p.endpoint, old);
        this.stage("cleanup", "passed", started, `deleted old deployment '${old}'`);
      } else {
        await this.bat.scaleDeployment(p.endpoint, old, policy.instances);
        this.stage("cleanup", "passed", started, `old deployment '${old}' scaled to ${policy.instances} instance(s)`);
      }
    } catch (err) {
      this.io.warning(`could not clean up old deployment '${old}': ${errorMessage(err)}`);
      this.stage("cleanup", "failed", started, errorMessage(err));
    }
  }
  /** Leaves (or restores) the prior default, cancels test jobs still running, deletes the new deployment unless keep-failed. True when the prior default holds. */
  async rollback(p, reason) {
    const started = Date.now();
    this.io.info(`Rolling back: ${reason}`);
    for (const job of this.jobs) {
      const j = await this.bat.getJob(job).catch(() => void 0);
      if (j && !["Completed", "Failed", "Canceled", "NotResponding"].includes(j.status)) {
        await this.bat.cancelJob(job).then(
          () => this.io.info(`Cancelled batch job ${job}`),
          (e) => this.io.warning(`could not cancel batch job ${job}: ${errorMessage(e)}`)
        );
      }
    }
    let restored = false;
    try {
      const ep = await this.bat.getEndpoint(p.endpoint);
      const now = BatchEndpoints.defaultOf(ep);
      const back = ep && now !== p.priorDefault ? await this.bat.setDefault(p.endpoint, p.priorDefault) : now;
      restored = back === p.priorDefault;
      this.record.defaultDeployment = back;
      this.io.info(`default deployment ${restored ? "is" : "is NOT"} the prior one: ${back ?? "none"} (read back)`);
    } catch (err) {
      this.io.warning(`could not restore the default deployment of ${p.endpoint}: ${errorMessage(err)}`);
    }
    if (this.s.plan.keepFailed) this.io.info(`keep-failed: deployment '${p.deployment}' is kept`);
    else if (restored || p.priorDefault === void 0) {
      await this.bat.deleteDeployment(p.endpoint, p.deployment).then(
        () => this.io.info(`deleted '${p.deployment}'`),
        (e) => this.io.warning(`could not delete deployment '${p.deployment}': ${errorMessage(e)}`)
      );
    }
    this.stage(
      "rollback",
      restored ? "passed" : "failed",
      started,
      `${restored ? "prior default kept" : "prior default NOT restored"}: ${p.priorDefault ?? "none"}`
    );
    return restored;
  }
};
async function deployBatchMain(o, endpointDoc, endpointName, hooks) {
  const { io } = o;
  const f = new BatchFlow(o.ctx, io, o.s, o.run, o.abortSignal);
  const p = await io.group("Preflight (batch endpoint)", () => f.preflight(endpointDoc, endpointName, hooks));
  if (p.priorDefault) f.record.priorDefault = p.priorDefault;
  if (p.promotedEarlier) {
    f.record.defaultDeployment = p.deployment;
    f.record.stages.push({ name: "promote", result: "passed", detail: `'${p.deployment}' was promoted by an earlier try of this workflow run` });
    await f.cleanup(p);
    return finish(f, p, { kind: "batch", outcome: "promoted", endpoint: p.endpoint, deployment: p.deployment, record: f.record });
  }
  const ep = await f.ensureEndpoint(p);
  await hooks.createAssets(o.ctx, io, p.planned);
  f.saveState(o.workspace, p, false);
  let reason;
  try {
    await f.createDeployment(p, ep);
    const tested = await f.testBatch(p, ep);
    if (typeof tested === "string") reason = tested;
    else reason = await f.compare(p, ep, tested.input, tested.rows);
    if (!reason) await f.promote(p, o.workspace);
  } catch (err) {
    const aborted = o.abortSignal?.aborted === true;
    reason = aborted ? `cancelled: ${errorMessage(o.abortSignal?.reason)}` : errorMessage(err);
    if (f.record.stages.at(-1)?.name !== f.current) f.interrupted(aborted ? "aborted" : "failed", reason);
  }
  let result;
  if (reason === void 0) {
    await f.cleanup(p);
    result = { kind: "batch", outcome: "promoted", endpoint: p.endpoint, deployment: p.deployment, record: f.record };
  } else {
    f.record.reason = reason;
    const restored = o.s.plan.rollback === "none" ? false : await f.rollback(p, reason);
    result = { kind: "batch", outcome: restored ? "rolled-back" : "failed", endpoint: p.endpoint, deployment: p.deployment, record: f.record, reason };
  }
  f.saveState(o.workspace, p, true, result.outcome === "promoted");
  return finish(f, p, result);
}
async function finish(f, p, result) {
  await reportBatch(f.io, result);
  if (result.outcome !== "promoted")
    throw new Error(
      `rollout of ${p.deployment} on batch endpoint ${p.endpoint} ${result.outcome === "rolled-back" ? "was rolled back" : "failed"}: ${result.reason ?? "no reason given"} (default deployment now ${result.record.defaultDeployment ?? "none"})`
    );
  return result;
}
async function reportBatch(io, r) {
  const rec = r.record;
  io.setOutput("status", r.outcome);
  io.setOutput("deployment-name", r.deployment);
  io.setOutput("default-deployment", rec.defaultDeployment ?? "");
  io.setOutput("test-job", rec.testJob ?? "");
  io.setOutput("test-output", rec.testOutput ?? "");
  io.setOutput("comparison", rec.comparison ? JSON.stringify(rec.comparison) : "");
  io.setOutput("timeline", JSON.stringify({ kind: "batch", stages: rec.stages }));
  appendLedger({ kind: "rollout", action: "deploy", endpoint: r.endpoint, deployment: r.deployment, status: r.outcome, timeline: null, batch: rec });
  const rows = rec.stages.map((st) => [escapeText(st.name), escapeText(st.result), escapeText(st.detail ?? "")]);
  await io.appendSummary(
    `<h3>${escapeText(`Batch rollout of ${r.deployment} on ${r.endpoint}: ${r.outcome}`)}</h3>
${htmlTable(["stage", "result", "detail"], rows)}
${r.reason ? `Reason: ${escapeText(r.reason)}` : ""}
`
  ).catch(() => void 0);
}
async function deployBatchPost(ctx, io, s, saved, m) {
  if (m.promoted) {
    io.info(`The batch rollout of ${saved.deploymentName} on ${saved.endpointName} had promoted it before the step stopped: the promotion stands.`);
    return;
  }
  const bat = new BatchEndpoints(ctx.arm, { log: (x) => io.info(x) });
  if (!await bat.getEndpoint(saved.endpointName)) return;
  const f = new BatchFlow(ctx, io, s, void 0);
  f.jobs.push(...m.jobs);
  const p = { endpoint: saved.endpointName, deployment: saved.deploymentName ?? "", ...m.priorDefault ? { priorDefault: m.priorDefault } : {} };
  io.info(`The workflow stopped during the batch rollout of ${p.deployment} on ${p.endpoint}: restoring the default deployment ${p.priorDefault ?? "(none)"}.`);
  if (p.priorDefault) f.record.priorDefault = p.priorDefault;
  const restored = await f.rollback(p, "the workflow was cancelled");
  f.record.reason = "the workflow was cancelled";
  await reportBatch(io, {
    kind: "batch",
    outcome: restored ? "rolled-back" : "failed",
    endpoint: p.endpoint,
    deployment: p.deployment,
    record: f.record,
    reason: f.record.reason
  });
  io.info(`Batch rollout ${restored ? "rolled-back" : "failed"}: default deployment ${f.record.defaultDeployment ?? "none"}`);
}

// src/runs/deploy/kubernetes.ts
var MANAGED_DEFAULT_INSTANCE_TYPE = "Standard_DS3_v2";
function computeNameOf(id) {
  return id.replace(/^.*\/computes\//i, "");
}
async function readCompute(ctx, name) {
  return withAzureOperation(`reading compute '${name}'`, () => ctx.arm.tryGet(`computes/${encodeURIComponent(name)}`));
}
async function checkKubernetesTarget(c) {
  const { ctx, endpointName, existing, endpointPlan, endpointDoc, planned } = c;
  const existingCompute = typeof existing?.properties?.compute === "string" && existing.properties.compute !== "" ? existing.properties.compute : void 0;
  const fileCompute = endpointPlan?.compute;
  if (existing && endpointDoc && (existingCompute ? computeNameOf(existingCompute) : void 0)?.toLowerCase() !== fileCompute?.toLowerCase()) {
    throw endpointDoc.error(
      fileCompute ? ["compute"] : [],
      existingCompute ? `endpoint ${endpointName} runs on Kubernetes compute '${computeNameOf(existingCompute)}'${fileCompute ? `, not '${fileCompute}'` : ", but the file has no compute"}` : `endpoint ${endpointName} is a managed online endpoint, but the file names compute '${fileCompute}'`,
      "an endpoint's compute cannot change: make the file match the endpoint, or deploy to another endpoint"
    );
  }
  const computeName = existingCompute ? computeNameOf(existingCompute) : fileCompute;
  const deploymentType = String(planned.body.properties.endpointComputeType ?? "Managed");
  if (!computeName) {
    if (deploymentType === "Kubernetes") {
      throw new ConfigurationError(
        `the deployment file is a Kubernetes online deployment (type: kubernetes), but endpoint ${endpointName} is a managed online endpoint`,
        { input: "deployment-file", hint: "deploy it to an endpoint with 'compute: azureml:<Kubernetes compute>', or remove 'type: kubernetes'" }
      );
    }
    return void 0;
  }
  const compute = await readCompute(ctx, computeName);
  const where = `workspace ${ctx.workspace.workspaceName}`;
  const type = String(compute?.properties?.computeType ?? "");
  if (!compute || type !== "Kubernetes") {
    const message = compute ? `compute '${computeName}' is a ${type} compute; online endpoints run on Kubernetes computes only` : `compute '${computeName}' does not exist in ${where}`;
    const hint = "attach the cluster first (az ml compute attach --type Kubernetes), or leave compute out for a managed online endpoint";
    if (!existing && endpointDoc) throw endpointDoc.error(["compute"], message, hint);
    throw new ConfigurationError(`endpoint ${endpointName}: ${message}`, { input: "endpoint", hint });
  }
  const inner = compute.properties?.properties ?? {};
  const instanceTypes = Object.keys(inner.instanceTypes ?? {});
  const defaultInstanceType = inner.defaultInstanceType ?? instanceTypes[0] ?? "defaultinstancetype";
  const props = planned.body.properties;
  if (c.fromModelOnly) {
    props.endpointComputeType = "Kubernetes";
    if (props.instanceType === MANAGED_DEFAULT_INSTANCE_TYPE) delete props.instanceType;
  } else if (deploymentType !== "Kubernetes") {
    throw new ConfigurationError(
      `endpoint ${endpointName} runs on Kubernetes compute '${computeName}': the deployment file must be a Kubernetes online deployment (type: kubernetes), not a managed one`,
      { input: "deployment-file", hint: "add 'type: kubernetes' (and resources / an instance_type of the compute instead of a VM size)" }
    );
  }
  const wanted = props.instanceType;
  if (typeof wanted === "string" && !instanceTypes.some((n) => n.toLowerCase() === wanted.toLowerCase())) {
    throw new ConfigurationError(
      `instance type '${wanted}' is not defined on Kubernetes compute '${computeName}' (its instance types: ${instanceTypes.join(", ") || "none"})`,
      { input: c.fromModelOnly ? "instance-type" : "deployment-file", hint: `use one of them, or leave it out for the default '${defaultInstanceType}'` }
    );
  }
  return { compute: computeName, instanceTypes, defaultInstanceType, plan: kubernetesPlan(c.plan, endpointName, computeName) };
}
function kubernetesPlan(plan, endpointName, compute) {
  const on = `endpoint ${endpointName} is a Kubernetes online endpoint (compute '${compute}')`;
  if (plan.mirrorPercent > 0) {
    throw new ConfigurationError(`Input '${RolloutInputs.mirrorPercent}': ${on}, and Azure ML does not mirror traffic to Kubernetes online deployments`, {
      input: RolloutInputs.mirrorPercent,
      hint: "leave mirror-percent at 0; the canary stages and the probes test the new deployment"
    });
  }
  if (plan.probeRps === 0 && !plan.health.allowNoTraffic) {
    throw new ConfigurationError(
      `Input '${RolloutInputs.probeRps}' is needed: ${on}, for which Azure Monitor publishes no request metrics, so the rollout can judge health only on the probe requests it sends itself`,
      {
        input: RolloutInputs.probeRps,
        hint: `set probe-rps (e.g. 5) with a smoke-request to send, or set ${HealthInputs.allowNoTraffic}: true to promote on the smoke test alone`
      }
    );
  }
  return { ...plan, health: kubernetesHealthPolicy(plan.health) };
}
function kubernetesSignals(probes) {
  return {
    query() {
      return Promise.resolve(probes ? { requests: 0, pending: true } : { requests: 0 });
    }
  };
}
function kubernetesHealthNote(target) {
  return `Kubernetes online endpoint (compute '${target.compute}'): Azure Monitor publishes no request metrics for it, so health is judged only on the probe and smoke requests this rollout sends (rules: ${target.plan.health.rulesText.split("\n").join("; ")})${target.plan.probeRps > 0 ? `; probes at ${target.plan.probeRps}/s` : "; no probes (allow-no-traffic): promoted on the smoke test"}`;
}

// src/specs/monitor.ts
var MONITOR_SCHEDULE_KEYS = ["$schema", "name", "display_name", "description", "tags", "properties", "trigger", "create_monitor", "is_enabled"];
var CREATE_MONITOR_KEYS = ["compute", "monitoring_target", "monitoring_signals", "alert_notification"];
var ML_TASKS = { classification: "Classification", regression: "Regression" };
var DATA_CONTEXTS = ["model_inputs", "model_outputs", "training", "test", "validation", "ground_truth"];
var INPUT_DATA_TYPES = ["uri_file", "uri_folder", "mltable"];
var FEATURE_TYPES = { numerical: "Numerical", categorical: "Categorical" };
var OTHER_SIGNAL_TYPES = {
  custom: "custom signals (a component of your own) are not translated by azureml-actions yet",
  model_performance: "the 2024-10-01 API has no model performance signal (a preview API feature)",
  generation_safety_quality: "the 2024-10-01 API has no generation safety and quality signal (a preview API feature)",
  generation_token_statistics: "the 2024-10-01 API has no generation token statistics signal (a preview API feature)"
};
var SIGNAL_TYPES = ["data_drift", "prediction_drift", "data_quality", "feature_attribution_drift"];
var DRIFT_METRICS = {
  numerical: {
    jensen_shannon_distance: "JensenShannonDistance",
    normalized_wasserstein_distance: "NormalizedWassersteinDistance",
    population_stability_index: "PopulationStabilityIndex",
    two_sample_kolmogorov_smirnov_test: "TwoSampleKolmogorovSmirnovTest"
  },
  categorical: {
    jensen_shannon_distance: "JensenShannonDistance",
    population_stability_index: "PopulationStabilityIndex",
    pearsons_chi_squared_test: "PearsonsChiSquaredTest"
  }
};
var QUALITY_METRICS = {
  null_value_rate: "NullValueRate",
  data_type_error_rate: "DataTypeErrorRate",
  out_of_bounds_rate: "OutOfBoundsRate"
};
var DEFAULT_DRIFT_THRESHOLDS = { numerical: { normalized_wasserstein_distance: 0.1 }, categorical: { jensen_shannon_distance: 0.1 } };
var DEFAULT_QUALITY_THRESHOLDS = {
  numerical: { null_value_rate: 0, data_type_error_rate: 0, out_of_bounds_rate: 0 },
  categorical: { null_value_rate: 0, data_type_error_rate: 0, out_of_bounds_rate: 0 }
};
var DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;
function isMonitorSpec(spec) {
  return isObj(spec) && spec.create_monitor !== void 0;
}
function windowsOf(trigger) {
  const n = trigger.interval ?? 1;
  switch (trigger.triggerType === "Recurrence" ? trigger.frequency : void 0) {
    case "Minute":
    case "Hour":
      return { production: "P1D", reference: "P2D" };
    case "Day":
      return { production: `P${n}D`, reference: `P${n * 2}D` };
    case "Week":
      return { production: `P${n * 7}D`, reference: `P${n * 14}D` };
    case "Month":
      return { production: `P${n * 30}D`, reference: `P${n * 60}D` };
    default:
      return { production: "P7D", reference: "P14D" };
  }
}
async function planMonitor(doc, fileOnDisk, value, options) {
  const t = new PlanContext(doc, fileOnDisk, options);
  const spec = t.map(value, [], "a schedule file must be a YAML map (trigger, create_monitor, \u2026)");
  if (spec.create_job !== void 0)
    t.fail(["create_job"], "a monitor schedule creates a monitor, not a job: 'create_job' and 'create_monitor' exclude each other");
  t.checkKeys(spec, MONITOR_SCHEDULE_KEYS, [], "monitor schedule");
  if (spec.create_monitor === void 0) t.fail([], "a monitor schedule needs 'create_monitor'");
  const { yamlName, properties, trigger, warnings } = scheduleCommon(t, spec);
  const at = ["create_monitor"];
  const cm = t.map(spec.create_monitor, at, "must be a map (compute, monitoring_target, monitoring_signals, alert_notification)");
  t.checkKeys(cm, CREATE_MONITOR_KEYS, at, "create_monitor");
  const m = new MonitorReader(t, options, windowsOf(trigger));
  const def = {};
  def.computeConfiguration = m.compute(cm.compute, [...at, "compute"]);
  const target = m.target(cm.monitoring_target, [...at, "monitoring_target"]);
  if (target.wire) def.monitoringTarget = target.wire;
  const alerts = m.alertNotification(cm.alert_notification, [...at, "alert_notification"]);
  def.signals = await m.signals(cm.monitoring_signals, [...at, "monitoring_signals"]);
  if (alerts) def.alertNotificationSettings = alerts;
  properties.action = { actionType: "CreateMonitor", monitorDefinition: def };
  return { yamlName, body: { properties }, writtenTarget: target.written, uploads: t.uploads, warnings };
}
function writtenMonitorTarget(doc, value) {
  if (!isObj(value) || !isObj(value.create_monitor) || !isObj(value.create_monitor.monitoring_target)) return void 0;
  const raw = value.create_monitor.monitoring_target.endpoint_deployment_id;
  if (raw === void 0 || raw === null) return void 0;
  const path = ["create_monitor", "monitoring_target", "endpoint_deployment_id"];
  const t = new PlanContext(doc, doc.file, { workspaceId: "", resolver: { resolveLabel: () => Promise.reject(new Error("not used")) } });
  return { ...parseDeploymentId(t, t.str(raw, path), path), path };
}
function parseDeploymentId(t, raw, path) {
  const s = raw.startsWith("azureml:") ? raw.slice("azureml:".length) : raw;
  const arm = /\/onlineEndpoints\/([^/]+)\/deployments\/([^/]+)\/?$/i.exec(s);
  if (arm) return { endpoint: arm[1], deployment: arm[2] };
  const parts = s.split(":");
  if (parts.length === 2 && /^[A-Za-z][A-Za-z0-9-]*$/.test(parts[0]) && /^[A-Za-z][A-Za-z0-9-]*$/.test(parts[1]))
    return { endpoint: parts[0], deployment: parts[1] };
  return t.fail(path, `'${raw}' is not an online deployment`, "write azureml:<endpoint-name>:<deployment-name>, or the deployment\u2019s ARM id");
}
var MonitorReader = class {
  constructor(t, o, windows) {
    this.t = t;
    this.o = o;
    this.windows = windows;
  }
  t;
  o;
  windows;
  /** `compute: { instance_type, runtime_version }` \u{2192} MonitorServerlessSparkCompute with the AML token identity (entities/_monitoring/compute.py). */
  compute(v, path) {
    const { t } = this;
    if (v === void 0 || v === null) t.fail(path.slice(0, -1), "a monitor needs 'compute': the serverless Spark it runs on (instance_type, runtime_version)");
    if (typeof v === "string")
      t.fail(path, `'${v}' names a compute; a monitor runs on serverless Spark`, 'write compute: { instance_type: standard_e4s_v3, runtime_version: "3.4" }');
    const c = t.map(v, path, "must be a map with instance_type and runtime_version");
    t.checkKeys(c, ["compute_type", "instance_type", "runtime_version"], path, "monitor compute");
    if (c.compute_type !== void 0 && t.str(c.compute_type, [...path, "compute_type"]).toLowerCase() !== "serverlessspark")
      t.fail([...path, "compute_type"], `'${String(c.compute_type)}' is not a monitor compute type`, "valid: ServerlessSpark");
    if (c.instance_type === void 0) t.fail(path, "needs 'instance_type' (a Spark node size such as standard_e4s_v3)");
    if (c.runtime_version === void 0) t.fail(path, `needs 'runtime_version' (the Spark runtime, such as "3.4")`);
    const instanceType = t.str(c.instance_type, [...path, "instance_type"]);
    if (!/[a-zA-Z0-9_]/.test(instanceType)) t.fail([...path, "instance_type"], `'${instanceType}' is not an instance type`);
    const runtimeVersion = t.str(c.runtime_version, [...path, "runtime_version"]);
    if (!/^[0-9]+\.[0-9]+$/.test(runtimeVersion))
      t.fail([...path, "runtime_version"], `'${runtimeVersion}' is not a Spark runtime version`, 'write major.minor, such as "3.4"');
    return { computeType: "ServerlessSpark", computeIdentity: { computeIdentityType: "AmlToken" }, instanceType, runtimeVersion };
  }
  /** `monitoring_target: { ml_task, endpoint_deployment_id | model_id }` \u{2192} MonitoringTarget (entities/_monitoring/target.py). */
  target(v, path) {
    const { t, o } = this;
    if (v === void 0 || v === null) {
      if (o.target)
        t.fail(path.slice(0, -1), "needs 'monitoring_target' with 'ml_task' (classification or regression) to monitor the deployment deploy promotes");
      return {};
    }
    const m = t.map(v, path, "must be a map (ml_task, endpoint_deployment_id or model_id)");
    t.checkKeys(m, ["ml_task", "endpoint_deployment_id", "model_id"], path, "monitoring target");
    if (m.ml_task === void 0) t.fail(path, "needs 'ml_task': classification or regression");
    const task = t.str(m.ml_task, [...path, "ml_task"]).toLowerCase();
    if (task === "question_answering" || task === "questionanswering")
      t.fail([...path, "ml_task"], "question answering monitors are not in the 2024-10-01 API (its ModelTaskType is Classification or Regression)");
    const wire = { taskType: t.oneOf(task, [...path, "ml_task"], ML_TASKS, "a monitoring task", "classification, regression") };
    let written;
    if (m.endpoint_deployment_id !== void 0 && m.endpoint_deployment_id !== null) {
      written = parseDeploymentId(t, t.str(m.endpoint_deployment_id, [...path, "endpoint_deployment_id"]), [...path, "endpoint_deployment_id"]);
    }
    if (m.model_id !== void 0 && (written || o.target))
      t.fail([...path, "model_id"], "a monitor watches a deployment or a model, not both (endpoint_deployment_id and model_id exclude each other)");
    const dep = o.target ?? written;
    if (dep) wire.deploymentId = `${o.workspaceId}/onlineEndpoints/${dep.endpoint}/deployments/${dep.deployment}`;
    else if (m.model_id !== void 0) wire.modelId = this.modelId(t.str(m.model_id, [...path, "model_id"]), [...path, "model_id"]);
    return { wire, written };
  }
  modelId(raw, path) {
    const r = this.t.ref(raw, path);
    if (r.kind === "arm-id") return r.id;
    if (r.kind === "asset" && r.version) return `${this.o.workspaceId}/models/${r.name}/versions/${r.version}`;
    return this.t.fail(path, `'${raw}' is not a model version`, "write azureml:<model-name>:<version>");
  }
  /** `alert_notification: { emails }` \u{2192} MonitorNotificationSettings (entities/_monitoring/alert_notification.py). */
  alertNotification(v, path) {
    const { t } = this;
    if (v === void 0 || v === null) return void 0;
    if (typeof v === "string")
      t.fail(
        path,
        `'${v}' is not an alert notification of the 2024-10-01 API (Azure Monitor alerts are a preview API feature)`,
        "write alert_notification: { emails: [...] }"
      );
    const a = t.map(v, path, "must be a map with emails");
    t.checkKeys(a, ["emails"], path, "alert notification");
    if (a.emails === void 0 || a.emails === null) return void 0;
    const list2 = Array.isArray(a.emails) ? a.emails : [a.emails];
    const emails = list2.map((e, i) => {
      const at = Array.isArray(a.emails) ? [...path, "emails", i] : [...path, "emails"];
      const s = t.str(e, at);
      if (!/^[^@\s]+@[^@\s]+$/.test(s)) t.fail(at, `'${s}' is not an email address`);
      return s;
    });
    if (emails.join(",").length > 499) t.fail([...path, "emails"], "the email addresses are longer than Azure takes: 499 characters in all, joined by commas");
    return { emailNotificationSettings: { emails } };
  }
  /**
   * `monitoring_signals`: name \u{2192} signal. Without signals, azure-ai-ml makes the three default ones
   * (data drift, prediction drift, data quality: entities/_monitoring/definition.py
   * `_populate_default_signal_information`), which need a deployment that collects its inputs and outputs.
   */
  async signals(v, path) {
    const { t, o } = this;
    if (v === void 0 || v === null) {
      if (!o.collected?.modelInputs || !o.collected.modelOutputs) {
        t.fail(
          path.slice(0, -1),
          "has no 'monitoring_signals': the default signals need a target deployment that collects its model inputs and outputs",
          "list monitoring_signals, or deploy with a deployment YAML whose data_collector collects model_inputs and model_outputs"
        );
      }
      const defaults = [
        ["data-drift-signal", { type: "data_drift", features: "all_features", metric_thresholds: DEFAULT_DRIFT_THRESHOLDS }],
        ["prediction-drift-signal", { type: "prediction_drift", metric_thresholds: DEFAULT_DRIFT_THRESHOLDS }],
        ["data-quality-signal", { type: "data_quality", features: "all_features", metric_thresholds: DEFAULT_QUALITY_THRESHOLDS }]
      ];
      const out2 = {};
      for (const [name, s] of defaults) out2[name] = await this.signal(s, path, name);
      return out2;
    }
    const m = t.map(v, path, "must be a map of signal names to signals");
    if (Object.keys(m).length === 0) t.fail(path, "lists no signal");
    const out = {};
    for (const name of Object.keys(m)) out[name] = await this.signal(m[name], [...path, name], name);
    return out;
  }
  async signal(v, path, name) {
    const { t } = this;
    const s = t.map(v, path, "must be a map with a type (data_drift, prediction_drift, data_quality, feature_attribution_drift)");
    if (s.type === void 0) t.fail(path, "a signal needs 'type': data_drift, prediction_drift, data_quality or feature_attribution_drift");
    const type = t.str(s.type, [...path, "type"]).toLowerCase();
    if (Object.hasOwn(OTHER_SIGNAL_TYPES, type)) t.fail([...path, "type"], `'${type}': ${OTHER_SIGNAL_TYPES[type]}`, `supported: ${SIGNAL_TYPES.join(", ")}`);
    if (!SIGNAL_TYPES.includes(type))
      t.fail([...path, "type"], `'${type}' is not a signal type${didYouMean(type, SIGNAL_TYPES)}`, `valid: ${SIGNAL_TYPES.join(", ")}`);
    const base = ["type", "alert_enabled", "reference_data", "production_data", "metric_thresholds"];
    const keys = {
      // azure-ai-ml _schema/monitoring/signals.py: DataDriftSignalSchema, DataQualitySignalSchema, PredictionDriftSignalSchema, FeatureAttributionDriftSignalSchema.
      data_drift: [...base, "properties", "features", "feature_type_override", "data_segment"],
      data_quality: [...base, "properties", "features", "feature_type_override"],
      prediction_drift: [...base, "properties"],
      feature_attribution_drift: base
    };
    t.checkKeys(s, keys[type], path, `${type} signal`);
    if (s.data_segment !== void 0) t.fail([...path, "data_segment"], "data segments are not in the 2024-10-01 API (a preview API feature)");
    const wire = {};
    if (s.alert_enabled !== void 0 && s.alert_enabled !== null) {
      if (typeof s.alert_enabled !== "boolean") t.fail([...path, "alert_enabled"], "must be true or false");
      if (s.alert_enabled) wire.notificationTypes = ["AmlNotification"];
    }
    const props = t.stringMap(s.properties, [...path, "properties"]);
    if (props) wire.properties = props;
    if (type === "feature_attribution_drift") return { signalType: "FeatureAttributionDrift", ...wire, ...await this.featureAttribution(s, path, name) };
    const data = await this.dataPair(s, path, name, type === "prediction_drift" ? "modelOutputs" : "modelInputs");
    Object.assign(wire, data);
    if (type !== "prediction_drift") {
      const features = this.features(s.features, [...path, "features"]);
      if (features) wire.features = features;
      const override = this.featureTypes(s.feature_type_override, [...path, "feature_type_override"]);
      if (override) wire.featureDataTypeOverride = override;
    }
    if (type === "data_quality") {
      wire.metricThresholds = this.qualityThresholds(s.metric_thresholds ?? DEFAULT_QUALITY_THRESHOLDS, [...path, "metric_thresholds"]);
      return { signalType: "DataQuality", ...wire };
    }
    wire.metricThresholds = this.driftThresholds(s.metric_thresholds ?? DEFAULT_DRIFT_THRESHOLDS, [...path, "metric_thresholds"]);
    return { signalType: type === "data_drift" ? "DataDrift" : "PredictionDrift", ...wire };
  }
  /** productionData and referenceData of a drift or quality signal, defaults from the collected data (_resolve_monitor_schedule_arm_id). */
  async dataPair(s, path, name, collected) {
    const { t, o, windows } = this;
    const c = o.collected?.[collected];
    const context = collected === "modelInputs" ? "model_inputs" : "model_outputs";
    if ((s.production_data === void 0 || s.reference_data === void 0) && !c) {
      t.fail(
        path,
        `signal '${name}' needs production_data and reference_data: its monitoring target is not a deployment that collects its ${context.replace("_", " ")}`,
        `give both, or target a deployment whose data_collector collects ${context}`
      );
    }
    const out = {};
    out.productionData = s.production_data !== void 0 ? await this.productionData(s.production_data, [...path, "production_data"]) : rolling(c, context, windows.production, "P0D");
    out.referenceData = s.reference_data !== void 0 ? await this.referenceData(s.reference_data, [...path, "reference_data"]) : rolling(c, context, windows.reference, windows.production);
    return out;
  }
  async featureAttribution(s, path, name) {
    const { t, o, windows } = this;
    if (s.reference_data === void 0) t.fail(path, `signal '${name}' needs reference_data: the training data with its target column`);
    const referenceData = await this.referenceData(s.reference_data, [...path, "reference_data"]);
    let productionData;
    if (s.production_data !== void 0) {
      const pp = [...path, "production_data"];
      const list2 = s.production_data;
      if (!Array.isArray(list2)) return t.fail(pp, "must be a list of production data (model inputs and model outputs)");
      productionData = [];
      for (let i = 0; i < list2.length; i++) productionData.push(await this.productionData(list2[i], [...pp, i], true));
    } else {
      const ins = o.collected?.modelInputs;
      const outs = o.collected?.modelOutputs;
      if (!ins || !outs)
        return t.fail(path, `signal '${name}' needs production_data: its monitoring target is not a deployment that collects its model inputs and outputs`);
      productionData = [rolling(ins, "model_inputs", windows.production, "P0D"), rolling(outs, "model_outputs", windows.production, "P0D")];
    }
    const targetColumn = referenceData.columns?.target_column;
    if (typeof targetColumn !== "string")
      t.fail(
        [...path, "reference_data"],
        "feature attribution drift needs the target column of the reference data",
        "write data_column_names: { target_column: <column> }"
      );
    const threshold = { metric: "NormalizedDiscountedCumulativeGain" };
    if (s.metric_thresholds !== void 0 && s.metric_thresholds !== null) {
      const mp = [...path, "metric_thresholds"];
      const m = t.map(s.metric_thresholds, mp, "must be a map: normalized_discounted_cumulative_gain: <value>");
      t.checkKeys(m, ["normalized_discounted_cumulative_gain"], mp, "feature attribution drift threshold");
      if (m.normalized_discounted_cumulative_gain !== void 0)
        threshold.threshold = { value: t.num(m.normalized_discounted_cumulative_gain, [...mp, "normalized_discounted_cumulative_gain"]) };
    }
    return { productionData, referenceData, featureImportanceSettings: { mode: "Enabled", targetColumn }, metricThreshold: threshold };
  }
  /** production_data \u{2192} RollingInputData (signals.py ProductionData._to_rest_object: a trailing window). */
  async productionData(v, path, featureAttribution = false) {
    const { t, windows } = this;
    const d = t.map(v, path, "must be a map with input_data");
    const keys = ["input_data", "data_context", "pre_processing_component", "data_window", "data_column_names"];
    if (d.data_window_size !== void 0)
      t.fail([...path, "data_window_size"], "is the older spelling of the production window", "write data_window: { lookback_window_size: P7D }");
    t.checkKeys(d, keys, path, "production data");
    const base = await this.inputBase(d, path);
    if (featureAttribution && base.columns) {
      for (const k of Object.keys(base.columns))
        if (!["prediction", "prediction_probability", "correlation_id"].includes(k))
          t.fail(
            [...path, "data_column_names", k],
            `'${k}' is not a column role of feature attribution production data`,
            "valid: prediction, prediction_probability, correlation_id"
          );
    }
    let size = windows.production;
    let offset = "P0D";
    if (d.data_window !== void 0 && d.data_window !== null) {
      const wp = [...path, "data_window"];
      const w = t.map(d.data_window, wp, "must be a map (lookback_window_size, lookback_window_offset)");
      if (w.window_start !== void 0 || w.window_end !== void 0)
        t.fail(wp, "production data takes lookback_window_size and lookback_window_offset, not window_start and window_end (azure-ai-ml ProductionData)");
      t.checkKeys(w, ["lookback_window_size", "lookback_window_offset"], wp, "production data window");
      if (w.lookback_window_size !== void 0 && w.lookback_window_size !== "default")
        size = this.duration(w.lookback_window_size, [...wp, "lookback_window_size"]);
      if (w.lookback_window_offset !== void 0) offset = this.duration(w.lookback_window_offset, [...wp, "lookback_window_offset"]);
    }
    return { inputDataType: "Rolling", ...base, windowSize: size, windowOffset: offset };
  }
  /** reference_data \u{2192} Rolling (a lookback window), Static (window_start and window_end) or Fixed (signals.py ReferenceData._to_rest_object). */
  async referenceData(v, path) {
    const { t, windows } = this;
    const d = t.map(v, path, "must be a map with input_data");
    if (d.target_column_name !== void 0)
      t.fail(
        [...path, "target_column_name"],
        "azure-ai-ml no longer takes target_column_name (its ReferenceData has no such field)",
        "write data_column_names: { target_column: <column> }"
      );
    t.checkKeys(d, ["input_data", "data_context", "pre_processing_component", "data_window", "data_column_names"], path, "reference data");
    const base = await this.inputBase(d, path);
    if (d.data_window !== void 0 && d.data_window !== null) {
      const wp = [...path, "data_window"];
      const w = t.map(d.data_window, wp, "must be a map (lookback_window_size and lookback_window_offset, or window_start and window_end)");
      t.checkKeys(w, ["lookback_window_size", "lookback_window_offset", "window_start", "window_end"], wp, "reference data window");
      if (w.lookback_window_size !== void 0) {
        if (w.window_start !== void 0 || w.window_end !== void 0) t.fail(wp, "a window is either a lookback window or a start and end, not both");
        const size = w.lookback_window_size === "default" ? windows.reference : this.duration(w.lookback_window_size, [...wp, "lookback_window_size"]);
        const offset = w.lookback_window_offset === void 0 ? "P0D" : w.lookback_window_offset === "default" ? windows.production : this.duration(w.lookback_window_offset, [...wp, "lookback_window_offset"]);
        return { inputDataType: "Rolling", ...base, windowSize: size, windowOffset: offset };
      }
      if (w.window_start !== void 0 && w.window_end !== void 0) {
        const start = this.date(w.window_start, [...wp, "window_start"]);
        const end = this.date(w.window_end, [...wp, "window_end"]);
        if (Date.parse(end) <= Date.parse(start)) t.fail([...wp, "window_end"], `${end} is not after the window start ${start}`);
        return { inputDataType: "Static", ...base, windowStart: start, windowEnd: end };
      }
      t.fail(wp, "needs lookback_window_size, or both window_start and window_end");
    }
    if (base.preprocessingComponentId !== void 0)
      t.fail([...path, "pre_processing_component"], "reference data without a data_window is fixed data, which the 2024-10-01 API takes without preprocessing");
    return { inputDataType: "Fixed", ...base };
  }
  /** input_data, data_context, data_column_names, pre_processing_component \u{2192} the MonitoringInputDataBase fields. */
  async inputBase(d, path) {
    const { t } = this;
    if (d.input_data === void 0) t.fail(path, "needs 'input_data' (path and type)");
    const ip = [...path, "input_data"];
    const i = t.map(d.input_data, ip, "must be a map with path and type");
    t.checkKeys(i, ["path", "type"], ip, "monitor input data");
    if (i.path === void 0) t.fail(ip, "needs 'path'");
    const type = i.type === void 0 ? "uri_folder" : t.str(i.type, [...ip, "type"]).toLowerCase();
    if (!INPUT_DATA_TYPES.includes(type))
      t.fail([...ip, "type"], `'${type}' is not a monitor input type${didYouMean(type, INPUT_DATA_TYPES)}`, `valid: ${INPUT_DATA_TYPES.join(", ")}`);
    const out = { jobInputType: type, uri: await assetUri(t, t.str(i.path, [...ip, "path"]), type, [...ip, "path"], `${path.join(".")}.input_data`) };
    if (d.data_context !== void 0) {
      const c = t.str(d.data_context, [...path, "data_context"]).toLowerCase();
      if (!DATA_CONTEXTS.includes(c))
        t.fail([...path, "data_context"], `'${c}' is not a data context${didYouMean(c, DATA_CONTEXTS)}`, `valid: ${DATA_CONTEXTS.join(", ")}`);
      out.dataContext = c;
    }
    const columns = t.stringMap(d.data_column_names, [...path, "data_column_names"]);
    if (columns) out.columns = columns;
    if (d.pre_processing_component !== void 0 && d.pre_processing_component !== null) {
      const cp = [...path, "pre_processing_component"];
      const r = t.ref(t.str(d.pre_processing_component, cp), cp);
      if (r.kind === "asset") out.preprocessingComponentId = await t.assetVersionId("components", r, cp);
      else if (r.kind === "arm-id" || r.kind === "registry") out.preprocessingComponentId = r.kind === "arm-id" ? r.id : r.uri;
      else t.fail(cp, `'${String(d.pre_processing_component)}' is not a component reference`, "write azureml:<component-name>:<version>");
    }
    return out;
  }
  /** features: a list (FeatureSubset), { top_n_feature_importance } (TopNByAttribution) or all_features (signals.py _to_rest_features). */
  features(v, path) {
    const { t } = this;
    if (v === void 0 || v === null) return void 0;
    if (typeof v === "string") {
      if (v.toLowerCase() !== "all_features")
        t.fail(path, `'${v}' is not a feature filter`, "write all_features, a list of feature names, or { top_n_feature_importance: <n> }");
      return { filterType: "AllFeatures" };
    }
    if (Array.isArray(v)) {
      if (v.length === 0) t.fail(path, "lists no feature");
      return { filterType: "FeatureSubset", features: v.map((f, i) => t.str(f, [...path, i])) };
    }
    const m = t.map(v, path, "must be all_features, a list of feature names, or { top_n_feature_importance: <n> }");
    t.checkKeys(m, ["top_n_feature_importance"], path, "feature filter");
    return {
      filterType: "TopNByAttribution",
      top: m.top_n_feature_importance === void 0 ? 10 : t.int(m.top_n_feature_importance, [...path, "top_n_feature_importance"], 1)
    };
  }
  featureTypes(v, path) {
    const m = this.t.stringMap(v, path);
    if (!m) return void 0;
    const out = {};
    for (const [f, type] of Object.entries(m))
      out[f] = this.t.oneOf(type.toLowerCase(), [...path, f], FEATURE_TYPES, "a feature type", "numerical, categorical");
    return out;
  }
  /**
   * Drift thresholds `{ numerical: { <metric>: v }, categorical: { <metric>: v } }` \u{2192} one threshold
   * per data type (thresholds.py DataDriftMetricThreshold: azure-ai-ml sends the first metric set
   * of each type and drops the others; a second one is refused here instead).
   */
  driftThresholds(v, path) {
    const { t } = this;
    const m = t.map(v, path, "must be a map: numerical and/or categorical, each { <metric>: <threshold> }");
    t.checkKeys(m, ["numerical", "categorical"], path, "drift metric thresholds");
    const out = [];
    for (const dataType of ["numerical", "categorical"]) {
      if (m[dataType] === void 0 || m[dataType] === null) continue;
      const dp = [...path, dataType];
      const metrics = t.map(m[dataType], dp, `must be a map: <metric>: <threshold>`);
      const names = Object.keys(metrics);
      if (names.length === 0) continue;
      if (names.length > 1)
        t.fail(
          [...dp, names[1]],
          `a drift signal takes one ${dataType} metric (azure-ai-ml would send only the first, ${names[0]})`,
          "keep one metric per data type"
        );
      const name = names[0];
      const metric = t.oneOf(
        name,
        [...dp, name],
        DRIFT_METRICS[dataType],
        `a ${dataType} drift metric${didYouMean(name, Object.keys(DRIFT_METRICS[dataType]))}`
      );
      out.push({ dataType: FEATURE_TYPES[dataType], metric, threshold: { value: t.num(metrics[name], [...dp, name]) } });
    }
    if (out.length === 0) t.fail(path, "sets no threshold");
    return out;
  }
  /** Data quality thresholds: every metric set, for each data type (thresholds.py DataQualityMetricsNumerical / Categorical). */
  qualityThresholds(v, path) {
    const { t } = this;
    const m = t.map(v, path, "must be a map: numerical and/or categorical, each { <metric>: <threshold> }");
    t.checkKeys(m, ["numerical", "categorical"], path, "data quality metric thresholds");
    const out = [];
    for (const dataType of ["numerical", "categorical"]) {
      if (m[dataType] === void 0 || m[dataType] === null) continue;
      const dp = [...path, dataType];
      const metrics = t.map(m[dataType], dp, `must be a map: <metric>: <threshold>`);
      for (const name of Object.keys(metrics)) {
        const metric = t.oneOf(name, [...dp, name], QUALITY_METRICS, `a data quality metric${didYouMean(name, Object.keys(QUALITY_METRICS))}`);
        out.push({ dataType: FEATURE_TYPES[dataType], metric, threshold: { value: t.num(metrics[name], [...dp, name]) } });
      }
    }
    if (out.length === 0) t.fail(path, "sets no threshold");
    return out;
  }
  duration(v, path) {
    const s = this.t.str(v, path).toUpperCase();
    if (!DURATION.test(s)) this.t.fail(path, `'${String(v)}' is not an ISO 8601 duration`, "write P7D for seven days, PT12H for twelve hours");
    return s;
  }
  date(v, path) {
    const s = v instanceof Date ? v.toISOString() : this.t.str(v, path);
    if (Number.isNaN(Date.parse(s))) this.t.fail(path, `'${s}' is not a date`, "write YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ");
    return s;
  }
};
function rolling(c, context, size, offset) {
  return { inputDataType: "Rolling", jobInputType: c.type, uri: c.uri, dataContext: context, windowSize: size, windowOffset: offset };
}

// src/runs/deploy/monitor.ts
function targetOf(schedule) {
  const action = schedule?.properties?.action;
  const def = isObj(action) && isObj(action.monitorDefinition) ? action.monitorDefinition : void 0;
  const target = def && isObj(def.monitoringTarget) ? def.monitoringTarget : void 0;
  const m = typeof target?.deploymentId === "string" ? /\/onlineEndpoints\/([^/]+)\/deployments\/([^/]+)$/i.exec(target.deploymentId) : null;
  return m ? { endpoint: m[1], deployment: m[2] } : void 0;
}
function collectedBy(dataCollector2) {
  const collections = isObj(dataCollector2) && isObj(dataCollector2.collections) ? dataCollector2.collections : {};
  const one = (name) => {
    const c = collections[name];
    if (!isObj(c) || String(c.dataCollectionMode).toLowerCase() !== "enabled" || typeof c.dataId !== "string") return void 0;
    return { uri: c.dataId, type: "uri_folder" };
  };
  return { modelInputs: one("model_inputs"), modelOutputs: one("model_outputs") };
}
async function checkMonitor(ctx, s, endpoint, planned, log) {
  if (!s.monitorFile) return void 0;
  const doc = SpecDocument.load(s.monitorFile.path, s.monitorFile.display, "monitor-file");
  if (!isMonitorSpec(doc.value))
    throw doc.error(
      [],
      "is not a monitor schedule: it has no 'create_monitor'",
      "give an az ml schedule YAML with create_monitor (azureml-examples cli/monitoring)"
    );
  const written = writtenMonitorTarget(doc, doc.value);
  if (written && written.endpoint !== endpoint) {
    throw doc.error(
      written.path,
      `monitors endpoint '${written.endpoint}', but this step deploys to endpoint '${endpoint}'`,
      `write azureml:${endpoint}:<deployment> (deploy points the monitor at the deployment it promotes), or remove endpoint_deployment_id`
    );
  }
  const name = doc.value.name;
  if (typeof name !== "string")
    throw doc.error([], "a monitor schedule needs 'name': deploy creates the schedule of that name, and updates it on later rollouts");
  const dataCollector2 = planned.body.properties.dataCollector;
  if (isObj(dataCollector2)) collectionDataAssets(dataCollector2, ctx.workspaceId, endpoint, planned.deploymentName);
  const api = createWorkspaceApi(ctx.arm);
  await planMonitor(doc, s.monitorFile.path, doc.value, {
    workspaceId: ctx.workspaceId,
    resolver: api,
    target: { endpoint, deployment: planned.deploymentName },
    collected: collectedBy(dataCollector2)
  });
  const existing = await createSchedulesApi(ctx.arm).getSchedule(name);
  if (existing) {
    const action = existing.properties?.action;
    const type = isObj(action) ? String(action.actionType) : "unknown";
    if (type.toLowerCase() !== "createmonitor")
      throw doc.error(["name"], `schedule '${name}' exists and is not a monitor (its action is ${type})`, "give the monitor another name");
    const was = targetOf(existing);
    if (was && was.endpoint !== endpoint)
      throw doc.error(
        ["name"],
        `schedule '${name}' exists and monitors endpoint '${was.endpoint}' (deployment ${was.deployment})`,
        "give the monitor of this endpoint another name"
      );
    log.info(`Monitor ${name}: monitors ${was ? `deployment ${was.deployment}` : "no deployment"} now; it will monitor the deployment promoted`);
  } else {
    log.info(`Monitor ${name}: not there yet; it will be created for the deployment promoted`);
  }
  return { doc, file: s.monitorFile.path, name, existing };
}
async function registerCollectedData(ctx, planned, endpoint, log) {
  const dataCollector2 = planned.body.properties.dataCollector;
  if (!isObj(dataCollector2)) return;
  const api = createWorkspaceApi(ctx.arm);
  for (const a of collectionDataAssets(dataCollector2, ctx.workspaceId, endpoint, planned.deploymentName)) {
    if (await api.getAssetVersion("data", a.name, a.version)) {
      log.info(`Data collection ${a.collection}: data asset ${a.name}:${a.version} exists`);
      continue;
    }
    await api.putAssetVersion("data", a.name, a.version, { properties: { dataType: "uri_folder", dataUri: a.path } });
    log.info(`Data collection ${a.collection}: registered data asset ${a.name}:${a.version} (${a.path})`);
  }
}
async function applyMonitor(ctx, eps, m, endpoint, deployment, io) {
  const dep = await eps.getDeployment(endpoint, deployment);
  const plan = await planMonitor(m.doc, m.file, m.doc.value, {
    workspaceId: ctx.workspaceId,
    resolver: createWorkspaceApi(ctx.arm),
    target: { endpoint, deployment },
    collected: collectedBy(dep?.properties?.dataCollector)
  });
  for (const w of plan.warnings) io.warning(w);
  if (plan.uploads.length > 0) {
    const uploader = createSnapshotUploader(() => createBlobStore(ctx));
    for (const up of plan.uploads) if (!await uploader.hasSnapshot(up.datastorePath, up.snapshot)) await uploader.upload(up.datastorePath, up.snapshot);
  }
  const schedules = createSchedulesApi(ctx.arm);
  const before = await schedules.getSchedule(m.name);
  const previous = targetOf(before)?.deployment;
  try {
    await schedules.putSchedule(m.name, plan.body);
  } catch (err) {
    throw new Error(
      `${deployment} was promoted and serves endpoint ${endpoint}, but monitor schedule ${m.name} was not ${before ? "updated" : "created"}: ${errorMessage(err)}`,
      { cause: err }
    );
  }
  const action = plan.body.properties.action;
  const signals = Object.keys(action.monitorDefinition.signals);
  io.info(
    before ? `Monitor ${m.name} updated: it monitors ${deployment}${previous && previous !== deployment ? ` (was ${previous})` : ""}; signals ${signals.join(", ")}` : `Monitor ${m.name} created: it monitors ${deployment}; signals ${signals.join(", ")}`
  );
  io.setOutput("monitor-name", m.name);
  appendLedger({
    kind: "monitor",
    action: "deploy",
    name: m.name,
    endpoint,
    deployment,
    ...previous && previous !== deployment ? { previousDeployment: previous } : {},
    created: !before,
    signals
  });
}

// src/runs/deploy.ts
async function connect(reader, env, log, override) {
  const azure = { ...await readAzureInputs(reader, { env }), ...override ?? {} };
  const ctx = await createAzureContext(azure, { actionName: "deploy", info: (m) => log.info(m) });
  return { ctx, azure };
}
async function resolveModel(ctx, ref) {
  const r = parseReference(ref);
  if (r.kind === "arm-id") {
    const m = /\/models\/([^/]+)\/versions\/([^/]+)$/.exec(r.id);
    if (!m) throw new ConfigurationError(`Input 'model': '${ref}' is not a model version id`, { input: "model" });
    return { id: r.id, name: m[1], version: m[2] };
  }
  if (r.kind !== "asset")
    throw new ConfigurationError(`Input 'model': '${ref}' is not a workspace model reference`, {
      input: "model",
      hint: "azureml:<name>:<version> or azureml:<name>@<alias>"
    });
  const base = `models/${encodeURIComponent(r.name)}`;
  if (r.version) {
    const v = await withAzureOperation(
      `reading model ${r.name}:${r.version}`,
      () => ctx.arm.tryGet(`${base}/versions/${encodeURIComponent(r.version)}`)
    );
    if (!v) throw new ConfigurationError(`Input 'model': model ${r.name} has no version ${r.version}`, { input: "model" });
    return { id: String(v.id), name: r.name, version: r.version };
  }
  const label = r.label ?? "latest";
  let best;
  await withAzureOperation(`listing the versions of model '${r.name}'`, async () => {
    for await (const v of ctx.arm.list(`${base}/versions`)) {
      if (label === "latest") {
        if (!best || Number(v.name) > Number(best.name)) best = v;
      } else if (v.properties?.tags?.[`${MODEL_ALIAS_TAG_PREFIX}${label}`] !== void 0) {
        best = v;
      }
    }
  });
  if (!best)
    throw new ConfigurationError(`Input 'model': no version of model ${r.name} ${label === "latest" ? "exists" : `holds the alias @${label}`}`, {
      input: "model"
    });
  return { id: String(best.id), name: r.name, version: String(best.name) };
}
function derivedName(model, version, taken) {
  const base = `${model}-v${version}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^[^a-z]+/, "m-").replace(/-+/g, "-");
  let name = base.slice(0, 32).replace(/-+$/, "");
  if ((taken[name] ?? 0) > 0) name = `${name.slice(0, 28)}-new`.replace(/-+/g, "-");
  return name.length >= 3 ? name : `${name}-dep`;
}
async function planNewDeployment(t, s) {
  const api = createWorkspaceApi(t.ctx.arm);
  let plan;
  if (s.deploymentFile) {
    const doc = SpecDocument.load(s.deploymentFile.path, s.deploymentFile.display, "deployment-file");
    const m = s.model ? await resolveModel(t.ctx, s.model) : void 0;
    const spec = m && typeof doc.value === "object" && doc.value !== null ? { ...doc.value, model: `azureml:${m.id}` } : doc.value;
    const templated = doc.withValue(spec);
    plan = await planDeployment(templated, s.deploymentFile.path, { workspaceId: t.ctx.workspaceId, resolver: api, endpointName: t.endpointName });
    if (m && !plan.name) plan.name = derivedName(m.name, m.version, {});
  } else {
    const m = await resolveModel(t.ctx, s.model);
    plan = {
      name: void 0,
      body: { sku: { name: "Default", capacity: s.instanceCount }, properties: { endpointComputeType: "Managed", model: m.id, instanceType: s.instanceType } },
      uploads: [],
      assets: [],
      modelId: m.id
    };
    plan.name = derivedName(m.name, m.version, {});
  }
  const deploymentName = s.deploymentName ?? plan.name ?? derivedName("model", "1", {});
  const bad = checkDeploymentName(deploymentName);
  if (bad) throw new ConfigurationError(`deployment name '${deploymentName}' is not valid`, { input: "deployment-name", hint: bad });
  return { ...plan, deploymentName };
}
function scoringTimeout(deploymentBody) {
  const iso2 = String((deploymentBody?.properties?.requestSettings ?? {}).requestTimeout ?? "");
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(iso2);
  const ms = m ? ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1e3 : 0;
  return Math.max(2e4, ms + 5e3);
}
function endpointsFor(ctx, plan, log) {
  return new OnlineEndpoints(ctx.arm, { log: (m) => log.info(m), readyTimeoutInMs: Math.min(DEFAULT_READY_TIMEOUT_IN_MS, plan.maxDurationInMs) });
}
function eventLogger(log) {
  return (e) => {
    if (e.kind === "warning") log.warning(`[${e.phase}] ${e.message}`);
    else log.info(`[${e.phase}] ${e.message}`);
  };
}
function statusPath(env, endpoint, deployment) {
  return join(env.RUNNER_TEMP ?? process.cwd(), "azureml-actions", `rollout-${endpoint}-${deployment}.json`);
}
function providersFor(t, s, plan, ep, deploymentBody, abortSignal) {
  const authMode = String(ep.properties?.authMode ?? "Key");
  const auth = scoringAuth(t.eps, t.endpointName, authMode, (secret) => t.io.setSecret(secret), {
    credential: t.ctx.credential,
    scope: scoringScope(t.ctx.cloud.name)
  });
  let scoringUri = String(ep.properties?.scoringUri ?? "");
  const uri = async () => {
    if (!scoringUri) scoringUri = String((await t.eps.getEndpoint(t.endpointName))?.properties?.scoringUri ?? "");
    return scoringUri;
  };
  const probeBody = s.smokeRequests[0]?.body;
  const scoring = { tryTimeoutInMs: scoringTimeout(deploymentBody) };
  const kubernetes = typeof ep.properties?.compute === "string" && ep.properties.compute !== "";
  const providers = {
    router: createTrafficRouter(t.eps, t.endpointName, abortSignal),
    signals: kubernetes ? kubernetesSignals(plan.probeRps > 0) : createMonitorSignals(t.eps, String(ep.id), { delayMs: plan.metricsDelayInMs }),
    deployments: createDeploymentOps(t.eps, t.endpointName, uri, auth, probeBody, scoring)
  };
  if (deploymentBody) providers.provisioner = createProvisioner(t.eps, t.endpointName, deploymentBody, (m) => t.io.info(m));
  if (s.smokeRequests.length > 0)
    providers.smoke = createSmokeTester(
      uri,
      auth,
      { requests: s.smokeRequests, expect: s.smokeExpect, maxLatencyMs: s.smokeMaxLatencyMs },
      (m) => t.io.info(m),
      scoring
    );
  if (plan.probeRps > 0 && probeBody) providers.probe = createProbeDriver(uri, auth, probeBody);
  return providers;
}
function missingEndpoint(t) {
  throw new ConfigurationError(`endpoint '${t.endpointName}' does not exist in workspace ${t.ctx.workspace.workspaceName}`, {
    input: "endpoint",
    hint: "give the path of an az ml online-endpoint YAML to create it, or the name of an existing endpoint"
  });
}
async function ensureEndpoint(t, abortSignal) {
  const ep = await t.eps.getEndpoint(t.endpointName);
  if (!ep) {
    if (!t.endpointPlan) missingEndpoint(t);
    const ws = await t.ctx.arm.get("");
    t.io.info(`Creating endpoint ${t.endpointName} (auth ${String(t.endpointPlan.body.properties.authMode)})`);
    await t.eps.createEndpoint(t.endpointName, { location: ws.location, ...t.endpointPlan.body });
  }
  return t.eps.waitReady(t.endpointName, abortSignal);
}
async function deployMain(deps) {
  const env = deps.env ?? process.env;
  const { io } = deps;
  const run = readWorkflowRun(env);
  const s = readDeployInputs(deps.reader, run.workspace);
  const endpointDoc = s.endpointFile ? SpecDocument.load(s.endpointFile.path, s.endpointFile.display, "endpoint") : void 0;
  const batchFile = endpointDoc !== void 0 && endpointKindOf(endpointDoc.value) === "batch";
  const endpointPlan = endpointDoc && !batchFile ? planEndpoint(endpointDoc) : void 0;
  const { ctx, azure } = await connect(deps.reader, env, io);
  if (batchFile || !endpointDoc && await isBatchEndpointName(ctx, s.endpointName)) {
    const workspace2 = { subscriptionId: azure.subscriptionId, resourceGroup: azure.resourceGroup, workspaceName: azure.workspaceName };
    return deployBatchMain({ ctx, io, s, run, workspace: workspace2, abortSignal: deps.abortSignal }, endpointDoc, s.endpointName, batchHooks);
  }
  assertRoomForBakes(s.plan);
  if (endpointPlan) setEndpointCompute(endpointPlan, ctx.workspaceId);
  const eps = endpointsFor(ctx, s.plan, io);
  const t = { io, ctx, eps, endpointName: endpointPlan?.name ?? s.endpointName, endpointPlan };
  const pre = await io.group("Preflight", () => preflight(t, s, env, run, endpointDoc, deps.abortSignal));
  const monitor = await checkMonitor(ctx, s, t.endpointName, pre.planned, io);
  if (pre.promotedEarlier && pre.existing) {
    const done = await finishPromotedEarlier(t, s, pre.planned.deploymentName, pre.promotedEarlier, pre.existing);
    if (monitor) await applyMonitor(ctx, eps, monitor, t.endpointName, done.deployment, io);
    return done;
  }
  const ep = await ensureEndpoint(t, deps.abortSignal);
  await createAssets(t, pre.planned);
  await registerCollectedData(ctx, pre.planned, t.endpointName, io);
  const workspace = { subscriptionId: azure.subscriptionId, resourceGroup: azure.resourceGroup, workspaceName: azure.workspaceName };
  const saved = {
    workspace,
    endpointName: t.endpointName,
    priorTraffic: pre.prior.traffic,
    priorMirrorTraffic: pre.prior.mirror,
    deploymentName: pre.planned.deploymentName,
    machine: { statusPath: pre.path }
  };
  io.state.saveRollout({ ...saved, settled: false });
  const deploymentBody = {
    location: ep.location,
    ...pre.planned.body,
    tags: { ...pre.planned.body.tags ?? {}, ...rolloutTags(run, pre.prior) }
  };
  const plan = pre.k8s?.plan ?? s.plan;
  const providers = providersFor(t, s, plan, ep, deploymentBody, deps.abortSignal);
  const result = await runRollout(plan, providers, {
    deployment: pre.planned.deploymentName,
    kubernetes: pre.k8s !== void 0,
    store: fileStatusStore(pre.path),
    abortSignal: deps.abortSignal,
    onEvent: eventLogger(io)
  });
  io.state.saveRollout({ ...saved, settled: true });
  await report(result, t, ep);
  if (result.outcome !== "promoted") {
    throw new Error(
      `rollout of ${pre.planned.deploymentName} on ${t.endpointName} ${result.outcome === "rolled-back" ? "was rolled back" : "failed"}: ${result.reason ?? "no reason given"}${result.traffic ? ` (traffic now ${formatTrafficState(result.traffic)})` : ""}`
    );
  }
  if (monitor) await applyMonitor(ctx, eps, monitor, t.endpointName, result.deployment, io);
  return result;
}
async function preflight(t, s, env, run, endpointDoc, abortSignal) {
  const { io, eps, endpointPlan } = t;
  const planned = await planNewDeployment(t, s);
  if (s.manifest !== void 0) io.info(await verifyDeploymentManifest(t.ctx, s.manifest, planned, abortSignal));
  const existing = await eps.getEndpoint(t.endpointName);
  if (!existing && !endpointPlan) missingEndpoint(t);
  let prior = existing ? trafficOf(existing) : { traffic: {}, mirror: {} };
  const path = statusPath(env, t.endpointName, planned.deploymentName);
  const takesTraffic = (p) => trafficPercent(p.traffic, planned.deploymentName) > 0 || trafficPercent(p.mirror ?? {}, planned.deploymentName) > 0;
  if (takesTraffic(prior)) {
    const stored = await fileStatusStore(path).load();
    if (stored && stored.deployment === planned.deploymentName && !isTerminal(stored.phase) && stored.prior) {
      io.info(`Resuming the interrupted rollout of ${planned.deploymentName} (${path}); its rollback point: ${formatTrafficState(stored.prior)}`);
      prior = stored.prior;
    } else {
      const recovered = await recoverInterruptedRollout(eps, t.endpointName, planned.deploymentName, run, prior, (m) => io.info(m));
      if (recovered?.kind === "restored") prior = recovered.prior;
      else if (recovered && existing) return { planned, existing, prior, path, promotedEarlier: recovered };
    }
  }
  if (endpointDoc && endpointPlan?.declaredTraffic) {
    const names = existing ? (await eps.listDeployments(t.endpointName)).map((d) => String(d.name)) : [];
    checkDeclaredTraffic(endpointDoc, endpointPlan, prior, names, planned.deploymentName);
  }
  const k8s = await checkKubernetesTarget({
    ctx: t.ctx,
    endpointName: t.endpointName,
    endpointDoc,
    endpointPlan,
    existing,
    planned,
    fromModelOnly: !s.deploymentFile,
    plan: s.plan
  });
  assertValidTraffic(prior, { kubernetes: k8s !== void 0 });
  if (takesTraffic(prior)) {
    throw new ConfigurationError(
      `deployment '${planned.deploymentName}' holds traffic on endpoint ${t.endpointName} (${formatTrafficState(prior)}): a rollout never replaces the deployment that serves`,
      {
        input: s.deploymentName ? "deployment-name" : s.deploymentFile ? "deployment-file" : "model",
        hint: "give the new deployment another name (deployment-name)"
      }
    );
  }
  io.info(`Endpoint ${t.endpointName}: ${existing ? `traffic ${formatTrafficState(prior)} (the rollback point)` : "not there yet: it will be created"}`);
  io.info(`New deployment ${planned.deploymentName}: model ${planned.modelId}`);
  if (k8s) io.info(kubernetesHealthNote(k8s));
  return { planned, existing, prior, path, ...k8s ? { k8s } : {} };
}
var batchHooks = {
  resolveModel,
  createAssets: (ctx, io, planned) => createAssets({ ctx, io }, planned),
  derivedName: (model, version) => derivedName(model, version, {})
};
async function createAssets(t, planned) {
  const api = createWorkspaceApi(t.ctx.arm);
  const uploader = createSnapshotUploader(() => createBlobStore(t.ctx));
  for (const up of planned.uploads) {
    if (planned.assets.some((a) => a.upload === up)) continue;
    if (!await uploader.hasSnapshot(up.datastorePath, up.snapshot)) await uploader.upload(up.datastorePath, up.snapshot);
  }
  const stats = { files: 0, bytes: 0, reused: 0 };
  const order = { codes: 0, environments: 1, models: 1, components: 2 };
  for (const a of [...planned.assets].sort((x, y) => order[x.kind] - order[y.kind])) await ensureAsset(api, uploader, a, t.io, stats);
}
async function showProvisionLogs(result, io) {
  const text = result.status.provisionLogs;
  if (!text) return;
  await printUntrusted(io, `Logs of ${result.deployment} (getLogs)`, text);
}
async function finishPromotedEarlier(t, s, deployment, r, ep) {
  const now = Date.now();
  const status = createRolloutStatus(deployment, now);
  Object.assign(status, { phase: "Succeeded", outcome: "promoted", prior: r.prior, expected: r.traffic, written: true, weight: 100, endedAt: now });
  status.timeline.push({
    at: now,
    phase: "Succeeded",
    kind: "promote",
    message: `'${deployment}' was promoted by an earlier try of this workflow run (its runner stopped before the step ended)`
  });
  if (s.plan.oldDeployments.mode === "delete") {
    const ops = createDeploymentOps(t.eps, t.endpointName, async () => "", { header: async () => void 0 });
    for (const name of r.leftovers) {
      await ops.delete(name).then(
        () => status.timeline.push({ at: Date.now(), phase: "Succeeded", kind: "cleanup", message: `deleted old deployment '${name}'` }),
        (e) => t.io.warning(`could not delete old deployment '${name}': ${errorMessage(e)}`)
      );
    }
  }
  const result = {
    outcome: "promoted",
    phase: "Succeeded",
    deployment,
    prior: r.prior,
    traffic: r.traffic,
    timeline: buildTimeline(status),
    status
  };
  await report(result, t, ep);
  return result;
}
async function report(result, t, ep) {
  const { io } = t;
  await showProvisionLogs(result, io);
  const scoring = String(ep.properties?.scoringUri ?? "");
  io.setOutput("status", result.outcome);
  io.setOutput("deployment-name", result.deployment);
  io.setOutput("scoring-uri", scoring);
  io.setOutput("traffic", JSON.stringify(result.traffic ?? {}));
  io.setOutput("timeline", JSON.stringify(result.timeline));
  await io.group("Rollout timeline", async () => {
    for (const line of formatTimeline(result.timeline)) io.info(line);
  });
  appendLedger({
    kind: "rollout",
    action: "deploy",
    endpoint: t.endpointName,
    deployment: result.deployment,
    status: result.outcome,
    timeline: result.timeline
  });
  const rows = result.timeline.stages.map((st) => [
    escapeText(st.name),
    `${st.weight}%${st.mirrorPercent ? ` (+${st.mirrorPercent}% mirror)` : ""}`,
    String(st.checks.length),
    escapeText(st.result)
  ]);
  const table = htmlTable(["stage", "weight", "checks", "result"], rows);
  await io.appendSummary(
    `<h3>${escapeText(`Rollout of ${result.deployment} on ${t.endpointName}: ${result.outcome}`)}</h3>
${table}
${result.reason ? `Reason: ${escapeText(result.reason)}` : ""}
`
  ).catch(() => void 0);
}
async function deployPost(deps) {
  const { io } = deps;
  const saved = io.state.loadRollout();
  if (!saved || saved.settled) return;
  const env = deps.env ?? process.env;
  const batch = batchMachineOf(saved);
  const path = saved.machine?.statusPath;
  if (!path && !batch) return;
  const s = readDeployInputs(deps.reader, readWorkflowRun(env).workspace);
  const { ctx } = await connect(deps.reader, env, io, saved.workspace);
  if (batch) return deployBatchPost(ctx, io, s, saved, batch);
  if (!path) return;
  const eps = endpointsFor(ctx, s.plan, io);
  const t = { io, ctx, eps, endpointName: saved.endpointName };
  const ep = await eps.getEndpoint(saved.endpointName);
  if (!ep) return;
  const plan = readRolloutPlan(deps.reader);
  io.info(`The workflow stopped during the rollout of ${saved.deploymentName} on ${saved.endpointName}: restoring the prior traffic.`);
  const result = await rollbackOnCancel(plan, providersFor(t, s, plan, ep, void 0), { store: fileStatusStore(path), onEvent: eventLogger(io) });
  if (!result) return;
  await report(result, t, ep);
  io.info(`Rollout ${result.outcome}: traffic ${result.traffic ? formatTrafficState(result.traffic) : "unknown"}`);
}

export {
  deployMain,
  deployPost
};
