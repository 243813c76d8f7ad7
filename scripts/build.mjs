#!/usr/bin/env node
// Builds one ncc bundle per entry: every actions/<name>/action.yml whose `main` points at
// dist/<name>/index.js is built from src/actions/<name>.ts, and the CLI from src/cli/main.ts.
// Usage: node scripts/build.mjs [--out DIR] [entry ...]   (no entry: every entry; DIR default dist/)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function entries() {
  const list = [];
  const actionsDir = join(root, 'actions');
  if (existsSync(actionsDir)) {
    for (const name of readdirSync(actionsDir).sort()) {
      const src = join('src', 'actions', `${name}.ts`);
      if (existsSync(join(actionsDir, name, 'action.yml')) && existsSync(join(root, src))) {
        list.push({ name, src });
      }
    }
  }
  list.push({ name: 'cli', src: join('src', 'cli', 'main.ts') });
  return list;
}

const args = process.argv.slice(2);
const outFlag = args.indexOf('--out');
const outRoot = outFlag >= 0 ? args.splice(outFlag, 2)[1] : join(root, 'dist');
const wanted = args;
const selected = entries().filter((e) => wanted.length === 0 || wanted.includes(e.name));
if (wanted.length > 0 && selected.length !== wanted.length) {
  console.error(`unknown entry in: ${wanted.join(', ')}; known: ${entries().map((e) => e.name).join(', ')}`);
  process.exit(2);
}
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
for (const { name, src } of selected) {
  const out = join(outRoot, name);
  rmSync(out, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [ncc, 'build', src, '-o', out, '--target', 'es2022', '--no-source-map-register', '--quiet', '--license', 'licenses.txt'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error(`build of ${name} failed`);
    process.exit(r.status ?? 1);
  }
  console.log(`built ${join(out, 'index.js')}`);
}
