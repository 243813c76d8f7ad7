/**
 * Sweep search spaces and sampling. Accepts the ARM/REST form azure-ai-ml sends
 * (`{"lr": ["uniform", [0.01, 0.1]], "opt": ["choice", [["adam", "sgd"]]]}`) and the YAML form
 * (`{lr: {type: uniform, min_value: 0.01, max_value: 0.1}}`). Sampling: Grid enumerates choices,
 * Random draws with a seeded generator (without repeats on discrete spaces); Bayesian is run as
 * Random (the emulator has no Bayesian optimiser).
 */

export type Distribution =
  | { kind: 'choice'; values: unknown[] }
  | { kind: 'randint'; upper: number }
  | { kind: 'uniform' | 'loguniform'; min: number; max: number }
  | { kind: 'quniform' | 'qloguniform'; min: number; max: number; q: number }
  | { kind: 'normal' | 'lognormal'; mu: number; sigma: number }
  | { kind: 'qnormal' | 'qlognormal'; mu: number; sigma: number; q: number };

export type SearchSpace = Record<string, Distribution>;

export class SearchSpaceError extends Error {
  override readonly name = 'SearchSpaceError';
}

const KINDS = ['choice', 'randint', 'uniform', 'loguniform', 'quniform', 'qloguniform', 'normal', 'lognormal', 'qnormal', 'qlognormal'];

