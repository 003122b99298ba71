// An image built by real tools with Debian packages inside: .deb files the real `dpkg-deb --build` made, installed,
// upgraded, removed, purged and unpacked by the real dpkg in four buildah steps (this machine's /usr bind-mounted
// read-only at /host/usr, so dpkg and what it runs are never part of a layer). The third step ends with a dpkg
// killed by a package's postinst, as an interrupted install leaves it: its status changes are only in dpkg's
// journal (/var/lib/dpkg/updates/NNNN), which dpkg-query reads; the fourth step's dpkg applies that journal and
// removes it, purging what the journal alone had said. After each step `dpkg-query -W` with --admindir on the
// step's unpacked root filesystem says what dpkg itself has, and `dpkg-query -L` which files of each package are
// there. Built once per key, cached; every step's image is kept (`steps`).
//
// Not built: a distroless-style /var/lib/dpkg/status.d/ (one file per package). No Debian tool writes one (it is
// written by Bazel's rules_distroless / rules_pkg), so there is no real producer here to test against.
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedBuild } from './real-tools.js';
import { buildahSteps, writeBaseTar } from './buildah-steps.js';

interface Deb {
  file: string;
  control: Record<string, string>;
  files?: Record<string, string>;
  conffiles?: string[];
  preinst?: string;
  postinst?: string;
}

const deb = (name: string, version: string, arch: string, extra: Partial<Deb> & { fields?: Record<string, string> } = {}): Deb => ({
  file: `${name}_${version.replace(/^\d+:/, '')}_${arch}.deb`,
  control: { Package: name, Version: version, Architecture: arch, Maintainer: 'Test <t@example.com>', Description: `${name} for the real-builds test`, ...extra.fields },
  files: extra.files ?? { [`usr/share/${name}/${arch}/VERSION`]: `${version}\n` },
  ...(extra.conffiles ? { conffiles: extra.conffiles } : {}),
  ...(extra.preinst ? { preinst: extra.preinst } : {}),
  ...(extra.postinst ? { postinst: extra.postinst } : {}),
});

/** A maintainer script that kills the dpkg running it, as an interrupted dpkg is left. */
const KILL_DPKG = '#!/bin/sh\nkill -KILL "$PPID"\n';

const DEBS: Deb[] = [
  deb('libacme1', '1.0-1', 'amd64', { fields: { 'Multi-Arch': 'same' } }),
  deb('libacme1', '1.0-1', 'i386', { fields: { 'Multi-Arch': 'same' } }),
  deb('acme-tool', '1:2.0~rc1-1', 'all', { fields: { Depends: 'libacme1 (>= 1.0)' } }),
  deb('xz-utils', '5.6.1-1', 'amd64'),
  deb('xz-utils', '5.6.1+really5.4.5-1', 'amd64'),
  deb('doomed', '0.1-1', 'all', { files: { 'etc/doomed.conf': 'x=1\n', 'usr/share/doomed/README': 'doomed\n' }, conffiles: ['/etc/doomed.conf'] }),
  deb('purged', '3.0', 'all'),
  deb('half', '1.0', 'all'),
  // Installs interrupted before unpacking (a preinst that kills dpkg): a new package, and an upgrade.
  deb('halfnew', '1.0', 'all', { preinst: KILL_DPKG }),
  deb('upgr', '1.0', 'all'),
  deb('upgr', '2.0', 'all', { preinst: KILL_DPKG }),
  // An install interrupted while configuring: dpkg is killed before it writes its status file.
  deb('killer', '3.0', 'amd64', { postinst: KILL_DPKG }),
];

const DPKG = 'RUN dpkg --force-architecture';
const STEPS = [
  `FROM scratch
ADD base.tar /
ENV PATH=/host/usr/sbin:/host/usr/bin:/bin LD_LIBRARY_PATH=/host/usr/lib/x86_64-linux-gnu
COPY debs /src/debs
RUN dpkg --add-architecture i386
${DPKG} -i /src/debs/libacme1_1.0-1_amd64.deb /src/debs/libacme1_1.0-1_i386.deb /src/debs/acme-tool_2.0~rc1-1_all.deb /src/debs/xz-utils_5.6.1-1_amd64.deb /src/debs/doomed_0.1-1_all.deb /src/debs/purged_3.0_all.deb /src/debs/upgr_1.0_all.deb`,
  `FROM localhost/debs:1
${DPKG} -i /src/debs/xz-utils_5.6.1+really5.4.5-1_amd64.deb
${DPKG} -r doomed
${DPKG} -P purged`,
  `FROM localhost/debs:2
${DPKG} --unpack /src/debs/half_1.0_all.deb
RUN dpkg -i /src/debs/halfnew_1.0_all.deb || true
RUN dpkg -i /src/debs/upgr_2.0_all.deb || true
RUN dpkg -i /src/debs/killer_3.0_amd64.deb || true`,
  // The next dpkg applies the journal and writes the status file (the journal files go): what only the journal
  // said is then in a deleted layer's files alone.
  `FROM localhost/debs:3
${DPKG} -P killer half
${DPKG} -r --force-remove-reinstreq upgr`,
];

