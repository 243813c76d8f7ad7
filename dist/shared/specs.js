const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { readFileSync } = require("node:fs");
const { randomUUID } = require("node:crypto");
const { createHash } = require("node:crypto");
const { existsSync } = require("node:fs");
const { dirname, isAbsolute, join, resolve } = require("node:path");
const { existsSync: existsSync2, readFileSync: readFileSync2 } = require("node:fs");
import {
  ReferenceError,
  assetId,
  parseReference,
  require_dist,
  snapshot
} from "./yaml.js";
import {
  closest
} from "./azure+metrics.js";
import {
  ConfigurationError,
  isObj
} from "./actions+core.js";
import {
  __toESM
} from "./esbuild-runtime.js";

// src/specs/document.ts
var import_yaml = __toESM(require_dist(), 1);
var SpecDocument = class _SpecDocument {
  constructor(file, value, doc, lines, input) {
    this.file = file;
    this.value = value;
    this.doc = doc;
    this.lines = lines;
    this.input = input;
  }
  file;
  value;
  doc;
  lines;
  input;
  /** Parses YAML text; a syntax error becomes a ConfigurationError with the line and column. */
  static parse(text, file, input) {
    const lines = new import_yaml.LineCounter();
    const doc = (0, import_yaml.parseDocument)(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
    const problem = doc.errors[0];
    if (problem) {
      const pos = problem.linePos?.[0];
      const firstLine = problem.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
      throw new ConfigurationError(`${file}${pos ? `:${pos.line}:${pos.col}` : ""}: invalid YAML: ${firstLine}`, {
        input,
        file,
        line: pos?.line,
        column: pos?.col
      });
    }
    return new _SpecDocument(file, doc.toJS({ maxAliasCount: 100 }), doc, lines, input);
  }
  /** Reads and parses a file; a missing file is a ConfigurationError naming the input. */
  static load(path, displayName, input) {
    let text;
    try {
      text = readFileSync(path, "utf8");
    } catch (err) {
      const code = err.code;
      const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a folder, not a YAML file" : `cannot be read (${code})`;
      throw new ConfigurationError(`${input ? `input '${input}': ` : ""}${displayName} ${why}`, {
        input,
        hint: "give a path relative to the repository root (GITHUB_WORKSPACE)"
      });
    }
    return _SpecDocument.parse(text, displayName, input);
  }
  /** The same file with a changed value (after overrides); positions still point into the file. */
  withValue(value) {
    return new _SpecDocument(this.file, value, this.doc, this.lines, this.input);
  }
  /** The source position of a field (its key when it has one, else its value). */
  locate(path) {
    let node = this.doc.contents;
    let keyNode;
    for (const part of path) {
      keyNode = void 0;
      if ((0, import_yaml.isMap)(node)) {
        const pair = node.items.find((p) => ((0, import_yaml.isScalar)(p.key) ? String(p.key.value) : String(p.key)) === String(part));
        if (!pair) break;
        keyNode = (0, import_yaml.isScalar)(pair.key) ? pair.key : void 0;
        node = pair.value;
      } else if ((0, import_yaml.isSeq)(node) && typeof part === "number") {
        node = node.items[part];
      } else {
        break;
      }
    }
    const range = keyNode?.range ?? node?.range;
    if (!range) return { file: this.file };
    const pos = this.lines.linePos(range[0]);
    return { file: this.file, line: pos.line, column: pos.col };
  }
  /** A ConfigurationError about a field, positioned at it. */
  error(path, message, hint) {
    const at = this.locate(path);
    const where = at.line ? `${at.file}:${at.line}:${at.column}` : at.file;
    const field = path.length > 0 ? ` '${formatPath(path)}'` : "";
    return new ConfigurationError(`${where}:${field} ${message}`.replace(/: +/, ": "), {
      input: this.input,
      file: at.file,
      line: at.line,
      column: at.column,
      hint
    });
  }
};
function formatPath(path) {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? p : `.${p}`;
  return out;
}

// src/core/untrusted-log.ts
async function printUntrusted(io, title, text) {
  await io.group(title, async () => {
    const token = randomUUID();
    io.info(`::stop-commands::${token}`);
    io.info(text.replace(/\s+$/, ""));
    io.info(`::${token}::`);
  });
}

// src/specs/fields.ts
function didYouMean(word, options) {
  const near = closest(word, options);
  return near ? ` (did you mean '${near}'?)` : "";
}
var FieldReader = class {
  constructor(doc) {
    this.doc = doc;
  }
  doc;
  /** Throws a ConfigurationError positioned at `path`. */
  fail(path, message, hint) {
    throw this.doc.error(path, message, hint);
  }
  /** Refuses the first key of `obj` that is not in `allowed`, with the closest allowed one. */
  checkKeys(obj, allowed, path, what) {
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k)) {
        this.fail(
          [...path, k],
          `is not a field of a ${what} that azureml-actions can translate${didYouMean(k, allowed)}`,
          `supported fields: ${allowed.filter((a) => a !== "$schema").join(", ")}`
        );
      }
    }
  }
  /** A string; numbers and booleans are taken as their text (YAML reads `1.0` as a number). */
  str(v, path, what = "a string") {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return this.fail(path, `must be ${what}`);
  }
  /** `obj[key]` as a string, or undefined when it is absent or null. */
  optStr(obj, key, path) {
    return obj[key] === void 0 || obj[key] === null ? void 0 : this.str(obj[key], [...path, key]);
  }
  /** A map of names to scalar values, as strings (null \u{2192} ''); undefined when absent. */
  stringMap(v, path) {
    if (v === void 0 || v === null) return void 0;
    if (!isObj(v)) this.fail(path, "must be a map of names to values");
    const out = {};
    for (const [k, val] of Object.entries(v)) {
      if (isObj(val) || Array.isArray(val)) this.fail([...path, k], "must be a string, number or boolean");
      out[k] = val === null ? "" : String(val);
    }
    return out;
  }
  /** A whole number \u{2265} `min` (digits in a string are taken). */
  int(v, path, min = 0) {
    const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min) this.fail(path, `must be a whole number \u2265 ${min}`);
    return n;
  }
  /** A finite number. */
  num(v, path) {
    if (typeof v !== "number" || !Number.isFinite(v)) this.fail(path, "must be a number");
    return v;
  }
  /** A map (`message` says what kind when it is not one). */
  map(v, path, message = "must be a map") {
    if (!isObj(v)) this.fail(path, message);
    return v;
  }
  /**
   * `raw` looked up in `table` (YAML spelling \u{2192} wire value); anything else is refused as
   * "'raw' is not <what>" with the valid spellings (the table's keys unless `valid` is given).
   */
  oneOf(raw, path, table, what, valid = Object.keys(table).join(", ")) {
    if (!Object.hasOwn(table, raw)) this.fail(path, `'${raw}' is not ${what}`, `valid: ${valid}`);
    return table[raw];
  }
  /** An asset, file or URL reference (`azureml:x:1`, `./data`, ...). */
  ref(raw, path) {
    const placeholder = /<[^<>]*>/.exec(raw);
    if (placeholder) {
      this.fail(path, `'${raw}' holds the placeholder '${placeholder[0]}'`, `replace ${placeholder[0]} with the name it stands for (as in your workspace)`);
    }
    try {
      return parseReference(raw);
    } catch (err) {
      if (err instanceof ReferenceError) this.fail(path, err.message);
      throw err;
    }
  }
};

