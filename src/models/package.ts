/**
 * `package: true`: the deployment package of a registration, in the workspace's default
 * datastore under `azureml-actions/packages/<model>/<content hash>/`:
 *
 *   code/<hash>/<folder>/…            the scoring code (`code` input, a local folder), by content hash
 *   environment/<sha256>/<file>       a local environment file (`environment` input: conda YAML, …)
 *   manifest-<sha256>.json            the manifest (manifest.ts), content-addressed
 *
 * Everything is checked first ({@link preparePackage}: paths exist, references resolve), then
 * uploaded ({@link writePackage}) before the version is created; the version's properties point
 * at the manifest and pin its sha256. A version that existed before (`created: false`) cannot get
 * new properties, so its package pointer goes into tags instead ({@link packageOf} reads both).
 */
import { stat } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import { armPath, type ArmClient } from '../azure/arm.js';
import { sha256File, type BlobStore } from '../azure/blob.js';
import { withAzureOperation } from '../azure/errors.js';
import type { AbortSignalLike } from '../azure/retry.js';
import { ConfigurationError } from '../core/errors.js';
import type { SnapshotUploader } from '../azure/workspace-api.js';
import { parseReference } from '../specs/references.js';
import { snapshot, type Snapshot } from '../core/hash.js';
import { readBlob } from './blobs.js';
import {
  MANIFEST_SCHEMA,
  manifestSha256,
  parseManifest,
  serializeManifest,
  type ManifestCode,
  type ManifestEnvironment,
  type PackageManifest,
} from './manifest.js';
import { parseDatastoreUri, type ResolvedModel } from './source.js';
import type { ModelCheck, ModelType } from './validate.js';
import { MANIFEST_SHA256_PROPERTY, PACKAGE_PROPERTY, propsOf, tagsOf, type ModelVersion } from './versions.js';

export interface PackageInputs {
  environment?: string;
  code?: string;
  scoringScript?: string;
  /** Folder relative paths resolve against (GITHUB_WORKSPACE). */
  workspaceDir: string;
}

export interface PackageDeps {
  arm: ArmClient;
  /** The default datastore's blob store. */
  blobStore(): Promise<BlobStore>;
  uploader: SnapshotUploader;
  workspaceName: string;
  info(message: string): void;
  abortSignal?: AbortSignalLike;
}

type PreparedEnvironment =
  | { kind: 'reference'; value: Extract<ManifestEnvironment, { kind: 'reference' }> }
  | { kind: 'file'; local: string; display: string; size: number; sha256: string };

type PreparedCode =
  { kind: 'reference'; value: Extract<ManifestCode, { kind: 'reference' }> } | { kind: 'files'; snap: Snapshot; display: string; scoringScript?: string };

/** What the package needs, checked and hashed; nothing written yet. */
export interface PreparedPackage {
  environment?: PreparedEnvironment;
  code?: PreparedCode;
}

function localPath(text: string, dir: string): { abs: string; display: string } {
  const abs = isAbsolute(text) ? text : resolve(dir, text);
  const rel = relative(dir, abs);
  return { abs, display: rel.startsWith('..') ? abs : rel || '.' };
}

type ArmObject = { id?: string; name?: string; properties?: Record<string, unknown> };

/** Resolves `azureml:<name>:<version>` / `azureml:<name>@latest` / an ARM id of a workspace asset. */
async function resolveAsset(
  deps: PackageDeps,
  kind: 'environments' | 'codes',
  text: string,
  input: string,
): Promise<{ id: string; resource: ArmObject } | undefined> {
  const ref = parseReference(text);
  if (ref.kind === 'registry') return undefined;
  let name: string;
  let version: string | undefined;
  if (ref.kind === 'asset') {
    name = ref.name;
    version = ref.version;
    if (!version) {
      const label = ref.label ?? 'latest';
      if (label !== 'latest') throw new ConfigurationError(`Input '${input}': label '@${label}' is not supported; use ':<version>' or '@latest'.`, { input });
      const container = await withAzureOperation(`reading ${kind} '${name}'`, () => deps.arm.tryGet<ArmObject>(armPath`${kind}/${name}`));
      const latest = container?.properties?.latestVersion;
      if (typeof latest !== 'string' || latest === '') {
        throw new ConfigurationError(
          `Input '${input}': ${kind === 'codes' ? 'code' : 'environment'} '${name}' does not exist in workspace '${deps.workspaceName}'.`,
          { input },
        );
      }
      version = latest;
    }
  } else if (ref.kind === 'arm-id') {
    const m = /\/(environments|codes)\/([^/]+)\/versions\/([^/]+)$/i.exec(ref.id);
    if (!m || m[1].toLowerCase() !== kind)
      throw new ConfigurationError(`Input '${input}': '${text}' is not the ARM id of a ${kind === 'codes' ? 'code' : 'environment'} version.`, { input });
    name = m[2]!;
    version = m[3]!;
  } else {
    return undefined;
  }
  const v = await withAzureOperation(`reading ${kind} ${name}:${version}`, () => deps.arm.tryGet<ArmObject>(armPath`${kind}/${name}/versions/${version}`));
  if (!v) {
    throw new ConfigurationError(
      `Input '${input}': ${kind === 'codes' ? 'code' : 'environment'} ${name}:${version} does not exist in workspace '${deps.workspaceName}'.`,
      {
        input,
        hint:
          kind === 'environments'
            ? 'Register it first (az ml environment create), or give a local conda/environment file.'
            : 'Give the scoring code as a local folder.',
      },
    );
  }
  return { id: String(v.id ?? ''), resource: v };
}

