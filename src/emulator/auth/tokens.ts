/**
 * Access tokens of the emulator: HS256 JWTs shaped like Entra ID v1 access tokens for ARM
 * (`aud`, `iss` = `https://sts.windows.net/<tenant>/`, `tid`, `oid`, `appid`, `iat`, `nbf`, `exp`),
 * issued by the token endpoint or `issueToken()`, verified on every authenticated route.
 */
import { randomBytes } from 'node:crypto';
import { ArmError, ArmErrors } from '../arm/errors.js';
import { guidFrom } from '../arm/ids.js';
import type { Principal } from '../types.js';
import { decodeJwt, signHs256, verifyHs256, type JwtClaims } from './jwt.js';

export const DEFAULT_CLIENT_ID = '5b4ce8a0-0e1c-4d43-9a5e-000000e0e0e0';

/**
 * Lifetime of the AML tokens of an endpoint's `token` operation: 24 h, refresh after 12 h
 * (../shared/fixtures/azure-recordings/online-endpoints/online-deployment-e2e.json, 141st entry:
 * expiryTimeUtc 1667071623 − refreshAfterTimeUtc 1667028423 = 43 200 s; issued between the
 * recorded 2022-10-28T19:26:50Z of entry 140 and 19:27:05Z of entry 144, i.e. at 19:27:03Z =
 * expiry − 86 400 s).
 */
export const AML_TOKEN_LIFETIME_SECONDS = 86_400;

/**
 * The resource of Microsoft Entra tokens that open `AADToken` endpoints' scoring URIs
 * (https://learn.microsoft.com/azure/machine-learning/how-to-authenticate-online-endpoint:
 * "the Microsoft Entra token for data plane operations is retrieved from the Azure resource
 * endpoint ml.azure.com"; azure-ai-ml 1.4.0 azure/ai/ml/_azure_environments.py AML_RESOURCE_ID).
 */
export const SCORING_RESOURCE = 'https://ml.azure.com';
/** `nbf` may lie this far in the future (clock skew), as Entra ID allows. */
const NOT_BEFORE_SKEW_SECONDS = 300;

export interface TokenServiceOptions {
  tenantId: string;
  /** HMAC key; random per emulator unless persisted in the state folder. */
  secret: Buffer;
  /** Audiences accepted on ARM routes (no trailing slash needed). */
  armAudiences: string[];
  /**
   * Also accept the emulator's own address as an ARM audience (a client whose `arm-endpoint` is
   * the emulator asks for `<that URL>/.default`). Default false.
   */
  acceptOwnAddress?: boolean;
  lifetimeSeconds: number;
  /**
   * Lifetime of the tokens that open scoring URIs: AML tokens of the endpoint `token` operation
   * (default {@link AML_TOKEN_LIFETIME_SECONDS}) and Entra tokens for {@link SCORING_RESOURCE}
   * (default {@link lifetimeSeconds}). Tests shorten it to roll out past a token's expiry.
   */
  scoringLifetimeSeconds?: number;
}

export interface IssueOptions {
  /** Resource the token is for, e.g. `https://management.azure.com`. */
  audience: string;
  now: Date;
  clientId?: string;
  /** A user token (`idtyp: user`, `upn`) instead of an application token. */
  user?: string;
  lifetimeSeconds?: number;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
  claims: JwtClaims;
}

export type TokenCheck = { ok: true; principal: Principal; claims: JwtClaims } | { ok: false; error: ArmError };

export function normalizeAudience(aud: string): string {
  return aud.trim().replace(/\/+$/, '').toLowerCase();
}

/** `https://management.azure.com/.default` → `https://management.azure.com`. */
export function resourceFromScope(scope: string): string | undefined {
  const parts = scope.split(/\s+/).filter((s) => s.length > 0 && !['openid', 'profile', 'offline_access'].includes(s));
  if (parts.length !== 1) return undefined;
  const m = /^(.*)\/\.default$/.exec(parts[0]);
  return m && m[1] ? m[1] : undefined;
}

export class TokenService {
  constructor(readonly options: TokenServiceOptions) {}

  get tenantId(): string {
    return this.options.tenantId;
  }

  /** Lifetime of an AML token of the endpoint `token` operation. */
  get amlTokenLifetimeSeconds(): number {
    return this.options.scoringLifetimeSeconds ?? AML_TOKEN_LIFETIME_SECONDS;
  }

