/**
 * Turns a failed Azure call into ONE clear message (codeql's `wrapApiConfigurationError` and
 * `cli-errors.ts` table shape).
 *
 * The message names the operation ("creating job 'x'"), the HTTP status, the ARM error code,
 * message and target, and the `x-ms-request-id`. Known user-fixable codes (ARM codes, Entra
 * `AADSTS` codes, credential problems) become a {@link AzureConfigurationError} — a
 * ConfigurationError — with a hint; the rest become {@link AzureRequestError}. A call that kept
 * failing after retries says how many times it was retried.
 */
import { isRestError, type PipelineResponse } from '@azure/core-rest-pipeline';
import { ConfigurationError, errorMessage, isUserError } from '../core/errors.js';
import { getRetryInfo } from './retry.js';

/** The ARM error body (`{ "error": { ... } }`, the `ErrorDetail` of the common types). */
export interface ArmErrorDetail {
  code?: string;
  message?: string;
  target?: string;
  details?: ArmErrorDetail[];
  innererror?: { code?: string; innererror?: unknown; [k: string]: unknown };
}

/** Parses an ARM (or Azure ML) error body; undefined when the text holds none. */
export function parseArmError(body: unknown): ArmErrorDetail | undefined {
  let value = body;
  if (typeof value === 'string') {
    if (value.trim() === '') return undefined;
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { error?: unknown; code?: unknown; message?: unknown };
  const detail = (typeof v.error === 'object' && v.error !== null ? v.error : v) as Record<string, unknown>;
  if (typeof detail.code !== 'string' && typeof detail.message !== 'string') return undefined;
  const innererror = (detail.innererror ?? detail.innerError) as ArmErrorDetail['innererror'];
  return {
    code: typeof detail.code === 'string' ? detail.code : undefined,
    message: typeof detail.message === 'string' ? detail.message : undefined,
    target: typeof detail.target === 'string' ? detail.target : undefined,
    details: Array.isArray(detail.details) ? (detail.details.map((d) => parseArmError(d)).filter(Boolean) as ArmErrorDetail[]) : undefined,
    innererror: typeof innererror === 'object' && innererror !== null ? innererror : undefined,
  };
}

export interface ErrorHint {
  hint: string;
}

const WORKSPACE_HINT = 'Check the subscription-id, resource-group and workspace-name inputs.';
const CREDENTIAL_HINT = 'Check client-id and tenant-id (and client-secret), or sign in with azure/login before this step.';

/** ARM / Azure ML error codes the user can fix. Codes not listed are failures (ours or the service's). */
export const armUserErrors: Record<string, ErrorHint> = {
  AuthorizationFailed: {
    hint: "The identity lacks a role on the workspace: grant it 'AzureML Data Scientist' (or Contributor) on the workspace or its resource group.",
  },
  LinkedAuthorizationFailed: {
    hint: 'The identity lacks permission on a linked resource (e.g. the storage account, registry or compute it references).',
  },
  InvalidAuthenticationToken: { hint: CREDENTIAL_HINT },
  InvalidAuthenticationTokenTenant: {
    hint: 'The token is for another tenant: set tenant-id to the tenant of the subscription.',
  },
  InvalidAuthenticationTokenAudience: { hint: 'Check the cloud and arm-endpoint inputs: the token was issued for another cloud.' },
  ExpiredAuthenticationToken: { hint: 'The token expired: re-run azure/login closer to this step, or use OIDC.' },
  AuthenticationFailed: { hint: CREDENTIAL_HINT },
  SubscriptionNotFound: { hint: 'Check the subscription-id input and that the identity has access to it.' },
  InvalidSubscriptionId: { hint: 'subscription-id must be a GUID.' },
  ResourceGroupNotFound: { hint: 'Check the resource-group input and that it exists in the subscription.' },
  ResourceNotFound: { hint: WORKSPACE_HINT },
  NotFound: { hint: 'Check the name and version of the resource, and the workspace inputs.' },
  MissingSubscriptionRegistration: {
    hint: "Register the Microsoft.MachineLearningServices resource provider: 'az provider register -n Microsoft.MachineLearningServices'.",
  },
  RequestDisallowedByPolicy: { hint: 'An Azure Policy assignment refused the request; ask the subscription owner.' },
  ReadOnlyDisabledSubscription: { hint: 'The subscription is disabled or read-only.' },
  QuotaExceeded: { hint: 'Request more quota for the VM family or pick a smaller instance type / count.' },
  InsufficientQuota: { hint: 'Request more quota for the VM family or pick a smaller instance type / count.' },
  UserError: { hint: 'Azure ML refused the request: fix the specification named in the message.' },
  ValidationError: { hint: 'Azure ML refused the request: fix the specification named in the message.' },
  BadArgument: { hint: 'Azure ML refused the request: fix the specification named in the message.' },
  InvalidTemplate: { hint: 'Fix the specification named in the message.' },
};

/** Entra ID (AADSTS) error numbers the user can fix. */
export const entraUserErrors: Record<string, ErrorHint> = {
  AADSTS700016: { hint: 'No application with this client-id in the tenant: check client-id and tenant-id.' },
  AADSTS7000215: { hint: 'The client secret is wrong: check the client-secret input (use the secret value, not its id).' },
  AADSTS7000222: { hint: 'The client secret expired: create a new one and update the secret.' },
  AADSTS70021: {
    hint: "No federated credential matches this workflow: add one to the app registration for subject 'repo:<owner>/<repo>:ref:refs/heads/<branch>' (or environment / pull_request) and issuer https://token.actions.githubusercontent.com.",
  },
  AADSTS700211: {
    hint: "No federated credential of the app names the ID token's issuer: it must be https://token.actions.githubusercontent.com (or your enterprise's issuer).",
  },
  AADSTS700212: {
    hint: "No federated credential of the app accepts the ID token's audience: the actions ask for api://AzureADTokenExchange; use that audience on the federated credential.",
  },
  AADSTS700213: {
    hint: "No federated credential matches this workflow's subject: check the subject configured on the app registration.",
  },
  AADSTS700027: {
    hint: "The ID token's signature does not verify with its issuer's keys: check the issuer of the app's federated credential.",
  },
  AADSTS700024: { hint: 'The OIDC assertion expired: the workflow step took too long before asking for a token.' },
  AADSTS90002: { hint: 'Tenant not found: check tenant-id (and the cloud input).' },
  AADSTS900023: { hint: 'tenant-id is not a valid tenant id or domain.' },
  AADSTS90014: { hint: 'A required field is missing from the credential request: check client-id, tenant-id and client-secret.' },
  AADSTS50034: { hint: 'The account does not exist in this tenant: check tenant-id.' },
  AADSTS53003: { hint: 'A Conditional Access policy blocked the sign-in.' },
};

/**
 * A long-running operation that the service accepted but that ended Failed or Canceled. The HTTP
 * calls all succeeded; the operation did not.
 */
export class ArmOperationError extends Error {
  override readonly name = 'ArmOperationError';
  readonly code?: string;
  readonly target?: string;
  constructor(
    readonly status: 'failed' | 'canceled',
    readonly serviceStatus: string | undefined,
    readonly error: { code?: string; message?: string; target?: string } | undefined,
    readonly resourceUrl: string,
  ) {
    super(
      `The operation on ${resourceUrl.split('?')[0]} ended ${serviceStatus ?? status}` +
        (error?.code || error?.message ? `: ${[error.code, error.message].filter(Boolean).join(': ')}` : '.'),
    );
    this.code = error?.code;
    this.target = error?.target;
  }
}

/** What every translated error carries (both kinds). */
export interface AzureErrorFields {
  /** e.g. `creating job 'x'`. */
  operation: string;
  statusCode?: number;
  /** ARM error code, Entra error (`invalid_client`) or network code (`ECONNRESET`). */
  code?: string;
  target?: string;
  requestId?: string;
  /** How many times the call was retried before giving up. */
  retries?: number;
}

/** A failure of ours or of the service, with the call's details. */
export class AzureRequestError extends Error implements AzureErrorFields {
  override readonly name = 'AzureRequestError';
  readonly operation: string;
  readonly statusCode?: number;
  readonly code?: string;
  readonly target?: string;
  readonly requestId?: string;
  readonly retries?: number;
  constructor(message: string, fields: AzureErrorFields, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    Object.assign(this, fields);
    this.operation = fields.operation;
  }
}

/** A user-fixable Azure failure: a ConfigurationError with the call's details. */
export class AzureConfigurationError extends ConfigurationError implements AzureErrorFields {
  readonly operation: string;
  readonly statusCode?: number;
  readonly code?: string;
  readonly target?: string;
  readonly requestId?: string;
  readonly retries?: number;
  constructor(message: string, fields: AzureErrorFields & { hint?: string; input?: string }, cause?: unknown) {
    super(message, { hint: fields.hint, input: fields.input, cause });
    this.operation = fields.operation;
    this.statusCode = fields.statusCode;
    this.code = fields.code;
    this.target = fields.target;
    this.requestId = fields.requestId;
    this.retries = fields.retries;
  }
}

/**
 * Translates anything a call to Azure threw. Errors already translated, and ConfigurationErrors,
 * are returned unchanged; an abort stays an AbortError.
 */
export function translateAzureError(error: unknown, operation: string): Error {
  if (error instanceof AzureRequestError || error instanceof AzureConfigurationError) return error;
  if (isUserError(error)) return error as Error;
  const name = (error as { name?: unknown })?.name;
  if (name === 'AbortError') return error as Error;
  const Operation = capitalize(operation);

  if (name === 'CredentialUnavailableError') {
    return new AzureConfigurationError(
      `${Operation} failed: no Azure credential is available: ${firstLine(errorMessage(error))}`,
      {
        operation,
        code: 'CredentialUnavailable',
        hint: 'Give client-id and tenant-id with `permissions: id-token: write` (OIDC), or client-secret, or sign in with azure/login before this step.',
      },
      error,
    );
  }
  if (name === 'AuthenticationError' || name === 'AggregateAuthenticationError' || name === 'AuthenticationRequiredError') {
    return translateAuthenticationError(error, operation);
  }
  if (name === 'ArmOperationError') {
    const e = error as ArmOperationError;
    const word = e.serviceStatus ?? (e.status === 'canceled' ? 'Canceled' : 'Failed');
    let message = `${Operation} failed: the operation ended ${word}`;
    if (e.code || e.error?.message) message += `: ${[e.code, e.error?.message?.trim().replace(/[.\s]+$/, '')].filter(Boolean).join(': ')}`;
    if (e.target) message += ` (target: ${e.target})`;
    const fields: AzureErrorFields = { operation, code: e.code, target: e.target };
    const known = e.code ? armUserErrors[e.code] : undefined;
    if (known) return new AzureConfigurationError(`${message}.`, { ...fields, hint: known.hint }, error);
    return new AzureRequestError(`${message}.`, fields, error);
  }

  if (isRestError(error) || isRestLike(error)) {
    const e = error as { statusCode?: number; code?: string; message: string; response?: PipelineResponse; details?: unknown };
    const response = e.response;
    const statusCode = e.statusCode ?? response?.status;
    const body = parseArmError(response?.bodyAsText) ?? parseArmError(e.details);
    const retries = getRetryInfo(error)?.retries ?? 0;
    const requestId = response?.headers.get('x-ms-request-id') ?? undefined;
    const code = body?.code ?? e.code;

    if (statusCode === undefined) {
      // Never reached the service (connection refused, reset, timeout, DNS).
      const url = (error as { request?: { url?: string } }).request?.url;
      const where = url ? ` ${originOf(url)}` : '';
      const message = `${Operation} failed: could not reach${where} (${code ?? 'network error'}: ${firstLine(e.message)})${retriedSuffix(retries)}.`;
      return new AzureRequestError(message, { operation, code, retries }, error);
    }

    const message = describeHttpFailure(Operation, statusCode, code, body, plainBody(response?.bodyAsText), requestId, retries);
    const fields: AzureErrorFields = { operation, statusCode, code, target: body?.target, requestId, retries };
    const userHint = hintFor(statusCode, body);
    if (userHint) return new AzureConfigurationError(message, { ...fields, hint: userHint }, error);
    return new AzureRequestError(message, fields, error);
  }

  return new AzureRequestError(`${Operation} failed: ${errorMessage(error)}`, { operation }, error);
}

/** Runs `fn`, translating what it throws with {@link translateAzureError}. */
export async function withAzureOperation<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw translateAzureError(error, operation);
  }
}

