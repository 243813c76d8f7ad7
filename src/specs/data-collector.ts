/**
 * `data_collector` of an `az ml online-deployment` YAML → the deployment body's `dataCollector`
 * (swagger 2024-10-01 DataCollector, Collection, RequestLogging), and the data asset each
 * collection writes to.
 *
 * The YAML is azure-ai-ml's DataCollectorSchema (_schema/_deployment/online/data_collector_schema.py:
 * collections, rolling_rate, sampling_rate, request_logging; deployment_collection_schema.py:
 * enabled, data); the wire is its `_to_rest_object` (entities/_deployment/data_collector.py:
 * sampling_rate copied to every collection; deployment_collection.py: enabled → dataCollectionMode,
 * data → dataId, client_id → clientId). Before the deployment is created, az ml registers one
 * uri_folder data asset per collection, `<endpoint>-<deployment>-<collection>` version 1 under
 * `modelDataCollector/<endpoint>/<deployment>/<collection>` of the workspace blob store, and
 * sends its ARM id as `dataId` (operations/_online_deployment_operations.py
 * _register_collection_data_assets, constants DEFAULT_MDC_PATH): {@link collectionDataAssets}.
 */
import type { SpecPath } from './document.js';
import type { FieldReader } from './fields.js';
import { isObj, type Obj } from '../core/obj.js';
import { assetId } from './references.js';

/** Where a deployment's collected data goes unless its YAML says otherwise (azure-ai-ml constants/_endpoint.py DEFAULT_MDC_PATH). */
export const DEFAULT_MDC_PATH = 'azureml://datastores/workspaceblobstore/paths/modelDataCollector';

// azure-ai-ml RollingRate values the schema takes (minute, hour, day); the wire spells them as RollingRateType.
const ROLLING_RATES: Record<string, string> = { minute: 'Minute', hour: 'Hour', day: 'Day' };

/** What a collection's YAML says of its data asset (`data: { name, version, path }`), kept beside its wire object until the names are known. */
const declaredData = new WeakMap<Obj, { name?: string; version?: string; path?: string }>();

/** `data_collector` → `dataCollector`; every field translated or refused by name. */
export function dataCollector(t: FieldReader, v: unknown, path: SpecPath): Obj {
  const d = t.map(v, path, 'must be a map with collections');
  t.checkKeys(d, ['collections', 'rolling_rate', 'sampling_rate', 'request_logging'], path, 'data collector');
  if (d.collections === undefined || d.collections === null) t.fail(path, "needs 'collections' (model_inputs, model_outputs, …)");
  const cp = [...path, 'collections'];
  const cs = t.map(d.collections, cp, 'must be a map of collection names to { enabled }');
  if (Object.keys(cs).length === 0) t.fail(cp, 'lists no collection');
  let samplingRate: number | undefined;
  if (d.sampling_rate !== undefined && d.sampling_rate !== null) {
    samplingRate = t.num(d.sampling_rate, [...path, 'sampling_rate']);
    // DataCollectorSchema.validate_sampling_rate: "Sampling rate must be an number in range (0.0-1.0)".
    if (samplingRate < 0 || samplingRate > 1)
      t.fail([...path, 'sampling_rate'], `${samplingRate} is not a sampling rate`, 'a number from 0.0 to 1.0 (1.0: every request)');
  }
  const collections: Obj = {};
  for (const name of Object.keys(cs)) collections[name] = collection(t, cs[name], [...cp, name], samplingRate);
  const out: Obj = { collections };
  if (d.rolling_rate !== undefined && d.rolling_rate !== null)
    out.rollingRate = t.oneOf(t.str(d.rolling_rate, [...path, 'rolling_rate']).toLowerCase(), [...path, 'rolling_rate'], ROLLING_RATES, 'a rolling rate');
  if (d.request_logging !== undefined && d.request_logging !== null) {
    const rp = [...path, 'request_logging'];
    const r = t.map(d.request_logging, rp, 'must be a map with capture_headers');
    t.checkKeys(r, ['capture_headers'], rp, 'request logging');
    const headers = r.capture_headers;
    if (headers !== undefined && headers !== null) {
      if (!Array.isArray(headers)) t.fail([...rp, 'capture_headers'], 'must be a list of header names');
      out.requestLogging = { captureHeaders: headers.map((h, i) => t.str(h, [...rp, 'capture_headers', i])) };
    } else out.requestLogging = {};
  }
  return out;
}

