// The terminal report on a real pseudo-terminal 80 and 120 columns wide: it fits, and nothing that names a finding is cut.
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/report/presenters/fit.js';
import type { Report } from '../../src/model/report.js';
import { runCli } from '../helpers/cli.js';
import { PTY_SKIP, ptyAvailable, runInPty } from '../helpers/pty.js';

if (!ptyAvailable) console.warn(PTY_SKIP);

const PINNED = `127.0.0.1:1/shop/y@sha256:${'a'.repeat(64)}`;
// No syft on PATH and only syft asked for: the pinned registry image is unknown at once, with no network.
const ARGS = ['scan', 'sbom:fixtures/fleet', PINNED, 'dir:fixtures/lockfiles/bad-npm-json', '--sbom-sources', 'syft', '--no-cache', '--no-color'];
const ENV = { PATH: '/nonexistent-for-syft:/usr/bin:/bin' };

describe.skipIf(!ptyAvailable)('the table on a real terminal', () => {
  for (const cols of [80, 120]) {
    it(`fits ${cols} columns, with every verdict, image ref and package whole`, async () => {
      const { code, lines } = await runInPty(ARGS, cols, ENV);
      expect(code).toBe(2); // the bad lockfile is an input error; the rest is still reported
      const report = JSON.parse((await runCli([...ARGS, '-f', 'json'], { env: ENV })).stdout) as Report;
      const refs = report.images.map((i) => i.ref);
      // A line may pass the width only to keep one image ref whole (the pinned ref is 90 columns).
      const over = lines.filter((l) => displayWidth(l) > cols);
      for (const l of over) expect(refs.some((r) => l.includes(r) && displayWidth(r) > cols - 12), l).toBe(true);
      if (cols === 120) expect(over).toEqual([]);
      const text = lines.join('\n');
      for (const r of refs) expect(lines.some((l) => l.includes(r)), r).toBe(true);
      for (const p of ['axios@1.14.1', 'axios@0.30.4', 'plain-crypto-js@4.2.1']) expect(lines.some((l) => l.includes(p)), p).toBe(true);
      for (const v of ['AFFECTED', 'SUSPECT', 'UNKNOWN', 'CLEAN']) expect(text).toMatch(new RegExp(`(^|\\n)\\s*${v}\\s`));
      // The pinned ref's digest in the digest column, not `-`.
      expect(lines.find((l) => l.includes(PINNED)) ?? '').toContain('sha256:aaaaaaaaaaaa');
      expect(text).toContain('sha256:aaaaaaaaaaaa');
    });
  }

  it('leads each unknown reason with its cause, without the ref and without links that never read that kind of target', async () => {
    const { lines } = await runInPty(ARGS, 120, ENV);
    // The first line under an unknown's head that is not its (wrapped) digest: its reason.
    const at = (ref: string) => {
      const i = lines.findIndex((l) => l.trimStart().startsWith('UNKNOWN') && l.includes(ref));
      return lines.slice(i + 1).find((l) => !/^\s+sha256:[0-9a-f]{12}\s*$/.test(l)) ?? '';
    };
    expect(at(PINNED).trim()).toBe('syft: syft not installed (no SBOM source could read it)');
    expect(at('fixtures/lockfiles/bad-npm-json').trim()).toMatch(/^fixtures\/lockfiles\/bad-npm-json\/package-lock\.json:29: not valid JSON/);
    const text = lines.join('\n');
    expect(text).not.toContain('sbom-file: not an SBOM file');
    expect(text).not.toContain('directory: not a directory');
    expect(text).not.toContain(`${PINNED}: `);
  });

  it('a pipe gets whole lines (no terminal, no COLUMNS), and COLUMNS fits a pipe when set', async () => {
    const piped = await runCli(ARGS, { env: ENV });
    expect(piped.stdout.split('\n').some((l) => displayWidth(l) > 120)).toBe(true);
    const narrowed = await runCli(ARGS, { env: { ...ENV, COLUMNS: '80' } });
    const over = narrowed.stdout.split('\n').filter((l) => displayWidth(l) > 80);
    expect(over.every((l) => l.includes(PINNED))).toBe(true);
  });
});
