/**
 * Global set-up of `npm run test:faults`: clears the report folder before the run, and at the
 * end prints the whole fault matrix (every part) and the kill-anywhere figures, and writes them
 * to `fault-matrix.md` / `fault-matrix.json` in the report folder (.tmp/faults by default).
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderMatrix, type CellResult } from './matrix.js';
import { renderKillRuns, type KillReport } from './kill-report.js';
import { reportDir } from './support.js';

export function setup(): () => void {
  const dir = reportDir();
  for (const f of readdirSync(dir)) if (/^(matrix-.*|kill-anywhere)\.json$/.test(f)) rmSync(join(dir, f));
  return () => {
    const parts = readdirSync(dir).filter((f) => /^matrix-.*\.json$/.test(f));
    const results: CellResult[] = [];
    let wall = 0;
    for (const f of parts) {
      const part = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { wallSeconds: number; results: CellResult[] };
      results.push(...part.results);
      wall = Math.max(wall, part.wallSeconds);
    }
    const out: string[] = [];
    if (results.length > 0) {
      const unexpected = results.filter((r) => !r.pass).length;
      out.push(
        `## Fault matrix`,
        '',
        `${results.length} cells, ${results.length - unexpected} as expected, ${unexpected} not; parts ran side by side, the longest in ${wall} s.`,
        '',
        renderMatrix(results),
        '',
      );
    }
    const killFile = join(dir, 'kill-anywhere.json');
    if (existsSync(killFile)) out.push('## Kill anywhere', '', renderKillRuns(JSON.parse(readFileSync(killFile, 'utf8')) as KillReport), '');
    if (out.length === 0) return;
    const text = out.join('\n');
    writeFileSync(join(dir, 'fault-matrix.md'), text + '\n');
    writeFileSync(join(dir, 'fault-matrix.json'), JSON.stringify({ results }, null, 2));
    console.log(`\n${text}\nWritten to ${join(dir, 'fault-matrix.md')}\n`);
  };
}
