// One image's SBOM written in every syntax a format has (CycloneDX JSON 1.2-1.7 and XML, SPDX JSON, YAML,
// tag-value and 3.0 JSON-LD) decodes to the same packages as its JSON twin; hostile XML and YAML are refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { decodeSbom, type DecodedSbom } from '../../src/formats/index.js';
import { readFixture } from './fixtures.js';

const rows = (d: DecodedSbom) => d.packages.map((p) => [p.ecosystem, p.name, p.version, p.purl, p.paths]);
const decodeFixture = (name: string) => {
  const { file, text } = readFixture(name);
  return decodeSbom(text, file);
};
const withoutPaths = (d: DecodedSbom) => rows(d).map(([e, n, v, purl]) => [e, n, v, purl, []]);

describe('every syntax of a format reads the same packages as its JSON twin', () => {
  const cdx = decodeFixture('node-app-axios-cyclonedx-1.6');
  const spdx = decodeFixture('node-app-axios-spdx-2.3');

  it.each([
    ['node-app-axios-cyclonedx-1.3', 'cyclonedx-json-1.3', true],
    ['node-app-axios-cyclonedx-xml-1.6', 'cyclonedx-xml-1.6', true],
    // 1.2 has no properties, so no locations; the prefixed XML namespace (`bom:`) reads the same.
    ['node-app-axios-cyclonedx-1.2', 'cyclonedx-json-1.2', false],
    ['node-app-axios-cyclonedx-xml-1.2', 'cyclonedx-xml-1.2', false],
  ])('%s', (fixture, format, paths) => {
    const d = decodeFixture(fixture);
    expect(d.format).toBe(format);
    expect(rows(d)).toEqual(paths ? rows(cdx) : withoutPaths(cdx));
    expect(rows(d).length).toBe(12);
    expect(d.subject).toEqual(cdx.subject);
    expect(d.created).toBe(cdx.created);
  });

  it.each([
    ['node-app-axios-spdx-2.3-tag-value', 'spdx-tag-value-2.3'],
    ['node-app-axios-spdx-2.3-yaml', 'spdx-yaml-2.3'],
    ['node-app-axios-spdx-3.0-jsonld', 'spdx-jsonld-3.0'],
    ['node-app-axios-spdx-2.3-rdf', 'spdx-rdf-2.3'],
  ])('%s', (fixture, format) => {
    const d = decodeFixture(fixture);
    expect(d.format).toBe(format);
    expect(rows(d)).toEqual(rows(spdx));
    expect(d.subject).toEqual(spdx.subject);
    expect(d.created).toBe(spdx.created);
  });

  it('an apk purl written with &amp; in XML reads as the JSON one', () => {
    const purls = decodeFixture('node-app-axios-cyclonedx-xml-1.6').packages.map((p) => p.purl ?? '');
    expect(purls.filter((p) => p.includes('&distro=')).length).toBe(2);
  });

  it('a minimal SPDX RDF/XML document: the package the document describes', () => {
    const d = decodeFixture('spdx-2.3-rdf-xml');
    expect(d.format).toBe('spdx-rdf-2.3');
    expect(rows(d)).toEqual([['', 'axios', '1.14.1', undefined, []]]);
    expect(d.subject).toEqual({ name: 'axios', version: '1.14.1' });
  });

  it('RDF that is not SPDX is named, not read', () => {
    const rdf = '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="x"/></rdf:RDF>\n';
    expect(() => decodeSbom(rdf, 'other.rdf')).toThrow(/XML with root element <rdf:RDF> is not an SBOM format I know/);
  });

  it('a bare SPDX 3 graph (no ids, no document) still gives its package', () => {
    const d = decodeFixture('spdx-3.0-jsonld');
    expect(d.format).toBe('spdx-jsonld-3.0');
    expect(rows(d)).toEqual([['', 'axios', '1.14.1', undefined, []]]);
  });

  it('YAML keeps a version string as written (failsafe schema: 1.10 is not 1.1)', () => {
    const yaml = 'spdxVersion: SPDX-2.3\nname: web\npackages:\n  - name: lib\n    SPDXID: SPDXRef-lib\n    versionInfo: 1.10\n    filesAnalyzed: false\n';
    expect(rows(decodeSbom(yaml, 'v.spdx.yaml'))).toEqual([['', 'lib', '1.10', undefined, []]]);
  });
});

