// Preloaded with `node --import` by bench/run.mjs in one extra run of each case: on exit, writes this
// process's peak resident set size (kB) and CPU time (µs, user + system; its children not included),
// both from getrusage, to $BENCH_RSS_FILE as JSON. Timed runs do not load it.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env['BENCH_RSS_FILE'];
  const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
  if (file) writeFileSync(file, JSON.stringify({ maxRSS, cpu: userCPUTime + systemCPUTime }));
});
