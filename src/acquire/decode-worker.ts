// The decode worker's entry (bundled to dist/decode-worker.js): one file at a time, answered as plain data.
import { parentPort } from 'node:worker_threads';
import { decodeFile } from './decode-pool.js';

parentPort?.on('message', (task: { file: string }) => {
  void decodeFile(task.file).then((outcome) => parentPort!.postMessage(outcome));
});