function num(v: unknown, what: string): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new SearchSpaceError(`${what} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

function build(name: string, kind: string, args: unknown[]): Distribution {
  const a = (i: number, label: string): number => num(args[i], `search_space.${name} (${kind}) ${label}`);
  switch (kind) {
    case 'choice': {
      const values = args;
      if (values.length === 0) throw new SearchSpaceError(`search_space.${name}: choice needs at least one value`);
      return { kind, values };
    }
    case 'randint': {
      const upper = a(0, 'upper');
      if (!Number.isInteger(upper) || upper < 1) throw new SearchSpaceError(`search_space.${name}: randint upper must be an integer >= 1`);
      return { kind, upper };
    }
    case 'uniform':
    case 'loguniform': {
      const min = a(0, 'min_value');
      const max = a(1, 'max_value');
      if (max < min) throw new SearchSpaceError(`search_space.${name}: max_value ${max} is below min_value ${min}`);
      return { kind, min, max };
    }
    case 'quniform':
    case 'qloguniform': {
      const min = a(0, 'min_value');
      const max = a(1, 'max_value');
      const q = a(2, 'q');
      if (max < min) throw new SearchSpaceError(`search_space.${name}: max_value ${max} is below min_value ${min}`);
      if (q <= 0) throw new SearchSpaceError(`search_space.${name}: q must be > 0`);
      return { kind, min, max, q };
    }
    case 'normal':
    case 'lognormal':
      return { kind, mu: a(0, 'mu'), sigma: a(1, 'sigma') };
    case 'qnormal':
    case 'qlognormal': {
      const q = a(2, 'q');
      if (q <= 0) throw new SearchSpaceError(`search_space.${name}: q must be > 0`);
      return { kind, mu: a(0, 'mu'), sigma: a(1, 'sigma'), q };
    }
    default:
      throw new SearchSpaceError(`search_space.${name}: unknown distribution '${kind}' (known: ${KINDS.join(', ')})`);
  }
}

function parseOne(name: string, raw: unknown): Distribution {
  // REST form: ["uniform", [0.1, 1.0]] / ["choice", [[1, 2, 3]]]
  if (Array.isArray(raw)) {
    const kind = String(raw[0] ?? '').toLowerCase();
    const args = Array.isArray(raw[1]) ? (raw[1] as unknown[]) : [];
    if (kind === 'choice') {
      const values = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
      return build(name, kind, values);
    }
    return build(name, kind, args);
  }
  if (raw !== null && typeof raw === 'object') {
    const o = raw as Record<string, unknown>;
    const kind = String(o.type ?? '').toLowerCase();
    switch (kind) {
      case 'choice':
        if (!Array.isArray(o.values)) throw new SearchSpaceError(`search_space.${name}: choice needs 'values' (a list)`);
        return build(name, kind, o.values);
      case 'randint':
        return build(name, kind, [o.upper]);
      case 'uniform':
      case 'loguniform':
        return build(name, kind, [o.min_value ?? o.minValue, o.max_value ?? o.maxValue]);
      case 'quniform':
      case 'qloguniform':
        return build(name, kind, [o.min_value ?? o.minValue, o.max_value ?? o.maxValue, o.q]);
      case 'normal':
      case 'lognormal':
        return build(name, kind, [o.mu, o.sigma]);
      case 'qnormal':
      case 'qlognormal':
        return build(name, kind, [o.mu, o.sigma, o.q]);
      default:
        throw new SearchSpaceError(`search_space.${name}: unknown distribution type '${String(o.type)}' (known: ${KINDS.join(', ')})`);
    }
  }
  throw new SearchSpaceError(
    `search_space.${name}: expected a distribution such as ["choice", [[1, 2]]] or {type: choice, values: [1, 2]}, got ${JSON.stringify(raw)}`,
  );
}

export function parseSearchSpace(raw: unknown): SearchSpace {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SearchSpaceError(`searchSpace must be an object mapping parameter names to distributions`);
  }
  const out: SearchSpace = {};
  for (const [name, d] of Object.entries(raw as Record<string, unknown>)) out[name] = parseOne(name, d);
  if (Object.keys(out).length === 0) throw new SearchSpaceError(`searchSpace is empty: give at least one parameter`);
  return out;
}

/** mulberry32: a small, seedable PRNG (reproducible trials). */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable 32-bit seed from a string (FNV-1a). */
export function seedFrom(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function gaussian(rng: () => number): number {
  let u = 0;
  while (u === 0) u = rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const roundQ = (x: number, q: number): number => Number((Math.round(x / q) * q).toPrecision(12));

export function sample(d: Distribution, rng: () => number): unknown {
  switch (d.kind) {
    case 'choice':
      return d.values[Math.floor(rng() * d.values.length)];
    case 'randint':
      return Math.floor(rng() * d.upper);
    case 'uniform':
      return d.min + rng() * (d.max - d.min);
    case 'loguniform':
      return Math.exp(d.min + rng() * (d.max - d.min));
    case 'quniform':
      return roundQ(d.min + rng() * (d.max - d.min), d.q);
    case 'qloguniform':
      return roundQ(Math.exp(d.min + rng() * (d.max - d.min)), d.q);
    case 'normal':
      return d.mu + d.sigma * gaussian(rng);
    case 'lognormal':
      return Math.exp(d.mu + d.sigma * gaussian(rng));
    case 'qnormal':
      return roundQ(d.mu + d.sigma * gaussian(rng), d.q);
    case 'qlognormal':
      return roundQ(Math.exp(d.mu + d.sigma * gaussian(rng)), d.q);
  }
}

/** The finite values of a discrete distribution, or undefined for continuous ones. */
function discreteValues(d: Distribution): unknown[] | undefined {
  if (d.kind === 'choice') return d.values;
  if (d.kind === 'randint') return Array.from({ length: d.upper }, (_, i) => i);
  if (d.kind === 'quniform') {
    const out: number[] = [];
    for (let x = roundQ(d.min, d.q); x <= d.max + 1e-12 && out.length <= 100_000; x = roundQ(x + d.q, d.q)) out.push(x);
    return out;
  }
  return undefined;
}

function cartesian(names: string[], lists: unknown[][], limit: number): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const idx = names.map(() => 0);
  if (lists.some((l) => l.length === 0)) return out;
  while (out.length < limit) {
    const point: Record<string, unknown> = {};
    names.forEach((n, i) => (point[n] = lists[i][idx[i]]));
    out.push(point);
    let k = names.length - 1;
    while (k >= 0) {
      idx[k]++;
      if (idx[k] < lists[k].length) break;
      idx[k] = 0;
      k--;
    }
    if (k < 0) break;
  }
  return out;
}

export type SamplingAlgorithm = 'grid' | 'random' | 'bayesian';

export function parseSamplingAlgorithm(raw: unknown): { type: SamplingAlgorithm; seed?: number } {
  const o = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : undefined;
  const t = String(o ? (o.samplingAlgorithmType ?? o.sampling_algorithm_type ?? o.type ?? '') : (raw ?? 'random')).toLowerCase();
  if (t !== 'grid' && t !== 'random' && t !== 'bayesian') {
    throw new SearchSpaceError(`samplingAlgorithm '${t}' is not one of Grid, Random, Bayesian`);
  }
  const seed = o && typeof o.seed === 'number' && Number.isInteger(o.seed) ? o.seed : undefined;
  return { type: t, seed };
}

export interface TrialPlan {
  points: Array<Record<string, unknown>>;
  /** Size of the space when it is finite. */
  spaceSize?: number;
}

/**
 * The points to run: Grid → the cartesian product of the choices (first `maxTotal`); Random and
 * Bayesian → `maxTotal` seeded draws (distinct while the space is finite and large enough).
 */
export function planTrials(
  space: SearchSpace,
  algorithm: { type: SamplingAlgorithm; seed?: number },
  maxTotal: number | undefined,
  seedText: string,
): TrialPlan {
  const names = Object.keys(space);
  const discrete = names.map((n) => discreteValues(space[n]));
  const finite = discrete.every((d) => d !== undefined);
  const spaceSize = finite ? discrete.reduce((acc, d) => acc * d.length, 1) : undefined;
  if (algorithm.type === 'grid') {
    const nonChoice = names.filter((n) => space[n].kind !== 'choice');
    if (nonChoice.length > 0) {
      throw new SearchSpaceError(`Grid sampling supports only choice distributions; ${nonChoice.map((n) => `${n} (${space[n].kind})`).join(', ')} are not`);
    }
    return { points: cartesian(names, discrete as unknown[][], maxTotal ?? spaceSize ?? 0), spaceSize };
  }
  const total = maxTotal ?? spaceSize ?? 1000;
  const rng = createRng(algorithm.seed ?? seedFrom(seedText));
  if (finite && spaceSize! <= 10_000) {
    // Shuffle the whole finite space and take a prefix: no repeats.
    const all = cartesian(names, discrete, spaceSize!);
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [all[i], all[j]] = [all[j], all[i]];
    }
    return { points: all.slice(0, Math.min(total, all.length)), spaceSize };
  }
  const points: Array<Record<string, unknown>> = [];
  const seen = new Set<string>();
  let attempts = 0;
  while (points.length < total && attempts < total * 20) {
    attempts++;
    const p: Record<string, unknown> = {};
    for (const n of names) p[n] = sample(space[n], rng);
    const k = JSON.stringify(p);
    if (seen.has(k)) continue;
    seen.add(k);
    points.push(p);
  }
  return { points, spaceSize };
}

/** How a sampled value appears in a command line. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return JSON.stringify(v);
}
