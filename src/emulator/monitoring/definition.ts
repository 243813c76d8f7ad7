/**
 * A schedule's `CreateMonitor` action (swagger 2024-10-01 CreateMonitorAction → MonitorDefinition,
 * DataDrift / PredictionDrift / DataQuality MonitoringSignal, *MetricThreshold,
 * MonitoringInputDataBase Fixed / Rolling / Static, MonitorServerlessSparkCompute,
 * MonitoringTarget, MonitorNotificationSettings): checked at the schedule PUT (400 naming the
 * property; nothing stored) and read by the monitor run.
 *
 * Refused, with a sentence that says why: FeatureAttributionDrift and Custom signals (a
 * surrogate model's feature importances; a user's Spark component), `TopNByAttribution` feature
 * filters and `featureImportanceSettings.mode: Enabled` (feature importances again), and
 * `preprocessingComponentId` (a user's Spark component). `inputDataType: Trailing` is taken as
 * `Rolling`: azure-ai-ml writes that name (entities/_monitoring/input_data.py TrailingInputData).
 */
import { ArmErrors } from '../arm/errors.js';
import { workspaceId, type WorkspaceScope } from '../arm/ids.js';
import { parseWorkspaceChild } from '../data/resources.js';
import { DataResolutionError, DataResolver } from '../data/uris.js';
import { durationMs } from '../endpoints/validate.js';
import { isObj, type Obj } from '../obj.js';
import type { BlobEndpoint, ResourceStore } from '../types.js';

export type SignalType = 'DataDrift' | 'PredictionDrift' | 'DataQuality';
export type FeatureType = 'Numerical' | 'Categorical';

/** Metrics by signal and data type (swagger *DataDriftMetric, *PredictionDriftMetric, *DataQualityMetric). */
export const METRICS: Record<SignalType, Record<FeatureType, readonly string[]>> = {
  DataDrift: {
    Numerical: ['JensenShannonDistance', 'PopulationStabilityIndex', 'NormalizedWassersteinDistance', 'TwoSampleKolmogorovSmirnovTest'],
    Categorical: ['JensenShannonDistance', 'PopulationStabilityIndex', 'PearsonsChiSquaredTest'],
  },
  PredictionDrift: {
    Numerical: ['JensenShannonDistance', 'PopulationStabilityIndex', 'NormalizedWassersteinDistance', 'TwoSampleKolmogorovSmirnovTest'],
    Categorical: ['JensenShannonDistance', 'PopulationStabilityIndex', 'PearsonsChiSquaredTest'],
  },
  DataQuality: {
    Numerical: ['NullValueRate', 'DataTypeErrorRate', 'OutOfBoundsRate'],
    Categorical: ['NullValueRate', 'DataTypeErrorRate', 'OutOfBoundsRate'],
  },
};

export interface InputData {
  kind: 'Fixed' | 'Rolling' | 'Static';
  jobInputType: string;
  uri: string;
  dataContext?: string;
  /** Rolling: window length and its distance from the run time (ms). */
  windowSizeMs?: number;
  windowOffsetMs?: number;
  /** Static: [start, end) (ms since the epoch). */
  windowStart?: number;
  windowEnd?: number;
}

export interface Threshold {
  dataType: FeatureType;
  metric: string;
  value: number | undefined;
}

export interface Signal {
  name: string;
  type: SignalType;
  production: InputData;
  reference: InputData;
  /** undefined: all features. */
  features?: string[];
  typeOverride: Record<string, FeatureType>;
  thresholds: Threshold[];
}

/** What the checks read: the resource store and the blob endpoint (for data references). */
export interface MonitorDeps {
  store: ResourceStore;
  blobEndpoint: BlobEndpoint;
}

export interface Monitor {
  deploymentId?: string;
  signals: Signal[];
  emails: string[];
}

function fail(target: string, message: string): never {
  throw ArmErrors.validation(target, message);
}

