/**
 * Google Cloud Storage through the official `@google-cloud/storage` client (JSON API), loaded with
 * import() from objects.ts, so only a step that reads a gs:// URI parses it.
 *
 * - Credentials: application default credentials (google-auth-library: GOOGLE_APPLICATION_CREDENTIALS
 *   — a service account key or the `external_account` file google-github-actions/auth writes for
 *   workload identity federation —, gcloud's ADC file, then the metadata server;
 *   https://cloud.google.com/docs/authentication/application-default-credentials). The access
 *   token obtained is masked.
 * - STORAGE_EMULATOR_HOST points the client at a JSON-API-compatible server without credentials
 *   (the client's own variable, read in its Storage constructor).
 * - Versions: each object's `generation` is read with the listing and every read is pinned to it
 *   (https://cloud.google.com/storage/docs/metadata#generation-number), so the hash pass and the
 *   upload pass read the same bytes or fail.
 */
import { PassThrough, type Readable } from 'node:stream';
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

interface GcsError {
  code?: number | string;
  message?: string;
  errors?: Array<{ reason?: string; message?: string }>;
  /** A GaxiosError's response: the JSON API's `{error: {code, message, errors}}` or a google.rpc `{error: {code, message, status}}`. */
  response?: { status?: number; data?: unknown };
  /** A GaxiosError's request (the URL says which service answered). */
  config?: { url?: string | URL };
}

interface GcsMetadata {
  name?: string;
  size?: string | number;
  etag?: string;
  generation?: string | number;
}

function statusOf(e: unknown): number | undefined {
  const err = e as GcsError;
  if (typeof err.code === 'number') return err.code;
  return err.response?.status;
}

/** The reason (JSON API `errors[0].reason`) or google.rpc `status` (IAM APIs) of an error, if it has one. */
function reasonOf(err: GcsError): string | undefined {
  const data = err.response?.data as { error?: { status?: string; errors?: Array<{ reason?: string }> } } | undefined;
  return err.errors?.[0]?.reason ?? data?.error?.errors?.[0]?.reason ?? data?.error?.status;
}

