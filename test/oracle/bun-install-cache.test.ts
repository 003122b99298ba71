// Differential test: Bun's global install cache as the real bun writes it (the BUN_VERSIONS scripts/setup.sh
// installs into ~/.cache/sbom-hunt-tools). Generated projects over the loopback registry of the lockfile oracles
// (test/helpers/npm-projects.ts: scoped, dotted, underscored and capitalised names, pre-release and
// build-metadata versions, dependencies of their own, one name at several versions, an `npm:` alias; for the
// newest release also a patched dependency, a tarball URL and a git repository) are installed by `bun install`
// with BUN_INSTALL_CACHE_DIR a fresh folder. The oracle is bun.lock: every package bun resolved, by name and
// version (for a git or URL entry, which locks no version, the version of the package.json bun installed at the
// entry's path). Every file bun wrote into the cache, placed where a Linux image keeps it for root
// (/root/.bun/install/cache), read by sbom-hunt's catalogers, must list exactly that set, with no complaint; and
// an image holding the cache is affected for an IOC that is only a dependency (the cache is what bun links
// node_modules from, so it counts as installed: docs/limits.md).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cacheImageVerdict, catalogCache, loopbackRegistry } from '../helpers/cache-oracle.js';
import { type Manifest, ODD_SCOPED, PATCH, pick, RANGES, type Rand, npmProjectSources } from '../helpers/npm-projects.js';
import { seeded } from '../helpers/random.js';
import { cachedBuild, pinnedVersions, setupTool } from '../helpers/real-tools.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const run = promisify(execFile);
const VERSIONS = pinnedVersions('BUN_VERSIONS');
const NEWEST = VERSIONS.at(-1)!;
const runsOf = (version: string) => (version === NEWEST ? oracleRuns(3, 0.0003) : oracleRuns(1, 0.0001));
const BINARY = `node_modules/@oven/bun-linux-${process.arch === 'arm64' ? 'aarch64' : 'x64'}/bin/bun`;
const BUNS = VERSIONS.map((version) => ({ version, path: setupTool('bun', version, BINARY) }));
const hasBun = BUNS.every((b) => b.path);
/** Where a Linux image keeps Bun's install cache for root (~/.bun/install/cache). */
const IMAGE_CACHE = 'root/.bun/install/cache';
/** Env settings that move bun's cache; where to is asked of bun itself (movedCache). */
const MOVES = ['BUN_INSTALL_CACHE_DIR=cache/bun', 'BUN_INSTALL=/usr/local/bun', 'BUN_INSTALL_CACHE_DIR=/var/cache/bun'];

/** Where `bun pm cache` says the cache is under `setting`, run from `work`/srv (the image's WorkingDir /srv), as an image path. */
async function movedCache(work: string, bun: string, setting: string): Promise<string> {
  const cwd = join(work, 'srv');
  await mkdir(cwd, { recursive: true });
  await writeFile(join(cwd, 'package.json'), '{"name":"srv"}');
  const [key, value] = setting.split('=') as [string, string];
  const answer = (await run(bun, ['pm', 'cache'], { cwd, env: { PATH: process.env.PATH, HOME: join(work, 'home'), [key]: value } })).stdout.trim();
  return answer.startsWith(`${work}/`) ? relative(work, answer) : answer.slice(1);
}

/** A project's package.json; the newest release also gets a patch, a URL and a git dependency (1.1 and 1.2 find no tag in a git+file repository). */
function generate(r: Rand, full: boolean, newest: boolean, sources: string, registry: string): Manifest {
  const has = (p: number) => r() < p || full;
  const manifest: Manifest = { name: 'app', version: '1.0.0', private: true, dependencies: {} };
  const deps = manifest.dependencies!;
  for (const [name, ranges] of Object.entries(RANGES)) if (has(0.5) && name !== 'watcher') deps[name] = pick(r, ranges);
  if (has(0.4)) deps['leaf-old'] = `npm:leaf@${pick(r, ['^1.0.0', '1.2.0'])}`;
  // A pre-release and a build-metadata version every first case has, whichever ranges it drew.
  if (full) Object.assign(deps, { 'leaf-pre': 'npm:leaf@3.0.0-beta.1', 'util-build': 'npm:@acme/util@0.1.5+build.7' });
  if (has(0.4)) deps[ODD_SCOPED.name] = ODD_SCOPED.range;
  if (Object.keys(deps).length === 0) deps.mid = '^2.0.0';
  if (!newest) return manifest;
  if (has(0.4)) {
    deps['dot.name'] = '1.0.0';
    manifest.patchedDependencies = { 'dot.name@1.0.0': 'patches/extra.patch' };
  }
  if (has(0.3)) deps.urlpkg = `${registry}urlpkg/-/urlpkg-1.0.0.tgz`;
  if (has(0.3)) deps.gitdep = `git+file://${sources}/gitdep#v1`;
  return manifest;
}

/** bun.lock's packages as `name@version` (JSONC: bun writes trailing commas and no comments). */
function lockedPackages(dir: string): string[] {
  const lock = JSON.parse(readFileSync(join(dir, 'bun.lock'), 'utf8').replace(/,(\s*[}\]])/g, '$1')) as { packages: Record<string, [string, ...unknown[]]> };
  return Object.entries(lock.packages).map(([key, [ident]]) => {
    const at = ident.indexOf('@', 1);
    const version = ident.slice(at + 1);
    if (/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/.test(version)) return ident;
    // A git or URL entry: the version bun installed at the entry's install path (`a/b` is node_modules/a/node_modules/b).
    const path = key.split('/').reduce<string[]>((acc, part) => (acc.length > 0 && acc.at(-1)!.startsWith('@') && !acc.at(-1)!.includes('/') ? [...acc.slice(0, -1), `${acc.at(-1)}/${part}`] : [...acc, part]), []);
    const installed = JSON.parse(readFileSync(join(dir, ...path.flatMap((p) => ['node_modules', p]), 'package.json'), 'utf8')) as { version: string };
    return `${ident.slice(0, at)}@${installed.version}`;
  });
}

