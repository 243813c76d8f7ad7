/**
 * `az ml schedule create -f` YAML with `create_monitor` → the ARM `Schedule` body of api-version
 * 2024-10-01 whose action is a `CreateMonitorAction` (swagger mfe.json: MonitorDefinition,
 * MonitorServerlessSparkCompute, MonitoringTarget, DataDrift / PredictionDrift / DataQuality /
 * FeatureAttributionDrift MonitoringSignal, Rolling / Static / Fixed input data).
 *
 * The YAML is azure-ai-ml's MonitorScheduleSchema (_schema/monitoring/schedule.py,
 * monitor_definition.py, signals.py, thresholds.py, compute.py, target.py, alert_notification.py);
 * the wire follows its `_to_rest_object` methods (entities/_monitoring/schedule.py, definition.py,
 * signals.py, thresholds.py, compute.py, target.py, alert_notification.py), moved from the preview
 * API azure-ai-ml speaks (2023-06-01-preview: `mode`, `Trailing`) to the stable one (2024-10-01:
 * `notificationTypes`, `Rolling`). The trigger and the schedule's common fields are the schedule
 * translator's (schedule.ts). Every field is translated or refused by name with its file and line.
 *
 * Signals without production or reference data take the target deployment's collected data, as
 * `az ml schedule create` does (azure-ai-ml operations/_schedule_operations.py,
 * _resolve_monitor_schedule_arm_id): the caller passes what the deployment collects.
 */
import { SpecDocument, type SpecPath } from './document.js';
import { didYouMean } from './fields.js';
import { isObj, type Obj } from '../core/obj.js';
import { PlanContext, type PlannedUpload, type PlanOptions } from './plan.js';
import { assetUri } from './job/io.js';
import { scheduleCommon } from './schedule.js';
import type { WireTrigger } from './schedule-times.js';

/** The data asset a deployment's data collector writes one collection to. */
export interface CollectedData {
  /** ARM id of the data asset version (the collection's `dataId`). */
  uri: string;
  /** Its type (`uri_folder` for what a deployment collects). */
  type: string;
}

/** An online deployment a monitor watches. */
export interface MonitorTarget {
  endpoint: string;
  deployment: string;
}

export interface MonitorPlanOptions extends PlanOptions {
  /**
   * The deployment the monitor is for. It replaces `monitoring_target.endpoint_deployment_id`
   * (deploy points the monitor at the deployment it promoted).
   */
  target?: MonitorTarget;
  /** What the target deployment collects (its data collector's `model_inputs` / `model_outputs`). */
  collected?: { modelInputs?: CollectedData; modelOutputs?: CollectedData };
}

export interface MonitorPlan {
  /** `name` of the YAML, when it sets one. */
  yamlName?: string;
  /** The PUT body: `{ properties: ScheduleProperties }` with a CreateMonitor action. */
  body: { properties: Obj };
  /** `monitoring_target.endpoint_deployment_id` as the file writes it (endpoint and deployment names). */
  writtenTarget?: MonitorTarget;
  /** Local data the monitor's inputs name, to upload first. */
  uploads: PlannedUpload[];
  /** Things said once each (cron DAYS and MONTHS ignored by Azure). */
  warnings: string[];
}

const MONITOR_SCHEDULE_KEYS = ['$schema', 'name', 'display_name', 'description', 'tags', 'properties', 'trigger', 'create_monitor', 'is_enabled'];
const CREATE_MONITOR_KEYS = ['compute', 'monitoring_target', 'monitoring_signals', 'alert_notification'];
// azure-ai-ml MonitorTargetTasks; the 2024-10-01 ModelTaskType has Classification and Regression only.
const ML_TASKS: Record<string, string> = { classification: 'Classification', regression: 'Regression' };
// azure-ai-ml MonitorDatasetContext.
const DATA_CONTEXTS = ['model_inputs', 'model_outputs', 'training', 'test', 'validation', 'ground_truth'];
const INPUT_DATA_TYPES = ['uri_file', 'uri_folder', 'mltable'];
const FEATURE_TYPES: Record<string, string> = { numerical: 'Numerical', categorical: 'Categorical' };
// azure-ai-ml constants MonitorSignalType: the ones the 2024-10-01 API has no signal for, or that azureml-actions does not translate.
const OTHER_SIGNAL_TYPES: Record<string, string> = {
  custom: 'custom signals (a component of your own) are not translated by azureml-actions yet',
  model_performance: 'the 2024-10-01 API has no model performance signal (a preview API feature)',
  generation_safety_quality: 'the 2024-10-01 API has no generation safety and quality signal (a preview API feature)',
  generation_token_statistics: 'the 2024-10-01 API has no generation token statistics signal (a preview API feature)',
};
const SIGNAL_TYPES = ['data_drift', 'prediction_drift', 'data_quality', 'feature_attribution_drift'];

