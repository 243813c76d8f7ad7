/**
 * Deterministic resource names, so that a re-run of the same workflow run attempt finds what the
 * first try created instead of creating it again.
 */
import { createHash } from 'node:crypto';

export interface RunIdentity {
  repository: string;
  runId: string;
  runAttempt: string;
}

/** Azure ML job names: letters, digits, '-' and '_', starting with a letter or digit, ≤ 255. */
export const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;

function slug(s: string, max: number): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

/**
 * `<repo>-<job-file-stem>-<run id>-<attempt>-<hash>`: readable in the studio, unique per run attempt
 * and job file (the hash covers the full repository and path, which the slugs shorten).
 */
export function deterministicJobName(run: RunIdentity, jobFile: string, extra = ''): string {
  const repo = slug(run.repository.split('/').pop() ?? run.repository, 40) || 'repo';
  const stem =
    slug(
      jobFile
        .replace(/\\/g, '/')
        .split('/')
        .pop()
        ?.replace(/\.ya?ml$/i, '') ?? 'job',
      40,
    ) || 'job';
  const hash = createHash('sha256').update(`${run.repository}\0${jobFile}\0${run.runId}\0${run.runAttempt}\0${extra}`).digest('hex').slice(0, 8);
  return `${repo}-${stem}-${slug(run.runId, 20)}-${slug(run.runAttempt, 4)}-${hash}`;
}
