/**
 * The traffic of an Azure ML online endpoint and the service's rules for it: pure functions over
 * `deployment → percent` maps, shared by the endpoint file's check (src/specs/deployment.ts), the
 * rollout (src/rollout) and the deploy flow.
 *
 * Azure ML keeps two maps on an endpoint: `traffic` (live requests, whole percents that sum to
 * 0 or 100) and `mirrorTraffic` (a shadow copy of live requests sent to one deployment, at most
 * 50 %, never to a deployment that also takes live traffic). A deployment missing from a map and
 * a deployment at 0 are the same thing: every comparison here treats them alike.
 */

/** Deployment name → whole percent. */
export type TrafficMap = Record<string, number>;

/** Live and mirrored traffic of an endpoint. */
export interface TrafficState {
  traffic: TrafficMap;
  mirror: TrafficMap;
}

/** Azure ML's upper bound for mirrored traffic. */
export const MAX_MIRROR_PERCENT = 50;

/** Sum of the percents of a map. */
export function trafficTotal(map: TrafficMap): number {
  return Object.values(map).reduce((sum, v) => sum + v, 0);
}

/** The map without its zero entries, keys sorted: the canonical form used for comparisons. */
export function normalizeTraffic(map: TrafficMap): TrafficMap {
  const out: TrafficMap = {};
  for (const name of Object.keys(map).sort()) if (map[name] !== 0) out[name] = map[name];
  return out;
}

/**
 * The map keyed by lower-cased deployment name (zeros dropped, percents of names differing only
 * in case added up). A deployment created as `Green` is named `green` by the service, and
 * Microsoft's SDK lower-cases the names in `traffic` / `mirror_traffic` before it writes them
 * (Azure/azure-sdk-for-python PR #28715, "Fix uppercase handling of deployment name under
 * traffic/mirror_traffic"), so a read-back may spell `Green` as `green`.
 */
export function foldTrafficCase(map: TrafficMap): TrafficMap {
  const out: TrafficMap = {};
  for (const [name, value] of Object.entries(map)) {
    const key = name.toLowerCase();
    out[key] = (out[key] ?? 0) + value;
  }
  return normalizeTraffic(out);
}

/** The percent a map gives `deployment`, whatever the case its key is spelled in (absent = 0). */
export function trafficPercent(map: TrafficMap, deployment: string): number {
  return foldTrafficCase(map)[deployment.toLowerCase()] ?? 0;
}

/**
 * Equal when every deployment gets the same percent (absent = 0). Names compare
 * case-insensitively (see {@link foldTrafficCase}), so a read-back written by the SDK in lower case
 * is not taken for someone else's change.
 */
export function trafficEquals(a: TrafficMap, b: TrafficMap): boolean {
  const x = foldTrafficCase(a);
  const y = foldTrafficCase(b);
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => x[k] === y[k]);
}

/** Equal live traffic and equal mirror traffic. */
export function trafficStateEquals(a: TrafficState, b: TrafficState): boolean {
  return trafficEquals(a.traffic, b.traffic) && trafficEquals(a.mirror, b.mirror);
}

/** A deep copy with plain objects (safe to persist and to compare later). */
export function copyTrafficState(state: TrafficState): TrafficState {
  return { traffic: { ...state.traffic }, mirror: { ...state.mirror } };
}

/** `blue=90 green=10` (names sorted, zeros kept); `none` for an empty map. */
export function formatTraffic(map: TrafficMap): string {
  const names = Object.keys(map).sort();
  return names.length === 0 ? 'none' : names.map((n) => `${n}=${map[n]}`).join(' ');
}

/** `blue=90 green=10`, plus `, mirror green=10` when something is mirrored. */
export function formatTrafficState(state: TrafficState): string {
  const mirror = normalizeTraffic(state.mirror);
  const live = formatTraffic(state.traffic);
  return Object.keys(mirror).length === 0 ? live : `${live}, mirror ${formatTraffic(mirror)}`;
}

export interface TrafficValidationOptions {
  /** The endpoint's deployments; names outside this list are reported. */
  deployments?: readonly string[];
  /** Kubernetes online endpoints do not support mirrored traffic. */
  kubernetes?: boolean;
}

function percentProblem(kind: string, name: string, value: unknown, max: number): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    return `${kind} for '${name}' is ${JSON.stringify(value)}; use a whole percent from 0 to ${max}`;
  }
  return undefined;
}

function liveTrafficProblems(traffic: TrafficMap): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(traffic)) {
    const p = percentProblem('traffic', name, value, 100);
    if (p) problems.push(p);
  }
  if (problems.length === 0) {
    const total = trafficTotal(traffic);
    if (total !== 0 && total !== 100) problems.push(`traffic sums to ${total} (${formatTraffic(traffic)}); it must sum to 0 or 100`);
  }
  return problems;
}

/**
 * Everything wrong with a traffic state, as sentences (empty when valid): whole percents, live
 * traffic summing to 0 or 100, names that are deployments of the endpoint, mirror traffic to at
 * most one deployment, at most 50 %, never to a deployment with live traffic, and not on
 * Kubernetes endpoints.
 */
export function trafficProblems(state: TrafficState, options: TrafficValidationOptions = {}): string[] {
  const problems = liveTrafficProblems(state.traffic);
  const known = options.deployments ? new Set(options.deployments) : undefined;
  const listed = options.deployments && options.deployments.length > 0 ? options.deployments.join(', ') : 'none';
  if (known) {
    for (const name of Object.keys(state.traffic)) {
      if (!known.has(name)) problems.push(`'${name}' is not a deployment of this endpoint (deployments: ${listed})`);
    }
  }
  const mirrored = Object.entries(state.mirror).filter(([, v]) => v !== 0);
  for (const [name, value] of Object.entries(state.mirror)) {
    const p = percentProblem('mirror traffic', name, value, MAX_MIRROR_PERCENT);
    if (p) problems.push(p);
  }
  if (mirrored.length > 1) {
    problems.push(`mirror traffic can go to one deployment only, got ${formatTraffic(Object.fromEntries(mirrored))}`);
  }
  for (const [name] of mirrored) {
    if (known && !known.has(name)) problems.push(`mirror target '${name}' is not a deployment of this endpoint (deployments: ${listed})`);
    if ((state.traffic[name] ?? 0) > 0) {
      problems.push(`'${name}' takes ${state.traffic[name]}% live traffic and so cannot also receive mirrored traffic`);
    }
  }
  if (options.kubernetes && mirrored.length > 0) problems.push('mirror traffic is not supported on Kubernetes online endpoints');
  return problems;
}
