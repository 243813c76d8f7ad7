/**
 * Model monitoring in the emulator, really run: an online deployment with a data collector
 * serves requests and its inputs and outputs land as JSONL in Azurite where Azure writes them; a
 * CreateMonitor schedule, its clock run ahead, runs a monitor job per trigger time that reads
 * the collected data of its window and the training data, computes data drift, prediction drift
 * and data quality, and records them as /work/notes/monitor-contract.md says (MLflow runs by
 * tags, the signal files of the job's output, the breach tag). Production data like the training
 * data: nothing breached; then shifted traffic: drift detected on the shifted features only.
 * Bad monitor bodies are refused with the property named, nothing stored.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../helpers/prng.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import {
  API,
  armWait,
  deploymentPath,
  endpointPath,
  registerCode,
  registerEnvironment,
  registerModel,
  score,
  setTraffic,
  until,
  uploadFolder,
  writeFiles,
} from './endpoints-support.js';
import { arm, startFastEmulator, wsPath } from './support.js';

type Json = Record<string, any>;
const HOUR = 3_600_000;
const EP = 'credit-default';
const DEP = 'main';

let em: RunningEmulator;
let dir: string;
/** How far the schedule clock runs ahead of the real one. */
let offset = 0;

beforeAll(async () => {
  em = await startFastEmulator({ metricsDelay: 0, schedules: { clock: { now: () => new Date(Date.now() + offset) }, tickMs: 25 } });
  dir = await mkdtemp(join(tmpdir(), 'monitoring-'));
}, 60_000);

