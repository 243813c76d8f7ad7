/**
 * Managed online endpoints and their deployments over ARM (api-version 2024-10-01, which has
 * `mirrorTraffic`): read, create, list, logs, keys and tokens, the wait for an endpoint to be
 * ready, traffic written by GET → PUT of the whole endpoint (never PATCH, which drops traffic),
 * deployments provisioned, scaled and deleted with the service's conflicts tried again. Plain ARM
 * data in and out: the rollout's providers on top of this are in src/runs/deploy/rollout-adapters.ts.
 */
import { armPath, type ArmClient, type ArmPoller } from './arm.js';
import { ArmOperationError, translateAzureError, withAzureOperation } from './errors.js';
import { abortableSleep } from './retry.js';
import { isConflict, retryWhileBusy, waitProvisioned } from './busy.js';
import { errorMessage } from '../core/errors.js';
import type { Obj } from '../core/obj.js';
import type { TrafficState } from './traffic.js';

export interface ArmResource {
  id?: string;
  name?: string;
  location?: string;
  tags?: Record<string, string>;
  sku?: Obj;
  kind?: string;
  identity?: Obj;
  properties?: Obj;
  systemData?: Obj;
}

/** An endpoint's `properties.traffic` and `properties.mirrorTraffic`: deployment name → percent (the one traffic model, azure/traffic.ts). */
export type EndpointTraffic = TrafficState;

/** How long an endpoint may stay Creating/Updating before a write gives up (deploy bounds it by max-duration). */
export const DEFAULT_READY_TIMEOUT_IN_MS = 20 * 60_000;

export interface EndpointsOptions {
  /** Waits between readiness polls and conflict retries. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** How long to wait for an endpoint to leave Updating before writing. */
  readyTimeoutInMs?: number;
  /** First delay of a conflict retry (doubles). */
  conflictDelayInMs?: number;
  log?: (message: string) => void;
}

/**
 * What to write over the endpoint's traffic, given the traffic it holds now and the attempt
 * (1, 2, …): the maps to write, or undefined when there is nothing left to write. It may throw to
 * refuse the write.
 */
export type TrafficUpdate = (current: EndpointTraffic, attempt: number) => EndpointTraffic | undefined;

export interface ProvisionDeploymentOptions {
  /** Epoch ms: provisioning still running then is given up. */
  deadline: number;
  abortSignal?: AbortSignal;
  log: (message: string) => void;
}

/** The end of a provisioning; `logs` are the containers' logs of a failed one. */
export type ProvisionOutcome = { ok: true } | { ok: false; reason: string; logs?: string };

/** Operation error codes of the service itself (not of the model, the image or the quota): worth another try. */
const SERVICE_FAILURE =
  /^(InternalServerError|InternalError|ServiceError|ServiceUnavailable|ServerBusy|OperationCanceled|Conflict|RequestTimeout|GatewayTimeout|TooManyRequests)$/i;

/** The endpoint's traffic maps as read (entries that are not numbers left out). */
export function trafficOf(ep: ArmResource): EndpointTraffic {
  const num = (m: unknown): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries((m as Record<string, unknown>) ?? {})) if (typeof v === 'number') out[k] = v;
    return out;
  };
  return { traffic: num(ep.properties?.traffic), mirror: num(ep.properties?.mirrorTraffic) };
}

export class OnlineEndpoints {
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  constructor(
    readonly arm: ArmClient,
    private readonly o: EndpointsOptions = {},
  ) {
    this.sleep = o.sleep ?? ((ms, signal) => abortableSleep(ms, signal));
  }

  /** First wait after a conflict (doubles). */
  get conflictDelayInMs(): number {
    return this.o.conflictDelayInMs ?? 2000;
  }

  log(message: string): void {
    this.o.log?.(message);
  }

  endpointPath(endpoint: string): string {
    return armPath`onlineEndpoints/${endpoint}`;
  }
  deploymentPath(endpoint: string, deployment: string): string {
    return armPath`onlineEndpoints/${endpoint}/deployments/${deployment}`;
  }

