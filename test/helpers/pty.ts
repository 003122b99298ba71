// Runs the built CLI on a real pseudo-terminal of a given width (util-linux `script`), as a person's terminal would.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './cli.js';

const SCRIPT = ['/usr/bin/script', '/bin/script'].find((p) => existsSync(p));
export const ptyAvailable = SCRIPT !== undefined;
if (!ptyAvailable && process.env.CI) throw new Error('util-linux `script` is missing: the terminal-width tests need a real pseudo-terminal');
export const PTY_SKIP = 'util-linux `script` not found: terminal-width tests skipped (CI fails instead)';

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** stdout of the CLI on a terminal `cols` wide (stderr, the spinner's stream, is dropped); lines without \r. */
export async function runInPty(args: string[], cols: number, env: Record<string, string> = {}): Promise<{ code: number; lines: string[] }> {
  const cli = [process.execPath, path.join(repoRoot, 'bin/sbom-hunt.js'), ...args].map(quote).join(' ');
  const inner = `stty cols ${cols} rows 60; ${cli} 2>/dev/null; echo "[exit $?]"`;
  const r = await execa(SCRIPT!, ['-qec', inner, '/dev/null'], {
    cwd: repoRoot,
    env: { NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    extendEnv: true,
    reject: false,
    timeout: 60_000,
  });
  const lines = String(r.stdout).replace(/\r/g, '').split('\n');
  const exit = lines.map((l) => /^\[exit (\d+)\]$/.exec(l)).find(Boolean);
  return { code: exit ? Number(exit[1]) : -1, lines: lines.filter((l) => !/^\[exit \d+\]$/.test(l)) };
}
