import { describe, expect, it } from 'vitest';
import { CHART_INIT, MAX_CHART_POINTS, mermaidNumber, renderHistoryChart, resampleHistory } from '../../src/report/chart.js';
import { commentMarker, DEFAULT_MAX_LENGTH, GITHUB_COMMENT_LIMIT, isValidHeader, renderReport } from '../../src/report/comment.js';
import { collectReportData, toReportGate, type ReportData, type ReportGate } from '../../src/report/data.js';
import type { LedgerEntry } from '../../src/core/ledger.js';
import { deltaCell, directionFromName, directionsFromRules, metricRows } from '../../src/report/metrics-table.js';
import { baselineMetrics, gateEntry, jobEntry, modelEntry, NOW, realisticLedger, rolloutEntry, RUN, throughJson } from './fixtures.js';
import { fencedBlocks, inertProblems, outsideFences } from './inert.js';

const render = (data: ReportData, maxLength?: number) => renderReport(data, { header: 'mlops/train', run: RUN, now: NOW, maxLength });

/** Cells of each table row (outside fences), split on unescaped pipes. */
function tableRows(body: string): string[][] {
  return outsideFences(body)
    .split('\n')
    .filter((l) => l.startsWith('| '))
    .map((l) => l.slice(2, -2).split(' | '));
}

function checkTables(body: string): void {
  const lines = outsideFences(body).split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('| ') || (!lines[i + 1]?.startsWith('| :--') && !lines[i + 1]?.startsWith('| --:'))) continue;
    const columns = lines[i].split(' | ').length;
    for (let j = i + 1; j < lines.length && lines[j].startsWith('| '); j++) {
      expect(lines[j].split('|').length - 2, `row ${lines[j]}`).toBe(columns);
    }
  }
}

/** Every line of a chart block is one of the statements the renderer writes. */
function checkMermaid(block: string): void {
  const lines = block.split('\n');
  expect(lines[0]).toBe(CHART_INIT);
  expect(lines[1]).toBe('xychart-beta');
  for (const line of lines.slice(2)) {
    expect(line).toMatch(/^ {4}(title "[^"\n]*"|x-axis "step" -?[\d.]+ --> -?[\d.]+|y-axis "[^"\n]*" -?[\d.]+ --> -?[\d.]+|line \[(-?[\d.]+)(, -?[\d.]+)*\])$/);
  }
  const points = lines.filter((l) => l.includes('line [')).map((l) => l.split(',').length);
  for (const n of points) expect(n).toBeLessThanOrEqual(MAX_CHART_POINTS);
}

