/**
 * Azure Monitor metrics of online endpoints, computed from what really happened: every request
 * the scoring router answered (deployment, status code, the model's status code, latency, bytes)
 * and samples of the scoring processes (CPU, memory). Stored in one-minute buckets — Azure
 * Monitor's finest grain for these metrics is PT1M, so that is the finest the emulator answers
 * (`interval` PT1M, PT5M, PT15M, PT30M, PT1H, PT6H, PT12H, P1D or FULL; a finer grain is a 400
 * unless `AutoAdjustTimegrain=true`, which raises it to PT1M as Azure does).
 *
 * Endpoint metrics (`…/onlineEndpoints/{e}/providers/Microsoft.Insights/metrics`):
 *   RequestsPerMinute (dims deployment, statusCode, statusCodeClass, modelStatusCode),
 *   RequestLatency, RequestLatency_P50/P90/P95/P99 (dim deployment), NetworkBytes.
 * Deployment metrics (`…/deployments/{d}/providers/Microsoft.Insights/metrics`):
 *   CpuUtilizationPercentage, CpuMemoryUtilizationPercentage (dim instanceId), DeploymentCapacity
 *   (dims instanceId, State).
 *
 * The answer has Azure's shape: `{ cost, timespan, interval, value: [{ id, type, name: { value,
 * localizedValue }, displayDescription, unit, timeseries: [{ metadatavalues: [{ name: { value,
 * localizedValue }, value }], data: [{ timeStamp, average?, total?, … }] }], errorCode }],
 * namespace, resourceregion }`. A data point without samples carries only `timeStamp` (Azure's
 * null); dimensions named in `$filter` split the answer (one series per value combination that
 * has data; none when nothing matched); dimension names in `metadatavalues` are lower case.
 *
 * Ingestion delay: Azure Monitor platform metrics reach the metrics API some time after the
 * fact — the newest minute is missing or partial — (https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/data-platform-metrics,
 * collected at one-minute frequency; the issue's measurements: typically one to three minutes
 * late). The store keeps samples in slices of a twelfth of a minute and answers only the slices
 * that ended `delayMs` ago or earlier, so a minute fills in gradually over its last `delayMs` and is
 * whole `delayMs` after it ended. `minuteMs` (default 60 s) is a timing for tests: with it shorter,
 * every grain is scaled alike and the answer's `interval` names the real length (e.g. `PT2S`).
 */
import { ArmError } from '../arm/errors.js';
import { DEFAULT_METRICS_DELAY_MS } from '../config.js';
import { filterDimensions, FilterSyntaxError, matchesFilter, parseFilter, type FilterExpr } from './monitor-filter.js';

export type Aggregation = 'average' | 'count' | 'minimum' | 'maximum' | 'total';
export const AGGREGATIONS: readonly Aggregation[] = ['average', 'count', 'minimum', 'maximum', 'total'];

const MINUTE = 60_000;
const RETENTION_MS = 48 * 3600_000;
const MAX_POINTS = 50_000;
/** Time grains Azure Monitor offers for these metrics, finest first. */
export const TIME_GRAINS: ReadonlyArray<{ iso: string; ms: number }> = [
  { iso: 'PT1M', ms: MINUTE },
  { iso: 'PT5M', ms: 5 * MINUTE },
  { iso: 'PT15M', ms: 15 * MINUTE },
  { iso: 'PT30M', ms: 30 * MINUTE },
  { iso: 'PT1H', ms: 60 * MINUTE },
  { iso: 'PT6H', ms: 360 * MINUTE },
  { iso: 'PT12H', ms: 720 * MINUTE },
  { iso: 'P1D', ms: 1440 * MINUTE },
];

export { DEFAULT_METRICS_DELAY_MS };

export interface MetricsStoreOptions {
  /** How long after the fact a sample is answered (default {@link DEFAULT_METRICS_DELAY_MS}). */
  delayMs?: number;
  /** Length of a metrics minute (default 60 000; shorter only as a test timing). */
  minuteMs?: number;
}

