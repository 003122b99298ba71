// Image lists: a file (or `-` for stdin) with one image reference per line, `#` comments allowed.
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { InputError, UsageError } from '../errors.js';
import { parseReference } from '../adapters/oci/reference.js';
import type { Target } from '../model/target.js';
import { registryTarget } from './registry.js';

const STDIN_LABEL = '<stdin>';

/** The references of a list, and one InputError (file and line) per line that is not one: a bad line never loses the rest. */
export interface ImageList {
  targets: Target[];
  errors: InputError[];
}

/** Reads the references of a list; a file that cannot be read is one error with no line. */
export async function readImageList(file: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<ImageList> {
  const label = file === '-' ? STDIN_LABEL : file;
  let content: string;
  try {
    content = file === '-' ? await text(stdin) : await readFile(file, 'utf8');
  } catch (err) {
    return { targets: [], errors: [new InputError(label, `cannot read: ${(err as Error).message}`)] };
  }
  return parseImageList(content, label);
}

/** Parses list text; duplicates (after normalisation, `nginx` = `docker.io/library/nginx:latest`) appear once. */
export function parseImageList(content: string, label: string): ImageList {
  const seen = new Set<string>();
  const out: ImageList = { targets: [], errors: [] };
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    // References never contain `#`, so everything after one is a comment.
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const target = lineTarget(line, label, i + 1);
    if (target instanceof InputError) out.errors.push(target);
    else if (!seen.has(target.ref)) {
      seen.add(target.ref);
      out.targets.push(target);
    }
  });
  return out;
}

function lineTarget(line: string, label: string, n: number): Target | InputError {
  if (/\s/.test(line)) return new InputError(label, `one image reference per line, got "${line}"`, n);
  try {
    return registryTarget(parseReference(line));
  } catch (err) {
    if (err instanceof UsageError) return new InputError(label, err.message, n);
    throw err;
  }
}
