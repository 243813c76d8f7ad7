/**
 * Production data collection of online deployments (`properties.dataCollector`, swagger 2024-10-01
 * DataCollector / Collection): the deployment PUT checks it and registers a data asset per
 * enabled collection; each request a deployment answers (2xx) is then written, as Azure's data
 * collector writes it, to the workspace blob store (Azurite).
 *
 * Sources: docs how-to-collect-production-data.md (MicrosoftDocs/azure-ai-docs) —
 * - the path: `azureml://datastores/workspaceblobstore/paths/modelDataCollector` +
 *   `{endpoint}/{deployment}/{collection}/{yyyy}/{MM}/{dd}/{HH}/{instance_id}.jsonl`, or below a
 *   collection's own data asset path ("Store collected data in Blob Storage", "Collect data to a
 *   custom Blob Storage container");
 * - each line a CloudEvents-like JSON object `{specversion, id, source, type:
 *   "azureml.inference.<collection>", datacontenttype, time, data, correlationid, xrequestid,
 *   modelversion, collectdatatype, agent, contentrange}`; payload logging (`request` / `response`
 *   collections) adds `path` and `method`; `model_inputs` / `model_outputs` carry the rows of a
 *   DataFrame as records ("The collected data follows the following JSON schema");
 * - the assets `<endpoint>-<deployment>-model_inputs` / `-model_outputs` ("two data assets are
 *   created", "Collect data for MLflow models"), whose ids azure-ai-ml reads from
 *   `collections.<c>.data` (operations/_schedule_operations.py `_resolve_monitor_schedule_arm_id`).
 *
 * What a scoring script would log with `azureml-ai-monitoring` cannot be known from outside the
 * process: `model_inputs` / `model_outputs` (and `model_inputs_outputs`, their rows side by side)
 * are the request's and the answer's JSON read as a table, as the auto-instrumentation of MLflow
 * deployments logs the model's input and output DataFrames. Other collection names are refused.
 * Partitions finer or coarser than the documented hour (`rollingRate`) follow the same
 * `{yyyy}/{MM}/{dd}/{HH}/{mm}` pattern, cut at that unit (emulator's reading; not documented).
 */
import { randomUUID } from 'node:crypto';
import { seedAssetVersion } from '../arm/assets.js';
import type { ArmDeps } from '../arm/deps.js';
import { ArmErrors } from '../arm/errors.js';
import { childId, type WorkspaceScope } from '../arm/ids.js';
import { joinBlobPath, type BlobIO, type BlobLocation } from '../data/blob-io.js';
import { parseWorkspaceChild } from '../data/resources.js';
import { DataResolver, DEFAULT_DATASTORE } from '../data/uris.js';
import { isObj, type Obj } from '../obj.js';
import type { BlobEndpoint } from '../types.js';

/** Root of collected data in the workspace blob store (how-to-collect-production-data). */
export const MDC_ROOT = 'modelDataCollector';
const ROLLING_RATES = ['Year', 'Month', 'Day', 'Hour', 'Minute'];
/** The collections the emulator can fill from outside the scoring process. */
export const TABLE_COLLECTIONS = ['model_inputs', 'model_outputs', 'model_inputs_outputs'];
const PAYLOAD_COLLECTIONS = ['request', 'response'];
const COLLECTION_KEYS = ['clientId', 'dataCollectionMode', 'dataId', 'samplingRate'];

function fail(target: string, message: string): never {
  throw ArmErrors.validation(target, message);
}

