/**
 * The one bundle every entry shares (dist/shared/index.js, built by scripts/build.mjs).
 *
 * `dist/<name>/index.js` is a two-line stub that calls {@link run} with its name. `run` loads the
 * entry's module — `src/actions/<name>.ts`, or the command line (`src/cli/main.ts`) for `cli` —
 * whose evaluation runs the step. Each entry is its own chunk (`dist/shared/<id>.index.js`), and
 * code several entries use lands in chunks they share, so a step parses only what it runs.
 */

/** An entry's name as the build accepts it (the folder under actions/ and dist/). */
const ENTRY_NAME = /^[a-z][a-z0-9-]*$/;

export async function run(name: string): Promise<void> {
  if (name === 'cli') {
    await import('../cli/main.js');
    return;
  }
  if (!ENTRY_NAME.test(name) || name === 'index') {
    throw new Error(`azureml-actions: '${name}' is not an action of this bundle`);
  }
  // A context import: the bundler makes one chunk per src/actions/*.ts (this file excepted).
  await import(/* webpackInclude: /\.ts$/ */ /* webpackExclude: /index\.ts$/ */ `./${name}`);
}
