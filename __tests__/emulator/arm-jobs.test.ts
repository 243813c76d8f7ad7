/**
 * Jobs through the real SDK: create, get, list (paging and filters), idempotent re-PUT, 409 on a
 * changed body, 400s naming the property, and the long-running cancel and delete driven by the
 * SDK's own pollers (`beginCancelAndWait`, `beginDeleteAndWait`) against the emulator's
 * operation routes.
 */
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { createDefaultHttpClient } from '@azure/core-rest-pipeline';
import { createArmClient } from '../../src/azure/arm.js';
import { createWorkspaceApi } from '../../src/azure/workspace.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { arm, clearRequestLog, requestLog, sdkClient, startFastEmulator, wsPath } from './support.js';

type Json = Record<string, unknown>;

let em: RunningEmulator;
let client: AzureMachineLearningWorkspaces;
let client2024: AzureMachineLearningWorkspaces;
let rg: string;
let ws: string;
let env: string;
let compute: string;

beforeAll(async () => {
  em = await startFastEmulator({ pageSize: 2 });
  client = sdkClient(em);
  client2024 = sdkClient(em, { apiVersion: '2024-10-01' });
  rg = em.defaults.resourceGroup;
  ws = em.defaults.workspaceName;
  env = `${wsPath(em)}/environments/AzureML-sklearn-1.5/versions/1`;
  compute = `${wsPath(em)}/computes/cpu-cluster`;
});

afterAll(async () => {
  await em?.close();
});

function commandJob(command: string, extra: Json = {}): { properties: Json } {
  return { properties: { jobType: 'Command', command, environmentId: env, computeId: compute, experimentName: 'arm-jobs', ...extra } };
}

const TERMINAL = ['Completed', 'Failed', 'Canceled'];

async function statusOf(name: string): Promise<string> {
  return String((await client.jobs.get(rg, ws, name)).properties.status);
}

