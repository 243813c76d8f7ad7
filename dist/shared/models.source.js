const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { existsSync } = require("node:fs");
const { readFile } = require("node:fs/promises");
const { isAbsolute, join, relative, resolve } = require("node:path");
const { createHash } = require("node:crypto");
const { createHash: createHash2 } = require("node:crypto");
import {
  uploadLocalFile,
  uploadLocalFiles
} from "./models.upload.js";
import {
  isCloudUri,
  parseCloudUri
} from "./clouds.uri.js";
import {
  parseReference
} from "./yaml.js";
import {
  formatBytes,
  localUploadPath,
  snapshot
} from "./ignore+azure+jobs.js";
import {
  mapWithConcurrency
} from "./azure.concurrency.js";
import {
  armPath
} from "./azure.arm.js";
import {
  withAzureOperation
} from "./azure.errors.js";
import {
  isObj
} from "./core.obj.js";
import {
  ConfigurationError
} from "./core.errors.js";

// src/models/source.ts

// src/models/blobs.ts
var IGNORED = /(^|\/)\.azureml-actions-snapshot\.json$/;
async function listModelBlobs(container, path, abortSignal) {
  const name = path.replace(/^\/+/, "").replace(/\/+$/, "");
  const toFile = (blobName, rel, props) => ({
    path: rel,
    blobName,
    size: props.contentLength ?? 0,
    ...props.contentMD5 && props.contentMD5.length > 0 ? { md5: Buffer.from(props.contentMD5).toString("hex") } : {},
    ...props.etag ? { etag: props.etag.replace(/"/g, "") } : {}
  });
  if (name !== "") {
    const single = container.getBlobClient(name);
    const props = await single.getProperties({ abortSignal }).catch((e) => {
      if (e.statusCode === 404) return void 0;
      throw e;
    });
    if (props) {
      const file = toFile(name, name.split("/").pop(), props);
      return { path: name, isFile: true, files: [file], bytes: file.size };
    }
  }
  const prefix = name === "" ? "" : `${name}/`;
  const files = [];
  for await (const item of container.listBlobsFlat({ prefix, abortSignal })) {
    const rel = item.name.slice(prefix.length);
    if (rel === "" || IGNORED.test(rel)) continue;
    files.push(toFile(item.name, rel, item.properties));
  }
  files.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return { path: name, isFile: false, files, bytes: files.reduce((n, f) => n + f.size, 0) };
}
function blobListingHash(files) {
  const h = createHash("sha256");
  for (const f of [...files].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) {
    h.update(`${f.path}\0${f.size}\0${f.md5 ?? `etag:${f.etag ?? ""}`}
`);
  }
  return h.digest("hex");
}
async function readBlob(container, blobName, maxBytes = 16 * 1024 * 1024, abortSignal) {
  const client = container.getBlobClient(blobName);
  const props = await client.getProperties({ abortSignal });
  if ((props.contentLength ?? 0) > maxBytes) throw new Error(`${blobName} has ${props.contentLength} bytes; at most ${maxBytes} are read`);
  return client.downloadToBuffer(0, void 0, { abortSignal });
}
async function sha256Blobs(container, files, options = {}) {
  return mapWithConcurrency(
    files,
    Math.max(1, options.concurrency ?? 8),
    async (f) => {
      const h = createHash("sha256");
      const response = await container.getBlobClient(f.blobName).download(0, void 0, { abortSignal: options.abortSignal });
      const body = response.readableStreamBody;
      if (body) for await (const chunk of body) h.update(chunk);
      return h.digest("hex");
    },
    options.abortSignal
  );
}
async function copyBlobs(container, files, target, prefix, options = {}) {
  const base = prefix.replace(/^\/+|\/+$/g, "");
  await mapWithConcurrency(
    files,
    Math.max(1, options.concurrency ?? 8),
    async (f) => {
      const response = await container.getBlobClient(f.blobName).download(0, void 0, { abortSignal: options.abortSignal });
      const dest = target.blockBlob(base ? `${base}/${f.path}` : f.path);
      const body = response.readableStreamBody;
      if (!body || f.size === 0) await dest.upload(Buffer.alloc(0), 0, { abortSignal: options.abortSignal });
      else await dest.uploadStream(body, 4 * 1024 * 1024, 2, { abortSignal: options.abortSignal });
    },
    options.abortSignal
  );
  return { files: files.length, bytes: files.reduce((n, f) => n + f.size, 0) };
}

// src/models/source.ts
var DEFAULT_JOB_OUTPUT = "artifacts/paths/model";
var ARTIFACT_DATASTORE = "workspaceartifactstore";
function parseOutput(text, input) {
  const parts = text.replace(/^\/+|\/+$/g, "").split("/");
  const [output, paths, ...rest] = parts;
  if (!output || paths !== void 0 && paths !== "paths" || paths === "paths" && rest.join("/") === "") {
    throw new ConfigurationError(
      `Input '${input}': '${text}' is not a job output: write <output> or <output>/paths/<path>, e.g. model or artifacts/paths/model.`,
      { input }
    );
  }
  return { output, ...paths ? { sub: rest.join("/") } : {} };
}
function parseModelSource(i, workspaceDir) {
  if (i.path !== void 0 && i.jobName !== void 0) {
    throw new ConfigurationError("Give either 'path' or 'job-name' (with 'output'), not both.", {
      input: "job-name",
      hint: "path: azureml://jobs/<job>/outputs/<output> is the same as job-name: <job> with output: <output>."
    });
  }
  if (i.jobName !== void 0) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(i.jobName)) {
      throw new ConfigurationError(`Input 'job-name': '${i.jobName}' is not a valid job name.`, {
        input: "job-name",
        hint: "Job names use letters, digits, '-' and '_'."
      });
    }
    const { output, sub } = parseOutput(i.output ?? DEFAULT_JOB_OUTPUT, "output");
    const display = `azureml://jobs/${i.jobName}/outputs/${output}${sub !== void 0 ? `/paths/${sub}` : ""}`;
    return {
      kind: "job-output",
      job: i.jobName,
      output,
      ...sub !== void 0 ? { sub } : {},
      outputGiven: i.output !== void 0,
      display,
      input: "job-name"
    };
  }
  if (i.output !== void 0) {
    throw new ConfigurationError("Input 'output' names an output of the job given by 'job-name', which is not set.", { input: "output" });
  }
  if (i.path === void 0) {
    throw new ConfigurationError("No model to register: give path (a job output, a datastore path, runs:/<run>/<path> or a local folder) or job-name.", {
      input: "path",
      hint: "e.g. path: azureml://jobs/<job>/outputs/artifacts/paths/model, or job-name: ${{ steps.train.outputs.job-name }} with output: model."
    });
  }
  const raw = i.path.trim();
  if (isCloudUri(raw)) return { kind: "cloud", uri: parseCloudUri(raw, "path"), display: raw, input: "path" };
  const ds = parseDatastoreUri(raw);
  if (ds) return { kind: "datastore", datastore: ds.datastore, path: ds.path, display: raw, input: "path" };
  let ref;
  try {
    ref = parseReference(raw);
  } catch (e) {
    throw new ConfigurationError(`Input 'path': ${e.message}.`, { input: "path", cause: e });
  }
  switch (ref.kind) {
    case "job-output":
      return {
        kind: "job-output",
        job: ref.job,
        output: ref.output,
        ...ref.path !== void 0 ? { sub: ref.path } : {},
        outputGiven: true,
        display: raw,
        input: "path"
      };
    case "datastore":
      return { kind: "datastore", datastore: ref.datastore, path: ref.path, display: raw, input: "path" };
    case "mlflow-run":
      return { kind: "run", runId: ref.runId, path: ref.path, display: raw, input: "path" };
    case "local": {
      const abs = isAbsolute(ref.path) ? ref.path : resolve(workspaceDir, ref.path);
      const rel = relative(workspaceDir, abs);
      return { kind: "local", path: abs, display: rel === "" ? "." : rel.startsWith("..") ? abs : rel, input: "path" };
    }
    case "asset":
    case "arm-id":
    case "registry":
      throw new ConfigurationError(`Input 'path': '${raw}' names a registered asset, not the files of a model.`, {
        input: "path",
        hint: "To copy a registered version into a registry use promote-to-registry; to register files give a job output, a datastore path, runs:/ or a local folder."
      });
    default:
      throw new ConfigurationError(`Input 'path': '${raw}' is not a model location this action can register.`, {
        input: "path",
        hint: "Use azureml://jobs/<job>/outputs/<output>[/paths/<p>], azureml://datastores/<ds>/paths/<p> (or .../ExperimentRun/dcid.<job>/<p>), runs:/<run>/<path>, s3://<bucket>/<key>, gs://<bucket>/<object> or a local file or folder."
      });
  }
}
var AUTOML_BEST_MODEL_OUTPUT = "best_model";
var FAILED_STATES = ["Failed", "Canceled", "NotResponding"];
function parseDatastoreUri(uri) {
  const m = /^azureml:\/\/(?:subscriptions\/[^/]+\/resource[gG]roups\/[^/]+\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/[^/]+\/)?datastores\/([^/]+)\/(?:paths(?:\/(.*))?|(ExperimentRun(?:\/.*)?))$/i.exec(
    uri.trim()
  );
  return m ? { datastore: m[1], path: (m[2] ?? m[3] ?? "").replace(/\/+$/, "") } : void 0;
}
function parseOutputUri(uri) {
  const text = uri.trim();
  const ds = parseDatastoreUri(text);
  if (ds) return { kind: "datastore", ...ds };
  const job = /^azureml:\/\/jobs\/([^/]+)\/outputs\/([^/]+)(?:\/paths(?:\/(.*))?)?\/?$/i.exec(text);
  if (job) {
    const sub = job[3]?.replace(/\/+$/, "");
    return { kind: "job-output", job: job[1], output: job[2], ...sub ? { sub } : {} };
  }
  const run = /^runs:\/([^/?]+)(?:\/(.*))?$/i.exec(text);
  if (run) return { kind: "run", runId: run[1], path: (run[2] ?? "").replace(/^\/+|\/+$/g, "") };
  return void 0;
}
function joinPath(...parts) {
  return parts.map((p) => p.replace(/^\/+|\/+$/g, "")).filter((p) => p !== "").join("/");
}
function datastoreUri(datastore, path, folder) {
  return `azureml://datastores/${datastore}/paths/${path}${folder ? "/" : ""}`;
}
async function resolveModelSource(spec, deps) {
  switch (spec.kind) {
    case "local":
      return resolveLocal(spec, deps);
    case "datastore": {
      const store = await datastoreStore(deps, spec.datastore, spec.input);
      const listing = await listOrFail(store.container, spec.path, spec.display, spec.input, deps);
      return fromBlobs(spec, spec.display, store, listing, void 0, deps);
    }
    case "run": {
      const job = await getJob(deps, spec.runId, spec.input, "run");
      requireFinished(job, spec.runId, spec.input);
      const store = await datastoreStore(deps, ARTIFACT_DATASTORE, spec.input);
      const path = joinPath(`ExperimentRun/dcid.${spec.runId}`, spec.path);
      const listing = await listOrFail(store.container, path, spec.display, spec.input, deps);
      return fromBlobs(spec, spec.display, store, listing, spec.runId, deps);
    }
    case "job-output":
      return resolveJobOutput(spec, deps);
    case "cloud": {
      const { resolveCloudModel } = await import("./cloud-source.js");
      return resolveCloudModel(spec, deps);
    }
  }
}
async function getJob(deps, name, input, what) {
  const job = await withAzureOperation(`reading job '${name}'`, () => deps.arm.tryGet(armPath`jobs/${name}`, { abortSignal: deps.abortSignal }));
  if (!job) {
    throw new ConfigurationError(
      what === "run" ? `Input '${input}': run '${name}' is not a job of workspace '${deps.workspaceName}' (the MLflow run id of an Azure ML job is the job name).` : `Input '${input}': job '${name}' does not exist in workspace '${deps.workspaceName}'.`,
      { input, hint: "Use the job-name output of submit-job, e.g. ${{ steps.train.outputs.job-name }}." }
    );
  }
  return job;
}
function requireFinished(job, name, input) {
  const status = job.properties?.status ?? "Unknown";
  if (status === "Completed") return;
  if (FAILED_STATES.includes(status)) {
    throw new ConfigurationError(`Job '${name}' ended ${status}: its outputs are not a model to register.`, {
      input,
      hint: "Register the model of a job that Completed."
    });
  }
  throw new ConfigurationError(`Job '${name}' is ${status}: its outputs are complete only once it has finished.`, {
    input,
    hint: "Run register-model after submit-job with wait: true (the default), so the job has Completed."
  });
}
async function datastoreStore(deps, name, input) {
  try {
    return await deps.blobStore(name);
  } catch (e) {
    if (e.statusCode === 404 || /\b404\b|not ?found/i.test(e.message)) {
      throw new ConfigurationError(`Input '${input}': datastore '${name}' does not exist in workspace '${deps.workspaceName}'.`, { input, cause: e });
    }
    throw e;
  }
}
async function listOrFail(container, path, display, input, deps) {
  const listing = await withAzureOperation(`listing the files of ${display}`, () => listModelBlobs(container, path, deps.abortSignal));
  if (listing.files.length === 0) {
    throw new ConfigurationError(`Input '${input}': nothing is stored at ${display}, so there is no model to register.`, {
      input,
      hint: "Check the path: for MLflow models logged by a job it is usually artifacts/paths/model (or the job output that received the model)."
    });
  }
  return listing;
}
async function resolveJobOutput(given, deps) {
  const job = await getJob(deps, given.job, given.input, "job");
  let spec = given;
  const automlBest = /^automl$/i.test(job.properties?.jobType ?? "") ? job.properties?.tags?.automl_best_child_run_id ?? void 0 : void 0;
  if (/^automl$/i.test(job.properties?.jobType ?? "") && !spec.outputGiven) {
    spec = { ...spec, output: AUTOML_BEST_MODEL_OUTPUT, sub: void 0, display: `azureml://jobs/${spec.job}/outputs/${AUTOML_BEST_MODEL_OUTPUT}` };
    deps.info(
      `Job ${spec.job} is an AutoML job: registering its best model (output ${AUTOML_BEST_MODEL_OUTPUT}${automlBest ? `, best child ${automlBest}` : ""}).`
    );
  }
  const outputs = job.properties?.outputs ?? {};
  const named = Object.keys(outputs);
  const find = (o) => named.find((k) => k === o) ?? named.find((k) => k.toLowerCase() === o.toLowerCase());
  const describe = () => {
    const list = named.filter((n) => n !== "default");
    const parts = [...list.map((n) => `'${n}'`), "'artifacts' (the MLflow artifacts of the run)"];
    return `its outputs: ${parts.join(", ")}`;
  };
  const locate = async (output, sub) => {
    let key = find(output);
    if (!key && output.toLowerCase() === "artifacts") key = find("default") ?? "default";
    const bestModel = automlBest !== void 0 && output.toLowerCase() === AUTOML_BEST_MODEL_OUTPUT;
    if (!key && bestModel) key = AUTOML_BEST_MODEL_OUTPUT;
    if (!key) return void 0;
    const uri = outputs[key]?.uri ?? void 0;
    let loc = uri ? await outputUriLocation(uri, spec, deps) : void 0;
    loc ??= key === "default" ? { datastore: ARTIFACT_DATASTORE, path: `ExperimentRun/dcid.${spec.job}` } : bestModel ? { datastore: ARTIFACT_DATASTORE, path: `ExperimentRun/dcid.${automlBest}/outputs/mlflow-model` } : { datastore: "", path: `azureml/${spec.job}/${key}` };
    const display = `azureml://jobs/${spec.job}/outputs/${output}${sub !== void 0 ? `/paths/${sub}` : ""}`;
    return { datastore: loc.datastore, path: joinPath(loc.path, sub ?? ""), display };
  };
  let target = await locate(spec.output, spec.sub);
  if (!target) {
    throw new ConfigurationError(`Job '${spec.job}' has no output '${spec.output}'; ${describe()}.`, {
      input: spec.input === "path" ? "path" : "output",
      hint: `e.g. ${spec.input === "path" ? `path: azureml://jobs/${spec.job}/outputs/<output>` : "output: model"}.`
    });
  }
  requireFinished(job, spec.job, spec.input);
  let store = await datastoreStore(deps, target.datastore || (await deps.blobStore()).datastore.name, spec.input);
  let listing = await withAzureOperation(`listing the files of ${target.display}`, () => listModelBlobs(store.container, target.path, deps.abortSignal));
  if (listing.files.length === 0 && !spec.outputGiven && find("model")) {
    const alt = await locate("model", void 0);
    deps.info(`Job ${spec.job} has no MLflow model at ${spec.output}/paths/${spec.sub ?? ""}; using its output 'model'.`);
    target = alt;
    store = await datastoreStore(deps, target.datastore || (await deps.blobStore()).datastore.name, spec.input);
    listing = await withAzureOperation(`listing the files of ${target.display}`, () => listModelBlobs(store.container, target.path, deps.abortSignal));
  }
  if (listing.files.length === 0) {
    throw new ConfigurationError(`Job '${spec.job}' wrote nothing at ${target.display}, so there is no model to register; ${describe()}.`, {
      input: spec.input === "path" ? "path" : "output",
      hint: "Give the output (and /paths/<sub>) that holds the model files."
    });
  }
  return fromBlobs(spec, target.display, store, listing, spec.job, deps);
}
async function outputUriLocation(uri, spec, deps, depth = 0) {
  const loc = parseOutputUri(uri);
  const unreadable = () => new ConfigurationError(`Output '${spec.output}' of job '${spec.job}' is stored at ${uri}, which is not a datastore path this action can read.`, {
    input: spec.input
  });
  if (!loc) throw unreadable();
  if (loc.kind === "datastore") return loc;
  if (loc.kind === "run") return { datastore: ARTIFACT_DATASTORE, path: joinPath(`ExperimentRun/dcid.${loc.runId}`, loc.path) };
  if (depth >= 4) throw unreadable();
  const other = await getJob(deps, loc.job, spec.input, "job");
  const outs = other.properties?.outputs ?? {};
  const key = Object.keys(outs).find((k) => k === loc.output) ?? Object.keys(outs).find((k) => k.toLowerCase() === loc.output.toLowerCase());
  const next = key ? outs[key]?.uri : void 0;
  const base = next ? await outputUriLocation(next, spec, deps, depth + 1) : key === "default" || loc.output.toLowerCase() === "default" || loc.output.toLowerCase() === "artifacts" ? { datastore: ARTIFACT_DATASTORE, path: `ExperimentRun/dcid.${loc.job}` } : key ? { datastore: "", path: `azureml/${loc.job}/${key}` } : void 0;
  if (!base) throw unreadable();
  return { datastore: base.datastore, path: joinPath(base.path, loc.sub ?? "") };
}
function fromBlobs(spec, display, store, listing, jobName, deps) {
  const byPath = new Map(listing.files.map((f) => [f.path, f]));
  let hashed;
  return {
    spec,
    display,
    modelUri: datastoreUri(store.datastore.name, listing.path, !listing.isFile),
    ...jobName ? { jobName } : {},
    isFile: listing.isFile,
    files: listing.files.map((f) => ({ path: f.path, size: f.size })),
    bytes: listing.bytes,
    contentHash: `blobs:${blobListingHash(listing.files)}`,
    read: async (path) => {
      const f = byPath.get(path);
      if (!f) throw new Error(`${display} has no file ${path}`);
      return readBlob(store.container, f.blobName, 16 * 1024 * 1024, deps.abortSignal);
    },
    hashedFiles: () => hashed ??= sha256Blobs(store.container, listing.files, { abortSignal: deps.abortSignal }).then(
      (sums) => listing.files.map((f, i) => ({ path: f.path, size: f.size, sha256: sums[i] }))
    ),
    materialize: async () => ({ uploaded: false, files: 0, bytes: 0 }),
    copyTo: (target, prefix) => copyBlobs(store.container, listing.files, target, prefix, { abortSignal: deps.abortSignal })
  };
}
async function resolveLocal(spec, deps) {
  if (!existsSync(spec.path)) {
    throw new ConfigurationError(`Input 'path': ${spec.display} does not exist.`, {
      input: "path",
      hint: "Give a file or folder relative to the repository root (after actions/checkout), a job output (azureml://jobs/<job>/outputs/<output>) or a datastore path."
    });
  }
  let snap;
  try {
    snap = await snapshot(spec.path);
  } catch (e) {
    throw new ConfigurationError(`Input 'path': cannot read ${spec.display}: ${e.message}`, { input: "path", cause: e });
  }
  if (snap.files.length === 0) {
    throw new ConfigurationError(`Input 'path': ${spec.display} holds no files (after .amlignore/.gitignore), so there is no model to register.`, {
      input: "path"
    });
  }
  const prefix = localUploadPath(snap);
  const ds = await deps.uploader.datastore();
  const local = (path) => snap.isFile ? snap.root : join(snap.root, ...path.split("/"));
  return {
    spec,
    display: spec.display,
    modelUri: datastoreUri(ds.name, prefix, !snap.isFile),
    isFile: snap.isFile,
    files: snap.files.map((f) => ({ path: f.path, size: f.size })),
    bytes: snap.bytes,
    contentHash: `sha256:${snap.hash}`,
    read: (path) => readFile(local(path)),
    hashedFiles: async () => snap.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })),
    async materialize() {
      if (await deps.uploader.hasSnapshot(prefix, snap)) {
        deps.info(`${spec.display}: already uploaded (content hash ${snap.hash.slice(0, 12)}), reused`);
        return { uploaded: false, files: 0, bytes: 0 };
      }
      deps.info(`Uploading ${spec.display}: ${snap.files.length} file(s), ${formatBytes(snap.bytes)}`);
      const started = Date.now();
      const r = await deps.uploader.upload(prefix, snap);
      const seconds = Math.max(1e-3, (Date.now() - started) / 1e3);
      deps.info(`Uploaded ${r.files} file(s), ${formatBytes(r.bytes)} in ${seconds.toFixed(1)} s (${formatBytes(r.bytes / seconds)}/s)`);
      return { uploaded: true, files: r.files, bytes: r.bytes };
    },
    copyTo: (target, prefixTo) => snap.isFile ? uploadLocalFile(target, snap.root, joinPath(prefixTo, snap.name), snap.bytes, { ...deps.uploadSettings, abortSignal: deps.abortSignal }) : uploadLocalFiles(target, snap.root, snap.files, prefixTo, { ...deps.uploadSettings, abortSignal: deps.abortSignal })
  };
}

