/**
 * The online-endpoint service behind the ARM handlers and the scoring router: the in-memory
 * runtime (registry), provisioning of deployments (download → start → readiness → swap),
 * supervision of the scoring processes (a crashed container is restarted with exponential
 * backoff, like Kubernetes does), CPU/memory sampling for the deployment metrics, recovery of
 * the deployments of a folder store on start, and shutdown (every process stopped).
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { ArmDeps } from '../arm/deps.js';
import { MLS_NAMESPACE } from '../config.js';
import { BlobIO } from '../data/blob-io.js';
import type { TokenService } from '../auth/tokens.js';
import type { ArmResource } from '../types.js';
import { DeploymentFailure } from './errors.js';
import { EndpointFaults } from './faults.js';
import { BUSY_DEPLOYMENT_STATES, BUSY_ENDPOINT_STATES, endpointIdOfDeployment, keysRecordId, type AuthMode } from './ids.js';
import { DeploymentLogs } from './logs.js';
import { MetricsStore } from './metrics.js';
import { findScoringServer, launchScoringProcess, type ScoringProcess } from './process.js';
import { prepareDeployment } from './provision.js';
import { DeploymentRuntime, EndpointRegistry, type EndpointKeys, type EndpointRuntime } from './runtime.js';
import { durationMs } from './validate.js';
import { isObj } from '../obj.js';

export interface EndpointsOptions {
  /** Python 3 that runs the scoring servers (default `$AZUREML_EMULATOR_PYTHON`, else `python3`). */
  python?: string;
  /** Path of scoring_server.py (default: found in the repository, or `$AZUREML_EMULATOR_SCORING_SERVER`). */
  scoringServer?: string;
  /** Pause between readiness polls of a starting scoring process (default 50 ms). */
  readinessPollMs?: number;
  /** Cap of the readiness budget, whatever the readiness probe allows (default 300 s). */
  maxStartupMs?: number;
  /** First restart delay after a container crash; doubles per failed restart (default 1000 ms). */
  restartDelayMs?: number;
  /** Longest restart delay (default 30 s). */
  maxRestartDelayMs?: number;
  /** How often CPU and memory of the scoring processes are sampled (default 15 s). */
  sampleIntervalMs?: number;
  /** Between SIGTERM and SIGKILL when a scoring process is stopped (default 2000 ms). */
  stopGraceMs?: number;
  /**
   * How late Azure Monitor answers what happened (default 60 s, Azure's typical ingestion delay:
   * see metrics.ts); 0 answers at once.
   */
  metricsDelayMs?: number;
  /** Length of a metrics minute (default 60 000): a test timing that shortens Azure's one-minute buckets. */
  metricsMinuteMs?: number;
}

export interface EndpointsDeps {
  arm: ArmDeps;
  tokens: TokenService;
  /** Folder for revisions (downloaded model and code, logs). */
  dir: string;
  options?: EndpointsOptions;
}

type Resolved = Required<Omit<EndpointsOptions, 'scoringServer' | 'python' | 'metricsDelayMs' | 'metricsMinuteMs'>> & { python: string };

export function newKey(): string {
  return randomBytes(24).toString('base64url');
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}

export class EndpointService {
  readonly registry = new EndpointRegistry();
  readonly metrics: MetricsStore;
  readonly faults = new EndpointFaults();
  readonly blob: BlobIO;
  readonly options: Resolved;
  private serverScript: string | undefined;
  private closed = false;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private sampler: NodeJS.Timeout | undefined;
  private readonly cpuTicks = new Map<number, { ticks: number; at: number }>();

  constructor(readonly deps: EndpointsDeps) {
    this.blob = new BlobIO(deps.arm.blob.endpoint);
    const o = deps.options ?? {};
    this.options = {
      python: o.python ?? process.env.AZUREML_EMULATOR_PYTHON ?? 'python3',
      readinessPollMs: o.readinessPollMs ?? 50,
      maxStartupMs: o.maxStartupMs ?? 300_000,
      restartDelayMs: o.restartDelayMs ?? 1000,
      maxRestartDelayMs: o.maxRestartDelayMs ?? 30_000,
      sampleIntervalMs: o.sampleIntervalMs ?? 15_000,
      stopGraceMs: o.stopGraceMs ?? 2000,
    };
    this.metrics = new MetricsStore({ delayMs: o.metricsDelayMs, minuteMs: o.metricsMinuteMs });
    this.serverScript = deps.options?.scoringServer;
    this.sampler = setInterval(() => void this.sample(), Math.max(50, this.options.sampleIntervalMs));
    this.sampler.unref();
  }

