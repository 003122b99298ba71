import { describe, expect, it } from 'vitest';
import { cachePolicyFor, olderThan } from '../../../src/acquire/cache/index.js';
import { UsageError } from '../../../src/errors.js';

const NOW = new Date('2026-04-01T12:00:00Z');

describe('olderThan', () => {
  it.each([
    ['90m', '2026-04-01T10:30:00.000Z'],
    ['12h', '2026-04-01T00:00:00.000Z'],
    ['30d', '2026-03-02T12:00:00.000Z'],
    ['2w', '2026-03-18T12:00:00.000Z'],
    [' 1d ', '2026-03-31T12:00:00.000Z'],
  ])('%s', (age, expected) => {
    expect(olderThan(age, NOW).toISOString()).toBe(expected);
  });

  it.each(['30', 'd', '-1d', '1y', '1.5d', ''])('refuses "%s" as a usage error naming the flag', (age) => {
    expect(() => olderThan(age, NOW)).toThrow(UsageError);
    expect(() => olderThan(age, NOW)).toThrow(/^--older-than: expected an age like 90m, 12h, 30d or 4w/);
  });
});

describe('cachePolicyFor', () => {
  it.each([
    [{}, { minStrength: 'scanned' }],
    [{ allowUnverified: true }, { minStrength: 'unverified' }],
    [{ verifier: 'key /k.pub' }, { minStrength: 'scanned', verifier: 'key /k.pub' }],
    [{ verifier: 'key /k.pub', requireVerified: true, allowUnverified: true }, { minStrength: 'verified', verifier: 'key /k.pub' }],
  ])('%j', (flags, policy) => {
    expect(cachePolicyFor(flags)).toEqual(policy);
  });
});
