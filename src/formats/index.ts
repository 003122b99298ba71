// Stage 3: SBOM document text -> packages. Sniff the format, then hand the document to its decoder.
import { InputError } from '../errors.js';
import type { DecodedSbom } from './decoder.js';
import { parseJsonValues } from './json-text.js';
import { DECODERS, identifySbom, sniffSbomFormat } from './sniff.js';

export type { DecodedSbom, Identified, SbomDecoder } from './decoder.js';
export { readAttestations, unwrapPredicate, type Attestation } from './in-toto.js';
export { parsePurl } from './purl.js';
export { DECODERS, sniffSbomFormat };

const KNOWN = 'SPDX JSON, CycloneDX JSON, syft JSON, grype JSON, in-toto/DSSE attestation';

/**
 * Decodes one SBOM file. Throws InputError naming the file when it is empty, not JSON or cut short,
 * in no format known here, or in a known format at a version not supported.
 */
export function decodeSbom(text: string, file: string): DecodedSbom {
  const values = parseJsonValues(text.replace(/^\uFEFF/, ''), file);
  // Several values in one file only make sense as a stream of attestations; the in-toto sniff checks that.
  const doc = values.length === 1 ? values[0] : values;
  const found = identifySbom(doc);
  if (!found) throw new InputError(file, `not an SBOM format I know (looked for ${KNOWN})`);
  if (!found.id.supported) throw new InputError(file, found.id.detail ?? `${found.id.format} is not supported`);
  try {
    return found.decoder.decode(doc, file);
  } catch (err) {
    // A document nested past the stack (inside a string predicate, say) is bad input, never a crash text.
    if (err instanceof RangeError) throw new InputError(file, `${found.id.format}: the document nests too deeply to read`);
    throw err;
  }
}
