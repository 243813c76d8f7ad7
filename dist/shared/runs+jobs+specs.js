const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { isAbsolute, relative, resolve } = require("node:path");
const { createHash } = require("node:crypto");
const { createHash: createHash2 } = require("node:crypto");
import {
  SpecDocument,
  createSchedulesApi,
  describeTrigger,
  isScheduleSpec,
  nextRunTimes,
  planJob,
  planSchedule,
  printUntrusted,
  stableJson
} from "./specs.js";
import {
  require_dist
} from "./yaml.js";
import {
  createBlobStore,
  createDryRun,
  createSnapshotUploader,
  createWorkspaceApi,
  formatBytes,
  prepareJob,
  submitPlannedJob
} from "./ignore+azure+jobs.js";
import {
  closest,
  createWorkspaceMlflowClient,
  trackingUriOf
} from "./metrics.mlflow.js";
import {
  createAzureContext,
  readAzureInputs
} from "./azure.credentials.js";
import {
  createArmClient,
  workspaceResourceId
} from "./azure.arm.js";
import {
  appendLedger,
  escapeText,
  link
} from "./core.escape.js";
import {
  lineageTags,
  readWorkflowRun
} from "./core.workflow-run.js";
import {
  isObj
} from "./core.obj.js";
import {
  setSecret
} from "./actions.js";
import {
  ConfigurationError
} from "./core.errors.js";
import {
  __toESM
} from "./esbuild-runtime.js";

// src/runs/inputs/submit-job.ts

// src/specs/names.ts
var JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;
function slug(s, max) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, max).replace(/-+$/, "");
}
function deterministicJobName(run, jobFile, extra = "") {
  const repo = slug(run.repository.split("/").pop() ?? run.repository, 40) || "repo";
  const stem = slug(
    jobFile.replace(/\\/g, "/").split("/").pop()?.replace(/\.ya?ml$/i, "") ?? "job",
    40
  ) || "job";
  const hash = createHash("sha256").update(`${run.repository}\0${jobFile}\0${run.runId}\0${run.runAttempt}\0${extra}`).digest("hex").slice(0, 8);
  return `${repo}-${stem}-${slug(run.runId, 20)}-${slug(run.runAttempt, 4)}-${hash}`;
}

// src/runs/inputs/submit-job.ts
function readSubmitJobInputs(reader, workspace) {
  const file = reader.required("job-file");
  const jobFile = isAbsolute(file) ? file : resolve(workspace, file);
  const rel = relative(workspace, jobFile);
  const name = reader.optional("name");
  if (name !== void 0 && !JOB_NAME.test(name)) {
    throw new ConfigurationError(`Input 'name': '${name}' is not a valid job name.`, {
      input: "name",
      hint: "letters, digits, - and _, starting with a letter or digit, at most 255 characters"
    });
  }
  return {
    jobFile,
    jobFileDisplay: rel.startsWith("..") ? file : rel,
    set: reader.optional("set") ?? "",
    name,
    experimentName: reader.optional("experiment-name"),
    displayName: reader.optional("display-name"),
    tags: reader.keyValues("tags"),
    wait: reader.boolean("wait", true),
    timeoutMs: reader.duration("timeout"),
    cancelOnTimeout: reader.boolean("cancel-on-timeout", true),
    dryRun: reader.boolean("dry-run", false),
    scheduleEnabled: reader.optional("schedule-enabled") === void 0 ? void 0 : reader.boolean("schedule-enabled", true)
  };
}

// src/runs/submit-job/schedule.ts

