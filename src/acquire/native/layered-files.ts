// The kept files of an image as layers stack up: whiteouts, opaque directories and replacements applied,
// with every lower-layer file that a later layer deleted or replaced kept aside (the build still ran it).
import type { CatalogResult } from './catalogers/cataloger.js';
import type { FileFacts } from './file-probe.js';
import { basename, dirname, isUnder } from './paths.js';
import { resolveWith } from './symlinks.js';

export interface KeptFile {
  path: string;
  content: Buffer;
  layer: string;
  /** Set when the file was too large to read: its size, and `content` is empty. */
  unreadBytes?: number;
  /** Set for a symlink (its target as written; `content` is empty): catalogers see files through links. */
  link?: string;
  /** What a content cataloger read from the body as it streamed past (`content` is then empty). */
  found?: CatalogResult;
  /**
   * A file that ends like a zip (zip.ts ZipTail) whose body was not held (`content` is empty): where the body
   * is, so that it can be read again once Python's path is known to name it (python-zips.ts).
   */
  zip?: ZipAt;
  /** Size and hash for the file indicators, when the probe wanted this file. */
  facts?: FileFacts;
  /** Kept only for the file indicators: no cataloger reads it (`content` is empty). */
  recordOnly?: true;
  /** Modification time the runtime sets on the path (milliseconds, bounded as containerd bounds it). */
  mtime?: number;
  /** The layer whose member set `mtime`, when it is not `layer` (a later hard link to this file). */
  timeLayer?: string;
  /**
   * The link trees (indexes into LayeredFiles.linkHistory) the file was present under, first and last: the
   * folders a program saw it by while it was there. Unset for a member gone before its own layer ended.
   */
  firstLinks?: number;
  lastLinks?: number;
}

/** A streamed member's place: the layer, its ordinal among the layer's tar entries (TarHandler.onEntry calls), its size. */
export interface ZipAt {
  layer: string;
  member: number;
  size: number;
}

/** The modification times of one layer's members: when all are one time, the layer says nothing about when it was written. */
export interface LayerTimes {
  members: number;
  min: number;
  max: number;
}

/**
 * containerd's boundTime (archive/time.go): a time before the epoch or past what a timespec holds
 * (2262-04-11) is set as the epoch.
 */
const MAX_TIMESPEC_MS = 9_223_372_036_854;
export function boundTime(ms: number): number {
  return ms < 0 || ms > MAX_TIMESPEC_MS || !Number.isFinite(ms) ? 0 : ms;
}

const EMPTY = Buffer.alloc(0);
/** Files that end like a zip marked in one image: far more than real images hold (a pip cache holds thousands). */
export const MAX_ZIP_MARKS = 100_000;

interface LayerChanges {
  digest: string;
  added: Map<string, KeptFile>;
  /** Lower paths removed with everything beneath them: whiteouts and non-directories placed over them. */
  removedTrees: string[];
  /** Directories whose lower content is hidden (opaque). */
  opaqueDirs: string[];
  /** Folders above this layer's added members (may outlive a removal; only a hint to skip scans). */
  addedDirs: Set<string>;
  /** Directory members of this layer so far: what containerd's unpackedPaths holds of folders. */
  dirMembers: Set<string>;
  times: LayerTimes;
  /** The mtime of the member being placed: what keep() and its siblings stamp on what they keep. */
  memberTime: number;
}

export class LayeredFiles {
  private readonly files = new Map<string, KeptFile>();
  /** Directory -> number of kept files beneath it; lets most entries be ignored in O(1). */
  private readonly ancestors = new Map<string, number>();
  private layer: LayerChanges | undefined;
  /** Symlinks of the layers below (path -> target as written): members are placed through them. */
  private readonly links = new Map<string, string>();
  /** Lower-layer files that a later layer deleted or replaced. */
  readonly removed: KeptFile[] = [];
  /** Each layer's member times, by digest, once the layer ended. */
  readonly layerTimes = new Map<string, LayerTimes>();
  /**
   * The symlinks of the image (path -> target) at the end of each layer that changed them, the first being
   * none: a file is seen through the links of the layers it outlived, not only through the final ones.
   */
  readonly linkHistory: ReadonlyMap<string, string>[] = [new Map()];
  private linksChanged = false;
  private zipMarks = 0;
  /** Some files that end like a zip were not marked (past MAX_ZIP_MARKS): a path that names none may name one of them. */
  zipMarksDropped = false;

