#!/usr/bin/env node
/** The `docker-resource` executable: runs the CLI and exits with its code. */
import { main } from '../src/cli.js';

const code = await main(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
process.exitCode = code;
