// cosign: `cosign verify-attestation --type <t> <policy> <ref@digest>`; stdout is one verified DSSE envelope per line.
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { ToolError } from '../errors.js';
import { runTool } from './exec.js';

/**
 * Who must have signed: a public key (file or KMS URI), or a keyless certificate identity and issuer
 * (one exact or regexp form of each), optionally checked against a trusted root file instead of cosign's TUF.
 */
export type CosignPolicy =
  | { key: string }
  | {
      certificateIdentity?: string;
      certificateIdentityRegexp?: string;
      certificateOidcIssuer?: string;
      certificateOidcIssuerRegexp?: string;
      trustedRoot?: string;
    };

/** cosign's names for the SBOM predicate types, in the order they are tried. */
export const SBOM_ATTESTATION_TYPES = ['cyclonedx', 'spdxjson'] as const;
export type SbomAttestationType = (typeof SBOM_ATTESTATION_TYPES)[number];

export interface CosignRunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export function policyArgs(policy: CosignPolicy): string[] {
  if ('key' in policy) return ['--key', policy.key];
  const flag = (name: string, value: string | undefined) => (value ? [name, value] : []);
  return [
    ...flag('--certificate-identity', policy.certificateIdentity),
    ...flag('--certificate-identity-regexp', policy.certificateIdentityRegexp),
    ...flag('--certificate-oidc-issuer', policy.certificateOidcIssuer),
    ...flag('--certificate-oidc-issuer-regexp', policy.certificateOidcIssuerRegexp),
    ...flag('--trusted-root', policy.trustedRoot),
  ];
}

/** A short, stable description of the policy: what the cache keys a verified entry by. */
export function policyLabel(policy: CosignPolicy): string {
  if ('key' in policy) return `key ${policy.key}`;
  const who = policy.certificateIdentity ?? `~${policy.certificateIdentityRegexp ?? ''}`;
  const issuer = policy.certificateOidcIssuer ?? `~${policy.certificateOidcIssuerRegexp ?? ''}`;
  return `identity ${who} issuer ${issuer}${policy.trustedRoot ? ` root ${policy.trustedRoot}` : ''}`;
}

/** The verified envelopes (JSON lines) cosign printed; ToolError when cosign refuses or fails. */
export async function verifyAttestation(
  imageRef: string,
  type: SbomAttestationType,
  policy: CosignPolicy,
  opts: CosignRunOptions,
): Promise<string> {
  const { stdout } = await runTool({
    tool: 'cosign',
    args: ['verify-attestation', '--type', type, ...policyArgs(policy), imageRef],
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
  });
  return stdout;
}

/**
 * cosign says "no matching attestations" both when there are none and when none verifies under the
 * policy, and "none of the attestations matched the predicate type" when only other types exist.
 */
export function isNoAttestation(err: unknown): boolean {
  return err instanceof ToolError && /no matching attestations|none of the attestations matched|found no attestations/i.test(err.message);
}

const CosignVersion = lazySchema(() =>
  z.looseObject({ gitVersion: z.string() }),
);

let versionOnce: Promise<string | undefined> | undefined;

/** `cosign version --json`, asked once per process; undefined when it cannot be told. */
export function cosignVersion(opts: CosignRunOptions): Promise<string | undefined> {
  versionOnce ??= runTool({ tool: 'cosign', args: ['version', '--json'], timeoutMs: opts.timeoutMs })
    .then(({ stdout }) => {
      const parsed = CosignVersion.safeParse(JSON.parse(stdout));
      return parsed.success ? parsed.data.gitVersion : undefined;
    })
    .catch(() => undefined);
  return versionOnce;
}

/** Tests swap cosign stand-ins between cases. */
export function resetCosignVersion(): void {
  versionOnce = undefined;
}