// src/specs/plan.ts
var DEFAULT_DATASTORE = "workspaceblobstore";
function stableJson(v) {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (isObj(v))
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(",")}}`;
  return JSON.stringify(v);
}
function versionHash(s) {
  return createHash("sha256").update(s).digest("hex").slice(0, 24);
}
var PlanContext = class _PlanContext extends FieldReader {
  constructor(doc, fileOnDisk, o) {
    super(doc);
    this.o = o;
    this.baseDir = dirname(fileOnDisk);
    this.datastore = o.datastore ?? DEFAULT_DATASTORE;
  }
  o;
  uploads = [];
  assets = [];
  /** Folder of the file: its relative paths start there. */
  baseDir;
  datastore;
  localPath(p) {
    return isAbsolute(p) ? p : resolve(this.baseDir, p);
  }
  /** The upload of a local file or folder (one per content, however often it is named). */
  async snapshotOf(p, path, purpose) {
    const abs = this.localPath(p);
    if (!existsSync(abs)) this.fail(path, `local path '${p}' does not exist (resolved to ${abs})`, "paths are relative to the folder of the YAML file");
    const snap = await snapshot(abs);
    if (snap.files.length === 0) this.fail(path, `local folder '${p}' is empty (or every file is ignored by .amlignore/.gitignore)`);
    const existing = this.uploads.find((u) => u.snapshot.hash === snap.hash && u.snapshot.name === snap.name);
    if (existing) return existing;
    const upload = { purpose, snapshot: snap, datastorePath: `LocalUpload/${snap.hash.slice(0, 32)}/${snap.name}` };
    this.uploads.push(upload);
    return upload;
  }
  datastoreUri(path, folder) {
    return `azureml://datastores/${this.datastore}/paths/${path}${folder ? "/" : ""}`;
  }
  /** The ARM id of an asset version, a label (`@latest`, or none) resolved. */
  async assetVersionId(kind, r, path) {
    let version = r.version;
    if (!version) {
      const label = r.label ?? "latest";
      try {
        version = await this.o.resolver.resolveLabel(kind, r.name, label);
      } catch (err) {
        if (typeof err.operation === "string") throw err;
        this.fail(path, `cannot resolve azureml:${r.name}@${label}: ${err.message}`);
      }
    }
    return assetId(this.o.workspaceId, kind, r.name, version);
  }
  /** Plans an asset version once (by id); returns its id. */
  addAsset(asset) {
    if (!this.assets.some((a) => a.id === asset.id)) this.assets.push(asset);
    return asset.id;
  }
  /** Takes over what the plan of another file (a component file) collected. */
  /**
   * Plans another YAML file the spec names (`component: ./train.yml`, `environment: file:env.yml`):
   * `fn` reads it in a context of its own (its paths relative to its folder, its errors pointing
   * into it), whose uploads and assets this context then takes over.
   */
  async planFile(rel, path, what, fn) {
    const file = this.localPath(rel);
    if (!existsSync(file)) this.fail(path, `${what} file '${rel}' does not exist (resolved to ${file})`, "paths are relative to the folder of the YAML file");
    const sub = new _PlanContext(SpecDocument.load(file, join(dirname(this.doc.file), rel), this.doc.input), file, this.o);
    const result = await fn(sub);
    this.adopt(sub);
    return result;
  }
  adopt(other) {
    this.uploads.push(...other.uploads.filter((u) => !this.uploads.includes(u)));
    for (const a of other.assets) this.addAsset(a);
  }
};

