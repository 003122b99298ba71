// Go build information in an ELF too large to hold whole: the header is caught as the bytes stream past.
// Only 16-byte-aligned magics inside writable, non-executable segments count (a Go program that reads
// build info, like trivy, also holds the magic in its read-only data); the section headers at the end
// of the file break ties in favour of a candidate that starts a section, as `.go.buildinfo` does.
import { PF_W, PF_X, PT_LOAD, readElfHeader, readSections, readSegments, type ElfHeader } from './elf.js';
import { BUILDINFO_MAGIC, decodeHeader, MAX_BUILDINFO_STRING, type BuildInfoOutcome } from './go-buildinfo.js';

/** Program headers must lie in the first bytes; real toolchains put them right after the file header. */
export const ELF_HEAD_BYTES = 64 * 1024;
const MAX_CANDIDATES = 8;
const MAX_SECTION_TABLE = 1024 * 1024;

interface Capture {
  start: number;
  buf: Buffer;
  fill: number;
}

export class GoStreamScanner {
  private head: Buffer;
  private headFill = 0;
  private pos = 0;
  private carry = Buffer.alloc(0);
  private header: ElfHeader | undefined;
  private ranges: { start: number; end: number }[] = [];
  private readonly candidates: Capture[] = [];
  private sectionTable: Capture | undefined;
  private failed: string | undefined;

  constructor(readonly size: number) {
    this.head = Buffer.alloc(Math.min(size, ELF_HEAD_BYTES));
  }

  /** True once the first bytes said this is not an ELF to scan. */
  done = false;

  write(chunk: Buffer): void {
    if (this.done || this.failed) return;
    let rest = chunk;
    if (!this.header) {
      const n = chunk.copy(this.head, this.headFill);
      this.headFill += n;
      if (this.headFill < this.head.length) return;
      this.readHead();
      if (!this.header) return;
      this.scan(this.head);
      this.pos = this.head.length;
      rest = chunk.subarray(n);
    }
    if (rest.length === 0) return;
    this.scan(rest);
    this.pos += rest.length;
  }

  finish(): BuildInfoOutcome {
    if (this.failed) return { error: this.failed };
    if (!this.header) return { notGo: 'not an ELF file this reader knows' };
    const decoded = this.candidates.map((c) => ({ start: c.start, outcome: decodeHeader(c.buf.subarray(0, c.fill)) }));
    const found = decoded.filter((d) => 'info' in d.outcome);
    const starts = this.sectionStarts();
    const best = found.find((d) => starts.has(d.start)) ?? found[0];
    if (best) return best.outcome;
    const broken = decoded.find((d) => 'error' in d.outcome);
    return broken ? broken.outcome : { notGo: 'no Go build information' };
  }

  private readHead(): void {
    const h = readElfHeader(this.head);
    if (!h) {
      this.done = true;
      return;
    }
    const segments = readSegments(this.head, h);
    if (!segments) {
      this.failed = `ELF program headers not within the first ${ELF_HEAD_BYTES} bytes`;
      return;
    }
    this.header = h;
    this.ranges = segments.filter((s) => s.type === PT_LOAD && (s.flags & (PF_X | PF_W)) === PF_W).map((s) => ({ start: s.offset, end: s.offset + s.filesz }));
    const tableBytes = h.shnum * h.shentsize;
    if (h.shoff > 0 && tableBytes > 0 && tableBytes <= MAX_SECTION_TABLE) this.sectionTable = { start: h.shoff, buf: Buffer.alloc(tableBytes), fill: 0 };
  }

  private scan(chunk: Buffer): void {
    for (const c of this.candidates) fillCapture(c, chunk, this.pos);
    if (this.sectionTable) fillCapture(this.sectionTable, chunk, this.pos);
    if (this.candidates.length >= MAX_CANDIDATES) return;
    // The window starts with the previous chunk's last bytes, so a magic split between chunks is found.
    const window = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const base = this.pos - this.carry.length;
    for (const r of this.ranges) {
      let from = Math.max(r.start, base);
      const end = Math.min(r.end, base + window.length);
      while (from < end && this.candidates.length < MAX_CANDIDATES) {
        const i = window.indexOf(BUILDINFO_MAGIC, from - base);
        if (i < 0 || base + i >= end) break;
        const at = base + i;
        if ((at - r.start) % 16 === 0 && !this.candidates.some((c) => c.start === at)) {
          const capture: Capture = { start: at, buf: Buffer.alloc(Math.min(r.end - at, 32 + 10 + 2 * MAX_BUILDINFO_STRING, 1024 * 1024)), fill: 0 };
          fillCapture(capture, window, base);
          this.candidates.push(capture);
        }
        from = at + 1;
      }
    }
    this.carry = Buffer.from(window.subarray(Math.max(0, window.length - (BUILDINFO_MAGIC.length - 1))));
  }

  private sectionStarts(): Set<number> {
    const t = this.sectionTable;
    if (!t || !this.header || t.fill < t.buf.length) return new Set();
    const sections = readSections(t.buf, this.header, t.start) ?? [];
    return new Set(sections.map((s) => s.offset));
  }
}

/** Copies the part of `chunk` (at file position `pos`) that falls inside the capture's range. */
function fillCapture(c: Capture, chunk: Buffer, pos: number): void {
  const want = c.start + c.fill;
  if (c.fill >= c.buf.length || want < pos || want >= pos + chunk.length) return;
  c.fill += chunk.copy(c.buf, c.fill, want - pos);
}
