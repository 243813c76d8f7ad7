/**
 * The emulator's Azure ML registries: the seeded registry, registry create/delete as long-running
 * operations, and registry model versions with the pending-upload flow — shapes checked against
 * the official examples (Registry/ModelVersion/*.json) and the 2024-10-01 swagger.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlockBlobClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { registryContainerName } from '../../src/emulator/registries/index.js';
import { describeErrors, haveSharedFixtures, specsDir, validatorFor } from '../helpers/swagger.js';
import { arm, missingKeys, readExample, startFastEmulator } from './support.js';

type Json = Record<string, unknown>;
type ErrorBody = { error: { code: string; message: string; target?: string } };
interface Example {
  parameters: Json & { body?: Json };
  responses: Record<string, { body?: Json }>;
}

let em: RunningEmulator;
let rgPath: string;
let shared: string;

beforeAll(async () => {
  em = await startFastEmulator();
  rgPath = `/subscriptions/${em.defaults.subscriptionId}/resourceGroups/${em.defaults.resourceGroup}`;
  shared = `${rgPath}/providers/Microsoft.MachineLearningServices/registries/shared-registry`;
});
afterAll(async () => {
  await em?.close();
});

/** Polls an Azure-AsyncOperation URL until it leaves InProgress. */
async function waitOperation(url: string): Promise<Json> {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${em.issueToken()}` } });
    const body = (await res.json()) as Json;
    if (body.status !== 'InProgress') return body;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`operation ${url} did not finish`);
}

/** Property names the swagger allows on `Registry` (registries.json). */
function registrySwaggerKeys(): Set<string> {
  const doc = JSON.parse(
    readFileSync(
      join(specsDir, 'swagger', 'machinelearningservices', 'resource-manager', 'Microsoft.MachineLearningServices', 'stable', '2024-10-01', 'registries.json'),
      'utf8',
    ),
  ) as { definitions: Record<string, { properties?: Json }> };
  return new Set(Object.keys(doc.definitions.Registry!.properties ?? {}));
}

describe('registries', () => {
  test('shared-registry exists from the start, with the swagger shape; listed by resource group and subscription', async () => {
    const r = await arm<Json>(em, 'GET', shared);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: shared,
      name: 'shared-registry',
      type: 'Microsoft.MachineLearningServices/registries',
      location: 'eastus',
      identity: { type: 'SystemAssigned' },
      sku: { name: 'P3', tier: 'Standard' },
    });
    const props = r.body.properties as Json;
    if (haveSharedFixtures) {
      const allowed = registrySwaggerKeys();
      expect(Object.keys(props).filter((k) => !allowed.has(k))).toEqual([]);
    }
    expect(props.mlFlowRegistryUri).toBe(`azureml://${em.host}/mlflow/v1.0${shared}`);
    const region = (props.regionDetails as Json[])[0]!;
    expect(region.location).toBe('eastus');
    expect(((region.storageAccountDetails as Json[])[0]!.systemCreatedStorageAccount as Json).storageAccountName).toBe(em.blob.accountName);
    const byGroup = await arm<{ value: Json[] }>(em, 'GET', `${rgPath}/providers/Microsoft.MachineLearningServices/registries`);
    expect(byGroup.body.value.map((x) => x.name)).toContain('shared-registry');
    const bySub = await arm<{ value: Json[] }>(
      em,
      'GET',
      `/subscriptions/${em.defaults.subscriptionId}/providers/Microsoft.MachineLearningServices/registries`,
    );
    expect(bySub.body.value.map((x) => x.name)).toContain('shared-registry');
    const missing = await arm<ErrorBody>(em, 'GET', `${rgPath}/providers/Microsoft.MachineLearningServices/registries/nope-registry`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ResourceNotFound');
  });

  test('create is a long-running operation; names are checked; location cannot change; delete removes it and its models', async () => {
    const path = `${rgPath}/providers/Microsoft.MachineLearningServices/registries/team_reg-1`;
    const created = await arm<Json>(em, 'PUT', path, { location: 'eastus', tags: { team: 'a' } });
    expect(created.status).toBe(201);
    const op = created.headers.get('azure-asyncoperation')!;
    expect(op).toMatch(/\/mfeOperationsStatus\//);
    expect((await waitOperation(op)).status).toBe('Succeeded');
    const got = await arm<Json>(em, 'GET', path);
    expect(got.body.tags).toEqual({ team: 'a' });
    const updated = await arm<Json>(em, 'PUT', path, { location: 'eastus', tags: { team: 'b' } });
    expect(updated.status).toBe(200);
    expect(updated.body.tags).toEqual({ team: 'b' });
    const moved = await arm<ErrorBody>(em, 'PUT', path, { location: 'westeurope' });
    expect(moved.status).toBe(409);
    const bad = await arm<ErrorBody>(em, 'PUT', `${rgPath}/providers/Microsoft.MachineLearningServices/registries/ab`, { location: 'eastus' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Registry name 'ab' is invalid: 3 to 33 characters/);

    const del = await arm(em, 'DELETE', path);
    expect(del.status).toBe(202);
    const location = del.headers.get('location')!;
    for (let i = 0; i < 200; i++) {
      const res = await fetch(location, { headers: { authorization: `Bearer ${em.issueToken()}` } });
      if (res.status !== 202) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await arm(em, 'GET', path)).status).toBe(404);
  });
});

