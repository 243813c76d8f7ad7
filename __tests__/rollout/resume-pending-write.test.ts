/**
 * A rollout process killed right after a traffic write landed, before it saw the write confirmed
 * (what SIGKILL of the deploy step can do): the persisted status holds the write as pending and
 * `written: false`. The post step's restore must undo that write, say so, and end rolled back —
 * not "traffic unchanged" and failed.
 */
import { describe, expect, it } from 'vitest';
import { createRollout, memoryStatusStore, rollbackOnCancel } from '../../src/rollout/run.js';
import { createRolloutPlan } from '../../src/rollout/strategy.js';
import { FakeEndpoint, fakeClock } from './fakes.js';

describe('resuming a rollout whose last write was never confirmed', () => {
  it('the post step restores the prior traffic over the unconfirmed mirror write and reports a rollback', async () => {
    const clock = fakeClock();
    const ep = new FakeEndpoint(clock, { traffic: { blue: 70, teal: 30 } });
    const plan = createRolloutPlan({ stages: '50,100', mirrorPercent: 20, bakeTime: '60s', checkInterval: '20s' });
    const store = memoryStatusStore();
    const rollout = await createRollout(plan, ep.providers(), { deployment: 'green', clock, store });
    // Tick until the tick that entered Mirroring has run its write: the endpoint mirrors, the
    // saved status (saved before the write ran) still shows it pending.
    while (rollout.status.phase !== 'Mirroring') await rollout.tick();
    expect(ep.state).toEqual({ traffic: { blue: 70, teal: 30 }, mirror: { green: 20 } });
    const saved = store.current!;
    expect(saved.written).toBe(false);
    expect(saved.pendingWrite).toEqual({ traffic: { blue: 70, teal: 30 }, mirror: { green: 20 } });

    // The process dies here; the post step resumes from the saved status.
    const result = await rollbackOnCancel(plan, ep.providers(), { store: memoryStatusStore(saved), clock });
    expect(result?.outcome).toBe('rolled-back');
    expect(ep.state).toEqual({ traffic: { blue: 70, teal: 30 }, mirror: {} });
    expect(ep.deleted).toEqual(['green']);
    const messages = result!.timeline.events.map((e) => e.message);
    expect(messages).toContain('traffic restored and read back: blue=70 teal=30');
    expect(messages.some((m) => m.startsWith('traffic unchanged'))).toBe(false);
    expect(result!.traffic).toEqual({ traffic: { blue: 70, teal: 30 }, mirror: {} });
  });
});
