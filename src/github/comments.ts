/**
 * The few GitHub calls the sticky comment needs, behind a narrow interface (tests and the sticky
 * logic see {@link CommentsApi}, never Octokit):
 *
 * - who the token is: `GET /user` for a personal access token; an app installation token (the
 *   workflow's `GITHUB_TOKEN` included) gets 403 there, so then GraphQL `viewer { login }` (which
 *   answers with the app's bot login), and as a last resort `github-actions[bot]`;
 * - the PR's comments, page by page (`per_page=100`, following `Link: rel="next"`);
 * - create, update, delete a comment; minimize one (GraphQL `minimizeComment`);
 * - the open PR of a branch (for `workflow_run` events from forks, whose `pull_requests` is empty).
 *
 * HTTP failures become errors the caller can act on: {@link CommentWriteForbiddenError} (a
 * read-only token, e.g. a fork's), a {@link ConfigurationError} for a refused token or a PR that
 * does not exist; anything else passes through with its status.
 */
import { ConfigurationError } from '../core/errors.js';
import type { GitHubClient } from './client.js';
import { isRateLimitError } from './retry.js';

export interface IssueComment {
  id: number;
  nodeId: string;
  body: string;
  /** Login of the author. */
  author?: string;
  /** `User` or `Bot`. */
  authorType?: string;
  /** API URL. */
  url: string;
  /** Web URL (what people open). */
  htmlUrl: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface Identity {
  login: string;
  /** How it was found: `GET /user`, GraphQL `viewer`, or the Actions bot by default. */
  source: 'user' | 'viewer' | 'default';
}

export type MinimizeReason = 'OUTDATED' | 'RESOLVED' | 'DUPLICATE' | 'OFF_TOPIC' | 'SPAM' | 'ABUSE';

export interface CommentsApi {
  identity(): Promise<Identity>;
  /** The comments of an issue or PR, oldest first, one page (≤ 100) at a time. */
  listComments(issueNumber: number): AsyncIterable<IssueComment[]>;
  createComment(issueNumber: number, body: string): Promise<IssueComment>;
  updateComment(commentId: number, body: string): Promise<IssueComment>;
  /** Deleting a comment that is already gone is not an error. */
  deleteComment(commentId: number): Promise<void>;
  minimizeComment(nodeId: string, reason: MinimizeReason): Promise<void>;
  /** The open PR whose head is `owner:branch` (and, when given, at `sha`). */
  findOpenPullRequest(headOwner: string, branch: string, sha?: string): Promise<number | undefined>;
}

/** GitHub refused to write a comment (403): a read-only token, such as a fork PR's GITHUB_TOKEN. */
export class CommentWriteForbiddenError extends Error {
  override readonly name = 'CommentWriteForbiddenError';
  constructor(
    message: string,
    readonly status = 403,
  ) {
    super(message);
  }
}

export function isCommentWriteForbidden(error: unknown): error is CommentWriteForbiddenError {
  return (
    error instanceof CommentWriteForbiddenError ||
    (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'CommentWriteForbiddenError')
  );
}

/** The default author of comments made with a workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

interface ApiError {
  status?: number;
  message?: string;
  response?: { data?: unknown; headers?: Record<string, unknown> };
}

function statusOf(error: unknown): number | undefined {
  const s = (error as ApiError | null)?.status;
  return typeof s === 'number' ? s : undefined;
}

function apiMessage(error: unknown): string {
  const data = (error as ApiError | null)?.response?.data as { message?: unknown } | undefined;
  if (typeof data?.message === 'string') return data.message;
  return error instanceof Error ? error.message : String(error);
}

type RawComment = {
  id: number;
  node_id: string;
  body?: string | null;
  user?: { login?: string; type?: string } | null;
  url: string;
  html_url: string;
  created_at?: string;
  updated_at?: string;
};

function toComment(c: RawComment): IssueComment {
  return {
    id: c.id,
    nodeId: c.node_id,
    body: c.body ?? '',
    author: c.user?.login ?? undefined,
    authorType: c.user?.type ?? undefined,
    url: c.url,
    htmlUrl: c.html_url,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  };
}

export interface CommentsApiOptions {
  owner: string;
  repo: string;
  /** Comments per page (GitHub's maximum, 100, by default). */
  perPage?: number;
  debug?: (message: string) => void;
}

