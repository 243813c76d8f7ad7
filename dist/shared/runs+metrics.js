import {
  evaluateRules
} from "./metrics.evaluate.js";
import {
  buildGateReport,
  compactHistories,
  directionsFromRules,
  explainRule,
  formatValue,
  lastValues,
  renderGateSummary,
  toJson
} from "./report+metrics.js";
import {
  RuleSyntaxError,
  metricsOf,
  parseRules
} from "./metrics.rules.js";
import {
  createFileSource,
  parseBaselineSpec,
  resolveBaseline
} from "./metrics.file.js";
import {
  DEFAULT_CONCURRENCY,
  closestNames,
  createAzureMlJobSource,
  createMlflowClient,
  createMlflowRunSource,
  createStaticSource,
  createWorkspaceMlflowClient,
  nameListForMessage,
  quoteList,
  resolveMlflowAuth,
  trackingUriOf
} from "./metrics.mlflow.js";
import {
  mapWithConcurrency
} from "./azure.concurrency.js";
import {
  createAzureContext,
  readAzureInputs
} from "./azure.credentials.js";
import {
  withAzureOperation
} from "./azure.errors.js";
import {
  appendLedger
} from "./core.escape.js";
import {
  readWorkflowRun
} from "./core.workflow-run.js";
import {
  isObj
} from "./core.obj.js";
import {
  setSecret
} from "./actions.js";
import {
  ConfigurationError,
  errorLocation,
  isUserError
} from "./core.errors.js";

