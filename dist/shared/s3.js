const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { readFileSync } = require("node:fs");
import {
  cloudError,
  folderListing,
  namedExports,
  objectListing
} from "./clouds.objects.js";
import "./clouds.uri.js";
import "./core.errors.js";
import "./esbuild-runtime.js";

// src/clouds/s3.ts
var REFUSED = /* @__PURE__ */ new Set([
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "InvalidToken",
  "TokenRefreshRequired",
  "AllAccessDisabled",
  "Forbidden"
]);
var EXPIRED = /* @__PURE__ */ new Set(["ExpiredToken", "ExpiredTokenException"]);
var REJECTED_TOKEN = /* @__PURE__ */ new Set(["InvalidIdentityTokenException", "IDPRejectedClaimException", "AccessDeniedException"]);
function codeOf(e) {
  const err = e;
  return err.Code ?? err.name ?? "Error";
}
function statusOf(e) {
  return e.$metadata?.httpStatusCode;
}
function jwtExpiry(token) {
  const parts = token.trim().split(".");
  if (parts.length !== 3) return void 0;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    return typeof payload.exp === "number" ? payload.exp : void 0;
  } catch {
    return void 0;
  }
}
function s3Failure(uri, input, e) {
  const code = codeOf(e);
  const status = statusOf(e);
  const detail = e.message || code;
  if (EXPIRED.has(code)) return cloudError(uri, input, { kind: "expired-token", detail }, e);
  if (REJECTED_TOKEN.has(code)) return cloudError(uri, input, { kind: "refused", code, detail: `AWS STS refused the web identity token: ${detail}` }, e);
  if (code === "CredentialsProviderError" || /Could not load credentials/i.test(detail)) {
    return cloudError(uri, input, { kind: "no-credentials", detail }, e);
  }
  if (code === "NoSuchBucket") return cloudError(uri, input, { kind: "no-bucket" }, e);
  if (code === "PreconditionFailed" || status === 412)
    return cloudError(uri, input, { kind: "changed", detail: "an object was replaced between two reads" }, e);
  if (REFUSED.has(code) || status === 403 || status === 401) return cloudError(uri, input, { kind: "refused", code, detail }, e);
  return e instanceof Error ? e : new Error(String(e));
}
async function createS3Store(deps) {
  const [sdk, providers] = await Promise.all([import("./aws-sdk-client-s3.js"), import("./aws-sdk-credential-providers.js")]);
  const { S3Client: Client, HeadObjectCommand, ListObjectsV2Command, GetObjectCommand } = namedExports(sdk, "S3Client");
  const { fromNodeProviderChain } = namedExports(providers, "fromNodeProviderChain");
  const env = deps.env;
  const endpoint = env.AWS_ENDPOINT_URL_S3?.trim() || env.AWS_ENDPOINT_URL?.trim() || void 0;
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || void 0;
  const chain = fromNodeProviderChain();
  let resolved;
  const credentials = () => resolved ??= (async () => {
    const keys = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY;
    if (!keys) checkWebIdentityToken(env);
    const c = keys ? {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}
    } : await chain();
    deps.setSecret(c.secretAccessKey);
    if (c.sessionToken) deps.setSecret(c.sessionToken);
    return c;
  })();
  const base = { credentials, followRegionRedirects: true, ...endpoint ? { endpoint, forcePathStyle: true } : {} };
  let client = new Client({ ...base, ...region ? { region } : {} });
  if (!region) {
    try {
      await client.config.region();
    } catch {
      client = new Client({ ...base, region: "us-east-1" });
    }
  }
  const abortSignal = deps.abortSignal;
  if (endpoint) deps.info?.(`S3 endpoint ${endpoint} (path-style addressing)`);
  const failure = (uri, e) => s3Failure(uri, deps.input, e);
  return {
    cloud: "s3",
    async list(uri) {
      let headRefused;
      if (!uri.folderOnly) {
        try {
          const h = await client.send(new HeadObjectCommand({ Bucket: uri.bucket, Key: uri.key }), { abortSignal });
          return objectListing(uri, { key: uri.key, size: h.ContentLength ?? 0, etag: h.ETag, version: h.VersionId ?? void 0 });
        } catch (e) {
          const status = statusOf(e);
          if (status === 403) headRefused = e;
          else if (status !== 404 && codeOf(e) !== "NotFound") throw failure(uri, e);
        }
      }
      const raw = [];
      let token;
      try {
        do {
          const page = await client.send(
            new ListObjectsV2Command({ Bucket: uri.bucket, Prefix: `${uri.key}/`, ...token ? { ContinuationToken: token } : {} }),
            { abortSignal }
          );
          for (const o of page.Contents ?? []) if (o.Key) raw.push({ key: o.Key, size: o.Size ?? 0, ...o.ETag ? { etag: o.ETag } : {} });
          token = page.IsTruncated ? page.NextContinuationToken : void 0;
        } while (token);
      } catch (e) {
        throw failure(uri, e);
      }
      const listing = folderListing(uri, raw);
      if (listing.objects.length === 0 && headRefused) throw failure(uri, headRefused);
      if (listing.objects.length === 0) throw cloudError(uri, deps.input, { kind: "no-object" });
      return listing;
    },
    async open(uri, object) {
      try {
        const res = await client.send(
          new GetObjectCommand({
            Bucket: uri.bucket,
            Key: object.key,
            ...object.version ? { VersionId: object.version } : object.etag ? { IfMatch: `"${object.etag}"` } : {}
          }),
          { abortSignal }
        );
        if (!object.version && res.VersionId && res.VersionId !== "null") object.version = res.VersionId;
        if (!object.etag && res.ETag) object.etag = res.ETag.replace(/"/g, "");
        return res.Body;
      } catch (e) {
        if (codeOf(e) === "NoSuchKey" || statusOf(e) === 404) {
          throw cloudError(uri, deps.input, { kind: "changed", detail: `${object.key} was deleted while it was read` }, e);
        }
        throw failure(uri, e);
      }
    }
  };
}
function checkWebIdentityToken(env) {
  const file = env.AWS_WEB_IDENTITY_TOKEN_FILE;
  if (!file || env.AWS_ACCESS_KEY_ID) return;
  let token;
  try {
    token = readFileSync(file, "utf8");
  } catch {
    return;
  }
  const exp = jwtExpiry(token);
  if (exp !== void 0 && exp * 1e3 <= Date.now()) {
    const e = new Error(`the token in AWS_WEB_IDENTITY_TOKEN_FILE (${file}) expired at ${new Date(exp * 1e3).toISOString()}`);
    e.name = "ExpiredTokenException";
    throw e;
  }
}
export {
  createS3Store,
  jwtExpiry,
  s3Failure
};
