// Small statistics, a Markdown table and the help text for the bench scripts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The q-quantile of `xs` (0 ≤ q ≤ 1), linearly interpolated. */
export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo] + (s[hi] - s[lo]) * (at - lo);
}

/** The median of `xs`. */
export const median = (xs) => quantile(xs, 0.5);

/** A Markdown table: the first column left-aligned, the others right-aligned. */
export function table(head, rows) {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row) => '| ' + row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(head), rule, ...rows.map(line)].join('\n');
}

/** Shows `text` as the current progress on a terminal (nothing elsewhere). */
export function progress(text) {
  if (process.stderr.isTTY) process.stderr.write(`\r${text}`.padEnd(100) + '\r');
}

/** Clears the progress line; then prints `line` on stderr, if given. */
export function progressDone(line) {
  if (process.stderr.isTTY) process.stderr.write(' '.repeat(100) + '\r');
  if (line) process.stderr.write(line + '\n');
}

/** Prints a bench script's help, its header comment (from the second line to its first import), and exits. */
export function printHelp(scriptUrl) {
  const text = readFileSync(fileURLToPath(scriptUrl), 'utf8').split('\n');
  process.stdout.write(text.slice(1, text.findIndex((l) => l.startsWith('import'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
  process.exit(0);
}
