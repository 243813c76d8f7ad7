/**
 * Fault matrix, part 2: the Azure operations of deploy (ARM, LRO polling, Azure Monitor,
 * scoring). Every failed cell must leave the prior traffic on the endpoint, read back.
 * See matrix.ts for the rows, faults and expectations.
 */
import { afterAll, it } from 'vitest';
import { ROWS } from './matrix.js';
import { runMatrixPart } from './matrix-cases.js';
import { SCENARIOS } from './scenarios.js';
import { closeSharedAzurite } from './support.js';

afterAll(closeSharedAzurite);

it(
  'fault matrix: deploy',
  async () => {
    await runMatrixPart(
      'deploy',
      ROWS.filter((r) => SCENARIOS[r.scenario].action === 'deploy'),
    );
  },
  30 * 60_000,
);
