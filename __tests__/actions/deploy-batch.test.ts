/**
 * deploy onto a batch endpoint, through the built bundle on the emulator, with azureml-examples'
 * cli/endpoints/batch/deploy-models/mnist-classifier (endpoint.yml and deployment-torch/deployment.yml
 * as they are; the scoring script and model.pt are standard-library stand-ins: torch is not
 * installed here, see the fixture's batch_driver.py). The test input is a folder of 12 "images".
 *
 * - a first rollout creates the endpoint and makes mnist-torch-dpl its default (no comparison:
 *   nothing to compare with); a second rolls mnist-torch-v2 out with a test batch and a shadow
 *   comparison with mnist-torch-dpl, switches the default and deletes the old deployment;
 * - a model that raises on one file: its mini-batch is lost (error_threshold -1 lets the job
 *   complete), the row check fails → the default is untouched, the new deployment deleted;
 * - a model whose classes differ: the comparison's `agreement >= 95%` fails → rolled back;
 * - SIGTERM while the test batch runs (main rolls back), SIGKILL (the post step does): the prior
 *   default stays, the new deployment and its test job are gone;
 * - bad input (online fields in a batch deployment file, an online deployment file for a batch
 *   endpoint): one ::error naming the input, file and line; no mutating request.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { repoRoot, type RunResult } from '../harness/index.js';
import { arm, wsPath } from '../emulator/support.js';
import { API, createBatchCluster, uploadFolder } from '../emulator/endpoints-support.js';
import { readLedger } from '../../src/core/ledger.js';
import { renderReport } from '../../src/report/comment.js';
import { collectReportData } from '../../src/report/data.js';
import {
  armRequestsSince,
  batchState as batchStateOf,
  deploy,
  expectBatchRefused,
  logMark,
  logs,
  mutations,
  startDeployEmulator,
  type BatchState,
} from './deploy-support.js';

type Json = Record<string, unknown>;

const SAMPLE = 'endpoints/batch/deploy-models/mnist-classifier';
const fixture = join(repoRoot, '__tests__', 'fixtures', 'azureml-examples', SAMPLE);
const EP = 'mnist-batch'; // endpoint.yml's name

let em: RunningEmulator;
let ws: string;
const runnerTemp = mkdtempSync(join(tmpdir(), 'aml-deploy-batch-runner-'));

function write(rel: string, text: string | Buffer): string {
  const p = join(ws, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  return rel;
}

function copyTree(from: string, to: string): void {
  for (const e of readdirSync(from, { withFileTypes: true })) {
    if (e.isDirectory()) copyTree(join(from, e.name), join(to, e.name));
    else {
      mkdirSync(to, { recursive: true });
      copyFileSync(join(from, e.name), join(to, e.name));
    }
  }
}

/** A variant of deployment-torch: the sample's YAML with another name and model folder (the model a JSON "model.pt"). */
function variant(name: string, model: Json): string {
  const dir = `${SAMPLE}/deployment-torch`;
  write(`${dir}/model-${name}/model.pt`, JSON.stringify({ name, ...model }));
  const yaml = readFileSync(join(ws, SAMPLE, 'deployment-torch', 'deployment.yml'), 'utf8')
    .replace(/^name: mnist-torch-dpl$/m, `name: ${name}`)
    .replace(/^ {2}path: model$/m, `  path: model-${name}`);
  expect(yaml).toContain(`path: model-${name}`);
  return write(`${dir}/${name}.yml`, yaml);
}

const batchState = (endpoint = EP): Promise<BatchState> => batchStateOf(em, endpoint);

async function jobStatus(name: string): Promise<string> {
  const r = await arm<Json>(em, 'GET', `${wsPath(em)}/jobs/${name}`);
  return String((r.body.properties as Json).status);
}

const INPUTS = { 'test-input': 'data/mnist-sample' };
const run = (inputs: Record<string, string>, o: Parameters<typeof deploy>[2] = {}): Promise<RunResult> =>
  deploy({ em, workspace: ws, runnerTemp }, { ...INPUTS, ...inputs }, { timeoutMs: 150_000, ...o });

