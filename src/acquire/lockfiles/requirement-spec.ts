// One requirement as PEP 508 (and pip's URL and path forms) writes it -> the name and, when pinned, the version.

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/;
const EXTRAS = /^\s*\[\s*(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\s*(?:,\s*[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\s*)*)?\]/;
// PEP 440, as packaging's VERSION_PATTERN spells it; a `${VAR}` pip would fill in from the environment stands in whole.
const PEP440 = String.raw`v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*(?:[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?[0-9]*)?(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?(?:[-_.]?dev[-_.]?[0-9]*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?`;
const VERSION = String.raw`(?:${PEP440}|\$\{[A-Z0-9_]+\})(?:\.\*)?`;
// `===` compares strings: anything up to a space, `;` or `)` is its version (PEP 440 arbitrary equality).
const CLAUSE = String.raw`\s*(?:(===)\s*([^\s;)]+)|(==|!=|<=|>=|~=|<|>)\s*(${VERSION}))\s*`;
const CLAUSES = new RegExp(String.raw`^${CLAUSE}(?:,${CLAUSE})*$`, 'i');
const ONE_CLAUSE = new RegExp(String.raw`^${CLAUSE}$`, 'i');
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
/** PEP 427: `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`. */
const WHEEL = /^([^-]+)-([^-]+)(?:-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$/i;
const SDIST = /^(.+)-(\d[^-]*?)\.(?:tar\.gz|tar\.bz2|tar\.xz|tgz|zip)$/i;

export type RequirementSpec =
  | { kind: 'named'; name: string; version: string; unpinned: boolean; envVars: string[]; direct?: string }
  | { kind: 'unnamed'; location: string };

/** The file name at the end of a URL or path, without query or fragment. */
function fileNameOf(location: string): string {
  // A path keeps `#` and `?` as part of the file name; only a URL has a fragment and a query.
  const bare = URL_SCHEME.test(location) ? location.split(/[#?]/)[0]! : location;
  return decodeURIComponent(bare.slice(bare.lastIndexOf('/') + 1));
}

/** What a wheel or sdist file name says it holds; pip installs exactly that. */
export function archiveIdentity(location: string): { name: string; version: string } | undefined {
  let file: string;
  try {
    file = fileNameOf(location);
  } catch {
    return undefined;
  }
  const m = WHEEL.exec(file) ?? SDIST.exec(file);
  return m ? { name: m[1]!.replace(/_/g, '-'), version: m[2]! } : undefined;
}

function eggName(location: string): string | undefined {
  return /[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(location)?.[1];
}

/** The exact version a specifier set allows, or '' when it allows a range (`==1.4.*` is a range too). */
function pinOf(spec: string): string {
  const clauses = spec.split(',').flatMap((c) => {
    const m = ONE_CLAUSE.exec(c);
    return m ? [{ op: m[1] ?? m[3], version: m[2] ?? m[4]! }] : [];
  });
  const pins = clauses.filter((c) => c.op === '===' || (c.op === '==' && !c.version.endsWith('*')));
  return pins.length === 1 ? pins[0]!.version : '';
}

function envVarsIn(s: string): string[] {
  return [...s.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!);
}

/** A path or URL on its own line, as pip accepts it: the name from `#egg=` or the archive's file name. */
function unnamed(location: string): RequirementSpec {
  const archive = archiveIdentity(location);
  if (archive) return { kind: 'named', ...archive, unpinned: false, envVars: envVarsIn(location), direct: location };
  // A folder's `#egg=` is ignored by pip (it reads the project's own metadata); a URL's names the package.
  const egg = URL_SCHEME.test(location) ? eggName(location) : undefined;
  if (egg) return { kind: 'named', name: egg, version: '', unpinned: true, envVars: envVarsIn(location), direct: location };
  return { kind: 'unnamed', location };
}

const MARKER_VARS = new Set([
  'python_version', 'python_full_version', 'os_name', 'sys_platform', 'platform_release', 'platform_system',
  'platform_version', 'platform_machine', 'platform_python_implementation', 'implementation_name',
  'implementation_version', 'extra',
]);
const MARKER_TOKEN = /\s*(?:(\()|(\))|("[^"]*"|'[^']*')|(===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b)|(and\b|or\b)|([A-Za-z_][A-Za-z0-9_.]*))/y;

/** PEP 508 markers: `var op var` joined by and/or, in parentheses or not; values are not evaluated. */
function validMarker(text: string): boolean {
  const tokens: string[] = [];
  MARKER_TOKEN.lastIndex = 0;
  while (MARKER_TOKEN.lastIndex < text.length && text.slice(MARKER_TOKEN.lastIndex).trim() !== '') {
    const m = MARKER_TOKEN.exec(text);
    if (!m) return false;
    tokens.push(m[1] ? '(' : m[2] ? ')' : m[3] ? 'value' : m[4] ? 'op' : m[5] ? 'join' : MARKER_VARS.has(m[6]!) ? 'value' : 'bad');
  }
  let i = 0;
  const expr = (): boolean => {
    if (!atom()) return false;
    while (tokens[i] === 'join') {
      i++;
      if (!atom()) return false;
    }
    return true;
  };
  const atom = (): boolean => {
    if (tokens[i] === '(') {
      i++;
      if (!expr() || tokens[i] !== ')') return false;
      i++;
      return true;
    }
    if (tokens[i] !== 'value' || tokens[i + 1] !== 'op' || tokens[i + 2] !== 'value') return false;
    i += 3;
    return true;
  };
  return expr() && i === tokens.length;
}

const ARCHIVE = /\.(?:whl|tar\.gz|tgz|tar|tbz|tar\.bz2|tar\.xz|txz|tlz|tar\.lz|tar\.lzma|zip)$/i;
const looksLikePath = (s: string) => s.includes('/') || s.startsWith('.');

/**
 * pip's _get_url_from_path: an archive name is a file, unless an `@` follows something that is no path
 * (then it is `name @ url`); a path-like name is a local project (pip checks that the folder exists).
 */
function isPathRequirement(text: string): boolean {
  const at = text.indexOf('@');
  if (ARCHIVE.test(text)) return at < 0 || looksLikePath(text.slice(0, at));
  return at < 0 && looksLikePath(text);
}

/** Throws with what is wrong when the text is neither PEP 508 nor a path or URL pip would take. */
export function parseRequirementSpec(text: string): RequirementSpec {
  const withoutMarker = text.split(/\s;|;\s|;$/)[0]!.trim();
  if (URL_SCHEME.test(withoutMarker) || isPathRequirement(withoutMarker)) return unnamed(withoutMarker);
  const name = NAME.exec(text)?.[1];
  if (!name) throw new Error(`cannot read a package name from "${text}"`);
  let rest = text.slice(name.length);
  const extras = EXTRAS.exec(rest);
  if (extras) rest = rest.slice(extras[0].length);
  else if (/^\s*\[/.test(rest)) throw new Error(`cannot read the extras in "${text}"`);
  rest = rest.trimStart();
  if (rest.startsWith('@')) {
    const [url = '', ...after] = rest.slice(1).trim().split(/\s+/);
    if (!URL_SCHEME.test(url) && !url.startsWith('file:')) throw new Error(`"${name} @" is not followed by a URL`);
    // PEP 508: only a marker may follow the URL, after whitespace.
    const tail = after.join(' ');
    if (tail && !(tail.startsWith(';') && validMarker(tail.slice(1)))) throw new Error(`cannot read "${tail}" after the URL`);
    const archive = archiveIdentity(url);
    const version = archive && archive.name.toLowerCase().replace(/[-_.]+/g, '-') === name.toLowerCase().replace(/[-_.]+/g, '-') ? archive.version : '';
    return { kind: 'named', name, version, unpinned: version === '', envVars: envVarsIn(url), direct: url };
  }
  const marker = rest.indexOf(';');
  let spec = (marker < 0 ? rest : rest.slice(0, marker)).trim();
  if (marker >= 0 && !validMarker(rest.slice(marker + 1))) throw new Error(`cannot read the environment marker "${rest.slice(marker + 1).trim()}"`);
  if (spec.startsWith('(') && spec.endsWith(')')) spec = spec.slice(1, -1).trim();
  if (spec === '') return { kind: 'named', name, version: '', unpinned: true, envVars: [] };
  if (!CLAUSES.test(spec)) throw new Error(`cannot read the version specifier "${spec}"`);
  const envVars = envVarsIn(spec);
  const version = pinOf(spec);
  if (envVars.length > 0) return { kind: 'named', name, version: '', unpinned: true, envVars };
  return { kind: 'named', name, version, unpinned: version === '', envVars };
}