// src/metrics/mlflow-platforms.ts
var DATABRICKS_HOST = /(^|\.)(cloud\.databricks\.com|gcp\.databricks\.com|azuredatabricks\.net)$/i;
var SAGEMAKER_ARN = /^arn:(aws|aws-us-gov):sagemaker:([a-z0-9-]+):(\d{12}):mlflow-tracking-server\/([A-Za-z0-9-]{1,63})$/;
function isSageMakerTrackingUri(uri) {
  return /^arn:/i.test(uri.trim());
}
function databricksHostOf(trackingUri, env, input) {
  const uri = trackingUri.trim();
  if (/^databricks(:|$)/i.test(uri)) {
    if (!/^databricks\/?$/i.test(uri)) {
      throw new ConfigurationError(`The tracking URI '${uri}' names a Databricks CLI profile, which this action does not read.`, {
        input,
        hint: "Write databricks with DATABRICKS_HOST set, or the workspace address itself, e.g. https://adb-<id>.<n>.azuredatabricks.net."
      });
    }
    const host = env.DATABRICKS_HOST?.trim();
    if (!host) {
      throw new ConfigurationError("The tracking URI 'databricks' needs the workspace address in DATABRICKS_HOST.", {
        input,
        hint: "Set DATABRICKS_HOST (e.g. https://<workspace>.cloud.databricks.com), or give the address as mlflow-tracking-uri."
      });
    }
    const withScheme = /^[a-z]+:\/\//i.test(host) ? host : `https://${host}`;
    try {
      return new URL(withScheme).origin;
    } catch {
      throw new ConfigurationError(`DATABRICKS_HOST '${host}' is not a workspace address.`, { input, hint: "e.g. https://<workspace>.cloud.databricks.com" });
    }
  }
  let url;
  try {
    url = new URL(uri);
  } catch {
    return void 0;
  }
  return url.protocol === "https:" && DATABRICKS_HOST.test(url.hostname) ? url.origin : void 0;
}
function resolveMlflowServer(trackingUri, credentials, env, options = {}) {
  const { input } = options;
  const given = (v) => v !== void 0 && v.trim() !== "" ? v : void 0;
  const uri = trackingUri.trim();
  if (isSageMakerTrackingUri(uri)) {
    const m = SAGEMAKER_ARN.exec(uri);
    if (!m) {
      throw new ConfigurationError(`'${uri}' is not the ARN of a SageMaker MLflow tracking server.`, {
        input,
        hint: "Write arn:aws:sagemaker:<region>:<account>:mlflow-tracking-server/<name> (the TrackingServerArn of describe-mlflow-tracking-server; the #<role ARN> suffix is not supported)."
      });
    }
    if (given(credentials.token) || given(credentials.username) || given(credentials.password)) {
      throw new ConfigurationError("SageMaker managed MLflow takes AWS credentials, not mlflow-token / mlflow-username / mlflow-password.", {
        input: given(credentials.token) ? "mlflow-token" : "mlflow-username",
        hint: "Remove them; the AWS standard chain is used (e.g. aws-actions/configure-aws-credentials before this step)."
      });
    }
    const [, , region, , name] = m;
    const endpoint = given(env.SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT)?.trim() ?? `https://${region}.experiments.sagemaker.aws`;
    return {
      trackingUri: uri,
      platform: "sagemaker",
      secrets: [],
      auth: {
        kind: "sigv4",
        arn: uri,
        region,
        endpoint,
        platform: {
          id: "sagemaker",
          serverName: `the SageMaker MLflow tracking server '${name}' (${uri})`,
          refusedHint: "Check the AWS credentials of the runner (the standard chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, the web identity of aws-actions/configure-aws-credentials, AWS_PROFILE): they must be valid, in the right account, and allowed the sagemaker-mlflow actions on this tracking server by their IAM policy."
        }
      }
    };
  }
  const host = databricksHostOf(uri, env, input);
  if (host === void 0) {
    const auth = resolveMlflowAuth(credentials, env);
    const secrets = auth.kind === "bearer" && typeof auth.token === "string" ? [auth.token] : auth.kind === "basic" ? [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString("base64")] : [];
    return { trackingUri: uri, auth, secrets };
  }
  if (given(credentials.username) || given(credentials.password)) {
    throw new ConfigurationError(`The Databricks workspace ${host} does not take a user name and password here.`, {
      input: given(credentials.username) ? "mlflow-username" : "mlflow-password",
      hint: "Give mlflow-token (a personal access token) or set DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (a service principal, OAuth M2M)."
    });
  }
  const serverName = `the Databricks workspace ${host}`;
  const token = given(credentials.token) ?? given(env.DATABRICKS_TOKEN);
  if (token !== void 0) {
    const from = given(credentials.token) ? options.tokenInput ?? "mlflow-token" : "DATABRICKS_TOKEN";
    return {
      trackingUri: host,
      platform: "databricks",
      secrets: [token],
      auth: {
        kind: "bearer",
        token,
        platform: {
          id: "databricks",
          serverName,
          refusedHint: `The token in ${from} is not a valid personal access token of ${host}, has expired, or may not read this run: create one under Settings \u2192 Developer \u2192 Access tokens of this workspace (or set DATABRICKS_CLIENT_ID / DATABRICKS_CLIENT_SECRET for a service principal).`
        }
      }
    };
  }
  const clientId = given(env.DATABRICKS_CLIENT_ID);
  const clientSecret = given(env.DATABRICKS_CLIENT_SECRET);
  if (clientId !== void 0 && clientSecret !== void 0) {
    return {
      trackingUri: host,
      platform: "databricks",
      secrets: [clientSecret],
      auth: {
        kind: "databricks-oauth",
        host,
        clientId,
        clientSecret,
        mask: options.mask,
        platform: {
          id: "databricks",
          serverName,
          refusedHint: `The service principal '${clientId}' (DATABRICKS_CLIENT_ID) got a token but may not read this run: grant it CAN_READ on the experiment in ${host}.`
        }
      }
    };
  }
  const tokenInput = options.tokenInput ?? "mlflow-token";
  throw new ConfigurationError(`No credential for ${serverName}.`, {
    input: tokenInput,
    hint: clientId !== void 0 || clientSecret !== void 0 ? `Set both DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (only ${clientId !== void 0 ? "DATABRICKS_CLIENT_ID" : "DATABRICKS_CLIENT_SECRET"} is set), or give ${tokenInput}.` : `Give ${tokenInput} (a personal access token, as a secret) or set DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (OAuth M2M of a service principal).`
  });
}

