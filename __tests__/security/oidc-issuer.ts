/**
 * A loopback GitHub Actions OIDC provider: what the runner offers a job with
 * `permissions: id-token: write`.
 *
 * - `GET <ACTIONS_ID_TOKEN_REQUEST_URL>&audience=…` with `Authorization: Bearer
 *   <ACTIONS_ID_TOKEN_REQUEST_TOKEN>` → `{ "value": "<JWT>" }` (what `core.getIDToken` reads);
 * - `GET /.well-known/openid-configuration` and `GET /.well-known/jwks` (what Entra ID reads to
 *   check the signature).
 *
 * The ID token is an RS256 JWT with GitHub's claims (`iss`, `sub` = `repo:<owner>/<repo>:ref:<ref>`,
 * `aud`, `repository`, `run_id`, `job_workflow_ref`, …). `misbehave` makes it expired, for another
 * audience or subject, or signed with a key that is not in the JWKS; each misbehaviour has its own
 * request token ({@link OidcIssuer.envFor}), so scenarios can run side by side. Served over https
 * with the test CA's certificate.
 */
import { generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TestCa } from './tls.js';

export type Misbehaviour = 'none' | 'expired' | 'wrong-audience' | 'wrong-subject' | 'foreign-key' | 'wrong-issuer';

export interface OidcIssuer {
  /** `https://127.0.0.1:<port>`: the `iss` of the tokens and where the metadata lives. */
  issuer: string;
  /** The environment the runner gives a job with `id-token: write` (well-behaved tokens). */
  env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  /** The same, with a request token for which the issuer hands out a token that misbehaves so. */
  envFor(m: Misbehaviour): { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  /** The `sub` claim of the tokens. */
  subject: string;
  /** Every ID token handed out (to scan logs for them). */
  issued: string[];
  /** Token requests: the audience asked for and whether the request bearer was right. */
  requests: Array<{ audience: string | null; authorized: boolean; misbehave?: Misbehaviour }>;
  close(): Promise<void>;
}

function b64url(v: unknown): string {
  return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
}

function jwt(claims: Record<string, unknown>, key: KeyObject, kid: string): string {
  const input = `${b64url({ typ: 'JWT', alg: 'RS256', x5t: kid, kid })}.${b64url(claims)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}

export async function startOidcIssuer(ca: TestCa, o: { repository?: string; ref?: string; runId?: string } = {}): Promise<OidcIssuer> {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(16).toString('hex').toUpperCase();
  const requestTokens = new Map<string, Misbehaviour>();
  const tokenFor = (m: Misbehaviour): string => {
    for (const [t, b] of requestTokens) if (b === m) return t;
    const t = `ghs_${randomBytes(24).toString('base64url')}`;
    requestTokens.set(t, m);
    return t;
  };
  const requestToken = tokenFor('none');
  const repository = o.repository ?? 'octo-org/ml-repo';
  const ref = o.ref ?? 'refs/heads/main';
  const sockets = new Set<Socket>();
  let base = '';

  const state: OidcIssuer = {
    issuer: '',
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken },
    subject: `repo:${repository}:ref:${ref}`,
    envFor: (m) => ({ ACTIONS_ID_TOKEN_REQUEST_URL: state.env.ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: tokenFor(m) }),
    issued: [],
    requests: [],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const send = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer({ cert: ca.cert, key: ca.key }, (req, res) => {
    const url = new URL(req.url ?? '/', base);
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return send(res, 200, {
        issuer: base,
        jwks_uri: `${base}/.well-known/jwks`,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['id_token'],
        claims_supported: [
          'sub',
          'aud',
          'exp',
          'iat',
          'iss',
          'jti',
          'nbf',
          'ref',
          'repository',
          'repository_owner',
          'run_id',
          'run_attempt',
          'actor',
          'workflow',
          'event_name',
          'job_workflow_ref',
        ],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'repo', 'repository_owner'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/.well-known/jwks') {
      const jwk = keys.publicKey.export({ format: 'jwk' });
      return send(res, 200, { keys: [{ kty: 'RSA', alg: 'RS256', use: 'sig', kid, x5t: kid, n: jwk.n, e: jwk.e }] });
    }
    if (req.method === 'GET' && url.pathname === '/_apis/idtoken') {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const m = bearer !== undefined ? requestTokens.get(bearer) : undefined;
      const audience = url.searchParams.get('audience');
      state.requests.push({ audience, authorized: m !== undefined, ...(m ? { misbehave: m } : {}) });
      if (m === undefined) return send(res, 401, { message: 'Bad credentials' });
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        jti: randomUUID(),
        sub: m === 'wrong-subject' ? `repo:evil-fork/ml-repo:ref:${ref}` : state.subject,
        aud: m === 'wrong-audience' ? 'https://github.com/octo-org' : (audience ?? `https://github.com/${repository.split('/')[0]}`),
        ref,
        sha: '8f2a1c9d3e4b5a6f7081928374655647382910ab',
        repository,
        repository_owner: repository.split('/')[0],
        run_id: o.runId ?? '8200',
        run_number: '7',
        run_attempt: '1',
        actor: 'octocat',
        workflow: 'mlops',
        event_name: 'push',
        ref_type: 'branch',
        job_workflow_ref: `${repository}/.github/workflows/mlops.yml@${ref}`,
        runner_environment: 'github-hosted',
        iss: m === 'wrong-issuer' ? 'https://token.actions.example.invalid' : base,
        nbf: m === 'expired' ? now - 7200 : now - 5,
        iat: m === 'expired' ? now - 7200 : now,
        exp: m === 'expired' ? now - 3600 : now + 300,
      };
      const token = jwt(claims, m === 'foreign-key' ? foreign.privateKey : keys.privateKey, kid);
      state.issued.push(token);
      return send(res, 200, { value: token });
    }
    send(res, 404, { message: 'Not Found' });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.issuer = base;
  state.env.ACTIONS_ID_TOKEN_REQUEST_URL = `${base}/_apis/idtoken?api-version=2.0`;
  return state;
}
