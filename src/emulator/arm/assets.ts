/**
 * Asset containers and versions, one generic handler for `codes`, `environments`, `data` and
 * `models`: `…/{kind}/{name}` (PUT/GET/DELETE, list) and `…/{kind}/{name}/versions/{version}`
 * (PUT/GET/DELETE, list with `$orderBy`, `$top`, `$skip`, `tags`, `properties`, `listViewType`).
 * A version PUT creates the container when missing and keeps its `latestVersion`/`nextVersion`.
 * Versions are immutable: a PUT of an existing version that changes an immutable field is a 409;
 * mutable fields (description, tags, isArchived, stage) are updated, like Azure.
 * `codes/{name}/versions/{version}/startPendingUpload` returns a SAS URI into Azurite.
 */
import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { MLS_NAMESPACE } from '../config.js';
import type { ArmResource, EmulatorRequest, EmulatorResponse, Route } from '../types.js';
import { ArmErrors } from './errors.js';
import { apiVersionOf, isObject, jsonEqual, propertiesOf, requireWorkspace, type ArmDeps } from './deps.js';
import { DEFAULT_BLOBSTORE } from './datastores.js';
import { childId, parseWorkspaceChildId, sameScope, scopeFromParams, type WorkspaceScope } from './ids.js';
import { intParam, matchesKeyValueFilter, page } from './paging.js';
import { createdSystemData, modifiedSystemData } from './system-data.js';

export type AssetKindName = 'codes' | 'environments' | 'data' | 'models' | 'components';

interface AssetKind {
  segment: AssetKindName;
  /** In messages: 'code', 'environment', 'data', 'model'. */
  label: string;
  /** Operation id prefixes, as in the swagger. */
  containerOp: string;
  versionOp: string;
  /** Version fields a re-PUT cannot change. */
  immutable: string[];
  /** Containers/versions of this kind carry `provisioningState` (per the swagger). */
  provisioningState: boolean;
  validateVersion(props: Record<string, unknown>): void;
  /** Server-side defaults of a version (applied before comparing and storing). */
  versionDefaults(props: Record<string, unknown>): void;
}

const DATA_TYPES = ['uri_file', 'uri_folder', 'mltable'];
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_.]{0,254}$/;
// The swagger gives versions no pattern; Azure takes 32-character hashes (anonymous environments,
// recording batch-endpoints/batch-endpoint-deployment-invoke.json entry 8) and GUIDs (anonymous
// components, jobs/pipeline-job-serverless-cancel-400.json entry 0). Same limits as names.
const VERSION_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_.]{0,254}$/;
const MUTABLE = ['description', 'tags', 'isArchived', 'stage'];

function requireString(props: Record<string, unknown>, key: string, label: string): void {
  if (typeof props[key] !== 'string' || (props[key] as string).trim() === '') {
    throw ArmErrors.validation(`properties.${key}`, `The ${label} version property '${key}' is required and must be a non-empty string.`);
  }
}