// src/runs/inputs/metric-gate.ts
var SOURCES_HINT = "Give one of: job-name (an Azure ML job), mlflow-tracking-uri with run-id (any MLflow server), metrics-file (a JSON or CSV file, or an MLflow metrics folder), or source: monitor:<name> (a model monitor's latest results; also job:<name>, file:<path>).";
function parseSource(text) {
  const m = /^(monitor|job|file):(.+)$/.exec(text.trim());
  const rest = m?.[2].trim();
  if (!m || !rest) {
    throw new ConfigurationError(`Input 'source': '${text}' is not a metric source`, {
      input: "source",
      hint: "write monitor:<name>, job:<name> or file:<path>"
    });
  }
  if (m[1] === "monitor") {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(rest))
      throw new ConfigurationError(`Input 'source': '${rest}' is not a monitor name`, {
        input: "source",
        hint: "a schedule name: letters, digits, '-' and '_'"
      });
    return { kind: "monitor", monitor: rest };
  }
  return m[1] === "job" ? { kind: "job", jobName: rest } : { kind: "file", path: rest };
}
function readRules(text, input = "rules") {
  let rules;
  try {
    rules = parseRules(text);
  } catch (error) {
    if (error instanceof RuleSyntaxError) {
      const lines = text.split(/\r?\n/);
      const raw = lines[error.line - 1] ?? "";
      const indent = raw.length - raw.trimStart().length;
      const shown = raw.trim();
      const caret = " ".repeat(Math.max(0, error.column - 1 - indent)) + "^";
      throw new ConfigurationError(`Input '${input}', line ${error.line}, column ${error.column}: ${error.message}
    ${shown}
    ${caret}`, {
        input,
        line: error.line,
        column: error.column,
        hint: "One rule per line, e.g. accuracy >= 0.9, val_loss <= baseline.val_loss * 1.02 or max(auc) >= 0.8 # label; quote unusual names with backticks.",
        cause: error
      });
    }
    throw error;
  }
  if (rules.length === 0) {
    throw new ConfigurationError(`Input '${input}' holds no rule.`, { input, hint: "Write one rule per line, e.g. accuracy >= 0.9." });
  }
  return rules;
}
function readMetricGateInputs(reader, options = {}) {
  const env = options.env ?? process.env;
  const setSecret2 = options.setSecret ?? ((s) => setSecret(s));
  const jobName = reader.optional("job-name");
  const child = reader.optional("child");
  const trackingUriInput = reader.optional("mlflow-tracking-uri");
  const runId = reader.optional("run-id");
  const metricsFile = reader.optional("metrics-file");
  const token = reader.secret("mlflow-token");
  const username = reader.optional("mlflow-username");
  const password = reader.secret("mlflow-password");
  const sourceText = reader.optional("source");
  const given = [
    sourceText !== void 0 ? "source" : void 0,
    jobName !== void 0 ? "job-name" : void 0,
    trackingUriInput !== void 0 || runId !== void 0 ? trackingUriInput !== void 0 ? "mlflow-tracking-uri" : "run-id" : void 0,
    metricsFile !== void 0 ? "metrics-file" : void 0
  ].filter((g) => g !== void 0);
  if (given.length === 0) throw new ConfigurationError("No metric source is given.", { hint: SOURCES_HINT });
  if (given.length > 1) {
    throw new ConfigurationError(`Give only one metric source; got ${given.join(" and ")}.`, { input: given[1], hint: SOURCES_HINT });
  }
  const parsed = sourceText !== void 0 ? parseSource(sourceText) : void 0;
  if (child !== void 0 && jobName === void 0 && parsed?.kind !== "job") {
    throw new ConfigurationError("Input 'child' selects a step or trial of the job named by job-name, which is not given.", { input: "child" });
  }
  let source;
  if (parsed !== void 0) {
    source = parsed.kind === "job" ? { ...parsed, child } : parsed;
  } else if (jobName !== void 0) {
    source = { kind: "job", jobName, child };
  } else if (metricsFile !== void 0) {
    source = { kind: "file", path: metricsFile };
  } else {
    const fromEnv = env.MLFLOW_TRACKING_URI?.trim() || void 0;
    const trackingUri = trackingUriInput ?? fromEnv;
    if (trackingUri === void 0) {
      throw new ConfigurationError("Input 'run-id' needs the MLflow server: give mlflow-tracking-uri (or set MLFLOW_TRACKING_URI).", {
        input: "mlflow-tracking-uri"
      });
    }
    if (runId === void 0) {
      throw new ConfigurationError("Input 'mlflow-tracking-uri' needs 'run-id': the id of the MLflow run to gate.", { input: "run-id" });
    }
    const trackingUriFrom = trackingUriInput !== void 0 ? "input" : "MLFLOW_TRACKING_URI";
    const server = resolveMlflowServer(trackingUri, { token, username, password }, env, {
      input: trackingUriFrom === "input" ? "mlflow-tracking-uri" : void 0,
      mask: setSecret2
    });
    for (const secret of server.secrets) setSecret2(secret);
    source = { kind: "mlflow", trackingUri: server.trackingUri, runId, auth: server.auth, trackingUriFrom };
  }
  const rules = readRules(reader.required("rules"));
  const baselineText = reader.optional("baseline");
  if (baselineText === void 0) {
    const user = rules.find((r) => metricsOf(r.expr).some((m) => m.baseline));
    if (user) {
      throw new ConfigurationError(`The rule on line ${user.line} of 'rules' (${user.text}) reads baseline metrics, but no baseline is given.`, {
        input: "baseline",
        hint: "Set baseline to model:<name>:<version|latest|@alias>, job:<name> or file:<path>."
      });
    }
  }
  const baseline = baselineText !== void 0 ? parseBaselineSpec(baselineText) : void 0;
  const baselineUri = reader.optional("baseline-tracking-uri");
  const baselineToken = reader.secret("baseline-mlflow-token");
  if (baseline?.kind === "mlflow-model") {
    baseline.server = baselineServer(baselineUri, baselineToken, source, env, setSecret2);
  } else if (baselineUri !== void 0 || baselineToken !== void 0) {
    throw new ConfigurationError(
      `Input '${baselineUri !== void 0 ? "baseline-tracking-uri" : "baseline-mlflow-token"}' is for an mlflow-model: baseline${baseline ? `, not '${baseline.text}'` : ", and no baseline is given"}.`,
      {
        input: baselineUri !== void 0 ? "baseline-tracking-uri" : "baseline-mlflow-token",
        hint: "Set baseline to mlflow-model:<name>@<alias> or mlflow-model:<name>/<version>, or remove it."
      }
    );
  }
  return {
    source,
    rules,
    baseline,
    requireBaseline: reader.boolean("require-baseline", false),
    missingMetric: reader.choice("missing-metric", ["fail", "skip"], "fail"),
    failOnViolation: reader.boolean("fail-on-violation", true)
  };
}
function baselineServer(uri, token, source, env, setSecret2) {
  const resolve = (trackingUri, input) => {
    if (/^azureml:/i.test(trackingUri.trim())) {
      throw new ConfigurationError("An mlflow-model: baseline cannot be read from an Azure ML workspace tracking URI.", {
        input,
        hint: "For a model registered in the workspace, write model:<name>:@<alias> or model:<name>:<version>."
      });
    }
    const server = resolveMlflowServer(trackingUri, { token }, env, { input, tokenInput: "baseline-mlflow-token", mask: setSecret2 });
    for (const secret of server.secrets) setSecret2(secret);
    return { trackingUri: server.trackingUri, auth: server.auth, input };
  };
  if (uri !== void 0) return resolve(uri, "baseline-tracking-uri");
  if (token !== void 0) {
    throw new ConfigurationError("Input 'baseline-mlflow-token' needs baseline-tracking-uri (the gated run's server uses its own credentials).", {
      input: "baseline-tracking-uri"
    });
  }
  if (source.kind === "mlflow") {
    if (/^azureml:/i.test(source.trackingUri)) return resolve(source.trackingUri, "mlflow-tracking-uri");
    return { trackingUri: source.trackingUri, auth: source.auth, input: source.trackingUriFrom === "input" ? "mlflow-tracking-uri" : void 0 };
  }
  const fromEnv = env.MLFLOW_TRACKING_URI?.trim();
  if (fromEnv) return resolve(fromEnv, void 0);
  throw new ConfigurationError("The mlflow-model: baseline needs the MLflow server its model is registered on.", {
    input: "baseline-tracking-uri",
    hint: "Give baseline-tracking-uri (e.g. databricks, https://mlflow.example.com or a SageMaker tracking server ARN), or set MLFLOW_TRACKING_URI."
  });
}

