/**
 * The demo's simulated Juju: a temporary charm directory, and a controller directory that drives
 * the fake hook tools (`resource-get`, `status-set`, `status-get`, `juju-log`: POSIX sh scripts
 * that behave as docs/BEHAVIOUR.md says Juju's do). The package ships the fakes in
 * `dist/fake-juju`; the demo copies them beside its controller and puts them first on PATH, so the
 * real hook-tool adapter spawns them just as a hook spawns Juju's.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A password that must never be printed (test/demo.test.ts checks it is not). */
export const DEMO_PASSWORD = 'demo-S3CRET-never-printed';

const METADATA = `name: demo-charm
summary: the docker-resource demo charm
resources:
  web:
    type: oci-image
    description: the web front end
    auto-fetch: true
  db:
    type: oci-image
    description: the database
    auto-fetch: true
`;

/** The fake hook tools the package ships: `<package>/dist/fake-juju`, found from this module's place in it. */
function shippedFakes(from = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'docker-resource') {
      const fakes = join(dir, 'dist', 'fake-juju');
      if (!existsSync(fakes)) throw new Error(`the fake hook tools are missing from ${fakes} (run npm run build)`);
      return fakes;
    }
    if (dirname(dir) === dir) throw new Error('cannot find the docker-resource package that holds the fake hook tools');
  }
}

/** The simulated controller and charm of one demo run. */
export class DemoJuju {
  /** The temporary directory that holds everything the demo writes. */
  readonly work: string;
  /** The charm directory (metadata.yaml, and the layer's state). */
  readonly charmDir: string;
  /** The controller's directory that the fake tools read and write. */
  readonly jujuDir: string;
  /** The environment of a hook: the fakes first on PATH. */
  readonly env: NodeJS.ProcessEnv;

  constructor(env: NodeJS.ProcessEnv, fakes = shippedFakes()) {
    this.work = mkdtempSync(join(tmpdir(), 'docker-resource-demo-'));
    this.charmDir = join(this.work, 'charm');
    this.jujuDir = join(this.work, 'juju');
    const bin = join(this.work, 'bin');
    mkdirSync(this.charmDir);
    mkdirSync(join(this.jujuDir, 'resources'), { recursive: true });
    mkdirSync(bin);
    for (const tool of readdirSync(fakes)) {
      copyFileSync(join(fakes, tool), join(bin, tool));
      chmodSync(join(bin, tool), 0o755);
    }
    writeFileSync(join(this.charmDir, 'metadata.yaml'), METADATA);
    this.env = { ...env, PATH: [bin, env['PATH']].filter(Boolean).join(delimiter), FAKE_JUJU_DIR: this.jujuDir };
  }

  /** `juju attach-resource`: the controller serves this image from now on (slowly, to show progress). */
  attach(name: string, registryPath: string, delaySeconds: number): void {
    const file = join(this.jujuDir, 'resources', name);
    writeFileSync(file, `registrypath: ${registryPath}\nusername: demo\npassword: ${DEMO_PASSWORD}\n`);
    writeFileSync(`${file}.delay`, String(delaySeconds));
  }

  /** Every hook tool call the fakes recorded: `[tool, ...args]`. */
  calls(): string[][] {
    const file = join(this.jujuDir, 'calls');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\x1e')
      .slice(0, -1)
      .map((r) => r.split('\x1f'));
  }

  /** The unit's workload status as the fake `status-set` recorded it. */
  unitStatus(): { state: string; message: string } {
    const file = join(this.jujuDir, 'status');
    if (!existsSync(file)) return { state: 'unknown', message: '' };
    const text = readFileSync(file, 'utf8');
    const newline = text.indexOf('\n');
    return { state: text.slice(0, newline), message: text.slice(newline + 1, -1) };
  }
}
