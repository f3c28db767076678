#!/usr/bin/env node
// The docker-resource command. It compiles the CLI (docker-resource.cjs beside it, one file) with V8's
// code cache, kept beside it: each hook is a fresh process, and one that starts from the cache skips most
// compiling. The cache is written at the end of a run that found none (or one this Node rejected), and
// once more by the first run that did a hook's work (the layer actor marks it), so that it also holds
// the code of fetching, not only of an idle hook. A cache that cannot be written is skipped, silently.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const fs = require('fs'); // require(), not import: an ES module namespace of node:fs loads the stream modules
const path = require('path');
const { Script } = require('vm');
const { wrap } = require('module');
const dir = path.dirname(require('url').fileURLToPath(import.meta.url));
const file = path.join(dir, 'docker-resource.cjs');
const FULL = `${file}.cache`; // written after a hook's work
const IDLE = `${file}.idle-cache`; // written after any other run, until a full one exists
const WORKED = Symbol.for('docker-resource.code-cache.worked');

const read = (cache) => {
  try {
    return fs.readFileSync(cache);
  } catch {
    return undefined;
  }
};
const full = read(FULL);
const cachedData = full ?? read(IDLE);
const script = new Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file, ...(cachedData ? { cachedData } : {}) });

process.once('exit', () => {
  const worked = globalThis[WORKED] === true;
  const target = cachedData === undefined || script.cachedDataRejected ? (worked ? FULL : IDLE) : worked && !full ? FULL : undefined;
  if (target === undefined) return;
  const temp = `${target}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, script.createCachedData());
    fs.renameSync(temp, target);
  } catch {
    try {
      fs.unlinkSync(temp);
    } catch {
      // nothing was written
    }
  }
});

const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, dir);
