// Differential test: Deno's npm cache ($DENO_DIR/npm) as the real Deno writes it (the binary scripts/setup.sh
// installs into ~/.cache/sbom-hunt-tools from the npm registry). Generated sets of npm: specifiers (scoped,
// dotted, capitalised and underscored names, pre-release versions, dependencies of their own) are cached by
// `deno cache` from a loopback registry (test/helpers/npm-registry.ts; named by 127.0.0.1 and by localhost, which
// Deno turns into different registry folders). The oracle is `deno info --json`: every npm package it resolved,
// with the folder it runs it from. sbom-hunt's npm cataloger over every package.json in that cache, placed where
// a Linux image keeps DENO_DIR (/root/.cache/deno), must list exactly those packages at exactly those folders,
// and an image holding the cache is affected for an IOC that is only a dependency.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { catalogerFor } from '../../src/acquire/native/catalogers/index.js';
import { DEFAULT_LIMITS } from '../../src/acquire/native/limits.js';
import { cacheImageVerdict, filesUnder, loopbackRegistry } from '../helpers/cache-oracle.js';
import { type NpmDef, packNpmPackages } from '../helpers/npm-registry.js';
import { seeded } from '../helpers/random.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const run = promisify(execFile);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DENO_VERSION = /^DENO_VERSION=(\S+)$/m.exec(readFileSync(join(repoRoot, 'scripts', 'setup.sh'), 'utf8'))?.[1];
const DENO = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sbom-hunt-tools', `deno-${DENO_VERSION}`, 'node_modules', '@deno', 'linux-x64-glibc', 'deno');
const hasDeno = existsSync(DENO);
if (!hasDeno && process.env.CI && process.platform === 'linux' && process.arch === 'x64') throw new Error(`${DENO} is missing: scripts/setup.sh installs deno ${DENO_VERSION}, and CI needs it`);
const RUNS = oracleRuns(3, 0.0003);
/** Where a Linux image keeps DENO_DIR for root ($XDG_CACHE_HOME/deno, ~/.cache/deno). */
const IMAGE_DENO_DIR = 'root/.cache/deno';

const REGISTRY: NpmDef[] = [
  { name: 'leaf', version: '1.0.0' },
  { name: 'leaf', version: '2.0.0' },
  { name: '@acme/util', version: '0.1.5' },
  { name: '@acme/http', version: '1.1.0-rc.1', dependencies: { leaf: '^1.0.0', '@acme/util': '0.1.5' } },
  { name: 'dot.name', version: '3.0.0-beta.1' },
  { name: 'BigName', version: '4.0.0', dependencies: { leaf: '2.0.0' } },
  { name: 'under_score', version: '0.0.1', dependencies: { 'dot.name': '3.0.0-beta.1' } },
  { name: 'mid', version: '2.0.0', dependencies: { leaf: '^1.0.0', BigName: '*' } },
  { name: '@acme/CamelCase', version: '1.0.0-alpha.0', dependencies: { '@acme/util': '^0.1.0' } },
];

interface DenoInfo {
  npmPackages?: Record<string, { name: string; version: string; localPath?: string }>;
}

describe.skipIf(!hasDeno)("Deno's npm cache as the real Deno writes it", () => {
  const oracle = loopbackRegistry('deno-npm-cache-', async (work: string) => {
    await packNpmPackages(join(work, 'registry'), REGISTRY);
    return join(work, 'registry');
  });

  it('the npm cataloger lists every package deno info resolves, at the folder Deno runs it from', async () => {
    const { work, registry } = oracle;
    const seed = oracleSeed(1_000_000);
    const disagreements: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = seeded(seed + i);
      const chosen = REGISTRY.filter(() => r() < 0.4);
      if (chosen.length === 0) chosen.push(REGISTRY[Math.floor(r() * REGISTRY.length)]!);
      const specs = chosen.map((d) => `npm:${d.name}@${d.version}`);
      const denoDir = join(work, `deno-${seed + i}`);
      const url = i % 2 === 0 ? registry.url : registry.url.replace('127.0.0.1', 'localhost');
      const env = { PATH: process.env.PATH ?? '', HOME: join(work, 'home'), DENO_DIR: denoDir, NPM_CONFIG_REGISTRY: url, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
      await run(DENO, ['cache', ...specs], { env, cwd: work });
      const want = new Set<string>();
      for (const spec of specs) {
        const info = JSON.parse((await run(DENO, ['info', '--json', spec], { env, cwd: work })).stdout) as DenoInfo;
        for (const p of Object.values(info.npmPackages ?? {})) want.add(`${p.name}@${p.version} ${p.localPath ? relative(denoDir, p.localPath) : '(no folder)'}`);
      }
      const got = new Set<string>();
      for (const file of await filesUnder(join(denoDir, 'npm'))) {
        if (!file.endsWith('/package.json')) continue;
        const path = `${IMAGE_DENO_DIR}/${relative(denoDir, file)}`;
        const cataloger = catalogerFor(path);
        if (!cataloger) continue;
        const result = cataloger.catalog(path, await readFile(file), DEFAULT_LIMITS);
        if ((result.errors ?? []).length > 0) disagreements.push(`seed ${seed + i}: ${result.errors!.join('; ')}`);
        for (const p of result.packages) got.add(`${p.name}@${p.version} ${dirname(p.path.slice(IMAGE_DENO_DIR.length + 2))}`);
      }
      const missing = [...want].filter((x) => !got.has(x));
      const extra = [...got].filter((x) => !want.has(x));
      if (missing.length > 0 || extra.length > 0) disagreements.push(`seed ${seed + i} (${url}): deno resolves but sbom-hunt misses [${missing.join(', ')}]; sbom-hunt lists beyond deno [${extra.join(', ')}]`);

      if (i === 0) {
        // The whole native path: the IOC package is a dependency Deno fetched, never named by the project.
        const dep = [...want].map((x) => x.split(' ')[0]!).find((x) => !chosen.some((d) => `${d.name}@${d.version}` === x)) ?? [...want][0]!.split(' ')[0]!;
        const at = dep.lastIndexOf('@');
        const judged = await cacheImageVerdict(join(work, `img-${seed}`), [{ dir: join(denoDir, 'npm'), imageDir: `${IMAGE_DENO_DIR}/npm` }], dep.slice(0, at), dep.slice(at + 1));
        expect(judged.verdict).toBe('affected');
      }
    }
    recordOracle('deno-npm-cache', RUNS, disagreements.length, `seed ${seed}`);
    expect(disagreements.slice(0, 5)).toEqual([]);
  }, 600_000);
});
