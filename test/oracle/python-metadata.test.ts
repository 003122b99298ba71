// Differential tests: sbom-hunt's Python catalogue, read through the native reader from built images, against
// Python's own importlib.metadata.distributions() over the same tree unpacked: site-packages trees (one python3
// run for all cases), and whole layouts with zips on and off sys.path (one python3 run per case, its sys.path
// made by the real getpath from PYTHONPATH and the real site.addsitedir over the tree's site folders).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/acquire/native/read-image.js';
import { openOciDir } from '../../src/inventory/oci-dir.js';
import { buildImageLayout, zipFiles, type LayerSpec } from '../helpers/image-builder.js';
import { seeded } from '../helpers/random.js';
import { oracleRuns, recordOracle } from './tally.js';

const RUNS = oracleRuns(200, 0.005);
const ZIP_RUNS = oracleRuns(40, 0.001);
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

// Zips on sys.path. Each case is a tree under its own host folder D, and the image holds it at the same paths
// (`tmp/.../zcaseN/...`), so the absolute paths its .pth lines and PYTHONPATH name mean the same thing to the
// host's python3 and to sbom-hunt: the real site.py and getpath compute sys.path, the real importlib.metadata lists.
const SITES = ['usr/lib/python3.11/site-packages', 'usr/local/lib/python3.13/site-packages', 'usr/lib/python3/dist-packages', 'opt/venv/lib/python3.12/site-packages', 'root/.local/lib/python3.11/site-packages'];
const ZIP_NAMES = ['opt/lib.zip', 'opt/deps.whl', 'opt/deps', 'srv/bundle.pyz', 'app/vendor.zip', 'usr/share/python-wheels/litellm-1.82.7-py3-none-any.whl', 'root/.cache/pip/wheels/ab/cd/six-1.16.0-py3-none-any.whl'];
const STDLIB_ZIPS = ['usr/lib/python311.zip', 'usr/local/lib/python313.zip'];

interface ZipCase {
  dir: string;
  /** Image files, at their host paths without the leading `/`, each with the layer it is written by. */
  files: { path: string; content: string | Buffer; layer: number; link?: string }[];
  sites: string[];
  stdlibZip?: string;
  pythonPath?: string;
  /** Deleted by a last layer (whiteouts): zips and .pth files the build had on its path. */
  deletes: string[];
}

function zipOf(r: () => number, names: string[]): { zip: Buffer; subs: string[] } {
  const entries: { path: string; content: string }[] = [];
  const subs: string[] = [];
  for (const name of names) {
    const version = pick(r, ['1.82.7', '2.31.0', '0.1']);
    const sub = r() < 0.25 ? pick(r, ['lib', 'site/deep']) : '';
    if (sub) subs.push(sub);
    const at = sub ? `${sub}/` : '';
    const kind = pick(r, ['dist-info', 'egg-info', 'egg-info-file', 'pkg-info-only'] as const);
    const text = headers(r, name, version);
    if (kind === 'dist-info') entries.push({ path: `${at}${name}-${version}.${caseOf(r, 'dist-info')}/METADATA`, content: text }, { path: `${at}${name}-${version}.dist-info/RECORD`, content: '' });
    else if (kind === 'egg-info') entries.push({ path: `${at}${name}.${caseOf(r, 'egg-info')}/PKG-INFO`, content: text });
    else if (kind === 'egg-info-file') entries.push({ path: `${at}${name}-${version}.egg-info`, content: text });
    else entries.push({ path: `${at}${name}-${version}.dist-info/METADATA`, content: '' }, { path: `${at}${name}-${version}.dist-info/PKG-INFO`, content: text });
    entries.push({ path: `${at}${name.toLowerCase()}/__init__.py`, content: '' });
  }
  const zip = zipFiles(entries.map((e) => ({ ...e, store: r() < 0.3 })));
  // A zipapp: a shebang line before the archive, which zipfile reads past (its offsets are from the archive's start).
  return { zip: r() < 0.15 ? Buffer.concat([Buffer.from('#!/usr/bin/env python3\n'), zip]) : zip, subs };
}

