// Differential test: Pipfile.lock files Debian's Pipenv writes, read by `sbom-hunt scan dir:`, against Pipenv's own
// reading. Generated Pipfiles over a local PEP 503 index of wheels (test/helpers/wheel-index.py; nothing touches
// the network): names spelled with capitals, underscores and dots, pre-release, post-release and epoch versions,
// packages and dev-packages, an entry only for Windows (a marker) and a dependency behind a marker, a wheel by
// file:// URL, a git dependency by tag and a path dependency (built with setuptools from the index). The oracle is
// `pipenv requirements --dev` (the lockfile as Pipenv reads it: `name==version`; a git entry by name alone, as
// Pipfile.lock gives it no version, and an editable path entry likewise; a file URL or path entry as the
// distribution pip installed from it says);
// `pipenv sync --dev` installs offline, and what importlib.metadata then finds in the environment must be a part
// of it. Pipenv builds git and path sources slowly (~20 s a lockfile), so only the first project always has them,
// and it is the same every run (cached by its inputs under the test-builds cache).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryByFile } from '../helpers/lockfile-oracle.js';
import { BUILD_WHEELS, gitPackage, PY, setupPy, WHEEL_DIR, writeWheelIndex } from '../helpers/python-sources.js';
import { seeded } from '../helpers/random.js';
import { cachedBuild, haveTool } from '../helpers/real-tools.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const run = promisify(execFile);
const RUNS = oracleRuns(3, 0.0003);
const hasPipenv = haveTool('pipenv', 'pipenv');

const WHEELS = [
  { name: 'Leaf_Pkg', version: '1.0.0' },
  { name: 'Leaf_Pkg', version: '2.0.0rc1' },
  { name: 'zope.iface', version: '5.1', requires: ['Leaf_Pkg>=1.0'] },
  { name: 'Epoch-Pkg', version: '1!2.0' },
  { name: 'Epoch-Pkg', version: '3.0' },
  { name: 'post_rel', version: '1.0.post1', requires: ['zope.iface'] },
  { name: 'win-only', version: '0.1' },
  { name: 'platdep', version: '4.2', requires: ['win-only; sys_platform == "win32"', 'post_rel'] },
  { name: 'dev-tool', version: '0.9b2', requires: ['Leaf_Pkg'] },
];
const URL_WHEEL = { name: 'urlpkg', version: '0.3', requires: ['zope.iface'] };
const PINS: Record<string, string[]> = {
  Leaf_Pkg: ['"*"', '"==1.0.0"', '"==2.0.0rc1"', '">=1.0"'],
  'zope.iface': ['"*"', '"==5.1"'],
  'Epoch-Pkg': ['"==1!2.0"', '"*"'],
  post_rel: ['"==1.0.post1"'],
  platdep: ['"*"'],
  'win-only': [`{version = "*", markers = "sys_platform == 'win32'"}`],
};
/** Other spellings of a name that Pipenv and pip take as the same project. */
const SPELLINGS: Record<string, string[]> = { Leaf_Pkg: ['Leaf_Pkg', 'leaf-pkg', 'LEAF.pkg'], post_rel: ['post_rel', 'Post-Rel'] };

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;

function generate(r: Rand, sources: string, full: boolean): string {
  const has = (p: number) => r() < p || full;
  const lines = ['[[source]]', `url = "file://${sources}/simple"`, 'verify_ssl = true', 'name = "local"', ''];
  const prod: string[] = [];
  const dev: string[] = [];
  for (const [name, pins] of Object.entries(PINS)) if (has(0.6)) (r() < 0.25 ? dev : prod).push(`"${pick(r, SPELLINGS[name] ?? [name])}" = ${pick(r, pins)}`);
  if (has(0.5)) dev.push('dev-tool = "==0.9b2"');
  if (has(0.4)) prod.push(`urlpkg = {file = "file://${sources}/url/urlpkg-0.3-py3-none-any.whl"}`);
  if (has(0.15)) prod.push(`gitpkg = {git = "file://${sources}/gitpkg", ref = "v1"}`);
  if (has(0.15)) dev.push(`localpkg = {path = "./localpkg"${r() < 0.5 ? ', editable = true' : ''}}`);
  return [...lines, '[packages]', ...prod, '', '[dev-packages]', ...dev, ''].join('\n');
}

