/**
 * The monitor schedules of Azure/azureml-examples `cli/monitoring` translate to Schedule bodies
 * with a CreateMonitor action valid against the official 2024-10-01 schema (strict), or are
 * refused by name at their file and line; bad monitor YAML is refused where it is wrong.
 */
import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { SpecDocument } from '../../src/specs/document.js';
import type { AssetResolver } from '../../src/specs/plan.js';
import { isMonitorSpec, planMonitor, writtenMonitorTarget, type MonitorPlanOptions } from '../../src/specs/monitor.js';
import { repoRoot } from '../harness/index.js';
import { describeErrors, haveSharedFixtures, validatorFor } from '../helpers/swagger.js';

const WS = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const resolver: AssetResolver = { resolveLabel: async () => '7' };
const fixtures = join(repoRoot, '__tests__', 'fixtures', 'azureml-examples', 'monitoring');
const collected: MonitorPlanOptions['collected'] = {
  modelInputs: { uri: `${WS}/data/credit-default-main-model_inputs/versions/1`, type: 'uri_folder' },
  modelOutputs: { uri: `${WS}/data/credit-default-main-model_outputs/versions/1`, type: 'uri_folder' },
};

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aml-monitors-'));
  cpSync(fixtures, dir, { recursive: true });
  return dir;
}

async function plan(dir: string, file: string, o: Partial<MonitorPlanOptions> = {}) {
  const doc = SpecDocument.load(join(dir, file), file, 'monitor-file');
  return planMonitor(doc, join(dir, file), doc.value, { workspaceId: WS, resolver, ...o });
}

async function refusal(dir: string, file: string, text: string | undefined, o: Partial<MonitorPlanOptions> = {}): Promise<ConfigurationError> {
  if (text !== undefined) writeFileSync(join(dir, file), text);
  const err = await plan(dir, file, o).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigurationError);
  return err as ConfigurationError;
}

const valid = (body: unknown) => {
  const v = validatorFor('ScheduleResource', 'Schedule');
  expect(v(body), describeErrors(v)).toBe(true);
};

const HEAD =
  'name: m\ntrigger:\n  type: recurrence\n  frequency: day\n  interval: 1\ncreate_monitor:\n  compute:\n    instance_type: standard_e4s_v3\n    runtime_version: "3.4"\n';

