/**
 * Model containers and versions of a registry (mfe.json `RegistryModelContainers_*` and
 * `RegistryModelVersions_*` of 2024-10-01), with the shapes of the official examples.
 *
 * - A version PUT is a long-running operation (201 + `Azure-AsyncOperation`, final state via the
 *   original URI): the version shows `provisioningState: Creating` until the operation has
 *   checked that `modelUri` points at files in the registry's storage; then `Succeeded`. When the
 *   files are not there the operation fails and the version is removed: nothing half-registered.
 * - A registry's files live in its own storage, so `modelUri` must be a blob URL of the
 *   registry's container: get one with `startPendingUpload` (a SAS into that container), copy the
 *   files there, then PUT the version with the URL (without the SAS).
 * - Versions are immutable like workspace asset versions: a PUT of an existing version with the
 *   same immutable fields updates the mutable ones (tags, description, stage, isArchived) and
 *   answers 200; a different immutable field is a 409.
 */
import { randomUUID } from 'node:crypto';
import { MLS_NAMESPACE } from '../config.js';
import { ArmError, ArmErrors } from '../arm/errors.js';
import { apiVersionOf, isObject, jsonEqual, propertiesOf, type ArmDeps } from '../arm/deps.js';
import { intParam, matchesKeyValueFilter, page } from '../arm/paging.js';
import { createdSystemData, modifiedSystemData } from '../arm/system-data.js';
import type { ArmResource, EmulatorRequest, EmulatorResponse, Route } from '../types.js';
import {
  MODEL_NAME_RE,
  MODEL_VERSION_RE,
  REGISTRY_TYPES,
  registryContainerName,
  registryModelId,
  registryScopeFromParams,
  type RegistryScope,
} from './ids.js';
import { requireRegistry } from './registries.js';
import type { RegistryStorage } from './storage.js';

const IMMUTABLE = ['modelUri', 'modelType', 'flavors', 'jobName', 'isAnonymous', 'properties'];
const MUTABLE = ['description', 'tags', 'isArchived', 'stage'];
/** How long a pending upload's SAS is valid. */
const UPLOAD_SAS_MS = 60 * 60 * 1000;

function numericAware(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return Number(a) - Number(b);
  if (na !== nb) return na ? -1 : 1;
  return a.localeCompare(b, 'en', { numeric: true });
}

function createdAt(r: ArmResource): string {
  return String((r.systemData as { createdAt?: string } | undefined)?.createdAt ?? '');
}

