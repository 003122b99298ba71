// JSON with comments and trailing commas (bun.lock), read by blanking those out and handing the rest to JSON.parse.
import { parseJsonFile } from './lockfile.js';

/**
 * Comments become spaces and trailing commas are dropped, outside strings only; newlines are kept so
 * JSON.parse's line numbers still point at the file's lines.
 */
export function stripJsonc(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = endOfString(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      if (c !== ',' || !closesNext(text, i + 1)) out += c;
      i++;
    }
  }
  return out;
}

/** Whether the next thing after whitespace closes an object or array, which makes a comma before it trailing. */
function closesNext(text: string, from: number): boolean {
  const m = /\s*(\/\/[^\n]*\s*|\/\*[\s\S]*?\*\/\s*)*([}\]])?/y;
  m.lastIndex = from;
  return m.exec(text)?.[2] !== undefined;
}

function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, text.length);
}

export function parseJsoncFile(text: string, file: string): unknown {
  return parseJsonFile(stripJsonc(text), file);
}
