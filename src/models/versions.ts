/**
 * Model versions in a workspace or a registry, and the three things register-model does with
 * them: find a version with the same content (idempotency), commit a new version (the PUT is the
 * single commit point; on a conflict with another registration the next number is tried), and
 * move aliases (tag `alias.<name>` = `true`, which metric-gate's `model:<name>:@<alias>` reads).
 */
import { RestError } from '@azure/core-rest-pipeline';
import type { ArmClient } from '../azure/arm.js';
import { translateAzureError, withAzureOperation } from '../azure/errors.js';
import { ConfigurationError } from '../core/errors.js';
import { MODEL_ALIAS_TAG_PREFIX, modelAliasTag } from '../metrics/baseline.js';

/** Property holding the content hash (`sha256:…` for local files, `blobs:…` for files in storage). */
export const CONTENT_HASH_PROPERTY = 'azureml-actions.content_hash';
/** Property naming the registration that created a version (run, attempt, a random part). */
export const REGISTRATION_PROPERTY = 'azureml-actions.registration';
/** Property: the `path` the files were registered from. */
export const SOURCE_PROPERTY = 'azureml-actions.source';
/** Properties of a packaged version: where its manifest is, and the manifest's sha256. */
export const PACKAGE_PROPERTY = 'azureml-actions.package';
export const MANIFEST_SHA256_PROPERTY = 'azureml-actions.manifest_sha256';
/** Property of a registry version: the workspace version it was promoted from. */
export const PROMOTED_FROM_PROPERTY = 'azureml-actions.promoted_from';

