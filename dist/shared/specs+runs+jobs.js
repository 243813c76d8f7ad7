const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { isAbsolute, relative, resolve } = require("node:path");
const { createHash } = require("node:crypto");
import {
  PlanContext,
  SpecDocument,
  codeId,
  didYouMean,
  environmentId,
  printUntrusted,
  stableJson,
  versionHash
} from "./specs.js";
import {
  assetId,
  createBlobStore,
  createDryRun,
  createSnapshotUploader,
  createWorkspaceApi,
  formatBytes,
  require_dist,
  submitPlannedJob
} from "./yaml.js";
import {
  closest,
  createArmClient,
  createAzureContext,
  createWorkspaceMlflowClient,
  readAzureInputs,
  trackingUriOf,
  workspaceResourceId
} from "./azure+metrics.js";
import {
  ConfigurationError,
  appendLedger,
  escapeText,
  isObj,
  lineageTags,
  link,
  readWorkflowRun,
  setSecret
} from "./actions+core.js";
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
    dryRun: reader.boolean("dry-run", false)
  };
}

// src/specs/job/common.ts
var COMMON_KEYS = [
  "$schema",
  "type",
  "name",
  "display_name",
  "experiment_name",
  "description",
  "tags",
  "properties",
  "compute",
  "identity",
  "services",
  "queue_settings"
];
function commonProperties(ctx, spec, jobType) {
  const p = { jobType };
  const s = (k) => ctx.optStr(spec, k, []);
  if (s("display_name") !== void 0) p.displayName = s("display_name");
  if (s("experiment_name") !== void 0) p.experimentName = s("experiment_name");
  if (s("description") !== void 0) p.description = s("description");
  const tags = ctx.stringMap(spec.tags, ["tags"]);
  if (tags) p.tags = tags;
  const props = ctx.stringMap(spec.properties, ["properties"]);
  if (props) p.properties = props;
  const compute = computeId(ctx, spec.compute, ["compute"]);
  if (compute) p.computeId = compute;
  const id = identity(ctx, spec.identity, ["identity"]);
  if (id) p.identity = id;
  const svc = services(ctx, spec.services, ["services"]);
  if (svc) p.services = svc;
  if (spec.queue_settings !== void 0) p.queueSettings = queueSettings(ctx, spec.queue_settings);
  return p;
}
function queueSettings(ctx, v) {
  const qs = ctx.map(v, ["queue_settings"]);
  ctx.checkKeys(qs, ["job_tier"], ["queue_settings"], "queue settings");
  const tiers = ["null", "spot", "basic", "standard", "premium"];
  const tier = ctx.str(qs.job_tier, ["queue_settings", "job_tier"]).toLowerCase();
  if (!tiers.includes(tier)) ctx.fail(["queue_settings", "job_tier"], `'${tier}' is not a job tier`, `valid: ${tiers.join(", ")}`);
  return { jobTier: tier[0].toUpperCase() + tier.slice(1) };
}
function computeId(ctx, v, path) {
  if (v === void 0 || v === null) return void 0;
  const s = ctx.str(v, path);
  if (s === "serverless" || s === "azureml:serverless") return void 0;
  const r = ctx.ref(s.startsWith("azureml:") ? s : `azureml:${s}`, path);
  if (r.kind === "arm-id") return r.id;
  if (r.kind === "asset" && !r.version && !r.label) return `${ctx.o.workspaceId}/computes/${r.name}`;
  return ctx.fail(path, `'${s}' is not a compute reference`, "write azureml:<compute-name> or a compute ARM id");
}
var IDENTITY_TYPES = { managed: "Managed", managed_identity: "Managed", aml_token: "AMLToken", user_identity: "UserIdentity" };
function identity(ctx, v, path) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path, "must be a map with a type");
  ctx.checkKeys(m, ["type", "client_id", "object_id", "msi_resource_id"], path, "job identity");
  const type = ctx.str(m.type, [...path, "type"]);
  const identityType = Object.hasOwn(IDENTITY_TYPES, type.toLowerCase()) ? IDENTITY_TYPES[type.toLowerCase()] : ctx.fail([...path, "type"], `'${type}' is not an identity type`, "valid: managed, aml_token, user_identity");
  const out = { identityType };
  if (m.client_id !== void 0) out.clientId = ctx.str(m.client_id, [...path, "client_id"]);
  if (m.object_id !== void 0) out.objectId = ctx.str(m.object_id, [...path, "object_id"]);
  if (m.msi_resource_id !== void 0) out.resourceId = ctx.str(m.msi_resource_id, [...path, "msi_resource_id"]);
  if (identityType !== "Managed" && Object.keys(out).length > 1) ctx.fail(path, "client_id, object_id and msi_resource_id apply to a managed identity only");
  return out;
}
var SERVICE_TYPES = ["vs_code", "jupyter_lab", "tensor_board", "ssh"];
function services(ctx, v, path) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path, "must be a map of service names to services");
  const out = {};
  for (const [name, svc] of Object.entries(m)) out[name] = service(ctx, svc, [...path, name]);
  return out;
}
function service(ctx, v, p) {
  const svc = ctx.map(v, p, "must be a map with a type");
  ctx.checkKeys(svc, ["type", "log_dir", "ssh_public_keys", "nodes", "port"], p, "job service");
  const type = ctx.str(svc.type, [...p, "type"]);
  if (!SERVICE_TYPES.includes(type)) ctx.fail([...p, "type"], `'${type}' is not a job service type`, `valid: ${SERVICE_TYPES.join(", ")}`);
  const s = { jobServiceType: type };
  const props = {};
  if (svc.log_dir !== void 0) props.logDir = ctx.str(svc.log_dir, [...p, "log_dir"]);
  if (svc.ssh_public_keys !== void 0) props.sshPublicKeys = ctx.str(svc.ssh_public_keys, [...p, "ssh_public_keys"]);
  if (Object.keys(props).length) s.properties = props;
  if (svc.port !== void 0) s.port = ctx.int(svc.port, [...p, "port"], 1);
  if (svc.nodes !== void 0) {
    if (svc.nodes !== "all") ctx.fail([...p, "nodes"], "must be 'all'");
    s.nodes = { nodesValueType: "All" };
  }
  return s;
}
function resources(ctx, v, path) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path);
  ctx.checkKeys(m, ["instance_count", "instance_type", "shm_size", "docker_args", "properties"], path, "resources section");
  const out = {};
  if (m.instance_count !== void 0) out.instanceCount = ctx.int(m.instance_count, [...path, "instance_count"], 1);
  if (m.instance_type !== void 0) out.instanceType = ctx.str(m.instance_type, [...path, "instance_type"]);
  if (m.shm_size !== void 0) out.shmSize = ctx.str(m.shm_size, [...path, "shm_size"]);
  if (m.docker_args !== void 0) out.dockerArgs = ctx.str(m.docker_args, [...path, "docker_args"]);
  if (m.properties !== void 0) out.properties = ctx.map(m.properties, [...path, "properties"]);
  return out;
}
function distribution(ctx, v, path) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path, "must be a map with a type");
  const type = ctx.str(m.type, [...path, "type"]).toLowerCase();
  if (type === "pytorch" || type === "mpi") {
    ctx.checkKeys(m, ["type", "process_count_per_instance"], path, `${type} distribution`);
    const out = { distributionType: type === "pytorch" ? "PyTorch" : "Mpi" };
    if (m.process_count_per_instance !== void 0)
      out.processCountPerInstance = ctx.int(m.process_count_per_instance, [...path, "process_count_per_instance"], 1);
    return out;
  }
  if (type === "tensorflow") {
    ctx.checkKeys(m, ["type", "worker_count", "parameter_server_count"], path, "tensorflow distribution");
    const out = { distributionType: "TensorFlow" };
    if (m.worker_count !== void 0) out.workerCount = ctx.int(m.worker_count, [...path, "worker_count"], 1);
    if (m.parameter_server_count !== void 0) out.parameterServerCount = ctx.int(m.parameter_server_count, [...path, "parameter_server_count"]);
    return out;
  }
  return ctx.fail([...path, "type"], `'${String(m.type)}' is not a distribution type`, "valid: pytorch, mpi, tensorflow");
}
function commandLimits(ctx, v, path) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path);
  ctx.checkKeys(m, ["timeout"], path, "command job limits section");
  const out = { jobLimitsType: "Command" };
  if (m.timeout !== void 0) out.timeout = `PT${ctx.int(m.timeout, [...path, "timeout"], 1)}S`;
  return out;
}

