/**
 * Online endpoints and deployments of the emulator (see README.md beside this file):
 * `createEndpointsModule()` returns the ARM routes, the scoring routes, the admin routes
 * (`/.emulator/endpoints…`), `recover()` for a folder store and `close()`.
 */
import { ArmError, ArmErrors } from '../arm/errors.js';
import type { EmulatorRequest, EmulatorResponse, Route } from '../types.js';
import { batchEndpointRoutes } from './batch.js';
import { batchInvokeRoutes } from './batch-invoke.js';
import { deploymentRoutes } from './deployments.js';
import { endpointRoutes } from './endpoints.js';
import { validateEndpointFaults, type EndpointFaultRule, type EndpointFaultState } from './faults.js';
import { BUSY_ENDPOINT_STATES } from './ids.js';
import { scoringRoutes } from './router.js';
import { EndpointService, type EndpointsDeps } from './service.js';

export type { EndpointsOptions, EndpointsDeps } from './service.js';
export type { EndpointFaultRule, EndpointFaultState, EndpointFaultKind } from './faults.js';
export { scoringUri } from './endpoints.js';

export interface EndpointsModule {
  /** ARM routes (online endpoints, deployments, metrics) and the scoring routes. */
  routes(): Route[];
  /** `/.emulator/endpoints` (runtime overview) and `/.emulator/endpoints/faults`. */
  adminRoutes(): Route[];
  /** Add an endpoint fault rule (what `POST /.emulator/endpoints/faults` does). */
  addFault(rule: EndpointFaultRule): Promise<EndpointFaultState>;
  /** Re-registers the endpoints of a folder store and relaunches their deployments (in the background). */
  recover(): Promise<void>;
  /** Stops every scoring process. */
  close(): Promise<void>;
  readonly service: EndpointService;
}

export function createEndpointsModule(deps: EndpointsDeps): EndpointsModule {
  const svc = new EndpointService(deps);

  /** `stuckUpdating` with `when: now`: the endpoint is Updating for `ms`, as if an operation ran. */
  const stickNow = async (state: EndpointFaultState): Promise<void> => {
    const ep = svc.registry.byEndpointName(state.endpoint!);
    if (!ep) throw new TypeError(`stuckUpdating: there is no endpoint '${state.endpoint}'`);
    const flipped = await svc.store.withLock(ep.id, async () => {
      const res = await svc.store.get(ep.id);
      if (!res) return false;
      const props = (res.properties ?? {}) as Record<string, unknown>;
      if (BUSY_ENDPOINT_STATES.includes(String(props.provisioningState))) return false;
      props.provisioningState = 'Updating';
      await svc.store.put(ep.id, res);
      return true;
    });
    svc.faults.markFired(state.id);
    if (flipped) {
      void svc.track(
        (async () => {
          await svc.sleep(state.ms ?? 0);
          await svc.setState(ep.id, 'Succeeded', ['Updating']);
        })(),
      );
    }
  };

  const addFault = async (rule: EndpointFaultRule): Promise<EndpointFaultState> => {
    const state = svc.faults.add(rule);
    if (state.kind === 'stuckUpdating' && (state.when ?? 'now') === 'now') {
      try {
        await stickNow(state);
      } catch (err) {
        svc.faults.remove(state.id);
        throw err;
      }
    }
    return state;
  };

  const overview = (): EmulatorResponse => ({
    status: 200,
    body: {
      endpoints: svc.registry.all().map((ep) => ({
        id: ep.id,
        name: ep.name,
        authMode: ep.authMode,
        traffic: ep.traffic,
        mirrorTraffic: ep.mirror ? { [ep.mirror.name]: ep.mirror.percent } : {},
        deployments: [...ep.deployments.values()].map((d) => ({
          name: d.name,
          provisioningState: d.state,
          ready: d.ready,
          pid: d.instance?.pid ?? null,
          port: d.instance?.port ?? null,
          served: d.served,
          mirrored: d.mirrored,
          inflight: d.inflight,
          restarts: d.restarts,
          logs: d.logs ? { storageInitializer: d.logs.storageFile, inferenceServer: d.logs.serverFile } : null,
        })),
      })),
    },
  });

  const postFaults = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    if (req.body === undefined) throw ArmErrors.badRequest('POST /.emulator/endpoints/faults needs a JSON rule, an array of rules or {"rules": [...]}.');
    let rules: EndpointFaultRule[];
    try {
      rules = validateEndpointFaults(req.body);
    } catch (err) {
      throw ArmErrors.badRequest((err as Error).message);
    }
    const added: EndpointFaultState[] = [];
    for (const r of rules) {
      try {
        added.push(await addFault(r));
      } catch (err) {
        throw ArmErrors.badRequest((err as Error).message);
      }
    }
    return { status: 201, body: { rules: added } };
  };

  return {
    service: svc,
    routes: () => [...endpointRoutes(svc), ...deploymentRoutes(svc), ...batchEndpointRoutes(svc), ...batchInvokeRoutes(svc), ...scoringRoutes(svc)],
    adminRoutes: () => [
      { method: 'GET', pattern: '/.emulator/endpoints', operation: 'Emulator_Endpoints', auth: 'none', handler: overview },
      {
        method: 'GET',
        pattern: '/.emulator/endpoints/faults',
        operation: 'Emulator_ListEndpointFaults',
        auth: 'none',
        handler: () => ({ status: 200, body: { rules: svc.faults.list() } }),
      },
      { method: 'POST', pattern: '/.emulator/endpoints/faults', operation: 'Emulator_AddEndpointFaults', auth: 'none', handler: postFaults },
      {
        method: 'DELETE',
        pattern: '/.emulator/endpoints/faults',
        operation: 'Emulator_ClearEndpointFaults',
        auth: 'none',
        handler: () => ({ status: 200, body: { removed: svc.faults.clear() } }),
      },
      {
        method: 'DELETE',
        pattern: '/.emulator/endpoints/faults/{id}',
        operation: 'Emulator_RemoveEndpointFault',
        auth: 'none',
        handler: (req) => {
          if (!svc.faults.remove(req.params.id)) throw new ArmError(404, 'NotFound', `There is no endpoint fault rule '${req.params.id}'.`);
          return { status: 200, body: { removed: 1 } };
        },
      },
    ],
    addFault,
    recover: () => svc.recover(),
    close: () => svc.close(),
  };
}