afterAll(async () => {
  await em?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Row {
  AGE: number;
  LIMIT_BAL: number;
  EDUCATION: string;
}

/** Customers; `shifted`: lower limits and mostly high-school education. */
function customers(n: number, seed: number, shifted = false): Row[] {
  const r = prng(seed);
  return Array.from({ length: n }, () => {
    const u = r();
    return {
      AGE: 21 + Math.floor(r() * 45),
      LIMIT_BAL: Math.round((shifted ? 0.3 : 1) * (20_000 + r() * 180_000) * 100) / 100,
      EDUCATION: shifted ? (u < 0.8 ? 'high_school' : 'university') : u < 0.5 ? 'graduate' : u < 0.8 ? 'university' : 'high_school',
    };
  });
}

/** The model: default when the limit is low (as the scoring script computes it). */
const label = (row: Row) => (row.LIMIT_BAL < 50_000 ? 1 : 0);

/** Records in, `{"DEFAULT_NEXT_MONTH": [...]}` out, like azureml-examples cli/monitoring/azureml-e2e-model-monitoring/code/score.py. */
const SCORE_PY = `import json

def init():
    print("ready", flush=True)

def run(raw):
    rows = json.loads(raw)["data"]
    return {"DEFAULT_NEXT_MONTH": [1 if r["LIMIT_BAL"] < 50000 else 0 for r in rows]}
`;

async function blobNames(prefix: string): Promise<string[]> {
  const service = new BlobServiceClient(em.blob.url, new StorageSharedKeyCredential(em.blob.accountName, em.blob.accountKey));
  const ds = await arm<Json>(em, 'GET', `${wsPath(em)}/datastores/workspaceblobstore`);
  const container = service.getContainerClient(String(ds.body.properties.containerName));
  const names: string[] = [];
  for await (const b of container.listBlobsFlat({ prefix })) names.push(b.name);
  return names;
}

async function blobText(name: string): Promise<string> {
  const service = new BlobServiceClient(em.blob.url, new StorageSharedKeyCredential(em.blob.accountName, em.blob.accountKey));
  const ds = await arm<Json>(em, 'GET', `${wsPath(em)}/datastores/workspaceblobstore`);
  const buf = await service.getContainerClient(String(ds.body.properties.containerName)).getBlobClient(name).downloadToBuffer();
  return buf.toString('utf8');
}

async function mlflow(method: 'GET' | 'POST', path: string, body?: Json, query?: Record<string, string>): Promise<Json> {
  const url = new URL(`${em.baseUrl}/mlflow/v1.0${wsPath(em)}/api/2.0/mlflow/${path}`);
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${em.issueToken()}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as Json;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

function monitorBody(signals: Json, extra: Json = {}): Json {
  return {
    properties: {
      description: 'credit default monitoring',
      trigger: { triggerType: 'Cron', expression: '30 * * * *', timeZone: 'UTC', startTime: '2020-01-01T00:00:00' },
      action: {
        actionType: 'CreateMonitor',
        monitorDefinition: {
          computeConfiguration: {
            computeType: 'ServerlessSpark',
            instanceType: 'standard_e4s_v3',
            runtimeVersion: '3.4',
            computeIdentity: { computeIdentityType: 'AmlToken' },
          },
          monitoringTarget: { taskType: 'Classification', deploymentId: `${wsPath(em)}/onlineEndpoints/${EP}/deployments/${DEP}` },
          signals: structuredClone(signals),
          alertNotificationSettings: { emailNotificationSettings: { emails: ['mlops@example.com'] } },
          ...extra,
        },
      },
    },
  };
}

const rolling = (uri: string, context: string) => ({
  inputDataType: 'Rolling',
  jobInputType: 'uri_folder',
  uri,
  dataContext: context,
  windowSize: 'P1D',
  windowOffset: 'P0D',
});
const training = {
  inputDataType: 'Fixed',
  jobInputType: 'uri_file',
  uri: 'azureml:credit-reference:1',
  dataContext: 'training',
  columns: { target_column: 'DEFAULT_NEXT_MONTH' },
};

function signals(): Json {
  const inputs = `azureml:${EP}-${DEP}-model_inputs:1`;
  return {
    drift: {
      signalType: 'DataDrift',
      productionData: rolling(inputs, 'model_inputs'),
      referenceData: { ...training },
      features: { filterType: 'AllFeatures' },
      metricThresholds: [
        { dataType: 'Numerical', metric: 'NormalizedWassersteinDistance', threshold: { value: 0.3 } },
        { dataType: 'Categorical', metric: 'JensenShannonDistance', threshold: { value: 0.2 } },
      ],
      notificationTypes: ['AmlNotification'],
    },
    prediction: {
      signalType: 'PredictionDrift',
      productionData: rolling(`azureml:${EP}-${DEP}-model_outputs:1`, 'model_outputs'),
      referenceData: { ...training },
      metricThresholds: [{ dataType: 'Categorical', metric: 'JensenShannonDistance', threshold: { value: 0.2 } }],
    },
    quality: {
      signalType: 'DataQuality',
      productionData: rolling(inputs, 'model_inputs'),
      referenceData: { ...training, jobInputType: 'mltable', uri: 'azureml:credit-reference-table:1' },
      features: { filterType: 'FeatureSubset', features: ['LIMIT_BAL', 'EDUCATION'] },
      metricThresholds: [
        { dataType: 'Numerical', metric: 'OutOfBoundsRate', threshold: { value: 0.1 } },
        { dataType: 'Categorical', metric: 'NullValueRate', threshold: { value: 0.05 } },
      ],
    },
  };
}

async function jobsOf(schedule: string): Promise<Json[]> {
  const r = await arm<{ value: Json[] }>(em, 'GET', `${wsPath(em)}/jobs`, undefined, { query: { scheduleId: schedule } });
  return r.body.value;
}

/** Moves the schedule clock to just after the next hh:30 (the cron's time); returns that time. */
function advanceToNextHalfHour(): number {
  const now = Date.now() + offset;
  let t = Math.floor(now / HOUR) * HOUR + HOUR / 2;
  if (t <= now) t += HOUR;
  offset += t - now + 1000;
  return t;
}

async function scoreAll(uri: string, key: string, rows: Row[], batch = 20): Promise<void> {
  for (let i = 0; i < rows.length; i += batch) {
    const r = await score(uri, key, { data: rows.slice(i, i + batch) });
    expect(r.status).toBe(200);
  }
}

/** The latest run's results of a signal, read as the contract says (MLflow, by tags, at the run's step). */
async function signalResults(monitor: string, job: Json, signal: string): Promise<Record<string, Record<string, number>>> {
  const exp = await mlflow('GET', 'experiments/get-by-name', undefined, { experiment_name: String(job.properties.experimentName) });
  const found = await mlflow('POST', 'runs/search', {
    experiment_ids: [exp.experiment.experiment_id],
    filter: `tags.azureml.monitor_name = '${monitor}' and tags.azureml.signal_name = '${signal}'`,
    max_results: 1000,
  });
  const step = Math.floor(Date.parse(job.properties.inputs.monitor_current_time.value) / 1000);
  const out: Record<string, Record<string, number>> = {};
  for (const run of found.runs as Json[]) {
    const tags = Object.fromEntries((run.data.tags as Array<{ key: string; value: string }>).map((t) => [t.key, t.value]));
    const key = `${tags['azureml.feature_name']}.${tags['azureml.metric_name']}`;
    out[key] = {};
    for (const m of run.data.metrics as Array<{ key: string }>) {
      const hist = await mlflow('GET', 'metrics/get-history', undefined, { run_id: run.info.run_id, metric_key: m.key });
      const at = (hist.metrics as Array<{ step: number; value: number }>).find((h) => Number(h.step) === step);
      if (at) out[key][m.key] = at.value;
    }
  }
  return out;
}

describe('model monitoring of an online deployment', () => {
  let uri: string;
  let key: string;
  const reference = customers(400, 7);

  it('a deployment with a data collector registers its data assets and writes what it serves to modelDataCollector/…', async () => {
    await armWait(em, 'PUT', endpointPath(em, EP), { location: 'eastus', properties: { authMode: 'Key' } });
    const modelDir = writeFiles(join(dir, 'model'), { 'model.txt': 'rule: LIMIT_BAL < 50000' });
    const codeDir = writeFiles(join(dir, 'code'), { 'score.py': SCORE_PY });
    const modelId = await registerModel(em, 'credit-default-model', '1', await uploadFolder(em, modelDir, 'LocalUpload/credit/model'));
    const codeId = await registerCode(em, 'credit-default-code', '1', await uploadFolder(em, codeDir, 'LocalUpload/credit/code'));
    const envId = await registerEnvironment(em, 'credit-default-env');
    const dataCollector = {
      collections: { model_inputs: { dataCollectionMode: 'Enabled' }, model_outputs: { dataCollectionMode: 'Enabled' } },
      rollingRate: 'Hour',
    };
    const put = await armWait(em, 'PUT', deploymentPath(em, EP, DEP), {
      location: 'eastus',
      sku: { name: 'Default', capacity: 1 },
      properties: {
        endpointComputeType: 'Managed',
        model: modelId,
        codeConfiguration: { codeId, scoringScript: 'score.py' },
        environmentId: envId,
        instanceType: 'Standard_F2s_v2',
        dataCollector,
      },
    });
    expect(put.status).toBe('Succeeded');
    const got = await arm<Json>(em, 'GET', deploymentPath(em, EP, DEP), undefined, { apiVersion: API });
    const collections = got.body.properties.dataCollector.collections;
    expect(collections.model_inputs.dataId).toBe(`${wsPath(em)}/data/${EP}-${DEP}-model_inputs/versions/1`);
    const asset = await arm<Json>(em, 'GET', `${collections.model_outputs.dataId}`);
    expect(asset.body.properties.dataType).toBe('uri_folder');
    expect(asset.body.properties.dataUri).toBe(`azureml://datastores/workspaceblobstore/paths/modelDataCollector/${EP}/${DEP}/model_outputs/`);
    expect((await setTraffic(em, EP, { [DEP]: 100 })).status).toBe('Succeeded');
    const ep = await arm<Json>(em, 'GET', endpointPath(em, EP), undefined, { apiVersion: API });
    uri = String(ep.body.properties.scoringUri);
    key = (await arm<{ primaryKey: string }>(em, 'POST', `${endpointPath(em, EP)}/listKeys`, undefined, { apiVersion: API })).body.primaryKey;

    // Production traffic like the training data: 10 requests of 20 customers.
    const sent = customers(200, 11);
    await scoreAll(uri, key, sent);
    const names = await until(
      async () => {
        const n = await blobNames(`modelDataCollector/${EP}/${DEP}/model_inputs/`);
        return n.length === 10 ? n : undefined;
      },
      15_000,
      'the collected model inputs',
    );
    expect(names.every((n) => /^modelDataCollector\/credit-default\/main\/model_inputs\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/[\w-]+\.jsonl$/.test(n))).toBe(true);
    const lines = (await Promise.all(names.map(blobText))).map((t) => JSON.parse(t.trim()) as Json);
    expect(lines[0]).toMatchObject({
      specversion: '1.0',
      type: 'azureml.inference.model_inputs',
      datacontenttype: 'application/json',
      collectdatatype: 'pandas.core.frame.DataFrame',
    });
    expect(lines[0].source).toBe(`${wsPath(em)}/onlineEndpoints/${EP}/deployments/${DEP}`);
    expect(lines.flatMap((l) => l.data as Row[]).sort((a, b) => a.LIMIT_BAL - b.LIMIT_BAL)).toEqual([...sent].sort((a, b) => a.LIMIT_BAL - b.LIMIT_BAL));
    const outputs = await until(
      async () => {
        const n = await blobNames(`modelDataCollector/${EP}/${DEP}/model_outputs/`);
        return n.length === 10 ? n : undefined;
      },
      15_000,
      'the collected model outputs',
    );
    const out = (await Promise.all(outputs.map(blobText))).map((t) => JSON.parse(t.trim()) as Json);
    const byCorrelation = new Map(out.map((l) => [l.correlationid, l]));
    for (const l of lines) {
      const o = byCorrelation.get(l.correlationid)!;
      expect(o.type).toBe('azureml.inference.model_outputs');
      expect((o.data as Array<{ DEFAULT_NEXT_MONTH: number }>).map((d) => d.DEFAULT_NEXT_MONTH)).toEqual((l.data as Row[]).map(label));
    }
  }, 120_000);

  it('refuses a bad monitor as the service would, naming the property; nothing is stored', async () => {
    // The reference data: the training set, a CSV with the label the model learnt.
    const csv = ['AGE,LIMIT_BAL,EDUCATION,DEFAULT_NEXT_MONTH', ...reference.map((r) => `${r.AGE},${r.LIMIT_BAL},${r.EDUCATION},${label(r)}`)].join('\n');
    const refDir = writeFiles(join(dir, 'reference'), { 'credit.csv': csv });
    const refUri = await uploadFolder(em, refDir, 'LocalUpload/credit/reference');
    const data = await arm(
      em,
      'PUT',
      `${wsPath(em)}/data/credit-reference/versions/1`,
      { properties: { dataType: 'uri_file', dataUri: `${refUri}credit.csv` } },
      { apiVersion: API },
    );
    expect(data.status).toBeLessThan(300);
    // The same table as an MLTable (the data quality signal reads this one).
    const mltable =
      'paths:\n  - file: ./credit.csv\ntransformations:\n  - read_delimited:\n      delimiter: ","\n      encoding: utf8\n      header: all_files_same_headers\n';
    const tableDir = writeFiles(join(dir, 'reference-mltable'), { 'credit.csv': csv, MLTable: mltable });
    const tableUri = await uploadFolder(em, tableDir, 'LocalUpload/credit/reference-mltable');
    const table = await arm(
      em,
      'PUT',
      `${wsPath(em)}/data/credit-reference-table/versions/1`,
      { properties: { dataType: 'mltable', dataUri: tableUri } },
      { apiVersion: API },
    );
    expect(table.status).toBeLessThan(300);
    const cases: Array<[string, (b: Json) => void, RegExp]> = [
      [
        'another deployment',
        (b) => (b.properties.action.monitorDefinition.monitoringTarget.deploymentId = `${wsPath(em)}/onlineEndpoints/${EP}/deployments/nope`),
        /monitoringTarget\.deploymentId/,
      ],
      [
        'an unknown metric',
        (b) => (b.properties.action.monitorDefinition.signals.drift.metricThresholds[1].metric = 'NormalizedWassersteinDistance'),
        /signals\.drift\.metricThresholds\[1\]\.metric/,
      ],
      ['a negative threshold', (b) => (b.properties.action.monitorDefinition.signals.quality.metricThresholds[0].threshold.value = -1), /threshold\.value/],
      [
        'feature attribution drift',
        (b) => (b.properties.action.monitorDefinition.signals.drift.signalType = 'FeatureAttributionDrift'),
        /signals\.drift\.signalType/,
      ],
      [
        'a missing reference asset',
        (b) => (b.properties.action.monitorDefinition.signals.prediction.referenceData.uri = 'azureml:missing:1'),
        /signals\.prediction\.referenceData\.uri/,
      ],
    ];
    for (const [what, change, target] of cases) {
      const body = monitorBody(signals());
      change(body);
      const r = await arm<Json>(em, 'PUT', `${wsPath(em)}/schedules/bad-monitor`, body);
      expect(r.status, what).toBe(400);
      expect(r.body.error.code, what).toBe('UserError');
      expect(`${r.body.error.target ?? ''} ${r.body.error.message}`, what).toMatch(target);
    }
    expect((await arm(em, 'GET', `${wsPath(em)}/schedules/bad-monitor`)).status).toBe(404);
  });

  it('runs the monitor at its trigger times: no breach on like data, drift detected once the traffic shifts', async () => {
    const monitor = 'credit-monitor';
    const put = await arm<Json>(em, 'PUT', `${wsPath(em)}/schedules/${monitor}`, monitorBody(signals()));
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    await until(async () =>
      (await arm<Json>(em, 'GET', `${wsPath(em)}/schedules/${monitor}`)).body.properties.provisioningState === 'Succeeded' ? true : undefined,
    );
    const got = await arm<Json>(em, 'GET', `${wsPath(em)}/schedules/${monitor}`);
    expect(got.body.properties.action.actionType).toBe('CreateMonitor');
    expect(Object.keys(got.body.properties.action.monitorDefinition.signals).sort()).toEqual(['drift', 'prediction', 'quality']);

    // First trigger time: the traffic so far is like the training data.
    const t1 = advanceToNextHalfHour();
    const [job1] = await until(
      async () => {
        const jobs = await jobsOf(monitor);
        return jobs.length === 1 && jobs[0].properties.status === 'Completed' ? jobs : undefined;
      },
      60_000,
      'the first monitor run',
    );
    expect(job1.properties.jobType).toBe('Pipeline');
    expect(job1.properties.experimentName).toBe(monitor);
    expect(job1.properties.inputs.monitor_current_time.value).toBe(new Date(t1).toISOString());
    const drift1 = await signalResults(monitor, job1, 'drift');
    expect(Object.keys(drift1).sort()).toEqual([
      'AGE.NormalizedWassersteinDistance',
      'EDUCATION.JensenShannonDistance',
      'LIMIT_BAL.NormalizedWassersteinDistance',
    ]);
    for (const [k, v] of Object.entries(drift1)) expect(v.value, k).toBeLessThan(v.threshold);
    const quality1 = await signalResults(monitor, job1, 'quality');
    expect(quality1['LIMIT_BAL.OutOfBoundsRate']).toEqual({ target_value: 0, baseline_value: 0, threshold: 0.1 });
    expect(quality1['EDUCATION.NullValueRate']).toEqual({ target_value: 0, baseline_value: 0, threshold: 0.05 });
    const run1 = await mlflow('GET', 'runs/get', undefined, { run_id: job1.name });
    expect((run1.run.data.tags as Array<{ key: string }>).map((t) => t.key)).not.toContain('azureml_modelmonitor_threshold_breached');

    // Shifted traffic: four times as much, lower limits, other education; then the next trigger time.
    await scoreAll(uri, key, customers(800, 13, true));
    await until(
      async () => ((await blobNames(`modelDataCollector/${EP}/${DEP}/model_inputs/`)).length === 50 ? true : undefined),
      20_000,
      'the shifted inputs collected',
    );
    offset += HOUR;
    const job2 = await until(
      async () => {
        const jobs = (await jobsOf(monitor)).sort((a, b) =>
          b.properties.inputs.monitor_current_time.value.localeCompare(a.properties.inputs.monitor_current_time.value),
        );
        return jobs.length === 2 && jobs[0].properties.status === 'Completed' ? jobs[0] : undefined;
      },
      60_000,
      'the second monitor run',
    );
    expect(job2.properties.inputs.monitor_current_time.value).toBe(new Date(t1 + HOUR).toISOString());
    const drift2 = await signalResults(monitor, job2, 'drift');
    expect(drift2['LIMIT_BAL.NormalizedWassersteinDistance'].value).toBeGreaterThan(0.3);
    expect(drift2['EDUCATION.JensenShannonDistance'].value).toBeGreaterThan(0.2);
    expect(drift2['AGE.NormalizedWassersteinDistance'].value).toBeLessThan(0.3);
    const prediction2 = await signalResults(monitor, job2, 'prediction');
    expect(prediction2['DEFAULT_NEXT_MONTH.JensenShannonDistance'].value).toBeGreaterThan(0.2);
    // The first run's values stay at their own step of the same runs (a time series).
    expect((await signalResults(monitor, job1, 'drift'))['LIMIT_BAL.NormalizedWassersteinDistance'].value).toBe(
      drift1['LIMIT_BAL.NormalizedWassersteinDistance'].value,
    );

    // The signal files of the job's output, and the breach tag on its run.
    const base = `azureml/${job2.name}/model_monitor_metrics_output`;
    const manifest = JSON.parse(await blobText(`${base}/manifest.json`)) as Json;
    expect(manifest).toEqual({
      version: '1.0.0',
      metricsFiles: { drift: 'signals/drift.json', prediction: 'signals/prediction.json', quality: 'signals/quality.json' },
    });
    const file = JSON.parse(await blobText(`${base}/signals/drift.json`)) as Json;
    expect(file.signalType).toBe('DataDrift');
    expect(file.metrics.rowCount).toEqual({ baselineCount: 400, targetCount: 1000 });
    const limit = file.metrics.features.LIMIT_BAL;
    expect(limit.dataType).toBe('Numerical');
    expect(limit.metrics[0]).toEqual({
      metricName: 'NormalizedWassersteinDistance',
      metricValue: drift2['LIMIT_BAL.NormalizedWassersteinDistance'].value,
      threshold: 0.3,
    });
    expect(file.metrics.features.EDUCATION.dataType).toBe('Categorical');
    const run2 = await mlflow('GET', 'runs/get', undefined, { run_id: job2.name });
    const breach = (run2.run.data.tags as Array<{ key: string; value: string }>).find((t) => t.key === 'azureml_modelmonitor_threshold_breached');
    expect(breach?.value).toMatch(/The signal 'drift' has failed/);
    expect(breach?.value).toMatch(/The signal 'prediction' has failed/);
    // Limits below the training data's minimum: out of bounds; education never null.
    const quality2 = await signalResults(monitor, job2, 'quality');
    expect(quality2['LIMIT_BAL.OutOfBoundsRate'].target_value).toBeGreaterThan(0.1);
    expect(quality2['EDUCATION.NullValueRate'].target_value).toBe(0);
    expect(breach?.value).toMatch(/The signal 'quality' has failed/);
  }, 180_000);

  it('a window without collected data fails the run with the reason, as the preprocessor of Azure does', async () => {
    const monitor = 'empty-window';
    const body = monitorBody(signals());
    const sig = body.properties.action.monitorDefinition.signals;
    delete sig.prediction;
    delete sig.quality;
    sig.drift.productionData.windowOffset = 'P30D';
    expect((await arm<Json>(em, 'PUT', `${wsPath(em)}/schedules/${monitor}`, body)).status).toBe(201);
    await until(async () =>
      (await arm<Json>(em, 'GET', `${wsPath(em)}/schedules/${monitor}`)).body.properties.provisioningState === 'Succeeded' ? true : undefined,
    );
    advanceToNextHalfHour();
    const [job] = await until(
      async () => {
        const jobs = await jobsOf(monitor);
        return jobs.length === 1 && ['Completed', 'Failed'].includes(jobs[0].properties.status) ? jobs : undefined;
      },
      60_000,
      'the monitor run',
    );
    expect(job.properties.status).toBe('Failed');
    const run = await mlflow('GET', 'runs/get', undefined, { run_id: job.name });
    const tags = Object.fromEntries((run.run.data.tags as Array<{ key: string; value: string }>).map((t) => [t.key, t.value]));
    expect(tags['azureml.modelmonitor.error']).toBe('No data found for the given time window.');
    expect(tags['azureml.error']).toMatch(/signal 'drift' productionData: No data found for the given time window/);
  }, 90_000);
});
