/** Entry of the submit-job action (main and post: the runner calls this bundle for both). */
import { createInputReader } from '../core/inputs.js';
import { runAction, runPost } from '../core/runner.js';
import { createPostState } from '../core/state.js';
import { submitJobMain, submitJobPost } from '../runs/submit-job.js';

const state = createPostState();
const reader = createInputReader();
const abort = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort(new Error(`received ${signal}`)));

if (state.isPost()) {
  await runPost('submit-job', () => submitJobPost({ reader, state }));
} else {
  await runAction('submit-job', async () => {
    await submitJobMain({ reader, state, abortSignal: abort.signal });
  }, { state });
}
