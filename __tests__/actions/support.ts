/**
 * Shared set-up of the action tests: one fast emulator (with its Azurite) per test file, the
 * environment that points the built actions at it, and helpers to read its state.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { repoRoot } from '../harness/index.js';

export const FAST_TIMINGS = { lroMs: 50, retryAfterSeconds: 0, jobStepMs: 30 };

export async function startTestEmulator(): Promise<RunningEmulator> {
  return startEmulator({ timings: FAST_TIMINGS });
}

/** The variables that put every client of a built action in emulator mode. */
export function emulatorEnv(em: RunningEmulator): Record<string, string> {
  return { AZUREML_EMULATOR_HOST: em.host };
}

/** A fresh GITHUB_WORKSPACE holding a copy of examples/ (the repository a workflow checks out). */
export function workspaceWithExamples(): string {
  const ws = mkdtempSync(join(tmpdir(), 'aml-ws-'));
  cpSync(join(repoRoot, 'examples'), join(ws, 'examples'), { recursive: true });
  return ws;
}

export function workspaceArmId(em: RunningEmulator): string {
  const d = em.defaults;
  return `/subscriptions/${d.subscriptionId}/resourceGroups/${d.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${d.workspaceName}`;
}

/** Raw ARM GET against the emulator with its own token. */
export async function armGet<T = Record<string, unknown>>(em: RunningEmulator, path: string, apiVersion = '2024-10-01'): Promise<{ status: number; body: T }> {
  const url = `${em.baseUrl}${path.startsWith('/') ? path : `${workspaceArmId(em)}/${path}`}${path.includes('?') ? '&' : '?'}api-version=${apiVersion}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${em.issueToken()}` } });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as T };
}

export async function listJobs(em: RunningEmulator): Promise<Array<{ name: string; properties: Record<string, unknown> }>> {
  const out: Array<{ name: string; properties: Record<string, unknown> }> = [];
  let next: string | undefined = `${em.baseUrl}${workspaceArmId(em)}/jobs?api-version=2024-10-01`;
  while (next) {
    const res = await fetch(next, { headers: { authorization: `Bearer ${em.issueToken()}` } });
    const page = (await res.json()) as { value: Array<{ name: string; properties: Record<string, unknown> }>; nextLink?: string };
    out.push(...page.value);
    next = page.nextLink;
  }
  return out;
}
