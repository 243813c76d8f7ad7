/**
 * What translating a spec file plans besides the ARM body: local folders to upload under their
 * content hash, and asset versions (code, environment, component, model) to register first. A
 * {@link PlanContext} is the field reader of one file plus the plan it collects.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { SpecDocument, type SpecPath } from './document.js';
import { FieldReader } from './fields.js';
import { isObj } from '../core/obj.js';
import { assetId, type AssetKind, type Reference } from './references.js';
import { localUploadPath, snapshot, type Snapshot } from '../core/hash.js';

/** Looks up what a label (`@latest`) points at. Dry runs get one that sends nothing. */
export interface AssetResolver {
  resolveLabel(kind: AssetKind, name: string, label: string): Promise<string>;
}

export interface PlannedUpload {
  /** What the upload is for, for logs: `code`, `inputs.data_dir`, `environment build context`. */
  purpose: string;
  snapshot: Snapshot;
  /** Path inside the default datastore's container: LocalUpload/<hash>/<name>. */
  datastorePath: string;
}

export interface PlannedAsset {
  kind: Extract<AssetKind, 'codes' | 'environments' | 'components' | 'models'>;
  name: string;
  version: string;
  /** ARM id of the version. */
  id: string;
  /** Request body; `codeUri` of code versions is filled in after the datastore is known. */
  body: { properties: Record<string, unknown> };
  /** For code versions: the upload the body points at. */
  upload?: PlannedUpload;
}

export interface PlanOptions {
  workspaceId: string;
  resolver: AssetResolver;
  /** Default datastore name (workspaceblobstore). */
  datastore?: string;
}

const DEFAULT_DATASTORE = 'workspaceblobstore';

/** Stable JSON (sorted keys) for content hashes of bodies. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isObj(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** Asset versions are at most 30 characters in Azure ML: 24 hex digits of the content hash. */
export function versionHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 24);
}

export class PlanContext extends FieldReader {
  readonly uploads: PlannedUpload[] = [];
  readonly assets: PlannedAsset[] = [];
  /** Folder of the file: its relative paths start there. */
  readonly baseDir: string;
  private readonly datastore: string;

  constructor(
    doc: SpecDocument,
    fileOnDisk: string,
    readonly o: PlanOptions,
  ) {
    super(doc);
    this.baseDir = dirname(fileOnDisk);
    this.datastore = o.datastore ?? DEFAULT_DATASTORE;
  }

  localPath(p: string): string {
    return isAbsolute(p) ? p : resolve(this.baseDir, p);
  }

  /** The upload of a local file or folder (one per content, however often it is named). */
  async snapshotOf(p: string, path: SpecPath, purpose: string): Promise<PlannedUpload> {
    const abs = this.localPath(p);
    if (!existsSync(abs)) this.fail(path, `local path '${p}' does not exist (resolved to ${abs})`, 'paths are relative to the folder of the YAML file');
    const snap = await snapshot(abs);
    if (snap.files.length === 0) this.fail(path, `local folder '${p}' is empty (or every file is ignored by .amlignore/.gitignore)`);
    const existing = this.uploads.find((u) => u.snapshot.hash === snap.hash && u.snapshot.name === snap.name);
    if (existing) return existing;
    const upload: PlannedUpload = { purpose, snapshot: snap, datastorePath: localUploadPath(snap) };
    this.uploads.push(upload);
    return upload;
  }

  datastoreUri(path: string, folder: boolean): string {
    return `azureml://datastores/${this.datastore}/paths/${path}${folder ? '/' : ''}`;
  }

  /** The ARM id of an asset version, a label (`@latest`, or none) resolved. */
  async assetVersionId(kind: AssetKind, r: Extract<Reference, { kind: 'asset' }>, path: SpecPath): Promise<string> {
    let version = r.version;
    if (!version) {
      const label = r.label ?? 'latest';
      try {
        version = await this.o.resolver.resolveLabel(kind, r.name, label);
      } catch (err) {
        // A failed call to Azure (sign-in, permissions, the service) is not the file's fault: it
        // arrives already explained (it names its operation) and is passed on as it is.
        if (typeof (err as { operation?: unknown }).operation === 'string') throw err;
        this.fail(path, `cannot resolve azureml:${r.name}@${label}: ${(err as Error).message}`);
      }
    }
    return assetId(this.o.workspaceId, kind, r.name, version);
  }

  /** Plans an asset version once (by id); returns its id. */
  addAsset(asset: PlannedAsset): string {
    if (!this.assets.some((a) => a.id === asset.id)) this.assets.push(asset);
    return asset.id;
  }

  /** Takes over what the plan of another file (a component file) collected. */
  /**
   * Plans another YAML file the spec names (`component: ./train.yml`, `environment: file:env.yml`):
   * `fn` reads it in a context of its own (its paths relative to its folder, its errors pointing
   * into it), whose uploads and assets this context then takes over.
   */
  async planFile<T>(rel: string, path: SpecPath, what: string, fn: (sub: PlanContext) => Promise<T>): Promise<T> {
    const file = this.localPath(rel);
    if (!existsSync(file)) this.fail(path, `${what} file '${rel}' does not exist (resolved to ${file})`, 'paths are relative to the folder of the YAML file');
    const sub = new PlanContext(SpecDocument.load(file, join(dirname(this.doc.file), rel), this.doc.input), file, this.o);
    const result = await fn(sub);
    this.adopt(sub);
    return result;
  }

  adopt(other: PlanContext): void {
    this.uploads.push(...other.uploads.filter((u) => !this.uploads.includes(u)));
    for (const a of other.assets) this.addAsset(a);
  }
}
