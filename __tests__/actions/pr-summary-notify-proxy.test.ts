/**
 * Behind a proxy (a self-hosted runner with HTTPS_PROXY): the built pr-summary posts its Slack
 * notification through the proxy (a CONNECT tunnel), to an HTTPS receiver under a name that is
 * not loopback, whose certificate (made here with openssl) the step trusts through
 * NODE_EXTRA_CA_CERTS. The proxy sees the host and port only; the URL's secret path travels in
 * the tunnel.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendLedger } from '../../src/core/ledger.js';
import { runAction } from '../harness/index.js';
import { startSlackReceiver, type Receiver } from '../helpers/webhook-receivers.js';
import { gateEntry, modelEntry } from '../report/fixtures.js';

const HOST = 'hooks.slack.proxy-test.invalid';
let slack: Receiver;
let proxy: Server;
let caFile: string;
const connects: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'notify-tls-'));
  caFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      caFile,
      '-days',
      '1',
      '-subj',
      `/CN=${HOST}`,
      '-addext',
      `subjectAltName=DNS:${HOST}`,
    ],
    { stdio: 'ignore' },
  );
  slack = await startSlackReceiver({ tls: { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(caFile, 'utf8'), host: HOST } });
  proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client, head) => {
    connects.push(req.url ?? '');
    if (req.url !== `${HOST}:443`) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(slack.port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
});

afterAll(async () => {
  await slack?.close();
  proxy?.closeAllConnections();
  await new Promise<void>((ok) => (proxy ? proxy.close(() => ok()) : ok()));
});

it('posts the Slack notification through HTTPS_PROXY', async () => {
  const runnerTemp = mkdtempSync(join(tmpdir(), 'prs-proxy-'));
  for (const e of [gateEntry(), modelEntry()]) appendLedger(e, { RUNNER_TEMP: runnerTemp });
  const { port } = proxy.address() as { port: number };
  const r = await runAction({
    action: 'pr-summary',
    // no token: the job summary only, and the notification
    inputs: { 'github-token': '', 'notify-slack-webhook': slack.url },
    env: { HTTPS_PROXY: `http://127.0.0.1:${port}`, NODE_EXTRA_CA_CERTS: caFile, GITHUB_TOKEN: '' },
    eventName: 'push',
    event: { ref: 'refs/heads/main' },
    runnerTemp,
    repository: 'octo-org/ml-repo',
    runId: '2718281828',
    timeoutMs: 60_000,
  });
  expect(r.main.exitCode, r.main.log).toBe(0);
  expect(r.main.annotations.filter((a) => a.level === 'warning')).toEqual([]);
  expect(connects).toEqual([`${HOST}:443`]);
  expect(slack.received.map((x) => [x.status, x.problems])).toEqual([[200, []]]);
  expect(r.main.log).toContain('Slack webhook: notification posted (HTTP 200).');
  expect(
    r.main.log
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n'),
  ).not.toContain('s3cr3t');
});
