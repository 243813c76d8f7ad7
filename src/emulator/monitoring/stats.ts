/**
 * The statistics of Azure's model-monitoring components, computed as they compute them
 * (Azure/azureml-assets assets/model_monitoring/components/src):
 * - data_drift_compute_metrics/numerical_data_drift_metrics.py: NormalizedWassersteinDistance
 *   (scipy wasserstein_distance ÷ max(baseline sample std, 0.001)), JensenShannonDistance and
 *   PopulationStabilityIndex over shared histograms (shared_utilities/histogram_utils.py: Sturges'
 *   bin count of the smaller sample, equal-width bins over both samples' range; PSI with +1
 *   Laplace smoothing), TwoSampleKolmogorovSmirnovTest (the p-value of ks_2samp);
 * - categorical_data_drift_metrics.py: JensenShannonDistance over category frequencies,
 *   PopulationStabilityIndex (+1 smoothing), PearsonsChiSquaredTest (the p-value of scipy
 *   chisquare, production counts against baseline ratios × production count).
 * Jensen-Shannon distances use base 2 (scipy.spatial.distance.jensenshannon(…, base=2)).
 * The KS p-value is the asymptotic Kolmogorov distribution with Stephens' small-sample
 * correction, not scipy's exact small-sample computation (values differ slightly for small n).
 */

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (Spark `stddev`); undefined below two values. */
export function sampleStd(xs: readonly number[]): number | undefined {
  if (xs.length < 2) return undefined;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

/** Count of values ≤ x in a sorted array (numpy searchsorted side='right'). */
function countLE(s: readonly number[], x: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first Wasserstein distance of two samples (scipy.stats.wasserstein_distance). */
export function wasserstein(a: readonly number[], b: readonly number[]): number {
  const sa = sorted(a);
  const sb = sorted(b);
  const all = sorted([...a, ...b]);
  let d = 0;
  for (let i = 0; i < all.length - 1; i++) {
    const delta = all[i + 1] - all[i];
    if (delta === 0) continue;
    d += Math.abs(countLE(sa, all[i]) / sa.length - countLE(sb, all[i]) / sb.length) * delta;
  }
  return d;
}

export function normalizedWasserstein(baseline: readonly number[], production: readonly number[]): number {
  const std = sampleStd(baseline);
  return wasserstein(baseline, production) / (std !== undefined ? Math.max(std, 0.001) : 0.001);
}

/** Bin edges shared by both samples (histogram_utils.get_dual_histogram_bin_edges). */
export function dualBinEdges(baseline: readonly number[], production: readonly number[]): number[] {
  const smaller = baseline.length < production.length ? baseline : production;
  const bins = Math.ceil(Math.log2(smaller.length) + 1);
  const min = Math.min(...baseline, ...production);
  const max = Math.max(...baseline, ...production);
  if (min === max) {
    const delta = min === 0 ? 0.005 : Math.abs(min * 0.005);
    return [min - delta, min + delta];
  }
  const width = (max - min) / bins;
  return Array.from({ length: bins + 1 }, (_, i) => min + i * width);
}

/** Counts per bin (Spark RDD.histogram: [e_i, e_i+1), the last bin closed; values outside ignored). */
export function histogram(xs: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  const last = edges.length - 2;
  for (const x of xs) {
    if (x < edges[0] || x > edges[last + 1]) continue;
    let i = 0;
    while (i < last && x >= edges[i + 1]) i++;
    counts[i]++;
  }
  return counts;
}

/** scipy.spatial.distance.jensenshannon(p, q, base=2): both normalized to sum 1. */
export function jensenShannon(p: readonly number[], q: readonly number[]): number {
  const sp = p.reduce((a, b) => a + b, 0);
  const sq = q.reduce((a, b) => a + b, 0);
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / sp;
    const b = q[i] / sq;
    const m = (a + b) / 2;
    if (a > 0) js += a * Math.log(a / m);
    if (b > 0) js += b * Math.log(b / m);
  }
  return Math.sqrt(Math.max(js / 2 / Math.LN2, 0));
}

/** PSI of two count vectors with +1 Laplace smoothing (numerical and categorical alike). */
export function psi(baselineCounts: readonly number[], productionCounts: readonly number[], baselineN: number, productionN: number): number {
  const k = baselineCounts.length;
  let out = 0;
  for (let i = 0; i < k; i++) {
    const b = (baselineCounts[i] + 1) / (baselineN + k);
    const p = (productionCounts[i] + 1) / (productionN + k);
    out += (p - b) * Math.log(p / b);
  }
  return out;
}

/** Two-sample Kolmogorov-Smirnov test: the p-value (two-sided, asymptotic with Stephens' correction). */
export function ksTestPValue(a: readonly number[], b: readonly number[]): number {
  const sa = sorted(a);
  const sb = sorted(b);
  let d = 0;
  for (const x of sorted([...a, ...b])) d = Math.max(d, Math.abs(countLE(sa, x) / sa.length - countLE(sb, x) / sb.length));
  const en = Math.sqrt((sa.length * sb.length) / (sa.length + sb.length));
  return kolmogorovQ((en + 0.12 + 0.11 / en) * d);
}

/** Q_KS(λ) = 2 Σ (-1)^(j-1) exp(-2 j² λ²). */
function kolmogorovQ(lambda: number): number {
  if (lambda < 1e-3) return 1;
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = 2 * (j % 2 === 1 ? 1 : -1) * Math.exp(-2 * j * j * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(Math.max(sum, 0), 1);
}

/** ln Γ(x) (Lanczos). */
function lnGamma(x: number): number {
  const c = [76.18009172947146, -86.50532032941678, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let ser = 1.000000000190015;
  for (const ci of c) ser += ci / ++y;
  return -tmp + Math.log((2.5066282746310007 * ser) / x);
}

/** The regularized upper incomplete gamma function Q(a, x) (series / continued fraction). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (!Number.isFinite(x)) return 0;
  const gln = lnGamma(a);
  if (x < a + 1) {
    let ap = a;
    let sum = 1 / a;
    let del = sum;
    for (let n = 0; n < 500; n++) {
      del *= x / ++ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - gln);
  }
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - gln) * h;
}

/** Pearson's chi-squared test of observed against expected counts: the p-value (k − 1 degrees of freedom). */
export function chiSquaredPValue(observed: readonly number[], expected: readonly number[]): number {
  let stat = 0;
  for (let i = 0; i < observed.length; i++) {
    if (expected[i] === 0) {
      if (observed[i] > 0) return 0; // an unseen category: the statistic is infinite
      continue;
    }
    stat += (observed[i] - expected[i]) ** 2 / expected[i];
  }
  const dof = observed.length - 1;
  if (dof < 1) return 1;
  return gammaQ(dof / 2, stat / 2);
}

/** Counts of each category, over the union of both samples' categories (in first-seen order). */
export function categoryCounts(baseline: readonly string[], production: readonly string[]): { keys: string[]; b: number[]; p: number[] } {
  const keys = [...new Set([...baseline, ...production])];
  const index = new Map(keys.map((k, i) => [k, i]));
  const b = new Array<number>(keys.length).fill(0);
  const p = new Array<number>(keys.length).fill(0);
  for (const x of baseline) b[index.get(x)!]++;
  for (const x of production) p[index.get(x)!]++;
  return { keys, b, p };
}

/** A numerical drift metric of one feature. */
export function numericalDrift(metric: string, baseline: readonly number[], production: readonly number[]): number {
  switch (metric) {
    case 'NormalizedWassersteinDistance':
      return normalizedWasserstein(baseline, production);
    case 'TwoSampleKolmogorovSmirnovTest':
      return ksTestPValue(baseline, production);
    case 'JensenShannonDistance':
    case 'PopulationStabilityIndex': {
      const edges = dualBinEdges(baseline, production);
      const hb = histogram(baseline, edges);
      const hp = histogram(production, edges);
      return metric === 'PopulationStabilityIndex' ? psi(hb, hp, baseline.length, production.length) : jensenShannon(hb, hp);
    }
    default:
      throw new Error(`Invalid metric ${metric} for numerical feature`);
  }
}

/** A categorical drift metric of one feature. */
export function categoricalDrift(metric: string, baseline: readonly string[], production: readonly string[]): number {
  const { b, p } = categoryCounts(baseline, production);
  switch (metric) {
    case 'JensenShannonDistance':
      return jensenShannon(b, p);
    case 'PopulationStabilityIndex':
      return psi(b, p, baseline.length, production.length);
    case 'PearsonsChiSquaredTest':
      return chiSquaredPValue(
        p,
        b.map((c) => (c / baseline.length) * production.length),
      );
    default:
      throw new Error(`Invalid metric ${metric} for categorical feature`);
  }
}

/** Metrics whose value must stay at or above the threshold (p-values); the others at or below (evaluate_metrics_threshold.py). */
export const HIGHER_IS_BETTER = ['TwoSampleKolmogorovSmirnovTest', 'PearsonsChiSquaredTest'];

/** Whether a metric value breaches its threshold (model_monitor_evaluate_metrics_threshold calculate_metrics_breach). */
export function breached(metric: string, value: number, threshold: number): boolean {
  return HIGHER_IS_BETTER.includes(metric) ? value < threshold : value > threshold;
}
