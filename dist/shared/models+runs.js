const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { randomUUID } = require("node:crypto");
const { mkdirSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { stat } = require("node:fs/promises");
const { basename, isAbsolute, relative, resolve } = require("node:path");
import {
  CONTENT_HASH_PROPERTY,
  MANIFEST_SHA256_PROPERTY,
  PACKAGE_PROPERTY,
  PROMOTED_FROM_PROPERTY,
  REGISTRATION_PROPERTY,
  SOURCE_PROPERTY,
  aliasesOf,
  commitVersion,
  findByContent,
  holdsContent,
  moveAliases,
  propsOf,
  registryModelStore,
  retagBody,
  tagsOf,
  versionConflictError,
  workspaceModelStore
} from "./models.versions.js";
import {
  MANIFEST_SCHEMA,
  manifestSha256,
  parseDatastoreUri,
  parseManifest,
  parseModelSource,
  readBlob,
  resolveModelSource,
  serializeManifest
} from "./models.source.js";
import {
  createModelUploader,
  resolveUploadSettings,
  sasTarget
} from "./models.upload.js";
import {
  checkName
} from "./models.names.js";
import {
  MODEL_ALIAS_TAG_PREFIX,
  MODEL_SOURCE_JOB_TAG,
  modelAliasTag,
  modelMetricTags
} from "./metrics.file.js";
import {
  parseReference,
  require_dist
} from "./yaml.js";
import {
  createBlobStore,
  formatBytes,
  sha256File,
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
  withAzureOperation
} from "./azure.errors.js";
import {
  appendLedger,
  escapeText,
  htmlTable,
  link,
  readLedger
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

// src/runs/register-model.ts

// src/models/lineage.ts
var SOURCE_TAG = "azureml-actions.source";
var GATE_TAG = "azureml-actions.gate";
var GATE_COUNTS_TAG = "azureml-actions.gate_counts";
var MAX_METRIC_TAGS = 50;
function metricNumber(v) {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const t = v.trim();
    if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
    if (/^nan$/i.test(t)) return NaN;
    if (t !== "" && Number.isFinite(Number(t))) return Number(t);
  }
  return void 0;
}
function gateFromLedger(entries) {
  const gate = [...entries].reverse().find((e) => e.kind === "gate");
  if (!gate) return void 0;
  const report = isObj(gate.report) ? gate.report : {};
  const metrics = {};
  if (isObj(report.metrics)) {
    for (const [name, summary] of Object.entries(report.metrics)) {
      const last = isObj(summary) ? metricNumber(summary.last) : metricNumber(summary);
      if (last !== void 0) metrics[name] = last;
    }
  }
  const c = isObj(report.counts) ? report.counts : void 0;
  const counts = c && ["passed", "failed", "skipped"].every((k) => typeof c[k] === "number") ? `${String(c.passed)} passed, ${String(c.failed)} failed, ${String(c.skipped)} skipped` : void 0;
  const details = isObj(report.source) && isObj(report.source.details) ? report.source.details : void 0;
  const jobName = typeof details?.jobName === "string" ? details.jobName : void 0;
  return { passed: Boolean(gate.passed), ...counts ? { counts } : {}, metrics, ...jobName ? { jobName } : {}, source: String(gate.source ?? "") };
}
function parseMetricsInput(value, input = "metrics") {
  if (!isObj(value)) {
    throw new ConfigurationError(`Input '${input}' must be a JSON object of metric name \u2192 number, e.g. {"accuracy": 0.93}.`, { input });
  }
  const out = {};
  for (const [name, raw] of Object.entries(value)) {
    if (raw === null) continue;
    const n = metricNumber(raw);
    if (n === void 0 || name.trim() === "") {
      throw new ConfigurationError(`Input '${input}': the value of '${name}' is ${JSON.stringify(raw)}, not a number.`, {
        input,
        hint: 'Give numbers (or "NaN", "Infinity"), e.g. {"accuracy": 0.93}.'
      });
    }
    out[name] = n;
  }
  return out;
}
function buildLineage(i) {
  const tags = { ...lineageTags(i.run), [SOURCE_TAG]: i.source };
  const job = i.sourceJob ?? i.gate?.jobName;
  if (job) tags[MODEL_SOURCE_JOB_TAG] = job;
  if (i.gate) {
    tags[GATE_TAG] = i.gate.passed ? "passed" : "failed";
    if (i.gate.counts) tags[GATE_COUNTS_TAG] = i.gate.counts;
  }
  const metrics = i.metrics ?? i.gate?.metrics ?? {};
  const names = Object.keys(metrics).sort();
  const kept = names.slice(0, MAX_METRIC_TAGS);
  Object.assign(tags, modelMetricTags(Object.fromEntries(kept.map((n) => [n, metrics[n]]))));
  return { tags, droppedMetrics: names.slice(MAX_METRIC_TAGS) };
}

// src/models/validate.ts
var import_yaml = __toESM(require_dist(), 1);
var MODEL_TYPES = ["custom_model", "mlflow_model", "triton_model"];
var MLMODEL_FILE = "MLmodel";
function decodeSpec(v, field, where) {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch (e) {
    throw new ConfigurationError(`${where}: 'signature.${field}' is not valid JSON (${e.message}).`, {
      hint: `MLflow writes signature inputs and outputs as JSON strings, e.g. inputs: '[{"type": "double", "name": "x"}]'.`
    });
  }
}
function parseMLmodel(text, where) {
  let doc;
  try {
    doc = (0, import_yaml.parse)(text);
  } catch (e) {
    const pos = e instanceof import_yaml.YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}` : "";
    throw new ConfigurationError(`${where} is not valid YAML${pos}: ${e.message.split("\n")[0]}`, { cause: e });
  }
  if (!isObj(doc)) {
    throw new ConfigurationError(`${where} must be a YAML mapping (artifact_path, flavors, signature, \u2026), got ${doc === null ? "an empty file" : typeof doc}.`);
  }
  const hint = "An MLflow model lists how it can be loaded under flavors, e.g. flavors: { python_function: { loader_module: mlflow.sklearn, \u2026 } }. Save the model with mlflow.<flavor>.save_model or log_model.";
  if (!("flavors" in doc) || doc.flavors === null || doc.flavors === void 0) {
    throw new ConfigurationError(`${where} has no 'flavors': an mlflow_model needs at least one flavor.`, { hint });
  }
  if (!isObj(doc.flavors)) throw new ConfigurationError(`${where}: 'flavors' must be a mapping of flavor name \u2192 settings.`, { hint });
  const names = Object.keys(doc.flavors);
  if (names.length === 0) throw new ConfigurationError(`${where}: 'flavors' is empty; an mlflow_model needs at least one flavor.`, { hint });
  const flavors = {};
  for (const name of names) {
    const f = doc.flavors[name];
    if (f !== null && !isObj(f)) throw new ConfigurationError(`${where}: flavor '${name}' must be a mapping of settings, got ${JSON.stringify(f)}.`, { hint });
    flavors[name] = f ?? {};
  }
  let signature;
  if ("signature" in doc && doc.signature !== null && doc.signature !== void 0) {
    const s = doc.signature;
    if (!isObj(s)) throw new ConfigurationError(`${where}: 'signature' must be a mapping with inputs (and optionally outputs and params).`);
    if (s.inputs === void 0 || s.inputs === null || s.inputs === "") {
      throw new ConfigurationError(`${where} has a 'signature' without 'inputs': a signature must describe the model's inputs.`, {
        hint: "Infer it with mlflow.models.infer_signature(X, y) when saving the model, or remove the signature."
      });
    }
    const inputs = decodeSpec(s.inputs, "inputs", where);
    if (Array.isArray(inputs) && inputs.length === 0) {
      throw new ConfigurationError(`${where}: 'signature.inputs' is an empty list; a signature must describe at least one input.`);
    }
    signature = {
      inputs,
      ...s.outputs !== void 0 && s.outputs !== null ? { outputs: decodeSpec(s.outputs, "outputs", where) } : {},
      ...s.params !== void 0 && s.params !== null ? { params: decodeSpec(s.params, "params", where) } : {}
    };
  }
  const meta = {};
  for (const [k, v] of Object.entries(doc)) if (k !== "flavors" && k !== "signature") meta[k] = v;
  return { flavors, ...signature ? { signature } : {}, meta };
}
function armFlavors(info) {
  const out = {};
  for (const [name, settings] of Object.entries(info.flavors)) {
    const data = {};
    for (const [k, v] of Object.entries(settings)) {
      if (v === null || v === void 0) continue;
      data[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    out[name] = { data };
  }
  return out;
}
async function validateModelFiles(type, view) {
  if (view.paths.length === 0) throw new ConfigurationError(`${view.display} holds no files: there is no model to register.`);
  switch (type) {
    case "custom_model":
      return {};
    case "mlflow_model": {
      if (view.isFile) {
        throw new ConfigurationError(`${view.display} is a single file, but an mlflow_model is a folder with an MLmodel file at its root.`, {
          input: "type",
          hint: "Give the folder MLflow saved (the one holding MLmodel), or use type custom_model."
        });
      }
      if (!view.paths.includes(MLMODEL_FILE)) {
        const nested = view.paths.filter((p) => p.endsWith(`/${MLMODEL_FILE}`));
        throw new ConfigurationError(
          `${view.display} has no MLmodel file at its root, so it is not an MLflow model${nested.length ? ` (found ${nested.slice(0, 3).join(", ")}: point path at ${nested[0].slice(0, -MLMODEL_FILE.length - 1)} instead)` : ""}.`,
          { input: "path", hint: "Give the folder MLflow saved (mlflow.<flavor>.save_model), or use type custom_model." }
        );
      }
      const text = (await view.read(MLMODEL_FILE)).toString("utf8");
      return { mlmodel: parseMLmodel(text, `${view.display.replace(/\/+$/, "")}/${MLMODEL_FILE}`) };
    }
    case "triton_model": {
      const models = view.paths.filter((p) => /^[^/]+\/config\.pbtxt$/.test(p)).map((p) => p.split("/")[0]);
      if (view.isFile || models.length === 0) {
        throw new ConfigurationError(`${view.display} is not a Triton model repository: no <model>/config.pbtxt was found.`, {
          input: "path",
          hint: "A Triton repository holds one folder per model with its config.pbtxt and numbered version folders, e.g. densenet/config.pbtxt and densenet/1/model.onnx."
        });
      }
      return { tritonModels: models.sort() };
    }
  }
}

// src/runs/inputs/register-model.ts
var RESERVED_PROPERTY_PREFIX = "azureml-actions.";
function readRegisterModelInputs(reader, workspaceDir) {
  const name = checkName("model", reader.required("name"), "name");
  const source = parseModelSource({ path: reader.optional("path"), jobName: reader.optional("job-name"), output: reader.optional("output") }, workspaceDir);
  const type = reader.choice("type", MODEL_TYPES, "custom_model");
  const versionText = reader.optional("version");
  const version = versionText === void 0 || versionText.toLowerCase() === "next" ? void 0 : checkName("version", versionText, "version");
  const tags = reader.keyValues("tags");
  const properties = reader.keyValues("properties");
  for (const k of Object.keys(properties)) {
    if (k.startsWith(RESERVED_PROPERTY_PREFIX)) {
      throw new ConfigurationError(`Input 'properties': '${k}' is written by the action itself.`, {
        input: "properties",
        hint: `Use keys that do not start with '${RESERVED_PROPERTY_PREFIX}'.`
      });
    }
  }
  const metricsJson = reader.json("metrics");
  const metrics = metricsJson === void 0 ? void 0 : parseMetricsInput(metricsJson);
  const aliases = reader.list("alias").map((a) => checkName("alias", a.replace(/^@/, ""), "alias"));
  if (new Set(aliases).size !== aliases.length) throw new ConfigurationError("Input 'alias' lists an alias twice.", { input: "alias" });
  const promote2 = reader.optional("promote-to-registry");
  const packageIt = reader.boolean("package", false);
  const environment = reader.optional("environment");
  const code = reader.optional("code");
  const scoringScript = reader.optional("scoring-script");
  const artifact = reader.boolean("artifact", false);
  if (!packageIt) {
    const needs = [
      environment !== void 0 ? "environment" : "",
      code !== void 0 ? "code" : "",
      scoringScript !== void 0 ? "scoring-script" : "",
      artifact ? "artifact" : ""
    ].filter(Boolean);
    if (needs.length > 0) {
      throw new ConfigurationError(`Input '${needs[0]}' is part of the deployment package, but 'package' is false.`, {
        input: needs[0],
        hint: "Set package: true to write the package (manifest, environment, scoring code)."
      });
    }
  }
  const blockMiB = reader.int("upload-block-size-mib", { min: 1, max: 256, default: 8 });
  const upload = resolveUploadSettings({
    concurrency: reader.int("upload-concurrency", { min: 1, max: 64, default: 8 }),
    blockSizeInBytes: blockMiB * 1024 * 1024,
    blockConcurrency: 8,
    maxSingleShotSizeInBytes: blockMiB * 1024 * 1024
  });
  return {
    name,
    source,
    type,
    ...version !== void 0 ? { version } : {},
    ...reader.optional("description") !== void 0 ? { description: reader.optional("description") } : {},
    tags,
    properties,
    ...metrics ? { metrics } : {},
    package: packageIt,
    ...environment !== void 0 ? { environment } : {},
    ...code !== void 0 ? { code } : {},
    ...scoringScript !== void 0 ? { scoringScript } : {},
    artifact,
    aliases,
    ...promote2 !== void 0 ? { promoteToRegistry: checkName("registry", promote2, "promote-to-registry") } : {},
    ...reader.optional("registry-resource-group") !== void 0 ? { registryResourceGroup: reader.optional("registry-resource-group") } : {},
    ...reader.optional("datastore") !== void 0 ? { datastore: reader.optional("datastore") } : {},
    upload
  };
}

// src/models/package.ts
function localPath(text, dir) {
  const abs = isAbsolute(text) ? text : resolve(dir, text);
  const rel = relative(dir, abs);
  return { abs, display: rel.startsWith("..") ? abs : rel || "." };
}
async function resolveAsset(deps, kind, text, input) {
  const ref = parseReference(text);
  if (ref.kind === "registry") return void 0;
  let name;
  let version;
  if (ref.kind === "asset") {
    name = ref.name;
    version = ref.version;
    if (!version) {
      const label = ref.label ?? "latest";
      if (label !== "latest") throw new ConfigurationError(`Input '${input}': label '@${label}' is not supported; use ':<version>' or '@latest'.`, { input });
      const container = await withAzureOperation(`reading ${kind} '${name}'`, () => deps.arm.tryGet(armPath`${kind}/${name}`));
      const latest = container?.properties?.latestVersion;
      if (typeof latest !== "string" || latest === "") {
        throw new ConfigurationError(
          `Input '${input}': ${kind === "codes" ? "code" : "environment"} '${name}' does not exist in workspace '${deps.workspaceName}'.`,
          { input }
        );
      }
      version = latest;
    }
  } else if (ref.kind === "arm-id") {
    const m = /\/(environments|codes)\/([^/]+)\/versions\/([^/]+)$/i.exec(ref.id);
    if (!m || m[1].toLowerCase() !== kind)
      throw new ConfigurationError(`Input '${input}': '${text}' is not the ARM id of a ${kind === "codes" ? "code" : "environment"} version.`, { input });
    name = m[2];
    version = m[3];
  } else {
    return void 0;
  }
  const v = await withAzureOperation(`reading ${kind} ${name}:${version}`, () => deps.arm.tryGet(armPath`${kind}/${name}/versions/${version}`));
  if (!v) {
    throw new ConfigurationError(
      `Input '${input}': ${kind === "codes" ? "code" : "environment"} ${name}:${version} does not exist in workspace '${deps.workspaceName}'.`,
      {
        input,
        hint: kind === "environments" ? "Register it first (az ml environment create), or give a local conda/environment file." : "Give the scoring code as a local folder."
      }
    );
  }
  return { id: String(v.id ?? ""), resource: v };
}
async function preparePackage(i, deps) {
  const out = {};
  if (i.environment !== void 0) {
    if (i.environment.startsWith("azureml:") || i.environment.startsWith("/subscriptions/")) {
      const text = i.environment.startsWith("/subscriptions/") ? `azureml:${i.environment}` : i.environment;
      let resolved;
      try {
        resolved = await resolveAsset(deps, "environments", text, "environment");
      } catch (e) {
        if (e.name === "ReferenceError")
          throw new ConfigurationError(`Input 'environment': ${e.message}.`, { input: "environment", cause: e });
        throw e;
      }
      const image = resolved?.resource.properties?.image;
      out.environment = {
        kind: "reference",
        value: { kind: "reference", reference: i.environment, ...resolved?.id ? { id: resolved.id } : {}, ...typeof image === "string" ? { image } : {} }
      };
    } else {
      const { abs, display } = localPath(i.environment, i.workspaceDir);
      const st = await stat(abs).catch(() => void 0);
      if (!st) {
        throw new ConfigurationError(`Input 'environment': ${display} does not exist.`, {
          input: "environment",
          hint: "Give a registered environment (azureml:<name>:<version>) or a local conda / environment file."
        });
      }
      if (!st.isFile())
        throw new ConfigurationError(`Input 'environment': ${display} is a folder; give the environment file (e.g. conda.yaml).`, { input: "environment" });
      out.environment = { kind: "file", local: abs, display, size: st.size, sha256: await sha256File(abs) };
    }
  }
  if (i.code !== void 0) {
    if (i.code.startsWith("azureml:")) {
      let resolved;
      try {
        resolved = await resolveAsset(deps, "codes", i.code, "code");
      } catch (e) {
        if (e.name === "ReferenceError") throw new ConfigurationError(`Input 'code': ${e.message}.`, { input: "code", cause: e });
        throw e;
      }
      out.code = {
        kind: "reference",
        value: {
          kind: "reference",
          reference: i.code,
          ...resolved?.id ? { id: resolved.id } : {},
          ...i.scoringScript ? { scoringScript: i.scoringScript } : {}
        }
      };
    } else {
      const { abs, display } = localPath(i.code, i.workspaceDir);
      const st = await stat(abs).catch(() => void 0);
      if (!st)
        throw new ConfigurationError(`Input 'code': ${display} does not exist.`, {
          input: "code",
          hint: "Give the folder with the scoring script (score.py with init() and run())."
        });
      const snap = await snapshot(abs);
      if (snap.files.length === 0) throw new ConfigurationError(`Input 'code': ${display} holds no files.`, { input: "code" });
      const paths = snap.files.map((f) => f.path);
      let scoringScript = i.scoringScript;
      if (scoringScript !== void 0) {
        const s = scoringScript.replace(/^\.\//, "");
        if (!paths.includes(s)) {
          throw new ConfigurationError(`Input 'scoring-script': ${s} is not in ${display}${paths.length <= 10 ? ` (it holds ${paths.join(", ")})` : ""}.`, {
            input: "scoring-script"
          });
        }
        scoringScript = s;
      } else if (paths.includes("score.py")) {
        scoringScript = "score.py";
      }
      out.code = { kind: "files", snap, display, ...scoringScript ? { scoringScript } : {} };
    }
  } else if (i.scoringScript !== void 0) {
    throw new ConfigurationError("Input 'scoring-script' names a file of the scoring code, but 'code' is not given.", { input: "scoring-script" });
  }
  return out;
}
async function writePackage(model, prepared, deps) {
  const store = await deps.blobStore();
  const hash = model.source.contentHash.replace(/^[a-z0-9]+:/, "").slice(0, 32);
  const root = `azureml-actions/packages/${model.name}/${hash}`;
  const uriOf = (path, folder = false) => `${store.datastoreUri(path)}${folder ? "/" : ""}`;
  let environment;
  if (prepared.environment?.kind === "reference") environment = prepared.environment.value;
  else if (prepared.environment?.kind === "file") {
    const e = prepared.environment;
    const blob2 = `${root}/environment/${e.sha256.slice(0, 32)}/${basename(e.local)}`;
    await store.uploadFile(e.local, blob2, { abortSignal: deps.abortSignal });
    environment = { kind: "file", path: e.display, uri: uriOf(blob2), size: e.size, sha256: e.sha256 };
  }
  let code;
  if (prepared.code?.kind === "reference") code = prepared.code.value;
  else if (prepared.code?.kind === "files") {
    const c = prepared.code;
    const prefix = `${root}/code/${c.snap.hash.slice(0, 32)}/${c.snap.name}`;
    if (!await deps.uploader.hasSnapshot(prefix, c.snap)) {
      deps.info(`Uploading the scoring code ${c.display}: ${c.snap.files.length} file(s)`);
      await deps.uploader.upload(prefix, c.snap);
    }
    code = {
      kind: "files",
      path: c.display,
      uri: uriOf(prefix, !c.snap.isFile),
      contentHash: `sha256:${c.snap.hash}`,
      ...c.scoringScript ? { scoringScript: c.scoringScript } : {},
      files: c.snap.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 }))
    };
  }
  const files = await model.source.hashedFiles();
  const mlmodel = model.check.mlmodel;
  const manifest = {
    schema: MANIFEST_SCHEMA,
    model: {
      name: model.name,
      type: model.type,
      contentHash: model.source.contentHash,
      uri: model.modelUri,
      source: model.source.display,
      ...model.source.jobName ? { jobName: model.source.jobName } : {},
      isFile: model.source.isFile,
      fileCount: files.length,
      bytes: files.reduce((n, f) => n + f.size, 0)
    },
    files: files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })),
    ...mlmodel ? { mlflow: { flavors: mlmodel.flavors, ...mlmodel.signature ? { signature: mlmodel.signature } : {} } } : {},
    ...model.check.tritonModels ? { triton: { models: model.check.tritonModels } } : {},
    lineage: model.lineage,
    ...environment ? { environment } : {},
    ...code ? { code } : {},
    createdAt: model.now.toISOString()
  };
  const text = serializeManifest(manifest);
  const sha256 = manifestSha256(text);
  const blob = `${root}/manifest-${sha256.slice(0, 32)}.json`;
  await store.container.getBlockBlobClient(blob).upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: "application/json" }, abortSignal: deps.abortSignal });
  return { manifest, text, sha256, uri: uriOf(blob) };
}
function packageOf(v) {
  for (const bag of [propsOf(v), tagsOf(v)]) {
    const uri = bag[PACKAGE_PROPERTY];
    if (typeof uri === "string" && uri !== "") return { uri, ...bag[MANIFEST_SHA256_PROPERTY] ? { sha256: bag[MANIFEST_SHA256_PROPERTY] } : {} };
  }
  return void 0;
}
async function readPackageManifest(v, blobStore, abortSignal) {
  const pkg = packageOf(v);
  if (!pkg) return void 0;
  const loc = parseDatastoreUri(pkg.uri);
  if (!loc) throw new Error(`The package of model version ${v.name} is at ${pkg.uri}, which is not a datastore path.`);
  const store = await blobStore(loc.datastore);
  const text = (await readBlob(store.container, loc.path, 64 * 1024 * 1024, abortSignal)).toString("utf8");
  if (pkg.sha256 && manifestSha256(text) !== pkg.sha256) {
    throw new Error(
      `The package manifest of model version ${v.name} (${pkg.uri}) was changed after registration: its sha256 is ${manifestSha256(text)}, the version pins ${pkg.sha256}.`
    );
  }
  return { manifest: parseManifest(text), text, uri: pkg.uri };
}

