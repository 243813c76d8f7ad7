/**
 * Fakes of the rollout's provider interfaces that keep real state: an endpoint with deployments,
 * live and mirror traffic (validated like Azure ML: sums, mirror rules, no deleting a deployment
 * that takes traffic), a request simulator that turns traffic shares and per-deployment
 * behaviour into signals, and a fake clock that every slow operation advances.
 */
import type {
  Clock,
  DeploymentOps,
  ProbeDriver,
  Provisioner,
  RolloutProviders,
  SmokeTester,
  TrafficRouter,
  TrafficSnapshot,
} from '../../src/rollout/providers.js';
import type { SignalSource, Signals } from '../../src/rollout/health.js';
import { TrafficConflictError, trafficProblems, trafficStateEquals, type TrafficMap, type TrafficState } from '../../src/rollout/traffic.js';

export const T0 = Date.parse('2025-03-01T10:00:00Z');

export interface FakeClock extends Clock {
  t: number;
  advance(ms: number): void;
  /** Called after every sleep, with the time reached (e.g. to inject a fault at some time). */
  onSleep?: (t: number) => void;
}

export function fakeClock(start = T0): FakeClock {
  const clock: FakeClock = {
    t: start,
    now: () => clock.t,
    advance: (ms) => {
      clock.t += ms;
    },
    sleep: async (ms, signal) => {
      if (signal?.aborted) return;
      clock.t += ms;
      clock.onSleep?.(clock.t);
    },
  };
  return clock;
}

/** How a deployment behaves at a given time. */
export interface Behaviour {
  errorRate: number;
  latencyP95: number;
  latencyP99: number;
}

const healthy: Behaviour = { errorRate: 0.001, latencyP95: 120, latencyP99: 180 };

export interface FakeEndpointOptions {
  traffic: TrafficMap;
  mirror?: TrafficMap;
  /** Deployments that exist besides those in the maps. */
  deployments?: string[];
  /** Live requests per second reaching the endpoint. */
  rps?: number;
  /** Time one traffic write takes. */
  writeMs?: number;
  /** Time provisioning takes. */
  provisionMs?: number;
}

export class FakeEndpoint {
  traffic: TrafficMap;
  mirror: TrafficMap;
  readonly instances = new Map<string, number>();
  readonly writes: TrafficState[] = [];
  readonly deleted: string[] = [];
  readonly scaled: Array<[string, number]> = [];
  reads = 0;
  rps: number;
  probeRps = 0;
  probeStarts = 0;
  writeMs: number;
  provisionMs: number;
  /** Per deployment: behaviour as a function of time. Default healthy. */
  behaviour = new Map<string, (t: number) => Behaviour>();
  /** Deployment names whose provisioning fails. */
  failProvisioning = new Set<string>();
  /** Deployment names whose smoke test fails. */
  failSmoke = new Set<string>();
  /** Number of upcoming metrics queries that throw. */
  failQueries = 0;
  queries = 0;
  /** Number of upcoming setTraffic calls that throw a transient error. */
  failWrites = 0;
  /** Runs inside setTraffic before the etag comparison (someone else writing in between). */
  beforeSet?: () => void;
  confirmOk = true;

  constructor(
    readonly clock: FakeClock,
    options: FakeEndpointOptions,
  ) {
    this.traffic = { ...options.traffic };
    this.mirror = { ...(options.mirror ?? {}) };
    for (const name of [...Object.keys(this.traffic), ...Object.keys(this.mirror), ...(options.deployments ?? [])]) this.instances.set(name, 1);
    this.rps = options.rps ?? 10;
    this.writeMs = options.writeMs ?? 2000;
    this.provisionMs = options.provisionMs ?? 30_000;
  }

  get state(): TrafficState {
    return { traffic: { ...this.traffic }, mirror: { ...this.mirror } };
  }

  /** Someone else edits the endpoint (an operator with the Azure CLI). */
  setBySomeoneElse(state: TrafficState): void {
    this.traffic = { ...state.traffic };
    this.mirror = { ...state.mirror };
  }

  private etag(): string {
    return JSON.stringify([this.traffic, this.mirror]);
  }

