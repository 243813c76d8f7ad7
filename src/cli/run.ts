/**
 * `azureml-actions run <action> --input name=value … [--event file.json] [--event-name NAME]`:
 * runs an action locally the way the runner does (against Azure, or the emulator when
 * AZUREML_EMULATOR_HOST is set), so a step can be tried before the workflow is pushed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAction } from './local-runner.js';

export class RunUsageError extends Error {
  override readonly name = 'RunUsageError';
}

export interface RunCommand {
  action: string;
  inputs: Record<string, string>;
  event?: unknown;
  eventName?: string;
  post: boolean;
  runId?: string;
}

export function parseRunArgs(argv: string[]): RunCommand {
  const [action, ...rest] = argv;
  if (!action || action.startsWith('-')) throw new RunUsageError('name the action to run: azureml-actions run <action> --input name=value ...');
  const cmd: RunCommand = { action, inputs: {}, post: true };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = rest[i + 1];
    const need = () => {
      if (value === undefined) throw new RunUsageError(`${flag} needs a value`);
      i++;
      return value;
    };
    switch (flag) {
      case '--input':
      case '-i': {
        const v = need();
        const eq = v.indexOf('=');
        if (eq <= 0) throw new RunUsageError(`--input takes name=value, got '${v}'`);
        const name = v.slice(0, eq);
        cmd.inputs[name] = name in cmd.inputs ? `${cmd.inputs[name]}\n${v.slice(eq + 1)}` : v.slice(eq + 1);
        break;
      }
      case '--event': {
        const file = need();
        if (!existsSync(file)) throw new RunUsageError(`--event: ${file} does not exist`);
        cmd.event = JSON.parse(readFileSync(file, 'utf8'));
        break;
      }
      case '--event-name':
        cmd.eventName = need();
        break;
      case '--run-id':
        cmd.runId = need();
        break;
      case '--no-post':
        cmd.post = false;
        break;
      default:
        throw new RunUsageError(`unknown option '${flag}'`);
    }
  }
  return cmd;
}

/**
 * The repository root (actions/ beside package.json), upward from this module: build/cli/ when
 * bundled by bin/azureml-actions.js, src/cli/ under vitest.
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'actions')) && existsSync(join(dir, 'package.json'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new Error('cannot find the azureml-actions package root (actions/ beside package.json)');
}

function gitHead(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function runCli(argv: string[]): Promise<number> {
  const cmd = parseRunArgs(argv);
  const root = packageRoot();
  const actionDir = cmd.action === '.' || cmd.action === 'root' ? '.' : cmd.action;
  if (actionDir !== '.' && !existsSync(join(root, 'actions', actionDir, 'action.yml'))) throw new RunUsageError(`unknown action '${cmd.action}'`);
  // The user's environment goes through (credentials, AZUREML_EMULATOR_HOST, OIDC variables);
  // what the runner itself sets is set afresh.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(INPUT_|STATE_|GITHUB_(OUTPUT|STATE|STEP_SUMMARY|ENV|PATH|EVENT_PATH)$)/.test(k)) env[k] = v;
  }
  const result = await runAction({
    root,
    env,
    node: process.execPath,
    action: actionDir,
    inputs: cmd.inputs,
    event: cmd.event,
    eventName: cmd.eventName,
    workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
    runnerTemp: process.env.RUNNER_TEMP,
    runId: cmd.runId ?? process.env.GITHUB_RUN_ID,
    repository: process.env.GITHUB_REPOSITORY ?? `local/${basename(process.env.GITHUB_WORKSPACE ?? process.cwd())}`,
    sha: process.env.GITHUB_SHA ?? gitHead(),
    post: cmd.post ? undefined : false,
    timeoutMs: 24 * 3600_000,
    echo: true,
  });
  process.stdout.write(`\noutputs of ${cmd.action}:\n`);
  for (const [k, v] of Object.entries(result.outputs)) process.stdout.write(`  ${k}: ${v.length > 200 ? `${v.slice(0, 200)}…` : v}\n`);
  return result.main.exitCode === 0 && (result.post?.exitCode ?? 0) === 0 ? 0 : 1;
}
