import { afterEach, describe, expect, it } from 'vitest';
import { createAzureContext, readAzureInputs } from '../../src/azure/context.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { createInputReader, recordInputSource } from '../../src/core/inputs.js';
import { startFakeEmulator, WORKSPACE_ID, type FakeEmulator } from './fake-emulator.js';
import { sdkClient } from './sdk-client.js';

const quiet = { debug: () => {}, setSecret: () => {} };
let emulator: FakeEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('readAzureInputs', () => {
  it('reads the shared inputs and resolves the cloud', async () => {
    const reader = createInputReader(
      recordInputSource({
        'subscription-id': 'sub-1',
        'resource-group': 'rg-1',
        'workspace-name': 'ws-1',
        'client-id': 'cid',
        'tenant-id': 'tid',
        'client-secret': 'sec',
        cloud: 'AzureUSGovernment',
      }),
      quiet,
    );
    const settings = await readAzureInputs(reader, { env: {} });
    expect(settings).toMatchObject({
      subscriptionId: 'sub-1',
      resourceGroup: 'rg-1',
      workspaceName: 'ws-1',
      clientId: 'cid',
      tenantId: 'tid',
      clientSecret: 'sec',
      cloud: { name: 'AzureUSGovernment' },
    });
    expect(settings.emulator).toBeUndefined();
  });

  it('outside emulator mode the workspace inputs are required, by name', async () => {
    const reader = createInputReader(recordInputSource({ 'subscription-id': 's', 'resource-group': 'r' }), quiet);
    const error = await readAzureInputs(reader, { env: {} }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.input).toBe('workspace-name');
    const slash = createInputReader(recordInputSource({ 'subscription-id': 's', 'resource-group': 'r/x', 'workspace-name': 'w' }), quiet);
    await expect(readAzureInputs(slash, { env: {} })).rejects.toMatchObject({ input: 'resource-group' });
  });

  it('in emulator mode the workspace defaults come from /.emulator/info; inputs still win', async () => {
    emulator = await startFakeEmulator((req, res) => void res.writeHead(404).end());
    const env = { AZUREML_EMULATOR_HOST: `127.0.0.1:${emulator.port}` };
    const defaults = await readAzureInputs(createInputReader(recordInputSource({}), quiet), { env });
    expect(defaults).toMatchObject({
      subscriptionId: '00000000-1111-2222-3333-444444444444',
      resourceGroup: 'test-rg',
      workspaceName: 'my-aml-workspace',
      emulator: { tenantId: 'emulator-tenant' },
    });
    const chosen = await readAzureInputs(createInputReader(recordInputSource({ 'workspace-name': 'other' }), quiet), { env });
    expect(chosen.workspaceName).toBe('other');
  });

  it('an emulator that does not answer is a configuration error with a hint', async () => {
    const reader = createInputReader(recordInputSource({}), quiet);
    const error = await readAzureInputs(reader, { env: { AZUREML_EMULATOR_HOST: '127.0.0.1:1' } }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(/emulator at http:\/\/127\.0\.0\.1:1 does not answer/);
    expect(error.hint).toMatch(/AZUREML_EMULATOR_HOST/);
  });
});

describe('createAzureContext', () => {
  it('builds ids, studio links and the credential kind', async () => {
    emulator = await startFakeEmulator((req, res) => void res.writeHead(404).end());
    const ctx = await emulator.context();
    expect(ctx.workspaceId).toBe(WORKSPACE_ID);
    expect(ctx.credentialKind).toBe('emulator');
    expect(ctx.tenantId).toBe('emulator-tenant');
    expect(ctx.userAgent).toBe('azureml-actions/0.1.0 (test-action)');
    expect(ctx.retry).toEqual({ maxRetries: 5, retryDelayInMs: 1000, maxRetryDelayInMs: 60_000, tryTimeoutInMs: 20_000 });
    const link = new URL(ctx.studioUrl('runs/job-1'));
    expect(link.pathname).toBe('/studio/runs/job-1');
    expect(link.searchParams.get('wsid')).toBe(WORKSPACE_ID);
  });

  it('for https endpoints the ARM pipeline and the SDK each keep one bearer policy', async () => {
    const reader = createInputReader(
      recordInputSource({ 'subscription-id': 's', 'resource-group': 'r', 'workspace-name': 'w', 'client-id': 'c', 'tenant-id': 't', 'client-secret': 'x' }),
      quiet,
    );
    const settings = await readAzureInputs(reader, { env: {} });
    const ctx = await createAzureContext(settings, { info: () => {}, credentialDeps: { env: {}, setSecret: () => {} } });
    for (const pipeline of [ctx.client.pipeline, sdkClient(ctx).pipeline]) {
      const names = pipeline.getOrderedPolicies().map((p) => p.name);
      expect(names.filter((n) => n === 'bearerTokenAuthenticationPolicy')).toHaveLength(1);
      expect(names).toContain('azuremlActionsRetryPolicy');
      expect(names).not.toContain('defaultRetryPolicy');
      expect(names).not.toContain('azuremlActionsPlainBearerTokenPolicy');
    }
    expect(ctx.credentialKind).toBe('client-secret');
    expect(ctx.arm.endpoint).toBe('https://management.azure.com');
  });
});