/** `{error: {message, errors: [{reason}]}}` given as text, else undefined. */
function parseErrorBody(text: string | undefined): { message?: string; reason?: string } | undefined {
  if (!text?.trimStart().startsWith('{')) return undefined;
  try {
    const e = (JSON.parse(text) as { error?: { message?: string; status?: string; errors?: Array<{ reason?: string }> } }).error;
    return e
      ? { ...(e.message ? { message: e.message } : {}), ...((e.errors?.[0]?.reason ?? e.status) ? { reason: e.errors?.[0]?.reason ?? e.status } : {}) }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The service account of an impersonation URL (`…/serviceAccounts/<email>:generateAccessToken`). */
function impersonatedAccount(err: GcsError): string | undefined {
  return /serviceAccounts\/([^/:]+):generateAccessToken/.exec(String(err.config?.url ?? ''))?.[1];
}

/** The one error the user sees for a client or credential error. */
export function gcsFailure(uri: CloudUri, input: string, e: unknown): Error {
  const err = e as GcsError;
  const status = statusOf(e);
  // A body-less answer (a proxy refusing the tunnel answers so) still says who answered what.
  // A download stream's error carries the raw JSON error body as its message (File#createReadStream): its message is the text.
  const body = parseErrorBody(err.message);
  const message = body?.message ?? (err.message || (status ? `HTTP ${status} from ${String(err.config?.url ?? 'Google')}` : String(e)));
  // google-auth-library's message when no application default credentials exist.
  if (/Could not load the default credentials|Unable to detect a Project Id/i.test(message)) {
    return cloudError(uri, input, { kind: 'no-credentials', detail: message }, e);
  }
  // The security token service's answer to an expired subject token (an OAuth error, RFC 8693), or to one issued too long
  // ago: "ID Token issued at <t> is stale to sign-in." (its text as quoted in googleapis/google-cloud-go#12440).
  if (/invalid_grant/i.test(message) && /expired|stale to sign-in/i.test(message)) return cloudError(uri, input, { kind: 'expired-token', detail: message }, e);
  if (/invalid_grant|unauthorized_client|invalid_client|invalid_target/i.test(message)) {
    const code = /invalid_grant|unauthorized_client|invalid_client|invalid_target/i.exec(message)![0];
    return cloudError(uri, input, { kind: 'refused', code, detail: message }, e);
  }
  // Service account impersonation refused by IAM Credentials (generateAccessToken): the storage role is not the issue.
  const account = impersonatedAccount(err);
  if (account && (status === 401 || status === 403 || status === 404)) {
    return cloudError(
      uri,
      input,
      {
        kind: 'refused',
        code: reasonOf(err) ?? `HTTP ${status}`,
        detail: `the workload identity may not impersonate service account ${account}: ${message}`,
        hint:
          `Grant roles/iam.workloadIdentityUser on ${account} to the workload identity pool's principal for this repository ` +
          '(principalSet://iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/attribute.repository/<owner>/<repo>), ' +
          "and check google-github-actions/auth's service_account input names an existing account.",
      },
      e,
    );
  }
  if (status === 404 && /bucket/i.test(message)) return cloudError(uri, input, { kind: 'no-bucket' }, e);
  if (status === 412) return cloudError(uri, input, { kind: 'changed', detail: 'an object was replaced between two reads' }, e);
  if (status === 401 || status === 403) {
    return cloudError(uri, input, { kind: 'refused', code: body?.reason ?? reasonOf(err) ?? `HTTP ${status}`, detail: message }, e);
  }
  return e instanceof Error ? e : new Error(message);
}

function raw(md: GcsMetadata): RawObject {
  return {
    key: md.name ?? '',
    size: Number(md.size ?? 0),
    ...(md.etag ? { etag: md.etag } : {}),
    ...(md.generation !== undefined ? { version: String(md.generation) } : {}),
  };
}

export async function createGcsStore(deps: CloudDeps): Promise<CloudStore> {
  const { Storage } = namedExports(await import('@google-cloud/storage'), 'Storage');
  const emulator = deps.env.STORAGE_EMULATOR_HOST;
  const storage = new Storage(deps.env.GOOGLE_CLOUD_PROJECT ? { projectId: deps.env.GOOGLE_CLOUD_PROJECT } : {});
  if (emulator) deps.info?.(`Cloud Storage endpoint ${emulator} (STORAGE_EMULATOR_HOST)`);
  let authorized: Promise<void> | undefined;
  const authorize = (uri: CloudUri): Promise<void> =>
    (authorized ??= (async () => {
      if (emulator) return;
      try {
        const token = await storage.authClient.getAccessToken();
        if (token) deps.setSecret(token);
      } catch (e) {
        throw gcsFailure(uri, deps.input, e);
      }
    })());

  return {
    cloud: 'gs',
    async list(uri: CloudUri): Promise<CloudListing> {
      await authorize(uri);
      const bucket = storage.bucket(uri.bucket);
      if (!uri.folderOnly) {
        try {
          const [md] = await bucket.file(uri.key).getMetadata();
          return objectListing(uri, raw(md));
        } catch (e) {
          if (statusOf(e) !== 404) throw gcsFailure(uri, deps.input, e);
        }
      }
      let files;
      try {
        [files] = await bucket.getFiles({ prefix: `${uri.key}/`, autoPaginate: true });
      } catch (e) {
        throw gcsFailure(uri, deps.input, e);
      }
      const listing = folderListing(
        uri,
        files.map((f) => raw({ ...(f.metadata as GcsMetadata), name: f.name })),
      );
      if (listing.objects.length === 0) throw cloudError(uri, deps.input, { kind: 'no-object' });
      return listing;
    },
    async open(uri: CloudUri, object: CloudObject): Promise<Readable> {
      await authorize(uri);
      const file = storage.bucket(uri.bucket).file(object.key, object.version ? { generation: Number(object.version) } : {});
      const out = new PassThrough();
      const src = file.createReadStream();
      // Errors (a deleted generation's 404, a 403) come on the stream: turned into ours there.
      src.on('error', (e) =>
        out.destroy(
          statusOf(e) === 404
            ? cloudError(uri, deps.input, { kind: 'changed', detail: `${object.key} was deleted or replaced while it was read` }, e)
            : gcsFailure(uri, deps.input, e),
        ),
      );
      return src.pipe(out);
    },
  };
}
