// Differential test: Yarn 2+'s zip caches as the real Yarn writes them (the YARN_BERRY_VERSIONS scripts/setup.sh
// installs into ~/.cache/sbom-hunt-tools). Generated projects over the loopback registry of the lockfile oracles
// (test/helpers/npm-projects.ts: scoped, dotted, underscored and capitalised names, pre-release and
// build-metadata versions, dependencies of their own, an `npm:` alias, a `patch:` under another name, a `file:`
// tarball under another name than its package.json's, a `file:` folder, a tarball URL, a `link:` folder, an
// OS-restricted optional package fetched for every platform) are installed by `yarn install` (Plug'n'Play, the
// default linker: the zips are what runs) with enableGlobalCache false, so Yarn writes the project's
// .yarn/cache and mirrors every zip into its global cache (~/.yarn/berry/cache, HOME a fresh folder). The oracle
// is yarn.lock: every entry Yarn fetches (linkType hard) by its locator's name and version. Every zip of both
// caches, placed where a Linux image keeps them (/app/.yarn/cache, /root/.yarn/berry/cache), read by sbom-hunt's
// catalogers, must give exactly that set (a package.json naming the package otherwise is listed too, with a note),
// and read by file name alone (every zip over maxZipBytes) the name and version Yarn's file name holds, or the
// platform unknown where it holds none; an image holding the caches is affected for an IOC that is only a
// dependency, and so is one holding the global cache where Yarn keeps it under XDG_DATA_HOME.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/acquire/native/limits.js';
import { cacheImageVerdict, catalogCache, loopbackRegistry } from '../helpers/cache-oracle.js';
import { npmTarballName, writeNpmPackage } from '../helpers/npm-registry.js';
import { LINKED, LOCALDIR, type Manifest, ODD_SCOPED, PATCH, pick, RANGES, type Rand, TARRED, npmProjectSources } from '../helpers/npm-projects.js';
import { seeded } from '../helpers/random.js';
import { cachedBuild, pinnedVersions, setupTool } from '../helpers/real-tools.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const run = promisify(execFile);
const VERSIONS = pinnedVersions('YARN_BERRY_VERSIONS');
const NEWEST = VERSIONS.at(-1)!;
const runsOf = (version: string) => (version === NEWEST ? oracleRuns(3, 0.0003) : oracleRuns(1, 0.0001));
const YARNS = VERSIONS.map((version) => ({ version, path: setupTool('yarn', version, 'node_modules/@yarnpkg/cli-dist/bin/yarn.js') }));
const hasYarn = YARNS.every((y) => y.path);
/** Where a Linux image keeps a project's cache and root's global cache. */
const IMAGE_PROJECT_CACHE = 'app/.yarn/cache';
const IMAGE_GLOBAL_CACHE = 'root/.yarn/berry/cache';

/** The global cache of an image whose Env sets XDG_DATA_HOME, where `yarn config get cacheFolder` says Yarn keeps it. */
async function xdgGlobalCache(work: string, yarn: string): Promise<string> {
  const cwd = join(work, 'xdg-probe');
  await mkdir(cwd, { recursive: true });
  await writeFile(join(cwd, 'package.json'), '{"name":"probe"}');
  const env = { PATH: process.env.PATH, HOME: '/root', XDG_DATA_HOME: '/usr/local/share', YARN_IGNORE_PATH: '1', YARN_ENABLE_GLOBAL_CACHE: 'true' };
  return (await run(process.execPath, [yarn, 'config', 'get', 'cacheFolder'], { cwd, env })).stdout.trim().slice(1);
}

function generate(r: Rand, full: boolean): Manifest {
  const has = (p: number) => r() < p || full;
  const deps: Record<string, string> = {};
  for (const [name, ranges] of Object.entries(RANGES)) if (has(0.5)) deps[name] = pick(r, ranges);
  if (has(0.4)) deps['leaf-old'] = `npm:leaf@${pick(r, ['^1.0.0', '1.2.0'])}`;
  if (full) Object.assign(deps, { 'leaf-pre': 'npm:leaf@3.0.0-beta.1', 'util-build': 'npm:@acme/util@0.1.5+build.7' });
  if (has(0.4)) deps[ODD_SCOPED.name] = ODD_SCOPED.range;
  if (has(0.4)) deps['patched-mid'] = `patch:mid@npm%3A${pick(r, ['^1.0.0', '2.0.0'])}#./patches/extra.patch`;
  if (has(0.4)) deps.renamed = `file:./vendor/${npmTarballName(TARRED)}`;
  if (has(0.3)) deps.localdir = 'file:./localdir';
  if (has(0.3)) deps.linked = 'link:./linked';
  if (has(0.3)) deps.urlpkg = '${REGISTRY}urlpkg/-/urlpkg-1.0.0.tgz';
  if (Object.keys(deps).length === 0) deps.mid = '^2.0.0';
  return { name: 'app', version: '1.0.0', private: true, dependencies: deps };
}