// src/models/promote.ts
async function findRegistry(deps, name, resourceGroup) {
  const ns = "Microsoft.MachineLearningServices";
  if (resourceGroup) {
    const r = await withAzureOperation(
      `reading registry '${name}'`,
      () => deps.arm.tryGet(armPath`/subscriptions/${deps.subscriptionId}/resourceGroups/${resourceGroup}/providers/${ns}/registries/${name}`)
    );
    if (!r)
      throw new ConfigurationError(`Input 'promote-to-registry': registry '${name}' does not exist in resource group '${resourceGroup}'.`, {
        input: "promote-to-registry"
      });
    return r;
  }
  const seen = [];
  const found = await withAzureOperation("listing the registries of the subscription", async () => {
    for await (const r of deps.arm.list(armPath`/subscriptions/${deps.subscriptionId}/providers/${ns}/registries`)) {
      seen.push(r.name);
      if (r.name.toLowerCase() === name.toLowerCase()) return r;
    }
    return void 0;
  });
  if (!found) {
    throw new ConfigurationError(
      `Input 'promote-to-registry': no registry named '${name}' in subscription ${deps.subscriptionId}${seen.length ? ` (registries: ${seen.join(", ")})` : ""}.`,
      {
        input: "promote-to-registry",
        hint: "Give the name of an Azure ML registry this identity can write to (and registry-resource-group when it is in another resource group you cannot list)."
      }
    );
  }
  return found;
}
async function chooseVersion(store, name, wanted) {
  const existing = await store.getVersion(name, wanted);
  return existing ? void 0 : wanted;
}
async function promoteToRegistry(p, deps) {
  const registry = p.found ?? await findRegistry(deps, p.registry, p.resourceGroup);
  const store = registryModelStore(deps.arm, registry.id, registry.name);
  const existing = await findByContent(store, p.name, p.contentHash, p.modelType);
  if (existing) {
    deps.info(`Registry ${registry.name} already holds this model as ${p.name}:${existing.name}: nothing copied.`);
    return { registry: registry.name, registryId: registry.id, version: existing, created: false, uri: store.uri(p.name, existing.name) };
  }
  const version = await chooseVersion(store, p.name, p.version.name) ?? String(await store.nextVersion(p.name));
  const pending = await withAzureOperation(
    `starting an upload to registry '${registry.name}'`,
    () => deps.arm.post(`${registry.id}/models/${encodeURIComponent(p.name)}/versions/${encodeURIComponent(version)}/startPendingUpload`, {
      pendingUploadType: "TemporaryBlobReference"
    })
  );
  const ref = pending.blobReferenceForConsumption;
  const sasUri = ref?.credential?.sasUri;
  const blobUri = ref?.blobUri;
  if (!sasUri || !blobUri)
    throw new Error(`Registry '${registry.name}' returned no upload location (startPendingUpload gave ${JSON.stringify(Object.keys(pending))}).`);
  const sas = new URL(sasUri).search.replace(/^\?/, "");
  (deps.setSecret ?? ((s) => setSecret(s)))(sas);
  const sig = new URLSearchParams(sas).get("sig");
  if (sig) (deps.setSecret ?? ((s) => setSecret(s)))(sig);
  deps.info(`Copying ${p.source.files.length} file(s) of ${p.name}:${p.version.name} to registry ${registry.name}`);
  const copied = await p.source.copyTo(await sasTarget(sasUri), "");
  const fileName = p.source.isFile ? p.source.files[0].path : void 0;
  const modelUri = fileName ? `${blobUri.replace(/\/+$/, "")}/${encodeURIComponent(fileName)}` : blobUri;
  const src = p.version.properties;
  const tags = Object.fromEntries(Object.entries(tagsOf(p.version)).filter(([k]) => !k.startsWith(MODEL_ALIAS_TAG_PREFIX)));
  const body = {
    properties: {
      description: src.description ?? null,
      tags,
      properties: { ...propsOf(p.version), [PROMOTED_FROM_PROPERTY]: p.version.id },
      modelType: src.modelType ?? p.modelType,
      modelUri,
      ...src.flavors ? { flavors: src.flavors } : {},
      isAnonymous: false
    }
  };
  const committed = await commitVersion(store, p.name, body, {
    version,
    contentHash: p.contentHash,
    modelType: p.modelType,
    info: (m) => deps.info(m),
    versionInput: "promote-to-registry"
  }).catch(async (e) => {
    if (e.input === "promote-to-registry") {
      return commitVersion(store, p.name, body, { contentHash: p.contentHash, modelType: p.modelType, info: (m) => deps.info(m) });
    }
    throw e;
  });
  return {
    registry: registry.name,
    registryId: registry.id,
    version: committed.version,
    created: committed.created,
    uri: store.uri(p.name, committed.version.name),
    copied
  };
}

