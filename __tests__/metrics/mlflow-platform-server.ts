/**
 * An MLflow REST server over in-memory runs and registered models, behind the auth of a hosted
 * platform, for tests: runs/get, metrics/get-history, registered-models/alias, registered-models/get,
 * model-versions/get
 * (wire shapes: https://mlflow.org/docs/latest/api_reference/rest-api.html), and
 *
 * - `databricks`: bearer tokens — personal access tokens, or tokens issued by its own
 *   `/oidc/v1/token` to a service principal (client credentials in HTTP basic auth,
 *   grant_type=client_credentials, scope all-apis; https://docs.databricks.com/aws/en/dev-tools/auth/oauth-m2m)
 *   that expire after `tokenLifetimeS`;
 * - `sigv4`: the SageMaker managed MLflow shape — every request must carry the tracking server ARN
 *   header and a SigV4 signature (service sagemaker-mlflow) that the server recomputes with
 *   @smithy/signature-v4 from the request and the known secret; a wrong key or secret, a date
 *   more than 5 minutes off, or a body that does not match its hash is refused with 403.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../src/metrics/mlflow-sigv4.js';
import { json, startLoopback, type Loopback, type RecordedRequest } from '../azure/loopback.js';

export interface PlatformRun {
  id: string;
  experiment?: string;
  name?: string;
  history: Record<string, Array<{ value: number | string; step: number; timestamp?: number }>>;
}

export interface PlatformModelVersion {
  name: string;
  version: string;
  runId: string;
  aliases?: string[];
}

export type PlatformAuth =
  | { kind: 'databricks'; pats: string[]; clients: Array<{ id: string; secret: string }>; tokenLifetimeS?: number }
  | { kind: 'sigv4'; accessKeyId: string; secretAccessKey: string; region: string; arn: string; now?: () => number };

export interface PlatformServer extends Loopback {
  /** Tokens issued by /oidc/v1/token. */
  issued: string[];
  /** Requests refused by the auth check, with the reason. */
  refused: string[];
}

const API = '/api/2.0/mlflow/';
/** The SigV4 skew AWS services accept. */
const MAX_SKEW_MS = 5 * 60_000;

function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

async function verifySigV4(req: RecordedRequest, a: Extract<PlatformAuth, { kind: 'sigv4' }>): Promise<string | undefined> {
  const header = String(req.headers.authorization ?? '');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(header);
  if (!m) return 'missing or malformed SigV4 authorization';
  const [, keyId, day, region, service, signedHeaders, signature] = m;
  if (keyId !== a.accessKeyId) return `The security token included in the request is invalid (unknown access key ${keyId})`;
  if (region !== a.region || service !== 'sagemaker-mlflow') return `Credential should be scoped to ${a.region}/sagemaker-mlflow, not ${region}/${service}`;
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const date = parseAmzDate(amzDate);
  if (!date || !amzDate.startsWith(day)) return 'x-amz-date missing or not the day of the credential scope';
  const now = a.now?.() ?? Date.now();
  if (Math.abs(now - date.getTime()) > MAX_SKEW_MS) return `Signature expired: ${amzDate} is more than 5 minutes from the server time`;
  if (req.headers['x-mlflow-sm-tracking-server-arn'] !== a.arn) return `x-mlflow-sm-tracking-server-arn is not ${a.arn}`;
  const bodyHash = createHash('sha256').update(req.body, 'utf8').digest('hex');
  if (req.headers['x-amz-content-sha256'] !== bodyHash) return 'x-amz-content-sha256 does not match the body';
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-mlflow-sm-tracking-server-arn')) return 'host and the tracking server ARN header must be signed';
  const headers: Record<string, string> = {};
  for (const n of names) {
    const v = req.headers[n];
    if (v === undefined) return `signed header ${n} is missing`;
    headers[n] = Array.isArray(v) ? v.join(',') : v;
  }
  // As AWS does: the raw query, percent-decoded, with + read as itself (not as a space).
  const raw = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
  const pairs = raw === '' ? [] : raw.split('&').map((kv) => kv.split('=').map((x) => decodeURIComponent(x)) as [string, string?]);
  const query: Record<string, string | string[]> = {};
  for (const [k, v = ''] of pairs) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const [hostname, port] = headers.host.split(':');
  const signer = new SignatureV4({
    service,
    region,
    credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey, sessionToken: headers['x-amz-security-token'] },
    sha256: NodeSha256,
  });
  const expected = await signer.sign(
    { method: req.method, protocol: 'http:', hostname, port: port ? Number(port) : undefined, path: req.path, query, headers, body: req.body || undefined },
    { signingDate: date, signableHeaders: new Set(names) },
  );
  const got = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization ?? ''))?.[1];
  const gotSigned = /SignedHeaders=([^,]+)/.exec(String(expected.headers.authorization ?? ''))?.[1];
  if (gotSigned !== signedHeaders) return `signed headers differ (${gotSigned} recomputed, ${signedHeaders} sent)`;
  return got === signature
    ? undefined
    : 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';
}