/** Drift metrics by data type (azure-ai-ml entities/_monitoring/thresholds.py NumericalDriftMetrics, CategoricalDriftMetrics). */
const DRIFT_METRICS: Record<string, Record<string, string>> = {
  numerical: {
    jensen_shannon_distance: 'JensenShannonDistance',
    normalized_wasserstein_distance: 'NormalizedWassersteinDistance',
    population_stability_index: 'PopulationStabilityIndex',
    two_sample_kolmogorov_smirnov_test: 'TwoSampleKolmogorovSmirnovTest',
  },
  categorical: {
    jensen_shannon_distance: 'JensenShannonDistance',
    population_stability_index: 'PopulationStabilityIndex',
    pearsons_chi_squared_test: 'PearsonsChiSquaredTest',
  },
};
/** Data quality metrics, the same for both data types (DataQualityMetricsNumerical / Categorical). */
const QUALITY_METRICS: Record<string, string> = {
  null_value_rate: 'NullValueRate',
  data_type_error_rate: 'DataTypeErrorRate',
  out_of_bounds_rate: 'OutOfBoundsRate',
};
/** The defaults azure-ai-ml gives the signals it makes itself (`_get_default_thresholds`). */
const DEFAULT_DRIFT_THRESHOLDS: Obj = { numerical: { normalized_wasserstein_distance: 0.1 }, categorical: { jensen_shannon_distance: 0.1 } };
const DEFAULT_QUALITY_THRESHOLDS: Obj = {
  numerical: { null_value_rate: 0, data_type_error_rate: 0, out_of_bounds_rate: 0 },
  categorical: { null_value_rate: 0, data_type_error_rate: 0, out_of_bounds_rate: 0 },
};
/** ISO 8601 durations in days, as azure-ai-ml writes windows (`P7D`); weeks, hours and minutes too. */
const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

/** True when a YAML document is a monitor schedule (`create_monitor`). */
export function isMonitorSpec(spec: unknown): boolean {
  return isObj(spec) && spec.create_monitor !== undefined;
}

interface Windows {
  /** How far back production data reaches (`default_data_window_size`). */
  production: string;
  /** How far back default reference data reaches (`ref_data_window_size`). */
  reference: string;
}

/**
 * The default data windows from the trigger (azure-ai-ml entities/_monitoring/schedule.py
 * MonitorSchedule._to_rest_object): P7D / P14D for cron triggers, else by recurrence frequency.
 */
function windowsOf(trigger: WireTrigger): Windows {
  const n = trigger.interval ?? 1;
  switch (trigger.triggerType === 'Recurrence' ? trigger.frequency : undefined) {
    case 'Minute':
    case 'Hour':
      return { production: 'P1D', reference: 'P2D' };
    case 'Day':
      return { production: `P${n}D`, reference: `P${n * 2}D` };
    case 'Week':
      return { production: `P${n * 7}D`, reference: `P${n * 14}D` };
    case 'Month':
      return { production: `P${n * 30}D`, reference: `P${n * 60}D` };
    default:
      return { production: 'P7D', reference: 'P14D' };
  }
}

/** Translates a monitor schedule YAML document into a plan. */
export async function planMonitor(doc: SpecDocument, fileOnDisk: string, value: unknown, options: MonitorPlanOptions): Promise<MonitorPlan> {
  const t = new PlanContext(doc, fileOnDisk, options);
  const spec = t.map(value, [], 'a schedule file must be a YAML map (trigger, create_monitor, …)');
  if (spec.create_job !== undefined)
    t.fail(['create_job'], "a monitor schedule creates a monitor, not a job: 'create_job' and 'create_monitor' exclude each other");
  t.checkKeys(spec, MONITOR_SCHEDULE_KEYS, [], 'monitor schedule');
  if (spec.create_monitor === undefined) t.fail([], "a monitor schedule needs 'create_monitor'");
  const { yamlName, properties, trigger, warnings } = scheduleCommon(t, spec);
  const at: SpecPath = ['create_monitor'];
  const cm = t.map(spec.create_monitor, at, 'must be a map (compute, monitoring_target, monitoring_signals, alert_notification)');
  t.checkKeys(cm, CREATE_MONITOR_KEYS, at, 'create_monitor');
  const m = new MonitorReader(t, options, windowsOf(trigger));
  const def: Obj = {};
  def.computeConfiguration = m.compute(cm.compute, [...at, 'compute']);
  const target = m.target(cm.monitoring_target, [...at, 'monitoring_target']);
  if (target.wire) def.monitoringTarget = target.wire;
  const alerts = m.alertNotification(cm.alert_notification, [...at, 'alert_notification']);
  def.signals = await m.signals(cm.monitoring_signals, [...at, 'monitoring_signals']);
  if (alerts) def.alertNotificationSettings = alerts;
  properties.action = { actionType: 'CreateMonitor', monitorDefinition: def };
  return { yamlName, body: { properties }, writtenTarget: target.written, uploads: t.uploads, warnings };
}

