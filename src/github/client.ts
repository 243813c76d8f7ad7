/**
 * The authenticated GitHub client: `@actions/github`'s Octokit (REST methods, pagination) with
 * the suite's retry hook ({@link installRetry}) and the API URL of the run (`GITHUB_API_URL`,
 * which is GitHub Enterprise Server's `/api/v3` when the workflow runs there).
 */
import type { getOctokit } from '@actions/github';
import { installRetry, type GitHubRetryOptions } from './retry.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** Default: `GITHUB_API_URL`, else https://api.github.com. */
  baseUrl?: string;
  userAgent?: string;
  retry?: GitHubRetryOptions;
  env?: Record<string, string | undefined>;
  /** Where Octokit's own messages go (deprecations, debug). */
  log?: { debug(message: string): void; warning(message: string): void };
}

function isLoopback(url: string): boolean {
  try {
    const h = new URL(url).hostname;
    return h === '127.0.0.1' || h === 'localhost' || h === '[::1]';
  } catch {
    return false;
  }
}

/** Loads `@actions/github` (Octokit) on first use: only a step that talks to GitHub parses it. */
export async function createGitHubClient(options: GitHubClientOptions): Promise<GitHubClient> {
  const { getOctokit } = await import('@actions/github');
  const env = options.env ?? process.env;
  const baseUrl = (options.baseUrl ?? env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  const log = options.log;
  const octokit = getOctokit(options.token, {
    baseUrl,
    userAgent: options.userAgent ?? 'azureml-actions/pr-summary',
    // @actions/github picks its proxy-aware fetch for the API URL it saw when loaded; a loopback
    // server (tests, a local stand-in) never goes through a proxy
    ...(isLoopback(baseUrl) ? { request: { fetch: globalThis.fetch } } : {}),
    log: {
      debug: (m: string) => log?.debug(m),
      info: (m: string) => log?.debug(m),
      warn: (m: string) => log?.warning(m),
      error: (m: string) => log?.debug(m),
    },
  });
  installRetry(octokit as unknown as Parameters<typeof installRetry>[0], options.retry);
  return octokit;
}
