/**
 * A Google Cloud Storage world inside the test run, reached the way the production code reaches
 * Google — by name, over TLS, with real credentials — and not through STORAGE_EMULATOR_HOST (which
 * turns authentication off in the client, so it could not test credentials):
 *
 * - one HTTPS server (node:https, a certificate of the test CA of ../security/tls.ts for these
 *   host names) answering, by Host, for `storage.googleapis.com` (JSON API: objects.list,
 *   objects.get, media downloads), `sts.googleapis.com` (RFC 8693 token exchange of workload
 *   identity federation), `iamcredentials.googleapis.com` (service account impersonation) and
 *   `oauth2.googleapis.com` / `www.googleapis.com/oauth2/v4/token` (JWT-bearer grant of a service
 *   account key);
 * - an HTTP CONNECT proxy that tunnels only those hosts:443 to it and refuses everything else;
 * - the GitHub Actions OIDC provider of ../security/oidc-issuer.ts (the runner's token endpoint),
 *   whose ID tokens the STS verifies for real: RS256 signature against the issuer's JWKS (fetched
 *   from its discovery document, as Google does), `iss`, `aud`, `exp`.
 *
 * The action process gets HTTPS_PROXY (the proxy), NO_PROXY=127.0.0.1,localhost (the Azure ML
 * emulator, s3rver and the OIDC endpoint stay direct) and NODE_EXTRA_CA_CERTS (the test CA):
 * gaxios (google-auth-library) and teeny-request (@google-cloud/storage) both read HTTPS_PROXY and
 * NO_PROXY themselves (gaxios/build/src/gaxios.js #urlMayUseProxy, teeny-request/build/src/agents.js
 * shouldUseProxyForURI), and Node reads NODE_EXTRA_CA_CERTS at start for every TLS connection.
 *
 * Every behaviour cites its source; texts marked "(ours)" could not be backed by a source.
 */
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, verify as verifySignature, type JsonWebKey, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, get as httpsGet, type Server as HttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOidcIssuer, type Misbehaviour, type OidcIssuer } from '../security/oidc-issuer.js';
import { createTestCa, type TestCa } from '../security/tls.js';

// www.googleapis.com: where gtoken (google-auth-library's service account key flow) posts its grant,
// https://www.googleapis.com/oauth2/v4/token (gtoken/build/src/index.js GOOGLE_TOKEN_URL), whatever the key's token_uri says.
export const GOOGLE_HOSTS = [
  'storage.googleapis.com',
  'sts.googleapis.com',
  'iamcredentials.googleapis.com',
  'oauth2.googleapis.com',
  'www.googleapis.com',
] as const;
const TOKEN_URLS = new Set(['https://oauth2.googleapis.com/token', 'https://www.googleapis.com/oauth2/v4/token']);

// Scopes that let a token read Cloud Storage (https://cloud.google.com/storage/docs/oauth-scopes).
const STORAGE_SCOPES = new Set([
  'https://www.googleapis.com/auth/cloud-platform',
  'https://www.googleapis.com/auth/cloud-platform.read-only',
  'https://www.googleapis.com/auth/devstorage.full_control',
  'https://www.googleapis.com/auth/devstorage.read_write',
  'https://www.googleapis.com/auth/devstorage.read_only',
]);
// generateAccessToken needs a token with one of these (https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateAccessToken#authorization-scopes).
const IAM_SCOPES = new Set(['https://www.googleapis.com/auth/cloud-platform', 'https://www.googleapis.com/auth/iam']);

/** CRC32C (Castagnoli, reflected polynomial 0x82F63B78), big-endian, as GCS reports it (https://cloud.google.com/storage/docs/json_api/v1/objects#resource: "CRC32c checksum, as described in RFC 4960, Appendix B; encoded using base64 in big-endian byte order"). */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
export function crc32c(data: Buffer): Buffer {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
  return out;
}

interface StoredObject {
  name: string;
  data: Buffer;
  generation: string;
  metageneration: string;
  contentType: string;
  created: Date;
  md5: string;
  crc32c: string;
}
interface Bucket {
  objects: Map<string, StoredObject>;
  /** Principals holding roles/storage.objectViewer (storage.objects.list + storage.objects.get). */
  readers: Set<string>;
}
interface AccessToken {
  /** `serviceAccount:<email>` or a federated `principal://…` (https://cloud.google.com/iam/docs/principal-identifiers). */
  principal: string;
  /** The caller as GCS names it in a 403 (the email of a service account). */
  caller: string;
  scopes: string[];
  expires: number;
  /** Attributes of a federated identity (`attribute.repository`, …) for principalSet:// grants. */
  attributes?: Record<string, string>;
}
interface ServiceAccount {
  email: string;
  /** Principals holding roles/iam.workloadIdentityUser / serviceAccountTokenCreator on it. */
  impersonators: Set<string>;
  key?: { id: string; privateKey: KeyObject; publicKey: KeyObject };
}

