// Fail closed at the edges of the report: exit codes, input errors, outputs, --quiet, terminal text, shard merges.
// Every case runs the built CLI; the registry cases are in test/e2e/fail-closed-registry.test.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../helpers/cli.js';
import type { Report } from '../../src/model/report.js';
import { mountTmpfs } from '../helpers/tmpfs.js';

const AFFECTED = 'fixtures/fleet/payments-api.cdx.json';
const CLEAN = 'fixtures/fleet/admin-console.cdx.json';
const STACK = /\n\s+at .*:\d+:\d+|Unhandled 'error' event|internal error|Maximum call stack/;

async function tmpDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'sbom-hunt-failclosed-'));
}

function json(run: CliRun): Report {
  expect(run.stderr).not.toMatch(STACK);
  return JSON.parse(run.stdout) as Report;
}

function cdx(components: { name: string; version: string; path?: string }[]): string {
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    metadata: { timestamp: '2026-01-01T00:00:00Z' },
    components: components.map((c) => ({
      type: 'library',
      name: c.name,
      version: c.version,
      purl: `pkg:npm/${c.name}@${c.version}`,
      ...(c.path ? { properties: [{ name: 'syft:location:0:path', value: c.path }] } : {}),
    })),
  });
}

describe('exit codes fail closed', () => {
  it('an sbom: folder with no SBOMs is an unknown entry of its own and exits 4, never "0 of 0"', async () => {
    const dir = await tmpDir();
    await writeFile(path.join(dir, 'README.txt'), 'no SBOMs here\n');
    for (const cmd of ['scan', 'check']) {
      const run = await runCli([cmd, `sbom:${dir}`, '-f', 'json']);
      const report = json(run);
      expect(run.code, run.stderr).toBe(4);
      expect(report.images).toHaveLength(1);
      expect(report.images[0]).toMatchObject({ kind: 'source', ref: `sbom:${dir}`, verdict: 'unknown' });
      expect(report.images[0]!.reasons.join('\n')).toMatch(/no SBOM files/);
      expect(report.summary.coverage).toEqual({ checked: 0, total: 1, percent: 0 });
      expect(report.summary.complete).toBe(false);
      expect(run.stderr).toMatch(/sbom-hunt: incomplete: .*exit 4/);
    }
  });

  it('an unpinned requirement named by an incident is unknown for it (pip would install whatever is newest), a pinned clean one is clean', async () => {
    const dir = await tmpDir();
    await writeFile(path.join(dir, 'requirements.txt'), 'litellm>=1.80\nrequests==2.31.0\n');
    const run = await runCli(['check', `dir:${dir}`, '-f', 'json']);
    expect(run.code, run.stderr).toBe(4);
    const report = json(run);
    expect(report.images[0]!.verdict).toBe('unknown');
    expect(report.images[0]!.reasons[0]).toBe('litellm at /requirements.txt has no version: not compared with the versions teampcp-litellm-2026-03 lists; not clean for teampcp-litellm-2026-03');
    expect(report.incidents.find((i) => i.id === 'teampcp-litellm-2026-03')!.unknown.map((h) => h.ref)).toEqual([dir]);
    await writeFile(path.join(dir, 'requirements.txt'), 'litellm==1.82.6\nrequests==2.31.0\n');
    expect((await runCli(['check', `dir:${dir}`, '-q'])).code).toBe(0);
  });

  it('a missing sbom: path is an input error (2) with its own unknown entry; the other source is still scanned', async () => {
    const run = await runCli(['scan', 'sbom:/nonexistent/sboms', `sbom:${AFFECTED}`, '-f', 'json']);
    const report = json(run);
    expect(run.code).toBe(2);
    expect(report.images.map((i) => [i.kind ?? 'image', i.verdict])).toEqual([['image', 'affected'], ['source', 'unknown']]);
  });

  it('the gate: 4 when incomplete, 1 when findings reach --fail-on, 0 only when complete; only --allow-incomplete accepts gaps', async () => {
    const dir = await tmpDir();
    const bad = path.join(dir, 'cut.cdx.json');
    await writeFile(bad, cdx([{ name: 'left-pad', version: '1.3.0' }]).slice(0, 60));
    const deep = path.join(dir, 'deep.cdx.json');
    const n = 100_000;
    await writeFile(deep, `{"bomFormat":"CycloneDX","specVersion":"1.5","components":[${'{"type":"library","name":"a","version":"1","components":['.repeat(n)}${']}'.repeat(n)}]}`);
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    const codes = async (args: string[]) => (await runCli(['scan', ...args, '-q'])).code;
    expect(await codes([`sbom:${CLEAN}`])).toBe(0);
    expect(await codes([`sbom:${CLEAN}`, `sbom:${AFFECTED}`])).toBe(1);
    expect(await codes([`sbom:${CLEAN}`, `sbom:${empty}`])).toBe(4);
    expect(await codes([`sbom:${CLEAN}`, `sbom:${empty}`, '--allow-incomplete'])).toBe(0);
    // --fail-on none never exits 1, but a run that could not look still says so; only --allow-incomplete accepts it.
    expect(await codes([`sbom:${AFFECTED}`, '--fail-on', 'none', '--ioc', 'iocs/axios-2026-03.yaml'])).toBe(0);
    // Affected by axios but blind to litellm_init.pth (the SBOM lists no files): not a complete answer either.
    expect(await codes([`sbom:${AFFECTED}`, '--fail-on', 'none'])).toBe(4);
    expect(await codes([`sbom:${AFFECTED}`, '--fail-on', 'none', '--allow-incomplete'])).toBe(0);
    expect(await codes([`sbom:${CLEAN}`, `sbom:${empty}`, '--fail-on', 'none'])).toBe(4);
    expect(await codes([`sbom:${AFFECTED}`, `sbom:${empty}`, '--fail-on', 'none', '--allow-incomplete'])).toBe(0);
    expect(await codes([`sbom:${CLEAN}`, `sbom:${empty}`, '--fail-on', 'unknown'])).toBe(1);
    expect(await codes([`sbom:${AFFECTED}`, `sbom:${empty}`])).toBe(1);
    // A CycloneDX nested 100,000 deep: unknown with a reason that says so, an input error, no stack text.
    const run = await runCli(['check', `sbom:${deep}`, '-f', 'json']);
    const report = json(run);
    expect(run.code).toBe(2);
    expect(report.images[0]!.verdict).toBe('unknown');
    expect(report.images[0]!.reasons.join('\n')).toMatch(/nested more than \d+ levels deep/);
    expect(run.stdout + run.stderr).not.toMatch(/call stack/i);
    expect(await codes([`sbom:${bad}`])).toBe(2);
  });

  it('SARIF says executionSuccessful false when incomplete and true when complete', async () => {
    const dir = await tmpDir();
    const cut = path.join(dir, 'cut.cdx.json');
    await writeFile(cut, cdx([{ name: 'left-pad', version: '1.3.0' }]).slice(0, 60));
    const sarif = async (args: string[]) => JSON.parse((await runCli(['scan', ...args, '-f', 'sarif'])).stdout).runs[0].invocations[0].executionSuccessful;
    expect(await sarif([`sbom:${CLEAN}`])).toBe(true);
    // An image left unknown (no scan-level error at all) is enough to make the execution unsuccessful.
    expect(await sarif([`sbom:${CLEAN}`, `sbom:${cut}`])).toBe(false);
    expect(await sarif([`sbom:${CLEAN}`, `sbom:${path.join(dir, 'none')}`])).toBe(false);
  });
});

