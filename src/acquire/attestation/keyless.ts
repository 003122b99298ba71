// Keyless verification of Sigstore bundles, offline: the bundle's Fulcio certificate must chain to the
// user's trusted root (`--trusted-root`, as cosign names it), its transparency-log proof must verify against
// the root's log keys, and the certificate's identity and issuer must match the identity flags.
import { readFileSync } from 'node:fs';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial, type TrustMaterial, type VerificationPolicy } from '@sigstore/verify';
import { z } from 'zod';
import { InputError, UsageError } from '../../errors.js';
import type { VerifyResult } from './verify.js';

/** Who must have signed: one identity form and one issuer form, as cosign's flags give them. */
export interface SignerIdentityFlags {
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
}

export interface KeylessPolicy {
  /** The trusted root file, named in evidence. */
  trustedRootFile: string;
  trust: TrustMaterial;
  identity: string | RegExp;
  issuer: string | RegExp;
  /** False when the root lists no certificate-transparency log (a private Sigstore without CT). */
  requireSct: boolean;
}

const TrustedRootShape = z.looseObject({
  mediaType: z.string().regex(/^application\/vnd\.dev\.sigstore\.trustedroot(\.v[\d.]+)?\+json/, 'not a Sigstore trusted root media type'),
  tlogs: z.array(z.unknown()).min(1, 'lists no transparency log'),
  certificateAuthorities: z.array(z.unknown()).min(1, 'lists no certificate authority'),
  ctlogs: z.array(z.unknown()).optional(),
});

function regexpFlag(flag: string, source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (err) {
    throw new UsageError(`${flag}: not a regular expression: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Exactly one of the exact and regexp forms of a flag pair; UsageError naming the flags otherwise. */
function oneOf(exact: string | undefined, regexp: string | undefined, name: string): string | RegExp {
  if (exact && regexp) throw new UsageError(`--${name} and --${name}-regexp: give one of them, not both`);
  if (exact) return exact;
  if (regexp) return regexpFlag(`--${name}-regexp`, regexp);
  throw new UsageError(`--trusted-root needs --${name} or --${name}-regexp: a keyless signature is only as good as the identity it is checked against`);
}

/** Reads the trusted root and the identity flags into a policy; InputError naming the file when the root is bad. */
export function loadKeylessPolicy(trustedRootFile: string, flags: SignerIdentityFlags): KeylessPolicy {
  const identity = oneOf(flags.certificateIdentity, flags.certificateIdentityRegexp, 'certificate-identity');
  const issuer = oneOf(flags.certificateOidcIssuer, flags.certificateOidcIssuerRegexp, 'certificate-oidc-issuer');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(trustedRootFile, 'utf8'));
  } catch (err) {
    const why = err instanceof SyntaxError ? `not JSON (${err.message})` : `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
    throw new InputError(trustedRootFile, why);
  }
  const shape = TrustedRootShape.safeParse(json);
  if (!shape.success) {
    const issue = shape.error.issues[0];
    throw new InputError(trustedRootFile, issue?.message ?? 'not a Sigstore trusted root', undefined, issue?.path.join('.') || undefined);
  }
  let trust: TrustMaterial;
  try {
    trust = toTrustMaterial(TrustedRoot.fromJSON(json));
  } catch (err) {
    throw new InputError(trustedRootFile, `not a usable Sigstore trusted root (${err instanceof Error ? err.message : String(err)})`);
  }
  return { trustedRootFile, trust, identity, issuer, requireSct: (shape.data.ctlogs ?? []).length > 0 };
}

export function isSigstoreBundle(value: unknown): boolean {
  const v = value as { mediaType?: unknown; verificationMaterial?: unknown } | null;
  return !!v && typeof v === 'object' && typeof v.mediaType === 'string' && v.mediaType.startsWith('application/vnd.dev.sigstore.bundle') && !!v.verificationMaterial;
}

function message(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
}

/** Where the bundle's log entry says it was recorded: evidence for a human checking it later. */
function logEntryNote(value: unknown): string {
  const entries = (value as { verificationMaterial?: { tlogEntries?: { logIndex?: string; integratedTime?: string }[] } }).verificationMaterial?.tlogEntries ?? [];
  const e = entries[0];
  if (!e) return '';
  const when = Number(e.integratedTime);
  return `; transparency log entry ${e.logIndex ?? '?'}${Number.isFinite(when) && when > 0 ? ` integrated ${new Date(when * 1000).toISOString()}` : ''}`;
}

/**
 * Verifies one Sigstore bundle against the policy: certificate chain to the trusted root, SCT (when the
 * root has CT logs), transparency-log entry, DSSE signature, then identity and issuer. Never throws.
 */
export function verifyBundle(value: unknown, p: KeylessPolicy): VerifyResult {
  let entity;
  try {
    entity = toSignedEntity(bundleFromJSON(value));
  } catch (err) {
    return { verified: false, reason: `not a valid Sigstore bundle: ${message(err)}` };
  }
  const policy: VerificationPolicy = { subjectAlternativeName: p.identity, ...(typeof p.issuer === 'string' ? { extensions: { issuer: p.issuer } } : {}) };
  try {
    const signer = new Verifier(p.trust, { tlogThreshold: 1, ctlogThreshold: p.requireSct ? 1 : 0 }).verify(entity, policy);
    const issuer = signer.identity?.extensions?.issuer;
    if (p.issuer instanceof RegExp && !(issuer !== undefined && p.issuer.test(issuer))) {
      return { verified: false, reason: `keyless: certificate issuer ${issuer ?? '(none)'} does not match ${p.issuer.source}` };
    }
    const who = signer.identity?.subjectAlternativeName ?? '(no identity)';
    const sct = p.requireSct ? '' : ' (no SCT check: the trusted root lists no CT log)';
    return { verified: true, reason: `keyless: certificate for ${who} issued by ${issuer ?? '(no issuer)'}, chained to ${p.trustedRootFile}${sct}${logEntryNote(value)}` };
  } catch (err) {
    return { verified: false, reason: `keyless: ${message(err)}` };
  }
}
