// The lines of a .pth file site.addpackage takes as paths, compared with the real site.addpackage of every Python
// on this machine that has one (3.11's universal newlines and kept BOM, 3.13's utf-8-sig and str.splitlines): what
// sbom-hunt takes is the union, so each Python's lines must be among them and nothing else.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LayeredFiles, MAX_ZIP_MARKS } from '../../../src/acquire/native/layered-files.js';
import { DEFAULT_LIMITS } from '../../../src/acquire/native/limits.js';
import { pthLines } from '../../../src/acquire/native/python-path.js';
import { catalogPythonPathZips } from '../../../src/acquire/native/python-zips.js';

const PYTHONS = ['python3', ...['3.10.13', '3.12.1', '3.13.0'].map((v) => `/root/.pyenv/versions/${v}/bin/python3`).filter(existsSync)];
const TEXTS = [
  '/opt/lib.zip\n',
  '\uFEFF/opt/lib.zip\n/opt/b.zip',
  '# c\n\n   \nimport os\nimport\tsys\nimportant.zip\n/opt/x.zip  \t\r\n/opt/y.zip\r/opt/z.zip',
  '/opt/a.zip\f/opt/b.zip\x1c/opt/c.zip\u2028/opt/d.zip\x85/opt/e.zip\v/opt/f.zip',
  ' /opt/leading-space.zip\n#/opt/comment.zip\n',
];

// Each Python's addpackage over the text, with os.path.exists true for every path: the lines it would add.
const SCRIPT = `
import json, os, site, sys, tempfile
texts = json.loads(sys.stdin.read())
os.path.exists = lambda p: True
out = []
for t in texts:
    d = tempfile.mkdtemp()
    with open(os.path.join(d, "x.pth"), "w", encoding="utf-8", newline="") as f:
        f.write(t)
    before = list(sys.path)
    site.addpackage(d, "x.pth", set())
    out.append([os.path.relpath(p, d) if not p.startswith("/opt") else p for p in sys.path if p not in before])
    sys.path[:] = before
print(json.dumps(out))
`;

const versionOf = (py: string) => execFileSync(py, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();

describe('pthLines', () => {
  it(`takes every line site.addpackage adds in the Pythons here, and with an old and a 3.13+ one no other`, () => {
    const ours = TEXTS.map((t) => new Set(pthLines(t).map((l) => l.replace(/^\.\//, ''))));
    const union = TEXTS.map(() => new Set<string>());
    const versions = PYTHONS.map(versionOf);
    for (const py of PYTHONS) {
      const got = JSON.parse(execFileSync(py, ['-S', '-c', SCRIPT], { input: JSON.stringify(TEXTS), encoding: 'utf8' })) as string[][];
      // Every Python's lines are among sbom-hunt's.
      got.forEach((lines, i) => {
        for (const l of lines) union[i]!.add(l);
        expect([...ours[i]!], `${py}, text ${i}`).toEqual(expect.arrayContaining(lines));
      });
    }
    // With both readings' Pythons at hand, nothing else is taken.
    const both = versions.some((v) => Number(v.split('.')[1]) >= 13) && versions.some((v) => Number(v.split('.')[1]) < 13);
    if (both) expect(ours.map((s) => [...s].sort())).toEqual(union.map((s) => [...s].sort()));
    console.log(`pthLines: ${PYTHONS.length} Pythons (${versions.join(', ')})${both ? ', exact union' : ', lines of each included'}`);
  });
});

describe('zip marks past MAX_ZIP_MARKS', () => {
  it('are dropped, and a path entry that names no file known then is unknown, not clean', async () => {
    const files = new LayeredFiles();
    files.beginLayer('sha256:l1');
    for (let i = 0; i <= MAX_ZIP_MARKS; i++) files.keepFound(`opt/z${i}.zip`, undefined, undefined, { layer: 'sha256:l1', member: i, size: 22 });
    files.keepFound('opt/hashed.zip', undefined, { size: 22 }, { layer: 'sha256:l1', member: MAX_ZIP_MARKS + 1, size: 22 });
    files.endLayer();
    expect(files.zipMarksDropped).toBe(true);
    expect(files.final().filter((f) => f.zip !== undefined)).toHaveLength(MAX_ZIP_MARKS);
    // Kept for its facts, without the mark.
    expect(files.final().find((f) => f.path === 'opt/hashed.zip')?.zip).toBeUndefined();
    const errors: string[] = [];
    const config = { config: { Env: [`PYTHONPATH=/opt/z${MAX_ZIP_MARKS}.zip:/opt/z0.zip/lib`] } } as Parameters<typeof catalogPythonPathZips>[1];
    const store = { label: 'none', openBlob: () => Promise.reject(new Error('not read')) } as unknown as Parameters<typeof catalogPythonPathZips>[3]['store'];
    const got = await catalogPythonPathZips(files, config, [], { store, limits: DEFAULT_LIMITS }, (e) => errors.push(e));
    expect(errors).toEqual([expect.stringMatching(new RegExp(`opt/z${MAX_ZIP_MARKS}\\.zip: on sys.path, and more than`))]);
    // The marked one is on the path; its layer is not in the manifest given here, so it is unknown too.
    expect(got.map((z) => z.result.errors)).toEqual([[expect.stringMatching(/opt\/z0\.zip\/lib: on sys.path, its layer could not be read again/)]]);
  });
});
