/**
 * A loopback fake of the parts of GitHub's API that pr-summary uses, for tests.
 *
 * `@octokit/openapi` is not installed, so the routes, parameters and response fields below were
 * written by hand from GitHub's REST documentation (API version 2022-11-28):
 * - GET    /user                                             (users/users#get-the-authenticated-user)
 * - GET    /repos/{owner}/{repo}/issues/{issue_number}/comments   (issues/comments#list-issue-comments)
 * - POST   /repos/{owner}/{repo}/issues/{issue_number}/comments   (issues/comments#create-an-issue-comment)
 * - PATCH  /repos/{owner}/{repo}/issues/comments/{comment_id}     (issues/comments#update-an-issue-comment)
 * - DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}     (issues/comments#delete-an-issue-comment)
 * - GET    /repos/{owner}/{repo}/pulls                             (pulls/pulls#list-pull-requests)
 * - POST   /graphql: `viewer { login }` and the `minimizeComment` mutation only.
 *
 * Every request is checked: a route that is not listed, a query parameter or body field the
 * route does not take, a missing `Authorization`, `User-Agent` or JSON `Accept` is recorded in
 * {@link GitHubFake.violations} (and answered 404/422 as GitHub would). Tokens are either personal
 * access tokens (`GET /user` works) or app installation tokens (`GET /user` → 403 "Resource not
 * accessible by integration", GraphQL `viewer` answers the bot); a read-only token gets 403 on
 * every write, as a fork PR's GITHUB_TOKEN does. Faults (secondary rate limits, 5xx) are queued by
 * rule (method, path, count), since the client under test cannot add headers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export interface FakeToken {
  user: FakeUser;
  /** `pat`: GET /user works; `installation`: it answers 403. */
  kind: 'pat' | 'installation';
  /** A read-only token: every write answers 403. */
  readOnly?: boolean;
}

export interface FakeComment {
  id: number;
  node_id: string;
  owner: string;
  repo: string;
  issue_number: number;
  body: string;
  user: FakeUser;
  created_at: string;
  updated_at: string;
  minimized?: string;
}

export interface FakePull {
  owner: string;
  repo: string;
  number: number;
  headOwner: string;
  headRepo: string;
  branch: string;
  sha: string;
  state: 'open' | 'closed';
}

export interface FakeFault {
  method?: string;
  /** Matched against the path (without the query). */
  path?: RegExp;
  /** How many requests it answers (default 1). */
  times?: number;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  token?: string;
  status: number;
}

export const ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
export const OWNER_USER: FakeUser = { login: 'octocat', id: 583231, type: 'User' };
export const OTHER_USER: FakeUser = { login: 'mallory', id: 777, type: 'User' };

const API_VERSION_DOCS = 'https://docs.github.com/rest';
const MINIMIZE_CLASSIFIERS = new Set(['SPAM', 'ABUSE', 'OFF_TOPIC', 'OUTDATED', 'DUPLICATE', 'RESOLVED']);

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  query: string[];
  body?: { required: string[]; optional: string[] };
  handler: (ctx: Ctx) => Reply;
}

