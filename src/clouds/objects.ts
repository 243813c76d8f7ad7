/**
 * Objects on other clouds (AWS S3 and S3-compatible stores, Google Cloud Storage), read as one
 * model or metrics source: the object a URI names, or every object under it as a folder, each with
 * its size, ETag and version (S3 VersionId, GCS generation), streamed one by one.
 *
 * The clouds' own SDKs (`@aws-sdk/client-s3` with `@aws-sdk/credential-providers`,
 * `@google-cloud/storage`) are loaded with import() only when a step reads such a URI, so the
 * bundle's other paths neither parse nor carry them (scripts/build.mjs puts each in its own chunk).
 */
import type { Readable } from 'node:stream';
import { ConfigurationError } from '../core/errors.js';
import { cloudName, type CloudKind, type CloudUri } from './uri.js';

export interface CloudObject {
  /** The full key (S3) or object name (GCS). */
  key: string;
  /** Relative to the folder (`/` separators); the last segment of the key for a single object. */
  path: string;
  size: number;
  /** Without quotes. */
  etag?: string;
  /** S3 `VersionId` (versioned buckets) or GCS `generation`. */
  version?: string;
}

export interface CloudListing {
  uri: CloudUri;
  /** True when the URI names one object. */
  isFile: boolean;
  /** Sorted by path. */
  objects: CloudObject[];
  bytes: number;
  /** The folder's (or the object's) last name segment: `s3://b/models/iris/` → `iris`. */
  name: string;
}

export interface CloudStore {
  cloud: CloudKind;
  /** The object the URI names, else every object under `<key>/`. An empty folder lists nothing (the caller says what that means). */
  list(uri: CloudUri): Promise<CloudListing>;
  /** A stream of the object's bytes, pinned to the version (or ETag) listed, so two reads give the same bytes. */
  open(uri: CloudUri, object: CloudObject): Promise<Readable>;
}

export interface CloudDeps {
  env: Record<string, string | undefined>;
  /** Masks a secret in the log (each credential obtained). */
  setSecret(secret: string): void;
  /** The input that named the URI (errors name it). */
  input: string;
  info?(message: string): void;
  abortSignal?: AbortSignal;
}

/**
 * The named exports of a package loaded with import(): a CommonJS package (the AWS SDK's `main`)
 * bundled by esbuild comes as `{ default: module.exports }`, under Node as named exports too.
 */
export function namedExports<T extends object>(mod: T, name: keyof T): T {
  if (name in mod && mod[name] !== undefined) return mod;
  return (mod as { default?: T }).default ?? mod;
}

/** A raw object of a listing, as either SDK gives it. */
export interface RawObject {
  key: string;
  size: number;
  etag?: string;
  version?: string;
}

/**
 * The folder listing of `<key>/`: directory placeholder objects (keys ending in `/`, as the S3
 * console and gcloud write for "folders") are left out; sorted by relative path.
 */
export function folderListing(uri: CloudUri, raw: readonly RawObject[]): CloudListing {
  const prefix = `${uri.key}/`;
  const objects: CloudObject[] = [];
  for (const o of raw) {
    if (!o.key.startsWith(prefix) || o.key.endsWith('/')) continue;
    const path = o.key.slice(prefix.length).replace(/^\/+/, '');
    if (path === '' || path.split('/').some((s) => s === '' || s === '.' || s === '..')) continue;
    objects.push({ key: o.key, path, size: o.size, ...(o.etag ? { etag: unquote(o.etag) } : {}), ...(o.version ? { version: o.version } : {}) });
  }
  objects.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { uri, isFile: false, objects, bytes: objects.reduce((n, o) => n + o.size, 0), name: lastSegment(uri.key) };
}

/** The listing of one object. */
export function objectListing(uri: CloudUri, o: RawObject): CloudListing {
  const name = lastSegment(o.key);
  return {
    uri,
    isFile: true,
    objects: [{ key: o.key, path: name, size: o.size, ...(o.etag ? { etag: unquote(o.etag) } : {}), ...(o.version ? { version: o.version } : {}) }],
    bytes: o.size,
    name,
  };
}

