// SBOM files read and decoded on worker threads, so a fleet of files uses every core while the main thread matches.
// The workers run the very same readFile + decodeSbomBytes as the main thread would (dist/decode-worker.js is bundled from
// decode-worker.ts, which calls decodeFile below); only plain data crosses: the decoded SBOM, or the error's parts,
// which become the same InputError again. Without the bundled worker file (the sources run under vitest), or with
// SBOM_HUNT_DECODE_WORKERS=0, files are decoded in this thread. A small fleet is decoded in this thread too: a
// worker's start (it loads the decoders, ~100 ms of CPU) costs more than it saves until there are megabytes to decode.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError } from '../errors.js';
import { logDebug } from '../cli/log.js';
import { decodeSbomBytes, type DecodedSbom } from '../formats/index.js';
import { packagesToJudge, type PackageFilter } from '../match/package-filter.js';

/** What reading and decoding one file gave, as plain data. */
export type DecodeOutcome =
  | { ok: true; sbom: DecodedSbom; text?: string }
  | { ok: false; kind: 'read'; code: string }
  | { ok: false; kind: 'input'; file: string; detail: string; line?: number; field?: string }
  | { ok: false; kind: 'crash'; message: string; stack?: string };

/** Reads and decodes one file; an attestation comes back with its text, whose signature the main thread checks. */
export async function decodeFile(file: string): Promise<DecodeOutcome> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    return { ok: false, kind: 'read', code: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
  try {
    // From the bytes: a large JSON SBOM is parsed in pieces without the string of the whole file (decodeSbomBytes).
    const sbom = decodeSbomBytes(bytes, file);
    return sbom.attestation !== undefined ? { ok: true, sbom, text: bytes.toString('utf8') } : { ok: true, sbom };
  } catch (err) {
    if (err instanceof InputError) {
      return { ok: false, kind: 'input', file: err.file, detail: err.detail, ...(err.line !== undefined ? { line: err.line } : {}), ...(err.field !== undefined ? { field: err.field } : {}) };
    }
    return { ok: false, kind: 'crash', message: err instanceof Error ? err.message : String(err), ...(err instanceof Error && err.stack ? { stack: err.stack } : {}) };
  }
}

/**
 * The outcome with only the packages the verdict reads, when the scan set a filter; an attestation's outcome is
 * left whole (its signature is checked on the main thread, which reads the SBOM again from its text).
 */
export function slimOutcome(o: DecodeOutcome, filter: PackageFilter | null): DecodeOutcome {
  if (!o.ok || filter === null || o.sbom.attestation !== undefined) return o;
  const kept = packagesToJudge(o.sbom.packages, filter);
  return kept === o.sbom.packages ? o : { ...o, sbom: { ...o.sbom, packages: kept, packageTotal: o.sbom.packages.length } };
}

/** The error an outcome stands for, as the main thread would have thrown it. */
export function outcomeError(o: Extract<DecodeOutcome, { ok: false }>): Error {
  if (o.kind === 'input') return new InputError(o.file, o.detail, o.line, o.field);
  if (o.kind === 'read') return new Error(`cannot read: ${o.code}`);
  const err = new Error(o.message);
  if (o.stack) err.stack = o.stack;
  return err;
}

interface Task {
  file: string;
  resolve: (o: DecodeOutcome) => void;
}

/** The bundled worker beside the bundled CLI (this code sits in dist/sbom-hunt.cjs); undefined when running from the sources. */
function workerScript(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  if (!/sbom-hunt\.c?js$/.test(here)) return undefined;
  const script = path.join(path.dirname(here), 'decode-worker.js');
  return existsSync(script) ? script : undefined;
}

