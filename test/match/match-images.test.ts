// Image indicators, pure: names, digests and base layers, with the false-positive guards named.
import { describe, expect, it } from 'vitest';
import { buildImageEntries, matchImages, type ImageSubject } from '../../src/match/match-images.js';
import type { ImageIndicator } from '../../src/model/ioc.js';
import { incident } from './helpers.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const TRIVY: ImageIndicator = { ref: 'docker.io/aquasec/trivy:0.69.4', digests: [d('a')], config: d('c'), layers: [d('1'), d('2')] };
const entries = buildImageEntries([incident('teampcp', [], { images: [TRIVY] })]);
const run = (s: Partial<ImageSubject>) => matchImages({ refs: [], digests: [], ...s }, entries);

describe('matchImages', () => {
  it.each<[string, Partial<ImageSubject>, string | undefined]>([
    ['by name as docker normalises it', { refs: ['aquasec/trivy:0.69.4'], digests: [d('9')], facts: { layers: [d('1'), d('5')], diffIds: [] } }, 'image-name'],
    ['by name with a digest after it', { refs: ['index.docker.io/aquasec/trivy:0.69.4@' + d('9')], digests: [d('9')] }, 'image-name'],
    ['by manifest or index digest', { refs: ['mirror.example/x:1'], digests: [d('a')] }, 'image-digest'],
    ['by config digest', { refs: ['mirror.example/x:1'], digests: [d('9')], facts: { config: d('c'), layers: [], diffIds: [d('7')] } }, 'image-digest'],
    ['built FROM: its layers begin with all of the indicator\'s', { refs: ['acme/scanner:1'], digests: [d('9')], facts: { layers: [d('1'), d('2'), d('3')], diffIds: [] } }, 'base-image-layers'],
    ['built FROM, by diff IDs', { refs: ['acme/scanner:1'], digests: [d('9')], facts: { layers: [d('8')], diffIds: [d('1'), d('2'), d('3')] } }, 'base-image-layers'],
    ['guard: another tag of the repository', { refs: ['aquasec/trivy:0.69.3'], digests: [d('9')], facts: { layers: [d('1'), d('3')], diffIds: [] } }, undefined],
    ['guard: the same repository on another registry', { refs: ['ghcr.io/aquasec/trivy:0.69.4'], digests: [d('9')], facts: { layers: [d('4')], diffIds: [] } }, undefined],
    ['guard: only the first (distribution) layer shared', { refs: ['acme/other:1'], digests: [d('9')], facts: { layers: [d('1'), d('3'), d('2')], diffIds: [] } }, undefined],
    ['guard: the layers, but not at the bottom', { refs: ['acme/other:1'], digests: [d('9')], facts: { layers: [d('0'), d('1'), d('2')], diffIds: [] } }, undefined],
  ])('%s', (_what, subject, kind) => {
    const { matches, unchecked } = run(subject);
    expect(matches.map((m) => m.matchKind)).toEqual(kind ? [kind] : []);
    expect(unchecked).toEqual([]);
  });

  it('built FROM names the base in its detail', () => {
    expect(run({ refs: ['acme/scanner:1'], facts: { layers: [d('1'), d('2'), d('3')], diffIds: [] } }).matches[0]!.detail).toBe('built FROM docker.io/aquasec/trivy:0.69.4: its first 2 layer(s) are that image\'s');
  });

  it('no layer list: a base cannot be recognised, so the indicator is unchecked, not a miss', () => {
    expect(run({ refs: ['acme/scanner:1'], digests: [d('9')] }).unchecked).toEqual([{ incident: 'teampcp', indicators: ['docker.io/aquasec/trivy:0.69.4'], why: expect.stringContaining('does not list the image layers') }]);
  });

  // What each kind of source can answer. A name is how an image was deployed, not what it holds: a nameless
  // source (an SBOM file, a layout entry without a ref) does not match a ref-only indicator and is not unknown
  // for it. Digests and layers are the image's content: a source that gives none of those an indicator names
  // cannot rule it out, so the incident is unknown there, never clean.
  const REF: ImageIndicator = { ref: 'aquasec/trivy:0.69.4', digests: [], layers: [] };
  const DIGEST: ImageIndicator = { digests: [d('a')], layers: [] };
  const REF_DIGEST: ImageIndicator = { ref: 'aquasec/trivy:0.69.4', digests: [d('a')], layers: [] };
  const REF_LAYERS: ImageIndicator = { ref: 'aquasec/trivy:0.69.4', digests: [], layers: [d('1'), d('2')] };
  const sbomFile: Partial<ImageSubject> = {};
  const namedSbom: Partial<ImageSubject> = { refs: ['acme/app:1'] };
  const layoutNoRef: Partial<ImageSubject> = { digests: [d('9')], facts: { config: d('8'), layers: [d('1'), d('5')], diffIds: [] } };
  const configOnly: Partial<ImageSubject> = { facts: { config: d('8'), layers: [], diffIds: [] } };
  it.each<[string, ImageIndicator, Partial<ImageSubject>, 'checked' | 'unknown']>([
    ['ref only, an SBOM file naming nothing', REF, sbomFile, 'checked'],
    ['ref only, a layout entry without a ref', REF, layoutNoRef, 'checked'],
    ['ref only, another name', REF, namedSbom, 'checked'],
    ['digest, an SBOM file naming nothing', DIGEST, sbomFile, 'unknown'],
    ['digest, a name but no digest', DIGEST, namedSbom, 'unknown'],
    ['ref and digest, a name but no digest: the digest could be a retagged copy', REF_DIGEST, namedSbom, 'unknown'],
    ['digest, a layout entry with its digest', DIGEST, layoutNoRef, 'checked'],
    ['digest, only a config digest (an image id)', DIGEST, configOnly, 'checked'],
    ['ref and layers, a layout entry without a ref but with its layers', REF_LAYERS, layoutNoRef, 'checked'],
    ['ref and layers, an SBOM file without layers', REF_LAYERS, namedSbom, 'unknown'],
  ])('%s', (_what, indicator, subject, outcome) => {
    const own = buildImageEntries([incident('teampcp', [], { images: [indicator] })]);
    const { matches, unchecked } = matchImages({ refs: [], digests: [], ...subject }, own);
    expect(matches).toEqual([]);
    expect(unchecked.map((u) => u.incident)).toEqual(outcome === 'unknown' ? ['teampcp'] : []);
  });

  it('a ref-only indicator matches a subject deployed by that name', () => {
    const own = buildImageEntries([incident('teampcp', [], { images: [REF] })]);
    expect(matchImages({ refs: ['docker.io/aquasec/trivy:0.69.4'], digests: [] }, own).matches.map((m) => m.matchKind)).toEqual(['image-name']);
  });
});
