// Start-up: `--version`, `--help` and a 5-file scan (fixtures/fleet, the bundled feed), each as a whole CLI run, over
// bare Node's own start (`node -e 0`). The scan runs twice: with --no-cache (the feed parsed, as on a first run or in
// CI) and with a cache of its own (the compiled feed, as on every later run). Runs interleave the cases, so a busy
// neighbour slows all alike; medians are kept, the fastest run is shown beside. SBOM_HUNT_BENCH_RUNS (default 11);
// SBOM_HUNT_BENCH_CLI runs another build's bin/sbom-hunt.js (main's, to compare) instead of this checkout's.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

interface Row {
  name: string;
  value: string;
  note?: string;
}

const RUNS = Number(process.env.SBOM_HUNT_BENCH_RUNS ?? 11);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = process.env.SBOM_HUNT_BENCH_CLI ?? join(ROOT, 'bin/sbom-hunt.js');
const run = promisify(execFile);

async function wall(args: string[], cacheHome: string): Promise<number> {
  const started = performance.now();
  // A cache home of the bench's own: `--version` keeps the compiled feed there, never in the user's.
  await run(process.execPath, args, { cwd: ROOT, env: { ...process.env, CI: 'true', XDG_CACHE_HOME: cacheHome } });
  return (performance.now() - started) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchStartup(): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-bench-startup-'));
  try {
    // The shipped fleet is incomplete by design (an SBOM that lists no files is not checked for file indicators).
    const scan = [CLI, 'scan', 'sbom:fixtures/fleet', '-o', join(dir, 'report.txt'), '--fail-on', 'none', '--allow-incomplete'];
    const cases: [string, string[]][] = [
      ['node -e 0', ['-e', '0']],
      ['sbom-hunt --version', [CLI, '--version']],
      ['sbom-hunt --help', [CLI, '--help']],
      ['sbom-hunt scan sbom:fixtures/fleet (5 files) --no-cache', [...scan, '--no-cache']],
      ['sbom-hunt scan sbom:fixtures/fleet (5 files), cache warm', [...scan, '--cache-dir', join(dir, 'cache')]],
    ];
    // The first run of each fills Node's compile cache (and the scan's own cache), as a user's first run does; it is not counted.
    for (const [, args] of cases) await wall(args, join(dir, 'xdg'));
    const times: number[][] = cases.map(() => []);
    for (let r = 0; r < RUNS; r++) for (const [i, [, args]] of cases.entries()) times[i]!.push(await wall(args, join(dir, 'xdg')));
    const base = median(times[0]!);
    return cases.map(([label], i) => {
      const t = median(times[i]!);
      const fastest = `fastest ${(Math.min(...times[i]!) * 1000).toFixed(0)} ms`;
      const over = i === 0 ? "bare Node's own start" : `${((t - base) * 1000).toFixed(0)} ms over node -e 0 (aim < 100 ms)`;
      return { name: `start-up: ${label}`, value: `${(t * 1000).toFixed(0)} ms`, note: `${over}; wall, median of ${RUNS}, ${fastest}` };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
