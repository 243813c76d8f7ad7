/** A plain object read from outside (YAML, JSON, an ARM body): keys to values of unknown type. */
export type Obj = Record<string, unknown>;

/** True for a non-null object that is not an array (what YAML and JSON call a map). */
export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
