// The value rules of file and image indicators, without zod: schema.ts's zod schemas (which word the errors) and
// fast-specs.ts's plain checks (which answer for valid records) both call these, so the two cannot drift apart.
import { formatReference, parseReference } from '../adapters/oci/reference.js';

/** 64 hex digits, lowered, after an optional `sha256:`; undefined when `s` (already trimmed) is not one. */
export function sha256HexOf(s: string): string | undefined {
  const hex = s.toLowerCase().replace(/^sha256:/, '');
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

/** An image digest, `sha256:<64 hex>`, lowered; undefined when `s` (already trimmed) is not one. */
export function imageDigestOf(s: string): string | undefined {
  const d = s.toLowerCase();
  return /^sha256:[0-9a-f]{64}$/.test(d) ? d : undefined;
}

/**
 * `repository:tag` (registry optional, docker.io assumed) normalised as docker does, a digest after `@` allowed;
 * throws with the reason when it is not one or names no tag or digest (which would mean every tag).
 */
export function imageRefOf(s: string): string {
  const ref = parseReference(s, { defaultTag: false });
  if (ref.tag === undefined && ref.digest === undefined) throw new Error(`name a tag or digest (repository:tag): ${JSON.stringify(s)} would mean every tag`);
  return formatReference(ref);
}
