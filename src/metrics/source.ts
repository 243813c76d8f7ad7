/**
 * Where a gate's metrics come from (flagger's metric providers): an Azure ML job through its
 * MLflow tracking service, any MLflow tracking server, or a file. Every source gives the same
 * model: metric name → history of (step, value, timestamp).
 *
 * "No values" and "query failed" are kept apart: a metric the source knows with an empty history
 * is present in the {@link MetricSet} with `[]`; a metric the source does not have is absent;
 * a query that failed throws (it never turns into "no values").
 */
import { closest } from '../core/text.js';
import type { MetricPoint, MetricSet } from './evaluate.js';

export type { MetricPoint, MetricSet } from './evaluate.js';

/** Counters of what a source did, for the log and the benchmark. */
export interface SourceStats {
  /** HTTP requests sent (retries included), or files read. */
  requests: number;
  /** Metric points read. */
  points: number;
  /** Metric histories read. */
  histories: number;
}

export interface MetricSource {
  /** What the gate reads, for the log, the summary and the report (e.g. `Azure ML job train-42`). */
  readonly description: string;
  /** Source kind, as written to the report and the ledger. */
  readonly kind: 'azureml' | 'mlflow' | 'file' | 'model' | 'monitor';
  /**
   * Every metric name the source has (cheap for MLflow: no histories are read). Used for
   * "did you mean" hints.
   */
  names(): Promise<string[]>;
  /**
   * The histories of `names` (every metric when absent), each sorted by step (then time). A
   * requested name the source does not have is left out; a metric without values maps to `[]`.
   * Throws when a query fails.
   */
  fetch(names?: readonly string[]): Promise<MetricSet>;
  /** What was read so far. */
  stats(): SourceStats;
}

/** Sorts a history by step, then timestamp; the input order breaks ties (stable sort). */
export function sortHistory(points: MetricPoint[]): MetricPoint[] {
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (a.step > b.step || (a.step === b.step && (a.timestamp ?? 0) > (b.timestamp ?? 0))) {
      return points.sort((x, y) => x.step - y.step || (x.timestamp ?? 0) - (y.timestamp ?? 0));
    }
  }
  return points;
}

/**
 * Up to `max` names of `options` close to `word`, closest first, for "did you mean" hints
 * (each is the {@link closest} of what is left). A name that differs only in case or
 * separators (`val_loss` / `val-loss` / `val/loss`) counts as close.
 */
export function closestNames(word: string, options: readonly string[], max = 3): string[] {
  const squash = (s: string) => s.toLowerCase().replace(/[\s_\-./]+/g, '');
  const out: string[] = [];
  for (const o of options) if (o !== word && squash(o) === squash(word) && out.length < max) out.push(o);
  let rest = options.filter((o) => o !== word && !out.includes(o));
  while (out.length < max) {
    const next = closest(word, rest);
    if (next === undefined) break;
    out.push(next);
    rest = rest.filter((o) => o !== next);
  }
  // Qualified names (`train.accuracy`): the same metric of another step is a likely intent; so
  // is a longer name made of the word (`f1` → `f1_macro`, `acc` → `accuracy`).
  const leaf = word.includes('.') ? word.slice(word.lastIndexOf('.') + 1) : word;
  const lower = word.toLowerCase();
  const related = (o: string) => {
    const l = o.toLowerCase();
    return o.endsWith(`.${leaf}`) || o === leaf || l.split(/[\s_\-./]+/).includes(lower) || (lower.length >= 3 && l.startsWith(lower));
  };
  for (const o of options) {
    if (out.length >= max) break;
    if (!out.includes(o) && o !== word && related(o)) out.push(o);
  }
  return out;
}

/** `'a', 'b' or 'c'` for messages. */
export function quoteList(names: readonly string[], conjunction = 'or'): string {
  const q = names.map((n) => `'${n}'`);
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} ${conjunction} ${q[q.length - 1]}`;
}

/** `accuracy, f1, loss (and 12 more)` for messages. */
export function nameListForMessage(names: readonly string[], max = 15): string {
  const sorted = [...names].sort();
  if (sorted.length === 0) return 'none';
  return sorted.length <= max ? sorted.join(', ') : `${sorted.slice(0, max).join(', ')} (and ${sorted.length - max} more)`;
}

/** A source over a set already in memory (model-version tags, tests, combined sources). */
export function createStaticSource(kind: MetricSource['kind'], description: string, metrics: MetricSet): MetricSource {
  const stats: SourceStats = { requests: 0, points: 0, histories: 0 };
  return {
    kind,
    description,
    async names() {
      return [...metrics.keys()];
    },
    async fetch(names) {
      const out: MetricSet = new Map();
      for (const name of names ?? metrics.keys()) {
        const h = metrics.get(name);
        if (h !== undefined) {
          out.set(name, h);
          stats.histories++;
          stats.points += h.length;
        }
      }
      return out;
    },
    stats: () => ({ ...stats }),
  };
}
