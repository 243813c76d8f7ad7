/**
 * submit-job uploads local code with a service-issued SAS (issue 12, defect 9): it asks the
 * workspace for an upload location of the code version (POST codes/<name>/versions/<v>/startPendingUpload,
 * CodeVersions_CreateOrGetStartPendingUpload, api-version 2024-10-01) and never reads the
 * datastore's account key (no Datastores_ListSecrets in the emulator's request log). Where the
 * workspace refuses it (faulted here with 403), it falls back to the datastore's credentials.
 * Content-hash reuse stays: unchanged code is neither uploaded nor asked for again.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator, RequestLogEntry } from '../../src/emulator/index.js';
import { runAction } from '../harness/index.js';
import { armGet, emulatorEnv, startTestEmulator } from './support.js';
import { writeTree } from './register-model-support.js';

let em: RunningEmulator;
let ws: string;

const jobFile = (code: string) =>
  [
    'command: test -f data/hello.txt && grep -q "$(cat expected.txt)" data/hello.txt',
    `code: ../${code}`,
    'environment: azureml:AzureML-sklearn-1.5@latest',
    'compute: azureml:cpu-cluster',
    '',
  ].join('\n');

beforeAll(async () => {
  em = await startTestEmulator();
  ws = mkdtempSync(join(tmpdir(), 'pending-upload-'));
  writeTree(join(ws, 'code-a'), { 'data/hello.txt': 'hello from a', 'expected.txt': 'from a' });
  writeTree(join(ws, 'code-b'), { 'data/hello.txt': 'hello from b', 'expected.txt': 'from b' });
  writeTree(join(ws, 'code-c'), { 'data/hello.txt': 'hello from c', 'expected.txt': 'from c' });
  writeTree(join(ws, 'jobs'), { 'a.yml': jobFile('code-a'), 'b.yml': jobFile('code-b'), 'c.yml': jobFile('code-c') });
});
afterAll(async () => {
  await em?.close();
});

async function requests(): Promise<RequestLogEntry[]> {
  return ((await (await fetch(`${em.baseUrl}/.emulator/requests`)).json()) as { requests: RequestLogEntry[] }).requests;
}
async function clearRequests(): Promise<void> {
  await fetch(`${em.baseUrl}/.emulator/requests`, { method: 'DELETE' });
}
const ops = (log: RequestLogEntry[]) => log.map((r) => r.operation);

async function submit(file: string, runId: string) {
  const r = await runAction({ action: 'submit-job', inputs: { 'job-file': `jobs/${file}` }, env: emulatorEnv(em), workspace: ws, runId, timeoutMs: 90_000 });
  expect(r.main.exitCode, r.main.log).toBe(0);
  expect(r.outputs.status).toBe('Completed');
  return r;
}

describe('submit-job code upload credentials', () => {
  it('uploads local code through the SAS of startPendingUpload, never calling listSecrets; unchanged code is reused', async () => {
    await clearRequests();
    const first = await submit('a.yml', '9100');
    const log = await requests();
    const pending = log.filter((r) => r.operation === 'CodeVersions_CreateOrGetStartPendingUpload');
    expect(pending.map((r) => [r.method, r.status])).toEqual([['POST', 200]]);
    expect(ops(log)).not.toContain('Datastores_ListSecrets');
    expect(first.main.log).toContain('to a service-issued upload location');

    // the code version points into the location the service issued, and the job ran that code (it completed)
    const job = await armGet<{ properties: { codeId: string } }>(em, `jobs/${first.outputs['job-name']}`);
    const code = await armGet<{ properties: { codeUri: string } }>(em, job.body.properties.codeId);
    expect(code.body.properties.codeUri).toMatch(/\/LocalUpload\/[^/]+\/code-a$/);

    // the same code again: the version named by the content hash exists, nothing is uploaded or asked for
    await clearRequests();
    const again = await submit('a.yml', '9101');
    const log2 = await requests();
    expect(ops(log2)).not.toContain('CodeVersions_CreateOrGetStartPendingUpload');
    expect(ops(log2)).not.toContain('Datastores_ListSecrets');
    expect(again.main.log).toMatch(/reused 1 unchanged upload/);
  });

  it('falls back to the datastore credentials where startPendingUpload is refused', async () => {
    const fault = await fetch(`${em.baseUrl}/.emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'CodeVersions_CreateOrGetStartPendingUpload', kind: 'status', status: 403, code: 'AuthorizationFailed' }),
    });
    expect(fault.status).toBe(201);
    try {
      await clearRequests();
      const r = await submit('b.yml', '9200');
      const log = await requests();
      expect(log.filter((e) => e.operation === 'CodeVersions_CreateOrGetStartPendingUpload').map((e) => e.status)).toEqual([403]);
      expect(ops(log)).toContain('Datastores_ListSecrets');
      expect(r.main.log).toContain('did not issue an upload location for the code (HTTP 403 AuthorizationFailed)');
      const job = await armGet<{ properties: { codeId: string } }>(em, `jobs/${r.outputs['job-name']}`);
      const code = await armGet<{ properties: { codeUri: string } }>(em, job.body.properties.codeId);
      expect(code.body.properties.codeUri).toMatch(/\/LocalUpload\/[0-9a-f]{32}\/code-b$/);
    } finally {
      await fetch(`${em.baseUrl}/.emulator/faults`, { method: 'DELETE' });
    }
  });

  it('two steps uploading the same new code at once both submit: the version the other registered first is reused', async () => {
    // Each startPendingUpload issues its own location, so the loser's PUT names another codeUri and
    // is refused (versions are immutable); the version is named by the content hash, so it is the same code.
    const [x, y] = await Promise.all([submit('c.yml', '9300'), submit('c.yml', '9301')]);
    const codeIds = await Promise.all(
      [x, y].map(async (r) => (await armGet<{ properties: { codeId: string } }>(em, `jobs/${r.outputs['job-name']}`)).body.properties.codeId),
    );
    expect(codeIds[0]).toBe(codeIds[1]);
  });
});
