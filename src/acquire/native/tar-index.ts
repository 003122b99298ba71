// The member index of a tar file on disk (docker save archives): names to byte ranges, read by
// seeking from header to header so that layer bodies are never read just to list them.
import { open } from 'node:fs/promises';
import { TarParser } from './tar.js';
import { safeEntryPath } from './paths.js';

export interface TarMember {
  offset: number;
  size: number;
}

const MAX_MEMBERS = 1_000_000;
const MAX_LINK_HOPS = 8;

export async function indexTarFile(file: string): Promise<Map<string, TarMember>> {
  const fh = await open(file, 'r');
  try {
    const { size: total } = await fh.stat();
    const members = new Map<string, TarMember>();
    const links = new Map<string, string>();
    // The same reader as for layers (Go's archive/tar rules), told to skip bodies by seeking.
    const parser = new TarParser({
      onEntry(entry) {
        const name = safeEntryPath(entry.name);
        if (entry.sparse) throw new Error(`tar member ${JSON.stringify(entry.name)} is a sparse file; not read from a docker archive`);
        if (name.ok && entry.type === 'file') members.set(name.path, { offset: parser.position, size: entry.size });
        if (name.ok && entry.type === 'symlink') links.set(name.path, resolveLink(name.path, entry.linkname));
        if (members.size + links.size > MAX_MEMBERS) throw new Error(`more than ${MAX_MEMBERS} tar members`);
        return false;
      },
      onBody() {},
    });
    const buf = Buffer.alloc(64 * 1024);
    let off = 0;
    while (off < total && !parser.done) {
      const skip = Math.min(parser.skippable(), total - off);
      if (skip > 0) {
        parser.skip(skip);
        off += skip;
        continue;
      }
      const { bytesRead } = await fh.read(buf, 0, 512, off);
      if (bytesRead === 0) break;
      parser.write(buf.subarray(0, bytesRead));
      off += bytesRead;
    }
    parser.end();
    for (const [name, m] of members) if (m.offset + m.size > total) throw new Error(`tar member ${name} runs past the end of the file`);
    addLinks(members, links);
    return members;
  } finally {
    await fh.close();
  }
}

/** docker save writes a repeated layer once and links the others to it (`../<id>/layer.tar`). */
function addLinks(members: Map<string, TarMember>, links: Map<string, string>): void {
  for (const [name, target] of links) {
    let t: string | undefined = target;
    for (let hop = 0; t !== undefined && !members.has(t) && hop < MAX_LINK_HOPS; hop++) t = links.get(t);
    const member = t !== undefined ? members.get(t) : undefined;
    if (member) members.set(name, member);
  }
}

function resolveLink(from: string, linkname: string): string {
  const parts = linkname.startsWith('/') ? [] : from.split('/').slice(0, -1);
  for (const seg of linkname.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '' && seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}
