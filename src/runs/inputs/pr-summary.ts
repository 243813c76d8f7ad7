/** The only reader of pr-summary's inputs. */
import * as core from '@actions/core';
import { commentMarker, isValidHeader } from '../../report/comment.js';
import { parseReportInput, type ReportGate, type ReportJob, type ReportModel, type ReportRollout } from '../../report/data.js';
import { COMMENT_MODES, type CommentMode } from '../../github/sticky.js';
import { ConfigurationError } from '../../core/errors.js';
import type { InputReader } from '../../core/inputs.js';

export interface PrSummarySettings {
  /** Undefined when no token is available: the report goes to the job summary only. */
  token?: string;
  /** Where the token came from. */
  tokenFrom?: 'input' | 'GITHUB_TOKEN';
  header: string;
  marker: string;
  mode: CommentMode;
  prNumber?: number;
  title: string;
  jobs: ReportJob[];
  gateReports: ReportGate[];
  models: ReportModel[];
  rollouts: ReportRollout[];
  /** Webhook URLs (secrets: masked as soon as read) to post a short notification to. */
  notify: { slack?: string; teams?: string };
}

export interface ReadPrSummaryOptions {
  env?: Record<string, string | undefined>;
  setSecret?: (secret: string) => void;
}

/** `${{ github.token }}` left as text (a local runner that does not evaluate expressions). */
const UNEVALUATED = /^\$\{\{.*\}\}$/s;

/** The default header: the workflow and job, so that each job keeps its own comment. */
export function defaultHeader(env: Record<string, string | undefined>): string {
  const clean = (s: string | undefined) =>
    (s ?? '')
      .replace(/[^A-Za-z0-9._/:-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[-/]+|[-/]+$/g, '');
  const parts = [clean(env.GITHUB_WORKFLOW), clean(env.GITHUB_JOB)].filter(Boolean);
  const header = parts
    .join('/')
    .slice(0, 100)
    .replace(/[-/]+$/, '');
  return header && isValidHeader(header) ? header : 'default';
}

export function readPrSummaryInputs(reader: InputReader, options: ReadPrSummaryOptions = {}): PrSummarySettings {
  const env = options.env ?? process.env;
  const setSecret = options.setSecret ?? ((s: string) => core.setSecret(s));

  let token = reader.secret('github-token');
  let tokenFrom: PrSummarySettings['tokenFrom'] = token ? 'input' : undefined;
  if (token === undefined || UNEVALUATED.test(token)) {
    token = env.GITHUB_TOKEN?.trim() || undefined;
    tokenFrom = token ? 'GITHUB_TOKEN' : undefined;
    if (token) setSecret(token);
  }

  const headerInput = reader.optional('header');
  if (headerInput !== undefined && !isValidHeader(headerInput)) {
    throw new ConfigurationError(`Input 'header' must be 1–100 letters, digits or . _ - / : (without "--"); got '${headerInput}'.`, {
      input: 'header',
      hint: 'It names the comment in a hidden HTML comment, e.g. header: training or header: ci/train.',
    });
  }
  const header = headerInput ?? defaultHeader(env);

  // a webhook URL lets anyone post to the channel: masked by reader.secret before anything is logged
  const notify = { slack: reader.secret('notify-slack-webhook'), teams: reader.secret('notify-teams-webhook') };

  const json = (name: 'jobs' | 'gate-reports' | 'models' | 'rollouts') => reader.json<unknown>(name);
  return {
    token,
    tokenFrom,
    header,
    marker: commentMarker(header),
    mode: reader.choice('mode', COMMENT_MODES, 'update'),
    prNumber: reader.int('pr-number', { min: 1 }),
    title: reader.optional('title') ?? 'Azure ML report',
    jobs: parseReportInput<ReportJob>('jobs', json('jobs')),
    gateReports: parseReportInput<ReportGate>('gate-reports', json('gate-reports')),
    models: parseReportInput<ReportModel>('models', json('models')),
    rollouts: parseReportInput<ReportRollout>('rollouts', json('rollouts')),
    notify,
  };
}
