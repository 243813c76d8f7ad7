/** Bearer authentication of ARM (`auth: 'arm'`) and MLflow (`auth: 'mlflow'`) routes. */
import { ArmError, ArmErrors } from '../arm/errors.js';
import type { Principal } from '../types.js';
import type { TokenService } from './tokens.js';

export function authenticate(mode: 'arm' | 'mlflow', authorization: string | undefined, tokens: TokenService, now: Date, baseUrl: string): Principal {
  const fail = (e: ArmError): never => {
    throw new ArmError(e.status, e.code, e.message, {
      ...e.options,
      headers: { ...(e.options.headers ?? {}), 'WWW-Authenticate': tokens.wwwAuthenticate(baseUrl, e) },
    });
  };
  if (authorization === undefined || authorization.trim() === '') return fail(ArmErrors.authorizationMissing());
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!m) return fail(ArmErrors.authorizationMalformed());
  const check = tokens.verify(m[1], now, mode === 'arm' ? undefined : 'any', baseUrl);
  if (!check.ok) return fail(check.error);
  return check.principal;
}
