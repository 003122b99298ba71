// Acquire from an SBOM file given by the user: decode it, keep where it came from.
import { readFile } from 'node:fs/promises';
import { decodeSbom } from '../formats/index.js';
import { InputError } from '../errors.js';
import type { AcquiredImage } from '../model/target.js';
import type { Acquirer } from './acquirer.js';
import { notMine } from './acquirer.js';

export const sbomFileAcquirer = {
  name: 'sbom-file',
  async acquire(target, ctx) {
    if (target.kind !== 'sbom-file') return notMine('not an SBOM file');
    const image: AcquiredImage = { ref: target.ref, platforms: [], errors: [] };
    let text: string;
    try {
      text = await readFile(target.path, 'utf8');
    } catch (err) {
      const msg = `${target.path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
      ctx.inputErrors.push(msg);
      image.errors.push(msg);
      return { ok: true, image };
    }
    try {
      const sbom = decodeSbom(text, target.path);
      if (sbom.subject?.digest) image.digest = sbom.subject.digest;
      const attested = sbom.attestation !== undefined;
      image.platforms.push({
        packages: sbom.packages,
        created: sbom.created
          ? { value: sbom.created, source: attested ? 'attestation SBOM creation time' : 'SBOM creation time', reliable: true }
          : undefined,
        evidence: {
          kind: 'sbom-file',
          format: sbom.format,
          detail: attested ? `${target.path} (attestation read from a file: signature not verified)` : target.path,
          ...(attested ? { verified: false } : {}),
        },
        errors: [],
        notes: [],
      });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      ctx.inputErrors.push(err.message);
      image.errors.push(err.message);
    }
    return { ok: true, image };
  },
} satisfies Acquirer;
