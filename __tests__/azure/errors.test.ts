import { RestError, createHttpHeaders, createPipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { AuthenticationError, CredentialUnavailableError } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import {
  ArmOperationError,
  AzureConfigurationError,
  AzureRequestError,
  armUserErrors,
  parseArmError,
  translateAzureError,
  withAzureOperation,
} from '../../src/azure/errors.js';
import { ConfigurationError, classifyError } from '../../src/core/errors.js';

const url =
  'https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/jobs/x?api-version=2024-10-01';

function restError(status: number, body: unknown, headers: Record<string, string> = {}): RestError {
  const request = createPipelineRequest({ url, method: 'PUT' });
  const response: PipelineResponse = {
    status,
    request,
    headers: createHttpHeaders({ 'x-ms-request-id': 'req-123', ...headers }),
    bodyAsText: typeof body === 'string' ? body : JSON.stringify(body),
  };
  return new RestError(`PUT returned ${status}`, { statusCode: status, request, response });
}

describe('ARM errors → one message', () => {
  it.each([
    ['AuthorizationFailed', 403, /AzureML Data Scientist/],
    ['ResourceGroupNotFound', 404, /resource-group/],
    ['ResourceNotFound', 404, /workspace-name/],
    ['InvalidAuthenticationToken', 401, /client-id/],
    ['AuthenticationFailed', 401, /client-id/],
    ['SubscriptionNotFound', 404, /subscription-id/],
    ['MissingSubscriptionRegistration', 409, /az provider register/],
    ['UserError', 400, /specification/],
  ])('%s (HTTP %d) is a user error with a hint', (code, status, hint) => {
    const error = translateAzureError(restError(status, { error: { code, message: `Message for ${code}.`, target: 'properties.x' } }), "creating job 'x'");
    expect(error).toBeInstanceOf(AzureConfigurationError);
    expect(error.name).toBe('ConfigurationError');
    expect(classifyError(error)).toBe('user-error');
    expect(error.message).toBe(`Creating job 'x' failed: HTTP ${status} ${code}: Message for ${code} (target: properties.x; request id: req-123).`);
    expect((error as AzureConfigurationError).hint).toMatch(hint);
    expect(error).toMatchObject({ statusCode: status, code, target: 'properties.x', requestId: 'req-123', operation: "creating job 'x'" });
  });

  it('Azure ML inner errors and details are named; the innermost known code decides', () => {
    const error = translateAzureError(
      restError(400, {
        error: {
          code: 'UserError',
          message: 'The request is invalid.',
          details: [{ code: 'InvalidField', message: "Field 'command' is required." }],
          innerError: { code: 'BadArgument', innerError: { code: 'MissingCommand' } },
        },
      }),
      "creating job 'train'",
    );
    expect(error.message).toBe(
      "Creating job 'train' failed: HTTP 400 UserError: The request is invalid (inner error: BadArgument / MissingCommand; InvalidField: Field 'command' is required.; request id: req-123).",
    );
    expect(classifyError(error)).toBe('user-error');
  });

  it('an unknown code is a failure, not a user error', () => {
    const error = translateAzureError(restError(409, { error: { code: 'Conflict', message: 'Busy.' } }), 'updating traffic');
    expect(error).toBeInstanceOf(AzureRequestError);
    expect(classifyError(error)).toBe('failure');
    expect(error.message).toBe('Updating traffic failed: HTTP 409 Conflict: Busy (request id: req-123).');
  });

  it('401/403 without a known code still point at credentials / roles', () => {
    expect(classifyError(translateAzureError(restError(403, ''), 'listing jobs'))).toBe('user-error');
    const e = translateAzureError(restError(401, 'Unauthorized'), 'listing jobs') as AzureConfigurationError;
    expect(e.hint).toMatch(/client-id/);
    expect(e.message).toBe('Listing jobs failed: HTTP 401: Unauthorized (request id: req-123).');
  });

  it('an HTML body is not quoted', () => {
    const e = translateAzureError(restError(502, '<html>Bad Gateway</html>'), 'reading job x');
    expect(e.message).toBe('Reading job x failed: HTTP 502 (request id: req-123).');
  });

  it('a network failure says which host could not be reached', () => {
    const request = createPipelineRequest({ url, method: 'GET' });
    const error = new RestError('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED', request });
    const e = translateAzureError(error, 'reading workspace ws');
    expect(e.message).toBe('Reading workspace ws failed: could not reach https://management.azure.com (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1).');
    expect(classifyError(e)).toBe('failure');
  });
});

