/**
 * Where a model's files come from, and how they are read, hashed and made available at the
 * version's `modelUri`:
 *
 *   azureml://jobs/<job>/outputs/<output>[/paths/<sub>]   an output of a job (`artifacts` = the
 *                                                         MLflow artifacts, i.e. the `default` output)
 *   job-name + output (default `artifacts/paths/model`)   the same, as two inputs
 *   azureml://datastores/<ds>/paths/<path>                a datastore path (also the long
 *                                                         …/workspaces/<ws>/datastores/… form)
 *   azureml://datastores/<ds>/ExperimentRun/dcid.<job>/…  a run's artifacts, as Azure names a job's
 *                                                         `default` output
 *   runs:/<run-id>/<path>                                 an MLflow run's artifacts (Azure ML run id = job name)
 *   a local file or folder                                uploaded under its content hash
 *   s3://<bucket>/<key>, gs://<bucket>/<object>           another cloud's object or folder: streamed
 *                                                         into the datastore under the same content
 *                                                         hash as the same files on disk (cloud-source.ts)
 *
 * The content hash is what makes registration idempotent: `sha256:<hex>` for local files (the
 * snapshot hash: paths, sizes and sha256 of every file), `blobs:<hex>` for files in storage
 * (paths, sizes and Content-MD5s of the listing, see blobs.ts).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { armPath } from '../azure/arm.js';
import type { BlobStore } from '../azure/blob.js';
import { withAzureOperation } from '../azure/errors.js';
import { ConfigurationError } from '../core/errors.js';
import { formatBytes } from '../jobs/submit.js';
import { parseReference, ReferenceError } from '../specs/references.js';
import { localUploadPath, snapshot, type Snapshot } from '../core/hash.js';
import { blobListingHash, copyBlobs, listModelBlobs, readBlob, sha256Blobs, type BlobListing } from './blobs.js';
import { uploadLocalFile, uploadLocalFiles } from './upload.js';
import { isCloudUri, parseCloudUri } from '../clouds/uri.js';
import type { HashedFile, ModelSourceSpec, ResolvedModel, SourceDeps } from './resolved.js';

export type { HashedFile, ModelFile, ModelSourceSpec, ResolvedModel, SourceDeps } from './resolved.js';

/** MLflow logs a model under the run's artifacts at `model`. */
export const DEFAULT_JOB_OUTPUT = 'artifacts/paths/model';
/** Azure ML's datastore of run artifacts (MLflow artifacts, logs, the `default` output). */
export const ARTIFACT_DATASTORE = 'workspaceartifactstore';

/** Parses `<output>[/paths/<sub>]` (the `output` input, or the tail of a job output URI). */
function parseOutput(text: string, input: string): { output: string; sub?: string } {
  const parts = text.replace(/^\/+|\/+$/g, '').split('/');
  const [output, paths, ...rest] = parts;
  if (!output || (paths !== undefined && paths !== 'paths') || (paths === 'paths' && rest.join('/') === '')) {
    throw new ConfigurationError(
      `Input '${input}': '${text}' is not a job output: write <output> or <output>/paths/<path>, e.g. model or artifacts/paths/model.`,
      { input },
    );
  }
  return { output, ...(paths ? { sub: rest.join('/') } : {}) };
}

