// An image built by real tools with Debian packages inside (Debian's buildah, the real dpkg and dpkg-deb;
// test/helpers/buildah-debs.ts) read by the native reader: its deb packages are exactly the packages dpkg-query
// lists over the image's unpacked root filesystem that have files there (dpkg-query -L, conffiles left out, each
// file looked for on that filesystem): unpacked and half-configured ones, the half-configured one known only from
// dpkg's journal, an upgrade cut short before unpacking (half-installed, the old version's files stay), not an
// install cut short the same way (half-installed, nothing unpacked) nor a removed package's conffiles. What later
// RUN steps upgraded, removed or purged is listed as deleted: exactly what an earlier step had on disk and the
// final one does not.
import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/acquire/native/read-image.js';
import { openOciDir } from '../../src/inventory/oci-dir.js';
import { type DpkgEntry, realDebBuild } from '../helpers/buildah-debs.js';
import { haveTool } from '../helpers/real-tools.js';

const HAVE = haveTool('buildah', 'buildah') && haveTool('umoci', 'umoci');

/** `name version` of what has files on disk (a removed package's conffiles alone are not the package). */
const onDisk = (q: DpkgEntry[]) => new Set(q.filter((e) => e.onDisk.length > 0).map((e) => `${e.name} ${e.version}`));
const sorted = (s: Set<string>) => [...s].sort();

describe.skipIf(!HAVE)('an image built by buildah with the real dpkg', () => {
  it('lists exactly what dpkg-query lists on disk after each step, and what earlier steps had as deleted', async () => {
    const built = await realDebBuild();
    const third = built.query[2]!;
    // The build did what it says: both architectures of a Multi-Arch: same library, a removed package's
    // conffiles, an unpacked one, one whose configure was cut short (in the journal only), two installs cut short
    // before unpacking; the fourth step purged what the journal alone had said, and the journal went.
    const states = third.map((e) => `${e.name}:${e.arch} ${e.version} ${e.state}`);
    expect(states).toEqual(
      expect.arrayContaining([
        'libacme1:amd64 1.0-1 installed',
        'libacme1:i386 1.0-1 installed',
        'acme-tool:all 1:2.0~rc1-1 installed',
        'xz-utils:amd64 5.6.1+really5.4.5-1 installed',
        'doomed:all 0.1-1 config-files',
        'half:all 1.0 unpacked',
        'killer:amd64 3.0 half-configured',
        'halfnew:all 1.0 half-installed',
        'upgr:all 1.0 half-installed',
      ]),
    );
    expect(states.some((s) => s.startsWith('purged:'))).toBe(false);
    const files = new Map(third.map((e) => [`${e.name}:${e.arch}`, e.onDisk.length]));
    expect([files.get('halfnew:all'), files.get('upgr:all'), files.get('doomed:all'), files.get('half:all')]).toEqual([0, 1, 0, 1]);
    expect(built.journal[2]!.filter((n) => /^\d+$/.test(n)).length).toBeGreaterThan(0);
    expect(built.journal[3]!.filter((n) => /^\d+$/.test(n))).toEqual([]);

    const summary: string[] = [];
    for (const [i, query] of built.query.entries()) {
      const img = await readImage(await openOciDir(built.steps, { ref: String(i + 1) }), { ref: `step ${i + 1}` });
      const p = img.platforms[0]!;
      expect([...img.errors, ...p.errors]).toEqual([]);
      const deb = (deleted: boolean) => new Set(p.packages.filter((x) => x.ecosystem === 'deb' && !!x.deleted === deleted).map((x) => `${x.name} ${x.version}`));
      const live = onDisk(query);
      expect(sorted(deb(false)), `step ${i + 1}`).toEqual(sorted(live));
      const gone = new Set(built.query.slice(0, i).flatMap((q) => [...onDisk(q)]).filter((x) => !live.has(x)));
      expect(sorted(deb(true)), `step ${i + 1} deleted`).toEqual(sorted(gone));
      summary.push(`step ${i + 1}: ${live.size} on disk, ${gone.size} deleted`);
    }
    expect(sorted(new Set(built.query.slice(0, 3).flatMap((q) => [...onDisk(q)]).filter((x) => !onDisk(built.query[3]!).has(x))))).toEqual(['doomed 0.1-1', 'half 1.0', 'killer 3.0', 'purged 3.0', 'upgr 1.0', 'xz-utils 5.6.1-1']);
    console.log(`buildah + dpkg image, as dpkg-query lists what is on disk: ${summary.join('; ')}`);
  }, 300_000);
});
