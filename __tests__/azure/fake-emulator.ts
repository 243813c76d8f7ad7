/**
 * A stand-in for the emulator's surface that src/azure relies on: `GET /.emulator/info`, the
 * Entra-shaped token endpoint, and whatever ARM routes a test adds. Tests build a real
 * AzureContext against it (emulator mode), so SDK calls and ArmClient calls go through the real
 * pipeline: credential, bearer policy, retry policy, user agent.
 */
import type { ServerResponse } from 'node:http';
import { createAzureContext, readAzureInputs, type AzureContext, type AzureContextDeps } from '../../src/azure/context.js';
import { createInputReader, recordInputSource } from '../../src/core/inputs.js';
import { json, startLoopback, type Loopback, type RecordedRequest } from './loopback.js';

export const WORKSPACE_ID =
  '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/test-rg/providers/Microsoft.MachineLearningServices/workspaces/my-aml-workspace';

export interface FakeEmulator extends Loopback {
  /** Requests other than info and token. */
  armRequests(): RecordedRequest[];
  tokensIssued: number;
  context(deps?: AzureContextDeps): Promise<AzureContext>;
  blobEndpoint: string;
}

export async function startFakeEmulator(
  arm: (req: RecordedRequest, res: ServerResponse, self: FakeEmulator) => void | Promise<void>,
  options: { blobEndpoint?: string } = {},
): Promise<FakeEmulator> {
  let self!: FakeEmulator;
  const loop = await startLoopback((req, res) => {
    if (req.method === 'GET' && req.path === '/.emulator/info') {
      return json(res, 200, {
        blobEndpoint: self.blobEndpoint,
        tenantId: 'emulator-tenant',
        defaults: {
          subscriptionId: '00000000-1111-2222-3333-444444444444',
          resourceGroup: 'test-rg',
          workspaceName: 'my-aml-workspace',
        },
      });
    }
    if (req.method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(req.path)) {
      self.tokensIssued += 1;
      return json(res, 200, { token_type: 'Bearer', expires_in: 3600, access_token: `emulator-token-${self.tokensIssued}` });
    }
    return arm(req, res, self);
  });
  self = Object.assign(loop, {
    tokensIssued: 0,
    blobEndpoint: options.blobEndpoint ?? 'http://127.0.0.1:1/devstoreaccount1',
    armRequests: () => loop.requests.filter((r) => r.path !== '/.emulator/info' && !r.path.includes('/oauth2/')),
    async context(deps: AzureContextDeps = {}) {
      const env = { AZUREML_EMULATOR_HOST: `127.0.0.1:${loop.port}` };
      const reader = createInputReader(recordInputSource({}), { debug: () => {}, setSecret: () => {} });
      const settings = await readAzureInputs(reader, { env });
      return createAzureContext(settings, {
        actionName: 'test-action',
        info: () => {},
        credentialDeps: { env: {}, setSecret: () => {}, info: () => {} },
        ...deps,
      });
    },
  });
  return self;
}
