/** Entry of the root action (the whole flow; main and post: the runner calls this bundle for both). */
import { actionsInputSource } from '../inputs/reader.js';
import { cancellationSignal, runAction, runPost } from '../inputs/runner.js';
import { createPostState } from '../inputs/state.js';
import { flowMain, flowPost } from '../flow/run.js';

const state = createPostState();

if (state.isPost()) {
  await runPost('azureml-actions', () => flowPost({ source: actionsInputSource, state }));
} else {
  const abortSignal = cancellationSignal();
  await runAction('azureml-actions', async () => {
    await flowMain({ source: actionsInputSource, state, abortSignal });
  }, { state });
}
