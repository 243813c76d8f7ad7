/**
 * One scoring process: `python3 -u scoring_server.py …` in its own process group, stdout and
 * stderr appended to the deployment's InferenceServer log, its port read from a port file, and
 * readiness polled over HTTP (`GET /ready`) until `init()` has returned — or the process died,
 * or the readiness budget ran out. A keep-alive agent carries the router's requests to it.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { tailLines } from '../jobs/logs.js';
import { abortableSleep, killGroup, spawnGroup, type ProcessExit } from '../jobs/process.js';
import { DeploymentFailure } from './errors.js';
import type { DeploymentLogs } from './logs.js';
import { findPythonScript } from '../python-scripts.js';

export interface LaunchSpec {
  /** `endpoint/deployment`, for messages. */
  label: string;
  python: string;
  /** Absolute path of scoring_server.py. */
  serverScript: string;
  /** Arguments after the server script (`--script …` or `--mlflow-loader …`). */
  args: string[];
  cwd: string;
  env: Record<string, string>;
  logs: DeploymentLogs;
  /** Folder for the port file. */
  runDir: string;
  /** How long the process may take to become ready (the readiness probe's budget). */
  readinessTimeoutMs: number;
  /** Pause between two readiness polls. */
  pollMs: number;
}

export class ScoringProcess {
  readonly agent = new Agent({ keepAlive: true, maxFreeSockets: 64 });
  alive = true;
  stopping = false;
  readonly startedAt = Date.now();

  constructor(
    readonly child: ChildProcess,
    readonly pid: number,
    readonly port: number,
    readonly exited: Promise<ProcessExit>,
  ) {
    void exited.then(() => {
      this.alive = false;
    });
  }

  /** SIGTERM the group, SIGKILL after `graceMs`; resolves when it is gone. */
  async stop(graceMs = 2000): Promise<void> {
    this.stopping = true;
    this.agent.destroy();
    if (this.alive) await killGroup(this.pid, graceMs);
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 500).unref())]);
  }
}

/** Where scoring_server.py is (or $AZUREML_EMULATOR_SCORING_SERVER), also from the command line bundle (build/cli). */
export function findScoringServer(explicit?: string): string {
  return findPythonScript(
    join('src', 'emulator', 'endpoints', 'scoring_server.py'),
    'AZUREML_EMULATOR_SCORING_SERVER',
    explicit ?? process.env.AZUREML_EMULATOR_SCORING_SERVER,
  );
}

/** GET a path of the scoring process; the status, or undefined when it does not answer. */
export function probe(port: number, path: string, timeoutMs = 1000): Promise<number | undefined> {
  return new Promise((resolveProbe) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolveProbe(res.statusCode));
      res.on('error', () => resolveProbe(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveProbe(undefined));
    req.end();
  });
}

/** Why the process failed, from the last lines of its log (the scoring server logs `ERROR: …` lines). */
export async function failureReason(logFile: string): Promise<string | undefined> {
  const lines = await tailLines(logFile, 40);
  const strip = (l: string) => l.replace(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z\s+/, '').trim();
  const errors = lines.map(strip).filter((l) => l.startsWith('ERROR:'));
  if (errors.length > 0) return errors[errors.length - 1].replace(/^ERROR:\s*/, '');
  const last = lines.map(strip).filter((l) => l.length > 0 && !l.startsWith('File ') && !l.startsWith('^'));
  return last.length > 0 ? last[last.length - 1] : undefined;
}

function describeExit(exit: ProcessExit): string {
  if (exit.spawnError) return exit.spawnError;
  return exit.signal ? `was terminated by signal ${exit.signal}` : `exited with status code ${exit.code}`;
}

/**
 * Starts the scoring process and waits until it is ready. Throws a {@link DeploymentFailure}
 * (`ResourceNotReady`) when it dies first or does not become ready in time, and
 * `OperationCanceled` when `signal` fires (the process is stopped in every failure case).
 */
export async function launchScoringProcess(spec: LaunchSpec, signal?: AbortSignal): Promise<ScoringProcess> {
  const portFile = join(spec.runDir, `port-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`);
  await rm(portFile, { force: true });
  const { child, exited } = spawnGroup(spec.python, ['-u', spec.serverScript, '--port-file', portFile, '--parent-pid', String(process.pid), ...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    logFile: spec.logs.serverFile,
    onError: (err) => {
      const why =
        err.code === 'ENOENT'
          ? `could not be started: '${spec.python}' was not found (set AZUREML_EMULATOR_PYTHON to a Python 3 interpreter)`
          : `could not be started: ${err.message}`;
      return { code: 127, signal: null, spawnError: why };
    },
  });
  let exit: ProcessExit | undefined;
  void exited.then((e) => {
    exit = e;
  });
  const pid = child.pid;
  const kill = async () => {
    if (pid !== undefined && exit === undefined) await killGroup(pid, 1000);
  };
  const deadline = Date.now() + spec.readinessTimeoutMs;
  let port: number | undefined;
  try {
    for (;;) {
      // let a pending 'exit'/'error' event land before looking
      await new Promise((r) => setImmediate(r));
      if (exit) {
        const reason = exit.spawnError ? undefined : await failureReason(spec.logs.serverFile);
        throw new DeploymentFailure(
          'ResourceNotReady',
          `User container has crashed or terminated: the scoring server of ${spec.label} ${describeExit(exit)} before it became ready${reason ? `: ${reason}` : ''}. See the InferenceServer logs (getLogs).`,
        );
      }
      if (signal?.aborted) throw new DeploymentFailure('OperationCanceled', `Provisioning of ${spec.label} was canceled.`);
      if (port === undefined) {
        const text = await readFile(portFile, 'utf8').catch(() => undefined);
        if (text && /^\d+$/.test(text.trim())) port = Number(text.trim());
      }
      if (port !== undefined && (await probe(port, '/ready')) === 200 && pid !== undefined) {
        return new ScoringProcess(child, pid, port, exited);
      }
      if (Date.now() >= deadline) {
        throw new DeploymentFailure(
          'ResourceNotReady',
          `Readiness probe failed: the scoring server of ${spec.label} did not become ready within ${Math.round(spec.readinessTimeoutMs / 1000)} s (init() still running or hanging). See the InferenceServer logs (getLogs).`,
        );
      }
      await abortableSleep(spec.pollMs, signal);
    }
  } catch (err) {
    await kill();
    throw err;
  } finally {
    await rm(portFile, { force: true }).catch(() => undefined);
  }
}

/** Every file below `dir` (relative paths, `/`-separated), for messages about missing scripts. */
export function listRelative(dir: string, max = 20): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= max) return;
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out.push(`${prefix}${e.name}`);
    }
  };
  walk(dir, '');
  return out;
}
