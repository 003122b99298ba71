// The OSV bench's measured half, in its own process: load the zip, build the index, match the SBOMs; figures as JSON.
import { readFileSync } from 'node:fs';
import { loadIocs } from '../src/iocs/index.js';
import { buildIocIndex } from '../src/match/ioc-index.js';
import { matchPackages } from '../src/match/match-packages.js';
import { makeSboms, type OsvChildFigures } from './osv.js';

/**
 * This process's own peak RSS. Not resourceUsage().maxRSS: Linux carries ru_maxrss across fork and exec,
 * so a child of the bench would report the bench's own peak (it wrote an 85 MB zip).
 */
function peakRssMb(): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

const zipPath = process.argv[2];
if (!zipPath) throw new Error('usage: osv-child.js ZIP');
const heap0 = process.memoryUsage().heapUsed;
let t0 = performance.now();
const set = await loadIocs([zipPath]);
const loadMs = performance.now() - t0;
t0 = performance.now();
const index = buildIocIndex(set);
const indexMs = performance.now() - t0;
const heapMb = (process.memoryUsage().heapUsed - heap0) / 1024 ** 2;
const sboms = makeSboms();
t0 = performance.now();
let hits = 0;
for (const pkgs of sboms) hits += matchPackages(pkgs, index).length;
const matchMs = performance.now() - t0;
const figures: OsvChildFigures = {
  loadMs,
  indexMs,
  matchMs,
  incidents: set.incidents.length,
  keys: index.keys,
  entries: index.size,
  hits,
  heapMb,
  rssMb: peakRssMb(),
};
process.stdout.write(JSON.stringify(figures));
