// Which decoder a document belongs to, found cheaply from its top-level keys before anything is decoded.
import { cyclonedxJson } from './cyclonedx-json.js';
import type { Identified, SbomDecoder } from './decoder.js';
import { grypeJson } from './grype-json.js';
import { inTotoDecoder } from './in-toto.js';
import { spdx3JsonLd } from './spdx-3-jsonld.js';
import { spdxJson } from './spdx-json.js';
import { syftJson } from './syft-json.js';

/** Formats that can also sit inside an attestation predicate. */
export const DOCUMENT_DECODERS: readonly SbomDecoder[] = [spdxJson, spdx3JsonLd, cyclonedxJson, syftJson, grypeJson];

/** Every decoder, in the order they are tried. */
export const DECODERS: readonly SbomDecoder[] = [...DOCUMENT_DECODERS, inTotoDecoder(DOCUMENT_DECODERS)];

export function identifySbom(doc: unknown): { decoder: SbomDecoder; id: Identified } | undefined {
  for (const decoder of DECODERS) {
    const id = decoder.identify(doc);
    if (id) return { decoder, id };
  }
  return undefined;
}

/** The format a parsed document is in (`spdx-json-2.3`, `in-toto`, ...), even a version not supported; undefined when unknown. */
export function sniffSbomFormat(doc: unknown): string | undefined {
  return identifySbom(doc)?.id.format;
}
