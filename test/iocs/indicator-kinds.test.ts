// The v1 format's indicator kinds beyond package versions: files, images, tarball integrity, and ecosystem checks.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseIocFile } from '../../src/iocs/index.js';

const HEX = 'ab'.repeat(32);
const DIGEST = `sha256:${'cd'.repeat(32)}`;

function incidentYaml(body: string): string {
  return `apiVersion: sbom-hunt/v1\nincidents:\n  - id: x\n${body}`;
}

function errorOf(text: string): InputError {
  try {
    parseIocFile(text, 'inline.yaml');
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('files, images and integrity load', () => {
  it('reads each kind, normalised', () => {
    const [inc] = parseIocFile(
      incidentYaml(
        [
          '    files:',
          `      - {path: "/usr/**/site-packages/litellm_init.pth", sha256: "sha256:${HEX.toUpperCase()}", size: 34628}`,
          '      - {path: /app/bundle.js}',
          '    images:',
          `      - {ref: aquasec/trivy:0.69.4, layers: ["${DIGEST}"]}`,
          `      - {ref: "ghcr.io/a/b:1@${DIGEST}"}`,
          '    packages:',
          '      - {ecosystem: npm, name: axios, integrity: ["sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "' + 'ef'.repeat(20) + '"]}',
        ].join('\n') + '\n',
      ),
      'inline.yaml',
    );
    expect(inc!.files).toEqual([{ path: '/usr/**/site-packages/litellm_init.pth', sha256: HEX, size: 34628 }, { path: '/app/bundle.js' }]);
    expect(inc!.images).toEqual([
      { ref: 'docker.io/aquasec/trivy:0.69.4', digests: [], layers: [DIGEST] },
      { ref: 'ghcr.io/a/b:1', digests: [DIGEST], layers: [] },
    ]);
    expect(inc!.packages[0]!.integrity).toEqual([`sha1-${'00'.repeat(20)}`, `sha1-${'ef'.repeat(20)}`]);
  });

  it('an incident of files alone needs no packages', () => {
    const [inc] = parseIocFile(incidentYaml('    files: [{sha256: "' + HEX + '"}]\n'), 'inline.yaml');
    expect(inc!.packages).toEqual([]);
    expect(inc!.files).toEqual([{ sha256: HEX }]);
  });
});

describe('bad indicators name line and field', () => {
  it.each([
    ['an incident with nothing to match', '    title: t\n', 'incidents[0].packages', /at least one of packages, files or images/],
    ['a relative file path', '    files: [{path: "site-packages/x.pth"}]\n', 'incidents[0].files[0].path', /anchored at the image root/],
    ['a .. segment', '    files: [{path: "/a/../x"}]\n', 'incidents[0].files[0].path', /no \. or \.\. segments/],
    ['** inside a segment', '    files: [{path: "/a**/x"}]\n', 'incidents[0].files[0].path', /whole path segment/],
    ['an unbalanced class', '    files: [{path: "/a/[x"}]\n', 'incidents[0].files[0].path', /\[ without its \]/],
    ['a file with neither path nor hash', '    files: [{size: 3}]\n', 'incidents[0].files[0]', /give path, sha256, or both/],
    ['a short sha256', '    files: [{sha256: abc}]\n', 'incidents[0].files[0].sha256', /not a SHA-256/],
    ['a negative size', `    files: [{sha256: "${HEX}", size: -1}]\n`, 'incidents[0].files[0].size', /./],
    ['an image ref without a tag', '    images: [{ref: aquasec/trivy}]\n', 'incidents[0].images[0].ref', /name a tag or digest/],
    ['an image ref in capitals', '    images: [{ref: Aquasec/Trivy:1}]\n', 'incidents[0].images[0].ref', /invalid image reference/],
    ['a layer that is not a digest', '    images: [{layers: ["sha256:12"]}]\n', 'incidents[0].images[0].layers[0]', /not an image digest/],
    ['an empty image', '    images: [{notes: x}]\n', 'incidents[0].images[0]', /give ref, digests, config or layers/],
    ['an integrity that is no hash', '    packages: [{ecosystem: npm, name: a, integrity: ["sha512-abc"]}]\n', 'incidents[0].packages[0].integrity[0]', /not a tarball integrity/],
    ['a misspelt ecosystem', '    packages: [{ecosystem: nmp, name: a, versions: ["1"]}]\n', 'incidents[0].packages[0].ecosystem', /unknown ecosystem "nmp": did you mean npm\?/],
    ['an unknown ecosystem', '    packages: [{ecosystem: frobnicate, name: a, versions: ["1"]}]\n', 'incidents[0].packages[0].ecosystem', /unknown ecosystem "frobnicate" \(known: /],
    ['a misspelt PyPI', '    packages: [{ecosystem: pypy, name: a, versions: ["1"]}]\n', 'incidents[0].packages[0].ecosystem', /did you mean pypi\?/],
  ])('%s', (_what, body, field, detail) => {
    const e = errorOf(incidentYaml(body));
    expect(e.field).toBe(field);
    expect(e.detail).toMatch(detail);
    expect(e.line).toBeGreaterThanOrEqual(3);
  });

  it('a misspelt ecosystem in the flat list is an error too', () => {
    const e = errorOf('packages:\n  - {name: a, ecosystem: nmp, version: "1"}\n');
    expect([e.line, e.field]).toEqual([2, 'packages[0].ecosystem']);
    expect(e.detail).toMatch(/did you mean npm/);
  });
});