// src/runs/register-model.ts
async function registerModelMain(deps) {
  const s = await openSession(deps);
  const { source, check } = await s.io.group(`Model files: ${s.settings.source.display}`, () => readModelFiles(s));
  const prepared = s.settings.package ? await preparePackage(
    { environment: s.settings.environment, code: s.settings.code, scoringScript: s.settings.scoringScript, workspaceDir: s.run.workspace },
    s.packageDeps
  ) : void 0;
  const registryFound = s.settings.promoteToRegistry ? await findRegistry(s.promoteDeps, s.settings.promoteToRegistry, s.settings.registryResourceGroup) : void 0;
  const tags = lineageOf(s, source);
  const existing = await findExisting(s, source);
  const registered = existing ? await reuseVersion(s, existing, source, check, tags, prepared) : await registerVersion(s, source, check, tags, prepared);
  const { version, moves } = await applyAliases(s, registered.version);
  const registry = s.settings.promoteToRegistry ? await s.io.group(`Promotion to registry ${s.settings.promoteToRegistry}`, () => promote(s, version, source, registryFound)) : void 0;
  const uri = await publish(s, { ...registered, version }, source, tags, registry);
  return {
    name: s.settings.name,
    version: version.name,
    id: version.id,
    uri,
    created: registered.created,
    contentHash: source.contentHash,
    ...registered.pkg ? { manifest: registered.pkg.text } : {},
    ...registry ? { registry } : {},
    aliases: moves
  };
}
async function openSession(deps) {
  const env = deps.env ?? process.env;
  const run = readWorkflowRun(env);
  const settings = readRegisterModelInputs(deps.reader, run.workspace);
  const azure = await readAzureInputs(deps.reader, { env });
  const ctx = await createAzureContext(azure, { actionName: "register-model", info: (m) => deps.io.info(m) });
  const { abortSignal, io } = deps;
  const blobStore = blobStores(ctx, settings.datastore, abortSignal);
  const defaultStore = () => blobStore(settings.datastore);
  const uploader = createModelUploader(defaultStore, { ...settings.upload, abortSignal });
  const info = (m) => io.info(m);
  return {
    io,
    env,
    now: deps.now ?? (() => /* @__PURE__ */ new Date()),
    run,
    settings,
    azure,
    ctx,
    models: workspaceModelStore(ctx.arm, azure.workspaceName),
    blobStore,
    packageDeps: { arm: ctx.arm, blobStore: defaultStore, uploader, workspaceName: azure.workspaceName, info, abortSignal },
    promoteDeps: { arm: ctx.arm, subscriptionId: azure.subscriptionId, info, abortSignal },
    abortSignal,
    info
  };
}
function blobStores(ctx, inputDatastore, abortSignal) {
  const stores = /* @__PURE__ */ new Map();
  return (datastore) => {
    const key = (datastore ?? "").toLowerCase();
    let s = stores.get(key);
    if (!s) {
      s = createBlobStore(ctx, { ...datastore ? { datastoreName: datastore } : {}, abortSignal }).catch((error) => {
        if (datastore && datastore === inputDatastore && error.statusCode === 404) {
          throw new ConfigurationError(`Input 'datastore': the workspace has no datastore '${datastore}'.`, {
            input: "datastore",
            hint: "Leave it empty for the workspace default (workspaceblobstore), or name an Azure Blob datastore of the workspace.",
            cause: error
          });
        }
        throw error;
      });
      s.catch(() => stores.delete(key));
      stores.set(key, s);
    }
    return s;
  };
}
async function readModelFiles(s) {
  const { settings, info } = s;
  const source = await resolveModelSource(settings.source, {
    arm: s.ctx.arm,
    blobStore: s.blobStore,
    uploader: s.packageDeps.uploader,
    uploadSettings: settings.upload,
    workspaceName: s.azure.workspaceName,
    info,
    abortSignal: s.abortSignal,
    cloud: { env: s.env, setSecret: (secret) => s.io.setSecret(secret) }
  });
  info(`${source.display}: ${source.files.length} file(s), ${formatBytes(source.bytes)}, content hash ${source.contentHash}`);
  const check = await validateModelFiles(settings.type, {
    display: source.display,
    isFile: source.isFile,
    paths: source.files.map((f) => f.path),
    read: (p) => source.read(p)
  });
  if (check.mlmodel) {
    info(`MLmodel: flavors ${Object.keys(check.mlmodel.flavors).join(", ")}${check.mlmodel.signature ? "; with a signature" : "; no signature"}`);
  }
  if (check.tritonModels) info(`Triton repository: ${check.tritonModels.join(", ")}`);
  return { source, check };
}
function lineageOf(s, source) {
  const { settings, io } = s;
  const gate = settings.metrics ? void 0 : gateFromLedger(readLedger(s.env));
  if (gate?.jobName && source.jobName && gate.jobName !== source.jobName) {
    io.warning(
      `The metric gate of this job read job ${gate.jobName}, but the model comes from job ${source.jobName}: its verdict and metrics are written on the model all the same.`
    );
  }
  const lineage = buildLineage({
    run: s.run,
    ...source.jobName ? { sourceJob: source.jobName } : {},
    source: source.display,
    ...gate ? { gate } : {},
    ...settings.metrics ? { metrics: settings.metrics } : {}
  });
  if (lineage.droppedMetrics.length > 0)
    io.warning(
      `Only the first ${Object.keys(lineage.tags).filter((k) => k.startsWith("metric.")).length} metrics are written as tags; left out: ${lineage.droppedMetrics.join(", ")}.`
    );
  if (gate)
    s.info(
      `Metric gate of this job: ${gate.passed ? "passed" : "failed"}${gate.counts ? ` (${gate.counts})` : ""}; ${Object.keys(gate.metrics).length} metric(s) written as tags.`
    );
  else if (settings.metrics) s.info(`${Object.keys(settings.metrics).length} metric(s) from the metrics input written as tags.`);
  return { ...lineage.tags, ...source.lineage, ...settings.tags };
}
async function findExisting(s, source) {
  const { settings, models } = s;
  if (settings.version === void 0) return findByContent(models, settings.name, source.contentHash, settings.type);
  const v = await models.getVersion(settings.name, settings.version);
  if (v && holdsContent(v, source.contentHash, settings.type)) return v;
  if (v) throw await versionConflictError(models, settings.name, settings.version, v);
  return void 0;
}
async function reuseVersion(s, existing, source, check, tags, prepared) {
  const { settings } = s;
  s.info(`Model ${settings.name}:${existing.name} already holds these files (${source.contentHash.slice(0, 19)}\u2026): not registered again.`);
  if (!settings.package) return { version: existing, created: false };
  const found = packageOf(existing) ? await readPackageManifest(existing, (ds) => s.blobStore(ds), s.abortSignal) : void 0;
  if (found) return { version: existing, created: false, pkg: found };
  const written = await writePackage(
    { name: settings.name, type: settings.type, source, modelUri: existing.properties.modelUri ?? source.modelUri, check, lineage: tags, now: s.now() },
    prepared,
    s.packageDeps
  );
  const version = await withAzureOperation(
    `tagging model ${settings.name}:${existing.name} with its package`,
    () => s.models.putVersion(
      settings.name,
      existing.name,
      retagBody(existing, { ...tagsOf(existing), [PACKAGE_PROPERTY]: written.uri, [MANIFEST_SHA256_PROPERTY]: written.sha256 })
    )
  );
  s.info(`Version ${existing.name} had no package: wrote ${written.uri} and tagged the version with it.`);
  return { version, created: false, pkg: written };
}
async function registerVersion(s, source, check, tags, prepared) {
  const { settings, run } = s;
  await source.materialize();
  const pkg = settings.package ? await s.io.group("Deployment package", async () => {
    const written = await writePackage(
      { name: settings.name, type: settings.type, source, modelUri: source.modelUri, check, lineage: tags, now: s.now() },
      prepared,
      s.packageDeps
    );
    s.info(`Manifest ${written.uri} (sha256 ${written.sha256.slice(0, 12)}): ${written.manifest.files.length} model file(s)`);
    return written;
  }) : void 0;
  const body = {
    properties: {
      ...settings.description !== void 0 ? { description: settings.description } : {},
      tags: { ...tags, ...Object.fromEntries(settings.aliases.map((a) => [modelAliasTag(a), "true"])) },
      properties: {
        ...settings.properties,
        [CONTENT_HASH_PROPERTY]: source.contentHash,
        [REGISTRATION_PROPERTY]: `${run.repository}/${run.runId}/${run.runAttempt}/${randomUUID().slice(0, 8)}`,
        [SOURCE_PROPERTY]: source.display,
        ...pkg ? { [PACKAGE_PROPERTY]: pkg.uri, [MANIFEST_SHA256_PROPERTY]: pkg.sha256 } : {}
      },
      modelType: settings.type,
      modelUri: source.modelUri,
      ...source.jobName ? { jobName: source.jobName } : {},
      ...check.mlmodel ? { flavors: armFlavors(check.mlmodel) } : {},
      isAnonymous: false
    }
  };
  const { version, created } = await commitVersion(s.models, settings.name, body, {
    ...settings.version !== void 0 ? { version: settings.version } : {},
    contentHash: source.contentHash,
    modelType: settings.type,
    info: s.info
  });
  s.info(
    created ? `Registered model ${settings.name}:${version.name}` : `Model ${settings.name}:${version.name} was registered meanwhile with the same files: using it.`
  );
  return { version, created, ...pkg ? { pkg } : {} };
}
async function applyAliases(s, version) {
  const { settings } = s;
  if (settings.aliases.length === 0) return { version, moves: [] };
  const moved = await moveAliases(s.models, settings.name, version, settings.aliases, s.info);
  for (const m of moved.moves) s.info(`@${m.alias} \u2192 ${settings.name}:${moved.version.name}${m.from.length ? ` (moved from ${m.from.join(", ")})` : ""}`);
  return moved;
}
async function promote(s, version, source, found) {
  const { settings } = s;
  const registry = await promoteToRegistry(
    {
      registry: settings.promoteToRegistry,
      resourceGroup: settings.registryResourceGroup,
      name: settings.name,
      version,
      source,
      contentHash: source.contentHash,
      modelType: settings.type,
      ...found ? { found } : {}
    },
    s.promoteDeps
  );
  s.info(registry.created ? `Promoted to ${registry.uri}` : `Registry already had it: ${registry.uri}`);
  return registry;
}
async function publish(s, registered, source, tags, registry) {
  const { settings, io } = s;
  const { version, created, pkg } = registered;
  const uri = s.models.uri(settings.name, version.name);
  const studioUrl = s.ctx.studioUrl(`model/${encodeURIComponent(settings.name)}:${encodeURIComponent(version.name)}/details`);
  io.setOutput("model-name", settings.name);
  io.setOutput("model-version", version.name);
  io.setOutput("model-id", version.id);
  io.setOutput("model-uri", uri);
  io.setOutput("created", String(created));
  io.setOutput("content-hash", source.contentHash);
  io.setOutput("manifest", pkg?.text ?? "");
  io.setOutput("studio-url", studioUrl);
  if (registry) {
    io.setOutput("registry-model-id", registry.version.id);
    io.setOutput("registry-model-uri", registry.uri);
  }
  if (settings.artifact && pkg) {
    const dir = join(s.run.runnerTemp ?? s.run.workspace, "azureml-actions", "model-packages");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${settings.name}-${version.name}.manifest.json`);
    writeFileSync(file, pkg.text);
    io.setOutput("manifest-path", file);
    s.info(`Manifest written to ${file} for the workflow artifact.`);
  }
  const summary = renderModelSummary(settings, { version, created, pkg }, source, tags, registry, studioUrl);
  await io.appendSummary(summary).catch((e) => io.warning(`Could not write the job summary: ${e.message}`));
  appendLedger({ kind: "model", action: "register-model", name: settings.name, version: version.name, id: version.id, created, studioUrl }, s.env);
  io.debug(`register-model: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);
  return uri;
}
function renderModelSummary(settings, r, source, tags, registry, studioUrl) {
  const aliasesNow = aliasesOf(r.version);
  const rows = [
    ["registered", r.created ? "new version" : "existing version (same files)"],
    ["source", escapeText(source.display)],
    ["content hash", `<code>${escapeText(source.contentHash)}</code>`],
    ["type", settings.type],
    ...aliasesNow.length ? [["aliases", aliasesNow.map((a) => escapeText(`@${a}`)).join(" ")]] : [],
    ...tags["azureml-actions.gate"] ? [["gate", escapeText(tags["azureml-actions.gate"])]] : [],
    ...registry ? [["registry", escapeText(registry.uri)]] : [],
    ...r.pkg ? [["package", escapeText(r.pkg.uri)]] : []
  ];
  const table = htmlTable(["field", "value"], rows);
  return `<h3>${escapeText(`Model ${settings.name}:${r.version.name}`)}</h3>
${table}
${link("open in studio", studioUrl)}
`;
}

export {
  registerModelMain
};
