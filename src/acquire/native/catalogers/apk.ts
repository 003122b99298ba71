// Alpine (and Wolfi) packages: the apk database, one `P:`/`V:` record per installed package.
import type { Cataloger, CatalogResult, FoundPackage } from './cataloger.js';
import { noteFor } from './cataloger.js';

export const apkCataloger = {
  name: 'apk',
  wants: (path) => path === 'lib/apk/db/installed',
  maxBytes: (limits) => Math.max(limits.maxFileBytes, 64 * 1024 ** 2),
  catalog(path, content): CatalogResult {
    const packages: FoundPackage[] = [];
    const notes: string[] = [];
    for (const record of content.toString('utf8').split(/\n[ \t]*\n/)) {
      let name: string | undefined;
      let version = '';
      for (const line of record.split('\n')) {
        if (line.startsWith('P:')) name = line.slice(2).trim();
        else if (line.startsWith('V:')) version = line.slice(2).trim();
      }
      if (name) packages.push({ ecosystem: 'apk', name, version, path: `/${path}` });
      else if (record.trim()) notes.push(noteFor(path, 'apk', 'a record has no P: line'));
    }
    return { packages, notes };
  },
} satisfies Cataloger;
