/**
 * A monitor deploy pointed at the deployment it promoted (ledger entry `monitor`) shows on that
 * rollout in the PR comment: created, or moved from the deployment it watched before.
 */
import { describe, expect, it } from 'vitest';
import { collectReportData } from '../../src/report/data.js';
import { renderRollout } from '../../src/report/rollout.js';
import { rolloutEntry, throughJson } from './fixtures.js';

describe('a rollout with its monitor', () => {
  it('attaches the monitor entry to the rollout of the same endpoint and deployment', async () => {
    const ledger = throughJson([
      await rolloutEntry(),
      {
        kind: 'monitor' as const,
        action: 'deploy',
        name: 'iris-drift',
        endpoint: 'iris-endpoint',
        deployment: 'green',
        previousDeployment: 'blue',
        created: false,
        signals: ['data-drift-signal', 'data-quality-signal'],
      },
      { kind: 'monitor' as const, action: 'deploy', name: 'elsewhere', endpoint: 'other-endpoint', deployment: 'green', created: true, signals: [] },
    ]);
    const data = collectReportData(ledger);
    expect(data.rollouts).toHaveLength(1);
    expect(data.rollouts[0].monitor).toEqual({
      name: 'iris-drift',
      signals: ['data-drift-signal', 'data-quality-signal'],
      created: false,
      previousDeployment: 'blue',
    });
    expect(renderRollout(data.rollouts[0])).toMatch(
      /📈 Monitored by <code>iris-drift<\/code> \(moved from <code>blue<\/code>\): <code>data-drift-signal<\/code>, <code>data-quality-signal<\/code>/,
    );
  });
});
