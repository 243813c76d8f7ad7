/**
 * register-model refuses bad input with one clear ::error, and leaves nothing half-registered:
 * no version, and for conflicts not even the upload of the new files.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runAction } from '../harness/index.js';
import { emulatorEnv, startTestEmulator } from './support.js';
import { blobsContaining, expectRefused, mlflowModelFiles, register, theError, versionsOf, writeTree } from './register-model-support.js';

let em: RunningEmulator;
let ws: string;
let jobName: string;

beforeAll(async () => {
  em = await startTestEmulator();
  ws = mkdtempSync(join(tmpdir(), 'rm-errors-'));
  writeTree(join(ws, 'jobs'), {
    'out.yml': [
      'command: mkdir -p ${{outputs.out}} && echo hi > ${{outputs.out}}/x.txt',
      'environment: azureml:AzureML-sklearn-1.5@latest',
      'compute: azureml:cpu-cluster',
      'outputs:',
      '  out:',
      '    type: uri_folder',
      '',
    ].join('\n'),
    'slow.yml': [
      'command: python -c "import time; time.sleep(60)"',
      'environment: azureml:AzureML-sklearn-1.5@latest',
      'compute: azureml:cpu-cluster',
      '',
    ].join('\n'),
  });
  const job = await runAction({
    action: 'submit-job',
    inputs: { 'job-file': 'jobs/out.yml' },
    env: emulatorEnv(em),
    workspace: ws,
    runId: '8000',
    timeoutMs: 90_000,
  });
  if (job.main.exitCode !== 0) throw new Error(job.main.log);
  jobName = job.outputs['job-name']!;
});
afterAll(async () => {
  await em?.close();
});

const refused = async (name: string, inputs: Record<string, string>, message: RegExp): Promise<string> =>
  expectRefused(em, await register({ em, workspace: ws }, { name, ...inputs }, { runId: '8100' }), name, message);

describe('register-model refuses bad input', () => {
  it('a path that does not exist', async () => {
    await refused('m-missing', { path: 'models/nope' }, /Input 'path': models\/nope does not exist/);
  });

  it('a job with no such output names the outputs it has', async () => {
    const e = await refused(
      'm-output',
      { 'job-name': jobName, output: 'model' },
      new RegExp(`Job '${jobName}' has no output 'model'; its outputs: 'out', 'artifacts'`),
    );
    expect(e).toContain('output: model');
    await refused('m-output2', { path: `azureml://jobs/${jobName}/outputs/weights` }, /has no output 'weights'/);
    // the shorthand's default (MLflow's artifacts/paths/model) holds nothing either
    await refused(
      'm-output3',
      { 'job-name': jobName },
      new RegExp(`Job '${jobName}' wrote nothing at azureml://jobs/${jobName}/outputs/artifacts/paths/model`),
    );
  });

  it('a job that does not exist, and one still running', async () => {
    await refused('m-nojob', { 'job-name': 'no-such-job' }, /job 'no-such-job' does not exist in workspace 'ws-emulator'/);
    const slow = await runAction({
      action: 'submit-job',
      inputs: { 'job-file': 'jobs/slow.yml', wait: 'false' },
      env: emulatorEnv(em),
      workspace: ws,
      runId: '8001',
      timeoutMs: 60_000,
    });
    expect(slow.main.exitCode, slow.main.log).toBe(0);
    await refused(
      'm-running',
      { 'job-name': slow.outputs['job-name']!, output: 'default' },
      /is (NotStarted|Starting|Preparing|Queued|Running): its outputs are complete only once it has finished/,
    );
  });

  it('invalid names by Azure naming rules', async () => {
    writeTree(join(ws, 'models', 'ok'), { 'w.bin': 'x' });
    const r = await register({ em, workspace: ws }, { name: 'my model!', path: 'models/ok' }, { runId: '8101' });
    expect(theError(r)).toMatch(/Input 'name': 'my model!' is not a valid model name: character " " at position 3 is not allowed/);
    const r2 = await register({ em, workspace: ws }, { name: '-iris', path: 'models/ok' }, { runId: '8101' });
    expect(theError(r2)).toMatch(/it starts with '-'/);
    const r3 = await register({ em, workspace: ws }, { name: 'x'.repeat(256), path: 'models/ok' }, { runId: '8101' });
    expect(theError(r3)).toMatch(/it has 256 characters; at most 255 are allowed/);
    await refused('m-version', { path: 'models/ok', version: 'v/1' }, /Input 'version': 'v\/1' is not a valid model version/);
    await refused('m-alias', { path: 'models/ok', alias: 'champ ion' }, /Input 'alias': 'champ ion' is not a valid alias/);
    await refused(
      'm-registry',
      { path: 'models/ok', 'promote-to-registry': 'r' },
      /is not a valid registry name: it has 1 character\(s\); at least 3 are needed/,
    );
  });

  it('a version that exists with different content: nothing registered, nothing uploaded', async () => {
    writeTree(join(ws, 'models', 'v-a'), { 'w.bin': 'first' });
    writeTree(join(ws, 'models', 'v-b'), { 'w.bin': 'second' });
    const first = await register({ em, workspace: ws }, { name: 'pinned', path: 'models/v-a', version: '3' }, { runId: '8200' });
    expect(first.outputs).toMatchObject({ 'model-version': '3', created: 'true' });
    const r = await register({ em, workspace: ws }, { name: 'pinned', path: 'models/v-b', version: '3' }, { runId: '8201' });
    expect(r.main.exitCode).toBe(1);
    expect(theError(r)).toMatch(
      /Model 'pinned' version 3 already exists in workspace 'ws-emulator' with different content \(content sha256:[0-9a-f]+…, from models\/v-a, by https:\/\/github.com\/octo-org\/ml-repo\/actions\/runs\/8200\); versions are immutable, so nothing was registered\. Leave 'version' empty to register the next version \(4\)/,
    );
    expect(r.main.log).not.toMatch(/Uploading/);
    expect((await versionsOf(em, 'pinned')).map((v) => v.name)).toEqual(['3']);
    // The same content under the same version is simply returned.
    const again = await register({ em, workspace: ws }, { name: 'pinned', path: 'models/v-a', version: '3' }, { runId: '8202' });
    expect(again.outputs).toMatchObject({ 'model-version': '3', created: 'false' });
  });

  it('mlflow_model: what is missing from the MLmodel file is named', async () => {
    writeTree(join(ws, 'mlf', 'no-mlmodel'), { 'model.pkl': 'x' });
    await refused('mlf1', { path: 'mlf/no-mlmodel', type: 'mlflow_model' }, /mlf\/no-mlmodel has no MLmodel file at its root, so it is not an MLflow model/);
    writeTree(join(ws, 'mlf', 'nested'), { 'model/MLmodel': 'flavors:\n  sklearn: {}\n' });
    await refused('mlf2', { path: 'mlf/nested', type: 'mlflow_model' }, /found model\/MLmodel: point path at model instead/);
    writeTree(join(ws, 'mlf', 'no-flavors'), { MLmodel: 'artifact_path: model\nrun_id: abc\n' });
    await refused(
      'mlf3',
      { path: 'mlf/no-flavors', type: 'mlflow_model' },
      /mlf\/no-flavors\/MLmodel has no 'flavors': an mlflow_model needs at least one flavor/,
    );
    writeTree(join(ws, 'mlf', 'no-inputs'), {
      MLmodel: 'flavors:\n  python_function:\n    loader_module: m\nsignature:\n  outputs: \'[{"type": "double"}]\'\n',
    });
    await refused('mlf4', { path: 'mlf/no-inputs', type: 'mlflow_model' }, /has a 'signature' without 'inputs'/);
    writeTree(join(ws, 'mlf', 'bad-yaml'), { MLmodel: 'flavors: [unclosed\n' });
    await refused('mlf5', { path: 'mlf/bad-yaml', type: 'mlflow_model' }, /MLmodel is not valid YAML/);
    writeTree(join(ws, 'mlf', 'ok'), mlflowModelFiles());
    await refused('mlf6', { path: 'mlf/ok/MLmodel', type: 'mlflow_model' }, /is a single file, but an mlflow_model is a folder/);
    writeTree(join(ws, 'triton'), { 'densenet/1/model.onnx': 'x' });
    await refused('tri', { path: 'triton', type: 'triton_model' }, /triton is not a Triton model repository: no <model>\/config\.pbtxt was found/);
  });

  it('inconsistent inputs and references that do not exist are refused before anything is registered', async () => {
    writeTree(join(ws, 'models', 'ok2'), { 'w.bin': 'y' });
    await refused('both', { path: 'models/ok2', 'job-name': jobName }, /Give either 'path' or 'job-name'/);
    await refused('none', {}, /No model to register/);
    await refused('pkg-off', { path: 'models/ok2', code: 'models' }, /Input 'code' is part of the deployment package, but 'package' is false/);
    await refused(
      'pkg-env',
      { path: 'models/ok2', package: 'true', environment: 'azureml:no-such-env:1' },
      /environment no-such-env:1 does not exist in workspace 'ws-emulator'/,
    );
    await refused('pkg-code', { path: 'models/ok2', package: 'true', code: 'nowhere' }, /Input 'code': nowhere does not exist/);
    await refused(
      'no-reg',
      { path: 'models/ok2', 'promote-to-registry': 'no-such-registry' },
      /no registry named 'no-such-registry' in subscription .* \(registries: shared-registry\)/,
    );
    await refused('bad-metrics', { path: 'models/ok2', metrics: '{"accuracy": "high"}' }, /Input 'metrics': the value of 'accuracy' is "high", not a number/);
    await refused('asset-path', { path: 'azureml:iris:1' }, /names a registered asset, not the files of a model/);
    await refused('no-ds', { path: 'azureml://datastores/nostore/paths/x' }, /datastore 'nostore' does not exist/);
    expect(await blobsContaining(em, 'models/ok2')).toEqual([]);
  });
});
