/**
 * Azure's blob host names for a client that cannot be told another blob endpoint: an HTTP proxy
 * (HTTPS_PROXY) that answers `CONNECT <account>.blob.core.windows.net:443`, terminates TLS with a
 * test-CA certificate for that name, and forwards each request to Azurite path-style
 * (`/<account>/<container>/<blob>`), signing it again with the account key: Shared Key signs the
 * canonicalized resource `/<account><path>`, which differs between the two URL styles
 * (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key).
 * SAS-signed requests go through unchanged (a SAS signs account, container and blob names, not
 * the URL style).
 *
 * azure-ai-ml 1.4.0 builds every storage url as `https://{account}.blob.core.windows.net`
 * (constants/_common.py STORAGE_ACCOUNT_URLS with the cloud's storage endpoint), whatever the
 * datastore's `endpoint` says; with this proxy it reaches Azurite with nothing patched.
 */
import { createHmac } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

export interface BlobHostProxy {
  /** `http://127.0.0.1:<port>`, the HTTPS_PROXY value. */
  url: string;
  /** Requests forwarded (method and Azure-style URL). */
  forwarded: string[];
  close(): Promise<void>;
}

export interface BlobHostProxyOptions {
  /** Azurite, path-style: `http://127.0.0.1:10000/devstoreaccount1`. */
  blobUrl: string;
  accountName: string;
  accountKey: string;
  /** Certificate (with the blob host name) and key for the TLS side. */
  cert: string;
  key: string;
}

const SIGNED_HEADERS = [
  'content-encoding',
  'content-language',
  'content-length',
  'content-md5',
  'content-type',
  'date',
  'if-modified-since',
  'if-match',
  'if-none-match',
  'if-unmodified-since',
  'range',
];

function header(h: IncomingMessage['headers'], name: string): string {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

/** Shared Key (2009-09-19 and later) string-to-sign of a request for `resourcePath` (`/<account>/…`). */
function sharedKeySignature(method: string, headers: IncomingMessage['headers'], resourcePath: string, query: URLSearchParams, key: string): string {
  const values = SIGNED_HEADERS.map((n) => {
    const v = header(headers, n);
    return n === 'content-length' && v === '0' ? '' : v;
  });
  const msHeaders = Object.keys(headers)
    .filter((n) => n.startsWith('x-ms-'))
    .sort()
    .map((n) => `${n}:${header(headers, n).trim()}\n`)
    .join('');
  const params = [...new Set([...query.keys()].map((k) => k.toLowerCase()))].sort();
  const canonicalQuery = params
    .map(
      (k) =>
        `\n${k}:${[...query.entries()]
          .filter(([q]) => q.toLowerCase() === k)
          .map(([, v]) => v)
          .sort()
          .join(',')}`,
    )
    .join('');
  const stringToSign = `${method}\n${values.join('\n')}\n${msHeaders}${resourcePath}${canonicalQuery}`;
  return createHmac('sha256', Buffer.from(key, 'base64')).update(stringToSign, 'utf8').digest('base64');
}

export async function startBlobHostProxy(o: BlobHostProxyOptions): Promise<BlobHostProxy> {
  const upstream = new URL(o.blobUrl);
  const accountPath = upstream.pathname.replace(/\/+$/, ''); // "/devstoreaccount1"
  const forwarded: string[] = [];
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, res: ServerResponse, host: string): void => {
    const incoming = new URL(req.url ?? '/', `https://${host}`);
    const account = host.split('.')[0]!;
    forwarded.push(`${req.method} ${incoming.href}`);
    if (account !== o.accountName) {
      res
        .writeHead(404, { 'content-type': 'application/xml' })
        .end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>AccountNotFound</Code><Message>No account ${account} behind this proxy.</Message></Error>`);
      return;
    }
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: upstream.host };
    const auth = header(req.headers, 'authorization');
    const path = `${accountPath}${incoming.pathname}`;
    if (auth.startsWith('SharedKey ')) {
      // Azurite (path-style) verifies against `/<account>` + its own path, which repeats the account.
      headers.authorization = `SharedKey ${o.accountName}:${sharedKeySignature(req.method ?? 'GET', req.headers, `/${o.accountName}${path}`, incoming.searchParams, o.accountKey)}`;
    }
    const up = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: `${path}${incoming.search}`, headers }, (ures) => {
      res.writeHead(ures.statusCode ?? 502, ures.headers);
      ures.pipe(res);
    });
    up.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
    req.pipe(up);
  };

  const inner = createServer((req, res) =>
    forward(req, res, String((req.socket as TLSSocket & { blobHost?: string }).blobHost ?? req.headers.host ?? '').replace(/:\d+$/, '')),
  );
  const proxy: Server = createServer((_req, res) => res.writeHead(405).end('CONNECT only'));
  proxy.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  proxy.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const target = req.url ?? '';
    const host = target.replace(/:\d+$/, '');
    if (!/\.blob\.core\.windows\.net$/i.test(host)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    const tls = new TLSSocket(socket, { isServer: true, cert: o.cert, key: o.key }) as TLSSocket & { blobHost?: string };
    tls.blobHost = host.toLowerCase();
    tls.on('error', () => socket.destroy());
    inner.emit('connection', tls);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        inner.close();
        proxy.close(() => resolve());
      }),
  };
}
