import {
  debug,
  getInput,
  setSecret
} from "./actions.js";
import {
  ConfigurationError
} from "./core.errors.js";

// src/core/inputs.ts
var actionsInputSource = (name) => getInput(name);
function recordInputSource(values) {
  return (name) => values[name] ?? "";
}
function createInputReader(source = actionsInputSource, options = {}) {
  const debug2 = options.debug ?? ((m) => debug(m));
  const setSecret2 = options.setSecret ?? ((s) => setSecret(s));
  const raw = (name) => (source(name) ?? "").trim();
  const log = (name, value) => debug2(`input ${name} = ${JSON.stringify(value)}`);
  const fail = (name, message, hint) => {
    throw new ConfigurationError(message, { input: name, hint });
  };
  function optional(name) {
    const value = raw(name);
    log(name, value === "" ? void 0 : value);
    return value === "" ? void 0 : value;
  }
  function required(name) {
    const value = raw(name);
    if (value === "") fail(name, `Input '${name}' is required but was not given.`);
    log(name, value);
    return value;
  }
  function secret(name) {
    const value = raw(name);
    if (value === "") return void 0;
    setSecret2(value);
    debug2(`input ${name} = *** (secret)`);
    return value;
  }
  function boolean(name, defaultValue) {
    const value = raw(name);
    let result;
    if (value === "") result = defaultValue;
    else {
      const parsed = parseBoolean(value);
      if (parsed === void 0) {
        return fail(name, `Input '${name}' must be a boolean, got '${value}'.`, `Valid values: ${BOOLEAN_SPELLINGS.join(", ")}.`);
      }
      result = parsed;
    }
    log(name, result);
    return result;
  }
  function numeric(name, options2, integer) {
    const value = raw(name);
    const kind = integer ? "an integer" : "a number";
    let result;
    if (value === "") result = options2.default;
    else {
      const pattern = integer ? /^[+-]?\d+$/ : /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
      if (!pattern.test(value)) fail(name, `Input '${name}' must be ${kind}, got '${value}'.`, rangeHint(options2));
      result = Number(value);
      if (!Number.isFinite(result) || integer && !Number.isSafeInteger(result)) {
        fail(name, `Input '${name}' is out of range: '${value}'.`, rangeHint(options2));
      }
      if (options2.min !== void 0 && result < options2.min) {
        fail(name, `Input '${name}' must be at least ${options2.min}, got ${value}.`, rangeHint(options2));
      }
      if (options2.max !== void 0 && result > options2.max) {
        fail(name, `Input '${name}' must be at most ${options2.max}, got ${value}.`, rangeHint(options2));
      }
    }
    log(name, result);
    return result;
  }
  function int(name, options2 = {}) {
    return numeric(name, options2, true);
  }
  function number(name, options2 = {}) {
    return numeric(name, options2, false);
  }
  function list(name) {
    const result = splitList(raw(name));
    log(name, result);
    return result;
  }
  function duration(name, options2 = {}) {
    const value = raw(name);
    let result;
    if (value === "") {
      result = typeof options2.default === "string" ? parseDuration(options2.default) : options2.default;
    } else {
      result = parseDuration(value);
      if (result === void 0) {
        fail(
          name,
          `Input '${name}' is not a valid duration: '${value}'.`,
          "Use a number of seconds (e.g. 90) or amounts with units ms, s, m, h, d (e.g. 500ms, 90s, 10m, 1h30m)."
        );
      }
      const n = result;
      if (options2.minInMs !== void 0 && n < options2.minInMs) {
        fail(name, `Input '${name}' must be at least ${formatDuration(options2.minInMs)}, got '${value}'.`);
      }
      if (options2.maxInMs !== void 0 && n > options2.maxInMs) {
        fail(name, `Input '${name}' must be at most ${formatDuration(options2.maxInMs)}, got '${value}'.`);
      }
    }
    log(name, result);
    return result;
  }
  function choice(name, values, defaultValue) {
    const value = raw(name);
    let result;
    if (value === "") result = defaultValue;
    else {
      result = values.find((v) => v === value) ?? values.find((v) => v.toLowerCase() === value.toLowerCase());
      if (result === void 0) {
        fail(name, `Input '${name}' must be one of ${values.join(", ")}; got '${value}'.`, `Valid values: ${values.join(", ")}.`);
      }
    }
    log(name, result);
    return result;
  }
  function json(name) {
    const value = raw(name);
    if (value === "") {
      log(name, void 0);
      return void 0;
    }
    try {
      const parsed = JSON.parse(value);
      debug2(`input ${name} = ${value.length > 500 ? `${value.slice(0, 500)}\u2026` : value}`);
      return parsed;
    } catch (e) {
      return fail(name, `Input '${name}' is not valid JSON: ${e.message}.`, void 0);
    }
  }
  function keyValues(name) {
    const result = {};
    const lines = raw(name).split(/\r?\n/);
    lines.forEach((line, index) => {
      const text = line.trim();
      if (text === "" || text.startsWith("#")) return;
      const eq = text.indexOf("=");
      const key = eq < 0 ? "" : text.slice(0, eq).trim();
      if (eq < 0 || key === "") {
        fail(name, `Input '${name}' line ${index + 1} is not a key=value pair: '${text}'.`, "Write one key=value per line, e.g. learning_rate=0.01.");
      }
      if (Object.prototype.hasOwnProperty.call(result, key)) {
        fail(name, `Input '${name}' sets '${key}' twice (line ${index + 1}).`);
      }
      result[key] = text.slice(eq + 1).trim();
    });
    log(name, result);
    return result;
  }
  return { required, optional, secret, boolean, int, number, list, duration, choice, json, keyValues };
}
var BOOLEAN_SPELLINGS = ["true", "True", "TRUE", "false", "False", "FALSE"];
function parseBoolean(text) {
  switch (text.trim()) {
    case "true":
    case "True":
    case "TRUE":
      return true;
    case "false":
    case "False":
    case "FALSE":
      return false;
    default:
      return void 0;
  }
}
function splitList(text) {
  return text.split(/[\r\n,]+/).map((s) => s.trim()).filter((s) => s !== "");
}
var UNIT_MS = { d: 864e5, h: 36e5, m: 6e4, s: 1e3, ms: 1 };
var UNIT_ORDER = ["d", "h", "m", "s", "ms"];
function parseDuration(text) {
  const value = text.trim().toLowerCase();
  if (value === "") return void 0;
  if (/^(\d+(\.\d*)?|\.\d+)$/.test(value)) return Math.round(Number(value) * 1e3);
  const part = /(\d+(?:\.\d*)?|\.\d+)\s*(ms|d|h|m|s)\s*/y;
  let total = 0;
  let lastUnit = -1;
  let index = 0;
  while (index < value.length) {
    part.lastIndex = index;
    const match = part.exec(value);
    if (!match) return void 0;
    const unitIndex = UNIT_ORDER.indexOf(match[2]);
    if (unitIndex <= lastUnit) return void 0;
    lastUnit = unitIndex;
    total += Number(match[1]) * UNIT_MS[match[2]];
    index = part.lastIndex;
  }
  return Number.isFinite(total) ? Math.round(total) : void 0;
}
function formatDuration(ms) {
  if (ms < 1e3) return `${Math.round(ms)}ms`;
  if (ms < 6e4) return `${Number((ms / 1e3).toFixed(1))}s`;
  let rest = Math.round(ms / 1e3);
  const parts = [];
  for (const [unit, size] of [
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
    ["s", 1]
  ]) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join("");
}
function rangeHint(options) {
  if (options.min !== void 0 && options.max !== void 0) return `Use a value from ${options.min} to ${options.max}.`;
  if (options.min !== void 0) return `Use a value of at least ${options.min}.`;
  if (options.max !== void 0) return `Use a value of at most ${options.max}.`;
  return void 0;
}

export {
  actionsInputSource,
  recordInputSource,
  createInputReader,
  parseDuration,
  formatDuration
};
