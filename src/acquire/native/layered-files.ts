// The kept files of an image as layers stack up: whiteouts, opaque directories and replacements applied,
// with every lower-layer file that a later layer deleted or replaced kept aside (the build still ran it).
import type { CatalogResult } from './catalogers/cataloger.js';
import { dirname, isUnder } from './paths.js';

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
}

interface LayerChanges {
  digest: string;
  added: Map<string, KeptFile>;
  /** Lower paths removed with everything beneath them: whiteouts and non-directories placed over them. */
  removedTrees: string[];
  /** Directories whose lower content is hidden (opaque). */
  opaqueDirs: string[];
}

export class LayeredFiles {
  private readonly files = new Map<string, KeptFile>();
  /** Directory -> number of kept files beneath it; lets most entries be ignored in O(1). */
  private readonly ancestors = new Map<string, number>();
  private layer: LayerChanges | undefined;
  /** Lower-layer files that a later layer deleted or replaced. */
  readonly removed: KeptFile[] = [];

  beginLayer(digest: string): void {
    this.layer = { digest, added: new Map(), removedTrees: [], opaqueDirs: [] };
  }

  /** `.wh.NAME` in this layer: NAME (file or directory) is gone from lower layers. */
  whiteout(path: string): void {
    if (this.touchesLower(path)) this.current().removedTrees.push(path);
  }

  /** `.wh..wh..opq` in `dir`: lower content of `dir` is hidden, the directory itself stays. */
  opaque(dir: string): void {
    if (dir === '' || this.ancestors.has(dir)) this.current().opaqueDirs.push(dir);
  }

  /** Any entry at `path`: a non-directory hides a lower tree there; a directory only replaces a lower file. */
  occupy(path: string, isDirectory: boolean): void {
    if (isDirectory ? this.files.has(path) : this.touchesLower(path)) this.current().removedTrees.push(path);
  }

  keep(path: string, content: Buffer, unreadBytes?: number): void {
    const layer = this.current();
    const file: KeptFile = { path, content, layer: layer.digest };
    if (unreadBytes !== undefined) file.unreadBytes = unreadBytes;
    layer.added.set(path, file);
  }

  /** Any symlink: kept (whiteouts and replacement apply to it as to a file) so that paths through it resolve. */
  symlink(path: string, linkname: string): void {
    const layer = this.current();
    layer.added.set(path, { path, content: Buffer.alloc(0), layer: layer.digest, link: linkname });
  }

  /** A file read by a content cataloger as it streamed; only its result is kept. */
  keepFound(path: string, found: CatalogResult): void {
    const layer = this.current();
    layer.added.set(path, { path, content: Buffer.alloc(0), layer: layer.digest, found });
  }

  /** A kept file by path, this layer's first (symlinks included). */
  lookupKept(path: string): KeptFile | undefined {
    return this.layer?.added.get(path) ?? this.files.get(path);
  }

  /** A kept file's content by path, this layer's first: hard links in a layer point at earlier members. Not symlinks. */
  lookup(path: string): Buffer | undefined {
    const file = this.layer?.added.get(path) ?? this.files.get(path);
    return file?.link === undefined ? file?.content : undefined;
  }

  endLayer(): void {
    const layer = this.current();
    this.layer = undefined;
    for (const tree of layer.removedTrees) this.removeWhere((p) => isUnder(p, tree));
    for (const dir of layer.opaqueDirs) this.removeWhere((p) => p !== dir && isUnder(p, dir));
    for (const file of layer.added.values()) {
      const lower = this.files.get(file.path);
      if (lower) this.remove(lower);
      this.add(file);
    }
  }

  /** The final filesystem's kept files. */
  final(): KeptFile[] {
    return [...this.files.values()];
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
    for (let d = dirname(file.path); d !== ''; d = dirname(d)) this.ancestors.set(d, (this.ancestors.get(d) ?? 0) + 1);
  }

  private remove(file: KeptFile): void {
    this.files.delete(file.path);
    this.removed.push(file);
    for (let d = dirname(file.path); d !== ''; d = dirname(d)) {
      const n = (this.ancestors.get(d) ?? 1) - 1;
      if (n === 0) this.ancestors.delete(d);
      else this.ancestors.set(d, n);
    }
  }
}
