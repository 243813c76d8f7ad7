import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRules, type EvaluateOptions, type MetricSet } from '../../src/metrics/evaluate.js';
import { metricsOf, parseRule, parseRules, printExpr, RuleSyntaxError } from '../../src/metrics/rules.js';

const hist = (...values: number[]) => values.map((value, step) => ({ step, value }));
const run: MetricSet = new Map([
  ['accuracy', hist(0.8, 0.9, 0.93)],
  ['val_loss', hist(0.5, 0.4, 0.45)],
  ['auc', hist(0.91, 0.95, 0.94)],
  ['train/loss', hist(1, 0.5)],
  ['val-acc', hist(0.7)],
  ['f1 score', hist(0.88)],
  ['empty', []],
  ['nan', hist(NaN)],
]);
const baseline: MetricSet = new Map([
  ['accuracy', hist(0.92)],
  ['val_loss', hist(0.44)],
  ['auc', hist(0.95)],
  ['f1 score', hist(0.9)],
]);
const opts: EvaluateOptions = { baseline, missingMetric: 'fail', requireBaseline: false };

function verdicts(text: string, o = opts) {
  return evaluateRules(parseRules(text), run, o).results.map((r) => r.verdict);
}

describe('rule grammar', () => {
  it('evaluates the examples of the issue', () => {
    expect(verdicts('accuracy >= 0.90\nval_loss <= baseline.val_loss * 1.02\nmax(auc) >= baseline.auc - 0.005')).toEqual(['passed', 'failed', 'passed']);
  });

  it('supports aggregations, at(), percent, arithmetic and and/or', () => {
    expect(verdicts('min(val_loss) < 0.41')).toEqual(['passed']);
    expect(verdicts('mean(accuracy) > 0.87 and mean(accuracy) < 0.88')).toEqual(['passed']);
    expect(verdicts('at(accuracy, 1) == 0.9')).toEqual(['passed']);
    expect(verdicts('accuracy >= baseline.accuracy + 2%')).toEqual(['failed']);
    expect(verdicts('accuracy >= 93%')).toEqual(['passed']);
    expect(verdicts('(accuracy > 0.99 or auc > 0.9) and -val_loss < 0')).toEqual(['passed']);
    expect(verdicts('train/loss < 0.6\nval-acc == 0.7\n`f1 score` >= baseline.`f1 score` - 0.05')).toEqual(['passed', 'passed', 'passed']);
    expect(verdicts('accuracy / 2 > 0.4 # half the accuracy')).toEqual(['passed']);
  });

  it('keeps the label and the line', () => {
    const [r] = parseRules('\n\n  accuracy >= 0.9   # quality bar ');
    expect(r).toMatchObject({ text: 'accuracy >= 0.9', label: 'quality bar', line: 3 });
  });

  it('skips baseline rules without a baseline unless required', () => {
    const none = { ...opts, baseline: undefined };
    expect(verdicts('accuracy >= baseline.accuracy\naccuracy > 0.5', none)).toEqual(['skipped', 'passed']);
    const r = evaluateRules(parseRules('accuracy >= baseline.accuracy'), run, { ...none, requireBaseline: true });
    expect(r.passed).toBe(false);
    expect(r.results[0].reason).toMatch(/require-baseline/);
  });

  it('missing, empty and NaN metrics', () => {
    expect(verdicts('nope > 1')).toEqual(['failed']);
    expect(verdicts('nope > 1', { ...opts, missingMetric: 'skip' })).toEqual(['skipped']);
    expect(verdicts('empty > 1', { ...opts, missingMetric: 'skip' })).toEqual(['failed']);
    expect(verdicts('nan > 1')).toEqual(['failed']);
    expect(verdicts('nan < 1')).toEqual(['failed']);
    expect(verdicts('at(accuracy, 9) > 0')).toEqual(['failed']);
  });

  it('syntax errors carry the column', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['accuracy >= ', 13, /ends too early/],
      ['accuracy = 0.9', 10, /'==' /],
      ['accuracy >= 0.9 &&  f1 > 1', 17, /'and' \/ 'or'/],
      ['accuracy', 1, /must compare/],
      ['0.1 < accuracy < 0.9', 16, /do not chain/],
      ['max(accuracy >= 1', 14, /expected '\)'/],
      ['at(accuracy) > 1', 12, /a metric and a step/],
      ['(accuracy > 1', 14, /close the '\('/],
      ['accuracy > 1 and', 17, /ends too early/],
      ['`open > 1', 1, /unclosed backtick/],
      ['acc >= 1 + (f1 > 2)', 12, /needs numbers/],
      ['1abc > 2', 1, /not a number/],
    ];
    for (const [text, column, message] of cases) {
      const err = (() => {
        try {
          parseRule(text);
        } catch (e) {
          return e;
        }
      })();
      expect(err, text).toBeInstanceOf(RuleSyntaxError);
      expect((err as RuleSyntaxError).message, text).toMatch(message);
      expect((err as RuleSyntaxError).column, text).toBe(column);
    }
  });

  it('lists the metrics a rule reads', () => {
    expect(metricsOf(parseRule('max(auc) >= baseline.auc - 0.005 or f1 > 1').expr)).toEqual([
      { name: 'auc', baseline: false },
      { name: 'auc', baseline: true },
      { name: 'f1', baseline: false },
    ]);
  });
});