/** `latestVersion` = the most recently created version; `nextVersion` = highest number + 1 (never goes back). */
function refreshContainer(container: ArmResource, versions: ArmResource[]): void {
  const props = container.properties as Record<string, unknown>;
  const live = versions.filter((v) => (v.properties as Record<string, unknown>).provisioningState !== 'Creating');
  const sorted = [...live].sort((a, b) => createdAt(a).localeCompare(createdAt(b)) || numericAware(a.name, b.name));
  props.latestVersion = sorted.length > 0 ? sorted[sorted.length - 1]!.name : null;
  const numeric = versions.map((v) => v.name).filter((v) => /^\d+$/.test(v)).map(Number);
  const previous = typeof props.nextVersion === 'string' && /^\d+$/.test(props.nextVersion) ? Number(props.nextVersion) : 1;
  props.nextVersion = String(Math.max(previous, numeric.length > 0 ? Math.max(...numeric) + 1 : 1));
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

function sortVersions(items: ArmResource[], orderBy: string | null): void {
  const [field = 'createdtime', dir] = (orderBy ?? 'createdtime desc').trim().toLowerCase().split(/\s+/);
  const sign = dir === 'desc' ? -1 : 1;
  if (['createdtime', 'createdat', 'created_time'].includes(field)) {
    items.sort((a, b) => sign * (createdAt(a).localeCompare(createdAt(b)) || numericAware(a.name, b.name)));
  } else if (field === 'version' || field === 'name') {
    items.sort((a, b) => sign * numericAware(a.name, b.name));
  } else {
    throw ArmErrors.badRequest(`$orderBy '${orderBy}' is not supported; use 'createdtime desc|asc' or 'version desc|asc'.`, '$orderBy');
  }
}

function notFoundInRegistry(kind: string, name: string, registry: string): ArmError {
  return new ArmError(404, 'UserError', `Could not find ${kind} '${name}' in registry '${registry}'.`, {
    component: 'managementfrontend',
    details: [{ code: 'NotFound', message: `The ${kind} '${name}' does not exist.` }],
  });
}

export function registryModelRoutes(deps: ArmDeps, storage: RegistryStorage): Route[] {
  const base = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/registries/{registryName}/models`;

  const checkName = (name: string) => {
    if (!MODEL_NAME_RE.test(name)) {
      throw ArmErrors.validation('modelName', `Model name '${name}' is invalid: start with a letter or digit; use letters, digits, '-', '_' and '.' (at most 255).`);
    }
  };

  const newContainer = (scope: RegistryScope, name: string, req: EmulatorRequest, props: Record<string, unknown> = {}): ArmResource => ({
    id: registryModelId(scope, name),
    name,
    type: REGISTRY_TYPES.modelContainer,
    properties: {
      description: props.description ?? null,
      tags: props.tags ?? {},
      properties: props.properties ?? {},
      isArchived: props.isArchived ?? false,
      latestVersion: null,
      nextVersion: '1',
      provisioningState: 'Succeeded',
    },
    systemData: createdSystemData(req.ctx, req.ctx.now),
  });

  // --- containers -------------------------------------------------------------------------------
  const listContainers = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = registryScopeFromParams(req.params);
    const reg = await requireRegistry(deps, scope);
    const items = (await deps.store.list(`${reg.id}/models`)).filter(listViewFilter(req)).sort((a, b) => a.name.localeCompare(b.name));
    return { status: 200, body: page(items, req, { pageSize: deps.pageSize }) };
  };

  const getContainer = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = registryScopeFromParams(req.params);
    await requireRegistry(deps, scope);
    const c = await deps.store.get(registryModelId(scope, req.params.modelName!));
    if (!c) throw notFoundInRegistry('model', req.params.modelName!, scope.registryName);
    return { status: 200, body: c };
  };

  const putContainer = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = registryScopeFromParams(req.params);
    const reg = await requireRegistry(deps, scope);
    const name = req.params.modelName!;
    checkName(name);
    const props = structuredClone(propertiesOf(req.body, 'model container'));
    const id = registryModelId(scope, name);
    return deps.store.withLock(id, async () => {
      const existing = await deps.store.get(id);
      if (existing) {
        const old = existing.properties as Record<string, unknown>;
        const next: ArmResource = {
          ...existing,
          properties: {
            ...old,
            ...(props.description !== undefined ? { description: props.description } : {}),
            ...(isObject(props.tags) ? { tags: props.tags } : {}),
            ...(props.isArchived !== undefined ? { isArchived: Boolean(props.isArchived) } : {}),
            properties: { ...((old.properties as Record<string, unknown>) ?? {}), ...(isObject(props.properties) ? props.properties : {}) },
          },
          systemData: modifiedSystemData(existing.systemData, req.ctx, req.ctx.now),
        };
        await deps.store.put(id, next);
        return { status: 200, body: next };
      }
      const created = newContainer(scope, name, req, props);
      await deps.store.put(id, created);
      const op = deps.lro.begin({
        subscriptionId: scope.subscriptionId,
        location: String(reg.location),
        operation: 'RegistryModelContainers_CreateOrUpdate',
        resourceId: id,
        ctx: req.ctx,
        work: async () => undefined,
      });
      return {
        status: 201,
        body: created,
        headers: { ...deps.lro.acceptedHeaders(op, req.ctx, { asyncOperation: true, apiVersion: apiVersionOf(req) }), 'x-ms-async-operation-timeout': 'PT1H' },
      };
    });
  };

  const deleteContainer = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = registryScopeFromParams(req.params);
    const reg = await requireRegistry(deps, scope);
    const id = registryModelId(scope, req.params.modelName!);
    if (!(await deps.store.get(id))) return { status: 204 };
    const op = deps.lro.begin({
      subscriptionId: scope.subscriptionId,
      location: String(reg.location),
      operation: 'RegistryModelContainers_Delete',
      resourceId: id,
      ctx: req.ctx,
      work: () =>
        deps.store.withLock(id, async () => {
          for (const v of await deps.store.list(`${id}/versions`)) await deps.store.delete(v.id);
          await deps.store.delete(id);
        }),
    });
    return { status: 202, headers: { ...deps.lro.acceptedHeaders(op, req.ctx, { location: true, apiVersion: apiVersionOf(req) }), 'x-ms-async-operation-timeout': 'PT1H' } };
  };

  // --- versions ---------------------------------------------------------------------------------
  const listVersions = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = registryScopeFromParams(req.params);
    await requireRegistry(deps, scope);
    let items = await deps.store.list(`${registryModelId(scope, req.params.modelName!)}/versions`);
    items = items.filter(listViewFilter(req));
    const version = req.query.get('version');
    if (version) items = items.filter((v) => v.name === version);
    const description = req.query.get('description');
    if (description) items = items.filter((v) => String((v.properties as Record<string, unknown>).description ?? '').includes(description));
    const tags = req.query.get('tags');
    items = items.filter((v) => matchesKeyValueFilter(tags, (v.properties as Record<string, unknown>).tags as Record<string, unknown>));
    const properties = req.query.get('properties');
    items = items.filter((v) => matchesKeyValueFilter(properties, (v.properties as Record<string, unknown>).properties as Record<string, unknown>));
    sortVersions(items, req.query.get('$orderBy'));
    const top = intParam(req, '$top', 1, 100_000);
    return { status: 200, body: page(items, req, { pageSize: deps.pageSize, ...(top !== undefined ? { top } : {}) }) };
  };

  const getVersion = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = registryScopeFromParams(req.params);
    await requireRegistry(deps, scope);
    const v = await deps.store.get(registryModelId(scope, req.params.modelName!, req.params.version!));
    if (!v) throw notFoundInRegistry('model version', `${req.params.modelName}:${req.params.version}`, scope.registryName);
    return { status: 200, body: v };
  };

  /** Where the files of `modelUri` are, or a 400 saying what a registry model URI must be. */
  const modelFilesLocation = (scope: RegistryScope, uri: string) => {
    const container = registryContainerName(scope);
    const loc = storage.locate(uri);
    if (!loc || loc.container !== container) {
      throw ArmErrors.validation(
        'properties.modelUri',
        `The modelUri '${uri.split('?')[0]}' is not in the storage of registry '${scope.registryName}'. Get an upload location with startPendingUpload, copy the model files there, and register the version with that blob URI.`,
      );
    }
    if (/[?&]sig=/i.test(uri)) {
      throw ArmErrors.validation('properties.modelUri', 'The modelUri must not carry a SAS token: give the blob URI without its query.');
    }
    return loc;
  };

  const putVersion = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = registryScopeFromParams(req.params);
    const reg = await requireRegistry(deps, scope);
    const name = req.params.modelName!;
    const version = req.params.version!;
    checkName(name);
    if (!MODEL_VERSION_RE.test(version)) {
      throw ArmErrors.validation('version', `Version '${version}' is invalid: start with a letter or digit; use letters, digits, '-', '_' and '.' (at most 30).`);
    }
    const props = structuredClone(propertiesOf(req.body, 'model version'));
    if (typeof props.modelUri !== 'string' || props.modelUri.trim() === '') {
      throw ArmErrors.validation('properties.modelUri', "The model version property 'modelUri' is required and must be a non-empty string.");
    }
    const loc = modelFilesLocation(scope, props.modelUri);
    delete props.provisioningState;
    props.description ??= null;
    props.tags ??= {};
    props.properties ??= {};
    props.isAnonymous ??= false;
    props.isArchived ??= false;
    props.modelType ??= 'CustomModel';
    const containerId = registryModelId(scope, name);
    const id = registryModelId(scope, name, version);

    return deps.store.withLock(containerId, async () => {
      const existing = await deps.store.get(id);
      const container = await deps.store.get(containerId);
      if (existing) {
        const old = existing.properties as Record<string, unknown>;
        for (const field of IMMUTABLE) {
          if (!jsonEqual(props[field], old[field])) {
            const next = (container?.properties as Record<string, unknown> | undefined)?.nextVersion;
            throw ArmErrors.conflict(
              `Model version '${name}:${version}' already exists in registry '${scope.registryName}' with a different '${field}'. Asset versions are immutable: register a new version instead${next ? ` (next version: ${String(next)})` : ''}.`,
              `properties.${field}`,
            );
          }
        }
        const changed = MUTABLE.some((k) => k in props && !jsonEqual(props[k], old[k]));
        if (!changed) return { status: 200, body: existing };
        const updated: ArmResource = {
          ...existing,
          properties: { ...old, ...Object.fromEntries(MUTABLE.filter((k) => k in props).map((k) => [k, props[k]])) },
          systemData: modifiedSystemData(existing.systemData, req.ctx, req.ctx.now),
        };
        await deps.store.put(id, updated);
        return { status: 200, body: updated };
      }

      const created: ArmResource = {
        id,
        name: version,
        type: REGISTRY_TYPES.modelVersion,
        properties: { ...props, provisioningState: 'Creating' },
        systemData: createdSystemData(req.ctx, req.ctx.now),
      };
      await deps.store.put(id, created);
      const c = container ?? newContainer(scope, name, req);
      refreshContainer(c, await deps.store.list(`${containerId}/versions`));
      await deps.store.put(containerId, c);

      const op = deps.lro.begin({
        subscriptionId: scope.subscriptionId,
        location: String(reg.location),
        operation: 'RegistryModelVersions_CreateOrUpdate',
        resourceId: id,
        ctx: req.ctx,
        work: async () => {
          let files = 0;
          try {
            files = await storage.countBlobs(loc, 1);
          } catch (err) {
            await removeVersion(containerId, id);
            throw ArmErrors.operationFailed('InternalServerError', `Could not read the registry storage: ${(err as Error).message}`);
          }
          if (files === 0) {
            await removeVersion(containerId, id);
            throw ArmErrors.validation(
              'properties.modelUri',
              `No files were found at the modelUri '${String(props.modelUri)}': copy the model files to the upload location before registering the version.`,
            );
          }
          await deps.store.withLock(containerId, async () => {
            const v = await deps.store.get(id);
            if (!v) return;
            (v.properties as Record<string, unknown>).provisioningState = 'Succeeded';
            await deps.store.put(id, v);
            const cont = await deps.store.get(containerId);
            if (cont) {
              refreshContainer(cont, await deps.store.list(`${containerId}/versions`));
              await deps.store.put(containerId, cont);
            }
          });
        },
      });
      return {
        status: 201,
        body: created,
        headers: { ...deps.lro.acceptedHeaders(op, req.ctx, { asyncOperation: true, apiVersion: apiVersionOf(req) }), 'x-ms-async-operation-timeout': 'PT1H' },
      };
    });
  };

  const removeVersion = (containerId: string, id: string) =>
    deps.store.withLock(containerId, async () => {
      await deps.store.delete(id);
      const cont = await deps.store.get(containerId);
      if (cont) {
        refreshContainer(cont, await deps.store.list(`${containerId}/versions`));
        await deps.store.put(containerId, cont);
      }
    });

  const deleteVersion = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = registryScopeFromParams(req.params);
    const reg = await requireRegistry(deps, scope);
    const containerId = registryModelId(scope, req.params.modelName!);
    const id = registryModelId(scope, req.params.modelName!, req.params.version!);
    if (!(await deps.store.get(id))) return { status: 204 };
    const op = deps.lro.begin({
      subscriptionId: scope.subscriptionId,
      location: String(reg.location),
      operation: 'RegistryModelVersions_Delete',
      resourceId: id,
      ctx: req.ctx,
      work: () => removeVersion(containerId, id),
    });
    return { status: 202, headers: { ...deps.lro.acceptedHeaders(op, req.ctx, { location: true, apiVersion: apiVersionOf(req) }), 'x-ms-async-operation-timeout': 'PT1H' } };
  };

  const startPendingUpload = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = registryScopeFromParams(req.params);
    const reg = await requireRegistry(deps, scope);
    checkName(req.params.modelName!);
    const body = req.body ?? {};
    if (!isObject(body)) throw ArmErrors.badRequest('The request body of startPendingUpload must be a JSON object.', 'body');
    const type = body.pendingUploadType ?? 'TemporaryBlobReference';
    if (type !== 'TemporaryBlobReference' && type !== 'None') {
      throw ArmErrors.validation('pendingUploadType', `pendingUploadType '${String(type)}' is not valid; expected TemporaryBlobReference or None.`);
    }
    const pendingUploadId = typeof body.pendingUploadId === 'string' && body.pendingUploadId !== '' ? body.pendingUploadId : randomUUID();
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(pendingUploadId)) {
      throw ArmErrors.validation('pendingUploadId', `pendingUploadId '${pendingUploadId}' is invalid: letters, digits, '-', '_' and '.' (at most 128).`);
    }
    if (type === 'None') return { status: 200, body: { pendingUploadId, pendingUploadType: 'None' } };
    const container = registryContainerName(scope);
    await deps.blob.ensureContainer(container);
    const path = `models/${req.params.modelName}/${req.params.version}/${pendingUploadId}`;
    const storageId = (((reg.properties as Record<string, unknown>).regionDetails as Array<Record<string, unknown>> | undefined)?.[0]?.storageAccountDetails as
      | Array<{ systemCreatedStorageAccount?: { armResourceId?: { resourceId?: string } } }>
      | undefined)?.[0]?.systemCreatedStorageAccount?.armResourceId?.resourceId;
    return {
      status: 200,
      body: {
        blobReferenceForConsumption: {
          blobUri: deps.blob.url(container, path),
          storageAccountArmId: storageId ?? null,
          credential: {
            credentialType: 'SAS',
            sasUri: deps.blob.sasUrl(container, path, {
              permissions: 'racwdl',
              startsOn: new Date(req.ctx.now.getTime() - 5 * 60 * 1000),
              expiresOn: new Date(req.ctx.now.getTime() + UPLOAD_SAS_MS),
            }),
          },
        },
        pendingUploadId,
        pendingUploadType: 'TemporaryBlobReference',
      },
    };
  };

  return [
    { method: 'GET', pattern: base, operation: 'RegistryModelContainers_List', handler: listContainers },
    { method: 'GET', pattern: `${base}/{modelName}`, operation: 'RegistryModelContainers_Get', handler: getContainer },
    { method: 'PUT', pattern: `${base}/{modelName}`, operation: 'RegistryModelContainers_CreateOrUpdate', handler: putContainer },
    { method: 'DELETE', pattern: `${base}/{modelName}`, operation: 'RegistryModelContainers_Delete', handler: deleteContainer },
    { method: 'GET', pattern: `${base}/{modelName}/versions`, operation: 'RegistryModelVersions_List', handler: listVersions },
    { method: 'GET', pattern: `${base}/{modelName}/versions/{version}`, operation: 'RegistryModelVersions_Get', handler: getVersion },
    { method: 'PUT', pattern: `${base}/{modelName}/versions/{version}`, operation: 'RegistryModelVersions_CreateOrUpdate', handler: putVersion },
    { method: 'DELETE', pattern: `${base}/{modelName}/versions/{version}`, operation: 'RegistryModelVersions_Delete', handler: deleteVersion },
    {
      method: 'POST',
      pattern: `${base}/{modelName}/versions/{version}/startPendingUpload`,
      operation: 'RegistryModelVersions_CreateOrGetStartPendingUpload',
      handler: startPendingUpload,
    },
  ];
}
