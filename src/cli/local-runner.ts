/**
 * Runs a built action the way the GitHub runner does: `node` on the bundle its action.yml names,
 * with `INPUT_*` variables (defaults taken from action.yml like the runner), the file commands
 * `GITHUB_OUTPUT`, `GITHUB_STATE`, `GITHUB_STEP_SUMMARY`, `GITHUB_ENV`, `GITHUB_PATH`,
 * `RUNNER_TEMP` and an event file; then, when asked, the post step with the saved state as
 * `STATE_*` variables. Used by `azureml-actions run` and by the test harness.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseFileCommands } from '../core/file-commands.js';

/** Parses a file written with the runner's file-command format (`k=v` or `k<<DELIM ... DELIM`). */
export { parseFileCommands };

export interface Annotation {
  level: 'error' | 'warning' | 'notice' | 'debug';
  message: string;
  properties: Record<string, string>;
}

export interface StepResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr interleaved as the runner shows them. */
  log: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  env: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  secretsMasked: string[];
  durationMs: number;
}

export interface RunOptions {
  /** Folder name under actions/ (or '.' for the root action). */
  action: string;
  /** The repository holding action.yml files (actions/<name>/action.yml). */
  root: string;
  /** The node binary (the runner's node24). */
  node: string;
  inputs?: Record<string, string | number | boolean>;
  /** Extra environment (e.g. AZUREML_EMULATOR_HOST). */
  env?: Record<string, string>;
  eventName?: string;
  event?: unknown;
  /** GITHUB_WORKSPACE and the process cwd; a new temp folder when absent. */
  workspace?: string;
  /** Shared RUNNER_TEMP (the run ledger lives there); a new temp folder when absent. */
  runnerTemp?: string;
  /** Run the post step after main (default: when the action declares one). */
  post?: boolean;
  /**
   * Send a signal to the main step once its log matches `pattern` (a cancelled workflow), or
   * `afterMs` after it started (a runner that dies at a random moment).
   */
  signal?: { pattern?: RegExp; afterMs?: number; signal: NodeJS.Signals };
  timeoutMs?: number;
  /** Also stream the step's output to this process's stdout/stderr. */
  echo?: boolean;
  /** GITHUB_RUN_ID / GITHUB_RUN_ATTEMPT (a re-run of an attempt keeps both). */
  runId?: string;
  runAttempt?: string;
  /** GITHUB_REPOSITORY (owner/name). */
  repository?: string;
  /** GITHUB_SHA. */
  sha?: string;
}

export interface RunResult {
  main: StepResult;
  post?: StepResult;
  /** Outputs of the main step. */
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
  runnerTemp: string;
}

export interface ActionMeta {
  inputs: Record<string, { default?: unknown }>;
  main: string;
  post?: string;
}

export function readActionMeta(root: string, action: string): ActionMeta {
  const file = join(root, action === '.' ? '' : join('actions', action), 'action.yml');
  const doc = parseYaml(readFileSync(file, 'utf8')) as {
    inputs?: Record<string, { default?: unknown }>;
    runs: { using: string; main: string; post?: string };
  };
  if (doc.runs.using !== 'node24') throw new Error(`${file}: runs.using is ${doc.runs.using}, expected node24`);
  const base = dirname(file);
  return {
    inputs: doc.inputs ?? {},
    main: resolve(base, doc.runs.main),
    post: doc.runs.post ? resolve(base, doc.runs.post) : undefined,
  };
}

/** Renders workflow commands the way the runner's log shows them (debug lines only when asked). */
export function echoFormatter(debug: boolean): (chunk: string) => string {
  let pending = '';
  return (chunk) => {
    const text = pending + chunk;
    const cut = text.lastIndexOf('\n') + 1;
    pending = text.slice(cut);
    if (cut === 0) return '';
    const lines = text
      .slice(0, cut - 1)
      .split('\n')
      .map((line) => {
        const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
        if (!m) return line;
        const [, cmd, , data] = m;
        const msg = unescapeData(data);
        if (cmd === 'debug') return debug ? `##[debug]${msg}` : null;
        if (cmd === 'add-mask') return null;
        if (cmd === 'group') return `▶ ${msg}`;
        if (cmd === 'endgroup') return null;
        if (cmd === 'error' || cmd === 'warning' || cmd === 'notice') return `${cmd[0].toUpperCase()}${cmd.slice(1)}: ${msg}`;
        return line;
      })
      .filter((l): l is string => l !== null);
    // A chunk of workflow commands only (masks, debug lines) prints nothing, not a blank line.
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  };
}

function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
function unescapeProperty(s: string): string {
  return unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');
}

/** Reads `::error file=a,line=3::message` workflow commands out of a log. */
export function parseAnnotations(log: string): { annotations: Annotation[]; masked: string[] } {
  const annotations: Annotation[] = [];
  const masked: string[] = [];
  for (const line of log.split(/\r?\n/)) {
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const [, cmd, props, data] = m;
    if (cmd === 'add-mask') {
      masked.push(unescapeData(data));
      continue;
    }
    if (cmd !== 'error' && cmd !== 'warning' && cmd !== 'notice' && cmd !== 'debug') continue;
    const properties: Record<string, string> = {};
    for (const part of (props ?? '').split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) properties[part.slice(0, eq)] = unescapeProperty(part.slice(eq + 1));
    }
    annotations.push({ level: cmd, message: unescapeData(data), properties });
  }
  return { annotations, masked };
}

