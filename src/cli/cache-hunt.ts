// `sbom-hunt cache hunt`: which images ever scanned hold an IOC package, answered from the cache's package
// index alone (one indexed lookup per IOC name), without reaching a registry or re-reading an SBOM.
import { existsSync } from 'node:fs';
import { cachedEvidence, cachePath, openCache, type HuntedImage } from '../acquire/cache/index.js';
import { UsageError } from '../errors.js';
import { iocCacheDir } from '../iocs/compiled-cache.js';
import { loadIocs } from '../iocs/load.js';
import { parseWindow } from '../iocs/window.js';
import { buildIocIndex, type IocIndex } from '../match/ioc-index.js';
import { judgeImage } from '../match/verdict.js';
import type { AcquiredImage } from '../model/target.js';
import { buildReport } from '../report/build.js';
import { bundledIocDir, toolVersion } from '../version.js';
import { exitCodeFor } from './exit-codes.js';
import { parseScanFlags } from './options.js';
import { checkWritable } from './output-file.js';
import { writeReport, type RunIo } from './scan-command.js';

/** Every (ecosystem, normalised name) the IOCs name: the keys of the cache's packages_by_name index. */
function huntKeys(index: IocIndex): { ecosystem: string; nameKey: string }[] {
  return [...index.byEcosystem].flatMap(([ecosystem, names]) => [...names.keys()].map((nameKey) => ({ ecosystem, nameKey })));
}

/** A cached image as the matcher sees it: only the hit packages, with the platform's real package count. */
function acquiredOf(img: HuntedImage): AcquiredImage {
  return {
    ref: img.ref,
    digest: img.digest,
    errors: img.stale ? [img.stale] : [],
    platforms: img.platforms.map(({ stored, hits, packageCount }) => ({
      ...(stored.platform !== undefined ? { platform: stored.platform } : {}),
      ...(stored.digest !== undefined ? { digest: stored.digest } : {}),
      ...(stored.created !== undefined ? { created: stored.created } : {}),
      // The files the read recorded: a native read that did not look for an indicator leaves it unchecked.
      ...(stored.files !== undefined ? { files: stored.files } : {}),
      ...(stored.image !== undefined ? { image: stored.image } : {}),
      evidence: cachedEvidence(stored.evidence, img.storedAt, img.strength),
      packages: hits,
      packageTotal: packageCount,
      errors: [],
      notes: stored.notes,
    })),
  };
}

export async function runCacheHunt(raw: unknown, io: RunIo): Promise<number> {
  const flags = parseScanFlags(raw);
  if (flags.output) await checkWritable(flags.output);
  const file = cachePath(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}, io.env);
  if (!file || !existsSync(file)) throw new UsageError(`no SBOM cache at ${file ?? '(none)'}: a scan fills it (cache hunt reads only what was scanned before)`);
  const windows = flags.window.map(parseWindow);
  const iocCache = iocCacheDir(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}, io.env);
  const iocs = await loadIocs(flags.ioc.length > 0 ? flags.ioc : [bundledIocDir()], undefined, iocCache ? { cacheDir: iocCache } : {});
  const index = buildIocIndex(iocs, windows);
  const store = openCache(file, { warn: (m) => io.stderr.write(`sbom-hunt: warning: ${m}\n`) });
  let hunted: HuntedImage[];
  try {
    // Integrity hashes too: a lockfile entry may fetch an IOC tarball under another name.
    hunted = store.hunt(huntKeys(index), [...index.byIntegrity.keys()]);
  } finally {
    store.close();
  }
  const images = hunted.map((img) => judgeImage(acquiredOf(img), index));
  const report = buildReport(images, iocs, { version: toolVersion(), generatedAt: new Date(), errors: [], windows });
  await writeReport(report, flags, io, 'scan');
  // The hunt answers only for what was cached, and says so: no coverage claim, so no "incomplete" exit.
  return exitCodeFor(report, flags.failOn, [], true);
}
