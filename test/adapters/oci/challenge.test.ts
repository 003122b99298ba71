// WWW-Authenticate parsing: several challenges, quoted values with commas and escapes, token68.
import { describe, expect, it } from 'vitest';
import { parseChallenges, pickChallenge } from '../../../src/adapters/oci/challenge.js';

describe('parseChallenges', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:samalba/my-app:pull,push' } }],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'Basic realm="basic", Bearer realm="https://t.example/token", service="svc"',
      [
        { scheme: 'basic', params: { realm: 'basic' } },
        { scheme: 'bearer', params: { realm: 'https://t.example/token', service: 'svc' } },
      ],
    ],
    [
      'bearer REALM=https://t.example/token , Service = svc ,error="insufficient_scope"',
      [{ scheme: 'bearer', params: { realm: 'https://t.example/token', service: 'svc', error: 'insufficient_scope' } }],
    ],
    ['Bearer realm="a \\"quoted\\" realm, with comma"', [{ scheme: 'bearer', params: { realm: 'a "quoted" realm, with comma' } }]],
    [
      'Negotiate abc123==, Basic realm="x"',
      [
        { scheme: 'negotiate', params: {} },
        { scheme: 'basic', params: { realm: 'x' } },
      ],
    ],
    ['', []],
    ['   ,  ', []],
    ['Bearer realm="unterminated', [{ scheme: 'bearer', params: { realm: 'unterminated' } }]],
  ])('%s', (header, expected) => {
    expect(parseChallenges(header)).toEqual(expected);
  });

  it('prefers Bearer with a realm over Basic', () => {
    expect(pickChallenge(parseChallenges('Basic realm="b", Bearer realm="https://t/token"'))?.scheme).toBe('bearer');
    expect(pickChallenge(parseChallenges('Bearer service="no-realm", Basic realm="b"'))?.scheme).toBe('basic');
    expect(pickChallenge(parseChallenges('Negotiate'))).toBeUndefined();
  });
});
