/**
 * The example charm's logic: run the layer's part of the hook, react to the image
 * arriving, changing or failing, then end the hook. No I/O of its own: the pod spec
 * and the log go through `CharmIO`, so tests can record them.
 *
 * In your charm, import from 'docker-resource' instead of the repository's sources.
 */
import type { DockerResourceLayer, HookSummary, ImageInfo, LogLevel, Transition } from '../../../src/index.js';

/** The charm's one oci-image resource (metadata.yaml). */
export const IMAGE = 'app-image';

/** A Kubernetes image pull secret (`kubernetes.io/dockerconfigjson`); holds credentials. */
export interface PullSecret {
  name: string;
  type: 'kubernetes.io/dockerconfigjson';
  data: { '.dockerconfigjson': string };
}

/** The pod spec (v3) the charm sets. */
export interface PodSpec {
  version: 3;
  containers: Array<{
    name: string;
    imageDetails: { imagePath: string; username?: string; password?: string };
    ports: Array<{ name: string; containerPort: number }>;
  }>;
  kubernetesResources: { secrets: PullSecret[] };
}

/** What the charm does to the world: `pod-spec-set` and `juju-log`. */
export interface CharmIO {
  podSpecSet(spec: PodSpec): Promise<void>;
  log(message: string, level: LogLevel): Promise<void>;
}

/** The pull secret for workloads the charm creates itself (Juju pulls the charm's own pod with imageDetails). */
export function pullSecret(info: ImageInfo): PullSecret {
  return {
    name: 'image-charm-pull-secret',
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(info.toDockerConfigJson()).toString('base64') },
  };
}

/** The pod spec for an image: its `imageDetails`, a port, and the pull secret. */
export function podSpec(info: ImageInfo): PodSpec {
  return {
    version: 3,
    containers: [{ name: 'app', imageDetails: info.toImageDetails(), ports: [{ name: 'http', containerPort: 8080 }] }],
    kubernetesResources: { secrets: [pullSecret(info)] },
  };
}

/**
 * One hook: the layer fetches what it must; if the image became available (or changed),
 * set the pod spec; if it failed, keep the pods that run and say why. Then commit.
 */
export async function runCharm(layer: DockerResourceLayer, io: CharmIO): Promise<HookSummary> {
  const seen: Transition[] = [];
  const unsubscribe = layer.subscribe((t) => seen.push(t), IMAGE);
  try {
    await layer.run();
    const last = seen.at(-1);
    if (last?.to === 'available') {
      const info = layer.getInfo(IMAGE);
      const wasAvailable = seen[0]?.from === 'available';
      const changed = layer.isSet(`layer.docker-resource.${IMAGE}.changed`);
      if (!wasAvailable || changed) {
        await io.podSpecSet(podSpec(info));
        if (changed) await io.log(`new image ${info.registryPath}: the pods restart with it`, 'INFO');
      }
      layer.setCharmStatus({ state: 'active', message: `serving ${info.registryPath}` });
    } else if (last?.to === 'failed') {
      await io.log(`${IMAGE} unavailable (${last.event.kind}); the running pods are kept`, 'WARNING');
    }
    return await layer.commit();
  } finally {
    unsubscribe();
  }
}
