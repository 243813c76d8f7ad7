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
import { createGitHubClient } from '../github/client.js';
import { createCommentsApi, isCommentWriteForbidden, type CommentsApi, type IssueComment } from '../github/comments.js';
import type { GitHubRetryOptions } from '../github/retry.js';
import { postStickyComment, type ModeUsed } from '../github/sticky.js';
import { ConfigurationError } from '../core/errors.js';
import { readWorkflowRun, type WorkflowRun } from '../core/workflow-run.js';
import { readPrSummaryInputs, type PrSummarySettings } from './inputs/pr-summary.js';
import type { InputReader } from '../core/inputs.js';
import type { ActionIO, ActionLog } from '../core/io.js';
import { DEFAULT_MAX_LENGTH, JOB_SUMMARY_LIMIT, renderReport, type ReportRun } from '../report/comment.js';
import { collectReportData, type ReportData } from '../report/data.js';
import { readLedger } from '../core/ledger.js';
import { buildNotice, slackMessage, teamsMessage } from '../report/notify.js';
import { postWebhook, type WebhookOptions, type WebhookRequest } from '../notify/webhooks.js';

export interface PrSummaryDeps {
  reader: InputReader;
  io: ActionIO;
  env?: Record<string, string | undefined>;
  /** Builds the comments API for a token and repository (default: Octokit against GITHUB_API_URL). */
  comments?: (token: string, repository: { owner: string; repo: string }) => CommentsApi;
  retry?: GitHubRetryOptions;
  now?: () => Date;
  /** Retries and timeouts of the notification webhooks (tests). */
  webhooks?: WebhookOptions;
  /** Fires when the step is cancelled (ends the webhook retries). */
  abortSignal?: AbortSignal;
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
  if (!m)
    throw new ConfigurationError(`GITHUB_REPOSITORY is '${repository}', not owner/name.`, {
      hint: 'Run the action in a GitHub workflow, or set GITHUB_REPOSITORY.',
    });
  return { owner: m[1], repo: m[2] };
}

/** True when the event is a PR from another repository (a fork). */
function isForkPr(run: WorkflowRun): boolean {
  const pr = run.event.pull_request as { head?: { repo?: { full_name?: unknown } | null } } | undefined;
  const head = pr?.head?.repo?.full_name;
  return typeof head === 'string' && head.toLowerCase() !== run.repository.toLowerCase();
}

