// Small statistics and a Markdown table for the bench scripts.

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
