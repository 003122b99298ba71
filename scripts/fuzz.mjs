// npm run fuzz: the long generated runs (test/fuzz properties and test/oracle differentials) with FUZZ_RUNS
// (default 100000), then the oracles' case counts summed from the tally they write (test/oracle/tally.ts).
// Fails when vitest fails, when any oracle disagreed, or when a full run (FUZZ_RUNS >= 100000) ran fewer than
// 100,000 differential cases in total. Arguments are vitest paths (default: test/fuzz test/oracle).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = process.env.FUZZ_RUNS ?? '100000';
const dir = mkdtempSync(join(tmpdir(), 'sbom-hunt-fuzz-'));
const tally = join(dir, 'tally.jsonl');
const paths = process.argv.slice(2);
const started = Date.now();
const vitest = spawnSync('npx', ['vitest', 'run', ...(paths.length ? paths : ['test/fuzz', 'test/oracle'])], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs, FUZZ_TALLY: tally },
});
const rows = existsSync(tally) ? readFileSync(tally, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
rmSync(dir, { recursive: true, force: true });
const cases = rows.reduce((n, r) => n + r.cases, 0);
const disagreements = rows.reduce((n, r) => n + r.disagreements, 0);
console.log('\ndifferential oracles (cases, disagreements):');
for (const r of rows) console.log(`  ${r.oracle.padEnd(18)} ${String(r.cases).padStart(8)} ${String(r.disagreements).padStart(6)}`);
console.log(`  ${'total'.padEnd(18)} ${String(cases).padStart(8)} ${String(disagreements).padStart(6)}   (FUZZ_RUNS=${runs}, ${((Date.now() - started) / 1000).toFixed(0)} s)`);
let status = vitest.status ?? 1;
if (disagreements > 0) status = 1;
if (Number(runs) >= 100000 && cases < 100000) {
  console.log(`fewer than 100,000 differential cases ran (${cases})`);
  status = 1;
}
process.exit(status);