/** Turns the `path` / `job-name` / `output` inputs into a source; checks the forms, not Azure. */
export function parseModelSource(i: { path?: string; jobName?: string; output?: string }, workspaceDir: string): ModelSourceSpec {
  if (i.path !== undefined && i.jobName !== undefined) {
    throw new ConfigurationError("Give either 'path' or 'job-name' (with 'output'), not both.", {
      input: 'job-name',
      hint: 'path: azureml://jobs/<job>/outputs/<output> is the same as job-name: <job> with output: <output>.',
    });
  }
  if (i.jobName !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(i.jobName)) {
      throw new ConfigurationError(`Input 'job-name': '${i.jobName}' is not a valid job name.`, {
        input: 'job-name',
        hint: "Job names use letters, digits, '-' and '_'.",
      });
    }
    const { output, sub } = parseOutput(i.output ?? DEFAULT_JOB_OUTPUT, 'output');
    const display = `azureml://jobs/${i.jobName}/outputs/${output}${sub !== undefined ? `/paths/${sub}` : ''}`;
    return {
      kind: 'job-output',
      job: i.jobName,
      output,
      ...(sub !== undefined ? { sub } : {}),
      outputGiven: i.output !== undefined,
      display,
      input: 'job-name',
    };
  }
  if (i.output !== undefined) {
    throw new ConfigurationError("Input 'output' names an output of the job given by 'job-name', which is not set.", { input: 'output' });
  }
  if (i.path === undefined) {
    throw new ConfigurationError('No model to register: give path (a job output, a datastore path, runs:/<run>/<path> or a local folder) or job-name.', {
      input: 'path',
      hint: 'e.g. path: azureml://jobs/<job>/outputs/artifacts/paths/model, or job-name: ${{ steps.train.outputs.job-name }} with output: model.',
    });
  }
  const raw = i.path.trim();
  if (isCloudUri(raw)) return { kind: 'cloud', uri: parseCloudUri(raw, 'path'), display: raw, input: 'path' };
  // Datastore URIs in every form Azure writes (incl. the ExperimentRun form of a job's default output).
  const ds = parseDatastoreUri(raw);
  if (ds) return { kind: 'datastore', datastore: ds.datastore, path: ds.path, display: raw, input: 'path' };
  let ref;
  try {
    ref = parseReference(raw);
  } catch (e) {
    throw new ConfigurationError(`Input 'path': ${(e as ReferenceError).message}.`, { input: 'path', cause: e });
  }
  switch (ref.kind) {
    case 'job-output':
      return {
        kind: 'job-output',
        job: ref.job,
        output: ref.output,
        ...(ref.path !== undefined ? { sub: ref.path } : {}),
        outputGiven: true,
        display: raw,
        input: 'path',
      };
    case 'datastore':
      return { kind: 'datastore', datastore: ref.datastore, path: ref.path, display: raw, input: 'path' };
    case 'mlflow-run':
      return { kind: 'run', runId: ref.runId, path: ref.path, display: raw, input: 'path' };
    case 'local': {
      const abs = isAbsolute(ref.path) ? ref.path : resolve(workspaceDir, ref.path);
      const rel = relative(workspaceDir, abs);
      return { kind: 'local', path: abs, display: rel === '' ? '.' : rel.startsWith('..') ? abs : rel, input: 'path' };
    }
    case 'asset':
    case 'arm-id':
    case 'registry':
      throw new ConfigurationError(`Input 'path': '${raw}' names a registered asset, not the files of a model.`, {
        input: 'path',
        hint: 'To copy a registered version into a registry use promote-to-registry; to register files give a job output, a datastore path, runs:/ or a local folder.',
      });
    default:
      throw new ConfigurationError(`Input 'path': '${raw}' is not a model location this action can register.`, {
        input: 'path',
        hint: 'Use azureml://jobs/<job>/outputs/<output>[/paths/<p>], azureml://datastores/<ds>/paths/<p> (or .../ExperimentRun/dcid.<job>/<p>), runs:/<run>/<path>, s3://<bucket>/<key>, gs://<bucket>/<object> or a local file or folder.',
      });
  }
}

type JobResource = {
  name?: string;
  properties?: {
    status?: string;
    jobType?: string;
    tags?: Record<string, string | null> | null;
    outputs?: Record<string, { uri?: string | null; jobOutputType?: string } | null>;
  };
};

/** The output an AutoML job puts its best model in (cli/jobs/pipelines/automl/*: `outputs.best_model: type: mlflow_model`). */
export const AUTOML_BEST_MODEL_OUTPUT = 'best_model';

const FAILED_STATES = ['Failed', 'Canceled', 'NotResponding'];

/**
 * `azureml://datastores/<ds>/paths/<p>`, also in the long `azureml://subscriptions/…/workspaces/<ws>/datastores/…`
 * form, and the `azureml://datastores/<ds>/ExperimentRun/<p>` form Azure gives a job's `default`
 * output (`azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.<job>`, no `/paths/`:
 * recordings jobs/command-job-serverless-create-get.json and jobs/sweep-job-create-get.json;
 * azure-ai-ml reads it with `OUTPUT_URI_REGEX_FORMAT` in azure/ai/ml/constants/_common.py), whose
 * path is `ExperimentRun/<p>` in that datastore.
 */
