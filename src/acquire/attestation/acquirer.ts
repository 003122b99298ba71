// Acquire an SBOM attestation attached to a registry image, read and verified here without pulling the image:
// Sigstore bundles found through the referrers API or referrers tag (cosign v3), then the legacy `.att` tag.
import { sbomFacts } from '../../formats/decoder.js';
import type { KeyObject } from 'node:crypto';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';
import type { AcquiredImage, AcquireOutcome, Target } from '../../model/target.js';
import type { Acquirer } from '../acquirer.js';
import { notApplicable, notMine } from '../acquirer.js';
import { readAttestedSbom, verifyAttestationDocument } from './envelopes.js';
import { provenanceTimes, SLSA_PREDICATE, statementOf } from '../provenance.js';
import type { TimeSource } from '../../model/finding.js';
import type { KeylessPolicy } from './keyless.js';
import { findReferrerBundles, readBlob, type Call, type ReferrerSource } from './referrers.js';
import { sbomCreated, withSources } from '../../match/build-time.js';

/** The registry reads this link needs; the OCI adapter's RegistryClient provides them. */
export type AttestationSource = ReferrerSource;

export interface AttestationAcquireOptions {
  source: AttestationSource;
  key?: KeyObject;
  /** How the key is named in evidence: its file path. */
  keyLabel?: string;
  /** `--trusted-root` and the identity flags: keyless bundles verified offline. */
  keyless?: KeylessPolicy;
  allowUnverified?: boolean;
  maxEnvelopeBytes?: number;
}

type RegistryTarget = Target & { kind: 'registry' };
/** SBOM envelopes found, and the SLSA provenance envelopes found beside them (their build times). */
type Found = { lines: string[]; provenance: string[]; label: string } | string;

const DSSE_LAYER = 'application/vnd.dsse.envelope.v1+json';
const SBOM_PREDICATE = /^https:\/\/(cyclonedx\.org\/bom|spdx\.dev\/Document|syft\.dev\/bom)/;
const DEFAULT_MAX_ENVELOPE = 64 * 1024 * 1024;

const AttManifest = lazySchema(() =>
  z.looseObject({
    layers: z.array(z.looseObject({ mediaType: z.string(), digest: z.string().regex(/^sha256:[0-9a-f]{64}$/), size: z.number().int().nonnegative() })),
  }),
);
const Statement = lazySchema(() =>
  z.looseObject({
    predicateType: z.string().optional(),
    subject: z.array(z.looseObject({ digest: z.record(z.string(), z.string()).optional() })).nullish(),
  }),
);
const Envelope = lazySchema(() =>
  z.looseObject({ payload: z.string() }),
);

