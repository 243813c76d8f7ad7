/**
 * Evaluating parsed rules over metric histories. Pure: numbers in, verdicts out.
 *
 * A rule that reads `baseline.*` when there is no baseline is `skipped` (unless the baseline is
 * required); a metric that is missing is `failed` or `skipped` per `missing-metric`; a NaN or a
 * metric with no values fails, since no number can pass a gate it does not have.
 */
import type { BoolExpr, NumExpr, Rule } from './rules.js';

export interface MetricPoint {
  step: number;
  value: number;
  timestamp?: number;
}

/** name → history, in step order. */
export type MetricSet = Map<string, MetricPoint[]>;

export type Verdict = 'passed' | 'failed' | 'skipped';

export interface ComparisonResult {
  text: string;
  left?: number;
  right?: number;
  verdict: Verdict;
  reason?: string;
}

export interface RuleResult {
  rule: string;
  label?: string;
  line: number;
  verdict: Verdict;
  /** Values of the rule's first comparison (the table shows them). */
  left?: number;
  right?: number;
  comparisons: ComparisonResult[];
  reason?: string;
}

export interface EvaluateOptions {
  /** Undefined when there is no baseline yet. */
  baseline?: MetricSet;
  missingMetric: 'fail' | 'skip';
  requireBaseline: boolean;
  /**
   * Extra words for a metric that is not there, e.g. `did you mean 'accuracy'?` (added to the
   * reason after a semicolon).
   */
  missingHint?: (name: string, baseline: boolean) => string | undefined;
}

class Unavailable extends Error {
  constructor(
    readonly verdict: Verdict,
    message: string,
  ) {
    super(message);
  }
}

function aggregate(history: MetricPoint[], e: Extract<NumExpr, { type: 'metric' }>): number {
  switch (e.agg) {
    case 'last':
      return history[history.length - 1].value;
    case 'min':
      return history.reduce((m, p) => Math.min(m, p.value), Infinity);
    case 'max':
      return history.reduce((m, p) => Math.max(m, p.value), -Infinity);
    case 'mean':
      return history.reduce((s, p) => s + p.value, 0) / history.length;
    case 'at': {
      const hit = history.filter((p) => p.step === e.step);
      if (hit.length === 0) {
        const steps = history.map((p) => p.step);
        throw new Unavailable('failed', `${e.name} has no value at step ${e.step} (steps ${Math.min(...steps)}–${Math.max(...steps)})`);
      }
      return hit[hit.length - 1].value;
    }
  }
}

function num(e: NumExpr, metrics: MetricSet, o: EvaluateOptions): number {
  switch (e.type) {
    case 'number':
      return e.value;
    case 'neg':
      return -num(e.operand, metrics, o);
    case 'arith': {
      const a = num(e.left, metrics, o);
      const b = num(e.right, metrics, o);
      switch (e.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          if (b === 0) throw new Unavailable('failed', 'division by zero');
          return a / b;
      }
    }
    // falls through: unreachable, every op returns
    case 'metric': {
      const m = e;
      if (m.baseline && !o.baseline) {
        throw new Unavailable(o.requireBaseline ? 'failed' : 'skipped', `no baseline${o.requireBaseline ? ' (require-baseline is true)' : ' yet'}`);
      }
      const set = m.baseline ? (o.baseline as MetricSet) : metrics;
      const history = set.get(m.name);
      const where = m.baseline ? 'the baseline' : 'this run';
      if (history === undefined) {
        const hint = o.missingHint?.(m.name, m.baseline);
        throw new Unavailable(m.baseline || o.missingMetric === 'fail' ? 'failed' : 'skipped', `${where} has no metric '${m.name}'${hint ? `; ${hint}` : ''}`);
      }
      if (history.length === 0) throw new Unavailable('failed', `${where} has no values for '${m.name}'`);
      const v = aggregate(history, m);
      if (Number.isNaN(v)) throw new Unavailable('failed', `${m.text} is NaN`);
      return v;
    }
  }
}

function compare(op: string, a: number, b: number): boolean {
  switch (op) {
    case '>=':
      return a >= b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '<':
      return a < b;
    case '==':
      return a === b;
    default:
      return a !== b;
  }
}

/** Three-valued logic: skipped is "unknown". */
function bool(e: BoolExpr, metrics: MetricSet, o: EvaluateOptions, out: ComparisonResult[]): Verdict {
  if (e.type === 'compare') {
    let left: number | undefined;
    let right: number | undefined;
    try {
      left = num(e.left, metrics, o);
      right = num(e.right, metrics, o);
    } catch (err) {
      if (err instanceof Unavailable) {
        out.push({ text: e.text, left, right, verdict: err.verdict, reason: err.message });
        return err.verdict;
      }
      throw err;
    }
    const verdict: Verdict = compare(e.op, left, right) ? 'passed' : 'failed';
    out.push({ text: e.text, left, right, verdict });
    return verdict;
  }
  const a = bool(e.left, metrics, o, out);
  const b = bool(e.right, metrics, o, out);
  if (e.op === 'and') {
    if (a === 'failed' || b === 'failed') return 'failed';
    if (a === 'skipped' || b === 'skipped') return 'skipped';
    return 'passed';
  }
  if (a === 'passed' || b === 'passed') return 'passed';
  if (a === 'skipped' || b === 'skipped') return 'skipped';
  return 'failed';
}

export function evaluateRule(rule: Rule, metrics: MetricSet, o: EvaluateOptions): RuleResult {
  const comparisons: ComparisonResult[] = [];
  const verdict = bool(rule.expr, metrics, o, comparisons);
  const first = comparisons[0];
  const reasons = comparisons.filter((c) => c.reason).map((c) => c.reason as string);
  return {
    rule: rule.text,
    label: rule.label,
    line: rule.line,
    verdict,
    left: first?.left,
    right: first?.right,
    comparisons,
    reason: reasons.length ? [...new Set(reasons)].join('; ') : undefined,
  };
}

export function evaluateRules(rules: Rule[], metrics: MetricSet, o: EvaluateOptions): { passed: boolean; results: RuleResult[] } {
  const results = rules.map((r) => evaluateRule(r, metrics, o));
  return { passed: results.every((r) => r.verdict !== 'failed'), results };
}
