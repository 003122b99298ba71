// SBOM files decoded on worker threads give the report the main thread gives: every SBOM fixture the project has
// (well-formed, malformed, truncated, hostile, attestations) scanned with the workers and without, reports equal.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realWorldDir } from '../compat/real-world.js';
import { runCli } from '../helpers/cli.js';

/** A report without the fields that change from run to run. */
function stable(json: string): unknown {
  return JSON.parse(json, (key, value: unknown) => (/^(generatedAt|durationMs|startedAt|finishedAt)$/.test(key) ? undefined : value));
}

// Real tools' SBOMs and attestations from ../shared/real-world too, when the checkout has them beside it.
const REAL = realWorldDir ? ['cyclonedx', 'spdx', 'syft-json', 'grype', 'cosign'].map((d) => path.join(realWorldDir!, d)) : [];
if (!realWorldDir) console.warn('../shared/real-world is absent: worker decoding compared on the project fixtures only');

describe('SBOM decoding on worker threads', () => {
  it.each(['fixtures/sbom', 'fixtures/fleet', ...REAL])('%s: the same report with 2 workers as on the main thread', async (dir) => {
    const run = (workers: string) => runCli(['scan', `sbom:${dir}`, '--ioc', 'iocs/', '--no-cache', '-f', 'json', '--debug'], { env: { SBOM_HUNT_DECODE_WORKERS: workers } });
    const [main, pooled] = await Promise.all([run('0'), run('2')]);
    expect(main.stderr).toContain('SBOM files read and decoded on the main thread');
    expect(pooled.stderr).toContain('SBOM files read and decoded on up to 2 worker threads');
    expect(pooled.code).toBe(main.code);
    const report = stable(pooled.stdout) as { images: unknown[] };
    expect(report.images.length).toBeGreaterThan(1);
    expect(report).toEqual(stable(main.stdout));
  });

  // More files than PREFETCH_AHEAD (96): the workers stop claiming files until this thread asks for the ones decoded.
  it('a fleet of more files than the workers decode ahead gives the same report with 2 workers as on the main thread', async () => {
    const many = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-many-'));
    const names = readdirSync('fixtures/fleet').filter((f) => f.endsWith('.json'));
    for (let i = 0; i < 240; i++) writeFileSync(path.join(many, `${String(i).padStart(3, '0')}-${names[i % names.length]}`), readFileSync(path.join('fixtures/fleet', names[i % names.length]!)));
    const run = (workers: string) => runCli(['scan', `sbom:${many}`, '--ioc', 'iocs/', '--no-cache', '-f', 'json'], { env: { SBOM_HUNT_DECODE_WORKERS: workers } });
    const [main, pooled] = await Promise.all([run('0'), run('2')]).finally(() => rmSync(many, { recursive: true, force: true }));
    expect(pooled.code).toBe(main.code);
    const report = stable(pooled.stdout) as { images: unknown[] };
    expect(report.images).toHaveLength(240);
    expect(report).toEqual(stable(main.stdout));
  });

  // Unasked, workers wait for work worth their start (WORKER_MIN_BYTES, 8 MiB): a few small files stay on this thread.
  it('without SBOM_HUNT_DECODE_WORKERS, small files are decoded on the main thread and workers start once 8 MiB are to be read', async () => {
    const scan = (dir: string, workers?: string) =>
      runCli(['scan', `sbom:${dir}`, '--ioc', 'iocs/', '--no-cache', '-f', 'json', '--debug'], workers === undefined ? {} : { env: { SBOM_HUNT_DECODE_WORKERS: workers } });
    const small = await scan('fixtures/fleet');
    expect(small.stderr).toContain('SBOM files read and decoded on the main thread, on up to');
    expect(small.stderr).not.toContain('the rest read and decoded on up to');
    // A fleet past the threshold: the fleet's CycloneDX file with 50,000 more components (about 9 MiB) beside it.
    const big = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-big-fleet-'));
    const bom = JSON.parse(readFileSync('fixtures/fleet/payments-api.cdx.json', 'utf8')) as { components: object[] };
    for (let i = 0; i < 50_000; i++) bom.components.push({ type: 'library', 'bom-ref': `pkg:npm/filler-${i}@1.0.${i % 7}`, name: `filler-${i}`, version: `1.0.${i % 7}`, purl: `pkg:npm/filler-${i}@1.0.${i % 7}` });
    writeFileSync(path.join(big, 'big.cdx.json'), JSON.stringify(bom, null, 2));
    writeFileSync(path.join(big, 'small.cdx.json'), readFileSync('fixtures/fleet/admin-console.cdx.json'));
    const [pooled, main] = await Promise.all([scan(big), scan(big, '0')]).finally(() => rmSync(big, { recursive: true, force: true }));
    // The files of an `sbom:` argument are sized before the feed loads: past 8 MiB together, workers take them all from the start.
    expect(pooled.stderr).toMatch(/SBOM files to read: \d+ MiB, read and decoded on up to \d+ worker threads from the start/);
    expect(pooled.code).toBe(main.code);
    expect(stable(pooled.stdout)).toEqual(stable(main.stdout));
  });
});
