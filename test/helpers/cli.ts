// Runs the built CLI as a user would (node bin/sbom-hunt.js), capturing output and exit code.
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** One cache per test process, never the user's own. */
const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-cache-'));
/** No user config file (~/.config/sbom-hunt/config.yaml) reaches a test run. */
const configHome = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-config-'));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], opts: { env?: Record<string, string>; input?: string; cwd?: string } = {}): Promise<CliRun> {
  const r = await execa(process.execPath, [path.join(repoRoot, 'bin/sbom-hunt.js'), ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: { NO_COLOR: '', FORCE_COLOR: '0', CI: 'true', XDG_CACHE_HOME: cacheHome, XDG_CONFIG_HOME: configHome, ...opts.env },
    input: opts.input,
    reject: false,
    timeout: 120_000,
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
