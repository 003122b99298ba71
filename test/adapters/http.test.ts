// Retry-After parsing and secret masking.
import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/adapters/http.js';
import { addSecret, redact } from '../../src/adapters/oci/secrets.js';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['3', 3000],
    [' 0 ', 0],
    ['Thu, 01 Jan 2026 00:00:05 GMT', 5000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['soon', undefined],
    ['-1', undefined],
    [null, undefined],
  ])('%s -> %s', (value, expected) => {
    expect(retryAfterMs(value, now)).toBe(expected);
  });
});

describe('redact', () => {
  it('masks remembered secrets in their plain, base64 and URL-encoded forms', () => {
    addSecret('p@ss word!');
    const basic = Buffer.from('p@ss word!').toString('base64');
    expect(redact(`pw=p@ss word! b64=${basic} url=${encodeURIComponent('p@ss word!')}`)).toBe('pw=*** b64=*** url=***');
  });

  it('masks extra secrets given per call, longest first', () => {
    expect(redact('token abcdef and abc', ['abc', 'abcdef'])).toBe('token *** and ***');
  });

  it('ignores secrets too short to mask safely', () => {
    addSecret('ab');
    expect(redact('ab cab')).toBe('ab cab');
  });
});
