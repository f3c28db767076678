import type { ResourceContext, ResourceState } from '../machines/resource.machine.js';
export { initialContext as freshContext } from '../machines/resource.context.js';
import { ImagePullError, InvalidResourceError, MissingResourceError, ResourceNotAvailableError, ResourceTimeoutError } from './errors/index.js';
import { ImageInfo } from './image-info.js';

/** One resource as flags and status see it: its state name and context, from a live or persisted snapshot. */
export interface ResourceView {
  readonly name: string;
  readonly state: ResourceState;
  readonly context: ResourceContext;
}

/** The image info of an available resource; otherwise throws the error that says why not (unknown names are the caller's job). */
export function imageInfoOf(view: ResourceView): ImageInfo {
  const { name, state, context } = view;
  if (state === 'available' && context.image) return new ImageInfo(context.image, name);
  if (state === 'failed' && context.failure) {
    const { kind, reason } = context.failure;
    if (kind === 'invalid') throw new InvalidResourceError(name, reason);
    if (kind === 'timeout') throw new ResourceTimeoutError(name, reason);
    if (kind === 'missing') throw new MissingResourceError(name, reason);
    throw new ImagePullError(name, kind, reason);
  }
  throw new ResourceNotAvailableError(name, state);
}

