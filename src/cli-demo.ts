/** The `docker-resource demo` command: a charm's life on a simulated Juju. */
import { HELP, noPositionals, type CliIO, type Command } from './cli-options.js';

/** The demo command; `main` runs the read-only commands the demo shows. */
export function demoCommand(main: (argv: readonly string[], io: CliIO) => Promise<number>): Command {
  return {
    summary: "a charm's life on a simulated Juju, with no set-up",
    synopsis: '[options]',
    description: `Runs a charm with two oci-image resources through install, update-status and
upgrade-charm on a simulated Juju (fake hook tools, spawned by the real
adapter) and prints what each hook did. What it writes is left in a temporary
directory for you to explore with the other commands; it prints how to remove it.`,
    options: { clean: { type: 'boolean', help: 'remove what it wrote at the end' }, ...HELP },
    run: async (values, positionals, io) => {
      noPositionals('demo', positionals);
      const { runDemo } = await import('./demo/demo.js');
      const tty = Boolean(process.stdout.isTTY);
      return runDemo({
        out: { write: io.stdout, live: tty, colour: tty && !io.env['NO_COLOR'] },
        env: io.env,
        clean: values['clean'] === true,
        cli: async (args) => {
          let text = '';
          await main(args, { env: io.env, stdout: (t) => void (text += t), stderr: io.stderr });
          return text;
        },
        script: process.argv[1],
      });
    },
  };
}
