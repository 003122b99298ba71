// The BuildKit link reads `--sbom=true` attestations out of an OCI layout's own index, per platform,
// and turns a missing or tampered SBOM into an error on that platform, never a clean result.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AcquireContext } from '../../../src/acquire/acquirer.js';
import { createBuildkitAcquirer } from '../../../src/acquire/attestation/buildkit.js';
import { openLocalStore } from '../../../src/acquire/native/acquirer.js';
import type { AcquiredImage, Target } from '../../../src/model/target.js';
import { buildImageLayout, type ImageSpec } from '../../helpers/image-builder.js';

const ctx: AcquireContext = { insecureRegistries: [], inputErrors: [] };
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const PKGS: Record<string, [string, string][]> = {
  amd64: [
    ['axios', '1.14.1'],
    ['lodash', '4.17.21'],
  ],
  arm64: [['lodash', '4.17.21']],
};

/** A BuildKit-style SBOM statement: plain in-toto, SPDX 2.3 predicate, subject = the platform manifest. */
function statement(subject: string, pkgs: [string, string][]) {
  return {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://spdx.dev/Document',
    subject: [{ name: 'pkg:docker/example/app@latest', digest: { sha256: subject.slice(7) } }],
    predicate: {
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'sbom',
      creationInfo: { created: '2026-03-30T12:00:00Z', creators: ['Tool: buildkit-syft-scanner'] },
      packages: pkgs.map(([name, version], i) => ({
        SPDXID: `SPDXRef-Package-${i}`,
        name,
        versionInfo: version,
        downloadLocation: 'NOASSERTION',
        externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:npm/${name}@${version}` }],
      })),
    },
  };
}

const spec = (attestations: ImageSpec['attestations']): ImageSpec => ({
  platforms: [
    { architecture: 'amd64', layers: [{ files: [{ path: 'etc/hostname', content: 'a' }] }] },
    { architecture: 'arm64', layers: [{ files: [{ path: 'etc/hostname', content: 'b' }] }] },
  ],
  attestations,
});

async function layout(attestations: ImageSpec['attestations']) {
  const dir = await mkdtemp(join(tmpdir(), 'buildkit-'));
  dirs.push(dir);
  const built = await buildImageLayout(dir, spec(attestations));
  const target: Target = { kind: 'oci-layout', ref: dir, path: dir, digest: built.indexDigest };
  return { dir, built, target };
}

const acquirer = createBuildkitAcquirer({ openStore: openLocalStore });

async function acquired(target: Target): Promise<AcquiredImage> {
  const out = await acquirer.acquire(target, ctx);
  if (!out.ok) throw new Error(`not acquired: ${out.notMine}`);
  return out.image;
}

const byArch = (image: AcquiredImage, arch: string) => image.platforms.find((p) => p.platform === `linux/${arch}`);

describe('buildkit acquirer', () => {
  it('reads each platform from its own SBOM attestation', async () => {
    const { built, target } = await layout((subject, p) => statement(subject, PKGS[p.architecture ?? '']!));
    const image = await acquired(target);
    expect(acquirer.name).toBe('buildkit');
    expect(image.digest).toBe(built.indexDigest);
    expect(image.errors).toEqual([]);
    expect(image.platforms).toHaveLength(2);
    const amd64 = byArch(image, 'amd64')!;
    expect(amd64.errors).toEqual([]);
    expect(amd64.digest).toBe(built.images[0]!.platforms[0]!.digest);
    expect(amd64.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['axios@1.14.1', 'lodash@4.17.21']);
    expect(amd64.evidence).toMatchObject({ kind: 'buildkit-attestation', verified: true, format: 'in-toto/spdx-json-2.3' });
    expect(amd64.evidence?.detail).toContain(built.indexDigest);
    // The build time comes from the platform's config, so the time-window check still has it.
    expect(amd64.created).toMatchObject({ value: '2026-03-30T12:00:00Z', reliable: true });
    const arm64 = byArch(image, 'arm64')!;
    expect(arm64.errors).toEqual([]);
    expect(arm64.packages.map((p) => p.name)).toEqual(['lodash']);
  });

  it('says not mine for an index without attestations', async () => {
    const { target } = await layout(false);
    const out = await acquirer.acquire(target, ctx);
    expect(out).toEqual({ ok: false, notMine: 'no BuildKit SBOM attestation' });
  });

  it('says not mine when the attestations hold only provenance', async () => {
    const { target } = await layout((subject) => ({ ...statement(subject, []), predicateType: 'https://slsa.dev/provenance/v0.2' }));
    const out = await acquirer.acquire(target, ctx);
    expect(out).toEqual({ ok: false, notMine: 'no BuildKit SBOM attestation' });
  });

  it('makes a platform unknown when its SBOM layer does not match its digest', async () => {
    const { dir, built, target } = await layout((subject, p) => statement(subject, PKGS[p.architecture ?? '']!));
    const amd64Digest = built.images[0]!.platforms[0]!.digest;
    const index = JSON.parse(built.blobs.get(built.indexDigest)!.toString('utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
    const att = index.manifests.find((m) => m.annotations?.['vnd.docker.reference.digest'] === amd64Digest)!;
    const layer = (JSON.parse(built.blobs.get(att.digest)!.toString('utf8')) as { layers: { digest: string }[] }).layers[0]!;
    const file = join(dir, 'blobs', 'sha256', layer.digest.slice(7));
    // Same size, other content: the axios entry is hidden, as an attacker would want.
    await writeFile(file, (await readFile(file, 'utf8')).replace('axios', 'axioz'));
    const image = await acquired(target);
    const amd64 = byArch(image, 'amd64')!;
    expect(amd64.packages).toEqual([]);
    expect(amd64.errors.join('\n')).toMatch(/arrived with digest sha256:/);
    expect(byArch(image, 'arm64')!.errors).toEqual([]);
  });

  it('makes a platform without an attestation unknown while its sibling has one', async () => {
    const { target } = await layout((subject, p) => (p.architecture === 'amd64' ? statement(subject, PKGS.amd64!) : undefined));
    const image = await acquired(target);
    expect(byArch(image, 'arm64')!.errors).toEqual(['no SBOM attestation for this platform']);
    expect(byArch(image, 'amd64')!.errors).toEqual([]);
  });

  it('rejects a statement whose subject names another platform', async () => {
    const { built, target } = await layout((subject, p) => statement(p.architecture === 'arm64' ? `sha256:${'0'.repeat(64)}` : subject, PKGS[p.architecture ?? '']!));
    const image = await acquired(target);
    expect(byArch(image, 'arm64')!.errors.join('\n')).toContain(`does not name ${built.images[0]!.platforms[1]!.digest}`);
    expect(byArch(image, 'arm64')!.packages).toEqual([]);
  });
});
