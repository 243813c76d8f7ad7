/**
 * The request pipeline, assembled in one place:
 *   context → dispatch (route table → operation) → request log → faults (beforeHandler) →
 *   authentication → api-version → body → handler → faults (afterHandler) → serialise → log.
 * Errors thrown anywhere become ARM error bodies (the error catalogue). Admin routes
 * (`/.emulator/*`) skip the log, faults and authentication.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { checkApiVersion, isArmPath } from './arm/api-version.js';
import { ArmError, ArmErrors, toArmError } from './arm/errors.js';
import { resourceTypeFromPath } from './arm/ids.js';
import { authenticate } from './auth/authenticate.js';
import type { TokenService } from './auth/tokens.js';
import type { FaultInjector, FaultRuleState } from './faults.js';
import { parseBody, readBody } from './http/body.js';
import type { RequestLog, RequestLogEntry } from './http/request-log.js';
import { Router, type DispatchResult } from './http/router.js';
import { writeResponse } from './http/serialize.js';
import type { EmulatorRequest, EmulatorResponse, RequestContext, Route } from './types.js';

export interface EmulatorServerOptions {
  /** Routes of every module (ARM, token, MLflow, …). */
  routes: Route[];
  /** Anonymous `/.emulator/*` routes: not logged, not faulted. */
  adminRoutes: Route[];
  tokens: TokenService;
  faults: FaultInjector;
  log: RequestLog;
  /** Location used in api-version messages. */
  location: string;
}

/** A certificate (PEM) and its private key for the https listener. */
export interface TlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
}

export interface EmulatorServer {
  server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** A second listener serving the same routes over https (clients that insist on TLS: MSAL, bearer policies). */
  listenTls(port: number, host: string, tls: TlsOptions): Promise<AddressInfo>;
  close(): Promise<void>;
}

const ADMIN_PREFIX = '/.emulator/';

