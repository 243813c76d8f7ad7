/**
 * The gate's job summary and the PR comment escape outside text with the one escaper
 * (src/core/escape.ts): a hostile metric name, rule label or source description comes out of the
 * gate summary exactly as it comes out of the PR comment, and inert in both.
 */
import { describe, expect, it } from 'vitest';
import { code, escapeText } from '../../src/core/escape.js';
import { evaluateRules, type MetricSet } from '../../src/metrics/evaluate.js';
import { buildGateReport, renderGateSummary } from '../../src/metrics/report.js';
import { parseRules } from '../../src/metrics/rules.js';
import { renderReport } from '../../src/report/comment.js';
import { collectReportData } from '../../src/report/data.js';
import type { LedgerEntry } from '../../src/core/ledger.js';
import { NOW, RUN, throughJson } from './fixtures.js';
import { decodeEntities, inertProblems } from './inert.js';

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  'a|b|c',
  '`code` and ``` fences',
  'ping @user and @org/team',
  '[x](javascript:alert(1))',
  '![p](https://evil.example/p.png) fixes #12 GH-3 www.evil.example',
  '**bold** _it_ ~~s~~ $x$ \\e',
];

/** The gate summary's HTML tags, which the PR comment's checker does not allow, removed. */
function withoutSummaryTags(html: string): string {
  return html.replace(/<\/?(h\d|p|table|thead|tbody|tr|th|td)>/g, '');
}

describe('gate summary and PR comment escape alike', () => {
  const metrics: MetricSet = new Map(HOSTILE.map((name, i) => [name, [{ step: 0, value: i }]]));
  const label = '<script>alert(1)</script> @octocat | **bold** [x](http://e.vil)';
  const rules = parseRules(`\`a|b|c\` >= 0 # ${label}`);
  const { results } = evaluateRules(rules, metrics, { missingMetric: 'fail', requireBaseline: false });
  const report = buildGateReport({
    rules,
    results,
    metrics,
    source: { kind: 'file', description: 'file `x` <b>@user</b> see #1' },
    settings: { missingMetric: 'fail', requireBaseline: false, failOnViolation: true },
  });
  const summary = renderGateSummary(report);
  const entry: LedgerEntry = { kind: 'gate', action: 'metric-gate', passed: report.passed, source: report.source.description, report };
  const { body } = renderReport(collectReportData(throughJson([entry])), { header: 'h', run: RUN, now: NOW });

  it.each(HOSTILE)('metric name %j', (name) => {
    const shown = code(name);
    expect(summary).toContain(`<td>${shown}</td>`);
    expect(body).toContain(`| ${shown} |`);
    expect(shown).toBe(`<code>${escapeText(name)}</code>`);
    // the text a reader sees is the name itself (apart from the zero-width breaks)
    expect(decodeEntities(escapeText(name)).replace(/\u200b/g, '')).toBe(name);
  });

  it('the hostile name of the issue, character for character', () => {
    const shown = '<code>&lt;img src=x onerror=alert&#40;1&#41;&gt;</code>';
    expect(summary).toContain(shown);
    expect(body).toContain(shown);
    const mention = '<code>ping &#64;&#8203;user and &#64;&#8203;org/team</code>';
    expect(summary).toContain(mention);
    expect(body).toContain(mention);
    const link = '<code>&#91;x&#93;&#40;javascript:alert&#40;1&#41;&#41;</code>';
    expect(summary).toContain(link);
    expect(body).toContain(link);
    expect(summary).toContain('<code>&#96;code&#96; and &#96;&#96;&#96; fences</code>');
    expect(summary).toContain('<code>a&#124;b&#124;c</code>');
  });

  it('rule text and labels too', () => {
    expect(summary).toContain(`<code>${escapeText(report.rules[0].rule)}</code>`);
    expect(body).toContain(code(report.rules[0].rule, 300));
    expect(summary).toContain(escapeText(label));
    expect(body).toContain(escapeText(label, 100));
    expect(summary).toContain(escapeText('file `x` <b>@user</b> see #1'));
  });

  it('leaves nothing active in the gate summary', () => {
    expect(inertProblems(withoutSummaryTags(summary))).toEqual([]);
    expect(summary).not.toMatch(/<(img|script)/);
    expect(summary).not.toContain('](');
  });
});