  getEndpoint(endpoint: string): Promise<ArmResource | undefined> {
    return withAzureOperation(`reading endpoint '${endpoint}'`, () => this.arm.tryGet<ArmResource>(this.endpointPath(endpoint)));
  }

  async createEndpoint(endpoint: string, body: ArmResource): Promise<ArmResource> {
    await withAzureOperation(`creating endpoint '${endpoint}'`, async () => {
      const poller = await this.arm.beginPut<ArmResource>(this.endpointPath(endpoint), body);
      await poller.pollUntilDone();
    });
    return (await this.getEndpoint(endpoint)) as ArmResource;
  }

  getDeployment(endpoint: string, deployment: string): Promise<ArmResource | undefined> {
    return withAzureOperation(`reading deployment '${deployment}' of endpoint '${endpoint}'`, () =>
      this.arm.tryGet<ArmResource>(this.deploymentPath(endpoint, deployment)),
    );
  }

  async listDeployments(endpoint: string): Promise<ArmResource[]> {
    const out: ArmResource[] = [];
    await withAzureOperation(`listing the deployments of endpoint '${endpoint}'`, async () => {
      for await (const d of this.arm.list<ArmResource>(`${this.endpointPath(endpoint)}/deployments`)) out.push(d);
    });
    return out;
  }

  async getLogs(endpoint: string, deployment: string, containerType: 'InferenceServer' | 'StorageInitializer', tail = 60): Promise<string> {
    const r = await withAzureOperation(`reading the ${containerType} logs of deployment '${deployment}'`, () =>
      this.arm.post<{ content?: string }>(`${this.deploymentPath(endpoint, deployment)}/getLogs`, { containerType, tail }),
    );
    return r?.content ?? '';
  }

  async keys(endpoint: string): Promise<{ primaryKey?: string; secondaryKey?: string }> {
    return (
      (await withAzureOperation(`reading the keys of endpoint '${endpoint}'`, () =>
        this.arm.post<{ primaryKey?: string; secondaryKey?: string }>(`${this.endpointPath(endpoint)}/listKeys`),
      )) ?? {}
    );
  }

