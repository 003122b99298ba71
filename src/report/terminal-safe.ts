// Text that came from an image, an SBOM, a feed or a registry, made safe to print on a terminal.

/**
 * C0 controls (newline and tab included: a path with a newline could forge a report line), DEL, C1 controls,
 * the bidi embeddings, overrides and isolates (Trojan Source), and the Unicode line and paragraph separators.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** Every unsafe character as a visible escape (`\x1b`, `\u{202e}`): ESC sequences and cursor moves become inert text. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const cp = ch.codePointAt(0)!;
    return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
  });
}

/** A deep copy with every string escaped: presenters for people then print any field without thinking about it. */
export function terminalSafe<T>(value: T): T {
  if (typeof value === 'string') return escapeControl(value) as T;
  if (Array.isArray(value)) return value.map((v) => terminalSafe(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = terminalSafe(v);
    return out as T;
  }
  return value;
}
