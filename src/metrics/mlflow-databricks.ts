/**
 * Databricks OAuth machine-to-machine: a service principal's client ID and secret exchanged for
 * a workspace access token (POST `<host>/oidc/v1/token`, HTTP basic auth with the client ID and
 * secret, `grant_type=client_credentials&scope=all-apis`; tokens last one hour —
 * https://docs.databricks.com/aws/en/dev-tools/auth/oauth-m2m, "Manually generate a workspace-level
 * access token"). The token is kept until a minute before it expires, then asked for again.
 */
import { createHttpHeaders, createPipelineRequest, type HttpClient } from '@azure/core-rest-pipeline';
import { ConfigurationError, errorMessage } from '../core/errors.js';

/** Renew this long before `expires_in` runs out. */
const EARLY_MS = 60_000;

export interface DatabricksOAuthSettings {
  host: string;
  clientId: string;
  clientSecret: string;
  /** Masks each access token obtained (core.setSecret in the action). */
  mask?: (secret: string) => void;
}

/** A function giving a valid access token, asking `<host>/oidc/v1/token` when the last one is (nearly) spent. */
export function databricksOAuthToken(s: DatabricksOAuthSettings, httpClient: HttpClient, now: () => number = Date.now): () => Promise<string> {
  let current: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const fix =
    'Set DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET to the OAuth secret of a service principal of this workspace (or give mlflow-token, a personal access token).';
  async function fetchToken(): Promise<string> {
    const url = `${s.host.replace(/\/+$/, '')}/oidc/v1/token`;
    const request = createPipelineRequest({
      url,
      method: 'POST',
      headers: createHttpHeaders({
        authorization: `Basic ${Buffer.from(`${s.clientId}:${s.clientSecret}`, 'utf8').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      }),
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'all-apis' }).toString(),
      allowInsecureConnection: url.startsWith('http:'),
    });
    let status: number;
    let text: string;
    try {
      const response = await httpClient.sendRequest(request);
      status = response.status;
      text = response.bodyAsText ?? '';
    } catch (error) {
      throw new ConfigurationError(`The Databricks workspace ${s.host} does not answer at ${url} (${errorMessage(error)}).`, {
        hint: 'Check DATABRICKS_HOST / mlflow-tracking-uri: the workspace address, e.g. https://adb-<id>.<n>.azuredatabricks.net.',
        cause: error,
      });
    }
    let body: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // not JSON: said below
    }
    if (status < 200 || status >= 300 || typeof body.access_token !== 'string') {
      const said = typeof body.error_description === 'string' ? `: ${body.error_description}` : typeof body.error === 'string' ? `: ${body.error}` : '';
      throw new ConfigurationError(
        `The Databricks workspace ${s.host} refused the OAuth client credentials of DATABRICKS_CLIENT_ID '${s.clientId}' (HTTP ${status}${said}).`,
        { hint: fix },
      );
    }
    const seconds = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? 3600);
    s.mask?.(body.access_token);
    const lifetimeMs = (Number.isFinite(seconds) && seconds > 0 ? seconds : 3600) * 1000;
    // Renewed a minute early (half the lifetime early for tokens shorter than two minutes).
    current = { token: body.access_token, renewAt: now() + lifetimeMs - Math.min(EARLY_MS, lifetimeMs / 2) };
    return current.token;
  }
  return async () => {
    if (current && now() < current.renewAt) return current.token;
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
