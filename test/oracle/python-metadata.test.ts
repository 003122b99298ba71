// Differential test: sbom-hunt's Python catalogue, read through the native reader from built images, against
// Python's own importlib.metadata.distributions() over the same tree unpacked (one python3 run for all cases).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/acquire/native/read-image.js';
import { openOciDir } from '../../src/inventory/oci-dir.js';
import { buildImageLayout, zipFiles } from '../helpers/image-builder.js';
import { seeded } from '../helpers/random.js';
import { oracleRuns, recordOracle } from './tally.js';

const RUNS = oracleRuns(200, 0.005);
const SITE = 'usr/lib/python3/site-packages';
const root = mkdtempSync(join(tmpdir(), 'py-oracle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function hasPython(): boolean {
  try {
    execFileSync('python3', ['-c', 'import importlib.metadata'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

type Files = Map<string, string | Buffer>;
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const caseOf = (r: () => number, s: string) => [...s].map((c) => (r() < 0.3 ? (r() < 0.5 ? c.toUpperCase() : c.toLowerCase()) : c)).join('');

function headers(r: () => number, name: string, version: string): string {
  const lines = [`${caseOf(r, 'Metadata-Version')}: 2.1`, `${caseOf(r, 'Name')}:${pick(r, [' ', '  ', '\t', ''])}${name}`, `${caseOf(r, 'Version')}: ${version}`];
  if (r() < 0.3) lines.push(`${caseOf(r, 'Summary')}: a\n  continued`);
  if (r() < 0.2) lines.splice(1, 0, `${caseOf(r, 'Name')}: ${name}-shadow`); // an earlier Name wins
  if (r() < 0.1) lines.splice(1, 0, 'not a header line'); // headers end here: Python sees no Name
  const eol = pick(r, ['\n', '\r\n']);
  return `${lines.join(eol)}${eol}${eol}Name: in-the-body${eol}`;
}

/** One random site-packages tree: dist-info/egg-info folders and files, .egg folders and zips, case variants. */
function generate(r: () => number): Files {
  const files: Files = new Map();
  const count = 1 + Math.floor(r() * 4);
  for (let i = 0; i < count; i++) {
    const name = pick(r, ['litellm', 'requests', 'Foo_Bar', 'six', 'zope.interface']) + (i > 0 ? `${i}` : '');
    const version = pick(r, ['1.82.7', '2.31.0', '1.0', '0.0.1rc1']);
    const text = headers(r, name, version);
    const stem = `${name}-${version}`;
    const kind = pick(r, ['dist-info', 'egg-info-dir', 'egg-info-file', 'egg-dir', 'egg-zip'] as const);
    if (kind === 'egg-zip') files.set(`${SITE}/${stem}-py3.11.${caseOf(r, 'egg')}`, zipFiles([{ path: `${caseOf(r, 'EGG-INFO')}/PKG-INFO`, content: text, store: r() < 0.3 }, { path: `${name}/__init__.py`, content: '' }]));
    else if (kind === 'egg-info-file') files.set(`${SITE}/${stem}.${caseOf(r, 'egg-info')}`, text);
    else if (kind === 'egg-dir') files.set(`${SITE}/${stem}-py3.11.${caseOf(r, 'egg')}/${caseOf(r, 'EGG-INFO')}/PKG-INFO`, text);
    else {
      const dir = `${SITE}/${stem}.${caseOf(r, kind === 'dist-info' ? 'dist-info' : 'egg-info')}`;
      const layout = pick(r, ['METADATA', 'PKG-INFO', 'both', 'empty-metadata'] as const);
      if (layout === 'METADATA' || layout === 'both') files.set(`${dir}/METADATA`, text);
      if (layout === 'PKG-INFO' || layout === 'empty-metadata') files.set(`${dir}/PKG-INFO`, text);
      if (layout === 'both') files.set(`${dir}/PKG-INFO`, headers(r, `${name}-pkginfo`, '9.9'));
      if (layout === 'empty-metadata') files.set(`${dir}/METADATA`, '');
      files.set(`${dir}/RECORD`, '');
    }
  }
  return files;
}

const ORACLE = `
import importlib.metadata as md, json, os, sys
out = []
for case in sys.argv[1:]:
    site = os.path.join(case, ${JSON.stringify(SITE)})
    paths = [site] + [os.path.join(site, x) for x in sorted(os.listdir(site)) if x.lower().endswith('.egg')]
    out.append([[d.metadata['Name'], d.metadata['Version']] for d in md.distributions(path=paths)])
print(json.dumps(out))
`;

describe.skipIf(!hasPython() && !process.env.CI)('python metadata: sbom-hunt agrees with importlib.metadata', () => {
  it(`${RUNS} generated site-packages trees`, async () => {
    const r = seeded(Number(process.env.FUZZ_SEED ?? 20));
    const cases = Array.from({ length: RUNS }, () => generate(r));
    const dirs = cases.map((files, i) => {
      const dir = join(root, `case${i}`);
      for (const [path, content] of files) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
      return dir;
    });
    const oracle = JSON.parse(execFileSync('python3', ['-W', 'ignore', '-c', ORACLE, ...dirs], { encoding: 'utf8', maxBuffer: 64 * 1024 ** 2 })) as [string | null, string | null][][];
    const disagreements: string[] = [];
    let fromZips = 0;
    for (const [i, files] of cases.entries()) {
      const built = await buildImageLayout(join(root, `img${i}`), { platforms: [{ layers: [{ files: [...files].map(([path, content]) => ({ path, content })) }] }] });
      const p = (await readImage(await openOciDir(built.dir), { ref: `case${i}` })).platforms[0]!;
      const python = oracle[i]!;
      const zipped = [...files].filter(([path, content]) => Buffer.isBuffer(content) && /\.egg$/i.test(path)).length;
      if (zipped > 0 && python.length > 0) fromZips += 1;
      const named = python.filter(([name]) => name !== null && name.trim() !== '');
      const ours = p.packages.filter((x) => x.ecosystem === 'pypi').map((x) => [x.name, x.version]).sort();
      const expectUnknown = named.length !== python.length;
      const same = JSON.stringify(ours) === JSON.stringify(named.map(([n, v]) => [n, v ?? '']).sort()) && expectUnknown === p.errors.length > 0;
      if (!same) disagreements.push(`case ${i}: python ${JSON.stringify(python)}, sbom-hunt ${JSON.stringify(ours)} errors ${JSON.stringify(p.errors)}; files ${JSON.stringify([...files])}`);
    }
    recordOracle('python-metadata', RUNS, disagreements.length, `${fromZips} trees with a zipped egg`);
    // Zipped eggs were generated and Python read trees holding them, so that side is not vacuous.
    expect(fromZips).toBeGreaterThan(RUNS / 20);
    expect(disagreements.slice(0, 3)).toEqual([]);
  }, 120_000);
});
