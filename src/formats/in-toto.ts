// in-toto statements, bare or in DSSE envelopes (alone, streamed, or in a Sigstore bundle), carrying an SBOM predicate.
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { InputError } from '../errors.js';
import { checkJsonDepth } from './json-text.js';
import type { Package } from '../model/package.js';
import { asDigest, describedImage, asTimestamp, isRecord, parseWith, type DecodedSbom, type Identified, type SbomDecoder } from './decoder.js';

const IN_TOTO_PAYLOAD = 'application/vnd.in-toto+json';
const STATEMENT_VERSIONS = /^https:\/\/in-toto\.io\/Statement\/v(0\.1|1)$/;

export const Envelope = lazySchema(() =>
  z.looseObject({
    payloadType: z.string(),
    payload: z.string(),
    signatures: z.array(z.looseObject({ sig: z.string().optional(), keyid: z.string().optional() })).nullish(),
  }),
);
type Envelope = z.infer<typeof Envelope>;

export const Statement = lazySchema(() =>
  z.looseObject({
    _type: z.string(),
    predicateType: z.string().optional(),
    subject: z
      .array(z.looseObject({ name: z.string().optional(), digest: z.record(z.string(), z.string()).optional() }))
      .nullish(),
    predicate: z.unknown(),
  }),
);
type Statement = z.infer<typeof Statement>;

/** One statement, with the envelope that carried it when there was one. */
export interface Attestation {
  statement: Statement;
  envelope?: Envelope;
  bundle: boolean;
}

type Shape = 'bundle' | 'envelope' | 'statement';

function shapeOf(v: unknown): Shape | undefined {
  if (!isRecord(v)) return undefined;
  if (isRecord(v.dsseEnvelope)) return 'bundle';
  if (typeof v.payload === 'string' && typeof v.payloadType === 'string') return 'envelope';
  if (typeof v._type === 'string' && v._type.includes('in-toto.io/Statement')) return 'statement';
  return undefined;
}

/** A stream of values arrives as an array; every value must be an attestation of some shape. */
function valuesOf(doc: unknown): unknown[] {
  return Array.isArray(doc) ? doc : [doc];
}

function identify(doc: unknown): Identified | undefined {
  const values = valuesOf(doc);
  if (values.length === 0 || !values.every((v) => shapeOf(v))) return undefined;
  for (const v of values) {
    const env = shapeOf(v) === 'bundle' ? (v as { dsseEnvelope: Record<string, unknown> }).dsseEnvelope : v;
    const payloadType = isRecord(env) ? env.payloadType : undefined;
    if (typeof payloadType === 'string' && payloadType !== IN_TOTO_PAYLOAD) {
      return { format: 'in-toto', supported: false, detail: `DSSE payloadType ${payloadType} is not supported (supported: ${IN_TOTO_PAYLOAD})` };
    }
  }
  return { format: 'in-toto', supported: true };
}

/** The statements in a document, decoded from their base64 payloads; no predicate is looked at. */
export function readAttestations(doc: unknown, file: string): Attestation[] {
  return valuesOf(doc).map((v) => {
    const shape = shapeOf(v);
    if (shape === 'statement') return { statement: parseWith(Statement, v, file, 'in-toto statement'), bundle: false };
    const envelope = parseWith(Envelope, shape === 'bundle' ? (v as { dsseEnvelope: unknown }).dsseEnvelope : v, file, 'DSSE envelope');
    return { statement: parseWith(Statement, payloadJson(envelope, file), file, 'in-toto statement'), envelope, bundle: shape === 'bundle' };
  });
}

function payloadJson(envelope: Envelope, file: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
  } catch {
    throw new InputError(file, 'DSSE payload is not base64-encoded JSON', undefined, 'payload');
  }
  checkJsonDepth(value, file);
  return value;
}

