// src/metrics/evaluate.ts
var Unavailable = class extends Error {
  constructor(verdict, message) {
    super(message);
    this.verdict = verdict;
  }
  verdict;
};
function aggregate(history, e) {
  switch (e.agg) {
    case "last":
      return history[history.length - 1].value;
    case "min":
      return history.reduce((m, p) => Math.min(m, p.value), Infinity);
    case "max":
      return history.reduce((m, p) => Math.max(m, p.value), -Infinity);
    case "mean":
      return history.reduce((s, p) => s + p.value, 0) / history.length;
    case "at": {
      const hit = history.filter((p) => p.step === e.step);
      if (hit.length === 0) {
        const steps = history.map((p) => p.step);
        throw new Unavailable("failed", `${e.name} has no value at step ${e.step} (steps ${Math.min(...steps)}\u2013${Math.max(...steps)})`);
      }
      return hit[hit.length - 1].value;
    }
  }
}
function num(e, metrics, o) {
  switch (e.type) {
    case "number":
      return e.value;
    case "neg":
      return -num(e.operand, metrics, o);
    case "arith": {
      const a = num(e.left, metrics, o);
      const b = num(e.right, metrics, o);
      switch (e.op) {
        case "+":
          return a + b;
        case "-":
          return a - b;
        case "*":
          return a * b;
        case "/":
          if (b === 0) throw new Unavailable("failed", "division by zero");
          return a / b;
      }
    }
    // falls through: unreachable, every op returns
    case "metric": {
      const m = e;
      if (m.baseline && !o.baseline) {
        throw new Unavailable(o.requireBaseline ? "failed" : "skipped", `no baseline${o.requireBaseline ? " (require-baseline is true)" : " yet"}`);
      }
      const set = m.baseline ? o.baseline : metrics;
      const history = set.get(m.name);
      const where = m.baseline ? "the baseline" : "this run";
      if (history === void 0) {
        const hint = o.missingHint?.(m.name, m.baseline);
        throw new Unavailable(m.baseline || o.missingMetric === "fail" ? "failed" : "skipped", `${where} has no metric '${m.name}'${hint ? `; ${hint}` : ""}`);
      }
      if (history.length === 0) throw new Unavailable("failed", `${where} has no values for '${m.name}'`);
      const v = aggregate(history, m);
      if (Number.isNaN(v)) throw new Unavailable("failed", `${m.text} is NaN`);
      return v;
    }
  }
}
function compare(op, a, b) {
  switch (op) {
    case ">=":
      return a >= b;
    case ">":
      return a > b;
    case "<=":
      return a <= b;
    case "<":
      return a < b;
    case "==":
      return a === b;
    default:
      return a !== b;
  }
}
function bool(e, metrics, o, out) {
  if (e.type === "compare") {
    let left;
    let right;
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
    const verdict = compare(e.op, left, right) ? "passed" : "failed";
    out.push({ text: e.text, left, right, verdict });
    return verdict;
  }
  const a = bool(e.left, metrics, o, out);
  const b = bool(e.right, metrics, o, out);
  if (e.op === "and") {
    if (a === "failed" || b === "failed") return "failed";
    if (a === "skipped" || b === "skipped") return "skipped";
    return "passed";
  }
  if (a === "passed" || b === "passed") return "passed";
  if (a === "skipped" || b === "skipped") return "skipped";
  return "failed";
}
function evaluateRule(rule, metrics, o) {
  const comparisons = [];
  const verdict = bool(rule.expr, metrics, o, comparisons);
  const first = comparisons[0];
  const reasons = comparisons.filter((c) => c.reason).map((c) => c.reason);
  return {
    rule: rule.text,
    label: rule.label,
    line: rule.line,
    verdict,
    left: first?.left,
    right: first?.right,
    comparisons,
    reason: reasons.length ? [...new Set(reasons)].join("; ") : void 0
  };
}
function evaluateRules(rules, metrics, o) {
  const results = rules.map((r) => evaluateRule(r, metrics, o));
  return { passed: results.every((r) => r.verdict !== "failed"), results };
}

export {
  evaluateRules
};
