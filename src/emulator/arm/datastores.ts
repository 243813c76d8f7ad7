/**
 * Datastores (`…/workspaces/{ws}/datastores/{name}`): GET, list, PUT, DELETE, `listSecrets`.
 * Every workspace gets `workspaceblobstore` (default) and `workspaceartifactstore`, AzureBlob
 * datastores over containers in Azurite. Secrets are kept but never returned by GET/list (as in
 * Azure: `credentials.secrets` keeps only `secretsType`); `listSecrets` returns them.
 */
import type { ArmResource, EmulatorRequest, EmulatorResponse, RequestContext, Route } from '../types.js';
import { MLS_NAMESPACE } from '../config.js';
import { ArmErrors } from './errors.js';
import { propertiesOf, requireWorkspace, type ArmDeps } from './deps.js';
import { childId, scopeFromParams, TYPES, type WorkspaceScope } from './ids.js';
import { createdSystemData, modifiedSystemData } from './system-data.js';
import { intParam, page } from './paging.js';
import { isObj } from '../obj.js';

const DATASTORE_TYPES = ['AzureBlob', 'AzureDataLakeGen1', 'AzureDataLakeGen2', 'AzureFile', 'OneLake'];
const CREDENTIAL_TYPES = ['AccountKey', 'Certificate', 'None', 'Sas', 'ServicePrincipal'];
const NAME_RE = /^[a-zA-Z0-9_]{1,255}$/;

export const DEFAULT_BLOBSTORE = 'workspaceblobstore';
export const ARTIFACT_STORE = 'workspaceartifactstore';

export function blobstoreContainerName(workspaceGuid: string): string {
  return `azureml-blobstore-${workspaceGuid}`;
}

/** The two datastores every workspace has, over the Azurite account. */
export function defaultDatastores(scope: WorkspaceScope, workspaceGuid: string, deps: ArmDeps, ctx: RequestContext | undefined, now: Date): ArmResource[] {
  const make = (name: string, containerName: string, isDefault: boolean, description: string): ArmResource => ({
    id: childId(scope, 'datastores', name),
    name,
    type: TYPES.datastore,
    properties: {
      description,
      tags: {},
      properties: {},
      isDefault,
      credentials: {
        credentialsType: 'AccountKey',
        secrets: { secretsType: 'AccountKey', key: deps.blob.endpoint.accountKey },
      },
      datastoreType: 'AzureBlob',
      accountName: deps.blob.endpoint.accountName,
      containerName,
      endpoint: 'core.windows.net',
      protocol: 'https',
      serviceDataAccessAuthIdentity: 'None',
      subscriptionId: scope.subscriptionId,
      resourceGroup: scope.resourceGroup,
    },
    systemData: createdSystemData(ctx, now),
  });
  return [
    make(DEFAULT_BLOBSTORE, blobstoreContainerName(workspaceGuid), true, 'Default blob datastore of the workspace (Azurite).'),
    make(ARTIFACT_STORE, 'azureml', false, 'Artifact store of the workspace: job logs and outputs (Azurite).'),
  ];
}

/** Creates the default datastores and their containers (idempotent). */
export async function ensureDefaultDatastores(deps: ArmDeps, scope: WorkspaceScope, workspaceGuid: string, now: Date): Promise<void> {
  for (const ds of defaultDatastores(scope, workspaceGuid, deps, undefined, now)) {
    await deps.store.withLock(ds.id, async () => {
      if (!(await deps.store.get(ds.id))) await deps.store.put(ds.id, ds);
    });
    const props = ds.properties as { containerName: string };
    await deps.blob.ensureContainer(props.containerName);
  }
}

/** Wire shape: secrets removed. */
export function presentDatastore(ds: ArmResource): ArmResource {
  const out = structuredClone(ds);
  const props = out.properties as Record<string, unknown> | undefined;
  const cred = props?.credentials as Record<string, unknown> | undefined;
  if (cred && isObj(cred.secrets)) {
    cred.secrets = { secretsType: cred.secrets.secretsType };
  }
  return out;
}

function validateDatastore(props: Record<string, unknown>): void {
  const type = props.datastoreType;
  if (typeof type !== 'string') {
    throw ArmErrors.validation('properties.datastoreType', `The datastore property 'datastoreType' is required (one of ${DATASTORE_TYPES.join(', ')}).`);
  }
  if (!DATASTORE_TYPES.includes(type)) {
    throw ArmErrors.validation('properties.datastoreType', `The datastore type '${type}' is not valid; expected one of ${DATASTORE_TYPES.join(', ')}.`);
  }
  const cred = props.credentials;
  if (!isObj(cred)) throw ArmErrors.validation('properties.credentials', "The datastore property 'credentials' is required.");
  if (typeof cred.credentialsType !== 'string' || !CREDENTIAL_TYPES.includes(cred.credentialsType)) {
    throw ArmErrors.validation(
      'properties.credentials.credentialsType',
      `The datastore property 'credentials.credentialsType' must be one of ${CREDENTIAL_TYPES.join(', ')}.`,
    );
  }
  if (cred.credentialsType !== 'None' && !isObj(cred.secrets)) {
    throw ArmErrors.validation('properties.credentials.secrets', `Credentials of type '${cred.credentialsType}' need 'secrets'.`);
  }
  if (type === 'AzureBlob' || type === 'AzureFile') {
    for (const k of ['accountName', type === 'AzureBlob' ? 'containerName' : 'fileShareName']) {
      if (typeof props[k] !== 'string' || props[k] === '') {
        throw ArmErrors.validation(`properties.${k}`, `The ${type} datastore property '${k}' is required.`);
      }
    }
  }
}

