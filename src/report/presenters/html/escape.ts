// Escaping for the HTML report: image refs, package names and reasons are attacker-controlled text.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in element content and in double-quoted attribute values. */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * An image ref or a path, escaped, with a break opportunity after each `/` (and `@`, `:` before a digest): a narrow
 * cell wraps `registry.example.com/shop/` + `api:1.2`, not `registry.exam` + `ple.com`. Copying the text copies no breaks.
 */
export function escPath(s: string): string {
  return esc(s).replace(/([/@])/g, '$1<wbr>');
}

/** An href only for http(s) URLs; anything else (javascript:, data:) stays text. */
export function link(url: string, text = url): string {
  return /^https?:\/\/[^\s"'<>]+$/i.test(url) ? `<a href="${esc(url)}" rel="noreferrer noopener">${esc(text)}</a>` : esc(text);
}
