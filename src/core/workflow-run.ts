/**
 * What the workflow run says about itself (the runner's GITHUB_* variables and event file):
 * used for deterministic names, lineage tags and links.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface WorkflowRun {
  repository: string;
  runId: string;
  runAttempt: string;
  runNumber?: string;
  sha?: string;
  ref?: string;
  workflow?: string;
  job?: string;
  eventName?: string;
  serverUrl: string;
  runUrl?: string;
  prNumber?: number;
  workspace: string;
  runnerTemp?: string;
  event: Record<string, unknown>;
}

function readEvent(path: string | undefined): Record<string, unknown> {
  if (!path || !existsSync(path)) return {};
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The PR number of `pull_request`, `pull_request_target` and `workflow_run` (from a PR) events. */
export function prNumberOf(event: Record<string, unknown>): number | undefined {
  // Only whole numbers from 1 up are PR numbers; anything else in a (hand-made) payload is ignored.
  const valid = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
  const pr = event.pull_request as { number?: unknown } | null | undefined;
  if (valid(pr?.number)) return pr.number;
  const wr = event.workflow_run as { pull_requests?: unknown } | null | undefined;
  const first = Array.isArray(wr?.pull_requests) ? (wr.pull_requests[0] as { number?: unknown } | null | undefined) : undefined;
  if (valid(first?.number)) return first.number;
  const issue = event.issue as { number?: unknown; pull_request?: unknown } | null | undefined;
  if (issue?.pull_request && valid(issue.number)) return issue.number;
  return undefined;
}

export function readWorkflowRun(env: Record<string, string | undefined> = process.env): WorkflowRun {
  const serverUrl = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const repository = env.GITHUB_REPOSITORY ?? 'local/repository';
  const runId = env.GITHUB_RUN_ID ?? 'local';
  const event = readEvent(env.GITHUB_EVENT_PATH);
  return {
    repository,
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    runNumber: env.GITHUB_RUN_NUMBER,
    sha: env.GITHUB_SHA,
    ref: env.GITHUB_REF,
    workflow: env.GITHUB_WORKFLOW,
    job: env.GITHUB_JOB,
    eventName: env.GITHUB_EVENT_NAME,
    serverUrl,
    runUrl: env.GITHUB_RUN_ID ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
    prNumber: prNumberOf(event),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    runnerTemp: env.RUNNER_TEMP,
    event,
  };
}

/** Lineage tags the suite writes on what it creates (jobs, model versions). */
export function lineageTags(run: WorkflowRun): Record<string, string> {
  const tags: Record<string, string> = {
    'github.repository': run.repository,
    'github.run_id': run.runId,
    'github.run_attempt': run.runAttempt,
  };
  if (run.sha) tags['github.commit'] = run.sha;
  if (run.ref) tags['github.ref'] = run.ref;
  if (run.runUrl) tags['github.run_url'] = run.runUrl;
  if (run.workflow) tags['github.workflow'] = run.workflow;
  if (run.prNumber !== undefined) tags['github.pr'] = String(run.prNumber);
  return tags;
}
