// Differential test: poetry.lock files Debian's Poetry (python3-poetry, 1.3) writes, read by `sbom-hunt scan dir:`,
// against Poetry's own reading. Generated pyproject.toml projects over a local PEP 503 index of wheels
// (test/helpers/wheel-index.py) served on loopback, the only source (`default = true`, so Poetry never asks
// pypi.org): names spelled with capitals, underscores and dots, constraints `^ ~ >= == *`, a dependency locked at
// two versions split by `python` (one for Python < 3.8, one for newer), entries behind `python_version` and
// `sys_platform` markers, a dependency's extra and the project's own extras (optional dependencies), the dev group
// (also as the older `[tool.poetry.dev-dependencies]`) and an optional docs group, a release only as an sdist, a
// yanked release pinned with `==` (locked, with Poetry's warning) beside one a range takes (the yanked one
// skipped), a path dependency (setuptools), a git dependency by tag (a file:// repository) and a wheel by URL
// (both keep their own spelling of the name in the lock).
// The oracle is `poetry show --all`: every package of the lock as Poetry's locker reads it, whatever group, extra
// or marker, which is what sbom-hunt lists (docs/lockfiles.md). Debian's Poetry has no export plugin. Then
// `poetry install --all-extras --with <groups>` into the fresh virtualenv Poetry made, and what importlib.metadata
// finds there must be a part of it; the generated projects must also leave some locked packages out of that
// environment (a marker for another platform or an older Python), or the two answers would not differ.
// Locking and `show` take ~5 s a project, installing ~10 s more (pip builds the sdist and the path dependency), so
// each project is cached by its inputs under the test-builds cache, the first one is the same every run, and in
// `npm test` only that first one is installed (every one under FUZZ_RUNS).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize as normalizePath } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryByFile } from '../helpers/lockfile-oracle.js';
import { BUILD_WHEELS, gitPackage, setupPy, WHEEL_DIR, writeWheelIndex } from '../helpers/python-sources.js';
import { seeded } from '../helpers/random.js';
import { cachedBuild, haveTool } from '../helpers/real-tools.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const run = promisify(execFile);
const RUNS = oracleRuns(3, 0.0003);
const hasPoetry = haveTool('poetry', 'python3-poetry');

const WHEELS = [
  { name: 'Leaf_Pkg', version: '1.0.0' },
  { name: 'Leaf_Pkg', version: '2.0.0' },
  { name: 'Leaf_Pkg', version: '2.1.0rc1' },
  { name: 'Foo_Bar.baz', version: '1.2.3', requires: ['Leaf_Pkg>=1.0'] },
  { name: 'Epoch-Pkg', version: '1!2.0' },
  { name: 'post_rel', version: '1.0.post1', requires: ['Foo_Bar.baz'] },
  { name: 'win-only', version: '0.1' },
  { name: 'old-py', version: '0.2' },
  { name: 'platdep', version: '4.2', requires: ['win-only; sys_platform == "win32"', 'post_rel'] },
  { name: 'extra-dep', version: '3.0' },
  { name: 'with-extra', version: '1.0', requires: ['extra-dep; extra == "fast"'] },
  { name: 'opt-pkg', version: '0.7', requires: ['Epoch-Pkg'] },
  { name: 'src-only', version: '0.4', sdist: true, requires: ['Leaf_Pkg'] },
  { name: 'pulled', version: '1.0' },
  { name: 'pulled', version: '1.1', yanked: 'broken build' },
  { name: 'dev-tool', version: '0.9b2', requires: ['Leaf_Pkg'] },
  { name: 'doc-tool', version: '0.3.1' },
  { name: 'Url_Pkg', version: '0.3', requires: ['post_rel'] },
];
/** Other spellings of a name that Poetry takes as the same project (PEP 503). */
const SPELLINGS: Record<string, string[]> = { 'Foo_Bar.baz': ['Foo_Bar.baz', 'foo-bar-baz', 'FOO_bar_BAZ'], post_rel: ['post_rel', 'Post-Rel'], Leaf_Pkg: ['Leaf_Pkg', 'leaf.pkg'] };
const MAIN: Record<string, string[]> = {
  Leaf_Pkg: ['"^1.0"', '">=2.0"', '"==1.0.0"', '[{version = "1.0.0", python = "<3.8"}, {version = ">=2.0", python = ">=3.8"}]', '{version = "2.1.0rc1", allow-prereleases = true}'],
  'Foo_Bar.baz': ['"^1.2"', '"~1.2.3"', '"*"'],
  'Epoch-Pkg': ['"==1!2.0"', '"*"'],
  post_rel: ['"==1.0.post1"', '">=1.0"'],
  platdep: ['"^4.2"'],
  'win-only': [`{version = ">=0.1", markers = "sys_platform == 'win32'"}`],
  'old-py': [`{version = "*", markers = "python_version < '3.8'"}`, '{version = "*", python = "<3.8"}'],
  'with-extra': ['{version = "^1.0", extras = ["fast"]}', '"^1.0"'],
  'src-only': ['"~0.4"', '">=0.4"'],
  pulled: ['"==1.1"', '">=1.0"'],
};

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
/** The index's URL stands in as this until the project is written, so a project's cache key has no port in it. */
const INDEX = '@INDEX@';
const WHEELS_URL = '@WHEELS@';
const GIT = '@GIT@';

