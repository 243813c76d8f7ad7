/**
 * AWS S3 (and S3-compatible stores: MinIO, on-premises) through the official SDK, loaded with
 * import() from objects.ts, so only a step that reads an s3:// URI parses it.
 *
 * - Credentials: the SDK's standard Node chain (`fromNodeProviderChain`: environment, SSO, shared
 *   profiles incl. AWS_PROFILE, credential_process, the web identity token file that
 *   aws-actions/configure-aws-credentials leaves in AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN,
 *   then ECS/EC2 metadata; https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/Package/-aws-sdk-credential-providers/#fromnodeproviderchain).
 *   Resolved once; the secret key and session token are masked as soon as they are known.
 * - Region: AWS_REGION, else AWS_DEFAULT_REGION (configure-aws-credentials sets both), else the
 *   profile's, else us-east-1 — with `followRegionRedirects`, so a bucket in another region is still read.
 * - Endpoint: AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL (the SDKs' service-specific endpoint
 *   variables, https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html); a custom
 *   endpoint is addressed path-style (`<endpoint>/<bucket>/<key>`), as MinIO and most on-premises
 *   stores need (no wildcard DNS for virtual-hosted buckets).
 */
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { fromNodeProviderChain as FromChain } from '@aws-sdk/credential-providers';
import {
  cloudError,
  folderListing,
  namedExports,
  objectListing,
  type CloudDeps,
  type CloudListing,
  type CloudObject,
  type CloudStore,
  type RawObject,
} from './objects.js';
import type { CloudUri } from './uri.js';

type AwsCredentialIdentity = Awaited<ReturnType<ReturnType<typeof FromChain>>>;

interface AwsError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** S3 error codes that mean "these credentials are not accepted" (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). */
const REFUSED = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidToken',
  'TokenRefreshRequired',
  'AllAccessDisabled',
  'Forbidden',
]);
/** STS AssumeRoleWithWebIdentity errors of a token that is no longer (or not) valid (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html). */
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException']);
const REJECTED_TOKEN = new Set(['InvalidIdentityTokenException', 'IDPRejectedClaimException', 'AccessDeniedException']);

function codeOf(e: unknown): string {
  const err = e as AwsError;
  return err.Code ?? err.name ?? 'Error';
}

function statusOf(e: unknown): number | undefined {
  return (e as AwsError).$metadata?.httpStatusCode;
}

/**
 * A JWT's `exp` (seconds), when the text is one. The web identity token file holds the GitHub OIDC
 * token (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect).
 */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp : undefined;
  } catch {
    return undefined;
  }
}

/** Turns an SDK or credential error into the one error the user sees; undefined for "not found" (the caller decides). */
export function s3Failure(uri: CloudUri, input: string, e: unknown): Error {
  const code = codeOf(e);
  const status = statusOf(e);
  const detail = (e as Error).message || code;
  if (EXPIRED.has(code)) return cloudError(uri, input, { kind: 'expired-token', detail }, e);
  if (REJECTED_TOKEN.has(code)) return cloudError(uri, input, { kind: 'refused', code, detail: `AWS STS refused the web identity token: ${detail}` }, e);
  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(detail)) {
    return cloudError(uri, input, { kind: 'no-credentials', detail }, e);
  }
  if (code === 'NoSuchBucket') return cloudError(uri, input, { kind: 'no-bucket' }, e);
  if (code === 'PreconditionFailed' || status === 412)
    return cloudError(uri, input, { kind: 'changed', detail: 'an object was replaced between two reads' }, e);
  if (REFUSED.has(code) || status === 403 || status === 401) return cloudError(uri, input, { kind: 'refused', code, detail }, e);
  return e instanceof Error ? e : new Error(String(e));
}