  /** Lifetime of a token the token endpoint issues for `audience` (shorter for the scoring resource when configured). */
  lifetimeFor(audience: string): number {
    if (this.options.scoringLifetimeSeconds !== undefined && normalizeAudience(audience) === SCORING_RESOURCE) return this.options.scoringLifetimeSeconds;
    return this.options.lifetimeSeconds;
  }

  get issuer(): string {
    return `https://sts.windows.net/${this.options.tenantId}/`;
  }

  issue(o: IssueOptions): IssuedToken {
    const lifetime = o.lifetimeSeconds ?? this.options.lifetimeSeconds;
    const iat = Math.floor(o.now.getTime() / 1000);
    const clientId = o.clientId ?? DEFAULT_CLIENT_ID;
    const oid = guidFrom(`${this.options.tenantId}/${o.user ?? clientId}`);
    const claims: JwtClaims = {
      aud: o.audience,
      iss: this.issuer,
      iat,
      nbf: iat,
      exp: iat + lifetime,
      appid: clientId,
      appidacr: '1',
      idp: this.issuer,
      idtyp: o.user ? 'user' : 'app',
      oid,
      sub: oid,
      tid: this.options.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
      ...(o.user ? { upn: o.user, unique_name: o.user, name: o.user } : {}),
    };
    return { token: signHs256(claims, this.options.secret, { kid: 'azureml-emulator' }), expiresIn: lifetime, claims };
  }

  /**
   * Verifies a bearer token. `audiences`: accepted audiences (default: the ARM list); `'any'`
   * accepts every audience this emulator issues tokens for (routes such as MLflow that take ARM
   * tokens and job tokens alike). `ownAddress`: the emulator's base URL as the client reached it
   * (accepted too when {@link TokenServiceOptions.acceptOwnAddress} is set).
   */
  verify(token: string, now: Date, audiences: string[] | 'any' = this.options.armAudiences, ownAddress?: string): TokenCheck {
    const decoded = decodeJwt(token);
    if (!decoded) return { ok: false, error: ArmErrors.invalidToken() };
    if (!verifyHs256(decoded, this.options.secret)) return { ok: false, error: ArmErrors.tokenSignature() };
    const c = decoded.claims;
    const nowS = now.getTime() / 1000;
    if (typeof c.exp !== 'number' || typeof c.aud !== 'string') return { ok: false, error: ArmErrors.invalidToken() };
    if (c.exp <= nowS) return { ok: false, error: ArmErrors.tokenExpired(new Date(c.exp * 1000), now) };
    if (typeof c.nbf === 'number' && c.nbf > nowS + NOT_BEFORE_SKEW_SECONDS) {
      return { ok: false, error: ArmErrors.tokenNotYetValid(new Date(c.nbf * 1000), now) };
    }
    if (c.tid !== this.options.tenantId || c.iss !== this.issuer) {
      return { ok: false, error: ArmErrors.tokenTenant(String(c.iss), this.options.tenantId) };
    }
    if (audiences !== 'any') {
      const accepted = this.options.acceptOwnAddress && ownAddress ? [...audiences, ownAddress] : audiences;
      const allowed = accepted.map(normalizeAudience);
      if (!allowed.includes(normalizeAudience(c.aud))) {
        return {
          ok: false,
          error: ArmErrors.tokenAudience(
            c.aud,
            accepted.map((a) => a.replace(/\/+$/, '')),
          ),
        };
      }
    }
    const isUser = c.idtyp === 'user';
    const appId = typeof c.appid === 'string' ? c.appid : typeof c.azp === 'string' ? c.azp : undefined;
    const upn = typeof c.upn === 'string' ? c.upn : typeof c.unique_name === 'string' ? c.unique_name : undefined;
    const oid = typeof c.oid === 'string' ? c.oid : String(c.sub ?? '');
    const principal: Principal = {
      oid,
      tenantId: this.options.tenantId,
      ...(appId ? { appId } : {}),
      type: isUser ? 'User' : 'Application',
      name: (isUser ? upn : appId) ?? oid,
      audience: c.aud,
    };
    return { ok: true, principal, claims: c };
  }

  /** The `WWW-Authenticate` header ARM sends with a 401. */
  wwwAuthenticate(baseUrl: string, error?: ArmError): string {
    const base = `Bearer authorization_uri="${baseUrl}/${this.options.tenantId}", error="invalid_token"`;
    return error ? `${base}, error_description="${error.message.replace(/"/g, "'")}"` : base;
  }
}