describe('credential errors', () => {
  it('no credential available → user error with every way to sign in', () => {
    const e = translateAzureError(new CredentialUnavailableError('Azure CLI could not be found.'), 'listing jobs');
    expect(e).toBeInstanceOf(AzureConfigurationError);
    expect(e.message).toBe('Listing jobs failed: no Azure credential is available: Azure CLI could not be found.');
    expect((e as ConfigurationError).hint).toMatch(/azure\/login/);
  });

  it.each([
    ['AADSTS70021', /federated credential/],
    ['AADSTS700016', /client-id and tenant-id/],
    ['AADSTS7000222', /expired/],
    ['AADSTS90002', /tenant-id/],
  ])('%s → its hint', (code, hint) => {
    const error = new AuthenticationError(400, {
      error: 'invalid_request',
      error_description: `${code}: Something about the request.\r\nTrace ID: t\r\nCorrelation ID: c`,
    });
    const e = translateAzureError(error, 'reading workspace ws') as AzureConfigurationError;
    expect(e).toBeInstanceOf(AzureConfigurationError);
    expect(e.code).toBe(code);
    expect(e.hint).toMatch(hint);
    expect(e.message).not.toContain('Trace ID');
  });
});

describe('long-running operations', () => {
  it('an operation that ended Failed names the operation and the service error', () => {
    const failed = new ArmOperationError('failed', 'Failed', { code: 'DeploymentFailed', message: 'Container crashed.' }, url);
    const e = translateAzureError(failed, "creating deployment 'green'");
    expect(e).toBeInstanceOf(AzureRequestError);
    expect(e.message).toBe("Creating deployment 'green' failed: the operation ended Failed: DeploymentFailed: Container crashed.");
  });

  it('a quota failure is the user’s to fix', () => {
    const failed = new ArmOperationError('failed', 'Failed', { code: 'QuotaExceeded', message: 'Not enough cores.' }, url);
    expect(classifyError(translateAzureError(failed, 'creating endpoint'))).toBe('user-error');
  });
});

describe('pass-through and helpers', () => {
  it('already translated errors, ConfigurationErrors and aborts are returned as they are', () => {
    const c = new ConfigurationError('bad');
    expect(translateAzureError(c, 'x')).toBe(c);
    const t = translateAzureError(restError(409, {}), 'y');
    expect(translateAzureError(t, 'z')).toBe(t);
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(translateAzureError(abort, 'x')).toBe(abort);
  });

  it('withAzureOperation translates what the call throws', async () => {
    await expect(
      withAzureOperation('deleting deployment blue', async () => {
        throw restError(400, { error: { code: 'BadRequest', message: 'Deployment has traffic.' } });
      }),
    ).rejects.toThrow('Deleting deployment blue failed: HTTP 400 BadRequest: Deployment has traffic (request id: req-123).');
  });

  it('parseArmError reads the wrapped and the bare shapes', () => {
    expect(parseArmError('{"error":{"code":"A","message":"m"}}')).toMatchObject({ code: 'A', message: 'm' });
    expect(parseArmError({ code: 'B', message: 'n' })).toMatchObject({ code: 'B' });
    expect(parseArmError('nope')).toBeUndefined();
    expect(parseArmError('')).toBeUndefined();
  });

  it('every table entry has a hint', () => {
    for (const [code, entry] of Object.entries(armUserErrors)) expect(entry.hint, code).toMatch(/\w{3}/);
  });
});
