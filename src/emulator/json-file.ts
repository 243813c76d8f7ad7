/** Reading the emulator's own JSON files (the folder store, the MLflow tracking store). */
import { readFile } from 'node:fs/promises';

/** The parsed file, undefined when it does not exist; an Error naming `what` and the file when it is not JSON. */
export async function readJsonFile<T>(file: string, what: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`${what}: ${file} is not valid JSON (${(err as Error).message})`, { cause: err });
  }
}
