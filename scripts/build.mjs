#!/usr/bin/env node
// Builds dist/ from src/ with esbuild: readable (not minified) ES modules, split into chunks with
// names a reviewer can read, holding only what the actions load.
//
//   dist/<name>/index.js   one per action.yml (the root one and actions/<name>/action.yml) whose
//                          `runs.main` is dist/<name>/index.js: src/actions/<name>.ts with what
//                          only it uses
//   dist/shared/<name>.js  code several entries share, and what an entry loads with import() only
//                          when its path needs it (e.g. @azure/identity, @azure/storage-blob,
//                          @actions/github), so a step parses only what its path uses. Each chunk
//                          is named after what it holds: the package or src/ folder of its
//                          largest parts (`yaml+specs.js`), or the package an import() loads
//                          (`azure-identity.js`); esbuild's `// path` line heads each module in it.
//   dist/shared/undici/index.cjs
//                          undici, bundled on its own (CommonJS) and required only when used: see
//                          src/bundle/undici.ts (which the bundle has for `undici`: ALIASES)
//   dist/shared/licenses.txt  name, version, license and license text of every bundled package
//   dist/package.json      {"type": "module"}: the .js files are ES modules wherever dist/ lies
//
// Not bundled (ALIASES maps them to src/bundle/not-bundled.ts, whose functions throw): what
// no action path can reach and would only weigh on dist/: apache-arrow (storage-blob's Arrow
// listing format), open (identity's interactive browser login, with its xdg-open script) and bowser
// (the AWS SDK's browser user agent); whatwg-url, node-fetch 2's fallback when Node has no URL
// (under @google-cloud/storage), becomes Node's URL (src/bundle/whatwg-url.ts).
// After esbuild, each file: imports of Node's modules become `require` calls (requireBuiltins: an ES
// import of node:http loads Node's internal undici), a `require` for esbuild's `__require` where
// needed (REQUIRE_SHIM), non-ASCII characters in kept comments escaped (asciiComments).
// Why esbuild, not ncc: named chunks and scope-hoisted readable output without a webpack runtime,
// a metafile to name chunks from, and a build of a few seconds.
// The command line (src/cli, with the emulator, which needs the devDependency azurite) is not in
// dist/: `--cli` builds it into build/cli/ (git-ignored), as bin/azureml-actions.js does on demand.
//
// The result is deterministic (check-dist rebuilds and compares byte for byte): esbuild's output
// depends on the sources only, paths are relative to the repository (node_modules as
// `node_modules/...`, also where it is a symlink), and chunk names come from their contents. dist/
// is written to a staging folder and swapped in at the end, so a step running meanwhile sees the
// old or the new dist/, not half of one.
//
// Usage: node scripts/build.mjs [--out DIR] [--metafile FILE] [entry ...]
//        node scripts/build.mjs --cli [--out DIR]
//   DIR defaults to dist/ (build/cli/ with --cli). Naming entries only checks they exist: entries
//   share chunks, so every build builds all of them. --metafile writes esbuild's metafile (which
//   module is in which output, and who imports it) to FILE, to see what makes a path big.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { parse as parseYaml } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The folder of the shared chunks under dist/ (no entry may have this name). */
export const SHARED = 'shared';
const NAME = /^[a-z][a-z0-9-]*$/;
/** The runner's Node for `runs.using: node24`. */
const ACTION_TARGET = 'node24';
/** The lowest Node of package.json's engines (the command line runs on the developer's Node). */
const CLI_TARGET = 'node22';

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
 * Every entry: `{ name, src, actionFile }`. Throws with the file at fault when an action.yml
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
    if (!NAME.test(name) || name === SHARED) {
      throw new Error(
        `${rel}: runs.main '${runs.main}' names the bundle '${name}'; use another folder name under dist/ (lower-case letters, digits and -; not ${SHARED}).`,
      );
    }
    for (const key of ['pre', 'post']) {
      if (typeof runs[key] === 'string' && resolve(dirname(file), runs[key]) !== main) {
        throw new Error(`${rel}: runs.${key} must be the same file as runs.main (${runs.main}); the entry tells main and post apart itself.`);
      }
    }
    const src = join('src', 'actions', `${name}.ts`);
    if (!existsSync(join(root, src))) throw new Error(`${rel}: runs.main is dist/${name}/index.js, but ${src} does not exist.`);
    if (list.some((e) => e.name === name))
      throw new Error(`${rel}: dist/${name}/index.js is also the main of ${list.find((e) => e.name === name).actionFile}.`);
    list.push({ name, src, actionFile: rel });
  }
  return list.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Packages the action bundle takes from src/bundle/ instead (for the bundle only: tsc, vitest and
 * the command line see the real ones). Applies to imports from node_modules too.
 */
