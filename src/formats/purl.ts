// Package identity from a purl (parsed by packageurl-js), falling back to the document's own fields.
import type { PackageURL } from 'packageurl-js';
import { purlLib } from './purl-lib.js';
import { normalizeEcosystem } from '../match/ecosystem.js';
import { normalizePackageName } from '../match/names.js';
import { versionsEqual } from '../match/versions.js';
import type { Package } from '../model/package.js';

export interface PurlIdentity {
  ecosystem: string;
  name: string;
  version?: string;
  /** The `epoch` qualifier (deb, rpm), which syft writes there rather than in the version. */
  epoch?: string;
}

// In these types the namespace names a distro or vendor, not part of the package's own name.
const VENDOR_NAMESPACE = new Set(['deb', 'rpm', 'apk', 'alpine', 'alpm', 'qpkg', 'oci']);

// A fleet's SBOMs repeat the same purls (a shared base image): each distinct text is parsed once per run. The
// identities are frozen, so no caller can change what another gets; the map is emptied when it grows past a bound.
const PURL_MEMO_MAX = 100_000;
const purlMemo = new Map<string, PurlIdentity | undefined>();

/** Identity from a purl, or undefined when the purl is missing or unusable (ko writes `pkg:golang/@?type=module`). */
export function parsePurl(purl: string | undefined): PurlIdentity | undefined {
  if (!purl) return undefined;
  const known = purlMemo.get(purl);
  if (known !== undefined || purlMemo.has(purl)) return known;
  if (purlMemo.size >= PURL_MEMO_MAX) purlMemo.clear();
  const id = parsePurlText(purl);
  purlMemo.set(purl, id === undefined ? undefined : Object.freeze(id));
  return purlMemo.get(purl);
}

/** The parse itself, without the memo: what parsePurl must always agree with (test/formats/purl-memo.test.ts). */
export function parsePurlText(purl: string): PurlIdentity | undefined {
  return plainPurl(purl) ?? libraryPurl(purl);
}

/**
 * `pkg:type/[namespace/]name@version[?key=value&...]` in the plainest characters (an npm scope's `@` written `%40`,
 * keys like syft's `package-id`), for types whose normalisation
 * (lower case; PyPI's `_` to `-`) leaves such text as it is: read without packageurl-js, which costs several
 * microseconds a purl and was a tenth of decoding a syft SPDX file. Anything else (capitals, `_`, percent-escapes,
 * a subpath, an empty or repeated qualifier, no version, another type) gives undefined and goes to the library.
 * test/formats/purl-plain.test.ts holds it to packageurl-js on generated purls and every purl of the corpus.
 */
const PLAIN_PURL = /^pkg:(npm|pypi|deb|rpm|apk|maven|gem|cargo|nuget|composer|generic)\/(?:((?:%40)?[a-z0-9][a-z0-9.-]*)\/)?([a-z0-9][a-z0-9.-]*)@([A-Za-z0-9][A-Za-z0-9.+~-]*)(?:\?([a-z][a-z-]*=[A-Za-z0-9._-]+(?:&[a-z][a-z-]*=[A-Za-z0-9._-]+)*))?$/;

export function plainPurl(purl: string): PurlIdentity | undefined {
  const m = PLAIN_PURL.exec(purl);
  if (m === null) return undefined;
  const [, type, namespace, name, version, query] = m as unknown as [string, string, string | undefined, string, string, string | undefined];
  // The library refuses a maven purl without its group.
  if (type === 'maven' && namespace === undefined) return undefined;
  let epoch: string | undefined;
  if (query !== undefined) {
    const keys = new Set<string>();
    for (const pair of query.split('&')) {
      const eq = pair.indexOf('=');
      const key = pair.slice(0, eq);
      if (keys.has(key)) return undefined;
      keys.add(key);
      if (key === 'epoch') epoch = pair.slice(eq + 1);
    }
  }
  const ns = namespace?.startsWith('%40') ? `@${namespace.slice(3)}` : namespace;
  const id: PurlIdentity = { ecosystem: normalizeEcosystem(type), name: qualifiedName(type, ns, name), version };
  if (epoch) id.epoch = epoch;
  return id;
}

