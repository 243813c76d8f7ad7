/**
 * The monitor's statistics against values SciPy documents for the functions Azure's monitoring
 * components call (scipy.stats.chisquare, scipy.stats.wasserstein_distance and
 * scipy.spatial.distance.jensenshannon examples), and the breach rule of
 * model_monitor_evaluate_metrics_threshold (p-values breach below, distances above).
 */
import { describe, expect, it } from 'vitest';
import {
  breached,
  categoricalDrift,
  chiSquaredPValue,
  dualBinEdges,
  histogram,
  jensenShannon,
  ksTestPValue,
  normalizedWasserstein,
  psi,
  wasserstein,
} from '../../src/emulator/monitoring/stats.js';

describe('monitoring statistics', () => {
  it('chi-squared p-values as scipy.stats.chisquare documents them', () => {
    expect(chiSquaredPValue([16, 18, 16, 14, 12, 12], Array<number>(6).fill(88 / 6))).toBeCloseTo(0.8491450360846096, 10);
    expect(chiSquaredPValue([16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8])).toBeCloseTo(0.6233876277495822, 10);
    expect(chiSquaredPValue([5, 1], [0, 6])).toBe(0); // a category the baseline never saw
  });

  it('Wasserstein and Jensen-Shannon distances as scipy documents them', () => {
    expect(wasserstein([0, 1, 3], [5, 6, 8])).toBeCloseTo(5, 12);
    expect(jensenShannon([1, 0, 0], [0, 1, 0])).toBeCloseTo(1, 12); // base 2
    expect(jensenShannon([1, 0, 0], [1, 0, 0])).toBe(0);
    // Normalized by the baseline's sample standard deviation (1 here).
    expect(normalizedWasserstein([1, 2, 3], [3, 4, 5])).toBeCloseTo(2, 12);
  });

  it('histograms share Sturges bins over both samples; PSI is 0 for equal shapes and grows with a shift', () => {
    const a = Array.from({ length: 64 }, (_, i) => i);
    const edges = dualBinEdges(a, a);
    expect(edges).toHaveLength(8); // ceil(log2(64) + 1) = 7 bins
    expect(histogram(a, edges).reduce((s, c) => s + c, 0)).toBe(64);
    const h = histogram(a, edges);
    expect(psi(h, h, 64, 64)).toBe(0);
    const shifted = a.map((x) => x + 30);
    const e2 = dualBinEdges(a, shifted);
    expect(psi(histogram(a, e2), histogram(shifted, e2), 64, 64)).toBeGreaterThan(1);
  });

  it('KS p-value: 1 for one sample against itself, near 0 for separated samples', () => {
    const a = Array.from({ length: 200 }, (_, i) => i / 200);
    expect(ksTestPValue(a, a)).toBeCloseTo(1, 6);
    expect(
      ksTestPValue(
        a,
        a.map((x) => x + 2),
      ),
    ).toBeLessThan(1e-10);
  });

  it('categorical metrics and the breach rule', () => {
    const base = [...Array(50).fill('a'), ...Array(50).fill('b')];
    expect(categoricalDrift('JensenShannonDistance', base, base)).toBe(0);
    expect(categoricalDrift('PearsonsChiSquaredTest', base, base)).toBeCloseTo(1, 12);
    expect(categoricalDrift('PearsonsChiSquaredTest', base, Array(100).fill('a'))).toBeLessThan(1e-6);
    expect(breached('PearsonsChiSquaredTest', 0.01, 0.05)).toBe(true);
    expect(breached('JensenShannonDistance', 0.01, 0.05)).toBe(false);
    expect(breached('NormalizedWassersteinDistance', 0.6, 0.5)).toBe(true);
  });
});
