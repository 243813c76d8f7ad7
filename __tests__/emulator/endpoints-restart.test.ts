/**
 * With a folder store (`--state DIR`), a second emulator over the same folder relaunches the
 * deployments the first one served: same endpoint, same keys, same traffic, a new scoring
 * process; closing the emulator stops every scoring process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { arm, startFastEmulator } from './support.js';
import {
  API,
  armWait,
  deploymentPath,
  endpointPath,
  isAlive,
  modelFiles,
  overview,
  registerCode,
  registerEnvironment,
  registerModel,
  score,
  SCORE_PY,
  setTraffic,
  until,
  uploadFolder,
  writeFiles,
} from './endpoints-support.js';

let dir: string | undefined;
let em: RunningEmulator | undefined;

afterAll(async () => {
  await em?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a restart over the same state folder relaunches the deployments with their keys and traffic', async () => {
  dir = await mkdtemp(join(tmpdir(), 'endpoints-restart-'));
  const state = join(dir, 'state');
  em = await startFastEmulator({ stateDir: state });
  const modelId = await registerModel(
    em,
    'rm',
    '1',
    await uploadFolder(em, writeFiles(join(dir, 'model'), modelFiles('m', [2, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0)), 'LocalUpload/rm/model'),
  );
  const codeId = await registerCode(em, 'rc', '1', await uploadFolder(em, writeFiles(join(dir, 'code'), { 'score.py': SCORE_PY }), 'LocalUpload/rc'));
  const envId = await registerEnvironment(em, 're');
  expect((await armWait(em, 'PUT', endpointPath(em, 'durable'), { location: 'eastus', properties: { authMode: 'Key' } })).status).toBe('Succeeded');
  const body = {
    location: 'eastus',
    properties: { endpointComputeType: 'Managed', model: modelId, codeConfiguration: { codeId, scoringScript: 'score.py' }, environmentId: envId },
  };
  expect((await armWait(em, 'PUT', deploymentPath(em, 'durable', 'blue'), body)).status).toBe('Succeeded');
  expect((await setTraffic(em, 'durable', { blue: 100 })).status).toBe('Succeeded');
  const key = (await arm<{ primaryKey: string }>(em, 'POST', `${endpointPath(em, 'durable')}/listKeys`, undefined, { apiVersion: API })).body.primaryKey;
  const request = { data: [[21, 0, 0, 0, 0, 0, 0, 0, 0, 0]] };
  expect((await score(`${em.baseUrl}/inference/durable/score`, key, request)).body).toEqual([42]);
  const firstPid = (await overview(em, 'durable')).deployments[0]!.pid!;
  await em.close();
  expect(isAlive(firstPid)).toBe(false);

  em = await startFastEmulator({ stateDir: state });
  const ready = await until(
    async () => {
      const d = (await overview(em!, 'durable')).deployments[0];
      return d?.ready ? d : undefined;
    },
    15_000,
    'blue to be relaunched',
  );
  expect(ready.pid).not.toBe(firstPid);
  const got = await arm<{ properties: Record<string, unknown> }>(em, 'GET', deploymentPath(em, 'durable', 'blue'), undefined, { apiVersion: API });
  expect(got.body.properties.provisioningState).toBe('Succeeded');
  const answer = await score(`${em.baseUrl}/inference/durable/score`, key, request);
  expect(answer.status).toBe(200);
  expect(answer.deployment).toBe('blue');
  expect(answer.body).toEqual([42]);
  const pid = ready.pid!;
  await em.close();
  em = undefined;
  expect(isAlive(pid)).toBe(false);
});
