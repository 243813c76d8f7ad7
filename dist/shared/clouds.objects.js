import {
  cloudName
} from "./clouds.uri.js";
import {
  ConfigurationError
} from "./core.errors.js";

// src/clouds/objects.ts
function namedExports(mod, name) {
  if (name in mod && mod[name] !== void 0) return mod;
  return mod.default ?? mod;
}
function folderListing(uri, raw) {
  const prefix = `${uri.key}/`;
  const objects = [];
  for (const o of raw) {
    if (!o.key.startsWith(prefix) || o.key.endsWith("/")) continue;
    const path = o.key.slice(prefix.length).replace(/^\/+/, "");
    if (path === "" || path.split("/").some((s) => s === "" || s === "." || s === "..")) continue;
    objects.push({ key: o.key, path, size: o.size, ...o.etag ? { etag: unquote(o.etag) } : {}, ...o.version ? { version: o.version } : {} });
  }
  objects.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return { uri, isFile: false, objects, bytes: objects.reduce((n, o) => n + o.size, 0), name: lastSegment(uri.key) };
}
function objectListing(uri, o) {
  const name = lastSegment(o.key);
  return {
    uri,
    isFile: true,
    objects: [{ key: o.key, path: name, size: o.size, ...o.etag ? { etag: unquote(o.etag) } : {}, ...o.version ? { version: o.version } : {} }],
    bytes: o.size,
    name
  };
}
function unquote(etag) {
  return etag.replace(/^W\//, "").replace(/"/g, "");
}
function lastSegment(key) {
  const parts = key.split("/").filter((p) => p !== "");
  return parts[parts.length - 1] ?? key;
}
async function readAll(stream, maxBytes, what) {
  const chunks = [];
  let n = 0;
  for await (const chunk of stream) {
    const b = chunk;
    n += b.length;
    if (n > maxBytes) {
      stream.destroy();
      throw new Error(`${what} has more than ${maxBytes} bytes; at most that many are read`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}
var CREDENTIAL_HELP = {
  s3: "Set AWS credentials the standard way: aws-actions/configure-aws-credentials (role-to-assume with id-token: write, which sets AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, or access keys), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), or AWS_PROFILE; the identity needs s3:ListBucket on the bucket and s3:GetObject on the objects. For MinIO or another S3-compatible store set AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL).",
  gs: "Set Google application default credentials: google-github-actions/auth (workload_identity_provider + service_account, which writes an external_account file and sets GOOGLE_APPLICATION_CREDENTIALS), or GOOGLE_APPLICATION_CREDENTIALS pointing at a service account key; the identity needs storage.objects.list and storage.objects.get (roles/storage.objectViewer) on the bucket."
};
function cloudError(uri, input, f, cause) {
  const c = cloudName(uri.cloud);
  const where = `bucket '${uri.bucket}'`;
  switch (f.kind) {
    case "no-credentials":
      return new ConfigurationError(`Input '${input}': no ${c} credentials were found to read ${uri.uri} (${where}): ${f.detail}`, {
        input,
        hint: CREDENTIAL_HELP[uri.cloud],
        cause
      });
    case "refused":
      return new ConfigurationError(`Input '${input}': ${c} refused the credentials for ${where} (${f.code}): ${f.detail}`, {
        input,
        hint: f.hint ?? CREDENTIAL_HELP[uri.cloud],
        cause
      });
    case "expired-token":
      return new ConfigurationError(`Input '${input}': the ${c} web identity token has expired, so ${where} cannot be read: ${f.detail}`, {
        input,
        hint: uri.cloud === "s3" ? "The token in AWS_WEB_IDENTITY_TOKEN_FILE is the GitHub OIDC token of aws-actions/configure-aws-credentials; run that step again just before this one (or set role-duration-seconds) so it is fresh." : "The external_account file of google-github-actions/auth makes the client ask the runner for a fresh GitHub OIDC token at each use, so an expired one comes from a credential_source file written earlier or a clock that is off: run google-github-actions/auth in this job (permissions: id-token: write) with its default create_credentials_file.",
        cause
      });
    case "no-bucket":
      return new ConfigurationError(`Input '${input}': ${c} has no ${where}${f.detail ? ` (${f.detail})` : ""}.`, {
        input,
        hint: uri.cloud === "s3" ? "Check the bucket name; for an S3-compatible store check AWS_ENDPOINT_URL_S3, for AWS the region (AWS_REGION)." : "Check the bucket name and the project of the credentials.",
        cause
      });
    case "no-object":
      return new ConfigurationError(
        `Input '${input}': nothing is stored at ${uri.uri}: no object '${uri.key}' and no objects under '${uri.key}/' in ${where}.`,
        {
          input,
          hint: "Check the key: a folder is every object under <prefix>/ (the URI may end with /), a file is one object.",
          cause
        }
      );
    case "changed":
      return new ConfigurationError(`Input '${input}': ${uri.uri} changed while it was read: ${f.detail}`, {
        input,
        hint: "Run again once the writer has finished (a versioned bucket pins the versions read).",
        cause
      });
  }
}

export {
  namedExports,
  folderListing,
  objectListing,
  unquote,
  readAll,
  CREDENTIAL_HELP,
  cloudError
};