function yarnrc(registry: string): string {
  return [
    `npmRegistryServer: "${registry}"`,
    'unsafeHttpWhitelist: ["127.0.0.1"]',
    'enableTelemetry: false',
    'enableGlobalCache: false',
    'enableScripts: false',
    'enableProgressBars: false',
    'supportedArchitectures: { os: [current, darwin], cpu: [current, arm64] }',
    '',
  ].join('\n');
}

interface Locked {
  /** `name@version` of the locator: the name Yarn installs it as. */
  id: string;
  protocol: string;
}

/** yarn.lock's entries Yarn fetches (linkType hard), by locator: `"<name>@<protocol>:<...>"` and `version: <v>`. */
async function lockedPackages(dir: string): Promise<Locked[]> {
  const out: Locked[] = [];
  for (const block of (await readFile(join(dir, 'yarn.lock'), 'utf8')).split(/\n\n+/)) {
    const resolution = /^ {2}resolution: "(.+)"$/m.exec(block)?.[1];
    const version = /^ {2}version: (\S+)$/m.exec(block)?.[1];
    if (!resolution || !version || !/^ {2}linkType: hard$/m.test(block)) continue;
    const at = resolution.indexOf('@', 1);
    out.push({ id: `${resolution.slice(0, at)}@${version.replace(/^"|"$/g, '')}`, protocol: resolution.slice(at + 1, resolution.indexOf(':', at)) });
  }
  return out;
}

