// SBOM files decoded on worker threads give the report the main thread gives: every SBOM fixture the project has
// (well-formed, malformed, truncated, hostile, attestations) scanned with the workers and without, reports equal.
import { describe, expect, it } from 'vitest';
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
});
