/**
 * The job's process: `bash -c <command>` in its own process group (so cancel reaches the whole
 * tree), stdout and stderr appended to one log file, and a kill that escalates from SIGTERM to
 * SIGKILL after a grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. python not found). */
  spawnError?: string;
}

export interface RunningProcess {
  pid: number;
  child: ChildProcess;
  exited: Promise<ProcessExit>;
}

/** Names of variables from the emulator's own environment that never reach a job. */
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|ACCOUNT_KEY|ACCESS_KEY|API_KEY|PRIVATE_KEY|CONNECTION_STRING)/i;

/** The emulator's environment without credentials and without variables the job sets itself. */
export function baseEnvironment(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) {
    if (v === undefined) continue;
    if (SECRET_NAME.test(k)) continue;
    if (k.startsWith('MLFLOW_') || k.startsWith('AZUREML_') || k.startsWith('AZURE_ML_')) continue;
    env[k] = v;
  }
  return env;
}

export function startProcess(command: string, opts: { cwd: string; env: Record<string, string>; logFile: string }): RunningProcess {
  const { child, exited } = spawnGroup('bash', ['-c', command], { ...opts, onError: () => ({ code: 127, signal: null }) });
  if (child.pid === undefined) throw new Error(`could not start 'bash' for the job command`);
  return { pid: child.pid, child, exited };
}

/**
 * Spawns `file args` in a new process group (so `kill(-pid)` reaches every descendant), stdout
 * and stderr appended to `logFile`. `exited` settles once: with the exit, or with `onError`'s
 * answer when the process could not be started. (Job processes and scoring processes.)
 */
export function spawnGroup(
  file: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string>; logFile: string; onError: (err: NodeJS.ErrnoException) => ProcessExit },
): { child: ChildProcess; exited: Promise<ProcessExit> } {
  const fd = openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(file, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<ProcessExit>((resolve) => {
    let settled = false;
    const settle = (exit: ProcessExit) => {
      if (!settled) {
        settled = true;
        resolve(exit);
      }
    };
    child.once('exit', (code, signal) => settle({ code, signal }));
    child.once('error', (err: NodeJS.ErrnoException) => settle(opts.onError(err)));
  });
  return { child, exited };
}

/** Send a signal to a whole process group; false when the group is gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether any process of the group still runs. Zombies (exited, not yet reaped — e.g. orphans
 * re-parented to a PID 1 that reaps slowly) do not count; /proc tells them apart where it exists.
 */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${e}/stat`, 'latin1');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(rest[2]) === pid && rest[0] !== 'Z' && rest[0] !== 'X') return true;
  }
  return false;
}

/** Waits `ms`, or less when `signal` fires (at once when it has fired or `ms` <= 0). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** SIGTERM the group, wait up to `graceMs` for it to go, then SIGKILL what is left. */
export async function killGroup(pid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pid)) return;
    await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, deadline - Date.now()))));
  }
  signalGroup(pid, 'SIGKILL');
  const hardDeadline = Date.now() + 2000;
  while (groupAlive(pid) && Date.now() < hardDeadline) await new Promise((r) => setTimeout(r, 20));
}

/**
 * Whether `pid` is still a job process of ours (its environment carries `AZUREML_RUN_ID=<run>`),
 * so a restart never signals a stranger that reused the pid.
 */
export async function isJobProcess(pid: number, runId: string): Promise<boolean> {
  try {
    const env = await readFile(`/proc/${pid}/environ`, 'latin1');
    return env.split('\0').includes(`AZUREML_RUN_ID=${runId}`);
  } catch {
    return false;
  }
}
