/**
 * Batch endpoints (`…/workspaces/{ws}/batchEndpoints/{name}`) and batch deployments
 * (`…/batchEndpoints/{e}/deployments/{d}`) over ARM, as the 2024-10-01 swagger (mfe.json:
 * BatchEndpoints_* / BatchDeployments_*, BatchEndpointTrackedResource, BatchDeploymentTrackedResource)
 * defines them and as Azure answered Microsoft's SDK (azure-recordings batch-endpoints/
 * batch-endpoint-create-delete.json, batch-endpoint-deployment-invoke.json):
 *
 * - PUT endpoint / deployment: long-running, 201 (create) + `Azure-AsyncOperation` + `Location` (the
 *   resource's URL) + `x-ms-async-operation-timeout: PT30M`; the operation status is `Updating` →
 *   `Succeeded`; the endpoint answers `Creating` (then `Succeeded`), the deployment `Updating`.
 * - GET, list (`value`, paged), DELETE (202, body `null`, both polling headers, `Updating` →
 *   `Succeeded`, then GET → 404 `NotFound` / `NoSuchEndpoint`).
 * - PATCH endpoint: tags and identity only (PartialMinimalTrackedResourceWithIdentity); the default
 *   deployment (`properties.defaults.deploymentName`) is set by a PUT of the endpoint
 *   (`az ml batch-endpoint update --set defaults.deployment_name=…` / `endpoint.defaults.deployment_name = …;
 *   ml_client.batch_endpoints.begin_create_or_update(endpoint)`:
 *   https://learn.microsoft.com/azure/machine-learning/how-to-use-batch-model-deployments).
 *   PATCH deployment: tags and `properties.description` (PartialBatchDeployment).
 *
 * `listkeys` answers the keys of an authMode Key endpoint. Invoking (POST `<scoringUri>` creating a
 * batch scoring job) is batch-invoke.ts.
 */
import { ArmError, ArmErrors } from '../arm/errors.js';
import { resolveAssetReference } from '../arm/assets.js';
import { apiVersionOf, beginInWorkspace, requireWorkspace, type ArmDeps } from '../arm/deps.js';
import { childId, guidFrom, scopeFromParams, type WorkspaceScope } from '../arm/ids.js';
import { intParam, page } from '../arm/paging.js';
import { createdSystemData, modifiedSystemData } from '../arm/system-data.js';
import { MLS_NAMESPACE } from '../config.js';
import type { ArmResource, EmulatorRequest, EmulatorResponse, RequestContext, Route } from '../types.js';
import { EndpointErrors } from './errors.js';
import { AUTH_MODES, BUSY_DEPLOYMENT_STATES, BUSY_ENDPOINT_STATES, keysRecordId } from './ids.js';
import { newKey, type EndpointService } from './service.js';
import { checkDeploymentName, checkEndpointName, durationMs, presentIdentity } from './validate.js';
import { isObj, type Obj } from '../obj.js';

export const BATCH_ENDPOINT_TYPE = `${MLS_NAMESPACE}/workspaces/batchEndpoints`;
export const BATCH_DEPLOYMENT_TYPE = `${MLS_NAMESPACE}/workspaces/batchEndpoints/deployments`;
export const BATCH_ENDPOINTS_BASE = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/workspaces/{workspaceName}/batchEndpoints`;

export function batchEndpointIdOf(scope: WorkspaceScope, name: string): string {
  return childId(scope, 'batchEndpoints', name);
}

/**
 * The scoring URI of a batch endpoint. Azure forms `https://{name}.{region}.inference.ml.azure.com/jobs`
 * (batch-endpoint-create-delete.json entry 4, batch-endpoint-deployment-invoke.json entry 4); the
 * emulator puts the endpoint's host part into the path, as for online endpoints (`/inference/{name}/score`).
 */
export function batchScoringUri(baseUrl: string, name: string): string {
  return `${baseUrl}/inference/${encodeURIComponent(name)}/jobs`;
}

// --- validation (swagger 2024-10-01 mfe.json) ----------------------------------------------------

/** A batch deployment that does not exist (the shape of the online one, errors.ts; Azure's batch answer is not recorded). */
function batchDeploymentNotFound(endpoint: string, name: string, workspace: string): ArmError {
  return new ArmError(404, 'UserError', `Deployment '${name}' was not found in batch endpoint '${endpoint}' of workspace '${workspace}'.`, {
    component: 'managementfrontend',
    details: [{ code: 'NotFound', message: `The batch deployment '${name}' does not exist.` }],
  });
}

