// An image built by real tools with Python distributions inside (Debian's buildah and python3, the real pip and
// setuptools; test/helpers/buildah-python.ts) read by the native reader: its pypi packages are exactly what
// Python's own importlib.metadata lists inside the image after each step, name, version and metadata location
// (lower-case headers, Foo_Bar and foo-bar, an egg-info folder, a zipped and a folder .egg, a `setup.py develop`,
// a PEP 660 editable install, a folder a .pth file adds, a zip a .pth line names and one PYTHONPATH names; a
// wheel in /usr/share/python-wheels is on no path and not listed); what the later RUN step uninstalled or upgraded away is
// listed as deleted, exactly what the earlier step listed and the final one does not.
import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/acquire/native/read-image.js';
import { openOciDir } from '../../src/inventory/oci-dir.js';
import { type PyDist, realPythonBuild } from '../helpers/buildah-python.js';
import { haveTool } from '../helpers/real-tools.js';

// Debian's python3 with pip and setuptools (python3-pip depends on python3-setuptools), as scripts/setup.sh installs.
const HAVE = haveTool('buildah', 'buildah') && haveTool('/usr/bin/python3', 'python3-pip');

/** `name version location`, the location without a trailing slash nor the METADATA / PKG-INFO file name. */
const entry = (name: string, version: string, at: string) => `${name} ${version} ${at.replace('!/', '/').replace(/\/$/, '').replace(/\/(?:METADATA|PKG-INFO)$/, '')}`;
const listed = (dists: PyDist[]) => new Set(dists.map((d) => entry(d.name, d.version, d.at)));
const sorted = (s: Set<string>) => [...s].sort();

describe.skipIf(!HAVE)('an image built by buildah with the real pip and setuptools', () => {
  it('lists exactly what importlib.metadata lists inside it after each step, and what the later step removed as deleted', async () => {
    const built = await realPythonBuild();
    const [first, final] = built.listed.map((l) => listed(l.dists)) as [Set<string>, Set<string>];
    const site = built.listed[0]!.path.find((p) => p.endsWith('/site-packages'))!;
    // The build did what it says: a .pth added the --target folder, the develop source and the zipped egg.
    expect(built.listed[0]!.path).toEqual(expect.arrayContaining(['/opt/deps', '/opt/plugins', '/opt/lib.zip', '/src/dev', expect.stringMatching(/zipegg-1\.1-py3\.\d+\.egg$/)]));
    expect(sorted(first)).toEqual(
      expect.arrayContaining([
        `Foo_Bar 1.0 ${site}/Foo_Bar-1.0.dist-info`,
        `litellm 1.82.7 ${site}/litellm-1.82.7.dist-info`,
        `doomed 0.1 ${site}/doomed-0.1.dist-info`,
        'Plugin 0.3 /opt/plugins/plugin-0.3.dist-info',
        'dev-tool 0.0.1.dev3 /src/dev/dev_tool.egg-info',
        `OldEgg 0.9 ${site}/OldEgg-0.9.egg-info`,
        expect.stringMatching(/^zipegg 1\.1 \/opt\/venv\/.*\/zipegg-1\.1-py3\.\d+\.egg\/EGG-INFO$/),
        expect.stringMatching(/^DirEgg 2\.2 \/opt\/venv\/.*\/DirEgg-2\.2-py3\.\d+\.egg\/EGG-INFO$/),
        `edit-me 5.0 ${site}/edit_me-5.0.dist-info`,
        'zipped 0.5 /opt/lib.zip/zipped-0.5.dist-info',
        'deppy 1.0 /opt/deps/deppy-1.0.dist-info',
      ]),
    );
    expect(sorted(final)).toEqual(expect.arrayContaining([`foo-bar 2.0 ${site}/foo_bar-2.0.dist-info`]));

    const summary: string[] = [];
    for (const [i, l] of built.listed.entries()) {
      const img = await readImage(await openOciDir(built.steps, { ref: String(i + 1) }), { ref: `step ${i + 1}` });
      const p = img.platforms[0]!;
      expect([...img.errors, ...p.errors]).toEqual([]);
      const live = listed(l.dists);
      const seen = new Set(built.listed.slice(0, i + 1).flatMap((e) => [...listed(e.dists)]));
      // One entry per package: at the location Python listed it (its other paths are the same files seen through
      // a symlinked folder, the venv's lib64 -> lib).
      const ours = (deleted: boolean) =>
        new Set(
          p.packages
            .filter((x) => x.ecosystem === 'pypi' && !!x.deleted === deleted)
            .map((x) => {
              const all = x.paths.map((path) => entry(x.name, x.version, path));
              return all.find((e) => seen.has(e)) ?? all.join(' | ');
            }),
        );
      expect(sorted(ours(false)), `step ${i + 1}`).toEqual(sorted(live));
      const gone = new Set(built.listed.slice(0, i).flatMap((e) => [...listed(e.dists)]).filter((x) => !live.has(x)));
      expect(sorted(ours(true)), `step ${i + 1} deleted`).toEqual(sorted(gone));
      summary.push(`step ${i + 1}: ${live.size} listed, ${gone.size} deleted`);
    }
    console.log(`buildah + pip image, as importlib.metadata lists it: ${summary.join('; ')}`);
  }, 300_000);
});
