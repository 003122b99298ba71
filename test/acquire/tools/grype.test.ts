import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { grypeAcquirer } from '../../../src/acquire/grype.js';
import type { AcquireContext } from '../../../src/acquire/acquirer.js';
import type { AcquiredImage, Target } from '../../../src/model/target.js';
import { installStandIns, realWorldOrSkip, withAdvisory, type StandIns } from '../../helpers/stand-in.js';

const DIGEST = `sha256:${'ef'.repeat(32)}`;
const target: Target = { kind: 'registry', ref: `ghcr.io/o/app@${DIGEST}`, registry: 'ghcr.io', repository: 'o/app', digest: DIGEST };
/** Notes grype added; syft's own (which platform it read) are tested with the syft acquirer. */
const grypeNotes = (notes: string[]) => notes.filter((n) => n.startsWith('grype: '));
const ctx = (): AcquireContext => ({ insecureRegistries: [], inputErrors: [] });
const rw = realWorldOrSkip('grype acquirer with recorded syft and grype output');

let standIns: StandIns | undefined;
afterEach(() => {
  standIns?.restore();
  standIns = undefined;
});

async function image(): Promise<AcquiredImage> {
  const outcome = await grypeAcquirer({ timeoutMs: 5000 }).acquire(target, ctx());
  if (!outcome.ok) throw new Error(`unexpected notMine: ${outcome.notMine}`);
  return outcome.image;
}

describe.skipIf(!rw)('grype acquirer', () => {
  const syftOut = () => path.join(rw!, 'syft-json/syft-1.32.0-alpine-image.syft.json');

  it('keeps syft\'s whole inventory and adds grype\'s malware matches as notes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grype-out-'));
    const grypeOut = path.join(dir, 'grype.json');
    const real = readFileSync(path.join(rw!, 'grype/grype-0.73.4-alpine-image.grype.json'), 'utf8');
    writeFileSync(grypeOut, withAdvisory(real, 0, { id: 'MAL-2026-2307' }, [{ id: 'GHSA-fw8c-xr5c-95f9' }]));
    standIns = installStandIns({ syft: { byFirstArg: { scan: { stdoutFile: syftOut() } } }, grype: { byFirstArg: { '*': { stdoutFile: grypeOut } } } });
    const img = await image();
    const p = img.platforms[0]!;
    // grype's own JSON for this image names 2 packages (libcrypto3, libssl3); the inventory is syft's 15.
    expect(p.packages).toHaveLength(15);
    expect(grypeNotes(p.notes)).toEqual(['grype: libcrypto3@3.0.8-r0 matches malware advisory MAL-2026-2307 (also GHSA-fw8c-xr5c-95f9)']);
    expect(p.evidence).toEqual({
      kind: 'grype',
      format: 'syft-json',
      detail: `syft 1.32.0 scan registry:ghcr.io/o/app@${DIGEST}; grype 0.73.4: 20 matches, malware advisories MAL-2026-2307`,
    });
  });

  it('says when grype found no malware advisory', async () => {
    standIns = installStandIns({
      syft: { byFirstArg: { scan: { stdoutFile: syftOut() } } },
      grype: { byFirstArg: { '*': { stdoutFile: path.join(rw!, 'grype/grype-0.73.4-alpine-image.grype.json') } } },
    });
    const p = (await image()).platforms[0]!;
    expect(grypeNotes(p.notes)).toEqual([]);
    expect(p.evidence?.detail).toMatch(/grype 0\.73\.4: 20 matches, no malware advisories$/);
  });

  it.each([
    ['fails', { stderr: 'failed to load vulnerability db: db could not be loaded', exitCode: 1 }, 'exited with code 1: failed to load vulnerability db'],
    ['prints garbage', { stdout: 'not json' }, 'not JSON'],
    ['hangs', { hang: true }, 'timed out'],
  ])('when grype %s, the inventory stays and a note says so', async (_n, behaviour, text) => {
    standIns = installStandIns({ syft: { byFirstArg: { scan: { stdoutFile: syftOut() } } }, grype: { byFirstArg: { '*': behaviour } } });
    const outcome = await grypeAcquirer({ timeoutMs: 400 }).acquire(target, ctx());
    if (!outcome.ok) throw new Error(outcome.notMine);
    const p = outcome.image.platforms[0]!;
    expect(outcome.image.errors).toEqual([]);
    expect(p.packages).toHaveLength(15);
    expect(p.evidence?.kind).toBe('syft');
    expect(grypeNotes(p.notes)).toHaveLength(1);
    expect(grypeNotes(p.notes)[0]).toContain(text);
    expect(grypeNotes(p.notes)[0]).toMatch(/^grype: .*\(inventory from syft only\)$/s);
  });

  it('does not run grype when syft failed: the image is unknown', async () => {
    standIns = installStandIns({ syft: { byFirstArg: { scan: { stderr: 'boom', exitCode: 2 } } }, grype: { byFirstArg: { '*': {} } } });
    const img = await image();
    expect(img.errors).toEqual([`syft: syft scan registry:ghcr.io/o/app@${DIGEST} -o syft-json -q: exited with code 2: boom`]);
    expect(standIns.calls('grype')).toEqual([]);
  });

  it('steps aside when grype is not installed', async () => {
    standIns = installStandIns({ syft: { byFirstArg: { scan: { stdoutFile: syftOut() } } } });
    const oldPath = process.env.PATH;
    // Only the stand-in dir: syft is there, grype is not (and nothing runs, so no other command is needed).
    process.env.PATH = standIns.dir;
    try {
      expect(await grypeAcquirer().acquire(target, ctx())).toEqual({ ok: false, notMine: 'grype not installed' });
    } finally {
      process.env.PATH = oldPath;
    }
  });
});
