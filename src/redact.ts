/** Keys whose values are credentials (docs/BEHAVIOUR.md §5), in every spelling we meet. */
const SECRET_KEYS = new Set(['password', 'auth', 'identitytoken', 'registrytoken']);

/** What a credential is replaced with. */
export const REDACTED = '<redacted>';

/** Whether a key names a credential (case-insensitive: `password`, `auth`, `identityToken`, `registryToken`). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase());
}

/** Whether a value under a credential's key holds anything (an empty string, null or undefined shows nothing). */
const holds = (v: unknown): boolean => v !== '' && v !== null && v !== undefined;

/**
 * A deep copy of plain data with every non-empty credential replaced by `<redacted>`, at any depth: a value
 * under a credential's key is replaced whole, whatever its type (a nested object or list is no way round).
 * Functions are left out.
 */
export function redact<T>(value: T, seen = new WeakSet<object>()): T {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]' as T;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, seen)) as T;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'function') continue;
    out[key] = isSecretKey(key) && holds(v) ? REDACTED : redact(v, seen);
  }
  return out as T;
}
