/** Entry of the register-model action. */
import { createInputReader } from '../core/inputs.js';
import { runAction } from '../core/runner.js';
import { registerModelMain } from '../runs/register-model.js';

const reader = createInputReader();
const abort = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort(new Error(`received ${signal}`)));

await runAction('register-model', async () => {
  await registerModelMain({ reader, abortSignal: abort.signal });
});
