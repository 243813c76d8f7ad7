/**
 * The data a monitor signal reads, as rows: production data collected by the data collector
 * (JSONL events `{…, time, data: [records]}` under `{yyyy}/{MM}/{dd}/{HH}` folders,
 * how-to-collect-production-data "Store collected data in Blob Storage"), reference data from a
 * data asset (an MLTable read as jobs/mltable.ts reads one, a CSV or JSON-lines file or folder).
 *
 * Windows (swagger 2024-10-01 MonitoringInputDataBase): Rolling keeps the events whose `time` is
 * in [run time − windowOffset − windowSize, run time − windowOffset) ("windowOffset: the time
 * offset between the end of the data window and the monitor's current run time"), Static those
 * in [windowStart, windowEnd), Fixed everything. A window over rows that carry no time (not
 * collected data) is refused: the emulator cannot tell which rows it would keep.
 */
import { readFile, rm } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import type { WorkspaceRef } from '../data/resources.js';
import { readMLTable, walk, type TableFile } from '../jobs/mltable.js';
import type { Runtime } from '../jobs/runtime.js';
import { isObj, type Obj } from '../obj.js';
import type { InputData } from './definition.js';

export interface Table {
  rows: Obj[];
}

/** A signal cannot be computed: the monitor job fails with this message (and `tags` on its run). */
export class MonitorDataError extends Error {
  constructor(
    message: string,
    readonly tags: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Tag of a monitor run that failed on its data (shared_utilities/constants.py AML_MOMO_ERROR_TAG). */
export const MONITOR_ERROR_TAG = 'azureml.modelmonitor.error';

export function windowOf(input: InputData, runTime: number): { from: number; to: number } | undefined {
  if (input.kind === 'Rolling') {
    const to = runTime - (input.windowOffsetMs ?? 0);
    return { from: to - (input.windowSizeMs ?? 0), to };
  }
  if (input.kind === 'Static') return { from: input.windowStart!, to: input.windowEnd! };
  return undefined;
}

/** One CSV record per line (RFC 4180 quotes); the first line names the columns. */
export function parseCsv(text: string, delimiter = ','): Obj[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      if (record.some((f) => f !== '')) records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  record.push(field);
  if (record.some((f) => f !== '')) records.push(record);
  const [header, ...body] = records;
  if (!header) return [];
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, cell(r[i])])));
}

/** A CSV cell as MLTable's type inference reads it: empty → null, a number → number. */
function cell(v: string | undefined): unknown {
  if (v === undefined || v === '') return null;
  const t = v.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  return v;
}

interface Rows {
  rows: Obj[];
  /** Whether the rows came with event times (collected data). */
  timed: boolean;
}

/** The rows of JSON lines: data collector events (filtered by their time) or plain records. */
function jsonLines(text: string, window: { from: number; to: number } | undefined, file: string): Rows {
  const rows: Obj[] = [];
  let timed = false;
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new MonitorDataError(`${file} line ${i + 1} is not JSON`);
    }
    if (isObj(v) && typeof v.specversion === 'string' && 'data' in v) {
      timed = true;
      const t = Date.parse(String(v.time ?? ''));
      if (window && !(t >= window.from && t < window.to)) continue;
      const data = v.data;
      if (Array.isArray(data)) rows.push(...data.filter(isObj));
      else if (isObj(data)) rows.push(data);
    } else if (isObj(v)) rows.push(v);
  }
  return { rows, timed };
}

async function readFiles(files: string[], root: string, window: { from: number; to: number } | undefined, label: string): Promise<Rows> {
  const out: Rows = { rows: [], timed: false };
  for (const f of files) {
    const rel = relative(root, f).split(sep).join('/') || f;
    const lower = f.toLowerCase();
    if (lower.endsWith('/mltable') || lower.endsWith(`${sep}mltable`)) continue;
    const text = await readFile(f, 'utf8');
    if (lower.endsWith('.jsonl') || lower.endsWith('.json')) {
      const r = jsonLines(text, window, `${label}: ${rel}`);
      out.rows.push(...r.rows);
      out.timed ||= r.timed;
    } else if (lower.endsWith('.csv') || lower.endsWith('.tsv')) {
      out.rows.push(...parseCsv(text, lower.endsWith('.tsv') ? '\t' : ','));
    } else {
      throw new MonitorDataError(`${label}: '${rel}' is neither CSV nor JSON lines; the emulator's monitor reads those (and MLTables of them) only`);
    }
  }
  return out;
}

async function readTableFiles(files: TableFile[], window: { from: number; to: number } | undefined, label: string): Promise<Rows> {
  const out: Rows = { rows: [], timed: false };
  for (const f of files) {
    const text = await readFile(f.path, 'utf8');
    if (f.format === 'json_lines') {
      const r = jsonLines(text, window, label);
      out.rows.push(...r.rows);
      out.timed ||= r.timed;
    } else {
      if (f.header === 'no_header') throw new MonitorDataError(`${label}: an MLTable without a header row gives no column names to monitor`);
      out.rows.push(...parseCsv(text, f.delimiter ?? ','));
    }
  }
  return out;
}

/** MLTable transformations after reading (reference-yaml-mltable). */
function transform(rows: Obj[], transforms: Array<Record<string, unknown>>, label: string): Obj[] {
  let out = rows;
  for (const t of transforms) {
    if ('take' in t) out = out.slice(0, Number(t.take));
    else if ('skip' in t) out = out.slice(Number(t.skip));
    else if ('keep_columns' in t) {
      const keep = t.keep_columns as string[];
      out = out.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => keep.includes(k))));
    } else if ('drop_columns' in t) {
      const drop = t.drop_columns as string[];
      out = out.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !drop.includes(k))));
    } else throw new MonitorDataError(`${label}: the MLTable transformation ${Object.keys(t)[0]} is not supported by the emulator's monitor`);
  }
  return out;
}

/** Reads one signal input at a run time (ms): its rows inside its window. */
export async function readMonitorInput(
  rt: Runtime,
  ws: WorkspaceRef,
  input: InputData,
  runTime: number,
  dir: string,
  label: string,
  signal: AbortSignal,
): Promise<Table> {
  const window = windowOf(input, runTime);
  await rm(dir, { recursive: true, force: true });
  let got: Rows;
  try {
    if (input.jobInputType === 'mltable') {
      const spec = await readMLTable(rt, ws, input.uri, dir, label, signal);
      const r = await readTableFiles(spec.files, window, label);
      got = { rows: transform(r.rows, spec.transforms, label), timed: r.timed };
    } else {
      const loc = await rt.resolver(ws).resolve(input.uri);
      const r = await rt.blob.download(loc, dir, { abortSignal: signal });
      if (r.count === 0) throw new MonitorDataError(`${label}: nothing is stored at '${input.uri}'`);
      got = await readFiles(r.file ? [r.file] : await walk(dir), dir, window, label);
    }
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
  if (window && !got.timed && got.rows.length > 0) {
    throw new MonitorDataError(
      `${label}: a ${input.kind} window needs rows with times (data collected from a deployment); '${input.uri}' has none. Use a Fixed input for a static data asset.`,
    );
  }
  if (window && got.rows.length === 0) {
    // model_data_collector_preprocessor/mdc_utils.py: "No data found for the given time window", tagged on the run.
    const iso = (t: number) => new Date(t).toISOString();
    throw new MonitorDataError(`${label}: No data found for the given time window: ${iso(window.from)} to ${iso(window.to)}`, {
      [MONITOR_ERROR_TAG]: 'No data found for the given time window.',
    });
  }
  return { rows: got.rows };
}
