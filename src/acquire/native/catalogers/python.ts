// Python distributions: installed wheels (*.dist-info/METADATA) and eggs (*.egg-info/PKG-INFO).
import { PackageURL } from 'packageurl-js';
import type { Cataloger, CatalogResult } from './cataloger.js';
import { noteFor, parseHeaderParagraphs } from './cataloger.js';

// An egg-info may also be a single file holding the PKG-INFO text (distutils installs).
const METADATA = /(?:^|\/)[^/]+\.(?:dist-info\/METADATA|egg-info\/PKG-INFO|egg-info)$/;

function pypiPurl(name: string, version: string): string | undefined {
  try {
    return new PackageURL('pypi', undefined, name.toLowerCase().replace(/[-_.]+/g, '-'), version || undefined, undefined, undefined).toString();
  } catch {
    return undefined;
  }
}

export const pythonCataloger = {
  name: 'python',
  wants: (path) => METADATA.test(path),
  maxBytes: (limits) => limits.maxFileBytes,
  catalog(path, content): CatalogResult {
    // Only the header block matters; the long description after it can be large and is ignored.
    const head = parseHeaderParagraphs(content.toString('utf8'))[0];
    const name = head?.get('Name');
    const version = head?.get('Version') ?? '';
    if (!name) return { packages: [], notes: [noteFor(path, 'python', 'no Name header')] };
    return { packages: [{ ecosystem: 'pypi', name, version, purl: pypiPurl(name, version), path: `/${path}` }], notes: [] };
  },
} satisfies Cataloger;
