/**
 * Where one of the emulator's Python scripts is (scoring_server.py, parallel_driver.py,
 * automl_trainer.py): the path `explicit` names (an environment variable's value), else the
 * repository's `rel` found above this module (also when the emulator runs from the command line
 * bundle, build/cli) or above the working directory.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function findPythonScript(rel: string, envVar: string, explicit = process.env[envVar]): string {
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`${envVar} names '${explicit}', which does not exist`);
    return explicit;
  }
  const starts: string[] = [];
  try {
    starts.push(dirname(fileURLToPath(import.meta.url)));
  } catch {
    // no file URL (bundled in an unusual way): search from the working directory only
  }
  starts.push(process.cwd());
  for (const start of starts) {
    for (let d = resolve(start); ; d = dirname(d)) {
      if (existsSync(join(d, rel))) return join(d, rel);
      if (dirname(d) === d) break;
    }
  }
  throw new Error(`cannot find ${rel} above ${starts.join(' or ')}; set ${envVar} to its path`);
}
