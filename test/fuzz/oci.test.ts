// Registry-facing parsers under fuzzing: image references, WWW-Authenticate, Link headers, docker config.json, response schemas.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError, InputError, ToolError } from '../../src/errors.js';
import { parseChallenges, pickChallenge } from '../../src/adapters/oci/challenge.js';
import { dockerConfigCredentials } from '../../src/adapters/oci/credentials.js';
import { nextLink } from '../../src/adapters/oci/paging.js';
import { formatReference, parseReference } from '../../src/adapters/oci/reference.js';
import { registryErrors } from '../../src/adapters/oci/responses.js';
import { CatalogPage, DockerConfig, ErrorBody, HelperOutput, ManifestHead, TagsPage, TokenResponse } from '../../src/adapters/oci/schema.js';
import { allowing, check, FUZZ_TIMEOUT, sample } from './harness.js';
import { hostileJson, mutatedJson } from './mutate.js';

const lower = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const component = fc.tuple(lower, fc.array(fc.tuple(fc.constantFrom('.', '_', '__', '-', '--'), lower), { maxLength: 2 })).map(([a, rest]) => a + rest.map(([s, b]) => s + b).join(''));
const label = fc.stringMatching(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?$/);
const domain = fc.oneof(
  fc.tuple(label, fc.array(label, { minLength: 1, maxLength: 3 }), fc.option(fc.integer({ min: 1, max: 65535 }))).map(([a, rest, port]) => `${[a, ...rest].join('.')}${port ? `:${port}` : ''}`),
  fc.constantFrom('localhost', 'localhost:5000', '127.0.0.1:5000', '[::1]:5000', 'docker.io', 'index.docker.io', 'registry-1.docker.io', 'Docker.IO', 'ghcr.io'),
);
const tag = fc.stringMatching(/^[\w][\w.-]{0,20}$/);
const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const digest = fc.oneof(hex(64).map((h) => `sha256:${h}`), hex(128).map((h) => `sha512:${h}`));

/** References built from docker's grammar: every one must parse. */
const validRef = fc
  .record({ domain: fc.option(domain), path: fc.array(component, { minLength: 1, maxLength: 3 }), tag: fc.option(tag), digest: fc.option(digest) })
  // Without a domain, a first component with a dot or `localhost` is read as a host, as docker does.
  .filter((r) => r.domain !== null || (!r.path[0]!.includes('.') && r.path[0] !== 'localhost'))
  .map((r) => `${r.domain ? `${r.domain}/` : ''}${r.path.join('/')}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`);

/** Near-misses: valid references with characters inserted that the grammar treats specially. */
const nearRef = fc.tuple(validRef, fc.nat(), fc.constantFrom('@', ':', '/', '//', '.', '..', 'A', ' ', '\t', '\n', '%', '#', '[', ']', '-', '_', '__', '\u0130', ''))
  .map(([s, at, ins]) => s.slice(0, at % (s.length + 1)) + ins + s.slice(at % (s.length + 1)));

function parse(s: string, defaultTag = true) {
  return allowing(() => parseReference(s, { defaultTag }), (e) => e instanceof UsageError);
}

describe('fuzz: image references', () => {
  it('valid references parse, print canonically, and the canonical form round-trips exactly', () => {
    check(
      'reference-valid',
      fc.property(validRef, fc.boolean(), (s, defaultTag) => {
        const r = parse(s, defaultTag);
        if (!r.ok) {
          // Only a repository over 255 characters may be refused here.
          expect((r.error as Error).message).toMatch(/longer than 255/);
          return;
        }
        const printed = formatReference(r.value);
        const again = parseReference(printed, { defaultTag });
        expect(again).toEqual(r.value);
        expect(formatReference(again)).toBe(printed);
      }),
      2000,
    );
  }, FUZZ_TIMEOUT);

  it('any string: only UsageError, and whatever parses prints back to the same value', () => {
    check(
      'reference-any',
      fc.property(fc.oneof(nearRef, fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 })), fc.boolean(), (s, defaultTag) => {
        const r = parse(s, defaultTag);
        if (r.ok) expect(parseReference(formatReference(r.value), { defaultTag })).toEqual(r.value);
      }),
      1000,
    );
  }, FUZZ_TIMEOUT);
});