  readonly router: TrafficRouter = {
    getTraffic: async (): Promise<TrafficSnapshot> => {
      this.reads += 1;
      return { traffic: { ...this.traffic }, mirror: { ...this.mirror }, etag: this.etag() };
    },
    setTraffic: async (target, expected) => {
      this.clock.advance(this.writeMs);
      if (this.failWrites > 0) {
        this.failWrites -= 1;
        throw new Error('Conflict: the endpoint is Updating (OperationCanceled)');
      }
      this.beforeSet?.();
      if (expected.etag !== this.etag()) throw new TrafficConflictError('the endpoint changed since it was read', this.state);
      const problems = trafficProblems(target, { deployments: [...this.instances.keys()] });
      if (problems.length) throw new Error(`BadRequest: ${problems.join('; ')}`);
      this.traffic = { ...target.traffic };
      this.mirror = { ...target.mirror };
      this.writes.push({ traffic: { ...target.traffic }, mirror: { ...target.mirror } });
    },
  };

  readonly provisioner: Provisioner = {
    provision: async (deployment) => {
      this.clock.advance(this.provisionMs);
      if (this.failProvisioning.has(deployment)) {
        this.instances.set(deployment, 0);
        return {
          ok: false,
          reason: 'ResourceNotReady: the container crashed',
          logs: 'storage-initializer: ok\ninference-server: ModuleNotFoundError: No module named sklearn',
        };
      }
      this.instances.set(deployment, 1);
      return { ok: true, summary: `'${deployment}' Succeeded` };
    },
  };

  readonly smoke: SmokeTester = {
    run: async (deployment) => {
      this.clock.advance(500);
      if (!this.instances.has(deployment)) return { passed: false, summary: `deployment '${deployment}' not found` };
      return this.failSmoke.has(deployment)
        ? { passed: false, summary: '1/2 requests failed: HTTP 500' }
        : { passed: true, summary: '2/2 requests answered 200' };
    },
  };

  readonly deployments: DeploymentOps = {
    delete: async (name) => {
      this.clock.advance(1000);
      if ((this.traffic[name] ?? 0) > 0 || (this.mirror[name] ?? 0) > 0)
        throw new Error(`BadRequest: deployment '${name}' takes traffic and cannot be deleted`);
      if (this.instances.delete(name)) this.deleted.push(name);
      // Azure drops a deleted deployment's (zero) entries from the endpoint's maps.
      delete this.traffic[name];
      delete this.mirror[name];
    },
    scale: async (name, n) => {
      if (!this.instances.has(name)) throw new Error(`deployment '${name}' not found`);
      this.instances.set(name, n);
      this.scaled.push([name, n]);
    },
    confirmServes: async (name) => {
      const ok = this.confirmOk && this.traffic[name] === 100 && this.instances.has(name);
      return { ok, detail: ok ? `a request without the header was answered by '${name}'` : `a request without the header was answered by another deployment` };
    },
  };

  readonly probe: ProbeDriver = {
    start: (rps) => {
      this.probeRps = rps;
      this.probeStarts += 1;
    },
    stop: () => {
      this.probeRps = 0;
    },
  };

  /**
   * Signals computed from the current traffic: the deployment's share of live requests (plus its
   * mirrored copy) over the window, with its behaviour at the end of the window. Traffic is taken
   * as it is now, which is what it was during the window as long as the test does not change it.
   */
  readonly signals: SignalSource = {
    query: async (deployment, start, end) => {
      this.queries += 1;
      this.clock.advance(200);
      if (this.failQueries > 0) {
        this.failQueries -= 1;
        throw new Error('Azure Monitor: 503 ServiceUnavailable');
      }
      const seconds = Math.max(0, (end.getTime() - start.getTime()) / 1000);
      const share = ((this.traffic[deployment] ?? 0) + (this.mirror[deployment] ?? 0)) / 100;
      const requests = Math.round((this.rps + this.probeRps) * share * seconds);
      const b = (this.behaviour.get(deployment) ?? (() => healthy))(end.getTime());
      const signals: Signals = { requests };
      if (requests > 0) Object.assign(signals, { error_rate: b.errorRate, latency_p95: b.latencyP95, latency_p99: b.latencyP99, cpu: 0.3, memory: 0.4 });
      return signals;
    },
  };

  providers(extra: Partial<RolloutProviders> = {}): RolloutProviders {
    return {
      router: this.router,
      signals: this.signals,
      deployments: this.deployments,
      provisioner: this.provisioner,
      smoke: this.smoke,
      probe: this.probe,
      ...extra,
    };
  }

  holds(state: TrafficState): boolean {
    return trafficStateEquals(this.state, state);
  }
}

export { healthy as healthyBehaviour };