describe('rule grammar properties', () => {
  it('any string gives a rule or a RuleSyntaxError with a column inside the line, never another throw', () => {
    const alphabet = fc.constantFrom(...'abf1 0.9<>=!()+-*/%#`,.and or maxminmeanat baseline_\t'.split(''));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')),
        ),
        (s) => {
          try {
            parseRule(s);
          } catch (e) {
            expect(e).toBeInstanceOf(RuleSyntaxError);
            const col = (e as RuleSyntaxError).column;
            expect(col).toBeGreaterThanOrEqual(1);
            expect(col).toBeLessThanOrEqual(s.length + 1);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  const metricName = fc.constantFrom('accuracy', 'val_loss', 'auc', 'train/loss', 'f1 score', 'x.y');
  const numExpr: fc.Arbitrary<string> = fc.letrec((tie) => ({
    leaf: fc.oneof(
      fc.double({ min: 0, max: 1000, noNaN: true }).map((n) => String(Math.round(n * 1000) / 1000)),
      metricName.map((m) => (m.includes(' ') ? `\`${m}\`` : m)),
      fc.tuple(fc.constantFrom('min', 'max', 'mean', 'last'), metricName).map(([a, m]) => `${a}(${m.includes(' ') ? `\`${m}\`` : m})`),
      metricName.filter((m) => !m.includes(' ')).map((m) => `baseline.${m}`),
    ),
    expr: fc.oneof(
      { depthSize: 'small' },
      tie('leaf'),
      fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/'), tie('expr')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    ),
  })).expr as fc.Arbitrary<string>;
  const rule = fc.tuple(numExpr, fc.constantFrom('>=', '>', '<=', '<', '==', '!='), numExpr).map(([a, op, b]) => `${a} ${op} ${b}`);

  it('printing a parsed rule and parsing it again gives the same tree', () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 3 }), fc.constantFrom('and', 'or'), (rules, join) => {
        const text = rules.join(` ${join} `);
        const once = parseRule(text).expr;
        const twice = parseRule(printExpr(once)).expr;
        expect(printExpr(twice)).toBe(printExpr(once));
      }),
      { numRuns: 500 },
    );
  });

  it('nothing in a rule reaches JavaScript evaluation', () => {
    const g = globalThis as Record<string, unknown>;
    const hostile = [
      'constructor.constructor("globalThis.pwned=1")() > 0',
      '`__proto__` > 1',
      'process.exit(1) > 0',
      'require("fs") > 0',
      'this > 0',
      '`a`; globalThis.pwned = 1 > 0',
    ];
    for (const text of hostile) {
      try {
        const r = parseRule(text);
        evaluateRules([r], new Map(), opts);
      } catch (e) {
        expect(e).toBeInstanceOf(RuleSyntaxError);
      }
    }
    expect(g.pwned).toBeUndefined();
  });
});

describe('percent literals (issue 12, defect 12)', () => {
  const valueOf = (text: string): number => {
    const r = parseRule(`m >= ${text}`);
    const right = (r.expr as { right: { value: number } }).right;
    return right.value;
  };

  it('91.3% is exactly 0.913, and accuracy 0.913 meets `> 91.3%` only as `>=`', () => {
    expect(valueOf('91.3%')).toBe(0.913);
    expect(91.3 / 100).not.toBe(0.913); // the float quotient the old code used
    const m: MetricSet = new Map([['accuracy', hist(0.913)]]);
    const o = { ...opts, baseline: new Map() };
    expect(evaluateRules(parseRules('accuracy > 91.3%'), m, o).results[0].verdict).toBe('failed');
    expect(evaluateRules(parseRules('accuracy >= 91.3%'), m, o).results[0].verdict).toBe('passed');
    expect(evaluateRules(parseRules('accuracy == 91.3%'), m, o).results[0].verdict).toBe('passed');
  });

  it('handles leading dots, trailing dots, exponents and zeros', () => {
    expect(valueOf('.5%')).toBe(0.005);
    expect(valueOf('5.%')).toBe(0.05);
    expect(valueOf('100%')).toBe(1);
    expect(valueOf('0%')).toBe(0);
    expect(valueOf('1e2%')).toBe(1);
    expect(valueOf('9.13e1%')).toBe(0.913);
    expect(valueOf('123456%')).toBe(1234.56);
  });

  it('X% equals the decimal X/100 written out, for many decimals', () => {
    // The expected value is written out by hand from the digits: X = I.F  ->  X/100 = (I/100).F
    const written = (int: string, frac: string): string => {
      const padded = int.padStart(3, '0');
      return `${padded.slice(0, -2)}.${padded.slice(-2)}${frac}`;
    };
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,6}$/), fc.stringMatching(/^[0-9]{0,8}$/), (int, frac) => {
        const literal = frac === '' ? `${int}%` : `${int}.${frac}%`;
        expect(valueOf(literal)).toBe(Number(written(int, frac)));
      }),
      { numRuns: 2000 },
    );
  });
});
