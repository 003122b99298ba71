// What a container runs: the kubelet's imageID when it names a registry digest, else the spec's tag with a warning.
import { formatReference, parseReference } from '../../adapters/oci/reference.js';
import type { Target } from '../../model/target.js';
import type { PodContainer } from './pods.js';

/**
 * The imageID forms kubelets report. `docker-pullable` and `repo-digest` name a registry manifest; `image-id` and
 * `docker-image-id` name the image CONFIG (kind preloads, images built on the node), which no registry serves by that digest.
 */
export type ImageIdForm = 'docker-pullable' | 'repo-digest' | 'image-id' | 'docker-image-id' | 'empty' | 'missing' | 'other';

export interface ClassifiedImageId {
  form: ImageIdForm;
  /** `repo@sha256:...`, for the two pullable forms. */
  pullable?: string;
  /** `sha256:...`, for the two config-id forms. */
  configDigest?: string;
}

const HEX = '[0-9a-f]{64}';
const DOCKER_PULLABLE_RE = new RegExp(`^docker-pullable://([^@]+@sha256:${HEX})$`);
const REPO_DIGEST_RE = new RegExp(`^([^@/:][^@]*@sha256:${HEX})$`);
const IMAGE_ID_RE = new RegExp(`^(sha256:${HEX})$`);
const DOCKER_IMAGE_ID_RE = new RegExp(`^docker://(sha256:${HEX})$`);

export function classifyImageId(imageID: string | undefined): ClassifiedImageId {
  if (imageID === undefined) return { form: 'missing' };
  if (imageID === '') return { form: 'empty' };
  let m = DOCKER_PULLABLE_RE.exec(imageID);
  if (m) return { form: 'docker-pullable', pullable: m[1]! };
  m = DOCKER_IMAGE_ID_RE.exec(imageID);
  if (m) return { form: 'docker-image-id', configDigest: m[1]! };
  m = IMAGE_ID_RE.exec(imageID);
  if (m) return { form: 'image-id', configDigest: m[1]! };
  m = REPO_DIGEST_RE.exec(imageID);
  if (m) return { form: 'repo-digest', pullable: m[1]! };
  return { form: 'other' };
}

export type ResolvedImage =
  | {
      ok: true;
      target: Extract<Target, { kind: 'registry' }>;
      /** Why the running digest is not known for sure. */
      note?: string;
      /** The config digest the node reported for a tag-resolved image: equal to the tag's config, it confirms what runs. */
      configDigest?: string;
    }
  | { ok: false; error: string };

function registryTarget(input: string): Extract<Target, { kind: 'registry' }> {
  const ref = parseReference(input);
  // A digest names the content; keeping a tag beside it would split one image into several targets.
  const pinned = ref.digest !== undefined ? { registry: ref.registry, repository: ref.repository, digest: ref.digest } : ref;
  return { kind: 'registry', ref: formatReference(pinned), ...pinned };
}

function whyUnpinned(c: PodContainer, id: ClassifiedImageId): string {
  if (!c.hasStatus) return 'the pod reports no status for this container yet';
  if (id.configDigest) {
    return `the node reports only the image config id ${id.configDigest} (image preloaded or built on the node), not a registry digest`;
  }
  if (id.form === 'empty' || id.form === 'missing') return 'the container has not started, so no image digest is known yet';
  return `the node reports imageID "${c.imageID}", which is not a digest`;
}

/** The image a container runs: a digest target when the node names one, otherwise the spec's reference plus a note saying why. */
export function resolveImage(c: PodContainer): ResolvedImage {
  const where = `${c.namespace}/${c.pod} container ${c.container}`;
  const id = classifyImageId(c.imageID);
  if (id.pullable) {
    try {
      return { ok: true, target: registryTarget(id.pullable) };
    } catch {
      // An odd repository in imageID (hand-edited, a runtime's own naming): the spec still names the image.
    }
  }
  const named = c.specImage ?? c.statusImage;
  if (!named) return { ok: false, error: `${where}: no image named in the pod spec or status` };
  let target;
  try {
    target = registryTarget(named);
  } catch (err) {
    return { ok: false, error: `${where}: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (target.digest !== undefined) return { ok: true, target };
  // The note leaves out the pod: the workloads say where, and one note then serves every replica.
  const note = `${whyUnpinned(c, id)}; resolved from the tag in the pod spec (${named}), so the running digest may differ from what the tag points to now`;
  return { ok: true, target, note, ...(id.configDigest ? { configDigest: id.configDigest } : {}) };
}
