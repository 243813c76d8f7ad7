/**
 * Workload identity federation, as Entra ID checks it on the token endpoint: an application has
 * federated identity credentials (issuer, subject, audiences); a client assertion from that issuer
 * (GitHub's OIDC ID token) is accepted when its RS256 signature verifies with a key of the
 * issuer's JWKS (found through `<issuer>/.well-known/openid-configuration`, or a given
 * `jwksUri`), it is within its time range, and its `iss`, `sub` and `aud` match one credential.
 * Refusals carry Entra's AADSTS codes.
 */
import { createPublicKey, verify as verifySignature, type JsonWebKey, type KeyObject } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { decodeJwt } from './jwt.js';

/** The audience GitHub's ID token carries for Entra (what `azure/login` and the actions ask for). */
export const ENTRA_TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
/** Entra's allowed clock skew on assertion times. */
const SKEW_SECONDS = 300;

export interface FederatedCredential {
  /** Application (client) id the credential belongs to. */
  clientId: string;
  /** `iss` the assertion must carry, e.g. `https://token.actions.githubusercontent.com`. */
  issuer: string;
  /** `sub` the assertion must carry, e.g. `repo:octo-org/ml-repo:ref:refs/heads/main`. */
  subject: string;
  /** Accepted audiences. Default: `api://AzureADTokenExchange`. */
  audiences?: string[];
  /** The issuer's key set. Default: `jwks_uri` of `<issuer>/.well-known/openid-configuration`. */
  jwksUri?: string;
}

export interface FederationOptions {
  credentials: FederatedCredential[];
  /** Extra CA certificates (PEM) trusted when fetching issuer metadata over https. */
  ca?: string | Buffer;
}

export type AssertionCheck =
  | { ok: true; credential: FederatedCredential; claims: Record<string, unknown> }
  | { ok: false; status: number; error: string; code: number; description: string };

const MISMATCH =
  'Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation';

function refuse(code: number, description: string, error = 'invalid_client', status = 401): AssertionCheck {
  return { ok: false, status, error, code, description };
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** GET a JSON document over http or https (with the extra CA), 5 s timeout. */
function getJson(url: string, ca: string | Buffer | undefined): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const send = u.protocol === 'https:' ? httpsRequest : u.protocol === 'http:' ? httpRequest : undefined;
    if (!send) return reject(new Error(`unsupported scheme in ${url}`));
    const req = send(u, { method: 'GET', headers: { accept: 'application/json' }, timeout: 5000, ...(u.protocol === 'https:' && ca ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 400) return reject(new Error(`${url} answered HTTP ${res.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          reject(new Error(`${url} did not return JSON`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${url} did not answer within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

export class Federation {
  private readonly keys = new Map<string, Map<string, KeyObject>>();

  constructor(private readonly options: FederationOptions) {}

  /** True when `clientId` has at least one federated credential. */
  has(clientId: string): boolean {
    return this.credentialsOf(clientId).length > 0;
  }

  private credentialsOf(clientId: string): FederatedCredential[] {
    const id = clientId.toLowerCase();
    return this.options.credentials.filter((c) => c.clientId.toLowerCase() === id);
  }

  private async keySet(credential: FederatedCredential, refresh: boolean): Promise<Map<string, KeyObject>> {
    const cacheKey = credential.jwksUri ?? credential.issuer;
    const cached = this.keys.get(cacheKey);
    if (cached && !refresh) return cached;
    let jwksUri = credential.jwksUri;
    if (!jwksUri) {
      const config = (await getJson(`${credential.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, this.options.ca)) as { jwks_uri?: unknown };
      if (typeof config.jwks_uri !== 'string') throw new Error('the issuer metadata has no jwks_uri');
      jwksUri = config.jwks_uri;
    }
    const jwks = (await getJson(jwksUri, this.options.ca)) as { keys?: unknown };
    const keys = new Map<string, KeyObject>();
    for (const k of Array.isArray(jwks.keys) ? (jwks.keys as Array<Record<string, unknown>>) : []) {
      if (k.kty !== 'RSA' || typeof k.kid !== 'string') continue;
      try {
        keys.set(k.kid, createPublicKey({ key: k as JsonWebKey, format: 'jwk' }));
      } catch {
        // a key we cannot read is skipped, as Entra skips it
      }
    }
    this.keys.set(cacheKey, keys);
    return keys;
  }

  /** Checks a client assertion of `clientId` at time `now`. */
  async check(clientId: string, assertion: string, now: Date): Promise<AssertionCheck> {
    const decoded = decodeJwt(assertion);
    if (!decoded) return refuse(50027, 'JWT token is invalid or malformed.');
    const { header, claims } = decoded;
    const iss = typeof claims.iss === 'string' ? claims.iss : '';
    const candidates = this.credentialsOf(clientId).filter((c) => c.issuer === iss);
    if (candidates.length === 0) {
      return refuse(700211, `No matching federated identity record found for presented assertion issuer '${iss}'. ${MISMATCH}`);
    }
    if (header.alg !== 'RS256' || typeof header.kid !== 'string') {
      return refuse(
        700027,
        `Client assertion failed signature validation: the assertion must be signed with RS256 and name its key (kid); got alg '${String(header.alg)}'.`,
      );
    }
    let key: KeyObject | undefined;
    try {
      key = (await this.keySet(candidates[0], false)).get(header.kid) ?? (await this.keySet(candidates[0], true)).get(header.kid);
    } catch (err) {
      return refuse(50166, `Request to External OIDC endpoint failed: ${(err as Error).message}.`);
    }
    if (!key || !verifySignature('RSA-SHA256', Buffer.from(decoded.signingInput), key, decoded.signature)) {
      return refuse(700027, `Client assertion failed signature validation (key '${header.kid}' of issuer '${iss}').`);
    }
    const nowS = Math.floor(now.getTime() / 1000);
    const exp = typeof claims.exp === 'number' ? claims.exp : undefined;
    const nbf = typeof claims.nbf === 'number' ? claims.nbf : typeof claims.iat === 'number' ? claims.iat : undefined;
    if (exp === undefined || exp + SKEW_SECONDS <= nowS || (nbf !== undefined && nbf - SKEW_SECONDS > nowS)) {
      return refuse(
        700024,
        `Client assertion is not within its valid time range. Current time: ${iso(nowS)}, assertion valid from ${nbf !== undefined ? iso(nbf) : 'unknown'}, expiry time of assertion ${exp !== undefined ? iso(exp) : 'unknown'}.`,
      );
    }
    const sub = typeof claims.sub === 'string' ? claims.sub : '';
    const bySubject = candidates.filter((c) => c.subject === sub);
    if (bySubject.length === 0) {
      return refuse(700213, `No matching federated identity record found for presented assertion subject '${sub}'. ${MISMATCH}`);
    }
    const auds = Array.isArray(claims.aud) ? claims.aud.filter((a): a is string => typeof a === 'string') : typeof claims.aud === 'string' ? [claims.aud] : [];
    const match = bySubject.find((c) => (c.audiences ?? [ENTRA_TOKEN_EXCHANGE_AUDIENCE]).some((a) => auds.includes(a)));
    if (!match) {
      return refuse(700212, `No matching federated identity record found for presented assertion audience '${auds.join(', ')}'. ${MISMATCH}`);
    }
    return { ok: true, credential: match, claims };
  }
}
