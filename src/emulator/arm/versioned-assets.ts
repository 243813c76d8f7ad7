/**
 * One route set for versioned assets (containers and their immutable versions), serving both
 * scopes: a workspace (`…/workspaces/{ws}/{codes|environments|data|models|components}`, `assets.ts`)
 * and a registry (`…/registries/{r}/models`, `registries/models.ts`).
 *
 * Shared here: container list/get, version list (filters `version`, `description`, `tags`,
 * `properties`, `listViewType`, `$orderBy`, `offset`, `$top`) and get, the version PUT's checks and
 * the re-PUT of an existing version (immutable fields → 409, mutable ones updated → 200), and the
 * container's `latestVersion` / `nextVersion`. A scope brings what differs: where its containers
 * are, its not-found errors, the kind's validation and defaults, and its writes (a workspace
 * writes at once, a registry through long-running operations).
 */
import { randomUUID } from 'node:crypto';
import type { ArmResource, EmulatorRequest, EmulatorResponse, Route } from '../types.js';
import type { ArmError } from './errors.js';
import { ArmErrors } from './errors.js';
import { jsonEqual, propertiesOf, type ArmDeps } from './deps.js';
import { intParam, matchesKeyValueFilter, page } from './paging.js';
import { modifiedSystemData } from './system-data.js';
import { isObj } from '../obj.js';

/** Version fields a re-PUT of an existing version may change. */
const MUTABLE = ['description', 'tags', 'isArchived', 'stage'];
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_.]{0,254}$/;

/** The parent of a request's containers (a workspace or a registry), resolved and checked. */
export interface AssetPlace {
  parent: ArmResource;
  /** The collection id of the containers. */
  containers: string;
  containerId(name: string): string;
  versionId(name: string, version: string): string;
  /** Added to the immutability conflict message after `'name:version' already exists`, e.g. ` in registry 'r'`. */
  where: string;
}

/** A new version's PUT, for the scope to store (called under the container's lock). */
export interface NewVersion {
  name: string;
  version: string;
  /** Checked and defaulted properties. */
  props: Record<string, unknown>;
  containerId: string;
  id: string;
  container: ArmResource | undefined;
}

export interface AssetScope {
  /** Route pattern of the container collection. */
  base: string;
  /** Route parameter (and validation target) naming the container: `name` or `modelName`. */
  nameParam: string;
  /** Operation id prefixes, as in the swagger (`ModelContainers`, `RegistryModelVersions`, …). */
  containerOp: string;
  versionOp: string;
  /** In messages: 'code', 'environment', 'data', 'model', 'component'. */
  label: string;
  /** Version fields a re-PUT cannot change. */
  immutable: readonly string[];
  versionPattern: RegExp;
  /** Resolves and checks the parent of the request's containers. */
  place(req: EmulatorRequest): Promise<AssetPlace>;
  containerNotFound(req: EmulatorRequest, name: string): ArmError;
  versionNotFound(req: EmulatorRequest, name: string, version: string): ArmError;
  /** Checks a version's properties (before the defaults). */
  validateVersion(props: Record<string, unknown>, req: EmulatorRequest): void;
  /** The kind's server-side defaults of a version (after the common ones). */
  versionDefaults(props: Record<string, unknown>): void;
  /** Versions listed by another key than the container (code versions by content hash), if the request asks so. */
  versionsByQuery?(req: EmulatorRequest, place: AssetPlace): Promise<ArmResource[] | undefined>;
  putContainer(req: EmulatorRequest, place: AssetPlace, name: string): Promise<EmulatorResponse>;
  deleteContainer(req: EmulatorRequest, place: AssetPlace, name: string): Promise<EmulatorResponse>;
  createVersion(req: EmulatorRequest, place: AssetPlace, v: NewVersion): Promise<EmulatorResponse>;
  deleteVersion(req: EmulatorRequest, place: AssetPlace, name: string, version: string): Promise<EmulatorResponse>;
  /** More routes of the scope (e.g. startPendingUpload). */
  extraRoutes?: Route[];
}

/** Numeric-aware comparison of version strings ('2' < '10'). */
export function compareVersions(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return Number(a) - Number(b);
  if (na !== nb) return na ? -1 : 1;
  return a.localeCompare(b, 'en', { numeric: true });
}

