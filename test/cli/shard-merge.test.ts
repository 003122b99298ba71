import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';

const SOURCES = ['sbom:fixtures/fleet', 'sbom:fixtures/sbom', 'dir:fixtures/lockfiles/npm-v3'];
const COMMON = ['--no-cache', '-f', 'json', '--fail-on', 'none', '--window', '2026-02-11T16:00:00Z/2026-02-11T17:00:00Z'];

function withoutTime(json: string): unknown {
  const r = JSON.parse(json);
  delete r.generatedAt;
  return r;
}

describe('--shard and report merge', () => {
  it('N shards split the images with no overlap, and their merged report equals one unsharded run', async () => {
    // fixtures/sbom holds broken SBOMs on purpose: they are unknown images (and exit 2) in every run.
    const whole = await runCli(['scan', ...SOURCES, ...COMMON]);
    expect(whole.code, whole.stderr).toBe(2);
    const wholeReport = JSON.parse(whole.stdout);
    expect(wholeReport.images.length).toBeGreaterThan(10);
    expect(wholeReport.summary.unknown).toBeGreaterThan(0);
    expect(wholeReport.summary.affected).toBeGreaterThan(0);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'sbom-hunt-shards-'));
    const files: string[] = [];
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await runCli(['scan', ...SOURCES, ...COMMON, '--shard', `${i}/3`]);
      expect([0, 2], r.stderr).toContain(r.code);
      const file = path.join(dir, `shard-${i}.json`);
      await writeFile(file, r.stdout);
      files.push(file);
      seen.push(...JSON.parse(r.stdout).images.map((img: { ref: string }) => img.ref));
    }
    expect(seen.sort()).toEqual(wholeReport.images.map((img: { ref: string }) => img.ref).sort());

    const merged = await runCli(['report', 'merge', ...files, '-f', 'json', '--fail-on', 'none']);
    expect(merged.code, merged.stderr).toBe(4); // the fleet holds unreadable SBOMs: incomplete, as the whole run
    expect((await runCli(['report', 'merge', ...files, '-f', 'json', '--fail-on', 'none', '--allow-incomplete'])).code).toBe(0);
    expect(withoutTime(merged.stdout)).toEqual(withoutTime(whole.stdout));

    // Every format is available on a merged report, and the gate still works.
    const md = await runCli(['report', 'merge', ...files, '-f', 'markdown']);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('axios');
  });

  it('a bad --shard or a file that is not a report is a usage error', async () => {
    expect((await runCli(['scan', 'sbom:fixtures/fleet', '--shard', '3/3'])).code).toBe(2);
    expect((await runCli(['scan', 'sbom:fixtures/fleet', '--shard', 'one'])).code).toBe(2);
    const r = await runCli(['report', 'merge', 'fixtures/fleet/worker.syft.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('worker.syft.json');
  });
});

describe('the Indexed Job example', () => {
  it('runs as many shards as it has completions, through flags the CLI has', async () => {
    const { parse } = await import('yaml');
    const { readFile } = await import('node:fs/promises');
    const job = parse(await readFile('deploy/kubernetes/sharded/indexed-job.yaml', 'utf8'));
    expect(job.kind).toBe('Job');
    expect(job.spec.completionMode).toBe('Indexed');
    const script: string = job.spec.template.spec.containers[0].args[0];
    const count = /--shard "\$\{JOB_COMPLETION_INDEX\}\/(\d+)"/.exec(script)?.[1];
    expect(Number(count)).toBe(job.spec.completions);
    expect(job.spec.parallelism).toBe(job.spec.completions);
    const help = (await runCli(['scan', '--help'])).stdout;
    for (const flag of script.match(/--[a-z-]+/g) ?? []) expect(help, flag).toContain(flag);
  });
});
