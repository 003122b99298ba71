// Packages read with no version (a git, tarball or folder dependency whose lockfile records only its source) that
// an IOC names by version or range: which version they are cannot be told, so they leave the platform unknown.
import type { Package } from '../model/package.js';
import { iocCandidates } from './match-packages.js';
import type { IocIndex } from './ioc-index.js';

const MAX_PATHS = 3;

/** One reason per version-less package an IOC names by version (an every-version IOC already matched it). */
export function unversionedReasons(pkgs: readonly Package[], index: IocIndex): string[] {
  const out: string[] = [];
  for (const pkg of pkgs) {
    if (pkg.version !== '') continue;
    const entries = (iocCandidates(pkg, index) ?? []).filter((e) => !e.ioc.anyVersion);
    if (entries.length === 0) continue;
    const named = [...new Set(entries.map((e) => `${e.label} (${[...e.versionList, ...e.ranges.map((r) => r.text)].join(', ')})`))].join('; ');
    const at = pkg.paths.length > 0 ? ` at ${pkg.paths.slice(0, MAX_PATHS).join(', ')}${pkg.paths.length > MAX_PATHS ? ` and ${pkg.paths.length - MAX_PATHS} more` : ''}` : '';
    out.push(`${pkg.ecosystem ? `${pkg.ecosystem} ` : ''}${pkg.name}${at} has no version (what was read records only its source): cannot tell whether it is a version ${named} names`);
  }
  return out;
}
