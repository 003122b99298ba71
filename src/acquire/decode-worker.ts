// The decode worker's entry (bundled to dist/decode-worker.js): files answered as plain data, one asked at a time, or
// a batch taken in turn with the other workers from a shared counter (decode-pool.ts, Pool.prefetch).
import module from 'node:module';
import { parentPort } from 'node:worker_threads';

// The on-disk compile cache bin/sbom-hunt.js turns on is the main thread's only: a worker that turns it on itself
// before loading the decoders compiles them in ~30 ms instead of ~115 ms from the second run on.
module.enableCompileCache?.();
const { decodeFile } = await import('./decode-pool.js');

/** Atomics.waitAsync (Node >= 16), not yet in the TypeScript lib this project targets. */
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, at: number, value: number): { value: Promise<string> | string } }).waitAsync.bind(Atomics);

type Message = { file: string } | { batch: string[]; shared: SharedArrayBuffer; ahead: number };

/** Claims the batch's next file while fewer than `ahead` are decoded and not yet asked for, until none is left. */
async function drain(files: string[], state: Int32Array, claimed: Int32Array, ahead: number): Promise<void> {
  for (;;) {
    const asked = Atomics.load(state, 1);
    if (Atomics.load(state, 0) - asked >= ahead) {
      await waitAsync(state, 1, asked).value;
      continue;
    }
    const at = Atomics.add(state, 0, 1);
    if (at >= files.length) return;
    // The main thread asked for this one before any worker reached it, and reads it itself.
    if (Atomics.compareExchange(claimed, at, 0, 1) !== 0) continue;
    parentPort!.postMessage({ claim: at });
    parentPort!.postMessage({ at, outcome: await decodeFile(files[at]!) });
  }
}

parentPort?.on('message', (m: Message) => {
  if ('batch' in m) void drain(m.batch, new Int32Array(m.shared, 0, 2), new Int32Array(m.shared, 8, m.batch.length), m.ahead);
  else void decodeFile(m.file).then((outcome) => parentPort!.postMessage(outcome));
});