// src/metrics/monitor.ts
var RUNNING = ["NotStarted", "Queued", "Preparing", "Provisioning", "Starting", "Running", "Finalizing", "CancelRequested"];
var P_VALUE_METRICS = /* @__PURE__ */ new Set(["twosamplekolmogorovsmirnovtest", "pearsonschisquaredtest"]);
function snakeMetric(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2").toLowerCase();
}
function breaches(metric, value, threshold) {
  const m = metric.replace(/[_\s]/g, "").toLowerCase();
  return P_VALUE_METRICS.has(m) ? value < threshold : value > threshold;
}
function at(h, step) {
  return h?.find((p) => p.step === step)?.value;
}
function monitorMetricSet(recorded, step, signalTypes = {}) {
  const metrics = /* @__PURE__ */ new Map();
  const bySignal = /* @__PURE__ */ new Map();
  for (const name of Object.keys(signalTypes)) bySignal.set(name, { name, type: signalTypes[name], passed: true, breached: [], metrics: 0 });
  const upTo = (h) => (h ?? []).filter((p) => p.step <= step);
  for (const r of recorded) {
    const quality = signalTypes[r.signal] === "DataQuality" || signalTypes[r.signal] === void 0 && r.histories.has("target_value");
    const valueKey = quality ? "target_value" : "value";
    const value = at(r.histories.get(valueKey), step);
    if (value === void 0) continue;
    const s = bySignal.get(r.signal) ?? { name: r.signal, type: signalTypes[r.signal], passed: true, breached: [], metrics: 0 };
    bySignal.set(r.signal, s);
    s.metrics++;
    const base = `${r.signal}.${r.feature}.${snakeMetric(r.metric)}`;
    metrics.set(base, upTo(r.histories.get(valueKey)));
    const threshold = at(r.histories.get("threshold"), step);
    if (threshold !== void 0) {
      metrics.set(`${base}.threshold`, upTo(r.histories.get("threshold")));
      const bad = breaches(r.metric, value, threshold);
      metrics.set(`${base}.passed`, [{ step, value: bad ? 0 : 1 }]);
      if (bad) {
        s.passed = false;
        s.breached.push(`${r.feature}.${snakeMetric(r.metric)}`);
      }
    }
    if (quality && r.histories.has("baseline_value")) metrics.set(`${base}.baseline`, upTo(r.histories.get("baseline_value")));
  }
  const signals = [...bySignal.values()];
  for (const s of signals) if (s.metrics > 0) metrics.set(`${s.name}.passed`, [{ step, value: s.passed ? 1 : 0 }]);
  const judged = signals.filter((s) => s.metrics > 0);
  if (judged.length > 0) metrics.set("passed", [{ step, value: judged.every((s) => s.passed) ? 1 : 0 }]);
  return { metrics, signals };
}
function str(v) {
  return typeof v === "string" && v !== "" ? v : void 0;
}
function runTimeOf(job) {
  const inputs = isObj(job.properties?.inputs) ? job.properties.inputs : {};
  const t = isObj(inputs.monitor_current_time) ? Date.parse(String(inputs.monitor_current_time.value)) : NaN;
  if (Number.isFinite(t)) return t;
  const created = isObj(job.systemData) ? Date.parse(String(job.systemData.createdAt)) : NaN;
  return Number.isFinite(created) ? created : 0;
}
async function createMonitorSource(o) {
  const input = o.input ?? "source";
  let armRequests = 0;
  const schedule = await withAzureOperation(`reading monitor '${o.monitor}'`, () => {
    armRequests++;
    return o.arm.tryGet(`schedules/${encodeURIComponent(o.monitor)}`);
  });
  if (!schedule)
    throw new ConfigurationError(`Input '${input}': monitor '${o.monitor}' does not exist in the workspace`, {
      input,
      hint: "name a schedule with create_monitor (az ml schedule create -f)"
    });
  const action = isObj(schedule.properties?.action) ? schedule.properties.action : {};
  if (String(action.actionType).toLowerCase() !== "createmonitor")
    throw new ConfigurationError(`Input '${input}': schedule '${o.monitor}' is not a monitor (its action is ${String(action.actionType)})`, { input });
  const def = isObj(action.monitorDefinition) ? action.monitorDefinition : {};
  const signalTypes = {};
  for (const [name, s] of Object.entries(isObj(def.signals) ? def.signals : {})) signalTypes[name] = isObj(s) ? str(s.signalType) : void 0;
  const target = isObj(def.monitoringTarget) ? str(def.monitoringTarget.deploymentId) : void 0;
  const jobs = [];
  await withAzureOperation(`listing the runs of monitor '${o.monitor}'`, async () => {
    armRequests++;
    for await (const j of o.arm.list("jobs", { query: { scheduleId: o.monitor } })) jobs.push(j);
  });
  jobs.sort((a, b) => runTimeOf(b) - runTimeOf(a));
  const skipped = [];
  let job;
  for (const j of jobs) {
    const status2 = String(j.properties?.status ?? "Unknown");
    if (RUNNING.includes(status2)) {
      skipped.push(`${String(j.name)} (${status2})`);
      continue;
    }
    job = j;
    break;
  }
  if (!job) {
    throw new Error(
      jobs.length === 0 ? `Monitor '${o.monitor}' has not run yet: it has no run to read (its schedule creates one at each trigger time)` : `Monitor '${o.monitor}' has no finished run yet (${skipped.join(", ")})`
    );
  }
  const jobName = String(job.name);
  const status = String(job.properties?.status ?? "Unknown");
  if (skipped.length > 0) o.warning?.(`Monitor ${o.monitor}: newer runs are not finished (${skipped.join(", ")}); reading ${jobName}`);
  if (status !== "Completed") {
    const error = isObj(job.properties?.error) ? str(job.properties.error.message) : void 0;
    throw new Error(`The latest run of monitor '${o.monitor}', ${jobName}, ended ${status}${error ? `: ${error}` : ""}: it has no signal results to gate on`);
  }
  const runTime = runTimeOf(job);
  const step = Math.floor(runTime / 1e3);
  const client = createWorkspaceMlflowClient(o, await trackingUriOf(o, job), { ...o.mlflow });
  const run = await client.getRun(jobName);
  const runs = await client.searchRuns([run.info.experiment_id], { filter: `tags.azureml.monitor_name = '${o.monitor.replace(/'/g, "\\'")}'` });
  const metricRuns = runs.filter(
    (r) => r.tags["azureml.signal_name"] && r.tags["azureml.feature_name"] !== void 0 && r.tags["azureml.metric_name"] && r.tags["azureml.metric_name"] !== "azureml.metrics"
  );
  const recorded = await mapWithConcurrency(metricRuns, o.mlflow?.concurrency ?? DEFAULT_CONCURRENCY, async (r) => ({
    signal: r.tags["azureml.signal_name"],
    feature: r.tags["azureml.feature_name"],
    metric: r.tags["azureml.metric_name"],
    histories: await client.getMetricHistories(
      r.info.run_id,
      r.metrics.map((m) => m.key)
    )
  }));
  const { metrics, signals } = monitorMetricSet(recorded, step, signalTypes);
  const details = {
    monitor: o.monitor,
    ...target ? { target } : {},
    jobName,
    status,
    runTime: new Date(runTime).toISOString(),
    signals,
    ...skipped.length > 0 ? { skipped } : {}
  };
  const source = createStaticSource("monitor", `monitor ${o.monitor} (run ${jobName})`, metrics);
  return {
    ...source,
    details,
    stats: () => ({ ...source.stats(), requests: armRequests + client.stats().requests })
  };
}

