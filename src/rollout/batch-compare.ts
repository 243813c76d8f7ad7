/**
 * The checks of a batch rollout's test batch, pure: the output rows of a batch scoring job (the
 * `append_row` file: one line per returned item, its values separated by spaces — or by commas
 * when every line has one), whether they hold what `smoke-expect` names, and the shadow
 * comparison of the new deployment's rows with the current default's over the same input:
 *
 * - rows are matched by their first value (the input file name in Microsoft's samples, e.g. the
 *   mnist-classifier's `file class probability`) when it is unique in both outputs, else by
 *   position after sorting (the order of appended rows is not fixed);
 * - every other column is a *label* (text, or whole numbers only, e.g. a class id) or a *number*
 *   (any value with a fraction): `agreement` is the share of matched rows whose labels all agree,
 *   `mad` the mean absolute difference of the numbers, `max_diff` the largest one;
 * - the figures are judged by rules in the metric-gate grammar (src/metrics/rules.ts: parsed,
 *   never evaluated as code), e.g. `agreement >= 95%` and `mad <= 0.05`.
 */
import { ConfigurationError } from '../core/errors.js';
import { isObj } from '../core/obj.js';
import { evaluateRules, type MetricSet, type RuleResult } from '../metrics/evaluate.js';
import { metricsOf, parseRules, RuleSyntaxError, type Rule } from '../metrics/rules.js';

export type OutputRow = string[];

/** The names a comparison rule may read. */
export const COMPARE_METRICS = ['agreement', 'mad', 'max_diff', 'rows', 'baseline_rows', 'matched', 'coverage'] as const;
export type CompareMetric = (typeof COMPARE_METRICS)[number];

/** The rows of an append_row output file (blank lines left out). */
export function parseOutputRows(text: string): OutputRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const commas = lines.length > 0 && lines.every((l) => l.includes(','));
  return lines.map((l) => (commas ? l.split(',').map((v) => v.trim()) : l.trim().split(/\s+/)));
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

export interface ColumnComparison {
  /** 1-based position in the row (the key is column 0). */
  column: number;
  kind: 'label' | 'number';
  /** Labels: the share of matched rows where the column agrees. */
  agreement?: number;
  /** Numbers: mean and largest absolute difference. */
  mad?: number;
  maxDiff?: number;
}

export interface OutputComparison {
  /** Rows of the new deployment's output. */
  rows: number;
  /** Rows of the current default's output over the same input. */
  baselineRows: number;
  /** Rows paired between the two. */
  matched: number;
  /** How rows were paired. */
  pairedBy: 'key' | 'position';
  /** matched / max(rows, baselineRows). */
  coverage: number;
  /** Share of matched rows whose label columns all agree (undefined without label columns). */
  agreement?: number;
  /** Mean absolute difference over every number column of every matched row (undefined without number columns). */
  mad?: number;
  maxDiff?: number;
  columns: ColumnComparison[];
  /** A few rows that differ, for the log: key, new values, prior values. */
  differences: Array<{ key: string; current: string[]; baseline: string[] }>;
}

function pair(current: OutputRow[], baseline: OutputRow[]): { pairs: Array<[OutputRow, OutputRow]>; by: 'key' | 'position' } {
  const unique = (rows: OutputRow[]) => new Set(rows.map((r) => r[0] ?? '')).size === rows.length;
  if (current.length > 0 && unique(current) && unique(baseline)) {
    const prior = new Map(baseline.map((r) => [r[0] ?? '', r]));
    const pairs: Array<[OutputRow, OutputRow]> = [];
    for (const r of current) {
      const b = prior.get(r[0] ?? '');
      if (b) pairs.push([r, b]);
    }
    return { pairs, by: 'key' };
  }
  const order = (rows: OutputRow[]) => [...rows].sort((a, b) => a.join('\u0000').localeCompare(b.join('\u0000')));
  const a = order(current);
  const b = order(baseline);
  return { pairs: a.slice(0, Math.min(a.length, b.length)).map((r, i) => [r, b[i]]), by: 'position' };
}

/** Compares the new deployment's output rows with the prior default's over the same input. */
export function compareOutputs(current: OutputRow[], baseline: OutputRow[]): OutputComparison {
  const { pairs, by } = pair(current, baseline);
  const width = pairs.reduce((w, [a, b]) => Math.max(w, a.length, b.length), 0);
  const columns: ColumnComparison[] = [];
  const rowAgrees = pairs.map(() => true);
  let hasLabels = false;
  let diffSum = 0;
  let diffCount = 0;
  let maxDiff = 0;
  for (let c = 1; c < width; c++) {
    const values = pairs.flatMap(([a, b]) => [a[c], b[c]]);
    const numeric = values.every((v) => v !== undefined && NUMBER.test(v));
    const kind: 'label' | 'number' = numeric && !values.every((v) => INTEGER.test(v)) ? 'number' : 'label';
    if (kind === 'label') {
      hasLabels = true;
      let same = 0;
      pairs.forEach(([a, b], i) => {
        const eq = numeric ? Number(a[c]) === Number(b[c]) : a[c] === b[c];
        if (eq) same++;
        else rowAgrees[i] = false;
      });
      columns.push({ column: c, kind, agreement: pairs.length ? same / pairs.length : 0 });
    } else {
      let sum = 0;
      let max = 0;
      for (const [a, b] of pairs) {
        const d = Math.abs(Number(a[c]) - Number(b[c]));
        sum += d;
        max = Math.max(max, d);
      }
      diffSum += sum;
      diffCount += pairs.length;
      maxDiff = Math.max(maxDiff, max);
      columns.push({ column: c, kind, mad: pairs.length ? sum / pairs.length : 0, maxDiff: max });
    }
  }
  const differences = pairs
    .filter(([a, b]) => a.slice(1).join(' ') !== b.slice(1).join(' '))
    .slice(0, 5)
    .map(([a, b]) => ({ key: a[0] ?? '', current: a.slice(1), baseline: b.slice(1) }));
  const most = Math.max(current.length, baseline.length);
  return {
    rows: current.length,
    baselineRows: baseline.length,
    matched: pairs.length,
    pairedBy: by,
    coverage: most === 0 ? 1 : pairs.length / most,
    ...(hasLabels ? { agreement: pairs.length ? rowAgrees.filter(Boolean).length / pairs.length : 0 } : {}),
    ...(diffCount > 0 ? { mad: diffSum / diffCount, maxDiff } : {}),
    columns,
    differences,
  };
}

