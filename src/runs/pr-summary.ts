/**
 * pr-summary: reads what the earlier steps of the job recorded in the run ledger (and the JSON
 * outputs of other jobs given as inputs), renders one report, writes it to the job summary
 * (always), and posts it as the sticky comment of the pull request.
 *
 * No PR to comment on (a push, a schedule, a `workflow_run` without a PR), no token, or a token
 * GitHub does not let write (a fork PR's read-only GITHUB_TOKEN: 403): the job summary only, a
 * notice, and the step passes. Outputs: `comment-id`, `comment-url`, `body`, `body-path`,
 * `mode-used`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { createGitHubClient } from '../github/client.js';
import { createCommentsApi, isCommentWriteForbidden, type CommentsApi, type IssueComment } from '../github/comments.js';
import type { GitHubRetryOptions } from '../github/retry.js';
import { postStickyComment, type ModeUsed } from '../github/sticky.js';
import { ConfigurationError } from '../core/errors.js';
import { readWorkflowRun, type WorkflowRun } from '../core/workflow-run.js';
import { readPrSummaryInputs, type PrSummarySettings } from './inputs/pr-summary.js';
import type { InputReader } from '../core/inputs.js';
import { DEFAULT_MAX_LENGTH, JOB_SUMMARY_LIMIT, renderReport, type ReportRun } from '../report/comment.js';
import { collectReportData, type ReportData } from '../report/data.js';
import { readLedger } from '../core/ledger.js';

/** The slice of `@actions/core` pr-summary uses (injectable for tests). */
export interface PrSummaryLog {
  info(message: string): void;
  notice(message: string, properties?: core.AnnotationProperties): void;
  warning(message: string, properties?: core.AnnotationProperties): void;
  debug(message: string): void;
  startGroup(name: string): void;
  endGroup(): void;
  setOutput(name: string, value: string): void;
  /** Appends Markdown to the job summary (nothing when there is no GITHUB_STEP_SUMMARY). */
  writeSummary(markdown: string): Promise<void>;
}

export const actionsPrSummaryLog: PrSummaryLog = {
  info: (m) => core.info(m),
  notice: (m, p) => core.notice(m, p),
  warning: (m, p) => core.warning(m, p),
  debug: (m) => core.debug(m),
  startGroup: (n) => core.startGroup(n),
  endGroup: () => core.endGroup(),
  setOutput: (n, v) => core.setOutput(n, v),
  writeSummary: async (markdown) => {
    if (!process.env.GITHUB_STEP_SUMMARY) return;
    await core.summary.addRaw(markdown, true).write();
  },
};

export interface PrSummaryDeps {
  reader: InputReader;
  env?: Record<string, string | undefined>;
  log?: PrSummaryLog;
  /** Builds the comments API for a token and repository (default: Octokit against GITHUB_API_URL). */
  comments?: (token: string, repository: { owner: string; repo: string }) => CommentsApi;
  retry?: GitHubRetryOptions;
  now?: () => Date;
}

export interface PrSummaryOutcome {
  modeUsed: ModeUsed | 'summary-only';
  body: string;
  bodyPath: string;
  prNumber?: number;
  comment?: IssueComment;
  /** Why there is no comment (summary only). */
  reason?: string;
  data: ReportData;
}

function reportRun(run: WorkflowRun): ReportRun {
  return {
    serverUrl: run.serverUrl,
    repository: run.repository,
    sha: run.sha,
    runId: run.runId === 'local' ? undefined : run.runId,
    runAttempt: run.runAttempt,
    runUrl: run.runUrl,
    workflow: run.workflow,
    job: run.job,
  };
}

function splitRepository(repository: string): { owner: string; repo: string } {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(repository);
  if (!m) throw new ConfigurationError(`GITHUB_REPOSITORY is '${repository}', not owner/name.`, { hint: 'Run the action in a GitHub workflow, or set GITHUB_REPOSITORY.' });
  return { owner: m[1], repo: m[2] };
}

/** True when the event is a PR from another repository (a fork). */
function isForkPr(run: WorkflowRun): boolean {
  const pr = run.event.pull_request as { head?: { repo?: { full_name?: unknown } | null } } | undefined;
  const head = pr?.head?.repo?.full_name;
  return typeof head === 'string' && head.toLowerCase() !== run.repository.toLowerCase();
}