  beginLayer(digest: string): void {
    const times = { members: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
    this.layer = { digest, added: new Map(), removedTrees: [], opaqueDirs: [], addedDirs: new Set(), dirMembers: new Set(), times, memberTime: 0 };
  }

  /** A member of this layer begins (every member, whiteouts and folders too): its time, as the runtime sets it. */
  member(mtime: number): void {
    const layer = this.current();
    const t = boundTime(mtime);
    layer.memberTime = t;
    layer.times.members += 1;
    if (t < layer.times.min) layer.times.min = t;
    if (t > layer.times.max) layer.times.max = t;
  }

  /**
   * A hard link member: containerd sets its time on the path after linking it, so on the inode both names share.
   * The target, kept in this layer or a lower one, takes the link member's time, naming the layer that set it.
   */
  retimeLinked(path: string): void {
    const layer = this.current();
    const target = layer.added.get(path) ?? this.files.get(path);
    if (!target || target.link !== undefined) return;
    target.mtime = layer.memberTime;
    if (target.layer === layer.digest) delete target.timeLayer;
    else target.timeLayer = layer.digest;
  }

  /**
   * Where a member named `path` lands: its parent folder resolved through the symlinks already applied (lower
   * layers, and earlier members of this layer), its last component as written, as containerd's applyNaive does
   * (fs.RootPath on the parent; `..` stops at the root). undefined on a symlink loop: the runtime fails (ELOOP).
   */
  place(path: string): string | undefined {
    if (path === '' || (this.links.size === 0 && !this.layerHasLinks())) return path;
    const parent = resolveWith(dirname(path), (p) => this.linkAt(p));
    if (parent === undefined) return undefined;
    return parent === '' ? basename(path) : `${parent}/${basename(path)}`;
  }

  /** A hard link's target as the runtime opens it: every component resolved, the last included. */
  resolve(path: string): string | undefined {
    if (this.links.size === 0 && !this.layerHasLinks()) return path;
    return resolveWith(path, (p) => this.linkAt(p));
  }

  /** `.wh.NAME` in this layer: NAME (file or directory) is gone from lower layers. */
  whiteout(path: string): void {
    if (this.touchesLower(path)) this.current().removedTrees.push(path);
    // The runtime removes at once (os.RemoveAll), so this layer's earlier members there go too.
    this.dropAddedUnder(path);
  }

  /** `.wh..wh..opq` in `dir`: lower content of `dir` is hidden, the directory itself stays. */
  opaque(dir: string): void {
    const layer = this.current();
    if (dir === '' || this.ancestors.has(dir)) layer.opaqueDirs.push(dir);
    // containerd walks `dir` at the marker and removes whatever this layer has not unpacked yet: a member of
    // this layer goes too when a folder between `dir` and it came only from mkdirAll (no entry of its own).
    if (dir !== '' && !layer.addedDirs.has(dir)) return;
    for (const [p, f] of layer.added) {
      if (p === dir || !isUnder(p, dir)) continue;
      let a = dirname(p);
      while (a !== dir && a !== '' && layer.dirMembers.has(a)) a = dirname(a);
      if (a === dir) continue;
      layer.added.delete(p);
      this.removed.push(f);
    }
  }

  /** Any entry at `path`: a non-directory hides a lower tree there; a directory only replaces a lower file. */
  occupy(path: string, isDirectory: boolean): void {
    if (isDirectory ? this.files.has(path) : this.touchesLower(path)) this.current().removedTrees.push(path);
    // Within the layer too: a non-directory removes whatever an earlier member made at its path (a folder and
    // its files included); a directory removes only a non-directory there (containerd's createTarFile).
    if (!isDirectory) this.dropAddedUnder(path);
    else {
      this.dropAdded(path);
      this.current().dirMembers.add(path);
    }
  }

  keep(path: string, content: Buffer, unreadBytes?: number, facts?: FileFacts): void {
    const layer = this.current();
    const file: KeptFile = { path, content, layer: layer.digest, mtime: layer.memberTime };
    if (unreadBytes !== undefined) file.unreadBytes = unreadBytes;
    if (facts !== undefined) file.facts = facts;
    this.addTo(layer, file);
  }

  /** A file no cataloger wants, kept only for what the file indicators need of it. */
  keepRecord(path: string, facts: FileFacts): void {
    const layer = this.current();
    this.addTo(layer, { path, content: EMPTY, layer: layer.digest, facts, recordOnly: true, mtime: layer.memberTime });
  }

  /** Any symlink: kept (whiteouts and replacement apply to it as to a file) so that paths through it resolve. */
  symlink(path: string, linkname: string): void {
    const layer = this.current();
    this.addTo(layer, { path, content: Buffer.alloc(0), layer: layer.digest, link: linkname, mtime: layer.memberTime });
  }

  /**
   * A file read by a content cataloger as it streamed (or that ends like a zip); only what was read of it is kept.
   * Past MAX_ZIP_MARKS zip marks a hostile image could make to fill memory, no more are kept and `zipMarksDropped` says so.
   */
  keepFound(path: string, found: CatalogResult | undefined, facts?: FileFacts, zip?: ZipAt): void {
    const layer = this.current();
    if (zip && ++this.zipMarks > MAX_ZIP_MARKS) {
      this.zipMarksDropped = true;
      zip = undefined;
      if (!found && !facts) return;
    }
    this.addTo(layer, { path, content: EMPTY, layer: layer.digest, mtime: layer.memberTime, ...(found ? { found } : {}), ...(facts ? { facts } : {}), ...(zip ? { zip } : {}) });
  }

  /** A kept file by path, this layer's first (symlinks included). */
  lookupKept(path: string): KeptFile | undefined {
    return this.layer?.added.get(path) ?? this.files.get(path);
  }

  /** A kept file's content by path, this layer's first: hard links in a layer point at earlier members. Not symlinks. */
  lookup(path: string): Buffer | undefined {
    const file = this.layer?.added.get(path) ?? this.files.get(path);
    return file?.link === undefined && file?.recordOnly === undefined && file?.zip === undefined ? file?.content : undefined;
  }

  endLayer(): void {
    const layer = this.current();
    this.layer = undefined;
    this.layerTimes.set(layer.digest, layer.times);
    for (const tree of layer.removedTrees) this.removeWhere((p) => isUnder(p, tree));
    for (const dir of layer.opaqueDirs) this.removeWhere((p) => p !== dir && isUnder(p, dir));
    for (const file of layer.added.values()) {
      const lower = this.files.get(file.path);
      if (lower) this.remove(lower);
      this.add(file);
    }
    if (this.linksChanged) this.linkHistory.push(new Map(this.links));
    this.linksChanged = false;
    const now = this.linkHistory.length - 1;
    for (const file of layer.added.values()) file.firstLinks = now;
  }

  /** The final filesystem's kept files. */
  final(): KeptFile[] {
    return [...this.files.values()];
  }

  /** This layer's members at or under `path`, gone before the layer ends: kept aside as removed (the layer held them). */
  private dropAddedUnder(path: string): void {
    const layer = this.current();
    if (!layer.addedDirs.has(path)) return this.dropAdded(path);
    for (const [p, f] of layer.added) {
      if (!isUnder(p, path)) continue;
      layer.added.delete(p);
      this.removed.push(f);
    }
  }

  private dropAdded(path: string): void {
    const layer = this.current();
    const f = layer.added.get(path);
    if (!f) return;
    layer.added.delete(path);
    this.removed.push(f);
  }

  private addTo(layer: LayerChanges, file: KeptFile): void {
    layer.added.set(file.path, file);
    for (let d = dirname(file.path); d !== '' && !layer.addedDirs.has(d); d = dirname(d)) layer.addedDirs.add(d);
  }

  private layerHasLinks(): boolean {
    for (const f of this.layer?.added.values() ?? []) if (f.link !== undefined) return true;
    return false;
  }

  /** The symlink at `path` as applied so far: this layer's member there, else a lower one this layer did not remove. */
  private linkAt(path: string): string | undefined {
    const layer = this.layer;
    const mine = layer?.added.get(path);
    if (mine) return mine.link;
    const lower = this.links.get(path);
    if (lower === undefined || !layer) return lower;
    const gone = layer.removedTrees.some((t) => isUnder(path, t)) || layer.opaqueDirs.some((d) => d !== path && isUnder(path, d));
    return gone ? undefined : lower;
  }

  private current(): LayerChanges {
    if (!this.layer) throw new Error('LayeredFiles: no layer begun');
    return this.layer;
  }

  private touchesLower(path: string): boolean {
    return this.files.has(path) || this.ancestors.has(path) || (path === '' && this.files.size > 0);
  }

  private removeWhere(pred: (path: string) => boolean): void {
    for (const file of [...this.files.values()]) if (pred(file.path)) this.remove(file);
  }

  private add(file: KeptFile): void {
    this.files.set(file.path, file);
    if (file.link !== undefined) {
      this.links.set(file.path, file.link);
      this.linksChanged = true;
    }
    for (let d = dirname(file.path); d !== ''; d = dirname(d)) this.ancestors.set(d, (this.ancestors.get(d) ?? 0) + 1);
  }

  private remove(file: KeptFile): void {
    this.files.delete(file.path);
    if (file.link !== undefined) {
      this.links.delete(file.path);
      this.linksChanged = true;
    }
    // Removed as a layer ends: it was there under the links the layers below left.
    if (file.firstLinks !== undefined) file.lastLinks = this.linkHistory.length - 1;
    this.removed.push(file);
    for (let d = dirname(file.path); d !== ''; d = dirname(d)) {
      const n = (this.ancestors.get(d) ?? 1) - 1;
      if (n === 0) this.ancestors.delete(d);
      else this.ancestors.set(d, n);
    }
  }
}