function describeHttpFailure(
  Operation: string,
  statusCode: number,
  code: string | undefined,
  body: ArmErrorDetail | undefined,
  plainText: string | undefined,
  requestId: string | undefined,
  retries: number,
): string {
  const head = `${Operation} failed${retries > 0 ? ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : ''}`;
  let text = `${head}: HTTP ${statusCode}${code ? ` ${code}` : ''}`;
  const message = body?.message ?? plainText ?? '';
  if (message) text += `: ${message.trim().replace(/[.\s]+$/, '')}`;
  const inner = innerCodes(body);
  const extras: string[] = [];
  if (inner.length) extras.push(`inner error: ${inner.join(' / ')}`);
  for (const d of body?.details?.slice(0, 3) ?? []) {
    if (d.message && d.message !== body?.message) extras.push(`${d.code ? `${d.code}: ` : ''}${d.message.trim()}`);
  }
  if (body?.target) extras.push(`target: ${body.target}`);
  if (requestId) extras.push(`request id: ${requestId}`);
  if (extras.length) text += ` (${extras.join('; ')})`;
  return `${text}.`;
}

function innerCodes(body: ArmErrorDetail | undefined): string[] {
  const codes: string[] = [];
  let inner: unknown = body?.innererror;
  for (let i = 0; i < 5 && typeof inner === 'object' && inner !== null; i++) {
    const c = (inner as { code?: unknown }).code;
    if (typeof c === 'string') codes.push(c);
    const record = inner as { innererror?: unknown; innerError?: unknown };
    inner = record.innererror ?? record.innerError;
  }
  return codes;
}

