/**
 * ARM list paging: `{ value: [...], nextLink? }` where `nextLink` is the request URL with an
 * opaque `$skip` token (Azure ML's PaginationParameter). `$top` caps the total.
 */
import type { EmulatorRequest } from '../types.js';
import { ArmErrors } from './errors.js';

const TOKEN_PREFIX = 'emu1:';

export function encodeSkipToken(offset: number): string {
  return Buffer.from(`${TOKEN_PREFIX}${offset}`, 'utf8').toString('base64url');
}

export function decodeSkipToken(token: string | null): number {
  if (token === null || token === '') return 0;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const m = new RegExp(`^${TOKEN_PREFIX}(\\d+)$`).exec(text);
  if (!m) throw ArmErrors.badRequest(`The continuation token '$skip=${token}' is not valid for this list. Use the nextLink of the previous page.`, '$skip');
  return Number(m[1]);
}

/** Parses an optional non-negative integer query parameter. */
export function intParam(req: EmulatorRequest, name: string, min = 0, max = 100_000): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw ArmErrors.badRequest(`The query parameter '${name}' must be an integer from ${min} to ${max}, got '${raw}'.`, name);
  }
  return n;
}

export interface PageOptions {
  pageSize: number;
  /** Total cap (`$top`). */
  top?: number;
}

export function page<T>(items: T[], req: EmulatorRequest, o: PageOptions): { value: T[]; nextLink?: string } {
  const offset = decodeSkipToken(req.query.get('$skip'));
  const total = o.top !== undefined ? Math.min(items.length, o.top) : items.length;
  const end = Math.min(total, offset + Math.max(1, o.pageSize));
  const value = items.slice(offset, end);
  if (end >= total) return { value };
  const q = new URLSearchParams(req.query);
  q.set('$skip', encodeSkipToken(end));
  return { value, nextLink: `${req.ctx.baseUrl}${req.ctx.path ?? ''}?${q.toString().replace(/%24/g, '$')}` };
}

/**
 * Tag / property filters as Azure ML lists take them: `key1,key2=value2` — every listed key must
 * be present, and equal to the value when one is given.
 */
export function matchesKeyValueFilter(filter: string | null, values: Record<string, unknown> | null | undefined): boolean {
  if (filter === null || filter.trim() === '') return true;
  const map = values ?? {};
  for (const part of filter
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (!(key in map)) return false;
    if (eq >= 0 && String(map[key]) !== part.slice(eq + 1)) return false;
  }
  return true;
}
