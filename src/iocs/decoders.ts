// The IOC decoders in the order they are tried, and the dispatch that picks one by sniffing the content.
import { InputError } from '../errors.js';
import type { Incident } from '../model/ioc.js';
import type { IocDecoder } from './decoder.js';
import { flatGuideList } from './flat-list.js';
import { osvJson } from './osv.js';
import { sbomHuntV1 } from './sbom-hunt-v1.js';
import { lineOf, type YamlSource } from './yaml-source.js';

/** Tried in order: the first that says `mine` decodes the file. */
export const IOC_DECODERS = [sbomHuntV1, flatGuideList, osvJson] as const satisfies readonly IocDecoder[];

/** Tells "not a format I know" apart from "a format I know, in a version I do not". */
export function decodeIocSource(src: YamlSource): Incident[] {
  const value = src.value as Record<string, unknown>;
  for (const decoder of IOC_DECODERS) {
    const id = decoder.identify(value);
    if (id.kind === 'mine') return decoder.decode(src);
    if (id.kind === 'unsupported-version') {
      throw new InputError(src.file, `${id.field} ${id.version} is not one this sbom-hunt reads (it reads ${id.supported})`, lineOf(src, [id.field]), id.field);
    }
  }
  throw new InputError(src.file, 'not an IOC format I know: expected `apiVersion: sbom-hunt/v1` with `incidents:`, a flat `packages:` list, or an OSV record');
}