describe('input errors are exit 2, after the report, and lose nothing else', () => {
  it('a broken lockfile under dir: exits 2 with the report of the rest', async () => {
    const dir = await tmpDir();
    await mkdir(path.join(dir, 'good'));
    await mkdir(path.join(dir, 'bad'));
    await writeFile(path.join(dir, 'good/package-lock.json'), JSON.stringify({ name: 'g', lockfileVersion: 3, packages: { '': { name: 'g' }, 'node_modules/axios': { version: '1.14.1' } } }));
    await writeFile(path.join(dir, 'bad/package-lock.json'), '{"name": "b", "lockfileVersion": 3, "packages": {');
    const run = await runCli(['scan', `dir:${dir}`, '-f', 'json']);
    const report = json(run);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/input error: .*bad\/package-lock\.json/);
    expect(report.images[0]!.matches.map((m) => m.name)).toContain('axios');
  });

  it('a bad OSV record among many is skipped and named with the incident it would add; the others are hunted; exit 2', async () => {
    const dir = await tmpDir();
    const osv = (id: string, name: string, version: string) => JSON.stringify({ schema_version: '1.6.0', id, modified: '2026-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name }, versions: [version] }] });
    await writeFile(path.join(dir, 'MAL-2026-1.json'), osv('MAL-2026-1', 'axios', '1.14.1'));
    await writeFile(path.join(dir, 'MAL-2026-2.json'), JSON.stringify({ schema_version: '1.6.0', id: 'MAL-2026-2', modified: '2026-01-01T00:00:00Z', affected: [{ versions: ['1.0.0'] }] }));
    await writeFile(path.join(dir, 'MAL-2026-3.json'), osv('MAL-2026-3', 'left-pad', '9.9.9'));
    const run = await runCli(['scan', `sbom:${AFFECTED}`, '--ioc', dir, '-f', 'json']);
    const report = json(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/input error: .*MAL-2026-2\.json.*incident MAL-2026-2 not loaded/);
    expect(report.incidents.map((i) => i.id).sort()).toEqual(['MAL-2026-1', 'MAL-2026-3']);
    expect(report.images[0]!.verdict).toBe('affected');
    expect(report.errors.join('\n')).toMatch(/MAL-2026-2 not loaded/);
  });

  it('iocs lint refuses two files defining one incident id, as the scan does', async () => {
    const dir = await tmpDir();
    const yaml = (title: string) => `apiVersion: sbom-hunt/v1\nincidents:\n  - id: dup-1\n    title: ${title}\n    packages:\n      - { ecosystem: npm, name: axios, versions: ["1.14.1"] }\n`;
    await writeFile(path.join(dir, 'a.yaml'), yaml('first'));
    await writeFile(path.join(dir, 'b.yaml'), yaml('second'));
    const lint = await runCli(['iocs', 'lint', dir]);
    expect(lint.code).toBe(2);
    expect(lint.stdout).toMatch(/error .*b\.yaml.*incident id dup-1 is also defined in .*a\.yaml/);
    const scan = await runCli(['scan', `sbom:${AFFECTED}`, '--ioc', dir, '-q']);
    expect(scan.code).toBe(2);
    expect(scan.stderr).toMatch(/dup-1 is also defined/);
  });
});

describe('outputs are checked before the work', () => {
  it('-o into a missing folder or onto a directory exits 2 before scanning, with one line and no stack', async () => {
    const dir = await tmpDir();
    for (const [out, why] of [[path.join(dir, 'nope/report.json'), /no such file or directory/], [dir, /is a directory/]] as const) {
      for (const cmd of ['scan', 'check', 'sweep']) {
        const run = await runCli([cmd, `sbom:${AFFECTED}`, '-o', out, ...(cmd === 'sweep' ? ['--state', path.join(dir, 'state.db')] : [])]);
        expect(run.code, `${cmd} ${run.stderr}`).toBe(2);
        expect(run.stderr).toMatch(new RegExp(`^sbom-hunt: cannot write ${out.replace(/[/.]/g, '\\$&')}: .*`));
        expect(run.stderr).toMatch(why);
        expect(run.stderr).not.toMatch(STACK);
        // Before the work: no report and, for the sweep, no state and no alert.
        expect(run.stdout).toBe('');
        expect(run.stderr).not.toMatch(/affected/i);
      }
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('--state in a missing folder and iocs import -o into one are refused before the work, not "internal error"', async () => {
    const dir = await tmpDir();
    const sweep = await runCli(['sweep', `sbom:${AFFECTED}`, '--state', path.join(dir, 'missing/state.db')]);
    expect(sweep.code).toBe(2);
    expect(sweep.stderr).toMatch(/^sbom-hunt: cannot write .*missing\/state\.db: /);
    expect(sweep.stderr).not.toMatch(STACK);
    const imp = await runCli(['iocs', 'import', 'osv', 'fixtures/iocs', '-o', path.join(dir, 'missing/feed.yaml')]);
    expect(imp.code).toBe(2);
    expect(imp.stderr).toMatch(/^sbom-hunt: cannot write .*missing\/feed\.yaml: /);
    expect(imp.stderr).not.toMatch(STACK);
  });

  it('the report is written by rename: no temporary file is left beside it', async () => {
    const dir = await tmpDir();
    const out = path.join(dir, 'report.json');
    const run = await runCli(['scan', `sbom:${AFFECTED}`, '-f', 'json', '-o', out]);
    expect(run.code).toBe(1);
    expect(JSON.parse(await readFile(out, 'utf8')).summary.affected).toBe(1);
    expect(await readdir(dir)).toEqual(['report.json']);
  });
});

// A 64 KiB tmpfs filled to the last byte: every write in it fails with ENOSPC (the shared helper fails under CI
// when it cannot mount, rather than skipping).
const disk = mountTmpfs('64k');
if (typeof disk === 'string') console.warn(`fail-closed: ${disk}: the full-disk report cases are skipped`);
else disk.fill();
const full = typeof disk === 'string' ? undefined : disk.dir;
afterAll(() => {
  if (typeof disk !== 'string') disk.close();
});

describe.skipIf(!full)('a report that cannot be written after the work', () => {
  it('a full disk says "cannot write FILE: no space left on device" and exits 2, never a stack; sweep alerts are delivered anyway', async () => {
    const out = path.join(full!, 'report.json');
    const scan = await runCli(['scan', `sbom:${AFFECTED}`, '-f', 'json', '-o', out]);
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain(`sbom-hunt: cannot write ${out}: no space left on device`);
    expect(scan.stderr).not.toMatch(STACK);
    const state = path.join(await tmpDir(), 'state.db');
    const sweep = await runCli(['sweep', `sbom:${AFFECTED}`, '--state', state, '-o', out, '-q']);
    expect(sweep.code).toBe(2);
    // No destination configured: stderr is the destination, and the new finding is on it despite the failed report.
    expect(sweep.stderr).toMatch(/new.*axios@1\.14\.1/i);
    expect(sweep.stderr).toContain(`cannot write ${out}: no space left on device`);
    // The state was saved: the next sweep has nothing new to say.
    const again = await runCli(['sweep', `sbom:${AFFECTED}`, '--state', state, '-q']);
    expect(again.stderr).not.toMatch(/new.*axios@1\.14\.1/i);
    expect(await readdir(full!)).toEqual(['filler']);
  });
});

describe('--quiet never hides errors or the incomplete line', () => {
  it('a sweep under -q whose webhook refuses says so on stderr and exits 3', async () => {
    const server = createServer((_req, res) => res.writeHead(400).end('no'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const state = path.join(await tmpDir(), 'state.db');
      const run = await runCli(['sweep', `sbom:${AFFECTED}`, '--state', state, '--webhook', `http://127.0.0.1:${port}/hook`, '-q']);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/sbom-hunt: alert delivery failed: webhook 127\.0\.0\.1:\d+: refused with HTTP 400/);
      expect(run.stderr).toMatch(/deliveries failed and stay owed/);
    } finally {
      server.close();
    }
  });

  it('a truncated SBOM under -q still says so on stderr (exit 2), and an incomplete run says so (exit 4)', async () => {
    const dir = await tmpDir();
    const cut = path.join(dir, 'cut.cdx.json');
    await writeFile(cut, cdx([{ name: 'left-pad', version: '1.3.0' }]).slice(0, 60));
    const run = await runCli(['scan', `sbom:${cut}`, '-q']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/input error: .*cut\.cdx\.json.*truncated/);
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    const gap = await runCli(['check', `sbom:${empty}`, '-q']);
    expect(gap.code).toBe(4);
    expect(gap.stderr).toMatch(/^sbom-hunt: incomplete: .*coverage 0% \(0 of 1 checked\); 1 source not enumerated/m);
  });
});

describe('terminal-safe text', () => {
  it('control characters, ESC sequences and bidi overrides from an SBOM are escaped in table, terse and Markdown, even with --no-color', async () => {
    const dir = await tmpDir();
    const evil = '/srv/app/node_modules/axios/\x1b[2K\r\x1b[1AAFFECTED-ERASED\u202egnp.exe\x07\x9b31m\x7f/package.json';
    const file = path.join(dir, 'evil\x1b[2K\r\u202e.cdx.json');
    await writeFile(file, cdx([{ name: 'axios', version: '1.14.1', path: evil }]));
    for (const args of [['scan', '-f', 'table'], ['scan', '-f', 'table', '--no-color'], ['check'], ['scan', '-f', 'markdown']]) {
      const run = await runCli([args[0]!, `sbom:${file}`, ...args.slice(1)]);
      expect(run.code).toBe(1);
      const out = run.stdout + run.stderr;
      // No raw control (newlines between our own lines aside), no C1, no bidi override reaches the terminal.
      expect(out.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u);
      // Shown as visible escapes (Markdown doubles the backslash so it renders as one).
      expect(out).toMatch(/\\{1,2}x1b\[2K\\{1,2}x0d/);
      expect(out).toMatch(/\\{1,2}u\{202e\}/);
    }
    // Machine formats keep the exact bytes (JSON escapes them itself).
    const report = json(await runCli(['scan', `sbom:${file}`, '-f', 'json']));
    expect(report.images[0]!.matches[0]!.paths).toEqual([evil]);
  });
});

describe('report merge knows its shards', () => {
  it('2 of 3 shard reports: the missing shard is named and the merge is incomplete (exit 4); a doubled one too', async () => {
    const dir = await tmpDir();
    const shards: string[] = [];
    for (let i = 0; i < 3; i++) {
      const out = path.join(dir, `shard-${i}.json`);
      const run = await runCli(['scan', `sbom:${CLEAN}`, `sbom:fixtures/fleet/billing-reports.spdx.json`, '--shard', `${i}/3`, '-f', 'json', '-o', out, '--allow-incomplete']);
      expect(run.stderr).not.toMatch(STACK);
      expect(JSON.parse(await readFile(out, 'utf8')).shard).toEqual({ index: i, count: 3 });
      shards.push(out);
    }
    const all = await runCli(['report', 'merge', ...shards, '-f', 'json']);
    expect(all.code, all.stderr).toBe(0);
    expect(json(all).summary.coverage.percent).toBe(100);
    const missing = await runCli(['report', 'merge', shards[0]!, shards[2]!, '-f', 'json']);
    const merged = json(missing);
    expect(missing.code).toBe(4);
    expect(merged.summary.coverage.percent).toBeLessThan(100);
    expect(merged.images.find((i) => i.ref === 'shard 1/3')).toMatchObject({ kind: 'source', verdict: 'unknown' });
    expect(missing.stderr).toMatch(/incomplete/);
    const doubled = await runCli(['report', 'merge', shards[0]!, shards[1]!, shards[1]!, shards[2]!, '-f', 'json']);
    expect(doubled.code).toBe(4);
    const twice = json(doubled).images.find((i) => i.ref === 'shard 1/3')!;
    expect(twice.reasons.join('\n')).toMatch(/given 2 times/);
  });
});
