// Faults at scale: ~100 small images in the real registry, read through a seeded chaos proxy. Every image
// must end with its true verdict or unknown (never clean unless fully read and verified), in bounded time.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireTarget } from '../../src/acquire/index.js';
import { createNativeAcquirer } from '../../src/acquire/native/acquirer.js';
import { RegistryClient } from '../../src/adapters/oci/client.js';
import { RegistryImageStore } from '../../src/adapters/oci/registry-store.js';
import { loadIocs } from '../../src/iocs/index.js';
import { buildIocIndex } from '../../src/match/index.js';
import { judgeImage } from '../../src/match/verdict.js';
import type { Target } from '../../src/model/target.js';
import { buildImageLayout, npmPackageFiles } from '../helpers/image-builder.js';
import { pushOciLayout } from '../helpers/push.js';
import { registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { ROOT } from '../fuzz/harness.js';
import { startChaosProxy } from './chaos-proxy.js';

if (!registryAvailable) console.warn(SKIP_MESSAGE);

const IMAGES = Number(process.env.SOAK_IMAGES ?? 100);
const SEED = Number(process.env.SOAK_SEED ?? 20260331);

describe.skipIf(!registryAvailable)(`soak: ${IMAGES} images through a chaos proxy (seed ${SEED})`, () => {
  let reg: TestRegistry;
  let dir: string;
  const truth = new Map<string, 'affected' | 'clean'>();

  beforeAll(async () => {
    reg = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-soak-'));
    const limit = pLimit(8);
    await Promise.all(
      Array.from({ length: IMAGES }, (_, i) =>
        limit(async () => {
          const bad = i % 4 === 0;
          const files = [...npmPackageFiles('app/node_modules', 'left-pad', '1.3.0'), { path: 'etc/marker', content: `image ${i}\n${'x'.repeat(i * 97)}` }];
          if (bad) files.push(...npmPackageFiles('app/node_modules', 'axios', '1.14.1'));
          const layout = await buildImageLayout(join(dir, `img${i}`), { ref: '1', platforms: [{ layers: [{ files }, { files: [{ path: `srv/${i}`, content: 'y'.repeat(3000 + i) }], compression: 'none' }] }] });
          await pushOciLayout(reg.url, `soak/app${i}`, layout.dir);
          truth.set(`soak/app${i}`, bad ? 'affected' : 'clean');
        }),
      ),
    );
  }, 300_000);

  afterAll(async () => {
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('every image ends with its true verdict or unknown; none is clean unless it is clean', async () => {
    const proxy = await startChaosProxy(reg.url, SEED);
    const index = buildIocIndex(await loadIocs([join(ROOT, 'iocs')]));
    const client = new RegistryClient({ insecureRegistries: ['127.0.0.1'], credentials: async () => undefined, retry: { retries: 3, baseDelayMs: 20, maxDelayMs: 200, timeoutMs: 2000 } });
    const chain = [createNativeAcquirer({ openStore: async (t) => (t.kind === 'registry' ? new RegistryImageStore(client, { registry: t.registry, repository: t.repository, tag: '1' }) : undefined) })];
    // As scan.ts does: the reader looks for the feed's file indicators, or it cannot answer for them.
    const ctx = { insecureRegistries: ['127.0.0.1'], inputErrors: [] as string[], fileIndicators: index.files.map((f) => f.indicator) };
    const limit = pLimit(8);
    const start = performance.now();
    const results = await Promise.all(
      [...truth.keys()].map((repo) =>
        limit(async () => {
          const target: Target = { kind: 'registry', ref: `${proxy.host}/${repo}:1`, registry: proxy.host, repository: repo, tag: '1' };
          const t0 = performance.now();
          const judged = judgeImage(await acquireTarget(target, ctx, chain), index);
          return { repo, verdict: judged.verdict, reasons: judged.reasons, ms: performance.now() - t0 };
        }),
      ),
    );
    const seconds = (performance.now() - start) / 1000;
    await proxy.stop();
    const right = results.filter((r) => r.verdict === truth.get(r.repo)).length;
    const unknown = results.filter((r) => r.verdict === 'unknown').length;
    const faults = Object.entries(proxy.counts).filter(([k, v]) => k !== 'none' && v > 0);
    const retries = proxy.requests - results.length * 4; // each image needs about 4 requests without faults
    console.log(
      [
        `soak seed ${SEED}: ${results.length} images in ${seconds.toFixed(1)} s (slowest ${Math.round(Math.max(...results.map((r) => r.ms)))} ms)`,
        `requests ${proxy.requests} (about ${Math.max(0, retries)} beyond the ~4 per image a clean read needs: retries and re-fetches)`,
        `faults injected: ${faults.map(([k, v]) => `${k} ${v}`).join(', ')} (total ${faults.reduce((s, [, v]) => s + v, 0)})`,
        `verdicts: ${right} true, ${unknown} unknown, ${results.length - right - unknown} wrong`,
        ...results.filter((r) => r.verdict === 'unknown').slice(0, 5).map((r) => `  unknown ${r.repo}: ${r.reasons[0]?.slice(0, 160)}`),
      ].join('\n'),
    );
    for (const r of results) {
      expect([truth.get(r.repo), 'unknown'], `${r.repo}: ${r.verdict} ${r.reasons.join('; ')}`).toContain(r.verdict);
      expect(r.ms, r.repo).toBeLessThan(60_000);
    }
    expect(faults.reduce((s, [, v]) => s + v, 0)).toBeGreaterThan(IMAGES / 2);
    // Retries carry many images through; which requests draw a fault varies with timing, so only a floor.
    expect(right).toBeGreaterThan(IMAGES / 4);
  }, 600_000);
});