// src/jobs/estimate.ts
var JOB_FILE_TAG = "azureml-actions.job_file";
var HISTORY_RUNS = 5;
function estimateFromDurations(durations) {
  const ok = durations.filter((d) => Number.isFinite(d) && d > 0).sort((a, b) => a - b);
  if (ok.length === 0) return void 0;
  const mid = ok.length >> 1;
  const medianMs = ok.length % 2 === 1 ? ok[mid] : (ok[mid - 1] + ok[mid]) / 2;
  const spreadMs = Math.max(...ok.map((d) => Math.abs(d - medianMs)));
  return { medianMs, spreadMs, samples: ok.length };
}
var DEFAULT_ESTIMATE_TUNING = {
  minWindowMs: 3e3,
  maxWindowMs: 6e4,
  nearMs: 1500,
  capDivisor: 6,
  floorMs: 15e3,
  ceilingMs: 6e4
};
function endEstimate(createdAt, d, t = DEFAULT_ESTIMATE_TUNING) {
  const windowMs = Math.min(t.maxWindowMs, Math.max(t.minWindowMs, d.spreadMs * 1.5, d.medianMs * 0.02));
  const maxMs = Math.min(t.ceilingMs, Math.max(t.floorMs, d.medianMs / t.capDivisor));
  return { endAt: createdAt + d.medianMs, windowMs, maxMs, nearMs: t.nearMs };
}
function durationsOf(runs) {
  return runs.filter((r) => r.status === void 0 || r.status === "FINISHED").filter((r) => typeof r.start_time === "number" && typeof r.end_time === "number").sort((a, b) => b.start_time - a.start_time).map((r) => r.end_time - r.start_time);
}
function literal(value) {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
function pastRunsFilter(jobFileKey2) {
  return `tags.\`${JOB_FILE_TAG}\` = ${literal(jobFileKey2)}`;
}
var SEARCHED_RUNS = 4 * HISTORY_RUNS;
async function estimateJobEnd(reader, jobName2, jobFileKey2, createdAt, tuning) {
  const run = await reader.getRun(jobName2);
  const past = await reader.searchRuns([run.info.experiment_id], {
    filter: pastRunsFilter(jobFileKey2),
    // `start_time` as a run field: the ordering the support matrix lists as supported on Azure ML.
    orderBy: ["start_time DESC"],
    maxResults: SEARCHED_RUNS
  });
  const basis = estimateFromDurations(durationsOf(past.filter((r) => r.info.run_id !== jobName2).map((r) => r.info)).slice(0, HISTORY_RUNS));
  if (!basis) return void 0;
  return { estimate: endEstimate(createdAt, basis, tuning), basis };
}

// src/specs/overrides.ts
var import_yaml = __toESM(require_dist(), 1);
var OPEN_MAPS = /* @__PURE__ */ new Set(["tags", "properties", "environment_variables", "inputs", "outputs", "settings"]);
function parseOverrides(text, input = "set") {
  const out = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const eq = line.indexOf("=");
    if (eq <= 0) {
      throw new ConfigurationError(`input '${input}' line ${i + 1}: '${line}' is not path=value`, {
        input,
        hint: "one override per line, e.g. inputs.epochs=20"
      });
    }
    const pathText = line.slice(0, eq).trim();
    const path = [];
    for (const seg of pathText.split(".")) {
      const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(seg);
      if (!m)
        throw new ConfigurationError(`input '${input}' line ${i + 1}: '${pathText}' is not a valid path`, {
          input,
          hint: "dotted keys with optional [index], e.g. jobs.train.inputs.lr or search_space.lr.values[0]"
        });
      path.push(m[1]);
      for (const idx of m[2].matchAll(/\[(\d+)\]/g)) path.push(Number(idx[1]));
    }
    let value;
    const valueText = line.slice(eq + 1).trim();
    try {
      value = valueText === "" ? "" : (0, import_yaml.parse)(valueText);
    } catch {
      value = valueText;
    }
    out.push({ path, value, line: i + 1, text: line });
  });
  return out;
}
function applyOverrides(spec, overrides, input = "set") {
  const root = structuredClone(spec);
  for (const o of overrides) {
    let node = root;
    for (let i = 0; i < o.path.length - 1; i++) {
      const seg = o.path[i];
      const next = node?.[seg];
      if (typeof next !== "object" || next === null) {
        throw notFound(o, i, node, input);
      }
      node = next;
    }
    const last = o.path[o.path.length - 1];
    const parentKey = o.path[o.path.length - 2];
    if (Array.isArray(node)) {
      if (typeof last !== "number" || last >= node.length) throw notFound(o, o.path.length - 1, node, input);
      node[last] = o.value;
      continue;
    }
    const obj = node;
    if (!(String(last) in obj) && !(typeof parentKey === "string" && OPEN_MAPS.has(parentKey))) {
      throw notFound(o, o.path.length - 1, node, input);
    }
    obj[String(last)] = o.value;
  }
  return root;
}
function notFound(o, depth, node, input) {
  const shown = o.path.slice(0, depth + 1).map((p) => typeof p === "number" ? `[${p}]` : p).join(".").replace(/\.\[/g, "[");
  const keys = typeof node === "object" && node !== null && !Array.isArray(node) ? Object.keys(node) : [];
  const near = typeof o.path[depth] === "string" ? closest(String(o.path[depth]), keys) : void 0;
  return new ConfigurationError(`input '${input}' line ${o.line}: '${shown}' does not exist in the job file${near ? ` (did you mean '${near}'?)` : ""}`, {
    input,
    hint: keys.length ? `keys there: ${keys.join(", ")}` : "set can change existing fields and add entries to tags, properties, environment_variables, inputs and outputs"
  });
}

// src/runs/submit-job/schedule.ts
var SPEC_DIGEST_PROPERTY = "azureml-actions.spec_sha256";
var NEXT_RUNS = 5;
function refuseJobInputs(s) {
  const jobOnly = [
    ["experiment-name", s.experimentName],
    ["display-name", s.displayName]
  ];
  for (const [input, value] of jobOnly) {
    if (value !== void 0) {
      throw new ConfigurationError(`Input '${input}' applies to a job file; ${s.jobFileDisplay} is a schedule`, {
        input,
        hint: "set it in the schedule YAML instead (create_job's experiment_name, the schedule's display_name), or with the set input"
      });
    }
  }
}
async function plan(step, workspaceId, api) {
  const { settings, run, doc } = step;
  refuseJobInputs(settings);
  const spec = applyOverrides(doc.value, parseOverrides(settings.set));
  const p = await planSchedule(doc, settings.jobFile, spec, { workspaceId, resolver: api });
  for (const w of p.warnings) step.io.warning(w);
  const name = settings.name ?? p.yamlName;
  if (!name) {
    throw new ConfigurationError(`${settings.jobFileDisplay}: a schedule needs a name (the YAML 'name' or the name input)`, {
      input: "job-file",
      hint: "a schedule keeps its name across runs: that is how a second run finds and updates it"
    });
  }
  const props = structuredClone(p.body.properties);
  props.isEnabled = settings.scheduleEnabled ?? props.isEnabled ?? true;
  props.tags = { ...props.tags, ...settings.tags };
  const def = props.action.jobDefinition;
  if (typeof def.sourceJobId !== "string") def.tags = { ...isObj(def.tags) ? def.tags : {}, [JOB_FILE_TAG]: `${run.repository}:${settings.jobFileDisplay}` };
  const digest = createHash2("sha256").update(stableJson(props)).digest("hex");
  props.properties = { ...props.properties, [SPEC_DIGEST_PROPERTY]: digest };
  return { name, plan: p, body: { properties: props } };
}
function holds(actual, wanted) {
  if (wanted === null || wanted === void 0) return actual === null || actual === void 0;
  if (Array.isArray(wanted)) return Array.isArray(actual) && actual.length === wanted.length && wanted.every((w, i) => holds(actual[i], w));
  if (isObj(wanted)) return isObj(actual) && Object.entries(wanted).every(([k, w]) => holds(actual[k], w));
  return actual === wanted;
}
function unchanged(existing, body) {
  if (!existing?.properties) return false;
  const stored = existing.properties.properties;
  return stored?.[SPEC_DIGEST_PROPERTY] === body.properties.properties[SPEC_DIGEST_PROPERTY] && holds(existing.properties, body.properties);
}
function nextRuns(props, createdAt, justCreated) {
  if (props.isEnabled === false) return [];
  const after = justCreated ? new Date(createdAt.getTime() - 1) : /* @__PURE__ */ new Date();
  return nextRunTimes(props.trigger, { after, createdAt, count: NEXT_RUNS }).map((d) => d.toISOString());
}
async function upload(api, uploader, p, io) {
  const stats = await prepareJob(api, uploader, p.job, io);
  if (stats.files > 0 || stats.reused > 0)
    io.info(`Job files: uploaded ${stats.files} files (${formatBytes(stats.bytes)}), reused ${stats.reused} unchanged upload(s)`);
}
function publish(io, step, s) {
  io.setOutput("schedule-name", s.name);
  io.setOutput("schedule-next-runs", JSON.stringify(s.runs));
  io.setOutput("schedule-status", s.status);
  appendLedger({
    kind: "schedule",
    action: "submit-job",
    name: s.name,
    // As the YAML names it (`type: command`), not the wire's `Command`.
    jobType: s.jobType.toLowerCase(),
    status: s.status,
    enabled: s.props.isEnabled !== false,
    ...s.props.trigger ? { trigger: describeTrigger(s.props.trigger) } : {},
    nextRuns: s.runs,
    jobFile: step.settings.jobFileDisplay
  });
}
async function dryRun(step) {
  const { azure, io } = step;
  const workspaceId = workspaceResourceId(azure.subscriptionId, azure.resourceGroup, azure.workspaceName);
  const arm = createArmClient({ endpoint: azure.cloud.armEndpoint, workspaceId, sendRequest: () => Promise.reject(new Error("a dry run sends nothing")) });
  const recorder = createDryRun(arm);
  const { name, plan: p, body } = await plan(step, workspaceId, recorder.api);
  await upload(recorder.api, recorder.uploader, p, io);
  recorder.requests.push({ method: "GET", url: arm.url(`schedules/${encodeURIComponent(name)}`), body: null });
  recorder.requests.push({ method: "PUT", url: arm.url(`schedules/${encodeURIComponent(name)}`), body });
  io.info(`Dry run: schedule ${name} (${p.job.jobType} job), ${recorder.requests.length} requests (nothing sent)`);
  await io.group("Requests the schedule would make", async () => {
    for (const r of recorder.requests) io.info("upload" in r ? `UPLOAD ${r.upload} (${r.files} files, ${formatBytes(r.bytes)})` : `${r.method} ${r.url}`);
    io.info(JSON.stringify(body, null, 2));
  });
  publish(io, step, { name, status: "dry-run", runs: nextRuns(body.properties, /* @__PURE__ */ new Date(), true), props: body.properties, jobType: p.job.jobType });
  io.setOutput("status", "DryRun");
  io.setOutput("requests", JSON.stringify(recorder.requests));
}
async function submitSchedule(step) {
  if (step.settings.dryRun) return dryRun(step);
  const { io, azure } = step;
  const ctx = await createAzureContext(azure, { actionName: "submit-job", info: (m) => io.info(m) });
  const api = createWorkspaceApi(ctx.arm);
  const schedules = createSchedulesApi(ctx.arm);
  const { name, plan: p, body } = await plan(step, ctx.workspaceId, api);
  const existing = await schedules.getSchedule(name);
  let status;
  let result;
  if (unchanged(existing, body)) {
    status = "unchanged";
    result = existing;
    io.info(`Schedule ${name} is already as ${step.settings.jobFileDisplay} describes it: unchanged, nothing sent`);
  } else {
    await upload(
      api,
      createSnapshotUploader(() => createBlobStore(ctx)),
      p,
      io
    );
    io.info(`${existing ? "Updating" : "Creating"} schedule ${name} (${p.job.jobType} job) in workspace ${azure.workspaceName}`);
    result = await schedules.putSchedule(name, body);
    status = existing ? "updated" : "created";
    io.info(`Schedule ${name} ${status} (${String(result.properties?.provisioningState ?? "Succeeded")})`);
  }
  const createdAt = new Date(String(result.systemData?.createdAt ?? (/* @__PURE__ */ new Date()).toISOString()));
  const runs = nextRuns(result.properties ?? body.properties, createdAt, status === "created");
  io.info(runs.length ? `Next runs: ${runs.join(", ")}` : `Schedule ${name} is disabled: no runs`);
  publish(io, step, { name, status, runs, props: result.properties ?? body.properties, jobType: p.job.jobType });
  io.setOutput("status", result.properties?.isEnabled === false ? "ScheduleDisabled" : "Scheduled");
  await io.appendSummary(
    `<h3>Azure ML schedule ${escapeText(name)}</h3>
${escapeText(status)}${runs.length ? `; next runs: ${runs.map(escapeText).join(", ")}` : "; disabled"}
`
  ).catch(() => void 0);
}

// src/jobs/logs.ts
var PREFERRED = ["user_logs/std_log.txt", "azureml-logs/70_driver_log.txt", "user_logs/std_log_process_0.txt"];
function historyBase(job, insecure = false) {
  const services = job.properties?.services;
  const tracking = services?.Tracking?.endpoint ?? Object.values(services ?? {}).find((s) => s.jobServiceType === "Tracking")?.endpoint;
  if (!tracking) return void 0;
  const m = /^(?:azureml|https?):\/\/([^/]+)\/mlflow\/v1\.0(\/subscriptions\/.+)$/i.exec(tracking.replace(/\/+$/, ""));
  if (!m) return void 0;
  return `${insecure ? "http" : "https"}://${m[1]}/history/v1.0${m[2]}`;
}
async function fetchRunDetails(job, deps) {
  const base = historyBase(job, deps.insecure);
  const name = job.name;
  if (!base || !name) return void 0;
  const doFetch = deps.fetch ?? fetch;
  const token = await deps.credential.getToken(deps.scope);
  const res = await fetchWithRetry(doFetch, `${base}/runs/${encodeURIComponent(name)}/details`, {
    headers: token ? { authorization: `Bearer ${token.token}` } : {}
  });
  if (!res.ok) return void 0;
  const details = await res.json();
  const setSecret2 = deps.setSecret ?? ((v) => setSecret(v));
  for (const url of Object.values(details.logFiles ?? {})) {
    if (typeof url !== "string") continue;
    const sig = /[?&]sig=([^&]+)/.exec(url)?.[1];
    if (sig) {
      setSecret2(url);
      setSecret2(sig);
      const decoded = decodeURIComponent(sig);
      if (decoded !== sig) setSecret2(decoded);
    }
  }
  return details;
}
var RETRY_STATUS = /* @__PURE__ */ new Set([429, 500, 502, 503, 504]);
async function fetchWithRetry(doFetch, url, init, tries = 3, tryTimeoutInMs = 2e4) {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await doFetch(url, { ...init, signal: AbortSignal.timeout(tryTimeoutInMs) });
      if (!RETRY_STATUS.has(res.status) || attempt >= tries) return res;
      await res.body?.cancel();
    } catch (err) {
      if (attempt >= tries) throw err;
    }
    await new Promise((r) => setTimeout(r, 1e3 * attempt));
  }
}
function runErrorMessage(details) {
  const e = details?.error;
  return e?.error?.message ?? e?.message;
}
async function fetchLogTail(details, deps, maxBytes = 16 * 1024) {
  const doFetch = deps.fetch ?? fetch;
  const files = details?.logFiles ?? {};
  const logName = PREFERRED.find((p) => files[p]) ?? Object.keys(files).sort()[0];
  if (!logName) return void 0;
  const head = await fetchWithRetry(doFetch, files[logName], { method: "HEAD", headers: { "x-ms-version": "2021-08-06" } });
  if (!head.ok) return void 0;
  const total = Number(head.headers.get("content-length") ?? 0);
  const from = Math.max(0, total - maxBytes);
  const blob = await fetchWithRetry(doFetch, files[logName], { headers: { "x-ms-range": `bytes=${from}-`, "x-ms-version": "2021-08-06" } });
  if (!blob.ok) return void 0;
  let text = await blob.text();
  if (from > 0) text = text.slice(text.indexOf("\n") + 1);
  return { name: logName, text, truncated: from > 0 };
}

