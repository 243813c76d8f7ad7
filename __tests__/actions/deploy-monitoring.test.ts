/**
 * deploy with `data_collector` and `monitor-file`, run as the runner runs it (dist bundle) against
 * the emulator: the collections' data assets are registered before the deployment and named in
 * its body; after the promotion the monitor schedule is created for the deployment promoted, and a
 * second rollout retargets the same schedule (still one). A monitor file that targets another
 * endpoint, is no monitor, or whose name belongs to a job schedule is refused before any change.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { arm, wsPath } from '../emulator/support.js';
import { API, deploymentPath } from '../emulator/endpoints-support.js';
import { readLedger } from '../../src/core/ledger.js';
import {
  armRequestsSince,
  BLUE,
  deploy,
  endpointState,
  logMark,
  logs,
  mutations,
  QUICK,
  sampleWorkspace,
  setupEndpoint,
  startDeployEmulator,
  writeDeploymentYaml,
  type Json,
} from './deploy-support.js';

let em: RunningEmulator;
let ws: string;
const EP = 'ep-monitored';

const COLLECTOR = ['data_collector:', '  collections:', '    model_inputs:', '      enabled: "true"', '    model_outputs:', '      enabled: "true"'];

/** Like azureml-examples cli/monitoring/out-of-box-monitoring.yaml, aimed at this endpoint (deploy sets the deployment). */
const monitorYaml = (endpoint: string) =>
  [
    'name: credit_default_model_monitoring',
    'display_name: Credit default model monitoring',
    'trigger:',
    '  type: recurrence',
    '  frequency: day',
    '  interval: 1',
    '  schedule:',
    '    hours: 3',
    '    minutes: 15',
    'create_monitor:',
    '  compute:',
    '    instance_type: standard_e4s_v3',
    '    runtime_version: "3.4"',
    '  monitoring_target:',
    '    ml_task: regression',
    `    endpoint_deployment_id: azureml:${endpoint}:blue`,
    '  alert_notification:',
    '    emails:',
    '      - abc@example.com',
    '',
  ].join('\n');

