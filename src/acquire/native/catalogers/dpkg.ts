// Debian packages: the dpkg status database, and distroless images' one-file-per-package status.d.
import type { Cataloger, CatalogResult, FoundPackage } from './cataloger.js';
import { noteFor, parseHeaderParagraphs } from './cataloger.js';

const STATUS = /^var\/lib\/dpkg\/(?:status|status\.d\/[^/]+)$/;

export const dpkgCataloger = {
  name: 'dpkg',
  wants: (path) => STATUS.test(path) && !path.endsWith('.md5sums'),
  maxBytes: (limits) => Math.max(limits.maxFileBytes, 64 * 1024 ** 2),
  catalog(path, content): CatalogResult {
    const packages: FoundPackage[] = [];
    const notes: string[] = [];
    // status.d files may omit Status (distroless writes only installed packages); the main database may not.
    const statusRequired = path === 'var/lib/dpkg/status';
    for (const para of parseHeaderParagraphs(content.toString('utf8'))) {
      const name = para.get('Package');
      const status = para.get('Status');
      if (status !== undefined ? status.split(/\s+/)[2] !== 'installed' : statusRequired) continue;
      if (!name) {
        notes.push(noteFor(path, 'dpkg', 'a paragraph has no Package field'));
        continue;
      }
      packages.push({ ecosystem: 'deb', name, version: para.get('Version') ?? '', path: `/${path}` });
    }
    return { packages, notes };
  },
} satisfies Cataloger;