function fail(target: string, message: string): never {
  throw EndpointErrors.invalid(target, message);
}

/** TrackedResource + the batch resource's own keys (`additionalProperties: false`). */
const TRACKED_KEYS = ['id', 'name', 'type', 'systemData', 'tags', 'location', 'identity', 'kind', 'properties', 'sku'];
/** BatchEndpoint = EndpointPropertiesBase + defaults + provisioningState (read-only ones taken and ignored: a GET → PUT round trip). */
const ENDPOINT_KEYS = ['authMode', 'description', 'keys', 'properties', 'scoringUri', 'swaggerUri', 'defaults', 'provisioningState'];
/** BatchDeployment = EndpointDeploymentPropertiesBase + the batch settings. */
const DEPLOYMENT_KEYS = [
  'codeConfiguration',
  'description',
  'environmentId',
  'environmentVariables',
  'properties',
  'compute',
  'deploymentConfiguration',
  'errorThreshold',
  'loggingLevel',
  'maxConcurrencyPerInstance',
  'miniBatchSize',
  'model',
  'outputAction',
  'outputFileName',
  'provisioningState',
  'resources',
  'retrySettings',
];
const LOGGING_LEVELS = ['Info', 'Warning', 'Debug'] as const; // BatchLoggingLevel
const OUTPUT_ACTIONS = ['SummaryOnly', 'AppendRow'] as const; // BatchOutputAction
const REFERENCE_TYPES: Record<string, string[]> = {
  // AssetReferenceBase subtypes: IdAssetReference (assetId required), DataPathAssetReference, OutputPathAssetReference.
  Id: ['assetId'],
  DataPath: [],
  OutputPath: [],
};

function onlyKeys(o: Obj, allowed: string[], at: string): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k)) fail(`${at}${k}`, `'${at}${k}' is not a property of this resource (allowed: ${allowed.join(', ')}).`);
}

function optString(o: Obj, key: string, at: string): void {
  if (o[key] !== undefined && o[key] !== null && typeof o[key] !== 'string') fail(`${at}.${key}`, `'${key}' must be a string.`);
}

function optStringMap(o: Obj, key: string, at: string): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  if (!isObj(v)) fail(`${at}.${key}`, `'${key}' must be an object of strings.`);
  for (const [k, x] of Object.entries(v)) if (x !== null && typeof x !== 'string') fail(`${at}.${key}.${k}`, `'${key}.${k}' must be a string.`);
}

function optInt(o: Obj, key: string, at: string, min: number): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(`${at}.${key}`, `'${key}' must be an integer ≥ ${min}, got ${JSON.stringify(v)}.`);
}

/** An enum taken in any case and answered in Azure's spelling (`aadToken` → `AADToken`, `info` → `Info`: both recordings, entries 1 and 15). */
function canonicalEnum(o: Obj, key: string, at: string, allowed: readonly string[]): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  const hit = typeof v === 'string' ? allowed.find((a) => a.toLowerCase() === v.toLowerCase()) : undefined;
  if (!hit) fail(`${at}.${key}`, `${key} '${String(v)}' is not valid; expected one of ${allowed.join(', ')}.`);
  o[key] = hit;
}

/** Body of a batch endpoint PUT: `location` and `properties` required (BatchEndpointTrackedResource), `properties.authMode` required (EndpointPropertiesBase). */
export function validateBatchEndpointBody(body: unknown): Obj {
  if (!isObj(body)) throw ArmErrors.badRequest("The request body of a batch endpoint must be a JSON object with 'location' and 'properties'.", 'body');
  onlyKeys(body, TRACKED_KEYS, '');
  if (typeof body.location !== 'string' || body.location === '') throw ArmErrors.locationRequired();
  if (!isObj(body.properties)) fail('properties', "The batch endpoint body must contain the object 'properties'.");
  if (body.tags !== undefined && body.tags !== null) optStringMap(body, 'tags', '');
  const p = body.properties;
  onlyKeys(p, ENDPOINT_KEYS, 'properties.');
  if (p.authMode === undefined || p.authMode === null) fail('properties.authMode', `The property 'authMode' is required: one of ${AUTH_MODES.join(', ')}.`);
  canonicalEnum(p, 'authMode', 'properties', AUTH_MODES);
  optString(p, 'description', 'properties');
  optStringMap(p, 'properties', 'properties');
  if (p.defaults !== undefined && p.defaults !== null) {
    if (!isObj(p.defaults)) fail('properties.defaults', "'defaults' must be an object { deploymentName }.");
    onlyKeys(p.defaults, ['deploymentName'], 'properties.defaults.');
    optString(p.defaults, 'deploymentName', 'properties.defaults');
  }
  if (p.keys !== undefined && p.keys !== null) {
    if (!isObj(p.keys)) fail('properties.keys', "'keys' must be an object with primaryKey and secondaryKey.");
    onlyKeys(p.keys, ['primaryKey', 'secondaryKey'], 'properties.keys.');
  }
  return p;
}

