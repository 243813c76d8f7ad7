/** Entry of the pr-summary action. */
import { runEntry } from '../core/runner.js';
import { prSummaryMain } from '../runs/pr-summary.js';

await runEntry({ name: 'pr-summary', main: prSummaryMain });