// src/jobs/status.ts
var TERMINAL_STATUSES = ["Completed", "Failed", "Canceled", "NotResponding", "Paused"];
function isTerminal(status) {
  return status !== void 0 && TERMINAL_STATUSES.includes(status);
}
var ALMOST_DONE = /* @__PURE__ */ new Set(["Finalizing", "CancelRequested"]);
var DEFAULT_POLL_SCHEDULE = { initialMs: 2e3, maxMs: 15e3, factor: 1.5, finalizingMs: 1e3 };
function nextPollDelay(s, schedule = DEFAULT_POLL_SCHEDULE) {
  const backoff = (cap) => Math.min(cap, schedule.initialMs * schedule.factor ** s.pollsSinceChange);
  let delay;
  if (ALMOST_DONE.has(s.status)) {
    delay = schedule.finalizingMs;
  } else if (s.estimate && s.now !== void 0 && s.now <= s.estimate.endAt + s.estimate.windowMs) {
    const opens = s.estimate.endAt - s.estimate.windowMs;
    delay = s.now >= opens ? s.estimate.nearMs : Math.max(Math.min(backoff(s.estimate.maxMs), opens - s.now), 250);
  } else {
    delay = backoff(schedule.maxMs);
  }
  if (s.retryAfterMs !== void 0 && s.retryAfterMs > delay) delay = s.retryAfterMs;
  return Math.round(delay);
}

