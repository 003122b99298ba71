// An acknowledgement as read from an ignore file or an OpenVEX statement, before it is matched to findings.

export interface Acknowledgement {
  /** The incident id (or an alias of it, as an OpenVEX vulnerability name may be). */
  incident: string;
  /** sha256:… of the image (index or platform manifest); with `repository`, both must match. */
  digest?: string;
  /** The image's repository (`registry.example.com/shop/api`) or, for an SBOM file or folder, its path as scanned. */
  repository?: string;
  /** Only findings of this package; the finding is acknowledged when each of its packages is. */
  package?: { ecosystem?: string; name: string; version?: string };
  /** Only findings of this indicator (a file, an image, a hash the IOC lists), by the name the match carries. */
  indicator?: string;
  reason: string;
  who: string;
  /** Past this, the entry is not applied and every run says so. None: an OpenVEX statement (no expiry there). */
  expires?: Date;
  /** `FILE:LINE`, or `FILE (statement N)`. */
  source: string;
}
