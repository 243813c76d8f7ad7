/**
 * The error catalogue: every error the emulator answers with is built here, as Azure spells it.
 * Serialised as `{ "error": { "code", "message", "target"?, "details"?, "additionalInfo"? } }`
 * (ARM's ErrorResponse); the server adds `x-ms-request-id` / `x-ms-correlation-request-id`.
 */

export interface ArmErrorDetail {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorDetail[];
}

export interface ArmErrorBody {
  error: ArmErrorDetail & {
    additionalInfo?: { type: string; info: unknown }[];
  };
}

export interface ArmErrorOptions {
  target?: string;
  details?: ArmErrorDetail[];
  headers?: Record<string, string>;
  /** Errors raised by the ML service itself (not ARM) carry its component name, like Azure's. */
  component?: 'managementfrontend';
  /**
   * The service's nested InnerError codes, outermost first: `additionalInfo` gets
   * `{ type: 'InnerError', info: { value: { code, innerError: { … null } } } }` (recordings:
   * jobs/pipeline-job-serverless-cancel-400.json entry 2, jobs/command-job-builder-code-upload.json entry 0).
   */
  innerError?: string[];
}

/** An error with an HTTP status and an Azure error code; thrown by handlers, caught by the server. */
export class ArmError extends Error {
  override readonly name = 'ArmError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: ArmErrorOptions = {},
  ) {
    super(message);
  }

  toBody(): ArmErrorBody {
    const error: ArmErrorBody['error'] = { code: this.code, message: this.message };
    if (this.options.target !== undefined) error.target = this.options.target;
    if (this.options.component !== undefined) {
      error.details = this.options.details ?? [];
      error.additionalInfo = [{ type: 'ComponentName', info: { value: this.options.component } }];
      if (this.options.innerError && this.options.innerError.length > 0) {
        const chain = this.options.innerError.reduceRight<unknown>((inner, code) => ({ code, innerError: inner }), null);
        error.additionalInfo.push({ type: 'InnerError', info: { value: chain } });
      }
    } else if (this.options.details !== undefined) {
      error.details = this.options.details;
    }
    return { error };
  }
}

const MFE = { component: 'managementfrontend' } as const;

/** Kinds of ML resources as messages name them: workspace, datastore, compute, job, code (version), environment (version), data (version), model (version), operation, or another. */
export type ResourceKindName = string;

