/**
 * Cold start and size of every bundle. Cold start: process start to exit on a no-network path
 * (the step fails on its first required input, before any request), under the runner's Node 24,
 * against `node -e 0` measured in the same run, interleaved.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { node24, repoRoot } from '../__tests__/harness/index.js';
import { quick, report, stat, type Row } from './lib.js';

function timeRun(args: string[]): number {
  const t0 = process.hrtime.bigint();
  spawnSync(node24, args, { env: { PATH: process.env.PATH ?? '', RUNNER_TEMP: '/tmp', GITHUB_OUTPUT: '/dev/null', GITHUB_STATE: '/dev/null' }, stdio: 'ignore' });
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function dirSize(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? dirSize(p) : st.size;
  }
  return total;
}

it('bundle cold start and size', () => {
  const dist = join(repoRoot, 'dist');
  const entries = readdirSync(dist).filter((d) => existsSync(join(dist, d, 'index.js')) && d !== 'cli').sort();
  const runs = quick ? 3 : 10;
  const bare: number[] = [];
  const times: Record<string, number[]> = Object.fromEntries(entries.map((e) => [e, []]));
  for (let i = 0; i < runs; i++) {
    bare.push(timeRun(['-e', '0']));
    for (const e of entries) times[e].push(timeRun([join(dist, e, 'index.js')]));
  }
  const bareStat = stat(bare);
  const rows: Row[] = [];
  for (const e of entries) {
    const s = stat(times[e]);
    const above = stat(times[e].map((t, i) => t - bare[i]));
    rows.push({ figure: `${e}: cold start`, unit: 'ms', value: s, baseline: { name: 'node -e 0', value: bareStat } });
    rows.push({ figure: `${e}: above bare Node`, unit: 'ms', value: above, target: '≤ 100 ms', met: above.median <= 100 });
  }
  for (const e of entries) {
    const size = statSync(join(dist, e, 'index.js')).size / 1e6;
    rows.push({ figure: `${e}: dist/${e}/index.js`, unit: 'MB', value: stat([size]) });
  }
  const total = dirSize(dist) / 1e6;
  rows.push({ figure: 'total dist/', unit: 'MB', value: stat([total]), target: '≤ 5 MB', met: total <= 5 });
  report('Bundles: cold start (Node 24) and size', rows);
});
