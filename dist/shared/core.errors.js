// src/core/errors.ts
var ConfigurationError = class extends Error {
  name = "ConfigurationError";
  /** Lets code without access to this class recognise the kind. */
  isUserError = true;
  input;
  file;
  line;
  column;
  hint;
  constructor(message, options = {}) {
    super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.input = options.input;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.hint = options.hint;
  }
};
function isUserError(error) {
  if (error instanceof ConfigurationError) return true;
  if (typeof error !== "object" || error === null) return false;
  const e = error;
  return e.name === "ConfigurationError" || e.isUserError === true;
}
function classifyError(error) {
  return isUserError(error) ? "user-error" : "failure";
}
function errorLocation(error) {
  if (typeof error !== "object" || error === null) return {};
  const e = error;
  const str = (v) => typeof v === "string" && v !== "" ? v : void 0;
  const num = (v) => typeof v === "number" && Number.isFinite(v) && v > 0 ? v : void 0;
  return { file: str(e.file), line: num(e.line), column: num(e.column), input: str(e.input), hint: str(e.hint) };
}
function errorMessage(error) {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
function formatError(error) {
  const message = errorMessage(error);
  const { hint } = errorLocation(error);
  if (!hint || message.includes(hint)) return message;
  return `${message.replace(/[.\s]+$/, "")}. ${hint}`;
}
var SECRET_PATTERNS = [
  // SAS signatures in URLs or query strings
  [/([?&]sig=)[^&\s"']+/gi, "$1***"],
  // Connection strings
  [/(AccountKey=)[^;\s"']+/gi, "$1***"],
  [/(SharedAccessSignature=)[^;\s"']+/gi, "$1***"],
  // Authorization headers and bearer tokens
  [/(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/g, "$1***"],
  // OAuth form fields
  [/((?:client_secret|client_assertion|access_token|refresh_token)=)[^&\s"']+/gi, "$1***"],
  [/("(?:client_secret|client_assertion|access_token|refresh_token|key|sasToken|clientSecret|accountKey)"\s*:\s*")[^"]*(")/gi, "$1***$2"]
];
function redactSecrets(text) {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
function assertNever(value, what = "value") {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}

export {
  ConfigurationError,
  isUserError,
  classifyError,
  errorLocation,
  errorMessage,
  formatError,
  redactSecrets,
  assertNever
};
