/** Entry of the register-model action. */
import { createInputReader } from '../inputs/reader.js';
import { runAction } from '../inputs/runner.js';
import { registerModelMain } from '../models/register.js';

const reader = createInputReader();
const abort = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort(new Error(`received ${signal}`)));

await runAction('register-model', async () => {
  await registerModelMain({ reader, abortSignal: abort.signal });
});
