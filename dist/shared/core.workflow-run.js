const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { existsSync, readFileSync } = require("node:fs");
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

export {
  readWorkflowRun,
  lineageTags
};
