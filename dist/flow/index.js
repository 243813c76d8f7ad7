import {
  checkName
} from "../shared/models.names.js";
import {
  StateKeys,
  runEntry,
  stageIO
} from "../shared/core.runner.js";
import {
  createInputReader,
  recordInputSource
} from "../shared/core.inputs.js";
import {
  readWorkflowRun
} from "../shared/core.workflow-run.js";
import "../shared/core.obj.js";
import "../shared/actions.js";
import "../shared/tunnel.js";
import {
  ConfigurationError,
  errorLocation,
  errorMessage,
  isUserError
} from "../shared/core.errors.js";
import "../shared/esbuild-runtime.js";

// src/runs/inputs/flow.ts
var SWITCH_VALUES = ["auto", "true", "false"];
var PR_EVENTS = /* @__PURE__ */ new Set(["pull_request", "pull_request_target"]);
function defaultBranchOf(run) {
  const repo = run.event.repository;
  return typeof repo?.default_branch === "string" && repo.default_branch !== "" ? repo.default_branch : void 0;
}
function readFlowInputs(reader, run) {
  const sw = (name) => reader.choice(name, SWITCH_VALUES, "auto");
  const submitSwitch = sw("submit-job");
  const gateSwitch = sw("metric-gate");
  const registerSwitch = sw("register-model");
  const deploySwitch = sw("deploy");
  const summaryOn = reader.boolean("pr-summary", true);
  const jobFile = reader.optional("job-file");
  const jobName = reader.optional("job-name");
  const rules = reader.optional("rules");
  const modelName = reader.optional("model-name");
  const modelPath = reader.optional("model-path") !== void 0;
  const endpoint = reader.optional("endpoint");
  const aliases = reader.list("model-alias").map((a) => checkName("alias", a.replace(/^@/, ""), "model-alias"));
  const pullRequest = PR_EVENTS.has(run.eventName ?? "") || run.event.pull_request !== void 0;
  const defaultBranch = defaultBranchOf(run);
  const onDefaultBranch = !pullRequest && defaultBranch !== void 0 && run.ref === `refs/heads/${defaultBranch}`;
  const plan = (sw2, given, missing) => sw2 === "false" ? { run: false, reason: "switched off" } : sw2 === "true" || given ? { run: true } : { run: false, reason: missing };
  const submit = plan(submitSwitch, jobFile !== void 0, "no job-file given");
  const gate = plan(gateSwitch, rules !== void 0, "no rules given");
  const register = plan(registerSwitch, modelName !== void 0, "no model-name given");
  let deploy;
  if (deploySwitch === "false") deploy = { run: false, reason: "switched off" };
  else if (deploySwitch === "true") deploy = { run: true };
  else if (endpoint === void 0) deploy = { run: false, reason: "no endpoint given" };
  else if (pullRequest) deploy = { run: false, reason: "a pull request: deploy runs on the default branch (or with deploy: true)" };
  else if (defaultBranch === void 0) deploy = { run: false, reason: "the event does not name the default branch (set deploy: true to deploy anyway)" };
  else if (!onDefaultBranch)
    deploy = { run: false, reason: `${run.ref ?? "this ref"} is not the default branch ${defaultBranch} (set deploy: true to deploy anyway)` };
  else deploy = { run: true };
  if (!submit.run && jobName === void 0 && (gate.run || register.run && !modelPath)) {
    throw new ConfigurationError(
      `The ${gate.run ? "metric gate" : "registration"} needs a job: give job-file (the job to submit) or job-name (an existing job).`,
      { input: "job-file", hint: submitSwitch === "false" ? "submit-job is false: name the job to read with job-name." : void 0 }
    );
  }
  const baselineInput = reader.optional("baseline");
  const baseline = baselineInput ?? (modelName !== void 0 && aliases.length > 0 ? `model:${modelName}:@${aliases[0]}` : void 0);
  return {
    submit,
    gate,
    register,
    deploy,
    summary: summaryOn ? { run: true } : { run: false, reason: "switched off" },
    jobName,
    modelName,
    modelPath,
    aliases,
    baseline,
    defaultBranch,
    onDefaultBranch,
    pullRequest
  };
}