/** The comparison's figures as a metric set for the rule evaluator (absent figures are absent metrics). */
export function comparisonMetrics(c: OutputComparison): MetricSet {
  const set: MetricSet = new Map();
  const put = (name: CompareMetric, v: number | undefined) => {
    if (v !== undefined) set.set(name, [{ step: 0, value: v }]);
  };
  put('agreement', c.agreement);
  put('mad', c.mad);
  put('max_diff', c.maxDiff);
  put('rows', c.rows);
  put('baseline_rows', c.baselineRows);
  put('matched', c.matched);
  put('coverage', c.coverage);
  return set;
}

/** Parses comparison rules; a syntax error or an unknown name is a ConfigurationError naming the input and line. */
export function parseCompareRules(text: string, input = 'compare-rules'): Rule[] {
  let rules: Rule[];
  try {
    rules = parseRules(text);
  } catch (err) {
    if (err instanceof RuleSyntaxError)
      throw new ConfigurationError(`Input '${input}' line ${err.line}, column ${err.column}: ${err.message}.`, {
        input,
        hint: `Write one rule per line over ${COMPARE_METRICS.join(', ')}, e.g. 'agreement >= 95%'.`,
        cause: err,
      });
    throw err;
  }
  if (rules.length === 0) throw new ConfigurationError(`Input '${input}' has no rule.`, { input, hint: "e.g. 'agreement >= 95%' and 'mad <= 0.05'" });
  for (const rule of rules)
    for (const m of metricsOf(rule.expr)) {
      if (m.baseline || !(COMPARE_METRICS as readonly string[]).includes(m.name))
        throw new ConfigurationError(`Input '${input}' line ${rule.line}: '${m.baseline ? 'baseline.' : ''}${m.name}' is not a comparison figure.`, {
          input,
          hint: `Comparison rules can use ${COMPARE_METRICS.join(', ')} (agreement and coverage are fractions: write 95%).`,
        });
    }
  return rules;
}

/** Judges a comparison: a rule over a figure the outputs do not have (e.g. `mad` without number columns) fails. */
export function judgeComparison(rules: Rule[], c: OutputComparison): { passed: boolean; results: RuleResult[] } {
  return evaluateRules(rules, comparisonMetrics(c), {
    missingMetric: 'fail',
    requireBaseline: false,
    missingHint: (name) =>
      name === 'agreement' ? 'the outputs have no label column' : name === 'mad' || name === 'max_diff' ? 'the outputs have no number column' : undefined,
  });
}

/** One line per rule: `agreement >= 95%: passed (0.98)`. */
export function formatRuleResults(results: RuleResult[]): string[] {
  return results.map((r) => `${r.rule}: ${r.verdict}${r.left !== undefined ? ` (${Number(r.left.toPrecision(6))})` : ''}${r.reason ? ` — ${r.reason}` : ''}`);
}

/**
 * `smoke-expect` over output rows: a JSON object whose keys are row keys (first values) and whose
 * values are what follows the key in that row, as an array (a prefix) or one value; numbers
 * compare as numbers. Answers what is wrong, or undefined when every expected row is there.
 */
export function checkExpectedRows(rows: OutputRow[], expect: unknown): string | undefined {
  if (!isObj(expect)) return 'smoke-expect for a batch endpoint must be a JSON object: {"<row key>": [<values after the key>], …}';
  const byKey = new Map(rows.map((r) => [r[0] ?? '', r.slice(1)]));
  for (const [key, want] of Object.entries(expect)) {
    const got = byKey.get(key);
    if (!got) return `no output row for '${key}'`;
    const wanted: unknown[] = Array.isArray(want) ? want : [want];
    for (let i = 0; i < wanted.length; i++) {
      const w = wanted[i];
      const g = got[i];
      const same =
        g !== undefined &&
        (typeof w === 'number'
          ? NUMBER.test(g) && Number(g) === w
          : typeof w === 'string'
            ? g === w
            : typeof w === 'boolean'
              ? g.toLowerCase() === String(w)
              : false);
      if (!same) return `row '${key}': value ${i + 1} after the key is ${g === undefined ? 'missing' : `'${g}'`}, expected ${JSON.stringify(w)}`;
    }
  }
  return undefined;
}