// src/specs/job/io.ts
var INPUT_TYPES = ["uri_file", "uri_folder", "mltable", "custom_model", "mlflow_model", "triton_model"];
var LITERAL_TYPES = ["string", "number", "integer", "boolean"];
var INPUT_MODES = {
  mount: "ReadOnlyMount",
  ro_mount: "ReadOnlyMount",
  rw_mount: "ReadWriteMount",
  download: "Download",
  direct: "Direct",
  eval_mount: "EvalMount",
  eval_download: "EvalDownload"
};
var OUTPUT_MODES = { mount: "ReadWriteMount", rw_mount: "ReadWriteMount", upload: "Upload", direct: "Direct" };
var URL_SCHEMES = ["https", "http", "wasbs", "wasb", "abfss", "abfs", "adl", "azureml"];
async function assetUri(ctx, raw, type, path, purpose) {
  const r = ctx.ref(raw, path);
  switch (r.kind) {
    case "local": {
      const upload = await ctx.snapshotOf(r.path, path, purpose);
      if (type === "uri_file" && !upload.snapshot.isFile) ctx.fail(path, `'${raw}' is a folder but the input type is uri_file`, "use type: uri_folder");
      return ctx.datastoreUri(upload.datastorePath, !upload.snapshot.isFile);
    }
    case "asset": {
      const kind = type.endsWith("_model") ? "models" : "data";
      return ctx.assetVersionId(kind, r, path);
    }
    case "arm-id":
      return r.id;
    case "registry":
    case "datastore":
    case "job-output":
    case "mlflow-run":
      return r.uri;
    case "url":
      if (!URL_SCHEMES.includes(r.scheme)) ctx.fail(path, `'${raw}' uses the unsupported scheme ${r.scheme}://`);
      return r.uri;
    case "git":
      return ctx.fail(path, `'${raw}' is a git reference, not data`);
  }
}
async function jobInput(ctx, v, path, bindingsAllowed) {
  if (v === null || v === void 0) return ctx.fail(path, "has no value");
  if (!isObj(v)) {
    if (Array.isArray(v)) return ctx.fail(path, "must be a value or a map with type and path");
    const value = String(v);
    if (!bindingsAllowed && /\$\{\{/.test(value)) refuseBinding(ctx, value, path);
    return { jobInputType: "literal", value };
  }
  ctx.checkKeys(v, ["type", "path", "mode", "value", "default", "description", "optional"], path, "job input");
  const type = v.type === void 0 ? "uri_folder" : ctx.str(v.type, [...path, "type"]);
  const out = {};
  if (v.description !== void 0) out.description = ctx.str(v.description, [...path, "description"]);
  if (LITERAL_TYPES.includes(type)) {
    const val = v.value ?? v.default;
    if (val === void 0) ctx.fail(path, `a ${type} input needs a value`);
    return { ...out, jobInputType: "literal", value: String(val) };
  }
  if (!INPUT_TYPES.includes(type)) ctx.fail([...path, "type"], `'${type}' is not an input type`, `valid: ${INPUT_TYPES.join(", ")}, or a literal value`);
  if (v.path === void 0) ctx.fail(path, `a ${type} input needs a path`);
  const rawPath = ctx.str(v.path, [...path, "path"]);
  out.jobInputType = type;
  out.uri = /\$\{\{/.test(rawPath) && bindingsAllowed ? rawPath : await assetUri(ctx, rawPath, type, [...path, "path"], `inputs.${String(path[path.length - 1])}`);
  if (v.mode !== void 0) out.mode = ctx.oneOf(ctx.str(v.mode, [...path, "mode"]), [...path, "mode"], INPUT_MODES, "an input mode");
  return out;
}
async function jobInputs(ctx, v, path, bindingsAllowed = false) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path, "must be a map of input names to inputs");
  const out = {};
  for (const [k, val] of Object.entries(m)) out[k] = await jobInput(ctx, val, [...path, k], bindingsAllowed);
  return out;
}
function jobOutput(ctx, v, path) {
  if (v === null || v === void 0) return { jobOutputType: "uri_folder" };
  const m = ctx.map(v, path, "must be empty or a map with type, path and mode");
  ctx.checkKeys(m, ["type", "path", "mode", "description"], path, "job output");
  const type = m.type === void 0 ? "uri_folder" : ctx.str(m.type, [...path, "type"]);
  if (!INPUT_TYPES.includes(type)) ctx.fail([...path, "type"], `'${type}' is not an output type`, `valid: ${INPUT_TYPES.join(", ")}`);
  const out = { jobOutputType: type };
  if (m.description !== void 0) out.description = ctx.str(m.description, [...path, "description"]);
  if (m.path !== void 0) out.uri = outputUri(ctx, m.path, [...path, "path"]);
  if (m.mode !== void 0) out.mode = ctx.oneOf(ctx.str(m.mode, [...path, "mode"]), [...path, "mode"], OUTPUT_MODES, "an output mode");
  return out;
}
function outputUri(ctx, v, path) {
  const raw = ctx.str(v, path);
  const r = ctx.ref(raw.replace(/\$\{\{name\}\}/g, "x"), path);
  if (r.kind !== "datastore" && r.kind !== "url")
    ctx.fail(path, `an output path must be a datastore path (azureml://datastores/<ds>/paths/<p>) or a storage URL, not '${raw}'`);
  return raw;
}
function jobOutputs(ctx, v, path) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path, "must be a map of output names to outputs");
  const out = {};
  for (const [k, val] of Object.entries(m)) out[k] = jobOutput(ctx, val, [...path, k]);
  return out;
}
function scopeOf(inputs, outputs, searchSpace2) {
  const scope = { inputs: Object.keys(inputs ?? {}), outputs: [...Object.keys(outputs ?? {}), "artifacts"] };
  if (searchSpace2) scope.searchSpace = Object.keys(searchSpace2);
  return scope;
}
function checkCommandRefs(ctx, command, path, scope) {
  for (const m of command.matchAll(/\$\{\{\s*([^}]*?)\s*\}\}/g)) {
    const expr = m[1];
    const parts = expr.split(".");
    const [head, name] = parts;
    const known = head === "inputs" && scope.inputs.includes(name) || head === "outputs" && scope.outputs.includes(name) || head === "search_space" && scope.searchSpace?.includes(name) || head === "name" && parts.length === 1;
    if (parts.length === 2 && known) continue;
    if (parts.length === 1 && head === "name") continue;
    const pool = head === "inputs" ? scope.inputs : head === "outputs" ? scope.outputs : head === "search_space" ? scope.searchSpace ?? [] : [];
    const near = name ? closest(name, pool) : void 0;
    const valid = [
      ...scope.inputs.map((i) => `inputs.${i}`),
      ...scope.outputs.map((o) => `outputs.${o}`),
      ...(scope.searchSpace ?? []).map((s) => `search_space.${s}`)
    ];
    ctx.fail(
      path,
      `refers to \${{${expr}}}, which is not defined${near ? ` (did you mean ${head}.${near}?)` : ""}`,
      valid.length ? `defined: ${valid.join(", ")}` : "this job defines no inputs or outputs"
    );
  }
}
function refuseBinding(ctx, value, path) {
  return ctx.fail(path, `uses the binding '${value}', which only a pipeline step can use`);
}

