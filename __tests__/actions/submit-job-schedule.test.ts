/**
 * submit-job with a schedule YAML (`az ml schedule create -f`), run as the runner runs it (dist
 * bundle) against the emulator: a dry run lists the requests, a first run creates the schedule
 * (which starts its job at once, having no start time), the same YAML again changes nothing,
 * `schedule-enabled: false` disables it.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { repoRoot, runAction } from '../harness/index.js';
import { armGet, emulatorEnv, startTestEmulator, workspaceWithExamples } from './support.js';

let em: RunningEmulator;
let ws: string;

beforeAll(async () => {
  em = await startTestEmulator();
  ws = workspaceWithExamples();
  cpSync(join(repoRoot, '__tests__', 'fixtures', 'azureml-examples', 'schedules'), join(ws, 'schedules'), { recursive: true });
  mkdirSync(join(ws, 'retrain', 'src'), { recursive: true });
  writeFileSync(join(ws, 'retrain', 'src', 'train.py'), 'print("retrained")\n');
  writeFileSync(
    join(ws, 'retrain', 'job.yml'),
    [
      'command: python train.py',
      'code: ./src',
      'environment: azureml:AzureML-sklearn-1.5@latest',
      'compute: azureml:cpu-cluster',
      'experiment_name: retrain',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(ws, 'retrain', 'schedule.yml'),
    [
      '$schema: https://azuremlschemas.azureedge.net/latest/schedule.schema.json',
      'name: weekly_retrain',
      'display_name: weekly retrain',
      'description: retrain every Monday',
      'trigger:',
      '  type: cron',
      '  expression: "15 10 * * 1"',
      '  time_zone: W. Europe Standard Time',
      'create_job: ./job.yml',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await em?.close();
});

function submit(inputs: Record<string, string>, runId: string) {
  return runAction({ action: 'submit-job', inputs, env: emulatorEnv(em), workspace: ws, runId, timeoutMs: 90_000 });
}

describe('submit-job with a schedule YAML', () => {
  it('dry run: the requests, the next run times, nothing sent', async () => {
    const r = await submit({ 'job-file': 'schedules/cron-job-schedule.yml', 'dry-run': 'true' }, '7001');
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs.status).toBe('DryRun');
    expect(r.outputs['schedule-name']).toBe('simple_cron_job_schedule');
    const requests = JSON.parse(r.outputs.requests!) as Array<{ method?: string; url?: string; body?: { properties: Record<string, any> } }>;
    const put = requests.find((q) => q.method === 'PUT' && q.url?.includes('/schedules/simple_cron_job_schedule'));
    expect(put?.body?.properties.trigger).toMatchObject({ triggerType: 'Cron', expression: '0 * * * *', timeZone: 'Pacific Standard Time' });
    const runs = JSON.parse(r.outputs['schedule-next-runs']!) as string[];
    expect(runs).toHaveLength(5);
    expect(new Date(runs[1]!).getTime() - new Date(runs[0]!).getTime()).toBe(3_600_000);
    expect((await armGet(em, 'schedules/simple_cron_job_schedule')).status).toBe(404);
  });

  it('creates the schedule once; the same YAML again is unchanged; schedule-enabled: false disables it', async () => {
    const first = await submit({ 'job-file': 'retrain/schedule.yml' }, '7101');
    expect(first.main.exitCode, first.main.log).toBe(0);
    expect(first.outputs['schedule-status']).toBe('created');
    expect(first.outputs.status).toBe('Scheduled');
    expect(first.main.log).toMatch(/Uploading code: 1 files/);
    const runs = JSON.parse(first.outputs['schedule-next-runs']!) as string[];
    // No start time: the first job runs at creation, then Mondays 10:15 in Berlin.
    expect(runs).toHaveLength(5);
    expect(runs.slice(1).every((t) => new Date(t).getUTCDay() === 1)).toBe(true);
    const s = await armGet<{ properties: Record<string, any> }>(em, 'schedules/weekly_retrain');
    expect(s.status).toBe(200);
    expect(s.body.properties.isEnabled).toBe(true);
    expect(s.body.properties.action.jobDefinition.tags['azureml-actions.job_file']).toBe('octo-org/ml-repo:retrain/schedule.yml');

    // The schedule really starts its job (at once: no start time).
    const until = Date.now() + 20_000;
    let jobs: Array<{ name: string; properties: Record<string, any> }> = [];
    while (Date.now() < until && jobs.length === 0) {
      jobs = (await armGet<{ value: typeof jobs }>(em, 'jobs?scheduleId=weekly_retrain')).body.value;
      if (jobs.length === 0) await new Promise((res) => setTimeout(res, 200));
    }
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.properties.displayName).toMatch(/^weekly_retrain-\d{8}T\d{6}Z$/);
    expect(jobs[0]!.properties.experimentName).toBe('retrain');

    const again = await submit({ 'job-file': 'retrain/schedule.yml' }, '7102');
    expect(again.main.exitCode, again.main.log).toBe(0);
    expect(again.outputs['schedule-status']).toBe('unchanged');
    expect(again.main.log).toMatch(/unchanged, nothing sent/);
    expect(again.main.log).not.toMatch(/Uploading/);
    const list = await armGet<{ value: Array<{ name: string }> }>(em, 'schedules?listViewType=All');
    expect(list.body.value.filter((x) => x.name === 'weekly_retrain')).toHaveLength(1);

    // pr-summary reports the schedule from the run ledger: trigger, next runs, what changed.
    const report = await runAction({ action: 'pr-summary', inputs: { 'github-token': '' }, runnerTemp: first.runnerTemp, timeoutMs: 60_000 });
    expect(report.main.exitCode, report.main.log).toBe(0);
    expect(report.summary).toContain('### ⏰ Schedules');
    expect(report.summary).toMatch(
      /\| <code>weekly&#95;retrain<\/code> \| command<br><sub><code>retrain\/schedule\.yml<\/code><\/sub> \| cron 15 10 &#42; &#42; 1 &#40;W\. Europe Standard Time&#41; \| \d{4}-\d\d-\d\d \d\d:\d\dZ<br>\d{4}-\d\d-\d\d \d\d:15Z<br>[^|]+ \| 🆕 created \|/,
    );
    expect(report.summary).toContain('**Schedule** ⏰ <code>weekly&#95;retrain</code>');

    const off = await submit({ 'job-file': 'retrain/schedule.yml', 'schedule-enabled': 'false' }, '7103');
    expect(off.main.exitCode, off.main.log).toBe(0);
    expect(off.outputs['schedule-status']).toBe('updated');
    expect(off.outputs.status).toBe('ScheduleDisabled');
    expect(JSON.parse(off.outputs['schedule-next-runs']!)).toEqual([]);
    expect((await armGet<{ properties: { isEnabled: boolean } }>(em, 'schedules/weekly_retrain')).body.properties.isEnabled).toBe(false);
  }, 120_000);

  it('refuses a bad schedule at its line, and job-only inputs by name', async () => {
    writeFileSync(join(ws, 'retrain', 'bad.yml'), 'name: bad\ntrigger:\n  type: cron\n  expression: "0 0 * *"\ncreate_job: ./job.yml\n');
    const bad = await submit({ 'job-file': 'retrain/bad.yml' }, '7201');
    expect(bad.main.exitCode).not.toBe(0);
    expect(bad.main.log).toMatch(/::error .*file=retrain\/bad\.yml,line=4,.*five fields/);
    const input = await submit({ 'job-file': 'retrain/schedule.yml', 'experiment-name': 'x' }, '7202');
    expect(input.main.exitCode).not.toBe(0);
    expect(input.main.log).toMatch(/Input 'experiment-name' applies to a job file/);
  });
});
