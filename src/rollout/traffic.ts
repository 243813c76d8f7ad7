/**
 * Traffic arithmetic of an online endpoint: pure functions over `deployment → percent` maps.
 *
 * Azure ML keeps two maps on an endpoint: `traffic` (live requests, whole percents that sum to
 * 0 or 100) and `mirrorTraffic` (a shadow copy of live requests sent to one deployment, at most
 * 50 %, never to a deployment that also takes live traffic). A deployment missing from a map and
 * a deployment at 0 are the same thing: every comparison here treats them alike.
 */
import { ConfigurationError } from '../core/errors.js';

/** Deployment name → whole percent. */
export type TrafficMap = Record<string, number>;

/** Live and mirrored traffic of an endpoint. */
export interface TrafficState {
  traffic: TrafficMap;
  mirror: TrafficMap;
}

/** Azure ML's upper bound for mirrored traffic. */
export const MAX_MIRROR_PERCENT = 50;

/**
 * Someone or something other than this rollout changed the endpoint's traffic. Routers throw it
 * from `setTraffic` when the endpoint no longer matches what the caller read (etag or re-read);
 * the rollout then stops and reports instead of overwriting.
 */
export class TrafficConflictError extends Error {
  override readonly name = 'TrafficConflictError';
  constructor(
    message: string,
    /** The traffic found on the endpoint, when known. */
    readonly current?: TrafficState,
  ) {
    super(message);
  }
}

/** True for a {@link TrafficConflictError}, by class or by name. */
export function isTrafficConflict(error: unknown): error is TrafficConflictError {
  return error instanceof TrafficConflictError || (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TrafficConflictError');
}

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

/**
 * The new deployment's next live traffic: `deployment` gets exactly `weight`; every other
 * deployment of `prior` shares `100 - weight` in proportion to its prior percent, in whole
 * percents by the largest-remainder method (ties: larger prior share first, then name), so the
 * map sums to exactly 100. Always computed from the rollout's recorded prior traffic, never from
 * the previous stage, so rounding never drifts.
 *
 * When no other deployment takes traffic (a new endpoint), only 0 (all zero) and 100 are
 * possible. Throws a RangeError for a weight outside 0..100, a fractional weight, or a prior map
 * that does not sum to 0 or 100.
 */
export function nextTraffic(prior: TrafficMap, deployment: string, weight: number): TrafficMap {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
    throw new RangeError(`The weight of '${deployment}' must be a whole percent from 0 to 100, got ${weight}.`);
  }
  const problems = liveTrafficProblems(prior);
  if (problems.length > 0) throw new RangeError(`The prior traffic is not valid: ${problems.join('; ')}.`);

  const others = Object.keys(prior).filter((n) => n !== deployment);
  const othersTotal = others.reduce((sum, n) => sum + prior[n], 0);
  const result: TrafficMap = {};
  if (othersTotal === 0) {
    if (weight !== 0 && weight !== 100) {
      throw new RangeError(
        `No other deployment takes traffic, so '${deployment}' can only get 0 or 100 (traffic must sum to 0 or 100), not ${weight}.`,
      );
    }
    for (const n of others) result[n] = 0;
    result[deployment] = weight;
    return result;
  }

  const remaining = 100 - weight;
  // Exact integer arithmetic: share_i = prior_i * remaining / othersTotal.
  const shares = others.map((name) => {
    const numerator = prior[name] * remaining;
    return { name, prior: prior[name], floor: Math.floor(numerator / othersTotal), remainder: numerator % othersTotal };
  });
  let leftover = remaining - shares.reduce((sum, s) => sum + s.floor, 0);
  const order = [...shares].sort((a, b) => b.remainder - a.remainder || b.prior - a.prior || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const share of order) {
    if (leftover === 0) break;
    if (share.remainder === 0) continue;
    share.floor += 1;
    leftover -= 1;
  }
  for (const s of shares) result[s.name] = s.floor;
  result[deployment] = weight;
  return result;
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

/** Throws a {@link ConfigurationError} naming `input` (when given) and every problem. */
export function assertValidTraffic(state: TrafficState, options: TrafficValidationOptions & { input?: string } = {}): void {
  const problems = trafficProblems(state, options);
  if (problems.length === 0) return;
  const where = options.input ? `Input '${options.input}': ` : '';
  throw new ConfigurationError(`${where}${problems.join('; ')}.`, {
    input: options.input,
    hint: 'Live traffic is whole percents summing to 0 or 100; mirror traffic is at most 50% to one deployment that takes no live traffic.',
  });
}

/**
 * Parses `blue=90 green=10` (separated by spaces, commas or newlines; `:` also accepted) or a
 * JSON object `{"blue": 90, "green": 10}`. Only the syntax is checked here: use
 * {@link trafficProblems} for the rules. Errors are ConfigurationErrors naming `input`.
 */
export function parseTraffic(text: string, input = 'traffic'): TrafficMap {
  const value = text.trim();
  const fail = (message: string): never => {
    throw new ConfigurationError(`Input '${input}' ${message}`, { input, hint: "Write deployment=percent pairs, e.g. 'blue=90 green=10', or a JSON object." });
  };
  if (value === '') return {};
  if (value.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (e) {
      return fail(`is not valid JSON: ${(e as Error).message}.`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail('must be a JSON object of deployment → percent.');
    const out: TrafficMap = {};
    for (const [name, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof v !== 'number') fail(`gives '${name}' the value ${JSON.stringify(v)}; percents are numbers.`);
      out[name] = v as number;
    }
    return out;
  }
  const out: TrafficMap = {};
  const pair = /([A-Za-z0-9][A-Za-z0-9_-]*)\s*[=:]\s*(-?\d+(?:\.\d+)?)%?(?=[\s,]|$)[\s,]*/y;
  let index = 0;
  while (index < value.length) {
    pair.lastIndex = index;
    const m = pair.exec(value);
    if (!m) {
      const item = value.slice(index).split(/[\s,]/)[0];
      return fail(`has '${item}', which is not a deployment=percent pair.`);
    }
    const [, name, percent] = m;
    if (Object.prototype.hasOwnProperty.call(out, name)) fail(`gives '${name}' twice.`);
    out[name] = Number(percent);
    index = pair.lastIndex;
  }
  return out;
}
