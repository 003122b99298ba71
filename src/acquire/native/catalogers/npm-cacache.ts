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
import { tarballIdentity } from '../../../match/tarball-url.js';

const BUCKET = /(?:^|\/)_cacache\/index-v5\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]+$/;
const KEY_PREFIX = 'make-fetch-happen:request-cache:';

export const npmCacacheCataloger = {
  name: 'npm-cacache',
  wants: (path) => BUCKET.test(path),
  maxBytes: (limits) => limits.maxFileBytes,
  catalog(path, content): CatalogResult {
    const packages: FoundPackage[] = [];
    let bad = 0;
    let unnamed = 0;
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
      const url = key.slice(KEY_PREFIX.length);
      const pkg = tarballIdentity(url);
      if (!pkg) {
        // A tarball fetched from an address in no registry's layout (a URL dependency): its name is inside it.
        if (/\.(?:tgz|tar\.gz)(?:[?#]|$)/i.test(url)) unnamed++;
        continue;
      }
      const found: FoundPackage = { ecosystem: 'npm', name: pkg.name, version: pkg.version, path: `/${path}`, location: 'download-cache' };
      const purl = npmPurl(pkg.name, pkg.version);
      if (purl) found.purl = purl;
      packages.push(found);
    }
    const notes: string[] = [];
    if (bad > 0) notes.push(noteFor(path, 'npm-cacache', `${bad} line(s) that are not index entries`));
    if (unnamed > 0) notes.push(noteFor(path, 'npm-cacache', `${unnamed} tarball(s) fetched from addresses that name no package (not read: their package is known only from inside the tarball)`));
    return { packages, notes };
  },
} satisfies Cataloger;
