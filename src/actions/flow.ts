/** Entry of the root action (the whole flow; main and post: the runner calls this bundle for both). */
import { actionsInputSource } from '../core/inputs.js';
import { cancellationSignal, runAction, runPost } from '../core/runner.js';
import { createPostState } from '../core/state.js';
import { flowMain, flowPost } from '../runs/flow.js';

const state = createPostState();

if (state.isPost()) {
  await runPost('azureml-actions', () => flowPost({ source: actionsInputSource, state }));
} else {
  const abortSignal = cancellationSignal();
  await runAction('azureml-actions', async () => {
    await flowMain({ source: actionsInputSource, state, abortSignal });
  }, { state });
}