export interface RequestSample {
  time: number;
  /** '' when the request never reached a deployment (401, 404, 429 …). */
  deployment: string;
  statusCode: number;
  /** What the scoring process answered ('' when it was not called). */
  modelStatusCode?: number;
  latencyMs: number;
  bytes: number;
}

export interface InstanceSample {
  time: number;
  instanceId: string;
  state: string;
  capacity: number;
  cpuPercent?: number;
  memoryPercent?: number;
}

interface EndpointMinute {
  counts: Map<string, { deployment: string; statusCode: string; modelStatusCode: string; n: number }>;
  latencies: Map<string, number[]>;
  bytes: Map<string, number>;
}

interface DeploymentMinute {
  samples: InstanceSample[];
}

export function statusClass(code: number): string {
  return `${Math.floor(code / 100)}xx`;
}

/** Where the samples live: slices of a twelfth of a minute per endpoint and per deployment, kept for 48 hours. */
export class MetricsStore {
  private readonly endpoints = new Map<string, Map<number, EndpointMinute>>();
  private readonly deployments = new Map<string, Map<number, DeploymentMinute>>();
  private lastPrune = 0;
  readonly delayMs: number;
  readonly minuteMs: number;
  readonly sliceMs: number;

  constructor(o: MetricsStoreOptions = {}) {
    this.delayMs = o.delayMs ?? DEFAULT_METRICS_DELAY_MS;
    this.minuteMs = o.minuteMs ?? MINUTE;
    if (!Number.isFinite(this.delayMs) || this.delayMs < 0) throw new RangeError(`metrics delay must be 0 or more ms, got ${o.delayMs}`);
    if (!Number.isFinite(this.minuteMs) || this.minuteMs < 12) throw new RangeError(`metrics minute must be at least 12 ms, got ${o.minuteMs}`);
    this.sliceMs = this.minuteMs / 12;
  }

  /** Index of the slice holding instant `t` (an integer, so lookups never meet rounding). */
  private slice(t: number): number {
    return Math.floor((t * 12) / this.minuteMs);
  }

  recordRequest(endpointId: string, s: RequestSample): void {
    const key = endpointId.toLowerCase();
    let slices = this.endpoints.get(key);
    if (!slices) this.endpoints.set(key, (slices = new Map<number, EndpointMinute>()));
    const m = this.slice(s.time);
    let bucket = slices.get(m);
    if (!bucket) slices.set(m, (bucket = { counts: new Map(), latencies: new Map(), bytes: new Map() }));
    const model = s.modelStatusCode === undefined ? '' : String(s.modelStatusCode);
    const ck = `${s.deployment}\u0000${s.statusCode}\u0000${model}`;
    const c = bucket.counts.get(ck);
    if (c) c.n++;
    else bucket.counts.set(ck, { deployment: s.deployment, statusCode: String(s.statusCode), modelStatusCode: model, n: 1 });
    let lat = bucket.latencies.get(s.deployment);
    if (!lat) bucket.latencies.set(s.deployment, (lat = []));
    lat.push(s.latencyMs);
    bucket.bytes.set(s.deployment, (bucket.bytes.get(s.deployment) ?? 0) + s.bytes);
    this.prune(s.time);
  }

  recordInstance(deploymentId: string, s: InstanceSample): void {
    const key = deploymentId.toLowerCase();
    let slices = this.deployments.get(key);
    if (!slices) this.deployments.set(key, (slices = new Map<number, DeploymentMinute>()));
    const m = this.slice(s.time);
    let bucket = slices.get(m);
    if (!bucket) slices.set(m, (bucket = { samples: [] }));
    bucket.samples.push(s);
  }

