const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { existsSync, readFileSync } = require("node:fs");
const { appendFileSync, existsSync: existsSync2, mkdirSync, readFileSync: readFileSync2 } = require("node:fs");
const { join } = require("node:path");
import {
  ExitCode,
  debug,
  error,
  getInput,
  getState,
  group,
  info,
  isObj,
  notice,
  saveState,
  setOutput,
  setSecret,
  summary,
  warning
} from "./actions.js";
import {
  ConfigurationError,
  classifyError,
  errorLocation,
  formatError,
  redactSecrets
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

// src/core/state.ts
var actionsStateStore = {
  save: (name, value) => saveState(name, value),
  get: (name) => getState(name)
};
var STATE_VERSION = 1;
function jsonStateKey(name, check) {
  return {
    name,
    encode: (value) => JSON.stringify({ v: STATE_VERSION, value }),
    decode: (text) => {
      if (!text) return void 0;
      try {
        const parsed = JSON.parse(text);
        if (parsed?.v !== STATE_VERSION) return void 0;
        return check(parsed.value) ? parsed.value : void 0;
      } catch {
        return void 0;
      }
    }
  };
}
var isString = (v) => typeof v === "string" && v !== "";
var isTraffic = (v) => isObj(v) && Object.values(v).every((n) => typeof n === "number" && Number.isFinite(n));
function isWorkspaceState(v) {
  return isObj(v) && isString(v.subscriptionId) && isString(v.resourceGroup) && isString(v.workspaceName);
}
function isSubmittedJobState(v) {
  return isObj(v) && isWorkspaceState(v.workspace) && isString(v.jobName) && typeof v.settled === "boolean";
}
function isRolloutState(v) {
  return isObj(v) && isWorkspaceState(v.workspace) && isString(v.endpointName) && isTraffic(v.priorTraffic) && (v.priorMirrorTraffic === void 0 || isTraffic(v.priorMirrorTraffic)) && (v.deploymentName === void 0 || isString(v.deploymentName)) && typeof v.settled === "boolean";
}
function isFlowState(v) {
  return isObj(v) && isObj(v.forwarded) && Object.values(v.forwarded).every((inputs) => isObj(inputs) && Object.values(inputs).every((x) => typeof x === "string"));
}
var StateKeys = {
  isPost: "isPost",
  submittedJob: jsonStateKey("azureml-submitted-job", isSubmittedJobState),
  rollout: jsonStateKey("azureml-rollout", isRolloutState),
  flow: jsonStateKey("azureml-flow", isFlowState)
};
function createPostState(store = actionsStateStore) {
  const save = (key, value) => store.save(key.name, key.encode(value));
  const load = (key) => key.decode(store.get(key.name));
  return {
    markMain: () => store.save(StateKeys.isPost, "true"),
    isPost: () => store.get(StateKeys.isPost) === "true",
    save,
    load,
    clear: (key) => store.save(key.name, ""),
    saveSubmittedJob: (job) => save(StateKeys.submittedJob, job),
    loadSubmittedJob: () => load(StateKeys.submittedJob),
    saveRollout: (rollout) => save(StateKeys.rollout, rollout),
    loadRollout: () => load(StateKeys.rollout)
  };
}

// src/core/io.ts
function runnerIO(store = actionsStateStore) {
  return {
    info: (m) => info(m),
    debug: (m) => debug(m),
    notice: (m, p) => notice(m, p),
    warning: (m, p) => warning(m, p),
    error: (m, p) => error(m, p),
    group: (name, fn) => group(name, fn),
    setOutput: (n, v) => setOutput(n, v),
    appendSummary: async (markdown) => {
      if (!process.env.GITHUB_STEP_SUMMARY) return;
      await summary.addRaw(markdown, true).write();
    },
    setSecret: (s) => setSecret(s),
    markFailed: () => {
      process.exitCode = ExitCode.Failure;
    },
    state: createPostState(store)
  };
}
function stageIO(parent, outputs) {
  return {
    info: (m) => parent.info(m),
    debug: (m) => parent.debug(m),
    notice: (m, p) => parent.notice(m, p),
    warning: (m, p) => parent.warning(m, p),
    error: (m, p) => parent.error(m, p),
    group: (name, fn) => parent.group(name, fn),
    setOutput: (n, v) => void (outputs[n] = v),
    appendSummary: (markdown) => parent.appendSummary(markdown),
    setSecret: (s) => parent.setSecret(s),
    markFailed: () => parent.markFailed(),
    state: parent.state
  };
}

// src/core/runner.ts
async function runEntry(entry, io = runnerIO()) {
  const ctx = {
    source: actionsInputSource,
    reader: createInputReader(actionsInputSource, { debug: (m) => io.debug(m), setSecret: (s) => io.setSecret(s) }),
    io,
    env: process.env,
    abortSignal: cancellationSignal()
  };
  const { post } = entry;
  if (post && io.state.isPost()) {
    return runPost(entry.name, async () => void await post(ctx), { log: io });
  }
  return runAction(entry.name, async () => void await entry.main(ctx), { log: io, state: io.state });
}
async function runAction(name, main, options = {}) {
  const log = options.log ?? runnerIO();
  try {
    (options.state ?? createPostState()).markMain();
    await main();
    return "success";
  } catch (error2) {
    return report(name, error2, log, true);
  }
}
async function runPost(name, post, options = {}) {
  const log = options.log ?? runnerIO();
  try {
    await post();
    return "success";
  } catch (error2) {
    return report(`${name} (post)`, error2, log, options.failOnError ?? true);
  }
}
function report(name, error2, log, fail) {
  const kind = classifyError(error2);
  const where = errorLocation(error2);
  let message = formatError(error2);
  if (where.input && !where.file && !mentionsInput(message, where.input)) message = `Input '${where.input}': ${message}`;
  if (where.file && !message.includes(where.file)) {
    const position = [where.file, where.line, where.line ? where.column : void 0].filter((p) => p !== void 0);
    message = `${position.join(":")}: ${message}`;
  }
  message = redactSecrets(message);
  const properties = {
    title: kind === "user-error" ? `${name}: configuration error` : `${name} failed`
  };
  if (where.file) {
    properties.file = where.file;
    if (where.line) properties.startLine = where.line;
    if (where.line && where.column) properties.startColumn = where.column;
  }
  if (fail) {
    log.error(message, properties);
    log.markFailed();
  } else {
    log.warning(message, properties);
  }
  for (const line of describeForDebug(error2)) log.debug(redactSecrets(line));
  return kind;
}
function mentionsInput(message, input) {
  if (message.includes(`'${input}'`)) return true;
  if (!input.includes("-")) return false;
  const escaped = input.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^A-Za-z0-9-])${escaped}($|[^A-Za-z0-9-])`).test(message);
}
function describeForDebug(error2) {
  const lines = [];
  let current = error2;
  for (let depth = 0; current !== void 0 && current !== null && depth < 5; depth++) {
    const prefix = depth === 0 ? "" : "Caused by: ";
    if (current instanceof Error) {
      lines.push(prefix + (current.stack ?? `${current.name}: ${current.message}`));
      current = current.cause;
    } else {
      lines.push(prefix + String(current));
      break;
    }
  }
  return lines;
}
function cancellationSignal(target = process) {
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"]) {
    target.once(signal, () => controller.abort(new Error(`received ${signal}: the workflow was cancelled`)));
  }
  return controller.signal;
}

// src/core/workflow-run.ts
function readEvent(path) {
  if (!path || !existsSync(path)) return {};
  try {
    const v = JSON.parse(readFileSync(path, "utf8"));
    return typeof v === "object" && v !== null ? v : {};
  } catch {
    return {};
  }
}
function prNumberOf(event) {
  const valid = (n) => typeof n === "number" && Number.isSafeInteger(n) && n > 0;
  const pr = event.pull_request;
  if (valid(pr?.number)) return pr.number;
  const wr = event.workflow_run;
  const first = Array.isArray(wr?.pull_requests) ? wr.pull_requests[0] : void 0;
  if (valid(first?.number)) return first.number;
  const issue = event.issue;
  if (issue?.pull_request && valid(issue.number)) return issue.number;
  return void 0;
}
function readWorkflowRun(env = process.env) {
  const serverUrl = env.GITHUB_SERVER_URL ?? "https://github.com";
  const repository = env.GITHUB_REPOSITORY ?? "local/repository";
  const runId = env.GITHUB_RUN_ID ?? "local";
  const event = readEvent(env.GITHUB_EVENT_PATH);
  return {
    repository,
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? "1",
    runNumber: env.GITHUB_RUN_NUMBER,
    sha: env.GITHUB_SHA,
    ref: env.GITHUB_REF,
    workflow: env.GITHUB_WORKFLOW,
    job: env.GITHUB_JOB,
    eventName: env.GITHUB_EVENT_NAME,
    serverUrl,
    runUrl: env.GITHUB_RUN_ID ? `${serverUrl}/${repository}/actions/runs/${runId}` : void 0,
    prNumber: prNumberOf(event),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    runnerTemp: env.RUNNER_TEMP,
    event
  };
}
function lineageTags(run) {
  const tags = {
    "github.repository": run.repository,
    "github.run_id": run.runId,
    "github.run_attempt": run.runAttempt
  };
  if (run.sha) tags["github.commit"] = run.sha;
  if (run.ref) tags["github.ref"] = run.ref;
  if (run.runUrl) tags["github.run_url"] = run.runUrl;
  if (run.workflow) tags["github.workflow"] = run.workflow;
  if (run.prNumber !== void 0) tags["github.pr"] = String(run.prNumber);
  return tags;
}

// src/core/escape.ts
var ZWSP = "&#8203;";
var ENTITIES = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
  "*": "&#42;",
  _: "&#95;",
  "[": "&#91;",
  "]": "&#93;",
  "(": "&#40;",
  ")": "&#41;",
  "|": "&#124;",
  "\\": "&#92;",
  "~": "&#126;",
  "!": "&#33;",
  $: "&#36;",
  // followed by a zero-width space: mentions, e-mail autolinks
  "@": `&#64;${ZWSP}`
};
var INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/g;
var LINE_BREAKS = /[\r\n\t\u2028\u2029\u0085]+/g;
function cleanText(text) {
  return String(text ?? "").replace(LINE_BREAKS, " ").replace(INVISIBLE, "");
}
function truncateText(text, max) {
  if (max <= 0) return "";
  const points = [...text];
  if (points.length <= max) return text;
  return points.slice(0, Math.max(0, max - 1)).join("") + "\u2026";
}
function escapeText(text, maxLength) {
  let s = cleanText(text);
  if (maxLength !== void 0) s = truncateText(s, maxLength);
  return s.replace(/[&<>"'`*_[\]()|\\~!$@#]|:(?=\/\/)|\bwww\.|\bGH-(?=\d)/gi, (m, offset, all) => {
    if (m === "#") {
      return /\d/.test(all.charAt(offset + 1)) ? `&#35;${ZWSP}` : "&#35;";
    }
    if (m === ":") return `&#58;${ZWSP}`;
    if (m.length === 4 && m.endsWith(".")) return `${m.slice(0, 3)}${ZWSP}.`;
    if (m.length === 3) return `${m}${ZWSP}`;
    return ENTITIES[m];
  });
}
function code(text, maxLength = 200) {
  return `<code>${escapeText(text, maxLength)}</code>`;
}
function safeUrl(url) {
  if (typeof url !== "string" || url.trim() === "" || url.length > 4e3) return void 0;
  let parsed;
  try {
    parsed = new URL(url.trim());
  } catch {
    return void 0;
  }
  if (parsed.username || parsed.password) return void 0;
  const loopback = parsed.hostname === "localhost" || parsed.hostname === "127.0.0.1" || parsed.hostname === "[::1]";
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && loopback)) return void 0;
  return parsed.href.replace(/[()<>"'`\s\\|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}
function htmlTable(header, rows) {
  const row = (cells, tag) => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join("")}</tr>`;
  return `<table>${row(header, "th")}${rows.map((r) => row(r, "td")).join("")}</table>`;
}
function link(textHtml, url) {
  const href = safeUrl(url);
  return href ? `<a href="${href.replace(/&/g, "&amp;")}">${textHtml}</a>` : textHtml;
}
function mermaidLabel(text, maxLength = 60) {
  const s = cleanText(text).replace(/[^\p{L}\p{N} ._\-/+=:%,]/gu, " ").replace(/%{2,}/g, "%").replace(/\s+/g, " ").trim();
  return truncateText(s, maxLength) || "?";
}
function fencedBlock(content, info2 = "") {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${info2}
${content}
${fence}`;
}

// src/core/ledger.ts
function ledgerPath(env = process.env) {
  const dir = env.RUNNER_TEMP;
  return dir ? join(dir, "azureml-actions", "ledger.jsonl") : void 0;
}
function appendLedger(entry, env = process.env, now = () => /* @__PURE__ */ new Date()) {
  const path = ledgerPath(env);
  if (!path) return;
  mkdirSync(join(path, ".."), { recursive: true });
  appendFileSync(path, JSON.stringify({ ...entry, at: entry.at ?? now().toISOString() }) + "\n");
}
function readLedger(env = process.env) {
  const path = ledgerPath(env);
  if (!path || !existsSync2(path)) return [];
  const out = [];
  for (const line of readFileSync2(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (isObj(entry) && typeof entry.kind === "string") out.push(entry);
  }
  return out;
}

export {
  recordInputSource,
  createInputReader,
  parseDuration,
  formatDuration,
  StateKeys,
  stageIO,
  runEntry,
  readWorkflowRun,
  lineageTags,
  cleanText,
  truncateText,
  escapeText,
  code,
  safeUrl,
  htmlTable,
  link,
  mermaidLabel,
  fencedBlock,
  appendLedger,
  readLedger
};
