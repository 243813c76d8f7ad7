/** Compact JWS with HS256 (node:crypto only): sign, decode, verify the signature. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isObj } from '../obj.js';

export type JwtClaims = Record<string, unknown>;

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export function signHs256(claims: JwtClaims, secret: Buffer, header: Record<string, unknown> = {}): string {
  const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256', ...header }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  return `${head}.${body}.${b64url(sig)}`;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: JwtClaims;
  signingInput: string;
  signature: Buffer;
}

/** Splits and parses a compact JWT; undefined when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as unknown;
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    if (!isObj(header) || !isObj(claims)) return undefined;
    return { header, claims, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
  } catch {
    return undefined;
  }
}

export function verifyHs256(decoded: DecodedJwt, secret: Buffer): boolean {
  if (decoded.header.alg !== 'HS256') return false;
  const expected = createHmac('sha256', secret).update(decoded.signingInput).digest();
  return expected.length === decoded.signature.length && timingSafeEqual(expected, decoded.signature);
}