// src/specs/job/assets.ts

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
function commonProperties(ctx, spec, jobType, at = []) {
  const p = { jobType };
  const s = (k) => ctx.optStr(spec, k, at);
  if (s("display_name") !== void 0) p.displayName = s("display_name");
  if (s("experiment_name") !== void 0) p.experimentName = s("experiment_name");
  if (s("description") !== void 0) p.description = s("description");
  const tags = ctx.stringMap(spec.tags, [...at, "tags"]);
  if (tags) p.tags = tags;
  const props = ctx.stringMap(spec.properties, [...at, "properties"]);
  if (props) p.properties = props;
  const compute = computeId(ctx, spec.compute, [...at, "compute"]);
  if (compute) p.computeId = compute;
  const id = identity(ctx, spec.identity, [...at, "identity"]);
  if (id) p.identity = id;
  const svc = services(ctx, spec.services, [...at, "services"]);
  if (svc) p.services = svc;
  if (spec.queue_settings !== void 0) p.queueSettings = queueSettings(ctx, spec.queue_settings, [...at, "queue_settings"]);
  return p;
}
function queueSettings(ctx, v, path) {
  const qs = ctx.map(v, path);
  ctx.checkKeys(qs, ["job_tier"], path, "queue settings");
  const tiers = ["null", "spot", "basic", "standard", "premium"];
  const tier = ctx.str(qs.job_tier, [...path, "job_tier"]).toLowerCase();
  if (!tiers.includes(tier)) ctx.fail([...path, "job_tier"], `'${tier}' is not a job tier`, `valid: ${tiers.join(", ")}`);
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
var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function placeholderFree(ctx, s, path) {
  const p = /<[^<>]*>/.exec(s);
  if (p) ctx.fail(path, `'${s}' holds the placeholder '${p[0]}'`, `replace ${p[0]} with the value it stands for`);
  return s;
}
function uuid(ctx, v, path) {
  const s = placeholderFree(ctx, ctx.str(v, path), path);
  if (!UUID.test(s)) ctx.fail(path, `'${s}' is not a GUID`, "the client or object id of a user-assigned identity (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
  return s;
}
function identity(ctx, v, path) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path, "must be a map with a type");
  ctx.checkKeys(m, ["type", "client_id", "object_id", "msi_resource_id"], path, "job identity");
  const type = ctx.str(m.type, [...path, "type"]);
  const identityType = Object.hasOwn(IDENTITY_TYPES, type.toLowerCase()) ? IDENTITY_TYPES[type.toLowerCase()] : ctx.fail([...path, "type"], `'${type}' is not an identity type`, "valid: managed, aml_token, user_identity");
  const out = { identityType };
  if (m.client_id !== void 0) out.clientId = uuid(ctx, m.client_id, [...path, "client_id"]);
  if (m.object_id !== void 0) out.objectId = uuid(ctx, m.object_id, [...path, "object_id"]);
  if (m.msi_resource_id !== void 0)
    out.resourceId = placeholderFree(ctx, ctx.str(m.msi_resource_id, [...path, "msi_resource_id"]), [...path, "msi_resource_id"]);
  if (typeof out.resourceId === "string" && !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i.test(out.resourceId))
    ctx.fail(
      [...path, "msi_resource_id"],
      `'${out.resourceId}' is not the ARM id of a user-assigned identity`,
      "write /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>"
    );
  if (identityType !== "Managed" && Object.keys(out).length > 1) ctx.fail(path, "client_id, object_id and msi_resource_id apply to a managed identity only");
  return out;
}
var SERVICE_TYPES = { vs_code: "VSCode", jupyter_lab: "JupyterLab", tensor_board: "TensorBoard", ssh: "SSH", custom: "Custom" };
var SERVICE_KEYS = { tensor_board: ["log_dir"], ssh: ["ssh_public_keys"] };
function services(ctx, v, path) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path, "must be a map of service names to services");
  const out = {};
  for (const [name, svc] of Object.entries(m)) out[name] = service(ctx, svc, [...path, name]);
  return out;
}
function service(ctx, v, p) {
  const svc = ctx.map(v, p, "must be a map with a type");
  const type = ctx.oneOf(ctx.str(svc.type, [...p, "type"]), [...p, "type"], SERVICE_TYPES, "a job service type");
  const own = SERVICE_KEYS[svc.type] ?? [];
  ctx.checkKeys(svc, ["type", "nodes", "port", "properties", ...own], p, `${String(svc.type)} job service`);
  const s = { jobServiceType: type };
  const props = { ...ctx.stringMap(svc.properties, [...p, "properties"]) };
  if (svc.log_dir !== void 0) props.logDir = ctx.str(svc.log_dir, [...p, "log_dir"]);
  if (svc.ssh_public_keys !== void 0)
    props.sshPublicKeys = placeholderFree(ctx, ctx.str(svc.ssh_public_keys, [...p, "ssh_public_keys"]), [...p, "ssh_public_keys"]);
  if (Object.keys(props).length) s.properties = props;
  if (svc.port !== void 0) s.port = ctx.int(svc.port, [...p, "port"], 1);
  if (svc.nodes !== void 0 && svc.nodes !== null) {
    if (svc.nodes !== "all") ctx.fail([...p, "nodes"], "must be 'all' (the service then runs on every node; without it, on the head node only)");
    s.nodes = { nodesValueType: "All" };
  }
  return s;
}
var SHM_SIZE = /^[1-9]\d*[bBkKmMgG]$/;
function resources(ctx, v, path) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path);
  ctx.checkKeys(m, ["instance_count", "instance_type", "shm_size", "docker_args", "properties"], path, "resources section");
  const out = {};
  if (m.instance_count !== void 0) out.instanceCount = ctx.int(m.instance_count, [...path, "instance_count"], 1);
  if (m.instance_type !== void 0) out.instanceType = placeholderFree(ctx, ctx.str(m.instance_type, [...path, "instance_type"]), [...path, "instance_type"]);
  if (m.shm_size !== void 0) {
    out.shmSize = ctx.str(m.shm_size, [...path, "shm_size"]);
    if (!SHM_SIZE.test(out.shmSize))
      ctx.fail([...path, "shm_size"], `'${String(out.shmSize)}' is not a size`, "write a number and a unit: b, k, m or g (e.g. 16g)");
  }
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
function latestOnly(ctx, r, path) {
  if (r.label !== void 0 && r.label !== "latest")
    ctx.fail(
      path,
      `'azureml:${r.name}@${r.label}' names the label '${r.label}': az ml resolves only the label 'latest' of a workspace asset`,
      `write azureml:${r.name}:<version> or azureml:${r.name}@latest`
    );
}