/** Checks `properties.dataCollector` against swagger DataCollector (400 naming the property). */
export function validateDataCollector(dc: unknown, at = 'properties.dataCollector'): void {
  if (dc === undefined || dc === null) return;
  if (!isObj(dc)) fail(at, "'dataCollector' must be an object with 'collections'.");
  for (const k of Object.keys(dc)) {
    if (!['collections', 'requestLogging', 'rollingRate'].includes(k)) fail(`${at}.${k}`, `'${k}' is not a property of dataCollector.`);
  }
  if (!isObj(dc.collections)) fail(`${at}.collections`, "The property 'collections' is required: an object of named collections.");
  if (dc.rollingRate !== undefined && dc.rollingRate !== null && !ROLLING_RATES.includes(String(dc.rollingRate))) {
    fail(`${at}.rollingRate`, `rollingRate '${String(dc.rollingRate)}' is not valid; expected one of ${ROLLING_RATES.join(', ')}.`);
  }
  if (dc.requestLogging !== undefined && dc.requestLogging !== null) {
    const rl = dc.requestLogging;
    if (!isObj(rl) || Object.keys(rl).some((k) => k !== 'captureHeaders')) fail(`${at}.requestLogging`, "'requestLogging' takes only 'captureHeaders'.");
    if (rl.captureHeaders !== undefined && (!Array.isArray(rl.captureHeaders) || !rl.captureHeaders.every((h) => typeof h === 'string'))) {
      fail(`${at}.requestLogging.captureHeaders`, "'captureHeaders' must be a list of header names.");
    }
  }
  for (const [name, c] of Object.entries(dc.collections)) {
    const cat = `${at}.collections.${name}`;
    if (!isObj(c)) fail(cat, `Collection '${name}' must be an object.`);
    for (const k of Object.keys(c)) if (!COLLECTION_KEYS.includes(k)) fail(`${cat}.${k}`, `'${k}' is not a property of a collection.`);
    if (c.dataCollectionMode !== undefined && c.dataCollectionMode !== null && !['Enabled', 'Disabled'].includes(String(c.dataCollectionMode))) {
      fail(`${cat}.dataCollectionMode`, `dataCollectionMode '${String(c.dataCollectionMode)}' is not valid; expected Enabled or Disabled.`);
    }
    if (c.samplingRate !== undefined && c.samplingRate !== null && (typeof c.samplingRate !== 'number' || c.samplingRate < 0 || c.samplingRate > 1)) {
      fail(`${cat}.samplingRate`, "'samplingRate' must be a number from 0 to 1 (the fraction of requests collected).");
    }
    if (enabled(c) && !TABLE_COLLECTIONS.includes(name) && !PAYLOAD_COLLECTIONS.includes(name)) {
      fail(
        cat,
        `Collection '${name}' is logged by the scoring script's own azureml-ai-monitoring Collector, which the Azure ML emulator does not run; it collects ${[...TABLE_COLLECTIONS, ...PAYLOAD_COLLECTIONS].join(', ')}.`,
      );
    }
  }
}

function enabled(c: Obj): boolean {
  return c.dataCollectionMode === 'Enabled'; // swagger Collection.dataCollectionMode default Disabled
}

/** The asset a collection writes to: `<endpoint>-<deployment>-<collection>` version 1 (how-to-collect-production-data). */
export function collectionAssetName(endpoint: string, deployment: string, collection: string): string {
  return `${endpoint}-${deployment}-${collection}`;
}

/**
 * Registers the data asset of each enabled collection that names none (`dataId`) and returns the
 * dataCollector with `dataId` filled in (the ARM id of that asset version).
 */
export async function prepareDataCollector(
  deps: ArmDeps,
  scope: WorkspaceScope,
  endpoint: string,
  deployment: string,
  dc: unknown,
  now: Date,
): Promise<unknown> {
  if (!isObj(dc) || !isObj(dc.collections)) return dc;
  const out = structuredClone(dc) as Obj & { collections: Record<string, Obj> };
  for (const [name, c] of Object.entries(out.collections)) {
    if (!enabled(c) || (typeof c.dataId === 'string' && c.dataId !== '')) continue;
    const asset = collectionAssetName(endpoint, deployment, name);
    await seedAssetVersion(
      deps,
      scope,
      'data',
      asset,
      '1',
      { dataType: 'uri_folder', dataUri: `azureml://datastores/${DEFAULT_DATASTORE}/paths/${MDC_ROOT}/${endpoint}/${deployment}/${name}/` },
      now,
    );
    c.dataId = childId(scope, 'data', asset, 'versions', '1');
  }
  return out;
}

/** Rows of a JSON body read as a table (pandas' readings of the usual scoring payloads). */
export function tableRows(body: unknown): Obj[] | undefined {
  const matrix = (rows: unknown[], columns?: unknown[]): Obj[] =>
    rows.map((r) => {
      if (isObj(r)) return r;
      const cells = Array.isArray(r) ? r : [r];
      return Object.fromEntries(cells.map((v, i) => [columns && typeof columns[i] === 'string' ? columns[i] : String(i), v]));
    });
  if (Array.isArray(body)) return matrix(body);
  if (!isObj(body)) return undefined;
  // MLflow's scoring formats (input_data / dataframe_split / dataframe_records / instances / inputs), then { data: … }.
  for (const k of ['input_data', 'dataframe_split', 'dataframe_records', 'instances', 'inputs', 'data', 'predictions']) {
    if (!(k in body)) continue;
    const v = body[k];
    if (isObj(v) && Array.isArray(v.data)) return matrix(v.data, Array.isArray(v.columns) ? v.columns : undefined);
    return tableRows(v);
  }
  // { column: [values…] } (a DataFrame as dict of lists), or one record.
  const cols = Object.entries(body);
  if (cols.length > 0 && cols.every(([, v]) => Array.isArray(v))) {
    const n = Math.max(...cols.map(([, v]) => (v as unknown[]).length));
    return Array.from({ length: n }, (_, i) => Object.fromEntries(cols.map(([k, v]) => [k, (v as unknown[])[i] ?? null])));
  }
  return [body];
}

