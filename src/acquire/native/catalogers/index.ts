// The catalogers, in the order their packages are listed.
import { apkCataloger } from './apk.js';
import type { Cataloger, ContentCataloger } from './cataloger.js';
import { dpkgCataloger, dpkgFileListCataloger } from './dpkg.js';
import { goBinaryCataloger } from './go-binary.js';
import { javaArchiveCataloger } from './java-archive.js';
import { npmCacacheCataloger } from './npm-cacache.js';
import { npmLockfileCataloger } from './npm-lockfile.js';
import { npmCataloger } from './npm.js';
import { pythonCataloger } from './python.js';
import { rpmCataloger } from './rpm.js';
import { yarnPnpCataloger } from './yarn-pnp.js';
import { yarnZipCataloger } from './yarn-zip.js';

export type { Cataloger, CatalogResult, ContentCataloger, ContentSink, FileLookup, FoundPackage } from './cataloger.js';

export const CATALOGERS: readonly Cataloger[] = [
  npmCataloger,
  npmLockfileCataloger,
  npmCacacheCataloger,
  yarnZipCataloger,
  yarnPnpCataloger,
  pythonCataloger,
  dpkgCataloger,
  dpkgFileListCataloger,
  apkCataloger,
  rpmCataloger,
  javaArchiveCataloger,
];

/** The cataloger that wants a file at this path, if any; called for every tar entry, so cheap. */
export function catalogerFor(path: string): Cataloger | undefined {
  for (const c of CATALOGERS) if (c.wants(path)) return c;
  return undefined;
}

/** Catalogers that recognise files by content at any path: every regular file not wanted by path streams through them. */
export const CONTENT_CATALOGERS: readonly ContentCataloger[] = [goBinaryCataloger];
