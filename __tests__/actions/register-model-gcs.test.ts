/**
 * register-model from Google Cloud Storage, run as the runner runs it (dist bundle) against the
 * emulator and the Google world of ../helpers/gcs-server.ts, reached by name through HTTPS_PROXY
 * with the test CA — no STORAGE_EMULATOR_HOST: credentials are real. Workload identity federation
 * as google-github-actions/auth leaves it (its external_account file: the runner's OIDC token →
 * STS → service account impersonation); a model folder registered with its lineage (each object's
 * generation), the same bytes from S3 and from disk reuse the version, a single object as a file
 * model, tokens masked; an object replaced between the hash and the upload pass fails; bad input
 * (unknown bucket, an identity without access, a missing object, no key, an expired GitHub OIDC
 * token, no credentials) fails with one clear error and registers nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runAction, type RunResult } from '../harness/index.js';
import { startGcs, type RunningGcs } from '../helpers/gcs-server.js';
import { startS3, type RunningS3 } from '../helpers/s3-server.js';
import { emulatorEnv, startTestEmulator } from './support.js';
import { armCall, expectRefused, mlflowModelFiles, theError, versionsOf, writeTree } from './register-model-support.js';

const SA = 'model-reader@ml-project.iam.gserviceaccount.com';
const OUTSIDER = 'other-team@ml-project.iam.gserviceaccount.com';

let em: RunningEmulator;
let gcs: RunningGcs;
let s3: RunningS3;
let ws: string;
let creds: string;

beforeAll(async () => {
  // pageSize 2: the folder listings below take several pages (nextPageToken), as a 1000+ object folder would.
  [em, gcs, s3] = await Promise.all([startTestEmulator(), startGcs({ pageSize: 2 }), startS3(['models'])]);
  ws = mkdtempSync(join(tmpdir(), 'rm-gcs-'));
  gcs.createBucket('ml-models');
  gcs.createBucket('locked');
  gcs.serviceAccount(SA, [gcs.repositoryPrincipal]);
  gcs.serviceAccount(OUTSIDER, [gcs.repositoryPrincipal]);
  gcs.grant('ml-models', `serviceAccount:${SA}`);
  creds = gcs.externalAccountFile(SA);
});
afterAll(async () => {
  await Promise.all([em?.close(), gcs?.close(), s3?.close()]);
});

function register(inputs: Record<string, string>, env: Record<string, string> = gcs.env(creds), runId = '9300'): Promise<RunResult> {
  return runAction({ action: 'register-model', inputs, env: { ...emulatorEnv(em), ...env }, workspace: ws, runId, timeoutMs: 60_000 });
}

/** The log without the ::add-mask:: commands (which carry the secrets by design). */
const shown = (r: RunResult) =>
  r.main.log
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');