/**
 * `monitoring_target.endpoint_deployment_id` of a monitor YAML without translating the rest:
 * deploy's preflight checks the endpoint before any change. Undefined when the file names none.
 */
export function writtenMonitorTarget(doc: SpecDocument, value: unknown): (MonitorTarget & { path: SpecPath }) | undefined {
  if (!isObj(value) || !isObj(value.create_monitor) || !isObj(value.create_monitor.monitoring_target)) return undefined;
  const raw = value.create_monitor.monitoring_target.endpoint_deployment_id;
  if (raw === undefined || raw === null) return undefined;
  const path: SpecPath = ['create_monitor', 'monitoring_target', 'endpoint_deployment_id'];
  const t = new PlanContext(doc, doc.file, { workspaceId: '', resolver: { resolveLabel: () => Promise.reject(new Error('not used')) } });
  return { ...parseDeploymentId(t, t.str(raw, path), path), path };
}

/**
 * `azureml:<endpoint>:<deployment>`, `<endpoint>:<deployment>` or the deployment's ARM id
 * (`[azureml:]/subscriptions/…/onlineEndpoints/<e>/deployments/<d>`), as azure-ai-ml reads it
 * (_schedule_operations.py _process_and_get_endpoint_deployment_names_from_id).
 */
function parseDeploymentId(t: PlanContext, raw: string, path: SpecPath): MonitorTarget {
  const s = raw.startsWith('azureml:') ? raw.slice('azureml:'.length) : raw;
  const arm = /\/onlineEndpoints\/([^/]+)\/deployments\/([^/]+)\/?$/i.exec(s);
  if (arm) return { endpoint: arm[1], deployment: arm[2] };
  const parts = s.split(':');
  if (parts.length === 2 && /^[A-Za-z][A-Za-z0-9-]*$/.test(parts[0]) && /^[A-Za-z][A-Za-z0-9-]*$/.test(parts[1]))
    return { endpoint: parts[0], deployment: parts[1] };
  return t.fail(path, `'${raw}' is not an online deployment`, 'write azureml:<endpoint-name>:<deployment-name>, or the deployment’s ARM id');
}

/** Reads the parts of `create_monitor`, every path under it. */
class MonitorReader {
  constructor(
    private readonly t: PlanContext,
    private readonly o: MonitorPlanOptions,
    private readonly windows: Windows,
  ) {}

  /** `compute: { instance_type, runtime_version }` → MonitorServerlessSparkCompute with the AML token identity (entities/_monitoring/compute.py). */
  compute(v: unknown, path: SpecPath): Obj {
    const { t } = this;
    if (v === undefined || v === null) t.fail(path.slice(0, -1), "a monitor needs 'compute': the serverless Spark it runs on (instance_type, runtime_version)");
    if (typeof v === 'string')
      t.fail(path, `'${v}' names a compute; a monitor runs on serverless Spark`, 'write compute: { instance_type: standard_e4s_v3, runtime_version: "3.4" }');
    const c = t.map(v, path, 'must be a map with instance_type and runtime_version');
    t.checkKeys(c, ['compute_type', 'instance_type', 'runtime_version'], path, 'monitor compute');
    if (c.compute_type !== undefined && t.str(c.compute_type, [...path, 'compute_type']).toLowerCase() !== 'serverlessspark')
      t.fail([...path, 'compute_type'], `'${String(c.compute_type)}' is not a monitor compute type`, 'valid: ServerlessSpark');
    if (c.instance_type === undefined) t.fail(path, "needs 'instance_type' (a Spark node size such as standard_e4s_v3)");
    if (c.runtime_version === undefined) t.fail(path, 'needs \'runtime_version\' (the Spark runtime, such as "3.4")');
    const instanceType = t.str(c.instance_type, [...path, 'instance_type']);
    if (!/[a-zA-Z0-9_]/.test(instanceType)) t.fail([...path, 'instance_type'], `'${instanceType}' is not an instance type`);
    // YAML reads an unquoted 3.4 as a number: its text is what Azure takes.
    const runtimeVersion = t.str(c.runtime_version, [...path, 'runtime_version']);
    if (!/^[0-9]+\.[0-9]+$/.test(runtimeVersion))
      t.fail([...path, 'runtime_version'], `'${runtimeVersion}' is not a Spark runtime version`, 'write major.minor, such as "3.4"');
    return { computeType: 'ServerlessSpark', computeIdentity: { computeIdentityType: 'AmlToken' }, instanceType, runtimeVersion };
  }

