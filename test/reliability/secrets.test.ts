/**
 * Secrets: a sentinel password goes through every path (available, changed, invalid, damaged state,
 * tool failures, timeouts, fetch, info, status, history, the inspector and transition events), and a
 * scan of everything captured finds it nowhere. The state file and its backup are mode 0600, even
 * under umask 000.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import { openLayer } from '../../src/orchestrator.js';
import { statePaths } from '../../src/state-paths.js';
import { createHarness } from '../../src/testing/index.js';
import { createFakeJuju, type FakeJuju } from '../fixtures/fake-juju.js';
import { imageYaml, makeCharm, recordFigures, runCli, SECRET, type CliResult } from './support.js';

const captured: string[] = [];
const capture = (label: string, value: unknown) => captured.push(`${label}: ${typeof value === 'string' ? value : inspect(value, { depth: 12 })}`);
const found = () => captured.filter((c) => c.includes(SECRET) || c.includes(Buffer.from(SECRET).toString('base64')));

let juju: FakeJuju;
let charmDir: string;
beforeAll(async () => {
  juju = await createFakeJuju();
  charmDir = await makeCharm(['web', 'db', 'bad']);
});
afterAll(async () => {
  await juju.cleanup();
  await rm(charmDir, { recursive: true, force: true });
});

const cli = async (args: string[], hook?: string, env?: Record<string, string>): Promise<CliResult> => {
  const r = await runCli(args, { charmDir, juju, ...(hook ? { hook } : {}), ...(env ? { env } : {}) });
  capture(`cli ${args.join(' ')} stdout`, r.stdout);
  capture(`cli ${args.join(' ')} stderr`, r.stderr);
  return r;
};

describe('the sentinel password is found nowhere', () => {
  it('through the CLI: hooks, fetch, info, status, history, flags, with damaged state and failing tools', async () => {
    await juju.attach('web', imageYaml('1'));
    await juju.attach('db', JSON.stringify({ ImageName: 'registry.example/db:1', username: 'bot', password: SECRET, auth: Buffer.from(`bot:${SECRET}`).toString('base64') }));
    // invalid in several ways, each with the secret next to the fault
    await juju.attach('bad', `registrypath: "NOT valid ${SECRET}"\npassword: ${SECRET}\n`);
    // umask 000: the state and its backup must still be owner-only
    const umask = process.umask(0);
    try {
      expect((await cli(['hook'], 'install')).code).toBe(0);
      await juju.attach('bad', `password: ${SECRET}\nregistrypath: [unclosed ${SECRET}\n`);
      await juju.attach('web', imageYaml('2'));
      expect((await cli(['hook'], 'upgrade-charm')).code).toBe(0);
      await juju.attach('bad', `{"password": "${SECRET}", "registrypath": `);
      expect((await cli(['hook', '--fail-on-error'], 'upgrade-charm')).code).toBe(1);
      expect((await cli(['fetch', 'bad', 'web'])).code).toBe(1);
    } finally {
      process.umask(umask);
    }
    const { file, backup } = statePaths(charmDir);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(backup)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toContain(SECRET); // it is there, owner-only, and nowhere else

    for (const args of [['info', 'web'], ['info', 'db', '--json'], ['info', 'bad'], ['status'], ['status', '--json'], ['history', 'bad'], ['history', 'web', '--json'], ['flags']])
      await cli(args);

    // damaged state cut right after the password; failing tools
    const good = await readFile(file, 'utf8');
    await writeFile(file, good.slice(0, good.indexOf(SECRET) + SECRET.length));
    await writeFile(backup, good.slice(0, good.indexOf(SECRET) + 3));
    await juju.failTool('juju-log', 1);
    await juju.failTool('status-set', 1);
    await juju.hang('db');
    expect((await cli(['hook', '--timeout', '300'], 'upgrade-charm')).code).toBe(0);
    capture('juju calls', await juju.calls());
    capture('unit status', await juju.status());
    recordFigures('secrets:cli', { capturedTexts: captured.length, secretsFound: found().length });
    expect(found()).toEqual([]);
  }, 60_000);

  it('in process: transitions, the inspector, warnings, errors, summaries and the harness records', async () => {
    const h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true }, bad: { type: 'oci-image', 'auto-fetch': true } } });
    const before = captured.length;
    try {
      h.attach('web', { registryPath: 'registry.example/app:1', username: 'bot', password: SECRET });
      h.attach('bad', `registrypath: "NOT valid"\npassword: ${SECRET}\n`);
      const events: unknown[] = [];
      const warnings: string[] = [];
      const layer = await h.open('install', { inspect: (e) => events.push(e), onWarning: (w) => warnings.push(w) });
      layer.subscribe((t) => capture('transition', t));
      const summary = await layer.runHook();
      capture('summary', summary);
      capture('inspector events', events.map((e) => JSON.stringify(e, (_k, v: unknown) => (typeof v === 'object' && v !== null && 'send' in v ? '[actor]' : v))));
      expect(events.length).toBeGreaterThan(0);
      // What an inspector reads later: each event's actorRef.getSnapshot(), read now that the actors hold their images.
      const live = (events as Array<{ actorRef?: { getSnapshot?: () => unknown } }>).map((e) => e.actorRef?.getSnapshot?.());
      expect(live.filter((snapshot) => JSON.stringify(snapshot ?? null).includes('registry.example/app:1')).length).toBeGreaterThan(0);
      capture('inspector actorRef.getSnapshot()', live.map((snapshot) => JSON.stringify(snapshot ?? null)));
      const next = await h.open('update-status', { onWarning: (w) => warnings.push(w) });
      const info = next.getInfo('web');
      expect(info.password).toBe(SECRET); // the charm gets it when it asks
      capture('info as JSON', JSON.stringify(info));
      capture('info inspected', inspect(info));
      capture('info as string', String(info));
      try {
        next.getInfo('bad');
      } catch (error) {
        capture('getInfo error', error);
        capture('getInfo error message', (error as Error).message);
      }
      capture('views', JSON.stringify(next.views()));
      await next.abandon();
      // damaged state with the secret in it
      await writeFile(statePaths(h.charmDir).file, `{"version":1,"resources":{"web":{"context":{"image":{"password":"${SECRET}"`);
      await h.hook('update-status', undefined, { onWarning: (w) => warnings.push(w) });
      capture('warnings', warnings);
      capture('harness calls', h.juju.calls);
      capture('harness logs', h.juju.logs);
      capture('harness statuses', h.juju.statuses);
      capture('harness transitions', h.transitions);
    } finally {
      h.cleanup();
    }
    recordFigures('secrets:in-process', { capturedTexts: captured.length - before, secretsFound: found().length });
    expect(found()).toEqual([]);
  });
});