/** Checks and hashes the package inputs. Throws ConfigurationErrors; writes nothing. */
export async function preparePackage(i: PackageInputs, deps: PackageDeps): Promise<PreparedPackage> {
  const out: PreparedPackage = {};
  if (i.environment !== undefined) {
    if (i.environment.startsWith('azureml:') || i.environment.startsWith('/subscriptions/')) {
      const text = i.environment.startsWith('/subscriptions/') ? `azureml:${i.environment}` : i.environment;
      let resolved;
      try {
        resolved = await resolveAsset(deps, 'environments', text, 'environment');
      } catch (e) {
        if ((e as Error).name === 'ReferenceError')
          throw new ConfigurationError(`Input 'environment': ${(e as Error).message}.`, { input: 'environment', cause: e });
        throw e;
      }
      const image = resolved?.resource.properties?.image;
      out.environment = {
        kind: 'reference',
        value: { kind: 'reference', reference: i.environment, ...(resolved?.id ? { id: resolved.id } : {}), ...(typeof image === 'string' ? { image } : {}) },
      };
    } else {
      const { abs, display } = localPath(i.environment, i.workspaceDir);
      const st = await stat(abs).catch(() => undefined);
      if (!st) {
        throw new ConfigurationError(`Input 'environment': ${display} does not exist.`, {
          input: 'environment',
          hint: 'Give a registered environment (azureml:<name>:<version>) or a local conda / environment file.',
        });
      }
      if (!st.isFile())
        throw new ConfigurationError(`Input 'environment': ${display} is a folder; give the environment file (e.g. conda.yaml).`, { input: 'environment' });
      out.environment = { kind: 'file', local: abs, display, size: st.size, sha256: await sha256File(abs) };
    }
  }
  if (i.code !== undefined) {
    if (i.code.startsWith('azureml:')) {
      let resolved;
      try {
        resolved = await resolveAsset(deps, 'codes', i.code, 'code');
      } catch (e) {
        if ((e as Error).name === 'ReferenceError') throw new ConfigurationError(`Input 'code': ${(e as Error).message}.`, { input: 'code', cause: e });
        throw e;
      }
      out.code = {
        kind: 'reference',
        value: {
          kind: 'reference',
          reference: i.code,
          ...(resolved?.id ? { id: resolved.id } : {}),
          ...(i.scoringScript ? { scoringScript: i.scoringScript } : {}),
        },
      };
    } else {
      const { abs, display } = localPath(i.code, i.workspaceDir);
      const st = await stat(abs).catch(() => undefined);
      if (!st)
        throw new ConfigurationError(`Input 'code': ${display} does not exist.`, {
          input: 'code',
          hint: 'Give the folder with the scoring script (score.py with init() and run()).',
        });
      const snap = await snapshot(abs);
      if (snap.files.length === 0) throw new ConfigurationError(`Input 'code': ${display} holds no files.`, { input: 'code' });
      const paths = snap.files.map((f) => f.path);
      let scoringScript = i.scoringScript;
      if (scoringScript !== undefined) {
        const s = scoringScript.replace(/^\.\//, '');
        if (!paths.includes(s)) {
          throw new ConfigurationError(`Input 'scoring-script': ${s} is not in ${display}${paths.length <= 10 ? ` (it holds ${paths.join(', ')})` : ''}.`, {
            input: 'scoring-script',
          });
        }
        scoringScript = s;
      } else if (paths.includes('score.py')) {
        scoringScript = 'score.py';
      }
      out.code = { kind: 'files', snap, display, ...(scoringScript ? { scoringScript } : {}) };
    }
  } else if (i.scoringScript !== undefined) {
    throw new ConfigurationError("Input 'scoring-script' names a file of the scoring code, but 'code' is not given.", { input: 'scoring-script' });
  }
  return out;
}

export interface PackageModel {
  name: string;
  type: ModelType;
  source: ResolvedModel;
  /** The version's modelUri (the existing version's when it was registered before). */
  modelUri: string;
  check: ModelCheck;
  lineage: Record<string, string>;
  now: Date;
}

export interface WrittenPackage {
  manifest: PackageManifest;
  /** The manifest as stored (and as the `manifest` output). */
  text: string;
  sha256: string;
  /** `azureml://datastores/<ds>/paths/…/manifest-<sha>.json`. */
  uri: string;
}

/** Uploads the code and environment, builds the manifest and uploads it. */
export async function writePackage(model: PackageModel, prepared: PreparedPackage, deps: PackageDeps): Promise<WrittenPackage> {
  const store = await deps.blobStore();
  const hash = model.source.contentHash.replace(/^[a-z0-9]+:/, '').slice(0, 32);
  const root = `azureml-actions/packages/${model.name}/${hash}`;
  const uriOf = (path: string, folder = false) => `${store.datastoreUri(path)}${folder ? '/' : ''}`;

  let environment: ManifestEnvironment | undefined;
  if (prepared.environment?.kind === 'reference') environment = prepared.environment.value;
  else if (prepared.environment?.kind === 'file') {
    const e = prepared.environment;
    const blob = `${root}/environment/${e.sha256.slice(0, 32)}/${basename(e.local)}`;
    await store.uploadFile(e.local, blob, { abortSignal: deps.abortSignal });
    environment = { kind: 'file', path: e.display, uri: uriOf(blob), size: e.size, sha256: e.sha256 };
  }

  let code: ManifestCode | undefined;
  if (prepared.code?.kind === 'reference') code = prepared.code.value;
  else if (prepared.code?.kind === 'files') {
    const c = prepared.code;
    const prefix = `${root}/code/${c.snap.hash.slice(0, 32)}/${c.snap.name}`;
    if (!(await deps.uploader.hasSnapshot(prefix, c.snap))) {
      deps.info(`Uploading the scoring code ${c.display}: ${c.snap.files.length} file(s)`);
      await deps.uploader.upload(prefix, c.snap);
    }
    code = {
      kind: 'files',
      path: c.display,
      uri: uriOf(prefix, !c.snap.isFile),
      contentHash: `sha256:${c.snap.hash}`,
      ...(c.scoringScript ? { scoringScript: c.scoringScript } : {}),
      files: c.snap.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })),
    };
  }

  const files = await model.source.hashedFiles();
  const mlmodel = model.check.mlmodel;
  const manifest: PackageManifest = {
    schema: MANIFEST_SCHEMA,
    model: {
      name: model.name,
      type: model.type,
      contentHash: model.source.contentHash,
      uri: model.modelUri,
      source: model.source.display,
      ...(model.source.jobName ? { jobName: model.source.jobName } : {}),
      isFile: model.source.isFile,
      fileCount: files.length,
      bytes: files.reduce((n, f) => n + f.size, 0),
    },
    files: files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })),
    ...(mlmodel ? { mlflow: { flavors: mlmodel.flavors, ...(mlmodel.signature ? { signature: mlmodel.signature } : {}) } } : {}),
    ...(model.check.tritonModels ? { triton: { models: model.check.tritonModels } } : {}),
    lineage: model.lineage,
    ...(environment ? { environment } : {}),
    ...(code ? { code } : {}),
    createdAt: model.now.toISOString(),
  };
  const text = serializeManifest(manifest);
  const sha256 = manifestSha256(text);
  const blob = `${root}/manifest-${sha256.slice(0, 32)}.json`;
  await store.container
    .getBlockBlobClient(blob)
    .upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: 'application/json' }, abortSignal: deps.abortSignal });
  return { manifest, text, sha256, uri: uriOf(blob) };
}

