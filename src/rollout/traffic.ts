/**
 * Traffic as the rollout moves it: the next live split of a stage, the conflict when someone
 * else changed the endpoint, and the traffic inputs' checks. The endpoint's traffic maps and the
 * service's rules for them are in src/azure/traffic.ts (re-exported here for the rollout's users).
 */
import { ConfigurationError } from '../core/errors.js';
import { trafficProblems, type TrafficMap, type TrafficState, type TrafficValidationOptions } from '../azure/traffic.js';

export {
  copyTrafficState,
  foldTrafficCase,
  formatTraffic,
  formatTrafficState,
  MAX_MIRROR_PERCENT,
  normalizeTraffic,
  trafficEquals,
  trafficPercent,
  trafficProblems,
  trafficStateEquals,
  trafficTotal,
  type TrafficMap,
  type TrafficState,
  type TrafficValidationOptions,
} from '../azure/traffic.js';

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
  return (
    error instanceof TrafficConflictError || (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TrafficConflictError')
  );
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
  const problems = trafficProblems({ traffic: prior, mirror: {} });
  if (problems.length > 0) throw new RangeError(`The prior traffic is not valid: ${problems.join('; ')}.`);

  const others = Object.keys(prior).filter((n) => n !== deployment);
  const othersTotal = others.reduce((sum, n) => sum + prior[n], 0);
  const result: TrafficMap = {};
  if (othersTotal === 0) {
    if (weight !== 0 && weight !== 100) {
      throw new RangeError(`No other deployment takes traffic, so '${deployment}' can only get 0 or 100 (traffic must sum to 0 or 100), not ${weight}.`);
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
