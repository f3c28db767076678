/** A test harness for charm authors: a charm directory, a simulated Juju, and hooks run in-process. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import type { ImageFields } from '../image-info.js';
import { openLayer, type DockerResourceLayer, type HookSummary, type LayerOptions, type Transition } from '../orchestrator.js';
import { MemoryJuju } from './memory-juju.js';

/** The charm's resources as metadata.yaml declares them: `{ name: { type, 'auto-fetch'? } }`, or the whole metadata.yaml text. */
export type HarnessMetadata = string | Record<string, { type: string; 'auto-fetch'?: boolean; description?: string }>;

/** Options of {@link createHarness}. */
export interface HarnessOptions {
  /** The charm's resources (or metadata.yaml text). */
  resources: HarnessMetadata;
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
  /** The charm directory (metadata.yaml, layer.yaml, the state file). */
  readonly charmDir: string;
  /** Every transition of every hook run so far. */
  readonly transitions: Transition[] = [];
  readonly #options: HarnessOptions['options'];

  constructor(options: HarnessOptions) {
    this.charmDir = mkdtempSync(join(tmpdir(), 'docker-resource-charm-'));
    const metadata =
      typeof options.resources === 'string' ? options.resources : dump({ name: 'test-charm', resources: options.resources });
    writeFileSync(join(this.charmDir, 'metadata.yaml'), metadata);
    if (options.layerOptions)
      writeFileSync(join(this.charmDir, 'layer.yaml'), dump({ options: { 'docker-resource': options.layerOptions } }));
    this.#options = options.options;
  }

  /** Uploads an image for a resource (as `juju attach-resource`); a string is the file's raw content. */
  attach(name: string, image: string | (Partial<ImageFields> & { registryPath: string })): this {
    this.juju.attach(name, typeof image === 'string' ? image : imageYaml(image));
    return this;
  }

  /** Opens the layer for a hook without running the cycle, for charm code that calls fetch/getInfo itself. */
  open(hookName: string, options: Partial<LayerOptions> = {}): Promise<DockerResourceLayer> {
    return openLayer({
      onWarning: () => undefined,
      retry: { retries: 0 },
      ...this.#options,
      ...options,
      tools: this.juju,
      charmDir: this.charmDir,
      hookName,
    });
  }

  /**
   * Runs one hook: the layer's part, then `charm` (your handlers) with the layer open, then commit.
   * Returns what the hook did.
   */
  async hook(
    hookName: string,
    charm?: (layer: DockerResourceLayer) => void | Promise<void>,
    options: Partial<LayerOptions> = {},
  ): Promise<HookSummary> {
    const layer = await this.open(hookName, options);
    const unsubscribe = layer.subscribe((t) => this.transitions.push(t));
    try {
      await layer.run();
      if (charm) await charm(layer);
      return await layer.commit();
    } finally {
      unsubscribe();
    }
  }

  /** Removes the charm directory and the simulated resource files. */
  cleanup(): void {
    this.juju.cleanup();
    rmSync(this.charmDir, { recursive: true, force: true });
  }
}

/** Creates a {@link Harness}; call `cleanup()` when done. */
export function createHarness(options: HarnessOptions): Harness {
  return new Harness(options);
}
