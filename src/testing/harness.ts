/** A test harness for charm authors: a charm directory, a simulated Juju, and hooks run in-process. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import type { ImageFields, ImageInfo } from '../image-info.js';
import type { LogLevel } from '../hook-tools.js';
import type { HistoryEntry } from '../layer-state.js';
import { readLayerSnapshot } from '../layer-snapshot.js';
import { validateLayerOptions } from '../layer-options.js';
import { openLayer, type DockerResourceLayer, type HookSummary, type LayerOptions, type Transition } from '../orchestrator.js';
import type { Status } from '../status.js';
import { checkImageResource, resourceTypes } from './harness-metadata.js';
import { MemoryJuju } from './memory-juju.js';
import { MemoryRegistry } from './memory-registry.js';

/** The charm's resources as metadata.yaml declares them: `{ name: { type, 'auto-fetch'? } }`, or the whole metadata.yaml text. */
export type HarnessMetadata = string | Record<string, { type: string; 'auto-fetch'?: boolean; verify?: boolean; description?: string }>;

/** An image for a resource: its fields, or the resource file's raw text (to simulate an invalid upload). */
export type HarnessImage = string | (Partial<ImageFields> & { registryPath: string });

/** How `resource-get` behaves for an attached image: slow (`delayMs`), or failing its first `failTimes` calls. */
export interface AttachOptions {
  delayMs?: number;
  failTimes?: number;
}

/** Options of {@link createHarness}. */
export interface HarnessOptions {
  /** The charm's resources (or metadata.yaml text). */
  resources: HarnessMetadata;
  /** Images attached before the first hook; a resource left out is missing (never attached). */
  images?: Record<string, HarnessImage>;
  /** layer.yaml's `options: docker-resource:` (e.g. `{ 'set-status': false }`). */
  layerOptions?: Record<string, unknown>;
  /** Layer options for every hook (tools and charmDir are the harness's). In-hook retry is off unless set here. */
  options?: Omit<LayerOptions, 'tools' | 'charmDir' | 'hookName'>;
}

/** Renders image fields as the YAML Juju writes for an oci-image resource. */
export function imageYaml(image: Partial<ImageFields> & { registryPath: string }): string {
  return dump({ registrypath: image.registryPath, username: image.username ?? '', password: image.password ?? '' });
}

/** A charm under test: declare resources, run hooks, assert on flags, statuses, logs and transitions. */
export class Harness {
  /** The simulated Juju: attach/detach resources, read `calls`, `statuses`, `logs`. */
  readonly juju = new MemoryJuju();
  /** The simulated registries that `verify` asks (nothing touches the network): add hosts, push images. */
  readonly registry = new MemoryRegistry();
  /** The charm directory (metadata.yaml, layer.yaml, the state file). */
  readonly charmDir: string;
  /** Every transition of every hook run (or layer opened) so far, oldest first. */
  readonly transitions: Transition[] = [];
  readonly #options: HarnessOptions['options'];
  /** Each declared resource's type, from the metadata (`null` when it does not parse: the hook will say why). */
  readonly #types: ReadonlyMap<string, string> | null;

  constructor(options: HarnessOptions) {
    const metadata =
      typeof options.resources === 'string' ? options.resources : dump({ name: 'test-charm', resources: options.resources });
    this.#types = resourceTypes(metadata);
    this.#options = options.options;
    this.charmDir = mkdtempSync(join(tmpdir(), 'docker-resource-charm-'));
    try {
      validateLayerOptions(options.options);
      writeFileSync(join(this.charmDir, 'metadata.yaml'), metadata);
      if (options.layerOptions)
        writeFileSync(join(this.charmDir, 'layer.yaml'), dump({ options: { 'docker-resource': options.layerOptions } }));
      for (const [name, image] of Object.entries(options.images ?? {})) this.attach(name, image);
    } catch (error) {
      this.cleanup(); // a harness that cannot be made leaves no temporary directory behind
      throw error;
    }
  }

