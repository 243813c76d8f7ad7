// src/metrics/rules.ts
var RuleSyntaxError = class extends Error {
  constructor(message, column, line = 1) {
    super(message);
    this.column = column;
    this.line = line;
  }
  column;
  line;
  name = "RuleSyntaxError";
};
var AGGS = ["last", "min", "max", "mean", "at"];
var NAME_START = /[A-Za-z_]/;
var NAME_CHAR = /[A-Za-z0-9_.]/;
function tokenize(src) {
  const toks = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === " " || c === "	") {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || c === "." && /[0-9]/.test(src[i + 1] ?? "")) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i));
      const text = m ? m[0] : c;
      i += text.length;
      if (NAME_START.test(src[i] ?? ""))
        throw new RuleSyntaxError(`'${text}${src[i]}\u2026' is not a number; quote names that start with a digit with backticks`, start + 1);
      toks.push({ k: "num", v: Number(text), text, pos: start, end: i });
      continue;
    }
    if (c === "`") {
      const close = src.indexOf("`", i + 1);
      if (close < 0) throw new RuleSyntaxError("unclosed backtick: a quoted metric name ends with `", start + 1);
      const name = src.slice(i + 1, close);
      if (name.trim() === "") throw new RuleSyntaxError("empty metric name between backticks", start + 1);
      i = close + 1;
      toks.push({ k: "name", v: name, quoted: true, pos: start, end: i });
      continue;
    }
    if (NAME_START.test(c)) {
      let j = i + 1;
      while (j < src.length) {
        const d = src[j];
        if (NAME_CHAR.test(d)) j++;
        else if ((d === "/" || d === "-") && /[A-Za-z_]/.test(src[j + 1] ?? "") && NAME_CHAR.test(src[j - 1])) j++;
        else break;
      }
      toks.push({ k: "name", v: src.slice(i, j), quoted: false, pos: start, end: j });
      i = j;
      continue;
    }
    const two = src.slice(i, i + 2);
    if ([">=", "<=", "==", "!="].includes(two)) {
      toks.push({ k: "op", v: two, pos: start, end: i + 2 });
      i += 2;
      continue;
    }
    if ("<>+-*/(),%".includes(c)) {
      toks.push({ k: "op", v: c, pos: start, end: i + 1 });
      i++;
      continue;
    }
    if (c === "=") throw new RuleSyntaxError("'=' is not an operator: compare with '==' (or '>=' / '<=')", start + 1);
    if (c === "&" || c === "|") throw new RuleSyntaxError(`'${c}' is not an operator: combine rules with 'and' / 'or'`, start + 1);
    throw new RuleSyntaxError(`unexpected character '${c}'`, start + 1);
  }
  toks.push({ k: "end", pos: src.length, end: src.length });
  return toks;
}
function percentOf(text) {
  const m = /^([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
  if (!m) return Number(text) / 100;
  const digits = `${m[1]}${m[2] ?? ""}`;
  const point = m[1].length + (m[3] === void 0 ? 0 : Number(m[3])) - 2;
  const shifted = point <= 0 ? `0.${"0".repeat(-point)}${digits}` : point >= digits.length ? `${digits}${"0".repeat(point - digits.length)}` : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return Number(shifted);
}
var Parser = class {
  constructor(toks, src) {
    this.toks = toks;
    this.src = src;
  }
  toks;
  src;
  i = 0;
  peek() {
    return this.toks[this.i];
  }
  next() {
    return this.toks[this.i++];
  }
  isOp(v) {
    const t = this.peek();
    return t.k === "op" && t.v === v;
  }
  isWord(v) {
    const t = this.peek();
    return t.k === "name" && !t.quoted && t.v === v;
  }
  describe(t) {
    return t.k === "end" ? "the end of the rule" : `'${this.src.slice(t.pos, t.end)}'`;
  }
  fail(t, message) {
    throw new RuleSyntaxError(message, t.pos + 1);
  }
  parseRule() {
    const n = this.orExpr();
    const t = this.peek();
    if (t.k !== "end") this.fail(t, `unexpected ${this.describe(t)}: expected 'and', 'or' or the end of the rule`);
    if (n.kind !== "bool") throw new RuleSyntaxError("a rule must compare, e.g. accuracy >= 0.9", n.pos + 1);
    return n.e;
  }
  bool(n, what) {
    if (n.kind !== "bool") throw new RuleSyntaxError(`${what} needs a comparison on each side (e.g. accuracy >= 0.9)`, n.pos + 1);
    return n.e;
  }
  num(n, what) {
    if (n.kind !== "num") throw new RuleSyntaxError(`${what} needs numbers, not a comparison`, n.pos + 1);
    return n.e;
  }
  orExpr() {
    let left = this.andExpr();
    while (this.isWord("or")) {
      this.next();
      const right = this.andExpr();
      left = { kind: "bool", e: { type: "logic", op: "or", left: this.bool(left, "'or'"), right: this.bool(right, "'or'") }, pos: left.pos, end: right.end };
    }
    return left;
  }
  andExpr() {
    let left = this.compare();
    while (this.isWord("and")) {
      this.next();
      const right = this.compare();
      left = { kind: "bool", e: { type: "logic", op: "and", left: this.bool(left, "'and'"), right: this.bool(right, "'and'") }, pos: left.pos, end: right.end };
    }
    return left;
  }
  compare() {
    const left = this.sum();
    const t = this.peek();
    if (t.k === "op" && [">=", ">", "<=", "<", "==", "!="].includes(t.v)) {
      this.next();
      const right = this.sum();
      const after = this.peek();
      if (after.k === "op" && [">=", ">", "<=", "<", "==", "!="].includes(after.v)) {
        this.fail(after, `comparisons do not chain: write 'a ${t.v} b and b ${after.v} c'`);
      }
      const e = {
        type: "compare",
        op: t.v,
        left: this.num(left, `'${t.v}'`),
        right: this.num(right, `'${t.v}'`),
        text: this.src.slice(left.pos, right.end).trim()
      };
      return { kind: "bool", e, pos: left.pos, end: right.end };
    }
    return left;
  }
  sum() {
    let left = this.product();
    while (this.isOp("+") || this.isOp("-")) {
      const op = this.next();
      const right = this.product();
      left = {
        kind: "num",
        e: { type: "arith", op: op.v, left: this.num(left, `'${op.v}'`), right: this.num(right, `'${op.v}'`) },
        pos: left.pos,
        end: right.end
      };
    }
    return left;
  }
  product() {
    let left = this.unary();
    while (this.isOp("*") || this.isOp("/")) {
      const op = this.next();
      const right = this.unary();
      left = {
        kind: "num",
        e: { type: "arith", op: op.v, left: this.num(left, `'${op.v}'`), right: this.num(right, `'${op.v}'`) },
        pos: left.pos,
        end: right.end
      };
    }
    return left;
  }
  unary() {
    if (this.isOp("-")) {
      const t = this.next();
      const operand = this.unary();
      return { kind: "num", e: { type: "neg", operand: this.num(operand, "'-'") }, pos: t.pos, end: operand.end };
    }
    return this.primary();
  }
  metricName(t) {
    if (t.quoted) return { name: t.v, baseline: false };
    if (t.v === "baseline.") {
      const q = this.peek();
      if (q.k === "name" && q.quoted && q.pos === t.end) {
        this.next();
        return { name: q.v, baseline: true };
      }
      this.fail(t, "baseline. needs a metric name, e.g. baseline.accuracy or baseline.`my metric`");
    }
    if (t.v === "baseline") this.fail(t, "write baseline.<metric>, e.g. baseline.accuracy");
    if (t.v.startsWith("baseline.")) {
      const name = t.v.slice("baseline.".length);
      if (!name) this.fail(t, "baseline. needs a metric name");
      return { name, baseline: true };
    }
    if (t.v.endsWith(".")) this.fail(t, `'${t.v}' ends with '.'`);
    return { name: t.v, baseline: false };
  }
  primary() {
    const t = this.next();
    if (t.k === "num") {
      if (this.isOp("%")) {
        const pct = this.next();
        return { kind: "num", e: { type: "number", value: percentOf(t.text), text: `${t.text}%` }, pos: t.pos, end: pct.end };
      }
      return { kind: "num", e: { type: "number", value: t.v, text: t.text }, pos: t.pos, end: t.end };
    }
    if (t.k === "op" && t.v === "(") {
      const inner = this.orExpr();
      const close = this.next();
      if (close.k !== "op" || close.v !== ")") this.fail(close, `expected ')' to close the '(' at column ${t.pos + 1}, found ${this.describe(close)}`);
      return { ...inner, pos: t.pos, end: close.end };
    }
    if (t.k === "name") {
      if (!t.quoted && (t.v === "and" || t.v === "or")) this.fail(t, `'${t.v}' needs a comparison before it`);
      if (!t.quoted && AGGS.includes(t.v) && this.isOp("(")) {
        this.next();
        const m = this.next();
        if (m.k !== "name" || !m.quoted && AGGS.includes(m.v) && this.isOp("(")) this.fail(m, `${t.v}() takes a metric name, found ${this.describe(m)}`);
        const { name: name2, baseline: baseline2 } = this.metricName(m);
        let step;
        if (t.v === "at") {
          const comma = this.next();
          if (comma.k !== "op" || comma.v !== ",") this.fail(comma, `at() takes a metric and a step: at(${name2}, 10)`);
          const s = this.next();
          if (s.k !== "num" || !Number.isInteger(s.v) || s.v < 0) this.fail(s, "the step of at() must be a whole number \u2265 0");
          step = s.v;
        }
        const close = this.next();
        if (close.k !== "op" || close.v !== ")")
          this.fail(close, `expected ')' after ${t.v}(${name2}${step !== void 0 ? `, ${step}` : ""}, found ${this.describe(close)}`);
        return {
          kind: "num",
          e: { type: "metric", name: name2, baseline: baseline2, agg: t.v, step, text: this.src.slice(t.pos, close.end) },
          pos: t.pos,
          end: close.end
        };
      }
      const { name, baseline } = this.metricName(t);
      const end = this.toks[this.i - 1].end;
      return { kind: "num", e: { type: "metric", name, baseline, agg: "last", text: this.src.slice(t.pos, end) }, pos: t.pos, end };
    }
    if (t.k === "end") this.fail(t, "the rule ends too early: expected a number, a metric or (");
    return this.fail(t, `unexpected ${this.describe(t)}: expected a number, a metric or (`);
  }
};
function parseRule(text, line = 1) {
  const hash = findLabel(text);
  const body = hash >= 0 ? text.slice(0, hash) : text;
  const label = hash >= 0 ? text.slice(hash + 1).trim() || void 0 : void 0;
  if (body.trim() === "") throw new RuleSyntaxError("empty rule", 1, line);
  try {
    const expr = new Parser(tokenize(body), body).parseRule();
    return { text: body.trim(), label, expr, line };
  } catch (err) {
    if (err instanceof RuleSyntaxError) throw new RuleSyntaxError(err.message, err.column, line);
    throw err;
  }
}
function findLabel(text) {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "`") quoted = !quoted;
    else if (text[i] === "#" && !quoted) return i;
  }
  return -1;
}
function parseRules(text) {
  const rules = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === "" || raw.trim().startsWith("#")) return;
    rules.push(parseRule(raw, i + 1));
  });
  return rules;
}
function metricsOf(e) {
  switch (e.type) {
    case "compare":
    case "logic":
    case "arith":
      return [...metricsOf(e.left), ...metricsOf(e.right)];
    case "neg":
      return metricsOf(e.operand);
    case "metric":
      return [{ name: e.name, baseline: e.baseline }];
    case "number":
      return [];
  }
}

export {
  RuleSyntaxError,
  parseRule,
  parseRules,
  metricsOf
};
