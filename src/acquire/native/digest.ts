// Content digests: parsing `algorithm:hex`, and checking bytes or streams against them.
import { createHash, type Hash } from 'node:crypto';

const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

/** Splits a digest, refusing algorithms we cannot verify and malformed hex (which could also reach a file path). */
export function parseDigest(digest: string): { algorithm: string; hex: string } {
  const m = /^([a-z0-9]+):([a-f0-9]+)$/.exec(digest);
  const len = m ? HEX_LENGTH[m[1] ?? ''] : undefined;
  if (!m || len === undefined || m[2]?.length !== len) throw new Error(`unsupported or malformed digest ${JSON.stringify(digest)}`);
  return { algorithm: m[1] as string, hex: m[2] as string };
}

export function isDigest(digest: string): boolean {
  try {
    parseDigest(digest);
    return true;
  } catch {
    return false;
  }
}

export function hasherFor(digest: string): Hash {
  return createHash(parseDigest(digest).algorithm);
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Throws when `bytes` do not hash to `digest`; `what` names the object in the message. */
export function verifyBytes(bytes: Buffer, digest: string, what: string): void {
  const { algorithm, hex } = parseDigest(digest);
  const actual = createHash(algorithm).update(bytes).digest('hex');
  if (actual !== hex) throw new Error(`${what} ${digest}: digest mismatch (content hashes to ${algorithm}:${actual})`);
}
