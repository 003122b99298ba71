// JSON text -> values: one document, or a stream of them (cosign prints one envelope per line, or pretty-printed).
import { InputError } from '../errors.js';

/**
 * Deeper than any SBOM a tool writes (CycloneDX component trees run to tens of levels), shallow enough that every
 * decoder, zod and the matcher can recurse over the document without running out of stack.
 */
export const MAX_JSON_DEPTH = 512;

/** Throws InputError when a parsed value nests deeper than MAX_JSON_DEPTH; walks without recursion (or a pair per value). */
export function checkJsonDepth(value: unknown, file: string): void {
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) throw new InputError(file, `JSON nested more than ${MAX_JSON_DEPTH} levels deep: not an SBOM any tool writes, not read`);
    if (Array.isArray(v)) {
      for (const child of v as unknown[]) if (child !== null && typeof child === 'object') (values.push(child), depths.push(depth + 1));
      continue;
    }
    // for...in over a parsed value is its own keys, as Object.values, without the array Object.values builds.
    for (const key in v) {
      const child = (v as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') (values.push(child), depths.push(depth + 1));
    }
  }
}

/** Every top-level JSON value in the text, in order. Throws InputError with the line of the fault. */
export function parseJsonValues(text: string, file: string): unknown[] {
  const values = parseAll(text, file);
  for (const v of values) checkJsonDepth(v, file);
  return values;
}

function parseAll(text: string, file: string): unknown[] {
  if (text.trim() === '') throw new InputError(file, 'empty file');
  try {
    return [JSON.parse(text)];
  } catch (err) {
    const spans = topLevelSpans(text);
    if (!spans || spans.length < 2) throw jsonError(err, text, 0, file);
    return spans.map(([start, end]) => {
      try {
        return JSON.parse(text.slice(start, end));
      } catch (inner) {
        throw jsonError(inner, text, start, file);
      }
    });
  }
}

/**
 * Where each top-level object or array starts and ends, found by counting brackets outside strings.
 * Undefined when something other than an object or array sits at the top level: not a stream.
 */
function topLevelSpans(text: string): [number, number][] | undefined {
  const spans: [number, number][] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) spans.push([start, i + 1]);
      if (depth < 0) return undefined;
    } else if (depth === 0 && !/\s/.test(ch ?? '')) return undefined;
  }
  // A last value cut short still counts: parsing it reports the truncation with its line.
  if (depth > 0) spans.push([start, text.length]);
  return spans;
}

function jsonError(err: unknown, text: string, offset: number, file: string): InputError {
  const message = err instanceof Error ? err.message : String(err);
  const position = /at position (\d+)/.exec(message)?.[1];
  const at = position === undefined ? undefined : offset + Number(position);
  const end = text.trimEnd().length;
  // A string can only be left open by running into the end: a line break inside one is a different error.
  if (/end of JSON input|Unterminated string/i.test(message) || (at !== undefined && at >= end)) {
    return new InputError(file, 'truncated JSON: the document ends before it is complete', lineAt(text, end));
  }
  const line = at === undefined ? undefined : lineAt(text, at);
  return new InputError(file, `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`, line);
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