export interface RequestRecord {
  host: string;
  method: string;
  path: string;
  status: number;
}

export interface RunningGcs {
  ca: TestCa;
  /** `http://127.0.0.1:<port>`: the CONNECT proxy. */
  proxyUrl: string;
  /** The runner's GitHub OIDC token endpoint (and issuer). */
  github: OidcIssuer;
  projectNumber: string;
  /** `projects/<n>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`. */
  provider: string;
  /** The federated principal of the repository's workflows (principalSet:// on attribute.repository). */
  repositoryPrincipal: string;
  createBucket(name: string): void;
  /** Writes `files` (relative path → content) under `prefix/`; returns each object's new generation. */
  put(bucket: string, prefix: string, files: Record<string, string | Buffer>): Record<string, string>;
  /** Overwrites one object: a new generation; the old one is gone (the bucket keeps no versions). */
  replace(bucket: string, name: string, content: string | Buffer): string;
  /** Grants roles/storage.objectViewer on the bucket to a principal (`serviceAccount:<email>`, `principalSet://…`). */
  grant(bucket: string, principal: string): void;
  /** Creates a service account that `impersonators` may impersonate. */
  serviceAccount(email: string, impersonators?: string[]): void;
  /** The external_account file google-github-actions/auth writes (workload identity federation, impersonating `serviceAccount`; direct federation without one). */
  externalAccountFile(serviceAccount: string | undefined, misbehave?: Misbehaviour): string;
  /** A service account key JSON file (a new key of `email`). */
  serviceAccountKeyFile(email: string): string;
  /** The step environment: the proxy, the CA, application default credentials and nothing else of this machine. */
  env(credentialsFile?: string, overrides?: Record<string, string>): Record<string, string>;
  /** Every access token issued (STS, impersonation, key grant) and every GitHub ID token. */
  secrets(): string[];
  /** Called after an object's bytes were served in full (tests replace it here). */
  onMediaRead?: (bucket: string, name: string, generation: string) => void;
  connects: string[];
  requests: RequestRecord[];
  close(): Promise<void>;
}

// --- helpers ------------------------------------------------------------------------------------

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

// The JSON API's error body (https://cloud.google.com/storage/docs/json_api/v1/status-codes): code, message, errors[{message, domain, reason}].
function gcsError(res: ServerResponse, code: number, reason: string, message: string, extra: Record<string, string> = {}): void {
  sendJson(
    res,
    code,
    { error: { code, message, errors: [{ message, domain: 'global', reason, ...extra }] } },
    code === 401 ? { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' } : {},
  );
}

// google.rpc.Status errors of the IAM APIs (https://cloud.google.com/apis/design/errors#http_mapping): code, message, status.
function rpcError(res: ServerResponse, code: number, status: string, message: string): void {
  sendJson(res, code, { error: { code, message, status } });
}

// OAuth 2.0 error responses (RFC 6749 §5.2, used by the STS, RFC 8693 §2.2.2, and the token endpoint).
function oauthError(res: ServerResponse, error: string, description: string, status = 400): void {
  sendJson(res, status, { error, error_description: description });
}

function decodeJwt(token: string): { header: Record<string, unknown>; claims: Record<string, unknown>; input: string; signature: Buffer } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>,
      claims: JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>,
      input: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2]!, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

function httpsJson(url: string, ca: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    }).on('error', reject);
  });
}

// --- the world ----------------------------------------------------------------------------------

export interface GcsOptions {
  /** Page size of objects.list when the request gives no maxResults (GCS: 1000; smaller here so paging is exercised). */
  pageSize?: number;
  /** Lifetime of the access tokens issued, in seconds (GCS default 3600). */
  tokenSeconds?: number;
}