interface Project {
  pyproject: string;
  /** The groups `poetry install --with` takes. */
  groups: string[];
  /** Whether to install it too (slow), or only lock it and ask `poetry show`. */
  install: boolean;
}

function generate(r: Rand, full: boolean, install: boolean): Project {
  const has = (p: number) => r() < p || full;
  const main: string[] = ['python = ">=3.7"'];
  // The fixed first project takes the first constraint of each, but the python split for Leaf_Pkg.
  for (const [name, pins] of Object.entries(MAIN)) if (has(0.55)) main.push(`"${pick(r, SPELLINGS[name] ?? [name])}" = ${full ? pins[name === 'Leaf_Pkg' ? 3 : 0] : pick(r, pins)}`);
  if (has(0.4)) main.push(`localpkg = {path = "./localpkg"${r() < 0.5 ? ', develop = true' : ''}}`);
  if (has(0.25)) main.push(`Git_Pkg = {git = "${GIT}", tag = "v1"}`);
  if (has(0.25)) main.push(`"Url_Pkg" = {url = "${WHEELS_URL}Url_Pkg-0.3-py3-none-any.whl"}`);
  const extras = has(0.4);
  if (extras) main.push('opt-pkg = {version = "^0.7", optional = true}');
  const lines = ['[tool.poetry]', 'name = "case"', 'version = "0.1.0"', 'description = ""', 'authors = ["t <t@example.com>"]', '', '[tool.poetry.dependencies]', ...main, ''];
  if (extras) lines.push('[tool.poetry.extras]', 'speed = ["opt-pkg"]', '');
  const groups: string[] = [];
  if (has(0.5)) {
    // The dev group as Poetry 1.2+ spells it, or the older `dev-dependencies` table that Poetry 1.3 still reads.
    groups.push('dev');
    lines.push(full || r() < 0.5 ? '[tool.poetry.group.dev.dependencies]' : '[tool.poetry.dev-dependencies]', 'dev-tool = {version = "==0.9b2", allow-prereleases = true}', '');
  }
  if (has(0.3)) {
    groups.push('docs');
    lines.push('[tool.poetry.group.docs]', 'optional = true', '', '[tool.poetry.group.docs.dependencies]', 'doc-tool = ">=0.3,<0.4"', '');
  }
  lines.push('[[tool.poetry.source]]', 'name = "local"', `url = "${INDEX}"`, 'default = true', '');
  return { pyproject: lines.join('\n'), groups, install };
}

const SETUP = (name: string, version: string) => setupPy(name, version, ['Leaf_Pkg']);

