// Progress on stderr: only on a real terminal of known width, never under CI, --quiet or a pipe; checked in a
// pseudo-terminal made by util-linux `script`, the way a person at a terminal runs the scan.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { progressText, startProgress } from '../../src/cli/progress.js';
import { repoRoot } from '../helpers/cli.js';

const scriptAvailable = spawnSync('script', ['--version']).status === 0;

/** A stream that says it is a terminal, with the cursor calls ora makes on one. */
function tty(columns: number | undefined) {
  const noop = () => true;
  return Object.assign(new PassThrough(), { isTTY: true, columns, cursorTo: noop, clearLine: noop, moveCursor: noop });
}

describe('progressText', () => {
  it.each([
    [{ done: 0 }, 'finding images'],
    [{ done: 0, total: 12 }, '0/12 images'],
    [{ done: 3, total: 12, current: 'reg/app@sha256:ab: attestation' }, '3/12 images · reg/app@sha256:ab: attestation'],
  ])('%j -> %s', (state, text) => expect(progressText(state)).toBe(text));
});

describe('startProgress', () => {
  it.each([
    ['--quiet', true, { stderr: tty(80), env: {} }],
    ['CI set', false, { stderr: tty(80), env: { CI: 'true' } }],
    ['stderr not a terminal', false, { stderr: new PassThrough(), env: {} }],
    ['a terminal of width 0', false, { stderr: tty(0), env: {} }],
  ])('shows nothing with %s', async (_, quiet, io) => {
    expect(await startProgress(quiet as boolean, io as never)).toBeUndefined();
  });

  // ora itself stops animating when CI is in the environment (as on the CI runner), so this checks only
  // what holds either way: a warning written through the progress is printed whole (the pty test below sees a real screen).
  it('writes warnings above the spinner', async () => {
    const stderr = tty(80);
    let out = '';
    stderr.on('data', (c: Buffer) => (out += c.toString()));
    const p = (await startProgress(false, { stderr, env: {} }))!;
    p.inventory(2);
    p.print('sbom-hunt: warning: syft is not installed\n');
    p.stop();
    expect(out).toContain('sbom-hunt: warning: syft is not installed\n');
  });
});

/** Runs the CLI in a pseudo-terminal of this width, as a person would (no CI in the environment). */
async function inTerminal(columns: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-pty-'));
  const log = path.join(dir, 'typescript');
  const report = path.join(dir, 'report.txt');
  const cli = `cd '${repoRoot}' && '${process.execPath}' bin/sbom-hunt.js scan sbom:fixtures/fleet -o '${report}'`;
  const r = await execa('script', ['-qefc', `stty cols ${columns} rows ${columns ? 30 : 0}; ${cli}`, log], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, XDG_CACHE_HOME: dir, NO_COLOR: '1' },
    extendEnv: false,
    input: '',
    reject: false,
    timeout: 60_000,
  });
  return { code: r.exitCode, screen: readFileSync(log, 'utf8'), report: readFileSync(report, 'utf8') };
}

describe.skipIf(!scriptAvailable)('progress in a pseudo-terminal', () => {
  it('spins on a terminal, then leaves only the report', async () => {
    const r = await inTerminal(100);
    expect(r.code).toBe(1);
    expect(r.screen).toContain('finding images');
    expect(r.screen).toContain('\u001b[?25l'); // cursor hidden while spinning...
    expect(r.screen).toContain('\u001b[?25h'); // ...and shown again
    expect(r.report).toMatch(/affected/);
  });

  it('shows no spinner on a terminal of width 0', async () => {
    const r = await inTerminal(0);
    expect(r.code).toBe(1);
    expect(r.screen).not.toContain('finding images');
    expect(r.report).toMatch(/affected/);
  });
});