// src/specs/job/command.ts
var COMMAND_KEYS = [...COMMON_KEYS, "command", "code", "environment", "environment_variables", "inputs", "outputs", "resources", "limits", "distribution"];
async function translate(ctx, spec) {
  ctx.checkKeys(spec, COMMAND_KEYS, [], "command job");
  const p = commonProperties(ctx, spec, "Command");
  if (spec.command === void 0) ctx.fail([], "a command job needs 'command'");
  p.command = ctx.str(spec.command, ["command"]).trim();
  const code = await codeId(ctx, spec.code, ["code"]);
  if (code) p.codeId = code;
  p.environmentId = await environmentId(ctx, spec.environment, ["environment"]);
  const env = ctx.stringMap(spec.environment_variables, ["environment_variables"]);
  if (env) p.environmentVariables = env;
  const inputs = await jobInputs(ctx, spec.inputs, ["inputs"]);
  if (inputs) p.inputs = inputs;
  const outputs = jobOutputs(ctx, spec.outputs, ["outputs"]);
  if (outputs) p.outputs = outputs;
  checkCommandRefs(ctx, p.command, ["command"], scopeOf(inputs, outputs));
  const res = resources(ctx, spec.resources, ["resources"]);
  if (res) p.resources = res;
  const limits = commandLimits(ctx, spec.limits, ["limits"]);
  if (limits) p.limits = limits;
  const dist = distribution(ctx, spec.distribution, ["distribution"]);
  if (dist) p.distribution = dist;
  return p;
}
var commandJob = { type: "command", jobType: "Command", translate };