export async function startPlatformServer(data: { runs: PlatformRun[]; models?: PlatformModelVersion[] }, auth: PlatformAuth): Promise<PlatformServer> {
  const issued: string[] = [];
  const tokens = new Map<string, number>();
  const refused: string[] = [];
  const models = data.models ?? [];

  const runJson = (r: PlatformRun) => ({
    info: { run_id: r.id, run_uuid: r.id, run_name: r.name ?? r.id, experiment_id: r.experiment ?? '1', status: 'FINISHED', lifecycle_stage: 'active' },
    data: {
      metrics: Object.entries(r.history).map(([key, h]) => ({ key, timestamp: 1, ...h[h.length - 1] })),
      tags: [{ key: 'mlflow.runName', value: r.name ?? r.id }],
    },
  });
  const versionJson = (v: PlatformModelVersion) => ({
    name: v.name,
    version: v.version,
    run_id: v.runId,
    status: 'READY',
    current_stage: 'None',
    aliases: v.aliases ?? [],
  });
  const notFound = (res: ServerResponse, message: string) => json(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message });

  async function check(req: RecordedRequest): Promise<{ status: number; code: string; message: string } | undefined> {
    if (auth.kind === 'sigv4') {
      const why = await verifySigV4(req, auth);
      return why ? { status: 403, code: 'PERMISSION_DENIED', message: why } : undefined;
    }
    const m = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''));
    if (!m) return { status: 401, code: 'UNAUTHENTICATED', message: 'Credential was not sent or was of an unsupported type for this API.' };
    if (auth.pats.includes(m[1])) return undefined;
    const expires = tokens.get(m[1]);
    if (expires !== undefined && Date.now() < expires) return undefined;
    return { status: 401, code: 'UNAUTHENTICATED', message: expires !== undefined ? 'Token expired.' : 'Invalid access token.' };
  }

  const route = async (req: RecordedRequest, res: ServerResponse) => {
    if (auth.kind === 'databricks' && req.path === '/oidc/v1/token') {
      const basic = /^Basic (\S+)$/.exec(String(req.headers.authorization ?? ''));
      const [id, secret] = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':') : [];
      const form = new URLSearchParams(req.body);
      if (req.method !== 'POST' || form.get('grant_type') !== 'client_credentials' || !(form.get('scope') ?? '').split(' ').includes('all-apis')) {
        return json(res, 400, { error: 'invalid_request', error_description: 'expected grant_type=client_credentials and scope all-apis' });
      }
      if (!auth.clients.some((c) => c.id === id && c.secret === secret)) {
        refused.push('oidc: invalid client');
        return json(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
      }
      const token = `dbo.${randomBytes(12).toString('hex')}`;
      const lifetime = auth.tokenLifetimeS ?? 3600;
      tokens.set(token, Date.now() + lifetime * 1000);
      issued.push(token);
      return json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: lifetime, scope: 'all-apis' });
    }
    if (!req.path.startsWith(API)) return json(res, 404, undefined);
    const denied = await check(req);
    if (denied) {
      refused.push(denied.message);
      return json(res, denied.status, { error_code: denied.code, message: denied.message });
    }
    const q = req.query;
    let call = req.path.slice(API.length);
    // Databricks: Unity Catalog models (three-part names) only under unity-catalog/, workspace models only outside it.
    if (auth.kind === 'databricks' && /^(registered-models|model-versions)\//.test(call.replace(/^unity-catalog\//, ''))) {
      const uc = call.startsWith('unity-catalog/');
      const threePart = (q.get('name') ?? '').split('.').length === 3;
      if (uc !== threePart) {
        return json(res, 400, {
          error_code: 'INVALID_PARAMETER_VALUE',
          message: uc ? 'Invalid Unity Catalog model name' : 'Unity Catalog models are served by the unity-catalog API',
        });
      }
      if (uc) call = call.slice('unity-catalog/'.length);
    }
    if (call === 'runs/get' && req.method === 'GET') {
      const run = data.runs.find((r) => r.id === q.get('run_id'));
      return run ? json(res, 200, { run: runJson(run) }) : notFound(res, `Run '${q.get('run_id')}' not found.`);
    }
    if (call === 'metrics/get-history' && req.method === 'GET') {
      const run = data.runs.find((r) => r.id === q.get('run_id'));
      if (!run) return notFound(res, `Run '${q.get('run_id')}' not found.`);
      const all = run.history[q.get('metric_key') ?? ''] ?? [];
      const size = Number(q.get('max_results') ?? 25000);
      const start = Number(q.get('page_token') ?? 0);
      const page = all.slice(start, start + size).map((p) => ({ key: q.get('metric_key'), timestamp: 1, ...p }));
      return json(res, 200, { metrics: page, ...(start + size < all.length ? { next_page_token: String(start + size) } : {}) });
    }
    if (call === 'registered-models/alias' && req.method === 'GET') {
      const name = q.get('name') ?? '';
      if (!models.some((v) => v.name === name)) return notFound(res, `Registered Model with name=${name} not found`);
      const v = models.find((x) => x.name === name && (x.aliases ?? []).includes(q.get('alias') ?? ''));
      return v ? json(res, 200, { model_version: versionJson(v) }) : notFound(res, `Registered model alias ${q.get('alias')} not found.`);
    }
    if (call === 'registered-models/get' && req.method === 'GET') {
      const name = q.get('name') ?? '';
      const versions = models.filter((v) => v.name === name);
      if (versions.length === 0) return notFound(res, `Registered Model with name=${name} not found`);
      return json(res, 200, { registered_model: { name, latest_versions: versions.slice(-1).map(versionJson) } });
    }
    if (call === 'model-versions/get' && req.method === 'GET') {
      const v = models.find((x) => x.name === q.get('name') && x.version === q.get('version'));
      return v
        ? json(res, 200, { model_version: versionJson(v) })
        : notFound(res, `Model Version (name=${q.get('name')}, version=${q.get('version')}) not found`);
    }
    return json(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: `No API endpoint ${req.method} ${req.path}` });
  };
  const loop = await startLoopback(route);
  return Object.assign(loop, { issued, refused });
}