/** {@link CommentsApi} over an Octokit client. */
export function createCommentsApi(octokit: GitHubClient, options: CommentsApiOptions): CommentsApi {
  const { owner, repo } = options;
  const perPage = Math.min(100, Math.max(1, options.perPage ?? 100));
  const debug = options.debug ?? (() => {});
  const where = `${owner}/${repo}`;

  const tokenRefused = (error: unknown): ConfigurationError =>
    new ConfigurationError(`GitHub refused the token (${statusOf(error)} ${apiMessage(error)}).`, {
      input: 'github-token',
      hint: "Give a valid token in github-token (the default, the workflow's GITHUB_TOKEN, needs `permissions: pull-requests: write`).",
      cause: error,
    });

  const writeError = (error: unknown, what: string): unknown => {
    const status = statusOf(error);
    if (status === 401) return tokenRefused(error);
    if (isRateLimitError(error)) {
      return new Error(`Could not ${what}: GitHub's rate limit still refused it after the retries (${status} ${apiMessage(error)}).`, { cause: error });
    }
    if (status === 403) return new CommentWriteForbiddenError(`GitHub refused to ${what} (403 ${apiMessage(error)}).`);
    return error;
  };

  return {
    async identity(): Promise<Identity> {
      try {
        const { data } = await octokit.rest.users.getAuthenticated();
        return { login: data.login, source: 'user' };
      } catch (error) {
        const status = statusOf(error);
        if (status === 401) throw tokenRefused(error);
        if (status !== 403 && status !== 404) throw error;
        debug(`GET /user answered ${status} (an app installation token): asking GraphQL viewer`);
      }
      try {
        const data = await octokit.graphql<{ viewer?: { login?: string } }>('query { viewer { login } }');
        const login = data.viewer?.login;
        if (login) return { login, source: 'viewer' };
      } catch (error) {
        debug(`GraphQL viewer failed (${apiMessage(error)}): assuming ${ACTIONS_BOT_LOGIN}`);
      }
      return { login: ACTIONS_BOT_LOGIN, source: 'default' };
    },

    listComments(issueNumber: number): AsyncIterable<IssueComment[]> {
      const iterator = octokit.paginate.iterator(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: perPage });
      return {
        async *[Symbol.asyncIterator]() {
          try {
            for await (const page of iterator) yield (page.data as RawComment[]).map(toComment);
          } catch (error) {
            const status = statusOf(error);
            if (status === 401) throw tokenRefused(error);
            if (status === 404) {
              throw new ConfigurationError(`Pull request #${issueNumber} was not found in ${where} (404), or the token cannot read it.`, {
                input: 'pr-number',
                hint: 'Check pr-number (or the event that gives it) and that the token can read the repository.',
                cause: error,
              });
            }
            throw error;
          }
        },
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
          'mutation($subjectId: ID!, $classifier: ReportedContentClassifiers!) { minimizeComment(input: { subjectId: $subjectId, classifier: $classifier }) { minimizedComment { isMinimized } } }',
          { subjectId: nodeId, classifier: reason },
        );
      } catch (error) {
        throw writeError(error, `hide comment ${nodeId}`);
      }
    },

    async findOpenPullRequest(headOwner, branch, sha) {
      const { data } = await octokit.rest.pulls.list({ owner, repo, state: 'open', head: `${headOwner}:${branch}`, per_page: 10 });
      const match = data.find((pr) => !sha || pr.head?.sha === sha) ?? undefined;
      return match?.number;
    },
  };
}
