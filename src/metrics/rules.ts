/**
 * The gate rule language: one rule per line, parsed into an AST and evaluated over numbers.
 * Nothing in a rule is ever handed to JavaScript evaluation.
 *
 *   rule       := or-expr [ '#' label ]
 *   or-expr    := and-expr { 'or' and-expr }
 *   and-expr   := compare { 'and' compare }
 *   compare    := sum [ ( '>=' | '>' | '<=' | '<' | '==' | '!=' ) sum ]
 *   sum        := product { ( '+' | '-' ) product }
 *   product    := unary { ( '*' | '/' ) unary }
 *   unary      := '-' unary | primary
 *   primary    := number [ '%' ] | metric | agg '(' metric [ ',' step ] ')' | '(' or-expr ')'
 *   agg        := 'last' | 'min' | 'max' | 'mean' | 'at'          (at takes a step)
 *   metric     := [ 'baseline.' ] name | `any name in backticks`
 *
 * A name is letters, digits, `_`, `.`, and `/` or `-` between name characters
 * (`train/loss`, `val-acc`); put spaces around `-` and `/` used as operators, or quote with
 * backticks. `1%` is 0.01. Comparisons and `and`/`or` give booleans; arithmetic gives numbers.
 */

export type Aggregation = 'last' | 'min' | 'max' | 'mean' | 'at';
export type CompareOp = '>=' | '>' | '<=' | '<' | '==' | '!=';
export type ArithOp = '+' | '-' | '*' | '/';

export type NumExpr =
  | { type: 'number'; value: number; text: string }
  | { type: 'metric'; name: string; baseline: boolean; agg: Aggregation; step?: number; text: string }
  | { type: 'arith'; op: ArithOp; left: NumExpr; right: NumExpr }
  | { type: 'neg'; operand: NumExpr };

export type BoolExpr =
  { type: 'compare'; op: CompareOp; left: NumExpr; right: NumExpr; text: string } | { type: 'logic'; op: 'and' | 'or'; left: BoolExpr; right: BoolExpr };

export interface Rule {
  /** The rule as written (without the label). */
  text: string;
  label?: string;
  expr: BoolExpr;
  /** 1-based line in the `rules` input. */
  line: number;
}

export class RuleSyntaxError extends Error {
  override readonly name = 'RuleSyntaxError';
  constructor(
    message: string,
    /** 1-based column in the rule line. */
    readonly column: number,
    readonly line = 1,
  ) {
    super(message);
  }
}

type Tok =
  | { k: 'num'; v: number; text: string; pos: number; end: number }
  | { k: 'name'; v: string; quoted: boolean; pos: number; end: number }
  | { k: 'op'; v: string; pos: number; end: number }
  | { k: 'end'; pos: number; end: number };

const AGGS: readonly string[] = ['last', 'min', 'max', 'mean', 'at'];
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_.]/;

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i));
      const text = m ? m[0] : c;
      i += text.length;
      if (NAME_START.test(src[i] ?? ''))
        throw new RuleSyntaxError(`'${text}${src[i]}…' is not a number; quote names that start with a digit with backticks`, start + 1);
      toks.push({ k: 'num', v: Number(text), text, pos: start, end: i });
      continue;
    }
    if (c === '`') {
      const close = src.indexOf('`', i + 1);
      if (close < 0) throw new RuleSyntaxError('unclosed backtick: a quoted metric name ends with `', start + 1);
      const name = src.slice(i + 1, close);
      if (name.trim() === '') throw new RuleSyntaxError('empty metric name between backticks', start + 1);
      i = close + 1;
      toks.push({ k: 'name', v: name, quoted: true, pos: start, end: i });
      continue;
    }
    if (NAME_START.test(c)) {
      let j = i + 1;
      while (j < src.length) {
        const d = src[j];
        if (NAME_CHAR.test(d)) j++;
        else if ((d === '/' || d === '-') && /[A-Za-z_]/.test(src[j + 1] ?? '') && NAME_CHAR.test(src[j - 1])) j++;
        else break;
      }
      toks.push({ k: 'name', v: src.slice(i, j), quoted: false, pos: start, end: j });
      i = j;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['>=', '<=', '==', '!='].includes(two)) {
      toks.push({ k: 'op', v: two, pos: start, end: i + 2 });
      i += 2;
      continue;
    }
    if ('<>+-*/(),%'.includes(c)) {
      toks.push({ k: 'op', v: c, pos: start, end: i + 1 });
      i++;
      continue;
    }
    if (c === '=') throw new RuleSyntaxError("'=' is not an operator: compare with '==' (or '>=' / '<=')", start + 1);
    if (c === '&' || c === '|') throw new RuleSyntaxError(`'${c}' is not an operator: combine rules with 'and' / 'or'`, start + 1);
    throw new RuleSyntaxError(`unexpected character '${c}'`, start + 1);
  }
  toks.push({ k: 'end', pos: src.length, end: src.length });
  return toks;
}

