// A TOML subset, enough for lockfiles (poetry.lock, uv.lock): tables, arrays of tables, strings, arrays, inline tables.
import { InputError } from '../../errors.js';
import { lineAt } from './lockfile.js';

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };

function isTable(v: TomlValue | undefined): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class TomlReader {
  pos = 0;
  constructor(
    readonly text: string,
    readonly file: string,
  ) {}

  fail(detail: string): never {
    throw new InputError(this.file, `not valid TOML: ${detail}`, lineAt(this.text, this.pos));
  }

  /** Skips spaces and tabs; with `lines`, also newlines and comments. */
  skip(lines: boolean): void {
    const re = lines ? /(?:[ \t\r\n]|#[^\n]*)*/y : /[ \t]*(?:#[^\n]*)?/y;
    re.lastIndex = this.pos;
    re.exec(this.text);
    this.pos = re.lastIndex;
  }

  eat(token: string): boolean {
    if (!this.text.startsWith(token, this.pos)) return false;
    this.pos += token.length;
    return true;
  }

  expect(token: string): void {
    if (!this.eat(token)) this.fail(`expected "${token}"`);
  }

  key(): string[] {
    const parts: string[] = [];
    do {
      this.skip(false);
      const c = this.text[this.pos];
      if (c === '"' || c === "'") parts.push(this.string());
      else {
        const m = /[A-Za-z0-9_-]+/y;
        m.lastIndex = this.pos;
        const found = m.exec(this.text);
        if (!found) this.fail('expected a key');
        this.pos = m.lastIndex;
        parts.push(found[0]);
      }
      this.skip(false);
    } while (this.eat('.'));
    return parts;
  }

  string(): string {
    const quote = this.text.startsWith('"""', this.pos) ? '"""' : this.text.startsWith("'''", this.pos) ? "'''" : this.text[this.pos]!;
    this.pos += quote.length;
    const literal = quote.startsWith("'");
    if (quote.length === 3 && this.text[this.pos] === '\n') this.pos++;
    let out = '';
    while (!this.text.startsWith(quote, this.pos)) {
      const c = this.text[this.pos];
      if (c === undefined || (quote.length === 1 && c === '\n')) this.fail('unterminated string');
      if (c === '\\' && !literal) out += this.escape();
      else {
        out += c;
        this.pos++;
      }
    }
    this.pos += quote.length;
    return out;
  }

  escape(): string {
    const c = this.text[this.pos + 1] ?? '';
    if (c === 'u' || c === 'U') {
      const len = c === 'u' ? 4 : 8;
      const hex = this.text.slice(this.pos + 2, this.pos + 2 + len);
      if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) this.fail('bad unicode escape');
      this.pos += 2 + len;
      return String.fromCodePoint(Number.parseInt(hex, 16));
    }
    if (c === '\n' || c === '\r') {
      // A backslash at the end of a line in a multi-line string joins it to the next non-blank text.
      this.pos++;
      this.skip(true);
      return '';
    }
    const mapped = ESCAPES[c];
    if (mapped === undefined) this.fail(`bad escape \\${c}`);
    this.pos += 2;
    return mapped;
  }

  value(): TomlValue {
    const c = this.text[this.pos];
    if (c === '"' || c === "'") return this.string();
    if (c === '[') return this.array();
    if (c === '{') return this.inlineTable();
    const m = /[A-Za-z0-9_+\-:.]+(?: [0-9][0-9:.+\-Z]*)?/y;
    m.lastIndex = this.pos;
    const found = m.exec(this.text);
    if (!found) this.fail('expected a value');
    this.pos = m.lastIndex;
    const word = found[0];
    if (word === 'true' || word === 'false') return word === 'true';
    const n = Number(word.replace(/_/g, ''));
    // Dates and times are kept as their text; nothing here compares them.
    return /^[+-]?[0-9_.eE+-]+$/.test(word) && !Number.isNaN(n) ? n : word;
  }

  array(): TomlValue[] {
    this.expect('[');
    const out: TomlValue[] = [];
    for (;;) {
      this.skip(true);
      if (this.eat(']')) return out;
      out.push(this.value());
      this.skip(true);
      if (this.eat(']')) return out;
      this.expect(',');
    }
  }

  inlineTable(): TomlTable {
    this.expect('{');
    const out: TomlTable = {};
    this.skip(false);
    if (this.eat('}')) return out;
    for (;;) {
      const key = this.key();
      this.expect('=');
      this.skip(false);
      assign(this, out, key, this.value());
      this.skip(false);
      if (this.eat('}')) return out;
      this.expect(',');
    }
  }
}

function assign(r: TomlReader, table: TomlTable, key: string[], value: TomlValue): void {
  const parent = tableAt(r, table, key.slice(0, -1));
  const last = key[key.length - 1]!;
  if (last in parent) r.fail(`key "${key.join('.')}" defined twice`);
  parent[last] = value;
}

/** The table a header or dotted key names; an array of tables stands for its last element. */
function tableAt(r: TomlReader, root: TomlTable, path: string[]): TomlTable {
  let node = root;
  for (const part of path) {
    let next = node[part];
    if (next === undefined) next = node[part] = {};
    if (Array.isArray(next)) next = next[next.length - 1];
    if (!isTable(next)) r.fail(`"${path.join('.')}" is not a table`);
    node = next;
  }
  return node;
}

export function parseToml(text: string, file: string): TomlTable {
  const r = new TomlReader(text.replace(/^\uFEFF/, ''), file);
  const root: TomlTable = {};
  let current = root;
  for (r.skip(true); r.pos < r.text.length; r.skip(true)) {
    if (r.eat('[[')) {
      const path = r.key();
      r.expect(']]');
      const parent = tableAt(r, root, path.slice(0, -1));
      const last = path[path.length - 1]!;
      const list = (parent[last] ??= []);
      if (!Array.isArray(list)) return r.fail(`"${path.join('.')}" is not an array of tables`);
      current = {};
      list.push(current);
    } else if (r.eat('[')) {
      const path = r.key();
      r.expect(']');
      current = tableAt(r, root, path);
    } else {
      const key = r.key();
      r.expect('=');
      r.skip(false);
      assign(r, current, key, r.value());
    }
    r.skip(false);
    if (r.pos < r.text.length && !r.eat('\n') && !r.eat('\r\n')) r.fail('expected the end of the line');
  }
  return root;
}
