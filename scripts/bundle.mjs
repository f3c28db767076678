#!/usr/bin/env node
// Bundles the CLI (bin/docker-resource.ts) into dist/bundle/: one ESM file holds everything a hook
// needs at start-up, so Node reads and links one module instead of about a hundred (docs/PERFORMANCE.md).
// Dynamic imports (execa on the first spawn, the orchestrator, the snapshot and graph commands) become
// chunks beside it, loaded only on the paths that use them. @statelyai/inspect (and its ws) stays
// external: it is a dependency, loaded from node_modules by `--inspect` alone.
// Runs after tsc in `npm run build` (tsc emits the library only; the CLI ships as this bundle).
// It also ships the fake hook tools (test/fixtures/bin) as dist/fake-juju, for `docker-resource demo`.
import { build } from 'esbuild';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BANNER = "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";
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
  banner: { js: BANNER },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});

// esbuild puts the banner in every file, but only the files that call require() need it. Elsewhere it is
// taken out (its line left empty, so the source maps still match): each createRequire() runs
// fileURLToPath(), and with a dozen chunks on an idle hook's path those calls made V8 optimise Node's
// URL code with TurboFan on every hook (about 40 ms of CPU and 4 MB of RSS).
for (const file of await readdir(outdir, { recursive: true })) {
  if (!file.endsWith('.js')) continue;
  const path = join(outdir, file);
  const text = await readFile(path, 'utf8');
  const at = text.indexOf(BANNER);
  if (at === -1 || /\brequire\b/.test(text.slice(at + BANNER.length))) continue;
  await writeFile(path, text.slice(0, at) + text.slice(at + BANNER.length));
}