function baseEnv(node: string): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR', 'SYSTEMROOT', 'NODE_EXTRA_CA_CERTS'];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  // The runner's node comes first on PATH, as on a hosted runner.
  env.PATH = `${dirname(node)}:${env.PATH ?? '/usr/bin:/bin'}`;
  return env;
}

async function runStep(
  script: string,
  env: Record<string, string>,
  cwd: string,
  files: { output: string; state: string; summary: string; envFile: string },
  opts: RunOptions,
): Promise<StepResult> {
  for (const f of [files.output, files.state, files.summary, files.envFile]) writeFileSync(f, '');
  const started = Date.now();
  const child = spawn(opts.node, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  if (opts.echo) {
    const show = echoFormatter(process.env.RUNNER_DEBUG === '1');
    child.stdout.on('data', (d: Buffer) => process.stdout.write(show(d.toString('utf8'))));
    child.stderr.on('data', (d: Buffer) => process.stderr.write(show(d.toString('utf8'))));
  }
  let log = '';
  let signalled = false;
  const timed =
    opts.signal?.afterMs !== undefined
      ? setTimeout(() => {
          if (signalled) return;
          signalled = true;
          child.kill(opts.signal!.signal);
        }, opts.signal.afterMs)
      : undefined;
  const onData = (chunk: Buffer) => {
    log += chunk.toString('utf8');
    if (opts.signal?.pattern && !signalled && opts.signal.pattern.test(log)) {
      signalled = true;
      child.kill(opts.signal.signal);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (c, s) => {
      clearTimeout(timer);
      if (timed) clearTimeout(timed);
      res({ code: c, signal: s });
    });
  });
  const { annotations, masked } = parseAnnotations(log);
  return {
    exitCode: code,
    signal,
    log,
    outputs: parseFileCommands(readFileSync(files.output, 'utf8')),
    state: parseFileCommands(readFileSync(files.state, 'utf8')),
    env: parseFileCommands(readFileSync(files.envFile, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
    annotations,
    secretsMasked: masked,
    durationMs: Date.now() - started,
  };
}

/** Runs the action's main step (and post step) the way the runner does. */
export async function runAction(opts: RunOptions): Promise<RunResult> {
  const meta = readActionMeta(opts.root, opts.action);
  if (!existsSync(meta.main)) throw new Error(`${meta.main} is missing: run npm run build`);
  const workspace = opts.workspace ?? mkdtempSync(join(tmpdir(), 'aml-ws-'));
  const runnerTemp = opts.runnerTemp ?? mkdtempSync(join(tmpdir(), 'aml-runner-'));
  const stepDir = join(runnerTemp, '_runner_file_commands', randomUUID());
  mkdirSync(stepDir, { recursive: true });
  const files = {
    output: join(stepDir, 'set_output'),
    state: join(stepDir, 'save_state'),
    summary: join(stepDir, 'step_summary'),
    envFile: join(stepDir, 'set_env'),
  };
  const eventPath = join(stepDir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(opts.event ?? {}));

  const env: Record<string, string> = {
    ...baseEnv(opts.node),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: opts.repository ?? 'octo-org/ml-repo',
    GITHUB_REPOSITORY_OWNER: (opts.repository ?? 'octo-org/ml-repo').split('/')[0],
    GITHUB_RUN_ID: opts.runId ?? String(1000000 + Math.floor(Math.random() * 1000000)),
    GITHUB_RUN_ATTEMPT: opts.runAttempt ?? '1',
    GITHUB_RUN_NUMBER: '7',
    GITHUB_SHA: opts.sha ?? '8f2a1c9d3e4b5a6f7081928374655647382910ab',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
    GITHUB_WORKFLOW: 'mlops',
    GITHUB_JOB: 'train',
    GITHUB_ACTION: opts.action.replace(/[^a-zA-Z0-9]/g, '_'),
    GITHUB_ACTOR: 'octocat',
    GITHUB_EVENT_NAME: opts.eventName ?? 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'harness',
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: files.envFile,
    GITHUB_PATH: join(stepDir, 'add_path'),
    ...opts.env,
  };
  writeFileSync(env.GITHUB_PATH, '');
  for (const [name, spec] of Object.entries(meta.inputs)) {
    const given = opts.inputs?.[name];
    const value = given !== undefined ? String(given) : spec.default !== undefined ? String(spec.default) : '';
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  for (const name of Object.keys(opts.inputs ?? {})) {
    if (!(name in meta.inputs)) throw new Error(`action ${opts.action} has no input '${name}'`);
  }

  const main = await runStep(meta.main, env, workspace, files, opts);
  const result: RunResult = { main, outputs: main.outputs, summary: main.summary, workspace, runnerTemp };
  const wantPost = opts.post ?? meta.post !== undefined;
  if (wantPost && meta.post) {
    const postEnv = { ...env };
    for (const [k, v] of Object.entries(main.state)) postEnv[`STATE_${k}`] = v;
    result.post = await runStep(
      meta.post,
      postEnv,
      workspace,
      { ...files, output: files.output + '.post', state: files.state + '.post', summary: files.summary + '.post', envFile: files.envFile + '.post' },
      { ...opts, signal: undefined },
    );
    result.summary += result.post.summary;
  }
  return result;
}
