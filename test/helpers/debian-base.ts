// A real Debian bookworm root filesystem, made by Debian's mmdebstrap from deb.debian.org (bookworm and
// bookworm-updates), with the packages chosen to give the dpkg cataloger what real Debian data holds: two
// architectures (amd64 and i386, libc6 and zlib1g in both), epochs (zlib1g, passwd, login), `~` versions
// (debianutils, libssl3), `+really` versions (sysuser-helper, kcc, fmtools), binNMUs whose Source names the
// version in parentheses (bash, libselinux1), Source unlike the binary's name (libc6 from glibc), Architecture: all
// (ca-certificates, tzdata, netbase) and what bookworm-updates holds newer than bookworm (ca-certificates, when
// it was made). The mirror moves on: a base made later may hold other versions, so the tests check these kinds, not
// the versions. Docs, man pages and locales are left out by dpkg path-exclude options as Debian's slim images are
// built (so the files dpkg lists are not all on disk). Beside the tarball: the .debs a later build installs
// (`debs/`, downloaded by apt in the same run, so a build step needs no network), dpkg-query's listing of the base
// (`query.txt`) and what bookworm-updates offered (`updates.txt`).
//
// Downloaded once per DEBIAN_BASE (about 30 MB; 45 to 72 s here, `npm run bench -- debian-image`) into ~/.cache/sbom-hunt-tools, where CI keeps the
// tools scripts/setup.sh downloads; a warm run reads it from there and never reaches the network.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cachedBuild, cachedBuildDir, isBuilt, TOOLS_CACHE } from './real-tools.js';

const MIRROR = 'http://deb.debian.org/debian';

export const DEBIAN_BASE = {
  v: 1,
  suite: 'bookworm',
  sources: [`deb ${MIRROR} bookworm main`, `deb ${MIRROR} bookworm-updates main`],
  variant: 'minbase',
  architectures: 'amd64,i386',
  include: ['libc6:i386', 'ca-certificates', 'sysuser-helper'],
  dpkgopt: ['path-exclude=/usr/share/doc/*', 'path-include=/usr/share/doc/*/copyright', 'path-exclude=/usr/share/man/*', 'path-exclude=/usr/share/locale/*'],
  /** Downloaded beside the base, with what they need that it lacks, for a build step to install. */
  extra: ['kcc', 'fmtools', 'netbase', 'zlib1g:i386'],
};

/** What dpkg-query says of each package: the brief's fields, and the Source dpkg-query derives. */
export const DPKG_QUERY_FORMAT = '${Package}:${Architecture} ${Version} ${Status}\t${db:Status-Status}\t${source:Package}\t${source:Version}\t${Source}\n';

export interface DebianBase {
  /** The root filesystem as mmdebstrap wrote it. */
  tar: string;
  /** The .deb files of DEBIAN_BASE.extra (and their missing dependencies), as apt downloaded them. */
  debs: string;
  /** dpkg-query -W (DPKG_QUERY_FORMAT) over the base. */
  query: string;
  /** `name:arch version` of every package bookworm-updates offered when the base was made. */
  updates: string;
}

const KIND = 'debian-base';

function paths(dir: string): DebianBase {
  return { tar: join(dir, 'base.tar'), debs: join(dir, 'debs'), query: join(dir, 'query.txt'), updates: join(dir, 'updates.txt') };
}

/** Why the base cannot be made here (no mmdebstrap, no route to the mirror), or undefined when it can (or is made). */
export async function debianBaseUnavailable(): Promise<string | undefined> {
  if (isBuilt(KIND, DEBIAN_BASE, TOOLS_CACHE)) return undefined;
  try {
    execFileSync('sh', ['-c', 'command -v mmdebstrap'], { stdio: 'ignore' });
  } catch {
    if (process.env.CI) throw new Error('mmdebstrap is missing: scripts/setup.sh installs it, and CI needs it');
    return 'mmdebstrap is not installed (apt-get install mmdebstrap)';
  }
  try {
    const r = await fetch(`${MIRROR}/dists/${DEBIAN_BASE.suite}/InRelease`, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
    return r.ok ? undefined : `${MIRROR} answered ${r.status} for the ${DEBIAN_BASE.suite} InRelease`;
  } catch (err) {
    return `${MIRROR} is not reachable (${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}) and no Debian base is cached in ${cachedBuildDir(KIND, DEBIAN_BASE, TOOLS_CACHE)}`;
  }
}

/** Makes (or reuses) the base: mmdebstrap's tarball, the extra .debs and the listings beside it. */
export async function debianBase(): Promise<DebianBase> {
  const dir = await cachedBuild(
    KIND,
    DEBIAN_BASE,
    async (work) => {
      const out = paths(work);
      const b = DEBIAN_BASE;
      const args = [
        '--quiet',
        `--variant=${b.variant}`,
        `--architectures=${b.architectures}`,
        '--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr',
        ...b.dpkgopt.map((o) => `--dpkgopt=${o}`),
        `--include=${b.include.join(',')}`,
        `--customize-hook=dpkg-query --admindir="$1/var/lib/dpkg" -W -f '${DPKG_QUERY_FORMAT}' > ${out.query}`,
        // What bookworm-updates offered, from apt's own lists (gone once mmdebstrap cleans up).
        `--customize-hook=cat "$1"/var/lib/apt/lists/*_bookworm-updates_*_Packages | awk '/^Package:/{p=$2} /^Architecture:/{a=$2} /^Version:/{v=$2} /^$/{print p ":" a " " v}' > ${out.updates}`,
        // The extra packages, downloaded by apt alone in an emptied archive folder.
        '--customize-hook=rm -f "$1"/var/cache/apt/archives/*.deb',
        `--customize-hook=chroot "$1" apt-get install --download-only --no-install-recommends -y -q ${b.extra.join(' ')}`,
        `--customize-hook=mkdir ${out.debs} && cp "$1"/var/cache/apt/archives/*.deb ${out.debs}/`,
        b.suite,
        out.tar,
        ...b.sources,
      ];
      try {
        execFileSync('mmdebstrap', args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 ** 2 });
      } catch (err) {
        throw new Error(`mmdebstrap failed: ${String((err as { stderr?: Buffer }).stderr ?? err).slice(-4000)}`);
      }
    },
    TOOLS_CACHE,
  );
  const base = paths(dir);
  if (!existsSync(base.tar)) throw new Error(`${dir} holds no base.tar`);
  return base;
}
