// RFC 5988 `Link` headers, as registries use them to page catalogs and tag lists.

/** The `rel="next"` target of a Link header, resolved against the URL that returned it. */
export function nextLink(header: string | null, base: string): string | undefined {
  if (!header) return undefined;
  const re = /<([^>]*)>((?:\s*;\s*[^;,]+)*)/g;
  for (let m = re.exec(header); m; m = re.exec(header)) {
    const params = m[2] ?? '';
    const rel = /;\s*rel\s*=\s*"?([^";,]+)"?/i.exec(params)?.[1];
    if (rel?.split(/\s+/).includes('next')) return new URL(m[1] ?? '', base).href;
  }
  return undefined;
}