function hintFor(statusCode: number, body: ArmErrorDetail | undefined): string | undefined {
  const codes = [body?.code, ...innerCodes(body), ...(body?.details?.map((d) => d.code) ?? [])].filter((c): c is string => typeof c === 'string');
  for (const c of codes) {
    const known = armUserErrors[c];
    if (known) return known.hint;
  }
  if (statusCode === 401) return CREDENTIAL_HINT;
  if (statusCode === 403) return armUserErrors.AuthorizationFailed.hint;
  return undefined;
}

function translateAuthenticationError(error: unknown, operation: string): Error {
  const e = error as {
    statusCode?: number;
    message: string;
    errorResponse?: { error?: string; errorDescription?: string };
    errors?: unknown[];
    /** AuthenticationRequiredError wraps MSAL's error, whose `errorCode` is Entra's `error`. */
    cause?: { errorCode?: unknown };
  };
  const description = e.errorResponse?.errorDescription ?? e.message;
  const aadsts = /AADSTS\d+/.exec(description)?.[0];
  const known = aadsts ? entraUserErrors[aadsts] : undefined;
  const entraError = e.errorResponse?.error ?? (typeof e.cause?.errorCode === 'string' ? e.cause.errorCode : undefined);
  const code = aadsts ?? entraError;
  // MSAL's text repeats codes, timestamps and trace ids around Entra's sentence: keep the sentence.
  const reason = /AADSTS\d+:[^\r\n]*/.exec(description)?.[0] ?? firstLine(description);
  const message = `${capitalize(operation)} failed: authentication failed${e.statusCode ? ` (HTTP ${e.statusCode})` : ''}: ${reason}`;
  const userFixable =
    known !== undefined ||
    ['invalid_client', 'unauthorized_client', 'invalid_request', 'invalid_grant', 'invalid_scope'].includes(entraError ?? '') ||
    e.statusCode === 400 ||
    e.statusCode === 401;
  const fields = { operation, statusCode: e.statusCode, code };
  if (userFixable) return new AzureConfigurationError(message, { ...fields, hint: known?.hint ?? CREDENTIAL_HINT }, error);
  return new AzureRequestError(message, fields, error);
}

/** A short plain-text body worth quoting (not JSON, not HTML). */
function plainBody(text: string | null | undefined): string | undefined {
  const t = text?.trim();
  if (!t || t.length > 300 || /^[{[<]/.test(t)) return undefined;
  return t;
}

function isRestLike(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'RestError';
}

function retriedSuffix(retries: number): string {
  return retries > 0 ? ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : '';
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .find((l) => l.trim() !== '')
      ?.trim() ?? text
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
