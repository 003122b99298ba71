// Indicators of compromise: incidents, their compromise windows and the package versions they name.

export interface TimeWindow {
  start: Date;
  end: Date;
  /** Where the window came from: an IOC file path, or `--window`. */
  source: string;
}

export interface IocPackage {
  ecosystem: string;
  name: string;
  /** Exact versions. */
  versions: string[];
  /** Version ranges: npm/semver range syntax, e.g. `>=1.0.0 <1.2.0`. */
  ranges: string[];
  /** True when the IOC names the package without versions: every version matches. */
  anyVersion: boolean;
  /**
   * Integrity of the malicious tarballs, normalised to `sha512-<hex>` / `sha1-<hex>` (from SRI `sha512-<base64>`,
   * yarn's `#<sha1 hex>` or plain hex): a lockfile entry whose integrity is one of these matches whatever it is named.
   */
  integrity?: string[];
  reference?: string;
  notes?: string;
}

/**
 * A file known by its path and/or content. `path` is a glob anchored at the image root (`/` first):
 * `*` and `?` stay inside one path segment, `**` spans any number of whole segments, `[abc]` is a class
 * (see match/file-glob.ts). With both `path` and `sha256`, a file must meet both; `size` (bytes) only narrows.
 */
export interface FileIndicator {
  path?: string;
  /** Lower-case hex SHA-256 of the file's content (a `sha256:` prefix is dropped when read). */
  sha256?: string;
  size?: number;
  reference?: string;
  notes?: string;
}

/**
 * A known-compromised image. Any one field that matches makes an image `affected`: its name
 * (`registry/repository:tag`, normalised as docker does), a manifest or index digest, its config digest, or
 * `layers`: when all of them are the first layers of another image, that image was built FROM this one.
 * Layer digests are compared with the manifest's layer digests and with the config's `rootfs.diff_ids`.
 */
export interface ImageIndicator {
  /** Normalised `registry/repository:tag` (`docker.io/aquasec/trivy:0.69.4`). */
  ref?: string;
  /** Manifest and index digests, `sha256:<hex>`. */
  digests: string[];
  config?: string;
  /** In order, bottom layer first. */
  layers: string[];
  reference?: string;
  notes?: string;
}

export interface Incident {
  id: string;
  title: string;
  references: string[];
  aliases: string[];
  windows: TimeWindow[];
  packages: IocPackage[];
  /** Free-form indicators (C2 domains, IPs), shown as notes. */
  indicators: string[];
  /** Files known by path and/or hash (absent = none). */
  files?: FileIndicator[];
  /** Images known by name, digest or layers (absent = none). */
  images?: ImageIndicator[];
  notes?: string;
  /** File the incident was read from. */
  file: string;
  /** Newest date the file says it was disclosed or modified, when known. */
  disclosed?: string;
}

export interface IocSet {
  incidents: Incident[];
  files: string[];
}
