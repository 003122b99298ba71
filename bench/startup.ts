// Start-up: `--version` and a 5-file scan (fixtures/fleet), each as a whole CLI run, over bare Node's own start
// (`node -e 0`). Runs interleave the three, so a busy neighbour slows all alike; medians are kept. SBOM_HUNT_BENCH_RUNS.
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
const CLI = join(ROOT, 'bin/sbom-hunt.js');
const run = promisify(execFile);

async function wall(args: string[]): Promise<number> {
  const started = performance.now();
  await run(process.execPath, args, { cwd: ROOT, env: { ...process.env, CI: 'true' } });
  return (performance.now() - started) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchStartup(): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-bench-startup-'));
  try {
    const cases: [string, string[]][] = [
      ['node -e 0', ['-e', '0']],
      ['sbom-hunt --version', [CLI, '--version']],
      ['sbom-hunt scan sbom:fixtures/fleet (5 files)', [CLI, 'scan', 'sbom:fixtures/fleet', '--no-cache', '-o', join(dir, 'report.txt'), '--fail-on', 'none']],
    ];
    // The first run of each fills Node's compile cache, as a user's first run does; it is not counted.
    for (const [, args] of cases) await wall(args);
    const times: number[][] = cases.map(() => []);
    for (let r = 0; r < RUNS; r++) for (const [i, [, args]] of cases.entries()) times[i]!.push(await wall(args));
    const base = median(times[0]!);
    return cases.map(([label], i) => {
      const t = median(times[i]!);
      const over = i === 0 ? "bare Node's own start" : `${((t - base) * 1000).toFixed(0)} ms over node -e 0 (aim < 100 ms)`;
      return { name: `start-up: ${label}`, value: `${(t * 1000).toFixed(0)} ms`, note: `${over}; wall, median of ${RUNS}` };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
