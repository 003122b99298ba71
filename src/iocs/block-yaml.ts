// The plainest YAML, read line by line: block mappings and sequences of one-line scalars, as large feeds are
// written (the guide's flat list, generated incident files). About ten times faster than js-yaml on a 20,000-entry
// feed. Anything outside that subset gives undefined, never a guess, and js-yaml (then the `yaml` package) reads
// the file: flow collections (but `[]` and `{}`), block scalars, escapes, multi-line scalars, anchors, tags, tabs, CR, non-ASCII,
// document markers, duplicate keys, keys that are not plain words, `- ` followed by more than one space.
// Plain scalars resolve by the same table as fast-yaml.ts (the `yaml` package's YAML 1.2 core schema).
// test/iocs/block-yaml.test.ts holds it to the `yaml` package on generated documents.

/** What the reader answers when the text is outside its subset. */
const OUTSIDE = Symbol('outside');
type Value = unknown;

/** Printable ASCII and newlines only: tabs, CR, a BOM and anything else send the file to the full readers. */
const OUTSIDE_CHARS = /[^\x20-\x7e\n]/;
const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Keys the core schema reads as something other than their text (`true:` is a boolean key), and `__proto__`. */
const NOT_TEXT_KEY = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE|__proto__)$/;
/** The first character of a plain scalar this reader takes: never an indicator (`- ? : , [ ] { } # & * ! | > ' " % @ \``). */
const PLAIN_START = /[A-Za-z0-9._/~+^$()<]|-[A-Za-z0-9.]/y;
/** An empty flow collection, the one flow form taken here (`layers: []`), with an optional comment after it. */
const EMPTY_FLOW = /(\[\]|\{\})(?: +#.*| *)/y;
/** What may follow a quoted scalar on its line: spaces, then a comment after at least one of them. */
const AFTER_QUOTED = /(?: +#.*| *)/y;
/** `key:` then a space or the line's end: a mapping entry (in `- key: value`, the item's first one). */
const ENTRY = /[A-Za-z_][A-Za-z0-9_-]*:(?= |\n|$)/y;

/** Deeper than any IOC file nests, shallow enough that the recursion here never nears the stack's end. */
const MAX_DEPTH = 64;

const [SPACE, HASH, DASH, COLON, QUOTE, APOSTROPHE, OPEN_SQUARE, OPEN_CURLY] = [32, 35, 45, 58, 34, 39, 91, 123];

export type PlainResolver = (text: string) => unknown;

/**
 * The document's mapping when it lies inside the subset, else undefined. `resolve` gives a plain scalar's value
 * (null, boolean, number or the text itself) as the core schema reads it.
 */
export function blockYamlValue(text: string, resolve: PlainResolver): Record<string, unknown> | undefined {
  if (OUTSIDE_CHARS.test(text)) return undefined;
  const reader = new Reader(text, resolve);
  if (!reader.splitLines()) return undefined;
  if (reader.count === 0 || reader.indent[0] !== 0) return undefined;
  const value = reader.mapping(0);
  if (value === OUTSIDE || reader.at < reader.count) return undefined;
  return value as Record<string, unknown>;
}

/**
 * Content lines as offsets into the text (no string per line): where each body starts (after its indentation),
 * where it ends, and its indentation. Blank and comment-only lines are left out.
 */
class Reader {
  at = 0;
  count = 0;
  /** Nesting so far: an IOC file nests a few levels; past MAX_DEPTH the full readers decide (and explain). */
  private depth = 0;
  start = new Int32Array(1024);
  end = new Int32Array(1024);
  indent = new Int32Array(1024);
  private readonly keys = new Map<string, boolean>();

  constructor(
    private readonly text: string,
    private readonly resolve: PlainResolver,
  ) {}

  splitLines(): boolean {
    const text = this.text;
    for (let from = 0; from < text.length; ) {
      let to = text.indexOf('\n', from);
      if (to < 0) to = text.length;
      let i = from;
      while (i < to && text.charCodeAt(i) === SPACE) i++;
      if (i < to && text.charCodeAt(i) !== HASH) {
        // Directives and document markers: the full readers decide what they mean.
        if (i === from && (text.startsWith('---', i) || text.startsWith('...', i) || text.charCodeAt(i) === 37)) return false;
        if (this.count === this.start.length) this.grow();
        this.start[this.count] = i;
        this.end[this.count] = to;
        this.indent[this.count] = i - from;
        this.count++;
      }
      from = to + 1;
    }
    return true;
  }

  private grow(): void {
    const more = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.start = more(this.start);
    this.end = more(this.end);
    this.indent = more(this.indent);
  }

  private isItem(line: number): boolean {
    const s = this.start[line]!;
    return this.text.charCodeAt(s) === DASH && (s + 1 === this.end[line] || this.text.charCodeAt(s + 1) === SPACE);
  }

  private key(from: number, colon: number): string | undefined {
    const key = this.text.slice(from, colon);
    let ok = this.keys.get(key);
    if (ok === undefined) this.keys.set(key, (ok = KEY.test(key) && !NOT_TEXT_KEY.test(key)));
    return ok ? key : undefined;
  }

  /** A block mapping whose keys sit at `indent`. */
  mapping(indent: number): Value {
    const text = this.text;
    const out: Record<string, unknown> = {};
    while (this.at < this.count && this.indent[this.at] === indent && !this.isItem(this.at)) {
      const from = this.start[this.at]!;
      const to = this.end[this.at]!;
      const colon = text.indexOf(':', from);
      if (colon <= from || colon >= to || colon - from > 1024) return OUTSIDE;
      const key = this.key(from, colon);
      // A repeated key is outside the subset; `out` holds only this mapping's keys (never `__proto__`, see key()).
      if (key === undefined || Object.hasOwn(out, key)) return OUTSIDE;
      if (colon + 1 < to && text.charCodeAt(colon + 1) !== SPACE) return OUTSIDE;
      let rest = colon + 1;
      while (rest < to && text.charCodeAt(rest) === SPACE) rest++;
      this.at++;
      let value: Value;
      if (rest === to || text.charCodeAt(rest) === HASH) {
        const next = this.at;
        // A block sequence may sit at its key's own indentation; anything else nested sits deeper.
        if (next >= this.count || this.indent[next]! < indent || (this.indent[next] === indent && !this.isItem(next))) value = null;
        else value = this.node(this.indent[next]!);
      } else value = this.scalar(rest, to);
      if (value === OUTSIDE) return OUTSIDE;
      out[key] = value;
    }
    // A line deeper than the keys here is a continuation or a stray node: outside the subset.
    if (this.at < this.count && this.indent[this.at]! >= indent) return OUTSIDE;
    return out;
  }

  /** A block sequence whose `- ` sit at `indent`. */
  sequence(indent: number): Value {
    const text = this.text;
    const out: unknown[] = [];
    while (this.at < this.count && this.indent[this.at] === indent && this.isItem(this.at)) {
      const rest = this.start[this.at]! + 2;
      const to = this.end[this.at]!;
      const c = text.charCodeAt(rest);
      if (rest >= to || c === SPACE || c === HASH) return OUTSIDE;
      let value: Value;
      ENTRY.lastIndex = rest;
      if (ENTRY.test(text) && ENTRY.lastIndex <= to) {
        // `- key: value`: a mapping whose keys sit two columns in; the item line is its first entry.
        this.start[this.at] = rest;
        this.indent[this.at] = indent + 2;
        value = this.node(indent + 2);
      } else {
        value = this.scalar(rest, to);
        this.at++;
      }
      if (value === OUTSIDE) return OUTSIDE;
      out.push(value);
    }
    if (this.at < this.count && this.indent[this.at]! > indent) return OUTSIDE;
    // The document lives until it is decoded: a short list copied to its length (sized-array.ts says why).
    return out.length <= 16 ? out.slice() : out;
  }

  node(indent: number): Value {
    if (++this.depth > MAX_DEPTH) return OUTSIDE;
    const value = this.isItem(this.at) ? this.sequence(indent) : this.mapping(indent);
    this.depth--;
    return value;
  }

  /** Whether a sticky pattern matches the text from `from` to exactly `to` (a line's end: the patterns hold no `$`). */
  private matchesTo(re: RegExp, from: number, to: number): RegExpExecArray | undefined {
    re.lastIndex = from;
    const m = re.exec(this.text);
    return m !== null && re.lastIndex === to ? m : undefined;
  }

  /** A one-line scalar from `from` to the line's end `to`: plain, or quoted without escapes; a comment after it is dropped. */
  scalar(from: number, to: number): Value {
    const text = this.text;
    const q = text.charCodeAt(from);
    if (q === OPEN_SQUARE || q === OPEN_CURLY) {
      const empty = this.matchesTo(EMPTY_FLOW, from, to);
      return empty === undefined ? OUTSIDE : empty[1] === '[]' ? [] : {};
    }
    if (q === QUOTE || q === APOSTROPHE) {
      const close = text.indexOf(q === QUOTE ? '"' : "'", from + 1);
      if (close < 0 || close >= to) return OUTSIDE;
      const content = text.slice(from + 1, close);
      if (q === QUOTE && content.includes('\\')) return OUTSIDE;
      if (this.matchesTo(AFTER_QUOTED, close + 1, to) === undefined) return OUTSIDE;
      return content;
    }
    PLAIN_START.lastIndex = from;
    if (!PLAIN_START.test(text)) return OUTSIDE;
    // Searched within the line only: a search of the whole text from here would make a large file quadratic.
    let plain = text.slice(from, to);
    const hash = plain.indexOf(' #');
    if (hash >= 0) plain = plain.slice(0, hash);
    plain = plain.trimEnd();
    // `: ` or a final `:` would make it an implicit key: outside the subset. Other indicators inside are text.
    if (plain.includes(': ') || plain.charCodeAt(plain.length - 1) === COLON) return OUTSIDE;
    return this.resolve(plain);
  }
}