describe.skipIf(!haveSharedFixtures)('azureml-examples monitors → ARM Schedule with CreateMonitor (2024-10-01 schema)', () => {
  const dir = workdir();

  it('every fixture is valid, refused by name, or broken: the figure', async () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    const figure = { valid: [] as string[], refused: [] as string[], broken: [] as string[] };
    for (const f of files) {
      expect(isMonitorSpec(SpecDocument.load(join(dir, f), f).value)).toBe(true);
      try {
        // As deploy plans them: the target is the deployment it promoted, which collects its inputs and outputs.
        const p = await plan(dir, f, { target: { endpoint: 'credit-default', deployment: 'main' }, collected });
        const v = validatorFor('ScheduleResource', 'Schedule');
        (v(p.body) ? figure.valid : figure.broken).push(f);
      } catch (e) {
        // A refusal names its file and line.
        (e instanceof ConfigurationError && new RegExp(`^${f}:\\d+:\\d+: `).test(e.message) ? figure.refused : figure.broken).push(f);
      }
    }
    expect(figure).toEqual({
      valid: ['advanced-model-monitoring.yaml', 'model-monitoring-with-collected-data.yaml', 'out-of-box-monitoring.yaml'],
      // custom signals are not translated; generation safety quality is not in the 2024-10-01 API.
      refused: ['custom-monitoring.yaml', 'generation-safety-quality-monitoring.yaml'],
      broken: [],
    });
    // The files alone (no deployment that collects): the signals without production data are refused too.
    const alone: Record<string, string> = {};
    for (const f of files) {
      alone[f] = await plan(dir, f).then(
        () => 'valid',
        (e: unknown) => (e instanceof ConfigurationError ? 'refused' : 'broken'),
      );
    }
    expect(alone).toEqual({
      'advanced-model-monitoring.yaml': 'refused',
      'custom-monitoring.yaml': 'refused',
      'generation-safety-quality-monitoring.yaml': 'refused',
      'model-monitoring-with-collected-data.yaml': 'valid',
      'out-of-box-monitoring.yaml': 'refused',
    });
  });

  it('advanced: the signals as the wire has them', async () => {
    const p = await plan(dir, 'advanced-model-monitoring.yaml', { collected });
    valid(p.body);
    const props = p.body.properties as Record<string, any>;
    expect(props.trigger).toMatchObject({ triggerType: 'Recurrence', frequency: 'Day', interval: 1, schedule: { hours: [3], minutes: [15] } });
    expect(p.writtenTarget).toEqual({ endpoint: 'credit-default', deployment: 'main' });
    const def = props.action.monitorDefinition;
    expect(props.action.actionType).toBe('CreateMonitor');
    expect(def.computeConfiguration).toEqual({
      computeType: 'ServerlessSpark',
      computeIdentity: { computeIdentityType: 'AmlToken' },
      instanceType: 'standard_e4s_v3',
      runtimeVersion: '3.4',
    });
    expect(def.monitoringTarget).toEqual({ taskType: 'Classification', deploymentId: `${WS}/onlineEndpoints/credit-default/deployments/main` });
    expect(def.alertNotificationSettings).toEqual({ emailNotificationSettings: { emails: ['abc@example.com', 'def@example.com'] } });
    const drift = def.signals.advanced_data_drift;
    expect(drift.signalType).toBe('DataDrift');
    expect(drift.notificationTypes).toEqual(['AmlNotification']);
    expect(drift.features).toEqual({ filterType: 'TopNByAttribution', top: 10 });
    expect(drift.metricThresholds).toEqual([
      { dataType: 'Numerical', metric: 'JensenShannonDistance', threshold: { value: 0.01 } },
      { dataType: 'Categorical', metric: 'PearsonsChiSquaredTest', threshold: { value: 0.02 } },
    ]);
    expect(drift.referenceData).toEqual({
      inputDataType: 'Fixed',
      jobInputType: 'mltable',
      uri: `${WS}/data/credit-reference/versions/1`,
      dataContext: 'training',
      columns: { target_column: 'DEFAULT_NEXT_MONTH' },
    });
    const quality = def.signals.advanced_data_quality;
    expect(quality.features).toEqual({ filterType: 'FeatureSubset', features: ['SEX', 'EDUCATION'] });
    expect(quality.metricThresholds).toEqual([
      { dataType: 'Numerical', metric: 'NullValueRate', threshold: { value: 0.05 } },
      { dataType: 'Categorical', metric: 'OutOfBoundsRate', threshold: { value: 0.03 } },
    ]);
    const fad = def.signals.feature_attribution_drift_signal;
    expect(fad.featureImportanceSettings).toEqual({ mode: 'Enabled', targetColumn: 'DEFAULT_NEXT_MONTH' });
    expect(fad.metricThreshold).toEqual({ metric: 'NormalizedDiscountedCumulativeGain', threshold: { value: 0.9 } });
  });

  it('without a collecting deployment, a signal without production data is refused at its line', async () => {
    const err = await refusal(dir, 'advanced-model-monitoring.yaml', undefined, { collected: undefined });
    expect(err.message).toMatch(
      /^advanced-model-monitoring\.yaml:27:\d+: 'create_monitor\.monitoring_signals\.advanced_data_drift' signal 'advanced_data_drift' needs production_data and reference_data: its monitoring target is not a deployment that collects its model inputs/,
    );
  });

  it('collected data fills production and default reference windows from the trigger', async () => {
    const p = await plan(dir, 'advanced-model-monitoring.yaml', { collected });
    const def = (p.body.properties as Record<string, any>).action.monitorDefinition;
    expect(def.signals.advanced_data_drift.productionData).toEqual({
      inputDataType: 'Rolling',
      jobInputType: 'uri_folder',
      uri: collected!.modelInputs!.uri,
      dataContext: 'model_inputs',
      windowSize: 'P1D',
      windowOffset: 'P0D',
    });
    expect(def.signals.feature_attribution_drift_signal.productionData.map((d: any) => d.dataContext)).toEqual(['model_inputs', 'model_outputs']);
    valid(p.body);
  });

  it('out of box: the three default signals over the collected data', async () => {
    await refusal(dir, 'out-of-box-monitoring.yaml', undefined);
    const p = await plan(dir, 'out-of-box-monitoring.yaml', { collected, target: { endpoint: 'credit-default', deployment: 'blue' } });
    valid(p.body);
    const def = (p.body.properties as Record<string, any>).action.monitorDefinition;
    expect(Object.keys(def.signals)).toEqual(['data-drift-signal', 'prediction-drift-signal', 'data-quality-signal']);
    expect(def.signals['prediction-drift-signal'].productionData.uri).toBe(collected!.modelOutputs!.uri);
    expect(def.signals['data-drift-signal'].referenceData).toMatchObject({ inputDataType: 'Rolling', windowSize: 'P2D', windowOffset: 'P1D' });
    expect(def.signals['data-quality-signal'].metricThresholds).toHaveLength(6);
    // deploy's target replaces the file's.
    expect(def.monitoringTarget.deploymentId).toBe(`${WS}/onlineEndpoints/credit-default/deployments/blue`);
    expect(p.writtenTarget).toEqual({ endpoint: 'credit-default', deployment: 'main' });
  });

  it('collected data: production data with a preprocessing component and a registered data asset', async () => {
    const p = await plan(dir, 'model-monitoring-with-collected-data.yaml');
    valid(p.body);
    const drift = (p.body.properties as Record<string, any>).action.monitorDefinition.signals.advanced_data_drift;
    expect(drift.productionData).toEqual({
      inputDataType: 'Rolling',
      jobInputType: 'uri_folder',
      uri: `${WS}/data/my_production_inference_data_model_inputs/versions/1`,
      dataContext: 'model_inputs',
      preprocessingComponentId: `${WS}/components/production_data_preprocessing/versions/1.0.0`,
      windowSize: 'P1D',
      windowOffset: 'P0D',
    });
  });

  it('the written target, read before any change', () => {
    const doc = SpecDocument.load(join(dir, 'advanced-model-monitoring.yaml'), 'advanced-model-monitoring.yaml');
    expect(writtenMonitorTarget(doc, doc.value)).toMatchObject({ endpoint: 'credit-default', deployment: 'main' });
    const arm = SpecDocument.parse(
      `${HEAD}  monitoring_target:\n    ml_task: regression\n    endpoint_deployment_id: azureml:${WS}/onlineEndpoints/ep-1/deployments/blue\n`,
      'arm.yml',
    );
    expect(writtenMonitorTarget(arm, arm.value)).toMatchObject({ endpoint: 'ep-1', deployment: 'blue' });
  });

  it('refuses bad monitors by name at their line', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        HEAD.replace('runtime_version: "3.4"', 'runtime_version: latest'),
        /bad\.yml:9:\d+: 'create_monitor\.compute\.runtime_version' 'latest' is not a Spark runtime version/,
      ],
      [HEAD + '  monitoring_target:\n    ml_task: forecasting\n', /bad\.yml:11:\d+: .*'forecasting' is not a monitoring task/],
      [HEAD + '  monitoring_target:\n    ml_task: question_answering\n', /bad\.yml:11:\d+: .*question answering monitors are not in the 2024-10-01 API/],
      [
        HEAD + '  monitoring_target:\n    ml_task: classification\n    endpoint_deployment_id: just-a-name\n',
        /bad\.yml:12:\d+: .*'just-a-name' is not an online deployment/,
      ],
      [
        HEAD + '  monitoring_signals:\n    s:\n      type: data_drfit\n',
        /bad\.yml:12:\d+: .*'data_drfit' is not a signal type \(did you mean 'data_drift'\?\)/,
      ],
      [
        HEAD +
          '  monitoring_signals:\n    s:\n      type: data_drift\n      production_data:\n        input_data: { path: azureml:p:1, type: mltable }\n      reference_data:\n        input_data: { path: azureml:r:1, type: mltable }\n      metric_thresholds:\n        numerical:\n          jensen_shannon_distance: 0.1\n          population_stability_index: 0.2\n',
        /bad\.yml:20:\d+: .*a drift signal takes one numerical metric \(azure-ai-ml would send only the first, jensen_shannon_distance\)/,
      ],
      [
        HEAD +
          '  monitoring_signals:\n    s:\n      type: data_quality\n      production_data:\n        input_data: { path: azureml:p:1, type: mltable }\n      reference_data:\n        input_data: { path: azureml:r:1, type: mltable }\n      metric_thresholds:\n        numerical:\n          null_value_rat: 0.1\n',
        /bad\.yml:19:\d+: .*'null_value_rat' is not a data quality metric \(did you mean 'null_value_rate'\?\)/,
      ],
      [
        HEAD +
          '  monitoring_signals:\n    s:\n      type: prediction_drift\n      production_data:\n        input_data: { path: azureml:p:1, type: mltable }\n        data_window:\n          window_start: "2024-01-01"\n          window_end: "2024-02-01"\n      reference_data:\n        input_data: { path: azureml:r:1, type: mltable }\n',
        /bad\.yml:15:\d+: .*production data takes lookback_window_size and lookback_window_offset/,
      ],
      [
        HEAD +
          '  monitoring_signals:\n    s:\n      type: data_drift\n      features: [a]\n      production_data:\n        input_data: { path: azureml:p:1, type: mltable }\n        data_window: { lookback_window_size: seven days }\n      reference_data:\n        input_data: { path: azureml:r:1, type: mltable }\n',
        /bad\.yml:16:\d+: .*'seven days' is not an ISO 8601 duration/,
      ],
      [HEAD + '  alert_notification:\n    emails: [not-an-address]\n', /bad\.yml:11:\d+: .*'not-an-address' is not an email address/],
      [HEAD + '  alert_notification: azmonitoring\n', /bad\.yml:10:\d+: .*Azure Monitor alerts are a preview API feature/],
      [HEAD + '  monitoring_signal: {}\n', /bad\.yml:10:\d+: .*is not a field of a create_monitor .*\(did you mean 'monitoring_signals'\?\)/],
      [
        HEAD.replace('create_monitor:', 'create_job: ./job.yml\ncreate_monitor:'),
        /bad\.yml:6:\d+: 'create_job' a monitor schedule creates a monitor, not a job/,
      ],
    ];
    for (const [text, re] of cases) {
      const err = await refusal(dir, 'bad.yml', text);
      expect(err.message, text).toMatch(re);
    }
  });

  it('reference windows: lookback (Rolling) and start/end (Static)', async () => {
    writeFileSync(
      join(dir, 'windows.yml'),
      HEAD +
        '  monitoring_target:\n    ml_task: regression\n    endpoint_deployment_id: azureml:ep-1:blue\n  monitoring_signals:\n    d:\n      type: data_drift\n      features: all_features\n      feature_type_override: { age: categorical }\n      reference_data:\n        input_data: { path: azureml:r:1, type: mltable }\n        data_window: { lookback_window_size: P14D, lookback_window_offset: P7D }\n    q:\n      type: data_quality\n      reference_data:\n        input_data: { path: azureml:r:1, type: mltable }\n        data_window: { window_start: "2024-01-01", window_end: "2024-02-01" }\n',
    );
    const p = await plan(dir, 'windows.yml', { collected });
    valid(p.body);
    const s = (p.body.properties as Record<string, any>).action.monitorDefinition.signals;
    expect(s.d.referenceData).toMatchObject({ inputDataType: 'Rolling', windowSize: 'P14D', windowOffset: 'P7D' });
    expect(s.d.features).toEqual({ filterType: 'AllFeatures' });
    expect(s.d.featureDataTypeOverride).toEqual({ age: 'Categorical' });
    expect(s.q.referenceData).toMatchObject({ inputDataType: 'Static', windowStart: '2024-01-01', windowEnd: '2024-02-01' });
    expect(s.q.metricThresholds).toHaveLength(6);
  });
});
