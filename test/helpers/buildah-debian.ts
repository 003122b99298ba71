// An image built by real tools on a real Debian base (test/helpers/debian-base.ts, mmdebstrap): Debian's buildah
// (chroot isolation, vfs storage) runs the image's own apt and dpkg in four RUN steps. Step 1 installs, with
// apt-get, .debs apt downloaded from the same mirror when the base was made (bind-mounted, so they are no layer's
// files and no network is needed): a second architecture of a library, `+really` versions, a package with
// conffiles. Step 2 removes that one with apt-get (its conffiles stay: config-files) and purges another with dpkg.
// Step 3 deletes a package's files with rm (dpkg still has it installed). Step 4 deletes dpkg's and apt's
// databases, as images are trimmed to hide what they hold. After each step `dpkg-query -W` with --admindir on the
// step's root filesystem (as Debian's umoci unpacks it) says what dpkg itself has. Built once per base and steps
// and kept beside the base in ~/.cache/sbom-hunt-tools (about 75 MB; building it costs about a minute here, which a
// CI that keeps that folder pays once); every step's image is kept (`steps`, refs `1`..`4`).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildahSteps } from './buildah-steps.js';
import { DEBIAN_BASE, DPKG_QUERY_FORMAT, type DebianBase } from './debian-base.js';
import { cachedBuild, TOOLS_CACHE } from './real-tools.js';

const STEPS = [
  `FROM scratch
ADD base.tar /
ENV DEBIAN_FRONTEND=noninteractive
RUN --mount=type=bind,source=debs,target=/tmp/debs apt-get install -y -q --no-install-recommends /tmp/debs/*.deb`,
  `FROM localhost/debian:1
RUN apt-get remove -y -q netbase && dpkg --purge fmtools`,
  `FROM localhost/debian:2
RUN for f in $(dpkg-query -L kcc); do if [ -f "$f" ]; then rm "$f"; fi; done`,
  `FROM localhost/debian:3
RUN rm -rf /var/lib/dpkg /var/lib/apt`,
];

export interface DpkgQueryEntry {
  /** `name:arch version Status` as `dpkg-query -W -f '${Package}:${Architecture} ${Version} ${Status}'` prints it. */
  line: string;
  name: string;
  arch: string;
  version: string;
  /** dpkg's state (installed, config-files, ...). */
  state: string;
  /** The source package and version dpkg-query derives (`${source:Package}`, `${source:Version}`), and the field as written. */
  source: string;
  sourceVersion: string;
  sourceField: string;
}

export interface RealDebianBuild {
  base: DebianBase;
  /** OCI layout holding every step's image (refs `1`..`4`). */
  steps: string;
  /** dpkg-query over the base (index 0) and after each step (1..4); a step with no dpkg database lists nothing. */
  query: DpkgQueryEntry[][];
}

export function parseDpkgQuery(text: string): DpkgQueryEntry[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((row) => {
      const [line, state, source, sourceVersion, sourceField] = row.split('\t') as [string, string, string, string, string];
      const [pkg, version] = line.split(' ') as [string, string];
      const colon = pkg.lastIndexOf(':');
      return { line, name: pkg.slice(0, colon), arch: pkg.slice(colon + 1), version, state, source, sourceVersion, sourceField };
    });
}

/** dpkg-query -W over a root filesystem's database; nothing when the image has none. */
function dpkgQueryText(rootfs: string): string {
  const admindir = join(rootfs, 'var/lib/dpkg');
  if (!existsSync(admindir)) return '';
  return execFileSync('dpkg-query', [`--admindir=${admindir}`, '-W', '-f', DPKG_QUERY_FORMAT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Builds (or reuses) the four-step image over `base`, and dpkg-query's listing after each step. */
export async function realDebianBuild(base: DebianBase): Promise<RealDebianBuild> {
  const dpkg = execFileSync('dpkg-query', ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
  const key = { v: 1, base: DEBIAN_BASE, baseTar: base.tar, dpkg, steps: STEPS };
  const dir = await cachedBuild('buildah-debian', key, async (work) => {
    const ctx = join(work, 'ctx');
    mkdirSync(ctx, { recursive: true });
    try {
      linkSync(base.tar, join(ctx, 'base.tar'));
    } catch {
      copyFileSync(base.tar, join(ctx, 'base.tar'));
    }
    cpSync(base.debs, join(ctx, 'debs'), { recursive: true });
    buildahSteps({ work, ctx, name: 'debian', steps: STEPS, onRootfs: (i, rootfs) => writeFileSync(join(work, `query-${i}.txt`), dpkgQueryText(rootfs)) });
    rmSync(ctx, { recursive: true, force: true });
  }, TOOLS_CACHE);
  const query = [readFileSync(base.query, 'utf8'), ...STEPS.map((_, i) => readFileSync(join(dir, `query-${i + 1}.txt`), 'utf8'))].map(parseDpkgQuery);
  return { base, steps: join(dir, 'steps'), query };
}