beforeAll(async () => {
  em = await startDeployEmulator();
  ws = mkdtempSync(join(tmpdir(), 'aml-deploy-batch-'));
  copyTree(fixture, join(ws, SAMPLE));
  // deploy-and-run.sh creates the sample's cluster first (az ml compute create -n batch-cluster).
  await createBatchCluster(em);
  // 12 "images": a few hundred bytes each, different content.
  for (let i = 0; i < 12; i++) write(`data/mnist-sample/${i}.png`, Buffer.from(Array.from({ length: 200 + i * 7 }, (_, k) => (k * 31 + i * 17) % 256)));
}, 60_000);
afterAll(async () => {
  await em?.close();
});

describe('deploy: batch endpoint rollouts (mnist-classifier)', () => {
  it('first rollout creates the endpoint; the second passes its test batch and shadow comparison and becomes the default', async () => {
    const first = await run({ endpoint: `${SAMPLE}/endpoint.yml`, 'deployment-file': `${SAMPLE}/deployment-torch/deployment.yml` });
    expect(first.main.exitCode, logs(first)).toBe(0);
    expect(first.outputs).toMatchObject({ status: 'promoted', 'deployment-name': 'mnist-torch-dpl', 'default-deployment': 'mnist-torch-dpl', comparison: '' });
    expect(first.outputs['test-output']).toMatch(
      /^azureml:\/\/datastores\/workspaceblobstore\/paths\/azureml\/batchjob-[0-9a-f-]{36}\/score\/predictions\.csv$/,
    );
    expect(first.main.log).toContain('[test batch] passed: job batchjob-');
    expect(first.main.log).toContain('Completed, 12 row(s)');
    expect(await batchState()).toEqual({ defaultDeployment: 'mnist-torch-dpl', deployments: ['mnist-torch-dpl'] });

    // v2: same classes, probabilities 0.01 higher (less where they reach 0.9999).
    const file = variant('mnist-torch-v2', { confidence: 0.01 });
    const second = await run(
      {
        endpoint: EP,
        'deployment-file': file,
        'compare-rules': 'agreement >= 95%\nmad <= 0.05\nrows == baseline_rows',
        'smoke-expect': JSON.stringify({ '0.png': [] }),
        // A batch rollout does not bake: a max-duration below the online bakes (2 × 10m) is fine here.
        'bake-time': '10m',
        'max-duration': '10m',
      },
      { runId: '4242' },
    );
    expect(second.main.exitCode, logs(second)).toBe(0);
    expect(second.outputs).toMatchObject({ status: 'promoted', 'deployment-name': 'mnist-torch-v2', 'default-deployment': 'mnist-torch-v2' });
    const comparison = JSON.parse(second.outputs.comparison!) as Json;
    expect(comparison).toMatchObject({ rows: 12, baselineRows: 12, matched: 12, agreement: 1, passed: true });
    expect(comparison.mad as number).toBeGreaterThan(0);
    expect(comparison.mad as number).toBeLessThanOrEqual(0.01 + 1e-9);
    expect((comparison.rules as Json[]).map((r) => r.verdict)).toEqual(['passed', 'passed', 'passed']);
    // The test job is a workspace job of the new deployment; the comparison's ran on the old default.
    expect(await jobStatus(second.outputs['test-job']!)).toBe('Completed');
    expect(second.main.log).toMatch(/\[comparison\] passed: with mnist-torch-dpl: 12\/12 rows matched, agreement 100\.0%, mad 0\.0\d+/);
    expect(second.main.log).toContain('[promote] passed: default deployment mnist-torch-dpl → mnist-torch-v2 (read back)');
    expect(second.main.log).toContain("[cleanup] passed: deleted old deployment 'mnist-torch-dpl'");
    expect(await batchState()).toEqual({ defaultDeployment: 'mnist-torch-v2', deployments: ['mnist-torch-v2'] });
    expect(JSON.parse(second.outputs.timeline!)).toMatchObject({
      kind: 'batch',
      stages: [{ name: 'create' }, { name: 'test batch' }, { name: 'comparison' }, { name: 'promote' }, { name: 'cleanup' }],
    });

    // The ledger entry pr-summary reports (same job: the same RUNNER_TEMP).
    const entry = readLedger({ RUNNER_TEMP: runnerTemp })
      .filter((e) => e.kind === 'rollout')
      .at(-1);
    expect(entry).toMatchObject({ endpoint: EP, deployment: 'mnist-torch-v2', status: 'promoted', batch: { priorDefault: 'mnist-torch-dpl', rows: 12 } });
    const { body } = renderReport(collectReportData(readLedger({ RUNNER_TEMP: runnerTemp })), { header: 'batch' });
    expect(body).toContain('🚀 Rollout of <code>mnist-torch-v2</code> on batch endpoint <code>mnist-batch</code>: ✅ promoted');
    expect(body).toContain('Shadow comparison with the prior default: 12/12 rows matched, agreement 100%');

    // A re-run of the same workflow run finds its promotion done: nothing duplicated, nothing changed.
    const mark = await logMark(em);
    const again = await run({ endpoint: EP, 'deployment-file': file, 'compare-rules': 'agreement >= 95%' }, { runId: '4242' });
    expect(again.main.exitCode, logs(again)).toBe(0);
    expect(again.main.log).toContain('an earlier try of this workflow run promoted it');
    expect(mutations(await armRequestsSince(em, mark))).toEqual([]);
  }, 300_000);

  it('a scoring script that fails on one file: its mini-batch is missing, the row check fails, the default is untouched and the new deployment deleted', async () => {
    const file = variant('mnist-torch-bad', { fails_on: ['3.png'] });
    // The input already in the datastore this time (an azureml:// URI): its files are counted there.
    const uri = await uploadFolder(em, join(ws, 'data/mnist-sample'), 'batch-input/mnist-sample');
    const r = await run({ endpoint: EP, 'deployment-file': file, 'compare-rules': 'agreement >= 95%', 'test-input': uri });
    expect(r.main.log).toContain(`Test batch: ${uri} (12 row(s) expected)`);
    expect(r.main.exitCode, logs(r)).toBe(1);
    expect(r.outputs).toMatchObject({ status: 'rolled-back', 'default-deployment': 'mnist-torch-v2' });
    expect(r.main.log).toMatch(
      /\[test batch\] failed: the output has \d+ row\(s\), the input 12 \(azureml:\/\/datastores\/workspaceblobstore\/paths\/batch-input\/mnist-sample\/\)/,
    );
    expect(r.main.log).toContain("deleted 'mnist-torch-bad'");
    const error = r.main.annotations.find((a) => a.level === 'error');
    expect(error?.message).toMatch(/rollout of mnist-torch-bad on batch endpoint mnist-batch was rolled back: the output has \d+ row\(s\), the input 12/);
    expect(await batchState()).toEqual({ defaultDeployment: 'mnist-torch-v2', deployments: ['mnist-torch-v2'] });
  }, 200_000);

  it("a model whose classes differ from the default's: the comparison fails, rolled back; keep-failed keeps it", async () => {
    const file = variant('mnist-torch-shift', { shift: 2 });
    const r = await run({ endpoint: EP, 'deployment-file': file, 'compare-rules': 'agreement >= 95%', 'keep-failed': 'true' });
    expect(r.main.exitCode, logs(r)).toBe(1);
    expect(r.outputs.status).toBe('rolled-back');
    const comparison = JSON.parse(r.outputs.comparison!) as { agreement: number; passed: boolean };
    expect(comparison.passed).toBe(false);
    expect(comparison.agreement).toBeLessThan(0.95);
    expect(r.main.log).toMatch(/\[comparison\] failed: the comparison with mnist-torch-v2 failed agreement >= 95% \(12\/12 rows matched, agreement \d+\.\d%/);
    expect(r.main.log).toContain("keep-failed: deployment 'mnist-torch-shift' is kept");
    expect(await batchState()).toEqual({ defaultDeployment: 'mnist-torch-v2', deployments: ['mnist-torch-shift', 'mnist-torch-v2'] });
  }, 200_000);

  it('SIGTERM during the test batch: main cancels the job, keeps the prior default and deletes the new deployment', async () => {
    const file = variant('mnist-torch-c1', { confidence: 0.02 });
    const r = await run(
      { endpoint: EP, 'deployment-file': file },
      { signal: { pattern: /Deployment mnist-torch-c1: batch job batchjob-/, signal: 'SIGTERM' } },
    );
    expect(r.main.exitCode, logs(r)).toBe(1);
    expect(r.outputs.status).toBe('rolled-back');
    expect(r.main.log).toMatch(/\[test batch\] aborted: cancelled: /);
    expect(r.main.log).toMatch(/Cancelled batch job batchjob-/);
    expect(r.post?.exitCode, logs(r)).toBe(0);
    expect(r.post?.log).not.toContain('restoring the default deployment');
    expect(await batchState()).toEqual({ defaultDeployment: 'mnist-torch-v2', deployments: ['mnist-torch-shift', 'mnist-torch-v2'] });
  }, 200_000);

  it('SIGKILL during the test batch: the post step restores the prior default and deletes the new deployment', async () => {
    const file = variant('mnist-torch-c2', { confidence: 0.02 });
    const r = await run(
      { endpoint: EP, 'deployment-file': file },
      { signal: { pattern: /Deployment mnist-torch-c2: batch job batchjob-/, signal: 'SIGKILL' } },
    );
    expect(r.main.signal, logs(r)).toBe('SIGKILL');
    expect(r.post?.exitCode, logs(r)).toBe(0);
    expect(r.post?.log).toContain(
      'The workflow stopped during the batch rollout of mnist-torch-c2 on mnist-batch: restoring the default deployment mnist-torch-v2.',
    );
    expect(r.post?.log).toContain("deleted 'mnist-torch-c2'");
    expect(r.post?.log).toContain('Batch rollout rolled-back: default deployment mnist-torch-v2');
    expect(await batchState()).toEqual({ defaultDeployment: 'mnist-torch-v2', deployments: ['mnist-torch-shift', 'mnist-torch-v2'] });
  }, 200_000);

  it("model alone: the new deployment is the default's settings with the model replaced, tested, compared and promoted", async () => {
    const v2 = await arm<Json>(em, 'GET', `${wsPath(em)}/batchEndpoints/${EP}/deployments/mnist-torch-v2`, undefined, { apiVersion: API });
    const v2props = v2.body.properties as Json;
    // The model of mnist-torch-v2, registered again as a new version: the same classes, a new name for the deployment.
    const model = String((v2props.model as Json).assetId);
    const [, name, version] = /\/models\/([^/]+)\/versions\/([^/]+)$/.exec(model)!;
    const r = await run({ endpoint: EP, model: `azureml:${name}:${version}`, 'deployment-name': 'mnist-model-only', 'compare-rules': 'agreement >= 95%' });
    expect(r.main.exitCode, logs(r)).toBe(0);
    expect(r.main.log).toContain(`New deployment from model ${name}:${version} with the settings of the default deployment 'mnist-torch-v2'`);
    expect(r.outputs).toMatchObject({ status: 'promoted', 'deployment-name': 'mnist-model-only', 'default-deployment': 'mnist-model-only' });
    const created = await arm<Json>(em, 'GET', `${wsPath(em)}/batchEndpoints/${EP}/deployments/mnist-model-only`, undefined, { apiVersion: API });
    const props = created.body.properties as Json;
    expect((props.model as Json).assetId).toBe(model);
    for (const k of ['compute', 'codeConfiguration', 'environmentId', 'miniBatchSize', 'outputFileName']) expect(props[k], k).toEqual(v2props[k]);
    expect(await batchState()).toEqual({ defaultDeployment: 'mnist-model-only', deployments: ['mnist-model-only', 'mnist-torch-shift'] });
  }, 200_000);
});

describe('deploy: bad input for a batch endpoint is refused before anything changes', () => {
  const refused = (inputs: Record<string, string>) => expectBatchRefused(em, EP, () => run({ endpoint: EP, ...inputs }));

  it('a batch deployment YAML with online-only fields: the input, the file and the line', async () => {
    const file = variant('mnist-torch-inst', {});
    const text = readFileSync(join(ws, file), 'utf8').replace(/\n?$/, '\n');
    write(file, `${text}instance_type: Standard_DS3_v2\n`);
    const error = await refused({ 'deployment-file': file });
    expect(error.properties).toMatchObject({ file, line: String(text.split('\n').length) });
    expect(error.message).toContain("'instance_type' is a field of online deployments; a batch deployment has no 'instance_type'");
  }, 60_000);

  it('an online deployment YAML given to a batch endpoint: its $schema, with file and line', async () => {
    const file = write(
      'deploy/online.yml',
      [
        '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json',
        'name: blue',
        `endpoint_name: ${EP}`,
        'model: azureml:mnist-classifier-torch:1',
        'instance_type: Standard_DS3_v2',
        'instance_count: 1',
        '',
      ].join('\n'),
    );
    const error = await refused({ 'deployment-file': file });
    expect(error.properties).toMatchObject({ file: 'deploy/online.yml', line: '1' });
    expect(error.message).toContain('names the schema of an online deployment, not of a batch deployment');
  }, 60_000);

  it("a batch endpoint file whose defaults.deployment_name is neither the endpoint's default nor the new deployment: file and line", async () => {
    const ep = write(
      'deploy/batch-endpoint.yml',
      ['$schema: https://azuremlschemas.azureedge.net/latest/batchEndpoint.schema.json', `name: ${EP}`, 'defaults:', '  deployment_name: nope', ''].join('\n'),
    );
    const error = await refused({ endpoint: ep, 'deployment-file': variant('mnist-torch-y', {}) });
    expect(error.properties).toMatchObject({ file: 'deploy/batch-endpoint.yml', line: '4' });
    expect(error.message).toContain("names 'nope', but the endpoint's default is 'mnist-model-only' and the new deployment is 'mnist-torch-y'");
  }, 60_000);

  it('a compute this workspace does not have: the file and line', async () => {
    const yaml = readFileSync(join(fixture, 'deployment-torch', 'deployment.yml'), 'utf8').replace(
      /^compute: azureml:batch-cluster$/m,
      'compute: azureml:no-cluster',
    );
    const file = write(`${SAMPLE}/deployment-torch/no-cluster.yml`, yaml);
    const error = await refused({ 'deployment-file': file, 'deployment-name': 'mnist-torch-orig' });
    expect(error.properties).toMatchObject({ file, line: '16' });
    expect(error.message).toContain("names compute 'no-cluster', which does not exist in workspace");
  }, 60_000);

  it('no test-input, compare-rules over a name that is no comparison figure, an online-only input', async () => {
    const file = variant('mnist-torch-x', {});
    const noInput = await refused({ 'deployment-file': file, 'test-input': '' });
    expect(noInput.message).toContain("'test-input' is required");
    const badRule = await refused({ 'deployment-file': file, 'compare-rules': 'error_rate < 1%' });
    expect(badRule.message).toContain("Input 'compare-rules' line 1: 'error_rate' is not a comparison figure");
    const mirror = await refused({ 'deployment-file': file, 'mirror-percent': '20' });
    expect(mirror.message).toContain("Input 'mirror-percent' applies to online endpoints; 'mnist-batch' is a batch endpoint");
  }, 60_000);
});
