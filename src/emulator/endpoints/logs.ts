/**
 * The two container logs of a deployment, as `getLogs` returns them: `StorageInitializer` (what
 * the emulator downloaded: model and code) and `InferenceServer` (the scoring process's own
 * stdout/stderr, plus the lines the emulator writes about starting, readiness, exits and
 * restarts). One pair of files per revision (each create or update that restarts the server).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export type ContainerType = 'StorageInitializer' | 'InferenceServer';
export const CONTAINER_TYPES: readonly ContainerType[] = ['StorageInitializer', 'InferenceServer'];

/** Largest log `getLogs` returns (the tail of a bigger file). */
const MAX_LOG_BYTES = 4 * 1024 * 1024;

export class DeploymentLogs {
  readonly storageFile: string;
  readonly serverFile: string;

  constructor(readonly dir: string) {
    this.storageFile = join(dir, 'storage-initializer.log');
    this.serverFile = join(dir, 'inference-server.log');
    mkdirSync(dirname(this.storageFile), { recursive: true });
  }

  file(type: ContainerType): string {
    return type === 'StorageInitializer' ? this.storageFile : this.serverFile;
  }

  /** An emulator line (timestamped) in one of the logs; synchronous so lines keep their order with the process's own. */
  line(type: ContainerType, text: string): void {
    const stamp = new Date().toISOString();
    const lines = text.split(/\r?\n/).map((l) => `${stamp} ${l}`);
    try {
      appendFileSync(this.file(type), lines.join('\n') + '\n', 'utf8');
    } catch {
      // the folder was removed (deployment deleted): nothing to log to
    }
  }
}

/** The last `tail` lines of a log (all of it when `tail` is absent or not positive). */
export async function readLog(file: string | undefined, tail?: number | null): Promise<string> {
  if (!file) return '';
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, MAX_LOG_BYTES);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    let text = buf.toString('utf8');
    if (len < size) text = text.slice(text.indexOf('\n') + 1);
    if (tail === undefined || tail === null || tail <= 0) return text;
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-tail).join('\n') + (lines.length ? '\n' : '');
  } finally {
    await fh.close();
  }
}
