/**
 * Cold start and size of every bundle.
 *
 * Cold start, under the runner's Node 24, measured from just before the spawn:
 * - to the first outgoing request: the step runs with inputs that make it talk to Azure (a service
 *   principal with a client secret; pr-summary: a token and a PR number) and HTTPS_PROXY pointing
 *   at a local proxy; the time is when the proxy sees the step's first CONNECT (the Entra token
 *   request, or the GitHub API), and the step is then killed. Nothing leaves the machine.
 * - to exit on a no-network path: no inputs but the action.yml defaults (the step fails on its
 *   first required input; pr-summary without a token writes the job summary only).
 * - the command line, `bin/azureml-actions.js --help` (it runs build/cli/, which is not in dist/,
 *   after checking it is not older than src/), to exit.
 * Each against `node -e 0` (to its exit), interleaved in the same run. Also the CPU time (user +
 * system) to the same point, from a preload that reads `process.cpuUsage()` when the first socket
 * opens or at exit, against `node -e 0` with the same preload: on a shared machine, waiting for a
 * core inflates wall times but not CPU time. One more traced run per path lists the files of dist/
 * it loaded (the JS parsed before the request or the exit). BENCH_DIST=DIR measures another build.
 *
 * Size: every dist/<entry>/index.js, every file of the shared bundle, and all of dist/ (the
 * runner downloads the repository for each `uses:`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { node24, repoRoot } from '../__tests__/harness/index.js';
import { quick, report, stat, type Row } from './lib.js';

/** BENCH_DIST measures another build (e.g. a copy of an older dist/) the same way. */
const dist = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : join(repoRoot, 'dist');
const SHARED = 'shared';
const TARGET_MS = 100;

const connection = {
  'subscription-id': '00000000-0000-4000-8000-000000000001',
  'resource-group': 'bench-rg',
  'workspace-name': 'bench-ws',
  'client-id': '00000000-0000-4000-8000-000000000002',
  'tenant-id': '00000000-0000-4000-8000-000000000003',
  'client-secret': 'bench-not-a-secret',
};

/** Inputs that make each action's first request (unknown entries get the no-network path only). */
const requestInputs: Record<string, Record<string, string>> = {
  'submit-job': { 'job-file': 'examples/iris/job.yml', ...connection },
  'metric-gate': { rules: 'accuracy >= 0.9', 'job-name': 'bench-job', ...connection },
  'register-model': { name: 'bench-model', 'job-name': 'bench-job', ...connection },
  deploy: { endpoint: 'bench-endpoint', model: 'azureml:bench-model:1', ...connection },
  flow: { 'job-file': 'examples/iris/job.yml', rules: 'accuracy >= 0.9', ...connection },
  'pr-summary': { 'github-token': 'ghs_bench_not_a_token', 'pr-number': '1' },
};

interface Entry {
  name: string;
  /** The file Node runs: dist/<name>/index.js, or for the command line bin/azureml-actions.js. */
  script?: string;
  /** The action.yml's inputs (defaults are set as the runner sets them); none for the CLI. */
  inputs?: Record<string, { default?: unknown }>;
}

/** Each dist/<name>/index.js with the action.yml whose main it is (the CLI has none). */
function findEntries(): Entry[] {
  const actionFiles = [join(repoRoot, 'action.yml'), ...readdirSync(join(repoRoot, 'actions')).map((d) => join(repoRoot, 'actions', d, 'action.yml'))];
  const byName = new Map<string, Entry['inputs']>();
  for (const f of actionFiles.filter((x) => existsSync(x))) {
    const doc = parseYaml(readFileSync(f, 'utf8')) as { inputs?: Entry['inputs']; runs?: { main?: string } };
    const main = typeof doc.runs?.main === 'string' ? relative(join(repoRoot, 'dist'), resolve(f, '..', doc.runs.main)).split('/') : [];
    if (main.length === 2 && main[1] === 'index.js') byName.set(main[0], doc.inputs ?? {});
  }
  const list: Entry[] = readdirSync(dist)
    .filter((d) => d !== SHARED && existsSync(join(dist, d, 'index.js')))
    .sort()
    .map((name) => ({ name, inputs: byName.get(name) }));
  // The command line is not in dist/: bin/azureml-actions.js runs build/cli/ (building it when stale).
  if (!list.some((e) => e.name === 'cli')) list.unshift({ name: 'cli', script: join(repoRoot, 'bin', 'azureml-actions.js') });
  return list;
}