function only(o: Obj, keys: readonly string[], at: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(`${at}.${k}`, `'${k}' is not a property of ${at.split('.').pop()}.`);
}

function str(o: Obj, k: string, at: string, required = true): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) {
    if (required) fail(`${at}.${k}`, `The property '${k}' is required.`);
    return undefined;
  }
  if (typeof v !== 'string' || v.trim() === '') fail(`${at}.${k}`, `'${k}' must be a non-empty string.`);
  return v;
}

function oneOf<T extends string>(v: unknown, values: readonly T[], at: string, what: string): T {
  const hit = values.find((x) => x === v);
  if (!hit) fail(at, `${what} '${String(v)}' is not valid; expected one of ${values.join(', ')}.`);
  return hit;
}

function checkCompute(c: unknown, at: string): void {
  if (!isObj(c)) fail(at, "The property 'computeConfiguration' is required: a ServerlessSpark compute.");
  only(c, ['computeType', 'computeIdentity', 'instanceType', 'runtimeVersion'], at);
  oneOf(c.computeType, ['ServerlessSpark'], `${at}.computeType`, 'computeType');
  const instance = str(c, 'instanceType', at)!;
  if (!/[a-zA-Z0-9_]/.test(instance)) fail(`${at}.instanceType`, `instanceType '${instance}' is not valid.`);
  const runtime = str(c, 'runtimeVersion', at)!;
  if (!/^[0-9]+\.[0-9]+$/.test(runtime)) fail(`${at}.runtimeVersion`, `runtimeVersion '${runtime}' is not valid: use <major>.<minor>, e.g. 3.4.`);
  const id = c.computeIdentity;
  if (!isObj(id)) fail(`${at}.computeIdentity`, "The property 'computeIdentity' is required: { computeIdentityType: AmlToken | ManagedIdentity }.");
  oneOf(id.computeIdentityType, ['AmlToken', 'ManagedIdentity'], `${at}.computeIdentity.computeIdentityType`, 'computeIdentityType');
}

/** The target deployment: an online deployment of this workspace that exists. */
async function checkTarget(deps: MonitorDeps, scope: WorkspaceScope, t: unknown, at: string): Promise<string | undefined> {
  if (t === undefined || t === null) return undefined;
  if (!isObj(t)) fail(at, "'monitoringTarget' must be an object.");
  only(t, ['deploymentId', 'modelId', 'taskType'], at);
  oneOf(t.taskType, ['Classification', 'Regression'], `${at}.taskType`, 'taskType');
  str(t, 'modelId', at, false);
  const raw = str(t, 'deploymentId', at, false);
  if (raw === undefined) return undefined;
  const id = raw.replace(/^azureml:/i, '');
  const child = parseWorkspaceChild(id);
  const rest = child?.rest.map((s) => s.toLowerCase()) ?? [];
  if (!child || rest.length !== 4 || rest[0] !== 'onlineendpoints' || rest[2] !== 'deployments') {
    fail(`${at}.deploymentId`, `deploymentId '${raw}' is not the ARM id of an online deployment (…/onlineEndpoints/<endpoint>/deployments/<deployment>).`);
  }
  if (child.ws.id.toLowerCase() !== workspaceId(scope).toLowerCase()) {
    fail(
      `${at}.deploymentId`,
      `deploymentId '${raw}' is a deployment of another workspace; a monitor watches a deployment of its own workspace '${scope.workspaceName}'.`,
    );
  }
  const dep = await deps.store.get(id);
  if (!dep) {
    fail(`${at}.deploymentId`, `Online deployment '${child.rest[3]}' of endpoint '${child.rest[1]}' was not found in workspace '${scope.workspaceName}'.`);
  }
  return dep.id;
}

