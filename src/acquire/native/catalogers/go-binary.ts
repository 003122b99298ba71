// Go executables at any path (ELF): main module, dependencies (the replacement where `=>` says one
// was built instead) and the Go toolchain version, read from the build information the linker embeds.
import { purlString } from '../../../formats/purl-lib.js';
import { isElf } from '../elf.js';
import { readGoBuildInfo, type BuildInfoOutcome, type GoBuildInfo, type GoModule } from '../go-buildinfo.js';
import { GoStreamScanner } from '../go-stream-scan.js';
import type { Limits } from '../limits.js';
import type { CatalogResult, ContentCataloger, ContentSink, FoundPackage } from './cataloger.js';
import { noteFor } from './cataloger.js';

/** The smallest Go executable is over a megabyte; a file under 4 KiB cannot hold one. */
const MIN_SIZE = 4096;

export function goPurl(path: string, version: string): string | undefined {
  try {
    const slash = path.lastIndexOf('/');
    const [ns, name] = slash > 0 ? [path.slice(0, slash), path.slice(slash + 1)] : [undefined, path];
    return purlString('golang', ns, name, version || undefined, undefined);
  } catch {
    return undefined;
  }
}

const isDirectory = (p: string) => p.startsWith('./') || p.startsWith('../') || p.startsWith('/');

function goPackage(m: GoModule, file: string, notes: string[]): FoundPackage {
  let { path, version } = m;
  if (m.replace && !isDirectory(m.replace.path)) ({ path, version } = m.replace);
  // A directory replacement has no version: the module's code is whatever that folder held.
  else if (m.replace) {
    version = '';
    notes.push(`go-binary: ${file}: ${m.path} ${m.version} was replaced by the directory ${m.replace.path}`);
  }
  return { ecosystem: 'go', name: path, version, purl: goPurl(path, version), path: file };
}

export function packagesOfBuildInfo(info: GoBuildInfo, file: string): CatalogResult {
  const notes: string[] = [];
  const packages: FoundPackage[] = [];
  if (info.main) packages.push(goPackage(info.main, file, notes));
  for (const dep of info.deps) packages.push(goPackage(dep, file, notes));
  packages.push({ ecosystem: 'go', name: 'stdlib', version: info.goVersion, purl: goPurl('stdlib', info.goVersion), path: file });
  if (!info.main) notes.push(`go-binary: ${file}: built with ${info.goVersion} without module information`);
  return { packages, notes };
}

function resultOf(outcome: BuildInfoOutcome, path: string): CatalogResult | undefined {
  if ('info' in outcome) return packagesOfBuildInfo(outcome.info, `/${path}`);
  if ('notGo' in outcome) return undefined;
  return { packages: [], notes: [], errors: [noteFor(path, 'go-binary', outcome.error)] };
}

/** Small executables are held whole and read as Go's own reader does; larger ones are scanned in passing. */
class GoBinarySink implements ContentSink {
  private whole: Buffer | undefined;
  private fill = 0;
  private scanner: GoStreamScanner | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private notElf = false;

  constructor(
    private readonly path: string,
    private readonly size: number,
    private readonly limits: Limits,
  ) {}

  get settled(): boolean {
    return this.notElf || this.scanner?.done === true;
  }

  write(chunk: Buffer): void {
    if (this.notElf) return;
    if (this.whole || this.scanner) return this.take(chunk);
    // The first bytes decide; chunks are only valid during the call, so the few sniffed are copied.
    this.pending.push(Buffer.from(chunk));
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < 4) return;
    const head = Buffer.concat(this.pending);
    this.pending = [];
    if (!isElf(head)) {
      this.notElf = true;
      return;
    }
    if (this.size <= this.limits.maxExecutableBytes) this.whole = Buffer.allocUnsafe(this.size);
    else this.scanner = new GoStreamScanner(this.size);
    this.take(head);
  }

  finish(): CatalogResult | undefined {
    if (this.notElf) return undefined;
    if (this.whole) return resultOf(readGoBuildInfo(this.whole.subarray(0, this.fill)), this.path);
    if (this.scanner) return resultOf(this.scanner.finish(), this.path);
    return undefined;
  }

  private take(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.whole) this.fill += chunk.copy(this.whole, this.fill);
    else this.scanner?.write(chunk);
  }
}

export const goBinaryCataloger = {
  name: 'go-binary',
  mayWant: (size) => size >= MIN_SIZE,
  open: (path, size, limits) => new GoBinarySink(path, size, limits),
} satisfies ContentCataloger;
