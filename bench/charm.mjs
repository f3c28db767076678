// The bench's charm and fake Juju: a charm with N auto-fetched oci-image resources, the resource
// files the fake resource-get prints (JSON, as Juju 2.9+ serves them), and the environment Juju
// gives a hook, with bench/fakes first on PATH.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FAKES = fileURLToPath(new URL('fakes', import.meta.url));

/**
 * Makes a charm with `n` resources; `env(hook, delaySeconds)` is a hook's whole environment.
 * `image(i)`, `username` and `password` make the resource files (bench/probe.mjs points them at a real
 * registry); by default image i is `registry.example/team/app-i:1.i`, user `bot`, password `bench-pw-i`.
 */
export function makeCharm(n, { image = (i) => `registry.example/team/app-${i}:1.${i}`, username = 'bot', password } = {}) {
  const root = mkdtempSync(join(tmpdir(), `docker-resource-bench-${n}-`));
  const charmDir = join(root, 'charm');
  const jujuDir = join(root, 'juju');
  mkdirSync(charmDir);
  mkdirSync(join(jujuDir, 'resources'), { recursive: true });
  const lines = ['name: bench', 'resources:'];
  for (let i = 1; i <= n; i++) {
    const name = `image-${i}`;
    lines.push(`  ${name}:`, '    type: oci-image', '    auto-fetch: true');
    const file = { ImageName: image(i), username, password: password ?? `bench-pw-${i}` };
    writeFileSync(join(jujuDir, 'resources', name), JSON.stringify(file));
  }
  writeFileSync(join(charmDir, 'metadata.yaml'), lines.join('\n') + '\n');
  const calls = join(jujuDir, 'calls');
  const stateDir = join(charmDir, '.docker-resource');
  return {
    n,
    charmDir,
    env: (hook, delaySeconds) => ({
      PATH: `${FAKES}:/usr/local/bin:/usr/bin:/bin`,
      HOME: process.env['HOME'] ?? root,
      LANG: 'C.UTF-8',
      FAKE_JUJU_DIR: jujuDir,
      FAKE_RESOURCE_GET_DELAY: delaySeconds > 0 ? String(delaySeconds) : '',
      JUJU_CHARM_DIR: charmDir,
      JUJU_DISPATCH_PATH: `hooks/${hook}`,
      JUJU_HOOK_NAME: hook,
      JUJU_UNIT_NAME: 'bench/0',
      JUJU_MODEL_NAME: 'bench',
      JUJU_VERSION: '3.6.0',
    }),
    /** Forgets the calls recorded so far. */
    resetCalls: () => rmSync(calls, { force: true }),
    /** Hook tools called since the last reset. */
    calls: () => {
      try {
        return readFileSync(calls, 'latin1').split('\x1e').length - 1;
      } catch {
        return 0;
      }
    },
    /** Removes the layer's state (as before a first install). */
    resetState: () => rmSync(stateDir, { recursive: true, force: true }),
    /** Size of the state file, 0 when there is none. */
    stateBytes: () => {
      try {
        return statSync(join(stateDir, 'state.json')).size;
      } catch {
        return 0;
      }
    },
    /** Identity of the state file (inode, mtime, size): changes when a hook rewrites it. */
    stateId: () => {
      try {
        const s = statSync(join(stateDir, 'state.json'));
        return `${s.ino}:${s.mtimeMs}:${s.size}`;
      } catch {
        return 'none';
      }
    },
    /** Whether the state is what one install left (set by bench/run.mjs). */
    justInstalled: false,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