async function checkInput(deps: MonitorDeps, scope: WorkspaceScope, d: unknown, at: string): Promise<InputData> {
  if (!isObj(d)) fail(at, `The property '${at.split('.').pop()}' is required: the data the signal reads.`);
  const kindRaw = d.inputDataType === 'Trailing' ? 'Rolling' : d.inputDataType;
  const kind = oneOf(kindRaw, ['Fixed', 'Rolling', 'Static'] as const, `${at}.inputDataType`, 'inputDataType');
  const keys = ['inputDataType', 'jobInputType', 'uri', 'dataContext', 'columns'];
  if (kind === 'Rolling') keys.push('windowSize', 'windowOffset', 'preprocessingComponentId');
  if (kind === 'Static') keys.push('windowStart', 'windowEnd', 'preprocessingComponentId');
  only(d, keys, at);
  if (d.preprocessingComponentId !== undefined && d.preprocessingComponentId !== null) {
    fail(
      `${at}.preprocessingComponentId`,
      'A preprocessing component runs a user Spark component over the data; the Azure ML emulator does not run those. Give data the monitor can read as it is.',
    );
  }
  const jobInputType = oneOf(d.jobInputType, ['uri_file', 'uri_folder', 'mltable'] as const, `${at}.jobInputType`, 'jobInputType');
  const uri = str(d, 'uri', at)!;
  if (isObj(d.columns) === false && d.columns !== undefined && d.columns !== null) fail(`${at}.columns`, "'columns' must be an object of strings.");
  try {
    const ws = parseWorkspaceChild(`${workspaceId(scope)}/x`)!.ws;
    await new DataResolver(deps.store, ws, deps.blobEndpoint).resolve(uri);
  } catch (err) {
    if (err instanceof DataResolutionError) fail(`${at}.uri`, err.message);
    throw err;
  }
  const out: InputData = { kind, jobInputType, uri, ...(typeof d.dataContext === 'string' ? { dataContext: d.dataContext } : {}) };
  if (kind === 'Rolling') {
    out.windowSizeMs = durationMs(d.windowSize, `${at}.windowSize`);
    out.windowOffsetMs = durationMs(d.windowOffset, `${at}.windowOffset`);
    if (out.windowSizeMs <= 0) fail(`${at}.windowSize`, "'windowSize' must be longer than zero.");
  }
  if (kind === 'Static') {
    const t = (k: string) => {
      const v = Date.parse(String(d[k] ?? ''));
      if (!Number.isFinite(v)) fail(`${at}.${k}`, `'${k}' must be an ISO 8601 date and time.`);
      return v;
    };
    out.windowStart = t('windowStart');
    out.windowEnd = t('windowEnd');
    if (out.windowEnd <= out.windowStart) fail(`${at}.windowEnd`, "'windowEnd' must come after 'windowStart'.");
  }
  return out;
}

function checkThresholds(type: SignalType, list: unknown, at: string): Threshold[] {
  if (!Array.isArray(list)) fail(at, "The property 'metricThresholds' is required: a list of { dataType, metric, threshold }.");
  return list.map((t, i) => {
    const tat = `${at}[${i}]`;
    if (!isObj(t)) fail(tat, 'A metric threshold must be an object.');
    only(t, ['dataType', 'metric', 'threshold'], tat);
    const dataType = oneOf(t.dataType, ['Numerical', 'Categorical'] as const, `${tat}.dataType`, 'dataType');
    const metric = oneOf(t.metric, METRICS[type][dataType], `${tat}.metric`, `A ${dataType.toLowerCase()} ${type} metric`);
    let value: number | undefined;
    if (t.threshold !== undefined && t.threshold !== null) {
      if (!isObj(t.threshold)) fail(`${tat}.threshold`, "'threshold' must be an object { value: <number> }.");
      only(t.threshold, ['value'], `${tat}.threshold`);
      const v = t.threshold.value;
      if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
        fail(`${tat}.threshold.value`, `The threshold of ${metric} must be a number >= 0, got ${JSON.stringify(v)}.`);
      }
      value = typeof v === 'number' ? v : undefined;
    }
    return { dataType, metric, value };
  });
}

