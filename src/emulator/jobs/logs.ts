/**
 * A job's `user_logs/std_log.txt`: uploaded to the run's artifact folder in Azurite while the job
 * runs (when it grew, every few seconds) and once more at the end; the last lines feed the error
 * message of a failed job.
 */
import { open, stat } from 'node:fs/promises';
import type { BlobIO, BlobLocation } from '../data/blob-io.js';

export const STD_LOG = 'user_logs/std_log.txt';

export class LogShipper {
  private timer: NodeJS.Timeout | undefined;
  private lastSize = -1;
  private inFlight: Promise<void> | undefined;
  private shippedOnce = false;

  constructor(
    private readonly blob: BlobIO,
    private readonly file: string,
    private readonly target: BlobLocation,
    private readonly onFirstUpload: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.ship(false), Math.max(50, intervalMs));
    this.timer.unref();
  }

  /** Upload now if the file changed (or always when `force`). */
  async ship(force: boolean): Promise<void> {
    if (this.inFlight) {
      await this.inFlight;
      if (!force) return;
    }
    this.inFlight = (async () => {
      try {
        const size = (await stat(this.file).catch(() => undefined))?.size;
        if (size === undefined) return;
        if (!force && size === this.lastSize) return;
        this.lastSize = size;
        await this.blob.uploadSnapshot(this.file, this.target, 'text/plain; charset=utf-8');
        if (!this.shippedOnce) {
          this.shippedOnce = true;
          await this.onFirstUpload();
        }
      } catch (err) {
        this.onError(err);
      }
    })();
    try {
      await this.inFlight;
    } finally {
      this.inFlight = undefined;
    }
  }

  /** Stop the timer and upload the final log. */
  async finish(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ship(true);
  }
}

/** The last `n` non-empty lines of a text file (reads at most the last 64 KiB). */
export async function tailLines(file: string, n: number): Promise<string[]> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return [];
  }
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    const lines = buf
      .toString('utf8')
      .split(/\r?\n/)
      .filter((l) => l.trim().length > 0);
    return lines.slice(-n);
  } finally {
    await fh.close();
  }
}
