// JSON with comments and trailing commas (bun.lock), read by blanking those out and handing the rest to JSON.parse.
import { parseJsonFile } from './lockfile.js';

// Strings are matched first so that `//` or `, }` inside one is left alone.
const JSONC_NOISE = /("(?:[^"\\\n]|\\.)*")|\/\/[^\n]*|(\/\*[\s\S]*?\*\/)|,(?=(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*[}\]])/g;

/**
 * Comments and trailing commas are removed outside strings; a block comment keeps its newlines, so
 * JSON.parse's line numbers still point at the file's lines.
 */
export function stripJsonc(text: string): string {
  return text.replace(JSONC_NOISE, (_match, str: string | undefined, block: string | undefined) =>
    str !== undefined ? str : block !== undefined ? block.replace(/[^\n]/g, ' ') : '',
  );
}

export function parseJsoncFile(text: string, file: string): unknown {
  return parseJsonFile(stripJsonc(text), file);
}
