/**
 * Metrics from a file a step wrote, on any cloud:
 *
 * - JSON: `{"name": value}`, `{"name": [values]}`, `{"name": [{"step": 1, "value": 0.9}]}`
 *   (`timestamp` optional), nested objects flattened with `.` (`{"eval": {"acc": 1}}` → `eval.acc`),
 *   or a list of records `[{"name": "acc", "value": 0.9, "step": 1}]`. Bare NaN/Infinity (as
 *   Python writes them) are read as such; `null` is "no value".
 * - CSV (or TSV): long rows `name,value[,step][,timestamp]` (header `name`/`metric`/`key` and
 *   `value`; a header-less two- or three-column file works too) or wide columns
 *   `step,acc,loss` (one metric per column; `step`/`epoch`/`iteration` and `timestamp` columns
 *   are recognised). Detected from the header. An empty cell is "no value at that step".
 * - An MLflow `metrics/` folder (or the run folder holding it): one file per metric, lines
 *   `timestamp value step`; sub-folders are nested names (`train/loss`).
 *
 * Each may also be in another cloud's object store: `s3://bucket/key` or `gs://bucket/object` (a
 * file) or a prefix (an MLflow run folder), read with the clouds' own SDKs (src/clouds).
 *
 * Every error is a {@link ConfigurationError} with the file, line and column.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as core from '@actions/core';
import { mapWithConcurrency } from '../azure/concurrency.js';
import type { CloudObject } from '../clouds/objects.js';
import { isCloudUri, parseCloudUri } from '../clouds/uri.js';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConfigurationError } from '../core/errors.js';
import type { MetricPoint, MetricSet } from './evaluate.js';
import { JsonSyntaxError, parseJsonWithPositions, type JsonNode, type JsonPosition } from './json-positions.js';
import { decodeMetricValue } from './mlflow.js';
import { createStaticSource, sortHistory, type MetricSource } from './source.js';

export type MetricsFileFormat = 'json' | 'csv' | 'mlflow-folder';

export interface ReadMetricsOptions {
  /** The input that named the file (errors name it). Default `metrics-file`. */
  input?: string;
  /** Paths in messages are shown relative to this folder (the workspace). */
  displayRoot?: string;
  /** For s3:// and gs:// sources: the environment of the clouds' credential chains (default process.env) and the log's masking (default the runner's). */
  cloud?: { env?: Record<string, string | undefined>; setSecret?(secret: string): void; info?(message: string): void; abortSignal?: AbortSignal };
}

export interface MetricsFile {
  format: MetricsFileFormat;
  metrics: MetricSet;
  /** As shown in messages. */
  display: string;
  /** Files read (1, or one per metric for an MLflow folder). */
  files: number;
}

class FileErrors {
  constructor(
    readonly display: string,
    readonly input: string,
  ) {}

  at(message: string, line?: number, column?: number, hint?: string, file = this.display): never {
    const where = line ? `${file}:${line}${column ? `:${column}` : ''}` : file;
    throw new ConfigurationError(`${where}: ${message}`, { input: this.input, file, line, column, hint });
  }
}

