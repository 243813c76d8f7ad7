/** Entry of the register-model action. */
import { runEntry } from '../core/runner.js';
import { registerModelMain } from '../runs/register-model.js';

await runEntry({ name: 'register-model', main: registerModelMain });