/** packageurl-js's reading, the reference plainPurl is held to. */
export function libraryPurl(purl: string): PurlIdentity | undefined {
  let parsed: PackageURL;
  try {
    parsed = purlLib().PackageURL.fromString(purl);
  } catch {
    return undefined;
  }
  const { type, namespace, name, version, qualifiers } = parsed;
  // packageurl-js reads `pkg:golang/@` as the name "@": an empty name with an empty version.
  if (!name || name === '@') return undefined;
  const id: PurlIdentity = { ecosystem: normalizeEcosystem(type), name: qualifiedName(type, namespace ?? undefined, name), version: version ?? undefined };
  const epoch = (qualifiers as Record<string, string> | undefined | null)?.['epoch'];
  if (epoch) id.epoch = epoch;
  return id;
}

function qualifiedName(type: string, namespace: string | undefined, name: string): string {
  if (!namespace || VENDOR_NAMESPACE.has(type)) return name;
  if (type === 'maven') return `${namespace}:${name}`;
  return `${namespace}/${name}`;
}

/** What a document says about a package besides its purl. */
export interface PackageFields {
  purl?: string | undefined;
  name?: string | undefined;
  version?: string | undefined;
  /** Ecosystem hint from the document (syft `type`, grype `language`), used only without a usable purl. */
  ecosystem?: string | undefined;
  paths: string[];
}

export function toPackage(f: PackageFields): Package {
  const id = parsePurl(f.purl);
  const pkg: Package = {
    ecosystem: id?.ecosystem ?? normalizeEcosystem(f.ecosystem),
    name: id?.name ?? f.name ?? '',
    version: id?.version ?? f.version ?? '',
    paths: f.paths,
  };
  if (f.purl) pkg.purl = f.purl;
  const declared = id ? disagreement(id, f) : undefined;
  if (declared) pkg.declared = declared;
  return pkg;
}

/**
 * The document's own name and version when they say another package than its purl: a purl can be rewritten
 * to hide a package under a harmless name (or the other way round), so neither is allowed to win silently.
 * A short name that is the purl's last component (maven's artifact, a Go module's last element) agrees.
 */
function disagreement(id: PurlIdentity, f: PackageFields): Package['declared'] | undefined {
  // An image component names its repository where the purl names only the image: not a package identity.
  if (id.ecosystem === 'oci') return undefined;
  const name = f.name?.trim() ?? '';
  const version = f.version?.trim() ?? '';
  // The fields say what the purl says, as a syft SBOM nearly always does: the rules below would agree.
  if (name === id.name && version === (id.version ?? '')) return undefined;
  const eco = id.ecosystem;
  const bare = id.name.slice(Math.max(id.name.lastIndexOf('/'), id.name.lastIndexOf(':')) + 1);
  const nameAgrees = name === '' || [id.name, bare].some((n) => normalizePackageName(eco, n) === normalizePackageName(eco, name));
  const purlVersion = id.version ?? '';
  const withEpoch = id.epoch && purlVersion ? `${id.epoch}:${purlVersion}` : purlVersion;
  // trivy writes an rpm's or deb's upstream version without its release; the purl carries the whole.
  const releaseOmitted = (eco === 'rpm' || eco === 'deb') && [purlVersion, withEpoch].some((v) => v.startsWith(`${version}-`));
  const versionAgrees = version === '' || purlVersion === '' || releaseOmitted || [purlVersion, withEpoch].some((v) => v === version || sameVersion(eco, v, version));
  if (nameAgrees && versionAgrees) return undefined;
  return { name: nameAgrees ? id.name : name, version: version || purlVersion };
}

function sameVersion(eco: string, a: string, b: string): boolean {
  try {
    return versionsEqual(eco, a, b);
  } catch {
    return false;
  }
}

/** Every package whose document fields disagree with its purl is followed by the fields' identity, so both are matched. */
export function withDeclaredIdentities(packages: Package[]): Package[] {
  if (!packages.some((p) => p.declared)) return packages;
  return packages.flatMap((p) => {
    if (!p.declared) return [p];
    const { declared, ...purlSide } = p;
    return [purlSide, { ...purlSide, name: declared.name, version: declared.version, fromFields: true as const }];
  });
}
