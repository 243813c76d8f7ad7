/**
 * One signal of a monitor run, computed from its reference (baseline) and production (target)
 * rows as Azure's monitoring components compute it (Azure/azureml-assets
 * assets/model_monitoring/components):
 * - feature types (src/shared_utilities/df_utils.py is_categorical): the override, else strings and
 *   booleans categorical, fractional numbers numerical, whole numbers categorical when fewer than
 *   5 % of the baseline's values are distinct; features: the columns both tables have
 *   (try_get_common_columns), or the FeatureSubset;
 * - DataDrift / PredictionDrift (src/data_drift_compute_metrics/compute_data_drift.py): rows with a
 *   null dropped, one value per feature and threshold, plus BaselineRowCount / TargetRowCount;
 * - DataQuality (src/data_quality_statistics, src/data_quality_compute_metrics,
 *   src/data_quality_metrics_joiner): the baseline's min / max (numerical) or value set
 *   (categorical); per table NullValueRate, DataTypeErrorRate (values that do not cast to the
 *   baseline's type — a null does not cast either, as Spark's `cast(...).isNotNull()` counts it),
 *   OutOfBoundsRate (after nulls take the median: above max or below min; categorical: a value
 *   outside the set), each rounded to 5 places; the threshold recorded is baseline value + the
 *   signal's threshold.
 * - defaults when a data type has no threshold: the `*_signal_monitor` components' inputs
 *   (numerical NormalizedWassersteinDistance, categorical JensenShannonDistance, 0.5; data quality:
 *   all three rates, 0.5);
 * - pass/fail: stats.breached (model_monitor_evaluate_metrics_threshold).
 */
import { isObj, type Obj } from '../obj.js';
import type { FeatureType, Signal, Threshold } from './definition.js';
import { MonitorDataError } from './data.js';
import { breached, categoricalDrift, numericalDrift } from './stats.js';

export interface MetricResult {
  feature: string;
  dataType: FeatureType;
  metric: string;
  /** Drift: the metric; DataQuality: the production (target) rate. */
  value: number;
  threshold: number;
  /** DataQuality: the reference (baseline) rate. */
  baselineValue?: number;
  breached: boolean;
}

export interface SignalResult {
  signal: Signal;
  baselineCount: number;
  targetCount: number;
  metrics: MetricResult[];
}

type ColType = 'integer' | 'double' | 'string' | 'boolean';

const DEFAULT_THRESHOLD = 0.5;
const DRIFT_DEFAULTS: Record<FeatureType, string> = { Numerical: 'NormalizedWassersteinDistance', Categorical: 'JensenShannonDistance' };
const QUALITY_METRICS = ['NullValueRate', 'DataTypeErrorRate', 'OutOfBoundsRate'];

