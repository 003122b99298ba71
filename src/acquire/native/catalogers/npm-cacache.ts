// npm's download cache (~/.npm/_cacache): index-v5 buckets record every registry tarball the build fetched.
// A tarball there is not proof the package is installed, but it is proof the build downloaded it: the
// package is listed with location `download-cache`, which the matcher turns into `suspect`, not `affected`.
//
// Bucket format (cacache lib/entry-index.js): one entry per line, `<sha1 of json>\t<json>`, json
// `{ key, integrity, time, size, metadata }`; make-fetch-happen keys a response as
// `make-fetch-happen:request-cache:<url>`. A deleted entry is appended with `integrity: null`: the fetch
// still happened, so it counts. Lines cacache itself would skip (bad JSON) are skipped with a note.
import type { Cataloger, CatalogResult, FoundPackage } from './cataloger.js';
import { noteFor } from './cataloger.js';
import { npmPurl } from './npm.js';

const BUCKET = /(?:^|\/)_cacache\/index-v5\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]+$/;
const KEY_PREFIX = 'make-fetch-happen:request-cache:';

/** `https://registry.npmjs.org/@scope/name/-/name-1.2.3.tgz` (any registry, any path prefix) -> name and version. */
export function tarballPackage(url: string): { name: string; version: string } | undefined {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return undefined;
  }
  const at = path.lastIndexOf('/-/');
  if (at < 0 || !path.endsWith('.tgz')) return undefined;
  const segments = path.slice(0, at).split('/').filter(Boolean);
  const last = segments.at(-1);
  if (!last) return undefined;
  const scope = segments.at(-2);
  // A scoped name is written `@scope/name` or `@scope%2fname` (decoded above to the same).
  const name = last.includes('/') ? last : scope?.startsWith('@') ? `${scope}/${last}` : last;
  const file = path.slice(at + 3, -'.tgz'.length);
  const bare = name.slice(name.lastIndexOf('/') + 1);
  if (!file.startsWith(`${bare}-`)) return undefined;
  const version = file.slice(bare.length + 1);
  return version ? { name, version } : undefined;
}

export const npmCacacheCataloger = {
  name: 'npm-cacache',
  wants: (path) => BUCKET.test(path),
  maxBytes: (limits) => limits.maxFileBytes,
  catalog(path, content): CatalogResult {
    const packages: FoundPackage[] = [];
    let bad = 0;
    for (const line of content.toString('utf8').split('\n')) {
      const tab = line.indexOf('\t');
      if (!line.trim()) continue;
      let entry: unknown;
      try {
        entry = JSON.parse(line.slice(tab + 1));
      } catch {
        bad++;
        continue;
      }
      const key = (entry as { key?: unknown } | null)?.key;
      if (typeof key !== 'string' || !key.startsWith(KEY_PREFIX)) continue;
      const pkg = tarballPackage(key.slice(KEY_PREFIX.length));
      if (!pkg) continue;
      const found: FoundPackage = { ecosystem: 'npm', name: pkg.name, version: pkg.version, path: `/${path}`, location: 'download-cache' };
      const purl = npmPurl(pkg.name, pkg.version);
      if (purl) found.purl = purl;
      packages.push(found);
    }
    return { packages, notes: bad > 0 ? [noteFor(path, 'npm-cacache', `${bad} line(s) that are not index entries`)] : [] };
  },
} satisfies Cataloger;
