// Keyless verification of Sigstore bundles, offline: the bundle's Fulcio certificate must chain to the
// user's trusted root (`--trusted-root`, as cosign names it), its transparency-log proof must verify against
// the root's log keys, and the certificate's identity and issuer must match the identity flags.
import { readFileSync } from 'node:fs';
import type { TrustMaterial, VerificationPolicy } from '@sigstore/verify';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';
import { parseJsonValues } from '../../formats/json-text.js';
import { InputError, UsageError } from '../../errors.js';
import type { VerifyResult } from './verify.js';

/** Who must have signed: one identity form and one issuer form, as cosign's flags give them. */
export interface SignerIdentityFlags {
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
}

export interface TrustedRootMaterial {
  trust: TrustMaterial;
  /** False when the root lists no certificate-transparency log (a private Sigstore without CT). */
  requireSct: boolean;
}

/** The Sigstore libraries, loaded when a keyless policy is made: a run without --trusted-root never pays for them. */
interface SigstoreLibs {
  bundleFromJSON: typeof import('@sigstore/bundle').bundleFromJSON;
  toSignedEntity: typeof import('@sigstore/verify').toSignedEntity;
  Verifier: typeof import('@sigstore/verify').Verifier;
}

export interface KeylessPolicy {
  libs: SigstoreLibs;
  /** The trusted root file, named in evidence. */
  trustedRootFile: string;
  /** One root per JSON value in the file: `gh attestation trusted-root` writes several as JSON lines. */
  roots: TrustedRootMaterial[];
  identity: string | RegExp;
  issuer: string | RegExp;
}

const TrustedRootShape = lazySchema(() =>
  z.looseObject({
    mediaType: z.string().regex(/^application\/vnd\.dev\.sigstore\.trustedroot(\.v[\d.]+)?\+json/, 'not a Sigstore trusted root media type'),
    tlogs: z.array(z.unknown()).min(1, 'lists no transparency log'),
    certificateAuthorities: z.array(z.unknown()).min(1, 'lists no certificate authority'),
    ctlogs: z.array(z.unknown()).optional(),
  }),
);

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

/** One trusted root of the file; InputError naming the file (and the root's position when there are several). */
function readRoot(json: unknown, file: string, where: string, load: RootLoaders): TrustedRootMaterial {
  const shape = TrustedRootShape.safeParse(json);
  if (!shape.success) {
    const issue = shape.error.issues[0];
    throw new InputError(file, `${where}${issue?.message ?? 'not a Sigstore trusted root'}`, undefined, issue?.path.join('.') || undefined);
  }
  try {
    return { trust: load.toTrustMaterial(load.fromJSON(json)), requireSct: (shape.data.ctlogs ?? []).length > 0 };
  } catch (err) {
    throw new InputError(file, `${where}not a usable Sigstore trusted root (${err instanceof Error ? err.message : String(err)})`);
  }
}

interface RootLoaders {
  fromJSON: (json: unknown) => import('@sigstore/protobuf-specs').TrustedRoot;
  toTrustMaterial: typeof import('@sigstore/verify').toTrustMaterial;
}

/**
 * A CommonJS package's exports from a dynamic import(). Node (and vitest) give its named exports beside
 * `default`; the CLI's bundle, split into chunks, hands them over as `default` alone (the sigstore packages are
 * CommonJS): read from there, or every keyless check fails with "reading 'fromJSON'".
 */
function commonJsExports<T extends object>(mod: T): T {
  const keys = Object.keys(mod);
  return keys.length === 1 && keys[0] === 'default' ? ((mod as { default: T }).default ?? mod) : mod;
}

/** Reads the trusted root(s) and the identity flags into a policy; InputError naming the file when a root is bad. */
export async function loadKeylessPolicy(trustedRootFile: string, flags: SignerIdentityFlags): Promise<KeylessPolicy> {
  const identity = oneOf(flags.certificateIdentity, flags.certificateIdentityRegexp, 'certificate-identity');
  const issuer = oneOf(flags.certificateOidcIssuer, flags.certificateOidcIssuerRegexp, 'certificate-oidc-issuer');
  let text: string;
  try {
    text = readFileSync(trustedRootFile, 'utf8');
  } catch (err) {
    throw new InputError(trustedRootFile, `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const values = parseJsonValues(text, trustedRootFile);
  const [bundle, verify, specs] = await Promise.all([import('@sigstore/bundle').then(commonJsExports), import('@sigstore/verify').then(commonJsExports), import('@sigstore/protobuf-specs').then(commonJsExports)]);
  const load: RootLoaders = { fromJSON: (json) => specs.TrustedRoot.fromJSON(json), toTrustMaterial: verify.toTrustMaterial };
  const roots = values.map((v, i) => readRoot(v, trustedRootFile, values.length > 1 ? `root ${i + 1} of ${values.length}: ` : '', load));
  const libs: SigstoreLibs = { bundleFromJSON: bundle.bundleFromJSON, toSignedEntity: verify.toSignedEntity, Verifier: verify.Verifier };
  return { libs, trustedRootFile, roots, identity, issuer };
}

export function isSigstoreBundle(value: unknown): boolean {
  const v = value as { mediaType?: unknown; verificationMaterial?: unknown } | null;
  return !!v && typeof v === 'object' && typeof v.mediaType === 'string' && v.mediaType.startsWith('application/vnd.dev.sigstore.bundle') && !!v.verificationMaterial;
}

function message(err: unknown): string {
  const e = err as { code?: string; message?: string; fields?: string[] };
  // @sigstore/bundle's ValidationError says only "invalid bundle"; its fields say what is missing.
  const fields = Array.isArray(e.fields) && e.fields.length > 0 ? ` (${e.fields.join(', ')})` : '';
  return `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}${fields}`;
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
    entity = p.libs.toSignedEntity(p.libs.bundleFromJSON(value));
  } catch (err) {
    return { verified: false, reason: `not a valid Sigstore bundle: ${message(err)}` };
  }
  const policy: VerificationPolicy = { subjectAlternativeName: p.identity, ...(typeof p.issuer === 'string' ? { extensions: { issuer: p.issuer } } : {}) };
  const failures: string[] = [];
  for (const root of p.roots) {
    let signer;
    try {
      signer = new p.libs.Verifier(root.trust, { tlogThreshold: 1, ctlogThreshold: root.requireSct ? 1 : 0 }).verify(entity, policy);
    } catch (err) {
      failures.push(message(err));
      continue;
    }
    const issuer = signer.identity?.extensions?.issuer;
    if (p.issuer instanceof RegExp && !(issuer !== undefined && p.issuer.test(issuer))) {
      return { verified: false, reason: `keyless: certificate issuer ${issuer ?? '(none)'} does not match ${p.issuer.source}` };
    }
    const who = signer.identity?.subjectAlternativeName ?? '(no identity)';
    const sct = root.requireSct ? '' : ' (no SCT check: the trusted root lists no CT log)';
    return { verified: true, reason: `keyless: certificate for ${who} issued by ${issuer ?? '(no issuer)'}, chained to ${p.trustedRootFile}${sct}${logEntryNote(value)}` };
  }
  const why = failures.length === 1 ? failures[0] : failures.map((f, i) => `root ${i + 1}: ${f}`).join('; ');
  return { verified: false, reason: `keyless: ${why}` };
}
