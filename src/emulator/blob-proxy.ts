/**
 * A fault-injecting proxy in front of the blob endpoint (Azurite), so blob traffic of the
 * actions (datastore uploads and reads) can be faulted through the same rules as ARM
 * (`/.emulator/faults`). Each request gets the operation id of the Storage REST API
 * (`BlockBlob_Upload`, `BlockBlob_StageBlock`, `BlockBlob_CommitBlockList`, `Blob_Download`,
 * `Blob_GetProperties`, `Container_ListBlobFlatSegment`, …); a rule can name one, or a prefix
 * with `*` (`BlockBlob_*`). Status faults answer with a Storage XML error body.
 *
 * Only clients told the proxy's address (the `blobEndpoint` of `/.emulator/info`) go through it;
 * the emulator itself (jobs, provisioning) talks to Azurite directly.
 */
import { request as httpRequest, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FaultInjector, FaultRuleState } from './faults.js';
import type { RequestLog } from './http/request-log.js';
import type { BlobEndpoint } from './types.js';

export interface BlobProxy {
  /** The proxied endpoint (same account, the proxy's address). */
  endpoint: BlobEndpoint;
  close(): Promise<void>;
}

/** The Storage REST operation id of a blob request. */
export function blobOperation(method: string, path: string, query: URLSearchParams, headers: Record<string, string | string[] | undefined>): string {
  const comp = (query.get('comp') ?? '').toLowerCase();
  const restype = (query.get('restype') ?? '').toLowerCase();
  const m = method.toUpperCase();
  if (restype === 'container') {
    if (comp === 'list') return query.has('delimiter') ? 'Container_ListBlobHierarchySegment' : 'Container_ListBlobFlatSegment';
    if (m === 'PUT') return 'Container_Create';
    if (m === 'DELETE') return 'Container_Delete';
    return 'Container_GetProperties';
  }
  if (comp === 'list') return 'Service_ListContainersSegment';
  if (comp === 'block') return 'BlockBlob_StageBlock';
  if (comp === 'blocklist') return m === 'PUT' ? 'BlockBlob_CommitBlockList' : 'BlockBlob_GetBlockList';
  if (comp === 'metadata') return m === 'PUT' ? 'Blob_SetMetadata' : 'Blob_GetProperties';
  if (comp === 'properties') return m === 'PUT' ? 'Blob_SetHttpHeaders' : 'Blob_GetProperties';
  if (comp === 'copy') return 'Blob_AbortCopyFromURL';
  if (comp) return `Blob_${comp}`;
  if (m === 'PUT') return headers['x-ms-copy-source'] ? 'Blob_StartCopyFromURL' : 'BlockBlob_Upload';
  if (m === 'HEAD') return 'Blob_GetProperties';
  if (m === 'DELETE') return 'Blob_Delete';
  if (m === 'GET') return path.split('/').filter(Boolean).length <= 1 ? 'Service_GetProperties' : 'Blob_Download';
  return `Blob_${m}`;
}

const STORAGE_CODES: Record<number, string> = {
  429: 'ServerBusy',
  500: 'InternalError',
  503: 'ServerBusy',
};

export async function startBlobProxy(target: BlobEndpoint, faults: FaultInjector, log: RequestLog | undefined, host = '127.0.0.1'): Promise<BlobProxy> {
  const upstream = new URL(target.url);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (closing || ms <= 0) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const answerFault = (res: ServerResponse, rule: FaultRuleState) => {
    const status = rule.status ?? 500;
    const code = rule.code ?? STORAGE_CODES[status] ?? (status >= 500 ? 'InternalError' : 'InvalidInput');
    const message = rule.message ?? `Injected fault: HTTP ${status}.`;
    const headers: Record<string, string> = { 'content-type': 'application/xml', 'x-ms-error-code': code };
    if (rule.retryAfter !== undefined) headers['retry-after'] = String(rule.retryAfter);
    res.writeHead(status, headers);
    res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message.replace(/[<&>]/g, '')}</Message></Error>`);
  };

  /** Applies a fault; true when the request was answered or dropped. */
  const apply = async (rule: FaultRuleState | undefined, req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (!rule) return false;
    switch (rule.kind) {
      case 'delay':
        await sleep(rule.ms ?? 0);
        return false;
      case 'status':
        answerFault(res, rule);
        return true;
      case 'stall':
        await sleep(rule.ms ?? 0);
        req.socket.destroy();
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
    }
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://blob.invalid');
      const method = (req.method ?? 'GET').toUpperCase();
      const operation = blobOperation(method, url.pathname, url.searchParams, req.headers);
      const target = { operation, method, path: url.pathname };
      const started = Date.now();
      const entry = log?.begin({ time: new Date().toISOString(), method, path: url.pathname, query: url.search.replace(/^\?/, ''), operation, requestId: '' });
      const before = faults.take(target, 'beforeHandler');
      if (entry && before) {
        entry.fault = before.kind;
        entry.faultRule = before.id;
      }
      if (await apply(before, req, res)) {
        if (entry) entry.durationMs = Date.now() - started;
        return;
      }
      const up = httpRequest(
        { host: upstream.hostname, port: upstream.port, method, path: req.url, headers: { ...req.headers, host: upstream.host } },
        (upRes) => {
          void (async () => {
            // afterHandler: Azurite did the work; the client sees the fault instead of its answer.
            const after = faults.take(target, 'afterHandler');
            if (after) {
              upRes.resume();
              if (entry) {
                entry.fault = after.kind;
                entry.faultRule = after.id;
              }
              if (await apply(after, req, res)) {
                if (entry) entry.durationMs = Date.now() - started;
                return;
              }
            }
            if (entry) {
              entry.status = upRes.statusCode;
              entry.durationMs = Date.now() - started;
            }
            if (res.destroyed) return upRes.resume();
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            upRes.pipe(res);
          })();
        },
      );
      up.on('error', (err) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`blob proxy: ${err.message}`);
        } else res.destroy();
      });
      req.pipe(up);
    })().catch(() => res.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve(server.address() as AddressInfo));
  });
  const path = upstream.pathname.replace(/\/+$/, '');
  return {
    endpoint: { ...target, url: `http://${host}:${address.port}${path}` },
    async close() {
      closing = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