  /** `monitoring_target: { ml_task, endpoint_deployment_id | model_id }` → MonitoringTarget (entities/_monitoring/target.py). */
  target(v: unknown, path: SpecPath): { wire?: Obj; written?: MonitorTarget } {
    const { t, o } = this;
    if (v === undefined || v === null) {
      if (o.target)
        t.fail(path.slice(0, -1), "needs 'monitoring_target' with 'ml_task' (classification or regression) to monitor the deployment deploy promotes");
      return {};
    }
    const m = t.map(v, path, 'must be a map (ml_task, endpoint_deployment_id or model_id)');
    t.checkKeys(m, ['ml_task', 'endpoint_deployment_id', 'model_id'], path, 'monitoring target');
    if (m.ml_task === undefined) t.fail(path, "needs 'ml_task': classification or regression");
    const task = t.str(m.ml_task, [...path, 'ml_task']).toLowerCase();
    if (task === 'question_answering' || task === 'questionanswering')
      t.fail([...path, 'ml_task'], 'question answering monitors are not in the 2024-10-01 API (its ModelTaskType is Classification or Regression)');
    const wire: Obj = { taskType: t.oneOf(task, [...path, 'ml_task'], ML_TASKS, 'a monitoring task', 'classification, regression') };
    let written: MonitorTarget | undefined;
    if (m.endpoint_deployment_id !== undefined && m.endpoint_deployment_id !== null) {
      written = parseDeploymentId(t, t.str(m.endpoint_deployment_id, [...path, 'endpoint_deployment_id']), [...path, 'endpoint_deployment_id']);
    }
    if (m.model_id !== undefined && (written || o.target))
      t.fail([...path, 'model_id'], 'a monitor watches a deployment or a model, not both (endpoint_deployment_id and model_id exclude each other)');
    const dep = o.target ?? written;
    if (dep) wire.deploymentId = `${o.workspaceId}/onlineEndpoints/${dep.endpoint}/deployments/${dep.deployment}`;
    else if (m.model_id !== undefined) wire.modelId = this.modelId(t.str(m.model_id, [...path, 'model_id']), [...path, 'model_id']);
    return { wire, written };
  }

  private modelId(raw: string, path: SpecPath): string {
    const r = this.t.ref(raw, path);
    if (r.kind === 'arm-id') return r.id;
    if (r.kind === 'asset' && r.version) return `${this.o.workspaceId}/models/${r.name}/versions/${r.version}`;
    return this.t.fail(path, `'${raw}' is not a model version`, 'write azureml:<model-name>:<version>');
  }

  /** `alert_notification: { emails }` → MonitorNotificationSettings (entities/_monitoring/alert_notification.py). */
  alertNotification(v: unknown, path: SpecPath): Obj | undefined {
    const { t } = this;
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string')
      t.fail(
        path,
        `'${v}' is not an alert notification of the 2024-10-01 API (Azure Monitor alerts are a preview API feature)`,
        'write alert_notification: { emails: [...] }',
      );
    const a = t.map(v, path, 'must be a map with emails');
    t.checkKeys(a, ['emails'], path, 'alert notification');
    if (a.emails === undefined || a.emails === null) return undefined;
    const list = Array.isArray(a.emails) ? a.emails : [a.emails];
    const emails = list.map((e, i) => {
      const at = Array.isArray(a.emails) ? [...path, 'emails', i] : [...path, 'emails'];
      const s = t.str(e, at);
      if (!/^[^@\s]+@[^@\s]+$/.test(s)) t.fail(at, `'${s}' is not an email address`);
      return s;
    });
    // "The email recipient list which has a limitation of 499 characters in total" (swagger MonitorEmailNotificationSettings).
    if (emails.join(',').length > 499) t.fail([...path, 'emails'], 'the email addresses are longer than Azure takes: 499 characters in all, joined by commas');
    return { emailNotificationSettings: { emails } };
  }

  /**
   * `monitoring_signals`: name → signal. Without signals, azure-ai-ml makes the three default ones
   * (data drift, prediction drift, data quality: entities/_monitoring/definition.py
   * `_populate_default_signal_information`), which need a deployment that collects its inputs and outputs.
   */
  async signals(v: unknown, path: SpecPath): Promise<Obj> {
    const { t, o } = this;
    if (v === undefined || v === null) {
      if (!o.collected?.modelInputs || !o.collected.modelOutputs) {
        t.fail(
          path.slice(0, -1),
          "has no 'monitoring_signals': the default signals need a target deployment that collects its model inputs and outputs",
          'list monitoring_signals, or deploy with a deployment YAML whose data_collector collects model_inputs and model_outputs',
        );
      }
      // Default signals (constants/_monitoring.py DEFAULT_*_SIGNAL_NAME), in the shape a user signal has.
      const defaults: Array<[string, Obj]> = [
        ['data-drift-signal', { type: 'data_drift', features: 'all_features', metric_thresholds: DEFAULT_DRIFT_THRESHOLDS }],
        ['prediction-drift-signal', { type: 'prediction_drift', metric_thresholds: DEFAULT_DRIFT_THRESHOLDS }],
        ['data-quality-signal', { type: 'data_quality', features: 'all_features', metric_thresholds: DEFAULT_QUALITY_THRESHOLDS }],
      ];
      const out: Obj = {};
      for (const [name, s] of defaults) out[name] = await this.signal(s, path, name);
      return out;
    }
    const m = t.map(v, path, 'must be a map of signal names to signals');
    if (Object.keys(m).length === 0) t.fail(path, 'lists no signal');
    const out: Obj = {};
    for (const name of Object.keys(m)) out[name] = await this.signal(m[name], [...path, name], name);
    return out;
  }