export const ASSET_KINDS: Record<AssetKindName, AssetKind> = {
  components: {
    segment: 'components',
    label: 'component',
    containerOp: 'ComponentContainers',
    versionOp: 'ComponentVersions',
    immutable: ['componentSpec', 'isAnonymous', 'properties'],
    provisioningState: true,
    validateVersion: (p) => {
      if (!isObject(p.componentSpec)) {
        throw ArmErrors.validation('properties.componentSpec', "A component version needs 'componentSpec' (the component definition).");
      }
      const spec = p.componentSpec as Record<string, unknown>;
      if (spec.type !== undefined && spec.type !== 'command') {
        throw ArmErrors.validation('properties.componentSpec.type', `Component type '${String(spec.type)}' is not supported by the emulator; expected command.`);
      }
      if (typeof spec.command !== 'string' || spec.command.trim() === '') {
        throw ArmErrors.validation('properties.componentSpec.command', "A command component needs 'command'.");
      }
    },
    versionDefaults: () => {},
  },
  codes: {
    segment: 'codes',
    label: 'code',
    containerOp: 'CodeContainers',
    versionOp: 'CodeVersions',
    immutable: ['codeUri', 'isAnonymous', 'properties'],
    provisioningState: true,
    validateVersion: (p) => requireString(p, 'codeUri', 'code'),
    versionDefaults: () => {},
  },
  environments: {
    segment: 'environments',
    label: 'environment',
    containerOp: 'EnvironmentContainers',
    versionOp: 'EnvironmentVersions',
    immutable: ['image', 'condaFile', 'build', 'inferenceConfig', 'osType', 'isAnonymous', 'properties'],
    provisioningState: true,
    validateVersion: (p) => {
      const hasImage = typeof p.image === 'string' && p.image.trim() !== '';
      const hasBuild = isObject(p.build) && typeof p.build.contextUri === 'string';
      if (!hasImage && !hasBuild) {
        throw ArmErrors.validation(
          'properties.image',
          "An environment version needs a Docker image ('image') or a build context ('build.contextUri').",
        );
      }
      if (p.osType !== undefined && p.osType !== null && p.osType !== 'Linux' && p.osType !== 'Windows') {
        throw ArmErrors.validation('properties.osType', `osType '${String(p.osType)}' is not valid; expected Linux or Windows.`);
      }
    },
    versionDefaults: (p) => {
      p.environmentType = p.environmentType === 'Curated' ? 'Curated' : 'UserCreated';
      // A YAML condaFile comes back re-serialised as JSON (recordings README observation 23;
      // online-endpoints/online-deployment-e2e.json entry 13).
      if (typeof p.condaFile === 'string' && !p.condaFile.trim().startsWith('{')) {
        try {
          const parsed: unknown = parseYaml(p.condaFile);
          if (isObject(parsed)) p.condaFile = JSON.stringify(parsed, null, 2);
        } catch {
          // not YAML: kept as sent
        }
      }
      p.osType ??= 'Linux';
      p.autoRebuild ??= 'Disabled';
    },
  },
  data: {
    segment: 'data',
    label: 'data',
    containerOp: 'DataContainers',
    versionOp: 'DataVersions',
    immutable: ['dataType', 'dataUri', 'referencedUris', 'isAnonymous', 'properties'],
    provisioningState: false,
    validateVersion: (p) => {
      if (typeof p.dataType !== 'string' || !DATA_TYPES.includes(p.dataType)) {
        throw ArmErrors.validation('properties.dataType', `The data version property 'dataType' is required: one of ${DATA_TYPES.join(', ')}.`);
      }
      requireString(p, 'dataUri', 'data');
    },
    versionDefaults: () => {},
  },
  models: {
    segment: 'models',
    label: 'model',
    containerOp: 'ModelContainers',
    versionOp: 'ModelVersions',
    immutable: ['modelUri', 'modelType', 'flavors', 'jobName', 'isAnonymous', 'properties'],
    provisioningState: true,
    validateVersion: (p) => requireString(p, 'modelUri', 'model'),
    versionDefaults: (p) => {
      p.modelType ??= 'CustomModel';
      // Azure always answers `flavors: {}` and `jobName: null` (models/model-create-autoincrement.json entry 6).
      p.flavors ??= {};
      p.jobName ??= null;
    },
  },
};

export function assetTypes(kind: AssetKindName): { container: string; version: string } {
  return { container: `${MLS_NAMESPACE}/workspaces/${kind}`, version: `${MLS_NAMESPACE}/workspaces/${kind}/versions` };
}

