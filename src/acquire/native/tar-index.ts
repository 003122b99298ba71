// The member index of a tar file on disk (docker save archives): names to byte ranges, read by
// seeking from header to header so that layer bodies are never read just to list them.
import { open } from 'node:fs/promises';
import { MAX_META_BYTES, cString, headerEntry, isZeroBlock, parseNumeric, parsePax, parsePaxSize, verifyChecksum } from './tar.js';
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
    const block = Buffer.alloc(512);
    let pax: Record<string, string> = {};
    for (let off = 0; off + 512 <= total; ) {
      await fh.read(block, 0, 512, off);
      if (isZeroBlock(block)) break;
      verifyChecksum(block);
      const flag = String.fromCharCode(block[156] ?? 0);
      const isMeta = flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K';
      const size = !isMeta && pax.size !== undefined ? parsePaxSize(pax.size) : parseNumeric(block, 124, 12);
      if (off + 512 + size > total) throw new Error(`tar member at offset ${off} runs past the end of the file`);
      if (isMeta) {
        if (size > MAX_META_BYTES) throw new Error(`tar metadata member of ${size} bytes`);
        const body = Buffer.alloc(size);
        await fh.read(body, 0, size, off + 512);
        if (flag === 'x') Object.assign(pax, parsePax(body));
        else if (flag === 'L') pax.path = cString(body, 0, size);
        else if (flag === 'K') pax.linkpath = cString(body, 0, size);
      } else {
        const entry = headerEntry(block, flag, size, pax);
        pax = {};
        const name = safeEntryPath(entry.name);
        if (name.ok && entry.type === 'file') members.set(name.path, { offset: off + 512, size });
        if (name.ok && entry.type === 'symlink') links.set(name.path, resolveLink(name.path, entry.linkname));
        if (members.size + links.size > MAX_MEMBERS) throw new Error(`more than ${MAX_MEMBERS} tar members`);
      }
      off += 512 + Math.ceil(size / 512) * 512;
    }
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