  /**
   * The endpoint's AML token (`token` operation, AMLToken endpoints only) with its expiry and
   * refresh times, epoch seconds on the wire (online-deployment-e2e 141st entry; swagger
   * example Workspace/OnlineEndpoint/getToken.json) and epoch ms here.
   */
  async token(endpoint: string): Promise<{ secret: string; expiresOn?: number; refreshAfter?: number } | undefined> {
    const r = await withAzureOperation(`getting a scoring token of endpoint '${endpoint}'`, () =>
      this.arm.post<{ accessToken?: string; expiryTimeUtc?: unknown; refreshAfterTimeUtc?: unknown }>(`${this.endpointPath(endpoint)}/token`),
    );
    if (!r?.accessToken) return undefined;
    const ms = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v * 1000 : undefined);
    const expiresOn = ms(r.expiryTimeUtc);
    const refreshAfter = ms(r.refreshAfterTimeUtc);
    return { secret: r.accessToken, ...(expiresOn !== undefined ? { expiresOn } : {}), ...(refreshAfter !== undefined ? { refreshAfter } : {}) };
  }

  /** Polls an endpoint operation to its end, for at most the ready timeout. */
  private async finish(
    endpoint: string,
    poller: { pollUntilDone(o?: { abortSignal?: AbortSignal }): Promise<unknown> },
    abortSignal?: AbortSignal,
  ): Promise<void> {
    const ms = this.o.readyTimeoutInMs ?? DEFAULT_READY_TIMEOUT_IN_MS;
    const timeout = AbortSignal.timeout(ms);
    try {
      await poller.pollUntilDone({ abortSignal: abortSignal ? AbortSignal.any([abortSignal, timeout]) : timeout });
    } catch (err) {
      if (timeout.aborted && !abortSignal?.aborted)
        throw new Error(`the update of endpoint '${endpoint}' did not finish within ${Math.round(ms / 1000)} s`, { cause: err });
      throw err;
    }
  }

  /** Waits until the endpoint's provisioningState is terminal; Failed is an error. */
  waitReady(endpoint: string, abortSignal?: AbortSignal): Promise<ArmResource> {
    return waitProvisioned(() => this.getEndpoint(endpoint), {
      what: `endpoint '${endpoint}'`,
      timeoutInMs: this.o.readyTimeoutInMs ?? DEFAULT_READY_TIMEOUT_IN_MS,
      firstDelayInMs: 500,
      onBusy: (state) => this.o.log?.(`Endpoint ${endpoint} is ${state}: waiting for it to be Succeeded before writing`),
      sleep: this.sleep,
      abortSignal,
    });
  }

  /**
   * Writes traffic by GET → PUT of the whole endpoint (no field dropped), once the endpoint is
   * ready: `update` gets the traffic the endpoint holds and says what to write (nothing: done; a
   * throw: refused). Retries the service's Conflict / OperationCanceled answers with backoff.
   */
  async updateTraffic(endpoint: string, update: TrafficUpdate, abortSignal?: AbortSignal): Promise<void> {
    const code = (err: unknown) => String((err as { code?: string }).code ?? '');
    const status = (err: unknown) => (err as { statusCode?: number }).statusCode;
    try {
      await retryWhileBusy(
        async (attempt) => {
          const ep = await this.waitReady(endpoint, abortSignal);
          const target = update(trafficOf(ep), attempt);
          if (!target) return;
          const body: ArmResource = { ...ep, properties: { ...(ep.properties ?? {}), traffic: target.traffic, mirrorTraffic: target.mirror } };
          for (const k of ['id', 'name', 'type', 'systemData'] as const) delete (body as Obj)[k];
          if (body.properties) {
            delete body.properties.provisioningState;
            delete body.properties.scoringUri;
            delete body.properties.swaggerUri;
          }
          const poller = await this.arm.beginPut<ArmResource>(this.endpointPath(endpoint), body);
          await this.finish(endpoint, poller, abortSignal);
        },
        {
          label: `Traffic write on ${endpoint}`,
          tries: 6,
          delayInMs: this.conflictDelayInMs,
          maxDelayInMs: 30_000,
          // A conflict, or an update operation that ended Failed/Canceled in Azure: the write is
          // idempotent (the next try checks the endpoint again), so it is tried again.
          retriable: (err) =>
            err instanceof ArmOperationError ||
            status(err) === 409 ||
            /Conflict|OperationCanceled|Updating/i.test(code(err)) ||
            /OperationCanceled|being updated|Updating/i.test(errorMessage(err)),
          describe: (err, delay) =>
            `Traffic write on ${endpoint} ${err instanceof ArmOperationError ? `ended ${err.serviceStatus ?? 'Failed'}` : 'met a conflict'} (${code(err) || status(err) || 'no code'}); retrying in ${Math.round(delay / 1000)} s`,
          log: this.o.log,
          sleep: this.sleep,
          abortSignal,
        },
      );
    } catch (err) {
      throw translateAzureError(err, `writing the traffic of endpoint '${endpoint}'`);
    }
  }

  /**
   * Creates the deployment (no traffic) and follows its provisioning; on failure reads the logs.
   * A create refused with a conflict (the endpoint or deployment is busy, e.g. a re-run finds the
   * first try's creation still running) is tried again with back-off; a provisioning operation
   * that ends Failed with an error of the service itself is tried again twice. Failures of the
   * deployment (the container, the model, the quota) are not.
   */
  async provisionDeployment(endpoint: string, deployment: string, body: ArmResource, o: ProvisionDeploymentOptions): Promise<ProvisionOutcome> {
    const { deadline, log } = o;
    let last = '';
    let serviceFailures = 0;
    try {
      for (;;) {
        const poller = await retryWhileBusy(() => this.arm.beginPut<ArmResource>(this.deploymentPath(endpoint, deployment), body), {
          label: `Deployment ${deployment}`,
          tries: 8,
          delayInMs: this.conflictDelayInMs,
          maxDelayInMs: 30_000,
          deadline,
          log,
          abortSignal: o.abortSignal,
        });
        poller.onProgress((s) => {
          const state = s.serviceStatus ?? s.status;
          if (state !== last) {
            last = state;
            log(`Deployment ${deployment}: ${state}`);
          }
        });
        const stopped = await pollProvisioning(poller, o);
        if (stopped) return { ok: false, reason: stopped };
        const state = poller.getOperationState();
        if (state.status === 'succeeded') break;
        if (SERVICE_FAILURE.test(state.error?.code ?? '') && ++serviceFailures <= 2 && Date.now() < deadline) {
          log(
            `Deployment ${deployment}: provisioning ended ${state.serviceStatus ?? state.status} with a service error (${state.error?.code}: ${state.error?.message ?? ''}); trying again`,
          );
          last = '';
          continue;
        }
        throw new Error(state.error?.message ?? `provisioning ended ${state.serviceStatus ?? state.status}`);
      }
      const d = await this.getDeployment(endpoint, deployment);
      const ps = String(d?.properties?.provisioningState ?? 'Succeeded');
      if (ps !== 'Succeeded') throw new Error(`provisioning ended ${ps}`);
      return { ok: true };
    } catch (err) {
      const logs = await this.containerLogs(endpoint, deployment);
      // Our own plain errors say what ended how; HTTP and transport errors get the call named.
      const reason =
        Object.getPrototypeOf(err) === Error.prototype ? errorMessage(err) : errorMessage(translateAzureError(err, `creating deployment '${deployment}'`));
      return { ok: false, reason, logs };
    }
  }

  /** The last lines of both containers' logs of a deployment (those that have any), or undefined. */
  private async containerLogs(endpoint: string, deployment: string): Promise<string | undefined> {
    const logs: string[] = [];
    for (const c of ['StorageInitializer', 'InferenceServer'] as const) {
      const text = await this.getLogs(endpoint, deployment, c, 40).catch(() => '');
      if (text.trim()) logs.push(`--- ${c} ---\n${text.trimEnd()}`);
    }
    return logs.join('\n') || undefined;
  }

  /** Deletes; a conflict or a delete operation that ends Failed is tried again (three tries). */
  async deleteDeployment(endpoint: string, name: string): Promise<void> {
    try {
      await retryWhileBusy(
        async () => {
          const poller = await this.arm.beginDelete(this.deploymentPath(endpoint, name));
          await poller.pollUntilDone();
        },
        {
          label: `Deleting deployment ${name}`,
          tries: 3,
          delayInMs: this.conflictDelayInMs,
          retriable: (err) => isConflict(err) || err instanceof ArmOperationError,
          log: this.o.log,
        },
      );
    } catch (err) {
      throw translateAzureError(err, `deleting deployment '${name}'`);
    }
  }

  /** Sets the deployment's instance count (PUT of the whole deployment); a deployment that is gone is left alone. */
  async scaleDeployment(endpoint: string, name: string, instances: number): Promise<void> {
    const d = await this.getDeployment(endpoint, name);
    if (!d) return;
    const body: ArmResource = { ...d, sku: { ...(d.sku ?? { name: 'Default' }), capacity: instances } };
    for (const k of ['id', 'name', 'type', 'systemData'] as const) delete (body as Obj)[k];
    if (body.properties) delete body.properties.provisioningState;
    const poller = await this.arm.beginPut(this.deploymentPath(endpoint, name), body);
    await poller.pollUntilDone();
  }
}

/** Polls a provisioning until it ends; the reason when it is given up first (cancelled, past the deadline). */
async function pollProvisioning(poller: ArmPoller<ArmResource>, o: ProvisionDeploymentOptions): Promise<string | undefined> {
  while (!poller.isDone()) {
    if (o.abortSignal?.aborted) return 'cancelled while provisioning';
    if (Date.now() > o.deadline) return 'provisioning did not finish before max-duration';
    await poller.poll({ abortSignal: o.abortSignal });
    if (!poller.isDone()) await abortableSleep(Math.max(200, poller.getOperationState().retryAfterInMs ?? 2000), o.abortSignal).catch(() => undefined);
  }
  return undefined;
}
