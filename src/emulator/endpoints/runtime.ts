/**
 * What the scoring router reads on every request, kept in memory so routing never touches the
 * resource store: per endpoint its auth mode and keys, the live traffic split and the mirror
 * (applied when an endpoint operation completes, not while it is `Updating`), and per deployment
 * its serving process and request settings.
 *
 * Routing by weight is deterministic: smooth weighted round-robin (as nginx does it), so 90/10
 * gives exactly 9 and 1 of every 10 requests, interleaved. Mirroring is deterministic too: of
 * every 100 requests routed by weight, exactly `percent` are copied to the mirror deployment.
 */
import type { DeploymentLogs } from './logs.js';
import type { LaunchSpec, ScoringProcess } from './process.js';
import { keyOf, type AuthMode } from './ids.js';

export interface EndpointKeys {
  primaryKey: string;
  secondaryKey: string;
}

export class DeploymentRuntime {
  /** Provisioning state, as stored on the resource. */
  state = 'Creating';
  computeType = 'Managed';
  requestTimeoutMs = 5000;
  maxConcurrent = 1;
  capacity = 1;
  /** The process that serves (ready), if any. */
  instance: ScoringProcess | undefined;
  /** How `instance` was launched: relaunched with it after a crash. */
  spec: LaunchSpec | undefined;
  /** Logs of the current revision (or of the latest attempt, when it failed). */
  logs: DeploymentLogs | undefined;
  /** Folder of the serving revision (removed when replaced). */
  revisionDir: string | undefined;
  /** Bumped whenever the process set changes hands (new revision, stop): stale restarts give up. */
  generation = 0;
  /** Aborts the provisioning in flight (delete, update, shutdown). */
  provisioning: AbortController | undefined;
  restartTimer: NodeJS.Timeout | undefined;
  restarts = 0;
  consecutiveRestartFailures = 0;
  inflight = 0;
  served = 0;
  mirrored = 0;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly endpointName: string,
  ) {}

  get ready(): boolean {
    return this.instance !== undefined && this.instance.alive && !this.instance.stopping;
  }

  /** Whether it may take live traffic: provisioned, or still serving an earlier revision. */
  get canServe(): boolean {
    if (this.state === 'Creating' || this.state === 'Deleting') return false;
    if (this.state === 'Failed') return this.instance !== undefined;
    return true;
  }
}

export class EndpointRuntime {
  authMode: AuthMode = 'Key';
  keys: EndpointKeys = { primaryKey: '', secondaryKey: '' };
  location = '';
  /** Live split: deployments with weight > 0, in the order of the endpoint's `traffic`. */
  private split: Array<{ name: string; weight: number; current: number }> = [];
  private mirrorTarget: { name: string; percent: number } | undefined;
  private mirrorSeen = 0;
  readonly deployments = new Map<string, DeploymentRuntime>();

  constructor(
    readonly id: string,
    readonly name: string,
  ) {}

  get key(): string {
    return keyOf(this.id);
  }

  /** Applies the endpoint's `traffic` and `mirrorTraffic` (a completed operation). */
  setTraffic(traffic: Record<string, number>, mirror: Record<string, number>): void {
    const prev = new Map(this.split.map((s) => [s.name.toLowerCase(), s.current]));
    this.split = Object.entries(traffic)
      .filter(([, w]) => w > 0)
      .map(([name, weight]) => ({ name, weight, current: prev.get(name.toLowerCase()) ?? 0 }));
    const m = Object.entries(mirror).find(([, p]) => p > 0);
    const next = m ? { name: m[0], percent: m[1] } : undefined;
    if (next?.name.toLowerCase() !== this.mirrorTarget?.name.toLowerCase() || next?.percent !== this.mirrorTarget?.percent) this.mirrorSeen = 0;
    this.mirrorTarget = next;
  }

  get traffic(): Record<string, number> {
    return Object.fromEntries(this.split.map((s) => [s.name, s.weight]));
  }

  get mirror(): { name: string; percent: number } | undefined {
    return this.mirrorTarget;
  }

  deployment(name: string): DeploymentRuntime | undefined {
    return this.deployments.get(name.toLowerCase());
  }

  /** The next deployment by weight (smooth weighted round-robin); undefined when no weight is positive. */
  pick(): string | undefined {
    if (this.split.length === 0) return undefined;
    let total = 0;
    let best: { name: string; weight: number; current: number } | undefined;
    for (const s of this.split) {
      s.current += s.weight;
      total += s.weight;
      if (!best || s.current > best.current) best = s;
    }
    best!.current -= total;
    return best!.name;
  }

  /** Whether this request (routed by weight) is also copied to the mirror deployment. */
  mirrorThis(): string | undefined {
    const m = this.mirrorTarget;
    if (!m) return undefined;
    const n = this.mirrorSeen++;
    return Math.floor(((n + 1) * m.percent) / 100) > Math.floor((n * m.percent) / 100) ? m.name : undefined;
  }
}

/** Endpoints by name (unique in the emulator's region, as in Azure) and by ARM id. */
export class EndpointRegistry {
  private readonly byName = new Map<string, EndpointRuntime>();
  private readonly byId = new Map<string, EndpointRuntime>();

  byEndpointName(name: string): EndpointRuntime | undefined {
    return this.byName.get(name.toLowerCase());
  }

  byEndpointId(id: string): EndpointRuntime | undefined {
    return this.byId.get(keyOf(id));
  }

  ensure(id: string, name: string): EndpointRuntime {
    let e = this.byId.get(keyOf(id));
    if (!e) {
      e = new EndpointRuntime(id, name);
      this.byId.set(keyOf(id), e);
      this.byName.set(name.toLowerCase(), e);
    }
    return e;
  }

  remove(id: string): EndpointRuntime | undefined {
    const e = this.byId.get(keyOf(id));
    if (!e) return undefined;
    this.byId.delete(keyOf(id));
    if (this.byName.get(e.name.toLowerCase()) === e) this.byName.delete(e.name.toLowerCase());
    return e;
  }

  all(): EndpointRuntime[] {
    return [...this.byId.values()];
  }
}