// src/specs/job/components.ts
var ANON_COMPONENT_NAME = "azureml_anonymous";
var COMMAND_COMPONENT_SCHEMA = "https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json";
var COMPONENT_KEYS = [
  "$schema",
  "name",
  "version",
  "display_name",
  "description",
  "type",
  "command",
  "code",
  "environment",
  "inputs",
  "outputs",
  "tags",
  "is_deterministic",
  "resources",
  "distribution",
  "environment_variables"
];
var PORT_KEYS = ["type", "description", "default", "optional", "min", "max", "enum", "mode"];
function registerComponent(ctx, componentSpec) {
  const version = versionHash(stableJson(componentSpec));
  const spec = { ...componentSpec, version };
  const id = assetId(ctx.o.workspaceId, "components", ANON_COMPONENT_NAME, version);
  return ctx.addAsset({ kind: "components", name: ANON_COMPONENT_NAME, version, id, body: { properties: { componentSpec: spec, isAnonymous: true } } });
}
async function componentRef(ctx, v, path) {
  if (isObj(v)) return ctx.fail(path, "inline component definitions are not supported; put the component in its own YAML file and give its path");
  const raw = ctx.str(v, path);
  const r = ctx.ref(raw, path);
  if (r.kind === "asset") return ctx.assetVersionId("components", r, path);
  if (r.kind === "arm-id") return r.id;
  if (r.kind === "registry") return r.uri;
  if (r.kind !== "local")
    ctx.fail(path, `'${raw}' is not a component reference`, "a local component YAML file, azureml:<name>:<version> or azureml:<name>@latest");
  return ctx.planFile(r.path, path, "component", componentFile);
}
async function componentFile(ctx) {
  const c = ctx.map(ctx.doc.value, [], "a component file must be a YAML map");
  ctx.checkKeys(c, COMPONENT_KEYS, [], "command component");
  if (c.type !== void 0 && c.type !== "command")
    ctx.fail(["type"], `components of type '${String(c.type)}' are not supported`, "supported: command components");
  if (c.command === void 0) ctx.fail([], "a command component needs 'command'");
  const out = { $schema: COMMAND_COMPONENT_SCHEMA, type: "command" };
  for (const k of ["name", "version", "display_name", "description"]) if (c[k] !== void 0) out[k] = ctx.str(c[k], [k]);
  out.command = ctx.str(c.command, ["command"]).trim();
  const code = await codeId(ctx, c.code, ["code"]);
  if (code) out.code = `azureml:${code}`;
  out.environment = `azureml:${await environmentId(ctx, c.environment, ["environment"])}`;
  for (const section of ["inputs", "outputs"]) {
    if (c[section] === void 0 || c[section] === null) continue;
    out[section] = componentPorts(ctx, c[section], section);
  }
  checkCommandRefs(ctx, out.command, ["command"], scopeOf(out.inputs, out.outputs));
  if (c.tags !== void 0) out.tags = ctx.stringMap(c.tags, ["tags"]);
  out.is_deterministic = c.is_deterministic === void 0 ? true : Boolean(c.is_deterministic);
  if (out.name === void 0) return registerComponent(ctx, out);
  const name = out.name;
  const version = out.version ?? versionHash(stableJson(out)).slice(0, 12);
  out.version = version;
  const id = assetId(ctx.o.workspaceId, "components", name, version);
  return ctx.addAsset({ kind: "components", name, version, id, body: { properties: { componentSpec: out, isAnonymous: false } } });
}
function componentPorts(ctx, v, section) {
  const what = section.slice(0, -1);
  const typeNames = [...INPUT_TYPES, ...LITERAL_TYPES];
  const m = {};
  for (const [name, d] of Object.entries(ctx.map(v, [section]))) {
    const dp = [section, name];
    const port = ctx.map(d, dp, "must be a map with a type");
    ctx.checkKeys(port, PORT_KEYS, dp, `component ${what}`);
    const t = port.type === void 0 ? "uri_folder" : ctx.str(port.type, [...dp, "type"]);
    if (!typeNames.includes(t)) ctx.fail([...dp, "type"], `'${t}' is not a component ${what} type`, `valid: ${typeNames.join(", ")}`);
    m[name] = port;
  }
  return m;
}

