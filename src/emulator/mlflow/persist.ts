/**
 * Small write-behind file writer for the tracking store: JSON snapshots are written atomically
 * (temp file + rename) and coalesced (only the newest snapshot of a file is written), appends
 * are batched; each file has at most one write in flight. `flush()` waits for everything.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

type Pending = { json?: () => unknown; append: string[] };

export class WriteBehind {
  private readonly pending = new Map<string, Pending>();
  private readonly active = new Map<string, Promise<void>>();
  private readonly madeDirs = new Set<string>();
  private failures = 0;

  constructor(private readonly onError: (err: unknown, file: string) => void = defaultOnError) {}

  /** Write `produce()` to `file` (as JSON) soon; later calls before the write replace earlier ones. */
  writeJson(file: string, produce: () => unknown): void {
    this.slot(file).json = produce;
    this.kick(file);
  }

  /** Append `text` to `file` soon, after anything appended before. */
  append(file: string, text: string): void {
    this.slot(file).append.push(text);
    this.kick(file);
  }

  /** Resolves when every write requested so far has reached the disk. */
  async flush(): Promise<void> {
    while (this.active.size > 0) {
      await Promise.all([...this.active.values()]);
    }
  }

  get failureCount(): number {
    return this.failures;
  }

  private slot(file: string): Pending {
    let p = this.pending.get(file);
    if (!p) {
      p = { append: [] };
      this.pending.set(file, p);
    }
    return p;
  }

  private kick(file: string): void {
    if (this.active.has(file)) return;
    const run = (async () => {
      try {
        for (;;) {
          const job = this.pending.get(file);
          if (!job) break;
          this.pending.delete(file);
          await this.ensureDir(dirname(file));
          if (job.append.length > 0) await appendFile(file, job.append.join(''), 'utf8');
          if (job.json) await writeAtomic(file, JSON.stringify(job.json()));
        }
      } catch (err) {
        this.failures++;
        this.pending.delete(file);
        this.onError(err, file);
      } finally {
        this.active.delete(file);
      }
    })();
    this.active.set(file, run);
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.madeDirs.add(dir);
  }
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

function defaultOnError(err: unknown, file: string): void {
  process.stderr.write(`azureml emulator: could not write tracking state ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
}
