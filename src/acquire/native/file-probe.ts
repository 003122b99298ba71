// Which regular files the reader must record (and hash) for the scan's file indicators: decided per tar
// member from its name and size alone, so a file no indicator could match streams past unhashed.
import { createHash, type Hash } from 'node:crypto';
import type { FileIndicator } from '../../model/ioc.js';
import { fileIndicatorKey } from '../../match/match-files.js';

export type ProbeWant = 'hash' | 'record' | undefined;

interface NameTest {
  /** The glob's last segment as a RegExp on the file's own name (a directory symlink never changes it). */
  last: RegExp;
  size?: number;
  hash: boolean;
}

export interface FileProbe {
  /** fileIndicatorKey of every indicator this probe looks for. */
  keys: string[];
  /** Whether a regular file named `name` of `size` bytes (undefined: not known yet) could match, and must be hashed. */
  want(name: string, size: number | undefined): ProbeWant;
}

function lastSegmentRegex(glob: string): RegExp {
  const last = glob.slice(glob.lastIndexOf('/') + 1);
  if (last === '**') return /^/;
  let out = '';
  for (let i = 0; i < last.length; i++) {
    const c = last[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = last.indexOf(']', i);
      let body = last.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}

/** undefined when there are no file indicators: the reader then records nothing and hashes nothing. */
export function compileFileProbe(indicators: readonly FileIndicator[]): FileProbe | undefined {
  if (indicators.length === 0) return undefined;
  const names: NameTest[] = [];
  const sizes = new Set<number>();
  let hashAll = false;
  for (const f of indicators) {
    if (f.path !== undefined) names.push({ last: lastSegmentRegex(f.path), hash: f.sha256 !== undefined, ...(f.size !== undefined ? { size: f.size } : {}) });
    else if (f.size !== undefined) sizes.add(f.size);
    else hashAll = true;
  }
  const keys = [...new Set(indicators.map(fileIndicatorKey))];
  return {
    keys,
    want(name, size) {
      if (hashAll || (size === undefined ? sizes.size > 0 : sizes.has(size))) return 'hash';
      let want: ProbeWant;
      for (const t of names) {
        if (t.size !== undefined && size !== undefined && size !== t.size) continue;
        if (!t.last.test(name)) continue;
        if (t.hash) return 'hash';
        want = 'record';
      }
      return want;
    },
  };
}

/** What is kept of a recorded file: its size and, when an indicator needs it, its SHA-256. */
export interface FileFacts {
  size?: number;
  sha256?: string;
}

/** Hashes a body as it streams past. */
export class BodyHasher {
  private readonly hash: Hash = createHash('sha256');
  write(chunk: Buffer): void {
    this.hash.update(chunk);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

export function sha256Of(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