describe.skipIf(!hasBun)(`Bun's install cache as bun ${VERSIONS.join(', ')} write it`, () => {
  const oracle = loopbackRegistry('bun-install-cache-', async () => join(await npmProjectSources(), 'registry'));

  it('the catalogers list every package bun.lock resolves, from the cache folder bun fetched it into', async () => {
    const { work, registry } = oracle;
    const sources = await npmProjectSources();
    const seed = oracleSeed(1_000_000);
    const disagreements: string[] = [];
    let cases = 0;
    const read: string[] = [];
    for (const bun of BUNS) {
      for (let i = 0; i < runsOf(bun.version); i++, cases++) {
        const r = seeded(seed + cases);
        const manifest = generate(r, i === 0, bun.version === NEWEST, sources, registry.url);
        // The cache folder names carry the registry's host (bun 1.4) but no port: a cached build is as good on any port.
        const dir = await cachedBuild('bun-install-cache', { manifest: JSON.stringify(manifest).replaceAll(registry.url, '${REGISTRY}'), version: bun.version }, async (d) => {
          await writeFile(join(d, 'package.json'), JSON.stringify(manifest, null, 2));
          await mkdir(join(d, 'patches'));
          await writeFile(join(d, 'patches', 'extra.patch'), PATCH);
          const env = { PATH: process.env.PATH, HOME: join(d, 'home'), DO_NOT_TRACK: '1', BUN_INSTALL_CACHE_DIR: join(d, 'cache') };
          const flags = bun.version.startsWith('1.1.') ? ['--save-text-lockfile'] : ['--linker=hoisted'];
          await run(bun.path!, ['install', `--registry=${registry.url}`, ...flags, '--ignore-scripts', '--no-progress', '--no-summary'], { cwd: d, env }).catch((e: { stderr?: string }) => {
            throw new Error(`bun ${bun.version} install in ${d} failed:\n${e.stderr ?? String(e)}\n${JSON.stringify(manifest, null, 2)}`);
          });
        });
        const want = [...new Set(lockedPackages(dir))].sort();
        const reading = await catalogCache(join(dir, 'cache'), IMAGE_CACHE);
        read.push(...reading.readBy.keys());
        const got = [...new Set(reading.packages.map((p) => `${p.name}@${p.version}`))].sort();
        const tag = `bun ${bun.version}, seed ${seed + cases} (${dir})`;
        for (const c of reading.complaints) disagreements.push(`${tag}: ${c}`);
        if (JSON.stringify(got) !== JSON.stringify(want)) disagreements.push(`${tag}: bun.lock has [${want.join(', ')}]; sbom-hunt read [${got.join(', ')}]`);

        if (i === 0) {
          // The whole native path: the IOC package is only a dependency of what the project asked for.
          const asked = new Set(Object.values(manifest.dependencies ?? {}).map((range) => range.replace(/^npm:/, '').replace(/@[^@]*$/, '')));
          const dep = want.find((p) => !asked.has(p.slice(0, p.indexOf('@', 1))) && !Object.keys(manifest.dependencies ?? {}).includes(p.slice(0, p.indexOf('@', 1)))) ?? want[0]!;
          const at = dep.indexOf('@', 1);
          const judged = await cacheImageVerdict(join(work, `img-${bun.version}`), [{ dir: join(dir, 'cache'), imageDir: IMAGE_CACHE }], dep.slice(0, at), dep.slice(at + 1));
          if (judged.verdict !== 'affected') disagreements.push(`${tag}: an image holding the cache is ${judged.verdict} for ${dep}, not affected: ${judged.reasons.join('; ')}`);
          // A cache the image's Env moves, where `bun pm cache` says bun then keeps it.
          const env = MOVES[cases % MOVES.length]!;
          const moved = await movedCache(work, bun.path!, env);
          const elsewhere = await cacheImageVerdict(join(work, `img-moved-${bun.version}`), [{ dir: join(dir, 'cache'), imageDir: moved }], dep.slice(0, at), dep.slice(at + 1), { Env: [env], WorkingDir: '/srv' });
          if (elsewhere.verdict !== 'affected') disagreements.push(`${tag}: an image holding the cache at /${moved} (${env}) is ${elsewhere.verdict} for ${dep}, not affected: ${elsewhere.reasons.join('; ')}`);
        }
      }
    }
    recordOracle('bun-install-cache', cases, disagreements.length, `seed ${seed}`);
    expect(disagreements.slice(0, 8)).toEqual([]);
    // The folder forms the cases are for: scoped, git, tarball URL, patched, a registry host, hashed tags.
    const folders = read.join('\n');
    for (const s of ['/@my-org/Big.Name@1.0.0-', '/@acme/', '/@G@', '/@T@', '_patch_hash=', '@@127.0.0.1', '/BigName@']) expect(folders).toContain(s);
    expect(folders).toMatch(/@\d+\.\d+\.\d+-[0-9a-f]{16}@/);
    expect(folders).toMatch(/@\d+\.\d+\.\d+\+[0-9A-F]{16}@/);
  }, 600_000);
});
