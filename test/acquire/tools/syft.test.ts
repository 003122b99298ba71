import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setToolRecorder, setToolWarningSink, type RecordedRun } from '../../../src/adapters/exec.js';
import type { AcquireContext } from '../../../src/acquire/acquirer.js';
import { acquireTarget } from '../../../src/acquire/index.js';
import { syftAcquirer } from '../../../src/acquire/syft.js';
import type { Target } from '../../../src/model/target.js';
import { installStandIns, realWorldOrSkip, type StandIns } from '../../helpers/stand-in.js';

const DIGEST = `sha256:${'cd'.repeat(32)}`;
const target: Target = { kind: 'registry', ref: `ghcr.io/o/app@${DIGEST}`, registry: 'ghcr.io', repository: 'o/app', digest: DIGEST };
const ctx = (): AcquireContext => ({ insecureRegistries: [], inputErrors: [] });
const rw = realWorldOrSkip('syft acquirer with recorded syft output');

let standIns: StandIns | undefined;
afterEach(() => {
  standIns?.restore();
  standIns = undefined;
  setToolRecorder(undefined);
  setToolWarningSink((m) => process.stderr.write(`sbom-hunt: ${m}\n`));
});

describe('syft acquirer: what it does not take', () => {
  it.each<[Target, string]>([
    [{ kind: 'sbom-file', ref: 's', path: '/s.json' }, 'syft does not read sbom-file targets'],
    [{ kind: 'directory', ref: 'd', path: '/src' }, 'syft does not read directory targets'],
  ])('%j', async (t, reason) => {
    expect(await syftAcquirer().acquire(t, ctx())).toEqual({ ok: false, notMine: reason, applies: false });
  });

  it('says "syft not installed", once for the whole run', async () => {
    const oldPath = process.env.PATH;
    process.env.PATH = mkdtempSync(path.join(tmpdir(), 'empty-path-'));
    const warnings: string[] = [];
    setToolWarningSink((m) => warnings.push(m));
    try {
      const acquirer = syftAcquirer();
      for (let i = 0; i < 3; i++) expect(await acquirer.acquire(target, ctx())).toEqual({ ok: false, notMine: 'syft not installed' });
    } finally {
      process.env.PATH = oldPath;
    }
    expect(warnings).toHaveLength(1);
  });
});

