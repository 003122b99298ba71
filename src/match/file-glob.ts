// File indicator paths: globs anchored at the image root, compiled once to a RegExp.

/**
 * A compiled `files[].path` glob. `basename` is the last segment when it has no wildcard, so a reader
 * can skip every file of another name without running the RegExp (and hash only candidates).
 */
export interface FileGlob {
  glob: string;
  regex: RegExp;
  basename?: string;
}

const SPECIAL = /[*?[\]]/;

/** Why a glob is refused, or undefined when it is usable. */
export function fileGlobProblem(glob: string): string | undefined {
  if (!glob.startsWith('/')) return 'a file path is anchored at the image root: start it with /';
  if (glob.includes('\\')) return 'use / between path segments; \\ is not an escape in a file glob';
  const segments = glob.slice(1).split('/');
  if (segments.some((s) => s === '.' || s === '..')) return 'no . or .. segments: write the path as it is in the image';
  if (segments.slice(0, -1).some((s) => s === '')) return 'an empty path segment (//)';
  if (segments.some((s) => s.includes('**') && s !== '**')) return '** must be a whole path segment (/**/)';
  let open = false;
  for (const c of glob) {
    if (c === '[') {
      if (open) return 'a [ inside a [...] class';
      open = true;
    } else if (c === ']') {
      if (!open) return 'a ] without its [';
      open = false;
    }
  }
  if (open) return 'a [ without its ]';
  if (segments.at(-1) === '') return 'a file path names a file, not a folder: it must not end with /';
  return undefined;
}

function segmentSource(seg: string): string {
  let out = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i);
      let body = seg.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^/' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return out;
}

/**
 * Compiles a glob that fileGlobProblem accepted. Matched against a file's absolute path in the image
 * (`/usr/lib/python3.12/site-packages/litellm_init.pth`), case-sensitively, as the kernel compares names.
 * `/**\/x` matches `/x` too: `**` is zero or more whole segments.
 */
export function compileFileGlob(glob: string): FileGlob {
  const problem = fileGlobProblem(glob);
  if (problem !== undefined) throw new Error(`unusable file glob ${JSON.stringify(glob)}: ${problem}`);
  const segments = glob.slice(1).split('/');
  let source = '';
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (seg === '**') source += last ? '(?:/[^/]+)+' : '(?:/[^/]+)*';
    else source += `/${segmentSource(seg)}`;
  });
  const compiled: FileGlob = { glob, regex: new RegExp(`^${source}$`) };
  const base = segments.at(-1)!;
  if (!SPECIAL.test(base) && base !== '**') compiled.basename = base;
  return compiled;
}

/** Whether an image path (absolute, `/`-separated, as the reader reports it) matches. */
export function matchesFileGlob(g: FileGlob, imagePath: string): boolean {
  if (g.basename !== undefined && !imagePath.endsWith(`/${g.basename}`)) return false;
  return g.regex.test(imagePath);
}
