/**
 * OUR clients against REAL Azure responses (issue 12, "Client against real responses"): the ARM
 * client and its LRO poller, the online endpoint client (create, traffic writer, token, scoring),
 * the job API and waiter, and model registration run against a loopback server that answers with
 * the responses recorded from the live service (../shared/fixtures/azure-recordings, see
 * replay-server.ts). Each scenario checks that the client reaches the right final resource /
 * version / status / traffic, and that it asked nothing the recording has no answer for.
 */
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { armPath, type ArmClient } from '../../src/azure/arm.js';
import { resolveCloud } from '../../src/azure/cloud.js';
import { createAzureContext, type AzureContext } from '../../src/azure/context.js';
import { OnlineEndpoints } from '../../src/azure/endpoints.js';
import { score, scoringAuth, unwrapJson } from '../../src/azure/scoring.js';
import { createWorkspaceApi } from '../../src/azure/workspace.js';
import { createSchedulesApi } from '../../src/azure/schedules.js';
import { holds } from '../../src/runs/submit-job/schedule.js';
import { jobStatus, waitForJob } from '../../src/jobs/wait.js';
import { commitVersion, workspaceModelStore } from '../../src/models/versions.js';
import { applyAction, systemClock, type RolloutProviders } from '../../src/rollout/providers.js';
import { trafficStateEquals } from '../../src/rollout/traffic.js';
import { createTrafficRouter } from '../../src/runs/deploy/rollout-adapters.js';
import { haveRecordings, loadRecording, recordedJson, rescopeText, type RecordedEntry, type Scope } from './recordings.js';
import { startReplayServer, type ReplayServer } from './replay-server.js';

