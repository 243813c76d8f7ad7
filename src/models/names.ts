/**
 * Azure's naming rules for what register-model names: model names and versions (as the Azure ML
 * service checks asset names), aliases (what `model:<name>:@<alias>` in metric-gate accepts) and
 * registry names (`RegistryNameParameter` of registries.json). Each check throws a
 * {@link ConfigurationError} that names the input, the first offending character and the rule.
 */
import { ConfigurationError } from '../core/errors.js';

export const MODEL_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
export const MODEL_VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,29}$/;
/** Aliases become tag keys `alias.<alias>`; metric-gate reads `@<alias>` with this alphabet. */
export const ALIAS_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const REGISTRY_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{2,32}$/;

interface Rule {
  what: string;
  re: RegExp;
  first: RegExp;
  rest: RegExp;
  max: number;
  min?: number;
  text: string;
}

const RULES = {
  model: {
    what: 'model name',
    re: MODEL_NAME_RE,
    first: /[A-Za-z0-9]/,
    rest: /[A-Za-z0-9_.-]/,
    max: 255,
    text: "Model names start with a letter or digit and use only letters, digits, '-', '_' and '.' (at most 255 characters).",
  },
  version: {
    what: 'model version',
    re: MODEL_VERSION_RE,
    first: /[A-Za-z0-9]/,
    rest: /[A-Za-z0-9_.-]/,
    max: 30,
    text: "Versions start with a letter or digit and use only letters, digits, '-', '_' and '.' (at most 30 characters), e.g. 3 or 2024.06.1.",
  },
  alias: {
    what: 'alias',
    re: ALIAS_RE,
    first: /[A-Za-z0-9]/,
    rest: /[A-Za-z0-9_.-]/,
    max: 64,
    text: "Aliases start with a letter or digit and use only letters, digits, '-', '_' and '.' (at most 64 characters), e.g. champion or staging.",
  },
  registry: {
    what: 'registry name',
    re: REGISTRY_NAME_RE,
    first: /[A-Za-z0-9]/,
    rest: /[A-Za-z0-9_-]/,
    max: 33,
    min: 3,
    text: "Registry names have 3 to 33 characters, start with a letter or digit and use only letters, digits, '-' and '_'.",
  },
} satisfies Record<string, Rule>;

export type NameKind = keyof typeof RULES;

/** Why `value` breaks the rule of `kind`, or undefined when it is valid. */
export function nameProblem(kind: NameKind, value: string): string | undefined {
  const r: Rule = RULES[kind];
  if (r.re.test(value)) return undefined;
  if (value === '') return 'it is empty';
  if (r.min !== undefined && value.length < r.min) return `it has ${value.length} character(s); at least ${r.min} are needed`;
  if (value.length > r.max) return `it has ${value.length} characters; at most ${r.max} are allowed`;
  const chars = [...value];
  if (!r.first.test(chars[0])) return `it starts with '${chars[0]}'`;
  const i = chars.findIndex((c, k) => k > 0 && !r.rest.test(c));
  if (i > 0) return `character ${JSON.stringify(chars[i])} at position ${i + 1} is not allowed`;
  return 'it does not follow the naming rule';
}

/** Returns `value` when valid; otherwise a ConfigurationError naming the input and the rule. */
export function checkName(kind: NameKind, value: string, input: string): string {
  const problem = nameProblem(kind, value);
  if (problem) {
    throw new ConfigurationError(`Input '${input}': '${value}' is not a valid ${RULES[kind].what}: ${problem}.`, { input, hint: RULES[kind].text });
  }
  return value;
}