// src/models/manifest.ts
var MANIFEST_SCHEMA = "azureml-actions/model-package@1";
function serializeManifest(m) {
  return `${JSON.stringify(m, null, 2)}
`;
}
function manifestSha256(text) {
  return createHash2("sha256").update(text, "utf8").digest("hex");
}
function fail(message) {
  throw new ConfigurationError(`The model package manifest is not valid: ${message}.`);
}
function checkFiles(v, where) {
  if (!Array.isArray(v)) fail(`${where} must be a list`);
  return v.map((f, i) => {
    if (!isObj(f) || typeof f.path !== "string" || f.path === "" || typeof f.size !== "number" || !Number.isInteger(f.size) || f.size < 0 || typeof f.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(f.sha256)) {
      fail(`${where}[${i}] must be { path, size, sha256 } with a 64-digit hex sha256`);
    }
    return { path: f.path, size: f.size, sha256: f.sha256 };
  });
}
function parseManifest(input) {
  let v = input;
  if (typeof input === "string") {
    try {
      v = JSON.parse(input);
    } catch (e) {
      fail(`it is not JSON (${e.message})`);
    }
  }
  if (!isObj(v)) fail("it must be a JSON object");
  if (v.schema !== MANIFEST_SCHEMA) fail(`schema is ${JSON.stringify(v.schema)}, expected "${MANIFEST_SCHEMA}"`);
  const m = v.model;
  if (!isObj(m) || typeof m.name !== "string" || typeof m.type !== "string" || typeof m.contentHash !== "string" || typeof m.uri !== "string") {
    fail("model must have name, type, contentHash and uri");
  }
  const files = checkFiles(v.files, "files");
  const seen = /* @__PURE__ */ new Set();
  for (const f of files) {
    if (seen.has(f.path)) fail(`files lists ${f.path} twice`);
    seen.add(f.path);
  }
  if (v.code !== void 0 && isObj(v.code) && v.code.kind === "files") checkFiles(v.code.files, "code.files");
  if (!isObj(v.lineage)) fail("lineage must be an object");
  return v;
}
function verifyManifest(manifest, files) {
  const actual = new Map(files.map((f) => [f.path.replace(/\\/g, "/").replace(/^\.\//, ""), f]));
  const missing = [];
  const mismatched = [];
  let verified = 0;
  for (const f of manifest.files) {
    const a = actual.get(f.path);
    if (!a) {
      missing.push(f.path);
      continue;
    }
    actual.delete(f.path);
    if (a.size !== f.size || a.sha256 !== void 0 && a.sha256.toLowerCase() !== f.sha256) {
      mismatched.push({ path: f.path, expected: { size: f.size, sha256: f.sha256 }, actual: { size: a.size, ...a.sha256 ? { sha256: a.sha256 } : {} } });
    } else verified++;
  }
  const unexpected = [...actual.keys()].sort();
  const ok = missing.length === 0 && unexpected.length === 0 && mismatched.length === 0;
  const list = (xs) => `${xs.slice(0, 5).join(", ")}${xs.length > 5 ? ` and ${xs.length - 5} more` : ""}`;
  const problems = [
    missing.length ? `${missing.length} missing (${list(missing)})` : "",
    mismatched.length ? `${mismatched.length} changed (${list(mismatched.map((m) => m.path))})` : "",
    unexpected.length ? `${unexpected.length} not in the manifest (${list(unexpected)})` : ""
  ].filter(Boolean);
  const summary = ok ? `all ${verified} file(s) match the manifest` : `the files do not match the manifest: ${problems.join("; ")}`;
  return { ok, missing, unexpected, mismatched, verified, summary };
}

export {
  listModelBlobs,
  readBlob,
  sha256Blobs,
  MANIFEST_SCHEMA,
  serializeManifest,
  manifestSha256,
  parseManifest,
  verifyManifest,
  parseModelSource,
  parseDatastoreUri,
  resolveModelSource
};
