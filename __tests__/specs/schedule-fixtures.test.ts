/**
 * The schedule specs of Azure/azureml-examples `cli/schedules` translate to Schedule bodies valid
 * against the official 2024-10-01 schema (strict); bad schedules are refused by name with their
 * file and line; the next run times follow the trigger in its time zone.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { SpecDocument } from '../../src/specs/document.js';
import type { AssetResolver } from '../../src/specs/job/index.js';
import { isScheduleSpec, planSchedule } from '../../src/specs/schedule.js';
import { nextRunTimes, parseCron, type WireTrigger } from '../../src/specs/schedule-times.js';
import { nextTriggerTime } from '../../src/emulator/arm/schedule-times.js';
import { repoRoot } from '../harness/index.js';
import { describeErrors, haveSharedFixtures, validatorFor } from '../helpers/swagger.js';

const WS = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const resolver: AssetResolver = { resolveLabel: async () => '7' };
const fixtures = join(repoRoot, '__tests__', 'fixtures', 'azureml-examples', 'schedules');

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aml-schedules-'));
  cpSync(fixtures, dir, { recursive: true });
  return dir;
}

async function plan(dir: string, file: string) {
  const doc = SpecDocument.load(join(dir, file), file, 'job-file');
  return planSchedule(doc, join(dir, file), doc.value, { workspaceId: WS, resolver });
}

async function refusal(dir: string, file: string, text: string): Promise<ConfigurationError> {
  writeFileSync(join(dir, file), text);
  const err = await plan(dir, file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigurationError);
  return err as ConfigurationError;
}

describe.skipIf(!haveSharedFixtures)('azureml-examples schedules → ARM Schedule (2024-10-01 schema)', () => {
  const dir = workdir();

  for (const file of ['cron-job-schedule.yml', 'cron-with-settings-job-schedule.yml', 'recurrence-job-schedule.yml']) {
    it(file, async () => {
      const p = await plan(dir, file);
      expect(isScheduleSpec(SpecDocument.load(join(dir, file), file).value)).toBe(true);
      const v = validatorFor('ScheduleResource', 'Schedule');
      expect(v(p.body), describeErrors(v)).toBe(true);
      const props = p.body.properties as Record<string, any>;
      expect(props.action.actionType).toBe('CreateJob');
      expect(props.action.jobDefinition.jobType).toBe('Pipeline');
      expect(props.trigger.timeZone).toBe('Pacific Standard Time');
      expect(p.job.assets.some((a) => a.kind === 'components')).toBe(true);
      const vj = validatorFor('JobBaseResource', 'PipelineJob');
      expect(vj({ properties: props.action.jobDefinition }), describeErrors(vj)).toBe(true);
    });
  }

  it('cron: the trigger and the job as the recording sends them', async () => {
    const props = (await plan(dir, 'cron-job-schedule.yml')).body.properties as Record<string, any>;
    expect(props.trigger).toEqual({ triggerType: 'Cron', expression: '0 * * * *', startTime: '2022-07-10T10:00:00', timeZone: 'Pacific Standard Time' });
    expect(props.displayName).toBe('Simple cron job schedule');
    expect(props.tags).toEqual({});
  });

  it('recurrence: frequency, interval and the pattern', async () => {
    const props = (await plan(dir, 'recurrence-job-schedule.yml')).body.properties as Record<string, any>;
    expect(props.trigger).toMatchObject({
      triggerType: 'Recurrence',
      frequency: 'Day',
      interval: 1,
      schedule: { hours: [4, 5, 10, 11, 12], minutes: [0, 30] },
    });
  });

  it('create_job with job: overrides replace the job file’s top-level keys (settings, inputs, tags)', async () => {
    const job = ((await plan(dir, 'cron-with-settings-job-schedule.yml')).body.properties as Record<string, any>).action.jobDefinition;
    expect(job.settings).toMatchObject({ continue_on_step_failure: true });
    expect(job.tags).toEqual({ schedule: 'cron_with_settings_schedule' });
    expect(job.inputs.hello_string_top_level_input).toEqual({ jobInputType: 'literal', value: '${{name}}' });
    expect(job.computeId).toBe(`${WS}/computes/cpu-cluster`);
  });

  it('an inline job and azureml:<job>', async () => {
    writeFileSync(
      join(dir, 'inline.yml'),
      'name: nightly\ntrigger:\n  type: recurrence\n  frequency: week\n  interval: 1\n  schedule:\n    hours: 3\n    minutes: 0\n    week_days: [monday, friday]\ncreate_job:\n  type: command\n  command: echo hi\n  environment: azureml:AzureML-sklearn-1.5:1\n  compute: azureml:cpu-cluster\n',
    );
    const p = await plan(dir, 'inline.yml');
    const v = validatorFor('ScheduleResource', 'Schedule');
    expect(v(p.body), describeErrors(v)).toBe(true);
    const props = p.body.properties as Record<string, any>;
    expect(props.trigger.schedule).toEqual({ hours: [3], minutes: [0], weekDays: ['Monday', 'Friday'] });
    expect(props.action.jobDefinition).toMatchObject({ jobType: 'Command', command: 'echo hi' });
    writeFileSync(join(dir, 'remote.yml'), 'name: again\ntrigger:\n  type: cron\n  expression: "0 3 * * *"\ncreate_job: azureml:my-pipeline-job\n');
    const remote = await plan(dir, 'remote.yml');
    expect(v(remote.body), describeErrors(v)).toBe(true);
    expect((remote.body.properties as Record<string, any>).action.jobDefinition).toEqual({
      jobType: 'Pipeline',
      sourceJobId: `${WS}/jobs/my-pipeline-job`,
      experimentName: '',
    });
  });

  it('refuses a bad cron expression at its line', async () => {
    const err = await refusal(dir, 'bad-cron.yml', 'name: s\ntrigger:\n  type: cron\n  expression: "0 25 * * *"\ncreate_job: ./simple-pipeline-job.yml\n');
    expect(err.message).toMatch(
      /bad-cron\.yml:4:\d+: 'trigger\.expression' '0 25 \* \* \*' is not a cron expression: 25 in the hours field is out of range 0-23/,
    );
    const four = await refusal(dir, 'bad-cron2.yml', 'name: s\ntrigger:\n  type: cron\n  expression: "0 * * *"\ncreate_job: ./simple-pipeline-job.yml\n');
    expect(four.message).toMatch(/five fields/);
  });

  it('refuses an unknown field by name', async () => {
    const err = await refusal(
      dir,
      'unknown.yml',
      'name: s\ntrigger:\n  type: cron\n  expression: "0 * * * *"\n  timezone: UTC\ncreate_job: ./simple-pipeline-job.yml\n',
    );
    expect(err.message).toMatch(/unknown\.yml:5:3: 'trigger\.timezone' is not a field of a cron trigger .*did you mean 'time_zone'/);
    const top = await refusal(
      dir,
      'unknown2.yml',
      'name: s\nschedule_name: x\ntrigger:\n  type: cron\n  expression: "0 * * * *"\ncreate_job: ./simple-pipeline-job.yml\n',
    );
    expect(top.line).toBe(2);
    const override = await refusal(
      dir,
      'unknown3.yml',
      'name: s\ntrigger:\n  type: cron\n  expression: "0 * * * *"\ncreate_job:\n  type: pipeline\n  job: ./simple-pipeline-job.yml\n  display_name: x\n',
    );
    expect(override.message).toMatch(/unknown3\.yml:8:3: 'create_job\.display_name' is not a field/);
  });

  it('refuses a schedule without create_job, a bad time zone, a pattern on minutes', async () => {
    const err = await refusal(dir, 'nojob.yml', 'name: s\ntrigger:\n  type: cron\n  expression: "0 * * * *"\n');
    expect(err.message).toMatch(/needs 'create_job'/);
    const tz = await refusal(
      dir,
      'tz.yml',
      'name: s\ntrigger:\n  type: cron\n  expression: "0 * * * *"\n  time_zone: Pacific Standard Tim\ncreate_job: ./simple-pipeline-job.yml\n',
    );
    expect(tz.message).toMatch(/tz\.yml:5:\d+: .*not a time zone.*did you mean 'Pacific Standard Time'/);
    const pat = await refusal(
      dir,
      'pat.yml',
      'name: s\ntrigger:\n  type: recurrence\n  frequency: minute\n  interval: 5\n  schedule:\n    hours: 1\n    minutes: 0\ncreate_job: ./simple-pipeline-job.yml\n',
    );
    expect(pat.line).toBe(6);
    const missing = await refusal(dir, 'missing.yml', 'name: s\ntrigger:\n  type: cron\n  expression: "0 * * * *"\ncreate_job: ./nope.yml\n');
    expect(missing.message).toMatch(/missing\.yml:5:\d+: 'create_job' job file '\.\/nope\.yml' does not exist/);
  });

  it('an error in an overridden field points into the schedule file, one in the job file into the job file', async () => {
    const err = await refusal(
      dir,
      'badin.yml',
      'name: s\ntrigger:\n  type: cron\n  expression: "0 * * * *"\ncreate_job:\n  type: pipeline\n  job: ./simple-pipeline-job.yml\n  compute: 42x:<my-compute>\n',
    );
    expect(err.file).toBe('badin.yml');
    expect(err.line).toBe(8);
  });
});

describe('next run times', () => {
  const at = (s: string) => new Date(s);
  it('cron in a time zone with daylight saving', () => {
    const runs = nextRunTimes(
      { triggerType: 'Cron', expression: '30 9 * * 1-5', timeZone: 'W. Europe Standard Time', startTime: '2026-01-01T00:00:00' },
      { after: at('2026-03-27T12:00:00Z'), createdAt: at('2026-01-01T00:00:00Z'), count: 2 },
    );
    // Friday 27 March 09:30 CET has passed; Monday 30 March is CEST (UTC+2).
    expect(runs.map((d) => d.toISOString())).toEqual(['2026-03-30T07:30:00.000Z', '2026-03-31T07:30:00.000Z']);
  });

  it('days and months of a cron expression are ignored, as Azure ML does', () => {
    expect(parseCron('0 12 1 1 *').days).toBe('1');
    const runs = nextRunTimes(
      { triggerType: 'Cron', expression: '0 12 1 1 *', timeZone: 'UTC' },
      { after: at('2026-05-05T00:00:00Z'), createdAt: at('2026-05-05T00:00:00Z'), count: 2 },
    );
    expect(runs.map((d) => d.toISOString())).toEqual(['2026-05-05T12:00:00.000Z', '2026-05-06T12:00:00.000Z']);
  });

  it('recurrence every 2 hours from the start; without a start the first job runs at creation', () => {
    const created = at('2026-05-05T10:07:00Z');
    const runs = nextRunTimes(
      { triggerType: 'Recurrence', frequency: 'Hour', interval: 2, timeZone: 'UTC' },
      { after: new Date(created.getTime() - 1), createdAt: created, count: 3 },
    );
    expect(runs.map((d) => d.toISOString())).toEqual(['2026-05-05T10:07:00.000Z', '2026-05-05T12:07:00.000Z', '2026-05-05T14:07:00.000Z']);
  });

  it('monthly on the 31st skips short months; the end time stops the runs', () => {
    const runs = nextRunTimes(
      {
        triggerType: 'Recurrence',
        frequency: 'Month',
        interval: 1,
        schedule: { hours: [6], minutes: [0], monthDays: [31] },
        startTime: '2026-01-01T00:00:00',
        endTime: '2026-08-01T00:00:00',
        timeZone: 'UTC',
      },
      { after: at('2026-01-01T00:00:00Z'), createdAt: at('2026-01-01T00:00:00Z'), count: 10 },
    );
    expect(runs.map((d) => d.toISOString().slice(0, 10))).toEqual(['2026-01-31', '2026-03-31', '2026-05-31', '2026-07-31']);
  });
});

describe("the actions' next run times agree with the emulator's own (written apart)", () => {
  const triggers: WireTrigger[] = [
    { triggerType: 'Cron', expression: '0 * * * *', startTime: '2022-07-10T10:00:00', timeZone: 'Pacific Standard Time' },
    { triggerType: 'Cron', expression: '*/20 9-17 * * mon-fri', timeZone: 'W. Europe Standard Time' },
    { triggerType: 'Cron', expression: '45 2 * * 0', startTime: '2026-03-01T00:00:00', timeZone: 'Eastern Standard Time' },
    { triggerType: 'Cron', expression: '30 4 * * *', timeZone: 'India Standard Time', endTime: '2026-03-15T00:00:00' },
    {
      triggerType: 'Recurrence',
      frequency: 'Day',
      interval: 1,
      schedule: { hours: [4, 5, 10, 11, 12], minutes: [0, 30] },
      startTime: '2022-07-10T10:00:00',
      timeZone: 'Pacific Standard Time',
    },
    {
      triggerType: 'Recurrence',
      frequency: 'Day',
      interval: 3,
      schedule: { hours: [], minutes: [] },
      startTime: '2026-02-27T07:45:00',
      timeZone: 'AUS Eastern Standard Time',
    },
    {
      triggerType: 'Recurrence',
      frequency: 'Week',
      interval: 2,
      schedule: { hours: [9], minutes: [0, 30], weekDays: ['Monday', 'Thursday'] },
      startTime: '2026-01-01T00:00:00',
      timeZone: 'UTC',
    },
    {
      triggerType: 'Recurrence',
      frequency: 'Month',
      interval: 1,
      schedule: { hours: [6], minutes: [0], monthDays: [1, 15, 31] },
      startTime: '2026-01-01T00:00:00',
      timeZone: 'GMT Standard Time',
    },
    { triggerType: 'Recurrence', frequency: 'Hour', interval: 5, startTime: '2026-03-01T01:10:00', timeZone: 'Tokyo Standard Time' },
    { triggerType: 'Recurrence', frequency: 'Minute', interval: 45, timeZone: 'UTC' },
  ];
  const created = new Date('2026-03-01T08:07:00Z');
  for (const t of triggers) {
    it(`${t.triggerType} ${t.expression ?? `${t.frequency}/${t.interval}`} in ${t.timeZone}`, () => {
      const after = new Date('2026-03-05T13:13:00Z');
      const ours = nextRunTimes(t, { after, createdAt: created, count: 8 }).map((d) => d.getTime());
      const theirs: number[] = [];
      let from = after.getTime();
      while (theirs.length < 8) {
        const next = nextTriggerTime(t, from, created.getTime());
        if (next === undefined) break;
        theirs.push(next);
        from = next;
      }
      expect(ours.map((x) => new Date(x).toISOString())).toEqual(theirs.map((x) => new Date(x).toISOString()));
      expect(ours.length).toBeGreaterThan(0);
    });
  }
});
