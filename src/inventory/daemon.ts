// Sources `docker:REF` and `podman:REF` (syft's daemon schemes): the engine saves the image to a temporary
// `docker save` tarball, read like docker-archive:, and removed when the scan ends.
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ENGINES, saveImage, type Engine } from '../adapters/container-engine.js';
import { ToolError } from '../errors.js';
import { inventoryDockerArchive } from './docker-archive.js';
import type { InventoryContext, InventoryResult, Source } from './source.js';
import { emptyInventory } from './source.js';
import { SCHEME_TEXT } from './schemes.js';

const DEFAULT_SAVE_TIMEOUT_MS = 600_000;
/** Temporary folders not yet removed: an interrupted run still leaves none behind. */
const pending = new Set<string>();
let exitHook = false;

function track(dir: string): void {
  pending.add(dir);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const d of pending) rmSync(d, { recursive: true, force: true });
  });
}

async function release(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  pending.delete(dir);
}

export async function inventoryDaemon(engine: Engine, spec: string, ctx: InventoryContext): Promise<InventoryResult> {
  const result = emptyInventory();
  if (!spec.trim()) {
    result.inputErrors.push(`${engine}: needs an image, e.g. ${engine}:nginx:1.27`);
    return result;
  }
  const dir = await mkdtemp(path.join(tmpdir(), `sbom-hunt-${engine}-`));
  track(dir);
  if (ctx.defer) ctx.defer(() => release(dir));
  const file = path.join(dir, 'image.tar');
  try {
    await saveImage({ engine, ref: spec, file, timeoutMs: ctx.toolTimeoutMs ?? DEFAULT_SAVE_TIMEOUT_MS, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    // The archive names the image by its tags (an image saved by id has none: it is named by its place in the archive).
    result.targets.push(...(await inventoryDockerArchive(file)));
  } catch (err) {
    if (!(err instanceof ToolError)) throw err;
    result.errors.push(`${engine}:${spec}: ${err.message}`);
  }
  return result;
}

function daemonSource(engine: Engine) {
  return {
    scheme: engine,
    describe: SCHEME_TEXT[engine],
    inventory: (spec, ctx) => inventoryDaemon(engine, spec, ctx),
  } satisfies Source;
}

export const daemonSources: readonly Source[] = ENGINES.map(daemonSource);
