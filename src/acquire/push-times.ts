// After acquisition: the registry's push times for the image's digests, from the cache or the vendor API, into each platform's build time.
import type { PushLookup } from '../adapters/push-time/index.js';
import type { DigestPush } from '../adapters/push-time/vendor.js';
import { withSources } from '../match/build-time.js';
import type { AcquiredImage, Target } from '../model/target.js';
import type { CacheStore } from './cache/store.js';

export interface PushTimeStage {
  lookup: PushLookup;
  cache?: CacheStore;
  warn?: (message: string) => void;
  now?: () => Date;
}

/** The digests asked about: the index (or single manifest) first, then each platform's. */
function digestsOf(image: AcquiredImage, target: Target & { kind: 'registry' }): string[] {
  const root = image.digest ?? target.digest;
  return [...new Set([root, ...image.platforms.map((p) => p.digest)].filter((d): d is string => !!d && /^sha256:[0-9a-f]{64}$/.test(d)))];
}

async function pushesFor(stage: PushTimeStage, target: Target & { kind: 'registry' }, digests: string[], signal?: AbortSignal): Promise<{ pushes: DigestPush[]; note?: string }> {
  const [root] = digests;
  const cached = root ? safely(() => stage.cache?.getPushTimes(target.registry, target.repository, root), stage.warn) : undefined;
  if (cached) return { pushes: cached };
  const { vendor, answer } = await stage.lookup({ registry: target.registry, repository: target.repository, digests, ...(target.tag ? { tag: target.tag } : {}), ...(signal ? { signal } : {}) });
  if (!vendor || !answer) return { pushes: [] };
  if ('absent' in answer) return { pushes: [], note: `registry push time not available: ${answer.absent}` };
  // A listing cut at its page limit is not cached: a later run asks again and says so again.
  if (root && !answer.note) safely(() => stage.cache?.putPushTimes(target.registry, target.repository, root, answer.pushes), stage.warn);
  return { pushes: answer.pushes, ...(answer.note ? { note: `registry push time: ${answer.note}` } : {}) };
}

function safely<T>(fn: () => T, warn?: (m: string) => void): T | undefined {
  try {
    return fn();
  } catch (err) {
    warn?.(`cache: push times: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

/**
 * Adds the push times to every platform's build time and re-decides it. The index's push bounds every
 * platform (they were pushed before it); a platform's own push bounds only that platform. No answer
 * leaves the build time as it was, with a note: the rest of the scan goes on.
 */
export async function attachPushTimes(image: AcquiredImage, target: Target, stage: PushTimeStage, signal?: AbortSignal): Promise<void> {
  if (target.kind !== 'registry' || image.platforms.length === 0) return;
  const digests = digestsOf(image, target);
  if (digests.length === 0) return;
  const { pushes, note } = await pushesFor(stage, target, digests, signal);
  const root = digests[0];
  for (const p of image.platforms) {
    const mine = pushes.filter((x) => x.digest === root || x.digest === p.digest).map((x) => x.source);
    if (mine.length > 0) p.created = withSources(p.created, mine, stage.now?.());
  }
  if (note) image.platforms[0]!.notes.push(note);
}