function displayPath(path: string, root: string | undefined): string {
  if (!root) return path;
  const rel = relative(root, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : path;
}

/** Reads a metrics file or MLflow folder; `path` is resolved against `displayRoot` when relative. */
export function readMetricsFile(path: string, options: ReadMetricsOptions = {}): MetricsFile {
  const input = options.input ?? 'metrics-file';
  const full = isAbsolute(path) || !options.displayRoot ? resolve(path) : resolve(options.displayRoot, path);
  const display = displayPath(full, options.displayRoot);
  if (!existsSync(full)) {
    throw new ConfigurationError(`The metrics file '${display}' does not exist.`, {
      input,
      hint: 'Give a path relative to the repository root (GITHUB_WORKSPACE) of a file written by an earlier step, e.g. outputs/metrics.json.',
    });
  }
  const errors = new FileErrors(display, input);
  if (statSync(full).isDirectory()) {
    const { metrics, files } = readMlflowFolder(full, display, errors);
    return { format: 'mlflow-folder', metrics, display, files };
  }
  return readMetricsText(readFileSync(full, 'utf8'), extname(full).toLowerCase(), errors);
}

/** One JSON or CSV file's text; the format from the extension, else from the first character. */
function readMetricsText(text: string, ext: string, errors: FileErrors): MetricsFile {
  const format: MetricsFileFormat =
    ext === '.json' ? 'json' : ext === '.csv' || ext === '.tsv' || ext === '.txt' ? 'csv' : /^\uFEFF?\s*[[{]/.test(text) ? 'json' : 'csv';
  const metrics = format === 'json' ? readJsonMetrics(text, errors) : readCsvMetrics(text, errors, ext === '.tsv' ? '\t' : undefined);
  return { format, metrics, display: errors.display, files: 1 };
}

/**
 * A metrics file or MLflow run folder in another cloud's object store (`s3://bucket/key`,
 * `gs://bucket/prefix`): one object is a JSON or CSV file, a prefix an MLflow run folder (its
 * `metrics/` objects, or the objects under it), read with the same parsers as files on disk.
 */
export async function readCloudMetrics(uriText: string, options: ReadMetricsOptions = {}): Promise<MetricsFile> {
  const input = options.input ?? 'metrics-file';
  const uri = parseCloudUri(uriText, input);
  const cloud = options.cloud ?? {};
  // Loaded on use, so a gate over a local file or a server parses none of the clouds' layer.
  const [{ openCloudStore }, { readAll }] = await Promise.all([import('../clouds/open.js'), import('../clouds/objects.js')]);
  const store = await openCloudStore(uri, {
    env: cloud.env ?? process.env,
    setSecret: (secret) => (cloud.setSecret ? cloud.setSecret(secret) : core.setSecret(secret)),
    input,
    info: (m) => cloud.info?.(m),
    ...(cloud.abortSignal ? { abortSignal: cloud.abortSignal } : {}),
  });
  const listing = await store.list(uri);
  const text = async (o: CloudObject) =>
    (await readAll(await store.open(uri, o), MAX_CLOUD_FILE_BYTES, `${uri.cloud}://${uri.bucket}/${o.key}`)).toString('utf8');
  if (listing.isFile) {
    const o = listing.objects[0];
    return readMetricsText(await text(o), extname(o.key).toLowerCase(), new FileErrors(uri.uri, input));
  }
  const display = uri.uri.replace(/\/+$/, '');
  const errors = new FileErrors(display, input);
  const visible = listing.objects.filter((o) => !o.path.split('/').some((part) => part.startsWith('.')));
  const nested = visible.filter((o) => o.path.startsWith('metrics/'));
  const chosen = nested.length > 0 ? nested.map((o) => ({ o, name: o.path.slice('metrics/'.length) })) : visible.map((o) => ({ o, name: o.path }));
  const rootDisplay = nested.length > 0 ? `${display}/metrics` : display;
  if (chosen.length === 0) {
    errors.at(
      'the folder holds no metric files',
      undefined,
      undefined,
      "Give an MLflow run folder (mlruns/<experiment>/<run>) or its metrics/ folder: one file per metric with lines 'timestamp value step'.",
    );
  }
  const metrics: MetricSet = new Map();
  const texts = await mapWithConcurrency(chosen, 8, ({ o }) => text(o));
  chosen.forEach(({ name }, i) => metrics.set(name, readMlflowMetricFile(texts[i], `${rootDisplay}/${name}`, errors)));
  return { format: 'mlflow-folder', metrics, display, files: chosen.length };
}

/** The largest metrics object read from another cloud. */
const MAX_CLOUD_FILE_BYTES = 64 * 1024 * 1024;

/** A metric source over a file (read once, when first asked). */
export function createFileSource(path: string, options: ReadMetricsOptions = {}): MetricSource & { load(): Promise<MetricsFile> } {
  let loaded: { file: MetricsFile; source: MetricSource } | undefined;
  let loading: Promise<{ file: MetricsFile; source: MetricSource }> | undefined;
  const load = () =>
    (loading ??= (async () => {
      const file = isCloudUri(path) ? await readCloudMetrics(path, options) : readMetricsFile(path, options);
      const label = file.format === 'mlflow-folder' ? 'MLflow metrics folder' : `${file.format.toUpperCase()} file`;
      loaded = { file, source: createStaticSource('file', `${label} ${file.display}`, file.metrics) };
      return loaded;
    })());
  return {
    kind: 'file',
    get description() {
      return loaded?.source.description ?? `metrics file ${path}`;
    },
    load: async () => (await load()).file,
    names: async () => (await load()).source.names(),
    fetch: async (names) => (await load()).source.fetch(names),
    stats: () => {
      const s = loaded?.source.stats() ?? { requests: 0, points: 0, histories: 0 };
      return { ...s, requests: loaded?.file.files ?? 0 };
    },
  };
}

// ------------------------------------------------------------------------------------ JSON

const NAME_KEYS = ['name', 'metric', 'key', 'metric_name'];

function readJsonMetrics(text: string, errors: FileErrors): MetricSet {
  let root: JsonNode;
  try {
    root = parseJsonWithPositions(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) errors.at(`not valid JSON: ${e.message}`, e.line, e.column);
    throw e;
  }
  const metrics: MetricSet = new Map();
  const add = (name: string, points: MetricPoint[], at: JsonPosition) => {
    if (name.trim() === '') errors.at('a metric name is empty', at.line, at.column);
    const existing = metrics.get(name);
    if (existing) existing.push(...points);
    else metrics.set(name, points);
  };

  if (root.type === 'array') {
    // [{"name": "acc", "value": 0.9, "step": 1}, ...]
    root.items.forEach((item, index) => {
      if (item.type !== 'object')
        errors.at(
          `item ${index + 1} of the list must be an object like {"name": "accuracy", "value": 0.9, "step": 1}, found ${describeNode(item)}`,
          item.at.line,
          item.at.column,
        );
      const nameEntry = item.entries.find((e) => NAME_KEYS.includes(e.key));
      if (!nameEntry || nameEntry.value.type !== 'string') {
        errors.at(`item ${index + 1} of the list has no "name" (the metric's name as a string)`, item.at.line, item.at.column);
      }
      const point = pointOf(item, index, errors, ['name', ...NAME_KEYS]);
      add((nameEntry.value as { value: string }).value, point ? [point] : [], nameEntry.value.at);
    });
  } else if (root.type === 'object') {
    walkObject(root, '', add, errors);
  } else {
    errors.at(
      `the file must hold a JSON object of metrics ({"accuracy": 0.93}) or a list of records, found ${describeNode(root)}`,
      root.at.line,
      root.at.column,
    );
  }
  for (const [name, h] of metrics) metrics.set(name, sortHistory(h));
  return metrics;
}

function describeNode(n: JsonNode): string {
  switch (n.type) {
    case 'object':
      return 'an object';
    case 'array':
      return 'a list';
    case 'string':
      return `the string "${n.value.length > 40 ? `${n.value.slice(0, 40)}…` : n.value}"`;
    case 'boolean':
      return String(n.value);
    case 'null':
      return 'null';
    case 'number':
      return String(n.value);
  }
}

/** The number in a node: numbers, numeric strings ("0.9", "NaN"); undefined for null. */
function numberOf(node: JsonNode, what: string, errors: FileErrors): number | undefined {
  if (node.type === 'number') return node.value;
  if (node.type === 'null') return undefined;
  if (node.type === 'string') {
    const v = decodeMetricValue(node.value);
    if (v !== undefined) return v;
  }
  return errors.at(`${what} must be a number, found ${describeNode(node)}`, node.at.line, node.at.column);
}

function stepOf(node: JsonNode, what: string, errors: FileErrors): number {
  const v = numberOf(node, what, errors);
  if (v === undefined || !Number.isInteger(v)) errors.at(`${what} must be a whole number, found ${describeNode(node)}`, node.at.line, node.at.column);
  return v;
}

const VALUE_KEYS = ['value', 'val', 'v'];
const STEP_KEYS = ['step', 'epoch', 'iteration', 'iter'];
const TIME_KEYS = ['timestamp', 'time', 'ts'];
const SERIES_KEYS = ['values', 'history'];

/** A `{step, value, timestamp}` object as one point; undefined when its value is null. */
function pointOf(obj: Extract<JsonNode, { type: 'object' }>, index: number, errors: FileErrors, ignore: string[] = []): MetricPoint | undefined {
  const get = (keys: string[]) => obj.entries.find((e) => keys.includes(e.key.toLowerCase()));
  const known = [...VALUE_KEYS, ...STEP_KEYS, ...TIME_KEYS, ...ignore];
  const other = obj.entries.find((e) => !known.includes(e.key.toLowerCase()));
  const v = get(VALUE_KEYS);
  if (!v || other) {
    const what = other ? `this point has the unknown key "${other.key}"` : 'this point has no "value"';
    const at = other ? other.keyAt : obj.at;
    errors.at(`${what}; write {"step": ${index}, "value": 0.9} (optionally with "timestamp")`, at.line, at.column);
  }
  const value = numberOf(v.value, `the value of "${v.key}"`, errors);
  if (value === undefined) return undefined;
  const s = get(STEP_KEYS);
  const t = get(TIME_KEYS);
  const step = s ? stepOf(s.value, `"${s.key}"`, errors) : index;
  const timestamp = t ? numberOf(t.value, `"${t.key}"`, errors) : undefined;
  return timestamp === undefined ? { step, value } : { step, value, timestamp };
}

function seriesOf(items: JsonNode[], name: string, errors: FileErrors): MetricPoint[] {
  const out: MetricPoint[] = [];
  items.forEach((item, index) => {
    if (item.type === 'object') {
      const p = pointOf(item, index, errors);
      if (p) out.push(p);
      return;
    }
    if (item.type === 'array') {
      errors.at(`the history of '${name}' holds a list inside the list; write numbers or {"step": …, "value": …} objects`, item.at.line, item.at.column);
    }
    const value = numberOf(item, `value ${index + 1} of '${name}'`, errors);
    if (value !== undefined) out.push({ step: index, value });
  });
  return out;
}

function isPointObject(o: Extract<JsonNode, { type: 'object' }>): boolean {
  const keys = o.entries.map((e) => e.key.toLowerCase());
  return keys.some((k) => VALUE_KEYS.includes(k)) && keys.every((k) => [...VALUE_KEYS, ...STEP_KEYS, ...TIME_KEYS].includes(k));
}

function walkObject(
  obj: Extract<JsonNode, { type: 'object' }>,
  prefix: string,
  add: (name: string, points: MetricPoint[], at: JsonPosition) => void,
  errors: FileErrors,
): void {
  for (const { key, keyAt, value } of obj.entries) {
    const name = prefix ? `${prefix}.${key}` : key;
    switch (value.type) {
      case 'number':
        add(name, [{ step: 0, value: value.value }], keyAt);
        break;
      case 'null':
        add(name, [], keyAt);
        break;
      case 'string': {
        const v = numberOf(value, `the value of '${name}'`, errors);
        add(name, v === undefined ? [] : [{ step: 0, value: v }], keyAt);
        break;
      }
      case 'boolean':
        errors.at(`the value of '${name}' must be a number, found ${value.value}`, value.at.line, value.at.column);
        break;
      case 'array':
        add(name, seriesOf(value.items, name, errors), keyAt);
        break;
      case 'object': {
        if (isPointObject(value)) {
          const p = pointOf(value, 0, errors);
          add(name, p ? [p] : [], keyAt);
          break;
        }
        const series = value.entries.find((e) => SERIES_KEYS.includes(e.key.toLowerCase()) && e.value.type === 'array');
        if (series && value.entries.length === 1) {
          add(name, seriesOf((series.value as Extract<JsonNode, { type: 'array' }>).items, name, errors), keyAt);
          break;
        }
        walkObject(value, name, add, errors);
      }
    }
  }
}

// ------------------------------------------------------------------------------------- CSV

interface CsvRow {
  line: number;
  cells: Array<{ text: string; column: number }>;
}

function parseCsv(text: string, delimiter: string, errors: FileErrors): CsvRow[] {
  const rows: CsvRow[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = i;
  while (i < text.length) {
    const row: CsvRow = { line, cells: [] };
    let endOfRow = false;
    while (!endOfRow) {
      const column = i - lineStart + 1;
      let cell = '';
      if (text[i] === '"') {
        const openLine = line;
        i++;
        for (;;) {
          if (i >= text.length) errors.at('a quoted field is never closed', openLine, column);
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (text[i] === '\n') {
            line++;
            lineStart = i + 1;
          }
          cell += text[i++];
        }
        while (text[i] === ' ' || (text[i] === '\t' && delimiter !== '\t')) i++;
        if (i < text.length && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') {
          errors.at(`unexpected '${text[i]}' after a quoted field`, line, i - lineStart + 1);
        }
      } else {
        const start = i;
        while (i < text.length && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') i++;
        cell = text.slice(start, i);
      }
      row.cells.push({ text: cell.trim(), column });
      if (text[i] === delimiter) {
        i++;
      } else {
        if (text[i] === '\r') i++;
        if (text[i] === '\n') i++;
        line++;
        lineStart = i;
        endOfRow = true;
      }
    }
    if (row.cells.some((c) => c.text !== '') && !row.cells[0].text.startsWith('#')) rows.push(row);
  }
  return rows;
}

function sniffDelimiter(text: string): string {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trim().startsWith('#')) ?? '';
  const count = (c: string) => first.split(c).length - 1;
  const candidates: Array<[string, number]> = [
    [',', count(',')],
    ['\t', count('\t')],
    [';', count(';')],
  ];
  candidates.sort((a, b) => b[1] - a[1]);
  return candidates[0][1] > 0 ? candidates[0][0] : ',';
}

const LONG_NAME = ['name', 'metric', 'key', 'metric_name'];
const LONG_VALUE = ['value', 'val'];
const WIDE_STEP = ['step', 'epoch', 'iteration', 'iter'];
const WIDE_TIME = ['timestamp', 'time', 'ts'];

function isNumberCell(text: string): boolean {
  return decodeMetricValue(text) !== undefined;
}

function readCsvMetrics(text: string, errors: FileErrors, delimiter?: string): MetricSet {
  const rows = parseCsv(text, delimiter ?? sniffDelimiter(text), errors);
  if (rows.length === 0) errors.at('the file holds no rows', 1);
  const header = rows[0];
  const lower = header.cells.map((c) => c.text.toLowerCase());
  const metrics: MetricSet = new Map();

  const cellValue = (row: CsvRow, index: number, what: string): number | undefined => {
    const cell = row.cells[index];
    if (!cell || cell.text === '') return undefined;
    const v = decodeMetricValue(cell.text);
    if (v === undefined) errors.at(`${what} must be a number, found '${cell.text}'`, row.line, cell.column);
    return v;
  };
  const cellStep = (row: CsvRow, index: number, what: string, fallback: number): number => {
    const cell = row.cells[index];
    if (!cell || cell.text === '') return fallback;
    const v = decodeMetricValue(cell.text);
    if (v === undefined || !Number.isInteger(v)) errors.at(`${what} must be a whole number, found '${cell.text}'`, row.line, cell.column);
    return v;
  };

  const nameCol = lower.findIndex((h) => LONG_NAME.includes(h));
  const valueCol = lower.findIndex((h) => LONG_VALUE.includes(h));
  const headerless = header.cells.length >= 2 && header.cells.length <= 4 && !isNumberCell(header.cells[0].text) && isNumberCell(header.cells[1].text);

  if (rows.length === 1 && !headerless) {
    errors.at(
      'the CSV file has a header but no rows of values',
      header.line,
      1,
      'Write one metric value per row under a name,value[,step] header, or one column per metric under step,<metric>,… .',
    );
  }

  if ((nameCol >= 0 && valueCol >= 0) || headerless) {
    // Long: one point per row.
    const cols = headerless
      ? { name: 0, value: 1, step: header.cells.length >= 3 ? 2 : -1, time: header.cells.length >= 4 ? 3 : -1 }
      : { name: nameCol, value: valueCol, step: lower.findIndex((h) => WIDE_STEP.includes(h)), time: lower.findIndex((h) => WIDE_TIME.includes(h)) };
    const counts = new Map<string, number>();
    for (const row of headerless ? rows : rows.slice(1)) {
      const nameCell = row.cells[cols.name];
      if (!nameCell || nameCell.text === '') errors.at('the metric name is empty', row.line, nameCell?.column ?? 1);
      const name = nameCell.text;
      const index = counts.get(name) ?? 0;
      counts.set(name, index + 1);
      const value = cellValue(row, cols.value, `the value of '${name}'`);
      const step = cols.step >= 0 ? cellStep(row, cols.step, 'the step', index) : index;
      const timestamp = cols.time >= 0 ? cellValue(row, cols.time, 'the timestamp') : undefined;
      const history = metrics.get(name) ?? [];
      metrics.set(name, history);
      if (value !== undefined) history.push(timestamp === undefined ? { step, value } : { step, value, timestamp });
    }
  } else {
    // Wide: one column per metric.
    if (header.cells.every((c) => isNumberCell(c.text))) {
      errors.at(
        'the CSV file has no header',
        header.line,
        1,
        'Start the file with a header: either name,value[,step] (one metric value per row) or step,<metric>,<metric>,… (one column per metric).',
      );
    }
    const stepCol = lower.findIndex((h) => WIDE_STEP.includes(h));
    const timeCol = lower.findIndex((h) => WIDE_TIME.includes(h));
    const metricCols = header.cells.map((c, idx) => ({ name: c.text, idx, column: c.column })).filter((c) => c.idx !== stepCol && c.idx !== timeCol);
    const seen = new Set<string>();
    for (const c of metricCols) {
      if (c.name === '') errors.at(`column ${c.idx + 1} has no name in the header`, header.line, c.column);
      if (seen.has(c.name)) errors.at(`the column '${c.name}' appears twice in the header`, header.line, c.column);
      seen.add(c.name);
      metrics.set(c.name, []);
    }
    rows.slice(1).forEach((row, index) => {
      if (row.cells.length > header.cells.length) {
        const extra = row.cells[header.cells.length];
        errors.at(`this row has ${row.cells.length} cells but the header has ${header.cells.length}`, row.line, extra.column);
      }
      const step = stepCol >= 0 ? cellStep(row, stepCol, `'${header.cells[stepCol].text}'`, index) : index;
      const timestamp = timeCol >= 0 ? cellValue(row, timeCol, `'${header.cells[timeCol].text}'`) : undefined;
      for (const c of metricCols) {
        const value = cellValue(row, c.idx, `'${c.name}'`);
        if (value !== undefined) metrics.get(c.name)!.push(timestamp === undefined ? { step, value } : { step, value, timestamp });
      }
    });
  }
  for (const [name, h] of metrics) metrics.set(name, sortHistory(h));
  return metrics;
}

// --------------------------------------------------------------------------- MLflow folder

function readMlflowFolder(dir: string, display: string, errors: FileErrors): { metrics: MetricSet; files: number } {
  // A run folder (mlruns/<experiment>/<run>) holds metrics/ next to meta.yaml.
  const nested = join(dir, 'metrics');
  const root = existsSync(nested) && statSync(nested).isDirectory() ? nested : dir;
  const rootDisplay = root === dir ? display : `${display.replace(/\/+$/, '')}/metrics`;
  const metrics: MetricSet = new Map();
  let files = 0;
  const walk = (folder: string, prefix: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      const name = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        walk(path, name);
        continue;
      }
      if (!entry.isFile()) continue;
      files++;
      metrics.set(name, readMlflowMetricFile(readFileSync(path, 'utf8'), `${rootDisplay}/${name}`, errors));
    }
  };
  walk(root, '');
  if (files === 0 && root === dir) {
    errors.at(
      'the folder holds no metric files',
      undefined,
      undefined,
      "Give an MLflow run folder (mlruns/<experiment>/<run>) or its metrics/ folder: one file per metric with lines 'timestamp value step'.",
    );
  }
  return { metrics, files };
}

/** One MLflow metric file: lines `timestamp value step`. */
function readMlflowMetricFile(text: string, fileDisplay: string, errors: FileErrors): MetricPoint[] {
  const points: MetricPoint[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const parts = line.split(/\s+/);
    if (parts.length < 2 || parts.length > 3) {
      errors.at(`expected 'timestamp value step' (MLflow's metric file format), found '${line.slice(0, 60)}'`, index + 1, 1, undefined, fileDisplay);
    }
    const timestamp = Number(parts[0]);
    if (!Number.isInteger(timestamp)) errors.at(`the timestamp '${parts[0]}' is not a whole number of milliseconds`, index + 1, 1, undefined, fileDisplay);
    const value = decodeMetricValue(parts[1]);
    if (value === undefined) errors.at(`the value '${parts[1]}' is not a number`, index + 1, raw.indexOf(parts[1]) + 1, undefined, fileDisplay);
    const step = parts.length === 3 ? Number(parts[2]) : 0;
    if (!Number.isInteger(step)) errors.at(`the step '${parts[2]}' is not a whole number`, index + 1, raw.lastIndexOf(parts[2]) + 1, undefined, fileDisplay);
    points.push({ step, value: value, timestamp });
  });
  return sortHistory(points);
}
