// Each ecosystem's version order against the ecosystem's own tool, on generated pairs (FUZZ_RUNS scales them).
import { describe, expect, it } from 'vitest';
import { versionOrder } from '../../src/match/version-order/index.js';
import { dpkgCompare, mavenCompareChain, packagingCompare, rpmCompare, toolAvailable, type Pair } from '../helpers/version-oracles.js';
import { debVersion, mavenVersion, pairs, pep440Version, rpmVersion } from './version-generators.js';

const RUNS = Math.max(1, Number(process.env['FUZZ_RUNS'] ?? '1'));
const COUNT = 400 * RUNS;
// dpkg compares one pair per process: fewer pairs keep the test at a few seconds.
const DPKG_COUNT = 250 * RUNS;
const SEED = Number(process.env['SEED'] ?? '20260319');
const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** On CI a missing tool fails the test; on a developer's machine it is skipped, saying so. */
function oracle(name: Parameters<typeof toolAvailable>[0], what: string): boolean {
  const ok = toolAvailable(name);
  if (!ok && process.env['CI']) throw new Error(`${what} is missing on CI: scripts/setup.sh installs it`);
  if (!ok) console.warn(`skipping the ${what} differential test: not installed (scripts/setup.sh installs it)`);
  return ok;
}

/**
 * `refusesMore`: rpm orders any string at all; we refuse a few as IOC versions (`2:`, `1.0-` with an empty
 * release), which are typos in an IOC. Those pairs are left out, and must stay few.
 */
function disagreements(ecosystem: string, ps: readonly Pair[], want: readonly number[], refusesMore = false): string[] {
  const order = versionOrder(ecosystem)!;
  const out: string[] = [];
  let skipped = 0;
  ps.forEach(([a, b], i) => {
    const oracleSays = want[i]!;
    const valid = order.problem(a) === undefined && order.problem(b) === undefined;
    if (Number.isNaN(oracleSays)) {
      if (valid) out.push(`${a} vs ${b}: the tool refuses one, we accept both`);
      return;
    }
    if (!valid && refusesMore) {
      skipped++;
      return;
    }
    if (!valid) {
      out.push(`${a} vs ${b}: the tool compares them (${oracleSays}), we refuse ${order.problem(a) ? a : b}`);
      return;
    }
    const ours = sign(order.compare(a, b));
    if (ours !== oracleSays) out.push(`${a} vs ${b}: tool ${oracleSays}, ours ${ours}`);
  });
  if (skipped > ps.length / 10) out.push(`${skipped} of ${ps.length} pairs refused: the generator makes too few usable versions`);
  return out;
}

describe('version orders against the ecosystems’ own tools (generated pairs)', () => {
  it.runIf(oracle('dpkg', 'dpkg'))(`Debian: ${DPKG_COUNT} pairs against dpkg --compare-versions`, () => {
    const ps = pairs(debVersion, DPKG_COUNT, SEED);
    const want = dpkgCompare(ps);
    expect(want).toHaveLength(ps.length);
    expect(disagreements('deb', ps, want).slice(0, 10)).toEqual([]);
    // The generator must reach every outcome, or the test checks less than it claims.
    expect(new Set(want.filter((n) => !Number.isNaN(n))).size).toBe(3);
  });

  it.runIf(oracle('rpm', "rpm's rpm.vercmp"))(`RPM: ${COUNT} pairs against rpm.vercmp`, () => {
    const ps = pairs(rpmVersion, COUNT, SEED + 1);
    const want = rpmCompare(ps);
    expect(want).toHaveLength(ps.length);
    expect(disagreements('rpm', ps, want, true).slice(0, 10)).toEqual([]);
    expect(new Set(want).size).toBe(3);
  });

  it.runIf(oracle('packaging', "python3-packaging's packaging.version"))(`PyPI: ${COUNT} pairs against packaging.version`, () => {
    const ps = pairs(pep440Version, COUNT, SEED + 2);
    const want = packagingCompare(ps);
    expect(disagreements('pypi', ps, want).slice(0, 10)).toEqual([]);
    expect(new Set(want.filter((n) => !Number.isNaN(n))).size).toBe(3);
    expect(want.some((n) => Number.isNaN(n))).toBe(true);
  });

  it.runIf(oracle('maven', "Maven's ComparableVersion (libmaven3-core-java)"))(`Maven: ${COUNT} neighbours against ComparableVersion`, () => {
    const ps = pairs(mavenVersion, COUNT / 2, SEED + 3);
    const chain = ps.flat();
    const want = mavenCompareChain(chain);
    expect(want).toHaveLength(chain.length - 1);
    const chained: Pair[] = chain.slice(1).map((b, i) => [chain[i]!, b]);
    expect(disagreements('maven', chained, want).slice(0, 10)).toEqual([]);
    expect(new Set(want).size).toBe(3);
  });
});
