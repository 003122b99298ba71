// Credentials go only where the user sent them (issue 13 item 9), through the built CLI against a real
// docker-registry with htpasswd auth and loopback servers that record every Authorization header they receive.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImageLayout, npmPackageFiles } from '../helpers/image-builder.js';
import { pushOciLayout } from '../helpers/push.js';
import { htpasswdAvailable, registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { findKubectl, startKubeApi, writeKubeconfig, type KubeApi } from '../helpers/kube-api.js';
import { loopbackCertificate, startRecorder, type Recorder, type TlsPair } from '../helpers/recorder.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import type { Report } from '../../src/model/report.js';

if (!registryAvailable) console.warn(SKIP_MESSAGE);
const kubectl = findKubectl();

const USER = 'ci-reader';
const PASSWORD = `EnvPass-${process.pid}-${Date.now()}`;
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const STACK = /\n\s+at .*:\d+:\d+|internal error/;

function parse(run: CliRun): Report {
  expect(run.stderr).not.toMatch(STACK);
  return JSON.parse(run.stdout) as Report;
}

function verdicts(report: Report): Record<string, string> {
  return Object.fromEntries(report.images.map((i) => [i.ref, i.verdict]));
}

describe.skipIf(!registryAvailable || !htpasswdAvailable)('environment credentials go only to hosts the user named', () => {
  let reg: TestRegistry;
  let recorder: Recorder;
  let dir: string;
  let list: string;
  const env = { SBOM_HUNT_REGISTRY_USERNAME: USER, SBOM_HUNT_REGISTRY_PASSWORD: PASSWORD };
  const common = () => ['--insecure-registry', reg.host, '--insecure-registry', recorder.host, '--sbom-sources', 'native', '--no-cache', '-f', 'json'];

  beforeAll(async () => {
    reg = await startRegistry({ htpasswd: { [USER]: PASSWORD } });
    recorder = await startRecorder('basic-challenge');
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-e2e-creds-'));
    const layout = await buildImageLayout(join(dir, 'app'), { ref: '1', platforms: [{ layers: [{ files: npmPackageFiles('app/node_modules', 'lodash', '4.17.21') }] }] });
    await pushOciLayout(reg.url, 'shop/app', layout.dir, BASIC);
    list = join(dir, 'images.txt');
    await writeFile(list, `${recorder.host}/evil/app:1\n`);
  });
  afterAll(async () => {
    await recorder?.close();
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a host from an --images file asks for credentials and gets none; the registry named on the command line gets them', async () => {
    recorder.calls.length = 0;
    const run = await runCli(['scan', `${reg.host}/shop/app:1`, '--images', list, ...common()], { env });
    const report = parse(run);
    expect(verdicts(report)).toEqual({ [`${reg.host}/shop/app:1`]: 'clean', [`${recorder.host}/evil/app:1`]: 'unknown' });
    expect(report.images.find((i) => i.ref.startsWith(recorder.host))!.reasons.join('\n')).toMatch(/no credentials found/);
    expect(recorder.calls.length).toBeGreaterThan(0);
    expect(recorder.calls.filter((c) => c.authorization !== undefined)).toEqual([]);
    expect(run.code).toBe(4);
  });

  it('SBOM_HUNT_REGISTRY_HOSTS is the exact list: the listed host receives them (what a leak looks like here), the unlisted registry does not', async () => {
    recorder.calls.length = 0;
    const run = await runCli(['scan', `${reg.host}/shop/app:1`, '--images', list, ...common()], { env: { ...env, SBOM_HUNT_REGISTRY_HOSTS: recorder.host } });
    const report = parse(run);
    expect(recorder.calls.map((c) => c.authorization)).toContain(BASIC);
    expect(verdicts(report)[`${reg.host}/shop/app:1`]).toBe('unknown');
    expect(report.images.find((i) => i.ref.startsWith(reg.host))!.reasons.join('\n')).toMatch(/unauthori[sz]ed.*no credentials found/);
  });

  it('a registry: catalog argument names its host: every repository of the catalog is read with the credentials', async () => {
    const run = await runCli(['scan', `registry:${reg.host}`, ...common()], { env });
    expect(verdicts(parse(run))).toEqual({ [`${reg.host}/shop/app:1`]: 'clean' });
    expect(run.code).toBe(0);
  });

  describe.skipIf(!kubectl)('kube:', () => {
    let api: KubeApi;
    let kubeconfig: string;
    beforeAll(async () => {
      const image = `${recorder.host}/evil/app:1`;
      const pod = {
        metadata: { name: 'evil-1', namespace: 'shop', uid: 'uid-evil-1', labels: {}, ownerReferences: [] },
        spec: { containers: [{ name: 'evil', image }], nodeName: 'node-1', restartPolicy: 'Always' },
        status: { phase: 'Running', containerStatuses: [{ name: 'evil', image, imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: '2026-11-20T08:00:00Z' } } }] },
      };
      const fixtures = join(dir, 'cluster');
      await mkdir(fixtures);
      await writeFile(join(fixtures, 'pods.json'), JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [pod] }));
      api = await startKubeApi({ fixtureDir: fixtures });
      kubeconfig = await writeKubeconfig(join(dir, 'kubeconfig'), [{ name: 'e2e', server: api.url }], 'e2e');
    });
    afterAll(async () => api?.close());

    it('a host that came from a pod spec gets none, though the run also names a registry the credentials are for', async () => {
      recorder.calls.length = 0;
      const run = await runCli(['scan', `${reg.host}/shop/app:1`, 'kube:', '--kubeconfig', kubeconfig, '--kubectl', kubectl!, ...common()], { env });
      const report = parse(run);
      expect(verdicts(report)).toMatchObject({ [`${reg.host}/shop/app:1`]: 'clean', [`${recorder.host}/evil/app:1`]: 'unknown' });
      expect(recorder.calls.length).toBeGreaterThan(0);
      expect(recorder.calls.filter((c) => c.authorization !== undefined)).toEqual([]);
    });
  });

  it('URL userinfo and tokens typed in --images lines and source arguments never reach stdout, stderr or the report, in any format', async () => {
    const secrets = [`LinePw-${process.pid}`, `BareLinePw-${process.pid}`, `QueryTok-${process.pid}`, `ArgPw-${process.pid}`];
    const bad = join(dir, 'bad-images.txt');
    await writeFile(bad, [`https://alice:${secrets[0]}@${reg.host}/shop/app:1`, `alice:${secrets[1]}@${reg.host}/shop/app:1`, `${reg.host}/shop/app:1?access_token=${secrets[2]}`].join('\n'));
    for (const format of ['json', 'table', 'markdown', 'sarif', 'html']) {
      const out = join(dir, `masked.${format}`);
      const run = await runCli(['scan', `registry:https://bob:${secrets[3]}@${reg.host}`, `${reg.host}/shop/app:1`, '--images', bad, '--insecure-registry', reg.host, '--sbom-sources', 'native', '--no-cache', '-f', format, '-o', out], { env });
      expect(run.code, run.stderr).toBe(2);
      const written = await import('node:fs/promises').then((fs) => fs.readFile(out, 'utf8'));
      for (const text of [run.stdout, run.stderr, written]) for (const s of secrets) expect(text, `${format}: ${s}`).not.toContain(s);
      // The lines are still named, file and line, with the secret masked.
      expect(run.stderr).toMatch(/bad-images\.txt:1: .*https:\/\/\*\*\*@/);
      if (format === 'json') {
        const report = JSON.parse(written) as Report;
        expect(verdicts(report)[`${reg.host}/shop/app:1`]).toBe('clean');
        expect(report.images.map((i) => i.ref)).toContain(`registry:https://***@${reg.host}`);
      }
    }
  });
});