function generateZipCase(r: () => number, dir: string): ZipCase {
  const base = dir.slice(1);
  const layers = 1 + Math.floor(r() * 3);
  const layer = () => Math.floor(r() * layers);
  const files: ZipCase['files'] = [];
  const sites = [...new Set([pick(r, SITES), ...(r() < 0.3 ? [pick(r, SITES)] : [])])];
  for (const site of sites) if (r() < 0.6) files.push({ path: `${base}/${site}/litellm-1.82.7.dist-info/METADATA`, content: headers(r, 'litellm', '1.82.7'), layer: layer() });
  const zips: { path: string; subs: string[] }[] = [];
  const names = [...new Set(Array.from({ length: 1 + Math.floor(r() * 4) }, () => (r() < 0.2 ? `${pick(r, sites)}/extra${Math.floor(r() * 3)}.zip` : pick(r, ZIP_NAMES))))];
  for (const name of names) {
    const { zip, subs } = zipOf(r, Array.from({ length: 1 + Math.floor(r() * 2) }, (_, i) => pick(r, ['litellm', 'requests', 'Foo_Bar', 'six']) + (i ? `${i}` : '')));
    files.push({ path: `${base}/${name}`, content: zip, layer: layer() });
    zips.push({ path: name, subs });
  }
  // A symlink to a zip (absolute: the host path is the image path; or relative), named on the path in its stead.
  if (r() < 0.3) {
    const target = pick(r, zips);
    const link = r() < 0.5 ? `${dir}/${target.path}` : posix.relative('/opt', `/${target.path}`);
    files.push({ path: `${base}/opt/link.zip`, content: '', layer: layer(), link });
    zips.push({ path: 'opt/link.zip', subs: target.subs });
  }
  const stdlibZip = r() < 0.2 ? pick(r, STDLIB_ZIPS) : undefined;
  if (stdlibZip) files.push({ path: `${base}/${stdlibZip}`, content: zipOf(r, ['stdlibpkg']).zip, layer: layer() });
  // .pth lines: absolute, relative to the site folder, imports, comments, missing paths, folders, duplicates.
  const lineFor = (site: string): string => {
    const z = pick(r, zips);
    const kind = pick(r, ['abs', 'abs', 'rel', 'import', 'comment', 'missing', 'dir', 'sub', 'blank'] as const);
    if (kind === 'abs') return `${dir}/${z.path}${pick(r, ['', ' ', '\t'])}`;
    if (kind === 'rel') return posix.relative(`${dir}/${site}`, `${dir}/${z.path}`);
    if (kind === 'import') return pick(r, ['import os', 'import sys; x = 1', 'import\tos']);
    if (kind === 'comment') return `#${dir}/${z.path}`;
    if (kind === 'missing') return `${dir}/opt/missing.zip`;
    if (kind === 'dir') return `${dir}/opt`;
    if (kind === 'sub') return `${dir}/${z.path}/${z.subs[0] ?? 'lib'}`;
    return '   ';
  };
  for (const site of sites) {
    for (let k = Math.floor(r() * 3); k > 0; k--) {
      const lines = Array.from({ length: 1 + Math.floor(r() * 4) }, () => lineFor(site));
      files.push({ path: `${base}/${site}/${pick(r, ['a', 'easy-install', '.hidden', 'zz_last'])}${k}.pth`, content: lines.join(pick(r, ['\n', '\r\n'])) + '\n', layer: layer() });
    }
  }
  // Read by no Python: a .pth outside any site folder.
  if (r() < 0.3) files.push({ path: `${base}/opt/notsite/x.pth`, content: `${dir}/${pick(r, zips).path}\n`, layer: layer() });
  let pythonPath: string | undefined;
  if (r() < 0.5) {
    const entries = Array.from({ length: 1 + Math.floor(r() * 3) }, () => {
      const z = pick(r, zips);
      const kind = pick(r, ['abs', 'sub', 'rel', 'empty', 'missing'] as const);
      if (kind === 'abs') return `${dir}/${z.path}`;
      if (kind === 'sub') return `${dir}/${z.path}/${z.subs.length ? pick(r, z.subs) : 'lib'}`;
      if (kind === 'rel') return posix.relative(`${dir}/work`, `${dir}/${z.path}`);
      if (kind === 'empty') return '';
      return `${dir}/nowhere.zip`;
    });
    pythonPath = entries.join(':');
  }
  const deletable = files.filter((f) => f.link === undefined && (Buffer.isBuffer(f.content) || f.path.endsWith('.pth'))).map((f) => f.path);
  const deletes = r() < 0.35 ? [...new Set(Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(r, deletable)))] : [];
  return { dir, files, deletes, sites: sites.map((s) => `${dir}/${s}`), ...(stdlibZip ? { stdlibZip: `${dir}/${stdlibZip}` } : {}), ...(pythonPath !== undefined ? { pythonPath } : {}) };
}