describe.skipIf(!rw)('syft acquirer with a stand-in', () => {
  it('reads the packages, platform, build time and tool version from real syft output', async () => {
    standIns = installStandIns({ syft: { byFirstArg: { scan: { stdoutFile: path.join(rw!, 'syft-json/syft-1.32.0-alpine-image.syft.json') } } } });
    const c = ctx();
    const outcome = await syftAcquirer().acquire(target, c);
    if (!outcome.ok) throw new Error(outcome.notMine);
    const image = outcome.image;
    expect(image.errors).toEqual([]);
    expect(image.digest).toBe(DIGEST);
    const p = image.platforms[0]!;
    expect(p.platform).toBe('linux/amd64');
    expect(p.digest).toBe('sha256:fd6275a37d2472b9d3be70c3261087b8d65e441c21342ae7313096312bcda2b3');
    expect(p.packages).toHaveLength(15);
    expect(p.packages.map((x) => `${x.ecosystem}:${x.name}@${x.version}`)).toContain('apk:alpine-baselayout@3.4.0-r0');
    expect(p.created).toMatchObject({ value: '2023-02-11T04:46:42.558343068Z', source: 'config created', reliable: true });
    expect(p.evidence).toEqual({ kind: 'syft', format: 'syft-json', detail: `syft 1.32.0 scan registry:ghcr.io/o/app@${DIGEST}` });
    // The digest asked for is not the manifest syft read: an index, of which one platform was read.
    expect(p.notes).toEqual([
      `syft read one platform (linux/amd64, sha256:fd6275a37d2472b9d3be70c3261087b8d65e441c21342ae7313096312bcda2b3) of ${DIGEST}; other platforms of a multi-platform image were not read`,
    ]);
    expect(c.inputErrors).toEqual([]);
  });

  it('adds no platform note when the digest asked for is the manifest syft read', async () => {
    standIns = installStandIns({ syft: { byFirstArg: { scan: { stdoutFile: path.join(rw!, 'syft-json/syft-1.32.0-alpine-image.syft.json') } } } });
    const manifest = 'sha256:fd6275a37d2472b9d3be70c3261087b8d65e441c21342ae7313096312bcda2b3';
    const outcome = await syftAcquirer().acquire({ ...target, ref: `ghcr.io/o/app@${manifest}`, digest: manifest } as Target, ctx());
    expect(outcome.ok && outcome.image.platforms[0]!.notes).toEqual([]);
  });

  it('says when it scanned by tag', async () => {
    standIns = installStandIns({ syft: { byFirstArg: { scan: { stdoutFile: path.join(rw!, 'syft-json/syft-1.32.0-alpine-image.syft.json') } } } });
    const outcome = await syftAcquirer().acquire({ kind: 'registry', ref: 'ghcr.io/o/app:3', registry: 'ghcr.io', repository: 'o/app', tag: '3' }, ctx());
    expect(standIns.calls('syft')[0]!.args[1]).toBe('registry:ghcr.io/o/app:3');
    expect(outcome.ok && outcome.image.platforms[0]!.notes).toEqual(['scanned by tag: the digest was not known, so the result may not match what runs']);
  });

  it('fetches credentials for the registry and keeps them off argv', async () => {
    standIns = installStandIns({ syft: { byFirstArg: { scan: { stdoutFile: path.join(rw!, 'syft-json/syft-0.101.1-alpine-3.12-image.syft.json') } } } });
    const recorded: RecordedRun[] = [];
    setToolRecorder((r) => recorded.push(r));
    const asked: string[] = [];
    const acquirer = syftAcquirer({ credentials: async (r) => (asked.push(r), { username: 'robot', password: 'pa55-w0rd-x' }) });
    const outcome = await acquirer.acquire(target, ctx());
    expect(outcome.ok).toBe(true);
    expect(asked).toEqual(['ghcr.io']);
    expect(recorded[0]!.args.join(' ')).not.toContain('pa55-w0rd-x');
    expect(recorded[0]!.env).toMatchObject({ SYFT_REGISTRY_AUTH_USERNAME: 'robot', SYFT_REGISTRY_AUTH_PASSWORD: '***' });
  });
});

describe('syft acquirer: failures are this image\'s unknown reasons, never crashes', () => {
  it.each([
    [
      'non-zero exit',
      { stderr: '1 error occurred:\n\t* could not determine source: an error occurred attempting to resolve pa55-w0rd-x', exitCode: 1 },
      `syft: syft scan registry:ghcr.io/o/app@${DIGEST} -o syft-json -q: exited with code 1: 1 error occurred:\n\t* could not determine source: an error occurred attempting to resolve ***`,
    ],
    ['garbage on stdout', { stdout: '\u001b[1m[0000] INFO   cataloging...' }, `syft scan registry:ghcr.io/o/app@${DIGEST}`],
    ['empty stdout', { stdout: '' }, `syft: syft scan registry:ghcr.io/o/app@${DIGEST}: printed nothing`],
    ['a hang past the timeout', { hang: true }, 'timed out after 300ms'],
  ])('%s', async (_name, behaviour, message) => {
    standIns = installStandIns({ syft: { byFirstArg: { scan: behaviour } } });
    const c = ctx();
    const acquirer = syftAcquirer({ timeoutMs: 300, credentials: async () => ({ username: 'robot', password: 'pa55-w0rd-x' }) });
    const image = await acquireTarget(target, c, [acquirer]);
    expect(image.platforms).toEqual([]);
    expect(image.errors).toHaveLength(1);
    expect(image.errors[0]).toContain(message);
    expect(image.errors[0]).not.toContain('pa55-w0rd-x');
    // The tool's output is not the user's input: no exit-2 input error.
    expect(c.inputErrors).toEqual([]);
  });
});
