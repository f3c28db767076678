/**
 * Defence in depth for what the report and the replay show: besides redacting credential
 * fields, every credential value found in the saved state is replaced wherever else it
 * appears (a reason, a status message, a name), so that no credential reaches the page or
 * the inspector even when it leaked into free text.
 */
import { isSecretKey, REDACTED } from '../redact.js';

/** Replaces every known credential value in a text. */
export type Scrubber = (text: string) => string;

/** The non-empty string values under credential keys (`password`, `auth`, tokens), at any depth. */
export function secretValues(data: unknown, found = new Set<string>(), depth = 0): Set<string> {
  if (depth > 20 || data === null || typeof data !== 'object') return found;
  for (const [key, value] of Object.entries(data)) {
    if (isSecretKey(key) && typeof value === 'string' && value !== '') found.add(value);
    else secretValues(value, found, depth + 1);
  }
  return found;
}

/** A scrubber for these credential values (longest first, so that one holding another goes whole). */
export function createScrubber(secrets: Iterable<string>): Scrubber {
  const list = [...new Set(secrets)].filter((s) => s !== '' && s !== REDACTED).sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const secret of list) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
}

/** A deep copy of plain data with every string scrubbed (keys included). */
export function scrubDeep<T>(value: T, scrub: Scrubber, depth = 0): T {
  if (typeof value === 'string') return scrub(value) as T;
  if (value === null || typeof value !== 'object' || depth > 20) return (typeof value === 'object' ? null : value) as T;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, scrub, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[scrub(k)] = scrubDeep(v, scrub, depth + 1);
  return out as T;
}
