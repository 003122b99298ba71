// `PATH[:NAME]` specs (`oci-dir:./layout:3.19`, `oci-archive:app.tar:app:1`): the path, and the image the user picked.
import { stat } from 'node:fs/promises';

export interface PathSpec {
  path: string;
  /** A tag or name (`3.19`, `app:1`, `ghcr.io/org/app:1`) matched against the layout's or archive's image names. */
  select?: string;
}

/** The whole spec when it names a path; else the shortest prefix before a `:` that does, and the rest as the name. */
export async function splitPathSpec(spec: string): Promise<PathSpec> {
  if (await exists(spec)) return { path: spec };
  for (let i = spec.indexOf(':'); i > 0; i = spec.indexOf(':', i + 1)) {
    const head = spec.slice(0, i);
    const rest = spec.slice(i + 1);
    if (rest !== '' && (await exists(head))) return { path: head, select: rest };
  }
  return { path: spec };
}

async function exists(p: string): Promise<boolean> {
  return p !== '' && (await stat(p).then(() => true, () => false));
}

/**
 * Does an image name match what the user picked? `name` is a full reference (`docker.io/library/alpine:3.19`) or,
 * as skopeo and buildx write org.opencontainers.image.ref.name, just a tag (`3.19`).
 */
export function nameMatches(name: string, select: string): boolean {
  if (name === select) return true;
  if (name.endsWith(`/${select}`)) return true;
  const tag = /:([\w][\w.-]{0,127})$/.exec(name)?.[1];
  const hasRepo = /[/:]/.test(name);
  // `:3.19` picks `alpine:3.19`; a bare-tag name `3.19` is matched by `alpine:3.19` too (skopeo's oci:DIR:REF form).
  if (hasRepo && tag === select) return true;
  return !hasRepo && select.endsWith(`:${name}`);
}