// In the case's folder as the working directory, PYTHONPATH set: sys.path as getpath and site.py make it, less the
// host's own entries. A folder inside a zip (`deps.zip/lib`) is importable (zipimport) but importlib.metadata lists
// nothing there (zipfile.Path cannot open it as a root); its distributions are listed as PathDistribution reads them.
const ZIP_ORACLE = `
import importlib.metadata as md, json, os, site, sys, zipfile
case, sites, stdlib_zip = json.loads(sys.argv[1])
known = site.removeduppaths()
for s in sites:
    site.addsitedir(s, known)
    # Python 3.13 (and later 3.11 and 3.12 releases) skips .pth files whose name starts with a dot; older ones
    # read them. sbom-hunt reads them (the safe side): the same union, through the real addpackage.
    for name in sorted(os.listdir(s)) if os.path.isdir(s) else []:
        if name.startswith(".") and name.endswith(".pth"):
            site.addpackage(s, name, known)
if stdlib_zip:
    sys.path.append(stdlib_zip)
mine = [p for p in sys.path if p.startswith(case + "/")]
out = [[d.metadata["Name"], d.metadata["Version"], str(d._path)] for d in md.distributions(path=mine)]
for p in mine:
    a = p
    while a != "/" and not os.path.exists(a):
        a = os.path.dirname(a)
    if a == p or not os.path.isfile(a) or not zipfile.is_zipfile(a):
        continue
    for child in zipfile.Path(a, at=p[len(a) + 1:] + "/").iterdir():
        if child.name.lower().endswith((".dist-info", ".egg-info")):
            d = md.PathDistribution(child)
            out.append([d.metadata["Name"], d.metadata["Version"], str(child)])
print(json.dumps(out))
`;

const distKey = (name: string, version: string, path: string) => `${name} ${version} ${path.replace(/\/$/, '').replace(/\/(?:METADATA|PKG-INFO)$/, '').replace('!/', '/')}`;

