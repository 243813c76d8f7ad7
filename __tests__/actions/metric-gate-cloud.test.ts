/**
 * metric-gate over metrics files in S3 (an S3-compatible server started here, s3rver), run as the
 * runner runs it (dist bundle): a JSON file, a CSV file, an MLflow run folder, and a `file:`
 * baseline in S3; a missing object and a refused credential fail with one clear error.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, type RunResult } from '../harness/index.js';
import { startS3, type RunningS3 } from '../helpers/s3-server.js';

let s3: RunningS3;
let ws: string;

beforeAll(async () => {
  s3 = await startS3(['metrics']);
  ws = mkdtempSync(join(tmpdir(), 'gate-cloud-'));
  await s3.put('metrics', 'eval', {
    'metrics.json': '{"accuracy": 0.95, "loss": [0.9, 0.4, 0.2]}',
    'history.csv': 'step,acc,val_loss\n0,0.5,0.9\n1,0.93,0.25\n',
    'champion.json': '{"accuracy": 0.91}',
  });
  // An MLflow run folder (mlruns/<experiment>/<run>): metrics/ next to meta.yaml and params/.
  await s3.put('metrics', 'mlruns/0/abc123', {
    'meta.yaml': 'run_id: abc123\nstatus: 3\n',
    'params/lr': '0.1',
    'metrics/accuracy': '1700000000000 0.8 0\n1700000001000 0.94 1\n',
    'metrics/train/loss': '1700000000000 0.7 0\n1700000001000 0.3 1\n',
  });
});
afterAll(async () => {
  await s3?.close();
});

function gate(inputs: Record<string, string>, env: Record<string, string> = s3.env()): Promise<RunResult> {
  return runAction({ action: 'metric-gate', inputs, env, workspace: ws, timeoutMs: 60_000 });
}
const errors = (r: RunResult) => r.main.annotations.filter((a) => a.level === 'error');

describe('metric-gate: metrics files in S3', () => {
  it('a JSON file and a CSV file', async () => {
    const json = await gate({ 'metrics-file': 's3://metrics/eval/metrics.json', rules: 'accuracy >= 0.9\nmin(loss) <= 0.3' });
    expect(json.main.exitCode, json.main.log).toBe(0);
    expect(json.outputs.passed).toBe('true');
    expect(json.main.log).toContain('JSON file s3://metrics/eval/metrics.json');
    const csv = await gate({ 'metrics-file': 's3://metrics/eval/history.csv', rules: 'acc >= 0.9\nmin(val_loss) <= 0.3' });
    expect(csv.main.exitCode, csv.main.log).toBe(0);
    expect(csv.outputs.passed).toBe('true');
  });

  it('an S3-compatible store named by AWS_ENDPOINT_URL (all services) rather than AWS_ENDPOINT_URL_S3', async () => {
    const { AWS_ENDPOINT_URL_S3: endpoint, ...rest } = s3.env();
    const r = await gate({ 'metrics-file': 's3://metrics/eval/metrics.json', rules: 'accuracy >= 0.9' }, { ...rest, AWS_ENDPOINT_URL: endpoint! });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs.passed).toBe('true');
  });

  it('an MLflow run folder, and a file: baseline in S3', async () => {
    const r = await gate({
      'metrics-file': 's3://metrics/mlruns/0/abc123/',
      rules: 'accuracy >= 0.9\n`train/loss` < 0.5\naccuracy >= baseline.accuracy',
      baseline: 'file:s3://metrics/eval/champion.json',
    });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs.passed).toBe('true');
    expect(r.main.log).toContain('MLflow metrics folder s3://metrics/mlruns/0/abc123');
  });

  it('credentials from a shared profile (AWS_PROFILE), the chain as the AWS CLI reads it; the session token is masked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-profile-'));
    const file = join(dir, 'credentials');
    writeFileSync(
      file,
      '[default]\naws_access_key_id = AKIANOTTHISONE00000\naws_secret_access_key = x\n\n[ci]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\naws_session_token = FwoGZXIvYXdzEXAMPLESESSIONTOKEN\n',
    );
    const r = await gate(
      { 'metrics-file': 's3://metrics/eval/metrics.json', rules: 'accuracy >= 0.9' },
      s3.env({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SHARED_CREDENTIALS_FILE: file, AWS_PROFILE: 'ci' }),
    );
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.main.secretsMasked).toContain('FwoGZXIvYXdzEXAMPLESESSIONTOKEN');
  });

  it('a missing object and a refused credential: one clear error', async () => {
    const missing = await gate({ 'metrics-file': 's3://metrics/eval/nope.json', rules: 'accuracy >= 0.9' });
    expect(missing.main.exitCode).toBe(1);
    expect(errors(missing)).toHaveLength(1);
    expect(errors(missing)[0].message).toMatch(/Input 'metrics-file': nothing is stored at s3:\/\/metrics\/eval\/nope.json/);
    const denied = await gate(
      { 'metrics-file': 's3://metrics/eval/metrics.json', rules: 'accuracy >= 0.9' },
      s3.env({ AWS_ACCESS_KEY_ID: 'AKIAUNKNOWN0000000' }),
    );
    expect(denied.main.exitCode).toBe(1);
    expect(errors(denied)).toHaveLength(1);
    expect(errors(denied)[0].message).toMatch(/AWS S3 refused the credentials for bucket 'metrics' \(InvalidAccessKeyId\)/);
  });

  it('gs:// without Google credentials: the Cloud Storage client is loaded and the error says what to set', async () => {
    const home = mkdtempSync(join(tmpdir(), 'no-gcloud-'));
    // No ADC file, no gcloud config, and no metadata server to ask (gcp-metadata's METADATA_SERVER_DETECTION).
    const r = await gate(
      { 'metrics-file': 'gs://ml-metrics/eval/metrics.json', rules: 'accuracy >= 0.9' },
      { HOME: home, CLOUDSDK_CONFIG: join(home, 'gcloud'), METADATA_SERVER_DETECTION: 'none' },
    );
    expect(r.main.exitCode, r.main.log).toBe(1);
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0].message).toMatch(
      /Input 'metrics-file': no Google Cloud Storage credentials were found to read gs:\/\/ml-metrics\/eval\/metrics.json \(bucket 'ml-metrics'\)/,
    );
    expect(r.main.log).toMatch(/google-github-actions\/auth/);
  });
});
