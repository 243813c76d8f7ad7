/** Entry of the deploy action (main and post: the runner calls this bundle for both). */
import { runEntry } from '../core/runner.js';
import { deployMain, deployPost } from '../runs/deploy.js';

await runEntry({ name: 'deploy', main: deployMain, post: deployPost });