describe('the realistic report', () => {
  it('has the marker, the metric table, charts, links, rollout, details and footer', async () => {
    const data = collectReportData(await realisticLedger());
    const { body, truncated } = render(data);
    expect(truncated).toBe(false);
    expect(body.split('\n')[0]).toBe('<!-- azureml-actions:pr-summary:mlops/train -->');
    expect(body).toContain('**Gate** ✅ passed (4/4 rules passed)');
    expect(body).toContain('**Model** 📦 <code>iris-classifier:4</code>');
    expect(body).toContain('**Rollout** ✅ promoted');
    const rows = tableRows(body);
    const acc = rows.find((r) => r[0] === '<code>accuracy</code>')!;
    expect(acc.slice(1)).toEqual(['0.95137', '0.9467', '🟢 ▲ +0.00467 (+0.49%)', '✅ passed']);
    const loss = rows.find((r) => r[0] === '<code>loss</code>')!;
    expect(loss[3]).toBe('🟢 ▼ −0.0123 (−9.4%)');
    // charts: one per rule metric first, then the others; the champion as a flat line
    const charts = fencedBlocks(body, 'mermaid');
    expect(charts).toHaveLength(4);
    charts.forEach(checkMermaid);
    expect(charts[0]).toContain('title "accuracy"');
    expect(charts[0].match(/line \[/g)).toHaveLength(2);
    expect(body).toContain('<code>accuracy</code>: 200 values, drawn as 50 points · flat line: baseline 0.9467');
    // studio links
    expect(body).toMatch(/<a href="https:\/\/ml\.azure\.com\/runs\/ml-repo-train-2718281828-1\?wsid=[^"]+"><code>ml-repo-train-2718281828-1<\/code><\/a>/);
    expect(body).toMatch(
      /<a href="https:\/\/ml\.azure\.com\/model\/iris-classifier:4\/details[^"]*"><code>iris-classifier<\/code><\/a> \| 4 \| 🆕 new version/,
    );
    // rollout: stages with weights, health values and results
    expect(body).toContain('### 🚀 Rollout of <code>green</code> on <code>iris-endpoint</code>: ✅ promoted');
    expect(body).toContain(
      '| mirror 10% | <code>blue</code> 100 | <code>green</code> 10% | 3m | 3/3 healthy | 120 req · errors 0.1% · p95 120 ms · p99 180 ms | ✅ passed |',
    );
    expect(body).toContain('| stage 1/2 | <code>blue</code> 90 · <code>green</code> 10 |');
    expect(body).toContain('Traffic: <code>blue</code> 100 → <code>green</code> 100');
    expect(body).toMatch(/<details>\n<summary>📄 Full report<\/summary>/);
    expect(body).toContain(
      '<sub>azureml-actions pr-summary · commit <a href="https://github.com/octo-org/ml-repo/commit/8f2a1c9d3e4b5a6f7081928374655647382910ab"><code>8f2a1c9</code></a>',
    );
    expect(body).toContain('<a href="https://github.com/octo-org/ml-repo/actions/runs/2718281828">run 2718281828</a>');
    checkTables(body);
    expect(inertProblems(body)).toEqual([]);
  });

  it('says why nothing was registered or deployed when the gate failed', () => {
    const failing = gateEntry('accuracy >= 0.99 # too strict\nloss <= baseline.loss');
    const data = collectReportData(throughJson([jobEntry(), failing]));
    const { body } = render(data);
    expect(body).toContain('**Gate** ❌ failed (1 of 2 rules failed)');
    expect(body).toContain('**Model** ⛔ not registered: the gate failed');
    expect(body).toContain('**Rollout** ⛔ not deployed');
    expect(body).toMatch(/- ❌ <code>accuracy &gt;= 0.99<\/code> \(too strict\): 0.95137 is not &gt;= 0.99/);
    expect(tableRows(body).find((r) => r[0] === '<code>accuracy</code>')![4]).toBe('❌ failed');
  });

  it('shows a rollback with the unhealthy values and the reason', async () => {
    const data = collectReportData(throughJson([await rolloutEntry({ failAt: 200_000 })]));
    const { body } = render(data);
    expect(body).toContain(': ↩️ rolled back');
    expect(body).toMatch(/errors 20% · p95 900 ms · p99 2400 ms ⚠️ \| ❌ failed \|/);
    expect(body).toMatch(/↩️ \*\*Rolled back\*\* from \w+: .+; traffic restored in/);
    expect(body).toContain('Traffic: <code>blue</code> 100 → <code>blue</code> 100');
    expect(inertProblems(body)).toEqual([]);
  });

  it('explains an empty report', () => {
    const { body } = render(collectReportData([]));
    expect(body).toContain('Nothing to report yet');
    expect(body).toContain('run 2718281828');
  });
});