const SETUP = setupPy;

async function writeSources(dir: string): Promise<void> {
  writeWheelIndex(dir, WHEELS, BUILD_WHEELS);
  writeWheelIndex(join(dir, 'urlbuild'), [URL_WHEEL], []);
  await mkdir(join(dir, 'url'));
  await copyFile(join(dir, 'urlbuild', 'wheels', 'urlpkg-0.3-py3-none-any.whl'), join(dir, 'url', 'urlpkg-0.3-py3-none-any.whl'));
  await gitPackage(join(dir, 'gitpkg'), SETUP('gitpkg', '0.5.0a1', ['Epoch-Pkg']));
}

/** PEP 503 names, so `Leaf_Pkg 1.0.0` and `leaf-pkg 1.0.0` are one entry. */
const normalize = (entry: string) => entry.replace(/^\S+/, (n) => n.toLowerCase().replace(/[-_.]+/g, '-'));

interface Dist {
  name: string;
  version: string;
  /** PEP 610 direct_url.json's url, for a distribution installed from a URL, a path or a VCS. */
  url?: string;
}

/**
 * `name version` of each requirement line `pipenv requirements` prints. A git line names its egg and no version
 * (Pipfile.lock has none); a file URL or path line names neither, so the distribution pip installed from that
 * URL (its direct_url.json) says which it is.
 */
function requirementLines(text: string, dir: string, dists: Dist[]): string[] {
  const out: string[] = [];
  const unplaced: string[] = [];
  for (const raw of text.split('\n')) {
    const editable = /^-e\s/.test(raw);
    const line = raw.split(' ; ')[0]!.replace(/^-e\s+/, '').trim();
    if (!line || /^-(i|-index-url|-extra-index-url|-trusted-host)\b/.test(line)) continue;
    const egg = /#egg=([^&\s]+)/.exec(line)?.[1];
    const pin = /^([^=<>!~\s]+)\s*==\s*(\S+)$/.exec(line);
    if (egg) out.push(`${egg} `);
    else if (pin) out.push(`${pin[1]} ${pin[2]}`);
    else {
      const url = line.startsWith('file://') ? line : `file://${join(dir, line)}`;
      const dist = dists.find((d) => d.url === url);
      if (dist) out.push(`${dist.name} ${editable ? '' : dist.version}`);
      else unplaced.push(line);
    }
  }
  // An editable path install (setup.py develop) leaves no direct_url.json: it is the one distribution that no
  // other line accounts for. Pipfile.lock pins no version for it (Pipenv builds the source to learn one), as
  // for a git entry: the lockfile says the name only.
  const named = new Set(out.map((p) => normalize(p).split(' ')[0]));
  const left = dists.filter((d) => !named.has(normalize(d.name)));
  if (unplaced.length > 1 || unplaced.length !== left.length) throw new Error(`cannot tell which distributions ${unplaced.join(', ')} installed: ${JSON.stringify(left)}`);
  for (const d of left) out.push(`${d.name} `);
  return out.sort();
}

// Every distribution in the environment, as importlib.metadata finds it.
const LIST = `
import importlib.metadata as m, json
out = []
for d in m.distributions():
    entry = {"name": d.metadata["Name"], "version": d.version}
    direct = d.read_text("direct_url.json")
    if direct:
        entry["url"] = json.loads(direct)["url"]
    out.append(entry)
print(json.dumps(out))
`;

let root = '';
const cases: { dir: string; pipfile: string; lockfile: string; locked: string[]; installed: string[] }[] = [];
let ours = new Map<string, string[]>();