  get store() {
    return this.deps.arm.store;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A wait that `close()` cuts short. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed || ms <= 0) return resolve();
      const w = {
        timer: setTimeout(() => {
          this.waits.delete(w);
          resolve();
        }, ms),
        resolve,
      };
      this.waits.add(w);
    });
  }

  /** Keeps a background promise until it settles, so `close()` can wait for it. */
  track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.then(
      () => this.pending.delete(p),
      () => this.pending.delete(p),
    );
    return p;
  }

  // --- runtime state --------------------------------------------------------------------------

  async keysOf(endpointId: string): Promise<EndpointKeys> {
    const k = await this.store.get<EndpointKeys>(keysRecordId(endpointId));
    return { primaryKey: k?.primaryKey ?? '', secondaryKey: k?.secondaryKey ?? '' };
  }

  /**
   * Reads an endpoint (and its keys) into the runtime. `applyTraffic`: also switch the router to
   * the stored traffic and mirror (at the end of an operation, never while it runs).
   */
  async syncEndpoint(endpointId: string, applyTraffic: boolean): Promise<EndpointRuntime | undefined> {
    const res = await this.store.get(endpointId);
    if (!res) {
      this.registry.remove(endpointId);
      return undefined;
    }
    const ep = this.registry.ensure(res.id, res.name);
    const props = (res.properties ?? {}) as Record<string, unknown>;
    ep.authMode = (props.authMode as AuthMode) ?? 'Key';
    ep.location = String(res.location ?? this.deps.arm.defaults.location);
    ep.keys = await this.keysOf(res.id);
    if (applyTraffic) {
      const num = (v: unknown) => (isObj(v) ? (Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'number')) as Record<string, number>) : {});
      ep.setTraffic(num(props.traffic), num(props.mirrorTraffic));
    }
    return ep;
  }

  /** The runtime of a deployment (created on first use); its settings follow the stored resource. */
  deploymentRuntime(ep: EndpointRuntime, resource: ArmResource): DeploymentRuntime {
    let rt = ep.deployment(resource.name);
    if (!rt) {
      rt = new DeploymentRuntime(resource.id, resource.name, ep.name);
      ep.deployments.set(resource.name.toLowerCase(), rt);
    }
    this.applySettings(rt, resource);
    return rt;
  }

  applySettings(rt: DeploymentRuntime, resource: ArmResource): void {
    const p = (resource.properties ?? {}) as Record<string, unknown>;
    rt.state = String(p.provisioningState ?? rt.state);
    rt.computeType = String(p.endpointComputeType ?? 'Managed');
    const rs = isObj(p.requestSettings) ? p.requestSettings : {};
    rt.requestTimeoutMs = typeof rs.requestTimeout === 'string' ? durationMs(rs.requestTimeout, 'requestSettings.requestTimeout') : 5000;
    rt.maxConcurrent = typeof rs.maxConcurrentRequestsPerInstance === 'number' ? rs.maxConcurrentRequestsPerInstance : 1;
    const sku = isObj(resource.sku) ? resource.sku : {};
    rt.capacity = typeof sku.capacity === 'number' ? sku.capacity : 1;
  }

  /** Writes a provisioning state (no-op when the resource is gone); returns the stored resource. */
  async setState(id: string, state: string, busy: readonly string[] = []): Promise<ArmResource | undefined> {
    return this.store.withLock(id, async () => {
      const res = await this.store.get(id);
      if (!res) return undefined;
      const props = (res.properties ?? {}) as Record<string, unknown>;
      if (busy.length > 0 && !busy.includes(String(props.provisioningState))) return res;
      props.provisioningState = state;
      res.properties = props;
      await this.store.put(id, res);
      return res;
    });
  }

  // --- provisioning -----------------------------------------------------------------------------

  private scoringServer(): string {
    this.serverScript ??= findScoringServer();
    return this.serverScript;
  }

  /**
   * Provisions a deployment from its stored resource: downloads model and code, starts a new
   * scoring process, waits for readiness and swaps it in (the previous revision keeps serving
   * until then). `settingsOnly`: nothing the process depends on changed and a process serves —
   * only the router's settings are updated. Throws a {@link DeploymentFailure}.
   */
  async provision(deploymentId: string, settingsOnly: boolean): Promise<void> {
    const resource = await this.store.get(deploymentId);
    if (!resource) throw new DeploymentFailure('OperationCanceled', `Deployment '${deploymentId}' was deleted while it was provisioned.`);
    const ep = this.registry.byEndpointId(endpointIdOfDeployment(deploymentId)) ?? (await this.syncEndpoint(endpointIdOfDeployment(deploymentId), true));
    if (!ep) throw new DeploymentFailure('OperationCanceled', `The endpoint of deployment '${resource.name}' was deleted.`);
    const rt = this.deploymentRuntime(ep, resource);
    if (settingsOnly && rt.instance) return;
    rt.provisioning?.abort();
    const controller = new AbortController();
    rt.provisioning = controller;
    const revisionDir = join(this.deps.dir, safe(ep.name), safe(rt.name), `r${Date.now().toString(36)}${randomBytes(2).toString('hex')}`);
    const logs = new DeploymentLogs(join(revisionDir, 'logs'));
    rt.logs = logs;
    try {
      const { spec } = await prepareDeployment(
        {
          store: this.store,
          blobEndpoint: this.deps.arm.blob.endpoint,
          blob: this.blob,
          python: this.options.python,
          serverScript: this.scoringServer(),
          revisionDir,
          logs,
          pollMs: this.options.readinessPollMs,
          maxStartupMs: this.options.maxStartupMs,
          signal: controller.signal,
        },
        resource,
        ep.name,
      );
      const fault = this.faults.take(['provisioningFailure'], ep.name, rt.name);
      if (fault) {
        const message =
          fault.message ?? `The inference server container of deployment '${rt.name}' failed to start (provisioning failure injected by the emulator).`;
        logs.line('InferenceServer', `ERROR: ${message}`);
        throw new DeploymentFailure(fault.code ?? 'ResourceNotReady', message);
      }
      if (this.closed || controller.signal.aborted) throw new DeploymentFailure('OperationCanceled', `Provisioning of deployment '${rt.name}' was canceled.`);
      const proc = await launchScoringProcess(spec, controller.signal);
      if (this.closed || controller.signal.aborted) {
        await proc.stop(this.options.stopGraceMs);
        throw new DeploymentFailure('OperationCanceled', `Provisioning of deployment '${rt.name}' was canceled.`);
      }
      const old = rt.instance;
      const oldDir = rt.revisionDir;
      rt.generation++;
      if (rt.restartTimer) clearTimeout(rt.restartTimer);
      rt.restartTimer = undefined;
      rt.instance = proc;
      rt.spec = spec;
      rt.revisionDir = revisionDir;
      rt.consecutiveRestartFailures = 0;
      this.watch(rt, proc, rt.generation);
      logs.line('InferenceServer', `Deployment '${rt.name}' is ready: the scoring server (pid ${proc.pid}) listens on 127.0.0.1:${proc.port}.`);
      if (old) {
        await old.stop(this.options.stopGraceMs);
        if (oldDir && oldDir !== revisionDir) await rm(oldDir, { recursive: true, force: true }).catch(() => undefined);
      }
    } catch (err) {
      const failure =
        err instanceof DeploymentFailure
          ? err
          : new DeploymentFailure('InternalServerError', `Provisioning of deployment '${rt.name}' failed: ${(err as Error).message ?? String(err)}`);
      logs.line('InferenceServer', `Provisioning failed (${failure.code}): ${failure.message}`);
      throw failure;
    } finally {
      if (rt.provisioning === controller) rt.provisioning = undefined;
    }
  }

  /** Restarts a crashed scoring process with exponential backoff, as Kubernetes restarts a container. */
  private watch(rt: DeploymentRuntime, proc: ScoringProcess, generation: number): void {
    void proc.exited.then((exit) => {
      if (proc.stopping || this.closed || rt.generation !== generation) return;
      if (rt.instance === proc) rt.instance = undefined;
      rt.restarts++;
      const delay = Math.min(this.options.maxRestartDelayMs, this.options.restartDelayMs * 2 ** rt.consecutiveRestartFailures);
      const how = exit.signal ? `was terminated by signal ${exit.signal}` : `exited with status code ${exit.code}`;
      rt.logs?.line(
        'InferenceServer',
        `The scoring server (pid ${proc.pid}) ${how}: the container crashed. Restarting it in ${delay} ms (restart ${rt.restarts}).`,
      );
      this.scheduleRestart(rt, generation, delay);
    });
  }

  private scheduleRestart(rt: DeploymentRuntime, generation: number, delay: number): void {
    if (rt.restartTimer) clearTimeout(rt.restartTimer);
    rt.restartTimer = setTimeout(() => {
      rt.restartTimer = undefined;
      void this.track(this.restart(rt, generation));
    }, delay);
    rt.restartTimer.unref();
  }

  private async restart(rt: DeploymentRuntime, generation: number): Promise<void> {
    if (this.closed || rt.generation !== generation || !rt.spec) return;
    try {
      const proc = await launchScoringProcess(rt.spec);
      if (this.closed || rt.generation !== generation) {
        await proc.stop(this.options.stopGraceMs);
        return;
      }
      rt.instance = proc;
      rt.consecutiveRestartFailures = 0;
      this.watch(rt, proc, generation);
      rt.logs?.line('InferenceServer', `The scoring server was restarted (pid ${proc.pid}) and is ready again.`);
    } catch (err) {
      if (this.closed || rt.generation !== generation) return;
      rt.consecutiveRestartFailures++;
      const delay = Math.min(this.options.maxRestartDelayMs, this.options.restartDelayMs * 2 ** rt.consecutiveRestartFailures);
      rt.logs?.line('InferenceServer', `Restart failed: ${(err as Error).message}. Next attempt in ${delay} ms (back-off).`);
      this.scheduleRestart(rt, generation, delay);
    }
  }

  /** Stops a deployment's process and any provisioning or restart in flight. */
  async stopDeployment(rt: DeploymentRuntime): Promise<void> {
    rt.generation++;
    rt.provisioning?.abort();
    if (rt.restartTimer) clearTimeout(rt.restartTimer);
    rt.restartTimer = undefined;
    const inst = rt.instance;
    rt.instance = undefined;
    if (inst) await inst.stop(this.options.stopGraceMs);
  }

  /** Removes a deployment's runtime, files and samples. */
  async forgetDeployment(ep: EndpointRuntime, rt: DeploymentRuntime): Promise<void> {
    await this.stopDeployment(rt);
    ep.deployments.delete(rt.name.toLowerCase());
    this.metrics.forgetDeployment(rt.id);
    await rm(join(this.deps.dir, safe(ep.name), safe(rt.name)), { recursive: true, force: true }).catch(() => undefined);
  }

  async forgetEndpoint(ep: EndpointRuntime): Promise<void> {
    for (const rt of [...ep.deployments.values()]) await this.forgetDeployment(ep, rt);
    this.registry.remove(ep.id);
    this.metrics.forgetEndpoint(ep.id);
    await rm(join(this.deps.dir, safe(ep.name)), { recursive: true, force: true }).catch(() => undefined);
  }

  // --- sampling (deployment metrics) --------------------------------------------------------------

  private async sample(): Promise<void> {
    if (this.closed) return;
    const now = Date.now();
    const cores = Math.max(1, cpus().length);
    for (const ep of this.registry.all()) {
      for (const rt of ep.deployments.values()) {
        const inst = rt.instance;
        const instanceId = `${rt.name}-${inst?.pid ?? 'none'}`;
        if (!inst || !inst.alive) {
          this.metrics.recordInstance(rt.id, { time: now, instanceId, state: 'NotReady', capacity: 0 });
          continue;
        }
        const [stat, status] = await Promise.all([
          readFile(`/proc/${inst.pid}/stat`, 'latin1').catch(() => undefined),
          readFile(`/proc/${inst.pid}/status`, 'latin1').catch(() => undefined),
        ]);
        let cpuPercent: number | undefined;
        if (stat) {
          const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          const ticks = Number(rest[11]) + Number(rest[12]);
          const prev = this.cpuTicks.get(inst.pid);
          this.cpuTicks.set(inst.pid, { ticks, at: now });
          // Linux reports CPU time in clock ticks of 1/100 s (USER_HZ).
          if (prev && now > prev.at) cpuPercent = Math.min(100, (((ticks - prev.ticks) / 100) * 1000 * 100) / (now - prev.at) / cores);
        }
        const rss = status ? /VmRSS:\s+(\d+)\s+kB/.exec(status) : null;
        const memoryPercent = rss ? (Number(rss[1]) * 1024 * 100) / totalmem() : undefined;
        this.metrics.recordInstance(rt.id, {
          time: now,
          instanceId,
          state: 'Running',
          capacity: rt.capacity,
          ...(cpuPercent !== undefined ? { cpuPercent } : {}),
          ...(memoryPercent !== undefined ? { memoryPercent } : {}),
        });
      }
    }
  }

  // --- recovery and shutdown ----------------------------------------------------------------------

  /**
   * After a restart over a folder store: every endpoint goes back into the registry, operations
   * that were running are finished (deletes completed, creates/updates re-provisioned) and every
   * deployment that served is launched again, in the background.
   */
  async recover(): Promise<void> {
    const endpoints: ArmResource[] = [];
    for (const sub of await this.store.list('/subscriptions')) {
      for (const rg of await this.store.list(`${sub.id}/resourceGroups`)) {
        for (const ws of await this.store.list(`${rg.id}/providers/${MLS_NAMESPACE}/workspaces`)) {
          endpoints.push(...(await this.store.list(`${ws.id}/onlineEndpoints`)));
        }
      }
    }
    for (const e of endpoints) {
      const state = String((e.properties as Record<string, unknown> | undefined)?.provisioningState ?? '');
      if (state === 'Deleting') {
        for (const d of await this.store.list(`${e.id}/deployments`)) await this.store.delete(d.id);
        await this.store.delete(keysRecordId(e.id));
        await this.store.delete(e.id);
        continue;
      }
      if (BUSY_ENDPOINT_STATES.includes(state)) await this.setState(e.id, 'Succeeded');
      const ep = await this.syncEndpoint(e.id, true);
      if (!ep) continue;
      for (const d of await this.store.list(`${e.id}/deployments`)) {
        const dstate = String((d.properties as Record<string, unknown> | undefined)?.provisioningState ?? '');
        if (dstate === 'Deleting') {
          await this.store.delete(d.id);
          continue;
        }
        const rt = this.deploymentRuntime(ep, d);
        if (dstate === 'Failed' || dstate === 'Canceled') continue;
        const wasBusy = BUSY_DEPLOYMENT_STATES.includes(dstate);
        void this.track(
          this.provision(d.id, false).then(
            async () => {
              if (!wasBusy) return;
              const res = await this.setState(d.id, 'Succeeded');
              if (res) this.applySettings(rt, res);
            },
            async () => {
              const res = await this.setState(d.id, 'Failed');
              if (res) this.applySettings(rt, res);
            },
          ),
        );
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sampler) clearInterval(this.sampler);
    for (const w of this.waits) {
      clearTimeout(w.timer);
      w.resolve();
    }
    this.waits.clear();
    const stops: Promise<void>[] = [];
    for (const ep of this.registry.all()) for (const rt of ep.deployments.values()) stops.push(this.stopDeployment(rt));
    await Promise.allSettled(stops);
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    // A provisioning that finished after the first round of stops may have left a process.
    const late: Promise<void>[] = [];
    for (const ep of this.registry.all()) for (const rt of ep.deployments.values()) late.push(this.stopDeployment(rt));
    await Promise.allSettled(late);
  }
}
