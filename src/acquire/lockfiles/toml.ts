// TOML files (poetry.lock, uv.lock, Cargo.lock, pyproject.toml) through smol-toml, a spec-complete TOML 1.0 parser;
// errors name the file, the line and the table or key being read.
import { TomlDate, TomlError, parse } from 'smol-toml';
import { InputError } from '../../errors.js';

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

/** Nesting deeper than this is hostile, not a lockfile. */
const MAX_DEPTH = 64;

/** Dates become their ISO text (nothing here compares them); everything else keeps its TOML type. */
function plain(value: unknown, file: string, depth = 0): TomlValue {
  if (value instanceof TomlDate) return value.toISOString();
  // Dotted keys and headers nest without limit in smol-toml (`[a.b.c...]`); only inline values are capped there.
  if (depth > MAX_DEPTH * 2) throw new InputError(file, `not read: TOML tables nested deeper than ${MAX_DEPTH * 2}`);
  if (Array.isArray(value)) return value.map((v) => plain(v, file, depth + 1));
  if (typeof value === 'object' && value !== null) {
    const out: TomlTable = {};
    for (const [k, v] of Object.entries(value)) {
      // defineProperty keeps a `__proto__` key an own property, as smol-toml does.
      Object.defineProperty(out, k, { value: plain(v, file, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if (typeof value === 'bigint') return Number(value);
  return value as TomlValue;
}

/**
 * The table header above a line and the key being read there (`package.dependencies.flask`), for an error's
 * field: the key on the line, or for a value that spans lines (an unclosed array) the last key above it.
 */
export function fieldAtLine(text: string, line: number): string | undefined {
  const lines = text.split('\n').slice(0, line);
  let key: string | undefined;
  let header: string | undefined;
  for (let i = lines.length - 1; i >= 0 && header === undefined; i--) {
    header = /^\s*\[\[?\s*([^\]\n]+?)\s*\]\]?\s*(?:#.*)?$/.exec(lines[i]!)?.[1];
    key ??= header === undefined ? /^\s*((?:"[^"\n]*"|'[^'\n]*'|[A-Za-z0-9_.\- \t])+?)\s*=/.exec(lines[i]!)?.[1]?.trim() : undefined;
  }
  const parts = [header, key].filter((p): p is string => p !== undefined && p !== '');
  return parts.length ? parts.join('.') : undefined;
}

export function parseToml(text: string, file: string): TomlTable {
  const source = text.replace(/^\uFEFF/, '');
  let doc: unknown;
  try {
    doc = parse(source, { maxDepth: MAX_DEPTH });
  } catch (err) {
    if (!(err instanceof TomlError)) throw new InputError(file, `not valid TOML: ${(err as Error).message}`);
    const detail = err.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
    throw new InputError(file, `not valid TOML: ${detail} (column ${err.column})`, err.line, fieldAtLine(source, err.line));
  }
  return plain(doc, file) as TomlTable;
}
