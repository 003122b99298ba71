// RFC 5988 `Link` headers, as registries use them to page catalogs and tag lists.
import { ToolError } from '../../errors.js';

/**
 * The `rel="next"` target of a Link header, resolved against the URL that returned it. A target that
 * is no URL is the registry's fault: a ToolError naming its host, not a TypeError from `new URL`.
 */
export function nextLink(header: string | null, base: string): string | undefined {
  if (!header) return undefined;
  const re = /<([^>]*)>((?:\s*;\s*[^;,]+)*)/g;
  for (let m = re.exec(header); m; m = re.exec(header)) {
    const params = m[2] ?? '';
    const rel = /;\s*rel\s*=\s*"?([^";,]+)"?/i.exec(params)?.[1];
    if (!rel?.split(/\s+/).includes('next')) continue;
    const target = m[1] ?? '';
    if (!URL.canParse(target, base)) throw new ToolError(URL.canParse(base) ? new URL(base).host : base, `the Link header's next page is not a URL: ${JSON.stringify(target.slice(0, 200))}`);
    return new URL(target, base).href;
  }
  return undefined;
}