export interface ModelVersion {
  id: string;
  name: string;
  properties: {
    modelUri?: string;
    modelType?: string;
    description?: string | null;
    tags?: Record<string, string>;
    properties?: Record<string, string>;
    flavors?: Record<string, unknown> | null;
    jobName?: string | null;
    isAnonymous?: boolean;
    isArchived?: boolean;
    stage?: string | null;
    provisioningState?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface ModelVersionBody {
  properties: ModelVersion['properties'];
}

/** The model versions of one workspace or registry. */
export interface ModelStore {
  /** e.g. `workspace 'ws'` or `registry 'shared'` (in messages). */
  readonly label: string;
  getVersion(name: string, version: string): Promise<ModelVersion | undefined>;
  listVersions(name: string, query?: Record<string, string>): AsyncIterable<ModelVersion>;
  /** The container's `nextVersion` (else one more than the highest numeric version; 1 for a new model). */
  nextVersion(name: string): Promise<number>;
  /** Creates or updates a version; a conflict surfaces as a RestError with statusCode 409. */
  putVersion(name: string, version: string, body: ModelVersionBody): Promise<ModelVersion>;
  /** `azureml:<name>:<version>` or `azureml://registries/<r>/models/<name>/versions/<v>`. */
  uri(name: string, version: string): string;
}

function numericNext(versions: string[], fromContainer: unknown): number {
  const max = versions.filter((v) => /^\d+$/.test(v)).reduce((m, v) => Math.max(m, Number(v)), 0);
  const c = typeof fromContainer === 'string' && /^\d+$/.test(fromContainer) ? Number(fromContainer) : 0;
  return Math.max(max + 1, c, 1);
}

function modelStoreOver(arm: ArmClient, base: string, label: string, uri: (n: string, v: string) => string, lro: boolean): ModelStore {
  const path = (name: string, version?: string) =>
    `${base}/${encodeURIComponent(name)}${version !== undefined ? `/versions/${encodeURIComponent(version)}` : ''}`;
  return {
    label,
    getVersion: (name, version) => withAzureOperation(`reading model ${name}:${version} in ${label}`, () => arm.tryGet<ModelVersion>(path(name, version))),
    listVersions: (name, query) => arm.list<ModelVersion>(`${path(name)}/versions`, { query }),
    nextVersion: (name) =>
      withAzureOperation(`reading the versions of model '${name}' in ${label}`, async () => {
        const container = await arm.tryGet<{ properties?: { nextVersion?: unknown } }>(path(name));
        if (!container) return 1;
        // Azure keeps the container's nextVersion (recording models/model-create-autoincrement.json,
        // Entries[10]: latestVersion "1", nextVersion "2"); azure-ai-ml auto-increments from it alone.
        // Only a container without it (older services) costs a listing of the versions.
        const next = container.properties?.nextVersion;
        if (typeof next === 'string' && /^\d+$/.test(next) && Number(next) >= 1) return Number(next);
        const names: string[] = [];
        for await (const v of arm.list<ModelVersion>(`${path(name)}/versions`, { query: { listViewType: 'All' } })) names.push(v.name);
        return numericNext(names, container.properties?.nextVersion);
      }),
    async putVersion(name, version, body) {
      if (!lro) return arm.put<ModelVersion>(path(name, version), body);
      const poller = await arm.beginPut<ModelVersion>(path(name, version), body);
      return poller.pollUntilDone();
    },
    uri,
  };
}

/** The workspace's models (`<workspace>/models/...`), api-version of the client (2024-10-01). */
export function workspaceModelStore(arm: ArmClient, workspaceName: string): ModelStore {
  return modelStoreOver(arm, 'models', `workspace '${workspaceName}'`, (n, v) => `azureml:${n}:${v}`, false);
}

/** A registry's models; its version PUT is a long-running operation. */
export function registryModelStore(arm: ArmClient, registryArmId: string, registryName: string): ModelStore {
  return modelStoreOver(
    arm,
    `${registryArmId}/models`,
    `registry '${registryName}'`,
    (n, v) => `azureml://registries/${registryName}/models/${n}/versions/${v}`,
    true,
  );
}

export function propsOf(v: ModelVersion): Record<string, string> {
  return v.properties.properties ?? {};
}

export function tagsOf(v: ModelVersion): Record<string, string> {
  return v.properties.tags ?? {};
}

/** Types compare without case and separators: `mlflow_model` = `MLFlowModel`. */
function sameType(a: string | undefined, b: string): boolean {
  const norm = (t: string) => t.toLowerCase().replace(/[_-]/g, '');
  return norm(a ?? 'custom_model') === norm(b);
}

export function holdsContent(v: ModelVersion, contentHash: string, modelType: string): boolean {
  return propsOf(v)[CONTENT_HASH_PROPERTY] === contentHash && sameType(v.properties.modelType, modelType) && v.properties.provisioningState !== 'Failed';
}

/** The oldest version holding the same content and type, if any (archived ones are not reused). */
export async function findByContent(store: ModelStore, name: string, contentHash: string, modelType: string): Promise<ModelVersion | undefined> {
  const found: ModelVersion[] = [];
  await withAzureOperation(`listing the versions of model '${name}' in ${store.label}`, async () => {
    for await (const v of store.listVersions(name, { properties: `${CONTENT_HASH_PROPERTY}=${contentHash}` })) {
      if (holdsContent(v, contentHash, modelType) && !v.properties.isArchived) found.push(v);
    }
  });
  found.sort((a, b) => compareVersionNames(a.name, b.name));
  return found[0];
}

export function compareVersionNames(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return Number(a) - Number(b);
  if (na !== nb) return na ? -1 : 1;
  return a.localeCompare(b, 'en', { numeric: true });
}

function isConflict(e: unknown): boolean {
  return (e instanceof RestError || (typeof e === 'object' && e !== null && 'statusCode' in e)) && (e as { statusCode?: number }).statusCode === 409;
}

export interface CommitOptions {
  /** The `version` input; absent: the next free number. */
  version?: string;
  contentHash: string;
  modelType: string;
  /** Number of other versions to try after conflicts. Default 20. */
  maxAttempts?: number;
  info?: (message: string) => void;
  /** Input named in messages about `version`. */
  versionInput?: string;
}

export interface CommitResult {
  version: ModelVersion;
  created: boolean;
  /** Versions that were taken by other registrations meanwhile. */
  conflicts: string[];
}

function describeHolder(v: ModelVersion): string {
  const p = propsOf(v);
  const t = tagsOf(v);
  const bits = [
    p[CONTENT_HASH_PROPERTY] ? `content ${p[CONTENT_HASH_PROPERTY].slice(0, 19)}…` : 'no content hash',
    p[SOURCE_PROPERTY] ? `from ${p[SOURCE_PROPERTY]}` : '',
    t['github.run_url'] ? `by ${t['github.run_url']}` : '',
  ];
  return bits.filter(Boolean).join(', ');
}

/** The error for an explicit version that exists with other content. */
export async function versionConflictError(
  store: ModelStore,
  name: string,
  version: string,
  existing: ModelVersion,
  input = 'version',
): Promise<ConfigurationError> {
  const next = await store.nextVersion(name).catch(() => undefined);
  return new ConfigurationError(
    `Model '${name}' version ${version} already exists in ${store.label} with different content (${describeHolder(existing)}); versions are immutable, so nothing was registered.`,
    { input, hint: `Leave 'version' empty to register the next version${next ? ` (${next})` : ''}, or choose another version.` },
  );
}

/**
 * Creates the version (the single commit point). With an explicit version: the existing one is
 * returned when it holds the same content, and a different content is a ConfigurationError.
 * Without: the next number, and on a 409 (another registration took it) the same content is
 * looked for again, then the following number is tried.
 */
export async function commitVersion(store: ModelStore, name: string, body: ModelVersionBody, o: CommitOptions): Promise<CommitResult> {
  const info = o.info ?? (() => undefined);
  const conflicts: string[] = [];
  const differs = async (existing: ModelVersion, version: string): Promise<never> => {
    throw await versionConflictError(store, name, version, existing, o.versionInput);
  };

  if (o.version !== undefined) {
    const existing = await store.getVersion(name, o.version);
    if (existing) {
      if (holdsContent(existing, o.contentHash, o.modelType)) return { version: existing, created: false, conflicts };
      return differs(existing, o.version);
    }
    try {
      const v = await withAzureOperation(`registering model ${name}:${o.version} in ${store.label}`, () => store.putVersion(name, o.version!, body));
      return { version: v, created: true, conflicts };
    } catch (e) {
      const cause = (e as { cause?: unknown }).cause;
      if (!isConflict(cause) && !isConflict(e)) throw e;
      const now = await store.getVersion(name, o.version);
      if (now && holdsContent(now, o.contentHash, o.modelType)) return { version: now, created: false, conflicts };
      if (now) return differs(now, o.version);
      throw e;
    }
  }

  let candidate = await store.nextVersion(name);
  const attempts = o.maxAttempts ?? 20;
  for (let i = 0; i <= attempts; i++) {
    const version = String(candidate);
    try {
      const v = await store.putVersion(name, version, body);
      return { version: v, created: true, conflicts };
    } catch (e) {
      if (!isConflict(e)) throw translateAzureError(e, `registering model ${name}:${version} in ${store.label}`);
      conflicts.push(version);
      const same = await findByContent(store, name, o.contentHash, o.modelType);
      if (same) {
        info(`Another registration created ${name}:${same.name} with the same content meanwhile; using it.`);
        return { version: same, created: false, conflicts };
      }
      const next = Math.max(candidate + 1, await store.nextVersion(name));
      info(`Version ${version} of model '${name}' was taken by another registration; trying ${next}.`);
      candidate = next;
    }
  }
  throw new Error(`Could not register model '${name}' in ${store.label}: versions ${conflicts.join(', ')} were all taken by concurrent registrations.`);
}

/** The body of a PUT that leaves a version as it is except for its tags. */
export function retagBody(v: ModelVersion, tags: Record<string, string>): ModelVersionBody {
  const { provisioningState: _p, ...props } = v.properties;
  return { properties: { ...props, tags } };
}

export function holdsAlias(tags: Record<string, string>, alias: string): boolean {
  const t = modelAliasTag(alias);
  return t in tags && String(tags[t]).toLowerCase() !== 'false';
}

export interface AliasMove {
  alias: string;
  /** Versions it was taken from. */
  from: string[];
}

/**
 * Makes `target` the only holder of each alias: adds `alias.<a>=true` to it (when missing) and
 * removes the tag from every other version. If a concurrent move took the alias from `target`
 * meanwhile and nobody holds it, it is put back on `target`.
 */
export async function moveAliases(
  store: ModelStore,
  name: string,
  target: ModelVersion,
  aliases: readonly string[],
  info: (m: string) => void = () => undefined,
): Promise<{ version: ModelVersion; moves: AliasMove[] }> {
  if (aliases.length === 0) return { version: target, moves: [] };
  let current = target;
  const tags = { ...tagsOf(current) };
  const missing = aliases.filter((a) => !holdsAlias(tags, a));
  if (missing.length > 0) {
    for (const a of missing) tags[modelAliasTag(a)] = 'true';
    current = await withAzureOperation(`tagging model ${name}:${current.name} with ${missing.map((a) => `@${a}`).join(', ')}`, () =>
      store.putVersion(name, current.name, retagBody(current, tags)),
    );
  }
  const moves: AliasMove[] = aliases.map((alias) => ({ alias, from: [] }));
  const others: ModelVersion[] = [];
  await withAzureOperation(`listing the versions of model '${name}'`, async () => {
    for await (const v of store.listVersions(name, { listViewType: 'All' })) if (v.name !== current.name) others.push(v);
  });
  for (const v of others) {
    const vt = { ...tagsOf(v) };
    const held = aliases.filter((a) => holdsAlias(vt, a));
    if (held.length === 0) continue;
    for (const a of held) {
      delete vt[modelAliasTag(a)];
      moves.find((m) => m.alias === a)!.from.push(v.name);
    }
    await withAzureOperation(`removing ${held.map((a) => `@${a}`).join(', ')} from model ${name}:${v.name}`, () =>
      store.putVersion(name, v.name, retagBody(v, vt)),
    );
  }
  // A concurrent move may have taken an alias off this version; make sure someone holds each one.
  const after = (await store.getVersion(name, current.name)) ?? current;
  const lost = aliases.filter((a) => !holdsAlias(tagsOf(after), a));
  if (lost.length > 0) {
    const holders = new Map<string, string>();
    await withAzureOperation(`listing the versions of model '${name}'`, async () => {
      for await (const v of store.listVersions(name, { listViewType: 'All' })) for (const a of lost) if (holdsAlias(tagsOf(v), a)) holders.set(a, v.name);
    });
    const orphaned = lost.filter((a) => !holders.has(a));
    for (const a of lost.filter((x) => holders.has(x))) info(`@${a} was moved to ${name}:${holders.get(a)} by another registration meanwhile.`);
    if (orphaned.length > 0) {
      const t2 = { ...tagsOf(after) };
      for (const a of orphaned) t2[modelAliasTag(a)] = 'true';
      current = await withAzureOperation(`tagging model ${name}:${after.name} with ${orphaned.map((a) => `@${a}`).join(', ')}`, () =>
        store.putVersion(name, after.name, retagBody(after, t2)),
      );
    } else current = after;
  } else current = after;
  return { version: current, moves };
}

/** Aliases a version holds (its `alias.*` tags). */
export function aliasesOf(v: ModelVersion): string[] {
  return Object.entries(tagsOf(v))
    .filter(([k, val]) => k.startsWith(MODEL_ALIAS_TAG_PREFIX) && String(val).toLowerCase() !== 'false')
    .map(([k]) => k.slice(MODEL_ALIAS_TAG_PREFIX.length));
}
