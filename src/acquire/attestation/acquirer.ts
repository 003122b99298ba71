// Acquire an SBOM attestation stored the cosign way (tag `sha256-<hex>.att`, one DSSE envelope per layer), verified here.
import { createHash, type KeyObject } from 'node:crypto';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { AcquiredImage, AcquireOutcome, Target } from '../../model/target.js';
import type { Acquirer } from '../acquirer.js';
import { notMine } from '../acquirer.js';
import { readAttestedSbom } from './envelopes.js';

/** The two registry reads this link needs; the OCI adapter's RegistryClient provides them. */
export interface AttestationSource {
  getManifest(repo: { registry: string; repository: string }, reference: string): Promise<{ bytes: Buffer }>;
  openBlob(repo: { registry: string; repository: string }, digest: string): Promise<Readable>;
}

export interface AttestationAcquireOptions {
  source: AttestationSource;
  key?: KeyObject;
  /** How the key is named in evidence: its file path. */
  keyLabel?: string;
  allowUnverified?: boolean;
  maxEnvelopeBytes?: number;
}

const DSSE_LAYER = 'application/vnd.dsse.envelope.v1+json';
const SBOM_PREDICATE = /^https:\/\/(cyclonedx\.org\/bom|spdx\.dev\/Document|syft\.dev\/bom)/;
const DEFAULT_MAX_ENVELOPE = 64 * 1024 * 1024;

const AttManifest = z.looseObject({
  layers: z.array(z.looseObject({ mediaType: z.string(), digest: z.string().regex(/^sha256:[0-9a-f]{64}$/), size: z.number().int().nonnegative() })),
});
const Statement = z.looseObject({
  predicateType: z.string().optional(),
  subject: z.array(z.looseObject({ digest: z.record(z.string(), z.string()).optional() })).nullish(),
});
const Envelope = z.looseObject({ payload: z.string() });

/** Whether the envelope holds an SBOM statement about this digest. */
function sbomAbout(envelopeText: string, digest: string): boolean {
  try {
    const env = Envelope.parse(JSON.parse(envelopeText));
    const stmt = Statement.parse(JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')));
    // A signature binds the statement, not the tag it was found under: the subject must name this image.
    const about = (stmt.subject ?? []).some((s) => `sha256:${s.digest?.sha256 ?? ''}` === digest);
    return about && SBOM_PREDICATE.test(stmt.predicateType ?? '');
  } catch {
    return false;
  }
}

async function readBlob(source: AttestationSource, repo: { registry: string; repository: string }, digest: string, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of await source.openBlob(repo, digest)) {
    size += (chunk as Buffer).length;
    if (size > max) throw new Error(`envelope ${digest} is larger than ${max} bytes`);
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (actual !== digest) throw new Error(`envelope ${digest} arrived with digest ${actual}`);
  return bytes;
}

/** The SBOM envelopes about this digest, as JSON lines; or why there are none. */
async function sbomEnvelopes(opts: AttestationAcquireOptions, t: Target & { kind: 'registry' }, digest: string, tag: string): Promise<string[] | string> {
  let manifest;
  try {
    manifest = AttManifest.parse(JSON.parse((await opts.source.getManifest(t, tag)).bytes.toString('utf8')));
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    return /: not found\b/.test(text) ? `no attestation stored at ${tag}` : `cannot read ${tag}: ${text}`;
  }
  const layers = manifest.layers.filter((l) => l.mediaType === DSSE_LAYER);
  const max = opts.maxEnvelopeBytes ?? DEFAULT_MAX_ENVELOPE;
  const kept: string[] = [];
  for (const layer of layers) {
    try {
      const text = (await readBlob(opts.source, t, layer.digest, max)).toString('utf8');
      if (sbomAbout(text, digest)) kept.push(JSON.stringify(JSON.parse(text)));
    } catch (err) {
      return `cannot read ${tag}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return kept.length > 0 ? kept : `no SBOM attestation about ${digest} among ${layers.length} at ${tag}`;
}

export function attestationAcquirer(opts: AttestationAcquireOptions): Acquirer {
  return {
    name: 'attestation',
    async acquire(target): Promise<AcquireOutcome> {
      if (target.kind !== 'registry' || !target.digest) return notMine('attestations are looked up for registry images pinned by digest');
      if (!opts.key && !opts.allowUnverified) return notMine('no --key to verify attestations with (--allow-unverified-attestations reads them unchecked)');
      const digest = target.digest;
      const tag = `${digest.replace(':', '-')}.att`;
      const found = await sbomEnvelopes(opts, target, digest, tag);
      if (typeof found === 'string') return notMine(found);
      const label = `${target.registry}/${target.repository}:${tag}`;
      let read;
      try {
        read = readAttestedSbom(found.join('\n'), label, { ...opts, allowUnverified: !!opts.allowUnverified });
      } catch (err) {
        return notMine(err instanceof Error ? err.message : String(err));
      }
      if ('refused' in read) return notMine(read.refused);
      const { sbom, evidence } = read;
      const image: AcquiredImage = {
        ref: target.ref,
        digest,
        platforms: [
          {
            digest,
            packages: sbom.packages,
            ...(sbom.created ? { created: { value: sbom.created, source: 'attested SBOM creation time', reliable: true } } : {}),
            evidence,
            errors: [],
            notes: evidence.verified ? [] : ['SBOM read from an attestation whose signature was not verified'],
          },
        ],
        errors: [],
      };
      return { ok: true, image };
    },
  } satisfies Acquirer;
}
