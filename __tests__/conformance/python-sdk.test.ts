/**
 * A real client: Microsoft's azure-ai-ml (Debian's `python3-azure`, run by /usr/bin/python3)
 * drives MLClient against the emulator through every operation the actions use — sign-in,
 * workspace, datastore (+ listSecrets), compute, environment, command job with local code upload /
 * get / wait / stream / download / list / cancel, model create (local upload and from a job's
 * outputs) / get / list, online endpoints (key and aml_token) and deployments, traffic updates,
 * keys and token, deployment logs, scoring, deletes — and every one must succeed (python-sdk/driver.py).
 *
 * Nothing in the SDK is patched; it is pointed at the emulator with settings a user has:
 * AZUREML_DEV_URL_MFE (the SDK's ARM base-url override) at the emulator's https listener (the SDK's
 * bearer policy refuses http), azure-identity's ClientSecretCredential with `authority` at the
 * emulator, REQUESTS_CA_BUNDLE for the throw-away test CA, and HTTPS_PROXY for the blob host the
 * SDK hard-codes (`https://<account>.blob.core.windows.net`, python-sdk/blob-host-proxy.ts → Azurite).
 * Debian's package misses its `pydash` dependency: python-sdk/pydash.py stands in (PYTHONPATH).
 * Without the package the suite does not run and says so loudly; with CI=true that is a failure
 * (.ci/run installs the package).
 * The figure ("azure-ai-ml 1.4.0: N/N operations succeed") is printed and written, with each
 * operation's result and the api-versions the SDK sent, to `<os tmpdir>/azureml-actions-python-sdk.json`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createTestCa, type TestCa } from '../security/tls.js';
import { startBlobHostProxy, type BlobHostProxy } from './python-sdk/blob-host-proxy.js';

const FIGURE_FILE = join(tmpdir(), 'azureml-actions-python-sdk.json');
const here = join(dirname(fileURLToPath(import.meta.url)), 'python-sdk');
const PYTHON = process.env.AZUREML_SDK_PYTHON ?? '/usr/bin/python3';
const isCi = process.env.CI === 'true';

/** The installed azure-ai-ml version, or why it cannot be imported. */
function probeSdk(): { version?: string; why?: string } {
  const r = spawnSync(PYTHON, ['-c', 'import azure.ai.ml; print(azure.ai.ml.__version__)'], {
    env: { ...process.env, PYTHONPATH: here, PYTHONDONTWRITEBYTECODE: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) return { why: `${PYTHON}: ${r.error.message}` };
  if (r.status !== 0) return { why: (r.stderr || '').trim().split('\n').pop() ?? `exit ${r.status}` };
  return { version: r.stdout.trim() };
}

const sdk = probeSdk();

if (!sdk.version) {
  const message = [
    '',
    '=====================================================================================',
    ' python-sdk conformance: SKIPPED — DID NOT RUN: azure-ai-ml is not importable',
    ` (${PYTHON}: ${sdk.why}).`,
    ' Install it: apt-get install -y --no-install-recommends python3-azure (Debian), as .ci/run does.',
    '=====================================================================================',
    '',
  ].join('\n');
  console.warn(message);
  if (isCi) {
    describe('azure-ai-ml against the emulator', () => {
      it('has the python3-azure package installed (required under CI=true)', () => {
        throw new Error(message);
      });
    });
  }
}

interface OpResult {
  name: string;
  ok: boolean;
  error?: string;
  seconds: number;
}

describe.skipIf(!sdk.version)(`azure-ai-ml ${sdk.version ?? '(missing)'} against the emulator`, () => {
  let ca: TestCa;
  let em: RunningEmulator;
  let blobProxy: BlobHostProxy;
  let work: string;
  const results: OpResult[] = [];
  let summary: { version: string; ok: number; total: number } | undefined;
  let stderr = '';

  beforeAll(async () => {
    ca = createTestCa(['*.blob.core.windows.net']);
    em = await startEmulator({
      // Retry-After 1: azure-core polls every `polling_interval` (5-30 s) when Retry-After is 0 or absent.
      timings: { lroMs: 60, retryAfterSeconds: 1, jobStepMs: 20 },
      tls: { cert: ca.cert, key: ca.key },
      endpoints: { readinessPollMs: 50 },
    });
    blobProxy = await startBlobHostProxy({
      blobUrl: em.blob.url,
      accountName: em.blob.accountName,
      accountKey: em.blob.accountKey,
      cert: ca.cert,
      key: ca.key,
    });
    work = mkdtempSync(join(tmpdir(), 'aml-python-sdk-'));
    const https = em.https!.baseUrl;
    const config = {
      authorityHost: https,
      tenantId: em.defaults.tenantId,
      subscriptionId: em.defaults.subscriptionId,
      resourceGroup: em.defaults.resourceGroup,
      workspaceName: em.defaults.workspaceName,
      workDir: work,
    };
    const child = spawn(PYTHON, [join(here, 'driver.py')], {
      env: {
        ...process.env,
        PYTHONPATH: here,
        PYTHONDONTWRITEBYTECODE: '1',
        EMULATOR_CONFIG: JSON.stringify(config),
        AZUREML_DEV_URL_MFE: https,
        REQUESTS_CA_BUNDLE: ca.caFile,
        // <account>.blob.core.windows.net through the blob host proxy; the emulator directly.
        HTTPS_PROXY: blobProxy.url,
        https_proxy: blobProxy.url,
        NO_PROXY: '127.0.0.1,localhost',
        no_proxy: '127.0.0.1,localhost',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A hung driver is stopped before the hook's own timeout, so its output is still reported.
    const guard = setTimeout(() => child.kill('SIGKILL'), 170_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(guard);
    for (const raw of stdout.split('\n')) {
      // The SDK prints progress dots on stdout; a result line is the JSON from its first '{'.
      const line = raw.slice(Math.max(0, raw.indexOf('{"')));
      if (!line.startsWith('{"')) continue;
      const parsed = JSON.parse(line) as OpResult | { summary: { version: string; ok: number; total: number } };
      if ('summary' in parsed) summary = parsed.summary;
      else results.push(parsed);
    }
    if (process.env.PYTHON_SDK_LOG) writeFileSync(process.env.PYTHON_SDK_LOG, `${stdout}\n--- stderr ---\n${stderr}`);
    if (!summary) throw new Error(`driver exited ${code} without a summary:\n${stdout}\n${stderr.slice(-4000)}`);
  }, 180_000);

  afterAll(async () => {
    await blobProxy?.close();
    await em?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('completes every operation the actions use', async () => {
    const log = (await (await fetch(`${em.baseUrl}/.emulator/requests`)).json()) as {
      requests: { method: string; path: string; query: string; operation: string; status?: number; errorCode?: string }[];
    };
    if (process.env.PYTHON_SDK_LOG)
      writeFileSync(
        `${process.env.PYTHON_SDK_LOG}.requests`,
        log.requests.map((r) => `${r.status} ${r.method} ${r.operation} ${r.path}?${r.query}`).join('\n'),
      );
    const versions = new Set(log.requests.map((r) => new URLSearchParams(r.query).get('api-version')).filter((v): v is string => Boolean(v)));
    console.log(`  api-versions sent: ${[...versions].sort().join(', ')}; ${log.requests.length} requests`);
    for (const r of log.requests)
      if ((r.status ?? 0) >= 400) console.log(`  emulator answered ${r.status} ${r.errorCode ?? ''} to ${r.method} ${r.path}?${r.query}`);
    const failed = results.filter((r) => !r.ok);
    const figure = `azure-ai-ml ${summary!.version}: ${summary!.ok}/${summary!.total} operations succeed`;
    console.log(figure);
    writeFileSync(FIGURE_FILE, JSON.stringify({ figure, ...summary, python: PYTHON, apiVersions: [...versions].sort(), operations: results }, null, 2) + '\n');
    console.log(`  details: ${FIGURE_FILE}`);
    for (const r of results) console.log(`  ${r.ok ? 'ok    ' : 'FAILED'} ${r.name} (${r.seconds} s)${r.ok ? '' : `: ${r.error}`}`);
    console.log(`  blob requests through https://<account>.blob.core.windows.net (proxy): ${blobProxy.forwarded.length}`);
    expect(blobProxy.forwarded.length, 'the SDK uploaded and downloaded through the blob host proxy').toBeGreaterThan(0);
    expect(results.length).toBeGreaterThanOrEqual(30);
    expect(failed.map((r) => `${r.name}: ${r.error}`)).toEqual([]);
  });
});
