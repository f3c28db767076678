/**
 * What the CLI does with a state path it must not use as it is: a device or a FIFO (refused, never opened
 * or replaced), a state it may not read (an error, not a silent fresh start), a read-only file system and a
 * directory in the way (the real cause and the path, not "ENOENT").
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statePaths } from '../src/state-paths.js';
import { createFakeJuju, type FakeJuju } from './fixtures/fake-juju.js';
import { CLI, imageYaml, makeCharm, runCli } from './reliability/support.js';

let juju: FakeJuju;
let charmDir: string;
let scratch: string;
beforeEach(async () => {
  juju = await createFakeJuju();
  charmDir = await makeCharm(['web']);
  scratch = await mkdtemp(join(tmpdir(), 'state-targets-'));
  await juju.attach('web', imageYaml('1'));
});
afterEach(async () => {
  await juju.cleanup();
  await rm(charmDir, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

const cli = (args: string[], hook?: string) => runCli(args, { charmDir, juju, ...(hook ? { hook } : {}) });

describe('state targets through the CLI', () => {
  it.each([
    ['a symbolic link to a device', (p: string) => symlink('/dev/null', p), 'a character device'],
    ['a FIFO', async (p: string) => void execFileSync('mkfifo', [p]), 'a FIFO'],
  ])('--state-file naming %s: refused by hook and flags (exit 1), left as it was', async (_what, make, kind) => {
    const target = join(scratch, 'state');
    await make(target);
    for (const [args, hook] of [[['hook', '--state-file', target], 'install'], [['flags', '--state-file', target]]] as const) {
      const r = await cli([...args], hook);
      expect({ args, code: r.code }).toEqual({ args, code: 1 });
      expect(r.stderr).toBe(`docker-resource: state file ${target} is ${kind}, not a regular file: refusing to read or replace it\n`);
    }
    expect(await juju.calls()).toEqual([]);
  });

  it('a state it may not read: exit 1, "cannot read … permission denied", for hook and flags alike', async () => {
    expect((await cli(['hook'], 'install')).code).toBe(0);
    const { dir, file } = statePaths(charmDir);
    const before = await readFile(file, 'utf8');
    const root = process.getuid?.() === 0;
    // Root reads any file: run the CLI as nobody, in a charm directory nobody owns, over a state only root may read.
    if (root) {
      await chown(charmDir, 65534, 65534);
      await chown(dir, 65534, 65534);
    } else await chmod(file, 0o000);
    for (const [args, hook] of [[['flags']], [['hook'], 'update-status']] as const) {
      const env = juju.env({ JUJU_CHARM_DIR: charmDir, JUJU_DISPATCH_PATH: hook ? `hooks/${hook}` : undefined });
      const prefix = root ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
      const r = spawnSync(prefix[0] ?? process.execPath, [...prefix.slice(1), ...(root ? [process.execPath] : []), CLI, ...args], {
        cwd: charmDir,
        env: env as NodeJS.ProcessEnv,
        encoding: 'utf8',
      });
      expect({ args, code: r.status }).toEqual({ args, code: 1 });
      expect(r.stderr).toBe(`docker-resource: cannot read state file ${file}: EACCES (permission denied: ${file})\n`);
    }
    expect(await readFile(file, 'utf8')).toBe(before); // nothing was lost
  });

  it('a read-only file system: the hook says EROFS and names the directory', async () => {
    const ro = join(scratch, 'ro');
    await mkdir(ro);
    await writeFile(join(scratch, 'metadata.yaml'), await readFile(join(charmDir, 'metadata.yaml')));
    const mount = spawnSync('mount', ['--bind', '-o', 'ro', scratch, ro], { encoding: 'utf8' });
    if (mount.status !== 0) {
      // No privilege to mount here: the cause is then checked on a path whose parent is a file (ENOTDIR).
      const r = await cli(['hook', '--state-file', join(charmDir, 'metadata.yaml', 'state.json')], 'install');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`ENOTDIR (not a directory`);
      return;
    }
    try {
      const r = await runCli(['hook'], { charmDir: ro, juju, hook: 'install' });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`docker-resource: cannot create state directory ${ro}/.docker-resource: EROFS (read-only file system: ${ro}/.docker-resource)\n`);
    } finally {
      spawnSync('umount', [ro]);
    }
  });

  it('a directory where the state file goes: the error names that path and EISDIR', async () => {
    const { file } = statePaths(charmDir);
    await mkdir(join(file, 'inside'), { recursive: true });
    const r = await cli(['hook'], 'install');
    expect(r.code).toBe(0); // the hook's work is done; saving it failed, loudly
    const errors = (await juju.calls()).filter((c) => c[0] === 'juju-log' && c[2] === 'ERROR').map((c) => c[4]);
    expect(errors).toContainEqual(expect.stringMatching(new RegExp(`^cannot save the state, .*: cannot write state file ${file}: EISDIR \\(is a directory: .* → ${file}\\)$`)));
  });
});
