/**
 * The emulator's one JSON-object type and its checks. (The actions have their own in `src/core`:
 * the emulator and the client share no code.)
 */
export type Obj = Record<string, unknown>;

/** A plain JSON object (not null, not an array). */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value when it is a plain JSON object, else undefined. */
export function asObj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}