// src/runs/metric-gate.ts
var GateFailedError = class extends Error {
  constructor(message, report) {
    super(message);
    this.report = report;
  }
  report;
  name = "GateFailedError";
};
var WORKSPACE_INPUTS = ["subscription-id", "resource-group", "workspace-name"];
async function metricGateMain(deps) {
  const env = deps.env ?? process.env;
  const { io } = deps;
  const run = readWorkflowRun(env);
  const settings = readMetricGateInputs(deps.reader, { env, setSecret: (s) => io.setSecret(s) });
  const mlflow = { ...deps.mlflow, abortSignal: deps.abortSignal };
  const azure = workspaceConnection(deps, env);
  const runMetrics = await readRunMetrics(settings, run.workspace, azure, mlflow, io, deps.now ?? Date.now);
  const baseline = await readBaseline(settings, run.workspace, azure, mlflow, io);
  const report = judge(settings, runMetrics, baseline);
  logVerdicts(report, settings.failOnViolation, io);
  await publish(report, runMetrics, baseline, io, env);
  return conclude(report, settings.failOnViolation, runMetrics.metrics, baseline.metrics, io);
}
function workspaceConnection(deps, env) {
  let connection;
  return (purpose) => (connection ??= (async () => {
    const s = await readAzureInputs(deps.reader, { env });
    const ctx = await createAzureContext(s, { actionName: "metric-gate", info: (m) => deps.io.info(m), ...deps.azure });
    return { arm: ctx.arm, credential: ctx.credential, armScope: ctx.cloud.armScope, insecure: Boolean(ctx.cloud.emulator), userAgent: ctx.userAgent };
  })()).catch((error) => {
    const input = errorLocation(error).input;
    if (isUserError(error) && input && WORKSPACE_INPUTS.includes(input)) {
      throw new ConfigurationError(`${purpose} needs the Azure ML workspace: ${error.message}`, {
        input,
        hint: errorLocation(error).hint,
        cause: error
      });
    }
    throw error;
  });
}
async function readRunMetrics(settings, workspace, azure, mlflow, io, now) {
  const source = await createSource(settings, workspace, azure, mlflow, io);
  const started = now();
  const metrics = await source.fetch();
  const stats = source.stats();
  const readMs = now() - started;
  await io.group(`Metrics of ${source.description}: ${metrics.size}`, async () => {
    for (const [name, h] of [...metrics].sort(([a], [b]) => a.localeCompare(b))) {
      const last = h[h.length - 1];
      io.info(
        h.length === 0 ? `${name}: no values` : `${name}: ${formatValue(last.value)} at step ${last.step} (${h.length} value${h.length === 1 ? "" : "s"})`
      );
    }
  });
  io.info(
    `Read ${stats.histories} metric histor${stats.histories === 1 ? "y" : "ies"} (${stats.points.toLocaleString("en-US")} values) of ${source.description} with ${stats.requests} ${source.kind === "file" ? "file read" : "request"}${stats.requests === 1 ? "" : "s"} in ${(readMs / 1e3).toFixed(2)} s`
  );
  return { source, metrics, reads: { requests: stats.requests, histories: stats.histories, points: stats.points, durationMs: readMs } };
}
async function readBaseline(settings, workspace, azure, mlflow, log) {
  if (!settings.baseline) return { names: [] };
  const ruleNames = [...new Set(settings.rules.flatMap((r) => metricsOf(r.expr).map((m) => m.name)))];
  const spec = settings.baseline;
  const resolution = await resolveBaseline(spec, {
    azure: () => azure(`The baseline '${spec.text}'`),
    workspace,
    child: settings.source.kind === "job" ? settings.source.child : void 0,
    mlflow,
    info: (m) => log.info(m),
    warning: (m) => log.warning(m)
  });
  if (!resolution.found) {
    log.info(
      `No baseline yet: ${resolution.reason}. ${settings.requireBaseline ? "require-baseline is true: rules that read baseline metrics fail." : "Rules that read baseline metrics are skipped."}`
    );
    return { resolution, names: [] };
  }
  const metrics = await resolution.source.fetch(ruleNames);
  const names = await resolution.source.names();
  log.info(`Baseline: ${resolution.description} (${metrics.size} of the rules' metrics)`);
  return { resolution, metrics, names };
}
function judge(settings, run, baseline) {
  const { source, metrics } = run;
  const runNames = [...metrics.keys()];
  const { results } = evaluateRules(settings.rules, metrics, {
    baseline: baseline.metrics,
    missingMetric: settings.missingMetric,
    requireBaseline: settings.requireBaseline,
    missingHint: (name, isBaseline) => {
      const pool = isBaseline ? baseline.names : runNames;
      const near = closestNames(name, pool);
      if (near.length > 0) return `did you mean ${quoteList(near)}?`;
      return pool.length > 0 ? `its metrics: ${nameListForMessage(pool, 10)}` : "it has no metrics";
    }
  });
  const b = baseline.resolution;
  return buildGateReport({
    rules: settings.rules,
    results,
    metrics,
    source: { kind: source.kind, description: source.description, ..."details" in source ? { details: source.details } : {} },
    baseline: b ? b.found ? { spec: b.spec.text, found: true, description: b.description, metrics: baseline.metrics } : { spec: b.spec.text, found: false, reason: b.reason } : void 0,
    settings: { missingMetric: settings.missingMetric, requireBaseline: settings.requireBaseline, failOnViolation: settings.failOnViolation },
    reads: run.reads
  });
}
function logVerdicts(report, failOnViolation, log) {
  for (const r of report.rules) {
    const mark = r.verdict === "passed" ? "\u2705" : r.verdict === "failed" ? "\u274C" : "\u23ED\uFE0F";
    const why = explainRule(r) || r.reason || "";
    log.info(`${mark} ${r.verdict.padEnd(7)} line ${r.line}: ${r.rule}${r.label ? ` # ${r.label}` : ""}${why ? ` \u2014 ${why}` : ""}`);
  }
  for (const r of report.rules.filter((x) => x.verdict === "failed")) {
    const message = `Gate rule failed: ${r.rule} \u2014 ${explainRule(r) || r.reason || "false"}`;
    const properties = { title: r.label ?? r.rule };
    if (failOnViolation) log.error(message, properties);
    else log.warning(message, properties);
  }
}
async function publish(report, run, baseline, io, env) {
  io.setOutput("passed", String(report.passed));
  io.setOutput("report", toJson(report));
  io.setOutput("metrics", toJson(lastValues(run.metrics)));
  await io.appendSummary(renderGateSummary(report)).catch((e) => io.warning(`Could not write the job summary: ${e.message}`));
  const b = baseline.resolution;
  appendLedger(
    {
      kind: "gate",
      action: "metric-gate",
      passed: report.passed,
      source: run.source.description,
      ...b ? { baseline: b.found ? b.description : `${b.spec.text} (none yet)` } : {},
      report,
      histories: compactHistories(run.metrics, { prefer: [...directionsFromRules(report.rules).keys()] })
    },
    env
  );
  io.debug(`metric-gate: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);
}
function conclude(report, failOnViolation, metrics, baseline, log) {
  const { counts, passed } = report;
  const summary = `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
  if (passed) {
    log.info(`Metric gate passed (${summary}).`);
  } else if (failOnViolation) {
    const failed = report.rules.filter((r) => r.verdict === "failed").map((r) => r.label ?? r.rule);
    throw new GateFailedError(`The metric gate failed: ${counts.failed} of ${report.rules.length} rule(s) failed (${failed.join("; ")}).`, report);
  } else {
    log.warning(`The metric gate failed (${summary}), but fail-on-violation is false: the step passes.`);
  }
  return { passed, report, metrics, baseline };
}
async function createSource(settings, workspace, azure, mlflow, log) {
  const s = settings.source;
  switch (s.kind) {
    case "job": {
      const source = await createAzureMlJobSource({
        ...await azure(`job-name '${s.jobName}'`),
        jobName: s.jobName,
        child: s.child,
        mlflow,
        info: (m) => log.info(m),
        warning: (m) => log.warning(m)
      });
      const d = source.details;
      log.info(`Job ${d.jobName} (${d.jobType}, ${d.status ?? "status unknown"})${d.selected ? `: ${d.selected.reason} \u2192 run ${d.selected.runId}` : ""}`);
      if (d.steps) log.info(`Steps: ${Object.keys(d.steps).join(", ") || "none"} (metrics named <step>.<metric>)`);
      return source;
    }
    case "mlflow": {
      const input = s.trackingUriFrom === "input" ? "mlflow-tracking-uri" : void 0;
      const client = /^azureml:\/\//i.test(s.trackingUri) ? createWorkspaceMlflowClient(await azure(`The tracking URI '${s.trackingUri}'`), s.trackingUri, { ...mlflow, input }) : createMlflowClient({ ...mlflow, trackingUri: s.trackingUri, auth: s.auth, input });
      const source = createMlflowRunSource(client, s.runId, { kind: "mlflow" });
      const r = await source.run();
      log.info(
        `MLflow run ${r.info.run_id}${r.info.run_name ? ` (${r.info.run_name})` : ""} at ${client.trackingUri}: ${r.info.status ?? "status unknown"}, ${r.metrics.length} metric(s)`
      );
      if (r.info.status && r.info.status !== "FINISHED")
        log.warning(`MLflow run ${r.info.run_id} is ${r.info.status}, not FINISHED: its metrics may be incomplete.`);
      return source;
    }
    case "file":
      return createFileSource(s.path, { input: "metrics-file", displayRoot: workspace });
    case "monitor":
      return monitorSource(s.monitor, azure, mlflow, log);
  }
}
async function monitorSource(monitor, azure, mlflow, log) {
  const source = await createMonitorSource({
    ...await azure(`source 'monitor:${monitor}'`),
    monitor,
    mlflow,
    info: (m) => log.info(m),
    warning: (m) => log.warning(m)
  });
  const d = source.details;
  log.info(
    `Monitor ${d.monitor}${d.target ? ` of ${d.target.replace(/^.*\/onlineEndpoints\//, "").replace("/deployments/", ":")}` : ""}: run ${d.jobName} at ${d.runTime} (${d.status})`
  );
  for (const sig of d.signals)
    log.info(
      `Signal ${sig.name}${sig.type ? ` (${sig.type})` : ""}: ${sig.metrics} metric(s), ${sig.passed ? "passed" : `breached: ${sig.breached.join(", ")}`}`
    );
  return source;
}

export {
  GateFailedError,
  metricGateMain
};
