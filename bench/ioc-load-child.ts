// One IOC load the ioc-load bench measures, in a fresh process: load the feed, build the index, optionally
// match the bench's SBOMs; figures as JSON on stdout. Argv: FEED [--match] [--cache-dir DIR].
import { readFileSync } from 'node:fs';
import { loadIocs } from '../src/iocs/index.js';
import { buildIocIndex } from '../src/match/ioc-index.js';
import { matchPackages } from '../src/match/match-packages.js';
import { makeSbom, SBOMS } from './osv.js';

export interface IocLoadFigures {
  loadMs: number;
  loadCpuMs: number;
  incidents: number;
  packages: number;
  errors: number;
  rssMb: number;
  /** Wall ms to build the match index from the loaded set, as every scan does next. */
  indexMs: number;
  /** Peak RSS of the whole run: the load, the index and (with --match) the matching. */
  endRssMb: number;
  /** Wall ns per package in matchPackages, the fastest of three passes over the same SBOMs. */
  matchNsPerPackage?: number;
  hits?: number;
}

/** This process's own peak RSS (VmHWM); resourceUsage().maxRSS carries the parent's over fork and exec. */
function peakRssMb(): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

const cpuMs = (c0: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1000;
};

const [feed, ...flags] = process.argv.slice(2);
if (!feed) throw new Error('usage: ioc-load-child.js FEED [--match] [--cache-dir DIR]');
let errors = 0;
const t0 = performance.now();
const c0 = process.cpuUsage();
const at = flags.indexOf('--cache-dir');
const cacheDir = at >= 0 ? flags[at + 1] : undefined;
const set = await loadIocs([feed], () => errors++, cacheDir ? { cacheDir } : {});
const figures: IocLoadFigures = {
  loadMs: performance.now() - t0,
  loadCpuMs: cpuMs(c0),
  incidents: set.incidents.length,
  packages: set.incidents.reduce((n, i) => n + i.packages.length, 0),
  errors,
  rssMb: peakRssMb(),
  indexMs: 0,
  endRssMb: 0,
};
const t1 = performance.now();
const index = buildIocIndex(set);
figures.indexMs = performance.now() - t1;
if (flags.includes('--match')) {
  // Each SBOM made just before it is matched, as a scan matches what it has just decoded: 800,000 packages made up
  // front and matched three times sat in an old generation the load had left fragmented, which cost the 200,000-entry
  // run twice the 10-entry run's time on the very same misses (a heap effect, not a lookup one).
  let best = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    let ns = 0n;
    let hits = 0;
    let packages = 0;
    for (let s = 0; s < SBOMS; s++) {
      const pkgs = makeSbom(s);
      const t = process.hrtime.bigint();
      hits += matchPackages(pkgs, index).length;
      ns += process.hrtime.bigint() - t;
      packages += pkgs.length;
    }
    best = Math.min(best, Number(ns) / packages);
    figures.hits = hits;
  }
  figures.matchNsPerPackage = best;
}
figures.endRssMb = peakRssMb();
process.stdout.write(JSON.stringify(figures));
