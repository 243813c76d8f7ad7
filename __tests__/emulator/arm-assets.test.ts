/**
 * Asset containers and versions (codes, environments, data, models): immutability, the
 * container's latestVersion/nextVersion, list ordering/paging/filters, content-hash lookup of
 * code, validation per kind, and cascading delete.
 */
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { arm, sdkClient, startFastEmulator, wsPath } from './support.js';

type Json = Record<string, unknown>;
type ErrorBody = { error: { code: string; message: string; target?: string } };
type Page = { value: (Json & { name: string; properties: Json })[]; nextLink?: string };

let em: RunningEmulator;
let client: AzureMachineLearningWorkspaces;
let rg: string;
let ws: string;

beforeAll(async () => {
  em = await startFastEmulator({ pageSize: 2 });
  client = sdkClient(em);
  rg = em.defaults.resourceGroup;
  ws = em.defaults.workspaceName;
});

afterAll(async () => {
  await em?.close();
});

const model = (uri: string, extra: Json = {}) => ({ properties: { modelUri: uri, modelType: 'custom_model', ...extra } });

describe('asset versions', () => {
  test('a version PUT creates the container; the same body again is 200; immutable changes are 409; tags and description update', async () => {
    const path = `${wsPath(em)}/models/imm/versions/1`;
    const created = await arm<Json>(em, 'PUT', path, model('azureml://jobs/j1/outputs/model', { tags: { a: '1' } }));
    expect(created.status).toBe(201);
    expect((created.body.properties as Json).provisioningState).toBe('Succeeded');
    const container = await arm<Json>(em, 'GET', `${wsPath(em)}/models/imm`);
    expect(container.status).toBe(200);
    expect(container.body.properties).toMatchObject({ latestVersion: '1', nextVersion: '2', isArchived: false });

    const same = await arm<Json>(em, 'PUT', path, model('azureml://jobs/j1/outputs/model', { tags: { a: '1' } }));
    expect(same.status).toBe(200);

    const changed = await arm<ErrorBody>(em, 'PUT', path, model('azureml://jobs/OTHER/outputs/model'));
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('UserError');
    expect(changed.body.error.target).toBe('properties.modelUri');
    expect(changed.body.error.message).toBe(
      "Model version 'imm:1' already exists with a different 'modelUri'. Asset versions are immutable: register a new version instead (next version: 2).",
    );

    const retagged = await arm<Json>(
      em,
      'PUT',
      path,
      model('azureml://jobs/j1/outputs/model', { tags: { a: '2', gate: 'passed' }, description: 'now with a verdict' }),
    );
    expect(retagged.status).toBe(200);
    expect(retagged.body.properties).toMatchObject({
      tags: { a: '2', gate: 'passed' },
      description: 'now with a verdict',
      modelUri: 'azureml://jobs/j1/outputs/model',
    });
    const sys = retagged.body.systemData as Json;
    expect((sys.lastModifiedAt as string) >= (sys.createdAt as string)).toBe(true);
  });

  test('latestVersion is the last created; nextVersion = highest number + 1 and never goes back', async () => {
    for (const v of ['1', '2', '10', 'beta']) {
      await client.modelVersions.createOrUpdate(rg, ws, 'seq', v, model(`azureml://m/${v}`) as never);
    }
    let c = await client.modelContainers.get(rg, ws, 'seq');
    expect(c.properties).toMatchObject({ latestVersion: 'beta', nextVersion: '11' });
    await client.modelVersions.delete(rg, ws, 'seq', 'beta');
    await client.modelVersions.delete(rg, ws, 'seq', '10');
    c = await client.modelContainers.get(rg, ws, 'seq');
    expect(c.properties).toMatchObject({ latestVersion: '2', nextVersion: '11' });
    expect((await arm(em, 'DELETE', `${wsPath(em)}/models/seq/versions/10`)).status).toBe(204);
  });

  test('list: $orderBy, $top, paging with nextLink, tags and listViewType', async () => {
    for (const [v, tags, archived] of [
      ['1', { stage: 'dev' }, false],
      ['2', { stage: 'prod', owner: 'me' }, false],
      ['3', { stage: 'prod' }, true],
      ['4', { stage: 'dev' }, false],
    ] as const) {
      await arm(em, 'PUT', `${wsPath(em)}/models/listed/versions/${v}`, model(`azureml://m/${v}`, { tags, isArchived: archived }));
    }
    const names = (p: Page) => p.value.map((x) => x.name);
    const newest = await arm<Page>(em, 'GET', `${wsPath(em)}/models/listed/versions`, undefined, { query: { $orderBy: 'createdtime desc', $top: '1' } });
    expect(names(newest.body)).toEqual(['4']);
    expect(newest.body.nextLink).toBeUndefined();
    const first = await arm<Page>(em, 'GET', `${wsPath(em)}/models/listed/versions`, undefined, { query: { $orderBy: 'version asc' } });
    expect(names(first.body)).toEqual(['1', '2']);
    const next = await fetch(first.body.nextLink!, { headers: { authorization: `Bearer ${em.issueToken()}` } });
    expect(names((await next.json()) as Page)).toEqual(['4']);
    const prod = await arm<Page>(em, 'GET', `${wsPath(em)}/models/listed/versions`, undefined, { query: { tags: 'stage=prod', listViewType: 'All' } });
    expect(names(prod.body).sort()).toEqual(['2', '3']);
    const owned = await arm<Page>(em, 'GET', `${wsPath(em)}/models/listed/versions`, undefined, { query: { tags: 'owner' } });
    expect(names(owned.body)).toEqual(['2']);
    const archived = await arm<Page>(em, 'GET', `${wsPath(em)}/models/listed/versions`, undefined, { query: { listViewType: 'ArchivedOnly' } });
    expect(names(archived.body)).toEqual(['3']);
    // The SDK walks every page.
    const all: string[] = [];
    for await (const v of client.modelVersions.list(rg, ws, 'listed', { orderBy: 'createdtime asc' })) all.push(v.name!);
    expect(all).toEqual(['1', '2', '4']);
    const bad = await arm<ErrorBody>(em, 'GET', `${wsPath(em)}/models/listed/versions`, undefined, { query: { $orderBy: 'colour' } });
    expect(bad.status).toBe(400);
    const token = await arm<ErrorBody>(em, 'GET', `${wsPath(em)}/models/listed/versions`, undefined, { query: { $skip: 'garbage' } });
    expect(token.status).toBe(400);
    expect(token.body.error.target).toBe('$skip');
  });

  test('code versions: lookup by content hash across names (CodeVersions_List hash=)', async () => {
    const hash = 'a'.repeat(64);
    await arm(em, 'PUT', `${wsPath(em)}/codes/${hash}/versions/1`, {
      properties: { codeUri: `${em.blob.url}/x/LocalUpload/${hash}`, isAnonymous: true, properties: { hash_sha256: hash, hash_version: '202208' } },
    });
    const found = await arm<Page>(em, 'GET', `${wsPath(em)}/codes/any-name/versions`, undefined, { query: { hash, hashVersion: '202208' } });
    expect(found.body.value.map((v) => v.id)).toEqual([`${wsPath(em)}/codes/${hash}/versions/1`]);
    const none = await arm<Page>(em, 'GET', `${wsPath(em)}/codes/any-name/versions`, undefined, { query: { hash: 'b'.repeat(64) } });
    expect(none.body.value).toEqual([]);
  });

  test('validation per kind names the property', async () => {
    const cases: [string, Json, string, RegExp][] = [
      ['models/m/versions/1', { properties: {} }, 'properties.modelUri', /'modelUri' is required/],
      ['codes/c/versions/1', { properties: {} }, 'properties.codeUri', /'codeUri' is required/],
      ['environments/e/versions/1', { properties: { condaFile: 'x' } }, 'properties.image', /Docker image \('image'\) or a build context/],
      ['data/d/versions/1', { properties: { dataUri: 'azureml://x' } }, 'properties.dataType', /'dataType' is required: one of uri_file, uri_folder, mltable/],
      ['data/d/versions/1', { properties: { dataType: 'uri_file' } }, 'properties.dataUri', /'dataUri' is required/],
      ['models/bad name/versions/1', { properties: { modelUri: 'x' } }, 'name', /Model name 'bad name' is invalid/],
      ['models/m/versions/-1', { properties: { modelUri: 'x' } }, 'version', /Version '-1' is invalid/],
      ['models/m/versions/1', { notProperties: 1 }, 'properties', /must contain the object 'properties'/],
    ];
    for (const [rel, body, target, message] of cases) {
      const res = await arm<ErrorBody>(em, 'PUT', `${wsPath(em)}/${rel}`, body);
      expect(res.status, rel).toBe(400);
      expect(res.body.error.target, rel).toBe(target);
      expect(res.body.error.message, rel).toMatch(message);
    }
  });

  test('environments and data get their server-side fields; data containers keep their dataType', async () => {
    const env = await arm<Json>(em, 'PUT', `${wsPath(em)}/environments/my-env/versions/1`, { properties: { image: 'python:3.11-slim' } });
    expect(env.status).toBe(201);
    expect(env.body.properties).toMatchObject({ environmentType: 'UserCreated', osType: 'Linux', autoRebuild: 'Disabled', provisioningState: 'Succeeded' });
    const data = await arm<Json>(em, 'PUT', `${wsPath(em)}/data/iris/versions/1`, {
      properties: { dataType: 'uri_file', dataUri: 'azureml://datastores/workspaceblobstore/paths/iris.csv' },
    });
    expect(data.status).toBe(201);
    expect(data.body.properties).not.toHaveProperty('provisioningState');
    expect((await client.dataContainers.get(rg, ws, 'iris')).properties.dataType).toBe('uri_file');
    const other = await arm<ErrorBody>(em, 'PUT', `${wsPath(em)}/data/iris/versions/2`, { properties: { dataType: 'uri_folder', dataUri: 'azureml://x/' } });
    expect(other.status).toBe(409);
  });

  test('container PUT/GET/list and DELETE of a container removes its versions', async () => {
    await client.modelContainers.createOrUpdate(rg, ws, 'gone', { properties: { description: 'to delete', tags: { k: 'v' } } });
    await client.modelVersions.createOrUpdate(rg, ws, 'gone', '1', model('azureml://m/1') as never);
    const names: string[] = [];
    for await (const c of client.modelContainers.list(rg, ws)) names.push(c.name!);
    expect(names).toContain('gone');
    const got = await client.modelContainers.get(rg, ws, 'gone');
    expect(got.properties).toMatchObject({ description: 'to delete', tags: { k: 'v' }, latestVersion: '1' });
    expect((await arm(em, 'DELETE', `${wsPath(em)}/models/gone`)).status).toBe(200);
    expect((await arm(em, 'GET', `${wsPath(em)}/models/gone/versions/1`)).status).toBe(404);
    expect((await arm(em, 'DELETE', `${wsPath(em)}/models/gone`)).status).toBe(204);
    const missing = await arm<ErrorBody>(em, 'GET', `${wsPath(em)}/models/gone`);
    expect(missing.status).toBe(404);
    // Azure's answer (recording models/model-create-autoincrement.json entry 5).
    expect(missing.body.error.message).toBe('The specified resource was not found.');
    expect((missing.body.error as { details?: { code: string; message: string }[] }).details?.[0]).toMatchObject({
      code: 'ModelNotFound',
      message: 'Model container with name: gone not found.',
    });
  });

  test('curated environments are seeded and resolve as azureml:<name>@latest', async () => {
    const versions = [];
    for await (const v of client.environmentVersions.list(rg, ws, 'AzureML-sklearn-1.5')) versions.push(v);
    expect(versions).toHaveLength(1);
    expect(versions[0]!.properties.environmentType).toBe('Curated');
  });
});

