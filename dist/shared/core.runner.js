import {
  actionsInputSource,
  createInputReader
} from "./core.inputs.js";
import {
  isObj
} from "./core.obj.js";
import {
  ExitCode,
  debug,
  error,
  getState,
  group,
  info,
  notice,
  saveState,
  setOutput,
  setSecret,
  summary,
  warning
} from "./actions.js";
import {
  classifyError,
  errorLocation,
  formatError,
  redactSecrets
} from "./core.errors.js";

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

export {
  StateKeys,
  stageIO,
  runEntry
};