  private async signal(v: unknown, path: SpecPath, name: string): Promise<Obj> {
    const { t } = this;
    const s = t.map(v, path, 'must be a map with a type (data_drift, prediction_drift, data_quality, feature_attribution_drift)');
    if (s.type === undefined) t.fail(path, "a signal needs 'type': data_drift, prediction_drift, data_quality or feature_attribution_drift");
    const type = t.str(s.type, [...path, 'type']).toLowerCase();
    if (Object.hasOwn(OTHER_SIGNAL_TYPES, type)) t.fail([...path, 'type'], `'${type}': ${OTHER_SIGNAL_TYPES[type]}`, `supported: ${SIGNAL_TYPES.join(', ')}`);
    if (!SIGNAL_TYPES.includes(type))
      t.fail([...path, 'type'], `'${type}' is not a signal type${didYouMean(type, SIGNAL_TYPES)}`, `valid: ${SIGNAL_TYPES.join(', ')}`);
    const base = ['type', 'alert_enabled', 'reference_data', 'production_data', 'metric_thresholds'];
    const keys: Record<string, string[]> = {
      // azure-ai-ml _schema/monitoring/signals.py: DataDriftSignalSchema, DataQualitySignalSchema, PredictionDriftSignalSchema, FeatureAttributionDriftSignalSchema.
      data_drift: [...base, 'properties', 'features', 'feature_type_override', 'data_segment'],
      data_quality: [...base, 'properties', 'features', 'feature_type_override'],
      prediction_drift: [...base, 'properties'],
      feature_attribution_drift: base,
    };
    t.checkKeys(s, keys[type], path, `${type} signal`);
    if (s.data_segment !== undefined) t.fail([...path, 'data_segment'], 'data segments are not in the 2024-10-01 API (a preview API feature)');
    const wire: Obj = {};
    if (s.alert_enabled !== undefined && s.alert_enabled !== null) {
      if (typeof s.alert_enabled !== 'boolean') t.fail([...path, 'alert_enabled'], 'must be true or false');
      // The stable API says alerts with notificationTypes (swagger MonitoringSignalBase: AmlNotification
      // "enables email notifications through AML notifications"); the preview API azure-ai-ml speaks says mode Enabled/Disabled.
      if (s.alert_enabled) wire.notificationTypes = ['AmlNotification'];
    }
    const props = t.stringMap(s.properties, [...path, 'properties']);
    if (props) wire.properties = props;
    if (type === 'feature_attribution_drift') return { signalType: 'FeatureAttributionDrift', ...wire, ...(await this.featureAttribution(s, path, name)) };
    const data = await this.dataPair(s, path, name, type === 'prediction_drift' ? 'modelOutputs' : 'modelInputs');
    Object.assign(wire, data);
    if (type !== 'prediction_drift') {
      const features = this.features(s.features, [...path, 'features']);
      if (features) wire.features = features;
      const override = this.featureTypes(s.feature_type_override, [...path, 'feature_type_override']);
      if (override) wire.featureDataTypeOverride = override;
    }
    if (type === 'data_quality') {
      wire.metricThresholds = this.qualityThresholds(s.metric_thresholds ?? DEFAULT_QUALITY_THRESHOLDS, [...path, 'metric_thresholds']);
      return { signalType: 'DataQuality', ...wire };
    }
    wire.metricThresholds = this.driftThresholds(s.metric_thresholds ?? DEFAULT_DRIFT_THRESHOLDS, [...path, 'metric_thresholds']);
    return { signalType: type === 'data_drift' ? 'DataDrift' : 'PredictionDrift', ...wire };
  }

  /** productionData and referenceData of a drift or quality signal, defaults from the collected data (_resolve_monitor_schedule_arm_id). */
  private async dataPair(s: Obj, path: SpecPath, name: string, collected: 'modelInputs' | 'modelOutputs'): Promise<Obj> {
    const { t, o, windows } = this;
    const c = o.collected?.[collected];
    const context = collected === 'modelInputs' ? 'model_inputs' : 'model_outputs';
    if ((s.production_data === undefined || s.reference_data === undefined) && !c) {
      t.fail(
        path,
        `signal '${name}' needs production_data and reference_data: its monitoring target is not a deployment that collects its ${context.replace('_', ' ')}`,
        `give both, or target a deployment whose data_collector collects ${context}`,
      );
    }
    const out: Obj = {};
    out.productionData =
      s.production_data !== undefined
        ? await this.productionData(s.production_data, [...path, 'production_data'])
        : rolling(c!, context, windows.production, 'P0D');
    // The default reference: the same collected data, the window before the production window.
    out.referenceData =
      s.reference_data !== undefined
        ? await this.referenceData(s.reference_data, [...path, 'reference_data'])
        : rolling(c!, context, windows.reference, windows.production);
    return out;
  }

