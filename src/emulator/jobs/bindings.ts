/**
 * Expressions in a job's `command`: `${{inputs.x}}`, `${{outputs.y}}`, `${{search_space.z}}`, and
 * optional blocks `$[[ --flag ${{inputs.opt}} ]]` that vanish when an input they use is not given.
 * Pure functions; an unknown reference is an error whose message names what exists.
 */

export class BindingError extends Error {
  override readonly name = 'BindingError';
}

export interface BindingValues {
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  /** Present for sweep trials. */
  search_space?: Record<string, string>;
}

const REF = /\$\{\{\s*([^}]*?)\s*\}\}/g;
const OPTIONAL = /\$\[\[([\s\S]*?)\]\]/g;

type Lookup = { ok: true; value: string } | { ok: false; why: string; optionalInput: boolean };

function lookup(expr: string, values: BindingValues): Lookup {
  const m = /^([A-Za-z_]+)\.(.+)$/.exec(expr);
  if (!m) {
    return {
      ok: false,
      why: `'\${{${expr}}}' is not a reference the local executor understands (expected inputs.<name>, outputs.<name> or search_space.<name>)`,
      optionalInput: false,
    };
  }
  const kind = m[1];
  const name = m[2];
  if (kind === 'inputs' || kind === 'outputs' || kind === 'search_space') {
    const table = values[kind];
    if (table && Object.prototype.hasOwnProperty.call(table, name)) return { ok: true, value: table[name] };
    const known = table ? Object.keys(table) : [];
    const label = kind === 'search_space' ? 'search space parameter' : kind.slice(0, -1);
    const where =
      kind === 'search_space' && !table ? 'the job is not a sweep trial' : known.length > 0 ? `known ${kind}: ${known.join(', ')}` : `the job has no ${kind}`;
    return { ok: false, why: `the command references \${{${expr}}}, but there is no ${label} named '${name}' (${where})`, optionalInput: kind === 'inputs' };
  }
  if (kind === 'parent') {
    return {
      ok: false,
      why: `\${{${expr}}} binds pipeline data and is only valid in a pipeline step's inputs or outputs, not in a command`,
      optionalInput: false,
    };
  }
  return {
    ok: false,
    why: `'\${{${expr}}}' refers to '${kind}', which the local executor does not know (expected inputs, outputs or search_space)`,
    optionalInput: false,
  };
}

/** All `${{...}}` expressions of a text, in order. */
export function references(text: string): string[] {
  return [...text.matchAll(REF)].map((m) => m[1]);
}

/**
 * Substitute a command. Optional blocks whose input references are missing are dropped; any other
 * unknown reference throws {@link BindingError}.
 */
export function substituteCommand(command: string, values: BindingValues): string {
  const withOptional = command.replace(OPTIONAL, (_block, inner: string) => {
    for (const expr of references(inner)) {
      const r = lookup(expr, values);
      if (!r.ok) {
        if (r.optionalInput) return '';
        throw new BindingError(r.why);
      }
    }
    return inner;
  });
  return withOptional.replace(REF, (_whole, expr: string) => {
    const r = lookup(expr, values);
    if (!r.ok) throw new BindingError(r.why);
    return r.value;
  });
}

/** Replace only `${{search_space.x}}` (a sweep writes each trial's command this way). */
export function substituteSearchSpace(command: string, point: Record<string, string>): string {
  return command.replace(REF, (whole, expr: string) => {
    const m = /^search_space\.(.+)$/.exec(expr);
    if (!m) return whole;
    const name = m[1];
    if (!Object.prototype.hasOwnProperty.call(point, name)) {
      throw new BindingError(
        `the trial command references \${{${expr}}}, but the search space has no parameter named '${name}' (parameters: ${Object.keys(point).join(', ') || 'none'})`,
      );
    }
    return point[name];
  });
}

/** A value that is exactly one `${{...}}` expression → the expression; otherwise undefined. */
export function wholeReference(value: string): string | undefined {
  const m = /^\s*\$\{\{\s*([^}]*?)\s*\}\}\s*$/.exec(value);
  return m ? m[1] : undefined;
}
