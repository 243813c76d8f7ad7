import { expect, test } from 'vitest';
import { LroManager } from '../../src/emulator/arm/lro.js';

const ctx = { requestId: 'r', now: new Date(), baseUrl: 'http://127.0.0.1:1', operation: 'X' };
const req = {
  method: 'PUT',
  params: {},
  query: new URLSearchParams({ 'api-version': '2024-10-01' }),
  headers: {},
  body: undefined,
  rawBody: Buffer.alloc(0),
  ctx,
};
const ops = '/subscriptions/sub/providers/Microsoft.MachineLearningServices/locations/eastus';

test('accepted(): Retry-After, the polling header(s), the resource Location and the timeout, in that order', async () => {
  const lro = new LroManager({ lroMs: 0, retryAfterSeconds: 3, jobStepMs: 0 });
  const op = lro.begin({ subscriptionId: 'sub', location: 'eastus', operation: 'T', resourceId: '/r', ctx, work: async () => {} });
  const both = lro.accepted(op, req, { status: 202, body: null, poll: 'both', timeout: 'PT30M' });
  expect(both).toEqual({
    status: 202,
    body: null,
    headers: {
      'Retry-After': '3',
      'Azure-AsyncOperation': `http://127.0.0.1:1${ops}/mfeOperationsStatus/${op.id}?api-version=2024-10-01&type=async`,
      Location: `http://127.0.0.1:1${ops}/mfeOperationResults/${op.id}?api-version=2024-10-01&type=location`,
      'x-ms-async-operation-timeout': 'PT30M',
    },
  });
  expect(Object.keys(both.headers!)).toEqual(['Retry-After', 'Azure-AsyncOperation', 'Location', 'x-ms-async-operation-timeout']);
  const created = lro.accepted(op, req, { status: 201, body: { name: 'e' }, poll: 'async', resourceLocation: '/subscriptions/sub/x/e' });
  expect(created.headers).toEqual({
    'Retry-After': '3',
    'Azure-AsyncOperation': `http://127.0.0.1:1${ops}/mfeOperationsStatus/${op.id}?api-version=2024-10-01&type=async`,
    Location: 'http://127.0.0.1:1/subscriptions/sub/x/e?api-version=2024-10-01',
  });
  const location = lro.accepted(op, req, { status: 202, poll: 'location' });
  expect('body' in location).toBe(false);
  expect(Object.keys(location.headers!)).toEqual(['Retry-After', 'Location']);
  await lro.settled();
});
