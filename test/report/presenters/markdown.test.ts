import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/report/build.js';
import { escapeMarkdown, markdownPresenter } from '../../../src/report/presenters/markdown.js';
import { sampleImages, sampleIocs, sampleMeta, sink } from '../sample.js';

function render(images = sampleImages): string {
  const out = sink();
  markdownPresenter(buildReport(images, sampleIocs, sampleMeta), out, { color: false });
  return out.text();
}

/** Cells in a table row, split on `|` that are not escaped. */
function cells(row: string): string[] {
  return row.slice(1, -1).split(/(?<!\\)\|/);
}

describe('markdown presenter', () => {
  it('escapes | so a reason with a pipe stays in its cell', () => {
    const row = render().split('\n').find((l) => l.startsWith('| registry.internal:5000/legacy/batch:0.9'))!;
    expect(row).toContain('exit status 1 \\| stderr');
    expect(cells(row)).toHaveLength(4);
  });

  it('every row of every table has as many cells as its header', () => {
    const lines = render().split('\n');
    let width = 0;
    for (const [i, line] of lines.entries()) {
      if (!line.startsWith('|')) continue;
      if (!lines[i - 1]?.startsWith('|')) width = cells(line).length;
      expect(cells(line), line).toHaveLength(width);
    }
  });

  it('escapes backslashes, backticks, HTML and newlines', () => {
    expect(escapeMarkdown('a|b\\c`d<script>\ne')).toBe('a\\|b\\\\c\\`d&lt;script> e');
  });

  it('puts indicators in code spans, so C2 addresses do not become live links', () => {
    expect(render()).toContain('- **Indicators:** `sfrclak.com`, `http://sfrclak.com:8000/6202033`');
  });

  it('has per-incident sections with affected and suspect tables carrying evidence and paths', () => {
    const text = render();
    expect(text).toContain('## Incident `axios-2026-03`: axios 1.14.1 and 0.30.4');
    expect(text).toMatch(/### Affected \(1\)\n\n\| Image \| Digest \| Package \| Paths \| Evidence \| Runs in \|/);
    expect(text).toContain('| npm plain-crypto-js@4.2.1 [package version] | /srv/app/node_modules/plain-crypto-js/package.json | attestation, verified |');
    expect(text).toContain('### Suspect (2)');
    expect(text).toContain('| syft |');
    expect(text).toContain('## Could not check (1)');
    // The sample's unread image is unknown for the incident nothing matched: not a clean answer for it.
    expect(text).toContain('No affected or suspect images among those checked.\n\n1 image could not be read at all: unknown for this incident too (see Unknown).');
  });
});