export async function createS3Store(deps: CloudDeps): Promise<CloudStore> {
  const [sdk, providers] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/credential-providers')]);
  const { S3Client: Client, HeadObjectCommand, ListObjectsV2Command, GetObjectCommand } = namedExports(sdk, 'S3Client');
  const { fromNodeProviderChain } = namedExports(providers, 'fromNodeProviderChain');
  const env = deps.env;
  const endpoint = env.AWS_ENDPOINT_URL_S3?.trim() || env.AWS_ENDPOINT_URL?.trim() || undefined;
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined;
  const chain = fromNodeProviderChain();
  let resolved: Promise<AwsCredentialIdentity> | undefined;
  const credentials = (): Promise<AwsCredentialIdentity> =>
    (resolved ??= (async () => {
      // The environment's keys come first, as in the chain (which reads process.env itself):
      // taken from the env the step was given, so a flow's own env is honoured.
      const keys = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY;
      if (!keys) checkWebIdentityToken(env);
      const c: AwsCredentialIdentity = keys
        ? {
            accessKeyId: env.AWS_ACCESS_KEY_ID!,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          }
        : await chain();
      deps.setSecret(c.secretAccessKey);
      if (c.sessionToken) deps.setSecret(c.sessionToken);
      return c;
    })());
  const base = { credentials, followRegionRedirects: true, ...(endpoint ? { endpoint, forcePathStyle: true } : {}) };
  let client: S3Client = new Client({ ...base, ...(region ? { region } : {}) });
  if (!region) {
    try {
      await client.config.region();
    } catch {
      client = new Client({ ...base, region: 'us-east-1' });
    }
  }
  const abortSignal = deps.abortSignal;
  if (endpoint) deps.info?.(`S3 endpoint ${endpoint} (path-style addressing)`);

  const failure = (uri: CloudUri, e: unknown) => s3Failure(uri, deps.input, e);

  return {
    cloud: 's3',
    async list(uri: CloudUri): Promise<CloudListing> {
      let headRefused: unknown;
      if (!uri.folderOnly) {
        try {
          const h = await client.send(new HeadObjectCommand({ Bucket: uri.bucket, Key: uri.key }), { abortSignal });
          return objectListing(uri, { key: uri.key, size: h.ContentLength ?? 0, etag: h.ETag, version: h.VersionId ?? undefined });
        } catch (e) {
          const status = statusOf(e);
          // HEAD answers 404 for a missing key (and a missing bucket: no body to tell them apart),
          // 403 for a missing key when the identity may not list: the listing below says which.
          if (status === 403) headRefused = e;
          else if (status !== 404 && codeOf(e) !== 'NotFound') throw failure(uri, e);
        }
      }
      const raw: RawObject[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await client.send(
            new ListObjectsV2Command({ Bucket: uri.bucket, Prefix: `${uri.key}/`, ...(token ? { ContinuationToken: token } : {}) }),
            { abortSignal },
          );
          for (const o of page.Contents ?? []) if (o.Key) raw.push({ key: o.Key, size: o.Size ?? 0, ...(o.ETag ? { etag: o.ETag } : {}) });
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      } catch (e) {
        throw failure(uri, e);
      }
      const listing = folderListing(uri, raw);
      if (listing.objects.length === 0 && headRefused) throw failure(uri, headRefused);
      if (listing.objects.length === 0) throw cloudError(uri, deps.input, { kind: 'no-object' });
      return listing;
    },
    async open(uri: CloudUri, object: CloudObject): Promise<Readable> {
      try {
        // Pinned: to the version when the bucket is versioned, else to the ETag read (If-Match),
        // so that the hash pass and the upload pass read the same bytes or fail.
        const res = await client.send(
          new GetObjectCommand({
            Bucket: uri.bucket,
            Key: object.key,
            ...(object.version ? { VersionId: object.version } : object.etag ? { IfMatch: `"${object.etag}"` } : {}),
          }),
          { abortSignal },
        );
        if (!object.version && res.VersionId && res.VersionId !== 'null') object.version = res.VersionId;
        if (!object.etag && res.ETag) object.etag = res.ETag.replace(/"/g, '');
        return res.Body as Readable;
      } catch (e) {
        if (codeOf(e) === 'NoSuchKey' || statusOf(e) === 404) {
          throw cloudError(uri, deps.input, { kind: 'changed', detail: `${object.key} was deleted while it was read` }, e);
        }
        throw failure(uri, e);
      }
    },
  };
}

/**
 * The web identity token of configure-aws-credentials expires (GitHub's OIDC tokens live minutes):
 * said before AWS STS is asked, with what to do, when the token file holds an expired JWT and no
 * access keys come first in the chain.
 */
function checkWebIdentityToken(env: Record<string, string | undefined>): void {
  const file = env.AWS_WEB_IDENTITY_TOKEN_FILE;
  if (!file || env.AWS_ACCESS_KEY_ID) return;
  let token: string;
  try {
    token = readFileSync(file, 'utf8');
  } catch {
    return; // the chain reports an unreadable file itself
  }
  const exp = jwtExpiry(token);
  if (exp !== undefined && exp * 1000 <= Date.now()) {
    const e = new Error(`the token in AWS_WEB_IDENTITY_TOKEN_FILE (${file}) expired at ${new Date(exp * 1000).toISOString()}`);
    e.name = 'ExpiredTokenException';
    throw e;
  }
}
