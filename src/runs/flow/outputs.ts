/**
 * Each stage of the flow gets its own output file, as the runner gives each step its own
 * `GITHUB_OUTPUT`: the stage sets its outputs exactly as the separate action does, and the flow
 * reads them back to pass values on and to publish them under namespaced names.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseFileCommands } from '../../core/file-commands.js';

export interface Captured<T> {
  outputs: Record<string, string>;
  value?: T;
  error?: unknown;
  /** True when `fn` threw (`error` holds what). */
  failed: boolean;
}

/**
 * Runs `fn` with `GITHUB_OUTPUT` pointing at a fresh file, then restores it and returns what
 * `fn` set. Never throws for `fn`'s errors (they are returned). Stages run one at a time: the
 * variable is process-wide.
 */
export async function captureOutputs<T>(fn: () => Promise<T>, runnerTemp?: string): Promise<Captured<T>> {
  const env = process.env; // where @actions/core looks for GITHUB_OUTPUT
  const folder = join(runnerTemp || tmpdir(), 'azureml-actions', 'flow');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `outputs-${randomUUID()}`);
  writeFileSync(file, '');
  const saved = env.GITHUB_OUTPUT;
  env.GITHUB_OUTPUT = file;
  let result: Captured<T>;
  try {
    const value = await fn();
    result = { outputs: {}, value, failed: false };
  } catch (error) {
    result = { outputs: {}, error, failed: true };
  } finally {
    if (saved === undefined) delete env.GITHUB_OUTPUT;
    else env.GITHUB_OUTPUT = saved;
  }
  result.outputs = parseFileCommands(readFileSync(file, 'utf8'));
  rmSync(file, { force: true });
  return result;
}