  /** Drops an endpoint's samples and those of its deployments (the endpoint was deleted). */
  forgetEndpoint(endpointId: string): void {
    const key = endpointId.toLowerCase();
    this.endpoints.delete(key);
    for (const k of [...this.deployments.keys()]) if (k.startsWith(`${key}/deployments/`)) this.deployments.delete(k);
  }

  forgetDeployment(deploymentId: string): void {
    this.deployments.delete(deploymentId.toLowerCase());
  }

  /** The slices of the minute starting at `minute` that the metrics API answers at `asOf` (ended `delayMs` ago or earlier). */
  private visible<T>(slices: Map<number, T> | undefined, minute: number, asOf: number): T[] {
    if (!slices) return [];
    const out: T[] = [];
    const first = Math.round(minute / this.minuteMs) * 12;
    for (let i = 0; i < 12; i++) {
      // A slice is answered once it ended delayMs ago (with no delay: at once, also the running one).
      if (this.delayMs > 0 && ((first + i + 1) * this.minuteMs) / 12 + this.delayMs > asOf) break;
      const b = slices.get(first + i);
      if (b) out.push(b);
    }
    return out;
  }

  /** What the metrics API shows of one minute at `asOf` (default: everything recorded). */
  endpointMinute(endpointId: string, minute: number, asOf = Infinity): EndpointMinute | undefined {
    const parts = this.visible(this.endpoints.get(endpointId.toLowerCase()), minute, asOf);
    if (parts.length === 0) return undefined;
    if (parts.length === 1) return parts[0];
    const out: EndpointMinute = { counts: new Map(), latencies: new Map(), bytes: new Map() };
    for (const p of parts) {
      for (const [k, c] of p.counts) {
        const have = out.counts.get(k);
        if (have) have.n += c.n;
        else out.counts.set(k, { ...c });
      }
      for (const [d, l] of p.latencies) out.latencies.set(d, [...(out.latencies.get(d) ?? []), ...l]);
      for (const [d, n] of p.bytes) out.bytes.set(d, (out.bytes.get(d) ?? 0) + n);
    }
    return out;
  }

  deploymentMinute(deploymentId: string, minute: number, asOf = Infinity): DeploymentMinute | undefined {
    const parts = this.visible(this.deployments.get(deploymentId.toLowerCase()), minute, asOf);
    if (parts.length === 0) return undefined;
    return { samples: parts.flatMap((p) => p.samples) };
  }

  private prune(now: number): void {
    if (now - this.lastPrune < 10 * MINUTE) return;
    this.lastPrune = now;
    const cutoff = this.slice(now - RETENTION_MS);
    for (const map of [...this.endpoints.values(), ...this.deployments.values()] as Map<number, unknown>[]) {
      for (const m of [...map.keys()]) if (m < cutoff) map.delete(m);
    }
  }
}

// --- metric definitions ---------------------------------------------------------------------------

type Row = { dims: Record<string, string>; values: number[] };
/** How the rows of one minute combine into that minute's values. */
type Reduce = { kind: 'sum' } | { kind: 'perSecond' } | { kind: 'percentile'; p: number } | { kind: 'raw' };

export interface MetricDefinition {
  name: string;
  localized: string;
  description: string;
  unit: string;
  primary: Aggregation;
  /** Dimension names as Azure spells them. */
  dims: string[];
  level: 'endpoint' | 'deployment';
  reduce: Reduce;
  rows(store: MetricsStore, resourceId: string, minute: number, asOf: number): Row[];
}