describe('registry model versions', () => {
  test('startPendingUpload → copy through the SAS → PUT (long-running) → Succeeded, with the shapes of the examples', async () => {
    const uploadEx = readExample<Example>('Registry/ModelVersion/createOrGetStartPendingUpload.json');
    const versionEx = readExample<Example>('Registry/ModelVersion/createOrUpdate.json');
    const base = `${shared}/models/resnet/versions/1`;

    const pending = await arm<Json>(em, 'POST', `${base}/startPendingUpload`, uploadEx.parameters.body);
    expect(pending.status).toBe(200);
    expect(missingKeys(uploadEx.responses['200']!.body, pending.body)).toEqual([]);
    expect(pending.body).toMatchObject({ pendingUploadId: 'string', pendingUploadType: 'TemporaryBlobReference' });
    const ref = pending.body.blobReferenceForConsumption as {
      blobUri: string;
      credential: { credentialType: string; sasUri: string };
      storageAccountArmId: string;
    };
    expect(ref.credential.credentialType).toBe('SAS');
    expect(ref.blobUri).toContain(
      `/${registryContainerName({ subscriptionId: em.defaults.subscriptionId, resourceGroup: em.defaults.resourceGroup, registryName: 'shared-registry' })}/models/resnet/1/string`,
    );
    expect(ref.credential.sasUri.startsWith(`${ref.blobUri}?`)).toBe(true);
    // The same pendingUploadId gives the same place (CreateOrGet).
    const again = await arm<Json>(em, 'POST', `${base}/startPendingUpload`, uploadEx.parameters.body);
    expect((again.body.blobReferenceForConsumption as Json).blobUri).toBe(ref.blobUri);

    // Copy a file with nothing but the SAS.
    const sas = new URL(ref.credential.sasUri);
    const file = new BlockBlobClient(`${ref.blobUri}/model.onnx${sas.search}`);
    await file.upload('onnx bytes', 10);

    const body = structuredClone(versionEx.parameters.body!) as { properties: Json };
    body.properties.modelUri = ref.blobUri;
    const put = await arm<Json>(em, 'PUT', base, body);
    expect(put.status).toBe(201);
    expect(put.headers.get('x-ms-async-operation-timeout')).toBe('PT1H');
    expect((put.body.properties as Json).provisioningState).toBe('Creating');
    expect((await waitOperation(put.headers.get('azure-asyncoperation')!)).status).toBe('Succeeded');

    const got = await arm<Json>(em, 'GET', base);
    expect(got.status).toBe(200);
    expect(missingKeys(versionEx.responses['201']!.body, got.body)).toEqual([]);
    expect(got.body).toMatchObject({ id: base, name: '1', type: 'Microsoft.MachineLearningServices/registries/models/versions' });
    expect(got.body.properties).toMatchObject({ provisioningState: 'Succeeded', modelUri: ref.blobUri, modelType: 'CustomModel', tags: { string: 'string' } });
    if (haveSharedFixtures) {
      const v = validatorFor('resource', 'ModelVersion');
      expect(v({ properties: got.body.properties }), describeErrors(v)).toBe(true);
    }
    const container = await arm<Json>(em, 'GET', `${shared}/models/resnet`);
    expect(container.body).toMatchObject({ type: 'Microsoft.MachineLearningServices/registries/models', properties: { latestVersion: '1', nextVersion: '2' } });

    // Same body again: 200, unchanged; tags may change; an immutable change is a 409.
    expect((await arm(em, 'PUT', base, body)).status).toBe(200);
    const retag = structuredClone(body);
    retag.properties.tags = { stage: 'prod' };
    const retagged = await arm<Json>(em, 'PUT', base, retag);
    expect(retagged.status).toBe(200);
    expect((retagged.body.properties as Json).tags).toEqual({ stage: 'prod' });
    const changed = structuredClone(body);
    changed.properties.modelType = 'TritonModel';
    const conflict = await arm<ErrorBody>(em, 'PUT', base, changed);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.message).toMatch(/already exists in registry 'shared-registry' with a different 'modelType'.*next version: 2/);

    // Lists with the property filter (what register-model uses for idempotency).
    const listed = await arm<{ value: Json[] }>(em, 'GET', `${shared}/models/resnet/versions`, undefined, { query: { properties: 'string=string' } });
    expect(listed.body.value.map((x) => x.name)).toEqual(['1']);
    const none = await arm<{ value: Json[] }>(em, 'GET', `${shared}/models/resnet/versions`, undefined, { query: { properties: 'string=other' } });
    expect(none.body.value).toEqual([]);
  });

  test('a modelUri outside the registry storage or with a SAS is refused; no files means the operation fails and nothing is left', async () => {
    const base = `${shared}/models/broken/versions/1`;
    const outside = await arm<ErrorBody>(em, 'PUT', base, { properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/x' } });
    expect(outside.status).toBe(400);
    expect(outside.body.error.message).toMatch(/is not in the storage of registry 'shared-registry'. Get an upload location with startPendingUpload/);

    const pending = await arm<Json>(em, 'POST', `${base}/startPendingUpload`, {});
    const ref = pending.body.blobReferenceForConsumption as { blobUri: string; credential: { sasUri: string } };
    expect(pending.body.pendingUploadId).toMatch(/^[0-9a-f-]{36}$/);
    const withSas = await arm<ErrorBody>(em, 'PUT', base, { properties: { modelUri: ref.credential.sasUri } });
    expect(withSas.status).toBe(400);
    expect(withSas.body.error.message).toMatch(/must not carry a SAS token/);

    const empty = await arm<Json>(em, 'PUT', base, { properties: { modelUri: ref.blobUri } });
    expect(empty.status).toBe(201);
    const result = await waitOperation(empty.headers.get('azure-asyncoperation')!);
    expect(result.status).toBe('Failed');
    expect((result.error as Json).message).toMatch(/No files were found at the modelUri/);
    expect((await arm(em, 'GET', base)).status).toBe(404);
    const container = await arm<Json>(em, 'GET', `${shared}/models/broken`);
    expect((container.body.properties as Json).latestVersion).toBeNull();
  });
});