/** How many workers, and whether that number was asked for (then they start with the first file, whatever its size). */
function workerCount(env: NodeJS.ProcessEnv): { size: number; asked: boolean } {
  const asked = env['SBOM_HUNT_DECODE_WORKERS'];
  if (asked !== undefined && /^\d+$/.test(asked)) return { size: Math.min(Number(asked), 16), asked: true };
  // One core is this thread's: it loads the feed, matches, and decodes what no worker has reached yet. On two cores
  // one worker beside it was faster than two (200-file bench fleet, 6 paired runs: wall 1.07 against 1.14 s, CPU
  // 1.83 against 2.00 s): three threads on two cores only took turns.
  return { size: Math.min(Math.max(1, availableParallelism() - 1), 4), asked: false };
}

/**
 * Bytes decoded in this thread before workers start. A worker first loads the decoders (~100 ms of CPU on a
 * busy 2-core machine), about what 8 MiB of SBOM JSON takes to decode; five files of a few hundred KiB were
 * 0.3 s slower with 2 workers than without.
 */
export const WORKER_MIN_BYTES = 8 * 1024 ** 2;

/**
 * Files named ahead, which the workers take one by one from a shared counter, with no round trip through this thread
 * (busy loading the IOC feed meanwhile): state[0] is the next index to claim, state[1] how many this thread has asked
 * for, claimed[i] whether file i is taken (by a worker, or by this thread when it asks for a file no worker has reached:
 * it would only wait otherwise). A worker waits while PREFETCH_AHEAD files are decoded and not yet asked for, so a
 * fleet is not all held at once; the bound is set so two workers do not wait while a 20,000-entry feed loads.
 */
interface Batch {
  files: readonly string[];
  shared: SharedArrayBuffer;
  state: Int32Array;
  claimed: Int32Array;
  index: Map<string, number>;
  answers: Map<string, Promise<DecodeOutcome>>;
  resolvers: ((o: DecodeOutcome) => void)[];
  open: number;
}
export const PREFETCH_AHEAD = 96;

/** What a worker posts: a plain task's outcome, a batch file it claims, or a batch file's outcome. */
export type WorkerMessage = DecodeOutcome | { claim: number } | { at: number; outcome: DecodeOutcome };

export const MAX_LOST_IN_A_ROW = 3;

