/**
 * Schedules in the emulator: a schedule PUT twice exists once; with its clock run ahead, an
 * enabled schedule really creates (and runs) its job at each trigger time — listed under the
 * schedule, named and resolved as Azure does — a schedule without a start time runs at once, a
 * disabled one runs nothing, and only a disabled schedule can be deleted.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { arm, startFastEmulator, wsPath } from './support.js';

let em: RunningEmulator;
/** How far the emulator's schedule clock runs ahead of the real one. */
let offset = 0;
const HOUR = 3_600_000;

beforeAll(async () => {
  em = await startFastEmulator({ schedules: { clock: { now: () => new Date(Date.now() + offset) }, tickMs: 25 } });
}, 60_000);

afterAll(async () => {
  await em?.close();
});

function schedule(o: { isEnabled?: boolean; startTime?: string; expression?: string } = {}) {
  const ws = wsPath(em);
  return {
    properties: {
      description: 'hourly retrain',
      displayName: 'hourly',
      ...(o.isEnabled !== undefined ? { isEnabled: o.isEnabled } : {}),
      trigger: { triggerType: 'Cron', expression: o.expression ?? '30 * * * *', timeZone: 'UTC', ...(o.startTime ? { startTime: o.startTime } : {}) },
      action: {
        actionType: 'CreateJob',
        jobDefinition: {
          jobType: 'Command',
          command: 'echo "triggered at ${{inputs.when}}"',
          environmentId: 'azureml:AzureML-sklearn-1.5:1',
          computeId: `${ws}/computes/cpu-cluster`,
          inputs: { when: { jobInputType: 'literal', value: '${{creation_context.trigger_time}}' } },
          tags: { team: 'ml' },
        },
      },
    },
  };
}

async function waitFor<T>(what: string, f: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`timed out waiting for ${what}`);
}

type Job = { name: string; properties: Record<string, any> };

async function jobsOf(name: string): Promise<Job[]> {
  const r = await arm<{ value: Job[] }>(em, 'GET', `${wsPath(em)}/jobs`, undefined, { query: { scheduleId: name } });
  return r.body.value;
}

async function succeeded(name: string): Promise<void> {
  await waitFor(`schedule ${name}`, async () => {
    const r = await arm<{ properties: { provisioningState: string } }>(em, 'GET', `${wsPath(em)}/schedules/${name}`);
    return r.body.properties.provisioningState === 'Succeeded' ? true : undefined;
  });
}

/** The next hh:30 UTC after the schedule clock's now. */
function nextHalfHour(): number {
  const now = Date.now() + offset;
  const t = Math.floor(now / HOUR) * HOUR + HOUR / 2;
  return t > now ? t : t + HOUR;
}

