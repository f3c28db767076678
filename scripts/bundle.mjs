#!/usr/bin/env node
// Bundles the CLI (bin/docker-resource.ts) into dist/bundle/docker-resource.cjs: ONE CommonJS file that
// holds every module of the command (dynamic imports become lazily initialised parts of it), so a hook
// reads one file instead of a dozen chunks. dist/bundle/docker-resource.js (the bin) compiles it with
// V8's code cache (scripts/cli-loader.js): after the first hook, later ones skip most compiling.
// Runs after tsc in `npm run build` (tsc emits the library only; the CLI ships as this bundle).
// It also ships the fake hook tools (test/fixtures/bin) as dist/fake-juju, for `docker-resource demo`.
import { build } from 'esbuild';
import { chmod, copyFile, cp, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;

await rm(outdir, { recursive: true, force: true });
await rm(`${root}dist/fake-juju`, { recursive: true, force: true });
await cp(`${root}test/fixtures/bin`, `${root}dist/fake-juju`, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: ['bin/docker-resource.ts'],
  outfile: `${outdir}/docker-resource.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  sourcemap: 'linked',
  // Dependencies that only some hooks load stay out of the file every hook reads: undici (the registry
  // probe, `verify`; 0.5 MB) and @statelyai/inspect with its ws (`--inspect`). Node requires them from
  // node_modules when they are needed (@statelyai/inspect is an ES module: require(esm), Node >= 20.19).
  external: ['@statelyai/inspect', 'undici'],
  // ... through require(), not import(): a script compiled with vm.Script has no loader for import().
  supported: { 'dynamic-import': false },
  // The modules that locate themselves (the demo's fake tools, ws for the inspector) read import.meta.url.
  define: { 'import.meta.url': '__import_meta_url' },
  banner: { js: 'var __import_meta_url=require("url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});
await copyFile(`${root}scripts/cli-loader.js`, `${outdir}/docker-resource.js`);
await chmod(`${outdir}/docker-resource.js`, 0o755);
