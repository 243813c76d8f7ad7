/**
 * The job-duration estimate against the emulator's workspace tracking service, which answers MLflow
 * searches as Azure ML does: `attributes.status` in a filter is refused (issue 12, defect 7), so
 * the estimate searches by the job-file tag only and keeps the FINISHED runs itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { estimateJobEnd, JOB_FILE_TAG, pastRunsFilter } from '../../src/jobs/estimate.js';
import { createMlflowClient } from '../../src/metrics/mlflow.js';
import { startGateEmulator, workspacePath } from '../metrics/gate-emulator.js';

let emu: RunningEmulator;
let tracking: string;
let experimentId: string;
let me: string;
const key = 'octo/repo:jobs/train.yml';

async function mlflow(path: string, body: unknown): Promise<any> {
  const res = await fetch(`${tracking}/api/2.0/mlflow/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emu.issueToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  emu = await startGateEmulator();
  tracking = `${emu.baseUrl}/mlflow/v1.0${workspacePath(emu)}`;
  experimentId = (await mlflow('experiments/create', { name: 'estimate' })).body.experiment_id as string;
  // earlier runs of the same job file: three finished (60 s, 62 s, 64 s), one failed early, one still running
  const runs: Array<[string, number, number | undefined, string]> = [
    ['old-1', 1_000, 61_000, 'FINISHED'],
    ['old-2', 100_000, 162_000, 'FINISHED'],
    ['old-3', 200_000, 264_000, 'FINISHED'],
    ['crashed', 300_000, 302_000, 'FAILED'],
    ['other', 400_000, undefined, 'RUNNING'],
    ['me', 500_000, undefined, 'RUNNING'],
  ];
  for (const [name, start, end, status] of runs) {
    const run = await mlflow('runs/create', { experiment_id: experimentId, run_name: name, start_time: start, tags: [{ key: JOB_FILE_TAG, value: key }] });
    const id = run.body.run.info.run_id as string;
    if (name === 'me') me = id;
    if (status !== 'RUNNING') await mlflow('runs/update', { run_id: id, status, end_time: end });
  }
}, 60_000);

afterAll(async () => {
  await emu?.close();
});

describe('job duration estimate on Azure ML semantics (emulator)', () => {
  it('the workspace service refuses the status filter the old estimate used, as Azure ML does', async () => {
    const res = await mlflow('runs/search', { experiment_ids: [experimentId], filter: `${pastRunsFilter(key)} and attributes.status = 'FINISHED'` });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('estimates from the finished runs only, through the real MLflow client', async () => {
    const client = createMlflowClient({ trackingUri: tracking, auth: { kind: 'bearer', token: async () => emu.issueToken() } });
    const found = await estimateJobEnd(client, me, key, 1_000_000);
    // 60, 62 and 64 s: median 62 s, spread 2 s; the failed 2-s run and the running ones are left out
    expect(found?.basis).toEqual({ medianMs: 62_000, spreadMs: 2000, samples: 3 });
    expect(found?.estimate.endAt).toBe(1_062_000);
  });
});