function createdAt(r: ArmResource): string {
  return String((r.systemData as { createdAt?: string } | undefined)?.createdAt ?? '');
}

/** Defaults of every version. */
export function commonVersionDefaults(p: Record<string, unknown>): void {
  p.description ??= null;
  p.tags ??= {};
  p.properties ??= {};
  p.isAnonymous ??= false;
  p.isArchived ??= false;
}

/**
 * Recomputes `latestVersion` (the most recently created version that is not still `Creating`) and
 * `nextVersion` (one more than the highest numeric version; it never goes back, even after a delete).
 */
export function refreshContainer(container: ArmResource, versions: ArmResource[]): void {
  const props = container.properties as Record<string, unknown>;
  const live = versions.filter((v) => (v.properties as Record<string, unknown>).provisioningState !== 'Creating');
  const sorted = [...live].sort((a, b) => createdAt(a).localeCompare(createdAt(b)) || compareVersions(a.name, b.name));
  props.latestVersion = sorted.length > 0 ? sorted[sorted.length - 1].name : null;
  const numeric = versions
    .map((v) => v.name)
    .filter((v) => /^\d+$/.test(v))
    .map(Number);
  const previous = typeof props.nextVersion === 'string' && /^\d+$/.test(props.nextVersion) ? Number(props.nextVersion) : 1;
  props.nextVersion = String(Math.max(previous, numeric.length > 0 ? Math.max(...numeric) + 1 : 1));
}

/** Recomputes and stores the container of `containerId` (when it exists). */
export async function storeRefreshedContainer(deps: ArmDeps, containerId: string): Promise<void> {
  const container = await deps.store.get(containerId);
  if (container) {
    refreshContainer(container, await deps.store.list(`${containerId}/versions`));
    await deps.store.put(containerId, container);
  }
}

/** Deletes a version under its container's lock and refreshes the container; answers whether it existed. */
export function removeVersion(deps: ArmDeps, containerId: string, id: string): Promise<boolean> {
  return deps.store.withLock(containerId, async () => {
    const deleted = await deps.store.delete(id);
    if (deleted) await storeRefreshedContainer(deps, containerId);
    return deleted;
  });
}

/** Deletes a container and its versions under its lock; answers whether it existed. */
export function removeContainer(deps: ArmDeps, id: string): Promise<boolean> {
  return deps.store.withLock(id, async () => {
    for (const v of await deps.store.list(`${id}/versions`)) await deps.store.delete(v.id);
    return deps.store.delete(id);
  });
}

function listViewFilter(req: EmulatorRequest): (r: ArmResource) => boolean {
  const raw = req.query.get('listViewType');
  const view = (raw ?? 'ActiveOnly').toLowerCase();
  if (!['activeonly', 'archivedonly', 'all'].includes(view)) {
    throw ArmErrors.badRequest(`listViewType '${raw}' is not valid; expected ActiveOnly, ArchivedOnly or All.`, 'listViewType');
  }
  return (r) => {
    const archived = Boolean((r.properties as Record<string, unknown>).isArchived);
    return view === 'all' || (view === 'archivedonly' ? archived : !archived);
  };
}

