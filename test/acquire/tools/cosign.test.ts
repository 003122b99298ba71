import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resetCosignVersion } from '../../../src/adapters/cosign.js';
import { setToolRecorder, type RecordedRun } from '../../../src/adapters/exec.js';
import type { AcquireContext } from '../../../src/acquire/acquirer.js';
import { cosignAcquirer } from '../../../src/acquire/cosign.js';
import { acquireTarget } from '../../../src/acquire/index.js';
import type { Target } from '../../../src/model/target.js';
import { installStandIns, realWorldOrSkip, type Behaviour, type StandIns } from '../../helpers/stand-in.js';

const CENTOS = 'sha256:be65f488b7764ad3638f236b7b515b3678369a5124c47b8d32916d6487418ea4';
const HELLO = 'sha256:20d3f693dcffa44d6b24eae88783324d25cc132c22089f70e4fbfb858625b062';
const reg = (digest: string | undefined): Target => ({
  kind: 'registry',
  ref: `ghcr.io/o/app@${digest}`,
  registry: 'ghcr.io',
  repository: 'o/app',
  ...(digest ? { digest } : { tag: 'latest' }),
});
const ctx = (): AcquireContext => ({ insecureRegistries: [], inputErrors: [] });
const policy = { key: '/k/cosign.pub' };
const VERSION: Behaviour = { stdout: '{"gitVersion":"v2.4.1","gitCommit":"0000000","platform":"linux/amd64"}' };
const NONE: Behaviour = { stderr: 'Error: no matching attestations: \nmain.go:74: error during command execution: no matching attestations:', exitCode: 1 };
const rw = realWorldOrSkip('cosign acquirer with recorded verify-attestation output');

let standIns: StandIns | undefined;
afterEach(() => {
  standIns?.restore();
  standIns = undefined;
  setToolRecorder(undefined);
  resetCosignVersion();
});

function cosign(verify: Behaviour, spdx: Behaviour = NONE): StandIns {
  return installStandIns({ cosign: { byFirstArg: { version: VERSION, 'verify-attestation': verify }, whenArg: [{ arg: 'spdxjson', then: spdx }] } });
}

describe('cosign acquirer: what it does not take', () => {
  // An OCI layout is never cosign's (`applies: false`, left out of an unknown's reason); an unpinned registry image could be.
  it.each<[Target, typeof policy | undefined, object]>([
    [reg(undefined), policy, { notMine: 'cosign needs a registry image pinned by digest' }],
    [{ kind: 'oci-layout', ref: 'x', path: '/l', digest: CENTOS }, policy, { notMine: 'cosign reads registry images', applies: false }],
    [reg(CENTOS), undefined, { notMine: 'no --key or certificate identity given to verify attestations with' }],
  ])('%j with policy %j', async (target, p, reason) => {
    expect(await cosignAcquirer(p ? { policy: p } : {}).acquire(target, ctx())).toEqual({ ok: false, ...reason });
  });
});

describe.skipIf(!rw)('cosign acquirer with a stand-in', () => {
  const file = (f: string) => path.join(rw!, 'cosign', f);

  it('reads the verified SBOM from real verify-attestation output, with the exact command line', async () => {
    standIns = cosign({ stdoutFile: file('trivy-verify-attestation-centos-7-cyclonedx.intoto.jsonl') });
    const recorded: RecordedRun[] = [];
    setToolRecorder((r) => recorded.push(r));
    const outcome = await cosignAcquirer({ policy }).acquire(reg(CENTOS), ctx());
    if (!outcome.ok) throw new Error(outcome.notMine);
    expect(recorded[0]!.args).toEqual(['verify-attestation', '--type', 'cyclonedx', '--key', '/k/cosign.pub', `ghcr.io/o/app@${CENTOS}`]);
    const p = outcome.image.platforms[0]!;
    expect(p.packages.map((x) => `${x.name}@${x.version}`)).toEqual(expect.arrayContaining(['bash@4.2.46-31.el7', 'openssl-libs@1.0.2k-16.el7']));
    expect(p.evidence).toEqual({
      kind: 'cosign',
      verified: true,
      format: 'in-toto/cyclonedx-json-1.4',
      detail: 'cosign v2.4.1 verify-attestation --type cyclonedx, key /k/cosign.pub',
    });
    expect(p.created).toMatchObject({ value: '2022-06-14T15:08:48+00:00', source: 'attested SBOM creation time', reliable: true });
    expect(outcome.image.errors).toEqual([]);
  });

  it('reads old cosign output: a pretty-printed envelope with the {Data} predicate wrapper', async () => {
    standIns = cosign({ stdoutFile: file('trivy-verify-attestation-cosign-Data-wrapper.cdx.intoto.jsonl') });
    const outcome = await cosignAcquirer({ policy }).acquire(reg(HELLO), ctx());
    if (!outcome.ok) throw new Error(outcome.notMine);
    expect(outcome.image.platforms[0]!.packages.length).toBeGreaterThan(0);
    expect(outcome.image.platforms[0]!.evidence?.verified).toBe(true);
  });

  it('refuses a verified statement about another image', async () => {
    standIns = cosign({ stdoutFile: file('trivy-verify-attestation-centos-7-cyclonedx.intoto.jsonl') });
    const outcome = await cosignAcquirer({ policy }).acquire(reg(HELLO), ctx());
    expect(outcome).toEqual({
      ok: true,
      image: { ref: `ghcr.io/o/app@${HELLO}`, digest: HELLO, platforms: [], errors: [`cosign: attestation subject ${CENTOS} is not the image ${HELLO}`] },
    });
  });

  it('tries spdxjson after cyclonedx, and steps aside when neither verifies', async () => {
    standIns = cosign(NONE, { stderr: 'Error: none of the attestations matched the predicate type: spdxjson, found: https://slsa.dev/provenance/v0.2', exitCode: 1 });
    const outcome = await cosignAcquirer({ policy }).acquire(reg(CENTOS), ctx());
    expect(outcome).toEqual({ ok: false, notMine: 'no cyclonedx or spdxjson attestation verified under key /k/cosign.pub' });
    expect(standIns.calls('cosign').map((c) => c.args[2])).toEqual(['cyclonedx', 'spdxjson']);
  });

  it.each([
    ['a registry failure', { stderr: 'Error: GET https://ghcr.io/v2/o/app/manifests/sha256-be65.att: UNAUTHORIZED', exitCode: 1 }, 'exited with code 1: Error: GET https://ghcr.io/v2/o/app/manifests/sha256-be65.att: UNAUTHORIZED'],
    ['garbage on stdout', { stdout: 'Verification for ghcr.io/o/app --\nThe following checks were performed' }, `cosign verify-attestation --type cyclonedx ghcr.io/o/app@${CENTOS}:`],
    ['a hang past the timeout', { hang: true }, 'timed out after 300ms'],
  ])('%s leaves the image to the next link, and is its reason when no link takes it', async (_n, behaviour, text) => {
    standIns = cosign(behaviour);
    const image = await acquireTarget(reg(CENTOS), ctx(), [cosignAcquirer({ policy, timeoutMs: 300 })]);
    expect(image.platforms).toEqual([]);
    expect(image.errors).toHaveLength(1);
    expect(image.errors[0]).toMatch(/^cosign: .*\(no SBOM source could read it\)$/);
    expect(image.errors[0]).toContain(text);
  });
});