function collection(t: FieldReader, v: unknown, path: SpecPath, samplingRate: number | undefined): Obj {
  const c = t.map(v, path, "must be a map with enabled: 'true' or 'false'");
  t.checkKeys(c, ['enabled', 'data', 'client_id'], path, 'data collection');
  // The schema takes the strings 'true' / 'false' (constants Boolean); YAML writers also write booleans.
  if (c.enabled === undefined || c.enabled === null) t.fail(path, "needs 'enabled': 'true' or 'false'");
  const enabled = t.str(c.enabled, [...path, 'enabled']).toLowerCase();
  if (enabled !== 'true' && enabled !== 'false') t.fail([...path, 'enabled'], `'${String(c.enabled)}' is not 'true' or 'false'`);
  const out: Obj = { dataCollectionMode: enabled === 'true' ? 'Enabled' : 'Disabled' };
  if (samplingRate !== undefined) out.samplingRate = samplingRate;
  if (c.client_id !== undefined && c.client_id !== null) out.clientId = t.str(c.client_id, [...path, 'client_id']);
  if (c.data !== undefined && c.data !== null) {
    const dp = [...path, 'data'];
    const data = t.map(c.data, dp, 'must be a map (name, version, path)');
    t.checkKeys(data, ['name', 'version', 'path'], dp, 'collection data asset');
    const declared: { name?: string; version?: string; path?: string } = {};
    if (data.name !== undefined) {
      declared.name = t.str(data.name, [...dp, 'name']);
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/.test(declared.name)) t.fail([...dp, 'name'], `'${declared.name}' is not a data asset name`);
    }
    if (data.version !== undefined) declared.version = t.str(data.version, [...dp, 'version']);
    if (data.path !== undefined) {
      declared.path = t.str(data.path, [...dp, 'path']);
      if (!declared.path.startsWith('azureml://'))
        t.fail([...dp, 'path'], `'${declared.path}' is not a datastore path`, 'write azureml://datastores/<datastore>/paths/<folder>');
    }
    declaredData.set(out, declared);
  }
  return out;
}

/** A data asset version a collection writes to. */
export interface CollectionDataAsset {
  collection: string;
  name: string;
  version: string;
  /** Its folder, `azureml://datastores/…/paths/…`. */
  path: string;
  /** ARM id of the version (the collection's `dataId`). */
  id: string;
}

/**
 * The data asset of every collection of `dataCollector` (the deployment body's), once the
 * endpoint and deployment names are known (each collection's `dataId` is set here). The caller
 * registers those that do not exist yet.
 */
export function collectionDataAssets(body: Obj, workspaceId: string, endpoint: string, deployment: string): CollectionDataAsset[] {
  const collections = isObj(body.collections) ? body.collections : {};
  const out: CollectionDataAsset[] = [];
  for (const [collection, c] of Object.entries(collections)) {
    if (!isObj(c)) continue;
    const declared = declaredData.get(c);
    // _register_collection_data_assets: each of name, version and path defaults on its own.
    const name = declared?.name ?? `${endpoint}-${deployment}-${collection}`;
    const version = declared?.version ?? '1';
    const id = assetId(workspaceId, 'data', name, version);
    c.dataId = id;
    out.push({ collection, name, version, path: declared?.path ?? `${DEFAULT_MDC_PATH}/${endpoint}/${deployment}/${collection}`, id });
  }
  return out;
}
