#!/usr/bin/env node
// Builds dist/ from src/: ONE bundle that every entry shares, and a two-line stub per entry.
//
//   entries   every action.yml (the root one and actions/<name>/action.yml) whose `runs.main` is
//             dist/<name>/index.js, built from src/actions/<name>.ts; and `cli` (src/cli/main.ts,
//             run by bin/azureml-actions.js).
//   dist/shared/index.js        ncc build of src/actions/index.ts: `run(name)` and webpack's runtime
//   dist/shared/<id>.index.js   chunks loaded with import(): one per entry, and the code and
//                               dependencies entries share in chunks of their own, so a step parses
//                               only what its path uses (ids are webpack's deterministic ones)
//   dist/shared/licenses.txt    licenses of the bundled packages
//   dist/shared/undici/         undici, bundled on its own (CommonJS) and required only when used:
//                               see src/bundle/undici.ts and scripts/tsconfig.bundle.json
//   dist/<name>/index.js        `import { run } from '../shared/index.js'; await run('<name>');`
//
// The chunks are minified with terser as `ncc -m` minifies its main file (names are mangled but
// function and class names are kept, so stack traces stay readable; no compression). ncc itself
// minifies only index.js, never the chunks. `--no-minify` builds readable chunks for debugging
// (never commit that: check-dist compares with a minified build). No source maps.
//
// The result is deterministic (check-dist rebuilds and compares byte for byte). dist/ is written
// to a staging folder and swapped in at the end, so a step running meanwhile sees the old or the
// new dist/, not half of one.
//
// Usage: node scripts/build.mjs [--out DIR] [--no-minify] [--stats FILE] [entry ...]
//   DIR defaults to dist/. Naming entries only checks they exist: all entries share one bundle, so
//   every build builds all of them. --stats writes webpack's stats (which module is in which
//   chunk, and why) to FILE, to see what makes a path or the bundle big.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';
import { parse as parseYaml } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The folder of the shared bundle under dist/ (no entry may have this name). */
export const SHARED = 'shared';
const DISPATCHER = join('src', 'actions', 'index.ts');
const NAME = /^[a-z][a-z0-9-]*$/;

/** The action.yml files of the repository: the root one first, then actions/<dir>/action.yml. */
function actionFiles() {
  const files = [];
  if (existsSync(join(root, 'action.yml'))) files.push(join(root, 'action.yml'));
  const actionsDir = join(root, 'actions');
  if (existsSync(actionsDir)) {
    for (const dir of readdirSync(actionsDir).sort()) {
      const f = join(actionsDir, dir, 'action.yml');
      if (existsSync(f)) files.push(f);
    }
  }
  return files;
}

/**
 * Every entry: `{ name, src, actionFile? }`. Throws with the file at fault when an action.yml
 * points into dist/ in a way this build cannot make.
 */
export function entries() {
  const list = [];
  for (const file of actionFiles()) {
    const rel = relative(root, file);
    const runs = parseYaml(readFileSync(file, 'utf8'))?.runs ?? {};
    if (typeof runs.main !== 'string') continue; // composite or docker action: nothing to bundle
    const main = resolve(dirname(file), runs.main);
    const parts = relative(join(root, 'dist'), main).split(sep);
    if (parts.length !== 2 || parts[1] !== 'index.js' || parts[0] === '..') continue; // not ours to build
    const name = parts[0];
    if (!NAME.test(name) || name === SHARED || name === 'cli' || name === 'index') {
      throw new Error(`${rel}: runs.main '${runs.main}' names the bundle '${name}'; use another folder name under dist/ (lower-case letters, digits and -; not ${SHARED}, cli or index).`);
    }
    for (const key of ['pre', 'post']) {
      if (typeof runs[key] === 'string' && resolve(dirname(file), runs[key]) !== main) {
        throw new Error(`${rel}: runs.${key} must be the same file as runs.main (${runs.main}); the entry tells main and post apart itself.`);
      }
    }
    const src = join('src', 'actions', `${name}.ts`);
    if (!existsSync(join(root, src))) throw new Error(`${rel}: runs.main is dist/${name}/index.js, but ${src} does not exist.`);
    if (list.some((e) => e.name === name)) throw new Error(`${rel}: dist/${name}/index.js is also the main of ${list.find((e) => e.name === name).actionFile}.`);
    list.push({ name, src, actionFile: rel });
  }
  list.sort((a, b) => a.name.localeCompare(b.name));
  list.push({ name: 'cli', src: join('src', 'cli', 'main.ts') });
  return list;
}