export async function startGcs(o: GcsOptions = {}): Promise<RunningGcs> {
  const ca = createTestCa([...GOOGLE_HOSTS]);
  const github = await startOidcIssuer(ca);
  const projectNumber = '123456789012';
  const pool = 'github';
  const provider = `projects/${projectNumber}/locations/global/workloadIdentityPools/${pool}/providers/ml-repo`;
  const poolPrefix = `//iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${pool}`;
  // Attribute mapping google.subject=assertion.sub, attribute.repository=assertion.repository, as
  // google-github-actions/auth's setup creates it (its README, "Workload Identity Federation through a Service Account").
  const repositoryPrincipal = `principalSet:${poolPrefix}/attribute.repository/octo-org/ml-repo`;
  // An OIDC provider without allowed audiences accepts its own canonical name, with or without the
  // https: prefix (https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools.providers#oidc: allowedAudiences).
  const allowedAudiences = new Set([`https://iam.googleapis.com/${provider}`, `//iam.googleapis.com/${provider}`]);
  const pageSize = o.pageSize ?? 1000;
  const tokenSeconds = o.tokenSeconds ?? 3600;

  const buckets = new Map<string, Bucket>();
  const accounts = new Map<string, ServiceAccount>();
  const tokens = new Map<string, AccessToken>();
  const issued: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'gcs-world-'));
  let lastGeneration = 0n;
  let jwks: Array<JsonWebKey & { kid?: string }> | undefined;

  // A generation is the write's time in microseconds (https://cloud.google.com/storage/docs/metadata#generation-number), strictly increasing here.
  const nextGeneration = (): string => {
    const now = BigInt(Date.now()) * 1000n;
    lastGeneration = now > lastGeneration ? now : lastGeneration + 1n;
    return String(lastGeneration);
  };

  const mintToken = (t: Omit<AccessToken, 'expires'>): { token: string; expires: number } => {
    // Google OAuth access tokens start `ya29.` (https://cloud.google.com/docs/authentication/token-types#access).
    const token = `ya29.${randomBytes(48).toString('base64url')}`;
    const expires = Date.now() + tokenSeconds * 1000;
    tokens.set(token, { ...t, expires });
    issued.push(token);
    return { token, expires };
  };

  const write = (bucket: string, name: string, content: string | Buffer): string => {
    const b = buckets.get(bucket);
    if (!b) throw new Error(`no bucket ${bucket}`);
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    const generation = nextGeneration();
    // Non-versioned bucket: the live object is replaced, its old generation is gone (https://cloud.google.com/storage/docs/object-versioning).
    b.objects.set(name, {
      name,
      data,
      generation,
      metageneration: '1',
      contentType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      created: new Date(),
      md5: createHash('md5').update(data).digest('base64'),
      crc32c: crc32c(data).toString('base64'),
    });
    return generation;
  };

  // The object resource (https://cloud.google.com/storage/docs/json_api/v1/objects#resource): size and generations are strings (int64 as string).
  const resource = (bucket: string, ob: StoredObject): Record<string, unknown> => {
    const enc = encodeURIComponent(ob.name);
    return {
      kind: 'storage#object',
      id: `${bucket}/${ob.name}/${ob.generation}`,
      selfLink: `https://www.googleapis.com/storage/v1/b/${bucket}/o/${enc}`,
      mediaLink: `https://storage.googleapis.com/download/storage/v1/b/${bucket}/o/${enc}?generation=${ob.generation}&alt=media`,
      name: ob.name,
      bucket,
      generation: ob.generation,
      metageneration: ob.metageneration,
      contentType: ob.contentType,
      storageClass: 'STANDARD',
      size: String(ob.data.length),
      md5Hash: ob.md5,
      crc32c: ob.crc32c,
      // An entity tag of the object's generation and metageneration (its exact encoding is Google's own; ours).
      etag: Buffer.from(`${ob.generation}/${ob.metageneration}`).toString('base64'),
      timeCreated: ob.created.toISOString(),
      updated: ob.created.toISOString(),
      timeStorageClassUpdated: ob.created.toISOString(),
    };
  };

  /** The caller of a storage request, or an error sent. */
  const authenticate = (req: IncomingMessage, res: ServerResponse, permission: string, what: 'bucket' | 'object'): AccessToken | undefined => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer === undefined) {
      // Without credentials: 401 "Anonymous caller does not have storage.objects.list access to the Google Cloud Storage bucket. …" (text as reported from the real service, e.g. gsutil's ServiceException).
      gcsError(
        res,
        401,
        'required',
        `Anonymous caller does not have ${permission} access to the Google Cloud Storage ${what}. Permission '${permission}' denied on resource (or it may not exist).`,
        { locationType: 'header', location: 'Authorization' },
      );
      return undefined;
    }
    const t = tokens.get(bearer);
    if (!t || t.expires <= Date.now()) {
      // An unknown or expired token: 401 authError "Invalid Credentials" (https://cloud.google.com/storage/docs/json_api/v1/status-codes#401-unauthorized).
      gcsError(res, 401, 'authError', 'Invalid Credentials', { locationType: 'header', location: 'Authorization' });
      return undefined;
    }
    if (!t.scopes.some((s) => STORAGE_SCOPES.has(s))) {
      // A token without a storage scope: 403 insufficientPermissions (https://cloud.google.com/storage/docs/json_api/v1/status-codes#403-forbidden; text ours).
      gcsError(res, 403, 'insufficientPermissions', 'Provided scope(s) are not authorized');
      return undefined;
    }
    return t;
  };

  const mayRead = (b: Bucket, t: AccessToken): boolean => {
    if (b.readers.has(t.principal)) return true;
    // principalSet://…/attribute.<name>/<value> matches a federated identity with that mapped attribute (https://cloud.google.com/iam/docs/principal-identifiers).
    for (const r of b.readers) {
      const m = /^principalSet:(\/\/iam\.googleapis\.com\/projects\/[^/]+\/locations\/global\/workloadIdentityPools\/[^/]+)\/attribute\.([^/]+)\/(.+)$/.exec(r);
      if (m && t.principal.startsWith(`principal:${m[1]}/`) && t.attributes?.[m[2]!] === m[3]) return true;
    }
    return false;
  };

  // --- storage.googleapis.com ---
  const storage = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    // JSON API paths: /storage/v1/b/<bucket>/o[/<object>] and media downloads under /download/storage/v1/… (https://cloud.google.com/storage/docs/request-endpoints#json-api).
    const m = /^(\/download)?\/storage\/v1\/b\/([^/]+)\/o(?:\/(.+))?$/.exec(url.pathname);
    if (!m || req.method !== 'GET') {
      gcsError(res, 404, 'notFound', 'Not Found'); // (ours: this server knows only objects.list and objects.get)
      return;
    }
    const bucketName = decodeURIComponent(m[2]!);
    const objectName = m[3] !== undefined ? decodeURIComponent(m[3]) : undefined;
    const permission = objectName === undefined ? 'storage.objects.list' : 'storage.objects.get';
    const t = authenticate(req, res, permission, objectName === undefined ? 'bucket' : 'object');
    if (!t) return;
    const b = buckets.get(bucketName);
    if (!b) {
      // 404 notFound "The specified bucket does not exist." (the service's text and reason, as the Go client quotes it: "googleapi: Error 404: The specified bucket does not exist., notFound").
      gcsError(res, 404, 'notFound', 'The specified bucket does not exist.');
      return;
    }
    if (!mayRead(b, t)) {
      // 403 forbidden "<caller> does not have storage.objects.list access to the Google Cloud Storage bucket. Permission 'storage.objects.list' denied on resource (or it may not exist)." (the service's text, as gcloud and Terraform error reports quote it: "googleapi: Error 403: <sa> does not have storage.objects.list access to the Google Cloud Storage bucket. …, forbidden").
      gcsError(
        res,
        403,
        'forbidden',
        `${t.caller} does not have ${permission} access to the Google Cloud Storage ${objectName === undefined ? 'bucket' : 'object'}. Permission '${permission}' denied on resource (or it may not exist).`,
      );
      return;
    }
    if (objectName === undefined) {
      // objects.list (https://cloud.google.com/storage/docs/json_api/v1/objects/list): prefix, delimiter, startOffset/endOffset,
      // maxResults (at most 1000), pageToken → nextPageToken; lexicographic order; `items` and `prefixes` left out when empty.
      const prefix = url.searchParams.get('prefix') ?? '';
      const delimiter = url.searchParams.get('delimiter') ?? '';
      const start = url.searchParams.get('startOffset') ?? '';
      const end = url.searchParams.get('endOffset');
      const max = Math.min(1000, Number(url.searchParams.get('maxResults') ?? pageSize) || pageSize);
      const after = url.searchParams.get('pageToken') ? Buffer.from(url.searchParams.get('pageToken')!, 'base64url').toString('utf8') : undefined;
      // Entries in name order: an object, or the common prefix (up to and with the delimiter) standing for all under it.
      const entries: Array<{ key: string; prefix: boolean }> = [];
      for (const n of [...b.objects.keys()].filter((k) => k.startsWith(prefix) && k >= start && (end === null || k < end)).sort()) {
        const cut = delimiter ? n.indexOf(delimiter, prefix.length) : -1;
        const e = cut >= 0 ? { key: n.slice(0, cut + delimiter.length), prefix: true } : { key: n, prefix: false };
        const last = entries[entries.length - 1];
        if (!(last?.prefix && e.prefix && last.key === e.key)) entries.push(e);
      }
      const rest = after === undefined ? entries : entries.filter((e) => e.key > after);
      const page = rest.slice(0, max);
      const next = rest.length > max ? Buffer.from(page[page.length - 1]!.key).toString('base64url') : undefined;
      const items = page.filter((e) => !e.prefix).map((e) => resource(bucketName, b.objects.get(e.key)!));
      const prefixes = page.filter((e) => e.prefix).map((e) => e.key);
      sendJson(res, 200, {
        kind: 'storage#objects',
        ...(next ? { nextPageToken: next } : {}),
        ...(prefixes.length ? { prefixes } : {}),
        ...(items.length ? { items } : {}),
      });
      return;
    }
    const ob = b.objects.get(objectName);
    const generation = url.searchParams.get('generation');
    if (!ob || (generation !== null && generation !== ob.generation)) {
      // 404 notFound "No such object: <bucket>/<object>" — also for a generation that no longer exists (https://cloud.google.com/storage/docs/json_api/v1/objects/get: generation "selects a specific revision";
      // the text as the Go client quotes it, "googleapi: Error 404: No such object: <bucket>/<object>, notFound", including for a wrong generation).
      gcsError(res, 404, 'notFound', `No such object: ${bucketName}/${objectName}`);
      return;
    }
    if (url.searchParams.get('alt') === 'media') {
      // Media download (https://cloud.google.com/storage/docs/json_api/v1/objects/get, alt=media) with the x-goog-* headers of
      // https://cloud.google.com/storage/docs/xml-api/reference-headers (x-goog-hash crc32c + md5, x-goog-generation, x-goog-stored-content-encoding).
      res.writeHead(200, {
        'content-type': ob.contentType,
        'content-length': String(ob.data.length),
        etag: `"${ob.md5}"`,
        'x-goog-generation': ob.generation,
        'x-goog-metageneration': ob.metageneration,
        'x-goog-hash': `crc32c=${ob.crc32c},md5=${ob.md5}`,
        'x-goog-stored-content-length': String(ob.data.length),
        'x-goog-stored-content-encoding': 'identity',
        'x-goog-storage-class': 'STANDARD',
      });
      res.end(ob.data, () => mediaRead(bucketName, ob));
      return;
    }
    sendJson(res, 200, resource(bucketName, ob));
  };
  const state = {} as RunningGcs;
  const mediaRead = (bucket: string, ob: StoredObject) => {
    try {
      state.onMediaRead?.(bucket, ob.name, ob.generation);
    } catch {
      // a test hook's error is the test's business
    }
  };

  // --- sts.googleapis.com ---
  const verifyOidc = async (token: string): Promise<{ ok: true; claims: Record<string, unknown> } | { ok: false; error: string; description: string }> => {
    const jwt = decodeJwt(token);
    // Errors of the token exchange are OAuth errors, invalid_grant for a rejected subject token (https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token; RFC 8693 §2.2.2).
    if (!jwt) return { ok: false, error: 'invalid_grant', description: 'Unable to parse the ID Token.' }; // (ours)
    if (jwt.header.alg !== 'RS256') return { ok: false, error: 'invalid_grant', description: `Unsupported signing algorithm ${String(jwt.header.alg)}.` }; // (ours)
    // The provider checks the signature against the issuer's keys, read from its OpenID discovery document (https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines#github-actions).
    if (!jwks) {
      const discovery = (await httpsJson(`${github.issuer}/.well-known/openid-configuration`, ca.caPem)) as { jwks_uri: string };
      jwks = ((await httpsJson(discovery.jwks_uri, ca.caPem)) as { keys: Array<JsonWebKey & { kid?: string }> }).keys;
    }
    const jwk = jwks.find((k) => k.kid === jwt.header.kid);
    const good = jwk !== undefined && verifySignature('RSA-SHA256', Buffer.from(jwt.input), createPublicKey({ key: jwk, format: 'jwk' }), jwt.signature);
    if (!good) return { ok: false, error: 'invalid_grant', description: 'Invalid JWT signature.' }; // (ours)
    const c = jwt.claims;
    // "The issuer in ID Token <iss> does not match the expected ones: <issuer>" / "The audience in ID Token [<aud>] does not match the expected audience." (the service's invalid_grant texts, as field reports quote them verbatim).
    if (c.iss !== github.issuer)
      return { ok: false, error: 'invalid_grant', description: `The issuer in ID Token ${String(c.iss)} does not match the expected ones: ${github.issuer}` };
    const aud = Array.isArray(c.aud) ? (c.aud as string[]) : [String(c.aud)];
    if (!aud.some((a) => allowedAudiences.has(a))) {
      return { ok: false, error: 'invalid_grant', description: `The audience in ID Token [${aud.join(', ')}] does not match the expected audience.` };
    }
    const now = Math.floor(Date.now() / 1000);
    // An expired subject token: invalid_grant naming the expiry (wording ours; Google's mentions the token's time as "ID Token issued at … is stale to sign-in." does for iat).
    if (typeof c.exp !== 'number' || c.exp <= now)
      return { ok: false, error: 'invalid_grant', description: `ID Token expired at ${String(c.exp)}; the current time is ${now}.` };
    return { ok: true, claims: c };
  };

  const sts = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    // POST https://sts.googleapis.com/v1/token, form-encoded RFC 8693 fields (https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token).
    if (req.method !== 'POST' || url.pathname !== '/v1/token') return rpcError(res, 404, 'NOT_FOUND', 'Not Found');
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange') {
      return oauthError(res, 'unsupported_grant_type', `Unsupported grant_type ${form.get('grant_type') ?? ''}.`); // (ours)
    }
    if (
      form.get('subject_token_type') !== 'urn:ietf:params:oauth:token-type:jwt' &&
      form.get('subject_token_type') !== 'urn:ietf:params:oauth:token-type:id_token'
    ) {
      return oauthError(res, 'invalid_request', 'Invalid subject_token_type.'); // (ours)
    }
    if ((form.get('requested_token_type') ?? '') !== 'urn:ietf:params:oauth:token-type:access_token') {
      return oauthError(res, 'invalid_request', 'Invalid requested_token_type.'); // (ours)
    }
    if (form.get('audience') !== `//iam.googleapis.com/${provider}`) {
      // An audience naming no provider: invalid_target (the service's text, as gcloud's debug log and google-github-actions/auth failures quote it).
      return oauthError(
        res,
        'invalid_target',
        'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.',
      );
    }
    const v = await verifyOidc(form.get('subject_token') ?? '');
    if (!v.ok) return oauthError(res, v.error, v.description);
    const sub = String(v.claims.sub);
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const { token } = mintToken({
      principal: `principal:${poolPrefix}/subject/${sub}`,
      caller: `principal:${poolPrefix}/subject/${sub}`,
      scopes: scopes.length ? scopes : ['https://www.googleapis.com/auth/cloud-platform'],
      attributes: { repository: String(v.claims.repository) },
    });
    // The response: access_token, issued_token_type, token_type Bearer, expires_in (same page).
    sendJson(res, 200, {
      access_token: token,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: tokenSeconds,
    });
  };

  // --- iamcredentials.googleapis.com ---
  const iamcredentials = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    // POST /v1/projects/-/serviceAccounts/<email>:generateAccessToken {scope[], lifetime} → {accessToken, expireTime}
    // (https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateAccessToken).
    const m = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(url.pathname);
    if (req.method !== 'POST' || !m) return rpcError(res, 404, 'NOT_FOUND', 'Not Found');
    const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { scope?: string[]; lifetime?: string };
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const caller = bearer ? tokens.get(bearer) : undefined;
    if (!caller || caller.expires <= Date.now()) {
      // 401 UNAUTHENTICATED (https://cloud.google.com/apis/design/errors#handling_errors; text ours).
      return rpcError(
        res,
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      );
    }
    if (!caller.scopes.some((s) => IAM_SCOPES.has(s))) return rpcError(res, 403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.');
    const email = decodeURIComponent(m[1]!);
    const sa = accounts.get(email);
    const allowed =
      sa !== undefined &&
      [...sa.impersonators].some((p) => {
        if (p === caller.principal) return true;
        const ps = /^principalSet:(.+)\/attribute\.([^/]+)\/(.+)$/.exec(p);
        return ps !== null && caller.principal.startsWith(`principal:${ps[1]}/`) && caller.attributes?.[ps[2]!] === ps[3];
      });
    if (!allowed) {
      // "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist)." — for an unknown account too; status PERMISSION_DENIED (the service's text, as WIF troubleshooting guides and google-auth RefreshErrors quote it).
      return rpcError(res, 403, 'PERMISSION_DENIED', "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).");
    }
    const lifetime = Number(/^(\d+)s$/.exec(body.lifetime ?? '3600s')?.[1] ?? 3600);
    if (lifetime > 3600) return rpcError(res, 400, 'INVALID_ARGUMENT', 'The lifetime must be at most 3600s.'); // max 1 h without the org policy (same page; text ours)
    const { token, expires } = mintToken({ principal: `serviceAccount:${email}`, caller: email, scopes: body.scope ?? [] });
    sendJson(res, 200, { accessToken: token, expireTime: new Date(expires).toISOString().replace(/\.\d{3}Z$/, 'Z') });
  };

  // --- oauth2.googleapis.com ---
  const oauth2 = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    // POST /token grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT signed with the key> → {access_token, expires_in, token_type}
    // (https://developers.google.com/identity/protocols/oauth2/service-account#httprest; RFC 7523).
    if (req.method !== 'POST' || !TOKEN_URLS.has(`https://${url.host}${url.pathname}`)) return oauthError(res, 'invalid_request', 'Not Found', 404);
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return oauthError(res, 'unsupported_grant_type', 'Invalid grant_type.'); // (ours)
    const jwt = decodeJwt(form.get('assertion') ?? '');
    const sa = jwt ? accounts.get(String(jwt.claims.iss)) : undefined;
    // The account's keys are found by `iss` (gtoken's header carries no kid); invalid_grant "Invalid JWT Signature." for a key the account does not hold (the service's text, quoted in googleapis/google-cloud-python#10004).
    if (
      !jwt ||
      !sa?.key ||
      (jwt.header.kid !== undefined && jwt.header.kid !== sa.key.id) ||
      !verifySignature('RSA-SHA256', Buffer.from(jwt.input), sa.key.publicKey, jwt.signature)
    ) {
      return oauthError(res, 'invalid_grant', 'Invalid JWT Signature.');
    }
    const c = jwt.claims;
    const now = Math.floor(Date.now() / 1000);
    // aud must be the token URL; exp at most an hour after iat (same page, "Forming the JWT claim set").
    if (!TOKEN_URLS.has(String(c.aud))) return oauthError(res, 'invalid_grant', 'Invalid JWT: Failed audience check.'); // (ours)
    if (typeof c.exp !== 'number' || typeof c.iat !== 'number' || c.exp <= now || c.exp - c.iat > 3600) {
      return oauthError(
        res,
        'invalid_grant',
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      );
    }
    const { token } = mintToken({
      principal: `serviceAccount:${sa.email}`,
      caller: sa.email,
      scopes: String(c.scope ?? '')
        .split(' ')
        .filter(Boolean),
    });
    sendJson(res, 200, { access_token: token, expires_in: tokenSeconds - 1, token_type: 'Bearer' });
  };

  const requests: RequestRecord[] = [];
  const server: HttpsServer = createHttpsServer({ cert: ca.cert, key: ca.key }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const url = new URL(req.url ?? '/', `https://${host}`);
    res.on('finish', () => requests.push({ host, method: req.method ?? '', path: url.pathname + url.search, status: res.statusCode }));
    const handle = async () => {
      if (host === 'storage.googleapis.com') return storage(req, res, url);
      if (host === 'sts.googleapis.com') return sts(req, res, url);
      if (host === 'iamcredentials.googleapis.com') return iamcredentials(req, res, url);
      if (host === 'oauth2.googleapis.com' || host === 'www.googleapis.com') return oauth2(req, res, url);
      res.writeHead(421).end(); // Misdirected Request: a host this server does not answer for
    };
    handle().catch((e: unknown) => {
      if (!res.headersSent) rpcError(res, 500, 'INTERNAL', e instanceof Error ? e.message : String(e));
      else res.destroy();
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const httpsPort = (server.address() as AddressInfo).port;

  // The proxy: CONNECT to the Google hosts on 443 only (a runner's egress proxy; see pr-summary-notify-proxy.test.ts).
  const connects: string[] = [];
  const proxy: HttpServer = createHttpServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    const [h, port] = (req.url ?? '').split(':');
    if (port !== '443' || !(GOOGLE_HOSTS as readonly string[]).includes(h ?? '')) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(httpsPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    sockets.add(client);
    upstream.on('close', () => sockets.delete(upstream));
    client.on('close', () => sockets.delete(client));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

  Object.assign(state, {
    ca,
    proxyUrl,
    github,
    projectNumber,
    provider,
    repositoryPrincipal,
    connects,
    requests,
    createBucket(name: string) {
      buckets.set(name, { objects: new Map(), readers: new Set() });
    },
    put(bucket: string, prefix: string, files: Record<string, string | Buffer>) {
      const out: Record<string, string> = {};
      for (const [rel, content] of Object.entries(files)) {
        const name = prefix ? `${prefix.replace(/\/+$/, '')}/${rel}` : rel;
        out[rel] = write(bucket, name, content);
      }
      return out;
    },
    replace: (bucket: string, name: string, content: string | Buffer) => write(bucket, name, content),
    grant(bucket: string, principal: string) {
      const b = buckets.get(bucket);
      if (!b) throw new Error(`no bucket ${bucket}`);
      b.readers.add(principal);
    },
    serviceAccount(email: string, impersonators: string[] = []) {
      const sa = accounts.get(email) ?? { email, impersonators: new Set<string>() };
      for (const p of impersonators) sa.impersonators.add(p);
      accounts.set(email, sa);
    },
    externalAccountFile(serviceAccount: string | undefined, misbehave: Misbehaviour = 'none') {
      // The file google-github-actions/auth writes (src/client/workload_identity_federation.ts createCredentialsFile): the
      // runner's token URL with &audience=https://iam.googleapis.com/<provider> (its default OIDC audience, src/main.ts),
      // the request token as a Bearer header, the JSON field `value`, and the impersonation URL.
      const requestUrl = new URL(github.env.ACTIONS_ID_TOKEN_REQUEST_URL);
      requestUrl.searchParams.set('audience', `https://iam.googleapis.com/${provider}`);
      const data = {
        type: 'external_account',
        audience: `//iam.googleapis.com/${provider}`,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: 'https://sts.googleapis.com/v1/token',
        credential_source: {
          url: requestUrl.toString(),
          headers: { Authorization: `Bearer ${github.envFor(misbehave).ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
          format: { type: 'json', subject_token_field_name: 'value' },
        },
        // Only with a service account; without one the federated token is used directly ("Direct Workload Identity Federation").
        ...(serviceAccount
          ? { service_account_impersonation_url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${serviceAccount}:generateAccessToken` }
          : {}),
      };
      // $RUNNER_TEMP/_github_home/gha-creds-<random>.json (same source, src/main.ts and src/utils.ts).
      const home = join(dir, '_github_home');
      mkdirp(home);
      const file = join(home, `gha-creds-${randomBytes(8).toString('hex')}.json`);
      writeFileSync(file, JSON.stringify(data), { mode: 0o600 });
      return file;
    },
    serviceAccountKeyFile(email: string) {
      const sa = accounts.get(email) ?? { email, impersonators: new Set<string>() };
      accounts.set(email, sa);
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      sa.key = { id: randomBytes(20).toString('hex'), privateKey: pair.privateKey, publicKey: pair.publicKey };
      // A service account key file (https://cloud.google.com/iam/docs/keys-create-delete#creating: type, project_id, private_key_id, private_key, client_email, token_uri, …).
      const data = {
        type: 'service_account',
        project_id: 'ml-project',
        private_key_id: sa.key.id,
        private_key: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }),
        client_email: email,
        client_id: '109876543210987654321',
        auth_uri: 'https://accounts.google.com/o/oauth2/auth',
        token_uri: 'https://oauth2.googleapis.com/token',
        universe_domain: 'googleapis.com',
      };
      const file = join(dir, `key-${sa.key.id.slice(0, 8)}.json`);
      writeFileSync(file, JSON.stringify(data), { mode: 0o600 });
      return file;
    },
    env(credentialsFile?: string, overrides: Record<string, string> = {}) {
      const home = join(dir, 'home');
      mkdirp(home);
      return {
        HTTPS_PROXY: proxyUrl,
        NO_PROXY: '127.0.0.1,localhost',
        NODE_EXTRA_CA_CERTS: ca.caFile,
        // No gcloud ADC file of this machine, and no metadata server to probe (gcp-metadata's METADATA_SERVER_DETECTION).
        HOME: home,
        CLOUDSDK_CONFIG: join(home, 'gcloud'),
        METADATA_SERVER_DETECTION: 'none',
        ...(credentialsFile
          ? // What google-github-actions/auth exports (src/main.ts): the file for ADC and gcloud, and the project.
            {
              GOOGLE_APPLICATION_CREDENTIALS: credentialsFile,
              CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: credentialsFile,
              GOOGLE_GHA_CREDS_PATH: credentialsFile,
              GOOGLE_CLOUD_PROJECT: 'ml-project',
            }
          : {}),
        ...overrides,
      };
    },
    secrets: () => [...issued, ...github.issued],
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise<void>((ok) => server.close(() => ok())), new Promise<void>((ok) => proxy.close(() => ok())), github.close()]);
    },
  } satisfies Omit<RunningGcs, 'onMediaRead'>);
  return state;
}

function mkdirp(dir: string): void {
  mkdirSync(dir, { recursive: true });
}
