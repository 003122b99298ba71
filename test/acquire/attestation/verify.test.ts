import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadPublicKey, pae, verifyEnvelope } from '../../../src/acquire/attestation/verify.js';
import { InputError } from '../../../src/errors.js';

const TYPE = 'application/vnd.in-toto+json';
const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [], predicateType: 'https://cyclonedx.org/bom', predicate: {} }));

/** Written here from the DSSE spec, independently of the code under test. */
const specPae = (type: string, body: Buffer) => Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);

type Signer = (data: Buffer) => Buffer;
function envelope(signer: Signer, payload = statement, type = TYPE, signed = specPae(type, payload)) {
  return { payloadType: type, payload: payload.toString('base64'), signatures: [{ keyid: '', sig: signer(signed).toString('base64') }] };
}

function pair(kind: 'ec256' | 'ec384' | 'ed25519' | 'rsa' | 'rsa-pss') {
  switch (kind) {
    case 'ec256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'ec384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
    case 'rsa':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'rsa-pss':
      return generateKeyPairSync('rsa-pss', { modulusLength: 2048, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256' });
  }
}
const pem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();

describe('pae', () => {
  it('matches the DSSE specification example', () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });
  it('counts bytes, not characters', () => {
    expect(pae('t/ü', Buffer.from('é')).toString()).toBe('DSSEv1 4 t/ü 2 é');
  });
});

describe('verifyEnvelope with keys made here', () => {
  const ec = pair('ec256');
  const ecKey = loadPublicKey(pem(ec.publicKey), 'cosign.pub');

  it.each<[string, ReturnType<typeof pair>, Signer, string]>([
    ['ECDSA P-256, DER (as cosign writes)', ec, (d) => sign('sha256', d, { key: ec.privateKey, dsaEncoding: 'der' }), 'ecdsa-p256 key (DER)'],
    ['ECDSA P-256, IEEE P1363', ec, (d) => sign('sha256', d, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }), 'ecdsa-p256 key (IEEE-P1363)'],
    ...(() => {
      const p384 = pair('ec384');
      const ed = pair('ed25519');
      const rsa = pair('rsa');
      const pss = pair('rsa-pss');
      return [
        ['ECDSA P-384 (SHA-384)', p384, (d: Buffer) => sign('sha384', d, p384.privateKey), 'ecdsa-p384 key (DER)'],
        ['Ed25519', ed, (d: Buffer) => sign(null, d, ed.privateKey), 'ed25519 key (Ed25519)'],
        ['RSA PKCS#1 v1.5', rsa, (d: Buffer) => sign('sha256', d, rsa.privateKey), 'rsa key (PKCS#1 v1.5)'],
        ['RSA-PSS with an rsa key', rsa, (d: Buffer) => sign('sha256', d, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }), 'rsa key (RSA-PSS)'],
        ['RSA-PSS key', pss, (d: Buffer) => sign('sha256', d, pss.privateKey), 'rsa-pss key (RSA-PSS)'],
      ] as [string, ReturnType<typeof pair>, Signer, string][];
    })(),
  ])('%s verifies', (_n, keys, signer, how) => {
    const result = verifyEnvelope(envelope(signer), loadPublicKey(pem(keys.publicKey), 'k.pem'));
    expect(result).toEqual({ verified: true, keyType: how.split(' ')[0], reason: `signature 1 of 1 verified with the ${how}` });
  });

  const der: Signer = (d) => sign('sha256', d, ec.privateKey);
  it.each<[string, () => unknown, string]>([
    ['a changed payload', () => ({ ...envelope(der), payload: Buffer.from('{"_type":"evil"}').toString('base64') }), 'none of 1 signature(s) verifies with the given ecdsa-p256 key'],
    ['a swapped payload type', () => ({ ...envelope(der), payloadType: 'application/json' }), 'none of 1 signature(s) verifies'],
    ['a signature over the bare payload, not the PAE', () => envelope(der, statement, TYPE, statement), 'none of 1 signature(s) verifies'],
    ['a signature by another key', () => envelope((d) => sign('sha256', d, pair('ec256').privateKey)), 'none of 1 signature(s) verifies'],
    ['an Ed25519 signature for an ECDSA key', () => envelope((d) => sign(null, d, pair('ed25519').privateKey)), 'none of 1 signature(s) verifies'],
    ['garbage in the signature', () => ({ ...envelope(der), signatures: [{ sig: '!!!not base64!!!' }, { sig: 'AAAA' }] }), 'none of 2 signature(s) verifies'],
    ['no signatures', () => ({ ...envelope(der), signatures: [] }), 'envelope has no signatures'],
    ['null signatures', () => ({ ...envelope(der), signatures: null }), 'envelope has no signatures'],
    ['not an envelope', () => ({ hello: 'world' }), 'not a DSSE envelope: payloadType:'],
    ['a payload that is not base64', () => ({ ...envelope(der), payload: '{"not":"base64"}' }), 'not a DSSE envelope: payload: payload is not base64'],
  ])('%s is not verified', (_n, make, reason) => {
    const result = verifyEnvelope(make(), ecKey);
    expect(result.verified).toBe(false);
    expect(result.keyType).toBe('ecdsa-p256');
    expect(result.reason).toContain(reason);
  });

  it('accepts any one valid signature among several', () => {
    const good = envelope(der);
    const other = envelope((d) => sign('sha256', d, pair('ec256').privateKey));
    const both = { ...good, signatures: [...other.signatures, ...good.signatures] };
    expect(verifyEnvelope(both, ecKey).reason).toBe('signature 2 of 2 verified with the ecdsa-p256 key (DER)');
  });
});

describe('loadPublicKey', () => {
  it('names the file when it is not a key', () => {
    expect(() => loadPublicKey('-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n', '/keys/cosign.pub')).toThrow(InputError);
    expect(() => loadPublicKey('hello', '/keys/cosign.pub')).toThrow(/^\/keys\/cosign\.pub: not a PEM public key/);
  });

  it('reports an unsupported key type instead of throwing', () => {
    const x = generateKeyPairSync('x25519');
    expect(verifyEnvelope(envelope(() => Buffer.alloc(0)), x.publicKey)).toEqual({ verified: false, reason: 'unsupported key type x25519' });
  });
});
