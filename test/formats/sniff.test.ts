// The cheap sniff: which format a parsed document is in, before any decoding.
import { describe, expect, it } from 'vitest';
import { sniffSbomFormat } from '../../src/formats/index.js';

const envelope = { payloadType: 'application/vnd.in-toto+json', payload: 'e30=', signatures: [] };

describe('sniffSbomFormat', () => {
  it.each([
    ['SPDX 2.3', { spdxVersion: 'SPDX-2.3', packages: [] }, 'spdx-json-2.3'],
    ['SPDX 2.2', { spdxVersion: 'SPDX-2.2' }, 'spdx-json-2.2'],
    ['SPDX 3 JSON-LD', { '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', '@graph': [] }, 'spdx-jsonld-3.0'],
    ['CycloneDX 1.7', { bomFormat: 'CycloneDX', specVersion: '1.7' }, 'cyclonedx-json-1.7'],
    ['CycloneDX without specVersion', { bomFormat: 'CycloneDX' }, 'cyclonedx-json-unknown'],
    ['syft with schema', { artifacts: [], schema: { version: '16.0.39', url: 'https://raw.githubusercontent.com/anchore/syft/main/schema/json/schema-16.0.39.json' } }, 'syft-json'],
    ['syft golden, no schema key', { artifacts: [], artifactRelationships: [], descriptor: { name: 'syft' } }, 'syft-json'],
    ['syft schema too new', { artifacts: [], descriptor: { name: 'syft' }, schema: { version: '17.0.0' } }, 'syft-json-17.0.0'],
    ['grype', { matches: [], source: { type: 'image' }, descriptor: { name: 'grype' } }, 'grype-json'],
    ['DSSE envelope', envelope, 'in-toto'],
    ['Sigstore bundle', { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', dsseEnvelope: envelope }, 'in-toto'],
    ['bare statement', { _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://spdx.dev/Document', predicate: {} }, 'in-toto'],
    ['stream of envelopes', [envelope, envelope], 'in-toto'],
  ])('%s', (_name, doc, want) => {
    expect(sniffSbomFormat(doc)).toBe(want);
  });

  it.each([
    ['package-lock', { name: 'web', lockfileVersion: 3, packages: {} }],
    ['artifacts from something else', { artifacts: [{ name: 'x' }] }],
    ['matches from something else', { matches: [] }],
    ['an array of numbers', [1, 2]],
    ['an empty array', []],
    ['a string', 'SPDX-2.3'],
    ['null', null],
  ])('not a format: %s', (_name, doc) => {
    expect(sniffSbomFormat(doc)).toBeUndefined();
  });
});
