/** Entry of the root action (the whole flow; main and post: the runner calls this bundle for both). */
import { runEntry } from '../core/runner.js';
import { flowMain, flowPost } from '../runs/flow.js';

await runEntry({ name: 'azureml-actions', main: flowMain, post: flowPost });