/** A component as CycloneDX XML, escaped as an XML writer would. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  // Writers differ on non-ASCII: some write it as is, some as character references, decimal or hex.
  .replace(/é/g, '&#233;').replace(/😀/gu, '&#x1F600;');
interface Gen { name: string; version: string; path: string }
function asXml(cs: Gen[]): string {
  const body = cs.map((c) => `<component type="library"><name>${esc(c.name)}</name><version>${esc(c.version)}</version>`
    + `<properties><property name="syft:location:0:path">${esc(c.path)}</property></properties></component>`).join('\n');
  return `<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><components>${body}</components></bom>\n`;
}
function asJson(cs: Gen[]): string {
  return JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: cs.map((c) => ({
    type: 'library', name: c.name, version: c.version, properties: [{ name: 'syft:location:0:path', value: c.path }],
  })) });
}

describe('generated CycloneDX documents: XML and JSON agree', () => {
  // Printable text with XML's special characters; XML cannot carry most control characters, and trims element text.
  const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '.', '-', '&', '<', '>', '"', "'", ';', '#', ' ', 'é', '😀', ']]>'), minLength: 1 })
    .map((s) => s.trim()).filter((s) => s.length > 0);
  const gen = fc.record({ name: text, version: text, path: text.map((s) => `/app/${s}`) });
  it('decodes the same rows', () => {
    fc.assert(fc.property(fc.array(gen, { maxLength: 6 }), (cs) => {
      const x = decodeSbom(asXml(cs), 'g.cdx.xml');
      const j = decodeSbom(asJson(cs), 'g.cdx.json');
      expect(rows(x)).toEqual(rows(j));
    }), { numRuns: Number(process.env.FUZZ_RUNS ?? 200) });
  });
});

describe('hostile XML and YAML', () => {
  const refuses = (text: string, file: string, message: RegExp) => {
    let caught: unknown;
    try {
      decodeSbom(text, file);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).detail).toMatch(message);
  };

  it('a deep nest of 100,000 components is refused by name, not a stack overflow', () => {
    const n = 100_000;
    const xml = `<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>${'<component><name>a</name><components>'.repeat(n)}${'</components></component>'.repeat(n)}</components></bom>`;
    refuses(xml, 'deep.cdx.xml', /nested more than 512 levels/);
  });

  it('an external entity is never fetched or read: the DOCTYPE is refused', () => {
    const xxe = '<?xml version="1.0"?>\n<!DOCTYPE bom [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component><name>&x;</name></component></components></bom>';
    refuses(xxe, 'xxe.cdx.xml', /DOCTYPE/);
  });

  it('broken XML names its line', () => {
    const { file } = readFixture('node-app-axios-cyclonedx-xml-1.6');
    const text = readFixture('node-app-axios-cyclonedx-xml-1.6').text.replace('</version>', '</versio>');
    expect(() => decodeSbom(text, file)).toThrow(/:\d+: not valid XML/);
  });

  it('a deep YAML nest is refused, not a crash', () => {
    const yaml = `spdxVersion: SPDX-2.3\npackages: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    refuses(yaml, 'deep.spdx.yaml', /YAML nested too deeply/);
  });

  it('CycloneDX in YAML is named, not decoded as if it were a format', () => {
    refuses('bomFormat: CycloneDX\nspecVersion: "1.6"\ncomponents: []\n', 'cdx.yaml', /cyclonedx-1\.6 in YAML is not an SBOM format I know/);
  });
});

describe('the subject: what the SBOM says it describes', () => {
  const hex = '0cf0a71d236ebcb051d69dc461df3ab9b32989455e091448f96dbd4c32859879';
  const purl = `pkg:oci/payments-api@sha256%3A${hex}?repository_url=registry.example.com%2Fshop%2Fpayments-api`;
  it('CycloneDX metadata.component: name, version, purl (its digest), hashes in one spelling', () => {
    const doc = { bomFormat: 'CycloneDX', specVersion: '1.6', metadata: { component: { type: 'container', name: 'registry.example.com/shop/payments-api', version: '1.4.2', purl, hashes: [{ alg: 'SHA-256', content: 'AB'.repeat(32) }, { alg: 'MD5', content: 'not hex' }] } } };
    expect(decodeSbom(JSON.stringify(doc), 'c.json').subject).toEqual({
      name: 'registry.example.com/shop/payments-api', version: '1.4.2', digest: `sha256:${hex}`, purl, hashes: [`sha256:${'ab'.repeat(32)}`],
    });
  });

  it('SPDX: the described package with its checksums, in JSON and tag-value alike', () => {
    const json = { spdxVersion: 'SPDX-2.3', name: 'doc', documentDescribes: ['SPDXRef-img'], packages: [{ SPDXID: 'SPDXRef-img', name: 'payments-api', versionInfo: '1.4.2', checksums: [{ algorithm: 'SHA256', checksumValue: hex }] }] };
    const tv = `SPDXVersion: SPDX-2.3\nDocumentName: doc\nSPDXID: SPDXRef-DOCUMENT\nPackageName: payments-api\nSPDXID: SPDXRef-img\nPackageVersion: 1.4.2\nPackageChecksum: SHA256: ${hex}\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-img\n`;
    const want = { name: 'payments-api', version: '1.4.2', hashes: [`sha256:${hex}`] };
    expect(decodeSbom(JSON.stringify(json), 's.json').subject).toEqual(want);
    expect(decodeSbom(tv, 's.spdx').subject).toEqual(want);
  });

  it('SPDX 3: the root package through the Sbom element, with verifiedUsing', () => {
    const doc = { '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', '@graph': [
      { type: 'SpdxDocument', spdxId: 'd', rootElement: ['s'] },
      { type: 'software_Sbom', spdxId: 's', rootElement: ['p'] },
      { type: 'software_Package', spdxId: 'p', name: 'payments-api', software_packageVersion: '1.4.2', software_packageUrl: purl, verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: hex }] },
    ] };
    expect(decodeSbom(JSON.stringify(doc), 's3.json').subject).toEqual({ name: 'payments-api', version: '1.4.2', digest: `sha256:${hex}`, purl, hashes: [`sha256:${hex}`] });
  });
});
