/**
 * Shared set-up of the register-model action tests: model folders on disk, ARM reads of model
 * versions, and blob listings of the emulator's Azurite.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { expect } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runAction, type RunResult } from '../harness/index.js';
import { emulatorEnv, workspaceArmId } from './support.js';

export type Json = Record<string, unknown>;
export interface VersionBody {
  id: string;
  name: string;
  properties: {
    tags: Record<string, string>;
    properties: Record<string, string>;
    modelUri: string;
    modelType: string;
    jobName?: string;
    flavors?: Json;
    provisioningState?: string;
  };
}

/** Writes files (relative path → content) under `dir`. */
export function writeTree(dir: string, files: Record<string, string | Buffer>): string {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

/** An MLflow model folder like the iris example writes (python_function flavor, a signature). */
export function mlflowModelFiles(weights = '{"w": [1, 2, 3]}', extra: Record<string, string> = {}): Record<string, string> {
  return {
    MLmodel: [
      'artifact_path: model',
      'flavors:',
      '  python_function:',
      '    loader_module: iris_softmax',
      '    code: code',
      '    data: weights.json',
      '    python_version: 3.11.4',
      'model_uuid: 0123456789abcdef',
      'signature:',
      `  inputs: '[{"type": "double", "name": "sepal_length"}, {"type": "double", "name": "petal_length"}]'`,
      `  outputs: '[{"type": "string"}]'`,
      '  params: null',
      '',
    ].join('\n'),
    'weights.json': weights,
    'code/iris_softmax.py': 'def load_model(path):\n    return path\n',
    'conda.yaml': 'name: iris\ndependencies:\n- python=3.11\n',
    ...extra,
  };
}

export async function armCall<T = Json>(em: RunningEmulator, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const full = path.startsWith('/') ? path : `${workspaceArmId(em)}/${path}`;
  const url = `${em.baseUrl}${full}${full.includes('?') ? '&' : '?'}api-version=2024-10-01`;
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${em.issueToken()}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

export async function versionsOf(em: RunningEmulator, name: string, base?: string): Promise<VersionBody[]> {
  const out: VersionBody[] = [];
  let next: string | undefined = `${em.baseUrl}${base ?? workspaceArmId(em)}/models/${name}/versions?api-version=2024-10-01&listViewType=All`;
  while (next) {
    const res = await fetch(next, { headers: { authorization: `Bearer ${em.issueToken()}` } });
    if (res.status === 404) return [];
    const page = (await res.json()) as { value?: VersionBody[]; nextLink?: string };
    out.push(...(page.value ?? []));
    next = page.nextLink;
  }
  return out.sort((a, b) => Number(a.name) - Number(b.name));
}

export function blobService(em: RunningEmulator): BlobServiceClient {
  return new BlobServiceClient(em.blob.url, new StorageSharedKeyCredential(em.blob.accountName, em.blob.accountKey));
}

/** Names (`<container>/<blob>`) of every blob whose name contains `fragment`. */
export async function blobsContaining(em: RunningEmulator, fragment: string): Promise<string[]> {
  const svc = blobService(em);
  const names: string[] = [];
  for await (const c of svc.listContainers()) {
    for await (const b of svc.getContainerClient(c.name).listBlobsFlat()) if (b.name.includes(fragment)) names.push(`${c.name}/${b.name}`);
  }
  return names.sort();
}

export interface RegisterRun {
  em: RunningEmulator;
  workspace: string;
  runnerTemp?: string;
}

export function register(
  ctx: RegisterRun,
  inputs: Record<string, string>,
  extra: { runId?: string; runAttempt?: string; sha?: string; event?: unknown; eventName?: string } = {},
): Promise<RunResult> {
  return runAction({
    action: 'register-model',
    inputs,
    env: emulatorEnv(ctx.em),
    workspace: ctx.workspace,
    ...(ctx.runnerTemp ? { runnerTemp: ctx.runnerTemp } : {}),
    ...(extra.runId ? { runId: extra.runId } : {}),
    ...(extra.runAttempt ? { runAttempt: extra.runAttempt } : {}),
    ...(extra.sha ? { sha: extra.sha } : {}),
    ...(extra.event !== undefined ? { event: extra.event } : {}),
    ...(extra.eventName ? { eventName: extra.eventName } : {}),
    timeoutMs: 120_000,
  });
}

/** The one ::error annotation of a failed step. */
export function theError(r: RunResult): string {
  const errors = r.main.annotations.filter((a) => a.level === 'error');
  if (errors.length !== 1) throw new Error(`expected one ::error, got ${errors.length}:\n${r.main.log}`);
  return errors[0]!.message;
}

/**
 * A refused registration: the step failed with one ::error matching `message`, printed no stack
 * trace, and registered nothing under `name`. Returns the error's text.
 */
export async function expectRefused(em: RunningEmulator, r: RunResult, name: string, message: RegExp): Promise<string> {
  expect(r.main.exitCode, r.main.log).toBe(1);
  const error = theError(r);
  expect(error).toMatch(message);
  expect(r.main.log).not.toMatch(/^\s+at /m);
  expect((await armCall(em, 'GET', `models/${name}`)).status).toBe(404);
  return error;
}
