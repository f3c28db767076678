#!/usr/bin/env node
// Bundles the CLI (bin/docker-resource.ts) into dist/bundle/: one ESM file holds everything a hook
// needs at start-up, so Node reads and links one module instead of about a hundred (docs/PERFORMANCE.md).
// Dynamic imports (execa on the first spawn, the orchestrator, the snapshot and graph commands) become
// chunks beside it, loaded only on the paths that use them. @statelyai/inspect (and its ws) stays
// external: it is a dependency, loaded from node_modules by `--inspect` alone.
// Runs after tsc in `npm run build` (tsc emits the library only; the CLI ships as this bundle).
// It also ships the fake hook tools (test/fixtures/bin) as dist/fake-juju, for `docker-resource demo`.
import { build } from 'esbuild';
import { cp, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;

await rm(outdir, { recursive: true, force: true });
await rm(`${root}dist/fake-juju`, { recursive: true, force: true });
await cp(`${root}test/fixtures/bin`, `${root}dist/fake-juju`, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { 'docker-resource': 'bin/docker-resource.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  sourcemap: 'linked',
  external: ['@statelyai/inspect'],
  // execa's CommonJS dependencies (cross-spawn…) call require() for Node's built-ins: give them one.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
