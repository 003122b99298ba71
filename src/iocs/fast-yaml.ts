// YAML text -> plain value by js-yaml, some fifteen times faster than the `yaml` package's node tree; that tree
// (for the file, line and field of an error) is built only when the fast value does not validate.
import { FAILSAFE_SCHEMA, load, Type } from 'js-yaml';
import { blockYamlValue } from './block-yaml.js';

/**
 * Plain scalars resolve exactly as the `yaml` package's YAML 1.2 core schema resolves them (its own regexes),
 * not as js-yaml's: js-yaml also reads `0b101` and `-0x1f` as numbers and `-.5` as text. One table, read by
 * js-yaml's schema below and by the line reader of block-yaml.ts.
 */
const CORE: [tag: string, test: RegExp, construct: (s: string) => unknown][] = [
  ['tag:yaml.org,2002:null', /^(?:~|[Nn]ull|NULL)?$/, () => null],
  ['tag:yaml.org,2002:bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'],
  ['tag:yaml.org,2002:int', /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/, (s) =>
    s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : parseInt(s, 10),
  ],
  ['tag:yaml.org,2002:float', /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/, (s) =>
    /nan$/i.test(s) ? NaN : /inf$/i.test(s) ? (s[0] === '-' ? -Infinity : Infinity) : parseFloat(s),
  ],
];

const CORE_AS_YAML_READS_IT = FAILSAFE_SCHEMA.extend({
  implicit: CORE.map(([tag, test, construct]) =>
    new Type(tag, { kind: 'scalar', resolve: (s: unknown) => typeof s === 'string' && test.test(s), construct: (s: string) => construct(s) }),
  ),
});

/**
 * Each character any pattern of the table can match: `~`, digits, signs, the dot, the letters of null, true, false,
 * inf and nan in their cases, hex digits, and the `o` and `x` of 0o and 0x. Text with any other character is text.
 */
const MAY_RESOLVE = new Uint8Array(128);
for (const c of '~+-.0123456789abcdefilnorstuxABCDEFILNRSTU') MAY_RESOLVE[c.charCodeAt(0)] = 1;

/** Whether the table could read `s` as something other than text: every character is one MAY_RESOLVE holds. */
function mayResolve(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || MAY_RESOLVE[c] === 0) return false;
  }
  return true;
}

/** A plain scalar's value by the core schema: null, a boolean, a number, or its text. */
function resolvePlain(s: string): unknown {
  // Every pattern of the table starts with ~, n, N, t, T, f, F, a sign, a digit or a dot: other text is text. So is
  // text with a character no pattern takes (a date's `:`, a path's `/`), most of what starts with a digit here.
  if (s.length > 0 && (!/^[~nNtTfF+\-.0-9]/.test(s) || !mayResolve(s))) return s;
  for (const [, test, construct] of CORE) if (test.test(s)) return construct(s);
  return s;
}

/**
 * What the fast reader leaves to the `yaml` package: directives (`%YAML 1.1` changes what `yes` means),
 * tags, anchors and aliases (their expansion is capped there against alias bombs). Matched where a token
 * could start, so `a*b`, `x&y` and `!` inside a word do not count; a false alarm only costs speed. Also where
 * js-yaml reads what the `yaml` package does not (test/iocs/block-yaml.test.ts found them): a comment touching
 * a closing quote or bracket (`'s'#x`, an error there), and an item holding nothing or only a comment (`-`, `- #x`), after which
 * js-yaml puts the next, less indented item in the inner list.
 */
