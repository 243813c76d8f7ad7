/**
 * metric-gate over metrics files in Google Cloud Storage, run as the runner runs it (dist bundle)
 * against the Google world of ../helpers/gcs-server.ts (reached by name through HTTPS_PROXY, the
 * test CA, real credentials): a JSON metrics file and an MLflow run folder with workload identity
 * federation, a `file:` baseline in gs://, the same with a service account key file; a missing
 * object and an identity without access fail with one clear error.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, type RunResult } from '../harness/index.js';
import { startGcs, type RunningGcs } from '../helpers/gcs-server.js';

const SA = 'metrics-reader@ml-project.iam.gserviceaccount.com';

let gcs: RunningGcs;
let ws: string;
let wif: string;

beforeAll(async () => {
  gcs = await startGcs();
  ws = mkdtempSync(join(tmpdir(), 'gate-gcs-'));
  gcs.createBucket('ml-metrics');
  gcs.serviceAccount(SA, [gcs.repositoryPrincipal]);
  gcs.grant('ml-metrics', `serviceAccount:${SA}`);
  wif = gcs.externalAccountFile(SA);
  gcs.put('ml-metrics', 'eval', { 'metrics.json': '{"accuracy": 0.95, "loss": [0.9, 0.4, 0.2]}', 'champion.json': '{"accuracy": 0.91}' });
  // An MLflow run folder (mlruns/<experiment>/<run>): metrics/ next to meta.yaml and params/.
  gcs.put('ml-metrics', 'mlruns/0/abc123', {
    'meta.yaml': 'run_id: abc123\nstatus: 3\n',
    'params/lr': '0.1',
    'metrics/accuracy': '1700000000000 0.8 0\n1700000001000 0.94 1\n',
    'metrics/train/loss': '1700000000000 0.7 0\n1700000001000 0.3 1\n',
  });
});
afterAll(async () => {
  await gcs?.close();
});

function gate(inputs: Record<string, string>, env: Record<string, string> = gcs.env(wif)): Promise<RunResult> {
  return runAction({ action: 'metric-gate', inputs, env, workspace: ws, timeoutMs: 60_000 });
}
const errors = (r: RunResult) => r.main.annotations.filter((a) => a.level === 'error');

describe('metric-gate: metrics files in GCS', () => {
  it('a JSON file (workload identity federation); the token obtained is masked', async () => {
    const r = await gate({ 'metrics-file': 'gs://ml-metrics/eval/metrics.json', rules: 'accuracy >= 0.9\nmin(loss) <= 0.3' });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs.passed).toBe('true');
    expect(r.main.log).toContain('JSON file gs://ml-metrics/eval/metrics.json');
    expect(r.main.secretsMasked.some((s) => gcs.secrets().includes(s))).toBe(true);
  });

  it('an MLflow run folder, and a file: baseline in GCS', async () => {
    const r = await gate({
      'metrics-file': 'gs://ml-metrics/mlruns/0/abc123/',
      rules: 'accuracy >= 0.9\n`train/loss` < 0.5\naccuracy >= baseline.accuracy',
      baseline: 'file:gs://ml-metrics/eval/champion.json',
    });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs.passed).toBe('true');
    expect(r.main.log).toContain('MLflow metrics folder gs://ml-metrics/mlruns/0/abc123');
  });

  it('direct workload identity federation (no service account): the federated token reads a bucket granted to the repository', async () => {
    gcs.createBucket('shared-metrics');
    gcs.grant('shared-metrics', gcs.repositoryPrincipal);
    gcs.put('shared-metrics', 'eval', { 'metrics.json': '{"accuracy": 0.97}' });
    const r = await gate({ 'metrics-file': 'gs://shared-metrics/eval/metrics.json', rules: 'accuracy >= 0.9' }, gcs.env(gcs.externalAccountFile(undefined)));
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.main.secretsMasked.some((s) => gcs.secrets().includes(s))).toBe(true);
    // The same repository's federated identity has no grant on ml-metrics.
    const denied = await gate({ 'metrics-file': 'gs://ml-metrics/eval/metrics.json', rules: 'accuracy >= 0.9' }, gcs.env(gcs.externalAccountFile(undefined)));
    expect(errors(denied)[0]!.message).toMatch(
      /refused the credentials for bucket 'ml-metrics' \(forbidden\): principal:\/\/iam\.googleapis\.com\/projects\/123456789012\/locations\/global\/workloadIdentityPools\/github\/subject\/repo:octo-org\/ml-repo:ref:refs\/heads\/main does not have storage\.objects\.get access/,
    );
  });

  it('a service account key file (its JWT-bearer grant, as gtoken posts it to www.googleapis.com/oauth2/v4/token)', async () => {
    const key = gcs.serviceAccountKeyFile(SA);
    const r = await gate({ 'metrics-file': 'gs://ml-metrics/eval/metrics.json', rules: 'accuracy >= 0.9' }, gcs.env(key));
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(gcs.requests.some((q) => q.host === 'www.googleapis.com' && q.path === '/oauth2/v4/token' && q.status === 200)).toBe(true);
    expect(r.main.secretsMasked.some((s) => gcs.secrets().includes(s))).toBe(true);
  });

  it('a missing object and an identity without access: one clear error', async () => {
    const missing = await gate({ 'metrics-file': 'gs://ml-metrics/eval/nope.json', rules: 'accuracy >= 0.9' });
    expect(missing.main.exitCode).toBe(1);
    expect(errors(missing)).toHaveLength(1);
    expect(errors(missing)[0]!.message).toMatch(/Input 'metrics-file': nothing is stored at gs:\/\/ml-metrics\/eval\/nope.json/);
    gcs.serviceAccount('stranger@ml-project.iam.gserviceaccount.com', [gcs.repositoryPrincipal]);
    const denied = await gate(
      { 'metrics-file': 'gs://ml-metrics/eval/metrics.json', rules: 'accuracy >= 0.9' },
      gcs.env(gcs.externalAccountFile('stranger@ml-project.iam.gserviceaccount.com')),
    );
    expect(denied.main.exitCode).toBe(1);
    expect(errors(denied)).toHaveLength(1);
    expect(errors(denied)[0]!.message).toMatch(
      /Input 'metrics-file': Google Cloud Storage refused the credentials for bucket 'ml-metrics' \(forbidden\): stranger@ml-project\.iam\.gserviceaccount\.com does not have storage\.objects\.get access/,
    );
  });
});