async function lockProject(pipfile: string, sources: string): Promise<string> {
  const { stdout: version } = await run('pipenv', ['--version']);
  return cachedBuild('pipenv-case', { pipfile, sources, version }, async (dir) => {
    await writeFile(join(dir, 'Pipfile'), pipfile);
    await mkdir(join(dir, 'localpkg'));
    await writeFile(join(dir, 'localpkg', 'setup.py'), SETUP('localpkg', '2.1', ['zope.iface']));
    // The index also serves setuptools and wheel to pip's isolated builds (git and path sources), which would
    // otherwise look for them on pypi.org.
    const env = { PIP_INDEX_URL: `file://${sources}/simple`, PATH: '/usr/bin:/bin', HOME: join(dir, '.home'), PIPENV_VENV_IN_PROJECT: '1', PIPENV_NOSPIN: '1', PIPENV_YES: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1', LANG: 'C.UTF-8' };
    await run('pipenv', ['--python', PY, 'lock'], { cwd: dir, env });
    await run('pipenv', ['sync', '--dev'], { cwd: dir, env });
    const dists = (JSON.parse((await run(join(dir, '.venv', 'bin', 'python'), ['-c', LIST], { cwd: dir, env })).stdout) as Dist[]).filter((d) => !/^(pip|setuptools|wheel)$/.test(d.name));
    const requirements = (await run('pipenv', ['requirements', '--dev'], { cwd: dir, env })).stdout;
    // What the tools said, raw (the folder they ran in is renamed into the cache afterwards).
    await writeFile(join(dir, 'oracle.json'), JSON.stringify({ requirements, dists, ranIn: dir }));
    await rm(join(dir, '.venv'), { recursive: true, force: true });
  });
}

beforeAll(async () => {
  if (!hasPipenv) return;
  expect(BUILD_WHEELS, `setuptools and wheel wheels in ${WHEEL_DIR}`).toHaveLength(2);
  root = await mkdtemp(join(tmpdir(), 'pipenv-oracle-'));
  const sources = await cachedBuild('pipenv-sources', { WHEELS, URL_WHEEL, BUILD_WHEELS, SETUP: SETUP('x', '1', []) }, writeSources);
  const seed = oracleSeed(1e9);
  const r = seeded(seed);
  for (let i = 0; i < RUNS; i++) {
    // The first project takes every part from a seed of its own, so its slow lockfile is built once and cached.
    const pipfile = i === 0 ? generate(seeded(1), sources, true) : generate(r, sources, false);
    const dir = await lockProject(pipfile, sources);
    await mkdir(join(root, 'scan', `p${i}`), { recursive: true });
    await copyFile(join(dir, 'Pipfile.lock'), join(root, 'scan', `p${i}`, 'Pipfile.lock'));
    const said = JSON.parse(readFileSync(join(dir, 'oracle.json'), 'utf8')) as { requirements: string; dists: Dist[]; ranIn: string };
    const locked = requirementLines(said.requirements, said.ranIn, said.dists);
    const installed = said.dists.map((d) => `${d.name} ${d.version}`).sort();
    cases.push({ dir, pipfile, lockfile: `/p${i}/Pipfile.lock`, locked, installed });
  }
  ours = await inventoryByFile(join(root, 'scan'));
  let disagreements = 0;
  for (const c of cases) if (JSON.stringify(ours.get(c.lockfile) ?? []) !== JSON.stringify(c.locked)) disagreements++;
  recordOracle('pipfile-lock', cases.length, disagreements, `seed ${seed}`);
}, 300_000);
afterAll(() => (root && !process.env.KEEP_ORACLE ? rm(root, { recursive: true, force: true }) : undefined));

describe.skipIf(!hasPipenv)('Pipfile.lock agrees with Pipenv', () => {
  it('on generated projects locked and installed offline', () => {
    expect(cases.length).toBe(RUNS);
    for (const c of cases) {
      const why = `${c.dir}\n${c.pipfile}`;
      expect(ours.get(c.lockfile) ?? [], why).toEqual(c.locked);
      // Installed: a locked version, or for a versionless (git, path, URL) entry, the name.
      const locked = new Set(c.locked.map(normalize));
      for (const p of c.installed.map(normalize)) expect(locked.has(p) || locked.has(`${p.split(' ')[0]} `), `${why}\n${p} installed`).toBe(true);
    }
  });

  it('the generated projects cover what they are for', () => {
    const all = cases.flatMap((c) => c.locked);
    for (const p of ['gitpkg ', 'urlpkg 0.3', 'localpkg 2.1', 'win-only 0.1', 'dev-tool 0.9b2', 'epoch-pkg 1!2.0']) expect(all).toContain(p);
    expect(cases.flatMap((c) => c.installed)).not.toContain('win-only 0.1');
  });
});
