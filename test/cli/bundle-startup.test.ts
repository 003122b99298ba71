// What the bundled CLI loads at start: Node's heavier built-ins only when a command uses them (scripts/bundle.mjs
// makes each a lazy module), so a scan of SBOM files never pays for child_process, zlib or crypto.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-startup-'));
const preload = path.join(dir, 'loaded.mjs');
// Written at exit: the public built-ins Node loaded in this process.
writeFileSync(
  preload,
  "import { writeFileSync } from 'node:fs';\n" +
    "process.on('exit', () => writeFileSync(process.env.LOADED_OUT, process.moduleLoadList.filter((m) => m.startsWith('NativeModule ') && !m.includes('internal/')).map((m) => m.slice(13)).join('\\n')));\n",
);

async function loaded(args: string[]): Promise<{ code: number; modules: string[]; stdout: string }> {
  const out = path.join(dir, `${args.join('_').replace(/[^a-z0-9]/gi, '_')}.txt`);
  const r = await runCli(args, { env: { NODE_OPTIONS: `--import=${preload}`, LOADED_OUT: out } });
  return { code: r.code, stdout: r.stdout, modules: readFileSync(out, 'utf8').split('\n') };
}

// (worker_threads and readline are not among them: Node's own fs/promises loads them.)
const UNUSED_BY_SBOM_SCAN = ['child_process', 'zlib', 'crypto', 'dgram', 'v8', 'http', 'https', 'http2', 'tls', 'dns'];

describe('bundle start-up', () => {
  it('a scan of five SBOM files loads none of the built-ins it does not use', async () => {
    const r = await loaded(['scan', 'sbom:fixtures/fleet', '--no-cache', '-f', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).summary).toBeDefined();
    // The check can see them: the scan itself reads files and writes to a pipe.
    expect(r.modules).toContain('fs/promises');
    expect(r.modules.filter((m) => UNUSED_BY_SBOM_SCAN.includes(m))).toEqual([]);
  });

  it('a command that uses one gets it: the HTML report hashes its style and script (crypto)', async () => {
    const r = await loaded(['scan', 'sbom:fixtures/fleet', '--no-cache', '-f', 'html']);
    expect(r.stdout).toMatch(/style-src 'sha256-[A-Za-z0-9+/]{43}='; script-src 'sha256-[A-Za-z0-9+/]{43}='/);
    expect(r.modules).toContain('crypto');
  });
});
