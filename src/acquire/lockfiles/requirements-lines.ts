// pip's requirements-file preprocessing, step for step as pip/_internal/req/req_file.py does it:
// split lines as Python's str.splitlines, join `\` continuations, strip comments, expand ${VARS}.

/** Characters Python's str.isspace() (and `\s` in a str pattern) accepts: JS's `\s` differs (\x1c-\x1f, \ufeff). */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** pip's COMMENT_RE `(^|\s+)#.*$`: a `#` starts a comment at the start of a line or after whitespace. */
const COMMENT = new RegExp(`(?:^|[${PY_SPACE}]+)#.*$`, 's');
const COMMENT_AT_START = new RegExp(`^(?:[${PY_SPACE}]+)?#`);
const EDGE_SPACE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
/** pip's ENV_VAR_RE: only `${UPPER_1}`, so a `$` elsewhere is never touched. */
export const ENV_VAR = /\$\{([A-Z0-9_]+)\}/g;

export interface LogicalLine {
  /** Line number of the first physical line, as pip reports it. */
  line: number;
  text: string;
}

/** Python's str.splitlines(): \n, \r, \r\n, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029; no trailing empty line. */
export function pythonSplitLines(text: string): string[] {
  const lines = text.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function pythonStrip(s: string): string {
  return s.replace(EDGE_SPACE, '');
}

/**
 * pip's join_lines: a line ending in `\` is joined to the next with every backslash at either end of it
 * stripped (Python's `strip("\\")`) and no space put in; a comment line ends the joined line.
 */
function joinLines(lines: string[]): LogicalLine[] {
  const out: LogicalLine[] = [];
  let pending: string[] = [];
  let first = 0;
  lines.forEach((raw, i) => {
    const isComment = COMMENT_AT_START.test(raw);
    if (!raw.endsWith('\\') || isComment) {
      const line = isComment ? ` ${raw}` : raw;
      if (pending.length > 0) {
        out.push({ line: first, text: [...pending, line].join('') });
        pending = [];
      } else out.push({ line: i + 1, text: line });
    } else {
      if (pending.length === 0) first = i + 1;
      pending.push(raw.replace(/^\\+|\\+$/g, ''));
    }
  });
  if (pending.length > 0) out.push({ line: first, text: pending.join('') });
  return out;
}

/**
 * The logical lines pip reads, comments removed after joining and blank lines dropped. Environment
 * variables are not expanded: a scan does not have the build's environment, so `${VAR}` stays for the
 * caller to report.
 */
export function requirementLines(text: string): LogicalLine[] {
  return joinLines(pythonSplitLines(text)).flatMap(({ line, text: joined }) => {
    const stripped = pythonStrip(joined.replace(COMMENT, ''));
    return stripped ? [{ line, text: stripped }] : [];
  });
}

/**
 * pip's break_args_options: words split on single spaces up to the first that starts with `-` are the
 * requirement; the rest are options (`--hash`, or a whole option line like `-r file`).
 */
export function breakArgsOptions(line: string): { args: string; options: string } {
  const tokens = line.split(' ');
  const at = tokens.findIndex((t) => t.startsWith('-'));
  if (at < 0) return { args: line, options: '' };
  return { args: tokens.slice(0, at).join(' '), options: tokens.slice(at).join(' ') };
}
