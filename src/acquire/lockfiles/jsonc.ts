// JSON with comments and trailing commas (bun.lock), read by blanking those out and handing the rest to JSON.parse.
import { parseJsonFile } from './lockfile.js';

/**
 * Comments and trailing commas are removed outside strings; a block comment keeps its newlines, so
 * JSON.parse's line numbers still point at the file's lines. One pass, linear in the text: a regex
 * did this before, and text like `,/*,/*...` or `"\"\...` made it quadratic (minutes on 200 KB).
 * What is not JSONC (a string left open at its line's end, a block comment never closed) is copied
 * as it is, for JSON.parse to report.
 */
export function stripJsonc(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === '/' && text[i + 1] === '/') {
      i = lineEnd(text, i);
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return out + text.slice(i);
      out += text.slice(i, close + 2).replace(/[^\n]/g, ' ');
      i = close + 2;
    } else {
      if (c !== ',' || !closesNext(text, i + 1)) out += c;
      i++;
    }
  }
  return out;
}

/** Index after a string's closing quote; an unclosed string runs to the end of its line. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i + 1;
    else if (c === '\n') return i;
  }
  return text.length;
}

function lineEnd(text: string, start: number): number {
  const nl = text.indexOf('\n', start);
  return nl < 0 ? text.length : nl;
}

/** Whether the next thing after whitespace and comments closes an object or array (a trailing comma). */
function closesNext(text: string, start: number): boolean {
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
    else if (c === '/' && text[i + 1] === '/') i = lineEnd(text, i);
    else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return false;
      i = close + 2;
    } else return c === '}' || c === ']';
  }
  return false;
}

export function parseJsoncFile(text: string, file: string): unknown {
  return parseJsonFile(stripJsonc(text), file);
}
