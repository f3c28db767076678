/** Escaping for the lifecycle page: every piece of outside text goes through {@link esc}. */

/** Control, bidirectional-override and line-separator characters: shown as `\u{1b}` instead of acting. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** A UTF-16 surrogate without its pair. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text with control characters made visible (`\u{1b}`) and lone surrogates replaced; tab and newline stay. */
export function visibleControls(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(CONTROLS, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** Outside text made safe for HTML text and double-quoted attributes alike. */
export function esc(text: string | number | boolean): string {
  return visibleControls(String(text)).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** `name="value"` pairs, escaped; attributes whose value is `undefined` or `false` are left out. */
export function attrs(values: Readonly<Record<string, string | number | boolean | undefined>>): string {
  let out = '';
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === false) continue;
    out += value === true ? ` ${name}` : ` ${name}="${esc(value)}"`;
  }
  return out;
}

/** An ISO time as `2024-05-01 12:00:00 UTC` (the page must read the same wherever it is opened). */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}