describe('jobs', () => {
  test('create: 201 Starting with Studio and Tracking services; GET and list see it', async () => {
    const created = await client.jobs.createOrUpdate(rg, ws, 'job-create', commandJob('echo hello', { tags: { team: 'ml' }, displayName: 'first' }) as never);
    // A command job is answered `Starting` (recording jobs/command-job-register-output.json entry 0).
    expect(created.properties.status).toBe('Starting');
    expect(created.properties.jobType).toBe('Command');
    const services = created.properties.services!;
    expect(services.Tracking).toMatchObject({ jobServiceType: 'Tracking', endpoint: `azureml://${em.host}/mlflow/v1.0${wsPath(em)}` });
    expect(services.Studio!.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/studio\/runs\/job-create\?wsid=/);
    expect(created.systemData?.createdBy).toBe('test-client');
    expect(created.systemData?.createdByType).toBe('Application');
    const got = await client.jobs.get(rg, ws, 'job-create');
    expect(got.id).toBe(`${wsPath(em)}/jobs/job-create`);
    // The Studio page exists.
    const studio = await fetch(services.Studio!.endpoint!);
    expect(studio.status).toBe(200);
    expect(await studio.text()).toContain('job-create');
  });

  test('re-PUT with the same body → 200 and the same job; a different body → 409 UserError', async () => {
    const body = commandJob('sleep 5', { tags: { run: '1' } });
    const first = await arm<Json>(em, 'PUT', `${wsPath(em)}/jobs/job-idem`, body);
    expect(first.status).toBe(201);
    const again = await arm<Json>(em, 'PUT', `${wsPath(em)}/jobs/job-idem`, body);
    expect(again.status).toBe(200);
    expect((again.body.systemData as Json).createdAt).toBe((first.body.systemData as Json).createdAt);
    const changed = await arm<{ error: Json }>(em, 'PUT', `${wsPath(em)}/jobs/job-idem`, commandJob('sleep 6', { tags: { run: '1' } }));
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('UserError');
    expect(String(changed.body.error.message)).toMatch(/job-idem.*different definition/);
    expect(changed.headers.get('x-ms-request-id')).toBeTruthy();
    expect(changed.headers.get('x-ms-correlation-request-id')).toBeTruthy();
    // Through the SDK the conflict is a RestError with the service code.
    await expect(client.jobs.createOrUpdate(rg, ws, 'job-idem', commandJob('sleep 7') as never)).rejects.toMatchObject({ statusCode: 409, code: 'UserError' });
  });

  test('validation: 400 UserError naming the property, per jobType', async () => {
    const cases: [Json, string, RegExp][] = [
      [{ jobType: 'Command', environmentId: env }, 'properties.command', /'command' is required for jobType 'Command'/],
      [{ jobType: 'Command', command: 'x' }, 'properties.environmentId', /'environmentId' is required/],
      [{ command: 'x', environmentId: env }, 'properties.jobType', /'jobType' is required/],
      [{ jobType: 'Bogus' }, 'properties.jobType', /jobType 'Bogus' is not valid/],
      [{ jobType: 'AutoML' }, 'properties.taskDetails', /'taskDetails' is required for jobType 'AutoML'/],
      [{ jobType: 'Command', command: 'x', environmentId: env, computeId: 'azureml:nope' }, 'properties.computeId', /Compute 'nope' was not found/],
      [
        { jobType: 'Command', command: 'x', environmentId: `${wsPath(em)}/environments/missing/versions/1` },
        'properties.environmentId',
        /missing:1' was not found/,
      ],
      [
        { jobType: 'Command', command: 'x', environmentId: env, inputs: { a: { jobInputType: 'uri_file' } } },
        'properties.inputs.a.uri',
        /Input 'a' of type 'uri_file' needs 'uri'/,
      ],
      [{ jobType: 'Sweep', trial: { command: 'x', environmentId: env } }, 'properties.objective', /'objective' is required for jobType 'Sweep'/],
      [
        {
          jobType: 'Sweep',
          objective: { goal: 'Maximize', primaryMetric: 'acc' },
          samplingAlgorithm: { samplingAlgorithmType: 'Grid' },
          searchSpace: {},
          trial: { environmentId: env },
        },
        'properties.trial.command',
        /'command' is required for jobType 'Sweep'/,
      ],
    ];
    for (const [props, target, message] of cases) {
      const res = await arm<{ error: { code: string; message: string; target?: string; details?: Json[] } }>(em, 'PUT', `${wsPath(em)}/jobs/job-invalid`, {
        properties: props,
      });
      expect(res.status, JSON.stringify(props)).toBe(400);
      expect(res.body.error.code).toBe('UserError');
      expect(res.body.error.target).toBe(target);
      expect(res.body.error.message).toMatch(message);
    }
    // Nothing was created.
    expect((await arm(em, 'GET', `${wsPath(em)}/jobs/job-invalid`)).status).toBe(404);
  });

  test('references resolve: bare compute names and azureml: asset names become ARM ids', async () => {
    const res = await arm<Json>(em, 'PUT', `${wsPath(em)}/jobs/job-refs`, {
      properties: { jobType: 'Command', command: 'echo hi', environmentId: 'azureml:AzureML-sklearn-1.5@latest', computeId: 'cpu-cluster' },
    });
    expect(res.status).toBe(201);
    const p = res.body.properties as Json;
    expect(p.computeId).toBe(compute);
    expect(p.environmentId).toBe(env);
  });

  test('list: newest first, nextLink paging, jobType and tag filters', async () => {
    for (const [name, tags] of [
      ['list-a', { stage: 'train' }],
      ['list-b', { stage: 'eval' }],
      ['list-c', { stage: 'train', owner: 'x' }],
    ] as const) {
      await client2024.jobs.createOrUpdate(rg, ws, name, commandJob('echo list', { tags }) as never);
    }
    const all: string[] = [];
    for await (const j of client.jobs.list(rg, ws)) all.push(j.name!);
    expect(all.indexOf('list-c')).toBeLessThan(all.indexOf('list-a'));
    const page = await arm<{ value: Json[]; nextLink?: string }>(em, 'GET', `${wsPath(em)}/jobs`);
    expect(page.body.value).toHaveLength(2);
    expect(page.body.nextLink).toMatch(/\$skip=/);
    expect(page.body.nextLink).toContain('api-version=2024-10-01');
    const train: string[] = [];
    for await (const j of client.jobs.list(rg, ws, { tag: 'stage=train' })) train.push(j.name!);
    expect(train.sort()).toEqual(['list-a', 'list-c']);
    const owners: string[] = [];
    for await (const j of client.jobs.list(rg, ws, { tag: 'owner' })) owners.push(j.name!);
    expect(owners).toEqual(['list-c']);
    const sweeps: string[] = [];
    for await (const j of client.jobs.list(rg, ws, { jobType: 'Sweep' })) sweeps.push(j.name!);
    expect(sweeps).toEqual([]);
  });

  test('missing job: GET and cancel are 404 UserError; DELETE is 204', async () => {
    const get = await arm<{ error: Json }>(em, 'GET', `${wsPath(em)}/jobs/nope`);
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe('UserError');
    expect(get.body.error.message).toBe('Job nope not found.'); // az ml's "Job <name> not found." (Azure/azureml-previews#267)
    expect((await arm(em, 'POST', `${wsPath(em)}/jobs/nope/cancel`)).status).toBe(404);
    expect((await arm(em, 'DELETE', `${wsPath(em)}/jobs/nope`)).status).toBe(204);
    await expect(client.jobs.get(rg, ws, 'nope')).rejects.toMatchObject({ statusCode: 404 });
  });

  test('beginCancelAndWait: 202 + Location + Retry-After, polled to 200; the job ends Canceled', async () => {
    await client.jobs.createOrUpdate(rg, ws, 'job-cancel', commandJob('sleep 30') as never);
    await client.jobs.createOrUpdate(rg, ws, 'job-cancel-sdk', commandJob('sleep 30') as never);
    await clearRequestLog(em);
    const raw = await arm(em, 'POST', `${wsPath(em)}/jobs/job-cancel/cancel`, undefined, { apiVersion: '2022-10-01' });
    expect(raw.status).toBe(202);
    const location = raw.headers.get('location')!;
    expect(location).toMatch(
      new RegExp(
        `^${em.baseUrl}/subscriptions/${em.defaults.subscriptionId}/providers/Microsoft\\.MachineLearningServices/locations/eastus/mfeOperationResults/[0-9a-f-]+\\?api-version=2022-10-01`,
      ),
    );
    expect(raw.headers.get('retry-after')).toBe('0');
    expect(raw.headers.get('azure-asyncoperation')).toBeNull();
    // The SDK's poller (LroEngine, final-state-via location) drives a cancel to completion (another
    // job: a second cancel of one that already ended is a 400, as on Azure).
    await client.jobs.beginCancelAndWait(rg, ws, 'job-cancel-sdk', { updateIntervalInMs: 10 });
    expect(await statusOf('job-cancel-sdk')).toBe('Canceled');
    for (let i = 0; i < 200 && (await statusOf('job-cancel')) !== 'Canceled'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await statusOf('job-cancel')).toBe('Canceled');
    const log = await requestLog(em);
    expect(log.filter((e) => e.operation === 'Jobs_Cancel').map((e) => e.status)).toEqual([202, 202]);
    const polls = log.filter((e) => e.operation === 'OperationResult_Get');
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(polls.at(-1)!.status).toBe(200);
    // The result route answered 202 while the operation was running.
    const first = await fetch(location, { headers: { authorization: `Bearer ${em.issueToken()}` } });
    expect([200, 202]).toContain(first.status);
  });

  test('cancel of a finished job: 400 in terminal status, the job left as it was', async () => {
    await client.jobs.createOrUpdate(rg, ws, 'job-done', commandJob('echo done') as never);
    for (let i = 0; i < 200 && !TERMINAL.includes(await statusOf('job-done')); i++) await new Promise((r) => setTimeout(r, 50));
    const final = await statusOf('job-done');
    expect(TERMINAL).toContain(final);
    // Azure refuses it (recording jobs/pipeline-job-serverless-cancel-400.json entry 2).
    const refused = await arm<Json>(em, 'POST', `${wsPath(em)}/jobs/job-done/cancel`);
    expect(refused.status).toBe(400);
    const error = refused.body.error as Json;
    expect(error.code).toBe('UserError');
    expect(error.message).toBe("The job job-done is in terminal status, it can't be canceled.");
    await expect(client.jobs.beginCancelAndWait(rg, ws, 'job-done', { updateIntervalInMs: 10 })).rejects.toThrow(/terminal status/);
    expect(await statusOf('job-done')).toBe(final);
    // Our client takes that answer as "nothing to cancel" (the job ended between its read and the cancel).
    const http = createDefaultHttpClient();
    const ours = createArmClient({
      endpoint: em.baseUrl,
      workspaceId: wsPath(em),
      allowInsecureConnection: true,
      sendRequest: (r) => {
        r.headers.set('authorization', `Bearer ${em.issueToken()}`);
        return http.sendRequest(r);
      },
    });
    await expect(createWorkspaceApi(ours).cancelJob('job-done')).resolves.toBeUndefined();
  });

  test('beginDeleteAndWait: 202 + Azure-AsyncOperation + Location; the status route goes InProgress → Succeeded; the job is gone', async () => {
    await client.jobs.createOrUpdate(rg, ws, 'job-delete', commandJob('sleep 30') as never);
    const raw = await arm(em, 'DELETE', `${wsPath(em)}/jobs/job-delete`, undefined, { apiVersion: '2024-10-01' });
    expect(raw.status).toBe(202);
    const statusUrl = raw.headers.get('azure-asyncoperation')!;
    expect(statusUrl).toMatch(/\/locations\/eastus\/mfeOperationsStatus\/[0-9a-f-]+\?api-version=2024-10-01/);
    expect(raw.headers.get('location')).toMatch(/\/mfeOperationResults\//);
    expect(raw.headers.get('x-ms-async-operation-timeout')).toBe('PT1H');
    const auth = { headers: { authorization: `Bearer ${em.issueToken()}` } };
    const inProgress = (await (await fetch(statusUrl, auth)).json()) as Json;
    expect(inProgress.status).toBe('InProgress');
    expect(inProgress.startTime).toBeTruthy();
    // The SDK poller on the same job (a second delete) waits until it is gone.
    await client2024.jobs.beginDeleteAndWait(rg, ws, 'job-delete', { updateIntervalInMs: 10 });
    // The first operation finishes too.
    let done = (await (await fetch(statusUrl, auth)).json()) as Json;
    for (let i = 0; i < 200 && done.status === 'InProgress'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      done = (await (await fetch(statusUrl, auth)).json()) as Json;
    }
    expect(done).toMatchObject({ status: 'Succeeded', percentComplete: 100 });
    expect(done.endTime).toBeTruthy();
    await expect(client.jobs.get(rg, ws, 'job-delete')).rejects.toMatchObject({ statusCode: 404 });
  });

  test('operation routes: unknown operation → 404; wrong subscription → 404', async () => {
    const base = `/subscriptions/${em.defaults.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/eastus`;
    expect((await arm(em, 'GET', `${base}/mfeOperationsStatus/00000000-0000-0000-0000-000000000001`)).status).toBe(404);
    expect((await arm(em, 'GET', `${base}/mfeOperationResults/00000000-0000-0000-0000-000000000001`)).status).toBe(404);
  });
});
