/** The `docker-resource` commands that show a resource's whole life: `report --html` and `replay`. */
import { COMMON, int, noPositionals, pathOptions, UsageError, type Command } from './cli-options.js';

const report: Command = {
  summary: 'write the lifecycle page: one self-contained HTML file',
  synopsis: '--html [options]',
  description: `Writes one HTML file (no script, font, image or network) that shows, for each
resource, its lifecycle diagram with the current state marked, a timeline
across hooks (one lane per resource, failures with their reason on hover),
and the flags and unit status now. No credential is in it. Copy it off the
unit (juju scp) and open it anywhere. Reads the saved state only.`,
  options: {
    html: { type: 'boolean', help: 'write HTML (the one format there is)' },
    out: { type: 'string', arg: 'FILE', help: 'where to write it (default ./docker-resource-report.html; - for stdout)' },
    ...COMMON,
  },
  run: async (values, positionals, io) => {
    if (!values['html']) throw new UsageError('report needs --html (the one format it writes)');
    noPositionals('report', positionals);
    const { reportCommand } = await import('./report/commands.js');
    return reportCommand({ ...pathOptions(values, io), ...io, ...(typeof values['out'] === 'string' ? { out: values['out'] } : {}) });
  },
};

const replay: Command = {
  summary: 'send the recorded life of resources to the Stately inspector',
  synopsis: '[NAME...] [options]',
  description: `Sends each resource's recorded life (all resources by default) to an
inspector over WebSocket, as it would have seen it live: each actor with its
machine, every recorded event with its original time and its hook (the layer
actor of that hook) as origin, and the snapshot after it, redacted.`,
  options: {
    inspect: { type: 'string', arg: '[=URL]', help: 'the inspector (default ws://localhost:8080; start one with npx @statelyai/inspect)' },
    print: { type: 'boolean', help: 'print the events as JSON lines instead of sending them' },
    interval: { type: 'string', arg: 'MS', help: 'pause between events, to watch them arrive (default 0)' },
    ...COMMON,
  },
  run: async (values, positionals, io) => {
    const { replayCommand } = await import('./report/commands.js');
    const url = values['inspect'];
    const intervalMs = int(values, 'interval', 0);
    return replayCommand({
      ...pathOptions(values, io),
      ...io,
      names: positionals,
      print: values['print'] === true,
      ...(typeof url === 'string' && url !== '' ? { url } : {}),
      ...(intervalMs !== undefined ? { intervalMs } : {}),
    });
  },
};

/** `report` and `replay`, by name. */
export const REPORT_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['report', report],
  ['replay', replay],
]);
