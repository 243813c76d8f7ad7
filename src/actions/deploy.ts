/** Entry of the deploy action (main and post: the runner calls this bundle for both). */
import { createInputReader } from '../core/inputs.js';
import { runAction, runPost } from '../core/runner.js';
import { createPostState } from '../core/state.js';
import { deployMain, deployPost } from '../runs/deploy.js';

const state = createPostState();
const reader = createInputReader();
const abort = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort(new Error(`received ${signal}: the workflow was cancelled`)));

if (state.isPost()) {
  await runPost('deploy', () => deployPost({ reader, state }));
} else {
  await runAction('deploy', async () => {
    await deployMain({ reader, state, abortSignal: abort.signal });
  }, { state });
}
