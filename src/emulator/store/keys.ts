/** ARM ids are case-insensitive: one canonical key per id, and the id of its collection. */

/** Canonical key of an id: lower case, no trailing slash, single leading slash. */
export function storeKey(id: string): string {
  let s = id.trim().toLowerCase();
  if (!s.startsWith('/')) s = `/${s}`;
  while (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s.replace(/\/{2,}/g, '/');
}

/** Key of the collection holding `id` (the id without its last segment). */
export function parentKey(id: string): string {
  const key = storeKey(id);
  const i = key.lastIndexOf('/');
  return i <= 0 ? '/' : key.slice(0, i);
}

/** Segments of a canonical key (without the empty first one). */
export function keySegments(key: string): string[] {
  return storeKey(key)
    .split('/')
    .filter((s) => s.length > 0);
}