export function stub(name) {
  return `// Generated by scripts/build.mjs: runs '${name}' from the bundle all entries share (../${SHARED}/).\nimport { run } from '../${SHARED}/index.js';\nawait run('${name}');\n`;
}

/** terser as `ncc -m`, plus ascii_only (a one-byte source string parses faster) and legal comments kept. */
const TERSER_OPTIONS = {
  module: true,
  compress: false,
  mangle: { keep_classnames: true, keep_fnames: true },
  format: { comments: 'some', ascii_only: true },
};

/** Minifies every .js (ES module) and .cjs (CommonJS) file under `dir`. */
async function minifyDir(dir) {
  for (const f of readdirSync(dir, { recursive: true }).sort()) {
    if (!f.endsWith('.js') && !f.endsWith('.cjs')) continue;
    const p = join(dir, f);
    const result = await minify(readFileSync(p, 'utf8'), { ...TERSER_OPTIONS, module: f.endsWith('.js') });
    if (typeof result.code !== 'string') throw new Error(`terser returned nothing for ${p}`);
    writeFileSync(p, result.code);
  }
}

/**
 * undici as a CommonJS file of its own, `undici/index.cjs` (and its licenses.txt),
 * for src/bundle/undici.ts to require on first use.
 */
function buildUndici(ncc, out) {
  const r = spawnSync(
    process.execPath,
    [ncc, 'build', join('node_modules', 'undici', 'index.js'), '-o', out, '--target', 'es2022', '--no-source-map-register', '--quiet', '--license', 'licenses.txt'],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('ncc build of undici failed');
  renameSync(join(out, 'index.js'), join(out, 'index.cjs'));
  const files = readdirSync(out).sort();
  if (files.join(' ') !== 'index.cjs licenses.txt') throw new Error(`the undici build made unexpected files: ${files.join(', ')}`);
}

async function main() {
  const args = process.argv.slice(2);
  const take = (flag) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const outRoot = resolve(take('--out') ?? join(root, 'dist'));
  const stats = take('--stats');
  const noMinify = args.includes('--no-minify');
  const wanted = args.filter((a) => a !== '--no-minify');
  const all = entries();
  const unknown = wanted.filter((w) => !all.some((e) => e.name === w));
  if (unknown.length > 0) {
    console.error(`unknown entry: ${unknown.join(', ')}; known: ${all.map((e) => e.name).join(', ')}`);
    process.exit(2);
  }
  if (wanted.length > 0 && wanted.length < all.length) console.log(`all entries share one bundle: building all of ${all.map((e) => e.name).join(', ')}`);

  const staging = join(dirname(outRoot), `.${basename(outRoot)}.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
    const shared = join(staging, SHARED);
    const r = spawnSync(
      process.execPath,
      [
        ...[ncc, 'build', DISPATCHER, '-o', shared, '--target', 'es2022', '--no-source-map-register', '--quiet', '--license', 'licenses.txt'],
        ...(stats ? ['--stats-out', resolve(stats)] : []),
      ],
      // the module resolution of the bundle (see scripts/tsconfig.bundle.json); tsc and vitest keep tsconfig.json
      { cwd: root, stdio: 'inherit', env: { ...process.env, TS_NODE_PROJECT: join(root, 'scripts', 'tsconfig.bundle.json') } },
    );
    if (r.status !== 0) throw new Error(`ncc build of ${DISPATCHER} failed`);
    buildUndici(ncc, join(shared, 'undici'));
    if (!noMinify) await minifyDir(shared);
    for (const { name } of all) {
      mkdirSync(join(staging, name), { recursive: true });
      writeFileSync(join(staging, name, 'index.js'), stub(name));
    }
    rmSync(outRoot, { recursive: true, force: true });
    mkdirSync(dirname(outRoot), { recursive: true });
    renameSync(staging, outRoot);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const rel = outRoot.startsWith(root + sep) ? relative(root, outRoot) : outRoot;
  console.log(`built ${join(rel, SHARED)}/ (${readdirSync(join(outRoot, SHARED)).filter((f) => f.endsWith('.js')).length} files) and ${all.map((e) => join(rel, e.name, 'index.js')).join(', ')}${noMinify ? ' (not minified: do not commit)' : ''}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`build: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
