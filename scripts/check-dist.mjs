#!/usr/bin/env node
// Fails when dist/ is not what `npm run build` makes from src/: builds every entry into a
// temporary folder and compares it file by file with dist/ (in CI's fresh clone, dist/ is
// what was committed, so this is "npm run build leaves git clean").
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fresh = mkdtempSync(join(tmpdir(), 'aml-dist-'));

function files(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out;
}

try {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--out', fresh], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const want = new Set(files(fresh).map((f) => relative(fresh, f)));
  const have = new Set(files(join(root, 'dist')).map((f) => relative(join(root, 'dist'), f)));
  const problems = [];
  for (const f of want) {
    if (!have.has(f)) problems.push(`missing: dist/${f}`);
    else if (!readFileSync(join(fresh, f)).equals(readFileSync(join(root, 'dist', f)))) problems.push(`differs: dist/${f}`);
  }
  for (const f of have) if (!want.has(f)) problems.push(`not built from src (stale): dist/${f}`);
  if (problems.length > 0) {
    console.error('::error title=check-dist::dist/ is not a fresh build of src/. Run `npm run build` and commit dist/.');
    for (const p of problems) console.error(`  ${p}`);
    process.exit(1);
  }
  console.log(`check-dist: dist/ matches a fresh build of src/ (${want.size} files)`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