// src/specs/job/pipeline.ts
var PIPELINE_KEYS = [...COMMON_KEYS, "inputs", "outputs", "settings", "jobs"];
var SETTINGS_KEYS = ["default_compute", "default_datastore", "continue_on_step_failure", "force_rerun", "default_environment"];
var NODE_KEYS = [
  "type",
  "component",
  "command",
  "code",
  "environment",
  "environment_variables",
  "inputs",
  "outputs",
  "compute",
  "resources",
  "distribution",
  "limits",
  "display_name",
  "description",
  "tags",
  "identity",
  "services",
  "name"
];
var BINDING = /^\s*\$\{\{.*\}\}\s*$/;
async function translate2(ctx, spec) {
  ctx.checkKeys(spec, PIPELINE_KEYS, [], "pipeline job");
  const p = commonProperties(ctx, spec, "Pipeline");
  const inputs = await jobInputs(ctx, spec.inputs, ["inputs"]);
  if (inputs) p.inputs = inputs;
  const outputs = jobOutputs(ctx, spec.outputs, ["outputs"]);
  if (outputs) p.outputs = outputs;
  p.settings = await settings(ctx, spec.settings);
  if (!isObj(spec.jobs) || Object.keys(spec.jobs).length === 0) ctx.fail(["jobs"], "a pipeline job needs at least one step under jobs");
  const jobs = spec.jobs;
  const parent = { inputs: Object.keys(inputs ?? {}), outputs: Object.keys(outputs ?? {}), steps: Object.keys(jobs), jobs };
  const nodes = {};
  for (const [stepName, node] of Object.entries(jobs)) {
    const path = ["jobs", stepName];
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(stepName)) ctx.fail(path, "a step name starts with a letter or _ and has letters, digits and _ only");
    if (!isObj(node)) ctx.fail(path, "must be a step (a map with a command or a component)");
    nodes[stepName] = await pipelineNode(ctx, stepName, node, path, parent);
  }
  p.jobs = nodes;
  return p;
}
async function settings(ctx, v) {
  const out = {};
  if (v !== void 0 && v !== null) {
    const st = ctx.map(v, ["settings"]);
    ctx.checkKeys(st, SETTINGS_KEYS, ["settings"], "pipeline settings section");
    if (st.default_compute !== void 0) out.default_compute = computeId(ctx, st.default_compute, ["settings", "default_compute"]);
    if (st.default_datastore !== void 0) {
      const ds = ctx.str(st.default_datastore, ["settings", "default_datastore"]).replace(/^azureml:/, "");
      out.default_datastore = `${ctx.o.workspaceId}/datastores/${ds}`;
    }
    if (st.continue_on_step_failure !== void 0) out.continue_on_step_failure = Boolean(st.continue_on_step_failure);
    if (st.force_rerun !== void 0) out.force_rerun = Boolean(st.force_rerun);
    if (st.default_environment !== void 0) out.default_environment = await environmentId(ctx, st.default_environment, ["settings", "default_environment"]);
  }
  out._source = "YAML.JOB";
  return out;
}
async function pipelineNode(ctx, stepName, node, path, parent) {
  ctx.checkKeys(node, NODE_KEYS, path, "pipeline step");
  const type = node.type === void 0 ? "command" : ctx.str(node.type, [...path, "type"]);
  if (type !== "command")
    ctx.fail([...path, "type"], `steps of type '${type}' are not supported`, "supported: command steps (inline, or a component: file or reference)");
  const inputs = await stepInputs(ctx, node.inputs, [...path, "inputs"], parent, stepName);
  if (node.inputs !== void 0 && node.inputs !== null && !isObj(node.inputs)) ctx.fail([...path, "inputs"], "must be a map");
  const outputs = stepOutputs(ctx, node.outputs, [...path, "outputs"], parent);
  const out = { name: stepName, type: "command", _source: "YAML.JOB" };
  if (node.display_name !== void 0) out.display_name = ctx.str(node.display_name, [...path, "display_name"]);
  if (node.compute !== void 0) out.computeId = computeId(ctx, node.compute, [...path, "compute"]);
  if (node.environment_variables !== void 0) out.environment_variables = ctx.stringMap(node.environment_variables, [...path, "environment_variables"]);
  if (node.resources !== void 0) out.resources = resources(ctx, node.resources, [...path, "resources"]);
  if (node.distribution !== void 0) out.distribution = distribution(ctx, node.distribution, [...path, "distribution"]);
  if (node.limits !== void 0) out.limits = commandLimits(ctx, node.limits, [...path, "limits"]);
  if (node.tags !== void 0) out.tags = ctx.stringMap(node.tags, [...path, "tags"]);
  if (Object.keys(inputs.rest).length) out.inputs = inputs.rest;
  if (Object.keys(outputs.rest).length) out.outputs = outputs.rest;
  if (node.component !== void 0) {
    if (node.command !== void 0 || node.code !== void 0 || node.environment !== void 0)
      ctx.fail(path, "a step has either a component or command/code/environment, not both");
    out.componentId = await componentRef(ctx, node.component, [...path, "component"]);
  } else {
    out.componentId = await inlineComponent(ctx, node, path, inputs.ports, outputs.ports);
  }
  return out;
}
async function stepInputs(ctx, v, path, parent, stepName) {
  const bound = { rest: {}, ports: {} };
  for (const [name, x] of Object.entries(isObj(v) ? v : {})) {
    const ip = [...path, name];
    if (typeof x === "string" && BINDING.test(x)) {
      checkPipelineBinding(ctx, x, ip, parent, stepName);
      bound.rest[name] = { job_input_type: "literal", value: x.trim() };
      bound.ports[name] = { type: /outputs\./.test(x) ? "uri_folder" : "string" };
    } else {
      const { jobInputType, ...others } = await jobInput(ctx, x, ip, true);
      bound.rest[name] = { job_input_type: jobInputType, ...others };
      bound.ports[name] = { type: jobInputType === "literal" ? literalType(x) : jobInputType };
    }
  }
  return bound;
}
function stepOutputs(ctx, v, path, parent) {
  const bound = { rest: {}, ports: {} };
  for (const [name, x] of Object.entries(isObj(v) ? v : {})) {
    const op = [...path, name];
    if (typeof x === "string" && BINDING.test(x)) {
      const m = /^\s*\$\{\{\s*parent\.outputs\.([A-Za-z0-9_]+)\s*\}\}\s*$/.exec(x);
      if (!m || !parent.outputs.includes(m[1]))
        ctx.fail(
          op,
          `'${x}' must bind a pipeline output: \${{parent.outputs.<name>}}`,
          parent.outputs.length ? `pipeline outputs: ${parent.outputs.join(", ")}` : "this pipeline defines no outputs"
        );
      bound.rest[name] = { type: "literal", value: x.trim() };
      bound.ports[name] = { type: "uri_folder" };
    } else {
      const { jobOutputType, ...others } = jobOutput(ctx, x, op);
      bound.rest[name] = { job_output_type: jobOutputType, ...others };
      bound.ports[name] = { type: jobOutputType };
    }
  }
  return bound;
}
async function inlineComponent(ctx, node, path, inputs, outputs) {
  if (node.command === void 0) ctx.fail(path, "a step needs a command (inline) or a component");
  const command = ctx.str(node.command, [...path, "command"]).trim();
  checkCommandRefs(ctx, command, [...path, "command"], scopeOf(inputs, outputs));
  const componentSpec = { $schema: COMMAND_COMPONENT_SCHEMA, name: ANON_COMPONENT_NAME, type: "command", command, is_deterministic: true };
  const code = await codeId(ctx, node.code, [...path, "code"]);
  if (code) componentSpec.code = `azureml:${code}`;
  if (node.environment === void 0 && !hasDefaultEnvironment(ctx.doc.value))
    ctx.fail(path, "a step needs an environment (or the pipeline settings.default_environment)");
  if (node.environment !== void 0) componentSpec.environment = `azureml:${await environmentId(ctx, node.environment, [...path, "environment"])}`;
  if (Object.keys(inputs).length) componentSpec.inputs = inputs;
  if (Object.keys(outputs).length) componentSpec.outputs = outputs;
  return registerComponent(ctx, componentSpec);
}
function hasDefaultEnvironment(spec) {
  return isObj(spec) && isObj(spec.settings) && Boolean(spec.settings.default_environment);
}
function checkPipelineBinding(ctx, v, path, parent, self) {
  const m = /^\s*\$\{\{\s*parent\.(inputs\.([A-Za-z0-9_]+)|jobs\.([A-Za-z0-9_]+)\.outputs\.([A-Za-z0-9_]+))\s*\}\}\s*$/.exec(v);
  if (!m) return ctx.fail(path, `'${v}' is not a pipeline binding`, "write ${{parent.inputs.<name>}} or ${{parent.jobs.<step>.outputs.<name>}}");
  if (m[2] !== void 0) {
    if (!parent.inputs.includes(m[2])) {
      ctx.fail(
        path,
        `binds the pipeline input '${m[2]}', which is not defined${didYouMean(m[2], parent.inputs)}`,
        parent.inputs.length ? `pipeline inputs: ${parent.inputs.join(", ")}` : "this pipeline defines no inputs"
      );
    }
    return;
  }
  const [step, output] = [m[3], m[4]];
  if (!parent.steps.includes(step))
    ctx.fail(path, `binds the step '${step}', which is not in this pipeline${didYouMean(step, parent.steps)}`, `steps: ${parent.steps.join(", ")}`);
  if (step === self) ctx.fail(path, `a step cannot bind its own output (${step})`);
  const other = parent.jobs[step];
  const declared = isObj(other) && isObj(other.outputs) ? Object.keys(other.outputs) : [];
  if (output !== "artifacts" && isObj(other) && other.component === void 0 && !declared.includes(output)) {
    ctx.fail(
      path,
      `binds output '${output}' of step '${step}', which that step does not declare${didYouMean(output, declared)}`,
      declared.length ? `outputs of ${step}: ${declared.join(", ")}` : `step ${step} declares no outputs`
    );
  }
}
function literalType(v) {
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return "string";
}
var pipelineJob = { type: "pipeline", jobType: "Pipeline", translate: translate2 };

