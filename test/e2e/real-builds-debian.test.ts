// An image built by real tools on a real Debian bookworm base (mmdebstrap from deb.debian.org; the image's own
// apt and dpkg in buildah RUN steps: test/helpers/buildah-debian.ts) read by the native reader: its deb packages
// are exactly what `dpkg-query -W` lists over each step's unpacked root filesystem with its files there (every
// state but config-files and not-installed), name, architecture and version, and what an earlier step (or the
// base) had and a later one removed is listed as deleted. The scan CLI, with an IOC naming one of the image's
// real package versions, says `affected` with the dpkg status file as the evidence, and `suspect` once a later
// layer deleted dpkg's database.
//
// Needs deb.debian.org the first time (the base is then kept in ~/.cache/sbom-hunt-tools): with no route there
// and nothing cached, the test is skipped and its name says why.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/acquire/native/read-image.js';
import { openOciDir } from '../../src/inventory/oci-dir.js';
import type { Package } from '../../src/model/package.js';
import type { Report } from '../../src/model/report.js';
import { type DpkgQueryEntry, realDebianBuild } from '../helpers/buildah-debian.js';
import { runCli } from '../helpers/cli.js';
import { debianBase, debianBaseUnavailable } from '../helpers/debian-base.js';
import { haveTool } from '../helpers/real-tools.js';

const TOOLS = haveTool('buildah', 'buildah') && haveTool('umoci', 'umoci');
const UNAVAILABLE = TOOLS ? await debianBaseUnavailable() : undefined;
if (UNAVAILABLE) console.warn(`SKIPPED: the real Debian base image test: ${UNAVAILABLE}`);
const TITLE = 'an image built by buildah on a real Debian base (mmdebstrap, apt, dpkg)';

/** What dpkg keeps files on disk for: every state but config-files and not-installed. */
const ON_DISK = new Set(['half-installed', 'unpacked', 'half-configured', 'triggers-awaited', 'triggers-pending', 'installed']);
const live = (q: DpkgQueryEntry[]) => new Set(q.filter((e) => ON_DISK.has(e.state)).map((e) => `${e.name}:${e.arch} ${e.version}`));
/** What dpkg-query derives from the Source field: ${source:Package} and ${source:Version}. */
const liveWithSource = (q: DpkgQueryEntry[]) => q.filter((e) => ON_DISK.has(e.state)).map((e) => `${e.name}:${e.arch} ${e.version} ${e.source}@${e.sourceVersion}`);
const sorted = (s: Iterable<string>) => [...s].sort();

const qualifiers = (p: Package) => new URLSearchParams(p.purl?.split('?')[1] ?? '');

/** `name:arch version` of a deb package sbom-hunt lists (the architecture from its purl's arch qualifier). */
function id(p: Package): string {
  return `${p.name}:${qualifiers(p).get('arch') ?? '?'} ${p.version}`;
}

/** With the source package and version its purl's upstream qualifier names (none: the package's own). */
function withSource(p: Package): string {
  const upstream = qualifiers(p).get('upstream') ?? p.name;
  return `${id(p)} ${upstream.includes('@') ? upstream : `${upstream}@${p.version}`}`;
}

const PURL = /^pkg:deb\/debian\/[^@/]+@[^?]+\?arch=[a-z0-9]+&distro=debian-12(&upstream=[^&]+)?$/;

/** `name:arch version`s of dpkg-query entries. */
const ids = (q: DpkgQueryEntry[]) => q.map((e) => `${e.name}:${e.arch} ${e.version}`);

