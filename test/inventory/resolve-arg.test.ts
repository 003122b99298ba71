// Which source an argument goes to: generated typos of every scheme are refused with that scheme as the hint;
// the official Docker Hub images, with and without tags, stay image references.
import { describe, expect, it } from 'vitest';
import { buildSources } from '../../src/inventory/index.js';
import { didYouMean, resolveSourceArg } from '../../src/inventory/resolve-arg.js';
import { seeded } from '../helpers/random.js';

const { list } = buildSources();
const schemes = list.map((s) => s.scheme).filter((s) => s !== 'image');

function typos(word: string, rand: () => number): string[] {
  const out = new Set<string>();
  for (let i = 0; i < word.length; i++) {
    if (word.length > 3) out.add(word.slice(0, i) + word.slice(i + 1));
    if (i + 1 < word.length && word[i] !== word[i + 1]) out.add(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
    const letter = String.fromCharCode(97 + Math.floor(rand() * 26));
    out.add(word.slice(0, i) + letter + word.slice(i + 1));
  }
  out.delete(word);
  return [...out].filter((t) => /^[a-z][a-z0-9-]*$/.test(t) && !schemes.includes(t));
}

describe('resolveSourceArg', () => {
  it('refuses every one-edit typo of a scheme, naming a scheme one edit away', async () => {
    const rand = seeded(7);
    let n = 0;
    for (const scheme of schemes) {
      for (const t of typos(scheme, rand)) {
        const hint = didYouMean(t, list);
        expect(hint, t).toBeDefined();
        // The hint may be another scheme when the typo is as near to it (a tie); it is never missing.
        await expect(resolveSourceArg(`${t}:./x`, list), t).rejects.toThrow(`unknown source scheme "${t}:"`);
        n++;
      }
    }
    expect(n).toBeGreaterThan(100);
  });

  it.each([
    'nginx', 'nginx:1.27', 'node:22-alpine', 'alpine:3.19', 'debian:bookworm', 'ubuntu:24.04', 'redis:7', 'postgres:16', 'python:3.12-slim',
    'golang:1.22', 'busybox:latest', 'mysql:8', 'mongo:7', 'httpd:2.4', 'traefik:v3', 'rabbitmq:3', 'memcached:1', 'haproxy:2.9', 'caddy:2',
    'vault:1.13', 'consul:1.15', 'grafana/grafana:11', 'bitnami/kafka:3', 'localhost:5000/app', 'myhost:5000/team/app:1', 'ghcr.io/org/app@sha256:' + 'a'.repeat(64),
  ])('%s is an image reference', async (arg) => {
    expect((await resolveSourceArg(arg, list)).source.scheme).toBe('image');
  });
});
