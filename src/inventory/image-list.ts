// Image lists: a file (or `-` for stdin) with one image reference per line, `#` comments allowed.
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { InputError, UsageError } from '../errors.js';
import { parseReference } from '../adapters/oci/reference.js';
import type { Target } from '../model/target.js';
import { registryTarget } from './registry.js';

const STDIN_LABEL = '<stdin>';

/** Reads the references of a list; the first bad line throws InputError naming the file and line. */
export async function readImageList(file: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<Target[]> {
  const label = file === '-' ? STDIN_LABEL : file;
  let content: string;
  try {
    content = file === '-' ? await text(stdin) : await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(label, `cannot read: ${(err as Error).message}`);
  }
  return parseImageList(content, label);
}

/** Parses list text; duplicates (after normalisation, `nginx` = `docker.io/library/nginx:latest`) appear once. */
export function parseImageList(content: string, label: string): Target[] {
  const seen = new Set<string>();
  const targets: Target[] = [];
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    // References never contain `#`, so everything after one is a comment.
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    if (/\s/.test(line)) throw new InputError(label, `one image reference per line, got "${line}"`, i + 1);
    let target: Target;
    try {
      target = registryTarget(parseReference(line));
    } catch (err) {
      if (err instanceof UsageError) throw new InputError(label, err.message, i + 1);
      throw err;
    }
    if (seen.has(target.ref)) return;
    seen.add(target.ref);
    targets.push(target);
  });
  return targets;
}