// src/specs/job/assets.ts
var ANON_ENV_NAME = "CliV2AnonymousEnvironment";
var CURATED_ENV_PREFIX = "AzureML-";
async function codeId(ctx, v, path) {
  if (v === void 0 || v === null) return void 0;
  const raw = isObj(v) && v.local_path !== void 0 ? ctx.str(v.local_path, [...path, "local_path"]) : ctx.str(v, path);
  const r = ctx.ref(raw, path);
  switch (r.kind) {
    case "asset":
      latestOnly(ctx, r, path);
      return ctx.assetVersionId("codes", r, path);
    case "arm-id":
      return r.id;
    case "local":
      return localCode(ctx, r.path, path);
    case "git":
      return ctx.fail(
        path,
        `git code references ('${raw}') are not supported`,
        "check the code out in the workflow (actions/checkout) and give a local folder"
      );
    default:
      return ctx.fail(path, `'${raw}' is not a code reference`, "give a local folder, azureml:<name>:<version> or a code version ARM id");
  }
}
async function localCode(ctx, local, path) {
  const upload = await ctx.snapshotOf(local, path, "code");
  const name = upload.snapshot.hash.slice(0, 32);
  const codeUri = ctx.datastoreUri(upload.datastorePath, !upload.snapshot.isFile);
  return ctx.addAsset({
    kind: "codes",
    name,
    version: "1",
    id: assetId(ctx.o.workspaceId, "codes", name, "1"),
    upload,
    body: { properties: { isAnonymous: true, codeUri, properties: { contentHash: upload.snapshot.hash } } }
  });
}
async function environmentId(ctx, v, path) {
  if (v === void 0 || v === null)
    return ctx.fail(path, "is required", "an environment reference (azureml:<name>@latest, azureml://registries/...) or an inline environment with an image");
  if (typeof v === "string") return environmentRef(ctx, v, path);
  if (!isObj(v)) return ctx.fail(path, "must be an environment reference or an inline environment");
  return inlineEnvironment(ctx, v, path);
}
async function environmentRef(ctx, v, path) {
  const r = ctx.ref(v, path);
  switch (r.kind) {
    case "asset":
      if (r.name.startsWith(CURATED_ENV_PREFIX)) return `azureml:${v.trim().replace(/^azureml:/, "")}`;
      latestOnly(ctx, r, path);
      return ctx.assetVersionId("environments", r, path);
    case "arm-id":
      return r.id;
    case "registry":
      if (r.assetType !== "environments") ctx.fail(path, `'${v}' is a registry ${r.assetType} reference, not an environment`);
      return r.uri;
    case "local":
      if (/^file:/i.test(v.trim())) return environmentFile(ctx, r.path, path);
      break;
    default:
      break;
  }
  return ctx.fail(
    path,
    `'${v}' is not an environment reference`,
    "write azureml:<name>:<version>, azureml:<name>@latest, azureml://registries/<registry>/environments/<name>/... or file:<environment.yml>"
  );
}
async function environmentFile(ctx, rel, path) {
  return ctx.planFile(rel, path, "environment", (sub) => inlineEnvironment(sub, sub.map(sub.doc.value, [], "an environment file must be a YAML map"), []));
}
async function inlineEnvironment(ctx, v, path) {
  ctx.checkKeys(
    v,
    ["$schema", "name", "version", "description", "image", "conda_file", "build", "os_type", "tags", "inference_config"],
    path,
    "inline environment"
  );
  const props = { isAnonymous: true, osType: "Linux" };
  if (v.image !== void 0) props.image = placeholderFree(ctx, ctx.str(v.image, [...path, "image"]), [...path, "image"]);
  if (v.description !== void 0) props.description = ctx.str(v.description, [...path, "description"]);
  if (v.os_type !== void 0) props.osType = osType(ctx, v.os_type, [...path, "os_type"]);
  if (v.conda_file !== void 0) props.condaFile = condaFile(ctx, v.conda_file, [...path, "conda_file"]);
  let buildHash = "";
  if (v.build !== void 0) {
    const build = await buildContext(ctx, v.build, [...path, "build"]);
    buildHash = build.hash;
    props.build = build.wire;
  }
  if (props.image === void 0 && props.build === void 0) ctx.fail(path, "an inline environment needs an image or a build context");
  if (props.image !== void 0 && props.build !== void 0) ctx.fail(path, "an inline environment has either an image or a build context, not both");
  if (v.tags !== void 0) props.tags = ctx.stringMap(v.tags, [...path, "tags"]);
  const name = v.name !== void 0 ? placeholderFree(ctx, ctx.str(v.name, [...path, "name"]), [...path, "name"]) : ANON_ENV_NAME;
  const version = v.version !== void 0 ? placeholderFree(ctx, ctx.str(v.version, [...path, "version"]), [...path, "version"]) : versionHash(stableJson(props) + buildHash);
  if (v.name !== void 0) props.isAnonymous = false;
  const id = assetId(ctx.o.workspaceId, "environments", name, version);
  return ctx.addAsset({ kind: "environments", name, version, id, body: { properties: props } });
}
function osType(ctx, v, path) {
  const os = ctx.str(v, path).toLowerCase();
  if (os !== "linux" && os !== "windows") ctx.fail(path, "must be 'linux' or 'windows'");
  return os === "linux" ? "Linux" : "Windows";
}
function condaFile(ctx, v, path) {
  if (isObj(v)) return JSON.stringify(v);
  const p = ctx.localPath(ctx.str(v, path));
  if (!existsSync2(p)) ctx.fail(path, `file '${String(v)}' does not exist (resolved to ${p})`);
  return readFileSync2(p, "utf8");
}
async function buildContext(ctx, v, path) {
  const b = ctx.map(v, path, "must be a map with a path");
  ctx.checkKeys(b, ["path", "dockerfile_path"], path, "environment build section");
  const upload = await ctx.snapshotOf(ctx.str(b.path, [...path, "path"]), [...path, "path"], "environment build context");
  const wire = {
    contextUri: ctx.datastoreUri(upload.datastorePath, true),
    dockerfilePath: b.dockerfile_path !== void 0 ? ctx.str(b.dockerfile_path, [...path, "dockerfile_path"]) : "Dockerfile"
  };
  return { hash: upload.snapshot.hash, wire };
}

export {
  didYouMean,
  FieldReader,
  SpecDocument,
  stableJson,
  versionHash,
  PlanContext,
  COMMON_KEYS,
  commonProperties,
  computeId,
  identity,
  services,
  resources,
  distribution,
  commandLimits,
  latestOnly,
  codeId,
  environmentId,
  printUntrusted
};
