/**
 * deploy, run as the runner runs it (dist bundle, INPUT_* variables, file commands, post step)
 * against the emulator's online endpoints with real scoring processes: the safe-rollout flow of
 * azureml-examples' managed/sample (a new endpoint from endpoint.yml, blue straight to 100 %, then
 * green in stages and blue deleted) and someone else changing traffic mid-rollout. Each test
 * reads the endpoint back at the end. Bad deployments: deploy-rollback.test.ts; cancellation:
 * deploy-cancel.test.ts; bad input: deploy-errors.test.ts.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { score, setTraffic } from '../emulator/endpoints-support.js';
import {
  armRequestsSince,
  BLUE,
  deploy,
  endpointState,
  endpointWrites,
  GREEN,
  logMark,
  logs,
  nonZero,
  predictions,
  primaryKey,
  QUICK,
  sampleRequest,
  sampleWorkspace,
  startDeployEmulator,
  timelineOf,
  writeDeploymentYaml,
} from './deploy-support.js';

let em: RunningEmulator;
let ws: string;

beforeAll(async () => {
  em = await startDeployEmulator();
  ws = sampleWorkspace();
});
afterAll(async () => {
  await em?.close();
});

const SAMPLE = 'endpoints/online/managed/sample';

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('the safe-rollout flow of azureml-examples managed/sample', () => {
  it('blue onto a new endpoint from endpoint.yml: created, smoke-tested, straight to 100 % (no prior traffic)', async () => {
    const modelDir = join(ws, 'endpoints/online/model-1/model');
    const files = ['sklearn_regression_model.pkl', 'weights.json'].map((p) => ({
      path: p,
      size: statSync(join(modelDir, p)).size,
      sha256: sha256(join(modelDir, p)),
    }));
    const manifest = {
      schema: 'azureml-actions/model-package@1',
      model: { name: 'model-1', type: 'custom_model', contentHash: 'sha256:0', uri: 'azureml://datastores/workspaceblobstore/paths/x/' },
      files,
      lineage: {},
    };
    const r = await deploy(
      { em, workspace: ws },
      {
        ...QUICK,
        endpoint: `${SAMPLE}/endpoint.yml`,
        'deployment-file': `${SAMPLE}/blue-deployment.yml`,
        manifest: JSON.stringify(manifest),
        'smoke-expect': JSON.stringify(predictions(BLUE)),
      },
    );
    expect(r.main.exitCode, logs(r)).toBe(0);
    expect(r.outputs.status).toBe('promoted');
    expect(r.outputs['deployment-name']).toBe('blue');
    expect(r.outputs['scoring-uri']).toBe(`${em.baseUrl}/inference/my-endpoint/score`);
    expect(JSON.parse(r.outputs.traffic!)).toEqual({ traffic: { blue: 100 }, mirror: {} });
    expect(r.main.log).toContain('Manifest of model-1: all 2 file(s) match the manifest (endpoints/online/model-1/model (as it will be uploaded))');
    expect(r.main.log).toContain('Creating endpoint my-endpoint (auth Key)');
    expect(r.main.log).toContain('no deployment takes live traffic: straight to 100 after the smoke test');
    const t = timelineOf(r);
    expect(t.stages.map((s) => [s.weight, s.result])).toEqual([[100, 'passed']]);

    const state = await endpointState(em, 'my-endpoint');
    expect(state.provisioningState).toBe('Succeeded');
    expect(state.traffic).toEqual({ blue: 100 });
    expect(state.deployments).toEqual([{ name: 'blue', provisioningState: 'Succeeded' }]);
    const answer = await score(state.scoringUri!, await primaryKey(em, 'my-endpoint'), sampleRequest);
    expect(answer.deployment).toBe('blue');
    expect(answer.body).toEqual(predictions(BLUE));
  });

  it('green: canary 10 → 50 → 100 with health checks, promoted after it really serves; blue deleted', async () => {
    const mark = await logMark(em);
    const r = await deploy(
      { em, workspace: ws },
      {
        ...QUICK,
        endpoint: 'my-endpoint',
        'deployment-file': `${SAMPLE}/green-deployment.yml`,
        stages: '10,50,100',
        'smoke-expect': JSON.stringify(predictions(GREEN)),
      },
    );
    expect(r.main.exitCode, logs(r)).toBe(0);
    expect(r.outputs.status).toBe('promoted');
    expect(r.outputs['deployment-name']).toBe('green');
    const t = timelineOf(r);
    expect(t.stages.map((s) => [s.weight, s.traffic, s.result])).toEqual([
      [10, { blue: 90, green: 10 }, 'passed'],
      [50, { blue: 50, green: 50 }, 'passed'],
      [100, { blue: 0, green: 100 }, 'passed'],
    ]);
    for (const s of t.stages) expect(s.checks.length).toBeGreaterThan(0);
    expect(r.main.log).toMatch(/Smoke test of green: .*HTTP 200/);
    expect(r.main.log).toMatch(/'green' serves 100%: requests without the deployment header were answered by green×5/);
    expect(r.main.log).toContain("deleted old deployment 'blue'");

    const state = await endpointState(em, 'my-endpoint');
    expect(nonZero(state.traffic)).toEqual({ green: 100 });
    expect(state.mirror).toEqual({});
    expect(state.deployments.map((d) => d.name)).toEqual(['green']);
    const answer = await score(state.scoringUri!, await primaryKey(em, 'my-endpoint'), sampleRequest);
    expect(answer.deployment).toBe('green');
    expect(answer.body).toEqual(predictions(GREEN));
    // Traffic moved only by whole-endpoint PUTs: 10, 50, 100.
    expect(endpointWrites(await armRequestsSince(em, mark), 'my-endpoint')).toHaveLength(3);
  });
});

describe('someone else changes traffic mid-rollout', () => {
  it('the rollout stops, overwrites nothing and reports what the endpoint holds', async () => {
    // After the sample flow, my-endpoint serves green 100 %; blue-v2 (model-1 again) rolls out.
    const file = writeDeploymentYaml(ws, 'blue-v2.yml', { name: 'blue-v2', endpoint: 'my-endpoint', model: 'endpoints/online/model-1/model' });
    const start = await logMark(em);
    const running = deploy({ em, workspace: ws }, { ...QUICK, endpoint: 'my-endpoint', 'deployment-file': file, stages: '10,50,100', 'bake-time': '4s' });
    // Someone moves traffic by hand once blue-v2 bakes at its canary share (the rollout's first
    // Azure Monitor query is in the request log).
    let ended = false;
    void running.finally(() => (ended = true));
    for (;;) {
      const seen = await armRequestsSince(em, start);
      if (seen.some((e) => e.path.endsWith('/providers/Microsoft.Insights/metrics'))) break;
      if (ended) throw new Error(`the rollout ended before its first health check:\n${logs(await running)}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(nonZero((await endpointState(em, 'my-endpoint')).traffic)).toEqual({ green: 90, 'blue-v2': 10 });
    const theirs = { green: 80, 'blue-v2': 20 };
    expect((await setTraffic(em, 'my-endpoint', theirs, {})).status).toBe('Succeeded');
    const mark = await logMark(em);
    const r = await running;
    expect(r.main.exitCode, logs(r)).toBe(1);
    expect(r.outputs.status).toBe('failed');
    expect(r.main.log).toContain(
      'traffic on the endpoint was changed by someone else (during the bake): expected blue-v2=10 green=90, found blue-v2=20 green=80. Stopped without writing anything',
    );
    // What the endpoint holds is reported, not what the rollout last wrote.
    expect(JSON.parse(r.outputs.traffic!)).toEqual({ traffic: theirs, mirror: {} });
    expect(r.main.annotations.find((a) => a.level === 'error')?.message).toMatch(/\(traffic now blue-v2=20 green=80\)$/);
    // Nothing written or deleted after their change: blue-v2 is left for whoever took over.
    expect((await armRequestsSince(em, mark)).filter((e) => e.method !== 'GET' && e.method !== 'POST')).toEqual([]);
    const state = await endpointState(em, 'my-endpoint');
    expect(state.traffic).toEqual(theirs);
    expect(state.deployments.map((d) => d.name)).toEqual(['blue-v2', 'green']);
  });
});
