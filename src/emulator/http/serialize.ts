/** Writing an `EmulatorResponse` to the wire (JSON unless `raw` is given) with Azure's headers. */
import type { ServerResponse } from 'node:http';
import type { EmulatorResponse, RequestContext } from '../types.js';

export function standardHeaders(ctx: RequestContext): Record<string, string> {
  return {
    'x-ms-request-id': ctx.requestId,
    'x-ms-correlation-request-id': ctx.correlationId ?? ctx.requestId,
    'x-ms-routing-request-id': `EMULATOR:${ctx.now.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z:${ctx.requestId}`,
    'Cache-Control': 'no-cache',
    Pragma: 'no-cache',
    Expires: '-1',
    'X-Content-Type-Options': 'nosniff',
  };
}

export function writeResponse(res: ServerResponse, r: EmulatorResponse, ctx: RequestContext, method: string): void {
  const headers: Record<string, string> = { ...standardHeaders(ctx), ...(r.headers ?? {}) };
  let payload: Buffer | undefined;
  if (r.raw !== undefined) {
    payload = Buffer.isBuffer(r.raw) ? r.raw : Buffer.from(r.raw, 'utf8');
    if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'application/octet-stream';
  } else if (r.body !== undefined) {
    payload = Buffer.from(JSON.stringify(r.body), 'utf8');
    if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  if (r.status >= 400 && !hasHeader(headers, 'x-ms-response-type')) headers['x-ms-response-type'] = 'error';
  headers['Content-Length'] = String(payload && method !== 'HEAD' && r.status !== 204 && r.status !== 304 ? payload.length : 0);
  res.writeHead(r.status, headers);
  if (payload && method !== 'HEAD' && r.status !== 204 && r.status !== 304) res.end(payload);
  else res.end();
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.keys(headers).some((k) => k.toLowerCase() === lower);
}
