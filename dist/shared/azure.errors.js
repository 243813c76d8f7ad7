import {
  ConfigurationError,
  errorMessage,
  isUserError
} from "./core.errors.js";
import {
  RestError,
  isRestError
} from "./azure-core.nodeHttpClient.js";

// src/azure/retry.ts
var retryPolicyName = "azuremlActionsRetryPolicy";
var DEFAULT_RETRY_OPTIONS = {
  maxRetries: 5,
  retryDelayInMs: 1e3,
  maxRetryDelayInMs: 6e4,
  tryTimeoutInMs: 2e4
};
var RETRYABLE_STATUS = /* @__PURE__ */ new Set([429, 500, 502, 503, 504]);
var RETRYABLE_CODES = /* @__PURE__ */ new Set(["ECONNRESET", "ETIMEDOUT", "ESOCKETTIMEDOUT", "EPIPE", "ECONNABORTED", "EAI_AGAIN", "UND_ERR_SOCKET"]);
var retryInfoByRequest = /* @__PURE__ */ new WeakMap();
function getRetryInfo(target) {
  if (typeof target !== "object" || target === null) return void 0;
  const t = target;
  for (const candidate of [target, t.request, t.response?.request]) {
    if (typeof candidate === "object" && candidate !== null) {
      const info = retryInfoByRequest.get(candidate);
      if (info) return info;
    }
  }
  return void 0;
}
function retryAfterInMs(response, now = Date.now) {
  for (const header of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value2 = response.headers.get(header);
    if (value2 !== void 0 && /^\s*\d+(\.\d+)?\s*$/.test(value2)) return Number(value2);
  }
  const value = response.headers.get("retry-after");
  if (value === void 0 || value.trim() === "") return void 0;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value) * 1e3;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now()) : void 0;
}
function createRetryPolicy(options = {}) {
  const maxRetries = options.maxRetries ?? DEFAULT_RETRY_OPTIONS.maxRetries;
  const baseDelay = options.retryDelayInMs ?? DEFAULT_RETRY_OPTIONS.retryDelayInMs;
  const maxDelay = options.maxRetryDelayInMs ?? DEFAULT_RETRY_OPTIONS.maxRetryDelayInMs;
  const tryTimeout = options.tryTimeoutInMs ?? DEFAULT_RETRY_OPTIONS.tryTimeoutInMs;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const reachedOrigins = /* @__PURE__ */ new Set();
  const backoff = (retryIndex) => {
    const exponential = Math.min(maxDelay, baseDelay * 2 ** retryIndex);
    return Math.round(exponential / 2 + random() * exponential / 2);
  };
  return {
    name: retryPolicyName,
    async sendRequest(request, next) {
      const outerSignal = request.abortSignal;
      const info = { retries: 0, reasons: [] };
      retryInfoByRequest.set(request, info);
      const origin = originOf(request.url);
      for (let tryIndex = 0; ; tryIndex++) {
        const attempt = await sendOnce(request, next, outerSignal, tryTimeout);
        if (outerSignal?.aborted) throw attempt.error ?? abortError();
        let reason;
        let requestedWait;
        if (attempt.response) {
          reachedOrigins.add(origin);
          if (!RETRYABLE_STATUS.has(attempt.response.status)) return attempt.response;
          reason = `HTTP ${attempt.response.status}`;
          requestedWait = retryAfterInMs(attempt.response);
        } else {
          const error = attempt.error;
          const code = errorCode(error);
          if (attempt.timedOut) reason = `no response within ${tryTimeout} ms`;
          else if (code === "ECONNREFUSED" && reachedOrigins.has(origin)) reason = code;
          else if (code && RETRYABLE_CODES.has(code)) reason = code;
          else if (/socket hang up/i.test(errorMessageOf(error))) reason = "socket hang up";
          else throw error;
        }
        if (tryIndex >= maxRetries) {
          if (attempt.response) return attempt.response;
          throw attempt.error;
        }
        const delayInMs = Math.min(maxDelay, Math.max(0, requestedWait ?? backoff(tryIndex)));
        info.retries = tryIndex + 1;
        info.reasons.push(reason);
        options.onRetry?.({
          retry: tryIndex + 1,
          maxRetries,
          delayInMs,
          reason,
          method: request.method,
          url: request.url.split("?")[0]
        });
        discardBody(attempt.response);
        await sleep(delayInMs, outerSignal);
      }
    }
  };
}
async function sendOnce(request, next, outerSignal, tryTimeout) {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort();
  outerSignal?.addEventListener("abort", onOuterAbort);
  let timedOut = false;
  const timer = tryTimeout > 0 ? setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, tryTimeout) : void 0;
  request.abortSignal = controller.signal;
  try {
    const response = await next(request);
    return { response, timedOut: false };
  } catch (error) {
    if (timedOut && !outerSignal?.aborted) {
      return {
        timedOut: true,
        error: new RestError(`No response from ${request.url.split("?")[0]} within ${tryTimeout} ms.`, {
          code: "ETIMEDOUT",
          request
        })
      };
    }
    if (isRestError(error) && error.response) return { response: error.response, error, timedOut: false };
    return { error, timedOut: false };
  } finally {
    if (timer) clearTimeout(timer);
    outerSignal?.removeEventListener("abort", onOuterAbort);
    request.abortSignal = outerSignal;
  }
}
function useRetryPolicy(pipeline, options = {}) {
  for (const name of ["defaultRetryPolicy", "exponentialRetryPolicy", "throttlingRetryPolicy", "systemErrorRetryPolicy", "retryPolicy", retryPolicyName]) {
    pipeline.removePolicy({ name });
  }
  pipeline.addPolicy(createRetryPolicy(options), { phase: "Retry" });
}
function abortableSleep(ms, abortSignal) {
  return new Promise((resolve, reject) => {
    if (abortSignal?.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      abortSignal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    abortSignal?.addEventListener("abort", onAbort);
  });
}
function abortError() {
  const error = new Error("The operation was aborted.");
  error.name = "AbortError";
  return error;
}
function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
function errorCode(error) {
  if (typeof error !== "object" || error === null) return void 0;
  const e = error;
  if (typeof e.code === "string") return e.code;
  if (typeof e.cause?.code === "string") return e.cause.code;
  return void 0;
}
function errorMessageOf(error) {
  return error instanceof Error ? error.message : String(error);
}
function discardBody(response) {
  const stream = response?.readableStreamBody;
  stream?.destroy?.();
}

// src/azure/errors.ts
function parseArmError(body) {
  let value = body;
  if (typeof value === "string") {
    if (value.trim() === "") return void 0;
    try {
      value = JSON.parse(value);
    } catch {
      return void 0;
    }
  }
  if (typeof value !== "object" || value === null) return void 0;
  const v = value;
  const detail = typeof v.error === "object" && v.error !== null ? v.error : v;
  if (typeof detail.code !== "string" && typeof detail.message !== "string") return void 0;
  const innererror = detail.innererror ?? detail.innerError;
  return {
    code: typeof detail.code === "string" ? detail.code : void 0,
    message: typeof detail.message === "string" ? detail.message : void 0,
    target: typeof detail.target === "string" ? detail.target : void 0,
    details: Array.isArray(detail.details) ? detail.details.map((d) => parseArmError(d)).filter(Boolean) : void 0,
    innererror: typeof innererror === "object" && innererror !== null ? innererror : void 0
  };
}
var WORKSPACE_HINT = "Check the subscription-id, resource-group and workspace-name inputs.";
var CREDENTIAL_HINT = "Check client-id and tenant-id (and client-secret), or sign in with azure/login before this step.";
var armUserErrors = {
  AuthorizationFailed: {
    hint: "The identity lacks a role on the workspace: grant it 'AzureML Data Scientist' (or Contributor) on the workspace or its resource group."
  },
  LinkedAuthorizationFailed: {
    hint: "The identity lacks permission on a linked resource (e.g. the storage account, registry or compute it references)."
  },
  InvalidAuthenticationToken: { hint: CREDENTIAL_HINT },
  InvalidAuthenticationTokenTenant: {
    hint: "The token is for another tenant: set tenant-id to the tenant of the subscription."
  },
  InvalidAuthenticationTokenAudience: { hint: "Check the cloud and arm-endpoint inputs: the token was issued for another cloud." },
  ExpiredAuthenticationToken: { hint: "The token expired: re-run azure/login closer to this step, or use OIDC." },
  AuthenticationFailed: { hint: CREDENTIAL_HINT },
  SubscriptionNotFound: { hint: "Check the subscription-id input and that the identity has access to it." },
  InvalidSubscriptionId: { hint: "subscription-id must be a GUID." },
  ResourceGroupNotFound: { hint: "Check the resource-group input and that it exists in the subscription." },
  ResourceNotFound: { hint: WORKSPACE_HINT },
  NotFound: { hint: "Check the name and version of the resource, and the workspace inputs." },
  MissingSubscriptionRegistration: {
    hint: "Register the Microsoft.MachineLearningServices resource provider: 'az provider register -n Microsoft.MachineLearningServices'."
  },
  RequestDisallowedByPolicy: { hint: "An Azure Policy assignment refused the request; ask the subscription owner." },
  ReadOnlyDisabledSubscription: { hint: "The subscription is disabled or read-only." },
  QuotaExceeded: { hint: "Request more quota for the VM family or pick a smaller instance type / count." },
  InsufficientQuota: { hint: "Request more quota for the VM family or pick a smaller instance type / count." },
  UserError: { hint: "Azure ML refused the request: fix the specification named in the message." },
  ValidationError: { hint: "Azure ML refused the request: fix the specification named in the message." },
  BadArgument: { hint: "Azure ML refused the request: fix the specification named in the message." },
  InvalidTemplate: { hint: "Fix the specification named in the message." }
};
var entraUserErrors = {
  AADSTS700016: { hint: "No application with this client-id in the tenant: check client-id and tenant-id." },
  AADSTS7000215: { hint: "The client secret is wrong: check the client-secret input (use the secret value, not its id)." },
  AADSTS7000222: { hint: "The client secret expired: create a new one and update the secret." },
  AADSTS70021: {
    hint: "No federated credential matches this workflow: add one to the app registration for subject 'repo:<owner>/<repo>:ref:refs/heads/<branch>' (or environment / pull_request) and issuer https://token.actions.githubusercontent.com."
  },
  AADSTS700211: {
    hint: "No federated credential of the app names the ID token's issuer: it must be https://token.actions.githubusercontent.com (or your enterprise's issuer)."
  },
  AADSTS700212: {
    hint: "No federated credential of the app accepts the ID token's audience: the actions ask for api://AzureADTokenExchange; use that audience on the federated credential."
  },
  AADSTS700213: {
    hint: "No federated credential matches this workflow's subject: check the subject configured on the app registration."
  },
  AADSTS700027: {
    hint: "The ID token's signature does not verify with its issuer's keys: check the issuer of the app's federated credential."
  },
  AADSTS700024: { hint: "The OIDC assertion expired: the workflow step took too long before asking for a token." },
  AADSTS90002: { hint: "Tenant not found: check tenant-id (and the cloud input)." },
  AADSTS900023: { hint: "tenant-id is not a valid tenant id or domain." },
  AADSTS90014: { hint: "A required field is missing from the credential request: check client-id, tenant-id and client-secret." },
  AADSTS50034: { hint: "The account does not exist in this tenant: check tenant-id." },
  AADSTS53003: { hint: "A Conditional Access policy blocked the sign-in." }
};
var ArmOperationError = class extends Error {
  constructor(status, serviceStatus, error, resourceUrl) {
    super(
      `The operation on ${resourceUrl.split("?")[0]} ended ${serviceStatus ?? status}` + (error?.code || error?.message ? `: ${[error.code, error.message].filter(Boolean).join(": ")}` : ".")
    );
    this.status = status;
    this.serviceStatus = serviceStatus;
    this.error = error;
    this.resourceUrl = resourceUrl;
    this.code = error?.code;
    this.target = error?.target;
  }
  status;
  serviceStatus;
  error;
  resourceUrl;
  name = "ArmOperationError";
  code;
  target;
};
var AzureRequestError = class extends Error {
  name = "AzureRequestError";
  operation;
  statusCode;
  code;
  target;
  requestId;
  retries;
  constructor(message, fields, cause) {
    super(message, cause === void 0 ? void 0 : { cause });
    Object.assign(this, fields);
    this.operation = fields.operation;
  }
};
var AzureConfigurationError = class extends ConfigurationError {
  operation;
  statusCode;
  code;
  target;
  requestId;
  retries;
  constructor(message, fields, cause) {
    super(message, { hint: fields.hint, input: fields.input, cause });
    this.operation = fields.operation;
    this.statusCode = fields.statusCode;
    this.code = fields.code;
    this.target = fields.target;
    this.requestId = fields.requestId;
    this.retries = fields.retries;
  }
};
function translateAzureError(error, operation) {
  if (error instanceof AzureRequestError || error instanceof AzureConfigurationError) return error;
  if (isUserError(error)) return error;
  const name = error?.name;
  if (name === "AbortError") return error;
  const Operation = capitalize(operation);
  if (name === "CredentialUnavailableError") {
    return new AzureConfigurationError(
      `${Operation} failed: no Azure credential is available: ${firstLine(errorMessage(error))}`,
      {
        operation,
        code: "CredentialUnavailable",
        hint: "Give client-id and tenant-id with `permissions: id-token: write` (OIDC), or client-secret, or sign in with azure/login before this step."
      },
      error
    );
  }
  if (name === "AuthenticationError" || name === "AggregateAuthenticationError" || name === "AuthenticationRequiredError") {
    return translateAuthenticationError(error, operation);
  }
  if (name === "ArmOperationError") {
    const e = error;
    const word = e.serviceStatus ?? (e.status === "canceled" ? "Canceled" : "Failed");
    let message = `${Operation} failed: the operation ended ${word}`;
    if (e.code || e.error?.message) message += `: ${[e.code, e.error?.message?.trim().replace(/[.\s]+$/, "")].filter(Boolean).join(": ")}`;
    if (e.target) message += ` (target: ${e.target})`;
    const fields = { operation, code: e.code, target: e.target };
    const known = e.code ? armUserErrors[e.code] : void 0;
    if (known) return new AzureConfigurationError(`${message}.`, { ...fields, hint: known.hint }, error);
    return new AzureRequestError(`${message}.`, fields, error);
  }
  if (isRestError(error) || isRestLike(error)) {
    const e = error;
    const response = e.response;
    const statusCode = e.statusCode ?? response?.status;
    const body = parseArmError(response?.bodyAsText) ?? parseArmError(e.details);
    const retries = getRetryInfo(error)?.retries ?? 0;
    const requestId = response?.headers.get("x-ms-request-id") ?? void 0;
    const code = body?.code ?? e.code;
    if (statusCode === void 0) {
      const url = error.request?.url;
      const where = url ? ` ${originOf2(url)}` : "";
      const message2 = `${Operation} failed: could not reach${where} (${code ?? "network error"}: ${firstLine(e.message)})${retriedSuffix(retries)}.`;
      return new AzureRequestError(message2, { operation, code, retries }, error);
    }
    const message = describeHttpFailure(Operation, statusCode, code, body, plainBody(response?.bodyAsText), requestId, retries);
    const fields = { operation, statusCode, code, target: body?.target, requestId, retries };
    const userHint = hintFor(statusCode, body);
    if (userHint) return new AzureConfigurationError(message, { ...fields, hint: userHint }, error);
    return new AzureRequestError(message, fields, error);
  }
  return new AzureRequestError(`${Operation} failed: ${errorMessage(error)}`, { operation }, error);
}
async function withAzureOperation(operation, fn) {
  try {
    return await fn();
  } catch (error) {
    throw translateAzureError(error, operation);
  }
}
function describeHttpFailure(Operation, statusCode, code, body, plainText, requestId, retries) {
  const head = `${Operation} failed${retries > 0 ? ` after ${retries} ${retries === 1 ? "retry" : "retries"}` : ""}`;
  let text = `${head}: HTTP ${statusCode}${code ? ` ${code}` : ""}`;
  const message = body?.message ?? plainText ?? "";
  if (message) text += `: ${message.trim().replace(/[.\s]+$/, "")}`;
  const inner = innerCodes(body);
  const extras = [];
  if (inner.length) extras.push(`inner error: ${inner.join(" / ")}`);
  for (const d of body?.details?.slice(0, 3) ?? []) {
    if (d.message && d.message !== body?.message) extras.push(`${d.code ? `${d.code}: ` : ""}${d.message.trim()}`);
  }
  if (body?.target) extras.push(`target: ${body.target}`);
  if (requestId) extras.push(`request id: ${requestId}`);
  if (extras.length) text += ` (${extras.join("; ")})`;
  return `${text}.`;
}
function innerCodes(body) {
  const codes = [];
  let inner = body?.innererror;
  for (let i = 0; i < 5 && typeof inner === "object" && inner !== null; i++) {
    const c = inner.code;
    if (typeof c === "string") codes.push(c);
    const record = inner;
    inner = record.innererror ?? record.innerError;
  }
  return codes;
}
function hintFor(statusCode, body) {
  const codes = [body?.code, ...innerCodes(body), ...body?.details?.map((d) => d.code) ?? []].filter((c) => typeof c === "string");
  for (const c of codes) {
    const known = armUserErrors[c];
    if (known) return known.hint;
  }
  if (statusCode === 401) return CREDENTIAL_HINT;
  if (statusCode === 403) return armUserErrors.AuthorizationFailed.hint;
  return void 0;
}
function translateAuthenticationError(error, operation) {
  const e = error;
  const description = e.errorResponse?.errorDescription ?? e.message;
  const aadsts = /AADSTS\d+/.exec(description)?.[0];
  const known = aadsts ? entraUserErrors[aadsts] : void 0;
  const entraError = e.errorResponse?.error ?? (typeof e.cause?.errorCode === "string" ? e.cause.errorCode : void 0);
  const code = aadsts ?? entraError;
  const reason = /AADSTS\d+:[^\r\n]*/.exec(description)?.[0] ?? firstLine(description);
  const message = `${capitalize(operation)} failed: authentication failed${e.statusCode ? ` (HTTP ${e.statusCode})` : ""}: ${reason}`;
  const userFixable = known !== void 0 || ["invalid_client", "unauthorized_client", "invalid_request", "invalid_grant", "invalid_scope"].includes(entraError ?? "") || e.statusCode === 400 || e.statusCode === 401;
  const fields = { operation, statusCode: e.statusCode, code };
  if (userFixable) return new AzureConfigurationError(message, { ...fields, hint: known?.hint ?? CREDENTIAL_HINT }, error);
  return new AzureRequestError(message, fields, error);
}
function plainBody(text) {
  const t = text?.trim();
  if (!t || t.length > 300 || /^[{[<]/.test(t)) return void 0;
  return t;
}
function isRestLike(error) {
  return typeof error === "object" && error !== null && error.name === "RestError";
}
function retriedSuffix(retries) {
  return retries > 0 ? ` after ${retries} ${retries === 1 ? "retry" : "retries"}` : "";
}
function firstLine(text) {
  return text.split(/\r?\n/).find((l) => l.trim() !== "")?.trim() ?? text;
}
function capitalize(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
function originOf2(url) {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

export {
  DEFAULT_RETRY_OPTIONS,
  getRetryInfo,
  createRetryPolicy,
  useRetryPolicy,
  abortableSleep,
  parseArmError,
  ArmOperationError,
  translateAzureError,
  withAzureOperation
};