const requestRows = (store: MetricsStore, id: string, minute: number, asOf: number): Row[] => {
  const b = store.endpointMinute(id, minute, asOf);
  if (!b) return [];
  return [...b.counts.values()].map((c) => ({
    dims: { deployment: c.deployment, statuscode: c.statusCode, statuscodeclass: statusClass(Number(c.statusCode)), modelstatuscode: c.modelStatusCode },
    values: [c.n],
  }));
};
const latencyRows = (store: MetricsStore, id: string, minute: number, asOf: number): Row[] => {
  const b = store.endpointMinute(id, minute, asOf);
  if (!b) return [];
  return [...b.latencies.entries()].map(([deployment, values]) => ({ dims: { deployment }, values }));
};
const percentile = (p: number): MetricDefinition => ({
  name: `RequestLatency_P${p}`,
  localized: `Request Latency P${p}`,
  description: `The ${p}th percentile of the time taken to respond to a request, per minute, in milliseconds.`,
  unit: 'Milliseconds',
  primary: 'average',
  dims: ['deployment'],
  level: 'endpoint',
  reduce: { kind: 'percentile', p },
  rows: latencyRows,
});
const instanceRows =
  (pick: (s: InstanceSample) => number | undefined) =>
  (store: MetricsStore, id: string, minute: number, asOf: number): Row[] => {
    const b = store.deploymentMinute(id, minute, asOf);
    if (!b) return [];
    return b.samples.flatMap((s) => {
      const v = pick(s);
      return v === undefined ? [] : [{ dims: { instanceid: s.instanceId, state: s.state }, values: [v] }];
    });
  };

export const METRICS: readonly MetricDefinition[] = [
  {
    name: 'RequestsPerMinute',
    localized: 'Requests Per Minute',
    description: 'The number of requests sent to the online endpoint within a minute.',
    unit: 'Count',
    primary: 'average',
    dims: ['deployment', 'statusCode', 'statusCodeClass', 'modelStatusCode'],
    level: 'endpoint',
    reduce: { kind: 'sum' },
    rows: requestRows,
  },
  {
    name: 'RequestLatency',
    localized: 'Request Latency',
    description: 'The complete interval of time taken for a request to be responded, in milliseconds.',
    unit: 'Milliseconds',
    primary: 'average',
    dims: ['deployment'],
    level: 'endpoint',
    reduce: { kind: 'raw' },
    rows: latencyRows,
  },
  percentile(50),
  percentile(90),
  percentile(95),
  percentile(99),
  {
    name: 'NetworkBytes',
    localized: 'Network Bytes',
    description: 'The bytes per second served for the endpoint (requests and responses).',
    unit: 'BytesPerSecond',
    primary: 'average',
    dims: [],
    level: 'endpoint',
    reduce: { kind: 'perSecond' },
    rows: (store, id, minute, asOf) => {
      const b = store.endpointMinute(id, minute, asOf);
      return b ? [...b.bytes.entries()].map(([deployment, n]) => ({ dims: { deployment }, values: [n] })) : [];
    },
  },
  {
    name: 'CpuUtilizationPercentage',
    localized: 'CPU Utilization Percentage',
    description: 'Percentage of CPU utilization on an instance (the scoring process, sampled by the emulator).',
    unit: 'Percent',
    primary: 'average',
    dims: ['instanceId'],
    level: 'deployment',
    reduce: { kind: 'raw' },
    rows: instanceRows((s) => s.cpuPercent),
  },
  {
    name: 'CpuMemoryUtilizationPercentage',
    localized: 'CPU Memory Utilization Percentage',
    description: "Percentage of memory utilization on an instance (the scoring process's resident memory of the machine's memory).",
    unit: 'Percent',
    primary: 'average',
    dims: ['instanceId'],
    level: 'deployment',
    reduce: { kind: 'raw' },
    rows: instanceRows((s) => s.memoryPercent),
  },
  {
    name: 'DeploymentCapacity',
    localized: 'Deployment Capacity',
    description: 'The number of instances in the deployment.',
    unit: 'Count',
    primary: 'average',
    dims: ['instanceId', 'State'],
    level: 'deployment',
    reduce: { kind: 'raw' },
    rows: instanceRows((s) => s.capacity),
  },
];

export function metricsOfLevel(level: 'endpoint' | 'deployment'): MetricDefinition[] {
  return METRICS.filter((m) => m.level === level);
}

