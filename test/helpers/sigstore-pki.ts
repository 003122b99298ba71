// A private Sigstore instance for tests: a certificate authority issuing Fulcio-style short-lived certificates
// (made with the openssl command line), a transparency log key signing Rekor `dsse` entries (signed entry
// timestamps), and the trusted root that lists both. Bundles it makes verify with the real @sigstore/verify.
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dssePae } from './attestations.js';

export const opensslAvailable = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export interface SignOptions {
  identity?: string;
  issuer?: string;
  /** Seconds added to now for the log's integrated time (a time outside the certificate's validity). */
  integratedOffset?: number;
}

export interface TestSigstore {
  trustedRoot: Record<string, unknown>;
  writeTrustedRoot(file: string): string;
  /** A v0.3 bundle: the statement DSSE-signed by a fresh leaf key, its certificate, and a signed log entry. */
  signStatement(statement: object, opts?: SignOptions): Record<string, unknown>;
}

const PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const LOG_NAME = 'rekor.sigstore.test';
const b64 = (b: Buffer) => b.toString('base64');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function derOfPem(file: string): Buffer {
  const pem = readFileSync(file, 'utf8');
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** JSON with sorted keys and no spaces: how Rekor canonicalises entry bodies and SET payloads. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A leaf certificate for one signature, as Fulcio issues it: SAN = identity, issuer in the Fulcio OIDs. */
function issueLeaf(dir: string, n: number, identity: string, issuer: string): { cert: Buffer; pem: string; key: KeyObject } {
  const san = identity.includes('@') && !identity.includes('://') ? `email:${identity}` : `URI:${identity}`;
  const ext = path.join(dir, `leaf${n}.ext`);
  writeFileSync(
    ext,
    [
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=codeSigning',
      `subjectAltName=critical,${san}`,
      `1.3.6.1.4.1.57264.1.1=DER:${Buffer.from(issuer).toString('hex')}`,
      `1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:${issuer}`,
    ].join('\n'),
  );
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `leaf${n}.key`]);
  openssl(dir, ['req', '-new', '-key', `leaf${n}.key`, '-subj', '/O=sigstore-test', '-out', `leaf${n}.csr`]);
  openssl(dir, ['x509', '-req', '-in', `leaf${n}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-sha256', '-extfile', ext, '-out', `leaf${n}.pem`]);
  const pem = readFileSync(path.join(dir, `leaf${n}.pem`), 'utf8');
  return { cert: derOfPem(path.join(dir, `leaf${n}.pem`)), pem, key: createPrivateKey(readFileSync(path.join(dir, `leaf${n}.key`))) };
}

/** The Rekor dsse v0.0.1 entry for one envelope signature, with its signed entry timestamp. */
function logEntry(log: { key: KeyObject; id: Buffer }, payload: Buffer, envelope: object, sig: Buffer, certPem: string, integratedTime: number, index: number) {
  const body = Buffer.from(
    canonical({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: { algorithm: 'sha256', value: sha256(Buffer.from(JSON.stringify(envelope))).toString('hex') },
        payloadHash: { algorithm: 'sha256', value: sha256(payload).toString('hex') },
        signatures: [{ signature: b64(sig), verifier: b64(Buffer.from(certPem)) }],
      },
    }),
  );
  const set = sign('sha256', Buffer.from(canonical({ body: b64(body), integratedTime, logIndex: index, logID: log.id.toString('hex') })), log.key);
  // A log of one entry: the root is the leaf hash (RFC 6962), and the checkpoint is a note signed by the log.
  const root = sha256(Buffer.concat([Buffer.from([0]), body]));
  const note = `${LOG_NAME} - 1\n1\n${b64(root)}\n`;
  const noteSig = Buffer.concat([log.id.subarray(0, 4), sign('sha256', Buffer.from(note), log.key)]);
  return {
    logIndex: String(index),
    logId: { keyId: b64(log.id) },
    kindVersion: { kind: 'dsse', version: '0.0.1' },
    integratedTime: String(integratedTime),
    inclusionPromise: { signedEntryTimestamp: b64(set) },
    inclusionProof: { logIndex: '0', rootHash: b64(root), treeSize: '1', hashes: [], checkpoint: { envelope: `${note}\n\u2014 ${LOG_NAME} ${b64(noteSig)}\n` } },
    canonicalizedBody: b64(body),
  };
}

export function createTestSigstore(): TestSigstore {
  const dir = mkdtempSync(path.join(tmpdir(), 'sbom-hunt-sigstore-'));
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
  openssl(dir, ['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/O=sigstore-test/CN=sigstore-test-ca', '-days', '30', '-sha256', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', 'ca.pem']);
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'log.key']);
  const logKey = createPrivateKey(readFileSync(path.join(dir, 'log.key')));
  const logSpki = createPublicKey(logKey).export({ type: 'spki', format: 'der' });
  const log = { key: logKey, id: sha256(logSpki) };
  const start = '2020-01-01T00:00:00Z';
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{ baseUrl: `https://${LOG_NAME}`, hashAlgorithm: 'SHA2_256', publicKey: { rawBytes: b64(logSpki), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } }, logId: { keyId: b64(log.id) } }],
    certificateAuthorities: [{ subject: { organization: 'sigstore-test', commonName: 'sigstore-test-ca' }, uri: 'https://fulcio.sigstore.test', certChain: { certificates: [{ rawBytes: b64(derOfPem(path.join(dir, 'ca.pem'))) }] }, validFor: { start } }],
    ctlogs: [],
    timestampAuthorities: [],
  };
  let n = 0;
  return {
    trustedRoot,
    writeTrustedRoot(file) {
      writeFileSync(file, JSON.stringify(trustedRoot, null, 1));
      return file;
    },
    signStatement(statement, opts = {}) {
      n++;
      const leaf = issueLeaf(dir, n, opts.identity ?? 'ci@example.com', opts.issuer ?? 'https://issuer.example');
      const payload = Buffer.from(JSON.stringify(statement));
      const sig = sign('sha256', dssePae(PAYLOAD_TYPE, payload), leaf.key);
      const envelope = { payload: b64(payload), payloadType: PAYLOAD_TYPE, signatures: [{ sig: b64(sig), keyid: '' }] };
      const integrated = Math.floor(Date.now() / 1000) + (opts.integratedOffset ?? 0);
      return {
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: { certificate: { rawBytes: b64(leaf.cert) }, tlogEntries: [logEntry(log, payload, envelope, sig, leaf.pem, integrated, 1000 + n)] },
        dsseEnvelope: envelope,
      };
    },
  };
}