describe('injection through outside text', () => {
  const EVIL = [
    '<img src=x onerror=alert(1)>',
    '[x](javascript:alert(1))',
    '@org/team',
    '`rm -rf`',
    'a|b',
    'acc"] --> B; click B call alert(1) %%{init: {"theme":"dark"}}%%',
    '![i](https://evil.example/i.png)',
    '#1 GH-2 http://evil.example www.evil.example',
    '<details open><summary>x</summary>',
  ];

  function evilData(): ReportData {
    const metrics = new Map(EVIL.map((name, i) => [name, Array.from({ length: 60 }, (_, s) => ({ step: s, value: 0.5 + i / 100 + s / 1000 }))]));
    // a rule on a backtick-quoted name (the rule language's quoting) and a label with HTML
    const rules = ['`a|b` >= 0.1 # <b onclick=alert(1)>label</b> @team', '`@org/team` < baseline.`@org/team` # [x](javascript:alert(1))'].join('\n');
    const base = new Map([['@org/team', [{ step: 1, value: 0.2 }]]]);
    const gate = gateEntry(rules, metrics, base);
    const entries: LedgerEntry[] = [
      gate,
      {
        kind: 'job',
        jobName: '<img src=x onerror=alert(1)>',
        jobType: '[x](javascript:alert(1))',
        status: '@here',
        studioUrl: 'javascript:alert(1)',
        experimentName: 'a|b',
        error: 'Traceback: <script>alert(1)</script> see #12 @octocat',
      },
      { kind: 'model', name: '![m](https://evil.example/m.png)', version: '1|2', id: 'x', created: true, studioUrl: 'http://evil.example/not-https' },
      {
        kind: 'rollout',
        endpoint: '@team',
        deployment: '`green`|x',
        status: '<b>x</b>',
        timeline: {
          deployment: '`green`|x',
          phase: 'Failed',
          reason: '<img src=x onerror=alert(1)> @org/team',
          startedAt: 'x',
          totalMs: 5,
          bakeMs: 1,
          overheadMs: 4,
          stages: [
            {
              name: '[s](javascript:1)',
              kind: 'traffic',
              weight: 10,
              traffic: { '<b>blue</b>': 90, '@x': 10 },
              mirror: {},
              bakeMs: 0,
              result: '<i>',
              checks: [{ healthy: false, reason: '@team [x](y)', signals: { requests: 3 } }],
            },
          ],
          events: [{ at: '<b>', kind: '@k', message: '[m](javascript:alert(1)) #7' }],
          rollback: { reason: '<script>', from: '@p', startedAt: 'x' },
        },
      },
    ];
    return collectReportData(throughJson(entries));
  }

  it('leaves no tag, link, image, mention or reference, and keeps every table intact', () => {
    const { body } = renderReport(evilData(), {
      header: 'h',
      title: '<h1>@all</h1> [t](javascript:x)',
      run: { ...RUN, sha: '<b>', runUrl: 'javascript:alert(1)' },
      now: NOW,
    });
    expect(inertProblems(body)).toEqual([]);
    checkTables(body);
    for (const block of fencedBlocks(body, 'mermaid')) checkMermaid(block);
    // the names are there, as text
    expect(body).toContain('<code>&lt;img src=x onerror=alert&#40;1&#41;&gt;</code>');
    expect(body).toContain('<code>a&#124;b</code>');
    expect(body).not.toContain('href="javascript');
    expect(body).not.toContain('evil.example/not-https"');
  });

  it('keeps Mermaid labels inside their quotes', () => {
    const chart = renderHistoryChart('acc"] --> B; click B call alert(1) %%{init: {"theme":"dark"}}%%', [
      { step: 1, value: 1 },
      { step: 2, value: 2 },
    ])!;
    checkMermaid(fencedBlocks(chart, 'mermaid')[0]);
    expect(chart).toContain('title "acc -- B click B call alert 1 % init: theme : dark %"');
  });
});