export function parseDatastoreUri(uri: string): { datastore: string; path: string } | undefined {
  const m =
    /^azureml:\/\/(?:subscriptions\/[^/]+\/resource[gG]roups\/[^/]+\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/[^/]+\/)?datastores\/([^/]+)\/(?:paths(?:\/(.*))?|(ExperimentRun(?:\/.*)?))$/i.exec(
      uri.trim(),
    );
  return m ? { datastore: m[1], path: (m[2] ?? m[3] ?? '').replace(/\/+$/, '') } : undefined;
}

/** Where a job output's URI points: a datastore path, another job's output, or an MLflow run's artifacts. */
export type OutputLocation =
  | { kind: 'datastore'; datastore: string; path: string }
  | { kind: 'job-output'; job: string; output: string; sub?: string }
  | { kind: 'run'; runId: string; path: string };

/**
 * Every form a job output URI takes on Azure ML (the recordings and the swagger's `JobOutput.uri`):
 * the datastore forms of {@link parseDatastoreUri}, `azureml://jobs/<job>/outputs/<name>[/paths/<p>]`
 * (azure-ai-ml `JOB_URI_REGEX_FORMAT`) and `runs:/<run>/<p>` (`MLFLOW_URI_REGEX_FORMAT`; an Azure ML
 * run's artifacts are `ExperimentRun/dcid.<run>/` of `workspaceartifactstore`). Undefined for anything else.
 */
export function parseOutputUri(uri: string): OutputLocation | undefined {
  const text = uri.trim();
  const ds = parseDatastoreUri(text);
  if (ds) return { kind: 'datastore', ...ds };
  const job = /^azureml:\/\/jobs\/([^/]+)\/outputs\/([^/]+)(?:\/paths(?:\/(.*))?)?\/?$/i.exec(text);
  if (job) {
    const sub = job[3]?.replace(/\/+$/, '');
    return { kind: 'job-output', job: job[1], output: job[2], ...(sub ? { sub } : {}) };
  }
  const run = /^runs:\/([^/?]+)(?:\/(.*))?$/i.exec(text);
  if (run) return { kind: 'run', runId: run[1], path: (run[2] ?? '').replace(/^\/+|\/+$/g, '') };
  return undefined;
}

function joinPath(...parts: string[]): string {
  return parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/');
}

function datastoreUri(datastore: string, path: string, folder: boolean): string {
  return `azureml://datastores/${datastore}/paths/${path}${folder ? '/' : ''}`;
}

/** Looks the source up in Azure (or on disk) and lists its files. Nothing is written. */
export async function resolveModelSource(spec: ModelSourceSpec, deps: SourceDeps): Promise<ResolvedModel> {
  switch (spec.kind) {
    case 'local':
      return resolveLocal(spec, deps);
    case 'datastore': {
      const store = await datastoreStore(deps, spec.datastore, spec.input);
      const listing = await listOrFail(store.container, spec.path, spec.display, spec.input, deps);
      return fromBlobs(spec, spec.display, store, listing, undefined, deps);
    }
    case 'run': {
      const job = await getJob(deps, spec.runId, spec.input, 'run');
      requireFinished(job, spec.runId, spec.input);
      const store = await datastoreStore(deps, ARTIFACT_DATASTORE, spec.input);
      const path = joinPath(`ExperimentRun/dcid.${spec.runId}`, spec.path);
      const listing = await listOrFail(store.container, path, spec.display, spec.input, deps);
      return fromBlobs(spec, spec.display, store, listing, spec.runId, deps);
    }
    case 'job-output':
      return resolveJobOutput(spec, deps);
    case 'cloud': {
      // Loaded on use: a step that registers no s3:// or gs:// model neither parses it nor the clouds' layer.
      const { resolveCloudModel } = await import('./cloud-source.js');
      return resolveCloudModel(spec, deps);
    }
  }
}

