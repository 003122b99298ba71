// Build times from SLSA provenance statements (in-toto): BuildKit's attestation manifests inside an image
// index, and signed attestations found beside a registry image. Each time is a labelled source; whether a
// signature over it was checked is part of the label and of how far it is trusted (see match/build-time.ts).
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import type { TimeSource } from '../model/finding.js';

/** in-toto predicate types of SLSA provenance: v0.1/v0.2 (`/provenance/v0.2`) and v1 (`/provenance/v1`). */
export const SLSA_PREDICATE = /^https:\/\/slsa\.dev\/provenance\/(v0\.[12]|v1)$/;

const Time = lazySchema(() =>
  z.string().min(1),
);
// SLSA v0.2: predicate.metadata.{buildStartedOn,buildFinishedOn} (https://slsa.dev/spec/v0.2/provenance).
const V02 = lazySchema(() =>
  z.looseObject({ metadata: z.looseObject({ buildStartedOn: Time.optional(), buildFinishedOn: Time.optional() }).nullish() }),
);
// SLSA v1: predicate.runDetails.metadata.{startedOn,finishedOn} (https://slsa.dev/spec/v1.0/provenance).
const V1 = lazySchema(() =>
  z.looseObject({
    runDetails: z.looseObject({ metadata: z.looseObject({ startedOn: Time.optional(), finishedOn: Time.optional() }).nullish() }).nullish(),
  }),
);
const Statement = lazySchema(() =>
  z.looseObject({
    predicateType: z.string(),
    subject: z.array(z.looseObject({ digest: z.record(z.string(), z.string()).optional() })).nullish(),
    predicate: z.unknown(),
  }),
);

export interface ProvenanceRead {
  sources: TimeSource[];
  /** Why the statement gave no time, when it did not (not about this digest, no time fields). */
  note?: string;
}

/**
 * The build times a provenance statement gives for `digest`. The finish time is listed first: it is the
 * moment the image existed, as the config's `created` is; the start time follows as a second source.
 * A statement about another digest gives nothing (a signature binds a statement, not where it was found).
 */
export function provenanceTimes(statement: unknown, digest: string, how: { verified: boolean; via: string }): ProvenanceRead {
  const parsed = Statement.safeParse(statement);
  if (!parsed.success) return { sources: [], note: `${how.via}: not an in-toto statement` };
  const stmt = parsed.data;
  const version = SLSA_PREDICATE.exec(stmt.predicateType)?.[1];
  if (!version) return { sources: [], note: `${how.via}: predicate ${stmt.predicateType} is not SLSA provenance` };
  if (!(stmt.subject ?? []).some((s) => `sha256:${s.digest?.sha256 ?? ''}` === digest)) {
    return { sources: [], note: `${how.via}: SLSA provenance does not name ${digest} as its subject` };
  }
  const fields: [string, string | undefined][] = [];
  if (version === 'v1') {
    const m = V1.safeParse(stmt.predicate).data?.runDetails?.metadata;
    fields.push(['runDetails.metadata.finishedOn', m?.finishedOn], ['runDetails.metadata.startedOn', m?.startedOn]);
  } else {
    const m = V02.safeParse(stmt.predicate).data?.metadata;
    fields.push(['metadata.buildFinishedOn', m?.buildFinishedOn], ['metadata.buildStartedOn', m?.buildStartedOn]);
  }
  const trust = how.verified ? 'signature verified' : 'signature not verified';
  const sources = fields
    .filter((f): f is [string, string] => typeof f[1] === 'string')
    .map(([field, value]): TimeSource => ({ kind: 'provenance', source: `SLSA provenance ${version} ${field} (${how.via}, ${trust})`, value, reliable: true, verified: how.verified }));
  return sources.length > 0 ? { sources } : { sources: [], note: `${how.via}: SLSA provenance ${version} carries no build time` };
}

/** A statement from a DSSE envelope or a Sigstore bundle (its `dsseEnvelope`), or undefined when it is neither. */
export function statementOf(value: unknown): unknown {
  const v = value as { dsseEnvelope?: unknown; payload?: unknown } | null;
  const env = v && typeof v === 'object' && 'dsseEnvelope' in v ? (v.dsseEnvelope as { payload?: unknown }) : v;
  if (!env || typeof env !== 'object' || typeof env.payload !== 'string') return undefined;
  try {
    return JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
