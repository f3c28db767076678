#!/usr/bin/env node
/** The `docker-resource` executable: runs the CLI and exits with its code as soon as its work is done. */
import { main } from '../src/cli.js';

const code = await main(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
process.exitCode = code;
// Exit once the output is flushed, whatever else would keep Node alive (a timer, a stray handle):
// a hook must end when its work is done.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