  /**
   * Uploads an image for a resource (as `juju attach-resource`); a string is the file's raw
   * content, so `attach('web', 'registrypath: NOT valid')` simulates an invalid upload.
   */
  attach(name: string, image: HarnessImage, options: AttachOptions = {}): this {
    checkImageResource(this.#types, 'attach', name);
    this.juju.attach(name, typeof image === 'string' ? image : imageYaml(image), options);
    return this;
  }

  /** Makes a resource missing: `resource-get` fails as for one never attached. */
  detach(name: string): this {
    checkImageResource(this.#types, 'detach', name);
    this.juju.detach(name);
    return this;
  }

  /** Makes `resource-get` for a resource slow (ms); with `fetchTimeoutMs` below it, the fetch times out. */
  slow(name: string, delayMs: number): this {
    checkImageResource(this.#types, 'slow', name);
    this.juju.delay(name, delayMs);
    return this;
  }

  /** Makes `resource-get` for a resource never return (only the fetch time limit ends it). */
  hang(name: string): this {
    checkImageResource(this.#types, 'hang', name);
    this.juju.hang(name);
    return this;
  }

  /** The unit's status now, as `juju status` shows it (`undefined` until one is set). */
  get status(): Status | undefined {
    return this.juju.status;
  }

  /** Every status set so far, in order. */
  get statuses(): Status[] {
    return [...this.juju.statuses];
  }

  /** Every `juju-log` line so far, in order; filter by level with `logs('ERROR')`. */
  logs(level?: LogLevel): string[] {
    return this.juju.logs.filter((l) => level === undefined || l.level === level).map((l) => l.message);
  }

  /** The transitions of one resource so far, as `from → to` lines (all hooks, oldest first). */
  steps(name: string): string[] {
    return this.transitions.filter((t) => t.resource === name).map((t) => `${t.from} → ${t.to}`);
  }

  /** The flags as the saved state gives them now (what `docker-resource flags` prints). */
  async flags(): Promise<string[]> {
    return (await readLayerSnapshot({ charmDir: this.charmDir, history: false })).flags;
  }

  /** The image info of an available resource from the saved state; throws why it is not available. */
  async info(name: string): Promise<ImageInfo> {
    return (await readLayerSnapshot({ charmDir: this.charmDir, history: false })).getInfo(name);
  }

  /** The recorded history of a resource across hooks (what `docker-resource history` prints). */
  async history(name: string): Promise<HistoryEntry[]> {
    return (await readLayerSnapshot({ charmDir: this.charmDir })).history(name);
  }

  /**
   * Opens the layer for a hook without running the cycle, for charm code that drives the layer
   * itself (`run()`, `fetch()`, `getInfo()`, `commit()`). Its transitions are recorded too.
   */
  async open(hookName: string, options: Partial<LayerOptions> = {}): Promise<DockerResourceLayer> {
    const layer = await openLayer({
      onWarning: () => undefined,
      retry: { retries: 0 },
      ...this.#options,
      ...options,
      registry: { fetch: this.registry.fetch, ...this.#options?.registry, ...options.registry },
      tools: this.juju,
      charmDir: this.charmDir,
      hookName,
    });
    layer.subscribe((t) => this.transitions.push(t));
    return layer;
  }

  /**
   * Runs one hook: the layer's part, then `charm` (your handlers) with the layer open, then commit.
   * Returns what the hook did. The charm may drive the layer itself, as in a real hook: its
   * `run()` returns the layer part's outcome, its `commit()` is the hook's commit (whose summary
   * this returns), and a listener it subscribes first hears the transitions it missed.
   */
  async hook(
    hookName: string,
    charm?: (layer: DockerResourceLayer) => unknown,
    options: Partial<LayerOptions> = {},
  ): Promise<HookSummary> {
    const layer = await this.open(hookName, options);
    try {
      await layer.run();
      if (charm) await charm(layer);
      return await layer.commit();
    } catch (error) {
      await layer.abandon();
      throw error;
    }
  }

  /** Removes the charm directory and the simulated resource files. */
  cleanup(): void {
    this.juju.cleanup();
    rmSync(this.charmDir, { recursive: true, force: true });
  }
}

/**
 * Creates a {@link Harness}; call `cleanup()` when done.
 *
 * @example
 * const h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true } } });
 * h.attach('web', { registryPath: 'registry.example/web:1', username: 'bot', password: 'pw' });
 * const summary = await h.hook('install');
 * expect(summary.flags).toContain('layer.docker-resource.web.available');
 * h.cleanup();
 */
export function createHarness(options: HarnessOptions): Harness {
  return new Harness(options);
}