  private async featureAttribution(s: Obj, path: SpecPath, name: string): Promise<Obj> {
    const { t, o, windows } = this;
    if (s.reference_data === undefined) t.fail(path, `signal '${name}' needs reference_data: the training data with its target column`);
    const referenceData = await this.referenceData(s.reference_data, [...path, 'reference_data']);
    let productionData: Obj[];
    if (s.production_data !== undefined) {
      const pp = [...path, 'production_data'];
      const list: unknown = s.production_data;
      if (!Array.isArray(list)) return t.fail(pp, 'must be a list of production data (model inputs and model outputs)');
      productionData = [];
      for (let i = 0; i < list.length; i++) productionData.push(await this.productionData(list[i], [...pp, i], true));
    } else {
      const ins = o.collected?.modelInputs;
      const outs = o.collected?.modelOutputs;
      if (!ins || !outs)
        return t.fail(path, `signal '${name}' needs production_data: its monitoring target is not a deployment that collects its model inputs and outputs`);
      productionData = [rolling(ins, 'model_inputs', windows.production, 'P0D'), rolling(outs, 'model_outputs', windows.production, 'P0D')];
    }
    // The 2024-10-01 API requires featureImportanceSettings here; the target column is the reference data's.
    const targetColumn = (referenceData.columns as Obj | undefined)?.target_column;
    if (typeof targetColumn !== 'string')
      t.fail(
        [...path, 'reference_data'],
        'feature attribution drift needs the target column of the reference data',
        'write data_column_names: { target_column: <column> }',
      );
    const threshold: Obj = { metric: 'NormalizedDiscountedCumulativeGain' };
    if (s.metric_thresholds !== undefined && s.metric_thresholds !== null) {
      const mp = [...path, 'metric_thresholds'];
      const m = t.map(s.metric_thresholds, mp, 'must be a map: normalized_discounted_cumulative_gain: <value>');
      t.checkKeys(m, ['normalized_discounted_cumulative_gain'], mp, 'feature attribution drift threshold');
      if (m.normalized_discounted_cumulative_gain !== undefined)
        threshold.threshold = { value: t.num(m.normalized_discounted_cumulative_gain, [...mp, 'normalized_discounted_cumulative_gain']) };
    }
    return { productionData, referenceData, featureImportanceSettings: { mode: 'Enabled', targetColumn }, metricThreshold: threshold };
  }

  /** production_data → RollingInputData (signals.py ProductionData._to_rest_object: a trailing window). */
  private async productionData(v: unknown, path: SpecPath, featureAttribution = false): Promise<Obj> {
    const { t, windows } = this;
    const d = t.map(v, path, 'must be a map with input_data');
    const keys = ['input_data', 'data_context', 'pre_processing_component', 'data_window', 'data_column_names'];
    if (d.data_window_size !== undefined)
      t.fail([...path, 'data_window_size'], 'is the older spelling of the production window', 'write data_window: { lookback_window_size: P7D }');
    t.checkKeys(d, keys, path, 'production data');
    const base = await this.inputBase(d, path);
    if (featureAttribution && base.columns) {
      // FADProductionDataSchema: data_column_names keys are FADColumnNames.
      for (const k of Object.keys(base.columns))
        if (!['prediction', 'prediction_probability', 'correlation_id'].includes(k))
          t.fail(
            [...path, 'data_column_names', k],
            `'${k}' is not a column role of feature attribution production data`,
            'valid: prediction, prediction_probability, correlation_id',
          );
    }
    let size = windows.production;
    let offset = 'P0D';
    if (d.data_window !== undefined && d.data_window !== null) {
      const wp = [...path, 'data_window'];
      const w = t.map(d.data_window, wp, 'must be a map (lookback_window_size, lookback_window_offset)');
      if (w.window_start !== undefined || w.window_end !== undefined)
        t.fail(wp, 'production data takes lookback_window_size and lookback_window_offset, not window_start and window_end (azure-ai-ml ProductionData)');
      t.checkKeys(w, ['lookback_window_size', 'lookback_window_offset'], wp, 'production data window');
      if (w.lookback_window_size !== undefined && w.lookback_window_size !== 'default')
        size = this.duration(w.lookback_window_size, [...wp, 'lookback_window_size']);
      if (w.lookback_window_offset !== undefined) offset = this.duration(w.lookback_window_offset, [...wp, 'lookback_window_offset']);
    }
    return { inputDataType: 'Rolling', ...base, windowSize: size, windowOffset: offset };
  }