/** The wheel index, and beside it the git repository Git_Pkg comes from (tag v1). */
async function writeSources(dir: string): Promise<void> {
  writeWheelIndex(dir, WHEELS, BUILD_WHEELS);
  await gitPackage(join(dir, 'gitpkg'), SETUP('Git_Pkg', '0.5.0a1'));
}

/** The index folder over HTTP on loopback (Poetry 1.3 reads no file:// source); `/simple/x/` is its index.html. */
async function serveIndex(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalizePath(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(dir, path, path.endsWith('/') ? 'index.html' : '');
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': file.endsWith('.html') ? 'text/html' : 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple/` };
}

// Every distribution in the environment, as importlib.metadata finds it.
const LIST = 'import importlib.metadata as m, json; print(json.dumps([[d.metadata["Name"], d.version] for d in m.distributions()]))';

/** `name version` of each line `poetry show --all --no-ansi` prints: `name [(!)] version [path] description`. */
function shownPackages(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const m = /^(\S+)\s+(?:\(!\)\s+)?(\S+)/.exec(l);
      if (!m) throw new Error(`poetry show printed a line this test cannot read: ${l}`);
      return `${m[1]} ${m[2]}`;
    })
    .sort();
}

/** PEP 503 names, so `Leaf_Pkg 1.0.0` and `leaf-pkg 1.0.0` are one entry. */
const normalize = (entry: string) => entry.replace(/^\S+/, (n) => n.toLowerCase().replace(/[-_.]+/g, '-'));

let root = '';
let index: { server: Server; url: string } | undefined;
const cases: { dir: string; pyproject: string; lockfile: string; locked: string[]; installed?: string[] }[] = [];
let ours = new Map<string, string[]>();

async function lockProject(project: Project, sources: string, url: string): Promise<string> {
  const { stdout: version } = await run('poetry', ['--version']);
  return cachedBuild('poetry-case', { project, sources, version, SETUP: SETUP('localpkg', '2.1') }, async (dir) => {
    await writeFile(join(dir, 'pyproject.toml'), project.pyproject.replace(INDEX, url).replace(WHEELS_URL, url.replace(/simple\/$/, 'wheels/')).replace(GIT, `file://${sources}/gitpkg`));
    await mkdir(join(dir, 'localpkg'));
    await writeFile(join(dir, 'localpkg', 'setup.py'), SETUP('localpkg', '2.1'));
    const home = join(dir, '.home');
    // Nothing of the user's: Poetry's config, cache and data, pip's config and keyring all inside the case.
    const env = {
      PATH: '/usr/bin:/bin',
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_DATA_HOME: join(home, '.local', 'share'),
      POETRY_CONFIG_DIR: join(home, 'poetry-config'),
      POETRY_CACHE_DIR: join(root, 'poetry-cache'),
      POETRY_DATA_DIR: join(home, 'poetry-data'),
      POETRY_VIRTUALENVS_IN_PROJECT: 'true',
      PYTHON_KEYRING_BACKEND: 'keyring.backends.null.Keyring',
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
      // `poetry show` leaves the version column out when a row (a URL entry's) is wider than the terminal.
      COLUMNS: '10000',
      LANG: 'C.UTF-8',
    };
    const poetry = (...args: string[]) => run('poetry', ['--no-ansi', '--no-interaction', ...args], { cwd: dir, env, maxBuffer: 1 << 24 });
    await poetry('lock', '--no-update');
    const shown = (await poetry('show', '--all')).stdout;
    // Poetry installs through pip with --isolated, which reads no PIP_* variable; the virtualenv's own pip.conf
    // gives pip, and the isolated builds it starts for the sdist and the path dependency, the local index.
    let dists: [string, string][] | undefined;
    if (project.install) {
      await writeFile(join(dir, '.venv', 'pip.conf'), `[global]\nindex-url = ${url}\n`);
      await poetry('install', '--no-root', '--all-extras', ...(project.groups.length ? ['--with', project.groups.join(',')] : []));
      const listed = JSON.parse((await run(join(dir, '.venv', 'bin', 'python'), ['-c', LIST], { cwd: dir, env })).stdout) as [string, string][];
      dists = listed.filter(([n]) => !/^(pip|setuptools|wheel)$/.test(n));
    }
    await writeFile(join(dir, 'oracle.json'), JSON.stringify({ shown, dists }));
    await rm(join(dir, '.venv'), { recursive: true, force: true });
  });
}

