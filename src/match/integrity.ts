// Tarball integrity in every spelling lockfiles use, written one way: `sha512-<hex>`, `sha1-<hex>`.

const HEX_BYTES: Record<string, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

function fromHex(algorithm: string, hex: string): string | undefined {
  const want = HEX_BYTES[algorithm];
  return want !== undefined && hex.length === want * 2 && /^[0-9a-f]+$/i.test(hex) ? `${algorithm}-${hex.toLowerCase()}` : undefined;
}

/** One hash: SRI `sha512-<base64>` (npm, pnpm), `sha1-<hex>`, or bare hex (yarn v1's `#<sha1>` fragment). */
function normalizeOne(token: string): string | undefined {
  const t = token.trim();
  const sri = /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/=_-]+)(?:\?.*)?$/i.exec(t);
  if (sri) {
    const algorithm = sri[1]!.toLowerCase();
    const body = sri[2]!;
    const asHex = fromHex(algorithm, body);
    if (asHex !== undefined) return asHex;
    const bytes = Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return bytes.length === HEX_BYTES[algorithm] ? `${algorithm}-${bytes.toString('hex')}` : undefined;
  }
  if (/^[0-9a-f]{40}$/i.test(t)) return `sha1-${t.toLowerCase()}`;
  if (/^[0-9a-f]{128}$/i.test(t)) return `sha512-${t.toLowerCase()}`;
  return undefined;
}

/**
 * Every hash an integrity text names (an SRI string may list several, space-separated), normalised;
 * undefined when any token is not a hash, so a typo in an IOC is an error, not a hash nothing has.
 */
export function normalizeIntegrity(text: string): string[] | undefined {
  const tokens = text.trim().split(/\s+/).filter((t) => t !== '');
  if (tokens.length === 0) return undefined;
  const out: string[] = [];
  for (const t of tokens) {
    const n = normalizeOne(t);
    if (n === undefined) return undefined;
    out.push(n);
  }
  return out;
}
