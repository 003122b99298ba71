// The native reader as a link of the acquisition chain: images on disk (OCI layouts, docker save
// tarballs), and any other target for which the caller can open an ImageStore (a registry client).
import { InputError } from '../../errors.js';
import { openDockerArchive } from '../../inventory/docker-archive.js';
import { openOciDir } from '../../inventory/oci-dir.js';
import type { ImageStore } from '../../model/oci.js';
import type { Target } from '../../model/target.js';
import { notApplicable, type Acquirer } from '../acquirer.js';
import type { Limits } from './limits.js';
import { readImage } from './read-image.js';

/** Opens a store for targets other than files on disk; undefined means "not a target I can open". */
export type StoreOpener = (target: Target, signal?: AbortSignal) => Promise<ImageStore | undefined>;

export function openLocalStore(target: Target): Promise<ImageStore | undefined> {
  if (target.kind === 'oci-layout') return openOciDir(target.path, target.digest ? { digest: target.digest } : { ref: target.ref });
  if (target.kind === 'docker-archive') return openDockerArchive(target.path, { ref: target.ref });
  return Promise.resolve(undefined);
}

export function createNativeAcquirer(opts: { openStore?: StoreOpener; limits?: Partial<Limits>; platform?: string } = {}): Acquirer {
  return {
    name: 'native',
    async acquire(target, ctx) {
      let store: ImageStore | undefined;
      try {
        store = (await openLocalStore(target)) ?? (await opts.openStore?.(target, ctx.signal));
      } catch (err) {
        if (err instanceof InputError) ctx.inputErrors.push(err.message);
        return { ok: true, image: { ref: target.ref, platforms: [], errors: [`native: ${(err as Error).message}`] } };
      }
      if (!store) return notApplicable(`cannot open ${target.kind} targets`);
      const image = await readImage(store, {
        ref: target.ref,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(opts.limits ? { limits: opts.limits } : {}),
        ...(opts.platform ? { platform: opts.platform } : {}),
        ...(ctx.fileIndicators ? { fileIndicators: ctx.fileIndicators } : {}),
      });
      return { ok: true, image };
    },
  };
}

export const nativeAcquirer = createNativeAcquirer();
