#!/usr/bin/env node
// The floors under the hook's misses (issue 15): what the packages the hook must use cost to load, and
// what reading its own state costs, each against bare `node -e ''` in the same run.
//
//   node bench/floors.mjs                 # 21 pairs per case, ≈ 1 min (it first makes an N = 1000 state)
//   node bench/floors.mjs --pairs 41 --cli /other/dist/bundle/docker-resource.js
//
// Cases (each a fresh `node` process, paired A B A B … with `node -e ''`, after one warm-up pair):
//   load execa, XState, js-yaml   compile and run the three files of the built bundle from their code
//                                 caches (as the bin does) and nothing else; then each one alone
//   read the state, N = 1000      readFileSync + JSON.parse of the state one install of 1000 resources
//                                 left: what an idle hook cannot do without, before validating it
// It prints the medians of the per-pair ratios, wall and CPU (whole process, bench/stopwatch.mjs).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeCharm } from './charm.mjs';
import { median, progress, progressDone, quantile, table } from './stats.mjs';
import { startStopwatch } from './stopwatch.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: opts } = parseArgs({ options: { pairs: { type: 'string' }, cli: { type: 'string' } } });
const pairs = Number(opts.pairs ?? 21);
const cli = opts.cli === undefined ? `${ROOT}dist/bundle/docker-resource.js` : resolve(opts.cli);
const bundle = dirname(cli);

const work = mkdtempSync(join(tmpdir(), 'docker-resource-floors-'));
const watch = startStopwatch();
const charm = makeCharm(1000);
try {
  // The caches are what the bin wrote; an install writes them all (and leaves the state to read).
  const install = await watch.run([process.execPath, cli, 'hook'], { env: charm.env('install', 0), cwd: charm.charmDir });
  if (install.exitCode !== 0) throw new Error(`the install that makes the state failed: ${install.stderr}`);
  for (const name of ['execa', 'xstate', 'js-yaml'])
    if (!existsSync(join(bundle, `${name}.cjs.cache`))) throw new Error(`${bundle} has no ${name}.cjs.cache: build with npm run build`);

  const loader = (names) => {
    const file = join(work, `load-${names.join('-')}.cjs`);
    writeFileSync(
      file,
      `const fs = require('fs'), { Script } = require('vm'), { wrap } = require('module');
for (const name of ${JSON.stringify(names)}) {
  const file = ${JSON.stringify(bundle)} + '/' + name + '.cjs';
  const script = new Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData: fs.readFileSync(file + '.cache') });
  if (script.cachedDataRejected) throw new Error(name + ': code cache rejected');
  const m = { exports: {} };
  script.runInThisContext()(m.exports, require, m, file, ${JSON.stringify(bundle)});
}
`,
    );
    return [process.execPath, file];
  };
  const stateFile = join(charm.charmDir, '.docker-resource', 'state.json');
  const readState = join(work, 'read-state.cjs');
  writeFileSync(readState, `JSON.parse(require('fs').readFileSync(${JSON.stringify(stateFile)}, 'utf8'));\n`);

  const cases = [
    ['load execa, XState, js-yaml', loader(['execa', 'xstate', 'js-yaml'])],
    ['load execa', loader(['execa'])],
    ['load XState', loader(['xstate'])],
    ['load js-yaml', loader(['js-yaml'])],
    [`read the state, N = 1000 (${charm.stateBytes()} B)`, [process.execPath, readState]],
  ];
  const rows = [];
  for (const [label, argv] of cases) {
    const wall = [];
    const cpu = [];
    const ms = { base: [], it: [] };
    for (let i = 0; i <= pairs; i++) {
      progress(`${label}: pair ${i}/${pairs}`);
      const base = await watch.run([process.execPath, '-e', ''], { env: { PATH: process.env['PATH'] }, cwd: work });
      const it = await watch.run(argv, { env: { PATH: process.env['PATH'] }, cwd: work });
      if (it.exitCode !== 0) throw new Error(`${label} failed: ${it.stderr}`);
      if (i === 0) continue; // warm-up
      wall.push(it.wallMs / base.wallMs);
      cpu.push(it.cpuMs / base.cpuMs);
      ms.base.push(base.wallMs);
      ms.it.push(it.wallMs);
    }
    progressDone();
    const f = (xs) => `${median(xs).toFixed(2)} (${quantile(xs, 0.25).toFixed(2)}–${quantile(xs, 0.75).toFixed(2)})`;
    rows.push([label, String(pairs), `${median(ms.base).toFixed(0)} / ${median(ms.it).toFixed(0)}`, f(wall), f(cpu)]);
  }
  console.log(`floors against node -e '' (${cli}), node ${process.version}\n`);
  console.log(table(['case', 'pairs', "wall ms node -e '' / case", 'wall × (q1–q3)', 'CPU × (q1–q3)'], rows));
} finally {
  watch.close();
  charm.remove();
  rmSync(work, { recursive: true, force: true });
}