// src/specs/job/sweep.ts
var SWEEP_KEYS = [...COMMON_KEYS, "trial", "inputs", "outputs", "search_space", "sampling_algorithm", "objective", "early_termination", "limits"];
var TRIAL_KEYS = ["command", "code", "environment", "environment_variables", "resources", "distribution"];
var DISTRIBUTIONS = {
  choice: ["values"],
  randint: ["upper"],
  uniform: ["min_value", "max_value"],
  loguniform: ["min_value", "max_value"],
  quniform: ["min_value", "max_value", "q"],
  qloguniform: ["min_value", "max_value", "q"],
  normal: ["mu", "sigma"],
  lognormal: ["mu", "sigma"],
  qnormal: ["mu", "sigma", "q"],
  qlognormal: ["mu", "sigma", "q"]
};
var SAMPLING = { random: "Random", grid: "Grid", bayesian: "Bayesian" };
async function translate3(ctx, spec) {
  ctx.checkKeys(spec, SWEEP_KEYS, [], "sweep job");
  const p = commonProperties(ctx, spec, "Sweep");
  const trial = await trialOf(ctx, spec.trial);
  p.trial = trial;
  const inputs = await jobInputs(ctx, spec.inputs, ["inputs"]);
  if (inputs) p.inputs = inputs;
  const outputs = jobOutputs(ctx, spec.outputs, ["outputs"]);
  if (outputs) p.outputs = outputs;
  if (spec.search_space === void 0) ctx.fail([], "a sweep job needs 'search_space'");
  const space = searchSpace(ctx, spec.search_space, ["search_space"]);
  p.searchSpace = space;
  checkCommandRefs(ctx, trial.command, ["trial", "command"], scopeOf(inputs, outputs, space));
  p.samplingAlgorithm = samplingAlgorithm(ctx, spec.sampling_algorithm, space);
  p.objective = objective(ctx, spec.objective);
  if (spec.early_termination !== void 0 && spec.early_termination !== null) p.earlyTermination = earlyTermination(ctx, spec.early_termination);
  if (spec.limits !== void 0 && spec.limits !== null) p.limits = sweepLimits(ctx, spec.limits);
  return p;
}
async function trialOf(ctx, v) {
  const t = ctx.map(v, ["trial"], "a sweep job needs a trial (command, code, environment)");
  ctx.checkKeys(t, TRIAL_KEYS, ["trial"], "sweep trial");
  if (t.command === void 0) ctx.fail(["trial"], "the trial needs 'command'");
  const trial = { command: ctx.str(t.command, ["trial", "command"]).trim() };
  const code = await codeId(ctx, t.code, ["trial", "code"]);
  if (code) trial.codeId = code;
  trial.environmentId = await environmentId(ctx, t.environment, ["trial", "environment"]);
  const env = ctx.stringMap(t.environment_variables, ["trial", "environment_variables"]);
  if (env) trial.environmentVariables = env;
  const res = resources(ctx, t.resources, ["trial", "resources"]);
  if (res) trial.resources = res;
  const dist = distribution(ctx, t.distribution, ["trial", "distribution"]);
  if (dist) trial.distribution = dist;
  return trial;
}
function searchSpace(ctx, v, path) {
  if (!isObj(v) || Object.keys(v).length === 0) return ctx.fail(path, "must be a map of parameter names to distributions");
  const out = {};
  for (const [name, d] of Object.entries(v)) out[name] = parameter(ctx, d, [...path, name]);
  return out;
}
function parameter(ctx, v, p) {
  const d = ctx.map(v, p, "must be a map with a type (choice, uniform, ...)");
  const type = ctx.str(d.type, [...p, "type"]).toLowerCase();
  const keys = ctx.oneOf(type, [...p, "type"], DISTRIBUTIONS, "a search space distribution");
  ctx.checkKeys(d, ["type", ...keys], p, `${type} distribution`);
  if (type === "choice") {
    if (!Array.isArray(d.values) || d.values.length === 0) ctx.fail([...p, "values"], "must be a non-empty list");
    for (const [i, x] of d.values.entries()) {
      if (isObj(x) || Array.isArray(x)) ctx.fail([...p, "values", i], "nested search spaces are not supported; give plain values");
    }
    return ["choice", [d.values]];
  }
  if (type === "randint") return ["randint", [ctx.int(d.upper, [...p, "upper"], 1)]];
  const args = keys.map((k) => ctx.num(d[k], [...p, k]));
  if (type.includes("uniform") && args[0] >= args[1]) ctx.fail([...p, "max_value"], "must be greater than min_value");
  return [type, args];
}
function samplingAlgorithm(ctx, sa, space) {
  if (sa === void 0) ctx.fail([], "a sweep job needs 'sampling_algorithm' (random, grid or bayesian)");
  const saObj = isObj(sa) ? sa : { type: sa };
  if (isObj(sa)) ctx.checkKeys(sa, ["type", "seed", "rule"], ["sampling_algorithm"], "sampling algorithm");
  const saType = ctx.str(saObj.type, isObj(sa) ? ["sampling_algorithm", "type"] : ["sampling_algorithm"]).toLowerCase();
  const algo = { samplingAlgorithmType: ctx.oneOf(saType, ["sampling_algorithm"], SAMPLING, "a sampling algorithm") };
  if (saObj.seed !== void 0) algo.seed = ctx.int(saObj.seed, ["sampling_algorithm", "seed"]);
  if (saObj.rule !== void 0) {
    const rule = ctx.str(saObj.rule, ["sampling_algorithm", "rule"]).toLowerCase();
    if (rule !== "random" && rule !== "sobol") ctx.fail(["sampling_algorithm", "rule"], "must be 'random' or 'sobol'");
    algo.rule = rule === "sobol" ? "Sobol" : "Random";
  }
  if ((algo.seed !== void 0 || algo.rule !== void 0) && saType !== "random")
    ctx.fail(["sampling_algorithm"], "seed and rule apply to random sampling only");
  if (saType === "grid") {
    for (const [name, d] of Object.entries(space)) {
      if (d[0] !== "choice") ctx.fail(["search_space", name], "grid sampling needs choice distributions only");
    }
  }
  return algo;
}
function objective(ctx, v) {
  const obj = ctx.map(v, ["objective"], "a sweep job needs an objective with goal and primary_metric");
  ctx.checkKeys(obj, ["goal", "primary_metric"], ["objective"], "objective");
  const goal = ctx.str(obj.goal, ["objective", "goal"]).toLowerCase();
  if (goal !== "minimize" && goal !== "maximize") ctx.fail(["objective", "goal"], "must be 'minimize' or 'maximize'");
  return { goal: goal === "minimize" ? "Minimize" : "Maximize", primaryMetric: ctx.str(obj.primary_metric, ["objective", "primary_metric"]) };
}
function earlyTermination(ctx, v) {
  const path = ["early_termination"];
  const et = ctx.map(v, path, "must be a map with a type");
  const t = ctx.str(et.type, [...path, "type"]).toLowerCase();
  const common = ["type", "evaluation_interval", "delay_evaluation"];
  const policy = {};
  if (t === "bandit") {
    ctx.checkKeys(et, [...common, "slack_factor", "slack_amount"], path, "bandit policy");
    policy.policyType = "Bandit";
    if (et.slack_factor !== void 0) policy.slackFactor = ctx.num(et.slack_factor, [...path, "slack_factor"]);
    if (et.slack_amount !== void 0) policy.slackAmount = ctx.num(et.slack_amount, [...path, "slack_amount"]);
  } else if (t === "median_stopping") {
    ctx.checkKeys(et, common, path, "median stopping policy");
    policy.policyType = "MedianStopping";
  } else if (t === "truncation_selection") {
    ctx.checkKeys(et, [...common, "truncation_percentage"], path, "truncation selection policy");
    policy.policyType = "TruncationSelection";
    if (et.truncation_percentage !== void 0) policy.truncationPercentage = ctx.int(et.truncation_percentage, [...path, "truncation_percentage"]);
  } else {
    ctx.fail([...path, "type"], `'${t}' is not an early termination policy`, "valid: bandit, median_stopping, truncation_selection");
  }
  if (et.evaluation_interval !== void 0) policy.evaluationInterval = ctx.int(et.evaluation_interval, [...path, "evaluation_interval"]);
  if (et.delay_evaluation !== void 0) policy.delayEvaluation = ctx.int(et.delay_evaluation, [...path, "delay_evaluation"]);
  return policy;
}
function sweepLimits(ctx, v) {
  const l = ctx.map(v, ["limits"]);
  ctx.checkKeys(l, ["max_total_trials", "max_concurrent_trials", "timeout", "trial_timeout"], ["limits"], "sweep limits section");
  const limits = { jobLimitsType: "Sweep" };
  if (l.max_total_trials !== void 0) limits.maxTotalTrials = ctx.int(l.max_total_trials, ["limits", "max_total_trials"], 1);
  if (l.max_concurrent_trials !== void 0) limits.maxConcurrentTrials = ctx.int(l.max_concurrent_trials, ["limits", "max_concurrent_trials"], 1);
  if (l.timeout !== void 0) limits.timeout = `PT${ctx.int(l.timeout, ["limits", "timeout"], 1)}S`;
  if (l.trial_timeout !== void 0) limits.trialTimeout = `PT${ctx.int(l.trial_timeout, ["limits", "trial_timeout"], 1)}S`;
  return limits;
}
var sweepJob = { type: "sweep", jobType: "Sweep", translate: translate3 };