/** Body of a batch deployment PUT (BatchDeploymentTrackedResource: `location`, `properties` required). */
export function validateBatchDeploymentBody(body: unknown): Obj {
  if (!isObj(body)) throw ArmErrors.badRequest("The request body of a batch deployment must be a JSON object with 'location' and 'properties'.", 'body');
  onlyKeys(body, TRACKED_KEYS, '');
  if (typeof body.location !== 'string' || body.location === '') throw ArmErrors.locationRequired();
  if (!isObj(body.properties)) fail('properties', "The batch deployment body must contain the object 'properties'.");
  const p = body.properties;
  const at = 'properties';
  onlyKeys(p, DEPLOYMENT_KEYS, 'properties.');
  for (const k of ['description', 'environmentId', 'compute', 'outputFileName']) optString(p, k, at);
  optStringMap(p, 'properties', at);
  optStringMap(p, 'environmentVariables', at);
  optInt(p, 'errorThreshold', at, -1); // "Range is [-1, int.MaxValue]"
  optInt(p, 'maxConcurrencyPerInstance', at, 1);
  optInt(p, 'miniBatchSize', at, 1);
  canonicalEnum(p, 'loggingLevel', at, LOGGING_LEVELS);
  canonicalEnum(p, 'outputAction', at, OUTPUT_ACTIONS);
  if (p.codeConfiguration !== undefined && p.codeConfiguration !== null) {
    const c = p.codeConfiguration;
    if (!isObj(c)) fail(`${at}.codeConfiguration`, "'codeConfiguration' must be an object { codeId, scoringScript }.");
    onlyKeys(c, ['codeId', 'scoringScript'], `${at}.codeConfiguration.`);
    // CodeConfiguration: scoringScript required, minLength 1, pattern [a-zA-Z0-9_].
    if (typeof c.scoringScript !== 'string' || !/[a-zA-Z0-9_]/.test(c.scoringScript))
      fail(`${at}.codeConfiguration.scoringScript`, "The property 'scoringScript' is required: the script to run, e.g. score.py.");
    optString(c, 'codeId', `${at}.codeConfiguration`);
  }
  if (p.model !== undefined && p.model !== null) {
    const m = p.model;
    if (!isObj(m)) fail(`${at}.model`, "'model' must be an asset reference object { referenceType, … }.");
    const need = typeof m.referenceType === 'string' ? REFERENCE_TYPES[m.referenceType] : undefined;
    if (!need) fail(`${at}.model.referenceType`, `The property 'referenceType' is required: one of ${Object.keys(REFERENCE_TYPES).join(', ')}.`);
    for (const k of need)
      if (typeof m[k] !== 'string' || m[k] === '') fail(`${at}.model.${k}`, `The property '${k}' is required for referenceType ${String(m.referenceType)}.`);
  }
  if (p.resources !== undefined && p.resources !== null) {
    if (!isObj(p.resources)) fail(`${at}.resources`, "'resources' must be an object { instanceCount, instanceType, properties }.");
    onlyKeys(p.resources, ['instanceCount', 'instanceType', 'properties'], `${at}.resources.`);
    optInt(p.resources, 'instanceCount', `${at}.resources`, 1);
    optString(p.resources, 'instanceType', `${at}.resources`);
  }
  if (p.retrySettings !== undefined && p.retrySettings !== null) {
    if (!isObj(p.retrySettings)) fail(`${at}.retrySettings`, "'retrySettings' must be an object { maxRetries, timeout }.");
    onlyKeys(p.retrySettings, ['maxRetries', 'timeout'], `${at}.retrySettings.`);
    optInt(p.retrySettings, 'maxRetries', `${at}.retrySettings`, 0);
    if (p.retrySettings.timeout !== undefined && p.retrySettings.timeout !== null) durationMs(p.retrySettings.timeout, `${at}.retrySettings.timeout`);
  }
  if (p.deploymentConfiguration !== undefined && p.deploymentConfiguration !== null) {
    if (!isObj(p.deploymentConfiguration) || typeof p.deploymentConfiguration.deploymentConfigurationType !== 'string')
      fail(`${at}.deploymentConfiguration.deploymentConfigurationType`, "The property 'deploymentConfigurationType' is required (Model or PipelineComponent).");
  }
  return p;
}

