import {
  ConfigurationError
} from "./core.errors.js";

// src/models/names.ts
var MODEL_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
var MODEL_VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,29}$/;
var ALIAS_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
var REGISTRY_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{2,32}$/;
var RULES = {
  model: {
    what: "model name",
    re: MODEL_NAME_RE,
    first: /[A-Za-z0-9]/,
    rest: /[A-Za-z0-9_.-]/,
    max: 255,
    text: "Model names start with a letter or digit and use only letters, digits, '-', '_' and '.' (at most 255 characters)."
  },
  version: {
    what: "model version",
    re: MODEL_VERSION_RE,
    first: /[A-Za-z0-9]/,
    rest: /[A-Za-z0-9_.-]/,
    max: 30,
    text: "Versions start with a letter or digit and use only letters, digits, '-', '_' and '.' (at most 30 characters), e.g. 3 or 2024.06.1."
  },
  alias: {
    what: "alias",
    re: ALIAS_RE,
    first: /[A-Za-z0-9]/,
    rest: /[A-Za-z0-9_.-]/,
    max: 64,
    text: "Aliases start with a letter or digit and use only letters, digits, '-', '_' and '.' (at most 64 characters), e.g. champion or staging."
  },
  registry: {
    what: "registry name",
    re: REGISTRY_NAME_RE,
    first: /[A-Za-z0-9]/,
    rest: /[A-Za-z0-9_-]/,
    max: 33,
    min: 3,
    text: "Registry names have 3 to 33 characters, start with a letter or digit and use only letters, digits, '-' and '_'."
  }
};
function nameProblem(kind, value) {
  const r = RULES[kind];
  if (r.re.test(value)) return void 0;
  if (value === "") return "it is empty";
  if (r.min !== void 0 && value.length < r.min) return `it has ${value.length} character(s); at least ${r.min} are needed`;
  if (value.length > r.max) return `it has ${value.length} characters; at most ${r.max} are allowed`;
  const chars = [...value];
  if (!r.first.test(chars[0])) return `it starts with '${chars[0]}'`;
  const i = chars.findIndex((c, k) => k > 0 && !r.rest.test(c));
  if (i > 0) return `character ${JSON.stringify(chars[i])} at position ${i + 1} is not allowed`;
  return "it does not follow the naming rule";
}
function checkName(kind, value, input) {
  const problem = nameProblem(kind, value);
  if (problem) {
    throw new ConfigurationError(`Input '${input}': '${value}' is not a valid ${RULES[kind].what}: ${problem}.`, { input, hint: RULES[kind].text });
  }
  return value;
}

export {
  checkName
};
