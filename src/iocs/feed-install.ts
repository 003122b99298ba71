// A downloaded feed -> verified and renamed over the old copy, or refused with the old copy kept.
import { open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { InputError, UsageError } from '../errors.js';
import type { IocSet } from '../model/ioc.js';
import { foldIncidents } from './fold.js';
import { decodeIocBuffer } from './decode-file.js';
import { IOC_EXTENSIONS } from './files.js';

/** A feed's file name: it must end in an extension the folder walk reads, or `--ioc DIR` would skip it. */
export const FEED_NAME = /^[^/\\.][^/\\]*\.(?:ya?ml|json|zip)$/i;

/** `--name`, else the last segment of the URL's path (`.../npm/all.zip` -> `all.zip`). */
export function feedFileName(url: URL, name: string | undefined): string {
  const chosen = name ?? decodeURIComponent(url.pathname.split('/').at(-1) ?? '');
  if (!FEED_NAME.test(chosen)) {
    throw new UsageError(`${name === undefined ? `the URL's file name ${JSON.stringify(chosen)}` : `--name ${JSON.stringify(chosen)}`} does not end in ${IOC_EXTENSIONS.join(', ')}: give --name`);
  }
  return chosen;
}

async function fsyncDir(dir: string): Promise<void> {
  const fd = await open(dir, 'r');
  try {
    await fd.sync();
  } finally {
    await fd.close();
  }
}

/**
 * Parses the downloaded `tmp` with the IOC loader under `label` (the URL, so errors name where the
 * feed came from) and, when it holds at least one incident, renames it to `final` in one step: a
 * scan reading the folder sees the old feed or the new one, never half of one. A broken feed is
 * deleted and the old copy stays. `tmp` and `final` must be in one folder (rename is atomic there).
 */
export async function installFeed(tmp: string, final: string, label: string): Promise<IocSet> {
  try {
    const incidents = decodeIocBuffer(await readFile(tmp), label, false, /\.json$/i.test(final));
    if (!incidents || incidents.length === 0) throw new InputError(label, 'the feed holds no incident (all records withdrawn, or an empty list)');
    const folded = foldIncidents(incidents);
    await rename(tmp, final);
    await fsyncDir(path.dirname(final));
    return { incidents: folded, files: [final] };
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