describe('register-model from GCS (workload identity federation + impersonation)', () => {
  it('streams a model folder with lineage; the same bytes from S3 and from disk reuse the version; tokens are masked', async () => {
    const files = mlflowModelFiles('{"w": [7, 8, 9]}', { '__pycache__/x.pyc': 'compiled' });
    const generations = gcs.put('ml-models', 'runs/7/iris', files);

    const first = await register({ name: 'iris-gcs', path: 'gs://ml-models/runs/7/iris/', type: 'mlflow_model' });
    expect(first.main.exitCode, first.main.log).toBe(0);
    expect(first.outputs).toMatchObject({ 'model-version': '1', created: 'true' });
    expect(first.main.log).toContain('Streaming gs://ml-models/runs/7/iris/ into datastore');

    const [v1] = await versionsOf(em, 'iris-gcs');
    expect(v1!.properties.tags['azureml-actions.source']).toBe('gs://ml-models/runs/7/iris/');
    const objects = JSON.parse(v1!.properties.tags['azureml-actions.source_objects']!) as string[][];
    expect(objects.map((o) => o[0])).toEqual(['MLmodel', 'code/iris_softmax.py', 'conda.yaml', 'weights.json']);
    // Each object's generation, as the server wrote it.
    for (const [path, , generation] of objects) expect(generation).toBe(generations[path!]);

    // The folder took several pages of objects.list (pageSize 2): the client followed nextPageToken.
    expect(gcs.requests.filter((q) => q.path.startsWith('/storage/v1/b/ml-models/o?') && q.path.includes('pageToken=')).length).toBeGreaterThanOrEqual(2);
    // The whole chain ran through the proxy, by name, over TLS: the runner's OIDC token, STS, impersonation, storage.
    expect(new Set(gcs.connects)).toEqual(new Set(['sts.googleapis.com:443', 'iamcredentials.googleapis.com:443', 'storage.googleapis.com:443']));
    expect(gcs.github.requests.at(-1)).toMatchObject({ audience: `https://iam.googleapis.com/${gcs.provider}`, authorized: true });
    // The access token obtained is masked; no token of the chain shows in the log.
    const secrets = gcs.secrets();
    expect(first.main.secretsMasked.some((s) => secrets.includes(s))).toBe(true);
    for (const s of secrets) expect(shown(first)).not.toContain(s);

    // The same bytes in S3: the same content hash, the same version, nothing uploaded.
    await s3.put('models', 'iris', files);
    const fromS3 = await register({ name: 'iris-gcs', path: 's3://models/iris/', type: 'mlflow_model' }, s3.env(), '9301');
    expect(fromS3.main.exitCode, fromS3.main.log).toBe(0);
    expect(fromS3.outputs).toMatchObject({ 'model-version': '1', created: 'false', 'content-hash': first.outputs['content-hash'] });

    // And on disk (a checkout).
    writeTree(join(ws, 'iris'), files);
    const local = await register({ name: 'iris-gcs', path: 'iris', type: 'mlflow_model' }, {}, '9302');
    expect(local.main.exitCode, local.main.log).toBe(0);
    expect(local.outputs).toMatchObject({ 'model-version': '1', created: 'false', 'content-hash': first.outputs['content-hash'] });
    expect(await versionsOf(em, 'iris-gcs')).toHaveLength(1);
  });

  it('registers one object as a file model', async () => {
    const bytes = Buffer.alloc(9 * 1024 * 1024 + 17, 5); // more than one 8 MiB block
    const { 'model.onnx': generation } = gcs.put('ml-models', 'single', { 'model.onnx': bytes });
    const r = await register({ name: 'onnx-gcs', path: 'gs://ml-models/single/model.onnx', type: 'custom_model' }, gcs.env(creds), '9310');
    expect(r.main.exitCode, r.main.log).toBe(0);
    const [v] = await versionsOf(em, 'onnx-gcs');
    expect(v!.properties.modelUri).toMatch(/\/LocalUpload\/[0-9a-f]{32}\/model\.onnx$/);
    expect(JSON.parse(v!.properties.tags['azureml-actions.source_objects']!)).toEqual([['model.onnx', expect.any(String), generation]]);
  });

  it('an object replaced between the hash pass and the upload pass: the pinned generation is gone, nothing is registered', async () => {
    gcs.put('ml-models', 'racing', { 'model.bin': 'first bytes', 'labels.txt': 'a\nb\n' });
    let replaced = '';
    gcs.onMediaRead = (bucket, name) => {
      // The writer replaces the object right after the hash pass read it.
      if (bucket === 'ml-models' && name === 'racing/model.bin' && !replaced) replaced = gcs.replace('ml-models', 'racing/model.bin', 'other bytes');
    };
    try {
      const r = await register({ name: 'racing-gcs', path: 'gs://ml-models/racing/', type: 'custom_model' }, gcs.env(creds), '9320');
      expect(r.main.exitCode, r.main.log).toBe(1);
      expect(theError(r)).toMatch(
        /Input 'path': gs:\/\/ml-models\/racing\/ changed while it was read: racing\/model\.bin was deleted or replaced while it was read/,
      );
      expect(replaced).not.toBe('');
      expect((await armCall(em, 'GET', 'models/racing-gcs')).status).toBe(404);
      // The upload pass asked for the generation the hash pass read, and got 404.
      expect(gcs.requests.some((q) => q.path.includes('racing%2Fmodel.bin') && q.path.includes('alt=media') && q.status === 404)).toBe(true);
    } finally {
      gcs.onMediaRead = undefined;
    }
  });
});

