import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sarifUploadProblems } from '../helpers/github-sarif.js';
import { runCli } from '../helpers/cli.js';

const fleet = 'sbom:fixtures/fleet';

async function tmpDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'sbom-hunt-cli-'));
}

describe('sbom-hunt scan on the shipped fleet', () => {
  it('finds the two affected images, the suspect one, and the lookalike-only image clean (exit 1)', async () => {
    const r = await runCli(['scan', fleet, '-f', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toMatchObject({ images: 5, affected: 2, suspect: 1, unknown: 0, clean: 2 });
    const byFile = Object.fromEntries(report.images.map((i: { ref: string; verdict: string }) => [path.basename(i.ref), i]));
    expect(byFile['payments-api.cdx.json'].verdict).toBe('affected');
    expect(byFile['worker.syft.json'].verdict).toBe('affected');
    expect(byFile['web-frontend.spdx.json'].verdict).toBe('suspect');
    expect(byFile['admin-console.cdx.json'].verdict).toBe('clean');
    const names = byFile['payments-api.cdx.json'].matches.map((m: { name: string; version: string }) => `${m.name}@${m.version}`).sort();
    expect(names).toEqual(['axios@1.14.1', 'plain-crypto-js@4.2.1']);
    const axios = byFile['payments-api.cdx.json'].matches.find((m: { name: string }) => m.name === 'axios');
    expect(axios.paths).toEqual(['/srv/app/node_modules/axios/package.json']);
  });

  it('three SBOMs list no files: unknown for the litellm_init.pth incident though affected or suspect for axios, and not counted as checked', async () => {
    const r = await runCli(['scan', fleet, '-f', 'json', '--fail-on', 'none']);
    // Nothing reached --fail-on, yet the answer has gaps: exit 4, and the stderr line says why.
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('3 not checked for every incident');
    const report = JSON.parse(r.stdout);
    expect(report.summary).toMatchObject({ images: 5, affected: 2, suspect: 1, unknown: 0, clean: 2, partial: 3, coverage: { checked: 5, total: 5 }, complete: false });
    const litellm = report.incidents.find((i: { id: string }) => i.id === 'teampcp-litellm-2026-03');
    const files = ['payments-api.cdx.json', 'web-frontend.spdx.json', 'worker.syft.json'];
    expect(litellm.unknown.map((h: { ref: string }) => path.basename(h.ref)).sort()).toEqual(files);
    expect(litellm.unknown[0].why).toContain('the source lists no files');
    // The axios incident is answered for all five: nobody is unknown for it.
    expect(report.incidents.find((i: { id: string }) => i.id === 'axios-2026-03').unknown).toEqual([]);
    const web = report.images.find((i: { ref: string }) => i.ref.endsWith('web-frontend.spdx.json'));
    expect(web.unchecked.map((u: { incident: string }) => u.incident)).toEqual(['teampcp-litellm-2026-03']);
    const table = await runCli(['scan', fleet, '--fail-on', 'none', '--no-color']);
    expect(table.stdout).toMatch(/^ {2}UNKNOWN {3}fixtures\/fleet\/web-frontend\.spdx\.json/m);
    expect(table.stdout).toContain('no affected or suspect images among those checked');
    // SARIF: one unknown result per image and unchecked incident (distinct fingerprints), valid for upload.
    const sarif = JSON.parse((await runCli(['scan', fleet, '-f', 'sarif', '--fail-on', 'none'])).stdout);
    const gaps = sarif.runs[0].results.filter((r: { ruleId: string; properties: { incident?: string } }) => r.ruleId === 'sbom-hunt/unknown' && r.properties.incident === 'teampcp-litellm-2026-03');
    expect(gaps.map((r: { properties: { image: string } }) => path.basename(r.properties.image)).sort()).toEqual(files);
    expect(new Set(gaps.map((r: { partialFingerprints: Record<string, string> }) => Object.values(r.partialFingerprints)[0])).size).toBe(3);
    expect(await sarifUploadProblems(sarif)).toEqual([]);
    expect(sarif.runs[0].invocations[0].executionSuccessful).toBe(false);
    // With only the axios feed there is no file indicator to answer: complete.
    expect((await runCli(['scan', fleet, '--ioc', 'iocs/axios-2026-03.yaml', '--fail-on', 'none', '-q'])).code).toBe(0);
  });

  it('prints a table headline with the counts and no ANSI colour when NO_COLOR is set', async () => {
    const r = await runCli(['scan', fleet], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/affected/i);
    expect(r.stdout).toContain('payments-api.cdx.json');
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });

  it('--fail-on none exits 0; --fail-on suspect fails on the suspect image alone', async () => {
    expect((await runCli(['scan', fleet, '--fail-on', 'none', '--allow-incomplete', '-q'])).code).toBe(0);
    const suspectOnly = await runCli(['scan', 'sbom:fixtures/fleet/web-frontend.spdx.json', '--fail-on', 'suspect', '-q']);
    expect(suspectOnly.code).toBe(1);
    const defaultGate = await runCli(['scan', 'sbom:fixtures/fleet/web-frontend.spdx.json', '--ioc', 'iocs/axios-2026-03.yaml', '-q']);
    expect(defaultGate.code).toBe(0);
    // Under the bundled feeds it is blind to litellm_init.pth (no file list): incomplete, not a pass.
    expect((await runCli(['scan', 'sbom:fixtures/fleet/web-frontend.spdx.json', '-q'])).code).toBe(4);
  });

  it('writes the report to --output and every format parses or renders', async () => {
    const dir = await tmpDir();
    for (const format of ['json', 'sarif', 'markdown', 'table']) {
      const out = path.join(dir, `report.${format}`);
      const r = await runCli(['scan', fleet, '-f', format, '-o', out, '--fail-on', 'none', '--allow-incomplete']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
      const text = await readFile(out, 'utf8');
      if (format === 'json' || format === 'sarif') expect(() => JSON.parse(text)).not.toThrow();
      expect(text).toContain('payments-api');
    }
  });

  it('a --window that covers the billing SBOM time makes it suspect', async () => {
    const r = await runCli(['scan', 'sbom:fixtures/fleet/billing-reports.spdx.json', '-f', 'json', '--window', '2026-02-11T16:00:00Z/2026-02-11T17:00:00Z', '--fail-on', 'suspect']);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).images[0].verdict).toBe('suspect');
  });
});

describe('sbom-hunt check', () => {
  it('is terse and exits 1 on an affected SBOM, 0 on a clean one', async () => {
    const bad = await runCli(['check', 'sbom:fixtures/fleet/worker.syft.json']);
    expect(bad.code).toBe(1);
    expect(bad.stdout.trim().split('\n').length).toBeLessThanOrEqual(6);
    expect(bad.stdout).toMatch(/affected/i);
    const good = await runCli(['check', 'sbom:fixtures/fleet/admin-console.cdx.json']);
    expect(good.code, good.stdout + good.stderr).toBe(0);
  });
});

describe('bad input gets a clear error and loses nothing', () => {
  it('a truncated SBOM exits 2, names the file, and the other images are still reported', async () => {
    const dir = await tmpDir();
    const good = await readFile('fixtures/fleet/worker.syft.json', 'utf8');
    await writeFile(path.join(dir, 'good.syft.json'), good);
    await writeFile(path.join(dir, 'broken.cdx.json'), good.slice(0, 200));
    const r = await runCli(['scan', `sbom:${dir}`, '-f', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('broken.cdx.json');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toMatchObject({ images: 2, affected: 1, unknown: 1 });
  });

  it('a missing path, an unknown scheme and a bad window are usage errors (exit 2, one line)', async () => {
    for (const args of [
      ['scan', 'sbom:does/not/exist.json'],
      ['scan', 'nosuchscheme:foo/bar'],
      ['scan', 'sbom:fixtures/fleet', '--window', 'yesterday'],
      ['scan', 'sbom:fixtures/fleet', '--fail-on', 'sometimes'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().length).toBeGreaterThan(0);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('a malformed IOC file given with --ioc exits 2 and names file and line', async () => {
    const dir = await tmpDir();
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, 'packages:\n  - name: axios\n    version: [1, 2\n');
    const r = await runCli(['scan', 'sbom:fixtures/fleet', '--ioc', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.yaml');
    expect(r.stderr).toMatch(/:\d+/);
  });
});

describe('sbom-hunt iocs', () => {
  it('list shows the bundled axios incident with 0.30.4, not 0.30.0', async () => {
    const r = await runCli(['iocs', 'list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('plain-crypto-js');
    expect(r.stdout).toContain('0.30.4');
    expect(r.stdout).not.toContain('0.30.0');
  });

  it('lint accepts the bundled feed and rejects a file with a wrong field, naming its line', async () => {
    expect((await runCli(['iocs', 'lint', 'iocs'])).code).toBe(0);
    const dir = await tmpDir();
    const file = path.join(dir, 'wrong.yaml');
    await writeFile(file, 'packages:\n  - name: axios\n    ecosystem: npm\n    version:\n      nested: true\n');
    const r = await runCli(['iocs', 'lint', file]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain('wrong.yaml:4');
  });

  it('lint names a YAML file nested 20,000 levels deep as an error of that file, not an internal error', async () => {
    const dir = await tmpDir();
    const file = path.join(dir, 'deep.yaml');
    await writeFile(file, `x:\n${Array.from({ length: 20_000 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')}\n`);
    const r = await runCli(['iocs', 'lint', file]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/deep\.yaml:\d+: not valid YAML/);
    expect(r.stdout + r.stderr).not.toContain('internal error');
  });
});
