/**
 * Local Slack and Microsoft Teams webhook receivers: node:http servers on 127.0.0.1 that check a
 * posted body as the services do and answer as they answer.
 *
 * Slack (incoming webhook): a JSON body with a `blocks` array of known block types whose text
 * objects respect Block Kit's documented limits (50 blocks; header plain_text ≤ 150; section text
 * 1–3000, fields ≤ 10 of ≤ 2000; context ≤ 10 elements:
 * https://docs.slack.dev/reference/block-kit/blocks and the pages of each block), and mrkdwn
 * whose `<…>` are only links (`&`, `<`, `>` escaped: https://docs.slack.dev/messaging/formatting-message-text#escaping).
 * Answers 200 `ok`; a body that is not JSON 400 `invalid_payload`, bad blocks 400
 * `invalid_blocks` (https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks;
 * chat.postMessage's `invalid_blocks`).
 *
 * Teams (workflow, "When a Teams webhook request is received"): `{type: "message", attachments:
 * [{contentType: "application/vnd.microsoft.card.adaptive", content: <AdaptiveCard>}]}` with the
 * card's `$schema`, `type`, `version` (≤ 1.5, what Teams renders) and body elements of known types,
 * at most 28 KB (https://learn.microsoft.com/en-us/connectors/teams/). Answers 202 Accepted (the
 * Request trigger without a Response action: https://learn.microsoft.com/en-us/azure/connectors/connectors-native-reqres),
 * 400 with a JSON error otherwise, 413 when too large.
 *
 * Faults are queued: each one answers one request instead of the checks.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Fault {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Hold the request this long before answering (a slow service). */
  delayMs?: number;
}

export interface Received {
  path: string;
  contentType?: string;
  raw: string;
  body?: unknown;
  status: number;
  problems: string[];
}