/** Exported for test/acquire/decode-pool.test.ts, which runs it with a worker script that dies. */
export class Pool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Task>();
  /** Batch files a worker claimed and has not answered (it holds them until the package filter is known). */
  private readonly claims = new Map<Worker, Set<number>>();
  /** The package filter the workers were sent; undefined until sendFilter. */
  private filter: { value: PackageFilter | null } | undefined;
  private readonly all = new Set<Worker>();
  private readonly queue: Task[] = [];
  private started = 0;
  /** Workers lost since a file was last answered: past MAX_LOST_IN_A_ROW none is started again for the batch. */
  private lostInARow = 0;
  batch: Batch | undefined;

  constructor(
    private readonly script: string,
    private readonly size: number,
  ) {}

  run(file: string): Promise<DecodeOutcome> {
    return new Promise((resolve) => {
      this.queue.push({ file, resolve });
      this.pump();
    });
  }

  /** Starts every worker on the files, in order; each file's outcome is taken once with take(). */
  prefetch(files: readonly string[]): void {
    const shared = new SharedArrayBuffer(8 + 4 * files.length);
    const answers = new Map<string, Promise<DecodeOutcome>>();
    const index = new Map<string, number>();
    const resolvers: ((o: DecodeOutcome) => void)[] = [];
    files.forEach((f, i) => {
      index.set(f, i);
      answers.set(f, new Promise((resolve) => (resolvers[i] = resolve)));
    });
    const state = new Int32Array(shared, 0, 2);
    this.filter = undefined;
    this.batch = { files, shared, state, claimed: new Int32Array(shared, 8, files.length), index, answers, resolvers, open: files.length };
    while (this.started < this.size) this.idle.push(this.spawn());
    for (const w of this.all) this.join(w);
  }

  /**
   * The scan is over: what was prefetched and not asked for is dropped, so no later scan in this process is handed
   * a file as it was before it may have changed; files no worker has reached are skipped, and waiting workers go on.
   */
  endBatch(): void {
    const b = this.batch;
    if (!b) return;
    this.sendFilter(null);
    for (const file of b.answers.keys()) {
      const at = b.index.get(file)!;
      if (Atomics.compareExchange(b.claimed, at, 0, 1) === 0) this.answer(at, { ok: false, kind: 'crash', message: `not read: the scan ended before ${file} was asked for` });
    }
    b.answers.clear();
    Atomics.store(b.state, 1, 0x3fffffff);
    Atomics.notify(b.state, 1);
  }

  /**
   * Tells every worker which packages to send (null: all of them). Workers hold decoded batch files until they
   * know, so files decoded while the feed loads are sent slim too; take() and endBatch() send null first if the
   * scan never did, so no worker holds a file anyone waits for.
   */
  sendFilter(filter: PackageFilter | null): void {
    if (this.filter) return;
    this.filter = { value: filter };
    for (const w of this.all) w.postMessage({ filter });
  }

  /** The outcome of a prefetched file, once; undefined for a file not prefetched (or taken already). */
  take(file: string): Promise<DecodeOutcome> | undefined {
    const b = this.batch;
    const answer = b?.answers.get(file);
    if (!answer || !b) return undefined;
    this.sendFilter(null);
    b.answers.delete(file);
    Atomics.add(b.state, 1, 1);
    Atomics.notify(b.state, 1);
    const at = b.index.get(file)!;
    const filter = this.filter!.value;
    if (Atomics.compareExchange(b.claimed, at, 0, 1) === 0) void decodeFile(file).then((o) => this.answer(at, slimOutcome(o, filter)));
    return answer;
  }

  private join(worker: Worker): void {
    if (!this.batch || this.batch.open === 0) return;
    worker.ref();
    worker.postMessage({ batch: this.batch.files, shared: this.batch.shared, ahead: PREFETCH_AHEAD });
    if (this.filter) worker.postMessage({ filter: this.filter.value });
  }

  private answer(at: number, o: DecodeOutcome): void {
    const b = this.batch;
    const resolve = b?.resolvers[at];
    if (!b || !resolve) return;
    this.lostInARow = 0;
    delete b.resolvers[at];
    resolve(o);
    // The batch done, an idle worker no longer keeps the process alive.
    if (--b.open === 0) for (const w of this.idle) w.unref();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.started < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const task = this.queue.shift()!;
      this.busy.set(worker, task);
      worker.ref();
      worker.postMessage({ file: task.file });
    }
  }

  private onMessage(worker: Worker, m: WorkerMessage): void {
    if ('claim' in m) {
      const held = this.claims.get(worker) ?? new Set<number>();
      return void this.claims.set(worker, held.add(m.claim));
    }
    if ('at' in m) {
      this.claims.get(worker)?.delete(m.at);
      return this.answer(m.at, m.outcome);
    }
    const task = this.busy.get(worker);
    this.busy.delete(worker);
    // An idle worker never keeps the process alive (nor one waiting for batch files to be asked for, once all are answered).
    if (!this.batch || this.batch.open === 0) worker.unref();
    this.idle.push(worker);
    task?.resolve(m);
    this.pump();
  }

  private spawn(): Worker {
    this.started++;
    const worker = new Worker(this.script);
    this.all.add(worker);
    worker.on('message', (m: WorkerMessage) => this.onMessage(worker, m));
    const lost = (why: string) => {
      if (!this.all.delete(worker)) return;
      const task = this.busy.get(worker);
      this.busy.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      this.started--;
      // The file it held is answered as a crash, as the same error in this thread would have been; a new worker takes the rest.
      task?.resolve({ ok: false, kind: 'crash', message: `decode worker ${why} while reading ${task.file}` });
      const claimed = this.claims.get(worker) ?? new Set<number>();
      this.claims.delete(worker);
      for (const at of claimed) this.answer(at, { ok: false, kind: 'crash', message: `decode worker ${why} while reading ${this.batch!.files[at]}` });
      // A worker that dies before it answers anything (its script cannot load, memory is short) is not restarted
      // forever: past a few in a row the main thread reads what is left of the batch, as when no worker reached it.
      if (this.batch && this.batch.open > 0 && ++this.lostInARow <= MAX_LOST_IN_A_ROW) {
        const next = this.spawn();
        this.idle.push(next);
        this.join(next);
      }
      this.pump();
    };
    worker.on('error', (err) => lost(`failed (${err.message})`));
    worker.on('exit', (code) => lost(`exited with code ${code}`));
    return worker;
  }
}