function columnsOf(rows: readonly Obj[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

const present = (v: unknown) => v !== null && v !== undefined && !(typeof v === 'number' && Number.isNaN(v));

/** The type a column's values read as (Spark's inference over JSON / CSV). */
export function columnType(rows: readonly Obj[], col: string): ColType | undefined {
  let type: ColType | undefined;
  for (const r of rows) {
    const v = r[col];
    if (!present(v)) continue;
    const t: ColType = typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'double') : typeof v === 'boolean' ? 'boolean' : 'string';
    if (type === undefined || type === t) type = t;
    else if ((type === 'integer' && t === 'double') || (type === 'double' && t === 'integer')) type = 'double';
    else type = 'string';
  }
  return type;
}

function featureType(col: string, type: ColType | undefined, baseline: readonly Obj[], override: Record<string, FeatureType>): FeatureType | undefined {
  if (override[col]) return override[col];
  if (type === undefined) return undefined;
  if (type === 'string' || type === 'boolean') return 'Categorical';
  if (type === 'double') return 'Numerical';
  const values = baseline.map((r) => r[col]).filter(present);
  return new Set(values).size / Math.max(values.length, 1) < 0.05 ? 'Categorical' : 'Numerical';
}

/** The features a signal looks at, with their types. */
function features(signal: Signal, baseline: readonly Obj[], production: readonly Obj[]): Array<{ name: string; type: FeatureType; colType: ColType }> {
  const inProd = new Set(columnsOf(production));
  const common = columnsOf(baseline).filter((c) => inProd.has(c));
  let chosen = common;
  if (signal.features) {
    const missing = signal.features.filter((f) => !common.includes(f));
    if (missing.length > 0) {
      throw new MonitorDataError(`signal '${signal.name}': feature(s) ${missing.join(', ')} are not columns of both the production and the reference data`);
    }
    chosen = signal.features;
  }
  const out: Array<{ name: string; type: FeatureType; colType: ColType }> = [];
  for (const name of chosen) {
    const bt = columnType(baseline, name);
    const pt = columnType(production, name);
    const numeric = (t: ColType | undefined) => t === 'integer' || t === 'double';
    // Columns whose types disagree are not common columns (df_utils.get_common_columns), except for a quality check.
    if (signal.type !== 'DataQuality' && bt !== pt && !(numeric(bt) && numeric(pt))) continue;
    const type = featureType(name, bt, baseline, signal.typeOverride);
    if (type && bt) out.push({ name, type, colType: bt });
  }
  if (out.length === 0) {
    throw new MonitorDataError(
      `signal '${signal.name}': no numerical or categorical columns in common between the production data (${[...inProd].join(', ') || 'no columns'}) and the reference data`,
    );
  }
  return out;
}

function thresholdsFor(signal: Signal, type: FeatureType): Threshold[] {
  const listed = signal.thresholds.filter((t) => t.dataType === type);
  if (listed.length > 0) return listed;
  if (signal.type === 'DataQuality') return QUALITY_METRICS.map((metric) => ({ dataType: type, metric, value: DEFAULT_THRESHOLD }));
  return [{ dataType: type, metric: DRIFT_DEFAULTS[type], value: DEFAULT_THRESHOLD }];
}

function drift(signal: Signal, baseline: readonly Obj[], production: readonly Obj[]): SignalResult {
  const feats = features(signal, baseline, production);
  const complete = (rows: readonly Obj[]) => rows.filter((r) => feats.every((f) => present(r[f.name])));
  const b = complete(baseline);
  const p = complete(production);
  if (b.length === 0 || p.length === 0) {
    throw new MonitorDataError(
      `signal '${signal.name}': no ${b.length === 0 ? 'reference' : 'production'} rows without nulls in ${feats.map((f) => f.name).join(', ')}`,
    );
  }
  const metrics: MetricResult[] = [];
  for (const f of feats) {
    for (const t of thresholdsFor(signal, f.type)) {
      const value =
        f.type === 'Numerical'
          ? numericalDrift(
              t.metric,
              b.map((r) => Number(r[f.name])),
              p.map((r) => Number(r[f.name])),
            )
          : categoricalDrift(
              t.metric,
              b.map((r) => String(r[f.name])),
              p.map((r) => String(r[f.name])),
            );
      const threshold = t.value ?? DEFAULT_THRESHOLD;
      metrics.push({ feature: f.name, dataType: f.type, metric: t.metric, value, threshold, breached: breached(t.metric, value, threshold) });
    }
  }
  return { signal, baselineCount: b.length, targetCount: p.length, metrics };
}

function castable(v: unknown, to: ColType): boolean {
  if (!present(v)) return false;
  if (to === 'string') return true;
  if (typeof v === 'number' || typeof v === 'boolean') return true;
  if (to === 'boolean') return /^(true|false|t|f|yes|no|y|n|1|0)$/i.test(String(v).trim());
  return String(v).trim() !== '' && Number.isFinite(Number(v));
}

const round5 = (x: number) => Math.round(x * 1e5) / 1e5;

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

function quality(signal: Signal, baseline: readonly Obj[], production: readonly Obj[]): SignalResult {
  const feats = features(signal, baseline, production);
  const metrics: MetricResult[] = [];
  for (const f of feats) {
    const baseValues = baseline.map((r) => r[f.name]).filter((v) => castable(v, f.colType));
    const nums = baseValues.map(Number);
    const min = nums.length > 0 ? Math.min(...nums) : -Infinity;
    const max = nums.length > 0 ? Math.max(...nums) : Infinity;
    const set = new Set(baseValues.map(String));
    const rates = (rows: readonly Obj[]): Record<string, number> => {
      const n = Math.max(rows.length, 1);
      const values = rows.map((r) => r[f.name]);
      const nulls = values.filter((v) => !present(v)).length;
      const typeErrors = values.filter((v) => !castable(v, f.colType)).length;
      let outOfBounds: number;
      if (f.type === 'Numerical') {
        const ok = values.filter((v) => castable(v, f.colType)).map(Number);
        const fill = median(ok);
        const filled = values.map((v) => (castable(v, f.colType) ? Number(v) : fill));
        outOfBounds = filled.filter((x) => x !== undefined && (x > max || x < min)).length;
      } else {
        outOfBounds = values.filter((v) => present(v) && !set.has(String(v))).length;
      }
      return { NullValueRate: round5(nulls / n), DataTypeErrorRate: round5(typeErrors / n), OutOfBoundsRate: round5(outOfBounds / n) };
    };
    const base = rates(baseline);
    const target = rates(production);
    for (const t of thresholdsFor(signal, f.type)) {
      const threshold = base[t.metric] + (t.value ?? DEFAULT_THRESHOLD);
      const value = target[t.metric];
      metrics.push({
        feature: f.name,
        dataType: f.type,
        metric: t.metric,
        value,
        baselineValue: base[t.metric],
        threshold,
        breached: breached(t.metric, value, threshold),
      });
    }
  }
  return { signal, baselineCount: baseline.length, targetCount: production.length, metrics };
}

/** Computes one signal; throws MonitorDataError when it cannot be computed. */
export function computeSignal(signal: Signal, baseline: readonly Obj[], production: readonly Obj[]): SignalResult {
  if (production.length === 0) throw new MonitorDataError(`signal '${signal.name}': no production data in its window`);
  if (baseline.length === 0) throw new MonitorDataError(`signal '${signal.name}': no reference data`);
  if (!baseline.every(isObj) || !production.every(isObj)) throw new MonitorDataError(`signal '${signal.name}': rows must be records`);
  return signal.type === 'DataQuality' ? quality(signal, baseline, production) : drift(signal, baseline, production);
}

/** The signal file Azure's output-metrics component writes (model_monitor_output_metrics entities/signals). */
export function signalFile(r: SignalResult, runIds: Map<string, string>): Obj {
  const features: Record<string, Obj> = {};
  for (const m of r.metrics) {
    const f = (features[m.feature] ??= { dataType: m.dataType, metrics: [], runMetrics: [] });
    const runId = runIds.get(`${m.feature}|${m.metric}`);
    (f.metrics as Obj[]).push(
      r.signal.type === 'DataQuality'
        ? { metricName: m.metric, targetValue: m.value, baselineValue: m.baselineValue, threshold: m.threshold }
        : { metricName: m.metric, metricValue: m.value, threshold: m.threshold },
    );
    if (runId) (f.runMetrics as Obj[]).push({ runId, metricName: m.metric, runMetricName: 'value' });
  }
  return {
    signalName: r.signal.name,
    signalType: r.signal.type,
    version: '1.0.0',
    metrics: {
      ...(r.signal.type !== 'DataQuality' ? { rowCount: { baselineCount: r.baselineCount, targetCount: r.targetCount } } : {}),
      features,
    },
  };
}
