/** Small helpers of the benchmarks: statistics, a printed table, results.json. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const quick = process.env.BENCH_QUICK === '1';
const resultsFile = join(dirname(fileURLToPath(import.meta.url)), 'results.json');

export interface Stat {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function stat(values: number[]): Stat {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length === 0 ? NaN : s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN, n: s.length };
}

export interface Row {
  figure: string;
  value: Stat;
  unit: string;
  baseline?: { name: string; value: Stat };
  target?: string;
  met?: boolean;
  note?: string;
}

function fmt(v: number, unit: string): string {
  if (!Number.isFinite(v)) return '–';
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${unit}`.trim();
}

/** Prints the rows as a table and records them under `section` in bench/results.json. */
export function report(section: string, rows: Row[]): void {
  const lines = [
    `\n## ${section}${quick ? ' (quick mode)' : ''}`,
    '| figure | median | min | max | n | baseline (median) | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const ratio = r.baseline ? r.value.median / r.baseline.value.median : undefined;
    lines.push(
      `| ${r.figure} | ${fmt(r.value.median, r.unit)} | ${fmt(r.value.min, r.unit)} | ${fmt(r.value.max, r.unit)} | ${r.value.n} | ${r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value.median, r.unit)}` : ''} | ${ratio !== undefined ? `${ratio.toFixed(2)}×` : ''} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : 'no'} |`,
    );
    if (r.note) lines.push(`|  ↳ ${r.note} | | | | | | | | |`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  const all = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, unknown>) : {};
  all[section] = { at: new Date().toISOString(), quick, machine: `${process.platform} ${process.arch}, node ${process.version}`, rows };
  writeFileSync(resultsFile, JSON.stringify(all, null, 2) + '\n');
}
