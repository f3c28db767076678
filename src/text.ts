/**
 * Text from outside (resource files, tool output, metadata, saved state) made safe to show:
 * control characters escaped before a terminal or `status-set` sees them, and lengths bounded.
 * Pure; used at the output boundaries (CLI lines, the demo, hook-tool arguments).
 */

/** The longest reason stored or shown (failure reasons, history entries), in characters. */
export const MAX_REASON_LENGTH = 1024;

/** The mark that shows where text was cut. */
const ELLIPSIS = '…';

/**
 * C0 controls (NUL, ESC, CR, LF, TAB…), DEL, C1 controls (CSI, OSC…), the Unicode line and
 * paragraph separators and the bidirectional overrides: anything that can move the cursor,
 * start an escape sequence, end a line or reorder what a reader sees.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** What JSON leaves raw inside strings but a terminal acts on (JSON.stringify escapes C0 itself). */
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: ReadonlyMap<string, string> = new Map([
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
]);

function escapeOne(c: string): string {
  const named = NAMED.get(c);
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every control character written as a visible escape (`\n`, `\x1b`, `\u202e`): one line, inert. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/** One output line: the text escaped (so it cannot forge or hide a line), then a newline. */
export function line(text: string): string {
  return escapeControl(text) + '\n';
}

/** JSON text (pretty-printed) that a terminal shows as it is: DEL, C1 and bidi controls, which JSON allows raw, escaped as `\uXXXX`. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The first line of a tool's stderr, escaped and capped: fit for a message, a reason, a terminal. */
export function firstLine(stderr: string): string {
  return cap(escapeControl(stderr.trim().split('\n', 1)[0] ?? ''));
}

/** The text cut to at most `max` characters, the cut shown by a final `…` (default {@link MAX_REASON_LENGTH}). */
export function cap(text: string, max = MAX_REASON_LENGTH): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - ELLIPSIS.length);
  // Never split a surrogate pair.
  if (end > 0 && /[\ud800-\udbff]/.test(text.charAt(end - 1))) end--;
  return text.slice(0, end) + ELLIPSIS;
}