/**
 * The number a percent literal names, exactly: `91.3%` is the decimal 0.913 (parsed from its text
 * with the decimal point moved two places), not the float quotient 91.3 / 100 (0.9129999999999999).
 */
export function percentOf(text: string): number {
  const m = /^([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
  if (!m) return Number(text) / 100;
  const digits = `${m[1]}${m[2] ?? ''}`;
  // Where the decimal point goes once the value is divided by 100 (and any exponent folded in).
  const point = m[1].length + (m[3] === undefined ? 0 : Number(m[3])) - 2;
  const shifted =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? `${digits}${'0'.repeat(point - digits.length)}`
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  // Number() parses a decimal text to the nearest double: the value is the decimal the user wrote.
  return Number(shifted);
}

type Node = { kind: 'num'; e: NumExpr; pos: number; end: number } | { kind: 'bool'; e: BoolExpr; pos: number; end: number };

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly src: string,
  ) {}

  private peek(): Tok {
    return this.toks[this.i];
  }
  private next(): Tok {
    return this.toks[this.i++];
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.k === 'op' && t.v === v;
  }
  private isWord(v: string): boolean {
    const t = this.peek();
    return t.k === 'name' && !t.quoted && t.v === v;
  }
  private describe(t: Tok): string {
    return t.k === 'end' ? 'the end of the rule' : `'${this.src.slice(t.pos, t.end)}'`;
  }
  private fail(t: Tok, message: string): never {
    throw new RuleSyntaxError(message, t.pos + 1);
  }

  parseRule(): BoolExpr {
    const n = this.orExpr();
    const t = this.peek();
    if (t.k !== 'end') this.fail(t, `unexpected ${this.describe(t)}: expected 'and', 'or' or the end of the rule`);
    if (n.kind !== 'bool') throw new RuleSyntaxError('a rule must compare, e.g. accuracy >= 0.9', n.pos + 1);
    return n.e;
  }

  private bool(n: Node, what: string): BoolExpr {
    if (n.kind !== 'bool') throw new RuleSyntaxError(`${what} needs a comparison on each side (e.g. accuracy >= 0.9)`, n.pos + 1);
    return n.e;
  }
  private num(n: Node, what: string): NumExpr {
    if (n.kind !== 'num') throw new RuleSyntaxError(`${what} needs numbers, not a comparison`, n.pos + 1);
    return n.e;
  }

  private orExpr(): Node {
    let left = this.andExpr();
    while (this.isWord('or')) {
      this.next();
      const right = this.andExpr();
      left = { kind: 'bool', e: { type: 'logic', op: 'or', left: this.bool(left, "'or'"), right: this.bool(right, "'or'") }, pos: left.pos, end: right.end };
    }
    return left;
  }

  private andExpr(): Node {
    let left = this.compare();
    while (this.isWord('and')) {
      this.next();
      const right = this.compare();
      left = { kind: 'bool', e: { type: 'logic', op: 'and', left: this.bool(left, "'and'"), right: this.bool(right, "'and'") }, pos: left.pos, end: right.end };
    }
    return left;
  }

  private compare(): Node {
    const left = this.sum();
    const t = this.peek();
    if (t.k === 'op' && ['>=', '>', '<=', '<', '==', '!='].includes(t.v)) {
      this.next();
      const right = this.sum();
      const after = this.peek();
      if (after.k === 'op' && ['>=', '>', '<=', '<', '==', '!='].includes(after.v)) {
        this.fail(after, `comparisons do not chain: write 'a ${t.v} b and b ${after.v} c'`);
      }
      const e: BoolExpr = {
        type: 'compare',
        op: t.v as CompareOp,
        left: this.num(left, `'${t.v}'`),
        right: this.num(right, `'${t.v}'`),
        text: this.src.slice(left.pos, right.end).trim(),
      };
      return { kind: 'bool', e, pos: left.pos, end: right.end };
    }
    return left;
  }

  private sum(): Node {
    let left = this.product();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next() as Tok & { v: string };
      const right = this.product();
      left = {
        kind: 'num',
        e: { type: 'arith', op: op.v as ArithOp, left: this.num(left, `'${op.v}'`), right: this.num(right, `'${op.v}'`) },
        pos: left.pos,
        end: right.end,
      };
    }
    return left;
  }

  private product(): Node {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/')) {
      const op = this.next() as Tok & { v: string };
      const right = this.unary();
      left = {
        kind: 'num',
        e: { type: 'arith', op: op.v as ArithOp, left: this.num(left, `'${op.v}'`), right: this.num(right, `'${op.v}'`) },
        pos: left.pos,
        end: right.end,
      };
    }
    return left;
  }

  private unary(): Node {
    if (this.isOp('-')) {
      const t = this.next();
      const operand = this.unary();
      return { kind: 'num', e: { type: 'neg', operand: this.num(operand, "'-'") }, pos: t.pos, end: operand.end };
    }
    return this.primary();
  }

  private metricName(t: Tok & { k: 'name' }): { name: string; baseline: boolean } {
    if (t.quoted) return { name: t.v, baseline: false };
    if (t.v === 'baseline.') {
      // baseline.`quoted name`
      const q = this.peek();
      if (q.k === 'name' && q.quoted && q.pos === t.end) {
        this.next();
        return { name: q.v, baseline: true };
      }
      this.fail(t, 'baseline. needs a metric name, e.g. baseline.accuracy or baseline.`my metric`');
    }
    if (t.v === 'baseline') this.fail(t, 'write baseline.<metric>, e.g. baseline.accuracy');
    if (t.v.startsWith('baseline.')) {
      const name = t.v.slice('baseline.'.length);
      if (!name) this.fail(t, 'baseline. needs a metric name');
      return { name, baseline: true };
    }
    if (t.v.endsWith('.')) this.fail(t, `'${t.v}' ends with '.'`);
    return { name: t.v, baseline: false };
  }

  private primary(): Node {
    const t = this.next();
    if (t.k === 'num') {
      if (this.isOp('%')) {
        const pct = this.next();
        return { kind: 'num', e: { type: 'number', value: percentOf(t.text), text: `${t.text}%` }, pos: t.pos, end: pct.end };
      }
      return { kind: 'num', e: { type: 'number', value: t.v, text: t.text }, pos: t.pos, end: t.end };
    }
    if (t.k === 'op' && t.v === '(') {
      const inner = this.orExpr();
      const close = this.next();
      if (close.k !== 'op' || close.v !== ')') this.fail(close, `expected ')' to close the '(' at column ${t.pos + 1}, found ${this.describe(close)}`);
      return { ...inner, pos: t.pos, end: close.end };
    }
    if (t.k === 'name') {
      if (!t.quoted && (t.v === 'and' || t.v === 'or')) this.fail(t, `'${t.v}' needs a comparison before it`);
      if (!t.quoted && AGGS.includes(t.v) && this.isOp('(')) {
        this.next();
        const m = this.next();
        if (m.k !== 'name' || (!m.quoted && AGGS.includes(m.v) && this.isOp('('))) this.fail(m, `${t.v}() takes a metric name, found ${this.describe(m)}`);
        const { name, baseline } = this.metricName(m);
        let step: number | undefined;
        if (t.v === 'at') {
          const comma = this.next();
          if (comma.k !== 'op' || comma.v !== ',') this.fail(comma, `at() takes a metric and a step: at(${name}, 10)`);
          const s = this.next();
          if (s.k !== 'num' || !Number.isInteger(s.v) || s.v < 0) this.fail(s, 'the step of at() must be a whole number ≥ 0');
          step = s.v;
        }
        const close = this.next();
        if (close.k !== 'op' || close.v !== ')')
          this.fail(close, `expected ')' after ${t.v}(${name}${step !== undefined ? `, ${step}` : ''}, found ${this.describe(close)}`);
        return {
          kind: 'num',
          e: { type: 'metric', name, baseline, agg: t.v as Aggregation, step, text: this.src.slice(t.pos, close.end) },
          pos: t.pos,
          end: close.end,
        };
      }
      const { name, baseline } = this.metricName(t);
      const end = this.toks[this.i - 1].end;
      return { kind: 'num', e: { type: 'metric', name, baseline, agg: 'last', text: this.src.slice(t.pos, end) }, pos: t.pos, end };
    }
    if (t.k === 'end') this.fail(t, 'the rule ends too early: expected a number, a metric or (');
    return this.fail(t, `unexpected ${this.describe(t)}: expected a number, a metric or (`);
  }
}