/** The SBOM inside a predicate: itself, or cosign's old `{Data, Timestamp}` wrapper where Data may be a JSON string. */
export function unwrapPredicate(predicate: unknown): { sbom: unknown; timestamp?: string } {
  if (!isRecord(predicate) || !('Data' in predicate)) return { sbom: predicate };
  const timestamp = typeof predicate.Timestamp === 'string' ? asTimestamp(predicate.Timestamp) : undefined;
  let sbom = predicate.Data;
  if (typeof sbom === 'string') {
    try {
      sbom = JSON.parse(sbom);
    } catch {
      // Not JSON (trivy's custom predicate holds "foo\n"): no SBOM here.
    }

  }
  return { sbom, ...(timestamp ? { timestamp } : {}) };
}

/** The in-toto decoder reads predicates with the document decoders it is given (passed in to avoid an import cycle). */
export function inTotoDecoder(inner: readonly SbomDecoder[]) {
  const decodePredicate = (predicate: unknown, file: string): (DecodedSbom & { timestamp?: string }) | undefined => {
    const { sbom, timestamp } = unwrapPredicate(predicate);
    for (const d of inner) {
      const id = d.identify(sbom);
      if (!id) continue;
      if (!id.supported) throw new InputError(file, `attestation predicate: ${id.detail ?? `${id.format} is not supported`}`);
      return { ...d.decode(sbom, file), ...(timestamp ? { timestamp } : {}) };
    }
    return undefined;
  };

  const decode = (doc: unknown, file: string): DecodedSbom => {
    const attestations = readAttestations(doc, file);
    for (const a of attestations) {
      if (!STATEMENT_VERSIONS.test(a.statement._type)) {
        throw new InputError(file, `in-toto statement type ${a.statement._type} is not supported (supported: v0.1, v1)`, undefined, '_type');
      }
    }
    const found = attestations.flatMap((a) => {
      const sbom = decodePredicate(a.statement.predicate, file);
      return sbom ? [{ a, sbom }] : [];
    });
    const first = found[0];
    if (!first) {
      const types = [...new Set(attestations.map((a) => a.statement.predicateType ?? '(none)'))].join(', ');
      throw new InputError(file, `attestation holds no SBOM I can read (predicateType ${types})`);
    }
    return combine(attestations, found, first);
  };

  return { name: 'in-toto', identify, decode } satisfies SbomDecoder;
}

type Found = { a: Attestation; sbom: DecodedSbom & { timestamp?: string } };

/** Several SBOM attestations (re-attested images) are read together: dropping one could hide a package. */
function combine(all: Attestation[], found: Found[], first: Found): DecodedSbom {
  const packages: Package[] = found.flatMap((f) => f.sbom.packages);
  const formats = [...new Set(found.map((f) => f.sbom.format))].join('+');
  const subjectEntry = first.a.statement.subject?.[0];
  const name = subjectEntry?.name || first.sbom.subject?.name;
  const sha = subjectEntry?.digest?.sha256;
  const digest = asDigest(sha ? `sha256:${sha}` : undefined) ?? first.sbom.subject?.digest;
  const out: DecodedSbom = {
    format: `in-toto/${formats}`,
    packages,
    attestation: {
      predicateType: first.a.statement.predicateType ?? '',
      envelopes: all.filter((a) => a.envelope).length,
      signatures: all.reduce((n, a) => n + (a.envelope?.signatures?.length ?? 0), 0),
      ...(first.a.envelope ? { payloadType: first.a.envelope.payloadType } : {}),
      ...(all.some((a) => a.bundle) ? { bundle: true } : {}),
    },
  };
  const created = first.sbom.created ?? first.sbom.timestamp;
  if (created) out.created = created;
  // The statement's subject is what the signature binds; the SBOM's own adds its version, purl and hashes.
  const subject = describedImage({ ...first.sbom.subject, name, digest });
  if (subject) out.subject = subject;
  const files = found.flatMap((f) => f.sbom.files ?? []);
  if (files.length > 0) out.files = files;
  if (first.sbom.grypeMatches) out.grypeMatches = found.flatMap((f) => f.sbom.grypeMatches ?? []);
  return out;
}
