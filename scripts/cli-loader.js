#!/usr/bin/env node
// The docker-resource command. It compiles the CLI (docker-resource.cjs beside it) with V8's code cache,
// kept beside it (docker-resource.cjs.cache): each hook is a fresh process, and one that starts from the
// cache skips compiling what an earlier one compiled. It first asks idle-hook.cjs whether a `hook` has
// anything to do at all, and loads nothing more when it has not. The CLI's large dependencies are files of their own
// (execa.cjs, xstate.cjs, js-yaml.cjs, undici.cjs, see scripts/bundle.mjs), compiled the same way, each
// with its own cache, when the CLI first requires them: an idle hook reads and compiles none of them.
// The first run that compiles a file writes its cache with what it compiled (on a unit, the install hook:
// fetching included); a cache this Node rejects (another version or flags) is written again. One that
// cannot be written is skipped, silently: it only saves time.
// It is CommonJS (dist/bundle/package.json says so): an ES module entry would start Node's ES module
// loader in every hook, for nothing.
'use strict';
const fs = require('fs');
const path = require('path');
const { Script } = require('vm');
const { createRequire, wrap } = require('module');

/** The dependencies bundled beside the CLI (scripts/bundle.mjs): the name the CLI requires, the file. */
const SEPARATE = new Map([
  ['execa', './execa.cjs'],
  ['xstate', './xstate.cjs'],
  ['js-yaml', './js-yaml.cjs'],
  ['undici', './undici.cjs'],
]);
const separate = new Map();

/** Compiles and runs one CommonJS file of the bundle (a path relative to this one) with its code cache; returns its exports. */
function load(relativePath) {
  const file = path.join(__dirname, relativePath);
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
  const nodeRequire = createRequire(file);
  const require = Object.assign((id) => {
    if (!SEPARATE.has(id)) return nodeRequire(id);
    if (!separate.has(id)) separate.set(id, load(SEPARATE.get(id)));
    return separate.get(id);
  }, nodeRequire);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, file, path.dirname(file));
  return module.exports;
}

// A hook with nothing to do ends here, having compiled the small idle-hook.cjs alone (src/idle-hook.ts says
// when that is known); any doubt, or a file that is not there, runs the CLI, which decides in full.
if (process.argv[2] === 'hook' && isIdleHook()) return;
load('./docker-resource.cjs');

function isIdleHook() {
  try {
    return load('./idle-hook.cjs').isIdleHook(process.argv.slice(2), process.env, process.cwd()) === true;
  } catch {
    return false;
  }
}
