// Every SBOM-ish sample in ../shared/real-world decodes, and agrees with the facts jq recorded for it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PackageURL } from 'packageurl-js';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { decodeSbom, readAttestations, type DecodedSbom } from '../../src/formats/index.js';
import { parseJsonValues } from '../../src/formats/json-text.js';
import { loadExpected, realWorldDir, realWorldPath, type ExpectedFile } from './real-world.js';

const SBOM_DIRS = ['spdx', 'cyclonedx', 'syft-json', 'grype', 'cosign'];
const isSbomFile = (f: string) => SBOM_DIRS.includes(f.split('/')[0] ?? '') && /\.jsonl?$/.test(f);
const entries = loadExpected().filter((e) => isSbomFile(e.file));

if (!realWorldDir) console.warn('test/compat/formats: skipped, ../shared/real-world (with expected.json) is not beside the repo');

type Facts = Record<string, any>;
// The recorded facts count components; a component whose purl disagrees with its fields is listed once more (fromFields).
const decode = (e: ExpectedFile): DecodedSbom => {
  const d = decodeSbom(readFileSync(realWorldPath(e.file), 'utf8'), e.file);
  return { ...d, packages: d.packages.filter((p) => !p.fromFields) };
};
const count = (d: DecodedSbom, pred: (p: DecodedSbom['packages'][number]) => boolean) => d.packages.filter(pred).length;
const isNpm = (p: { purl?: string }) => (p.purl ?? '').startsWith('pkg:npm/');

function purlTypeCounts(d: DecodedSbom): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of d.packages) {
    if (!p.purl) continue;
    let type: string | undefined;
    try {
      type = PackageURL.fromString(p.purl).type;
    } catch {
      continue;
    }
    out[type] = (out[type] ?? 0) + 1;
  }
  return out;
}

function checkSpdx(d: DecodedSbom, e: ExpectedFile, f: Facts): void {
  expect(d.format).toBe(e.format);
  expect(d.packages).toHaveLength(f.packages);
  expect(purlTypeCounts(d)).toEqual(f.purlTypes);
  expect(count(d, isNpm)).toBe(f.npmPackages);
  expect(count(d, (p) => isNpm(p) && p.ecosystem === 'npm')).toBe(f.npmPackages);
  // A purl's version fills in a missing versionInfo (ko's image packages), so there may be fewer, never more.
  expect(count(d, (p) => p.version === '')).toBeLessThanOrEqual(f.packagesWithoutVersion);
}

function checkCycloneDx(d: DecodedSbom, e: ExpectedFile, f: Facts): void {
  expect(d.format).toBe(e.format);
  expect(d.packages).toHaveLength(f.totalComponents);
  expect(count(d, isNpm)).toBe(f.npmComponents);
  expect(d.subject?.name).toBe(f.metadataComponent?.name);
}

function checkSyft(d: DecodedSbom, f: Facts): void {
  expect(d.format).toBe('syft-json');
  expect(d.packages).toHaveLength(f.artifacts);
  expect(count(d, (p) => p.paths.length > 0)).toBe(f.artifactsWithLocations);
  expect(count(d, (p) => !!p.purl)).toBe(f.artifactsWithPurl);
  expect(count(d, isNpm)).toBe(f.npmArtifacts);
  expect(d.subject?.name).toBe(f.sourceName);
}

function checkGrype(d: DecodedSbom, f: Facts): void {
  expect(d.format).toBe('grype-json');
  expect(d.grypeMatches).toHaveLength(f.matches);
  expect(new Set(d.grypeMatches?.map((m) => m.id)).size).toBe(f.distinctVulnerabilities);
  expect(d.packages.length).toBeGreaterThan(0);
  expect(d.packages.length).toBeLessThanOrEqual(f.matches);
  for (const m of d.grypeMatches ?? []) {
    expect(d.packages.some((p) => p.name === m.package && p.version === m.version)).toBe(true);
  }
  expect(d.subject?.name).toBe(f.sourceTarget);
}

