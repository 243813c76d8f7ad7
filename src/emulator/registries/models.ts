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
 *
 * The routes are the versioned-asset route set of `../arm/versioned-assets.ts` (the one that
 * serves workspace assets), given the registry's scope: its ids, errors and long-running writes.
 */
import { MLS_NAMESPACE } from '../config.js';
import { ArmError, ArmErrors } from '../arm/errors.js';
import { propertiesOf, type ArmDeps } from '../arm/deps.js';
import { createdSystemData, modifiedSystemData } from '../arm/system-data.js';
import {
  pendingUploadAnswer,
  pendingUploadRequest,
  refreshContainer,
  removeContainer,
  removeVersion,
  storeRefreshedContainer,
  versionedAssetRoutes,
  type AssetScope,
} from '../arm/versioned-assets.js';
import type { ArmResource, EmulatorRequest, EmulatorResponse, Route } from '../types.js';
import { MODEL_NAME_RE, MODEL_VERSION_RE, REGISTRY_TYPES, registryContainerName, registryModelId, registryScopeFromParams, type RegistryScope } from './ids.js';
import { requireRegistry } from './registries.js';
import type { RegistryStorage } from './storage.js';
import { isObj } from '../obj.js';

const IMMUTABLE = ['modelUri', 'modelType', 'flavors', 'jobName', 'isAnonymous', 'properties'];
/** How long a pending upload's SAS is valid. */
const UPLOAD_SAS_MS = 60 * 60 * 1000;

function notFoundInRegistry(kind: string, name: string, registry: string): ArmError {
  return new ArmError(404, 'UserError', `Could not find ${kind} '${name}' in registry '${registry}'.`, {
    component: 'managementfrontend',
    details: [{ code: 'NotFound', message: `The ${kind} '${name}' does not exist.` }],
  });
}