/** Where a version's package manifest is (its properties, else its tags), if it has one. */
export function packageOf(v: ModelVersion): { uri: string; sha256?: string } | undefined {
  for (const bag of [propsOf(v), tagsOf(v)]) {
    const uri = bag[PACKAGE_PROPERTY];
    if (typeof uri === 'string' && uri !== '') return { uri, ...(bag[MANIFEST_SHA256_PROPERTY] ? { sha256: bag[MANIFEST_SHA256_PROPERTY] } : {}) };
  }
  return undefined;
}

/**
 * Reads a version's manifest and checks it against the pinned sha256 (for the deploy action and
 * for re-runs). `blobStore(name)` opens the datastore the manifest is in.
 */
export async function readPackageManifest(
  v: ModelVersion,
  blobStore: (datastore: string) => Promise<BlobStore>,
  abortSignal?: AbortSignalLike,
): Promise<{ manifest: PackageManifest; text: string; uri: string } | undefined> {
  const pkg = packageOf(v);
  if (!pkg) return undefined;
  const loc = parseDatastoreUri(pkg.uri);
  if (!loc) throw new Error(`The package of model version ${v.name} is at ${pkg.uri}, which is not a datastore path.`);
  const store = await blobStore(loc.datastore);
  const text = (await readBlob(store.container, loc.path, 64 * 1024 * 1024, abortSignal)).toString('utf8');
  if (pkg.sha256 && manifestSha256(text) !== pkg.sha256) {
    throw new Error(
      `The package manifest of model version ${v.name} (${pkg.uri}) was changed after registration: its sha256 is ${manifestSha256(text)}, the version pins ${pkg.sha256}.`,
    );
  }
  return { manifest: parseManifest(text), text, uri: pkg.uri };
}
