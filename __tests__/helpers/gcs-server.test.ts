/**
 * The Google world of gcs-server.ts on the wire, as a client behind the proxy sees it (CONNECT,
 * then TLS checked against the test CA under the Google host name): objects.list paging and
 * delimiter, generations (a replaced object's old generation is gone), media headers with the
 * CRC32C the client validates, the JSON API's error bodies, and the proxy refusing other hosts.
 */
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Misbehaviour } from '../security/oidc-issuer.js';
import { crc32c, startGcs, type RunningGcs } from './gcs-server.js';

let gcs: RunningGcs;
let token: string;
const SA = 'wire@ml-project.iam.gserviceaccount.com';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One HTTPS request to `host` through the proxy, verifying the server certificate for that name. */
function google(host: string, method: string, path: string, o: { body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const proxy = new URL(gcs.proxyUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: proxy.hostname, port: Number(proxy.port), method: 'CONNECT', path: `${host}:443` });
    req.on('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        resolve({ status: res.statusCode ?? 0, headers: {}, body: '' });
        return;
      }
      const tls = tlsConnect({ socket, servername: host, ca: gcs.ca.caPem }, () => {
        const head = [`${method} ${path} HTTP/1.1`, `Host: ${host}`, 'Connection: close', ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`)];
        if (o.body !== undefined) head.push(`Content-Length: ${Buffer.byteLength(o.body)}`);
        // write, not end: a half-closed socket would be closed before an async handler answers
        tls.write(`${head.join('\r\n')}\r\n\r\n${o.body ?? ''}`);
      });
      const chunks: Buffer[] = [];
      tls.on('data', (c: Buffer) => chunks.push(c));
      tls.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const [top, ...rest] = text.split('\r\n\r\n');
        const lines = top!.split('\r\n');
        const headers: Record<string, string> = {};
        for (const l of lines.slice(1)) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
        resolve({ status: Number(lines[0]!.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
      });
      tls.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const storage = (path: string, auth = true) => google('storage.googleapis.com', 'GET', path, auth ? { headers: { Authorization: `Bearer ${token}` } } : {});

beforeAll(async () => {
  gcs = await startGcs({ pageSize: 2 });
  gcs.createBucket('wire');
  gcs.grant('wire', `serviceAccount:${SA}`);
  gcs.put('wire', 'm', { 'a.txt': 'a', 'b.txt': 'bb', 'sub/c.txt': 'ccc', 'sub/d.txt': 'dddd', 'z.txt': 'z' });
  // A token for the service account, through its key: the JWT-bearer grant verified against the key.
  gcs.serviceAccount(SA);
  const key = JSON.parse(readFileSync(gcs.serviceAccountKeyFile(SA), 'utf8')) as { private_key: string; client_email: string };
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ iss: key.client_email, scope: 'https://www.googleapis.com/auth/devstorage.read_only', aud: 'https://oauth2.googleapis.com/token', iat: now, exp: now + 600 })}`;
  const assertion = `${input}.${createSign('RSA-SHA256').update(input).sign(key.private_key).toString('base64url')}`;
  const r = await google('oauth2.googleapis.com', 'POST', '/token', {
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  expect(r.status, r.body).toBe(200);
  token = (JSON.parse(r.body) as { access_token: string }).access_token;
});
afterAll(async () => {
  await gcs?.close();
});

describe('the Cloud Storage JSON API', () => {
  it('objects.list pages with nextPageToken, in name order; a delimiter folds sub-folders into prefixes', async () => {
    const names: string[] = [];
    let pageToken = '';
    let pages = 0;
    do {
      const r = await storage(`/storage/v1/b/wire/o?prefix=m%2F${pageToken ? `&pageToken=${pageToken}` : ''}`);
      expect(r.status).toBe(200);
      const page = JSON.parse(r.body) as {
        kind: string;
        items: Array<{ name: string; size: string; generation: string; crc32c: string }>;
        nextPageToken?: string;
      };
      expect(page.kind).toBe('storage#objects');
      names.push(...page.items.map((i) => i.name));
      expect(typeof page.items[0]!.size).toBe('string');
      pageToken = page.nextPageToken ?? '';
      pages++;
    } while (pageToken);
    expect(names).toEqual(['m/a.txt', 'm/b.txt', 'm/sub/c.txt', 'm/sub/d.txt', 'm/z.txt']);
    expect(pages).toBe(3);

    const folded = JSON.parse((await storage('/storage/v1/b/wire/o?prefix=m%2F&delimiter=%2F&maxResults=10')).body) as {
      items: Array<{ name: string }>;
      prefixes: string[];
    };
    expect(folded.items.map((i) => i.name)).toEqual(['m/a.txt', 'm/b.txt', 'm/z.txt']);
    expect(folded.prefixes).toEqual(['m/sub/']);
    // Nothing under a prefix: no `items` at all.
    expect(JSON.parse((await storage('/storage/v1/b/wire/o?prefix=none%2F')).body)).toEqual({ kind: 'storage#objects' });
  });

  it('media carries x-goog-hash with the CRC32C the client checks; a replaced object keeps no old generation', async () => {
    const md = JSON.parse((await storage('/storage/v1/b/wire/o/m%2Fa.txt')).body) as { generation: string; crc32c: string; md5Hash: string };
    expect(md.crc32c).toBe(crc32c(Buffer.from('a')).toString('base64'));
    const media = await storage(`/storage/v1/b/wire/o/m%2Fa.txt?alt=media&generation=${md.generation}`);
    expect(media.body).toBe('a');
    expect(media.headers['x-goog-hash']).toBe(`crc32c=${md.crc32c},md5=${md.md5Hash}`);
    expect(media.headers['x-goog-generation']).toBe(md.generation);

    const newer = gcs.replace('wire', 'm/a.txt', 'A2');
    expect(BigInt(newer) > BigInt(md.generation)).toBe(true);
    expect((await storage(`/download/storage/v1/b/wire/o/m%2Fa.txt?alt=media&generation=${newer}`)).body).toBe('A2');
    const old = await storage(`/storage/v1/b/wire/o/m%2Fa.txt?alt=media&generation=${md.generation}`);
    expect(old.status).toBe(404);
    expect(JSON.parse(old.body)).toEqual({
      error: {
        code: 404,
        message: 'No such object: wire/m/a.txt',
        errors: [{ message: 'No such object: wire/m/a.txt', domain: 'global', reason: 'notFound' }],
      },
    });
  });

  it("errors in the JSON API's shape: no token, a bad token, an unknown bucket, no access", async () => {
    const anonymous = await storage('/storage/v1/b/wire/o', false);
    expect(anonymous.status).toBe(401);
    expect((JSON.parse(anonymous.body) as { error: { errors: Array<{ reason: string }> } }).error.errors[0]!.reason).toBe('required');
    const bad = await google('storage.googleapis.com', 'GET', '/storage/v1/b/wire/o', { headers: { Authorization: 'Bearer ya29.forged' } });
    expect(bad.status).toBe(401);
    expect((JSON.parse(bad.body) as { error: { message: string } }).error.message).toBe('Invalid Credentials');
    const unknown = await storage('/storage/v1/b/nope/o');
    expect(unknown.status).toBe(404);
    expect((JSON.parse(unknown.body) as { error: { message: string } }).error.message).toBe('The specified bucket does not exist.');
    gcs.createBucket('private');
    const denied = await storage('/storage/v1/b/private/o');
    expect(denied.status).toBe(403);
    expect((JSON.parse(denied.body) as { error: { message: string } }).error.message).toBe(
      `${SA} does not have storage.objects.list access to the Google Cloud Storage bucket. Permission 'storage.objects.list' denied on resource (or it may not exist).`,
    );
  });

  it('the STS verifies the GitHub ID token for real: signature, audience, expiry', async () => {
    const idToken = (m: Misbehaviour) =>
      new Promise<string>((resolve, reject) => {
        const url = new URL(gcs.github.env.ACTIONS_ID_TOKEN_REQUEST_URL);
        url.searchParams.set('audience', `https://iam.googleapis.com/${gcs.provider}`);
        httpsGet(url, { ca: gcs.ca.caPem, headers: { Authorization: `Bearer ${gcs.github.envFor(m).ACTIONS_ID_TOKEN_REQUEST_TOKEN}` } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => resolve((JSON.parse(text) as { value: string }).value));
        }).on('error', reject);
      });
    const exchange = async (m: Misbehaviour) => {
      const r = await google('sts.googleapis.com', 'POST', '/v1/token', {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          audience: `//iam.googleapis.com/${gcs.provider}`,
          scope: 'https://www.googleapis.com/auth/cloud-platform',
          requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          subject_token: await idToken(m),
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        }).toString(),
      });
      return { status: r.status, body: JSON.parse(r.body) as Record<string, unknown> };
    };
    expect(await exchange('none')).toMatchObject({
      status: 200,
      body: { token_type: 'Bearer', issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', expires_in: 3600 },
    });
    expect(await exchange('foreign-key')).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT signature.' } });
    expect((await exchange('wrong-audience')).body.error_description).toMatch(
      /^The audience in ID Token \[https:\/\/github\.com\/octo-org\] does not match the expected audience\.$/,
    );
    expect((await exchange('wrong-issuer')).body.error_description).toMatch(
      /^The issuer in ID Token https:\/\/token\.actions\.example\.invalid does not match/,
    );
    expect(await exchange('expired')).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: expect.stringMatching(/^ID Token expired at/) },
    });
  });

  it('the proxy tunnels the Google hosts only', async () => {
    expect((await google('example.com', 'GET', '/')).status).toBe(403);
    expect(gcs.connects).toContain('example.com:443');
  });
});
