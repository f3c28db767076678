#!/usr/bin/env node
// Bundles the CLI (bin/docker-resource.ts) into dist/bundle as CommonJS files that the bin
// (scripts/cli-loader.js, copied to dist/bundle/docker-resource.js) compiles with V8's code cache:
//   docker-resource.cjs   every module of the command (dynamic imports become lazily initialised parts of it)
//   idle-hook.cjs         the idle hook's short way (src/idle-hook.ts), which the bin asks first when the
//                         command is `hook`: a hook with nothing to do compiles this file alone
//   execa.cjs xstate.cjs js-yaml.cjs undici.cjs
//                         the large dependencies, each one file with its own dependencies, read and
//                         compiled only by a hook that needs it: execa, XState and js-yaml when it fetches,
//                         undici when it verifies (an idle hook reads idle-hook.cjs alone)
// Runs after tsc in `npm run build` (tsc emits the library only; the CLI ships as this bundle).
// It also ships the fake hook tools (test/fixtures/bin) as dist/fake-juju, for `docker-resource demo`.
import { build } from 'esbuild';
import { chmod, copyFile, cp, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;
/** The dependencies bundled into files of their own; scripts/cli-loader.js lists the same names. */
const SEPARATE = ['execa', 'xstate', 'js-yaml', 'undici'];

await rm(outdir, { recursive: true, force: true });
await rm(`${root}dist/fake-juju`, { recursive: true, force: true });
await cp(`${root}test/fixtures/bin`, `${root}dist/fake-juju`, { recursive: true });
const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  sourcemap: 'linked',
  // ... through require(), not import(): a script compiled with vm.Script has no loader for import().
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
};
await build({
  ...common,
  entryPoints: ['bin/docker-resource.ts'],
  outfile: `${outdir}/docker-resource.cjs`,
  // Dependencies that only some hooks load stay out of the file every hook reads. The SEPARATE ones are
  // required from the files beside it, through the bin. @statelyai/inspect with its ws (`--inspect`, a
  // debugging aid) is required from node_modules when asked for (an ES module: require(esm), Node >= 20.19).
  external: ['@statelyai/inspect', ...SEPARATE],
  // The modules that locate themselves (the demo's fake tools, ws for the inspector) read import.meta.url.
  define: { 'import.meta.url': '__import_meta_url' },
  banner: { js: 'var __import_meta_url=require("url").pathToFileURL(__filename).href;' },
});
await build({ ...common, entryPoints: ['src/idle-hook.ts'], outfile: `${outdir}/idle-hook.cjs` });
for (const name of SEPARATE) {
  await build({
    ...common,
    stdin: { contents: `export * from '${name}';\n`, resolveDir: root, sourcefile: `${name}.entry.js` },
    outfile: `${outdir}/${name}.cjs`,
  });
}
await copyFile(`${root}scripts/cli-loader.js`, `${outdir}/docker-resource.js`);
// The package is "type": "module"; the bin is CommonJS, so that a hook does not start the ES module loader.
await writeFile(`${outdir}/package.json`, '{ "type": "commonjs" }\n');
await chmod(`${outdir}/docker-resource.js`, 0o755);
