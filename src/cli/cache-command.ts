// `sbom-hunt cache stats|prune|clear`: look after the digest-keyed SBOM cache.
import { existsSync } from 'node:fs';
import { cachePath, olderThan, openCache } from '../acquire/cache/index.js';
import { EXIT, UsageError } from '../errors.js';
import type { RunIo } from './scan-command.js';

export async function runCacheCommand(action: 'stats' | 'prune' | 'clear', opts: { cacheDir?: string; olderThan?: string }, io: RunIo): Promise<number> {
  const file = cachePath(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}, io.env);
  if (!file) throw new UsageError('no cache location');
  // stats is machine output: JSON alone on stdout, so `cache stats | jq` works.
  if (action === 'stats' && !existsSync(file)) {
    io.stdout.write(`${JSON.stringify({ path: file, exists: false, images: 0, packages: 0, bytes: 0, byMethod: {} }, null, 2)}\n`);
    return EXIT.ok;
  }
  const store = openCache(file, { warn: (m) => io.stderr.write(`sbom-hunt: warning: ${m}\n`) });
  try {
    if (action === 'stats') io.stdout.write(`${JSON.stringify({ ...store.stats(), exists: true }, null, 2)}\n`);
    else if (action === 'prune') {
      const before = olderThan(opts.olderThan ?? '30d');
      io.stdout.write(`pruned ${store.prune(before)} cached image(s) older than ${before.toISOString()}\n`);
    } else {
      io.stdout.write(`cleared ${store.clear()} cached image(s) from ${file}\n`);
    }
  } finally {
    store.close();
  }
  return EXIT.ok;
}