function write(rel: string, text: string): string {
  const p = join(ws, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  return rel;
}

beforeAll(async () => {
  em = await startDeployEmulator();
  ws = sampleWorkspace();
  await setupEndpoint(em, ws, EP, [{ name: 'blue', model: BLUE }], { blue: 100 });
});
afterAll(async () => {
  await em?.close();
});

async function schedule(name: string) {
  return arm<Json>(em, 'GET', `${wsPath(em)}/schedules/${name}`, undefined, { apiVersion: API });
}

describe('deploy: a monitor file that cannot be applied is refused before anything changes', () => {
  const green = () => writeDeploymentYaml(ws, 'green-refused.yml', { name: 'green', endpoint: EP, extra: COLLECTOR });

  async function refused(monitorFile: string) {
    const mark = await logMark(em);
    const run = await deploy({ em, workspace: ws }, { ...QUICK, endpoint: EP, 'deployment-file': green(), 'monitor-file': monitorFile }, { timeoutMs: 30_000 });
    expect(run.main.exitCode, logs(run)).toBe(1);
    const errors = run.main.annotations.filter((a) => a.level === 'error');
    expect(errors, logs(run)).toHaveLength(1);
    expect(errors[0]!.properties.title).toBe('deploy: configuration error');
    expect(mutations(await armRequestsSince(em, mark)), 'no mutating ARM request').toEqual([]);
    const state = await endpointState(em, EP);
    expect(state.traffic).toEqual({ blue: 100 });
    expect(state.deployments.map((d) => d.name)).toEqual(['blue']);
    return errors[0]!;
  }

  it('a monitor of another endpoint: its file and line', async () => {
    const file = write('monitoring/other.yaml', monitorYaml('credit-default'));
    const error = await refused(file);
    expect(error.properties).toMatchObject({ file: 'monitoring/other.yaml', line: '16' });
    expect(error.message).toMatch(
      /^monitoring\/other\.yaml:16:\d+: 'create_monitor\.monitoring_target\.endpoint_deployment_id' monitors endpoint 'credit-default', but this step deploys to endpoint 'ep-monitored'/,
    );
  });

  it('a monitor name that a job schedule holds already', async () => {
    const job = {
      jobType: 'Command',
      command: 'echo retrain',
      environmentId: 'azureml://registries/azureml/environments/sklearn-1.5/labels/latest',
      computeId: `${wsPath(em)}/computes/cpu-cluster`,
    };
    const put = await arm<Json>(
      em,
      'PUT',
      `${wsPath(em)}/schedules/nightly_retrain`,
      {
        properties: {
          isEnabled: false,
          trigger: { triggerType: 'Cron', expression: '0 3 * * *', timeZone: 'UTC' },
          action: { actionType: 'CreateJob', jobDefinition: job },
        },
      },
      { apiVersion: API },
    );
    expect(put.status, JSON.stringify(put.body)).toBeLessThan(300);
    const file = write('monitoring/taken.yaml', monitorYaml(EP).replace('name: credit_default_model_monitoring', 'name: nightly_retrain'));
    expect((await refused(file)).message).toMatch(
      /^monitoring\/taken\.yaml:1:\d+: 'name' schedule 'nightly_retrain' exists and is not a monitor \(its action is CreateJob\)/,
    );
  });

  it('a schedule that is no monitor, and a monitor field that does not exist', async () => {
    const job = write('monitoring/job.yaml', 'name: nightly\ntrigger:\n  type: cron\n  expression: "0 3 * * *"\ncreate_job: ./job.yml\n');
    expect((await refused(job)).message).toMatch(/^monitoring\/job\.yaml:1:1: is not a monitor schedule: it has no 'create_monitor'/);
    const typo = write('monitoring/typo.yaml', monitorYaml(EP).replace('  alert_notification:', '  alert_notifications:'));
    expect((await refused(typo)).message).toMatch(/^monitoring\/typo\.yaml:17:\d+: .*alert_notifications' is not a field of a create_monitor/);
  });
});

describe('deploy: the monitor follows the deployment promoted', () => {
  it('green with a data collector: data assets registered, the monitor created for green', async () => {
    const runnerTemp = join(ws, 'runner-temp');
    const monitorFile = write('monitoring/monitor.yaml', monitorYaml(EP));
    const green = writeDeploymentYaml(ws, 'green.yml', { name: 'green', endpoint: EP, extra: COLLECTOR });
    const run = await deploy(
      { em, workspace: ws, runnerTemp },
      { ...QUICK, endpoint: EP, 'deployment-file': green, 'monitor-file': monitorFile },
      { timeoutMs: 90_000 },
    );
    expect(run.main.exitCode, logs(run)).toBe(0);
    expect(run.outputs.status).toBe('promoted');
    expect(run.outputs['monitor-name']).toBe('credit_default_model_monitoring');

    // The collections write to the data assets az ml would register.
    const dep = await arm<Json>(em, 'GET', deploymentPath(em, EP, 'green'), undefined, { apiVersion: API });
    const collections = ((dep.body.properties as Json).dataCollector as Json).collections as Record<string, Json>;
    expect(collections.model_inputs).toMatchObject({
      dataCollectionMode: 'Enabled',
      dataId: expect.stringMatching(/\/data\/ep-monitored-green-model_inputs\/versions\/1$/),
    });
    const data = await arm<Json>(em, 'GET', `${wsPath(em)}/data/ep-monitored-green-model_inputs/versions/1`, undefined, { apiVersion: API });
    expect(data.status).toBe(200);
    expect((data.body.properties as Json).dataUri).toBe('azureml://datastores/workspaceblobstore/paths/modelDataCollector/ep-monitored/green/model_inputs');

    const s = await schedule('credit_default_model_monitoring');
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    const def = ((s.body.properties as Json).action as Json).monitorDefinition as Json;
    expect((def.monitoringTarget as Json).deploymentId).toMatch(/\/onlineEndpoints\/ep-monitored\/deployments\/green$/);
    expect(Object.keys(def.signals as Json)).toEqual(['data-drift-signal', 'prediction-drift-signal', 'data-quality-signal']);
    const drift = (def.signals as Record<string, Json>)['data-drift-signal'];
    expect((drift.productionData as Json).uri).toMatch(/\/data\/ep-monitored-green-model_inputs\/versions\/1$/);
    const entries = readLedger({ RUNNER_TEMP: runnerTemp }).filter((e) => e.kind === 'monitor');
    expect(entries).toEqual([
      expect.objectContaining({ kind: 'monitor', name: 'credit_default_model_monitoring', endpoint: EP, deployment: 'green', created: true }),
    ]);
  });

  it('a second rollout retargets the same schedule: still one monitor, now on teal', async () => {
    const runnerTemp = join(ws, 'runner-temp-2');
    const teal = writeDeploymentYaml(ws, 'teal.yml', { name: 'teal', endpoint: EP, extra: COLLECTOR });
    const run = await deploy(
      { em, workspace: ws, runnerTemp },
      { ...QUICK, endpoint: EP, 'deployment-file': teal, 'monitor-file': 'monitoring/monitor.yaml' },
      { timeoutMs: 90_000 },
    );
    expect(run.main.exitCode, logs(run)).toBe(0);
    expect(run.main.log).toMatch(/Monitor credit_default_model_monitoring updated: it monitors teal \(was green\)/);
    const list = await arm<{ value: Json[] }>(em, 'GET', `${wsPath(em)}/schedules`, undefined, { apiVersion: API });
    const monitors = list.body.value.filter((x) => ((x.properties as Json).action as Json).actionType === 'CreateMonitor');
    expect(monitors.map((x) => x.name)).toEqual(['credit_default_model_monitoring']);
    const def = ((monitors[0]!.properties as Json).action as Json).monitorDefinition as Json;
    expect((def.monitoringTarget as Json).deploymentId).toMatch(/\/deployments\/teal$/);
    expect(readLedger({ RUNNER_TEMP: runnerTemp }).filter((e) => e.kind === 'monitor')).toEqual([
      expect.objectContaining({ deployment: 'teal', previousDeployment: 'green', created: false }),
    ]);
  });
});