export function unquote(etag: string): string {
  return etag.replace(/^W\//, '').replace(/"/g, '');
}

function lastSegment(key: string): string {
  const parts = key.split('/').filter((p) => p !== '');
  return parts[parts.length - 1] ?? key;
}

/** Reads a whole stream, refusing more than `maxBytes`. */
export async function readAll(stream: Readable, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    n += b.length;
    if (n > maxBytes) {
      stream.destroy();
      throw new Error(`${what} has more than ${maxBytes} bytes; at most that many are read`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** What a refusal or a missing thing means, as one {@link ConfigurationError} naming the cloud, the bucket and what to set. */
export type CloudFailure =
  | { kind: 'no-credentials'; detail: string }
  | { kind: 'refused'; code: string; detail: string; hint?: string }
  | { kind: 'expired-token'; detail: string }
  | { kind: 'no-bucket'; detail?: string }
  | { kind: 'no-object' }
  | { kind: 'changed'; detail: string };

/** What to set for each cloud's standard credential chain. */
export const CREDENTIAL_HELP: Record<CloudKind, string> = {
  s3:
    'Set AWS credentials the standard way: aws-actions/configure-aws-credentials (role-to-assume with id-token: write, which sets AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, or access keys), ' +
    'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), or AWS_PROFILE; the identity needs s3:ListBucket on the bucket and s3:GetObject on the objects. ' +
    'For MinIO or another S3-compatible store set AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL).',
  gs:
    'Set Google application default credentials: google-github-actions/auth (workload_identity_provider + service_account, which writes an external_account file and sets GOOGLE_APPLICATION_CREDENTIALS), ' +
    'or GOOGLE_APPLICATION_CREDENTIALS pointing at a service account key; the identity needs storage.objects.list and storage.objects.get (roles/storage.objectViewer) on the bucket.',
};

export function cloudError(uri: CloudUri, input: string, f: CloudFailure, cause?: unknown): ConfigurationError {
  const c = cloudName(uri.cloud);
  const where = `bucket '${uri.bucket}'`;
  switch (f.kind) {
    case 'no-credentials':
      return new ConfigurationError(`Input '${input}': no ${c} credentials were found to read ${uri.uri} (${where}): ${f.detail}`, {
        input,
        hint: CREDENTIAL_HELP[uri.cloud],
        cause,
      });
    case 'refused':
      return new ConfigurationError(`Input '${input}': ${c} refused the credentials for ${where} (${f.code}): ${f.detail}`, {
        input,
        hint: f.hint ?? CREDENTIAL_HELP[uri.cloud],
        cause,
      });
    case 'expired-token':
      return new ConfigurationError(`Input '${input}': the ${c} web identity token has expired, so ${where} cannot be read: ${f.detail}`, {
        input,
        hint:
          uri.cloud === 's3'
            ? 'The token in AWS_WEB_IDENTITY_TOKEN_FILE is the GitHub OIDC token of aws-actions/configure-aws-credentials; run that step again just before this one (or set role-duration-seconds) so it is fresh.'
            : 'The external_account file of google-github-actions/auth makes the client ask the runner for a fresh GitHub OIDC token at each use, so an expired one comes from a credential_source file written earlier or a clock that is off: run google-github-actions/auth in this job (permissions: id-token: write) with its default create_credentials_file.',
        cause,
      });
    case 'no-bucket':
      return new ConfigurationError(`Input '${input}': ${c} has no ${where}${f.detail ? ` (${f.detail})` : ''}.`, {
        input,
        hint:
          uri.cloud === 's3'
            ? 'Check the bucket name; for an S3-compatible store check AWS_ENDPOINT_URL_S3, for AWS the region (AWS_REGION).'
            : 'Check the bucket name and the project of the credentials.',
        cause,
      });
    case 'no-object':
      return new ConfigurationError(
        `Input '${input}': nothing is stored at ${uri.uri}: no object '${uri.key}' and no objects under '${uri.key}/' in ${where}.`,
        {
          input,
          hint: 'Check the key: a folder is every object under <prefix>/ (the URI may end with /), a file is one object.',
          cause,
        },
      );
    case 'changed':
      return new ConfigurationError(`Input '${input}': ${uri.uri} changed while it was read: ${f.detail}`, {
        input,
        hint: 'Run again once the writer has finished (a versioned bucket pins the versions read).',
        cause,
      });
  }
}
