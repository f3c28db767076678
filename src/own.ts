/**
 * Lookups keyed by outside text (resource names from metadata, saved state, the command line)
 * that see only a record's own keys: a resource may be named `constructor` or `toString`.
 */

/** The value stored under `key` in `record` itself, never one inherited from `Object.prototype`. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Whether `value` is a plain record (an object, not an array or null): what JSON and YAML mappings read as. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The record `text` holds as JSON, or `undefined` when it is not JSON or not a record (the reason is the caller's). */
export function jsonRecord(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isRecord(value) ? value : undefined;
}
