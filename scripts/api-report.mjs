#!/usr/bin/env node
// Checks the public API against the reports committed in etc/ (API Extractor), for both entry points:
// "docker-resource" (api-extractor.json) and "docker-resource/testing" (etc/api-extractor.testing.json).
// Fails on a type the API uses that the package does not export (ae-forgotten-export), or on an API
// change that the committed report does not show yet. Reads dist/ (run `npm run build` first).
// A type that "docker-resource/testing" uses may be exported by "docker-resource" instead.
//   node scripts/api-report.mjs            # check (npm test)
//   node scripts/api-report.mjs --update   # write the reports to etc/ (npm run api); review the diff
import { CompilerState, Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const update = process.argv.includes('--update');
const rel = (path) => path.slice(root.length);

if (!existsSync(`${root}dist/src/index.d.ts`)) {
  console.error('api-report: dist/src/index.d.ts is missing: run `npm run build` first');
  process.exit(1);
}
const main = ExtractorConfig.loadFileAndPrepare(`${root}api-extractor.json`);
const testing = ExtractorConfig.loadFileAndPrepare(`${root}etc/api-extractor.testing.json`);
// One TypeScript program for both entry points: half the time of two.
const compilerState = CompilerState.create(main, { additionalEntryPoints: [testing.mainEntryPointFilePath] });

/** The names the main entry point exports, read from its declarations. */
function mainExports() {
  const program = compilerState.program;
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(main.mainEntryPointFilePath);
  const symbol = file && checker.getSymbolAtLocation(file);
  return new Set(symbol ? checker.getExportsOfModule(symbol).map((s) => s.name) : []);
}

let failed = false;
for (const [name, config, exportedElsewhere] of [
  ['docker-resource', main, new Set()],
  ['docker-resource/testing', testing, mainExports()],
]) {
  const result = Extractor.invoke(config, {
    localBuild: update,
    compilerState,
    messageCallback: (message) => {
      // This script says what happened to the report itself, and AE's banner is noise here.
      if (/^console-(api-report|compiler-version-notice|preamble)/.test(message.messageId)) message.logLevel = 'none';
      const forgotten = message.messageId === 'ae-forgotten-export' && /The symbol "([^"]+)"/.exec(message.text)?.[1];
      if (forgotten && exportedElsewhere.has(forgotten)) message.logLevel = 'none';
    },
  });
  if (result.errorCount === 0 && result.warningCount === 0 && (update || !result.apiReportChanged)) {
    console.log(`api-report: ${name}: ${update && result.apiReportChanged ? 'updated' : 'matches'} ${rel(config.reportFilePath)}`);
    continue;
  }
  failed = true;
  if (result.apiReportChanged && !update)
    console.error(`api-report: ${name}: the API differs from ${rel(config.reportFilePath)}: run \`npm run api\`, review the diff and commit it`);
  console.error(`api-report: ${name}: ${result.errorCount} error(s), ${result.warningCount} warning(s)`);
}
process.exit(failed ? 1 : 0);
