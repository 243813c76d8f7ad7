/**
 * Online endpoints (`…/workspaces/{ws}/onlineEndpoints/{name}`), as the 2024-10-01 swagger has
 * them: PUT (long-running: 201/200 + `Azure-AsyncOperation`; `provisioningState` Creating or
 * Updating → Succeeded), GET, list, PATCH (tags and identity only, as
 * PartialMinimalTrackedResourceWithIdentity allows: 202 + `Location`), DELETE (202; deletes the
 * deployments and stops their processes), `listKeys`, `regenerateKeys` (202 + `Location`),
 * `token` (AMLToken endpoints), and Azure Monitor `metrics` / `metricDefinitions`.
 *
 * `traffic` and `mirrorTraffic` are validated like Azure (see validate.ts) against the
 * deployments that exist; the router switches to the new split when the operation completes.
 * While an operation runs the endpoint is `Creating`/`Updating`/`Deleting` and another write
 * gets 409 `Conflict`. A PUT that omits `traffic` or `mirrorTraffic` keeps the current values
 * (a GET → PUT round trip through an older api-version that does not know `mirrorTraffic` does
 * not clear it); an explicit `{}` or `null` clears them.
 */
import { MLS_NAMESPACE } from '../config.js';
import { ArmErrors } from '../arm/errors.js';
import { childId, parseWorkspaceChildId, sameScope } from '../arm/ids.js';
import { apiVersionOf, beginInWorkspace, propertiesOf, requireWorkspace } from '../arm/deps.js';
import { guidFrom, scopeFromParams, type WorkspaceScope } from '../arm/ids.js';
import { intParam, matchesKeyValueFilter, page } from '../arm/paging.js';
import { createdSystemData, modifiedSystemData } from '../arm/system-data.js';
import type { ArmResource, EmulatorRequest, EmulatorResponse, RequestContext, Route } from '../types.js';
import { EndpointErrors } from './errors.js';
import { amlTokenAudience, BUSY_ENDPOINT_STATES, ENDPOINT_METRICS_NAMESPACE, ENDPOINT_TYPE, endpointIdOf, endpointsCollectionId, keysRecordId } from './ids.js';
import { evaluateMetrics, metricDefinitions, parseMetricsQuery } from './metrics.js';
import { newKey, type EndpointService } from './service.js';
import { checkEndpointName, presentIdentity, validateEndpointProperties, validateTraffic, type DeploymentForTraffic } from './validate.js';
import { isObj, type Obj } from '../obj.js';

/**
 * The Kubernetes compute an endpoint's `compute` names (swagger OnlineEndpoint.compute: "ARM
 * resource ID of the compute"; a name or `azureml:<name>` is taken too), as its ARM id: it must
 * exist in the workspace and be a Kubernetes compute (the endpoint YAML's `compute` is "your
 * Kubernetes compute target. The legacy AKS compute is not supported": azureml-examples
 * cli/endpoints/online/kubernetes/kubernetes-endpoint.yml). Azure's exact wording of these 400s is
 * not recorded anywhere we found.
 */
export async function kubernetesComputeOf(deps: EndpointService['deps']['arm'], scope: WorkspaceScope, compute: string): Promise<ArmResource> {
  const at = 'properties.compute';
  let name = compute.replace(/^azureml:/i, '');
  if (compute.startsWith('/')) {
    const parsed = parseWorkspaceChildId(compute);
    if (!parsed || parsed.path.length !== 1 || parsed.path[0].type.toLowerCase() !== 'computes')
      throw ArmErrors.validation(at, `'${compute}' is not a compute id: expected /subscriptions/…/workspaces/<ws>/computes/<name>.`);
    if (!sameScope(parsed.scope, scope)) throw ArmErrors.validation(at, `The compute '${compute}' belongs to another workspace than '${scope.workspaceName}'.`);
    name = parsed.path[0].name;
  }
  const c = await deps.store.get(childId(scope, 'computes', name));
  if (!c) {
    throw ArmErrors.validation(
      at,
      `Compute '${name}' was not found in workspace '${scope.workspaceName}': attach the Kubernetes cluster first (az ml compute attach --type Kubernetes).`,
    );
  }
  const type = String((c.properties as Obj | undefined)?.computeType ?? '');
  if (type !== 'Kubernetes') {
    throw ArmErrors.validation(
      at,
      `Compute '${c.name}' is a ${type} compute; online endpoints run on Kubernetes computes only (or leave 'compute' out for a managed endpoint).`,
    );
  }
  return c;
}

