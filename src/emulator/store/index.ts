/** Picks the resource store when the server is built: a folder when given, else memory. */
import type { ResourceStore } from '../types.js';
import { FolderResourceStore } from './folder.js';
import { MemoryResourceStore } from './memory.js';

export { FolderResourceStore } from './folder.js';
export { MemoryResourceStore } from './memory.js';
export { KeyedLock } from './lock.js';
export { parentKey, storeKey } from './keys.js';

export function createResourceStore(folder?: string): ResourceStore {
  return folder ? new FolderResourceStore(folder) : new MemoryResourceStore();
}
