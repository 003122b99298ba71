// A source argument -> the source that reads it: `scheme:spec` for a scheme we know, a path by what it holds,
// else an image reference; a word before a colon that is near a scheme is a typo, refused with a did-you-mean.
import { stat } from 'node:fs/promises';
import { formatReference, parseReference } from '../adapters/oci/reference.js';
import { UsageError } from '../errors.js';
import type { InventoryResult, Source } from './source.js';
import { editDistance } from '../edit-distance.js';

/** Other tools' names for our schemes (skopeo, syft, trivy), and the one we mean. */
const ALIASES: Record<string, string> = {
  oci: 'oci-dir',
  'oci-layout': 'oci-dir',
  'docker-daemon': 'docker',
  'containers-storage': 'podman',
  directory: 'dir',
  k8s: 'kube',
  kubernetes: 'kube',
  spdx: 'sbom',
  cyclonedx: 'sbom',
};

/** Extensions that say "a file", so a missing one is not looked up on Docker Hub. */
const FILE_LIKE = /\.(?:json|jsonl|jsonld|ya?ml|xml|rdf|spdx|cdx|bom|sbom|intoto|att|tar|tgz|tar\.gz|txt)$/i;

export interface Resolved {
  source: Source;
  spec: string;
}

export async function resolveSourceArg(arg: string, sources: readonly Source[]): Promise<Resolved> {
  const m = /^([a-z][a-z0-9-]*):(.*)$/s.exec(arg);
  const known = m ? sources.find((s) => s.scheme === m[1]) : undefined;
  if (known) return { source: known, spec: m![2]! };
  // A path that exists wins over an image of the same name, as in syft.
  if (await exists(arg)) return { source: bySniffSource(sources), spec: arg };
  if (m) refuseUnknownScheme(m[1]!, m[2]!, arg, sources);
  if (looksLikePath(arg)) return { source: missingPath, spec: arg };
  const image = sources.find((s) => s.scheme === 'image');
  if (!image) throw new UsageError(`unknown source "${arg}": write it with a scheme prefix (${schemeList(sources)})`);
  return { source: image, spec: arg };
}

/** `word:rest` with an unknown word: an image reference (`nginx:1.27`, `myhost:5000/app`) unless it reads as a typo. */
function refuseUnknownScheme(word: string, rest: string, arg: string, sources: readonly Source[]): void {
  const hint = didYouMean(word, sources);
  const image = imageRef(arg);
  if (!hint && image && !looksLikePath(rest)) return;
  const asImage = image ? `; for the image, write it in full: ${image}` : '';
  throw new UsageError(`unknown source scheme "${word}:" in ${arg}${hint ? ` (did you mean ${hint}:${rest}?)` : ''}: the schemes are ${schemeList(sources)}${asImage}`);
}

export function didYouMean(word: string, sources: readonly Source[]): string | undefined {
  if (ALIASES[word]) return ALIASES[word];
  const schemes = sources.map((s) => s.scheme).filter((s) => s !== 'image');
  let best: { scheme: string; d: number } | undefined;
  for (const s of schemes) {
    const d = editDistance(word, s);
    if (!best || d < best.d) best = { scheme: s, d };
  }
  // One edit for short words (`dri`, `kub`), two for longer ones (`oci-archiv`, `dcoker`).
  const allowed = word.length <= 4 ? 1 : 2;
  return best && best.d <= allowed ? best.scheme : undefined;
}


/** The reference in full (`docker.io/library/tube:1`), a form no scheme can be mistaken for; undefined when not one. */
function imageRef(arg: string): string | undefined {
  try {
    return formatReference(parseReference(arg));
  } catch {
    return undefined;
  }
}

function looksLikePath(s: string): boolean {
  return /^(?:\.{1,2}(?:\/|$)|\/|~)/.test(s) || FILE_LIKE.test(s);
}

function schemeList(sources: readonly Source[]): string {
  return sources.map((s) => `${s.scheme}:`).join(', ');
}

async function exists(p: string): Promise<boolean> {
  return p !== '' && (await stat(p).then(() => true, () => false));
}

/** A path named bare or with `file:`: read with the source its content calls for. */
export function bySniffSource(sources: readonly Source[], scheme = 'path', fileOnly = false): Source {
  return {
    scheme,
    describe: 'a file read by what it holds: a docker or OCI archive, or an SBOM (syft\'s file:)',
    async inventory(spec, ctx): Promise<InventoryResult> {
      const label = scheme === 'path' ? spec : `${scheme}:${spec}`;
      if (fileOnly && (await stat(spec).catch(() => undefined))?.isDirectory()) {
        return { targets: [], errors: [], inputErrors: [`${label}: a folder; file: names one file (a folder is dir:, sbom: or oci-dir:)`] };
      }
      const { sniffPath } = await import('./sniff-path.js');
      const sniffed = await sniffPath(spec);
      if ('error' in sniffed) return { targets: [], errors: [], inputErrors: [`${label}: ${sniffed.error}`] };
      const source = sources.find((s) => s.scheme === sniffed.scheme);
      if (!source) return { targets: [], errors: [], inputErrors: [`${label}: no ${sniffed.scheme}: source in this run`] };
      return source.inventory(spec, ctx);
    },
  } satisfies Source;
}

const missingPath: Source = {
  scheme: 'path',
  describe: 'a path that does not exist',
  inventory: async (spec) => ({ targets: [], errors: [], inputErrors: [`${spec}: no such file or directory (a path, not an image reference: nothing there to read)`] }),
};