/** Parses one rule (without its line number context). */
export function parseRule(text: string, line = 1): Rule {
  const hash = findLabel(text);
  const body = hash >= 0 ? text.slice(0, hash) : text;
  const label = hash >= 0 ? text.slice(hash + 1).trim() || undefined : undefined;
  if (body.trim() === '') throw new RuleSyntaxError('empty rule', 1, line);
  try {
    const expr = new Parser(tokenize(body), body).parseRule();
    return { text: body.trim(), label, expr, line };
  } catch (err) {
    if (err instanceof RuleSyntaxError) throw new RuleSyntaxError(err.message, err.column, line);
    throw err;
  }
}

/** The index of the '#' that starts the label (outside backticks), or -1. */
function findLabel(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '`') quoted = !quoted;
    else if (text[i] === '#' && !quoted) return i;
  }
  return -1;
}

/** Parses the `rules` input: one rule per line; blank lines and lines starting with # are skipped. */
export function parseRules(text: string): Rule[] {
  const rules: Rule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '' || raw.trim().startsWith('#')) return;
    rules.push(parseRule(raw, i + 1));
  });
  return rules;
}

/** Every metric a rule reads, for fetching and for "did you mean" checks. */
export function metricsOf(e: BoolExpr | NumExpr): Array<{ name: string; baseline: boolean }> {
  switch (e.type) {
    case 'compare':
    case 'logic':
    case 'arith':
      return [...metricsOf(e.left), ...metricsOf(e.right)];
    case 'neg':
      return metricsOf(e.operand);
    case 'metric':
      return [{ name: e.name, baseline: e.baseline }];
    case 'number':
      return [];
  }
}

/** Prints an expression back in the grammar (a canonical form; parse(print(x)) == x). */
export function printExpr(e: BoolExpr | NumExpr): string {
  switch (e.type) {
    case 'logic':
      return `(${printExpr(e.left)} ${e.op} ${printExpr(e.right)})`;
    case 'compare':
      return `${printExpr(e.left)} ${e.op} ${printExpr(e.right)}`;
    case 'arith':
      return `(${printExpr(e.left)} ${e.op} ${printExpr(e.right)})`;
    case 'neg':
      return `-${printExpr(e.operand)}`;
    case 'number':
      return String(e.value);
    case 'metric': {
      const name =
        /^[A-Za-z_][A-Za-z0-9_.]*$/.test(e.name) && !e.name.endsWith('.') && !['and', 'or', 'baseline', ...AGGS].includes(e.name) ? e.name : `\`${e.name}\``;
      const ref = e.baseline ? `baseline.${name}` : name;
      return e.agg === 'last' && e.step === undefined ? ref : `${e.agg}(${ref}${e.step !== undefined ? `, ${e.step}` : ''})`;
    }
  }
}