function headerMap(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function errorResponse(e: ArmError): EmulatorResponse {
  return { status: e.status, body: e.toBody(), ...(e.options.headers ? { headers: e.options.headers } : {}) };
}

export function createEmulatorServer(o: EmulatorServerOptions): EmulatorServer {
  const router = new Router(o.routes);
  const admin = new Router(o.adminRoutes);
  const sockets = new Set<Socket>();
  const waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closing = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (closing || ms <= 0) return resolve();
      const w = {
        timer: setTimeout(() => {
          waits.delete(w);
          resolve();
        }, ms),
        resolve,
      };
      waits.add(w);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const path = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const headers = headerMap(req);
    const scheme = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
    const ctx: RequestContext = {
      requestId: randomUUID(),
      now: new Date(),
      baseUrl: `${scheme}://${headers.host ?? `${(req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '')}:${req.socket.localPort}`}`,
      operation: '',
      correlationId: headers['x-ms-correlation-request-id'] ?? randomUUID(),
      path,
    };
    const isAdmin = path.startsWith(ADMIN_PREFIX);
    const dispatch: DispatchResult = (isAdmin ? admin : router).dispatch(method, path);
    const route = dispatch.kind === 'match' ? dispatch.match.route : undefined;
    ctx.operation = route?.operation ?? '';

    const entry: RequestLogEntry | undefined = isAdmin
      ? undefined
      : o.log.begin({ time: ctx.now.toISOString(), method, path, query: url.search.replace(/^\?/, ''), operation: ctx.operation, requestId: ctx.requestId });
    const target = { operation: ctx.operation, method, path };

    /** Applies a fault; returns a response to send, 'handled' when the socket was dealt with, or undefined to go on. */
    const applyFault = async (rule: FaultRuleState | undefined): Promise<EmulatorResponse | 'handled' | undefined> => {
      if (!rule) return undefined;
      if (entry) {
        entry.fault = rule.kind;
        entry.faultRule = rule.id;
      }
      switch (rule.kind) {
        case 'delay':
          await sleep(rule.ms ?? 0);
          return undefined;
        case 'status': {
          const e = ArmErrors.injected(rule.status!, rule.code, rule.message);
          const r = errorResponse(e);
          // The token endpoint answers in OAuth's shape, as Entra ID does.
          if (ctx.operation.startsWith('OAuth2_'))
            r.body = {
              error: rule.status! >= 500 || rule.status === 429 ? 'temporarily_unavailable' : 'invalid_request',
              error_description: `${e.code}: ${e.message}`,
              error_codes: [rule.status!],
            };
          if (rule.retryAfter !== undefined) r.headers = { ...(r.headers ?? {}), 'Retry-After': String(rule.retryAfter) };
          return r;
        }
        case 'stall':
          await sleep(rule.ms ?? 0);
          req.socket.destroy();
          return 'handled';
        case 'reset':
          req.socket.destroy();
          return 'handled';
      }
    };

    const finish = (r: EmulatorResponse) => {
      if (entry) {
        entry.status = r.status;
        const code = (r.body as { error?: { code?: unknown } } | undefined)?.error?.code;
        if (r.status >= 400 && typeof code === 'string') entry.errorCode = code;
        entry.durationMs = Date.now() - started;
      }
      if (res.headersSent || res.destroyed) return;
      try {
        writeResponse(res, r, ctx, method);
      } catch {
        res.destroy();
      }
    };

    let response: EmulatorResponse;
    try {
      const before = isAdmin ? undefined : await applyFault(o.faults.take(target, 'beforeHandler'));
      if (before === 'handled') {
        if (entry) entry.durationMs = Date.now() - started;
        return;
      }
      if (before) return finish(before);

      const armPath = isArmPath(path);
      const authMode = isAdmin ? 'none' : (route?.auth ?? (armPath ? 'arm' : 'none'));
      if (authMode === 'arm' || authMode === 'mlflow') {
        ctx.principal = authenticate(authMode, headers.authorization, o.tokens, ctx.now, ctx.baseUrl);
      }
      if (armPath) checkApiVersion(path, url.searchParams, o.location);
      if (dispatch.kind === 'not-found') {
        const type = armPath ? resourceTypeFromPath(path) : undefined;
        throw type ? ArmErrors.invalidResourceType(type, url.searchParams.get('api-version') ?? '') : ArmErrors.noRoute(method, path);
      }
      if (dispatch.kind === 'method-not-allowed') throw ArmErrors.methodNotAllowed(method, dispatch.allowed);

      const rawBody = await readBody(req);
      let body: unknown;
      try {
        body = parseBody(rawBody, headers['content-type']);
      } catch (err) {
        if (armPath || isAdmin) throw err;
        body = undefined;
      }
      const emReq: EmulatorRequest = { method, params: dispatch.match.params, query: url.searchParams, headers, body, rawBody, ctx };
      response = await dispatch.match.route.handler(emReq);
    } catch (err) {
      response = errorResponse(toArmError(err));
    }

    if (!isAdmin) {
      const after = await applyFault(o.faults.take(target, 'afterHandler'));
      if (after === 'handled') {
        if (entry) entry.durationMs = Date.now() - started;
        return;
      }
      if (after) response = after;
    }
    finish(response);
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      // Last resort: the pipeline itself failed.
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(ArmErrors.internal(err instanceof Error ? err.message : String(err)).toBody()));
      }
    });
  };
  const track = (srv: Server) => {
    srv.keepAliveTimeout = 5_000;
    srv.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    return srv;
  };
  const server = track(createServer(listener));
  const servers: Server[] = [server];
  const listenOn = (srv: Server, port: number, host: string) =>
    new Promise<AddressInfo>((resolve, reject) => {
      const onError = (err: Error) => reject(new Error(`emulator: cannot listen on ${host}:${port}: ${err.message}`));
      srv.once('error', onError);
      srv.listen(port, host, () => {
        srv.off('error', onError);
        resolve(srv.address() as AddressInfo);
      });
    });

  return {
    server,
    listen(port, host) {
      return listenOn(server, port, host);
    },
    listenTls(port, host, tls) {
      const secure = track(createHttpsServer({ cert: tls.cert, key: tls.key }, listener));
      servers.push(secure);
      return listenOn(secure, port, host);
    },
    async close() {
      closing = true;
      for (const w of waits) {
        clearTimeout(w.timer);
        w.resolve();
      }
      waits.clear();
      setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, 200).unref();
      await Promise.all(
        servers.map(
          (srv) =>
            new Promise<void>((resolve) => {
              if (!srv.listening) return resolve();
              srv.close(() => resolve());
              srv.closeIdleConnections();
            }),
        ),
      );
    },
  };
}
