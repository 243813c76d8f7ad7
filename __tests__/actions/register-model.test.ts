/**
 * register-model, run as the runner runs it (dist bundle, INPUT_* variables, file commands)
 * against the local emulator and Azurite: from the iris job's output (after submit-job and a
 * metric-gate ledger entry), from local folders, as mlflow_model with a package; re-runs,
 * concurrent registrations, aliases and promotion to a registry.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { metricsFromModelTags, modelAliasTag } from '../../src/metrics/baseline.js';
import { appendLedger } from '../../src/core/ledger.js';
import { parseManifest, verifyManifest, verifyManifestAgainstFolder } from '../../src/models/manifest.js';
import { runAction } from '../harness/index.js';
import { emulatorEnv, startTestEmulator, workspaceWithExamples } from './support.js';
import { armCall, blobService, blobsContaining, mlflowModelFiles, register, versionsOf, writeTree, type VersionBody } from './register-model-support.js';

let em: RunningEmulator;
let ws: string;

beforeAll(async () => {
  em = await startTestEmulator();
  ws = workspaceWithExamples();
});
afterAll(async () => {
  await em?.close();
});

const REGISTRY = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-azureml-emulator/providers/Microsoft.MachineLearningServices/registries/shared-registry`;

describe('register-model from the iris job', () => {
  it('registers the job output as an MLflow model with lineage and the gate metrics; re-runs and the explicit URI return the same version; promotion copies it', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'rm-runner-'));
    const job = await runAction({
      action: 'submit-job',
      inputs: { 'job-file': 'examples/iris/job.yml', set: 'inputs.epochs=60' },
      env: emulatorEnv(em),
      workspace: ws,
      runnerTemp,
      runId: '7001',
      timeoutMs: 120_000,
    });
    expect(job.main.exitCode, job.main.log).toBe(0);
    const jobName = job.outputs['job-name']!;
    // The metric-gate step of the same job wrote its verdict to the ledger (its report shape).
    appendLedger(
      {
        kind: 'gate',
        action: 'metric-gate',
        passed: true,
        source: `job ${jobName}`,
        report: {
          version: 1,
          passed: true,
          counts: { passed: 2, failed: 0, skipped: 0 },
          source: { kind: 'azureml', description: `job ${jobName}`, details: { jobName } },
          metrics: {
            accuracy: { last: 0.96, lastStep: 59, min: 0.3, max: 0.97, count: 60 },
            loss: { last: 0.11, count: 60 },
            f1_macro: { last: 'NaN', count: 1 },
          },
        },
      },
      { RUNNER_TEMP: runnerTemp },
    );

    const ctx = { em, workspace: ws, runnerTemp };
    const event = { pull_request: { number: 42 } };
    const first = await register(
      ctx,
      { name: 'iris', 'job-name': jobName, type: 'mlflow_model', description: 'softmax regression' },
      { runId: '7001', event, eventName: 'pull_request', sha: 'abc123def456' },
    );
    expect(first.main.exitCode, first.main.log).toBe(0);
    expect(first.main.log).toContain("using its output 'model'");
    expect(first.outputs).toMatchObject({ 'model-name': 'iris', 'model-version': '1', 'model-uri': 'azureml:iris:1', created: 'true' });
    expect(first.outputs['model-id']).toMatch(/\/workspaces\/ws-emulator\/models\/iris\/versions\/1$/);
    expect(first.outputs['content-hash']).toMatch(/^blobs:[0-9a-f]{64}$/);

    const [v1] = await versionsOf(em, 'iris');
    const p = v1!.properties;
    expect(p.modelType).toBe('mlflow_model');
    expect(p.jobName).toBe(jobName);
    expect(p.modelUri).toMatch(/^azureml:\/\/datastores\/workspaceblobstore\/paths\/.+\/$/);
    expect(Object.keys(p.flavors ?? {})).toEqual(['python_function']);
    expect(p.tags).toMatchObject({
      'github.repository': 'octo-org/ml-repo',
      'github.run_id': '7001',
      'github.commit': 'abc123def456',
      'github.pr': '42',
      'github.run_url': 'https://github.com/octo-org/ml-repo/actions/runs/7001',
      'azureml.source_job': jobName,
      'azureml-actions.gate': 'passed',
      'azureml-actions.gate_counts': '2 passed, 0 failed, 0 skipped',
      'metric.accuracy': '0.96',
      'metric.loss': '0.11',
      'metric.f1_macro': 'NaN',
    });
    expect(p.properties['azureml-actions.content_hash']).toBe(first.outputs['content-hash']);
    // metric-gate reads these tags back as a baseline
    const { metrics } = metricsFromModelTags(p.tags);
    expect(metrics.get('accuracy')?.[0]?.value).toBe(0.96);
    expect(first.summary).toContain('iris:1');

    // A re-run of the workflow: same files, so the same version, nothing new.
    const again = await register(ctx, { name: 'iris', 'job-name': jobName, type: 'mlflow_model' }, { runId: '7001', runAttempt: '2' });
    expect(again.main.exitCode, again.main.log).toBe(0);
    expect(again.outputs).toMatchObject({ 'model-version': '1', created: 'false' });
    // The same files named by their URI, promoted to the registry (streamed from the datastore).
    const byUri = await register(
      ctx,
      { name: 'iris', path: `azureml://jobs/${jobName}/outputs/model`, type: 'mlflow_model', 'promote-to-registry': 'shared-registry' },
      { runId: '7002' },
    );
    expect(byUri.main.exitCode, byUri.main.log).toBe(0);
    expect(byUri.outputs).toMatchObject({
      'model-version': '1',
      created: 'false',
      'registry-model-uri': 'azureml://registries/shared-registry/models/iris/versions/1',
    });
    expect((await versionsOf(em, 'iris')).map((v) => v.name)).toEqual(['1']);
    const reg = await armCall<VersionBody>(em, 'GET', `${REGISTRY}/models/iris/versions/1`);
    expect(reg.status).toBe(200);
    expect(reg.body.properties.provisioningState).toBe('Succeeded');
    expect(reg.body.properties.tags['metric.accuracy']).toBe('0.96');
    expect(reg.body.properties.modelType).toBe('mlflow_model');
    const files = await blobsContaining(em, 'models/iris/1/');
    expect(files.some((f) => f.endsWith('/MLmodel'))).toBe(true);
    expect(files.some((f) => f.endsWith('/weights.json'))).toBe(true);

    // runs:/ names the run's artifacts: the job's logs are a (custom) model of their own.
    const fromRun = await register(ctx, { name: 'iris-logs', path: `runs:/${jobName}/user_logs` }, { runId: '7003' });
    expect(fromRun.main.exitCode, fromRun.main.log).toBe(0);
    const [logs] = await versionsOf(em, 'iris-logs');
    expect(logs!.properties.jobName).toBe(jobName);
    expect(logs!.properties.modelUri).toBe(`azureml://datastores/workspaceartifactstore/paths/ExperimentRun/dcid.${jobName}/user_logs/`);
  });
});

describe('register-model from local files', () => {
  it('uploads a folder under its content hash; a re-run uploads nothing and returns the same version; changed files make the next version', async () => {
    const dir = writeTree(join(ws, 'models', 'local-a'), { 'model.pkl': 'weights v1', 'meta/info.txt': 'local model' });
    const ctx = { em, workspace: ws };
    const first = await register(
      ctx,
      { name: 'local', path: 'models/local-a', tags: 'team=vision\nstage=dev', properties: 'framework=none' },
      { runId: '7100' },
    );
    expect(first.main.exitCode, first.main.log).toBe(0);
    expect(first.outputs).toMatchObject({ 'model-version': '1', created: 'true' });
    expect(first.main.log).toMatch(/Uploading models\/local-a: 2 file\(s\)/);
    const hash = first.outputs['content-hash']!.replace('sha256:', '');
    expect(await blobsContaining(em, `LocalUpload/${hash.slice(0, 32)}/local-a/`)).toHaveLength(2);
    const [v1] = await versionsOf(em, 'local');
    expect(v1!.properties.modelUri).toBe(`azureml://datastores/workspaceblobstore/paths/LocalUpload/${hash.slice(0, 32)}/local-a/`);
    expect(v1!.properties.tags).toMatchObject({ team: 'vision', stage: 'dev', 'azureml-actions.source': 'models/local-a' });
    expect(v1!.properties.properties).toMatchObject({ framework: 'none', 'azureml-actions.source': 'models/local-a' });

    const again = await register(ctx, { name: 'local', path: 'models/local-a' }, { runId: '7100', runAttempt: '2' });
    expect(again.main.exitCode, again.main.log).toBe(0);
    expect(again.outputs).toMatchObject({ 'model-version': '1', created: 'false' });
    expect(again.main.log).not.toMatch(/Uploading/);
    // Asking for a package later: the existing version gets one, pointed at by its tags.
    const packaged = await register(ctx, { name: 'local', path: 'models/local-a', package: 'true' }, { runId: '7100', runAttempt: '3' });
    expect(packaged.outputs).toMatchObject({ 'model-version': '1', created: 'false' });
    expect(parseManifest(packaged.outputs.manifest!).files.map((f) => f.path)).toEqual(['meta/info.txt', 'model.pkl']);
    const [tagged] = await versionsOf(em, 'local');
    expect(tagged!.properties.tags['azureml-actions.package']).toMatch(
      /^azureml:\/\/datastores\/workspaceblobstore\/paths\/azureml-actions\/packages\/local\//,
    );
    expect(tagged!.properties.properties).toEqual(v1!.properties.properties);

    writeFileSync(join(dir, 'model.pkl'), 'weights v2');
    const changed = await register(ctx, { name: 'local', path: 'models/local-a' }, { runId: '7101' });
    expect(changed.outputs).toMatchObject({ 'model-version': '2', created: 'true' });
    // A single file is a model too.
    const single = await register(ctx, { name: 'local-file', path: 'models/local-a/model.pkl' }, { runId: '7102' });
    expect(single.main.exitCode, single.main.log).toBe(0);
    const [f1] = await versionsOf(em, 'local-file');
    expect(f1!.properties.modelUri).toMatch(/\/LocalUpload\/[0-9a-f]{32}\/model\.pkl$/);
    // ...and a datastore path: the files uploaded above, registered where they are.
    const fromDatastore = await register(
      ctx,
      { name: 'local-ds', path: `azureml://datastores/workspaceblobstore/paths/LocalUpload/${hash.slice(0, 32)}/local-a` },
      { runId: '7103' },
    );
    expect(fromDatastore.main.exitCode, fromDatastore.main.log).toBe(0);
    expect(fromDatastore.outputs['content-hash']).toMatch(/^blobs:/);
  });

  it('mlflow_model with a package: flavors on the version, a manifest that verifies the files, the code and environment uploaded, the artifact file', async () => {
    const dir = writeTree(join(ws, 'models', 'mlf'), mlflowModelFiles('{"w": [4, 5, 6]}'));
    writeTree(join(ws, 'serve'), { 'score.py': 'def init():\n    pass\n\ndef run(data):\n    return data\n', 'conda.yaml': 'name: serve\n' });
    const r = await register(
      { em, workspace: ws },
      { name: 'pkg', path: 'models/mlf', type: 'mlflow_model', package: 'true', code: 'serve', environment: 'serve/conda.yaml', artifact: 'true' },
      { runId: '7200' },
    );
    expect(r.main.exitCode, r.main.log).toBe(0);
    const manifest = parseManifest(r.outputs.manifest!);
    expect(manifest.model).toMatchObject({ name: 'pkg', type: 'mlflow_model', contentHash: r.outputs['content-hash'], fileCount: 4 });
    expect(manifest.mlflow?.flavors).toHaveProperty('python_function');
    expect(manifest.mlflow?.signature?.inputs).toEqual([
      { type: 'double', name: 'sepal_length' },
      { type: 'double', name: 'petal_length' },
    ]);
    expect(manifest.code).toMatchObject({ kind: 'files', path: 'serve', scoringScript: 'score.py' });
    expect(manifest.environment).toMatchObject({ kind: 'file', path: 'serve/conda.yaml' });
    expect(manifest.lineage['github.run_id']).toBe('7200');
    expect((await verifyManifestAgainstFolder(manifest, dir)).ok).toBe(true);
    const tampered = verifyManifest(
      manifest,
      manifest.files.map((f) => (f.path === 'weights.json' ? { ...f, sha256: '0'.repeat(64) } : f)),
    );
    expect(tampered.ok).toBe(false);
    expect(tampered.mismatched.map((m) => m.path)).toEqual(['weights.json']);

    // The version pins the manifest: its blob holds exactly the output.
    const [v] = await versionsOf(em, 'pkg');
    const props = v!.properties.properties;
    const blobPath = /paths\/(.+)$/.exec(props['azureml-actions.package']!)![1]!;
    const container = (await blobsContaining(em, blobPath))[0]!.split('/')[0]!;
    const stored = (await blobService(em).getContainerClient(container).getBlobClient(blobPath).downloadToBuffer()).toString('utf8');
    expect(stored).toBe(r.outputs.manifest);
    expect(props['azureml-actions.manifest_sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(await blobsContaining(em, 'azureml-actions/packages/pkg/')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/code\/[0-9a-f]{32}\/serve\/score\.py$/),
        expect.stringMatching(/\/environment\/[0-9a-f]{32}\/conda\.yaml$/),
      ]),
    );
    expect(existsSync(r.outputs['manifest-path']!)).toBe(true);
    expect(readFileSync(r.outputs['manifest-path']!, 'utf8')).toBe(r.outputs.manifest);

    // A re-run returns the same version and the same manifest.
    const again = await register(
      { em, workspace: ws },
      { name: 'pkg', path: 'models/mlf', type: 'mlflow_model', package: 'true', code: 'serve', environment: 'serve/conda.yaml' },
      { runId: '7201' },
    );
    expect(again.outputs).toMatchObject({ 'model-version': '1', created: 'false' });
    expect(again.outputs.manifest).toBe(r.outputs.manifest);
  });

  it('two concurrent registrations of different content get two distinct versions', async () => {
    writeTree(join(ws, 'models', 'race-a'), { 'w.bin': 'A'.repeat(1000) });
    writeTree(join(ws, 'models', 'race-b'), { 'w.bin': 'B'.repeat(1000) });
    // Hold the first PUT long enough that the other registration chose the same next version too.
    const rule = em.faults.add({ operation: 'ModelVersions_CreateOrUpdate', method: 'PUT', pathContains: '/models/race/', kind: 'delay', ms: 3000, count: 1 });
    try {
      const [a, b] = await Promise.all([
        register({ em, workspace: ws }, { name: 'race', path: 'models/race-a' }, { runId: '7300' }),
        register({ em, workspace: ws }, { name: 'race', path: 'models/race-b' }, { runId: '7301' }),
      ]);
      expect(a.main.exitCode, a.main.log).toBe(0);
      expect(b.main.exitCode, b.main.log).toBe(0);
      expect([a.outputs['model-version'], b.outputs['model-version']].sort()).toEqual(['1', '2']);
      expect(a.outputs.created).toBe('true');
      expect(b.outputs.created).toBe('true');
      expect(`${a.main.log}\n${b.main.log}`).toMatch(/Version 1 of model 'race' was taken by another registration; trying 2/);
    } finally {
      em.faults.remove(rule.id);
    }
    const versions = await versionsOf(em, 'race');
    expect(versions.map((v) => v.name)).toEqual(['1', '2']);
    expect(new Set(versions.map((v) => v.properties.properties['azureml-actions.content_hash'])).size).toBe(2);
  });

  it('aliases move to the new version and off the previous holder, and back on a re-registration', async () => {
    writeTree(join(ws, 'models', 'al-1'), { 'w.bin': 'one' });
    writeTree(join(ws, 'models', 'al-2'), { 'w.bin': 'two' });
    const ctx = { em, workspace: ws };
    const a = await register(
      ctx,
      { name: 'aliased', path: 'models/al-1', alias: 'champion, staging', metrics: '{"accuracy": 0.91, "loss": null}' },
      { runId: '7400' },
    );
    expect(a.main.exitCode, a.main.log).toBe(0);
    expect((await versionsOf(em, 'aliased'))[0]!.properties.tags).toMatchObject({ 'metric.accuracy': '0.91' });
    const b = await register(ctx, { name: 'aliased', path: 'models/al-2', alias: '@champion' }, { runId: '7401' });
    expect(b.main.exitCode, b.main.log).toBe(0);
    expect(b.main.log).toContain('@champion → aliased:2 (moved from 1)');
    let [v1, v2] = await versionsOf(em, 'aliased');
    expect(v1!.properties.tags).not.toHaveProperty(modelAliasTag('champion'));
    expect(v1!.properties.tags[modelAliasTag('staging')]).toBe('true');
    expect(v2!.properties.tags[modelAliasTag('champion')]).toBe('true');
    // Roll back: the first files again (an existing version) take @champion back.
    const back = await register(ctx, { name: 'aliased', path: 'models/al-1', alias: 'champion' }, { runId: '7402' });
    expect(back.outputs).toMatchObject({ 'model-version': '1', created: 'false' });
    [v1, v2] = await versionsOf(em, 'aliased');
    expect(v1!.properties.tags[modelAliasTag('champion')]).toBe('true');
    expect(v2!.properties.tags).not.toHaveProperty(modelAliasTag('champion'));
    // Immutable fields are untouched by the moves.
    expect(v1!.properties.properties['azureml-actions.content_hash']).toBe(a.outputs['content-hash']);
  });

  it('promotes to a registry with the pending-upload flow, keeping the tags; a re-run is idempotent', async () => {
    writeTree(join(ws, 'models', 'promo'), { 'model.onnx': Buffer.alloc(300_000, 7), 'labels.txt': 'cat\ndog\n' });
    const ctx = { em, workspace: ws };
    const r = await register(
      ctx,
      { name: 'promo', path: 'models/promo', tags: 'team=vision', alias: 'champion', 'promote-to-registry': 'shared-registry' },
      { runId: '7500' },
    );
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs['registry-model-uri']).toBe('azureml://registries/shared-registry/models/promo/versions/1');
    expect(r.outputs['registry-model-id']).toBe(`${REGISTRY}/models/promo/versions/1`);
    const reg = await armCall<VersionBody>(em, 'GET', `${REGISTRY}/models/promo/versions/1`);
    expect(reg.body.properties).toMatchObject({ provisioningState: 'Succeeded', modelType: 'custom_model' });
    expect(reg.body.properties.tags).toMatchObject({ team: 'vision', 'github.run_id': '7500' });
    expect(reg.body.properties.tags).not.toHaveProperty(modelAliasTag('champion'));
    expect(reg.body.properties.properties['azureml-actions.content_hash']).toBe(r.outputs['content-hash']);
    expect(reg.body.properties.properties['azureml-actions.promoted_from']).toBe(r.outputs['model-id']);
    expect(reg.body.properties.modelUri).toMatch(/\/azureml-registry-shared-registry-[0-9a-f]{6}\/models\/promo\/1\//);
    const copied = await blobsContaining(em, 'models/promo/1/');
    expect(copied.map((n) => n.split('/').pop()).sort()).toEqual(['labels.txt', 'model.onnx']);
    expect(r.main.secretsMasked.some((s) => s.includes('sig='))).toBe(true);

    const again = await register(ctx, { name: 'promo', path: 'models/promo', 'promote-to-registry': 'shared-registry' }, { runId: '7501' });
    expect(again.main.exitCode, again.main.log).toBe(0);
    expect(again.main.log).toContain('Registry shared-registry already holds this model as promo:1: nothing copied.');
    expect((await versionsOf(em, 'promo', REGISTRY)).map((v) => v.name)).toEqual(['1']);
    rmSync(join(ws, 'models', 'promo'), { recursive: true, force: true });
  });
});