describe('emulator schedules', () => {
  it('a schedule PUT twice exists once (201 + Creating each time, then Succeeded)', async () => {
    const body = schedule({ startTime: '2020-01-01T00:00:00', isEnabled: false });
    for (let i = 0; i < 2; i++) {
      const r = await arm<{ properties: Record<string, unknown> }>(em, 'PUT', `${wsPath(em)}/schedules/twice`, body);
      expect(r.status).toBe(201);
      expect(r.body.properties.provisioningState).toBe('Creating');
      expect(r.headers.get('azure-asyncoperation')).toMatch(/mfeOperationsStatus/);
      expect(r.headers.get('location')).toMatch(/\/schedules\/twice\?api-version=/);
    }
    await succeeded('twice');
    const list = await arm<{ value: Array<{ name: string }> }>(em, 'GET', `${wsPath(em)}/schedules`, undefined, { query: { listViewType: 'All' } });
    expect(list.body.value.filter((s) => s.name === 'twice')).toHaveLength(1);
    const enabledOnly = await arm<{ value: Array<{ name: string }> }>(em, 'GET', `${wsPath(em)}/schedules`);
    expect(enabledOnly.body.value.map((s) => s.name)).not.toContain('twice');
  });

  it('starts its job at each trigger time of a fast clock; a disabled one starts none', async () => {
    await arm(em, 'PUT', `${wsPath(em)}/schedules/hourly`, schedule({ startTime: '2020-01-01T00:00:00' }));
    await arm(em, 'PUT', `${wsPath(em)}/schedules/paused`, schedule({ startTime: '2020-01-01T00:00:00', isEnabled: false }));
    await succeeded('hourly');
    await succeeded('paused');
    expect(await jobsOf('hourly')).toHaveLength(0);
    const first = nextHalfHour();
    offset += first - (Date.now() + offset) + 1000;
    const [job] = await waitFor('the first scheduled job', async () => ((await jobsOf('hourly')).length === 1 ? jobsOf('hourly') : undefined));
    const stamp = new Date(first)
      .toISOString()
      .replace(/\.\d+Z$/, 'Z')
      .replace(/[-:]/g, '');
    expect(job!.name).toBe(`hourly-${stamp}`);
    expect(job!.properties.displayName).toBe(`hourly-${stamp}`);
    expect(job!.properties.experimentName).toBe('hourly');
    expect(job!.properties.tags).toEqual({ team: 'ml' });
    expect(job!.properties.inputs.when.value).toBe(new Date(first).toISOString());
    // The job really runs.
    await waitFor('the scheduled job to complete', async () => {
      const r = await arm<Job>(em, 'GET', `${wsPath(em)}/jobs/${job!.name}`);
      return r.body.properties.status === 'Completed' ? true : undefined;
    });
    offset += HOUR;
    await waitFor('the second scheduled job', async () => ((await jobsOf('hourly')).length === 2 ? true : undefined));
    expect(await jobsOf('paused')).toHaveLength(0);
    const scheduled = await arm<{ value: Job[] }>(em, 'GET', `${wsPath(em)}/jobs`, undefined, { query: { scheduled: 'true' } });
    expect(scheduled.body.value.map((j) => j.name).sort()).toEqual((await jobsOf('hourly')).map((j) => j.name).sort());
    // Only a disabled schedule can be deleted.
    expect((await arm(em, 'DELETE', `${wsPath(em)}/schedules/hourly`)).status).toBe(400);
    expect((await arm(em, 'DELETE', `${wsPath(em)}/schedules/paused`)).status).toBe(202);
    await waitFor('the delete', async () => ((await arm(em, 'GET', `${wsPath(em)}/schedules/paused`)).status === 404 ? true : undefined));
  }, 90_000);

  it('without a start time the first job runs at once; disabling stops it', async () => {
    await arm(em, 'PUT', `${wsPath(em)}/schedules/atonce`, schedule({ expression: '0 3 * * 0' }));
    await waitFor('the job at creation', async () => ((await jobsOf('atonce')).length === 1 ? true : undefined));
    await arm(em, 'PUT', `${wsPath(em)}/schedules/atonce`, schedule({ expression: '0 3 * * 0', isEnabled: false }));
    await succeeded('atonce');
    offset += 8 * 24 * HOUR;
    await new Promise((r) => setTimeout(r, 300));
    expect(await jobsOf('atonce')).toHaveLength(1);
  });

  it('refuses a bad trigger as the service would', async () => {
    const bad = schedule();
    (bad.properties.trigger as Record<string, unknown>).expression = '61 * * * *';
    const r = await arm<{ error: { code: string; message: string } }>(em, 'PUT', `${wsPath(em)}/schedules/bad`, bad);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/cron expression/);
  });
});

describe('emulator schedules across a restart', () => {
  it('a schedule kept in --state starts its job after the emulator restarts', async () => {
    const state = mkdtempSync(join(tmpdir(), 'aml-sched-state-'));
    let ahead = 0;
    const clock = { now: () => new Date(Date.now() + ahead) };
    let first: RunningEmulator | undefined = await startFastEmulator({ stateDir: state, schedules: { clock, tickMs: 25 } });
    try {
      const saved = em;
      em = first;
      await arm(em, 'PUT', `${wsPath(em)}/schedules/kept`, schedule({ startTime: '2020-01-01T00:00:00' }));
      await succeeded('kept');
      expect(await jobsOf('kept')).toHaveLength(0);
      await first.close();
      first = await startFastEmulator({ stateDir: state, schedules: { clock, tickMs: 25 } });
      em = first;
      const half = Math.floor(Date.now() / HOUR) * HOUR + HOUR / 2;
      ahead = (half > Date.now() ? half : half + HOUR) - Date.now() + 1000;
      await waitFor('the job after the restart', async () => ((await jobsOf('kept')).length === 1 ? true : undefined));
      em = saved;
    } finally {
      await first?.close();
    }
  }, 120_000);
});
