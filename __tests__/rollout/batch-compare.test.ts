/**
 * The test batch's checks, pure: append_row output rows, smoke-expect over rows, and the shadow
 * comparison (agreement of labels, mean absolute difference of numbers) judged by gate rules.
 */
import { describe, expect, it } from 'vitest';
import { checkExpectedRows, compareOutputs, judgeComparison, parseCompareRules, parseOutputRows } from '../../src/rollout/batch-compare.js';

// mnist-classifier's rows: file class probability (space separated, as append_row writes a DataFrame row).
const PRIOR = parseOutputRows('0.png 7 0.91\n1.png 2 0.80\n2.png 1 0.99\n3.png 0 0.75\n');
const NEW = parseOutputRows('3.png 0 0.70\n2.png 1 0.97\n1.png 3 0.55\n0.png 7 0.95\n');

describe('parseOutputRows', () => {
  it('splits on spaces, or on commas when every line has one; blank lines left out', () => {
    expect(parseOutputRows('a 1 0.5\n\nb 2 0.25\n')).toEqual([
      ['a', '1', '0.5'],
      ['b', '2', '0.25'],
    ]);
    expect(parseOutputRows('scored,f 1.txt,3\r\nscored,f2.txt,4')).toEqual([
      ['scored', 'f 1.txt', '3'],
      ['scored', 'f2.txt', '4'],
    ]);
  });
});

describe('compareOutputs', () => {
  it('pairs rows by key whatever their order; whole-number columns are labels, fractions numbers', () => {
    const c = compareOutputs(NEW, PRIOR);
    expect(c).toMatchObject({ rows: 4, baselineRows: 4, matched: 4, pairedBy: 'key', coverage: 1 });
    expect(c.columns.map((x) => x.kind)).toEqual(['label', 'number']);
    expect(c.agreement).toBe(0.75);
    expect(c.mad).toBeCloseTo((0.04 + 0.25 + 0.02 + 0.05) / 4, 10);
    expect(c.maxDiff).toBeCloseTo(0.25, 10);
    expect(c.differences.map((d) => d.key).sort()).toEqual(['0.png', '1.png', '2.png', '3.png']);
  });

  it('rows missing on one side lower coverage; duplicate keys pair by sorted position', () => {
    const c = compareOutputs(NEW.slice(0, 3), PRIOR);
    expect(c).toMatchObject({ rows: 3, baselineRows: 4, matched: 3, coverage: 0.75 });
    const dup = compareOutputs(parseOutputRows('x a\nx b\n'), parseOutputRows('x b\nx a\n'));
    expect(dup).toMatchObject({ pairedBy: 'position', matched: 2, agreement: 1 });
    expect(dup.mad).toBeUndefined();
  });

  it('text labels compare as text; numbers only: no agreement figure', () => {
    expect(compareOutputs(parseOutputRows('a cat\nb dog'), parseOutputRows('a cat\nb cow')).agreement).toBe(0.5);
    const n = compareOutputs(parseOutputRows('a 0.5\nb 1.5'), parseOutputRows('a 0.25\nb 1.5'));
    expect(n.agreement).toBeUndefined();
    expect(n.mad).toBeCloseTo(0.125, 10);
  });
});

describe('comparison rules', () => {
  it('agreement >= 95% fails at 75 %, mad <= 0.1 passes; a label-free output fails an agreement rule with the reason', () => {
    const rules = parseCompareRules('agreement >= 95%\nmad <= 0.1 # close enough');
    const j = judgeComparison(rules, compareOutputs(NEW, PRIOR));
    expect(j.passed).toBe(false);
    expect(j.results.map((r) => [r.rule, r.verdict])).toEqual([
      ['agreement >= 95%', 'failed'],
      ['mad <= 0.1', 'passed'],
    ]);
    const none = judgeComparison(parseCompareRules('agreement >= 50%'), compareOutputs(parseOutputRows('a 0.5'), parseOutputRows('a 0.5')));
    expect(none.passed).toBe(false);
    expect(none.results[0]!.reason).toContain('no label column');
  });

  it('unknown names, baseline.x and syntax errors are refused naming the input and line', () => {
    expect(() => parseCompareRules('agreement >= 95%\nerror_rate < 1%')).toThrow(/Input 'compare-rules' line 2: 'error_rate' is not a comparison figure/);
    expect(() => parseCompareRules('baseline.mad < 1')).toThrow(/'baseline.mad' is not a comparison figure/);
    expect(() => parseCompareRules('agreement = 1')).toThrow(/Input 'compare-rules' line 1, column 11/);
    expect(() => parseCompareRules('# nothing')).toThrow(/has no rule/);
  });
});

describe('checkExpectedRows', () => {
  it('each named row must be there and start with the values given (numbers as numbers)', () => {
    expect(checkExpectedRows(PRIOR, { '0.png': [7], '2.png': ['1', 0.99] })).toBeUndefined();
    expect(checkExpectedRows(PRIOR, { '0.png': 7 })).toBeUndefined();
    expect(checkExpectedRows(PRIOR, { '9.png': [7] })).toBe("no output row for '9.png'");
    expect(checkExpectedRows(PRIOR, { '1.png': [3] })).toBe("row '1.png': value 1 after the key is '2', expected 3");
    expect(checkExpectedRows(PRIOR, [1])).toMatch(/must be a JSON object/);
  });
});
