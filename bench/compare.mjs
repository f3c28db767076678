#!/usr/bin/env node
// Compares two runs of bench/run.mjs saved with --out, case by case (the ratios to the floor are
// what carries from one run to the other; the milliseconds move with the machine's load).
//
//   node bench/run.mjs --out before.json --cli /path/to/main/dist/bundle/docker-resource.js
//   node bench/run.mjs --out after.json
//   node bench/compare.mjs before.json after.json
import { readFileSync } from 'node:fs';
import { median, table } from './stats.mjs';

const [a, b] = process.argv.slice(2).map((file) => JSON.parse(readFileSync(file, 'utf8')));
if (!a || !b) {
  console.error('usage: node bench/compare.mjs BEFORE.json AFTER.json');
  process.exit(2);
}
const f = (x, d = 2) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d));
const both = (r, s, get, d) => `${f(r && get(r), d)} → ${f(s && get(s), d)}`;
const ids = [...new Set([...a.results, ...b.results].map((r) => r.id))];
console.log(`before: ${a.cli} (load ${a.machine.loadBefore.map((x) => f(x)).join(' ')})`);
console.log(`after:  ${b.cli} (load ${b.machine.loadBefore.map((x) => f(x)).join(' ')})\n`);
console.log(
  table(
    ['case', 'vs', 'wall ×', 'CPU ×', 'hook wall ms', 'hook CPU ms', 'hook RSS MB', 'tools'],
    ids.map((id) => {
      const r = a.results.find((x) => x.id === id);
      const s = b.results.find((x) => x.id === id);
      return [
        id,
        (r ?? s).base === 'node' ? "node -e ''" : 'floor',
        both(r, s, (x) => median(x.ratio.wall)),
        both(r, s, (x) => median(x.ratio.cpu)),
        both(r, s, (x) => median(x.measured.wallMs), 0),
        both(r, s, (x) => median(x.measured.cpuMs), 0),
        both(r, s, (x) => median(x.measured.rssMb), 1),
        `${r ? r.measured.tools.join('|') : '–'} → ${s ? s.measured.tools.join('|') : '–'}`,
      ];
    }),
  ),
);
