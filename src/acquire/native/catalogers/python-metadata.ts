// Python's own reading of a distribution's metadata: importlib.metadata's file choice and email.parser's headers.
//
// Reference behaviour (CPython 3.11-3.13, Lib/importlib/metadata/__init__.py and Lib/email/feedparser.py):
// - PathDistribution.metadata reads METADATA, else PKG-INFO, else the distribution path itself (an
//   `.egg-info` or `.dist-info` that is a file); an empty file counts as absent, a missing one is skipped,
//   but bytes that are not UTF-8 raise (read_text(encoding='utf-8')), with universal newlines.
// - email.message_from_string: header lines until the first line that is empty or does not match
//   `^(From |[\x21-\x39\x3b-\x7e]*:|[\t ])`; continuation lines are appended to the value as they are;
//   a `From ` line and a line starting with `:` are dropped; the value is the text after the first `:`
//   with leading blanks removed and trailing newlines stripped (compat32 header_source_parse).
// - msg['Name'] is the FIRST header whose name matches case-insensitively; missing gives None.

const HEADER_LINE = /^(?:From |[\x21-\x39\x3b-\x7e]*:|[\t ])/;

/** The header block as email.parser reads it: lower-cased name -> first value. */
export function emailHeaders(raw: string): Map<string, string> {
  const text = raw.replace(/\r\n?/g, '\n');
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const out = new Map<string, string>();
  let current: string[] | undefined;
  const flush = () => {
    if (!current) return;
    const first = current[0] as string;
    const colon = first.indexOf(':');
    const name = first.slice(0, colon).toLowerCase();
    const value = (first.slice(colon + 1).replace(/^[ \t]+/, '') + current.slice(1).join('')).replace(/[\r\n]+$/, '');
    if (!out.has(name)) out.set(name, value);
    current = undefined;
  };
  for (const line of lines) {
    if (!HEADER_LINE.test(line)) break;
    if (line[0] === ' ' || line[0] === '\t') {
      current?.push(line);
      continue;
    }
    flush();
    if (line.startsWith('From ') || line[0] === ':') continue;
    current = [line];
  }
  flush();
  return out;
}

/** Name and version as importlib.metadata gives them; undefined name when Python would give None. */
export function distributionOf(text: string): { name: string | undefined; version: string | undefined } {
  const headers = emailHeaders(text);
  return { name: headers.get('name'), version: headers.get('version') };
}
