/** Entry of the metric-gate action. */
import { createInputReader } from '../core/inputs.js';
import { runAction } from '../core/runner.js';
import { metricGateMain } from '../runs/metric-gate.js';

const reader = createInputReader();
const abort = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort(new Error(`received ${signal}`)));

await runAction('metric-gate', async () => {
  await metricGateMain({ reader, abortSignal: abort.signal });
});