  /** reference_data → Rolling (a lookback window), Static (window_start and window_end) or Fixed (signals.py ReferenceData._to_rest_object). */
  private async referenceData(v: unknown, path: SpecPath): Promise<Obj> {
    const { t, windows } = this;
    const d = t.map(v, path, 'must be a map with input_data');
    if (d.target_column_name !== undefined)
      t.fail(
        [...path, 'target_column_name'],
        'azure-ai-ml no longer takes target_column_name (its ReferenceData has no such field)',
        'write data_column_names: { target_column: <column> }',
      );
    t.checkKeys(d, ['input_data', 'data_context', 'pre_processing_component', 'data_window', 'data_column_names'], path, 'reference data');
    const base = await this.inputBase(d, path);
    if (d.data_window !== undefined && d.data_window !== null) {
      const wp = [...path, 'data_window'];
      const w = t.map(d.data_window, wp, 'must be a map (lookback_window_size and lookback_window_offset, or window_start and window_end)');
      t.checkKeys(w, ['lookback_window_size', 'lookback_window_offset', 'window_start', 'window_end'], wp, 'reference data window');
      if (w.lookback_window_size !== undefined) {
        if (w.window_start !== undefined || w.window_end !== undefined) t.fail(wp, 'a window is either a lookback window or a start and end, not both');
        const size = w.lookback_window_size === 'default' ? windows.reference : this.duration(w.lookback_window_size, [...wp, 'lookback_window_size']);
        const offset =
          w.lookback_window_offset === undefined
            ? 'P0D'
            : w.lookback_window_offset === 'default'
              ? windows.production
              : this.duration(w.lookback_window_offset, [...wp, 'lookback_window_offset']);
        return { inputDataType: 'Rolling', ...base, windowSize: size, windowOffset: offset };
      }
      if (w.window_start !== undefined && w.window_end !== undefined) {
        const start = this.date(w.window_start, [...wp, 'window_start']);
        const end = this.date(w.window_end, [...wp, 'window_end']);
        if (Date.parse(end) <= Date.parse(start)) t.fail([...wp, 'window_end'], `${end} is not after the window start ${start}`);
        return { inputDataType: 'Static', ...base, windowStart: start, windowEnd: end };
      }
      t.fail(wp, 'needs lookback_window_size, or both window_start and window_end');
    }
    if (base.preprocessingComponentId !== undefined)
      t.fail([...path, 'pre_processing_component'], 'reference data without a data_window is fixed data, which the 2024-10-01 API takes without preprocessing');
    return { inputDataType: 'Fixed', ...base };
  }

  /** input_data, data_context, data_column_names, pre_processing_component → the MonitoringInputDataBase fields. */
  private async inputBase(d: Obj, path: SpecPath): Promise<Obj> {
    const { t } = this;
    if (d.input_data === undefined) t.fail(path, "needs 'input_data' (path and type)");
    const ip = [...path, 'input_data'];
    const i = t.map(d.input_data, ip, 'must be a map with path and type');
    t.checkKeys(i, ['path', 'type'], ip, 'monitor input data');
    if (i.path === undefined) t.fail(ip, "needs 'path'");
    // azure-ai-ml Input defaults to uri_folder.
    const type = i.type === undefined ? 'uri_folder' : t.str(i.type, [...ip, 'type']).toLowerCase();
    if (!INPUT_DATA_TYPES.includes(type))
      t.fail([...ip, 'type'], `'${type}' is not a monitor input type${didYouMean(type, INPUT_DATA_TYPES)}`, `valid: ${INPUT_DATA_TYPES.join(', ')}`);
    const out: Obj = { jobInputType: type, uri: await assetUri(t, t.str(i.path, [...ip, 'path']), type, [...ip, 'path'], `${path.join('.')}.input_data`) };
    if (d.data_context !== undefined) {
      const c = t.str(d.data_context, [...path, 'data_context']).toLowerCase();
      if (!DATA_CONTEXTS.includes(c))
        t.fail([...path, 'data_context'], `'${c}' is not a data context${didYouMean(c, DATA_CONTEXTS)}`, `valid: ${DATA_CONTEXTS.join(', ')}`);
      out.dataContext = c;
    }
    const columns = t.stringMap(d.data_column_names, [...path, 'data_column_names']);
    if (columns) out.columns = columns;
    if (d.pre_processing_component !== undefined && d.pre_processing_component !== null) {
      const cp = [...path, 'pre_processing_component'];
      const r = t.ref(t.str(d.pre_processing_component, cp), cp);
      if (r.kind === 'asset') out.preprocessingComponentId = await t.assetVersionId('components', r, cp);
      else if (r.kind === 'arm-id' || r.kind === 'registry') out.preprocessingComponentId = r.kind === 'arm-id' ? r.id : r.uri;
      else t.fail(cp, `'${String(d.pre_processing_component)}' is not a component reference`, 'write azureml:<component-name>:<version>');
    }
    return out;
  }

