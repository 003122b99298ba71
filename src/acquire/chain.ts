// Builds the run's acquisition chain from --sbom-sources: the user's own files first, then the ways
// to get an image's SBOM in the order asked (default: cache, cosign, attestation, buildkit, syft, native).
import { readFile } from 'node:fs/promises';
import { InputError, UsageError } from '../errors.js';
import type { Target } from '../model/target.js';
import type { Acquirer } from './acquirer.js';
import { createSbomFileAcquirer } from './sbom-file.js';
import { cachePath, cachePolicyFor, openCache, withCache, type CacheStore } from './cache/index.js';
import { policyLabel, type CosignPolicy } from '../adapters/cosign.js';
import type { RegistryClient } from '../adapters/oci/client.js';
import type { CredentialLookup } from '../adapters/oci/credentials.js';

export const SBOM_SOURCES = ['cache', 'cosign', 'attestation', 'buildkit', 'syft', 'grype', 'native'] as const;
export type SbomSource = (typeof SBOM_SOURCES)[number];
export const DEFAULT_SBOM_SOURCES: SbomSource[] = ['cache', 'cosign', 'attestation', 'buildkit', 'syft', 'native'];

export interface ChainOptions {
  sbomSources: SbomSource[];
  registry: RegistryClient;
  credentials: CredentialLookup;
  /** commander's --no-cache sets cache: false. */
  cache: boolean;
  cacheDir?: string;
  key?: string;
  allowUnverifiedAttestations: boolean;
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
  /** `--trusted-root`: keyless bundles are verified natively, offline, against this Sigstore trusted root. */
  trustedRoot?: string;
  toolTimeoutMs: number;
  warn: (message: string) => void;
}

export interface Chain {
  links: Acquirer[];
  /** The SBOM cache when one is open: push times are kept there too. */
  store?: CacheStore;
  close(): void;
}

function cosignPolicyOf(o: ChainOptions): CosignPolicy | undefined {
  if (o.key) return { key: o.key };
  const identity = o.certificateIdentity ?? o.certificateIdentityRegexp;
  const issuer = o.certificateOidcIssuer ?? o.certificateOidcIssuerRegexp;
  if (!identity && !issuer && !o.trustedRoot) return undefined;
  if (!issuer) throw new UsageError('--certificate-identity needs --certificate-oidc-issuer (or --certificate-oidc-issuer-regexp)');
  if (!identity) throw new UsageError('--certificate-oidc-issuer needs --certificate-identity or --certificate-identity-regexp');
  const pick = <K extends keyof ChainOptions>(k: K) => (o[k] !== undefined ? { [k]: o[k] } : {});
  return {
    ...pick('certificateIdentity'),
    ...pick('certificateIdentityRegexp'),
    ...pick('certificateOidcIssuer'),
    ...pick('certificateOidcIssuerRegexp'),
    ...pick('trustedRoot'),
  } as CosignPolicy;
}

/** Registry targets are opened through the run's one client, so limits and tokens are shared. */
function registryOpener(client: RegistryClient) {
  return async (target: Target, signal?: AbortSignal) => {
    if (target.kind !== 'registry') return undefined;
    const { RegistryImageStore } = await import('../adapters/oci/registry-store.js');
    return new RegistryImageStore(
      client,
      { registry: target.registry, repository: target.repository, ...(target.tag ? { tag: target.tag } : {}), ...(target.digest ? { digest: target.digest } : {}) },
      signal,
    );
  };
}

/**
 * A link whose module loads when the first target reaches it: a scan of SBOM files, answered by the first link,
 * never loads the image readers, the lockfile parsers or the attestation verifier (start-up time).
 */
export function lazyLink(name: string, load: () => Promise<Acquirer>): Acquirer {
  let loaded: Promise<Acquirer> | undefined;
  const link = async () => {
    const real = await (loaded ??= load());
    if (real.name !== name) throw new Error(`internal error: the ${name} link loaded the ${real.name} acquirer`);
    return real;
  };
  return { name, acquire: async (target, ctx) => (await link()).acquire(target, ctx) };
}

async function readKey(file: string | undefined) {
  if (!file) return undefined;
  if (/^[a-z0-9-]+:\/\//i.test(file)) return undefined; // a KMS URI: only cosign can use it
  const pem = await readFile(file, 'utf8').catch(() => {
    throw new InputError(file, 'cannot read the public key');
  });
  const { loadPublicKey } = await import('./attestation/verify.js');
  return loadPublicKey(pem, file);
}

export async function buildChain(o: ChainOptions): Promise<Chain> {
  const policy = cosignPolicyOf(o);
  const key = await readKey(o.key);
  const keyless = !o.key && o.trustedRoot ? await (await import('./attestation/keyless.js')).loadKeylessPolicy(o.trustedRoot, o) : undefined;
  const tool = { timeoutMs: o.toolTimeoutMs, credentials: o.credentials };
  const make: Record<Exclude<SbomSource, 'cache'>, () => Promise<Acquirer>> = {
    cosign: async () => (await import('./cosign.js')).cosignAcquirer({ ...(policy ? { policy } : {}), timeoutMs: o.toolTimeoutMs }),
    attestation: async () =>
      (await import('./attestation/acquirer.js')).attestationAcquirer({
        source: o.registry,
        ...(key ? { key, keyLabel: o.key } : {}),
        ...(keyless ? { keyless } : {}),
        allowUnverified: o.allowUnverifiedAttestations,
      }),
    // BuildKit attestations live inside the image's own index, on disk or in a registry alike.
    buildkit: async () => {
      const [{ createBuildkitAcquirer }, { openLocalStore }] = await Promise.all([import('./attestation/buildkit.js'), import('./native/acquirer.js')]);
      return createBuildkitAcquirer({ openStore: (t, signal) => openLocalStore(t).then((s) => s ?? registryOpener(o.registry)(t, signal)) });
    },
    syft: async () => (await import('./syft.js')).syftAcquirer(tool),
    grype: async () => (await import('./grype.js')).grypeAcquirer(tool),
    native: async () => (await import('./native/acquirer.js')).createNativeAcquirer({ openStore: registryOpener(o.registry) }),
  };
  let links = o.sbomSources.filter((s): s is Exclude<SbomSource, 'cache'> => s !== 'cache').map((s) => lazyLink(s, make[s]));
  let store: CacheStore | undefined;
  const file = o.sbomSources.includes('cache') ? cachePath({ cache: o.cache, ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}) }) : undefined;
  if (file) {
    try {
      store = openCache(file, { warn: o.warn });
      const cachePolicy = cachePolicyFor({ ...(policy ? { verifier: policyLabel(policy) } : {}), allowUnverified: o.allowUnverifiedAttestations });
      links = withCache(links, store, cachePolicy, o.warn);
    } catch (err) {
      o.warn(`cache ${err instanceof Error ? err.message : String(err)}; running without the cache`);
    }
  }
  const files = createSbomFileAcquirer({ ...(key ? { key, keyLabel: o.key! } : {}), ...(keyless ? { keyless } : {}), allowUnverified: o.allowUnverifiedAttestations });
  const directory = lazyLink('directory', async () => (await import('./directory.js')).directoryAcquirer);
  return { links: [files, directory, ...links], ...(store ? { store } : {}), close: () => store?.close() };
}
