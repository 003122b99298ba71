// Credentials seen by the registry adapters, so no error or log line can carry them out.

const known = new Set<string>();
const MASK = '***';

/** Remembers a secret, with the encodings it travels in (Basic headers carry base64 of `user:pass`). */
export function addSecret(secret: string | undefined): void {
  if (!secret || secret.length < 3) return;
  known.add(secret);
  known.add(Buffer.from(secret).toString('base64'));
  known.add(encodeURIComponent(secret));
}

/** Masks every known secret and the given extra ones in a text. */
export function redact(text: string, extra: readonly (string | undefined)[] = []): string {
  const all = [...known, ...extra.filter((s): s is string => !!s && s.length >= 3)];
  // Longest first, so a secret that contains another is masked whole.
  all.sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of all) out = out.split(s).join(MASK);
  return out;
}
