/**
 * deploy on the emulator when the new deployment is bad: a model whose run() starts raising, a
 * model that gets slow, a container whose init() fails, a smoke test that fails. Each case must
 * leave the endpoint exactly as it found it — live traffic, mirror, deployments — and says so in
 * its log; each test reads the endpoint back at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { score } from '../emulator/endpoints-support.js';
import {
  armRequestsSince,
  BLUE,
  deploy,
  endpointState,
  endpointWrites,
  logMark,
  logs,
  predictions,
  primaryKey,
  QUICK,
  sampleRequest,
  sampleWorkspace,
  setupEndpoint,
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

/**
 * One endpoint for the failure cases, each of which must leave it exactly as it found it:
 * blue 80 % and teal 20 % of live traffic, 10 % mirrored to shadow.
 */
describe('rollbacks and failures leave the endpoint as it was', () => {
  const EP = 'ep-guarded';
  const PRIOR = { traffic: { blue: 80, teal: 20 }, mirror: { shadow: 10 } };
  let key: string;

  beforeAll(async () => {
    await setupEndpoint(
      em,
      ws,
      EP,
      [
        { name: 'blue', model: BLUE },
        { name: 'teal', model: BLUE },
        { name: 'shadow', model: BLUE },
      ],
      PRIOR.traffic,
      PRIOR.mirror,
    );
    key = await primaryKey(em, EP);
  });

  async function expectPrior(): Promise<void> {
    const state = await endpointState(em, EP);
    expect(state.provisioningState).toBe('Succeeded');
    expect(state.traffic).toEqual(PRIOR.traffic);
    expect(state.mirror).toEqual(PRIOR.mirror);
    expect(state.deployments.map((d) => d.name)).toEqual(['blue', 'shadow', 'teal']);
    const answer = await score(state.scoringUri!, key, sampleRequest);
    expect(answer.status).toBe(200);
    expect(['blue', 'teal']).toContain(answer.deployment);
  }

  it('a model whose run() starts raising after 8 requests: rolled back in stage 2 to the exact prior traffic and mirror, the deployment deleted', async () => {
    const file = writeDeploymentYaml(ws, 'green-raises.yml', { name: 'green-raises', endpoint: EP, env: { MODEL_FAIL_AFTER: '8' } });
    const r = await deploy({ em, workspace: ws }, { ...QUICK, endpoint: EP, 'deployment-file': file, stages: '10,50,100' });
    expect(r.main.exitCode, logs(r)).toBe(1);
    expect(r.outputs.status).toBe('rolled-back');
    const t = timelineOf(r);
    expect(t.stages.map((s) => [s.weight, s.result])).toEqual([
      [10, 'passed'],
      [50, 'failed'],
    ]);
    expect(t.stages[0]!.traffic).toEqual({ blue: 72, teal: 18, 'green-raises': 10 });
    expect(t.stages[0]!.mirror).toEqual({ shadow: 10 });
    expect(r.main.log).toMatch(/not healthy \(requests=\d+ error_rate=[1-9][\d.]*%/);
    expect(r.main.log).toContain('traffic restored and read back: blue=80 teal=20, mirror shadow=10');
    expect(r.main.log).toContain("deleted 'green-raises'");
    const error = r.main.annotations.find((a) => a.level === 'error');
    expect(error?.message).toMatch(/rollout of green-raises on ep-guarded was rolled back: health: .*error_rate/);
    expect(JSON.parse(r.outputs.traffic!)).toEqual(PRIOR);
    await expectPrior();
  });

  it('a model that gets slow: rolled back on latency_p99', async () => {
    const file = writeDeploymentYaml(ws, 'green-slow.yml', { name: 'green-slow', endpoint: EP, env: { MODEL_SLOW_AFTER: '4', MODEL_SLOW_MS: '400' } });
    const r = await deploy(
      { em, workspace: ws },
      { ...QUICK, endpoint: EP, 'deployment-file': file, strategy: 'linear', 'step-percent': '50', 'health-rules': 'error_rate < 1%\nlatency_p99 < 250' },
    );
    expect(r.main.exitCode, logs(r)).toBe(1);
    expect(r.outputs.status).toBe('rolled-back');
    const t = timelineOf(r);
    expect(t.stages.at(-1)!.result).toBe('failed');
    expect(r.main.log).toMatch(/not healthy \(.*latency_p99=\d{3,}[\d.]*ms\): failed: latency_p99 < 250 with \d{3,}/);
    expect(r.main.log).toContain('traffic restored and read back: blue=80 teal=20, mirror shadow=10');
    await expectPrior();
  });

  it("provisioning failure (init() raises): traffic untouched, the container's logs shown, the failed deployment deleted", async () => {
    const mark = await logMark(em);
    const file = writeDeploymentYaml(ws, 'green-broken.yml', {
      name: 'green-broken',
      endpoint: EP,
      env: { MODEL_INIT_FAIL: 'weights.json was written by another model version' },
    });
    const r = await deploy({ em, workspace: ws }, { ...QUICK, endpoint: EP, 'deployment-file': file });
    expect(r.main.exitCode, logs(r)).toBe(1);
    expect(r.outputs.status).toBe('failed');
    expect(r.main.log).toMatch(/provisioning failed: /);
    // The containers' log tails (getLogs), with the real traceback of init().
    const shown = /::group::Logs of green-broken \(getLogs\)\n::stop-commands::(\S+)\n([\s\S]*?)\n::\1::\n::endgroup::/.exec(r.main.log);
    expect(shown, r.main.log).not.toBeNull();
    expect(shown![2]).toContain('--- StorageInitializer ---');
    expect(shown![2]).toContain('--- InferenceServer ---');
    expect(shown![2]).toContain('Traceback (most recent call last)');
    expect(shown![2]).toContain('RuntimeError: weights.json was written by another model version');
    expect(r.main.log).toContain('traffic unchanged, read back: blue=80 teal=20, mirror shadow=10');
    expect(r.main.log).toContain("deleted 'green-broken'");
    expect(endpointWrites(await armRequestsSince(em, mark), EP)).toEqual([]);
    await expectPrior();
  });

  it('smoke test failure: no traffic ever moved (no endpoint write in the request log), the deployment deleted', async () => {
    const mark = await logMark(em);
    const file = writeDeploymentYaml(ws, 'green-smoke.yml', { name: 'green-smoke', endpoint: EP });
    // The new model answers its own predictions, not blue's.
    const r = await deploy({ em, workspace: ws }, { ...QUICK, endpoint: EP, 'deployment-file': file, 'smoke-expect': JSON.stringify(predictions(BLUE)) });
    expect(r.main.exitCode, logs(r)).toBe(1);
    expect(r.outputs.status).toBe('failed');
    expect(r.main.log).toMatch(/smoke test failed: .*HTTP 200 .*does not contain/);
    expect(timelineOf(r).stages).toEqual([]);
    const requests = await armRequestsSince(em, mark);
    expect(endpointWrites(requests, EP)).toEqual([]);
    expect(requests.filter((e) => e.method === 'DELETE').map((e) => e.path.split('/').pop())).toEqual(['green-smoke']);
    await expectPrior();
  });
});