function sortByOrderBy(items: ArmResource[], orderBy: string | null): void {
  const spec = (orderBy ?? 'createdtime desc').trim().toLowerCase().split(/\s+/);
  const field = spec[0];
  const sign = spec[1] === 'desc' ? -1 : 1;
  if (['createdtime', 'createdat', 'created_time', 'createdon'].includes(field)) {
    items.sort((a, b) => sign * (createdAt(a).localeCompare(createdAt(b)) || compareVersions(a.name, b.name)));
  } else if (['version', 'name'].includes(field)) {
    items.sort((a, b) => sign * compareVersions(a.name, b.name));
  } else if (['modifiedtime', 'lastmodifiedat'].includes(field)) {
    const m = (r: ArmResource) => String((r.systemData as { lastModifiedAt?: string } | undefined)?.lastModifiedAt ?? '');
    items.sort((a, b) => sign * m(a).localeCompare(m(b)));
  } else {
    throw ArmErrors.badRequest(`$orderBy '${orderBy}' is not supported; use 'createdtime desc|asc' or 'version desc|asc'.`, '$orderBy');
  }
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `pendingUploadType` and `pendingUploadId` of a startPendingUpload request (both scopes). */
export function pendingUploadRequest(req: EmulatorRequest): { type: 'TemporaryBlobReference' | 'None'; pendingUploadId: string } {
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (!isObj(body)) throw ArmErrors.badRequest('The request body of startPendingUpload must be a JSON object.', 'body');
  const type = body.pendingUploadType ?? 'TemporaryBlobReference';
  if (type !== 'TemporaryBlobReference' && type !== 'None') {
    throw ArmErrors.validation('pendingUploadType', `pendingUploadType '${String(type)}' is not valid; expected TemporaryBlobReference or None.`);
  }
  const pendingUploadId = typeof body.pendingUploadId === 'string' && body.pendingUploadId !== '' ? body.pendingUploadId : randomUUID();
  return { type, pendingUploadId };
}

/** The answer of a startPendingUpload with a SAS into `container`/`path` (valid from 5 minutes ago for `ms`). */
export function pendingUploadAnswer(
  deps: ArmDeps,
  req: EmulatorRequest,
  o: { container: string; path: string; pendingUploadId: string; storageAccountArmId: string | null; ms: number },
): EmulatorResponse {
  return {
    status: 200,
    body: {
      blobReferenceForConsumption: {
        blobUri: deps.blob.url(o.container, o.path),
        storageAccountArmId: o.storageAccountArmId,
        credential: {
          credentialType: 'SAS',
          sasUri: deps.blob.sasUrl(o.container, o.path, {
            permissions: 'racwdl',
            startsOn: new Date(req.ctx.now.getTime() - 5 * 60 * 1000),
            expiresOn: new Date(req.ctx.now.getTime() + o.ms),
          }),
        },
      },
      pendingUploadId: o.pendingUploadId,
      pendingUploadType: 'TemporaryBlobReference',
    },
  };
}

/** The routes of one versioned-asset kind in one scope. */
export function versionedAssetRoutes(deps: ArmDeps, s: AssetScope): Route[] {
  const name = (req: EmulatorRequest) => req.params[s.nameParam];

  const checkName = (n: string) => {
    if (!NAME_RE.test(n)) {
      throw ArmErrors.validation(
        s.nameParam,
        `${cap(s.label)} name '${n}' is invalid: start with a letter or digit; use letters, digits, '-', '_' and '.' (at most 255).`,
      );
    }
  };

  // --- containers -----------------------------------------------------------------------------
  const listContainers = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const place = await s.place(req);
    const items = (await deps.store.list(place.containers)).filter(listViewFilter(req));
    items.sort((a, b) => a.name.localeCompare(b.name));
    const count = intParam(req, 'count', 1, 1000);
    return { status: 200, body: page(items, req, { pageSize: count ?? deps.pageSize }) };
  };

  const getContainer = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const place = await s.place(req);
    const c = await deps.store.get(place.containerId(name(req)));
    if (!c) throw s.containerNotFound(req, name(req));
    return { status: 200, body: c };
  };

  const putContainer = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const place = await s.place(req);
    checkName(name(req));
    return s.putContainer(req, place, name(req));
  };

  const deleteContainer = async (req: EmulatorRequest): Promise<EmulatorResponse> => s.deleteContainer(req, await s.place(req), name(req));

  // --- versions -------------------------------------------------------------------------------
  const listVersions = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const place = await s.place(req);
    let items = (await s.versionsByQuery?.(req, place)) ?? (await deps.store.list(`${place.containerId(name(req))}/versions`));
    items = items.filter(listViewFilter(req));
    const version = req.query.get('version');
    if (version) items = items.filter((v) => v.name === version);
    const description = req.query.get('description');
    if (description) items = items.filter((v) => String((v.properties as Record<string, unknown>).description ?? '').includes(description));
    const tags = req.query.get('tags') ?? req.query.get('$tags');
    items = items.filter((v) => matchesKeyValueFilter(tags, (v.properties as Record<string, unknown>).tags as Record<string, unknown>));
    const properties = req.query.get('properties');
    items = items.filter((v) => matchesKeyValueFilter(properties, (v.properties as Record<string, unknown>).properties as Record<string, unknown>));
    sortByOrderBy(items, req.query.get('$orderBy'));
    const offset = intParam(req, 'offset') ?? 0;
    if (offset > 0) items = items.slice(offset);
    const top = intParam(req, '$top', 1, 100_000);
    return { status: 200, body: page(items, req, { pageSize: deps.pageSize, ...(top !== undefined ? { top } : {}) }) };
  };

  const getVersion = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const place = await s.place(req);
    const v = await deps.store.get(place.versionId(name(req), req.params.version));
    if (!v) throw s.versionNotFound(req, name(req), req.params.version);
    return { status: 200, body: v };
  };

  const putVersion = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const place = await s.place(req);
    const n = name(req);
    const version = req.params.version;
    checkName(n);
    if (!s.versionPattern.test(version)) {
      throw ArmErrors.validation(
        'version',
        `Version '${version}' is invalid: start with a letter or digit; use letters, digits, '-', '_' and '.' (at most 30).`,
      );
    }
    const props = structuredClone(propertiesOf(req.body, `${s.label} version`));
    s.validateVersion(props, req);
    delete props.provisioningState;
    commonVersionDefaults(props);
    s.versionDefaults(props);
    const containerId = place.containerId(n);
    const id = place.versionId(n, version);
    return deps.store.withLock(containerId, async () => {
      const existing = await deps.store.get(id);
      const container = await deps.store.get(containerId);
      if (!existing) return s.createVersion(req, place, { name: n, version, props, containerId, id, container });
      const old = existing.properties as Record<string, unknown>;
      for (const field of s.immutable) {
        if (!jsonEqual(props[field], old[field])) {
          const next = (container?.properties as Record<string, unknown> | undefined)?.nextVersion;
          throw ArmErrors.conflict(
            `${cap(s.label)} version '${n}:${version}' already exists${place.where} with a different '${field}'. Asset versions are immutable: register a new version instead${next ? ` (next version: ${String(next)})` : ''}.`,
            `properties.${field}`,
          );
        }
      }
      const changed = MUTABLE.some((k) => k in props && !jsonEqual(props[k], old[k]));
      // A re-PUT of an existing version answers 200 (code: online-endpoints/online-deployment-e2e.json
      // entry 12; model: entry 18; README observations 20 and 22).
      if (!changed) return { status: 200, body: existing };
      const updated: ArmResource = {
        ...existing,
        properties: { ...old, ...Object.fromEntries(MUTABLE.filter((k) => k in props).map((k) => [k, props[k]])) },
        systemData: modifiedSystemData(existing.systemData, req.ctx, req.ctx.now),
      };
      await deps.store.put(id, updated);
      return { status: 200, body: updated };
    });
  };

  const deleteVersion = async (req: EmulatorRequest): Promise<EmulatorResponse> => s.deleteVersion(req, await s.place(req), name(req), req.params.version);

  const base = s.base;
  const p = `{${s.nameParam}}`;
  return [
    { method: 'GET', pattern: base, operation: `${s.containerOp}_List`, handler: listContainers },
    { method: 'GET', pattern: `${base}/${p}`, operation: `${s.containerOp}_Get`, handler: getContainer },
    { method: 'PUT', pattern: `${base}/${p}`, operation: `${s.containerOp}_CreateOrUpdate`, handler: putContainer },
    { method: 'DELETE', pattern: `${base}/${p}`, operation: `${s.containerOp}_Delete`, handler: deleteContainer },
    { method: 'GET', pattern: `${base}/${p}/versions`, operation: `${s.versionOp}_List`, handler: listVersions },
    { method: 'GET', pattern: `${base}/${p}/versions/{version}`, operation: `${s.versionOp}_Get`, handler: getVersion },
    { method: 'PUT', pattern: `${base}/${p}/versions/{version}`, operation: `${s.versionOp}_CreateOrUpdate`, handler: putVersion },
    { method: 'DELETE', pattern: `${base}/${p}/versions/{version}`, operation: `${s.versionOp}_Delete`, handler: deleteVersion },
    ...(s.extraRoutes ?? []),
  ];
}
