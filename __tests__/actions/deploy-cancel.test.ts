/**
 * deploy cancelled mid-rollout, as the runner cancels a workflow: a signal to the main step while
 * a stage bakes, then the post step. SIGTERM (the runner's cancel) is caught by main, which takes
 * the rollback path itself; SIGKILL (a runner that gives up waiting, or a lost machine) leaves
 * the restore to the post step, which resumes the persisted rollout. Either way the endpoint ends
 * with its exact prior traffic and mirror and without the new deployment; each test reads it back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import {
  BLUE,
  deploy,
  endpointState,
  logs,
  QUICK,
  sampleWorkspace,
  setupEndpoint,
  startDeployEmulator,
  timelineOf,
  writeDeploymentYaml,
} from './deploy-support.js';

let em: RunningEmulator;
let ws: string;
const EP = 'ep-cancel';
const PRIOR = { traffic: { blue: 70, teal: 30 }, mirror: {} };

beforeAll(async () => {
  em = await startDeployEmulator();
  ws = sampleWorkspace();
  await setupEndpoint(
    em,
    ws,
    EP,
    [
      { name: 'blue', model: BLUE },
      { name: 'teal', model: BLUE },
    ],
    PRIOR.traffic,
  );
});
afterAll(async () => {
  await em?.close();
});

async function expectPrior(): Promise<void> {
  const state = await endpointState(em, EP);
  expect(state.provisioningState).toBe('Succeeded');
  expect(state.traffic).toEqual(PRIOR.traffic);
  expect(state.mirror).toEqual(PRIOR.mirror);
  expect(state.deployments.map((d) => d.name)).toEqual(['blue', 'teal']);
}

/** Long bakes: the signal always lands mid-stage. */
const SLOW_BAKES = { ...QUICK, 'bake-time': '20s', 'check-interval': '1s' };

describe('cancellation: signal during a stage, then the post step', () => {
  it('SIGTERM during canary stage 1: main restores the prior traffic itself, the post step has nothing left to do', async () => {
    const file = writeDeploymentYaml(ws, 'green-c1.yml', { name: 'green-c1', endpoint: EP });
    const r = await deploy(
      { em, workspace: ws },
      { ...SLOW_BAKES, endpoint: EP, 'deployment-file': file, stages: '10,50,100' },
      { signal: { pattern: /\[Progressing\] traffic .*green-c1=10\b/, signal: 'SIGTERM' } },
    );
    expect(r.main.exitCode, logs(r)).toBe(1);
    expect(r.outputs.status).toBe('rolled-back');
    expect(r.main.log).toContain('rolling back: cancelled: received SIGTERM: the workflow was cancelled');
    expect(r.main.log).toContain('traffic restored and read back: blue=70 teal=30');
    expect(timelineOf(r).stages.map((s) => [s.weight, s.result])).toEqual([[10, 'aborted']]);
    expect(r.post?.exitCode, logs(r)).toBe(0);
    expect(r.post?.log).not.toContain('restoring the prior traffic');
    await expectPrior();
  });

  it('SIGTERM during stage 2 (50 %): the prior split comes back, not the canary stage', async () => {
    const file = writeDeploymentYaml(ws, 'green-c2.yml', { name: 'green-c2', endpoint: EP });
    const r = await deploy(
      { em, workspace: ws },
      { ...QUICK, 'bake-time': '2s', endpoint: EP, 'deployment-file': file, stages: '10,50,100' },
      { signal: { pattern: /\[Progressing\] traffic .*green-c2=50\b/, signal: 'SIGTERM' } },
    );
    expect(r.main.exitCode, logs(r)).toBe(1);
    expect(r.outputs.status).toBe('rolled-back');
    expect(timelineOf(r).stages.map((s) => [s.weight, s.result])).toEqual([
      [10, 'passed'],
      [50, 'aborted'],
    ]);
    expect(r.main.log).toContain('traffic restored and read back: blue=70 teal=30');
    expect(r.post?.exitCode, logs(r)).toBe(0);
    await expectPrior();
  });

  it('SIGKILL during the mirror stage: the post step resumes the rollout and removes the mirror', async () => {
    const file = writeDeploymentYaml(ws, 'green-c3.yml', { name: 'green-c3', endpoint: EP });
    const r = await deploy(
      { em, workspace: ws },
      { ...SLOW_BAKES, endpoint: EP, 'deployment-file': file, 'mirror-percent': '20', stages: '50,100' },
      { signal: { pattern: /\[Mirroring\] traffic .*mirror green-c3=20/, signal: 'SIGKILL' } },
    );
    expect(r.main.signal, logs(r)).toBe('SIGKILL');
    expect(r.post?.exitCode, logs(r)).toBe(0);
    expect(r.post?.log).toContain('The workflow stopped during the rollout of green-c3 on ep-cancel: restoring the prior traffic.');
    expect(r.post?.log).toContain('traffic restored and read back: blue=70 teal=30');
    expect(r.post?.log).toContain("deleted 'green-c3'");
    expect(r.post?.log).toContain('Rollout rolled-back: traffic blue=70 teal=30');
    await expectPrior();
  });

  it('SIGKILL in the last stage (100 %): the post step gives blue and teal their traffic back', async () => {
    const file = writeDeploymentYaml(ws, 'green-c4.yml', { name: 'green-c4', endpoint: EP });
    const r = await deploy(
      { em, workspace: ws },
      { ...QUICK, 'bake-time': '2s', endpoint: EP, 'deployment-file': file, stages: '50,100' },
      { signal: { pattern: /\[Progressing\] traffic .*green-c4=100\b/, signal: 'SIGKILL' } },
    );
    expect(r.main.signal, logs(r)).toBe('SIGKILL');
    expect(r.post?.exitCode, logs(r)).toBe(0);
    expect(r.post?.log).toContain('traffic restored and read back: blue=70 teal=30');
    expect(r.post?.log).toContain('Rollout rolled-back: traffic blue=70 teal=30');
    await expectPrior();
  });
});
