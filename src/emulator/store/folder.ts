/**
 * A `ResourceStore` in a folder: one JSON file per resource, laid out like the ARM id
 * (`<dir>/subscriptions/<sub>/resourcegroups/<rg>/.../jobs/<name>.json`, lower case), written
 * atomically (temp file + rename), so a second `npm start` sees the first run's resources and a
 * person can read them.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResourceStore } from '../types.js';
import { readJsonFile } from '../json-file.js';
import { keySegments, storeKey } from './keys.js';
import { KeyedLock } from './lock.js';

const SUFFIX = '.json';

/** File-name-safe form of one id segment (reversible; never `.`/`..`, never hidden). */
function encodeSegment(seg: string): string {
  const e = encodeURIComponent(seg).replace(/\*/g, '%2A');
  return e.startsWith('.') ? `%2E${e.slice(1)}` : e;
}

function decodeSegment(name: string): string {
  return decodeURIComponent(name);
}

export class FolderResourceStore implements ResourceStore {
  private readonly locks = new KeyedLock();

  constructor(readonly dir: string) {}

  private dirOf(collectionKey: string): string {
    return join(this.dir, ...keySegments(collectionKey).map(encodeSegment));
  }

  private fileOf(id: string): string {
    const segs = keySegments(storeKey(id));
    if (segs.length === 0) throw new TypeError(`store: '${id}' is not a resource id`);
    const last = segs.pop()!;
    return join(this.dir, ...segs.map(encodeSegment), encodeSegment(last) + SUFFIX);
  }

  async get<T>(id: string): Promise<T | undefined> {
    return readJsonFile<T>(this.fileOf(id), 'store');
  }

  async put<T>(id: string, value: T): Promise<void> {
    if (value === undefined) throw new TypeError(`store.put('${id}'): value must not be undefined`);
    const file = this.fileOf(id);
    const dir = join(file, '..');
    await mkdir(dir, { recursive: true });
    const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await writeFile(tmp, JSON.stringify(value, null, 2) + '\n', 'utf8');
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async delete(id: string): Promise<boolean> {
    try {
      await unlink(this.fileOf(id));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  async list<T>(collectionId: string): Promise<T[]> {
    const dir = this.dirOf(storeKey(collectionId));
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw err;
    }
    const out: T[] = [];
    for (const name of names.sort()) {
      if (!name.endsWith(SUFFIX)) continue;
      const id = `${storeKey(collectionId)}/${decodeSegment(name.slice(0, -SUFFIX.length))}`;
      const value = await this.get<T>(id);
      if (value !== undefined) out.push(value);
    }
    return out;
  }

  withLock<R>(id: string, fn: () => Promise<R>): Promise<R> {
    return this.locks.withLock(storeKey(id), fn);
  }
}
