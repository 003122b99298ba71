import { describe, expect, it } from 'vitest';
import { createdLabel, evidenceLabel, imageWhy, shortDigest, windowLabel, windowWhy } from '../../src/report/describe.js';
import { unknownImage } from './sample.js';

describe('report phrases', () => {
  it('writes a window compactly, with both dates when it spans midnight', () => {
    expect(windowLabel({ start: '2026-03-31T00:21:00.000Z', end: '2026-03-31T03:29:00.000Z' })).toBe('2026-03-31 00:21–03:29 UTC');
    expect(windowLabel({ start: '2025-09-15T22:00:00Z', end: '2025-09-16T12:00:00Z' })).toBe('2025-09-15 22:00 – 2025-09-16 12:00 UTC');
    expect(windowLabel({ start: 'soon', end: 'later' })).toBe('soon – later');
  });

  it('shortens digests and marks missing ones', () => {
    expect(shortDigest('sha256:0a1b2c3d4e5f60718293a4b5')).toBe('sha256:0a1b2c3d4e5f');
    expect(shortDigest(undefined)).toBe('-');
  });

  it('never calls unverified evidence verified, and says when a build time cannot be trusted', () => {
    expect(evidenceLabel({ kind: 'cosign', verified: true })).toBe('cosign, verified');
    expect(evidenceLabel({ kind: 'attestation' })).toBe('attestation, not verified');
    expect(evidenceLabel(undefined)).toBe('none');
    expect(createdLabel({ value: '1970-01-01T00:00:00Z', reliable: false })).toBe('1970-01-01T00:00:00Z (unreliable)');
    expect(createdLabel(undefined)).toBe('unknown');
  });

  it('names a command-line window by its flag', () => {
    const w = { incident: '--window', start: '2026-02-11T16:00:00Z', end: '2026-02-11T17:00:00Z', outcome: 'inside' as const };
    expect(windowWhy(w, { value: '2026-02-11T16:05:00Z', reliable: true })).toBe(
      'built 2026-02-11T16:05:00Z, inside the window given with --window 2026-02-11 16:00–17:00 UTC; no IOC package found',
    );
  });

  it('gives an unknown image its recorded reasons, or says none were recorded', () => {
    expect(imageWhy(unknownImage)).toBe('syft failed: exit status 1 | stderr: unexpected EOF; registry.internal:5000: 401 Unauthorized');
    expect(imageWhy({ ...unknownImage, reasons: [] })).toBe('no reason recorded');
  });
});
