/** The `docker-resource` command: runs the CLI and exits with its code as soon as its work is done. */
import { main } from '../src/cli.js';

// process.stdout and process.stderr are getters that create the stream (and load Node's stream modules) on
// first use: an idle hook that prints nothing never touches them.
const used = new Set<NodeJS.WriteStream>();
const write = (stream: () => NodeJS.WriteStream) => (text: string) => {
  const s = stream();
  used.add(s);
  s.write(text);
};

void main(process.argv.slice(2), {
  env: process.env,
  stdout: write(() => process.stdout),
  stderr: write(() => process.stderr),
}).then((code) => {
  process.exitCode = code;
  // Exit once what was written is flushed, whatever else would keep Node alive (a timer, a stray handle):
  // a hook must end when its work is done.
  let pending = used.size;
  if (pending === 0) process.exit(code);
  for (const stream of used) stream.write('', () => --pending === 0 && process.exit(code));
});
