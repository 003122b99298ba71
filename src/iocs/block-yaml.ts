// The plainest YAML, read line by line: block mappings and sequences of one-line scalars, as large feeds are
// written (the guide's flat list, generated incident files). About ten times faster than js-yaml on a 20,000-entry
// feed. Anything outside that subset gives undefined, never a guess, and js-yaml (then the `yaml` package) reads
// the file: flow collections, block scalars, escapes, multi-line scalars, anchors, tags, tabs, CR, non-ASCII,
// document markers, duplicate keys, keys that are not plain words, `- ` followed by more than one space.
// Plain scalars resolve by the same table as fast-yaml.ts (the `yaml` package's YAML 1.2 core schema).
// test/iocs/block-yaml.test.ts holds it to the `yaml` package on generated documents.

/** What the reader answers when the text is outside its subset. */
const OUTSIDE = Symbol('outside');
type Value = unknown;

interface Line {
  indent: number;
  body: string;
}

/** Printable ASCII and newlines only: tabs, CR, a BOM and anything else send the file to the full readers. */
const OUTSIDE_CHARS = /[^\x20-\x7e\n]/;
const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Keys the core schema reads as something other than their text (`true:` is a boolean key), and `__proto__`. */
const NOT_TEXT_KEY = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE|__proto__)$/;
/** The first character of a plain scalar this reader takes: never an indicator (`- ? : , [ ] { } # & * ! | > ' " % @ \``). */
const PLAIN_START = /^(?:[A-Za-z0-9._/~+^$()<]|-[A-Za-z0-9.])/;
/** Characters a plain scalar here never holds (flow indicators, quotes, anchors, tags and the like). */
const PLAIN_OUTSIDE = /[[\]{},"'&*!|>%@`\\]|: |:$/;

export type PlainResolver = (text: string) => unknown;

/**
 * The document's mapping when it lies inside the subset, else undefined. `resolve` gives a plain scalar's value
 * (null, boolean, number or the text itself) as the core schema reads it.
 */
export function blockYamlValue(text: string, resolve: PlainResolver): Record<string, unknown> | undefined {
  if (OUTSIDE_CHARS.test(text)) return undefined;
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    let i = 0;
    while (i < raw.length && raw.charCodeAt(i) === 32) i++;
    if (i === raw.length || raw.charCodeAt(i) === 35 /* # */) continue;
    // Directives and document markers: the full readers decide what they mean.
    if (i === 0 && (raw.startsWith('---') || raw.startsWith('...') || raw.startsWith('%'))) return undefined;
    lines.push({ indent: i, body: i === 0 ? raw : raw.slice(i) });
  }
  if (lines.length === 0 || lines[0]!.indent !== 0) return undefined;
  const reader = new Reader(lines, resolve);
  const value = reader.mapping(0);
  if (value === OUTSIDE || reader.at < lines.length) return undefined;
  return value as Record<string, unknown>;
}

const isItem = (body: string): boolean => body === '-' || (body.charCodeAt(0) === 45 && body.charCodeAt(1) === 32);

class Reader {
  at = 0;
  constructor(
    private readonly lines: Line[],
    private readonly resolve: PlainResolver,
  ) {}

  /** A block mapping whose keys sit at `indent`. */
  mapping(indent: number): Value {
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    for (let line = this.lines[this.at]; line !== undefined && line.indent === indent && !isItem(line.body); line = this.lines[this.at]) {
      const colon = line.body.indexOf(':');
      if (colon <= 0 || colon > 1024) return OUTSIDE;
      const key = line.body.slice(0, colon);
      if (!KEY.test(key) || NOT_TEXT_KEY.test(key) || seen.has(key)) return OUTSIDE;
      const after = line.body.charCodeAt(colon + 1);
      if (colon + 1 < line.body.length && after !== 32) return OUTSIDE;
      const rest = line.body.slice(colon + 1).trimStart();
      this.at++;
      let value: Value;
      if (rest === '' || rest.charCodeAt(0) === 35) {
        const next = this.lines[this.at];
        // A block sequence may sit at its key's own indentation; anything else nested sits deeper.
        if (next === undefined || next.indent < indent || (next.indent === indent && !isItem(next.body))) value = null;
        else value = next.indent === indent ? this.sequence(indent) : this.node(next.indent);
      } else value = this.scalar(rest);
      if (value === OUTSIDE) return OUTSIDE;
      seen.add(key);
      out[key] = value;
    }
    // A line deeper than the keys here is a continuation or a stray node: outside the subset.
    const next = this.lines[this.at];
    if (next !== undefined && next.indent >= indent) return OUTSIDE;
    return out;
  }

  /** A block sequence whose `- ` sit at `indent`. */
  sequence(indent: number): Value {
    const out: unknown[] = [];
    for (let line = this.lines[this.at]; line !== undefined && line.indent === indent && isItem(line.body); line = this.lines[this.at]) {
      const rest = line.body.slice(2);
      if (rest === '' || rest.charCodeAt(0) === 32 || rest.charCodeAt(0) === 35) return OUTSIDE;
      let value: Value;
      if (/^[A-Za-z_][A-Za-z0-9_-]*:(?: |$)/.test(rest)) {
        // `- key: value`: a mapping whose keys sit two columns in; the item line is its first entry.
        this.lines[this.at] = { indent: indent + 2, body: rest };
        value = this.mapping(indent + 2);
      } else {
        value = this.scalar(rest);
        this.at++;
      }
      if (value === OUTSIDE) return OUTSIDE;
      out.push(value);
    }
    const next = this.lines[this.at];
    if (next !== undefined && next.indent > indent) return OUTSIDE;
    return out;
  }

  node(indent: number): Value {
    const line = this.lines[this.at]!;
    return isItem(line.body) ? this.sequence(indent) : this.mapping(indent);
  }

  /** A one-line scalar: plain, or quoted without escapes; a comment after it is dropped. */
  scalar(rest: string): Value {
    const q = rest.charCodeAt(0);
    if (q === 34 || q === 39) {
      const close = rest.indexOf(q === 34 ? '"' : "'", 1);
      if (close < 0) return OUTSIDE;
      const content = rest.slice(1, close);
      if (q === 34 && content.includes('\\')) return OUTSIDE;
      const tail = rest.slice(close + 1);
      if (!/^(?: *| +#.*)$/.test(tail)) return OUTSIDE;
      return content;
    }
    if (!PLAIN_START.test(rest)) return OUTSIDE;
    const hash = rest.indexOf(' #');
    const plain = (hash < 0 ? rest : rest.slice(0, hash)).trimEnd();
    if (PLAIN_OUTSIDE.test(plain)) return OUTSIDE;
    return this.resolve(plain);
  }
}
