/** Entry of the submit-job action (main and post: the runner calls this bundle for both). */
import { runEntry } from '../core/runner.js';
import { submitJobMain, submitJobPost } from '../runs/submit-job.js';

await runEntry({ name: 'submit-job', main: submitJobMain, post: submitJobPost });
