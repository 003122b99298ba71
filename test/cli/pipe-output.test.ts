// A report larger than a pipe's buffer reaches the reader whole: the CLI exits only after stdout is flushed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { runCli } from '../helpers/cli.js';

describe('stdout through a pipe', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a JSON report of several hundred KiB parses whole', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-pipe-'));
    const n = 400;
    for (let i = 0; i < n; i++) {
      const doc = { bomFormat: 'CycloneDX', specVersion: '1.6', metadata: { component: { type: 'container', name: `registry.example.com/team-${i}/service-with-a-long-name-${i}:1.0.${i}` } }, components: [{ type: 'library', name: 'lodash', version: '4.17.21', purl: 'pkg:npm/lodash@4.17.21' }] };
      await writeFile(join(dir, `image-${String(i).padStart(3, '0')}.cdx.json`), JSON.stringify(doc));
    }
    const run = await runCli(['scan', `sbom:${dir}`, '--no-cache', '-f', 'json', '--fail-on', 'none', '--no-push-times']);
    expect(run.stdout.length).toBeGreaterThan(256 * 1024);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.images.length).toBe(n);
  });
});