/** The model routes of a registry: the versioned-asset route set with the registry's scope. */
export function registryModelRoutes(deps: ArmDeps, storage: RegistryStorage): Route[] {
  const base = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/registries/{registryName}/models`;

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

  /** A long-running operation on the registry of `req` (201/202 answers come from `deps.lro.accepted`). */
  const begin = (req: EmulatorRequest, reg: ArmResource, operation: string, resourceId: string, work: () => Promise<unknown>) =>
    deps.lro.begin({
      subscriptionId: registryScopeFromParams(req.params).subscriptionId,
      location: String(reg.location),
      operation,
      resourceId,
      ctx: req.ctx,
      work: async () => {
        await work();
      },
    });

  const scopeOf: AssetScope = {
    base,
    nameParam: 'modelName',
    containerOp: 'RegistryModelContainers',
    versionOp: 'RegistryModelVersions',
    label: 'model',
    immutable: IMMUTABLE,
    versionPattern: MODEL_VERSION_RE,
    place: async (req) => {
      const scope = registryScopeFromParams(req.params);
      const parent = await requireRegistry(deps, scope);
      return {
        parent,
        containers: `${parent.id}/models`,
        containerId: (name) => registryModelId(scope, name),
        versionId: (name, version) => registryModelId(scope, name, version),
        where: ` in registry '${scope.registryName}'`,
      };
    },
    containerNotFound: (req, name) => notFoundInRegistry('model', name, req.params.registryName),
    versionNotFound: (req, name, version) => notFoundInRegistry('model version', `${name}:${version}`, req.params.registryName),
    validateVersion: (props, req) => {
      if (typeof props.modelUri !== 'string' || props.modelUri.trim() === '') {
        throw ArmErrors.validation('properties.modelUri', "The model version property 'modelUri' is required and must be a non-empty string.");
      }
      modelFilesLocation(registryScopeFromParams(req.params), props.modelUri);
    },
    versionDefaults: (props) => {
      props.modelType ??= 'CustomModel';
    },
    putContainer: async (req, place, name) => {
      const scope = registryScopeFromParams(req.params);
      const props = structuredClone(propertiesOf(req.body, 'model container'));
      const id = place.containerId(name);
      return deps.store.withLock(id, async () => {
        const existing = await deps.store.get(id);
        if (existing) {
          const old = existing.properties as Record<string, unknown>;
          const next: ArmResource = {
            ...existing,
            properties: {
              ...old,
              ...(props.description !== undefined ? { description: props.description } : {}),
              ...(isObj(props.tags) ? { tags: props.tags } : {}),
              ...(props.isArchived !== undefined ? { isArchived: Boolean(props.isArchived) } : {}),
              properties: { ...((old.properties as Record<string, unknown>) ?? {}), ...(isObj(props.properties) ? props.properties : {}) },
            },
            systemData: modifiedSystemData(existing.systemData, req.ctx, req.ctx.now),
          };
          await deps.store.put(id, next);
          return { status: 200, body: next };
        }
        const created = newContainer(scope, name, req, props);
        await deps.store.put(id, created);
        const op = begin(req, place.parent, 'RegistryModelContainers_CreateOrUpdate', id, async () => undefined);
        return deps.lro.accepted(op, req, { status: 201, body: created, poll: 'async', timeout: 'PT1H' });
      });
    },
    deleteContainer: async (req, place, name) => {
      const id = place.containerId(name);
      if (!(await deps.store.get(id))) return { status: 204 };
      const op = begin(req, place.parent, 'RegistryModelContainers_Delete', id, () => removeContainer(deps, id));
      return deps.lro.accepted(op, req, { status: 202, poll: 'location', timeout: 'PT1H' });
    },
    /**
     * A long-running operation: the version is `Creating` until the operation has checked that
     * `modelUri` points at files in the registry's storage, then `Succeeded`; without files it is removed.
     */
    createVersion: async (req, place, { name, version, props, containerId, id, container }) => {
      const scope = registryScopeFromParams(req.params);
      const loc = modelFilesLocation(scope, String(props.modelUri));
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

      const op = begin(req, place.parent, 'RegistryModelVersions_CreateOrUpdate', id, async () => {
        let files: number;
        try {
          files = await storage.countBlobs(loc, 1);
        } catch (err) {
          await removeVersion(deps, containerId, id);
          throw ArmErrors.operationFailed('InternalServerError', `Could not read the registry storage: ${(err as Error).message}`);
        }
        if (files === 0) {
          await removeVersion(deps, containerId, id);
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
          await storeRefreshedContainer(deps, containerId);
        });
      });
      return deps.lro.accepted(op, req, { status: 201, body: created, poll: 'async', timeout: 'PT1H' });
    },
    deleteVersion: async (req, place, name, version) => {
      const containerId = place.containerId(name);
      const id = place.versionId(name, version);
      if (!(await deps.store.get(id))) return { status: 204 };
      const op = begin(req, place.parent, 'RegistryModelVersions_Delete', id, () => removeVersion(deps, containerId, id));
      return deps.lro.accepted(op, req, { status: 202, poll: 'location', timeout: 'PT1H' });
    },
  };

  const startPendingUpload = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = registryScopeFromParams(req.params);
    const reg = await requireRegistry(deps, scope);
    if (!MODEL_NAME_RE.test(req.params.modelName)) {
      throw ArmErrors.validation(
        'modelName',
        `Model name '${req.params.modelName}' is invalid: start with a letter or digit; use letters, digits, '-', '_' and '.' (at most 255).`,
      );
    }
    const { type, pendingUploadId } = pendingUploadRequest(req);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(pendingUploadId)) {
      throw ArmErrors.validation('pendingUploadId', `pendingUploadId '${pendingUploadId}' is invalid: letters, digits, '-', '_' and '.' (at most 128).`);
    }
    if (type === 'None') return { status: 200, body: { pendingUploadId, pendingUploadType: 'None' } };
    const container = registryContainerName(scope);
    await deps.blob.ensureContainer(container);
    const path = `models/${req.params.modelName}/${req.params.version}/${pendingUploadId}`;
    const storageId = (
      ((reg.properties as Record<string, unknown>).regionDetails as Array<Record<string, unknown>> | undefined)?.[0]?.storageAccountDetails as
        Array<{ systemCreatedStorageAccount?: { armResourceId?: { resourceId?: string } } }> | undefined
    )?.[0]?.systemCreatedStorageAccount?.armResourceId?.resourceId;
    return pendingUploadAnswer(deps, req, { container, path, pendingUploadId, storageAccountArmId: storageId ?? null, ms: UPLOAD_SAS_MS });
  };

  return versionedAssetRoutes(deps, {
    ...scopeOf,
    extraRoutes: [
      {
        method: 'POST',
        pattern: `${base}/{modelName}/versions/{version}/startPendingUpload`,
        operation: 'RegistryModelVersions_CreateOrGetStartPendingUpload',
        handler: startPendingUpload,
      },
    ],
  });
}