/** The swagger defaults of a batch deployment, in the shape Azure answers (batch-endpoint-deployment-invoke.json entry 15). */
function deploymentDefaults(p: Obj): Obj {
  const out: Obj = { ...p };
  out.description ??= null;
  out.properties ??= {};
  out.environmentVariables ??= {};
  out.compute ??= null;
  out.errorThreshold ??= -1;
  out.retrySettings = { maxRetries: 3, timeout: 'PT30S', ...(isObj(p.retrySettings) ? p.retrySettings : {}) };
  out.miniBatchSize ??= 10;
  out.loggingLevel ??= 'Info';
  out.maxConcurrencyPerInstance ??= 1;
  out.outputAction ??= 'AppendRow';
  out.outputFileName ??= 'predictions.csv';
  out.resources = { instanceCount: 1, instanceType: null, properties: null, ...(isObj(p.resources) ? p.resources : {}) };
  if (isObj(out.resources) && isObj(out.resources.properties) && Object.keys(out.resources.properties).length === 0) out.resources.properties = null;
  return out;
}

// --- routes --------------------------------------------------------------------------------------

export function batchEndpointRoutes(svc: EndpointService): Route[] {
  const deps: ArmDeps = svc.deps.arm;
  const tenant = deps.defaults.tenantId;
  const stateOf = (r: ArmResource | undefined) => String(((r?.properties ?? {}) as Obj).provisioningState ?? '');

  /** The wire shape: no scoring URI until the endpoint exists (entry 1 → entry 4); `swaggerUri` is null for batch (entries 1, 4). */
  const present = (res: ArmResource, ctx: RequestContext): ArmResource => {
    const out = structuredClone(res);
    const props = (out.properties ?? {}) as Obj;
    props.scoringUri = stateOf(res) === 'Creating' ? null : batchScoringUri(ctx.baseUrl, res.name);
    props.swaggerUri = null;
    return out;
  };

  const loadEndpoint = async (req: EmulatorRequest) => {
    const scope = scopeFromParams(req.params);
    const ws = await requireWorkspace(deps, scope);
    const endpoint = await deps.store.get(batchEndpointIdOf(scope, req.params.endpointName));
    // 404 NotFound + NoSuchEndpoint (batch-endpoint-create-delete.json entry 10).
    if (!endpoint) throw EndpointErrors.endpointNotFound(req.params.endpointName, scope.workspaceName);
    return { scope, ws, endpoint };
  };

  const loadDeployment = async (req: EmulatorRequest) => {
    const base = await loadEndpoint(req);
    const deployment = await deps.store.get(`${base.endpoint.id}/deployments/${req.params.deploymentName}`);
    if (!deployment) throw batchDeploymentNotFound(base.endpoint.name, req.params.deploymentName, base.scope.workspaceName);
    return { ...base, deployment };
  };

  /** The work of a create/update: the operation's duration, then `Succeeded`. */
  const settle = (id: string, what: string) => () =>
    svc.track(
      (async () => {
        await svc.sleep(deps.timings.lroMs);
        const done = await svc.setState(id, 'Succeeded', ['Creating', 'Updating']);
        if (!done) throw ArmErrors.operationFailed('OperationCanceled', `The ${what} was deleted before its operation completed.`);
      })(),
    );

  const created = (r: ArmResource) => String((r.systemData as { createdAt?: string } | undefined)?.createdAt ?? '');

  // --- endpoints ---

  const listEndpoints = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    const items = (await deps.store.list(childId(scope, 'batchEndpoints'))).sort(
      (a, b) => created(b).localeCompare(created(a)) || a.name.localeCompare(b.name),
    );
    const count = intParam(req, 'count', 1, 1000);
    return {
      status: 200,
      body: page(
        items.map((e) => present(e, req.ctx)),
        req,
        { pageSize: count ?? deps.pageSize },
      ),
    };
  };

  const getEndpoint = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { endpoint } = await loadEndpoint(req);
    return { status: 200, body: present(endpoint, req.ctx) };
  };

  const putEndpoint = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    const ws = await requireWorkspace(deps, scope);
    const name = req.params.endpointName;
    checkEndpointName(name);
    const body = req.body as Obj;
    const input = validateBatchEndpointBody(body);
    const id = batchEndpointIdOf(scope, name);
    return deps.store.withLock(id, async () => {
      const existing = await deps.store.get(id);
      if (existing && BUSY_ENDPOINT_STATES.includes(stateOf(existing)))
        throw EndpointErrors.endpointBusy(existing.name, stateOf(existing), scope.workspaceName);
      const old = (existing?.properties ?? {}) as Obj;
      const wanted = isObj(input.defaults) ? input.defaults.deploymentName : undefined;
      if (typeof wanted === 'string' && wanted !== '') {
        // The default must be one of the endpoint's deployments (not recorded; what the default is for: it takes the invocations).
        const dep = existing ? await deps.store.get(`${existing.id}/deployments/${wanted}`) : undefined;
        if (!dep) throw batchDeploymentNotFound(name, wanted, scope.workspaceName);
      }
      const oldDefaults = isObj(old.defaults) ? old.defaults : { deploymentName: null };
      const props: Obj = {
        description: input.description !== undefined ? input.description : (old.description ?? null),
        properties: {
          ...(isObj(old.properties) ? old.properties : {}),
          ...(isObj(input.properties) ? input.properties : {}),
          // Added by the service (batch-endpoint-deployment-invoke.json entry 1).
          ...(existing ? {} : { BatchEndpointCreationApiVersion: apiVersionOf(req) }),
          'azureml.onlineendpointid': existing?.id ?? id,
        },
        scoringUri: null,
        swaggerUri: null,
        authMode: input.authMode,
        // `defaults: { deploymentName: null }` unless set (entries 1, 4).
        defaults: input.defaults === undefined ? oldDefaults : { deploymentName: isObj(input.defaults) ? (input.defaults.deploymentName ?? null) : null },
        provisioningState: existing ? 'Updating' : 'Creating',
      };
      const resource: ArmResource = {
        id: existing?.id ?? id,
        name: existing?.name ?? name,
        type: BATCH_ENDPOINT_TYPE,
        location: existing?.location ?? body.location,
        tags: isObj(body.tags) ? body.tags : (existing?.tags ?? {}),
        ...(body.kind !== undefined || existing?.kind !== undefined ? { kind: body.kind ?? existing?.kind } : {}),
        // `identity` always answered, `None` when the request has none (batch-endpoint-create-delete.json entry 1).
        identity: presentIdentity(body.identity ?? existing?.identity ?? { type: 'None' }, tenant, (s) => guidFrom(`${id.toLowerCase()}:${s}`)),
        properties: props,
        systemData: existing ? modifiedSystemData(existing.systemData, req.ctx, req.ctx.now) : createdSystemData(req.ctx, req.ctx.now),
      };
      if (!existing) {
        // `keys` sets the initial keys (x-ms-mutability create) and is never answered (EndpointPropertiesBase.keys).
        const keys = isObj(input.keys) ? input.keys : {};
        await deps.store.put(keysRecordId(id), {
          primaryKey: typeof keys.primaryKey === 'string' && keys.primaryKey ? keys.primaryKey : newKey(),
          secondaryKey: typeof keys.secondaryKey === 'string' && keys.secondaryKey ? keys.secondaryKey : newKey(),
        });
      }
      await deps.store.put(id, resource);
      const op = beginInWorkspace(deps, req, scope, ws, {
        operation: 'BatchEndpoints_CreateOrUpdate',
        resourceId: id,
        minDurationMs: 0,
        runningStatus: 'Updating', // entries 2-3 of both recordings: Updating → Succeeded
        work: settle(id, 'batch endpoint'),
      });
      // 201 + Azure-AsyncOperation + Location (the endpoint's URL) + PT30M (batch-endpoint-create-delete.json entry 1).
      return deps.lro.accepted(op, req, {
        status: existing ? 200 : 201,
        body: present(resource, req.ctx),
        poll: 'async',
        resourceLocation: resource.id,
        timeout: 'PT30M',
      });
    });
  };

  const patchEndpoint = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { scope, ws, endpoint } = await loadEndpoint(req);
    const body = req.body;
    if (!isObj(body)) throw ArmErrors.badRequest('The request body of a batch endpoint update must be a JSON object (tags, identity).', 'body');
    // PartialMinimalTrackedResourceWithIdentity: tags and identity only; the default deployment is set by a PUT.
    onlyKeys(body, ['tags', 'identity'], '');
    if (body.tags !== undefined && body.tags !== null) optStringMap(body, 'tags', '');
    const updated = await deps.store.withLock(endpoint.id, async () => {
      const current = (await deps.store.get(endpoint.id)) ?? endpoint;
      if (BUSY_ENDPOINT_STATES.includes(stateOf(current))) throw EndpointErrors.endpointBusy(current.name, stateOf(current), scope.workspaceName);
      if (isObj(body.tags)) current.tags = body.tags;
      if (isObj(body.identity)) current.identity = presentIdentity(body.identity, tenant, (s) => guidFrom(`${current.id.toLowerCase()}:${s}`));
      (current.properties as Obj).provisioningState = 'Updating';
      current.systemData = modifiedSystemData(current.systemData, req.ctx, req.ctx.now);
      await deps.store.put(current.id, current);
      return current;
    });
    const op = beginInWorkspace(deps, req, scope, ws, {
      operation: 'BatchEndpoints_Update',
      resourceId: updated.id,
      minDurationMs: 0,
      work: async () => {
        await settle(updated.id, 'batch endpoint')();
        const done = await deps.store.get(updated.id);
        return { status: 200, body: done ? present(done, req.ctx) : undefined };
      },
    });
    // 202 + Location, as the online endpoint's PATCH (swagger BatchEndpoints_Update: 200 or 202).
    return deps.lro.accepted(op, req, { status: 202, poll: 'location', timeout: 'PT1H' });
  };

  const deleteEndpoint = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    const ws = await requireWorkspace(deps, scope);
    const id = batchEndpointIdOf(scope, req.params.endpointName);
    return deps.store.withLock(id, async () => {
      const endpoint = await deps.store.get(id);
      if (!endpoint) return { status: 204 }; // swagger BatchEndpoints_Delete: 204
      if (BUSY_ENDPOINT_STATES.includes(stateOf(endpoint))) throw EndpointErrors.endpointBusy(endpoint.name, stateOf(endpoint), scope.workspaceName);
      (endpoint.properties as Obj).provisioningState = 'Deleting';
      await deps.store.put(id, endpoint);
      const op = beginInWorkspace(deps, req, scope, ws, {
        operation: 'BatchEndpoints_Delete',
        resourceId: id,
        minDurationMs: 0,
        runningStatus: 'Updating', // batch-endpoint-create-delete.json entries 7-9
        work: () =>
          svc.track(
            (async () => {
              await svc.sleep(deps.timings.lroMs);
              for (const d of await deps.store.list(`${id}/deployments`)) await deps.store.delete(d.id);
              await deps.store.delete(keysRecordId(id));
              await deps.store.delete(id);
              return { status: 200 };
            })(),
          ),
      });
      // 202, body null, Azure-AsyncOperation + Location, PT30M (batch-endpoint-create-delete.json entry 6).
      return deps.lro.accepted(op, req, { status: 202, body: null, poll: 'both', timeout: 'PT30M' });
    });
  };

  /** BatchEndpoints_ListKeys (POST …/listkeys → EndpointAuthKeys): keys exist for authMode Key only, as for online endpoints (endpoints.ts listKeys). */
  const listKeys = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { endpoint } = await loadEndpoint(req);
    const mode = String((endpoint.properties as Obj).authMode);
    if (mode !== 'Key') {
      throw ArmErrors.badRequest(
        `Batch endpoint '${endpoint.name}' uses authMode '${mode}'; keys exist only for authMode 'Key'.${mode === 'AADToken' ? ' Invoke it with a Microsoft Entra token for https://ml.azure.com.' : ''}`,
        'authMode',
      );
    }
    return { status: 200, body: await svc.keysOf(endpoint.id) };
  };

  // --- deployments ---

  const listDeployments = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { endpoint } = await loadEndpoint(req);
    const items = (await deps.store.list(`${endpoint.id}/deployments`)).sort((a, b) => created(b).localeCompare(created(a)) || a.name.localeCompare(b.name));
    const top = intParam(req, '$top', 1, 100_000);
    return { status: 200, body: page(items, req, { pageSize: deps.pageSize, ...(top !== undefined ? { top } : {}) }) };
  };

  const getDeployment = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { deployment } = await loadDeployment(req);
    return { status: 200, body: deployment };
  };

  const putDeployment = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { scope, ws, endpoint } = await loadEndpoint(req);
    const name = req.params.deploymentName;
    checkDeploymentName(name);
    const body = req.body as Obj;
    const input = structuredClone(validateBatchDeploymentBody(body));
    if (BUSY_ENDPOINT_STATES.includes(stateOf(endpoint))) throw EndpointErrors.endpointNotReadyForDeployment(endpoint.name, stateOf(endpoint));
    // References resolve in the workspace, as for online deployments (registry references are taken as they are).
    if (isObj(input.model) && input.model.referenceType === 'Id' && typeof input.model.assetId === 'string') {
      input.model = { ...input.model, assetId: await resolveAssetReference(deps, scope, 'models', input.model.assetId, 'properties.model.assetId') };
    }
    if (typeof input.environmentId === 'string' && input.environmentId.trim() !== '') {
      input.environmentId = await resolveAssetReference(deps, scope, 'environments', input.environmentId, 'properties.environmentId');
    }
    if (isObj(input.codeConfiguration) && typeof input.codeConfiguration.codeId === 'string') {
      input.codeConfiguration = {
        ...input.codeConfiguration,
        codeId: await resolveAssetReference(deps, scope, 'codes', input.codeConfiguration.codeId, 'properties.codeConfiguration.codeId'),
      };
    }
    const id = `${endpoint.id}/deployments/${name}`;
    const result = await deps.store.withLock(id, async () => {
      const existing = await deps.store.get(id);
      if (existing && BUSY_DEPLOYMENT_STATES.includes(stateOf(existing)))
        throw EndpointErrors.deploymentBusy(endpoint.name, existing.name, stateOf(existing), scope.workspaceName);
      const props = deploymentDefaults(input);
      // A deployment answers `Updating` while it is provisioned, even when created (batch-endpoint-deployment-invoke.json entry 15).
      props.provisioningState = 'Updating';
      const resource: ArmResource = {
        id: existing?.id ?? id,
        name: existing?.name ?? name,
        type: BATCH_DEPLOYMENT_TYPE,
        location: existing?.location ?? body.location,
        tags: isObj(body.tags) ? body.tags : (existing?.tags ?? {}),
        ...(body.kind !== undefined || existing?.kind !== undefined ? { kind: body.kind ?? existing?.kind } : {}),
        ...(body.identity !== undefined || existing?.identity !== undefined
          ? { identity: presentIdentity(body.identity ?? existing?.identity, tenant, (s) => guidFrom(`${id.toLowerCase()}:${s}`)) }
          : {}),
        ...(isObj(body.sku) ? { sku: body.sku } : existing?.sku !== undefined ? { sku: existing.sku } : {}),
        properties: props,
        systemData: existing ? modifiedSystemData(existing.systemData, req.ctx, req.ctx.now) : createdSystemData(req.ctx, req.ctx.now),
      };
      await deps.store.put(id, resource);
      return { resource, existing };
    });
    const op = beginInWorkspace(deps, req, scope, ws, {
      operation: 'BatchDeployments_CreateOrUpdate',
      resourceId: id,
      minDurationMs: 0,
      runningStatus: 'Updating', // batch-endpoint-deployment-invoke.json entries 16-17
      work: settle(id, 'batch deployment'),
    });
    // 201 + Azure-AsyncOperation + Location (the deployment's URL) + PT30M (batch-endpoint-deployment-invoke.json entry 15).
    return deps.lro.accepted(op, req, {
      status: result.existing ? 200 : 201,
      body: result.resource,
      poll: 'async',
      resourceLocation: result.resource.id,
      timeout: 'PT30M',
    });
  };

  const patchDeployment = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { scope, ws, endpoint, deployment } = await loadDeployment(req);
    const body = req.body;
    if (!isObj(body)) throw ArmErrors.badRequest('The request body of a batch deployment update must be a JSON object (tags, properties.description).', 'body');
    // PartialBatchDeploymentPartialMinimalTrackedResourceWithProperties: tags + PartialBatchDeployment (description).
    onlyKeys(body, ['tags', 'properties'], '');
    if (body.tags !== undefined && body.tags !== null) optStringMap(body, 'tags', '');
    if (body.properties !== undefined && body.properties !== null) {
      if (!isObj(body.properties)) fail('properties', "'properties' must be an object { description }.");
      onlyKeys(body.properties, ['description'], 'properties.');
      optString(body.properties, 'description', 'properties');
    }
    const updated = await deps.store.withLock(deployment.id, async () => {
      const current = (await deps.store.get(deployment.id)) ?? deployment;
      if (BUSY_DEPLOYMENT_STATES.includes(stateOf(current)))
        throw EndpointErrors.deploymentBusy(endpoint.name, current.name, stateOf(current), scope.workspaceName);
      if (isObj(body.tags)) current.tags = body.tags;
      if (isObj(body.properties) && body.properties.description !== undefined) (current.properties as Obj).description = body.properties.description;
      (current.properties as Obj).provisioningState = 'Updating';
      current.systemData = modifiedSystemData(current.systemData, req.ctx, req.ctx.now);
      await deps.store.put(current.id, current);
      return current;
    });
    const op = beginInWorkspace(deps, req, scope, ws, {
      operation: 'BatchDeployments_Update',
      resourceId: updated.id,
      minDurationMs: 0,
      work: async () => {
        await settle(updated.id, 'batch deployment')();
        const done = await deps.store.get(updated.id);
        return { status: 200, body: done };
      },
    });
    return deps.lro.accepted(op, req, { status: 202, poll: 'location', timeout: 'PT1H' });
  };

  const deleteDeployment = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { scope, ws, endpoint } = await loadEndpoint(req);
    const id = `${endpoint.id}/deployments/${req.params.deploymentName}`;
    return deps.store.withLock(id, async () => {
      const deployment = await deps.store.get(id);
      if (!deployment) return { status: 204 };
      if (BUSY_DEPLOYMENT_STATES.includes(stateOf(deployment)))
        throw EndpointErrors.deploymentBusy(endpoint.name, deployment.name, stateOf(deployment), scope.workspaceName);
      (deployment.properties as Obj).provisioningState = 'Deleting';
      await deps.store.put(id, deployment);
      const op = beginInWorkspace(deps, req, scope, ws, {
        operation: 'BatchDeployments_Delete',
        resourceId: id,
        minDurationMs: 0,
        runningStatus: 'Updating', // as the endpoint delete (batch-endpoint-create-delete.json entries 7-9)
        work: () =>
          svc.track(
            (async () => {
              await svc.sleep(deps.timings.lroMs);
              await deps.store.delete(id);
              // The endpoint no longer names a deleted deployment as its default.
              await deps.store.withLock(endpoint.id, async () => {
                const ep = await deps.store.get(endpoint.id);
                const d = isObj((ep?.properties as Obj | undefined)?.defaults) ? ((ep!.properties as Obj).defaults as Obj) : undefined;
                if (ep && d && typeof d.deploymentName === 'string' && d.deploymentName.toLowerCase() === deployment.name.toLowerCase()) {
                  d.deploymentName = null;
                  await deps.store.put(ep.id, ep);
                }
              });
              return { status: 200 };
            })(),
          ),
      });
      return deps.lro.accepted(op, req, { status: 202, body: null, poll: 'both', timeout: 'PT30M' });
    });
  };

  const base = BATCH_ENDPOINTS_BASE;
  const dep = `${base}/{endpointName}/deployments`;
  return [
    { method: 'GET', pattern: base, operation: 'BatchEndpoints_List', handler: listEndpoints },
    { method: 'GET', pattern: `${base}/{endpointName}`, operation: 'BatchEndpoints_Get', handler: getEndpoint },
    { method: 'PUT', pattern: `${base}/{endpointName}`, operation: 'BatchEndpoints_CreateOrUpdate', handler: putEndpoint },
    { method: 'PATCH', pattern: `${base}/{endpointName}`, operation: 'BatchEndpoints_Update', handler: patchEndpoint },
    { method: 'DELETE', pattern: `${base}/{endpointName}`, operation: 'BatchEndpoints_Delete', handler: deleteEndpoint },
    { method: 'POST', pattern: `${base}/{endpointName}/listkeys`, operation: 'BatchEndpoints_ListKeys', handler: listKeys },
    { method: 'GET', pattern: dep, operation: 'BatchDeployments_List', handler: listDeployments },
    { method: 'GET', pattern: `${dep}/{deploymentName}`, operation: 'BatchDeployments_Get', handler: getDeployment },
    { method: 'PUT', pattern: `${dep}/{deploymentName}`, operation: 'BatchDeployments_CreateOrUpdate', handler: putDeployment },
    { method: 'PATCH', pattern: `${dep}/{deploymentName}`, operation: 'BatchDeployments_Update', handler: patchDeployment },
    { method: 'DELETE', pattern: `${dep}/{deploymentName}`, operation: 'BatchDeployments_Delete', handler: deleteDeployment },
  ];
}
