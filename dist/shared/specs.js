const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { readFileSync } = require("node:fs");
const { randomUUID } = require("node:crypto");
const { createHash } = require("node:crypto");
const { existsSync } = require("node:fs");
const { dirname, isAbsolute, join, resolve } = require("node:path");
const { existsSync: existsSync2, readFileSync: readFileSync2 } = require("node:fs");
const { existsSync: existsSync3, statSync } = require("node:fs");
const { isAbsolute: isAbsolute2, resolve: resolve2 } = require("node:path");
const { existsSync: existsSync4 } = require("node:fs");
const { dirname: dirname2, join: join2 } = require("node:path");
import {
  ReferenceError,
  assetId,
  parseReference,
  require_dist
} from "./yaml.js";
import {
  localUploadPath,
  snapshot
} from "./ignore+azure+jobs.js";
import {
  closest
} from "./metrics.mlflow.js";
import {
  withAzureOperation
} from "./azure.errors.js";
import {
  isObj
} from "./core.obj.js";
import {
  ConfigurationError
} from "./core.errors.js";
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
  static load(path2, displayName, input) {
    let text;
    try {
      text = readFileSync(path2, "utf8");
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
  locate(path2) {
    let node = this.doc.contents;
    let keyNode;
    for (const part of path2) {
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
  error(path2, message, hint) {
    const at = this.locate(path2);
    const where = at.line ? `${at.file}:${at.line}:${at.column}` : at.file;
    const field = path2.length > 0 ? ` '${formatPath(path2)}'` : "";
    return new ConfigurationError(`${where}:${field} ${message}`.replace(/: +/, ": "), {
      input: this.input,
      file: at.file,
      line: at.line,
      column: at.column,
      hint
    });
  }
};
function formatPath(path2) {
  let out = "";
  for (const p of path2) out += typeof p === "number" ? `[${p}]` : out === "" ? p : `.${p}`;
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
  fail(path2, message, hint) {
    throw this.doc.error(path2, message, hint);
  }
  /** Refuses the first key of `obj` that is not in `allowed`, with the closest allowed one. */
  checkKeys(obj, allowed, path2, what) {
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k)) {
        this.fail(
          [...path2, k],
          `is not a field of a ${what} that azureml-actions can translate${didYouMean(k, allowed)}`,
          `supported fields: ${allowed.filter((a) => a !== "$schema").join(", ")}`
        );
      }
    }
  }
  /** A string; numbers and booleans are taken as their text (YAML reads `1.0` as a number). */
  str(v, path2, what = "a string") {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return this.fail(path2, `must be ${what}`);
  }
  /** `obj[key]` as a string, or undefined when it is absent or null. */
  optStr(obj, key, path2) {
    return obj[key] === void 0 || obj[key] === null ? void 0 : this.str(obj[key], [...path2, key]);
  }
  /** A map of names to scalar values, as strings (null \u{2192} ''); undefined when absent. */
  stringMap(v, path2) {
    if (v === void 0 || v === null) return void 0;
    if (!isObj(v)) this.fail(path2, "must be a map of names to values");
    const out = {};
    for (const [k, val] of Object.entries(v)) {
      if (isObj(val) || Array.isArray(val)) this.fail([...path2, k], "must be a string, number or boolean");
      out[k] = val === null ? "" : String(val);
    }
    return out;
  }
  /** A whole number \u{2265} `min` (digits in a string are taken). */
  int(v, path2, min = 0) {
    const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min) this.fail(path2, `must be a whole number \u2265 ${min}`);
    return n;
  }
  /** A finite number. */
  num(v, path2) {
    if (typeof v !== "number" || !Number.isFinite(v)) this.fail(path2, "must be a number");
    return v;
  }
  /** A map (`message` says what kind when it is not one). */
  map(v, path2, message = "must be a map") {
    if (!isObj(v)) this.fail(path2, message);
    return v;
  }
  /**
   * `raw` looked up in `table` (YAML spelling \u{2192} wire value); anything else is refused as
   * "'raw' is not <what>" with the valid spellings (the table's keys unless `valid` is given).
   */
  oneOf(raw, path2, table2, what, valid = Object.keys(table2).join(", ")) {
    if (!Object.hasOwn(table2, raw)) this.fail(path2, `'${raw}' is not ${what}`, `valid: ${valid}`);
    return table2[raw];
  }
  /** An asset, file or URL reference (`azureml:x:1`, `./data`, ...). */
  ref(raw, path2) {
    const placeholder = /<[^<>]*>/.exec(raw);
    if (placeholder) {
      this.fail(path2, `'${raw}' holds the placeholder '${placeholder[0]}'`, `replace ${placeholder[0]} with the name it stands for (as in your workspace)`);
    }
    try {
      return parseReference(raw);
    } catch (err) {
      if (err instanceof ReferenceError) this.fail(path2, err.message);
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
  async snapshotOf(p, path2, purpose) {
    const abs = this.localPath(p);
    if (!existsSync(abs)) this.fail(path2, `local path '${p}' does not exist (resolved to ${abs})`, "paths are relative to the folder of the YAML file");
    const snap = await snapshot(abs);
    if (snap.files.length === 0) this.fail(path2, `local folder '${p}' is empty (or every file is ignored by .amlignore/.gitignore)`);
    const existing = this.uploads.find((u) => u.snapshot.hash === snap.hash && u.snapshot.name === snap.name);
    if (existing) return existing;
    const upload = { purpose, snapshot: snap, datastorePath: localUploadPath(snap) };
    this.uploads.push(upload);
    return upload;
  }
  datastoreUri(path2, folder) {
    return `azureml://datastores/${this.datastore}/paths/${path2}${folder ? "/" : ""}`;
  }
  /** The ARM id of an asset version, a label (`@latest`, or none) resolved. */
  async assetVersionId(kind, r, path2) {
    let version = r.version;
    if (!version) {
      const label = r.label ?? "latest";
      try {
        version = await this.o.resolver.resolveLabel(kind, r.name, label);
      } catch (err) {
        if (typeof err.operation === "string") throw err;
        this.fail(path2, `cannot resolve azureml:${r.name}@${label}: ${err.message}`);
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
  async planFile(rel, path2, what, fn) {
    const file = this.localPath(rel);
    if (!existsSync(file)) this.fail(path2, `${what} file '${rel}' does not exist (resolved to ${file})`, "paths are relative to the folder of the YAML file");
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
function queueSettings(ctx, v, path2) {
  const qs = ctx.map(v, path2);
  ctx.checkKeys(qs, ["job_tier"], path2, "queue settings");
  const tiers = ["null", "spot", "basic", "standard", "premium"];
  const tier = ctx.str(qs.job_tier, [...path2, "job_tier"]).toLowerCase();
  if (!tiers.includes(tier)) ctx.fail([...path2, "job_tier"], `'${tier}' is not a job tier`, `valid: ${tiers.join(", ")}`);
  return { jobTier: tier[0].toUpperCase() + tier.slice(1) };
}
function computeId(ctx, v, path2) {
  if (v === void 0 || v === null) return void 0;
  const s = ctx.str(v, path2);
  if (s === "serverless" || s === "azureml:serverless") return void 0;
  const r = ctx.ref(s.startsWith("azureml:") ? s : `azureml:${s}`, path2);
  if (r.kind === "arm-id") return r.id;
  if (r.kind === "asset" && !r.version && !r.label) return `${ctx.o.workspaceId}/computes/${r.name}`;
  return ctx.fail(path2, `'${s}' is not a compute reference`, "write azureml:<compute-name> or a compute ARM id");
}
var IDENTITY_TYPES = { managed: "Managed", managed_identity: "Managed", aml_token: "AMLToken", user_identity: "UserIdentity" };
var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function placeholderFree(ctx, s, path2) {
  const p = /<[^<>]*>/.exec(s);
  if (p) ctx.fail(path2, `'${s}' holds the placeholder '${p[0]}'`, `replace ${p[0]} with the value it stands for`);
  return s;
}
function uuid(ctx, v, path2) {
  const s = placeholderFree(ctx, ctx.str(v, path2), path2);
  if (!UUID.test(s)) ctx.fail(path2, `'${s}' is not a GUID`, "the client or object id of a user-assigned identity (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
  return s;
}
function identity(ctx, v, path2) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path2, "must be a map with a type");
  ctx.checkKeys(m, ["type", "client_id", "object_id", "msi_resource_id"], path2, "job identity");
  const type = ctx.str(m.type, [...path2, "type"]);
  const identityType = Object.hasOwn(IDENTITY_TYPES, type.toLowerCase()) ? IDENTITY_TYPES[type.toLowerCase()] : ctx.fail([...path2, "type"], `'${type}' is not an identity type`, "valid: managed, aml_token, user_identity");
  const out = { identityType };
  if (m.client_id !== void 0) out.clientId = uuid(ctx, m.client_id, [...path2, "client_id"]);
  if (m.object_id !== void 0) out.objectId = uuid(ctx, m.object_id, [...path2, "object_id"]);
  if (m.msi_resource_id !== void 0)
    out.resourceId = placeholderFree(ctx, ctx.str(m.msi_resource_id, [...path2, "msi_resource_id"]), [...path2, "msi_resource_id"]);
  if (typeof out.resourceId === "string" && !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i.test(out.resourceId))
    ctx.fail(
      [...path2, "msi_resource_id"],
      `'${out.resourceId}' is not the ARM id of a user-assigned identity`,
      "write /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>"
    );
  if (identityType !== "Managed" && Object.keys(out).length > 1) ctx.fail(path2, "client_id, object_id and msi_resource_id apply to a managed identity only");
  return out;
}
var SERVICE_TYPES = { vs_code: "VSCode", jupyter_lab: "JupyterLab", tensor_board: "TensorBoard", ssh: "SSH", custom: "Custom" };
var SERVICE_KEYS = { tensor_board: ["log_dir"], ssh: ["ssh_public_keys"] };
function services(ctx, v, path2) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path2, "must be a map of service names to services");
  const out = {};
  for (const [name, svc] of Object.entries(m)) out[name] = service(ctx, svc, [...path2, name]);
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
function resources(ctx, v, path2) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path2);
  ctx.checkKeys(m, ["instance_count", "instance_type", "shm_size", "docker_args", "properties"], path2, "resources section");
  const out = {};
  if (m.instance_count !== void 0) out.instanceCount = ctx.int(m.instance_count, [...path2, "instance_count"], 1);
  if (m.instance_type !== void 0) out.instanceType = placeholderFree(ctx, ctx.str(m.instance_type, [...path2, "instance_type"]), [...path2, "instance_type"]);
  if (m.shm_size !== void 0) {
    out.shmSize = ctx.str(m.shm_size, [...path2, "shm_size"]);
    if (!SHM_SIZE.test(out.shmSize))
      ctx.fail([...path2, "shm_size"], `'${String(out.shmSize)}' is not a size`, "write a number and a unit: b, k, m or g (e.g. 16g)");
  }
  if (m.docker_args !== void 0) out.dockerArgs = ctx.str(m.docker_args, [...path2, "docker_args"]);
  if (m.properties !== void 0) out.properties = ctx.map(m.properties, [...path2, "properties"]);
  return out;
}
function distribution(ctx, v, path2) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path2, "must be a map with a type");
  const type = ctx.str(m.type, [...path2, "type"]).toLowerCase();
  if (type === "pytorch" || type === "mpi") {
    ctx.checkKeys(m, ["type", "process_count_per_instance"], path2, `${type} distribution`);
    const out = { distributionType: type === "pytorch" ? "PyTorch" : "Mpi" };
    if (m.process_count_per_instance !== void 0)
      out.processCountPerInstance = ctx.int(m.process_count_per_instance, [...path2, "process_count_per_instance"], 1);
    return out;
  }
  if (type === "tensorflow") {
    ctx.checkKeys(m, ["type", "worker_count", "parameter_server_count"], path2, "tensorflow distribution");
    const out = { distributionType: "TensorFlow" };
    if (m.worker_count !== void 0) out.workerCount = ctx.int(m.worker_count, [...path2, "worker_count"], 1);
    if (m.parameter_server_count !== void 0) out.parameterServerCount = ctx.int(m.parameter_server_count, [...path2, "parameter_server_count"]);
    return out;
  }
  return ctx.fail([...path2, "type"], `'${String(m.type)}' is not a distribution type`, "valid: pytorch, mpi, tensorflow");
}
function commandLimits(ctx, v, path2) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path2);
  ctx.checkKeys(m, ["timeout"], path2, "command job limits section");
  const out = { jobLimitsType: "Command" };
  if (m.timeout !== void 0) out.timeout = `PT${ctx.int(m.timeout, [...path2, "timeout"], 1)}S`;
  return out;
}
function latestOnly(ctx, r, path2) {
  if (r.label !== void 0 && r.label !== "latest")
    ctx.fail(
      path2,
      `'azureml:${r.name}@${r.label}' names the label '${r.label}': az ml resolves only the label 'latest' of a workspace asset`,
      `write azureml:${r.name}:<version> or azureml:${r.name}@latest`
    );
}

