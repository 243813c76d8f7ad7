/**
 * The token endpoint, like Entra ID's: `POST /{tenant}/oauth2/v2.0/token` (client credentials
 * with `client_secret` or `client_assertion`; `scope` = `<resource>/.default`), the v1 form
 * `POST /{tenant}/oauth2/token` (`resource`), and the OpenID configuration document. Errors use
 * Entra's body (`error`, `error_description` with an AADSTS code, `error_codes`, `trace_id`, …).
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse, Route } from '../types.js';
import type { Federation } from './federation.js';
import { decodeJwt } from './jwt.js';
import { resourceFromScope, type TokenService } from './tokens.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface TokenRouteOptions {
  tokens: TokenService;
  /** When given, only these client ids are known and `client_secret` must match. */
  clientSecrets?: Record<string, string>;
  /**
   * Federated identity credentials: a client id listed here must sign in with a client assertion
   * that passes {@link Federation.check} (issuer, signature, time, subject, audience).
   */
  federation?: Federation;
  /** Called with every access token the endpoint hands out (tests check each one is masked). */
  onIssued?: (token: string, clientId: string) => void;
}

function aadError(req: EmulatorRequest, status: number, error: string, code: number, description: string): EmulatorResponse {
  const traceId = randomUUID();
  const correlationId = req.ctx.correlationId ?? req.ctx.requestId;
  const timestamp = req.ctx.now
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${req.ctx.baseUrl}/error?code=${code}`,
    },
  };
}

function formOf(req: EmulatorRequest): Record<string, string> | undefined {
  const ct = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (ct !== 'application/x-www-form-urlencoded') return undefined;
  return Object.fromEntries(new URLSearchParams(req.rawBody.toString('utf8')));
}

export function tokenRoutes(o: TokenRouteOptions): Route[] {
  const { tokens } = o;

  const handle = async (req: EmulatorRequest, version: 'v1' | 'v2'): Promise<EmulatorResponse> => {
    const tenant = req.params.tenantId;
    if (tenant.toLowerCase() !== tokens.tenantId.toLowerCase() && !['organizations', 'common'].includes(tenant.toLowerCase())) {
      return aadError(
        req,
        400,
        'invalid_request',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    const form = formOf(req);
    if (!form) {
      return aadError(
        req,
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'grant_type'. The body must be 'application/x-www-form-urlencoded'.",
      );
    }
    const required = (name: string) => aadError(req, 400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);
    if (!form.grant_type) return required('grant_type');
    if (form.grant_type !== 'client_credentials') {
      return aadError(
        req,
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${form.grant_type}'. The emulator supports 'client_credentials'.`,
      );
    }
    if (!form.client_id) return required('client_id');
    let audience: string | undefined;
    if (version === 'v2') {
      if (!form.scope) return required('scope');
      audience = resourceFromScope(form.scope);
      if (!audience) {
        return aadError(
          req,
          400,
          'invalid_scope',
          1002012,
          `The provided value for scope ${form.scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        );
      }
    } else {
      if (!form.resource) return required('resource');
      audience = form.resource;
    }
    const clientId = form.client_id;
    const federated = o.federation?.has(clientId) ?? false;
    const registry = o.clientSecrets ?? (o.federation ? {} : undefined);
    if (registry && !(clientId in registry) && !federated) {
      return aadError(
        req,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tokens.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      );
    }
    if (form.client_assertion !== undefined) {
      if (form.client_assertion_type !== CLIENT_ASSERTION_TYPE) {
        return aadError(
          req,
          400,
          'invalid_request',
          900144,
          `The request body must contain the following parameter: 'client_assertion_type' with the value '${CLIENT_ASSERTION_TYPE}'.`,
        );
      }
      if (federated) {
        const check = await o.federation!.check(clientId, form.client_assertion, req.ctx.now);
        if (!check.ok) return aadError(req, check.status, check.error, check.code, check.description);
      }
      const assertion = decodeJwt(form.client_assertion);
      if (!assertion) {
        return aadError(req, 401, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
      }
      const exp = assertion.claims.exp;
      if (typeof exp === 'number' && exp * 1000 <= req.ctx.now.getTime()) {
        return aadError(req, 401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
      }
    } else if (form.client_secret !== undefined && form.client_secret !== '') {
      if ((o.clientSecrets || federated) && o.clientSecrets?.[clientId] !== form.client_secret) {
        return aadError(
          req,
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        );
      }
    } else {
      return aadError(req, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    const issued = tokens.issue({ audience, clientId, now: req.ctx.now, lifetimeSeconds: tokens.lifetimeFor(audience) });
    o.onIssued?.(issued.token, clientId);
    if (version === 'v2') {
      return {
        status: 200,
        body: { token_type: 'Bearer', expires_in: issued.expiresIn, ext_expires_in: issued.expiresIn, access_token: issued.token },
      };
    }
    const nowS = Math.floor(req.ctx.now.getTime() / 1000);
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        expires_in: String(issued.expiresIn),
        ext_expires_in: String(issued.expiresIn),
        expires_on: String(nowS + issued.expiresIn),
        not_before: String(nowS),
        resource: audience,
        access_token: issued.token,
      },
    };
  };

  return [
    {
      // MSAL's cloud instance discovery (`/common/discovery/instance?authorization_endpoint=…`).
      method: 'GET',
      pattern: '/{tenantId}/discovery/instance',
      operation: 'OAuth2_InstanceDiscovery',
      auth: 'none',
      handler: (req) => {
        const host = new URL(req.ctx.baseUrl).host;
        return {
          status: 200,
          body: {
            tenant_discovery_endpoint: `${req.ctx.baseUrl}/${tokens.tenantId}/v2.0/.well-known/openid-configuration`,
            'api-version': '1.1',
            metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
          },
        };
      },
    },
    { method: 'POST', pattern: '/{tenantId}/oauth2/v2.0/token', operation: 'OAuth2_TokenV2', auth: 'none', handler: (r) => handle(r, 'v2') },
    { method: 'POST', pattern: '/{tenantId}/oauth2/token', operation: 'OAuth2_TokenV1', auth: 'none', handler: (r) => handle(r, 'v1') },
    {
      method: 'GET',
      pattern: '/{tenantId}/v2.0/.well-known/openid-configuration',
      operation: 'OAuth2_OpenIdConfiguration',
      auth: 'none',
      handler: (req) => {
        const base = `${req.ctx.baseUrl}/${tokens.tenantId}`;
        return {
          status: 200,
          body: {
            token_endpoint: `${base}/oauth2/v2.0/token`,
            token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
            issuer: `${base}/v2.0`,
            authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
            jwks_uri: `${base}/discovery/v2.0/keys`,
            response_types_supported: ['token'],
            grant_types_supported: ['client_credentials'],
            tenant_region_scope: 'NA',
            cloud_instance_name: 'azureml-emulator',
          },
        };
      },
    },
  ];
}
