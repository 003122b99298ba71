// Hand-made fixtures: what each decoder returns, package by package.
import { describe, expect, it } from 'vitest';
import { decodeSbom, type DecodedSbom } from '../../src/formats/index.js';
import { readFixture } from './fixtures.js';

type Row = [ecosystem: string, name: string, version: string, paths?: string[]];

interface Case {
  fixture: string;
  format: string;
  packages: Row[];
  subject?: DecodedSbom['subject'];
  created?: string;
  attestation?: DecodedSbom['attestation'];
}

const DIGEST = 'sha256:0cf0a71d236ebcb051d69dc461df3ab9b32989455e091448f96dbd4c32859879';
const IMAGE = 'registry.example.com/shop/web';
const CREATED = '2026-03-31T01:12:44Z';
const nm = (name: string) => [`/app/node_modules/${name}/package.json`];
const AXIOS_PAIR: Row[] = [
  ['npm', 'axios', '1.14.1', []],
  ['npm', 'plain-crypto-js', '4.2.1', []],
];
const NODE_APP: Row[] = [
  ['npm', 'axios', '1.14.1', nm('axios')],
  ['npm', 'plain-crypto-js', '4.2.1', nm('plain-crypto-js')],
  ['npm', 'follow-redirects', '1.15.9', nm('follow-redirects')],
  ['npm', 'form-data', '4.0.4', nm('form-data')],
  ['npm', 'proxy-from-env', '1.1.0', nm('proxy-from-env')],
  ['npm', 'express', '4.21.2', nm('express')],
  ['npm', '@types/axios', '0.14.4', nm('@types/axios')],
  ['npm', 'axios-mock-adapter', '1.14.1', nm('axios-mock-adapter')],
  ['npm', 'npm', '10.9.2', ['/usr/local/lib/node_modules/npm/package.json']],
  ['apk', 'musl', '1.2.5-r9', ['/lib/apk/db/installed']],
  ['apk', 'busybox', '1.37.0-r12', ['/lib/apk/db/installed']],
];
const IMAGE_PACKAGE: Row = ['oci', 'web', DIGEST, []];
const IMAGE_PURL = `pkg:oci/web@sha256%3A${DIGEST.slice(7)}?arch=amd64&repository_url=registry.example.com%2Fshop%2Fweb&tag=1.4.2`;

const CASES: Case[] = [
  {
    fixture: 'node-app-axios-spdx-2.3',
    format: 'spdx-json-2.3',
    packages: [IMAGE_PACKAGE, ...NODE_APP],
    subject: { name: IMAGE, digest: DIGEST, purl: IMAGE_PURL },
    created: CREATED,
  },
  {
    fixture: 'node-app-axios-cyclonedx-1.6',
    format: 'cyclonedx-json-1.6',
    packages: [...NODE_APP, ['', 'alpine', '3.21.3', []]],
    subject: { name: `${IMAGE}:1.4.2`, digest: DIGEST },
    created: CREATED,
  },
  {
    // Tern-style: creators as a string, filesAnalyzed as a string, a purl without a version.
    fixture: 'no-versions',
    format: 'spdx-json-2.3',
    packages: [['npm', 'axios', ''], ['', 'layer-1', '']],
    subject: { name: 'web' },
    created: CREATED,
  },
  {
    // Counts equal the document: duplicates are merged later, not here.
    fixture: 'duplicate-packages',
    format: 'cyclonedx-json-1.4',
    packages: [
      ['npm', 'axios', '1.14.1', nm('axios')],
      ['npm', 'axios', '1.14.1', ['/srv/node_modules/axios/package.json']],
      ['npm', 'axios', '1.14.1', nm('axios')],
    ],
  },
  {
    fixture: 'purl-identities',
    format: 'cyclonedx-json-1.7',
    packages: [
      ['npm', '@babel/core', '7.26.0'],
      ['maven', 'org.apache.commons:commons-text', '1.10.0'],
      ['go', 'github.com/sirupsen/logrus', 'v1.9.3'],
      ['apk', 'musl', '1.2.3-r0'],
      ['apk', 'libssl3', '3.0.8-r0'],
      ['deb', 'openssl', '3.0.15-1~deb12u1'],
      ['pypi', 'requests', '2.32.3'],
      ['gem', 'rack', '3.1.8'],
      ['cargo', 'serde', '1.0.215'],
      // ko's empty-named purl and a non-purl fall back to the component's own fields.
      ['', 'ko-module', 'v0.0.0'],
      ['', 'not-a-purl', '1.0.0'],
      ['', '@acme/bare', '2.0.0'],
    ],
  },
  {
    // syft's sourceInfo lists two manifests; trivy's root-relative File via CONTAINS becomes absolute.
    fixture: 'npm-with-path',
    format: 'spdx-json-2.2',
    packages: [
      ['npm', 'axios', '1.14.1', [...nm('axios'), '/srv/node_modules/axios/package.json']],
      ['npm', 'plain-crypto-js', '4.2.1', nm('plain-crypto-js')],
    ],
    subject: { name: 'web' },
    created: CREATED,
  },
  {
    fixture: 'spdx-package-manager-underscore',
    format: 'spdx-json-2.3',
    packages: AXIOS_PAIR,
    subject: { name: 'web' },
    created: CREATED,
  },
  {
    // Schema 1.x shape: source.target; path, realPath and accessPath all kept; go type without purl.
    fixture: 'syft-npm-locations',
    format: 'syft-json',
    packages: [
      ['npm', 'axios', '1.14.1', [...nm('axios'), '/usr/lib/app/node_modules/axios/package.json', '/app/current/node_modules/axios/package.json']],
      ['go', 'golang.org/x/net', 'v0.33.0', ['/usr/local/bin/web']],
    ],
    subject: { name: 'web:1.4.2', digest: DIGEST },
  },
  {
    fixture: 'nested-cyclonedx',
    format: 'cyclonedx-json-1.5',
    packages: [
      ['npm', 'web', '1.4.2'],
      ['npm', 'axios', '1.14.1'],
      ['npm', 'plain-crypto-js', '4.2.1'],
      ['npm', 'express', '4.21.2'],
      ['npm', 'lodash', '4.17.21'],
    ],
  },
  {
    // cosign's old wrapper with the SBOM as a JSON string; its Timestamp stands in for the creation time.
    fixture: 'dsse-data-string',
    format: 'in-toto/cyclonedx-json-1.5',
    packages: AXIOS_PAIR,
    subject: { name: IMAGE, digest: DIGEST },
    created: '2026-03-31T02:00:00Z',
    attestation: { predicateType: 'https://cyclonedx.org/bom', envelopes: 1, signatures: 1, payloadType: 'application/vnd.in-toto+json' },
  },
  {
    // Two pretty-printed envelopes: a vulnerability report (skipped) and the SBOM.
    fixture: 'dsse-stream',
    format: 'in-toto/cyclonedx-json-1.5',
    packages: AXIOS_PAIR,
    subject: { name: IMAGE, digest: DIGEST },
    attestation: { predicateType: 'https://cyclonedx.org/bom', envelopes: 2, signatures: 3, payloadType: 'application/vnd.in-toto+json' },
  },
  {
    fixture: 'sigstore-bundle-spdx',
    format: 'in-toto/spdx-json-2.3',
    packages: [IMAGE_PACKAGE, ...NODE_APP],
    subject: { name: IMAGE, digest: DIGEST, purl: IMAGE_PURL },
    created: CREATED,
    attestation: {
      predicateType: 'https://spdx.dev/Document/v2.3',
      envelopes: 1,
      signatures: 1,
      payloadType: 'application/vnd.in-toto+json',
      bundle: true,
    },
  },
];

