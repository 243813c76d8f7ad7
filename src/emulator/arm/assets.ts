/**
 * Asset containers and versions, one generic handler for `codes`, `environments`, `data` and
 * `models`: `…/{kind}/{name}` (PUT/GET/DELETE, list) and `…/{kind}/{name}/versions/{version}`
 * (PUT/GET/DELETE, list with `$orderBy`, `$top`, `$skip`, `tags`, `properties`, `listViewType`).
 * A version PUT creates the container when missing and keeps its `latestVersion`/`nextVersion`.
 * Versions are immutable: a PUT of an existing version that changes an immutable field is a 409;
 * mutable fields (description, tags, isArchived, stage) are updated, like Azure.
 * `codes/{name}/versions/{version}/startPendingUpload` returns a SAS URI into Azurite.
 */
import { parse as parseYaml } from 'yaml';
import { MLS_NAMESPACE } from '../config.js';
import type { ArmResource, EmulatorRequest, EmulatorResponse, Route } from '../types.js';
import { ArmErrors } from './errors.js';
import { propertiesOf, requireWorkspace, type ArmDeps } from './deps.js';
import { resourceUrl } from './lro.js';
import { DEFAULT_BLOBSTORE } from './datastores.js';
import { childId, parseWorkspaceChildId, sameScope, scopeFromParams, type WorkspaceScope } from './ids.js';
import { createdSystemData, modifiedSystemData } from './system-data.js';
import {
  commonVersionDefaults,
  compareVersions,
  pendingUploadAnswer,
  pendingUploadRequest,
  refreshContainer,
  removeContainer,
  removeVersion,
  versionedAssetRoutes,
  type AssetScope,
} from './versioned-assets.js';
import { isObj } from '../obj.js';

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
// The swagger gives versions no pattern; Azure takes 32-character hashes (anonymous environments,
// recording batch-endpoints/batch-endpoint-deployment-invoke.json entry 8) and GUIDs (anonymous
// components, jobs/pipeline-job-serverless-cancel-400.json entry 0). Same limits as names.
const VERSION_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_.]{0,254}$/;