export interface Receiver {
  /** A webhook URL with a secret-looking path. */
  url: string;
  /** The loopback port it listens on. */
  port: number;
  received: Received[];
  /** Bodies accepted (status 2xx). */
  accepted(): unknown[];
  fault(f: Fault): void;
  close(): Promise<void>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// Slack

const SLACK_BLOCKS = new Set(['header', 'section', 'context', 'divider', 'actions', 'image', 'rich_text', 'markdown']);

function slackMrkdwnProblems(text: string, at: string): string[] {
  const out: string[] = [];
  // every `<…>` must be a link (`<https://…|label>`): a raw `<` would be a mention or a command
  for (const m of text.matchAll(/<([^>]*)>/g)) {
    if (!/^https?:\/\/[^|\s]+(\|[^<>]*)?$/.test(m[1])) out.push(`${at}: <${m[1]}> is not a link`);
  }
  if (/&(?!amp;|lt;|gt;)/.test(text)) out.push(`${at}: a bare & (escape it as &amp;)`);
  const opened = text.replace(/<[^>]*>/g, '');
  if (/[<>]/.test(opened)) out.push(`${at}: a bare < or >`);
  return out;
}

function slackText(v: unknown, at: string, max: number, only?: 'plain_text'): string[] {
  if (!isObj(v)) return [`${at}: not a text object`];
  const out: string[] = [];
  const allowed = new Set(['type', 'text', 'emoji', 'verbatim']);
  for (const k of Object.keys(v)) if (!allowed.has(k)) out.push(`${at}.${k}: unknown field`);
  if (v.type !== 'plain_text' && v.type !== 'mrkdwn') out.push(`${at}.type: '${String(v.type)}'`);
  if (only && v.type !== only) out.push(`${at}.type must be ${only}`);
  if (typeof v.text !== 'string' || v.text.length === 0) out.push(`${at}.text: empty`);
  else {
    if (v.text.length > max) out.push(`${at}.text: ${v.text.length} characters, more than ${max}`);
    if (v.type === 'mrkdwn') out.push(...slackMrkdwnProblems(v.text, `${at}.text`));
  }
  return out;
}

export function slackProblems(body: unknown): string[] {
  if (!isObj(body)) return ['not an object'];
  const out: string[] = [];
  if (body.text !== undefined && typeof body.text !== 'string') out.push('text: not a string');
  if (typeof body.text === 'string') out.push(...slackMrkdwnProblems(body.text, 'text'));
  if (!Array.isArray(body.blocks)) return [...out, 'blocks: not an array'];
  if (body.blocks.length === 0 || body.blocks.length > 50) out.push(`blocks: ${body.blocks.length} blocks (1–50)`);
  body.blocks.forEach((b, i) => {
    const at = `blocks[${i}]`;
    if (!isObj(b) || typeof b.type !== 'string' || !SLACK_BLOCKS.has(b.type)) {
      out.push(`${at}: unknown block type`);
      return;
    }
    const known: Record<string, string[]> = { header: ['text'], section: ['text', 'fields', 'accessory'], context: ['elements'], divider: [] };
    for (const k of Object.keys(b)) if (k !== 'type' && k !== 'block_id' && !(known[b.type] ?? []).includes(k)) out.push(`${at}.${k}: unknown field`);
    if (b.type === 'header') out.push(...slackText(b.text, `${at}.text`, 150, 'plain_text'));
    if (b.type === 'section') {
      if (b.text === undefined && b.fields === undefined) out.push(`${at}: neither text nor fields`);
      if (b.text !== undefined) out.push(...slackText(b.text, `${at}.text`, 3000));
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields) || b.fields.length === 0 || b.fields.length > 10) out.push(`${at}.fields: 1–10 items`);
        else b.fields.forEach((f, j) => out.push(...slackText(f, `${at}.fields[${j}]`, 2000)));
      }
    }
    if (b.type === 'context') {
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) out.push(`${at}.elements: 1–10 items`);
      else b.elements.forEach((e, j) => out.push(...slackText(e, `${at}.elements[${j}]`, 3000)));
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Teams

const CARD_ELEMENTS = new Set(['TextBlock', 'FactSet', 'ColumnSet', 'Container', 'Image', 'RichTextBlock', 'ActionSet', 'Table']);
export const TEAMS_LIMIT_BYTES = 28 * 1024;

export function teamsProblems(body: unknown): string[] {
  if (!isObj(body)) return ['not an object'];
  const out: string[] = [];
  if (body.type !== 'message') out.push(`type: '${String(body.type)}', not 'message'`);
  if (!Array.isArray(body.attachments) || body.attachments.length === 0) return [...out, 'attachments: none'];
  body.attachments.forEach((a, i) => {
    const at = `attachments[${i}]`;
    if (!isObj(a)) return void out.push(`${at}: not an object`);
    if (a.contentType !== 'application/vnd.microsoft.card.adaptive') out.push(`${at}.contentType: '${String(a.contentType)}'`);
    const c = a.content;
    if (!isObj(c)) return void out.push(`${at}.content: not an object`);
    if (c.type !== 'AdaptiveCard') out.push(`${at}.content.type: '${String(c.type)}'`);
    if (typeof c.$schema !== 'string' || !/adaptive-card\.json$/.test(c.$schema)) out.push(`${at}.content.$schema: '${String(c.$schema)}'`);
    if (typeof c.version !== 'string' || !/^1\.[0-5]$/.test(c.version)) out.push(`${at}.content.version: '${String(c.version)}' (Teams renders 1.0–1.5)`);
    if (!Array.isArray(c.body) || c.body.length === 0) return void out.push(`${at}.content.body: empty`);
    c.body.forEach((e, j) => {
      const where = `${at}.content.body[${j}]`;
      if (!isObj(e) || typeof e.type !== 'string' || !CARD_ELEMENTS.has(e.type)) return void out.push(`${where}: unknown element`);
      if (e.type === 'TextBlock' && (typeof e.text !== 'string' || e.text === '')) out.push(`${where}.text: empty`);
      if (e.type === 'TextBlock' && typeof e.text === 'string' && /\{\{(DATE|TIME)\(/.test(e.text)) out.push(`${where}.text: a date function`);
      if (e.type === 'FactSet') {
        if (!Array.isArray(e.facts) || e.facts.length === 0) out.push(`${where}.facts: empty`);
        else
          for (const f of e.facts) if (!isObj(f) || typeof f.title !== 'string' || typeof f.value !== 'string') out.push(`${where}.facts: not {title, value}`);
      }
    });
    if (c.actions !== undefined) {
      if (!Array.isArray(c.actions)) out.push(`${at}.content.actions: not an array`);
      else
        for (const x of c.actions)
          if (!isObj(x) || x.type !== 'Action.OpenUrl' || typeof x.url !== 'string' || !/^https?:\/\//.test(x.url) || typeof x.title !== 'string')
            out.push(`${at}.content.actions: not an Action.OpenUrl with a URL and a title`);
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// The servers

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface ReceiverOptions {
  /** Serve HTTPS with this key and certificate, under this host name in the URL (reached through a proxy). */
  tls?: { key: string; cert: string; host: string };
}

async function start(
  path: string,
  check: (raw: string, contentType: string | undefined, r: Received) => Answer,
  options: ReceiverOptions = {},
): Promise<Receiver> {
  const received: Received[] = [];
  const faults: Fault[] = [];
  const listener: RequestListener = (req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const r: Received = { path: req.url ?? '', contentType: req.headers['content-type'], raw, status: 0, problems: [] };
      received.push(r);
      let answer: Answer;
      const fault = faults.shift();
      if (req.method !== 'POST') answer = { status: 405, body: 'method not allowed' };
      else if (req.url !== path) answer = { status: 404, body: 'no_service' };
      else if (fault) {
        if (fault.delayMs) await new Promise((ok) => setTimeout(ok, fault.delayMs));
        answer = { status: fault.status, body: fault.body ?? '', headers: fault.headers };
      } else answer = check(raw, r.contentType, r);
      r.status = answer.status;
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8', ...answer.headers });
      res.end(answer.body);
    })();
  };
  const tls = options.tls;
  const server: Server = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, listener) : createServer(listener);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: tls ? `https://${tls.host}${path}` : `http://127.0.0.1:${port}${path}`,
    port,
    received,
    accepted: () => received.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.body),
    fault: (f) => void faults.push(f),
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function parse(raw: string, r: Received): unknown {
  try {
    r.body = JSON.parse(raw) as unknown;
    return r.body;
  } catch {
    return undefined;
  }
}

/** A Slack incoming webhook: `/services/T…/B…/<secret>`. */
export function startSlackReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  return start(
    '/services/T0001/B0002/s3cr3tSlackToken0123456789',
    (raw, contentType, r) => {
      if (!/^application\/json/.test(contentType ?? '')) return { status: 400, body: 'invalid_payload' };
      const body = parse(raw, r);
      if (body === undefined) return { status: 400, body: 'invalid_payload' };
      r.problems = slackProblems(body);
      return r.problems.length > 0 ? { status: 400, body: 'invalid_blocks' } : { status: 200, body: 'ok' };
    },
    options,
  );
}

/** A Teams workflow webhook: a Power Automate trigger URL with its signature. */
export function startTeamsReceiver(): Promise<Receiver> {
  const path = '/workflows/0f1e2d3c/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=s3cr3tTeamsSignature';
  return start(path, (raw, contentType, r) => {
    const bad = (message: string, status = 400): Answer => ({
      status,
      body: JSON.stringify({ error: { code: 'InvalidRequestContent', message } }),
      headers: { 'content-type': 'application/json' },
    });
    if (Buffer.byteLength(raw) > TEAMS_LIMIT_BYTES) return bad('Request Entity too large', 413);
    if (!/^application\/json/.test(contentType ?? '')) return bad('The request content type is not JSON.');
    const body = parse(raw, r);
    if (body === undefined) return bad('The request content is not valid JSON.');
    r.problems = teamsProblems(body);
    return r.problems.length > 0 ? bad(r.problems.join('; ')) : { status: 202, body: '' };
  });
}