interface Ctx {
  params: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown>;
  token: FakeToken;
  tokenText: string;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

function route(method: string, template: string, query: string[], handler: Route['handler'], body?: Route['body']): Route {
  const names: string[] = [];
  const pattern = new RegExp(
    '^' +
      template.replace(/\{([a-z_]+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      }) +
      '$',
  );
  return { method, pattern, names, query, handler, body };
}

export class GitHubFake {
  readonly tokens = new Map<string, FakeToken>();
  readonly comments: FakeComment[] = [];
  readonly pulls: FakePull[] = [];
  /** Issue and PR numbers that exist, per `owner/repo`. */
  readonly issues = new Map<string, Set<number>>();
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  private readonly faults: FakeFault[] = [];
  private nextId = 1000;
  private clock = Date.parse('2025-03-01T10:00:00Z');
  private server?: Server;
  baseUrl = '';

  constructor() {
    this.tokens.set('ghs_actions', { user: ACTIONS_BOT, kind: 'installation' });
    this.tokens.set('ghs_fork_readonly', { user: ACTIONS_BOT, kind: 'installation', readOnly: true });
    this.tokens.set('ghp_octocat', { user: OWNER_USER, kind: 'pat' });
    this.tokens.set('ghp_mallory', { user: OTHER_USER, kind: 'pat' });
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Repository ids, as GitHub's pagination links use them (`/repositories/{id}/...`). */
  private readonly repoIds = new Map<string, number>();

  private repoId(owner: string, repo: string): number {
    const key = `${owner}/${repo}`;
    if (!this.repoIds.has(key)) this.repoIds.set(key, 1_296_269 + this.repoIds.size);
    return this.repoIds.get(key)!;
  }

  addIssue(owner: string, repo: string, number: number): void {
    this.repoId(owner, repo);
    const key = `${owner}/${repo}`;
    if (!this.issues.has(key)) this.issues.set(key, new Set());
    this.issues.get(key)!.add(number);
  }

  addPull(p: Omit<FakePull, 'state'> & { state?: FakePull['state'] }): void {
    this.addIssue(p.owner, p.repo, p.number);
    this.pulls.push({ state: 'open', ...p });
  }

  /** A comment written directly into the store (as if posted earlier by `user`). */
  seedComment(owner: string, repo: string, issue: number, user: FakeUser, body: string): FakeComment {
    this.addIssue(owner, repo, issue);
    const c = this.newComment(owner, repo, issue, user, body);
    this.comments.push(c);
    return c;
  }

  commentsOf(owner: string, repo: string, issue: number): FakeComment[] {
    return this.comments.filter((c) => c.owner === owner && c.repo === repo && c.issue_number === issue);
  }

  /** Answers the next matching request(s) with an error instead of handling them. */
  fault(f: FakeFault): void {
    this.faults.push({ times: 1, ...f });
  }

  /** Requests made, as `METHOD /path` lines. */
  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  resetLog(): void {
    this.requests.length = 0;
    this.violations.length = 0;
  }

  private newComment(owner: string, repo: string, issue: number, user: FakeUser, body: string): FakeComment {
    const id = this.nextId++;
    this.clock += 1000;
    const at = new Date(this.clock).toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      id,
      node_id: `IC_kwDO${Buffer.from(String(id)).toString('base64').replace(/=/g, '')}`,
      owner,
      repo,
      issue_number: issue,
      body,
      user,
      created_at: at,
      updated_at: at,
    };
  }

  private userJson(u: FakeUser) {
    return {
      login: u.login,
      id: u.id,
      node_id: `U_${u.id}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
      gravatar_id: '',
      url: `${this.baseUrl}/users/${encodeURIComponent(u.login)}`,
      html_url: `https://github.com/${u.type === 'Bot' ? `apps/${u.login.replace(/\[bot\]$/, '')}` : u.login}`,
      type: u.type,
      site_admin: false,
    };
  }

  private commentJson(c: FakeComment) {
    return {
      id: c.id,
      node_id: c.node_id,
      url: `${this.baseUrl}/repos/${c.owner}/${c.repo}/issues/comments/${c.id}`,
      html_url: `https://github.com/${c.owner}/${c.repo}/pull/${c.issue_number}#issuecomment-${c.id}`,
      body: c.body,
      user: this.userJson(c.user),
      created_at: c.created_at,
      updated_at: c.updated_at,
      issue_url: `${this.baseUrl}/repos/${c.owner}/${c.repo}/issues/${c.issue_number}`,
      author_association: c.user.type === 'Bot' ? 'NONE' : 'OWNER',
      performed_via_github_app: c.user.type === 'Bot' ? { id: 15368, slug: 'github-actions', name: 'GitHub Actions' } : null,
    };
  }

  private notFound(doc: string): Reply {
    return { status: 404, body: { message: 'Not Found', documentation_url: `${API_VERSION_DOCS}/${doc}`, status: '404' } };
  }

  private forbidden(doc: string): Reply {
    return { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: `${API_VERSION_DOCS}/${doc}`, status: '403' } };
  }

  private bodyTooLong(body: unknown): Reply | undefined {
    if (typeof body !== 'string') return { status: 422, body: { message: "Invalid request.\n\nFor 'properties/body', nil is not a string.", status: '422' } };
    if ([...body].length > 65_536) {
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }],
          status: '422',
        },
      };
    }
    return undefined;
  }

  private findComment(p: Record<string, string>): FakeComment | undefined {
    return this.comments.find((c) => c.owner === p.owner && c.repo === p.repo && String(c.id) === p.comment_id);
  }

  private listComments(owner: string, repo: string, ctx: Ctx): Reply {
    const issue = Number(ctx.params.issue_number);
    if (!this.issues.get(`${owner}/${repo}`)?.has(issue)) return this.notFound('issues/comments#list-issue-comments');
    const perPage = ctx.query.per_page !== undefined ? Number(ctx.query.per_page) : 30;
    const page = ctx.query.page !== undefined ? Number(ctx.query.page) : 1;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100 || !Number.isInteger(page) || page < 1) {
      this.violations.push(`bad paging: per_page=${ctx.query.per_page} page=${ctx.query.page}`);
      return { status: 422, body: { message: 'Validation Failed' } };
    }
    const all = this.commentsOf(owner, repo, issue).sort((a, b) => a.id - b.id);
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const lastPage = Math.max(1, Math.ceil(all.length / perPage));
    const link = (n: number) => `<${this.baseUrl}/repositories/${this.repoId(owner, repo)}/issues/${issue}/comments?per_page=${perPage}&page=${n}>`;
    const rels: string[] = [];
    if (page > 1) rels.push(`${link(page - 1)}; rel="prev"`);
    if (page < lastPage) rels.push(`${link(page + 1)}; rel="next"`, `${link(lastPage)}; rel="last"`);
    if (page > 1) rels.push(`${link(1)}; rel="first"`);
    return { status: 200, body: slice.map((c) => this.commentJson(c)), headers: rels.length ? { link: rels.join(', ') } : {} };
  }

  private readonly routes: Route[] = [
    route('GET', '/user', [], (ctx) =>
      ctx.token.kind === 'pat'
        ? { status: 200, body: { ...this.userJson(ctx.token.user), name: ctx.token.user.login, created_at: '2011-01-25T18:44:36Z' } }
        : this.forbidden('users/users#get-the-authenticated-user'),
    ),
    route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', ['since', 'per_page', 'page'], (ctx) =>
      this.listComments(ctx.params.owner, ctx.params.repo, ctx),
    ),
    // the form GitHub's own `Link` headers use for the next pages
    route('GET', '/repositories/{repository_id}/issues/{issue_number}/comments', ['since', 'per_page', 'page'], (ctx) => {
      const key = [...this.repoIds].find(([, id]) => String(id) === ctx.params.repository_id)?.[0];
      if (!key) return this.notFound('issues/comments#list-issue-comments');
      const [owner, repo] = key.split('/');
      return this.listComments(owner, repo, ctx);
    }),

    route(
      'POST',
      '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      [],
      (ctx) => {
        const { owner, repo } = ctx.params;
        const issue = Number(ctx.params.issue_number);
        if (!this.issues.get(`${owner}/${repo}`)?.has(issue)) return this.notFound('issues/comments#create-an-issue-comment');
        if (ctx.token.readOnly) return this.forbidden('issues/comments#create-an-issue-comment');
        const invalid = this.bodyTooLong(ctx.body.body);
        if (invalid) return invalid;
        const c = this.newComment(owner, repo, issue, ctx.token.user, ctx.body.body as string);
        this.comments.push(c);
        return { status: 201, body: this.commentJson(c), headers: { location: this.commentJson(c).url } };
      },
      { required: ['body'], optional: [] },
    ),
    route(
      'PATCH',
      '/repos/{owner}/{repo}/issues/comments/{comment_id}',
      [],
      (ctx) => {
        const c = this.findComment(ctx.params);
        if (!c) return this.notFound('issues/comments#update-an-issue-comment');
        if (ctx.token.readOnly) return this.forbidden('issues/comments#update-an-issue-comment');
        const invalid = this.bodyTooLong(ctx.body.body);
        if (invalid) return invalid;
        c.body = ctx.body.body as string;
        this.clock += 1000;
        c.updated_at = new Date(this.clock).toISOString().replace(/\.\d+Z$/, 'Z');
        return { status: 200, body: this.commentJson(c) };
      },
      { required: ['body'], optional: [] },
    ),
    route('DELETE', '/repos/{owner}/{repo}/issues/comments/{comment_id}', [], (ctx) => {
      const c = this.findComment(ctx.params);
      if (!c) return this.notFound('issues/comments#delete-an-issue-comment');
      if (ctx.token.readOnly) return this.forbidden('issues/comments#delete-an-issue-comment');
      this.comments.splice(this.comments.indexOf(c), 1);
      return { status: 204 };
    }),
    route('GET', '/repos/{owner}/{repo}/pulls', ['state', 'head', 'base', 'sort', 'direction', 'per_page', 'page'], (ctx) => {
      const { owner, repo } = ctx.params;
      const state = ctx.query.state ?? 'open';
      if (!['open', 'closed', 'all'].includes(state)) return { status: 422, body: { message: 'Validation Failed' } };
      let list = this.pulls.filter((p) => p.owner === owner && p.repo === repo && (state === 'all' || p.state === state));
      if (ctx.query.head !== undefined) {
        const [headOwner, branch] = ctx.query.head.split(':');
        list = list.filter((p) => p.headOwner === headOwner && p.branch === branch);
      }
      return {
        status: 200,
        body: list.map((p) => ({
          url: `${this.baseUrl}/repos/${owner}/${repo}/pulls/${p.number}`,
          id: 1_000_000 + p.number,
          node_id: `PR_${p.number}`,
          number: p.number,
          state: p.state,
          title: `PR ${p.number}`,
          user: this.userJson(OWNER_USER),
          head: {
            label: `${p.headOwner}:${p.branch}`,
            ref: p.branch,
            sha: p.sha,
            user: this.userJson({ login: p.headOwner, id: 9, type: 'User' }),
            repo: { full_name: `${p.headOwner}/${p.headRepo}` },
          },
          base: { label: `${owner}:main`, ref: 'main', sha: '0'.repeat(40), repo: { full_name: `${owner}/${repo}` } },
        })),
      };
    }),
    route('POST', '/graphql', [], (ctx) => this.graphql(ctx), { required: ['query'], optional: ['variables', 'operationName'] }),
  ];

  private graphql(ctx: Ctx): Reply {
    const query = String(ctx.body.query ?? '');
    const variables = (ctx.body.variables ?? {}) as Record<string, unknown>;
    if (/^\s*query\s*\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/.test(query)) {
      return { status: 200, body: { data: { viewer: { login: ctx.token.user.login } } } };
    }
    if (/mutation[\s\S]*minimizeComment\s*\(\s*input\s*:/.test(query)) {
      const subjectId = variables.subjectId;
      const classifier = variables.classifier;
      if (typeof subjectId !== 'string' || typeof classifier !== 'string') {
        this.violations.push(`minimizeComment without subjectId/classifier variables: ${JSON.stringify(variables)}`);
        return { status: 200, body: { errors: [{ message: 'Variable $subjectId of type ID! was provided invalid value' }] } };
      }
      if (!MINIMIZE_CLASSIFIERS.has(classifier)) {
        this.violations.push(`unknown classifier ${classifier}`);
        return {
          status: 200,
          body: { errors: [{ message: `Argument 'classifier' on InputObject 'MinimizeCommentInput' has an invalid value (${classifier}).` }] },
        };
      }
      const c = this.comments.find((x) => x.node_id === subjectId);
      if (!c)
        return {
          status: 200,
          body: {
            data: { minimizeComment: null },
            errors: [{ type: 'NOT_FOUND', path: ['minimizeComment'], message: `Could not resolve to a node with the global id of '${subjectId}'` }],
          },
        };
      if (ctx.token.readOnly) {
        return {
          status: 200,
          body: {
            data: { minimizeComment: null },
            errors: [{ type: 'FORBIDDEN', path: ['minimizeComment'], message: 'Resource not accessible by integration' }],
          },
        };
      }
      c.minimized = classifier;
      return { status: 200, body: { data: { minimizeComment: { minimizedComment: { isMinimized: true, minimizedReason: classifier.toLowerCase() } } } } };
    }
    this.violations.push(`unsupported GraphQL document: ${query.slice(0, 200)}`);
    return { status: 200, body: { errors: [{ message: 'The fake supports only viewer { login } and minimizeComment' }] } };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams.entries());
    const auth = req.headers.authorization ?? '';
    const tokenText = /^(?:token|bearer)\s+(.+)$/i.exec(auth)?.[1];
    let body: unknown;
    const send = (reply: Reply) => {
      this.requests.push({ method, path, query, body, token: tokenText, status: reply.status });
      res.statusCode = reply.status;
      res.setHeader('x-github-api-version-selected', '2022-11-28');
      res.setHeader('x-ratelimit-limit', '5000');
      res.setHeader('x-ratelimit-remaining', '4999');
      for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
      if (reply.body === undefined) {
        res.end();
        return;
      }
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(reply.body));
    };

    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        this.violations.push(`${method} ${path}: body is not JSON`);
        return send({ status: 400, body: { message: 'Problems parsing JSON' } });
      }
    }
    if (!req.headers['user-agent']) this.violations.push(`${method} ${path}: no User-Agent (GitHub refuses such requests)`);
    const accept = String(req.headers.accept ?? '');
    if (!/application\/(vnd\.github[^,]*\+)?json/.test(accept)) this.violations.push(`${method} ${path}: Accept '${accept}' is not GitHub JSON`);

    // faults first: they stand for GitHub refusing before looking at the request
    const fault = this.faults.find((f) => (!f.method || f.method === method) && (!f.path || f.path.test(path)) && (f.times ?? 1) > 0);
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      return send({ status: fault.status, body: fault.body, headers: fault.headers });
    }

    const r = this.routes.find((x) => x.method === method && x.pattern.test(path));
    if (!r) {
      this.violations.push(`no such route: ${method} ${path}`);
      return send(this.notFound(''));
    }
    const token = tokenText ? this.tokens.get(tokenText) : undefined;
    if (!token) return send({ status: 401, body: { message: 'Bad credentials', documentation_url: API_VERSION_DOCS, status: '401' } });

    for (const q of Object.keys(query)) if (!r.query.includes(q)) this.violations.push(`${method} ${path}: query parameter '${q}' is not taken by this route`);
    if (r.body) {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        this.violations.push(`${method} ${path}: body must be a JSON object`);
        return send({ status: 422, body: { message: 'Invalid request.' } });
      }
      const b = body as Record<string, unknown>;
      for (const k of r.body.required) if (!(k in b)) this.violations.push(`${method} ${path}: body field '${k}' is required`);
      for (const k of Object.keys(b))
        if (!r.body.required.includes(k) && !r.body.optional.includes(k))
          this.violations.push(`${method} ${path}: body field '${k}' is not taken by this route`);
    } else if (body !== undefined && method !== 'GET' && method !== 'DELETE') {
      this.violations.push(`${method} ${path}: takes no body`);
    }
    const m = r.pattern.exec(path)!;
    const params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
    try {
      return send(r.handler({ params, query, body: (body ?? {}) as Record<string, unknown>, token, tokenText: tokenText! }));
    } catch (error) {
      this.violations.push(`${method} ${path}: handler threw ${String(error)}`);
      return send({ status: 500, body: { message: 'Server Error' } });
    }
  }
}

export async function startGitHubFake(): Promise<GitHubFake> {
  return new GitHubFake().start();
}

/** The body of GitHub's secondary rate limit answer. */
export const SECONDARY_RATE_LIMIT = {
  status: 403,
  headers: { 'retry-after': '1', 'x-ratelimit-remaining': '4990' },
  body: {
    message:
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
    documentation_url: 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    status: '403',
  },
};