/** For `workflow_run` from a fork (`pull_requests` is empty there): the open PR of the head branch. */
async function prOfWorkflowRun(run: WorkflowRun, api: CommentsApi, log: PrSummaryLog): Promise<number | undefined> {
  const wr = run.event.workflow_run as
    | { head_branch?: unknown; head_sha?: unknown; head_repository?: { owner?: { login?: unknown } } | null }
    | undefined;
  const owner = wr?.head_repository?.owner?.login;
  const branch = wr?.head_branch;
  if (typeof owner !== 'string' || typeof branch !== 'string') return undefined;
  try {
    const n = await api.findOpenPullRequest(owner, branch, typeof wr?.head_sha === 'string' ? wr.head_sha : undefined);
    if (n !== undefined) log.info(`workflow_run of ${owner}:${branch}: its open pull request is #${n}.`);
    return n;
  } catch (error) {
    log.debug(`Could not look up the pull request of ${owner}:${branch}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function writeBodyFile(body: string, header: string, env: Record<string, string | undefined>): string {
  const dir = join(env.RUNNER_TEMP || tmpdir(), 'azureml-actions', 'pr-summary');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${header.replace(/[^A-Za-z0-9._-]+/g, '_')}.md`);
  writeFileSync(path, body);
  return path;
}

export async function prSummaryMain(deps: PrSummaryDeps): Promise<PrSummaryOutcome> {
  const env = deps.env ?? process.env;
  const log = deps.log ?? actionsPrSummaryLog;
  const now = deps.now ?? (() => new Date());
  const run = readWorkflowRun(env);
  const settings: PrSummarySettings = readPrSummaryInputs(deps.reader, { env });

  // ---- what to report
  const ledger = readLedger(env);
  const data = collectReportData(ledger, { jobs: settings.jobs, gates: settings.gateReports, models: settings.models, rollouts: settings.rollouts });
  log.info(
    `Report: ${data.jobs.length} job(s), ${data.gates.length} gate(s), ${data.models.length} model(s), ${data.rollouts.length} rollout(s) ` +
      `(${ledger.length} ledger entr${ledger.length === 1 ? 'y' : 'ies'}${env.RUNNER_TEMP ? '' : '; no RUNNER_TEMP, so no ledger'}).`,
  );

  // ---- the job summary, always, first
  const common = { title: settings.title, run: reportRun(run), now };
  const summary = renderReport(data, { ...common, maxLength: JOB_SUMMARY_LIMIT - 4096 });
  await log.writeSummary(summary.body).catch((e: unknown) => log.warning(`Could not write the job summary: ${e instanceof Error ? e.message : String(e)}`));

  // ---- the comment body
  const rendered = renderReport(data, {
    ...common,
    header: settings.header,
    maxLength: DEFAULT_MAX_LENGTH,
    fullReportNote: 'The full report is in the job summary of the run.',
  });
  if (rendered.truncated) log.info(`The comment was shortened to ${rendered.body.length} characters (level ${rendered.level}); the job summary has the full report.`);
  const bodyPath = writeBodyFile(rendered.body, settings.header, env);
  log.setOutput('body', rendered.body);
  log.setOutput('body-path', bodyPath);

  const summaryOnly = (reason: string): PrSummaryOutcome => {
    log.notice(`${reason} The report is in the job summary.`, { title: 'pr-summary: no PR comment' });
    log.setOutput('mode-used', 'summary-only');
    return { modeUsed: 'summary-only', body: rendered.body, bodyPath, reason, data };
  };

  if (!settings.token) {
    return summaryOnly('No GitHub token: github-token is empty and GITHUB_TOKEN is not set.');
  }
  const repository = splitRepository(run.repository);
  const api = deps.comments
    ? deps.comments(settings.token, repository)
    : createCommentsApi(
        await createGitHubClient({
          token: settings.token,
          env,
          retry: {
            ...deps.retry,
            onRetry: (i) => {
              log.info(`GitHub ${i.reason === 'server-error' ? `error ${i.status ?? '(network)'}` : 'rate limit'} on ${i.method} ${i.url}: retry ${i.attempt} in ${(i.delayInMs / 1000).toFixed(1)} s.`);
              deps.retry?.onRetry?.(i);
            },
          },
          log: { debug: (m) => log.debug(m), warning: (m) => log.warning(m) },
        }),
        { ...repository, debug: (m) => log.debug(m) },
      );

  let prNumber = settings.prNumber ?? run.prNumber;
  if (prNumber === undefined && run.eventName === 'workflow_run') prNumber = await prOfWorkflowRun(run, api, log);
  if (prNumber === undefined) {
    return summaryOnly(
      `No pull request to comment on (event '${run.eventName ?? 'unknown'}'). The PR number comes from pull_request, pull_request_target and workflow_run events, or from the pr-number input.`,
    );
  }

  log.startGroup(`Sticky comment on ${run.repository}#${prNumber} (header '${settings.header}', mode ${settings.mode})`);
  try {
    const result = await postStickyComment(api, {
      issueNumber: prNumber,
      marker: settings.marker,
      body: rendered.body,
      mode: settings.mode,
      maxLength: DEFAULT_MAX_LENGTH,
      log,
    });
    log.setOutput('comment-id', String(result.comment.id));
    log.setOutput('comment-url', result.comment.htmlUrl);
    log.setOutput('mode-used', result.modeUsed);
    return { modeUsed: result.modeUsed, body: rendered.body, bodyPath, prNumber, comment: result.comment, data };
  } catch (error) {
    if (isCommentWriteForbidden(error)) {
      const why = isForkPr(run)
        ? 'This pull request comes from a fork, where the workflow token is read-only (to comment on fork PRs, run pr-summary in a workflow_run workflow).'
        : 'The token may lack `pull-requests: write` permission.';
      return summaryOnly(`Could not comment on #${prNumber}: ${error.message} ${why}`);
    }
    throw error;
  } finally {
    log.endGroup();
  }
}
