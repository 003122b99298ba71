import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { repoRoot } from './helpers/cli.js';

describe('supply chain of the tool itself', () => {
  it('no dependency runs an install script, so `npm ci --ignore-scripts` loses nothing', async () => {
    const pkg = JSON.parse(readFileSync(`${repoRoot}/package.json`, 'utf8')) as { allowScripts?: Record<string, boolean> };
    const lock = JSON.parse(readFileSync(`${repoRoot}/package-lock.json`, 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    const withScripts = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([name]) => name.replace(/^.*node_modules\//, ''));
    // esbuild (the bundler, dev only) has one; npm is told never to run it, and its binary comes as @esbuild/<platform>.
    expect(withScripts.filter((name) => pkg.allowScripts?.[name] !== false)).toEqual([]);
    expect(withScripts).toEqual(['esbuild']);
    const r = await execa(process.execPath, ['-e', "require('esbuild').transform('let a: number = 1', { loader: 'ts' }).then((o) => process.stdout.write(o.code))"], { cwd: repoRoot });
    expect(r.stdout).toBe('let a = 1;');
  });

  it('the published package holds only what runs: no tests, fixtures, benchmarks or sources', async () => {
    const r = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot });
    const [pack] = JSON.parse(r.stdout) as [{ files: { path: string }[] }];
    const paths = pack.files.map((f) => f.path);
    expect(paths).toContain('bin/sbom-hunt.js');
    expect(paths).toContain('iocs/axios-2026-03.yaml');
    expect(paths).toContain('dist/sbom-hunt.js');
    // The bundle's chunks (what a command loads only when it runs) ship with it, or the CLI cannot start.
    expect(paths.some((p) => /^dist\/chunks\/.+\.js$/.test(p))).toBe(true);
    expect(paths.filter((p) => /^(test|fixtures|bench|src|dist\/src|dist\/test|dist\/bench)\//.test(p))).toEqual([]);
  });
});