/** The environment of a step as the runner sets it (inputs with their defaults), in `dir`. */
function stepEnv(entry: Entry, inputs: Record<string, string>, dir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'octo-org/ml-repo',
    GITHUB_RUN_ID: '1001',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: '8f2a1c9d3e4b5a6f7081928374655647382910ab',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_WORKSPACE: repoRoot,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_ENV: join(dir, 'env'),
    ...extra,
  };
  // the runner creates the file-command files before the step starts
  for (const k of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY', 'GITHUB_ENV'] as const) writeFileSync(env[k]!, '');
  for (const [name, spec] of Object.entries(entry.inputs ?? {})) {
    const value = inputs[name] ?? (spec.default !== undefined ? String(spec.default) : '');
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return env;
}

/** A forward proxy that notes when each CONNECT arrives and drops it. */
async function startProxy(): Promise<{ server: Server; port: number; onConnect: (f: ((host: string) => void) | undefined) => void }> {
  let listener: ((host: string) => void) | undefined;
  const server = createServer((req, res) => {
    listener?.(`${req.method} ${req.url}`);
    res.writeHead(502).end();
  });
  server.on('connect', (req, socket) => {
    listener?.(`CONNECT ${req.url}`);
    socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { server, port, onConnect: (f) => (listener = f) };
}

type Proxy = Awaited<ReturnType<typeof startProxy>>;

interface Timed {
  ms: number;
  /** 'CONNECT host:443', or 'exit N'. */
  end: string;
}

/** Runs `args` under Node 24; resolves at the first request the proxy sees (then kills it) or at exit. */
function timeRun(args: string[], env: NodeJS.ProcessEnv, proxy?: Proxy, timeoutMs = 60_000): Promise<Timed> {
  return new Promise((resolveRun, reject) => {
    let done = false;
    const t0 = performance.now();
    const child = spawn(node24, args, { cwd: repoRoot, env, stdio: 'ignore' });
    const finish = (end: string) => {
      if (done) return;
      done = true;
      const ms = performance.now() - t0;
      clearTimeout(timer);
      proxy?.onConnect(undefined);
      if (child.exitCode === null) child.kill('SIGKILL');
      child.once('close', () => resolveRun({ ms, end }));
      if (child.exitCode !== null || child.signalCode !== null) resolveRun({ ms, end });
    };
    proxy?.onConnect((what) => finish(what));
    child.once('exit', (code, signal) => finish(`exit ${code ?? signal}`));
    child.once('error', reject);
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
  });
}

/** Writes the preload modules of the probe runs into `dir`. */
function writeHooks(dir: string): { loads: string; cpu: string } {
  const loads = join(dir, 'trace-loads.mjs');
  writeFileSync(
    loads,
    `import { registerHooks } from 'node:module';\nimport { appendFileSync } from 'node:fs';\n` +
      `registerHooks({ load(url, context, next) { if (url.startsWith('file:')) appendFileSync(process.env.BENCH_LOADS_OUT, url + '\\n'); return next(url, context); } });\n`,
  );
  const cpu = join(dir, 'cpu-time.mjs');
  writeFileSync(
    cpu,
    `import { subscribe } from 'node:diagnostics_channel';\nimport { writeFileSync } from 'node:fs';\n` +
      `let done = false;\n` +
      `const mark = () => { if (done) return; done = true; const u = process.cpuUsage(); writeFileSync(process.env.BENCH_CPU_OUT, String((u.user + u.system) / 1000)); };\n` +
      `subscribe('net.client.socket', mark);\nprocess.on('exit', mark);\n`,
  );
  return { loads, cpu };
}

/** The files under dist/ a run loads (a module hook records them). */
async function loadedFiles(hook: string, args: string[], env: NodeJS.ProcessEnv, dir: string, proxy?: Proxy): Promise<{ bytes: number; files: string[] }> {
  const out = join(dir, 'loaded.txt');
  writeFileSync(out, '');
  await timeRun(['--import', hook, ...args], { ...env, BENCH_LOADS_OUT: out }, proxy);
  const files = [...new Set(readFileSync(out, 'utf8').split('\n').filter(Boolean))].map((u) => new URL(u).pathname).filter((p) => p.startsWith(dist + '/'));
  return { bytes: files.reduce((n, f) => n + statSync(f).size, 0), files: files.map((f) => relative(dist, f)) };
}

/** CPU time (user + system, all threads) of the process when it opens its first socket, or at exit. */
async function cpuTime(hook: string, args: string[], env: NodeJS.ProcessEnv, dir: string, proxy?: Proxy): Promise<number> {
  const out = join(dir, 'cpu.txt');
  writeFileSync(out, '');
  await timeRun(['--import', hook, ...args], { ...env, BENCH_CPU_OUT: out }, proxy);
  return Number(readFileSync(out, 'utf8')) || NaN;
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

interface Path {
  entry: Entry;
  kind: 'first request' | 'exit, no inputs' | 'exit (--help)' | 'first request (reference)';
  args: string[];
  inputs: Record<string, string>;
  proxied: boolean;
}

it('bundle cold start and size', async () => {
  const entries = findEntries();
  const paths: Path[] = [];
  for (const entry of entries) {
    const script = entry.script ?? join(dist, entry.name, 'index.js');
    if (!entry.inputs) {
      paths.push({ entry, kind: 'exit (--help)', args: [script, '--help'], inputs: {}, proxied: false });
      continue;
    }
    if (requestInputs[entry.name]) paths.push({ entry, kind: 'first request', args: [script], inputs: requestInputs[entry.name], proxied: true });
    paths.push({ entry, kind: 'exit, no inputs', args: [script], inputs: {}, proxied: false });
  }

  // Floors, in plain `node -e`: what any Node program pays for its first HTTPS request through the
  // proxy (the https and tls modules, a CONNECT); and that plus `typeof FormData`, which every
  // request through @azure/core-rest-pipeline evaluates (its formDataPolicy) and which makes Node
  // load its own bundled undici (fetch, FormData, ...). The Azure actions cannot start below the
  // second.
  const connectScript =
    "require('http').request({ host: '127.0.0.1', port: new URL(process.env.HTTPS_PROXY).port, method: 'CONNECT', path: 'login.microsoftonline.com:443' }).on('error', () => {}).end()";
  const references: Array<[string, string]> = [
    ['reference: require("https") + CONNECT', `require('https'); ${connectScript}`],
    ['reference: require("https") + typeof FormData + CONNECT', `require('https'); typeof FormData; ${connectScript}`],
  ];
  const referenceEntries = new Set<Entry>();
  for (const [name, script] of references) {
    const entry: Entry = { name };
    referenceEntries.add(entry);
    paths.push({ entry, kind: 'first request (reference)', args: ['-e', script], inputs: {}, proxied: true });
  }

  const proxy = await startProxy();
  const work = mkdtempSync(join(tmpdir(), 'aml-startup-'));
  const load = loadavg()[0];
  try {
    const envOf = (p: Path, dir: string) => stepEnv(p.entry, p.inputs, dir, p.proxied ? { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` } : {});
    const runs = quick ? 3 : 10;
    const hooks = writeHooks(work);
    const bare: number[] = [];
    const bareCpu: number[] = [];
    const times = paths.map(() => [] as number[]);
    const cpus = paths.map(() => [] as number[]);
    const ends = paths.map(() => new Set<string>());
    // one unmeasured round first: the files are then in the page cache, as on a runner that has
    // just downloaded the action
    for (let i = -1; i < runs; i++) {
      const b = await timeRun(['-e', '0'], { PATH: process.env.PATH });
      const bc = await cpuTime(hooks.cpu, ['-e', '0'], { PATH: process.env.PATH }, work);
      if (i >= 0) bare.push(b.ms);
      if (i >= 0) bareCpu.push(bc);
      for (const [k, p] of paths.entries()) {
        const dir = mkdtempSync(join(work, 'run-'));
        const t = await timeRun(p.args, envOf(p, dir), p.proxied ? proxy : undefined);
        const c = await cpuTime(hooks.cpu, p.args, envOf(p, dir), dir, p.proxied ? proxy : undefined);
        rmSync(dir, { recursive: true, force: true });
        if (i < 0) continue;
        times[k].push(t.ms);
        cpus[k].push(c);
        ends[k].add(t.end.replace(/^exit \d+$/, 'exit'));
      }
    }
    const bareStat = stat(bare);
    const rows: Row[] = [];
    for (const [k, p] of paths.entries()) {
      const dir = mkdtempSync(join(work, 'trace-'));
      const loaded = await loadedFiles(hooks.loads, p.args, envOf(p, dir), dir, p.proxied ? proxy : undefined);
      const s = stat(times[k]);
      const above = stat(times[k].map((t, i) => t - bare[i]));
      const endNote = [...ends[k]].join(', ');
      const wrongEnd = p.kind.startsWith('first request') && !endNote.startsWith('CONNECT') && !endNote.startsWith('GET');
      rows.push({
        figure: `${p.entry.name}: to ${p.kind}`,
        unit: 'ms',
        value: s,
        baseline: { name: 'node -e 0', value: bareStat },
        note:
          `${wrongEnd ? 'NO REQUEST SEEN: ' : ''}ended by ${endNote}` +
          (referenceEntries.has(p.entry)
            ? ''
            : `; loaded ${(loaded.bytes / 1e3).toFixed(0)} kB of dist/ (${loaded.files
                .filter((f) => f.startsWith(SHARED))
                .map((f) => f.slice(SHARED.length + 1).replace(/(\.index)?\.c?js$/, ''))
                .join(' ')})`),
      });
      rows.push({
        figure: `${p.entry.name}: to ${p.kind}, above bare Node`,
        unit: 'ms',
        value: above,
        ...(referenceEntries.has(p.entry) ? {} : { target: `≤ ${TARGET_MS} ms`, met: above.median <= TARGET_MS }),
      });
      rows.push({
        figure: `${p.entry.name}: to ${p.kind}, CPU time above bare Node`,
        unit: 'ms',
        value: stat(cpus[k].map((c, i) => c - bareCpu[i])),
        baseline: { name: 'node -e 0 CPU', value: stat(bareCpu) },
        note: 'user + system time of all its threads until its first socket (or exit): what a busy machine does not inflate',
      });
    }
    rows.push({
      figure: 'load average (1 min) at the start',
      unit: '',
      value: stat([load]),
      note: 'the machine is shared: a high load inflates every figure above',
    });
    report('Bundles: cold start (Node 24)', rows);

    const sizes: Row[] = [];
    const kb = (n: number) => stat([n / 1e3]);
    for (const e of entries.filter((x) => !x.script))
      sizes.push({ figure: `dist/${e.name}/index.js`, unit: 'kB', value: kb(statSync(join(dist, e.name, 'index.js')).size) });
    const shared = join(dist, SHARED);
    if (existsSync(shared)) {
      const files = readdirSync(shared, { recursive: true, encoding: 'utf8' })
        .filter((f) => statSync(join(shared, f)).isFile())
        .sort((a, b) => statSync(join(shared, b)).size - statSync(join(shared, a)).size);
      for (const f of files) sizes.push({ figure: `dist/${SHARED}/${f}`, unit: 'kB', value: kb(statSync(join(shared, f)).size) });
    }
    const total = dirSize(dist);
    sizes.push({ figure: 'total dist/', unit: 'kB', value: kb(total), target: '≤ 5,000 kB (5 MB)', met: total <= 5e6 });
    report('Bundles: size', sizes);
  } finally {
    proxy.server.close();
    rmSync(work, { recursive: true, force: true });
  }
});