function commonDefaults(p: Record<string, unknown>): void {
  p.description ??= null;
  p.tags ??= {};
  p.properties ??= {};
  p.isAnonymous ??= false;
  p.isArchived ??= false;
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

/**
 * Recomputes `latestVersion` (the most recently created version) and `nextVersion` (one more than
 * the highest numeric version; it never goes back, even after a delete).
 */
function refreshContainer(container: ArmResource, versions: ArmResource[]): void {
  const props = container.properties as Record<string, unknown>;
  const sorted = [...versions].sort((a, b) => createdAt(a).localeCompare(createdAt(b)) || compareVersions(a.name, b.name));
  props.latestVersion = sorted.length > 0 ? sorted[sorted.length - 1]!.name : null;
  const numeric = versions.map((v) => v.name).filter((v) => /^\d+$/.test(v)).map(Number);
  const previous = typeof props.nextVersion === 'string' && /^\d+$/.test(props.nextVersion) ? Number(props.nextVersion) : 1;
  props.nextVersion = String(Math.max(previous, numeric.length > 0 ? Math.max(...numeric) + 1 : 1));
}

function listViewFilter(req: EmulatorRequest): (r: ArmResource) => boolean {
  const view = (req.query.get('listViewType') ?? 'ActiveOnly').toLowerCase();
  if (!['activeonly', 'archivedonly', 'all'].includes(view)) {
    throw ArmErrors.badRequest(`listViewType '${req.query.get('listViewType')}' is not valid; expected ActiveOnly, ArchivedOnly or All.`, 'listViewType');
  }
  return (r) => {
    const archived = Boolean((r.properties as Record<string, unknown>).isArchived);
    return view === 'all' || (view === 'archivedonly' ? archived : !archived);
  };
}

function sortByOrderBy(items: ArmResource[], orderBy: string | null): void {
  const spec = (orderBy ?? 'createdtime desc').trim().toLowerCase().split(/\s+/);
  const field = spec[0]!;
  const desc = spec[1] === 'desc';
  const sign = desc ? -1 : 1;
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

export function assetRoutes(deps: ArmDeps): Route[] {
  const routes: Route[] = [];
  for (const kind of Object.values(ASSET_KINDS)) routes.push(...routesFor(deps, kind));
  return routes;
}

function routesFor(deps: ArmDeps, kind: AssetKind): Route[] {
  const base = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/workspaces/{workspaceName}/${kind.segment}`;
  const types = assetTypes(kind.segment);

  const containerIdOf = (scope: WorkspaceScope, name: string) => childId(scope, kind.segment, name);
  const versionIdOf = (scope: WorkspaceScope, name: string, version: string) => childId(scope, kind.segment, name, 'versions', version);

  const checkName = (name: string) => {
    if (!NAME_RE.test(name)) {
      throw ArmErrors.validation('name', `${cap(kind.label)} name '${name}' is invalid: start with a letter or digit; use letters, digits, '-', '_' and '.' (at most 255).`);
    }
  };

  // --- containers ---------------------------------------------------------------------------
  const listContainers = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    const items = (await deps.store.list(childId(scope, kind.segment))).filter(listViewFilter(req));
    items.sort((a, b) => a.name.localeCompare(b.name));
    const count = intParam(req, 'count', 1, 1000);
    return { status: 200, body: page(items, req, { pageSize: count ?? deps.pageSize }) };
  };

  const getContainer = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    const c = await deps.store.get(containerIdOf(scope, req.params.name!));
    if (!c) {
      if (kind.segment === 'models') throw ArmErrors.modelContainerNotFound(req.params.name!);
      throw ArmErrors.notFound(kind.label, req.params.name!, scope.workspaceName);
    }
    return { status: 200, body: c };
  };

  const putContainer = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    const name = req.params.name!;
    checkName(name);
    const props = structuredClone(propertiesOf(req.body, `${kind.label} container`));
    if (kind.segment === 'data' && (typeof props.dataType !== 'string' || !DATA_TYPES.includes(props.dataType))) {
      throw ArmErrors.validation('properties.dataType', `The data container property 'dataType' is required: one of ${DATA_TYPES.join(', ')}.`);
    }
    const id = containerIdOf(scope, name);
    return deps.store.withLock(id, async () => {
      const existing = await deps.store.get(id);
      const old = (existing?.properties ?? {}) as Record<string, unknown>;
      if (existing && kind.segment === 'data' && old.dataType !== props.dataType) {
        throw ArmErrors.conflict(`The data container '${name}' has dataType '${String(old.dataType)}'; it cannot change to '${String(props.dataType)}'.`, 'properties.dataType');
      }
      const next: ArmResource = {
        id: existing?.id ?? id,
        name: existing?.name ?? name,
        type: types.container,
        properties: {
          description: props.description ?? old.description ?? null,
          tags: props.tags ?? old.tags ?? {},
          properties: { ...((old.properties as Record<string, unknown>) ?? {}), ...((props.properties as Record<string, unknown>) ?? {}) },
          isArchived: props.isArchived ?? old.isArchived ?? false,
          ...(kind.segment === 'data' ? { dataType: props.dataType } : {}),
          latestVersion: old.latestVersion ?? null,
          nextVersion: old.nextVersion ?? '1',
          ...(kind.provisioningState ? { provisioningState: 'Succeeded' } : {}),
        },
        systemData: existing ? modifiedSystemData(existing.systemData, req.ctx, req.ctx.now) : createdSystemData(req.ctx, req.ctx.now),
      };
      await deps.store.put(id, next);
      return { status: existing ? 200 : 201, body: next };
    });
  };

  const deleteContainer = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    const id = containerIdOf(scope, req.params.name!);
    return deps.store.withLock(id, async () => {
      const versions = await deps.store.list(`${id}/versions`);
      for (const v of versions) await deps.store.delete(v.id);
      const deleted = await deps.store.delete(id);
      return { status: deleted ? 200 : 204 };
    });
  };

  // --- versions -----------------------------------------------------------------------------
  const listVersions = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    let items: ArmResource[];
    // Code lookup by content hash (jobs/sweep-job-create-get.json entry 0; README observation 21).
    const hash = kind.segment === 'codes' ? req.query.get('hash') : null;
    if (hash) {
      // CodeVersions_List with `hash`: code versions with that content hash, regardless of name.
      const hashVersion = req.query.get('hashVersion');
      items = [];
      for (const c of await deps.store.list(childId(scope, 'codes'))) {
        for (const v of await deps.store.list(`${c.id}/versions`)) {
          const p = ((v.properties as Record<string, unknown>).properties ?? {}) as Record<string, unknown>;
          if (p.hash_sha256 === hash && (!hashVersion || p.hash_version === hashVersion)) items.push(v);
        }
      }
    } else {
      items = await deps.store.list(`${containerIdOf(scope, req.params.name!)}/versions`);
    }
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
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    const v = await deps.store.get(versionIdOf(scope, req.params.name!, req.params.version!));
    if (!v) throw ArmErrors.assetVersionNotFound(kind.label, req.params.name!, req.params.version!);
    return { status: 200, body: v };
  };

  const putVersion = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    const name = req.params.name!;
    const version = req.params.version!;
    checkName(name);
    if (!VERSION_RE.test(version)) {
      throw ArmErrors.validation('version', `Version '${version}' is invalid: start with a letter or digit; use letters, digits, '-', '_' and '.' (at most 30).`);
    }
    const props = structuredClone(propertiesOf(req.body, `${kind.label} version`));
    kind.validateVersion(props);
    delete props.provisioningState;
    commonDefaults(props);
    kind.versionDefaults(props);
    const containerId = containerIdOf(scope, name);
    const id = versionIdOf(scope, name, version);
    return deps.store.withLock(containerId, async () => {
      const existing = await deps.store.get(id);
      const container = await deps.store.get(containerId);
      if (existing) {
        const old = existing.properties as Record<string, unknown>;
        for (const field of kind.immutable) {
          if (!jsonEqual(props[field], old[field])) {
            const next = (container?.properties as Record<string, unknown> | undefined)?.nextVersion;
            throw ArmErrors.conflict(
              `${cap(kind.label)} version '${name}:${version}' already exists with a different '${field}'. Asset versions are immutable: register a new version instead${next ? ` (next version: ${String(next)})` : ''}.`,
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
      }
      if (container && kind.segment === 'data') {
        const dt = (container.properties as Record<string, unknown>).dataType;
        if (dt && dt !== props.dataType) {
          throw ArmErrors.conflict(`Data '${name}' has dataType '${String(dt)}'; version '${version}' cannot be '${String(props.dataType)}'.`, 'properties.dataType');
        }
      }
      const created: ArmResource = {
        id,
        name: version,
        type: types.version,
        properties: { ...props, ...(kind.provisioningState ? { provisioningState: 'Succeeded' } : {}) },
        systemData: createdSystemData(req.ctx, req.ctx.now),
      };
      await deps.store.put(id, created);
      const c: ArmResource = container ?? {
        id: containerId,
        name,
        type: types.container,
        properties: {
          description: null,
          tags: {},
          properties: {},
          isArchived: false,
          ...(kind.segment === 'data' ? { dataType: props.dataType } : {}),
          latestVersion: null,
          nextVersion: '1',
          ...(kind.provisioningState ? { provisioningState: 'Succeeded' } : {}),
        },
        systemData: createdSystemData(req.ctx, req.ctx.now),
      };
      refreshContainer(c, await deps.store.list(`${containerId}/versions`));
      if (container) c.systemData = modifiedSystemData(container.systemData, req.ctx, req.ctx.now);
      await deps.store.put(containerId, c);
      // 201 with `Location` = the version's URL (recordings README observation 23; models/model-create-autoincrement.json entry 6).
      return { status: 201, body: created, headers: { Location: `${req.ctx.baseUrl}${id}?api-version=${encodeURIComponent(apiVersionOf(req))}` } };
    });
  };

  const deleteVersion = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    const containerId = containerIdOf(scope, req.params.name!);
    return deps.store.withLock(containerId, async () => {
      const deleted = await deps.store.delete(versionIdOf(scope, req.params.name!, req.params.version!));
      const container = await deps.store.get(containerId);
      if (deleted && container) {
        refreshContainer(container, await deps.store.list(`${containerId}/versions`));
        await deps.store.put(containerId, container);
      }
      return { status: deleted ? 200 : 204 };
    });
  };

  const routes: Route[] = [
    { method: 'GET', pattern: base, operation: `${kind.containerOp}_List`, handler: listContainers },
    { method: 'GET', pattern: `${base}/{name}`, operation: `${kind.containerOp}_Get`, handler: getContainer },
    { method: 'PUT', pattern: `${base}/{name}`, operation: `${kind.containerOp}_CreateOrUpdate`, handler: putContainer },
    { method: 'DELETE', pattern: `${base}/{name}`, operation: `${kind.containerOp}_Delete`, handler: deleteContainer },
    { method: 'GET', pattern: `${base}/{name}/versions`, operation: `${kind.versionOp}_List`, handler: listVersions },
    { method: 'GET', pattern: `${base}/{name}/versions/{version}`, operation: `${kind.versionOp}_Get`, handler: getVersion },
    { method: 'PUT', pattern: `${base}/{name}/versions/{version}`, operation: `${kind.versionOp}_CreateOrUpdate`, handler: putVersion },
    { method: 'DELETE', pattern: `${base}/{name}/versions/{version}`, operation: `${kind.versionOp}_Delete`, handler: deleteVersion },
  ];
  if (kind.segment === 'codes') {
    routes.push({
      method: 'POST',
      pattern: `${base}/{name}/versions/{version}/startPendingUpload`,
      operation: 'CodeVersions_CreateOrGetStartPendingUpload',
      handler: (req) => startPendingUpload(deps, req),
    });
  }
  return routes;
}

/** swagger 2024-10-01 CodeVersions_CreateOrGetStartPendingUpload (no recording). */
async function startPendingUpload(deps: ArmDeps, req: EmulatorRequest): Promise<EmulatorResponse> {
  const scope = scopeFromParams(req.params);
  const ws = await requireWorkspace(deps, scope);
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (!isObject(body)) throw ArmErrors.badRequest('The request body of startPendingUpload must be a JSON object.', 'body');
  const type = body.pendingUploadType ?? 'TemporaryBlobReference';
  if (type !== 'TemporaryBlobReference' && type !== 'None') {
    throw ArmErrors.validation('pendingUploadType', `pendingUploadType '${String(type)}' is not valid; expected TemporaryBlobReference or None.`);
  }
  const pendingUploadId = typeof body.pendingUploadId === 'string' && body.pendingUploadId !== '' ? body.pendingUploadId : randomUUID();
  if (type === 'None') return { status: 200, body: { pendingUploadId, pendingUploadType: 'None' } };
  const ds = await deps.store.get(childId(scope, 'datastores', DEFAULT_BLOBSTORE));
  const container = (ds?.properties as { containerName?: string } | undefined)?.containerName;
  if (!container) throw ArmErrors.badRequest(`The workspace '${scope.workspaceName}' has no default blob datastore '${DEFAULT_BLOBSTORE}'.`);
  await deps.blob.ensureContainer(container);
  const path = `LocalUpload/${pendingUploadId}`;
  const expiresOn = new Date(req.ctx.now.getTime() + 60 * 60 * 1000);
  const startsOn = new Date(req.ctx.now.getTime() - 5 * 60 * 1000);
  return {
    status: 200,
    body: {
      blobReferenceForConsumption: {
        blobUri: deps.blob.url(container, path),
        storageAccountArmId: (ws.properties as { storageAccount?: string }).storageAccount ?? null,
        credential: { credentialType: 'SAS', sasUri: deps.blob.sasUrl(container, path, { permissions: 'racwdl', startsOn, expiresOn }) },
      },
      pendingUploadId,
      pendingUploadType: 'TemporaryBlobReference',
    },
  };
}

/**
 * Resolves an asset reference of a job (`environmentId`, `codeId`, …) to the version's ARM id:
 * an ARM id (must exist), `azureml:<name>:<version>` / `azureml:<name>@latest` (resolved in the
 * workspace), or a registry reference `azureml://registries/…` (accepted as is: the emulator has
 * no registries; curated environments come from there).
 */
export async function resolveAssetReference(
  deps: ArmDeps,
  scope: WorkspaceScope,
  kind: AssetKindName,
  ref: string,
  target: string,
): Promise<string> {
  const label = ASSET_KINDS[kind].label;
  if (/^azureml:\/\/registries\//i.test(ref)) return ref;
  if (ref.startsWith('/')) {
    const parsed = parseWorkspaceChildId(ref);
    if (!parsed || parsed.path.length !== 2 || parsed.path[0]!.type.toLowerCase() !== kind || parsed.path[1]!.type.toLowerCase() !== 'versions') {
      throw ArmErrors.validation(target, `'${ref}' is not a ${label} version id: expected /subscriptions/…/workspaces/<ws>/${kind}/<name>/versions/<version>.`);
    }
    if (!sameScope(parsed.scope, scope)) {
      throw ArmErrors.validation(target, `The ${label} '${ref}' belongs to another workspace than '${scope.workspaceName}'.`);
    }
    const v = await deps.store.get(childId(scope, kind, parsed.path[0]!.name, 'versions', parsed.path[1]!.name));
    if (!v) {
      throw ArmErrors.validation(target, `${cap(label)} version '${parsed.path[0]!.name}:${parsed.path[1]!.name}' was not found in workspace '${scope.workspaceName}'.`);
    }
    return v.id;
  }
  const short = /^azureml:([^:@/]+)(?::([^:@/]+)|@([A-Za-z]+))$/i.exec(ref);
  if (short) {
    const [, name, version, label2] = short;
    if (version) return resolveAssetReference(deps, scope, kind, childId(scope, kind, name!, 'versions', version), target);
    if (label2!.toLowerCase() !== 'latest') throw ArmErrors.validation(target, `Label '@${label2}' is not supported; use '@latest' or ':<version>'.`);
    const container = await deps.store.get(childId(scope, kind, name!));
    const latest = (container?.properties as { latestVersion?: string } | undefined)?.latestVersion;
    if (!latest) throw ArmErrors.validation(target, `${cap(label)} '${name}' was not found in workspace '${scope.workspaceName}'.`);
    return childId(scope, kind, container!.name, 'versions', latest);
  }
  throw ArmErrors.validation(
    target,
    `'${ref}' is not a valid ${label} reference: use the ARM id of a ${label} version, 'azureml:<name>:<version>', 'azureml:<name>@latest' or 'azureml://registries/<registry>/${kind}/<name>/…'.`,
  );
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Puts a version (and its container) without a request — used to seed the workspace (curated
 * environments). Does nothing when the version exists.
 */
export async function seedAssetVersion(
  deps: ArmDeps,
  scope: WorkspaceScope,
  kindName: AssetKindName,
  name: string,
  version: string,
  properties: Record<string, unknown>,
  now: Date,
): Promise<void> {
  const kind = ASSET_KINDS[kindName];
  const types = assetTypes(kindName);
  const containerId = childId(scope, kindName, name);
  const id = childId(scope, kindName, name, 'versions', version);
  await deps.store.withLock(containerId, async () => {
    if (await deps.store.get(id)) return;
    const props = structuredClone(properties);
    kind.validateVersion(props);
    commonDefaults(props);
    kind.versionDefaults(props);
    await deps.store.put(id, {
      id,
      name: version,
      type: types.version,
      properties: { ...props, ...(kind.provisioningState ? { provisioningState: 'Succeeded' } : {}) },
      systemData: createdSystemData(undefined, now),
    });
    const c: ArmResource = (await deps.store.get(containerId)) ?? {
      id: containerId,
      name,
      type: types.container,
      properties: {
        description: props.description ?? null,
        tags: props.tags ?? {},
        properties: {},
        isArchived: false,
        ...(kindName === 'data' ? { dataType: props.dataType } : {}),
        latestVersion: null,
        nextVersion: '1',
        ...(kind.provisioningState ? { provisioningState: 'Succeeded' } : {}),
      },
      systemData: createdSystemData(undefined, now),
    };
    refreshContainer(c, await deps.store.list(`${containerId}/versions`));
    await deps.store.put(containerId, c);
  });
}