export const ArmErrors = {
  // --- authentication (ARM front door) -------------------------------------------------------
  authorizationMissing(): ArmError {
    return new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
  },
  authorizationMalformed(): ArmError {
    return new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is provided in an invalid format.");
  },
  invalidToken(): ArmError {
    return new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
  },
  tokenSignature(): ArmError {
    return new ArmError(401, 'InvalidAuthenticationToken', 'The received access token is not valid: its signature could not be verified.');
  },
  tokenExpired(expiresAt: Date, now: Date): ArmError {
    return new ArmError(
      401,
      'ExpiredAuthenticationToken',
      `The access token expiry UTC time '${armTime(expiresAt)}' is earlier than current UTC time '${armTime(now)}'.`,
    );
  },
  tokenNotYetValid(notBefore: Date, now: Date): ArmError {
    return new ArmError(
      401,
      'InvalidAuthenticationToken',
      `The access token validity start UTC time '${armTime(notBefore)}' is later than current UTC time '${armTime(now)}'.`,
    );
  },
  tokenAudience(audience: string, allowed: string[]): ArmError {
    const list = allowed.flatMap((a) => [`'${a}/'`, `'${a}'`]).join(',');
    return new ArmError(
      401,
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences ${list}.`,
    );
  },
  tokenTenant(issuer: string, tenantId: string): ArmError {
    return new ArmError(
      401,
      'InvalidAuthenticationTokenTenant',
      `The access token is from the wrong issuer '${issuer}'. It must match the tenant 'https://sts.windows.net/${tenantId}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${tenantId}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
    );
  },

  // --- ARM request validation ----------------------------------------------------------------
  missingApiVersion(): ArmError {
    return new ArmError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
  },
  invalidApiVersionFormat(version: string): ArmError {
    return new ArmError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${version}' is invalid. The supported versions are in the format 'YYYY-MM-DD' or 'YYYY-MM-DD-preview'.`,
    );
  },
  unsupportedApiVersion(version: string, resourceType: string, location: string, supported: string): ArmError {
    return new ArmError(
      400,
      'NoRegisteredProviderFound',
      `No registered resource provider found for location '${location}' and API version '${version}' for type '${resourceType}'. The supported api-versions are ${supported}. The supported locations are '${location}'.`,
    );
  },
  invalidRequestContent(reason: string): ArmError {
    return new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${reason}'.`);
  },
  unsupportedMediaType(contentType: string): ArmError {
    return new ArmError(415, 'UnsupportedMediaType', `The content media type '${contentType}' is not supported. Only 'application/json' is supported.`);
  },
  requestTooLarge(limit: number): ArmError {
    return new ArmError(413, 'RequestEntityTooLarge', `The request body is larger than the limit of ${limit} bytes.`);
  },
  locationRequired(): ArmError {
    return new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
  },
  invalidResourceType(typeName: string, apiVersion: string): ArmError {
    return new ArmError(
      404,
      'InvalidResourceType',
      `The resource type '${typeName}' could not be found in the namespace 'Microsoft.MachineLearningServices' for api version '${apiVersion}'.`,
    );
  },
  noRoute(method: string, path: string): ArmError {
    return new ArmError(404, 'NotFound', `The emulator has no route for ${method} ${path}.`);
  },
  methodNotAllowed(method: string, allowed: string[]): ArmError {
    return new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'. Supported methods: ${allowed.join(', ')}.`, {
      headers: { Allow: allowed.join(', ') },
    });
  },

  // --- scope (ARM) ----------------------------------------------------------------------------
  subscriptionNotFound(subscriptionId: string): ArmError {
    return new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
  },
  resourceGroupNotFound(resourceGroup: string): ArmError {
    return new ArmError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
  },
  invalidResourceLocation(name: string, existing: string, resourceGroup: string, requested: string): ArmError {
    return new ArmError(
      409,
      'InvalidResourceLocation',
      `The resource '${name}' already exists in location '${existing}' in resource group '${resourceGroup}'. A resource with the same name cannot be created in location '${requested}'. Please select a new resource name.`,
    );
  },
  armResourceNotFound(resourceType: string, name: string, resourceGroup: string): ArmError {
    return new ArmError(
      404,
      'ResourceNotFound',
      `The Resource '${resourceType}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
  },

  // --- the ML service (MFE) ---------------------------------------------------------------------
  /** An asset version that does not exist (recording jobs/command-job-builder-code-upload.json entry 0: data). */
  assetVersionNotFound(kind: string, name: string, version: string): ArmError {
    const label = kind.charAt(0).toUpperCase() + kind.slice(1);
    return new ArmError(404, 'UserError', `${label} version ${name}:${version} (${kind}ContainerName:version) not found.`, {
      ...MFE,
      details: [],
      innerError: ['NotFoundError'],
    });
  },
  /** A model container that does not exist (recording models/model-create-autoincrement.json entry 5). */
  modelContainerNotFound(name: string): ArmError {
    return new ArmError(404, 'UserError', 'The specified resource was not found.', {
      ...MFE,
      details: [{ code: 'ModelNotFound', message: `Model container with name: ${name} not found.`, details: [], additionalInfo: [] } as ArmErrorDetail],
    });
  },
  /** A job that does not exist: "Code: UserError / Message: Job nertrain not found." (Azure/azureml-previews#267, az ml). */
  jobNotFound(name: string): ArmError {
    return new ArmError(404, 'UserError', `Job ${name} not found.`, { ...MFE, details: [] });
  },
  /** A job that ended cannot be canceled (recording jobs/pipeline-job-serverless-cancel-400.json entry 2). */
  cancelTerminalJob(name: string, jobType: string): ArmError {
    const pipeline = jobType === 'Pipeline';
    return new ArmError(400, 'UserError', `The ${pipeline ? 'pipeline run' : 'job'} ${name} is in terminal status, it can't be canceled.`, {
      ...MFE,
      details: [],
      innerError: ['BadArgument', 'ArgumentInvalid', pipeline ? 'CancelPipelineRunInTerminalStatus' : 'CancelRunInTerminalStatus'],
    });
  },
  notFound(kind: ResourceKindName, name: string, workspace: string): ArmError {
    return new ArmError(404, 'UserError', `Could not find ${kind} '${name}' in workspace '${workspace}'.`, {
      ...MFE,
      details: [{ code: 'NotFound', message: `The ${kind} '${name}' does not exist.` }],
    });
  },
  validation(target: string, message: string, more: ArmErrorDetail[] = []): ArmError {
    return new ArmError(400, 'UserError', message, {
      ...MFE,
      target,
      details: [{ code: 'ValidationError', message, target }, ...more],
    });
  },
  conflict(message: string, target?: string): ArmError {
    return new ArmError(409, 'UserError', message, { ...MFE, ...(target ? { target } : {}) });
  },
  badRequest(message: string, target?: string): ArmError {
    return new ArmError(400, 'UserError', message, { ...MFE, ...(target ? { target } : {}) });
  },
  operationFailed(code: string, message: string): ArmError {
    return new ArmError(500, code, message);
  },

  // --- the server itself ------------------------------------------------------------------------
  internal(message: string): ArmError {
    return new ArmError(500, 'InternalServerError', `The emulator failed to process the request: ${message}`);
  },
  /** What a `status` fault answers with, unless the rule names its own code and message. */
  injected(status: number, code?: string, message?: string): ArmError {
    const defaults = FAULT_DEFAULTS[status] ?? { code: status >= 500 ? 'InternalServerError' : 'BadRequest', message: `Injected fault: HTTP ${status}.` };
    return new ArmError(status, code ?? defaults.code, message ?? defaults.message);
  },
};

const FAULT_DEFAULTS: Record<number, { code: string; message: string }> = {
  400: { code: 'BadRequest', message: 'The request is invalid (injected fault).' },
  401: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid (injected fault).' },
  403: { code: 'AuthorizationFailed', message: 'The client does not have authorization to perform this action (injected fault).' },
  404: { code: 'NotFound', message: 'The resource was not found (injected fault).' },
  409: { code: 'Conflict', message: 'The operation conflicts with the current state of the resource (injected fault).' },
  429: {
    code: 'TooManyRequests',
    message: 'The request is being throttled as the limit has been reached for operation type. Please retry after the Retry-After interval (injected fault).',
  },
  500: { code: 'InternalServerError', message: 'Encountered internal server error. Please try again (injected fault).' },
  502: { code: 'BadGateway', message: 'The gateway did not receive a response from the service (injected fault).' },
  503: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable. Please retry (injected fault).' },
  504: { code: 'GatewayTimeout', message: 'The gateway did not receive a response within the specified time period (injected fault).' },
};

/** ARM writes times in messages like `2/11/2020 10:24:50 PM`. */
export function armTime(d: Date): string {
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** Turns anything thrown by a handler into an ArmError (unknown errors become 500). */
export function toArmError(err: unknown): ArmError {
  if (err instanceof ArmError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return ArmErrors.internal(message);
}