export function datastoreRoutes(deps: ArmDeps): Route[] {
  const base = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/workspaces/{workspaceName}/datastores`;

  const load = async (req: EmulatorRequest): Promise<ArmResource> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    const ds = await deps.store.get(childId(scope, 'datastores', req.params.name));
    if (!ds) throw ArmErrors.notFound('datastore', req.params.name, scope.workspaceName);
    return ds;
  };

  const get = async (req: EmulatorRequest): Promise<EmulatorResponse> => ({ status: 200, body: presentDatastore(await load(req)) });

  const list = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    let items = await deps.store.list(childId(scope, 'datastores'));
    const isDefault = req.query.get('isDefault');
    if (isDefault !== null && isDefault !== '') {
      const want = isDefault.toLowerCase() === 'true';
      items = items.filter((d) => Boolean((d.properties as Record<string, unknown>).isDefault) === want);
    }
    const names = req.query
      .getAll('names')
      .flatMap((n) => n.split(','))
      .map((n) => n.trim().toLowerCase())
      .filter(Boolean);
    if (names.length > 0) items = items.filter((d) => names.includes(d.name.toLowerCase()));
    const search = req.query.get('searchText');
    if (search) items = items.filter((d) => d.name.toLowerCase().includes(search.toLowerCase()));
    const orderBy = (req.query.get('orderBy') ?? 'name').toLowerCase();
    const asc = (req.query.get('orderByAsc') ?? 'true').toLowerCase() !== 'false';
    const keyOf = (d: ArmResource) =>
      orderBy.startsWith('created') ? String((d.systemData as { createdAt?: string } | undefined)?.createdAt ?? '') : d.name.toLowerCase();
    items.sort((a, b) => (asc ? 1 : -1) * keyOf(a).localeCompare(keyOf(b)));
    const count = intParam(req, 'count', 1, 1000);
    return { status: 200, body: page(items.map(presentDatastore), req, { pageSize: count ?? deps.pageSize }) };
  };

  const put = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    const name = req.params.name;
    if (!NAME_RE.test(name)) {
      throw ArmErrors.validation('name', `Datastore name '${name}' is invalid: use letters, digits and '_' only.`);
    }
    const props = structuredClone(propertiesOf(req.body, 'datastore'));
    validateDatastore(props);
    const id = childId(scope, 'datastores', name);
    return deps.store.withLock(id, async () => {
      const existing = await deps.store.get(id);
      const oldProps = (existing?.properties ?? {}) as Record<string, unknown>;
      // A PUT without the secret value keeps the stored one (clients read datastores back without secrets).
      const cred = props.credentials as Record<string, unknown>;
      const oldCred = oldProps.credentials as Record<string, unknown> | undefined;
      if (isObj(cred.secrets) && oldCred && isObj(oldCred.secrets) && cred.credentialsType === oldCred.credentialsType) {
        cred.secrets = { ...oldCred.secrets, ...cred.secrets };
      }
      const next: ArmResource = {
        id: existing?.id ?? id,
        name: existing?.name ?? name,
        type: TYPES.datastore,
        properties: {
          description: null,
          tags: {},
          properties: {},
          ...props,
          isDefault: Boolean(oldProps.isDefault),
          ...(props.datastoreType === 'AzureBlob' ? { serviceDataAccessAuthIdentity: props.serviceDataAccessAuthIdentity ?? 'None' } : {}),
        },
        systemData: existing ? modifiedSystemData(existing.systemData, req.ctx, req.ctx.now) : createdSystemData(req.ctx, req.ctx.now),
      };
      await deps.store.put(id, next);
      return { status: existing ? 200 : 201, body: presentDatastore(next) };
    });
  };

  const del = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    const id = childId(scope, 'datastores', req.params.name);
    const existing = await deps.store.get(id);
    if (existing && (existing.properties as Record<string, unknown>).isDefault) {
      throw ArmErrors.badRequest(`The default datastore '${existing.name}' cannot be deleted.`, 'name');
    }
    const deleted = await deps.store.delete(id);
    return { status: deleted ? 200 : 204 };
  };

  // POST listSecrets → 200 with the account key (jobs/command-job-builder-code-upload.json entry 5; README observation 20).
  const listSecrets = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const ds = await load(req);
    const cred = (ds.properties as Record<string, unknown>).credentials as Record<string, unknown> | undefined;
    if (!cred || !isObj(cred.secrets)) {
      throw ArmErrors.badRequest(`The datastore '${ds.name}' has no secrets (credentials type '${String(cred?.credentialsType ?? 'None')}').`);
    }
    return { status: 200, body: cred.secrets };
  };

  return [
    { method: 'GET', pattern: base, operation: 'Datastores_List', handler: list },
    { method: 'GET', pattern: `${base}/{name}`, operation: 'Datastores_Get', handler: get },
    { method: 'PUT', pattern: `${base}/{name}`, operation: 'Datastores_CreateOrUpdate', handler: put },
    { method: 'DELETE', pattern: `${base}/{name}`, operation: 'Datastores_Delete', handler: del },
    { method: 'POST', pattern: `${base}/{name}/listSecrets`, operation: 'Datastores_ListSecrets', handler: listSecrets },
  ];
}
