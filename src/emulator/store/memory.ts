/** A `ResourceStore` in memory: values are deep-copied in and out, so callers cannot alias state. */
import type { ResourceStore } from '../types.js';
import { parentKey, storeKey } from './keys.js';
import { KeyedLock } from './lock.js';

export class MemoryResourceStore implements ResourceStore {
  private readonly items = new Map<string, unknown>();
  private readonly locks = new KeyedLock();

  async get<T>(id: string): Promise<T | undefined> {
    const v = this.items.get(storeKey(id));
    return v === undefined ? undefined : (structuredClone(v) as T);
  }

  async put<T>(id: string, value: T): Promise<void> {
    if (value === undefined) throw new TypeError(`store.put('${id}'): value must not be undefined`);
    this.items.set(storeKey(id), structuredClone(value));
  }

  async delete(id: string): Promise<boolean> {
    return this.items.delete(storeKey(id));
  }

  async list<T>(collectionId: string): Promise<T[]> {
    const collection = storeKey(collectionId);
    const out: T[] = [];
    for (const [key, value] of this.items) {
      if (parentKey(key) === collection) out.push(structuredClone(value) as T);
    }
    return out;
  }

  withLock<R>(id: string, fn: () => Promise<R>): Promise<R> {
    return this.locks.withLock(storeKey(id), fn);
  }
}