describe('register-model from GCS: bad input', () => {
  const refused = async (name: string, path: string, env: Record<string, string>, message: RegExp): Promise<string> =>
    expectRefused(em, await register({ name, path, type: 'custom_model' }, env, '9400'), name, message);

  it('an unknown bucket', async () => {
    const e = await refused('gcs-no-bucket', 'gs://no-such-bucket/model/', gcs.env(creds), /Google Cloud Storage has no bucket 'no-such-bucket'/);
    expect(e).toMatch(/Check the bucket name/);
  });

  it('an identity without access to the bucket (403)', async () => {
    gcs.put('locked', 'm', { 'model.bin': 'x' });
    const e = await refused(
      'gcs-denied',
      'gs://locked/m/',
      gcs.env(gcs.externalAccountFile(OUTSIDER)),
      /Google Cloud Storage refused the credentials for bucket 'locked' \(forbidden\): other-team@ml-project\.iam\.gserviceaccount\.com does not have storage\.objects\.(get|list) access/,
    );
    expect(e).toMatch(/roles\/storage\.objectViewer/);
  });

  it('a service account the workflow may not impersonate (iamcredentials 403)', async () => {
    const admin = 'admin@ml-project.iam.gserviceaccount.com';
    gcs.serviceAccount(admin);
    const e = await refused(
      'gcs-no-impersonation',
      'gs://ml-models/runs/7/iris/',
      gcs.env(gcs.externalAccountFile(admin)),
      /Google Cloud Storage refused the credentials for bucket 'ml-models' \(PERMISSION_DENIED\): the workload identity may not impersonate service account admin@ml-project\.iam\.gserviceaccount\.com/,
    );
    expect(e).toMatch(/roles\/iam\.workloadIdentityUser/);
  });

  it('an object that does not exist', async () => {
    await refused(
      'gcs-missing',
      'gs://ml-models/runs/404/model.bin',
      gcs.env(creds),
      /nothing is stored at gs:\/\/ml-models\/runs\/404\/model\.bin: no object 'runs\/404\/model\.bin'/,
    );
  });

  it('a URI with no key', async () => {
    await refused('gcs-no-key', 'gs://ml-models', gcs.env(creds), /'gs:\/\/ml-models' names the whole bucket 'ml-models', not a file or folder in it/);
  });

  it('an expired GitHub OIDC token (STS invalid_grant)', async () => {
    const e = await refused(
      'gcs-expired',
      'gs://ml-models/runs/7/iris/',
      gcs.env(gcs.externalAccountFile(SA, 'expired')),
      /the Google Cloud Storage web identity token has expired, so bucket 'ml-models' cannot be read: Error code invalid_grant: ID Token expired/,
    );
    expect(e).toMatch(/google-github-actions\/auth/);
    expect(gcs.github.requests.at(-1)).toMatchObject({ authorized: true, misbehave: 'expired' });
  });

  it('no credentials at all', async () => {
    const e = await refused(
      'gcs-no-creds',
      'gs://ml-models/runs/7/iris/',
      gcs.env(),
      /no Google Cloud Storage credentials were found to read gs:\/\/ml-models\/runs\/7\/iris\/ \(bucket 'ml-models'\)/,
    );
    expect(e).toMatch(/GOOGLE_APPLICATION_CREDENTIALS/);
  });
});
