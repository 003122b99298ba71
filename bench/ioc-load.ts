// IOC feeds by size: 10 / 20,000 / 200,000 package entries in each shape real feeds come in, each loaded in a
// fresh process (the writer's heap does not count) with its own peak RSS, cold and from the compiled cache; and matching cost per package at 10
// against 200,000 entries, on the same SBOMs. SBOM_HUNT_BENCH_SIZES=10,20000 picks sizes.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { IocLoadFigures } from './ioc-load-child.js';
import { writeFeed, type FeedShape } from './ioc-feeds.js';

interface Row {
  name: string;
  value: string;
  note?: string;
}

const SIZES = (process.env.SBOM_HUNT_BENCH_SIZES ?? '10,20000,200000').split(',').map(Number);
const SHAPES: FeedShape[] = ['yaml-incidents', 'yaml-one-incident', 'osv-zip', 'osv-folder'];
const CHILD = fileURLToPath(new URL('./ioc-load-child.js', import.meta.url));
const TARGET = { coldYamlMs: 3000, cachedMs: 500, rssMb: 600, matchRatio: 1.5 };

/** The child's figures, or the last line of its error: a load that fails is a row of the table, not the end of the bench. */
async function child(args: string[]): Promise<IocLoadFigures | string> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [CHILD, ...args], { maxBuffer: 1024 * 1024 });
    return JSON.parse(stdout) as IocLoadFigures;
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? String(e);
    return stderr.split('\n').find((l) => /Error:/.test(l))?.trim() ?? stderr.slice(0, 200);
  }
}

const fmt = (n: number): string => n.toLocaleString('en');

function loadRow(shape: FeedShape, entries: number, how: string, f: IocLoadFigures | string, aim: string): Row {
  if (typeof f === 'string') return { name: `ioc load: ${shape}, ${fmt(entries)} entries, ${how}`, value: 'failed', note: f };
  return {
    name: `ioc load: ${shape}, ${fmt(entries)} entries, ${how}`,
    value: `${f.loadMs.toFixed(0)} ms`,
    note: `cpu ${f.loadCpuMs.toFixed(0)} ms; then the match index ${f.indexMs.toFixed(0)} ms; peak RSS ${f.rssMb.toFixed(0)} MiB (${f.endRssMb.toFixed(0)} MiB with the index${f.matchNsPerPackage !== undefined ? ' and matching' : ''}); ${fmt(f.incidents)} incidents, ${fmt(f.packages)} packages${f.errors ? `, ${f.errors} errors` : ''}${aim}`,
  };
}

/** `find` stat'ing every folder and file of the tree (its size and both times, one thread): the floor of a checked hit. */
async function statFloor(feed: string, entries: number): Promise<Row> {
  const name = `ioc load: osv-folder, ${fmt(entries)} entries, floor: find stats every folder and file`;
  const t = performance.now();
  try {
    const { stdout } = await promisify(execFile)('find', [feed, '-printf', '%s %T@ %C@\n'], { maxBuffer: 256 * 1024 * 1024 });
    const paths = stdout.split('\n').length - 1;
    return { name, value: `${(performance.now() - t).toFixed(0)} ms`, note: `${fmt(paths)} paths, one thread; the compiled-cache hit stats the same paths (two threads), then decodes the set` };
  } catch (e) {
    return { name, value: 'failed', note: String(e).slice(0, 200) };
  }
}

export async function benchIocLoad(): Promise<Row[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sbom-hunt-bench-ioc-load-'));
  const rows: Row[] = [];
  const perPackage = new Map<number, number>();
  try {
    for (const shape of SHAPES) {
      for (const entries of SIZES) {
        const feed = await writeFeed(dir, shape, entries);
        const match = shape === 'yaml-incidents' && (entries === Math.min(...SIZES) || entries === Math.max(...SIZES));
        const cold = await child([feed, ...(match ? ['--match'] : [])]);
        const aim = entries === 200_000 ? ` (aim${shape.startsWith('yaml') ? ` < ${TARGET.coldYamlMs} ms,` : ''} < ${TARGET.rssMb} MiB)` : '';
        rows.push(loadRow(shape, entries, 'cold', cold, aim));
        if (typeof cold !== 'string' && cold.matchNsPerPackage !== undefined) perPackage.set(entries, cold.matchNsPerPackage);
        // First run compiles the feed into the cache (not timed as a row), the second loads it from there.
        const cacheDir = path.join(dir, `cache-${shape}-${entries}`);
        await child([feed, '--cache-dir', cacheDir]);
        const cached = await child([feed, '--cache-dir', cacheDir]);
        rows.push(loadRow(shape, entries, 'compiled cache', cached, entries === 200_000 ? ` (aim < ${TARGET.cachedMs} ms, < ${TARGET.rssMb} MiB)` : ''));
        // What a hit of a tree cannot go below while it checks every file: one stat per folder and per file.
        if (shape === 'osv-folder' && entries === Math.max(...SIZES)) rows.push(await statFloor(feed, entries));
        await rm(feed, { recursive: true, force: true });
      }
    }
    const small = perPackage.get(Math.min(...SIZES));
    const large = perPackage.get(Math.max(...SIZES));
    if (small !== undefined && large !== undefined) {
      rows.push({ name: `ioc match: per package, ${fmt(Math.min(...SIZES))} entries`, value: `${small.toFixed(0)} ns`, note: 'wall time in matchPackages, each SBOM made just before it is matched; fastest of 3 passes over 1,000 SBOMs x 800 npm packages' });
      rows.push({ name: `ioc match: per package, ${fmt(Math.max(...SIZES))} entries`, value: `${large.toFixed(0)} ns`, note: `${(large / small).toFixed(2)}x the ${fmt(Math.min(...SIZES))}-entry cost (aim <= ${TARGET.matchRatio}x)` });
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
