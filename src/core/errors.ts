/**
 * Error kinds shared by every action.
 *
 * Two kinds of failure (codeql-action's split): a {@link ConfigurationError} is something the user
 * can fix (a bad input, a missing permission, a typo in a YAML file); anything else is a failure of
 * ours or of the service. The runner prints them differently: a user error never shows a stack trace.
 *
 * Errors are recognised by `name` as well as by `instanceof`, so that an error crossing a bundle or
 * module boundary (two copies of this module) is still classified correctly.
 */

export interface ConfigurationErrorOptions {
  /** Name of the action input at fault, e.g. `timeout`. */
  input?: string;
  /** File at fault (relative to the workspace when possible), e.g. `jobs/train.yml`. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** 1-based column in `file`. */
  column?: number;
  /** What would be valid, or how to fix it. Printed after the message. */
  hint?: string;
  cause?: unknown;
}

/** An error the user can fix. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  /** Lets code without access to this class recognise the kind. */
  readonly isUserError = true;
  readonly input?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly hint?: string;

  constructor(message: string, options: ConfigurationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.input = options.input;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.hint = options.hint;
  }
}

export type ErrorKind = 'user-error' | 'failure';

/** True for a {@link ConfigurationError} (by class or by name) or an error flagged `isUserError`. */
export function isUserError(error: unknown): boolean {
  if (error instanceof ConfigurationError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; isUserError?: unknown };
  return e.name === 'ConfigurationError' || e.isUserError === true;
}

/** `user-error` when the user can fix it, `failure` otherwise. */
export function classifyError(error: unknown): ErrorKind {
  return isUserError(error) ? 'user-error' : 'failure';
}

/** The location fields of an error, when it has any (a ConfigurationError or a look-alike). */
export function errorLocation(error: unknown): { file?: string; line?: number; column?: number; input?: string; hint?: string } {
  if (typeof error !== 'object' || error === null) return {};
  const e = error as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);
  return { file: str(e.file), line: num(e.line), column: num(e.column), input: str(e.input), hint: str(e.hint) };
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/**
 * One line for the user: the message, then the hint when there is one. The input name is not
 * repeated here: messages built by the input reader already name it.
 */
export function formatError(error: unknown): string {
  const message = errorMessage(error);
  const { hint } = errorLocation(error);
  if (!hint || message.includes(hint)) return message;
  return `${message.replace(/[.\s]+$/, '')}. ${hint}`;
}

/** Patterns of secret values that may appear inside a message (URLs with SAS, auth headers, keys). */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  // SAS signatures in URLs or query strings
  [/([?&]sig=)[^&\s"']+/gi, '$1***'],
  // Connection strings
  [/(AccountKey=)[^;\s"']+/gi, '$1***'],
  [/(SharedAccessSignature=)[^;\s"']+/gi, '$1***'],
  // Authorization headers and bearer tokens
  [/(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/g, '$1***'],
  // OAuth form fields
  [/((?:client_secret|client_assertion|access_token|refresh_token)=)[^&\s"']+/gi, '$1***'],
  [/("(?:client_secret|client_assertion|access_token|refresh_token|key|sasToken|clientSecret|accountKey)"\s*:\s*")[^"]*(")/gi, '$1***$2'],
];

/**
 * Removes secret-looking values from a text before it is printed. The runner also relies on
 * `core.setSecret` masking; this is a second line for values that were never registered.
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Exhaustiveness check for switches over closed unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