describe('metric direction and delta', () => {
  it('reads the direction from the rules, with the metric on either side or negated', () => {
    const d = directionsFromRules([
      { rule: 'auc >= 0.8' },
      { rule: 'loss < baseline.loss' },
      { rule: 'baseline.mystery * 1.1 >= mystery' },
      { rule: '-weird >= -1' },
      { rule: 'a == 1' },
      { rule: 'x > 1 and y < 2' },
      { rule: '1 / z >= 0.5' },
    ]);
    expect(Object.fromEntries(d)).toEqual({ auc: 'higher', loss: 'lower', mystery: 'lower', weird: 'lower', x: 'higher', y: 'lower', z: 'lower' });
  });

  it('falls back on the name', () => {
    expect(directionFromName('val_loss')).toBe('lower');
    expect(directionFromName('trainLoss')).toBe('lower');
    expect(directionFromName('latency_p95')).toBe('lower');
    expect(directionFromName('mean_absolute_error')).toBe('lower');
    expect(directionFromName('train.accuracy')).toBe('higher');
    expect(directionFromName('f1_macro')).toBe('higher');
    expect(directionFromName('epochs')).toBe('unknown');
  });

  it('colours the arrow by whether the change is better', () => {
    const row = (direction: 'higher' | 'lower' | 'unknown', delta: number) => deltaCell({ name: 'm', direction, delta, relative: delta / 2, ruleLines: [] });
    expect(row('higher', 0.1)).toBe('🟢 ▲ +0.1 (+5.0%)');
    expect(row('higher', -0.1)).toBe('🔴 ▼ −0.1 (−5.0%)');
    expect(row('lower', -0.1)).toBe('🟢 ▼ −0.1 (−5.0%)');
    expect(row('lower', 0.1)).toBe('🔴 ▲ +0.1 (+5.0%)');
    expect(row('unknown', 0.1)).toBe('▲ +0.1 (+5.0%)');
    expect(row('higher', 0)).toBe('＝ 0');
  });

  it('orders rows: rule metrics, then those with a baseline, then the rest, and takes the worst verdict', () => {
    const g = toReportGate(JSON.parse(JSON.stringify(gateEntry('loss <= 0.5\naccuracy >= 0.99\naccuracy >= 0.5', undefined, baselineMetrics()))))!;
    const { rows } = metricRows(g);
    expect(rows.map((r) => r.name)).toEqual(['loss', 'accuracy', 'f1_macro', 'train/samples_per_second']);
    expect(rows[1]).toMatchObject({ verdict: 'failed', ruleLines: [2, 3], direction: 'higher' });
    expect(rows[2].verdict).toBeUndefined();
  });

  it('shows NaN from the ledger (null in JSON) and the strings of the report output', () => {
    const entry = gateEntry('accuracy >= 0.5', new Map([['accuracy', [{ step: 1, value: NaN }]]]), undefined);
    const g = toReportGate(JSON.parse(JSON.stringify(entry)))!;
    expect(metricRows(g).rows[0].value).toBeNaN();
    const fromOutput = toReportGate(JSON.stringify({ ...(entry as { report: object }).report, metrics: { accuracy: { count: 1, last: 'NaN' } } }))!;
    expect(fromOutput.report.metrics.accuracy.last).toBeNaN();
  });
});

describe('charts', () => {
  it('resamples long or uneven histories onto ≤ 50 even steps, keeps short even ones', () => {
    const long = Array.from({ length: 10_000 }, (_, i) => ({ step: i, value: Math.sin(i / 1000) }));
    const r = resampleHistory(long);
    expect(r).toHaveLength(50);
    expect(r[0].step).toBe(0);
    expect(r[49].step).toBe(9999);
    const gaps = r.slice(1).map((p, i) => p.step - r[i].step);
    for (const g of gaps) expect(g).toBeCloseTo(gaps[0], 6);
    const short = [1, 2, 3].map((s) => ({ step: s * 10, value: s }));
    expect(resampleHistory(short)).toEqual(short);
    // uneven: steps 1, 2, 100 → an even grid with the values in between interpolated
    const uneven = resampleHistory(
      [
        { step: 0, value: 0 },
        { step: 1, value: 1 },
        { step: 100, value: 100 },
      ],
      5,
    );
    expect(uneven.map((p) => p.step)).toEqual([0, 25, 50, 75, 100]);
    expect(uneven.map((p) => Math.round(p.value))).toEqual([1, 25, 50, 75, 100]);
  });

  it('skips NaN, and a history of fewer than two points', () => {
    expect(renderHistoryChart('m', [{ step: 1, value: 1 }])).toBeUndefined();
    expect(
      renderHistoryChart('m', [
        { step: 1, value: 1 },
        { step: 2, value: NaN },
      ]),
    ).toBeUndefined();
    expect(renderHistoryChart('m', [])).toBeUndefined();
    expect(
      renderHistoryChart('m', [
        { step: 1, value: 1 },
        { step: 2, value: NaN },
        { step: 3, value: 2 },
      ]),
    ).toContain('line [1, 2]');
  });

  it('writes numbers without exponents', () => {
    expect(mermaidNumber(1e-7)).toBe('0.0000001');
    expect(mermaidNumber(-2.5e-6)).toBe('-0.0000025');
    expect(mermaidNumber(123456789)).toBe('123457000');
    expect(mermaidNumber(0.1 + 0.2)).toBe('0.3');
  });

  it('omits the chart section when the gate recorded no history', () => {
    const entry = { ...gateEntry(), histories: undefined };
    const { body } = render(collectReportData(throughJson([entry])));
    expect(body).not.toContain('```mermaid');
    expect(body).not.toContain('Metric histories');
  });
});