beforeAll(async () => {
  if (!hasPoetry) return;
  expect(BUILD_WHEELS, `setuptools and wheel wheels in ${WHEEL_DIR}`).toHaveLength(2);
  root = await mkdtemp(join(tmpdir(), 'poetry-oracle-'));
  const sources = await cachedBuild('poetry-sources', { WHEELS, BUILD_WHEELS, GIT: SETUP('Git_Pkg', '0.5.0a1') }, writeSources);
  index = await serveIndex(sources);
  const seed = oracleSeed(1e9);
  const r = seeded(seed);
  for (let i = 0; i < RUNS; i++) {
    const project = i === 0 ? generate(seeded(1), true, true) : generate(r, false, process.env.FUZZ_RUNS !== undefined);
    const dir = await lockProject(project, sources, index.url);
    await mkdir(join(root, 'scan', `p${i}`), { recursive: true });
    await copyFile(join(dir, 'poetry.lock'), join(root, 'scan', `p${i}`, 'poetry.lock'));
    const said = JSON.parse(readFileSync(join(dir, 'oracle.json'), 'utf8')) as { shown: string; dists?: [string, string][] };
    const installed = said.dists?.map(([n, v]) => `${n} ${v}`).sort();
    cases.push({ dir, pyproject: project.pyproject, lockfile: `/p${i}/poetry.lock`, locked: shownPackages(said.shown), installed });
  }
  ours = await inventoryByFile(join(root, 'scan'));
  let disagreements = 0;
  for (const c of cases) if (JSON.stringify(ours.get(c.lockfile) ?? []) !== JSON.stringify(c.locked)) disagreements++;
  recordOracle('poetry-lock', cases.length, disagreements, `seed ${seed}`);
  // ~12 s a project cold (locked and installed), so FUZZ_RUNS=100000's 30 projects need minutes.
}, Math.max(300_000, RUNS * 40_000));
afterAll(async () => {
  await new Promise((resolve) => (index ? index.server.close(resolve) : resolve(undefined)));
  if (root && !process.env.KEEP_ORACLE) await rm(root, { recursive: true, force: true });
});

describe.skipIf(!hasPoetry)('poetry.lock agrees with Poetry', () => {
  it('on generated projects locked and installed offline', () => {
    expect(cases.length).toBe(RUNS);
    for (const c of cases) {
      const why = `${c.dir}\n${c.pyproject}`;
      expect(ours.get(c.lockfile) ?? [], why).toEqual(c.locked);
      const locked = new Set(c.locked.map(normalize));
      for (const p of (c.installed ?? []).map(normalize)) expect(locked.has(p), `${why}\n${p} installed`).toBe(true);
    }
  });

  it('the generated projects cover what they are for', () => {
    const first = { ...cases[0]!, installed: cases[0]!.installed ?? [] };
    // Locked for every platform and Python, installed only where the marker holds (here: Linux, Python >= 3.8).
    for (const p of ['win-only 0.1', 'old-py 0.2', 'leaf-pkg 1.0.0', 'leaf-pkg 2.0.0', 'pulled 1.1', 'src-only 0.4', 'extra-dep 3.0', 'Git_Pkg 0.5.0a1', 'Url_Pkg 0.3']) expect(first.locked).toContain(p);
    for (const p of ['win-only 0.1', 'old-py 0.2', 'leaf-pkg 1.0.0']) expect(first.installed.map(normalize)).not.toContain(p);
    for (const p of ['leaf-pkg 2.0.0', 'pulled 1.1', 'src-only 0.4', 'localpkg 2.1', 'opt-pkg 0.7', 'dev-tool 0.9b2', 'doc-tool 0.3.1', 'git-pkg 0.5.0a1', 'url-pkg 0.3']) expect(first.installed.map(normalize)).toContain(p);
  });
});