// --- query parameters -----------------------------------------------------------------------------

export interface MetricsQuery {
  metrics: MetricDefinition[];
  start: number;
  end: number;
  /** Bucket length in ms; `full` = one bucket over the whole timespan. */
  grainMs: number;
  grainIso: string;
  /** `interval=FULL`: one data point over the whole timespan. */
  full: boolean;
  aggregations: Aggregation[] | undefined;
  filter: FilterExpr | undefined;
  splitDims: string[];
  top: number;
  orderBy: { agg: Aggregation; desc: boolean } | undefined;
  metadataOnly: boolean;
  /** Length of a minute in the store's time (60 000 unless a test shortens it). */
  minuteMs: number;
  /** When the query is answered: only what was ingested by then is in the answer. */
  asOf: number;
}

function badRequest(message: string): ArmError {
  return new ArmError(400, 'BadRequest', message);
}

const DURATION_RE = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

export function isoDurationMs(s: string): number | undefined {
  const m = DURATION_RE.exec(s.trim());
  if (!m || s.trim().toUpperCase() === 'P' || /T$/i.test(s.trim())) return undefined;
  const [d, h, mi, se] = [m[1], m[2], m[3], m[4]].map((x) => (x ? Number(x) : 0)) as [number, number, number, number];
  return (((d * 24 + h) * 60 + mi) * 60 + se) * 1000;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isoDuration(ms: number): string {
  if (ms < 60_000 && ms % 1000 !== 0) return `PT${Math.round(ms) / 1000}S`;
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${sec ? `${sec}S` : ''}`;
  const iso = `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
  return iso === 'P' ? 'PT0S' : iso;
}

/** `start/end`, `start/duration`, `duration/end` or a bare duration ending now. */
export function parseTimespan(raw: string | null, now: number): { start: number; end: number } {
  if (raw === null || raw.trim() === '') return { start: now - 3600_000, end: now };
  const parts = raw.trim().split('/');
  const time = (s: string) => {
    const t = Date.parse(s);
    return Number.isNaN(t) ? undefined : t;
  };
  let start: number | undefined;
  let end: number | undefined;
  if (parts.length === 1) {
    const d = isoDurationMs(parts[0]);
    if (d !== undefined) {
      start = now - d;
      end = now;
    }
  } else if (parts.length === 2) {
    const [a, b] = parts as [string, string];
    const ta = time(a);
    const tb = time(b);
    const da = isoDurationMs(a);
    const db = isoDurationMs(b);
    if (ta !== undefined && tb !== undefined) [start, end] = [ta, tb];
    else if (ta !== undefined && db !== undefined) [start, end] = [ta, ta + db];
    else if (da !== undefined && tb !== undefined) [start, end] = [tb - da, tb];
  }
  if (start === undefined || end === undefined) {
    throw badRequest(
      `Detected invalid timespan '${raw}': expected '<start>/<end>' in ISO 8601 (e.g. 2024-01-01T00:00:00Z/2024-01-01T01:00:00Z), '<start>/<duration>' or a duration such as PT1H.`,
    );
  }
  if (start >= end) throw badRequest(`Detected invalid timespan '${raw}': the start time must be earlier than the end time.`);
  return { start, end };
}

/** A grain of Azure's table in the store's time: the same grain when a minute is a minute, else scaled (and named by its real length). */
function scaled(g: { ms: number; iso: string }, minuteMs: number): { ms: number; iso: string } {
  if (minuteMs === MINUTE) return g;
  const ms = (g.ms / MINUTE) * minuteMs;
  return { ms, iso: isoDuration(ms) };
}

function parseGrain(raw: string | null, autoAdjust: boolean, span: number, minuteMs: number): { ms: number; iso: string; full?: boolean } {
  if (raw === null || raw.trim() === '') return scaled({ ms: MINUTE, iso: 'PT1M' }, minuteMs);
  const text = raw.trim().toUpperCase();
  if (text === 'FULL') return { ms: Math.max(minuteMs, span), iso: isoDuration(Math.max(minuteMs, span)), full: true };
  const ms = isoDurationMs(text);
  if (ms === undefined || ms <= 0) throw badRequest(`Invalid time grain '${raw}': expected an ISO 8601 duration such as PT1M, or FULL.`);
  const exact = TIME_GRAINS.find((g) => g.ms === ms);
  if (exact) return scaled(exact, minuteMs);
  if (autoAdjust) return scaled(TIME_GRAINS.find((g) => g.ms >= ms) ?? TIME_GRAINS[TIME_GRAINS.length - 1], minuteMs);
  throw badRequest(
    `Invalid time grain '${raw}' for these metrics: supported time grains are ${TIME_GRAINS.map((g) => g.iso).join(', ')} (the finest is PT1M). Set AutoAdjustTimegrain=true to let the service pick the nearest one.`,
  );
}

function parseAggregations(raw: string | null): Aggregation[] | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  const out: Aggregation[] = [];
  for (const part of raw
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p)) {
    const a = (part === 'sum' ? 'total' : part) as Aggregation;
    if (!AGGREGATIONS.includes(a)) throw badRequest(`Invalid aggregation '${part}': supported aggregations are Average, Count, Minimum, Maximum and Total.`);
    if (!out.includes(a)) out.push(a);
  }
  return out;
}

