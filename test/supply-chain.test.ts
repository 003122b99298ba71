import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
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
    expect(paths).toContain('dist/sbom-hunt.cjs');
    expect(paths).toContain('dist/launch.js');
    // Every file the build wrote (the CLI and the decode worker it starts) ships, or the CLI cannot run.
    const built = readdirSync(`${repoRoot}/dist`, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(c|m)?js$/.test(f) && !/^(src|test|bench)\//.test(f))
      .map((f) => `dist/${f}`);
    expect(built).toContain('dist/decode-worker.js');
    expect(paths.filter((p) => p.startsWith('dist/')).sort()).toEqual(expect.arrayContaining(built.sort()));
    expect(paths.filter((p) => /^(test|fixtures|bench|src|dist\/src|dist\/test|dist\/bench)\//.test(p))).toEqual([]);
  });
});
