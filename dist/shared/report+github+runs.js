const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { mkdirSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
import {
  VERDICT_CELL,
  explainRule,
  formatValue,
  renderGateCharts,
  renderMetricTable
} from "./report+metrics.js";
import {
  cleanText,
  code,
  escapeText,
  fencedBlock,
  link,
  readLedger,
  safeUrl,
  truncateText
} from "./core.escape.js";
import {
  formatDuration
} from "./core.inputs.js";
import {
  readWorkflowRun
} from "./core.workflow-run.js";
import {
  isObj
} from "./core.obj.js";
import {
  getProxyUrl,
  setSecret
} from "./actions.js";
import {
  ProxyAgent,
  fetch as fetch2,
  init_undici
} from "./tunnel.js";
import {
  ConfigurationError,
  assertNever
} from "./core.errors.js";

// src/runs/pr-summary.ts

// src/github/retry.ts
var DEFAULTS = { maxRetries: 3, retryDelayInMs: 1e3, maxRetryDelayInMs: 12e4 };
function header(e, name) {
  const v = e.response?.headers?.[name];
  return v === void 0 ? void 0 : String(v);
}
function responseMessage(e) {
  const data = e.response?.data;
  return `${typeof data?.message === "string" ? data.message : ""} ${e.message ?? ""}`;
}
function isIdempotent(request) {
  const method = (request.method ?? "GET").toUpperCase();
  if (method !== "POST") return true;
  return /\/graphql$/.test(String(request.url ?? ""));
}
function retryDecision(error, attempt, request, options = {}) {
  const o = { ...DEFAULTS, ...options };
  if (attempt >= o.maxRetries || typeof error !== "object" || error === null) return { retry: false };
  const e = error;
  const status = typeof e.status === "number" ? e.status : void 0;
  const retryAfter = header(e, "retry-after");
  const remaining = header(e, "x-ratelimit-remaining");
  const message = responseMessage(e);
  if (status === 403 || status === 429) {
    const secondary = /secondary rate limit|abuse detection/i.test(message) || retryAfter !== void 0 && remaining !== "0";
    if (secondary || status === 429 && remaining !== "0") {
      const seconds2 = retryAfter !== void 0 && /^\d+(\.\d+)?$/.test(retryAfter.trim()) ? Number(retryAfter) : 60;
      const delayInMs = Math.max(0, seconds2 * 1e3);
      if (delayInMs > o.maxRetryDelayInMs) {
        return {
          retry: false,
          error: new Error(`GitHub's secondary rate limit asks to wait ${seconds2} s, longer than the ${o.maxRetryDelayInMs / 1e3} s this step waits.`)
        };
      }
      return { retry: true, delayInMs, reason: "secondary-rate-limit" };
    }
    if (remaining === "0") {
      const reset = Number(header(e, "x-ratelimit-reset"));
      const now = (o.now ?? Date.now)();
      const delayInMs = Number.isFinite(reset) ? Math.max(0, reset * 1e3 - now) + 1e3 : Infinity;
      if (delayInMs > o.maxRetryDelayInMs) {
        const when = Number.isFinite(reset) ? ` It resets at ${new Date(reset * 1e3).toISOString()}.` : "";
        return { retry: false, error: new Error(`GitHub's API rate limit for this token is used up.${when}`) };
      }
      return { retry: true, delayInMs, reason: "rate-limit" };
    }
    return { retry: false };
  }
  const serverError = status === void 0 || status >= 500;
  if (serverError && isIdempotent(request)) {
    const jitter = 0.5 + (o.random ?? Math.random)() / 2;
    const delayInMs = Math.min(o.maxRetryDelayInMs, o.retryDelayInMs * 2 ** attempt * jitter);
    return { retry: true, delayInMs, reason: "server-error" };
  }
  return { retry: false };
}
function isRateLimitError(error) {
  if (typeof error !== "object" || error === null) return false;
  const e = error;
  if (e.status !== 403 && e.status !== 429) return false;
  return e.status === 429 || header(e, "retry-after") !== void 0 || header(e, "x-ratelimit-remaining") === "0" || /rate limit|abuse detection/i.test(responseMessage(e));
}
function installRetry(octokit, options = {}) {
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  octokit.hook.wrap("request", async (request, requestOptions) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(requestOptions);
      } catch (error) {
        const d = retryDecision(error, attempt, requestOptions, options);
        if (!d.retry) {
          if (d.error) {
            d.error.cause = error;
            throw d.error;
          }
          throw error;
        }
        options.onRetry?.({
          attempt: attempt + 1,
          delayInMs: d.delayInMs,
          reason: d.reason,
          status: error.status,
          method: String(requestOptions.method ?? "GET"),
          url: String(requestOptions.url ?? "")
        });
        await sleep(d.delayInMs);
      }
    }
  });
}

// src/github/client.ts
function isLoopback(url) {
  try {
    const h = new URL(url).hostname;
    return h === "127.0.0.1" || h === "localhost" || h === "[::1]";
  } catch {
    return false;
  }
}
async function createGitHubClient(options) {
  const { getOctokit } = await import("./actions-github.js");
  const env = options.env ?? process.env;
  const baseUrl = (options.baseUrl ?? env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, "");
  const log = options.log;
  const octokit = getOctokit(options.token, {
    baseUrl,
    userAgent: options.userAgent ?? "azureml-actions/pr-summary",
    // @actions/github picks its proxy-aware fetch for the API URL it saw when loaded; a loopback
    // server (tests, a local stand-in) never goes through a proxy
    ...isLoopback(baseUrl) ? { request: { fetch: globalThis.fetch } } : {},
    log: {
      debug: (m) => log?.debug(m),
      info: (m) => log?.debug(m),
      warn: (m) => log?.warning(m),
      error: (m) => log?.debug(m)
    }
  });
  installRetry(octokit, options.retry);
  return octokit;
}

// src/github/comments.ts
var CommentWriteForbiddenError = class extends Error {
  constructor(message, status = 403) {
    super(message);
    this.status = status;
  }
  status;
  name = "CommentWriteForbiddenError";
};
function isCommentWriteForbidden(error) {
  return error instanceof CommentWriteForbiddenError || typeof error === "object" && error !== null && error.name === "CommentWriteForbiddenError";
}
var ACTIONS_BOT_LOGIN = "github-actions[bot]";
function statusOf(error) {
  const s = error?.status;
  return typeof s === "number" ? s : void 0;
}
function apiMessage(error) {
  const data = error?.response?.data;
  if (typeof data?.message === "string") return data.message;
  return error instanceof Error ? error.message : String(error);
}
function toComment(c) {
  return {
    id: c.id,
    nodeId: c.node_id,
    body: c.body ?? "",
    author: c.user?.login ?? void 0,
    authorType: c.user?.type ?? void 0,
    url: c.url,
    htmlUrl: c.html_url,
    createdAt: c.created_at,
    updatedAt: c.updated_at
  };
}
function createCommentsApi(octokit, options) {
  const { owner, repo } = options;
  const perPage = Math.min(100, Math.max(1, options.perPage ?? 100));
  const debug = options.debug ?? (() => {
  });
  const where = `${owner}/${repo}`;
  const tokenRefused = (error) => new ConfigurationError(`GitHub refused the token (${statusOf(error)} ${apiMessage(error)}).`, {
    input: "github-token",
    hint: "Give a valid token in github-token (the default, the workflow's GITHUB_TOKEN, needs `permissions: pull-requests: write`).",
    cause: error
  });
  const writeError = (error, what) => {
    const status = statusOf(error);
    if (status === 401) return tokenRefused(error);
    if (isRateLimitError(error)) {
      return new Error(`Could not ${what}: GitHub's rate limit still refused it after the retries (${status} ${apiMessage(error)}).`, { cause: error });
    }
    if (status === 403) return new CommentWriteForbiddenError(`GitHub refused to ${what} (403 ${apiMessage(error)}).`);
    return error;
  };
  return {
    async identity() {
      try {
        const { data } = await octokit.rest.users.getAuthenticated();
        return { login: data.login, source: "user" };
      } catch (error) {
        const status = statusOf(error);
        if (status === 401) throw tokenRefused(error);
        if (status !== 403 && status !== 404) throw error;
        debug(`GET /user answered ${status} (an app installation token): asking GraphQL viewer`);
      }
      try {
        const data = await octokit.graphql("query { viewer { login } }");
        const login = data.viewer?.login;
        if (login) return { login, source: "viewer" };
      } catch (error) {
        debug(`GraphQL viewer failed (${apiMessage(error)}): assuming ${ACTIONS_BOT_LOGIN}`);
      }
      return { login: ACTIONS_BOT_LOGIN, source: "default" };
    },
    listComments(issueNumber) {
      const iterator = octokit.paginate.iterator(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: perPage });
      return {
        async *[Symbol.asyncIterator]() {
          try {
            for await (const page of iterator) yield page.data.map(toComment);
          } catch (error) {
            const status = statusOf(error);
            if (status === 401) throw tokenRefused(error);
            if (status === 404) {
              throw new ConfigurationError(`Pull request #${issueNumber} was not found in ${where} (404), or the token cannot read it.`, {
                input: "pr-number",
                hint: "Check pr-number (or the event that gives it) and that the token can read the repository.",
                cause: error
              });
            }
            throw error;
          }
        }
      };
    },
    async createComment(issueNumber, body) {
      try {
        const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
        return toComment(data);
      } catch (error) {
        throw writeError(error, `create a comment on #${issueNumber} in ${where}`);
      }
    },
    async updateComment(commentId, body) {
      try {
        const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: commentId, body });
        return toComment(data);
      } catch (error) {
        throw writeError(error, `update comment ${commentId} in ${where}`);
      }
    },
    async deleteComment(commentId) {
      try {
        await octokit.rest.issues.deleteComment({ owner, repo, comment_id: commentId });
      } catch (error) {
        if (statusOf(error) === 404) return;
        throw writeError(error, `delete comment ${commentId} in ${where}`);
      }
    },
    async minimizeComment(nodeId, reason) {
      try {
        await octokit.graphql(
          "mutation($subjectId: ID!, $classifier: ReportedContentClassifiers!) { minimizeComment(input: { subjectId: $subjectId, classifier: $classifier }) { minimizedComment { isMinimized } } }",
          { subjectId: nodeId, classifier: reason }
        );
      } catch (error) {
        throw writeError(error, `hide comment ${nodeId}`);
      }
    },
    async findOpenPullRequest(headOwner, branch, sha) {
      const { data } = await octokit.rest.pulls.list({ owner, repo, state: "open", head: `${headOwner}:${branch}`, per_page: 10 });
      const match = data.find((pr) => !sha || pr.head?.sha === sha) ?? void 0;
      return match?.number;
    }
  };
}