function parseJson(b: Buffer): unknown {
  try {
    return JSON.parse(b.toString('utf8')) as unknown;
  } catch {
    return b.toString('utf8');
  }
}

/** `{yyyy}/{MM}/{dd}/{HH}` (and `/{mm}`), cut at the rolling rate. */
export function partitionPath(t: Date, rollingRate: string): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const parts = [String(t.getUTCFullYear()), p(t.getUTCMonth() + 1), p(t.getUTCDate()), p(t.getUTCHours()), p(t.getUTCMinutes())];
  const keep = { Year: 1, Month: 2, Day: 3, Hour: 4, Minute: 5 }[rollingRate] ?? 4;
  return parts.slice(0, keep).join('/');
}

/** One request a deployment answered, as the collector sees it. */
export interface ServedRequest {
  deploymentId: string;
  endpoint: string;
  deployment: string;
  time: Date;
  requestId: string;
  requestBody: Buffer;
  responseBody: Buffer;
}

/** Writes collected data of served requests to Azurite; one JSONL blob per request and collection. */
export class DataCollectorWriter {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly deps: ArmDeps,
    private readonly blob: BlobIO,
    private readonly endpoint: BlobEndpoint,
  ) {}

  /** Whether the n-th request of a collection is taken at `rate` (exactly that fraction, spread evenly). */
  private sampled(key: string, rate: number): boolean {
    const n = this.counts.get(key) ?? 0;
    this.counts.set(key, n + 1);
    return Math.floor((n + 1) * rate) > Math.floor(n * rate);
  }

  async record(r: ServedRequest): Promise<void> {
    const res = await this.deps.store.get(r.deploymentId);
    const dc = isObj(res?.properties) ? res.properties.dataCollector : undefined;
    if (!isObj(dc) || !isObj(dc.collections)) return;
    const ws = parseWorkspaceChild(r.deploymentId)?.ws;
    if (!ws) return;
    const resolver = new DataResolver(this.deps.store, ws, this.endpoint);
    const correlationId = randomUUID();
    const time = r.time.toISOString().replace(/\.\d+Z$/, 'Z');
    const rate = typeof dc.rollingRate === 'string' ? dc.rollingRate : 'Hour'; // swagger DataCollector.rollingRate default Hour
    const inputs = parseJson(r.requestBody);
    const outputs = parseJson(r.responseBody);
    const inRows = tableRows(inputs) ?? [];
    const outRows = tableRows(outputs) ?? [];
    const data: Record<string, unknown> = {
      model_inputs: inRows,
      model_outputs: outRows,
      model_inputs_outputs: inRows.map((row, i) => ({ ...row, ...(outRows[i] ?? {}) })),
      request: inputs,
      response: outputs,
    };
    for (const [name, c] of Object.entries(dc.collections)) {
      if (!isObj(c) || !enabled(c) || !(name in data)) continue;
      if (!this.sampled(`${r.deploymentId}|${name}`.toLowerCase(), typeof c.samplingRate === 'number' ? c.samplingRate : 1)) continue;
      const payload = JSON.stringify(data[name]);
      const size = Buffer.byteLength(payload);
      const line = {
        specversion: '1.0',
        id: randomUUID(),
        source: r.deploymentId,
        type: `azureml.inference.${name}`,
        datacontenttype: 'application/json',
        time,
        data: data[name],
        ...(PAYLOAD_COLLECTIONS.includes(name) ? { path: '/score', method: 'POST' } : {}),
        contentrange: `bytes 0-${Math.max(size - 1, 0)}/${size}`,
        correlationid: correlationId,
        xrequestid: r.requestId,
        modelversion: 'default',
        ...(TABLE_COLLECTIONS.includes(name) ? { collectdatatype: 'pandas.core.frame.DataFrame' } : {}),
        agent: 'azureml-emulator',
      };
      const base = await this.collectionBase(resolver, r, name, c);
      const loc: BlobLocation = { container: base.container, path: joinBlobPath(base.path, partitionPath(r.time, rate), `${randomUUID()}.jsonl`) };
      await this.blob.uploadText(`${JSON.stringify(line)}\n`, loc);
    }
  }

  /** The folder of a collection: its data asset's path, else modelDataCollector/<endpoint>/<deployment>/<collection>. */
  private async collectionBase(resolver: DataResolver, r: ServedRequest, name: string, c: Obj): Promise<BlobLocation> {
    if (typeof c.dataId === 'string' && c.dataId !== '') {
      try {
        return await resolver.resolve(c.dataId);
      } catch {
        // The asset is gone: the default place.
      }
    }
    return resolver.datastoreLocation(DEFAULT_DATASTORE, `${MDC_ROOT}/${r.endpoint}/${r.deployment}/${name}/`);
  }
}
