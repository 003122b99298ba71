// Differential test: npm's download cache (_cacache) as the real npm writes it. Generated sets of packages
// (scoped, dotted, capitalised, pre-release and build-metadata versions) are fetched into a fresh cache by the npm
// on PATH (`npm cache add`, over tarballs `npm pack` made, served by a loopback registry: the tarball files keep
// npm pack's names, `acme-util-0.1.5+build.7.tgz` for a scoped package), some then removed again (`npm cache
// clean <key>`, which appends a deletion: the fetch still happened). The oracle is what npm was asked to fetch;
// `npm cache ls` must list those not removed; and sbom-hunt's npm-cacache cataloger, given every index bucket
// npm wrote, must name exactly the fetched set, and an image holding that cache is suspect for an IOC among them.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { catalogerFor } from '../../src/acquire/native/catalogers/index.js';
import { DEFAULT_LIMITS } from '../../src/acquire/native/limits.js';
import { cacheImageVerdict, filesUnder, loopbackRegistry } from '../helpers/cache-oracle.js';
import { type NpmDef, packNpmPackages } from '../helpers/npm-registry.js';
import { seeded } from '../helpers/random.js';
import { haveTool } from '../helpers/real-tools.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const run = promisify(execFile);
const RUNS = oracleRuns(3, 0.0003);
const hasNpm = haveTool('npm', 'npm');

const REGISTRY: NpmDef[] = [
  { name: 'leaf', version: '1.0.0' },
  { name: 'leaf', version: '2.0.0' },
  { name: '@acme/util', version: '0.1.5+build.7' },
  { name: '@acme/http', version: '1.1.0-rc.1' },
  { name: 'dot.name', version: '3.0.0-beta.1' },
  { name: 'BigName', version: '4.0.0' },
  { name: 'under_score', version: '0.0.1' },
  { name: '@x/x', version: '1.0.0' },
];
/** The spec npm is asked for: the version, or for one with build metadata (which npm finds only by a range) a range. */
const spec = (d: NpmDef) => `${d.name}@${d.version.includes('+') ? `~${d.version.replace(/\+.*$/, '')}` : d.version}`;

const npmEnv = () => ({ ...process.env, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' });

describe.skipIf(!hasNpm)('npm _cacache as the real npm writes it', () => {
  const oracle = loopbackRegistry('npm-cacache-', async (work: string) => {
    await packNpmPackages(join(work, 'registry'), REGISTRY);
    return join(work, 'registry');
  });

  it('the cataloger names every tarball npm fetched (removed ones too), and the image is suspect for one', async () => {
    const { work, registry } = oracle;
    const seed = oracleSeed(1_000_000);
    const disagreements: string[] = [];
    let cleaned = 0;
    for (let i = 0; i < RUNS; i++) {
      const r = seeded(seed + i);
      const chosen = REGISTRY.filter(() => r() < 0.6);
      if (chosen.length === 0) chosen.push(REGISTRY[Math.floor(r() * REGISTRY.length)]!);
      // One version of a name per `npm cache add`: npm resolves each spec on its own, so both leafs may be asked.
      const cache = join(work, `cache-${seed + i}`);
      const npm = (args: string[]) => run('npm', [...args, '--cache', cache, '--registry', registry.url], { env: npmEnv() });
      await npm(['cache', 'add', ...chosen.map(spec)]);
      const tarballKeys = (await npm(['cache', 'ls'])).stdout.split('\n').filter((k) => k.startsWith('make-fetch-happen:request-cache:') && k.endsWith('.tgz'));
      const removed = tarballKeys.filter(() => r() < 0.3);
      for (const key of removed) await npm(['cache', 'clean', key]);
      cleaned += removed.length;
      const left = (await npm(['cache', 'ls'])).stdout.split('\n').filter((k) => k.endsWith('.tgz'));
      // npm's own account: it fetched one tarball per spec, and lists all but the removed ones.
      expect(tarballKeys.length).toBe(chosen.length);
      expect(left.length).toBe(chosen.length - removed.length);

      const seen: string[] = [];
      for (const file of await filesUnder(join(cache, '_cacache', 'index-v5'))) {
        const path = `root/.npm/${relative(cache, file)}`;
        const cataloger = catalogerFor(path);
        if (cataloger?.name !== 'npm-cacache') {
          disagreements.push(`seed ${seed + i}: ${path} not read by the npm-cacache cataloger (${cataloger?.name ?? 'none'})`);
          continue;
        }
        const result = cataloger.catalog(path, await readFile(file), DEFAULT_LIMITS);
        if (result.notes.length > 0 || (result.errors ?? []).length > 0) disagreements.push(`seed ${seed + i}: ${path}: ${[...result.notes, ...(result.errors ?? [])].join('; ')}`);
        for (const p of result.packages) if (p.location === 'download-cache') seen.push(`${p.name}@${p.version}`);
      }
      const want = chosen.map((d) => `${d.name}@${d.version}`).sort();
      const got = [...new Set(seen)].sort();
      if (JSON.stringify(got) !== JSON.stringify(want)) disagreements.push(`seed ${seed + i}: npm fetched ${want.join(', ')}; sbom-hunt read ${got.join(', ')}`);

      if (i === 0) {
        // The whole native path: an image whose only trace of the IOC package is the build's download cache.
        const target = chosen[0]!;
        const judged = await cacheImageVerdict(join(work, `img-${seed}`), [{ dir: join(cache, '_cacache'), imageDir: 'root/.npm/_cacache' }], target.name, target.version);
        expect(judged.verdict).toBe('suspect');
        expect(judged.reasons.join('\n')).toContain("its tarball is in npm's download cache (_cacache): the build fetched it");
      }
    }
    recordOracle('npm-cacache', RUNS, disagreements.length, `seed ${seed}, ${cleaned} tarball entries removed with npm cache clean`);
    expect(disagreements.slice(0, 5)).toEqual([]);
  }, 600_000);
});