// src/github/sticky.ts
var COMMENT_MODES = ["update", "recreate", "append", "hide-previous"];
var APPEND_SEPARATOR = "\n\n---\n<!-- azureml-actions:pr-summary:next-run -->\n\n";
var silent = { info: () => {
}, warning: () => {
}, debug: () => {
} };
function hasMarker(body, marker) {
  return body.trimStart().startsWith(marker);
}
function withoutMarker(body, marker) {
  const b = body.trimStart();
  return b.startsWith(marker) ? b.slice(marker.length).replace(/^\r?\n/, "") : b;
}
function appendBody(previous, body, marker, maxLength) {
  const sections = withoutMarker(previous.replace(/\r\n/g, "\n"), marker).split(APPEND_SEPARATOR).filter((s) => s.trim() !== "");
  sections.push(withoutMarker(body, marker));
  const compose2 = () => `${marker}
${sections.join(APPEND_SEPARATOR)}`;
  while (sections.length > 1 && compose2().length > maxLength) sections.shift();
  return compose2();
}
async function postStickyComment(api, options) {
  const log = options.log ?? silent;
  const mode = options.mode ?? "update";
  const maxLength = options.maxLength ?? 65e3;
  const { marker, issueNumber } = options;
  if (!hasMarker(options.body, marker)) throw new RangeError("the comment body must start with its marker");
  const me = await api.identity();
  log.debug(
    `comment author to match: ${me.login} (from ${me.source === "user" ? "GET /user" : me.source === "viewer" ? "GraphQL viewer" : "the GITHUB_TOKEN default"})`
  );
  const mine = [];
  const ignored = [];
  let scanned = 0;
  let pages = 0;
  for await (const page of api.listComments(issueNumber)) {
    pages += 1;
    scanned += page.length;
    for (const c of page) {
      if (!hasMarker(c.body, marker)) continue;
      if (c.author !== void 0 && c.author.toLowerCase() === me.login.toLowerCase()) mine.push(c);
      else ignored.push(c);
    }
  }
  log.info(`PR #${issueNumber}: ${scanned} comment(s) read in ${pages} page(s); ${mine.length} earlier report(s) by ${me.login}.`);
  for (const c of ignored) log.info(`Comment ${c.id} carries the marker but was written by ${c.author ?? "an unknown user"}, not ${me.login}: left alone.`);
  const latest = mine[mine.length - 1];
  if (!latest) {
    const comment = await api.createComment(issueNumber, options.body);
    log.info(`Created comment ${comment.id}: ${comment.htmlUrl}`);
    return { modeUsed: "create", comment, previous: [], ignored, identity: me.login, scanned };
  }
  switch (mode) {
    case "update": {
      if (mine.length > 1) log.info(`${mine.length} earlier reports found: updating the latest (${latest.id}).`);
      const comment = latest.body === options.body ? latest : await api.updateComment(latest.id, options.body);
      log.info(`Updated comment ${comment.id}: ${comment.htmlUrl}`);
      return { modeUsed: "update", comment, previous: mine, ignored, identity: me.login, scanned };
    }
    case "append": {
      const body = appendBody(latest.body, options.body, marker, maxLength);
      const comment = await api.updateComment(latest.id, body);
      log.info(`Appended this run's report to comment ${comment.id}: ${comment.htmlUrl}`);
      return { modeUsed: "append", comment, previous: mine, ignored, identity: me.login, scanned };
    }
    case "recreate": {
      const comment = await api.createComment(issueNumber, options.body);
      for (const old of mine) await api.deleteComment(old.id);
      log.info(`Created comment ${comment.id} and deleted ${mine.length} earlier one(s): ${comment.htmlUrl}`);
      return { modeUsed: "recreate", comment, previous: mine, ignored, identity: me.login, scanned };
    }
    case "hide-previous": {
      const comment = await api.createComment(issueNumber, options.body);
      let hidden = 0;
      for (const old of mine) {
        try {
          await api.minimizeComment(old.nodeId, "OUTDATED");
          hidden += 1;
        } catch (error) {
          log.warning(`Could not hide the earlier report ${old.id}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      log.info(`Created comment ${comment.id} and hid ${hidden} earlier one(s) as outdated: ${comment.htmlUrl}`);
      return { modeUsed: "hide-previous", comment, previous: mine, ignored, identity: me.login, scanned };
    }
    default:
      return assertNever(mode, "comment mode");
  }
}

// src/report/data.ts
var str = (v) => typeof v === "string" && v.trim() !== "" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : void 0;
var bool = (v) => typeof v === "boolean" ? v : v === "true" ? true : v === "false" ? false : void 0;
function jsonNumber(v) {
  if (typeof v === "number") return v;
  if (v === null) return NaN;
  if (typeof v === "string") {
    if (v === "NaN") return NaN;
    if (v === "Infinity" || v === "\u221E") return Infinity;
    if (v === "-Infinity" || v === "\u2212\u221E") return -Infinity;
    if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v.trim())) return Number(v);
  }
  return void 0;
}
function pick(o, ...keys) {
  for (const k of keys) {
    const v = str(o[k]);
    if (v !== void 0) return v;
  }
  return void 0;
}
function parseMaybeJson(v) {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (!t.startsWith("{") && !t.startsWith("[")) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}
function unwrapOutputs(o) {
  return isObj(o.outputs) ? { ...o.outputs } : o;
}
function toReportSchedule(v) {
  if (!isObj(v)) return void 0;
  const name = str(v.name);
  const status = str(v.status);
  if (!name || !status) return void 0;
  const jobType = str(v.jobType);
  const trigger = str(v.trigger);
  const jobFile = str(v.jobFile);
  return {
    name,
    status,
    enabled: v.enabled !== false,
    nextRuns: Array.isArray(v.nextRuns) ? v.nextRuns.map(str).filter((x) => x !== void 0) : [],
    ...jobType ? { jobType } : {},
    ...trigger ? { trigger } : {},
    ...jobFile ? { jobFile } : {}
  };
}
function toReportJob(v) {
  if (!isObj(v)) return void 0;
  const o = unwrapOutputs(v);
  const name = pick(o, "jobName", "job-name", "name");
  if (!name) return void 0;
  return {
    name,
    type: pick(o, "jobType", "job-type", "type"),
    status: pick(o, "status") ?? "Unknown",
    studioUrl: pick(o, "studioUrl", "studio-url"),
    experiment: pick(o, "experimentName", "experiment-name"),
    jobFile: pick(o, "jobFile", "job-file"),
    error: pick(o, "error"),
    dryRun: bool(o.dryRun) ?? (o.status === "DryRun" ? true : void 0),
    reattached: bool(o.reattached),
    ...typeof o.children === "number" && o.children >= 0 ? { children: o.children } : {},
    ...pick(o, "bestChild", "best-child") ? { bestChild: pick(o, "bestChild", "best-child") } : {},
    ...pick(o, "primaryMetric", "primary-metric") ? { primaryMetric: pick(o, "primaryMetric", "primary-metric") } : {}
  };
}
function toSummary(v) {
  if (!isObj(v)) return void 0;
  const count = typeof v.count === "number" && v.count >= 0 ? v.count : 0;
  const out = { count };
  const last = jsonNumber(v.last);
  if (last !== void 0 && count > 0) out.last = last;
  const lastStep = jsonNumber(v.lastStep);
  if (lastStep !== void 0 && Number.isFinite(lastStep)) out.lastStep = lastStep;
  const min = jsonNumber(v.min);
  if (min !== void 0 && count > 0) out.min = min;
  const max = jsonNumber(v.max);
  if (max !== void 0 && count > 0) out.max = max;
  return out;
}
function toSummaries(v) {
  const out = {};
  if (!isObj(v)) return out;
  for (const [name, s] of Object.entries(v)) {
    const m = toSummary(s);
    if (m) out[name] = m;
  }
  return out;
}
var VERDICTS = /* @__PURE__ */ new Set(["passed", "failed", "skipped"]);
var OPS = /* @__PURE__ */ new Set([">=", ">", "<=", "<", "==", "!="]);
function toRuleReport(v, index) {
  if (!isObj(v) || typeof v.rule !== "string" || !VERDICTS.has(v.verdict)) return void 0;
  const comparisons = (Array.isArray(v.comparisons) ? v.comparisons : []).filter(isObj).filter((c) => typeof c.text === "string" && VERDICTS.has(c.verdict)).map((c) => ({
    text: c.text,
    verdict: c.verdict,
    left: jsonNumber(c.left),
    right: jsonNumber(c.right),
    ...typeof c.reason === "string" ? { reason: c.reason } : {},
    ...OPS.has(c.op) ? { op: c.op } : {}
  }));
  return {
    rule: v.rule,
    ...typeof v.label === "string" ? { label: v.label } : {},
    line: typeof v.line === "number" ? v.line : index + 1,
    verdict: v.verdict,
    left: jsonNumber(v.left),
    right: jsonNumber(v.right),
    ...OPS.has(v.op) ? { op: v.op } : {},
    ...typeof v.reason === "string" ? { reason: v.reason } : {},
    comparisons
  };
}
function toGateReport(v) {
  const o = parseMaybeJson(v);
  if (!isObj(o) || !Array.isArray(o.rules)) return void 0;
  const rules = o.rules.map(toRuleReport).filter((r) => r !== void 0);
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const r of rules) counts[r.verdict]++;
  const source = isObj(o.source) ? o.source : {};
  const settings = isObj(o.settings) ? o.settings : {};
  const b = isObj(o.baseline) ? o.baseline : void 0;
  const passed = typeof o.passed === "boolean" ? o.passed : counts.failed === 0;
  return {
    version: 1,
    passed,
    enforced: typeof o.enforced === "boolean" ? o.enforced : true,
    counts,
    source: { kind: str(source.kind) ?? "unknown", description: str(source.description) ?? "" },
    ...b ? {
      baseline: {
        spec: str(b.spec) ?? "",
        found: b.found === true,
        ...str(b.description) ? { description: str(b.description) } : {},
        ...str(b.reason) ? { reason: str(b.reason) } : {},
        ...isObj(b.metrics) ? { metrics: toSummaries(b.metrics) } : {}
      }
    } : {},
    settings: {
      missingMetric: settings.missingMetric === "skip" ? "skip" : "fail",
      requireBaseline: settings.requireBaseline === true,
      failOnViolation: settings.failOnViolation !== false
    },
    rules,
    metrics: toSummaries(o.metrics)
  };
}
function toHistories(v) {
  if (!isObj(v)) return void 0;
  const out = {};
  for (const [name, points] of Object.entries(v)) {
    if (!Array.isArray(points)) continue;
    const h = [];
    for (const p of points) {
      const step = Array.isArray(p) ? jsonNumber(p[0]) : isObj(p) ? jsonNumber(p.step) : void 0;
      const value = Array.isArray(p) ? jsonNumber(p[1]) : isObj(p) ? jsonNumber(p.value) : void 0;
      if (step === void 0 || value === void 0 || !Number.isFinite(step)) continue;
      h.push({ step, value });
    }
    if (h.length > 0) out[name] = h;
  }
  return Object.keys(out).length > 0 ? out : void 0;
}
function toReportGate(v) {
  const o = parseMaybeJson(v);
  if (!isObj(o)) return void 0;
  const outer = unwrapOutputs(o);
  const report = toGateReport(outer.report ?? outer);
  if (!report) return void 0;
  const passed = bool(outer.passed) ?? report.passed;
  const inner = parseMaybeJson(outer.report);
  return {
    passed,
    source: pick(outer, "source") ?? (report.source.description || void 0),
    baseline: pick(outer, "baseline") ?? report.baseline?.description,
    report,
    histories: toHistories(outer.histories ?? (isObj(inner) ? inner.histories : void 0))
  };
}
function toReportModel(v) {
  if (!isObj(v)) return void 0;
  const o = unwrapOutputs(v);
  const name = pick(o, "name", "model-name", "modelName");
  const version = pick(o, "version", "model-version", "modelVersion");
  if (!name || !version) return void 0;
  return {
    name,
    version,
    id: pick(o, "id", "model-id", "modelId", "asset-id", "assetId"),
    created: bool(o.created),
    studioUrl: pick(o, "studioUrl", "studio-url")
  };
}
function isTimeline(v) {
  return isObj(v) && typeof v.deployment === "string" && Array.isArray(v.stages) && typeof v.phase === "string";
}
function toTimeline(v) {
  const o = parseMaybeJson(v);
  if (!isTimeline(o)) return void 0;
  const stages = o.stages.filter((s) => isObj(s) && typeof s.name === "string" && typeof s.weight === "number");
  const events = (Array.isArray(o.events) ? o.events : []).filter((e) => isObj(e) && typeof e.message === "string");
  return {
    ...o,
    stages: stages.map((s) => ({
      ...s,
      traffic: isObj(s.traffic) ? s.traffic : {},
      mirror: isObj(s.mirror) ? s.mirror : {},
      checks: Array.isArray(s.checks) ? s.checks.filter(isObj) : []
    })),
    events
  };
}
function toReportRollout(v) {
  const o0 = parseMaybeJson(v);
  if (!isObj(o0)) return void 0;
  const o = unwrapOutputs(o0);
  const timeline = toTimeline(o.timeline) ?? toTimeline(o);
  const deployment = pick(o, "deployment", "deployment-name", "deploymentName") ?? timeline?.deployment;
  if (!deployment) return void 0;
  const status = pick(o, "outcome", "status") ?? timeline?.outcome ?? (timeline ? timeline.phase : void 0) ?? "unknown";
  const batch = toBatchRecord(o.batch) ?? batchFromOutputs(o);
  return { endpoint: pick(o, "endpoint", "endpoint-name", "endpointName"), deployment, status, timeline, ...batch ? { batch } : {} };
}
function batchFromOutputs(o) {
  const t = parseMaybeJson(o.timeline);
  if (!isObj(t) || t.kind !== "batch") return void 0;
  const comparison = parseMaybeJson(o.comparison);
  const record = toBatchRecord({ stages: t.stages, ...isObj(comparison) ? { comparison } : {} });
  if (!record) return void 0;
  const dflt = pick(o, "default-deployment", "defaultDeployment");
  const job = pick(o, "test-job", "testJob");
  const output = pick(o, "test-output", "testOutput");
  return { ...record, ...dflt ? { defaultDeployment: dflt } : {}, ...job ? { testJob: job } : {}, ...output ? { testOutput: output } : {} };
}
function toBatchRecord(v) {
  if (!isObj(v) || !Array.isArray(v.stages)) return void 0;
  const stages = v.stages.filter((st) => isObj(st) && typeof st.name === "string" && typeof st.result === "string");
  const c = v.comparison;
  const comparison = isObj(c) && typeof c.rows === "number" && typeof c.baselineRows === "number" && typeof c.matched === "number" && Array.isArray(c.rules) ? c : void 0;
  return { ...v, stages, ...comparison ? { comparison } : { comparison: void 0 } };
}
var INPUT_SHAPES = {
  jobs: {
    convert: toReportJob,
    expected: `submit-job's outputs, e.g. {"job-name": "...", "status": "Completed", "studio-url": "https://..."}`
  },
  "gate-reports": {
    convert: toReportGate,
    expected: `metric-gate's 'report' output (an object with 'rules' and 'metrics'), or {"passed": ..., "report": ...}`
  },
  models: {
    convert: toReportModel,
    expected: `register-model's outputs, e.g. {"model-name": "...", "model-version": "3", "studio-url": "https://..."}`
  },
  rollouts: {
    convert: toReportRollout,
    expected: `deploy's outputs, e.g. {"endpoint": "...", "deployment": "...", "status": "promoted", "timeline": {...}}, or the timeline itself`
  }
};
function parseReportInput(name, value) {
  if (value === void 0 || value === null) return [];
  const shape = INPUT_SHAPES[name];
  const list = Array.isArray(value) ? value : [value];
  return list.map((raw, i) => {
    const item = shape.convert(parseMaybeJson(raw));
    if (item === void 0) {
      const where = Array.isArray(value) ? ` item ${i + 1}` : "";
      throw new ConfigurationError(
        `Input '${name}'${where} is not a ${name === "gate-reports" ? "gate report" : name.replace(/s$/, "")} this action can read.`,
        {
          input: name,
          hint: `Expected ${shape.expected}, or an array of them.`
        }
      );
    }
    return item;
  });
}
function collectReportData(ledger, inputs = {}) {
  const jobs = [];
  const gates = [];
  const models = [];
  const rollouts = [];
  const schedules = [];
  for (const entry of ledger) {
    switch (entry.kind) {
      case "schedule": {
        const sc = toReportSchedule(entry);
        if (sc) schedules.push(sc);
        break;
      }
      case "job": {
        const j = toReportJob(entry);
        if (j) jobs.push(j);
        break;
      }
      case "gate": {
        const g = toReportGate(entry);
        if (g) gates.push(g);
        break;
      }
      case "model": {
        const m = toReportModel(entry);
        if (m) models.push(m);
        break;
      }
      case "rollout": {
        const r = toReportRollout(entry);
        if (r) rollouts.push(r);
        break;
      }
      case "monitor": {
        const r = [...rollouts].reverse().find((x) => x.deployment === entry.deployment && (x.endpoint ?? entry.endpoint) === entry.endpoint);
        if (r && typeof entry.name === "string")
          r.monitor = {
            name: entry.name,
            signals: Array.isArray(entry.signals) ? entry.signals.map(String) : [],
            created: entry.created === true,
            previousDeployment: entry.previousDeployment
          };
        break;
      }
      default:
        break;
    }
  }
  jobs.push(...inputs.jobs ?? []);
  gates.push(...inputs.gates ?? []);
  models.push(...inputs.models ?? []);
  rollouts.push(...inputs.rollouts ?? []);
  return {
    jobs: dedupe(
      jobs,
      (j) => j.name,
      (a, b) => ({ ...a, ...dropUndefined(b) })
    ),
    gates: dedupe(gates, (g) => JSON.stringify([g.report.source, g.report.rules.map((r) => [r.rule, r.verdict, r.left]), g.passed])),
    models: dedupe(
      models,
      (m) => `${m.name}:${m.version}`,
      (a, b) => ({ ...a, ...dropUndefined(b) })
    ),
    rollouts: dedupe(rollouts, (r) => `${r.endpoint ?? ""}/${r.deployment}/${r.timeline?.startedAt ?? ""}`),
    schedules: dedupe(
      schedules,
      (sc) => sc.name,
      (_a, b) => b
    )
  };
}
function isEmptyReport(d) {
  return d.jobs.length + d.gates.length + d.models.length + d.rollouts.length + (d.schedules?.length ?? 0) === 0;
}
function dropUndefined(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== void 0));
}
function dedupe(items, key, merge = (_a, b) => b) {
  const index = /* @__PURE__ */ new Map();
  const out = [];
  for (const item of items) {
    const k = key(item);
    const at = index.get(k);
    if (at === void 0) {
      index.set(k, out.length);
      out.push(item);
    } else {
      out[at] = merge(out[at], item);
    }
  }
  return out;
}

// src/report/rollout.ts
var num = (v) => typeof v === "number" && Number.isFinite(v) ? v : void 0;
var STATUS = {
  promoted: "\u2705 promoted",
  succeeded: "\u2705 promoted",
  "rolled-back": "\u21A9\uFE0F rolled back",
  rolledback: "\u21A9\uFE0F rolled back",
  failed: "\u274C failed"
};
function rolloutStatusLabel(status) {
  return STATUS[status.toLowerCase()] ?? `\u23F3 ${escapeText(status, 40)}`;
}
var STAGE_RESULT = {
  passed: "\u2705 passed",
  skipped: "\u23ED\uFE0F skipped",
  failed: "\u274C failed",
  aborted: "\u26D4 aborted",
  baking: "\u23F3 baking",
  pending: "\u23F8\uFE0F pending"
};
function trafficCell(map, suffix = "") {
  if (!isObj(map)) return "\u2014";
  const parts = Object.entries(map).filter(([, v]) => typeof v === "number" && v !== 0).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${code(k, 60)} ${String(v)}${suffix}`);
  return parts.length > 0 ? parts.join(" \xB7 ") : "\u2014";
}
function pct(v) {
  const p = v * 100;
  return `${p === 0 ? "0" : p < 0.1 ? p.toPrecision(1) : Number(p.toFixed(p < 10 ? 2 : 1))}%`;
}
function healthValues(check) {
  if (!check) return "\u2014";
  const s = isObj(check.signals) ? check.signals : void 0;
  const parts = [];
  if (s) {
    const requests = num(s.requests);
    if (requests !== void 0) parts.push(`${requests.toLocaleString("en-US")} req`);
    const err = num(s.error_rate);
    if (err !== void 0) parts.push(`errors ${pct(err)}`);
    const p95 = num(s.latency_p95);
    if (p95 !== void 0) parts.push(`p95 ${Math.round(p95)} ms`);
    const p99 = num(s.latency_p99);
    if (p99 !== void 0) parts.push(`p99 ${Math.round(p99)} ms`);
  }
  const text2 = parts.length > 0 ? parts.join(" \xB7 ") : "no values";
  return check.healthy ? text2 : `${text2} \u26A0\uFE0F`;
}
function checksCell(stage) {
  const checks = stage.checks ?? [];
  if (checks.length === 0) return "\u2014";
  const healthy = checks.filter((c) => c.healthy).length;
  return `${healthy}/${checks.length} healthy`;
}
function bakeCell(stage) {
  const ms = num(stage.bakeMs);
  return ms === void 0 ? "\u2014" : formatDuration(ms);
}
function unhealthyReasons(stage, max = 2) {
  return (stage.checks ?? []).filter((c) => !c.healthy && typeof c.reason === "string").slice(-max).map((c) => escapeText(c.reason, 200));
}
var pctOf = (v) => typeof v === "number" && Number.isFinite(v) ? `${Number((v * 100).toFixed(1))}%` : "\u2014";
function renderBatchRollout(r, options = {}) {
  const h = "#".repeat(Math.min(6, Math.max(1, options.headingLevel ?? 3)));
  const b = r.batch;
  const where = r.endpoint ? ` on batch endpoint ${code(r.endpoint, 80)}` : "";
  const lines = [`${h} \u{1F680} Rollout of ${code(r.deployment, 80)}${where}: ${rolloutStatusLabel(r.status)}`];
  if (typeof b.reason === "string" && b.reason && r.status !== "promoted") lines.push("", `> ${escapeText(b.reason, 500)}`);
  const stages = b.stages.slice(0, options.maxStages ?? 20);
  if (stages.length > 0) {
    lines.push("", "| Stage | Result | Detail |", "| :-- | :-- | :-- |");
    for (const s of stages)
      lines.push(`| ${escapeText(s.name, 40)} | ${STAGE_RESULT[s.result] ?? escapeText(s.result, 20)} | ${escapeText(s.detail ?? "", 300) || "\u2014"} |`);
  }
  const facts = [
    `Default deployment: ${b.priorDefault ? code(b.priorDefault, 60) : "\u2014"} \u2192 ${b.defaultDeployment ? code(b.defaultDeployment, 60) : "\u2014"}`
  ];
  if (b.testJob) {
    const rows = num(b.rows) !== void 0 ? `, ${String(b.rows)}${num(b.expectedRows) !== void 0 ? `/${String(b.expectedRows)}` : ""} rows` : "";
    facts.push(`test batch ${code(b.testJob, 80)}${rows}`);
  }
  lines.push("", facts.join(" \xB7 "));
  const c = b.comparison;
  if (c) {
    const verdicts = c.rules.map((x) => `${escapeText(x.rule, 80)} ${x.verdict === "passed" ? "\u2705" : x.verdict === "failed" ? "\u274C" : "\u23ED\uFE0F"}`).join(" \xB7 ");
    lines.push(
      "",
      `Shadow comparison with the prior default: ${String(c.matched)}/${String(Math.max(c.rows, c.baselineRows))} rows matched, agreement ${pctOf(c.agreement)}, mean abs. difference ${num(c.mad) !== void 0 ? String(Number(c.mad.toPrecision(4))) : "\u2014"}${verdicts ? ` \xB7 ${verdicts}` : ""}`
    );
  }
  return lines.join("\n");
}
function renderRollout(r, options = {}) {
  if (r.batch) return renderBatchRollout(r, options);
  const h = "#".repeat(Math.min(6, Math.max(1, options.headingLevel ?? 3)));
  const t = r.timeline;
  const where = r.endpoint ? ` on ${code(r.endpoint, 80)}` : "";
  const lines = [`${h} \u{1F680} Rollout of ${code(r.deployment, 80)}${where}: ${rolloutStatusLabel(r.status)}`];
  if (!t) {
    lines.push("", "<sub>No timeline was recorded for this rollout.</sub>");
    return lines.join("\n");
  }
  if (typeof t.reason === "string" && t.reason && r.status !== "promoted") lines.push("", `> ${escapeText(t.reason, 500)}`);
  const maxStages = options.maxStages ?? 20;
  if (t.stages.length > 0) {
    lines.push("", "| Stage | Live traffic | Mirror | Bake | Checks | Health (last check) | Result |", "| :-- | :-- | :-- | --: | :-- | :-- | :-- |");
    for (const s of t.stages.slice(0, maxStages)) {
      const last = s.checks?.[s.checks.length - 1];
      lines.push(
        `| ${escapeText(s.name, 40)} | ${trafficCell(s.traffic)} | ${trafficCell(s.mirror, "%")} | ${bakeCell(s)} | ${checksCell(s)} | ${healthValues(last)} | ${STAGE_RESULT[s.result] ?? escapeText(s.result, 20)} |`
      );
    }
    if (t.stages.length > maxStages) lines.push("", `<sub>${t.stages.length - maxStages} more stage(s) in the full report.</sub>`);
    const reasons = t.stages.flatMap((s) => unhealthyReasons(s).map((why) => `${escapeText(s.name, 40)}: ${why}`));
    if (reasons.length > 0) lines.push("", ...reasons.slice(0, 5).map((x) => `- \u26A0\uFE0F ${x}`));
  } else {
    lines.push("", `<sub>No traffic stage was reached (phase ${escapeText(t.phase, 30)}).</sub>`);
  }
  const facts = [];
  if (t.prior || t.final) facts.push(`Traffic: ${trafficCell(t.prior?.traffic)} \u2192 ${trafficCell(t.final?.traffic)}`);
  const total = num(t.totalMs);
  if (total !== void 0) {
    const bake = num(t.bakeMs) ?? 0;
    const overhead = num(t.overheadMs) ?? 0;
    facts.push(`took ${formatDuration(total)} (bakes ${formatDuration(bake)}, overhead ${formatDuration(overhead)})`);
  }
  if (facts.length > 0) lines.push("", facts.join(" \xB7 "));
  if (r.monitor) {
    const m = r.monitor;
    const how = m.created ? "created" : m.previousDeployment ? `moved from ${code(m.previousDeployment, 80)}` : "updated";
    lines.push("", `\u{1F4C8} Monitored by ${code(m.name, 80)} (${how})${m.signals.length ? `: ${m.signals.map((x) => code(x, 60)).join(", ")}` : ""}`);
  }
  if (isObj(t.rollback)) {
    const rb = t.rollback;
    const restored = num(rb.restoreMs) !== void 0 ? `; traffic restored in ${formatDuration(rb.restoreMs)}` : "; traffic not confirmed restored";
    lines.push("", `\u21A9\uFE0F **Rolled back** from ${escapeText(rb.from, 30)}: ${escapeText(rb.reason, 300)}${restored}.`);
  }
  return lines.join("\n");
}
function renderRolloutEvents(r, max = 100) {
  const events = r.timeline?.events ?? [];
  if (events.length === 0) return "";
  const shown = events.slice(-max);
  const lines = [`Events of ${code(r.deployment, 80)}${events.length > shown.length ? ` (last ${shown.length} of ${events.length})` : ""}:`, ""];
  for (const e of shown) {
    const at = typeof e.at === "string" ? e.at.replace(/\.\d+Z$/, "Z") : "";
    lines.push(`- ${escapeText(at, 30)} ${escapeText(e.kind, 20)}: ${escapeText(e.message, 300)}`);
  }
  return lines.join("\n");
}

// src/report/comment.ts
var DEFAULT_MAX_LENGTH = 65e3;
var JOB_SUMMARY_LIMIT = 1048576;
var MARKER_PREFIX = "azureml-actions:pr-summary:";
function isValidHeader(header2) {
  return /^[A-Za-z0-9._/:-]{1,100}$/.test(header2) && !header2.includes("--");
}
function commentMarker(header2) {
  if (!isValidHeader(header2)) throw new RangeError(`invalid comment header '${header2}'`);
  return `<!-- ${MARKER_PREFIX}${header2} -->`;
}
var LEVELS = [
  { json: true, details: "all", snapshotRows: 200, events: 100, charts: true, metricRows: 25, stages: 20 },
  { json: false, details: "all", snapshotRows: 200, events: 100, charts: true, metricRows: 25, stages: 20 },
  { json: false, details: "all", snapshotRows: 50, events: 30, charts: true, metricRows: 25, stages: 20 },
  { json: false, details: "all", snapshotRows: 20, events: 0, charts: true, metricRows: 25, stages: 20 },
  { json: false, details: "rules-only", snapshotRows: 0, events: 0, charts: true, metricRows: 25, stages: 20 },
  { json: false, details: "none", snapshotRows: 0, events: 0, charts: true, metricRows: 25, stages: 20 },
  { json: false, details: "none", snapshotRows: 0, events: 0, charts: false, metricRows: 25, stages: 20 },
  { json: false, details: "none", snapshotRows: 0, events: 0, charts: false, metricRows: 10, stages: 5 }
];
function renderReport(data, options = {}) {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  for (let level = 0; level < LEVELS.length; level++) {
    const body = compose(data, options, LEVELS[level], level > 0);
    if (body.length <= maxLength) return { body, truncated: level > 0, level };
  }
  const smallest = compose(data, options, LEVELS[LEVELS.length - 1], true);
  const note = `

\u2026

<sub>\u2702\uFE0F Cut to fit GitHub's comment size limit.${options.fullReportNote ? ` ${escapeText(options.fullReportNote)}` : ""}</sub>
`;
  const room = Math.max(0, maxLength - note.length);
  let cut2 = smallest.slice(0, room);
  const nl = cut2.lastIndexOf("\n");
  if (nl > room / 2) cut2 = cut2.slice(0, nl);
  cut2 = cut2.replace(/&[#a-zA-Z0-9]*$/, "").replace(/[\ud800-\udbff]$/, "");
  return { body: (cut2 + note).slice(0, maxLength), truncated: true, level: LEVELS.length };
}
function compose(data, options, budget, shortened) {
  const parts = [];
  if (options.header !== void 0) parts.push(commentMarker(options.header));
  parts.push(`## ${escapeText(options.title ?? "Azure ML report", 200)}`);
  if (isEmptyReport(data)) {
    parts.push(
      "Nothing to report yet: no earlier step of this job recorded a result (submit-job, metric-gate, register-model, deploy write to the run ledger), and no `jobs`, `gate-reports`, `models` or `rollouts` input was given."
    );
    parts.push(renderFooter(options));
    return parts.join("\n\n") + "\n";
  }
  parts.push(renderOverview(data));
  data.gates.forEach((gate, i) => {
    parts.push(renderGate(gate, data.gates.length > 1 ? i + 1 : void 0, budget));
    if (budget.charts) {
      const charts = renderGateCharts(gate);
      if (charts) parts.push(`<details open>
<summary>\u{1F4C8} Metric histories</summary>

${charts}

</details>`);
    }
  });
  const links = renderLinks(data.jobs, data.models, data.gates);
  if (links) parts.push(links);
  for (const r of data.rollouts) parts.push(renderRollout(r, { maxStages: budget.stages }));
  const schedules = renderSchedules(data.schedules ?? []);
  if (schedules) parts.push(schedules);
  const details = renderDetails(data, budget);
  if (details || shortened) {
    const note = shortened ? `<sub>\u2702\uFE0F Shortened to fit GitHub's comment size limit.${options.fullReportNote ? ` ${escapeText(options.fullReportNote)}` : ""}</sub>` : "";
    if (budget.details === "none") parts.push(note);
    else parts.push(`<details>
<summary>\u{1F4C4} Full report</summary>

${[details, note].filter(Boolean).join("\n\n")}

</details>`);
  }
  parts.push(renderFooter(options));
  return parts.filter((p) => p !== "").join("\n\n") + "\n";
}
function gateStatus(g) {
  return g.passed ? "\u2705 passed" : g.report.enforced ? "\u274C failed" : "\u26A0\uFE0F failed (not enforced)";
}
function renderOverview(data) {
  const items = [];
  for (const g of data.gates) {
    const c = g.report.counts;
    const total = c.passed + c.failed + c.skipped;
    items.push(
      `**Gate** ${gateStatus(g)} (${c.failed > 0 ? `${c.failed} of ${total} rules failed` : `${c.passed}/${total} rules passed${c.skipped ? `, ${c.skipped} skipped` : ""}`})`
    );
  }
  for (const m of data.models) items.push(`**Model** \u{1F4E6} ${code(`${m.name}:${m.version}`, 120)}${m.created === false ? " (existing version reused)" : ""}`);
  const gateFailed = data.gates.some((g) => !g.passed);
  if (data.models.length === 0 && gateFailed) items.push("**Model** \u26D4 not registered: the gate failed");
  for (const r of data.rollouts) items.push(`**Rollout** ${rolloutStatusLabel(r.status)}`);
  if (data.rollouts.length === 0 && gateFailed && data.models.length === 0) items.push("**Rollout** \u26D4 not deployed");
  if (data.gates.length === 0) {
    for (const j of data.jobs.slice(0, 3)) items.push(`**Job** ${jobStatusLabel(j)}`);
  }
  for (const sc of (data.schedules ?? []).slice(0, 3)) items.push(`**Schedule** ${scheduleLabel(sc)} ${code(sc.name, 120)}`);
  return items.join(" \xB7 ");
}
var SCHEDULE_STATUS = { created: "\u{1F195} created", updated: "\u270F\uFE0F updated", unchanged: "\u2705 unchanged", "dry-run": "\u{1F4DD} dry run" };
function scheduleLabel(sc) {
  return sc.enabled ? "\u23F0" : "\u23F8\uFE0F";
}
function renderSchedules(schedules) {
  if (schedules.length === 0) return "";
  const lines = ["### \u23F0 Schedules", "", "| Schedule | Job | Trigger | Next runs | Change |", "| :-- | :-- | :-- | :-- | :-- |"];
  for (const sc of schedules.slice(0, 10)) {
    const runs = sc.enabled ? sc.nextRuns.length > 0 ? sc.nextRuns.slice(0, 3).map((t) => escapeText(/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(t) ? `${t.slice(0, 10)} ${t.slice(11, 16)}Z` : t, 40)).join("<br>") + (sc.nextRuns.length > 3 ? "<br>\u2026" : "") : "\u2014" : "\u23F8\uFE0F disabled";
    const job = [sc.jobType ? escapeText(sc.jobType, 40) : "", sc.jobFile ? `<br><sub>${code(sc.jobFile, 120)}</sub>` : ""].join("") || "\u2014";
    lines.push(
      `| ${code(sc.name, 120)} | ${job} | ${sc.trigger ? escapeText(sc.trigger, 120) : "\u2014"} | ${runs} | ${escapeText(SCHEDULE_STATUS[sc.status] ?? sc.status, 40)} |`
    );
  }
  if (schedules.length > 10) lines.push("", `<sub>${schedules.length - 10} more schedule(s).</sub>`);
  return lines.join("\n");
}
function renderGate(g, index, budget) {
  const r = g.report;
  const lines = [`### \u{1F4CF} Metric gate${index !== void 0 ? ` ${index}` : ""}: ${gateStatus(g)}`];
  const about = [];
  const source = g.source ?? r.source.description;
  if (source) about.push(`Run: ${escapeText(source, 300)}`);
  if (r.baseline) {
    about.push(
      r.baseline.found ? `Baseline: ${escapeText(r.baseline.description ?? r.baseline.spec, 300)}` : `Baseline: none yet (${escapeText(r.baseline.reason ?? r.baseline.spec, 300)}); rules on it were ${r.settings.requireBaseline ? "failed" : "skipped"}`
    );
  } else if (g.baseline) about.push(`Baseline: ${escapeText(g.baseline, 300)}`);
  if (about.length > 0) lines.push("", `<sub>${about.join(" \xB7 ")}</sub>`);
  lines.push("", renderMetricTable(g, { maxRows: budget.metricRows }));
  const failed = r.rules.filter((x) => x.verdict === "failed");
  if (failed.length > 0) {
    lines.push("", `**Failed rule${failed.length === 1 ? "" : "s"}:**`, "");
    for (const x of failed.slice(0, 10)) {
      const why = explainRule(x) || x.reason || "false";
      lines.push(`- \u274C ${code(x.rule, 300)}${x.label ? ` (${escapeText(x.label, 100)})` : ""}: ${escapeText(why, 300)}`);
    }
    if (failed.length > 10) lines.push(`- \u2026 and ${failed.length - 10} more in the full report`);
  }
  return lines.join("\n");
}
var JOB_STATUS = {
  Completed: "\u2705",
  Failed: "\u274C",
  Canceled: "\u26D4",
  CancelRequested: "\u26D4",
  NotResponding: "\u26A0\uFE0F",
  DryRun: "\u{1F4DD}"
};
function jobStatusLabel(j) {
  const mark = JOB_STATUS[j.status] ?? "\u23F3";
  return `${mark} ${escapeText(j.status, 40)}`;
}
function childrenNote(j) {
  const parts = [
    j.children !== void 0 ? `${j.children} child run${j.children === 1 ? "" : "s"}` : "",
    j.bestChild ? `best ${code(j.bestChild, 120)}` : "",
    j.primaryMetric ? `by ${code(j.primaryMetric, 80)}` : ""
  ].filter(Boolean);
  return parts.length > 0 ? `<br><sub>${parts.join(" \xB7 ")}</sub>` : "";
}
function renderLinks(jobs, models, gates = []) {
  const lines = [];
  if (jobs.length > 0 || models.length > 0) lines.push("### \u{1F517} Azure ML");
  if (jobs.length > 0) {
    lines.push("", "| Job | Type | Status | Experiment |", "| :-- | :-- | :-- | :-- |");
    for (const j of jobs.slice(0, 20)) {
      const name = link(code(j.name, 120), j.studioUrl);
      const extra = [j.reattached ? "re-attached" : "", j.dryRun ? "dry run" : ""].filter(Boolean).join(", ");
      lines.push(
        `| ${name}${extra ? ` <sub>(${extra})</sub>` : ""} | ${escapeText(j.type ?? "\u2014", 40)}${childrenNote(j)} | ${jobStatusLabel(j)} | ${j.experiment ? code(j.experiment, 80) : "\u2014"} |`
      );
    }
    if (jobs.length > 20) lines.push("", `<sub>${jobs.length - 20} more job(s).</sub>`);
    const errors = jobs.filter((j) => j.error);
    if (errors.length > 0) {
      lines.push("");
      for (const j of errors.slice(0, 5)) lines.push(`- \u274C ${code(j.name, 120)}: ${escapeText(j.error, 500)}`);
    }
  }
  if (models.length > 0) {
    lines.push("", "| Model | Version | Registered |", "| :-- | --: | :-- |");
    for (const m of models.slice(0, 20)) {
      const registered = m.created === void 0 ? "\u2014" : m.created ? "\u{1F195} new version" : "\u267B\uFE0F same content, existing version";
      lines.push(`| ${link(code(m.name, 120), m.studioUrl)} | ${escapeText(m.version, 40)} | ${registered} |`);
    }
  } else if (gates.some((g) => !g.passed) && lines.length > 0) {
    lines.push("", "<sub>No model was registered: the metric gate failed.</sub>");
  }
  return lines.join("\n");
}
function renderRulesTable(g) {
  const lines = ["| Line | Rule | Value | Threshold | Verdict | Why |", "| --: | :-- | --: | --: | :-- | :-- |"];
  for (const r of g.report.rules) {
    const why = explainRule(r) || r.reason || "";
    lines.push(
      `| ${r.line} | ${code(r.rule, 300)}${r.label ? `<br><sub>${escapeText(r.label, 100)}</sub>` : ""} | ${escapeText(formatValue(r.left))} | ${escapeText(formatValue(r.right))} | ${VERDICT_CELL[r.verdict]} | ${escapeText(why, 300)} |`
    );
  }
  return lines.join("\n");
}
function renderSnapshot(g, maxRows) {
  const names = Object.keys(g.report.metrics).sort();
  if (names.length === 0 || maxRows <= 0) return "";
  const base = g.report.baseline?.metrics ?? {};
  const hasBase = Object.keys(base).length > 0;
  const lines = [`| Metric | Last | Min | Max | Values |${hasBase ? " Baseline |" : ""}`, `| :-- | --: | --: | --: | --: |${hasBase ? " --: |" : ""}`];
  for (const name of names.slice(0, maxRows)) {
    const m = g.report.metrics[name];
    lines.push(
      `| ${code(name)} | ${escapeText(formatValue(m.last))} | ${escapeText(formatValue(m.min))} | ${escapeText(formatValue(m.max))} | ${m.count} |${hasBase ? ` ${escapeText(formatValue(base[name]?.last))} |` : ""}`
    );
  }
  if (names.length > maxRows) lines.push("", `<sub>${names.length - maxRows} more metric(s) in the gate's \`report\` output.</sub>`);
  return lines.join("\n");
}
function renderDetails(data, budget) {
  if (budget.details === "none") return "";
  const parts = [];
  data.gates.forEach((g, i) => {
    const n = data.gates.length > 1 ? ` ${i + 1}` : "";
    parts.push(`**Gate rules${n}**

${renderRulesTable(g)}`);
    if (budget.details === "all") {
      const snapshot = renderSnapshot(g, budget.snapshotRows);
      if (snapshot) parts.push(`**Metrics of the run${n}** (${Object.keys(g.report.metrics).length})

${snapshot}`);
      const s = g.report.settings;
      parts.push(`<sub>missing-metric: ${s.missingMetric} \xB7 require-baseline: ${s.requireBaseline} \xB7 fail-on-violation: ${s.failOnViolation}</sub>`);
    }
  });
  if (budget.details === "all" && budget.events > 0) {
    for (const r of data.rollouts) {
      const events = renderRolloutEvents(r, budget.events);
      if (events) parts.push(events);
    }
  }
  if (budget.json && (data.gates.length > 0 || data.rollouts.length > 0)) {
    const raw = JSON.stringify(
      { gates: data.gates.map((g) => g.report), rollouts: data.rollouts.map((r) => r.timeline ?? r.batch ?? null) },
      (_k, v) => typeof v === "number" && !Number.isFinite(v) ? String(v) : v
    );
    parts.push(`<details>
<summary>JSON</summary>

${fencedBlock(raw, "json")}

</details>`);
  }
  return parts.join("\n\n");
}
function renderFooter(options) {
  const run = options.run ?? {};
  const items = ["azureml-actions pr-summary"];
  const server = safeUrl(run.serverUrl ?? "https://github.com");
  const repo = run.repository && /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(run.repository) ? run.repository : void 0;
  if (run.sha && /^[0-9a-f]{7,64}$/i.test(run.sha)) {
    const short = code(run.sha.slice(0, 7));
    items.push(`commit ${server && repo ? link(short, `${server.replace(/\/$/, "")}/${repo}/commit/${run.sha}`) : short}`);
  }
  if (run.runId) {
    const attempt = run.runAttempt && run.runAttempt !== "1" ? ` (attempt ${escapeText(run.runAttempt, 10)})` : "";
    items.push(link(`run ${escapeText(run.runId, 30)}${attempt}`, run.runUrl));
  }
  if (run.workflow || run.job)
    items.push([run.workflow ? `workflow ${code(run.workflow, 80)}` : "", run.job ? `job ${code(run.job, 80)}` : ""].filter(Boolean).join(" "));
  const now = (options.now ?? (() => /* @__PURE__ */ new Date()))();
  items.push(
    `updated ${now.toISOString().replace(/:\d\d\.\d+Z$/, "Z").replace("T", " ")}`
  );
  return `<sub>${items.join(" \xB7 ")}</sub>`;
}

// src/runs/inputs/pr-summary.ts
var UNEVALUATED = /^\$\{\{.*\}\}$/s;
function defaultHeader(env) {
  const clean = (s) => (s ?? "").replace(/[^A-Za-z0-9._/:-]+/g, "-").replace(/-{2,}/g, "-").replace(/^[-/]+|[-/]+$/g, "");
  const parts = [clean(env.GITHUB_WORKFLOW), clean(env.GITHUB_JOB)].filter(Boolean);
  const header2 = parts.join("/").slice(0, 100).replace(/[-/]+$/, "");
  return header2 && isValidHeader(header2) ? header2 : "default";
}
function readPrSummaryInputs(reader, options = {}) {
  const env = options.env ?? process.env;
  const setSecret2 = options.setSecret ?? ((s) => setSecret(s));
  let token = reader.secret("github-token");
  let tokenFrom = token ? "input" : void 0;
  if (token === void 0 || UNEVALUATED.test(token)) {
    token = env.GITHUB_TOKEN?.trim() || void 0;
    tokenFrom = token ? "GITHUB_TOKEN" : void 0;
    if (token) setSecret2(token);
  }
  const headerInput = reader.optional("header");
  if (headerInput !== void 0 && !isValidHeader(headerInput)) {
    throw new ConfigurationError(`Input 'header' must be 1\u2013100 letters, digits or . _ - / : (without "--"); got '${headerInput}'.`, {
      input: "header",
      hint: "It names the comment in a hidden HTML comment, e.g. header: training or header: ci/train."
    });
  }
  const header2 = headerInput ?? defaultHeader(env);
  const notify = { slack: reader.secret("notify-slack-webhook"), teams: reader.secret("notify-teams-webhook") };
  const json = (name) => reader.json(name);
  return {
    token,
    tokenFrom,
    header: header2,
    marker: commentMarker(header2),
    mode: reader.choice("mode", COMMENT_MODES, "update"),
    prNumber: reader.int("pr-number", { min: 1 }),
    title: reader.optional("title") ?? "Azure ML report",
    jobs: parseReportInput("jobs", json("jobs")),
    gateReports: parseReportInput("gate-reports", json("gate-reports")),
    models: parseReportInput("models", json("models")),
    rollouts: parseReportInput("rollouts", json("rollouts")),
    notify
  };
}

// src/report/notify.ts
var FAILED_JOB = /* @__PURE__ */ new Set(["Failed", "Canceled", "NotResponding"]);
var PROMOTED = /* @__PURE__ */ new Set(["promoted", "succeeded"]);
function gateStatus2(g) {
  return g.passed ? "passed" : g.report.enforced ? "failed" : "failed-not-enforced";
}
function noticeGate(g) {
  const r = g.report;
  const rules = r.rules.map((x) => ({
    verdict: x.verdict,
    rule: x.rule,
    ...x.label ? { label: x.label } : {},
    why: explainRule(x) || x.reason || (x.verdict === "failed" ? "false" : x.verdict === "passed" ? "true" : "skipped")
  }));
  const order = (v) => v === "failed" ? 0 : v === "passed" ? 1 : 2;
  const baseline = r.baseline ? r.baseline.found ? r.baseline.description ?? r.baseline.spec : `none yet (${r.baseline.reason ?? r.baseline.spec})` : g.baseline;
  return {
    status: gateStatus2(g),
    counts: { ...r.counts },
    ...g.source || r.source.description ? { source: g.source ?? r.source.description } : {},
    ...baseline ? { baseline } : {},
    rules: rules.map((x, i) => ({ x, i })).sort((a, b) => order(a.x.verdict) - order(b.x.verdict) || a.i - b.i).map(({ x }) => x)
  };
}
function noticeRollout(r) {
  const reason = r.timeline?.rollback?.reason ?? r.timeline?.reason;
  return { status: r.status, ...r.endpoint ? { endpoint: r.endpoint } : {}, deployment: r.deployment, ...reason ? { reason } : {} };
}
function buildNotice(input) {
  const { data, run } = input;
  const gates = data.gates.map(noticeGate);
  const rollouts = data.rollouts.map(noticeRollout);
  const failed = gates.some((g) => g.status === "failed") || rollouts.some((r) => !PROMOTED.has(r.status.toLowerCase())) || data.jobs.some((j) => FAILED_JOB.has(j.status));
  const empty = gates.length + rollouts.length + data.models.length + data.jobs.length + (data.schedules?.length ?? 0) === 0;
  return {
    title: input.title,
    outcome: failed ? "failed" : empty ? "neutral" : "passed",
    gates,
    models: data.models.map((m) => ({
      name: m.name,
      version: m.version,
      ...m.created !== void 0 ? { created: m.created } : {},
      ...m.studioUrl ? { url: m.studioUrl } : {}
    })),
    notRegistered: data.models.length === 0 && gates.some((g) => g.status !== "passed"),
    rollouts,
    jobs: data.jobs.map((j) => ({ name: j.name, status: j.status, ...j.studioUrl ? { url: j.studioUrl } : {} })),
    schedules: (data.schedules ?? []).map((sc) => ({
      name: sc.name,
      status: sc.status,
      enabled: sc.enabled,
      ...sc.trigger ? { trigger: sc.trigger } : {},
      ...sc.enabled && sc.nextRuns[0] ? { next: sc.nextRuns[0] } : {}
    })),
    ...run.runUrl ? { runUrl: run.runUrl } : {},
    ...run.repository ? { repository: run.repository } : {},
    ...run.sha ? { sha: run.sha } : {},
    ...input.commentUrl ? { commentUrl: input.commentUrl } : {}
  };
}
var OUTCOME_MARK = { passed: "\u2705", failed: "\u274C", neutral: "\u2139\uFE0F" };
var VERDICT_MARK = { passed: "\u2705", failed: "\u274C", skipped: "\u23ED\uFE0F" };
var GATE_LABEL = { passed: "\u2705 passed", failed: "\u274C failed", "failed-not-enforced": "\u26A0\uFE0F failed (not enforced)" };
var ROLLOUT_LABEL = {
  promoted: "\u2705 promoted",
  succeeded: "\u2705 promoted",
  "rolled-back": "\u21A9\uFE0F rolled back",
  rolledback: "\u21A9\uFE0F rolled back",
  failed: "\u274C failed"
};
var JOB_MARK = { Completed: "\u2705", Failed: "\u274C", Canceled: "\u26D4", CancelRequested: "\u26D4", NotResponding: "\u26A0\uFE0F", DryRun: "\u{1F4DD}" };
var clip = (s, max) => truncateText(cleanText(s).trim(), max);
function rolloutLabel(status) {
  return ROLLOUT_LABEL[status.toLowerCase()] ?? `\u23F3 ${clip(status, 40)}`;
}
function countsText(g) {
  const c = g.counts;
  const total = c.passed + c.failed + c.skipped;
  return c.failed > 0 ? `${c.failed} of ${total} rules failed` : `${c.passed}/${total} rules passed${c.skipped ? `, ${c.skipped} skipped` : ""}`;
}
function headline(n) {
  const items = [];
  for (const g of n.gates) items.push(`Gate ${GATE_LABEL[g.status]} (${countsText(g)})`);
  for (const m of n.models) items.push(`Model ${clip(m.name, 100)}:${clip(m.version, 20)}${m.created === false ? " (existing version)" : ""}`);
  if (n.notRegistered) items.push("Model not registered");
  for (const r of n.rollouts) items.push(`Rollout ${rolloutLabel(r.status)}`);
  if (n.gates.length === 0) for (const j of n.jobs.slice(0, 3)) items.push(`Job ${clip(j.name, 80)} ${clip(j.status, 30)}`);
  for (const sc of (n.schedules ?? []).slice(0, 3)) items.push(`Schedule ${clip(sc.name, 80)} ${scheduleText(sc)}`);
  return items.length > 0 ? items.join(" \xB7 ") : "Nothing was recorded by the earlier steps.";
}
function scheduleText(sc) {
  const next = sc.next && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(sc.next) ? `next ${sc.next.slice(0, 10)} ${sc.next.slice(11, 16)}Z` : "";
  return [clip(sc.status, 20), sc.enabled ? clip(sc.trigger ?? "", 120) : "disabled", sc.enabled ? next : ""].filter(Boolean).join(" \xB7 ");
}
var shortSha = (sha) => sha && /^[0-9a-f]{7,40}$/i.test(sha) ? sha.slice(0, 7) : void 0;
var SLACK_LIMITS = { blocks: 50, headerText: 150, sectionText: 3e3, fields: 10, fieldText: 2e3, contextElements: 10 };
var SLACK_FALLBACK_MAX = 3e3;
function slackEscape(text2, max = 300) {
  return clip(text2, max).replace(/[&<>]/g, (c) => c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;");
}
function slackCode(text2, max = 200) {
  return `\`${slackEscape(String(text2 ?? "").replace(/`/g, "\u02CB"), max)}\``;
}
function slackLink(label, url) {
  const href = safeUrl(url);
  return href ? `<${href.replace(/&/g, "&amp;")}|${label}>` : label;
}
function fitLines(lines, max, more) {
  const out = [];
  let length = 0;
  for (let i = 0; i < lines.length; i++) {
    const tail = i < lines.length - 1 ? more(lines.length - i - 1).length + 1 : 0;
    const add = lines[i].length + (out.length > 0 ? 1 : 0);
    if (length + add + tail > max) {
      const rest = lines.length - i;
      const note = more(rest);
      if (out.length === 0) return cut(lines[i], max);
      out.push(note);
      return out.join("\n");
    }
    out.push(lines[i]);
    length += add;
  }
  return out.join("\n");
}
function cut(text2, max, escaped = true) {
  if (text2.length <= max) return text2;
  let s = text2.slice(0, Math.max(0, max - 1)).replace(/[\uD800-\uDBFF]$/, "");
  if (escaped) s = s.replace(/&[a-z#0-9]*$/i, "");
  return `${s}\u2026`;
}
function slackGate(g, index, maxRules) {
  const head = `*Metric gate${index !== void 0 ? ` ${index}` : ""}* ${GATE_LABEL[g.status]}: ${countsText(g)}`;
  const about = [g.source ? `_Run_: ${slackEscape(g.source, 200)}` : "", g.baseline ? `_Baseline_: ${slackEscape(g.baseline, 200)}` : ""].filter(Boolean).join(" \xB7 ");
  const rules = g.rules.slice(0, maxRules).map((r) => `${VERDICT_MARK[r.verdict]} ${slackCode(r.rule, 200)}${r.label ? ` (${slackEscape(r.label, 80)})` : ""}: ${slackEscape(r.why, 200)}`);
  const hidden = g.rules.length - rules.length;
  const lines = [head, ...about ? [about] : [], ...rules, ...hidden > 0 ? [`\u2026 and ${hidden} more rule${hidden === 1 ? "" : "s"}`] : []];
  return { type: "section", text: { type: "mrkdwn", text: fitLines(lines, SLACK_LIMITS.sectionText, (n) => `\u2026 and ${n} more line${n === 1 ? "" : "s"}`) } };
}
function slackModelField(m) {
  const label = `${slackEscape(m.name, 120)}:${slackEscape(m.version, 20)}`;
  const state = m.created === false ? "existing version reused" : m.created === true ? "registered" : "";
  return { type: "mrkdwn", text: cut(`*Model*
\u{1F4E6} ${slackLink(label, m.url)}${state ? ` (${state})` : ""}`, SLACK_LIMITS.fieldText) };
}
function slackRolloutField(r) {
  const where = `${slackCode(r.deployment, 80)}${r.endpoint ? ` on ${slackCode(r.endpoint, 80)}` : ""}`;
  const why = r.reason && !PROMOTED.has(r.status.toLowerCase()) ? `
${slackEscape(r.reason, 300)}` : "";
  return { type: "mrkdwn", text: cut(`*Rollout*
${rolloutLabel(r.status)}: ${where}${why}`, SLACK_LIMITS.fieldText) };
}
function slackScheduleField(sc) {
  return {
    type: "mrkdwn",
    text: cut(`*Schedule*
${sc.enabled ? "\u23F0" : "\u23F8\uFE0F"} ${slackCode(sc.name, 80)}: ${slackEscape(scheduleText(sc), 300)}`, SLACK_LIMITS.fieldText)
  };
}
function slackContext(n) {
  const elements = [];
  if (n.runUrl && safeUrl(n.runUrl)) elements.push({ type: "mrkdwn", text: slackLink("Workflow run", n.runUrl) });
  if (n.commentUrl && safeUrl(n.commentUrl)) elements.push({ type: "mrkdwn", text: slackLink("PR comment", n.commentUrl) });
  const where = [n.repository ? slackEscape(n.repository, 140) : "", shortSha(n.sha) ? slackCode(shortSha(n.sha)) : ""].filter(Boolean).join(" @ ");
  if (where) elements.push({ type: "mrkdwn", text: where });
  const jobs = n.jobs.slice(0, SLACK_LIMITS.contextElements - elements.length - 1);
  for (const j of jobs)
    elements.push({ type: "mrkdwn", text: `${JOB_MARK[j.status] ?? "\u23F3"} ${slackLink(slackEscape(j.name, 100), j.url)} ${slackEscape(j.status, 30)}` });
  if (n.jobs.length > jobs.length) elements.push({ type: "mrkdwn", text: `\u2026 and ${n.jobs.length - jobs.length} more jobs` });
  return elements.length > 0 ? { type: "context", elements: elements.slice(0, SLACK_LIMITS.contextElements) } : void 0;
}
function slackMessage(n, options = {}) {
  const maxRules = options.maxRules ?? 15;
  const title = cut(`${OUTCOME_MARK[n.outcome]} ${clip(n.title, 200) || "Azure ML report"}`, SLACK_LIMITS.headerText, false);
  const blocks = [{ type: "header", text: { type: "plain_text", text: title, emoji: true } }];
  blocks.push({ type: "section", text: { type: "mrkdwn", text: cut(slackEscape(headline(n), 2e3), SLACK_LIMITS.sectionText) } });
  const fields = [...n.models.map(slackModelField), ...n.rollouts.map(slackRolloutField), ...(n.schedules ?? []).slice(0, 5).map(slackScheduleField)];
  if (n.notRegistered) fields.unshift({ type: "mrkdwn", text: "*Model*\n\u26D4 not registered: the gate failed" });
  const fieldBlocks = Math.ceil(fields.length / SLACK_LIMITS.fields);
  const context = slackContext(n);
  const room = SLACK_LIMITS.blocks - 2 - fieldBlocks - (context ? 1 : 0) - 1;
  const shown = n.gates.slice(0, Math.max(0, room));
  shown.forEach((g, i) => blocks.push(slackGate(g, n.gates.length > 1 ? i + 1 : void 0, maxRules)));
  if (n.gates.length > shown.length)
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `\u2026 and ${n.gates.length - shown.length} more gates in the job summary` }] });
  for (let i = 0; i < fields.length; i += SLACK_LIMITS.fields) blocks.push({ type: "section", fields: fields.slice(i, i + SLACK_LIMITS.fields) });
  if (context) blocks.push(context);
  const text2 = cut(slackEscape(`${clip(n.title, 200) || "Azure ML report"}: ${headline(n)}`, SLACK_FALLBACK_MAX), SLACK_FALLBACK_MAX);
  return { text: text2, blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}
