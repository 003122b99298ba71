// Case counts of the differential oracles: each test says how many cases it ran and how many disagreed, and
// `npm run fuzz` (scripts/fuzz.mjs) sums them. Under FUZZ_RUNS an oracle runs its share of the budget, so the
// cheap ones (a Go process reading 2,000 tar streams a batch) carry most cases and the ones that write trees to
// disk stay within minutes.
import { appendFileSync } from 'node:fs';

/** Cases for one oracle: `quick` in `npm test`; FUZZ_RUNS times `share` (at least `quick`) in `npm run fuzz`. */
export function oracleRuns(quick: number, share: number): number {
  const env = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(env) && env > 0 ? Math.max(quick, Math.ceil(env * share)) : quick;
}

/** Prints one oracle's figures and adds them to the run's tally file (FUZZ_TALLY) when there is one. */
export function recordOracle(oracle: string, cases: number, disagreements: number, detail = ''): void {
  console.log(`oracle ${oracle}: ${cases} cases, ${disagreements} disagreements${detail ? `; ${detail}` : ''}`);
  if (process.env.FUZZ_TALLY) appendFileSync(process.env.FUZZ_TALLY, `${JSON.stringify({ oracle, cases, disagreements })}\n`);
}

/**
 * The first seed of an oracle's generated cases: FUZZ_SEED when set; under CI a fixed one, so whether a change
 * lands never depends on which cases a run happened to draw (exploring new seeds is `npm run fuzz`'s work, and
 * each disagreement it finds becomes a fixture); otherwise a fresh one, printed with the figures.
 */
export function oracleSeed(range: number): number {
  if (process.env.FUZZ_SEED) return Number(process.env.FUZZ_SEED);
  if (process.env.CI) return 1;
  return 1 + Math.floor(Math.random() * range);
}