describe('datastores', () => {
  test('PUT / GET / list without secrets / DELETE; the default store cannot be deleted', async () => {
    const body = {
      properties: {
        datastoreType: 'AzureBlob',
        accountName: em.blob.accountName,
        containerName: 'extra',
        endpoint: 'core.windows.net',
        protocol: 'https',
        credentials: { credentialsType: 'AccountKey', secrets: { secretsType: 'AccountKey', key: em.blob.accountKey } },
      },
    };
    expect((await arm(em, 'PUT', `${wsPath(em)}/datastores/extra_store`, body)).status).toBe(201);
    const list = await arm<Page>(em, 'GET', `${wsPath(em)}/datastores`, undefined, { query: { count: '10' } });
    expect(list.body.value.map((d) => d.name)).toEqual(['extra_store', 'workspaceartifactstore', 'workspaceblobstore']);
    expect(JSON.stringify(list.body)).not.toContain(em.blob.accountKey);
    const defaults = await arm<Page>(em, 'GET', `${wsPath(em)}/datastores`, undefined, { query: { isDefault: 'true' } });
    expect(defaults.body.value.map((d) => d.name)).toEqual(['workspaceblobstore']);
    const noCreds = await arm<ErrorBody>(em, 'PUT', `${wsPath(em)}/datastores/bad`, { properties: { datastoreType: 'AzureBlob' } });
    expect(noCreds.status).toBe(400);
    expect(noCreds.body.error.target).toBe('properties.credentials');
    expect((await arm(em, 'DELETE', `${wsPath(em)}/datastores/extra_store`)).status).toBe(200);
    expect((await arm(em, 'DELETE', `${wsPath(em)}/datastores/workspaceblobstore`)).status).toBe(400);
  });
});