  /** features: a list (FeatureSubset), { top_n_feature_importance } (TopNByAttribution) or all_features (signals.py _to_rest_features). */
  private features(v: unknown, path: SpecPath): Obj | undefined {
    const { t } = this;
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') {
      if (v.toLowerCase() !== 'all_features')
        t.fail(path, `'${v}' is not a feature filter`, 'write all_features, a list of feature names, or { top_n_feature_importance: <n> }');
      return { filterType: 'AllFeatures' };
    }
    if (Array.isArray(v)) {
      if (v.length === 0) t.fail(path, 'lists no feature');
      return { filterType: 'FeatureSubset', features: v.map((f, i) => t.str(f, [...path, i])) };
    }
    const m = t.map(v, path, 'must be all_features, a list of feature names, or { top_n_feature_importance: <n> }');
    t.checkKeys(m, ['top_n_feature_importance'], path, 'feature filter');
    // MonitorFeatureFilter defaults to the top 10.
    return {
      filterType: 'TopNByAttribution',
      top: m.top_n_feature_importance === undefined ? 10 : t.int(m.top_n_feature_importance, [...path, 'top_n_feature_importance'], 1),
    };
  }

  private featureTypes(v: unknown, path: SpecPath): Obj | undefined {
    const m = this.t.stringMap(v, path);
    if (!m) return undefined;
    const out: Obj = {};
    for (const [f, type] of Object.entries(m))
      out[f] = this.t.oneOf(type.toLowerCase(), [...path, f], FEATURE_TYPES, 'a feature type', 'numerical, categorical');
    return out;
  }

  /**
   * Drift thresholds `{ numerical: { <metric>: v }, categorical: { <metric>: v } }` → one threshold
   * per data type (thresholds.py DataDriftMetricThreshold: azure-ai-ml sends the first metric set
   * of each type and drops the others; a second one is refused here instead).
   */
  private driftThresholds(v: unknown, path: SpecPath): Obj[] {
    const { t } = this;
    const m = t.map(v, path, 'must be a map: numerical and/or categorical, each { <metric>: <threshold> }');
    t.checkKeys(m, ['numerical', 'categorical'], path, 'drift metric thresholds');
    const out: Obj[] = [];
    for (const dataType of ['numerical', 'categorical'] as const) {
      if (m[dataType] === undefined || m[dataType] === null) continue;
      const dp = [...path, dataType];
      const metrics = t.map(m[dataType], dp, `must be a map: <metric>: <threshold>`);
      const names = Object.keys(metrics);
      if (names.length === 0) continue;
      if (names.length > 1)
        t.fail(
          [...dp, names[1]],
          `a drift signal takes one ${dataType} metric (azure-ai-ml would send only the first, ${names[0]})`,
          'keep one metric per data type',
        );
      const name = names[0];
      const metric = t.oneOf(
        name,
        [...dp, name],
        DRIFT_METRICS[dataType],
        `a ${dataType} drift metric${didYouMean(name, Object.keys(DRIFT_METRICS[dataType]))}`,
      );
      out.push({ dataType: FEATURE_TYPES[dataType], metric, threshold: { value: t.num(metrics[name], [...dp, name]) } });
    }
    if (out.length === 0) t.fail(path, 'sets no threshold');
    return out;
  }

  /** Data quality thresholds: every metric set, for each data type (thresholds.py DataQualityMetricsNumerical / Categorical). */
  private qualityThresholds(v: unknown, path: SpecPath): Obj[] {
    const { t } = this;
    const m = t.map(v, path, 'must be a map: numerical and/or categorical, each { <metric>: <threshold> }');
    t.checkKeys(m, ['numerical', 'categorical'], path, 'data quality metric thresholds');
    const out: Obj[] = [];
    for (const dataType of ['numerical', 'categorical'] as const) {
      if (m[dataType] === undefined || m[dataType] === null) continue;
      const dp = [...path, dataType];
      const metrics = t.map(m[dataType], dp, `must be a map: <metric>: <threshold>`);
      for (const name of Object.keys(metrics)) {
        const metric = t.oneOf(name, [...dp, name], QUALITY_METRICS, `a data quality metric${didYouMean(name, Object.keys(QUALITY_METRICS))}`);
        out.push({ dataType: FEATURE_TYPES[dataType], metric, threshold: { value: t.num(metrics[name], [...dp, name]) } });
      }
    }
    if (out.length === 0) t.fail(path, 'sets no threshold');
    return out;
  }

  private duration(v: unknown, path: SpecPath): string {
    const s = this.t.str(v, path).toUpperCase();
    if (!DURATION.test(s)) this.t.fail(path, `'${String(v)}' is not an ISO 8601 duration`, 'write P7D for seven days, PT12H for twelve hours');
    return s;
  }

  private date(v: unknown, path: SpecPath): string {
    const s = v instanceof Date ? v.toISOString() : this.t.str(v, path);
    if (Number.isNaN(Date.parse(s))) this.t.fail(path, `'${s}' is not a date`, 'write YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ');
    return s;
  }
}

/** A rolling window over collected data (the defaults of _resolve_monitor_schedule_arm_id). */
function rolling(c: CollectedData, context: string, size: string, offset: string): Obj {
  return { inputDataType: 'Rolling', jobInputType: c.type, uri: c.uri, dataContext: context, windowSize: size, windowOffset: offset };
}
