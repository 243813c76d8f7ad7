/**
 * Behind a proxy (a self-hosted runner with HTTP(S)_PROXY): the built pr-summary reaches GitHub's
 * API through the proxy. This is the path of the bundle's lazy undici (src/bundle/undici.ts and
 * dist/shared/undici/index.cjs): `@actions/github` asks `@actions/http-client` for a ProxyAgent
 * and fetches with undici, both loaded on this first use.
 *
 * The API is the loopback fake of GitHub under a name that is not loopback (so neither
 * http-client's bypass nor our loopback shortcut skips the proxy); the proxy tunnels each
 * CONNECT for that name to the fake.
 */
import { connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runAction } from '../harness/index.js';
import { startGitHubFake, type GitHubFake } from '../helpers/github-fake.js';

const OWNER = 'octo-org';
const REPO = 'ml-repo';
const API_HOST = 'api.github.proxy-test.invalid';
let fake: GitHubFake;
let proxy: Server;
const connects: string[] = [];

beforeAll(async () => {
  fake = await startGitHubFake();
  const fakePort = new URL(fake.baseUrl).port;
  proxy = createServer((req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client, head) => {
    connects.push(req.url ?? '');
    if (req.url !== `${API_HOST}:${fakePort}`) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(Number(fakePort), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise((r) => proxy?.close(r));
  await fake?.close();
});

it('pr-summary posts its comment through HTTP_PROXY', async () => {
  fake.addIssue(OWNER, REPO, 5);
  const apiUrl = fake.baseUrl.replace('127.0.0.1', API_HOST);
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  const r = await runAction({
    action: 'pr-summary',
    inputs: { 'github-token': 'ghs_actions', 'pr-number': '5' },
    env: { GITHUB_API_URL: apiUrl, GITHUB_GRAPHQL_URL: `${apiUrl}/graphql`, HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl },
    runnerTemp: mkdtempSync(join(tmpdir(), 'proxy-runner-')),
    repository: `${OWNER}/${REPO}`,
    timeoutMs: 60_000,
  });
  expect(r.main.exitCode, r.main.log).toBe(0);
  expect(r.outputs['mode-used']).toBe('create');
  expect(connects.length).toBeGreaterThan(0);
  expect(new Set(connects)).toEqual(new Set([`${API_HOST}:${new URL(fake.baseUrl).port}`]));
  expect(fake.commentsOf(OWNER, REPO, 5)).toHaveLength(1);
});