async function getJob(deps: SourceDeps, name: string, input: string, what: 'job' | 'run'): Promise<JobResource> {
  const job = await withAzureOperation(`reading job '${name}'`, () => deps.arm.tryGet<JobResource>(armPath`jobs/${name}`, { abortSignal: deps.abortSignal }));
  if (!job) {
    throw new ConfigurationError(
      what === 'run'
        ? `Input '${input}': run '${name}' is not a job of workspace '${deps.workspaceName}' (the MLflow run id of an Azure ML job is the job name).`
        : `Input '${input}': job '${name}' does not exist in workspace '${deps.workspaceName}'.`,
      { input, hint: 'Use the job-name output of submit-job, e.g. ${{ steps.train.outputs.job-name }}.' },
    );
  }
  return job;
}

function requireFinished(job: JobResource, name: string, input: string): void {
  const status = job.properties?.status ?? 'Unknown';
  if (status === 'Completed') return;
  if (FAILED_STATES.includes(status)) {
    throw new ConfigurationError(`Job '${name}' ended ${status}: its outputs are not a model to register.`, {
      input,
      hint: 'Register the model of a job that Completed.',
    });
  }
  throw new ConfigurationError(`Job '${name}' is ${status}: its outputs are complete only once it has finished.`, {
    input,
    hint: 'Run register-model after submit-job with wait: true (the default), so the job has Completed.',
  });
}

async function datastoreStore(deps: SourceDeps, name: string, input: string): Promise<BlobStore> {
  try {
    return await deps.blobStore(name);
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404 || /\b404\b|not ?found/i.test((e as Error).message)) {
      throw new ConfigurationError(`Input '${input}': datastore '${name}' does not exist in workspace '${deps.workspaceName}'.`, { input, cause: e });
    }
    throw e;
  }
}

async function listOrFail(container: ContainerClient, path: string, display: string, input: string, deps: SourceDeps): Promise<BlobListing> {
  const listing = await withAzureOperation(`listing the files of ${display}`, () => listModelBlobs(container, path, deps.abortSignal));
  if (listing.files.length === 0) {
    throw new ConfigurationError(`Input '${input}': nothing is stored at ${display}, so there is no model to register.`, {
      input,
      hint: 'Check the path: for MLflow models logged by a job it is usually artifacts/paths/model (or the job output that received the model).',
    });
  }
  return listing;
}

