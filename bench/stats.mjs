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

/** The quartiles of `xs` as the tables show them, `q1–q3`, with `d` decimals. */
export const quartiles = (xs, d = 2) => `${quantile(xs, 0.25).toFixed(d)}–${quantile(xs, 0.75).toFixed(d)}`;

/**
 * An interval for the median of what `xs` samples, from its order statistics alone (no assumption about the
 * distribution): the k-th smallest and k-th largest of n, with k the largest for which the chance that the
 * true median lies outside is at most 5 %; `confidence` is that interval's own (e.g. 98.8 % for n = 11,
 * 2nd to 10th; 97.1 % for n = 31, 10th to 22nd). Null below 6 samples, where no such interval exists.
 */
export function medianInterval(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  // With B ~ Binomial(n, 1/2) the number of samples below the true median: `tail` = P(B < k), `term` = P(B = k).
  let k = 0;
  let tail = 0;
  let term = 0.5 ** n;
  while (k < n && tail + term <= 0.025) {
    tail += term;
    term = (term * (n - k)) / (k + 1);
    k++;
  }
  if (k === 0) return null;
  return { lo: s[k - 1], hi: s[n - k], confidence: 1 - 2 * tail };
}

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