describe.skipIf(!hasYarn)(`Yarn's zip caches as Yarn ${VERSIONS.join(', ')} write them`, () => {
  const oracle = loopbackRegistry('yarn-berry-cache-', async () => join(await npmProjectSources(), 'registry'));

  it('the catalogers list every package yarn.lock fetches, from the zip of either cache', async () => {
    const { work, registry } = oracle;
    const sources = await npmProjectSources();
    const seed = oracleSeed(1_000_000);
    const disagreements: string[] = [];
    const names: string[] = [];
    let cases = 0;
    for (const yarn of YARNS) {
      for (let i = 0; i < runsOf(yarn.version); i++, cases++) {
        const manifest = generate(seeded(seed + cases), i === 0);
        // Yarn keeps packuments (with their tarball URLs) under HOME: one HOME per build, and the port left out of the key.
        const dir = await cachedBuild('yarn-berry-cache', { manifest, version: yarn.version }, async (d) => {
          await writeFile(join(d, 'package.json'), JSON.stringify(manifest, null, 2).replaceAll('${REGISTRY}', registry.url));
          await mkdir(join(d, 'vendor'));
          await copyFile(join(sources, 'tarred', npmTarballName(TARRED)), join(d, 'vendor', npmTarballName(TARRED)));
          await writeNpmPackage(join(d, 'localdir'), LOCALDIR);
          await writeNpmPackage(join(d, 'linked'), LINKED);
          await mkdir(join(d, 'patches'));
          await writeFile(join(d, 'patches', 'extra.patch'), PATCH);
          await writeFile(join(d, 'yarn.lock'), '');
          await writeFile(join(d, '.yarnrc.yml'), yarnrc(registry.url));
          const env = { PATH: process.env.PATH, HOME: join(d, 'home'), YARN_IGNORE_PATH: '1' };
          await run(process.execPath, [yarn.path!, 'install'], { cwd: d, env }).catch((e: { stdout?: string }) => {
            throw new Error(`yarn ${yarn.version} install in ${d} failed:\n${e.stdout ?? String(e)}\n${JSON.stringify(manifest, null, 2)}`);
          });
        });
        const locked = await lockedPackages(dir);
        const want = [...new Set(locked.map((l) => l.id))].sort();
        const caches = [
          { dir: join(dir, '.yarn', 'cache'), imageDir: IMAGE_PROJECT_CACHE },
          { dir: join(dir, 'home', '.yarn', 'berry', 'cache'), imageDir: IMAGE_GLOBAL_CACHE },
        ];
        if (i === 0) caches.push({ dir: join(dir, 'home', '.yarn', 'berry', 'cache'), imageDir: await xdgGlobalCache(work, yarn.path!) });
        for (const cache of caches) {
          const tag = `Yarn ${yarn.version}, seed ${seed + cases}, ${cache.imageDir} (${dir})`;
          const reading = await catalogCache(cache.dir, cache.imageDir);
          names.push(...reading.readBy.keys());
          // A package.json naming the package otherwise is listed under that name too, and says so.
          const renamed = (p: { name: string; path: string }) => reading.complaints.some((c) => c.includes(`${p.path}: package.json names it ${JSON.stringify(p.name)}`));
          for (const c of reading.complaints) if (!/package\.json names it/.test(c)) disagreements.push(`${tag}: ${c}`);
          const got = [...new Set(reading.packages.filter((p) => !renamed(p)).map((p) => `${p.name}@${p.version}`))].sort();
          if (JSON.stringify(got) !== JSON.stringify(want)) disagreements.push(`${tag}: yarn.lock fetches [${want.join(', ')}]; sbom-hunt read [${got.join(', ')}]`);
          if ([...reading.readBy.values()].some((c) => c !== 'yarn-zip')) disagreements.push(`${tag}: a zip not read by yarn-zip`);

          // Read by file name alone: what Yarn's name holds (semver.valid's version: build metadata dropped), else unknown.
          const byName = await catalogCache(cache.dir, cache.imageDir, { ...DEFAULT_LIMITS, maxZipBytes: 0 });
          const npmWant = [...new Set(locked.filter((l) => l.protocol === 'npm').map((l) => l.id.replace(/\+.*$/, '')))].sort();
          // A dashed scope is listed at each dash the slash could be, and says so: the other readings are not Yarn's.
          const ambiguous = (p: { path: string }) => byName.complaints.some((c) => c.startsWith(`${p.path.slice(1)}: `) && c.includes('listed under each reading'));
          const read = byName.packages.filter((p) => p.version && (!ambiguous(p) || npmWant.includes(`${p.name}@${p.version}`)));
          const named = [...new Set(read.map((p) => `${p.name}@${p.version}`))].sort();
          if (JSON.stringify(named) !== JSON.stringify(npmWant)) disagreements.push(`${tag}, by file name: yarn.lock fetches [${npmWant.join(', ')}] from the registry; sbom-hunt read [${named.join(', ')}]`);
          const others = locked.filter((l) => l.protocol !== 'npm').length;
          const unknown = byName.complaints.filter((c) => /cannot read/.test(c)).length;
          if (unknown !== others) disagreements.push(`${tag}, by file name: ${others} zips of other protocols, ${unknown} unknown: ${byName.complaints.join('; ')}`);
        }

        if (i === 0) {
          const dep = want.find((p) => !(p.slice(0, p.indexOf('@', 1)) in manifest.dependencies!)) ?? want[0]!;
          const at = dep.indexOf('@', 1);
          const judged = await cacheImageVerdict(join(work, `img-${yarn.version}`), caches.slice(0, 2), dep.slice(0, at), dep.slice(at + 1));
          const xdg = await cacheImageVerdict(join(work, `img-xdg-${yarn.version}`), caches.slice(2), dep.slice(0, at), dep.slice(at + 1), { Env: ['XDG_DATA_HOME=/usr/local/share'] });
          if (xdg.verdict !== 'affected') disagreements.push(`Yarn ${yarn.version}: an image holding the global cache at /${caches[2]!.imageDir} is ${xdg.verdict} for ${dep}, not affected: ${xdg.reasons.join('; ')}`);
          if (judged.verdict !== 'affected') disagreements.push(`Yarn ${yarn.version}: an image holding the caches is ${judged.verdict} for ${dep}, not affected: ${judged.reasons.join('; ')}`);
        }
      }
    }
    recordOracle('yarn-berry-cache', cases, disagreements.length, `seed ${seed}`);
    expect(disagreements.slice(0, 8)).toEqual([]);
    const all = names.join('\n');
    for (const s of ['/@my-org-Big.Name-npm-1.0.0-0-', '/@acme-util-npm-0.1.5-', '-npm-3.0.0-beta.1-', '/patched-mid-patch-', '/renamed-file-', '/localdir-file-', '/urlpkg-http-', '/BigName-npm-', '/mac-only-npm-']) expect(all).toContain(s);
    expect(all).not.toContain('linked');
  }, 600_000);
});