describe('an HTTPS request that redirects to plain HTTP', () => {
  let tls: TlsPair | undefined;
  let plain: Recorder;
  let front: Recorder;
  beforeAll(async () => {
    tls = loopbackCertificate();
    if (!tls && process.env.CI) throw new Error('openssl is missing: scripts/setup.sh installs it');
    if (!tls) return;
    plain = await startRecorder('basic-challenge');
    front = await startRecorder({ redirect: (path) => `${plain.url}${path}` }, tls);
  });
  afterAll(async () => {
    await front?.close();
    await plain?.close();
    tls?.dispose();
  });

  it('is refused with the host named; nothing reaches the plain-HTTP host, not even without credentials', async (ctx) => {
    if (!tls) return ctx.skip();
    const env = { NODE_EXTRA_CA_CERTS: tls.certFile, SBOM_HUNT_REGISTRY_USERNAME: USER, SBOM_HUNT_REGISTRY_PASSWORD: PASSWORD };
    const run = await runCli(['scan', `${front.host}/shop/app:1`, '--sbom-sources', 'native', '--no-cache', '-f', 'json'], { env });
    const report = parse(run);
    expect(report.images.map((i) => [i.ref, i.verdict])).toEqual([[`${front.host}/shop/app:1`, 'unknown']]);
    const reasons = report.images[0]!.reasons.join('\n');
    expect(reasons).toMatch(new RegExp(`${front.host.replace(/\./g, '\\.')} redirects from HTTPS to plain HTTP \\(${plain.host.replace(/\./g, '\\.')}\\)`));
    expect(front.calls.length).toBeGreaterThan(0);
    expect(plain.calls).toEqual([]);
    expect(run.code).toBe(4);
  });
});