/**
 * Reads the query string of a metrics request; throws 400 BadRequest as Azure Monitor does.
 * `minuteMs`: the store's minute (a test timing; grains scale with it).
 */
export function parseMetricsQuery(
  q: URLSearchParams,
  level: 'endpoint' | 'deployment',
  namespace: string,
  now: number,
  minuteMs: number = MINUTE,
): MetricsQuery {
  const get = (name: string) => {
    for (const [k, v] of q) if (k.toLowerCase() === name.toLowerCase()) return v;
    return null;
  };
  const ns = get('metricnamespace');
  if (ns !== null && ns !== '' && ns.toLowerCase() !== namespace.toLowerCase()) {
    throw badRequest(`Metric namespace '${ns}' is not valid for this resource; its namespace is '${namespace}'.`);
  }
  const available = metricsOfLevel(level);
  const names = (get('metricnames') ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n);
  const metrics: MetricDefinition[] = [];
  for (const n of names.length ? names : [available[0].name]) {
    const def = available.find((m) => m.name.toLowerCase() === n.toLowerCase());
    if (!def) {
      throw badRequest(
        `Failed to find metric configuration for provider: Microsoft.MachineLearningServices, resource Type: ${namespace.replace(/^Microsoft\.MachineLearningServices\//, '')}, metric: ${n}, Valid metrics: ${available.map((m) => m.name).join(',')}`,
      );
    }
    if (!metrics.includes(def)) metrics.push(def);
  }
  const { start, end } = parseTimespan(get('timespan'), now);
  const autoAdjust = (get('AutoAdjustTimegrain') ?? '').toLowerCase() === 'true';
  const grain = parseGrain(get('interval'), autoAdjust, end - start, minuteMs);
  const aggregations = parseAggregations(get('aggregation'));
  let filter: FilterExpr | undefined;
  const rawFilter = get('$filter');
  if (rawFilter !== null && rawFilter.trim() !== '') {
    try {
      filter = parseFilter(rawFilter);
    } catch (err) {
      if (err instanceof FilterSyntaxError) throw badRequest(`Invalid $filter: ${err.message}.`);
      throw err;
    }
  }
  const validate = (get('ValidateDimensions') ?? 'true').toLowerCase() !== 'false';
  let splitDims = filterDimensions(filter);
  for (const m of metrics) {
    const known = m.dims.map((d) => d.toLowerCase());
    const unknown = splitDims.filter((d) => !known.includes(d));
    if (unknown.length > 0 && validate) {
      throw badRequest(
        `Metric: ${m.name} does not support requested dimension combination: ${unknown.join(',')}, supported ones are: ${m.dims.length ? m.dims.join(',') : '(none)'}`,
      );
    }
  }
  const rollup = (get('rollupby') ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter((d) => d);
  splitDims = splitDims.filter((d) => !rollup.includes(d));
  const topRaw = get('top');
  let top = 10;
  if (topRaw !== null && topRaw !== '') {
    top = Number(topRaw);
    if (!Number.isInteger(top) || top < 1) throw badRequest(`Invalid top '${topRaw}': expected a positive integer.`);
  }
  let orderBy: MetricsQuery['orderBy'];
  const ob = get('orderby');
  if (ob !== null && ob.trim() !== '') {
    const [agg, dir] = ob.trim().toLowerCase().split(/\s+/);
    const a = (agg === 'sum' ? 'total' : agg) as Aggregation;
    if (!AGGREGATIONS.includes(a) || (dir !== undefined && dir !== 'asc' && dir !== 'desc')) {
      throw badRequest(`Invalid orderby '${ob}': expected '<aggregation> asc|desc', e.g. 'sum desc'.`);
    }
    orderBy = { agg: a, desc: dir !== 'asc' };
  }
  const metadataOnly = (get('resultType') ?? 'Data').toLowerCase() === 'metadata';
  const alignedStart = Math.floor(start / minuteMs) * minuteMs;
  const points = grain.full ? 1 : Math.ceil((end - alignedStart) / grain.ms);
  if (points > MAX_POINTS)
    throw badRequest(`The query asks for ${points} data points per series; the limit is ${MAX_POINTS}. Use a coarser interval or a shorter timespan.`);
  return {
    metrics,
    start,
    end,
    grainMs: grain.ms,
    grainIso: grain.iso,
    full: grain.full === true,
    aggregations,
    filter,
    splitDims,
    top,
    orderBy,
    metadataOnly,
    minuteMs,
    asOf: now,
  };
}

// --- evaluation -----------------------------------------------------------------------------------

function aggregate(values: number[]): Record<Aggregation, number> {
  let total = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    total += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { total, count: values.length, average: total / values.length, minimum: min, maximum: max };
}

function percentileOf(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function minuteValues(reduce: Reduce, values: number[]): number[] {
  switch (reduce.kind) {
    case 'sum':
      return [values.reduce((a, b) => a + b, 0)];
    case 'perSecond':
      return [values.reduce((a, b) => a + b, 0) / 60];
    case 'percentile':
      return [percentileOf(values, reduce.p)];
    case 'raw':
      return values;
  }
}

export interface MetricsResource {
  id: string;
  namespace: string;
  location: string;
  /** Azure Monitor publishes nothing for this resource (a Kubernetes online endpoint's requests): every metric answers without data. */
  noData?: boolean;
}

/** Evaluates a parsed query over the store: the body of Azure Monitor's `Metrics_List` answer. */
export function evaluateMetrics(store: MetricsStore, resource: MetricsResource, q: MetricsQuery): Record<string, unknown> {
  const MIN = q.minuteMs;
  const alignedStart = Math.floor(q.start / MIN) * MIN;
  const firstMinute = alignedStart;
  const lastMinute = Math.floor((q.end - 1) / MIN) * MIN;
  const buckets: number[] = [];
  if (q.full) {
    buckets.push(alignedStart);
  } else {
    const first = Math.floor(alignedStart / q.grainMs) * q.grainMs;
    for (let t = first; t < q.end; t += q.grainMs) buckets.push(t);
  }
  const bucketOf = (minute: number): number => {
    if (buckets.length === 1) return buckets[0];
    return Math.floor(minute / q.grainMs) * q.grainMs;
  };
  const value = q.metrics.map((m) => {
    const groups = new Map<string, { dims: Record<string, string>; minutes: Map<number, number[]> }>();
    if (q.splitDims.length === 0) groups.set('', { dims: {}, minutes: new Map() });
    for (let minute = firstMinute; minute <= (resource.noData ? firstMinute - 1 : lastMinute); minute += MIN) {
      for (const row of m.rows(store, resource.id, minute, q.asOf)) {
        if (!matchesFilter(q.filter, row.dims)) continue;
        const dims: Record<string, string> = {};
        for (const d of q.splitDims) dims[d] = row.dims[d] ?? '';
        const key = q.splitDims.map((d) => dims[d]).join('\u0000');
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { dims, minutes: new Map() }));
        let list = g.minutes.get(minute);
        if (!list) g.minutes.set(minute, (list = []));
        for (const v of row.values) list.push(v);
      }
    }
    const aggs = q.aggregations ?? [m.primary];
    let series = [...groups.values()].map((g) => {
      const perBucket = new Map<number, number[]>();
      for (const [minute, vals] of g.minutes) {
        const b = bucketOf(minute);
        let list = perBucket.get(b);
        if (!list) perBucket.set(b, (list = []));
        for (const v of minuteValues(m.reduce, vals)) list.push(v);
      }
      const all: number[] = [];
      const data = buckets.map((b) => {
        const point: Record<string, unknown> = { timeStamp: isoTime(b) };
        const vals = perBucket.get(b);
        if (vals && vals.length > 0) {
          all.push(...vals);
          const a = aggregate(vals);
          for (const agg of aggs) point[agg] = round(a[agg]);
        }
        return point;
      });
      const overall = all.length > 0 ? aggregate(all) : undefined;
      return {
        sortKey: overall ? overall[q.orderBy?.agg ?? (aggs[0] === 'count' ? 'count' : 'total')] : -Infinity,
        body: {
          metadatavalues: q.splitDims.map((d) => ({ name: { value: d, localizedValue: d }, value: g.dims[d] ?? '' })),
          ...(q.metadataOnly ? {} : { data }),
        },
      };
    });
    if (q.splitDims.length > 0) {
      const desc = q.orderBy?.desc ?? true;
      series.sort((a, b) => (desc ? b.sortKey - a.sortKey : a.sortKey - b.sortKey));
      series = series.slice(0, q.top);
    }
    return {
      id: `${resource.id}/providers/Microsoft.Insights/metrics/${m.name}`,
      type: 'Microsoft.Insights/metrics',
      name: { value: m.name, localizedValue: m.localized },
      displayDescription: m.description,
      unit: m.unit,
      timeseries: series.map((s) => s.body),
      errorCode: 'Success',
    };
  });
  return {
    cost: buckets.length * q.metrics.length,
    timespan: `${isoTime(q.start)}/${isoTime(q.end)}`,
    interval: q.grainIso,
    value,
    namespace: resource.namespace,
    resourceregion: resource.location,
  };
}

/** Azure Monitor's `MetricDefinitions_List` answer for the resource. */
export function metricDefinitions(resource: MetricsResource, level: 'endpoint' | 'deployment'): Record<string, unknown> {
  return {
    value: metricsOfLevel(level).map((m) => ({
      id: `${resource.id}/providers/microsoft.insights/metricdefinitions/${m.name}`,
      resourceId: resource.id,
      namespace: resource.namespace,
      name: { value: m.name, localizedValue: m.localized },
      displayDescription: m.description,
      isDimensionRequired: false,
      unit: m.unit,
      primaryAggregationType: m.primary.charAt(0).toUpperCase() + m.primary.slice(1),
      supportedAggregationTypes: ['None', 'Average', 'Count', 'Minimum', 'Maximum', 'Total'],
      metricAvailabilities: TIME_GRAINS.map((g) => ({ timeGrain: g.iso, retention: 'P2D' })),
      dimensions: m.dims.map((d) => ({ value: d, localizedValue: d })),
    })),
  };
}