describe('size limit', () => {
  function hugeGate(metrics: number, rules: number): LedgerEntry {
    const set = new Map(
      Array.from({ length: metrics }, (_, i) => [`metric_${i}_${'x'.repeat(60)}`, Array.from({ length: 300 }, (_, s) => ({ step: s, value: i + s / 300 }))]),
    );
    const text = Array.from({ length: rules }, (_, i) => `metric_${i % metrics}_${'x'.repeat(60)} >= ${i % 2 ? 1e9 : 0} # ${'label '.repeat(10)}`).join('\n');
    return gateEntry(text, set, undefined);
  }

  it("stays under GitHub's limit by shortening the details first", async () => {
    const gate = hugeGate(600, 300);
    const data = collectReportData(throughJson([jobEntry(), gate, modelEntry(), await rolloutEntry()]));
    const full = render(data, 10_000_000);
    expect(full.truncated).toBe(false);
    expect(full.body.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    const r = render(data);
    expect(r.body.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH);
    expect(r.truncated).toBe(true);
    // what shortening kept: the main table, the links, the rollout and the footer
    expect(r.body).toContain('| Metric | This run | Gate |');
    expect(r.body).toContain('### 🚀 Rollout of');
    expect(r.body).toContain('run 2718281828');
    expect(r.body).toContain("✂️ Shortened to fit GitHub's comment size limit.");
    expect(r.body).not.toContain('<summary>JSON</summary>');
    checkTables(r.body);
  });

  it('drops the details before the charts', async () => {
    const data = collectReportData(throughJson([gateEntry(), await rolloutEntry()]));
    const full = render(data, 1_000_000);
    const withoutJson = render(data, full.body.length - 1);
    expect(withoutJson.level).toBeGreaterThanOrEqual(1);
    expect(withoutJson.body).toContain('```mermaid');
    const tight = render(data, 12_000);
    expect(tight.body.length).toBeLessThanOrEqual(12_000);
    expect(tight.body).toContain('| Metric |');
  });

  it('cuts as a last resort, never inside an entity', () => {
    const data = collectReportData(throughJson([hugeGate(30, 30)]));
    const r = render(data, 3000);
    expect(r.body.length).toBeLessThanOrEqual(3000);
    expect(r.body).toContain("✂️ Cut to fit GitHub's comment size limit.");
    expect(r.body.split('\n')[0]).toBe(commentMarker('mlops/train'));
    expect(r.body).not.toMatch(/&[#a-z0-9]*\n\n…/i);
  });
});

describe('headers', () => {
  it('accepts names that cannot end the HTML comment', () => {
    expect(isValidHeader('mlops/train')).toBe(true);
    expect(isValidHeader('a--b')).toBe(false);
    expect(isValidHeader('x -->')).toBe(false);
    expect(isValidHeader('')).toBe(false);
    expect(() => commentMarker('-->')).toThrow(RangeError);
  });
});

export type { ReportGate };