describe.skipIf(!TOOLS || UNAVAILABLE !== undefined)(UNAVAILABLE ? `SKIPPED (${UNAVAILABLE}): ${TITLE}` : TITLE, () => {
  it('lists exactly what dpkg-query lists after each step, and what earlier steps had as deleted', async () => {
    const built = await realDebianBuild(await debianBase());
    // The build did what it says, on real Debian data: both architectures of a Multi-Arch: same library, epochs,
    // `~` and `+really` versions, Architecture: all, a binNMU's Source with its version in parentheses, a Source
    // unlike the binary's name, something bookworm-updates offered; apt-get remove left conffiles, dpkg --purge
    // nothing, rm left dpkg's record, and the last step left no database.
    const [base, first, second, third, fourth] = built.query as [DpkgQueryEntry[], DpkgQueryEntry[], DpkgQueryEntry[], DpkgQueryEntry[], DpkgQueryEntry[]];
    const installed = first.filter((e) => e.state === 'installed');
    expect(installed.length).toBe(first.length);
    const byName = (n: string) => installed.filter((e) => e.name === n).map((e) => e.arch).sort();
    expect([byName('libc6'), byName('zlib1g')]).toEqual([['amd64', 'i386'], ['amd64', 'i386']]);
    expect(installed.some((e) => /^\d+:/.test(e.version))).toBe(true);
    expect(installed.some((e) => e.version.includes('~'))).toBe(true);
    expect(installed.filter((e) => e.version.includes('+really')).map((e) => e.name)).toEqual(expect.arrayContaining(['fmtools', 'kcc', 'sysuser-helper']));
    expect(installed.some((e) => e.arch === 'all')).toBe(true);
    expect(installed.some((e) => /^\S+ \(\S+\)$/.test(e.sourceField) && e.sourceVersion !== e.version)).toBe(true);
    expect(installed.some((e) => e.source !== e.name)).toBe(true);
    const updates = new Set(readFileSync(built.base.updates, 'utf8').split('\n').filter(Boolean));
    // What bookworm-updates offers newer than bookworm is installed from there (ca-certificates when this was written).
    if ([...updates].some((u) => u.startsWith('ca-certificates:'))) expect(ids(installed).filter((i) => updates.has(i))).toEqual(expect.arrayContaining([expect.stringMatching(/^ca-certificates:all /)]));
    expect(ids(base).length).toBeLessThan(ids(first).length);
    expect(second.filter((e) => ['netbase', 'fmtools'].includes(e.name)).map((e) => `${e.name} ${e.state}`)).toEqual(['netbase config-files']);
    expect(ids(third)).toEqual(ids(second));
    expect(fourth).toEqual([]);

    const summary: string[] = [];
    for (let step = 1; step < built.query.length; step++) {
      const img = await readImage(await openOciDir(built.steps, { ref: String(step) }), { ref: `step ${step}` });
      const p = img.platforms[0]!;
      expect([...img.errors, ...p.errors]).toEqual([]);
      const deb = (deleted: boolean) => p.packages.filter((x) => x.ecosystem === 'deb' && !!x.deleted === deleted);
      const now = live(built.query[step]!);
      expect(sorted(deb(false).map(id)), `step ${step}`).toEqual(sorted(now));
      // Packages are named as syft names them, the distribution from the image's os-release (a deleted database's too).
      for (const x of deb(false)) expect(x.purl).toMatch(PURL);
      // The source package and version, from the Source field (binNMUs name theirs in parentheses), as dpkg-query derives them.
      expect(sorted(deb(false).map(withSource)), `step ${step} sources`).toEqual(sorted(liveWithSource(built.query[step]!)));
      const gone = new Set(built.query.slice(0, step).flatMap((q) => [...live(q)]).filter((x) => !now.has(x)));
      expect(sorted(deb(true).map(id)), `step ${step} deleted`).toEqual(sorted(gone));
      for (const x of deb(true)) expect(x.purl).toMatch(PURL);
      summary.push(`step ${step}: ${now.size} live, ${gone.size} deleted`);
    }
    console.log(`buildah image on mmdebstrap's bookworm, as dpkg-query lists it: ${summary.join('; ')}`);
  }, 600_000);

  it('the scan CLI says affected for a real package version the IOC names, from /var/lib/dpkg/status; suspect once the database is deleted', async () => {
    const built = await realDebianBuild(await debianBase());
    // The IOC names a version the image really holds, with an epoch (zlib1g's, both architectures installed).
    const target = built.query[3]!.find((e) => e.name === 'zlib1g' && e.arch === 'i386')!;
    expect(target.version).toMatch(/^\d+:/);
    const dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-debian-scan-'));
    try {
      const ioc = join(dir, 'iocs.yaml');
      await writeFile(ioc, `apiVersion: sbom-hunt/v1\nincidents:\n  - id: zlib-test\n    title: a real bookworm version\n    packages:\n      - { ecosystem: Debian, name: zlib1g, versions: ["${target.version}"] }\n`);
      const scan = async (ref: string) => {
        const r = await runCli(['scan', `oci-dir:${built.steps}:${ref}`, '--ioc', ioc, '--sbom-sources', 'native', '--no-cache', '-f', 'json', '-q', '--fail-on', 'none']);
        expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
        const image = (JSON.parse(r.stdout) as Report).images[0]!;
        return { verdict: image.verdict, reasons: image.reasons, matches: image.matches.map((m) => `${m.incident} ${m.name}@${m.version} ${m.paths.join(',')}`) };
      };
      const third = await scan('3');
      expect(third.verdict, third.reasons.join('\n')).toBe('affected');
      // Both architectures' instances are the version named: one hit in the report, from the status file.
      expect(third.matches).toEqual([`zlib-test zlib1g@${target.version} /var/lib/dpkg/status`]);
      const fourth = await scan('4');
      expect(fourth.verdict, fourth.reasons.join('\n')).toBe('suspect');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