async function resolveJobOutput(given: Extract<ModelSourceSpec, { kind: 'job-output' }>, deps: SourceDeps): Promise<ResolvedModel> {
  const job = await getJob(deps, given.job, given.input, 'job');
  let spec = given;
  // An AutoML job given without an output: its best model. Azure records the best child as the tag
  // automl_best_child_run_id, whose artifacts hold it at outputs/mlflow-model (azureml-examples
  // sdk/python/jobs/automl-standalone-jobs/automl-classification-task-bankmarketing).
  const automlBest = /^automl$/i.test(job.properties?.jobType ?? '') ? (job.properties?.tags?.automl_best_child_run_id ?? undefined) : undefined;
  if (/^automl$/i.test(job.properties?.jobType ?? '') && !spec.outputGiven) {
    spec = { ...spec, output: AUTOML_BEST_MODEL_OUTPUT, sub: undefined, display: `azureml://jobs/${spec.job}/outputs/${AUTOML_BEST_MODEL_OUTPUT}` };
    deps.info(
      `Job ${spec.job} is an AutoML job: registering its best model (output ${AUTOML_BEST_MODEL_OUTPUT}${automlBest ? `, best child ${automlBest}` : ''}).`,
    );
  }
  const outputs = job.properties?.outputs ?? {};
  const named = Object.keys(outputs);
  const find = (o: string) => named.find((k) => k === o) ?? named.find((k) => k.toLowerCase() === o.toLowerCase());
  const describe = () => {
    const list = named.filter((n) => n !== 'default');
    const parts = [...list.map((n) => `'${n}'`), "'artifacts' (the MLflow artifacts of the run)"];
    return `its outputs: ${parts.join(', ')}`;
  };

  const locate = async (output: string, sub: string | undefined): Promise<{ datastore: string; path: string; display: string } | undefined> => {
    let key = find(output);
    if (!key && output.toLowerCase() === 'artifacts') key = find('default') ?? 'default';
    const bestModel = automlBest !== undefined && output.toLowerCase() === AUTOML_BEST_MODEL_OUTPUT;
    if (!key && bestModel) key = AUTOML_BEST_MODEL_OUTPUT;
    if (!key) return undefined;
    const uri = outputs[key]?.uri ?? undefined;
    let loc = uri ? await outputUriLocation(uri, spec, deps) : undefined;
    // Azure's default places: the run's artifact folder, the best AutoML child's outputs/mlflow-model,
    // and azureml/<job>/<output>/ on the default datastore.
    loc ??=
      key === 'default'
        ? { datastore: ARTIFACT_DATASTORE, path: `ExperimentRun/dcid.${spec.job}` }
        : bestModel
          ? { datastore: ARTIFACT_DATASTORE, path: `ExperimentRun/dcid.${automlBest}/outputs/mlflow-model` }
          : { datastore: '', path: `azureml/${spec.job}/${key}` };
    const display = `azureml://jobs/${spec.job}/outputs/${output}${sub !== undefined ? `/paths/${sub}` : ''}`;
    return { datastore: loc.datastore, path: joinPath(loc.path, sub ?? ''), display };
  };

  let target = await locate(spec.output, spec.sub);
  if (!target) {
    throw new ConfigurationError(`Job '${spec.job}' has no output '${spec.output}'; ${describe()}.`, {
      input: spec.input === 'path' ? 'path' : 'output',
      hint: `e.g. ${spec.input === 'path' ? `path: azureml://jobs/${spec.job}/outputs/<output>` : 'output: model'}.`,
    });
  }
  requireFinished(job, spec.job, spec.input);

  let store = await datastoreStore(deps, target.datastore || (await deps.blobStore()).datastore.name, spec.input);
  let listing = await withAzureOperation(`listing the files of ${target.display}`, () => listModelBlobs(store.container, target!.path, deps.abortSignal));
  if (listing.files.length === 0 && !spec.outputGiven && find('model')) {
    // The shorthand's default (MLflow's artifacts/paths/model) is empty, but the job has an output named model.
    const alt = (await locate('model', undefined))!;
    deps.info(`Job ${spec.job} has no MLflow model at ${spec.output}/paths/${spec.sub ?? ''}; using its output 'model'.`);
    target = alt;
    store = await datastoreStore(deps, target.datastore || (await deps.blobStore()).datastore.name, spec.input);
    listing = await withAzureOperation(`listing the files of ${target.display}`, () => listModelBlobs(store.container, target!.path, deps.abortSignal));
  }
  if (listing.files.length === 0) {
    throw new ConfigurationError(`Job '${spec.job}' wrote nothing at ${target.display}, so there is no model to register; ${describe()}.`, {
      input: spec.input === 'path' ? 'path' : 'output',
      hint: 'Give the output (and /paths/<sub>) that holds the model files.',
    });
  }
  return fromBlobs(spec, target.display, store, listing, spec.job, deps);
}

/**
 * The datastore location a job output URI names, following `azureml://jobs/…` references to the
 * output of another job (a pipeline output bound to a step's) a few levels deep.
 */
