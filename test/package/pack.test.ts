/**
 * The package as a charm author meets it: `npm pack`, then the tarball installed into fresh
 * ES-module and CommonJS TypeScript projects (`nodenext`, `bundler`; strict, no skipLibCheck) that
 * compile and run the README's examples; publint and attw on the tarball; the installed bin's
 * `--version` and `demo`. Needs the build (npm test builds first) and no network (consumer.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { createFakeJuju } from '../fixtures/fake-juju.js';
import { CONSUMERS, installTarball, ROOT, TSC, writeConsumer } from './consumer.js';
import { mapsWithMissingSources, unloadedFiles } from './package-files.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
function run(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((done) =>
    execFile(file, args, { ...options, timeout: 60_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

let work: string;
let tarball: string;
let pkgDir: string;
let bin: string;
let compiled: Run;
const dirs = new Map<string, string>();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'docker-resource-pack-'));
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT });
  if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  tarball = join(work, (JSON.parse(packed.stdout) as [{ filename: string }])[0].filename);
  bin = installTarball(tarball, work);
  pkgDir = join(work, 'node_modules', 'docker-resource');
  for (const kind of CONSUMERS) dirs.set(kind.name, writeConsumer(work, kind));
  compiled = await run(process.execPath, [TSC, '--build', ...dirs.values()]);
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the tarball', () => {
  it('holds the Apache-2.0 LICENSE, no install-time script, and only files that something loads', () => {
    expect(readFileSync(join(pkgDir, 'LICENSE'), 'utf8')).toMatch(/^ +Apache License\n +Version 2\.0, January 2004\n[\s\S]*END OF TERMS AND CONDITIONS/);
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { license: string; scripts: Record<string, string> };
    expect(pkg.license).toBe('Apache-2.0');
    expect(Object.keys(pkg.scripts).filter((s) => /^(pre|post)?(prepare|install)$/.test(s))).toEqual([]);
    const entries = {
      js: ['dist/src/index.js', 'dist/src/testing/index.js', 'dist/bundle/docker-resource.js'],
      dts: ['dist/src/index.d.ts', 'dist/src/testing/index.d.ts'],
    };
    expect(unloadedFiles(pkgDir, entries, /^(LICENSE|README\.md|package\.json|dist\/bundle\/package\.json|docs\/BEHAVIOUR\.md|dist\/fake-juju\/[\w-]+)$/)).toEqual([]);
    expect(mapsWithMissingSources(pkgDir)).toEqual([]);
  });

  it('publint finds nothing, not even a suggestion', async () => {
    const data = readFileSync(tarball);
    const { messages, pkg } = await publint({
      pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer },
      level: 'suggestion',
      strict: true,
    });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`)).toEqual([]);
  });

  // attw's profiles: "esm-only" ignores node10 and node16-from-CJS. The package is ESM-only for node10
  // (which reads no exports), but it does support require from CommonJS on Node >= 20.19: attw's
  // TypeScript (5.6) predates require(esm), so under node16-from-CJS it may report CJSResolvesToESM and
  // nothing else; the cjs-nodenext consumer below proves that TypeScript >= 5.8 compiles the require.
  it('attw: the esm-only profile is clean, and from CommonJS only require(esm) is reported', async () => {
    const result = await run(process.execPath, [join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js'), tarball, '--format', 'json']);
    const { problems } = JSON.parse(result.stdout) as { problems: Record<string, Array<{ kind: string; entrypoint: string; resolutionKind: string }>> };
    const all = Object.values(problems).flat();
    expect(all.filter((p) => p.resolutionKind !== 'node10' && p.resolutionKind !== 'node16-cjs')).toEqual([]);
    expect(all.filter((p) => p.resolutionKind === 'node16-cjs' && p.kind !== 'CJSResolvesToESM')).toEqual([]);
  });
});

describe('fresh TypeScript consumers of the tarball', () => {
  it('compile the README examples: ES module and CommonJS with nodenext, ES module with bundler', () => {
    expect(compiled.stdout + compiled.stderr).toBe('');
    expect(compiled.code).toBe(0);
  });

  it.each(CONSUMERS.map((c) => [c.name]))('%s: the README main.ts runs a hook against fake hook tools on PATH', async (name) => {
    const dir = dirs.get(name)!;
    const juju = await createFakeJuju();
    try {
      const charmDir = join(dir, 'charm');
      mkdirSync(charmDir);
      writeFileSync(join(charmDir, 'metadata.yaml'), 'name: my-charm\nresources:\n  my-image:\n    type: oci-image\n    auto-fetch: true\n');
      await juju.attach('my-image', 'registrypath: registry.example/app:1\nusername: bot\npassword: pw-SENTINEL\n');
      const env = juju.env({ JUJU_CHARM_DIR: charmDir, JUJU_DISPATCH_PATH: 'hooks/install' }) as NodeJS.ProcessEnv;
      const main = join(dir, 'out/src/main.js');
      // The CommonJS consumer's hook really loads the package with require().
      if (name.startsWith('cjs')) expect(readFileSync(main, 'utf8')).toContain('require("docker-resource")');
      const hook = await run(process.execPath, [main], { cwd: charmDir, env });
      expect(hook).toEqual({ code: 0, stdout: 'deploying registry.example/app:1\n', stderr: '' });
      expect((await juju.calls()).filter((c) => c[0] === 'status-set')).toEqual([
        ['status-set', 'maintenance', '--', 'fetching resource: my-image'],
        ['status-set', 'active', '--', 'serving registry.example/app:1'],
      ]);
    } finally {
      await juju.cleanup();
    }
  });

  it.each(CONSUMERS.map((c) => [c.name]))("%s: the README's harness test passes", async (name) => {
    const dir = dirs.get(name)!;
    const result = await run(process.execPath, [join(dir, 'out/test/charm.test.js')], { cwd: dir });
    expect(result.stdout).toMatch(/^# pass 2$/m);
    expect(result.stdout).toMatch(/^# fail 0$/m);
    expect(result.code).toBe(0);
  });

  it('plain CommonJS requires both entry points (Node >= 20.19)', async () => {
    const script = "const l = require('docker-resource'); const t = require('docker-resource/testing'); console.log(typeof l.openLayer, typeof t.createHarness);";
    const result = await run(process.execPath, ['-e', script], { cwd: dirs.get('cjs-nodenext')! });
    expect(result.stdout).toBe('function function\n');
    expect(result.code).toBe(0);
  });
});

describe('the installed docker-resource command', () => {
  it('--version and -V print the version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await run(bin, ['--version'], { cwd: work })).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect((await run(bin, ['-V'], { cwd: work })).stdout).toBe(`${version}\n`);
  });

  it('demo runs with the fake hook tools the package ships, and says how to explore and remove what it left', async () => {
    const demo = await run(bin, ['demo'], { cwd: work, env: { ...process.env, NO_COLOR: '1' } });
    const charmDir = /charm directory {3}(\S+)/.exec(demo.stdout)?.[1];
    if (charmDir) rmSync(dirname(charmDir), { recursive: true, force: true });
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('(the fake hook tools the package ships)');
    expect(demo.stdout).toContain('    demo-charm/0  active       ');
    expect(demo.stdout).toContain(`npx docker-resource status --charm-dir ${charmDir}`);
    expect(demo.stdout).toContain(`rm -rf ${dirname(charmDir!)}`);
  });
});