const SBOM_INNER = new Set(['CycloneDX', 'syft-json', 'SPDX']);
const innerCount = (p: Facts) => p.totalComponents ?? p.artifacts ?? p.packages;
const innerFormat = (p: Facts) =>
  p.innerFormat === 'CycloneDX' ? `cyclonedx-json-${p.specVersion}` : p.innerFormat === 'SPDX' ? `spdx-json-${String(p.spdxVersion).replace('SPDX-', '')}` : 'syft-json';

/** Envelope facts come in two shapes: ENVELOPE (streams, .att files) and BUNDLE (sigstore bundles). */
function envelopeFacts(f: Facts) {
  return {
    envelopes: f.envelopes ?? 1,
    signatures: f.signaturesPerEnvelope?.reduce((a: number, b: number) => a + b, 0) ?? f.dsseSignatures,
    predicateType: f.predicateTypes?.[0] ?? f.predicateType,
    payloadType: f.payloadTypes?.[0] ?? f.dssePayloadType,
    subject: f.subjects[0] as { name: string; sha256: string },
    bundle: f.mediaType !== undefined,
  };
}

function checkAttestation(e: ExpectedFile, f: Facts): void {
  const want = envelopeFacts(f);
  const predicates: Facts[] = (f.predicates ?? []).filter((p: Facts) => SBOM_INNER.has(p.innerFormat));
  if (predicates.length === 0) {
    // Not an SBOM predicate: decoding must refuse by name, and the envelopes must still read.
    expect(() => decode(e)).toThrow(InputError);
    expect(() => decode(e)).toThrow(new RegExp(`${e.file}.*${want.predicateType.replace(/[./]/g, '\\$&')}`));
    const atts = readAttestations(unwrapStream(e), e.file);
    expect(atts.filter((a) => a.envelope)).toHaveLength(want.envelopes);
    expect(atts[0]?.statement.predicateType).toBe(want.predicateType);
    return;
  }
  const d = decode(e);
  expect(d.attestation).toEqual({
    predicateType: want.predicateType,
    envelopes: want.envelopes,
    signatures: want.signatures,
    payloadType: want.payloadType,
    ...(want.bundle ? { bundle: true } : {}),
  });
  expect(d.format).toBe(`in-toto/${[...new Set(predicates.map(innerFormat))].join('+')}`);
  expect(d.packages).toHaveLength(predicates.reduce((n, p) => n + innerCount(p), 0));
  expect(d.subject?.digest).toBe(`sha256:${want.subject.sha256}`);
  if (want.subject.name) expect(d.subject?.name).toBe(want.subject.name);
}

function unwrapStream(e: ExpectedFile): unknown {
  const values = parseJsonValues(readFileSync(realWorldPath(e.file), 'utf8'), e.file);
  return values.length === 1 ? values[0] : values;
}

describe.skipIf(!realWorldDir)('real-world SBOMs decode to the recorded facts', () => {
  it('has recorded facts for every SBOM-ish sample on disk', () => {
    const onDisk = SBOM_DIRS.flatMap((dir) => readdirSync(realWorldPath(dir)).map((f) => `${dir}/${f}`)).filter(isSbomFile);
    expect(onDisk.length).toBeGreaterThan(0);
    expect(entries.map((e) => e.file).sort()).toEqual(onDisk.sort());
  });

  it.each(entries.map((e) => [e.file, e] as const))('%s', (_file, e) => {
    const f = e.facts as Facts;
    switch (path.dirname(e.file)) {
      case 'spdx':
        return checkSpdx(decode(e), e, f);
      case 'cyclonedx':
        return checkCycloneDx(decode(e), e, f);
      case 'syft-json':
        return checkSyft(decode(e), f);
      case 'grype':
        return checkGrype(decode(e), f);
      default:
        return checkAttestation(e, f);
    }
  });
});