async function outputUriLocation(
  uri: string,
  spec: Extract<ModelSourceSpec, { kind: 'job-output' }>,
  deps: SourceDeps,
  depth = 0,
): Promise<{ datastore: string; path: string }> {
  const loc = parseOutputUri(uri);
  const unreadable = () =>
    new ConfigurationError(`Output '${spec.output}' of job '${spec.job}' is stored at ${uri}, which is not a datastore path this action can read.`, {
      input: spec.input,
    });
  if (!loc) throw unreadable();
  if (loc.kind === 'datastore') return loc;
  if (loc.kind === 'run') return { datastore: ARTIFACT_DATASTORE, path: joinPath(`ExperimentRun/dcid.${loc.runId}`, loc.path) };
  if (depth >= 4) throw unreadable();
  const other = await getJob(deps, loc.job, spec.input, 'job');
  const outs = other.properties?.outputs ?? {};
  const key = Object.keys(outs).find((k) => k === loc.output) ?? Object.keys(outs).find((k) => k.toLowerCase() === loc.output.toLowerCase());
  const next = key ? outs[key]?.uri : undefined;
  const base = next
    ? await outputUriLocation(next, spec, deps, depth + 1)
    : key === 'default' || loc.output.toLowerCase() === 'default' || loc.output.toLowerCase() === 'artifacts'
      ? { datastore: ARTIFACT_DATASTORE, path: `ExperimentRun/dcid.${loc.job}` }
      : key
        ? { datastore: '', path: `azureml/${loc.job}/${key}` }
        : undefined;
  if (!base) throw unreadable();
  return { datastore: base.datastore, path: joinPath(base.path, loc.sub ?? '') };
}

function fromBlobs(
  spec: ModelSourceSpec,
  display: string,
  store: BlobStore,
  listing: BlobListing,
  jobName: string | undefined,
  deps: SourceDeps,
): ResolvedModel {
  const byPath = new Map(listing.files.map((f) => [f.path, f]));
  let hashed: Promise<HashedFile[]> | undefined;
  return {
    spec,
    display,
    modelUri: datastoreUri(store.datastore.name, listing.path, !listing.isFile),
    ...(jobName ? { jobName } : {}),
    isFile: listing.isFile,
    files: listing.files.map((f) => ({ path: f.path, size: f.size })),
    bytes: listing.bytes,
    contentHash: `blobs:${blobListingHash(listing.files)}`,
    read: async (path) => {
      const f = byPath.get(path);
      if (!f) throw new Error(`${display} has no file ${path}`);
      return readBlob(store.container, f.blobName, 16 * 1024 * 1024, deps.abortSignal);
    },
    hashedFiles: () =>
      (hashed ??= sha256Blobs(store.container, listing.files, { abortSignal: deps.abortSignal }).then((sums) =>
        listing.files.map((f, i) => ({ path: f.path, size: f.size, sha256: sums[i] })),
      )),
    materialize: async () => ({ uploaded: false, files: 0, bytes: 0 }),
    copyTo: (target, prefix) => copyBlobs(store.container, listing.files, target, prefix, { abortSignal: deps.abortSignal }),
  };
}

async function resolveLocal(spec: Extract<ModelSourceSpec, { kind: 'local' }>, deps: SourceDeps): Promise<ResolvedModel> {
  if (!existsSync(spec.path)) {
    throw new ConfigurationError(`Input 'path': ${spec.display} does not exist.`, {
      input: 'path',
      hint: 'Give a file or folder relative to the repository root (after actions/checkout), a job output (azureml://jobs/<job>/outputs/<output>) or a datastore path.',
    });
  }
  let snap: Snapshot;
  try {
    snap = await snapshot(spec.path);
  } catch (e) {
    throw new ConfigurationError(`Input 'path': cannot read ${spec.display}: ${(e as Error).message}`, { input: 'path', cause: e });
  }
  if (snap.files.length === 0) {
    throw new ConfigurationError(`Input 'path': ${spec.display} holds no files (after .amlignore/.gitignore), so there is no model to register.`, {
      input: 'path',
    });
  }
  const prefix = localUploadPath(snap);
  const ds = await deps.uploader.datastore();
  const local = (path: string) => (snap.isFile ? snap.root : join(snap.root, ...path.split('/')));
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
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      deps.info(`Uploaded ${r.files} file(s), ${formatBytes(r.bytes)} in ${seconds.toFixed(1)} s (${formatBytes(r.bytes / seconds)}/s)`);
      return { uploaded: true, files: r.files, bytes: r.bytes };
    },
    copyTo: (target, prefixTo) =>
      snap.isFile
        ? uploadLocalFile(target, snap.root, joinPath(prefixTo, snap.name), snap.bytes, { ...deps.uploadSettings, abortSignal: deps.abortSignal })
        : uploadLocalFiles(target, snap.root, snap.files, prefixTo, { ...deps.uploadSettings, abortSignal: deps.abortSignal }),
  };
}