function checkFeatures(f: unknown, at: string): string[] | undefined {
  if (f === undefined || f === null) return undefined;
  if (!isObj(f)) fail(at, "'features' must be an object with 'filterType'.");
  const type = oneOf(f.filterType, ['AllFeatures', 'TopNByAttribution', 'FeatureSubset'] as const, `${at}.filterType`, 'filterType');
  if (type === 'TopNByAttribution') {
    fail(
      `${at}.filterType`,
      "TopNByAttribution ranks features by their attribution to a surrogate model's predictions; the Azure ML emulator does not compute feature attributions. Use AllFeatures or FeatureSubset.",
    );
  }
  if (type === 'AllFeatures') {
    only(f, ['filterType'], at);
    return undefined;
  }
  only(f, ['filterType', 'features'], at);
  if (!Array.isArray(f.features) || f.features.length === 0 || !f.features.every((x) => typeof x === 'string' && x !== '')) {
    fail(`${at}.features`, "A FeatureSubset needs 'features': a non-empty list of column names.");
  }
  return f.features as string[];
}

async function checkSignal(deps: MonitorDeps, scope: WorkspaceScope, name: string, s: unknown, at: string): Promise<Signal> {
  if (!isObj(s)) fail(at, `Signal '${name}' must be an object.`);
  if (s.signalType === 'FeatureAttributionDrift' || s.signalType === 'Custom') {
    fail(
      `${at}.signalType`,
      s.signalType === 'Custom'
        ? `Signal '${name}': a Custom signal runs a user Spark component; the Azure ML emulator does not run those.`
        : `Signal '${name}': FeatureAttributionDrift compares feature importances of a surrogate model trained on the data; the Azure ML emulator does not compute them. Use DataDrift, PredictionDrift or DataQuality.`,
    );
  }
  const type = oneOf(s.signalType, ['DataDrift', 'PredictionDrift', 'DataQuality'] as const, `${at}.signalType`, 'signalType');
  const keys = ['signalType', 'notificationTypes', 'properties', 'featureDataTypeOverride', 'metricThresholds', 'productionData', 'referenceData'];
  if (type !== 'PredictionDrift') keys.push('features', 'featureImportanceSettings');
  only(s, keys, at);
  if (s.notificationTypes !== undefined && s.notificationTypes !== null) {
    if (!Array.isArray(s.notificationTypes)) fail(`${at}.notificationTypes`, "'notificationTypes' must be a list.");
    s.notificationTypes.forEach((n, i) => oneOf(n, ['AmlNotification'], `${at}.notificationTypes[${i}]`, 'notificationType'));
  }
  if (s.properties !== undefined && s.properties !== null && (!isObj(s.properties) || !Object.values(s.properties).every((v) => typeof v === 'string'))) {
    fail(`${at}.properties`, "'properties' must be an object of strings.");
  }
  if (isObj(s.featureImportanceSettings)) {
    only(s.featureImportanceSettings, ['mode', 'targetColumn'], `${at}.featureImportanceSettings`);
    if (s.featureImportanceSettings.mode === 'Enabled') {
      fail(
        `${at}.featureImportanceSettings.mode`,
        'Feature importances need a surrogate model trained on the reference data; the Azure ML emulator does not compute them (mode Disabled).',
      );
    }
  }
  const typeOverride: Record<string, FeatureType> = {};
  if (s.featureDataTypeOverride !== undefined && s.featureDataTypeOverride !== null) {
    if (!isObj(s.featureDataTypeOverride))
      fail(`${at}.featureDataTypeOverride`, "'featureDataTypeOverride' must be an object of feature → Numerical | Categorical.");
    for (const [f, t] of Object.entries(s.featureDataTypeOverride)) {
      typeOverride[f] = oneOf(t, ['Numerical', 'Categorical'] as const, `${at}.featureDataTypeOverride.${f}`, 'Feature data type');
    }
  }
  return {
    name,
    type,
    production: await checkInput(deps, scope, s.productionData, `${at}.productionData`),
    reference: await checkInput(deps, scope, s.referenceData, `${at}.referenceData`),
    ...(type !== 'PredictionDrift' ? { features: checkFeatures(s.features, `${at}.features`) } : {}),
    typeOverride,
    thresholds: checkThresholds(type, s.metricThresholds, `${at}.metricThresholds`),
  };
}

