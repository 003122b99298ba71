import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setToolRecorder, type RecordedRun } from '../../src/adapters/exec.js';
import { headerFacts, runSyftScan, syftEnv, syftSource } from '../../src/adapters/syft.js';
import type { Target } from '../../src/model/target.js';
import { installStandIns, realWorldOrSkip, type StandIns } from '../helpers/stand-in.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const reg = (registry: string, extra: Partial<Target & { kind: 'registry' }> = {}): Target => ({
  kind: 'registry',
  ref: `${registry}/team/app@${DIGEST}`,
  registry,
  repository: 'team/app',
  digest: DIGEST,
  ...extra,
});

describe('syftSource', () => {
  it.each<[string, Target, string | undefined]>([
    ['registry by digest', reg('ghcr.io'), `registry:ghcr.io/team/app@${DIGEST}`],
    ['registry by tag only', reg('ghcr.io', { digest: undefined, tag: '1.2' }), 'registry:ghcr.io/team/app:1.2'],
    ['oci layout', { kind: 'oci-layout', ref: 'x', path: '/imgs/app' }, 'oci-dir:/imgs/app'],
    ['docker archive', { kind: 'docker-archive', ref: 'x', path: '/imgs/app.tar' }, 'docker-archive:/imgs/app.tar'],
    ['sbom file', { kind: 'sbom-file', ref: 'x', path: '/s.json' }, undefined],
    ['directory', { kind: 'directory', ref: 'x', path: '/src' }, undefined],
  ])('%s', (_name, target, expected) => {
    expect(syftSource(target)).toBe(expected);
  });
});

describe('syftEnv', () => {
  it('puts a username and password in SYFT_REGISTRY_AUTH_*, Docker Hub under index.docker.io', () => {
    expect(syftEnv('SYFT', reg('docker.io'), { credential: { username: 'u1', password: 'p1-secret' } })).toEqual({
      SYFT_CHECK_FOR_APP_UPDATE: 'false',
      SYFT_REGISTRY_AUTH_AUTHORITY: 'index.docker.io',
      SYFT_REGISTRY_AUTH_USERNAME: 'u1',
      SYFT_REGISTRY_AUTH_PASSWORD: 'p1-secret',
    });
  });
  it('sends a token alone, and plain HTTP only to insecure registries', () => {
    const env = syftEnv('SYFT', reg('localhost:5000'), { credential: { registryToken: 'tok-abc' }, insecureRegistries: ['localhost:5000'] });
    expect(env).toEqual({
      SYFT_CHECK_FOR_APP_UPDATE: 'false',
      SYFT_REGISTRY_INSECURE_USE_HTTP: 'true',
      SYFT_REGISTRY_AUTH_AUTHORITY: 'localhost:5000',
      SYFT_REGISTRY_AUTH_TOKEN: 'tok-abc',
    });
  });
  it('sends nothing for a half credential or a non-registry target', () => {
    expect(syftEnv('SYFT', reg('ghcr.io'), { credential: { username: 'only-user' } })).toEqual({ SYFT_CHECK_FOR_APP_UPDATE: 'false' });
    expect(syftEnv('SYFT', { kind: 'oci-layout', ref: 'x', path: '/p' }, { credential: { username: 'u', password: 'pw-x' } })).toEqual({
      SYFT_CHECK_FOR_APP_UPDATE: 'false',
    });
  });
});

const rw = realWorldOrSkip('syft adapter with recorded syft output');

describe.skipIf(!rw)('runSyftScan with a stand-in replaying real syft output', () => {
  let standIns: StandIns | undefined;
  afterEach(() => {
    standIns?.restore();
    setToolRecorder(undefined);
  });

  it('runs `syft scan registry:…@digest -o syft-json`, credentials only in the environment', async () => {
    const file = path.join(rw!, 'syft-json/syft-1.32.0-alpine-image.syft.json');
    standIns = installStandIns({
      syft: { byFirstArg: { scan: { stdoutFile: file } }, logEnv: ['SYFT_REGISTRY_AUTH_USERNAME', 'SYFT_REGISTRY_AUTH_PASSWORD'] },
    });
    const recorded: RecordedRun[] = [];
    setToolRecorder((r) => recorded.push(r));
    const scan = await runSyftScan(reg('ghcr.io'), { timeoutMs: 10_000, credential: { username: 'bot', password: 'S3cr3t-pa55' } });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.args).toEqual(['scan', `registry:ghcr.io/team/app@${DIGEST}`, '-o', 'syft-json', '-q']);
    expect(JSON.stringify(recorded[0]!.args)).not.toContain('S3cr3t-pa55');
    expect(recorded[0]!.env.SYFT_REGISTRY_AUTH_PASSWORD).toBe('***');
    expect(standIns.calls('syft')[0]!.env).toEqual({ SYFT_REGISTRY_AUTH_USERNAME: 'bot', SYFT_REGISTRY_AUTH_PASSWORD: 'S3cr3t-pa55' });
    expect(scan.toolVersion).toBe('1.32.0');
    expect(scan.manifestDigest).toBe('sha256:fd6275a37d2472b9d3be70c3261087b8d65e441c21342ae7313096312bcda2b3');
    expect(scan.platform).toBe('linux/amd64');
    expect(JSON.parse(scan.imageConfig!.toString('utf8')).created).toBe('2023-02-11T04:46:42.558343068Z');
  });

  it('passes --platform when one is asked for', async () => {
    standIns = installStandIns({ syft: { byFirstArg: { scan: { stdoutFile: path.join(rw!, 'syft-json/syft-0.101.1-alpine-3.12-image.syft.json') } } } });
    const scan = await runSyftScan(reg('ghcr.io'), { timeoutMs: 10_000, platform: 'linux/arm64' });
    expect(standIns.calls('syft')[0]!.args.slice(-2)).toEqual(['--platform', 'linux/arm64']);
    expect(scan.platform).toBe('linux/arm64');
  });
});

describe('headerFacts', () => {
  it('tells nothing about output that is not JSON', () => {
    expect(headerFacts('<html>rate limited</html>')).toEqual({});
  });
});
