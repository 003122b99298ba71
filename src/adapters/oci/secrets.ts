// Registry credentials join the one secret registry of the tool runner, with the encodings they travel in.
import { maskSecrets, registerSecret } from '../exec.js';

/** Remembers a secret, plain and as it appears in Basic headers (base64) and in forms (URL-encoded). */
export function addSecret(secret: string | undefined): void {
  if (!secret || secret.length < 3) return;
  registerSecret(secret);
  registerSecret(Buffer.from(secret).toString('base64'));
  registerSecret(encodeURIComponent(secret));
}

/** Masks every registered secret, and the given extra ones, in a text. */
export function redact(text: string, extra: readonly (string | undefined)[] = []): string {
  return maskSecrets(text, extra);
}
