const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { PassThrough } = require("node:stream");
import {
  cloudError,
  folderListing,
  namedExports,
  objectListing
} from "./clouds.objects.js";
import "./clouds.uri.js";
import "./core.errors.js";
import "./esbuild-runtime.js";

// src/clouds/gcs.ts
function statusOf(e) {
  const err = e;
  if (typeof err.code === "number") return err.code;
  return err.response?.status;
}
function reasonOf(err) {
  const data = err.response?.data;
  return err.errors?.[0]?.reason ?? data?.error?.errors?.[0]?.reason ?? data?.error?.status;
}
function parseErrorBody(text) {
  if (!text?.trimStart().startsWith("{")) return void 0;
  try {
    const e = JSON.parse(text).error;
    return e ? { ...e.message ? { message: e.message } : {}, ...e.errors?.[0]?.reason ?? e.status ? { reason: e.errors?.[0]?.reason ?? e.status } : {} } : void 0;
  } catch {
    return void 0;
  }
}
function impersonatedAccount(err) {
  return /serviceAccounts\/([^/:]+):generateAccessToken/.exec(String(err.config?.url ?? ""))?.[1];
}
function gcsFailure(uri, input, e) {
  const err = e;
  const status = statusOf(e);
  const body = parseErrorBody(err.message);
  const message = body?.message ?? (err.message || (status ? `HTTP ${status} from ${String(err.config?.url ?? "Google")}` : String(e)));
  if (/Could not load the default credentials|Unable to detect a Project Id/i.test(message)) {
    return cloudError(uri, input, { kind: "no-credentials", detail: message }, e);
  }
  if (/invalid_grant/i.test(message) && /expired|stale to sign-in/i.test(message)) return cloudError(uri, input, { kind: "expired-token", detail: message }, e);
  if (/invalid_grant|unauthorized_client|invalid_client|invalid_target/i.test(message)) {
    const code = /invalid_grant|unauthorized_client|invalid_client|invalid_target/i.exec(message)[0];
    return cloudError(uri, input, { kind: "refused", code, detail: message }, e);
  }
  const account = impersonatedAccount(err);
  if (account && (status === 401 || status === 403 || status === 404)) {
    return cloudError(
      uri,
      input,
      {
        kind: "refused",
        code: reasonOf(err) ?? `HTTP ${status}`,
        detail: `the workload identity may not impersonate service account ${account}: ${message}`,
        hint: `Grant roles/iam.workloadIdentityUser on ${account} to the workload identity pool's principal for this repository (principalSet://iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/attribute.repository/<owner>/<repo>), and check google-github-actions/auth's service_account input names an existing account.`
      },
      e
    );
  }
  if (status === 404 && /bucket/i.test(message)) return cloudError(uri, input, { kind: "no-bucket" }, e);
  if (status === 412) return cloudError(uri, input, { kind: "changed", detail: "an object was replaced between two reads" }, e);
  if (status === 401 || status === 403) {
    return cloudError(uri, input, { kind: "refused", code: body?.reason ?? reasonOf(err) ?? `HTTP ${status}`, detail: message }, e);
  }
  return e instanceof Error ? e : new Error(message);
}
function raw(md) {
  return {
    key: md.name ?? "",
    size: Number(md.size ?? 0),
    ...md.etag ? { etag: md.etag } : {},
    ...md.generation !== void 0 ? { version: String(md.generation) } : {}
  };
}
async function createGcsStore(deps) {
  const { Storage } = namedExports(await import("./google-cloud-storage.js"), "Storage");
  const emulator = deps.env.STORAGE_EMULATOR_HOST;
  const storage = new Storage(deps.env.GOOGLE_CLOUD_PROJECT ? { projectId: deps.env.GOOGLE_CLOUD_PROJECT } : {});
  if (emulator) deps.info?.(`Cloud Storage endpoint ${emulator} (STORAGE_EMULATOR_HOST)`);
  let authorized;
  const authorize = (uri) => authorized ??= (async () => {
    if (emulator) return;
    try {
      const token = await storage.authClient.getAccessToken();
      if (token) deps.setSecret(token);
    } catch (e) {
      throw gcsFailure(uri, deps.input, e);
    }
  })();
  return {
    cloud: "gs",
    async list(uri) {
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
        files.map((f) => raw({ ...f.metadata, name: f.name }))
      );
      if (listing.objects.length === 0) throw cloudError(uri, deps.input, { kind: "no-object" });
      return listing;
    },
    async open(uri, object) {
      await authorize(uri);
      const file = storage.bucket(uri.bucket).file(object.key, object.version ? { generation: Number(object.version) } : {});
      const out = new PassThrough();
      const src = file.createReadStream();
      src.on(
        "error",
        (e) => out.destroy(
          statusOf(e) === 404 ? cloudError(uri, deps.input, { kind: "changed", detail: `${object.key} was deleted or replaced while it was read` }, e) : gcsFailure(uri, deps.input, e)
        )
      );
      return src.pipe(out);
    }
  };
}
export {
  createGcsStore,
  gcsFailure
};
