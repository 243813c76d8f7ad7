/**
 * deploy refuses bad input before anything changes: one clear `::error` naming the input (or the
 * file and line of the YAML at fault), and not one mutating ARM request (PUT, PATCH, DELETE, or a
 * POST other than reading keys, tokens and logs) in the emulator's request log. The endpoint is
 * read back unchanged at the end.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { Annotation, RunResult } from '../harness/index.js';
import {
  armRequestsSince,
  BLUE,
  deploy,
  endpointState,
  logMark,
  logs,
  mutations,
  QUICK,
  sampleWorkspace,
  setupEndpoint,
  startDeployEmulator,
  writeDeploymentYaml,
} from './deploy-support.js';

let em: RunningEmulator;
let ws: string;
const EP = 'ep-errors';
let greenFile: string;

beforeAll(async () => {
  em = await startDeployEmulator();
  ws = sampleWorkspace();
  await setupEndpoint(em, ws, EP, [{ name: 'blue', model: BLUE }], { blue: 100 });
  greenFile = writeDeploymentYaml(ws, 'green.yml', { name: 'green', endpoint: EP });
});
afterAll(async () => {
  await em?.close();
});

function write(rel: string, text: string): string {
  const p = join(ws, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  return rel;
}

/** Runs deploy, expects it refused with one error annotation and no mutating request; returns the annotation. */
async function refused(inputs: Record<string, string>): Promise<{ error: Annotation; run: RunResult }> {
  const mark = await logMark(em);
  const run = await deploy({ em, workspace: ws }, { ...QUICK, endpoint: EP, 'deployment-file': greenFile, ...inputs }, { timeoutMs: 30_000 });
  expect(run.main.exitCode, logs(run)).toBe(1);
  const errors = run.main.annotations.filter((a) => a.level === 'error');
  expect(errors, logs(run)).toHaveLength(1);
  expect(errors[0]!.properties.title).toBe('deploy: configuration error');
  expect(mutations(await armRequestsSince(em, mark)), 'no mutating ARM request').toEqual([]);
  expect(run.post?.exitCode ?? 0).toBe(0);
  const state = await endpointState(em, EP);
  expect(state.traffic).toEqual({ blue: 100 });
  expect(state.mirror).toEqual({});
  expect(state.deployments.map((d) => d.name)).toEqual(['blue']);
  return { error: errors[0]!, run };
}

describe('deploy: bad input is refused before anything changes', () => {
  it('traffic in the endpoint file that does not sum to 100: file and line', async () => {
    const file = write('deploy/ep-sum.yml', `name: ${EP}\nauth_mode: key\ntraffic:\n  blue: 90\n  green: 5\n`);
    const { error } = await refused({ endpoint: file });
    expect(error.properties, JSON.stringify(error)).toMatchObject({ file: 'deploy/ep-sum.yml', line: '3' });
    expect(error.message).toMatch(/^deploy\/ep-sum\.yml:3:\d+: 'traffic' traffic sums to 95 \(blue=90 green=5\); it must sum to 0 or 100/);
  });

  it('mirror above 50 %: the mirror-percent input, and mirror_traffic in the endpoint file', async () => {
    const byInput = await refused({ 'mirror-percent': '60' });
    expect(byInput.error.message).toMatch(/Input 'mirror-percent'.*60/);
    const file = write('deploy/ep-mirror.yml', `name: ${EP}\ntraffic:\n  blue: 100\nmirror_traffic:\n  green: 60\n`);
    const byFile = await refused({ endpoint: file });
    expect(byFile.error.properties, JSON.stringify(byFile.error)).toMatchObject({ file: 'deploy/ep-mirror.yml', line: '4' });
    expect(byFile.error.message).toContain("mirror traffic for 'green' is 60; use a whole percent from 0 to 50");
  });

  it('an unknown deployment in the endpoint file: named with its line and the deployments there are', async () => {
    const file = write('deploy/ep-unknown.yml', `name: ${EP}\ntraffic:\n  blue: 90\n  purple: 10\n`);
    const { error } = await refused({ endpoint: file });
    expect(error.properties, JSON.stringify(error)).toMatchObject({ file: 'deploy/ep-unknown.yml', line: '4' });
    expect(error.message).toContain(`'traffic.purple' 'purple' is not a deployment of endpoint ${EP} (deployments: blue)`);
  });

  it('traffic in the endpoint file that is not what the endpoint holds: the rollout moves traffic itself', async () => {
    const file = write('deploy/ep-other.yml', `name: ${EP}\ntraffic:\n  blue: 0\n  green: 100\n`);
    const { error } = await refused({ endpoint: file });
    expect(error.properties, JSON.stringify(error)).toMatchObject({ file: 'deploy/ep-other.yml', line: '2' });
    expect(error.message).toContain(`says blue=0 green=100, but endpoint ${EP} holds blue=100`);
  });

  it('a stage list that does not increase', async () => {
    const { error } = await refused({ stages: '10,50,30,100' });
    expect(error.message).toMatch(/^Input 'stages' /);
    expect(error.message).toMatch(/increasing/);
  });

  it('bake-time that is not a duration', async () => {
    const { error } = await refused({ 'bake-time': '10 minutes' });
    expect(error.message).toMatch(/^Input 'bake-time'/);
    expect(error.message).toContain("'10 minutes'");
  });

  it('a deployment file naming another endpoint: file and line', async () => {
    const file = writeDeploymentYaml(ws, 'green-other.yml', { name: 'green', endpoint: 'another-endpoint' });
    const { error } = await refused({ 'deployment-file': file });
    expect(error.properties, JSON.stringify(error)).toMatchObject({ file: 'deploy/green-other.yml', line: '3' });
    expect(error.message).toContain(`'endpoint_name' names endpoint 'another-endpoint', but this step deploys to endpoint '${EP}'`);
  });

  it("a package manifest whose sha256 is not the model's: nothing uploaded, nothing created", async () => {
    const modelDir = join(ws, 'endpoints/online/model-2/model');
    const files = ['sklearn_regression_model.pkl', 'weights.json'].map((p) => ({
      path: p,
      size: statSync(join(modelDir, p)).size,
      sha256: createHash('sha256')
        .update(readFileSync(join(modelDir, p)))
        .digest('hex'),
    }));
    files[1]!.sha256 = createHash('sha256').update('the weights that were registered').digest('hex');
    const manifest = {
      schema: 'azureml-actions/model-package@1',
      model: { name: 'model-2', type: 'custom_model', contentHash: 'sha256:0', uri: 'azureml://datastores/workspaceblobstore/paths/m/' },
      files,
      lineage: {},
    };
    const { error, run } = await refused({ manifest: JSON.stringify(manifest) });
    expect(error.message).toMatch(
      /^Input 'manifest': the model to deploy, endpoints\/online\/model-2\/model \(as it will be uploaded\), is not the packaged one: the files do not match the manifest: 1 changed \(weights\.json\)/,
    );
    expect(error.message).toContain(`where the manifest has ${files[1]!.sha256}`);
    expect(run.main.log).not.toContain('Uploading');

    // A registered model version: its files are hashed where they are stored.
    const registered = { ...manifest, files: [{ path: 'weights.json', size: 3, sha256: files[1]!.sha256 }] };
    const byVersion = await refused({ model: `azureml:${EP}-blue:1`, manifest: JSON.stringify(registered) });
    expect(byVersion.error.message).toMatch(
      /^Input 'manifest': the model to deploy, azureml:\/\/datastores\/workspaceblobstore\/paths\/prior\/ep-errors\/blue\/model\/, is not the packaged one: .*1 changed \(weights\.json\)/,
    );
  });
});
