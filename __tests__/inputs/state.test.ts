import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  StateKeys,
  actionsStateStore,
  createPostState,
  jsonStateKey,
  memoryStateStore,
  type RolloutState,
  type SubmittedJobState,
} from '../../src/core/state.js';

const workspace = { subscriptionId: 'sub', resourceGroup: 'rg', workspaceName: 'ws' };

describe('post state', () => {
  it('round-trips a submitted job and a rollout', () => {
    const store = memoryStateStore();
    const main = createPostState(store);
    const job: SubmittedJobState = { workspace, jobName: 'train-123-1', settled: false };
    const rollout: RolloutState = {
      workspace,
      endpointName: 'ep',
      priorTraffic: { blue: 100 },
      priorMirrorTraffic: {},
      deploymentName: 'green',
      settled: false,
      machine: { phase: 'Progressing', weight: 10 },
    };
    main.saveSubmittedJob(job);
    main.saveRollout(rollout);

    const post = createPostState(store);
    expect(post.loadSubmittedJob()).toEqual(job);
    expect(post.loadRollout()).toEqual(rollout);
    post.clear(StateKeys.submittedJob);
    expect(post.loadSubmittedJob()).toBeUndefined();
  });

  it('reads unreadable, other-version or wrongly shaped state as absent', () => {
    const store = memoryStateStore({
      [StateKeys.submittedJob.name]: 'not json',
      [StateKeys.rollout.name]: JSON.stringify({ v: 99, value: {} }),
    });
    const post = createPostState(store);
    expect(post.loadSubmittedJob()).toBeUndefined();
    expect(post.loadRollout()).toBeUndefined();
    store.save(StateKeys.rollout.name, JSON.stringify({ v: 1, value: { workspace, endpointName: 'ep', priorTraffic: { blue: 'x' }, settled: false } }));
    expect(post.loadRollout()).toBeUndefined();
  });

  it('isPost is false until main marked it', () => {
    const store = memoryStateStore();
    expect(createPostState(store).isPost()).toBe(false);
    createPostState(store).markMain();
    expect(createPostState(store).isPost()).toBe(true);
  });

  it('custom keys validate their shape', () => {
    const key = jsonStateKey('n', (v): v is number => typeof v === 'number');
    const state = createPostState(memoryStateStore());
    state.save(key, 5);
    expect(state.load(key)).toBe(5);
    expect(key.decode(JSON.stringify({ v: 1, value: 'five' }))).toBeUndefined();
  });

  it('goes through GITHUB_STATE with @actions/core and comes back as STATE_<name>', () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-'));
    const file = join(dir, 'state');
    writeFileSync(file, '');
    const previous = process.env.GITHUB_STATE;
    process.env.GITHUB_STATE = file;
    try {
      const job: SubmittedJobState = { workspace, jobName: 'j1', settled: true };
      createPostState(actionsStateStore).saveSubmittedJob(job);
      // The runner turns `name<<delimiter\nvalue\ndelimiter` into STATE_name for the post step.
      const text = readFileSync(file, 'utf8');
      const match = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/m.exec(text);
      expect(match?.[1]).toBe(StateKeys.submittedJob.name);
      process.env[`STATE_${match![1]}`] = match![3];
      expect(createPostState(actionsStateStore).loadSubmittedJob()).toEqual(job);
    } finally {
      delete process.env[`STATE_${StateKeys.submittedJob.name}`];
      if (previous === undefined) delete process.env.GITHUB_STATE;
      else process.env.GITHUB_STATE = previous;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
