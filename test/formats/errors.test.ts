// Bad inputs: each refusal is an InputError that names the file, says what is wrong, and where when it can.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { decodeSbom } from '../../src/formats/index.js';
import { readFixture } from './fixtures.js';

const CASES: { fixture: string; message: RegExp; line?: number; field?: string }[] = [
  { fixture: 'empty', message: /empty file/ },
  { fixture: 'not-json', message: /not valid JSON/ },
  { fixture: 'truncated', message: /truncated JSON/, line: 14 },
  { fixture: 'bad-comma', message: /not valid JSON/, line: 4 },
  { fixture: 'unknown-format', message: /not an SBOM format I know/ },
  { fixture: 'spdx-3.0-version', message: /SPDX 3\.0 is not supported \(supported: 2\.2, 2\.3\)/ },
  { fixture: 'cyclonedx-2.0', message: /CycloneDX specVersion 2\.0 is not supported \(supported: 1\.2, 1\.3, 1\.4, 1\.5, 1\.6, 1\.7\)/ },
  // Recognised but not read: named, never "not valid JSON".
  { fixture: 'cyclonedx-xml-1.1', message: /^CycloneDX XML 1\.1 is not supported \(supported: 1\.2,/ },
  { fixture: 'xml-not-sbom', message: /^XML with root element <project> is not an SBOM format I know/ },
  { fixture: 'xml-billion-laughs', message: /DOCTYPE or entity declarations is not read/, line: 2 },
  { fixture: 'yaml-alias-bomb', message: /alias/i },
  { fixture: 'spdx-tag-value-bad-line', message: /not an SPDX tag-value line.*PackageVersion 1\.14\.1/, line: 8 },
  { fixture: 'syft-schema-99', message: /syft JSON schema 99\.0\.0 is not supported/ },
  { fixture: 'in-toto-statement-v2', message: /Statement\/v2 is not supported/, field: '_type' },
  { fixture: 'dsse-not-in-toto', message: /payloadType application\/vnd\.dev\.cosign\.simplesigning\.v1\+json is not supported/ },
];

describe('decodeSbom refuses bad input by name', () => {
  it.each(CASES)('$fixture', ({ fixture, message, line, field }) => {
    const { file, text } = readFixture(fixture);
    let caught: unknown;
    try {
      decodeSbom(text, file);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    const err = caught as InputError;
    expect(err.file).toBe(file);
    expect(err.message.startsWith(file)).toBe(true);
    expect(err.detail).toMatch(message);
    expect(err.line).toBe(line);
    expect(err.field).toBe(field);
  });

  it('tells "unknown format" apart from "known format, unsupported version"', () => {
    const unknown = readFixture('unknown-format');
    const unsupported = readFixture('cyclonedx-2.0');
    expect(() => decodeSbom(unknown.text, unknown.file)).toThrow(/not an SBOM format I know/);
    expect(() => decodeSbom(unsupported.text, unsupported.file)).not.toThrow(/not an SBOM format I know/);
  });

  it('names the field a known format gets wrong', () => {
    const doc = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ name: 'axios', version: 1141 }] });
    expect(() => decodeSbom(doc, 'bad.cdx.json')).toThrow(/^bad\.cdx\.json \(components\.0\.version\): not a valid CycloneDX document/);
  });

  it('refuses an attestation whose predicate is not an SBOM, naming the predicate type', () => {
    const statement = { _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://slsa.dev/provenance/v1', subject: [], predicate: { buildDefinition: {} } };
    expect(() => decodeSbom(JSON.stringify(statement), 'prov.intoto.json')).toThrow(/holds no SBOM.*slsa\.dev\/provenance\/v1/);
  });

  it('refuses a stream of several values that are not all attestations', () => {
    expect(() => decodeSbom('{"a":1}\n{"b":2}\n', 'two.json')).toThrow(/not an SBOM format I know/);
  });
});