var ADAPTIVE_CARD_VERSION = "1.4";
var TEAMS_MAX_BYTES = 27e3;
function cardEscape(text2, max = 300) {
  return clip(text2, max).replace(/[\\`*_[\]<>~{}]/g, (c) => `\\${c}`).replace(/^([-+#]|\d+(?=[.)]))/, (m) => /^\d/.test(m) ? `${m}\\` : `\\${m}`);
}
function cardLink(label, url) {
  const href = safeUrl(url);
  return href ? `[${label}](${href})` : label;
}
function text(t, extra = {}) {
  return { type: "TextBlock", text: t, wrap: true, ...extra };
}
function cardGate(g, index, maxRules) {
  const out = [
    text(`**Metric gate${index !== void 0 ? ` ${index}` : ""}** ${GATE_LABEL[g.status]}: ${countsText(g)}`, {
      spacing: "Medium",
      color: g.status === "passed" ? "Good" : g.status === "failed" ? "Attention" : "Warning"
    })
  ];
  const about = [g.source ? `Run: ${cardEscape(g.source, 200)}` : "", g.baseline ? `Baseline: ${cardEscape(g.baseline, 200)}` : ""].filter(Boolean).join(" \xB7 ");
  if (about) out.push(text(about, { isSubtle: true, size: "Small", spacing: "None" }));
  const rules = g.rules.slice(0, maxRules);
  if (rules.length > 0) {
    const facts = rules.map((r) => ({
      title: `${VERDICT_MARK[r.verdict]} ${cardEscape(r.rule, 120)}`,
      value: `${cardEscape(r.why, 200)}${r.label ? ` (${cardEscape(r.label, 80)})` : ""}`
    }));
    if (g.rules.length > rules.length) facts.push({ title: "\u2026", value: `and ${g.rules.length - rules.length} more rules` });
    out.push({ type: "FactSet", facts });
  }
  return out;
}
function cardFacts(n) {
  const facts = [];
  for (const m of n.models) {
    const state = m.created === false ? " (existing version reused)" : m.created === true ? " (registered)" : "";
    facts.push({ title: "Model", value: `\u{1F4E6} ${cardLink(`${cardEscape(m.name, 120)}:${cardEscape(m.version, 20)}`, m.url)}${state}` });
  }
  if (n.notRegistered) facts.push({ title: "Model", value: "\u26D4 not registered: the gate failed" });
  for (const r of n.rollouts) {
    const why = r.reason && !PROMOTED.has(r.status.toLowerCase()) ? ` (${cardEscape(r.reason, 200)})` : "";
    facts.push({
      title: "Rollout",
      value: `${rolloutLabel(r.status)}: ${cardEscape(r.deployment, 80)}${r.endpoint ? ` on ${cardEscape(r.endpoint, 80)}` : ""}${why}`
    });
  }
  for (const sc of (n.schedules ?? []).slice(0, 5))
    facts.push({ title: "Schedule", value: `${sc.enabled ? "\u23F0" : "\u23F8\uFE0F"} ${cardEscape(sc.name, 80)}: ${cardEscape(scheduleText(sc), 300)}` });
  for (const j of n.jobs.slice(0, 5))
    facts.push({ title: "Job", value: `${JOB_MARK[j.status] ?? "\u23F3"} ${cardLink(cardEscape(j.name, 100), j.url)} ${cardEscape(j.status, 30)}` });
  if (n.jobs.length > 5) facts.push({ title: "Job", value: `and ${n.jobs.length - 5} more` });
  return facts.length > 0 ? { type: "FactSet", facts, spacing: "Medium" } : void 0;
}
function card(n, maxRules, maxGates) {
  const body = [
    text(`${OUTCOME_MARK[n.outcome]} ${cardEscape(n.title, 200) || "Azure ML report"}`, { size: "Large", weight: "Bolder" }),
    text(cardEscape(headline(n), 2e3), { spacing: "Small" })
  ];
  const gates = n.gates.slice(0, maxGates);
  gates.forEach((g, i) => body.push(...cardGate(g, n.gates.length > 1 ? i + 1 : void 0, maxRules)));
  if (n.gates.length > gates.length) body.push(text(`\u2026 and ${n.gates.length - gates.length} more gates in the job summary`, { isSubtle: true }));
  const facts = cardFacts(n);
  if (facts) body.push(facts);
  const where = [n.repository ? cardEscape(n.repository, 140) : "", shortSha(n.sha) ?? ""].filter(Boolean).join(" @ ");
  if (where) body.push(text(where, { isSubtle: true, size: "Small" }));
  const actions = [];
  const runUrl = safeUrl(n.runUrl);
  if (runUrl) actions.push({ type: "Action.OpenUrl", title: "Workflow run", url: runUrl });
  const commentUrl = safeUrl(n.commentUrl);
  if (commentUrl) actions.push({ type: "Action.OpenUrl", title: "PR comment", url: commentUrl });
  return {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: ADAPTIVE_CARD_VERSION,
    body,
    ...actions.length > 0 ? { actions } : {},
    // Teams: use the channel's full width (https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-format#full-width-adaptive-card)
    msteams: { width: "Full" }
  };
}
var envelope = (content) => ({
  type: "message",
  attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content }]
});
function teamsMessage(n, options = {}) {
  const maxBytes = options.maxBytes ?? TEAMS_MAX_BYTES;
  const fits = (m) => Buffer.byteLength(JSON.stringify(m), "utf8") <= maxBytes;
  const firstRules = options.maxRules ?? 15;
  for (const maxGates of [20, 5, 1, 0]) {
    for (const maxRules of [firstRules, 5, 1, 0]) {
      if (maxRules > firstRules) continue;
      const m = envelope(card(n, maxRules, maxGates));
      if (fits(m)) return m;
    }
  }
  const bare = card({ ...n, gates: [], models: n.models.slice(0, 3), rollouts: n.rollouts.slice(0, 3), jobs: [], schedules: n.schedules?.slice(0, 3) }, 0, 0);
  return envelope(bare);
}

// src/notify/webhooks.ts
init_undici();
var DEFAULTS2 = { retries: 3, tryTimeoutInMs: 1e4, totalTimeoutInMs: 3e4, retryDelayInMs: 1e3 };
function webhookUrlProblem(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return "is not a URL";
  }
  const loopback = u.hostname === "127.0.0.1" || u.hostname === "localhost" || u.hostname === "[::1]";
  if (u.protocol !== "https:" && !(u.protocol === "http:" && loopback)) return `is not an https URL (scheme ${u.protocol.replace(/:$/, "")})`;
  return void 0;
}
function retryAfterMs(value, now) {
  if (value === null || value.trim() === "") return void 0;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1e3;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : void 0;
}
function networkReason(error) {
  const cause = error?.cause;
  const code2 = typeof cause?.code === "string" ? cause.code : void 0;
  if (code2 === "ENOTFOUND") return { reason: "the host name does not resolve (DNS: ENOTFOUND)", retry: false };
  if (code2 === "EAI_AGAIN") return { reason: "the host name could not be resolved now (DNS: EAI_AGAIN)", retry: true };
  if (code2 === "ECONNREFUSED") return { reason: "the connection was refused (ECONNREFUSED)", retry: true };
  if (code2 && /^(ERR_TLS|CERT_|UNABLE_TO|SELF_SIGNED|DEPTH_ZERO)/.test(code2)) return { reason: `TLS failed (${code2})`, retry: false };
  return { reason: `the request failed${code2 ? ` (${code2})` : ""}`, retry: true };
}
function excerpt(text2, url) {
  let path = "";
  try {
    path = new URL(url).pathname;
  } catch {
  }
  let s = text2.split(url).join("***");
  if (path.length > 8) s = s.split(path).join("***");
  s = s.replace(/\s+/g, " ").trim();
  return s.length > 200 ? `${s.slice(0, 199)}\u2026` : s;
}
var seconds = (ms) => ms < 1e4 ? (ms / 1e3).toFixed(1) : (ms / 1e3).toFixed(0);
var defaultSleep = (ms, signal) => new Promise((resolve) => {
  if (signal?.aborted) return resolve();
  const t = setTimeout(done, ms);
  function done() {
    clearTimeout(t);
    signal?.removeEventListener("abort", done);
    resolve();
  }
  signal?.addEventListener("abort", done, { once: true });
});
function fetchFor(url) {
  const proxy = getProxyUrl(new URL(url));
  if (!proxy) return fetch;
  const dispatcher = new ProxyAgent(proxy.href);
  return ((input, init) => fetch2(input, { ...init, dispatcher }));
}
async function postWebhook(request, options = {}) {
  const o = { ...DEFAULTS2, ...options };
  const { name, url } = request;
  const now = o.now ?? Date.now;
  let doFetch = o.fetch;
  const sleep = o.sleep ?? defaultSleep;
  const random = o.random ?? Math.random;
  const deadline = now() + o.totalTimeoutInMs;
  const problem = webhookUrlProblem(url);
  if (problem) return { ok: false, name, attempts: 0, reason: `the webhook ${problem}` };
  try {
    doFetch ??= fetchFor(url);
  } catch {
    return { ok: false, name, attempts: 0, reason: "the proxy settings (https_proxy, no_proxy) could not be used" };
  }
  const payload = JSON.stringify(request.body);
  let last = { reason: "no try was made" };
  let tries = 0;
  for (let attempt = 0; attempt <= o.retries; attempt++) {
    const left = deadline - now();
    if (left <= 0) break;
    tries = attempt + 1;
    const tryTimeout = Math.min(o.tryTimeoutInMs, left);
    const signals = [AbortSignal.timeout(tryTimeout), ...o.signal ? [o.signal] : []];
    let retryAfter;
    let retry;
    try {
      const res = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", "user-agent": "azureml-actions/pr-summary" },
        body: payload,
        signal: AbortSignal.any(signals),
        redirect: "error"
      });
      const answer = await res.text().catch(() => "");
      if (res.status >= 200 && res.status < 300) return { ok: true, name, status: res.status, attempts: attempt + 1 };
      const said = excerpt(answer, url);
      last = { status: res.status, reason: `HTTP ${res.status}${said ? `: ${said}` : ""}` };
      retry = res.status === 429 || res.status >= 500;
      retryAfter = retryAfterMs(res.headers.get("retry-after"), now());
    } catch (error) {
      if (o.signal?.aborted) return { ok: false, name, attempts: attempt + 1, reason: "the step was cancelled" };
      const timedOut = error?.name === "TimeoutError";
      const n = timedOut ? { reason: `no answer within ${seconds(tryTimeout)} s`, retry: true } : networkReason(error);
      last = { reason: n.reason };
      retry = n.retry;
    }
    if (!retry || attempt === o.retries) break;
    const backoff = o.retryDelayInMs * 2 ** attempt * (0.5 + random() / 2);
    const delay = retryAfter ?? backoff;
    const remaining = deadline - now();
    if (delay >= remaining) {
      const allowed = `${seconds(o.totalTimeoutInMs)} s allowed`;
      last = {
        ...last,
        reason: `${last.reason}; ${retryAfter !== void 0 ? `asked to retry in ${seconds(retryAfter)} s, after the ${allowed}` : `no time left to retry within the ${allowed}`}`
      };
      break;
    }
    o.onRetry?.({ name, attempt: attempt + 1, delayInMs: delay, reason: last.reason });
    await sleep(delay, o.signal);
    if (o.signal?.aborted) return { ok: false, name, attempts: attempt + 1, reason: "the step was cancelled" };
  }
  return { ok: false, name, ...last.status !== void 0 ? { status: last.status } : {}, attempts: tries, reason: last.reason };
}

// src/runs/pr-summary.ts
function reportRun(run) {
  return {
    serverUrl: run.serverUrl,
    repository: run.repository,
    sha: run.sha,
    runId: run.runId === "local" ? void 0 : run.runId,
    runAttempt: run.runAttempt,
    runUrl: run.runUrl,
    workflow: run.workflow,
    job: run.job
  };
}
function splitRepository(repository) {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(repository);
  if (!m)
    throw new ConfigurationError(`GITHUB_REPOSITORY is '${repository}', not owner/name.`, {
      hint: "Run the action in a GitHub workflow, or set GITHUB_REPOSITORY."
    });
  return { owner: m[1], repo: m[2] };
}
function isForkPr(run) {
  const pr = run.event.pull_request;
  const head = pr?.head?.repo?.full_name;
  return typeof head === "string" && head.toLowerCase() !== run.repository.toLowerCase();
}
async function prOfWorkflowRun(run, api, log) {
  const wr = run.event.workflow_run;
  const owner = wr?.head_repository?.owner?.login;
  const branch = wr?.head_branch;
  if (typeof owner !== "string" || typeof branch !== "string") return void 0;
  try {
    const n = await api.findOpenPullRequest(owner, branch, typeof wr?.head_sha === "string" ? wr.head_sha : void 0);
    if (n !== void 0) log.info(`workflow_run of ${owner}:${branch}: its open pull request is #${n}.`);
    return n;
  } catch (error) {
    log.debug(`Could not look up the pull request of ${owner}:${branch}: ${error instanceof Error ? error.message : String(error)}`);
    return void 0;
  }
}
function writeBodyFile(body, header2, env) {
  const dir = join(env.RUNNER_TEMP || tmpdir(), "azureml-actions", "pr-summary");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${header2.replace(/[^A-Za-z0-9._-]+/g, "_")}.md`);
  writeFileSync(path, body);
  return path;
}
async function prSummaryMain(deps) {
  const env = deps.env ?? process.env;
  const { io } = deps;
  const run = readWorkflowRun(env);
  const settings = readPrSummaryInputs(deps.reader, { env, setSecret: (s) => io.setSecret(s) });
  const rendered = await renderReports(settings, run, io, env, deps.now ?? (() => /* @__PURE__ */ new Date()));
  const outcome = await commentOrSummary(deps, settings, run, rendered, env);
  await notifyWebhooks(settings, run, outcome, io, { ...deps.webhooks, ...deps.abortSignal ? { signal: deps.abortSignal } : {} });
  return outcome;
}
async function commentOrSummary(deps, settings, run, rendered, env) {
  const { io } = deps;
  const summaryOnly = (reason) => {
    io.notice(`${reason} The report is in the job summary.`, { title: "pr-summary: no PR comment" });
    io.setOutput("mode-used", "summary-only");
    return { modeUsed: "summary-only", body: rendered.body, bodyPath: rendered.bodyPath, reason, data: rendered.data };
  };
  if (!settings.token) return summaryOnly("No GitHub token: github-token is empty and GITHUB_TOKEN is not set.");
  const api = await commentsApi(deps, settings.token, splitRepository(run.repository), env);
  let prNumber = settings.prNumber ?? run.prNumber;
  if (prNumber === void 0 && run.eventName === "workflow_run") prNumber = await prOfWorkflowRun(run, api, io);
  if (prNumber === void 0) {
    return summaryOnly(
      `No pull request to comment on (event '${run.eventName ?? "unknown"}'). The PR number comes from pull_request, pull_request_target and workflow_run events, or from the pr-number input.`
    );
  }
  return io.group(
    `Sticky comment on ${run.repository}#${prNumber} (header '${settings.header}', mode ${settings.mode})`,
    () => postComment(api, settings, run, prNumber, rendered, io, summaryOnly)
  );
}
async function renderReports(settings, run, io, env, now) {
  const ledger = readLedger(env);
  const data = collectReportData(ledger, { jobs: settings.jobs, gates: settings.gateReports, models: settings.models, rollouts: settings.rollouts });
  io.info(
    `Report: ${data.jobs.length} job(s), ${data.gates.length} gate(s), ${data.models.length} model(s), ${data.rollouts.length} rollout(s) (${ledger.length} ledger entr${ledger.length === 1 ? "y" : "ies"}${env.RUNNER_TEMP ? "" : "; no RUNNER_TEMP, so no ledger"}).`
  );
  const common = { title: settings.title, run: reportRun(run), now };
  const summary = renderReport(data, { ...common, maxLength: JOB_SUMMARY_LIMIT - 4096 });
  await io.appendSummary(summary.body).catch((e) => io.warning(`Could not write the job summary: ${e instanceof Error ? e.message : String(e)}`));
  const rendered = renderReport(data, {
    ...common,
    header: settings.header,
    maxLength: DEFAULT_MAX_LENGTH,
    fullReportNote: "The full report is in the job summary of the run."
  });
  if (rendered.truncated)
    io.info(`The comment was shortened to ${rendered.body.length} characters (level ${rendered.level}); the job summary has the full report.`);
  const bodyPath = writeBodyFile(rendered.body, settings.header, env);
  io.setOutput("body", rendered.body);
  io.setOutput("body-path", bodyPath);
  return { data, body: rendered.body, bodyPath };
}
async function commentsApi(deps, token, repository, env) {
  if (deps.comments) return deps.comments(token, repository);
  const log = deps.io;
  const client = await createGitHubClient({
    token,
    env,
    retry: {
      ...deps.retry,
      onRetry: (i) => {
        log.info(
          `GitHub ${i.reason === "server-error" ? `error ${i.status ?? "(network)"}` : "rate limit"} on ${i.method} ${i.url}: retry ${i.attempt} in ${(i.delayInMs / 1e3).toFixed(1)} s.`
        );
        deps.retry?.onRetry?.(i);
      }
    },
    log: { debug: (m) => log.debug(m), warning: (m) => log.warning(m) }
  });
  return createCommentsApi(client, { ...repository, debug: (m) => log.debug(m) });
}
async function postComment(api, settings, run, prNumber, rendered, io, summaryOnly) {
  try {
    const result = await postStickyComment(api, {
      issueNumber: prNumber,
      marker: settings.marker,
      body: rendered.body,
      mode: settings.mode,
      maxLength: DEFAULT_MAX_LENGTH,
      log: io
    });
    io.setOutput("comment-id", String(result.comment.id));
    io.setOutput("comment-url", result.comment.htmlUrl);
    io.setOutput("mode-used", result.modeUsed);
    return { modeUsed: result.modeUsed, body: rendered.body, bodyPath: rendered.bodyPath, prNumber, comment: result.comment, data: rendered.data };
  } catch (error) {
    if (isCommentWriteForbidden(error)) {
      const why = isForkPr(run) ? "This pull request comes from a fork, where the workflow token is read-only (to comment on fork PRs, run pr-summary in a workflow_run workflow)." : "The token may lack `pull-requests: write` permission.";
      return summaryOnly(`Could not comment on #${prNumber}: ${error.message} ${why}`);
    }
    throw error;
  }
}
async function notifyWebhooks(settings, run, outcome, io, options) {
  const { slack, teams } = settings.notify;
  if (!slack && !teams) return;
  const notice = buildNotice({ data: outcome.data, title: settings.title, run: reportRun(run), commentUrl: outcome.comment?.htmlUrl });
  const requests = [
    ...slack ? [{ name: "Slack", url: slack, body: slackMessage(notice) }] : [],
    ...teams ? [{ name: "Teams", url: teams, body: teamsMessage(notice) }] : []
  ];
  const onRetry = (i) => {
    io.info(`${i.name} webhook: ${i.reason}; retry ${i.attempt} in ${(i.delayInMs / 1e3).toFixed(1)} s.`);
    options?.onRetry?.(i);
  };
  const results = await Promise.all(requests.map((r) => postWebhook(r, { ...options, onRetry })));
  for (const r of results) {
    if (r.ok) io.info(`${r.name} webhook: notification posted (HTTP ${r.status}${r.attempts > 1 ? `, after ${r.attempts} tries` : ""}).`);
    else
      io.warning(`The ${r.name} notification was not posted: ${r.reason}. The report is in the job summary${outcome.comment ? " and the PR comment" : ""}.`, {
        title: `pr-summary: ${r.name} webhook`
      });
  }
}

export {
  prSummaryMain
};