/** Checks `properties.action.monitorDefinition` (400 naming the property) and returns what a run needs. */
export async function checkMonitorDefinition(deps: MonitorDeps, scope: WorkspaceScope, md: unknown): Promise<Monitor> {
  const at = 'properties.action.monitorDefinition';
  if (!isObj(md)) fail(at, "The property 'monitorDefinition' is required for a CreateMonitor action.");
  only(md, ['alertNotificationSettings', 'computeConfiguration', 'monitoringTarget', 'signals'], at);
  checkCompute(md.computeConfiguration, `${at}.computeConfiguration`);
  const deploymentId = await checkTarget(deps, scope, md.monitoringTarget, `${at}.monitoringTarget`);
  if (!isObj(md.signals) || Object.keys(md.signals).length === 0) fail(`${at}.signals`, "The property 'signals' is required: at least one named signal.");
  const signals: Signal[] = [];
  for (const [name, s] of Object.entries(md.signals)) {
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_\-.]*$/.test(name))
      fail(`${at}.signals.${name}`, `Signal name '${name}' is not valid: use letters, digits, '_', '-' and '.'.`);
    signals.push(await checkSignal(deps, scope, name, s, `${at}.signals.${name}`));
  }
  const emails: string[] = [];
  const ans = md.alertNotificationSettings;
  if (ans !== undefined && ans !== null) {
    if (!isObj(ans)) fail(`${at}.alertNotificationSettings`, "'alertNotificationSettings' must be an object.");
    only(ans, ['emailNotificationSettings'], `${at}.alertNotificationSettings`);
    const ens = ans.emailNotificationSettings;
    if (ens !== undefined && ens !== null) {
      const eat = `${at}.alertNotificationSettings.emailNotificationSettings`;
      if (!isObj(ens)) fail(eat, "'emailNotificationSettings' must be an object with 'emails'.");
      only(ens, ['emails'], eat);
      if (ens.emails !== undefined && ens.emails !== null) {
        if (!Array.isArray(ens.emails) || !ens.emails.every((e) => typeof e === 'string' && /^[^@\s]+@[^@\s]+$/.test(e))) {
          fail(`${eat}.emails`, "'emails' must be a list of e-mail addresses.");
        }
        emails.push(...(ens.emails as string[]));
      }
    }
  }
  return { ...(deploymentId ? { deploymentId } : {}), signals, emails };
}

/**
 * The job a CreateMonitor schedule creates at a trigger time: a pipeline job (Azure's monitor run
 * is a pipeline of the `*_signal_monitor` components, Azure/azureml-assets
 * assets/model_monitoring/components) with their `monitor_name` and `monitor_current_time` inputs
 * and the create-manifest component's `model_monitor_metrics_output` folder as its output.
 */
export function monitorJobBody(scheduleName: string, jobName: string, triggerTime: string, tags: Obj): Obj {
  return {
    jobType: 'Pipeline',
    displayName: jobName,
    experimentName: scheduleName,
    tags: { ...tags },
    inputs: {
      monitor_name: { jobInputType: 'literal', value: scheduleName },
      monitor_current_time: { jobInputType: 'literal', value: triggerTime },
    },
    outputs: {
      model_monitor_metrics_output: {
        jobOutputType: 'uri_folder',
        mode: 'ReadWriteMount',
        uri: `azureml://datastores/workspaceblobstore/paths/azureml/${jobName}/model_monitor_metrics_output/`,
      },
    },
  };
}
