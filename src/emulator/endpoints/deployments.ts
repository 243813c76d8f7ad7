/**
 * Online deployments (`…/onlineEndpoints/{e}/deployments/{d}`): PUT (long-running: 201/200 +
 * `Azure-AsyncOperation`; `provisioningState` Creating/Updating/Scaling → Succeeded or Failed,
 * provisioning really downloads the model and code and starts the scoring process), GET, list,
 * PATCH (tags and `sku.capacity`: 202 + `Location`), DELETE (202; refused with 409 while the
 * endpoint sends the deployment live or mirrored traffic), `getLogs` (the StorageInitializer or
 * InferenceServer log, `tail` lines), `skus`, and the deployment's Azure Monitor metrics.
 *
 * An update that changes what the process runs (model, code, environment, variables) starts a
 * new process and swaps it in when ready — the old one serves until then, and keeps serving if
 * the new one fails (the deployment is then `Failed`). An update of settings only (request
 * settings, probes, scale, tags) changes no process. `instanceType` cannot change.
 */
import { createHash } from 'node:crypto';
import { ArmErrors } from '../arm/errors.js';
import { resolveAssetReference } from '../arm/assets.js';
import { apiVersionOf, beginInWorkspace, canonicalJson, propertiesOf, requireWorkspace } from '../arm/deps.js';
import { guidFrom, scopeFromParams, type WorkspaceScope } from '../arm/ids.js';
import { intParam, page } from '../arm/paging.js';
import { createdSystemData, modifiedSystemData } from '../arm/system-data.js';
import type { ArmResource, EmulatorRequest, EmulatorResponse, Route } from '../types.js';
import { DeploymentFailure, EndpointErrors } from './errors.js';
import { ENDPOINTS_BASE } from './endpoints.js';
import { BUSY_DEPLOYMENT_STATES, BUSY_ENDPOINT_STATES, DEPLOYMENT_METRICS_NAMESPACE, DEPLOYMENT_TYPE, deploymentIdOf, endpointIdOf } from './ids.js';
import { CONTAINER_TYPES, readLog, type ContainerType } from './logs.js';
import { evaluateMetrics, metricDefinitions, parseMetricsQuery } from './metrics.js';
import type { EndpointService } from './service.js';
import { checkDeploymentName, presentIdentity, validateDeploymentBody, validateSku } from './validate.js';
import { prepareDataCollector, validateDataCollector } from './data-collector.js';
import { isObj, type Obj } from '../obj.js';

/** What the scoring process depends on: a change means a new process. */
function runtimeDigest(p: Obj): string {
  return createHash('sha256')
    .update(canonicalJson({ model: p.model, code: p.codeConfiguration, env: p.environmentId, vars: p.environmentVariables, type: p.endpointComputeType }))
    .digest('hex');
}

const PROBE_DEFAULTS = { failureThreshold: 30, successThreshold: 1, timeout: 'PT2S', period: 'PT10S', initialDelay: 'PT10S' };

/** Server-side defaults Azure fills in on a managed deployment. */
function withDefaults(p: Obj): Obj {
  const out: Obj = { ...p };
  out.description ??= null;
  out.properties ??= {};
  out.environmentVariables ??= {};
  out.appInsightsEnabled ??= false;
  out.egressPublicNetworkAccess ??= 'Enabled';
  out.instanceType ??= 'Standard_F4s_v2';
  out.requestSettings = {
    maxConcurrentRequestsPerInstance: 1,
    requestTimeout: 'PT5S',
    maxQueueWait: 'PT0.5S',
    ...(isObj(p.requestSettings) ? p.requestSettings : {}),
  };
  out.livenessProbe = { ...PROBE_DEFAULTS, ...(isObj(p.livenessProbe) ? p.livenessProbe : {}) };
  out.readinessProbe = { ...PROBE_DEFAULTS, ...(isObj(p.readinessProbe) ? p.readinessProbe : {}) };
  out.scaleSettings ??= { scaleType: p.endpointComputeType === 'Kubernetes' ? 'TargetUtilization' : 'Default' };
  return out;
}

/**
 * The wire shape of a deployment: a new deployment is `Updating` while it is provisioned, not
 * `Creating` (online-endpoints/online-deployment-e2e.json entry 20; README observation 7); `kind`
 * and `modelMountPath` are always there (entries 20, 130).
 */
