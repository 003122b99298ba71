// SBOM files read and decoded on worker threads, so a fleet of files uses every core while the main thread matches.
// The workers run the very same readFile + decodeSbom as the main thread would (dist/decode-worker.js is bundled from
// decode-worker.ts, which calls decodeFile below); only plain data crosses: the decoded SBOM, or the error's parts,
// which become the same InputError again. Without the bundled worker file (the sources run under vitest), or with
// SBOM_HUNT_DECODE_WORKERS=0, files are decoded in this thread.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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

/** The bundled worker beside the bundled CLI; undefined when running from the sources. */
function workerScript(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('sbom-hunt.js')) return undefined;
  const script = fileURLToPath(new URL('./decode-worker.js', import.meta.url));
  return existsSync(script) ? script : undefined;
}

function workerCount(env: NodeJS.ProcessEnv): number {
  const asked = env['SBOM_HUNT_DECODE_WORKERS'];
  if (asked !== undefined && /^\d+$/.test(asked)) return Math.min(Number(asked), 16);
  return Math.min(availableParallelism(), 4);
}

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

/** Reads and decodes a file on a worker thread when workers are available, else in this thread. */
export function decodeFileAnywhere(file: string, env: NodeJS.ProcessEnv = process.env): Promise<DecodeOutcome> {
  if (pool === undefined) {
    const script = workerScript();
    const size = workerCount(env);
    pool = script && size > 0 ? new Pool(script, size) : null;
    logDebug(pool ? `SBOM files read and decoded on up to ${size} worker threads` : 'SBOM files read and decoded on the main thread');
  }
  return pool ? pool.run(file) : decodeFile(file);
}
