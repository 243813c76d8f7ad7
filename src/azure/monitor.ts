/**
 * Azure Monitor metrics of a resource (the REST `metrics` call, api-version 2023-10-01), read
 * into plain data points; and which series of a managed online endpoint's RequestsPerMinute are
 * the deployment's failures.
 */
import type { ArmClient } from './arm.js';
import { withAzureOperation } from './errors.js';

const MONITOR_API_VERSION = '2023-10-01';

export interface MonitorResponse {
  /** The grain of the answer's data points, e.g. `PT1M`. */
  interval?: string;
  value?: Array<{
    name?: { value?: string };
    timeseries?: Array<{ metadatavalues?: Array<{ name?: { value?: string }; value?: string }>; data?: Array<MetricPoint> }>;
  }>;
}

/** One data point of a series, by aggregation. */
export type MetricPoint = { timeStamp: string; total?: number; average?: number; maximum?: number; count?: number };

export interface MetricsQuery {
  names: string[];
  start: Date;
  end: Date;
  aggregation: string;
  filter?: string;
  interval?: string;
  top?: number;
}

/** Azure Monitor metrics of the resource `resourceId`, split and filtered by dimensions. */
export function queryMetrics(arm: ArmClient, resourceId: string, q: MetricsQuery): Promise<MonitorResponse> {
  const query: Record<string, string> = {
    metricnames: q.names.join(','),
    timespan: `${q.start.toISOString()}/${q.end.toISOString()}`,
    interval: q.interval ?? 'PT1M',
    aggregation: q.aggregation,
  };
  if (q.filter) query.$filter = q.filter;
  // Azure Monitor returns the 10 largest series unless told otherwise.
  if (q.top !== undefined) query.top = String(q.top);
  return withAzureOperation(`querying the Azure Monitor metrics ${q.names.join(', ')}`, () =>
    arm.get<MonitorResponse>(`${resourceId}/providers/Microsoft.Insights/metrics`, { apiVersion: MONITOR_API_VERSION, query }),
  );
}

/** `PT1M`, `PT5M`, `PT1H`, `PT0.5S` … in ms; undefined when not a day-less ISO 8601 duration. */
export function isoDurationMs(iso: string | undefined): number | undefined {
  const m = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(iso ?? '');
  if (!m || (!m[1] && !m[2] && !m[3])) return undefined;
  const ms = ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
  return ms > 0 ? ms : undefined;
}

/** Every data point of `metric` (optionally of the series whose dimensions pass `by`), with its bucket start. */
export function pointsOf(resp: MonitorResponse, metric: string, by?: (meta: Record<string, string>) => boolean): Array<{ at: number; p: MetricPoint }> {
  const out: Array<{ at: number; p: MetricPoint }> = [];
  for (const m of resp.value ?? []) {
    if (m.name?.value !== metric) continue;
    for (const ts of m.timeseries ?? []) {
      const meta: Record<string, string> = {};
      for (const md of ts.metadatavalues ?? []) if (md.name?.value) meta[md.name.value.toLowerCase()] = String(md.value ?? '');
      if (by && !by(meta)) continue;
      for (const p of ts.data ?? []) {
        const at = Date.parse(p.timeStamp);
        if (Number.isFinite(at)) out.push({ at, p });
      }
    }
  }
  return out;
}

/** The points' sum, mean or maximum of one aggregation (points without it are skipped); undefined for none. */
export function combinePoints(points: Array<{ p: MetricPoint }>, agg: 'total' | 'average' | 'maximum'): number | undefined {
  let total = 0;
  let n = 0;
  for (const { p } of points) {
    const v = p[agg];
    if (typeof v !== 'number') continue;
    if (agg === 'maximum') total = n === 0 ? v : Math.max(total, v);
    else total += v;
    n++;
  }
  if (n === 0) return undefined;
  return agg === 'average' ? total / n : total;
}

/**
 * A request the deployment failed: a 5xx from the endpoint; a 424 (a managed endpoint's answer
 * when the model's `run()` raised or returned non-2xx; `modelStatusCode` holds the container's own
 * status); a 408 (the model took longer than `request_timeout_ms`) or a 429 "too many pending
 * requests" (more than 2 × `max_concurrent_requests_per_instance` × `instance_count` in flight: it
 * cannot keep up) — https://learn.microsoft.com/en-us/azure/machine-learning/how-to-troubleshoot-online-endpoints#http-status-codes.
 * A 429 of the endpoint's own rate limit is answered before any deployment is chosen, so it has no
 * deployment dimension and is not counted here. Other 4xx (400, 401, 404 …) are the caller's.
 */
export function isServerError(dims: Record<string, string>): boolean {
  if (dims.statuscodeclass === '5xx') return true;
  if (dims.statuscode === '424' || dims.statuscode === '408' || dims.statuscode === '429') return true;
  return /^5\d\d$/.test(dims.modelstatuscode ?? '');
}

/** Status codes of an answer the deployment failed (the same rule as {@link isServerError}, for one response). */
export function isFailedAnswer(status: number): boolean {
  return status >= 500 || status === 424 || status === 408 || status === 429;
}
