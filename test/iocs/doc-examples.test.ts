// Every ```yaml block of docs/ioc-format.md marked <!-- ioc-example --> is a whole IOC file: it must pass the loader
// and `iocs lint` (in process and through the built CLI), so a documented example that stops loading fails CI. The
// examples must also keep covering the incidents issue 14 names, each with the indicator kind it is there to show.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintIocs, loadIocs } from '../../src/iocs/index.js';
import type { Incident } from '../../src/model/ioc.js';
import { runCli } from '../helpers/cli.js';

const DOC = 'docs/ioc-format.md';

interface Block {
  line: number;
  marker: string | undefined;
  text: string;
}

/** Each ```yaml fence with the HTML comment on the line before it (the marker), and the line it opens on. */
function yamlBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```yaml') continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
    if (end < 0) throw new Error(`${DOC}:${i + 1}: unclosed yaml block`);
    const marker = /^<!--\s*(ioc-[a-z-]+)\s*-->$/.exec(lines[i - 1]?.trim() ?? '')?.[1];
    blocks.push({ line: i + 1, marker, text: lines.slice(i + 1, end).join('\n') + '\n' });
    i = end;
  }
  return blocks;
}

const blocks = yamlBlocks(readFileSync(DOC, 'utf8'));
const examples = blocks.filter((b) => b.marker === 'ioc-example');
const dir = mkdtempSync(path.join(tmpdir(), 'sbom-hunt-doc-examples-'));
const files = examples.map((b) => {
  const file = path.join(dir, `ioc-format-line-${String(b.line).padStart(4, '0')}.yaml`);
  writeFileSync(file, b.text);
  return file;
});

describe(`${DOC} examples`, () => {
  it('marks every yaml block as an example that loads or as the field reference', () => {
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) expect(['ioc-example', 'ioc-reference'], `${DOC}:${b.line}`).toContain(b.marker);
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  it.each(examples.map((b, i) => [b.line, files[i]!] as const))('the block at line %i loads and lints ok', async (line, file) => {
    const [result] = await lintIocs([file]);
    expect(result, `${DOC}:${line}`).toMatchObject({ ok: true });
    expect(result!.error, `${DOC}:${line}`).toBeUndefined();
    expect((await loadIocs([file])).incidents.length).toBeGreaterThan(0);
  });

  it('`sbom-hunt iocs lint` on all of them says ok (the built CLI)', async () => {
    const r = await runCli(['iocs', 'lint', ...files]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').filter((l) => l.startsWith('ok '))).toHaveLength(files.length);
  });

  describe('cover each incident of issue 14 with its indicator kind', () => {
    const all = async (): Promise<Incident[]> => {
      const out: Incident[] = [];
      for (const f of files) out.push(...(await loadIocs([f])).incidents);
      return out;
    };
    const pkgs = async () => (await all()).flatMap((i) => i.packages);

    it('axios: npm exact versions', async () => {
      expect((await pkgs()).find((p) => p.ecosystem === 'npm' && p.name === 'axios')?.versions).toEqual(expect.arrayContaining(['1.14.1', '0.30.4']));
    });
    it('TeamPCP: the trivy Go module, aquasec/trivy tags, litellm on PyPI and litellm_init.pth by path', async () => {
      const incidents = await all();
      expect((await pkgs()).find((p) => p.ecosystem === 'go' && p.name === 'github.com/aquasecurity/trivy')?.versions).toEqual(['v0.69.4']);
      expect(incidents.flatMap((i) => i.images ?? []).map((i) => i.ref)).toEqual(expect.arrayContaining(['docker.io/aquasec/trivy:0.69.5']));
      expect((await pkgs()).find((p) => p.ecosystem === 'pypi' && p.name === 'litellm')?.versions).toEqual(['1.82.7', '1.82.8']);
      expect(incidents.flatMap((i) => i.files ?? []).map((f) => f.path)).toContain('/**/site-packages/litellm_init.pth');
    });
    it('Shai-Hulud: a bundle.js file indicator', async () => {
      expect((await all()).flatMap((i) => i.files ?? []).some((f) => f.path?.endsWith('/bundle.js'))).toBe(true);
    });
    it('xz-utils: ranges for deb, rpm and apk', async () => {
      const xz = (await pkgs()).filter((p) => /^(xz|xz-utils|xz-libs|liblzma5)$/.test(p.name) && p.ranges.length > 0);
      expect([...new Set(xz.map((p) => p.ecosystem))].sort()).toEqual(['apk', 'deb', 'rpm']);
    });
    it('a base image: an image indicator with layers', async () => {
      expect((await all()).flatMap((i) => i.images ?? []).some((i) => i.layers.length >= 2)).toBe(true);
    });
  });
});
