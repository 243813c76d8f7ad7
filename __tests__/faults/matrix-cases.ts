/**
 * Runs a part of the fault matrix (the rows of some actions) as one test: every cell on an
 * emulator of its own, several side by side, the part's table printed and written for the
 * report at the end of the run. `FAULTS_ONLY=<regex>` keeps the rows whose label or operation
 * matches; `FAULTS_CONCURRENCY` sets how many cells run at once (default 8).
 */
import { expect } from 'vitest';
import { cellsOf, renderMatrix, runCell, writePart, type Row } from './matrix.js';
import { pool, QUICK } from './support.js';

export async function runMatrixPart(name: string, rows: Row[]): Promise<void> {
  const only = process.env.FAULTS_ONLY ? new RegExp(process.env.FAULTS_ONLY, 'i') : undefined;
  const faultOnly = process.env.FAULTS_FAULT ? new RegExp(`^(${process.env.FAULTS_FAULT})$`) : undefined;
  const cells = cellsOf(
    rows.filter((r) => !only || only.test(r.label) || only.test(r.operation)),
    QUICK,
  ).filter((c) => !faultOnly || faultOnly.test(c.fault));
  const limit = Number(process.env.FAULTS_CONCURRENCY ?? 8);
  const started = Date.now();
  const results = await pool(cells, limit, (cell, i) => runCell(cell, i));
  const wall = Math.round((Date.now() - started) / 100) / 10;
  writePart(name, results, wall);
  console.log(`\nFault matrix — ${name}: ${results.length} cells in ${wall} s (${limit} at once)\n\n${renderMatrix(results)}\n`);
  const unexpected = results.filter((r) => !r.pass).map((r) => `${r.label} × ${r.fault} (${r.mode}): ${r.outcome}, expected ${r.expected} — ${r.detail}`);
  expect(unexpected).toEqual([]);
}
