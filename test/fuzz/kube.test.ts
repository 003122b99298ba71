// kubectl pod JSON under fuzzing: real pod lists mutated value-wise; parsePods and podContainers never throw.
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePods, podContainers } from '../../src/inventory/kube/pods.js';
import { resolveImage } from '../../src/inventory/kube/image-id.js';
import { check, filesUnder, FUZZ_TIMEOUT, loadSamples, REAL_WORLD, ROOT } from './harness.js';
import { hostileJson, mutatedJson } from './mutate.js';

const samples = loadSamples([...filesUnder(join(ROOT, 'fixtures', 'kube'), (n) => n.endsWith('.json')), ...filesUnder(join(REAL_WORLD, 'kubernetes'), (n) => n.endsWith('.json'))]);

function readAll(json: unknown): void {
  const parsed = parsePods(json, 'fuzz');
  expect(Array.isArray(parsed.errors)).toBe(true);
  for (const pod of parsed.pods) {
    for (const c of podContainers(pod)) {
      const image = resolveImage(c);
      expect(typeof image.ok).toBe('boolean');
    }
  }
}

describe('fuzz: kubectl pod JSON', () => {
  it('has a corpus', () => {
    expect(samples.length).toBeGreaterThan(5);
  });

  it('value mutations of real pod lists never throw', () => {
    check('kube-values', fc.property(mutatedJson(samples), ({ text }) => readAll(JSON.parse(text))), 600);
  }, FUZZ_TIMEOUT);

  it('hostile values in the image fields never throw', () => {
    const image = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('docker-pullable://', 'docker-pullable://x@sha256:', 'sha256:', '@sha256:' + 'a'.repeat(64), 'docker://sha256:abc', 'a@b@c', ':', '/', 'UPPER/Case:tag'));
    check(
      'kube-images',
      fc.property(fc.array(fc.record({ name: fc.string({ maxLength: 5 }), image, imageID: fc.oneof(image, hostileJson) }), { maxLength: 4 }), (cs) =>
        readAll({ metadata: { name: 'p' }, spec: { containers: cs.map((c) => ({ name: c.name, image: c.image })) }, status: { containerStatuses: cs.map((c) => ({ name: c.name, image: c.image, imageID: c.imageID })) } }),
      ),
      600,
    );
  }, FUZZ_TIMEOUT);
});