// src/runs/flow/stages.ts
var STAGES = ["submit-job", "metric-gate", "register-model", "deploy", "pr-summary"];
var CONNECTION_INPUTS = [
  "subscription-id",
  "resource-group",
  "workspace-name",
  "client-id",
  "tenant-id",
  "client-secret",
  "cloud",
  "arm-endpoint",
  "authority-host"
];
var STAGE_INPUTS = {
  "submit-job": {
    "job-file": "job-file",
    set: "set",
    name: "job-name",
    "experiment-name": "experiment-name",
    "display-name": "display-name",
    tags: "job-tags",
    timeout: "timeout",
    "cancel-on-timeout": "cancel-on-timeout"
  },
  "metric-gate": {
    rules: "rules",
    baseline: "baseline",
    "baseline-tracking-uri": "baseline-tracking-uri",
    "baseline-mlflow-token": "baseline-mlflow-token",
    child: "child",
    "require-baseline": "require-baseline",
    "missing-metric": "missing-metric",
    "fail-on-violation": "fail-on-violation"
  },
  "register-model": {
    name: "model-name",
    path: "model-path",
    output: "model-output",
    type: "model-type",
    description: "model-description",
    tags: "model-tags"
  },
  deploy: {
    endpoint: "endpoint",
    "deployment-file": "deployment-file",
    "deployment-name": "deployment-name",
    "instance-type": "instance-type",
    "instance-count": "instance-count",
    "smoke-request": "smoke-request",
    "smoke-expect": "smoke-expect",
    "smoke-max-latency": "smoke-max-latency",
    "test-input": "test-input",
    "test-rows": "test-rows",
    "compare-rules": "compare-rules",
    "monitor-file": "monitor-file",
    strategy: "strategy",
    "canary-percent": "canary-percent",
    "step-percent": "step-percent",
    stages: "rollout-stages",
    "mirror-percent": "mirror-percent",
    "bake-time": "bake-time",
    "check-interval": "check-interval",
    "max-duration": "max-duration",
    "health-rules": "health-rules",
    "min-requests": "min-requests",
    "allow-no-traffic": "allow-no-traffic",
    "probe-rps": "probe-rps",
    "failure-threshold": "failure-threshold",
    "consecutive-error-limit": "consecutive-error-limit",
    "metrics-delay": "metrics-delay",
    rollback: "rollback",
    "keep-failed": "keep-failed",
    "old-deployments": "old-deployments"
  },
  "pr-summary": {
    "github-token": "github-token",
    header: "comment-header",
    mode: "comment-mode",
    title: "comment-title",
    "pr-number": "pr-number",
    "notify-slack-webhook": "notify-slack-webhook",
    "notify-teams-webhook": "notify-teams-webhook"
  }
};
var AZURE_STAGES = /* @__PURE__ */ new Set(["submit-job", "metric-gate", "register-model", "deploy"]);
var STAGE_OUTPUTS = {
  // The flow refuses schedule files (it follows one job), so the schedule outputs are not published.
  "submit-job": {
    "job-name": "job-name",
    status: "job-status",
    "studio-url": "job-studio-url",
    "run-id": "run-id",
    requests: null,
    "schedule-name": null,
    "schedule-status": null,
    "schedule-next-runs": null
  },
  "metric-gate": { passed: "gate-passed", report: "gate-report", metrics: "metrics" },
  "register-model": {
    "model-name": "model-name",
    "model-version": "model-version",
    "model-id": "model-id",
    "model-uri": "model-uri",
    created: "model-created",
    "content-hash": "model-content-hash",
    manifest: null,
    "manifest-path": null,
    "registry-model-id": null,
    "registry-model-uri": null,
    "studio-url": "model-studio-url"
  },
  deploy: {
    status: "rollout-status",
    "deployment-name": "deployment-name",
    "scoring-uri": "scoring-uri",
    traffic: "rollout-traffic",
    timeline: "rollout-timeline",
    "default-deployment": "default-deployment",
    "test-job": "test-job",
    "test-output": "test-output",
    comparison: "batch-comparison",
    "monitor-name": "monitor-name"
  },
  "pr-summary": {
    "comment-id": "comment-id",
    "comment-url": "comment-url",
    body: "comment-body",
    "body-path": "comment-body-path",
    "mode-used": "comment-mode-used"
  }
};
function rootOutputName(stage, output) {
  const mapped = STAGE_OUTPUTS[stage][output];
  if (mapped === null) return void 0;
  return mapped ?? `${stage}-${output}`;
}
function stageInputs(stage, root, forwarded = {}) {
  const values = {};
  if (AZURE_STAGES.has(stage)) for (const name of CONNECTION_INPUTS) values[name] = root(name);
  for (const [input, from] of Object.entries(STAGE_INPUTS[stage])) values[input] = root(from);
  return { ...values, ...forwarded };
}

