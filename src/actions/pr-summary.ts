/** Entry of the pr-summary action. */
import { createInputReader } from '../inputs/reader.js';
import { runAction } from '../inputs/runner.js';
import { prSummaryMain } from '../report/pr-summary.js';

const reader = createInputReader();

await runAction('pr-summary', async () => {
  await prSummaryMain({ reader });
});