const DPKG_QUERY_FORMAT = '${Package}\t${Version}\t${Architecture}\t${db:Status-Status}\t${binary:Package}\n';

export interface DpkgEntry {
  name: string;
  version: string;
  arch: string;
  /** dpkg's state (`db:Status-Status`): installed, unpacked, half-configured, config-files... */
  state: string;
  /** Of the files `dpkg-query -L` lists for it (conffiles and folders left out), those on the root filesystem. */
  onDisk: string[];
}

export interface RealDebBuild {
  /** OCI layout holding the final image (ref `debs`). */
  layout: string;
  /** OCI layout holding every step's image (refs `1`, `2`, ...). */
  steps: string;
  /** `dpkg-query -W` over each step's root filesystem. */
  query: DpkgEntry[][];
  /** The files in each step's /var/lib/dpkg/updates (dpkg's journal, and its tmp.i). */
  journal: string[][];
}

function writeDeb(root: string, out: string, d: Deb): void {
  const dir = join(root, d.file);
  mkdirSync(join(dir, 'DEBIAN'), { recursive: true });
  writeFileSync(join(dir, 'DEBIAN', 'control'), `${Object.entries(d.control).map(([k, v]) => `${k}: ${v}`).join('\n')}\n`);
  for (const [path, text] of Object.entries(d.files ?? {})) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  if (d.conffiles) writeFileSync(join(dir, 'DEBIAN', 'conffiles'), `${d.conffiles.join('\n')}\n`);
  for (const script of ['preinst', 'postinst'] as const) {
    if (!d[script]) continue;
    writeFileSync(join(dir, 'DEBIAN', script), d[script]);
    chmodSync(join(dir, 'DEBIAN', script), 0o755);
  }
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', dir, join(out, d.file)], { stdio: 'ignore' });
}

/** `dpkg-query -W` over the root filesystem's database, each package with its files found on that filesystem. */
export function dpkgQuery(rootfs: string): DpkgEntry[] {
  const query = (args: string[]) => {
    try {
      return execFileSync('dpkg-query', [`--admindir=${join(rootfs, 'var/lib/dpkg')}`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return ''; // -L of a package with no file list (not unpacked yet) exits 1
    }
  };
  return query(['-W', '-f', DPKG_QUERY_FORMAT])
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name, version, arch, state, qualified] = line.split('\t') as [string, string, string, string, string];
      const conffiles = new Set(query(['-W', '-f', '${Conffiles}', qualified]).split('\n').map((l) => l.trim().split(' ')[0]));
      const listed = query(['-L', qualified]).split('\n').filter((f) => f.startsWith('/') && !conffiles.has(f));
      const onDisk = listed.filter((f) => lstatSync(join(rootfs, f), { throwIfNoEntry: false })?.isDirectory() === false);
      return { name, version, arch, state, onDisk };
    });
}

function dpkgVersion(): string {
  return execFileSync('dpkg-query', ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
}

/** Builds (or reuses) the three-step image and dpkg-query's listing after each step. */
export async function realDebBuild(): Promise<RealDebBuild> {
  const key = { v: 3, dpkg: dpkgVersion(), steps: STEPS, debs: DEBS };
  const dir = await cachedBuild('buildah-debs', key, async (work) => {
    const ctx = join(work, 'ctx');
    writeBaseTar(work, ctx, ['var/lib/dpkg/updates', 'var/lib/dpkg/info', 'var/lib/dpkg/triggers', 'host/usr'], { 'var/lib/dpkg/status': '' });
    mkdirSync(join(ctx, 'debs'));
    for (const d of DEBS) writeDeb(join(work, 'deb-src'), join(ctx, 'debs'), d);
    buildahSteps({
      work,
      ctx,
      name: 'debs',
      steps: STEPS,
      volumes: ['/usr:/host/usr:ro'],
      onRootfs: (i, rootfs) => {
        writeFileSync(join(work, `query-${i}.json`), JSON.stringify(dpkgQuery(rootfs)));
        writeFileSync(join(work, `journal-${i}.json`), JSON.stringify(readdirSync(join(rootfs, 'var/lib/dpkg/updates')).sort()));
      },
    });
    rmSync(ctx, { recursive: true, force: true });
    rmSync(join(work, 'deb-src'), { recursive: true, force: true });
  });
  const read = <T>(name: string, i: number) => JSON.parse(readFileSync(join(dir, `${name}-${i + 1}.json`), 'utf8')) as T;
  return { layout: join(dir, 'layout'), steps: join(dir, 'steps'), query: STEPS.map((_, i) => read<DpkgEntry[]>('query', i)), journal: STEPS.map((_, i) => read<string[]>('journal', i)) };
}