// src/specs/job/assets.ts
var ANON_ENV_NAME = "CliV2AnonymousEnvironment";
var CURATED_ENV_PREFIX = "AzureML-";
async function codeId(ctx, v, path2) {
  if (v === void 0 || v === null) return void 0;
  const raw = isObj(v) && v.local_path !== void 0 ? ctx.str(v.local_path, [...path2, "local_path"]) : ctx.str(v, path2);
  const r = ctx.ref(raw, path2);
  switch (r.kind) {
    case "asset":
      latestOnly(ctx, r, path2);
      return ctx.assetVersionId("codes", r, path2);
    case "arm-id":
      return r.id;
    case "local":
      return localCode(ctx, r.path, path2);
    case "git":
      return ctx.fail(
        path2,
        `git code references ('${raw}') are not supported`,
        "check the code out in the workflow (actions/checkout) and give a local folder"
      );
    default:
      return ctx.fail(path2, `'${raw}' is not a code reference`, "give a local folder, azureml:<name>:<version> or a code version ARM id");
  }
}
async function localCode(ctx, local, path2) {
  const upload = await ctx.snapshotOf(local, path2, "code");
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
async function environmentId(ctx, v, path2) {
  if (v === void 0 || v === null)
    return ctx.fail(path2, "is required", "an environment reference (azureml:<name>@latest, azureml://registries/...) or an inline environment with an image");
  if (typeof v === "string") return environmentRef(ctx, v, path2);
  if (!isObj(v)) return ctx.fail(path2, "must be an environment reference or an inline environment");
  return inlineEnvironment(ctx, v, path2);
}
async function environmentRef(ctx, v, path2) {
  const r = ctx.ref(v, path2);
  switch (r.kind) {
    case "asset":
      if (r.name.startsWith(CURATED_ENV_PREFIX)) return `azureml:${v.trim().replace(/^azureml:/, "")}`;
      latestOnly(ctx, r, path2);
      return ctx.assetVersionId("environments", r, path2);
    case "arm-id":
      return r.id;
    case "registry":
      if (r.assetType !== "environments") ctx.fail(path2, `'${v}' is a registry ${r.assetType} reference, not an environment`);
      return r.uri;
    case "local":
      if (/^file:/i.test(v.trim())) return environmentFile(ctx, r.path, path2);
      break;
    default:
      break;
  }
  return ctx.fail(
    path2,
    `'${v}' is not an environment reference`,
    "write azureml:<name>:<version>, azureml:<name>@latest, azureml://registries/<registry>/environments/<name>/... or file:<environment.yml>"
  );
}
async function environmentFile(ctx, rel, path2) {
  return ctx.planFile(rel, path2, "environment", (sub) => inlineEnvironment(sub, sub.map(sub.doc.value, [], "an environment file must be a YAML map"), []));
}
async function inlineEnvironment(ctx, v, path2) {
  ctx.checkKeys(
    v,
    ["$schema", "name", "version", "description", "image", "conda_file", "build", "os_type", "tags", "inference_config"],
    path2,
    "inline environment"
  );
  const props = { isAnonymous: true, osType: "Linux" };
  if (v.image !== void 0) props.image = placeholderFree(ctx, ctx.str(v.image, [...path2, "image"]), [...path2, "image"]);
  if (v.description !== void 0) props.description = ctx.str(v.description, [...path2, "description"]);
  if (v.os_type !== void 0) props.osType = osType(ctx, v.os_type, [...path2, "os_type"]);
  if (v.conda_file !== void 0) props.condaFile = condaFile(ctx, v.conda_file, [...path2, "conda_file"]);
  let buildHash = "";
  if (v.build !== void 0) {
    const build = await buildContext(ctx, v.build, [...path2, "build"]);
    buildHash = build.hash;
    props.build = build.wire;
  }
  if (props.image === void 0 && props.build === void 0) ctx.fail(path2, "an inline environment needs an image or a build context");
  if (props.image !== void 0 && props.build !== void 0) ctx.fail(path2, "an inline environment has either an image or a build context, not both");
  if (v.tags !== void 0) props.tags = ctx.stringMap(v.tags, [...path2, "tags"]);
  const name = v.name !== void 0 ? placeholderFree(ctx, ctx.str(v.name, [...path2, "name"]), [...path2, "name"]) : ANON_ENV_NAME;
  const version = v.version !== void 0 ? placeholderFree(ctx, ctx.str(v.version, [...path2, "version"]), [...path2, "version"]) : versionHash(stableJson(props) + buildHash);
  if (v.name !== void 0) props.isAnonymous = false;
  const id = assetId(ctx.o.workspaceId, "environments", name, version);
  return ctx.addAsset({ kind: "environments", name, version, id, body: { properties: props } });
}
function osType(ctx, v, path2) {
  const os = ctx.str(v, path2).toLowerCase();
  if (os !== "linux" && os !== "windows") ctx.fail(path2, "must be 'linux' or 'windows'");
  return os === "linux" ? "Linux" : "Windows";
}
function condaFile(ctx, v, path2) {
  if (isObj(v)) return JSON.stringify(v);
  const p = ctx.localPath(ctx.str(v, path2));
  if (!existsSync2(p)) ctx.fail(path2, `file '${String(v)}' does not exist (resolved to ${p})`);
  return readFileSync2(p, "utf8");
}
async function buildContext(ctx, v, path2) {
  const b = ctx.map(v, path2, "must be a map with a path");
  ctx.checkKeys(b, ["path", "dockerfile_path"], path2, "environment build section");
  const upload = await ctx.snapshotOf(ctx.str(b.path, [...path2, "path"]), [...path2, "path"], "environment build context");
  const wire = {
    contextUri: ctx.datastoreUri(upload.datastorePath, true),
    dockerfilePath: b.dockerfile_path !== void 0 ? ctx.str(b.dockerfile_path, [...path2, "dockerfile_path"]) : "Dockerfile"
  };
  return { hash: upload.snapshot.hash, wire };
}

// src/specs/job/io.ts
var INPUT_TYPES = ["uri_file", "uri_folder", "mltable", "custom_model", "mlflow_model", "triton_model"];
var LITERAL_TYPES = ["string", "number", "integer", "boolean"];
var INPUT_MODES = {
  mount: "ReadOnlyMount",
  ro_mount: "ReadOnlyMount",
  download: "Download",
  direct: "Direct",
  eval_mount: "EvalMount",
  eval_download: "EvalDownload"
};
var EVAL_MODES = ["eval_mount", "eval_download"];
var OUTPUT_MODES = { mount: "ReadWriteMount", rw_mount: "ReadWriteMount", upload: "Upload", direct: "Direct" };
var LEGACY_PATH_TYPE = "path";
var URL_SCHEMES = ["https", "http", "wasbs", "wasb", "abfss", "abfs", "adl", "azureml"];
async function assetUri(ctx, raw, type, path2, purpose) {
  const r = ctx.ref(raw, path2);
  switch (r.kind) {
    case "local": {
      const upload = await ctx.snapshotOf(r.path, path2, purpose);
      if (type === "uri_file" && !upload.snapshot.isFile) ctx.fail(path2, `'${raw}' is a folder but the input type is uri_file`, "use type: uri_folder");
      return ctx.datastoreUri(upload.datastorePath, !upload.snapshot.isFile);
    }
    case "asset": {
      latestOnly(ctx, r, path2);
      const kind = type.endsWith("_model") ? "models" : "data";
      return ctx.assetVersionId(kind, r, path2);
    }
    case "arm-id":
      return r.id;
    case "registry":
    case "datastore":
    case "job-output":
    case "mlflow-run":
      return r.uri;
    case "url":
      if (!URL_SCHEMES.includes(r.scheme)) ctx.fail(path2, `'${raw}' uses the unsupported scheme ${r.scheme}://`);
      return r.uri;
    case "git":
      return ctx.fail(path2, `'${raw}' is a git reference, not data`);
  }
}
async function jobInput(ctx, v, path2, bindingsAllowed) {
  if (v === null || v === void 0) return ctx.fail(path2, "has no value");
  if (!isObj(v)) {
    if (Array.isArray(v)) return ctx.fail(path2, "must be a value or a map with type and path");
    const value = String(v);
    if (!bindingsAllowed && /\$\{\{/.test(value)) refuseBinding(ctx, value, path2);
    return { jobInputType: "literal", value };
  }
  ctx.checkKeys(v, ["type", "path", "mode", "value", "default", "description", "optional"], path2, "job input");
  const written = v.type === void 0 ? "uri_folder" : ctx.str(v.type, [...path2, "type"]);
  const type = written === LEGACY_PATH_TYPE ? legacyPathType(ctx, v.path, [...path2, "path"]) : written;
  const out = {};
  if (v.description !== void 0) out.description = ctx.str(v.description, [...path2, "description"]);
  if (LITERAL_TYPES.includes(type)) {
    const val = v.value ?? v.default;
    if (val === void 0) ctx.fail(path2, `a ${type} input needs a value`);
    return { ...out, jobInputType: "literal", value: String(val) };
  }
  if (!INPUT_TYPES.includes(type)) ctx.fail([...path2, "type"], `'${type}' is not an input type`, `valid: ${INPUT_TYPES.join(", ")}, or a literal value`);
  if (v.path === void 0) ctx.fail(path2, `a ${type} input needs a path`);
  const rawPath = ctx.str(v.path, [...path2, "path"]);
  out.jobInputType = type;
  out.uri = /\$\{\{/.test(rawPath) && bindingsAllowed ? rawPath : await assetUri(ctx, rawPath, type, [...path2, "path"], `inputs.${String(path2[path2.length - 1])}`);
  if (v.mode !== void 0) out.mode = inputMode(ctx, ctx.str(v.mode, [...path2, "mode"]), type, [...path2, "mode"]);
  return out;
}
function legacyPathType(ctx, v, path2) {
  if (typeof v !== "string" || /\$\{\{/.test(v)) return "uri_folder";
  const r = ctx.ref(v, path2);
  if (r.kind !== "local") return "uri_folder";
  const abs = ctx.localPath(r.path);
  return existsSync3(abs) && statSync(abs).isFile() ? "uri_file" : "uri_folder";
}
function inputMode(ctx, mode, type, path2) {
  if (mode === "rw_mount" || mode === "upload") {
    ctx.fail(
      path2,
      `'${mode}' is an output mode`,
      `an input is read: ${Object.keys(INPUT_MODES).filter((m) => !EVAL_MODES.includes(m)).join(", ")}`
    );
  }
  if (EVAL_MODES.includes(mode) && type !== "mltable") ctx.fail(path2, `'${mode}' applies to mltable inputs only, not to a ${type} input`);
  return ctx.oneOf(mode, path2, INPUT_MODES, "an input mode");
}
async function jobInputs(ctx, v, path2, bindingsAllowed = false) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path2, "must be a map of input names to inputs");
  const out = {};
  for (const [k, val] of Object.entries(m)) out[k] = await jobInput(ctx, val, [...path2, k], bindingsAllowed);
  return out;
}
function jobOutput(ctx, v, path2) {
  if (v === null || v === void 0) return { jobOutputType: "uri_folder" };
  const m = ctx.map(v, path2, "must be empty or a map with type, path and mode");
  ctx.checkKeys(m, ["type", "path", "mode", "description"], path2, "job output");
  const written = m.type === void 0 ? "uri_folder" : ctx.str(m.type, [...path2, "type"]);
  const type = written === LEGACY_PATH_TYPE ? "uri_folder" : written;
  if (!INPUT_TYPES.includes(type)) ctx.fail([...path2, "type"], `'${type}' is not an output type`, `valid: ${INPUT_TYPES.join(", ")}`);
  const out = { jobOutputType: type };
  if (m.description !== void 0) out.description = ctx.str(m.description, [...path2, "description"]);
  if (m.path !== void 0) out.uri = outputUri(ctx, m.path, [...path2, "path"]);
  if (m.mode !== void 0) out.mode = ctx.oneOf(ctx.str(m.mode, [...path2, "mode"]), [...path2, "mode"], OUTPUT_MODES, "an output mode");
  return out;
}
function outputUri(ctx, v, path2) {
  const raw = ctx.str(v, path2);
  const r = ctx.ref(raw.replace(/\$\{\{name\}\}/g, "x"), path2);
  if (r.kind !== "datastore" && r.kind !== "url")
    ctx.fail(path2, `an output path must be a datastore path (azureml://datastores/<ds>/paths/<p>) or a storage URL, not '${raw}'`);
  return raw;
}
function jobOutputs(ctx, v, path2) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path2, "must be a map of output names to outputs");
  const out = {};
  for (const [k, val] of Object.entries(m)) out[k] = jobOutput(ctx, val, [...path2, k]);
  return out;
}
function scopeOf(inputs, outputs, searchSpace) {
  const scope = { inputs: Object.keys(inputs ?? {}), outputs: [...Object.keys(outputs ?? {}), "artifacts"] };
  if (searchSpace) scope.searchSpace = Object.keys(searchSpace);
  return scope;
}
function checkCommandRefs(ctx, command, path2, scope) {
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
      path2,
      `refers to \${{${expr}}}, which is not defined${near ? ` (did you mean ${head}.${near}?)` : ""}`,
      valid.length ? `defined: ${valid.join(", ")}` : "this job defines no inputs or outputs"
    );
  }
}
function refuseBinding(ctx, value, path2) {
  return ctx.fail(path2, `uses the binding '${value}', which only a pipeline step can use`);
}

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
async function translate(ctx, spec, at = []) {
  ctx.checkKeys(spec, SWEEP_KEYS, at, "sweep job");
  const p = commonProperties(ctx, spec, "Sweep", at);
  const trial = await trialOf(ctx, spec.trial, [...at, "trial"]);
  p.trial = trial;
  const inputs = await jobInputs(ctx, spec.inputs, [...at, "inputs"]);
  if (inputs) p.inputs = inputs;
  const outputs = jobOutputs(ctx, spec.outputs, [...at, "outputs"]);
  if (outputs) p.outputs = outputs;
  const space = sweepSettings(ctx, spec, at);
  p.searchSpace = space.searchSpace;
  checkCommandRefs(ctx, trial.command, [...at, "trial", "command"], scopeOf(inputs, outputs, space.searchSpace));
  p.samplingAlgorithm = space.samplingAlgorithm;
  p.objective = space.objective;
  if (space.earlyTermination) p.earlyTermination = space.earlyTermination;
  if (space.limits) p.limits = space.limits;
  return p;
}
function sweepSettings(ctx, spec, at) {
  if (spec.search_space === void 0) ctx.fail(at, "a sweep needs 'search_space'");
  const searchSpace = searchSpaceOf(ctx, spec.search_space, [...at, "search_space"]);
  const out = {
    searchSpace,
    samplingAlgorithm: samplingAlgorithm(ctx, spec.sampling_algorithm, searchSpace, at),
    objective: objective(ctx, spec.objective, at)
  };
  if (spec.early_termination !== void 0 && spec.early_termination !== null) out.earlyTermination = earlyTermination(ctx, spec.early_termination, at);
  if (spec.limits !== void 0 && spec.limits !== null) out.limits = sweepLimits(ctx, spec.limits, at);
  return out;
}
async function trialOf(ctx, v, tp) {
  const t = ctx.map(v, tp, "a sweep job needs a trial (command, code, environment)");
  ctx.checkKeys(t, TRIAL_KEYS, tp, "sweep trial");
  if (t.command === void 0) ctx.fail(tp, "the trial needs 'command'");
  const trial = { command: ctx.str(t.command, [...tp, "command"]).trim() };
  const code = await codeId(ctx, t.code, [...tp, "code"]);
  if (code) trial.codeId = code;
  trial.environmentId = await environmentId(ctx, t.environment, [...tp, "environment"]);
  const env = ctx.stringMap(t.environment_variables, [...tp, "environment_variables"]);
  if (env) trial.environmentVariables = env;
  const res = resources(ctx, t.resources, [...tp, "resources"]);
  if (res) trial.resources = res;
  const dist = distribution(ctx, t.distribution, [...tp, "distribution"]);
  if (dist) trial.distribution = dist;
  return trial;
}
function searchSpaceOf(ctx, v, path2) {
  if (!isObj(v) || Object.keys(v).length === 0) return ctx.fail(path2, "must be a map of parameter names to distributions");
  const out = {};
  for (const [name, d] of Object.entries(v)) out[name] = parameter(ctx, d, [...path2, name]);
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
function samplingAlgorithm(ctx, sa, space, at) {
  const sp = [...at, "sampling_algorithm"];
  if (sa === void 0) ctx.fail(at, "a sweep needs 'sampling_algorithm' (random, grid or bayesian)");
  const saObj = isObj(sa) ? sa : { type: sa };
  if (isObj(sa)) ctx.checkKeys(sa, ["type", "seed", "rule"], sp, "sampling algorithm");
  const saType = ctx.str(saObj.type, isObj(sa) ? [...sp, "type"] : sp).toLowerCase();
  const algo = { samplingAlgorithmType: ctx.oneOf(saType, sp, SAMPLING, "a sampling algorithm") };
  if (saObj.seed !== void 0) algo.seed = ctx.int(saObj.seed, [...sp, "seed"]);
  if (saObj.rule !== void 0) {
    const rule = ctx.str(saObj.rule, [...sp, "rule"]).toLowerCase();
    if (rule !== "random" && rule !== "sobol") ctx.fail([...sp, "rule"], "must be 'random' or 'sobol'");
    algo.rule = rule === "sobol" ? "Sobol" : "Random";
  }
  if ((algo.seed !== void 0 || algo.rule !== void 0) && saType !== "random") ctx.fail(sp, "seed and rule apply to random sampling only");
  if (saType === "grid") {
    for (const [name, d] of Object.entries(space)) {
      if (d[0] !== "choice") ctx.fail([...at, "search_space", name], "grid sampling needs choice distributions only");
    }
  }
  return algo;
}
function objective(ctx, v, at) {
  const op = [...at, "objective"];
  const obj = ctx.map(v, op, "a sweep needs an objective with goal and primary_metric");
  ctx.checkKeys(obj, ["goal", "primary_metric"], op, "objective");
  const goal = ctx.str(obj.goal, [...op, "goal"]).toLowerCase();
  if (goal !== "minimize" && goal !== "maximize") ctx.fail([...op, "goal"], "must be 'minimize' or 'maximize'");
  return { goal: goal === "minimize" ? "Minimize" : "Maximize", primaryMetric: ctx.str(obj.primary_metric, [...op, "primary_metric"]) };
}
function earlyTermination(ctx, v, at) {
  const path2 = [...at, "early_termination"];
  const et = ctx.map(v, path2, "must be a map with a type");
  const t = ctx.str(et.type, [...path2, "type"]).toLowerCase();
  const common = ["type", "evaluation_interval", "delay_evaluation"];
  const policy = {};
  if (t === "bandit") {
    ctx.checkKeys(et, [...common, "slack_factor", "slack_amount"], path2, "bandit policy");
    policy.policyType = "Bandit";
    if (et.slack_factor !== void 0) policy.slackFactor = ctx.num(et.slack_factor, [...path2, "slack_factor"]);
    if (et.slack_amount !== void 0) policy.slackAmount = ctx.num(et.slack_amount, [...path2, "slack_amount"]);
  } else if (t === "median_stopping") {
    ctx.checkKeys(et, common, path2, "median stopping policy");
    policy.policyType = "MedianStopping";
  } else if (t === "truncation_selection") {
    ctx.checkKeys(et, [...common, "truncation_percentage"], path2, "truncation selection policy");
    policy.policyType = "TruncationSelection";
    if (et.truncation_percentage !== void 0) policy.truncationPercentage = ctx.int(et.truncation_percentage, [...path2, "truncation_percentage"]);
  } else {
    ctx.fail([...path2, "type"], `'${t}' is not an early termination policy`, "valid: bandit, median_stopping, truncation_selection");
  }
  if (et.evaluation_interval !== void 0) policy.evaluationInterval = ctx.int(et.evaluation_interval, [...path2, "evaluation_interval"]);
  if (et.delay_evaluation !== void 0) policy.delayEvaluation = ctx.int(et.delay_evaluation, [...path2, "delay_evaluation"]);
  return policy;
}
function sweepLimits(ctx, v, at) {
  const lp = [...at, "limits"];
  const l = ctx.map(v, lp);
  ctx.checkKeys(l, ["max_total_trials", "max_concurrent_trials", "timeout", "trial_timeout"], lp, "sweep limits section");
  const limits = { jobLimitsType: "Sweep" };
  if (l.max_total_trials !== void 0) limits.maxTotalTrials = ctx.int(l.max_total_trials, [...lp, "max_total_trials"], 1);
  if (l.max_concurrent_trials !== void 0) limits.maxConcurrentTrials = ctx.int(l.max_concurrent_trials, [...lp, "max_concurrent_trials"], 1);
  if (l.timeout !== void 0) limits.timeout = `PT${ctx.int(l.timeout, [...lp, "timeout"], 1)}S`;
  if (l.trial_timeout !== void 0) limits.trialTimeout = `PT${ctx.int(l.trial_timeout, [...lp, "trial_timeout"], 1)}S`;
  return limits;
}
var sweepJob = { type: "sweep", jobType: "Sweep", translate };

// src/specs/job/automl-fields.ts
function camelToSnake(s) {
  return s.replace(/(.)([A-Z][a-z]+)/g, "$1_$2").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}
function snakeToCamel(s) {
  return s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}
function isoMinutes(minutes) {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor(minutes % 1440 / 60);
  const m = minutes % 60;
  const time = `${h ? `${h}H` : ""}${m ? `${m}M` : ""}`;
  const iso = `P${d ? `${d}D` : ""}${time ? `T${time}` : ""}`;
  return iso === "P" ? "P0D" : iso;
}
function isBinding(v) {
  return typeof v === "string" && /^\s*\$\{\{.*\}\}\s*$/.test(v);
}
var E = {
  logVerbosity: ["NotSet", "Debug", "Info", "Warning", "Error", "Critical"],
  classificationMetrics: ["AUCWeighted", "Accuracy", "NormMacroRecall", "AveragePrecisionScoreWeighted", "PrecisionScoreWeighted"],
  multilabelMetrics: ["AUCWeighted", "Accuracy", "NormMacroRecall", "AveragePrecisionScoreWeighted", "PrecisionScoreWeighted", "IOU"],
  detectionMetrics: ["MeanAveragePrecision"],
  regressionMetrics: ["SpearmanCorrelation", "NormalizedRootMeanSquaredError", "R2Score", "NormalizedMeanAbsoluteError"],
  classificationModels: [
    "LogisticRegression",
    "SGD",
    "MultinomialNaiveBayes",
    "BernoulliNaiveBayes",
    "SVM",
    "LinearSVM",
    "KNN",
    "DecisionTree",
    "RandomForest",
    "ExtremeRandomTrees",
    "LightGBM",
    "GradientBoosting",
    "XGBoostClassifier"
  ],
  regressionModels: [
    "ElasticNet",
    "GradientBoosting",
    "DecisionTree",
    "KNN",
    "LassoLars",
    "SGD",
    "RandomForest",
    "ExtremeRandomTrees",
    "LightGBM",
    "XGBoostRegressor"
  ],
  forecastingModels: [
    "AutoArima",
    "Prophet",
    "Naive",
    "SeasonalNaive",
    "Average",
    "SeasonalAverage",
    "ExponentialSmoothing",
    "Arimax",
    "TCNForecaster",
    "ElasticNet",
    "GradientBoosting",
    "DecisionTree",
    "KNN",
    "LassoLars",
    "SGD",
    "RandomForest",
    "ExtremeRandomTrees",
    "LightGBM",
    "XGBoostRegressor"
  ],
  blockedTransformers: [
    "TextTargetEncoder",
    "OneHotEncoder",
    "CatTargetEncoder",
    "TfIdf",
    "WoETargetEncoder",
    "LabelEncoder",
    "WordEmbedding",
    "NaiveBayes",
    "CountVectorizer",
    "HashOneHotEncoder"
  ],
  featurizationMode: ["Auto", "Custom", "Off"],
  // azure-ai-ml constants/_job/automl.py AutoMLTransformerParameterKeys (transformerParams keys)
  transformerKeys: ["Imputer", "TfIdf", "HashOneHotEncoder"],
  stackMetaLearner: [
    "None",
    "LogisticRegression",
    "LogisticRegressionCV",
    "LightGBMClassifier",
    "ElasticNet",
    "ElasticNetCV",
    "LightGBMRegressor",
    "LinearRegression"
  ],
  featureLags: ["None", "Auto"],
  shortSeries: ["None", "Auto", "Pad", "Drop"],
  aggregation: ["None", "Sum", "Max", "Min", "Mean"],
  useStl: ["None", "Season", "SeasonTrend"],
  lrScheduler: ["None", "WarmupCosine", "Step"],
  optimizer: ["None", "Sgd", "Adam", "Adamw"],
  modelSize: ["None", "Small", "Medium", "Large", "ExtraLarge"],
  validationMetric: ["None", "Coco", "Voc", "CocoVoc"],
  sampling: ["Grid", "Random", "Bayesian"]
};
var NOT_IN_API = "the Azure ML API version azureml-actions sends (2024-10-01) has no such AutoML setting";
function refuseField(r, path2, why = NOT_IN_API) {
  return r.ctx.fail(path2, "cannot be translated", why);
}
function enumValue(r, v, path2, values, what) {
  const raw = r.ctx.str(v, path2);
  const key = camelToSnake(raw.trim());
  const hit = values.find((x) => camelToSnake(x) === key);
  if (!hit) r.ctx.fail(path2, `'${raw}' is not ${what}`, `valid: ${values.map(camelToSnake).join(", ")}`);
  return { rest: hit, yaml: camelToSnake(hit) };
}
function strList(r, v, path2) {
  if (!Array.isArray(v)) return r.ctx.fail(path2, "must be a list of strings");
  return v.map((x, i) => r.ctx.str(x, [...path2, i]));
}
function convert(r, f, v, path2) {
  const { ctx } = r;
  const k = f.kind;
  if (k === "int") {
    const n = ctx.int(v, path2, f.min ?? 0);
    return { rest: n, yaml: n };
  }
  if (k === "num") return { rest: ctx.num(v, path2), yaml: v };
  if (k === "bool") {
    if (typeof v !== "boolean") ctx.fail(path2, "must be true or false");
    return { rest: v, yaml: v };
  }
  if (k === "str") return { rest: ctx.str(v, path2), yaml: ctx.str(v, path2) };
  if (k === "minutes") {
    const n = ctx.int(v, path2, 1);
    return { rest: isoMinutes(n), yaml: n };
  }
  if (k === "strList") return { rest: strList(r, v, path2), yaml: v };
  if (k === "strOrList") {
    const list = Array.isArray(v) ? strList(r, v, path2) : [ctx.str(v, path2)];
    return { rest: list, yaml: v };
  }
  if (k === "strMap") {
    const m = ctx.stringMap(v, path2);
    return { rest: m, yaml: m };
  }
  if (k === "anyMap") return { rest: ctx.map(v, path2), yaml: v };
  if ("enum" in k) return enumValue(r, v, path2, k.enum, `a valid ${f.yaml.replace(/_/g, " ")}`);
  if ("enumList" in k) {
    if (!Array.isArray(v)) return ctx.fail(path2, "must be a list");
    const items = v.map((x, i) => enumValue(r, x, [...path2, i], k.enumList, `a valid ${f.yaml.replace(/_/g, " ").replace(/s$/, "")}`));
    return { rest: items.map((x) => x.rest), yaml: items.map((x) => x.yaml) };
  }
  if ("autoOr" in k) {
    if (typeof v === "string" && v.trim().toLowerCase() === "auto") return { rest: { mode: "Auto" }, yaml: "auto" };
    if (k.autoOr === "values") {
      const list = Array.isArray(v) ? v.map((x, i) => ctx.int(x, [...path2, i], 1)) : [ctx.int(v, path2, 1)];
      return { rest: { mode: "Custom", values: list }, yaml: v };
    }
    const n = typeof v === "number" || /^\d+$/.test(String(v)) ? ctx.int(v, path2, 1) : ctx.fail(path2, "must be 'auto' or a whole number");
    return { rest: { mode: "Custom", value: n }, yaml: n };
  }
  return refuseField(r, path2, k.refused);
}
function readSection(r, v, path2, fields, what) {
  const m = r.ctx.map(v, path2, `must be a map (the ${what})`);
  r.ctx.checkKeys(
    m,
    fields.map((f) => f.yaml),
    path2,
    what
  );
  const out = { rest: {}, yaml: {} };
  for (const f of fields) readField(r, m, path2, f, out);
  return out;
}
function readField(r, spec, at, f, into) {
  const val = spec[f.yaml];
  if (val === void 0 || val === null) return;
  const p = [...at, f.yaml];
  if (isBinding(val)) {
    if (!r.step) r.ctx.fail(p, `uses the binding '${val}', which only a pipeline step can use`);
    into.yaml[f.yaml] = val.trim();
    return;
  }
  const c = convert(r, f, val, p);
  into.rest[f.rest ?? snakeToCamel(f.yaml)] = c.rest;
  into.yaml[f.yaml] = c.yaml;
}
var TABLE_LIMITS = [
  { yaml: "enable_early_termination", kind: "bool" },
  { yaml: "exit_score", kind: "num" },
  { yaml: "max_concurrent_trials", kind: "int", min: 1 },
  // -1: every core (azure-ai-ml TabularLimitSettings docstring)
  { yaml: "max_cores_per_trial", kind: "int", min: -1 },
  { yaml: "max_trials", kind: "int", min: 1 },
  { yaml: "timeout_minutes", kind: "minutes", rest: "timeout" },
  { yaml: "trial_timeout_minutes", kind: "minutes", rest: "trialTimeout" },
  { yaml: "max_nodes", kind: { refused: NOT_IN_API } },
  { yaml: "sweep_concurrent_trials", kind: { refused: NOT_IN_API } },
  { yaml: "max_concurrent_iterations", kind: { refused: NOT_IN_API } }
];
function trainingFields(models) {
  return [
    { yaml: "enable_dnn_training", kind: "bool" },
    { yaml: "enable_model_explainability", kind: "bool" },
    { yaml: "enable_onnx_compatible_models", kind: "bool" },
    { yaml: "enable_stack_ensemble", kind: "bool" },
    { yaml: "enable_vote_ensemble", kind: "bool" },
    { yaml: "ensemble_model_download_timeout_minutes", kind: "minutes", rest: "ensembleModelDownloadTimeout" },
    { yaml: "allowed_training_algorithms", kind: { enumList: models } },
    { yaml: "blocked_training_algorithms", kind: { enumList: models } },
    { yaml: "training_mode", kind: { refused: NOT_IN_API } }
  ];
}
var STACK_ENSEMBLE = [
  { yaml: "stack_meta_learner_kwargs", kind: "anyMap", rest: "stackMetaLearnerKWargs" },
  { yaml: "stack_meta_learner_train_percentage", kind: "num" },
  { yaml: "stack_meta_learner_type", kind: { enum: E.stackMetaLearner } }
];
var TABLE_FEATURIZATION = [
  { yaml: "mode", kind: { enum: E.featurizationMode } },
  { yaml: "blocked_transformers", kind: { enumList: E.blockedTransformers } },
  { yaml: "column_name_and_types", kind: "strMap" },
  { yaml: "enable_dnn_featurization", kind: "bool" },
  { yaml: "dataset_language", kind: "str" }
];
var FORECASTING = [
  { yaml: "country_or_region_for_holidays", kind: "str" },
  { yaml: "cv_step_size", kind: "int", min: 1 },
  { yaml: "forecast_horizon", kind: { autoOr: "value" } },
  { yaml: "target_lags", kind: { autoOr: "values" } },
  { yaml: "target_rolling_window_size", kind: { autoOr: "value" } },
  { yaml: "time_column_name", kind: "str" },
  { yaml: "time_series_id_column_names", kind: "strOrList" },
  { yaml: "frequency", kind: "str" },
  { yaml: "feature_lags", kind: { enum: E.featureLags } },
  { yaml: "seasonality", kind: { autoOr: "value" } },
  { yaml: "short_series_handling_config", kind: { enum: E.shortSeries } },
  { yaml: "use_stl", kind: { enum: E.useStl } },
  { yaml: "target_aggregate_function", kind: { enum: E.aggregation } },
  { yaml: "features_unknown_at_forecast_time", kind: { refused: NOT_IN_API } }
];
var IMAGE_LIMITS = [
  { yaml: "max_concurrent_trials", kind: "int", min: 1 },
  { yaml: "max_trials", kind: "int", min: 1 },
  { yaml: "timeout_minutes", kind: "minutes", rest: "timeout" }
];
var NLP_LIMITS = [
  { yaml: "max_concurrent_trials", kind: "int", min: 1 },
  { yaml: "max_trials", kind: "int", min: 1 },
  { yaml: "timeout_minutes", kind: "minutes", rest: "timeout" },
  { yaml: "max_nodes", kind: { refused: NOT_IN_API } },
  { yaml: "trial_timeout_minutes", kind: { refused: NOT_IN_API } }
];
var NLP_FEATURIZATION = [{ yaml: "dataset_language", kind: "str" }];
var IMAGE_SETTINGS_COMMON = {
  advancedSettings: "str",
  amsGradient: "bool",
  augmentations: "str",
  beta1: "num",
  beta2: "num",
  checkpointFrequency: "int",
  checkpointRunId: "str",
  distributed: "bool",
  earlyStopping: "bool",
  earlyStoppingDelay: "int",
  earlyStoppingPatience: "int",
  enableOnnxNormalization: "bool",
  evaluationFrequency: "int",
  gradientAccumulationStep: "int",
  layersToFreeze: "int",
  learningRate: "num",
  learningRateScheduler: { enum: E.lrScheduler },
  modelName: "str",
  momentum: "num",
  nesterov: "bool",
  numberOfEpochs: "int",
  numberOfWorkers: "int",
  optimizer: { enum: E.optimizer },
  randomSeed: "int",
  stepLRGamma: "num",
  stepLRStepSize: "int",
  trainingBatchSize: "int",
  validationBatchSize: "int",
  warmupCosineLRCycles: "num",
  warmupCosineLRWarmupEpochs: "int",
  weightDecay: "num"
};
var IMAGE_SETTINGS_CLASSIFICATION = {
  trainingCropSize: "int",
  validationCropSize: "int",
  validationResizeSize: "int",
  weightedLoss: "int"
};
var IMAGE_SETTINGS_DETECTION = {
  boxDetectionsPerImage: "int",
  boxScoreThreshold: "num",
  imageSize: "int",
  maxSize: "int",
  minSize: "int",
  modelSize: { enum: E.modelSize },
  multiScale: "bool",
  nmsIouThreshold: "num",
  tileGridSize: "str",
  tileOverlapRatio: "num",
  tilePredictionsNmsThreshold: "num",
  validationIouThreshold: "num",
  validationMetricType: { enum: E.validationMetric }
};
function yamlNameOf(wire) {
  return wire.replace(/LR/g, "Lr").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}
function table(kinds) {
  return Object.entries(kinds).map(([rest, kind]) => ({ yaml: yamlNameOf(rest), rest, kind }));
}
function imageSettingsFields(detection) {
  return table({ ...IMAGE_SETTINGS_COMMON, ...detection ? IMAGE_SETTINGS_DETECTION : IMAGE_SETTINGS_CLASSIFICATION });
}
function imageSearchFields(detection) {
  return imageSettingsFields(detection).filter((f) => !f.yaml.startsWith("checkpoint_") && f.yaml !== "advanced_settings");
}
var EARLY_TERMINATION = {
  bandit: {
    policyType: "Bandit",
    fields: [
      { yaml: "slack_factor", kind: "num" },
      { yaml: "slack_amount", kind: "num" }
    ]
  },
  median_stopping: { policyType: "MedianStopping", fields: [] },
  truncation_selection: { policyType: "TruncationSelection", fields: [{ yaml: "truncation_percentage", kind: "int" }] }
};
var POLICY_COMMON = [
  { yaml: "evaluation_interval", kind: "int" },
  { yaml: "delay_evaluation", kind: "int" }
];
function pyStr(v) {
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") {
    const s = String(v);
    if (!/e/i.test(s)) return s;
    return v.toFixed(20).replace(/0+$/, "").replace(/\.$/, ".0");
  }
  return String(v);
}
function distributionString(r, v, path2) {
  const { ctx } = r;
  if (!isObj(v)) {
    if (Array.isArray(v) || v === null) return ctx.fail(path2, "must be a value or a distribution (a map with type: choice, uniform, ...)");
    return pyStr(v);
  }
  const type = ctx.str(v.type, [...path2, "type"]).toLowerCase();
  const args = ctx.oneOf(type, [...path2, "type"], DISTRIBUTIONS, "a search space distribution");
  ctx.checkKeys(v, ["type", ...args], path2, `${type} distribution`);
  if (type === "choice") {
    if (!Array.isArray(v.values) || v.values.length === 0) ctx.fail([...path2, "values"], "must be a non-empty list");
    const items = v.values.map((x, i) => {
      if (isObj(x) || Array.isArray(x) || x === null) ctx.fail([...path2, "values", i], "must be a plain value");
      return typeof x === "string" ? `'${x}'` : pyStr(x);
    });
    return `choice(${items.join(",")})`;
  }
  if (type === "randint") return `randint(${ctx.int(v.upper, [...path2, "upper"], 1)})`;
  const nums = args.map((a) => ctx.num(v[a], [...path2, a]));
  if (type.includes("uniform") && nums[0] >= nums[1]) ctx.fail([...path2, "max_value"], "must be greater than min_value");
  return `${type}(${nums.map(pyStr).join(",")})`;
}

// src/specs/job/automl.ts
var TASKS = {
  classification: {
    taskType: "Classification",
    family: "tabular",
    metrics: E.classificationMetrics,
    defaultMetric: "Accuracy",
    models: E.classificationModels,
    targetRequired: true
  },
  regression: {
    taskType: "Regression",
    family: "tabular",
    metrics: E.regressionMetrics,
    defaultMetric: "NormalizedRootMeanSquaredError",
    models: E.regressionModels,
    targetRequired: true
  },
  forecasting: {
    taskType: "Forecasting",
    family: "tabular",
    metrics: E.regressionMetrics,
    defaultMetric: "NormalizedRootMeanSquaredError",
    models: E.forecastingModels,
    targetRequired: true
  },
  image_classification: { taskType: "ImageClassification", family: "image", metrics: E.classificationMetrics, defaultMetric: "Accuracy", targetRequired: true },
  image_classification_multilabel: {
    taskType: "ImageClassificationMultilabel",
    family: "image",
    metrics: E.multilabelMetrics,
    defaultMetric: "IOU",
    targetRequired: true
  },
  image_object_detection: {
    taskType: "ImageObjectDetection",
    family: "image",
    metrics: E.detectionMetrics,
    defaultMetric: "MeanAveragePrecision",
    detection: true,
    targetRequired: true
  },
  image_instance_segmentation: {
    taskType: "ImageInstanceSegmentation",
    family: "image",
    metrics: E.detectionMetrics,
    defaultMetric: "MeanAveragePrecision",
    detection: true,
    targetRequired: true
  },
  text_classification: { taskType: "TextClassification", family: "nlp", metrics: E.classificationMetrics, defaultMetric: "Accuracy", targetRequired: true },
  text_classification_multilabel: {
    taskType: "TextClassificationMultilabel",
    family: "nlp",
    metrics: E.multilabelMetrics,
    defaultMetric: "Accuracy",
    targetRequired: true
  },
  // azure-ai-ml TextNerSchema: the label column is fixed by the CoNLL format, no target column
  text_ner: { taskType: "TextNER", family: "nlp", metrics: E.classificationMetrics, defaultMetric: "Accuracy", targetRequired: false }
};
var AUTOML_KEYS = [
  ...COMMON_KEYS,
  "task",
  "log_verbosity",
  "training_data",
  "validation_data",
  "target_column_name",
  "primary_metric",
  "limits",
  "outputs",
  "resources",
  "environment_id",
  "environment_variables"
];
var FAMILY_KEYS = {
  tabular: [
    "test_data",
    "validation_data_size",
    "test_data_size",
    "cv_split_column_names",
    "n_cross_validations",
    "weight_column_name",
    "featurization",
    "training"
  ],
  image: ["validation_data_size", "training_parameters", "sweep", "search_space"],
  // training_parameters / sweep / search_space of NLP jobs exist in newer API versions only: refused by name below
  nlp: ["featurization", "training_parameters", "sweep", "search_space"]
};
function keysOf(taskName, task2) {
  const keys = [...AUTOML_KEYS, ...FAMILY_KEYS[task2.family]];
  if (taskName === "classification") keys.push("positive_label");
  if (taskName === "forecasting") keys.push("forecasting");
  return keys;
}
function taskOf(ctx, spec, at) {
  if (spec.task === void 0 || spec.task === null) ctx.fail(at, "an automl job needs 'task'", `valid: ${Object.keys(TASKS).join(", ")}`);
  const name = ctx.str(spec.task, [...at, "task"]);
  const key = name.trim().toLowerCase();
  if (!Object.hasOwn(TASKS, key)) {
    const valid = Object.keys(TASKS);
    ctx.fail([...at, "task"], `'${name}' is not an AutoML task${didYouMean(key, valid)}`, `valid: ${valid.join(", ")}`);
  }
  return [key, TASKS[key]];
}
async function dataInput(r, v, path2) {
  if (isBinding(v) && r.step) return { yaml: v.trim() };
  if (!isObj(v)) return r.ctx.fail(path2, "must be a map with type: mltable and path");
  const input = await jobInput(r.ctx, { type: "mltable", ...v }, path2, false);
  if (input.jobInputType !== "mltable")
    r.ctx.fail([...path2, "type"], `'${String(input.jobInputType)}' is not an AutoML data input`, "AutoML reads MLTable data: type: mltable");
  const yaml = { type: "mltable", path: input.uri };
  if (v.mode !== void 0) yaml.mode = v.mode;
  if (input.description !== void 0) yaml.description = input.description;
  return { rest: input, yaml };
}
async function taskDetails(r, spec, at, taskName, task2) {
  const { ctx } = r;
  const out = { rest: { taskType: task2.taskType }, yaml: { task: taskName } };
  if (spec.log_verbosity !== void 0 && spec.log_verbosity !== null) {
    readField(r, spec, at, { yaml: "log_verbosity", kind: { enum: E.logVerbosity } }, out);
  } else {
    out.yaml.log_verbosity = "info";
  }
  for (const key of ["training_data", "validation_data", "test_data"]) {
    if (spec[key] === void 0 || spec[key] === null) continue;
    const d = await dataInput(r, spec[key], [...at, key]);
    out.yaml[key] = d.yaml;
    if (d.rest) out.rest[key.replace(/_data$/, "Data")] = d.rest;
  }
  if (spec.training_data === void 0 || spec.training_data === null) ctx.fail(at, "an automl job needs 'training_data' (an MLTable input)");
  if (task2.targetRequired && (spec.target_column_name === void 0 || spec.target_column_name === null))
    ctx.fail(at, `a ${taskName} job needs 'target_column_name' (the column to predict)`);
  readField(r, spec, at, { yaml: "target_column_name", kind: "str" }, out);
  if (spec.primary_metric !== void 0 && spec.primary_metric !== null) {
    readField(r, spec, at, { yaml: "primary_metric", kind: { enum: task2.metrics } }, out);
  } else {
    out.rest.primaryMetric = task2.defaultMetric;
    out.yaml.primary_metric = camelToSnake(task2.defaultMetric);
  }
  if (task2.family === "tabular") await tabular(r, spec, at, taskName, task2, out);
  else if (task2.family === "image") await image(r, spec, at, task2, out);
  else nlp(r, spec, at, out);
  return out;
}
function section(r, spec, at, key, rest, fields, what, out) {
  if (spec[key] === void 0 || spec[key] === null) return void 0;
  const s = readSection(r, spec[key], [...at, key], fields, what);
  out.rest[rest] = s.rest;
  out.yaml[key] = s.yaml;
  return s;
}
async function tabular(r, spec, at, taskName, task2, out) {
  const { ctx } = r;
  readField(r, spec, at, { yaml: "validation_data_size", kind: "num" }, out);
  readField(r, spec, at, { yaml: "test_data_size", kind: "num" }, out);
  readField(r, spec, at, { yaml: "cv_split_column_names", kind: "strList" }, out);
  readField(r, spec, at, { yaml: "n_cross_validations", kind: { autoOr: "value" }, rest: "nCrossValidations" }, out);
  readField(r, spec, at, { yaml: "weight_column_name", kind: "str" }, out);
  if (taskName === "classification") readField(r, spec, at, { yaml: "positive_label", kind: "str" }, out);
  section(r, spec, at, "limits", "limitSettings", TABLE_LIMITS, "tabular AutoML limits section", out);
  if (spec.featurization !== void 0 && spec.featurization !== null) {
    const path2 = [...at, "featurization"];
    const f = ctx.map(spec.featurization, path2, "must be a map (the featurization section)");
    const { transformer_params: tp, ...others } = f;
    const s = readSection(r, others, path2, TABLE_FEATURIZATION, "tabular featurization section");
    if (tp !== void 0 && tp !== null) {
      const t = transformerParams(r, tp, [...path2, "transformer_params"]);
      s.rest.transformerParams = t.rest;
      s.yaml.transformer_params = t.yaml;
    }
    out.rest.featurizationSettings = s.rest;
    out.yaml.featurization = s.yaml;
  }
  if (spec.training !== void 0 && spec.training !== null) {
    const path2 = [...at, "training"];
    const t = ctx.map(spec.training, path2, "must be a map (the training section)");
    const { stack_ensemble_settings: se, ...others } = t;
    const s = readSection(r, others, path2, trainingFields(task2.models ?? []), `${taskName} training section`);
    if (se !== void 0 && se !== null) {
      const st = readSection(r, se, [...path2, "stack_ensemble_settings"], STACK_ENSEMBLE, "stack ensemble settings");
      s.rest.stackEnsembleSettings = st.rest;
      s.yaml.stack_ensemble_settings = st.yaml;
    }
    out.rest.trainingSettings = s.rest;
    out.yaml.training = s.yaml;
  }
  if (taskName === "forecasting") section(r, spec, at, "forecasting", "forecastingSettings", FORECASTING, "forecasting section", out);
}
function transformerParams(r, v, path2) {
  const { ctx } = r;
  const m = ctx.map(v, path2, "must be a map of transformer names (imputer, tf_idf, hash_one_hot_encoder) to lists");
  const out = { rest: {}, yaml: {} };
  for (const [name, list] of Object.entries(m)) {
    const key = enumValue(r, name, [...path2, name], E.transformerKeys, "a transformer with parameters");
    const entries = Array.isArray(list) ? list : ctx.fail([...path2, name], "must be a list of {fields, parameters}");
    const items = entries.map((item, i) => {
      const p = [...path2, name, i];
      const t = ctx.map(item, p, "must be a map with fields and parameters");
      ctx.checkKeys(t, ["fields", "parameters"], p, "column transformer");
      const rest = {};
      if (t.fields !== void 0) {
        const fields = Array.isArray(t.fields) ? t.fields : ctx.fail([...p, "fields"], "must be a list of column names");
        rest.fields = fields.map((f, j) => ctx.str(f, [...p, "fields", j]));
      }
      if (t.parameters !== void 0) {
        const params = ctx.map(t.parameters, [...p, "parameters"]);
        for (const [k, x] of Object.entries(params)) {
          if (isObj(x) || Array.isArray(x)) ctx.fail([...p, "parameters", k], "must be a number or a string");
        }
        rest.parameters = params;
      }
      return rest;
    });
    out.rest[key.rest] = items;
    out.yaml[key.yaml] = items;
  }
  return out;
}
async function image(r, spec, at, task2, out) {
  const { ctx } = r;
  readField(r, spec, at, { yaml: "validation_data_size", kind: "num" }, out);
  if (!section(r, spec, at, "limits", "limitSettings", IMAGE_LIMITS, "limits section of an image AutoML job", out)) out.rest.limitSettings = {};
  const detection = task2.detection === true;
  if (spec.training_parameters !== void 0 && spec.training_parameters !== null) {
    const path2 = [...at, "training_parameters"];
    const tp = ctx.map(spec.training_parameters, path2, "must be a map (the training parameters)");
    const { checkpoint_model: cm, ...others } = tp;
    const s = readSection(
      r,
      others,
      path2,
      imageSettingsFields(detection),
      `training parameters of an ${detection ? "object detection" : "image classification"} job`
    );
    if (cm !== void 0 && cm !== null) {
      const input = await jobInput(ctx, isObj(cm) ? { type: "mlflow_model", ...cm } : cm, [...path2, "checkpoint_model"], false);
      if (input.jobInputType !== "mlflow_model") ctx.fail([...path2, "checkpoint_model", "type"], "must be an mlflow_model input");
      s.rest.checkpointModel = input;
      s.yaml.checkpoint_model = { type: "mlflow_model", path: input.uri };
    }
    out.rest.modelSettings = s.rest;
    out.yaml.training_parameters = s.yaml;
  }
  if (spec.sweep !== void 0 && spec.sweep !== null) {
    const s = sweepSettings2(r, spec.sweep, [...at, "sweep"]);
    out.rest.sweepSettings = s.rest;
    out.yaml.sweep = s.yaml;
  }
  if (spec.search_space !== void 0 && spec.search_space !== null) {
    const path2 = [...at, "search_space"];
    if (!Array.isArray(spec.search_space) || spec.search_space.length === 0) ctx.fail(path2, "must be a list of maps of parameters to distributions");
    const fields = imageSearchFields(detection);
    const what = `search space of an ${detection ? "object detection" : "image classification"} job`;
    out.rest.searchSpace = spec.search_space.map((entry2, i) => {
      const m = ctx.map(entry2, [...path2, i], "must be a map of parameters to distributions");
      ctx.checkKeys(
        m,
        fields.map((f) => f.yaml),
        [...path2, i],
        what
      );
      const rest = {};
      for (const f of fields) if (m[f.yaml] !== void 0) rest[f.rest ?? f.yaml] = distributionString(r, m[f.yaml], [...path2, i, f.yaml]);
      return rest;
    });
    out.yaml.search_space = spec.search_space;
  }
}
function sweepSettings2(r, v, path2) {
  const { ctx } = r;
  const m = ctx.map(v, path2, "must be a map with sampling_algorithm and early_termination");
  ctx.checkKeys(m, ["sampling_algorithm", "early_termination"], path2, "AutoML sweep section");
  if (m.sampling_algorithm === void 0) ctx.fail(path2, "the sweep section needs 'sampling_algorithm' (random, grid or bayesian)");
  const algo = enumValue(r, m.sampling_algorithm, [...path2, "sampling_algorithm"], E.sampling, "a sampling algorithm");
  const out = { rest: { samplingAlgorithm: algo.rest }, yaml: { sampling_algorithm: algo.yaml } };
  if (m.early_termination !== void 0 && m.early_termination !== null) {
    const p = [...path2, "early_termination"];
    const et = ctx.map(m.early_termination, p, "must be a map with a type");
    const type = ctx.str(et.type, [...p, "type"]).toLowerCase();
    const policy = ctx.oneOf(type, [...p, "type"], EARLY_TERMINATION, "an early termination policy");
    const { type: _t, ...others } = et;
    const s = readSection(r, others, p, [...POLICY_COMMON, ...policy.fields], `${type} policy`);
    out.rest.earlyTermination = { policyType: policy.policyType, ...s.rest };
    out.yaml.early_termination = { type, ...s.yaml };
  }
  return out;
}
function nlp(r, spec, at, out) {
  for (const key of ["training_parameters", "sweep", "search_space"]) {
    if (spec[key] !== void 0 && spec[key] !== null)
      refuseField(r, [...at, key], "NLP sweeps and fixed parameters are newer than the Azure ML API version azureml-actions sends (2024-10-01)");
  }
  section(r, spec, at, "featurization", "featurizationSettings", NLP_FEATURIZATION, "featurization section of an NLP AutoML job", out);
  section(r, spec, at, "limits", "limitSettings", NLP_LIMITS, "limits section of an NLP AutoML job", out);
}
async function translate2(ctx, spec, at = []) {
  const [taskName, task2] = taskOf(ctx, spec, at);
  ctx.checkKeys(spec, keysOf(taskName, task2), at, `AutoML ${taskName} job`);
  const p = commonProperties(ctx, spec, "AutoML", at);
  const env = ctx.optStr(spec, "environment_id", at);
  if (env !== void 0) p.environmentId = env;
  const vars = ctx.stringMap(spec.environment_variables, [...at, "environment_variables"]);
  if (vars) p.environmentVariables = vars;
  const outputs = jobOutputs(ctx, spec.outputs, [...at, "outputs"]);
  if (outputs) p.outputs = outputs;
  const res = resources(ctx, spec.resources, [...at, "resources"]);
  if (res) p.resources = res;
  p.taskDetails = (await taskDetails({ ctx, step: false }, spec, at, taskName, task2)).rest;
  return p;
}
var automlJob = { type: "automl", jobType: "AutoML", translate: translate2 };
async function automlStep(ctx, node, at) {
  const [taskName, task2] = taskOf(ctx, node, at);
  ctx.checkKeys(node, keysOf(taskName, task2), at, `AutoML ${taskName} step`);
  const r = { ctx, step: true };
  const out = { type: "automl", name: String(at[at.length - 1]) };
  const checked = commonProperties(ctx, node, "AutoML", at);
  for (const k of ["display_name", "experiment_name", "description", "properties", "identity", "services", "queue_settings"]) {
    if (node[k] !== void 0 && node[k] !== null) out[k] = node[k];
  }
  out.tags = ctx.stringMap(node.tags, [...at, "tags"]) ?? {};
  if (checked.computeId !== void 0) out.compute = checked.computeId;
  const details = await taskDetails(r, node, at, taskName, task2);
  Object.assign(out, details.yaml);
  if (node.environment_id !== void 0) out.environment_id = ctx.str(node.environment_id, [...at, "environment_id"]);
  const vars = ctx.stringMap(node.environment_variables, [...at, "environment_variables"]);
  if (vars) out.environment_variables = vars;
  if (node.resources !== void 0 && node.resources !== null) {
    resources(ctx, node.resources, [...at, "resources"]);
    out.resources = node.resources;
  }
  out.outputs = stepOutputs(ctx, node.outputs, [...at, "outputs"]);
  return out;
}
function stepOutputs(ctx, v, path2) {
  if (v === void 0 || v === null) return {};
  const m = ctx.map(v, path2, "must be a map of output names to outputs");
  const out = {};
  for (const [name, x] of Object.entries(m)) {
    if (typeof x === "string") {
      if (!/^\s*\$\{\{\s*parent\.outputs\.[A-Za-z0-9_]+\s*\}\}\s*$/.test(x))
        ctx.fail([...path2, name], `'${x}' must bind a pipeline output: \${{parent.outputs.<name>}}`);
      out[name] = { type: "literal", value: x.trim() };
      continue;
    }
    const { jobOutputType, ...others } = jobOutput(ctx, x, [...path2, name]);
    out[name] = { job_output_type: jobOutputType, ...others };
  }
  return out;
}

// src/specs/job/command.ts
var COMMAND_KEYS = [...COMMON_KEYS, "command", "code", "environment", "environment_variables", "inputs", "outputs", "resources", "limits", "distribution"];
async function translate3(ctx, spec, at = []) {
  ctx.checkKeys(spec, COMMAND_KEYS, at, "command job");
  const p = commonProperties(ctx, spec, "Command", at);
  if (spec.command === void 0) ctx.fail(at, "a command job needs 'command'");
  p.command = ctx.str(spec.command, [...at, "command"]).trim();
  const code = await codeId(ctx, spec.code, [...at, "code"]);
  if (code) p.codeId = code;
  p.environmentId = await environmentId(ctx, spec.environment, [...at, "environment"]);
  const env = ctx.stringMap(spec.environment_variables, [...at, "environment_variables"]);
  if (env) p.environmentVariables = env;
  const inputs = await jobInputs(ctx, spec.inputs, [...at, "inputs"]);
  if (inputs) p.inputs = inputs;
  const outputs = jobOutputs(ctx, spec.outputs, [...at, "outputs"]);
  if (outputs) p.outputs = outputs;
  checkCommandRefs(ctx, p.command, [...at, "command"], scopeOf(inputs, outputs));
  const res = resources(ctx, spec.resources, [...at, "resources"]);
  if (res) p.resources = res;
  const limits = commandLimits(ctx, spec.limits, [...at, "limits"]);
  if (limits) p.limits = limits;
  const dist = distribution(ctx, spec.distribution, [...at, "distribution"]);
  if (dist) p.distribution = dist;
  return p;
}
var commandJob = { type: "command", jobType: "Command", translate: translate3 };

// src/specs/job/pipeline-steps.ts

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
function registerFileComponent(ctx, out) {
  if (out.name === void 0) return registerComponent(ctx, out);
  const name = out.name;
  const version = out.version ?? versionHash(stableJson(out)).slice(0, 12);
  out.version = version;
  const id = assetId(ctx.o.workspaceId, "components", name, version);
  return ctx.addAsset({ kind: "components", name, version, id, body: { properties: { componentSpec: out, isAnonymous: false } } });
}
async function componentRef(ctx, v, path2) {
  if (isObj(v)) return ctx.fail(path2, "inline component definitions are not supported; put the component in its own YAML file and give its path");
  const raw = ctx.str(v, path2);
  const r = ctx.ref(raw, path2);
  if (r.kind === "asset") return ctx.assetVersionId("components", r, path2);
  if (r.kind === "arm-id") return r.id;
  if (r.kind === "registry") return r.uri;
  if (r.kind !== "local")
    ctx.fail(path2, `'${raw}' is not a component reference`, "a local component YAML file, azureml:<name>:<version> or azureml:<name>@latest");
  return ctx.planFile(r.path, path2, "component", componentFile);
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
  for (const section2 of ["inputs", "outputs"]) {
    if (c[section2] === void 0 || c[section2] === null) continue;
    out[section2] = componentPorts(ctx, c[section2], section2);
  }
  checkCommandRefs(ctx, out.command, ["command"], scopeOf(out.inputs, out.outputs));
  if (c.tags !== void 0) out.tags = ctx.stringMap(c.tags, ["tags"]);
  out.is_deterministic = c.is_deterministic === void 0 ? true : Boolean(c.is_deterministic);
  return registerFileComponent(ctx, out);
}
function componentPorts(ctx, v, section2) {
  const what = section2.slice(0, -1);
  const typeNames = [...INPUT_TYPES, ...LITERAL_TYPES];
  const m = {};
  if (v === void 0 || v === null) return m;
  for (const [name, d] of Object.entries(ctx.map(v, [section2]))) {
    const dp = [section2, name];
    const port2 = ctx.map(d, dp, "must be a map with a type");
    ctx.checkKeys(port2, PORT_KEYS, dp, `component ${what}`);
    const t = port2.type === void 0 ? "uri_folder" : ctx.str(port2.type, [...dp, "type"]);
    if (!typeNames.includes(t)) ctx.fail([...dp, "type"], `'${t}' is not a component ${what} type`, `valid: ${typeNames.join(", ")}`);
    m[name] = port2;
  }
  return m;
}

// src/specs/job/step-io.ts
function stepName(at) {
  return String(at[at.length - 1] ?? "step");
}
var REF = /\$\{\{([^}]*)\}\}/g;
var PARENT_BINDING = /^\s*\$\{\{\s*parent\./;
function bindingValue(ctx, raw, path2, scope, self, outputsAllowed = true) {
  const value = raw.trim();
  const matches = [...value.matchAll(REF)];
  const whole = matches.length === 1 && matches[0][0] === value;
  let normalized = value;
  for (const m of matches) {
    const expr = m[1].trim();
    checkBinding(ctx, expr, path2, scope, self, whole && outputsAllowed);
    normalized = normalized.replace(m[0], `\${{${expr}}}`);
  }
  if (/\$\{\{/.test(normalized.replace(REF, ""))) ctx.fail(path2, `'${raw}' has an unclosed \${{`);
  return normalized;
}
function checkBinding(ctx, expr, path2, scope, self, outputsAllowed) {
  const m = /^parent\.(inputs\.([A-Za-z0-9_]+)|jobs\.([A-Za-z0-9_]+)\.outputs\.([A-Za-z0-9_]+))$/.exec(expr);
  if (!m) return ctx.fail(path2, `'\${{${expr}}}' is not a pipeline binding`, "write ${{parent.inputs.<name>}} or ${{parent.jobs.<step>.outputs.<name>}}");
  if (m[2] !== void 0) {
    if (!scope.inputs.includes(m[2])) {
      ctx.fail(
        path2,
        `binds the pipeline input '${m[2]}', which is not defined${didYouMean(m[2], scope.inputs)}`,
        scope.inputs.length ? `pipeline inputs: ${scope.inputs.join(", ")}` : "this pipeline defines no inputs"
      );
    }
    return;
  }
  if (!outputsAllowed)
    ctx.fail(path2, `'\${{${expr}}}' binds a step output, which cannot be part of a text or a compute`, "bind it as the whole value of an input");
  const [step, output] = [m[3], m[4]];
  if (!scope.steps.includes(step))
    ctx.fail(path2, `binds the step '${step}', which is not in this pipeline${didYouMean(step, scope.steps)}`, `steps: ${scope.steps.join(", ")}`);
  if (step === self) ctx.fail(path2, `a step cannot bind its own output (${step})`);
  const other = scope.jobs[step];
  const declared = isObj(other) && isObj(other.outputs) ? Object.keys(other.outputs) : [];
  const inline = isObj(other) && other.component === void 0 && other.trial === void 0 && (other.type === void 0 || other.type === "command");
  if (output !== "artifacts" && inline && !declared.includes(output)) {
    ctx.fail(
      path2,
      `binds output '${output}' of step '${step}', which that step does not declare${didYouMean(output, declared)}`,
      declared.length ? `outputs of ${step}: ${declared.join(", ")}` : `step ${step} declares no outputs`
    );
  }
}
function port(type, x, o) {
  return { type, ...o.portModes && isObj(x) && x.mode !== void 0 ? { mode: String(x.mode) } : {} };
}
async function stepInputs(ctx, v, path2, scope, self, o = {}) {
  const bound = { rest: {}, ports: {} };
  if (v === void 0 || v === null) return bound;
  const inputs = ctx.map(v, path2, "must be a map of input names to inputs");
  for (const [name, x] of Object.entries(inputs)) {
    const ip = [...path2, name];
    if (typeof x === "string" && x.includes("${{")) {
      const value = bindingValue(ctx, x, ip, scope, self);
      bound.rest[name] = { job_input_type: "literal", value };
      bound.ports[name] = { type: /^\$\{\{parent\.jobs\./.test(value) ? "uri_folder" : "string" };
    } else if (isObj(x) && typeof x.path === "string" && PARENT_BINDING.test(x.path)) {
      ctx.checkKeys(x, ["type", "path", "mode", "description", "optional"], ip, "step input");
      const { jobInputType, mode } = await jobInput(ctx, { ...x, path: "azureml://datastores/x/paths/x" }, ip, true);
      bound.rest[name] = { job_input_type: "literal", value: bindingValue(ctx, x.path, [...ip, "path"], scope, self), ...mode ? { mode } : {} };
      bound.ports[name] = port(String(jobInputType), x, o);
    } else {
      const { jobInputType, ...others } = await jobInput(ctx, x, ip, true);
      bound.rest[name] = { job_input_type: jobInputType, ...others };
      bound.ports[name] = port(jobInputType === "literal" ? literalType(x) : String(jobInputType), x, o);
    }
  }
  return bound;
}
function stepOutputs2(ctx, v, path2, scope, o = {}) {
  const bound = { rest: {}, ports: {} };
  if (v === void 0 || v === null) return bound;
  const outputs = ctx.map(v, path2, "must be a map of output names to outputs");
  for (const [name, x] of Object.entries(outputs)) {
    const op = [...path2, name];
    const binding = typeof x === "string" ? x : isObj(x) && typeof x.path === "string" && PARENT_BINDING.test(x.path) ? x.path : void 0;
    if (binding !== void 0 && binding.includes("${{")) {
      const bp = typeof x === "string" ? op : [...op, "path"];
      const m = /^\s*\$\{\{\s*parent\.outputs\.([A-Za-z0-9_]+)\s*\}\}\s*$/.exec(binding);
      if (!m || !scope.outputs.includes(m[1]))
        ctx.fail(
          bp,
          `'${binding}' must bind a pipeline output: \${{parent.outputs.<name>}}`,
          scope.outputs.length ? `pipeline outputs: ${scope.outputs.join(", ")}` : "this pipeline defines no outputs"
        );
      const rest = { value: `\${{parent.outputs.${m[1]}}}`, type: "literal" };
      let type = "uri_folder";
      if (isObj(x)) {
        ctx.checkKeys(x, ["type", "path", "mode", "name", "version", "description"], op, "step output");
        const { jobOutputType, mode } = jobOutput(ctx, { type: x.type, mode: x.mode }, op);
        type = jobOutputType;
        if (mode) rest.mode = mode;
        Object.assign(rest, assetOf(ctx, x, op));
      }
      bound.rest[name] = rest;
      bound.ports[name] = port(type, x, o);
    } else {
      let spec = x;
      let asset = {};
      if (isObj(x) && (x.name !== void 0 || x.version !== void 0)) {
        asset = assetOf(ctx, x, op);
        const { name: _n, version: _v, ...rest } = x;
        spec = rest;
      }
      const raw = isObj(spec) && typeof spec.path === "string" ? spec.path : void 0;
      if (raw !== void 0 && isObj(spec)) spec = { ...spec, path: raw.replace(/\$\{\{\s*default_datastore\s*\}\}/g, "workspaceblobstore") };
      const { jobOutputType, ...others } = jobOutput(ctx, spec, op);
      if (raw !== void 0) others.uri = raw;
      bound.rest[name] = { job_output_type: jobOutputType, ...others, ...asset };
      bound.ports[name] = port(String(jobOutputType), x, o);
    }
  }
  return bound;
}
function assetOf(ctx, x, op) {
  const out = {};
  if (x.name !== void 0) out.name = ctx.str(x.name, [...op, "name"]);
  if (x.version !== void 0) {
    if (x.name === void 0) ctx.fail([...op, "version"], "an output version needs a name");
    out.version = String(x.version);
  }
  return out;
}
function literalType(v) {
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return "string";
}

// src/specs/job/parallel.ts
var PARALLEL_COMPONENT_SCHEMA = "https://azuremlschemas.azureedge.net/latest/parallelComponent.schema.json";
var SETTING_KEYS = [
  "task",
  "input_data",
  "mini_batch_size",
  "partition_keys",
  "mini_batch_error_threshold",
  "error_threshold",
  "max_concurrency_per_instance",
  "retry_settings",
  "logging_level",
  "resources",
  "environment_variables"
];
var STEP_KEYS = [
  "type",
  "name",
  "display_name",
  "description",
  "tags",
  "properties",
  "component",
  "compute",
  "identity",
  "inputs",
  "outputs",
  "is_deterministic",
  ...SETTING_KEYS
];
var COMPONENT_KEYS2 = ["$schema", "name", "version", "display_name", "description", "type", "tags", "is_deterministic", "inputs", "outputs", ...SETTING_KEYS];
var LOGGING_LEVELS = ["DEBUG", "INFO", "WARNING"];
var BINDING = /^\s*\$\{\{.*\}\}\s*$/;
function miniBatchSize(ctx, v, path2) {
  if (typeof v === "number" && Number.isInteger(v) && v > 0) return v;
  const s = ctx.str(String(v), path2).trim();
  if (BINDING.test(s)) return s;
  const m = /^(\d+)([kKmMgG][bB])?$/.exec(s);
  if (!m) return ctx.fail(path2, `'${s}' is not a mini-batch size`, "a number of files (5) or a size with kb, mb or gb (10kb, 1mb)");
  const unit = { "": 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? "").toLowerCase()];
  const n = Number(m[1]) * unit;
  if (n <= 0) ctx.fail(path2, "must be above 0");
  return n;
}
function intOrDefault(ctx, v, path2, min) {
  return ctx.int(typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v, path2, min);
}
async function task(ctx, v, path2, scope) {
  const t = ctx.map(v, path2, "must be a map with type, code, entry_script and environment");
  ctx.checkKeys(t, ["type", "code", "entry_script", "program_arguments", "append_row_to", "environment", "model"], path2, "parallel task");
  const type = t.type === void 0 ? ctx.fail(path2, "a parallel task needs 'type: run_function'") : ctx.str(t.type, [...path2, "type"]);
  if (type !== "run_function")
    ctx.fail(
      [...path2, "type"],
      `parallel tasks of type '${type}' are not supported`,
      "supported: run_function (init() and run(mini_batch) of an entry script)"
    );
  if (t.model !== void 0) ctx.fail([...path2, "model"], "'model' belongs to tasks of type model, not run_function");
  const out = { type };
  if (t.code === void 0) ctx.fail(path2, "a run_function task needs 'code' (the folder of its entry script)");
  out.code = `azureml:${await codeId(ctx, t.code, [...path2, "code"])}`;
  if (t.entry_script === void 0) ctx.fail(path2, "a run_function task needs 'entry_script'");
  out.entry_script = ctx.str(t.entry_script, [...path2, "entry_script"]);
  const commandScope = scopeOf(scope.inputs, scope.outputs);
  if (t.program_arguments !== void 0) {
    out.program_arguments = ctx.str(t.program_arguments, [...path2, "program_arguments"]).trim();
    checkCommandRefs(ctx, out.program_arguments, [...path2, "program_arguments"], commandScope);
  }
  if (t.append_row_to !== void 0) {
    const a = ctx.str(t.append_row_to, [...path2, "append_row_to"]).trim();
    const m = /^\$\{\{\s*outputs\.([A-Za-z0-9_]+)\s*\}\}$/.exec(a);
    if (!m) ctx.fail([...path2, "append_row_to"], `'${a}' must name an output: \${{outputs.<name>}}`);
    checkCommandRefs(ctx, a, [...path2, "append_row_to"], commandScope);
    out.append_row_to = a;
  }
  if (t.environment === void 0) ctx.fail(path2, "a run_function task needs 'environment'");
  out.environment = `azureml:${await environmentId(ctx, t.environment, [...path2, "environment"])}`;
  return out;
}
async function settings(ctx, s, at, scope) {
  const out = {};
  const p = (k) => [...at, k];
  if (s.task !== void 0) out.task = await task(ctx, s.task, p("task"), scope);
  if (s.input_data !== void 0) {
    const d = ctx.str(s.input_data, p("input_data")).trim();
    const m = /^\$\{\{\s*inputs\.([A-Za-z0-9_]+)\s*\}\}$/.exec(d);
    if (!m) ctx.fail(p("input_data"), `'${d}' must name an input of the step: \${{inputs.<name>}}`);
    checkCommandRefs(ctx, d, p("input_data"), scopeOf(scope.inputs, {}));
    out.input_data = d;
  }
  if (s.mini_batch_size !== void 0) out.mini_batch_size = miniBatchSize(ctx, s.mini_batch_size, p("mini_batch_size"));
  if (s.partition_keys !== void 0) {
    if (!Array.isArray(s.partition_keys) || s.partition_keys.length === 0) ctx.fail(p("partition_keys"), "must be a list of column names");
    out.partition_keys = s.partition_keys.map((k, i) => ctx.str(k, [...p("partition_keys"), i]));
  }
  for (const k of ["mini_batch_error_threshold", "error_threshold"]) if (s[k] !== void 0) out[k] = intOrDefault(ctx, s[k], p(k), -1);
  if (s.max_concurrency_per_instance !== void 0)
    out.max_concurrency_per_instance = intOrDefault(ctx, s.max_concurrency_per_instance, p("max_concurrency_per_instance"), 1);
  if (s.retry_settings !== void 0) {
    const r = ctx.map(s.retry_settings, p("retry_settings"));
    ctx.checkKeys(r, ["max_retries", "timeout"], p("retry_settings"), "retry settings");
    const rs = {};
    if (r.max_retries !== void 0) rs.max_retries = intOrDefault(ctx, r.max_retries, [...p("retry_settings"), "max_retries"], 0);
    if (r.timeout !== void 0) rs.timeout = intOrDefault(ctx, r.timeout, [...p("retry_settings"), "timeout"], 1);
    out.retry_settings = rs;
  }
  if (s.logging_level !== void 0) {
    const l = ctx.str(s.logging_level, p("logging_level")).toUpperCase();
    if (!LOGGING_LEVELS.includes(l)) ctx.fail(p("logging_level"), `'${l}' is not a logging level`, `valid: ${LOGGING_LEVELS.join(", ")}`);
    out.logging_level = l;
  }
  if (s.resources !== void 0) {
    const r = resources(ctx, s.resources, p("resources"));
    const snake2 = {};
    if (r.instanceCount !== void 0) snake2.instance_count = r.instanceCount;
    if (r.instanceType !== void 0) snake2.instance_type = r.instanceType;
    if (r.shmSize !== void 0) snake2.shm_size = r.shmSize;
    if (r.dockerArgs !== void 0) snake2.docker_args = r.dockerArgs;
    if (r.properties !== void 0) snake2.properties = r.properties;
    out.resources = snake2;
  }
  if (s.environment_variables !== void 0) out.environment_variables = ctx.stringMap(s.environment_variables, p("environment_variables"));
  return out;
}
function componentSettings(st) {
  const out = { ...st };
  if (st.mini_batch_size !== void 0) out.mini_batch_size = String(st.mini_batch_size);
  return out;
}
async function parallelComponentFile(ctx) {
  const c = ctx.map(ctx.doc.value, [], "a component file must be a YAML map");
  ctx.checkKeys(c, COMPONENT_KEYS2, [], "parallel component");
  if (c.type !== "parallel") ctx.fail(["type"], `a parallel step's component file must be of type parallel, not '${String(c.type)}'`);
  const inputs = componentPorts(ctx, c.inputs, "inputs");
  const outputs = componentPorts(ctx, c.outputs, "outputs");
  const st = await settings(ctx, c, [], { inputs, outputs });
  if (!st.task) ctx.fail([], "a parallel component needs a 'task'");
  const out = { $schema: PARALLEL_COMPONENT_SCHEMA, type: "parallel" };
  for (const k of ["name", "version", "display_name", "description"]) if (c[k] !== void 0) out[k] = String(c[k]);
  if (Object.keys(inputs).length) out.inputs = inputs;
  if (Object.keys(outputs).length) out.outputs = outputs;
  Object.assign(out, componentSettings(st));
  if (c.tags !== void 0) out.tags = ctx.stringMap(c.tags, ["tags"]);
  out.is_deterministic = c.is_deterministic === void 0 ? true : Boolean(c.is_deterministic);
  return { id: registerFileComponent(ctx, out), settings: st };
}
function pyJsonList(keys) {
  return `[${keys.map((k) => JSON.stringify(k)).join(", ")}]`;
}
async function parallelStep(ctx, node, at, scope) {
  ctx.checkKeys(node, STEP_KEYS, at, "parallel step");
  const inputs = await stepInputs(ctx, node.inputs, [...at, "inputs"], scope, stepName(at), { portModes: true });
  const outputs = stepOutputs2(ctx, node.outputs, [...at, "outputs"], scope, { portModes: true });
  const own = await settings(ctx, node, at, { inputs: inputs.rest, outputs: outputs.rest });
  const out = { name: stepName(at), type: "parallel", _source: "YAML.JOB" };
  if (node.display_name !== void 0) out.display_name = ctx.str(node.display_name, [...at, "display_name"]);
  if (node.description !== void 0) out.description = ctx.str(node.description, [...at, "description"]);
  if (node.tags !== void 0) out.tags = ctx.stringMap(node.tags, [...at, "tags"]);
  if (node.properties !== void 0) out.properties = ctx.stringMap(node.properties, [...at, "properties"]);
  const compute = computeId(ctx, node.compute, [...at, "compute"]);
  if (compute) out.computeId = compute;
  if (Object.keys(inputs.rest).length) out.inputs = inputs.rest;
  if (Object.keys(outputs.rest).length) out.outputs = outputs.rest;
  let st = own;
  if (node.component !== void 0) {
    const raw = node.component;
    const r = typeof raw === "string" ? ctx.ref(raw, [...at, "component"]) : void 0;
    if (r?.kind === "local") {
      const c = await ctx.planFile(r.path, [...at, "component"], "component", parallelComponentFile);
      out.componentId = c.id;
      st = { ...c.settings, ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== void 0)) };
    } else {
      out.componentId = await componentRef(ctx, raw, [...at, "component"]);
    }
  } else {
    if (!own.task) ctx.fail(at, "a parallel step needs a 'task' (inline) or a component");
    if (!own.input_data) ctx.fail(at, "a parallel step needs 'input_data' (${{inputs.<name>}}: the data split into mini-batches)");
    const spec = { $schema: PARALLEL_COMPONENT_SCHEMA, name: ANON_COMPONENT_NAME, type: "parallel" };
    if (Object.keys(inputs.ports).length) spec.inputs = inputs.ports;
    if (Object.keys(outputs.ports).length) spec.outputs = outputs.ports;
    const { environment_variables: _env, resources: _res, ...componentSide } = own;
    Object.assign(spec, componentSettings(componentSide), { is_deterministic: node.is_deterministic === void 0 ? true : Boolean(node.is_deterministic) });
    out.componentId = registerComponent(ctx, spec);
  }
  if (st.resources) out.resources = st.resources;
  out.error_threshold = st.error_threshold ?? -1;
  out.mini_batch_error_threshold = st.mini_batch_error_threshold ?? -1;
  if (st.environment_variables) out.environment_variables = st.environment_variables;
  out.max_concurrency_per_instance = st.max_concurrency_per_instance ?? 1;
  if (st.task) out.task = st.task;
  if (st.input_data) out.input_data = st.input_data;
  if (st.retry_settings) out.retry_settings = st.retry_settings;
  if (st.logging_level) out.logging_level = st.logging_level;
  if (st.mini_batch_size !== void 0) out.mini_batch_size = st.mini_batch_size;
  if (st.partition_keys) out.partition_keys = pyJsonList(st.partition_keys);
  const id = identity(ctx, node.identity, [...at, "identity"]);
  if (id) {
    const snake2 = { identity_type: id.identityType };
    if (id.clientId !== void 0) snake2.client_id = id.clientId;
    if (id.objectId !== void 0) snake2.object_id = id.objectId;
    if (id.resourceId !== void 0) snake2.resource_id = id.resourceId;
    out.identity = snake2;
  }
  return out;
}

// src/specs/job/spark.ts
var SPARK_COMPONENT_SCHEMA = "https://azuremlschemas.azureedge.net/latest/sparkComponent.schema.json";
var SPARK_RUN_KEYS = ["code", "entry", "py_files", "jars", "files", "archives", "conf", "environment", "args"];
var SPARK_JOB_KEYS = [...COMMON_KEYS, ...SPARK_RUN_KEYS, "inputs", "outputs", "resources"];
var SPARK_STEP_KEYS = [
  "type",
  "name",
  "display_name",
  "description",
  "tags",
  "properties",
  "component",
  "compute",
  "resources",
  "identity",
  "inputs",
  "outputs",
  ...SPARK_RUN_KEYS
];
var SPARK_COMPONENT_KEYS = [
  "$schema",
  "name",
  "version",
  "display_name",
  "description",
  "type",
  "tags",
  "is_deterministic",
  "inputs",
  "outputs",
  ...SPARK_RUN_KEYS
];
var DRIVER_CORES = "spark.driver.cores";
var DRIVER_MEMORY = "spark.driver.memory";
var EXECUTOR_CORES = "spark.executor.cores";
var EXECUTOR_MEMORY = "spark.executor.memory";
var EXECUTOR_INSTANCES = "spark.executor.instances";
var DYN_ENABLED = "spark.dynamicAllocation.enabled";
var DYN_MIN = "spark.dynamicAllocation.minExecutors";
var DYN_MAX = "spark.dynamicAllocation.maxExecutors";
function entry(ctx, v, path2) {
  if (v === void 0 || v === null) return ctx.fail(path2, "a spark job needs an entry", "entry: {file: <script.py>} or entry: {class_name: <class>}");
  const e = ctx.map(v, path2, "must be a map with file or class_name");
  ctx.checkKeys(e, ["file", "class_name"], path2, "spark entry");
  if (e.file === void 0 === (e.class_name === void 0)) ctx.fail(path2, "a spark entry has either file or class_name");
  if (e.file !== void 0) return { sparkJobEntryType: "SparkJobPythonEntry", file: ctx.str(e.file, [...path2, "file"]) };
  return { sparkJobEntryType: "SparkJobScalaEntry", className: ctx.str(e.class_name, [...path2, "class_name"]) };
}
function nodeEntry(wire) {
  return wire.file !== void 0 ? { spark_job_entry_type: wire.sparkJobEntryType, file: wire.file } : { spark_job_entry_type: wire.sparkJobEntryType, class_name: wire.className };
}
function strList2(ctx, v, path2) {
  if (v === void 0 || v === null) return void 0;
  if (!Array.isArray(v)) return ctx.fail(path2, "must be a list of file paths");
  return v.map((x, i) => ctx.str(x, [...path2, i]));
}
function scalar(ctx, v, path2) {
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return ctx.fail(path2, "must be a value (a string, a number or true/false)");
}
var isTrue = (v) => v === true || v === "true" || v === "True";
function sparkConf(ctx, v, path2, required) {
  if (v === void 0 || v === null) {
    if (required)
      ctx.fail(
        path2.slice(0, -1),
        `a spark job needs conf with ${DRIVER_CORES}, ${DRIVER_MEMORY}, ${EXECUTOR_CORES}, ${EXECUTOR_MEMORY} and ${EXECUTOR_INSTANCES}`
      );
    return void 0;
  }
  const m = ctx.map(v, path2, "must be a map of spark configuration keys to values");
  const conf = {};
  for (const [k, x] of Object.entries(m)) conf[k] = scalar(ctx, x, [...path2, k]);
  const num = (k) => conf[k] === void 0 ? void 0 : ctx.int(conf[k], [...path2, k]);
  const missing = (keys) => keys.filter((k) => conf[k] === void 0);
  const base = [DRIVER_CORES, DRIVER_MEMORY, EXECUTOR_CORES, EXECUTOR_MEMORY];
  if (isTrue(conf[DYN_ENABLED])) {
    const lack = missing([...base, DYN_MIN, DYN_MAX]);
    if (lack.length) ctx.fail(path2, `with ${DYN_ENABLED}, conf needs ${lack.join(", ")}`);
    const [min, max, inst] = [num(DYN_MIN), num(DYN_MAX), num(EXECUTOR_INSTANCES)];
    if (!(min > 0 && min <= max)) ctx.fail([...path2, DYN_MIN], "min executors must be above 0 and at most max executors");
    if (inst !== void 0 && (inst < min || inst > max)) ctx.fail([...path2, EXECUTOR_INSTANCES], `must be between ${DYN_MIN} and ${DYN_MAX}`);
  } else {
    const lack = missing([...base, EXECUTOR_INSTANCES]);
    if (lack.length) ctx.fail(path2, `conf needs ${lack.join(", ")}`);
    for (const k of [DYN_MIN, DYN_MAX])
      if (conf[k] !== void 0) ctx.fail([...path2, k], "min and max executors apply only with spark.dynamicAllocation.enabled: true");
  }
  for (const k of [DRIVER_CORES, EXECUTOR_CORES]) num(k);
  return conf;
}
function wireConf(conf) {
  const out = {};
  for (const [k, v] of Object.entries(conf)) out[k] = typeof v === "boolean" ? v ? "True" : "False" : String(v);
  if (isTrue(conf[DYN_ENABLED])) {
    out[DYN_ENABLED] = "True";
    if (out[EXECUTOR_INSTANCES] === void 0) out[EXECUTOR_INSTANCES] = out[DYN_MIN];
  }
  return out;
}
function sparkResources(ctx, v, path2) {
  if (v === void 0 || v === null) return void 0;
  const m = ctx.map(v, path2);
  ctx.checkKeys(m, ["instance_type", "runtime_version"], path2, "spark resources section");
  const out = {};
  if (m.instance_type !== void 0) out.instanceType = ctx.str(m.instance_type, [...path2, "instance_type"]);
  if (m.runtime_version !== void 0) out.runtimeVersion = String(scalar(ctx, m.runtime_version, [...path2, "runtime_version"]));
  return out;
}
function checkDirect(ctx, ports, path2, kind, modeKey = "mode") {
  for (const [name, p] of Object.entries(ports ?? {})) {
    if (!isObj(p)) continue;
    const t = p.jobInputType ?? p.jobOutputType ?? p.job_input_type ?? p.job_output_type ?? p.type;
    if (t === "literal" || t !== void 0 && LITERAL_TYPES.includes(t)) continue;
    if (typeof p.value === "string") continue;
    if (typeof p.uri === "string" && /\$\{\{/.test(p.uri)) continue;
    const mode = p[modeKey];
    if (mode !== "Direct" && mode !== "direct")
      ctx.fail([...path2, name], `${kind} '${name}' uses ${mode === void 0 ? "no" : `'${String(mode)}'`} mode; spark jobs take only mode: direct`);
  }
}
function checkComputeOrResources(ctx, compute, resources2, at, defaultCompute = false) {
  const hasCompute = compute !== void 0 && compute !== null;
  const hasResources = resources2 !== void 0 && resources2 !== null;
  if (hasCompute && hasResources) ctx.fail(at, "a spark job has either compute (an attached Synapse pool) or resources (serverless), not both");
  if (!hasCompute && !hasResources && !defaultCompute)
    ctx.fail(at, "a spark job needs compute (an attached Synapse pool) or resources (serverless: instance_type, runtime_version)");
}
async function translate4(ctx, spec, at = []) {
  ctx.checkKeys(spec, SPARK_JOB_KEYS, at, "spark job");
  checkComputeOrResources(ctx, spec.compute, spec.resources, at);
  const p = commonProperties(ctx, spec, "Spark", at);
  if (spec.code === void 0) ctx.fail(at, "a spark job needs 'code' (the folder of its entry file)");
  p.codeId = await codeId(ctx, spec.code, [...at, "code"]);
  p.entry = entry(ctx, spec.entry, [...at, "entry"]);
  for (const [k, wire] of [
    ["py_files", "pyFiles"],
    ["jars", "jars"],
    ["files", "files"],
    ["archives", "archives"]
  ]) {
    const l = strList2(ctx, spec[k], [...at, k]);
    if (l) p[wire] = l;
  }
  p.conf = wireConf(sparkConf(ctx, spec.conf, [...at, "conf"], true));
  if (spec.environment !== void 0) p.environmentId = await environmentId(ctx, spec.environment, [...at, "environment"]);
  const inputs = await jobInputs(ctx, spec.inputs, [...at, "inputs"]);
  if (inputs) p.inputs = inputs;
  const outputs = jobOutputs(ctx, spec.outputs, [...at, "outputs"]);
  if (outputs) p.outputs = outputs;
  checkDirect(ctx, inputs, [...at, "inputs"], "input");
  checkDirect(ctx, outputs, [...at, "outputs"], "output");
  if (spec.args !== void 0) {
    p.args = ctx.str(spec.args, [...at, "args"]).trim();
    checkCommandRefs(ctx, p.args, [...at, "args"], scopeOf(inputs, outputs));
  }
  const res = sparkResources(ctx, spec.resources, [...at, "resources"]);
  if (res) p.resources = res;
  return p;
}
var sparkJob = { type: "spark", jobType: "Spark", translate: translate4 };
async function sparkRunSpec(ctx, c, at, ports, confRequired) {
  const out = {};
  if (c.code === void 0) ctx.fail(at, "a spark component needs 'code' (the folder of its entry file)");
  out.code = `azureml:${await codeId(ctx, c.code, [...at, "code"])}`;
  out.entry = isObj(c.entry) ? { ...c.entry } : c.entry;
  entry(ctx, c.entry, [...at, "entry"]);
  for (const k of ["py_files", "jars", "files", "archives"]) {
    const l = strList2(ctx, c[k], [...at, k]);
    if (l) out[k] = l;
  }
  const conf = sparkConf(ctx, c.conf, [...at, "conf"], confRequired);
  if (conf) out.conf = conf;
  if (c.environment !== void 0) out.environment = `azureml:${await environmentId(ctx, c.environment, [...at, "environment"])}`;
  if (ports.inputs && Object.keys(ports.inputs).length) out.inputs = ports.inputs;
  if (ports.outputs && Object.keys(ports.outputs).length) out.outputs = ports.outputs;
  if (c.args !== void 0) {
    out.args = ctx.str(c.args, [...at, "args"]).trim();
    checkCommandRefs(ctx, out.args, [...at, "args"], scopeOf(ports.inputs, ports.outputs));
  }
  return out;
}
async function sparkComponentFile(ctx) {
  const c = ctx.map(ctx.doc.value, [], "a component file must be a YAML map");
  ctx.checkKeys(c, SPARK_COMPONENT_KEYS, [], "spark component");
  const ports = {};
  for (const section2 of ["inputs", "outputs"])
    if (c[section2] !== void 0 && c[section2] !== null) ports[section2] = componentPorts(ctx, c[section2], section2);
  const out = { $schema: SPARK_COMPONENT_SCHEMA, type: "spark" };
  for (const k of ["name", "version", "display_name", "description"]) if (c[k] !== void 0) out[k] = String(scalar(ctx, c[k], [k]));
  Object.assign(out, await sparkRunSpec(ctx, c, [], ports, false));
  if (c.tags !== void 0) out.tags = ctx.stringMap(c.tags, ["tags"]);
  out.is_deterministic = c.is_deterministic === void 0 ? true : Boolean(c.is_deterministic);
  return { id: registerFileComponent(ctx, out), spec: out };
}
function nodeIdentity(wire) {
  const out = { identity_type: wire.identityType };
  if (wire.clientId !== void 0) out.client_id = wire.clientId;
  if (wire.objectId !== void 0) out.object_id = wire.objectId;
  if (wire.resourceId !== void 0) out.resource_id = wire.resourceId;
  return out;
}
function hasDefaultCompute(ctx) {
  const p = ctx.doc.value;
  return isObj(p) && isObj(p.settings) && p.settings.default_compute !== void 0 && p.settings.default_compute !== null;
}
async function sparkStep(ctx, node, at, scope) {
  ctx.checkKeys(node, SPARK_STEP_KEYS, at, "spark step");
  checkComputeOrResources(ctx, node.compute, node.resources, at, hasDefaultCompute(ctx));
  const inputs = await stepInputs(ctx, node.inputs, [...at, "inputs"], scope, stepName(at), { portModes: true });
  const outputs = stepOutputs2(ctx, node.outputs, [...at, "outputs"], scope, { portModes: true });
  checkDirect(ctx, inputs.rest, [...at, "inputs"], "input");
  checkDirect(ctx, outputs.rest, [...at, "outputs"], "output");
  const out = { name: stepName(at), type: "spark", _source: "YAML.JOB" };
  if (node.display_name !== void 0) out.display_name = ctx.str(node.display_name, [...at, "display_name"]);
  if (node.description !== void 0) out.description = ctx.str(node.description, [...at, "description"]);
  if (node.tags !== void 0) out.tags = ctx.stringMap(node.tags, [...at, "tags"]);
  if (node.properties !== void 0) out.properties = ctx.stringMap(node.properties, [...at, "properties"]);
  const compute = computeId(ctx, node.compute, [...at, "compute"]);
  if (compute) out.computeId = compute;
  if (Object.keys(inputs.rest).length) out.inputs = inputs.rest;
  if (Object.keys(outputs.rest).length) out.outputs = outputs.rest;
  const nodeConf = sparkConf(ctx, node.conf, [...at, "conf"], false);
  let spec;
  if (node.component !== void 0) {
    const inline = SPARK_RUN_KEYS.filter((k) => k !== "conf" && node[k] !== void 0);
    if (inline.length) ctx.fail([...at, inline[0]], `a step with a component takes ${inline.join(", ")} from the component, not from the step`);
    const raw = node.component;
    const r = typeof raw === "string" ? ctx.ref(raw, [...at, "component"]) : void 0;
    if (r?.kind === "local") {
      const c = await ctx.planFile(r.path, [...at, "component"], "component", sparkComponentFile);
      out.componentId = c.id;
      spec = c.spec;
    } else {
      out.componentId = await componentRef(ctx, raw, [...at, "component"]);
    }
  } else {
    spec = await sparkRunSpec(ctx, node, at, { inputs: inputs.ports, outputs: outputs.ports }, true);
    out.componentId = registerComponent(ctx, { $schema: SPARK_COMPONENT_SCHEMA, name: ANON_COMPONENT_NAME, type: "spark", ...spec, is_deterministic: true });
  }
  if (spec) {
    out.entry = nodeEntry(entryWire(spec.entry));
    for (const k of ["py_files", "jars", "files", "archives", "args"]) if (spec[k] !== void 0) out[k] = spec[k];
  }
  const conf = nodeConf ?? spec?.conf;
  if (conf) out.conf = conf;
  const res = sparkResources(ctx, node.resources, [...at, "resources"]);
  if (res) out.resources = { instance_type: res.instanceType, runtime_version: res.runtimeVersion };
  const id = identity(ctx, node.identity, [...at, "identity"]);
  out.identity = id ? nodeIdentity(id) : { identity_type: node.compute !== void 0 && node.compute !== null ? "Managed" : "UserIdentity" };
  return out;
}
function entryWire(e) {
  return e.file !== void 0 ? { sparkJobEntryType: "SparkJobPythonEntry", file: e.file } : { sparkJobEntryType: "SparkJobScalaEntry", className: e.class_name };
}

// src/specs/job/pipeline-steps.ts
var NOT_YET = ["import", "data_transfer"];
var STEP_TYPES = {
  command: commandStep,
  sweep: sweepStep,
  pipeline: pipelineStep,
  automl: foreign(automlStep),
  // spark.ts and parallel.ts check their steps' bindings themselves.
  spark: sparkStep,
  parallel: parallelStep
};
function foreign(translate6) {
  return async (ctx, node, at, scope) => {
    const self = String(at[at.length - 1]);
    const check = (v, path2) => {
      if (typeof v === "string" && v.includes("${{")) bindingValue(ctx, v, path2, scope, self);
      else if (Array.isArray(v)) v.forEach((x, i) => check(x, [...path2, i]));
      else if (isObj(v)) for (const [k, x] of Object.entries(v)) check(x, [...path2, k]);
    };
    for (const [k, v] of Object.entries(node)) if (k !== "outputs") check(v, [...at, k]);
    return translate6(ctx, node, at);
  };
}
async function pipelineSteps(ctx, jobs, at, scope) {
  if (!isObj(jobs) || Object.keys(jobs).length === 0) return ctx.fail(at.length ? at.slice(0, -1) : at, "a pipeline needs at least one step under jobs");
  const full = { ...scope, steps: Object.keys(jobs), jobs };
  const nodes = {};
  for (const [stepName2, node] of Object.entries(jobs)) {
    const path2 = [...at, stepName2];
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(stepName2)) ctx.fail(path2, "a step name starts with a letter or _ and has letters, digits and _ only");
    if (!isObj(node)) ctx.fail(path2, "must be a step (a map with a type and a component, or an inline command)");
    const type = node.type === void 0 ? "command" : ctx.str(node.type, [...path2, "type"]);
    const translate6 = Object.hasOwn(STEP_TYPES, type) ? STEP_TYPES[type] : void 0;
    if (!translate6) {
      const valid = Object.keys(STEP_TYPES).join(", ");
      if (NOT_YET.includes(type)) ctx.fail([...path2, "type"], `steps of type '${type}' are not supported yet`, `supported step types: ${valid}`);
      ctx.fail([...path2, "type"], `'${type}' is not a step type${didYouMean(type, Object.keys(STEP_TYPES))}`, `valid: ${valid}`);
    }
    if (node.name !== void 0 && ctx.str(node.name, [...path2, "name"]) !== stepName2)
      ctx.fail([...path2, "name"], `a step's name is its key under jobs ('${stepName2}')`, `remove name: or write name: ${stepName2}`);
    nodes[stepName2] = await translate6(ctx, node, path2, full);
  }
  return nodes;
}
var BASE_KEYS = ["type", "name", "display_name", "description", "tags", "properties", "compute", "inputs", "outputs", "comment"];
async function baseNode(ctx, type, node, at, scope) {
  const stepName2 = String(at[at.length - 1]);
  if (node.inputs !== void 0 && node.inputs !== null && !isObj(node.inputs)) ctx.fail([...at, "inputs"], "must be a map");
  if (node.outputs !== void 0 && node.outputs !== null && !isObj(node.outputs)) ctx.fail([...at, "outputs"], "must be a map");
  const inputs = await stepInputs(ctx, node.inputs, [...at, "inputs"], scope, stepName2);
  const outputs = stepOutputs2(ctx, node.outputs, [...at, "outputs"], scope);
  const rest = { name: stepName2, type };
  const s = (k) => ctx.optStr(node, k, at);
  if (s("display_name") !== void 0) rest.display_name = s("display_name");
  if (s("description") !== void 0) rest.description = s("description");
  if (s("comment") !== void 0) rest.comment = s("comment");
  const tags = ctx.stringMap(node.tags, [...at, "tags"]);
  if (tags) rest.tags = tags;
  const props = ctx.stringMap(node.properties, [...at, "properties"]);
  if (props) rest.properties = props;
  if (node.compute !== void 0 && node.compute !== null) {
    const raw = ctx.str(node.compute, [...at, "compute"]);
    if (raw.includes("${{")) rest.computeId = bindingValue(ctx, raw, [...at, "compute"], scope, stepName2, false);
    else {
      const c = computeId(ctx, raw, [...at, "compute"]);
      if (c) rest.computeId = c;
    }
  }
  if (Object.keys(inputs.rest).length) rest.inputs = inputs.rest;
  if (Object.keys(outputs.rest).length) rest.outputs = outputs.rest;
  rest._source = "YAML.JOB";
  return { rest, inputs, outputs };
}
function snake(o, keepInner = []) {
  if (!o) return void 0;
  const out = {};
  for (const [k, v] of Object.entries(o)) {
    const key = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    out[key] = isObj(v) && !keepInner.includes(k) ? snake(v) : v;
  }
  return out;
}
function snakeServices(o) {
  if (!o) return void 0;
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, snake(v, ["properties"])]));
}
var COMMAND_STEP_KEYS = [
  ...BASE_KEYS,
  "component",
  "command",
  "code",
  "environment",
  "environment_variables",
  "resources",
  "distribution",
  "limits",
  "identity",
  "services",
  "queue_settings"
];
async function commandStep(ctx, node, at, scope) {
  ctx.checkKeys(node, COMMAND_STEP_KEYS, at, "command step");
  const { rest, inputs, outputs } = await baseNode(ctx, "command", node, at, scope);
  if (node.environment_variables !== void 0) rest.environment_variables = ctx.stringMap(node.environment_variables, [...at, "environment_variables"]);
  Object.assign(rest, runSettings(ctx, node, at));
  const lim = snake(commandLimits(ctx, node.limits, [...at, "limits"]));
  if (lim) rest.limits = lim;
  const dist = snake(distribution(ctx, node.distribution, [...at, "distribution"]));
  if (dist) rest.distribution = dist;
  const svc = snakeServices(services(ctx, node.services, [...at, "services"]));
  if (svc) rest.services = svc;
  if (node.component !== void 0) {
    if (node.command !== void 0 || node.code !== void 0 || node.environment !== void 0)
      ctx.fail(at, "a step has either a component or command/code/environment, not both");
    rest.componentId = await componentRef(ctx, node.component, [...at, "component"]);
  } else {
    rest.componentId = await inlineComponent(ctx, node, at, inputs.ports, outputs.ports, scope);
  }
  return rest;
}
function runSettings(ctx, node, at) {
  const out = {};
  const res = snake(resources(ctx, node.resources, [...at, "resources"]), ["properties"]);
  if (res) out.resources = res;
  const id = snake(identity(ctx, node.identity, [...at, "identity"]));
  if (id) out.identity = id;
  if (node.queue_settings !== void 0 && node.queue_settings !== null) {
    const qp = [...at, "queue_settings"];
    const qs = ctx.map(node.queue_settings, qp);
    ctx.checkKeys(qs, ["job_tier"], qp, "queue settings");
    const tiers = ["null", "spot", "basic", "standard", "premium"];
    const tier = ctx.str(qs.job_tier, [...qp, "job_tier"]).toLowerCase();
    if (!tiers.includes(tier)) ctx.fail([...qp, "job_tier"], `'${tier}' is not a job tier`, `valid: ${tiers.join(", ")}`);
    out.queue_settings = { job_tier: tier[0].toUpperCase() + tier.slice(1) };
  }
  return out;
}
async function inlineComponent(ctx, node, at, inputs, outputs, scope) {
  if (node.command === void 0) ctx.fail(at, "a step needs a command (inline) or a component");
  const command = ctx.str(node.command, [...at, "command"]).trim();
  checkCommandRefs(ctx, command, [...at, "command"], scopeOf(inputs, outputs));
  const componentSpec = { $schema: COMMAND_COMPONENT_SCHEMA, name: ANON_COMPONENT_NAME, type: "command", command, is_deterministic: true };
  const code = await codeId(ctx, node.code, [...at, "code"]);
  if (code) componentSpec.code = `azureml:${code}`;
  if (node.environment === void 0 && !scope.defaultEnvironment) ctx.fail(at, "a step needs an environment (or the pipeline settings.default_environment)");
  if (node.environment !== void 0) componentSpec.environment = `azureml:${await environmentId(ctx, node.environment, [...at, "environment"])}`;
  if (Object.keys(inputs).length) componentSpec.inputs = inputs;
  if (Object.keys(outputs).length) componentSpec.outputs = outputs;
  return registerComponent(ctx, componentSpec);
}
var SWEEP_STEP_KEYS = [
  ...BASE_KEYS,
  "trial",
  "search_space",
  "sampling_algorithm",
  "objective",
  "early_termination",
  "limits",
  "resources",
  "identity",
  "queue_settings"
];
async function sweepStep(ctx, node, at, scope) {
  ctx.checkKeys(node, SWEEP_STEP_KEYS, at, "sweep step");
  const { rest } = await baseNode(ctx, "sweep", node, at, scope);
  const settings3 = sweepSettings(ctx, node, at);
  rest.search_space = node.search_space;
  rest.sampling_algorithm = node.sampling_algorithm;
  rest.objective = { goal: settings3.objective.goal.toLowerCase(), primary_metric: settings3.objective.primaryMetric };
  if (settings3.limits) {
    const l = node.limits;
    rest.limits = Object.fromEntries(
      ["max_total_trials", "max_concurrent_trials", "timeout", "trial_timeout"].filter((k) => l[k] !== void 0).map((k) => [k, l[k]])
    );
  }
  if (settings3.earlyTermination) rest.early_termination = snake(settings3.earlyTermination);
  Object.assign(rest, runSettings(ctx, node, at));
  if (node.trial === void 0) ctx.fail(at, "a sweep step needs a trial: a command component (a file or a reference)");
  if (isObj(node.trial)) ctx.fail([...at, "trial"], "an inline trial is not supported in a pipeline step; give the command component file or reference");
  rest.trial = { componentId: await componentRef(ctx, node.trial, [...at, "trial"]) };
  const inputs = isObj(node.inputs) ? Object.keys(node.inputs) : [];
  for (const name of Object.keys(settings3.searchSpace)) {
    if (inputs.includes(name)) ctx.fail([...at, "inputs", name], `'${name}' is a search space parameter; a sweep step gives it no input value`);
  }
  return rest;
}
var PIPELINE_STEP_KEYS = [...BASE_KEYS, "component"];
async function pipelineStep(ctx, node, at, scope) {
  if (node.settings !== void 0) ctx.fail([...at, "settings"], "settings apply to a pipeline job, not to a pipeline step", "set them on the pipeline job");
  ctx.checkKeys(node, PIPELINE_STEP_KEYS, at, "pipeline step");
  const { rest } = await baseNode(ctx, "pipeline", node, at, scope);
  if (node.component === void 0) ctx.fail(at, "a pipeline step needs a component: a pipeline component file or reference");
  rest.componentId = await pipelineComponentRef(ctx, node.component, [...at, "component"]);
  return rest;
}
async function pipelineComponentRef(ctx, v, path2) {
  if (isObj(v)) return ctx.fail(path2, "inline component definitions are not supported; put the pipeline component in its own YAML file and give its path");
  const raw = ctx.str(v, path2);
  const r = ctx.ref(raw, path2);
  if (r.kind !== "local") return componentRef(ctx, raw, path2);
  const file = isAbsolute2(r.path) ? r.path : resolve2(ctx.baseDir, r.path);
  const stack = nesting(ctx);
  if (stack.includes(file)) {
    const chain = [...stack.slice(stack.indexOf(file)), file].map((f) => f.split("/").slice(-2).join("/"));
    ctx.fail(
      path2,
      `pipeline component '${r.path}' contains itself: ${chain.join(" \u2192 ")}`,
      "a pipeline component cannot run itself, directly or through other pipeline components"
    );
  }
  stack.push(file);
  try {
    return await ctx.planFile(r.path, path2, "pipeline component", pipelineComponentFile);
  } finally {
    stack.pop();
  }
}
var NESTING = /* @__PURE__ */ new WeakMap();
function nesting(ctx) {
  let s = NESTING.get(ctx.o);
  if (!s) NESTING.set(ctx.o, s = []);
  return s;
}
var PIPELINE_COMPONENT_KEYS = ["$schema", "type", "name", "version", "display_name", "description", "tags", "inputs", "outputs", "jobs", "is_deterministic"];
var PIPELINE_COMPONENT_SCHEMA = "https://azuremlschemas.azureedge.net/latest/pipelineComponent.schema.json";
async function pipelineComponentFile(ctx) {
  const c = ctx.map(ctx.doc.value, [], "a component file must be a YAML map");
  if (c.type !== "pipeline")
    ctx.fail(
      c.type === void 0 ? [] : ["type"],
      `a pipeline step needs a pipeline component (type: pipeline), not ${c.type === void 0 ? "a component without type" : `a '${String(c.type)}' component`}`
    );
  ctx.checkKeys(c, PIPELINE_COMPONENT_KEYS, [], "pipeline component");
  const out = { $schema: PIPELINE_COMPONENT_SCHEMA, type: "pipeline" };
  for (const k of ["name", "version", "display_name", "description"]) if (c[k] !== void 0) out[k] = ctx.str(c[k], [k]);
  if (c.tags !== void 0) out.tags = ctx.stringMap(c.tags, ["tags"]);
  if (c.is_deterministic !== void 0) out.is_deterministic = Boolean(c.is_deterministic);
  for (const section2 of ["inputs", "outputs"]) {
    if (c[section2] === void 0 || c[section2] === null) continue;
    out[section2] = componentPorts(ctx, c[section2], section2);
  }
  if (c.jobs === void 0) ctx.fail([], "a pipeline component needs jobs");
  out.jobs = await pipelineSteps(ctx, c.jobs, ["jobs"], {
    inputs: Object.keys(out.inputs ?? {}),
    outputs: Object.keys(out.outputs ?? {})
  });
  out._source = "YAML.COMPONENT";
  return registerFileComponent(ctx, out);
}
var PORT_TYPES = [...INPUT_TYPES, ...LITERAL_TYPES];

// src/specs/job/pipeline.ts
var PIPELINE_KEYS = [...COMMON_KEYS, "inputs", "outputs", "settings", "jobs"];
async function translate5(ctx, spec, at = []) {
  ctx.checkKeys(spec, PIPELINE_KEYS, at, "pipeline job");
  const p = commonProperties(ctx, spec, "Pipeline", at);
  const declared = isObj(spec.inputs) ? Object.keys(spec.inputs) : [];
  const inputs = await jobInputs(ctx, withValues(spec.inputs), [...at, "inputs"]);
  if (inputs && Object.keys(inputs).length) p.inputs = inputs;
  const outputs = jobOutputs(ctx, spec.outputs, [...at, "outputs"]);
  if (outputs) p.outputs = outputs;
  p.settings = await settings2(ctx, spec.settings, [...at, "settings"]);
  if (spec.jobs === void 0) ctx.fail(at, "a pipeline job needs at least one step under jobs");
  p.jobs = await pipelineSteps(ctx, spec.jobs, [...at, "jobs"], {
    inputs: declared,
    outputs: Object.keys(outputs ?? {}),
    defaultEnvironment: isObj(spec.settings) && Boolean(spec.settings.default_environment)
  });
  return p;
}
function withValues(v) {
  if (!isObj(v)) return v;
  return Object.fromEntries(
    Object.entries(v).filter(([, x]) => {
      if (x === null || x === "") return false;
      if (!isObj(x)) return true;
      const type = typeof x.type === "string" ? x.type : "uri_folder";
      return LITERAL_TYPES.includes(type) ? (x.value ?? x.default) !== void 0 : x.path !== void 0;
    })
  );
}
var SETTINGS_KEYS = ["default_compute", "default_datastore", "continue_on_step_failure", "force_rerun", "default_environment"];
async function settings2(ctx, v, path2) {
  const out = {};
  if (v !== void 0 && v !== null) {
    const st = ctx.map(v, path2);
    for (const [k, x] of Object.entries(st)) {
      if (SETTINGS_KEYS.includes(k)) continue;
      if (isObj(x) || Array.isArray(x)) ctx.fail([...path2, k], `'${k}' is not a pipeline setting azureml-actions knows, and its value is not a plain value`);
      out[k] = x;
    }
    if (st.default_compute !== void 0) {
      const c = computeId(ctx, st.default_compute, [...path2, "default_compute"]);
      if (c) out.default_compute = c;
    }
    if (st.default_datastore !== void 0) {
      const ds = ctx.str(st.default_datastore, [...path2, "default_datastore"]).replace(/^azureml:/, "");
      out.default_datastore = ds.startsWith("/subscriptions/") ? ds : `${ctx.o.workspaceId}/datastores/${ds}`;
    }
    if (st.continue_on_step_failure !== void 0) out.continue_on_step_failure = Boolean(st.continue_on_step_failure);
    if (st.force_rerun !== void 0) out.force_rerun = Boolean(st.force_rerun);
    if (st.default_environment !== void 0) out.default_environment = await environmentId(ctx, st.default_environment, [...path2, "default_environment"]);
  }
  out._source = "YAML.JOB";
  return out;
}
var pipelineJob = { type: "pipeline", jobType: "Pipeline", translate: translate5 };

// src/specs/job/index.ts
var JOB_TYPES = [commandJob, sweepJob, pipelineJob, automlJob, sparkJob];
var NOT_YET2 = ["import"];
function translatorFor(doc, type) {
  const found = JOB_TYPES.find((t) => t.type === type);
  if (found) return found;
  const valid = JOB_TYPES.map((t) => t.type);
  if (type === "parallel")
    throw doc.error(["type"], "a 'parallel' job runs as a step of a pipeline job", "write type: pipeline with the parallel step under jobs:");
  if (NOT_YET2.includes(type)) throw doc.error(["type"], `'${type}' jobs are not supported by azureml-actions yet`, `supported job types: ${valid.join(", ")}`);
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

// src/specs/schedule.ts

// src/specs/schedule-times.ts
var SCHEDULE_TIME_ZONES = {
  "Dateline Standard Time": "Etc/GMT+12",
  "UTC-11": "Etc/GMT+11",
  "Aleutian Standard Time": "America/Adak",
  "Hawaiian Standard Time": "Pacific/Honolulu",
  "Marquesas Standard Time": "Pacific/Marquesas",
  "Alaskan Standard Time": "America/Anchorage",
  "UTC-09": "Etc/GMT+9",
  "Pacific Standard Time (Mexico)": "America/Tijuana",
  "UTC-08": "Etc/GMT+8",
  "Pacific Standard Time": "America/Los_Angeles",
  "US Mountain Standard Time": "America/Phoenix",
  "Mountain Standard Time (Mexico)": "America/Mazatlan",
  "Mountain Standard Time": "America/Denver",
  "Central America Standard Time": "America/Guatemala",
  "Central Standard Time": "America/Chicago",
  "Easter Island Standard Time": "Pacific/Easter",
  "Central Standard Time (Mexico)": "America/Mexico_City",
  "Canada Central Standard Time": "America/Regina",
  "SA Pacific Standard Time": "America/Bogota",
  "Eastern Standard Time (Mexico)": "America/Cancun",
  "Eastern Standard Time": "America/New_York",
  "Haiti Standard Time": "America/Port-au-Prince",
  "Cuba Standard Time": "America/Havana",
  "US Eastern Standard Time": "America/Indianapolis",
  "Paraguay Standard Time": "America/Asuncion",
  "Atlantic Standard Time": "America/Halifax",
  "Venezuela Standard Time": "America/Caracas",
  "Central Brazilian Standard Time": "America/Cuiaba",
  "SA Western Standard Time": "America/La_Paz",
  "Pacific SA Standard Time": "America/Santiago",
  "Turks And Caicos Standard Time": "America/Grand_Turk",
  "Newfoundland Standard Time": "America/St_Johns",
  "Tocantins Standard Time": "America/Araguaina",
  "E. South America Standard Time": "America/Sao_Paulo",
  "SA Eastern Standard Time": "America/Cayenne",
  "Argentina Standard Time": "America/Buenos_Aires",
  "Greenland Standard Time": "America/Godthab",
  "Montevideo Standard Time": "America/Montevideo",
  "Saint Pierre Standard Time": "America/Miquelon",
  "Bahia Standard Time": "America/Bahia",
  "UTC-02": "Etc/GMT+2",
  "Mid-Atlantic Standard Time": "Etc/GMT+2",
  "Azores Standard Time": "Atlantic/Azores",
  "Cape Verde Standard Time": "Atlantic/Cape_Verde",
  UTC: "UTC",
  "Morocco Standard Time": "Africa/Casablanca",
  "GMT Standard Time": "Europe/London",
  "Greenwich Standard Time": "Atlantic/Reykjavik",
  "W. Europe Standard Time": "Europe/Berlin",
  "Central Europe Standard Time": "Europe/Budapest",
  "Romance Standard Time": "Europe/Paris",
  "Central European Standard Time": "Europe/Warsaw",
  "W. Central Africa Standard Time": "Africa/Lagos",
  "Namibia Standard Time": "Africa/Windhoek",
  "Jordan Standard Time": "Asia/Amman",
  "GTB Standard Time": "Europe/Bucharest",
  "Middle East Standard Time": "Asia/Beirut",
  "Egypt Standard Time": "Africa/Cairo",
  "E. Europe Standard Time": "Europe/Chisinau",
  "Syria Standard Time": "Asia/Damascus",
  "West Bank Standard Time": "Asia/Hebron",
  "South Africa Standard Time": "Africa/Johannesburg",
  "FLE Standard Time": "Europe/Kiev",
  "Turkey Standard Time": "Europe/Istanbul",
  "Israel Standard Time": "Asia/Jerusalem",
  "Kaliningrad Standard Time": "Europe/Kaliningrad",
  "Libya Standard Time": "Africa/Tripoli",
  "Arabic Standard Time": "Asia/Baghdad",
  "Arab Standard Time": "Asia/Riyadh",
  "Belarus Standard Time": "Europe/Minsk",
  "Russian Standard Time": "Europe/Moscow",
  "E. Africa Standard Time": "Africa/Nairobi",
  "Iran Standard Time": "Asia/Tehran",
  "Arabian Standard Time": "Asia/Dubai",
  "Astrakhan Standard Time": "Europe/Astrakhan",
  "Azerbaijan Standard Time": "Asia/Baku",
  "Russia Time Zone 3": "Europe/Samara",
  "Mauritius Standard Time": "Indian/Mauritius",
  "Georgian Standard Time": "Asia/Tbilisi",
  "Caucasus Standard Time": "Asia/Yerevan",
  "Afghanistan Standard Time": "Asia/Kabul",
  "West Asia Standard Time": "Asia/Tashkent",
  "Ekaterinburg Standard Time": "Asia/Yekaterinburg",
  "Pakistan Standard Time": "Asia/Karachi",
  "India Standard Time": "Asia/Calcutta",
  "Sri Lanka Standard Time": "Asia/Colombo",
  "Nepal Standard Time": "Asia/Katmandu",
  "Central Asia Standard Time": "Asia/Bishkek",
  "Bangladesh Standard Time": "Asia/Dhaka",
  "N. Central Asia Standard Time": "Asia/Novosibirsk",
  "Myanmar Standard Time": "Asia/Rangoon",
  "SE Asia Standard Time": "Asia/Bangkok",
  "Altai Standard Time": "Asia/Barnaul",
  "W. Mongolia Standard Time": "Asia/Hovd",
  "North Asia Standard Time": "Asia/Krasnoyarsk",
  "Tomsk Standard Time": "Asia/Tomsk",
  "China Standard Time": "Asia/Shanghai",
  "North Asia East Standard Time": "Asia/Irkutsk",
  "Singapore Standard Time": "Asia/Singapore",
  "W. Australia Standard Time": "Australia/Perth",
  "Taipei Standard Time": "Asia/Taipei",
  "Ulaanbaatar Standard Time": "Asia/Ulaanbaatar",
  "North Korea Standard Time": "Asia/Pyongyang",
  "Aus Central W. Standard Time": "Australia/Eucla",
  "Transbaikal Standard Time": "Asia/Chita",
  "Tokyo Standard Time": "Asia/Tokyo",
  "Korea Standard Time": "Asia/Seoul",
  "Yakutsk Standard Time": "Asia/Yakutsk",
  "Cen. Australia Standard Time": "Australia/Adelaide",
  "AUS Central Standard Time": "Australia/Darwin",
  "E. Australia Standard Time": "Australia/Brisbane",
  "AUS Eastern Standard Time": "Australia/Sydney",
  "West Pacific Standard Time": "Pacific/Port_Moresby",
  "Tasmania Standard Time": "Australia/Hobart",
  "Vladivostok Standard Time": "Asia/Vladivostok",
  "Lord Howe Standard Time": "Australia/Lord_Howe",
  "Bougainville Standard Time": "Pacific/Bougainville",
  "Russia Time Zone 10": "Asia/Srednekolymsk",
  "Magadan Standard Time": "Asia/Magadan",
  "Norfolk Standard Time": "Pacific/Norfolk",
  "Sakhalin Standard Time": "Asia/Sakhalin",
  "Central Pacific Standard Time": "Pacific/Guadalcanal",
  "Russia Time Zone 11": "Asia/Kamchatka",
  "New Zealand Standard Time": "Pacific/Auckland",
  "UTC+12": "Etc/GMT-12",
  "Fiji Standard Time": "Pacific/Fiji",
  "Kamchatka Standard Time": "Asia/Kamchatka",
  "Chatham Islands Standard Time": "Pacific/Chatham",
  "Tonga Standard Time": "Pacific/Tongatapu",
  "Samoa Standard Time": "Pacific/Apia",
  "Line Islands Standard Time": "Pacific/Kiritimati"
};
function describeTrigger(trigger) {
  const zone = trigger.timeZone && trigger.timeZone !== "UTC" ? ` (${trigger.timeZone})` : " (UTC)";
  if (trigger.triggerType === "Cron") return `cron ${trigger.expression ?? "?"}${zone}`;
  const interval = trigger.interval ?? 1;
  const unit = String(trigger.frequency ?? "").toLowerCase() || "period";
  const parts = [`every ${interval === 1 ? unit : `${interval} ${unit}s`}`];
  const at = trigger.schedule;
  if (at) {
    if (at.weekDays?.length) parts.push(`on ${at.weekDays.join(", ")}`);
    if (at.monthDays?.length) parts.push(`on day ${at.monthDays.join(", ")}`);
    if (at.hours.length && at.minutes.length) {
      const times = at.hours.flatMap((h) => at.minutes.map((m) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`));
      parts.push(`at ${times.slice(0, 6).join(", ")}${times.length > 6 ? ", \u2026" : ""}`);
    }
  }
  return parts.join(" ") + zone;
}
var WEEK_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
var DOW_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
var MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
function cronField(text, what, min, max, names) {
  const value = (s) => {
    const i = names?.indexOf(s.toLowerCase()) ?? -1;
    if (i >= 0) return i + min;
    if (!/^\d+$/.test(s)) throw new Error(`'${s}' in the ${what} field is not a number${names ? " or a name" : ""}`);
    const n = Number(s);
    if (n < min || n > max) throw new Error(`${n} in the ${what} field is out of range ${min}-${max}`);
    return n;
  };
  const out = /* @__PURE__ */ new Set();
  for (const part of text.split(",")) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`'${part}' in the ${what} field is not a value, a range a-b, a list or a step */n`);
    const step = m[2] === void 0 ? 1 : Number(m[2]);
    if (step < 1) throw new Error(`the step in '${part}' (${what}) must be at least 1`);
    let lo = min;
    let hi = max;
    if (m[1] !== "*") {
      const [a, b] = m[1].split("-");
      lo = value(a);
      hi = b === void 0 ? m[2] === void 0 ? lo : max : value(b);
      if (hi < lo) throw new Error(`the range '${m[1]}' in the ${what} field runs backwards`);
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}
function parseCron(expression) {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) {
    throw new Error(`a cron expression has five fields (MINUTES HOURS DAYS MONTHS DAYS-OF-WEEK), '${expression}' has ${parts.length}`);
  }
  const [mi, h, d, mo, dw] = parts;
  const minutes = cronField(mi, "minutes", 0, 59);
  const hours = cronField(h, "hours", 0, 23);
  cronField(d, "days", 1, 31);
  cronField(mo, "months", 1, 12, MONTH_NAMES);
  const weekDays = cronField(dw, "days-of-week", 0, 6, DOW_NAMES);
  return { minutes, hours, days: d, months: mo, weekDays };
}
var formatters = /* @__PURE__ */ new Map();
function localOf(t, zone) {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric"
    });
    formatters.set(zone, f);
  }
  const p = {};
  for (const part of f.formatToParts(new Date(t))) if (part.type !== "literal") p[part.type] = Number(part.value);
  return { y: p.year, mo: p.month, d: p.day, h: p.hour, mi: p.minute, s: p.second };
}
function instantOf(l, zone) {
  const wall = Date.UTC(l.y, l.mo - 1, l.d, l.h, l.mi, l.s);
  let t = wall;
  for (let i = 0; i < 3; i++) {
    const got = localOf(t, zone);
    const diff = wall - Date.UTC(got.y, got.mo - 1, got.d, got.h, got.mi, got.s);
    if (diff === 0) return t;
    t += diff;
  }
  return void 0;
}
function parseTriggerTime(text, zone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return void 0;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? "0", m[5] ?? "0", m[6] ?? "0"].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return void 0;
  if (m[7]) {
    const off = m[7] === "Z" ? 0 : (m[7][0] === "-" ? -1 : 1) * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(-2)));
    return Date.UTC(y, mo - 1, d, h, mi, s) - off * 6e4;
  }
  return instantOf({ y, mo, d, h, mi, s }, zone) ?? instantOf({ y, mo, d, h: h + 1, mi, s }, zone);
}
var DAY_MS = 864e5;
var HORIZON_DAYS = 4 * 366;
function dayNumber(y, mo, d) {
  return Math.floor(Date.UTC(y, mo - 1, d) / DAY_MS);
}
function calendarOf(day) {
  const t = new Date(day * DAY_MS);
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), dow: t.getUTCDay() };
}
function nextRunTimes(trigger, o) {
  const zoneName = trigger.timeZone ?? "UTC";
  const zone = SCHEDULE_TIME_ZONES[zoneName];
  if (!zone) throw new Error(`'${zoneName}' is not a time zone Azure ML schedules take`);
  const start = trigger.startTime ? parseTriggerTime(trigger.startTime, zone) : o.createdAt.getTime();
  if (start === void 0) throw new Error(`start time '${trigger.startTime}' is not a date and time (YYYY-MM-DDThh:mm:ss)`);
  const end = trigger.endTime ? parseTriggerTime(trigger.endTime, zone) : void 0;
  if (trigger.endTime && end === void 0) throw new Error(`end time '${trigger.endTime}' is not a date and time (YYYY-MM-DDThh:mm:ss)`);
  const after = o.after.getTime();
  const out = [];
  if (!trigger.startTime && start > after) out.push(start);
  const accept = (t) => {
    if (end !== void 0 && t > end) return false;
    if (t >= start && t > after && !out.includes(t)) out.push(t);
    return out.length < o.count;
  };
  if (trigger.triggerType === "Recurrence" && (trigger.frequency === "Minute" || trigger.frequency === "Hour")) {
    const step = (trigger.interval ?? 1) * (trigger.frequency === "Minute" ? 6e4 : 36e5);
    let k = Math.max(0, Math.ceil((after + 1 - start) / step));
    while (out.length < o.count && (end === void 0 || start + k * step <= end)) {
      if (!accept(start + k * step)) break;
      k++;
    }
    return out.slice(0, o.count).map((t) => new Date(t));
  }
  const startLocal = localOf(start, zone);
  const startDay = dayNumber(startLocal.y, startLocal.mo, startLocal.d);
  const fromLocal = localOf(Math.max(after, start), zone);
  const fromDay = dayNumber(fromLocal.y, fromLocal.mo, fromLocal.d) - 1;
  const { times, dayMatches } = trigger.triggerType === "Cron" ? cronPlan(trigger) : recurrencePlan(trigger, startLocal, startDay);
  for (let day = fromDay; day < fromDay + HORIZON_DAYS && out.length < o.count; day++) {
    const c = calendarOf(day);
    if (!dayMatches(day, c)) continue;
    let more = true;
    for (const [h, mi] of times) {
      const t = instantOf({ y: c.y, mo: c.mo, d: c.d, h, mi, s: 0 }, zone);
      if (t === void 0) continue;
      if (end !== void 0 && t > end) return out.map((x) => new Date(x));
      if (!(more = accept(t))) break;
    }
    if (!more) break;
  }
  return out.sort((a, b) => a - b).slice(0, o.count).map((t) => new Date(t));
}
function cross(hours, minutes) {
  const out = [];
  for (const h of [...hours].sort((a, b) => a - b)) for (const m of [...minutes].sort((a, b) => a - b)) out.push([h, m]);
  return out;
}
function cronPlan(trigger) {
  const f = parseCron(trigger.expression ?? "");
  return { times: cross(f.hours, f.minutes), dayMatches: (_d, c) => f.weekDays.includes(c.dow) };
}
function recurrencePlan(trigger, startLocal, startDay) {
  const interval = Math.max(1, trigger.interval ?? 1);
  const pattern = trigger.schedule ?? { hours: [], minutes: [] };
  const hours = pattern.hours?.length ? pattern.hours : [startLocal.h];
  const minutes = pattern.minutes?.length ? pattern.minutes : [startLocal.mi];
  const times = cross(hours, minutes);
  const startCal = calendarOf(startDay);
  const weekDays = pattern.weekDays?.length ? pattern.weekDays.map((w) => WEEK_DAYS.findIndex((x) => x.toLowerCase() === w.toLowerCase())) : void 0;
  switch (trigger.frequency) {
    case "Day":
      return { times, dayMatches: (day) => (day - startDay) % interval === 0 && day >= startDay };
    case "Week": {
      const startWeek = startDay - startCal.dow;
      const days = weekDays ?? [startCal.dow];
      return { times, dayMatches: (day, c) => day >= startWeek && Math.floor((day - startWeek) / 7) % interval === 0 && days.includes(c.dow) };
    }
    case "Month": {
      const monthDays = pattern.monthDays?.length ? pattern.monthDays : weekDays ? void 0 : [startCal.d];
      const startMonth = startCal.y * 12 + startCal.mo - 1;
      return {
        times,
        dayMatches: (_day, c) => {
          const m = c.y * 12 + c.mo - 1;
          if (m < startMonth || (m - startMonth) % interval !== 0) return false;
          if (monthDays && !monthDays.includes(c.d)) return false;
          return !weekDays || weekDays.includes(c.dow);
        }
      };
    }
    default:
      throw new Error(`'${String(trigger.frequency)}' is not a recurrence frequency`);
  }
}

// src/specs/schedule.ts
var SCHEDULE_KEYS = ["$schema", "name", "display_name", "description", "tags", "properties", "trigger", "create_job", "is_enabled"];
var TRIGGER_COMMON = ["type", "start_time", "end_time", "time_zone"];
var CRON_KEYS = [...TRIGGER_COMMON, "expression"];
var RECURRENCE_KEYS = [...TRIGGER_COMMON, "frequency", "interval", "schedule"];
var PATTERN_KEYS = ["hours", "minutes", "week_days", "month_days"];
var OVERRIDE_KEYS = {
  base: ["type", "job", "compute", "inputs", "outputs", "identity", "description", "tags", "experiment_name", "properties"],
  pipeline: ["settings"],
  command: ["limits", "environment_variables", "resources", "distribution", "environment"]
};
var FREQUENCIES = { minute: "Minute", hour: "Hour", day: "Day", week: "Week", month: "Month" };
var SCHEDULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;
async function planSchedule(doc, fileOnDisk, value, options) {
  const r = new FieldReader(doc);
  const spec = r.map(value, [], "a schedule file must be a YAML map (trigger, create_job, \u2026)");
  r.checkKeys(spec, SCHEDULE_KEYS, [], "schedule");
  if (spec.create_job === void 0) r.fail([], "a schedule needs 'create_job': a job file, azureml:<job-name> or a map with 'job'");
  const { yamlName, properties: p, warnings } = scheduleCommon(r, spec);
  const job = await createJob(doc, fileOnDisk, spec.create_job, options);
  p.action = { actionType: "CreateJob", jobDefinition: job.body.properties };
  return { yamlName, body: { properties: p }, job, warnings };
}
function scheduleCommon(r, spec) {
  const yamlName = r.optStr(spec, "name", []);
  if (yamlName !== void 0 && !SCHEDULE_NAME.test(yamlName)) {
    r.fail(["name"], `'${yamlName}' is not a valid schedule name`, "letters, digits, '-' and '_', starting with a letter or digit");
  }
  const warnings = [];
  if (spec.trigger === void 0) r.fail([], "a schedule needs a 'trigger' (type: cron or recurrence)");
  const trigger = translateTrigger(r, spec.trigger, ["trigger"], warnings);
  const p = {};
  const s = (k) => r.optStr(spec, k, []);
  if (s("display_name") !== void 0) p.displayName = s("display_name");
  if (s("description") !== void 0) p.description = s("description");
  p.tags = r.stringMap(spec.tags, ["tags"]) ?? {};
  p.properties = r.stringMap(spec.properties, ["properties"]) ?? {};
  if (spec.is_enabled !== void 0) {
    if (typeof spec.is_enabled !== "boolean") r.fail(["is_enabled"], "must be true or false");
    p.isEnabled = spec.is_enabled;
  }
  p.trigger = trigger;
  return { yamlName, properties: p, trigger, warnings };
}
function timeOf(r, t, key, path2, zone) {
  if (t[key] === void 0 || t[key] === null) return void 0;
  const text = t[key] instanceof Date ? t[key].toISOString().replace(/\.000Z$/, "") : r.str(t[key], [...path2, key]);
  if (parseTriggerTime(text, zone) === void 0) {
    r.fail(
      [...path2, key],
      `'${text}' is not a date and time`,
      "write YYYY-MM-DDThh:mm:ss (wall-clock time in time_zone), optionally with an offset such as -04:00"
    );
  }
  return text;
}
function translateTrigger(r, v, path2, warnings) {
  const t = r.map(v, path2, "must be a map with a type (cron or recurrence)");
  if (t.type === void 0) r.fail(path2, "a trigger needs 'type': cron or recurrence");
  const type = r.str(t.type, [...path2, "type"]).toLowerCase();
  if (type !== "cron" && type !== "recurrence")
    r.fail([...path2, "type"], `'${String(t.type)}' is not a trigger type${didYouMean(type, ["cron", "recurrence"])}`, "valid: cron, recurrence");
  r.checkKeys(t, type === "cron" ? CRON_KEYS : RECURRENCE_KEYS, path2, `${type} trigger`);
  const timeZone = t.time_zone === void 0 ? "UTC" : r.str(t.time_zone, [...path2, "time_zone"]);
  if (!Object.hasOwn(SCHEDULE_TIME_ZONES, timeZone)) {
    r.fail(
      [...path2, "time_zone"],
      `'${timeZone}' is not a time zone Azure ML schedules take${didYouMean(timeZone, Object.keys(SCHEDULE_TIME_ZONES))}`,
      "use a Windows time zone name such as UTC, Pacific Standard Time, W. Europe Standard Time"
    );
  }
  const zone = SCHEDULE_TIME_ZONES[timeZone];
  const out = { triggerType: type === "cron" ? "Cron" : "Recurrence" };
  if (type === "cron") {
    if (t.expression === void 0) r.fail(path2, "a cron trigger needs 'expression' (MINUTES HOURS DAYS MONTHS DAYS-OF-WEEK)");
    const expression = r.str(t.expression, [...path2, "expression"]).trim();
    try {
      const f = parseCron(expression);
      if (f.days !== "*" || f.months !== "*") {
        warnings.push(
          `${doclessWhere(r, [...path2, "expression"])}: Azure ML ignores the DAYS and MONTHS fields of a cron expression and treats them as * (learn.microsoft.com/azure/machine-learning/how-to-schedule-pipeline-job)`
        );
      }
    } catch (err) {
      r.fail([...path2, "expression"], `'${expression}' is not a cron expression: ${err.message}`);
    }
    out.expression = expression;
  } else {
    recurrence(r, t, path2, out);
  }
  const start = timeOf(r, t, "start_time", path2, zone);
  const end = timeOf(r, t, "end_time", path2, zone);
  if (start !== void 0) out.startTime = start;
  if (end !== void 0) out.endTime = end;
  if (start !== void 0 && end !== void 0 && parseTriggerTime(end, zone) <= parseTriggerTime(start, zone))
    r.fail([...path2, "end_time"], `the end time ${end} is not after the start time ${start}`);
  out.timeZone = timeZone;
  return out;
}
function doclessWhere(r, path2) {
  const at = r.doc.locate(path2);
  return at.line ? `${at.file}:${at.line}` : at.file;
}
function recurrence(r, t, path2, out) {
  if (t.frequency === void 0) r.fail(path2, "a recurrence trigger needs 'frequency': minute, hour, day, week or month");
  if (t.interval === void 0) r.fail(path2, "a recurrence trigger needs 'interval' (every how many frequency units)");
  const frequency = r.oneOf(r.str(t.frequency, [...path2, "frequency"]).toLowerCase(), [...path2, "frequency"], FREQUENCIES, "a recurrence frequency");
  out.frequency = frequency;
  out.interval = r.int(t.interval, [...path2, "interval"], 1);
  out.schedule = { hours: [], minutes: [] };
  if (t.schedule === void 0 || t.schedule === null) return;
  const sp = [...path2, "schedule"];
  if (frequency === "Minute" || frequency === "Hour")
    r.fail(sp, `a recurrence pattern applies to day, week and month frequencies, not '${String(t.frequency)}'`, "use a cron trigger for minutes within hours");
  const s = r.map(t.schedule, sp);
  r.checkKeys(s, PATTERN_KEYS, sp, "recurrence pattern");
  const ints = (k, max) => {
    const v = s[k];
    const list = Array.isArray(v) ? v : [v];
    return list.map((x, i) => {
      const n = r.int(x, Array.isArray(v) ? [...sp, k, i] : [...sp, k]);
      if (n > max) r.fail(Array.isArray(v) ? [...sp, k, i] : [...sp, k], `${n} is out of range 0-${max}`);
      return n;
    });
  };
  if (s.hours === void 0 || s.minutes === void 0) r.fail(sp, "a recurrence pattern needs 'hours' and 'minutes'");
  const pattern = { hours: ints("hours", 23), minutes: ints("minutes", 59) };
  if (s.week_days !== void 0 && s.week_days !== null) {
    if (frequency === "Day") r.fail([...sp, "week_days"], "week days apply to week and month frequencies");
    const list = Array.isArray(s.week_days) ? s.week_days : [s.week_days];
    pattern.weekDays = list.map((w, i) => {
      const at = Array.isArray(s.week_days) ? [...sp, "week_days", i] : [...sp, "week_days"];
      const name = r.str(w, at);
      const found = WEEK_DAYS.find((d) => d.toLowerCase() === name.toLowerCase());
      return found ?? r.fail(
        at,
        `'${name}' is not a week day${didYouMean(
          name.toLowerCase(),
          WEEK_DAYS.map((d) => d.toLowerCase())
        )}`,
        "valid: monday \u2026 sunday"
      );
    });
  }
  if (s.month_days !== void 0 && s.month_days !== null) {
    if (frequency !== "Month") r.fail([...sp, "month_days"], "month days apply to the month frequency");
    pattern.monthDays = ints("month_days", 31).map((d, i) => d >= 1 ? d : r.fail([...sp, "month_days", i], "month days run 1-31"));
  }
  out.schedule = pattern;
}
function documentView(base, value, route) {
  return new Proxy(base, {
    get(target, prop) {
      if (prop === "value") return value;
      if (prop === "error") {
        return (path2, message, hint) => {
          const to = route(path2);
          return to.doc.error(to.path, message, hint);
        };
      }
      if (prop === "locate") {
        return (path2) => {
          const to = route(path2);
          return to.doc.locate(to.path);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    }
  });
}
var SCHEDULE_EXPRESSIONS = [
  [/\$\{\{\s*name\s*\}\}/g, "zzazuremlactionsschedulenamezz", "${{name}}"],
  [/\$\{\{\s*creation_context\.trigger_time\s*\}\}/g, "zzazuremlactionsscheduletriggertimezz", "${{creation_context.trigger_time}}"]
];
function mapStrings(v, f) {
  if (typeof v === "string") return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, f)]));
  return v;
}
async function planScheduledJob(doc, file, spec, options) {
  const hide = (s) => SCHEDULE_EXPRESSIONS.reduce((acc, [re, token]) => acc.replace(re, token), s);
  const show = (s) => SCHEDULE_EXPRESSIONS.reduce((acc, [, token, text]) => acc.split(token).join(text), s);
  const hidden = isObj(spec) ? { ...spec, ...spec.inputs ? { inputs: mapStrings(spec.inputs, hide) } : {}, ...spec.outputs ? { outputs: mapStrings(spec.outputs, hide) } : {} } : spec;
  const plan = await planJob(doc, file, hidden, options);
  return { ...plan, body: { properties: mapStrings(plan.body.properties, show) } };
}
async function createJob(doc, fileOnDisk, v, options) {
  const r = new FieldReader(doc);
  const at = ["create_job"];
  if (typeof v === "string") {
    if (v.startsWith("azureml:")) return remoteJob(r, v, at, options);
    return jobFile(doc, fileOnDisk, v, at, void 0, options);
  }
  const m = r.map(v, at, "must be a job file path, azureml:<job-name> or a map with 'type' and 'job'");
  if (m.job === void 0) {
    const view = documentView(doc, m, (path2) => ({ doc, path: [...at, ...path2] }));
    return planScheduledJob(view, fileOnDisk, m, options);
  }
  const type = m.type === void 0 ? void 0 : r.str(m.type, [...at, "type"]).toLowerCase();
  const allowed = [...OVERRIDE_KEYS.base, ...type ? OVERRIDE_KEYS[type] ?? [] : [...OVERRIDE_KEYS.pipeline, ...OVERRIDE_KEYS.command]];
  r.checkKeys(m, allowed, at, `create_job${type ? ` ${type}` : ""} map (a job and what it overrides)`);
  const ref = r.str(m.job, [...at, "job"]);
  if (ref.startsWith("azureml:")) {
    const extra = Object.keys(m).filter((k) => k !== "job" && k !== "type");
    if (extra.length > 0)
      r.fail(
        [...at, extra[0]],
        "overriding fields of an existing job (azureml:<job>) is not supported by azureml-actions yet",
        "schedule a local job file instead"
      );
    return remoteJob(r, ref, [...at, "job"], options);
  }
  const overrides = {};
  for (const [k, val] of Object.entries(m)) if (k !== "job") overrides[k] = val;
  return jobFile(doc, fileOnDisk, ref, [...at, "job"], { values: overrides, at }, options);
}
async function jobFile(doc, fileOnDisk, rel, path2, overrides, options) {
  const r = new FieldReader(doc);
  const abs = join2(dirname2(fileOnDisk), rel);
  if (!existsSync4(abs)) r.fail(path2, `job file '${rel}' does not exist (resolved to ${abs})`, "paths are relative to the folder of the schedule YAML");
  const jobDoc = SpecDocument.load(abs, join2(dirname2(doc.file), rel), doc.input);
  if (!overrides) return planScheduledJob(jobDoc, abs, jobDoc.value, options);
  const base = isObj(jobDoc.value) ? jobDoc.value : {};
  const fileType = typeof base.type === "string" ? base.type.toLowerCase() : "command";
  const oType = overrides.values.type;
  if (typeof oType === "string" && oType.toLowerCase() !== fileType) {
    r.fail([...overrides.at, "type"], `'${oType}' does not match the job file, a ${fileType} job`);
  }
  const merged = { ...base, ...overrides.values };
  if (base.type === void 0) delete merged.type;
  else merged.type = base.type;
  const view = documentView(
    jobDoc,
    merged,
    (p) => typeof p[0] === "string" && p[0] !== "type" && Object.hasOwn(overrides.values, p[0]) ? { doc, path: [...overrides.at, ...p] } : { doc: jobDoc, path: p }
  );
  return planScheduledJob(view, abs, merged, options);
}
function remoteJob(r, ref, path2, options) {
  const name = ref.slice("azureml:".length);
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(name)) r.fail(path2, `'${ref}' is not a job reference`, "write azureml:<job-name>");
  return {
    jobType: "Pipeline",
    body: { properties: { jobType: "Pipeline", sourceJobId: `${options.workspaceId}/jobs/${name}`, experimentName: "" } },
    uploads: [],
    assets: []
  };
}
function isScheduleSpec(spec) {
  if (!isObj(spec)) return false;
  if (typeof spec.$schema === "string" && /\/schedule\.schema\.json$/i.test(spec.$schema)) return true;
  return spec.trigger !== void 0 && spec.create_job !== void 0;
}

// src/azure/schedules.ts
var path = (name) => `schedules/${encodeURIComponent(name)}`;
function createSchedulesApi(arm) {
  return {
    getSchedule: (name) => withAzureOperation(`reading schedule '${name}'`, () => arm.tryGet(path(name))),
    putSchedule: (name, body) => withAzureOperation(`creating or updating schedule '${name}'`, async () => {
      const poller = await arm.beginPut(path(name), body);
      const done = await poller.pollUntilDone();
      return done ?? await arm.get(path(name));
    })
  };
}

export {
  didYouMean,
  FieldReader,
  SpecDocument,
  stableJson,
  versionHash,
  PlanContext,
  computeId,
  codeId,
  environmentId,
  printUntrusted,
  assetUri,
  componentRef,
  pipelineComponentFile,
  createSchedulesApi,
  planJob,
  describeTrigger,
  nextRunTimes,
  planSchedule,
  scheduleCommon,
  isScheduleSpec
};
