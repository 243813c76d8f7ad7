/** Entry of the pr-summary action. */
import { createInputReader } from '../core/inputs.js';
import { runAction } from '../core/runner.js';
import { prSummaryMain } from '../runs/pr-summary.js';

const reader = createInputReader();

await runAction('pr-summary', async () => {
  await prSummaryMain({ reader });
});