/** For `workflow_run` from a fork (`pull_requests` is empty there): the open PR of the head branch. */
async function prOfWorkflowRun(run: WorkflowRun, api: CommentsApi, log: ActionLog): Promise<number | undefined> {
  const wr = run.event.workflow_run as { head_branch?: unknown; head_sha?: unknown; head_repository?: { owner?: { login?: unknown } } | null } | undefined;
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

type Env = Record<string, string | undefined>;

interface Rendered {
  data: ReportData;
  body: string;
  bodyPath: string;
}

export async function prSummaryMain(deps: PrSummaryDeps): Promise<PrSummaryOutcome> {
  const env = deps.env ?? process.env;
  const { io } = deps;
  const run = readWorkflowRun(env);
  const settings: PrSummarySettings = readPrSummaryInputs(deps.reader, { env, setSecret: (s) => io.setSecret(s) });
  const rendered = await renderReports(settings, run, io, env, deps.now ?? (() => new Date()));
  const outcome = await commentOrSummary(deps, settings, run, rendered, env);
  await notifyWebhooks(settings, run, outcome, io, { ...deps.webhooks, ...(deps.abortSignal ? { signal: deps.abortSignal } : {}) });
  return outcome;
}

/** The sticky comment, or the job summary alone (with a notice saying why). */
async function commentOrSummary(deps: PrSummaryDeps, settings: PrSummarySettings, run: WorkflowRun, rendered: Rendered, env: Env): Promise<PrSummaryOutcome> {
  const { io } = deps;
  const summaryOnly = (reason: string): PrSummaryOutcome => {
    io.notice(`${reason} The report is in the job summary.`, { title: 'pr-summary: no PR comment' });
    io.setOutput('mode-used', 'summary-only');
    return { modeUsed: 'summary-only', body: rendered.body, bodyPath: rendered.bodyPath, reason, data: rendered.data };
  };
  if (!settings.token) return summaryOnly('No GitHub token: github-token is empty and GITHUB_TOKEN is not set.');
  const api = await commentsApi(deps, settings.token, splitRepository(run.repository), env);
  let prNumber = settings.prNumber ?? run.prNumber;
  if (prNumber === undefined && run.eventName === 'workflow_run') prNumber = await prOfWorkflowRun(run, api, io);
  if (prNumber === undefined) {
    return summaryOnly(
      `No pull request to comment on (event '${run.eventName ?? 'unknown'}'). The PR number comes from pull_request, pull_request_target and workflow_run events, or from the pr-number input.`,
    );
  }
  return io.group(`Sticky comment on ${run.repository}#${prNumber} (header '${settings.header}', mode ${settings.mode})`, () =>
    postComment(api, settings, run, prNumber, rendered, io, summaryOnly),
  );
}

/** The job summary (always, first, the full report) and the comment body (shortened to fit), as outputs and a file. */
async function renderReports(settings: PrSummarySettings, run: WorkflowRun, io: ActionIO, env: Env, now: () => Date): Promise<Rendered> {
  const ledger = readLedger(env);
  const data = collectReportData(ledger, { jobs: settings.jobs, gates: settings.gateReports, models: settings.models, rollouts: settings.rollouts });
  io.info(
    `Report: ${data.jobs.length} job(s), ${data.gates.length} gate(s), ${data.models.length} model(s), ${data.rollouts.length} rollout(s) ` +
      `(${ledger.length} ledger entr${ledger.length === 1 ? 'y' : 'ies'}${env.RUNNER_TEMP ? '' : '; no RUNNER_TEMP, so no ledger'}).`,
  );
  const common = { title: settings.title, run: reportRun(run), now };
  const summary = renderReport(data, { ...common, maxLength: JOB_SUMMARY_LIMIT - 4096 });
  await io.appendSummary(summary.body).catch((e: unknown) => io.warning(`Could not write the job summary: ${e instanceof Error ? e.message : String(e)}`));
  const rendered = renderReport(data, {
    ...common,
    header: settings.header,
    maxLength: DEFAULT_MAX_LENGTH,
    fullReportNote: 'The full report is in the job summary of the run.',
  });
  if (rendered.truncated)
    io.info(`The comment was shortened to ${rendered.body.length} characters (level ${rendered.level}); the job summary has the full report.`);
  const bodyPath = writeBodyFile(rendered.body, settings.header, env);
  io.setOutput('body', rendered.body);
  io.setOutput('body-path', bodyPath);
  return { data, body: rendered.body, bodyPath };
}

/** The issue-comments API: the injected one, or Octokit against GITHUB_API_URL with retries logged. */
async function commentsApi(deps: PrSummaryDeps, token: string, repository: { owner: string; repo: string }, env: Env): Promise<CommentsApi> {
  if (deps.comments) return deps.comments(token, repository);
  const log = deps.io;
  const client = await createGitHubClient({
    token,
    env,
    retry: {
      ...deps.retry,
      onRetry: (i) => {
        log.info(
          `GitHub ${i.reason === 'server-error' ? `error ${i.status ?? '(network)'}` : 'rate limit'} on ${i.method} ${i.url}: retry ${i.attempt} in ${(i.delayInMs / 1000).toFixed(1)} s.`,
        );
        deps.retry?.onRetry?.(i);
      },
    },
    log: { debug: (m) => log.debug(m), warning: (m) => log.warning(m) },
  });
  return createCommentsApi(client, { ...repository, debug: (m) => log.debug(m) });
}

/** Creates or updates the sticky comment; a token that may not comment falls back to the job summary alone. */
async function postComment(
  api: CommentsApi,
  settings: PrSummarySettings,
  run: WorkflowRun,
  prNumber: number,
  rendered: Rendered,
  io: ActionIO,
  summaryOnly: (reason: string) => PrSummaryOutcome,
): Promise<PrSummaryOutcome> {
  try {
    const result = await postStickyComment(api, {
      issueNumber: prNumber,
      marker: settings.marker,
      body: rendered.body,
      mode: settings.mode,
      maxLength: DEFAULT_MAX_LENGTH,
      log: io,
    });
    io.setOutput('comment-id', String(result.comment.id));
    io.setOutput('comment-url', result.comment.htmlUrl);
    io.setOutput('mode-used', result.modeUsed);
    return { modeUsed: result.modeUsed, body: rendered.body, bodyPath: rendered.bodyPath, prNumber, comment: result.comment, data: rendered.data };
  } catch (error) {
    if (isCommentWriteForbidden(error)) {
      const why = isForkPr(run)
        ? 'This pull request comes from a fork, where the workflow token is read-only (to comment on fork PRs, run pr-summary in a workflow_run workflow).'
        : 'The token may lack `pull-requests: write` permission.';
      return summaryOnly(`Could not comment on #${prNumber}: ${error.message} ${why}`);
    }
    throw error;
  }
}

/**
 * The short notification to the Slack and Teams webhooks given, after the comment: each posted
 * on its own, and one that fails is a warning naming the service (never its URL); the step passes.
 */
async function notifyWebhooks(settings: PrSummarySettings, run: WorkflowRun, outcome: PrSummaryOutcome, io: ActionIO, options?: WebhookOptions): Promise<void> {
  const { slack, teams } = settings.notify;
  if (!slack && !teams) return;
  const notice = buildNotice({ data: outcome.data, title: settings.title, run: reportRun(run), commentUrl: outcome.comment?.htmlUrl });
  const requests: WebhookRequest[] = [
    ...(slack ? [{ name: 'Slack', url: slack, body: slackMessage(notice) }] : []),
    ...(teams ? [{ name: 'Teams', url: teams, body: teamsMessage(notice) }] : []),
  ];
  const onRetry: WebhookOptions['onRetry'] = (i) => {
    io.info(`${i.name} webhook: ${i.reason}; retry ${i.attempt} in ${(i.delayInMs / 1000).toFixed(1)} s.`);
    options?.onRetry?.(i);
  };
  const results = await Promise.all(requests.map((r) => postWebhook(r, { ...options, onRetry })));
  for (const r of results) {
    if (r.ok) io.info(`${r.name} webhook: notification posted (HTTP ${r.status}${r.attempts > 1 ? `, after ${r.attempts} tries` : ''}).`);
    else
      io.warning(`The ${r.name} notification was not posted: ${r.reason}. The report is in the job summary${outcome.comment ? ' and the PR comment' : ''}.`, {
        title: `pr-summary: ${r.name} webhook`,
      });
  }
}