// src/runs/flow.ts
var stageModules = {
  "submit-job": () => import("../shared/submit-job.js"),
  "metric-gate": () => import("../shared/metric-gate.js"),
  "register-model": () => import("../shared/register-model.js"),
  deploy: () => import("../shared/deploy.js"),
  "pr-summary": () => import("../shared/pr-summary.js")
};
function inFlowTerms(stage, error) {
  let message = errorMessage(error);
  const where = errorLocation(error);
  let input = where.input;
  for (const [own, root] of Object.entries(STAGE_INPUTS[stage])) {
    if (own === root) continue;
    message = message.split(`'${own}'`).join(`'${root}'`);
    if (input === own) input = root;
  }
  if (isUserError(error)) {
    return new ConfigurationError(`${stage}: ${message}`, { input, file: where.file, line: where.line, column: where.column, hint: where.hint, cause: error });
  }
  return new Error(`${stage}: ${message}`, { cause: error });
}
function stageReader(stage, source, forwarded) {
  return createInputReader(recordInputSource(stageInputs(stage, source, forwarded)));
}
function formatMs(ms) {
  return ms < 6e4 ? `${(ms / 1e3).toFixed(1)} s` : `${Math.floor(ms / 6e4)} min ${Math.round(ms % 6e4 / 1e3)} s`;
}
var FlowRun = class {
  constructor(deps, settings, env) {
    this.deps = deps;
    this.settings = settings;
    this.env = env;
  }
  deps;
  settings;
  env;
  results = {};
  published = {};
  forwarded = {};
  firstError;
  get io() {
    return this.deps.io;
  }
  cancelled() {
    return this.deps.abortSignal?.aborted === true;
  }
  publish(name, value) {
    this.published[name] = value;
    this.io.setOutput(name, value);
  }
  skip(stage, reason) {
    this.results[stage] = { status: "skipped", reason, outputs: {} };
    this.io.info(`\u23ED\uFE0F ${stage}: skipped \u2014 ${reason}.`);
  }
  /** Runs a stage over its own inputs and IO; a failure is kept (reported once, at the end), not thrown. */
  async run(stage, fn, stageForwarded = {}) {
    this.forwarded[stage] = stageForwarded;
    this.io.state.save(StateKeys.flow, { forwarded: this.forwarded });
    this.io.info("");
    this.io.info(`\u2501\u2501\u2501 ${stage} \u2501\u2501\u2501`);
    const started = Date.now();
    const outputs = {};
    let error;
    let failed = false;
    try {
      await fn(stageReader(stage, this.deps.source, stageForwarded), stageIO(this.io, outputs));
    } catch (e) {
      error = e;
      failed = true;
    }
    for (const [name, value] of Object.entries(outputs)) {
      const root = rootOutputName(stage, name);
      if (root !== void 0) this.publish(root, value);
    }
    const durationMs = Date.now() - started;
    if (failed) {
      const e = inFlowTerms(stage, error);
      this.firstError ??= e;
      this.io.info(`\u274C ${stage} failed after ${formatMs(durationMs)}: ${e.message}`);
      this.results[stage] = { status: "failed", reason: e.message, outputs, durationMs };
    } else {
      this.io.info(`\u2705 ${stage} done in ${formatMs(durationMs)}`);
      this.results[stage] = { status: "succeeded", outputs, durationMs };
    }
    return this.results[stage];
  }
};
async function flowMain(deps) {
  const env = deps.env ?? process.env;
  const settings = readFlowInputs(createInputReader(deps.source), readWorkflowRun(env));
  const f = new FlowRun(deps, settings, env);
  deps.io.info(
    `Flow: ${STAGES.map((s) => `${s} ${planOf(settings, s).run ? "\u25B6" : "\u23ED"}`).join(" \u2192 ")}` + (settings.defaultBranch ? ` (default branch ${settings.defaultBranch}${settings.onDefaultBranch ? ", this run is on it" : ""})` : "")
  );
  const jobName = await submitStage(f);
  const gateOk = await gateStage(f, jobName);
  const model = await registerStage(f, jobName, gateOk);
  await deployStage(f, gateOk, model);
  await championStage(f, model);
  if (!settings.summary.run) f.skip("pr-summary", settings.summary.reason ?? "off");
  else if (f.cancelled()) f.skip("pr-summary", "the workflow was cancelled");
  else
    await f.run("pr-summary", async (reader, io) => (await stageModules["pr-summary"]()).prSummaryMain({ reader, io, env, abortSignal: f.deps.abortSignal }));
  return conclude(f);
}
async function submitStage(f) {
  const { settings, env } = f;
  if (!settings.submit.run) {
    f.skip("submit-job", settings.submit.reason ?? "off");
    return settings.jobName;
  }
  const r = await f.run(
    "submit-job",
    async (reader, io) => (await stageModules["submit-job"]()).submitJobMain({ reader, io, env, abortSignal: f.deps.abortSignal, jobsOnly: true })
  );
  return r.outputs["job-name"] ?? settings.jobName;
}
async function gateStage(f, jobName) {
  const { settings, env } = f;
  if (!settings.gate.run) f.skip("metric-gate", settings.gate.reason ?? "off");
  else if (jobFailed(f) || f.cancelled()) f.skip("metric-gate", f.cancelled() ? "the workflow was cancelled" : "the job did not complete");
  else {
    const forwarded = { ...jobName ? { "job-name": jobName } : {}, ...settings.baseline ? { baseline: settings.baseline } : {} };
    const r = await f.run(
      "metric-gate",
      async (reader, io) => (await stageModules["metric-gate"]()).metricGateMain({ reader, io, env, abortSignal: f.deps.abortSignal }),
      forwarded
    );
    const passed = r.status === "succeeded" && r.outputs.passed === "true";
    if (r.status === "succeeded" && !passed)
      f.io.warning("The metric gate failed (fail-on-violation is false): the model is not registered nor deployed.", { title: "azureml-actions: gate failed" });
    return r.status !== "failed" && passed;
  }
  return f.results["metric-gate"].status !== "failed";
}
function jobFailed(f) {
  return f.results["submit-job"].status === "failed";
}
async function registerStage(f, jobName, gateOk) {
  const { settings, env } = f;
  if (!settings.register.run) f.skip("register-model", settings.register.reason ?? "off");
  else if (f.cancelled()) f.skip("register-model", "the workflow was cancelled");
  else if (jobFailed(f)) f.skip("register-model", "the job did not complete");
  else if (!gateOk) f.skip("register-model", "the metric gate failed");
  else {
    const r = await f.run(
      "register-model",
      async (reader, io) => (await stageModules["register-model"]()).registerModelMain({ reader, io, env, abortSignal: f.deps.abortSignal }),
      !settings.modelPath && jobName ? { "job-name": jobName } : {}
    );
    const { outputs } = r;
    if (r.status === "succeeded" && outputs["model-name"] && outputs["model-version"]) {
      return {
        name: outputs["model-name"],
        version: outputs["model-version"],
        uri: outputs["model-uri"] ?? `azureml:${outputs["model-name"]}:${outputs["model-version"]}`
      };
    }
  }
  return void 0;
}
async function deployStage(f, gateOk, model) {
  const { settings, env } = f;
  if (!settings.deploy.run) f.skip("deploy", settings.deploy.reason ?? "off");
  else if (f.cancelled()) f.skip("deploy", "the workflow was cancelled");
  else if (jobFailed(f)) f.skip("deploy", "the job did not complete");
  else if (!gateOk) f.skip("deploy", "the metric gate failed");
  else if (settings.register.run && !model) f.skip("deploy", "the model was not registered");
  else
    await f.run(
      "deploy",
      async (reader, io) => (await stageModules.deploy()).deployMain({ reader, io, env, abortSignal: f.deps.abortSignal }),
      model ? { model: model.uri } : {}
    );
}
async function championStage(f, model) {
  const { settings, results } = f;
  if (!model || settings.aliases.length === 0) return;
  const promoted = results.deploy.status === "succeeded" || results.deploy.status === "skipped" && settings.onDefaultBranch && !settings.deploy.run;
  if (!promoted || f.cancelled()) {
    const why = results.deploy.status === "failed" ? "the rollout did not succeed" : settings.pullRequest ? "a pull request" : "not the default branch";
    f.io.info(`${settings.aliases.map((a) => `@${a}`).join(", ")} not moved to ${model.name}:${model.version}: ${why}.`);
    return;
  }
  try {
    const moves = await moveModelAliases(stageReader("register-model", f.deps.source, {}), f.env, model, settings.aliases, f.io);
    const text = moves.map((m) => `@${m.alias} \u2192 ${model.name}:${model.version}${m.from.length ? ` (from ${m.from.join(", ")})` : ""}`).join(", ");
    f.io.info(`Champion: ${text}`);
    f.publish("model-aliases", settings.aliases.join(","));
  } catch (error) {
    const e = inFlowTerms("register-model", error);
    f.firstError ??= e;
    f.io.info(`\u274C moving ${settings.aliases.map((a) => `@${a}`).join(", ")} failed: ${e.message}`);
  }
}
function conclude(f) {
  const { results } = f;
  const stageResults = Object.fromEntries(
    STAGES.map((s) => [
      s,
      {
        status: results[s].status,
        ...results[s].reason ? { reason: results[s].reason } : {},
        ...results[s].durationMs !== void 0 ? { durationMs: results[s].durationMs } : {}
      }
    ])
  );
  f.publish("stage-results", JSON.stringify(stageResults));
  f.io.info("");
  f.io.info(`Flow: ${STAGES.map((s) => `${s} ${results[s].status === "succeeded" ? "\u2705" : results[s].status === "failed" ? "\u274C" : "\u23ED\uFE0F"}`).join(" \u2192 ")}`);
  if (f.firstError) throw f.firstError;
  if (f.cancelled()) throw new Error("the workflow was cancelled");
  return { stages: results, outputs: f.published };
}
function planOf(s, stage) {
  switch (stage) {
    case "submit-job":
      return s.submit;
    case "metric-gate":
      return s.gate;
    case "register-model":
      return s.register;
    case "deploy":
      return s.deploy;
    case "pr-summary":
      return s.summary;
  }
}
async function moveModelAliases(reader, env, model, aliases, log) {
  const [{ createAzureContext, readAzureInputs }, { moveAliases, workspaceModelStore }] = await Promise.all([
    import("../shared/context.js"),
    import("../shared/versions.js")
  ]);
  const azure = await readAzureInputs(reader, { env });
  const ctx = await createAzureContext(azure, { actionName: "register-model", info: (m) => log.info(m) });
  const models = workspaceModelStore(ctx.arm, azure.workspaceName);
  const version = await models.getVersion(model.name, model.version);
  if (!version) throw new Error(`model ${model.name}:${model.version} is not there any more`);
  const { moves } = await moveAliases(models, model.name, version, aliases, (m) => log.info(m));
  return moves;
}
async function flowPost(deps) {
  const env = deps.env ?? process.env;
  const forwarded = deps.io.state.load(StateKeys.flow)?.forwarded ?? {};
  let firstError;
  const post = async (stage, fn) => {
    try {
      await fn(stageReader(stage, deps.source, forwarded[stage]));
    } catch (error) {
      firstError ??= inFlowTerms(stage, error);
    }
  };
  await post("submit-job", async (reader) => (await stageModules["submit-job"]()).submitJobPost({ reader, io: deps.io, env }));
  await post("deploy", async (reader) => (await stageModules.deploy()).deployPost({ reader, io: deps.io, env }));
  if (firstError) throw firstError;
}

// src/actions/flow.ts
await runEntry({ name: "azureml-actions", main: flowMain, post: flowPost });