const LEFT_TO_YAML = /^%|(?:^|[\s[{,])(?:[!&*]|\?(?:\s|$))|["'\]}]#|(?:^|\s)-[ \t]*(?:#|$)/m;

const [TAB, SPACE, CR, QUOTE, HASH, APOSTROPHE, COMMA, DASH, COLON, QUESTION, BACKSLASH] = [9, 32, 13, 34, 35, 39, 44, 45, 58, 63, 92];
const [OPEN_SQUARE, CLOSE_SQUARE, OPEN_CURLY, CLOSE_CURLY] = [91, 93, 123, 125];
const isSpace = (c: number): boolean => c === SPACE || c === TAB;

/**
 * Whether every quoted scalar and flow collection closes on the line it opens on, and no implicit key is
 * longer than YAML's 1,024 characters. js-yaml reads an under-indented continuation of a multi-line quoted
 * scalar or flow collection, and a longer key, where the `yaml` package (and the spec) refuses them; such a
 * file goes to the `yaml` package so it fails as it always did. Block scalars (`|`, `>`) hold free text and
 * are skipped by their indentation. A false alarm only costs speed.
 */
export function closesOnEachLine(text: string): boolean {
  let block = -1;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    let i = start;
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    const indent = i - start;
    if (block >= 0 && (i >= end || text.charCodeAt(i) === CR || indent > block)) {
      start = end + 1;
      continue;
    }
    block = -1;
    let depth = 0;
    let key = -1;
    let last = -1;
    // A quote opens a scalar only where a scalar can start: not in `it's` or `say "hi"` of a plain scalar.
    let scalarStart = true;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (isSpace(c) || c === CR) continue;
      if ((c === QUOTE || c === APOSTROPHE) && scalarStart) {
        for (i++; i < end && text.charCodeAt(i) !== c; i++) if (c === QUOTE && text.charCodeAt(i) === BACKSLASH) i++;
        if (i >= end) return false;
        last = i;
        scalarStart = false;
        continue;
      }
      if (c === HASH && (i === start + indent || isSpace(text.charCodeAt(i - 1)))) break;
      last = i;
      // Letters, digits and most punctuation: nothing opens or closes, and no scalar starts after them.
      const special = c === COLON || c === DASH || c === COMMA || c === QUESTION || c === OPEN_SQUARE || c === CLOSE_SQUARE || c === OPEN_CURLY || c === CLOSE_CURLY;
      if (!special) {
        scalarStart = false;
        continue;
      }
      const open = c === OPEN_SQUARE || c === OPEN_CURLY;
      if (open) depth++;
      else if (c === CLOSE_SQUARE || c === CLOSE_CURLY) depth--;
      const next = i + 1 < end ? text.charCodeAt(i + 1) : SPACE;
      if (c === COLON && key < 0 && (isSpace(next) || next === CR || i + 1 >= end)) key = i - start - indent;
      scalarStart = open || (depth > 0 && c === COMMA) || ((c === DASH || c === COLON || c === QUESTION) && (isSpace(next) || next === CR));
    }
    if (depth !== 0 || key > 1024) return false;
    // `key: |`, `- >-`, `|2+`: the lines after it, indented deeper, are the scalar's text. Deeper than the
    // node's own column, after any `- ` in front of it: in `  - key: >` that is the key's column, 4.
    if (last >= 0 && /(?:^|[\s:-])[|>][0-9+-]*$/.test(text.slice(Math.max(start, last - 3), last + 1))) block = nodeColumn(text, start + indent, end) - start;
    start = end + 1;
  }
  return true;
}

/** The column where a line's node starts: after its indentation and any `- ` sequence entries before it. */
function nodeColumn(text: string, i: number, end: number): number {
  while (i + 1 < end && text.charCodeAt(i) === DASH && isSpace(text.charCodeAt(i + 1))) {
    i++;
    while (i < end && isSpace(text.charCodeAt(i))) i++;
  }
  return i;
}

/**
 * The document's value when js-yaml reads it and it is a mapping; undefined when it cannot say (a syntax
 * error, several documents, a duplicate key, anything in LEFT_TO_YAML), and the `yaml` package must read it.
 */
export function fastYamlValue(text: string): Record<string, unknown> | undefined {
  const plain = blockYamlValue(text, resolvePlain);
  if (plain !== undefined) return plain;
  if (LEFT_TO_YAML.test(text) || !closesOnEachLine(text)) return undefined;
  let value: unknown;
  try {
    value = load(text, { schema: CORE_AS_YAML_READS_IT });
  } catch {
    return undefined;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
