/**
 * register-model from another cloud, run as the runner runs it (dist bundle) against the emulator
 * and an S3-compatible server started here (s3rver): a model folder in S3 registered with its
 * lineage (source URI, each object's ETag), the same bytes from disk reuse the version, a single
 * object as a file model; bad input (unknown bucket, a refused credential, a missing object, a URI
 * with no key, an expired web identity token) fails with one clear error and registers nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runAction, type RunResult } from '../harness/index.js';
import { startS3, type RunningS3 } from '../helpers/s3-server.js';
import { emulatorEnv, startTestEmulator } from './support.js';
import { armCall, blobsContaining, expectRefused, mlflowModelFiles, versionsOf, writeTree } from './register-model-support.js';

let em: RunningEmulator;
let s3: RunningS3;
let ws: string;

beforeAll(async () => {
  [em, s3] = await Promise.all([startTestEmulator(), startS3(['models', 'other'])]);
  ws = mkdtempSync(join(tmpdir(), 'rm-cloud-'));
});
afterAll(async () => {
  await Promise.all([em?.close(), s3?.close()]);
});

function register(inputs: Record<string, string>, env: Record<string, string> = s3.env(), runId = '9100'): Promise<RunResult> {
  return runAction({ action: 'register-model', inputs, env: { ...emulatorEnv(em), ...env }, workspace: ws, runId, timeoutMs: 120_000 });
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe('register-model from S3', () => {
  it('streams a model folder from S3 with lineage; the same bytes from disk reuse the version', async () => {
    const files = mlflowModelFiles('{"w": [4, 5, 6]}', { '__pycache__/x.pyc': 'compiled', '.DS_Store': 'finder' });
    await s3.put('models', 'runs/42/iris', files);

    const first = await register({ name: 'iris-s3', path: 's3://models/runs/42/iris/', type: 'mlflow_model' });
    expect(first.main.exitCode, first.main.log).toBe(0);
    expect(first.outputs).toMatchObject({ 'model-version': '1', created: 'true' });
    expect(first.outputs['content-hash']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.main.log).toContain('Streaming s3://models/runs/42/iris/ into datastore');
    // The secret key of the chain is masked.
    expect(first.main.secretsMasked).toContain('S3RVER');

    const [v1] = await versionsOf(em, 'iris-s3');
    expect(v1.properties.tags['azureml-actions.source']).toBe('s3://models/runs/42/iris/');
    const objects = JSON.parse(v1.properties.tags['azureml-actions.source_objects']!) as string[][];
    // The ignored files (as for a local folder) are not part of the model; each object's ETag is recorded.
    expect(objects.map((o) => o[0])).toEqual(['MLmodel', 'code/iris_softmax.py', 'conda.yaml', 'weights.json']);
    expect(objects.find((o) => o[0] === 'weights.json')![1]).toBe(md5('{"w": [4, 5, 6]}'));
    expect(v1.properties.flavors).toHaveProperty('python_function');
    const hash = first.outputs['content-hash']!.slice('sha256:'.length);
    expect(v1.properties.modelUri).toMatch(new RegExp(`^azureml://datastores/workspaceblobstore/paths/LocalUpload/${hash.slice(0, 32)}/iris/$`));
    const blobs = await blobsContaining(em, `LocalUpload/${hash.slice(0, 32)}/`);
    expect(blobs.map((b) => b.replace(/^[^/]+\//, ''))).toEqual(
      [
        `LocalUpload/${hash.slice(0, 32)}/.azureml-actions-snapshot.json`,
        ...['MLmodel', 'code/iris_softmax.py', 'conda.yaml', 'weights.json'].map((p) => `LocalUpload/${hash.slice(0, 32)}/iris/${p}`),
      ].sort(),
    );

    // The same bytes on disk (a checkout): the same content hash, so the same version; nothing uploaded.
    writeTree(join(ws, 'iris'), files);
    const local = await register({ name: 'iris-s3', path: 'iris', type: 'mlflow_model' }, {}, '9101');
    expect(local.main.exitCode, local.main.log).toBe(0);
    expect(local.outputs).toMatchObject({ 'model-version': '1', created: 'false', 'content-hash': first.outputs['content-hash'] });
    expect(local.main.log).toContain('already holds these files');

    // A re-run from S3 reads once and writes nothing.
    const again = await register({ name: 'iris-s3', path: 's3://models/runs/42/iris', type: 'mlflow_model' }, s3.env(), '9102');
    expect(again.main.exitCode, again.main.log).toBe(0);
    expect(again.outputs).toMatchObject({ 'model-version': '1', created: 'false' });
    expect(again.main.log).not.toContain('Streaming');
    expect(await versionsOf(em, 'iris-s3')).toHaveLength(1);
  });

  it('registers one object as a file model, the same hash as the file on disk', async () => {
    const bytes = Buffer.alloc(20 * 1024 * 1024 + 123, 7); // more than one 8 MiB block
    await s3.put('models', 'single', { 'model.onnx': bytes });
    const fromS3 = await register({ name: 'onnx-s3', path: 's3://models/single/model.onnx', type: 'custom_model' }, s3.env(), '9110');
    expect(fromS3.main.exitCode, fromS3.main.log).toBe(0);
    const [v] = await versionsOf(em, 'onnx-s3');
    expect(v.properties.modelUri).toMatch(/\/LocalUpload\/[0-9a-f]{32}\/model\.onnx$/);
    writeFileSync(join(ws, 'model.onnx'), bytes);
    const fromDisk = await register({ name: 'onnx-s3', path: 'model.onnx', type: 'custom_model' }, {}, '9111');
    expect(fromDisk.main.exitCode, fromDisk.main.log).toBe(0);
    expect(fromDisk.outputs).toMatchObject({ 'model-version': '1', created: 'false', 'content-hash': fromS3.outputs['content-hash'] });
  });
});

describe('register-model from S3 into a registry', () => {
  it('promotes a model read from S3: its files are streamed from S3 into the registry', async () => {
    await s3.put('models', 'promo', { 'model.onnx': Buffer.alloc(9 * 1024 * 1024 + 5, 3), 'labels.txt': 'cat\ndog\n' });
    const r = await register({ name: 'promo-s3', path: 's3://models/promo/', 'promote-to-registry': 'shared-registry' }, s3.env(), '9120');
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs['registry-model-uri']).toBe('azureml://registries/shared-registry/models/promo-s3/versions/1');
    const reg = await armCall<{ properties: { provisioningState: string; tags: Record<string, string>; properties: Record<string, string> } }>(
      em,
      'GET',
      `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-azureml-emulator/providers/Microsoft.MachineLearningServices/registries/shared-registry/models/promo-s3/versions/1`,
    );
    expect(reg.body.properties.provisioningState).toBe('Succeeded');
    expect(reg.body.properties.tags['azureml-actions.source']).toBe('s3://models/promo/');
    expect(reg.body.properties.properties['azureml-actions.content_hash']).toBe(r.outputs['content-hash']);
    const copied = await blobsContaining(em, 'models/promo-s3/1/');
    expect(copied.map((n) => n.split('/').pop()).sort()).toEqual(['labels.txt', 'model.onnx']);
  });
});

describe('register-model from S3: bad input', () => {
  const refused = async (name: string, path: string, env: Record<string, string>, message: RegExp): Promise<string> =>
    expectRefused(em, await register({ name, path, type: 'custom_model' }, env, '9200'), name, message);

  it('an unknown bucket', async () => {
    const e = await refused('bad-bucket', 's3://no-such-bucket/model/', s3.env(), /AWS S3 has no bucket 'no-such-bucket'/);
    expect(e).toMatch(/AWS_ENDPOINT_URL_S3/);
  });

  it('a refused credential (an access key the store does not know)', async () => {
    const e = await refused(
      'bad-key',
      's3://models/runs/42/iris/',
      s3.env({ AWS_ACCESS_KEY_ID: 'AKIAUNKNOWN0000000', AWS_SECRET_ACCESS_KEY: 'wrong' }),
      /AWS S3 refused the credentials for bucket 'models' \(InvalidAccessKeyId\)/,
    );
    expect(e).toMatch(/configure-aws-credentials/);
  });

  it('no credential at all', async () => {
    await refused(
      'no-key',
      's3://models/runs/42/iris/',
      s3.env({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }),
      /no AWS S3 credentials were found to read s3:\/\/models\/runs\/42\/iris\/ \(bucket 'models'\)/,
    );
  });

  it('an object that does not exist', async () => {
    await refused('no-object', 's3://models/runs/43/missing', s3.env(), /nothing is stored at s3:\/\/models\/runs\/43\/missing: no object 'runs\/43\/missing'/);
  });

  it('a URI with no key', async () => {
    await refused('no-key-uri', 's3://models', s3.env(), /'s3:\/\/models' names the whole bucket 'models', not a file or folder in it/);
    await refused('no-key-uri', 's3://models/', s3.env(), /names the whole bucket/);
  });

  it('an expired web identity token (configure-aws-credentials with role-to-assume)', async () => {
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'oidc-')), 'token');
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    writeFileSync(tokenFile, `${b64({ alg: 'RS256' })}.${b64({ aud: 'sts.amazonaws.com', exp: Math.floor(Date.now() / 1000) - 600 })}.c2ln`);
    const e = await refused(
      'expired',
      's3://models/runs/42/iris/',
      s3.env({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/ci', AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile }),
      /the AWS S3 web identity token has expired, so bucket 'models' cannot be read/,
    );
    expect(e).toMatch(/run that step again/);
  });
});
