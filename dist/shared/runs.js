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
  closestNames,
  createAzureContext,
  createAzureMlJobSource,
  createMlflowClient,
  createMlflowRunSource,
  createWorkspaceMlflowClient,
  nameListForMessage,
  quoteList,
  readAzureInputs,
  resolveMlflowAuth
} from "./azure+metrics.js";
import {
  ConfigurationError,
  appendLedger,
  errorLocation,
  isUserError,
  readWorkflowRun,
  setSecret
} from "./actions+core.js";

// src/runs/inputs/metric-gate.ts
var SOURCES_HINT = "Give one of: job-name (an Azure ML job), mlflow-tracking-uri with run-id (any MLflow server), or metrics-file (a JSON or CSV file, or an MLflow metrics folder).";
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
  const given = [
    jobName !== void 0 ? "job-name" : void 0,
    trackingUriInput !== void 0 || runId !== void 0 ? trackingUriInput !== void 0 ? "mlflow-tracking-uri" : "run-id" : void 0,
    metricsFile !== void 0 ? "metrics-file" : void 0
  ].filter((g) => g !== void 0);
  if (given.length === 0) throw new ConfigurationError("No metric source is given.", { hint: SOURCES_HINT });
  if (given.length > 1) {
    throw new ConfigurationError(`Give only one metric source; got ${given.join(" and ")}.`, { input: given[1], hint: SOURCES_HINT });
  }
  if (child !== void 0 && jobName === void 0) {
    throw new ConfigurationError("Input 'child' selects a step or trial of the job named by job-name, which is not given.", { input: "child" });
  }
  let source;
  if (jobName !== void 0) {
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
    const auth = resolveMlflowAuth({ token, username, password }, env);
    if (auth.kind === "bearer" && typeof auth.token === "string") setSecret2(auth.token);
    if (auth.kind === "basic") {
      setSecret2(auth.password);
      setSecret2(Buffer.from(`${auth.username}:${auth.password}`).toString("base64"));
    }
    source = { kind: "mlflow", trackingUri, runId, auth, trackingUriFrom: trackingUriInput !== void 0 ? "input" : "MLFLOW_TRACKING_URI" };
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
  return {
    source,
    rules,
    baseline: baselineText !== void 0 ? parseBaselineSpec(baselineText) : void 0,
    requireBaseline: reader.boolean("require-baseline", false),
    missingMetric: reader.choice("missing-metric", ["fail", "skip"], "fail"),
    failOnViolation: reader.boolean("fail-on-violation", true)
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
  }
}

export {
  metricGateMain
};
