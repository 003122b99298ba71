// The decode worker's entry (bundled to dist/decode-worker.js): files answered as plain data, one asked at a time, or
// a batch taken in turn with the other workers from a shared counter (decode-pool.ts, Pool.prefetch).
import module from 'node:module';
import { parentPort } from 'node:worker_threads';

// The on-disk compile cache bin/sbom-hunt.js turns on is the main thread's only: a worker that turns it on itself
// before loading the decoders compiles them in ~30 ms instead of ~115 ms from the second run on.
module.enableCompileCache?.();
const { decodeFile, slimOutcome } = await import('./decode-pool.js');
type Outcome = Awaited<ReturnType<typeof decodeFile>>;
type Filter = Parameters<typeof slimOutcome>[1];

/** Atomics.waitAsync (Node >= 16), not yet in the TypeScript lib this project targets. */
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, at: number, value: number): { value: Promise<string> | string } }).waitAsync.bind(Atomics);

type Message = { file: string } | { batch: string[]; shared: SharedArrayBuffer; ahead: number } | { filter: Filter };

/**
 * Which packages batch files are sent with (decode-pool.ts, setPackageFilter): unknown until the main thread has
 * built its IOC index, and batch files decoded before then are held here, then sent slim.
 */
let filter: { value: Filter } | undefined;
let held: { at: number; outcome: Outcome }[] = [];

function send(at: number, outcome: Outcome): void {
  if (filter === undefined) held.push({ at, outcome });
  else parentPort!.postMessage({ at, outcome: slimOutcome(outcome, filter.value) });
}

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
    send(at, await decodeFile(files[at]!));
  }
}

parentPort?.on('message', (m: Message) => {
  if ('filter' in m) {
    filter = { value: m.filter };
    const ready = held;
    held = [];
    for (const h of ready) send(h.at, h.outcome);
    return;
  }
  if ('batch' in m) {
    filter = undefined;
    void drain(m.batch, new Int32Array(m.shared, 0, 2), new Int32Array(m.shared, 8, m.batch.length), m.ahead);
  } else void decodeFile(m.file).then((outcome) => parentPort!.postMessage(outcome));
});