const ALIASES = {
  undici: './src/bundle/undici.ts',
  'apache-arrow': './src/bundle/not-bundled.ts',
  open: './src/bundle/not-bundled.ts',
  bowser: './src/bundle/not-bundled.ts',
  'whatwg-url': './src/bundle/whatwg-url.ts',
};

/** esbuild options both builds share. */
const COMMON = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  splitting: true,
  // node_modules is a symlink in some work trees: keep `node_modules/...` in paths and comments
  preserveSymlinks: true,
  charset: 'ascii', // a one-byte source string parses faster
  legalComments: 'none', // dist/shared/licenses.txt has every package's license
  logLevel: 'warning',
  write: false,
  metafile: true,
};

/**
 * What esbuild's `__require` (a CommonJS dependency's require of a Node module) calls: ES modules
 * have no `require`, so the chunk that defines `__require` gets one.
 */
const REQUIRE_SHIM = "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);\n";
const DEFINES_REQUIRE = /^var __require = /m;

/** An `import ... from "<module>";` (or `import "<module>";`) statement of the chunk's top level. */
const IMPORT = /^import (?:([^;"]*?) from )?"([^"]+)";\n/gm;

/**
 * `text` with its imports of Node's modules (`import { request } from "node:http";`, which
 * esbuild leaves as they are) made `require` calls (REQUIRE_SHIM's) at the top of the file, where
 * an import takes effect: for an ES module import of a built-in, Node builds a facade by reading
 * every export, and `node:http`'s include getters (WebSocket, ...) that load Node's internal
 * undici, some 15 ms, in every step that imports http, even one that never sends a request;
 * `require` reads nothing until used. Returns the text and whether it changed.
 */
export function requireBuiltins(text) {
  const decls = [];
  const rest = text.replace(IMPORT, (stmt, clause, spec) => {
    if (!isBuiltin(spec)) return stmt;
    const req = `require(${JSON.stringify(spec)})`;
    if (clause === undefined) {
      decls.push(`${req};`);
      return '';
    }
    const ns = /^\* as ([\w$]+)$/.exec(clause);
    const parts = /^(?:([\w$]+)(?:, )?)?(?:\{([^}]*)\})?$/.exec(clause.trim());
    if (ns) {
      decls.push(`const ${ns[1]} = ${req};`);
    } else if (parts) {
      let def = parts[1];
      const named = [];
      for (const item of (parts[2] ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)) {
        const [name, local = name] = item.split(/\s+as\s+/);
        if (name === 'default') def = local;
        else named.push(name === local ? name : `${name}: ${local}`);
      }
      if (def) decls.push(`const ${def} = ${req};`);
      if (named.length > 0) decls.push(`const { ${named.join(', ')} } = ${def ?? req};`);
    } else {
      throw new Error(`cannot read the import of ${spec}: ${stmt}`);
    }
    return '';
  });
  return decls.length === 0 ? { text, changed: false } : { text: `${decls.join('\n')}\n${rest}`, changed: true };
}

/**
 * `text` with every non-ASCII character written as `\u{...}`. With `charset: 'ascii'` esbuild
 * escapes them in code (strings, templates, regexps, names) but keeps the comments it preserves
 * (doc comments in classes) as they are; one such character makes V8 hold and scan the whole
 * file as two-byte text, which parses slower. The check proves only comments changed: esbuild,
 * minifying (which drops comments), makes the same code of both.
 */
async function asciiComments(text, path) {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(text)) return text;
  const ascii = text.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
  const format = path.endsWith('.cjs') ? 'cjs' : 'esm';
  const code = async (t) => (await esbuild.transform(t, { minify: true, format, charset: 'ascii', legalComments: 'none' })).code;
  if ((await code(text)) !== (await code(ascii))) throw new Error(`${path}: a non-ASCII character outside a comment`);
  return ascii;
}

/** An output of the metafile that holds third-party code only (every input under node_modules/, or src/bundle/, what stands in for a package). */
export function vendorOnly(metafile, path) {
  const inputs = Object.keys(metafile.outputs[path]?.inputs ?? {});
  return inputs.length > 0 && inputs.every((i) => i.startsWith('node_modules/') || i.startsWith('src/bundle/'));
}

/**
 * A chunk of third-party code only, minified (whitespace, syntax, local names; `keepNames` keeps
 * every function's and class's `name`, which the SDKs' error types rely on): what a reviewer reads
 * in a dist/ diff is our code, which stays readable; the packages' code is what package-lock.json
 * pins, and their licenses are in licenses.txt. ASCII only, as asciiComments makes our chunks.
 */
async function minifyVendor(text, format, packages) {
  const { code } = await esbuild.transform(text, { minify: true, keepNames: true, format, target: ACTION_TARGET, charset: 'ascii', legalComments: 'none' });
  // What the chunk holds, for a reader (and the tests): one `// node_modules/<package>/` line each.
  return `${packages.map((p) => `// node_modules/${p}/`).join('\n')}\n${code}`;
}

/** The packages (and src/bundle stand-ins) of a metafile output, sorted. */
function packagesOf(metafile, path) {
  return [...new Set(Object.keys(metafile.outputs[path]?.inputs ?? {}).map(groupOf))].sort();
}

/** The package (`@azure/identity`) or src/ folder (`src/specs`) an input of the metafile belongs to. */
export function groupOf(input) {
  if (input.startsWith('<runtime>')) return 'esbuild-runtime';
  const i = input.lastIndexOf('node_modules/');
  if (i >= 0) {
    const p = input.slice(i + 'node_modules/'.length).split('/');
    return p[0].startsWith('@') ? `${p[0]}/${p[1]}` : p[0];
  }
  const p = input.split('/');
  return p[0] === 'src' && p.length > 2 ? `src/${p[1]}` : input.replace(/\.[cm]?[jt]s$/, '');
}

/** Packages named as one in chunk names: the Azure SDK's core, MSAL, Octokit, @actions/*. */
const FAMILIES = [
  [/^@azure\/(core-.*|logger|abort-controller)$|^@typespec\/ts-http-runtime$/, 'azure-core'],
  [/^@azure\/msal-/, 'msal'],
  [/^@octokit\//, 'octokit'],
  [/^@actions\//, 'actions'],
];

/** A group as a file-name part: `@azure/core-client` → `azure-core`, `yaml` → `yaml`, `src/specs` → `specs`. */
function label(group) {
  for (const [re, name] of FAMILIES) if (re.test(group)) return name;
  return group
    .replace(/^@/, '')
    .replace(/^src\//, '')
    .replace(/\//g, '-');
}

/**
 * A readable name for each chunk (output path → name without `.js`), unique, from its contents:
 * the package an import() loads, else its largest parts by {@link label} (those with ≥ 10% of its
 * bytes, at most three, joined with `+`, e.g. `yaml+specs+azure`); two chunks of the same name
 * each add their next part, then `.<their largest file>`, then a number in order of size.
 */
export function chunkNames(metafile, chunks) {
  const info = chunks.map((path) => {
    const out = metafile.outputs[path];
    const bytes = new Map();
    const files = new Map();
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
      if (bytesInOutput === 0) continue;
      const l = label(groupOf(input));
      bytes.set(l, (bytes.get(l) ?? 0) + bytesInOutput);
      files.set(input, bytesInOutput);
    }
    const byBytes = (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1);
    const parts = [...bytes].sort(byBytes);
    const total = parts.reduce((n, [, b]) => n + b, 0);
    const topFile = [...files].sort(byBytes)[0]?.[0];
    if (out.entryPoint) {
      // what an import() loads: named after the package (or src/ file) it imports
      const g = groupOf(out.entryPoint);
      const first = g.startsWith('src/') ? basename(out.entryPoint).replace(/\.[cm]?[jt]s$/, '') : g.replace(/^@/, '').replace(/\//g, '-');
      return { path, parts: [first, ...parts.map(([l]) => l).filter((l) => l !== first)], take: 1, topFile, total };
    }
    // no inputs: esbuild's helpers (__commonJS, __toESM, ...) that chunks import
    if (parts.length === 0) return { path, parts: ['esbuild-runtime'], take: 1, topFile, total };
    const take = Math.max(1, Math.min(3, parts.filter(([, b]) => b >= 0.1 * total).length));
    return { path, parts: parts.map(([l]) => l), take, topFile, total };
  });
  const nameOf = (c) => c.parts.slice(0, c.take).join('+') + (c.fileSuffix ? `.${c.fileSuffix}` : '') + (c.n ? `-${c.n}` : '');
  for (;;) {
    const byName = new Map();
    for (const c of info) byName.set(nameOf(c), [...(byName.get(nameOf(c)) ?? []), c]);
    const clashes = [...byName.values()].filter((cs) => cs.length > 1);
    if (clashes.length === 0) break;
    for (const cs of clashes) {
      if (cs.every((c) => c.take < c.parts.length) && cs.some((c) => c.take < c.parts.length)) {
        for (const c of cs) c.take += 1;
      } else if (cs.every((c) => !c.fileSuffix && c.topFile)) {
        for (const c of cs)
          c.fileSuffix = basename(c.topFile)
            .replace(/\.[cm]?[jt]s$/, '')
            .replace(/[^A-Za-z0-9-]/g, '-');
      } else {
        cs.sort((a, b) => b.total - a.total || (a.path < b.path ? -1 : 1)).forEach((c, i) => (c.n = i + 1));
      }
    }
  }
  return new Map(info.map((c) => [c.path, nameOf(c)]));
}

/** `name@version\nlicense\ntext` for every package with code in the outputs, by name. */
function licenses(metafiles) {
  const dirs = new Map();
  for (const m of metafiles) {
    for (const out of Object.values(m.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
        const i = input.lastIndexOf('node_modules/');
        if (i < 0 || bytesInOutput === 0) continue;
        const g = groupOf(input);
        dirs.set(g, input.slice(0, i + 'node_modules/'.length) + g);
      }
    }
  }
  const parts = [];
  for (const [name, dir] of [...dirs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const file = readdirSync(join(root, dir))
      .sort()
      .find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    const text = file
      ? readFileSync(join(root, dir, file), 'utf8')
          .replace(/\r\n/g, '\n')
          .trim()
      : '(no license file in the package)';
    parts.push(`${name}@${pkg.version}\n${typeof pkg.license === 'string' ? pkg.license : JSON.stringify(pkg.license ?? 'UNKNOWN')}\n${text}\n`);
  }
  return parts.join('\n');
}

/** dist/: every action entry and the chunks they share; returns the files as `{ path: contents }`. */
export async function buildActions(list = entries()) {
  const result = await esbuild.build({
    ...COMMON,
    entryPoints: list.map((e) => ({ in: e.src, out: join(e.name, 'index') })),
    outdir: 'dist',
    target: ACTION_TARGET,
    chunkNames: `${SHARED}/[name]-[hash]`,
    alias: ALIASES,
  });
  const chunks = Object.keys(result.metafile.outputs).filter((p) => p.startsWith(`dist/${SHARED}/`));
  const names = chunkNames(result.metafile, chunks);
  const renames = [...names].map(([path, name]) => [basename(path), `${name}.js`]);
  const files = new Map();
  for (const f of result.outputFiles) {
    const path = relative(root, f.path);
    let text = f.text;
    for (const [from, to] of renames) text = text.split(`/${from}"`).join(`/${to}"`);
    const builtins = requireBuiltins(text);
    text = builtins.text;
    if (builtins.changed || DEFINES_REQUIRE.test(text)) text = REQUIRE_SHIM + text;
    const out = names.has(path) ? join('dist', SHARED, `${names.get(path)}.js`) : path;
    files.set(
      relative('dist', out),
      vendorOnly(result.metafile, path) ? await minifyVendor(text, 'esm', packagesOf(result.metafile, path)) : await asciiComments(text, out),
    );
  }
  // undici on its own, CommonJS: src/bundle/undici.ts requires it synchronously on first use
  const undici = await esbuild.build({
    ...COMMON,
    format: 'cjs',
    splitting: false,
    entryPoints: [join('node_modules', 'undici', 'index.js')],
    outfile: join('dist', SHARED, 'undici', 'index.cjs'),
    target: ACTION_TARGET,
  });
  for (const f of undici.outputFiles)
    files.set(relative(join(root, 'dist'), f.path), await minifyVendor(f.text, 'cjs', packagesOf(undici.metafile, relative(root, f.path))));
  files.set(join(SHARED, 'licenses.txt'), licenses([result.metafile, undici.metafile]));
  files.set('package.json', '{\n  "type": "module"\n}\n');
  return { files, metafile: result.metafile };
}

/** build/cli/: the command line (src/cli/main.ts and the emulator), its packages left to node_modules. */
export async function buildCli() {
  const result = await esbuild.build({
    ...COMMON,
    packages: 'external',
    entryPoints: [{ in: join('src', 'cli', 'main.ts'), out: 'main' }],
    outdir: join('build', 'cli'),
    target: CLI_TARGET,
    chunkNames: '[name]-[hash]',
  });
  const files = new Map();
  for (const f of result.outputFiles) files.set(relative(join(root, 'build', 'cli'), f.path), f.text);
  files.set('package.json', '{\n  "type": "module"\n}\n');
  return { files, metafile: result.metafile };
}

/** Writes `files` as the folder `outRoot`, through a staging folder swapped in at the end. */
export function writeTree(outRoot, files) {
  const staging = join(dirname(outRoot), `.${basename(outRoot)}.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const [path, text] of [...files].sort()) {
      mkdirSync(dirname(join(staging, path)), { recursive: true });
      writeFileSync(join(staging, path), text);
    }
    rmSync(outRoot, { recursive: true, force: true });
    mkdirSync(dirname(outRoot), { recursive: true });
    renameSync(staging, outRoot);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function main() {
  const args = process.argv.slice(2);
  const take = (flag) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const cli = args.includes('--cli');
  const out = take('--out');
  const metafile = take('--metafile');
  const wanted = args.filter((a) => a !== '--cli');
  const outRoot = resolve(out ?? join(root, cli ? join('build', 'cli') : 'dist'));
  let built;
  if (cli) {
    built = await buildCli();
  } else {
    const all = entries();
    const unknown = wanted.filter((w) => !all.some((e) => e.name === w));
    if (unknown.length > 0) {
      console.error(`unknown entry: ${unknown.join(', ')}; known: ${all.map((e) => e.name).join(', ')}`);
      process.exit(2);
    }
    if (wanted.length > 0 && wanted.length < all.length) console.log(`entries share chunks: building all of ${all.map((e) => e.name).join(', ')}`);
    built = await buildActions(all);
  }
  writeTree(outRoot, built.files);
  if (metafile) writeFileSync(resolve(metafile), JSON.stringify(built.metafile, null, 1));
  const rel = outRoot.startsWith(root + sep) ? relative(root, outRoot) : outRoot;
  const kb = [...built.files.values()].reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e3;
  console.log(`built ${rel}/: ${built.files.size} files, ${kb.toFixed(0)} kB`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`build: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
