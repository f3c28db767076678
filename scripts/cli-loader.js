#!/usr/bin/env node
// The docker-resource command. It compiles the CLI (docker-resource.cjs beside it, one file) with V8's
// code cache, kept beside it (docker-resource.cjs.cache): each hook is a fresh process, and one that
// starts from the cache skips compiling what an earlier one compiled. The first run writes the cache with
// what it compiled (on a unit, the install hook: fetching included); a cache this Node rejects (another
// version or flags) is written again. One that cannot be written is skipped, silently: it only saves time.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const fs = require('fs'); // require(), not import: an ES module namespace of node:fs loads the stream modules
const path = require('path');
const { Script } = require('vm');
const { wrap } = require('module');
const dir = path.dirname(require('url').fileURLToPath(import.meta.url));
const file = path.join(dir, './docker-resource.cjs');
const cacheFile = `${file}.cache`;

let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  // no cache yet
}
const script = new Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file, ...(cachedData ? { cachedData } : {}) });
if (cachedData === undefined || script.cachedDataRejected) {
  process.once('exit', () => {
    const temp = `${cacheFile}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(temp, script.createCachedData());
      fs.renameSync(temp, cacheFile);
    } catch {
      try {
        fs.unlinkSync(temp);
      } catch {
        // nothing was written
      }
    }
  });
}

const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, dir);
