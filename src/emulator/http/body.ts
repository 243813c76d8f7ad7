/** Reading and parsing request bodies (JSON for ARM/MLflow, form for the token endpoint). */
import type { IncomingMessage } from 'node:http';
import { ArmErrors } from '../arm/errors.js';

export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw ArmErrors.requestTooLarge(limit);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/**
 * Parses the body by its content type: JSON (or no content type with a JSON-looking body) →
 * value; `application/x-www-form-urlencoded` → a plain object of strings; anything else →
 * undefined (handlers may read `rawBody`). Invalid JSON → 400 InvalidRequestContent.
 */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  }
  const text = raw.toString('utf8');
  const looksJson = /^\s*[[{"]/.test(text) || /^\s*(true|false|null|-?\d)/.test(text);
  if (type === 'application/json' || type.endsWith('+json') || (type === '' && looksJson) || type === 'text/json') {
    try {
      return JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (err) {
      throw ArmErrors.invalidRequestContent((err as Error).message);
    }
  }
  return undefined;
}