/** RFC 7230 quoted-string: backslash and double quote escaped. */
const quote = (v: string) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
const tokenChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&\'*+-.^_`|~'.split(''));
const token = fc.array(tokenChar, { minLength: 1, maxLength: 10 }).map((a) => a.join(''));
const challenge = fc.record({
  scheme: fc.constantFrom('Bearer', 'Basic', 'bearer', 'Digest', 'X-Custom'),
  params: fc.dictionary(fc.stringMatching(/^[a-z][a-z_]{0,8}$/), fc.string({ maxLength: 30 }).filter((v) => !/[\r\n]/.test(v)), { maxKeys: 4 }),
});

describe('fuzz: WWW-Authenticate and Link headers', () => {
  it('generated challenges parse back to their schemes and parameters', () => {
    check(
      'challenge-roundtrip',
      fc.property(fc.array(challenge, { minLength: 1, maxLength: 3 }), fc.constantFrom(', ', ',', ' ,  '), (list, sep) => {
        const header = list.map((c) => `${c.scheme} ${Object.entries(c.params).map(([k, v]) => `${k}=${quote(v)}`).join(sep)}`.trim()).join(sep);
        const parsed = parseChallenges(header);
        expect(parsed.map((c) => c.scheme)).toEqual(list.map((c) => c.scheme.toLowerCase()));
        expect(parsed.map((c) => c.params)).toEqual(list.map((c) => c.params));
      }),
      1000,
    );
  }, FUZZ_TIMEOUT);

  it('any header text: parseChallenges and pickChallenge never throw, nextLink throws only ToolError', () => {
    const headerish = fc.array(fc.oneof(token, fc.constantFrom('=', '"', '\\', ',', ' ', ';', '<', '>', 'rel=next', 'http://[', 'realm=', 'Bearer '), fc.string({ maxLength: 6 })), { maxLength: 20 }).map((a) => a.join(''));
    check(
      'headers-any',
      fc.property(fc.oneof(headerish, fc.string()), (h) => {
        const parsed = parseChallenges(h);
        expect(Array.isArray(parsed)).toBe(true);
        pickChallenge(parsed);
        const link = allowing(() => nextLink(h, 'http://127.0.0.1:5000/v2/_catalog?n=100'), (e) => e instanceof ToolError);
        if (link.ok && link.value !== undefined) expect(() => new URL(link.value!)).not.toThrow();
      }),
      2000,
    );
  }, FUZZ_TIMEOUT);
});

describe('fuzz: registry response schemas and docker config.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-docker-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('schemas never throw from safeParse; registryErrors never throws', () => {
    const schemas = [CatalogPage, TagsPage, ErrorBody, TokenResponse, ManifestHead, DockerConfig, HelperOutput];
    check(
      'schemas',
      fc.property(hostileJson, fc.constantFrom(...schemas), (v, s) => {
        s.safeParse(v);
        expect(typeof registryErrors(Buffer.from(JSON.stringify(v) ?? ''))).toBe('string');
      }),
      1000,
    );
  }, FUZZ_TIMEOUT);

  it('mutated docker config.json: lookups throw only InputError or ToolError', async () => {
    const config = { auths: { '127.0.0.1:5000': { auth: Buffer.from('user:secret-pass').toString('base64') }, 'https://index.docker.io/v1/': { username: 'u', password: 'p4ss' }, 'ghcr.io': { identitytoken: 'tok-123' }, 'quay.io': { registrytoken: 'rt-456' } } };
    const file = join(dir, 'config.json');
    await check(
      'docker-config',
      fc.asyncProperty(mutatedJson([sample('config.json', Buffer.from(JSON.stringify(config)))]), fc.constantFrom('127.0.0.1:5000', 'docker.io', 'ghcr.io', 'quay.io', 'example.com'), async ({ text }, registry) => {
        writeFileSync(file, text);
        // No PATH: a credential helper named by a mutation fails to start instead of running.
        const lookup = dockerConfigCredentials(file, { PATH: '/nonexistent' });
        try {
          const cred = await lookup(registry);
          if (cred) expect(typeof cred).toBe('object');
        } catch (err) {
          if (!(err instanceof InputError || err instanceof ToolError)) throw err;
        }
      }),
      300,
    );
  }, FUZZ_TIMEOUT);
});
