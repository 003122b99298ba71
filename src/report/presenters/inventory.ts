// What the SBOM outputs share: every image and platform whose packages were kept, with stable ids and labels.
import { createHash } from 'node:crypto';
import type { ImageResult, InventoryPackage, PlatformResult } from '../../model/finding.js';
import type { Report } from '../../model/report.js';
import { evidenceLabel } from '../describe.js';

export interface InventoryEntry {
  image: ImageResult;
  platform: PlatformResult;
  /** Unique within the document: `image-1`, `image-2-linux-arm64`. */
  id: string;
  /** What the image is called: the described image for an SBOM file, else the ref. */
  name: string;
  digest?: string;
  packages: InventoryPackage[];
  /** Where the packages came from, in words. */
  evidence: string;
}

/** Images (not inventory gaps) with at least one platform read, each platform once. */
export function inventoryEntries(report: Report): InventoryEntry[] {
  const out: InventoryEntry[] = [];
  report.images.forEach((image, i) => {
    if (image.kind === 'source') return;
    image.platforms.forEach((platform, j) => {
      const suffix = image.platforms.length > 1 ? `-${(platform.platform ?? String(j + 1)).replace(/[^A-Za-z0-9.]+/g, '-')}` : '';
      const source = platform.source ?? image.source;
      const digest = platform.digest ?? image.digest;
      out.push({
        image,
        platform,
        id: `image-${i + 1}${suffix}`,
        name: image.describes?.name ?? image.ref,
        ...(digest ? { digest } : {}),
        packages: platform.packages ?? [],
        evidence: [evidenceLabel(source), source?.format, source?.detail].filter(Boolean).join('; '),
      });
    });
  });
  return out;
}

/** A UUID made from the report's own bytes: the same report gets the same serial number. */
export function reportUuid(report: Report, salt: string): string {
  const h = createHash('sha256').update(salt).update(JSON.stringify(report)).digest('hex');
  // RFC 4122 layout, version 5-style bits (name-based), so validators that check the variant accept it.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
