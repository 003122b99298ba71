// Image references (`host:port/repo:tag@sha256:...`) parsed and printed the way docker and distribution do.
import { UsageError } from '../../errors.js';

export interface ImageReference {
  /** Registry name as users write it: `docker.io`, `ghcr.io`, `localhost:5000`. */
  registry: string;
  /** Repository path, lower case: `library/nginx`. */
  repository: string;
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
/** Docker Hub's API does not answer on docker.io itself. */
const DOCKER_HUB_API = 'registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_RE = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?$`);
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };
const MAX_NAME_LENGTH = 255;

export interface ParseOptions {
  /** Add `latest` when the reference has neither tag nor digest (default true). */
  defaultTag?: boolean;
}

/** Parses an image reference; throws UsageError naming the reference when it is not valid. */
export function parseReference(input: string, opts: ParseOptions = {}): ImageReference {
  const s = input.trim();
  if (s === '') throw new UsageError('empty image reference');
  const fail = (why: string): never => {
    throw new UsageError(`invalid image reference "${input}": ${why}`);
  };
  const [rest, digest, ...extra] = s.split('@');
  if (extra.length > 0) fail('more than one "@"');
  if (digest !== undefined) checkDigest(digest, fail);
  const name = rest ?? '';
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const hasTag = colon > lastSlash;
  const path = hasTag ? name.slice(0, colon) : name;
  const tag = hasTag ? name.slice(colon + 1) : undefined;
  if (tag !== undefined && !TAG_RE.test(tag)) fail(`bad tag "${tag}"`);
  const { registry, repository } = splitName(path, fail);
  const ref: ImageReference = { registry, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  if (tag === undefined && digest === undefined && opts.defaultTag !== false) ref.tag = 'latest';
  return ref;
}

function checkDigest(digest: string, fail: (why: string) => never): void {
  if (!DIGEST_RE.test(digest)) fail(`bad digest "${digest}"`);
  const [algorithm, hex] = digest.split(':') as [string, string];
  const want = HEX_LENGTH[algorithm];
  if (want === undefined) fail(`unsupported digest algorithm "${algorithm}"`);
  if (hex.length !== want || !/^[0-9a-f]+$/.test(hex)) fail(`digest must be ${want} lower-case hex characters`);
}

/** Splits `[domain/]path` the way docker does: the first part is a registry if it looks like a host. */
function splitName(path: string, fail: (why: string) => never): { registry: string; repository: string } {
  if (path === '') fail('missing repository name');
  const slash = path.indexOf('/');
  const first = slash < 0 ? '' : path.slice(0, slash);
  const isDomain = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  let registry = isDomain ? first : DOCKER_HUB;
  let repository = isDomain ? path.slice(slash + 1) : path;
  if (isDomain && !DOMAIN_RE.test(registry)) fail(`bad registry host "${registry}"`);
  if (DOCKER_HUB_ALIASES.has(registry.toLowerCase())) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (repository !== repository.toLowerCase()) fail('repository name must be lower case');
  for (const part of repository.split('/')) {
    if (!PATH_COMPONENT_RE.test(part)) fail(`bad repository path component "${part}"`);
  }
  if (repository.length > MAX_NAME_LENGTH) fail(`repository name longer than ${MAX_NAME_LENGTH} characters`);
  return { registry, repository };
}

/** The canonical form: always names the registry, `docker.io/library/nginx:latest`. */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The host that answers the registry API for a registry name. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}

/** True when the text names a registry host rather than a repository (`ghcr.io`, `localhost:5000`). */
export function looksLikeHost(text: string): boolean {
  return !text.includes('/') && (/[.:]/.test(text) || text === 'localhost') && DOMAIN_RE.test(text);
}

/** True for strings that are valid tags. */
export function isTag(reference: string): boolean {
  return TAG_RE.test(reference);
}

/** True for tag or digest strings that point at one manifest by content. */
export function isDigest(reference: string): boolean {
  return DIGEST_RE.test(reference) && reference.includes(':');
}
