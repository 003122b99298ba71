// The Sigstore public-good trusted root, as the Sigstore TUF repository ships it embedded in @sigstore/tuf's
// seeds: the real trust anchor the recorded keyless bundles chain to, read offline.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The trusted_root.json target of the public-good TUF repository, parsed. */
export function publicGoodTrustedRoot(): Record<string, unknown> {
  const seeds = path.join(path.dirname(require.resolve('@sigstore/tuf')), '..', 'seeds.json');
  const all = JSON.parse(readFileSync(seeds, 'utf8')) as Record<string, { targets?: Record<string, string> }>;
  const encoded = all['https://tuf-repo-cdn.sigstore.dev']?.targets?.['trusted_root.json'];
  if (!encoded) throw new Error(`${seeds}: no trusted_root.json target for the public-good instance`);
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as Record<string, unknown>;
}

/** Writes a trusted root (the public-good one unless given) to `file` and returns the path. */
export function writeTrustedRoot(file: string, root: Record<string, unknown> = publicGoodTrustedRoot()): string {
  writeFileSync(file, JSON.stringify(root, null, 1));
  return file;
}
