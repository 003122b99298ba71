// SBOM files read and decoded on worker threads, so a fleet of files uses every core while the main thread matches.
// The workers run the very same readFile + decodeSbom as the main thread would (dist/decode-worker.js is bundled from
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
import { decodeSbom, type DecodedSbom } from '../formats/index.js';

/** What reading and decoding one file gave, as plain data. */
export type DecodeOutcome =
  | { ok: true; sbom: DecodedSbom; text?: string }
  | { ok: false; kind: 'read'; code: string }
  | { ok: false; kind: 'input'; file: string; detail: string; line?: number; field?: string }
  | { ok: false; kind: 'crash'; message: string; stack?: string };

/** Reads and decodes one file; an attestation comes back with its text, whose signature the main thread checks. */
export async function decodeFile(file: string): Promise<DecodeOutcome> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { ok: false, kind: 'read', code: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
  try {
    const sbom = decodeSbom(text, file);
    return sbom.attestation !== undefined ? { ok: true, sbom, text } : { ok: true, sbom };
  } catch (err) {
    if (err instanceof InputError) {
      return { ok: false, kind: 'input', file: err.file, detail: err.detail, ...(err.line !== undefined ? { line: err.line } : {}), ...(err.field !== undefined ? { field: err.field } : {}) };
    }
    return { ok: false, kind: 'crash', message: err instanceof Error ? err.message : String(err), ...(err instanceof Error && err.stack ? { stack: err.stack } : {}) };
  }
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

/**
 * The bundled worker beside the bundled CLI (this code sits in dist/sbom-hunt.js or in one of its chunks,
 * dist/chunks/); undefined when running from the sources.
 */
function workerScript(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  const dir = path.dirname(here);
  const bundle = here.endsWith('sbom-hunt.js') ? dir : path.basename(dir) === 'chunks' && here.endsWith('.js') ? path.dirname(dir) : undefined;
  if (bundle === undefined) return undefined;
  const script = path.join(bundle, 'decode-worker.js');
  return existsSync(script) ? script : undefined;
}

/** How many workers, and whether that number was asked for (then they start with the first file, whatever its size). */
function workerCount(env: NodeJS.ProcessEnv): { size: number; asked: boolean } {
  const asked = env['SBOM_HUNT_DECODE_WORKERS'];
  if (asked !== undefined && /^\d+$/.test(asked)) return { size: Math.min(Number(asked), 16), asked: true };
  return { size: Math.min(availableParallelism(), 4), asked: false };
}

/**
 * Bytes decoded in this thread before workers start. A worker first loads the decoders (~100 ms of CPU on a
 * busy 2-core machine), about what 8 MiB of SBOM JSON takes to decode; five files of a few hundred KiB were
 * 0.3 s slower with 2 workers than without.
 */
export const WORKER_MIN_BYTES = 8 * 1024 ** 2;

class Pool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Task>();
  private readonly queue: Task[] = [];
  private started = 0;

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

  private spawn(): Worker {
    this.started++;
    const worker = new Worker(this.script);
    worker.on('message', (o: DecodeOutcome) => {
      const task = this.busy.get(worker);
      this.busy.delete(worker);
      // An idle worker never keeps the process alive.
      worker.unref();
      this.idle.push(worker);
      task?.resolve(o);
      this.pump();
    });
    const lost = (why: string) => {
      const task = this.busy.get(worker);
      this.busy.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      this.started--;
      // The file it held is answered as a crash, as the same error in this thread would have been; a new worker takes the rest.
      task?.resolve({ ok: false, kind: 'crash', message: `decode worker ${why} while reading ${task.file}` });
      this.pump();
    };
    worker.on('error', (err) => lost(`failed (${err.message})`));
    worker.on('exit', (code) => {
      if (this.busy.has(worker) || this.idle.includes(worker)) lost(`exited with code ${code}`);
    });
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

/** Reads and decodes a file on a worker thread when workers are available and worth their start, else in this thread. */
export async function decodeFileAnywhere(file: string, env: NodeJS.ProcessEnv = process.env): Promise<DecodeOutcome> {
  if (pool === undefined) choosePool(env);
  await startPoolWhenWorthIt(file);
  return pool ? pool.run(file) : decodeFile(file);
}
