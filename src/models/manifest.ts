/**
 * The deployment package of a model version: a manifest listing every model file with its size
 * and sha256, the model type, MLflow flavors and signature, the lineage, and the environment and
 * scoring code it deploys with. register-model writes it (and uploads the code and environment
 * files next to it); the deploy action reads it back and checks, with {@link verifyManifest},
 * that the files it is about to roll out are exactly those that were registered.
 */
import { createHash } from 'node:crypto';
import { ConfigurationError } from '../core/errors.js';
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { listFiles, sha256File } from '../azure/blob.js';
import { mapWithConcurrency } from '../azure/concurrency.js';
import { isObj } from '../core/obj.js';

export const MANIFEST_SCHEMA = 'azureml-actions/model-package@1';

export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
}

export type ManifestEnvironment =
  /** A registered environment (`azureml:<name>:<version>`, an ARM id, a registry reference). */
  | { kind: 'reference'; reference: string; id?: string; image?: string }
  /** A local file (conda YAML, requirements, environment YAML), uploaded into the package. */
  | { kind: 'file'; path: string; uri: string; size: number; sha256: string };

export type ManifestCode =
  | { kind: 'reference'; reference: string; id?: string; scoringScript?: string }
  | { kind: 'files'; path: string; uri: string; contentHash: string; scoringScript?: string; files: ManifestFile[] };

export interface PackageManifest {
  schema: typeof MANIFEST_SCHEMA;
  model: {
    name: string;
    type: string;
    /** The registration's content hash (`sha256:…` or `blobs:…`). */
    contentHash: string;
    /** Where the files are (`azureml://datastores/…`). */
    uri: string;
    /** The `path` it was registered from. */
    source: string;
    jobName?: string;
    isFile: boolean;
    fileCount: number;
    bytes: number;
  };
  files: ManifestFile[];
  mlflow?: { flavors: Record<string, unknown>; signature?: { inputs: unknown; outputs?: unknown; params?: unknown } };
  triton?: { models: string[] };
  lineage: Record<string, string>;
  environment?: ManifestEnvironment;
  code?: ManifestCode;
  createdAt: string;
}

/** The manifest as stored: stable key order, two-space indent, trailing newline. */
export function serializeManifest(m: PackageManifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

export function manifestSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function fail(message: string): never {
  throw new ConfigurationError(`The model package manifest is not valid: ${message}.`);
}

function checkFiles(v: unknown, where: string): ManifestFile[] {
  if (!Array.isArray(v)) fail(`${where} must be a list`);
  return v.map((f, i) => {
    if (
      !isObj(f) ||
      typeof f.path !== 'string' ||
      f.path === '' ||
      typeof f.size !== 'number' ||
      !Number.isInteger(f.size) ||
      f.size < 0 ||
      typeof f.sha256 !== 'string' ||
      !/^[0-9a-f]{64}$/.test(f.sha256)
    ) {
      fail(`${where}[${i}] must be { path, size, sha256 } with a 64-digit hex sha256`);
    }
    return { path: f.path, size: f.size, sha256: f.sha256 };
  });
}

/** Parses a manifest (text or parsed JSON) and checks its shape; throws a ConfigurationError. */
export function parseManifest(input: unknown): PackageManifest {
  let v: unknown = input;
  if (typeof input === 'string') {
    try {
      v = JSON.parse(input);
    } catch (e) {
      fail(`it is not JSON (${(e as Error).message})`);
    }
  }
  if (!isObj(v)) fail('it must be a JSON object');
  if (v.schema !== MANIFEST_SCHEMA) fail(`schema is ${JSON.stringify(v.schema)}, expected "${MANIFEST_SCHEMA}"`);
  const m = v.model;
  if (!isObj(m) || typeof m.name !== 'string' || typeof m.type !== 'string' || typeof m.contentHash !== 'string' || typeof m.uri !== 'string') {
    fail('model must have name, type, contentHash and uri');
  }
  const files = checkFiles(v.files, 'files');
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) fail(`files lists ${f.path} twice`);
    seen.add(f.path);
  }
  if (v.code !== undefined && isObj(v.code) && v.code.kind === 'files') checkFiles(v.code.files, 'code.files');
  if (!isObj(v.lineage)) fail('lineage must be an object');
  return v as unknown as PackageManifest;
}

export interface ManifestMismatch {
  path: string;
  expected: { size: number; sha256: string };
  actual: { size: number; sha256?: string };
}

export interface ManifestVerification {
  ok: boolean;
  /** Files of the manifest that are not there. */
  missing: string[];
  /** Files that are there but not in the manifest. */
  unexpected: string[];
  /** Files whose size or sha256 differ. */
  mismatched: ManifestMismatch[];
  /** Files checked and equal. */
  verified: number;
  /** One line for the log or an error. */
  summary: string;
}

/**
 * Compares the files at hand (relative `/` paths with size and, when known, sha256) with the
 * manifest. A file whose sha256 is not given is compared by size only; give sha256 to check
 * content (the deploy action hashes what it downloads).
 */
export function verifyManifest(
  manifest: Pick<PackageManifest, 'files'>,
  files: ReadonlyArray<{ path: string; size: number; sha256?: string }>,
): ManifestVerification {
  const actual = new Map(files.map((f) => [f.path.replace(/\\/g, '/').replace(/^\.\//, ''), f]));
  const missing: string[] = [];
  const mismatched: ManifestMismatch[] = [];
  let verified = 0;
  for (const f of manifest.files) {
    const a = actual.get(f.path);
    if (!a) {
      missing.push(f.path);
      continue;
    }
    actual.delete(f.path);
    if (a.size !== f.size || (a.sha256 !== undefined && a.sha256.toLowerCase() !== f.sha256)) {
      mismatched.push({ path: f.path, expected: { size: f.size, sha256: f.sha256 }, actual: { size: a.size, ...(a.sha256 ? { sha256: a.sha256 } : {}) } });
    } else verified++;
  }
  const unexpected = [...actual.keys()].sort();
  const ok = missing.length === 0 && unexpected.length === 0 && mismatched.length === 0;
  const list = (xs: string[]) => `${xs.slice(0, 5).join(', ')}${xs.length > 5 ? ` and ${xs.length - 5} more` : ''}`;
  const problems = [
    missing.length ? `${missing.length} missing (${list(missing)})` : '',
    mismatched.length ? `${mismatched.length} changed (${list(mismatched.map((m) => m.path))})` : '',
    unexpected.length ? `${unexpected.length} not in the manifest (${list(unexpected)})` : '',
  ].filter(Boolean);
  const summary = ok ? `all ${verified} file(s) match the manifest` : `the files do not match the manifest: ${problems.join('; ')}`;
  return { ok, missing, unexpected, mismatched, verified, summary };
}

/**
 * Hashes every file of a local folder (or one file) — no ignore rules: what is there is what
 * would be deployed — and verifies them against the manifest.
 */
export async function verifyManifestAgainstFolder(
  manifest: Pick<PackageManifest, 'files'>,
  path: string,
  options: { concurrency?: number } = {},
): Promise<ManifestVerification> {
  const st = await stat(path);
  if (st.isFile()) return verifyManifest(manifest, [{ path: basename(path), size: st.size, sha256: await sha256File(path) }]);
  const rels = await listFiles(path);
  const files = await mapWithConcurrency(rels, Math.max(1, options.concurrency ?? 8), async (rel) => {
    const abs = join(path, ...rel.split('/'));
    return { path: rel, size: (await stat(abs)).size, sha256: await sha256File(abs) };
  });
  return verifyManifest(manifest, files);
}
