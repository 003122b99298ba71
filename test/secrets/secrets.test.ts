// Secrets never leave: a registry password, a bearer token, a credential helper's secret, a PagerDuty
// routing key and a webhook secret, set for real runs of the built CLI (every format, failures on purpose),
// must not appear in stdout, stderr, report files, the cache database, or any spawned process's arguments.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImageLayout, npmPackageFiles } from '../helpers/image-builder.js';
import { pushOciLayout } from '../helpers/push.js';
import { htpasswdAvailable, registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { installStandIns, type StandIns } from '../helpers/stand-in.js';

if (!registryAvailable) console.warn(SKIP_MESSAGE);

// Fresh values each run: a leak cannot hide behind a constant that some fixture happens to hold.
const fresh = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const USER = 'ci-reader';
const PASSWORD = fresh('RegPass');
const WRONG_PASSWORD = fresh('WrongPass');
const BEARER = fresh('BearerTok');
const IDENTITY = fresh('IdentityTok');
const HELPER_SECRET = fresh('HelperSecret');
const ROUTING_KEY = fresh('PdRoutingKey');
const WEBHOOK_SECRET = fresh('WebhookSecret');

/** Every form a secret travels in: plain, Basic header (base64 of user:secret), base64 alone, URL-encoded. */
function forms(): string[] {
  const out: string[] = [];
  for (const s of [PASSWORD, WRONG_PASSWORD, BEARER, IDENTITY, HELPER_SECRET, ROUTING_KEY, WEBHOOK_SECRET]) {
    out.push(s, Buffer.from(s).toString('base64'), encodeURIComponent(s));
    for (const u of [USER, 'helper-user']) out.push(Buffer.from(`${u}:${s}`).toString('base64'));
  }
  return out;
}

function expectNoSecret(where: string, text: string | Buffer): void {
  const haystack = Buffer.isBuffer(text) ? text.toString('latin1') : text;
  for (const s of forms()) expect(haystack.includes(s), `${where} contains a secret (${s.slice(0, 12)}...)`).toBe(false);
}

const FORMATS = ['table', 'json', 'markdown', 'sarif', 'html'];

describe.skipIf(!registryAvailable || !htpasswdAvailable)('secrets never leak', () => {
  let reg: TestRegistry;
  let dir: string;
  let stand: StandIns;
  let cacheDir: string;
  let dockerConfig: string;
  const runs: { name: string; run: CliRun }[] = [];
  const files: string[] = [];

  const secretEnv = (extra: Record<string, string> = {}) => ({
    SBOM_HUNT_REGISTRY_USERNAME: USER,
    SBOM_HUNT_REGISTRY_PASSWORD: PASSWORD,
    PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
    SBOM_HUNT_WEBHOOK_SECRET: WEBHOOK_SECRET,
    DOCKER_CONFIG: dockerConfig,
    ...extra,
  });

  async function cli(name: string, args: string[], env: Record<string, string>): Promise<CliRun> {
    const run = await runCli(args, { env });
    runs.push({ name, run });
    expect(run.stderr, `${name}: no stack trace`).not.toMatch(/\n\s+at .*:\d+:\d+/);
    return run;
  }

  beforeAll(async () => {
    reg = await startRegistry({ htpasswd: { [USER]: PASSWORD } });
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-secrets-'));
    cacheDir = join(dir, 'cache');
    dockerConfig = join(dir, 'docker');
    mkdirSync(dockerConfig);
    const layout = await buildImageLayout(join(dir, 'layout'), { ref: '1', platforms: [{ layers: [{ files: npmPackageFiles('app/node_modules', 'axios', '1.14.1') }] }] });
    await pushOciLayout(reg.url, 'private/app', layout.dir, `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`);
    // Stand-ins first on PATH: every tool sbom-hunt may spawn logs its argv (and the secrets' env, to report on).
    const logEnv = ['SBOM_HUNT_REGISTRY_PASSWORD', 'PAGERDUTY_ROUTING_KEY', 'SBOM_HUNT_WEBHOOK_SECRET'];
    const failing = { byFirstArg: { '*': { stderr: 'error: stand-in refuses', exitCode: 1 } }, logEnv };
    stand = installStandIns({
      kubectl: { byFirstArg: { '*': { stderr: 'error: You must be logged in to the server (Unauthorized)', exitCode: 1 } }, logEnv },
      syft: failing,
      grype: failing,
      cosign: failing,
      'docker-credential-sbomhunt-rec': { byFirstArg: { get: { stdout: JSON.stringify({ ServerURL: '', Username: 'helper-user', Secret: HELPER_SECRET }) } } },
    });
  });

  afterAll(async () => {
    stand?.restore();
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('scan and check with the right password, every format, to stdout and to files, with the cache on', async () => {
    const image = `registry:${reg.host}/private/app:1`;
    for (const format of FORMATS) {
      const out = join(dir, `scan.${format}`);
      files.push(out);
      const scan = await cli(`scan ${format}`, ['scan', image, '--insecure-registry', reg.host, '--cache-dir', cacheDir, '--sbom-sources', 'cache,native', '-f', format], secretEnv());
      expect(scan.code, scan.stderr).toBe(1); // affected: the password reached the registry
      if (format !== 'json' && format !== 'html') continue;
      // Every way to an SBOM, so the stand-ins for cosign, syft and grype are spawned (and fail).
      await cli(`scan ${format} -o`, ['scan', image, '--insecure-registry', reg.host, '--no-cache', '-f', format, '-o', out, '--sbom-sources', 'cosign,attestation,syft,grype,native'], secretEnv());
      const check = await cli(`check ${format}`, ['check', image, '--insecure-registry', reg.host, '--cache-dir', cacheDir, '--sbom-sources', 'cache,native', '-f', format], secretEnv());
      expect(check.code).toBe(1);
    }
    expect(existsSync(join(cacheDir, 'cache.db'))).toBe(true);
  });

  it('a wrong password, a dead host, a bearer token and a credential helper: failures name hosts, never secrets', async () => {
    const base = ['--insecure-registry', reg.host, '--insecure-registry', '127.0.0.1:1', '--cache-dir', cacheDir, '--sbom-sources', 'native', '-f', 'json'];
    const wrong = await cli('wrong password', ['scan', `registry:${reg.host}/private/app:1`, ...base], secretEnv({ SBOM_HUNT_REGISTRY_PASSWORD: WRONG_PASSWORD }));
    expect(wrong.stdout).toMatch(/unauthori[sz]ed|401/i);
    const dead = await cli('dead host', ['scan', 'registry:127.0.0.1:1/private/app:1', ...base], secretEnv());
    expect(dead.stdout).toMatch(/127\.0\.0\.1:1/);
    // docker config: a bearer token for the registry, an identity token, and a helper for another host.
    const config = join(dockerConfig, 'config.json');
    writeFileSync(config, JSON.stringify({ auths: { [reg.host]: { registrytoken: BEARER }, 'ghcr.io': { identitytoken: IDENTITY } } }));
    const envNoDirect = secretEnv({ SBOM_HUNT_REGISTRY_HOSTS: 'elsewhere.example' });
    const bearer = await cli('bearer token', ['scan', `registry:${reg.host}/private/app:1`, ...base], envNoDirect);
    expect(bearer.stdout).toMatch(/unauthori[sz]ed|401/i);
    // The helper answers with a secret the registry refuses: the failure is reported, the secret is not.
    writeFileSync(config, JSON.stringify({ credHelpers: { [reg.host]: 'sbomhunt-rec' } }));
    const helper = await cli('credential helper', ['scan', `registry:${reg.host}/private/app:1`, ...base], envNoDirect);
    expect(helper.stdout).toMatch(/unauthori[sz]ed|401/i);
    expect(stand.calls('docker-credential-sbomhunt-rec').map((c) => c.args)).toContainEqual(['get']);
  });

  it('kubectl that fails, and a sweep whose PagerDuty and webhook destinations are dead', async () => {
    const kube = await cli('kubectl fails', ['scan', 'kube:', '--kubectl', join(stand.dir, 'kubectl'), '-f', 'json', '--no-cache'], secretEnv());
    expect(kube.stdout + kube.stderr).toMatch(/Unauthorized|kubectl/);
    expect(stand.calls('kubectl').length).toBeGreaterThan(0);
    const state = join(dir, 'sweep-state.db');
    const sweep = await cli(
      'sweep, dead destinations',
      ['sweep', `registry:${reg.host}/private/app:1`, '--insecure-registry', reg.host, '--state', state, '--cache-dir', cacheDir, '--sbom-sources', 'cache,native', '-f', 'json', '--pagerduty-url', 'http://127.0.0.1:1/v2/enqueue', '--webhook', 'http://127.0.0.1:1/hook'],
      secretEnv(),
    );
    expect(sweep.code, sweep.stderr).not.toBe(0);
    files.push(state);
  });

  it('none of the runs, files, the cache database or spawned argv holds a secret', () => {
    expect(runs.length).toBeGreaterThanOrEqual(15);
    for (const { name, run } of runs) {
      expectNoSecret(`${name} stdout`, run.stdout);
      expectNoSecret(`${name} stderr`, run.stderr);
    }
    for (const f of files) if (existsSync(f)) expectNoSecret(f, readFileSync(f));
    // Every file below the cache folder, the compiled IOC cache (iocs/) included.
    for (const e of readdirSync(cacheDir, { recursive: true, withFileTypes: true })) if (e.isFile()) expectNoSecret(`cache ${e.name}`, readFileSync(join(e.parentPath, e.name)));
    const tools = ['kubectl', 'syft', 'grype', 'cosign', 'docker-credential-sbomhunt-rec'];
    for (const tool of tools) for (const call of stand.calls(tool)) expectNoSecret(`${tool} argv ${JSON.stringify(call.args)}`, call.args.join('\n'));
    // The check itself finds a secret where there is one.
    expect(() => expectNoSecret('control', `x${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}x`)).toThrow();
    // Not asserted (tools inherit the environment, as docker and kubectl plugins expect): printed for the report.
    const inherited = tools.flatMap((t) => stand.calls(t).flatMap((c) => Object.entries(c.env).filter(([, v]) => v !== '').map(([k]) => `${t}:${k}`)));
    console.log(`spawned tools: ${tools.map((t) => `${t} x${stand.calls(t).length}`).join(', ')}; secret env vars they inherited: ${[...new Set(inherited)].join(', ') || 'none'}`);
  });
});
