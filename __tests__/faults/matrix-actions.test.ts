/**
 * Fault matrix, part 1: the Azure operations of submit-job, metric-gate and register-model.
 * See matrix.ts for the rows, faults and expectations.
 */
import { afterAll, it } from 'vitest';
import { ROWS } from './matrix.js';
import { runMatrixPart } from './matrix-cases.js';
import { SCENARIOS } from './scenarios.js';
import { closeSharedAzurite } from './support.js';

afterAll(closeSharedAzurite);

it(
  'fault matrix: submit-job, metric-gate, register-model',
  async () => {
    await runMatrixPart(
      'actions',
      ROWS.filter((r) => SCENARIOS[r.scenario].action !== 'deploy'),
    );
  },
  30 * 60_000,
);