export function presentDeployment(res: ArmResource): ArmResource {
  const out = structuredClone(res);
  out.kind ??= 'Managed';
  const props = (out.properties ?? {}) as Obj;
  if (props.provisioningState === 'Creating') props.provisioningState = 'Updating';
  if (!('modelMountPath' in props)) props.modelMountPath = null;
  out.properties = props;
  return out;
}

export function deploymentRoutes(svc: EndpointService): Route[] {
  const deps = svc.deps.arm;
  const tenant = deps.defaults.tenantId;
  const stateOf = (r: ArmResource | undefined) => String(((r?.properties ?? {}) as Obj).provisioningState ?? '');

  const loadEndpoint = async (req: EmulatorRequest): Promise<{ scope: WorkspaceScope; ws: ArmResource; endpoint: ArmResource }> => {
    const scope = scopeFromParams(req.params);
    const ws = await requireWorkspace(deps, scope);
    const endpoint = await deps.store.get(endpointIdOf(scope, req.params.endpointName));
    if (!endpoint) throw EndpointErrors.endpointNotFound(req.params.endpointName, scope.workspaceName);
    return { scope, ws, endpoint };
  };

  const load = async (req: EmulatorRequest) => {
    const base = await loadEndpoint(req);
    const deployment = await deps.store.get(deploymentIdOf(base.scope, base.endpoint.name, req.params.deploymentName));
    if (!deployment) throw EndpointErrors.deploymentNotFound(base.endpoint.name, req.params.deploymentName, base.scope.workspaceName);
    return { ...base, deployment };
  };

  /** The LRO work of a create/update: provision (or not), wait the operation's duration, then the final state. */
  const provisionWork = (id: string, settingsOnly: boolean) => async () => {
    const [outcome] = await Promise.all([
      svc.provision(id, settingsOnly).then(
        () => undefined,
        (err: unknown) => err,
      ),
      svc.sleep(deps.timings.lroMs),
    ]);
    if (outcome !== undefined) {
      const res = await svc.setState(id, 'Failed');
      syncRuntime(id, res);
      const failure =
        outcome instanceof DeploymentFailure ? outcome : new DeploymentFailure('InternalServerError', String((outcome as Error).message ?? outcome));
      throw failure.toArmError();
    }
    const res = await svc.setState(id, 'Succeeded');
    syncRuntime(id, res);
    if (!res) throw ArmErrors.operationFailed('OperationCanceled', 'The deployment was deleted before its provisioning completed.');
  };

  const syncRuntime = (id: string, res: ArmResource | undefined) => {
    if (!res) return;
    const ep = svc.registry.byEndpointId(id.replace(/\/deployments\/[^/]+$/i, ''));
    const rt = ep?.deployment(res.name);
    if (rt) svc.applySettings(rt, res);
  };

  // --- handlers ------------------------------------------------------------------------------

  const list = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { endpoint } = await loadEndpoint(req);
    const items = await deps.store.list(`${endpoint.id}/deployments`);
    const created = (r: ArmResource) => String((r.systemData as { createdAt?: string } | undefined)?.createdAt ?? '');
    const order = (req.query.get('$orderBy') ?? 'createdAt desc').trim().toLowerCase().split(/\s+/);
    const desc = order[1] !== 'asc';
    if (order[0] === 'name') items.sort((a, b) => (desc ? -1 : 1) * a.name.localeCompare(b.name));
    else items.sort((a, b) => (desc ? -1 : 1) * (created(a).localeCompare(created(b)) || a.name.localeCompare(b.name)));
    const top = intParam(req, '$top', 1, 100_000);
    return { status: 200, body: page(items.map(presentDeployment), req, { pageSize: deps.pageSize, ...(top !== undefined ? { top } : {}) }) };
  };

  const get = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { deployment } = await load(req);
    return { status: 200, body: presentDeployment(deployment) };
  };

  const put = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { scope, ws, endpoint } = await loadEndpoint(req);
    const name = req.params.deploymentName;
    checkDeploymentName(name);
    const body = req.body as Obj;
    const input = structuredClone(propertiesOf(body, 'online deployment'));
    validateDeploymentBody(input, body.sku);
    validateDataCollector(input.dataCollector);
    if (BUSY_ENDPOINT_STATES.includes(stateOf(endpoint))) throw EndpointErrors.endpointNotReadyForDeployment(endpoint.name, stateOf(endpoint));
    // References resolve in the workspace (registry references are taken as they are).
    if (typeof input.model === 'string' && input.model.trim() !== '')
      input.model = await resolveAssetReference(deps, scope, 'models', input.model, 'properties.model');
    if (isObj(input.codeConfiguration) && typeof input.codeConfiguration.codeId === 'string') {
      input.codeConfiguration = {
        ...input.codeConfiguration,
        codeId: await resolveAssetReference(deps, scope, 'codes', input.codeConfiguration.codeId, 'properties.codeConfiguration.codeId'),
      };
    }
    if (typeof input.environmentId === 'string' && input.environmentId.trim() !== '') {
      input.environmentId = await resolveAssetReference(deps, scope, 'environments', input.environmentId, 'properties.environmentId');
    }
    if (input.dataCollector) input.dataCollector = await prepareDataCollector(deps, scope, endpoint.name, name, input.dataCollector, req.ctx.now);
    const id = deploymentIdOf(scope, endpoint.name, name);
    const result = await deps.store.withLock(id, async () => {
      const existing = await deps.store.get(id);
      if (existing && BUSY_DEPLOYMENT_STATES.includes(stateOf(existing)))
        throw EndpointErrors.deploymentBusy(endpoint.name, existing.name, stateOf(existing), scope.workspaceName);
      if (!existing && (body.location === undefined || body.location === null || body.location === '')) throw ArmErrors.locationRequired();
      const old = (existing?.properties ?? {}) as Obj;
      if (existing && typeof input.instanceType === 'string' && typeof old.instanceType === 'string' && input.instanceType !== old.instanceType) {
        throw EndpointErrors.immutable(
          'properties.instanceType',
          `The instanceType of deployment '${existing.name}' is '${old.instanceType}' and cannot be changed to '${input.instanceType}': create a new deployment instead.`,
        );
      }
      if (existing && old.endpointComputeType !== input.endpointComputeType) {
        throw EndpointErrors.immutable(
          'properties.endpointComputeType',
          `The endpointComputeType of deployment '${existing.name}' cannot change from '${String(old.endpointComputeType)}'.`,
        );
      }
      const props = withDefaults(input);
      delete props.provisioningState;
      if (existing && props.instanceType === undefined) props.instanceType = old.instanceType;
      const ep = svc.registry.byEndpointId(endpoint.id) ?? (await svc.syncEndpoint(endpoint.id, true));
      const rt = ep?.deployment(existing?.name ?? name);
      const oldSku = isObj(existing?.sku) ? existing.sku : {};
      const sku: Obj = isObj(body.sku) ? { ...body.sku } : isObj(existing?.sku) ? { ...existing.sku } : { name: 'Default' };
      sku.capacity ??= 1;
      // A new process unless only settings changed and the current one is healthy (a Failed update is retried).
      const restart = !existing || !rt?.instance || stateOf(existing) === 'Failed' || runtimeDigest(old) !== runtimeDigest(props);
      const state = !existing ? 'Creating' : !restart && oldSku.capacity !== sku.capacity ? 'Scaling' : 'Updating';
      props.provisioningState = state;
      const resource: ArmResource = {
        id: existing?.id ?? id,
        name: existing?.name ?? name,
        type: DEPLOYMENT_TYPE,
        location: existing?.location ?? body.location,
        tags: isObj(body.tags) ? body.tags : (existing?.tags ?? {}),
        ...(body.kind !== undefined || existing?.kind !== undefined ? { kind: body.kind ?? existing?.kind } : {}),
        ...(body.identity !== undefined || existing?.identity !== undefined
          ? { identity: presentIdentity(body.identity ?? existing?.identity, tenant, (s) => guidFrom(`${id.toLowerCase()}:${s}`)) }
          : {}),
        sku,
        properties: props,
        systemData: existing ? modifiedSystemData(existing.systemData, req.ctx, req.ctx.now) : createdSystemData(req.ctx, req.ctx.now),
      };
      await deps.store.put(id, resource);
      if (ep) {
        const r = svc.deploymentRuntime(ep, resource);
        r.state = state;
      }
      return { resource, existing, restart };
    });
    const op = beginInWorkspace(deps, req, scope, ws, {
      operation: 'OnlineDeployments_CreateOrUpdate',
      resourceId: id,
      minDurationMs: 0,
      runningStatus: 'Updating', // README observation 2
      work: () => svc.track(provisionWork(id, !result.restart)()),
    });
    // The answer names its operation (online-endpoints/online-deployment-e2e.json entry 20).
    const answer = presentDeployment(result.resource);
    (answer.properties as Obj).properties = {
      ...((answer.properties as Obj).properties ?? {}),
      AzureAsyncOperationUri: deps.lro.statusUrl(op, req.ctx.baseUrl, apiVersionOf(req)),
    };
    // A create answers `Location` = the deployment's URL; timeout PT30M (online-endpoints/online-deployment-e2e.json entry 20).
    return deps.lro.accepted(op, req, {
      status: result.existing ? 200 : 201,
      body: answer,
      poll: 'async',
      ...(result.existing ? {} : { resourceLocation: result.resource.id }),
      timeout: 'PT30M',
    });
  };

  const patch = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { scope, ws, endpoint, deployment } = await load(req);
    const body = req.body;
    if (!isObj(body)) throw ArmErrors.badRequest('The request body of an online deployment update must be a JSON object (tags, sku).', 'body');
    if (body.tags !== undefined && body.tags !== null && !isObj(body.tags)) throw ArmErrors.validation('tags', "'tags' must be an object of strings.");
    validateSku(body.sku, 'sku');
    const updated = await deps.store.withLock(deployment.id, async () => {
      const current = (await deps.store.get(deployment.id)) ?? deployment;
      if (BUSY_DEPLOYMENT_STATES.includes(stateOf(current)))
        throw EndpointErrors.deploymentBusy(endpoint.name, current.name, stateOf(current), scope.workspaceName);
      if (isObj(body.tags)) current.tags = body.tags;
      const oldCapacity = (current.sku as Obj | undefined)?.capacity;
      if (isObj(body.sku)) current.sku = { ...(current.sku ?? {}), ...body.sku };
      const scaling = (current.sku as Obj | undefined)?.capacity !== oldCapacity;
      (current.properties as Obj).provisioningState = scaling ? 'Scaling' : 'Updating';
      current.systemData = modifiedSystemData(current.systemData, req.ctx, req.ctx.now);
      await deps.store.put(current.id, current);
      syncRuntime(current.id, current);
      return current;
    });
    const op = beginInWorkspace(deps, req, scope, ws, {
      operation: 'OnlineDeployments_Update',
      resourceId: updated.id,
      minDurationMs: 0,
      work: () =>
        svc.track(
          (async () => {
            await provisionWork(updated.id, true)();
            const done = await deps.store.get(updated.id);
            return { status: 200, body: done ? presentDeployment(done) : undefined };
          })(),
        ),
    });
    return deps.lro.accepted(op, req, { status: 202, poll: 'location', timeout: 'PT1H' });
  };

  const del = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { scope, ws, endpoint } = await loadEndpoint(req);
    const id = deploymentIdOf(scope, endpoint.name, req.params.deploymentName);
    return deps.store.withLock(id, async () => {
      const deployment = await deps.store.get(id);
      if (!deployment) return { status: 204 };
      if (stateOf(deployment) === 'Deleting') throw EndpointErrors.deploymentBusy(endpoint.name, deployment.name, 'Deleting', scope.workspaceName);
      const current = (await deps.store.get(endpoint.id)) ?? endpoint;
      const eprops = (current.properties ?? {}) as Obj;
      const pct = (m: unknown) => {
        if (!isObj(m)) return 0;
        const hit = Object.entries(m).find(([k]) => k.toLowerCase() === deployment.name.toLowerCase());
        return typeof hit?.[1] === 'number' ? hit[1] : 0;
      };
      const live = pct(eprops.traffic);
      const mirror = pct(eprops.mirrorTraffic);
      const routed = svc.registry.byEndpointId(endpoint.id);
      const routedLive = routed ? (Object.entries(routed.traffic).find(([k]) => k.toLowerCase() === deployment.name.toLowerCase())?.[1] ?? 0) : 0;
      if (live > 0 || mirror > 0 || routedLive > 0)
        throw EndpointErrors.deploymentHasTraffic(endpoint.name, deployment.name, Math.max(live, routedLive), mirror);
      (deployment.properties as Obj).provisioningState = 'Deleting';
      await deps.store.put(id, deployment);
      syncRuntime(id, deployment);
      const op = beginInWorkspace(deps, req, scope, ws, {
        operation: 'OnlineDeployments_Delete',
        resourceId: id,
        minDurationMs: 0,
        runningStatus: 'Updating', // as the endpoint delete (README observation 8)
        work: () => {
          const failure = svc.faults.take(['deleteFailure'], endpoint.name, deployment.name);
          return svc.track(
            (async () => {
              if (failure) {
                // The delete fails: the deployment stays as it was (still serving).
                await svc.sleep(deps.timings.lroMs);
                const kept = await svc.setState(id, 'Succeeded', ['Deleting']);
                if (kept) syncRuntime(id, kept);
                throw ArmErrors.operationFailed(
                  failure.code ?? 'InternalServerError',
                  failure.message ?? `Deleting deployment '${deployment.name}' failed (injected fault).`,
                );
              }
              const ep = svc.registry.byEndpointId(endpoint.id);
              const rt = ep?.deployment(deployment.name);
              await Promise.all([ep && rt ? svc.forgetDeployment(ep, rt) : Promise.resolve(), svc.sleep(deps.timings.lroMs)]);
              await deps.store.delete(id);
              return { status: 200 };
            })(),
          );
        },
      });
      // 202 with body `null`, like the endpoint delete (README observation 8).
      return deps.lro.accepted(op, req, { status: 202, body: null, poll: 'both', timeout: 'PT30M' }); // online-deployment-e2e.json entry 142
    });
  };

  const getLogs = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { endpoint, deployment } = await load(req);
    const body = (req.body ?? {}) as Obj;
    if (!isObj(body)) throw ArmErrors.badRequest('The body of getLogs must be a JSON object (containerType, tail).', 'body');
    const type = (body.containerType ?? 'InferenceServer') as ContainerType;
    if (!CONTAINER_TYPES.includes(type))
      throw ArmErrors.validation(
        'containerType',
        `containerType '${String(body.containerType)}' is not valid; expected StorageInitializer or InferenceServer.`,
      );
    const tail = body.tail;
    if (tail !== undefined && tail !== null && (typeof tail !== 'number' || !Number.isInteger(tail) || tail < 0)) {
      throw ArmErrors.validation('tail', `'tail' must be a non-negative integer, got ${JSON.stringify(tail)}.`);
    }
    const rt = svc.registry.byEndpointId(endpoint.id)?.deployment(deployment.name);
    const content = await readLog(rt?.logs?.file(type), tail);
    return { status: 200, body: { content } };
  };

  const skus = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    await load(req);
    const items = [
      {
        resourceType: DEPLOYMENT_TYPE,
        sku: { name: 'Default', tier: 'Standard' },
        capacity: { minimum: 1, maximum: 20, default: 1, scaleType: 'Manual' },
      },
    ];
    const count = intParam(req, 'count', 1, 1000);
    return { status: 200, body: page(items, req, { pageSize: count ?? deps.pageSize }) };
  };

  const metrics = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { deployment } = await load(req);
    const q = parseMetricsQuery(req.query, 'deployment', DEPLOYMENT_METRICS_NAMESPACE, req.ctx.now.getTime(), svc.metrics.minuteMs);
    return {
      status: 200,
      body: evaluateMetrics(svc.metrics, { id: deployment.id, namespace: DEPLOYMENT_METRICS_NAMESPACE, location: String(deployment.location ?? '') }, q),
    };
  };

  const definitions = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const { deployment } = await load(req);
    return {
      status: 200,
      body: metricDefinitions({ id: deployment.id, namespace: DEPLOYMENT_METRICS_NAMESPACE, location: String(deployment.location ?? '') }, 'deployment'),
    };
  };

  const base = `${ENDPOINTS_BASE}/{endpointName}/deployments`;
  return [
    { method: 'GET', pattern: base, operation: 'OnlineDeployments_List', handler: list },
    { method: 'GET', pattern: `${base}/{deploymentName}`, operation: 'OnlineDeployments_Get', handler: get },
    { method: 'PUT', pattern: `${base}/{deploymentName}`, operation: 'OnlineDeployments_CreateOrUpdate', handler: put },
    { method: 'PATCH', pattern: `${base}/{deploymentName}`, operation: 'OnlineDeployments_Update', handler: patch },
    { method: 'DELETE', pattern: `${base}/{deploymentName}`, operation: 'OnlineDeployments_Delete', handler: del },
    { method: 'POST', pattern: `${base}/{deploymentName}/getLogs`, operation: 'OnlineDeployments_GetLogs', handler: getLogs },
    { method: 'GET', pattern: `${base}/{deploymentName}/skus`, operation: 'OnlineDeployments_ListSkus', handler: skus },
    { method: 'GET', pattern: `${base}/{deploymentName}/providers/Microsoft.Insights/metrics`, operation: 'Metrics_List', handler: metrics },
    {
      method: 'GET',
      pattern: `${base}/{deploymentName}/providers/Microsoft.Insights/metricDefinitions`,
      operation: 'MetricDefinitions_List',
      handler: definitions,
    },
  ];
}