function requireString(props: Record<string, unknown>, key: string, label: string): void {
  if (typeof props[key] !== 'string' || props[key].trim() === '') {
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
      if (!isObj(p.componentSpec)) {
        throw ArmErrors.validation('properties.componentSpec', "A component version needs 'componentSpec' (the component definition).");
      }
      const spec = p.componentSpec as Record<string, unknown>;
      // A pipeline component (`az ml component create` of a pipelineComponent YAML; what a pipeline batch
      // deployment names) holds its steps in `jobs`; the pipeline runner runs them (jobs/pipeline.ts).
      if (spec.type === 'pipeline') {
        if (!isObj(spec.jobs) || Object.keys(spec.jobs).length === 0)
          throw ArmErrors.validation('properties.componentSpec.jobs', "A pipeline component needs 'jobs' (its steps).");
        return;
      }
      if (spec.type !== undefined && spec.type !== 'command') {
        throw ArmErrors.validation(
          'properties.componentSpec.type',
          `Component type '${String(spec.type)}' is not supported by the emulator; expected command or pipeline.`,
        );
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
      const hasBuild = isObj(p.build) && typeof p.build.contextUri === 'string';
      if (!hasImage && !hasBuild) {
        throw ArmErrors.validation('properties.image', "An environment version needs a Docker image ('image') or a build context ('build.contextUri').");
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
          if (isObj(parsed)) p.condaFile = JSON.stringify(parsed, null, 2);
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

export { compareVersions };

export function assetRoutes(deps: ArmDeps): Route[] {
  const routes: Route[] = [];
  for (const kind of Object.values(ASSET_KINDS)) routes.push(...versionedAssetRoutes(deps, workspaceScope(deps, kind)));
  return routes;
}

/** A kind's versioned assets in a workspace: written at once (no long-running operation). */
function workspaceScope(deps: ArmDeps, kind: AssetKind): AssetScope {
  const types = assetTypes(kind.segment);
  const newContainer = (id: string, name: string, props: Record<string, unknown>, req: EmulatorRequest): ArmResource => ({
    id,
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
  });
  return {
    base: `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/workspaces/{workspaceName}/${kind.segment}`,
    nameParam: 'name',
    containerOp: kind.containerOp,
    versionOp: kind.versionOp,
    label: kind.label,
    immutable: kind.immutable,
    versionPattern: VERSION_RE,
    place: async (req) => {
      const scope = scopeFromParams(req.params);
      const parent = await requireWorkspace(deps, scope);
      return {
        parent,
        containers: childId(scope, kind.segment),
        containerId: (name) => childId(scope, kind.segment, name),
        versionId: (name, version) => childId(scope, kind.segment, name, 'versions', version),
        where: '',
      };
    },
    containerNotFound: (req, name) =>
      kind.segment === 'models' ? ArmErrors.modelContainerNotFound(name) : ArmErrors.notFound(kind.label, name, req.params.workspaceName),
    versionNotFound: (_req, name, version) => ArmErrors.assetVersionNotFound(kind.label, name, version),
    validateVersion: (props) => kind.validateVersion(props),
    versionDefaults: (props) => kind.versionDefaults(props),
    // Code lookup by content hash (jobs/sweep-job-create-get.json entry 0; README observation 21).
    ...(kind.segment === 'codes'
      ? {
          versionsByQuery: async (req: EmulatorRequest) => {
            const hash = req.query.get('hash');
            if (!hash) return undefined;
            // CodeVersions_List with `hash`: code versions with that content hash, regardless of name.
            const hashVersion = req.query.get('hashVersion');
            const items: ArmResource[] = [];
            for (const c of await deps.store.list(childId(scopeFromParams(req.params), 'codes'))) {
              for (const v of await deps.store.list(`${c.id}/versions`)) {
                const p = ((v.properties as Record<string, unknown>).properties ?? {}) as Record<string, unknown>;
                if (p.hash_sha256 === hash && (!hashVersion || p.hash_version === hashVersion)) items.push(v);
              }
            }
            return items;
          },
        }
      : {}),
    putContainer: async (req, place, name) => {
      const props = structuredClone(propertiesOf(req.body, `${kind.label} container`));
      if (kind.segment === 'data' && (typeof props.dataType !== 'string' || !DATA_TYPES.includes(props.dataType))) {
        throw ArmErrors.validation('properties.dataType', `The data container property 'dataType' is required: one of ${DATA_TYPES.join(', ')}.`);
      }
      const id = place.containerId(name);
      return deps.store.withLock(id, async () => {
        const existing = await deps.store.get(id);
        const old = (existing?.properties ?? {}) as Record<string, unknown>;
        if (existing && kind.segment === 'data' && old.dataType !== props.dataType) {
          throw ArmErrors.conflict(
            `The data container '${name}' has dataType '${String(old.dataType)}'; it cannot change to '${String(props.dataType)}'.`,
            'properties.dataType',
          );
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
    },
    deleteContainer: async (_req, place, name) => ({ status: (await removeContainer(deps, place.containerId(name))) ? 200 : 204 }),
    createVersion: async (req, _place, { name, version, props, containerId, id, container }) => {
      if (container && kind.segment === 'data') {
        const dt = (container.properties as Record<string, unknown>).dataType;
        if (dt && dt !== props.dataType) {
          throw ArmErrors.conflict(
            `Data '${name}' has dataType '${String(dt)}'; version '${version}' cannot be '${String(props.dataType)}'.`,
            'properties.dataType',
          );
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
      const c = container ?? newContainer(containerId, name, props, req);
      refreshContainer(c, await deps.store.list(`${containerId}/versions`));
      if (container) c.systemData = modifiedSystemData(container.systemData, req.ctx, req.ctx.now);
      await deps.store.put(containerId, c);
      // 201 with `Location` = the version's URL (recordings README observation 23; models/model-create-autoincrement.json entry 6).
      return { status: 201, body: created, headers: { Location: resourceUrl(req, id) } };
    },
    deleteVersion: async (_req, place, name, version) => ({
      status: (await removeVersion(deps, place.containerId(name), place.versionId(name, version))) ? 200 : 204,
    }),
    ...(kind.segment === 'codes'
      ? {
          extraRoutes: [
            {
              method: 'POST',
              pattern: `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/workspaces/{workspaceName}/codes/{name}/versions/{version}/startPendingUpload`,
              operation: 'CodeVersions_CreateOrGetStartPendingUpload',
              handler: (req: EmulatorRequest) => startPendingUpload(deps, req),
            },
          ],
        }
      : {}),
  };
}

/** swagger 2024-10-01 CodeVersions_CreateOrGetStartPendingUpload (no recording). */
async function startPendingUpload(deps: ArmDeps, req: EmulatorRequest): Promise<EmulatorResponse> {
  const scope = scopeFromParams(req.params);
  const ws = await requireWorkspace(deps, scope);
  const { type, pendingUploadId } = pendingUploadRequest(req);
  if (type === 'None') return { status: 200, body: { pendingUploadId, pendingUploadType: 'None' } };
  const ds = await deps.store.get(childId(scope, 'datastores', DEFAULT_BLOBSTORE));
  const container = (ds?.properties as { containerName?: string } | undefined)?.containerName;
  if (!container) throw ArmErrors.badRequest(`The workspace '${scope.workspaceName}' has no default blob datastore '${DEFAULT_BLOBSTORE}'.`);
  await deps.blob.ensureContainer(container);
  const storageAccountArmId = (ws.properties as { storageAccount?: string }).storageAccount ?? null;
  return pendingUploadAnswer(deps, req, { container, path: `LocalUpload/${pendingUploadId}`, pendingUploadId, storageAccountArmId, ms: 60 * 60 * 1000 });
}

/**
 * Resolves an asset reference of a job (`environmentId`, `codeId`, …) to the version's ARM id:
 * an ARM id (must exist), `azureml:<name>:<version>` / `azureml:<name>@latest` (resolved in the
 * workspace), or a registry reference `azureml://registries/…` (accepted as is: the emulator has
 * no registries; curated environments come from there).
 */
export async function resolveAssetReference(deps: ArmDeps, scope: WorkspaceScope, kind: AssetKindName, ref: string, target: string): Promise<string> {
  const label = ASSET_KINDS[kind].label;
  if (/^azureml:\/\/registries\//i.test(ref)) return ref;
  if (ref.startsWith('/')) {
    const parsed = parseWorkspaceChildId(ref);
    if (!parsed || parsed.path.length !== 2 || parsed.path[0].type.toLowerCase() !== kind || parsed.path[1].type.toLowerCase() !== 'versions') {
      throw ArmErrors.validation(target, `'${ref}' is not a ${label} version id: expected /subscriptions/…/workspaces/<ws>/${kind}/<name>/versions/<version>.`);
    }
    if (!sameScope(parsed.scope, scope)) {
      throw ArmErrors.validation(target, `The ${label} '${ref}' belongs to another workspace than '${scope.workspaceName}'.`);
    }
    const v = await deps.store.get(childId(scope, kind, parsed.path[0].name, 'versions', parsed.path[1].name));
    if (!v) {
      throw ArmErrors.validation(
        target,
        `${cap(label)} version '${parsed.path[0].name}:${parsed.path[1].name}' was not found in workspace '${scope.workspaceName}'.`,
      );
    }
    return v.id;
  }
  const short = /^azureml:([^:@/]+)(?::([^:@/]+)|@([A-Za-z]+))$/i.exec(ref);
  if (short) {
    const [, name, version, label2] = short;
    if (version) return resolveAssetReference(deps, scope, kind, childId(scope, kind, name, 'versions', version), target);
    // A curated environment's short form goes to the service as written, labels included, and is
    // expanded there (azure-ai-ml _operation_orchestrator get_asset_arm_id, CURATED_ENV_PREFIX;
    // azureml-examples cli/jobs/pipelines/automl/demand-forecast-pipeline: azureml:AzureML-AutoML@prod).
    const curated = kind === 'environments' && name.startsWith('AzureML-');
    if (!curated && label2.toLowerCase() !== 'latest')
      throw ArmErrors.validation(target, `Label '@${label2}' is not supported; use '@latest' or ':<version>'.`);
    const container = await deps.store.get(childId(scope, kind, name));
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
    commonVersionDefaults(props);
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