let pool: Pool | null | undefined;
/** Bytes of the files seen so far, while the pool waits for enough work to be worth its start. */
let seenBytes = 0;
let waiting: { script: string; size: number } | undefined;

function choosePool(env: NodeJS.ProcessEnv): void {
  const script = workerScript();
  const { size, asked } = workerCount(env);
  if (script && size > 0 && !asked) {
    pool = null;
    waiting = { script, size };
    logDebug(`SBOM files read and decoded on the main thread, on up to ${size} worker threads once ${WORKER_MIN_BYTES / 1024 ** 2} MiB are to be read`);
    return;
  }
  pool = script && size > 0 ? new Pool(script, size) : null;
  logDebug(pool ? `SBOM files read and decoded on up to ${size} worker threads` : 'SBOM files read and decoded on the main thread');
}

/** Counts the file's bytes; the pool starts once they pass WORKER_MIN_BYTES. A file that cannot be stat'ed counts 0 (its read says why). */
async function startPoolWhenWorthIt(file: string): Promise<void> {
  if (!waiting) return;
  seenBytes += await stat(file).then((s) => s.size, () => 0);
  if (!waiting || seenBytes < WORKER_MIN_BYTES) return;
  pool = new Pool(waiting.script, waiting.size);
  logDebug(`SBOM files past ${WORKER_MIN_BYTES / 1024 ** 2} MiB: the rest read and decoded on up to ${waiting.size} worker threads`);
  waiting = undefined;
}

/**
 * Starts reading and decoding these files on the workers now, when there are workers and the files are worth their
 * start (WORKER_MIN_BYTES together): the scan loads its IOC feed on this thread meanwhile, so the other cores decode
 * while it does. Files too few or too small are left to decodeFileAnywhere, which decides as before.
 */
export async function prefetchFiles(files: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (pool === undefined) choosePool(env);
  if (waiting) {
    const sizes = await Promise.all(files.map((f) => stat(f).then((s) => s.size, () => 0)));
    const bytes = sizes.reduce((a, b) => a + b, 0);
    if (!waiting || seenBytes + bytes < WORKER_MIN_BYTES) return;
    pool = new Pool(waiting.script, waiting.size);
    logDebug(`SBOM files to read: ${(bytes / 1024 ** 2).toFixed(0)} MiB, read and decoded on up to ${waiting.size} worker threads from the start`);
    waiting = undefined;
  }
  if (pool && !pool.batch) pool.prefetch([...new Set(files)]);
}

/**
 * Which packages the workers send for prefetched files: those the scan's verdict reads (match/package-filter.ts),
 * or all (null) when the report lists them. Called once the IOC index is built; the filter (a set of every name the
 * feed lists) is only made when workers hold prefetched files.
 */
export function setPackageFilter(make: () => PackageFilter | null): void {
  if (pool?.batch) pool.sendFilter(make());
}

/** After a scan: prefetched files it did not ask for are dropped (Pool.endBatch). A later scan reads files afresh. */
export function endPrefetch(): void {
  pool?.endBatch();
}

/** Reads and decodes a file on a worker thread when workers are available and worth their start, else in this thread. */
export async function decodeFileAnywhere(file: string, env: NodeJS.ProcessEnv = process.env): Promise<DecodeOutcome> {
  const started = pool?.take(file);
  if (started) return started;
  if (pool === undefined) choosePool(env);
  await startPoolWhenWorthIt(file);
  return pool ? pool.run(file) : decodeFile(file);
}