// src/jobs/wait.ts
function abortReason(signal) {
  const reason = signal?.reason;
  return reason instanceof Error ? reason : new Error(reason === void 0 ? "aborted" : String(reason));
}
function defaultSleep(ms, signal) {
  return new Promise((resolve2, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve2();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortReason(signal));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
function jobStatus(job) {
  return String(job.properties?.status ?? "Unknown");
}
async function waitForJob(get, first, o = {}) {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? defaultSleep;
  const schedule = o.schedule ?? DEFAULT_POLL_SCHEDULE;
  const start = now();
  let job = first;
  let status = jobStatus(job);
  let polls = 0;
  let sinceChange = 0;
  o.onStatus?.(status, job, 0);
  while (!isTerminal(status)) {
    const elapsed = now() - start;
    if (o.timeoutMs !== void 0 && elapsed >= o.timeoutMs) return { job, status, timedOut: true, polls, elapsedMs: elapsed };
    let delay = nextPollDelay({ status, pollsSinceChange: sinceChange, now: now(), estimate: o.estimate }, schedule);
    if (o.timeoutMs !== void 0) delay = Math.min(delay, Math.max(0, o.timeoutMs - elapsed));
    await sleep(delay, o.abortSignal);
    job = await get();
    polls++;
    const next = jobStatus(job);
    if (next !== status) {
      status = next;
      sinceChange = 0;
      o.onStatus?.(status, job, now() - start);
    } else {
      sinceChange++;
    }
  }
  return { job, status, timedOut: false, polls, elapsedMs: now() - start };
}

// src/runs/submit-job.ts
function applyInputsToSpec(spec, s) {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) return spec;
  const out = { ...spec };
  if (s.experimentName) out.experiment_name = s.experimentName;
  if (s.displayName) out.display_name = s.displayName;
  return out;
}
async function loadPlan(doc, settings, workspaceId, api) {
  const spec = applyInputsToSpec(applyOverrides(doc.value, parseOverrides(settings.set)), settings);
  return planJob(doc, settings.jobFile, spec, { workspaceId, resolver: api });
}
function studioUrlOf(job, ctx, name) {
  const services = job.properties?.services;
  return services?.Studio?.endpoint ?? ctx?.studioUrl(`runs/${name}`);
}
function jobName(settings, plan2, run) {
  return settings.name ?? plan2.yamlName ?? deterministicJobName(run, settings.jobFileDisplay);
}
async function dryRun2(doc, settings, azure, run, io) {
  const workspaceId = workspaceResourceId(azure.subscriptionId, azure.resourceGroup, azure.workspaceName);
  const arm = createArmClient({
    endpoint: azure.cloud.armEndpoint,
    workspaceId,
    sendRequest: () => Promise.reject(new Error("a dry run sends nothing"))
  });
  const recorder = createDryRun(arm);
  const plan2 = await loadPlan(doc, settings, workspaceId, recorder.api);
  const name = jobName(settings, plan2, run);
  await submitPlannedJob(recorder.api, recorder.uploader, plan2, name, { ...lineageTags(run), ...settings.tags }, io);
  io.info(`Dry run: ${plan2.jobType} job ${name}, ${recorder.requests.length} requests (nothing sent)`);
  await io.group("Requests the job would make", async () => {
    for (const r of recorder.requests) io.info("upload" in r ? `UPLOAD ${r.upload} (${r.files} files, ${formatBytes(r.bytes)})` : `${r.method} ${r.url}`);
  });
  io.setOutput("job-name", name);
  io.setOutput("run-id", name);
  io.setOutput("status", "DryRun");
  io.setOutput("requests", JSON.stringify(recorder.requests));
  appendLedger({ kind: "job", action: "submit-job", jobName: name, jobType: plan2.jobType, status: "DryRun", jobFile: settings.jobFileDisplay, dryRun: true });
}
function jobFileKey(run, settings) {
  return `${run.repository}:${settings.jobFileDisplay}`;
}
async function expectedEnd(ctx, job, name, key, log) {
  try {
    const conn = { arm: ctx.arm, credential: ctx.credential, armScope: ctx.cloud.armScope, insecure: Boolean(ctx.cloud.emulator), userAgent: ctx.userAgent };
    const client = createWorkspaceMlflowClient(conn, await trackingUriOf(conn, job), { retry: { maxRetries: 1 } });
    const systemData = job.systemData;
    const createdAt = Date.parse(systemData?.createdAt ?? "");
    const found = await estimateJobEnd(client, name, key, Number.isFinite(createdAt) ? createdAt : Date.now());
    if (!found) {
      log.debug(`No finished run of ${key} yet: polling on the plain schedule.`);
      return void 0;
    }
    const { basis, estimate } = found;
    log.info(
      `Earlier runs of this job file took ${formatElapsed(basis.medianMs)} (median of ${basis.samples}): polling sparsely until about ${formatElapsed(Math.max(0, estimate.endAt - estimate.windowMs - Date.now()))} from now, then every ${(estimate.nearMs / 1e3).toFixed(1)} s`
    );
    return estimate;
  } catch (err) {
    log.debug(`Could not read earlier runs of ${key}: ${err.message}`);
    return void 0;
  }
}
async function submitJobMain(deps) {
  const env = deps.env ?? process.env;
  const { io } = deps;
  const run = readWorkflowRun(env);
  const settings = readSubmitJobInputs(deps.reader, run.workspace);
  const azure = await readAzureInputs(deps.reader, { env });
  const doc = SpecDocument.load(settings.jobFile, settings.jobFileDisplay, "job-file");
  if (isScheduleSpec(doc.value)) {
    if (deps.jobsOnly) {
      throw new ConfigurationError(`${settings.jobFileDisplay} is a schedule (az ml schedule create -f), and this flow submits one job and follows it`, {
        input: "job-file",
        hint: "create the schedule with the submit-job action; give the flow the job file the schedule names"
      });
    }
    await submitSchedule({ settings, azure, run, io, doc });
    return void 0;
  }
  if (settings.dryRun) {
    await dryRun2(doc, settings, azure, run, io);
    return void 0;
  }
  const ctx = await createAzureContext(azure, { actionName: "submit-job", info: (m) => io.info(m) });
  const api = createWorkspaceApi(ctx.arm);
  const plan2 = await loadPlan(doc, settings, ctx.workspaceId, api);
  const name = jobName(settings, plan2, run);
  const workspace = { subscriptionId: azure.subscriptionId, resourceGroup: azure.resourceGroup, workspaceName: azure.workspaceName };
  io.state.saveSubmittedJob({ workspace, jobName: name, settled: false });
  io.setOutput("job-name", name);
  io.setOutput("run-id", name);
  const submitted = await submit(io, ctx, api, plan2, name, run, settings, azure.workspaceName);
  if (submitted.createdBy) io.state.saveSubmittedJob({ workspace, jobName: name, settled: true });
  const studioUrl = studioUrlOf(submitted.job, ctx, name);
  if (studioUrl) {
    io.setOutput("studio-url", studioUrl);
    io.info(`Studio: ${studioUrl}`);
  }
  const ledger = {
    kind: "job",
    action: "submit-job",
    jobName: name,
    jobType: plan2.jobType,
    studioUrl,
    experimentName: submitted.job.properties?.experimentName,
    jobFile: settings.jobFileDisplay,
    reattached: submitted.reattached
  };
  const s = { io, settings, ctx, api, name, workspace, studioUrl, ledger };
  if (!settings.wait) {
    const status = jobStatus(submitted.job);
    settle(s);
    io.setOutput("status", status);
    appendLedger({ ...ledger, status });
    return { jobName: name, status, studioUrl, reattached: submitted.reattached };
  }
  const started = Date.now();
  const result = await waitFor(s, submitted.job, jobFileKey(run, settings), deps.abortSignal);
  io.setOutput("status", result.status);
  if (result.timedOut) return timedOut(s, result.status);
  settle(s);
  await reportEnd(s, result, started);
  return { jobName: name, status: result.status, studioUrl, reattached: submitted.reattached };
}
async function submit(io, ctx, api, plan2, name, run, settings, workspaceName) {
  const uploader = createSnapshotUploader(() => createBlobStore(ctx));
  io.info(`Submitting ${plan2.jobType.toLowerCase()} job ${name} from ${settings.jobFileDisplay} to workspace ${workspaceName}`);
  const submitted = await submitPlannedJob(api, uploader, plan2, name, { ...lineageTags(run), [JOB_FILE_TAG]: jobFileKey(run, settings), ...settings.tags }, io);
  if (!submitted.reattached) {
    const upl = submitted.uploadedFiles > 0 ? `; uploaded ${submitted.uploadedFiles} files (${formatBytes(submitted.uploadedBytes)})` : "";
    const reuse = submitted.reusedUploads > 0 ? `; reused ${submitted.reusedUploads} unchanged upload(s)` : "";
    io.info(`Submitted job ${name}${upl}${reuse}`);
  }
  return submitted;
}
function settle(s) {
  s.io.state.saveSubmittedJob({ workspace: s.workspace, jobName: s.name, settled: true });
}
async function waitFor(s, job, key, abortSignal) {
  const { io, name } = s;
  const estimate = await expectedEnd(s.ctx, job, name, key, io);
  try {
    return await waitForJob(async () => await s.api.getJob(name) ?? job, job, {
      timeoutMs: s.settings.timeoutMs,
      estimate,
      abortSignal,
      sleep: defaultSleep,
      onStatus: (status, _job, ms) => io.info(`[${formatElapsed(ms)}] ${name}: ${status}`)
    });
  } catch (err) {
    if (abortSignal?.aborted) {
      io.warning(`The workflow was cancelled while job ${name} runs: the post step cancels it.`);
      throw new Error(`cancelled while waiting for job ${name}`, { cause: err });
    }
    throw err;
  }
}
async function timedOut(s, status) {
  const { io, name, studioUrl } = s;
  const limit = formatElapsed(s.settings.timeoutMs ?? 0);
  if (s.settings.cancelOnTimeout) {
    io.info(`Timeout of ${limit} reached: cancelling job ${name}`);
    await s.api.cancelJob(name);
    settle(s);
    io.setOutput("status", "Canceled");
    appendLedger({ ...s.ledger, status: "Canceled", error: `timed out after ${limit}` });
    throw new ConfigurationError(`job ${name} did not finish within the timeout of ${limit} and was cancelled${studioUrl ? ` (${studioUrl})` : ""}`, {
      input: "timeout"
    });
  }
  settle(s);
  appendLedger({ ...s.ledger, status });
  throw new ConfigurationError(
    `job ${name} did not finish within the timeout of ${limit}; it goes on running (cancel-on-timeout is false)${studioUrl ? `: ${studioUrl}` : ""}`,
    { input: "timeout" }
  );
}
async function reportEnd(s, result, started) {
  const { io, name, studioUrl, ctx } = s;
  const { status } = result;
  const logDeps = { credential: ctx.credential, scope: ctx.cloud.armScope, insecure: Boolean(ctx.cloud.emulator) };
  const details = await fetchRunDetails(result.job, logDeps).catch(() => void 0);
  const tail = await fetchLogTail(details, logDeps).catch(() => void 0);
  if (tail) await printUntrusted(io, `${tail.name}${tail.truncated ? " (last lines)" : ""}`, tail.text);
  io.info(`Job ${name} ended ${status} after ${formatElapsed(Date.now() - started)} (${result.polls} status reads)`);
  await io.appendSummary(
    `<h3>Azure ML job ${escapeText(name)}</h3>
Status: <b>${escapeText(status)}</b>${studioUrl ? ` \xB7 ${link("open in studio", studioUrl)}` : ""}
`
  ).catch(() => void 0);
  const error = status === "Completed" ? void 0 : runErrorMessage(details) ?? `the job ended ${status}`;
  appendLedger({ ...s.ledger, status, error, ...automlFacts(result.job) });
  if (status !== "Completed") {
    throw new Error(`job ${name} ${status === "Canceled" ? "was canceled" : `ended ${status}`}: ${error}${studioUrl ? `
Studio: ${studioUrl}` : ""}`);
  }
}
function automlFacts(job) {
  const p = job.properties ?? {};
  if (typeof p.jobType !== "string" || p.jobType.toLowerCase() !== "automl") return {};
  const tags = p.tags ?? {};
  const props = p.properties ?? {};
  const task = p.taskDetails ?? {};
  const n = Number(props.num_iterations);
  const str = (v) => typeof v === "string" && v !== "" ? v : void 0;
  const bestChild = str(tags.automl_best_child_run_id);
  const primaryMetric = str(props.primary_metric) ?? str(task.primaryMetric);
  return {
    ...Number.isInteger(n) && n >= 0 && props.num_iterations !== void 0 ? { children: n } : {},
    ...bestChild ? { bestChild } : {},
    ...primaryMetric ? { primaryMetric } : {}
  };
}
async function submitJobPost(deps) {
  const { io } = deps;
  const saved = io.state.loadSubmittedJob();
  if (!saved || saved.settled) return;
  const env = deps.env ?? process.env;
  const azure = await readAzureInputs(deps.reader, { env });
  const settings = { ...azure, ...saved.workspace };
  const ctx = await createAzureContext(settings, { actionName: "submit-job", info: (m) => io.info(m) });
  const api = createWorkspaceApi(ctx.arm);
  let job;
  try {
    job = await api.getJob(saved.jobName);
  } catch (err) {
    if (err.statusCode !== 404) throw err;
    io.info(`Job ${saved.jobName} was never created (${err.message.split(". ")[0]}): nothing to cancel.`);
    return;
  }
  if (!job) {
    io.info(`Job ${saved.jobName} was never created: nothing to cancel.`);
    return;
  }
  const status = jobStatus(job);
  if (isTerminal(status)) {
    io.info(`Job ${saved.jobName} already ended ${status}.`);
    return;
  }
  io.info(`The workflow stopped while job ${saved.jobName} was ${status}: cancelling it in Azure ML.`);
  await api.cancelJob(saved.jobName);
  const final = await waitForJob(async () => await api.getJob(saved.jobName) ?? job, job, { timeoutMs: 12e4 });
  io.info(`Job ${saved.jobName} is ${final.status}.`);
  appendLedger({
    kind: "job",
    action: "submit-job",
    jobName: saved.jobName,
    jobType: String(job.properties?.jobType ?? ""),
    status: final.status,
    error: "cancelled with the workflow"
  });
}
function formatElapsed(ms) {
  const s = Math.round(ms / 1e3);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 ? `${String(s % 60).padStart(2, "0")}s` : ""}`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export {
  submitJobMain,
  automlFacts,
  submitJobPost,
  formatElapsed
};