const SCOPE: Scope = { subscriptionId: '11111111-2222-3333-4444-555555555555', resourceGroup: 'rg-replay', workspace: 'ws-replay' };
const credential: TokenCredential = { getToken: async (): Promise<AccessToken> => ({ token: 'replay-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };
const noSleep = async () => undefined;

let server: ReplayServer;
let ctx: AzureContext;
let arm: ArmClient;
/** Interactions compared / answered from the recording, for the figure printed at the end. */
const tally = { scenarios: 0, requests: 0, answered: 0 };

function entries(file: string, from: number, to: number): RecordedEntry[] {
  return loadRecording(file).entries.slice(from, to + 1);
}

/** Loads a scenario; returns a check that every request was answered from it and nothing recorded was left. */
function scenario(list: RecordedEntry[], o: { allowUnanswered?: boolean } = {}): () => void {
  server.load(list);
  const start = server.requests.length;
  const missesBefore = server.misses.length;
  return () => {
    const mine = server.requests.slice(start);
    tally.scenarios += 1;
    tally.requests += mine.length;
    tally.answered += mine.filter((r) => r.entry >= 0).length;
    expect(server.misses.slice(missesBefore).map((m) => `${m.method} ${m.host}${m.path}`)).toEqual([]);
    if (!o.allowUnanswered) expect(server.unanswered()).toEqual([]);
  };
}

const ONLINE = 'online-endpoints/online-deployment-e2e.json';
const BATCH_DELETE = 'batch-endpoints/batch-endpoint-create-delete.json';
const BATCH_2023 = 'batch-endpoints/batch-endpoint-deployment-invoke.json';

beforeAll(async () => {
  if (!haveRecordings) return;
  server = await startReplayServer({ scope: SCOPE });
  // Pointed at the replay server exactly as at the emulator: AZUREML_EMULATOR_HOST → cloud, the
  // workspace given, and a token from a static credential (nothing checks it here).
  const cloud = resolveCloud({ env: { AZUREML_EMULATOR_HOST: server.host } });
  ctx = await createAzureContext(
    {
      cloud,
      subscriptionId: SCOPE.subscriptionId,
      resourceGroup: SCOPE.resourceGroup,
      workspaceName: SCOPE.workspace,
      emulator: {
        blobEndpoint: `${server.baseUrl}/__host/blob`,
        tenantId: '00000000-0000-0000-0000-000000000000',
        defaults: { subscriptionId: SCOPE.subscriptionId, resourceGroup: SCOPE.resourceGroup, workspaceName: SCOPE.workspace },
      },
    },
    { credential, credentialKind: 'emulator', info: () => undefined, sleep: noSleep, pollIntervalInMs: 1, retry: { maxRetries: 0, retryDelayInMs: 1 } },
  );
  arm = ctx.arm;
});

afterAll(async () => {
  if (server) {
    // eslint-disable-next-line no-console
    console.log(
      `client replay: ${tally.answered}/${tally.requests} requests of our clients answered from recorded Azure responses in ${tally.scenarios} scenarios`,
    );
    await server.close();
  }
});

describe.skipIf(!haveRecordings)('our clients against recorded Azure responses', () => {
  it('endpoint create: 201 Creating, 2022 mfeOperationsStatus polls {percentComplete, status: "Updating"} → Succeeded, then the final GET', async () => {
    const done = scenario(entries(ONLINE, 1, 7));
    const eps = new OnlineEndpoints(arm, { sleep: noSleep });
    const name = (recordedJson(loadRecording(ONLINE).entries[1]!) as { name: string }).name;
    const ep = await eps.createEndpoint(name, { location: 'eastus2', properties: { authMode: 'AMLToken' } });
    expect(ep.properties?.provisioningState).toBe('Succeeded');
    expect(ep.name).toBe(name);
    expect(ep.id).toContain(`/workspaces/${SCOPE.workspace}/onlineEndpoints/${name}`);
    // the poller followed Azure-AsyncOperation (mfeOperationsStatus) through every "Updating"
    const polls = server.requests.filter((r) => /mfeOperationsStatus/i.test(r.path));
    expect(polls.length).toBe(4);
    done();
  });

  it('deployment create: 201 "Updating", 107 polls over ~10 min of "Updating", then Succeeded with the defaults filled', async () => {
    const done = scenario(entries(ONLINE, 20, 129));
    const put = recordedJson(loadRecording(ONLINE).entries[20]!) as { name: string; id: string };
    const path = put.id.replace(/\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\//i, '');
    const poller = await arm.beginPut<{ properties: { provisioningState: string; requestSettings: { requestTimeout: string } } }>(path, {
      location: 'eastus2',
      properties: {},
    });
    expect(poller.isDone()).toBe(false);
    const result = await poller.pollUntilDone();
    expect(result.properties.provisioningState).toBe('Succeeded');
    expect(result.properties.requestSettings.requestTimeout).toBe('PT5S');
    expect(poller.getOperationState().polls).toBe(108);
    done();
  });

  it('traffic writer: GET → PUT of the whole endpoint (201, traffic {} while Updating) → LRO → the read-back has the new traffic', async () => {
    // Before the write the endpoint is as entry 7 left it (created, traffic {}); the SDK then
    // PUT it with the traffic (133), polled (134-135) and read it back (136-137).
    const rec = loadRecording(ONLINE).entries;
    const done = scenario([rec[7]!, ...entries(ONLINE, 133, 137)]);
    const from = server.requests.length;
    const eps = new OnlineEndpoints(arm, { sleep: noSleep });
    const recorded = recordedJson(loadRecording(ONLINE).entries[137]!) as { name: string; properties: { traffic: Record<string, number> } };
    const deployment = Object.keys(recorded.properties.traffic)[0]!;
    const router = createTrafficRouter(eps, recorded.name);
    await router.setTraffic({ traffic: { [deployment]: 100 }, mirror: {} }, { traffic: {}, mirror: {} });
    const put = server.requests.slice(from).find((r) => r.method === 'PUT')!;
    // the PUT sent the whole endpoint with the new traffic (never PATCH)
    expect(JSON.parse(put.body).properties.traffic).toEqual({ [deployment]: 100 });
    expect(JSON.parse(put.body).properties.authMode).toBe('AMLToken');
    const read = await router.getTraffic();
    expect(trafficStateEquals(read, { traffic: { [deployment]: 100 }, mirror: {} })).toBe(true);
    done();
  });

  it('scoring: the endpoint token (AMLToken) and a POST to the recorded scoringUri, whose JSON-string answer is unwrapped', async () => {
    const done = scenario(entries(ONLINE, 139, 141));
    const eps = new OnlineEndpoints(arm, { sleep: noSleep });
    const name = (recordedJson(loadRecording(ONLINE).entries[139]!) as { name: string }).name;
    const ep = (await eps.getEndpoint(name))!;
    const scoringUri = String(ep.properties?.scoringUri);
    expect(scoringUri).toBe(`${server.baseUrl}/__host/${name}.eastus2.inference.ml.azure.com/score`);
    const auth = scoringAuth(eps, name, String(ep.properties?.authMode), () => undefined);
    const r = await score(
      scoringUri,
      auth,
      JSON.stringify({
        data: [
          [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
          [10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
        ],
      }),
    );
    expect(r.status).toBe(200);
    expect(r.deployment).toBe(name);
    expect(unwrapJson(r.body)).toEqual([5215.1981315798685, 3726.995485938578]);
    const scoring = server.requests.find((q) => q.host.endsWith('.inference.ml.azure.com'))!;
    expect(scoring.headers.authorization).toMatch(/^Bearer <recorded JWT/);
    done();
  });

  it('endpoint delete: 202 with body "null", Azure-AsyncOperation and Location; the poll still says "Updating"', async () => {
    const done = scenario(entries(ONLINE, 142, 143));
    const name = (recordedJson(loadRecording(ONLINE).entries[139]!) as { name: string }).name;
    const poller = await arm.beginDelete(armPath`onlineEndpoints/${name}`);
    expect(poller.isDone()).toBe(false);
    await poller.poll();
    expect(poller.getOperationState()).toMatchObject({ status: 'running', serviceStatus: 'Updating' });
    poller.stopPolling();
    done();
  });

  it('batch endpoint delete (2022): 202 "null" → polls Updating, Updating, Succeeded → GET 404 NotFound', async () => {
    const done = scenario(entries(BATCH_DELETE, 6, 10));
    const name = (recordedJson(loadRecording(BATCH_DELETE).entries[5]!) as { name: string }).name;
    const poller = await arm.beginDelete(armPath`batchEndpoints/${name}`);
    await poller.pollUntilDone();
    expect(poller.getOperationState()).toMatchObject({ status: 'succeeded', serviceStatus: 'Succeeded', polls: 3 });
    expect(await arm.tryGet(armPath`batchEndpoints/${name}`)).toBeUndefined();
    done();
  });

  it('2023 LROs: lower-case azure-asyncoperation and the reduced body {id, name, status} (batch endpoint and deployment)', async () => {
    const list = loadRecording(BATCH_2023).entries;
    expect(Object.keys(list[1]!.ResponseHeaders)).toContain('azure-asyncoperation');
    expect(Object.keys(recordedJson(list[2]!) as object).sort()).toEqual(['id', 'name', 'status']);
    let done = scenario(entries(BATCH_2023, 1, 4));
    const ep = recordedJson(list[1]!) as { name: string };
    const created = await (
      await arm.beginPut<{ name: string; properties: { provisioningState: string } }>(armPath`batchEndpoints/${ep.name}`, {
        location: 'westus2',
        properties: { authMode: 'AADToken' },
      })
    ).pollUntilDone();
    expect(created).toMatchObject({ name: ep.name, properties: { provisioningState: 'Succeeded' } });
    done();

    done = scenario(entries(BATCH_2023, 15, 18));
    const dep = recordedJson(list[15]!) as { name: string };
    const deployed = await (
      await arm.beginPut<{ name: string; properties: { provisioningState: string } }>(armPath`batchEndpoints/${ep.name}/deployments/${dep.name}`, {
        location: 'westus2',
        properties: {},
      })
    ).pollUntilDone();
    expect(deployed).toMatchObject({ name: dep.name, properties: { provisioningState: 'Succeeded' } });
    done();
  });

  it('jobs: create answers 201 "Starting" with Location and no LRO headers; a sweep starts "Running"; the waiter ends at a recorded terminal status', async () => {
    const api = createWorkspaceApi(arm);
    let done = scenario(entries('jobs/command-job-serverless-create-get.json', 4, 5));
    const cmd = recordedJson(loadRecording('jobs/command-job-serverless-create-get.json').entries[4]!) as { name: string };
    const created = await api.createJob(cmd.name, { properties: { jobType: 'Command', command: 'echo hi', environmentId: 'azureml:x:1' } });
    expect(jobStatus(created)).toBe('Starting');
    expect(jobStatus((await api.getJob(cmd.name))!)).toBe('Starting');
    done();

    done = scenario(entries('jobs/sweep-job-create-get.json', 2, 3));
    const sweep = recordedJson(loadRecording('jobs/sweep-job-create-get.json').entries[2]!) as { name: string };
    const s = await api.createJob(sweep.name, { properties: { jobType: 'Sweep' } });
    expect(jobStatus(s)).toBe('Running');
    expect((s.properties as { objective: { goal: string } }).objective.goal).toBe('Maximize');
    expect(jobStatus((await api.getJob(sweep.name))!)).toBe('Running');
    done();

    // the job is already Canceled when first read: the waiter ends at once (the second recorded GET stays unused)
    done = scenario(entries('run-history/pipeline-job-download-rundata-logs.json', 0, 1), { allowUnanswered: true });
    const pipe = recordedJson(loadRecording('run-history/pipeline-job-download-rundata-logs.json').entries[0]!) as { name: string };
    const first = (await api.getJob(pipe.name))!;
    const waited = await waitForJob(async () => (await api.getJob(pipe.name))!, first, { sleep: noSleep, timeoutMs: 60_000 });
    expect(waited).toMatchObject({ status: 'Canceled', timedOut: false });
    done();
  });

  it('job cancel of a finished pipeline: the recorded 400 "in terminal status" is nothing left to cancel', async () => {
    const done = scenario(entries('jobs/pipeline-job-serverless-cancel-400.json', 2, 2));
    const api = createWorkspaceApi(arm);
    const name = new URL(loadRecording('jobs/pipeline-job-serverless-cancel-400.json').entries[2]!.RequestUri).pathname.split('/').at(-2)!;
    // The job ended between our read and the cancel: the timeout and post steps must not fail on it.
    await expect(api.cancelJob(name)).resolves.toBeUndefined();
    done(); // the recorded 400 was served (every entry used, no replay miss)
  });

  it("model auto-increment: container 404 → version 1; then the container's nextVersion (2) → version 2", async () => {
    const rec = loadRecording('models/model-create-autoincrement.json').entries;
    const name = (recordedJson(rec[6]!) as { name: string; id: string }).id.split('/models/')[1]!.split('/')[0]!;
    const store = workspaceModelStore(arm, SCOPE.workspace);
    const body = { properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/LocalUpload/x/model.pkl', modelType: 'custom_model' } };
    let done = scenario([rec[5]!, rec[6]!]);
    const v1 = await commitVersion(store, name, body, { contentHash: 'sha256:a', modelType: 'custom_model' });
    expect(v1).toMatchObject({ created: true, version: { name: '1' } });
    done();
    done = scenario([rec[10]!, rec[11]!]);
    const v2 = await commitVersion(store, name, body, { contentHash: 'sha256:b', modelType: 'custom_model' });
    expect(v2).toMatchObject({ created: true, version: { name: '2' } });
    const put = server.requests.filter((r) => r.method === 'PUT').at(-1)!;
    expect(put.path).toMatch(/\/models\/[^/]+\/versions\/2$/);
    done();
  });

  it('registry import (Location-style LRO): POST 202 "null" with Location and no Azure-AsyncOperation → 202 → 204', async () => {
    const rec = loadRecording('models/model-promote-to-registry.json').entries;
    const done = scenario(entries('models/model-promote-to-registry.json', 9, 11));
    const u = new URL(rec[9]!.RequestUri);
    const poller = await arm.beginPost(`${server.baseUrl}/__host/${u.hostname}${u.pathname}`, { assetId: 'azureml:x:1' });
    expect(poller.isDone()).toBe(false);
    await poller.pollUntilDone();
    expect(poller.getOperationState()).toMatchObject({ status: 'succeeded', polls: 2 });
    done();
  });

  it('schedule create: 201 "Creating" with Azure-AsyncOperation → polls Creating, Succeeded → the final GET; then a read', async () => {
    const rec = loadRecording('schedules/schedule-command-job-create-get-disable.json');
    const done = scenario(rec.entries.slice(4, 9));
    const schedules = createSchedulesApi(arm);
    const name = rec.variables.name!;
    const created = await schedules.putSchedule(name, rec.entries[4]!.RequestBody as { properties: Record<string, unknown> });
    expect(created.name).toBe(name);
    expect(created.properties?.provisioningState).toBe('Succeeded');
    expect(server.requests.filter((r) => /mfeOperationsStatus/i.test(r.path)).length).toBeGreaterThanOrEqual(2);
    const read = await schedules.getSchedule(name);
    expect((read?.properties?.trigger as { expression?: string }).expression).toBe('15 10 * * 1');
    // What submit-job sent is still what Azure answers (the service adds its defaults and nulls).
    const sent = JSON.parse(rescopeText(JSON.stringify(rec.entries[4]!.RequestBody), SCOPE)) as { properties: unknown };
    expect(holds(read?.properties, sent.properties)).toBe(true);
    done();
  });

  it("the rollout's traffic step (read, write, read back) against the recorded answers; a name spelled in another case is not taken for someone else's change", async () => {
    const rec = loadRecording(ONLINE).entries;
    // the endpoint as entries 6-7 show it (traffic {}), the SDK's write (133-135), the read-backs (136-137)
    const done = scenario([rec[6]!, rec[7]!, ...entries(ONLINE, 133, 137)]);
    const recorded = recordedJson(rec[137]!) as { name: string; properties: { traffic: Record<string, number> } };
    const deployment = Object.keys(recorded.properties.traffic)[0]!;
    const router = createTrafficRouter(new OnlineEndpoints(arm, { sleep: noSleep }), recorded.name);
    const providers = { router } as unknown as RolloutProviders;
    // The deployment named in upper case by the user: Azure's read-back spells it in lower case.
    const target = { traffic: { [deployment.toUpperCase()]: 100 }, mirror: {} };
    const r = await applyAction({ type: 'setTraffic', target, accept: [{ traffic: {}, mirror: {} }] }, providers, {
      clock: systemClock,
      deadline: Date.now() + 60_000,
    });
    expect(r).toMatchObject({ type: 'setTraffic', ok: true, wrote: true, readBack: { traffic: { [deployment]: 100 } } });
    // what the rollout machine compares after a write (machine.ts: readBack against target)
    expect(trafficStateEquals((r as { readBack: { traffic: Record<string, number>; mirror: Record<string, number> } }).readBack, target)).toBe(true);
    done();
  });
});
