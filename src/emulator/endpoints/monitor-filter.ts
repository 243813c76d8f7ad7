/**
 * Azure Monitor's metrics `$filter`: dimension conditions joined by `and` / `or`, with
 * parentheses — `deployment eq 'blue' and statusCodeClass eq '5xx'`, `deployment eq '*'`
 * (split by every value), `deployment eq 'a' or deployment eq 'b'`, `ne`, `sw` (starts with).
 * Values are single-quoted (`''` escapes a quote); names and keywords are case-insensitive.
 * Every dimension named in the filter becomes a split dimension of the answer, as in Azure.
 */

export type FilterExpr = { type: 'cond'; dim: string; op: 'eq' | 'ne' | 'sw'; value: string } | { type: 'and' | 'or'; left: FilterExpr; right: FilterExpr };

export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
}

type Token = { kind: 'ident'; text: string } | { kind: 'string'; text: string } | { kind: 'lparen' } | { kind: 'rparen' };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      out.push({ kind: 'lparen' });
      i++;
    } else if (c === ')') {
      out.push({ kind: 'rparen' });
      i++;
    } else if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new FilterSyntaxError(`unterminated string in $filter '${src}'`);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += src[i];
        i++;
      }
      out.push({ kind: 'string', text });
    } else if (/[A-Za-z_]/.test(c)) {
      let text = '';
      while (i < src.length && /[A-Za-z0-9_.\-/]/.test(src[i])) text += src[i++];
      out.push({ kind: 'ident', text });
    } else {
      throw new FilterSyntaxError(`unexpected '${c}' at position ${i} of $filter '${src}'`);
    }
  }
  return out;
}

export function parseFilter(src: string): FilterExpr {
  const tokens = tokenize(src);
  let pos = 0;
  const peekWord = () => {
    const t = tokens[pos];
    return t?.kind === 'ident' ? t.text.toLowerCase() : undefined;
  };
  const parseOr = (): FilterExpr => {
    let left = parseAnd();
    while (peekWord() === 'or') {
      pos++;
      left = { type: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterExpr => {
    let left = parseFactor();
    while (peekWord() === 'and') {
      pos++;
      left = { type: 'and', left, right: parseFactor() };
    }
    return left;
  };
  const parseFactor = (): FilterExpr => {
    const t = tokens[pos];
    if (!t) throw new FilterSyntaxError(`$filter '${src}' ends where a condition was expected`);
    if (t.kind === 'lparen') {
      pos++;
      const inner = parseOr();
      if (tokens[pos]?.kind !== 'rparen') throw new FilterSyntaxError(`missing ')' in $filter '${src}'`);
      pos++;
      return inner;
    }
    if (t.kind !== 'ident') throw new FilterSyntaxError(`expected a dimension name in $filter '${src}'`);
    pos++;
    const op = tokens[pos];
    const opText = op?.kind === 'ident' ? op.text.toLowerCase() : '';
    if (opText !== 'eq' && opText !== 'ne' && opText !== 'sw') {
      throw new FilterSyntaxError(`expected eq, ne or sw after '${t.text}' in $filter '${src}'`);
    }
    pos++;
    const v = tokens[pos];
    if (v?.kind !== 'string') throw new FilterSyntaxError(`expected a quoted value after '${t.text} ${opText}' in $filter '${src}'`);
    pos++;
    return { type: 'cond', dim: t.text, op: opText, value: v.text };
  };
  const expr = parseOr();
  if (pos !== tokens.length) throw new FilterSyntaxError(`unexpected text after position ${pos} of $filter '${src}'`);
  return expr;
}

/** Dimension names used in the filter (lower case, first-seen order). */
export function filterDimensions(e: FilterExpr | undefined): string[] {
  const out: string[] = [];
  const walk = (x: FilterExpr) => {
    if (x.type === 'cond') {
      const d = x.dim.toLowerCase();
      if (!out.includes(d)) out.push(d);
    } else {
      walk(x.left);
      walk(x.right);
    }
  };
  if (e) walk(e);
  return out;
}

/** Whether a sample with these dimension values (keys lower case) passes the filter. */
export function matchesFilter(e: FilterExpr | undefined, dims: Record<string, string>): boolean {
  if (!e) return true;
  switch (e.type) {
    case 'and':
      return matchesFilter(e.left, dims) && matchesFilter(e.right, dims);
    case 'or':
      return matchesFilter(e.left, dims) || matchesFilter(e.right, dims);
    case 'cond': {
      const actual = (dims[e.dim.toLowerCase()] ?? '').toLowerCase();
      const want = e.value.toLowerCase();
      if (e.op === 'eq') return want === '*' || actual === want;
      if (e.op === 'ne') return want !== '*' && actual !== want;
      return actual.startsWith(want);
    }
  }
}
