/**
 * The gate's report: metric snapshot, JSON with NaN kept readable, and the job-summary table in
 * which every string from outside is escaped (rule text, labels, metric names, reasons).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRules, type MetricSet } from '../../src/metrics/evaluate.js';
import { escapeText } from '../../src/core/escape.js';
import { buildGateReport, explainRule, formatValue, lastValues, renderGateSummary, summarizeMetrics, toJson } from '../../src/metrics/report.js';
import { parseRules } from '../../src/metrics/rules.js';

const hist = (...values: number[]) => values.map((value, step) => ({ step, value }));

function reportFor(rulesText: string, metrics: MetricSet, baseline?: MetricSet) {
  const rules = parseRules(rulesText);
  const { results } = evaluateRules(rules, metrics, { baseline, missingMetric: 'fail', requireBaseline: false });
  return buildGateReport({
    rules,
    results,
    metrics,
    source: { kind: 'file', description: 'JSON file out/m.json' },
    baseline: baseline ? { spec: 'model:clf:latest', found: true, description: 'model clf:3', metrics: baseline } : undefined,
    settings: { missingMetric: 'fail', requireBaseline: false, failOnViolation: true },
  });
}

describe('metric snapshot and outputs', () => {
  it('last (highest step), min, max, count; NaN shows as NaN; no values as count 0', () => {
    const s = summarizeMetrics(
      new Map([
        ['acc', hist(0.5, 0.9, 0.8)],
        ['loss', hist(1, NaN)],
        ['none', []],
      ]),
    );
    expect(s.acc).toEqual({ last: 0.8, lastStep: 2, min: 0.5, max: 0.9, count: 3 });
    expect(s.loss.last).toBeNaN();
    expect(s.loss.min).toBeNaN();
    expect(s.none).toEqual({ count: 0 });
  });

  it('JSON keeps NaN and infinities as MLflow strings; metrics output is name → last', () => {
    expect(toJson({ a: NaN, b: Infinity, c: -Infinity, d: 1 })).toBe('{"a":"NaN","b":"Infinity","c":"-Infinity","d":1}');
    expect(
      lastValues(
        new Map([
          ['b', hist(1, 2)],
          ['a', hist(NaN)],
          ['c', []],
        ]),
      ),
    ).toEqual({ a: 'NaN', b: 2, c: null });
  });

  it('formats values for people', () => {
    expect(formatValue(0.912345678)).toBe('0.912346');
    expect(formatValue(42)).toBe('42');
    expect(formatValue(1.5e-7)).toBe('1.5e-7');
    expect(formatValue(undefined)).toBe('—');
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(-Infinity)).toBe('−∞');
  });
});

describe('gate report', () => {
  it('holds every rule with its operator, values, verdict and reason', () => {
    const r = reportFor(
      'accuracy >= 0.9 # bar\nloss < baseline.loss\nf1 > 0.5 or nope > 1',
      new Map([
        ['accuracy', hist(0.93)],
        ['loss', hist(0.3)],
        ['f1', hist(0.4)],
      ]),
      new Map([['loss', hist(0.2)]]),
    );
    expect(r.passed).toBe(false);
    expect(r.counts).toEqual({ passed: 1, failed: 2, skipped: 0 });
    expect(r.rules[0]).toMatchObject({ rule: 'accuracy >= 0.9', label: 'bar', line: 1, verdict: 'passed', left: 0.93, right: 0.9, op: '>=' });
    expect(r.rules[1]).toMatchObject({ verdict: 'failed', left: 0.3, right: 0.2, op: '<' });
    expect(r.rules[2].comparisons.map((c) => c.op)).toEqual(['>', '>']);
    expect(r.baseline).toMatchObject({ spec: 'model:clf:latest', found: true, metrics: { loss: { last: 0.2 } } });
    expect(explainRule(r.rules[1])).toBe('0.3 is not < 0.2');
    expect(explainRule(r.rules[2])).toBe("f1 > 0.5: 0.4 is not > 0.5; nope > 1: this run has no metric 'nope'");
    expect(JSON.parse(toJson(r)).rules).toHaveLength(3);
  });
});

describe('job summary', () => {
  it('escapes hostile rule text, labels, metric names and descriptions', () => {
    const metrics: MetricSet = new Map([
      ['<img src=x onerror=alert(1)>', hist(1)],
      ['a|b', hist(2)],
    ]);
    const r = reportFor('`<img src=x onerror=alert(1)>` >= 0 # <script>alert(1)</script> @octocat | **bold** [x](http://e.vil)\n`a|b` > 5 # line', metrics);
    r.source.description = 'file `x` <b>';
    const html = renderGateSummary(r);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('@octocat');
    expect(html).not.toContain('**bold**');
    expect(html).not.toContain('](http');
    expect(html).not.toContain('<b>`x`');
    // the escaper of the PR comment (src/core/escape.ts): parentheses too, and a zero-width break after `@` and `:` of `://`
    expect(html).toContain(
      '&lt;script&gt;alert&#40;1&#41;&lt;/script&gt; &#64;&#8203;octocat &#124; &#42;&#42;bold&#42;&#42; &#91;x&#93;&#40;http&#58;&#8203;//e.vil&#41;',
    );
    // one table row per rule, and no blank line that would end the HTML block
    expect(html.match(/<tr><td><code>/g)?.length).toBeGreaterThanOrEqual(2);
    expect(html.trimEnd()).not.toMatch(/\n\s*\n/);
  });

  it('shows values, verdicts, reasons, the baseline and the folded snapshot', () => {
    const r = reportFor(
      'accuracy >= baseline.accuracy - 1% # no regression\nloss < 0.1',
      new Map([
        ['accuracy', hist(0.93)],
        ['loss', hist(0.3)],
      ]),
      new Map([['accuracy', hist(0.935)]]),
    );
    const html = renderGateSummary(r);
    expect(html).toContain('<h3>Metric gate ❌ failed</h3>');
    // `:` is left alone unless it starts `://` (as in the PR comment: `:name:` emoji are harmless)
    expect(html).toContain('<b>Baseline</b>: model clf:3');
    expect(html).toContain('<td><code>accuracy &gt;= baseline.accuracy - 1%</code></td><td>0.93</td><td>0.925</td><td>✅ passed</td><td>no regression</td>');
    expect(html).toContain('<details><summary>Metrics of the run (2)</summary>');
    expect(html).toContain('<th>Baseline</th>');
  });

  it('escapeText leaves nothing Markdown or HTML could act on', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        // once the character references we wrote are removed, nothing special is left
        const bare = escapeText(s).replace(/&(amp|lt|gt|quot|#\d+);/g, '');
        expect(bare).not.toMatch(/[&<>"'`*_[\]()|\\~#@!$\r\n]/);
        expect(bare).not.toContain('://');
      }),
      { numRuns: 500 },
    );
  });
});