describe('decodeSbom on hand-made fixtures', () => {
  it.each(CASES)('$fixture', (c) => {
    const { file, text } = readFixture(c.fixture);
    const d = decodeSbom(text, file);
    expect(d.format).toBe(c.format);
    const rows = d.packages.map((p) => [p.ecosystem, p.name, p.version, p.paths]);
    expect(rows).toEqual(c.packages.map(([e, n, v, paths]) => [e, n, v, paths ?? []]));
    expect(d.subject).toEqual(c.subject);
    expect(d.created).toBe(c.created);
    expect(d.attestation).toEqual(c.attestation);
  });

  it('keeps the purl as written, so later stages can show it', () => {
    const { file, text } = readFixture('purl-identities');
    const purls = decodeSbom(text, file).packages.map((p) => p.purl);
    expect(purls[0]).toBe('pkg:npm/%40babel/core@7.26.0');
    expect(purls[9]).toBe('pkg:golang/@?type=module');
    expect(purls[11]).toBeUndefined();
  });

  it('drops a redacted timestamp rather than pass a non-date on as the creation time', () => {
    const doc = { bomFormat: 'CycloneDX', specVersion: '1.6', metadata: { timestamp: 'timestamp:redacted' }, components: [] };
    expect(decodeSbom(JSON.stringify(doc), 'golden.cdx.json').created).toBeUndefined();
    doc.metadata.timestamp = '2026-03-31T00:00:00Z';
    expect(decodeSbom(JSON.stringify(doc), 'golden.cdx.json').created).toBe('2026-03-31T00:00:00Z');
  });

  it('grype: one package per artifact (by id, else purl), every match kept for corroboration', () => {
    const { file, text } = readFixture('grype-npm');
    const d = decodeSbom(text, file);
    expect(d.format).toBe('grype-json');
    expect(d.packages.map((p) => [p.ecosystem, p.name, p.version, p.paths])).toEqual([
      ['npm', 'axios', '1.14.1', nm('axios')],
      ['npm', 'plain-crypto-js', '4.2.1', nm('plain-crypto-js')],
    ]);
    expect(d.grypeMatches).toEqual([
      { id: 'GHSA-fw8c-xr5c-95f9', package: 'axios', version: '1.14.1' },
      { id: 'MAL-2026-2307', package: 'axios', version: '1.14.1' },
      { id: 'MAL-2026-2306', package: 'plain-crypto-js', version: '4.2.1' },
      { id: 'GHSA-2x9r-6wxq-hrr7', package: 'plain-crypto-js', version: '4.2.1' },
    ]);
    expect(d.subject).toEqual({ name: `${IMAGE}:1.4.2`, digest: DIGEST });
    expect(d.created).toBe('2026-03-31T03:00:00Z');
  });
});