// src/specs/job/index.ts
var JOB_TYPES = [commandJob, sweepJob, pipelineJob];
var NOT_YET = ["automl", "spark", "parallel", "import"];
function translatorFor(doc, type) {
  const found = JOB_TYPES.find((t) => t.type === type);
  if (found) return found;
  const valid = JOB_TYPES.map((t) => t.type);
  if (NOT_YET.includes(type)) throw doc.error(["type"], `'${type}' jobs are not supported by azureml-actions yet`, `supported job types: ${valid.join(", ")}`);
  throw doc.error(["type"], `'${type}' is not a job type${didYouMean(type, valid)}`, `valid: ${valid.join(", ")}`);
}
async function planJob(doc, fileOnDisk, spec, options) {
  if (!isObj(spec)) throw doc.error([], "a job file must be a YAML map (command, sweep or pipeline job)");
  const ctx = new PlanContext(doc, fileOnDisk, options);
  const type = spec.type === void 0 ? "command" : ctx.str(spec.type, ["type"]);
  const translator = translatorFor(doc, type);
  const properties = await translator.translate(ctx, spec);
  const yamlName = typeof spec.name === "string" ? spec.name : void 0;
  return { jobType: translator.jobType, yamlName, body: { properties }, uploads: ctx.uploads, assets: ctx.assets };
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

// src/jobs/logs.ts
var PREFERRED = ["user_logs/std_log.txt", "azureml-logs/70_driver_log.txt", "user_logs/std_log_process_0.txt"];
function historyBase(job, insecure = false) {
  const services2 = job.properties?.services;
  const tracking = services2?.Tracking?.endpoint ?? Object.values(services2 ?? {}).find((s) => s.jobServiceType === "Tracking")?.endpoint;
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
async function loadPlan(settings2, workspaceId, api) {
  const doc = SpecDocument.load(settings2.jobFile, settings2.jobFileDisplay, "job-file");
  const spec = applyInputsToSpec(applyOverrides(doc.value, parseOverrides(settings2.set)), settings2);
  const plan = await planJob(doc, settings2.jobFile, spec, { workspaceId, resolver: api });
  return { doc, plan };
}
function studioUrlOf(job, ctx, name) {
  const services2 = job.properties?.services;
  return services2?.Studio?.endpoint ?? ctx?.studioUrl(`runs/${name}`);
}
function jobName(settings2, plan, run) {
  return settings2.name ?? plan.yamlName ?? deterministicJobName(run, settings2.jobFileDisplay);
}
async function dryRun(settings2, azure, run, io) {
  const workspaceId = workspaceResourceId(azure.subscriptionId, azure.resourceGroup, azure.workspaceName);
  const arm = createArmClient({
    endpoint: azure.cloud.armEndpoint,
    workspaceId,
    sendRequest: () => Promise.reject(new Error("a dry run sends nothing"))
  });
  const recorder = createDryRun(arm);
  const { plan } = await loadPlan(settings2, workspaceId, recorder.api);
  const name = jobName(settings2, plan, run);
  await submitPlannedJob(recorder.api, recorder.uploader, plan, name, { ...lineageTags(run), ...settings2.tags }, io);
  io.info(`Dry run: ${plan.jobType} job ${name}, ${recorder.requests.length} requests (nothing sent)`);
  await io.group("Requests the job would make", async () => {
    for (const r of recorder.requests) io.info("upload" in r ? `UPLOAD ${r.upload} (${r.files} files, ${formatBytes(r.bytes)})` : `${r.method} ${r.url}`);
  });
  io.setOutput("job-name", name);
  io.setOutput("run-id", name);
  io.setOutput("status", "DryRun");
  io.setOutput("requests", JSON.stringify(recorder.requests));
  appendLedger({ kind: "job", action: "submit-job", jobName: name, jobType: plan.jobType, status: "DryRun", jobFile: settings2.jobFileDisplay, dryRun: true });
}
function jobFileKey(run, settings2) {
  return `${run.repository}:${settings2.jobFileDisplay}`;
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
  const settings2 = readSubmitJobInputs(deps.reader, run.workspace);
  const azure = await readAzureInputs(deps.reader, { env });
  if (settings2.dryRun) {
    await dryRun(settings2, azure, run, io);
    return void 0;
  }
  const ctx = await createAzureContext(azure, { actionName: "submit-job", info: (m) => io.info(m) });
  const api = createWorkspaceApi(ctx.arm);
  const { plan } = await loadPlan(settings2, ctx.workspaceId, api);
  const name = jobName(settings2, plan, run);
  const workspace = { subscriptionId: azure.subscriptionId, resourceGroup: azure.resourceGroup, workspaceName: azure.workspaceName };
  io.state.saveSubmittedJob({ workspace, jobName: name, settled: false });
  io.setOutput("job-name", name);
  io.setOutput("run-id", name);
  const submitted = await submit(io, ctx, api, plan, name, run, settings2, azure.workspaceName);
  const studioUrl = studioUrlOf(submitted.job, ctx, name);
  if (studioUrl) {
    io.setOutput("studio-url", studioUrl);
    io.info(`Studio: ${studioUrl}`);
  }
  const ledger = {
    kind: "job",
    action: "submit-job",
    jobName: name,
    jobType: plan.jobType,
    studioUrl,
    experimentName: submitted.job.properties?.experimentName,
    jobFile: settings2.jobFileDisplay,
    reattached: submitted.reattached
  };
  const s = { io, settings: settings2, ctx, api, name, workspace, studioUrl, ledger };
  if (!settings2.wait) {
    const status = jobStatus(submitted.job);
    settle(s);
    io.setOutput("status", status);
    appendLedger({ ...ledger, status });
    return { jobName: name, status, studioUrl, reattached: submitted.reattached };
  }
  const started = Date.now();
  const result = await waitFor(s, submitted.job, jobFileKey(run, settings2), deps.abortSignal);
  io.setOutput("status", result.status);
  if (result.timedOut) return timedOut(s, result.status);
  settle(s);
  await reportEnd(s, result, started);
  return { jobName: name, status: result.status, studioUrl, reattached: submitted.reattached };
}
async function submit(io, ctx, api, plan, name, run, settings2, workspaceName) {
  const uploader = createSnapshotUploader(() => createBlobStore(ctx));
  io.info(`Submitting ${plan.jobType.toLowerCase()} job ${name} from ${settings2.jobFileDisplay} to workspace ${workspaceName}`);
  const submitted = await submitPlannedJob(api, uploader, plan, name, { ...lineageTags(run), [JOB_FILE_TAG]: jobFileKey(run, settings2), ...settings2.tags }, io);
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
  appendLedger({ ...s.ledger, status, error });
  if (status !== "Completed") {
    throw new Error(`job ${name} ${status === "Canceled" ? "was canceled" : `ended ${status}`}: ${error}${studioUrl ? `
Studio: ${studioUrl}` : ""}`);
  }
}
async function submitJobPost(deps) {
  const { io } = deps;
  const saved = io.state.loadSubmittedJob();
  if (!saved || saved.settled) return;
  const env = deps.env ?? process.env;
  const azure = await readAzureInputs(deps.reader, { env });
  const settings2 = { ...azure, ...saved.workspace };
  const ctx = await createAzureContext(settings2, { actionName: "submit-job", info: (m) => io.info(m) });
  const api = createWorkspaceApi(ctx.arm);
  const job = await api.getJob(saved.jobName);
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
  submitJobPost
};