/** The predicate type of the envelope's (bare, or inside a Sigstore bundle) statement when it is about this digest. */
function predicateAbout(text: string, digest: string): string | undefined {
  try {
    const value = JSON.parse(text) as { dsseEnvelope?: unknown };
    const env = Envelope.parse(value && typeof value === 'object' && 'dsseEnvelope' in value ? value.dsseEnvelope : value);
    const stmt = Statement.parse(JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')));
    // A signature binds the statement, not where it was found: the subject must name this image.
    const about = (stmt.subject ?? []).some((s) => `sha256:${s.digest?.sha256 ?? ''}` === digest);
    return about ? (stmt.predicateType ?? '') : undefined;
  } catch {
    return undefined;
  }
}

const sbomAbout = (text: string, digest: string) => SBOM_PREDICATE.test(predicateAbout(text, digest) ?? '\0');
const provenanceAbout = (text: string, digest: string) => SLSA_PREDICATE.test(predicateAbout(text, digest) ?? '\0');

const oneLine = (text: string) => JSON.stringify(JSON.parse(text));

/** SBOM bundles about the digest among its referrers (API or referrers tag). */
async function fromReferrers(opts: AttestationAcquireOptions, t: RegistryTarget, digest: string, call: Call): Promise<Found> {
  const found = await findReferrerBundles(opts.source, t, digest, opts.maxEnvelopeBytes ?? DEFAULT_MAX_ENVELOPE, call);
  if (typeof found === 'string') return found;
  const kept = found.bundles.filter((b) => sbomAbout(b.text, digest));
  const skipped = found.skipped.length > 0 ? ` (${found.skipped.join('; ')})` : '';
  if (kept.length === 0) return `no SBOM bundle about ${digest} among its referrers (${found.via})${skipped}`;
  const label = `${t.registry}/${t.repository}@${digest}: referrer ${kept.map((b) => b.manifest).join(', ')} via the ${found.via}`;
  const provenance = found.bundles.filter((b) => provenanceAbout(b.text, digest)).map((b) => oneLine(b.text));
  return { lines: kept.map((b) => oneLine(b.text)), provenance, label };
}

/** SBOM envelopes about the digest under the legacy cosign tag `sha256-<hex>.att`. */
async function fromAttTag(opts: AttestationAcquireOptions, t: RegistryTarget, digest: string, call: Call): Promise<Found> {
  const tag = `${digest.replace(':', '-')}.att`;
  let manifest;
  try {
    manifest = AttManifest.parse(JSON.parse((await opts.source.getManifest(t, tag, call)).bytes.toString('utf8')));
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    return /: not found\b/.test(text) ? `no attestation stored at ${tag}` : `cannot read ${tag}: ${text}`;
  }
  const layers = manifest.layers.filter((l) => l.mediaType === DSSE_LAYER);
  const lines: string[] = [];
  const provenance: string[] = [];
  for (const layer of layers) {
    try {
      const text = (await readBlob(opts.source, t, layer.digest, opts.maxEnvelopeBytes ?? DEFAULT_MAX_ENVELOPE, call)).toString('utf8');
      if (sbomAbout(text, digest)) lines.push(oneLine(text));
      else if (provenanceAbout(text, digest)) provenance.push(oneLine(text));
    } catch (err) {
      return `cannot read ${tag}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return lines.length > 0 ? { lines, provenance, label: `${t.registry}/${t.repository}:${tag}` } : `no SBOM attestation about ${digest} among ${layers.length} at ${tag}`;
}

/**
 * Build times from the SLSA provenance attestations found beside the SBOM: each checked with the same key or
 * trusted root; one whose signature does not verify is used only under --allow-unverified-attestations, and
 * then labelled so (it ranks below the config's own time).
 */
function provenanceSources(opts: AttestationAcquireOptions, texts: readonly string[], digest: string, label: string): { sources: TimeSource[]; notes: string[] } {
  const by = opts.key ?? opts.keyless;
  const sources: TimeSource[] = [];
  const notes: string[] = [];
  for (const text of texts) {
    const check = by ? verifyAttestationDocument(text, label, by) : undefined;
    if (!check?.verified && !opts.allowUnverified) {
      notes.push(`SLSA provenance at ${label} not used: signature not verified (${check?.reason ?? 'no key or trusted root given'})`);
      continue;
    }
    const read = provenanceTimes(statementOf(JSON.parse(text)), digest, { verified: !!check?.verified, via: `attestation at ${label}` });
    sources.push(...read.sources);
    if (read.note) notes.push(read.note);
  }
  return { sources, notes };
}

function imageOf(target: RegistryTarget, digest: string, read: Exclude<ReturnType<typeof readAttestedSbom>, { refused: string }>, provenance: { sources: TimeSource[]; notes: string[] }): AcquiredImage {
  const { sbom, evidence } = read;
  const sbomTime = sbom.created ? sbomCreated(sbom.created, 'attested SBOM creation time') : undefined;
  const created = provenance.sources.length > 0 ? withSources(sbomTime, provenance.sources) : sbomTime;
  return {
    ref: target.ref,
    digest,
    platforms: [
      {
        digest,
        packages: sbom.packages,
        ...sbomFacts(sbom),
        ...(created ? { created } : {}),
        evidence,
        errors: [],
        notes: [...(evidence.verified ? [] : ['SBOM read from an attestation whose signature was not verified']), ...provenance.notes],
      },
    ],
    errors: [],
  };
}

export function attestationAcquirer(opts: AttestationAcquireOptions): Acquirer {
  return {
    name: 'attestation',
    async acquire(target, ctx): Promise<AcquireOutcome> {
      if (target.kind !== 'registry') return notApplicable('attestations are looked up for registry images');
      if (!target.digest) return notMine('attestations are looked up for registry images pinned by digest');
      if (!opts.key && !opts.keyless && !opts.allowUnverified) {
        return notMine('no --key or --trusted-root to verify attestations with (--allow-unverified-attestations reads them unchecked)');
      }
      const digest = target.digest;
      const reasons: string[] = [];
      // The newer form first: an image re-attested with cosign v3 may still carry an older .att beside it.
      for (const find of [fromReferrers, fromAttTag]) {
        const found = await find(opts, target, digest, { signal: ctx.signal });
        if (typeof found === 'string') {
          reasons.push(found);
          continue;
        }
        let read;
        try {
          read = readAttestedSbom(found.lines.join('\n'), found.label, { ...opts, allowUnverified: !!opts.allowUnverified });
        } catch (err) {
          reasons.push(`${found.label}: ${err instanceof Error ? err.message : String(err)}`);
          continue;
        }
        if ('refused' in read) reasons.push(`${found.label}: ${read.refused}`);
        else return { ok: true, image: imageOf(target, digest, read, provenanceSources(opts, found.provenance, digest, found.label)) };
      }
      return notMine(reasons.join('; '));
    },
  } satisfies Acquirer;
}