describe.skipIf(!hasPython() && !process.env.CI)('zips on sys.path: sbom-hunt agrees with importlib.metadata', () => {
  it(`${ZIP_RUNS} generated layouts with .pth files, PYTHONPATH and zips of any name`, async () => {
    const r = seeded(Number(process.env.FUZZ_SEED ?? 21));
    // Two runs a case: the interpreter itself, not a version manager's shim in front of it.
    const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
    const disagreements: string[] = [];
    let fromZips = 0;
    let offPath = 0;
    let viaLink = 0;
    let withDeleted = 0;
    for (let i = 0; i < ZIP_RUNS; i++) {
      const c = generateZipCase(r, join(root, `zcase${i}`));
      for (const f of c.files) {
        mkdirSync(dirname(`/${f.path}`), { recursive: true });
        if (f.link !== undefined) symlinkSync(f.link, `/${f.path}`);
        else writeFileSync(`/${f.path}`, f.content);
      }
      mkdirSync(join(c.dir, 'work'), { recursive: true });
      const env = { ...process.env, PYTHONPATH: c.pythonPath ?? '' };
      if (c.pythonPath === undefined) delete (env as Record<string, string | undefined>).PYTHONPATH;
      const args = JSON.stringify([c.dir, c.sites, c.stdlibZip ?? null]);
      const listing = () => JSON.parse(execFileSync(python, ['-S', '-W', 'ignore', '-c', ZIP_ORACLE, args], { cwd: join(c.dir, 'work'), env, encoding: 'utf8' })) as [string | null, string | null, string][];
      // Python before the last layer deletes, and after: what only the first lists is what the build had and lost.
      const during = listing();
      for (const path of c.deletes) rmSync(`/${path}`);
      const after = listing();
      const layers: LayerSpec[] = Array.from({ length: 1 + Math.max(...c.files.map((f) => f.layer)) }, (_, n) => ({
        files: c.files.filter((f) => f.layer === n).map(({ path, content, link }) => (link !== undefined ? { path, type: 'symlink' as const, linkname: link } : { path, content })),
      }));
      if (c.deletes.length > 0) layers.push({ files: c.deletes.map((path) => ({ path, whiteout: true })) });
      const proc = { WorkingDir: join(c.dir, 'work'), ...(c.pythonPath !== undefined ? { Env: [`PYTHONPATH=${c.pythonPath}`] } : {}) };
      const built = await buildImageLayout(join(root, `zimg${i}`), { platforms: [{ process: proc, layers }] });
      const p = (await readImage(await openOciDir(built.dir), { ref: `zcase${i}` })).platforms[0]!;
      const named = after.filter(([name]) => name !== null && name.trim() !== '');
      const keys = (list: typeof after) => new Set(list.filter(([name]) => name !== null && name.trim() !== '').map(([n, v, at]) => distKey(n!, v ?? '', at)));
      const live = keys(after);
      const want = [...live].sort();
      const wantGone = [...keys(during)].filter((k) => !live.has(k)).sort();
      const oursOf = (deleted: boolean) => [...new Set(p.packages.filter((x) => x.ecosystem === 'pypi' && !!x.deleted === deleted).flatMap((x) => x.paths.map((at) => distKey(x.name, x.version, at))))].sort();
      const ours = oursOf(false);
      const oursGone = oursOf(true);
      if (wantGone.length > 0) withDeleted += 1;
      if (after.some(([, , at]) => /\.(?:zip|whl|pyz)\/|\/deps\//.test(at))) fromZips += 1;
      if (c.files.some((f) => /python-wheels|\.cache\/pip|notsite/.test(f.path))) offPath += 1;
      if (after.some(([, , at]) => at.includes('/opt/link.zip/'))) viaLink += 1;
      const expectUnknown = named.length !== after.length;
      if (JSON.stringify(ours) !== JSON.stringify(want) || JSON.stringify(oursGone) !== JSON.stringify(wantGone) || expectUnknown !== p.errors.length > 0)
        disagreements.push(`zcase ${i}: python ${JSON.stringify(want)}${expectUnknown ? ' (and one it cannot name)' : ''} gone ${JSON.stringify(wantGone)}, sbom-hunt ${JSON.stringify(ours)} gone ${JSON.stringify(oursGone)} errors ${JSON.stringify(p.errors)}; PYTHONPATH ${JSON.stringify(c.pythonPath)}; deleted ${JSON.stringify(c.deletes)}; files ${JSON.stringify(c.files.map((f) => [f.path, f.link ?? (Buffer.isBuffer(f.content) ? 'zip' : f.content)]))}`);
      rmSync(join(root, `zimg${i}`), { recursive: true, force: true });
    }
    recordOracle('python-sys-path', ZIP_RUNS, disagreements.length, `${fromZips} cases where Python listed a zip's distribution, ${offPath} with zips or .pth files off sys.path, ${viaLink} through a symlink to a zip, ${withDeleted} where a last layer's deletions took distributions off the path`);
    expect(fromZips).toBeGreaterThan(ZIP_RUNS / 4);
    expect(disagreements.slice(0, 3)).toEqual([]);
  }, 300_000);
});
