/**
 * Batch endpoints and batch deployments at the ARM level, against a running emulator: create an
 * endpoint, create a deployment, make it the default (a PUT of the endpoint: the 2024-10-01
 * swagger's PATCH body, PartialMinimalTrackedResourceWithIdentity, has tags and identity only),
 * list, PATCH tags, delete; what the swagger requires is refused when missing; what the emulator
 * answers validates against the swagger (BatchEndpoint, BatchDeployment).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { describeErrors, haveSharedFixtures, validatorFor } from '../helpers/swagger.js';
import { API, armWait, registerEnvironment, registerModel, waitOperation } from './endpoints-support.js';
import { arm, startFastEmulator, wsPath } from './support.js';

type Json = Record<string, unknown>;

let em: RunningEmulator;
let modelId: string;
let envId: string;

const epPath = (name: string) => `${wsPath(em)}/batchEndpoints/${name}`;
const depPath = (ep: string, d: string) => `${epPath(ep)}/deployments/${d}`;
const props = (r: { body: unknown }) => (r.body as { properties: Json }).properties;

function expectSwaggerValid(definition: string, body: unknown): void {
  if (!haveSharedFixtures) return;
  const v = validatorFor('resource', definition);
  expect(v({ properties: (body as Json).properties }), `${definition}:\n${describeErrors(v)}`).toBe(true);
}

const endpointBody = (o: Json = {}): Json => ({
  location: 'eastus',
  tags: { team: 'ml' },
  properties: { authMode: 'aadToken', description: 'nightly scoring', properties: { p1: 'v1' }, ...o },
});

const deploymentBody = (): Json => ({
  location: 'eastus',
  properties: {
    model: { referenceType: 'Id', assetId: modelId },
    environmentId: envId,
    codeConfiguration: { scoringScript: 'score.py' },
    compute: `${wsPath(em)}/computes/cpu-cluster`,
    miniBatchSize: 5,
    loggingLevel: 'info',
    resources: { instanceCount: 2 },
  },
});

beforeAll(async () => {
  em = await startFastEmulator();
  modelId = await registerModel(em, 'batch-model', '1', 'azureml://datastores/workspaceblobstore/paths/LocalUpload/batch-model/model');
  envId = await registerEnvironment(em, 'batch-env');
}, 60_000);

afterAll(async () => {
  await em?.close();
});

describe('batch endpoints over ARM', () => {
  test('create endpoint → create deployment → default via PUT → list → PATCH tags → delete', async () => {
    // Create: 201, Creating, no scoring URI yet, LRO headers.
    const created = await arm<Json>(em, 'PUT', epPath('nightly-batch'), endpointBody(), { apiVersion: API });
    expect(created.status).toBe(201);
    expect(created.headers.get('azure-asyncoperation')).toMatch(/\/mfeOperationsStatus\//);
    expect(created.headers.get('location')).toContain('/batchEndpoints/nightly-batch?api-version=');
    expect(created.headers.get('x-ms-async-operation-timeout')).toBe('PT30M');
    expect(props(created)).toMatchObject({
      provisioningState: 'Creating',
      authMode: 'AADToken',
      scoringUri: null,
      swaggerUri: null,
      defaults: { deploymentName: null },
    });
    expect(await waitOperation(em, created)).toEqual(expect.objectContaining({ status: 'Succeeded' }));

    const got = await arm<Json>(em, 'GET', epPath('nightly-batch'), undefined, { apiVersion: API });
    expect(got.status).toBe(200);
    expect(props(got).provisioningState).toBe('Succeeded');
    expect(props(got).scoringUri).toBe(`${em.baseUrl}/inference/nightly-batch/jobs`);
    expect((props(got).properties as Json).BatchEndpointCreationApiVersion).toBe(API);
    expectSwaggerValid('BatchEndpoint', got.body);

    // Deployment: 201, Updating, the swagger's defaults filled in; `info` answered as `Info`.
    const dep = await armWait(em, 'PUT', depPath('nightly-batch', 'blue'), deploymentBody());
    expect(dep.status).toBe('Succeeded');
    expect(dep.response.status).toBe(201);
    expect(props(dep.response)).toMatchObject({
      provisioningState: 'Updating',
      loggingLevel: 'Info',
      miniBatchSize: 5,
      errorThreshold: -1,
      outputAction: 'AppendRow',
      outputFileName: 'predictions.csv',
      retrySettings: { maxRetries: 3, timeout: 'PT30S' },
      resources: { instanceCount: 2, instanceType: null, properties: null },
    });
    const d = await arm<Json>(em, 'GET', depPath('nightly-batch', 'blue'), undefined, { apiVersion: API });
    expect(props(d).provisioningState).toBe('Succeeded');
    expectSwaggerValid('BatchDeployment', d.body);

    // Default deployment: a PUT of the endpoint (a GET → PUT round trip, read-only fields included).
    const round = structuredClone(got.body) as Json;
    (round.properties as Json).defaults = { deploymentName: 'blue' };
    const setDefault = await armWait(em, 'PUT', epPath('nightly-batch'), round);
    expect(setDefault.response.status).toBe(200);
    expect(setDefault.status).toBe('Succeeded');
    const after = await arm<Json>(em, 'GET', epPath('nightly-batch'), undefined, { apiVersion: API });
    expect(props(after).defaults).toEqual({ deploymentName: 'blue' });
    expect(props(after).provisioningState).toBe('Succeeded');

    // Lists.
    const eps = await arm<{ value: Json[] }>(em, 'GET', `${wsPath(em)}/batchEndpoints`, undefined, { apiVersion: API });
    expect(eps.body.value.map((e) => e.name)).toEqual(['nightly-batch']);
    const deps = await arm<{ value: Json[] }>(em, 'GET', `${epPath('nightly-batch')}/deployments`, undefined, { apiVersion: API });
    expect(deps.body.value.map((e) => e.name)).toEqual(['blue']);

    // PATCH: tags (the swagger's body); a default deployment there is refused.
    const patched = await armWait(em, 'PATCH', epPath('nightly-batch'), { tags: { team: 'ops' } });
    expect(patched.response.status).toBe(202);
    expect(patched.status).toBe('Succeeded');
    expect((await arm<Json>(em, 'GET', epPath('nightly-batch'), undefined, { apiVersion: API })).body.tags).toEqual({ team: 'ops' });
    const badPatch = await arm<Json>(em, 'PATCH', epPath('nightly-batch'), { properties: { defaults: { deploymentName: 'blue' } } }, { apiVersion: API });
    expect(badPatch.status).toBe(400);

    // Delete: 202, body null, both polling headers; then 404 NotFound / NoSuchEndpoint; deployments gone with it.
    const del = await fetch(`${em.baseUrl}${epPath('nightly-batch')}?api-version=${API}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${em.issueToken()}` },
    });
    expect(del.status).toBe(202);
    expect(await del.text()).toBe('null');
    expect(del.headers.get('location')).toMatch(/\/mfeOperationResults\//);
    expect(await waitOperation(em, { status: 202, headers: del.headers, body: null })).toEqual(expect.objectContaining({ status: 'Succeeded' }));
    const gone = await arm<{ error: { code: string; details: Json[] } }>(em, 'GET', epPath('nightly-batch'), undefined, { apiVersion: API });
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('NotFound');
    expect(gone.body.error.details.map((x) => x.code)).toEqual(['NoSuchEndpoint']);
    expect((await arm(em, 'GET', depPath('nightly-batch', 'blue'), undefined, { apiVersion: API })).status).toBe(404);
  }, 60_000);

  test('deleting the default deployment clears the endpoint default', async () => {
    await armWait(em, 'PUT', epPath('with-default'), endpointBody());
    await armWait(em, 'PUT', depPath('with-default', 'green'), deploymentBody());
    await armWait(em, 'PUT', epPath('with-default'), endpointBody({ defaults: { deploymentName: 'green' } }));
    const del = await armWait(em, 'DELETE', depPath('with-default', 'green'));
    expect(del.status).toBe('Succeeded');
    const ep = await arm<Json>(em, 'GET', epPath('with-default'), undefined, { apiVersion: API });
    expect(props(ep).defaults).toEqual({ deploymentName: null });
  }, 60_000);

  test('listkeys: the initial keys of a Key endpoint; refused for AADToken', async () => {
    const keys = { primaryKey: 'primary-secret', secondaryKey: 'secondary-secret' };
    const created = await arm<Json>(em, 'PUT', epPath('keyed-batch'), { location: 'eastus', properties: { authMode: 'Key', keys } }, { apiVersion: API });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('primary-secret');
    expect(await waitOperation(em, created)).toEqual(expect.objectContaining({ status: 'Succeeded' }));
    const listed = await arm<Json>(em, 'POST', `${epPath('keyed-batch')}/listkeys`, undefined, { apiVersion: API });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual(keys);
    await armWait(em, 'PUT', epPath('aad-batch'), endpointBody());
    expect((await arm(em, 'POST', `${epPath('aad-batch')}/listkeys`, undefined, { apiVersion: API })).status).toBe(400);
  }, 60_000);

  test('bodies the swagger refuses are refused', async () => {
    const put = (path: string, body: unknown) => arm<{ error: { code: string; message: string } }>(em, 'PUT', path, body, { apiVersion: API });
    // BatchEndpointTrackedResource: location and properties required; EndpointPropertiesBase: authMode required.
    const refused: Array<[string, unknown]> = [
      ['no location', { properties: { authMode: 'Key' } }],
      ['no properties', { location: 'eastus' }],
      ['no authMode', { location: 'eastus', properties: { description: 'x' } }],
      ['unknown authMode', { location: 'eastus', properties: { authMode: 'Password' } }],
      ['unknown property', { location: 'eastus', properties: { authMode: 'Key', traffic: { blue: 100 } } }],
      ['defaults not an object', { location: 'eastus', properties: { authMode: 'Key', defaults: 'blue' } }],
      ['default deployment that does not exist', { location: 'eastus', properties: { authMode: 'Key', defaults: { deploymentName: 'nope' } } }],
    ];
    for (const [what, body] of refused) {
      const r = await put(epPath('refused-ep'), body);
      expect(r.status, what).toBeGreaterThanOrEqual(400);
      expect(r.status, what).toBeLessThan(500);
      // The properties-level cases: the swagger's BatchEndpoint schema refuses them too (location/properties: `required` of BatchEndpointTrackedResource).
      const p = (body as Json).properties;
      if (haveSharedFixtures && p !== undefined && (body as Json).location !== undefined && what !== 'default deployment that does not exist') {
        expect(validatorFor('resource', 'BatchEndpoint')({ properties: p }), `${what}: the swagger refuses it too`).toBe(false);
      }
    }
    expect((await arm(em, 'GET', epPath('refused-ep'), undefined, { apiVersion: API })).status).toBe(404);

    await armWait(em, 'PUT', epPath('dep-checks'), endpointBody());
    const base = deploymentBody();
    const variant = (p: Json): Json => ({ location: 'eastus', properties: { ...(base.properties as Json), ...p } });
    const refusedDeployments: Array<[string, Json]> = [
      ['no location', { properties: base.properties }],
      ['no properties', { location: 'eastus' }],
      ['codeConfiguration without scoringScript', variant({ codeConfiguration: { codeId: null } })],
      ['model without referenceType', variant({ model: { assetId: modelId } })],
      ['Id model without assetId', variant({ model: { referenceType: 'Id' } })],
      ['errorThreshold below -1', variant({ errorThreshold: -2 })],
      ['unknown loggingLevel', variant({ loggingLevel: 'Verbose' })],
      ['unknown outputAction', variant({ outputAction: 'Overwrite' })],
      ['retry timeout not a duration', variant({ retrySettings: { timeout: '30 seconds' } })],
      ['unknown property', variant({ instanceType: 'Standard_DS3_v2' })],
    ];
    for (const [what, body] of refusedDeployments) {
      const r = await put(depPath('dep-checks', 'red'), body);
      expect(r.status, what).toBe(400);
      if (haveSharedFixtures && body.location !== undefined && body.properties !== undefined && what !== 'retry timeout not a duration') {
        expect(validatorFor('resource', 'BatchDeployment')({ properties: body.properties }), `${what}: the swagger refuses it too`).toBe(false);
      }
    }
    // A missing model version is refused (the reference resolves in the workspace).
    const missing = await put(
      depPath('dep-checks', 'red'),
      variant({ model: { referenceType: 'Id', assetId: modelId.replace(/\/versions\/1$/, '/versions/9') } }),
    );
    expect(missing.status).toBe(400);
    expect((await arm(em, 'GET', depPath('dep-checks', 'red'), undefined, { apiVersion: API })).status).toBe(404);
    // A deployment under an endpoint that does not exist: 404 NoSuchEndpoint.
    const orphan = await arm<{ error: { details: Json[] } }>(em, 'PUT', depPath('no-such-ep', 'red'), base, { apiVersion: API });
    expect(orphan.status).toBe(404);
    expect(orphan.body.error.details.map((x) => x.code)).toEqual(['NoSuchEndpoint']);
  }, 60_000);
});
