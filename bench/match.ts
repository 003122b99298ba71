// Matching speed: 10,000 synthetic SBOMs of 800 packages against a small and a 200,000-entry IOC set.
import { pathToFileURL } from 'node:url';
import { buildIocIndex } from '../src/match/ioc-index.js';
import { matchPackages } from '../src/match/match-packages.js';
import type { Incident, IocPackage, IocSet } from '../src/model/ioc.js';
import type { Package } from '../src/model/package.js';
import { seeded as rng } from '../test/helpers/random.js';

export interface Row {
  name: string;
  value: string;
  note?: string;
}

const SBOMS = 10_000;
const PACKAGES_PER_SBOM = 800;
const POOL = 60_000;
const ECOSYSTEMS = ['npm', 'npm', 'npm', 'npm', 'pypi', 'deb', 'apk', 'maven', 'go'] as const;


function nameFor(eco: string, i: number): string {
  if (eco === 'maven') return `org.example${i % 97}:lib-${i}`;
  if (eco === 'go') return `github.com/example${i % 89}/Mod-${i}`;
  if (eco === 'npm' && i % 5 === 0) return `@Scope${i % 13}/pkg-${i}`;
  return `pkg-${i}`;
}

/** A shared pool of packages; SBOMs hold references into it, so 8 million rows fit in memory. */
function makePool(rand: () => number): Package[] {
  const pool: Package[] = [];
  for (let i = 0; i < POOL; i++) {
    const eco = ECOSYSTEMS[i % ECOSYSTEMS.length]!;
    const version = `${1 + Math.floor(rand() * 5)}.${Math.floor(rand() * 20)}.${Math.floor(rand() * 10)}`;
    pool.push({ ecosystem: eco, name: nameFor(eco, i), version, paths: [`/app/node_modules/p${i}/package.json`] });
  }
  pool.push({ ecosystem: 'npm', name: 'axios', version: '1.14.1', paths: ['/app/node_modules/axios/package.json'] });
  pool.push({ ecosystem: 'npm', name: 'plain-crypto-js', version: '4.2.1', paths: [], deleted: true });
  return pool;
}

/** Every 50th SBOM carries a compromised package, so the match path is measured as well as the miss path. */
function makeSboms(pool: Package[], rand: () => number): Package[][] {
  const sboms: Package[][] = [];
  for (let s = 0; s < SBOMS; s++) {
    const pkgs: Package[] = new Array(PACKAGES_PER_SBOM);
    for (let k = 0; k < PACKAGES_PER_SBOM; k++) pkgs[k] = pool[Math.floor(rand() * POOL)]!;
    if (s % 50 === 0) pkgs[0] = pool[POOL + (s % 100 === 0 ? 0 : 1)]!;
    sboms.push(pkgs);
  }
  return sboms;
}

function incidentOf(id: string, packages: IocPackage[]): Incident {
  return { id, title: id, references: [], aliases: [], windows: [], packages, indicators: [], file: `${id}.yaml` };
}

/**
 * `entries` (package, version-or-range) IOC entries. A tenth of the names exist in the pool with
 * other versions, so many lookups hit a key and then compare versions, as a real feed does.
 */
function makeIocs(entries: number, rand: () => number): IocSet {
  const packages: IocPackage[] = [
    { ecosystem: 'npm', name: 'axios', versions: ['1.14.1', '0.30.4'], ranges: [], anyVersion: false },
    { ecosystem: 'npm', name: 'plain-crypto-js', versions: ['4.2.1'], ranges: [], anyVersion: false },
  ];
  let count = 3;
  for (let i = 0; count < entries; i++) {
    const eco = ECOSYSTEMS[i % ECOSYSTEMS.length]!;
    const inPool = i % 10 === 0 ? Math.floor(rand() * POOL) : POOL + i;
    const name = nameFor(ECOSYSTEMS[inPool % ECOSYSTEMS.length]!, inPool);
    const useRange = eco === 'npm' && i % 20 === 0;
    const ranges = useRange ? [`>=9.0.0 <9.${i % 7}.0`] : [];
    const versions = useRange ? [] : [`9.${i % 13}.${i % 7}`];
    packages.push({ ecosystem: inPool < POOL ? ECOSYSTEMS[inPool % ECOSYSTEMS.length]! : eco, name, versions, ranges, anyVersion: false });
    count += 1;
  }
  return { incidents: [incidentOf('bench', packages)], files: ['bench.yaml'] };
}

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** CPU time as well as wall time: on a shared machine only the CPU time says what the code costs. */
function cpuMs(c0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1000;
}

function runOne(label: string, set: IocSet, sboms: Package[][]): Row[] {
  let t0 = process.hrtime.bigint();
  let c0 = process.cpuUsage();
  const index = buildIocIndex(set);
  const [buildMs, buildCpu] = [ms(t0), cpuMs(c0)];
  t0 = process.hrtime.bigint();
  c0 = process.cpuUsage();
  let hits = 0;
  for (const pkgs of sboms) hits += matchPackages(pkgs, index).length;
  const [matchMs, matchCpu] = [ms(t0), cpuMs(c0)];
  const perSbomUs = (matchCpu * 1000) / sboms.length;
  const rate = (sboms.length * PACKAGES_PER_SBOM) / (matchCpu / 1000);
  return [
    { name: `${label}: index build`, value: `${buildMs.toFixed(1)} ms`, note: `cpu ${buildCpu.toFixed(0)} ms; ${index.size} entries, ${index.keys} keys` },
    { name: `${label}: match ${sboms.length} SBOMs`, value: `${matchMs.toFixed(0)} ms`, note: `cpu ${matchCpu.toFixed(0)} ms; ${hits} matches, ${(rate / 1e6).toFixed(1)} M packages per cpu-second` },
    { name: `${label}: per SBOM`, value: `${perSbomUs.toFixed(1)} µs`, note: `cpu time, ${PACKAGES_PER_SBOM} packages each` },
  ];
}

export async function benchMatch(): Promise<Row[]> {
  const rand = rng(2026_03_31);
  const t0 = process.hrtime.bigint();
  const sboms = makeSboms(makePool(rand), rand);
  const rows: Row[] = [{ name: 'matching: generate SBOMs', value: `${ms(t0).toFixed(0)} ms`, note: `${SBOMS} x ${PACKAGES_PER_SBOM} packages, in memory` }];
  rows.push(...runOne('matching, 10 IOC entries', makeIocs(10, rand), sboms));
  rows.push(...runOne('matching, 200,000 IOC entries', makeIocs(200_000, rand), sboms));
  return rows;
}

function printRows(rows: Row[]): void {
  const w0 = Math.max(4, ...rows.map((r) => r.name.length));
  const w1 = Math.max(5, ...rows.map((r) => r.value.length));
  for (const r of [{ name: 'what', value: 'value', note: 'note' }, { name: '-'.repeat(w0), value: '-'.repeat(w1), note: '----' }, ...rows]) {
    console.log(`| ${r.name.padEnd(w0)} | ${r.value.padStart(w1)} | ${r.note ?? ''}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printRows(await benchMatch());
}