export const ENDPOINTS_BASE = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/workspaces/{workspaceName}/onlineEndpoints`;

/** The scoring URI of an endpoint for the address the client used. */
export function scoringUri(baseUrl: string, name: string): string {
  return `${baseUrl}/inference/${encodeURIComponent(name)}/score`;
}

/** The wire shape: stored resource + `scoringUri`/`swaggerUri` for this client's address. */
export function presentEndpoint(res: ArmResource, ctx: RequestContext): ArmResource {
  const out = structuredClone(res);
  const props = (out.properties ?? {}) as Obj;
  const score = scoringUri(ctx.baseUrl, res.name);
  out.properties = { ...props, scoringUri: score, swaggerUri: score.replace(/\/score$/, '/swagger.json') };
  return out;
}

/**
 * What a PUT answers while its operation runs: the traffic maps as they were (the new split shows
 * only after the operation: online-endpoints/online-deployment-e2e.json entries 133, 136; README
 * observation 10) and, for a create, no scoring or swagger URI yet (entry 1).
 */
function putAnswer(body: ArmResource, old: Obj, created: boolean): ArmResource {
  const props = body.properties as Obj;
  props.traffic = numberMap(old.traffic);
  props.mirrorTraffic = numberMap(old.mirrorTraffic);
  if (created) {
    props.scoringUri = null;
    props.swaggerUri = null;
  }
  return body;
}

function numberMap(v: unknown): Record<string, number> {
  return isObj(v) ? (Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'number')) as Record<string, number>) : {};
}

export function endpointRoutes(svc: EndpointService): Route[] {
  const deps = svc.deps.arm;
  const tenant = deps.defaults.tenantId;

  const load = async (req: EmulatorRequest): Promise<{ scope: WorkspaceScope; ws: ArmResource; endpoint: ArmResource }> => {
    const scope = scopeFromParams(req.params);
    const ws = await requireWorkspace(deps, scope);
    const endpoint = await deps.store.get(endpointIdOf(scope, req.params.endpointName));
    if (!endpoint) throw EndpointErrors.endpointNotFound(req.params.endpointName, scope.workspaceName);
    return { scope, ws, endpoint };
  };

  const stateOf = (r: ArmResource) => String(((r.properties ?? {}) as Obj).provisioningState ?? '');

  /** Deployments of the endpoint, as traffic validation sees them. */
  const trafficTargets = async (endpointId: string): Promise<DeploymentForTraffic[]> => {
    const ep = svc.registry.byEndpointId(endpointId);
    const list = await deps.store.list(`${endpointId}/deployments`);
    return list.map((d) => {
      const state = stateOf(d);
      const rt = ep?.deployment(d.name);
      const canServe = rt ? rt.canServe : state !== 'Creating' && state !== 'Deleting' && state !== 'Failed';
      return { name: d.name, canServe, state };
    });
  };

  /** Ends an endpoint operation after its duration (or a stuckUpdating fault's): state Succeeded, router updated. */
  const finishOperation = (id: string, durationMs: number, opName: string) => async () => {
    await svc.sleep(durationMs);
    const res = await svc.setState(id, 'Succeeded', ['Creating', 'Updating']);
    if (!res) throw ArmErrors.operationFailed('OperationCanceled', `The endpoint was deleted before ${opName} completed.`);
    await svc.syncEndpoint(id, true);
    return { status: 200, body: undefined };
  };

  /**
   * Ends an endpoint operation that an `updateFailure` fault fails: an update is not applied (the
   * previous resource comes back, Succeeded), a creation leaves the endpoint Failed.
   */
  const failOperation = (id: string, durationMs: number, previous: ArmResource | undefined, fault: { code?: string; message?: string }) => async () => {
    await svc.sleep(durationMs);
    await svc.store.withLock(id, async () => {
      const current = await svc.store.get(id);
      if (!current) return;
      if (previous) {
        await svc.store.put(id, { ...previous, properties: { ...((previous.properties ?? {}) as Obj), provisioningState: 'Succeeded' } });
      } else {
        (current.properties as Obj).provisioningState = 'Failed';
        await svc.store.put(id, current);
      }
    });
    await svc.syncEndpoint(id, true);
    throw ArmErrors.operationFailed(
      fault.code ?? 'InternalServerError',
      fault.message ?? `The operation on endpoint '${id.split('/').pop()}' failed (injected fault).`,
    );
  };

  const operationDuration = (endpointName: string): number => {
    const stuck = svc.faults.take(['stuckUpdating'], endpointName);
    return stuck ? (stuck.ms ?? 0) : deps.timings.lroMs;
  };

  // --- handlers ------------------------------------------------------------------------------

  const list = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    let items = await deps.store.list(endpointsCollectionId(scope));
    const name = req.query.get('name');
    if (name) items = items.filter((e) => e.name.toLowerCase() === name.toLowerCase());
    const computeType = req.query.get('computeType');
    if (computeType && computeType.toLowerCase() !== 'managed') items = [];
    const tags = req.query.get('tags');
    items = items.filter((e) => matchesKeyValueFilter(tags, e.tags as Obj));
    const properties = req.query.get('properties');
    items = items.filter((e) => matchesKeyValueFilter(properties, ((e.properties as Obj).properties ?? {}) as Obj));
    const created = (r: ArmResource) => String((r.systemData as { createdAt?: string } | undefined)?.createdAt ?? '');
    const modified = (r: ArmResource) => String((r.systemData as { lastModifiedAt?: string } | undefined)?.lastModifiedAt ?? '');
    const order = (req.query.get('orderBy') ?? 'CreatedAtDesc').toLowerCase();
    const sorters: Record<string, (a: ArmResource, b: ArmResource) => number> = {
      createdatdesc: (a, b) => created(b).localeCompare(created(a)),
      createdatasc: (a, b) => created(a).localeCompare(created(b)),
      updatedatdesc: (a, b) => modified(b).localeCompare(modified(a)),
      updatedatasc: (a, b) => modified(a).localeCompare(modified(b)),
    };
    const sorter = sorters[order];
    if (!sorter)
      throw ArmErrors.badRequest(
        `orderBy '${req.query.get('orderBy')}' is not valid; expected CreatedAtDesc, CreatedAtAsc, UpdatedAtDesc or UpdatedAtAsc.`,
        'orderBy',
      );
    items.sort((a, b) => sorter(a, b) || a.name.localeCompare(b.name));
    const count = intParam(req, 'count', 1, 1000);
    return {
      status: 200,
      body: page(
        items.map((e) => presentEndpoint(e, req.ctx)),
        req,
        { pageSize: count ?? deps.pageSize },
      ),
    };
  };

  const get = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { endpoint } = await load(req);
    return { status: 200, body: presentEndpoint(endpoint, req.ctx) };
  };

  const put = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    const ws = await requireWorkspace(deps, scope);
    const name = req.params.endpointName;
    checkEndpointName(name);
    const body = req.body as Obj;
    const input = propertiesOf(body, 'online endpoint');
    const id = endpointIdOf(scope, name);
    const location = String(ws.location ?? deps.defaults.location);
    return deps.store.withLock(id, async () => {
      const existing = await deps.store.get(id);
      if (existing && BUSY_ENDPOINT_STATES.includes(stateOf(existing)))
        throw EndpointErrors.endpointBusy(existing.name, stateOf(existing), scope.workspaceName);
      validateEndpointProperties(input, !existing);
      if (typeof input.compute === 'string' && input.compute !== '') input.compute = (await kubernetesComputeOf(deps, scope, input.compute)).id;
      const oldCompute = ((existing?.properties ?? {}) as Obj).compute ?? null;
      if (existing && input.compute !== undefined && String(input.compute ?? '').toLowerCase() !== String(oldCompute ?? '').toLowerCase()) {
        throw EndpointErrors.immutable(
          'properties.compute',
          `The compute of endpoint '${existing.name}' is ${oldCompute ? `'${String(oldCompute)}'` : 'managed (none)'} and cannot change: create another endpoint.`,
        );
      }
      if (!existing && (body.location === undefined || body.location === null || body.location === '')) throw ArmErrors.locationRequired();
      const taken = svc.registry.byEndpointName(name);
      if (!existing && taken && taken.id.toLowerCase() !== id.toLowerCase()) {
        throw EndpointErrors.endpointNameTaken(name, location, taken.id.split('/workspaces/')[1]?.split('/')[0] ?? '?');
      }
      const old = (existing?.properties ?? {}) as Obj;
      const traffic = input.traffic === undefined ? numberMap(old.traffic) : numberMap(input.traffic);
      const mirror = input.mirrorTraffic === undefined ? numberMap(old.mirrorTraffic) : numberMap(input.mirrorTraffic);
      validateTraffic(name, traffic, mirror, existing ? await trafficTargets(id) : []);
      const compute = input.compute !== undefined ? input.compute : (old.compute ?? null);
      // No mirrored traffic on Kubernetes online endpoints (azure-ai-ml entities/_endpoint/online_endpoint.py:
      // a KubernetesOnlineEndpoint read back has no mirror_traffic; issue 15). Azure's wording is not recorded.
      if (compute && Object.values(mirror).some((v) => v > 0)) {
        throw EndpointErrors.invalid('properties.mirrorTraffic', `Endpoint '${name}' is a Kubernetes online endpoint: mirror traffic is not supported there.`);
      }
      const resourceName = existing?.name ?? name;
      const props: Obj = {
        description: input.description !== undefined ? input.description : (old.description ?? null),
        properties: {
          ...(old.properties ?? {}),
          ...(input.properties ?? {}),
          'azureml.onlineendpointid': id.toLowerCase(),
        },
        authMode: input.authMode ?? old.authMode,
        // `compute: null` unless set (online-endpoints/online-deployment-e2e.json entry 1).
        compute,
        traffic,
        mirrorTraffic: mirror,
        publicNetworkAccess: input.publicNetworkAccess ?? old.publicNetworkAccess ?? 'Enabled',
        provisioningState: existing ? 'Updating' : 'Creating',
      };
      const resource: ArmResource = {
        id: existing?.id ?? id,
        name: resourceName,
        type: ENDPOINT_TYPE,
        location: existing?.location ?? body.location,
        tags: isObj(body.tags) ? body.tags : (existing?.tags ?? {}),
        // `kind: "Managed"` (online-endpoints/online-deployment-e2e.json entry 1).
        kind: body.kind ?? existing?.kind ?? 'Managed',
        identity: presentIdentity(body.identity ?? existing?.identity ?? { type: 'SystemAssigned' }, tenant, (s) => guidFrom(`${id.toLowerCase()}:${s}`)),
        ...(isObj(body.sku) || existing?.sku !== undefined ? { sku: isObj(body.sku) ? body.sku : existing!.sku } : {}),
        properties: props,
        systemData: existing ? modifiedSystemData(existing.systemData, req.ctx, req.ctx.now) : createdSystemData(req.ctx, req.ctx.now),
      };
      if (!existing) {
        const keys = isObj(input.keys) ? input.keys : {};
        await deps.store.put(keysRecordId(id), {
          primaryKey: typeof keys.primaryKey === 'string' && keys.primaryKey ? keys.primaryKey : newKey(),
          secondaryKey: typeof keys.secondaryKey === 'string' && keys.secondaryKey ? keys.secondaryKey : newKey(),
        });
      }
      const op = deps.lro.begin({
        subscriptionId: scope.subscriptionId,
        location,
        operation: 'OnlineEndpoints_CreateOrUpdate',
        resourceId: id,
        ctx: req.ctx,
        minDurationMs: 0,
        runningStatus: 'Updating', // even for a create (README observation 2)
        work: () => {
          const failure = svc.faults.take(['updateFailure'], resourceName);
          const duration = operationDuration(resourceName);
          return svc.track(
            failure ? failOperation(id, duration, existing, failure)() : finishOperation(id, duration, existing ? 'the update' : 'the creation')(),
          );
        },
      });
      // Every PUT's answer names its operation (online-endpoints/online-deployment-e2e.json entries 1 and 133).
      (props.properties as Obj).AzureAsyncOperationUri = deps.lro.statusUrl(op, req.ctx.baseUrl, apiVersionOf(req));
      await deps.store.put(id, resource);
      const ep = await svc.syncEndpoint(id, false);
      if (ep && !existing) ep.setTraffic({}, {});
      // 201 for a create and for an update (traffic change: online-endpoints/online-deployment-e2e.json entry 133),
      // with `Location` = the endpoint's URL (entry 1; README observation 1); timeout PT30M (entries 1, 133).
      return deps.lro.accepted(op, req, {
        status: 201,
        body: putAnswer(presentEndpoint(resource, req.ctx), old, !existing),
        poll: 'async',
        resourceLocation: resource.id,
        timeout: 'PT30M',
      });
    });
  };

  const patch = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { scope, ws, endpoint } = await load(req);
    const body = req.body;
    if (!isObj(body)) throw ArmErrors.badRequest('The request body of an online endpoint update must be a JSON object (tags, identity).', 'body');
    return deps.store.withLock(endpoint.id, async () => {
      const current = (await deps.store.get(endpoint.id)) ?? endpoint;
      if (BUSY_ENDPOINT_STATES.includes(stateOf(current))) throw EndpointErrors.endpointBusy(current.name, stateOf(current), scope.workspaceName);
      if (body.tags !== undefined && body.tags !== null && !isObj(body.tags)) throw ArmErrors.validation('tags', "'tags' must be an object of strings.");
      if (isObj(body.tags)) current.tags = body.tags;
      if (isObj(body.identity)) {
        current.identity = presentIdentity(body.identity, tenant, (s) => guidFrom(`${current.id.toLowerCase()}:${s}`));
      }
      (current.properties as Obj).provisioningState = 'Updating';
      current.systemData = modifiedSystemData(current.systemData, req.ctx, req.ctx.now);
      await deps.store.put(current.id, current);
      const duration = operationDuration(current.name);
      const op = beginInWorkspace(deps, req, scope, ws, {
        operation: 'OnlineEndpoints_Update',
        resourceId: current.id,
        minDurationMs: 0,
        work: () =>
          svc.track(
            (async () => {
              await finishOperation(current.id, duration, 'the update')();
              const done = await deps.store.get(current.id);
              return { status: 200, body: done ? presentEndpoint(done, req.ctx) : undefined };
            })(),
          ),
      });
      return deps.lro.accepted(op, req, { status: 202, poll: 'location', timeout: 'PT1H' });
    });
  };

  const del = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    const ws = await requireWorkspace(deps, scope);
    const id = endpointIdOf(scope, req.params.endpointName);
    return deps.store.withLock(id, async () => {
      const endpoint = await deps.store.get(id);
      if (!endpoint) return { status: 204 };
      if (BUSY_ENDPOINT_STATES.includes(stateOf(endpoint))) throw EndpointErrors.endpointBusy(endpoint.name, stateOf(endpoint), scope.workspaceName);
      (endpoint.properties as Obj).provisioningState = 'Deleting';
      await deps.store.put(id, endpoint);
      const op = beginInWorkspace(deps, req, scope, ws, {
        operation: 'OnlineEndpoints_Delete',
        resourceId: id,
        minDurationMs: 0,
        runningStatus: 'Updating', // online-endpoints/online-deployment-e2e.json entry 143
        work: () =>
          svc.track(
            (async () => {
              await svc.sleep(deps.timings.lroMs);
              const ep = svc.registry.byEndpointId(id);
              if (ep) await svc.forgetEndpoint(ep);
              for (const d of await deps.store.list(`${id}/deployments`)) await deps.store.delete(d.id);
              await deps.store.delete(keysRecordId(id));
              await deps.store.delete(id);
              return { status: 200 };
            })(),
          ),
      });
      // 202, body `null`, Azure-AsyncOperation and Location (online-endpoints/online-deployment-e2e.json entry 142; README observation 8).
      return deps.lro.accepted(op, req, { status: 202, body: null, poll: 'both', timeout: 'PT30M' }); // online-deployment-e2e.json entry 142
    });
  };

  const listKeys = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { endpoint } = await load(req);
    const mode = String((endpoint.properties as Obj).authMode);
    if (mode !== 'Key') {
      throw ArmErrors.badRequest(
        `Endpoint '${endpoint.name}' uses authMode '${mode}'; keys exist only for authMode 'Key'.${mode === 'AMLToken' ? ' Get a token with the token operation.' : ''}`,
        'authMode',
      );
    }
    return { status: 200, body: await svc.keysOf(endpoint.id) };
  };

  const regenerateKeys = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { scope, ws, endpoint } = await load(req);
    const body = req.body;
    if (!isObj(body)) throw ArmErrors.validation('keyType', "The body of regenerateKeys needs 'keyType': Primary or Secondary.");
    if (body.keyType !== 'Primary' && body.keyType !== 'Secondary') {
      throw ArmErrors.validation('keyType', `keyType '${String(body.keyType)}' is not valid; expected Primary or Secondary.`);
    }
    if (body.keyValue !== undefined && body.keyValue !== null && (typeof body.keyValue !== 'string' || body.keyValue.length < 1)) {
      throw ArmErrors.validation('keyValue', "'keyValue' must be a non-empty string.");
    }
    const mode = String((endpoint.properties as Obj).authMode);
    if (mode !== 'Key')
      throw ArmErrors.badRequest(
        `Endpoint '${endpoint.name}' uses authMode '${mode}'; only endpoints with authMode 'Key' have keys to regenerate.`,
        'authMode',
      );
    const field = body.keyType === 'Primary' ? 'primaryKey' : 'secondaryKey';
    const value = typeof body.keyValue === 'string' ? body.keyValue : newKey();
    const op = beginInWorkspace(deps, req, scope, ws, {
      operation: 'OnlineEndpoints_RegenerateKeys',
      resourceId: endpoint.id,
      work: () =>
        svc.track(
          deps.store.withLock(keysRecordId(endpoint.id), async () => {
            const keys = await svc.keysOf(endpoint.id);
            keys[field] = value;
            await deps.store.put(keysRecordId(endpoint.id), keys);
            await svc.syncEndpoint(endpoint.id, false);
          }),
        ),
    });
    return deps.lro.accepted(op, req, { status: 202, poll: 'location' });
  };

  const token = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { endpoint } = await load(req);
    const mode = String((endpoint.properties as Obj).authMode);
    // The operation "Retrieve[s] a valid AML token for an Endpoint using AMLToken-based
    // authentication" (swagger OnlineEndpoints_GetToken); an AADToken endpoint's clients get an
    // Entra token for https://ml.azure.com instead (azure-ai-ml
    // operations/_online_endpoint_operations.py _get_online_credentials never calls this operation
    // for aad_token). Azure's exact refusal is not recorded anywhere we found: a 400 naming the mode.
    if (mode !== 'AMLToken') {
      throw ArmErrors.badRequest(
        `Endpoint '${endpoint.name}' uses authMode '${mode}'; tokens are issued only for authMode 'AMLToken'.${mode === 'Key' ? ' Use listKeys.' : mode === 'AADToken' ? ' Score it with a Microsoft Entra token for https://ml.azure.com.' : ''}`,
        'authMode',
      );
    }
    const lifetime = svc.deps.tokens.amlTokenLifetimeSeconds;
    const issued = svc.deps.tokens.issue({
      audience: amlTokenAudience(endpoint.id),
      now: req.ctx.now,
      lifetimeSeconds: lifetime,
      ...(req.ctx.principal?.appId ? { clientId: req.ctx.principal.appId } : {}),
    });
    // Epoch seconds; expiry 24 h and refresh after half of it by default, as recorded
    // (online-deployment-e2e 141st entry; swagger example Workspace/OnlineEndpoint/getToken.json).
    const expiry = issued.claims.exp as number;
    return {
      status: 200,
      body: { accessToken: issued.token, tokenType: 'Bearer', expiryTimeUtc: expiry, refreshAfterTimeUtc: expiry - Math.ceil(issued.expiresIn / 2) },
    };
  };

  const metrics = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { endpoint } = await load(req);
    const q = parseMetricsQuery(req.query, 'endpoint', ENDPOINT_METRICS_NAMESPACE, req.ctx.now.getTime(), svc.metrics.minuteMs);
    // Azure Monitor has no request metrics for Kubernetes online endpoints (issue 15; what Azure
    // answers was not recorded: the emulator answers the metrics with no data, as for an endpoint
    // that served nothing).
    const kubernetes = Boolean(((endpoint.properties ?? {}) as Obj).compute);
    const body = evaluateMetrics(
      svc.metrics,
      { id: endpoint.id, namespace: ENDPOINT_METRICS_NAMESPACE, location: String(endpoint.location ?? ''), ...(kubernetes ? { noData: true } : {}) },
      q,
    );
    return { status: 200, body };
  };

  const definitions = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { endpoint } = await load(req);
    return {
      status: 200,
      body: metricDefinitions({ id: endpoint.id, namespace: ENDPOINT_METRICS_NAMESPACE, location: String(endpoint.location ?? '') }, 'endpoint'),
    };
  };

  const base = ENDPOINTS_BASE;
  return [
    { method: 'GET', pattern: base, operation: 'OnlineEndpoints_List', handler: list },
    { method: 'GET', pattern: `${base}/{endpointName}`, operation: 'OnlineEndpoints_Get', handler: get },
    { method: 'PUT', pattern: `${base}/{endpointName}`, operation: 'OnlineEndpoints_CreateOrUpdate', handler: put },
    { method: 'PATCH', pattern: `${base}/{endpointName}`, operation: 'OnlineEndpoints_Update', handler: patch },
    { method: 'DELETE', pattern: `${base}/{endpointName}`, operation: 'OnlineEndpoints_Delete', handler: del },
    { method: 'POST', pattern: `${base}/{endpointName}/listKeys`, operation: 'OnlineEndpoints_ListKeys', handler: listKeys },
    { method: 'POST', pattern: `${base}/{endpointName}/regenerateKeys`, operation: 'OnlineEndpoints_RegenerateKeys', handler: regenerateKeys },
    { method: 'POST', pattern: `${base}/{endpointName}/token`, operation: 'OnlineEndpoints_GetToken', handler: token },
    { method: 'GET', pattern: `${base}/{endpointName}/providers/Microsoft.Insights/metrics`, operation: 'Metrics_List', handler: metrics },
    {
      method: 'GET',
      pattern: `${base}/{endpointName}/providers/Microsoft.Insights/metricDefinitions`,
      operation: 'MetricDefinitions_List',
      handler: definitions,
    },
  ];
}
