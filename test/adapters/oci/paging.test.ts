// Link header paging, and the cosign/referrers tags that are never images.
import { describe, expect, it } from 'vitest';
import { nextLink } from '../../../src/adapters/oci/paging.js';
import { isArtifactTag } from '../../../src/adapters/oci/media-types.js';

const BASE = 'http://r.example:5000/v2/_catalog?n=2';

describe('nextLink', () => {
  it.each([
    ['</v2/_catalog?last=b&n=2>; rel="next"', 'http://r.example:5000/v2/_catalog?last=b&n=2'],
    ['<https://r.example:5000/v2/x/tags/list?n=2&last=v2>; rel=next', 'https://r.example:5000/v2/x/tags/list?n=2&last=v2'],
    ['</prev>; rel="prev", </v2/_catalog?last=d>; rel="next"', 'http://r.example:5000/v2/_catalog?last=d'],
    ['</v2/_catalog?last=d>; title="x"; rel="next last"', 'http://r.example:5000/v2/_catalog?last=d'],
    ['</prev>; rel="prev"', undefined],
    ['garbage', undefined],
    [null, undefined],
  ])('%s', (header, expected) => {
    expect(nextLink(header, BASE)).toBe(expected);
  });
});

describe('isArtifactTag', () => {
  const hex = 'ab'.repeat(32);
  it.each([
    [`sha256-${hex}.sig`, true],
    [`sha256-${hex}.att`, true],
    [`sha256-${hex}.sbom`, true],
    [`sha256-${hex}`, true],
    [`sha512-${'c'.repeat(128)}.sig`, true],
    ['latest', false],
    ['1.0.sig', false],
    [`sha256-${hex.slice(2)}.sig`, false],
    [`sha256-${hex}.sig.bak`, false],
    [`v-sha256-${hex}`, false],
  ])('%s -> %s', (tag, expected) => {
    expect(isArtifactTag(tag)).toBe(expected);
  });
});
