/**
 * The example charm end to end: bundled as its README says, run by its `dispatch` script as
 * Juju would (JUJU_DISPATCH_PATH, the charm directory as cwd), against the fake hook tools.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createFakeJuju, type FakeJuju } from '../fixtures/fake-juju.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/image-charm/', import.meta.url));
const SECRET = 'hunter2-SENTINEL';

let juju: FakeJuju;
let work: string;
let charmDir: string;
let bin: string;

beforeAll(async () => {
  juju = await createFakeJuju();
  work = mkdtempSync(join(tmpdir(), 'image-charm-e2e-'));
  charmDir = join(work, 'charm');
  bin = join(work, 'bin');
  mkdirSync(charmDir);
  mkdirSync(bin);
  copyFileSync(join(EXAMPLE, 'metadata.yaml'), join(charmDir, 'metadata.yaml'));
  copyFileSync(join(EXAMPLE, 'dispatch'), join(charmDir, 'dispatch'));
  chmodSync(join(charmDir, 'dispatch'), 0o755);
  await build({
    entryPoints: [join(EXAMPLE, 'src', 'dispatch.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    outfile: join(charmDir, 'dist', 'dispatch.mjs'),
    logLevel: 'silent',
  });
  // A fake pod-spec-set: keeps the spec where the test can read it.
  writeFileSync(join(bin, 'pod-spec-set'), '#!/bin/sh\n[ "$1" = --file ] || exit 2\ncp "$2" "$FAKE_JUJU_DIR/pod-spec.json"\n');
  chmodSync(join(bin, 'pod-spec-set'), 0o755);
});
afterAll(async () => {
  await juju.cleanup();
  rmSync(work, { recursive: true, force: true });
});

function dispatch(hook: string) {
  const env = juju.env({ JUJU_CHARM_DIR: charmDir, JUJU_DISPATCH_PATH: `hooks/${hook}` });
  env['PATH'] = [bin, env['PATH']].join(delimiter);
  return new Promise<{ code: number | string; stdout: string; stderr: string }>((resolve) =>
    execFile(join(charmDir, 'dispatch'), [], { cwd: charmDir, env: env as NodeJS.ProcessEnv, timeout: 25_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.killed ? 'killed' : Number(error.code ?? 1)) : 0, stdout, stderr }),
    ),
  );
}

it('install without the image → blocked; attached → the pod spec is set and the unit serves it', async () => {
  const install = await dispatch('install');
  expect(install.code).toBe(0);
  expect(await juju.status()).toEqual({ state: 'blocked', message: 'unable to fetch resource: app-image' });
  const logs = (await juju.calls()).filter((c) => c[0] === 'juju-log').map((c) => c.slice(2).join(' '));
  expect(logs).toEqual(
    expect.arrayContaining(['WARNING -- app-image unavailable (missing); the running pods are kept']),
  );

  await juju.attach('app-image', `registrypath: registry.example/team/app:1.0\nusername: deploy\npassword: ${SECRET}\n`);
  const next = await dispatch('update-status');
  expect(next.code).toBe(0);
  expect(await juju.status()).toEqual({ state: 'active', message: 'serving registry.example/team/app:1.0' });
  const spec = JSON.parse(readFileSync(join(juju.dir, 'pod-spec.json'), 'utf8'));
  expect(spec.containers[0].imageDetails).toEqual({ imagePath: 'registry.example/team/app:1.0', username: 'deploy', password: SECRET });
  expect(JSON.stringify(await juju.calls()) + install.stdout + install.stderr + next.stdout + next.stderr).not.toContain(SECRET);
});
