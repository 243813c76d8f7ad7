import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertValidTraffic,
  formatTraffic,
  formatTrafficState,
  nextTraffic,
  parseTraffic,
  foldTrafficCase,
  trafficEquals,
  trafficPercent,
  trafficProblems,
  trafficStateEquals,
  trafficTotal,
  type TrafficMap,
} from '../../src/rollout/traffic.js';

describe('nextTraffic', () => {
  it('scales one other deployment down', () => {
    expect(nextTraffic({ blue: 100 }, 'green', 10)).toEqual({ blue: 90, green: 10 });
    expect(nextTraffic({ blue: 100 }, 'green', 100)).toEqual({ blue: 0, green: 100 });
    expect(nextTraffic({ blue: 100 }, 'green', 0)).toEqual({ blue: 100, green: 0 });
  });

  it('keeps the proportions of several deployments, with largest-remainder rounding', () => {
    expect(nextTraffic({ blue: 70, red: 30 }, 'green', 20)).toEqual({ blue: 56, red: 24, green: 20 });
    // 90 shared 33:33:34 → 29.7, 29.7, 30.6 → floors 29, 29, 30 and two leftovers to the largest remainders.
    expect(nextTraffic({ a: 33, b: 33, c: 34 }, 'n', 10)).toEqual({ a: 30, b: 30, c: 30, n: 10 });
    // 50 shared 1:1:98 → 0.5, 0.5, 49 → ties broken by prior share then name.
    expect(nextTraffic({ x: 1, y: 1, z: 98 }, 'n', 50)).toEqual({ x: 1, y: 0, z: 49, n: 50 });
  });

  it('keeps zero-weight deployments in the map and ignores the new one in the base', () => {
    expect(nextTraffic({ blue: 100, spare: 0, green: 0 }, 'green', 40)).toEqual({ blue: 60, spare: 0, green: 40 });
  });

  it('on an endpoint without live traffic allows only 0 or 100', () => {
    expect(nextTraffic({}, 'green', 100)).toEqual({ green: 100 });
    expect(nextTraffic({ old: 0 }, 'green', 100)).toEqual({ old: 0, green: 100 });
    expect(() => nextTraffic({}, 'green', 10)).toThrow(/can only get 0 or 100/);
  });

  it('refuses bad weights and bad prior maps', () => {
    expect(() => nextTraffic({ blue: 100 }, 'green', 101)).toThrow(RangeError);
    expect(() => nextTraffic({ blue: 100 }, 'green', 12.5)).toThrow(/whole percent/);
    expect(() => nextTraffic({ blue: 90 }, 'green', 10)).toThrow(/sums to 90/);
  });

  it('property: any valid prior map and weight → sums to 100, exact weight, nothing negative, nobody gains', () => {
    const names = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { minLength: 1, maxLength: 6 });
    const prior = names.chain((ns) =>
      fc.array(fc.nat({ max: 1000 }), { minLength: ns.length, maxLength: ns.length }).map((raw) => {
        const sum = raw.reduce((a, b) => a + b, 0);
        const map: TrafficMap = {};
        if (sum === 0) {
          ns.forEach((n, i) => (map[n] = i === 0 ? 100 : 0));
          return map;
        }
        // Distribute exactly 100 in proportion to raw (floor, then the rest to the first).
        let left = 100;
        ns.forEach((n, i) => {
          map[n] = Math.floor((raw[i] * 100) / sum);
          left -= map[n];
        });
        map[ns[0]] += left;
        return map;
      }),
    );
    fc.assert(
      fc.property(prior, fc.integer({ min: 0, max: 100 }), fc.constantFrom('new-dep', 'a', 'b'), (p, weight, dep) => {
        const othersTotal = Object.keys(p)
          .filter((n) => n !== dep)
          .reduce((s, n) => s + p[n], 0);
        fc.pre(othersTotal > 0 || weight === 0 || weight === 100);
        const next = nextTraffic(p, dep, weight);
        // Sums to 100, except the one case where nothing takes traffic at all (still valid: 0).
        expect(trafficTotal(next)).toBe(othersTotal === 0 && weight === 0 ? 0 : 100);
        expect(next[dep]).toBe(weight);
        for (const [name, v] of Object.entries(next)) {
          expect(Number.isInteger(v)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(0);
          // When the new deployment's share grows, no other deployment gains.
          if (name !== dep && weight >= (p[dep] ?? 0)) expect(v).toBeLessThanOrEqual(p[name]);
        }
        expect(Object.keys(next).sort()).toEqual([...new Set([...Object.keys(p), dep])].sort());
        // Each other deployment is within one percent of its exact proportional share.
        for (const name of Object.keys(p).filter((n) => n !== dep && othersTotal > 0)) {
          const exact = (p[name] * (100 - weight)) / othersTotal;
          expect(Math.abs(next[name] - exact)).toBeLessThan(1);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('validation', () => {
  it('accepts valid states', () => {
    expect(trafficProblems({ traffic: { blue: 90, green: 10 }, mirror: {} })).toEqual([]);
    expect(trafficProblems({ traffic: {}, mirror: {} })).toEqual([]);
    expect(trafficProblems({ traffic: { blue: 100, green: 0 }, mirror: { green: 50 } }, { deployments: ['blue', 'green'] })).toEqual([]);
  });

  it('names every problem', () => {
    expect(trafficProblems({ traffic: { blue: 60, green: 30 }, mirror: {} })).toEqual(['traffic sums to 90 (blue=60 green=30); it must sum to 0 or 100']);
    expect(trafficProblems({ traffic: { blue: 100.5 }, mirror: {} })[0]).toMatch(/whole percent/);
    expect(trafficProblems({ traffic: { blue: 100 }, mirror: { green: 60 } })).toEqual(["mirror traffic for 'green' is 60; use a whole percent from 0 to 50"]);
    expect(trafficProblems({ traffic: { blue: 90, green: 10 }, mirror: { green: 10 } })).toEqual([
      "'green' takes 10% live traffic and so cannot also receive mirrored traffic",
    ]);
    expect(trafficProblems({ traffic: { blue: 100 }, mirror: { a: 10, b: 10 } })[0]).toMatch(/one deployment only/);
    expect(trafficProblems({ traffic: { blue: 100, grene: 0 }, mirror: {} }, { deployments: ['blue', 'green'] })).toEqual([
      "'grene' is not a deployment of this endpoint (deployments: blue, green)",
    ]);
    expect(trafficProblems({ traffic: { blue: 100 }, mirror: { green: 10 } }, { kubernetes: true })).toEqual([
      'mirror traffic is not supported on Kubernetes online endpoints',
    ]);
  });

  it('assertValidTraffic throws a ConfigurationError naming the input', () => {
    expect(() => assertValidTraffic({ traffic: { blue: 50 }, mirror: {} }, { input: 'traffic' })).toThrow(
      expect.objectContaining({ name: 'ConfigurationError', input: 'traffic' }),
    );
  });
});

describe('parse, format, compare', () => {
  it('parses the az ml spelling and JSON', () => {
    expect(parseTraffic('blue=90 green=10')).toEqual({ blue: 90, green: 10 });
    expect(parseTraffic('blue = 90, green:10%')).toEqual({ blue: 90, green: 10 });
    expect(parseTraffic('{"blue": 90, "green": 10}')).toEqual({ blue: 90, green: 10 });
    expect(parseTraffic('')).toEqual({});
    expect(() => parseTraffic('blue=90 green')).toThrow(/'green', which is not a deployment=percent pair/);
    expect(() => parseTraffic('blue=1 blue=99')).toThrow(/twice/);
    expect(() => parseTraffic('{"blue": "90"}')).toThrow(/percents are numbers/);
  });

  it('formats sorted, with the mirror', () => {
    expect(formatTraffic({ green: 10, blue: 90 })).toBe('blue=90 green=10');
    expect(formatTraffic({})).toBe('none');
    expect(formatTrafficState({ traffic: { blue: 100 }, mirror: { green: 10 } })).toBe('blue=100, mirror green=10');
    expect(formatTrafficState({ traffic: { blue: 100 }, mirror: { green: 0 } })).toBe('blue=100');
  });

  it('treats a missing deployment as 0', () => {
    expect(trafficEquals({ blue: 100, green: 0 }, { blue: 100 })).toBe(true);
    expect(trafficEquals({ blue: 90, green: 10 }, { blue: 100 })).toBe(false);
    expect(trafficStateEquals({ traffic: { blue: 100 }, mirror: {} }, { traffic: { blue: 100 }, mirror: { green: 0 } })).toBe(true);
  });
});

describe('traffic keys compare case-insensitively (issue 12, defect 8)', () => {
  it('a lower-cased read-back equals what was written', () => {
    expect(trafficEquals({ Blue: 90, Green: 10 }, { blue: 90, green: 10 })).toBe(true);
    expect(trafficStateEquals({ traffic: { Blue: 100 }, mirror: { Green: 10 } }, { traffic: { blue: 100 }, mirror: { green: 10 } })).toBe(true);
    expect(trafficEquals({ BLUE: 100, Green: 0 }, { blue: 100 })).toBe(true);
  });

  it('a real change is still a change', () => {
    expect(trafficEquals({ Blue: 90, Green: 10 }, { blue: 80, green: 20 })).toBe(false);
    expect(trafficEquals({ Blue: 90, Green: 10 }, { blue: 90, red: 10 })).toBe(false);
    expect(trafficStateEquals({ traffic: { Blue: 100 }, mirror: { Green: 10 } }, { traffic: { blue: 100 }, mirror: {} })).toBe(false);
  });

  it('folds names and reads percents whatever the case', () => {
    expect(foldTrafficCase({ Blue: 90, Green: 10, red: 0 })).toEqual({ blue: 90, green: 10 });
    expect(trafficPercent({ green: 10, blue: 90 }, 'Green')).toBe(10);
    expect(trafficPercent({ blue: 100 }, 'Green')).toBe(0);
  });

  it('any re-casing of the keys compares equal to the map (property)', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    fc.assert(
      fc.property(
        fc.dictionary(name, fc.integer({ min: 0, max: 100 }), { maxKeys: 5 }),
        fc.array(fc.boolean(), { minLength: 11, maxLength: 11 }),
        (map, upper) => {
          const recased: TrafficMap = {};
          for (const [k, v] of Object.entries(map)) recased[[...k].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c)).join('')] = v;
          expect(trafficEquals(recased, map)).toBe(true);
        },
      ),
    );
  });
});
