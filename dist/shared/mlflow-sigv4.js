const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { createHash, createHmac } = require("node:crypto");
import {
  require_dist_cjs as require_dist_cjs2
} from "./aws-sdk-nested-clients+aws-sdk-credential-providers+aws-sdk-credential-provider-cognito-identity.js";
import {
  require_dist_cjs
} from "./smithy-core+aws-sdk-nested-clients+aws-sdk-core.js";
import "./smithy-core-1.js";
import {
  ConfigurationError,
  errorMessage
} from "./core.errors.js";
import {
  __toESM
} from "./esbuild-runtime.js";

// src/metrics/mlflow-sigv4.ts
var import_credential_providers = __toESM(require_dist_cjs2(), 1);
var import_signature_v4 = __toESM(require_dist_cjs(), 1);
var SAGEMAKER_MLFLOW_SERVICE = "sagemaker-mlflow";
var TRACKING_SERVER_ARN_HEADER = "x-mlflow-sm-tracking-server-arn";
function bytesOf(data) {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}
var NodeSha256 = class {
  constructor(secret) {
    this.secret = secret;
    this.hash = this.fresh();
  }
  secret;
  hash;
  fresh() {
    return this.secret === void 0 ? createHash("sha256") : createHmac("sha256", bytesOf(this.secret));
  }
  update(data) {
    this.hash.update(typeof data === "string" ? Buffer.from(data, "utf8") : data);
  }
  digest() {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset() {
    this.hash = this.fresh();
  }
};
function createSigV4Signer(settings) {
  const chain = settings.credentials ?? (0, import_credential_providers.fromNodeProviderChain)();
  const credentials = async () => {
    try {
      return typeof chain === "function" ? await chain() : chain;
    } catch (error) {
      throw new ConfigurationError(`No AWS credentials to sign requests to the SageMaker MLflow tracking server ${settings.arn}: ${errorMessage(error)}`, {
        input: "mlflow-tracking-uri",
        hint: "Run aws-actions/configure-aws-credentials before this step, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE).",
        cause: error
      });
    }
  };
  const signer = new import_signature_v4.SignatureV4({ service: SAGEMAKER_MLFLOW_SERVICE, region: settings.region, credentials, sha256: NodeSha256 });
  return async (request) => {
    const parsed = new URL(request.url);
    if (parsed.search.includes("+")) request.url = `${parsed.origin}${parsed.pathname}${parsed.search.replace(/\+/g, "%20")}`;
    const url = new URL(request.url);
    const body = typeof request.body === "string" ? request.body : "";
    request.headers.set(TRACKING_SERVER_ARN_HEADER, settings.arn);
    request.headers.set("x-amz-content-sha256", createHash("sha256").update(body, "utf8").digest("hex"));
    const headers = { host: url.host };
    for (const [name, value] of request.headers) if (name.toLowerCase() !== "user-agent") headers[name.toLowerCase()] = value;
    const query = {};
    for (const [k, v] of url.searchParams) {
      const prev = query[k];
      query[k] = prev === void 0 ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    const signed = await signer.sign({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : void 0,
      path: url.pathname,
      query,
      headers,
      body: body === "" ? void 0 : body
    });
    for (const [name, value] of Object.entries(signed.headers)) if (name !== "host") request.headers.set(name, value);
  };
}
export {
  NodeSha256,
  SAGEMAKER_MLFLOW_SERVICE,
  TRACKING_SERVER_ARN_HEADER,
  createSigV4Signer
};
