/**
 * Per-key mutual exclusion: `withLock(key, fn)` runs `fn` after every earlier holder of `key`
 * finished, and always releases in `finally` (a throwing `fn` never leaks the lock).
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async withLock<R>(key: string, fn: () => Promise<R>): Promise<R> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      // Forget the key when nobody queued behind us, so the map does not grow without bound.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Number of keys currently held or waited for (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
