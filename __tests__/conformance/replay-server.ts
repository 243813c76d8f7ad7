/**
 * A real loopback HTTP server that answers with recorded Azure responses (the recordings in
 * ../shared/fixtures/azure-recordings, see recordings.ts), so that OUR clients can be run against
 * what Azure really sends.
 *
 * - A scenario is a list of recorded entries. A request is matched by method and path (re-scoped
 *   to the scope the client uses; the query, e.g. api-version, is ignored) against the entries in
 *   recorded order: the first not yet answered entry with that method and path answers. A
 *   request repeated beyond its recorded answers (one more poll than Azure needed) gets the last
 *   of them again.
 * - Recorded absolute URLs in response headers and bodies (`Location`, `Azure-AsyncOperation` in
 *   either spelling, `scoringUri`, `AzureAsyncOperationUri`, …) point at this server:
 *   `https://management.azure.com/...` becomes `<base>/...`, any other `https://<host>/...` becomes
 *   `<base>/__host/<host>/...` (and requests there are matched against that host's entries).
 * - Bodies are served as recorded: a JSON body as JSON; a string body with a JSON content type as
 *   the JSON string it was (e.g. a DELETE's `"null"`, a scoring script's `"[5215.19, ...]"`).
 * - Requests nothing answers get 501 with a `ReplayMiss` error and are listed in `misses`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RECORDED_SCOPE, type RecordedEntry, type Scope } from './recordings.js';

export interface ReplayRequest {
  method: string;
  /** The original host the request stands for (`management.azure.com`, a scoring host, …). */
  host: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Index of the answering entry in the scenario, or -1 for a miss. */
  entry: number;
  status: number;
}

export interface ReplayServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** `127.0.0.1:<port>` */
  host: string;
  /** Every request, in arrival order. */
  requests: ReplayRequest[];
  /** Requests no recorded entry answered. */
  misses: ReplayRequest[];
  /** Replaces the scenario (and forgets which entries answered). */
  load(entries: readonly RecordedEntry[]): void;
  /** Entries of the scenario not answered yet (by index). */
  unanswered(): number[];
  close(): Promise<void>;
}

export interface ReplayOptions {
  /** The scope the client uses; recorded subscription / group / workspace are rewritten to it. */
  scope?: Scope;
  /** Extra answers for requests outside the recordings (e.g. the emulator's `/.emulator/info`). */
  extra?: (req: { method: string; path: string }) => { status: number; body: unknown } | undefined;
}

const ARM_HOST = 'management.azure.com';

interface Prepared {
  method: string;
  host: string;
  /** Path without query, re-scoped, lower-cased for matching. */
  key: string;
  entry: RecordedEntry;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function startReplayServer(options: ReplayOptions = {}): Promise<ReplayServer> {
  const scope = options.scope ?? RECORDED_SCOPE;
  let prepared: Prepared[] = [];
  let answered = new Set<number>();
  const requests: ReplayRequest[] = [];
  const misses: ReplayRequest[] = [];
  let baseUrl = '';

  /** Re-scopes ARM paths and ids inside any text (paths, URLs, bodies). */
  const rescopeText = (text: string): string =>
    text
      .replace(new RegExp(`(/subscriptions/)${escapeRegExp(RECORDED_SCOPE.subscriptionId)}(?=[/?"]|$)`, 'gi'), `$1${scope.subscriptionId}`)
      .replace(new RegExp(`(/resourceGroups/)${escapeRegExp(RECORDED_SCOPE.resourceGroup)}(?=[/?"]|$)`, 'gi'), `$1${scope.resourceGroup}`)
      .replace(new RegExp(`(/workspaces/)${escapeRegExp(RECORDED_SCOPE.workspace)}(?=[/?"]|$)`, 'gi'), `$1${scope.workspace}`);

  /** Recorded absolute URLs → this server, and the recorded scope → the client's. */
  const rewrite = (text: string): string =>
    rescopeText(
      text.replace(/https:\/\/([A-Za-z0-9.-]+)(?=[/?"'\s]|$)/g, (_m, host: string) =>
        host.toLowerCase() === ARM_HOST ? baseUrl : `${baseUrl}/__host/${host.toLowerCase()}`,
      ),
    );

  const keyOf = (path: string) => rescopeText(decodeURIComponent(path)).toLowerCase().replace(/\/+$/, '');

  const load = (entries: readonly RecordedEntry[]): void => {
    prepared = entries.map((entry) => {
      const u = new URL(entry.RequestUri);
      return { method: entry.RequestMethod.toUpperCase(), host: u.hostname.toLowerCase(), key: keyOf(u.pathname), entry };
    });
    answered = new Set();
  };

  const serve = (entry: RecordedEntry, res: ServerResponse): number => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(entry.ResponseHeaders ?? {})) {
      if (/^content-length$/i.test(k)) continue;
      headers[k] = rewrite(String(v));
    }
    const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
    const b = entry.ResponseBody;
    let text: string;
    if (b === null || b === undefined) text = '';
    else if (typeof b === 'string') text = /json/i.test(contentType) ? JSON.stringify(b) : b;
    else text = JSON.stringify(b);
    text = rewrite(text);
    res.writeHead(entry.StatusCode, headers);
    res.end(entry.RequestMethod.toUpperCase() === 'HEAD' ? undefined : text);
    return entry.StatusCode;
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://replay');
      let host = ARM_HOST;
      let path = u.pathname;
      const m = /^\/__host\/([^/]+)(\/.*)?$/.exec(path);
      if (m) {
        host = m[1]!.toLowerCase();
        path = m[2] ?? '/';
      }
      const method = (req.method ?? 'GET').toUpperCase();
      const record: ReplayRequest = {
        method,
        host,
        path,
        query: u.search.replace(/^\?/, ''),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        entry: -1,
        status: 0,
      };
      requests.push(record);
      const extra = options.extra?.({ method, path });
      if (extra) {
        record.status = extra.status;
        res.writeHead(extra.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(extra.body));
        return;
      }
      const key = keyOf(path);
      const candidates = prepared.map((p, i) => ({ p, i })).filter(({ p }) => p.method === method && p.host === host && p.key === key);
      const next = candidates.find(({ i }) => !answered.has(i)) ?? candidates.at(-1);
      if (!next) {
        record.status = 501;
        misses.push(record);
        res.writeHead(501, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'ReplayMiss', message: `No recorded answer for ${method} ${host}${path}` } }));
        return;
      }
      answered.add(next.i);
      record.entry = next.i;
      record.status = serve(next.p.entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    host: `127.0.0.1:${port}`,
    requests,
    misses,
    load,
    unanswered: () => prepared.map((_p, i) => i).filter((i) => !answered.has(i)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
